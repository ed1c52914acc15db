"""HiredisReader: the same API on hiredis, its normalizations and documented deviations.

Skipped as a whole when hiredis is not installed.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("hiredis")

from keywire_resp import (  # after the importorskip on purpose
    NEED_DATA,
    HiredisReader,
    Limits,
    MovedError,
    ProtocolError,
    Push,
    Reader,
    ReplyError,
    WrongTypeError,
)

from .resp_values import (
    blob_runs,
    canon,
    chunked,
    diff_trees,
    drain,
    encode,
    feed_in_chunks,
    split_points,
    trees,
)


def read_one(data: bytes, **options: Any) -> Any:
    reader = HiredisReader(**options)
    reader.feed(data)
    reply = reader.gets()
    assert reader.gets() is NEED_DATA
    return reply


# -- differential: the same bytes, the same replies ---------------------------------------


def both(wire: bytes, cuts_pure: list[int], cuts_hiredis: list[int]) -> None:
    pure = feed_in_chunks(Reader(), chunked(wire, cuts_pure))
    fast = feed_in_chunks(HiredisReader(), chunked(wire, cuts_hiredis))
    assert pure[1] is None
    assert fast[1] is None
    assert [canon(reply) for reply in fast[0]] == [canon(reply) for reply in pure[0]]


@settings(max_examples=300)
@given(tree=diff_trees(), data=st.data())
def test_differential_resp3(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    both(wire, data.draw(split_points(len(wire))), data.draw(split_points(len(wire))))


@given(tree=trees(resp3=False), data=st.data())
def test_differential_resp2(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    both(wire, data.draw(split_points(len(wire))), data.draw(split_points(len(wire))))


@given(tree=blob_runs(faithful_only=True), data=st.data())
def test_differential_long_aggregates(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    both(wire, data.draw(split_points(len(wire))), data.draw(split_points(len(wire))))


@given(forest=st.lists(diff_trees(), min_size=1, max_size=8), data=st.data())
def test_differential_pipelined_stream(forest: list[Any], data: st.DataObject) -> None:
    wire = b"".join(encode(tree) for tree in forest)
    both(wire, data.draw(split_points(len(wire))), data.draw(split_points(len(wire))))


@given(tree=diff_trees(), data=st.data())
def test_differential_decoding(tree: Any, data: st.DataObject) -> None:
    wire = encode(tree)
    cuts = data.draw(split_points(len(wire)))
    options: dict[str, Any] = {"encoding": "utf-8", "errors": "surrogateescape"}
    pure = feed_in_chunks(Reader(**options), chunked(wire, cuts))
    fast = feed_in_chunks(HiredisReader(**options), chunked(wire, cuts))
    assert [canon(reply) for reply in fast[0]] == [canon(reply) for reply in pure[0]]


def test_lrange_like_reply() -> None:
    values = [b"%0100d" % i for i in range(10_000)]
    wire = b"*10000\r\n" + b"".join(b"$100\r\n" + value + b"\r\n" for value in values)
    assert read_one(wire) == values


# -- normalizations ------------------------------------------------------------------------


def test_error_replies_are_our_classes() -> None:
    reply = read_one(b"-MOVED 3999 127.0.0.1:6381\r\n")
    assert type(reply) is MovedError
    assert (reply.slot, reply.host, reply.port) == (3999, "127.0.0.1", 6381)
    nested = read_one(b"*2\r\n-WRONGTYPE bad\r\n-ERR x\r\n")
    assert nested == [WrongTypeError("WRONGTYPE bad"), ReplyError("ERR x")]


def test_push_is_our_push() -> None:
    reply = read_one(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
    assert type(reply) is Push
    assert reply == [b"invalidate", [b"k"]]


def test_protocol_error_is_ours_and_poisons() -> None:
    reader = HiredisReader()
    reader.feed(b"+OK\r\nx\r\n")
    assert reader.gets() == b"OK"
    with pytest.raises(ProtocolError):
        reader.gets()
    with pytest.raises(ProtocolError):
        reader.feed(b"+OK\r\n")
    with pytest.raises(ProtocolError):
        reader.gets()


def test_buffer_limit() -> None:
    reader = HiredisReader(limits=Limits(max_buffer_size=16))
    reader.feed(bytearray(b"$10\r\n0123"))
    assert reader.gets() is NEED_DATA
    with pytest.raises(ProtocolError, match="max_buffer_size"):
        reader.feed(memoryview(b"456789\r\n+OK"))
    with pytest.raises(ProtocolError):
        reader.gets()
    assert reader.limits.max_buffer_size == 16


def test_consumed_bytes_do_not_count_towards_the_buffer_limit() -> None:
    # hiredis drops consumed bytes once 1 KiB of them accumulate: limits below that are
    # approximate (documented), limits above it hold.
    reader = HiredisReader(limits=Limits(max_buffer_size=2048))
    for _ in range(2000):
        reader.feed(b"+OK\r\n")
        assert reader.gets() == b"OK"


def test_strict_decode_failure_consumes_the_reply() -> None:
    reader = HiredisReader(encoding="utf-8")
    reader.feed(b"*2\r\n$1\r\na\r\n$1\r\n\xff\r\n+next\r\n")
    with pytest.raises(UnicodeDecodeError):
        reader.gets()
    assert reader.gets() == "next"


def test_unknown_encoding() -> None:
    with pytest.raises(LookupError):
        HiredisReader(encoding="no-such-codec")


def test_last_attributes_is_always_none() -> None:
    reader = HiredisReader()
    reader.feed(b"|1\r\n+a\r\n:1\r\n:2\r\n")
    drain(reader)
    assert reader.last_attributes is None


# -- documented deviations (each one is in the module docstring and the README) ------------


def test_set_is_a_list() -> None:
    assert read_one(b"~3\r\n:1\r\n:2\r\n:1\r\n") == [1, 2, 1]


def test_big_number_is_bytes() -> None:
    assert read_one(b"(12345678901234567890\r\n") == b"12345678901234567890"
    assert read_one(b"(123\r\n", encoding="utf-8") == "123"


def test_verbatim_loses_its_format() -> None:
    reply = read_one(b"=15\r\ntxt:Some string\r\n")
    assert type(reply) is bytes
    assert reply == b"Some string"


def test_top_level_attribute_is_an_extra_reply() -> None:
    reader = HiredisReader()
    reader.feed(b"|1\r\n+ttl\r\n:3600\r\n*1\r\n:1\r\n")
    assert drain(reader) == [[b"ttl", 3600], [1]]


@pytest.mark.parametrize(
    "data",
    [
        b"!21\r\nSYNTAX invalid syntax\r\n",
        b"$?\r\n;1\r\na\r\n;0\r\n",
        b"*?\r\n:1\r\n.\r\n",
        b"%?\r\n+a\r\n:1\r\n.\r\n",
    ],
    ids=["blob-error", "streamed-string", "streamed-array", "streamed-map"],
)
def test_unsupported_types_raise(data: bytes) -> None:
    reader = HiredisReader()
    reader.feed(data)
    with pytest.raises(ProtocolError):
        reader.gets()


@pytest.mark.parametrize(
    "data", [b"%1\r\n*1\r\n:1\r\n:2\r\n", b"%1\r\n%0\r\n:1\r\n", b"*1\r\n%1\r\n~1\r\n:1\r\n:2\r\n"]
)
def test_aggregate_key_raises_and_poisons(data: bytes) -> None:
    reader = HiredisReader()
    reader.feed(data + b"+OK\r\n")
    with pytest.raises(ProtocolError, match=r"pure-Python keywire_resp\.Reader"):
        reader.gets()
    with pytest.raises(ProtocolError):
        reader.gets()


def test_repeated_map_key_misplaces_values() -> None:
    """A hiredis quirk: after a repeated key, values land on the wrong keys."""
    wire = b"%3\r\n+a\r\n:1\r\n+b\r\n:2\r\n+a\r\n:3\r\n"
    assert read_one(wire) != {b"a": 3, b"b": 2}
    pure = Reader()
    pure.feed(wire)
    assert pure.gets() == {b"a": 3, b"b": 2}


def test_set_of_scalars_is_fine() -> None:
    """An aggregate *inside* a set is fine for hiredis: only map keys must be hashable."""
    assert read_one(b"~1\r\n*1\r\n:1\r\n") == [[1]]
