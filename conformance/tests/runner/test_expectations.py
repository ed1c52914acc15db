"""Tests of keywire_conformance.runner._expectations: per-adapter skip / xfail files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters import DEFAULT_ADAPTER, adapter_directory
from keywire_conformance.runner import (
    EXPECTATIONS_FILE_NAME,
    Expectation,
    SpecError,
    load_expectations,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_load_and_lookup(tmp_path: Path) -> None:
    path = tmp_path / EXPECTATIONS_FILE_NAME
    path.write_text(
        "a/f.yaml::t1: {skip: not supported}\n"
        "a/f.yaml::t2:\n  xfail: known bug\n"
        "a/g.yaml: {skip: whole file}\n",
        encoding="utf-8",
    )
    expectations = load_expectations(path)
    assert expectations.path == path
    assert expectations.lookup("a/f.yaml", "a/f.yaml::t1") == Expectation(
        "skip", "not supported", "a/f.yaml::t1"
    )
    assert expectations.lookup("a/f.yaml", "a/f.yaml::t2") == Expectation(
        "xfail", "known bug", "a/f.yaml::t2"
    )
    assert expectations.lookup("a/f.yaml", "a/f.yaml::t3") is None
    assert expectations.lookup("a/g.yaml", "a/g.yaml::any").reason == "whole file"  # type: ignore[union-attr]


def test_missing_or_empty_files(tmp_path: Path) -> None:
    assert load_expectations(None).entries == {}
    assert load_expectations(tmp_path / "nope.yaml").entries == {}
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert load_expectations(empty).entries == {}


@pytest.mark.parametrize(
    "text",
    [
        "- a list\n",
        "a/f.yaml::t: skip\n",
        "a/f.yaml::t: {skip: reason, xfail: reason}\n",
        "a/f.yaml::t: {ignore: reason}\n",
        "a/f.yaml::t: {skip: ''}\n",
        "a/f.yaml::t: {skip: 1}\n",
        "1: {skip: reason}\n",
        "key: [unclosed\n",
    ],
)
def test_malformed_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / EXPECTATIONS_FILE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError):
        load_expectations(path)


def test_the_reference_adapter_file_is_empty() -> None:
    directory = adapter_directory(DEFAULT_ADAPTER)
    assert directory is not None
    expectations = load_expectations(directory / EXPECTATIONS_FILE_NAME)
    assert expectations.path is not None
    assert expectations.entries == {}
