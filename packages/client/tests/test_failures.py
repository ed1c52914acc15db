"""Failure cases against the harness server: each raises a clear error of the keywire
hierarchy, never hangs, and leaves the client usable."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

import keywire
from keywire import Redis
from keywire_resp import Limits

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from keywire_conformance.servers import Standalone

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]

PROTOCOLS = [pytest.param(3, id="resp3"), pytest.param(2, id="resp2")]


@pytest.fixture(params=PROTOCOLS)
def protocol(request: pytest.FixtureRequest) -> int:
    value: int = request.param
    return value


@pytest_asyncio.fixture
async def server(keywire_clean_standalone: Standalone) -> AsyncIterator[Standalone]:
    yield keywire_clean_standalone
    # A test that killed the server leaves it to the next test's heal(); make sure here.
    if not keywire_clean_standalone.node.running:
        await asyncio.to_thread(keywire_clean_standalone.node.restart)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_wrong_url(server: Standalone) -> None:
    with pytest.raises(keywire.InvalidURLError):
        Redis.from_url(f"redis://:pw@{server.node.host}:port")
    with pytest.raises(keywire.InvalidURLError):
        Redis.from_url(f"redis://{server.node.host}:{server.node.port}/not-a-db")
    async with Redis.from_url(f"redis://{server.node.host}:{server.node.port}/0") as client:
        assert await client.ping() is True


async def test_closed_port(protocol: int) -> None:
    port = free_port()
    client = Redis("127.0.0.1", port, protocol=protocol)
    async with asyncio.timeout(5):
        with pytest.raises(keywire.ConnectionError) as info:
            await client.get("k")
        assert info.value.address == f"127.0.0.1:{port}"
        assert str(port) in str(info.value)
        with pytest.raises(keywire.ConnectionError):  # again, after the backoff
            await client.ping()
    await client.aclose()


async def test_wrong_password(
    server: Standalone, protocol: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # no log line of any logger may carry a credential
    node = server.node
    secret = "kw-correct-horse"
    node.execute("ACL", "SETUSER", "kwuser", "on", f">{secret}", "~*", "&*", "+@all")
    try:
        async with asyncio.timeout(5):
            bad = Redis(
                node.host, node.port, username="kwuser", password="kw-wrong-pw", protocol=protocol
            )
            with pytest.raises(keywire.AuthenticationError) as info:
                await bad.ping()
            assert "kw-wrong-pw" not in str(info.value)
            assert "kw-wrong-pw" not in repr(info.value)
            assert info.value.address == f"{node.host}:{node.port}"
            await bad.aclose()
            async with Redis(
                node.host, node.port, username="kwuser", password=secret, protocol=protocol
            ) as good:
                assert await good.ping() is True
    finally:
        node.execute("ACL", "DELUSER", "kwuser")
    assert "kw-wrong-pw" not in caplog.text
    assert secret not in caplog.text


async def test_requirepass(server: Standalone, protocol: int) -> None:
    node = server.node
    secret = "kw-requirepass-secret"
    node.execute("CONFIG", "SET", "requirepass", secret)
    try:
        async with asyncio.timeout(5):
            anonymous = Redis(node.host, node.port, protocol=protocol)
            # RESP3 learns it in the handshake (HELLO); a RESP2 handshake without credentials
            # sends nothing, so the first command gets the server's NOAUTH reply.
            expected = keywire.AuthenticationError if protocol == 3 else keywire.NoAuthError
            with pytest.raises(expected):
                await anonymous.ping()
            await anonymous.aclose()
            wrong = Redis.from_url(f"redis://:not-it@{node.host}:{node.port}?protocol={protocol}")
            with pytest.raises(keywire.AuthenticationError) as info:
                await wrong.initialize()
            assert "not-it" not in str(info.value)
            await wrong.aclose()
            async with Redis.from_url(
                f"redis://:{secret}@{node.host}:{node.port}?protocol={protocol}"
            ) as good:
                assert await good.ping() is True
    finally:
        with node.admin() as admin:
            admin.execute("AUTH", secret)
            admin.execute("CONFIG", "SET", "requirepass", "")


async def test_server_killed_mid_command(server: Standalone, protocol: int) -> None:
    node = server.node
    client = Redis(node.host, node.port, protocol=protocol)
    await client.set("k", "v")
    sleeper = asyncio.ensure_future(client.execute_command("DEBUG", "SLEEP", "2"))
    reader = asyncio.ensure_future(client.get("k"))  # queued behind it on the same connection
    await asyncio.sleep(0.1)
    node.kill()
    async with asyncio.timeout(5):
        with pytest.raises(keywire.ConnectionError) as info:
            await sleeper
        assert info.value.address == f"{node.host}:{node.port}"
        # GET is read-only: it was retried once, and the server is down: a connection error.
        with pytest.raises(keywire.ConnectionError):
            await reader
    await asyncio.to_thread(node.restart)
    async with asyncio.timeout(5):
        assert await client.ping() is True
        assert await client.set("k", "again") is True
        assert await client.get("k") == b"again"
    await client.aclose()


async def test_connection_killed_by_the_server(server: Standalone, protocol: int) -> None:
    node = server.node
    async with Redis(node.host, node.port, protocol=protocol) as client:
        client_id = await client.client_id()
        # WAIT with no replicas blocks our connection (not the server) for its timeout.
        waiting = asyncio.ensure_future(client.execute_command("WAIT", 1, 3000))
        await asyncio.sleep(0.05)
        node.execute("CLIENT", "KILL", "ID", client_id)
        async with asyncio.timeout(5):
            with pytest.raises(keywire.ConnectionError):
                await waiting
            assert await client.client_id() != client_id  # a new connection
            assert await client.echo("fine") == b"fine"


async def test_read_only_command_retried_after_client_kill(
    server: Standalone, protocol: int
) -> None:
    node = server.node
    async with Redis(node.host, node.port, protocol=protocol) as client:
        await client.set("k", "v")
        client_id = await client.client_id()
        node.execute("CLIENT", "KILL", "ID", client_id)
        await asyncio.sleep(0.05)  # the close reaches us: the next command reconnects
        async with asyncio.timeout(5):
            assert await client.get("k") == b"v"


async def test_reply_larger_than_the_limit(server: Standalone, protocol: int) -> None:
    node = server.node
    limits = Limits(max_bulk_length=16 * 1024, max_buffer_size=64 * 1024)
    async with Redis(node.host, node.port, protocol=protocol, limits=limits) as client:
        await client.set("big", b"x" * 1_000_000)
        async with asyncio.timeout(5):
            with pytest.raises(keywire.ReplyTooLargeError) as info:
                await client.get("big")
            assert isinstance(info.value, keywire.ProtocolError)
            await client.set("small", "ok")
            assert await client.get("small") == b"ok"


async def test_cancelled_command_keeps_the_connection_in_sync(
    server: Standalone, protocol: int
) -> None:
    node = server.node
    async with Redis(node.host, node.port, protocol=protocol) as client:
        await client.set("a", "A")
        shared = await client.shared_connection()
        task = asyncio.ensure_future(client.execute_command("DEBUG", "SLEEP", "0.2"))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with asyncio.timeout(5):
            # Queued behind the cancelled command: must get its own reply, not "OK".
            assert await client.get("a") == b"A"
            assert await client.echo("x") == b"x"
        assert await client.shared_connection() is shared


async def test_cancelled_blpop_leaves_the_pool_usable(server: Standalone, protocol: int) -> None:
    node = server.node
    async with Redis(node.host, node.port, protocol=protocol) as client:
        task = asyncio.ensure_future(client.blpop("queue", timeout=0))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with asyncio.timeout(5):
            # The cancelled BLPOP's connection is closed. Until the server has noticed, it
            # could still hand that dead client an element (blocking pops are at most once),
            # so wait until the server no longer lists a blocked BLPOP.
            while "cmd=blpop" in str(node.execute("CLIENT", "LIST")):
                await asyncio.sleep(0.01)
            await client.rpush("queue", "item")
            assert await client.blpop("queue", timeout=1) == (b"queue", b"item")
            assert await client.llen("queue") == 0


async def test_read_timeout(server: Standalone, protocol: int) -> None:
    node = server.node
    async with Redis(node.host, node.port, protocol=protocol, read_timeout=0.1) as client:
        async with asyncio.timeout(5):
            with pytest.raises(keywire.ReadTimeoutError) as info:
                await client.execute_command("DEBUG", "SLEEP", "0.5")
            assert isinstance(info.value, TimeoutError)
            await asyncio.sleep(0.5)  # DEBUG SLEEP blocks the whole server until it ends
            assert await client.ping() is True
            # Blocking commands are exempt from the read timeout.
            assert await client.blpop("empty", timeout=0.3) is None


async def test_pool_timeout(server: Standalone) -> None:
    node = server.node
    async with Redis(node.host, node.port, max_connections=2, pool_timeout=0.1) as client:
        waiting = asyncio.ensure_future(client.blpop("q", timeout=2))
        await asyncio.sleep(0.05)
        async with asyncio.timeout(5):
            with pytest.raises(keywire.PoolTimeoutError):
                await client.blpop("q", timeout=1)
            assert await client.ping() is True  # the shared connection is unaffected
            await client.rpush("q", "x")
            assert await waiting == (b"q", b"x")
            assert await client.blpop("q", timeout=0.05) is None


async def test_commands_after_aclose(server: Standalone) -> None:
    node = server.node
    client = Redis(node.host, node.port)
    await client.ping()
    await client.aclose()
    with pytest.raises(keywire.ClientClosedError):
        await client.ping()
