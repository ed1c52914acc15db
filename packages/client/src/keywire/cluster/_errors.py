"""Errors of the cluster client (all :class:`keywire.RedisError`)::

    RedisError
     +-- ClusterError                         raised by the cluster client itself
          +-- ClusterCrossSlotError           also keywire.CrossSlotError: keys in several slots
          +-- ClusterPartialError             some parts of a split / fanned-out command failed
          +-- ClusterReplyMismatchError       nodes gave different answers where all must agree
          +-- TooManyRedirectsError           MOVED / ASK more than max_redirects times
          +-- ClusterTopologyError            also keywire.ConnectionError: no slot map

Server errors (``MOVED``, ``TRYAGAIN``, ``CLUSTERDOWN``, ``LOADING``, ...) keep their
classes from :mod:`keywire.exceptions`; when retries run out, the last one is raised with a
note saying how many attempts were made.
"""

from __future__ import annotations

from typing import Any

from keywire.cluster._slots import Address, format_address
from keywire.exceptions import ConnectionError, CrossSlotError, RedisError

__all__ = [
    "ClusterCrossSlotError",
    "ClusterError",
    "ClusterPartialError",
    "ClusterReplyMismatchError",
    "ClusterTopologyError",
    "PartFailure",
    "PartSuccess",
    "TooManyRedirectsError",
    "raise_for_parts",
]


class ClusterError(RedisError):
    """Root of the errors the cluster client raises on its own (not server replies)."""


class ClusterCrossSlotError(ClusterError, CrossSlotError):
    """The keys of a command hash to different slots and the command cannot be split (or
    ``non_atomic_cross_slot`` is False). Raised before anything is sent.

    Also a :class:`keywire.CrossSlotError`, like the server's own ``CROSSSLOT`` reply.

    Attributes:
        slots: The distinct slots of the keys, in key order.
    """

    def __init__(self, message: str, slots: tuple[int, ...] = ()) -> None:
        super().__init__(f"CROSSSLOT {message}")
        self.slots = slots


PartSuccess = tuple[Address, tuple[Any, ...], Any]
"""``(node, sub-command, reply)`` of a part that succeeded."""

PartFailure = tuple[Address, tuple[Any, ...], BaseException]
"""``(node, sub-command, error)`` of a part that failed."""


class ClusterPartialError(ClusterError):
    """A command run as several parts (split by slot, or sent to several nodes) failed in some
    of them. Nothing is merged: the parts that succeeded are listed, and they *did* run.

    Attributes:
        succeeded: ``(node, sub-command, reply)`` of each part that succeeded.
        failed: ``(node, sub-command, error)`` of each part that failed; the first error is
            also the ``__cause__``.
    """

    def __init__(
        self,
        command: bytes,
        succeeded: list[PartSuccess],
        failed: list[PartFailure],
    ) -> None:
        total = len(succeeded) + len(failed)
        first = failed[0] if failed else None
        detail = (
            f"; first error on {format_address(first[0])}: {type(first[2]).__name__}: {first[2]}"
            if first
            else ""
        )
        super().__init__(
            f"{command.decode(errors='replace')}: {len(failed)} of {total} parts failed, "
            f"{len(succeeded)} succeeded (and were applied){detail}"
        )
        self.command = command
        self.succeeded = succeeded
        self.failed = failed


class ClusterReplyMismatchError(ClusterError):
    """Nodes gave different replies to a command whose answer must agree everywhere
    (response policy ``all_succeeded``, e.g. SCRIPT LOAD's digest).

    Attributes:
        replies: ``{node: reply}``.
    """

    def __init__(self, command: bytes, replies: dict[Address, Any]) -> None:
        shown = ", ".join(f"{format_address(a)}={r!r:.60}" for a, r in replies.items())
        super().__init__(f"{command.decode(errors='replace')}: nodes disagree: {shown}")
        self.command = command
        self.replies = replies


class TooManyRedirectsError(ClusterError):
    """A command was redirected (MOVED / ASK) more than ``max_redirects`` times; the last
    redirection is the ``__cause__``."""


class ClusterTopologyError(ClusterError, ConnectionError):
    """No node could give a usable slot map (every startup / known node failed or reported
    an empty cluster). Also a :class:`keywire.ConnectionError`.

    Attributes:
        errors: ``(node, error)`` for each node tried.
    """

    def __init__(self, message: str, errors: list[tuple[Address, BaseException]]) -> None:
        shown = "; ".join(f"{format_address(a)}: {type(e).__name__}: {e}" for a, e in errors)
        ConnectionError.__init__(self, f"{message} ({shown})" if shown else message)
        self.errors = errors


def raise_for_parts(
    command: bytes,
    succeeded: list[PartSuccess],
    failed: list[PartFailure],
    *,
    always_partial: bool = False,
) -> None:
    """Raise for a command some of whose parts failed: the error itself when every part failed
    the same way, else :class:`ClusterPartialError` (carrying what succeeded)."""
    first = failed[0][2]
    if not isinstance(first, Exception):
        raise first  # CancelledError, KeyboardInterrupt: not ours to wrap
    if not succeeded and not always_partial:
        if len(failed) > 1:
            first.add_note(
                f"keywire cluster: all {len(failed)} parts of "
                f"{command.decode(errors='replace')} failed; this is the first error"
            )
        raise first
    raise ClusterPartialError(command, succeeded, failed) from first
