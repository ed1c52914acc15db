"""``Cache`` and ``AsyncCache``: values in, serializer, backend (cachetory's shape)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from .._errors import BackendUnavailableError
from ._backends import AsyncBackend, SyncBackend
from ._memory import AsyncMemoryBackend, MemoryBackend
from ._redis import AsyncRedisBackend
from ._serializers import Serializer, get_serializer
from ._url import MEMORY_SCHEMES, parse_cache_url

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime, timedelta
    from types import TracebackType
    from typing import Self

__all__ = ["AsyncCache", "Cache", "async_backend_from_url", "sync_backend_from_url"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def sync_backend_from_url(url: str) -> SyncBackend:
    """Make a synchronous backend from its URL.

    Raises:
        InvalidCacheURLError: unknown scheme or malformed URL.
        BackendUnavailableError: the URL names the Redis backend, which has no sync client yet.
    """
    parsed = parse_cache_url(url)
    if parsed.scheme in MEMORY_SCHEMES:
        return MemoryBackend(prefix=parsed.prefix)
    raise BackendUnavailableError(
        f"the synchronous Redis backend is not available yet ({parsed.scheme}:// needs a sync"
        " keywire client, which does not exist yet): use AsyncCache.from_url(...) instead"
    )


def async_backend_from_url(url: str) -> AsyncBackend:
    """Make an asynchronous backend from its URL.

    Raises:
        InvalidCacheURLError: unknown scheme or malformed URL.
        BackendUnavailableError: the Redis backend needs ``keywire-cache[redis]``.
    """
    parsed = parse_cache_url(url)
    if parsed.scheme in MEMORY_SCHEMES:
        return AsyncMemoryBackend(prefix=parsed.prefix)
    return AsyncRedisBackend.from_url(url)


def _items(items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Iterable[tuple[str, Any]]:
    return items.items() if isinstance(items, Mapping) else items


class Cache:
    """A synchronous application cache: values are serialized and kept in a backend.

    ``Cache()`` keeps pickled values in process memory. Keys are str. The cache is a context
    manager that closes its backend on exit.

    Example::

        with Cache("memory://", serializer="json") as cache:
            cache.set("answer", 42, time_to_live=timedelta(minutes=5))
            assert cache.get("answer") == 42
            assert cache.get("missing", None) is None

    Args:
        backend: a backend URL (``"memory://"``) or a :class:`SyncBackend`.
        serializer: ``"pickle"`` (default), ``"json"``, ``"msgpack"``, ``"noop"`` or a
            :class:`Serializer`.

    Raises:
        InvalidCacheURLError: the URL is malformed or its scheme unknown.
        BackendUnavailableError: the backend needs something not installed or not built yet
            (the Redis backend has no sync client yet).
        SerializerUnavailableError: the serializer needs a package not installed.
        TypeError: ``backend`` is an async backend.
    """

    def __init__(
        self, backend: str | SyncBackend = "memory://", *, serializer: str | Serializer = "pickle"
    ) -> None:
        if isinstance(backend, str):
            backend = sync_backend_from_url(backend)
        elif isinstance(cast("object", backend), AsyncBackend):
            raise TypeError("Cache needs a synchronous backend; use AsyncCache with an async one")
        self.backend: SyncBackend = backend
        self.serializer: Serializer = get_serializer(serializer)

    @classmethod
    def from_url(cls, url: str, *, serializer: str | Serializer = "pickle") -> Self:
        """Make a cache over the backend named by ``url`` (see :class:`Cache`)."""
        return cls(url, serializer=serializer)

    def get(self, key: str, default: Any = _MISSING) -> Any:
        """Return the value of ``key``, or ``default`` if it is missing.

        Raises:
            KeyError: the key is missing and no ``default`` was given.
            SerializationError: the stored bytes cannot be deserialized.
        """
        try:
            data = self.backend.get(key)
        except KeyError:
            if default is _MISSING:
                raise
            return default
        return self.serializer.deserialize(data)

    def get_many(self, *keys: str) -> dict[str, Any]:
        """Return ``{key: value}`` for the keys that exist, read atomically."""
        deserialize = self.serializer.deserialize
        return {key: deserialize(data) for key, data in self.backend.get_many(*keys)}

    def set(
        self,
        key: str,
        value: Any,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` under ``key``.

        Args:
            key: the key.
            value: the value (anything the serializer takes).
            time_to_live: expire after this long (positive); None: never.
            if_not_exists: store only if ``key`` does not exist.

        Returns:
            True if stored, False if ``if_not_exists`` found the key.

        Raises:
            ValueError: ``time_to_live`` is not positive.
            SerializationError: the serializer cannot encode ``value``.
        """
        data = self.serializer.serialize(value)
        return self.backend.set(key, data, time_to_live=time_to_live, if_not_exists=if_not_exists)

    def set_many(
        self,
        items: Mapping[str, Any] | Iterable[tuple[str, Any]],
        *,
        time_to_live: timedelta | None = None,
    ) -> None:
        """Store several values atomically (a mapping or ``(key, value)`` pairs)."""
        serialize = self.serializer.serialize
        data = [(key, serialize(value)) for key, value in _items(items)]
        self.backend.set_many(data, time_to_live=time_to_live)

    def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline``; None removes the expiry."""
        self.backend.expire_at(key, deadline)

    def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live``; None removes the expiry."""
        self.backend.expire_in(key, time_to_live)

    def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        return self.backend.delete(key)

    def clear(self) -> None:
        """Delete every key of this cache (only the backend's own prefix)."""
        self.backend.clear()

    def close(self) -> None:
        """Close the backend."""
        self.backend.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Cache({self.backend!r}, serializer={self.serializer!r})"


class AsyncCache:
    """An asynchronous application cache; the async twin of :class:`Cache`.

    Example::

        async with AsyncCache.from_url("redis://localhost/0?prefix=app:") as cache:
            await cache.set("answer", 42, time_to_live=timedelta(minutes=5))
            assert await cache.get("answer") == 42

    Args:
        backend: a backend URL (``"memory://"``, ``"redis://..."``) or an
            :class:`AsyncBackend`.
        serializer: as for :class:`Cache`.

    Raises:
        InvalidCacheURLError: the URL is malformed or its scheme unknown.
        BackendUnavailableError: the Redis backend needs ``keywire-cache[redis]``.
        SerializerUnavailableError: the serializer needs a package not installed.
        TypeError: ``backend`` is a sync backend.
    """

    def __init__(
        self,
        backend: str | AsyncBackend = "memory://",
        *,
        serializer: str | Serializer = "pickle",
    ) -> None:
        if isinstance(backend, str):
            backend = async_backend_from_url(backend)
        elif isinstance(cast("object", backend), SyncBackend):
            raise TypeError("AsyncCache needs an async backend; use Cache with a sync one")
        self.backend: AsyncBackend = backend
        self.serializer: Serializer = get_serializer(serializer)

    @classmethod
    def from_url(cls, url: str, *, serializer: str | Serializer = "pickle") -> Self:
        """Make a cache over the backend named by ``url`` (see :class:`AsyncCache`)."""
        return cls(url, serializer=serializer)

    async def get(self, key: str, default: Any = _MISSING) -> Any:
        """Return the value of ``key``, or ``default`` if it is missing (see :meth:`Cache.get`).

        Raises:
            KeyError: the key is missing and no ``default`` was given.
        """
        try:
            data = await self.backend.get(key)
        except KeyError:
            if default is _MISSING:
                raise
            return default
        return self.serializer.deserialize(data)

    async def get_many(self, *keys: str) -> dict[str, Any]:
        """Return ``{key: value}`` for the keys that exist, read atomically."""
        deserialize = self.serializer.deserialize
        return {key: deserialize(data) async for key, data in self.backend.get_many(*keys)}

    async def set(
        self,
        key: str,
        value: Any,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """Store ``value`` under ``key`` (see :meth:`Cache.set`)."""
        data = self.serializer.serialize(value)
        return await self.backend.set(
            key, data, time_to_live=time_to_live, if_not_exists=if_not_exists
        )

    async def set_many(
        self,
        items: Mapping[str, Any] | Iterable[tuple[str, Any]],
        *,
        time_to_live: timedelta | None = None,
    ) -> None:
        """Store several values atomically (a mapping or ``(key, value)`` pairs)."""
        serialize = self.serializer.serialize
        data = [(key, serialize(value)) for key, value in _items(items)]
        await self.backend.set_many(data, time_to_live=time_to_live)

    async def expire_at(self, key: str, deadline: datetime | None) -> None:
        """Expire ``key`` at ``deadline``; None removes the expiry."""
        await self.backend.expire_at(key, deadline)

    async def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """Expire ``key`` after ``time_to_live``; None removes the expiry."""
        await self.backend.expire_in(key, time_to_live)

    async def delete(self, key: str) -> bool:
        """Delete ``key``; return whether it existed."""
        return await self.backend.delete(key)

    async def clear(self) -> None:
        """Delete every key of this cache (only the backend's own prefix)."""
        await self.backend.clear()

    async def aclose(self) -> None:
        """Close the backend (and the client it made)."""
        await self.backend.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncCache({self.backend!r}, serializer={self.serializer!r})"
