"""List commands against the harness server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_push_pop_range(client: Redis[bytes]) -> None:
    assert await client.rpush("l", ["a", "b", "c"]) == 3
    assert await client.lpush("l", "z") == 4
    assert await client.lrange("l", 0, -1) == [b"z", b"a", b"b", b"c"]
    assert await client.llen("l") == 4
    assert await client.lindex("l", 1) == b"a"
    assert await client.lindex("l", 99) is None
    assert await client.lpop("l") == b"z"
    assert await client.rpop("l") == b"c"
    assert await client.lpop("l", 5) == [b"a", b"b"]
    assert await client.lpop("l") is None
    assert await client.lpushx("l", "x") == 0
    assert await client.rpushx("l", "x") == 0


async def test_list_edits(client: Redis[bytes]) -> None:
    await client.rpush("l", ["a", "b", "a", "c"])
    assert await client.lset("l", 0, "A") is True
    assert await client.lrem("l", 0, "a") == 1
    assert await client.linsert("l", "BEFORE", "c", "b2") == 4
    assert await client.linsert("l", "AFTER", "nope", "x") == -1
    assert await client.lpos("l", "c") == 3
    assert await client.lpos("l", "nope") is None
    assert await client.ltrim("l", 1, -1) is True
    assert await client.lrange("l", 0, -1) == [b"b", b"b2", b"c"]
    assert await client.lmove("l", "m", "LEFT", "RIGHT") == b"b"
    assert await client.lrange("m", 0, -1) == [b"b"]


async def test_blocking_pops(client: Redis[bytes]) -> None:
    assert await client.blpop(["empty"], timeout=0.1) is None
    await client.rpush("q", ["1", "2"])
    assert await client.blpop(["empty", "q"], timeout=1) == (b"q", b"1")
    assert await client.brpop("q", timeout=1) == (b"q", b"2")

    async def push_later() -> None:
        await asyncio.sleep(0.05)
        await client.rpush("q", "late")

    pusher = asyncio.ensure_future(push_later())
    async with asyncio.timeout(5):
        assert await client.blpop("q", timeout=0) == (b"q", b"late")
    await pusher
    await client.rpush("src", "v")
    assert await client.blmove("src", "dst", "RIGHT", "LEFT", timeout=1) == b"v"
    assert await client.blmove("src", "dst", "RIGHT", "LEFT", timeout=0.05) is None


async def test_blocking_pop_does_not_stall_other_commands(client: Redis[bytes]) -> None:
    waiter = asyncio.ensure_future(client.blpop("q", timeout=2))
    await asyncio.sleep(0.05)
    async with asyncio.timeout(1):
        assert await client.ping() is True  # the shared connection is free
        await client.rpush("q", "x")
        assert await waiter == (b"q", b"x")
