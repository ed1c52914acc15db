"""pack_command / pack_commands: the request encoding."""

from __future__ import annotations

import array
import enum
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywire_resp import NEED_DATA, Reader, pack_command, pack_commands


def parse(data: bytes) -> list[Any]:
    reader = Reader()
    reader.feed(data)
    replies = []
    while (reply := reader.gets()) is not NEED_DATA:
        replies.append(reply)
    return replies


def test_vector() -> None:
    assert pack_command("SET", "key", b"value") == (
        b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"
    )


@pytest.mark.parametrize(
    ("arg", "encoded"),
    [
        (b"", b""),
        (b"a\r\nb", b"a\r\nb"),
        ("", b""),
        ("caf\u00e9", b"caf\xc3\xa9"),
        (0, b"0"),
        (-17, b"-17"),
        (2**70, b"1180591620717411303424"),
        (1.5, b"1.5"),
        (0.1, b"0.1"),
        (1e20, b"1e+20"),
        (-0.0, b"-0.0"),
        (math.inf, b"inf"),
        (-math.inf, b"-inf"),
        (bytearray(b"ba"), b"ba"),
        (memoryview(b"mv"), b"mv"),
        (memoryview(b"abcdef")[1:3], b"bc"),
        (memoryview(b"abcdef")[::2], b"ace"),  # not contiguous
    ],
)
def test_argument_types(arg: Any, encoded: bytes) -> None:
    assert pack_command("X", arg) == b"*2\r\n$1\r\nX\r\n$%d\r\n%b\r\n" % (len(encoded), encoded)


def test_memoryview_of_wider_items_is_sent_as_raw_bytes() -> None:
    data = array.array("i", [1, 2, 3])
    packed = pack_command(memoryview(data))
    assert packed == b"*1\r\n$%d\r\n%b\r\n" % (len(data.tobytes()), data.tobytes())


class Color(enum.Enum):
    RED = 1


class Level(enum.IntEnum):
    HIGH = 3


class Name(enum.StrEnum):
    ALICE = "alice"


def test_int_and_str_subclasses() -> None:
    assert pack_command(Level.HIGH, Name.ALICE) == b"*2\r\n$1\r\n3\r\n$5\r\nalice\r\n"


@pytest.mark.parametrize("bad", [True, False, None, Color.RED, object(), [b"a"], {"a": 1}])
def test_bad_types_name_the_argument(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"argument 2 "):
        pack_command("SET", "k", bad)


def test_bool_message_explains_the_ambiguity() -> None:
    with pytest.raises(TypeError, match="ambiguous"):
        pack_command("SET", "k", True)


def test_nan_is_rejected() -> None:
    with pytest.raises(ValueError, match="NaN"):
        pack_command("ZADD", "z", math.nan, "m")


def test_empty_command_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least the command name"):
        pack_command()


def test_pack_commands_is_the_concatenation() -> None:
    commands = [("SET", "a", 1), ["GET", "a"], (b"PING",)]
    assert pack_commands(commands) == b"".join(pack_command(*c) for c in commands)
    assert pack_commands([]) == b""
    assert pack_commands(iter([("PING",)])) == pack_command("PING")


def test_pack_commands_reports_bad_arguments() -> None:
    missing: Any = None
    with pytest.raises(TypeError, match="argument 1"):
        pack_commands([("GET", "a"), ("GET", missing)])


def expected_bytes(arg: Any) -> bytes:
    """What each argument type becomes on the wire."""
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, str):
        return arg.encode()
    if isinstance(arg, int):
        return str(arg).encode()
    return repr(arg).encode()


arguments = st.one_of(
    st.binary(max_size=30),
    st.text(max_size=10),
    st.integers(),
    st.floats(allow_nan=False),
)


@given(st.lists(arguments, min_size=1, max_size=10))
def test_roundtrip_through_the_reader(args: list[Any]) -> None:
    assert parse(pack_command(*args)) == [[expected_bytes(arg) for arg in args]]


@given(st.lists(st.lists(arguments, min_size=1, max_size=4), max_size=5))
def test_pipeline_roundtrip(commands: list[list[Any]]) -> None:
    parsed = parse(pack_commands(commands))
    assert parsed == [[expected_bytes(arg) for arg in command] for command in commands]


@given(st.floats(allow_nan=False))
def test_floats_read_back_exactly(value: float) -> None:
    (reply,) = parse(pack_command(value))
    assert float(reply[0]) == value
