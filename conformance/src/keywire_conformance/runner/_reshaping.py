"""Runner operations that change a cluster's topology while a test's clients keep running.

``migrateSlot``, ``failover``, ``killNode``, ``addNode`` and ``restartServer`` on a cluster, each
carried out by the harness's :class:`~keywire_conformance.servers.Cluster` (duck-typed below, as
the rest of the runner does) in a worker thread, so the event loop of the clients under test
keeps running while the harness waits for the cluster to settle. Each operation returns once
every running node agrees on the new slot map (a killed replica: at once), so the operations
after it meet a settled cluster that the clients have not seen yet, which is the point: the
clients must follow ``MOVED`` / ``ASK``, a refused connection or an unknown node by themselves.
Nodes are named by a key (the shard serving its slot), never by a port or an index the spec
cannot know. The clean-cluster fixture puts the cluster back as formed before the next test.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Final, Protocol

from ._errors import HarnessActionError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ._environment import NodeLike

__all__ = ["RESHAPING_OPERATIONS", "ReshapableCluster", "Reshaper"]

RESHAPING_OPERATIONS: Final = frozenset({"migrateSlot", "failover", "killNode", "addNode"})
"""The runner operations of this module (``restartServer`` on a cluster comes here too)."""


class ReshapableCluster(Protocol):
    """What the runner needs of a harness cluster (see ``keywire_conformance.servers.Cluster``)."""

    @property
    def nodes(self) -> Sequence[Any]:
        """Every node, formed and added."""
        ...

    def slot_owner(self, slot: int) -> Any:
        """The primary serving ``slot`` now."""
        ...

    def replicas_serving(self, slot: int) -> list[Any]:
        """The running replicas of that primary."""
        ...

    def next_primary(self, after: Any) -> Any:
        """Another primary, to move a slot to."""
        ...

    def begin_migration(self, slot: int, target: Any, *, move_keys: bool = True) -> Any:
        """Open a migration (IMPORTING / MIGRATING, keys moved when asked)."""
        ...

    def finish_migration(self, slot: int) -> Any:
        """Close it (SETSLOT NODE everywhere) and wait for agreement."""
        ...

    def migrate_slot(self, slot: int, target: Any = None) -> Any:
        """Both at once."""
        ...

    def fail_over(self, replica: Any) -> None:
        """Promote ``replica`` with CLUSTER FAILOVER and wait for agreement."""
        ...

    def kill_node(self, node: Any) -> Any:
        """SIGKILL ``node``; for a primary, wait for the automatic failover."""
        ...

    def add_node(self, role: Any = "primary", *, primary: Any = None) -> Any:
        """Start and join a new node."""
        ...

    def wait_settled(self) -> None:
        """Wait until every running node agrees on the slot map."""
        ...


def _text(arguments: Mapping[str, object], name: str) -> str | None:
    value = arguments.get(name)
    return None if value is None else str(value)


class Reshaper:
    """Carries out one test's reshaping operations on its cluster.

    Args:
        cluster: the harness cluster.
    """

    def __init__(self, cluster: ReshapableCluster) -> None:
        self.cluster = cluster
        self.added: list[Any] = []
        """Nodes ``addNode`` started in this test, newest last (``migrateSlot {to: added}``)."""

    def slot_of(self, arguments: Mapping[str, object], operation: str) -> int:
        """The slot an operation names: ``slot``, or the slot of ``key`` (``CLUSTER KEYSLOT``)."""
        slot = arguments.get("slot")
        if isinstance(slot, int):
            return slot
        key = _text(arguments, "key")
        if key is None:
            raise HarnessActionError(f"{operation} needs a 'key' or a 'slot'")
        node: NodeLike = next(n for n in self.cluster.nodes if getattr(n, "running", True))
        reply = node.execute("CLUSTER", "KEYSLOT", key)
        if not isinstance(reply, int):
            raise HarnessActionError(f"CLUSTER KEYSLOT {key!r} returned {reply!r}")
        return reply

    async def run(self, name: str, arguments: Mapping[str, object]) -> None:
        """Run ``name`` in a worker thread.

        Raises:
            HarnessActionError: for arguments the topology cannot satisfy, or when the harness
                fails (the message carries its reason).
        """
        try:
            await asyncio.to_thread(self._run, name, arguments)
        except HarnessActionError:
            raise
        except Exception as exc:
            raise HarnessActionError(f"runner operation {name} failed: {exc}") from exc

    def _run(self, name: str, arguments: Mapping[str, object]) -> None:
        if name == "migrateSlot":
            self._migrate(arguments)
        elif name == "failover":
            self._failover(arguments)
        elif name == "killNode":
            self.cluster.kill_node(self._node(arguments, "killNode"))
        elif name == "addNode":
            self._add(arguments)
        elif name == "restartServer":
            self._restart(arguments)
        else:
            raise HarnessActionError(f"{name} is not a cluster runner operation")

    def _migrate(self, arguments: Mapping[str, object]) -> None:
        slot = self.slot_of(arguments, "migrateSlot")
        stage = _text(arguments, "stage") or "whole"
        if stage == "finish":
            self.cluster.finish_migration(slot)
            return
        if _text(arguments, "to") == "added":
            if not self.added:
                raise HarnessActionError("migrateSlot {to: added}: no addNode ran before")
            target = self.added[-1]
        else:
            target = self.cluster.next_primary(self.cluster.slot_owner(slot))
        if stage == "begin":
            move_keys = arguments.get("moveKeys", True)
            self.cluster.begin_migration(slot, target, move_keys=bool(move_keys))
        else:
            self.cluster.migrate_slot(slot, target)

    def _node(self, arguments: Mapping[str, object], operation: str) -> Any:
        """``{key, role?}`` -> that shard's primary or first replica; ``{node}`` -> by index."""
        index = arguments.get("node")
        if isinstance(index, int):
            nodes = list(self.cluster.nodes)
            if index >= len(nodes):
                raise HarnessActionError(f"{operation}: the cluster has no node {index}")
            return nodes[index]
        slot = self.slot_of(arguments, operation)
        if (_text(arguments, "role") or "primary") == "primary":
            return self.cluster.slot_owner(slot)
        replicas = self.cluster.replicas_serving(slot)
        if not replicas:
            raise HarnessActionError(f"{operation}: slot {slot}'s primary has no running replica")
        return replicas[0]

    def _failover(self, arguments: Mapping[str, object]) -> None:
        index = arguments.get("replica")
        if isinstance(index, int):
            replicas = list(getattr(self.cluster, "replicas", ()))
            if index >= len(replicas):
                raise HarnessActionError(f"failover: the cluster has no replica {index}")
            replica = replicas[index]
        else:
            replica = self._node({"role": "replica", "key": "", **arguments}, "failover")
        self.cluster.fail_over(replica)

    def _add(self, arguments: Mapping[str, object]) -> None:
        role = _text(arguments, "role") or "primary"
        primary = None
        if role == "replica":
            primary = self.cluster.slot_owner(self.slot_of({"key": "", **arguments}, "addNode"))
        self.added.append(self.cluster.add_node(role, primary=primary))

    def _restart(self, arguments: Mapping[str, object]) -> None:
        index = arguments.get("node")
        nodes = list(self.cluster.nodes)
        if isinstance(index, int):
            if index >= len(nodes):
                raise HarnessActionError(f"restartServer: the cluster has no node {index}")
            nodes[index].restart()
        else:
            for node in nodes:
                if not node.running:
                    node.restart()
        self.cluster.wait_settled()
