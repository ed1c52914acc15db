"""Tests of the keywire adapter: operation dispatch, argument checks, error mapping, and the
operations against a real server started by the harness (never a mocked Redis)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import pytest

import keywire
import keywire_resp
from keywire.exceptions import from_reply_error
from keywire_conformance.adapters import CLIENT_ADAPTER, Adapter, load_adapter
from keywire_conformance.adapters.keywire_client import (
    KeywireAdapter,
    _bind,
    _pipeline_item,
    typed_operations,
)
from keywire_conformance.adapters.keywire_client.hiredis import KeywireHiredisAdapter
from keywire_conformance.runner import schema_path

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from pathlib import Path

    from keywire_conformance.servers import Cluster, Standalone

COMMON: dict[str, Any] = {"topology": "standalone", "decode_responses": False, "options": {}}


def _run(coro: Awaitable[object]) -> object:
    async def main() -> object:
        return await coro

    return asyncio.run(main())


# -- without a server ------------------------------------------------------------------------


def test_loads_and_follows_the_protocol() -> None:
    assert load_adapter(CLIENT_ADAPTER) is KeywireAdapter
    assert isinstance(KeywireAdapter(), Adapter)
    assert KeywireAdapter.reader_backend == "python"
    assert {
        "raw-command",
        "resp-decode",
        "resp-attributes",
        "resp2",
        "resp3",
        "typed-commands",
        "client-options",
        "pipelines",
        "transactions",
        "watch",
        "pubsub",
        "reconnect",
        "cluster-routing",
    } == KeywireAdapter.capabilities


def test_hiredis_variant() -> None:
    assert issubclass(KeywireHiredisAdapter, KeywireAdapter)
    assert KeywireHiredisAdapter.reader_backend == "hiredis"
    assert KeywireHiredisAdapter.name != KeywireAdapter.name
    missing = KeywireAdapter.capabilities - KeywireHiredisAdapter.capabilities
    assert missing == {"resp-decode", "resp-attributes"}


def test_typed_operations_are_the_command_methods() -> None:
    names = typed_operations()
    assert {"get", "set", "mget", "hgetall", "zadd", "blpop", "info", "scan_iter"} <= names
    assert "client_setname" in names
    assert not {n for n in names if n.startswith("_")}
    assert not {"execute_command", "pipeline", "transaction", "aclose", "initialize"} & names
    queued = typed_operations(pipeline=True)
    assert "get" in queued
    assert not {"scan_iter", "hscan_iter", "client_setname"} & queued
    assert queued < names


def test_bind_splits_and_checks_arguments() -> None:
    def method(key: str, *sections: str, nx: bool = False) -> None: ...

    assert _bind(method, "m", {"key": "k", "sections": ["a", "b"], "nx": True}) == (
        ["k", "a", "b"],
        {"nx": True},
    )
    assert _bind(method, "m", {"key": "k"}) == ([], {"key": "k"})
    for without_key in ({}, {"sections": ["a"]}):
        with pytest.raises(TypeError, match=r"operation 'm': missing a required argument: 'key'"):
            _bind(method, "m", without_key)
    with pytest.raises(TypeError, match=r"arguments: key, sections \(a list\), nx\?"):
        _bind(method, "m", {"key": "k", "ex": 1})
    with pytest.raises(TypeError, match="'sections' must be a list"):
        _bind(method, "m", {"key": "k", "sections": "a"})


def test_pipeline_items() -> None:
    assert _pipeline_item(["GET", "k"], 0) == ("command", {"args": ["GET", "k"]})
    assert _pipeline_item({"name": "get", "arguments": {"key": "k"}}, 0) == ("get", {"key": "k"})
    assert _pipeline_item({"name": "ping"}, 0) == ("ping", {})
    malformed: list[object] = [
        {"arguments": {}},
        {"name": "get", "extra": 1},
        "GET k",
        {"name": "get", "arguments": []},
    ]
    for bad in malformed:
        with pytest.raises(TypeError, match="pipeline command #3 must be"):
            _pipeline_item(bad, 3)


def test_decode_on_the_adapter_object() -> None:
    adapter = KeywireAdapter()
    assert _run(adapter.run_operation("adapter", "decode", {"data": "%1\r\n+a\r\n:1\r\n"})) == [
        {b"a": 1}
    ]
    with pytest.raises(NotImplementedError, match="no adapter operation 'encode'"):
        _run(adapter.run_operation("adapter", "encode", {}))


def test_create_client_refusals() -> None:
    adapter = KeywireAdapter()
    with pytest.raises(ValueError, match="needs a server"):
        _run(adapter.create_client("c", addresses=[], protocol=3, **COMMON))
    with pytest.raises(ValueError, match=r"unknown client option\(s\) colour, size; .*clientName"):
        _run(
            adapter.create_client(
                "c",
                addresses=[("127.0.0.1", 1)],
                protocol=3,
                topology="standalone",
                decode_responses=False,
                options={"size": 1, "colour": "red"},
            )
        )
    with pytest.raises(ValueError, match="no client entity 'nope'"):
        _run(adapter.run_operation("nope", "get", {"key": "k"}))


def test_unreachable_server_is_a_connection_error() -> None:
    adapter = KeywireAdapter()
    with pytest.raises(keywire.ConnectionError) as caught:
        _run(adapter.create_client("c", addresses=[("127.0.0.1", 1)], protocol=2, **COMMON))
    assert adapter.classify_error(caught.value).kind == "ConnectionError"
    _run(adapter.close())


def _reply(text: str) -> keywire_resp.ReplyError:
    return keywire_resp.reply_error_from(text)


@pytest.mark.parametrize(
    ("exc", "kind", "code"),
    [
        (from_reply_error(_reply("WRONGTYPE Operation against a key")), "ReplyError", "WRONGTYPE"),
        (from_reply_error(_reply("EXECABORT Transaction discarded")), "ReplyError", "EXECABORT"),
        (_reply("ERR nested in an EXEC reply"), "ReplyError", "ERR"),
        (from_reply_error(_reply("lower case")), "ReplyError", "lower"),
        (keywire.ConnectionError("lost", address="h:1"), "ConnectionError", None),
        (keywire.AuthenticationError("refused", address="h:1"), "ConnectionError", None),
        (keywire.ClientClosedError("closed"), "ConnectionError", None),
        (ConnectionResetError("reset"), "ConnectionError", None),
        (asyncio.IncompleteReadError(b"", 1), "ConnectionError", None),
        (keywire.ReadTimeoutError("slow", address="h:1"), "TimeoutError", None),
        (keywire.PoolTimeoutError("busy"), "TimeoutError", None),
        (TimeoutError(), "TimeoutError", None),
        (keywire.ProtocolError("bad byte"), "ProtocolError", None),
        (keywire.ReplyTooLargeError("too big"), "ProtocolError", None),
        (keywire_resp.ProtocolError("bad"), "ProtocolError", None),
        (keywire.WatchError("a watched key changed"), "ClientError", None),
        (keywire.RedisError("MULTI cannot run on a shared connection"), "ClientError", None),
        (keywire.InvalidURLError("bad url"), "ClientError", None),
        (TypeError("bad argument"), "ClientError", None),
        (KeyError("x"), "Other", None),
    ],
)
def test_classify_error(exc: BaseException, kind: str, code: str | None) -> None:
    info = KeywireAdapter().classify_error(exc)
    assert (info.kind, info.code) == (kind, code)
    assert info.message


def test_the_adapter_is_the_only_module_that_imports_keywire() -> None:
    code = textwrap.dedent(
        """
        import sys
        import keywire_conformance.adapters
        import keywire_conformance.adapters.reference
        import keywire_conformance.fixtures
        import keywire_conformance.pytest_plugin
        import keywire_conformance.runner
        import keywire_conformance.servers
        print(sorted(m for m in sys.modules if m == "keywire" or m.startswith("keywire.")))
        import keywire_conformance.adapters.keywire_client
        print("keywire" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split("\n")[:2] == ["[]", "True"]


# -- against a real server -------------------------------------------------------------------


def _scenario(
    server: Standalone,
    body: Callable[[KeywireAdapter, Callable[..., Awaitable[object]]], Awaitable[None]],
    *,
    adapter_class: type[KeywireAdapter] = KeywireAdapter,
    entities: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Create the entities (default: ``two`` on RESP2, ``three`` on RESP3), run ``body`` with
    the adapter and its ``run_operation``, and close the adapter (twice: idempotent)."""
    address = [(server.host, server.port)]
    wanted = entities or {"two": {"protocol": 2}, "three": {"protocol": 3}}

    async def main() -> None:
        adapter = adapter_class()
        try:
            for entity, settings in wanted.items():
                await adapter.create_client(
                    entity,
                    addresses=address,
                    topology="standalone",
                    protocol=settings.get("protocol", 3),
                    decode_responses=settings.get("decode", False),
                    options=settings.get("options", {}),
                )
            await body(adapter, adapter.run_operation)
        finally:
            await adapter.close()
            await adapter.close()

    asyncio.run(main())


@pytest.mark.integration
def test_cluster_entities_route_by_key(keywire_clean_cluster: Cluster) -> None:
    async def main() -> None:
        adapter = KeywireAdapter()
        try:
            with pytest.raises(ValueError, match=r"readFromReplicas.* on a cluster"):
                await adapter.create_client(
                    "bad",
                    addresses=keywire_clean_cluster.startup_nodes[:1],
                    topology="standalone",
                    protocol=3,
                    decode_responses=False,
                    options={"readFromReplicas": True},
                )
            await adapter.create_client(
                "c",
                addresses=keywire_clean_cluster.startup_nodes,
                topology="cluster",
                protocol=3,
                decode_responses=False,
                options={"maxRetries": 3, "nonAtomicCrossSlot": True},
            )
            await adapter.create_client(
                "replicas",
                addresses=keywire_clean_cluster.startup_nodes,
                topology="cluster",
                protocol=2,
                decode_responses=True,
                options={"readFromReplicas": True},
            )
            run = adapter.run_operation
            # Keys on all three primaries, written and read through one entity.
            pairs = {"foo": "1", "bar": "2", "baz": "3", "qux": "4"}
            assert await run("c", "mset", {"mapping": pairs}) is True
            assert await run("c", "mget", {"keys": list(pairs)}) == [b"1", b"2", b"3", b"4"]
            # Replica reads see the writes once every replica acknowledged them (WAIT runs on
            # every primary and answers the smallest count).
            assert await run("c", "command", {"args": ["WAIT", 1, 5000]}) == 1
            assert await run("replicas", "mget", {"keys": list(pairs)}) == ["1", "2", "3", "4"]
            assert await run("c", "command", {"args": ["GET", "baz"]}) == b"3"
            commands = [["SET", "{t}a", "x"], {"name": "get", "arguments": {"key": "{t}a"}}]
            assert await run("c", "pipeline", {"commands": commands}) == [b"OK", b"x"]
            with pytest.raises(NotImplementedError, match="raw MULTI on a cluster entity"):
                await run("c", "command", {"args": ["MULTI"]})
            with pytest.raises(NotImplementedError, match="killConnection of a cluster entity"):
                await adapter.connection_ids("c")
        finally:
            await adapter.close()

    asyncio.run(main())


@pytest.mark.integration
def test_typed_operations_give_the_same_results_on_both_protocols(
    keywire_clean_standalone: Standalone,
) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        assert await run("two", "hset", {"key": "h", "mapping": {"f": "v"}}) == 1
        assert await run("two", "zadd", {"key": "z", "mapping": {"a": 1.5}}) == 1
        assert await run("two", "sadd", {"key": "s", "members": ["x", "y"]}) == 2
        for entity in ("two", "three"):
            assert await run(entity, "hgetall", {"key": "h"}) == {b"f": b"v"}
            assert await run(entity, "smembers", {"key": "s"}) == {b"x", b"y"}
            assert await run(entity, "zscore", {"key": "z", "member": "a"}) == 1.5
            pairs = {"key": "z", "start": 0, "stop": -1, "withscores": True}
            assert await run(entity, "zrange", pairs) == [(b"a", 1.5)]
            info = await run(entity, "info", {"sections": ["keyspace"]})
            assert isinstance(info, dict)
            assert info["db0"]["keys"] == 3
            assert await run(entity, "scan_iter", {"match": "[hz]"}) in ([b"h", b"z"], [b"z", b"h"])
            assert await run(entity, "blpop", {"keys": ["none"], "timeout": 0.01}) is None

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_unknown_operations_and_bad_arguments(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        with pytest.raises(NotImplementedError, match="no operation 'getx' on a client entity"):
            await run("three", "getx", {"key": "k"})
        for private in ("_command", "aclose", "execute_command", "connection_pool"):
            with pytest.raises(NotImplementedError):
                await run("three", private, {})
        with pytest.raises(TypeError, match=r"operation 'set': .*\(arguments: key, value, ex\?"):
            await run("three", "set", {"key": "k"})
        with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
            await run("three", "get", {"key": "k", "colour": "red"})
        with pytest.raises(TypeError, match="command needs 'args'"):
            await run("three", "command", {"args": []})
        with pytest.raises(TypeError, match="command takes only 'args'"):
            await run("three", "command", {"args": ["PING"], "extra": 1})
        with pytest.raises(ValueError, match="nx and xx"):
            await run("three", "set", {"key": "k", "value": "v", "nx": True, "xx": True})
        with pytest.raises(NotImplementedError, match="raw SUBSCRIBE is not supported"):
            await run("three", "command", {"args": ["subscribe", "ch"]})
        with pytest.raises(NotImplementedError, match="raw CLIENT REPLY is not supported"):
            await run("three", "command", {"args": ["CLIENT", "REPLY", "OFF"]})
        assert await run("three", "ping", {}) is True  # still usable

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_raw_commands_including_connection_state(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        assert await run("two", "command", {"args": ["HSET", "h", "f", "v"]}) == 1
        assert await run("two", "command", {"args": ["HGETALL", "h"]}) == [b"f", b"v"]
        assert await run("three", "command", {"args": ["HGETALL", "h"]}) == {b"f": b"v"}
        with pytest.raises(keywire.WrongTypeError):
            await run("three", "command", {"args": ["GET", "h"]})
        # MULTI / EXEC run on the shared connection, as on a raw connection.
        assert await run("three", "command", {"args": ["MULTI"]}) == b"OK"
        assert await run("three", "command", {"args": ["INCR", "h"]}) == b"QUEUED"
        assert await run("three", "command", {"args": ["SET", "k", "1"]}) == b"QUEUED"
        result = await run("three", "command", {"args": ["EXEC"]})
        assert isinstance(result, list)
        assert isinstance(result[0], keywire_resp.ReplyError)
        assert adapter.classify_error(result[0]).code == "WRONGTYPE"
        assert result[1] == b"OK"
        # Connection state: the name and the HELLO id are the shared connection's.
        assert await run("two", "command", {"args": ["CLIENT", "SETNAME", "raw"]}) == b"OK"
        assert await run("two", "command", {"args": ["CLIENT", "GETNAME"]}) == b"raw"
        client_id = await run("three", "command", {"args": ["CLIENT", "ID"]})
        hello = await run("three", "command", {"args": ["HELLO", 3]})
        assert isinstance(hello, dict)
        assert hello[b"id"] == client_id
        assert await adapter.connection_ids("three") == [client_id]
        assert await adapter.connection_ids("two") == [
            await run("two", "command", {"args": ["CLIENT", "ID"]})
        ]

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_pipelines_and_transactions(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        commands: list[object] = [
            {"name": "set", "arguments": {"key": "k", "value": "1"}},
            {"name": "incr", "arguments": {"key": "k"}},
            ["GET", "k"],
            {"name": "command", "arguments": {"args": ["HSET", "h", "f", "v"]}},
            {"name": "hgetall", "arguments": {"key": "h"}},
        ]
        assert await run("two", "pipeline", {"commands": commands}) == [
            True,
            2,
            b"2",
            1,
            {b"f": b"v"},
        ]
        assert await run("three", "pipeline", {"commands": commands, "transaction": True}) == [
            True,
            2,
            b"2",
            0,
            {b"f": b"v"},
        ]
        failing = [["INCR", "h"], ["GET", "k"]]
        with pytest.raises(keywire.WrongTypeError):
            await run("three", "pipeline", {"commands": failing})
        in_place = await run("three", "pipeline", {"commands": failing, "raiseOnError": False})
        assert isinstance(in_place, list)
        assert isinstance(in_place[0], keywire.WrongTypeError)
        assert in_place[1] == b"2"
        with pytest.raises(keywire.ExecAbortError):
            await run("three", "pipeline", {"commands": [["NOSUCH"]], "transaction": True})
        with pytest.raises(TypeError, match="pipeline needs 'commands'"):
            await run("three", "pipeline", {})
        with pytest.raises(TypeError, match="not colour"):
            await run("three", "pipeline", {"commands": [], "colour": 1})
        with pytest.raises(TypeError, match="'transaction' must be true or false"):
            await run("three", "pipeline", {"commands": [], "transaction": "yes"})
        with pytest.raises(NotImplementedError, match="no operation 'scan_iter' in a pipeline"):
            await run("three", "pipeline", {"commands": [{"name": "scan_iter"}]})
        with pytest.raises(TypeError, match="operation 'get'"):
            await run("three", "pipeline", {"commands": [{"name": "get"}]})
        assert await run("three", "get", {"key": "k"}) == b"2"  # nothing half-queued remains

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_watch(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        transaction = {"commands": [["INCR", "n"]], "transaction": True}
        assert await run("three", "watch", {"keys": "n"}) is None
        assert await run("three", "pipeline", transaction) == [1]
        # A change by another client aborts the transaction with WatchError.
        assert await run("three", "watch", {"keys": ["n"]}) is None
        with pytest.raises(ValueError, match="a watched transaction is pending"):
            await run("three", "watch", {"keys": ["n"]})
        assert await run("two", "incr", {"key": "n"}) == 2
        with pytest.raises(keywire.WatchError) as caught:
            await run("three", "pipeline", transaction)
        assert adapter.classify_error(caught.value).kind == "ClientError"
        assert await run("three", "get", {"key": "n"}) == b"2"
        # unwatch forgets the watched keys; unwatch without watch is harmless.
        assert await run("three", "watch", {"keys": ["n"]}) is None
        assert await run("three", "unwatch", {}) is None
        assert await run("three", "unwatch", {}) is None
        assert await run("two", "incr", {"key": "n"}) == 3
        assert await run("three", "pipeline", transaction) == [4]
        # A watched pipeline must run as a transaction.
        assert await run("three", "watch", {"keys": ["n"]}) is None
        with pytest.raises(TypeError, match="must be a transaction"):
            await run("three", "pipeline", {"commands": [["INCR", "n"]]})
        assert await run("three", "pipeline", transaction) == [5]
        with pytest.raises(TypeError, match="watch takes 'keys'"):
            await run("three", "watch", {"keys": []})
        with pytest.raises(TypeError, match="unwatch takes no arguments"):
            await run("three", "unwatch", {"keys": ["n"]})
        # close() drops a pending watched transaction.
        assert await run("three", "watch", {"keys": ["n"]}) is None

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_pubsub(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        assert await run("two", "subscribe", {"channels": ["ch"]}) is None
        assert await run("three", "psubscribe", {"patterns": ["c*"]}) is None
        assert await run("two", "get_message", {"timeout": 1}) == {
            "type": "subscribe",
            "channel": b"ch",
            "pattern": None,
            "data": 1,
        }
        assert await run("three", "publish", {"channel": "ch", "message": "hi"}) == 2
        assert await run("two", "get_message", {"timeout": 5}) == {
            "type": "message",
            "channel": b"ch",
            "pattern": None,
            "data": b"hi",
        }
        ignore = {"timeout": 5, "ignore_subscribe_messages": True}
        assert await run("three", "get_message", ignore) == {
            "type": "pmessage",
            "channel": b"ch",
            "pattern": b"c*",
            "data": b"hi",
        }
        assert await run("two", "get_message", {}) is None
        assert await run("two", "unsubscribe", {}) is None
        with pytest.raises(TypeError, match="unexpected keyword argument 'channel'"):
            await run("two", "subscribe", {"channel": "ch"})
        # The subscriptions of "three" stay open: close() must close them.

    _scenario(keywire_clean_standalone, body)


@pytest.mark.integration
def test_options_and_reconnect(keywire_clean_standalone: Standalone) -> None:
    node = keywire_clean_standalone.node

    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        assert await run("named", "client_getname", {}) == "conformance"
        assert await run("db1", "set", {"key": "k", "value": "db1"}) is True
        assert await run("text", "get", {"key": "k"}) is None
        assert await run("text", "echo", {"message": "x"}) == "x"
        (named_id,) = await adapter.connection_ids("named")
        node.execute("CLIENT", "KILL", "ID", named_id)
        assert await run("named", "ping", {}) is True
        assert await adapter.connection_ids("named") != [named_id]
        assert await run("named", "client_getname", {}) == "conformance"
        (db1_id,) = await adapter.connection_ids("db1")
        node.execute("CLIENT", "KILL", "ID", db1_id)
        assert await run("db1", "get", {"key": "k"}) == b"db1"

    _scenario(
        keywire_clean_standalone,
        body,
        entities={
            "named": {"protocol": 2, "options": {"clientName": "conformance"}},
            "db1": {"options": {"db": 1, "connectTimeout": 5, "maxConnections": 4}},
            "text": {"decode": True},
        },
    )


@pytest.mark.integration
@pytest.mark.skipif(not keywire_resp.HIREDIS_AVAILABLE, reason="hiredis is not installed")
def test_hiredis_variant_on_a_server(keywire_clean_standalone: Standalone) -> None:
    async def body(adapter: KeywireAdapter, run: Callable[..., Awaitable[object]]) -> None:
        assert await run("three", "command", {"args": ["SADD", "s", "a"]}) == 1
        # hiredis cannot tell a RESP3 set from an array; the typed method still returns a set.
        assert await run("three", "command", {"args": ["SMEMBERS", "s"]}) == [b"a"]
        assert await run("three", "smembers", {"key": "s"}) == {b"a"}

    _scenario(keywire_clean_standalone, body, adapter_class=KeywireHiredisAdapter)


# -- through the pytest plugin -----------------------------------------------------------------

SPEC = """\
description: typed operations through the default adapter
schemaVersion: "1.0"
runOnRequirements: [{topologies: [standalone], capabilities: [typed-commands, pipelines]}]
createEntities: [{client: {id: c}}]
tests:
  - description: set then get
    operations:
      - {name: set, object: c, arguments: {key: k, value: v}, expectResult: true}
      - {name: get, object: c, arguments: {key: k}, expectResult: v}
      - name: pipeline
        object: c
        arguments: {commands: [{name: incr, arguments: {key: n}}, [GET, n]]}
        expectResult: [1, "1"]
  - description: an unknown operation fails clearly
    operations:
      - {name: nosuchop, object: c, arguments: {}}
"""


@pytest.mark.integration
def test_default_adapter_of_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider -p keywire_conformance.pytest_plugin\n",
        encoding="utf-8",
    )
    specs = tmp_path / "specs"
    (specs / "schema").mkdir(parents=True)
    shutil.copy(schema_path(), specs / "schema")
    (specs / "typed").mkdir()
    (specs / "typed" / "a.yaml").write_text(SPEC, encoding="utf-8")
    ours = ("KEYWIRE_ADAPTER", "KEYWIRE_EXPECTATIONS", "KEYWIRE_PROTOCOL")
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    out = done.stdout + done.stderr
    assert "1 failed, 1 passed" in out
    assert "adapter 'keywire' does not implement 'nosuchop' on this entity" in out
    assert f"keywire conformance: adapter {CLIENT_ADAPTER}, expectations " in out
    assert "keywire_client/expectations.yaml" in out
