"""The Redis backend, against an in-memory fake of the client Protocol (no server, no keywire).

The fake implements AsyncRedisLike with Redis' semantics for the commands the backend uses
(expiry on a ManualClock, NX, glob MATCH with backslash escapes, MULTI/EXEC as one step), so
the backend runs the whole AsyncBackendContract here. The same contract runs against a real
server once the keywire client exists.
"""

from __future__ import annotations

import re
import sys
import types
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from keywire_cache import (
    DEFAULT_REDIS_PREFIX,
    AsyncBackend,
    AsyncCache,
    AsyncRedisBackend,
    BackendUnavailableError,
    InvalidCacheURLError,
)
from keywire_cache.app import _redis
from keywire_cache.testing import AsyncBackendContract, ManualClock

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    out = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars)))
        elif char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


class FakePipeline:
    def __init__(self, redis: FakeRedis) -> None:
        self.redis = redis
        self.queued: list[tuple[str, bytes, int | None]] = []

    def set(self, key: str, value: bytes, *, px: int | None = None) -> FakePipeline:
        self.queued.append((key, value, px))
        return self

    async def execute(self) -> Sequence[object]:
        self.redis.transactions += 1
        return [self.redis._set(key, value, px, False) for key, value, px in self.queued]


class FakeRedis:
    """Just enough of Redis for the backend, with time from a ManualClock."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.data: dict[str, tuple[bytes, float | None]] = {}
        self.transactions = 0
        self.msets = 0
        self.unlink_calls = 0
        self.closed = False
        self.decode = False

    def _live(self, key: str) -> bytes | None:
        entry = self.data.get(key)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= self.clock.time():
            del self.data[key]
            return None
        return entry[0]

    def _set(self, key: str, value: bytes, px: int | None, nx: bool) -> bool | None:
        if nx and self._live(key) is not None:
            return None
        self.data[key] = (value, None if px is None else self.clock.time() + px / 1000)
        return True

    async def get(self, key: str) -> Any:
        value = self._live(key)
        return value.decode() if self.decode and value is not None else value

    async def mget(self, keys: Sequence[str]) -> Sequence[bytes | None]:
        return [self._live(key) for key in keys]

    async def set(
        self, key: str, value: bytes, *, px: int | None = None, nx: bool = False
    ) -> object:
        return self._set(key, value, px, nx)

    async def mset(self, mapping: Mapping[str, bytes]) -> object:
        self.msets += 1
        for key, value in mapping.items():
            self._set(key, value, None, False)
        return True

    async def delete(self, keys: Sequence[str]) -> int:
        found = [key for key in keys if self._live(key) is not None]
        for key in found:
            del self.data[key]
        return len(found)

    async def pexpire(self, key: str, milliseconds: int) -> object:
        return await self.pexpireat(key, round((self.clock.time() * 1000) + milliseconds))

    async def pexpireat(self, key: str, unix_time_milliseconds: int) -> object:
        value = self._live(key)
        if value is None:
            return 0
        self.data[key] = (value, unix_time_milliseconds / 1000)
        self._live(key)
        return 1

    async def persist(self, key: str) -> object:
        value = self._live(key)
        if value is None:
            return 0
        self.data[key] = (value, None)
        return 1

    async def scan_iter(self, *, match: str, count: int) -> AsyncIterator[bytes | str]:
        regex = _glob_to_regex(match)
        for key in list(self.data):
            if self._live(key) is not None and regex.fullmatch(key):
                yield key.encode()

    async def unlink(self, keys: Sequence[str | bytes]) -> int:
        self.unlink_calls += 1
        names = [key.decode() if isinstance(key, bytes) else key for key in keys]
        return await self.delete(names)

    def pipeline(self, *, transaction: bool = True) -> FakePipeline:
        assert transaction
        return FakePipeline(self)

    async def aclose(self) -> None:
        self.closed = True


class TestAsyncRedisBackendContract(AsyncBackendContract):
    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend:
        if isinstance(share_with, AsyncRedisBackend):
            return AsyncRedisBackend(share_with.client, prefix=prefix)
        return AsyncRedisBackend(FakeRedis(clock), prefix=prefix)


class TestAsyncRedisBackendWithAsyncFactory(AsyncBackendContract):
    """make_backend may be a coroutine (a backend that must connect first)."""

    async def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend:
        if isinstance(share_with, AsyncRedisBackend):
            return AsyncRedisBackend(share_with.client, prefix=prefix)
        return AsyncRedisBackend(FakeRedis(clock), prefix=prefix)


def test_prefix_is_required() -> None:
    with pytest.raises(ValueError, match="prefix"):
        AsyncRedisBackend(FakeRedis(ManualClock()), prefix="")
    backend = AsyncRedisBackend(FakeRedis(ManualClock()))
    assert backend.prefix == DEFAULT_REDIS_PREFIX
    assert repr(backend) == f"AsyncRedisBackend(prefix={DEFAULT_REDIS_PREFIX!r})"


def test_glob_escape() -> None:
    assert _redis._glob_escape("a*b?c[d]e\\f:") == "a\\*b\\?c\\[d\\]e\\\\f:"


@pytest.mark.asyncio
async def test_clear_matches_the_prefix_literally_and_in_batches() -> None:
    redis = FakeRedis(ManualClock())
    ours = AsyncRedisBackend(redis, prefix="a*:")
    theirs = AsyncRedisBackend(redis, prefix="ab:")
    await ours.set_many({f"k{i}": b"v" for i in range(2500)})
    await theirs.set("k", b"v")
    await ours.clear()
    assert redis.unlink_calls == 3
    assert list(redis.data) == ["ab:k"]


@pytest.mark.asyncio
async def test_set_many_is_one_transaction_with_the_ttl() -> None:
    clock = ManualClock()
    redis = FakeRedis(clock)
    backend = AsyncRedisBackend(redis, prefix="p:")
    await backend.set_many([("a", b"1"), ("b", b"2")], time_to_live=timedelta(microseconds=1))
    assert redis.transactions == 1
    assert redis.data["p:a"] == (b"1", clock.time() + 0.001)  # rounded up to 1 ms


@pytest.mark.asyncio
async def test_set_many_without_a_ttl_is_one_mset() -> None:
    redis = FakeRedis(ManualClock())
    backend = AsyncRedisBackend(redis, prefix="p:")
    await backend.set_many([("a", b"1"), ("b", b"2"), ("a", b"3")])
    assert (redis.msets, redis.transactions) == (1, 0)
    assert redis.data == {"p:a": (b"3", None), "p:b": (b"2", None)}  # the last value wins


@pytest.mark.asyncio
async def test_a_decoding_client_is_refused() -> None:
    redis = FakeRedis(ManualClock())
    redis.decode = True
    backend = AsyncRedisBackend(redis, prefix="p:")
    await backend.set("k", b"v")
    with pytest.raises(TypeError, match="decode"):
        await backend.get("k")


@pytest.mark.asyncio
async def test_aclose_closes_only_an_owned_client() -> None:
    redis = FakeRedis(ManualClock())
    await AsyncRedisBackend(redis).aclose()
    assert not redis.closed
    await AsyncRedisBackend(redis, owns_client=True).aclose()
    assert redis.closed


def _fake_keywire(monkeypatch: pytest.MonkeyPatch, redis_class: object) -> None:
    module = types.ModuleType("keywire")
    if redis_class is not None:
        module.Redis = redis_class  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keywire", module)


def test_from_url_without_keywire(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keywire", None)  # import keywire raises ImportError
    with pytest.raises(BackendUnavailableError, match=r"pip install keywire-cache\[redis\]"):
        AsyncRedisBackend.from_url("redis://localhost")
    with pytest.raises(BackendUnavailableError, match=r"keywire-cache\[redis\]"):
        AsyncCache.from_url("redis://localhost")


def test_from_url_with_a_keywire_that_has_no_client(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_keywire(monkeypatch, None)
    with pytest.raises(BackendUnavailableError, match=r"no Redis\.from_url"):
        AsyncRedisBackend.from_url("rediss://localhost")


def test_from_url_with_a_client_that_lacks_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    class Partial:
        async def get(self, key: str) -> None:
            return None

    class Redis:
        @staticmethod
        def from_url(url: str) -> Partial:
            return Partial()

    _fake_keywire(monkeypatch, Redis)
    with pytest.raises(BackendUnavailableError, match="lacks mget, set, mset, delete"):
        AsyncRedisBackend.from_url("redis+unix:///tmp/redis.sock")


def test_from_url_passes_the_url_without_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class Redis:
        @staticmethod
        def from_url(url: str) -> FakeRedis:
            seen.append(url)
            return FakeRedis(ManualClock())

    _fake_keywire(monkeypatch, Redis)
    backend = AsyncRedisBackend.from_url("redis://:pw@host:6380/2?prefix=app:&socket_timeout=1")
    assert backend.prefix == "app:"
    assert backend.owns_client
    assert seen == ["redis://:pw@host:6380/2?socket_timeout=1"]
    cache = AsyncCache.from_url("redis://host")
    assert isinstance(cache.backend, AsyncRedisBackend)
    assert cache.backend.prefix == DEFAULT_REDIS_PREFIX


def test_from_url_wraps_the_clients_url_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    class InvalidURLError(ValueError):
        pass

    class Redis:
        @staticmethod
        def from_url(url: str) -> FakeRedis:
            raise InvalidURLError("invalid Redis URL 'redis://:***@h?nope=1': unknown option")

    _fake_keywire(monkeypatch, Redis)
    with pytest.raises(InvalidCacheURLError, match=r"refused the URL: .*unknown option") as info:
        AsyncRedisBackend.from_url("redis://:secret@h?nope=1")
    assert isinstance(info.value.__cause__, InvalidURLError)
    assert "secret" not in str(info.value)


def test_from_url_refuses_decode_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    class Decoding(FakeRedis):
        config = types.SimpleNamespace(decode_responses=True)

    class Redis:
        @staticmethod
        def from_url(url: str) -> FakeRedis:
            return Decoding(ManualClock())

    _fake_keywire(monkeypatch, Redis)
    with pytest.raises(InvalidCacheURLError, match="stores bytes") as info:
        AsyncRedisBackend.from_url("redis://:secret@h?decode_responses=yes")
    assert "secret" not in str(info.value)


def test_from_url_rejects_other_schemes() -> None:
    with pytest.raises(InvalidCacheURLError, match="redis://"):
        AsyncRedisBackend.from_url("memory://")
    with pytest.raises(InvalidCacheURLError, match="non-empty key prefix"):
        AsyncRedisBackend.from_url("redis://localhost?prefix=")
