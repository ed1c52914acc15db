"""The raw reference adapter: the suite's own minimal connection on ``keywire_resp``.

It is deliberately small (one connection per client entity, no pool, no reconnect, no cluster
routing). It is the default adapter only where ``keywire`` is not installed; otherwise
:mod:`keywire_conformance.adapters.keywire_client` is, and this one stays available as
``--keywire-adapter=keywire_conformance.adapters.reference:ReferenceAdapter`` to check the
wire-level specs without the client. Operations:

``command`` (on a client entity), arguments ``{args: [name, arg, ...]}``
    Send one raw command and return the reply as ``keywire_resp`` decodes it. An error reply
    is raised (so ``expectError`` sees it); errors nested in a reply (``EXEC``) stay values.
``decode`` (on ``object: adapter``), arguments ``{hex | data, chunks?, protocol?,
decodeResponses?, attributes?}``
    Feed bytes to a ``keywire_resp.Reader`` (``hex``: hex digits, spaces allowed; ``data``:
    text sent as UTF-8) ``chunks`` bytes at a time (default: all at once) and return the list
    of whole replies read. With ``attributes: true`` each element is
    ``{reply: ..., attributes: <map or null>}``. ``protocol`` documents which RESP version a
    vector belongs to; the reader accepts both.

Capabilities: ``raw-command``, ``resp-decode``, ``resp-attributes``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from keywire_resp import ProtocolError, ReplyError

from .._base import ErrorInfo, default_classify_error
from .._decode import decode_operation
from ._connection import Connection

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ReferenceAdapter"]

_ADAPTER_OBJECT: Final = "adapter"


class ReferenceAdapter:
    """Drives ``keywire_resp`` over plain asyncio streams (see the module docstring)."""

    name = "keywire-reference"
    capabilities = frozenset({"raw-command", "resp-decode", "resp-attributes"})

    def __init__(self) -> None:
        self._clients: dict[str, Connection] = {}

    async def create_client(
        self,
        entity_id: str,
        *,
        addresses: list[tuple[str, int]],
        topology: str,
        protocol: int,
        decode_responses: bool,
        options: Mapping[str, object],
    ) -> None:
        """Connect to the first address (the primary, or the first cluster node).

        Raises:
            ValueError: without an address (topology ``none``), for unknown options or a
                non-loopback host.
        """
        if not addresses:
            raise ValueError(f"client {entity_id!r} needs a server (topology {topology})")
        if options:
            raise ValueError(f"the reference adapter takes no client options, got {dict(options)}")
        host, port = addresses[0]
        self._clients[entity_id] = await Connection.open(
            host, port, protocol=protocol, decode_responses=decode_responses
        )

    async def run_operation(
        self, entity_id: str, name: str, arguments: Mapping[str, object]
    ) -> object:
        """Run ``decode`` (on ``adapter``) or ``command`` (on a client); see the module doc.

        Raises:
            NotImplementedError: for any other operation.
            ReplyError: when the server answers ``command`` with an error.
        """
        if entity_id == _ADAPTER_OBJECT:
            if name == "decode":
                return decode_operation(arguments)
            raise NotImplementedError(f"no adapter operation {name!r}")
        if name != "command":
            raise NotImplementedError(f"no client operation {name!r}")
        args = arguments.get("args")
        if not isinstance(args, list) or not args:
            raise TypeError("command needs 'args', a non-empty list")
        reply = await self._clients[entity_id].execute(args)
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    async def connection_ids(self, entity_id: str) -> list[int]:
        """Return the ``CLIENT ID`` of the entity's one connection (for ``killConnection``)."""
        return [await self._clients[entity_id].client_id()]

    def classify_error(self, exc: BaseException) -> ErrorInfo:
        """Map ``keywire_resp`` and asyncio errors to the runner's error kinds."""
        if isinstance(exc, ReplyError):
            return ErrorInfo("ReplyError", exc.code or None, exc.message)
        if isinstance(exc, ProtocolError):
            return ErrorInfo("ProtocolError", None, str(exc))
        if isinstance(exc, ConnectionError | asyncio.IncompleteReadError):
            return ErrorInfo("ConnectionError", None, str(exc) or type(exc).__name__)
        if isinstance(exc, TimeoutError):
            return ErrorInfo("TimeoutError", None, str(exc) or "timed out")
        if isinstance(exc, TypeError | ValueError):
            return ErrorInfo("ClientError", None, str(exc))
        return default_classify_error(exc)

    async def close(self) -> None:
        """Close every connection."""
        clients, self._clients = self._clients, {}
        for connection in clients.values():
            await connection.close()
