"""The test kit itself: the clock, and contracts that refuse to run unconfigured."""

from __future__ import annotations

import pytest

from keywire_cache.testing import (
    AbstractCacheContract,
    AsyncBackendContract,
    ManualClock,
    SyncBackendContract,
)


def test_manual_clock() -> None:
    clock = ManualClock(monotonic_start=5.0, wall_start=100.0)
    assert (clock.monotonic(), clock.time()) == (5.0, 100.0)
    clock.advance(2.5)
    assert (clock.monotonic(), clock.time()) == (7.5, 102.5)
    with pytest.raises(ValueError, match="back"):
        clock.advance(-1)
    assert "7.5" in repr(clock)


def test_factories_must_be_overridden() -> None:
    clock = ManualClock()
    with pytest.raises(NotImplementedError, match="make_cache"):
        AbstractCacheContract().make_cache()
    with pytest.raises(NotImplementedError, match="make_backend"):
        SyncBackendContract().make_backend(clock, prefix="p")
    with pytest.raises(NotImplementedError, match="make_backend"):
        AsyncBackendContract().make_backend(clock, prefix="p")
    assert AbstractCacheContract().make_client() is None


def test_contract_classes_are_not_collected_themselves() -> None:
    for contract in (AbstractCacheContract, SyncBackendContract, AsyncBackendContract):
        assert not contract.__name__.startswith("Test")
