"""Serializers: how the application cache turns values into the bytes a backend stores."""

from __future__ import annotations

import importlib
import json
import pickle
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from .._errors import SerializationError, SerializerUnavailableError

__all__ = [
    "JsonSerializer",
    "MsgpackSerializer",
    "NoopSerializer",
    "PickleSerializer",
    "Serializer",
    "get_serializer",
]


class Serializer(ABC):
    """Turns values into bytes and back.

    Subclass it (or pass any object with these two methods) for a format of your own.
    """

    #: The name :func:`get_serializer` knows this serializer by.
    name: ClassVar[str] = ""

    @abstractmethod
    def serialize(self, value: Any) -> bytes:
        """Encode ``value``.

        Raises:
            SerializationError: the value cannot be encoded in this format.
        """

    @abstractmethod
    def deserialize(self, data: bytes) -> Any:
        """Decode bytes made by :meth:`serialize`.

        Raises:
            SerializationError: the bytes are not in this format.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PickleSerializer(Serializer):
    """:mod:`pickle`, the default: any picklable Python value round-trips with its type.

    Only read what your own application wrote: unpickling data from an untrusted writer runs
    arbitrary code. Use :class:`JsonSerializer` when the backend is shared with others.

    Args:
        protocol: the pickle protocol (default: the highest this Python knows).
    """

    name = "pickle"

    def __init__(self, protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
        self.protocol = protocol

    def serialize(self, value: Any) -> bytes:
        """Pickle ``value``."""
        try:
            return pickle.dumps(value, protocol=self.protocol)
        except Exception as exc:
            raise SerializationError(f"cannot pickle {type(value).__name__}: {exc}") from exc

    def deserialize(self, data: bytes) -> Any:
        """Unpickle ``data``."""
        try:
            return pickle.loads(data)
        except Exception as exc:
            raise SerializationError(f"cannot unpickle the stored value: {exc}") from exc


class JsonSerializer(Serializer):
    """JSON (UTF-8): dicts with str keys, lists, str, numbers, bools, None.

    Tuples come back as lists. Portable and safe to read from other writers.
    """

    name = "json"

    def serialize(self, value: Any) -> bytes:
        """Encode ``value`` as compact JSON."""
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        except (TypeError, ValueError) as exc:
            raise SerializationError(f"cannot encode as JSON: {exc}") from exc

    def deserialize(self, data: bytes) -> Any:
        """Decode JSON."""
        try:
            return json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise SerializationError(f"the stored value is not JSON: {exc}") from exc


class MsgpackSerializer(Serializer):
    """MessagePack, through the ``msgpack`` package (``pip install keywire-cache[msgpack]``).

    Compact and portable; bytes stay bytes, tuples come back as lists.

    Raises:
        SerializerUnavailableError: ``msgpack`` is not installed.
    """

    name = "msgpack"

    def __init__(self) -> None:
        try:
            self._msgpack: Any = importlib.import_module("msgpack")
        except ImportError as exc:
            raise SerializerUnavailableError(
                "the msgpack serializer needs the msgpack package:"
                " pip install keywire-cache[msgpack]"
            ) from exc

    def serialize(self, value: Any) -> bytes:
        """Pack ``value``."""
        try:
            data: bytes = self._msgpack.packb(value, use_bin_type=True)
        except Exception as exc:
            raise SerializationError(f"cannot encode as MessagePack: {exc}") from exc
        return data

    def deserialize(self, data: bytes) -> Any:
        """Unpack ``data``."""
        try:
            return self._msgpack.unpackb(data, raw=False)
        except Exception as exc:
            raise SerializationError(f"the stored value is not MessagePack: {exc}") from exc


class NoopSerializer(Serializer):
    """No encoding: values must be bytes (or bytearray / memoryview), and come back as bytes."""

    name = "noop"

    def serialize(self, value: Any) -> bytes:
        """Return ``value`` as bytes."""
        if isinstance(value, bytes):
            return value
        if isinstance(value, (bytearray, memoryview)):
            return bytes(value)
        raise SerializationError(
            f"the noop serializer stores bytes only, got {type(value).__name__}"
        )

    def deserialize(self, data: bytes) -> Any:
        """Return ``data`` as it is."""
        return data


_BY_NAME: dict[str, type[Serializer]] = {
    cls.name: cls for cls in (PickleSerializer, JsonSerializer, MsgpackSerializer, NoopSerializer)
}


def get_serializer(serializer: str | Serializer) -> Serializer:
    """Return a serializer by name, or the instance given.

    Args:
        serializer: ``"pickle"``, ``"json"``, ``"msgpack"``, ``"noop"`` or a
            :class:`Serializer` instance.

    Returns:
        The serializer.

    Raises:
        ValueError: the name is unknown.
        SerializerUnavailableError: the serializer needs a package that is not installed.
    """
    if not isinstance(serializer, str):
        return serializer
    try:
        cls = _BY_NAME[serializer]
    except KeyError:
        known = ", ".join(repr(name) for name in _BY_NAME)
        raise ValueError(f"unknown serializer {serializer!r}; expected one of {known}") from None
    return cls()
