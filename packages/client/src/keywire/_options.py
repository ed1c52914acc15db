"""The keyword options that :class:`keywire.Redis` and :class:`keywire.RedisCluster` share.

Typed once here, for the overloads of both constructors (``**options: Unpack[ClientOptions]``,
PEP 692), so a new option cannot be added to one client's signature and forgotten in the
other's. The implementations still spell every option out with its default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    import ssl as _ssl

    from keywire._cache import CacheLike
    from keywire_resp import Limits

__all__ = ["ClientOptions"]


class ClientOptions(TypedDict, total=False):
    """Options of every connection a client opens (see :class:`keywire.Redis` for each)."""

    username: str | None
    password: str | None
    protocol: int
    client_name: str | None
    encoding: str
    connect_timeout: float | None
    read_timeout: float | None
    write_timeout: float | None
    pool_timeout: float | None
    max_connections: int
    ssl: bool | _ssl.SSLContext | None
    cache: CacheLike | None
    limits: Limits | None
    reader_backend: str
