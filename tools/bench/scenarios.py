"""The scenario registry: what is measured, with which variants, against which target.

Each :class:`Scenario` names a function that every library module implements (the
``functions`` of its ``LIBRARY``, or of its ``CLUSTER_LIBRARY`` for a cluster scenario), the
variant that fills each result column, and the target from DESIGN.md §8 (which sets targets
for a standalone server only). ``prepare`` / ``prepare_cluster`` write the data the scenarios
read before the first round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tools.bench.common import (
    CLUSTER_GET_KEYS,
    GET_KEY,
    LIST_KEY,
    LIST_LEN,
    PIPELINE_KEYS,
    VALUE,
    Endpoint,
    Servers,
    Topology,
)

from keywire_conformance.servers import AdminError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from keywire_conformance.servers import AdminClient, Cluster, Node, ServerProvider

Column = Literal["keywire", "redis-py", "coredis"]
COLUMNS: tuple[Column, ...] = ("keywire", "redis-py", "coredis")


@dataclass(frozen=True)
class Target:
    """``keywire >= ratio x against`` (ratio of the medians)."""

    against: Column
    ratio: float

    def describe(self) -> str:
        """E.g. ``≥ 1.5x redis-py``."""
        return f"≥ {self.ratio:g}x {self.against}"


@dataclass(frozen=True)
class Scenario:
    """One row of the results.

    Attributes:
        key: Row key (``a``, ``e-pure``); the part before ``-`` is its group for ``--scenarios``.
        title: Human description.
        unit: What the rate counts.
        function: Key of the benchmark function in each library's ``FUNCTIONS``.
        variants: Column -> variant name (``None``: that library has no such feature).
        target: The goal for keywire, or ``None``.
        max_ops: Operation cap per measurement (the time box usually ends it first).
        notes: Printed under the table.
        topology: What the workers connect to (``cluster``: one worker client per library
            talks to the whole cluster).
    """

    key: str
    title: str
    unit: str
    function: str
    variants: Mapping[Column, str | None]
    target: Target | None
    max_ops: int = 10_000_000
    notes: str = field(default="")
    topology: Topology = "standalone"

    @property
    def group(self) -> str:
        """The scenario letter (``e`` for ``e-pure``)."""
        return self.key.split("-", 1)[0]


_STANDARD: Mapping[Column, str | None] = {
    "keywire": "keywire",
    "redis-py": "redis-py",
    "coredis": "coredis",
}
_PURE: Mapping[Column, str | None] = {
    "keywire": "keywire-pure",
    "redis-py": "redis-py-pure",
    "coredis": "coredis-pure",
}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "a",
        "sequential GET, 1 task",
        "ops/s",
        "get_sequential",
        _STANDARD,
        Target("redis-py", 1.5),
    ),
    Scenario(
        "b",
        "GET from 100 concurrent tasks",
        "ops/s",
        "get_concurrent",
        _STANDARD,
        Target("redis-py", 10.0),
    ),
    Scenario(
        "c",
        "pipelines of 100 SETs",
        "SETs/s",
        "pipeline_set",
        _STANDARD,
        Target("redis-py", 4.0),
    ),
    Scenario(
        "e-hiredis",
        "LRANGE of 10k items, hiredis",
        "replies/s",
        "lrange_all",
        _STANDARD,
        Target("redis-py", 1.0),
        max_ops=100_000,
        notes="coredis has no hiredis path: its column is its default (mypyc-compiled) parser",
    ),
    Scenario(
        "e-pure",
        "LRANGE of 10k items, pure Python",
        "replies/s",
        "lrange_all",
        _PURE,
        Target("coredis", 3.0),
        max_ops=100_000,
        notes=(
            "coredis-pure is coredis imported from its .py sources (the worker's import hook "
            "skips the mypyc-compiled modules), as it runs where no compiled wheel exists; "
            "redis-py-pure is redis.asyncio with its pure-Python RESP3 parser"
        ),
    ),
)


_CLUSTER_GET_NOTE = (
    "each GET reads the next of the keys bench:get:0 … bench:get:99 (written beforehand, "
    "no hash tags), so the reads go to all three primaries in turn (see Keys)"
)

CLUSTER_SCENARIOS: tuple[Scenario, ...] = (
    # No targets: DESIGN.md §8 sets them for a standalone server only.
    Scenario(
        "a-cluster",
        "sequential GET, 1 task, cluster",
        "ops/s",
        "get_sequential",
        _STANDARD,
        None,
        notes=_CLUSTER_GET_NOTE,
        topology="cluster",
    ),
    Scenario(
        "b-cluster",
        "GET from 100 concurrent tasks, cluster",
        "ops/s",
        "get_concurrent",
        _STANDARD,
        None,
        notes=_CLUSTER_GET_NOTE + "; the 100 tasks share one cycle of those keys",
        topology="cluster",
    ),
    Scenario(
        "c-cluster",
        "pipelines of 100 SETs, cluster",
        "SETs/s",
        "pipeline_set",
        _STANDARD,
        None,
        notes=(
            "each pipeline (transaction=False) SETs bench:set:0 … bench:set:99, keys in many "
            "slots on all three primaries (no hash tags, see Keys): every client splits it "
            "into one batch per primary"
        ),
        topology="cluster",
    ),
)


def select(spec: str, topology: Topology = "standalone") -> list[Scenario]:
    """The scenarios of ``topology`` named by ``spec``: comma-separated keys (``e-pure``,
    ``a-cluster``) or groups (``e``; on a cluster ``a`` selects ``a-cluster``).

    Raises:
        ValueError: A name matches no scenario of that topology.
    """
    available = [s for s in (*SCENARIOS, *CLUSTER_SCENARIOS) if s.topology == topology]
    wanted = [name.strip() for name in spec.split(",") if name.strip()]
    known = {s.key for s in available} | {s.group for s in available}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(
            f"unknown {topology} scenario(s) {', '.join(unknown)}; "
            f"choose from {', '.join(sorted(known))}"
        )
    return [s for s in available if s.key in wanted or s.group in wanted]


def prepare(node: Node) -> None:
    """Write what the scenarios read: the GET key and the 10k-item list."""
    node.execute("SET", GET_KEY, VALUE)
    node.execute("DEL", LIST_KEY)
    chunk = 1000
    for _ in range(LIST_LEN // chunk):
        node.execute("RPUSH", LIST_KEY, *([VALUE] * chunk))
    length = node.execute("LLEN", LIST_KEY)
    if length != LIST_LEN:
        raise RuntimeError(f"{LIST_KEY!r} has {length!r} items, expected {LIST_LEN}")


def _slot_owners(admin: AdminClient) -> dict[int, int]:
    """Slot -> the port of the primary serving it, from ``CLUSTER SLOTS``."""
    owners: dict[int, int] = {}
    reply = admin.execute("CLUSTER", "SLOTS")
    if not isinstance(reply, list):
        raise RuntimeError(f"CLUSTER SLOTS answered {reply!r}")
    for entry in reply:  # [start, end, [host, port, id, ...], replicas...]
        if not isinstance(entry, list) or not isinstance(entry[2], list):
            raise RuntimeError(f"unexpected CLUSTER SLOTS entry {entry!r}")
        start, end, port = entry[0], entry[1], entry[2][1]
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(port, int)):
            raise RuntimeError(f"unexpected CLUSTER SLOTS entry {entry!r}")
        owners.update(dict.fromkeys(range(start, end + 1), port))
    return owners


def _slot(admin: AdminClient, key: bytes) -> int:
    reply = admin.execute("CLUSTER", "KEYSLOT", key)
    if not isinstance(reply, int):
        raise RuntimeError(f"CLUSTER KEYSLOT answered {reply!r}")
    return reply


def _spread(name: str, keys: Sequence[bytes], slots: Sequence[int], ports: Sequence[int]) -> str:
    """One line: how ``keys`` fall on the primaries (``ports``: each key's primary)."""
    counts = {port: ports.count(port) for port in sorted(set(ports))}
    shown = ", ".join(f"{count} on :{port}" for port, count in counts.items())
    first, last = keys[0].decode(), keys[-1].decode()
    return (
        f"{name}: {first} … {last}, {len(keys)} keys in {len(set(slots))} slots; "
        f"per primary: {shown}"
    )


def prepare_cluster(cluster: Cluster) -> list[str]:
    """Write the GET keys, each on its primary, and check both key sets reach every primary.

    The slots come from the server (``CLUSTER KEYSLOT``), not from a client under test.

    Returns:
        One line per key set, saying how its keys spread over the primaries.

    Raises:
        RuntimeError: A key set misses a primary (its scenario would not exercise the whole
            cluster), or a write failed.
    """
    primaries = {node.port: node for node in cluster.primaries}
    lines = []
    with cluster.primaries[0].admin() as admin:
        owners = _slot_owners(admin)
        placed: dict[str, list[int]] = {}
        for name, keys in (("GET keys", CLUSTER_GET_KEYS), ("pipeline keys", PIPELINE_KEYS)):
            slots = [_slot(admin, key) for key in keys]
            ports = placed[name] = [owners[slot] for slot in slots]
            missing = set(primaries) - set(ports)
            if missing:
                raise RuntimeError(f"the {name} reach none of the slots of {sorted(missing)}")
            lines.append(_spread(name, keys, slots, ports))
    for port, node in primaries.items():
        with node.admin() as admin:
            for key, owner in zip(CLUSTER_GET_KEYS, placed["GET keys"], strict=True):
                if owner != port:
                    continue
                try:
                    admin.execute("SET", key, VALUE)
                except AdminError as exc:  # e.g. MOVED: the slot map changed meanwhile
                    raise RuntimeError(f"SET {key!r} on :{port} failed: {exc}") from exc
    return lines


def start(provider: ServerProvider, topology: Topology) -> tuple[Servers, list[str]]:
    """Start ``topology`` (a cluster: 3 primaries, one replica each) and write the data.

    Prints where the servers listen. Returns their addresses (a cluster's: every node, as
    startup nodes) and, on a cluster, how the keys spread (see :func:`prepare_cluster`).
    """
    if topology == "standalone":
        node = provider.start_standalone().node
        print(f"{'listening':<22} {node.host}:{node.port} (pid {node.pid})")
        prepare(node)
        return Servers("standalone", (Endpoint(node.host, node.port),)), []
    # Returns once every node agrees on the slot map and every replica's link is up.
    cluster = provider.start_cluster(primaries=3, replicas_per_primary=1)
    for node in cluster.nodes:
        role = "primary" if node in cluster.primaries else "replica"
        print(f"{'listening':<22} {node.host}:{node.port} {role} (pid {node.pid})")
    keys = prepare_cluster(cluster)
    for line in keys:
        print(f"{'keys':<22} {line}")
    nodes = tuple(Endpoint(host, port) for host, port in cluster.startup_nodes)
    return Servers("cluster", nodes), keys
