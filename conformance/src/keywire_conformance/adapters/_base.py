"""The contract between the spec runner and a client under test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ERROR_KINDS",
    "Adapter",
    "ErrorInfo",
    "default_classify_error",
    "error_code_of",
]

ERROR_KINDS: Final = frozenset(
    {
        "ReplyError",
        "ProtocolError",
        "ConnectionError",
        "TimeoutError",
        "ClientError",
        "ReplicationError",
        "Other",
    }
)
"""The closed vocabulary an adapter maps its exceptions to (``ErrorInfo.kind``).

- ``ReplyError``: the server answered with an error reply (``-ERR ...``, ``!...``).
- ``ProtocolError``: bytes that are not valid RESP.
- ``ConnectionError``: connecting failed, or the connection was lost / closed.
- ``TimeoutError``: a connect, read or write timeout expired.
- ``ClientError``: the client refused the call itself (bad arguments, cross-slot, ...), or
  gave it up (a transaction aborted because a WATCHed key changed: EXEC answered null).
- ``ReplicationError``: fewer replicas acknowledged a write than required (WAIT / WAITAOF).
- ``Other``: anything else; no spec can expect it (``errorType`` does not accept it).
"""

_CODE_RE: Final = re.compile(r"^([A-Z][A-Z0-9_-]*)(?:\s|$)")


@dataclass(frozen=True)
class ErrorInfo:
    """An exception described in the runner's terms.

    Attributes:
        kind: one of :data:`ERROR_KINDS`.
        code: the error code for server errors (the first word: ``WRONGTYPE``, ``MOVED``), else
            ``None``.
        message: the full text (for server errors, including the code).
    """

    kind: str
    code: str | None
    message: str


def error_code_of(message: str) -> str | None:
    """Return the leading upper-case word of a server error message, if it has one."""
    found = _CODE_RE.match(message)
    return found.group(1) if found else None


def default_classify_error(exc: BaseException) -> ErrorInfo:
    """Classify an exception by the names of its classes (the fallback for any adapter).

    The first class in the exception's MRO whose name is one of :data:`ERROR_KINDS` gives the
    kind (so builtin ``ConnectionError`` and ``TimeoutError`` subclasses map naturally); the code
    is taken from a ``code`` attribute or the leading upper-case word of a ``ReplyError``.

    Args:
        exc: any exception.

    Returns:
        Its :class:`ErrorInfo`; kind ``Other`` when no class name matches.
    """
    kind = "Other"
    for cls in type(exc).__mro__:
        if cls.__name__ in ERROR_KINDS:
            kind = cls.__name__
            break
    message = str(getattr(exc, "message", None) or exc)
    code = getattr(exc, "code", None)
    if not isinstance(code, str):
        code = error_code_of(message) if kind == "ReplyError" else None
    return ErrorInfo(kind=kind, code=code, message=message)


@runtime_checkable
class Adapter(Protocol):
    """What a client under test implements so the suite can drive it.

    The runner creates one adapter instance per test (a no-argument constructor), creates the
    test's client entities through it, runs the operations and always calls :meth:`close` at the
    end, all inside one event loop.

    Attributes:
        name: a short name for reports (``"keywire-reference"``, ``"redis-py"``).
        capabilities: what the adapter can do; ``runOnRequirements.capabilities`` are checked
            against it (``"raw-command"``, ``"resp-decode"``, ...; see the README).

    An adapter may also define ``async connection_ids(entity_id) -> Sequence[int]`` (the server
    side ``CLIENT ID`` of the entity's connections), which ``killConnection`` uses to kill just
    those connections; without it the runner kills every normal client connection.
    """

    name: str
    capabilities: frozenset[str]

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
        """Create (and connect, if the client connects eagerly) a client entity.

        Args:
            entity_id: the id operations will use in ``object``.
            addresses: where the servers are; for ``replicated`` the primary first, for
                ``cluster`` the startup nodes, for ``none`` an empty list.
            topology: ``standalone``, ``replicated``, ``cluster`` or ``none``.
            protocol: RESP version to speak (2 or 3).
            decode_responses: return text as ``str`` rather than ``bytes``.
            options: the entity's ``options`` mapping, unchanged.
        """
        ...

    async def run_operation(
        self, entity_id: str, name: str, arguments: Mapping[str, object]
    ) -> object:
        """Run one operation and return its result; failures are raised as exceptions.

        Args:
            entity_id: an entity id, or ``"adapter"`` for unit-style operations (``decode``).
            name: the operation name (``command``, ``decode``, ...).
            arguments: the operation's arguments with argument operators resolved
                (``$$hex`` is already ``bytes``).

        Returns:
            The client's result, as the client returns it.

        Raises:
            NotImplementedError: for an operation the adapter does not know.
            Exception: whatever the client raises; :meth:`classify_error` describes it.
        """
        ...

    def classify_error(self, exc: BaseException) -> ErrorInfo:
        """Describe an exception raised by :meth:`run_operation` (or found in a result)."""
        ...

    async def close(self) -> None:
        """Close every entity; called once per test even when the test failed."""
        ...
