"""MOVED and ASK against real servers: a stale slot map, and live slot migrations
(``CLUSTER SETSLOT ... MIGRATING / IMPORTING`` + ``MIGRATE``) while the client works."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

import keywire
from keywire import RedisCluster
from keywire.cluster import Refresh, SlotRange, key_slot

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from keywire.pubsub import PubSubMessage
    from keywire_conformance.servers import Cluster, Node

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.asyncio]


# -- harness helpers (raw admin commands, not our client) ---------------------------------------


def text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def node_id(node: Node) -> str:
    return text(node.execute("CLUSTER", "MYID"))


def owner_port(node: Node, slot: int) -> int | None:
    """The port of the primary serving ``slot`` in ``node``'s view."""
    reply: Any = node.execute("CLUSTER", "SLOTS")
    for entry in reply:
        if entry[0] <= slot <= entry[1]:
            return int(entry[2][1])
    return None


def primary_of(topology: Cluster, slot: int) -> Node:
    port = owner_port(topology.nodes[0], slot)
    return next(n for n in topology.nodes if n.port == port)


def wait_owner(topology: Cluster, slot: int, owner: Node, timeout: float = 15.0) -> None:
    """Until every node sees ``owner`` serving ``slot``."""
    deadline = time.monotonic() + timeout
    while True:
        views = {n.port: owner_port(n, slot) for n in topology.nodes if n.running}
        if all(port == owner.port for port in views.values()):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"slot {slot}: nodes disagree on its owner: {views}")
        time.sleep(0.05)


def begin_migration(source: Node, target: Node, slot: int) -> None:
    target.execute("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(source))
    source.execute("CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(target))


def migrate_keys(source: Node, target: Node, slot: int, batch: int = 50) -> int:
    moved = 0
    while True:
        keys: Any = source.execute("CLUSTER", "GETKEYSINSLOT", slot, batch)
        if not keys:
            return moved
        source.execute("MIGRATE", target.host, target.port, "", 0, 5000, "KEYS", *keys)
        moved += len(keys)


def finish_migration(topology: Cluster, source: Node, target: Node, slot: int) -> None:
    migrate_keys(source, target, slot)
    others = [p for p in topology.nodes if p not in (source, target) and p.role() == "master"]
    for node in (target, source, *others):
        node.execute("CLUSTER", "SETSLOT", slot, "NODE", node_id(target))
    wait_owner(topology, slot, target)


def restore_slot(topology: Cluster, slot: int, owner: Node) -> None:
    """Put ``slot`` back on ``owner`` whatever state a test left it in (its keys are dropped).

    The move goes through IMPORTING on ``owner`` so that taking the slot bumps its config
    epoch; without that, nodes that saw the newer owner keep believing it (Redis 6.2).
    """
    primaries = [n for n in topology.nodes if n.running and n.role() == "master"]
    for node in primaries:
        node.execute("CLUSTER", "SETSLOT", slot, "STABLE")
        node.execute("FLUSHALL")
    current_port = owner_port(owner, slot)
    current = next((n for n in primaries if n.port == current_port), None)
    if current is not None and current is not owner:
        begin_migration(current, owner, slot)
    for node in [owner, *(p for p in primaries if p is not owner)]:
        node.execute("CLUSTER", "SETSLOT", slot, "NODE", node_id(owner))
    wait_owner(topology, slot, owner)


@contextlib.contextmanager
def slot_restored(topology: Cluster, slot: int) -> Iterator[Node]:
    owner = primary_of(topology, slot)
    try:
        yield owner
    finally:
        restore_slot(topology, slot, owner)


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
    with slot_restored(topology, slot) as source:
        target = next(p for p in topology.primaries if p is not source)
        assert cluster.node_for_key("foo") == source.address
        await cluster.set("foo", "stays")
        await cluster.set("{foo}leaves", "moved")
        begin_migration(source, target, slot)
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

        finish_migration(topology, source, target, slot)
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

    def migrate(source: Node, target: Node) -> None:
        begin_migration(source, target, slot)
        for _ in range(20):
            migrate_keys(source, target, slot, batch=20)
            time.sleep(0.01)
        finish_migration(topology, source, target, slot)

    with slot_restored(topology, slot) as source:
        target = next(p for p in topology.primaries if p is not source)
        workload = asyncio.gather(*(writer(t) for t in range(tasks)))
        await asyncio.sleep(0.02)
        await asyncio.to_thread(migrate, source, target)
        await workload
        assert all(isinstance(e, keywire.RedisError) for e in errors)
        assert errors == []  # MOVED / ASK / TRYAGAIN are all handled: nothing to report
        assert len(acknowledged) == writes_per_task * tasks
        keys = list(acknowledged)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            assert await cluster.mget(chunk) == [acknowledged[k].encode() for k in chunk]
        assert primary_of(topology, slot) is target


async def test_shard_subscription_follows_its_slot(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    topology = keywire_clean_cluster
    if topology.version < (7, 0, 0):
        pytest.skip("sharded pub/sub needs Redis 7.0")
    slot = key_slot("news:{foo}")
    with slot_restored(topology, slot) as source:
        target = next(p for p in topology.primaries if p is not source)
        async with cluster.pubsub() as pubsub:
            await pubsub.ssubscribe("news:{foo}", "news:{bar}")
            assert await cluster.spublish("news:{foo}", "before") == 1
            first = [await pubsub.get_message(timeout=2.0) for _ in range(3)]
            assert [m.type for m in first if m is not None] == ["ssubscribe"] * 2 + ["smessage"]

            await asyncio.to_thread(begin_migration, source, target, slot)
            await asyncio.to_thread(finish_migration, topology, source, target, slot)
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
