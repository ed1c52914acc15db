"""How often a cached reply is checked against the server (pure; no I/O)."""

from __future__ import annotations

import random

__all__ = ["Confidence"]

_MAX = 100.0
_TAINT_PENALTY = 0.1
_CONFIRMATION_BONUS = 0.01


class Confidence:
    """Confidence in the cache, from 0 to 100 (percent).

    A client serving a hit first asks :meth:`should_verify`, which is True with probability
    ``(100 - value) / 100``; when it is, the client also reads the server and reports whether
    the two agreed through :meth:`feedback`. At 100 (the default) nothing is ever verified and no
    random number is drawn.

    With ``dynamic=True`` the value moves with the feedback: down by 0.1 for every tainted value
    (a mismatch), up by 0.01 for every confirmation (a match), clamped to ``[0, 100]``. Without
    it the value stays at ``initial``.

    Args:
        initial: the starting value, in ``[0, 100]``.
        dynamic: whether :meth:`feedback` moves the value.
        rng: the random source of :meth:`should_verify` (a fresh :class:`random.Random` if
            None); pass a seeded one for reproducible tests.

    Raises:
        ValueError: ``initial`` is outside ``[0, 100]``.
    """

    __slots__ = ("_dynamic", "_initial", "_random", "_value")

    def __init__(
        self, initial: float = 100.0, dynamic: bool = False, rng: random.Random | None = None
    ) -> None:
        if not 0.0 <= initial <= _MAX:
            raise ValueError(f"confidence must be within [0, 100], got {initial!r}")
        self._initial = float(initial)
        self._value = self._initial
        self._dynamic = dynamic
        self._random = (rng if rng is not None else random.Random()).random

    @property
    def value(self) -> float:
        """The current confidence, in ``[0, 100]``."""
        return self._value

    @property
    def dynamic(self) -> bool:
        """Whether :meth:`feedback` moves the value."""
        return self._dynamic

    def should_verify(self) -> bool:
        """Draw whether this hit should be checked against the server.

        Returns:
            True with probability ``(100 - value) / 100``.
        """
        value = self._value
        if value >= _MAX:
            return False
        return self._random() * _MAX < _MAX - value

    def feedback(self, match: bool) -> None:
        """Record whether a verified cached value matched the server's.

        Args:
            match: True if the cached value was confirmed, False if it was tainted.
        """
        if not self._dynamic:
            return
        if match:
            self._value = min(_MAX, self._value + _CONFIRMATION_BONUS)
        else:
            self._value = max(0.0, self._value - _TAINT_PENALTY)

    def reset(self) -> None:
        """Return to the initial value."""
        self._value = self._initial

    def __repr__(self) -> str:
        return f"Confidence({self._value!r}, dynamic={self._dynamic!r})"
