"""Contract tests for third-party (and our own) caches and backends; needs pytest.

Subclass a contract in a test module, name the subclass ``Test...`` so pytest collects it, and
override its factory method:

- :class:`AbstractCacheContract` -- for :class:`~keywire_cache.AbstractCache` implementations;
  override ``make_cache(*, max_keys=-1, max_size_bytes=-1)``.
- :class:`SyncBackendContract` / :class:`AsyncBackendContract` -- for application-cache
  backends; override ``make_backend(clock, *, prefix, share_with=None)``. The async one needs
  pytest-asyncio (``pip install keywire-cache[test]``).

:class:`ManualClock` drives expiry without sleeping.
"""

from __future__ import annotations

from ._backends import AsyncBackendContract, SyncBackendContract
from ._clock import ManualClock
from ._core import AbstractCacheContract

__all__ = ["AbstractCacheContract", "AsyncBackendContract", "ManualClock", "SyncBackendContract"]
