"""Tests of keywire_conformance.adapters: the protocol, loading, error classification."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from keywire_conformance.adapters import (
    DEFAULT_ADAPTER,
    ERROR_KINDS,
    Adapter,
    AdapterLoadError,
    ErrorInfo,
    adapter_directory,
    default_classify_error,
    error_code_of,
    load_adapter,
    split_adapter_spec,
)
from keywire_conformance.adapters.reference import ReferenceAdapter


def test_default_adapter_loads_and_follows_the_protocol() -> None:
    adapter_class = load_adapter(DEFAULT_ADAPTER)
    assert adapter_class is ReferenceAdapter
    assert isinstance(ReferenceAdapter(), Adapter)
    assert {"raw-command", "resp-decode"} <= ReferenceAdapter.capabilities


def test_adapter_directory() -> None:
    directory = adapter_directory(DEFAULT_ADAPTER)
    assert directory == Path(__file__).resolve().parents[2] / (
        "src/keywire_conformance/adapters/reference"
    )
    assert adapter_directory("no_such_module_here:X") is None
    assert adapter_directory("builtins:object") is None


@pytest.mark.parametrize("spec", ["", "module", "module:", ":Class", "module:not-an-identifier"])
def test_malformed_adapter_names(spec: str) -> None:
    with pytest.raises(AdapterLoadError, match="is not of the form"):
        split_adapter_spec(spec)


def test_split() -> None:
    assert split_adapter_spec(" pkg.mod:Name ") == ("pkg.mod", "Name")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here:X", "cannot import adapter module"),
        ("keywire_conformance.adapters:Nope", "has no class 'Nope'"),
        ("keywire_conformance.adapters:DEFAULT_ADAPTER", "has no class"),
        ("keywire_conformance.adapters:ErrorInfo", "lacks name, capabilities"),
    ],
)
def test_load_errors(spec: str, message: str) -> None:
    with pytest.raises(AdapterLoadError, match=message):
        load_adapter(spec)


def test_capabilities_must_be_a_frozenset(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_adapter_module")

    members = dict.fromkeys(("create_client", "run_operation", "classify_error", "close"))
    module.Fake = type("Fake", (), {"name": "fake", "capabilities": {"x"}, **members})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_adapter_module", module)
    with pytest.raises(AdapterLoadError, match="frozenset"):
        load_adapter("fake_adapter_module:Fake")


class ReplyError(Exception):
    pass


class SlowError(TimeoutError):
    pass


@pytest.mark.parametrize(
    ("exc", "info"),
    [
        (
            ReplyError("WRONGTYPE Operation"),
            ErrorInfo("ReplyError", "WRONGTYPE", "WRONGTYPE Operation"),
        ),
        (ReplyError("lower case"), ErrorInfo("ReplyError", None, "lower case")),
        (ConnectionResetError("reset"), ErrorInfo("ConnectionError", None, "reset")),
        (SlowError("slow"), ErrorInfo("TimeoutError", None, "slow")),
        (KeyError("k"), ErrorInfo("Other", None, "'k'")),
    ],
)
def test_default_classification(exc: BaseException, info: ErrorInfo) -> None:
    assert default_classify_error(exc) == info
    assert info.kind in ERROR_KINDS


def test_error_code_of() -> None:
    assert error_code_of("MOVED 1 h:1") == "MOVED"
    assert error_code_of("ERR") == "ERR"
    assert error_code_of("Err x") is None
    assert error_code_of("") is None
