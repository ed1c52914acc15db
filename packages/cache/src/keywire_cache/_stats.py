"""Cache statistics with bounded per-key memory and exact totals."""

from __future__ import annotations

import heapq
import weakref
from collections import Counter
from typing import Protocol

__all__ = ["CacheStats"]


class _HitSource(Protocol):
    """A cache that counts hits itself (on its entries) and hands them over when asked."""

    def _flush_hits(self) -> None: ...


class _Tally:
    """One kind of event: a bounded per-key Counter and an exact total."""

    __slots__ = ("counter", "keep", "limit", "total")

    def __init__(self, limit: int) -> None:
        self.counter: Counter[bytes] = Counter()
        self.total = 0
        self.limit = limit
        self.keep = limit - limit // 4

    def add(self, key: bytes | str, count: int = 1) -> None:
        self.total += count
        limit = self.limit
        if limit == 0:
            return
        if isinstance(key, str):
            key = key.encode()
        counter = self.counter
        counter[key] += count
        if 0 < limit < len(counter):
            _trim(counter, self.keep)

    def clear(self) -> None:
        self.counter.clear()
        self.total = 0


class CacheStats:
    """Hits, misses, invalidations and dirty (drifted) values of a cache.

    Each event is counted twice: in an exact total, reported by :attr:`summary`, and in a
    per-key :class:`collections.Counter` (:attr:`hits`, :attr:`misses`, :attr:`invalidations`,
    :attr:`dirty`) that tells *which* keys the events were about.

    The per-key counters are bounded: each keeps at most ``max_keys`` keys. When a counter
    grows past that, it drops its keys with the smallest counts until a quarter of the room is
    free again (it keeps ``max_keys - max_keys // 4`` keys; among equal counts the keys counted
    first are dropped first). Frequent keys therefore stay and one-off keys come and go; the
    cost is amortised O(log max_keys) per new key. ``max_keys=0`` keeps no per-key counts and
    a negative ``max_keys`` keeps every key. The totals in :attr:`summary` are exact whatever the
    bound.

    Keys given as ``str`` are counted under their UTF-8 encoding, so ``"k"`` and ``b"k"`` are
    one key. One ``CacheStats`` may be shared by several caches.

    A cache hit is the hot path, so :class:`~keywire_cache.LRUCache` does not call :meth:`hit`:
    it counts hits on its own entries and hands them over whenever these statistics are read
    (and when entries leave the cache), so every read still sees every hit.

    Args:
        max_keys: the most keys each per-key counter keeps (negative: unbounded).
    """

    __slots__ = ("_dirty", "_hits", "_invalidations", "_limit", "_misses", "_sources")

    def __init__(self, max_keys: int = 1024) -> None:
        self._limit = max_keys
        self._hits = _Tally(max_keys)
        self._misses = _Tally(max_keys)
        self._invalidations = _Tally(max_keys)
        self._dirty = _Tally(max_keys)
        self._sources: list[weakref.ref[_HitSource]] = []

    @property
    def max_keys(self) -> int:
        """The most keys each per-key counter keeps (negative: unbounded)."""
        return self._limit

    @property
    def hits(self) -> Counter[bytes]:
        """Hits per key (bounded; see the class docstring)."""
        self._collect()
        return self._hits.counter

    @property
    def misses(self) -> Counter[bytes]:
        """Misses per key (bounded)."""
        return self._misses.counter

    @property
    def invalidations(self) -> Counter[bytes]:
        """Invalidations received per key (bounded)."""
        return self._invalidations.counter

    @property
    def dirty(self) -> Counter[bytes]:
        """Cached values found to differ from the server's, per key (bounded)."""
        return self._dirty.counter

    @property
    def summary(self) -> dict[str, int]:
        """Exact totals: ``{"hits", "misses", "dirty_hits", "invalidations"}``."""
        self._collect()
        return {
            "hits": self._hits.total,
            "misses": self._misses.total,
            "dirty_hits": self._dirty.total,
            "invalidations": self._invalidations.total,
        }

    def hit(self, key: bytes | str, count: int = 1) -> None:
        """Count ``count`` hits of ``key``."""
        self._hits.add(key, count)

    def miss(self, key: bytes | str) -> None:
        """Count a miss of ``key``."""
        self._misses.add(key)

    def invalidate(self, key: bytes | str) -> None:
        """Count an invalidation of ``key``."""
        self._invalidations.add(key)

    def mark_dirty(self, key: bytes | str) -> None:
        """Count a cached value of ``key`` that differed from the server's."""
        self._dirty.add(key)

    def clear(self) -> None:
        """Forget every count, totals included."""
        self._collect()
        self._hits.clear()
        self._misses.clear()
        self._invalidations.clear()
        self._dirty.clear()

    def _add_source(self, source: _HitSource) -> None:
        """Register a cache that counts hits itself; it is held weakly."""
        self._sources.append(weakref.ref(source))

    def _collect(self) -> None:
        """Make every registered cache hand over the hits it counted."""
        live = []
        for ref in self._sources:
            source = ref()
            if source is not None:
                source._flush_hits()
                live.append(ref)
        self._sources = live

    def __repr__(self) -> str:
        return f"CacheStats({self.summary!r}, max_keys={self._limit})"


def _trim(counter: Counter[bytes], keep: int) -> None:
    """Drop all but the ``keep`` largest counts; on ties the most recently added keys stay."""
    items = list(counter.items())
    # (count, position): a later position wins a tie, so the oldest of equal counts go first.
    kept = set(heapq.nlargest(keep, range(len(items)), key=lambda i: (items[i][1], i)))
    for i, (key, _count) in enumerate(items):
        if i not in kept:
            del counter[key]
