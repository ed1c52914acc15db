"""The memory backends: both contracts, then the store's own behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from keywire_cache import (
    AsyncBackend,
    AsyncMemoryBackend,
    InvalidCacheURLError,
    MemoryBackend,
    MemoryStore,
    SyncBackend,
)
from keywire_cache.testing import AsyncBackendContract, ManualClock, SyncBackendContract


def _store(clock: ManualClock, share_with: object | None) -> MemoryStore:
    if isinstance(share_with, (MemoryBackend, AsyncMemoryBackend)):
        return share_with.store
    return MemoryStore(clock=clock.monotonic, wall_clock=clock.time)


class TestMemoryBackendContract(SyncBackendContract):
    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: SyncBackend | None = None
    ) -> SyncBackend:
        return MemoryBackend(prefix=prefix, store=_store(clock, share_with))


class TestAsyncMemoryBackendContract(AsyncBackendContract):
    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend:
        return AsyncMemoryBackend(prefix=prefix, store=_store(clock, share_with))


def test_clocks_of_a_new_store() -> None:
    clock = ManualClock()
    backend = MemoryBackend(clock=clock.monotonic, wall_clock=clock.time)
    backend.set("k", b"v", time_to_live=timedelta(seconds=1))
    clock.advance(1)
    with pytest.raises(KeyError):
        backend.get("k")


def test_from_url() -> None:
    backend = MemoryBackend.from_url("memory://?prefix=app:")
    assert backend.prefix == "app:"
    assert repr(backend) == "MemoryBackend(prefix='app:')"
    assert AsyncMemoryBackend.from_url("memory://").prefix == ""
    with pytest.raises(InvalidCacheURLError, match="memory://"):
        MemoryBackend.from_url("redis://localhost")
    with pytest.raises(InvalidCacheURLError):
        AsyncMemoryBackend.from_url("nope://")


def test_store_or_clocks_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        MemoryBackend(store=MemoryStore(), clock=lambda: 0.0)


def test_backends_on_one_store_share_it() -> None:
    store = MemoryStore()
    first = MemoryBackend(prefix="a:", store=store)
    second = MemoryBackend(prefix="a:", store=store)
    first.set("k", b"v")
    assert second.get("k") == b"v"
    assert store.get("a:k") == b"v"
    assert len(store) == 1


def test_expired_keys_are_purged_without_being_read() -> None:
    clock = ManualClock()
    store = MemoryStore(clock=clock.monotonic, wall_clock=clock.time)
    for i in range(100):
        store.set(f"k{i}", b"v", 1.0, False)
    store.set("forever", b"v", None, False)
    clock.advance(2)
    assert len(store) == 1
    assert store._deadlines == []


def test_deadline_heap_stays_proportional_to_the_data() -> None:
    clock = ManualClock()
    store = MemoryStore(clock=clock.monotonic, wall_clock=clock.time)
    for _ in range(10_000):
        store.set("k", b"v", 60.0, False)  # the same key again and again
    assert len(store._deadlines) <= 2 * len(store) + 65
    clock.advance(61)
    with pytest.raises(KeyError):
        store.get("k")


def test_an_old_deadline_does_not_expire_a_newer_value() -> None:
    clock = ManualClock()
    store = MemoryStore(clock=clock.monotonic, wall_clock=clock.time)
    store.set("k", b"1", 1.0, False)
    store.set("k", b"2", 10.0, False)
    clock.advance(2)
    assert store.get("k") == b"2"
    store.expire_in("k", None)
    clock.advance(20)
    assert store.get("k") == b"2"


def test_clear_without_prefix_empties_the_store() -> None:
    store = MemoryStore()
    MemoryBackend(prefix="a:", store=store).set("k", b"v", time_to_live=timedelta(seconds=5))
    MemoryBackend(store=store).clear()
    assert len(store) == 0


@pytest.mark.asyncio
async def test_async_memory_backend_default_store() -> None:
    backend = AsyncMemoryBackend()
    await backend.set("k", b"v")
    assert await backend.get("k") == b"v"
    assert repr(backend) == "AsyncMemoryBackend(prefix='')"
