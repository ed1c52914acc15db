"""Serializers: round trips, errors, selection by name."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from keywire_cache import (
    JsonSerializer,
    MsgpackSerializer,
    NoopSerializer,
    PickleSerializer,
    SerializationError,
    Serializer,
    SerializerUnavailableError,
    get_serializer,
)

PORTABLE: list[Any] = [None, True, 0, -5, 1.5, "text é", [1, "a", None], {"k": [1, {"n": 2}]}]


@pytest.mark.parametrize("value", [*PORTABLE, b"bytes", (1, 2), {1, 2}, {b"k": (b"v",)}])
def test_pickle_round_trip(value: Any) -> None:
    serializer = PickleSerializer()
    assert serializer.deserialize(serializer.serialize(value)) == value


@pytest.mark.parametrize("value", PORTABLE)
def test_json_round_trip(value: Any) -> None:
    serializer = JsonSerializer()
    assert serializer.deserialize(serializer.serialize(value)) == value


def test_json_is_compact_utf8() -> None:
    assert JsonSerializer().serialize({"a": [1, "é"]}) == '{"a":[1,"é"]}'.encode()


def test_noop() -> None:
    serializer = NoopSerializer()
    assert serializer.serialize(b"x") == b"x"
    assert serializer.serialize(bytearray(b"x")) == b"x"
    assert serializer.serialize(memoryview(b"x")) == b"x"
    assert serializer.deserialize(b"x") == b"x"
    with pytest.raises(SerializationError, match="bytes only"):
        serializer.serialize("text")


@pytest.mark.parametrize(
    ("serializer", "bad_value", "bad_data"),
    [
        (PickleSerializer(), lambda: None, b"not a pickle"),
        (JsonSerializer(), object(), b"\xff{"),
        (JsonSerializer(), {1j}, b"{"),
    ],
)
def test_errors_are_serialization_errors(
    serializer: Serializer, bad_value: Any, bad_data: bytes
) -> None:
    with pytest.raises(SerializationError):
        serializer.serialize(bad_value)
    with pytest.raises(SerializationError):
        serializer.deserialize(bad_data)


def test_serialization_error_is_a_value_error() -> None:
    assert issubclass(SerializationError, ValueError)


def test_msgpack_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "msgpack", None)
    with pytest.raises(SerializerUnavailableError, match=r"keywire-cache\[msgpack\]"):
        MsgpackSerializer()
    with pytest.raises(SerializerUnavailableError):
        get_serializer("msgpack")


def test_msgpack_round_trip() -> None:
    pytest.importorskip("msgpack")
    serializer = MsgpackSerializer()
    for value in [*PORTABLE, b"bytes"]:
        assert serializer.deserialize(serializer.serialize(value)) == value
    with pytest.raises(SerializationError):
        serializer.serialize(object())
    with pytest.raises(SerializationError):
        serializer.deserialize(b"\xc1")


class _FakeMsgpack:
    """Stands in for msgpack where it is not installed: the wrapper's code paths still run."""

    @staticmethod
    def packb(value: Any, use_bin_type: bool) -> bytes:
        if value is None:
            raise TypeError("cannot pack")
        return repr(value).encode()

    @staticmethod
    def unpackb(data: bytes, raw: bool) -> Any:
        if data == b"bad":
            raise ValueError("bad data")
        return data.decode()


def test_msgpack_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "msgpack", _FakeMsgpack)
    serializer = MsgpackSerializer()
    assert serializer.serialize(1) == b"1"
    assert serializer.deserialize(b"x") == "x"
    with pytest.raises(SerializationError):
        serializer.serialize(None)
    with pytest.raises(SerializationError):
        serializer.deserialize(b"bad")


def test_get_serializer() -> None:
    assert isinstance(get_serializer("pickle"), PickleSerializer)
    assert isinstance(get_serializer("json"), JsonSerializer)
    assert isinstance(get_serializer("noop"), NoopSerializer)
    instance = JsonSerializer()
    assert get_serializer(instance) is instance
    with pytest.raises(ValueError, match="unknown serializer 'yaml'"):
        get_serializer("yaml")
    assert repr(instance) == "JsonSerializer()"
