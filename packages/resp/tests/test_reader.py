"""The pure-Python reader: every RESP2/RESP3 type, incremental feeding, encodings, errors."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keywire_resp import (
    NEED_DATA,
    MovedError,
    ProtocolError,
    Push,
    Reader,
    ReplyError,
    VerbatimBytes,
    VerbatimStr,
    WrongTypeError,
)

from .resp_values import (
    blob_runs,
    canon,
    chunked,
    drain,
    encode,
    expected,
    expected_attributes,
    feed_in_chunks,
    split_points,
    trees,
)

# (id, wire bytes, expected reply, expected last_attributes). Quotes are from the RESP3 spec.
VECTORS: list[tuple[str, bytes, Any, Any]] = [
    ("simple", b"+OK\r\n", b"OK", None),
    ("simple-empty", b"+\r\n", b"", None),
    ("error", b"-ERR unknown command 'FOO'\r\n", ReplyError("ERR unknown command 'FOO'"), None),
    (
        "error-wrongtype",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        WrongTypeError("WRONGTYPE Operation against a key holding the wrong kind of value"),
        None,
    ),
    (
        "error-moved",
        b"-MOVED 3999 127.0.0.1:6381\r\n",
        MovedError("MOVED 3999 127.0.0.1:6381"),
        None,
    ),
    ("int-zero", b":0\r\n", 0, None),
    ("int-negative", b":-5\r\n", -5, None),
    ("int-max", b":9223372036854775807\r\n", 2**63 - 1, None),
    ("int-min", b":-9223372036854775808\r\n", -(2**63), None),
    ("bulk", b"$5\r\nhello\r\n", b"hello", None),
    ("bulk-empty", b"$0\r\n\r\n", b"", None),
    ("bulk-binary-crlf", b"$6\r\na\r\n\x00\xffb\r\n", b"a\r\n\x00\xffb", None),
    ("bulk-null", b"$-1\r\n", None, None),
    ("array-null", b"*-1\r\n", None, None),
    ("null", b"_\r\n", None, None),
    ("array", b"*3\r\n:1\r\n$5\r\nhello\r\n+b\r\n", [1, b"hello", b"b"], None),
    ("array-empty", b"*0\r\n", [], None),
    # "*2 *3 :1 $5 hello :2 #f ... represents the array [[1,"hello",2],false]"
    (
        "array-nested",
        b"*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n",
        [[1, b"hello", 2], False],
        None,
    ),
    ("array-nested-empty", b"*2\r\n*0\r\n*1\r\n*0\r\n", [[], [[]]], None),
    ("array-with-errors", b"*2\r\n-ERR a\r\n:1\r\n", [ReplyError("ERR a"), 1], None),
    ("array-with-nulls", b"*3\r\n$-1\r\n_\r\n*-1\r\n", [None, None, None], None),
    ("bool-true", b"#t\r\n", True, None),
    ("bool-false", b"#f\r\n", False, None),
    ("double", b",1.23\r\n", 1.23, None),
    ("double-integral", b",10\r\n", 10.0, None),
    ("double-exponent", b",-0.5e-3\r\n", -0.0005, None),
    ("double-exponent-upper", b",1E+10\r\n", 1e10, None),
    ("double-inf", b",inf\r\n", math.inf, None),
    ("double-minus-inf", b",-inf\r\n", -math.inf, None),
    ("double-nan", b",nan\r\n", math.nan, None),
    # "Redis prior to version 7.2 may return ... "-nan", "NAN" or "nan(char-sequence)""
    ("double-minus-nan", b",-nan\r\n", math.nan, None),
    ("double-NAN", b",NAN\r\n", math.nan, None),
    ("double-nan-sequence", b",nan(0x1)\r\n", math.nan, None),
    (
        "big-number",
        b"(3492890328409238509324850943850943825024385\r\n",
        3492890328409238509324850943850943825024385,
        None,
    ),
    ("big-number-negative", b"(-12345678901234567890\r\n", -12345678901234567890, None),
    (
        "blob-error",
        b"!21\r\nSYNTAX invalid syntax\r\n",
        ReplyError("SYNTAX invalid syntax"),
        None,
    ),
    (
        "verbatim",
        b"=15\r\ntxt:Some string\r\n",
        VerbatimBytes(b"Some string", "txt"),
        None,
    ),
    ("verbatim-empty-mkd", b"=4\r\nmkd:\r\n", VerbatimBytes(b"", "mkd"), None),
    (
        "map",
        b"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
        {b"first": 1, b"second": 2},
        None,
    ),
    ("map-empty", b"%0\r\n", {}, None),
    ("map-duplicate-key", b"%2\r\n+a\r\n:1\r\n+a\r\n:2\r\n", {b"a": 2}, None),
    ("map-array-key", b"%1\r\n*2\r\n:1\r\n:2\r\n+v\r\n", {(1, 2): b"v"}, None),
    (
        "map-map-key",
        b"%1\r\n%1\r\n+a\r\n*1\r\n:1\r\n+v\r\n",
        {frozenset({(b"a", (1,))}): b"v"},
        None,
    ),
    ("map-set-key", b"%1\r\n~2\r\n:1\r\n:2\r\n_\r\n", {frozenset({1, 2}): None}, None),
    ("map-push-key", b"%1\r\n>1\r\n:1\r\n:2\r\n", {(1,): 2}, None),
    ("map-aggregate-value", b"%1\r\n+k\r\n*1\r\n:1\r\n", {b"k": [1]}, None),
    (
        "set",
        b"~5\r\n+orange\r\n+apple\r\n#t\r\n:100\r\n:999\r\n",
        {b"orange", b"apple", True, 100, 999},
        None,
    ),
    ("set-empty", b"~0\r\n", set(), None),
    ("set-duplicates", b"~3\r\n:1\r\n:1\r\n:2\r\n", {1, 2}, None),
    ("set-aggregate-member", b"~2\r\n*1\r\n:1\r\n~0\r\n", {(1,), frozenset()}, None),
    (
        "push",
        b">3\r\n+message\r\n+somechannel\r\n+this is the message\r\n",
        Push([b"message", b"somechannel", b"this is the message"]),
        None,
    ),
    ("push-empty", b">0\r\n", Push(), None),
    (
        "attribute-top-level",
        b"|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
        b"*2\r\n:2039123\r\n:9543892\r\n",
        [2039123, 9543892],
        {b"key-popularity": {b"a": 0.1923, b"b": 0.0012}},
    ),
    (
        "attribute-nested",
        b"*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n",
        [1, 2, 3],
        {b"ttl": 3600},
    ),
    ("attribute-empty", b"|0\r\n:1\r\n", 1, {}),
    ("attribute-before-push", b"|1\r\n+a\r\n:1\r\n>1\r\n+x\r\n", Push([b"x"]), {b"a": 1}),
    ("attribute-in-map-key", b"%1\r\n|1\r\n+a\r\n:1\r\n*1\r\n:1\r\n:2\r\n", {(1,): 2}, {b"a": 1}),
    (
        "attributes-merged",
        b"|1\r\n+a\r\n:1\r\n*2\r\n|2\r\n+a\r\n:2\r\n+b\r\n:3\r\n:1\r\n:2\r\n",
        [1, 2],
        {b"a": 2, b"b": 3},
    ),
    (
        "streamed-string",
        b"$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n",
        b"Hello word",
        None,
    ),
    ("streamed-string-empty", b"$?\r\n;0\r\n", b"", None),
    ("streamed-array", b"*?\r\n:1\r\n:2\r\n:3\r\n.\r\n", [1, 2, 3], None),
    ("streamed-array-empty", b"*?\r\n.\r\n", [], None),
    ("streamed-map", b"%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n", {b"a": 1, b"b": 2}, None),
    ("streamed-set", b"~?\r\n:1\r\n:1\r\n.\r\n", {1}, None),
    (
        "streamed-nested",
        b"*2\r\n$?\r\n;1\r\na\r\n;0\r\n~?\r\n*?\r\n:1\r\n.\r\n.\r\n",
        [b"a", {(1,)}],
        None,
    ),
    (
        "deep-mixed",
        b"*1\r\n%1\r\n+k\r\n~1\r\n>2\r\n+x\r\n(7\r\n",
        [{b"k": {(b"x", 7)}}],
        None,
    ),
]
VECTOR_IDS = [vector[0] for vector in VECTORS]


def read_all(reader: Reader, data: bytes) -> Any:
    """Feed ``data`` whole and return the single reply it holds."""
    reader.feed(data)
    reply = reader.gets()
    assert reader.gets() is NEED_DATA
    return reply


@pytest.mark.parametrize(("name", "data", "value", "attrs"), VECTORS, ids=VECTOR_IDS)
def test_vector_whole(name: str, data: bytes, value: Any, attrs: Any) -> None:
    reader = Reader()
    assert canon(read_all(reader, data)) == canon(value)
    assert canon(reader.last_attributes) == canon(attrs)


@pytest.mark.parametrize(("name", "data", "value", "attrs"), VECTORS, ids=VECTOR_IDS)
def test_vector_byte_by_byte(name: str, data: bytes, value: Any, attrs: Any) -> None:
    reader = Reader()
    for i in range(len(data) - 1):
        reader.feed(data[i : i + 1])
        assert reader.gets() is NEED_DATA
    reader.feed(data[-1:])
    assert canon(reader.gets()) == canon(value)
    assert canon(reader.last_attributes) == canon(attrs)
    assert reader.gets() is NEED_DATA


@given(vector=st.sampled_from(VECTORS), data=st.data())
def test_vector_random_chunks(vector: tuple[str, bytes, Any, Any], data: st.DataObject) -> None:
    _, wire, value, attrs = vector
    cuts = data.draw(split_points(len(wire)))
    reader = Reader()
    replies, error = feed_in_chunks(reader, chunked(wire, cuts))
    assert error is None
    assert [canon(reply) for reply in replies] == [canon(value)]
    assert canon(reader.last_attributes) == canon(attrs)


def test_all_vectors_pipelined() -> None:
    """Every vector back to back in one feed gives every reply, in order."""
    reader = Reader()
    reader.feed(b"".join(vector[1] for vector in VECTORS))
    replies = drain(reader)
    assert [canon(reply) for reply in replies] == [canon(vector[2]) for vector in VECTORS]


def test_verbatim_keeps_its_format() -> None:
    reply = read_all(Reader(), b"=15\r\nmkd:Some string\r\n")
    assert isinstance(reply, VerbatimBytes)
    assert reply == b"Some string"
    assert reply.format == "mkd"


def test_push_is_a_list_subclass() -> None:
    reply = read_all(Reader(), b">2\r\n+invalidate\r\n*1\r\n$3\r\nkey\r\n")
    assert type(reply) is Push
    assert reply == [b"invalidate", [b"key"]]


def test_empty_reader_needs_data() -> None:
    reader = Reader()
    assert reader.gets() is NEED_DATA
    reader.feed(b"")
    assert reader.gets() is NEED_DATA


def test_gets_without_new_data_keeps_state() -> None:
    reader = Reader()
    reader.feed(b"*2\r\n:1\r\n")
    for _ in range(3):
        assert reader.gets() is NEED_DATA
    reader.feed(b":2\r\n")
    assert reader.gets() == [1, 2]


def test_last_attributes_apply_to_one_reply() -> None:
    reader = Reader()
    reader.feed(b"|1\r\n+a\r\n:1\r\n+first\r\n+second\r\n")
    assert reader.gets() == b"first"
    assert reader.last_attributes == {b"a": 1}
    assert reader.gets() == b"second"
    assert reader.last_attributes is None


def test_attribute_waits_for_its_reply() -> None:
    reader = Reader()
    reader.feed(b"|1\r\n+a\r\n:1\r\n")
    assert reader.gets() is NEED_DATA
    assert reader.last_attributes is None
    reader.feed(b":5\r\n")
    assert reader.gets() == 5
    assert reader.last_attributes == {b"a": 1}


@pytest.mark.parametrize("feed_type", [bytes, bytearray, memoryview])
def test_feed_accepts_buffers(feed_type: Any) -> None:
    reader = Reader()
    buffer = bytearray(b"$3\r\nfoo\r\n")
    reader.feed(feed_type(buffer))
    buffer[4:7] = b"bar"  # the reader must have copied what it was given
    assert reader.gets() == b"foo"


def test_lrange_like_reply() -> None:
    """10k blob strings of 100 bytes: the blob-run path, whole and in uneven chunks."""
    values = [b"%0100d" % i for i in range(10_000)]
    wire = b"*10000\r\n" + b"".join(b"$100\r\n" + value + b"\r\n" for value in values)
    assert read_all(Reader(), wire) == values
    reader = Reader()
    replies, error = feed_in_chunks(reader, chunked(wire, list(range(0, len(wire), 4093))))
    assert error is None
    assert replies == [values]


def test_large_blob_in_small_pieces_is_not_recopied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued pieces are joined only once the blob can be complete (bounded copying)."""
    merges = 0
    original = Reader._merge

    def counting_merge(self: Reader) -> bool:
        nonlocal merges
        merged = original(self)
        merges += merged
        return merged

    monkeypatch.setattr(Reader, "_merge", counting_merge)
    payload = bytes(range(256)) * 4096  # 1 MiB
    wire = b"$%d\r\n%b\r\n" % (len(payload), payload)
    reader = Reader()
    replies, error = feed_in_chunks(reader, chunked(wire, list(range(0, len(wire), 4096))))
    assert error is None
    assert replies == [payload]
    assert merges <= 2


# -- encodings -------------------------------------------------------------------------


def test_encoding_decodes_strings_only() -> None:
    reader = Reader(encoding="utf-8")
    reader.feed(
        b"*7\r\n+caf\xc3\xa9\r\n$3\r\nh\xc3\xa9\r\n=9\r\ntxt:\xc3\xa9t\xc3\xa9\r\n(12\r\n"
        b":3\r\n-ERR \xc3\xa9\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n"
    )
    reply = reader.gets()
    assert reply == ["café", "hé", "été", 12, 3, ReplyError("ERR é"), {"k": "v"}]
    assert isinstance(reply, list)
    assert type(reply[2]) is VerbatimStr
    assert reply[2].format == "txt"


def test_error_messages_are_always_text() -> None:
    reply = read_all(Reader(), b"-ERR bad \xff byte\r\n")
    assert isinstance(reply, ReplyError)
    assert reply.message == "ERR bad \ufffd byte"


def test_strict_decode_failure_consumes_the_reply() -> None:
    reader = Reader(encoding="utf-8")
    reader.feed(b"*3\r\n$1\r\na\r\n$1\r\n\xff\r\n=5\r\ntxt:\xfe\r\n+next\r\n")
    with pytest.raises(UnicodeDecodeError):
        reader.gets()
    assert reader.gets() == "next"  # still in sync, not poisoned
    assert reader.gets() is NEED_DATA


def test_strict_decode_failure_in_a_long_run() -> None:
    reader = Reader(encoding="utf-8")
    reader.feed(b"*40\r\n" + b"$1\r\na\r\n" * 20 + b"$1\r\n\xff\r\n" + b"$1\r\nb\r\n" * 19)
    with pytest.raises(UnicodeDecodeError):
        reader.gets()
    reader.feed(b":1\r\n")
    assert reader.gets() == 1


def test_decode_with_an_error_handler() -> None:
    reader = Reader(encoding="utf-8", errors="replace")
    reader.feed(b"*2\r\n$1\r\n\xff\r\n=5\r\ntxt:\xff\r\n")
    assert reader.gets() == ["\ufffd", "\ufffd"]


def test_unknown_encoding() -> None:
    with pytest.raises(LookupError):
        Reader(encoding="no-such-codec")
    with pytest.raises(LookupError):
        Reader(encoding="utf-8", errors="no-such-handler")


# -- malformed input -----------------------------------------------------------------------

MALFORMED: list[tuple[str, bytes]] = [
    ("lf-only", b"+OK\n"),
    ("lf-then-more", b"+OK\n+OK\r\n"),
    ("cr-then-other", b"+OK\r+\r\n"),
    ("cr-in-line", b"+a\rb\r\n"),
    ("lf-in-error", b"-ERR a\nb\r\n"),
    ("bulk-bad-terminator", b"$3\r\nabcXY"),
    ("bulk-lf-terminator", b"$3\r\nabc\n\n"),
    ("number-lf", b":1\n\r\n"),
    ("bulk-length-letters", b"$abc\r\n"),
    ("bulk-length-space", b"$ 3\r\nabc\r\n"),
    ("bulk-length-plus", b"$+3\r\nabc\r\n"),
    ("bulk-length-empty", b"$\r\n"),
    ("bulk-length-minus-two", b"$-2\r\n"),
    ("array-length-minus-two", b"*-2\r\n"),
    ("array-length-letters", b"*x\r\n"),
    ("map-null", b"%-1\r\n"),
    ("set-null", b"~-1\r\n"),
    ("push-streamed", b">?\r\n"),
    ("attribute-streamed", b"|?\r\n"),
    ("unknown-type", b"x\r\n"),
    ("unknown-type-at", b"@foo\r\n"),
    ("unknown-type-nul", b"\x00\r\n"),
    ("inline-command", b"PING\r\n"),
    ("bool", b"#x\r\n"),
    ("bool-long", b"#tt\r\n"),
    ("null-with-data", b"_x\r\n"),
    ("double-letters", b",abc\r\n"),
    ("double-leading-dot", b",.5\r\n"),
    ("double-trailing-dot", b",1.\r\n"),
    ("double-bad-exponent", b",1e\r\n"),
    ("double-plus", b",+1\r\n"),
    ("double-underscore", b",1_0\r\n"),
    ("double-empty", b",\r\n"),
    ("big-number-decimal", b"(1.5\r\n"),
    ("big-number-plus", b"(+5\r\n"),
    ("big-number-empty", b"(\r\n"),
    ("number-empty", b":\r\n"),
    ("number-overflow", b":9223372036854775808\r\n"),
    ("number-underflow", b":-9223372036854775809\r\n"),
    ("number-space", b": 5\r\n"),
    ("number-underscore", b":1_0\r\n"),
    ("number-minus-only", b":-\r\n"),
    ("end-outside-stream", b".\r\n"),
    ("end-in-counted-array", b"*2\r\n:1\r\n.\r\n"),
    ("end-with-data", b"*?\r\n.x\r\n"),
    ("chunk-outside-stream", b";3\r\nabc\r\n"),
    ("stream-not-a-chunk", b"$?\r\n:1\r\n"),
    ("stream-chunk-bad-length", b"$?\r\n;x\r\n"),
    ("stream-chunk-terminator", b"$?\r\n;1\r\naXY"),
    ("streamed-map-odd", b"%?\r\n+a\r\n.\r\n"),
    ("verbatim-no-prefix", b"=3\r\nabc\r\n"),
    ("verbatim-no-colon", b"=5\r\ntxt_x\r\n"),
    ("blob-error-bad-terminator", b"!1\r\nxYZ"),
    ("blob-error-length", b"!x\r\n"),
    ("length-too-many-digits", b"$000000000000000000001\r\n"),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_whole(name: str, data: bytes) -> None:
    reader = Reader()
    reader.feed(data)
    with pytest.raises(ProtocolError):
        drain(reader)


@pytest.mark.parametrize(("name", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_byte_by_byte(name: str, data: bytes) -> None:
    reader = Reader()
    _, error = feed_in_chunks(reader, [data[i : i + 1] for i in range(len(data))])
    assert error == "ProtocolError"


def test_malformed_after_good_replies() -> None:
    reader = Reader()
    reader.feed(b"+one\r\n:2\r\n?\r\n+never\r\n")
    assert reader.gets() == b"one"
    assert reader.gets() == 2
    with pytest.raises(ProtocolError, match="unknown type byte"):
        reader.gets()


def test_poisoned_after_protocol_error() -> None:
    reader = Reader()
    reader.feed(b"x\r\n")
    with pytest.raises(ProtocolError) as first:
        reader.gets()
    with pytest.raises(ProtocolError) as again:
        reader.gets()
    assert str(again.value) == str(first.value)
    with pytest.raises(ProtocolError):
        reader.feed(b"+OK\r\n")
    with pytest.raises(ProtocolError):
        reader.gets()


def test_error_message_shows_the_input() -> None:
    reader = Reader()
    reader.feed(b"$12x\r\n")
    with pytest.raises(ProtocolError, match=r"invalid blob string length b'12x'"):
        reader.gets()


# -- generated replies -----------------------------------------------------------------------


@settings(max_examples=300)
@given(tree=trees(), data=st.data())
def test_roundtrip_random_trees(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    reader = Reader()
    replies, error = feed_in_chunks(reader, chunked(wire, data.draw(split_points(len(wire)))))
    assert error is None
    assert [canon(reply) for reply in replies] == [canon(expected(tree))]
    assert canon(reader.last_attributes) == canon(expected_attributes(tree))


@given(tree=trees(resp3=False), data=st.data())
def test_roundtrip_resp2_trees(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    replies, error = feed_in_chunks(Reader(), chunked(wire, data.draw(split_points(len(wire)))))
    assert error is None
    assert [canon(reply) for reply in replies] == [canon(expected(tree))]


@given(tree=trees(max_leaves=10), data=st.data())
def test_roundtrip_decoding(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    reader = Reader(encoding="utf-8", errors="surrogateescape")
    replies, error = feed_in_chunks(reader, chunked(wire, data.draw(split_points(len(wire)))))
    assert error is None
    value = expected(tree, encoding="utf-8", errors="surrogateescape")
    assert [canon(reply) for reply in replies] == [canon(value)]


@settings(max_examples=200)
@given(tree=blob_runs(), data=st.data())
def test_roundtrip_blob_runs(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    replies, error = feed_in_chunks(Reader(), chunked(wire, data.draw(split_points(len(wire)))))
    assert error is None
    assert [canon(reply) for reply in replies] == [canon(expected(tree))]


@given(forest=st.lists(trees(max_leaves=8), min_size=1, max_size=6), data=st.data())
def test_pipelined_trees(forest: list[Any], data: st.DataObject) -> None:
    wire = b"".join(encode(tree) for tree in forest)
    replies, error = feed_in_chunks(Reader(), chunked(wire, data.draw(split_points(len(wire)))))
    assert error is None
    assert [canon(reply) for reply in replies] == [canon(expected(tree)) for tree in forest]
