"""LRUCache: the contract, then what is specific to it (accounting, hot path, lifecycle)."""

from __future__ import annotations

import contextlib
import gc
import random
import sys
from typing import Any

import pytest

from keywire_cache import AbstractCache, CacheStats, LRUCache
from keywire_cache._lru import _MUTABLE_BYTES, _NODE_BYTES, _entry_cost, _Mutable
from keywire_cache._sizing import index_slot_bytes, sizeof
from keywire_cache.testing import AbstractCacheContract


class TestLRUCacheContract(AbstractCacheContract):
    def make_cache(self, *, max_keys: int = -1, max_size_bytes: int = -1) -> AbstractCache:
        return LRUCache(max_keys=max_keys, max_size_bytes=max_size_bytes)


def _check(cache: LRUCache) -> None:
    """The bookkeeping matches a recount, and the bounds hold."""
    assert cache.size_bytes == cache._recount()
    if cache.max_size_bytes >= 0:
        assert cache.size_bytes <= cache.max_size_bytes
    if cache.max_keys >= 0:
        assert len(cache) <= cache.max_keys


def test_defaults() -> None:
    cache = LRUCache()
    assert cache.max_keys == 2**12
    assert cache.max_size_bytes == 64 * 1024 * 1024
    assert cache.confidence == 100.0
    assert cache.healthy is True
    assert isinstance(cache.stats, CacheStats)
    assert len(cache) == 0
    assert cache.size_bytes == 0
    assert cache.entry_count == 0
    assert "max_keys=4096" in repr(cache)


def test_accounting_of_one_entry_is_measured_from_the_objects() -> None:
    cache = LRUCache()
    value = b"v" * 100
    cache.put(b"GET", "key:1", value=value)
    expected = (
        sys.getsizeof(b"key:1")
        + index_slot_bytes()
        + _NODE_BYTES
        + sys.getsizeof((b"GET", ()))
        + sys.getsizeof(value)
    )
    assert cache.size_bytes == expected
    _check(cache)


def test_accounting_of_mutable_entries_and_args() -> None:
    cache = LRUCache()
    reply = [b"a", b"bb", [1, 2.5, None]]
    cache.put(b"LRANGE", b"l", 0, -1, value=reply)
    key_part = sys.getsizeof(b"l") + index_slot_bytes() + _NODE_BYTES
    stored = cache._keys[b"l"].first
    assert isinstance(stored, _Mutable)
    assert stored.value == reply
    assert stored.value is not reply
    # The copy is measured (a list built by a comprehension is over-allocated, unlike a literal).
    entry = sys.getsizeof((b"", ())) + sizeof((0, -1)) + _MUTABLE_BYTES + sizeof(stored.value)
    assert cache.size_bytes == key_part + entry
    _check(cache)


def test_accounting_stays_exact_through_every_operation() -> None:
    cache = LRUCache(max_keys=50, max_size_bytes=40_000)
    rng = random.Random(7)
    for step in range(3000):
        key = f"k{rng.randrange(80)}"
        op = rng.random()
        args = tuple(rng.choice([0, 1, 1.0, True, b"x", "x"]) for _ in range(rng.randrange(3)))
        command = rng.choice([b"GET", b"LRANGE", b"HGETALL"])
        if op < 0.6:
            value = rng.choice(
                [b"v" * rng.randrange(200), [b"a"] * rng.randrange(20), {b"f": [1]}, None, 7]
            )
            cache.put(command, key, *args, value=value)
        elif op < 0.8:
            with contextlib.suppress(KeyError):
                cache.get(command, key, *args)
        elif op < 0.95:
            cache.invalidate(key)
        else:
            cache.feedback(command, key, *args, match=rng.random() < 0.5)
        if step % 50 == 0:
            _check(cache)
    _check(cache)


def test_equal_args_of_different_sizes_keep_the_accounting_exact() -> None:
    # 1 == 1.0 == True: one entry; the stored key object may differ in size from the new one.
    cache = LRUCache()
    cache.put(b"GET", b"k", value=b"first")
    cache.put(b"X", b"k", 1, value=b"a")
    cache.put(b"X", b"k", 1.0, value=b"b")
    cache.put(b"X", b"k", True, value=b"c")
    assert cache.get(b"X", b"k", 1) == b"c"
    assert cache.entry_count == 2
    _check(cache)


def test_immutable_hits_are_the_stored_object() -> None:
    cache = LRUCache()
    value = b"x" * 1000
    frozen = (b"a", (1, 2), frozenset({b"m"}))
    cache.put(b"GET", b"k", value=value)
    cache.put(b"T", b"k", value=frozen)
    assert cache.get(b"GET", b"k") is value
    assert cache.get(b"T", b"k") is frozen


def test_mutable_values_are_copied_on_put_and_on_every_get() -> None:
    cache = LRUCache()
    value = [b"a", b"b"]
    cache.put(b"LRANGE", b"k", 0, -1, value=value)
    first = cache.get(b"LRANGE", b"k", 0, -1)
    second = cache.get(b"LRANGE", b"k", 0, -1)
    assert first == second == value
    assert first is not value
    assert first is not second


def test_str_keys_are_stored_as_utf8_bytes() -> None:
    cache = LRUCache()
    cache.put(b"GET", "clé", value=1)
    assert "clé".encode() in cache
    assert "clé" in cache
    assert b"other" not in cache


def test_unhashable_args_are_not_stored_and_miss() -> None:
    cache = LRUCache()
    cache.put(b"GET", b"k", value=1)
    cache.put(b"X", b"k", [1], value=2)
    assert cache.entry_count == 1
    cache.put(b"Y", b"k", 1, value=3)  # the key now has a dict of further entries
    with pytest.raises(KeyError):
        cache.get(b"X", b"k", [1])
    with pytest.raises(KeyError):
        cache.get(b"Z", b"k")
    cache.put(b"X", b"new", [1], value=2)
    assert b"new" not in cache


def test_too_deep_values_are_not_stored() -> None:
    deep: list[Any] = []
    for _ in range(sys.getrecursionlimit() + 10):
        deep = [deep]
    cache = LRUCache()
    cache.put(b"GET", b"k", value=deep)
    assert b"k" not in cache


def test_values_that_cannot_be_copied_are_not_stored() -> None:
    cache = LRUCache()
    cache.put(b"GET", b"k", value=memoryview(b"abc"))
    cache.put(b"GET", b"k2", value=[memoryview(b"abc")])
    assert len(cache) == 0


def test_an_entry_too_big_for_its_key_is_dropped_with_the_entry_it_replaces() -> None:
    cache = LRUCache(max_size_bytes=4000)
    cache.put(b"GET", b"k", value=b"small")
    cache.put(b"STRLEN", b"k", value=5)
    cache.put(b"GET", b"k", value=b"x" * 5000)  # replaces GET, does not fit: both gone
    with pytest.raises(KeyError):
        cache.get(b"GET", b"k")
    assert cache.get(b"STRLEN", b"k") == 5
    _check(cache)
    cache.put(b"STRLEN", b"k", value=b"y" * 5000)  # the last entry of the key goes too
    assert b"k" not in cache
    assert cache.size_bytes == 0


def test_an_entry_too_big_with_the_others_of_its_key_is_not_stored() -> None:
    cache = LRUCache(max_size_bytes=4000)
    cache.put(b"GET", b"k", value=b"a" * 2000)
    cache.put(b"STRLEN", b"k", value=2000)
    cache.put(b"GETRANGE", b"k", 0, 1, value=b"b" * 2000)  # fits alone, not with GET
    with pytest.raises(KeyError):
        cache.get(b"GETRANGE", b"k", 0, 1)
    assert cache.get(b"GET", b"k") == b"a" * 2000
    assert cache.get(b"STRLEN", b"k") == 2000
    _check(cache)


def test_removing_the_first_entry_promotes_another() -> None:
    cache = LRUCache(max_size_bytes=4000)
    cache.put(b"A", b"k", value=1)
    cache.put(b"B", b"k", value=2)
    cache.put(b"C", b"k", value=3)
    cache.put(b"A", b"k", value=b"z" * 5000)
    assert cache.entry_count == 2
    assert cache.get(b"B", b"k") == 2
    assert cache.get(b"C", b"k") == 3
    _check(cache)


def test_byte_bound_evicts_least_recently_used_keys_first() -> None:
    one = LRUCache()
    one.put(b"GET", b"a", value=b"x" * 1000)
    per_key = one.size_bytes
    cache = LRUCache(max_size_bytes=3 * per_key)
    for key in (b"a", b"b", b"c"):
        cache.put(b"GET", key, value=b"x" * 1000)
    cache.get(b"GET", b"a")
    cache.put(b"GET", b"d", value=b"x" * 1000)
    assert b"b" not in cache
    assert [key for key in (b"a", b"c", b"d") if key in cache] == [b"a", b"c", b"d"]
    _check(cache)


def test_hits_are_counted_exactly_through_flushes_and_evictions() -> None:
    stats = CacheStats()
    cache = LRUCache(max_keys=3, stats=stats)
    for i in range(10):
        cache.put(b"GET", f"k{i}", value=i)
        for _ in range(i + 1):
            cache.get(b"GET", f"k{i}")
    assert stats.summary["hits"] == sum(range(1, 11))
    assert stats.hits[b"k9"] == 10
    assert stats.hits[b"k0"] == 1
    cache.get(b"GET", b"k9")
    cache.invalidate(b"k9")
    assert stats.hits[b"k9"] == 11
    cache.get(b"GET", b"k8")
    cache.clear()
    assert stats.summary["hits"] == sum(range(1, 11)) + 2


def test_the_list_of_hit_keys_stays_bounded() -> None:
    cache = LRUCache(max_keys=2)
    for i in range(1000):
        cache.put(b"GET", f"k{i}", value=i)
        cache.get(b"GET", f"k{i}")
    assert len(cache._hit_keys) <= 2 * 2 + 64 + 1
    assert cache.stats.summary["hits"] == 1000


def test_stats_shared_by_two_caches_and_released_with_them() -> None:
    stats = CacheStats()
    first = LRUCache(stats=stats)
    second = LRUCache(stats=stats)
    for cache in (first, second):
        cache.put(b"GET", b"k", value=1)
        cache.get(b"GET", b"k")
    assert stats.summary["hits"] == 2
    del first, cache
    gc.collect()
    second.get(b"GET", b"k")
    assert stats.summary["hits"] == 3
    assert len(stats._sources) == 1


def test_misses_and_invalidations_are_counted_per_key() -> None:
    cache = LRUCache()
    with pytest.raises(KeyError):
        cache.get(b"GET", "k")
    cache.invalidate("k", b"k")
    assert cache.stats.misses == {b"k": 1}
    assert cache.stats.invalidations == {b"k": 2}


def test_feedback_moves_dynamic_confidence_and_drops_the_key() -> None:
    cache = LRUCache(confidence=50.0, dynamic_confidence=True, rng=random.Random(1))
    cache.put(b"GET", b"k", value=1)
    cache.put(b"STRLEN", b"k", value=1)
    cache.feedback(b"GET", "k", match=False)
    assert cache.confidence == pytest.approx(49.9)
    assert b"k" not in cache
    assert cache.stats.dirty == {b"k": 1}
    cache.feedback(b"GET", b"gone", match=False)  # nothing cached: still counted dirty
    cache.feedback(b"GET", b"k", match=True)
    assert cache.confidence == pytest.approx(49.81)
    assert cache.stats.summary["dirty_hits"] == 2
    assert cache.size_bytes == 0


def test_fixed_confidence_ignores_feedback() -> None:
    cache = LRUCache(confidence=80.0)
    cache.feedback(b"GET", b"k", match=False)
    assert cache.confidence == 80.0


def test_confidence_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="confidence"):
        LRUCache(confidence=101.0)


def test_reset_empties_entries_stats_and_confidence() -> None:
    cache = LRUCache(confidence=90.0, dynamic_confidence=True)
    cache.put(b"GET", b"k", value=1)
    cache.get(b"GET", b"k")
    cache.feedback(b"GET", b"k", match=False)
    cache.reset()
    assert len(cache) == 0
    assert cache.size_bytes == 0
    assert cache.confidence == 90.0
    assert cache.stats.summary == {"hits": 0, "misses": 0, "dirty_hits": 0, "invalidations": 0}


def test_clear_keeps_stats() -> None:
    cache = LRUCache()
    cache.put(b"GET", b"k", value=1)
    cache.get(b"GET", b"k")
    cache.clear()
    assert len(cache) == 0
    assert cache.stats.summary["hits"] == 1


def _healthy(cache: LRUCache) -> bool:
    # A call, so that mypy does not carry the narrowing of one read over to the next.
    return cache.healthy


@pytest.mark.asyncio
async def test_shutdown_and_initialize() -> None:
    cache = LRUCache()
    cache.put(b"GET", b"k", value=1)
    cache.shutdown()
    assert not _healthy(cache)
    assert len(cache) == 0
    cache.put(b"GET", b"k", value=1)
    assert len(cache) == 0
    assert await cache.initialize(object()) is cache
    assert _healthy(cache)
    cache.put(b"GET", b"k", value=1)
    assert cache.get(b"GET", b"k") == 1


def test_get_client_id_is_none() -> None:
    assert LRUCache().get_client_id(object()) is None


def test_command_names_are_interned() -> None:
    cache = LRUCache()
    first = b"GET"
    second = b"".join([b"G", b"ET"])
    assert first is not second
    cache.put(first, b"a", value=1)
    cache.put(second, b"b", value=1)
    assert cache._keys[b"b"].first_key[0] is first


def test_negative_bounds_are_really_unbounded() -> None:
    cache = LRUCache(max_keys=-1, max_size_bytes=-1)
    big = b"x" * (1024 * 1024)
    for i in range(100):  # 100 MiB accounted (one shared object in fact)
        cache.put(b"GET", f"k{i}", value=big)
    for i in range(5000):
        cache.put(b"GET", f"s{i}", value=i)
    assert len(cache) == 5100
    assert cache.size_bytes > 100 * 1024 * 1024


def test_entry_costs_are_consistent() -> None:
    stored = _Mutable([1, 2], list.copy)
    assert _entry_cost((b"GET", ()), stored) == (
        sys.getsizeof((b"", ())) + _MUTABLE_BYTES + sizeof([1, 2])
    )
