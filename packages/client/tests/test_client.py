"""Routing, retry policy and command encoding of keywire.Redis, on mock connections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

import keywire
from keywire import Config, Redis
from keywire._mock import MockTransport, hello_handler, mock_connection
from keywire._pool import ConnectionPool
from keywire.client import command_name, is_blocking, is_retry_safe, state_command

if TYPE_CHECKING:
    from keywire._connection import Connection

pytestmark = pytest.mark.asyncio

Handler = Callable[[MockTransport, list[bytes]], bytes | None]


class Server:
    """A scripted server: ``handler(transport, command)`` answers each command."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.transports: list[MockTransport] = []

    async def connect(self, config: Config) -> Connection:
        hello = hello_handler()
        holder: list[MockTransport] = []

        def answer(command: list[bytes]) -> bytes | None:
            if command[0] in (b"HELLO", b"SELECT", b"AUTH"):
                return hello(command)
            return self.handler(holder[0], command)

        connection, transport = await mock_connection(config, answer)
        holder.append(transport)
        self.transports.append(transport)
        return connection


def client_for(server: Server, **options: Any) -> Redis[bytes]:
    client = Redis(**options)
    client._pool = ConnectionPool(client.config, connector=server.connect)
    return client


def echo_ok(transport: MockTransport, command: list[bytes]) -> bytes:
    return b"+OK\r\n"


async def test_commands_are_encoded_and_replies_converted() -> None:
    def handler(transport: MockTransport, command: list[bytes]) -> bytes:
        if command[0] == b"HGETALL":
            return b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"  # RESP2 flat
        if command[0] == b"ZSCORE":
            return b"$3\r\n1.5\r\n"
        return b"+OK\r\n"

    server = Server(handler)
    client = client_for(server)
    assert await client.set("k", 1, ex=10, nx=True) is True
    assert await client.hgetall("h") == {b"a": b"1", b"b": b"2"}
    assert await client.zscore("z", "m") == 1.5
    assert server.transports[0].commands[1] == [b"SET", b"k", b"1", b"EX", b"10", b"NX"]
    await client.aclose()


async def test_concurrent_commands_share_one_write() -> None:
    server = Server(echo_ok)
    client = client_for(server)
    await client.initialize()
    transport = server.transports[0]
    transport.writes.clear()
    results = await asyncio.gather(*(client.set(f"k{i}", i) for i in range(50)))
    assert results == [True] * 50
    assert len(transport.writes) == 1
    await client.aclose()


async def test_readonly_command_is_retried_once_after_connection_loss() -> None:
    def handler(transport: MockTransport, command: list[bytes]) -> bytes | None:
        if transport is server.transports[0]:
            asyncio.get_running_loop().call_soon(transport.lose, None)
            return None
        return b"$5\r\nvalue\r\n"

    server = Server(handler)
    client = client_for(server)
    assert await client.get("k") == b"value"
    assert len(server.transports) == 2
    await client.aclose()


async def test_write_command_is_not_retried() -> None:
    def handler(transport: MockTransport, command: list[bytes]) -> bytes | None:
        asyncio.get_running_loop().call_soon(transport.lose, None)
        return None

    server = Server(handler)
    client = client_for(server)
    with pytest.raises(keywire.ConnectionError) as info:
        await client.incr("k")
    assert info.value.address == "127.0.0.1:6379"
    assert len(server.transports) == 1
    await client.aclose()


async def test_blocking_commands_use_a_dedicated_connection() -> None:
    def handler(transport: MockTransport, command: list[bytes]) -> bytes:
        if command[0] == b"BLPOP":
            return b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
        return b"+OK\r\n"

    server = Server(handler)
    client = client_for(server, read_timeout=0.01)
    await client.initialize()
    assert await client.blpop(["q"], timeout=1) == (b"q", b"v")
    assert await client.execute_command("blpop", "q", 0) == [b"q", b"v"]
    assert len(server.transports) == 2
    assert [c[0] for c in server.transports[1].commands[1:]] == [b"BLPOP", b"BLPOP"]
    assert client.connection_pool.idle == 1
    await client.aclose()


async def test_cancelled_blocking_command_discards_its_connection() -> None:
    server = Server(lambda transport, command: None if command[0] == b"BLPOP" else b"+OK\r\n")
    client = client_for(server)
    task = asyncio.ensure_future(client.blpop("q"))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.connection_pool.idle == 0
    assert client.connection_pool.total == 0
    await client.aclose()


@pytest.mark.parametrize(
    "args",
    [("SELECT", 1), ("multi",), (b"SUBSCRIBE", "c"), ("CLIENT", "REPLY", "OFF"), ("hello", 3)],
)
async def test_connection_state_commands_are_refused(args: tuple[Any, ...]) -> None:
    client = client_for(Server(echo_ok))
    with pytest.raises(keywire.RedisError, match="state of the connection"):
        await client.execute_command(*args)
    pipe = client.pipeline()
    with pytest.raises(keywire.RedisError):
        pipe.execute_command(*args)
    await client.aclose()


async def test_closed_client_raises() -> None:
    client = client_for(Server(echo_ok))
    await client.set("a", 1)
    await client.aclose()
    with pytest.raises(keywire.ClientClosedError):
        await client.get("a")


async def test_bad_arguments_fail_before_any_io() -> None:
    server = Server(echo_ok)
    client = client_for(server)
    with pytest.raises(TypeError):
        await client.set("k", None)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="mutually exclusive"):
        await client.set("k", 1, nx=True, xx=True)
    with pytest.raises(ValueError, match="at most one"):
        await client.set("k", 1, ex=1, px=1)
    with pytest.raises(ValueError, match="command name"):
        await client.execute_command()
    await client.aclose()


async def test_helpers() -> None:
    assert command_name("get") == b"GET"
    assert command_name(b"Get") == b"GET"
    assert command_name(memoryview(b"get")) == b"GET"
    with pytest.raises(TypeError):
        command_name(1)
    assert is_retry_safe(b"GET")
    assert is_retry_safe(b"PING")
    assert not is_retry_safe(b"SET")
    assert not is_retry_safe(b"NOSUCH")
    assert is_blocking((b"BLPOP", "q", 0))
    assert not is_blocking((b"WAIT", 1, 0))
    assert not is_blocking((b"XREAD", "STREAMS", "s", "0"))
    assert is_blocking((b"XREAD", "block", 0, "STREAMS", "s", "0"))
    assert not is_blocking((b"GET", "k"))
    assert state_command((b"CLIENT", b"tracking", b"on")) == b"CLIENT TRACKING"
    assert state_command((b"CLIENT", b"ID")) is None
    assert state_command((b"GET", b"k")) is None


async def test_from_url_and_repr() -> None:
    client = Redis.from_url("redis://:pw@localhost:7000/3?protocol=2", decode_responses=True)
    assert client.config.port == 7000
    assert client.config.db == 3
    assert client.config.decode_responses is True
    assert repr(client) == "<Redis localhost:7000 db=3>"
    assert client.cache is None
    with pytest.raises(keywire.InvalidURLError):
        Redis.from_url("redis://h:port")
