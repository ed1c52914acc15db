"""MOVED and ASK against real servers: a stale slot map, and live slot migrations
(``CLUSTER SETSLOT ... MIGRATING / IMPORTING`` + ``MIGRATE``) while the client works.

The harness cluster moves the slots (``begin_migration``, ``finish_migration``,
``migrate_slot``, each waiting until every node agrees); the ``keywire_clean_cluster`` fixture
puts it back as formed before each test, so no test restores what it moved.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

import keywire
from keywire import RedisCluster
from keywire.cluster import Refresh, SlotRange, key_slot

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from keywire.pubsub import PubSubMessage
    from keywire_conformance.servers import Cluster, Node

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.asyncio]


def migrate_in_rounds(
    topology: Cluster, slot: int, target: Node, *, rounds: int = 20, batch: int = 20
) -> None:
    """Move ``slot`` to ``target`` as a live resharding does while writers keep adding keys:
    open the migration, ``rounds`` times move every key the slot holds in ``MIGRATE`` calls of
    ``batch`` keys and pause, then hand the slot over (which moves the keys left)."""
    source = topology.begin_migration(slot, target, move_keys=False)
    for _ in range(rounds):
        while True:
            keys: Any = source.execute("CLUSTER", "GETKEYSINSLOT", slot, batch)
            if not keys:
                break
            source.execute("MIGRATE", target.host, target.port, "", 0, 5000, "KEYS", *keys)
        time.sleep(0.01)
    topology.finish_migration(slot)


@pytest_asyncio.fixture(params=[3, 2], ids=["resp3", "resp2"])
async def cluster(
    request: pytest.FixtureRequest, keywire_clean_cluster: Cluster
) -> AsyncIterator[RedisCluster[bytes]]:
    host, port = keywire_clean_cluster.startup_nodes[0]
    async with RedisCluster(host, port, protocol=request.param, read_timeout=10) as client:
        yield client


# -- MOVED ------------------------------------------------------------------------------------


async def test_stale_map_is_patched_and_refreshed_once(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    keys = [f"key:{i}" for i in range(200)]
    assert await cluster.mset({k: k for k in keys})
    right = cluster.slot_map.snapshot()
    # Pretend every slot is on one primary: most commands now get MOVED.
    wrong = cluster.primaries()[0]
    cluster.slot_map.apply(Refresh((SlotRange(0, 16383, wrong, ()),)))
    before = cluster.router.refresh_count
    values = await asyncio.gather(*(cluster.get(k) for k in keys))
    assert values == [k.encode() for k in keys]
    # Each redirect patched its slot at once...
    for key in keys:
        assert cluster.slot_map.primary_for(key_slot(key)) == right[key_slot(key)]
    # ...and the 130-odd redirects of 200 concurrent tasks caused one background refresh.
    task = cluster.router._refresh_task
    assert task is not None
    await task
    assert cluster.router.refresh_count == before + 1
    assert cluster.slot_map.snapshot() == right


async def test_stale_map_inside_pipelines_and_splits(cluster: RedisCluster[bytes]) -> None:
    keys = [f"p:{i}" for i in range(50)]
    wrong = cluster.primaries()[1]
    cluster.slot_map.apply(Refresh((SlotRange(0, 16383, wrong, ()),)))
    async with cluster.pipeline() as pipe:
        for key in keys:
            pipe.set(key, key)
        for key in keys:
            pipe.get(key)
        results = await pipe.execute()
    assert results == [True] * 50 + [k.encode() for k in keys]
    cluster.slot_map.apply(Refresh((SlotRange(0, 16383, wrong, ()),)))
    assert await cluster.mget(keys) == [k.encode() for k in keys]
    cluster.slot_map.apply(Refresh((SlotRange(0, 16383, wrong, ()),)))
    async with cluster.pipeline(transaction=True) as pipe:
        pipe.set("{t}a", 1)
        pipe.incr("{t}a")
        assert await pipe.execute() == [True, 2]


# -- ASK: a slot being migrated -------------------------------------------------------------------


async def test_ask_during_migration_then_moved(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    topology = keywire_clean_cluster
    slot = key_slot("foo")
    source = topology.slot_owner(slot)
    target = topology.next_primary(source)
    assert cluster.node_for_key("foo") == source.address
    await cluster.set("foo", "stays")
    await cluster.set("{foo}leaves", "moved")
    topology.begin_migration(slot, target, move_keys=False)
    source.execute("MIGRATE", target.host, target.port, "{foo}leaves", 0, 5000)

    # Present on the source: served there. Gone: ASK, then ASKING + the command on the target.
    assert await cluster.get("foo") == b"stays"
    assert await cluster.get("{foo}leaves") == b"moved"
    assert await cluster.set("{foo}new", "created")  # a new key goes to the target
    with target.admin() as admin:
        admin.execute("ASKING")
        assert admin.execute("GET", "{foo}new") == b"created"
    assert cluster.slot_map.primary_for(slot) == source.address  # ASK changes no map

    # Multi-key on keys split between the nodes: TRYAGAIN, retried, then a clear error.
    limited: RedisCluster[bytes] = RedisCluster(*source.address, max_retries=2)
    async with limited:
        with pytest.raises(keywire.TryAgainError) as caught:
            await limited.mget(["foo", "{foo}leaves"])
        assert "gave up after 3 attempts" in "".join(caught.value.__notes__)

    # Inside a pipeline and a transaction.
    async with cluster.pipeline() as pipe:
        pipe.get("{foo}leaves")
        pipe.get("foo")
        pipe.set("{foo}piped", 1)
        pipe.get("bar")
        assert await pipe.execute() == [b"moved", b"stays", True, None]
    async with cluster.pipeline(transaction=True) as pipe:
        pipe.set("{foo}tx", 5)  # missing on the source: ASK, so ASKING MULTI ... EXEC
        pipe.incr("{foo}tx")
        assert await pipe.execute() == [True, 6]

    topology.finish_migration(slot)
    # The map is stale now: MOVED patches it.
    assert await cluster.get("foo") == b"stays"
    assert cluster.slot_map.primary_for(slot) == target.address
    assert await cluster.mget(["foo", "{foo}leaves", "{foo}new", "{foo}piped", "{foo}tx"]) == [
        b"stays",
        b"moved",
        b"created",
        b"1",
        b"6",
    ]


async def test_writes_during_a_migration_are_never_lost(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    topology = keywire_clean_cluster
    slot = key_slot("{mig}")
    acknowledged: dict[str, str] = {}
    errors: list[BaseException] = []
    writes_per_task, tasks = 1250, 8

    async def writer(task: int) -> None:
        rng = random.Random(task)
        for i in range(writes_per_task):
            # Most writes into the migrating slot, some elsewhere.
            key = f"{{mig}}:{task}:{i}" if rng.random() < 0.8 else f"other:{task}:{i}"
            value = f"{task}-{i}"
            try:
                assert await cluster.set(key, value)
            except keywire.RedisError as exc:
                errors.append(exc)
            else:
                acknowledged[key] = value
            if i % 50 == 0:
                await asyncio.sleep(0)

    target = topology.next_primary(topology.slot_owner(slot))
    workload = asyncio.gather(*(writer(t) for t in range(tasks)))
    await asyncio.sleep(0.02)
    await asyncio.to_thread(migrate_in_rounds, topology, slot, target)
    await workload
    assert all(isinstance(e, keywire.RedisError) for e in errors)
    assert errors == []  # MOVED / ASK / TRYAGAIN are all handled: nothing to report
    assert len(acknowledged) == writes_per_task * tasks
    keys = list(acknowledged)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        assert await cluster.mget(chunk) == [acknowledged[k].encode() for k in chunk]
    assert topology.slot_owner(slot) is target


async def test_shard_subscription_follows_its_slot(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    topology = keywire_clean_cluster
    if topology.version < (7, 0, 0):
        pytest.skip("sharded pub/sub needs Redis 7.0")
    slot = key_slot("news:{foo}")
    target = topology.next_primary(topology.slot_owner(slot))
    async with cluster.pubsub() as pubsub:
        await pubsub.ssubscribe("news:{foo}", "news:{bar}")
        assert await cluster.spublish("news:{foo}", "before") == 1
        first = [await pubsub.get_message(timeout=2.0) for _ in range(3)]
        assert [m.type for m in first if m is not None] == ["ssubscribe"] * 2 + ["smessage"]

        await asyncio.to_thread(topology.migrate_slot, slot, target)
        # The server ends the subscription; it is made again on the slot's new primary.
        seen: list[PubSubMessage[bytes]] = []
        while len(seen) < 2:
            message = await pubsub.get_message(timeout=5.0)
            assert message is not None
            seen.append(message)
        assert [(m.type, m.channel) for m in seen] == [
            ("sunsubscribe", b"news:{foo}"),
            ("ssubscribe", b"news:{foo}"),
        ]
        assert pubsub.shard_channels == {b"news:{foo}", b"news:{bar}"}
        assert await cluster.spublish("news:{foo}", "after") == 1
        message = await pubsub.get_message(timeout=5.0)
        assert message is not None
        assert (message.type, message.data) == ("smessage", b"after")
