"""The error hierarchy of the spec runner (drawn in :mod:`keywire_conformance.runner`)."""

from __future__ import annotations

__all__ = [
    "HarnessActionError",
    "RunnerError",
    "SchemaValidationError",
    "SpecError",
    "SpecFailure",
    "UnsupportedSchemaVersionError",
]


class RunnerError(Exception):
    """Root of every error raised by :mod:`keywire_conformance.runner`."""


class SpecError(RunnerError):
    """A spec file (or an expectation file) cannot be used: unreadable, malformed or inconsistent.

    Attributes:
        path: the file concerned, when known.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class SchemaValidationError(SpecError):
    """A spec file does not follow the JSON schema ``specs/schema/keywire-spec.schema.json``.

    Attributes:
        errors: one line per schema violation, each starting with the JSON path of the value.
    """

    def __init__(self, errors: list[str], *, path: str | None = None) -> None:
        lines = "\n  ".join(errors)
        super().__init__(f"does not follow the spec schema:\n  {lines}", path=path)
        self.errors = errors


class UnsupportedSchemaVersionError(SpecError):
    """A spec file declares a ``schemaVersion`` newer than this runner supports."""


class SpecFailure(RunnerError, AssertionError):  # noqa: N818 -- a test outcome, named like one
    """A test ran and the client did not behave as its spec says.

    It is an :class:`AssertionError` so pytest reports it as a failure, not as an error.
    """


class HarnessActionError(RunnerError):
    """A harness admin action a test needs failed (flush, initialData, CLIENT KILL, restart).

    The test is reported as an error, not a failure: the client under test is not at fault.
    """
