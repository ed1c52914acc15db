"""Hostile and random input: the only outcomes are replies, NEED_DATA or ProtocolError.

Time is bounded by hypothesis settings and input sizes (no wall-clock assertions); memory
by tracemalloc peaks far below what the input declares.
"""

from __future__ import annotations

import random
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keywire_resp import NEED_DATA, Limits, ProtocolError, Reader

from .resp_values import canon, chunked, encode, feed_in_chunks, split_points, trees

# RESP-looking fragments reach deeper parser states than uniform random bytes.
_TOKENS = [
    b"*", b"$", b"%", b"~", b">", b"|", b":", b"+", b"-", b"_", b"#", b",", b"(", b"=",
    b"!", b".", b";", b"?", b"\r\n", b"\r", b"\n", b"0", b"1", b"2", b"3", b"-1", b"t",
    b"f", b"x", b"txt:", b"inf", b"nan", b"1.5", b"e", b"\x00", b"\xff", b"OK",
]  # fmt: skip
token_soup = st.lists(st.sampled_from(_TOKENS), max_size=60).map(b"".join)
MiB = 1024 * 1024


def outcomes(data: bytes, cuts: list[int]) -> tuple[list[Any], str | None]:
    """Replies (canonical) and the error, for ``data`` fed in the given pieces."""
    replies, error = feed_in_chunks(Reader(), chunked(data, cuts))
    return [canon(reply) for reply in replies], error


def assert_split_independent(data: bytes, cuts: list[int]) -> None:
    """Whole, byte by byte and in random pieces: the same replies and the same error."""
    whole = outcomes(data, [])
    assert outcomes(data, cuts) == whole
    assert outcomes(data, list(range(len(data)))) == whole


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200), cuts=split_points(200))
def test_random_bytes(data: bytes, cuts: list[int]) -> None:
    assert_split_independent(data, cuts)


@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(data=token_soup, cuts=split_points(200))
def test_token_soup(data: bytes, cuts: list[int]) -> None:
    assert_split_independent(data, cuts)


_mutation = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]),
    st.integers(0, 10_000),
    st.sampled_from(_TOKENS),
)


def mutate(data: bytes, mutations: list[tuple[str, int, bytes]]) -> bytes:
    """Apply byte-level mutations (positions wrap around the current length)."""
    buf = bytearray(data)
    for op, position, token in mutations:
        at = position % (len(buf) + 1)
        if op == "flip" and at < len(buf):
            buf[at] ^= 1 << (position % 8)
        elif op == "insert":
            buf[at:at] = token
        elif op == "delete":
            del buf[at : at + 1 + position % 3]
        elif op == "truncate":
            del buf[at:]
        elif op == "duplicate":
            buf[at:at] = buf[at : at + 1 + position % 7]
    return bytes(buf)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=trees(max_leaves=12), mutations=st.lists(_mutation, min_size=1, max_size=4), data=st.data()
)
def test_mutated_messages(
    tree: Any, mutations: list[tuple[str, int, bytes]], data: st.DataObject
) -> None:
    wire = mutate(encode(tree), mutations)
    assert_split_independent(wire, data.draw(split_points(len(wire))))


@settings(max_examples=200)
@given(data=token_soup)
def test_random_input_with_decoding(data: bytes) -> None:
    """With a strict codec, UnicodeDecodeError is allowed too, and leaves the reader usable."""
    reader = Reader(encoding="utf-8")
    reader.feed(data)
    for _ in range(len(data) + 1):
        try:
            if reader.gets() is NEED_DATA:
                return
        except UnicodeDecodeError:
            continue
        except ProtocolError:
            return
    raise AssertionError("more replies than input bytes")  # pragma: no cover


# -- declared sizes are never allocated ------------------------------------------------------


def peak_allocation(data: bytes, limits: Limits | None = None) -> tuple[int, str | None]:
    """Feed ``data`` and drain; return the tracemalloc peak and the error, if any."""
    reader = Reader(limits=limits)
    tracemalloc.start()
    try:
        _, error = feed_in_chunks(reader, [data])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, error


@pytest.mark.parametrize(
    "header",
    [
        b"$1099511627776\r\n",
        b"=1099511627776\r\n",
        b"!1099511627776\r\n",
        b"$?\r\n;1099511627776\r\n",
    ],
)
def test_huge_blob_length_fails_at_once(header: bytes) -> None:
    peak, error = peak_allocation(header)
    assert error == "ProtocolError"
    assert peak < MiB


def test_huge_length_is_rejected_before_any_payload() -> None:
    reader = Reader()
    reader.feed(b"$1099511627776\r\n")
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        reader.gets()


@pytest.mark.parametrize("kind", [b"*", b"%", b"~", b">"])
def test_huge_aggregate_is_not_preallocated(kind: bytes) -> None:
    peak, error = peak_allocation(kind + b"1000000000\r\n" + b":1\r\n" * 1000)
    assert error is None
    assert peak < MiB


def test_aggregate_over_the_limit_fails_at_once() -> None:
    peak, error = peak_allocation(b"*99999999999999\r\n")
    assert error == "ProtocolError"
    assert peak < MiB


@pytest.mark.parametrize(
    "opener", [b"*1\r\n", b"%1\r\n", b"~1\r\n", b">1\r\n", b"|1\r\n", b"*?\r\n"]
)
def test_endless_nesting_fails_without_recursion(opener: bytes) -> None:
    peak, error = peak_allocation(opener * 1_000_000)
    assert error == "ProtocolError"  # max_depth, not RecursionError
    assert peak < 2 * MiB


def test_deep_nesting_within_the_limit_is_fine() -> None:
    depth = Limits().max_depth
    reader = Reader()
    reader.feed(b"*1\r\n" * depth + b":7\r\n")
    value = reader.gets()
    for _ in range(depth):
        assert isinstance(value, list)
        value = value[0]
    assert value == 7


def test_line_without_end_is_bounded_by_the_buffer_limit() -> None:
    reader = Reader(limits=Limits(max_buffer_size=MiB))
    reader.feed(b"+")
    chunk = b"a" * 65536
    for _ in range(15):  # 1 + 15 * 64 KiB bytes buffered: under 1 MiB
        reader.feed(chunk)
        assert reader.gets() is NEED_DATA
    with pytest.raises(ProtocolError, match="max_buffer_size"):
        reader.feed(chunk)


@pytest.mark.parametrize("seed", range(4))
def test_one_mebibyte_of_random_bytes(seed: int) -> None:
    data = random.Random(seed).randbytes(MiB)
    replies, error = feed_in_chunks(Reader(), chunked(data, list(range(0, MiB, 65536))))
    # Random bytes practically never form valid RESP for long: expect an error, and at
    # most the few replies that happened to parse before it.
    assert error == "ProtocolError" or replies


@pytest.mark.parametrize("seed", range(4))
def test_one_mebibyte_of_token_soup(seed: int) -> None:
    rng = random.Random(seed)
    data = b"".join(rng.choice(_TOKENS) for _ in range(400_000))[:MiB]
    replies, error = feed_in_chunks(Reader(), chunked(data, list(range(0, len(data), 65536))))
    assert error == "ProtocolError" or replies
