"""The small contract the client needs from a client-side cache (implemented by keywire-cache).

The client never imports a cache implementation: anything with these members works
(structural typing). How the client uses it:

* Before any I/O, a *cacheable* read command (single key, reply depends only on the key's
  value; see ``keywire._command_table.CACHEABLE``) asks ``get(command, key, *args)``. A hit is
  returned without touching the network; ``KeyError`` means a miss.
* On a miss the command runs, and its reply is handed to ``put(command, key, *args,
  value=reply)`` *from the connection's reply dispatch*, in stream order, so an invalidation
  push that follows the reply on the wire is always applied after the store.
* A write command calls ``invalidate(*keys)`` with its keys before it is sent.
* While ``healthy`` is false the cache is bypassed (no get, no put; writes still invalidate).
* ``confidence`` (0-100): a hit is checked against the server ``100 - confidence`` percent of
  the time; the outcome is reported with ``feedback(command, key, *args, match=...)`` and on a
  mismatch the server's value is returned.

Keys and command names are passed as ``bytes`` (``str`` keys are encoded with UTF-8); values
are raw replies as read from the connection (before the typed method's conversion).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["CacheLike"]


@runtime_checkable
class CacheLike(Protocol):
    """What ``Redis(cache=...)`` needs from a cache (see the module docstring)."""

    @property
    def healthy(self) -> bool:
        """False while cached values cannot be trusted (the client then bypasses the cache)."""
        ...

    @property
    def confidence(self) -> float:
        """Percent (0-100) of hits served without checking them against the server."""
        ...

    def get(self, command: bytes, key: bytes, *args: Any) -> Any:
        """Return the cached reply of ``command key *args``; raise ``KeyError`` on a miss."""
        ...

    def put(self, command: bytes, key: bytes, *args: Any, value: Any) -> None:
        """Store ``value`` as the reply of ``command key *args``."""
        ...

    def invalidate(self, *keys: bytes) -> None:
        """Forget every cached reply of ``keys``."""
        ...

    def feedback(self, command: bytes, key: bytes, *args: Any, match: bool) -> None:
        """Report whether a checked hit matched the server's reply."""
        ...
