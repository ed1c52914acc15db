"""The pool, with a mock connector (no server)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

import keywire
from keywire import Config
from keywire._mock import MockTransport, mock_connection
from keywire._pool import BACKOFF_CAP, ConnectionPool, backoff_delay

if TYPE_CHECKING:
    from keywire._connection import Connection

pytestmark = pytest.mark.asyncio


class Connector:
    """Opens mock connections; can be told to fail."""

    def __init__(self) -> None:
        self.transports: list[MockTransport] = []
        self.fail_with: Exception | None = None
        self.calls = 0
        self.delay = 0.0

    async def __call__(self, config: Config) -> Connection:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            raise self.fail_with
        connection, transport = await mock_connection(config)
        self.transports.append(transport)
        return connection


def make_pool(**changes: object) -> tuple[ConnectionPool, Connector]:
    connector = Connector()
    return ConnectionPool(Config().replace(**changes), connector=connector), connector


async def test_shared_connection_is_opened_once_for_concurrent_callers() -> None:
    pool, connector = make_pool()
    connector.delay = 0.01
    connections = await asyncio.gather(*(pool.get_shared() for _ in range(10)))
    assert connector.calls == 1
    assert len({id(c) for c in connections}) == 1
    assert pool.shared is connections[0]
    assert pool.total == 1


async def test_dead_shared_connection_is_replaced() -> None:
    pool, connector = make_pool()
    first = await pool.get_shared()
    connector.transports[0].lose()
    second = await pool.get_shared()
    assert second is not first
    assert second.is_alive
    assert pool.total == 1


async def test_connect_failure_reaches_every_waiter_and_is_retrieved() -> None:
    pool, connector = make_pool()
    connector.fail_with = keywire.ConnectionError("refused", address="x")
    connector.delay = 0.01
    results = await asyncio.gather(*(pool.get_shared() for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, keywire.ConnectionError) for r in results)
    assert pool.total == 0


async def test_backoff_after_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)
        await real_sleep(0)

    monkeypatch.setattr("keywire._pool.asyncio.sleep", fake_sleep)
    pool, connector = make_pool()
    connector.fail_with = keywire.ConnectionError("refused")
    for _ in range(3):
        with pytest.raises(keywire.ConnectionError):
            await pool.get_shared()
    connector.fail_with = None
    await pool.get_shared()
    assert len(sleeps) == 3  # none before the first attempt
    assert 0.025 <= sleeps[0] <= 0.05
    assert 0.05 <= sleeps[1] <= 0.1
    assert pool.shared is not None
    pool.shared.close()
    connector.fail_with = keywire.ConnectionError("again")
    with pytest.raises(keywire.ConnectionError):
        await pool.get_shared()
    assert len(sleeps) == 3  # the success reset the failure count


async def test_backoff_delay_is_bounded_and_jittered() -> None:
    assert backoff_delay(0) == 0
    assert backoff_delay(1, rng=lambda: 0.0) == pytest.approx(0.025)
    assert backoff_delay(1, rng=lambda: 1.0) == pytest.approx(0.05)
    assert backoff_delay(1000, rng=lambda: 1.0) == BACKOFF_CAP
    assert backoff_delay(1000, rng=lambda: 0.0) == BACKOFF_CAP / 2


async def test_acquire_reuses_released_connections() -> None:
    pool, connector = make_pool()
    first = await pool.acquire()
    pool.release(first)
    second = await pool.acquire()
    assert second is first
    assert connector.calls == 1
    pool.release(second)
    assert pool.idle == 1


async def test_busy_connection_is_closed_on_release() -> None:
    pool, connector = make_pool()
    connection = await pool.acquire()
    connector.transports[0].auto_reply = False
    fut = connection.send(b"*1\r\n$4\r\nPING\r\n")
    pool.release(connection)  # a reply is outstanding: never reuse it
    with pytest.raises(keywire.ClientClosedError):
        await fut
    assert pool.idle == 0
    assert pool.total == 0


async def test_pool_timeout() -> None:
    pool, _ = make_pool(max_connections=2, pool_timeout=0.05)
    await pool.get_shared()
    held = await pool.acquire()
    async with asyncio.timeout(2):
        with pytest.raises(keywire.PoolTimeoutError) as info:
            await pool.acquire()
    assert isinstance(info.value, TimeoutError)
    pool.release(held)
    again = await pool.acquire()
    assert again is held


async def test_waiter_gets_a_released_connection() -> None:
    pool, _ = make_pool(max_connections=1, pool_timeout=2)
    held = await pool.acquire()
    waiter = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    pool.release(held)
    assert await waiter is held


async def test_failed_open_frees_its_slot() -> None:
    pool, connector = make_pool(max_connections=1, pool_timeout=0.05)
    connector.fail_with = keywire.ConnectionError("refused")
    with pytest.raises(keywire.ConnectionError):
        await pool.acquire()
    assert pool.total == 0
    connector.fail_with = None
    connection = await pool.acquire()
    assert connection.is_alive


async def test_connect_hooks_run_for_every_connection() -> None:
    pool, _ = make_pool()
    seen: list[Connection] = []

    async def hook(connection: Connection) -> None:
        seen.append(connection)

    pool.add_connect_hook(hook)
    shared = await pool.get_shared()
    dedicated = await pool.acquire()
    assert seen == [shared, dedicated]


async def test_aclose_closes_everything() -> None:
    pool, _ = make_pool(max_connections=2, pool_timeout=5)
    shared = await pool.get_shared()
    held = await pool.acquire()
    waiter = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    await pool.aclose()
    with pytest.raises(keywire.ClientClosedError):
        await waiter
    assert not shared.is_alive
    pool.release(held)
    assert not held.is_alive
    with pytest.raises(keywire.ClientClosedError):
        await pool.get_shared()
    with pytest.raises(keywire.ClientClosedError):
        await pool.acquire()
    assert "ConnectionPool" in repr(pool)
    await pool.aclose()  # idempotent
