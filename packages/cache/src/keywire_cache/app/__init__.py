"""The application cache: a key/value cache facade over backends (cachetory's shape).

:class:`Cache` (sync) and :class:`AsyncCache` (async) serialize values and keep them in a
backend chosen by URL (``memory://``, ``redis://``, ``rediss://``, ``redis+unix://``); the
:func:`cached` decorator memoizes functions in them. Every name here is also exported by
:mod:`keywire_cache`.
"""

from __future__ import annotations

from ._backends import AsyncBackend, SyncBackend
from ._cache import AsyncCache, Cache
from ._decorator import cached
from ._memory import AsyncMemoryBackend, MemoryBackend, MemoryStore
from ._redis import AsyncRedisBackend, AsyncRedisLike, AsyncRedisPipelineLike
from ._serializers import (
    JsonSerializer,
    MsgpackSerializer,
    NoopSerializer,
    PickleSerializer,
    Serializer,
    get_serializer,
)
from ._url import DEFAULT_REDIS_PREFIX, CacheURL, parse_cache_url

__all__ = [
    "DEFAULT_REDIS_PREFIX",
    "AsyncBackend",
    "AsyncCache",
    "AsyncMemoryBackend",
    "AsyncRedisBackend",
    "AsyncRedisLike",
    "AsyncRedisPipelineLike",
    "Cache",
    "CacheURL",
    "JsonSerializer",
    "MemoryBackend",
    "MemoryStore",
    "MsgpackSerializer",
    "NoopSerializer",
    "PickleSerializer",
    "Serializer",
    "SyncBackend",
    "cached",
    "get_serializer",
    "parse_cache_url",
]
