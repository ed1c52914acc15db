"""Server command lines and topology formation, shared by every provider.

Formation uses only raw admin commands (REPLICAOF, CLUSTER MEET / ADDSLOTS[RANGE] / REPLICATE)
and waits by bounded polling of the real condition, never by fixed sleeps. The server facts it
relies on are in DESIGN.md section 7.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ._admin import as_text, parse_info
from ._cluster_state import CLUSTER_SLOTS, SlotMap, cluster_slot_map
from ._errors import AdminError, ServerStartError
from ._topology import POLL_INTERVAL, Cluster, Node, Replicated, wait_replicated

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ._binaries import ServerBinary

__all__ = [
    "CLUSTER_SLOTS",
    "cluster_slot_map",
    "form_cluster",
    "form_replicated",
    "server_args",
    "slot_ranges",
]

_ADDSLOTS_CHUNK = 2048


def server_args(binary: ServerBinary, port: int, *, cluster: bool = False) -> list[str]:
    """The command-line options every harness server gets (after the binary itself).

    Loopback only, no persistence, foreground, diskless replication without delay; cluster nodes
    also get a short node timeout and replica ping period (else replicas stay out of
    ``CLUSTER SLOTS`` for ~10 s on Redis 7.x).
    """
    args = [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--daemonize", "no",
        "--protected-mode", "no",
        "--save", "",
        "--appendonly", "no",
        "--repl-diskless-sync", "yes",
        "--repl-diskless-sync-delay", "0",
    ]  # fmt: skip
    if binary.version >= (7, 0, 0):
        args += ["--enable-debug-command", "yes"]  # off by default since 7.0; tests may use it
    if cluster:
        args += [
            "--cluster-enabled", "yes",
            "--cluster-config-file", f"nodes-{port}.conf",
            "--cluster-node-timeout", "2000",
            "--repl-ping-replica-period", "1",
        ]  # fmt: skip
    return args


def form_replicated(primary: Node, replicas: Sequence[Node], *, timeout: float) -> Replicated:
    """Point ``replicas`` at ``primary`` with ``REPLICAOF`` and wait until ``SET`` +
    ``WAIT n 100`` returns ``n``.

    Raises:
        ServerStartError: when that does not happen within ``timeout`` seconds.
    """
    for replica in replicas:
        command = ("REPLICAOF", primary.host, primary.port)
        replica.execute(*command)
        replica.restart_commands.append(command)
    wait_replicated(primary, replicas, timeout)
    return Replicated(primary, replicas)


def slot_ranges(primaries: int) -> list[tuple[int, int]]:
    """Split the 16384 slots into ``primaries`` contiguous ranges, as redis-cli does."""
    if primaries < 1:
        raise ValueError("a cluster needs at least one primary")
    per = CLUSTER_SLOTS / primaries
    ranges: list[tuple[int, int]] = []
    first, cursor = 0, 0.0
    for index in range(primaries):
        last = round(cursor + per - 1)
        if last > CLUSTER_SLOTS - 1 or index == primaries - 1:
            last = CLUSTER_SLOTS - 1
        ranges.append((first, last))
        first, cursor = last + 1, cursor + per
    return ranges


def _assign_slots(node: Node, first: int, last: int) -> None:
    if node.binary.version >= (7, 0, 0):
        node.execute("CLUSTER", "ADDSLOTSRANGE", first, last)
        return
    for start in range(first, last + 1, _ADDSLOTS_CHUNK):  # 6.x has no ADDSLOTSRANGE
        stop = min(start + _ADDSLOTS_CHUNK - 1, last)
        node.execute("CLUSTER", "ADDSLOTS", *range(start, stop + 1))


def _known_ids(node: Node) -> set[str]:
    known: set[str] = set()
    for line in as_text(node.execute("CLUSTER", "NODES")).splitlines():
        fields = line.split()
        if len(fields) >= 3 and not {"handshake", "noaddr"} & set(fields[2].split(",")):
            known.add(fields[0])
    return known


def _slot_map_problem(slot_map: SlotMap, replicas_per_primary: int) -> str | None:
    expected_first = 0
    for first, last, _primary, replicas in slot_map:
        if first != expected_first:
            return f"slots {expected_first}..{first - 1} not covered"
        if len(replicas) != replicas_per_primary:
            return f"range {first}-{last} lists {len(replicas)} replicas"
        expected_first = last + 1
    if expected_first != CLUSTER_SLOTS:
        return f"slots {expected_first}..{CLUSTER_SLOTS - 1} not covered"
    return None


def _cluster_problem(nodes: Sequence[Node], replicas: Sequence[Node], rpp: int) -> str | None:
    """Why the cluster is not ready yet, or ``None`` when it is."""
    for node in nodes:
        state = parse_info(as_text(node.execute("CLUSTER", "INFO"))).get("cluster_state")
        if state != "ok":
            return f"node {node.port} reports cluster_state:{state}"
    maps = {node.port: cluster_slot_map(node) for node in nodes}
    reference = maps[nodes[0].port]
    problem = _slot_map_problem(reference, rpp)
    if problem is not None:
        return f"CLUSTER SLOTS of {nodes[0].port}: {problem}"
    for port, slot_map in maps.items():
        if slot_map != reference:
            return f"node {port} returns another CLUSTER SLOTS map than {nodes[0].port}"
    for replica in replicas:
        link = replica.info("replication").get("master_link_status")
        if link != "up":
            return f"replica {replica.port} has master_link_status:{link}"
    return None


def _poll(
    what: str, check: Callable[[], str | None], deadline: float, nodes: Sequence[Node]
) -> None:
    last = ""
    while True:
        try:
            problem = check()
        except AdminError as exc:
            problem = exc.message
        if problem is None:
            return
        last = str(problem)
        if time.monotonic() >= deadline:
            tails = "\n".join(f"--- node {n.port} log (tail) ---\n{n.log_tail(10)}" for n in nodes)
            raise ServerStartError(f"cluster formation: {what} timed out ({last}).\n{tails}")
        time.sleep(POLL_INTERVAL)


def form_cluster(
    nodes: Sequence[Node],
    *,
    primaries: int,
    replicas_per_primary: int,
    started_at: float,
    timeout: float,
    spawner: Callable[[], Node] | None = None,
) -> Cluster:
    """Form a cluster from fresh cluster-enabled nodes (all answering ``PING``).

    Steps: ``CLUSTER MEET`` as a full mesh; slots split evenly over the first ``primaries``
    nodes (``ADDSLOTSRANGE`` on 7.0+, ``ADDSLOTS`` in chunks on 6.x); once every node knows every
    node id, ``CLUSTER REPLICATE`` for the rest. Ready when every node reports
    ``cluster_state:ok``, all return the same ``CLUSTER SLOTS`` map covering 0..16383 with
    ``replicas_per_primary`` replicas per range, and every replica's link is up.

    Args:
        nodes: ``primaries * (1 + replicas_per_primary)`` nodes, primaries first.
        primaries: how many nodes own slots.
        replicas_per_primary: replicas of each primary.
        started_at: ``time.monotonic()`` when the processes were launched (for the timing).
        timeout: seconds allowed from ``started_at``.
        spawner: starts one more cluster-enabled node of the same kind (for
            :meth:`Cluster.add_node`); ``None`` when the provider cannot.

    Raises:
        ServerStartError: when a step does not finish within the bound.
    """
    if len(nodes) != primaries * (1 + replicas_per_primary):
        raise ValueError("nodes must hold every primary and replica")
    deadline = started_at + timeout
    ids = {node.port: as_text(node.execute("CLUSTER", "MYID")) for node in nodes}
    for index, node in enumerate(nodes):
        for other in nodes[index + 1 :]:
            node.execute("CLUSTER", "MEET", other.host, other.port)
    owners = list(nodes[:primaries])
    for owner, (first, last) in zip(owners, slot_ranges(primaries), strict=True):
        _assign_slots(owner, first, last)
    everyone = set(ids.values())

    def unknown_ids() -> str | None:
        for node in nodes:
            missing = everyone - _known_ids(node)
            if missing:
                return f"node {node.port} does not know {len(missing)} node(s) yet"
        return None

    _poll("meeting every node", unknown_ids, deadline, nodes)
    replicas = list(nodes[primaries:])
    replicas_of: dict[int, list[Node]] = {owner.port: [] for owner in owners}
    for index, replica in enumerate(replicas):
        owner = owners[index // replicas_per_primary]
        replica.execute("CLUSTER", "REPLICATE", ids[owner.port])
        replicas_of[owner.port].append(replica)
    _poll(
        "agreeing on the slot map",
        lambda: _cluster_problem(nodes, replicas, replicas_per_primary),
        deadline,
        nodes,
    )
    return Cluster(
        nodes,
        owners,
        replicas,
        replicas_of=replicas_of,
        formation_seconds=time.monotonic() - started_at,
        layout=cluster_slot_map(nodes[0]),
        spawner=spawner,
    )
