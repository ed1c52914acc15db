"""Set commands (SADD, SMEMBERS, SINTER, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keywire.commands._base import (
    AnyStr,
    CommandsBase,
    EncodableT,
    KeyT,
    flatten_keys,
    flatten_values,
)
from keywire.commands._callbacks import to_bool, to_list, to_set

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Iterable

__all__ = ["SetCommands"]


def _to_bools(reply: Any) -> list[bool]:
    return [bool(item) for item in reply]


def _to_pop(reply: Any) -> Any:
    if reply is None or isinstance(reply, bytes | str):
        return reply
    return to_set(reply)


def _to_sscan(reply: Any) -> tuple[int, list[Any]]:
    cursor, items = reply
    return int(cursor), list(items)


class SetCommands(CommandsBase[AnyStr]):
    """Commands on sets."""

    __slots__ = ()

    def sadd(self, key: KeyT, members: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """SADD ``members``; returns how many were added."""
        return self._command(None, b"SADD", key, *flatten_values(members))

    def srem(self, key: KeyT, members: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """SREM ``members``; returns how many were removed."""
        return self._command(None, b"SREM", key, *flatten_values(members))

    def smembers(self, key: KeyT) -> Awaitable[set[AnyStr]]:
        """SMEMBERS: every member, as a set."""
        return self._command(to_set, b"SMEMBERS", key)

    def sismember(self, key: KeyT, member: EncodableT) -> Awaitable[bool]:
        """SISMEMBER: whether ``member`` is in the set."""
        return self._command(to_bool, b"SISMEMBER", key, member)

    def smismember(self, key: KeyT, members: Iterable[EncodableT]) -> Awaitable[list[bool]]:
        """SMISMEMBER: membership of each of ``members``, in order."""
        return self._command(_to_bools, b"SMISMEMBER", key, *flatten_values(members))

    def scard(self, key: KeyT) -> Awaitable[int]:
        """SCARD: the number of members."""
        return self._command(None, b"SCARD", key)

    def spop(self, key: KeyT, count: int | None = None) -> Awaitable[Any]:
        """SPOP: remove and return a random member (with ``count``: a set of up to ``count``)."""
        if count is None:
            return self._command(None, b"SPOP", key)
        return self._command(_to_pop, b"SPOP", key, count)

    def srandmember(self, key: KeyT, count: int | None = None) -> Awaitable[Any]:
        """SRANDMEMBER: a random member (with ``count``: a list, see the command's docs)."""
        if count is None:
            return self._command(None, b"SRANDMEMBER", key)
        return self._command(to_list, b"SRANDMEMBER", key, count)

    def smove(self, source: KeyT, destination: KeyT, member: EncodableT) -> Awaitable[bool]:
        """SMOVE ``member`` from ``source`` to ``destination``; True if it was moved."""
        return self._command(to_bool, b"SMOVE", source, destination, member)

    def sinter(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[set[AnyStr]]:
        """SINTER: the intersection of the sets."""
        return self._command(to_set, b"SINTER", *flatten_keys(keys))

    def sunion(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[set[AnyStr]]:
        """SUNION: the union of the sets."""
        return self._command(to_set, b"SUNION", *flatten_keys(keys))

    def sdiff(self, keys: Iterable[KeyT] | KeyT) -> Awaitable[set[AnyStr]]:
        """SDIFF: the members of the first set not in the others."""
        return self._command(to_set, b"SDIFF", *flatten_keys(keys))

    def sinterstore(self, destination: KeyT, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """SINTERSTORE: store the intersection; returns its size."""
        return self._command(None, b"SINTERSTORE", destination, *flatten_keys(keys))

    def sunionstore(self, destination: KeyT, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """SUNIONSTORE: store the union; returns its size."""
        return self._command(None, b"SUNIONSTORE", destination, *flatten_keys(keys))

    def sdiffstore(self, destination: KeyT, keys: Iterable[KeyT] | KeyT) -> Awaitable[int]:
        """SDIFFSTORE: store the difference; returns its size."""
        return self._command(None, b"SDIFFSTORE", destination, *flatten_keys(keys))

    def sscan(
        self, key: KeyT, cursor: int = 0, *, match: KeyT | None = None, count: int | None = None
    ) -> Awaitable[tuple[int, list[AnyStr]]]:
        """SSCAN one step: ``(next cursor, members)``."""
        args: list[Any] = [b"SSCAN", key, cursor]
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        return self._command(_to_sscan, *args)

    async def sscan_iter(
        self, key: KeyT, *, match: KeyT | None = None, count: int | None = None
    ) -> AsyncIterator[AnyStr]:
        """Iterate over the members with SSCAN."""
        cursor = -1
        while cursor != 0:
            cursor, members = await self.sscan(key, max(cursor, 0), match=match, count=count)
            for member in members:
                yield member
