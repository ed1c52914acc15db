"""Replica reads, node failures and failovers against the harness cluster.

The harness cluster does the failovers and kills (``fail_over``, ``kill_node``, each waiting
until every node agrees); the ``keywire_clean_cluster`` fixture puts it back as formed (nodes
running, formed primaries serving) before each test.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import TYPE_CHECKING, Literal

import pytest

import keywire
from keywire import RedisCluster
from keywire.cluster import key_slot

if TYPE_CHECKING:
    from keywire_conformance.servers import Cluster, Node

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.asyncio]


def get_calls(node: Node) -> int:
    """How many GETs ``node`` has served (``INFO commandstats``)."""
    stats = node.info("commandstats").get("cmdstat_get")
    if stats is None:
        return 0
    return int(dict(item.split("=") for item in stats.split(","))["calls"])


async def wait_replicated(cluster: RedisCluster[bytes]) -> None:
    # WAIT's tip: every primary, the smallest acknowledgement count. A replica that was just
    # restarted may still be syncing: ask again for a while.
    for _ in range(10):
        if await cluster.execute_command("WAIT", 1, 1000) == 1:
            return
    raise AssertionError("a replica did not acknowledge the writes")


# -- replica reads --------------------------------------------------------------------------------


@pytest.mark.parametrize("selector", ["round_robin", "random"])
async def test_reads_go_to_replicas(
    keywire_clean_cluster: Cluster, selector: Literal["round_robin", "random"]
) -> None:
    topology = keywire_clean_cluster
    host, port = topology.startup_nodes[0]
    async with RedisCluster(
        host,
        port,
        read_from_replicas=True,
        replica_selector=selector,
    ) as cluster:
        assert cluster.read_from_replicas
        assert await cluster.set("foo", "v")
        await wait_replicated(cluster)
        primary = topology.slot_owner(key_slot("foo"))
        [replica] = topology.replicas_of(primary)
        primary_before, replica_before = get_calls(primary), get_calls(replica)
        for _ in range(20):
            assert await cluster.get("foo") == b"v"
        assert get_calls(replica) == replica_before + 20
        assert get_calls(primary) == primary_before
        # Writes still go to the primary; multi-key reads split to replicas.
        assert await cluster.incr("n") == 1
        await cluster.mset({"a": 1, "b": 2, "c": 3})
        await wait_replicated(cluster)
        assert await cluster.mget(["a", "b", "c"]) == [b"1", b"2", b"3"]
        async with cluster.pipeline() as pipe:
            pipe.get("foo")
            pipe.set("foo", "w")
            assert await pipe.execute() == [b"v", True]


async def test_replica_down_falls_back_to_the_primary(keywire_clean_cluster: Cluster) -> None:
    topology = keywire_clean_cluster
    host, port = topology.startup_nodes[0]
    primary = topology.slot_owner(key_slot("foo"))
    [replica] = topology.replicas_of(primary)
    async with RedisCluster(host, port, read_from_replicas=True, read_timeout=5) as cluster:
        assert await cluster.set("foo", "v")
        await wait_replicated(cluster)
        assert await cluster.get("foo") == b"v"  # from the replica
        await asyncio.to_thread(topology.kill_node, replica)
        primary_before = get_calls(primary)
        # No error: reads go to the primary while the replica is down.
        for _ in range(10):
            assert await cluster.get("foo") == b"v"
        assert get_calls(primary) == primary_before + 10
        assert cluster.slot_map.is_down(replica.address, time.monotonic())
        # Concurrent reads in flight when it dies are retried on the primary too.
        assert await asyncio.gather(*(cluster.get("foo") for _ in range(50))) == [b"v"] * 50
        # Back up (a restart keeps the data: restore() would flush it): the probe notices, and
        # reads return to the replica.
        await asyncio.to_thread(replica.restart)
        await asyncio.to_thread(topology.wait_settled)
        deadline = time.monotonic() + 10
        while cluster.slot_map.is_down(replica.address, time.monotonic()):
            assert time.monotonic() < deadline, "the replica was never marked up again"
            await asyncio.sleep(0.1)
        await wait_replicated(cluster)
        replica_before = get_calls(replica)
        assert await cluster.get("foo") == b"v"
        assert get_calls(replica) == replica_before + 1


# -- failover -------------------------------------------------------------------------------------


async def run_workload(
    cluster: RedisCluster[bytes], stop: asyncio.Event, tasks: int = 8, writes_per_task: int = 1250
) -> tuple[dict[str, str], list[BaseException]]:
    """Writes from ``tasks`` tasks (at least ``writes_per_task`` each, and until ``stop``)."""
    acknowledged: dict[str, str] = {}
    errors: list[BaseException] = []

    async def writer(task: int) -> None:
        i = 0
        rng = random.Random(task)
        while not stop.is_set() or i < writes_per_task:
            key = f"w:{task}:{i}:{rng.randrange(1000)}"
            value = f"{task}-{i}"
            try:
                assert await cluster.set(key, value)
            except keywire.RedisError as exc:
                errors.append(exc)
            else:
                acknowledged[key] = value
            i += 1
            if i % 20 == 0:
                await asyncio.sleep(0.001)

    await asyncio.gather(*(writer(t) for t in range(tasks)))
    return acknowledged, errors


async def check_all_read_back(cluster: RedisCluster[bytes], acknowledged: dict[str, str]) -> None:
    keys = list(acknowledged)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        assert await cluster.mget(chunk) == [acknowledged[k].encode() for k in chunk]


async def test_manual_failover_loses_no_acknowledged_write(keywire_clean_cluster: Cluster) -> None:
    topology = keywire_clean_cluster
    host, port = topology.startup_nodes[0]
    slot = key_slot("w:0:0")
    primary = topology.slot_owner(slot)
    [replica] = topology.replicas_of(primary)
    async with RedisCluster(host, port, read_timeout=10) as cluster:
        stop = asyncio.Event()
        workload = asyncio.ensure_future(run_workload(cluster, stop))
        try:
            await asyncio.sleep(0.2)
            # Returns once every node sees the replica serving the primary's slots.
            await asyncio.to_thread(topology.fail_over, replica)
            await asyncio.sleep(0.2)
        finally:
            stop.set()
            acknowledged, errors = await workload
        assert all(isinstance(e, keywire.RedisError) for e in errors)
        assert errors == []  # a graceful failover pauses writes, then MOVED: nothing fails
        assert len(acknowledged) >= 10_000
        assert cluster.slot_map.primary_for(slot) == replica.address
        await check_all_read_back(cluster, acknowledged)
        # Fail back: no write is lost that way either.
        await asyncio.to_thread(topology.fail_over, primary)
        await check_all_read_back(cluster, acknowledged)


@pytest.mark.slow
async def test_primary_killed_replica_takes_over(keywire_clean_cluster: Cluster) -> None:
    topology = keywire_clean_cluster
    host, port = topology.startup_nodes[0]
    slot = key_slot("foo")
    primary = topology.slot_owner(slot)
    [replica] = topology.replicas_of(primary)
    async with RedisCluster(host, port, read_timeout=10, max_retries=30) as cluster:
        stop = asyncio.Event()
        workload = asyncio.ensure_future(run_workload(cluster, stop))
        try:
            await asyncio.sleep(0.2)
            # SIGKILL, then wait until the replica serves the slots and every node agrees.
            assert await asyncio.to_thread(topology.kill_node, primary) is replica
            await asyncio.sleep(0.5)
        finally:
            stop.set()
            acknowledged, errors = await workload
        # Writes in flight on the killed primary fail (they may or may not have been applied:
        # never retried); later writes wait for the failover and succeed.
        assert all(isinstance(e, keywire.RedisError) for e in errors)
        assert all(isinstance(e, keywire.ConnectionError) for e in errors), errors[:3]
        assert await cluster.set("foo", "after")
        assert cluster.slot_map.primary_for(slot) == replica.address
        await check_all_read_back(cluster, acknowledged)
        # Bring the old primary back (it rejoins as a replica once gossip tells it it was
        # replaced: wait for that) and fail back to it: no write is lost that way either.
        await asyncio.to_thread(primary.restart)
        await asyncio.to_thread(topology.wait_settled)
        await asyncio.to_thread(topology.fail_over, primary)
        await check_all_read_back(cluster, acknowledged)
