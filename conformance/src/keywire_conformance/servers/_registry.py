"""Every server process this Python process started, so that none outlives it.

Three layers make sure of that: providers stop what they started in ``close()``; this registry
stops anything left at interpreter exit (``atexit``) or when :func:`stop_all` is called (the
pytest plugin calls it at session finish); and local servers also carry ``PR_SET_PDEATHSIG`` so
the kernel kills them when this process dies without running any Python code (SIGKILL).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from typing import Protocol

__all__ = ["Stoppable", "checkpoint", "register", "stop_all", "unregister"]


class Stoppable(Protocol):
    """Something the registry can stop: a server process or a container."""

    def force_stop(self) -> None:
        """Stop now with short bounds (SIGTERM, then SIGKILL); never raise."""


_lock = threading.Lock()
_live: dict[int, tuple[int, Stoppable]] = {}
_sequence = 0


def register(item: Stoppable) -> None:
    """Remember a started server until :func:`unregister` is called for it."""
    global _sequence  # noqa: PLW0603 - one process-wide counter, guarded by _lock
    with _lock:
        _sequence += 1
        _live.setdefault(id(item), (_sequence, item))


def unregister(item: Stoppable) -> None:
    """Forget a server that was stopped (no error when it was not registered)."""
    with _lock:
        _live.pop(id(item), None)


def checkpoint() -> int:
    """A marker for :func:`stop_all`'s ``since``: servers registered after this call."""
    with _lock:
        return _sequence


def stop_all(since: int = 0) -> None:
    """Stop every server still registered (idempotent; never raises).

    Args:
        since: only those registered after this :func:`checkpoint` (a pytest session stops
            what it started, not what an enclosing session runs).
    """
    with _lock:
        chosen = [key for key, (sequence, _item) in _live.items() if sequence > since]
        items = [_live.pop(key)[1] for key in chosen]
    for item in items:
        with contextlib.suppress(Exception):  # one failure must not stop the others
            item.force_stop()


atexit.register(stop_all)
