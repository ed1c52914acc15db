"""One asyncio connection speaking RESP through ``keywire_resp`` (no pool, no reconnect)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Final

from keywire_resp import NEED_DATA, Push, Reader, ReplyError, pack_command

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LOOPBACK_HOSTS", "Connection"]

LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
"""The reference adapter talks to test servers on this machine only."""

_READ_SIZE: Final = 65536


class Connection:
    """A single connection: send one command, read its reply, in order.

    Push messages (RESP3 ``>``) that arrive before a reply are kept in :attr:`pushes` and
    skipped, so they are never taken for a command's reply.

    Args:
        reader: the stream to read from.
        writer: the stream to write to.
        parser: the RESP reader decoding the stream.
        timeout: seconds one command may take.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        parser: Reader,
        *,
        timeout: float,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._parser = parser
        self._timeout = timeout
        self._client_id: int | None = None
        self.pushes: list[Push] = []

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        protocol: int,
        decode_responses: bool,
        timeout: float = 10.0,
    ) -> Connection:
        """Connect, and send ``HELLO 3`` when ``protocol`` is 3 (nothing for RESP2).

        Raises:
            ValueError: for a host that is not a loopback address.
            ReplyError: when the server refuses ``HELLO 3`` (servers before 6.0).
            OSError, TimeoutError: when connecting fails or takes longer than ``timeout``.
        """
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the reference adapter connects to loopback only, not {host!r}")
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
        parser = Reader(encoding="utf-8" if decode_responses else None)
        connection = cls(reader, writer, parser, timeout=timeout)
        if protocol == 3:
            reply = await connection.execute(["HELLO", 3])
            if isinstance(reply, ReplyError):
                await connection.close()
                raise reply
        return connection

    async def execute(self, args: Sequence[Any]) -> object:
        """Send one command and return its reply (a server error is *returned*).

        Raises:
            ConnectionError: when the server closed the connection.
            TimeoutError: when no reply came within the timeout.
            ProtocolError: when the server sent something that is not RESP.
            TypeError, ValueError: for arguments ``pack_command`` refuses.
        """
        payload = pack_command(*args)
        async with asyncio.timeout(self._timeout):
            self._writer.write(payload)
            await self._writer.drain()
            while True:
                reply = self._parser.gets()
                if reply is NEED_DATA:
                    data = await self._reader.read(_READ_SIZE)
                    if not data:
                        raise ConnectionError("the server closed the connection")
                    self._parser.feed(data)
                elif isinstance(reply, Push):
                    self.pushes.append(reply)
                else:
                    return reply

    async def client_id(self) -> int:
        """Return this connection's ``CLIENT ID`` (asked once, then remembered)."""
        if self._client_id is None:
            reply = await self.execute(["CLIENT", "ID"])
            if not isinstance(reply, int):
                raise ConnectionError(f"unexpected CLIENT ID reply {reply!r}")
            self._client_id = reply
        return self._client_id

    async def close(self) -> None:
        """Close the connection (idempotent; errors of an already broken socket are ignored)."""
        writer = self._writer
        if writer.is_closing():
            return
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()
