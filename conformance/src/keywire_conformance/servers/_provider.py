"""Choosing a server provider by name."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ._binaries import ServerBinary, select_binary
from ._errors import ProviderUnavailableError
from ._local import LocalProvider
from ._testcontainers import TestcontainersProvider

if TYPE_CHECKING:
    from ._topology import ServerProvider

__all__ = ["DEFAULT_PROVIDER", "PROVIDERS", "get_provider"]

DEFAULT_PROVIDER = "local"
PROVIDERS = ("local", "testcontainers")


def get_provider(
    name: str | None = None,
    binary: ServerBinary | None = None,
    *,
    selector: str | None = None,
) -> ServerProvider:
    """Create a server provider.

    Args:
        name: ``"local"`` or ``"testcontainers"``; ``None`` reads ``KEYWIRE_PROVIDER``, then
            uses ``"local"``.
        binary: the server to run (for testcontainers: the official image of its kind and
            ``major.minor``); ``None`` selects one from ``selector``.
        selector: a server selector (see :func:`select_binary`; for testcontainers also an
            image reference); ``None`` reads ``KEYWIRE_SERVER``.

    Returns:
        A provider; the caller closes it.

    Raises:
        ProviderUnavailableError: for an unknown name, or a provider this machine cannot run.
        ServerNotFoundError: when no server matches the selector.
    """
    chosen = (name or os.environ.get("KEYWIRE_PROVIDER") or DEFAULT_PROVIDER).strip().lower()
    if chosen == "local":
        return LocalProvider(binary if binary is not None else select_binary(selector))
    if chosen == "testcontainers":
        return TestcontainersProvider(binary, selector=selector)
    raise ProviderUnavailableError(
        f"unknown server provider {chosen!r}; choose one of: {', '.join(PROVIDERS)}"
    )
