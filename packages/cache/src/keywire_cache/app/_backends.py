"""The interfaces of application-cache backends (cachetory's shape), sync and async."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from datetime import datetime, timedelta
    from types import TracebackType
    from typing import Self

__all__ = ["AsyncBackend", "Items", "SyncBackend", "pairs", "ttl_milliseconds", "ttl_seconds"]

#: What ``set_many`` takes: a mapping or an iterable of ``(key, value)`` pairs.
Items: TypeAlias = Mapping[str, bytes] | Iterable[tuple[str, bytes]]


class SyncBackend(ABC):
    """A synchronous store of bytes under str keys, with optional expiry.

    Keys are the application's keys; a backend adds its own key prefix where it has one, and
    :meth:`clear` removes only the keys under that prefix. Backends are context managers that
    :meth:`close` on exit. :class:`~keywire_cache.testing.SyncBackendContract` tests an
    implementation.
    """

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Return the value of ``key``.

        Raises:
            KeyError: the key does not exist (or has expired).
        """

    @abstractmethod
    def get_many(self, *keys: str) -> Iterator[tuple[str, bytes]]:
        """Yield ``(key, value)`` for each of ``keys`` that exists, read atomically."""

    @abstractmethod
    def set(
        self,
        key: str,
        value: bytes,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` under ``key``.

        Args:
            key: the key.
            value: the bytes to store.
            time_to_live: expire the key after this long (positive); None: never.
            if_not_exists: store only if the key does not exist.

        Returns:
            True if the value was stored, False if ``if_not_exists`` found the key.

        Raises:
            ValueError: ``time_to_live`` is not positive.
        """

    @abstractmethod
    def set_many(self, items: Items, *, time_to_live: timedelta | None = None) -> None:
        """Store several values at once (atomically), all with the same ``time_to_live``."""

    @abstractmethod
    def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline`` (a past deadline deletes it); None removes expiry.

        A naive ``deadline`` is local time, as :meth:`datetime.timestamp` reads it.
        """

    @abstractmethod
    def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live`` (0 or less deletes it); None removes expiry."""

    @abstractmethod
    def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every key of this backend (only those under its prefix)."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release what the backend holds (connections); the default does nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBackend(ABC):
    """An asynchronous store of bytes under str keys, with optional expiry.

    The async twin of :class:`SyncBackend`: the same methods as coroutines, ``get_many`` as an
    async iterator, :meth:`aclose` on exit of ``async with``.
    :class:`~keywire_cache.testing.AsyncBackendContract` tests an implementation.
    """

    @abstractmethod
    async def get(self, key: str) -> bytes:
        """Return the value of ``key``.

        Raises:
            KeyError: the key does not exist (or has expired).
        """

    @abstractmethod
    def get_many(self, *keys: str) -> AsyncIterator[tuple[str, bytes]]:
        """Yield ``(key, value)`` for each of ``keys`` that exists, read atomically."""

    @abstractmethod
    async def set(
        self,
        key: str,
        value: bytes,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` under ``key`` (see :meth:`SyncBackend.set`)."""

    @abstractmethod
    async def set_many(self, items: Items, *, time_to_live: timedelta | None = None) -> None:
        """Store several values at once (atomically), all with the same ``time_to_live``."""

    @abstractmethod
    async def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline`` (see :meth:`SyncBackend.expire_at`)."""

    @abstractmethod
    async def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live`` (see :meth:`SyncBackend.expire_in`)."""

    @abstractmethod
    async def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""

    @abstractmethod
    async def clear(self) -> None:
        """Delete every key of this backend (only those under its prefix)."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release what the backend holds (connections); the default does nothing."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def pairs(items: Items) -> list[tuple[str, bytes]]:
    """Return the ``(key, value)`` pairs of a mapping or an iterable of pairs."""
    if isinstance(items, Mapping):
        return list(items.items())
    return list(items)


def ttl_seconds(time_to_live: timedelta | None) -> float | None:
    """Return a ``set`` time-to-live in seconds (None stays None).

    Raises:
        ValueError: ``time_to_live`` is zero or negative.
    """
    if time_to_live is None:
        return None
    seconds = time_to_live.total_seconds()
    if seconds <= 0:
        raise ValueError(f"time_to_live must be positive, got {time_to_live!r}")
    return seconds


def ttl_milliseconds(seconds: float) -> int:
    """Round a positive duration up to whole milliseconds (Redis ``PX`` takes at least 1)."""
    return max(1, math.ceil(seconds * 1000))
