"""Running servers and the topologies they form, independent of how they were started."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Protocol

from ._admin import AdminClient, Arg, Reply, as_int, as_text, parse_info
from ._errors import AdminConnectionError, AdminError, HarnessError, ServerStartError
from ._reshape import ClusterReshaping

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from ._binaries import ServerBinary
    from ._cluster_state import SlotMap

__all__ = [
    "Cluster",
    "Node",
    "ProcessHandle",
    "Replicated",
    "ServerProvider",
    "Standalone",
]

POLL_INTERVAL = 0.02
"""Seconds between two checks of a condition the harness waits for."""


class ProcessHandle(Protocol):
    """How a :class:`Node` controls its server process (a local process or a container)."""

    @property
    def pid(self) -> int | None:
        """The server's process id on this machine, or ``None`` when not known."""

    def is_running(self) -> bool:
        """Whether the server process is alive."""

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the process to exit; return whether it did."""

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM)."""

    def kill(self) -> None:
        """Kill the process (SIGKILL)."""

    def start(self) -> None:
        """Launch (or relaunch) the server with the same arguments, port and directory."""

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server log, for error messages."""

    def force_stop(self) -> None:
        """Stop now with short bounds; never raise (used by the exit-time registry)."""


class Node:
    """One server process, reachable at ``host:port``.

    Args:
        port: the server's client port.
        binary: the server binary it runs.
        handle: controls the process.
        host: address to connect to; the harness binds servers to loopback only.
        workdir: the server's own directory (data, cluster config, log), when local.
    """

    def __init__(
        self,
        *,
        port: int,
        binary: ServerBinary,
        handle: ProcessHandle,
        host: str = "127.0.0.1",
        workdir: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.binary = binary
        self.workdir = workdir
        self.restart_commands: list[tuple[Arg, ...]] = []
        """Admin commands replayed after :meth:`restart` (e.g. ``REPLICAOF`` of a replica)."""
        self._handle = handle

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Node {self.host}:{self.port} {self.binary.label} pid={self.pid} {state}>"

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)``."""
        return (self.host, self.port)

    @property
    def pid(self) -> int | None:
        """The server's process id (``None`` when not known, e.g. for some containers)."""
        return self._handle.pid

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._handle.is_running()

    def admin(self, *, timeout: float = 5.0) -> AdminClient:
        """A new admin connection to this server; the caller closes it (or uses ``with``)."""
        return AdminClient(self.host, self.port, timeout=timeout)

    def execute(self, *args: Arg, timeout: float = 5.0) -> Reply:
        """Run one admin command on a short-lived connection and return its reply.

        Raises:
            AdminError: on an error reply; :class:`AdminConnectionError` when unreachable.
        """
        with self.admin(timeout=timeout) as client:
            return client.execute(*args)

    def info(self, section: str | None = None) -> dict[str, str]:
        """``INFO [section]`` as a ``field -> value`` mapping."""
        reply = self.execute("INFO", section) if section else self.execute("INFO")
        return parse_info(as_text(reply))

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of this server's log."""
        return self._handle.log_tail(lines)

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Poll ``PING`` until the server answers ``PONG``.

        Raises:
            ServerStartError: when the process exits or ``timeout`` passes first; the message
                carries the tail of the server log.
        """
        deadline = time.monotonic() + timeout
        last = "no answer"
        while True:
            if not self._handle.is_running():
                raise ServerStartError(
                    f"{self.binary.label} on port {self.port} exited during start-up.\n"
                    f"--- server log (tail) ---\n{self.log_tail()}"
                )
            try:
                with self.admin(timeout=1.0) as client:
                    if client.execute("PING") == "PONG":
                        return
            except AdminError as exc:  # refused while starting, or -LOADING
                last = exc.message
            if time.monotonic() >= deadline:
                raise ServerStartError(
                    f"{self.binary.label} on port {self.port} did not answer PING within "
                    f"{timeout:g} s (last: {last}).\n--- server log (tail) ---\n{self.log_tail()}"
                )
            time.sleep(POLL_INTERVAL)

    def stop(self, *, timeout: float = 5.0) -> None:
        """Stop gracefully: ``SHUTDOWN NOSAVE``, then SIGTERM, then SIGKILL, each bounded.

        Idempotent; a stopped node can be started again with :meth:`restart`.
        """
        if self._handle.is_running():
            command: list[Arg] = ["SHUTDOWN", "NOSAVE"]
            if self.binary.version >= (7, 0, 0):
                command.append("NOW")  # do not wait for lagging replicas
            # The connection closing is the expected answer to SHUTDOWN.
            with contextlib.suppress(AdminError):
                self.execute(*command, timeout=2.0)
            if not self._handle.wait(timeout):
                self._handle.terminate()
                if not self._handle.wait(3.0):
                    self._handle.kill()
        self._handle.wait(3.0)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        self._handle.kill()
        self._handle.wait(5.0)

    def restart(self, *, timeout: float = 10.0) -> None:
        """Stop the server if it runs, start it again on the same port and directory, wait for
        ``PING``, then replay :attr:`restart_commands`.

        Data does not survive: servers run with ``--save ""`` and ``--appendonly no``; a cluster
        node keeps its identity through its ``nodes-<port>.conf``.
        """
        self.stop()
        self._handle.start()
        self.wait_ready(timeout)
        for command in self.restart_commands:
            self.execute(*command)

    def role(self) -> str:
        """``"master"``, ``"slave"`` or ``"sentinel"``, from ``ROLE``."""
        reply = self.execute("ROLE")
        if not isinstance(reply, list) or not reply:
            raise AdminError(f"unexpected ROLE reply: {reply!r}")
        return as_text(reply[0])


class _Topology:
    """What every topology has: nodes, the binary, and data / health helpers."""

    nodes: list[Node]
    binary: ServerBinary

    @property
    def version(self) -> tuple[int, int, int]:
        """The server version ``(major, minor, patch)``."""
        return self.binary.version

    def flushall(self) -> None:
        """``FLUSHALL`` on every running node that is currently a primary, then ``WAIT`` for
        its connected replicas (bounded), so replicas read no stale keys either."""
        flushed = 0
        for node in self.nodes:
            if not node.running:
                continue
            try:
                if node.role() != "master":
                    continue
            except AdminConnectionError:
                continue
            node.execute("FLUSHALL")
            flushed += 1
            replicas = int(node.info("replication").get("connected_slaves", "0"))
            if replicas:
                node.execute("WAIT", replicas, 1000)
        if not flushed:
            raise HarnessError(f"no running primary to flush in {self!r}")

    def stop(self) -> None:
        """Stop every node (replicas first); idempotent."""
        for node in reversed(self.nodes):
            node.stop()

    def wait_healthy(self, timeout: float = 10.0) -> None:
        """Wait until the topology serves as formed (see the subclasses).

        Raises:
            ServerStartError: when ``timeout`` passes first.
        """
        for node in self.nodes:
            node.wait_ready(timeout)

    def heal(self, timeout: float = 15.0) -> None:
        """Restart nodes that are not running, then :meth:`wait_healthy`."""
        for node in self.nodes:
            if not node.running:
                node.restart(timeout=timeout)
        self.wait_healthy(timeout)


class Standalone(_Topology):
    """One server on its own.

    Args:
        node: the server.
    """

    def __init__(self, node: Node) -> None:
        self.node = node
        self.nodes = [node]
        self.binary = node.binary

    def __repr__(self) -> str:
        return f"<Standalone {self.node.host}:{self.node.port} {self.binary.label}>"

    @property
    def host(self) -> str:
        """The server's host."""
        return self.node.host

    @property
    def port(self) -> int:
        """The server's port."""
        return self.node.port


def wait_replicated(primary: Node, replicas: Sequence[Node], timeout: float) -> None:
    """Wait until ``SET`` then ``WAIT n 100`` on the primary returns ``n`` (all replicas
    acknowledged a write); "replicas listed online" is not enough (DESIGN.md section 7).

    Raises:
        ServerStartError: when ``timeout`` passes first.
    """
    deadline = time.monotonic() + timeout
    key = "__keywire_harness_ready__"
    acked, last = 0, ""
    while True:
        try:
            with primary.admin(timeout=2.0) as client:
                client.execute("SET", key, "1")
                acked = as_int(client.execute("WAIT", len(replicas), 100))
                if acked >= len(replicas):
                    client.execute("DEL", key)
                    client.execute("WAIT", len(replicas), 1000)
                    return
        except AdminError as exc:
            last = f" (last error: {exc.message})"
        if time.monotonic() >= deadline:
            tails = "\n".join(
                f"--- replica {r.port} log (tail) ---\n{r.log_tail(15)}" for r in replicas
            )
            raise ServerStartError(
                f"WAIT {len(replicas)} on primary {primary.port} got {acked} acknowledgements "
                f"within {timeout:g} s{last}.\n{tails}"
            )
        time.sleep(POLL_INTERVAL)


class Replicated(_Topology):
    """A primary with replicas.

    Args:
        primary: the primary.
        replicas: its replicas (configured with ``REPLICAOF``).
    """

    def __init__(self, primary: Node, replicas: Sequence[Node]) -> None:
        self.primary = primary
        self.replicas = list(replicas)
        self.nodes = [primary, *self.replicas]
        self.binary = primary.binary

    def __repr__(self) -> str:
        ports = ",".join(str(r.port) for r in self.replicas)
        return f"<Replicated primary={self.primary.port} replicas={ports} {self.binary.label}>"

    def wait_healthy(self, timeout: float = 10.0) -> None:
        """Wait until every node answers and a write is acknowledged by every replica."""
        super().wait_healthy(timeout)
        wait_replicated(self.primary, self.replicas, timeout)


class Cluster(_Topology, ClusterReshaping):
    """A Redis Cluster: primaries owning all 16384 slots, each with its replicas.

    Besides serving, a cluster can be reshaped (:meth:`migrate_slot`, :meth:`fail_over`,
    :meth:`kill_node`, :meth:`add_node`, ...) and put back as formed with :meth:`restore`,
    which :meth:`heal` (so the ``keywire_clean_cluster`` fixture) runs.

    Args:
        nodes: every node, primaries first.
        primaries: the nodes that owned slots when the cluster was formed.
        replicas: the nodes formed as replicas.
        replicas_of: port of each primary -> its replicas, as formed.
        formation_seconds: from launching the first process to the cluster being ready.
        layout: the ``CLUSTER SLOTS`` map as formed (what :meth:`restore` returns to);
            ``None`` restores nodes and roles but not slots.
        spawner: starts one more cluster-enabled node (for :meth:`add_node`).
    """

    def __init__(
        self,
        nodes: Sequence[Node],
        primaries: Sequence[Node],
        replicas: Sequence[Node],
        *,
        replicas_of: dict[int, list[Node]] | None = None,
        formation_seconds: float = 0.0,
        layout: SlotMap | None = None,
        spawner: Callable[[], Node] | None = None,
    ) -> None:
        self.nodes = list(nodes)
        self._formed = list(nodes)
        self._layout = layout
        self._spawner = spawner
        self._pending = {}
        self.primaries = list(primaries)
        self.replicas = list(replicas)
        self.binary = self.nodes[0].binary
        self.formation_seconds = formation_seconds
        self._replicas_of = dict(replicas_of or {})

    def __repr__(self) -> str:
        return (
            f"<Cluster {len(self.primaries)} primaries + {len(self.replicas)} replicas "
            f"{self.binary.label} ports={[n.port for n in self.nodes]}>"
        )

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        """``(host, port)`` of every node, for a cluster client's start-up list."""
        return [node.address for node in self.nodes]

    def replicas_of(self, primary: Node) -> list[Node]:
        """The replicas formed for ``primary`` (roles may change after a failover)."""
        return list(self._replicas_of.get(primary.port, []))

    def wait_healthy(self, timeout: float = 10.0) -> None:
        """Wait until every node answers and reports ``cluster_state:ok``."""
        super().wait_healthy(timeout)
        deadline = time.monotonic() + timeout
        while True:
            states = {}
            for node in self.nodes:
                try:
                    states[node.port] = parse_info(as_text(node.execute("CLUSTER", "INFO"))).get(
                        "cluster_state"
                    )
                except AdminError as exc:
                    states[node.port] = exc.message
            if all(state == "ok" for state in states.values()):
                return
            if time.monotonic() >= deadline:
                raise ServerStartError(f"cluster not healthy within {timeout:g} s: {states}")
            time.sleep(POLL_INTERVAL)

    def heal(self, timeout: float = 90.0) -> None:
        """Put the cluster back as formed (:meth:`restore`): nodes running, formed roles and
        slot owners, no added node, ``cluster_state:ok`` everywhere."""
        self.restore(timeout=timeout)


class ServerProvider(Protocol):
    """Starts topologies of one server binary and stops them all on :meth:`close`."""

    @property
    def binary(self) -> ServerBinary:
        """The server binary (or image) the topologies run."""

    def start_standalone(self, *, extra_args: Sequence[str] = ()) -> Standalone:
        """Start one server; ``extra_args`` are added to its command line."""

    def start_replicated(self, replicas: int = 2) -> Replicated:
        """Start a primary with ``replicas`` replicas, ready when ``WAIT replicas`` succeeds."""

    def start_cluster(self, primaries: int = 3, replicas_per_primary: int = 1) -> Cluster:
        """Start and form a cluster; ready when every node agrees on the full slot map."""

    def close(self) -> None:
        """Stop everything this provider started (idempotent)."""
