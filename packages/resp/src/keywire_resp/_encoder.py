"""Command encoding: a command is a RESP array of blob strings.

"Clients send commands to a Redis server as an array of bulk strings" (Redis protocol
specification, "Sending commands to a Redis server"); RESP3 keeps that for requests (RESP3
spec, "RESP3 overview": the client only needs to send arrays). So encoding is
``*<argc>\\r\\n`` followed by ``$<len>\\r\\n<bytes>\\r\\n`` per argument.

Arguments are converted without guessing:

* ``bytes`` / ``bytearray`` / ``memoryview``: sent as they are (a memoryview by its raw
  bytes, ``nbytes`` long, whatever its item format);
* ``str``: UTF-8;
* ``int``: its decimal form (``str(arg)``);
* ``float``: ``repr(arg)``, the shortest text that reads back as the same float
  (``1e+20``, ``inf``, ``-inf`` are all accepted by the server); NaN raises ``ValueError``
  because no Redis command accepts it as a number;
* ``bool`` and ``None`` raise ``TypeError``: ``True`` could mean ``1``, ``"1"`` or
  ``"true"``, and ``None`` could mean an empty string or "leave the argument out"; the
  caller has to say which.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["CommandArg", "pack_command", "pack_commands"]

_SMALL = 6  # up to this many arguments, build the command by concatenation

CommandArg: TypeAlias = bytes | bytearray | memoryview | str | int | float
"""What :func:`pack_command` accepts as one argument."""


def _encode_arg(args: tuple[object, ...], arg: object) -> bytes | bytearray | memoryview:
    """Convert an argument that is not ``bytes`` or ``str`` (the slow path)."""
    if isinstance(arg, str):
        return arg.encode()
    if isinstance(arg, bool) or arg is None:
        raise TypeError(
            f"argument {_position(args, arg)} is {arg!r}: {type(arg).__name__} is ambiguous in "
            "a command; pass bytes, str, int or float"
        )
    if isinstance(arg, int):
        return b"%d" % arg
    if isinstance(arg, float):
        if math.isnan(arg):
            raise ValueError(f"argument {_position(args, arg)} is NaN, which Redis does not accept")
        return repr(float(arg)).encode()
    if isinstance(arg, bytes | bytearray):
        return arg
    if isinstance(arg, memoryview):
        # Sent as raw bytes: one byte per unit of len() whatever the item format.
        return arg.cast("B") if arg.c_contiguous else arg.tobytes()
    raise TypeError(
        f"argument {_position(args, arg)} has unsupported type {type(arg).__name__}; "
        "expected bytes, bytearray, memoryview, str, int or float"
    )


def _position(args: tuple[object, ...], arg: object) -> int:
    """The index of ``arg`` in ``args``, for error messages (never shows the value)."""
    return next(index for index, candidate in enumerate(args) if candidate is arg)


def pack_command(*args: CommandArg) -> bytes:
    """Encode one command (name and arguments) as a RESP array of blob strings.

    Example: ``pack_command("SET", "key", 1)`` ->
    ``b"*3\\r\\n$3\\r\\nSET\\r\\n$3\\r\\nkey\\r\\n$1\\r\\n1\\r\\n"``.

    Args:
        args: the command name then its arguments; see the module docstring for how each
            type is converted.

    Returns:
        The bytes to write to the connection.

    Raises:
        TypeError: an argument is ``bool``, ``None`` or of an unsupported type (the message
            names the argument by position, never by value).
        ValueError: no arguments (the server would silently ignore ``*0``, leaving the
            client waiting for a reply), or a float argument is NaN.
    """
    if not args:
        raise ValueError("pack_command() needs at least the command name")
    data: bytes | bytearray | memoryview
    if len(args) <= _SMALL:
        # Few arguments: growing one bytes object is cheaper than a list and a join.
        out = b"*%d\r\n" % len(args)
        for arg in args:
            if type(arg) is str:
                data = arg.encode()
            elif type(arg) is bytes:
                data = arg
            else:
                data = _encode_arg(args, arg)
            # %b takes any buffer at run time; typeshed says bytes only.
            out += b"$%d\r\n%b\r\n" % (len(data), data)  # type: ignore[str-format]
        return out
    parts = [b"*%d\r\n" % len(args)]
    append = parts.append
    for arg in args:
        if type(arg) is str:
            data = arg.encode()
        elif type(arg) is bytes:
            data = arg
        else:
            data = _encode_arg(args, arg)
        append(b"$%d\r\n%b\r\n" % (len(data), data))  # type: ignore[str-format]  # as above
    return b"".join(parts)


def pack_commands(commands: Iterable[Sequence[CommandArg]]) -> bytes:
    """Encode several commands back to back, for a pipeline.

    Args:
        commands: each item is the argument sequence of one :func:`pack_command` call.

    Returns:
        The concatenation of the encoded commands.

    Raises:
        TypeError, ValueError: as :func:`pack_command`.
    """
    return b"".join([pack_command(*command) for command in commands])
