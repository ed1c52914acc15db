"""Per-adapter expectation files: the tests an adapter is known to skip or fail, with reasons.

An ``expectations.yaml`` maps a test id (``area/file.yaml::test description``) or a whole file
(``area/file.yaml``) to exactly one of ``skip: <reason>`` or ``xfail: <reason>``::

    commands/hashes.yaml::HGETALL returns a map in RESP3:
      xfail: "our RESP3 support returns a flat list (issue #12)"
    resp/attributes.yaml:
      skip: "the client drops attributes"

``xfail`` is strict: a test that starts passing fails the run, so the file stays true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import yaml

from ._errors import SpecError
from ._yaml import load_yaml

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["EXPECTATIONS_FILE_NAME", "Expectation", "Expectations", "load_expectations"]

EXPECTATIONS_FILE_NAME: Final = "expectations.yaml"
_ACTIONS: Final = ("skip", "xfail")


@dataclass(frozen=True)
class Expectation:
    """What to do with one test or file.

    Attributes:
        action: ``skip`` or ``xfail``.
        reason: why (shown in the report).
        key: the entry's key in the file (a test id or a file id).
    """

    action: str
    reason: str
    key: str


@dataclass(frozen=True)
class Expectations:
    """A loaded expectation file (empty when the adapter has none).

    Attributes:
        path: the file, or ``None``.
        entries: key -> expectation.
    """

    path: Path | None = None
    entries: Mapping[str, Expectation] = field(default_factory=dict)

    def lookup(self, file_id: str, test_id: str) -> Expectation | None:
        """Return the expectation for a test: its own entry first, then its file's."""
        return self.entries.get(test_id) or self.entries.get(file_id)


def load_expectations(path: Path | None) -> Expectations:
    """Read an expectation file.

    Args:
        path: the file; ``None`` or a missing file gives no expectations.

    Returns:
        The expectations.

    Raises:
        SpecError: when the file is not YAML or an entry is malformed.
    """
    if path is None or not path.is_file():
        return Expectations(path=None)
    where = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the expectation file: {exc}", path=where) from exc
    if data is None:
        return Expectations(path=path)
    if not isinstance(data, dict):
        raise SpecError("an expectation file must be a mapping of test ids", path=where)
    entries: dict[str, Expectation] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.strip():
            raise SpecError(f"expectation key {key!r} is not a test or file id", path=where)
        if (
            not isinstance(value, dict)
            or len(value) != 1
            or next(iter(value)) not in _ACTIONS
            or not isinstance(reason := next(iter(value.values())), str)
            or not reason.strip()
        ):
            raise SpecError(
                f"expectation {key!r} must be one of {{skip: <reason>}} or {{xfail: <reason>}}",
                path=where,
            )
        entries[key] = Expectation(action=next(iter(value)), reason=reason, key=key)
    return Expectations(path=path, entries=entries)
