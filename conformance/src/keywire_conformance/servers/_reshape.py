"""Changing a running cluster's shape, and putting it back as it was formed.

The operations the conformance runner and the cluster tests need: migrate a slot (``CLUSTER
SETSLOT IMPORTING / MIGRATING`` + ``MIGRATE``, then ``SETSLOT NODE`` on every primary), fail a
primary over to its replica (``CLUSTER FAILOVER``), kill a node (and wait for the automatic
failover), add a node (``CLUSTER MEET``, ``CLUSTER REPLICATE``), and :meth:`restore`, which the
clean-cluster fixture runs before each test so one test's reshaping never leaks into the next.

Every wait polls the real condition (every running node agreeing on the slot map, roles, replica
links) with a bound; nothing sleeps a fixed time. Server facts relied on: a manual failover is
dropped when the replica has not caught up within 5 s, so it is asked again
(https://redis.io/docs/latest/commands/cluster-failover/); taking a slot back goes through
``IMPORTING`` so the taker bumps its config epoch, else nodes that saw a newer owner keep it
(seen on Redis 6.2); a node that still holds keys of a slot refuses ``SETSLOT NODE`` to another
node (Redis 7), so restoring flushes first.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Literal

from ._cluster_state import (
    CLUSTER_SLOTS,
    SlotMap,
    cluster_nodes,
    cluster_slot_map,
    cluster_state,
    node_id,
    slot_owner_port,
)
from ._errors import AdminConnectionError, AdminError, HarnessError, ReshapeError

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._topology import Node

__all__ = ["ClusterReshaping"]

_POLL = 0.02
_MIGRATE_BATCH = 100
_MIGRATE_TIMEOUT_MS = 5000
_AUTOMATIC_FAILOVER_BOUND = 20.0
"""Seconds the cluster gets to replace a killed primary by itself (it takes ~3-4 s with the
harness's 2 s node timeout) before the harness forces the takeover (see ``kill_node``)."""
_MANUAL_FAILOVER_WINDOW = 7.0
"""Seconds to wait for one ``CLUSTER FAILOVER`` to take effect before asking again (the server
gives up on a manual failover after 5 s)."""


def _wait(what: str, check: Callable[[], str | None], timeout: float) -> None:
    """Poll ``check`` (``None`` = done, else why not) until done or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    last = "not checked"
    while True:
        try:
            problem = check()
        except AdminError as exc:
            problem = exc.message
        if problem is None:
            return
        last = problem
        if time.monotonic() >= deadline:
            raise ReshapeError(f"{what}: not done within {timeout:g} s ({last})")
        time.sleep(_POLL)


class ClusterReshaping:
    """The topology-changing half of :class:`~keywire_conformance.servers.Cluster`.

    Nodes are named by the harness's :class:`Node` objects; :meth:`slot_owner` finds the
    primary serving a slot now (roles move with failovers).
    """

    nodes: list[Node]
    primaries: list[Node]
    replicas: list[Node]
    _replicas_of: dict[int, list[Node]]
    _layout: SlotMap | None
    _spawner: Callable[[], Node] | None
    _formed: list[Node]
    _pending: dict[int, tuple[Node, Node]]

    # -- reading the current shape ----------------------------------------------------------

    @property
    def running_nodes(self) -> list[Node]:
        """The nodes whose process is alive."""
        return [node for node in self.nodes if node.running]

    @property
    def added_nodes(self) -> list[Node]:
        """Nodes added by :meth:`add_node` since formation (removed again by :meth:`restore`)."""
        return [node for node in self.nodes if node not in self._formed]

    def _observer(self) -> Node:
        for node in self.nodes:
            if node.running:
                return node
        raise ReshapeError("no node of the cluster is running")

    def _by_port(self, port: int | None) -> Node | None:
        return next((node for node in self.nodes if node.port == port), None)

    def slot_owner(self, slot: int) -> Node:
        """The primary serving ``slot``, as a running node sees it.

        Raises:
            ReshapeError: when no running node knows an owner among the harness's nodes.
        """
        owner = self._by_port(slot_owner_port(cluster_slot_map(self._observer()), slot))
        if owner is None:
            raise ReshapeError(f"slot {slot} has no known owner")
        return owner

    def replicas_serving(self, slot: int) -> list[Node]:
        """The replicas of the primary serving ``slot`` (from the owner's ``CLUSTER NODES``)."""
        owner = self.slot_owner(slot)
        owner_id = node_id(owner)
        ports = {e.port for e in cluster_nodes(owner) if e.primary_id == owner_id and not e.failed}
        return [node for node in self.nodes if node.port in ports and node.running]

    def _current_primaries(self) -> list[Node]:
        primaries = []
        for node in self.running_nodes:
            with contextlib.suppress(AdminError):
                if node.role() == "master":
                    primaries.append(node)
        return primaries

    def _disagreement(self, expect: Callable[[SlotMap], str | None] | None = None) -> str | None:
        """Why the running nodes are not settled yet: a node not ``cluster_state:ok``, two slot
        maps that differ, or what ``expect`` says of the common map; ``None`` once settled."""
        maps: dict[int, SlotMap] = {}
        for node in self.running_nodes:
            state = cluster_state(node)
            if state != "ok":
                return f"node {node.port} reports cluster_state:{state}"
            maps[node.port] = cluster_slot_map(node)
        if not maps:
            return "no node is running"
        ports = sorted(maps)
        for port in ports[1:]:
            if maps[port] != maps[ports[0]]:
                return f"nodes {ports[0]} and {port} return different CLUSTER SLOTS"
        return None if expect is None else expect(maps[ports[0]])

    def wait_settled(
        self, expect: Callable[[SlotMap], str | None] | None = None, *, timeout: float = 30.0
    ) -> None:
        """Wait until every running node reports ``cluster_state:ok`` and all return the same
        ``CLUSTER SLOTS`` (and ``expect`` of that map returns ``None``).

        Raises:
            ReshapeError: when that does not happen within ``timeout`` seconds.
        """
        _wait("waiting for the cluster to agree", lambda: self._disagreement(expect), timeout)

    # -- slot migration ---------------------------------------------------------------------

    def next_primary(self, after: Node) -> Node:
        """The running primary that follows ``after`` in port order (wrapping around)."""
        primaries = sorted(self._current_primaries(), key=lambda node: node.port)
        others = [node for node in primaries if node is not after]
        if not others:
            raise ReshapeError("no other primary to move a slot to")
        later = [node for node in others if node.port > after.port]
        return (later or others)[0]

    def begin_migration(self, slot: int, target: Node, *, move_keys: bool = True) -> Node:
        """Open the migration of ``slot`` to ``target``: ``IMPORTING`` on the target,
        ``MIGRATING`` on the owner, then (``move_keys``) ``MIGRATE`` every key of the slot.

        Until :meth:`finish_migration`, the owner answers ``-ASK`` for keys it no longer holds.

        Returns:
            The node the slot is migrating from.
        """
        source = self.slot_owner(slot)
        if source is target:
            raise ReshapeError(f"slot {slot} is served by {target.port} already")
        target.execute("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(source))
        source.execute("CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(target))
        self._pending[slot] = (source, target)
        if move_keys:
            self._move_keys(source, target, slot)
        return source

    @staticmethod
    def _move_keys(source: Node, target: Node, slot: int) -> int:
        moved = 0
        while True:
            keys = source.execute("CLUSTER", "GETKEYSINSLOT", slot, _MIGRATE_BATCH)
            if not isinstance(keys, list) or not keys:
                return moved
            source.execute(
                "MIGRATE", target.host, target.port, "", 0, _MIGRATE_TIMEOUT_MS, "KEYS",
                *[key for key in keys if isinstance(key, str | bytes)],
            )  # fmt: skip
            moved += len(keys)

    def finish_migration(self, slot: int, *, timeout: float = 30.0) -> Node:
        """Complete the migration :meth:`begin_migration` opened: move the keys left, then
        ``SETSLOT NODE`` on the target, the source and every other primary; wait until every
        running node sees the target serving ``slot``.

        Returns:
            The new owner.

        Raises:
            ReshapeError: when no migration of ``slot`` is open, or the nodes do not agree.
        """
        if slot not in self._pending:
            raise ReshapeError(f"no migration of slot {slot} was begun")
        source, target = self._pending.pop(slot)
        self._move_keys(source, target, slot)
        target_id = node_id(target)
        others = [node for node in self._current_primaries() if node not in (source, target)]
        for node in (target, source, *others):
            node.execute("CLUSTER", "SETSLOT", slot, "NODE", target_id)
        self.wait_settled(self._owner_is(slot, target), timeout=timeout)
        return target

    def migrate_slot(self, slot: int, target: Node | None = None) -> Node:
        """Move ``slot`` (and its keys) to ``target`` (default :meth:`next_primary`).

        Returns:
            The new owner.
        """
        target = target or self.next_primary(self.slot_owner(slot))
        self.begin_migration(slot, target)
        return self.finish_migration(slot)

    @staticmethod
    def _owner_is(slot: int, owner: Node) -> Callable[[SlotMap], str | None]:
        def check(slot_map: SlotMap) -> str | None:
            port = slot_owner_port(slot_map, slot)
            return None if port == owner.port else f"slot {slot} is served by {port}"

        return check

    # -- failover, node loss, new nodes ---------------------------------------------------

    def fail_over(self, replica: Node, *, timeout: float = 60.0) -> None:
        """Promote ``replica`` with ``CLUSTER FAILOVER`` (graceful: no acknowledged write is
        lost) and wait until every running node sees it serving its primary's slots.

        Raises:
            ReshapeError: when it is not promoted or the nodes do not agree in time.
        """
        deadline = time.monotonic() + timeout
        # A primary just restarted still calls itself master until gossip demotes it: let the
        # nodes agree first, so its role below is the one the cluster gave it.
        self.wait_settled(timeout=timeout)
        while replica.role() != "master":
            link = replica.info("replication").get("master_link_status")
            if link == "up":
                with contextlib.suppress(AdminError):
                    replica.execute("CLUSTER", "FAILOVER")
                window = min(deadline, time.monotonic() + _MANUAL_FAILOVER_WINDOW)
                while time.monotonic() < window and replica.role() != "master":
                    time.sleep(_POLL)
                continue
            if time.monotonic() >= deadline:
                raise ReshapeError(
                    f"replica {replica.port} was not promoted within {timeout:g} s "
                    f"(master_link_status:{link})"
                )
            time.sleep(_POLL)
        left = max(1.0, deadline - time.monotonic())
        self.wait_settled(self._serves_slots(replica), timeout=left)

    @staticmethod
    def _serves_slots(node: Node) -> Callable[[SlotMap], str | None]:
        def check(slot_map: SlotMap) -> str | None:
            if any(primary[1] == node.port for _f, _l, primary, _r in slot_map):
                return None
            return f"node {node.port} serves no slot yet"

        return check

    def kill_node(self, node: Node, *, timeout: float = 60.0) -> Node | None:
        """Kill ``node`` (SIGKILL, as a crash would). A primary serving slots is replaced by
        the cluster's own failover: wait until a replica serves them, the surviving nodes agree
        and report ``cluster_state:ok``. A replica's loss needs no recovery: return at once.

        If the cluster has not replaced the primary within :data:`_AUTOMATIC_FAILOVER_BOUND`
        seconds, the harness steps in once (:meth:`_force_takeover`): Redis 6.2 can keep the
        state of an election its replica won a few seconds earlier (a failover and a fail-back
        in a row), "win" that stale election again with an older config epoch, and stay a
        primary nobody else accepts, so the cluster reports ``cluster_state:fail`` until the
        old primary returns (seen in its logs: ``Failover election won`` with no election).

        Returns:
            The replica that took over, or ``None`` when ``node`` served no slot.
        """
        slot_map = cluster_slot_map(self._observer())
        served = [(first, last) for first, last, p, _r in slot_map if p[1] == node.port]
        if not served:
            node.kill()
            return None
        first = served[0][0]
        candidates = self.replicas_serving(first)
        node.kill()

        def taken_over(current: SlotMap) -> str | None:
            port = slot_owner_port(current, first)
            return f"slot {first} still served by {port}" if port == node.port else None

        deadline = time.monotonic() + timeout
        try:
            self.wait_settled(taken_over, timeout=min(timeout, _AUTOMATIC_FAILOVER_BOUND))
        except ReshapeError:
            self._force_takeover(candidates)
            self.wait_settled(taken_over, timeout=max(1.0, deadline - time.monotonic()))
        return self.slot_owner(first)

    @staticmethod
    def _force_takeover(candidates: list[Node]) -> None:
        """Make the first running replica of a dead primary serve its slots without an
        election: ``CLUSTER FAILOVER TAKEOVER`` on a replica, or ``CLUSTER BUMPEPOCH`` on one
        that already calls itself primary (its claim then outranks the dead primary's)."""
        for candidate in candidates:
            if not candidate.running:
                continue
            if candidate.role() == "master":
                candidate.execute("CLUSTER", "BUMPEPOCH")
            else:
                candidate.execute("CLUSTER", "FAILOVER", "TAKEOVER")
            return
        raise ReshapeError("the killed primary has no running replica to take over")

    def add_node(
        self,
        role: Literal["primary", "replica"] = "primary",
        *,
        primary: Node | None = None,
        timeout: float = 30.0,
    ) -> Node:
        """Start a new node and join it: an empty primary, or a replica of ``primary``
        (default: the owner of slot 0). Waits until every running node lists it (a replica:
        in the ``CLUSTER SLOTS`` of its range, with its link up).

        Raises:
            HarnessError: when the provider cannot start nodes for this cluster.
            ReshapeError: when the node does not join in time.
        """
        if self._spawner is None:
            raise HarnessError("this cluster's provider cannot start more nodes")
        seed = self._observer()
        owner = primary or self.slot_owner(0)
        node = self._spawner()
        self.nodes.append(node)
        node.execute("CLUSTER", "MEET", seed.host, seed.port)
        new_id = node_id(node)

        def known_everywhere() -> str | None:
            for other in self.running_nodes:
                entries = {e.node_id: e for e in cluster_nodes(other)}
                if new_id not in entries or "handshake" in entries[new_id].flags:
                    return f"node {other.port} does not know {node.port} yet"
            return None

        _wait(f"node {node.port} joining", known_everywhere, timeout)
        if role == "primary":
            self.wait_settled(timeout=timeout)  # the new node serves once it reports ok
        else:
            node.execute("CLUSTER", "REPLICATE", node_id(owner))

            def replicating(slot_map: SlotMap) -> str | None:
                if node.info("replication").get("master_link_status") != "up":
                    return f"replica {node.port}'s link is not up"
                listed = {address[1] for _f, _l, _p, r in slot_map for address in r}
                if node.port not in listed:
                    return f"replica {node.port} is not in CLUSTER SLOTS yet"
                return None

            self.wait_settled(replicating, timeout=timeout)
        return node

    # -- back to the formed layout ----------------------------------------------------------

    def _layout_problem(self, slot_map: SlotMap) -> str | None:
        if self._layout is None:
            return None
        if slot_map != self._layout:
            return "the slot map differs from the formed one"
        for replica in self.replicas:
            if replica.info("replication").get("master_link_status") != "up":
                return f"replica {replica.port}'s link is not up"
        return None

    def is_formed(self) -> bool:
        """Whether every formed node runs, no node was added, no migration is open and every
        node returns the formed slot map (a quick check, done before every clean test)."""
        if self.added_nodes or self._pending or not all(n.running for n in self._formed):
            return False
        try:
            return self._disagreement(self._layout_problem) is None and not self._open_slots()
        except AdminError:
            return False

    def _open_slots(self) -> dict[Node, set[int]]:
        """Slots left ``MIGRATING`` / ``IMPORTING``, per running primary."""
        open_slots: dict[Node, set[int]] = {}
        for node in self._current_primaries():
            for entry in cluster_nodes(node):
                if "myself" in entry.flags and (entry.migrating or entry.importing):
                    open_slots[node] = set(entry.migrating) | set(entry.importing)
        return open_slots

    def restore(self, *, timeout: float = 90.0) -> None:
        """Put the cluster back as formed, whatever earlier tests did to it; its data is lost.

        Restarts formed nodes that are down (a killed primary rejoins as a replica), fails
        formed primaries back, stops open migrations, gives moved slots back to their formed
        owners, forgets and stops added nodes, then waits until every node agrees on the
        formed slot map with every replica's link up.

        Raises:
            ReshapeError: when that cannot be reached within ``timeout`` seconds.
        """
        if self.is_formed():
            return
        deadline = time.monotonic() + timeout

        def left() -> float:
            return max(1.0, deadline - time.monotonic())

        self._pending.clear()
        for node in self._formed:
            if not node.running:
                node.restart(timeout=left())
        # A restarted primary learns that its replica took over through gossip; until then it
        # claims its old slots and the maps differ.
        self.wait_settled(timeout=left())
        for primary in self.primaries:
            if primary.role() != "master":
                self.fail_over(primary, timeout=left())
        for node in self._current_primaries():  # keys would block SETSLOT NODE (Redis 7)
            node.execute("FLUSHALL")
        for node, slots in self._open_slots().items():
            for slot in slots:
                node.execute("CLUSTER", "SETSLOT", slot, "STABLE")
        self._give_back_slots(left())
        self._remove_added(left())
        self.wait_settled(self._layout_problem, timeout=left())

    def _formed_slots(self, primary: Node) -> list[tuple[int, int]]:
        layout = self._layout or []
        return [(first, last) for first, last, p, _r in layout if p[1] == primary.port]

    def _give_back_slots(self, timeout: float) -> None:
        formed_owner = [0] * CLUSTER_SLOTS
        for primary in self.primaries:
            for first, last in self._formed_slots(primary):
                formed_owner[first : last + 1] = [primary.port] * (last - first + 1)
        current = cluster_slot_map(self._observer())
        moved = [
            slot
            for first, last, owner, _r in current
            for slot in range(first, last + 1)
            if owner[1] != formed_owner[slot]
        ]
        for slot in moved:
            owner = self._by_port(formed_owner[slot])
            assert owner is not None
            holder = self._by_port(slot_owner_port(current, slot))
            if holder is not None and holder.running:
                # IMPORTING first, so that taking the slot bumps the owner's config epoch.
                owner.execute("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(holder))
            owner_id = node_id(owner)
            owner.execute("CLUSTER", "SETSLOT", slot, "NODE", owner_id)
            # Telling the others only speeds up the gossip; a primary left with no slot may have
            # turned replica meanwhile (replica migration, 7.0+) and refuses.
            for node in self._current_primaries():
                if node is not owner:
                    with contextlib.suppress(AdminError):
                        node.execute("CLUSTER", "SETSLOT", slot, "NODE", owner_id)
        if moved:
            self.wait_settled(
                lambda m: None if not [s for s in moved if slot_owner_port(m, s) != formed_owner[s]]
                else "moved slots are not back yet",
                timeout=timeout,
            )  # fmt: skip

    def _remove_added(self, timeout: float) -> None:
        added = self.added_nodes
        if not added:
            return
        ids = {}
        for node in added:
            with contextlib.suppress(AdminConnectionError):
                ids[node] = node_id(node)
            node.stop()
            self.nodes.remove(node)
        for node in self.running_nodes:
            for node_id_ in ids.values():
                with contextlib.suppress(AdminError):  # "Unknown node": it never learnt it
                    node.execute("CLUSTER", "FORGET", node_id_)

        def forgotten() -> str | None:
            for node in self.running_nodes:
                known = {entry.node_id for entry in cluster_nodes(node)}
                if known & set(ids.values()):
                    return f"node {node.port} still lists a removed node"
            return None

        _wait("forgetting added nodes", forgotten, timeout)
