"""Finding and importing an adapter named ``"module:ClassName"``."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._base import Adapter

__all__ = [
    "CLIENT_ADAPTER",
    "DEFAULT_ADAPTER",
    "REFERENCE_ADAPTER",
    "AdapterError",
    "AdapterLoadError",
    "adapter_directory",
    "default_adapter",
    "load_adapter",
    "split_adapter_spec",
]

CLIENT_ADAPTER: Final = "keywire_conformance.adapters.keywire_client:KeywireAdapter"
"""The adapter over the ``keywire`` client (needs ``keywire`` installed)."""

REFERENCE_ADAPTER: Final = "keywire_conformance.adapters.reference:ReferenceAdapter"
"""The raw reference adapter on ``keywire_resp`` (always available)."""


def default_adapter() -> str:
    """Return the adapter used when neither ``--keywire-adapter`` nor ``KEYWIRE_ADAPTER`` names
    one: :data:`CLIENT_ADAPTER` where ``keywire`` can be imported, else :data:`REFERENCE_ADAPTER`.

    ``keywire`` is looked up, not imported (:func:`importlib.util.find_spec`).
    """
    try:
        found = importlib.util.find_spec("keywire")
    except (ImportError, ValueError):
        found = None
    return CLIENT_ADAPTER if found is not None else REFERENCE_ADAPTER


DEFAULT_ADAPTER: Final = default_adapter()
""":func:`default_adapter` when this module was imported."""


class AdapterError(Exception):
    """Root of the errors raised by :mod:`keywire_conformance.adapters`."""


class AdapterLoadError(AdapterError):
    """An adapter name is malformed, or its module or class cannot be loaded."""


def split_adapter_spec(spec: str) -> tuple[str, str]:
    """Split ``"package.module:ClassName"`` into its module and class names.

    Raises:
        AdapterLoadError: when the text is not of that form.
    """
    module, sep, attribute = spec.strip().partition(":")
    if not sep or not module or not attribute.isidentifier():
        raise AdapterLoadError(f"adapter {spec!r} is not of the form 'package.module:ClassName'")
    return module, attribute


def adapter_directory(spec: str) -> Path | None:
    """Return the directory of the adapter's module without importing the module itself.

    For a package (``.../reference/__init__.py``) that is the package directory. Parent
    packages are imported, as :func:`importlib.util.find_spec` must.

    Args:
        spec: ``"package.module:ClassName"``.

    Returns:
        The directory, or ``None`` when the module cannot be found or has no file.
    """
    module, _ = split_adapter_spec(spec)
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or found.origin is None or found.origin in ("built-in", "frozen"):
        return None
    return Path(found.origin).resolve().parent


def load_adapter(spec: str) -> type[Adapter]:
    """Import an adapter class.

    Args:
        spec: ``"package.module:ClassName"``.

    Returns:
        The class; the runner instantiates it once per test with no arguments.

    Raises:
        AdapterLoadError: when the module cannot be imported, has no such class, or the class
            lacks the :class:`Adapter` members.
    """
    module_name, attribute = split_adapter_spec(spec)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AdapterLoadError(f"cannot import adapter module {module_name!r}: {exc}") from exc
    adapter = getattr(module, attribute, None)
    if not isinstance(adapter, type):
        raise AdapterLoadError(f"{module_name!r} has no class {attribute!r}")
    members = ("name", "capabilities", "create_client", "run_operation", "classify_error", "close")
    missing = [member for member in members if not hasattr(adapter, member)]
    if missing:
        raise AdapterLoadError(f"adapter {spec!r} lacks {', '.join(missing)}")
    capabilities = getattr(adapter, "capabilities", None)
    if not isinstance(capabilities, frozenset):
        raise AdapterLoadError(f"adapter {spec!r}: capabilities must be a frozenset of str")
    return adapter
