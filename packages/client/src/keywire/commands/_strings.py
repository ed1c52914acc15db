"""String commands (GET, SET, INCR, ...)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT, flatten_keys
from keywire.commands._callbacks import to_bool, to_float, to_list, to_ok

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable, Mapping

__all__ = ["StringCommands", "expiry_args"]


def _seconds(value: int | datetime.timedelta) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    return value


def _millis(value: int | datetime.timedelta) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() * 1000)
    return value


def _timestamp(value: int | datetime.datetime, scale: int) -> int:
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * scale)
    return value


def expiry_args(
    ex: int | datetime.timedelta | None,
    px: int | datetime.timedelta | None,
    exat: int | datetime.datetime | None,
    pxat: int | datetime.datetime | None,
) -> list[Any]:
    """Arguments for at most one of EX / PX / EXAT / PXAT."""
    given = [
        name
        for name, v in (("ex", ex), ("px", px), ("exat", exat), ("pxat", pxat))
        if v is not None
    ]
    if len(given) > 1:
        raise ValueError(f"give at most one of ex, px, exat, pxat (got {', '.join(given)})")
    if ex is not None:
        return [b"EX", _seconds(ex)]
    if px is not None:
        return [b"PX", _millis(px)]
    if exat is not None:
        return [b"EXAT", _timestamp(exat, 1)]
    if pxat is not None:
        return [b"PXAT", _timestamp(pxat, 1000)]
    return []


class StringCommands(CommandsBase[AnyStr]):
    """Commands on string values."""

    __slots__ = ()

    def get(self, key: KeyT) -> Awaitable[AnyStr | None]:
        """GET: the value of ``key``, or None when it does not exist."""
        return self._command(None, b"GET", key)

    @overload
    def set(
        self,
        key: KeyT,
        value: EncodableT,
        *,
        ex: int | datetime.timedelta | None = ...,
        px: int | datetime.timedelta | None = ...,
        exat: int | datetime.datetime | None = ...,
        pxat: int | datetime.datetime | None = ...,
        nx: bool = ...,
        xx: bool = ...,
        keepttl: bool = ...,
        get: Literal[False] = ...,
    ) -> Awaitable[bool]: ...
    @overload
    def set(
        self,
        key: KeyT,
        value: EncodableT,
        *,
        ex: int | datetime.timedelta | None = ...,
        px: int | datetime.timedelta | None = ...,
        exat: int | datetime.datetime | None = ...,
        pxat: int | datetime.datetime | None = ...,
        nx: bool = ...,
        xx: bool = ...,
        keepttl: bool = ...,
        get: Literal[True],
    ) -> Awaitable[AnyStr | None]: ...
    def set(
        self,
        key: KeyT,
        value: EncodableT,
        *,
        ex: int | datetime.timedelta | None = None,
        px: int | datetime.timedelta | None = None,
        exat: int | datetime.datetime | None = None,
        pxat: int | datetime.datetime | None = None,
        nx: bool = False,
        xx: bool = False,
        keepttl: bool = False,
        get: bool = False,
    ) -> Awaitable[bool] | Awaitable[AnyStr | None]:
        """SET ``key`` to ``value``.

        Args:
            ex, px, exat, pxat: Expiry in seconds / milliseconds / at a Unix time (seconds /
                milliseconds); ``timedelta`` and ``datetime`` are accepted. At most one.
            nx: Only set if the key does not exist. xx: only if it exists.
            keepttl: Keep the key's current time to live.
            get: Return the old value (or None) instead of whether the value was set.

        Returns:
            True if the value was set, False if ``nx`` / ``xx`` prevented it; with
            ``get=True``, the old value.
        """
        if (
            ex is None
            and px is None
            and exat is None
            and pxat is None
            and not (nx or xx or keepttl or get)
        ):
            return self._command(to_ok, b"SET", key, value)  # the common case, kept cheap
        if nx and xx:
            raise ValueError("nx and xx are mutually exclusive")
        args: list[Any] = [b"SET", key, value, *expiry_args(ex, px, exat, pxat)]
        if nx:
            args.append(b"NX")
        if xx:
            args.append(b"XX")
        if keepttl:
            args.append(b"KEEPTTL")
        if get:
            args.append(b"GET")
            return self._command(None, *args)
        return self._command(to_ok, *args)

    def setnx(self, key: KeyT, value: EncodableT) -> Awaitable[bool]:
        """SETNX: set ``key`` only if it does not exist; True if it was set."""
        return self._command(to_bool, b"SETNX", key, value)

    def setex(
        self, key: KeyT, seconds: int | datetime.timedelta, value: EncodableT
    ) -> Awaitable[bool]:
        """SETEX: set ``key`` with a time to live in seconds."""
        return self._command(to_bool, b"SETEX", key, _seconds(seconds), value)

    def psetex(
        self, key: KeyT, millis: int | datetime.timedelta, value: EncodableT
    ) -> Awaitable[bool]:
        """PSETEX: set ``key`` with a time to live in milliseconds."""
        return self._command(to_bool, b"PSETEX", key, _millis(millis), value)

    def mget(self, keys: Iterable[KeyT]) -> Awaitable[list[AnyStr | None]]:
        """MGET: the values of ``keys`` in order (None where a key does not exist)."""
        return self._command(to_list, b"MGET", *flatten_keys(keys))

    def mset(self, mapping: Mapping[KeyT, EncodableT]) -> Awaitable[bool]:
        """MSET: set every key of ``mapping`` (always succeeds)."""
        if not mapping:
            raise ValueError("mset needs at least one key")
        return self._command(to_bool, b"MSET", *(x for pair in mapping.items() for x in pair))

    def msetnx(self, mapping: Mapping[KeyT, EncodableT]) -> Awaitable[bool]:
        """MSETNX: set every key of ``mapping`` only if none exists; True if set."""
        if not mapping:
            raise ValueError("msetnx needs at least one key")
        return self._command(to_bool, b"MSETNX", *(x for pair in mapping.items() for x in pair))

    def getdel(self, key: KeyT) -> Awaitable[AnyStr | None]:
        """GETDEL: return the value of ``key`` and delete it."""
        return self._command(None, b"GETDEL", key)

    def getex(
        self,
        key: KeyT,
        *,
        ex: int | datetime.timedelta | None = None,
        px: int | datetime.timedelta | None = None,
        exat: int | datetime.datetime | None = None,
        pxat: int | datetime.datetime | None = None,
        persist: bool = False,
    ) -> Awaitable[AnyStr | None]:
        """GETEX: return the value of ``key`` and set (or with ``persist``, remove) its expiry."""
        args: list[Any] = [b"GETEX", key, *expiry_args(ex, px, exat, pxat)]
        if persist:
            if len(args) > 2:
                raise ValueError("persist excludes ex, px, exat and pxat")
            args.append(b"PERSIST")
        return self._command(None, *args)

    def getrange(self, key: KeyT, start: int, end: int) -> Awaitable[AnyStr]:
        """GETRANGE: the substring of the value between ``start`` and ``end`` (inclusive)."""
        return self._command(None, b"GETRANGE", key, start, end)

    def setrange(self, key: KeyT, offset: int, value: EncodableT) -> Awaitable[int]:
        """SETRANGE: overwrite part of the value at ``offset``; returns the new length."""
        return self._command(None, b"SETRANGE", key, offset, value)

    def strlen(self, key: KeyT) -> Awaitable[int]:
        """STRLEN: the length of the value (0 if the key does not exist)."""
        return self._command(None, b"STRLEN", key)

    def append(self, key: KeyT, value: EncodableT) -> Awaitable[int]:
        """APPEND: append ``value``; returns the new length."""
        return self._command(None, b"APPEND", key, value)

    def incr(self, key: KeyT) -> Awaitable[int]:
        """INCR: add 1; returns the new value."""
        return self._command(None, b"INCR", key)

    def incrby(self, key: KeyT, amount: int) -> Awaitable[int]:
        """INCRBY: add ``amount``; returns the new value."""
        return self._command(None, b"INCRBY", key, amount)

    def incrbyfloat(self, key: KeyT, amount: float) -> Awaitable[float]:
        """INCRBYFLOAT: add ``amount``; returns the new value."""
        return self._command(to_float, b"INCRBYFLOAT", key, amount)

    def decr(self, key: KeyT) -> Awaitable[int]:
        """DECR: subtract 1; returns the new value."""
        return self._command(None, b"DECR", key)

    def decrby(self, key: KeyT, amount: int) -> Awaitable[int]:
        """DECRBY: subtract ``amount``; returns the new value."""
        return self._command(None, b"DECRBY", key, amount)
