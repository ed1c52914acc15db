"""``keywire.PubSub``: channel, pattern and shard-channel subscriptions.

::

    async with client.pubsub() as pubsub:
        await pubsub.subscribe("news")           # returns once the server confirmed it
        await pubsub.psubscribe("news.*")
        await client.publish("news", "hello")
        async for message in pubsub.listen():    # or: await pubsub.get_message(timeout=1.0)
            if message.type == "message":
                print(message.channel, message.data)
                break

How it works:

* A :class:`PubSub` takes a dedicated connection from the client's pool on its first
  subscription and keeps it until :meth:`PubSub.aclose`, which **closes** it: a connection
  that was subscribed never goes back to the pool (on RESP2 it is in subscribe mode).
* Subscription commands run one at a time; each awaits its confirmations (one per channel or
  pattern), so a refused command raises its :class:`~keywire.ResponseError` (for example
  SSUBSCRIBE before Redis 7.0) and the subscription state stays as before. The confirmations
  are also delivered as messages of type ``"subscribe"``, ``"unsubscribe"``, ... (skip them
  with ``ignore_subscribe_messages=True``).
* RESP3 delivers messages as push data (routed with ``Connection.add_push_handler``); RESP2
  delivers them as plain replies. Both become the same :class:`PubSubMessage`. Messages are
  read as they arrive and buffered in memory until taken with :meth:`PubSub.get_message` or
  :meth:`PubSub.listen`.
* **Reconnects.** If the connection drops (server restart, ``CLIENT KILL``, network), the next
  :meth:`~PubSub.get_message` (or subscription call) opens a new one and subscribes again to
  every channel, pattern and shard channel, which arrive as fresh ``"subscribe"``
  confirmations; :attr:`PubSub.reconnects` counts these. Messages published while
  disconnected are lost (pub/sub is at most once). After ``max_reconnect_attempts``
  consecutive failures (with the pool's jittered backoff between them) the call raises
  :class:`~keywire.ConnectionError`; a later call tries again.

With ``decode_responses=True`` channel names and payloads are ``str``; channel names must then
be decodable with the client's encoding.
"""

from __future__ import annotations

import asyncio
import collections
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, get_args

from keywire._pool import backoff_delay
from keywire.commands import AnyStr
from keywire.exceptions import (
    ClientClosedError,
    ConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    RedisError,
    ResponseError,
)
from keywire_resp import pack_command

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from types import TracebackType

    from keywire._connection import Connection
    from keywire.client import Redis
    from keywire.commands import KeyT

__all__ = ["MessageType", "PubSub", "PubSubMessage"]

MessageType = Literal[
    "message",
    "pmessage",
    "smessage",
    "subscribe",
    "unsubscribe",
    "psubscribe",
    "punsubscribe",
    "ssubscribe",
    "sunsubscribe",
]

_TYPES: Final[dict[str, MessageType]] = {name: name for name in get_args(MessageType)}
_CONFIRMATIONS: Final = frozenset(name for name in _TYPES if not name.endswith("message"))

# Reply slots kept queued on the connection (see PubSub._arm). One is consumed and replaced
# in the same dispatch step by every reply; an error reply (a refused command, an undecodable
# message) consumes one that is replaced a loop iteration later, so the headroom absorbs
# several errors arriving in one read.
_SLOTS: Final = 8


@dataclass(frozen=True, slots=True)
class PubSubMessage(Generic[AnyStr]):
    """One message (or subscription confirmation) received by a :class:`PubSub`.

    Attributes:
        type: ``"message"``, ``"pmessage"`` (matched a pattern), ``"smessage"`` (shard
            channel), or a confirmation: ``"subscribe"``, ``"unsubscribe"``, ``"psubscribe"``,
            ``"punsubscribe"``, ``"ssubscribe"``, ``"sunsubscribe"``.
        channel: The channel; for confirmations the channel or pattern named by the server
            (None when UNSUBSCRIBE / PUNSUBSCRIBE had nothing to remove).
        pattern: The matching pattern of a ``"pmessage"``, else None.
        data: The payload of a message; for a confirmation, the number of subscriptions the
            connection has after it (shard subscriptions are counted apart).
    """

    type: MessageType
    channel: AnyStr | None
    pattern: AnyStr | None
    data: AnyStr | int


def parse_message(reply: Any) -> PubSubMessage[Any] | None:
    """A RESP2 reply or RESP3 push -> :class:`PubSubMessage`, or None if it is not one."""
    if not isinstance(reply, list) or len(reply) < 3:
        return None
    kind = reply[0]
    if isinstance(kind, bytes):
        kind = kind.decode("ascii", "replace")
    message_type = _TYPES.get(kind) if isinstance(kind, str) else None
    if message_type is None:
        return None
    if message_type == "pmessage":
        if len(reply) != 4:
            return None
        return PubSubMessage(message_type, reply[2], reply[1], reply[3])
    return PubSubMessage(message_type, reply[1], None, reply[2])


_Buffered = PubSubMessage[Any] | BaseException


@dataclass(frozen=True)
class _Kind:
    subscribe: bytes
    unsubscribe: bytes
    confirm: str
    unconfirm: str


_CHANNELS: Final = _Kind(b"SUBSCRIBE", b"UNSUBSCRIBE", "subscribe", "unsubscribe")
_PATTERNS: Final = _Kind(b"PSUBSCRIBE", b"PUNSUBSCRIBE", "psubscribe", "punsubscribe")
_SHARDS: Final = _Kind(b"SSUBSCRIBE", b"SUNSUBSCRIBE", "ssubscribe", "sunsubscribe")
_KINDS: Final = (_CHANNELS, _PATTERNS, _SHARDS)


@dataclass(slots=True)
class _Expected:
    """The confirmations the subscription command in flight still waits for."""

    confirm: str
    remaining: int
    waiter: asyncio.Future[None]


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class PubSub(Generic[AnyStr]):
    """Subscriptions of one client on a dedicated connection (see the module docstring).

    Made by :meth:`keywire.Redis.pubsub`; use it as ``async with client.pubsub() as p:`` or
    call :meth:`aclose` when done.

    Args:
        client: The client whose pool provides the connection.
        ignore_subscribe_messages: Default of :meth:`get_message`'s option of that name.
        max_reconnect_attempts: Consecutive failed attempts to reconnect and resubscribe
            before a call raises :class:`~keywire.ConnectionError`.
    """

    def __init__(
        self,
        client: Redis[AnyStr],
        *,
        ignore_subscribe_messages: bool = False,
        max_reconnect_attempts: int = 3,
    ) -> None:
        if max_reconnect_attempts < 1:
            raise ValueError("max_reconnect_attempts must be at least 1")
        self._client: Redis[AnyStr] = client
        self._ignore_subscribe_messages = ignore_subscribe_messages
        self._max_attempts = max_reconnect_attempts
        self._wanted: dict[_Kind, dict[bytes, None]] = {kind: {} for kind in _KINDS}
        self._conn: Connection | None = None
        self._push_handler: Any = None
        self._buffer: collections.deque[_Buffered] = collections.deque()
        self._wakeup = asyncio.Event()
        self._lock = asyncio.Lock()
        self._expected: _Expected | None = None
        self._connected_once = False
        self._closed = False
        self.reconnects = 0
        """How many times a dropped connection was replaced (and everything resubscribed)."""

    def __repr__(self) -> str:
        counts = ", ".join(f"{kind.confirm}={len(self._wanted[kind])}" for kind in _KINDS)
        state = "closed" if self._closed else "open"
        return f"<PubSub {state} {counts}>"

    async def __aenter__(self) -> PubSub[AnyStr]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- state ---------------------------------------------------------------------------------

    @property
    def subscribed(self) -> bool:
        """True while at least one channel, pattern or shard channel is subscribed."""
        return any(self._wanted.values())

    @property
    def channels(self) -> frozenset[AnyStr]:
        """The subscribed channels."""
        return self._names_out(_CHANNELS)

    @property
    def patterns(self) -> frozenset[AnyStr]:
        """The subscribed patterns."""
        return self._names_out(_PATTERNS)

    @property
    def shard_channels(self) -> frozenset[AnyStr]:
        """The subscribed shard channels."""
        return self._names_out(_SHARDS)

    @property
    def connection(self) -> Connection | None:
        """The dedicated connection, while there is one."""
        return self._conn

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` was called."""
        return self._closed

    def _names_out(self, kind: _Kind) -> frozenset[Any]:
        config = self._client.config
        if not config.decode_responses:
            return frozenset(self._wanted[kind])
        return frozenset(name.decode(config.encoding) for name in self._wanted[kind])

    def _names_in(self, names: tuple[KeyT, ...]) -> list[bytes]:
        config = self._client.config
        unique: dict[bytes, None] = {}
        for name in names:
            if isinstance(name, str):
                data = name.encode()
            elif isinstance(name, bytes | bytearray | memoryview):
                data = bytes(name)
            else:
                raise TypeError(f"a channel must be str or bytes, not {type(name).__name__}")
            if config.decode_responses:
                try:
                    data.decode(config.encoding)
                except UnicodeDecodeError:
                    raise ValueError(
                        f"channel {data!r} is not valid {config.encoding} text, which "
                        "decode_responses=True needs"
                    ) from None
            unique[data] = None
        return list(unique)

    # -- subscribing ---------------------------------------------------------------------------

    async def subscribe(self, *channels: KeyT) -> None:
        """SUBSCRIBE to ``channels``; returns when the server confirmed every one.

        Raises:
            ResponseError: The server refused the command (nothing changed).
            ConnectionError: No connection could be (re)established.
        """
        await self._change(_CHANNELS, channels, subscribe=True)

    async def unsubscribe(self, *channels: KeyT) -> None:
        """UNSUBSCRIBE from ``channels`` (from every channel when none are given)."""
        await self._change(_CHANNELS, channels, subscribe=False)

    async def psubscribe(self, *patterns: KeyT) -> None:
        """PSUBSCRIBE to glob-style ``patterns`` (``news.*``); see :meth:`subscribe`."""
        await self._change(_PATTERNS, patterns, subscribe=True)

    async def punsubscribe(self, *patterns: KeyT) -> None:
        """PUNSUBSCRIBE from ``patterns`` (from every pattern when none are given)."""
        await self._change(_PATTERNS, patterns, subscribe=False)

    async def ssubscribe(self, *shard_channels: KeyT) -> None:
        """SSUBSCRIBE to shard channels (Redis 7.0+); see :meth:`subscribe`."""
        await self._change(_SHARDS, shard_channels, subscribe=True)

    async def sunsubscribe(self, *shard_channels: KeyT) -> None:
        """SUNSUBSCRIBE from shard channels (from all when none are given; Redis 7.0+)."""
        await self._change(_SHARDS, shard_channels, subscribe=False)

    async def _change(self, kind: _Kind, given: tuple[KeyT, ...], *, subscribe: bool) -> None:
        if self._closed:
            raise ClientClosedError("the pub/sub object was closed")
        names = self._names_in(given)
        if subscribe and not names:
            raise ValueError(f"{kind.confirm} needs at least one name")
        async with self._lock:
            wanted = self._wanted[kind]
            added: list[bytes] = []
            if subscribe:
                added = [name for name in names if name not in wanted]
                wanted.update(dict.fromkeys(names))
                command, confirm = kind.subscribe, kind.confirm
            else:
                if not names:
                    # Named explicitly, so the number of confirmations is known (an empty
                    # UNSUBSCRIBE gets a single one, with a null channel).
                    names = list(wanted)
                for name in names:
                    wanted.pop(name, None)
                command, confirm = kind.unsubscribe, kind.unconfirm
                conn = self._conn
                if conn is None or not conn.is_alive:
                    return  # nothing on the server; a reconnect resubscribes only the rest
            try:
                conn = self._conn
                if conn is None or not conn.is_alive:
                    await self._reconnect()  # subscribes to everything wanted, this change too
                    return
                try:
                    await self._request(conn, command, names, confirm)
                except ResponseError:
                    raise
                except RedisError:
                    if self._closed:
                        raise
                    await self._reconnect()  # the connection dropped: resubscribe everything
            except Exception:
                if subscribe:
                    for name in added:
                        wanted.pop(name, None)
                raise

    async def _request(
        self, conn: Connection, command: bytes, names: list[bytes], confirm: str
    ) -> None:
        """Send one subscription command and wait for its confirmations (lock held)."""
        previous = self._expected
        if previous is not None and not previous.waiter.done():
            # A cancelled caller left confirmations outstanding: let them arrive first.
            await self._confirmed(conn, previous.waiter, "the previous command")
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter.add_done_callback(_retrieve)
        self._expected = _Expected(confirm, max(len(names), 1), waiter)
        conn.send_many(pack_command(command, *names), 0)  # no reply future: see _arm
        await self._confirmed(conn, waiter, command.decode())
        waiter.result()

    async def _confirmed(self, conn: Connection, waiter: asyncio.Future[None], what: str) -> None:
        """Wait for ``waiter`` within the read timeout, else drop the connection and raise."""
        timeout = self._client.config.read_timeout
        # asyncio.wait, not wait_for: a cancelled caller must leave the waiter pending, so the
        # next command waits until these confirmations are counted.
        done, _ = await asyncio.wait([waiter], timeout=timeout)
        if not done:
            error = ReadTimeoutError(
                f"{what} not confirmed within {timeout:g}s (read timeout)", address=conn.address
            )
            conn.close(error)
            raise error

    async def _reconnect(self) -> None:
        """Replace the connection and subscribe again to everything wanted (lock held)."""
        self._detach()
        pool = self._client.connection_pool
        attempts = 0
        while True:
            if self._closed:
                raise ClientClosedError("the pub/sub object was closed")
            error: RedisError
            try:
                conn = await pool.acquire()
            except (ConnectionError, ConnectTimeoutError) as exc:
                error = exc
            else:
                self._attach(conn)
                try:
                    for kind in _KINDS:
                        names = list(self._wanted[kind])
                        if names:
                            await self._request(conn, kind.subscribe, names, kind.confirm)
                except ResponseError:
                    self._connected_once = True  # connected; the caller sees the refusal
                    raise
                except RedisError as exc:
                    if self._closed:
                        raise
                    self._detach()
                    error = exc
                except BaseException:
                    self._detach()  # cancelled half-way: the next call starts over
                    raise
                else:
                    if self._connected_once:
                        self.reconnects += 1
                    self._connected_once = True
                    return
            attempts += 1
            if attempts >= self._max_attempts:
                raise ConnectionError(
                    f"pub/sub connection not (re)established after {attempts} attempts: {error}",
                    address=self._client.config.address,
                ) from error
            await asyncio.sleep(backoff_delay(attempts))

    # -- the connection ------------------------------------------------------------------------

    def _attach(self, conn: Connection) -> None:
        conn.read_timeout = None  # a subscriber may hear nothing for a long time
        self._conn = conn
        handler = functools.partial(self._received, conn)
        self._push_handler = handler
        conn.add_push_handler(handler)
        for _ in range(_SLOTS):
            self._arm(conn)

    def _detach(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        expected = self._expected
        if expected is not None and not expected.waiter.done():
            expected.waiter.set_exception(
                ConnectionError("the pub/sub connection was replaced", address=conn.address)
            )
        conn.remove_push_handler(self._push_handler)
        self._push_handler = None
        # Closed, never given back: the server still holds its subscriptions.
        self._client.connection_pool.discard(conn)

    def _arm(self, conn: Connection) -> None:
        """Queue one reply slot: a future for the next non-push reply of the connection.

        The connection matches replies to futures in order and treats a reply nobody waits
        for as a protocol error. On RESP2 every message is such a reply, and any number may
        arrive in one read; on RESP3 error replies are. So a slot's reply hook (run
        synchronously in the connection's dispatch, see ``Connection.add_reply_hook``) queues
        the next slot before the next reply is dispatched, then hands the reply over. Error
        replies skip hooks: the done callback handles them (one loop iteration later, hence
        the headroom of ``_SLOTS``). Commands are written with no future of their own.
        """
        fut = conn.send_many(b"", 1)[0]

        def failed(done: asyncio.Future[Any]) -> None:
            self._slot_failed(conn, done)

        def replied(reply: Any) -> None:
            fut.remove_done_callback(failed)
            self._arm(conn)
            self._received(conn, reply)

        conn.add_reply_hook(fut, replied)
        fut.add_done_callback(failed)

    def _received(self, conn: Connection, reply: Any) -> None:
        if conn is not self._conn:
            return
        message = parse_message(reply)
        if message is None:  # e.g. an "invalidate" push of client tracking
            return
        expected = self._expected
        if expected is not None and expected.confirm == message.type:
            expected.remaining -= 1
            if expected.remaining <= 0 and not expected.waiter.done():
                expected.waiter.set_result(None)
        self._buffer.append(message)
        self._wakeup.set()

    def _slot_failed(self, conn: Connection, fut: asyncio.Future[Any]) -> None:
        if fut.cancelled():
            return
        error = fut.exception()
        if error is None or conn is not self._conn:
            return
        expected = self._expected
        pending = expected is not None and not expected.waiter.done()
        if isinstance(error, ResponseError | UnicodeDecodeError):
            if conn.is_alive:
                self._arm(conn)
            if isinstance(error, ResponseError) and expected is not None and pending:
                expected.waiter.set_exception(error)  # the command in flight was refused
            else:
                self._buffer.append(error)
        elif expected is not None and pending:
            # The connection died (every slot fails; the first one tells the waiter).
            expected.waiter.set_exception(error)
        self._wakeup.set()

    # -- reading -------------------------------------------------------------------------------

    async def get_message(
        self, *, timeout: float | None = 0.0, ignore_subscribe_messages: bool | None = None
    ) -> PubSubMessage[AnyStr] | None:
        """The next message, waiting up to ``timeout`` seconds (None: until one arrives).

        With the default ``timeout=0.0`` it returns a buffered message or None at once (after
        yielding to the event loop once). A dropped connection is replaced here first (see the
        module docstring). After :meth:`aclose` it returns None.

        Args:
            timeout: Seconds to wait; None waits until a message arrives or the PubSub closes.
            ignore_subscribe_messages: Skip confirmations (default: the PubSub's setting).

        Raises:
            ConnectionError: The connection dropped and could not be re-established.
            ResponseError: The server sent an error reply that no command was waiting for.
            UnicodeDecodeError: With ``decode_responses=True``, a payload was not valid text.
        """
        ignore = (
            self._ignore_subscribe_messages
            if ignore_subscribe_messages is None
            else ignore_subscribe_messages
        )
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        waited = False
        while not self._closed:
            message = self._next_buffered(ignore)
            if message is not None:
                return message
            if self._needs_reconnect():
                async with self._lock:
                    # Checked again: another task may have reconnected meanwhile.
                    if self._needs_reconnect() and not self._closed:
                        if self.subscribed:
                            await self._reconnect()
                        else:
                            self._detach()
                continue
            if waited and deadline is not None and loop.time() >= deadline:
                return None
            self._wakeup.clear()
            try:
                async with asyncio.timeout_at(deadline):
                    await self._wakeup.wait()
            except TimeoutError:
                pass
            waited = True
        return None

    def _needs_reconnect(self) -> bool:
        conn = self._conn
        if conn is None:  # a failed reconnect left none
            return self._connected_once and self.subscribed
        return not conn.is_alive

    def _next_buffered(self, ignore: bool) -> PubSubMessage[AnyStr] | None:
        buffer = self._buffer
        while buffer:
            item = buffer.popleft()
            if isinstance(item, BaseException):
                raise item
            if ignore and item.type in _CONFIRMATIONS:
                continue
            return item
        return None

    async def listen(self) -> AsyncIterator[PubSubMessage[AnyStr]]:
        """Yield messages as they arrive, until the PubSub is closed (or ``break``)."""
        while not self._closed:
            message = await self.get_message(timeout=None)
            if message is not None:
                yield message

    # -- closing -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the dedicated connection (never returned to the pool); idempotent.

        Waiting :meth:`get_message` / :meth:`listen` calls return; a subscription call in
        flight raises :class:`~keywire.ClientClosedError`.
        """
        if self._closed:
            return
        self._closed = True
        expected = self._expected
        if expected is not None and not expected.waiter.done():
            expected.waiter.set_exception(ClientClosedError("the pub/sub object was closed"))
        self._detach()
        self._buffer.clear()
        self._wakeup.set()
