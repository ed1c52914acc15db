"""A tiny blocking RESP2 client for the harness's own admin commands.

The harness must not import any other keywire package (DESIGN.md section 7: the conformance
package talks to servers only through adapters), so it carries this small client of its own. It
is not a general client: it speaks RESP2 only, one command at a time, and every socket operation
has a timeout.
"""

from __future__ import annotations

import contextlib
import socket
from typing import TypeAlias

from ._errors import AdminConnectionError, AdminError

__all__ = [
    "AdminClient",
    "Arg",
    "Reply",
    "as_int",
    "as_text",
    "encode_command",
    "parse_info",
    "parse_reply",
]

Reply: TypeAlias = "str | bytes | int | list[Reply] | AdminError | None"
"""A decoded RESP2 reply: simple string -> ``str``, bulk string -> ``bytes``, integer -> ``int``,
null bulk / null array -> ``None``, array -> ``list``, and an error nested inside an array ->
an :class:`AdminError` value (a top-level error is raised instead)."""

Arg: TypeAlias = "str | bytes | int | float"
"""One command argument; text is sent as UTF-8, numbers in their decimal form."""

_CRLF = b"\r\n"


class _IncompleteError(Exception):
    """The buffer does not hold a whole reply yet."""


def _as_bytes(arg: Arg) -> bytes:
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, str):
        return arg.encode()
    if isinstance(arg, bool):  # a bool is an int; refuse the likely mistake
        raise TypeError("bool is not a valid command argument")
    if isinstance(arg, int | float):
        return repr(arg).encode()
    raise TypeError(f"unsupported command argument type: {type(arg).__name__}")


def encode_command(*args: Arg) -> bytes:
    """Encode a command as a RESP2 array of bulk strings (``*N\\r\\n$len\\r\\n...``).

    Args:
        *args: the command name and its arguments.

    Returns:
        The bytes to send.

    Raises:
        ValueError: when no argument is given.
        TypeError: for an argument that is not str, bytes, int or float.
    """
    if not args:
        raise ValueError("a command needs at least a name")
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = _as_bytes(arg)
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _line(data: bytes, pos: int) -> tuple[bytes, int]:
    end = data.find(_CRLF, pos)
    if end < 0:
        raise _IncompleteError
    return data[pos:end], end + 2


def _parse_at(data: bytes, pos: int) -> tuple[Reply, int]:
    if pos >= len(data):
        raise _IncompleteError
    kind = data[pos : pos + 1]
    line, pos = _line(data, pos + 1)
    if kind == b"+":
        return line.decode("utf-8", "replace"), pos
    if kind == b"-":
        return AdminError(line.decode("utf-8", "replace")), pos
    if kind == b":":
        return int(line), pos
    if kind == b"$":
        length = int(line)
        if length < 0:
            return None, pos
        end = pos + length
        if len(data) < end + 2:
            raise _IncompleteError
        if data[end : end + 2] != _CRLF:
            raise AdminError(f"protocol error: bulk string of {length} bytes not ended by CRLF")
        return data[pos:end], end + 2
    if kind == b"*":
        count = int(line)
        if count < 0:
            return None, pos
        items: list[Reply] = []
        for _ in range(count):
            item, pos = _parse_at(data, pos)
            items.append(item)
        return items, pos
    raise AdminError(f"protocol error: unexpected reply type byte {kind!r}")


def parse_reply(data: bytes) -> tuple[Reply, int] | None:
    """Parse one RESP2 reply from the start of ``data``.

    Args:
        data: bytes received so far.

    Returns:
        ``(reply, consumed)`` for a whole reply, or ``None`` when more bytes are needed. An
        error reply is returned as an :class:`AdminError` value, not raised.

    Raises:
        AdminError: on bytes that are not RESP2.
    """
    try:
        return _parse_at(data, 0)
    except _IncompleteError:
        return None
    except ValueError as exc:  # int() of a malformed length or integer
        raise AdminError(f"protocol error: {exc}") from exc


class AdminClient:
    """A blocking RESP2 connection to one server, for harness admin commands.

    Connects lazily on the first command. Use it as a context manager or call :meth:`close`.

    Args:
        host: server address.
        port: server port.
        timeout: seconds allowed for connecting and for each send / receive.
    """

    def __init__(self, host: str, port: int, *, timeout: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._buffer = b""

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AdminClient({self.host!r}, {self.port})"

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as exc:
                raise AdminConnectionError(
                    f"cannot connect to {self.host}:{self.port}: {exc}"
                ) from exc
            sock.settimeout(self.timeout)
            self._sock = sock
            self._buffer = b""
        return self._sock

    def execute(self, *args: Arg) -> Reply:
        """Send one command and return its decoded reply.

        Args:
            *args: the command name and its arguments.

        Returns:
            The decoded reply (see :data:`Reply`).

        Raises:
            AdminError: when the server answers with an error reply.
            AdminConnectionError: when connecting, sending or receiving fails or times out;
                the connection is closed and the next command reconnects.
        """
        payload = encode_command(*args)
        sock = self._connect()
        try:
            sock.sendall(payload)
            while True:
                parsed = parse_reply(self._buffer)
                if parsed is not None:
                    reply, used = parsed
                    self._buffer = self._buffer[used:]
                    break
                chunk = sock.recv(65536)
                if not chunk:
                    raise AdminConnectionError(f"{self.host}:{self.port} closed the connection")
                self._buffer += chunk
        except AdminConnectionError:
            self.close()
            raise
        except OSError as exc:
            self.close()
            raise AdminConnectionError(f"{self.host}:{self.port}: {exc}") from exc
        if isinstance(reply, AdminError):
            raise reply
        return reply

    def close(self) -> None:
        """Close the connection (idempotent)."""
        sock, self._sock = self._sock, None
        self._buffer = b""
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()


def as_text(reply: Reply) -> str:
    """Return a bulk or simple string reply as text; anything else is an :class:`AdminError`."""
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    if isinstance(reply, str):
        return reply
    raise AdminError(f"expected a string reply, got {reply!r}")


def as_int(reply: Reply) -> int:
    """Return an integer reply; anything else is an :class:`AdminError`."""
    if isinstance(reply, int) and not isinstance(reply, bool):
        return reply
    raise AdminError(f"expected an integer reply, got {reply!r}")


def parse_info(text: str) -> dict[str, str]:
    """Parse an INFO / CLUSTER INFO reply into a ``field -> value`` mapping."""
    fields: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value
    return fields
