"""A reader with the API of :class:`~keywire_resp.Reader` on top of hiredis.

hiredis (``pip install "keywire-resp[hiredis]"``, 3.x) parses in C and is several times
faster, but it is not faithful to every RESP3 type. What this wrapper normalizes:

* top-level and nested error replies are returned as the same
  :class:`~keywire_resp.ReplyError` subclasses as the pure reader (hiredis is given
  :func:`~keywire_resp.reply_error_from` as its error factory);
* hiredis's protocol errors are our :class:`~keywire_resp.ProtocolError`, and the reader
  is poisoned afterwards exactly like the pure one;
* a top-level push is a :class:`~keywire_resp.Push` (hiredis returns its own list
  subclass);
* ``limits.max_buffer_size`` is checked on every ``feed``;
* a map key that is an aggregate makes hiredis fail with ``TypeError`` and leaves it
  unusable; that becomes a ``ProtocolError`` that says why.

What it cannot normalize, because the information is gone once hiredis has parsed the
reply (the pure reader is right in every case):

=========================  ======================================  ========================
RESP3 input                pure ``Reader``                         ``HiredisReader``
=========================  ======================================  ========================
set ``~``                  ``set`` (``frozenset`` as key/member)   ``list`` in wire order,
                                                                   duplicates kept
big number ``(``           ``int``                                 ``bytes`` (``str`` with
                                                                   ``encoding``)
verbatim ``=``             ``VerbatimBytes`` / ``VerbatimStr``     ``bytes`` / ``str``
                           with ``.format``                        without the format
attribute ``|``            kept aside in ``last_attributes``       top level: returned as
                                                                   an extra reply (a flat
                                                                   ``list``) before the one
                                                                   it annotates; nested:
                                                                   counted as an element,
                                                                   which breaks framing
blob error ``!``           ``ReplyError``                          ``ProtocolError``
streamed ``$?`` ``*?``     supported                               ``ProtocolError``
``%?`` ``~?``
aggregate as map key       ``tuple`` / ``frozenset``               ``ProtocolError``
aggregate as set member    ``tuple`` / ``frozenset``               ``list`` / ``dict`` (the
                                                                   set is a list anyway)
repeated map key           the last value wins                     values may be attached
                                                                   to the wrong keys
push nested in an array    ``Push``                                hiredis's own list type
=========================  ======================================  ========================

Limits: only ``max_buffer_size`` is enforced (against hiredis's buffer length, which may
still include up to 1 KiB already consumed). Nesting depth is capped by hiredis itself at
1024 levels; declared blob and aggregate lengths are hiredis's business (it does not
preallocate blob strings and refuses aggregates of ``2**32`` elements or more), so a
hostile blob length is only stopped by ``max_buffer_size`` once that many bytes arrived.
``last_attributes`` is always ``None``.

hiredis's tolerance differs from the pure reader's on some malformed input (for example
it does not check the CRLF after a blob string and accepts ``,.5``); both agree on valid
input, which is what the differential tests check.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Any, Final

from ._errors import ProtocolError, RespError, reply_error_from
from ._limits import Limits
from ._types import NEED_DATA, Push

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

_hiredis: ModuleType | None
try:
    import hiredis

    _hiredis = hiredis
except ImportError:  # pragma: no cover - depends on the environment
    _hiredis = None

__all__ = ["HIREDIS_AVAILABLE", "HiredisReader"]

HIREDIS_AVAILABLE: Final[bool] = _hiredis is not None
"""Whether the ``hiredis`` package can be imported (so :class:`HiredisReader` works)."""

_PUSH_TYPE: Final[type[list[Any]] | None] = (
    _hiredis.PushNotification if _hiredis is not None else None
)

_DEFAULT_LIMITS: Final = Limits()


class HiredisReader:
    """The :class:`~keywire_resp.Reader` API backed by ``hiredis.Reader``.

    Same constructor, :meth:`feed`, :meth:`gets` and :attr:`last_attributes`; the
    deviations from the pure reader are listed in the module docstring (and the README).

    Args:
        limits: only ``max_buffer_size`` is enforced; see the module docstring.
        encoding: decode blob, simple, verbatim strings and big numbers to ``str``.
        errors: codec error handler for ``encoding``. With ``"strict"``, an undecodable
            reply is consumed and ``gets()`` raises ``UnicodeDecodeError``, like the pure
            reader.

    Raises:
        RespError: hiredis is not installed.
        LookupError: unknown ``encoding`` or ``errors`` handler.
    """

    def __init__(
        self, *, limits: Limits | None = None, encoding: str | None = None, errors: str = "strict"
    ) -> None:
        if _hiredis is None:
            raise RespError(
                "HiredisReader needs the hiredis package: pip install 'keywire-resp[hiredis]' "
                "(or use keywire_resp.Reader, the pure-Python reader)"
            )
        if encoding is not None:
            codecs.lookup(encoding)
            codecs.lookup_error(errors)
        self._limits = limits if limits is not None else _DEFAULT_LIMITS
        self._reader = _hiredis.Reader(
            protocolError=ProtocolError,
            replyError=reply_error_from,
            encoding=encoding,
            errors=errors,
            notEnoughData=NEED_DATA,
        )
        self._gets: Callable[[], Any] = self._reader.gets
        self._feed: Callable[[bytes | bytearray | memoryview], None] = self._reader.feed
        # An upper bound of hiredis's buffer length (it never shrinks between two reads of
        # the real length), so the common feed() costs no call into hiredis.
        self._buffered = 0
        self._error: str | None = None

    @property
    def limits(self) -> Limits:
        """The limits given at construction (only ``max_buffer_size`` is enforced)."""
        return self._limits

    @property
    def last_attributes(self) -> dict[Any, Any] | None:
        """Always ``None``: hiredis returns attributes as replies (see the module docstring)."""
        return None

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append received bytes to hiredis's buffer (hiredis copies them).

        Raises:
            ProtocolError: the reader is poisoned, or the buffered bytes would exceed
                ``limits.max_buffer_size``.
        """
        if self._error is not None:
            raise ProtocolError(self._error)
        size = data.nbytes if type(data) is memoryview else len(data)
        buffered = self._buffered + size
        if buffered > self._limits.max_buffer_size:
            buffered = self._reader.len() + size
            if buffered > self._limits.max_buffer_size:
                raise self._fail(
                    f"more than max_buffer_size={self._limits.max_buffer_size} bytes buffered"
                )
        self._buffered = buffered
        self._feed(data)

    def gets(self) -> object:
        """Return the next whole reply, or :data:`~keywire_resp.NEED_DATA`.

        Raises:
            ProtocolError: malformed input, or a reply hiredis cannot represent (see the
                module docstring); the reader is poisoned.
            UnicodeDecodeError: as for the pure reader; the reader stays usable.
        """
        try:
            reply = self._gets()
        except ProtocolError as exc:
            if self._error is None:
                self._fail(str(exc))
            raise
        except TypeError as exc:
            raise self._fail(
                "hiredis cannot represent a map key that is itself an aggregate; read such "
                "replies with the pure-Python keywire_resp.Reader"
            ) from exc
        if reply.__class__ is _PUSH_TYPE:
            return Push(reply)
        return reply

    def _fail(self, message: str) -> ProtocolError:
        """Poison the reader and return the error to raise."""
        self._error = message
        self._gets = self._poisoned
        return ProtocolError(message)

    def _poisoned(self) -> Any:
        """Stands in for hiredis's ``gets`` once the reader is poisoned."""
        raise ProtocolError(self._error)
