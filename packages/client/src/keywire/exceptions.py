"""The keywire error hierarchy.

Every error keywire raises is a :class:`RedisError`::

    Exception
     +-- RedisError
          +-- ConnectionError              the connection failed or was lost (has .address)
          |    +-- AuthenticationError     the server refused the credentials
          +-- TimeoutError                 also a builtins.TimeoutError (has .address)
          |    +-- ConnectTimeoutError     TCP / TLS connect plus handshake took too long
          |    +-- ReadTimeoutError        no reply byte for read_timeout seconds
          |    +-- WriteTimeoutError       the transport could not take writes for write_timeout
          |    +-- PoolTimeoutError        no dedicated connection free within pool_timeout
          +-- ProtocolError                the server sent bytes that are not RESP
          |    +-- ReplyTooLargeError      a reply exceeded the configured Limits
          +-- ResponseError                an error reply (also a keywire_resp.ReplyError)
          |    +-- WrongTypeError, NoScriptError, ... (also the matching keywire_resp class)
          +-- WatchError                   EXEC aborted because a WATCHed key changed
          +-- ClientClosedError            the client (or pipeline) was closed
          +-- InvalidURLError              also a ValueError: a malformed redis:// URL

Server error replies. keywire_resp returns an error reply as a ``keywire_resp.ReplyError`` value
(with subclasses by error code). keywire raises, in its place, an instance of a class that
subclasses *both* :class:`ResponseError` and the keywire_resp class of the reply, carrying the same
attributes (``code``, ``message``, and ``slot`` / ``host`` / ``port`` for MOVED and ASK). So
``except keywire.ResponseError``, ``except keywire.WrongTypeError`` and
``except keywire_resp.WrongTypeError`` all catch a WRONGTYPE reply. Error replies inside pipeline
or transaction results (with ``raise_on_error=False``) are converted the same way.

Credentials never appear in messages: connection errors carry the address only.
"""

from __future__ import annotations

import builtins
from typing import Any, Final

import keywire_resp

__all__ = [
    "AskError",
    "AuthenticationError",
    "BusyError",
    "ClientClosedError",
    "ClusterDownError",
    "ConnectTimeoutError",
    "ConnectionError",
    "CrossSlotError",
    "ExecAbortError",
    "InvalidURLError",
    "LoadingError",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "PoolTimeoutError",
    "ProtocolError",
    "ReadOnlyError",
    "ReadTimeoutError",
    "RedisError",
    "ReplyTooLargeError",
    "ResponseError",
    "TimeoutError",
    "TryAgainError",
    "WatchError",
    "WriteTimeoutError",
    "WrongPassError",
    "WrongTypeError",
    "from_reply_error",
]


class RedisError(Exception):
    """Root of every error raised by keywire."""


class ConnectionError(RedisError):
    """A connection could not be established, or was lost.

    Attributes:
        address: ``host:port`` or ``unix:/path`` of the server (never credentials).
    """

    def __init__(self, message: str, *, address: str | None = None) -> None:
        super().__init__(f"{message} ({address})" if address else message)
        self.address = address


class AuthenticationError(ConnectionError):
    """The server refused the username / password given in the handshake."""


class TimeoutError(RedisError, builtins.TimeoutError):
    """An operation took longer than its configured timeout.

    Also an instance of the builtin :class:`TimeoutError`, so ``except TimeoutError`` and
    ``asyncio.timeout`` users catch it.

    Attributes:
        address: The server the operation was talking to, when known.
    """

    def __init__(self, message: str, *, address: str | None = None) -> None:
        super().__init__(f"{message} ({address})" if address else message)
        self.address = address


class ConnectTimeoutError(TimeoutError):
    """Connecting (TCP / TLS / Unix socket) plus the handshake took longer than connect_timeout."""


class ReadTimeoutError(TimeoutError):
    """An awaited reply made no progress for read_timeout seconds; the connection is dropped."""


class WriteTimeoutError(TimeoutError):
    """The connection could not accept writes for write_timeout seconds; it is dropped."""


class PoolTimeoutError(TimeoutError):
    """No dedicated connection became free within pool_timeout seconds."""


class ProtocolError(RedisError):
    """The server sent bytes that are not valid RESP; the connection is dropped."""


class ReplyTooLargeError(ProtocolError):
    """A reply exceeded the reader's :class:`keywire_resp.Limits`; the connection is dropped."""


class ResponseError(RedisError, keywire_resp.ReplyError):
    """An error reply from the server (``-ERR ...``), raised for the command that caused it.

    Also an instance of :class:`keywire_resp.ReplyError`, with its attributes (``code``,
    ``message``). The connection stays usable.
    """


class WatchError(RedisError):
    """A transaction was aborted (EXEC returned null) because a WATCHed key changed."""


class ClientClosedError(RedisError):
    """The client, pool or pipeline was closed and cannot run commands any more."""


class InvalidURLError(RedisError, ValueError):
    """A connection URL is malformed. The message never contains the password."""


class MovedError(ResponseError, keywire_resp.MovedError):
    """``MOVED slot host:port`` (cluster): the key's slot lives on another node."""


class AskError(ResponseError, keywire_resp.AskError):
    """``ASK slot host:port`` (cluster): the slot is migrating; ask the target once."""


class TryAgainError(ResponseError, keywire_resp.TryAgainError):
    """``TRYAGAIN`` (cluster): a multi-key command during resharding; retry later."""


class ClusterDownError(ResponseError, keywire_resp.ClusterDownError):
    """``CLUSTERDOWN``: the cluster cannot serve the request."""


class CrossSlotError(ResponseError, keywire_resp.CrossSlotError):
    """``CROSSSLOT``: the keys of a command hash to different slots."""


class WrongTypeError(ResponseError, keywire_resp.WrongTypeError):
    """``WRONGTYPE``: the operation does not apply to the type of value stored at the key."""


class NoScriptError(ResponseError, keywire_resp.NoScriptError):
    """``NOSCRIPT``: EVALSHA of a script the server does not know."""


class NoAuthError(ResponseError, keywire_resp.NoAuthError):
    """``NOAUTH``: the server requires authentication."""


class WrongPassError(ResponseError, keywire_resp.WrongPassError):
    """``WRONGPASS``: invalid username / password pair."""


class ReadOnlyError(ResponseError, keywire_resp.ReadOnlyError):
    """``READONLY``: a write sent to a read-only replica."""


class LoadingError(ResponseError, keywire_resp.LoadingError):
    """``LOADING``: the server is loading its dataset in memory."""


class BusyError(ResponseError, keywire_resp.BusyError):
    """``BUSY``: a script or function is running too long."""


class ExecAbortError(ResponseError, keywire_resp.ExecAbortError):
    """``EXECABORT``: a transaction was discarded because of earlier errors."""


class NoPermError(ResponseError, keywire_resp.NoPermError):
    """``NOPERM``: the ACL user may not run this command or touch this key."""


_BY_REPLY_CLASS: Final[dict[type[keywire_resp.ReplyError], type[ResponseError]]] = {
    keywire_resp.ReplyError: ResponseError,
    keywire_resp.MovedError: MovedError,
    keywire_resp.AskError: AskError,
    keywire_resp.TryAgainError: TryAgainError,
    keywire_resp.ClusterDownError: ClusterDownError,
    keywire_resp.CrossSlotError: CrossSlotError,
    keywire_resp.WrongTypeError: WrongTypeError,
    keywire_resp.NoScriptError: NoScriptError,
    keywire_resp.NoAuthError: NoAuthError,
    keywire_resp.WrongPassError: WrongPassError,
    keywire_resp.ReadOnlyError: ReadOnlyError,
    keywire_resp.LoadingError: LoadingError,
    keywire_resp.BusyError: BusyError,
    keywire_resp.ExecAbortError: ExecAbortError,
    keywire_resp.NoPermError: NoPermError,
}


def _class_for(reply_class: type[keywire_resp.ReplyError]) -> type[ResponseError]:
    known = _BY_REPLY_CLASS.get(reply_class)
    if known is not None:
        return known
    # A ReplyError subclass this version does not name: derive one that is both, once.
    created = type(reply_class.__name__, (ResponseError, reply_class), {"__module__": __name__})
    _BY_REPLY_CLASS[reply_class] = created
    return created


def _copy_state(source: BaseException, target: BaseException) -> None:
    target.args = source.args
    state: dict[str, Any] | None = getattr(source, "__dict__", None)
    if state:
        target.__dict__.update(state)
    for klass in type(source).__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if slot in ("__dict__", "__weakref__") or not hasattr(source, slot):
                continue
            setattr(target, slot, getattr(source, slot))


def from_reply_error(error: keywire_resp.ReplyError) -> ResponseError:
    """Return the :class:`ResponseError` to raise for an error reply returned by the reader.

    The result is an instance of both :class:`ResponseError` (or its matching subclass) and
    ``type(error)``, with the same ``args`` and attributes. An error that already is a
    :class:`ResponseError` is returned as it is.
    """
    if isinstance(error, ResponseError):
        return error
    klass = _class_for(type(error))
    converted: ResponseError = klass.__new__(klass)
    _copy_state(error, converted)
    return converted
