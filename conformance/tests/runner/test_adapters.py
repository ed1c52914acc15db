"""Tests of keywire_conformance.adapters: the protocol, loading, error classification."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import pytest

from keywire_conformance.adapters import (
    CLIENT_ADAPTER,
    DEFAULT_ADAPTER,
    ERROR_KINDS,
    REFERENCE_ADAPTER,
    Adapter,
    AdapterLoadError,
    ErrorInfo,
    adapter_directory,
    default_adapter,
    default_classify_error,
    error_code_of,
    load_adapter,
    split_adapter_spec,
)
from keywire_conformance.adapters.keywire_client import KeywireAdapter
from keywire_conformance.adapters.reference import ReferenceAdapter

ADAPTERS_DIR = Path(__file__).resolve().parents[2] / "src/keywire_conformance/adapters"


def test_default_adapter_is_the_keywire_client_where_it_is_installed() -> None:
    # keywire is installed in the workspace, so the client's adapter is the default.
    assert DEFAULT_ADAPTER == default_adapter() == CLIENT_ADAPTER
    adapter_class = load_adapter(DEFAULT_ADAPTER)
    assert adapter_class is KeywireAdapter
    assert isinstance(KeywireAdapter(), Adapter)
    assert {"raw-command", "resp-decode", "typed-commands"} <= KeywireAdapter.capabilities


def test_default_adapter_falls_back_to_the_reference_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_find_spec = importlib.util.find_spec

    def without_keywire(name: str, package: str | None = None) -> object:
        return None if name == "keywire" else real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_keywire)
    assert default_adapter() == REFERENCE_ADAPTER


def test_default_adapter_does_not_import_keywire() -> None:
    code = (
        "import sys; import keywire_conformance.adapters as a; "
        "print(a.DEFAULT_ADAPTER, 'keywire' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == [CLIENT_ADAPTER, "False"]


def test_the_reference_adapter_follows_the_protocol() -> None:
    assert load_adapter(REFERENCE_ADAPTER) is ReferenceAdapter
    assert isinstance(ReferenceAdapter(), Adapter)
    assert {"raw-command", "resp-decode"} <= ReferenceAdapter.capabilities
    assert "typed-commands" not in ReferenceAdapter.capabilities


def test_adapter_directory() -> None:
    assert adapter_directory(REFERENCE_ADAPTER) == ADAPTERS_DIR / "reference"
    assert adapter_directory(CLIENT_ADAPTER) == ADAPTERS_DIR / "keywire_client"
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
