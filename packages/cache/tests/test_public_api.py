"""The public API is exactly __all__, and the package imports no other keywire package."""

from __future__ import annotations

import subprocess
import sys

import keywire_cache
import keywire_cache.app
import keywire_cache.testing

EXPECTED = {
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
    "DEFAULT_REDIS_PREFIX",
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
}


def test_all_is_the_public_api() -> None:
    assert set(keywire_cache.__all__) == EXPECTED
    assert len(keywire_cache.__all__) == len(EXPECTED)
    public = {name for name in vars(keywire_cache) if not name.startswith("_")}
    # Besides __all__, only the subpackages and the `annotations` future import are visible.
    assert public - EXPECTED <= {"annotations", "app", "testing"}
    for module in (keywire_cache, keywire_cache.app, keywire_cache.testing):
        for name in module.__all__:
            assert getattr(module, name) is not None
    assert set(keywire_cache.app.__all__) < EXPECTED


def test_public_names_have_docstrings() -> None:
    for name in keywire_cache.__all__:
        obj = getattr(keywire_cache, name)
        if callable(obj):
            assert obj.__doc__, name


def test_errors_share_one_root() -> None:
    for name in (
        "InvalidCacheURLError",
        "BackendUnavailableError",
        "SerializerUnavailableError",
        "SerializationError",
    ):
        assert issubclass(getattr(keywire_cache, name), keywire_cache.CacheError)


def test_importing_loads_no_other_keywire_package_nor_pytest() -> None:
    code = (
        "import sys, keywire_cache, keywire_cache.app;"
        "bad = sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'keywire', 'keywire_resp', 'keywire_tracking', 'pytest'});"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
