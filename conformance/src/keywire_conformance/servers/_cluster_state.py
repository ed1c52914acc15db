"""What one cluster node believes: its slot map (``CLUSTER SLOTS``) and its node table
(``CLUSTER NODES``), parsed into plain values.

The ``CLUSTER NODES`` line format is ``<id> <ip:port@cport[,hostname]> <flags> <primary>
<ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...``; open migrations appear on the
``myself`` line only, as ``[slot->-target-id]`` (migrating) and ``[slot-<-source-id]``
(importing) (https://redis.io/docs/latest/commands/cluster-nodes/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._admin import Reply, as_text
from ._errors import AdminError

if TYPE_CHECKING:
    from ._topology import Node

__all__ = [
    "CLUSTER_SLOTS",
    "NodeEntry",
    "SlotMap",
    "cluster_nodes",
    "cluster_slot_map",
    "cluster_state",
    "node_id",
    "slot_owner_port",
]

CLUSTER_SLOTS = 16384

SlotMap = list[tuple[int, int, tuple[str, int], tuple[tuple[str, int], ...]]]
"""Sorted ``(first, last, primary, replicas)`` ranges, addresses as ``(host, port)``."""


@dataclass(frozen=True)
class NodeEntry:
    """One line of ``CLUSTER NODES``.

    Attributes:
        node_id: the node's 40-character id.
        host: its announced address.
        port: its client port.
        flags: ``myself``, ``master``, ``slave``, ``fail``, ``fail?``, ``handshake``, ...
        primary_id: the id of its primary, for a replica.
        slots: the slot ranges it serves, as inclusive ``(first, last)`` pairs.
        migrating: slot -> id of the node it is migrating to (``myself`` line only).
        importing: slot -> id of the node it is importing from (``myself`` line only).
    """

    node_id: str
    host: str
    port: int
    flags: frozenset[str]
    primary_id: str | None
    slots: tuple[tuple[int, int], ...] = ()
    migrating: dict[int, str] = field(default_factory=dict)
    importing: dict[int, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Whether this node is flagged ``fail`` (or ``fail?`` by the node asked)."""
        return bool({"fail", "fail?"} & self.flags)


def _parse_node_line(line: str) -> NodeEntry:
    fields = line.split()
    if len(fields) < 8:
        raise AdminError(f"unexpected CLUSTER NODES line: {line!r}")
    address = fields[1].split(",", 1)[0].split("@", 1)[0]
    host, _, port = address.rpartition(":")
    slots: list[tuple[int, int]] = []
    migrating: dict[int, str] = {}
    importing: dict[int, str] = {}
    for item in fields[8:]:
        if item.startswith("["):
            body = item.strip("[]")
            if "->-" in body:
                slot, target = body.split("->-", 1)
                migrating[int(slot)] = target
            elif "-<-" in body:
                slot, source = body.split("-<-", 1)
                importing[int(slot)] = source
            continue
        first, _, last = item.partition("-")
        slots.append((int(first), int(last or first)))
    return NodeEntry(
        node_id=fields[0],
        host=host,
        port=int(port) if port.isdigit() else 0,
        flags=frozenset(fields[2].split(",")),
        primary_id=None if fields[3] == "-" else fields[3],
        slots=tuple(slots),
        migrating=migrating,
        importing=importing,
    )


def cluster_nodes(node: Node) -> list[NodeEntry]:
    """``CLUSTER NODES`` of ``node``, one entry per known node.

    Raises:
        AdminError: on an error reply or a line that cannot be parsed.
    """
    text = as_text(node.execute("CLUSTER", "NODES"))
    return [_parse_node_line(line) for line in text.splitlines() if line.strip()]


def node_id(node: Node) -> str:
    """``CLUSTER MYID`` of ``node``."""
    return as_text(node.execute("CLUSTER", "MYID"))


def cluster_state(node: Node) -> str | None:
    """``cluster_state`` of ``CLUSTER INFO`` (``ok`` / ``fail``)."""
    for line in as_text(node.execute("CLUSTER", "INFO")).splitlines():
        if line.startswith("cluster_state:"):
            return line.split(":", 1)[1].strip()
    return None


def _endpoint(reply: Reply) -> tuple[str, int]:
    if not isinstance(reply, list) or len(reply) < 2 or not isinstance(reply[1], int):
        raise AdminError(f"unexpected CLUSTER SLOTS node entry: {reply!r}")
    return (as_text(reply[0]), reply[1])


def cluster_slot_map(node: Node) -> SlotMap:
    """``CLUSTER SLOTS`` of ``node`` as sorted ``(first, last, primary, replicas)`` tuples."""
    reply = node.execute("CLUSTER", "SLOTS")
    if not isinstance(reply, list):
        raise AdminError(f"unexpected CLUSTER SLOTS reply: {reply!r}")
    entries: SlotMap = []
    for entry in reply:
        if not isinstance(entry, list) or len(entry) < 3:
            raise AdminError(f"unexpected CLUSTER SLOTS entry: {entry!r}")
        first, last = entry[0], entry[1]
        if not isinstance(first, int) or not isinstance(last, int):
            raise AdminError(f"unexpected CLUSTER SLOTS range: {entry!r}")
        replicas = tuple(sorted(_endpoint(item) for item in entry[3:]))
        entries.append((first, last, _endpoint(entry[2]), replicas))
    return sorted(entries)


def slot_owner_port(slot_map: SlotMap, slot: int) -> int | None:
    """The port of the primary serving ``slot`` in ``slot_map`` (``None``: not served)."""
    for first, last, primary, _replicas in slot_map:
        if first <= slot <= last:
            return primary[1]
    return None
