"""The interface a client-side cache offers a Redis client (DESIGN.md section 9)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import Self

    from ._stats import CacheStats

__all__ = ["AbstractCache"]


class AbstractCache(ABC):
    """A cache of command replies, keyed by Redis key, then by command and arguments.

    A client calls :meth:`get` before sending a cacheable read and :meth:`put` after reading
    the reply; it calls :meth:`invalidate` when the server (or a local write) says a key
    changed. A key holds one entry per ``(command, args)``, so ``GET k`` and ``STRLEN k`` are
    separate entries of key ``k`` and one invalidation of ``k`` removes both. Keys may be given
    as ``bytes`` or ``str``; a ``str`` key is the same key as its UTF-8 encoding.

    The keywire client declares a small typing ``Protocol`` of these members; any subclass (or
    any object with these members) works with it. :mod:`keywire_cache.testing` has a contract
    test suite to run against an implementation.
    """

    __slots__ = ()

    @abstractmethod
    async def initialize(self, client: Any) -> Self:
        """Attach the cache to ``client`` (and open what it needs); return the cache itself.

        Args:
            client: the Redis client that will use this cache.
        """

    @property
    @abstractmethod
    def healthy(self) -> bool:
        """Whether the cache may serve replies now; a client bypasses an unhealthy cache."""

    @property
    @abstractmethod
    def confidence(self) -> float:
        """Confidence in the cache, 0-100: the client verifies ``100 - confidence`` % of hits."""

    @property
    @abstractmethod
    def stats(self) -> CacheStats:
        """Hit, miss, invalidation and drift statistics."""

    @abstractmethod
    def get(self, command: bytes, key: bytes | str, *args: object) -> object:
        """Return the cached reply of ``command key *args``.

        Args:
            command: the command name, for example ``b"GET"``.
            key: the Redis key the command reads.
            *args: the other arguments of the command.

        Returns:
            The reply; a mutable reply is a copy the caller may change.

        Raises:
            KeyError: nothing is cached for this command, key and arguments.
        """

    @abstractmethod
    def put(self, command: bytes, key: bytes | str, *args: object, value: object) -> None:
        """Store ``value`` as the reply of ``command key *args`` (best effort).

        Args:
            command: the command name.
            key: the Redis key the command reads.
            *args: the other arguments of the command.
            value: the reply; the cache keeps its own copy of a mutable value.
        """

    @abstractmethod
    def invalidate(self, *keys: bytes | str) -> None:
        """Drop every entry of each of ``keys``.

        Args:
            *keys: Redis keys that changed.
        """

    @abstractmethod
    def feedback(self, command: bytes, key: bytes | str, *args: object, match: bool) -> None:
        """Report whether a verified cached reply matched the server's.

        Args:
            command: the command name.
            key: the Redis key.
            *args: the other arguments.
            match: False if the cached reply had drifted from the server's.
        """

    @abstractmethod
    def get_client_id(self, connection: Any) -> int | None:
        """Return the client id invalidations for ``connection`` are redirected to.

        Args:
            connection: a connection of the client.

        Returns:
            The id of the cache's own invalidation connection (RESP2 ``REDIRECT``), or None
            when invalidations arrive on the data connection itself or the cache needs none.
        """

    @abstractmethod
    def reset(self) -> None:
        """Empty the cache and its statistics, and return confidence to its initial value."""

    @abstractmethod
    def shutdown(self) -> None:
        """Empty the cache and release what :meth:`initialize` opened."""
