"""The local provider against real servers: topologies, node life cycle, clean shutdown.

Runs against the server chosen by ``--keywire-server`` / ``KEYWIRE_SERVER``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.servers import (
    AdminConnectionError,
    AdminError,
    LocalProvider,
    Node,
    ServerBinary,
    ServerStartError,
)
from keywire_conformance.servers._formation import cluster_slot_map

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = pytest.mark.integration


def pid_gone(pid: int | None) -> bool:
    """Whether ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    assert pid is not None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def is_running(node: Node) -> bool:
    return node.running  # a call, so the type checker does not pin the value across restarts


def reads(node: Node, key: str, value: bytes) -> Callable[[], bool]:
    return lambda: node.execute("GET", key) == value


@pytest.fixture(scope="module")
def local_binary(keywire_server_binary: ServerBinary) -> ServerBinary:
    if keywire_server_binary.source == "docker":
        pytest.skip("local-process tests need a local server binary")
    return keywire_server_binary


@pytest.fixture
def provider(local_binary: ServerBinary, tmp_path: Path) -> Iterator[LocalProvider]:
    with LocalProvider(local_binary, tmp_path / "servers") as provider:
        yield provider


def test_standalone_starts_and_pings(provider: LocalProvider, local_binary: ServerBinary) -> None:
    standalone = provider.start_standalone()
    node = standalone.node
    assert node.host == "127.0.0.1"
    assert standalone.version == local_binary.version
    assert node.execute("PING") == "PONG"
    info = node.info("server")
    assert info["tcp_port"] == str(node.port)
    version = info.get("valkey_version") or info["redis_version"]
    assert version == local_binary.version_string
    assert node.execute("CONFIG", "GET", "bind") == [b"bind", b"127.0.0.1"]
    assert node.execute("CONFIG", "GET", "save") == [b"save", b""]
    with node.admin() as client:
        assert client.execute("SET", "k", "v") == "OK"
        assert client.execute("GET", "k") == b"v"
    standalone.flushall()
    assert node.execute("DBSIZE") == 0


def test_extra_args_reach_the_server(provider: LocalProvider) -> None:
    node = provider.start_standalone(extra_args=["--maxmemory", "12mb"]).node
    assert node.execute("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"12582912"]


def test_a_bad_argument_fails_with_the_log_tail(provider: LocalProvider) -> None:
    with pytest.raises(ServerStartError) as info:
        provider.start_standalone(extra_args=["--no-such-option", "1"])
    message = str(info.value)
    assert "server log" in message
    assert "no-such-option" in message.lower()


def test_node_kill_restart_stop(provider: LocalProvider) -> None:
    node = provider.start_standalone().node
    port, first_pid = node.port, node.pid
    node.kill()
    assert not is_running(node)
    assert pid_gone(first_pid)
    with pytest.raises(AdminConnectionError):
        node.execute("PING")
    node.restart()
    assert is_running(node)
    assert node.port == port
    assert node.pid != first_pid
    assert node.execute("PING") == "PONG"
    second_pid = node.pid
    node.restart()  # from running: stop first
    assert node.execute("PING") == "PONG"
    assert pid_gone(second_pid)
    node.stop()
    node.stop()  # idempotent
    assert not node.running


def test_replicated_wait_and_reads(provider: LocalProvider) -> None:
    replicated = provider.start_replicated()
    primary, replicas = replicated.primary, replicated.replicas
    assert len(replicas) == 2
    assert primary.role() == "master"
    assert all(r.role() == "slave" for r in replicas)
    with primary.admin() as client:
        assert client.execute("SET", "written-on-primary", "42") == "OK"
        assert client.execute("WAIT", 2, 1000) == 2
    for replica in replicas:
        assert wait_until(reads(replica, "written-on-primary", b"42"))
    with pytest.raises(AdminError, match="READONLY"):
        replicas[0].execute("SET", "x", "1")


def test_replica_restart_rejoins_its_primary(provider: LocalProvider) -> None:
    replicated = provider.start_replicated(replicas=1)
    replica = replicated.replicas[0]
    replica.restart()
    assert replica.role() == "slave"
    replicated.wait_healthy()
    replicated.primary.execute("SET", "after-restart", "1")
    assert replicated.primary.execute("WAIT", 1, 1000) == 1
    assert wait_until(lambda: replica.execute("GET", "after-restart") == b"1")


def test_close_stops_every_process(local_binary: ServerBinary, tmp_path: Path) -> None:
    provider = LocalProvider(local_binary)
    workdir = provider.workdir
    provider.start_standalone()
    provider.start_replicated(replicas=1)
    cluster = provider.start_cluster(primaries=3, replicas_per_primary=0)
    assert len(cluster.nodes) == 3
    assert not cluster.replicas
    pids = [node.pid for node in provider.nodes]
    assert len(pids) == 6
    assert all(pid is not None and not pid_gone(pid) for pid in pids)
    started = time.monotonic()
    provider.close()
    elapsed = time.monotonic() - started
    assert all(pid_gone(pid) for pid in pids)
    assert not workdir.exists()  # its own temporary directory is removed
    provider.close()  # idempotent
    with pytest.raises(Exception, match="closed"):
        provider.start_standalone()
    print(f"closed 6 servers in {elapsed:.3f} s")


def test_a_server_started_from_a_worker_thread_outlives_the_thread(
    provider: LocalProvider,
) -> None:
    # PDEATHSIG follows the thread that forked the child; the provider forks from a
    # long-lived thread when called from elsewhere than the main thread.
    started: list[object] = []
    worker = threading.Thread(target=lambda: started.append(provider.start_standalone()))
    worker.start()
    worker.join(timeout=30)
    assert started
    node = provider.nodes[-1]
    time.sleep(0.3)
    assert node.running
    assert node.execute("PING") == "PONG"


def test_cluster_map_helper_on_a_one_primary_cluster(provider: LocalProvider) -> None:
    cluster = provider.start_cluster(primaries=1, replicas_per_primary=1)
    slot_map = cluster_slot_map(cluster.nodes[0])
    assert slot_map == [(0, 16383, cluster.primaries[0].address, (cluster.replicas[0].address,))]
    assert cluster.replicas_of(cluster.primaries[0]) == cluster.replicas
