"""The pytest fixtures and the shared topologies they start: replicated and cluster checks.

Runs against the server chosen by ``--keywire-server`` / ``KEYWIRE_SERVER``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.servers import AdminError, Cluster, Node, Replicated, Standalone
from keywire_conformance.servers._admin import as_text, parse_info
from keywire_conformance.servers._formation import cluster_slot_map

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.integration


def crc16_xmodem(data: bytes) -> int:
    """CRC16-CCITT (XMODEM), the hash Redis Cluster uses for key slots."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def key_slot(key: bytes) -> int:
    """The cluster slot of ``key``, honouring ``{hash tags}``."""
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    return crc16_xmodem(key) % 16384


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def reads(node: Node, key: str, value: bytes) -> Callable[[], bool]:
    return lambda: node.execute("GET", key) == value


def owner_of(cluster: Cluster, slot: int) -> tuple[Node, list[Node]]:
    by_address = {node.address: node for node in cluster.nodes}
    for first, last, primary, replicas in cluster_slot_map(cluster.nodes[0]):
        if first <= slot <= last:
            return by_address[primary], [by_address[r] for r in replicas]
    raise AssertionError(f"slot {slot} has no owner")


def test_crc16_vectors() -> None:
    assert crc16_xmodem(b"123456789") == 0x31C3
    assert key_slot(b"foo") == 12182
    assert key_slot(b"{user1000}.following") == key_slot(b"{user1000}.followers")
    assert key_slot(b"foo{}{bar}") == key_slot(b"foo{}{bar}")


def test_fixtures_mark_tests_integration(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("integration") is not None


def test_clean_standalone_is_empty_and_running(keywire_clean_standalone: Standalone) -> None:
    node = keywire_clean_standalone.node
    assert node.execute("DBSIZE") == 0
    node.execute("SET", "left-behind", "1")
    node.kill()  # the next test must still get a running, empty server


def test_clean_standalone_heals_and_flushes(keywire_clean_standalone: Standalone) -> None:
    assert keywire_clean_standalone.node.running
    assert keywire_clean_standalone.node.execute("DBSIZE") == 0


def test_replicated_wait_2_and_replica_reads(keywire_clean_replicated: Replicated) -> None:
    primary = keywire_clean_replicated.primary
    replicas = keywire_clean_replicated.replicas
    assert len(replicas) == 2
    primary.execute("SET", "on-primary", "v1")
    assert primary.execute("WAIT", 2, 1000) == 2
    for replica in replicas:
        assert wait_until(reads(replica, "on-primary", b"v1"))
    info = primary.info("replication")
    assert info["connected_slaves"] == "2"


def test_cluster_formed(keywire_cluster: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = keywire_cluster
    with capsys.disabled():
        print(
            f"\n[keywire] {cluster.binary.label} ({cluster.binary.version_string}) "
            f"3+3 cluster formed in {cluster.formation_seconds:.3f} s"
        )
    assert len(cluster.primaries) == 3
    assert len(cluster.replicas) == 3
    assert cluster.startup_nodes == [("127.0.0.1", node.port) for node in cluster.nodes]
    for node in cluster.nodes:
        info = parse_info(as_text(node.execute("CLUSTER", "INFO")))
        assert info["cluster_state"] == "ok"
        assert info["cluster_slots_assigned"] == "16384"
        assert info["cluster_known_nodes"] == "6"
    maps = [cluster_slot_map(node) for node in cluster.nodes]
    assert all(slot_map == maps[0] for slot_map in maps)
    covered = 0
    for first, last, primary, replicas in maps[0]:
        assert first == covered
        assert len(replicas) == 1
        assert primary in [p.address for p in cluster.primaries]
        assert replicas[0] in [r.address for r in cluster.replicas_of(_node(cluster, primary))]
        covered = last + 1
    assert covered == 16384


def _node(cluster: Cluster, address: tuple[str, int]) -> Node:
    return next(node for node in cluster.nodes if node.address == address)


@pytest.mark.parametrize("key", [b"foo", b"bar", b"{tag}x", b"keywire:123"])
def test_cluster_key_on_the_right_node(keywire_clean_cluster: Cluster, key: bytes) -> None:
    slot = key_slot(key)
    primary, replicas = owner_of(keywire_clean_cluster, slot)
    assert primary.execute("CLUSTER", "KEYSLOT", key) == slot
    assert primary.execute("SET", key, b"value-" + key) == "OK"
    assert primary.execute("GET", key) == b"value-" + key
    wrong = next(p for p in keywire_clean_cluster.primaries if p is not primary)
    with pytest.raises(AdminError, match=f"MOVED {slot} 127.0.0.1:{primary.port}"):
        wrong.execute("GET", key)
    assert primary.execute("WAIT", 1, 1000) == 1
    with replicas[0].admin() as client:
        client.execute("READONLY")
        assert client.execute("GET", key) == b"value-" + key


def test_clean_cluster_is_empty(keywire_clean_cluster: Cluster) -> None:
    assert all(p.execute("DBSIZE") == 0 for p in keywire_clean_cluster.primaries)


def test_cluster_replica_restart_rejoins(keywire_clean_cluster: Cluster) -> None:
    replica = keywire_clean_cluster.replicas[0]
    replica.restart()
    assert replica.role() == "slave"
    keywire_clean_cluster.wait_healthy()
    first = keywire_clean_cluster.nodes[0]
    assert wait_until(
        lambda: [len(replicas) for *_, replicas in cluster_slot_map(first)] == [1, 1, 1]
    )
