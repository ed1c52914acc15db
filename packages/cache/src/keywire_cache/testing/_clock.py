"""A clock that moves only when told, for expiry tests that never sleep."""

from __future__ import annotations

__all__ = ["ManualClock"]


class ManualClock:
    """Monotonic and wall-clock time that advance only through :meth:`advance`.

    Pass ``clock.monotonic`` and ``clock.time`` where a backend takes its clocks (for example
    ``MemoryBackend(clock=clock.monotonic, wall_clock=clock.time)``).

    Args:
        monotonic_start: the initial monotonic reading, in seconds.
        wall_start: the initial Unix time, in seconds (default: 2023-11-14 22:13:20 UTC).
    """

    def __init__(self, monotonic_start: float = 1000.0, wall_start: float = 1.7e9) -> None:
        self._monotonic = monotonic_start
        self._wall = wall_start

    def monotonic(self) -> float:
        """The monotonic reading, in seconds."""
        return self._monotonic

    def time(self) -> float:
        """The Unix time, in seconds."""
        return self._wall

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds``.

        Raises:
            ValueError: ``seconds`` is negative (a monotonic clock never goes back).
        """
        if seconds < 0:
            raise ValueError("a clock cannot go back")
        self._monotonic += seconds
        self._wall += seconds

    def __repr__(self) -> str:
        return f"ManualClock(monotonic={self._monotonic!r}, time={self._wall!r})"
