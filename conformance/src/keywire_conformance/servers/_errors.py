"""The error hierarchy of the server harness (drawn in the package docstring)."""

from __future__ import annotations

__all__ = [
    "AdminConnectionError",
    "AdminError",
    "HarnessError",
    "ProviderUnavailableError",
    "ReshapeError",
    "ServerNotFoundError",
    "ServerStartError",
]


class HarnessError(Exception):
    """Root of every error raised by :mod:`keywire_conformance.servers`."""


class ServerNotFoundError(HarnessError):
    """No installed server binary matches the requested selector."""


class ServerStartError(HarnessError):
    """A server or topology did not become ready within its bound.

    The message carries the tail of the server log when one exists.
    """


class ProviderUnavailableError(HarnessError):
    """A server provider cannot work on this machine (e.g. no Docker engine runs)."""


class ReshapeError(HarnessError):
    """A cluster topology change (migration, failover, node loss or addition, restore) did not
    complete within its bound; the message says what was last seen."""


class AdminError(HarnessError):
    """A server answered a harness admin command with an error reply (``-ERR ...``).

    Attributes:
        message: the error text as sent by the server, without the leading ``-``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AdminError):
            return NotImplemented
        return type(other) is type(self) and other.message == self.message

    def __hash__(self) -> int:
        return hash((type(self), self.message))


class AdminConnectionError(AdminError):
    """The admin client could not connect, send or read (refused, reset, timed out)."""
