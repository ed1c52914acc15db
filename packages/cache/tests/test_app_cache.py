"""Cache and AsyncCache: the facades over a backend and a serializer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from keywire_cache import (
    AsyncCache,
    AsyncMemoryBackend,
    BackendUnavailableError,
    Cache,
    InvalidCacheURLError,
    JsonSerializer,
    MemoryBackend,
    MemoryStore,
    SerializationError,
)
from keywire_cache.testing import ManualClock


def _sync(clock: ManualClock, **kwargs: object) -> Cache:
    backend = MemoryBackend(clock=clock.monotonic, wall_clock=clock.time)
    return Cache(backend, **kwargs)  # type: ignore[arg-type]


def test_defaults_to_pickle_in_memory() -> None:
    with Cache() as cache:
        assert isinstance(cache.backend, MemoryBackend)
        assert cache.serializer.name == "pickle"
        cache.set("k", {"a": (1, 2)})
        assert cache.get("k") == {"a": (1, 2)}
        assert "MemoryBackend" in repr(cache)


def test_get_raises_key_error_or_returns_default() -> None:
    cache = Cache()
    with pytest.raises(KeyError):
        cache.get("missing")
    assert cache.get("missing", None) is None
    assert cache.get("missing", 5) == 5
    cache.set("none", None)
    assert cache.get("none", 5) is None


def test_set_if_not_exists_and_ttl() -> None:
    clock = ManualClock()
    cache = _sync(clock)
    assert cache.set("k", 1, time_to_live=timedelta(seconds=10)) is True
    assert cache.set("k", 2, if_not_exists=True) is False
    assert cache.get("k") == 1
    clock.advance(10)
    assert cache.get("k", None) is None


def test_get_many_returns_only_existing_keys() -> None:
    cache = Cache()
    cache.set_many({"a": 1, "b": [2]})
    cache.set_many([("c", "3")])
    assert cache.get_many("a", "b", "c", "d") == {"a": 1, "b": [2], "c": "3"}
    assert cache.get_many() == {}


def test_set_many_with_ttl_and_expiry_methods() -> None:
    clock = ManualClock()
    cache = _sync(clock)
    cache.set_many({"a": 1, "b": 2}, time_to_live=timedelta(seconds=5))
    cache.expire_in("a", None)
    cache.expire_at("b", datetime.fromtimestamp(clock.time() + 60, UTC))
    clock.advance(30)
    assert cache.get_many("a", "b") == {"a": 1, "b": 2}
    cache.expire_in("a", timedelta(seconds=1))
    cache.expire_at("b", None)
    clock.advance(60)
    assert cache.get_many("a", "b") == {"b": 2}


def test_delete_and_clear_only_own_prefix() -> None:
    store = MemoryStore()
    ours = Cache(MemoryBackend(prefix="ours:", store=store))
    theirs = Cache(MemoryBackend(prefix="theirs:", store=store))
    ours.set("k", 1)
    theirs.set("k", 2)
    assert ours.delete("k") is True
    assert ours.delete("k") is False
    ours.set("k", 1)
    ours.clear()
    assert ours.get("k", None) is None
    assert theirs.get("k") == 2


def test_serializer_by_name_or_instance() -> None:
    assert Cache(serializer="json").serializer.name == "json"
    serializer = JsonSerializer()
    cache = Cache("memory://", serializer=serializer)
    assert cache.serializer is serializer
    cache.set("k", (1, 2))
    assert cache.get("k") == [1, 2]
    with pytest.raises(SerializationError):
        cache.set("bad", object())
    noop = Cache(serializer="noop")
    noop.set("k", b"raw")
    assert noop.get("k") == b"raw"


def test_from_url() -> None:
    cache = Cache.from_url("memory://?prefix=x:", serializer="json")
    assert isinstance(cache.backend, MemoryBackend)
    assert cache.backend.prefix == "x:"
    assert cache.serializer.name == "json"


@pytest.mark.parametrize("url", ["redis://localhost", "rediss://h:1/0", "redis+unix:///tmp/s"])
def test_sync_redis_is_not_available_yet(url: str) -> None:
    with pytest.raises(BackendUnavailableError, match="sync"):
        Cache(url)


@pytest.mark.parametrize("url", ["mem://", "", "memory", "redis://h:notaport", "http://x"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(InvalidCacheURLError):
        Cache(url)
    with pytest.raises(InvalidCacheURLError):
        AsyncCache(url)


def test_backend_kind_must_match() -> None:
    with pytest.raises(TypeError, match="AsyncCache"):
        Cache(AsyncMemoryBackend())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Cache with a sync"):
        AsyncCache(MemoryBackend())  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_async_cache() -> None:
    clock = ManualClock()
    backend = AsyncMemoryBackend(clock=clock.monotonic, wall_clock=clock.time)
    async with AsyncCache(backend) as cache:
        assert "AsyncMemoryBackend" in repr(cache)
        with pytest.raises(KeyError):
            await cache.get("k")
        assert await cache.get("k", "d") == "d"
        assert await cache.set("k", [1], time_to_live=timedelta(seconds=5)) is True
        assert await cache.set("k", [2], if_not_exists=True) is False
        assert await cache.get("k") == [1]
        await cache.set_many({"a": 1, "b": 2})
        await cache.set_many([("c", 3)], time_to_live=timedelta(seconds=1))
        assert await cache.get_many("a", "c", "z") == {"a": 1, "c": 3}
        await cache.expire_in("a", timedelta(seconds=2))
        await cache.expire_at("b", datetime.fromtimestamp(clock.time() + 2, UTC))
        clock.advance(5)
        assert await cache.get_many("k", "a", "b", "c") == {}
        await cache.set("d", 4)
        assert await cache.delete("d") is True
        await cache.set("e", 5)
        await cache.clear()
        assert await cache.get("e", None) is None


@pytest.mark.asyncio
async def test_async_from_url() -> None:
    cache = AsyncCache.from_url("memory://", serializer="json")
    assert isinstance(cache.backend, AsyncMemoryBackend)
    assert cache.serializer.name == "json"
    await cache.aclose()


def test_the_missing_default_reads_well_in_signatures() -> None:
    import inspect

    assert repr(inspect.signature(Cache.get).parameters["default"].default) == "<missing>"
