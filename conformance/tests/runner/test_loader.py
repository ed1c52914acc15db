"""Tests of keywire_conformance.runner._loader: version check, schema, consistency."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import jsonschema
import pytest

from keywire_conformance.runner import (
    SUPPORTED_SCHEMA_VERSION,
    ClientEntity,
    SchemaValidationError,
    SpecError,
    UnsupportedSchemaVersionError,
    bundled_specs_dir,
    check_schema_version,
    find_spec_root,
    load_spec,
    parse_version,
    schema_path,
)

if TYPE_CHECKING:
    from pathlib import Path

HEADER = 'description: d\nschemaVersion: "1.0"\n'


def _write(directory: Path, text: str, name: str = "spec.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_spec_of_the_suite_loads() -> None:
    root = bundled_specs_dir()
    files = [p for p in root.rglob("*.yaml") if find_spec_root(p) == root]
    assert len(files) >= 10
    for path in files:
        spec = load_spec(path)
        assert spec.area in ("resp", "commands"), path
        assert spec.tests


def test_load_a_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + textwrap.dedent(
            """\
        runOnRequirements:
          - {minServerVersion: "7.0", topologies: [standalone], resp: [3]}
        createEntities:
          - client: {id: c, protocol: 2, decodeResponses: true, options: {x: 1}}
        initialData:
          - [SET, k, 1]
        tests:
          - description: first
            operations:
              - name: command
                object: c
                arguments: {args: [GET, k]}
                expectResult: null
          - description: second
            skipReason: later
            operations: []
        """
        ),
    )
    spec = load_spec(path)
    assert spec.schema_version == (1, 0)
    assert spec.area == tmp_path.name
    assert spec.file_id == f"{tmp_path.name}/spec.yaml"
    assert spec.entities == (
        ClientEntity(id="c", protocol=2, decode_responses=True, options={"x": 1}),
    )
    assert spec.initial_data == (("SET", "k", 1),)
    requirement = spec.run_on_requirements[0]
    assert requirement.min_server_version == (7, 0)
    assert requirement.topologies == ("standalone",)
    first, second = spec.tests
    assert spec.test_id(first) == f"{tmp_path.name}/spec.yaml::first"
    assert first.line == 9  # 0-based, like pytest locations
    operation = first.operations[0]
    assert operation.has_expect_result
    assert operation.expect_result is None
    assert operation.describe() == "operation 0 (command on c)"
    assert not second.operations[0:1]
    assert second.skip_reason == "later"


def test_area_is_the_subdirectory_of_the_specs_root(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "keywire-spec.schema.json").write_text("{}")
    (tmp_path / "area" / "deeper").mkdir(parents=True)
    path = _write(
        tmp_path / "area" / "deeper", HEADER + "tests: [{description: t, operations: []}]"
    )
    assert find_spec_root(path) == tmp_path
    assert load_spec(path, root=tmp_path).area == "area"
    assert find_spec_root(tmp_path / "schema" / "other.yaml") is None


@pytest.mark.parametrize(
    ("version", "accepted"),
    [
        ("1.0", True),
        ("1.1", True),
        ("1.2", False),
        ("2.0", False),
        ("0.9", False),
        ("1", False),
        ("1.0.0", False),
    ],
)
def test_schema_version(version: str, accepted: bool) -> None:
    assert SUPPORTED_SCHEMA_VERSION == (1, 1)
    if accepted:
        assert check_schema_version(version) == tuple(map(int, version.split(".")))
    else:
        with pytest.raises(SpecError):
            check_schema_version(version)


def test_a_newer_version_is_refused_before_the_schema(tmp_path: Path) -> None:
    path = _write(tmp_path, 'description: d\nschemaVersion: "2.0"\nnewField: 1\ntests: []\n')
    with pytest.raises(UnsupportedSchemaVersionError, match="a newer runner is needed"):
        load_spec(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("description: [unclosed", "not valid YAML"),
        ("- a list", "the document must be a mapping"),
        ("a: 1\na: 2\n", "duplicate key"),
    ],
)
def test_unusable_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        load_spec(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read the file"):
        load_spec(tmp_path / "nope.yaml")


def test_schema_errors_are_listed_with_paths(tmp_path: Path) -> None:
    tests = "".join(
        f"  - {{description: t{i}, operations: [{{name: x, object: adapter, nope: 1}}]}}\n"
        for i in range(25)
    )
    with pytest.raises(SchemaValidationError) as error:
        load_spec(_write(tmp_path, HEADER + "tests:\n" + tests))
    assert error.value.errors[0] == (
        "$.tests[0].operations[0]: Additional properties are not allowed ('nope' was unexpected)"
    )
    assert error.value.errors[-1] == "... and 5 more"
    assert str(error.value).startswith(f"{tmp_path / 'spec.yaml'}: does not follow the spec schema")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "tests:\n  - {description: t, operations: []}\n  - {description: t, operations: []}\n",
            "two tests are described 't'",
        ),
        (
            "createEntities: [{client: {id: c}}, {client: {id: c}}]\n"
            "tests: [{description: t, operations: []}]\n",
            "entity id 'c' is declared twice",
        ),
        (
            "createEntities: [{cache: {id: k, client: c}}, {client: {id: c}}]\n"
            "tests: [{description: t, operations: []}]\n",
            "cache 'k' names client 'c', which is not a client declared before it",
        ),
        (
            "tests: [{description: t, operations: [{name: command, object: c}]}]\n",
            "unknown entity 'c'",
        ),
        (
            "createEntities: [{client: {id: c}}, {cache: {id: k, client: c}}]\n"
            "tests: [{description: t, operations: [\n"
            "  {name: killConnection, object: runner, arguments: {client: k}}]}]\n",
            "'k' is not a client entity",
        ),
        (
            "tests: [{description: t, operations: [\n"
            "  {name: decode, object: adapter, arguments: {data: {$$entity: x}}},\n"
            "  {name: decode, object: adapter, saveResultAsEntity: x}]}]\n",
            "entity 'x' is not saved by an earlier operation",
        ),
        (
            "tests: [{description: t, operations: [\n"
            "  {name: decode, object: adapter, expectResult: {$$matchesEntity: x}}]}]\n",
            "entity 'x' is not saved by an earlier operation",
        ),
        (
            "createEntities: [{client: {id: c}}]\n"
            "tests: [{description: t, operations: [\n"
            "  {name: command, object: c, saveResultAsEntity: c}]}]\n",
            "saveResultAsEntity 'c' is the id of a declared entity",
        ),
    ],
)
def test_consistency_checks(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        load_spec(_write(tmp_path, HEADER + body))


def test_saved_entities_are_per_test(tmp_path: Path) -> None:
    body = """\
    tests:
      - description: a
        operations:
          - {name: decode, object: adapter, saveResultAsEntity: x}
      - description: b
        operations:
          - {name: decode, object: adapter, expectResult: {$$matchesEntity: x}}
    """
    with pytest.raises(SpecError, match="test 'b'"):
        load_spec(_write(tmp_path, HEADER + textwrap.dedent(body)))


def test_parse_version() -> None:
    assert parse_version("7") == (7,)
    assert parse_version("7.0.15") == (7, 0, 15)
