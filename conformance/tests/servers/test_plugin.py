"""The fixtures module as a pytest plugin, run in a child pytest: automatic markers, options,
and servers stopped at session finish."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from keywire_conformance.servers import ServerBinary

pytestmark = pytest.mark.integration

TESTS = """
from pathlib import Path

import pytest

from keywire_conformance.servers import LocalProvider


def test_uses_a_server(keywire_clean_standalone, keywire_server_binary):
    Path("binary.txt").write_text(keywire_server_binary.path)
    assert keywire_clean_standalone.node.execute("PING") == "PONG"


def test_leaks_a_server(keywire_server_binary):
    # Never closed: pytest_sessionfinish must stop it.
    node = LocalProvider(keywire_server_binary).start_standalone().node
    Path("leaked.pid").write_text(str(node.pid))


def test_plain():
    pass
"""

CONFTEST = """
from pathlib import Path


def pytest_unconfigure(config):
    # Runs after pytest_sessionfinish and before interpreter exit (atexit).
    pid = Path("leaked.pid")
    if pid.exists():
        alive = Path(f"/proc/{pid.read_text()}").exists()
        Path("after-session.txt").write_text("alive" if alive else "gone")
"""


def run_child(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_child.py").write_text(TESTS)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    command = [
        sys.executable, "-m", "pytest", "-c", "/dev/null", "--rootdir", str(tmp_path),
        "-p", "no:cacheprovider", "-p", "no:keywire_conformance", "-p", "no:valkey",
        "-p", "keywire_conformance.fixtures", "--strict-markers", "-q", *args,
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def test_not_integration_deselects_server_tests(tmp_path: Path) -> None:
    done = run_child(tmp_path, "-m", "not integration")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 2 deselected" in done.stdout


def test_markers_are_registered(tmp_path: Path) -> None:
    done = run_child(tmp_path, "--markers")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "@pytest.mark.integration:" in done.stdout
    assert "@pytest.mark.cluster:" in done.stdout


def test_server_option_and_session_finish(
    tmp_path: Path, keywire_server_binary: ServerBinary
) -> None:
    if keywire_server_binary.source == "docker":
        pytest.skip("needs a local server binary")
    done = run_child(tmp_path, "--keywire-server", keywire_server_binary.path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert (tmp_path / "binary.txt").read_text() == keywire_server_binary.path
    assert (tmp_path / "after-session.txt").read_text() == "gone"
