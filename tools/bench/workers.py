"""The parent's side of the worker processes (see ``worker.py``)."""

from __future__ import annotations

import contextlib
import json
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tools.bench.common import BenchError

if TYPE_CHECKING:
    from tools.bench.common import Servers
    from tools.bench.variants import Variant

_WORKER = Path(__file__).resolve().with_name("worker.py")


@dataclass(frozen=True)
class Sample:
    """One measurement."""

    ops: int
    seconds: float

    @property
    def rate(self) -> float:
        """Operations per second."""
        return self.ops / self.seconds


class Worker:
    """A running worker process for one variant.

    It runs in its own session, so a Ctrl-C in the terminal reaches only the parent, which
    then closes the worker (end of stdin); a worker whose parent died sees end of stdin too.
    """

    def __init__(self, variant: Variant, servers: Servers) -> None:
        self.variant = variant
        self.backend = "?"
        argv = [sys.executable, str(_WORKER), "--variant", variant.name]
        argv += ["--topology", servers.topology]
        for node in servers.nodes:
            argv += ["--node", str(node)]
        self._process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        return stdin, stdout

    def _receive(self, timeout: float) -> dict[str, Any]:
        stdout = self._pipes()[1]
        ready, _, _ = select.select([stdout], [], [], timeout)
        if not ready:
            raise BenchError(f"worker {self.variant.name}: no answer in {timeout:.0f} s")
        line = stdout.readline()
        if not line:
            code = self._process.wait()
            raise BenchError(f"worker {self.variant.name} exited (status {code})")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise BenchError(f"worker {self.variant.name}: {message['error']}")
        return message

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the client is connected; records which parser it uses."""
        self.backend = str(self._receive(timeout)["backend"])

    def measure(self, function: str, *, seconds: float, warmup: float, max_ops: int) -> Sample:
        """Warm up, then measure ``function`` for ``seconds`` (or ``max_ops`` operations)."""
        request = {"function": function, "seconds": seconds, "warmup": warmup, "max_ops": max_ops}
        stdin = self._pipes()[0]
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
        except OSError as exc:  # the worker died
            raise BenchError(f"worker {self.variant.name}: {exc}") from exc
        reply = self._receive(timeout=seconds + warmup + 60.0)
        return Sample(int(reply["ops"]), float(reply["seconds"]))

    def close(self) -> None:
        """End the worker (end of stdin, then SIGKILL if it lingers); idempotent."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(OSError):  # a dead worker: broken pipe on flush
                stdin.close()
        try:
            self._process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        stdout = self._process.stdout
        if stdout is not None:
            stdout.close()
