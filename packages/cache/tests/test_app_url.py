"""Backend URLs."""

from __future__ import annotations

import pytest

from keywire_cache import DEFAULT_REDIS_PREFIX, CacheError, InvalidCacheURLError, parse_cache_url
from keywire_cache.app._url import mask_url


def test_memory() -> None:
    url = parse_cache_url("memory://")
    assert (url.scheme, url.prefix) == ("memory", "")
    assert parse_cache_url("memory:///?prefix=p:").prefix == "p:"
    assert parse_cache_url("MEMORY://").scheme == "memory"


def test_redis() -> None:
    url = parse_cache_url("redis://user:p%40ss@example.com:6380/3?prefix=app:&socket_timeout=2")
    assert url.scheme == "redis"
    assert (url.host, url.port, url.db) == ("example.com", 6380, 3)
    assert (url.username, url.password) == ("user", "p@ss")
    assert url.prefix == "app:"
    assert url.options == (("socket_timeout", "2"),)
    assert url.client_url() == "redis://user:p%40ss@example.com:6380/3?socket_timeout=2"


def test_redis_defaults() -> None:
    url = parse_cache_url("redis://")
    assert (url.host, url.port, url.db, url.prefix) == ("localhost", 6379, 0, DEFAULT_REDIS_PREFIX)
    assert url.username is None
    assert url.password is None
    assert parse_cache_url("rediss://h?db=2").db == 2
    assert parse_cache_url("redis://:secret@h").password == "secret"


def test_unix() -> None:
    url = parse_cache_url("redis+unix:///run/redis%20x.sock?db=1&prefix=q:")
    assert (url.scheme, url.path, url.db, url.prefix) == (
        "redis+unix",
        "/run/redis x.sock",
        1,
        "q:",
    )
    assert parse_cache_url("redis+unix://:pw@/tmp/s").password == "pw"


@pytest.mark.parametrize(
    ("url", "client_url"),
    [
        # The empty host of a socket URL stays: redis+unix:/path is not a client URL.
        (
            "redis+unix:///run/redis%20x.sock?db=1&prefix=q:",
            "redis+unix:///run/redis%20x.sock?db=1",
        ),
        ("redis+unix://:pw@/tmp/s?prefix=p:", "redis+unix://:pw@/tmp/s"),
        ("redis+unix:///tmp/s", "redis+unix:///tmp/s"),
        ("redis://h?prefix=p:", "redis://h"),
        (
            "redis://h/2?protocol=2&prefix=a%2A:&client_name=x",
            "redis://h/2?protocol=2&client_name=x",
        ),
        (
            "rediss://u:p%3Fw@h:6390/0?ssl_cert_reqs=none",
            "rediss://u:p%3Fw@h:6390/0?ssl_cert_reqs=none",
        ),
        ("redis://", "redis://"),
    ],
)
def test_client_url(url: str, client_url: str) -> None:
    assert parse_cache_url(url).client_url() == client_url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "unknown backend URL"),
        ("localhost:6379", "unknown backend URL"),
        ("http://h", "unknown backend URL"),
        ("memcached://h", "unknown backend URL"),
        ("memory://host", "no host or path"),
        ("memory:///path", "no host or path"),
        ("memory://?size=1", "only the prefix option"),
        ("redis://h:99999", "malformed"),
        ("redis://h:port", "malformed"),
        ("redis://h/notanumber", "not a number"),
        ("redis://h/1?db=2", "twice"),
        ("redis://h?prefix=", "non-empty key prefix"),
        ("redis://h?a=1&a=2", "repeats"),
        ("redis://h?=&&", "malformed query"),
        ("redis://h#frag", "fragment"),
        ("redis+unix://host/tmp/s", "socket path, not a host"),
        ("redis+unix://", "needs a socket path"),
    ],
)
def test_invalid(url: str, message: str) -> None:
    with pytest.raises(InvalidCacheURLError, match=message):
        parse_cache_url(url)


def test_not_a_string() -> None:
    with pytest.raises(InvalidCacheURLError, match="str"):
        parse_cache_url(b"memory://")  # type: ignore[arg-type]


def test_error_hierarchy() -> None:
    assert issubclass(InvalidCacheURLError, ValueError)
    assert issubclass(InvalidCacheURLError, CacheError)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:secret@h:1/0", "redis://:***@h:1/0"),
        ("rediss://user:p%40ss@h?prefix=a", "rediss://user:***@h?prefix=a"),
        ("redis+unix://:pw@/tmp/s?db=1", "redis+unix://:***@/tmp/s?db=1"),
        ("redis://user@h", "redis://user@h"),
        ("redis://h/a:b@c", "redis://h/a:b@c"),
        ("memory://", "memory://"),
        ("no scheme:secret@h", "no scheme:secret@h"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize(
    "url",
    ["redis://:secret@h:99999", "redis://u:secret@h/x", "redis+unix://u:secret@host/s"],
)
def test_errors_do_not_show_the_password(url: str) -> None:
    with pytest.raises(InvalidCacheURLError, match=r"\*\*\*") as info:
        parse_cache_url(url)
    assert "secret" not in str(info.value)


def test_repr_does_not_show_the_password() -> None:
    url = parse_cache_url("redis://u:secret@h")
    assert url.password == "secret"
    assert "secret" not in repr(url)
