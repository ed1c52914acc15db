"""Hash commands (HSET, HGET, HGETALL, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT, flatten_values
from keywire.commands._callbacks import to_bool, to_dict, to_float, to_list

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping

__all__ = ["HashCommands"]


def _to_hscan(reply: Any) -> tuple[int, dict[Any, Any]]:
    cursor, items = reply
    return int(cursor), to_dict(items)


class HashCommands(CommandsBase[AnyStr]):
    """Commands on hashes."""

    __slots__ = ()

    def hset(self, key: KeyT, mapping: Mapping[EncodableT, EncodableT]) -> Awaitable[int]:
        """HSET the fields of ``mapping``; returns how many fields were added (not updated)."""
        if not mapping:
            raise ValueError("hset needs at least one field")
        return self._command(None, b"HSET", key, *(x for pair in mapping.items() for x in pair))

    def hsetnx(self, key: KeyT, field: EncodableT, value: EncodableT) -> Awaitable[bool]:
        """HSETNX: set ``field`` only if it does not exist; True if set."""
        return self._command(to_bool, b"HSETNX", key, field, value)

    def hget(self, key: KeyT, field: EncodableT) -> Awaitable[AnyStr | None]:
        """HGET: the value of ``field``, or None."""
        return self._command(None, b"HGET", key, field)

    def hmget(self, key: KeyT, fields: Iterable[EncodableT]) -> Awaitable[list[AnyStr | None]]:
        """HMGET: the values of ``fields`` in order (None where missing)."""
        return self._command(to_list, b"HMGET", key, *flatten_values(fields))

    def hgetall(self, key: KeyT) -> Awaitable[dict[AnyStr, AnyStr]]:
        """HGETALL: every field and value as a dict (empty if the key does not exist)."""
        return self._command(to_dict, b"HGETALL", key)

    def hdel(self, key: KeyT, fields: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """HDEL: delete ``fields``; returns how many existed."""
        return self._command(None, b"HDEL", key, *flatten_values(fields))

    def hexists(self, key: KeyT, field: EncodableT) -> Awaitable[bool]:
        """HEXISTS: whether ``field`` exists."""
        return self._command(to_bool, b"HEXISTS", key, field)

    def hincrby(self, key: KeyT, field: EncodableT, amount: int = 1) -> Awaitable[int]:
        """HINCRBY: add ``amount`` to ``field``; returns the new value."""
        return self._command(None, b"HINCRBY", key, field, amount)

    def hincrbyfloat(self, key: KeyT, field: EncodableT, amount: float) -> Awaitable[float]:
        """HINCRBYFLOAT: add ``amount`` to ``field``; returns the new value."""
        return self._command(to_float, b"HINCRBYFLOAT", key, field, amount)

    def hkeys(self, key: KeyT) -> Awaitable[list[AnyStr]]:
        """HKEYS: the field names."""
        return self._command(to_list, b"HKEYS", key)

    def hvals(self, key: KeyT) -> Awaitable[list[AnyStr]]:
        """HVALS: the values."""
        return self._command(to_list, b"HVALS", key)

    def hlen(self, key: KeyT) -> Awaitable[int]:
        """HLEN: the number of fields."""
        return self._command(None, b"HLEN", key)

    def hstrlen(self, key: KeyT, field: EncodableT) -> Awaitable[int]:
        """HSTRLEN: the length of the value of ``field`` (0 if missing)."""
        return self._command(None, b"HSTRLEN", key, field)

    def hscan(
        self, key: KeyT, cursor: int = 0, *, match: KeyT | None = None, count: int | None = None
    ) -> Awaitable[tuple[int, dict[AnyStr, AnyStr]]]:
        """HSCAN one step: ``(next cursor, {field: value})``."""
        args: list[Any] = [b"HSCAN", key, cursor]
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        return self._command(_to_hscan, *args)

    async def hscan_iter(
        self, key: KeyT, *, match: KeyT | None = None, count: int | None = None
    ) -> AsyncIterator[tuple[AnyStr, AnyStr]]:
        """Iterate over ``(field, value)`` pairs with HSCAN."""
        cursor = -1
        while cursor != 0:
            cursor, items = await self.hscan(key, max(cursor, 0), match=match, count=count)
            for pair in items.items():
                yield pair
