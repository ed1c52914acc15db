"""The reader's building blocks: scalar parsers and the blob-run fast path."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywire_resp import ProtocolError
from keywire_resp._values import (
    blob_run,
    check_line,
    parse_big_number,
    parse_double,
    parse_length,
    parse_number,
)


@pytest.mark.parametrize(
    ("line", "value"),
    [(b"0", 0), (b"-0", 0), (b"007", 7), (b"-9223372036854775808", -(2**63))],
)
def test_parse_number(line: bytes, value: int) -> None:
    assert parse_number(line) == value


@pytest.mark.parametrize(
    ("line", "value"),
    [
        (b"1.5", 1.5),
        (b"-2", -2.0),
        (b"1e3", 1000.0),
        (b"1.5E-3", 0.0015),
        (b"Inf", math.inf),
        (b"-INF", -math.inf),
    ],
)
def test_parse_double(line: bytes, value: float) -> None:
    assert parse_double(line) == value


@pytest.mark.parametrize("line", [b"nan", b"-nan", b"NaN", b"nan(abc_1)"])
def test_parse_double_nan(line: bytes) -> None:
    assert math.isnan(parse_double(line))


@pytest.mark.parametrize("line", [b"infinity", b"nan(", b"1e+", b"--1", b"0x10", b" 1", b"1 "])
def test_parse_double_rejects(line: bytes) -> None:
    with pytest.raises(ProtocolError, match="invalid double"):
        parse_double(line)


def test_parse_big_number_too_long() -> None:
    with pytest.raises(ProtocolError, match="big number too long"):
        parse_big_number(b"1" * 100_000)


def test_parse_length() -> None:
    assert parse_length(b"10", "length", 10) == 10
    with pytest.raises(ProtocolError, match="exceeds the limit of 9"):
        parse_length(b"10", "length", 9)
    with pytest.raises(ProtocolError, match="invalid length"):
        parse_length(b"-1", "length", 9)


def test_check_line() -> None:
    assert check_line(b"OK", "simple string") == b"OK"
    with pytest.raises(ProtocolError):
        check_line(b"a\nb", "simple string")


def blobs(values: list[bytes]) -> bytes:
    return b"".join(b"$%d\r\n%b\r\n" % (len(value), value) for value in values)


def test_blob_run_reads_a_run() -> None:
    wire = b"junk" + blobs([b"a", b"", b"ccc"]) + b":1\r\n"
    assert blob_run(wire, 4, 3, 8, 100) == ([b"a", b"", b"ccc"], len(wire) - 4)


@pytest.mark.parametrize(
    "stopper",
    [b"$-1\r\n", b"$01\r\nx\r\n", b"$4\r\na\r\nb\r\n", b":1\r\n", b"$?\r\n", b"$1\r\nxy\r\n"],
)
def test_blob_run_stops_before_anything_unusual(stopper: bytes) -> None:
    wire = blobs([b"a", b"b"]) + stopper + blobs([b"c"])
    assert blob_run(wire, 0, 4, 8, 100) == ([b"a", b"b"], len(blobs([b"a", b"b"])))


def test_blob_run_respects_the_bulk_limit() -> None:
    assert blob_run(blobs([b"a", b"toolong"]), 0, 2, 8, 3) == ([], 0)


def test_blob_run_only_takes_complete_values() -> None:
    wire = blobs([b"a", b"b"])
    assert blob_run(wire[:-1], 0, 2, 8, 100) == ([b"a"], len(blobs([b"a"])))
    assert blob_run(wire[:3], 0, 2, 8, 100) == ([], 0)


@given(
    values=st.lists(st.binary(max_size=8), min_size=1, max_size=30),
    tail=st.one_of(st.binary(max_size=10), st.just(b"$0\r\n\r\n")),
    count=st.integers(1, 40),
    estimate=st.integers(1, 20),
)
def test_blob_run_agrees_with_the_true_parse(
    values: list[bytes], tail: bytes, count: int, estimate: int
) -> None:
    """Whatever it accepts is a prefix of the true values, ending where they end."""
    wire = blobs(values) + tail
    got, end = blob_run(wire, 0, min(count, len(values)), estimate, 100)
    assert got == values[: len(got)]
    assert end == len(blobs(got))
