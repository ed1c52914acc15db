"""List commands (LPUSH, LRANGE, BLPOP, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from keywire.commands._base import (
    AnyStr,
    CommandsBase,
    EncodableT,
    KeyT,
    flatten_keys,
    flatten_values,
)
from keywire.commands._callbacks import to_bool, to_list

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

__all__ = ["ListCommands"]

Direction = Literal["LEFT", "RIGHT"]


def _to_pop(reply: Any) -> Any:
    # LPOP with a count: RESP3 may send a set-free array; keep lists as lists.
    return reply if reply is None or not isinstance(reply, tuple) else list(reply)


def _to_kv(reply: Any) -> tuple[Any, Any] | None:
    return None if reply is None else (reply[0], reply[1])


def _timeout(timeout: float) -> int | float:
    return int(timeout) if float(timeout).is_integer() else timeout


class ListCommands(CommandsBase[AnyStr]):
    """Commands on lists."""

    __slots__ = ()

    def lpush(self, key: KeyT, values: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """LPUSH ``values`` (one value or an iterable) at the head; returns the new length."""
        return self._command(None, b"LPUSH", key, *flatten_values(values))

    def rpush(self, key: KeyT, values: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """RPUSH ``values`` (one value or an iterable) at the tail; returns the new length."""
        return self._command(None, b"RPUSH", key, *flatten_values(values))

    def lpushx(self, key: KeyT, values: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """LPUSHX: push only if the list exists; returns the new length (0 if not)."""
        return self._command(None, b"LPUSHX", key, *flatten_values(values))

    def rpushx(self, key: KeyT, values: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """RPUSHX: push only if the list exists; returns the new length (0 if not)."""
        return self._command(None, b"RPUSHX", key, *flatten_values(values))

    def lpop(self, key: KeyT, count: int | None = None) -> Awaitable[Any]:
        """LPOP: the first element (with ``count``: a list of up to ``count``); None if empty."""
        if count is None:
            return self._command(None, b"LPOP", key)
        return self._command(_to_pop, b"LPOP", key, count)

    def rpop(self, key: KeyT, count: int | None = None) -> Awaitable[Any]:
        """RPOP: the last element (with ``count``: a list of up to ``count``); None if empty."""
        if count is None:
            return self._command(None, b"RPOP", key)
        return self._command(_to_pop, b"RPOP", key, count)

    def lrange(self, key: KeyT, start: int, stop: int) -> Awaitable[list[AnyStr]]:
        """LRANGE: elements from ``start`` to ``stop`` (inclusive; negative counts from the end)."""
        return self._command(to_list, b"LRANGE", key, start, stop)

    def llen(self, key: KeyT) -> Awaitable[int]:
        """LLEN: the length of the list (0 if it does not exist)."""
        return self._command(None, b"LLEN", key)

    def lindex(self, key: KeyT, index: int) -> Awaitable[AnyStr | None]:
        """LINDEX: the element at ``index``, or None."""
        return self._command(None, b"LINDEX", key, index)

    def lset(self, key: KeyT, index: int, value: EncodableT) -> Awaitable[bool]:
        """LSET: replace the element at ``index``."""
        return self._command(to_bool, b"LSET", key, index, value)

    def lrem(self, key: KeyT, count: int, value: EncodableT) -> Awaitable[int]:
        """LREM: remove ``count`` occurrences of ``value`` (0: all; negative: from the tail)."""
        return self._command(None, b"LREM", key, count, value)

    def ltrim(self, key: KeyT, start: int, stop: int) -> Awaitable[bool]:
        """LTRIM: keep only the elements from ``start`` to ``stop``."""
        return self._command(to_bool, b"LTRIM", key, start, stop)

    def linsert(
        self, key: KeyT, where: Literal["BEFORE", "AFTER"], pivot: EncodableT, value: EncodableT
    ) -> Awaitable[int]:
        """LINSERT ``value`` before / after ``pivot``; the new length, or -1 without the pivot."""
        return self._command(None, b"LINSERT", key, where, pivot, value)

    def lpos(
        self, key: KeyT, value: EncodableT, *, rank: int | None = None
    ) -> Awaitable[int | None]:
        """LPOS: the index of ``value`` (the ``rank``-th match), or None."""
        args: list[Any] = [b"LPOS", key, value]
        if rank is not None:
            args += [b"RANK", rank]
        return self._command(None, *args)

    def lmove(
        self, source: KeyT, destination: KeyT, wherefrom: Direction, whereto: Direction
    ) -> Awaitable[AnyStr | None]:
        """LMOVE: pop from one end of ``source``, push to one end of ``destination``."""
        return self._command(None, b"LMOVE", source, destination, wherefrom, whereto)

    def blpop(
        self, keys: Iterable[KeyT] | KeyT, timeout: float = 0
    ) -> Awaitable[tuple[AnyStr, AnyStr] | None]:
        """BLPOP: wait up to ``timeout`` seconds (0: forever) for an element of the first
        non-empty list; returns ``(key, element)`` or None on timeout.

        Runs on a dedicated connection, exempt from the read timeout.
        """
        return self._blocking(_to_kv, b"BLPOP", *flatten_keys(keys), _timeout(timeout))

    def brpop(
        self, keys: Iterable[KeyT] | KeyT, timeout: float = 0
    ) -> Awaitable[tuple[AnyStr, AnyStr] | None]:
        """BRPOP: like :meth:`blpop` from the tail."""
        return self._blocking(_to_kv, b"BRPOP", *flatten_keys(keys), _timeout(timeout))

    def blmove(
        self,
        source: KeyT,
        destination: KeyT,
        wherefrom: Direction,
        whereto: Direction,
        timeout: float = 0,
    ) -> Awaitable[AnyStr | None]:
        """BLMOVE: blocking :meth:`lmove`; None on timeout."""
        return self._blocking(
            None, b"BLMOVE", source, destination, wherefrom, whereto, _timeout(timeout)
        )
