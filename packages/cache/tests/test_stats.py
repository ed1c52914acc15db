"""CacheStats: exact totals, bounded per-key counters."""

from __future__ import annotations

from collections import Counter

from keywire_cache import CacheStats


def test_counts_and_summary() -> None:
    stats = CacheStats()
    stats.hit(b"a")
    stats.hit("a")
    stats.hit(b"b", 3)
    stats.miss(b"a")
    stats.invalidate("b")
    stats.mark_dirty(b"c")
    assert stats.hits == {b"a": 2, b"b": 3}
    assert stats.misses == {b"a": 1}
    assert stats.invalidations == {b"b": 1}
    assert stats.dirty == {b"c": 1}
    assert stats.summary == {"hits": 5, "misses": 1, "dirty_hits": 1, "invalidations": 1}
    for counter in (stats.hits, stats.misses, stats.invalidations, stats.dirty):
        assert isinstance(counter, Counter)
    assert "hits" in repr(stats)
    assert stats.max_keys == 1024


def test_clear() -> None:
    stats = CacheStats()
    stats.hit(b"a")
    stats.miss(b"a")
    stats.invalidate(b"a")
    stats.mark_dirty(b"a")
    stats.clear()
    assert stats.summary == {"hits": 0, "misses": 0, "dirty_hits": 0, "invalidations": 0}
    assert not stats.hits
    assert not stats.dirty


def test_per_key_counters_are_bounded_and_totals_exact() -> None:
    stats = CacheStats(max_keys=8)
    for i in range(1000):
        stats.miss(f"k{i}".encode())
    assert len(stats.misses) <= 8
    assert stats.summary["misses"] == 1000


def test_trimming_keeps_the_largest_counts() -> None:
    stats = CacheStats(max_keys=4)
    for _ in range(5):
        stats.invalidate(b"hot")
    for i in range(20):
        stats.invalidate(f"cold{i}".encode())
    assert stats.invalidations[b"hot"] == 5
    assert len(stats.invalidations) <= 4
    # Among equal counts the most recently added keys stay.
    assert b"cold19" in stats.invalidations
    assert b"cold0" not in stats.invalidations


def test_trim_keeps_three_quarters() -> None:
    stats = CacheStats(max_keys=8)
    for i in range(9):
        stats.hit(f"k{i}".encode())
    assert len(stats.hits) == 6
    assert set(stats.hits) == {f"k{i}".encode() for i in range(3, 9)}


def test_max_keys_one_keeps_the_latest() -> None:
    stats = CacheStats(max_keys=1)
    stats.hit(b"a")
    stats.hit(b"b")
    assert stats.hits == {b"b": 1}


def test_zero_keeps_no_keys_but_exact_totals() -> None:
    stats = CacheStats(max_keys=0)
    for key in (b"a", b"b", "c"):
        stats.hit(key)
        stats.miss(key)
    assert not stats.hits
    assert not stats.misses
    assert stats.summary["hits"] == 3
    assert stats.summary["misses"] == 3


def test_negative_is_unbounded() -> None:
    stats = CacheStats(max_keys=-1)
    for i in range(5000):
        stats.hit(f"k{i}".encode())
    assert len(stats.hits) == 5000


class _Source:
    def __init__(self, stats: CacheStats) -> None:
        self.pending = 0
        self.stats = stats
        stats._add_source(self)

    def _flush_hits(self) -> None:
        if self.pending:
            self.stats.hit(b"src", self.pending)
            self.pending = 0


def test_sources_are_collected_on_reads_and_dropped_when_gone() -> None:
    stats = CacheStats()
    source = _Source(stats)
    source.pending = 4
    assert stats.summary["hits"] == 4
    source.pending = 2
    assert stats.hits[b"src"] == 6
    source.pending = 1
    stats.clear()
    assert stats.summary["hits"] == 0
    del source
    assert stats.summary["hits"] == 0
    assert stats._sources == []
