"""Backend URLs: ``memory://``, ``redis://``, ``rediss://`` and ``redis+unix://``."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from .._errors import InvalidCacheURLError

__all__ = ["DEFAULT_REDIS_PREFIX", "CacheURL", "mask_url", "parse_cache_url"]

#: The key prefix of the Redis backend when the URL names none.
DEFAULT_REDIS_PREFIX = "keywire-cache:"

MEMORY_SCHEMES = frozenset({"memory"})
REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix"})
_SCHEMES = ("memory://", "redis://", "rediss://", "redis+unix://")


def mask_url(url: str) -> str:
    """Return ``url`` with the password of its user part replaced by ``***``, for messages.

    Works on malformed URLs too (it only cuts the text, it does not parse it).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}{rest[end:]}"


@dataclasses.dataclass(frozen=True)
class CacheURL:
    """A parsed backend URL.

    Attributes:
        url: the URL as given.
        scheme: ``"memory"``, ``"redis"``, ``"rediss"`` (TLS) or ``"redis+unix"``.
        prefix: the key prefix (``?prefix=``); for Redis :data:`DEFAULT_REDIS_PREFIX` if absent,
            for memory ``""``.
        host: the host (Redis over TCP).
        port: the port (Redis over TCP).
        path: the socket path (``redis+unix``).
        db: the database number (``/1`` or ``?db=1``).
        username: the ACL user, if any.
        password: the password, if any.
        options: the remaining query options, passed to the client.
    """

    url: str = dataclasses.field(repr=False)
    scheme: str
    prefix: str
    host: str | None = None
    port: int | None = None
    path: str | None = None
    db: int = 0
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    options: tuple[tuple[str, str], ...] = ()

    def client_url(self) -> str:
        """The URL without the cache's own ``prefix`` option, for the Redis client.

        Only the query is rebuilt; the rest is kept as given (``urlunsplit`` would turn
        ``redis+unix:///path`` into ``redis+unix:/path``).
        """
        base, _, query = self.url.partition("?")  # where urlsplit starts the query too
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "prefix"]
        return f"{base}?{urlencode(kept)}" if kept else base


def parse_cache_url(url: str) -> CacheURL:
    """Parse and validate a backend URL.

    Forms: ``memory://[?prefix=p]``; ``redis://[[user]:password@]host[:port][/db][?options]``;
    ``rediss://...`` (TLS, same form); ``redis+unix://[[user]:password@]/socket/path[?db=n]``.
    ``prefix`` is the cache's key prefix; other options are passed to the client.

    Args:
        url: the URL.

    Returns:
        The parsed URL.

    Raises:
        InvalidCacheURLError: unknown scheme, malformed part, or an option the scheme does not
            take.
    """
    if not isinstance(url, str):
        raise InvalidCacheURLError(f"a backend URL is a str, got {type(url).__name__}")
    shown = mask_url(url)
    scheme, sep, _rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in MEMORY_SCHEMES | REDIS_SCHEMES:
        raise InvalidCacheURLError(
            f"unknown backend URL {shown!r}: expected one of {', '.join(_SCHEMES)}"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidCacheURLError(f"malformed backend URL {shown!r}: {exc}") from exc
    if parts.fragment:
        raise InvalidCacheURLError(f"backend URL {shown!r} has a fragment")
    try:
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise InvalidCacheURLError(f"malformed query in backend URL {shown!r}") from exc
    options = dict(query)
    if len(options) != len(query):
        raise InvalidCacheURLError(f"backend URL {shown!r} repeats an option")
    prefix = options.pop("prefix", None)

    if scheme in MEMORY_SCHEMES:
        if parts.netloc or parts.path not in ("", "/"):
            raise InvalidCacheURLError(f"memory:// takes no host or path, got {shown!r}")
        if options:
            raise InvalidCacheURLError(
                f"memory:// takes only the prefix option, got {sorted(options)} in {shown!r}"
            )
        return CacheURL(url=url, scheme=scheme, prefix=prefix or "")

    if prefix == "":
        raise InvalidCacheURLError(
            f"the Redis backend needs a non-empty key prefix (clear() deletes every key under"
            f" it), got an empty one in {shown!r}"
        )
    db = _db(shown, parts.path if scheme != "redis+unix" else "", options.pop("db", None))
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    base = CacheURL(
        url=url,
        scheme=scheme,
        prefix=DEFAULT_REDIS_PREFIX if prefix is None else prefix,
        db=db,
        username=username,
        password=password,
        options=tuple(sorted(options.items())),
    )
    if scheme == "redis+unix":
        if parts.hostname or port is not None:
            raise InvalidCacheURLError(
                f"redis+unix:// takes a socket path, not a host: {shown!r}"
                " (write redis+unix:///path/to/redis.sock)"
            )
        path = unquote(parts.path)
        if not path or path == "/":
            raise InvalidCacheURLError(f"redis+unix:// needs a socket path: {shown!r}")
        return dataclasses.replace(base, path=path)
    return dataclasses.replace(
        base, host=parts.hostname or "localhost", port=6379 if port is None else port
    )


def _db(shown: str, path: str, option: str | None) -> int:
    text = path.strip("/")
    if text and option is not None:
        raise InvalidCacheURLError(f"backend URL {shown!r} names the database twice")
    text = text or (option or "0")
    if not text.isdigit():
        raise InvalidCacheURLError(f"the database of {shown!r} is not a number: {text!r}")
    return int(text)
