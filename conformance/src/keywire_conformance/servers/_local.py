"""The ``local`` provider: server binaries started as child processes on loopback ports."""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from . import _registry
from ._binaries import ServerBinary, select_binary
from ._errors import HarnessError, ServerStartError
from ._formation import form_cluster, form_replicated, server_args
from ._topology import Cluster, Node, Replicated, Standalone

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["LocalProcess", "LocalProvider"]

_PR_SET_PDEATHSIG = 1
_START_ATTEMPTS = 3
_claimed_ports: set[int] = set()
_ports_lock = threading.Lock()


def _make_preexec() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the kernel SIGKILL the server when its parent dies.

    libc is loaded here, in the parent: the child between fork and exec must not import or
    allocate. The ``getppid`` check closes the race where the parent died before ``prctl``.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    option, sig = ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL)
    zero = ctypes.c_ulong(0)

    def preexec() -> None:
        prctl(option, sig, zero, zero, zero)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


class _Spawner:
    """Spawns children from one long-lived thread when the caller is not the main thread.

    ``PR_SET_PDEATHSIG`` fires when the *thread* that forked the child exits, so a server
    started from a short-lived worker thread would die with that thread.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[
            tuple[Callable[[], subprocess.Popen[bytes]], Future[subprocess.Popen[bytes]]]
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _run(self) -> None:
        while True:
            job, future = self._jobs.get()
            try:
                future.set_result(job())
            except BaseException as exc:  # handed to the caller, who re-raises it
                future.set_exception(exc)

    def spawn(self, job: Callable[[], subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
        if threading.current_thread() is threading.main_thread():
            return job()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="keywire-server-spawner", daemon=True
                )
                self._thread.start()
        future: Future[subprocess.Popen[bytes]] = Future()
        self._jobs.put((job, future))
        return future.result(timeout=30)


_spawner = _Spawner()


def _ephemeral_low() -> int:
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        return int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(*, with_bus: bool = False) -> int:
    """A free loopback port (and ``port + 10000`` for a cluster bus when ``with_bus``).

    Ports are drawn below the kernel's ephemeral range, so outgoing connections do not take
    them between the check and the server's bind, and never handed out twice in one process.

    Raises:
        ServerStartError: when no free port is found.
    """
    high = min(_ephemeral_low(), 65536) - (10000 if with_bus else 0)
    low = 10000
    rng = random.Random()
    for _ in range(500):
        port = rng.randrange(low, high) if high - low > 1000 else rng.randrange(1024, 55535)
        wanted = [port, port + 10000] if with_bus else [port]
        with _ports_lock:
            if any(p in _claimed_ports for p in wanted):
                continue
            if all(_can_bind(p) for p in wanted):
                _claimed_ports.update(wanted)
                return port
    raise ServerStartError("no free loopback port found")


class LocalProcess:
    """A server process under this process's own handle (``--daemonize no``).

    Args:
        argv: the full command line.
        workdir: the server's directory (its ``cwd`` and ``--dir``); ``server.log`` goes there.
    """

    def __init__(self, argv: Sequence[str], workdir: Path) -> None:
        self.argv = list(argv)
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's pid (of the last start)."""
        return None if self._proc is None else self._proc.pid

    def start(self) -> None:
        """Launch the server (again); a still-running previous process is stopped first."""
        if self.is_running():
            self.force_stop()
        self.workdir.mkdir(parents=True, exist_ok=True)
        preexec = _make_preexec()

        def job() -> subprocess.Popen[bytes]:
            with self.log_path.open("ab") as log:
                return subprocess.Popen(
                    self.argv,
                    cwd=self.workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=preexec,  # noqa: PLW1509 - PDEATHSIG; see _make_preexec
                    start_new_session=True,  # Ctrl-C in a terminal reaches us, not the servers
                    close_fds=True,
                )

        self._proc = _spawner.spawn(job)
        _registry.register(self)

    def is_running(self) -> bool:
        """Whether the process is alive (it is reaped once it exits)."""
        return self._proc is not None and self._proc.poll() is None

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the exit; return whether it exited."""
        if self._proc is None:
            return True
        try:
            self._proc.wait(timeout=max(timeout, 0.0))
        except subprocess.TimeoutExpired:
            return False
        _registry.unregister(self)
        return True

    def _signal(self, sig: int) -> None:
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(sig)

    def terminate(self) -> None:
        """Send SIGTERM."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """Send SIGKILL."""
        self._signal(signal.SIGKILL)

    def force_stop(self) -> None:
        """SIGTERM, then SIGKILL after 2 s; reap; forget. Never raises."""
        try:
            if self.is_running():
                self.terminate()
                if not self.wait(2.0):
                    self.kill()
                    self.wait(2.0)
        except Exception:  # exit-time cleanup: one failure must not stop the rest
            pass
        _registry.unregister(self)

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of ``server.log``."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty server log)"


class LocalProvider:
    """Starts topologies from a server binary on this machine, on 127.0.0.1 only.

    Every server runs in the foreground under this process (``subprocess.Popen``), in its own
    directory under ``workdir``, and dies with this process even on SIGKILL (``PDEATHSIG``).

    Args:
        binary: the server to run; ``None`` selects one with :func:`select_binary`.
        workdir: where the servers' directories go; ``None`` makes a temporary directory that
            :meth:`close` removes (kept when ``KEYWIRE_KEEP_SERVER_DIRS`` is set).
        start_timeout: seconds allowed for one server to answer ``PING``.
        topology_timeout: seconds allowed for replication / cluster formation.
    """

    def __init__(
        self,
        binary: ServerBinary | None = None,
        workdir: str | os.PathLike[str] | None = None,
        *,
        start_timeout: float = 10.0,
        topology_timeout: float = 30.0,
    ) -> None:
        self._binary = binary if binary is not None else select_binary()
        self._own_root = workdir is None
        self._root = Path(
            tempfile.mkdtemp(prefix="keywire-servers-") if workdir is None else workdir
        )
        self._nodes: list[Node] = []
        self._closed = False
        self._counter = 0
        self.start_timeout = start_timeout
        self.topology_timeout = topology_timeout

    def __enter__(self) -> LocalProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LocalProvider {self._binary.label} {self._root}>"

    @property
    def binary(self) -> ServerBinary:
        """The server binary this provider runs."""
        return self._binary

    @property
    def workdir(self) -> Path:
        """The directory holding every server's own directory."""
        return self._root

    @property
    def nodes(self) -> list[Node]:
        """Every node started so far (running or not)."""
        return list(self._nodes)

    def _new_node(self, *, cluster: bool, extra_args: Sequence[str]) -> Node:
        port = free_port(with_bus=cluster)
        self._counter += 1
        workdir = self._root / f"node-{self._counter}-{port}"
        argv = [
            *self._binary.argv_prefix,
            *server_args(self._binary, port, cluster=cluster),
            "--dir", str(workdir),
            *extra_args,
        ]  # fmt: skip
        process = LocalProcess(argv, workdir)
        node = Node(port=port, binary=self._binary, handle=process, workdir=workdir)
        self._nodes.append(node)
        try:
            process.start()
        except OSError as exc:
            raise ServerStartError(f"cannot execute {argv[0]}: {exc}") from exc
        return node

    def _launch(self, count: int, *, cluster: bool, extra_args: Sequence[str]) -> list[Node]:
        """Start ``count`` servers at once and wait until each answers ``PING``; a server that
        lost its port to another process is retried on a new port."""
        if self._closed:
            raise HarnessError("this LocalProvider is closed")
        nodes = [self._new_node(cluster=cluster, extra_args=extra_args) for _ in range(count)]
        for index in range(count):
            for attempt in range(_START_ATTEMPTS):
                try:
                    nodes[index].wait_ready(self.start_timeout)
                    break
                except ServerStartError as exc:
                    retry = "Address already in use" in str(exc) and attempt + 1 < _START_ATTEMPTS
                    nodes[index].stop()
                    if not retry:
                        raise
                    nodes[index] = self._new_node(cluster=cluster, extra_args=extra_args)
        return nodes

    def start_standalone(self, *, extra_args: Sequence[str] = ()) -> Standalone:
        """Start one server; ``extra_args`` are appended to its command line.

        Raises:
            ServerStartError: when it does not answer ``PING`` in time (with its log tail).
        """
        (node,) = self._launch(1, cluster=False, extra_args=extra_args)
        return Standalone(node)

    def start_replicated(self, replicas: int = 2, *, extra_args: Sequence[str] = ()) -> Replicated:
        """Start a primary and ``replicas`` replicas; ready when ``SET`` + ``WAIT n 100``
        returns ``n``.

        Raises:
            ServerStartError: when a server or the replication is not ready in time.
        """
        if replicas < 1:
            raise ValueError("a replicated topology needs at least one replica")
        nodes = self._launch(1 + replicas, cluster=False, extra_args=extra_args)
        return form_replicated(nodes[0], nodes[1:], timeout=self.topology_timeout)

    def start_cluster(
        self,
        primaries: int = 3,
        replicas_per_primary: int = 1,
        *,
        extra_args: Sequence[str] = (),
    ) -> Cluster:
        """Start ``primaries * (1 + replicas_per_primary)`` cluster nodes and form a cluster.

        Raises:
            ServerStartError: when a node or the formation is not ready in time.
        """
        if primaries < 1 or replicas_per_primary < 0:
            raise ValueError("a cluster needs primaries >= 1 and replicas_per_primary >= 0")
        started = time.monotonic()
        count = primaries * (1 + replicas_per_primary)
        nodes = self._launch(count, cluster=True, extra_args=extra_args)
        return form_cluster(
            nodes,
            primaries=primaries,
            replicas_per_primary=replicas_per_primary,
            started_at=started,
            spawner=lambda: self._launch(1, cluster=True, extra_args=extra_args)[0],
            timeout=self.topology_timeout,
        )

    def close(self) -> None:
        """Stop every server this provider started (newest first) and remove its temporary
        directory. Idempotent."""
        self._closed = True
        nodes, self._nodes = self._nodes, []
        for node in reversed(nodes):
            try:
                node.stop()
            except Exception:  # keep stopping the others; force_stop never raises
                node._handle.force_stop()
        if self._own_root and not os.environ.get("KEYWIRE_KEEP_SERVER_DIRS"):
            shutil.rmtree(self._root, ignore_errors=True)
