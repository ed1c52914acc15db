"""Resource limits of a reader: what hostile or broken input may make it hold.

A reader never allocates from a declared length: a bulk string is sliced out of the buffer
only once all of its bytes have arrived, and an aggregate grows by appending elements as
they are parsed. The limits below turn absurd declarations and unbounded input into a
:class:`~keywire_resp.ProtocolError` at once instead of a wait for data that never ends.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]

_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits enforced by :class:`~keywire_resp.Reader` (see each field for the default).

    Every field must be a positive ``int``. Exceeding a limit raises
    :class:`~keywire_resp.ProtocolError` as soon as the offending header (or byte count) is
    seen, and poisons the reader.

    Attributes:
        max_depth: deepest nesting of aggregates (arrays, maps, sets, pushes, attributes);
            default ``512``. Real replies nest a handful of levels; Lua and modules a few
            more. The reader is iterative, so this guards the caller (deep trees are awkward
            to walk, compare or print), not the parser's own stack.
        max_bulk_length: largest declared blob / verbatim / blob-error length and largest
            streamed string, in bytes; default ``512 MiB``, the server's own default
            ``proto-max-bulk-len``.
        max_aggregate_length: largest element count of one aggregate (for maps and
            attributes: field-value pairs); default ``2**32 - 1``. Declared counts are never
            preallocated, so this only rejects absurd headers early.
        max_buffer_size: most bytes fed but not yet consumed by ``gets()``; default
            ``1 GiB``. Keep it above ``max_bulk_length``: one bulk string must fit whole.
    """

    max_depth: int = 512
    max_bulk_length: int = 512 * _MiB
    max_aggregate_length: int = 2**32 - 1
    max_buffer_size: int = 1024 * _MiB

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_bulk_length", "max_aggregate_length", "max_buffer_size"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")
