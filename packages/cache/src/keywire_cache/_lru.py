"""An in-process LRU cache of command replies, bounded in Redis keys and in bytes."""

from __future__ import annotations

import copy
import math
import sys
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ._abc import AbstractCache
from ._confidence import Confidence
from ._sizing import copier_for, index_slot_bytes, is_immutable, sizeof
from ._stats import CacheStats

if TYPE_CHECKING:
    import random
    from collections.abc import Callable
    from typing import Self

__all__ = ["LRUCache"]

_getsizeof = sys.getsizeof
_EntryKey = tuple[bytes, tuple[object, ...]]


class _Missing:
    __slots__ = ()


_MISSING: Any = _Missing()


class _Mutable:
    """A stored mutable reply and the function that deep-copies it for each reader."""

    __slots__ = ("copy", "value")

    def __init__(self, value: object, copy: Callable[[Any], Any]) -> None:
        self.value = value
        self.copy = copy


class _Node:
    """The entries of one Redis key.

    Most keys hold a single entry (``GET k``), so the first entry lives in two slots of the
    node and a dict is only made for the second and later ones: that saves the smallest dict
    (about 170 bytes) per key. ``nbytes`` is the accounted size of the key (see
    ``LRUCache`` and ``_sizing``), kept exact on every change. ``hits`` counts the hits of
    the key not yet handed to the statistics.
    """

    __slots__ = ("first", "first_key", "hits", "nbytes", "rest")

    def __init__(self, first_key: _EntryKey, first: Any, nbytes: int) -> None:
        self.first_key = first_key
        self.first = first
        self.rest: dict[_EntryKey, Any] | None = None
        self.nbytes = nbytes
        # Hits not yet handed to the CacheStats (see LRUCache._flush_hits).
        self.hits = 0

    def store(self, entry_key: _EntryKey, stored: object, cost: int) -> None:
        """Insert or replace the entry ``entry_key`` (which costs ``cost`` bytes)."""
        if self.first_key == entry_key:
            self.nbytes += cost - _entry_cost(self.first_key, self.first)
            self.first_key = entry_key
            self.first = stored
            return
        rest = self.rest
        if rest is None:
            rest = self.rest = {}
            self.nbytes += _getsizeof(rest)
        else:
            old = rest.get(entry_key, _MISSING)
            if old is not _MISSING:
                # The dict keeps the key object it was first given; an equal key may differ
                # in size (1 and 1.0), so charge back the cost of the one actually stored.
                old_key = next(k for k in rest if k == entry_key)
                del rest[entry_key]
                self.nbytes -= _entry_cost(old_key, old)
        before = _getsizeof(rest)
        rest[entry_key] = stored
        self.nbytes += cost + _getsizeof(rest) - before

    def discard(self, entry_key: _EntryKey, cost: int) -> bool:
        """Remove the entry just stored under ``entry_key``; return True if none is left."""
        self.nbytes -= cost
        rest = self.rest
        if self.first_key == entry_key:
            if rest is None:
                return True
            self.first_key, self.first = rest.popitem()
        else:
            assert rest is not None
            del rest[entry_key]
        if not rest:
            self.nbytes -= _getsizeof(rest)
            self.rest = None
        return False

    def entry_count(self) -> int:
        return 1 if self.rest is None else 1 + len(self.rest)


_NODE_BYTES = _getsizeof(_Node((b"", ()), None, 0))
_ENTRY_KEY_BYTES = _getsizeof((b"", ()))
_MUTABLE_BYTES = _getsizeof(_Mutable(None, list.copy))


def _entry_cost(entry_key: _EntryKey, stored: object) -> int:
    """Accounted bytes of one entry: its (command, args) tuple, the args, the reply."""
    args = entry_key[1]
    # The command name is interned by the cache, so entries share it; () is a singleton.
    cost = _ENTRY_KEY_BYTES + (sizeof(args) if args else 0)
    if isinstance(stored, _Mutable):
        return cost + _MUTABLE_BYTES + sizeof(stored.value)
    return cost + sizeof(stored)


class LRUCache(AbstractCache):
    """An in-process cache of replies with least-recently-used eviction (no I/O).

    Entries are keyed by Redis key, then by ``(command, args)``: ``GET k`` and
    ``LRANGE k 0 -1`` are two entries of the key ``k``. Keys may be ``bytes`` or ``str``; they
    are stored as bytes (UTF-8), so ``invalidate(b"k")`` removes what ``put(..., "k", ...)``
    stored and vice versa.

    Bounds (a negative bound means unbounded, with no hidden cap):

    - ``max_keys`` bounds the number of Redis *keys*, not entries; a key holds any number of
      entries.
    - ``max_size_bytes`` bounds the accounted memory of everything the cache holds.

    When a :meth:`put` takes the cache over either bound, whole keys are evicted, least
    recently used first; any :meth:`get` hit or :meth:`put` of an entry of a key makes the key
    the most recently used. An entry whose key would not fit in ``max_size_bytes`` even alone
    is not stored (and an entry it would have replaced is dropped); a bound of 0 stores nothing.

    Accounting, in bytes (measured, see ``keywire_cache._sizing``): per key, its bytes object,
    the node object holding its entries (plus the dict of its second and later entries, at its
    current ``sys.getsizeof``), and one slot of the key index (measured on the running
    interpreter); per entry, the ``(command, args)`` tuple, the arguments and the reply,
    recursively. Command names are interned, so entries share them and they are not counted
    per entry. Statistics are bounded separately (``CacheStats(max_keys=...)``).

    Copy-safety: immutable replies (``bytes``, ``str``, numbers, ``None``, tuples of these)
    are stored and returned as they are, so a hit on one is two dict lookups. Mutable replies
    (``list``, ``dict``, ``set``, nested) are deep-copied on :meth:`put` and again on every
    :meth:`get` hit, so no caller can change what the cache holds.

    Not thread-safe: use it from one thread (one event loop).

    Args:
        max_keys: the most Redis keys held (negative: unbounded).
        max_size_bytes: the most accounted bytes held (negative: unbounded).
        confidence: the initial :attr:`confidence`, 0-100.
        dynamic_confidence: whether :meth:`feedback` moves the confidence (see
            :class:`~keywire_cache.Confidence`).
        stats: statistics to record into (a new ``CacheStats()`` if None).
        rng: random source of the confidence (a seeded one makes tests reproducible).

    Raises:
        ValueError: ``confidence`` is outside ``[0, 100]``.
    """

    __slots__ = (
        "__weakref__",
        "_commands",
        "_confidence",
        "_healthy",
        "_hit_keys",
        "_keys",
        "_max_bytes",
        "_max_keys",
        "_max_keys_arg",
        "_max_size_arg",
        "_size_bytes",
        "_slot_bytes",
        "_stats",
    )

    def __init__(
        self,
        max_keys: int = 2**12,
        max_size_bytes: int = 64 * 1024 * 1024,
        *,
        confidence: float = 100.0,
        dynamic_confidence: bool = False,
        stats: CacheStats | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._max_keys_arg = max_keys
        self._max_size_arg = max_size_bytes
        self._max_keys: float = max_keys if max_keys >= 0 else math.inf
        self._max_bytes: float = max_size_bytes if max_size_bytes >= 0 else math.inf
        self._confidence = Confidence(confidence, dynamic_confidence, rng)
        self._stats = stats if stats is not None else CacheStats()
        self._stats._add_source(self)
        self._keys: OrderedDict[bytes, _Node] = OrderedDict()
        # Keys whose node went from 0 to 1 unreported hit since the last _flush_hits.
        self._hit_keys: list[bytes] = []
        self._commands: dict[bytes, bytes] = {}
        self._size_bytes = 0
        self._slot_bytes = index_slot_bytes()
        self._healthy = True

    # -- the AbstractCache interface ---------------------------------------------------------

    async def initialize(self, client: Any) -> Self:
        """Mark the cache healthy (again) and return it; an LRU cache needs nothing else.

        Args:
            client: the client that will use the cache (unused).
        """
        self._healthy = True
        return self

    @property
    def healthy(self) -> bool:
        """True unless :meth:`shutdown` was called (and :meth:`initialize` was not since)."""
        return self._healthy

    @property
    def confidence(self) -> float:
        """The current confidence, 0-100."""
        return self._confidence.value

    @property
    def stats(self) -> CacheStats:
        """The statistics this cache records into."""
        return self._stats

    def get(self, command: bytes, key: bytes | str, *args: object) -> object:
        """Return the cached reply of ``command key *args`` (a copy if it is mutable).

        Raises:
            KeyError: nothing is cached for this command, key and arguments.
        """
        if isinstance(key, str):
            key = key.encode()
        node = self._keys.get(key)
        if node is not None:
            entry_key = (command, args)
            if node.first_key == entry_key:
                value = node.first
            elif node.rest is not None:
                try:
                    value = node.rest.get(entry_key, _MISSING)
                except TypeError:  # unhashable arguments are never stored
                    value = _MISSING
            else:
                value = _MISSING
            if value is not _MISSING:
                self._keys.move_to_end(key)
                # Counted on the node, not in CacheStats: this is the hot path.
                hits = node.hits
                if not hits:
                    self._note_hit_key(key)
                node.hits = hits + 1
                if value.__class__ is _Mutable:
                    return value.copy(value.value)
                return value
        self._stats.miss(key)
        raise KeyError(key)

    def put(self, command: bytes, key: bytes | str, *args: object, value: object) -> None:
        """Store ``value`` as the reply of ``command key *args``, evicting as needed.

        Nothing is stored after :meth:`shutdown`, when the arguments are not hashable, when
        the reply cannot be copied (or is nested too deep to walk), or when the key would not
        fit in ``max_size_bytes`` even alone.
        """
        if not self._healthy or self._max_keys == 0:
            return
        if isinstance(key, str):
            key = key.encode()
        command = self._commands.setdefault(command, command)
        entry_key = (command, args)
        try:
            hash(entry_key)
        except TypeError:
            return
        try:
            if is_immutable(value):
                stored = value
            else:
                copier = copier_for(value)
                stored = _Mutable(copier(value), copier)
            cost = _entry_cost(entry_key, stored)
        except (RecursionError, TypeError, copy.Error):
            # Nested deeper than the interpreter can walk, or an object that cannot be copied
            # (a memoryview): caching is best effort, such a reply is simply not stored.
            return
        keys = self._keys
        node = keys.get(key)
        if node is None:
            node = _Node(entry_key, stored, self._key_bytes(key) + cost)
            if node.nbytes > self._max_bytes:
                return
            keys[key] = node
            self._size_bytes += node.nbytes
        else:
            before = node.nbytes
            node.store(entry_key, stored, cost)
            emptied = node.nbytes > self._max_bytes and node.discard(entry_key, cost)
            self._size_bytes += node.nbytes - before
            if emptied:
                del keys[key]
                self._drop(key, node)
                return
            keys.move_to_end(key)
        self._evict()

    def invalidate(self, *keys: bytes | str) -> None:
        """Drop every entry of each key, counting one invalidation per key given."""
        index = self._keys
        stats = self._stats
        for given in keys:
            key = given.encode() if isinstance(given, str) else given
            node = index.pop(key, None)
            if node is not None:
                self._drop(key, node)
            stats.invalidate(key)

    def feedback(self, command: bytes, key: bytes | str, *args: object, match: bool) -> None:
        """Record a verification; on a mismatch, count the key dirty and drop all its entries.

        A drifted reply says the key changed without an invalidation reaching the cache, so
        every entry of the key is dropped, not only ``(command, args)``.
        """
        self._confidence.feedback(match)
        if not match:
            if isinstance(key, str):
                key = key.encode()
            self._stats.mark_dirty(key)
            node = self._keys.pop(key, None)
            if node is not None:
                self._drop(key, node)

    def get_client_id(self, connection: Any) -> int | None:
        """Return None: an LRU cache receives no invalidations of its own."""
        return None

    def reset(self) -> None:
        """Empty the cache and its statistics, and return confidence to its initial value."""
        self.clear()
        self._commands.clear()
        self._stats.clear()
        self._confidence.reset()

    def shutdown(self) -> None:
        """Empty the cache and mark it unhealthy until :meth:`initialize` is called."""
        self.clear()
        self._healthy = False

    # -- more than the interface ---------------------------------------------------------------

    def clear(self) -> None:
        """Drop every entry (statistics and confidence are kept)."""
        self._flush_hits()
        # A new index: dicts keep their table size when emptied.
        self._keys = OrderedDict()
        self._size_bytes = 0

    @property
    def max_keys(self) -> int:
        """The bound on Redis keys, as given (negative: unbounded)."""
        return self._max_keys_arg

    @property
    def max_size_bytes(self) -> int:
        """The bound on accounted bytes, as given (negative: unbounded)."""
        return self._max_size_arg

    @property
    def size_bytes(self) -> int:
        """The accounted bytes held now (see the class docstring)."""
        return self._size_bytes

    @property
    def entry_count(self) -> int:
        """The number of entries (all keys, all ``(command, args)``); O(keys)."""
        return sum(node.entry_count() for node in self._keys.values())

    def __len__(self) -> int:
        """The number of Redis keys held."""
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        """Whether any entry of ``key`` (bytes or str) is held; does not refresh it."""
        if isinstance(key, str):
            key = key.encode()
        return key in self._keys

    def __repr__(self) -> str:
        return (
            f"LRUCache(keys={len(self._keys)}, size_bytes={self._size_bytes},"
            f" max_keys={self._max_keys_arg}, max_size_bytes={self._max_size_arg})"
        )

    # -- internals -----------------------------------------------------------------------------

    def _key_bytes(self, key: bytes) -> int:
        return _getsizeof(key) + self._slot_bytes + _NODE_BYTES

    def _evict(self) -> None:
        keys = self._keys
        while len(keys) > self._max_keys or self._size_bytes > self._max_bytes:
            key, node = keys.popitem(last=False)
            self._drop(key, node)

    def _drop(self, key: bytes, node: _Node) -> None:
        """Account for a node just taken out of the index."""
        self._size_bytes -= node.nbytes
        if node.hits:
            self._stats.hit(key, node.hits)
            node.hits = 0

    def _note_hit_key(self, key: bytes) -> None:
        hit_keys = self._hit_keys
        hit_keys.append(key)
        # Nodes come and go between reads of the statistics: bound the list all the same.
        if len(hit_keys) > 2 * len(self._keys) + 64:
            self._flush_hits()

    def _flush_hits(self) -> None:
        """Hand the hits counted on nodes to the statistics (called by CacheStats on reads)."""
        keys = self._keys
        stats = self._stats
        for key in self._hit_keys:
            node = keys.get(key)
            if node is not None and node.hits:
                stats.hit(key, node.hits)
                node.hits = 0
        self._hit_keys.clear()

    def _recount(self) -> int:
        """Recompute the accounted size from scratch (for tests of the bookkeeping)."""
        total = 0
        for key, node in self._keys.items():
            total += self._key_bytes(key)
            total += _entry_cost(node.first_key, node.first)
            if node.rest is not None:
                total += _getsizeof(node.rest)
                total += sum(_entry_cost(k, v) for k, v in node.rest.items())
        return total
