"""The Limits dataclass, and how the pure reader enforces each limit."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from keywire_resp import NEED_DATA, Limits, ProtocolError, Reader


def test_documented_defaults() -> None:
    limits = Limits()
    assert limits.max_depth == 512
    assert limits.max_bulk_length == 512 * 1024 * 1024
    assert limits.max_aggregate_length == 2**32 - 1
    assert limits.max_buffer_size == 1024 * 1024 * 1024
    assert limits.max_buffer_size > limits.max_bulk_length
    assert Reader().limits == limits


def test_frozen() -> None:
    limits = Limits()
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_depth = 1  # type: ignore[misc]


def test_replace() -> None:
    assert dataclasses.replace(Limits(), max_depth=8).max_depth == 8


@pytest.mark.parametrize(
    "field", ["max_depth", "max_bulk_length", "max_aggregate_length", "max_buffer_size"]
)
@pytest.mark.parametrize("bad", [0, -1, 1.5, True, None, "10"])
def test_validation(field: str, bad: Any) -> None:
    with pytest.raises(ValueError, match=field):
        Limits(**{field: bad})


# -- enforcement by the reader ---------------------------------------------------------


def test_bulk_length_limit_fails_before_the_payload() -> None:
    reader = Reader(limits=Limits(max_bulk_length=10))
    reader.feed(b"$10\r\n0123456789\r\n")
    assert reader.gets() == b"0123456789"
    reader.feed(b"$11\r\n")
    with pytest.raises(ProtocolError, match="exceeds the limit of 10"):
        reader.gets()


@pytest.mark.parametrize("prefix", [b"=", b"!"])
def test_bulk_length_limit_applies_to_verbatim_and_blob_errors(prefix: bytes) -> None:
    reader = Reader(limits=Limits(max_bulk_length=10))
    reader.feed(prefix + b"11\r\n")
    with pytest.raises(ProtocolError):
        reader.gets()


def test_streamed_string_obeys_bulk_limit() -> None:
    reader = Reader(limits=Limits(max_bulk_length=5))
    reader.feed(b"$?\r\n;3\r\nabc\r\n;3\r\n")
    with pytest.raises(ProtocolError, match="streamed string"):
        reader.gets()


def test_aggregate_length_limit() -> None:
    reader = Reader(limits=Limits(max_aggregate_length=2))
    reader.feed(b"*2\r\n:1\r\n:2\r\n%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n")
    assert reader.gets() == [1, 2]
    assert reader.gets() == {b"a": 1, b"b": 2}  # maps count pairs
    reader.feed(b"~3\r\n")
    with pytest.raises(ProtocolError, match="aggregate length"):
        reader.gets()


@pytest.mark.parametrize("kind", [b"*", b"~", b"%"])
def test_streamed_aggregate_obeys_aggregate_limit(kind: bytes) -> None:
    reader = Reader(limits=Limits(max_aggregate_length=2))
    element = b":1\r\n:1\r\n" if kind == b"%" else b":1\r\n"
    reader.feed(kind + b"?\r\n" + element * 2 + b".\r\n")
    assert reader.gets() is not NEED_DATA
    reader.feed(kind + b"?\r\n" + element * 3)
    with pytest.raises(ProtocolError, match="max_aggregate_length"):
        reader.gets()


@pytest.mark.parametrize("opener", [b"*1\r\n", b"%1\r\n", b"~1\r\n", b">1\r\n", b"*?\r\n"])
def test_depth_limit(opener: bytes) -> None:
    closer = b".\r\n" if opener == b"*?\r\n" else b""
    reader = Reader(limits=Limits(max_depth=3))
    # Nested maps are keys of their parents: each level also needs a value.
    inner = b":1\r\n" * 4 if opener == b"%1\r\n" else b":1\r\n"
    reader.feed(opener * 3 + inner + closer * 3)
    assert reader.gets() is not NEED_DATA
    reader.feed(opener * 4)
    with pytest.raises(ProtocolError, match="max_depth=3"):
        reader.gets()


def test_attributes_count_towards_depth() -> None:
    reader = Reader(limits=Limits(max_depth=2))
    reader.feed(b"*1\r\n|1\r\n*1\r\n")
    with pytest.raises(ProtocolError, match="max_depth"):
        reader.gets()


def test_buffer_limit() -> None:
    reader = Reader(limits=Limits(max_buffer_size=16))
    reader.feed(b"$10\r\n0123")
    assert reader.gets() is NEED_DATA
    with pytest.raises(ProtocolError, match="max_buffer_size"):
        reader.feed(b"456789\r\n+OK")
    with pytest.raises(ProtocolError):
        reader.gets()


def test_buffer_limit_on_first_feed() -> None:
    reader = Reader(limits=Limits(max_buffer_size=4))
    with pytest.raises(ProtocolError, match="max_buffer_size"):
        reader.feed(b"+OK\r\n")


def test_consumed_bytes_do_not_count_towards_the_buffer_limit() -> None:
    reader = Reader(limits=Limits(max_buffer_size=8))
    for _ in range(100):
        reader.feed(b"+OK\r\n")
        assert reader.gets() == b"OK"
