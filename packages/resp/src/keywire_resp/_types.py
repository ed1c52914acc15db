"""Reply value types that plain Python types cannot express.

Most RESP replies map onto builtin types (see the table in the package docstring). Three do
not, and get a small subclass of a builtin so that code which does not care keeps working:

* RESP3 push data (``>``) is a :class:`Push`, a ``list`` a connection can route to its
  push handler instead of the FIFO of pending commands (RESP3 spec, "Push type").
* RESP3 verbatim strings (``=``) keep their three-letter format as ``.format`` on a
  :class:`VerbatimBytes` or, when the reader decodes, a :class:`VerbatimStr` (RESP3 spec,
  "Verbatim string").

The ``NEED_DATA`` sentinel lives here too because both readers return it.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

__all__ = ["NEED_DATA", "NeedData", "Push", "VerbatimBytes", "VerbatimStr"]


class NeedData(enum.Enum):
    """Type of the :data:`NEED_DATA` sentinel (an enum so that ``is`` checks narrow types)."""

    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return "NEED_DATA"

    __str__ = __repr__


NEED_DATA: Final[Literal[NeedData.NEED_DATA]] = NeedData.NEED_DATA
"""Returned by ``gets()`` when the buffer does not yet hold one whole reply.

Compare with ``is``: ``if (reply := reader.gets()) is NEED_DATA: feed more``.
"""


class Push(list[Any]):
    """A RESP3 push message (``>``): a ``list`` whose first element names its kind.

    Push data is out of band: it is not the reply to any command, so a connection must not
    match it against its FIFO of pending requests (RESP3 spec, "Push type"). Typical first
    elements are ``b"message"``, ``b"subscribe"`` and ``b"invalidate"``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Push({list.__repr__(self)})"


class VerbatimBytes(bytes):
    """A RESP3 verbatim string (``=``) read without decoding.

    The value is the text after the ``fmt:`` prefix; ``format`` holds the three-letter
    format, e.g. ``"txt"`` (plain text) or ``"mkd"`` (markdown) (RESP3 spec, "Verbatim
    string"). Equality and hashing are those of ``bytes``: the format does not take part.
    """

    format: str

    def __new__(cls, value: bytes, format: str = "txt") -> VerbatimBytes:
        """Build a verbatim value from its text and its three-letter ``format``."""
        self = super().__new__(cls, value)
        self.format = format
        return self

    def __repr__(self) -> str:
        return f"VerbatimBytes({bytes.__repr__(self)}, format={self.format!r})"

    def __reduce__(self) -> tuple[type[VerbatimBytes], tuple[bytes, str]]:
        return (VerbatimBytes, (bytes(self), self.format))


class VerbatimStr(str):
    """A RESP3 verbatim string (``=``) read by a reader that decodes (``encoding=...``).

    Like :class:`VerbatimBytes` but a ``str``; ``format`` is the three-letter format.
    Equality and hashing are those of ``str``. Note that the ``format`` attribute hides
    the ``str.format()`` method on instances; use ``str.format(value, ...)`` if needed.
    """

    # Shadows str.format on purpose: one attribute name for both verbatim types.
    format: str  # type: ignore[assignment]

    def __new__(cls, value: str, format: str = "txt") -> VerbatimStr:
        """Build a verbatim value from its text and its three-letter ``format``."""
        self = super().__new__(cls, value)
        self.format = format
        return self

    def __repr__(self) -> str:
        return f"VerbatimStr({str.__repr__(self)}, format={self.format!r})"

    def __reduce__(self) -> tuple[type[VerbatimStr], tuple[str, str]]:
        return (VerbatimStr, (str(self), self.format))
