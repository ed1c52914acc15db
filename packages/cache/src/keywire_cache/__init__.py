"""keywire-cache: the cache core of keywire and an application key/value cache. No I/O.

Two parts:

- The **cache core** used by Redis clients for client-side caching: the
  :class:`AbstractCache` interface, :class:`LRUCache` (bounded in Redis keys and in measured
  bytes, LRU eviction), :class:`CacheStats` (bounded per-key counters, exact totals) and
  :class:`Confidence` (how often hits are verified against the server).
- The **application cache** (cachetory's shape, in :mod:`keywire_cache.app`): :class:`Cache`
  and :class:`AsyncCache` over ``memory://`` or Redis backends, serializers, and the
  :func:`cached` decorator.

:mod:`keywire_cache.testing` holds contract tests that any implementation of
:class:`AbstractCache`, :class:`SyncBackend` or :class:`AsyncBackend` can run (it needs pytest).

Errors (a cache miss is the built-in ``KeyError``, as for a mapping)::

    CacheError
     +-- InvalidCacheURLError        (also ValueError) unknown scheme, malformed URL
     +-- BackendUnavailableError     the backend needs an extra / a client not built yet
     +-- SerializerUnavailableError  the serializer needs an extra (msgpack)
     +-- SerializationError          (also ValueError) a value cannot be (de)serialized
"""

from __future__ import annotations

from ._abc import AbstractCache
from ._confidence import Confidence
from ._errors import (
    BackendUnavailableError,
    CacheError,
    InvalidCacheURLError,
    SerializationError,
    SerializerUnavailableError,
)
from ._lru import LRUCache
from ._stats import CacheStats
from .app import (
    DEFAULT_REDIS_PREFIX,
    AsyncBackend,
    AsyncCache,
    AsyncMemoryBackend,
    AsyncRedisBackend,
    AsyncRedisLike,
    AsyncRedisPipelineLike,
    Cache,
    CacheURL,
    JsonSerializer,
    MemoryBackend,
    MemoryStore,
    MsgpackSerializer,
    NoopSerializer,
    PickleSerializer,
    Serializer,
    SyncBackend,
    cached,
    get_serializer,
    parse_cache_url,
)

__all__ = [
    "DEFAULT_REDIS_PREFIX",
    "AbstractCache",
    "AsyncBackend",
    "AsyncCache",
    "AsyncMemoryBackend",
    "AsyncRedisBackend",
    "AsyncRedisLike",
    "AsyncRedisPipelineLike",
    "BackendUnavailableError",
    "Cache",
    "CacheError",
    "CacheStats",
    "CacheURL",
    "Confidence",
    "InvalidCacheURLError",
    "JsonSerializer",
    "LRUCache",
    "MemoryBackend",
    "MemoryStore",
    "MsgpackSerializer",
    "NoopSerializer",
    "PickleSerializer",
    "SerializationError",
    "Serializer",
    "SerializerUnavailableError",
    "SyncBackend",
    "__version__",
    "cached",
    "get_serializer",
    "parse_cache_url",
]

__version__ = "0.1.0"
