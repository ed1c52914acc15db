"""The contracts of application-cache backends, sync and async."""

from __future__ import annotations

import asyncio
import inspect
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

import pytest
import pytest_asyncio

from ._clock import ManualClock

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Iterator

    from keywire_cache import AsyncBackend, SyncBackend

__all__ = ["AsyncBackendContract", "SyncBackendContract"]

PREFIX = "kwc-contract:"
OTHER_PREFIX = "kwc-contract-other:"


class _Timing:
    """How the contracts make time pass: a :class:`ManualClock`, or real time for servers."""

    #: False: the backend reads the ``clock`` given to ``make_backend`` and the tests advance
    #: it (no sleeping). True: the backend runs on real time (a server); the tests use short
    #: TTLs and poll for expiry for at most :attr:`expiry_timeout` seconds.
    real_time: ClassVar[bool] = False
    #: With ``real_time``: the TTL of keys that must expire.
    short_ttl: ClassVar[timedelta] = timedelta(milliseconds=300)
    #: With ``real_time``: the most seconds to wait for a key to expire.
    expiry_timeout: ClassVar[float] = 5.0

    def _ttl(self) -> timedelta:
        return self.short_ttl if self.real_time else timedelta(seconds=10)

    def _deadline(self, clock: ManualClock) -> datetime:
        now = time.time() if self.real_time else clock.time()
        return datetime.fromtimestamp(now, UTC) + self._ttl()

    def _nearly_expire(self, clock: ManualClock) -> None:
        if not self.real_time:
            clock.advance(self._ttl().total_seconds() - 0.1)


class SyncBackendContract(_Timing):
    """Contract tests for a :class:`~keywire_cache.SyncBackend`; subclass and override
    :meth:`make_backend`.

    Example::

        class TestMemoryBackend(SyncBackendContract):
            def make_backend(self, clock, *, prefix, share_with=None):
                store = share_with.store if share_with else MemoryStore(
                    clock=clock.monotonic, wall_clock=clock.time)
                return MemoryBackend(prefix=prefix, store=store)

    For a backend on a real server set ``real_time = True`` (expiry is then polled with a
    bound instead of driven by the clock). The tests use the prefixes ``"kwc-contract:"`` and
    ``"kwc-contract-other:"`` and clear both before and after each test.
    """

    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: SyncBackend | None = None
    ) -> SyncBackend:
        """Return a backend with key prefix ``prefix``.

        Args:
            clock: the clock to read time from (ignored with ``real_time``).
            prefix: the key prefix.
            share_with: if given, the new backend must share its storage (same server and
                database, same memory store) so that prefixes can be seen to isolate.
        """
        raise NotImplementedError("override make_backend() in the subclass")

    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock()

    @pytest.fixture
    def backend(self, clock: ManualClock) -> Iterator[SyncBackend]:
        backend = self.make_backend(clock, prefix=PREFIX)
        backend.clear()
        yield backend
        backend.clear()
        backend.close()

    @pytest.fixture
    def sibling(self, clock: ManualClock, backend: SyncBackend) -> Iterator[SyncBackend]:
        sibling = self.make_backend(clock, prefix=OTHER_PREFIX, share_with=backend)
        sibling.clear()
        yield sibling
        sibling.clear()
        sibling.close()

    def _gone(self, backend: SyncBackend, clock: ManualClock, *keys: str) -> bool:
        if not self.real_time:
            clock.advance(0.2)
            return not dict(backend.get_many(*keys))
        deadline = time.monotonic() + self.expiry_timeout
        while dict(backend.get_many(*keys)):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def test_get_missing_raises_key_error(self, backend: SyncBackend) -> None:
        with pytest.raises(KeyError):
            backend.get("missing")

    def test_set_and_get(self, backend: SyncBackend) -> None:
        assert backend.set("k", b"v") is True
        assert backend.get("k") == b"v"
        assert backend.set("empty", b"") is True
        assert backend.get("empty") == b""
        assert backend.set("k", b"w") is True
        assert backend.get("k") == b"w"

    def test_if_not_exists(self, backend: SyncBackend) -> None:
        assert backend.set("k", b"1", if_not_exists=True) is True
        assert backend.set("k", b"2", if_not_exists=True) is False
        assert backend.get("k") == b"1"

    def test_time_to_live_expires(self, backend: SyncBackend, clock: ManualClock) -> None:
        backend.set("k", b"v", time_to_live=self._ttl())
        backend.set("forever", b"v")
        self._nearly_expire(clock)
        assert backend.get("k") == b"v"
        assert self._gone(backend, clock, "k")
        assert backend.get("forever") == b"v"

    def test_if_not_exists_after_expiry(self, backend: SyncBackend, clock: ManualClock) -> None:
        backend.set("k", b"1", time_to_live=self._ttl())
        self._nearly_expire(clock)
        assert self._gone(backend, clock, "k")
        assert backend.set("k", b"2", if_not_exists=True) is True
        assert backend.get("k") == b"2"

    def test_time_to_live_must_be_positive(self, backend: SyncBackend) -> None:
        for ttl in (timedelta(0), timedelta(seconds=-1)):
            with pytest.raises(ValueError, match="time_to_live"):
                backend.set("k", b"v", time_to_live=ttl)
            with pytest.raises(ValueError, match="time_to_live"):
                backend.set_many({"k": b"v"}, time_to_live=ttl)

    def test_set_many(self, backend: SyncBackend) -> None:
        backend.set_many({"a": b"1", "b": b"2"})
        backend.set_many([("c", b"3")])
        backend.set_many({})
        assert dict(backend.get_many("a", "b", "c")) == {"a": b"1", "b": b"2", "c": b"3"}

    def test_set_many_with_time_to_live(self, backend: SyncBackend, clock: ManualClock) -> None:
        backend.set_many({"a": b"1", "b": b"2"}, time_to_live=self._ttl())
        self._nearly_expire(clock)
        assert dict(backend.get_many("a", "b")) == {"a": b"1", "b": b"2"}
        assert self._gone(backend, clock, "a", "b")

    def test_get_many_yields_only_existing_keys(self, backend: SyncBackend) -> None:
        backend.set("a", b"1")
        backend.set("c", b"")
        assert sorted(backend.get_many("a", "b", "c")) == [("a", b"1"), ("c", b"")]
        assert list(backend.get_many()) == []

    def test_prefixes_isolate(self, backend: SyncBackend, sibling: SyncBackend) -> None:
        backend.set("k", b"ours")
        sibling.set("k", b"theirs")
        sibling.set("only-theirs", b"x")
        assert backend.get("k") == b"ours"
        assert dict(backend.get_many("k", "only-theirs")) == {"k": b"ours"}
        with pytest.raises(KeyError):
            backend.get("only-theirs")

    def test_clear_deletes_only_its_own_prefix(
        self, backend: SyncBackend, sibling: SyncBackend
    ) -> None:
        backend.set_many({"a": b"1", "b": b"2"})
        sibling.set("a", b"theirs")
        backend.clear()
        assert list(backend.get_many("a", "b")) == []
        assert sibling.get("a") == b"theirs"

    def test_delete(self, backend: SyncBackend) -> None:
        backend.set("k", b"v")
        assert backend.delete("k") is True
        assert backend.delete("k") is False
        with pytest.raises(KeyError):
            backend.get("k")

    def test_expire_in(self, backend: SyncBackend, clock: ManualClock) -> None:
        backend.set("k", b"v")
        backend.set("kept", b"v", time_to_live=self._ttl())
        backend.expire_in("k", self._ttl())
        backend.expire_in("kept", None)  # removes the expiry
        backend.expire_in("missing", self._ttl())  # no error, no key
        self._nearly_expire(clock)
        assert self._gone(backend, clock, "k", "missing")
        assert backend.get("kept") == b"v"

    def test_expire_in_zero_deletes(self, backend: SyncBackend) -> None:
        backend.set("k", b"v")
        backend.expire_in("k", timedelta(0))
        with pytest.raises(KeyError):
            backend.get("k")

    def test_expire_at(self, backend: SyncBackend, clock: ManualClock) -> None:
        backend.set("k", b"v")
        backend.set("kept", b"v", time_to_live=self._ttl())
        backend.expire_at("k", self._deadline(clock))
        backend.expire_at("kept", None)
        self._nearly_expire(clock)
        assert self._gone(backend, clock, "k")
        assert backend.get("kept") == b"v"

    def test_expire_at_in_the_past_deletes(self, backend: SyncBackend) -> None:
        backend.set("k", b"v")
        backend.expire_at("k", datetime(2000, 1, 1, tzinfo=UTC))
        with pytest.raises(KeyError):
            backend.get("k")

    def test_context_manager(self, clock: ManualClock) -> None:
        backend = self.make_backend(clock, prefix=PREFIX)
        with backend as entered:
            assert entered is backend


class AsyncBackendContract(_Timing):
    """Contract tests for an :class:`~keywire_cache.AsyncBackend`; subclass and override
    :meth:`make_backend` (which may be a coroutine). The same tests as
    :class:`SyncBackendContract`, awaited; they need pytest-asyncio.
    """

    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend | Awaitable[AsyncBackend]:
        """Return (or return an awaitable of) a backend; see
        :meth:`SyncBackendContract.make_backend`."""
        raise NotImplementedError("override make_backend() in the subclass")

    async def _make(
        self, clock: ManualClock, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend:
        made = self.make_backend(clock, prefix=prefix, share_with=share_with)
        backend = await made if inspect.isawaitable(made) else made
        await backend.clear()
        return backend

    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock()

    @pytest_asyncio.fixture
    async def backend(self, clock: ManualClock) -> AsyncIterator[AsyncBackend]:
        backend = await self._make(clock, PREFIX)
        yield backend
        await backend.clear()
        await backend.aclose()

    @pytest_asyncio.fixture
    async def sibling(
        self, clock: ManualClock, backend: AsyncBackend
    ) -> AsyncIterator[AsyncBackend]:
        sibling = await self._make(clock, OTHER_PREFIX, share_with=backend)
        yield sibling
        await sibling.clear()
        await sibling.aclose()

    async def _many(self, backend: AsyncBackend, *keys: str) -> dict[str, bytes]:
        return {key: value async for key, value in backend.get_many(*keys)}

    async def _gone(self, backend: AsyncBackend, clock: ManualClock, *keys: str) -> bool:
        if not self.real_time:
            clock.advance(0.2)
            return not await self._many(backend, *keys)
        deadline = time.monotonic() + self.expiry_timeout
        while await self._many(backend, *keys):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    @pytest.mark.asyncio
    async def test_get_missing_raises_key_error(self, backend: AsyncBackend) -> None:
        with pytest.raises(KeyError):
            await backend.get("missing")

    @pytest.mark.asyncio
    async def test_set_and_get(self, backend: AsyncBackend) -> None:
        assert await backend.set("k", b"v") is True
        assert await backend.get("k") == b"v"
        assert await backend.set("empty", b"") is True
        assert await backend.get("empty") == b""
        assert await backend.set("k", b"w") is True
        assert await backend.get("k") == b"w"

    @pytest.mark.asyncio
    async def test_if_not_exists(self, backend: AsyncBackend) -> None:
        assert await backend.set("k", b"1", if_not_exists=True) is True
        assert await backend.set("k", b"2", if_not_exists=True) is False
        assert await backend.get("k") == b"1"

    @pytest.mark.asyncio
    async def test_time_to_live_expires(self, backend: AsyncBackend, clock: ManualClock) -> None:
        await backend.set("k", b"v", time_to_live=self._ttl())
        await backend.set("forever", b"v")
        self._nearly_expire(clock)
        assert await backend.get("k") == b"v"
        assert await self._gone(backend, clock, "k")
        assert await backend.get("forever") == b"v"

    @pytest.mark.asyncio
    async def test_if_not_exists_after_expiry(
        self, backend: AsyncBackend, clock: ManualClock
    ) -> None:
        await backend.set("k", b"1", time_to_live=self._ttl())
        self._nearly_expire(clock)
        assert await self._gone(backend, clock, "k")
        assert await backend.set("k", b"2", if_not_exists=True) is True
        assert await backend.get("k") == b"2"

    @pytest.mark.asyncio
    async def test_time_to_live_must_be_positive(self, backend: AsyncBackend) -> None:
        for ttl in (timedelta(0), timedelta(seconds=-1)):
            with pytest.raises(ValueError, match="time_to_live"):
                await backend.set("k", b"v", time_to_live=ttl)
            with pytest.raises(ValueError, match="time_to_live"):
                await backend.set_many({"k": b"v"}, time_to_live=ttl)

    @pytest.mark.asyncio
    async def test_set_many(self, backend: AsyncBackend) -> None:
        await backend.set_many({"a": b"1", "b": b"2"})
        await backend.set_many([("c", b"3")])
        await backend.set_many({})
        assert await self._many(backend, "a", "b", "c") == {"a": b"1", "b": b"2", "c": b"3"}

    @pytest.mark.asyncio
    async def test_set_many_with_time_to_live(
        self, backend: AsyncBackend, clock: ManualClock
    ) -> None:
        await backend.set_many({"a": b"1", "b": b"2"}, time_to_live=self._ttl())
        self._nearly_expire(clock)
        assert await self._many(backend, "a", "b") == {"a": b"1", "b": b"2"}
        assert await self._gone(backend, clock, "a", "b")

    @pytest.mark.asyncio
    async def test_get_many_yields_only_existing_keys(self, backend: AsyncBackend) -> None:
        await backend.set("a", b"1")
        await backend.set("c", b"")
        found = sorted([item async for item in backend.get_many("a", "b", "c")])
        assert found == [("a", b"1"), ("c", b"")]
        assert await self._many(backend) == {}

    @pytest.mark.asyncio
    async def test_prefixes_isolate(self, backend: AsyncBackend, sibling: AsyncBackend) -> None:
        await backend.set("k", b"ours")
        await sibling.set("k", b"theirs")
        await sibling.set("only-theirs", b"x")
        assert await backend.get("k") == b"ours"
        assert await self._many(backend, "k", "only-theirs") == {"k": b"ours"}
        with pytest.raises(KeyError):
            await backend.get("only-theirs")

    @pytest.mark.asyncio
    async def test_clear_deletes_only_its_own_prefix(
        self, backend: AsyncBackend, sibling: AsyncBackend
    ) -> None:
        await backend.set_many({"a": b"1", "b": b"2"})
        await sibling.set("a", b"theirs")
        await backend.clear()
        assert await self._many(backend, "a", "b") == {}
        assert await sibling.get("a") == b"theirs"

    @pytest.mark.asyncio
    async def test_delete(self, backend: AsyncBackend) -> None:
        await backend.set("k", b"v")
        assert await backend.delete("k") is True
        assert await backend.delete("k") is False
        with pytest.raises(KeyError):
            await backend.get("k")

    @pytest.mark.asyncio
    async def test_expire_in(self, backend: AsyncBackend, clock: ManualClock) -> None:
        await backend.set("k", b"v")
        await backend.set("kept", b"v", time_to_live=self._ttl())
        await backend.expire_in("k", self._ttl())
        await backend.expire_in("kept", None)
        await backend.expire_in("missing", self._ttl())
        self._nearly_expire(clock)
        assert await self._gone(backend, clock, "k", "missing")
        assert await backend.get("kept") == b"v"

    @pytest.mark.asyncio
    async def test_expire_in_zero_deletes(self, backend: AsyncBackend) -> None:
        await backend.set("k", b"v")
        await backend.expire_in("k", timedelta(0))
        with pytest.raises(KeyError):
            await backend.get("k")

    @pytest.mark.asyncio
    async def test_expire_at(self, backend: AsyncBackend, clock: ManualClock) -> None:
        await backend.set("k", b"v")
        await backend.set("kept", b"v", time_to_live=self._ttl())
        await backend.expire_at("k", self._deadline(clock))
        await backend.expire_at("kept", None)
        self._nearly_expire(clock)
        assert await self._gone(backend, clock, "k")
        assert await backend.get("kept") == b"v"

    @pytest.mark.asyncio
    async def test_expire_at_in_the_past_deletes(self, backend: AsyncBackend) -> None:
        await backend.set("k", b"v")
        await backend.expire_at("k", datetime(2000, 1, 1, tzinfo=UTC))
        with pytest.raises(KeyError):
            await backend.get("k")

    @pytest.mark.asyncio
    async def test_async_context_manager(self, clock: ManualClock) -> None:
        backend = await self._make(clock, PREFIX)
        async with backend as entered:
            assert entered is backend
