"""The servers a test runs against, seen through the harness's topology objects.

The runner does not import the harness: it accepts any object shaped like the harness's
``Standalone`` / ``Replicated`` / ``Cluster`` topologies (typed by the protocols below), which is
what the ``keywire_*`` session fixtures of :mod:`keywire_conformance.fixtures` return.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any, Final, Protocol

from ._errors import HarnessActionError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["NodeLike", "ServerEnvironment", "TopologyLike"]

_MOVED_RE: Final = re.compile(r"^MOVED [0-9]+ (\S+):([0-9]+)")


class NodeLike(Protocol):
    """One server process of a harness topology."""

    host: str
    port: int

    def execute(self, *args: Any) -> object:
        """Send one admin command; error replies are raised."""
        ...

    def restart(self) -> object:
        """Stop and start the server on the same port."""
        ...


class TopologyLike(Protocol):
    """A harness topology: its nodes and what server they run."""

    @property
    def nodes(self) -> Sequence[NodeLike]:
        """Every server of the topology."""
        ...

    @property
    def version(self) -> tuple[int, int, int]:
        """The server version."""
        ...


async def _call(result: object) -> object:
    """Await ``result`` when a harness method turns out to be async."""
    if inspect.isawaitable(result):
        return await result
    return result


class ServerEnvironment:
    """A harness topology plus the admin actions the runner needs from it.

    Args:
        topology: ``standalone``, ``replicated`` or ``cluster``.
        target: the harness topology object (see :class:`TopologyLike`); ``standalone`` ones
            have ``.node``, ``replicated`` ones ``.primary`` / ``.replicas``, ``cluster`` ones
            ``.primaries`` / ``.replicas`` / ``.startup_nodes``.
    """

    def __init__(self, topology: str, target: object) -> None:
        self.topology = topology
        self.target = target

    def __repr__(self) -> str:
        return f"ServerEnvironment({self.topology!r}, {self.server_kind} {self.version_text})"

    @property
    def version(self) -> tuple[int, ...]:
        """The server version, e.g. ``(7, 0, 15)``."""
        return tuple(getattr(self.target, "version", ()))

    @property
    def version_text(self) -> str:
        """The server version as text (``"7.0.15"``)."""
        return ".".join(map(str, self.version))

    @property
    def server_kind(self) -> str:
        """``"redis"`` or ``"valkey"``."""
        binary = getattr(self.target, "binary", None)
        return str(getattr(binary, "kind", "unknown"))

    @property
    def nodes(self) -> list[NodeLike]:
        """Every server of the topology."""
        return list(getattr(self.target, "nodes", ()))

    @property
    def primaries(self) -> list[NodeLike]:
        """The servers that accept writes."""
        if self.topology == "standalone":
            return [getattr(self.target, "node")]  # noqa: B009 -- duck-typed topology
        if self.topology == "replicated":
            return [getattr(self.target, "primary")]  # noqa: B009 -- duck-typed topology
        return list(getattr(self.target, "primaries"))  # noqa: B009 -- duck-typed topology

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """Where clients connect: the primary first (then replicas), or the cluster's seeds."""
        if self.topology == "cluster":
            seeds = getattr(self.target, "startup_nodes", None) or self.primaries
            return [_address(seed) for seed in seeds]
        nodes = self.primaries + list(getattr(self.target, "replicas", ()))
        return [_address(node) for node in nodes]

    async def admin(self, node: NodeLike, *args: object) -> object:
        """Run one admin command on ``node``; error replies are raised by the harness."""
        return await _call(node.execute(*args))

    async def prepare(self, initial_data: Sequence[Sequence[object]]) -> None:
        """Run a spec's ``initialData`` commands (the harness's clean fixtures flushed already).

        Commands go to the (first) primary; in a cluster they follow ``MOVED`` redirections.

        Raises:
            HarnessActionError: when a command fails.
        """
        for command in initial_data:
            node = self.primaries[0]
            for _ in range(len(self.nodes) + 1):
                try:
                    await self.admin(node, *command)
                    break
                except Exception as exc:
                    moved = _MOVED_RE.match(str(exc))
                    target = moved and self._node_at(moved.group(1), int(moved.group(2)))
                    if not target:
                        raise HarnessActionError(f"initialData {list(command)}: {exc}") from exc
                    node = target

    async def kill_connections(self, client_ids: Sequence[int] | None) -> int:
        """Kill client connections with ``CLIENT KILL`` on every node.

        Args:
            client_ids: the ``CLIENT ID`` of the connections to kill; ``None`` kills every
                normal and pub/sub client except the harness's own admin connection.

        Returns:
            How many connections were killed.

        Raises:
            HarnessActionError: when given ids and none of them was found.
        """
        killed = 0
        for node in self.nodes:
            if getattr(node, "running", True) is False:  # stopped by an earlier operation
                continue
            if client_ids is None:
                for kind in ("normal", "pubsub"):
                    reply = await self._checked(
                        node, ("CLIENT", "KILL", "TYPE", kind, "SKIPME", "yes")
                    )
                    killed += reply if isinstance(reply, int) else 0
                continue
            for client_id in client_ids:
                try:
                    reply = await self.admin(node, "CLIENT", "KILL", "ID", client_id)
                except Exception as exc:  # "No such client" on the nodes that do not have it
                    if "no such client" not in str(exc).lower():
                        raise HarnessActionError(f"CLIENT KILL ID {client_id}: {exc}") from exc
                    continue
                killed += reply if isinstance(reply, int) else 0
        if client_ids and not killed:
            raise HarnessActionError(f"no connection with CLIENT ID {list(client_ids)} was found")
        return killed

    async def restart(self, node_index: int | None = None) -> None:
        """Restart a server (standalone only in this version).

        Raises:
            HarnessActionError: for other topologies or when the restart fails.
        """
        if self.topology != "standalone":
            raise HarnessActionError(
                f"restartServer on a {self.topology} topology is not implemented yet"
            )
        if node_index not in (None, 0):
            raise HarnessActionError(f"a standalone topology has no node {node_index}")
        try:
            await _call(self.primaries[0].restart())
        except Exception as exc:
            raise HarnessActionError(f"restarting the server failed: {exc}") from exc

    async def _checked(self, node: NodeLike, command: tuple[object, ...]) -> object:
        try:
            return await self.admin(node, *command)
        except Exception as exc:
            raise HarnessActionError(
                f"{' '.join(map(str, command))} on {_address(node)}: {exc}"
            ) from exc

    def _node_at(self, host: str, port: int) -> NodeLike | None:
        for node in self.nodes:
            if node.port == port and (node.host == host or host in ("", "127.0.0.1", "localhost")):
                return node
        return None


def _address(node: object) -> tuple[str, int]:
    if isinstance(node, tuple):
        return str(node[0]), int(node[1])
    return str(getattr(node, "host")), int(getattr(node, "port"))  # noqa: B009 -- duck typing
