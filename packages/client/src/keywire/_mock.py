"""An in-memory transport and server script for unit tests (no sockets, no server).

:class:`MockTransport` is an ``asyncio.Transport`` that records what the connection writes and
lets a test (or a handler) feed bytes back, so the connection's state machine, the pool and
the client can be tested byte for byte. :func:`mock_connection` builds a
:class:`~keywire.Connection` on it, optionally with a handler that answers each command::

    def handler(command: list[bytes]) -> bytes | None:
        if command[0] == b"HELLO":
            return b"%1\\r\\n+proto\\r\\n:3\\r\\n"
        return b"+OK\\r\\n"

    connection, transport = await mock_connection(Config(), handler)

Not part of the public API; tests of other keywire packages may use it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from keywire._config import Config
from keywire._connection import Connection
from keywire_resp import NEED_DATA, Limits, Reader

__all__ = ["CommandHandler", "MockTransport", "hello_handler", "mock_connection"]

CommandHandler = Callable[[list[bytes]], bytes | None]
"""Answers one command (its arguments as bytes) with raw RESP bytes, or None for no answer."""


class MockTransport(asyncio.Transport):
    """A transport that keeps writes in memory and answers through a handler.

    Attributes:
        writes: Every ``write()`` call's data, in order (one entry per call: lets a test check
            that a tick's commands were coalesced).
        commands: The commands decoded from the writes (lists of bytes).
        closed: True after ``close()`` / ``abort()``.
    """

    def __init__(self, protocol: asyncio.Protocol, handler: CommandHandler | None = None) -> None:
        super().__init__()
        self._protocol = protocol
        self._handler = handler
        self._parser = Reader()
        self._loop = asyncio.get_running_loop()
        self.writes: list[bytes] = []
        self.commands: list[list[bytes]] = []
        self.closed = False
        self.auto_reply = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:
            return
        chunk = bytes(data)
        self.writes.append(chunk)
        self._parser.feed(chunk)
        while (command := self._parser.gets()) is not NEED_DATA:
            assert isinstance(command, list)
            self.commands.append(command)
            if self._handler is not None and self.auto_reply:
                answer = self._handler(command)
                if answer is not None:
                    self._loop.call_soon(self.feed, answer)

    def feed(self, data: bytes) -> None:
        """Deliver ``data`` to the connection as if the server had sent it."""
        if not self.closed:
            self._protocol.data_received(data)

    def lose(self, exc: Exception | None = None) -> None:
        """Simulate the server closing the connection (or the network failing with ``exc``)."""
        if not self.closed:
            self.closed = True
            self._protocol.connection_lost(exc)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def get_write_buffer_size(self) -> int:
        return 0


def hello_handler(proto: int = 3, client_id: int = 7) -> CommandHandler:
    """A handler that answers HELLO like a RESP3 server and everything else with ``+OK``."""

    def handler(command: list[bytes]) -> bytes | None:
        if command[0].upper() == b"HELLO":
            return b"%%2\r\n+proto\r\n:%d\r\n+id\r\n:%d\r\n" % (proto, client_id)
        return b"+OK\r\n"

    return handler


async def mock_connection(
    config: Config | None = None,
    handler: CommandHandler | None = None,
    *,
    limits: Limits | None = None,
    reader_backend: str = "python",
    handshake: bool = True,
) -> tuple[Connection, MockTransport]:
    """A :class:`Connection` wired to a :class:`MockTransport`.

    Args:
        config: The connection's configuration (default ``Config()``).
        handler: Answers commands (default :func:`hello_handler`).
        limits, reader_backend: As for the real connection.
        handshake: Run the handshake (HELLO, AUTH, SELECT per ``config``) through the handler.
    """
    config = config or Config()
    connection = Connection(config, limits=limits, reader_backend=reader_backend)
    transport = MockTransport(connection, handler if handler is not None else hello_handler())
    connection.connection_made(transport)
    if handshake:
        await connection.handshake()
    return connection, transport
