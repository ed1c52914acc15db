"""Tests of keywire_conformance.runner._yaml: YAML 1.2 core scalars, no duplicate keys."""

from __future__ import annotations

import math

import pytest
import yaml

from keywire_conformance.runner._yaml import load_yaml
from keywire_conformance.runner._yaml import test_lines as lines_of


@pytest.mark.parametrize(
    "text",
    ["on", "off", "yes", "no", "Y", "010", "0x1F", "0o7", "1:20", "2024-01-01", "1e3", "1_000"],
)
def test_yaml_1_1_surprises_stay_strings(text: str) -> None:
    assert load_yaml(f"- {text}") == [text]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("0", 0),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("-2.", -2.0),
        (".5", 0.5),
        ("1.0e3", 1000.0),
        (".inf", math.inf),
        ("-.inf", -math.inf),
        ("~", None),
        ("null", None),
        ('"1"', "1"),
    ],
)
def test_core_scalars(text: str, value: object) -> None:
    assert load_yaml(f"- {text}") == [value]


def test_nan() -> None:
    result = load_yaml("- .nan")
    assert isinstance(result, list)
    assert math.isnan(result[0])


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(yaml.YAMLError, match="duplicate key 'a'"):
        load_yaml("a: 1\nb: 2\na: 3\n")
    with pytest.raises(yaml.YAMLError, match="duplicate key"):
        load_yaml("outer: {x: 1, x: 2}")


def test_no_python_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")


def test_test_lines() -> None:
    text = "description: d\ntests:\n  - description: a\n    operations: []\n\n  - description: b\n"
    assert lines_of(text) == [2, 5]
    assert lines_of("- 1") == []
    assert lines_of("tests: 1") == []
