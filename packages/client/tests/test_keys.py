"""Key commands against the harness server."""

from __future__ import annotations

import pytest

import keywire
from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_delete_exists_unlink_touch(client: Redis[bytes]) -> None:
    await client.mset({"a": 1, "b": 2, "c": 3, "d": 4})
    assert await client.exists(["a", "b", "missing"]) == 2
    assert await client.exists(["a", "a"]) == 2
    assert await client.exists("a") == 1
    assert await client.touch(["a", "x"]) == 1
    assert await client.delete(["a", "missing"]) == 1
    assert await client.delete("b") == 1
    assert await client.unlink(["c", "d"]) == 2
    assert await client.exists(["a", "b", "c", "d"]) == 0


async def test_expiry(client: Redis[bytes]) -> None:
    await client.set("k", "v")
    assert await client.ttl("k") == -1
    assert await client.ttl("missing") == -2
    assert await client.expire("k", 100) is True
    assert 90 < await client.ttl("k") <= 100
    assert await client.pexpire("k", 50_000) is True
    assert 40_000 < await client.pttl("k") <= 50_000
    assert await client.persist("k") is True
    assert await client.persist("k") is False
    assert await client.expire("missing", 10) is False
    assert await client.expireat("k", 4_000_000_000) is True
    assert await client.ttl("k") > 100
    assert await client.pexpireat("k", 4_100_000_000_000) is True
    assert await client.pttl("k") > 100_000


async def test_expire_conditions(client: Redis[bytes], keywire_standalone: object) -> None:
    version = keywire_standalone.version  # type: ignore[attr-defined]
    if version < (7, 0, 0):
        pytest.skip("EXPIRE NX/XX/GT/LT need Redis 7.0")
    await client.set("k", "v")
    assert await client.expire("k", 100, xx=True) is False
    assert await client.expire("k", 100, nx=True) is True
    assert await client.expire("k", 50, gt=True) is False
    assert await client.expire("k", 50, lt=True) is True
    with pytest.raises(ValueError, match="at most one"):
        await client.expire("k", 1, nx=True, xx=True)


async def test_type_rename_keys(client: Redis[bytes]) -> None:
    await client.set("s", "v")
    await client.rpush("l", ["x"])
    await client.hset("h", {"f": "v"})
    await client.sadd("set", ["m"])
    await client.zadd("z", {"m": 1})
    assert [await client.type(k) for k in ("s", "l", "h", "set", "z", "none")] == [
        "string",
        "list",
        "hash",
        "set",
        "zset",
        "none",
    ]
    assert await client.rename("s", "s2") is True
    assert await client.renamenx("s2", "l") is False
    assert await client.keys() == {b"s2", b"l", b"h", b"set", b"z"}
    assert await client.keys("s*") == {b"s2", b"set"}
    assert await client.randomkey() in {b"s2", b"l", b"h", b"set", b"z"}
    with pytest.raises(keywire.ResponseError, match="no such key"):
        await client.rename("missing", "x")


async def test_scan(client: Redis[bytes]) -> None:
    await client.mset({f"key:{i}": i for i in range(120)})
    await client.set("other", 1)
    cursor, first = await client.scan(count=10)
    assert isinstance(cursor, int)
    assert all(isinstance(key, bytes) for key in first)
    found = {key async for key in client.scan_iter(match="key:*", count=25)}
    assert found == {f"key:{i}".encode() for i in range(120)}
    strings = {key async for key in client.scan_iter(type="string")}
    assert len(strings) == 121


async def test_randomkey_empty(client: Redis[bytes]) -> None:
    assert await client.randomkey() is None
    assert await client.keys() == set()
