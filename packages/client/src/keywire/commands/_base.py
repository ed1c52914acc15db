"""What every command family builds on: argument types and the one abstract method.

Each typed command method is a plain function that returns ``self._command(callback, *args)``.
On :class:`keywire.Redis` that is a coroutine that runs the command; on a pipeline it queues the
command and returns a placeholder that resolves when the pipeline is executed. The ``callback``
turns the raw reply into the method's result type and makes RESP2 and RESP3 (and the pure and
hiredis readers) give the same Python types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

__all__ = ["AnyStr", "CommandsBase", "EncodableT", "KeyT", "flatten_keys", "flatten_values"]

AnyStr = TypeVar("AnyStr", bytes, str)
"""``bytes`` for a client with ``decode_responses=False`` (the default), ``str`` otherwise."""

T = TypeVar("T")

KeyT = str | bytes | memoryview
"""A key: ``str`` (encoded as UTF-8), ``bytes`` or ``memoryview``."""

EncodableT = str | bytes | memoryview | int | float
"""A value: ``str`` (UTF-8), ``bytes``, ``memoryview``, ``int`` or ``float``."""


class CommandsBase(Generic[AnyStr]):
    """Base of the command mixins; subclasses implement :meth:`_command`."""

    __slots__ = ()

    @overload
    def _command(self, callback: None, *args: Any) -> Awaitable[Any]: ...
    @overload
    def _command(self, callback: Callable[[Any], T], *args: Any) -> Awaitable[T]: ...
    def _command(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        """Run (or queue) ``args`` and convert its reply with ``callback``."""
        raise NotImplementedError

    @overload
    def _blocking(self, callback: None, *args: Any) -> Awaitable[Any]: ...
    @overload
    def _blocking(self, callback: Callable[[Any], T], *args: Any) -> Awaitable[T]: ...
    def _blocking(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        """Like :meth:`_command`, for a blocking command (dedicated connection, no read timeout)."""
        raise NotImplementedError


def flatten_keys(keys: Iterable[KeyT] | KeyT) -> list[KeyT]:
    """Accept one key or an iterable of keys (``str`` / ``bytes`` count as one key)."""
    if isinstance(keys, str | bytes | memoryview):
        return [keys]
    return list(keys)


def flatten_values(values: Iterable[EncodableT] | EncodableT) -> list[EncodableT]:
    """Accept one value or an iterable of values (``str`` / ``bytes`` / numbers count as one)."""
    if isinstance(values, str | bytes | memoryview | int | float):
        return [values]
    return list(values)
