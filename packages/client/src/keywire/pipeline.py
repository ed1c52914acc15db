"""Explicit pipelines and MULTI / EXEC transactions.

``client.pipeline()`` buffers commands (call the usual methods without awaiting them) and sends
them in one write on ``await pipe.execute()``, which returns their results in order. A plain
pipeline runs on the shared connection (its commands stay contiguous on the wire); a
transactional one (``transaction=True``, or after :meth:`Pipeline.watch`) wraps them in
MULTI / EXEC on a dedicated connection.

Each queued call also returns a placeholder that can be awaited after ``execute()`` for that
command's own result::

    async with client.pipeline(transaction=True) as pipe:
        pipe.set("a", 1)
        count = pipe.incr("a")
        await pipe.execute()        # [True, 2]
        assert await count == 2

Optimistic locking (see also :meth:`keywire.Redis.transaction`)::

    async with client.pipeline(transaction=True) as pipe:
        await pipe.watch("balance")
        balance = int(await pipe.get("balance") or 0)   # runs at once: WATCH mode
        pipe.multi()
        pipe.set("balance", balance + 10)
        await pipe.execute()        # WatchError if "balance" changed since WATCH
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from keywire.client import command_name, state_command
from keywire.commands import AnyStr, CommandMixins
from keywire.exceptions import (
    ClientClosedError,
    ExecAbortError,
    RedisError,
    ResponseError,
    WatchError,
    from_reply_error,
)
from keywire_resp import ReplyError, pack_command, pack_commands

if TYPE_CHECKING:
    from types import TracebackType

    from keywire._connection import Connection
    from keywire.client import Redis

__all__ = ["Pipeline", "PipelineResult"]

T = TypeVar("T")
_PENDING: Any = object()


class PipelineResult(Generic[T]):
    """The result of one queued command; await it after the pipeline was executed.

    Awaiting it before ``execute()`` finished raises :class:`~keywire.RedisError`; if the
    command failed, awaiting it raises that command's error.
    """

    # No __init__ (one is made per queued command): an unset slot means "not known yet".
    __slots__ = ("_error", "_value")

    _error: BaseException
    _value: Any

    def _resolve(self, value: Any) -> None:
        if isinstance(value, BaseException):
            self._error = value
        else:
            self._value = value

    @property
    def done(self) -> bool:
        """True once the pipeline has run (the result or error is known)."""
        return hasattr(self, "_value") or hasattr(self, "_error")

    def __await__(self) -> Generator[Any, None, T]:
        yield from ()
        try:
            value: T = self._value
        except AttributeError:
            error: BaseException | None = getattr(self, "_error", None)
            if error is not None:
                raise error from None
            raise RedisError("the pipeline has not been executed yet") from None
        return value

    def __repr__(self) -> str:
        error: BaseException | None = getattr(self, "_error", None)
        if error is not None:
            return f"<PipelineResult error={error!r}>"
        value = getattr(self, "_value", _PENDING)
        if value is _PENDING:
            return "<PipelineResult pending>"
        return f"<PipelineResult {value!r}>"


_Queued = tuple[tuple[Any, ...], Callable[[Any], Any] | None, PipelineResult[Any]]


class QueueingPipeline(CommandMixins[AnyStr]):
    """What the standalone and the cluster pipelines share: the queue, queueing a command (or
    running it at once while watching, before ``multi()``) and the async context, which resets
    the pipeline on exit. Subclasses run the queue (``execute``) and say how a command runs at
    once (``_immediate``) and what ``reset`` releases."""

    _transaction: bool
    _queue: list[_Queued]
    _watching: bool
    _multi: bool

    def __len__(self) -> int:
        return len(self._queue)

    def __repr__(self) -> str:
        kind = "transaction" if self._transaction else "pipeline"
        name = type(self).__name__
        return f"<{name} {kind} queued={len(self._queue)} watching={self._watching}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.reset()

    # -- queueing ------------------------------------------------------------------------------

    def _command(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        if self._watching and not self._multi:
            return self._immediate(callback, args)
        slot: PipelineResult[Any] = PipelineResult()
        self._queue.append((args, callback, slot))
        return slot

    def _blocking(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        # Queued like any command: inside a pipeline the server answers at once.
        return self._command(callback, *args)

    def execute_command(self, *args: Any) -> Awaitable[Any]:
        """Queue any command (or, in WATCH mode before :meth:`multi`, run it at once)."""
        if not args:
            raise ValueError("execute_command needs a command name")
        args = (command_name(args[0]), *args[1:])
        state = state_command(args)
        if state is not None:
            raise RedisError(
                f"{state.decode()} cannot be queued in a pipeline; use watch() / multi() "
                "and transaction=True"
            )
        return self._command(None, *args)

    async def _immediate(self, callback: Callable[[Any], Any] | None, args: tuple[Any, ...]) -> Any:
        """Run one command now, on the watched connection."""
        raise NotImplementedError

    def reset(self) -> None:
        """Drop the queue and release what the pipeline holds."""
        raise NotImplementedError


class Pipeline(QueueingPipeline[AnyStr]):
    """Commands buffered for one round trip (see the module docstring).

    Made by :meth:`keywire.Redis.pipeline`; use it as an async context manager, which resets
    it (and gives back its dedicated connection) on exit.
    """

    def __init__(self, client: Redis[AnyStr], *, transaction: bool) -> None:
        self._client: Redis[AnyStr] = client
        self._transaction = transaction
        self._queue: list[_Queued] = []
        self._conn: Connection | None = None
        self._watching = False
        self._multi = False

    async def _immediate(self, callback: Callable[[Any], Any] | None, args: tuple[Any, ...]) -> Any:
        conn = self._conn
        if conn is None:
            raise RedisError("the pipeline's connection was reset")
        reply = await conn.send(pack_command(*args))
        return reply if callback is None else callback(reply)

    # -- WATCH / MULTI -------------------------------------------------------------------------

    async def _dedicated(self) -> Connection:
        if self._conn is None:
            self._conn = await self._client.connection_pool.acquire()
        return self._conn

    async def watch(self, *keys: Any) -> None:
        """WATCH ``keys`` on this pipeline's dedicated connection.

        Until :meth:`multi` is called, commands on the pipeline run at once (so their results
        can be used to decide what to queue).
        """
        if self._multi:
            raise RedisError("WATCH must be called before multi()")
        if not keys:
            raise ValueError("watch needs at least one key")
        conn = await self._dedicated()
        await conn.send(pack_command(b"WATCH", *keys))
        self._watching = True

    async def unwatch(self) -> None:
        """UNWATCH every watched key."""
        if self._conn is not None and self._watching:
            await self._conn.send(pack_command(b"UNWATCH"))
        self._watching = False

    def multi(self) -> None:
        """Start queueing the transaction's commands (after :meth:`watch`)."""
        if self._multi:
            raise RedisError("multi() was already called")
        if self._queue:
            raise RedisError("multi() must come before any queued command")
        self._multi = True
        self._transaction = True

    def reset(self) -> None:
        """Drop queued commands, forget WATCH state and give back the dedicated connection."""
        self._queue = []
        conn, self._conn = self._conn, None
        if conn is not None:
            pool = self._client.connection_pool
            if self._watching:
                pool.discard(conn)  # cheaper and safer than an UNWATCH round trip here
            else:
                pool.release(conn)
        self._watching = False
        self._multi = False

    # -- running -------------------------------------------------------------------------------

    async def execute(self, *, raise_on_error: bool = True) -> list[Any]:
        """Send the queued commands and return their results in order.

        Args:
            raise_on_error: Raise the first error reply (after every result was read). With
                False, errors are returned in place as :class:`~keywire.ResponseError`
                instances.

        Raises:
            ResponseError: A command failed (``raise_on_error=True``).
            WatchError: A watched key changed; the transaction did not run.
            ConnectionError: The connection was lost (nothing is retried).
        """
        queue, self._queue = self._queue, []
        try:
            if self._transaction or self._watching:
                if not queue and not self._watching:
                    return []
                return await self._run_transaction(queue, raise_on_error)
            if not queue:
                return []
            return await self._run_pipeline(queue, raise_on_error)
        finally:
            self.reset()

    async def _run_pipeline(self, queue: list[_Queued], raise_on_error: bool) -> list[Any]:
        client = self._client
        if client._cache is not None:
            for args, _, _ in queue:
                client._invalidate_written(args)
        data = pack_lines([args for args, _, _ in queue])
        pool = client.connection_pool
        conn = pool.shared
        if conn is None or conn._error is not None:
            conn = await pool.get_shared()
        # One future for the whole pipeline: it resolves to every reply in order, error
        # replies in place. If this task is cancelled, the connection still consumes (and
        # drops) the pipeline's replies, so the shared FIFO stays in step.
        replies = await conn.send_batch(data, len(queue))
        return _finish(queue, replies, raise_on_error)

    async def _run_transaction(self, queue: list[_Queued], raise_on_error: bool) -> list[Any]:
        client = self._client
        for args, _, _ in queue:
            client._invalidate_written(args)
        conn = await self._dedicated()
        data = pack_commands([(b"MULTI",), *(args for args, _, _ in queue), (b"EXEC",)])
        futures = conn.send_many(data, len(queue) + 2)
        await _wait_last(futures)
        queue_errors: list[ResponseError] = []
        for fut in futures[:-1]:
            error = fut.exception()
            if error is None:
                continue
            if not isinstance(error, ResponseError):
                _retrieve_all(futures)
                raise error
            queue_errors.append(error)
        exec_fut = futures[-1]
        self._watching = False  # EXEC (or its failure) ends WATCH on the server
        replies = exec_replies(conn, exec_fut, queue_errors, queue)
        return _finish(queue, replies, raise_on_error)


async def _wait_last(futures: list[asyncio.Future[Any]]) -> None:
    """Wait until every reply arrived (replies come in order: the last one is enough)."""
    try:
        await asyncio.wait(futures[-1:])
    except asyncio.CancelledError:
        for fut in futures:
            fut.cancel()
        raise
    if not futures[-1].done():  # pragma: no cover - wait() returns when done
        raise ClientClosedError("pipeline interrupted")


def _retrieve_all(futures: list[asyncio.Future[Any]]) -> None:
    for fut in futures:
        if fut.done() and not fut.cancelled():
            fut.exception()


_PACK_2 = b"*2\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n"
_PACK_3 = b"*3\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n"


def pack_lines(commands: Iterable[tuple[Any, ...]]) -> bytes:
    """Encode command lines in one pass; the same bytes as ``pack_commands`` (used by the
    standalone and the cluster pipelines).

    Commands of two or three ``bytes`` / ``str`` / ``int`` arguments (GET, SET, INCR, ...) are
    formatted in one step; the others argument by argument, where anything but ``bytes``,
    ``str`` and ``int`` goes through :func:`keywire_resp.pack_command` (which also raises
    its errors).
    """
    parts: list[bytes] = []
    append = parts.append
    for args in commands:
        size = len(args)
        if size == 3:
            name, key, value = args
            if type(key) is str:
                key = key.encode()
            kind = type(value)
            if kind is str:
                value = value.encode()
            elif kind is int:
                value = b"%d" % value
            if type(name) is bytes and type(key) is bytes and type(value) is bytes:
                append(_PACK_3 % (len(name), name, len(key), key, len(value), value))
                continue
        elif size == 2:
            name, key = args
            kind = type(key)
            if kind is str:
                key = key.encode()
            elif kind is int:
                key = b"%d" % key
            if type(name) is bytes and type(key) is bytes:
                append(_PACK_2 % (len(name), name, len(key), key))
                continue
        append(b"*%d\r\n" % size)
        for arg in args:
            kind = type(arg)
            if kind is bytes:
                data = arg
            elif kind is str:
                data = arg.encode()
            elif kind is int:
                data = b"%d" % arg
            else:
                try:
                    append(pack_command(arg)[4:])  # without its b"*1\r\n" header
                except (TypeError, ValueError):
                    pack_command(*args)  # raises the error naming the argument's position
                    raise
                continue
            append(b"$%d\r\n%b\r\n" % (len(data), data))
    return b"".join(parts)


def exec_replies(
    conn: Connection,
    exec_fut: asyncio.Future[Any],
    queue_errors: list[ResponseError],
    queue: list[_Queued],
) -> list[Any]:
    """The replies of a transaction's EXEC (done), error replies in place as exceptions.

    Raises:
        ExecAbortError: The server refused EXEC (chained to the first queueing error).
        WatchError: A watched key changed (every queued result gets the error too).
        RedisError: EXEC answered a different number of replies (``conn`` is closed: the
            stream can no longer be trusted).
    """
    exec_error = exec_fut.exception()
    if exec_error is not None:
        if isinstance(exec_error, ExecAbortError) and queue_errors:
            raise exec_error from queue_errors[0]
        raise exec_error
    results = exec_fut.result()
    if results is None:
        for _, _, slot in queue:
            slot._resolve(WatchError("a watched key changed"))
        raise WatchError("the transaction was aborted: a watched key changed")
    if len(results) != len(queue):
        conn.close()
        raise RedisError(f"EXEC returned {len(results)} results for {len(queue)} commands")
    return [from_reply_error(r) if isinstance(r, ReplyError) else r for r in results]


def _finish(queue: list[_Queued], replies: list[Any], raise_on_error: bool) -> list[Any]:
    """Apply each command's callback, fill the placeholders; error replies stay in place."""
    results: list[Any] = []
    append = results.append
    first_error: ResponseError | None = None
    for (_, callback, slot), reply in zip(queue, replies, strict=True):
        if isinstance(reply, BaseException):
            if not isinstance(reply, ResponseError):
                raise reply  # e.g. an undecodable reply: not a command's error
            if first_error is None:
                first_error = reply
            slot._error = value = reply
        else:
            value = reply if callback is None else callback(reply)
            slot._value = value
        append(value)
    if raise_on_error and first_error is not None:
        raise first_error
    return results
