"""The contract every :class:`~keywire_cache.AbstractCache` implementation should pass."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from keywire_cache import AbstractCache

__all__ = ["AbstractCacheContract"]

_KIB = 1024


class AbstractCacheContract:
    """Contract tests for a client-side cache; subclass and override :meth:`make_cache`.

    Example::

        from keywire_cache.testing import AbstractCacheContract

        class TestMyCache(AbstractCacheContract):
            def make_cache(self, *, max_keys=-1, max_size_bytes=-1):
                return MyCache(max_keys=max_keys, max_size_bytes=max_size_bytes)

    The tests cover get / put / invalidate, namespacing of entries by ``(command, args)``,
    str / bytes keys, the two bounds with LRU eviction, unbounded negative bounds, copy-safety
    of mutable replies, statistics, feedback, reset and the small members of the interface. They
    use only the :class:`~keywire_cache.AbstractCache` interface, and call no ``initialize``
    except in :meth:`test_initialize_returns_self` (override :meth:`make_client` for it).
    """

    def make_cache(self, *, max_keys: int = -1, max_size_bytes: int = -1) -> AbstractCache:
        """Return a new, empty, usable cache with these bounds (negative: unbounded)."""
        raise NotImplementedError("override make_cache() in the subclass")

    def make_client(self) -> Any:
        """Return the client :meth:`test_initialize_returns_self` passes (default None)."""
        return None

    # -- get / put / invalidate ------------------------------------------------------------

    def test_miss_raises_key_error(self) -> None:
        cache = self.make_cache()
        with pytest.raises(KeyError):
            cache.get(b"GET", b"missing")

    def test_put_then_get(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"v")
        assert cache.get(b"GET", b"k") == b"v"

    @pytest.mark.parametrize("value", [None, b"", 0, 0.0, "", [], {}, set(), False, ()])
    def test_falsy_replies_are_cached(self, value: object) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=value)
        assert cache.get(b"GET", b"k") == value

    def test_put_replaces(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"old")
        cache.put(b"GET", b"k", value=b"new")
        assert cache.get(b"GET", b"k") == b"new"

    def test_str_and_bytes_keys_are_one_key(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", "k\u00e9", value=b"v")
        assert cache.get(b"GET", "k\u00e9".encode()) == b"v"
        cache.invalidate("k\u00e9".encode())
        with pytest.raises(KeyError):
            cache.get(b"GET", "k\u00e9")
        cache.put(b"GET", b"k", value=b"w")
        cache.invalidate("k")
        with pytest.raises(KeyError):
            cache.get(b"GET", b"k")

    def test_entries_are_namespaced_by_command_and_args(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"value")
        cache.put(b"STRLEN", b"k", value=5)
        cache.put(b"GETRANGE", b"k", 0, 1, value=b"va")
        cache.put(b"GETRANGE", b"k", 0, 2, value=b"val")
        assert cache.get(b"GET", b"k") == b"value"
        assert cache.get(b"STRLEN", b"k") == 5
        assert cache.get(b"GETRANGE", b"k", 0, 1) == b"va"
        assert cache.get(b"GETRANGE", b"k", 0, 2) == b"val"
        with pytest.raises(KeyError):
            cache.get(b"GETRANGE", b"k", 0, 3)
        with pytest.raises(KeyError):
            cache.get(b"GET", b"other")

    def test_invalidate_removes_every_entry_of_a_key(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"value")
        cache.put(b"GETRANGE", b"k", 0, 1, value=b"va")
        cache.put(b"GET", b"other", value=b"kept")
        cache.invalidate(b"k")
        for command, args in ((b"GET", ()), (b"GETRANGE", (0, 1))):
            with pytest.raises(KeyError):
                cache.get(command, b"k", *args)
        assert cache.get(b"GET", b"other") == b"kept"

    def test_invalidate_several_and_unknown_keys(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"a", value=1)
        cache.put(b"GET", b"b", value=2)
        cache.invalidate(b"a", "b", b"never-stored")
        cache.invalidate()
        for key in (b"a", b"b"):
            with pytest.raises(KeyError):
                cache.get(b"GET", key)

    def test_put_after_invalidate_stores_again(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"1")
        cache.invalidate(b"k")
        cache.put(b"GET", b"k", value=b"2")
        assert cache.get(b"GET", b"k") == b"2"

    # -- copy-safety -----------------------------------------------------------------------

    def test_mutating_the_stored_value_does_not_change_the_cache(self) -> None:
        cache = self.make_cache()
        value: list[Any] = [b"a", [b"b"], {b"c": [1]}]
        cache.put(b"LRANGE", b"k", 0, -1, value=value)
        value.append(b"x")
        value[1].append(b"y")
        value[2][b"c"].append(2)
        assert cache.get(b"LRANGE", b"k", 0, -1) == [b"a", [b"b"], {b"c": [1]}]

    def test_mutating_a_returned_value_does_not_change_the_cache(self) -> None:
        cache = self.make_cache()
        cache.put(b"HGETALL", b"h", value={b"f": b"v", b"n": [1]})
        cache.put(b"SMEMBERS", b"s", value={b"a", b"b"})
        cache.put(b"LRANGE", b"l", 0, -1, value=[b"a", b"b"])
        got_hash: Any = cache.get(b"HGETALL", b"h")
        got_hash[b"f"] = b"changed"
        got_hash[b"n"].append(2)
        got_set: Any = cache.get(b"SMEMBERS", b"s")
        got_set.add(b"c")
        got_list: Any = cache.get(b"LRANGE", b"l", 0, -1)
        got_list.clear()
        assert cache.get(b"HGETALL", b"h") == {b"f": b"v", b"n": [1]}
        assert cache.get(b"SMEMBERS", b"s") == {b"a", b"b"}
        assert cache.get(b"LRANGE", b"l", 0, -1) == [b"a", b"b"]

    # -- bounds ----------------------------------------------------------------------------

    def test_max_keys_counts_keys_not_entries(self) -> None:
        cache = self.make_cache(max_keys=1)
        cache.put(b"GET", b"k", value=b"v")
        cache.put(b"STRLEN", b"k", value=1)
        cache.put(b"GETRANGE", b"k", 0, 0, value=b"v")
        assert cache.get(b"GET", b"k") == b"v"
        assert cache.get(b"STRLEN", b"k") == 1
        assert cache.get(b"GETRANGE", b"k", 0, 0) == b"v"

    def test_max_keys_evicts_the_least_recently_used_key(self) -> None:
        cache = self.make_cache(max_keys=2)
        cache.put(b"GET", b"a", value=b"1")
        cache.put(b"GET", b"b", value=b"2")
        assert cache.get(b"GET", b"a") == b"1"  # a is now more recent than b
        cache.put(b"GET", b"c", value=b"3")
        with pytest.raises(KeyError):
            cache.get(b"GET", b"b")
        assert cache.get(b"GET", b"a") == b"1"
        assert cache.get(b"GET", b"c") == b"3"

    def test_an_entry_of_a_key_refreshes_the_whole_key(self) -> None:
        cache = self.make_cache(max_keys=2)
        cache.put(b"GET", b"a", value=b"1")
        cache.put(b"GET", b"b", value=b"2")
        cache.put(b"STRLEN", b"a", value=1)  # another entry of a: a is the most recent
        cache.put(b"GET", b"c", value=b"3")
        assert cache.get(b"GET", b"a") == b"1"
        with pytest.raises(KeyError):
            cache.get(b"GET", b"b")

    def test_max_size_bytes_bounds_and_evicts_lru(self) -> None:
        cache = self.make_cache(max_size_bytes=64 * _KIB)
        for i in range(200):
            cache.put(b"GET", f"key:{i}", value=bytes([i % 256]) * _KIB)
        held = [i for i in range(200) if _has(cache, f"key:{i}")]
        # Each value alone takes a KiB: no more than 64 can be held.
        assert 0 < len(held) <= 64
        assert 199 in held
        assert 0 not in held
        # What is held is the most recent run of keys.
        assert held == list(range(200 - len(held), 200))

    def test_a_reply_larger_than_max_size_bytes_is_not_stored(self) -> None:
        cache = self.make_cache(max_size_bytes=64 * _KIB)
        cache.put(b"GET", b"small", value=b"s")
        cache.put(b"GET", b"big", value=b"x" * (128 * _KIB))
        with pytest.raises(KeyError):
            cache.get(b"GET", b"big")
        assert cache.get(b"GET", b"small") == b"s"

    def test_zero_bounds_store_nothing(self) -> None:
        for cache in (self.make_cache(max_keys=0), self.make_cache(max_size_bytes=0)):
            cache.put(b"GET", b"k", value=b"v")
            with pytest.raises(KeyError):
                cache.get(b"GET", b"k")

    def test_negative_bounds_mean_unbounded(self) -> None:
        cache = self.make_cache(max_keys=-1, max_size_bytes=-1)
        for i in range(5000):  # more than the default 4,096 keys
            cache.put(b"GET", f"key:{i}", value=b"v")
        mib = b"m" * (1024 * _KIB)
        for i in range(80):  # 80 MiB of replies (one shared object): more than 64 MiB
            cache.put(b"GET", f"big:{i}", value=mib)
        assert all(_has(cache, f"key:{i}") for i in range(5000))
        assert all(_has(cache, f"big:{i}") for i in range(80))

    # -- statistics, confidence, feedback ------------------------------------------------------

    def test_stats_count_hits_misses_and_invalidations(self) -> None:
        cache = self.make_cache()
        before = cache.stats.summary
        cache.put(b"GET", b"k", value=b"v")
        cache.get(b"GET", b"k")
        cache.get(b"GET", "k")
        with pytest.raises(KeyError):
            cache.get(b"GET", b"missing")
        cache.invalidate(b"k")
        after = cache.stats.summary
        assert set(after) == {"hits", "misses", "dirty_hits", "invalidations"}
        assert after["hits"] - before["hits"] == 2
        assert after["misses"] - before["misses"] == 1
        assert after["invalidations"] - before["invalidations"] == 1
        assert after["dirty_hits"] == before["dirty_hits"]
        for counter in (cache.stats.hits, cache.stats.misses, cache.stats.invalidations):
            assert isinstance(counter, Counter)

    def test_feedback_mismatch_marks_dirty_and_drops_the_entry(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"stale")
        before = cache.stats.summary["dirty_hits"]
        cache.feedback(b"GET", b"k", match=False)
        assert cache.stats.summary["dirty_hits"] == before + 1
        with pytest.raises(KeyError):
            cache.get(b"GET", b"k")

    def test_feedback_match_keeps_the_entry(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"v")
        cache.feedback(b"GET", b"k", match=True)
        assert cache.get(b"GET", b"k") == b"v"

    def test_confidence_is_a_percentage(self) -> None:
        cache = self.make_cache()
        assert 0.0 <= cache.confidence <= 100.0

    # -- lifecycle -------------------------------------------------------------------------

    def test_reset_empties_the_cache(self) -> None:
        cache = self.make_cache()
        cache.put(b"GET", b"k", value=b"v")
        cache.reset()
        with pytest.raises(KeyError):
            cache.get(b"GET", b"k")

    def test_healthy_and_client_id(self) -> None:
        cache = self.make_cache()
        assert isinstance(cache.healthy, bool)
        client_id = cache.get_client_id(None)
        assert client_id is None or isinstance(client_id, int)

    @pytest.mark.asyncio
    async def test_initialize_returns_self(self) -> None:
        cache = self.make_cache()
        assert await cache.initialize(self.make_client()) is cache
        cache.shutdown()


def _has(cache: AbstractCache, key: str) -> bool:
    try:
        cache.get(b"GET", key)
    except KeyError:
        return False
    return True
