"""The router's redirect and retry rules against scripted in-memory nodes (no server).

The integration tests (test_cluster_*.py with the harness cluster) check the same behaviour
against real servers where a server can be brought into the state; these cover the states a
test cannot produce on demand (CLUSTERDOWN, LOADING, TRYAGAIN, redirect loops) and count
exactly what went over the wire.
"""

from __future__ import annotations

import asyncio
import collections
from typing import TYPE_CHECKING, Any

import pytest

import keywire
from keywire._mock import MockTransport, mock_connection
from keywire.cluster import RedisCluster, TooManyRedirectsError, key_slot

if TYPE_CHECKING:
    from keywire._config import Config
    from keywire._connection import Connection

pytestmark = pytest.mark.asyncio

Address = tuple[str, int]
A: Address = ("10.0.0.1", 7000)
B: Address = ("10.0.0.2", 7000)
RA: Address = ("10.0.1.1", 7000)


def encode(value: Any) -> bytes:
    """A Python value as RESP2."""
    if value is None:
        return b"$-1\r\n"
    if isinstance(value, int):
        return b":%d\r\n" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"$%d\r\n%s\r\n" % (len(value), value)
    assert isinstance(value, list)
    return b"*%d\r\n" % len(value) + b"".join(encode(item) for item in value)


class FakeCluster:
    """Scripted nodes: a shared key space, CLUSTER SLOTS from ``ranges``, and per node a queue
    of canned answers that win over the normal ones."""

    def __init__(self, ranges: list[tuple[int, int, Address, list[Address]]]) -> None:
        self.ranges = ranges
        self.data: dict[bytes, bytes] = {}
        self.script: dict[Address, collections.deque[bytes]] = collections.defaultdict(
            collections.deque
        )
        self.log: dict[Address, list[list[bytes]]] = collections.defaultdict(list)
        self.transports: dict[Address, list[MockTransport]] = collections.defaultdict(list)
        self.refused: set[Address] = set()
        self.silent: set[Address] = set()
        self.topology_requests = 0

    def answer(self, address: Address, command: list[bytes]) -> bytes | None:
        name = command[0].upper()
        if name == b"HELLO":
            return b"-ERR unknown command 'HELLO'\r\n"  # RESP2 handshake
        self.log[address].append(command)
        if address in self.silent:
            return None
        if name == b"CLUSTER":
            sub = command[1].upper()
            if sub == b"SHARDS":
                return b"-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n"
            if sub == b"SLOTS":
                self.topology_requests += 1
                return encode(
                    [
                        [start, end, [p[0], p[1], b"id"], *[[r[0], r[1], b"id"] for r in reps]]
                        for start, end, p, reps in self.ranges
                    ]
                )
        if name in (b"READONLY", b"ASKING"):
            return b"+OK\r\n"
        if self.script[address]:
            return self.script[address].popleft()
        if name == b"GET":
            return encode(self.data.get(command[1]))
        if name == b"SET":
            self.data[command[1]] = command[2]
            return b"+OK\r\n"
        if name == b"PING":
            return b"+PONG\r\n"
        return b"+OK\r\n"

    async def connect(self, config: Config) -> Connection:
        address = (config.host, config.port)
        if address in self.refused:
            raise keywire.ConnectionError("cannot connect: refused", address=config.address)

        def handler(command: list[bytes]) -> bytes | None:
            return self.answer(address, command)

        conn, transport = await mock_connection(config, handler)
        self.transports[address].append(transport)
        return conn

    def commands(self, address: Address, name: bytes) -> list[list[bytes]]:
        return [c for c in self.log[address] if c[0].upper() == name]


def make_client(fake: FakeCluster, **options: Any) -> RedisCluster[bytes]:
    client = RedisCluster(*A, protocol=2, **options)
    client.router.connector = fake.connect
    client.router.refresh_interval = 0.0
    return client


def one_shard(primary: Address = A, replicas: list[Address] | None = None) -> FakeCluster:
    return FakeCluster([(0, 16383, primary, replicas or [])])


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    import keywire.cluster._router as router_module

    monkeypatch.setattr(router_module, "BACKOFF_BASE", 0.001)
    monkeypatch.setattr(router_module, "BACKOFF_CAP", 0.002)


async def test_loads_slots_with_fallback_to_cluster_slots() -> None:
    fake = one_shard()
    async with make_client(fake) as client:
        assert client.primaries() == [A]
        assert fake.topology_requests == 1
        assert client.router._use_shards is False
        assert await client.set("k", "v")
        assert await client.get("k") == b"v"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"-TRYAGAIN Multiple keys request during rehashing of slot\r\n", keywire.TryAgainError),
        (b"-CLUSTERDOWN The cluster is down\r\n", keywire.ClusterDownError),
        (b"-LOADING Redis is loading the dataset in memory\r\n", keywire.LoadingError),
    ],
)
async def test_transient_errors_are_retried_then_raised(
    reply: bytes, error: type[Exception]
) -> None:
    fake = one_shard()
    async with make_client(fake, max_retries=3) as client:
        fake.script[A].extend([reply] * 2)
        assert await client.set("k", "v")  # two refusals, then served
        assert len(fake.commands(A, b"SET")) == 3
        fake.script[A].extend([reply] * 10)
        with pytest.raises(error) as caught:
            await client.set("k", "v")
        assert "gave up after 4 attempts" in "".join(caught.value.__notes__)
        assert len(fake.commands(A, b"SET")) == 3 + 4


async def test_clusterdown_schedules_a_refresh() -> None:
    fake = one_shard()
    async with make_client(fake) as client:
        fake.script[A].append(b"-CLUSTERDOWN The cluster is down\r\n")
        assert await client.set("k", "v")
        await asyncio.sleep(0.01)
        assert fake.topology_requests == 2


async def test_moved_patches_and_refreshes_once_for_many_tasks() -> None:
    fake = FakeCluster([(0, 16383, A, [])])
    slot = key_slot("k")
    async with make_client(fake) as client:
        fake.ranges = [(0, 16383, B, [])]  # the cluster moved every slot to B
        fake.script[A].extend([f"-MOVED {slot} {B[0]}:{B[1]}\r\n".encode()] * 50)
        results = await asyncio.gather(*(client.get("k") for _ in range(50)))
        assert results == [None] * 50
        assert client.slot_map.primary_for(slot) == B
        await asyncio.sleep(0.01)
        assert fake.topology_requests == 2  # the start, and one refresh for 50 redirects
        assert client.slot_map.primary_for(0) == B


async def test_moved_with_empty_host_means_the_same_host() -> None:
    fake = FakeCluster([(0, 16383, A, [])])
    slot = key_slot("k")
    async with make_client(fake) as client:
        fake.ranges = [(0, 16383, (A[0], 7001), [])]
        fake.script[A].append(f"-MOVED {slot} :7001\r\n".encode())
        assert await client.get("k") is None
        assert client.slot_map.primary_for(slot) == (A[0], 7001)


async def test_ask_sends_asking_and_command_together() -> None:
    fake = one_shard()
    slot = key_slot("k")
    async with make_client(fake) as client:
        fake.data[b"k"] = b"on-b"
        fake.script[A].append(f"-ASK {slot} {B[0]}:{B[1]}\r\n".encode())
        assert await client.get("k") == b"on-b"
        writes = [w for t in fake.transports[B] for w in t.writes]
        assert b"*1\r\n$6\r\nASKING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" in writes
        assert client.slot_map.primary_for(slot) == A  # ASK does not change the map
        assert await client.get("k") == b"on-b"
        assert len(fake.commands(B, b"GET")) == 1


async def test_redirect_loop_is_bounded() -> None:
    fake = FakeCluster([(0, 16383, A, [])])
    slot = key_slot("k")
    async with make_client(fake, max_redirects=3) as client:
        fake.script[A].extend([f"-MOVED {slot} {B[0]}:{B[1]}\r\n".encode()] * 5)
        fake.script[B].extend([f"-MOVED {slot} {A[0]}:{A[1]}\r\n".encode()] * 5)
        with pytest.raises(TooManyRedirectsError, match="more than 3 redirections") as caught:
            await client.get("k")
        assert isinstance(caught.value.__cause__, keywire.MovedError)
        assert isinstance(caught.value, keywire.RedisError)


async def test_unreachable_node_is_retried_then_raised() -> None:
    fake = one_shard()
    async with make_client(fake, max_retries=2) as client:
        fake.refused.add(A)
        for transport in fake.transports[A]:
            transport.lose()
        with pytest.raises(keywire.ConnectionError, match="refused"):
            await client.set("k", "v")
        fake.refused.clear()
        assert await client.set("k", "v")


async def test_write_lost_in_flight_is_not_retried_but_a_read_is() -> None:
    fake = one_shard()
    async with make_client(fake) as client:
        await client.set("k", "v")
        fake.silent.add(A)
        write = asyncio.ensure_future(client.set("k", "w"))
        await asyncio.sleep(0.01)
        fake.silent.clear()
        for transport in fake.transports[A]:
            transport.lose()
        with pytest.raises(keywire.ConnectionError):
            await write
        assert len(fake.commands(A, b"SET")) == 2  # sent once, never again

        fake.silent.add(A)
        read = asyncio.ensure_future(client.get("k"))
        await asyncio.sleep(0.01)
        fake.silent.clear()
        for transport in fake.transports[A]:
            transport.lose()
        assert await read == b"v"


async def test_replica_reads_fall_back_to_the_primary() -> None:
    fake = one_shard(A, [RA])
    async with make_client(fake, read_from_replicas=True) as client:
        await client.set("k", "v")
        assert await client.get("k") == b"v"
        assert len(fake.commands(RA, b"GET")) == 1
        assert len(fake.commands(RA, b"READONLY")) == 1  # sent when the connection opened
        assert fake.commands(A, b"GET") == []
        # The replica dies: reads go to the primary at once, without an error.
        fake.refused.add(RA)
        for transport in fake.transports[RA]:
            transport.lose()
        assert await client.get("k") == b"v"
        assert len(fake.commands(A, b"GET")) == 1
        assert client.slot_map.is_down(RA, asyncio.get_running_loop().time())
        # It comes back: the probe marks it up, and reads return to it.
        fake.refused.clear()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if not client.slot_map.is_down(RA, asyncio.get_running_loop().time()):
                break
        assert await client.get("k") == b"v"
        assert len(fake.commands(RA, b"GET")) == 2


async def test_loading_replica_is_skipped() -> None:
    fake = one_shard(A, [RA])
    async with make_client(fake, read_from_replicas=True) as client:
        await client.set("k", "v")
        fake.script[RA].append(b"-LOADING Redis is loading the dataset in memory\r\n")
        assert await client.get("k") == b"v"
        assert len(fake.commands(A, b"GET")) == 1


async def test_no_startup_node_answers() -> None:
    fake = one_shard()
    fake.refused.add(A)
    client = make_client(fake)
    with pytest.raises(keywire.cluster.ClusterTopologyError, match="could not load") as caught:
        await client.initialize()
    assert isinstance(caught.value, keywire.ConnectionError)
    assert caught.value.errors[0][0] == A
    await client.aclose()


class DictCache:
    """A minimal CacheLike: entries by (command, key, *args)."""

    def __init__(self, confidence: float = 100.0) -> None:
        self.entries: dict[tuple[Any, ...], Any] = {}
        self.invalidated: list[bytes] = []
        self.feedbacks: list[bool] = []
        self.healthy = True
        self.confidence = confidence
        self.initialized_with: Any = None

    async def initialize(self, client: Any) -> DictCache:
        self.initialized_with = client
        return self

    def get(self, command: bytes, key: bytes, *args: Any) -> Any:
        return self.entries[(command, key, *args)]

    def put(self, command: bytes, key: bytes, *args: Any, value: Any) -> None:
        self.entries[(command, key, *args)] = value

    def invalidate(self, *keys: bytes) -> None:
        self.invalidated.extend(keys)
        for entry in [e for e in self.entries if e[1] in keys]:
            del self.entries[entry]

    def feedback(self, command: bytes, key: bytes, *args: Any, match: bool) -> None:
        self.feedbacks.append(match)


async def test_client_side_cache_hook() -> None:
    fake = one_shard()
    cache = DictCache()
    async with make_client(fake, cache=cache) as client:
        assert client.cache is cache
        assert cache.initialized_with is client
        await client.set("k", "v1")
        assert cache.invalidated == [b"k"]
        assert await client.get("k") == b"v1"  # miss: stored from the reply dispatch
        assert cache.entries == {(b"GET", b"k"): b"v1"}
        assert await client.get("k") == b"v1"  # hit: no I/O
        assert len(fake.commands(A, b"GET")) == 1
        # Cross-slot writes invalidate every key they touch, split or not.
        await client.mset({"k": "v2", "other": "x", "{k}2": "y"})
        assert set(cache.invalidated) >= {b"k", b"other", b"{k}2"}
        assert cache.entries == {}
        async with client.pipeline() as pipe:
            pipe.get("k")
            pipe.delete(["k"])
            await pipe.execute()
        assert cache.invalidated[-1] == b"k"
        cache.healthy = False
        assert await client.get("k") == b"v1"  # from the (scripted) server
        assert cache.entries == {}
        assert len(fake.commands(A, b"GET")) == 3  # the miss, the pipeline's, and this one


async def test_pipeline_is_one_write_per_node() -> None:
    fake = FakeCluster([(0, 8191, A, []), (8192, 16383, B, [])])
    keys = [f"key{i}" for i in range(20)]
    on_a = [k for k in keys if key_slot(k) <= 8191]
    assert 0 < len(on_a) < len(keys)
    async with make_client(fake) as client:
        await client.ping()  # open both shared connections
        before = {node: sum(len(t.writes) for t in fake.transports[node]) for node in (A, B)}
        async with client.pipeline() as pipe:
            for key in keys:
                pipe.set(key, key)
            for key in keys:
                pipe.get(key)
            results = await pipe.execute()
        assert results == [True] * 20 + [k.encode() for k in keys]
        after = {node: sum(len(t.writes) for t in fake.transports[node]) for node in (A, B)}
        assert after[A] - before[A] == 1
        assert after[B] - before[B] == 1
        assert len(fake.commands(A, b"SET")) == len(on_a)
