"""Read a spec file: strict YAML, version check, JSON-schema check, then frozen objects.

The order matters: the ``schemaVersion`` is checked before the schema, so a file written for a
newer runner gets "schemaVersion 2.0 is newer than 1.0" rather than a list of unknown fields.
After the schema, a few checks the schema cannot express: unique test descriptions, unique entity
ids, and operations naming entities that exist.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, cast

import yaml

from ._errors import SchemaValidationError, SpecError, UnsupportedSchemaVersionError
from ._model import (
    ADAPTER_OBJECT,
    RUNNER_OBJECT,
    CacheEntity,
    ClientEntity,
    Entity,
    ExpectedError,
    Operation,
    RunOnRequirement,
    SpecFile,
    SpecTest,
)
from ._paths import find_spec_root, schema_path
from ._yaml import load_yaml, test_lines

if TYPE_CHECKING:
    # jsonschema is imported on first use: this module is imported by the pytest plugin in
    # every pytest run, most of which never read a spec file.
    import jsonschema
    from jsonschema.exceptions import ValidationError

__all__ = [
    "SUPPORTED_SCHEMA_VERSION",
    "check_schema_version",
    "load_spec",
    "parse_spec",
    "parse_version",
    "validate_spec",
]

SUPPORTED_SCHEMA_VERSION: Final = (1, 1)
"""The newest ``schemaVersion`` (major, minor) this runner understands."""

_VERSION_RE: Final = re.compile(r"^([0-9]+)\.([0-9]+)$")
_MAX_SCHEMA_ERRORS: Final = 20
_MAX_MESSAGE: Final = 300


def parse_version(text: str) -> tuple[int, ...]:
    """Parse a dotted server version (``"7.0.15"``) into a tuple of ints."""
    return tuple(int(part) for part in text.split("."))


def check_schema_version(value: object, *, path: str | None = None) -> tuple[int, int]:
    """Check a file's ``schemaVersion`` against :data:`SUPPORTED_SCHEMA_VERSION`.

    Args:
        value: the raw ``schemaVersion`` value.
        path: the file, for messages.

    Returns:
        ``(major, minor)``.

    Raises:
        UnsupportedSchemaVersionError: for a newer major, or the same major with a newer minor.
        SchemaValidationError: when the value is not a ``"major.minor"`` string.
    """
    if not isinstance(value, str) or not (found := _VERSION_RE.match(value)):
        raise SchemaValidationError(
            [f'$.schemaVersion: {value!r} is not a "major.minor" string such as "1.0"'],
            path=path,
        )
    version = (int(found.group(1)), int(found.group(2)))
    major, minor = SUPPORTED_SCHEMA_VERSION
    if version[0] != major or version[1] > minor:
        hint = " (a newer runner is needed)" if version > SUPPORTED_SCHEMA_VERSION else ""
        raise UnsupportedSchemaVersionError(
            f"schemaVersion {value} is not supported: this runner reads {major}.0 to "
            f"{major}.{minor}{hint}",
            path=path,
        )
    return version


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # noqa: PLC0415 -- deferred, see the imports

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: jsonschema.protocols.Validator = validator_class(schema)
    return validator


def _json_path(parts: Iterator[str | int] | Any) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _message(error: ValidationError) -> str:
    """jsonschema's message, reworded where it would quote a schema fragment instead."""
    value = error.validator_value
    if error.validator == "not" and isinstance(value, dict):
        if not value:  # {"not": {}}: the field may not appear here at all
            return "not allowed here"
        if "required" in value:
            return f"{' and '.join(value['required'])} cannot be used together"
        if "pattern" in value and "propertyNames" in error.schema_path:
            return (
                f"{error.instance!r} is not allowed here: an unknown operator, or an operator "
                "mapping with more than one key"
            )
        if "pattern" in value:
            return f"{error.instance!r} must not contain {value['pattern']!r}"
        if "enum" in value:
            return f"{error.instance!r} is reserved"
    if getattr(error, "validator", None) is None:  # a "false" subschema: not allowed there
        return "not allowed here"
    return error.message


def _describe(error: ValidationError) -> str:
    # anyOf / oneOf report "not valid under any of the given schemas"; the branch that got
    # deepest into the value usually says what is actually wrong (an operator's argument rather
    # than "keys must not start with $$").
    from jsonschema.exceptions import best_match  # noqa: PLC0415 -- deferred, see the imports

    while error.context:
        deepest = max(len(sub.absolute_path) for sub in error.context)
        deeper = best_match(sub for sub in error.context if len(sub.absolute_path) == deepest)
        if deeper is None:  # pragma: no cover - the context is not empty
            break
        error = deeper
    message = _message(error)
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return f"{_json_path(error.absolute_path)}: {message}"


def validate_spec(data: object, *, path: str | None = None) -> None:
    """Validate a parsed spec document against the JSON schema.

    Args:
        data: the parsed YAML document.
        path: the file, for messages.

    Raises:
        SchemaValidationError: listing every violation (up to 20), each with its JSON path.
    """
    errors = sorted(
        _validator().iter_errors(cast("Any", data)), key=lambda e: [str(p) for p in e.path]
    )
    if errors:
        lines = [_describe(error) for error in errors[:_MAX_SCHEMA_ERRORS]]
        if len(errors) > _MAX_SCHEMA_ERRORS:
            lines.append(f"... and {len(errors) - _MAX_SCHEMA_ERRORS} more")
        raise SchemaValidationError(lines, path=path)


def load_spec(path: str | Path, *, root: Path | None = None) -> SpecFile:
    """Read, check and parse one spec file.

    Args:
        path: the YAML file.
        root: the specs root it belongs to (its subdirectory under the root is the ``area``);
            found by looking for ``schema/keywire-spec.schema.json`` above the file when not
            given, and the file's own directory name when there is none.

    Returns:
        The frozen :class:`SpecFile`.

    Raises:
        SpecError: when the file cannot be read or is not YAML, or fails a consistency check.
        UnsupportedSchemaVersionError: when its ``schemaVersion`` is too new.
        SchemaValidationError: when it does not follow the schema.
    """
    file = Path(path).resolve()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the file: {exc}", path=str(file)) from exc
    try:
        data = load_yaml(text)
        lines = test_lines(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML: {exc}", path=str(file)) from exc
    root = root or find_spec_root(file)
    if root is None:
        area = file.parent.name
    else:
        relative = file.parent.relative_to(root)
        area = relative.parts[0] if relative.parts else ""
    return parse_spec(data, path=file, area=area, lines=lines)


def parse_spec(data: object, *, path: Path, area: str, lines: Sequence[int] = ()) -> SpecFile:
    """Check and convert an already parsed YAML document.

    Args:
        data: the parsed document.
        path: the file it came from (kept in the result, used in messages).
        area: the file's area (see :class:`SpecFile`).
        lines: the 0-based line of each test in the file, when known.

    Returns:
        The frozen :class:`SpecFile`.

    Raises:
        SpecError: see :func:`load_spec`.
    """
    where = str(path)
    if not isinstance(data, dict):
        raise SchemaValidationError(
            [f"$: the document must be a mapping, not {data!r}"], path=where
        )
    version = check_schema_version(data.get("schemaVersion"), path=where)
    validate_spec(data, path=where)
    spec = SpecFile(
        path=path,
        area=area,
        description=data["description"],
        schema_version=version,
        tests=tuple(
            _test(raw, lines[i] if i < len(lines) else 0) for i, raw in enumerate(data["tests"])
        ),
        run_on_requirements=_requirements(data.get("runOnRequirements", ())),
        entities=tuple(_entity(raw) for raw in data.get("createEntities", ())),
        initial_data=tuple(tuple(command) for command in data.get("initialData", ())),
    )
    _check_consistency(spec)
    return spec


def _requirements(raw: list[dict[str, Any]] | tuple[()]) -> tuple[RunOnRequirement, ...]:
    def optional_tuple(value: list[Any] | None) -> tuple[Any, ...] | None:
        return None if value is None else tuple(value)

    return tuple(
        RunOnRequirement(
            min_server_version=(
                parse_version(item["minServerVersion"]) if "minServerVersion" in item else None
            ),
            max_server_version=(
                parse_version(item["maxServerVersion"]) if "maxServerVersion" in item else None
            ),
            topologies=optional_tuple(item.get("topologies")),
            resp=optional_tuple(item.get("resp")),
            server_kinds=optional_tuple(item.get("serverKinds")),
            capabilities=tuple(item.get("capabilities", ())),
        )
        for item in raw
    )


def _frozen(mapping: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


def _entity(raw: dict[str, Any]) -> Entity:
    if "client" in raw:
        client = raw["client"]
        return ClientEntity(
            id=client["id"],
            protocol=client.get("protocol"),
            decode_responses=client.get("decodeResponses", False),
            options=_frozen(client.get("options")),
        )
    cache = raw["cache"]
    return CacheEntity(
        id=cache["id"], client=cache["client"], options=_frozen(cache.get("options"))
    )


def _operation(raw: dict[str, Any], index: int) -> Operation:
    expected_error = raw.get("expectError")
    return Operation(
        name=raw["name"],
        target=raw["object"],
        arguments=_frozen(raw.get("arguments")),
        expect_result=raw.get("expectResult"),
        has_expect_result="expectResult" in raw,
        expect_error=(
            None
            if expected_error is None
            else ExpectedError(
                error_code=expected_error.get("errorCode"),
                error_contains=expected_error.get("errorContains"),
                error_type=expected_error.get("errorType"),
            )
        ),
        save_result_as_entity=raw.get("saveResultAsEntity"),
        index=index,
    )


def _test(raw: dict[str, Any], line: int) -> SpecTest:
    return SpecTest(
        description=raw["description"],
        operations=tuple(_operation(op, i) for i, op in enumerate(raw["operations"])),
        run_on_requirements=_requirements(raw.get("runOnRequirements", ())),
        skip_reason=raw.get("skipReason"),
        line=line,
    )


def _references(value: object, operator: str) -> Iterator[str]:
    """Yield every entity id used with ``operator`` (``$$entity`` / ``$$matchesEntity``)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == operator and isinstance(item, str):
                yield item
            else:
                yield from _references(item, operator)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _references(item, operator)


def _check_consistency(spec: SpecFile) -> None:
    where = str(spec.path)
    declared: dict[str, Entity] = {}
    for entity in spec.entities:
        if entity.id in declared:
            raise SpecError(f"entity id {entity.id!r} is declared twice", path=where)
        if isinstance(entity, CacheEntity) and not isinstance(
            declared.get(entity.client), ClientEntity
        ):
            raise SpecError(
                f"cache {entity.id!r} names client {entity.client!r}, which is not a client "
                "declared before it",
                path=where,
            )
        declared[entity.id] = entity
    seen_descriptions: set[str] = set()
    for test in spec.tests:
        if test.description in seen_descriptions:
            raise SpecError(f"two tests are described {test.description!r}", path=where)
        seen_descriptions.add(test.description)
        saved: set[str] = set()
        for op in test.operations:
            context = f"test {test.description!r}, {op.describe()}"
            if op.target not in (RUNNER_OBJECT, ADAPTER_OBJECT) and op.target not in declared:
                raise SpecError(f"{context}: unknown entity {op.target!r}", path=where)
            client = op.arguments.get("client") if op.target == RUNNER_OBJECT else None
            if isinstance(client, str) and not isinstance(declared.get(client), ClientEntity):
                raise SpecError(f"{context}: {client!r} is not a client entity", path=where)
            used = [
                *_references(op.arguments, "$$entity"),
                *_references(op.expect_result, "$$matchesEntity"),
            ]
            for name in used:
                if name not in saved:
                    raise SpecError(
                        f"{context}: entity {name!r} is not saved by an earlier operation",
                        path=where,
                    )
            if op.save_result_as_entity is not None:
                if op.save_result_as_entity in declared:
                    raise SpecError(
                        f"{context}: saveResultAsEntity {op.save_result_as_entity!r} is the id "
                        "of a declared entity",
                        path=where,
                    )
                saved.add(op.save_result_as_entity)
