"""Hash commands against the harness server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_hash_basics(client: Redis[bytes]) -> None:
    assert await client.hset("h", {"a": 1, "b": "two"}) == 2
    assert await client.hset("h", {"a": 3}) == 0
    assert await client.hget("h", "a") == b"3"
    assert await client.hget("h", "nope") is None
    assert await client.hmget("h", ["a", "nope", "b"]) == [b"3", None, b"two"]
    assert await client.hgetall("h") == {b"a": b"3", b"b": b"two"}
    assert await client.hgetall("missing") == {}
    assert await client.hexists("h", "a") is True
    assert await client.hexists("h", "z") is False
    assert await client.hlen("h") == 2
    assert sorted(await client.hkeys("h")) == [b"a", b"b"]
    assert sorted(await client.hvals("h")) == [b"3", b"two"]
    assert await client.hstrlen("h", "b") == 3
    assert await client.hdel("h", ["a", "z"]) == 1
    assert await client.hdel("h", "b") == 1
    assert await client.hlen("h") == 0


async def test_hash_numbers(client: Redis[bytes]) -> None:
    assert await client.hincrby("h", "n") == 1
    assert await client.hincrby("h", "n", 5) == 6
    assert await client.hincrbyfloat("h", "f", 0.5) == 0.5
    assert await client.hsetnx("h", "n", 1) is False
    assert await client.hsetnx("h", "m", 1) is True


async def test_hscan(client: Redis[bytes]) -> None:
    await client.hset("h", {f"f{i}": i for i in range(300)})
    _cursor, page = await client.hscan("h", count=10)
    assert isinstance(page, dict)
    everything = {field: value async for field, value in client.hscan_iter("h", count=50)}
    assert everything == {f"f{i}".encode(): str(i).encode() for i in range(300)}


async def test_hash_decoded(str_client: Redis[str]) -> None:
    await str_client.hset("h", {"a": "ä"})
    assert await str_client.hgetall("h") == {"a": "ä"}
