"""One connection to a server, built on asyncio's low-level ``Protocol`` / ``Transport``.

A :class:`Connection` multiplexes the requests of many tasks:

* ``send`` packs nothing and awaits nothing: it appends the encoded command to a write buffer
  and a future to the FIFO of pending replies, and schedules one flush per event-loop tick
  (``loop.call_soon``), so every command written in the same tick leaves in one
  ``transport.write`` (auto-pipelining).
* ``data_received`` feeds the reader and resolves futures in order. RESP3 pushes are handed to
  the push handlers and never matched to a future. A future whose task was cancelled is still
  popped when its reply arrives (the reply is discarded), so the FIFO never shifts.
* ``send_batch`` (explicit pipelines) queues N commands behind one FIFO entry and one future,
  which resolves to the list of their N replies (error replies in place); the replies are
  collected in one tight loop of the dispatch instead of resolving a future per command.
* Timeouts are per phase: ``connect`` (TCP / TLS / Unix connect plus handshake) in
  :func:`open_connection`; ``read`` by one watchdog timer per connection (not one per command)
  that fires when replies are awaited and no byte arrived for ``read_timeout`` seconds;
  ``write`` when the transport stayed paused (its buffer full) for ``write_timeout`` seconds.
  A read or write timeout drops the connection: its position in the reply stream is no longer
  trustworthy.
* When the connection is lost, or the server sends bytes that are not RESP, every pending
  future fails (:class:`~keywire.ConnectionError` with the address, or
  :class:`~keywire.ProtocolError`) and the connection is dead for good; the pool replaces it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, final

from keywire.exceptions import (
    AuthenticationError,
    ClientClosedError,
    ConnectionError,
    ConnectTimeoutError,
    ProtocolError,
    ReadTimeoutError,
    RedisError,
    ReplyTooLargeError,
    ResponseError,
    WriteTimeoutError,
    from_reply_error,
)
from keywire_resp import (
    NEED_DATA,
    Limits,
    Push,
    ReplyError,
    create_reader,
    pack_command,
)
from keywire_resp import ProtocolError as RespProtocolError

if TYPE_CHECKING:
    from keywire._config import Config

__all__ = ["Connection", "PushHandler", "open_connection"]

PushHandler = Callable[[Push], object]
"""A callable that receives each RESP3 push message of a connection, in stream order."""

_AUTH_CODES: Final = frozenset({"WRONGPASS", "NOAUTH", "NOPERM"})
# Words in protocol-error messages of keywire_resp that mean "a Limits bound was exceeded".
_LIMIT_WORDS: Final = ("limit", "max_", "exceeds", "too large", "too long", "too deep")


def _is_limit_error(exc: RespProtocolError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in _LIMIT_WORDS)


@final
class _Batch:
    """``count`` replies collected into one list, for one future (see ``send_batch``)."""

    __slots__ = ("count", "future", "replies")

    def __init__(self, future: asyncio.Future[list[Any]], count: int) -> None:
        self.future = future
        self.count = count
        self.replies: list[Any] = []


class Connection(asyncio.Protocol):
    """A RESP connection shared by many tasks (see the module docstring).

    Built by :func:`open_connection`; not constructed directly by users.

    Attributes:
        address: ``host:port`` or ``unix:/path`` (for messages).
        protocol: The RESP version agreed in the handshake (2 or 3).
        client_id: The server's id for this connection (``CLIENT ID``), when known.
        server: The server's HELLO reply (a dict), or ``{}`` after a RESP2 handshake.
        read_timeout: The current read timeout (a dedicated connection running a blocking
            command sets it to ``None`` for that command).
    """

    def __init__(
        self,
        config: Config,
        *,
        limits: Limits | None = None,
        reader_backend: str = "auto",
    ) -> None:
        self._config = config
        self.address = config.address
        self._loop = asyncio.get_running_loop()
        self._reader = create_reader(
            backend=reader_backend,  # type: ignore[arg-type]
            limits=limits,
            encoding=config.encoding if config.decode_responses else None,
        )
        self._transport: asyncio.Transport | None = None
        # The FIFO of expected replies: a future per reply, or a _Batch for several.
        self._pending: collections.deque[asyncio.Future[Any] | _Batch] = collections.deque()
        self._wbuf: list[bytes] = []
        self._flush_scheduled = False
        self._push_handlers: list[PushHandler] = []
        # Replies to fill a cache with, run in dispatch order (see add_reply_hook).
        self._hooks: dict[asyncio.Future[Any], Callable[[Any], object]] = {}
        self._error: RedisError | None = None
        self._closed_waiter: asyncio.Future[None] = self._loop.create_future()
        self.read_timeout: float | None = config.read_timeout
        self._watchdog: asyncio.TimerHandle | None = None
        self._last_progress = 0.0
        self._write_timer: asyncio.TimerHandle | None = None
        self.protocol = 2
        self.client_id: int | None = None
        self.server: dict[Any, Any] = {}

    # -- state ---------------------------------------------------------------------------------

    @property
    def is_alive(self) -> bool:
        """True while the connection can carry commands."""
        return self._error is None and self._transport is not None

    @property
    def error(self) -> RedisError | None:
        """Why the connection is dead (``None`` while it is alive)."""
        return self._error

    @property
    def pending(self) -> int:
        """How many replies are still expected (including those of cancelled commands)."""
        return sum(
            entry.count - len(entry.replies) if type(entry) is _Batch else 1
            for entry in self._pending
        )

    def add_push_handler(self, handler: PushHandler) -> None:
        """Call ``handler(push)`` for every RESP3 push message, in stream order.

        Handlers run inside the reply dispatch, synchronously, so a push is handled before any
        reply that follows it reaches its awaiting task. A handler that raises is removed from
        nothing and does not break the connection: its exception is reported to the loop's
        exception handler.
        """
        self._push_handlers.append(handler)

    def remove_push_handler(self, handler: PushHandler) -> None:
        """Stop calling ``handler`` (no error if it was not registered)."""
        with contextlib.suppress(ValueError):
            self._push_handlers.remove(handler)

    # -- sending -------------------------------------------------------------------------------

    def send(self, data: bytes) -> asyncio.Future[Any]:
        """Queue one encoded command; return the future of its reply.

        The future's result is the reply; an error reply becomes the future's exception (a
        :class:`~keywire.ResponseError`).

        Raises:
            ConnectionError: The connection is dead (``error`` tells why).
        """
        if self._error is not None:
            raise self._copy_error()
        fut = self._loop.create_future()
        if not self._pending and self.read_timeout is not None:
            self._arm_watchdog()
        self._pending.append(fut)
        self._wbuf.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        return fut

    def send_many(self, data: bytes, count: int) -> list[asyncio.Future[Any]]:
        """Queue ``count`` encoded commands given as one buffer; return their futures in order."""
        if self._error is not None:
            raise self._copy_error()
        if not self._pending and self.read_timeout is not None:
            self._arm_watchdog()
        create = self._loop.create_future
        futures = [create() for _ in range(count)]
        self._pending.extend(futures)
        self._wbuf.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        return futures

    def send_batch(self, data: bytes, count: int) -> asyncio.Future[list[Any]]:
        """Queue ``count`` (> 0) encoded commands given as one buffer; return one future.

        The future resolves, once all ``count`` replies arrived, to the list of them in order.
        An error reply is put in place as its exception instance (a
        :class:`~keywire.ResponseError`, or the ``UnicodeDecodeError`` of an undecodable reply)
        instead of failing the future; the future fails only when the connection does. If it
        is cancelled, the replies are still consumed (and dropped).

        Raises:
            ConnectionError: The connection is dead (``error`` tells why).
        """
        if count <= 0:
            raise ValueError("send_batch needs at least one command")
        if self._error is not None:
            raise self._copy_error()
        if not self._pending and self.read_timeout is not None:
            self._arm_watchdog()
        fut: asyncio.Future[list[Any]] = self._loop.create_future()
        self._pending.append(_Batch(fut, count))
        self._wbuf.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        return fut

    def add_reply_hook(self, fut: asyncio.Future[Any], hook: Callable[[Any], object]) -> None:
        """Run ``hook(reply)`` when the reply of ``fut`` is dispatched, before any later push.

        The hook runs inside ``data_received`` in stream order (also when the awaiting task was
        cancelled), which lets a client-side cache store a reply before an invalidation that
        followed it on the wire is handled. Error replies do not run the hook.
        """
        self._hooks[fut] = hook

    def _flush(self) -> None:
        self._flush_scheduled = False
        transport = self._transport
        buffer = self._wbuf
        if not buffer or transport is None or self._error is not None:
            return
        self._wbuf = []
        transport.write(buffer[0] if len(buffer) == 1 else b"".join(buffer))

    async def execute(self, *args: Any) -> Any:
        """Send one command and return its reply (error replies raise ResponseError)."""
        return await self.send(pack_command(*args))

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        # asyncio already sets TCP_NODELAY on TCP transports.
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        reader = self._reader
        pending = self._pending
        try:
            reader.feed(data)
        except RespProtocolError as exc:
            self._protocol_failure(exc)
            return
        while True:
            try:
                reply = reader.gets()
            except RespProtocolError as exc:
                self._protocol_failure(exc)
                return
            except UnicodeDecodeError as exc:
                # decode_responses: the reply was consumed, the stream is still in sync; the
                # command that asked for it gets the decoding error.
                reply = exc
            if reply is NEED_DATA:
                break
            if type(reply) is Push:
                self._dispatch_push(reply)
                continue
            try:
                fut = pending.popleft()
            except IndexError:
                self._fail(ProtocolError(f"unexpected reply from {self.address}: {reply!r:.80}"))
                return
            if type(fut) is _Batch:
                if not self._fill_batch(fut, reply):
                    break
                if self._error is not None:
                    return
                continue
            if self._hooks:
                hook = self._hooks.pop(fut, None)
                if hook is not None and not isinstance(reply, Exception):
                    self._run_hook(hook, reply)
            if fut.done():  # its task was cancelled: the reply is consumed and dropped
                continue
            if isinstance(reply, Exception):
                fut.set_exception(
                    from_reply_error(reply) if isinstance(reply, ReplyError) else reply
                )
            else:
                fut.set_result(reply)
        if self._watchdog is not None:
            self._last_progress = self._loop.time()

    def _fill_batch(self, batch: _Batch, reply: Any) -> bool:
        """Collect ``reply`` and every further buffered reply of ``batch`` (just popped).

        Returns True when the batch is complete (or the connection failed: ``_error`` is set),
        False when the reader needs more data (the batch is back at the head of the FIFO).
        """
        reader = self._reader
        replies = batch.replies
        append = replies.append
        count = batch.count
        while True:
            if type(reply) is Push:
                self._dispatch_push(reply)
                if self._error is not None:  # a handler closed the connection
                    fut = batch.future
                    if not fut.done():
                        fut.set_exception(self._copy_error())
                    return True
            else:
                if isinstance(reply, ReplyError):
                    reply = from_reply_error(reply)
                append(reply)
                if len(replies) >= count:
                    fut = batch.future
                    if not fut.done():  # else cancelled: the replies are consumed and dropped
                        fut.set_result(replies)
                    return True
            try:
                reply = reader.gets()
            except RespProtocolError as exc:
                self._pending.appendleft(batch)
                self._protocol_failure(exc)
                return True
            except UnicodeDecodeError as exc:
                reply = exc  # consumed, the stream is in sync: returned in place
            if reply is NEED_DATA:
                self._pending.appendleft(batch)
                return False

    def _protocol_failure(self, exc: RespProtocolError) -> None:
        error: ProtocolError = (
            ReplyTooLargeError(f"reply from {self.address} exceeds the reader limits: {exc}")
            if _is_limit_error(exc)
            else ProtocolError(f"invalid RESP from {self.address}: {exc}")
        )
        error.__cause__ = exc
        self._fail(error)

    def _dispatch_push(self, push: Push) -> None:
        for handler in tuple(self._push_handlers):
            try:
                handler(push)
            except Exception as exc:  # a broken handler must not break the connection
                self._loop.call_exception_handler(
                    {"message": "keywire push handler failed", "exception": exc, "protocol": self}
                )

    def _run_hook(self, hook: Callable[[Any], object], reply: Any) -> None:
        try:
            hook(reply)
        except Exception as exc:
            self._loop.call_exception_handler(
                {"message": "keywire reply hook failed", "exception": exc, "protocol": self}
            )

    def eof_received(self) -> bool | None:
        return None  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        if self._error is None:
            error = ConnectionError("connection lost", address=self.address)
            error.__cause__ = exc
            self._error = error
        self._transport = None
        self._cancel_timers()
        self._fail_pending()
        if not self._closed_waiter.done():
            self._closed_waiter.set_result(None)

    def pause_writing(self) -> None:
        timeout = self._config.write_timeout
        if timeout is not None and self._write_timer is None:
            self._write_timer = self._loop.call_later(timeout, self._write_timed_out)

    def resume_writing(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    # -- failure -------------------------------------------------------------------------------

    def _copy_error(self) -> RedisError:
        error = self._error
        assert error is not None
        copy: RedisError
        if isinstance(error, ClientClosedError):
            copy = ClientClosedError(*error.args)
        else:
            copy = ConnectionError(f"connection is dead: {error}")
            copy.address = self.address
        copy.__cause__ = error
        return copy

    def _fail(self, error: RedisError) -> None:
        """Mark the connection dead with ``error``, fail every pending future, close it."""
        if self._error is None:
            self._error = error
        self._cancel_timers()
        self._fail_pending()
        transport = self._transport
        if transport is not None:
            transport.abort()

    def _fail_pending(self) -> None:
        error = self._error
        assert error is not None
        pending = self._pending
        self._pending = collections.deque()
        self._hooks.clear()
        self._wbuf = []
        first = True
        for entry in pending:
            fut = entry.future if type(entry) is _Batch else entry
            if fut.done():
                continue
            if first:
                fut.set_exception(error)
                first = False
            else:
                # One instance per task: tracebacks must not pile up on a shared object.
                fut.set_exception(_clone(error))

    def _cancel_timers(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _arm_watchdog(self) -> None:
        self._last_progress = self._loop.time()
        if self._watchdog is None and self.read_timeout is not None:
            self._watchdog = self._loop.call_at(
                self._last_progress + self.read_timeout, self._check_read_timeout
            )

    def _check_read_timeout(self) -> None:
        self._watchdog = None
        timeout = self.read_timeout
        if not self._pending or timeout is None or self._error is not None:
            return
        deadline = self._last_progress + timeout
        if self._loop.time() >= deadline:
            self._fail(
                ReadTimeoutError(
                    f"no reply within {timeout:g}s (read timeout)", address=self.address
                )
            )
        else:
            self._watchdog = self._loop.call_at(deadline, self._check_read_timeout)

    def _write_timed_out(self) -> None:
        self._write_timer = None
        timeout = self._config.write_timeout
        self._fail(
            WriteTimeoutError(
                f"could not write for {timeout:g}s (write timeout)", address=self.address
            )
        )

    def close(self, error: RedisError | None = None) -> None:
        """Close at once; pending commands fail with ``error`` (default: ClientClosedError)."""
        self._fail(error or ClientClosedError(f"connection to {self.address} was closed"))

    async def aclose(self) -> None:
        """Close and wait (briefly) until the transport is gone."""
        self.close()
        if self._transport is not None or not self._closed_waiter.done():
            try:
                async with asyncio.timeout(1.0):
                    await asyncio.shield(self._closed_waiter)
            except TimeoutError:  # pragma: no cover - abort() always completes quickly
                pass

    def __repr__(self) -> str:
        state = "alive" if self.is_alive else "dead"
        return f"<Connection {self.address} RESP{self.protocol} {state} pending={self.pending}>"

    # -- handshake -----------------------------------------------------------------------------

    async def handshake(self) -> None:
        """HELLO (RESP3, falling back to RESP2), AUTH, SETNAME and SELECT per the config.

        Raises:
            AuthenticationError: The credentials were refused, or the server needs some.
            ConnectionError: Any other failure of the handshake.
        """
        config = self._config
        password = config.password
        auth: tuple[Any, ...] = ()
        if password is not None:
            auth = (b"AUTH", config.username or "default", password)
        try:
            hello_ok = False
            if config.protocol == 3:
                hello = [b"HELLO", 3, *auth]
                if config.client_name:
                    hello += [b"SETNAME", config.client_name]
                try:
                    reply = await self.execute(*hello)
                except ResponseError as exc:
                    if not _is_unknown_command(exc):
                        raise
                else:
                    hello_ok = True
                    self._take_hello(reply)
            if not hello_ok:
                if password is not None:
                    if config.username:
                        await self.execute(b"AUTH", config.username, password)
                    else:
                        await self.execute(b"AUTH", password)
                if config.client_name:
                    await self.execute(b"CLIENT", b"SETNAME", config.client_name)
            if config.db:
                await self.execute(b"SELECT", config.db)
        except ResponseError as exc:
            if exc.code in _AUTH_CODES or "password" in exc.message.lower():
                raise AuthenticationError(
                    f"authentication failed: {exc.message}", address=self.address
                ) from None
            raise ConnectionError(
                f"connection handshake failed: {exc.message}", address=self.address
            ) from exc

    def _take_hello(self, reply: Any) -> None:
        if isinstance(reply, list):  # a RESP2 map arrives flat
            reply = dict(zip(reply[::2], reply[1::2], strict=True))
        if not isinstance(reply, dict):
            return
        info = {(k.decode() if isinstance(k, bytes) else k): v for k, v in reply.items()}
        self.server = info
        proto = info.get("proto")
        if isinstance(proto, int):
            self.protocol = proto
        client_id = info.get("id")
        if isinstance(client_id, int):
            self.client_id = client_id


def _is_unknown_command(exc: ResponseError) -> bool:
    # Redis < 6: "ERR unknown command 'HELLO'"; a server without RESP3: "NOPROTO ...".
    message = exc.message.lower()
    return exc.code == "NOPROTO" or "unknown command" in message


def _clone(error: RedisError) -> RedisError:
    cls = type(error)
    clone = cls.__new__(cls)
    clone.args = error.args
    clone.__dict__.update(error.__dict__)
    clone.__cause__ = error.__cause__
    return clone


async def open_connection(
    config: Config,
    *,
    limits: Limits | None = None,
    reader_backend: str = "auto",
) -> Connection:
    """Connect to the server of ``config`` and run the handshake, within ``connect_timeout``.

    Raises:
        ConnectTimeoutError: Connect plus handshake took longer than ``connect_timeout``.
        AuthenticationError: The server refused the credentials.
        ConnectionError: The server could not be reached (the message names the address and
            the operating system's reason), or the handshake failed.
    """
    loop = asyncio.get_running_loop()
    address = config.address

    def factory() -> Connection:
        return Connection(config, limits=limits, reader_backend=reader_backend)

    connection: Connection | None = None
    try:
        async with asyncio.timeout(config.connect_timeout):
            if config.unix_socket_path is not None:
                _, connection = await loop.create_unix_connection(factory, config.unix_socket_path)
            else:
                ssl_context = config.ssl_context()
                _, connection = await loop.create_connection(
                    factory,
                    config.host,
                    config.port,
                    ssl=ssl_context,
                    server_hostname=config.host if ssl_context is not None else None,
                )
            await connection.handshake()
    except TimeoutError:
        if connection is not None:
            connection.close()
        raise ConnectTimeoutError(
            f"could not connect within {config.connect_timeout:g}s (connect timeout)",
            address=address,
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConnectionError(f"cannot connect: {reason}", address=address) from exc
    except BaseException:
        if connection is not None:
            connection.close()
        raise
    return connection
