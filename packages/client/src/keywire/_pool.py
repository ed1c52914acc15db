"""Connection pool: one shared (multiplexed) connection plus dedicated connections on demand.

* **Shared connection.** Ordinary commands of every task go through one multiplexed connection
  (auto-pipelining, see :mod:`keywire._connection`). The client reads it without a lock or a
  checkout (:attr:`ConnectionPool.shared`); only when it is missing or dead does a caller
  await :meth:`ConnectionPool.get_shared`, which opens a replacement once for all waiting
  callers (single flight).
* **Dedicated connections.** Blocking commands, transactions (MULTI / EXEC, WATCH) and other
  stateful work check a connection out with :meth:`acquire` and give it back with
  :meth:`release`. A connection given back with replies still outstanding (its command was
  cancelled) or dead is closed, never reused.
* **Bounds.** ``max_connections`` caps the connections open at once, the shared one included
  (it takes its slot without waiting). ``acquire`` waits up to ``pool_timeout`` for a slot, then
  raises :class:`~keywire.PoolTimeoutError`.
* **Reconnect backoff.** After a failed connect, each further attempt first sleeps a jittered,
  exponentially growing delay: ``min(cap, base * 2**(failures - 1))`` times a random factor in
  [0.5, 1], with base 50 ms and cap 1 s. One success resets it.

All state changes happen in plain (non-awaiting) methods, so in asyncio they are atomic; the
only awaits are the connect itself and the wait for a free slot.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from keywire._connection import Connection, open_connection
from keywire.exceptions import ClientClosedError, PoolTimeoutError

if TYPE_CHECKING:
    from keywire._config import Config
    from keywire_resp import Limits

__all__ = ["BACKOFF_BASE", "BACKOFF_CAP", "ConnectHook", "ConnectionPool", "Connector"]

BACKOFF_BASE: Final = 0.05
BACKOFF_CAP: Final = 1.0

Connector = Callable[["Config"], Awaitable[Connection]]
"""Opens one connection (connect + handshake); the seam where tests plug a fake backend."""

ConnectHook = Callable[[Connection], Awaitable[object]]
"""Awaited with every new connection after its handshake (e.g. to enable tracking)."""


def backoff_delay(failures: int, *, rng: Callable[[], float] = random.random) -> float:
    """Return the sleep before the next connect after ``failures`` consecutive failures."""
    if failures <= 0:
        return 0.0
    raw = min(BACKOFF_CAP, BACKOFF_BASE * float(2 ** min(failures - 1, 30)))
    return raw * (0.5 + 0.5 * rng())


class ConnectionPool:
    """Connections of one client to one server (see the module docstring).

    Args:
        config: Where and how to connect.
        limits: Reader limits for every connection (``None``: keywire_resp defaults).
        reader_backend: ``"auto"`` (hiredis when installed), ``"python"`` or ``"hiredis"``.
        connector: Replaces :func:`~keywire._connection.open_connection` (tests).
    """

    def __init__(
        self,
        config: Config,
        *,
        limits: Limits | None = None,
        reader_backend: str = "auto",
        connector: Connector | None = None,
    ) -> None:
        self.config = config
        self._limits = limits
        self._reader_backend = reader_backend
        self._connector = connector
        #: The shared connection; may be dead (the client checks ``_error``) or ``None``.
        self.shared: Connection | None = None
        self._shared_opening: asyncio.Future[Connection] | None = None
        self._idle: list[Connection] = []
        self._in_use: set[Connection] = set()
        self._total = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._closed = False
        self._failures = 0
        self._connect_hooks: list[ConnectHook] = []

    # -- introspection -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` was called."""
        return self._closed

    @property
    def total(self) -> int:
        """Connections open or being opened (shared and dedicated)."""
        return self._total

    @property
    def idle(self) -> int:
        """Dedicated connections waiting in the pool."""
        return len(self._idle)

    def add_connect_hook(self, hook: ConnectHook) -> None:
        """Await ``hook(connection)`` for every connection opened from now on.

        The hook runs after the handshake and before the connection carries any command; an
        exception from it fails the connect.
        """
        self._connect_hooks.append(hook)

    # -- opening -------------------------------------------------------------------------------

    async def _open(self) -> Connection:
        if self._failures:
            await asyncio.sleep(backoff_delay(self._failures))
        try:
            if self._connector is not None:
                connection = await self._connector(self.config)
            else:
                connection = await open_connection(
                    self.config, limits=self._limits, reader_backend=self._reader_backend
                )
        except Exception:
            self._failures += 1
            raise
        try:
            for hook in self._connect_hooks:
                await hook(connection)
        except BaseException:
            connection.close()
            raise
        self._failures = 0
        if self._closed:
            connection.close()
            raise ClientClosedError("the client was closed")
        return connection

    # -- shared connection ---------------------------------------------------------------------

    async def get_shared(self) -> Connection:
        """Return the live shared connection, opening a replacement if needed.

        Raises:
            ClientClosedError: The pool is closed.
            ConnectionError, ConnectTimeoutError, AuthenticationError: The connect failed
                (every caller waiting for the same attempt gets the error).
        """
        while True:
            if self._closed:
                raise ClientClosedError("the client was closed")
            current = self.shared
            if current is not None and current.is_alive:
                return current
            opening = self._shared_opening
            if opening is None:
                if current is not None:
                    self.shared = None
                    self._total -= 1
                    current.close()
                self._total += 1
                opening = self._shared_opening = asyncio.ensure_future(self._open())
                opening.add_done_callback(self._shared_opened)
            # shield: a cancelled caller must not cancel the attempt the others wait for.
            connection = await asyncio.shield(opening)
            if connection.is_alive:
                return connection

    def _shared_opened(self, opening: asyncio.Future[Connection]) -> None:
        self._shared_opening = None
        if opening.cancelled() or opening.exception() is not None:
            self._total -= 1
            self._wake()
            return
        self.shared = opening.result()

    # -- dedicated connections -----------------------------------------------------------------

    async def acquire(self) -> Connection:
        """Check out a dedicated connection (reused if idle, else opened).

        Raises:
            PoolTimeoutError: ``max_connections`` were in use for ``pool_timeout`` seconds.
            ClientClosedError: The pool is closed.
            ConnectionError, ConnectTimeoutError, AuthenticationError: The connect failed.
        """
        loop = asyncio.get_running_loop()
        deadline = None
        timeout = self.config.pool_timeout
        if timeout is not None:
            deadline = loop.time() + timeout
        while True:
            if self._closed:
                raise ClientClosedError("the client was closed")
            while self._idle:
                connection = self._idle.pop()
                if connection.is_alive:
                    self._in_use.add(connection)
                    return connection
                self._total -= 1
            if self._total < self.config.max_connections:
                self._total += 1
                try:
                    connection = await self._open()
                except BaseException:
                    self._total -= 1
                    self._wake()
                    raise
                self._in_use.add(connection)
                return connection
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except TimeoutError:
                raise PoolTimeoutError(
                    f"no connection free within {timeout:g}s "
                    f"(max_connections={self.config.max_connections})",
                    address=self.config.address,
                ) from None
            finally:
                if not waiter.done():
                    waiter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)

    def release(self, connection: Connection) -> None:
        """Give a dedicated connection back (closed instead if dead, busy or pool closed)."""
        if connection not in self._in_use:
            return
        self._in_use.discard(connection)
        if self._closed or not connection.is_alive or connection.pending:
            connection.close()
            self._total -= 1
        else:
            connection.read_timeout = self.config.read_timeout
            self._idle.append(connection)
        self._wake()

    def discard(self, connection: Connection) -> None:
        """Close a checked-out dedicated connection instead of giving it back."""
        connection.close()
        self.release(connection)

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    # -- closing -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every connection; commands in flight fail with ClientClosedError."""
        if self._closed:
            return
        self._closed = True
        connections = [*self._idle, *self._in_use]
        if self.shared is not None:
            connections.append(self.shared)
        self._idle.clear()
        self.shared = None
        opening = self._shared_opening
        if opening is not None:
            opening.cancel()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)  # they wake up, see _closed and raise
        for connection in connections:
            await connection.aclose()
        self._total = len(self._in_use)

    def __repr__(self) -> str:
        return (
            f"<ConnectionPool {self.config.address} total={self._total} idle={len(self._idle)} "
            f"in_use={len(self._in_use)} max={self.config.max_connections}>"
        )
