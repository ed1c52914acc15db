"""The error hierarchy of keywire-resp and the mapping of server errors to classes.

Two different things go wrong on a RESP connection, and they are kept apart:

* the bytes are not RESP (:class:`ProtocolError`, raised by a reader; the connection is
  unusable afterwards), and
* the server answered a command with an error (:class:`ReplyError`, *returned* by a reader
  as the value of that reply, because the stream is still in sync and the next reply is
  fine).

Server errors start with an upper-case code word (RESP3 spec, "Simple error": "The first
word in the error is in upper case and describes the error code"); :func:`reply_error_from`
picks the subclass by that word. Cluster redirections carry their target (Redis cluster
specification, "MOVED Redirection" and "ASK redirection"): ``MOVED <slot> <host>:<port>``.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AskError",
    "BusyError",
    "ClusterDownError",
    "CrossSlotError",
    "ExecAbortError",
    "LoadingError",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "ProtocolError",
    "ReadOnlyError",
    "ReplyError",
    "RespError",
    "TryAgainError",
    "WrongPassError",
    "WrongTypeError",
    "reply_error_from",
]


class RespError(Exception):
    """Root of every error defined by keywire-resp."""


class ProtocolError(RespError):
    """The input is not valid RESP, or exceeds a configured :class:`~keywire_resp.Limits`.

    Raised by ``feed()`` / ``gets()``. The reader is poisoned afterwards: every later call
    raises ``ProtocolError`` again, because the position of the next reply is unknown. The
    connection must be closed.
    """


class ReplyError(RespError):
    """An error reply sent by the server (``-`` simple error or ``!`` blob error).

    Readers *return* instances as reply values (also inside arrays, e.g. in an ``EXEC``
    reply); it is the client that decides to raise them.

    Attributes:
        message: the full error text as sent, e.g. ``"WRONGTYPE Operation against a key
            holding the wrong kind of value"``.
        code: the first word of ``message`` (``"WRONGTYPE"``), or ``""`` for an empty
            message.

    Two reply errors are equal when they have the same class and message, so replies that
    contain errors compare like other values.
    """

    message: str
    code: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = message.split(" ", 1)[0]

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReplyError):
            return type(self) is type(other) and self.message == other.message
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self), self.message))


class _RedirectError(ReplyError):
    """A cluster redirection: ``<CODE> <slot> <host>:<port>``.

    ``host`` may be empty (Redis 7+: "the endpoint is unknown, use the one you are connected
    to", see ``cluster-preferred-endpoint-type``) or an IPv6 literal, which itself contains
    colons, so the port is split off at the *last* colon. Square brackets around an IPv6
    host are removed.

    Raises:
        ValueError: the message is not of that form (``reply_error_from`` then falls back to
            a plain :class:`ReplyError`).
    """

    slot: int
    host: str
    port: int

    def __init__(self, message: str) -> None:
        super().__init__(message)
        parts = message.split(" ")
        if len(parts) != 3:
            raise ValueError(f"malformed redirection: {message!r}")
        slot, address = parts[1], parts[2]
        host, sep, port = address.rpartition(":")
        if not (slot.isdigit() and sep and port.isdigit() and slot.isascii() and port.isascii()):
            raise ValueError(f"malformed redirection: {message!r}")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        self.slot = int(slot)
        self.host = host
        self.port = int(port)


class MovedError(_RedirectError):
    """``MOVED <slot> <host>:<port>``: the slot is served by another node; update the map.

    Attributes ``slot`` (int), ``host`` (str, possibly empty or IPv6) and ``port`` (int).
    """


class AskError(_RedirectError):
    """``ASK <slot> <host>:<port>``: send ``ASKING`` then retry once on that node.

    Attributes ``slot`` (int), ``host`` (str, possibly empty or IPv6) and ``port`` (int).
    """


class TryAgainError(ReplyError):
    """``TRYAGAIN``: a multi-key command hit a slot being migrated; retry after a pause."""


class ClusterDownError(ReplyError):
    """``CLUSTERDOWN``: the cluster cannot serve the slot right now."""


class CrossSlotError(ReplyError):
    """``CROSSSLOT``: the keys of a command hash to different slots."""


class WrongTypeError(ReplyError):
    """``WRONGTYPE``: the key holds a value of another type."""


class NoScriptError(ReplyError):
    """``NOSCRIPT``: no script with that SHA1 is cached (``EVALSHA``); send it with EVAL."""


class NoAuthError(ReplyError):
    """``NOAUTH``: authentication is required."""


class WrongPassError(ReplyError):
    """``WRONGPASS``: invalid username/password pair, or the user is disabled."""


class ReadOnlyError(ReplyError):
    """``READONLY``: a write was sent to a read-only replica."""


class LoadingError(ReplyError):
    """``LOADING``: the server is loading its dataset in memory."""


class BusyError(ReplyError):
    """``BUSY``: a script or function is running (only the exact code ``BUSY``).

    ``BUSYGROUP`` and ``BUSYKEY`` are different codes and map to plain :class:`ReplyError`.
    """


class ExecAbortError(ReplyError):
    """``EXECABORT``: ``EXEC`` discarded a transaction because of earlier errors."""


class NoPermError(ReplyError):
    """``NOPERM``: the ACL user may not run this command or touch this key or channel."""


_BY_CODE: Final[dict[str, type[ReplyError]]] = {
    "MOVED": MovedError,
    "ASK": AskError,
    "TRYAGAIN": TryAgainError,
    "CLUSTERDOWN": ClusterDownError,
    "CROSSSLOT": CrossSlotError,
    "WRONGTYPE": WrongTypeError,
    "NOSCRIPT": NoScriptError,
    "NOAUTH": NoAuthError,
    "WRONGPASS": WrongPassError,
    "READONLY": ReadOnlyError,
    "LOADING": LoadingError,
    "BUSY": BusyError,
    "EXECABORT": ExecAbortError,
    "NOPERM": NoPermError,
}


def reply_error_from(message: str) -> ReplyError:
    """Build the :class:`ReplyError` subclass that matches the code word of ``message``.

    The code is the text before the first space and must match exactly (``BUSYGROUP`` is
    not ``BUSY``). Unknown codes, and ``MOVED`` / ``ASK`` messages whose slot or address
    cannot be parsed, give a plain :class:`ReplyError`.

    Args:
        message: the error text without the leading ``-`` and the trailing CRLF.

    Returns:
        A new error instance (never raised here).
    """
    cls = _BY_CODE.get(message.split(" ", 1)[0], ReplyError)
    try:
        return cls(message)
    except ValueError:
        return ReplyError(message)
