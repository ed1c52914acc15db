"""Stream commands (XADD, XRANGE, XREAD, consumer groups, ...).

Results have one shape on RESP2 and RESP3 and on either reader:

* an entry is ``(id, {field: value})``; a list of entries is ``list[(id, fields)]``;
* XREAD / XREADGROUP return ``{stream: [entries]}`` (RESP3 sends a map, RESP2 an array of
  ``[stream, entries]`` pairs; both become a ``dict`` in the server's order), and ``{}`` when
  nothing arrived (the server's null after a BLOCK timeout);
* an entry that was deleted while still pending in a group (XREADGROUP of the history, id
  ``0``) comes back as ``(id, {})``: a real entry always has at least one field;
* XCLAIM / XAUTOCLAIM leave out entries deleted while pending (Redis 6.2 sends nulls for them,
  Redis 7.0+ and Valkey leave them out); XAUTOCLAIM's list of deleted ids is empty on 6.2,
  which does not report them, and there ``justid=True`` still lists their ids.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT, flatten_values
from keywire.commands._callbacks import to_bool, to_list, to_str_dict

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable, Mapping

__all__ = ["StreamCommands", "StreamEntry", "StreamIdT"]

StreamIdT = str | bytes | int
"""A stream entry id (``"1526919030474-55"``) or a special id (``"*"``, ``"$"``, ``">"``,
``"-"``, ``"+"``, ``0``)."""

StreamEntry = tuple[AnyStr, dict[AnyStr, AnyStr]]
"""One stream entry: ``(id, {field: value})``."""

_MillisT = int | datetime.timedelta


def _ms(value: _MillisT) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() * 1000)
    return value


def _entry(item: Any) -> tuple[Any, dict[Any, Any]]:
    entry_id, fields = item
    if not fields:  # deleted while pending: [id, nil]
        return entry_id, {}
    iterator = iter(fields)
    return entry_id, dict(zip(iterator, iterator, strict=True))


def to_entries(reply: Any) -> list[tuple[Any, dict[Any, Any]]]:
    """An array of ``[id, [field, value, ...]]`` -> ``[(id, {field: value})]``.

    Null items (Redis 6.2's XCLAIM / XAUTOCLAIM of a deleted entry) are left out.
    """
    if not reply:
        return []
    return [_entry(item) for item in reply if item is not None]


def to_streams(reply: Any) -> dict[Any, list[tuple[Any, dict[Any, Any]]]]:
    """XREAD / XREADGROUP: a RESP3 map or a RESP2 array of pairs (or null) -> dict."""
    if not reply:
        return {}
    pairs = reply.items() if isinstance(reply, dict) else reply
    return {stream: to_entries(entries) for stream, entries in pairs}


def _to_entry_or_none(reply: Any) -> tuple[Any, dict[Any, Any]] | None:
    return None if reply is None else _entry(reply)


def _to_pending(reply: Any) -> dict[str, Any]:
    count, lowest, highest, consumers = reply
    return {
        "pending": int(count),
        "min": lowest,
        "max": highest,
        "consumers": {name: int(n) for name, n in consumers or ()},
    }


def _to_autoclaim(reply: Any) -> tuple[Any, list[Any], list[Any]]:
    # Redis 6.2 sends [next, entries]; 7.0+ adds the ids deleted while pending.
    cursor, claimed = reply[0], reply[1]
    deleted = to_list(reply[2]) if len(reply) > 2 and reply[2] else []
    return cursor, to_entries(claimed), deleted


def _to_autoclaim_ids(reply: Any) -> tuple[Any, list[Any], list[Any]]:
    cursor, claimed = reply[0], reply[1]
    deleted = to_list(reply[2]) if len(reply) > 2 and reply[2] else []
    return cursor, [item for item in claimed or () if item is not None], deleted


def _to_ids(reply: Any) -> list[Any]:
    return [item for item in reply or () if item is not None]


def _to_info(reply: Any) -> dict[str, Any]:
    info = to_str_dict(reply)
    for name in ("first-entry", "last-entry"):
        if name in info:
            info[name] = _to_entry_or_none(info[name])
    return info


def _trim_args(
    maxlen: int | None, minid: StreamIdT | None, approximate: bool, limit: int | None
) -> list[Any]:
    if maxlen is not None and minid is not None:
        raise ValueError("give maxlen or minid, not both")
    if limit is not None and not approximate:
        raise ValueError("limit needs approximate=True (the server only limits '~' trimming)")
    if maxlen is None and minid is None:
        if limit is not None:
            raise ValueError("limit needs maxlen or minid")
        return []
    args: list[Any] = [b"MAXLEN", maxlen] if maxlen is not None else [b"MINID", minid]
    args.insert(1, b"~" if approximate else b"=")
    if limit is not None:
        args += [b"LIMIT", limit]
    return args


def _streams_args(streams: Mapping[KeyT, StreamIdT]) -> list[Any]:
    if not streams:
        raise ValueError("give at least one stream")
    return [b"STREAMS", *streams.keys(), *streams.values()]


class StreamCommands(CommandsBase[AnyStr]):
    """Commands on streams and their consumer groups (see the module docstring)."""

    __slots__ = ()

    def xadd(
        self,
        key: KeyT,
        fields: Mapping[EncodableT, EncodableT],
        *,
        id: StreamIdT = "*",
        maxlen: int | None = None,
        minid: StreamIdT | None = None,
        approximate: bool = True,
        limit: int | None = None,
        nomkstream: bool = False,
    ) -> Awaitable[AnyStr | None]:
        """XADD an entry of ``fields`` to the stream ``key``.

        Args:
            id: The entry id; ``"*"`` (default) lets the server choose.
            maxlen, minid: Trim the stream to this length / drop entries below this id (at
                most one), exactly with ``approximate=False``, else with ``~`` (cheaper).
            limit: With ``approximate``: evict at most this many entries.
            nomkstream: Do not create the stream if it does not exist.

        Returns:
            The id of the new entry, or None with ``nomkstream`` when the stream is missing.
        """
        if not fields:
            raise ValueError("xadd needs at least one field")
        args: list[Any] = [b"XADD", key]
        if nomkstream:
            args.append(b"NOMKSTREAM")
        args += _trim_args(maxlen, minid, approximate, limit)
        args.append(id)
        for pair in fields.items():
            args += pair
        return self._command(None, *args)

    def xlen(self, key: KeyT) -> Awaitable[int]:
        """XLEN: the number of entries (0 if the stream does not exist)."""
        return self._command(None, b"XLEN", key)

    def xrange(
        self,
        key: KeyT,
        min: StreamIdT = "-",
        max: StreamIdT = "+",
        *,
        count: int | None = None,
    ) -> Awaitable[list[StreamEntry[AnyStr]]]:
        """XRANGE: the entries with ids from ``min`` to ``max`` (inclusive; ``(id`` excludes),
        oldest first, at most ``count``."""
        args: list[Any] = [b"XRANGE", key, min, max]
        if count is not None:
            args += [b"COUNT", count]
        return self._command(to_entries, *args)

    def xrevrange(
        self,
        key: KeyT,
        max: StreamIdT = "+",
        min: StreamIdT = "-",
        *,
        count: int | None = None,
    ) -> Awaitable[list[StreamEntry[AnyStr]]]:
        """XREVRANGE: like :meth:`xrange`, newest first (note: ``max`` comes first)."""
        args: list[Any] = [b"XREVRANGE", key, max, min]
        if count is not None:
            args += [b"COUNT", count]
        return self._command(to_entries, *args)

    def xread(
        self,
        streams: Mapping[KeyT, StreamIdT],
        *,
        count: int | None = None,
        block: _MillisT | None = None,
    ) -> Awaitable[dict[AnyStr, list[StreamEntry[AnyStr]]]]:
        """XREAD the entries after the given id of each stream: ``{stream: last_id}``.

        Args:
            streams: The streams and the id to read after (``"$"``: only new entries,
                ``0``: from the start).
            count: At most this many entries per stream.
            block: Wait up to this many milliseconds (or a ``timedelta``; 0: forever) for an
                entry; the command then runs on a dedicated connection exempt from the read
                timeout.

        Returns:
            ``{stream: [(id, fields), ...]}`` for the streams that had entries; ``{}`` if none.
        """
        args: list[Any] = [b"XREAD"]
        if count is not None:
            args += [b"COUNT", count]
        if block is None:
            return self._command(to_streams, *args, *_streams_args(streams))
        args += [b"BLOCK", _ms(block)]
        return self._blocking(to_streams, *args, *_streams_args(streams))

    def xgroup_create(
        self, key: KeyT, group: EncodableT, id: StreamIdT = "$", *, mkstream: bool = False
    ) -> Awaitable[bool]:
        """XGROUP CREATE: a consumer group reading after ``id`` (``"$"``: only new entries).

        Args:
            mkstream: Create an empty stream if ``key`` does not exist (else an error).

        Raises:
            ResponseError: ``BUSYGROUP`` if the group exists.
        """
        args: list[Any] = [b"XGROUP", b"CREATE", key, group, id]
        if mkstream:
            args.append(b"MKSTREAM")
        return self._command(to_bool, *args)

    def xgroup_destroy(self, key: KeyT, group: EncodableT) -> Awaitable[bool]:
        """XGROUP DESTROY: delete a consumer group; True if it existed."""
        return self._command(to_bool, b"XGROUP", b"DESTROY", key, group)

    def xreadgroup(
        self,
        group: EncodableT,
        consumer: EncodableT,
        streams: Mapping[KeyT, StreamIdT],
        *,
        count: int | None = None,
        block: _MillisT | None = None,
        noack: bool = False,
    ) -> Awaitable[dict[AnyStr, list[StreamEntry[AnyStr]]]]:
        """XREADGROUP as ``consumer`` of ``group``: ``{stream: ">"}`` reads new entries,
        ``{stream: 0}`` re-reads this consumer's pending ones.

        Args:
            count, block: As for :meth:`xread` (``block`` uses a dedicated connection).
            noack: Do not add the entries to the pending list (no XACK needed).

        Returns:
            ``{stream: [(id, fields), ...]}`` (a pending entry deleted meanwhile is
            ``(id, {})``); ``{}`` if nothing arrived.
        """
        args: list[Any] = [b"XREADGROUP", b"GROUP", group, consumer]
        if count is not None:
            args += [b"COUNT", count]
        if block is not None:
            args += [b"BLOCK", _ms(block)]
        if noack:
            args.append(b"NOACK")
        args += _streams_args(streams)
        if block is None:
            return self._command(to_streams, *args)
        return self._blocking(to_streams, *args)

    def xack(
        self, key: KeyT, group: EncodableT, ids: Iterable[StreamIdT] | StreamIdT
    ) -> Awaitable[int]:
        """XACK: remove ``ids`` from the group's pending list; returns how many were pending."""
        return self._command(None, b"XACK", key, group, *flatten_values(ids))

    def xpending(self, key: KeyT, group: EncodableT) -> Awaitable[dict[str, Any]]:
        """XPENDING summary of a group.

        Returns:
            ``{"pending": int, "min": id | None, "max": id | None,
            "consumers": {consumer: pending count}}``.
        """
        return self._command(_to_pending, b"XPENDING", key, group)

    @overload
    def xclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        ids: Iterable[StreamIdT] | StreamIdT,
        *,
        idle: _MillisT | None = ...,
        retrycount: int | None = ...,
        force: bool = ...,
        justid: Literal[False] = ...,
    ) -> Awaitable[list[StreamEntry[AnyStr]]]: ...
    @overload
    def xclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        ids: Iterable[StreamIdT] | StreamIdT,
        *,
        idle: _MillisT | None = ...,
        retrycount: int | None = ...,
        force: bool = ...,
        justid: Literal[True],
    ) -> Awaitable[list[AnyStr]]: ...
    def xclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        ids: Iterable[StreamIdT] | StreamIdT,
        *,
        idle: _MillisT | None = None,
        retrycount: int | None = None,
        force: bool = False,
        justid: bool = False,
    ) -> Awaitable[list[StreamEntry[AnyStr]]] | Awaitable[list[AnyStr]]:
        """XCLAIM pending entries idle for at least ``min_idle_time`` ms for ``consumer``.

        Args:
            idle: Set their idle time (ms) instead of resetting it.
            retrycount: Set their delivery counter.
            force: Claim ids not in the pending list too (if they exist).
            justid: Return only the ids (and do not increment the delivery counter).

        Returns:
            The claimed entries (entries deleted meanwhile are left out), or their ids.
        """
        args: list[Any] = [
            b"XCLAIM",
            key,
            group,
            consumer,
            _ms(min_idle_time),
            *flatten_values(ids),
        ]
        if idle is not None:
            args += [b"IDLE", _ms(idle)]
        if retrycount is not None:
            args += [b"RETRYCOUNT", retrycount]
        if force:
            args.append(b"FORCE")
        if justid:
            args.append(b"JUSTID")
            return self._command(_to_ids, *args)
        return self._command(to_entries, *args)

    @overload
    def xautoclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        start: StreamIdT = ...,
        *,
        count: int | None = ...,
        justid: Literal[False] = ...,
    ) -> Awaitable[tuple[AnyStr, list[StreamEntry[AnyStr]], list[AnyStr]]]: ...
    @overload
    def xautoclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        start: StreamIdT = ...,
        *,
        count: int | None = ...,
        justid: Literal[True],
    ) -> Awaitable[tuple[AnyStr, list[AnyStr], list[AnyStr]]]: ...
    def xautoclaim(
        self,
        key: KeyT,
        group: EncodableT,
        consumer: EncodableT,
        min_idle_time: _MillisT,
        start: StreamIdT = "0-0",
        *,
        count: int | None = None,
        justid: bool = False,
    ) -> (
        Awaitable[tuple[AnyStr, list[StreamEntry[AnyStr]], list[AnyStr]]]
        | Awaitable[tuple[AnyStr, list[AnyStr], list[AnyStr]]]
    ):
        """XAUTOCLAIM: claim entries idle for ``min_idle_time`` ms, scanning from ``start``.

        Returns:
            ``(next start id, claimed entries or ids, ids deleted while pending)``; the next
            start id is ``"0-0"`` when the scan is complete. Redis 6.2 does not report
            deleted ids (the list is empty there).
        """
        args: list[Any] = [b"XAUTOCLAIM", key, group, consumer, _ms(min_idle_time), start]
        if count is not None:
            args += [b"COUNT", count]
        if justid:
            args.append(b"JUSTID")
            return self._command(_to_autoclaim_ids, *args)
        return self._command(_to_autoclaim, *args)

    def xdel(self, key: KeyT, ids: Iterable[StreamIdT] | StreamIdT) -> Awaitable[int]:
        """XDEL: delete entries; returns how many existed."""
        return self._command(None, b"XDEL", key, *flatten_values(ids))

    def xtrim(
        self,
        key: KeyT,
        *,
        maxlen: int | None = None,
        minid: StreamIdT | None = None,
        approximate: bool = True,
        limit: int | None = None,
    ) -> Awaitable[int]:
        """XTRIM to ``maxlen`` entries or to ids from ``minid`` (exactly one of them).

        ``approximate`` (default) trims with ``~`` (whole macro nodes only, cheaper);
        ``limit`` caps the evictions of approximate trimming. Returns how many were deleted.
        """
        if maxlen is None and minid is None:
            raise ValueError("xtrim needs maxlen or minid")
        return self._command(None, b"XTRIM", key, *_trim_args(maxlen, minid, approximate, limit))

    def xinfo_stream(self, key: KeyT) -> Awaitable[dict[str, Any]]:
        """XINFO STREAM: facts about the stream as a dict with ``str`` keys (``"length"``,
        ``"groups"``, ``"last-generated-id"``, ...); ``"first-entry"`` and ``"last-entry"``
        are entries ``(id, fields)`` or None."""
        return self._command(_to_info, b"XINFO", b"STREAM", key)
