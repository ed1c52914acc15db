"""The client-side cache hook (CacheLike), with a dict-based cache and mock connections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from keywire import CacheLike, Config, Redis
from keywire._mock import MockTransport, mock_connection
from keywire._pool import ConnectionPool

if TYPE_CHECKING:
    from keywire._connection import Connection

pytestmark = pytest.mark.asyncio


class DictCache:
    """The smallest CacheLike: a dict of (command, key, args) -> reply."""

    def __init__(self, confidence: float = 100.0) -> None:
        self.entries: dict[tuple[Any, ...], Any] = {}
        self.healthy = True
        self.confidence = confidence
        self.invalidated: list[bytes] = []
        self.feedbacks: list[bool] = []

    def get(self, command: bytes, key: bytes, *args: Any) -> Any:
        return self.entries[(command, key, *args)]

    def put(self, command: bytes, key: bytes, *args: Any, value: Any) -> None:
        self.entries[(command, key, *args)] = value

    def invalidate(self, *keys: bytes) -> None:
        self.invalidated.extend(keys)
        self.entries = {k: v for k, v in self.entries.items() if k[1] not in keys}

    def feedback(self, command: bytes, key: bytes, *args: Any, match: bool) -> None:
        self.feedbacks.append(match)


class Server:
    def __init__(self) -> None:
        self.data: dict[bytes, bytes] = {}
        self.transports: list[MockTransport] = []

    def answer(self, command: list[bytes]) -> bytes:
        name = command[0]
        if name == b"HELLO":
            return b"%1\r\n+proto\r\n:3\r\n"
        if name == b"GET":
            value = self.data.get(command[1])
            return b"_\r\n" if value is None else b"$%d\r\n%s\r\n" % (len(value), value)
        if name == b"SET":
            self.data[command[1]] = command[2]
            return b"+OK\r\n"
        return b"+OK\r\n"

    async def connect(self, config: Config) -> Connection:
        connection, transport = await mock_connection(config, self.answer)
        self.transports.append(transport)
        return connection


def setup(cache: DictCache) -> tuple[Redis[bytes], Server]:
    server = Server()
    client = Redis(cache=cache)
    client._pool = ConnectionPool(client.config, connector=server.connect)
    return client, server


def gets(server: Server) -> int:
    return sum(1 for t in server.transports for c in t.commands if c[0] == b"GET")


async def test_dict_cache_is_cache_like() -> None:
    assert isinstance(DictCache(), CacheLike)


async def test_miss_fills_hit_skips_io_write_invalidates() -> None:
    cache = DictCache()
    client, server = setup(cache)
    server.data[b"k"] = b"v1"
    assert await client.get("k") == b"v1"
    assert cache.entries == {(b"GET", b"k"): b"v1"}
    assert await client.get(b"k") == b"v1"
    assert gets(server) == 1  # the hit did no I/O
    await client.set("k", "v2")
    assert cache.invalidated == [b"k"]
    assert await client.get("k") == b"v2"
    assert gets(server) == 2
    await client.aclose()


async def test_none_is_cached_like_any_value() -> None:
    cache = DictCache()
    client, server = setup(cache)
    assert await client.get("missing") is None
    assert await client.get("missing") is None
    assert gets(server) == 1
    await client.aclose()


async def test_unhealthy_cache_is_bypassed() -> None:
    cache = DictCache()
    cache.healthy = False
    client, server = setup(cache)
    await client.get("k")
    await client.get("k")
    assert gets(server) == 2
    assert cache.entries == {}
    await client.aclose()


async def test_confidence_checks_hits_against_the_server() -> None:
    cache = DictCache(confidence=0.0)  # check every hit
    client, server = setup(cache)
    server.data[b"k"] = b"v1"
    await client.get("k")
    assert await client.get("k") == b"v1"
    assert cache.feedbacks == [True]
    server.data[b"k"] = b"drifted"  # changed behind the cache's back
    assert await client.get("k") == b"drifted"
    assert cache.feedbacks == [True, False]
    assert b"k" in cache.invalidated
    await client.aclose()


async def test_pipelines_invalidate_written_keys() -> None:
    cache = DictCache()
    client, server = setup(cache)
    server.data[b"a"] = b"1"
    await client.get("a")
    pipe = client.pipeline()
    pipe.set("a", 2)
    pipe.delete(["b", "c"])
    await pipe.execute()
    assert cache.invalidated == [b"a", b"b", b"c"]
    assert cache.entries == {}
    await client.aclose()
