"""Reshaping the harness cluster (migrate, fail over, kill, add) and restoring it as formed.

Runs against the server chosen by ``--keywire-server`` / ``KEYWIRE_SERVER``. Each test leaves
the cluster reshaped on purpose and checks that :meth:`Cluster.restore` brings back the formed
layout (the clean fixture of the next test depends on it).
"""

from __future__ import annotations

import pytest

from keywire_conformance.servers import AdminError, Cluster, ReshapeError
from keywire_conformance.servers._cluster_state import (
    cluster_nodes,
    cluster_slot_map,
    node_id,
    slot_owner_port,
)

pytestmark = [pytest.mark.integration, pytest.mark.cluster]

SLOT_OF_FOO = 12182  # CLUSTER KEYSLOT foo


def formed_map(cluster: Cluster) -> object:
    return cluster_slot_map(cluster.primaries[0])


def assert_formed(cluster: Cluster, expected: object) -> None:
    assert cluster.is_formed()
    assert [n.port for n in cluster.nodes] == [n.port for n in cluster._formed]
    for node in cluster.nodes:
        assert node.running
        assert cluster_slot_map(node) == expected
    for primary in cluster.primaries:
        assert primary.role() == "master"


def test_clean_cluster_is_formed(keywire_clean_cluster: Cluster) -> None:
    assert keywire_clean_cluster.is_formed()
    assert keywire_clean_cluster.added_nodes == []


def test_migrate_slot_moves_keys_and_owner_then_restore(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    source = cluster.slot_owner(SLOT_OF_FOO)
    source.execute("SET", "foo", "1")
    target = cluster.next_primary(source)
    assert target is not source
    assert target.role() == "master"

    assert cluster.begin_migration(SLOT_OF_FOO, target) is source
    # The key moved, the slot did not: the source now redirects with ASK.
    assert target.execute("CLUSTER", "COUNTKEYSINSLOT", SLOT_OF_FOO) == 1
    with pytest.raises(AdminError, match=r"^ASK 12182 "):
        source.execute("GET", "foo")
    mine = next(e for e in cluster_nodes(source) if "myself" in e.flags)
    assert mine.migrating == {SLOT_OF_FOO: node_id(target)}
    assert not cluster.is_formed()

    assert cluster.finish_migration(SLOT_OF_FOO) is target
    for node in cluster.running_nodes:
        assert slot_owner_port(cluster_slot_map(node), SLOT_OF_FOO) == target.port
    with pytest.raises(AdminError, match=rf"^MOVED 12182 127\.0\.0\.1:{target.port}"):
        source.execute("GET", "foo")
    assert target.execute("GET", "foo") == b"1"
    with pytest.raises(ReshapeError, match="no migration of slot"):
        cluster.finish_migration(SLOT_OF_FOO)

    cluster.restore()
    assert_formed(cluster, before)


def test_open_migration_is_closed_by_restore(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    source = cluster.slot_owner(SLOT_OF_FOO)
    cluster.begin_migration(SLOT_OF_FOO, cluster.next_primary(source), move_keys=False)
    cluster.restore()
    assert_formed(cluster, before)
    mine = next(e for e in cluster_nodes(source) if "myself" in e.flags)
    assert not mine.migrating
    assert not mine.importing


def test_fail_over_then_restore(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    primary = cluster.slot_owner(0)
    [replica] = cluster.replicas_serving(0)
    primary.execute("SET", "b", "kept")  # CLUSTER KEYSLOT b = 3300, in slot 0's range
    primary.execute("WAIT", 1, 1000)
    cluster.fail_over(replica)
    assert replica.role() == "master"
    assert replica.execute("GET", "b") == b"kept"
    assert primary.role() == "slave"
    for node in cluster.running_nodes:
        assert slot_owner_port(cluster_slot_map(node), 0) == replica.port
    cluster.restore()
    assert_formed(cluster, before)


def test_kill_primary_waits_for_the_automatic_failover(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    primary = cluster.slot_owner(SLOT_OF_FOO)
    [replica] = cluster.replicas_serving(SLOT_OF_FOO)
    assert cluster.kill_node(primary) is replica
    assert not primary.running
    assert replica.role() == "master"
    for node in cluster.running_nodes:
        assert slot_owner_port(cluster_slot_map(node), SLOT_OF_FOO) == replica.port
    cluster.restore()
    assert_formed(cluster, before)


def test_kill_replica_returns_at_once(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    [replica] = cluster.replicas_serving(0)
    assert cluster.kill_node(replica) is None
    assert not replica.running
    cluster.restore()
    assert_formed(cluster, before)


def test_add_primary_take_a_slot_then_restore(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    added = cluster.add_node("primary")
    assert cluster.added_nodes == [added]
    assert added.role() == "master"
    for node in cluster.running_nodes:
        assert node_id(added) in {e.node_id for e in cluster_nodes(node)}
    cluster.slot_owner(SLOT_OF_FOO).execute("SET", "foo", "2")
    assert cluster.migrate_slot(SLOT_OF_FOO, added) is added
    assert added.execute("GET", "foo") == b"2"
    cluster.restore()
    assert_formed(cluster, before)
    assert not added.running
    for node in cluster.nodes:
        assert added.port not in {e.port for e in cluster_nodes(node)}


def test_add_replica_then_restore(keywire_clean_cluster: Cluster) -> None:
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    primary = cluster.slot_owner(0)
    added = cluster.add_node("replica", primary=primary)
    assert added.role() == "slave"
    assert added in cluster.replicas_serving(0)
    cluster.restore()
    assert_formed(cluster, before)


def test_kill_right_after_a_failover_and_fail_back(keywire_clean_cluster: Cluster) -> None:
    # The sequence that once left Redis 6.2 without a primary for the slots (a stale election
    # won again by the replica): kill_node must still end with the replica serving them.
    cluster = keywire_clean_cluster
    before = formed_map(cluster)
    primary = cluster.slot_owner(SLOT_OF_FOO)
    [replica] = cluster.replicas_serving(SLOT_OF_FOO)
    cluster.fail_over(replica)
    cluster.fail_over(primary)
    assert cluster.kill_node(primary) is replica
    for node in cluster.running_nodes:
        assert slot_owner_port(cluster_slot_map(node), SLOT_OF_FOO) == replica.port
    cluster.restore()
    assert_formed(cluster, before)
