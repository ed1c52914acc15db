"""The pure-Python RESP2/RESP3 reader: bytes in (``feed``), whole replies out (``gets``).

Spec references are to the RESP3 specification
(https://github.com/redis/redis-specifications/blob/master/protocol/RESP3.md); RESP2 is
the subset ``+ - : $ *`` with ``$-1`` / ``*-1`` as nulls.

How it stays fast and safe:

* The buffer is one ``bytes`` object and an offset. Lines are found with
  ``bytes.find(b"\\r\\n", pos)`` and values are plain slices (one copy each); the only
  per-byte work happens in C.
* Data fed while the parser waits is queued, not concatenated. It is merged only when it
  can help: when at least the bytes a pending blob string still needs have arrived, or,
  for an unfinished line, when a CR or LF has arrived. A 512 MiB value fed in 64 KiB
  pieces is therefore copied a bounded number of times, not once per piece.
* Inside an aggregate, a run of blob strings (LRANGE, MGET, HGETALL, ...) is split and
  checked by C code in one go (``_values.blob_run``), which roughly triples the speed of
  the commonest large replies; anything unusual falls back to the element-by-element path.
* Whatever the split of the input into feeds, the sequence of replies and the point where
  a ``ProtocolError`` is raised are the same (the fuzz tests check this).
* Parsing is iterative: open aggregates live on an explicit stack of frames, so neither
  deep nesting nor a reply split at any byte costs recursion, and a reply interrupted by
  missing data resumes where it stopped (already parsed elements are kept).
* Nothing is allocated from a declared length: a blob is sliced out only once all its
  bytes are buffered, and aggregates grow by ``append``. Declared sizes above
  :class:`~keywire_resp.Limits` fail at once.

Choices the spec leaves open:

* Map keys and set members must be hashable in Python. An aggregate in such a position is
  built in a hashable form: array / push -> ``tuple``, set -> ``frozenset``, map ->
  ``frozenset`` of ``(key, value)`` tuples (recursively). Duplicate map keys: the last
  wins; duplicate set members collapse (spec, "Set reply").
* Attributes (``|``) are never part of a reply. Every attribute map read while parsing a
  reply (before it, or before any element inside it) is merged, in wire order, into one
  dict exposed as :attr:`Reader.last_attributes` once that reply is returned.
* Streamed strings (``$?`` + ``;<len>`` chunks) and streamed arrays, sets and maps
  (``*?`` / ``~?`` / ``%?`` ... ``.``) are supported (spec, "Streamed strings" and
  "Streamed aggregated data types"). Their total size obeys the same limits.
* Numbers (``:``) must fit in a signed 64-bit integer (spec, "Number"); big numbers
  (``(``) may be as long as ``sys.get_int_max_str_digits()`` allows.
* Doubles follow the spec grammar (``-``? digits, optional ``.digits``, optional exponent)
  plus ``inf`` / ``-inf`` / ``nan`` in any case and the ``-nan`` / ``nan(...)`` spellings
  of servers before 7.2.
* Error messages are always ``str``, decoded as UTF-8 with ``errors="replace"``.
* With ``encoding`` set, blob, simple and verbatim strings are decoded. If a value cannot
  be decoded (with ``errors="strict"``), the whole reply is still consumed and then
  ``gets()`` raises the ``UnicodeDecodeError``; the reader stays usable and the next call
  returns the next reply (this is also what hiredis does).
"""

from __future__ import annotations

import codecs
from typing import Any, Final

from ._errors import ProtocolError, reply_error_from
from ._limits import Limits
from ._types import NEED_DATA, Push, VerbatimBytes, VerbatimStr
from ._values import (
    AGGREGATES,
    ARRAY,
    ATTRIBUTE,
    MAP,
    NOTHING,
    PUSH,
    RUN_MAX_BLOB,
    RUN_MIN,
    SET,
    STREAMABLE,
    Frame,
    bad_length,
    blob_run,
    build,
    check_line,
    empty,
    parse_big_number,
    parse_double,
    parse_length,
    parse_number,
    preview,
)

__all__ = ["Reader"]

_DEFAULT_LIMITS: Final = Limits()


class Reader:
    """Incremental RESP2/RESP3 parser with no I/O (the reference implementation).

    Feed it bytes as they arrive with :meth:`feed`, then call :meth:`gets` until it returns
    :data:`~keywire_resp.NEED_DATA`. Each call returns exactly one whole top-level reply;
    a reply may span many feeds and one feed may hold many replies.

    Args:
        limits: resource limits; ``Limits()`` (the documented defaults) if omitted.
        encoding: if set (e.g. ``"utf-8"``), blob, simple and verbatim strings are returned
            as ``str`` decoded with this codec; otherwise as ``bytes``.
        errors: the codec error handler used with ``encoding`` (``"strict"``,
            ``"replace"``, ``"surrogateescape"``, ...).

    Raises:
        LookupError: unknown ``encoding`` or ``errors`` handler.
    """

    def __init__(
        self, *, limits: Limits | None = None, encoding: str | None = None, errors: str = "strict"
    ) -> None:
        if encoding is not None:
            codecs.lookup(encoding)
            codecs.lookup_error(errors)
        self._limits = limits if limits is not None else _DEFAULT_LIMITS
        self._encoding = encoding
        self._errors = errors
        self._buf = b""
        self._pos = 0
        # Data fed while stalled, merged into _buf once it can make progress (see _merge).
        self._chunks: list[bytes] = []
        self._chunks_len = 0
        self._need = 0  # bytes (from _pos) the stalled parser needs at least
        self._want_lf = False  # the stalled parser waits for the end of a line
        self._stalled = False  # the last parse ran out of data and nothing was fed since
        self._stack: list[Frame] = []
        self._stream: list[bytes] | None = None  # chunks of a streamed string being read
        self._stream_len = 0
        self._attrs: dict[Any, Any] | None = None
        self._last_attrs: dict[Any, Any] | None = None
        self._decode_error: UnicodeDecodeError | None = None
        self._error: str | None = None

    @property
    def limits(self) -> Limits:
        """The limits this reader enforces."""
        return self._limits

    @property
    def last_attributes(self) -> dict[Any, Any] | None:
        """Attributes (RESP3 ``|``) read with the reply last returned by :meth:`gets`.

        ``None`` if that reply had none. Attribute maps found anywhere inside the reply are
        merged in wire order (a later key replaces an earlier one).
        """
        return self._last_attrs

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append received bytes to the buffer (copied unless ``data`` is ``bytes``).

        Raises:
            ProtocolError: the reader is poisoned, or the buffered bytes would exceed
                ``limits.max_buffer_size``.
        """
        if self._error is not None:
            raise ProtocolError(self._error)
        if type(data) is not bytes:
            data = bytes(data)
        n = len(data)
        if not n:
            return
        if self._pos >= len(self._buf) and not self._chunks:
            if n > self._limits.max_buffer_size:
                raise self._fail(
                    f"more than max_buffer_size={self._limits.max_buffer_size} bytes buffered"
                )
            self._buf = data
            self._pos = 0
            self._need = 0
            self._want_lf = False
            self._stalled = False
            return
        if len(self._buf) - self._pos + self._chunks_len + n > self._limits.max_buffer_size:
            raise self._fail(
                f"more than max_buffer_size={self._limits.max_buffer_size} bytes buffered"
            )
        self._chunks.append(data)
        self._chunks_len += n

    def gets(self) -> object:
        """Return the next whole reply, or :data:`~keywire_resp.NEED_DATA`.

        Returns:
            The reply as plain values (see the package docstring); a server error reply is
            returned as a :class:`~keywire_resp.ReplyError`, not raised.

        Raises:
            ProtocolError: the input is not RESP or exceeds the limits; the reader is
                poisoned and every later call raises again.
            UnicodeDecodeError: with ``encoding`` and ``errors="strict"``, a string in the
                reply could not be decoded. The reply has been consumed; the reader is
                still usable.
        """
        if self._error is not None:
            raise ProtocolError(self._error)
        if self._chunks:
            if not self._merge():
                return NEED_DATA
        elif self._stalled:
            return NEED_DATA
        try:
            value = self._parse()
        except ProtocolError as exc:
            raise self._fail(str(exc)) from None
        if self._decode_error is not None and value is not NEED_DATA:
            decode_error, self._decode_error = self._decode_error, None
            raise decode_error
        return value

    # -- buffer management ---------------------------------------------------------------

    def _merge(self) -> bool:
        """Join queued chunks onto the unread tail if that can let the parser progress."""
        chunks = self._chunks
        if len(self._buf) - self._pos + self._chunks_len < self._need:
            return False
        # An unfinished line can only end (or prove malformed) once a CR or LF arrives, or
        # when the byte after a trailing CR arrives; skip the copy until then.
        if (
            self._want_lf
            and not self._buf.endswith(b"\r")
            and not any(b"\n" in chunk or b"\r" in chunk for chunk in chunks)
        ):
            return False
        if self._pos >= len(self._buf) and len(chunks) == 1:
            self._buf = chunks[0]
        else:
            chunks.insert(0, self._buf[self._pos :])
            self._buf = b"".join(chunks)
        self._pos = 0
        chunks.clear()
        self._chunks_len = 0
        self._need = 0
        self._want_lf = False
        self._stalled = False
        return True

    def _fail(self, message: str) -> ProtocolError:
        """Poison the reader, drop what it holds, and return the error to raise."""
        self._error = message
        self._buf = b""
        self._pos = 0
        self._chunks.clear()
        self._stack.clear()
        self._stream = None
        return ProtocolError(message)

    def _stall_line(self, pos: int) -> None:
        """Record that the line starting at ``pos`` is unfinished, after checking that
        no bad terminator is already visible (RESP lines end with CRLF, spec "Simple
        types"; a bare LF, or a CR followed by anything but LF, is never valid)."""
        buf = self._buf
        if buf.find(b"\n", pos) >= 0:
            raise ProtocolError(f"line terminated by LF without CR: {preview(buf[pos:])}")
        cr = buf.find(b"\r", pos)
        if 0 <= cr < len(buf) - 1:
            raise ProtocolError(f"CR not followed by LF: {preview(buf[pos:])}")
        self._need = len(buf) - pos + 1
        self._want_lf = True

    def _stall_bytes(self, pos: int, stop: int) -> None:
        """Record that the blob ending (CRLF included) at ``stop`` is not all buffered."""
        self._need = stop - pos
        self._want_lf = False

    # -- parsing -------------------------------------------------------------------------

    def _decode(self, data: bytes) -> Any:
        """Decode a string value; on failure keep the bytes and remember the error."""
        try:
            return data.decode(self._encoding, self._errors)  # type: ignore[arg-type]
        except UnicodeDecodeError as exc:
            if self._decode_error is None:
                self._decode_error = exc
            return data

    def _read_stream(self, pos: int) -> tuple[Any, int]:
        """Read ``;<len>`` chunks of a streamed string until ``;0`` (spec, "Streamed
        strings"). Returns the value and the new position, or NEED_DATA and the start of
        the unfinished chunk."""
        buf = self._buf
        size = len(buf)
        chunks = self._stream
        assert chunks is not None
        max_bulk = self._limits.max_bulk_length
        while True:
            end = buf.find(b"\r\n", pos)
            if end < 0:
                self._stall_line(pos)
                return NEED_DATA, pos
            if buf[pos] != 59:  # ;
                raise ProtocolError(
                    f"expected a ';' chunk in a streamed string: {preview(buf[pos:end])}"
                )
            n = parse_length(buf[pos + 1 : end], "streamed string chunk length", max_bulk)
            if not n:
                self._stream = None
                data = b"".join(chunks)
                return (data if self._encoding is None else self._decode(data)), end + 2
            if self._stream_len + n > max_bulk:
                raise ProtocolError(f"streamed string longer than max_bulk_length={max_bulk}")
            stop = end + 2 + n
            if stop + 2 > size:
                self._stall_bytes(pos, stop + 2)
                return NEED_DATA, pos
            if buf[stop] != 13 or buf[stop + 1] != 10:
                raise ProtocolError("streamed string chunk not terminated by CRLF")
            chunks.append(buf[end + 2 : stop])
            self._stream_len += n
            pos = stop + 2

    def _decode_run(self, values: list[bytes]) -> list[Any]:
        """Decode the values of a blob run, or return none if one fails (the slow path
        then reads them one by one and handles the failure)."""
        try:
            return [value.decode(self._encoding, self._errors) for value in values]  # type: ignore[arg-type]
        except UnicodeDecodeError:
            return []

    def _deliver(self, value: Any) -> Any:
        """Hand a value to the innermost open aggregate outside the main loop (used when a
        streamed string finishes at the start of a call). Returns the finished top-level
        reply, or NOTHING."""
        stack = self._stack
        while stack:
            top = stack[-1]
            top.items.append(value)
            top.remaining -= 1
            if top.remaining:
                return NOTHING
            if top.streamed:
                raise ProtocolError("streamed aggregate longer than max_aggregate_length")
            stack.pop()
            if top.kind == ATTRIBUTE:
                self._add_attributes(top)
                return NOTHING
            value = build(top)
        return value

    def _add_attributes(self, frame: Frame) -> None:
        """Keep a finished attribute map aside for the reply it annotates (spec,
        "Attribute type")."""
        it = iter(frame.items)
        if self._attrs is None:
            self._attrs = {}
        self._attrs.update(zip(it, it, strict=False))

    def _parse(self) -> object:
        """Parse from the buffer until one top-level reply is complete or data runs out."""
        value: Any
        buf = self._buf
        pos = self._pos
        if self._stream is not None:
            value, pos = self._read_stream(pos)
            if value is NEED_DATA:
                self._pos = pos
                self._stalled = True
                return NEED_DATA
            value = self._deliver(value)
            if value is not NOTHING:
                self._pos = pos
                self._last_attrs, self._attrs = self._attrs, None
                return value
        size = len(buf)
        find = buf.find
        stack = self._stack
        limits = self._limits
        max_bulk = limits.max_bulk_length
        encoding = self._encoding
        top: Frame | None = None
        remaining = 0
        append: Any = None
        if stack:
            top = stack[-1]
            remaining = top.remaining
            append = top.items.append
        run = RUN_MIN  # how many blob strings the next _blob_run may take
        no_run_at = -1  # a position where _blob_run just failed: parse it the slow way
        while True:
            end = find(b"\r\n", pos)
            if end < 0:
                self._stall_line(pos)
                break
            t = buf[pos]
            if t == 36:  # $ blob string: $<len>\r\n<bytes>\r\n (spec, "Blob string")
                s = buf[pos + 1 : end]
                if s.isdigit() and len(s) < 19:
                    n = int(s)
                    if n > max_bulk:
                        raise bad_length(s, "blob string length", max_bulk)
                    if remaining > RUN_MIN and n <= RUN_MAX_BLOB and pos != no_run_at:
                        # Many blob strings in a row (LRANGE, MGET, HGETALL, ...): let C
                        # code split and check a whole run of them (see _blob_run).
                        wanted = min(remaining - 1, run)
                        values, new_pos = blob_run(buf, pos, wanted, end - pos + n + 4, max_bulk)
                        if values and encoding is not None:
                            values = self._decode_run(values)
                        if values:
                            top.items.extend(values)  # type: ignore[union-attr]
                            remaining -= len(values)
                            pos = new_pos
                            run = run * 4 if len(values) == wanted else RUN_MIN
                            continue
                        no_run_at = pos
                        run = RUN_MIN
                    start = end + 2
                    stop = start + n
                    if stop + 2 > size:
                        self._stall_bytes(pos, stop + 2)
                        break
                    if buf[stop] != 13 or buf[stop + 1] != 10:
                        raise ProtocolError("blob string not terminated by CRLF")
                    value = buf[start:stop]
                    pos = stop + 2
                    if encoding is not None:
                        value = self._decode(value)
                    # Fast lane for the commonest big reply, an aggregate of blob strings
                    # (LRANGE, MGET, HGETALL, ...): read the next ones right here, skipping
                    # the generic dispatch. Anything unusual falls back to the main loop.
                    while remaining > 1 and pos < size and buf[pos] == 36:
                        end = find(b"\r\n", pos)
                        s = buf[pos + 1 : end]
                        if end < 0 or not s.isdigit() or len(s) >= 19:
                            break
                        n = int(s)
                        stop = end + 2 + n
                        if (
                            n > max_bulk
                            or stop + 2 > size
                            or buf[stop] != 13
                            or buf[stop + 1] != 10
                        ):
                            break
                        append(value)
                        remaining -= 1
                        value = buf[end + 2 : stop]
                        pos = stop + 2
                        if encoding is not None:
                            value = self._decode(value)
                elif s == b"-1":  # RESP2 null bulk string
                    value = None
                    pos = end + 2
                elif s == b"?":
                    self._stream = []
                    self._stream_len = 0
                    value, new_pos = self._read_stream(end + 2)
                    if value is NEED_DATA:
                        pos = new_pos
                        break
                    pos = new_pos
                else:
                    raise bad_length(s, "blob string length", max_bulk)
            elif t in AGGREGATES:  # * % ~ > |  <count>\r\n then the elements
                s = buf[pos + 1 : end]
                if s.isdigit():
                    n = parse_length(s, "aggregate length", limits.max_aggregate_length)
                    frozen = top is not None and (
                        top.frozen
                        or top.kind == SET
                        or (top.kind in (MAP, ATTRIBUTE) and not len(top.items) % 2)
                    )
                    pos = end + 2
                    if not n:
                        if t == ATTRIBUTE:
                            if self._attrs is None:
                                self._attrs = {}
                            continue
                        value = empty(t, frozen)
                    else:
                        if len(stack) >= limits.max_depth:
                            raise ProtocolError(f"nesting deeper than max_depth={limits.max_depth}")
                        if top is not None:
                            top.remaining = remaining
                        remaining = 2 * n if t in (MAP, ATTRIBUTE) else n
                        top = Frame(
                            t,
                            Push() if t == PUSH else [],
                            remaining,
                            False,
                            frozen and t != ATTRIBUTE,
                        )
                        stack.append(top)
                        append = top.items.append
                        continue
                elif s == b"-1" and t == ARRAY:  # RESP2 null array
                    value = None
                    pos = end + 2
                elif s == b"?" and t in STREAMABLE:
                    if len(stack) >= limits.max_depth:
                        raise ProtocolError(f"nesting deeper than max_depth={limits.max_depth}")
                    frozen = top is not None and (
                        top.frozen
                        or top.kind == SET
                        or (top.kind in (MAP, ATTRIBUTE) and not len(top.items) % 2)
                    )
                    if top is not None:
                        top.remaining = remaining
                    remaining = (2 if t == MAP else 1) * limits.max_aggregate_length + 1
                    top = Frame(t, [], remaining, True, frozen)
                    stack.append(top)
                    append = top.items.append
                    pos = end + 2
                    continue
                else:
                    raise ProtocolError(f"invalid aggregate length {preview(s)}")
            elif t == 58:  # : number
                s = buf[pos + 1 : end]
                value = int(s) if s.isdigit() and len(s) < 19 else parse_number(s)
                pos = end + 2
            elif t == 43:  # + simple string
                value = check_line(buf[pos + 1 : end], "simple string")
                pos = end + 2
                if encoding is not None:
                    value = self._decode(value)
            elif t == 45:  # - simple error
                message = check_line(buf[pos + 1 : end], "simple error")
                value = reply_error_from(message.decode("utf-8", "replace"))
                pos = end + 2
            elif t == 95:  # _ null
                if end != pos + 1:
                    raise ProtocolError(f"invalid null {preview(buf[pos:end])}")
                value = None
                pos = end + 2
            elif t == 35:  # # boolean
                s = buf[pos + 1 : end]
                if s == b"t":
                    value = True
                elif s == b"f":
                    value = False
                else:
                    raise ProtocolError(f"invalid boolean {preview(s)}")
                pos = end + 2
            elif t == 44:  # , double
                value = parse_double(buf[pos + 1 : end])
                pos = end + 2
            elif t == 40:  # ( big number
                value = parse_big_number(buf[pos + 1 : end])
                pos = end + 2
            elif t in (61, 33):  # = verbatim string, ! blob error: like a blob string
                what = "verbatim string length" if t == 61 else "blob error length"
                n = parse_length(buf[pos + 1 : end], what, max_bulk)
                start = end + 2
                stop = start + n
                if stop + 2 > size:
                    self._stall_bytes(pos, stop + 2)
                    break
                if buf[stop] != 13 or buf[stop + 1] != 10:
                    raise ProtocolError("blob not terminated by CRLF")
                pos = stop + 2
                if t == 33:
                    value = reply_error_from(buf[start:stop].decode("utf-8", "replace"))
                else:
                    # "the first three bytes provide information about the format of the
                    # following string ... The fourth byte is always ':'" (spec).
                    if n < 4 or buf[start + 3] != 58:
                        raise ProtocolError(
                            f"verbatim string without a format prefix: {preview(buf[start:stop])}"
                        )
                    fmt = buf[start : start + 3].decode("latin-1")
                    text = buf[start + 4 : stop]
                    if encoding is not None:
                        decoded = self._decode(text)
                        if isinstance(decoded, str):
                            value = VerbatimStr(decoded, fmt)
                        else:
                            value = VerbatimBytes(text, fmt)
                    else:
                        value = VerbatimBytes(text, fmt)
            elif t == 46:  # . end of a streamed aggregate
                if end != pos + 1 or top is None or not top.streamed:
                    raise ProtocolError("'.' outside of a streamed aggregate")
                if top.kind == MAP and len(top.items) % 2:
                    raise ProtocolError("streamed map ended after a key without its value")
                pos = end + 2
                stack.pop()
                value = build(top)
                if stack:
                    top = stack[-1]
                    remaining = top.remaining
                    append = top.items.append
                else:
                    top = None
            else:
                raise ProtocolError(f"unknown type byte {preview(buf[pos : pos + 1])}")

            # A whole value: hand it to the innermost open aggregate. Finishing it may
            # finish its parent too, and so on up the stack.
            while True:
                if top is None:
                    self._pos = pos
                    self._last_attrs, self._attrs = self._attrs, None
                    return value
                append(value)
                remaining -= 1
                if remaining:
                    break
                if top.streamed:
                    raise ProtocolError("streamed aggregate longer than max_aggregate_length")
                stack.pop()
                done = top
                if stack:
                    top = stack[-1]
                    remaining = top.remaining
                    append = top.items.append
                else:
                    top = None
                if done.kind == ATTRIBUTE:
                    self._add_attributes(done)
                    break
                value = done.items if done.kind == ARRAY and not done.frozen else build(done)

        # Out of data: remember where to resume.
        if top is not None:
            top.remaining = remaining
        self._pos = pos
        self._stalled = True
        return NEED_DATA
