"""Sorted set commands against the harness server: scores are floats on RESP2 and RESP3."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_zadd_zscore(client: Redis[bytes]) -> None:
    assert await client.zadd("z", {"a": 1, "b": 2.5, "c": 3}) == 3
    assert await client.zadd("z", {"a": 5}, ch=True) == 1
    assert await client.zadd("z", {"a": 1}, nx=True) == 0
    assert await client.zadd("z", {"a": 10}, gt=True, ch=True) == 1
    score = await client.zscore("z", "b")
    assert score == 2.5
    assert type(score) is float
    assert await client.zscore("z", "nope") is None
    assert await client.zmscore("z", ["a", "nope"]) == [10.0, None]
    assert await client.zincrby("z", 0.5, "b") == 3.0
    assert await client.zcard("z") == 3
    assert await client.zcount("z", 2, "+inf") == 3
    assert await client.zrank("z", "b") == 0  # b=3.0 and c=3.0 tie: ordered by member
    assert await client.zrevrank("z", "b") == 2
    assert await client.zrank("z", "nope") is None
    assert await client.zrem("z", ["a", "nope"]) == 1


async def test_zrange_forms(client: Redis[bytes]) -> None:
    await client.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert await client.zrange("z", 0, -1) == [b"a", b"b", b"c"]
    assert await client.zrange("z", 0, -1, withscores=True) == [
        (b"a", 1.0),
        (b"b", 2.0),
        (b"c", 3.0),
    ]
    assert await client.zrange("z", 0, 0, rev=True) == [b"c"]
    assert await client.zrange("z", 2, 3, byscore=True) == [b"b", b"c"]
    assert await client.zrange("z", "-inf", "+inf", byscore=True, offset=1, count=1) == [b"b"]
    assert await client.zrangebyscore("z", "(1", 3) == [b"b", b"c"]
    assert await client.zrangebyscore("z", 1, 3, withscores=True, offset=0, count=1) == [
        (b"a", 1.0)
    ]
    assert await client.zrevrange("z", 0, 1) == [b"c", b"b"]
    assert await client.zrange("missing", 0, -1, withscores=True) == []


async def test_pops(client: Redis[bytes]) -> None:
    await client.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert await client.zpopmin("z") == [(b"a", 1.0)]
    assert await client.zpopmax("z") == [(b"d", 4.0)]
    assert await client.zpopmin("z", 2) == [(b"b", 2.0), (b"c", 3.0)]
    assert await client.zpopmin("z") == []
    assert await client.bzpopmin("z", timeout=0.05) is None

    async def add_later() -> None:
        await asyncio.sleep(0.05)
        await client.zadd("z", {"late": 7})

    adder = asyncio.ensure_future(add_later())
    async with asyncio.timeout(5):
        assert await client.bzpopmax(["z"], timeout=2) == (b"z", b"late", 7.0)
    await adder


async def test_remrange_and_zscan(client: Redis[bytes]) -> None:
    await client.zadd("z", {str(i): i for i in range(150)})
    assert await client.zremrangebyrank("z", 0, 9) == 10
    assert await client.zremrangebyscore("z", 140, "+inf") == 10
    cursor, page = await client.zscan("z", count=10)
    assert all(isinstance(score, float) for _, score in page)
    collected: dict[bytes, float] = {}
    cursor = -1
    while cursor != 0:
        cursor, page = await client.zscan("z", max(cursor, 0), count=40)
        collected.update(page)
    assert collected == {str(i).encode(): float(i) for i in range(10, 140)}


async def test_decoded_scores(str_client: Redis[str]) -> None:
    await str_client.zadd("z", {"m": 1.5})
    assert await str_client.zrange("z", 0, -1, withscores=True) == [("m", 1.5)]
