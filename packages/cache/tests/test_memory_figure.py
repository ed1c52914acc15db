"""Bytes per entry of LRUCache: the real allocation (tracemalloc) against its own accounting.

Run as a script for the figure (``python packages/cache/tests/test_memory_figure.py``); as a
test it asserts only that the accounting is within a factor of two of what tracemalloc sees.
"""

from __future__ import annotations

import gc
import tracemalloc

from keywire_cache import LRUCache

ENTRIES = 100_000
VALUE_SIZE = 100


def measure(entries: int = ENTRIES) -> tuple[float, float]:
    """Fill an unbounded cache with ``entries`` GET replies of 100 bytes under ``key:{i}``.

    Returns:
        (traced bytes per entry, accounted bytes per entry).
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache = LRUCache(max_keys=-1, max_size_bytes=-1)
        for i in range(entries):
            # A fresh reply object per entry, as a parser makes; only the cache keeps it.
            cache.put(b"GET", f"key:{i}", value=bytes([i % 256]) * VALUE_SIZE)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) == entries
    return traced / entries, cache.size_bytes / entries


def test_accounting_is_within_a_factor_of_two_of_the_real_allocation() -> None:
    traced, accounted = measure()
    print(
        f"\n{ENTRIES:,} entries of {VALUE_SIZE}-byte values: {traced:.0f} bytes/entry allocated"
        f" (tracemalloc), {accounted:.0f} bytes/entry accounted ({accounted / traced:.2f}x)"
    )
    assert 0.5 <= accounted / traced <= 2.0


if __name__ == "__main__":
    test_accounting_is_within_a_factor_of_two_of_the_real_allocation()
