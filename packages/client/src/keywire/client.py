"""``keywire.Redis``: the async client for one server.

How a command runs (the hot path is the first bullet):

* Ordinary commands go to the pool's shared connection without a lock or a checkout: the
  command is encoded, queued on the connection (flushed once per event-loop tick together with
  the commands of every other task) and its future awaited.
* Blocking commands (BLPOP, BZPOPMIN, XREAD ... BLOCK, ...) take a dedicated connection with no
  read timeout; transactions and WATCH take one too (see :mod:`keywire.pipeline`).
* Commands that change the state of the connection they run on (SELECT, AUTH, MULTI,
  SUBSCRIBE, CLIENT REPLY, ...) are refused by :meth:`Redis.execute_command`: on a shared
  connection they would affect every task. Their safe forms are constructor options
  (``db=``, ``password=``), pipelines and transactions.

Retry policy: after a :class:`~keywire.ConnectionError` on the shared connection, a command is
sent once more on a fresh connection only if it is known to be safe to repeat: flagged
``readonly`` in the command table, or listed in ``IDEMPOTENT`` (PING, ECHO, TIME, LASTSAVE).
Writes are never retried: the first attempt may have been applied. Timeouts are never retried.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from keywire._command_table import CACHEABLE, COMMANDS, CONNECTION_STATE, IDEMPOTENT, command_keys
from keywire._config import Config, parse_url
from keywire._pool import ConnectionPool
from keywire.commands import AnyStr, CommandMixins, Script
from keywire.exceptions import ConnectionError, RedisError, WatchError
from keywire_resp import pack_command

if TYPE_CHECKING:
    import ssl as _ssl
    from collections.abc import Awaitable, Callable
    from types import TracebackType

    from keywire._cache import CacheLike
    from keywire._connection import Connection
    from keywire._options import ClientOptions
    from keywire.pipeline import Pipeline
    from keywire.pubsub import PubSub
    from keywire_resp import Limits

__all__ = ["Redis"]

_NO_RETRY_BLOCKING: frozenset[bytes] = frozenset({b"WAIT", b"WAITAOF"})
_BLOCK_OPTION: frozenset[bytes] = frozenset({b"XREAD", b"XREADGROUP"})


def command_name(name: Any) -> bytes:
    """The upper-case ``bytes`` name of a command given as ``str`` or ``bytes``."""
    if type(name) is bytes:
        return name.upper()
    if isinstance(name, str):
        return name.encode().upper()
    if isinstance(name, bytearray | memoryview):
        return bytes(name).upper()
    raise TypeError(f"a command name must be str or bytes, not {type(name).__name__}")


def is_retry_safe(name: bytes) -> bool:
    """Whether a command may be sent again after a connection error (see the module docs)."""
    info = COMMANDS.get(name)
    return name in IDEMPOTENT or (info is not None and "readonly" in info[1])


def is_blocking(args: tuple[Any, ...]) -> bool:
    """Whether ``args`` (upper-case bytes name first) is a blocking call."""
    name = args[0]
    info = COMMANDS.get(name)
    if info is None or "blocking" not in info[1] or name in _NO_RETRY_BLOCKING:
        return False
    if name in _BLOCK_OPTION:
        return any(isinstance(a, str | bytes) and a.upper() in (b"BLOCK", "BLOCK") for a in args)
    return True


def state_command(args: tuple[Any, ...]) -> bytes | None:
    """The connection-state command ``args`` is (``b"SELECT"``, ``b"CLIENT REPLY"``...), or None."""
    name = args[0]
    if name in CONNECTION_STATE:
        return bytes(name)
    if len(args) > 1 and isinstance(args[1], str | bytes):
        full: bytes = name + b" " + command_name(args[1])
        if full in CONNECTION_STATE:
            return full
    return None


def _key_bytes(key: Any) -> bytes:
    if type(key) is bytes:
        return key
    if isinstance(key, str):
        return key.encode()
    if isinstance(key, bytearray | memoryview):
        return bytes(key)
    return str(key).encode()


class Redis(CommandMixins[AnyStr]):
    """Async client of one Redis / Valkey server.

    ``Redis[bytes]`` by default; ``Redis[str]`` with ``decode_responses=True``.

    Args:
        host, port: TCP address (ignored with ``unix_socket_path``).
        db: Database selected on every connection.
        username, password: ACL credentials (``username=None``: the ``default`` user).
        protocol: 3 (default; falls back to 2 where HELLO is unknown) or 2.
        client_name: Connection name (``CLIENT SETNAME``).
        decode_responses: Return ``str`` instead of ``bytes`` (decoded with ``encoding``).
        connect_timeout, read_timeout, write_timeout, pool_timeout: Seconds or ``None``
            (see :class:`~keywire.Config`).
        max_connections: Cap on connections open at once (the shared one included).
        ssl: ``True`` or an ``ssl.SSLContext`` for TLS.
        unix_socket_path: Connect to a Unix socket instead of TCP.
        cache: A client-side cache (:class:`~keywire.CacheLike`), e.g. keywire-tracking's.
        limits: Reader limits (``keywire_resp.Limits``): a reply beyond them raises
            :class:`~keywire.ReplyTooLargeError` / :class:`~keywire.ProtocolError`.
        reader_backend: ``"auto"`` (hiredis when installed), ``"python"`` or ``"hiredis"``.

    Use it as ``async with Redis(...) as client:`` or call :meth:`aclose` when done.
    """

    @overload
    def __init__(
        self: Redis[bytes],
        host: str = ...,
        port: int = ...,
        *,
        db: int = ...,
        unix_socket_path: str | None = ...,
        decode_responses: Literal[False] = ...,
        **options: Unpack[ClientOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: Redis[str],
        host: str = ...,
        port: int = ...,
        *,
        db: int = ...,
        unix_socket_path: str | None = ...,
        decode_responses: Literal[True],
        **options: Unpack[ClientOptions],
    ) -> None: ...
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 6379,
        *,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
        protocol: int = 3,
        client_name: str | None = None,
        decode_responses: bool = False,
        encoding: str = "utf-8",
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = None,
        write_timeout: float | None = 10.0,
        pool_timeout: float | None = 5.0,
        max_connections: int = 64,
        ssl: bool | _ssl.SSLContext | None = None,
        unix_socket_path: str | None = None,
        cache: CacheLike | None = None,
        limits: Limits | None = None,
        reader_backend: str = "auto",
    ) -> None:
        config = Config(
            host=host,
            port=port,
            unix_socket_path=unix_socket_path,
            db=db,
            username=username,
            password=password,
            protocol=protocol,
            client_name=client_name,
            decode_responses=decode_responses,
            encoding=encoding,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            pool_timeout=pool_timeout,
            max_connections=max_connections,
            ssl=ssl,
        )
        self._setup(config, cache=cache, limits=limits, reader_backend=reader_backend)

    def _setup(
        self,
        config: Config,
        *,
        cache: CacheLike | None,
        limits: Limits | None,
        reader_backend: str,
    ) -> None:
        self._config = config
        self._pool = ConnectionPool(config, limits=limits, reader_backend=reader_backend)
        self._cache = cache

    @overload
    @classmethod
    def from_url(
        cls, url: str, *, decode_responses: Literal[False] = ..., **overrides: Any
    ) -> Redis[bytes]: ...
    @overload
    @classmethod
    def from_url(
        cls, url: str, *, decode_responses: Literal[True], **overrides: Any
    ) -> Redis[str]: ...
    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> Redis[Any]:
        """Build a client from a URL (see :func:`keywire.parse_url` for the forms).

        ``overrides`` are keyword arguments of the constructor and win over the URL; ``cache``,
        ``limits`` and ``reader_backend`` are accepted too.

        Raises:
            InvalidURLError: The URL is malformed (the message masks the password).
        """
        cache = overrides.pop("cache", None)
        limits = overrides.pop("limits", None)
        reader_backend = overrides.pop("reader_backend", "auto")
        config = parse_url(url, **overrides)
        client: Redis[Any] = cls.__new__(cls)
        client._setup(config, cache=cache, limits=limits, reader_backend=reader_backend)
        return client

    # -- properties ----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The configuration (frozen; its repr masks the password)."""
        return self._config

    @property
    def connection_pool(self) -> ConnectionPool:
        """The pool of connections of this client."""
        return self._pool

    @property
    def cache(self) -> CacheLike | None:
        """The client-side cache given as ``cache=``, if any."""
        return self._cache

    def __repr__(self) -> str:
        return f"<Redis {self._config.address} db={self._config.db}>"

    # -- lifecycle -----------------------------------------------------------------------------

    async def initialize(self) -> Redis[AnyStr]:
        """Open the shared connection now (so bad addresses or credentials fail here).

        Also awaits ``cache.initialize(self)`` when the cache has that method.
        """
        await self._pool.get_shared()
        initialize = getattr(self._cache, "initialize", None)
        if initialize is not None:
            await initialize(self)
        return self

    async def __aenter__(self) -> Redis[AnyStr]:
        return await self.initialize()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection. Commands still in flight fail with ClientClosedError."""
        await self._pool.aclose()

    # -- running commands ----------------------------------------------------------------------

    def _command(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        if callback is None:
            return self._execute(args)
        return self._execute_with(callback, args)

    def _blocking(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        if callback is None:
            return self._execute_dedicated(args)
        return self._dedicated_with(callback, args)

    async def _execute_with(self, callback: Callable[[Any], Any], args: tuple[Any, ...]) -> Any:
        return callback(await self._execute(args))

    async def _dedicated_with(self, callback: Callable[[Any], Any], args: tuple[Any, ...]) -> Any:
        return callback(await self._execute_dedicated(args))

    async def _execute(self, args: tuple[Any, ...]) -> Any:
        if self._cache is not None:
            return await self._execute_cached(args)
        conn = self._pool.shared
        if conn is None or conn._error is not None:
            conn = await self._pool.get_shared()
        try:
            return await conn.send(pack_command(*args))
        except ConnectionError:
            if not is_retry_safe(args[0]):
                raise
        conn = await self._pool.get_shared()
        return await conn.send(pack_command(*args))

    async def _send_shared(
        self, args: tuple[Any, ...], fill: Callable[[Any], object] | None = None
    ) -> Any:
        data = pack_command(*args)
        for attempt in (0, 1):
            conn = self._pool.shared
            if conn is None or conn._error is not None:
                conn = await self._pool.get_shared()
            fut = conn.send(data)
            if fill is not None:
                conn.add_reply_hook(fut, fill)
            try:
                return await fut
            except ConnectionError:
                if attempt or not is_retry_safe(args[0]):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _execute_cached(self, args: tuple[Any, ...]) -> Any:
        cache = self._cache
        assert cache is not None
        name = args[0]
        if name in CACHEABLE and len(args) > 1 and cache.healthy:
            key = _key_bytes(args[1])
            rest = args[2:]
            try:
                value = cache.get(name, key, *rest)
            except KeyError:

                def fill(reply: Any) -> None:
                    cache.put(name, key, *rest, value=reply)

                return await self._send_shared(args, fill)
            confidence = cache.confidence
            if confidence < 100 and random.random() * 100 >= confidence:
                fresh = await self._send_shared(args)
                match = bool(fresh == value)
                cache.feedback(name, key, *rest, match=match)
                if not match:
                    cache.invalidate(key)
                return fresh
            return value
        self._invalidate_written(args)
        return await self._send_shared(args)

    def _invalidate_written(self, args: tuple[Any, ...]) -> None:
        """Drop the cached replies of the keys a write command touches, before sending it."""
        cache = self._cache
        if cache is None:
            return
        info = COMMANDS.get(args[0])
        if info is None or "write" not in info[1]:
            return
        keys = command_keys(args, info)
        if keys:
            cache.invalidate(*(_key_bytes(key) for key in keys))

    async def _execute_dedicated(self, args: tuple[Any, ...]) -> Any:
        self._invalidate_written(args)
        pool = self._pool
        conn = await pool.acquire()
        try:
            # A blocking command may legitimately wait longer than any read timeout.
            conn.read_timeout = None
            return await conn.send(pack_command(*args))
        finally:
            # A cancelled blocking command leaves its reply outstanding: release() closes it.
            pool.release(conn)

    async def execute_command(self, *args: Any) -> Any:
        """Run any command: ``await client.execute_command("SET", "k", "v")``.

        The reply is returned as the reader produced it (no type conversion); an error reply
        raises :class:`~keywire.ResponseError`. Blocking commands run on a dedicated connection.

        Raises:
            RedisError: ``args`` is a command that changes connection state (SELECT, MULTI,
                SUBSCRIBE, CLIENT REPLY, ...), which a shared connection cannot run.
        """
        if not args:
            raise ValueError("execute_command needs a command name")
        args = (command_name(args[0]), *args[1:])
        state = state_command(args)
        if state is not None:
            raise RedisError(
                f"{state.decode()} changes the state of the connection and cannot run on a "
                "shared connection; use the client's options (db=, password=, client_name=), "
                "client.pipeline(transaction=True) or client.transaction()"
            )
        if is_blocking(args):
            return await self._execute_dedicated(args)
        return await self._execute(args)

    async def client_setname(self, name: str) -> bool:
        """Name the connections of this client (CLIENT SETNAME now, and on every new one)."""
        self._pool.config = self._pool.config.replace(client_name=name)
        self._config = self._pool.config
        conn = await self._pool.get_shared()
        await conn.execute(b"CLIENT", b"SETNAME", name)
        return True

    async def shared_connection(self) -> Connection:
        """The shared connection (opened if needed), e.g. to add a push handler to it."""
        return await self._pool.get_shared()

    # -- pipelines and transactions ------------------------------------------------------------

    def pipeline(self, transaction: bool = False) -> Pipeline[AnyStr]:
        """A buffered pipeline; with ``transaction=True``, wrapped in MULTI / EXEC.

        Queue commands by calling the usual methods (without awaiting them), then
        ``await pipe.execute()``. See :class:`keywire.pipeline.Pipeline`.
        """
        from keywire.pipeline import Pipeline  # noqa: PLC0415 - pipeline imports this module

        return Pipeline(self, transaction=transaction)

    def pubsub(
        self, *, ignore_subscribe_messages: bool = False, max_reconnect_attempts: int = 3
    ) -> PubSub[AnyStr]:
        """A :class:`~keywire.PubSub` for subscribing to channels on a dedicated connection.

        Use it as ``async with client.pubsub() as pubsub:``; the connection is taken from the
        pool on the first subscription and closed (not returned) when the PubSub closes.
        """
        from keywire.pubsub import PubSub  # noqa: PLC0415 - pubsub imports this package

        return PubSub(
            self,
            ignore_subscribe_messages=ignore_subscribe_messages,
            max_reconnect_attempts=max_reconnect_attempts,
        )

    def register_script(self, source: str | bytes, *, readonly: bool = False) -> Script[AnyStr]:
        """A :class:`~keywire.Script` running ``source`` by its digest (EVALSHA, falling back
        to EVAL when the server does not have it): ``await script(keys=[...], args=[...])``.

        Args:
            readonly: Use EVALSHA_RO / EVAL_RO (Redis 7.0+).
        """
        return Script(self, source, readonly=readonly)

    async def transaction(
        self,
        func: Callable[[Pipeline[AnyStr]], Awaitable[Any]],
        *watch_keys: Any,
        value_from_callable: bool = False,
        max_attempts: int | None = None,
    ) -> Any:
        """Run ``func`` in an optimistic transaction, retrying while WATCH detects a change.

        ``func(pipe)`` runs with ``watch_keys`` watched: it may read through ``pipe`` (the
        commands run at once while no ``pipe.multi()`` was called), then calls
        ``pipe.multi()`` and queues the writes. The queued commands run with MULTI / EXEC; if a
        watched key changed meanwhile, everything is tried again.

        Args:
            func: ``async def func(pipe) -> Any``.
            watch_keys: Keys to WATCH.
            value_from_callable: Return what ``func`` returned instead of the EXEC results.
            max_attempts: Give up (raise :class:`~keywire.WatchError`) after this many tries.

        Returns:
            The EXEC results, or ``func``'s value with ``value_from_callable=True``.
        """
        attempt = 0
        while True:
            attempt += 1
            async with self.pipeline(transaction=True) as pipe:
                if watch_keys:
                    await pipe.watch(*watch_keys)
                value = await func(pipe)
                try:
                    results = await pipe.execute()
                except WatchError:
                    if max_attempts is not None and attempt >= max_attempts:
                        raise
                    continue
                return value if value_from_callable else results
