"""Tests of keywire_conformance.pytest_plugin, each in a separate pytest process.

Each test builds a small specs root (schema + spec files) in a temporary directory and runs
pytest there with only this plugin loaded (``-p``, no entry-point autoload, which keeps each run
short); no server is needed except for the one test marked ``integration``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters import DEFAULT_ADAPTER
from keywire_conformance.pytest_plugin import TOPOLOGY_CHOICES
from keywire_conformance.runner import TOPOLOGIES, bundled_specs_dir, schema_path

if TYPE_CHECKING:
    from pathlib import Path

INI = """\
[pytest]
addopts = --strict-markers -p no:cacheprovider -p keywire_conformance.pytest_plugin
xfail_strict = true
filterwarnings = error
"""

UNIT = """\
description: unit specs
schemaVersion: "1.0"
runOnRequirements: [{topologies: [none]}]
tests:
  - description: decodes an integer
    operations:
      - {name: decode, object: adapter, arguments: {data: ":1\\r\\n"}, expectResult: [1]}
  - description: fails on purpose
    operations:
      - {name: decode, object: adapter, arguments: {data: ":1\\r\\n"}, expectResult: [2]}
"""

SERVER = """\
description: server specs
schemaVersion: "1.0"
runOnRequirements: [{topologies: [standalone, cluster]}]
createEntities: [{client: {id: c}}]
tests:
  - description: pings
    operations:
      - {name: command, object: c, arguments: {args: [PING]}, expectResult: PONG}
  - description: cluster only
    runOnRequirements: [{topologies: [cluster]}]
    operations: []
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    specs = tmp_path / "specs"
    (specs / "schema").mkdir(parents=True)
    shutil.copy(schema_path(), specs / "schema")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return specs


def _pytest(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    # Keep the harness's KEYWIRE_SERVER / KEYWIRE_PROVIDER; drop the settings of this plugin.
    ours = ("KEYWIRE_ADAPTER", "KEYWIRE_EXPECTATIONS", "KEYWIRE_PROTOCOL")
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    return done.stdout + done.stderr


def test_topology_choices_are_the_runner_topologies() -> None:
    assert TOPOLOGY_CHOICES == TOPOLOGIES


def test_node_ids_and_markers(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/unit/a.yaml": UNIT, "specs/server/b.yaml": SERVER})
    out = _pytest(tmp_path, "--collect-only", "-q")
    assert "unit/a.yaml::decodes an integer" in out
    assert "server/b.yaml::pings" in out
    assert "4 tests collected" in out
    out = _pytest(tmp_path, "--collect-only", "-q", "-m", "not integration")
    assert "2/4 tests collected (2 deselected)" in out
    out = _pytest(tmp_path, "--collect-only", "-q", "-m", "cluster")
    assert "server/b.yaml::cluster only" in out
    assert "1/4 tests collected (3 deselected)" in out


def test_results_and_failure_report(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/unit/a.yaml": UNIT})
    out = _pytest(tmp_path, "-q", "-rA")
    assert "1 failed, 1 passed" in out
    assert "unit/a.yaml::fails on purpose (line 8)" in out
    assert "$[0]: expected 2 (int), got 1 (int)" in out
    assert "_run_spec_item" not in out  # the runner's traceback is not shown
    assert f"keywire conformance: adapter {DEFAULT_ADAPTER}" in out


def test_other_yaml_files_are_left_alone(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "docker/compose.yaml": "services: {redis: {image: redis}}\n",
            "test_plain.py": "def test_plain():\n    pass\n",
        },
    )
    shutil.rmtree(tmp_path / "specs")
    out = _pytest(tmp_path, "-q")
    assert "1 passed" in out
    assert "keywire conformance" not in out


def test_invalid_spec_is_a_collection_error(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/unit/bad.yaml": 'description: d\nschemaVersion: "1.0"\ntests: []\n'})
    out = _pytest(tmp_path, "-q")
    assert "ERROR collecting unit/bad.yaml" in out
    assert "$.tests: [] should be non-empty" in out
    assert "Traceback" not in out


def test_topology_selection(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/server/b.yaml": SERVER})
    out = _pytest(tmp_path, "-q", "-rs", "--keywire-topology=none")
    assert "needs topology ['standalone', 'cluster'], not selected this run" in out
    assert "2 skipped" in out


def test_expectations(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/unit/a.yaml": UNIT})
    expectations = tmp_path / "expectations.yaml"
    expectations.write_text(
        "unit/a.yaml::fails on purpose: {xfail: known}\n"
        "unit/a.yaml::decodes an integer: {xfail: wrongly expected to fail}\n"
        "unit/a.yaml::gone: {skip: stale entry}\n",
        encoding="utf-8",
    )
    out = _pytest(tmp_path, "-q", "-rA", f"--keywire-expectations={expectations}")
    assert "1 failed, 1 xfailed" in out
    assert "[XPASS(strict)]" in out
    assert "expectation entry matches no test: unit/a.yaml::gone" in out
    expectations.write_text("unit/a.yaml: {skip: whole file}\n", encoding="utf-8")
    out = _pytest(tmp_path, "-q", "-rs", env={"KEYWIRE_EXPECTATIONS": str(tmp_path)})
    assert "2 skipped" in out
    assert "whole file" in out


def test_keywire_specs_option(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "area").mkdir(parents=True)
    (elsewhere / "area" / "a.yaml").write_text(UNIT, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    pass\n", encoding="utf-8")
    out = _pytest(tmp_path, "--collect-only", "-q", f"--keywire-specs={elsewhere}")
    assert "area/a.yaml::decodes an integer" in out
    assert "test_plain" not in out
    out = _pytest(tmp_path, "--collect-only", "-q", f"--keywire-specs={elsewhere}", "test_plain.py")
    assert "area/a.yaml::decodes an integer" in out
    assert "test_plain.py::test_plain" in out
    out = _pytest(tmp_path, "--collect-only", "-q", "--keywire-specs=bundled")
    assert "resp/resp3.yaml::push" in out
    assert bundled_specs_dir().is_dir()
    out = _pytest(tmp_path, "-q", "--keywire-specs=nowhere")
    assert "--keywire-specs: nowhere is not a directory" in out


def test_adapter_option(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/unit/a.yaml": UNIT})
    out = _pytest(tmp_path, "-q", "--keywire-adapter=no_such_module_here:Adapter")
    assert "cannot import adapter module 'no_such_module_here'" in out
    out = _pytest(tmp_path, "-q", env={"KEYWIRE_ADAPTER": "keywire_conformance.adapters:Nope"})
    assert "has no class 'Nope'" in out


def test_protocol_option(tmp_path: Path) -> None:
    spec = """\
    description: resp requirement
    schemaVersion: "1.0"
    runOnRequirements: [{topologies: [none], resp: [2]}]
    tests:
      - {description: t, operations: []}
    """
    _project(tmp_path, {"specs/unit/a.yaml": spec})
    assert "1 skipped" in _pytest(tmp_path, "-q")
    assert "1 passed" in _pytest(tmp_path, "-q", "--keywire-protocol=2")
    assert "1 passed" in _pytest(tmp_path, "-q", env={"KEYWIRE_PROTOCOL": "2"})
    assert "KEYWIRE_PROTOCOL must be 2 or 3" in _pytest(
        tmp_path, "-q", env={"KEYWIRE_PROTOCOL": "4"}
    )


@pytest.mark.integration
def test_server_specs_use_the_harness(tmp_path: Path) -> None:
    _project(tmp_path, {"specs/server/b.yaml": SERVER})
    out = _pytest(tmp_path, "-q", "-rs", "--keywire-topology=standalone")
    assert "1 passed, 1 skipped" in out
