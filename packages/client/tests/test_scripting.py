"""Lua scripts, registered scripts (NOSCRIPT fallback) and functions against the harness
server; plus the wire form of the calls (keys after ``numkeys``) on a mock connection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import keywire
from keywire import Config, Redis
from keywire._mock import hello_handler, mock_connection
from keywire._pool import ConnectionPool

if TYPE_CHECKING:
    from keywire._connection import Connection
    from keywire_conformance.servers import Standalone

pytestmark = pytest.mark.asyncio
integration = pytest.mark.integration

LIBRARY = """#!lua name=kwlib
redis.register_function('kw_get', function(keys, args) return redis.call('GET', keys[1]) end)
redis.register_function{
  function_name='kw_echo',
  callback=function(keys, args) return args[1] end,
  flags={'no-writes'}
}
"""


def needs_7(server: Standalone) -> None:
    if server.version < (7, 0, 0):
        pytest.skip("needs Redis 7.0 (functions, EVAL_RO)")


@integration
async def test_eval(client: Redis[bytes]) -> None:
    script = "return {KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]) + 1}"
    assert await client.eval(script, ["k1", "k2"], ["a", 41]) == [b"k1", b"k2", b"a", 42]
    assert await client.eval("return redis.call('SET', KEYS[1], ARGV[1])", "k", ["v"]) == b"OK"
    assert await client.get("k") == b"v"
    assert await client.eval("return 7") == 7
    assert await client.eval("return {1, 'x', {true, false}}") == [1, b"x", [1, None]]
    with pytest.raises(keywire.ResponseError):
        await client.eval("return redis.call('INCR', KEYS[1])", ["k"])
    with pytest.raises(keywire.ResponseError):
        await client.eval("syntax error here")


@integration
async def test_script_cache(client: Redis[bytes]) -> None:
    sha = await client.script_load("return ARGV[1]")
    assert isinstance(sha, str)
    assert len(sha) == 40
    assert await client.evalsha(sha, [], ["hi"]) == b"hi"
    assert await client.script_exists([sha, "0" * 40]) == [True, False]
    assert await client.script_exists(sha) == [True]
    assert await client.script_flush() is True
    assert await client.script_exists(sha) == [False]
    with pytest.raises(keywire.NoScriptError):
        await client.evalsha(sha, [], ["hi"])
    assert await client.script_flush("SYNC") is True


@integration
async def test_registered_script_falls_back_on_noscript(client: Redis[bytes]) -> None:
    incr_by = client.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert incr_by.sha == await client.script_load(incr_by.source)
    await client.script_flush()
    assert await incr_by(keys=["counter"], args=[5]) == 5  # NOSCRIPT, then EVAL
    assert await client.script_exists(incr_by.sha) == [True]  # EVAL cached it
    assert await incr_by(["counter"], [2]) == 7  # EVALSHA
    await client.script_flush()  # the server forgets it again
    assert await client.script_exists(incr_by.sha) == [False]
    assert await incr_by(keys=["counter"], args=[1]) == 8
    assert await incr_by.load() == incr_by.sha
    failing = client.register_script("return redis.call('INCR', KEYS[1])")
    await client.set("text", "abc")
    with pytest.raises(keywire.ResponseError) as info:
        await failing(keys=["text"])
    assert not isinstance(info.value, keywire.NoScriptError)


@integration
async def test_readonly_scripts(client: Redis[bytes], keywire_standalone: Standalone) -> None:
    needs_7(keywire_standalone)
    await client.set("k", "v")
    assert await client.eval_ro("return redis.call('GET', KEYS[1])", ["k"]) == b"v"
    sha = await client.script_load("return redis.call('GET', KEYS[1])")
    assert await client.evalsha_ro(sha, ["k"]) == b"v"
    with pytest.raises(keywire.ResponseError):
        await client.eval_ro("return redis.call('SET', KEYS[1], 'x')", ["k"])
    reader = client.register_script("return redis.call('STRLEN', KEYS[1])", readonly=True)
    await client.script_flush()
    assert await reader(keys=["k"]) == 1
    assert await reader(keys=["k"]) == 1
    assert "readonly" in repr(reader)


@integration
async def test_functions(client: Redis[bytes], keywire_standalone: Standalone) -> None:
    needs_7(keywire_standalone)
    await client.function_flush()
    assert await client.function_load(LIBRARY) == b"kwlib"
    with pytest.raises(keywire.ResponseError):
        await client.function_load(LIBRARY)
    assert await client.function_load(LIBRARY, replace=True) == b"kwlib"
    await client.set("k", "v")
    assert await client.fcall("kw_get", ["k"]) == b"v"
    assert await client.fcall_ro("kw_echo", [], ["hello"]) == b"hello"
    with pytest.raises(keywire.ResponseError):
        await client.fcall_ro("kw_get", ["k"])  # not flagged no-writes
    (library,) = await client.function_list()
    assert library["library_name"] == b"kwlib"
    assert library["engine"] == b"LUA"
    functions = {f["name"]: f for f in library["functions"]}
    assert functions[b"kw_get"]["flags"] == set()
    assert functions[b"kw_echo"]["flags"] == {b"no-writes"}
    assert "library_code" not in library
    (with_code,) = await client.function_list("kw*", withcode=True)
    assert with_code["library_code"] == LIBRARY.encode()
    assert await client.function_list("nothing*") == []
    assert await client.function_delete("kwlib") is True
    with pytest.raises(keywire.ResponseError):
        await client.function_delete("kwlib")
    await client.function_load(LIBRARY)
    assert await client.function_flush("SYNC") is True
    assert await client.function_list() == []


@integration
async def test_scripting_decoded(str_client: Redis[str], keywire_standalone: Standalone) -> None:
    assert await str_client.eval("return ARGV[1]", [], ["ä"]) == "ä"
    script = str_client.register_script("return KEYS[1]")
    assert await script(keys=["ö"]) == "ö"
    if keywire_standalone.version >= (7, 0, 0):
        assert await str_client.function_load(LIBRARY, replace=True) == "kwlib"
        (library,) = await str_client.function_list()
        assert {f["name"] for f in library["functions"]} == {"kw_get", "kw_echo"}
        await str_client.function_flush()


# -- wire form (mock connection, no server) ------------------------------------------------------


async def test_keys_follow_numkeys_on_the_wire() -> None:
    config = Config()
    transports = []

    async def connect(config: Config) -> Connection:
        connection, transport = await mock_connection(config, hello_handler())
        transports.append(transport)
        return connection

    client: Redis[bytes] = Redis()
    client._pool = ConnectionPool(config, connector=connect)
    await client.eval("s", ["k1", "k2"], ["a"])
    await client.evalsha_ro("abc", "k", [1, 2])
    await client.fcall("f", [], ["x"])
    await client.fcall_ro("f", ("k",))
    script = client.register_script("return 1")
    await script(keys=iter(["k"]), args=iter(["v"]))  # any iterable
    commands = transports[0].commands[1:]
    assert commands == [
        [b"EVAL", b"s", b"2", b"k1", b"k2", b"a"],
        [b"EVALSHA_RO", b"abc", b"1", b"k", b"1", b"2"],
        [b"FCALL", b"f", b"0", b"x"],
        [b"FCALL_RO", b"f", b"1", b"k"],
        [b"EVALSHA", script.sha.encode(), b"1", b"k", b"v"],
    ]
    await client.aclose()
