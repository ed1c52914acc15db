"""No server outlives the Python process that started it: SIGKILL (PDEATHSIG) and Ctrl-C."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from keywire_conformance.servers import ServerBinary

pytestmark = pytest.mark.integration

CHILD = """
import sys, time
from keywire_conformance.servers import LocalProvider, select_binary

provider = LocalProvider(select_binary(sys.argv[1]))
topology = provider.start_replicated(replicas=1) if sys.argv[2] == "replicated" else (
    provider.start_standalone()
)
print(" ".join(str(node.pid) for node in topology.nodes), flush=True)
time.sleep(120)
"""


def pid_gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pids: list[int], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not all(pid_gone(pid) for pid in pids):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(scope="module")
def local_binary(keywire_server_binary: ServerBinary) -> ServerBinary:
    if keywire_server_binary.source == "docker":
        pytest.skip("local-process tests need a local server binary")
    return keywire_server_binary


def start_child(binary: ServerBinary, topology: str) -> tuple[subprocess.Popen[bytes], list[int]]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, binary.path, topology],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], 30)
    line = child.stdout.readline() if ready else b""
    if not line:
        child.kill()
        _, err = child.communicate(timeout=10)
        pytest.fail(f"child did not start its servers: {err.decode(errors='replace')}")
    pids = [int(pid) for pid in line.split()]
    assert pids
    assert not any(pid_gone(pid) for pid in pids)
    return child, pids


def finish(child: subprocess.Popen[bytes]) -> int:
    try:
        child.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate(timeout=10)
    return child.returncode


@pytest.mark.parametrize("topology", ["standalone", "replicated"])
def test_servers_die_when_the_owner_is_killed(local_binary: ServerBinary, topology: str) -> None:
    child, pids = start_child(local_binary, topology)
    try:
        os.kill(child.pid, signal.SIGKILL)  # no Python cleanup runs: only PDEATHSIG is left
        assert finish(child) == -signal.SIGKILL
        assert wait_gone(pids), f"servers {pids} outlived their SIGKILLed owner"
    finally:
        for pid in pids:
            if not pid_gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_servers_stop_on_ctrl_c(local_binary: ServerBinary) -> None:
    child, pids = start_child(local_binary, "standalone")
    try:
        os.kill(child.pid, signal.SIGINT)  # KeyboardInterrupt, then the atexit registry
        assert finish(child) != 0
        assert wait_gone(pids), f"servers {pids} outlived their interrupted owner"
    finally:
        for pid in pids:
            if not pid_gone(pid):
                os.kill(pid, signal.SIGKILL)
