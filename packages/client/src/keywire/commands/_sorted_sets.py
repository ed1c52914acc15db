"""Sorted set commands (ZADD, ZRANGE, ZSCORE, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from keywire.commands._base import (
    AnyStr,
    CommandsBase,
    EncodableT,
    KeyT,
    flatten_keys,
    flatten_values,
)
from keywire.commands._callbacks import (
    to_float,
    to_float_list,
    to_float_or_none,
    to_list,
    to_pairs_with_scores,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable, Mapping

__all__ = ["SortedSetCommands"]

ScoreT = float | int | str
"""A score or bound: a number, or text such as ``"-inf"``, ``"+inf"``, ``"(1.5"``."""


def _to_pop(reply: Any) -> list[tuple[Any, float]]:
    # ZPOPMIN without count: RESP3 sends [member, score] flat; with count a list of pairs.
    if not reply:
        return []
    if not isinstance(reply[0], list | tuple) and len(reply) == 2 and isinstance(reply[1], float):
        return [(reply[0], reply[1])]
    return to_pairs_with_scores(reply)


def _to_bzpop(reply: Any) -> tuple[Any, Any, float] | None:
    if reply is None:
        return None
    key, member, score = reply
    return key, member, float(score)


def _to_rank(reply: Any) -> int | None:
    return None if reply is None else int(reply)


def _to_zscan(reply: Any) -> tuple[int, list[tuple[Any, float]]]:
    cursor, items = reply
    return int(cursor), to_pairs_with_scores(items)


class SortedSetCommands(CommandsBase[AnyStr]):
    """Commands on sorted sets. Scores are always returned as ``float``."""

    __slots__ = ()

    def zadd(
        self,
        key: KeyT,
        mapping: Mapping[EncodableT, float],
        *,
        nx: bool = False,
        xx: bool = False,
        gt: bool = False,
        lt: bool = False,
        ch: bool = False,
    ) -> Awaitable[int]:
        """ZADD ``{member: score}``; returns how many were added (with ``ch``: changed)."""
        if not mapping:
            raise ValueError("zadd needs at least one member")
        if nx and (xx or gt or lt):
            raise ValueError("nx excludes xx, gt and lt")
        if gt and lt:
            raise ValueError("gt and lt are mutually exclusive")
        args: list[Any] = [b"ZADD", key]
        for flag, on in ((b"NX", nx), (b"XX", xx), (b"GT", gt), (b"LT", lt), (b"CH", ch)):
            if on:
                args.append(flag)
        for member, score in mapping.items():
            args += [score, member]
        return self._command(None, *args)

    def zincrby(self, key: KeyT, amount: float, member: EncodableT) -> Awaitable[float]:
        """ZINCRBY: add ``amount`` to the score of ``member``; returns the new score."""
        return self._command(to_float, b"ZINCRBY", key, amount, member)

    def zscore(self, key: KeyT, member: EncodableT) -> Awaitable[float | None]:
        """ZSCORE: the score of ``member``, or None."""
        return self._command(to_float_or_none, b"ZSCORE", key, member)

    def zmscore(self, key: KeyT, members: Iterable[EncodableT]) -> Awaitable[list[float | None]]:
        """ZMSCORE: the scores of ``members`` in order (None where missing)."""
        return self._command(to_float_list, b"ZMSCORE", key, *flatten_values(members))

    def zrem(self, key: KeyT, members: Iterable[EncodableT] | EncodableT) -> Awaitable[int]:
        """ZREM ``members``; returns how many were removed."""
        return self._command(None, b"ZREM", key, *flatten_values(members))

    def zcard(self, key: KeyT) -> Awaitable[int]:
        """ZCARD: the number of members."""
        return self._command(None, b"ZCARD", key)

    def zcount(self, key: KeyT, min: ScoreT, max: ScoreT) -> Awaitable[int]:
        """ZCOUNT: members with a score between ``min`` and ``max``."""
        return self._command(None, b"ZCOUNT", key, min, max)

    def zrank(self, key: KeyT, member: EncodableT) -> Awaitable[int | None]:
        """ZRANK: the 0-based rank by ascending score, or None."""
        return self._command(_to_rank, b"ZRANK", key, member)

    def zrevrank(self, key: KeyT, member: EncodableT) -> Awaitable[int | None]:
        """ZREVRANK: the 0-based rank by descending score, or None."""
        return self._command(_to_rank, b"ZREVRANK", key, member)

    @overload
    def zrange(
        self,
        key: KeyT,
        start: ScoreT,
        stop: ScoreT,
        *,
        withscores: Literal[False] = ...,
        rev: bool = ...,
        byscore: bool = ...,
        bylex: bool = ...,
        offset: int | None = ...,
        count: int | None = ...,
    ) -> Awaitable[list[AnyStr]]: ...
    @overload
    def zrange(
        self,
        key: KeyT,
        start: ScoreT,
        stop: ScoreT,
        *,
        withscores: Literal[True],
        rev: bool = ...,
        byscore: bool = ...,
        bylex: bool = ...,
        offset: int | None = ...,
        count: int | None = ...,
    ) -> Awaitable[list[tuple[AnyStr, float]]]: ...
    def zrange(
        self,
        key: KeyT,
        start: ScoreT,
        stop: ScoreT,
        *,
        withscores: bool = False,
        rev: bool = False,
        byscore: bool = False,
        bylex: bool = False,
        offset: int | None = None,
        count: int | None = None,
    ) -> Awaitable[list[AnyStr]] | Awaitable[list[tuple[AnyStr, float]]]:
        """ZRANGE: members by rank (default), score (``byscore``) or lex order (``bylex``).

        Returns:
            Members, or ``(member, score)`` pairs with ``withscores=True``.
        """
        args: list[Any] = [b"ZRANGE", key, start, stop]
        if byscore:
            args.append(b"BYSCORE")
        if bylex:
            args.append(b"BYLEX")
        if rev:
            args.append(b"REV")
        if (offset is None) != (count is None):
            raise ValueError("offset and count go together")
        if offset is not None:
            args += [b"LIMIT", offset, count]
        if withscores:
            args.append(b"WITHSCORES")
            return self._command(to_pairs_with_scores, *args)
        return self._command(to_list, *args)

    @overload
    def zrangebyscore(
        self,
        key: KeyT,
        min: ScoreT,
        max: ScoreT,
        *,
        withscores: Literal[False] = ...,
        offset: int | None = ...,
        count: int | None = ...,
    ) -> Awaitable[list[AnyStr]]: ...
    @overload
    def zrangebyscore(
        self,
        key: KeyT,
        min: ScoreT,
        max: ScoreT,
        *,
        withscores: Literal[True],
        offset: int | None = ...,
        count: int | None = ...,
    ) -> Awaitable[list[tuple[AnyStr, float]]]: ...
    def zrangebyscore(
        self,
        key: KeyT,
        min: ScoreT,
        max: ScoreT,
        *,
        withscores: bool = False,
        offset: int | None = None,
        count: int | None = None,
    ) -> Awaitable[list[AnyStr]] | Awaitable[list[tuple[AnyStr, float]]]:
        """ZRANGEBYSCORE: members with a score between ``min`` and ``max``, ascending."""
        args: list[Any] = [b"ZRANGEBYSCORE", key, min, max]
        if withscores:
            args.append(b"WITHSCORES")
        if (offset is None) != (count is None):
            raise ValueError("offset and count go together")
        if offset is not None:
            args += [b"LIMIT", offset, count]
        if withscores:
            return self._command(to_pairs_with_scores, *args)
        return self._command(to_list, *args)

    def zrevrange(self, key: KeyT, start: int, stop: int) -> Awaitable[list[AnyStr]]:
        """ZREVRANGE: members by descending score, from rank ``start`` to ``stop``."""
        return self._command(to_list, b"ZREVRANGE", key, start, stop)

    def zpopmin(self, key: KeyT, count: int | None = None) -> Awaitable[list[tuple[AnyStr, float]]]:
        """ZPOPMIN: remove and return the lowest-scored members as ``(member, score)`` pairs."""
        if count is None:
            return self._command(_to_pop, b"ZPOPMIN", key)
        return self._command(_to_pop, b"ZPOPMIN", key, count)

    def zpopmax(self, key: KeyT, count: int | None = None) -> Awaitable[list[tuple[AnyStr, float]]]:
        """ZPOPMAX: remove and return the highest-scored members as ``(member, score)`` pairs."""
        if count is None:
            return self._command(_to_pop, b"ZPOPMAX", key)
        return self._command(_to_pop, b"ZPOPMAX", key, count)

    def bzpopmin(
        self, keys: Iterable[KeyT] | KeyT, timeout: float = 0
    ) -> Awaitable[tuple[AnyStr, AnyStr, float] | None]:
        """BZPOPMIN: blocking pop of the lowest-scored member: ``(key, member, score)`` or None."""
        return self._blocking(_to_bzpop, b"BZPOPMIN", *flatten_keys(keys), timeout)

    def bzpopmax(
        self, keys: Iterable[KeyT] | KeyT, timeout: float = 0
    ) -> Awaitable[tuple[AnyStr, AnyStr, float] | None]:
        """BZPOPMAX: blocking pop of the highest-scored member: ``(key, member, score)`` or None."""
        return self._blocking(_to_bzpop, b"BZPOPMAX", *flatten_keys(keys), timeout)

    def zremrangebyrank(self, key: KeyT, start: int, stop: int) -> Awaitable[int]:
        """ZREMRANGEBYRANK: remove members by rank; returns how many."""
        return self._command(None, b"ZREMRANGEBYRANK", key, start, stop)

    def zremrangebyscore(self, key: KeyT, min: ScoreT, max: ScoreT) -> Awaitable[int]:
        """ZREMRANGEBYSCORE: remove members by score; returns how many."""
        return self._command(None, b"ZREMRANGEBYSCORE", key, min, max)

    def zscan(
        self, key: KeyT, cursor: int = 0, *, match: KeyT | None = None, count: int | None = None
    ) -> Awaitable[tuple[int, list[tuple[AnyStr, float]]]]:
        """ZSCAN one step: ``(next cursor, [(member, score), ...])``."""
        args: list[Any] = [b"ZSCAN", key, cursor]
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        return self._command(_to_zscan, *args)
