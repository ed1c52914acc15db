"""keywire-resp: the RESP2 / RESP3 protocol of Redis and Valkey, without I/O.

Bytes received from a connection go into a reader with ``feed()``; ``gets()`` returns one
whole reply at a time, or :data:`NEED_DATA` when more bytes are needed. Commands are encoded
with :func:`pack_command`. Nothing here touches a socket, so the same code serves sync and
async clients, tests and tools::

    from keywire_resp import NEED_DATA, Reader, pack_command

    sock.sendall(pack_command("GET", "greeting"))
    reader = Reader()
    while (reply := reader.gets()) is NEED_DATA:
        reader.feed(sock.recv(65536))

Readers: :class:`Reader` (pure Python, the reference, faithful to every RESP3 type) and
:class:`HiredisReader` (hiredis, faster, with documented deviations);
:func:`create_reader` picks one. Both enforce :class:`Limits` against hostile input.

Replies (RESP3 spec, https://github.com/redis/redis-specifications, protocol/RESP3.md):

=========================================  ==============================================
wire type                                  Python value (``Reader``)
=========================================  ==============================================
``+`` simple string, ``$`` blob string     ``bytes`` (``str`` with ``encoding``)
``$?`` streamed string                     as a blob string
``-`` simple error, ``!`` blob error       a :class:`ReplyError` subclass, returned
``:`` number, ``(`` big number             ``int``
``,`` double                               ``float`` (incl. inf, -inf, nan)
``#`` boolean                              ``bool``
``_`` null, ``$-1``, ``*-1``               ``None``
``=`` verbatim string                      :class:`VerbatimBytes` / :class:`VerbatimStr`
``*`` array                                ``list``
``%`` map                                  ``dict``
``~`` set                                  ``set``
``>`` push                                 :class:`Push` (a ``list``)
``|`` attribute                            not part of the reply: ``last_attributes``
=========================================  ==============================================

An aggregate used as a map key or set member becomes hashable: ``tuple`` for arrays and
pushes, ``frozenset`` for sets, ``frozenset`` of ``(key, value)`` pairs for maps.

Errors::

    RespError
    ├── ProtocolError          malformed input or a limit exceeded: raised, reader poisoned
    └── ReplyError             an error reply from the server: returned as a value
        ├── MovedError         MOVED <slot> <host>:<port>   (.slot, .host, .port)
        ├── AskError           ASK <slot> <host>:<port>     (.slot, .host, .port)
        ├── TryAgainError      TRYAGAIN
        ├── ClusterDownError   CLUSTERDOWN
        ├── CrossSlotError     CROSSSLOT
        ├── WrongTypeError     WRONGTYPE
        ├── NoScriptError      NOSCRIPT
        ├── NoAuthError        NOAUTH
        ├── WrongPassError     WRONGPASS
        ├── ReadOnlyError      READONLY
        ├── LoadingError       LOADING
        ├── BusyError          BUSY
        ├── ExecAbortError     EXECABORT
        └── NoPermError        NOPERM
"""

from __future__ import annotations

from ._encoder import pack_command, pack_commands
from ._errors import (
    AskError,
    BusyError,
    ClusterDownError,
    CrossSlotError,
    ExecAbortError,
    LoadingError,
    MovedError,
    NoAuthError,
    NoPermError,
    NoScriptError,
    ProtocolError,
    ReadOnlyError,
    ReplyError,
    RespError,
    TryAgainError,
    WrongPassError,
    WrongTypeError,
    reply_error_from,
)
from ._factory import create_reader
from ._hiredis import HIREDIS_AVAILABLE, HiredisReader
from ._limits import Limits
from ._reader import Reader
from ._types import NEED_DATA, Push, VerbatimBytes, VerbatimStr

__all__ = [
    "HIREDIS_AVAILABLE",
    "NEED_DATA",
    "AskError",
    "BusyError",
    "ClusterDownError",
    "CrossSlotError",
    "ExecAbortError",
    "HiredisReader",
    "Limits",
    "LoadingError",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "ProtocolError",
    "Push",
    "ReadOnlyError",
    "Reader",
    "ReplyError",
    "RespError",
    "TryAgainError",
    "VerbatimBytes",
    "VerbatimStr",
    "WrongPassError",
    "WrongTypeError",
    "create_reader",
    "pack_command",
    "pack_commands",
    "reply_error_from",
]

__version__ = "0.1.0"
