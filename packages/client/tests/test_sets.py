"""Set commands against the harness server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_set_basics(client: Redis[bytes]) -> None:
    assert await client.sadd("s", ["a", "b", "c"]) == 3
    assert await client.sadd("s", "a") == 0
    members = await client.smembers("s")
    assert members == {b"a", b"b", b"c"}
    assert type(members) is set
    assert await client.smembers("missing") == set()
    assert await client.sismember("s", "a") is True
    assert await client.sismember("s", "z") is False
    assert await client.scard("s") == 3
    assert await client.srem("s", ["a", "z"]) == 1
    assert await client.smove("s", "t", "b") is True
    assert await client.smembers("t") == {b"b"}


async def test_smismember(client: Redis[bytes]) -> None:
    await client.sadd("s", ["a"])
    assert await client.smismember("s", ["a", "b"]) == [True, False]


async def test_set_algebra(client: Redis[bytes]) -> None:
    await client.sadd("x", ["1", "2", "3"])
    await client.sadd("y", ["2", "3", "4"])
    assert await client.sinter(["x", "y"]) == {b"2", b"3"}
    assert await client.sunion(["x", "y"]) == {b"1", b"2", b"3", b"4"}
    assert await client.sdiff(["x", "y"]) == {b"1"}
    assert await client.sinterstore("i", ["x", "y"]) == 2
    assert await client.sunionstore("u", ["x", "y"]) == 4
    assert await client.sdiffstore("d", ["x", "y"]) == 1
    assert await client.smembers("d") == {b"1"}


async def test_random_members(client: Redis[bytes]) -> None:
    await client.sadd("s", ["a", "b", "c"])
    assert await client.srandmember("s") in {b"a", b"b", b"c"}
    assert len(await client.srandmember("s", 2)) == 2
    popped = await client.spop("s", 2)
    assert isinstance(popped, set)
    assert len(popped) == 2
    assert await client.spop("s") in {b"a", b"b", b"c"}
    assert await client.spop("s") is None


async def test_sscan(client: Redis[bytes]) -> None:
    await client.sadd("s", [str(i) for i in range(200)])
    found = {member async for member in client.sscan_iter("s", count=30)}
    assert found == {str(i).encode() for i in range(200)}


async def test_decoded_set(str_client: Redis[str]) -> None:
    await str_client.sadd("s", ["a"])
    assert await str_client.smembers("s") == {"a"}
