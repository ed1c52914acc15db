"""The error hierarchy of keywire-cache (drawn in the package docstring)."""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "CacheError",
    "InvalidCacheURLError",
    "SerializationError",
    "SerializerUnavailableError",
]


class CacheError(Exception):
    """Root of every error raised by keywire-cache.

    A cache *miss* is not an error of this hierarchy: ``get`` raises the built-in
    :class:`KeyError`, as a mapping does.
    """


class InvalidCacheURLError(CacheError, ValueError):
    """A backend URL has an unknown scheme, a malformed part or an unknown option."""


class BackendUnavailableError(CacheError):
    """A backend needs something that is not installed (or not built yet).

    The message names the extra to install, for example ``keywire-cache[redis]``.
    """


class SerializerUnavailableError(CacheError):
    """A serializer needs a package that is not installed (``keywire-cache[msgpack]``)."""


class SerializationError(CacheError, ValueError):
    """A value could not be serialized, or stored bytes could not be deserialized."""
