"""Tests of the reference adapter: unit-style decode, error mapping, and a real server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters.reference import ReferenceAdapter
from keywire_conformance.adapters.reference._connection import Connection
from keywire_resp import ProtocolError, Push, ReplyError, WrongTypeError

if TYPE_CHECKING:
    from keywire_conformance.servers import Standalone


def _run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_decode_whole_and_in_chunks() -> None:
    adapter = ReferenceAdapter()
    data = "*2\r\n:1\r\n$3\r\nabc\r\n+OK\r\n"
    for chunks in (None, 1, 2, 5, 100):
        arguments: dict[str, object] = {"data": data}
        if chunks:
            arguments["chunks"] = chunks
        assert _run(adapter.run_operation("adapter", "decode", arguments)) == [[1, b"abc"], b"OK"]


def test_decode_options() -> None:
    adapter = ReferenceAdapter()
    assert _run(adapter.run_operation("adapter", "decode", {"hex": "2b 4f 4b 0d 0a"})) == [b"OK"]
    assert _run(adapter.run_operation("adapter", "decode", {"data": b"+OK\r\n"})) == [b"OK"]
    assert _run(
        adapter.run_operation("adapter", "decode", {"data": "+OK\r\n", "decodeResponses": True})
    ) == ["OK"]
    assert _run(
        adapter.run_operation(
            "adapter", "decode", {"data": "|1\r\n+a\r\n:1\r\n:2\r\n", "attributes": True}
        )
    ) == [{"reply": 2, "attributes": {b"a": 1}}]
    assert _run(adapter.run_operation("adapter", "decode", {"data": ""})) == []


def test_decode_errors() -> None:
    adapter = ReferenceAdapter()
    with pytest.raises(ProtocolError):
        _run(adapter.run_operation("adapter", "decode", {"data": "@\r\n"}))
    with pytest.raises(TypeError, match="needs 'hex' or 'data'"):
        _run(adapter.run_operation("adapter", "decode", {}))
    with pytest.raises(NotImplementedError):
        _run(adapter.run_operation("adapter", "encode", {}))


def test_classify_error() -> None:
    adapter = ReferenceAdapter()
    info = adapter.classify_error(WrongTypeError("WRONGTYPE Operation against a key"))
    assert (info.kind, info.code) == ("ReplyError", "WRONGTYPE")
    assert adapter.classify_error(ReplyError("")).code is None
    assert adapter.classify_error(ProtocolError("bad")).kind == "ProtocolError"
    assert adapter.classify_error(ConnectionResetError()).kind == "ConnectionError"
    assert adapter.classify_error(asyncio.IncompleteReadError(b"", 1)).kind == "ConnectionError"
    assert adapter.classify_error(TimeoutError()).message == "timed out"
    assert adapter.classify_error(TypeError("bool")).kind == "ClientError"
    assert adapter.classify_error(KeyError("x")).kind == "Other"


def test_client_needs_a_loopback_server() -> None:
    adapter = ReferenceAdapter()
    create = adapter.create_client
    common: dict[str, object] = {"topology": "standalone", "protocol": 3, "decode_responses": False}
    with pytest.raises(ValueError, match="needs a server"):
        _run(create("c", addresses=[], options={}, **common))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="loopback only"):
        _run(create("c", addresses=[("192.0.2.1", 6379)], options={}, **common))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes no client options"):
        _run(create("c", addresses=[("127.0.0.1", 1)], options={"x": 1}, **common))  # type: ignore[arg-type]


@pytest.mark.integration
def test_commands_on_a_real_server(keywire_clean_standalone: Standalone) -> None:
    address = [(keywire_clean_standalone.host, keywire_clean_standalone.port)]

    async def scenario() -> None:
        adapter = ReferenceAdapter()
        try:
            for entity, protocol in (("two", 2), ("three", 3)):
                await adapter.create_client(
                    entity,
                    addresses=address,
                    topology="standalone",
                    protocol=protocol,
                    decode_responses=False,
                    options={},
                )
            run = adapter.run_operation
            assert await run("two", "command", {"args": ["HSET", "h", "f", "v"]}) == 1
            assert await run("two", "command", {"args": ["HGETALL", "h"]}) == [b"f", b"v"]
            assert await run("three", "command", {"args": ["HGETALL", "h"]}) == {b"f": b"v"}
            with pytest.raises(WrongTypeError):
                await run("three", "command", {"args": ["GET", "h"]})
            with pytest.raises(NotImplementedError):
                await run("three", "get", {})
            with pytest.raises(TypeError):
                await run("three", "command", {"args": []})
            ids = await adapter.connection_ids("three")
            assert ids == await adapter.connection_ids("three")
            assert await run("three", "command", {"args": ["CLIENT", "ID"]}) == ids[0]
        finally:
            await adapter.close()
            await adapter.close()

    asyncio.run(scenario())


@pytest.mark.integration
def test_push_messages_are_kept_aside(keywire_clean_standalone: Standalone) -> None:
    host, port = keywire_clean_standalone.host, keywire_clean_standalone.port

    async def scenario() -> None:
        tracked = await Connection.open(host, port, protocol=3, decode_responses=False)
        writer = await Connection.open(host, port, protocol=2, decode_responses=False)
        try:
            assert await tracked.execute(["CLIENT", "TRACKING", "on"]) == b"OK"
            assert await tracked.execute(["GET", "k"]) is None
            assert await writer.execute(["SET", "k", "v"]) == b"OK"
            await asyncio.sleep(0.05)
            assert await tracked.execute(["PING"]) == b"PONG"
            assert tracked.pushes
            assert isinstance(tracked.pushes[0], Push)
            assert tracked.pushes[0][0] == b"invalidate"
        finally:
            await tracked.close()
            await writer.close()

    asyncio.run(scenario())


@pytest.mark.integration
def test_a_closed_connection_is_a_connection_error(keywire_clean_standalone: Standalone) -> None:
    host, port = keywire_clean_standalone.host, keywire_clean_standalone.port

    async def scenario() -> None:
        connection = await Connection.open(host, port, protocol=2, decode_responses=True)
        try:
            client_id = await connection.client_id()
            keywire_clean_standalone.node.execute("CLIENT", "KILL", "ID", client_id)
            with pytest.raises(ConnectionError):
                await connection.execute(["PING"])
        finally:
            await connection.close()

    asyncio.run(scenario())
