"""Test helpers: a model of RESP values, its wire encoding, and hypothesis strategies.

A generated value is a tree of :class:`Wire` nodes that remembers the wire type (a bulk and
a simple string are both ``bytes`` once parsed, so the tree, not the Python value, decides
the encoding). :func:`encode` writes the RESP bytes, :func:`expected` the value the pure
reader must return, :func:`expected_attributes` its ``last_attributes``, and
:func:`canon` turns any reply into a structure that compares exactly (``True`` is not
``1``, ``b"x"`` is not ``"x"``, NaN equals NaN, sets compare without order).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from keywire_resp import (
    NEED_DATA,
    ProtocolError,
    Push,
    ReplyError,
    VerbatimBytes,
    VerbatimStr,
    reply_error_from,
)

__all__ = [
    "Wire",
    "blob_runs",
    "canon",
    "chunked",
    "diff_trees",
    "drain",
    "encode",
    "expected",
    "expected_attributes",
    "feed_in_chunks",
    "split_points",
    "trees",
]


@dataclass(frozen=True)
class Wire:
    """One RESP value with its wire type.

    ``kind`` is one of: simple, bulk, error, blob_error, int, big, double, bool, null,
    null_bulk, null_array, verbatim, array, map, set, push, attr (``value`` is
    ``(pairs, inner)``: an attribute map in front of ``inner``), stream_str (``value`` is
    a list of chunks), stream_array, stream_map, stream_set.
    """

    kind: str
    value: Any


# -- encoding -----------------------------------------------------------------------------


def encode(node: Wire) -> bytes:
    """The RESP bytes of ``node`` (written independently of the library's encoder)."""
    out: list[bytes] = []
    _encode(node, out)
    return b"".join(out)


def _blob(prefix: bytes, data: bytes, out: list[bytes]) -> None:
    out.append(prefix + str(len(data)).encode() + b"\r\n" + data + b"\r\n")


def _encode(node: Wire, out: list[bytes]) -> None:
    kind, value = node.kind, node.value
    if kind == "simple":
        out.append(b"+" + value + b"\r\n")
    elif kind == "bulk":
        _blob(b"$", value, out)
    elif kind == "error":
        out.append(b"-" + value.encode() + b"\r\n")
    elif kind == "blob_error":
        _blob(b"!", value.encode(), out)
    elif kind == "int":
        out.append(b":" + str(value).encode() + b"\r\n")
    elif kind == "big":
        out.append(b"(" + str(value).encode() + b"\r\n")
    elif kind == "double":
        out.append(b"," + repr(value).encode() + b"\r\n")
    elif kind == "bool":
        out.append(b"#t\r\n" if value else b"#f\r\n")
    elif kind == "null":
        out.append(b"_\r\n")
    elif kind == "null_bulk":
        out.append(b"$-1\r\n")
    elif kind == "null_array":
        out.append(b"*-1\r\n")
    elif kind == "verbatim":
        fmt, text = value
        _blob(b"=", fmt.encode() + b":" + text, out)
    elif kind in ("array", "set", "push"):
        prefix = {"array": b"*", "set": b"~", "push": b">"}[kind]
        out.append(prefix + str(len(value)).encode() + b"\r\n")
        for child in value:
            _encode(child, out)
    elif kind == "map":
        out.append(b"%" + str(len(value)).encode() + b"\r\n")
        for key, val in value:
            _encode(key, out)
            _encode(val, out)
    elif kind == "attr":
        pairs, inner = value
        out.append(b"|" + str(len(pairs)).encode() + b"\r\n")
        for key, val in pairs:
            _encode(key, out)
            _encode(val, out)
        _encode(inner, out)
    elif kind == "stream_str":
        out.append(b"$?\r\n")
        for chunk in value:
            out.append(b";" + str(len(chunk)).encode() + b"\r\n" + chunk + b"\r\n")
        out.append(b";0\r\n")
    elif kind in ("stream_array", "stream_set"):
        out.append(b"*?\r\n" if kind == "stream_array" else b"~?\r\n")
        for child in value:
            _encode(child, out)
        out.append(b".\r\n")
    elif kind == "stream_map":
        out.append(b"%?\r\n")
        for key, val in value:
            _encode(key, out)
            _encode(val, out)
        out.append(b".\r\n")
    else:  # pragma: no cover - a bug in the strategies
        raise AssertionError(kind)


# -- expected values ----------------------------------------------------------------------


def expected(
    node: Wire, *, frozen: bool = False, encoding: str | None = None, errors: str = "strict"
) -> Any:
    """The value the pure reader returns for ``node`` (``frozen``: as a key / member)."""
    kind, value = node.kind, node.value

    def rec(child: Wire, as_key: bool) -> Any:
        return expected(child, frozen=as_key, encoding=encoding, errors=errors)

    def text(data: bytes) -> Any:
        return data if encoding is None else data.decode(encoding, errors)

    if kind in ("simple", "bulk"):
        return text(value)
    if kind in ("error", "blob_error"):
        return reply_error_from(value)
    if kind in ("int", "big", "double", "bool"):
        return value
    if kind in ("null", "null_bulk", "null_array"):
        return None
    if kind == "verbatim":
        fmt, data = value
        if encoding is None:
            return VerbatimBytes(data, fmt)
        return VerbatimStr(data.decode(encoding, errors), fmt)
    if kind == "stream_str":
        return text(b"".join(value))
    if kind == "attr":
        return rec(value[1], frozen)
    if kind in ("array", "push", "stream_array"):
        items = [rec(child, frozen) for child in value]
        if frozen:
            return tuple(items)
        return Push(items) if kind == "push" else items
    if kind in ("set", "stream_set"):
        members = [rec(child, True) for child in value]
        return frozenset(members) if frozen else set(members)
    if kind in ("map", "stream_map"):
        pairs = [
            (
                rec(key, True),
                rec(val, frozen),
            )
            for key, val in value
        ]
        return frozenset(pairs) if frozen else dict(pairs)
    raise AssertionError(kind)  # pragma: no cover


def expected_attributes(
    node: Wire, *, encoding: str | None = None, errors: str = "strict"
) -> dict[Any, Any] | None:
    """The merged attribute maps found anywhere in ``node``, in wire order, or None."""
    found: list[tuple[Any, Any]] = []
    seen = False

    def walk(current: Wire) -> None:
        nonlocal seen
        kind, value = current.kind, current.value
        if kind == "attr":
            seen = True
            pairs, inner = value
            # Attributes nested in this map's keys and values finish before this map does.
            for key, val in pairs:
                walk(key)
                walk(val)
            found.extend(
                (
                    expected(key, frozen=True, encoding=encoding, errors=errors),
                    expected(val, encoding=encoding, errors=errors),
                )
                for key, val in pairs
            )
            walk(inner)
        elif kind in ("array", "push", "set", "stream_array", "stream_set"):
            for child in value:
                walk(child)
        elif kind in ("map", "stream_map"):
            for key, val in value:
                walk(key)
                walk(val)

    walk(node)
    return dict(found) if seen else None


# -- exact comparison ---------------------------------------------------------------------


def canon(value: Any) -> Any:
    """A structure that compares exactly what the reader returned (types included)."""
    if isinstance(value, ReplyError):
        return ("error", type(value).__name__, value.message)
    if isinstance(value, VerbatimBytes | VerbatimStr):
        return (
            type(value).__name__,
            value.format,
            str(value) if isinstance(value, str) else bytes(value),
        )
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    if isinstance(value, Push):
        return ("push", [canon(item) for item in value])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [canon(item) for item in value])
    if isinstance(value, dict):
        return ("dict", sorted((repr(canon(k)), repr(canon(v))) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return (type(value).__name__, sorted(repr(canon(item)) for item in value))
    return (type(value).__name__, value)


# -- feeding ------------------------------------------------------------------------------


def drain(reader: Any) -> list[Any]:
    """Call ``gets()`` until NEED_DATA; return the replies in order."""
    replies = []
    while (reply := reader.gets()) is not NEED_DATA:
        replies.append(reply)
    return replies


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    """Split ``data`` at the given positions (any order, duplicates and bounds allowed)."""
    points = sorted({min(max(cut, 0), len(data)) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def feed_in_chunks(reader: Any, chunks: list[bytes]) -> tuple[list[Any], str | None]:
    """Feed chunks one by one, draining after each; stop at the first ProtocolError.

    Returns the replies and ``"ProtocolError"`` if one was raised, else ``None``.
    """
    replies: list[Any] = []
    try:
        for chunk in chunks:
            reader.feed(chunk)
            while (reply := reader.gets()) is not NEED_DATA:
                replies.append(reply)
    except ProtocolError:
        return replies, "ProtocolError"
    return replies, None


def split_points(data_size: int) -> st.SearchStrategy[list[int]]:
    """Cut positions for :func:`chunked`."""
    return st.lists(st.integers(0, max(data_size, 0)), max_size=12)


# -- strategies ---------------------------------------------------------------------------

_CODES = ["ERR", "WRONGTYPE", "MOVED", "ASK", "BUSY", "BUSYGROUP", "NOSCRIPT", "OOM", "x"]
_line_bytes = st.binary(max_size=20).filter(lambda b: b"\r" not in b and b"\n" not in b)
_error_text = st.builds(
    lambda code, rest: f"{code} {rest}" if rest else code,
    st.sampled_from(_CODES),
    st.text(st.characters(blacklist_characters="\r\n", max_codepoint=0x2FF), max_size=15),
)
_moved_text = st.builds(
    lambda code, slot, host, port: f"{code} {slot} {host}:{port}",
    st.sampled_from(["MOVED", "ASK"]),
    st.integers(0, 16383),
    st.sampled_from(["127.0.0.1", "", "::1", "node-1.example", "[2001:db8::1]"]),
    st.integers(1, 65535),
)
_int64 = st.integers(-(2**63), 2**63 - 1)
_doubles = st.floats(allow_nan=True, allow_infinity=True)


def _resp2_scalars() -> st.SearchStrategy[Wire]:
    return st.one_of(
        st.builds(Wire, st.just("simple"), _line_bytes),
        st.builds(Wire, st.just("bulk"), st.binary(max_size=40)),
        st.builds(Wire, st.just("bulk"), st.sampled_from([b"\r\n", b"$3\r\nabc", b"a\r\n$1"])),
        st.builds(Wire, st.just("error"), st.one_of(_error_text, _moved_text)),
        st.builds(Wire, st.just("int"), _int64),
        st.just(Wire("null_bulk", None)),
        st.just(Wire("null_array", None)),
    )


def _resp3_faithful_scalars() -> st.SearchStrategy[Wire]:
    """RESP3 scalars hiredis returns exactly like the pure reader."""
    return st.one_of(
        st.just(Wire("null", None)),
        st.builds(Wire, st.just("bool"), st.booleans()),
        st.builds(Wire, st.just("double"), _doubles),
    )


def _resp3_other_scalars(streamed: bool) -> st.SearchStrategy[Wire]:
    """RESP3 scalars hiredis does not return faithfully."""
    options = [
        st.builds(Wire, st.just("big"), st.integers()),
        st.builds(Wire, st.just("blob_error"), _error_text),
        st.builds(
            Wire,
            st.just("verbatim"),
            st.tuples(st.sampled_from(["txt", "mkd", "abc"]), st.binary(max_size=20)),
        ),
    ]
    if streamed:
        options.append(
            st.builds(
                Wire,
                st.just("stream_str"),
                st.lists(st.binary(min_size=1, max_size=10), max_size=4),
            )
        )
    return st.one_of(options)


def _unique_keys(pairs: list[tuple[Wire, Wire]]) -> list[tuple[Wire, Wire]]:
    """Drop pairs whose key equals an earlier key once parsed (``True == 1`` included)."""
    seen: set[Any] = set()
    unique = []
    for key, value in pairs:
        parsed = expected(key)
        if parsed not in seen:
            seen.add(parsed)
            unique.append((key, value))
    return unique


def trees(
    *, resp3: bool = True, faithful_only: bool = False, streamed: bool = True, max_leaves: int = 25
) -> st.SearchStrategy[Wire]:
    """Random reply trees.

    ``resp3=False``: RESP2 only. ``faithful_only``: only what hiredis returns exactly like
    the pure reader (no sets, big numbers, verbatim, attributes, blob errors, streamed
    types, aggregate or repeated map keys; a push only at the top).
    """
    scalars = _resp2_scalars()
    if resp3:
        scalars = st.one_of(scalars, _resp3_faithful_scalars())
        if not faithful_only:
            scalars = st.one_of(scalars, _resp3_other_scalars(streamed))

    def extend(children: st.SearchStrategy[Wire]) -> st.SearchStrategy[Wire]:
        lists = st.lists(children, max_size=5)
        options = [st.builds(Wire, st.just("array"), lists)]
        if resp3:
            if faithful_only:
                # hiredis attaches values to the wrong keys when a map repeats a key.
                pairs = st.lists(st.tuples(scalars, children), max_size=4).map(_unique_keys)
            else:
                pairs = st.lists(st.tuples(children, children), max_size=4)
            options.append(st.builds(Wire, st.just("map"), pairs))
            if not faithful_only:
                options += [
                    st.builds(Wire, st.just("set"), lists),
                    st.builds(Wire, st.just("push"), lists),
                    st.builds(Wire, st.just("attr"), st.tuples(pairs, children)),
                ]
                if streamed:
                    options += [
                        st.builds(Wire, st.just("stream_array"), lists),
                        st.builds(Wire, st.just("stream_set"), lists),
                        st.builds(Wire, st.just("stream_map"), pairs),
                    ]
        return st.one_of(options)

    tree = st.recursive(scalars, extend, max_leaves=max_leaves)
    if resp3 and faithful_only:
        tree = st.one_of(tree, st.builds(Wire, st.just("push"), st.lists(tree, max_size=4)))
    return tree


def diff_trees() -> st.SearchStrategy[Wire]:
    """Trees for the differential test against hiredis (RESP2 + faithful RESP3)."""
    return trees(faithful_only=True)


def blob_runs(*, faithful_only: bool = False) -> st.SearchStrategy[Wire]:
    """Aggregates long enough for the reader's blob-run fast path, with occasional
    elements that must stop a run (nulls, numbers, payloads containing CRLF).
    ``faithful_only``: arrays and pushes only (see :func:`trees`)."""
    element = st.one_of(
        st.builds(Wire, st.just("bulk"), st.binary(max_size=12)),
        st.builds(Wire, st.just("bulk"), st.binary(max_size=12)),
        st.builds(Wire, st.just("bulk"), st.binary(max_size=12)),
        st.builds(Wire, st.just("bulk"), st.sampled_from([b"\r\n", b"$1\r\nx", b"ab\r\n$2\r\n"])),
        st.just(Wire("null_bulk", None)),
        st.builds(Wire, st.just("int"), st.integers(0, 99)),
    )
    if faithful_only:
        return st.builds(
            Wire, st.sampled_from(["array", "push"]), st.lists(element, min_size=17, max_size=120)
        )
    kinds = st.sampled_from(["array", "set", "push"])
    return st.one_of(
        st.builds(Wire, kinds, st.lists(element, min_size=17, max_size=120)),
        st.builds(
            Wire,
            st.just("map"),
            st.lists(st.tuples(element, element), min_size=9, max_size=60),
        ),
    )
