"""@cached on sync and async functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from keywire_cache import AsyncCache, AsyncMemoryBackend, Cache, MemoryBackend, cached
from keywire_cache.app._decorator import default_key
from keywire_cache.testing import ManualClock


def test_sync_function_is_called_once_per_key() -> None:
    cache = Cache()
    calls: list[int] = []

    @cached(cache)
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    assert square(3) == 9
    assert square(3) == 9
    assert square(x=3) == 9  # another key: keyword arguments are part of it
    assert square(4) == 16
    assert calls == [3, 3, 4]
    assert square.__name__ == "square"


def test_none_results_are_cached() -> None:
    cache = Cache()
    calls = 0

    @cached(cache, key=lambda: "nothing")
    def nothing() -> None:
        nonlocal calls
        calls += 1

    nothing()
    nothing()
    assert calls == 1
    assert cache.get("nothing") is None


def test_key_function_and_time_to_live() -> None:
    clock = ManualClock()
    cache = Cache(MemoryBackend(clock=clock.monotonic, wall_clock=clock.time))
    calls = 0

    @cached(cache, key=lambda user_id: f"user:{user_id}", time_to_live=timedelta(seconds=60))
    def load(user_id: int) -> dict[str, int]:
        nonlocal calls
        calls += 1
        return {"id": user_id}

    assert load(7) == {"id": 7}
    assert cache.get("user:7") == {"id": 7}
    load(7)
    assert calls == 1
    clock.advance(60)
    load(7)
    assert calls == 2


def test_exceptions_are_not_cached() -> None:
    cache = Cache()
    calls = 0

    @cached(cache, key=lambda: "k")
    def fail() -> None:
        nonlocal calls
        calls += 1
        raise KeyError("inner")

    for _ in range(2):
        with pytest.raises(KeyError, match="inner"):
            fail()
    assert calls == 2


def test_sync_function_with_async_cache_is_refused() -> None:
    with pytest.raises(TypeError, match="async function"):

        @cached(AsyncCache())
        def f() -> int:
            return 1


@pytest.mark.asyncio
async def test_async_function_with_async_cache() -> None:
    clock = ManualClock()
    cache = AsyncCache(AsyncMemoryBackend(clock=clock.monotonic, wall_clock=clock.time))
    calls = 0

    @cached(cache, key=lambda x: f"k{x}", time_to_live=timedelta(seconds=1))
    async def double(x: int) -> int:
        nonlocal calls
        calls += 1
        return 2 * x

    assert await double(2) == 4
    assert await double(2) == 4
    assert calls == 1
    assert await cache.get("k2") == 4
    clock.advance(1)
    assert await double(2) == 4
    assert calls == 2


@pytest.mark.asyncio
async def test_async_function_with_sync_cache() -> None:
    cache = Cache()
    calls = 0

    @cached(cache)
    async def answer() -> int:
        nonlocal calls
        calls += 1
        return 42

    assert await answer() == 42
    assert await answer() == 42
    assert calls == 1


def test_default_key() -> None:
    def f() -> None: ...

    key = default_key(f, (1, "a"), {"z": 1, "b": 2})
    assert key == f"{__name__}.test_default_key.<locals>.f:(1, 'a'):[('b', 2), ('z', 1)]"
