"""Stream commands against the harness server: the same results on RESP2 / RESP3 and on the
pure / hiredis readers."""

from __future__ import annotations

import asyncio
import datetime
from typing import TYPE_CHECKING

import pytest

import keywire

if TYPE_CHECKING:
    from keywire import Redis
    from keywire_conformance.servers import Standalone

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_xadd_xrange_xlen(client: Redis[bytes]) -> None:
    assert await client.xadd("s", {"f": "v", "g": 1}, id="1-1") == b"1-1"
    assert await client.xadd("s", {"f": "v2"}, id="2-1") == b"2-1"
    auto = await client.xadd("s", {"f": "v3"})
    assert auto is not None
    assert int(auto.split(b"-")[0]) > 2
    assert await client.xlen("s") == 3
    assert await client.xlen("missing") == 0
    entries = await client.xrange("s")
    assert entries[:2] == [(b"1-1", {b"f": b"v", b"g": b"1"}), (b"2-1", {b"f": b"v2"})]
    assert entries[2] == (auto, {b"f": b"v3"})
    assert await client.xrange("s", "2-0", "2-9") == [(b"2-1", {b"f": b"v2"})]
    assert await client.xrange("s", count=1) == [(b"1-1", {b"f": b"v", b"g": b"1"})]
    assert await client.xrange("missing") == []
    newest_first = await client.xrevrange("s", count=2)
    assert [entry_id for entry_id, _ in newest_first] == [auto, b"2-1"]
    assert await client.xrevrange("s", "2-1", "1-1") == [
        (b"2-1", {b"f": b"v2"}),
        (b"1-1", {b"f": b"v", b"g": b"1"}),
    ]


async def test_xadd_trimming_and_nomkstream(client: Redis[bytes]) -> None:
    assert await client.xadd("new", {"a": 1}, nomkstream=True) is None
    assert await client.exists(["new"]) == 0
    for i in range(1, 6):
        await client.xadd("s", {"i": i}, id=f"{i}-0", maxlen=3, approximate=False)
    assert [entry_id for entry_id, _ in await client.xrange("s")] == [b"3-0", b"4-0", b"5-0"]
    await client.xadd("s", {"i": 6}, id="6-0", minid="5-0", approximate=False)
    assert [entry_id for entry_id, _ in await client.xrange("s")] == [b"5-0", b"6-0"]
    # "~" only trims whole macro nodes: on a tiny stream nothing goes.
    await client.xadd("s", {"i": 7}, id="7-0", maxlen=1, limit=10)
    assert await client.xlen("s") == 3
    with pytest.raises(ValueError, match="not both"):
        await client.xadd("s", {"a": 1}, maxlen=1, minid="1-0")
    with pytest.raises(ValueError, match="approximate"):
        await client.xadd("s", {"a": 1}, maxlen=1, approximate=False, limit=5)
    with pytest.raises(ValueError, match="at least one field"):
        await client.xadd("s", {})


async def test_xtrim_xdel(client: Redis[bytes]) -> None:
    for i in range(1, 11):
        await client.xadd("s", {"i": i}, id=f"{i}-0")
    assert await client.xtrim("s", maxlen=8, approximate=False) == 2
    assert await client.xtrim("s", minid="5-0", approximate=False) == 2
    assert await client.xtrim("s", maxlen=100, limit=10) == 0  # approximate, nothing to do
    assert await client.xdel("s", ["5-0", "6-0", "99-0"]) == 2
    assert await client.xdel("s", "7-0") == 1
    assert [entry_id for entry_id, _ in await client.xrange("s")][:1] == [b"8-0"]
    with pytest.raises(ValueError, match="maxlen or minid"):
        await client.xtrim("s")


async def test_xread(client: Redis[bytes]) -> None:
    assert await client.xread({"s": 0}) == {}
    await client.xadd("s", {"f": "v"}, id="1-1")
    await client.xadd("s", {"f": "w"}, id="1-2")
    await client.xadd("t", {"x": "y"}, id="5-0")
    result = await client.xread({"s": 0, "t": "0-0", "missing": 0})
    assert result == {
        b"s": [(b"1-1", {b"f": b"v"}), (b"1-2", {b"f": b"w"})],
        b"t": [(b"5-0", {b"x": b"y"})],
    }
    assert list(result) == [b"s", b"t"]  # the server's order
    assert await client.xread({"s": "1-1"}, count=5) == {b"s": [(b"1-2", {b"f": b"w"})]}
    assert await client.xread({"s": 0}, count=1) == {b"s": [(b"1-1", {b"f": b"v"})]}
    assert await client.xread({"s": "$"}) == {}
    with pytest.raises(ValueError, match="at least one stream"):
        await client.xread({})


async def test_xread_block(client: Redis[bytes]) -> None:
    assert await client.xread({"s": "$"}, block=50) == {}
    assert await client.xread({"s": "$"}, block=datetime.timedelta(milliseconds=20)) == {}
    waiter = asyncio.ensure_future(client.xread({"s": "$"}, block=0))
    # The blocked XREAD holds a dedicated connection: poll until the server reports it.
    async with asyncio.timeout(5):
        while "cmd=xread" not in str(await client.execute_command("CLIENT", "LIST")):
            await asyncio.sleep(0.01)
        assert await client.ping() is True  # the shared connection is not stalled
        await client.xadd("s", {"f": "late"}, id="9-0")
        assert await waiter == {b"s": [(b"9-0", {b"f": b"late"})]}


async def test_consumer_group(client: Redis[bytes], keywire_standalone: Standalone) -> None:
    assert await client.xgroup_create("s", "g", 0, mkstream=True) is True
    with pytest.raises(keywire.ResponseError, match="BUSYGROUP"):
        await client.xgroup_create("s", "g")
    with pytest.raises(keywire.ResponseError):
        await client.xgroup_create("nostream", "g")
    assert await client.xpending("s", "g") == {
        "pending": 0,
        "min": None,
        "max": None,
        "consumers": {},
    }
    for i in (1, 2, 3):
        await client.xadd("s", {"n": i}, id=f"{i}-0")
    assert await client.xreadgroup("g", "alice", {"s": ">"}, count=2) == {
        b"s": [(b"1-0", {b"n": b"1"}), (b"2-0", {b"n": b"2"})]
    }
    assert await client.xreadgroup("g", "bob", {"s": ">"}) == {b"s": [(b"3-0", {b"n": b"3"})]}
    assert await client.xreadgroup("g", "bob", {"s": ">"}, block=20) == {}
    assert await client.xpending("s", "g") == {
        "pending": 3,
        "min": b"1-0",
        "max": b"3-0",
        "consumers": {b"alice": 2, b"bob": 1},
    }
    assert await client.xack("s", "g", "3-0") == 1
    assert await client.xack("s", "g", ["3-0", "9-0"]) == 0

    claimed = await client.xclaim("s", "g", "carol", 0, ["1-0"])
    assert claimed == [(b"1-0", {b"n": b"1"})]
    assert await client.xclaim("s", "g", "carol", 0, "2-0", justid=True) == [b"2-0"]
    assert await client.xclaim("s", "g", "carol", 3_600_000, "2-0") == []  # not idle enough

    # An entry deleted while pending: history reads give (id, {}), claims leave it out.
    assert await client.xdel("s", "1-0") == 1
    assert await client.xreadgroup("g", "carol", {"s": 0}) == {
        b"s": [(b"1-0", {}), (b"2-0", {b"n": b"2"})]
    }
    cursor, entries, deleted = await client.xautoclaim("s", "g", "dave", 0, count=10)
    assert cursor == b"0-0"
    assert entries == [(b"2-0", {b"n": b"2"})]
    modern = keywire_standalone.version >= (7, 0, 0)
    assert deleted == ([b"1-0"] if modern else [])
    cursor, ids, _ = await client.xautoclaim("s", "g", "erin", 0, "0-0", justid=True)
    # Redis 6.2 keeps deleted entries in the pending list: JUSTID still names them.
    assert (cursor, ids) == (b"0-0", [b"2-0"] if modern else [b"1-0", b"2-0"])

    await client.xadd("s", {"n": 4}, id="4-0")
    assert await client.xreadgroup("g", "bob", {"s": ">"}, noack=True) == {
        b"s": [(b"4-0", {b"n": b"4"})]
    }
    assert (await client.xpending("s", "g"))["pending"] == (1 if modern else 2)
    assert await client.xgroup_destroy("s", "g") is True
    assert await client.xgroup_destroy("s", "g") is False


async def test_xreadgroup_block_wakes_up(client: Redis[bytes]) -> None:
    await client.xgroup_create("s", "g", "$", mkstream=True)
    waiter = asyncio.ensure_future(client.xreadgroup("g", "c", {"s": ">"}, block=0))
    async with asyncio.timeout(5):
        while "cmd=xreadgroup" not in str(await client.execute_command("CLIENT", "LIST")):
            await asyncio.sleep(0.01)
        await client.xadd("s", {"k": "v"}, id="7-7")
        assert await waiter == {b"s": [(b"7-7", {b"k": b"v"})]}


async def test_xinfo_stream(client: Redis[bytes]) -> None:
    await client.xgroup_create("empty", "g", mkstream=True)
    info = await client.xinfo_stream("empty")
    assert info["length"] == 0
    assert info["groups"] == 1
    assert info["first-entry"] is None
    assert info["last-entry"] is None
    await client.xadd("s", {"a": 1}, id="1-0")
    await client.xadd("s", {"b": 2}, id="2-0")
    info = await client.xinfo_stream("s")
    assert all(isinstance(name, str) for name in info)
    assert info["length"] == 2
    assert info["last-generated-id"] == b"2-0"
    assert info["first-entry"] == (b"1-0", {b"a": b"1"})
    assert info["last-entry"] == (b"2-0", {b"b": b"2"})
    with pytest.raises(keywire.ResponseError):
        await client.xinfo_stream("missing")


async def test_streams_in_pipeline(client: Redis[bytes]) -> None:
    async with client.pipeline(transaction=True) as pipe:
        pipe.xadd("s", {"f": "v"}, id="1-0")
        pipe.xrange("s")
        pipe.xread({"s": 0}, block=10)  # queued like any command
        assert await pipe.execute() == [
            b"1-0",
            [(b"1-0", {b"f": b"v"})],
            {b"s": [(b"1-0", {b"f": b"v"})]},
        ]


async def test_streams_decoded(str_client: Redis[str]) -> None:
    assert await str_client.xadd("s", {"f": "ä"}, id="1-0") == "1-0"
    assert await str_client.xrange("s") == [("1-0", {"f": "ä"})]
    assert await str_client.xread({"s": 0}) == {"s": [("1-0", {"f": "ä"})]}
    await str_client.xgroup_create("s", "g", 0)
    assert await str_client.xreadgroup("g", "c", {"s": ">"}) == {"s": [("1-0", {"f": "ä"})]}
    assert (await str_client.xpending("s", "g"))["consumers"] == {"c": 1}
    assert (await str_client.xinfo_stream("s"))["first-entry"] == ("1-0", {"f": "ä"})
