"""The connection state machine, fed bytes through a mock transport (no server)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keywire
from keywire import Config
from keywire._connection import Connection, open_connection
from keywire._mock import MockTransport, hello_handler, mock_connection
from keywire_resp import HIREDIS_AVAILABLE, Limits, Push

pytestmark = pytest.mark.asyncio

BACKENDS = [
    "python",
    pytest.param(
        "hiredis", marks=pytest.mark.skipif(not HIREDIS_AVAILABLE, reason="hiredis not installed")
    ),
]


def silent_after_handshake() -> Any:
    base = hello_handler()

    def handler(command: list[bytes]) -> bytes | None:
        if command[0] in (b"HELLO", b"AUTH", b"SELECT", b"CLIENT"):
            return base(command)
        return None

    return handler


@pytest.mark.parametrize("backend", BACKENDS)
async def test_handshake_resp3(backend: str) -> None:
    conn, transport = await mock_connection(
        Config(username="u", password="pw", client_name="app", db=2), reader_backend=backend
    )
    assert transport.commands[0] == [b"HELLO", b"3", b"AUTH", b"u", b"pw", b"SETNAME", b"app"]
    assert transport.commands[1] == [b"SELECT", b"2"]
    assert conn.protocol == 3
    assert conn.client_id == 7
    assert conn.is_alive


async def test_handshake_falls_back_to_resp2() -> None:
    def handler(command: list[bytes]) -> bytes:
        if command[0] == b"HELLO":
            return b"-ERR unknown command 'HELLO'\r\n"
        return b"+OK\r\n"

    conn, transport = await mock_connection(Config(password="pw", client_name="app"), handler)
    names = [c[:2] for c in transport.commands]
    assert names == [[b"HELLO", b"3"], [b"AUTH", b"pw"], [b"CLIENT", b"SETNAME"]]
    assert conn.protocol == 2


async def test_handshake_resp2_requested() -> None:
    conn, transport = await mock_connection(Config(protocol=2, password="pw", username="u"))
    assert transport.commands == [[b"AUTH", b"u", b"pw"]]
    assert conn.protocol == 2


@pytest.mark.parametrize(
    "reply",
    [
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        b"-NOAUTH HELLO must be called with the client already authenticated\r\n",
        b"-ERR invalid password\r\n",
    ],
)
async def test_handshake_auth_failure(reply: bytes) -> None:
    with pytest.raises(keywire.AuthenticationError) as info:
        await mock_connection(Config(password="topsecret"), lambda command: reply)
    assert "topsecret" not in str(info.value)
    assert info.value.address == "127.0.0.1:6379"


async def test_handshake_other_failure_is_connection_error() -> None:
    def handler(command: list[bytes]) -> bytes:
        if command[0] == b"SELECT":
            return b"-ERR DB index is out of range\r\n"
        return hello_handler()(command) or b""

    with pytest.raises(keywire.ConnectionError, match="out of range"):
        await mock_connection(Config(db=99), handler)


async def test_replies_are_matched_in_order_and_coalesced() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    transport.writes.clear()
    futures = [conn.send(b"*1\r\n$4\r\nPING\r\n") for _ in range(5)]
    await asyncio.sleep(0)
    assert len(transport.writes) == 1  # one write for the whole tick
    assert conn.pending == 5
    transport.feed(b":1\r\n:2\r\n:3")
    assert [f.result() for f in futures[:2]] == [1, 2]
    transport.feed(b"\r\n:4\r\n:5\r\n")
    assert [f.result() for f in futures] == [1, 2, 3, 4, 5]
    assert conn.pending == 0


async def test_error_reply_becomes_exception_and_connection_survives() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    first = conn.send(b"x")
    second = conn.send(b"y")
    transport.feed(b"-WRONGTYPE Operation against a key\r\n+OK\r\n")
    with pytest.raises(keywire.WrongTypeError):
        await first
    assert await second == b"OK"
    assert conn.is_alive


async def test_cancelled_command_reply_is_consumed() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())

    async def command(data: bytes) -> Any:
        return await conn.send(data)

    cancelled = asyncio.ensure_future(command(b"a"))
    await asyncio.sleep(0)
    kept = asyncio.ensure_future(command(b"b"))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert conn.pending == 2
    transport.feed(b"$5\r\nfirst\r\n$6\r\nsecond\r\n")
    assert await kept == b"second"
    assert conn.pending == 0


async def test_pushes_go_to_handlers_not_to_futures() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    pushes: list[Push] = []
    order: list[str] = []
    conn.add_push_handler(pushes.append)
    conn.add_push_handler(lambda push: order.append("push"))
    fut = conn.send(b"x")
    fut.add_done_callback(lambda _: order.append("reply"))
    transport.feed(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+OK\r\n")
    assert await fut == b"OK"
    assert pushes == [[b"invalidate", [b"k"]]]
    assert isinstance(pushes[0], Push)
    await asyncio.sleep(0)  # done callbacks run on the next tick
    assert order == ["push", "reply"]
    conn.remove_push_handler(pushes.append)
    conn.remove_push_handler(pushes.append)  # no error


async def test_failing_push_handler_does_not_break_the_connection() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:

        def broken(push: Push) -> None:
            raise RuntimeError("boom")

        conn.add_push_handler(broken)
        fut = conn.send(b"x")
        transport.feed(b">1\r\n+message\r\n:1\r\n")
        assert await fut == 1
        assert isinstance(reported[0]["exception"], RuntimeError)
    finally:
        loop.set_exception_handler(None)


async def test_reply_hook_runs_in_stream_order() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    events: list[Any] = []
    fut = conn.send(b"x")
    conn.add_reply_hook(fut, lambda reply: events.append(("stored", reply)))
    conn.add_push_handler(lambda push: events.append(("push", push[0])))
    fut.cancel()  # the hook still runs: the cache fill does not depend on the awaiting task
    transport.feed(b"$1\r\nv\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    assert events == [("stored", b"v"), ("push", b"invalidate")]


async def test_connection_lost_fails_every_pending_future() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    futures = [conn.send(b"x") for _ in range(3)]
    transport.feed(b"+OK\r\n")
    transport.lose(ConnectionResetError("reset"))
    assert futures[0].result() == b"OK"
    for fut in futures[1:]:
        with pytest.raises(keywire.ConnectionError) as info:
            fut.result()
        assert info.value.address == "127.0.0.1:6379"
    assert futures[1].exception() is not futures[2].exception()
    assert not conn.is_alive
    with pytest.raises(keywire.ConnectionError):
        conn.send(b"y")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_protocol_error_kills_the_connection(backend: str) -> None:
    conn, transport = await mock_connection(
        handler=silent_after_handshake(), reader_backend=backend
    )
    fut = conn.send(b"x")
    transport.feed(b"?garbage\r\n")
    with pytest.raises(keywire.ProtocolError):
        await fut
    assert not conn.is_alive
    await asyncio.sleep(0)
    assert transport.closed


@pytest.mark.parametrize("backend", BACKENDS)
async def test_reply_over_the_limits(backend: str) -> None:
    limits = Limits(max_bulk_length=1024, max_buffer_size=4096)
    conn, transport = await mock_connection(
        handler=silent_after_handshake(), limits=limits, reader_backend=backend
    )
    fut = conn.send(b"x")
    transport.feed(b"$100000\r\n" + b"a" * 8192)
    with pytest.raises(keywire.ReplyTooLargeError):
        await fut
    assert not conn.is_alive


async def test_unexpected_reply_is_a_protocol_error() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    transport.feed(b"+OK\r\n")
    assert not conn.is_alive
    assert isinstance(conn.error, keywire.ProtocolError)


async def test_undecodable_reply_fails_only_its_command() -> None:
    conn, transport = await mock_connection(
        Config(decode_responses=True), handler=silent_after_handshake()
    )
    bad = conn.send(b"x")
    good = conn.send(b"y")
    transport.feed(b"$2\r\n\xff\xfe\r\n$2\r\nok\r\n")
    with pytest.raises(UnicodeDecodeError):
        await bad
    assert await good == "ok"
    assert conn.is_alive


async def test_read_timeout_drops_the_connection() -> None:
    conn, _transport = await mock_connection(
        Config(read_timeout=0.05), handler=silent_after_handshake()
    )
    first = conn.send(b"x")
    second = conn.send(b"y")
    async with asyncio.timeout(2):
        with pytest.raises(keywire.ReadTimeoutError):
            await first
        with pytest.raises(keywire.ReadTimeoutError):
            await second
    assert not conn.is_alive


async def test_read_timeout_counts_from_the_last_progress() -> None:
    conn, transport = await mock_connection(
        Config(read_timeout=0.15), handler=silent_after_handshake()
    )
    first = conn.send(b"x")
    second = conn.send(b"y")
    await asyncio.sleep(0.1)
    transport.feed(b"+OK\r\n")
    await asyncio.sleep(0.1)  # 0.2 s after the send, 0.1 s after progress: still fine
    transport.feed(b"+OK\r\n")
    assert await first == b"OK"
    assert await second == b"OK"
    assert conn.is_alive


async def test_write_timeout_drops_a_stuck_connection() -> None:
    conn, _transport = await mock_connection(
        Config(write_timeout=0.05), handler=silent_after_handshake()
    )
    fut = conn.send(b"x")
    conn.pause_writing()
    async with asyncio.timeout(2):
        with pytest.raises(keywire.WriteTimeoutError):
            await fut
    assert not conn.is_alive


async def test_resume_writing_cancels_the_write_timer() -> None:
    conn, _transport = await mock_connection(
        Config(write_timeout=0.05), handler=silent_after_handshake()
    )
    conn.pause_writing()
    conn.resume_writing()
    await asyncio.sleep(0.1)
    assert conn.is_alive


async def test_close_fails_pending_with_client_closed() -> None:
    conn, _transport = await mock_connection(handler=silent_after_handshake())
    fut = conn.send(b"x")
    await conn.aclose()
    with pytest.raises(keywire.ClientClosedError):
        await fut
    with pytest.raises(keywire.ClientClosedError):
        conn.send(b"y")
    assert "dead" in repr(conn)


async def test_send_many_keeps_commands_contiguous() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    transport.writes.clear()
    single = conn.send(b"*1\r\n$1\r\na\r\n")
    batch = conn.send_many(b"*1\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n", 2)
    await asyncio.sleep(0)
    assert transport.writes == [b"*1\r\n$1\r\na\r\n*1\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n"]
    transport.feed(b":1\r\n:2\r\n:3\r\n")
    assert [await single, *[await f for f in batch]] == [1, 2, 3]


async def test_connection_is_a_protocol() -> None:
    conn = Connection(Config())
    assert not conn.is_alive
    transport = MockTransport(conn)
    conn.connection_made(transport)
    assert conn.is_alive


async def test_connect_timeout_when_the_peer_never_answers() -> None:
    # A TCP listener that accepts and stays silent: the handshake can never finish.
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        async with asyncio.timeout(2):
            with pytest.raises(keywire.ConnectTimeoutError) as info:
                await open_connection(Config(port=port, connect_timeout=0.1))
        assert info.value.address == f"127.0.0.1:{port}"
        assert isinstance(info.value, TimeoutError)
    finally:
        for writer in accepted:
            writer.close()
        listener.close()
        await listener.wait_closed()


async def test_missing_unix_socket() -> None:
    with pytest.raises(keywire.ConnectionError) as info:
        await open_connection(Config(unix_socket_path="/nonexistent/keywire.sock"))
    assert info.value.address == "unix:/nonexistent/keywire.sock"


async def test_connection_lost_mid_reply() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    fut = conn.send(b"x")
    transport.feed(b"$10\r\nabc")  # part of a reply
    transport.lose(None)
    with pytest.raises(keywire.ConnectionError, match="connection lost"):
        await fut


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.binary(max_size=40), min_size=1, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=8),
    cancelled=st.sets(st.integers(min_value=0, max_value=11)),
)
async def test_fifo_survives_any_chunking_and_cancellation(
    values: list[bytes], cuts: list[int], cancelled: set[int]
) -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    futures = [conn.send(b"x") for _ in values]
    for index in cancelled:
        if index < len(futures):
            futures[index].cancel()
    stream = b"".join(b"$%d\r\n%s\r\n" % (len(v), v) for v in values)
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    for start, end in itertools.pairwise(points):
        transport.feed(stream[start:end])
    assert conn.pending == 0
    for index, (fut, value) in enumerate(zip(futures, values, strict=True)):
        if index in cancelled:
            assert fut.cancelled()
        else:
            assert fut.result() == value
    assert conn.is_alive


# -- send_batch: one future for several replies ----------------------------------------------


async def test_send_batch_collects_replies_in_order_with_errors_in_place() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    transport.writes.clear()
    single = conn.send(b"*1\r\n$1\r\na\r\n")
    batch = conn.send_batch(b"*1\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n*1\r\n$1\r\nd\r\n", 3)
    after = conn.send(b"*1\r\n$1\r\ne\r\n")
    await asyncio.sleep(0)
    assert len(transport.writes) == 1  # the batch leaves in the same write
    assert conn.pending == 5
    transport.feed(b":1\r\n:2\r\n-WRONGTYPE Operation against a key\r")
    assert single.result() == 1
    assert not batch.done()
    assert conn.pending == 3  # two replies of the batch and ``after`` still expected
    transport.feed(b"\n:4\r\n:5\r\n")
    replies = await batch
    assert replies[0] == 2
    assert isinstance(replies[1], keywire.WrongTypeError)
    assert replies[2] == 4
    assert await after == 5
    assert conn.pending == 0
    assert conn.is_alive


async def test_send_batch_needs_a_command() -> None:
    conn, _transport = await mock_connection(handler=silent_after_handshake())
    with pytest.raises(ValueError, match="at least one"):
        conn.send_batch(b"", 0)


async def test_cancelled_batch_replies_are_consumed() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())

    async def run(count: int) -> Any:
        return await conn.send_batch(b"x", count)

    cancelled = asyncio.ensure_future(run(3))
    await asyncio.sleep(0)
    kept = conn.send(b"y")
    transport.feed(b":1\r\n")  # the first reply arrives before the cancellation
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert conn.pending == 3
    transport.feed(b":2\r\n:3\r\n+after\r\n")
    assert await kept == b"after"
    assert conn.pending == 0
    assert conn.is_alive


async def test_push_inside_a_batch_goes_to_the_handlers() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    pushes: list[Push] = []
    conn.add_push_handler(pushes.append)
    batch = conn.send_batch(b"x", 2)
    transport.feed(b"+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+OK\r\n")
    assert await batch == [b"OK", b"OK"]
    assert pushes == [[b"invalidate", [b"k"]]]


async def test_push_handler_closing_the_connection_fails_the_batch() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    conn.add_push_handler(lambda push: conn.close())
    batch = conn.send_batch(b"x", 2)
    transport.feed(b"+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+OK\r\n")
    with pytest.raises(keywire.ClientClosedError):
        await batch
    assert not conn.is_alive


async def test_connection_lost_fails_a_partial_batch() -> None:
    conn, transport = await mock_connection(handler=silent_after_handshake())
    batch = conn.send_batch(b"x", 3)
    later = conn.send(b"y")
    transport.feed(b"+OK\r\n")
    transport.lose(ConnectionResetError("reset"))
    with pytest.raises(keywire.ConnectionError, match="connection lost"):
        await batch
    with pytest.raises(keywire.ConnectionError):
        await later
    with pytest.raises(keywire.ConnectionError):
        conn.send_batch(b"z", 1)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_protocol_error_inside_a_batch(backend: str) -> None:
    conn, transport = await mock_connection(
        handler=silent_after_handshake(), reader_backend=backend
    )
    batch = conn.send_batch(b"x", 3)
    transport.feed(b"+OK\r\n?garbage\r\n")
    with pytest.raises(keywire.ProtocolError):
        await batch
    assert not conn.is_alive


async def test_undecodable_reply_inside_a_batch_is_in_place() -> None:
    conn, transport = await mock_connection(
        Config(decode_responses=True), handler=silent_after_handshake()
    )
    batch = conn.send_batch(b"x", 3)
    transport.feed(b"$2\r\nok\r\n$2\r\n\xff\xfe\r\n$2\r\nok\r\n")
    replies = await batch
    assert replies[0] == replies[2] == "ok"
    assert isinstance(replies[1], UnicodeDecodeError)
    assert conn.is_alive


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=8),
    cancelled=st.sets(st.integers(min_value=0, max_value=7)),
)
async def test_fifo_survives_batches_chunking_and_cancellation(
    sizes: list[int], cuts: list[int], cancelled: set[int]
) -> None:
    # Size 1 is a plain send(); larger sizes are batches; both mixed on one FIFO.
    conn, transport = await mock_connection(handler=silent_after_handshake())
    futures: list[asyncio.Future[Any]] = [
        conn.send(b"x") if size == 1 else conn.send_batch(b"x", size) for size in sizes
    ]
    for index in cancelled:
        if index < len(futures):
            futures[index].cancel()
    expected: list[Any] = []
    counter = itertools.count()
    for size in sizes:
        values = [next(counter) for _ in range(size)]
        expected.append(values[0] if size == 1 else values)
    stream = b"".join(b":%d\r\n" % n for n in range(next(counter)))
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    for start, end in itertools.pairwise(points):
        transport.feed(stream[start:end])
    assert conn.pending == 0
    for index, (fut, value) in enumerate(zip(futures, expected, strict=True)):
        if index in cancelled:
            assert fut.cancelled()
        else:
            assert fut.result() == value
    assert conn.is_alive
