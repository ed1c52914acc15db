"""Generic key commands (DEL, EXISTS, EXPIRE, TTL, SCAN, ...)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from keywire.commands._base import AnyStr, CommandsBase, KeyT, flatten_keys
from keywire.commands._callbacks import to_bool, to_scan, to_set

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Iterable

__all__ = ["KeyCommands", "expire_condition"]


def expire_condition(nx: bool, xx: bool, gt: bool, lt: bool) -> list[bytes]:
    """The NX / XX / GT / LT flag of EXPIRE-like commands (Redis 7.0+), at most one."""
    flags = [flag for flag, on in ((b"NX", nx), (b"XX", xx), (b"GT", gt), (b"LT", lt)) if on]
    if len(flags) > 1:
        raise ValueError("give at most one of nx, xx, gt, lt")
    return flags


def _to_str(reply: Any) -> str:
    return reply.decode() if isinstance(reply, bytes) else str(reply)


class KeyCommands(CommandsBase[AnyStr]):
    """Commands on keys of any type."""

    __slots__ = ()

    def delete(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """DEL: delete ``keys`` (an iterable, or one key); returns how many existed."""
        return self._command(None, b"DEL", *flatten_keys(keys))

    def unlink(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """UNLINK: like DEL, reclaiming memory in the background."""
        return self._command(None, b"UNLINK", *flatten_keys(keys))

    def exists(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """EXISTS: how many of ``keys`` exist (a key named twice counts twice)."""
        return self._command(None, b"EXISTS", *flatten_keys(keys))

    def touch(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """TOUCH: update the last access time; returns how many keys exist."""
        return self._command(None, b"TOUCH", *flatten_keys(keys))

    def expire(
        self,
        key: KeyT,
        seconds: int | datetime.timedelta,
        *,
        nx: bool = False,
        xx: bool = False,
        gt: bool = False,
        lt: bool = False,
    ) -> Awaitable[bool]:
        """EXPIRE: set a time to live in seconds; True if it was set."""
        if isinstance(seconds, datetime.timedelta):
            seconds = int(seconds.total_seconds())
        return self._command(to_bool, b"EXPIRE", key, seconds, *expire_condition(nx, xx, gt, lt))

    def pexpire(
        self,
        key: KeyT,
        millis: int | datetime.timedelta,
        *,
        nx: bool = False,
        xx: bool = False,
        gt: bool = False,
        lt: bool = False,
    ) -> Awaitable[bool]:
        """PEXPIRE: set a time to live in milliseconds; True if it was set."""
        if isinstance(millis, datetime.timedelta):
            millis = int(millis.total_seconds() * 1000)
        return self._command(to_bool, b"PEXPIRE", key, millis, *expire_condition(nx, xx, gt, lt))

    def expireat(self, key: KeyT, when: int | datetime.datetime) -> Awaitable[bool]:
        """EXPIREAT: expire at a Unix time (seconds); True if it was set."""
        if isinstance(when, datetime.datetime):
            when = int(when.timestamp())
        return self._command(to_bool, b"EXPIREAT", key, when)

    def pexpireat(self, key: KeyT, when: int | datetime.datetime) -> Awaitable[bool]:
        """PEXPIREAT: expire at a Unix time in milliseconds; True if it was set."""
        if isinstance(when, datetime.datetime):
            when = int(when.timestamp() * 1000)
        return self._command(to_bool, b"PEXPIREAT", key, when)

    def ttl(self, key: KeyT) -> Awaitable[int]:
        """TTL: seconds to live; -1 without expiry, -2 if the key does not exist."""
        return self._command(None, b"TTL", key)

    def pttl(self, key: KeyT) -> Awaitable[int]:
        """PTTL: milliseconds to live; -1 without expiry, -2 if the key does not exist."""
        return self._command(None, b"PTTL", key)

    def persist(self, key: KeyT) -> Awaitable[bool]:
        """PERSIST: remove the expiry; True if there was one."""
        return self._command(to_bool, b"PERSIST", key)

    def type(self, key: KeyT) -> Awaitable[str]:
        """TYPE: ``"string"``, ``"list"``, ``"set"``, ``"zset"``, ``"hash"``, ``"stream"`` or
        ``"none"`` (always a ``str``)."""
        return self._command(_to_str, b"TYPE", key)

    def rename(self, key: KeyT, newkey: KeyT) -> Awaitable[bool]:
        """RENAME ``key`` to ``newkey`` (an error if ``key`` does not exist)."""
        return self._command(to_bool, b"RENAME", key, newkey)

    def renamenx(self, key: KeyT, newkey: KeyT) -> Awaitable[bool]:
        """RENAMENX: rename only if ``newkey`` does not exist; True if renamed."""
        return self._command(to_bool, b"RENAMENX", key, newkey)

    def keys(self, pattern: KeyT = "*") -> Awaitable[set[AnyStr]]:
        """KEYS: the set of key names matching ``pattern`` (use :meth:`scan_iter` in production)."""
        return self._command(to_set, b"KEYS", pattern)

    def randomkey(self) -> Awaitable[AnyStr | None]:
        """RANDOMKEY: a random key name, or None if the database is empty."""
        return self._command(None, b"RANDOMKEY")

    def scan(
        self,
        cursor: int = 0,
        *,
        match: KeyT | None = None,
        count: int | None = None,
        type: str | None = None,
    ) -> Awaitable[tuple[int, list[AnyStr]]]:
        """SCAN one step: returns ``(next cursor, keys)``; the cursor is 0 when done."""
        args: list[Any] = [b"SCAN", cursor]
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        if type is not None:
            args += [b"TYPE", type]
        return self._command(to_scan, *args)

    async def scan_iter(
        self,
        *,
        match: KeyT | None = None,
        count: int | None = None,
        type: str | None = None,
    ) -> AsyncIterator[AnyStr]:
        """Iterate over every key with SCAN (a key may be yielded more than once)."""
        cursor = -1
        while cursor != 0:
            cursor, keys = await self.scan(max(cursor, 0), match=match, count=count, type=type)
            for key in keys:
                yield key
