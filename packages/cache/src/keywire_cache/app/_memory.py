"""The in-process backends (``memory://``), sync and async, over one thread-safe store."""

from __future__ import annotations

import heapq
import threading
import time
from typing import TYPE_CHECKING

from .._errors import InvalidCacheURLError
from ._backends import AsyncBackend, Items, SyncBackend, pairs, ttl_seconds
from ._url import MEMORY_SCHEMES, mask_url, parse_cache_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator
    from datetime import datetime, timedelta
    from typing import Self

__all__ = ["AsyncMemoryBackend", "MemoryBackend", "MemoryStore"]


class MemoryStore:
    """Process-local storage of bytes with expiry, shared by memory backends.

    Time comes from two injectable clocks: ``clock`` (monotonic seconds) decides expiry, and
    ``wall_clock`` (Unix seconds) converts the ``datetime`` deadlines of ``expire_at``. Tests pass
    a :class:`~keywire_cache.testing.ManualClock`'s ``monotonic`` and ``time`` and advance it
    instead of sleeping.

    Expired keys are removed on the next operation of the store (a heap of deadlines finds
    them), so they do not pile up unread. Thread-safe: one lock guards each operation.

    Args:
        clock: monotonic time in seconds.
        wall_clock: Unix time in seconds.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._deadlines: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of live keys."""
        with self._lock:
            self._purge()
            return len(self._data)

    def get(self, key: str) -> bytes:
        """Return the value of ``key`` (raises KeyError if missing or expired)."""
        with self._lock:
            self._purge()
            return self._data[key][0]

    def get_many(self, keys: list[str]) -> list[tuple[str, bytes]]:
        """Return ``(key, value)`` for each existing key, in one step."""
        with self._lock:
            self._purge()
            data = self._data
            return [(key, data[key][0]) for key in keys if key in data]

    def set(self, key: str, value: bytes, ttl: float | None, if_not_exists: bool) -> bool:
        """Store ``value``, expiring after ``ttl`` seconds (None: never)."""
        with self._lock:
            self._purge()
            if if_not_exists and key in self._data:
                return False
            self._store(key, value, ttl)
            return True

    def set_many(self, items: list[tuple[str, bytes]], ttl: float | None) -> None:
        """Store several values in one step."""
        with self._lock:
            self._purge()
            for key, value in items:
                self._store(key, value, ttl)

    def expire_in(self, key: str, seconds: float | None) -> None:
        """Expire ``key`` in ``seconds`` (0 or less: now; None: never)."""
        with self._lock:
            self._purge()
            entry = self._data.get(key)
            if entry is None:
                return
            if seconds is not None and seconds <= 0:
                del self._data[key]
                return
            self._store(key, entry[0], seconds)

    def expire_at(self, key: str, unix_time: float | None) -> None:
        """Expire ``key`` at the Unix time ``unix_time`` (None: never)."""
        seconds = None if unix_time is None else unix_time - self.wall_clock()
        self.expire_in(key, seconds)

    def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        with self._lock:
            self._purge()
            return self._data.pop(key, None) is not None

    def clear(self, prefix: str = "") -> None:
        """Delete the keys starting with ``prefix`` (every key if it is empty)."""
        with self._lock:
            if not prefix:
                self._data.clear()
                self._deadlines.clear()
                return
            for key in [key for key in self._data if key.startswith(prefix)]:
                del self._data[key]

    def _store(self, key: str, value: bytes, ttl: float | None) -> None:
        if ttl is None:
            self._data[key] = (value, None)
            return
        deadline = self.clock() + ttl
        self._data[key] = (value, deadline)
        heap = self._deadlines
        heapq.heappush(heap, (deadline, key))
        # Deadlines of overwritten or deleted keys stay in the heap until they pass: rebuild
        # it when they outnumber the live keys, so memory stays proportional to the data.
        if len(heap) > 2 * len(self._data) + 64:
            self._deadlines = [(d, k) for k, (_v, d) in self._data.items() if d is not None]
            heapq.heapify(self._deadlines)

    def _purge(self) -> None:
        heap = self._deadlines
        if not heap:
            return
        now = self.clock()
        data = self._data
        while heap and heap[0][0] <= now:
            deadline, key = heapq.heappop(heap)
            entry = data.get(key)
            if entry is not None and entry[1] == deadline:
                del data[key]


class _MemoryBase:
    """Prefixing and argument checks shared by the sync and async memory backends."""

    def __init__(
        self,
        *,
        prefix: str = "",
        store: MemoryStore | None = None,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        if store is not None and (clock is not None or wall_clock is not None):
            raise ValueError("give either a store or clocks for a new one, not both")
        if store is None:
            store = MemoryStore(clock=clock or time.monotonic, wall_clock=wall_clock or time.time)
        self.store = store
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> Self:
        """Make a backend from ``memory://[?prefix=p]``, with a store of its own.

        Raises:
            InvalidCacheURLError: the URL is not a valid ``memory://`` URL.
        """
        parsed = parse_cache_url(url)
        if parsed.scheme not in MEMORY_SCHEMES:
            raise InvalidCacheURLError(
                f"{cls.__name__} takes memory:// URLs, got {mask_url(url)!r}"
            )
        return cls(prefix=parsed.prefix)

    def _get_many(self, keys: tuple[str, ...]) -> list[tuple[str, bytes]]:
        prefix = self.prefix
        found = self.store.get_many([prefix + key for key in keys])
        cut = len(prefix)
        return [(key[cut:], value) for key, value in found]

    def _expire_at(self, key: str, deadline: datetime | None) -> None:
        self.store.expire_at(self.prefix + key, None if deadline is None else deadline.timestamp())

    def _expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        seconds = None if time_to_live is None else time_to_live.total_seconds()
        self.store.expire_in(self.prefix + key, seconds)

    def _set_many(self, items: Items, time_to_live: timedelta | None) -> None:
        ttl = ttl_seconds(time_to_live)
        prefix = self.prefix
        self.store.set_many([(prefix + key, value) for key, value in pairs(items)], ttl)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(prefix={self.prefix!r})"


class MemoryBackend(_MemoryBase, SyncBackend):
    """A synchronous in-process backend (``memory://``).

    Values live in a :class:`MemoryStore`; backends given the same store share it, each under
    its own ``prefix`` (and :meth:`clear` removes only its own keys).

    Args:
        prefix: prepended to every key.
        store: the store to use (a new one if None).
        clock: monotonic clock of a new store (default :func:`time.monotonic`).
        wall_clock: Unix-time clock of a new store (default :func:`time.time`).

    Raises:
        ValueError: both ``store`` and a clock were given.
    """

    def get(self, key: str) -> bytes:
        """Return the value of ``key`` (raises KeyError if missing or expired)."""
        try:
            return self.store.get(self.prefix + key)
        except KeyError:
            raise KeyError(key) from None

    def get_many(self, *keys: str) -> Iterator[tuple[str, bytes]]:
        """Yield ``(key, value)`` for each existing key (read in one step)."""
        return iter(self._get_many(keys))

    def set(
        self,
        key: str,
        value: bytes,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` (see :meth:`SyncBackend.set`)."""
        return self.store.set(self.prefix + key, value, ttl_seconds(time_to_live), if_not_exists)

    def set_many(self, items: Items, *, time_to_live: timedelta | None = None) -> None:
        """Store several values in one step."""
        self._set_many(items, time_to_live)

    def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline``; None removes the expiry."""
        self._expire_at(key, deadline)

    def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live``; None removes the expiry."""
        self._expire_in(key, time_to_live)

    def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        return self.store.delete(self.prefix + key)

    def clear(self) -> None:
        """Delete this backend's keys (those under its prefix)."""
        self.store.clear(self.prefix)


class AsyncMemoryBackend(_MemoryBase, AsyncBackend):
    """An asynchronous in-process backend (``memory://``); see :class:`MemoryBackend`.

    No operation awaits anything, so each is atomic with respect to other tasks.
    """

    async def get(self, key: str) -> bytes:
        """Return the value of ``key`` (raises KeyError if missing or expired)."""
        try:
            return self.store.get(self.prefix + key)
        except KeyError:
            raise KeyError(key) from None

    async def get_many(self, *keys: str) -> AsyncIterator[tuple[str, bytes]]:
        """Yield ``(key, value)`` for each existing key (read in one step)."""
        for item in self._get_many(keys):
            yield item

    async def set(
        self,
        key: str,
        value: bytes,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` (see :meth:`SyncBackend.set`)."""
        return self.store.set(self.prefix + key, value, ttl_seconds(time_to_live), if_not_exists)

    async def set_many(self, items: Items, *, time_to_live: timedelta | None = None) -> None:
        """Store several values in one step."""
        self._set_many(items, time_to_live)

    async def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline``; None removes the expiry."""
        self._expire_at(key, deadline)

    async def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live``; None removes the expiry."""
        self._expire_in(key, time_to_live)

    async def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        return self.store.delete(self.prefix + key)

    async def clear(self) -> None:
        """Delete this backend's keys (those under its prefix)."""
        self.store.clear(self.prefix)
