"""keywire.PubSub against the harness server (RESP2 / RESP3, both readers), plus two mechanics
checked byte for byte on a mock connection."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

import keywire
from keywire import Config, PubSub, PubSubMessage, Redis
from keywire._mock import MockTransport, hello_handler, mock_connection
from keywire._pool import ConnectionPool

if TYPE_CHECKING:
    from keywire._connection import Connection
    from keywire_conformance.servers import Standalone

pytestmark = pytest.mark.asyncio
integration = pytest.mark.integration


async def wait_numsub(client: Redis[Any], channel: str, expected: int) -> None:
    """Poll PUBSUB NUMSUB (bounded) until ``channel`` has ``expected`` subscribers."""
    async with asyncio.timeout(5):
        while list((await client.pubsub_numsub(channel)).values()) != [expected]:
            await asyncio.sleep(0.01)


async def wait_numpat(client: Redis[Any], expected: int) -> None:
    async with asyncio.timeout(5):
        while await client.pubsub_numpat() != expected:
            await asyncio.sleep(0.01)


async def receive(pubsub: PubSub[Any], count: int = 1) -> list[PubSubMessage[Any]]:
    """The next ``count`` messages, each within a bounded wait."""
    messages: list[PubSubMessage[Any]] = []
    for _ in range(count):
        message = await pubsub.get_message(timeout=5)
        assert message is not None, f"no message within 5 s (got {messages})"
        messages.append(message)
    return messages


def confirmation(kind: str, name: bytes | None, count: int) -> PubSubMessage[bytes]:
    return PubSubMessage(kind, name, None, count)  # type: ignore[arg-type]


@integration
async def test_subscribe_and_publish(client: Redis[bytes]) -> None:
    async with client.pubsub() as pubsub:
        assert pubsub.channels == frozenset()
        assert pubsub.connection is None  # no connection before the first subscription
        await pubsub.subscribe("a", "b", b"a")
        assert pubsub.subscribed
        assert pubsub.channels == {b"a", b"b"}
        assert await receive(pubsub, 2) == [
            confirmation("subscribe", b"a", 1),
            confirmation("subscribe", b"b", 2),
        ]
        await wait_numsub(client, "a", 1)
        assert await client.publish("a", "hello") == 1
        assert await receive(pubsub) == [PubSubMessage("message", b"a", None, b"hello")]
        assert await client.publish("nobody", "x") == 0
        assert await pubsub.get_message() is None
        assert {b"a", b"b"} <= set(await client.pubsub_channels())
        assert await client.pubsub_channels("a*") == [b"a"]
        assert await client.pubsub_numsub(["a", "b", "zz"]) == {b"a": 1, b"b": 1, b"zz": 0}
        with pytest.raises(ValueError, match="at least one"):
            await pubsub.subscribe()


@integration
async def test_patterns(client: Redis[bytes]) -> None:
    async with client.pubsub() as pubsub:
        await pubsub.psubscribe("news.*", "sport.?")
        assert pubsub.patterns == {b"news.*", b"sport.?"}
        assert await receive(pubsub, 2) == [
            confirmation("psubscribe", b"news.*", 1),
            confirmation("psubscribe", b"sport.?", 2),
        ]
        await wait_numpat(client, 2)
        assert await client.publish("news.tech", "t") == 1
        assert await client.publish("sport.x", "s") == 1
        assert await client.publish("sport.xy", "no match") == 0
        assert await receive(pubsub, 2) == [
            PubSubMessage("pmessage", b"news.tech", b"news.*", b"t"),
            PubSubMessage("pmessage", b"sport.x", b"sport.?", b"s"),
        ]
        await pubsub.subscribe("news.tech")
        assert await client.publish("news.tech", "both") == 2  # a channel and a pattern
        messages = await receive(pubsub, 3)
        assert messages[0].type == "subscribe"
        assert {(m.type, m.pattern) for m in messages[1:]} == {
            ("message", None),
            ("pmessage", b"news.*"),
        }


@integration
async def test_unsubscribe_confirmations(client: Redis[bytes]) -> None:
    async with client.pubsub() as pubsub:
        await pubsub.subscribe("a", "b")
        await pubsub.psubscribe("p*")
        assert len(await receive(pubsub, 3)) == 3
        await pubsub.unsubscribe("a")
        assert pubsub.channels == {b"b"}
        assert await receive(pubsub) == [confirmation("unsubscribe", b"a", 2)]
        await wait_numsub(client, "a", 0)
        await pubsub.unsubscribe()  # every channel
        assert await receive(pubsub) == [confirmation("unsubscribe", b"b", 1)]
        await pubsub.punsubscribe()
        assert await receive(pubsub) == [confirmation("punsubscribe", b"p*", 0)]
        assert not pubsub.subscribed
        await pubsub.punsubscribe()  # nothing left: the server names no pattern
        assert await receive(pubsub) == [confirmation("punsubscribe", None, 0)]
        await wait_numsub(client, "b", 0)
        await wait_numpat(client, 0)
        assert await client.publish("b", "x") == 0


@integration
async def test_listen(client: Redis[bytes]) -> None:
    async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe("ch")
        await wait_numsub(client, "ch", 1)

        async def publish_all() -> None:
            for i in range(5):
                await client.publish("ch", i)

        publisher = asyncio.ensure_future(publish_all())
        received: list[bytes | int] = []
        async with asyncio.timeout(5):
            async for message in pubsub.listen():
                received.append(message.data)
                if len(received) == 5:
                    break
            await publisher
        assert received == [b"0", b"1", b"2", b"3", b"4"]

        got_one = asyncio.Event()

        async def consume() -> list[PubSubMessage[bytes]]:
            messages = []
            async for message in pubsub.listen():
                messages.append(message)
                got_one.set()
            return messages

        consumer = asyncio.ensure_future(consume())
        await client.publish("ch", "last")
        async with asyncio.timeout(5):
            await got_one.wait()
            await pubsub.aclose()  # ends the iteration
            assert [m.data for m in await consumer] == [b"last"]


@integration
async def test_get_message_timeouts_and_close(client: Redis[bytes]) -> None:
    pubsub = client.pubsub()
    assert await pubsub.get_message() is None
    assert await pubsub.get_message(timeout=0.01) is None
    await pubsub.subscribe("a")
    assert (await receive(pubsub))[0].type == "subscribe"
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await pubsub.get_message(timeout=0.1) is None
    assert 0.09 <= loop.time() - start < 2
    waiter = asyncio.ensure_future(pubsub.get_message(timeout=5))
    await client.publish("a", "wake")
    async with asyncio.timeout(5):
        message = await waiter
    assert message is not None
    assert message.data == b"wake"
    await client.publish("a", "skipped")
    assert await pubsub.get_message(timeout=5, ignore_subscribe_messages=True) is not None
    waiter = asyncio.ensure_future(pubsub.get_message(timeout=None))
    await pubsub.aclose()
    async with asyncio.timeout(5):
        assert await waiter is None
    assert pubsub.closed
    assert await pubsub.get_message() is None
    with pytest.raises(keywire.ClientClosedError):
        await pubsub.subscribe("b")
    await pubsub.aclose()  # idempotent


@integration
async def test_many_messages_in_one_read(client: Redis[bytes]) -> None:
    async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe("burst")
        await wait_numsub(client, "burst", 1)
        async with client.pipeline() as pipe:
            for i in range(500):
                pipe.publish("burst", i)
            assert await pipe.execute() == [1] * 500
        received: list[bytes | int] = []
        async with asyncio.timeout(10):
            while len(received) < 500:
                message = await pubsub.get_message(timeout=None)
                assert message is not None
                received.append(message.data)
        assert received == [str(i).encode() for i in range(500)]
        assert pubsub.connection is not None
        assert pubsub.connection.is_alive


@integration
async def test_shard_channels(client: Redis[bytes], keywire_standalone: Standalone) -> None:
    async with client.pubsub() as pubsub:
        if keywire_standalone.version < (7, 0, 0):
            with pytest.raises(keywire.ResponseError, match="unknown command"):
                await pubsub.ssubscribe("sh")
            assert pubsub.shard_channels == frozenset()
            await pubsub.subscribe("a")  # still usable after the refusal
            assert await receive(pubsub) == [confirmation("subscribe", b"a", 1)]
            return
        await pubsub.ssubscribe("sh")
        assert pubsub.shard_channels == {b"sh"}
        assert await receive(pubsub) == [confirmation("ssubscribe", b"sh", 1)]
        async with asyncio.timeout(5):
            while await client.execute_command("PUBSUB", "SHARDNUMSUB", "sh") != [b"sh", 1]:
                await asyncio.sleep(0.01)
        assert await client.spublish("sh", "x") == 1
        assert await receive(pubsub) == [PubSubMessage("smessage", b"sh", None, b"x")]
        await pubsub.sunsubscribe()
        assert await receive(pubsub) == [confirmation("sunsubscribe", b"sh", 0)]
        assert not pubsub.subscribed


@integration
async def test_refused_subscription_keeps_state(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    node = keywire_clean_standalone.node
    node.execute("ACL", "SETUSER", "kwsub", "on", ">kw-pw", "~*", "resetchannels", "&ok*", "+@all")
    try:
        async with (
            Redis(node.host, node.port, username="kwsub", password="kw-pw", protocol=protocol) as c,
            c.pubsub(ignore_subscribe_messages=True) as pubsub,
        ):
            await pubsub.subscribe("ok1")
            with pytest.raises(keywire.NoPermError):
                await pubsub.subscribe("secret", "ok2")
            with pytest.raises(keywire.NoPermError):
                await pubsub.psubscribe("*")
            assert pubsub.channels == {b"ok1"}
            assert pubsub.patterns == frozenset()
            await pubsub.subscribe("ok2")  # the connection is still in step
            await wait_numsub(c, "ok2", 1)
            assert await c.publish("ok2", "fine") == 1
            assert await receive(pubsub) == [PubSubMessage("message", b"ok2", None, b"fine")]
    finally:
        node.execute("ACL", "DELUSER", "kwsub")


@integration
async def test_close_never_returns_the_connection(client: Redis[bytes]) -> None:
    pool = client.connection_pool
    await client.ping()
    total = pool.total
    async with client.pubsub() as pubsub:
        await pubsub.subscribe("a")
        conn = pubsub.connection
        assert conn is not None
        assert pool.total == total + 1
    assert not conn.is_alive
    assert pool.total == total
    assert pool.idle == 0
    await wait_numsub(client, "a", 0)  # the server dropped the subscriber
    assert await client.blpop("nothing", timeout=0.01) is None  # a fresh dedicated connection
    unused = client.pubsub()
    await unused.aclose()
    assert pool.total == total + 1  # the BLPOP connection, idle; the PubSub took none
    assert pool.idle == 1


@integration
async def test_decoded(str_client: Redis[str]) -> None:
    async with str_client.pubsub() as pubsub:
        await pubsub.subscribe("kanal-ä")
        await pubsub.psubscribe("mus*")
        assert pubsub.channels == {"kanal-ä"}
        assert pubsub.patterns == {"mus*"}
        assert await receive(pubsub, 2) == [
            PubSubMessage("subscribe", "kanal-ä", None, 1),
            PubSubMessage("psubscribe", "mus*", None, 2),
        ]
        await wait_numsub(str_client, "kanal-ä", 1)
        assert await str_client.publish("kanal-ä", "grüße") == 1
        assert await str_client.publish("musik", "♪") == 1
        assert await receive(pubsub, 2) == [
            PubSubMessage("message", "kanal-ä", None, "grüße"),
            PubSubMessage("pmessage", "musik", "mus*", "♪"),
        ]
        with pytest.raises(ValueError, match="decode_responses"):
            await pubsub.subscribe(b"\xff")


# -- reconnects -----------------------------------------------------------------------------------


@pytest.fixture(params=[pytest.param(3, id="resp3"), pytest.param(2, id="resp2")])
def protocol(request: pytest.FixtureRequest) -> int:
    value: int = request.param
    return value


@integration
async def test_resubscribes_after_client_kill(
    client: Redis[bytes], keywire_standalone: Standalone
) -> None:
    async with client.pubsub() as pubsub:
        await pubsub.subscribe("a")
        await pubsub.psubscribe("p.*")
        assert len(await receive(pubsub, 2)) == 2
        await wait_numsub(client, "a", 1)
        old = pubsub.connection
        assert old is not None
        killed = keywire_standalone.node.execute("CLIENT", "KILL", "TYPE", "pubsub")
        assert isinstance(killed, int)
        assert killed >= 1  # ours (a previous test's may not be reaped yet)
        # The next get_message notices the drop, reconnects and subscribes again.
        assert await receive(pubsub, 2) == [
            confirmation("subscribe", b"a", 1),
            confirmation("psubscribe", b"p.*", 2),
        ]
        assert pubsub.reconnects == 1
        assert pubsub.connection is not old
        assert not old.is_alive
        await wait_numsub(client, "a", 1)
        assert await client.publish("a", "back") == 1
        assert await client.publish("p.x", "again") == 1
        assert await receive(pubsub, 2) == [
            PubSubMessage("message", b"a", None, b"back"),
            PubSubMessage("pmessage", b"p.x", b"p.*", b"again"),
        ]


@integration
async def test_reconnect_gives_up_after_bounded_attempts(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    node = keywire_clean_standalone.node
    async with (
        Redis(node.host, node.port, protocol=protocol) as client,
        client.pubsub(max_reconnect_attempts=2) as pubsub,
    ):
        await pubsub.subscribe("a")
        assert len(await receive(pubsub)) == 1
        await asyncio.to_thread(node.stop)
        try:
            async with asyncio.timeout(10):
                with pytest.raises(keywire.ConnectionError, match="after 2 attempts"):
                    await pubsub.get_message(timeout=5)
        finally:
            await asyncio.to_thread(node.restart)
        assert pubsub.channels == {b"a"}  # kept: a later call tries again
        assert await receive(pubsub) == [confirmation("subscribe", b"a", 1)]
        assert pubsub.reconnects == 1
        await wait_numsub(client, "a", 1)
        assert await client.publish("a", "up") == 1
        assert await receive(pubsub) == [PubSubMessage("message", b"a", None, b"up")]


# -- mechanics on a mock connection (RESP2 framing, no server) ------------------------------------


def _array(*items: bytes | int) -> bytes:
    out = b"*%d\r\n" % len(items)
    for item in items:
        out += b":%d\r\n" % item if isinstance(item, int) else b"$%d\r\n%s\r\n" % (len(item), item)
    return out


async def _mock_pubsub() -> tuple[Redis[bytes], PubSub[bytes], list[MockTransport]]:
    transports: list[MockTransport] = []
    hello = hello_handler(proto=2)

    def handler(command: list[bytes]) -> bytes | None:
        if command[0] == b"HELLO":
            return hello(command)
        return None  # the test sends the server's side

    async def connect(config: Config) -> Connection:
        connection, transport = await mock_connection(config, handler)
        transports.append(transport)
        return connection

    client: Redis[bytes] = Redis()
    client._pool = ConnectionPool(client.config, connector=connect)
    return client, client.pubsub(ignore_subscribe_messages=True), transports


async def _until(condition: Any) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0)


async def test_replies_and_an_error_in_one_read() -> None:
    client, pubsub, transports = await _mock_pubsub()
    subscribing = asyncio.ensure_future(pubsub.subscribe("a"))
    await _until(lambda: transports and transports[0].commands[-1] == [b"SUBSCRIBE", b"a"])
    transport = transports[0]
    burst = b"".join(_array(b"message", b"a", b"%d" % i) for i in range(40))
    transport.feed(_array(b"subscribe", b"a", 1) + burst + b"-ERR odd\r\n" + burst)
    await subscribing
    data: list[bytes | int] = []
    errors: list[keywire.ResponseError] = []
    while len(data) < 80 or not errors:
        try:
            message = await pubsub.get_message(timeout=1)
        except keywire.ResponseError as exc:  # no command waited for it: get_message raises it
            errors.append(exc)
            continue
        assert message is not None
        data.append(message.data)
    assert data == [b"%d" % i for i in range(40)] * 2
    assert [error.code for error in errors] == ["ERR"]
    assert await pubsub.get_message() is None
    assert pubsub.connection is not None
    assert pubsub.connection.is_alive
    await pubsub.aclose()
    await client.aclose()


async def test_cancelled_subscribe_confirmations_are_not_miscounted() -> None:
    client, pubsub, transports = await _mock_pubsub()
    connecting = asyncio.ensure_future(pubsub.subscribe("x"))
    await _until(lambda: transports and transports[0].commands[-1] == [b"SUBSCRIBE", b"x"])
    transport = transports[0]
    transport.feed(_array(b"subscribe", b"x", 1))
    async with asyncio.timeout(5):
        await connecting
    first = asyncio.ensure_future(pubsub.subscribe("a", "b"))
    await _until(lambda: transport.commands[-1] == [b"SUBSCRIBE", b"a", b"b"])
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert pubsub.channels == {b"x", b"a", b"b"}  # sent: the server will apply it
    second = asyncio.ensure_future(pubsub.subscribe("c"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert transport.commands[-1] == [b"SUBSCRIBE", b"a", b"b"]  # c waits for a and b
    transport.feed(_array(b"subscribe", b"a", 2))
    for _ in range(5):
        await asyncio.sleep(0)
    assert transport.commands[-1] == [b"SUBSCRIBE", b"a", b"b"]
    transport.feed(_array(b"subscribe", b"b", 3))
    await _until(lambda: transport.commands[-1] == [b"SUBSCRIBE", b"c"])
    assert not second.done()  # its own confirmation is still missing
    transport.feed(_array(b"subscribe", b"c", 4))
    async with asyncio.timeout(5):
        await second
    assert pubsub.channels == {b"x", b"a", b"b", b"c"}
    assert len(transports) == 1
    await pubsub.aclose()
    await client.aclose()
