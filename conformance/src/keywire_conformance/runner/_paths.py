"""Where the specs and their schema live, in a source checkout and in an installed wheel."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from ._errors import SpecError

__all__ = [
    "SCHEMA_DIR_NAME",
    "SCHEMA_FILE_NAME",
    "bundled_specs_dir",
    "find_spec_root",
    "schema_path",
]

SCHEMA_DIR_NAME: Final = "schema"
SCHEMA_FILE_NAME: Final = "keywire-spec.schema.json"

_PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent


def _has_schema(directory: Path) -> bool:
    return (directory / SCHEMA_DIR_NAME / SCHEMA_FILE_NAME).is_file()


@functools.cache
def bundled_specs_dir() -> Path:
    """Return the specs directory shipped with this package.

    The wheel carries the repository's ``specs/`` as ``keywire_conformance/specs``; in a source
    checkout (editable install) it is the ``specs/`` directory at the repository root.

    Returns:
        The directory holding ``schema/keywire-spec.schema.json`` and the spec areas.

    Raises:
        SpecError: when neither location holds the schema.
    """
    candidates = (_PACKAGE_DIR / "specs", _PACKAGE_DIR.parents[2] / "specs")
    for candidate in candidates:
        if _has_schema(candidate):
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise SpecError(f"cannot find the keywire specs (looked in {tried})")


def schema_path() -> Path:
    """Return the path of the JSON schema this runner validates spec files with."""
    return bundled_specs_dir() / SCHEMA_DIR_NAME / SCHEMA_FILE_NAME


@functools.cache
def _root_of_directory(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if _has_schema(candidate):
            return candidate
    return None


def find_spec_root(path: Path) -> Path | None:
    """Return the specs root a YAML file belongs to, or ``None`` when it is not a spec file.

    A specs root is a directory with a ``schema/keywire-spec.schema.json`` inside; every YAML file
    below it is a spec file, except those in the ``schema`` directory itself.

    Args:
        path: an absolute path to a file.

    Returns:
        The specs root directory, or ``None``.
    """
    root = _root_of_directory(path.parent)
    if root is None or (root / SCHEMA_DIR_NAME) in path.parents:
        return None
    return root
