"""RedisCluster against the harness cluster (3 primaries + 3 replicas): routing, cross-slot
splitting, fanned-out commands with merged answers, pipelines and transactions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

import keywire
from keywire import RedisCluster
from keywire.cluster import (
    ClusterCrossSlotError,
    ClusterError,
    ClusterPartialError,
    ClusterPipeline,
    NodeReplies,
    key_slot,
)
from keywire.pipeline import PipelineResult

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from keywire_conformance.servers import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.asyncio]

PROTOCOLS = [pytest.param((3, "auto"), id="resp3"), pytest.param((2, "python"), id="resp2-pure")]

# Keys on every primary (the harness splits the slots evenly): slots 12182, 5061, 15495, 12182
# (a hash tag: the same as foo), 14415, 3300, 7365.
SPREAD = ["foo", "bar", "a", "{foo}2", "zz", "b", "c"]


@pytest_asyncio.fixture(params=PROTOCOLS)
async def cluster(
    request: pytest.FixtureRequest, keywire_clean_cluster: Cluster
) -> AsyncIterator[RedisCluster[bytes]]:
    protocol, backend = request.param
    host, port = keywire_clean_cluster.startup_nodes[0]
    async with RedisCluster(
        host, port, protocol=protocol, reader_backend=backend, read_timeout=10
    ) as client:
        yield client


# -- basics -------------------------------------------------------------------------------------


async def test_commands_reach_the_right_primary(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    assert len(cluster.primaries()) == 3
    assert len(cluster.replicas()) == 3
    for key in SPREAD:
        assert await cluster.set(key, key)
    for key in SPREAD:
        assert await cluster.get(key) == key.encode()
        # The value is on the node that serves the key, as the server sees it.
        owner = keywire_clean_cluster.slot_owner(key_slot(key))
        assert owner.execute("GET", key) == key.encode()
    assert await cluster.get("missing") is None
    assert await cluster.incr("counter") == 1
    assert await cluster.hset("h", {"f": "v"}) == 1
    assert await cluster.hgetall("h") == {b"f": b"v"}
    assert await cluster.execute_command("GET", "foo") == b"foo"


async def test_str_client_and_from_url(keywire_clean_cluster: Cluster) -> None:
    host, port = keywire_clean_cluster.startup_nodes[1]
    async with RedisCluster.from_url(
        f"redis://{host}:{port}/0?protocol=2", decode_responses=True
    ) as cluster:
        assert await cluster.set("foo", "é")
        assert await cluster.get("foo") == "é"
        assert await cluster.keys("*") == {"foo"}
    with pytest.raises(ValueError, match="only database 0"):
        RedisCluster.from_url(f"redis://{host}:{port}/3")


async def test_startup_nodes_skip_a_dead_one(keywire_clean_cluster: Cluster) -> None:
    nodes = ["127.0.0.1:1", *(f"{h}:{p}" for h, p in keywire_clean_cluster.startup_nodes[:2])]
    async with RedisCluster(startup_nodes=nodes) as cluster:
        assert await cluster.set("foo", 1)
        assert await cluster.get("foo") == b"1"


async def test_unreachable_cluster_is_a_clear_error() -> None:
    cluster: RedisCluster[bytes] = RedisCluster("127.0.0.1", 1, connect_timeout=1)
    with pytest.raises(keywire.cluster.ClusterTopologyError, match=r"127\.0\.0\.1:1\b"):
        await cluster.initialize()
    await cluster.aclose()


async def test_not_a_cluster(keywire_standalone: Any) -> None:
    cluster: RedisCluster[bytes] = RedisCluster(keywire_standalone.host, keywire_standalone.port)
    with pytest.raises(keywire.cluster.ClusterTopologyError, match="cluster"):
        await cluster.initialize()
    await cluster.aclose()


async def test_state_commands_are_refused(cluster: RedisCluster[bytes]) -> None:
    for command in (("MULTI",), ("READONLY",), ("ASKING",), ("SELECT", 1)):
        with pytest.raises(keywire.RedisError, match="state of the connection"):
            await cluster.execute_command(*command)


async def test_blocking_command(cluster: RedisCluster[bytes]) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.05)
        await cluster.rpush("queue", "job")

    pusher = asyncio.ensure_future(push_later())
    assert await cluster.blpop(["queue"], timeout=5) == (b"queue", b"job")
    await pusher
    # Blocking commands do not hold up the shared connection of that node.
    assert await cluster.execute_command("BLPOP", "queue", "0.01") is None


async def test_scripts_route_by_key(cluster: RedisCluster[bytes]) -> None:
    script = cluster.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert await script(keys=["foo"], args=[2]) == 2
    assert await script(keys=["bar"], args=[3]) == 3
    assert await cluster.eval("return 7", [], []) == 7
    with pytest.raises(ClusterCrossSlotError, match="EVAL"):
        await cluster.eval("return 1", ["foo", "bar"], [])


# -- cross-slot multi-key commands --------------------------------------------------------------


async def test_cross_slot_split_and_merge(cluster: RedisCluster[bytes]) -> None:
    keys = SPREAD
    assert len({key_slot(k) for k in keys}) == len(keys) - 1  # foo and {foo}2 share a slot
    assert len({cluster.node_for_key(k) for k in keys}) == 3
    assert await cluster.mset({k: f"v-{k}" for k in keys})
    # MGET: values in the caller's key order, including repeats and missing keys.
    asked = ["zz", "missing", *keys, "foo"]
    expected = [b"v-zz", None, *(f"v-{k}".encode() for k in keys), b"v-foo"]
    assert await cluster.mget(asked) == expected
    assert await cluster.exists([*keys, "missing", "foo"]) == len(keys) + 1
    assert await cluster.touch(keys) == len(keys)
    assert await cluster.delete(keys[:3]) == 3
    assert await cluster.unlink([*keys, "missing"]) == len(keys) - 3
    assert await cluster.exists(keys) == 0
    # Raw commands are split the same way.
    assert await cluster.execute_command("MSET", "foo", 1, "bar", 2) == b"OK"
    assert await cluster.execute_command("MGET", "bar", "foo") == [b"2", b"1"]


async def test_non_atomic_cross_slot_off(cluster: RedisCluster[bytes]) -> None:
    assert cluster.non_atomic_cross_slot is True
    cluster.non_atomic_cross_slot = False
    with pytest.raises(ClusterCrossSlotError, match="non_atomic_cross_slot") as caught:
        await cluster.mget(["foo", "bar"])
    assert isinstance(caught.value, keywire.CrossSlotError)
    assert isinstance(caught.value, ClusterError)
    assert caught.value.slots == (12182, 5061)
    with pytest.raises(keywire.CrossSlotError):
        await cluster.delete(["foo", "bar"])
    assert await cluster.exists(["foo"]) == 0  # nothing was sent
    # Keys sharing a slot still work, and atomically.
    assert await cluster.mset({"{u}a": 1, "{u}b": 2})
    assert await cluster.mget(["{u}a", "{u}b"]) == [b"1", b"2"]
    cluster.non_atomic_cross_slot = True
    assert await cluster.mget(["foo", "bar"]) == [None, None]


async def test_unsplittable_cross_slot_commands_raise(cluster: RedisCluster[bytes]) -> None:
    with pytest.raises(ClusterCrossSlotError, match="SUNION"):
        await cluster.sunion(["foo", "bar"])
    with pytest.raises(ClusterCrossSlotError, match="RENAME"):
        await cluster.rename("foo", "bar")
    assert await cluster.sadd("{s}1", ["a"]) == 1
    assert await cluster.sadd("{s}2", ["b"]) == 1
    assert await cluster.sunion(["{s}1", "{s}2"]) == {b"a", b"b"}


@pytest_asyncio.fixture
async def limited_user(cluster: RedisCluster[bytes]) -> AsyncIterator[tuple[str, str]]:
    # ACL users are per node: the ACL SETUSER tip says all_nodes, so this reaches every node.
    assert await cluster.execute_command("ACL", "SETUSER", "limited", "on", ">pw", "~ok*", "+@all")
    try:
        yield ("limited", "pw")
    finally:
        await cluster.execute_command("ACL", "DELUSER", "limited")


async def test_failed_part_raises_with_what_succeeded(
    cluster: RedisCluster[bytes], limited_user: tuple[str, str], keywire_clean_cluster: Cluster
) -> None:
    username, password = limited_user
    await cluster.mset({"ok1": 1, "ok2": 2, "other": 3})
    assert len({key_slot(k) for k in ("ok1", "ok2", "other")}) == 3
    host, port = keywire_clean_cluster.startup_nodes[0]
    async with RedisCluster(host, port, username=username, password=password) as limited:
        with pytest.raises(ClusterPartialError, match="1 of 3 parts failed") as caught:
            await limited.delete(["ok1", "other", "ok2"])
        error = caught.value
        assert isinstance(error.__cause__, keywire.NoPermError)
        assert [args for _node, args, _reply in error.succeeded] == [
            (b"DEL", "ok1"),
            (b"DEL", "ok2"),
        ]
        assert [reply for _node, _args, reply in error.succeeded] == [1, 1]
        [(node, args, failure)] = error.failed
        assert args == (b"DEL", "other")
        assert node == cluster.node_for_key("other")
        assert isinstance(failure, keywire.NoPermError)
        # MGET: no partial list of values, ever.
        with pytest.raises(ClusterPartialError):
            await limited.mget(["ok1", "other"])
        # Every part failing raises the error itself.
        with pytest.raises(keywire.NoPermError):
            await limited.mget(["other", "bar"])
    assert await cluster.exists(["ok1", "ok2", "other"]) == 1  # the parts that ran, ran


# -- all-primaries / all-nodes commands --------------------------------------------------------


async def test_keys_dbsize_flush(cluster: RedisCluster[bytes]) -> None:
    assert await cluster.keys("*") == set()
    assert await cluster.dbsize() == 0
    await cluster.mset(dict.fromkeys(SPREAD, 1))
    assert await cluster.keys("*") == {k.encode() for k in SPREAD}
    assert await cluster.keys("{foo}*") == {b"{foo}2"}
    assert await cluster.dbsize() == len(SPREAD)
    per_node = await cluster.execute_command("DBSIZE", target="primaries")
    assert isinstance(per_node, NodeReplies)
    assert len(per_node) == 3
    assert all(count > 0 for count in per_node.values())
    assert sum(per_node.values()) == len(SPREAD)
    assert sorted([key async for key in cluster.scan_iter()]) == sorted(k.encode() for k in SPREAD)
    assert await cluster.randomkey() in {k.encode() for k in SPREAD}
    assert await cluster.flushall()
    assert await cluster.dbsize() == 0
    assert await cluster.randomkey() is None
    await cluster.set("foo", 1)
    assert await cluster.flushdb()
    assert await cluster.keys() == set()


async def test_ping_info_time(cluster: RedisCluster[bytes]) -> None:
    assert await cluster.ping() is True
    info = await cluster.info("server")
    assert isinstance(info, dict)
    assert len(info) == 3  # per primary: the INFO tip has no merge rule
    assert all("redis_version" in section for section in info.values())
    assert await cluster.time() > 0
    pongs = await cluster.execute_command("PING", target="all")
    assert len(pongs) == 6
    assert set(pongs.values()) == {b"PONG"}
    replica = cluster.replicas()[0]
    assert await cluster.execute_command("ROLE", target=replica) is not None


async def test_script_load_and_exists(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    sha = await cluster.script_load("return 'loaded'")
    assert len(sha) == 40
    # SCRIPT LOAD goes to every node, replicas included; SCRIPT EXISTS to every primary.
    for node in keywire_clean_cluster.nodes:
        assert node.execute("SCRIPT", "EXISTS", sha) == [1]
    assert await cluster.script_exists([sha, "0" * 40]) == [True, False]
    assert await cluster.evalsha(sha, ["foo"]) == b"loaded"
    # Loaded on one primary only: EXISTS is true only where every primary has it.
    only_here = keywire_clean_cluster.primaries[0]
    partial: Any = only_here.execute("SCRIPT", "LOAD", "return 'partial'")
    assert await cluster.script_exists([partial, sha]) == [False, True]
    assert await cluster.script_flush()
    assert await cluster.script_exists([sha]) == [False]


async def test_config_set_reaches_every_node(
    cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster
) -> None:
    previous: Any = keywire_clean_cluster.nodes[0].execute("CONFIG", "GET", "maxmemory-samples")
    try:
        assert await cluster.config_set("maxmemory-samples", "7")
        for node in keywire_clean_cluster.nodes:
            value: Any = node.execute("CONFIG", "GET", "maxmemory-samples")
            assert value[1] == b"7"
    finally:
        await cluster.config_set("maxmemory-samples", previous[1])


async def test_function_load(cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster) -> None:
    if keywire_clean_cluster.version < (7, 0, 0):
        pytest.skip("functions need Redis 7.0")
    code = "#!lua name=kwlib\nredis.register_function('kwecho', function(k, a) return a[1] end)"
    try:
        assert await cluster.function_load(code) == b"kwlib"
        for primary in keywire_clean_cluster.primaries:
            assert primary.execute("FCALL", "kwecho", 0, "x") == b"x"
        assert await cluster.fcall("kwecho", ["foo"], ["hi"]) == b"hi"
        assert await cluster.fcall("kwecho", ["bar"], ["there"]) == b"there"
        # Every primary refuses (already loaded): that error itself.
        with pytest.raises(keywire.ResponseError, match="already exists"):
            await cluster.function_load(code)
        # One primary lost it: it loads there, the others refuse, and that is reported.
        keywire_clean_cluster.primaries[0].execute("FUNCTION", "DELETE", "kwlib")
        with pytest.raises(ClusterPartialError, match="2 of 3 parts failed") as caught:
            await cluster.function_load(code)
        assert [reply for _node, _args, reply in caught.value.succeeded] == [b"kwlib"]
        assert await cluster.function_load(code, replace=True) == b"kwlib"
    finally:
        assert await cluster.function_flush()


# -- pipelines and transactions -----------------------------------------------------------------


async def test_pipeline_across_nodes_keeps_order(cluster: RedisCluster[bytes]) -> None:
    async with cluster.pipeline() as pipe:
        assert isinstance(pipe, ClusterPipeline)
        for key in SPREAD:
            pipe.set(key, key)
        counted = pipe.incr("counter")
        for key in reversed(SPREAD):
            pipe.get(key)
        pipe.mget(["foo", "bar", "zz"])  # split inside a pipeline
        pipe.dbsize()  # fanned out inside a pipeline
        results = await pipe.execute()
    assert results == [
        *([True] * len(SPREAD)),
        1,
        *(k.encode() for k in reversed(SPREAD)),
        [b"foo", b"bar", b"zz"],
        len(SPREAD) + 1,
    ]
    assert await counted == 1
    assert await cluster.pipeline().execute() == []


async def test_pipeline_errors_in_place(cluster: RedisCluster[bytes]) -> None:
    await cluster.set("foo", "text")
    pipe = cluster.pipeline()
    pipe.set("bar", 1)
    failed = pipe.lpush("foo", ["x"])
    pipe.get("bar")
    pipe.execute_command("SUNION", "foo", "bar")
    results = await pipe.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], keywire.WrongTypeError)
    assert results[2] == b"1"
    assert isinstance(results[3], ClusterCrossSlotError)
    with pytest.raises(keywire.WrongTypeError):
        await failed
    pipe.incr("foo")
    pipe.set("zz", 2)
    with pytest.raises(keywire.ResponseError, match="not an integer"):
        await pipe.execute()
    assert await cluster.get("zz") == b"2"


async def test_pipeline_many_commands_concurrently(cluster: RedisCluster[bytes]) -> None:
    async def one(n: int) -> list[Any]:
        async with cluster.pipeline() as pipe:
            for i in range(20):
                pipe.set(f"p{n}:{i}", i)
                pipe.get(f"p{n}:{i}")
            return await pipe.execute()

    results = await asyncio.gather(*(one(n) for n in range(20)))
    for result in results:
        assert result == [v for i in range(20) for v in (True, str(i).encode())]


async def test_transaction_in_one_slot(cluster: RedisCluster[bytes]) -> None:
    async with cluster.pipeline(transaction=True) as pipe:
        pipe.set("{acct}a", 10)
        pipe.incrby("{acct}a", 5)
        pipe.set("{acct}b", 1)
        pipe.mget(["{acct}a", "{acct}b"])
        assert await pipe.execute() == [True, 15, True, [b"15", b"1"]]

    pipe2 = cluster.pipeline(transaction=True)
    pipe2.set("foo", 1)
    pipe2.set("bar", 1)
    with pytest.raises(ClusterCrossSlotError, match="one slot"):
        await pipe2.execute()
    assert await cluster.exists(["foo", "bar"]) == 0  # nothing was sent

    pipe3 = cluster.pipeline(transaction=True)
    pipe3.ping()
    with pytest.raises(ClusterError, match="at least one key"):
        await pipe3.execute()


async def test_optimistic_transaction(cluster: RedisCluster[bytes]) -> None:
    await cluster.set("{acct}balance", 100)

    async def add_ten(pipe: ClusterPipeline[bytes]) -> None:
        balance = int(await pipe.get("{acct}balance") or 0)
        if balance == 100:  # a concurrent writer changes it the first time
            await cluster.set("{acct}balance", 200)
        pipe.multi()
        pipe.set("{acct}balance", balance + 10)

    assert await cluster.transaction(add_ten, "{acct}balance") == [True]
    assert await cluster.get("{acct}balance") == b"210"
    async with cluster.pipeline(transaction=True) as pipe:
        with pytest.raises(ClusterCrossSlotError):
            await pipe.watch("foo", "bar")
        await pipe.watch("{acct}balance")
        with pytest.raises(ClusterCrossSlotError):
            await pipe.get("foo")
        assert await pipe.get("{acct}balance") == b"210"  # WATCH mode: runs at once
        pipe.multi()
        queued = pipe.incr("{acct}balance")
        assert isinstance(queued, PipelineResult)
        assert await pipe.execute() == [211]
