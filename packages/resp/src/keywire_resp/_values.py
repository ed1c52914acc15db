"""Building blocks of the pure reader: scalar bodies, aggregate frames, blob runs.

Every function here works on ``bytes`` already cut out of the buffer and raises
:class:`~keywire_resp.ProtocolError` on malformed input; the reader poisons itself when
one escapes. Spec references are to the RESP3 specification (protocol/RESP3.md in
https://github.com/redis/redis-specifications).
"""

from __future__ import annotations

import itertools
import operator
import re
from typing import Any, Final

from ._errors import ProtocolError
from ._types import Push

__all__ = [
    "AGGREGATES",
    "ARRAY",
    "ATTRIBUTE",
    "MAP",
    "NOTHING",
    "PUSH",
    "RUN_MAX_BLOB",
    "RUN_MIN",
    "SET",
    "STREAMABLE",
    "Frame",
    "bad_length",
    "blob_run",
    "build",
    "check_line",
    "empty",
    "parse_big_number",
    "parse_double",
    "parse_length",
    "parse_number",
    "preview",
]

# Aggregate type bytes (spec, "Aggregate data types overview" and the sections after it).
ARRAY: Final = 42  # *
MAP: Final = 37  # %
SET: Final = 126  # ~
PUSH: Final = 62  # >
ATTRIBUTE: Final = 124  # |
AGGREGATES: Final = frozenset((ARRAY, MAP, SET, PUSH, ATTRIBUTE))
# "allowing to send all the aggregated data types of type Array, Set and Map, not
# specifying the length" (spec, "Streamed aggregated data types").
STREAMABLE: Final = frozenset((ARRAY, MAP, SET))
NOTHING: Final = object()
"""Marks "no value produced" where ``None`` is a valid reply."""

# Runs of blob strings inside an aggregate are read by blob_run once an aggregate has more
# than RUN_MIN elements left; each complete run lets the next one be 4 times longer.
RUN_MIN: Final = 16
RUN_MAX_BLOB: Final = 4096  # bigger values gain nothing from runs and would be copied twice

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
# "an integral part, an optional fractional part and an optional exponent part ... To just
# start with `.` assuming an initial zero is invalid" (spec, "Double"); the sign is implied
# by the negative values the server sends.
_DOUBLE: Final = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# inf, -inf, nan; and "Redis prior to version 7.2 may return any representation of NaN
# produced by libc, such as "-nan", "NAN" or "nan(char-sequence)"" (spec, "Double").
_DOUBLE_SPECIAL: Final = re.compile(rb"(-?)(?:(inf)|nan(?:\([0-9A-Za-z_]*\))?)", re.IGNORECASE)
_BIG_NUMBER: Final = re.compile(rb"-?[0-9]+")


class _BlobHeaders(dict[int, bytes]):
    """``$<n>`` for a length n, memoized for small n (formatting dominates blob_run)."""

    def __missing__(self, n: int) -> bytes:
        header = b"$%d" % n
        if n <= RUN_MAX_BLOB:
            self[n] = header
        return header


_BLOB_HEADER: Final = _BlobHeaders().__getitem__


def preview(data: bytes) -> str:
    """Show at most 32 bytes of offending input in an error message."""
    return repr(data[:32]) + ("..." if len(data) > 32 else "")


def bad_length(digits: bytes, what: str, limit: int) -> ProtocolError:
    """The error for a length header that is not digits or is over ``limit``."""
    if digits.isdigit():
        return ProtocolError(f"{what} {preview(digits)} exceeds the limit of {limit}")
    return ProtocolError(f"invalid {what} {preview(digits)}")


def parse_length(digits: bytes, what: str, limit: int) -> int:
    """Parse a non-negative length / count header no larger than ``limit``.

    The spec bounds lengths by an unsigned 64-bit integer (spec, "Blob string"), so more
    than 19 digits is always over any limit and ``int()`` never sees a huge string.
    """
    if not digits.isdigit() or len(digits) > 19 or int(digits) > limit:
        raise bad_length(digits, what, limit)
    return int(digits)


def parse_number(line: bytes) -> int:
    """Parse a ``:`` number: "Valid numbers are in the range of the signed 64 bit integer"
    (spec, "Number")."""
    digits = line[1:] if line[:1] == b"-" else line
    if not digits.isdigit() or len(digits) > 19:
        raise ProtocolError(f"invalid number {preview(line)}")
    value = int(line)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ProtocolError(f"number out of the signed 64-bit range: {preview(line)}")
    return value


def parse_double(line: bytes) -> float:
    """Parse a ``,`` double (spec, "Double"), incl. the inf / -inf / nan spellings."""
    if _DOUBLE.fullmatch(line):
        return float(line)
    special = _DOUBLE_SPECIAL.fullmatch(line)
    if special is None:
        raise ProtocolError(f"invalid double {preview(line)}")
    if special.group(2) is None:
        return float("nan")
    return float("-inf") if special.group(1) else float("inf")


def parse_big_number(line: bytes) -> int:
    """Parse a ``(`` big number: "Big numbers can be positive or negative, but they must
    not include a decimal part" (spec, "Big number")."""
    if not _BIG_NUMBER.fullmatch(line):
        raise ProtocolError(f"invalid big number {preview(line)}")
    try:
        return int(line)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        raise ProtocolError(f"big number too long ({len(line)} digits)") from None


def check_line(line: bytes, what: str) -> bytes:
    """Check a simple string / error body: "Simple strings cannot contain the <CR> nor the
    <LF> characters inside" (spec, "Simple string")."""
    if 13 in line or 10 in line:
        raise ProtocolError(f"CR or LF inside a {what}: {preview(line)}")
    return line


class Frame:
    """One aggregate being read: its kind, the elements so far and how many are missing.

    ``remaining`` counts elements (a map of n pairs needs 2n). A streamed aggregate starts
    with one more than the limit allows, so reaching zero means "too long". ``frozen`` says
    the result will be a map key or set member and must be hashable.
    """

    __slots__ = ("frozen", "items", "kind", "remaining", "streamed")

    def __init__(
        self, kind: int, items: list[Any], remaining: int, streamed: bool, frozen: bool
    ) -> None:
        self.kind = kind
        self.items = items
        self.remaining = remaining
        self.streamed = streamed
        self.frozen = frozen


def build(frame: Frame) -> Any:
    """Turn a finished frame into its value (arrays and pushes are their own item lists).

    Maps keep the last value of a repeated key; sets collapse repeated members (spec,
    "Set reply": "do some effort to avoid returning duplicated data").
    """
    kind = frame.kind
    items = frame.items
    if kind == MAP:
        it = iter(items)
        pairs = zip(it, it, strict=False)
        return frozenset(pairs) if frame.frozen else dict(pairs)
    if kind == SET:
        return frozenset(items) if frame.frozen else set(items)
    return tuple(items) if frame.frozen else items


def empty(kind: int, frozen: bool) -> Any:
    """The value of an aggregate declared with zero elements."""
    if kind == MAP:
        return frozenset() if frozen else {}
    if kind == SET:
        return frozenset() if frozen else set()
    if frozen:
        return ()
    return Push() if kind == PUSH else []


def blob_run(
    buf: bytes, pos: int, count: int, estimate: int, max_bulk: int
) -> tuple[list[bytes], int]:
    """Read up to ``count`` consecutive blob strings at ``pos`` with C-level splitting.

    The bytes ahead (about ``count * estimate * 2``, so a run never copies the whole
    buffer) are split at CRLF into header / payload pairs. Pair *i* is accepted only if
    every earlier pair was and its header is exactly ``$<len(payload)>``. That is sound:
    up to the first pair where the split and a true parse disagree, both read the same
    header; a true payload that itself contains CRLF is cut short by the split and fails
    the length check, and a payload without CRLF is exactly the split piece. Anything else
    (nulls, other types, non-canonical lengths, values over ``max_bulk``) stops the run;
    the caller parses that element normally.

    Returns:
        The values read (possibly none) and the position after them.
    """
    pieces = buf[pos : pos + count * estimate * 2 + 64].split(b"\r\n", 2 * count)
    k = (len(pieces) - 1) // 2
    heads = pieces[0 : 2 * k : 2]
    values = pieces[1 : 2 * k : 2]
    lengths = list(map(len, values))
    expected = list(map(_BLOB_HEADER, lengths))
    if heads != expected:
        bad = next(itertools.compress(itertools.count(), map(operator.ne, heads, expected)))
        del values[bad:], lengths[bad:], heads[bad:]
    if not values or max(lengths) > max_bulk:
        return [], pos
    return values, pos + sum(lengths) + sum(map(len, heads)) + 4 * len(values)
