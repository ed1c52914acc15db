"""String commands against the harness server (RESP2 and RESP3, both readers)."""

from __future__ import annotations

import datetime

import pytest

import keywire
from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_get_set(client: Redis[bytes]) -> None:
    assert await client.get("missing") is None
    assert await client.set("k", "v") is True
    assert await client.get("k") == b"v"
    assert await client.set("k", "w", nx=True) is False
    assert await client.set("other", "w", xx=True) is False
    assert await client.set("k", "w", xx=True) is True
    assert await client.set("k", "x", get=True) == b"w"
    assert await client.set("new", "x", get=True) is None


async def test_set_expiry_options(client: Redis[bytes]) -> None:
    await client.set("a", 1, ex=100)
    assert 90 < await client.ttl("a") <= 100
    await client.set("b", 1, px=datetime.timedelta(seconds=50))
    assert 40_000 < await client.pttl("b") <= 50_000
    await client.set("b", 2, keepttl=True)
    assert await client.pttl("b") > 0
    when = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=30)
    await client.set("c", 1, exat=when)
    assert 20 < await client.ttl("c") <= 31


async def test_binary_values_round_trip(client: Redis[bytes]) -> None:
    value = bytes(range(256)) * 4
    await client.set(b"\x00bin\xff", value)
    assert await client.get(b"\x00bin\xff") == value
    await client.set("mv", memoryview(b"view"))
    assert await client.get("mv") == b"view"


async def test_numbers(client: Redis[bytes]) -> None:
    assert await client.incr("n") == 1
    assert await client.incrby("n", 10) == 11
    assert await client.decr("n") == 10
    assert await client.decrby("n", 5) == 5
    assert await client.incrbyfloat("f", 1.5) == 1.5
    assert await client.incrbyfloat("f", 1) == 2.5
    await client.set("s", "text")
    with pytest.raises(keywire.ResponseError, match="not an integer"):
        await client.incr("s")


async def test_mget_mset(client: Redis[bytes]) -> None:
    assert await client.mset({"a": 1, "b": "two", b"c": b"3"}) is True
    assert await client.mget(["a", "b", "missing", "c"]) == [b"1", b"two", None, b"3"]
    assert await client.msetnx({"a": 9, "z": 9}) is False
    assert await client.msetnx({"y": 9, "z": 9}) is True


async def test_string_helpers(client: Redis[bytes]) -> None:
    assert await client.append("s", "hello") == 5
    assert await client.append("s", " world") == 11
    assert await client.strlen("s") == 11
    assert await client.getrange("s", 0, 4) == b"hello"
    assert await client.setrange("s", 6, "WORLD") == 11
    assert await client.get("s") == b"hello WORLD"
    assert await client.setnx("s", "x") is False
    assert await client.setnx("t", "x") is True
    assert await client.setex("e", 100, "v") is True
    assert await client.psetex("pe", 100_000, "v") is True
    assert 0 < await client.ttl("e") <= 100


async def test_getdel_getex(client: Redis[bytes]) -> None:
    await client.set("k", "v")
    assert await client.getex("k", ex=100) == b"v"
    assert await client.ttl("k") > 0
    assert await client.getex("k", persist=True) == b"v"
    assert await client.ttl("k") == -1
    assert await client.getdel("k") == b"v"
    assert await client.get("k") is None
    assert await client.getdel("k") is None


async def test_decode_responses(str_client: Redis[str]) -> None:
    await str_client.set("k", "héllo")
    assert await str_client.get("k") == "héllo"
    assert await str_client.mget(["k", "nope"]) == ["héllo", None]
