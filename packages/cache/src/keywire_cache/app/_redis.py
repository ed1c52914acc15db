"""The Redis backend (``redis://``, ``rediss://``, ``redis+unix://``), written against a Protocol.

keywire-cache imports no other keywire package: this module names the client methods it needs
in :class:`AsyncRedisLike`, and :meth:`AsyncRedisBackend.from_url` loads the keywire client
(the ``keywire-cache[redis]`` extra) only when asked to connect.
"""

from __future__ import annotations

import importlib
import math
from typing import TYPE_CHECKING, Any, Protocol, cast

from .._errors import BackendUnavailableError, InvalidCacheURLError
from ._backends import AsyncBackend, Items, pairs, ttl_milliseconds, ttl_seconds
from ._url import DEFAULT_REDIS_PREFIX, REDIS_SCHEMES, mask_url, parse_cache_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
    from datetime import datetime, timedelta

__all__ = ["AsyncRedisBackend", "AsyncRedisLike", "AsyncRedisPipelineLike"]

_SCAN_COUNT = 1000
_GLOB_SPECIALS = frozenset("*?[]\\")


class AsyncRedisPipelineLike(Protocol):
    """A transaction (``MULTI`` ... ``EXEC``) being queued: ``set`` queues, ``execute`` runs."""

    def set(self, key: str, value: bytes, /, *, px: int | None = None) -> object:
        """Queue ``SET key value [PX px]`` (the return value is ignored)."""
        ...

    def execute(self) -> Awaitable[Sequence[object]]:
        """Send the queued commands in one transaction; return their replies."""
        ...


class AsyncRedisLike(Protocol):
    """What :class:`AsyncRedisBackend` needs from an async Redis client.

    Methods return awaitables (``async def`` methods qualify). Replies are bytes (the client
    must not decode responses). Multi-key methods take a sequence of keys, as keywire's (and
    coredis') do. Positional parameters are positional-only here, so a client may name them as
    it likes.
    """

    def get(self, key: str, /) -> Awaitable[bytes | None]:
        """``GET key``: the value, or None."""
        ...

    def mget(self, keys: Sequence[str], /) -> Awaitable[Sequence[bytes | None]]:
        """``MGET keys...``: one value or None per key."""
        ...

    def set(
        self, key: str, value: bytes, /, *, px: int | None = None, nx: bool = False
    ) -> Awaitable[object]:
        """``SET key value [PX px] [NX]``: truthy if stored, None/False if NX found the key."""
        ...

    # The backend passes str keys; the key type is Any because Mapping is invariant in its
    # keys, so a client taking Mapping[str | bytes, ...] would not match Mapping[str, ...].
    def mset(self, mapping: Mapping[Any, bytes], /) -> Awaitable[object]:
        """``MSET key value [key value ...]`` (one atomic command)."""
        ...

    def delete(self, keys: Sequence[str], /) -> Awaitable[int]:
        """``DEL keys...``: how many existed."""
        ...

    def pexpire(self, key: str, milliseconds: int, /) -> Awaitable[object]:
        """``PEXPIRE key ms``."""
        ...

    def pexpireat(self, key: str, unix_time_milliseconds: int, /) -> Awaitable[object]:
        """``PEXPIREAT key unix-ms``."""
        ...

    def persist(self, key: str, /) -> Awaitable[object]:
        """``PERSIST key``."""
        ...

    def scan_iter(self, *, match: str, count: int) -> AsyncIterator[bytes | str]:
        """``SCAN`` with ``MATCH`` and ``COUNT``, yielding keys until the cursor is 0."""
        ...

    def unlink(self, keys: Sequence[str | bytes], /) -> Awaitable[int]:
        """``UNLINK keys...``."""
        ...

    def pipeline(self, *, transaction: bool = True) -> AsyncRedisPipelineLike:
        """A pipeline; with ``transaction=True`` it runs in ``MULTI`` / ``EXEC``."""
        ...

    def aclose(self) -> Awaitable[None]:
        """Close the client's connections."""
        ...


# The members of AsyncRedisLike, checked on the client from_url makes.
_NEEDED = (
    "get",
    "mget",
    "set",
    "mset",
    "delete",
    "pexpire",
    "pexpireat",
    "persist",
    "scan_iter",
    "unlink",
    "pipeline",
    "aclose",
)


def _glob_escape(text: str) -> str:
    """Escape ``text`` for a ``SCAN MATCH`` pattern, so the prefix matches only itself."""
    return "".join("\\" + char if char in _GLOB_SPECIALS else char for char in text)


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    raise TypeError(
        f"the Redis client returned {type(value).__name__}, not bytes:"
        " the cache backend needs a client that does not decode responses"
    )


class AsyncRedisBackend(AsyncBackend):
    """An asynchronous backend storing values in Redis (or Valkey) under a key prefix.

    Every key is stored as ``prefix + key``; :meth:`get_many` applies the prefix too, and
    :meth:`clear` deletes only the keys under the prefix (``SCAN MATCH prefix*`` and
    ``UNLINK`` in batches), never the whole database. ``get_many`` is one ``MGET``;
    ``set_many`` is one ``MSET``, or with a TTL one ``MULTI`` / ``SET PX``... / ``EXEC``
    transaction (in a cluster these are atomic only when the keys share a hash slot: put a
    hash tag in the prefix, such as ``"{app}:"``).

    Args:
        client: the async Redis client (see :class:`AsyncRedisLike`).
        prefix: the key prefix; it may not be empty.
        owns_client: close the client in :meth:`aclose` (true for :meth:`from_url`).

    Raises:
        ValueError: ``prefix`` is empty.
    """

    def __init__(
        self,
        client: AsyncRedisLike,
        *,
        prefix: str = DEFAULT_REDIS_PREFIX,
        owns_client: bool = False,
    ) -> None:
        if not prefix:
            raise ValueError("the Redis backend needs a non-empty key prefix")
        self.client = client
        self.prefix = prefix
        self.owns_client = owns_client

    @classmethod
    def from_url(cls, url: str) -> AsyncRedisBackend:
        """Connect to the server named by a ``redis://``, ``rediss://`` or ``redis+unix://`` URL.

        The ``prefix`` query option sets the key prefix (default ``"keywire-cache:"``); the
        other options and the rest of the URL go to the keywire client's ``Redis.from_url``
        (e.g. ``protocol=2``, ``socket_timeout=1``, ``client_name=app``). The client connects
        on first use.

        Raises:
            InvalidCacheURLError: the URL is not a valid Redis URL, the client refuses one of
                its options, or it asks for ``decode_responses`` (the cache stores bytes).
            BackendUnavailableError: the keywire client is not installed, or lacks what the
                backend needs.
        """
        parsed = parse_cache_url(url)
        if parsed.scheme not in REDIS_SCHEMES:
            raise InvalidCacheURLError(
                f"{cls.__name__} takes redis://, rediss:// or redis+unix:// URLs,"
                f" got {mask_url(url)!r}"
            )
        return cls(_connect(parsed.client_url()), prefix=parsed.prefix, owns_client=True)

    async def get(self, key: str) -> bytes:
        """``GET prefix+key`` (raises KeyError if missing)."""
        value = await self.client.get(self.prefix + key)
        if value is None:
            raise KeyError(key)
        return _as_bytes(value)

    async def get_many(self, *keys: str) -> AsyncIterator[tuple[str, bytes]]:
        """One ``MGET`` of the prefixed keys; yields the keys that exist."""
        if not keys:
            return
        prefix = self.prefix
        values = await self.client.mget([prefix + key for key in keys])
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                yield key, _as_bytes(value)

    async def set(
        self,
        key: str,
        value: bytes,
        *,
        time_to_live: timedelta | None = None,
        if_not_exists: bool = False,
    ) -> bool:
        """``SET prefix+key value [PX ms] [NX]`` (see :meth:`SyncBackend.set`)."""
        px = _px(time_to_live)
        reply = await self.client.set(self.prefix + key, value, px=px, nx=if_not_exists)
        return bool(reply)

    async def set_many(self, items: Items, *, time_to_live: timedelta | None = None) -> None:
        """Without a TTL one ``MSET``; with one, ``SET ... PX`` for each key in one
        ``MULTI`` / ``EXEC`` transaction (values and TTLs land together, or not at all).

        A key given twice takes its last value, as with successive ``set`` calls.
        """
        px = _px(time_to_live)
        todo = pairs(items)
        if not todo:
            return
        prefix = self.prefix
        if px is None:
            await self.client.mset({prefix + key: value for key, value in todo})
            return
        pipe = self.client.pipeline(transaction=True)
        for key, value in todo:
            pipe.set(prefix + key, value, px=px)
        await pipe.execute()

    async def expire_at(self, key: str, deadline: datetime | None) -> None:
        """``PEXPIREAT`` (a past deadline deletes the key); None: ``PERSIST``."""
        if deadline is None:
            await self.client.persist(self.prefix + key)
        else:
            ms = math.ceil(deadline.timestamp() * 1000)
            await self.client.pexpireat(self.prefix + key, ms)

    async def expire_in(self, key: str, time_to_live: timedelta | None) -> None:
        """``PEXPIRE`` (0 or less deletes the key); None: ``PERSIST``."""
        if time_to_live is None:
            await self.client.persist(self.prefix + key)
            return
        seconds = time_to_live.total_seconds()
        if seconds <= 0:
            await self.client.delete([self.prefix + key])
        else:
            await self.client.pexpire(self.prefix + key, ttl_milliseconds(seconds))

    async def delete(self, key: str) -> bool:
        """``DEL prefix+key``."""
        return bool(await self.client.delete([self.prefix + key]))

    async def clear(self) -> None:
        """Delete the keys under the prefix: ``SCAN MATCH`` and ``UNLINK`` in batches."""
        batch: list[str | bytes] = []
        async for key in self.client.scan_iter(
            match=_glob_escape(self.prefix) + "*", count=_SCAN_COUNT
        ):
            batch.append(key)
            if len(batch) >= _SCAN_COUNT:
                await self.client.unlink(batch)
                batch = []
        if batch:
            await self.client.unlink(batch)

    async def aclose(self) -> None:
        """Close the client if this backend made it."""
        if self.owns_client:
            await self.client.aclose()

    def __repr__(self) -> str:
        return f"AsyncRedisBackend(prefix={self.prefix!r})"


def _px(time_to_live: timedelta | None) -> int | None:
    seconds = ttl_seconds(time_to_live)
    return None if seconds is None else ttl_milliseconds(seconds)


def _connect(client_url: str) -> AsyncRedisLike:
    """Make a keywire client for ``client_url``, or say clearly why that is not possible."""
    try:
        keywire: Any = importlib.import_module("keywire")
    except ImportError as exc:
        raise BackendUnavailableError(
            "the Redis backend needs the keywire client (pip install keywire-cache[redis])"
        ) from exc
    from_url = getattr(getattr(keywire, "Redis", None), "from_url", None)
    if from_url is None:
        raise BackendUnavailableError(
            "the Redis backend needs the keywire client (pip install keywire-cache[redis]);"
            " the installed keywire has no Redis.from_url"
        )
    try:
        client = from_url(client_url)
    except ValueError as exc:  # keywire.InvalidURLError; its message masks the password
        raise InvalidCacheURLError(f"the Redis client refused the URL: {exc}") from exc
    missing = [name for name in _NEEDED if not callable(getattr(client, name, None))]
    if missing:
        raise BackendUnavailableError(
            "the Redis backend needs the keywire client (pip install keywire-cache[redis]);"
            f" the installed client lacks {', '.join(missing)}"
        )
    if getattr(getattr(client, "config", None), "decode_responses", False) is True:
        # Nothing to close: the client connects on first use.
        raise InvalidCacheURLError(
            "the Redis backend stores bytes: drop decode_responses from the URL"
            f" {mask_url(client_url)!r}"
        )
    return cast("AsyncRedisLike", client)
