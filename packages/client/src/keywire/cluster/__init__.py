"""Redis Cluster support: :class:`RedisCluster`, its pipelines and pub/sub, the slot map.

Usage (the command API is :class:`keywire.Redis`'s)::

    import keywire

    async with keywire.RedisCluster("127.0.0.1", 7000) as cluster:   # any node will do
        await cluster.set("foo", "bar")                # to the primary of slot 12182
        await cluster.mget(["foo", "bar"])              # split per slot, values in key order
        await cluster.delete(["foo", "bar"])            # split, counts summed
        await cluster.keys("*")                         # a set: the union over every primary
        await cluster.dbsize()                          # summed over every primary
        await cluster.script_load("return 1")           # every node; the digest if all agree
        async with cluster.pipeline() as pipe:          # one write per node, results in order
            pipe.set("a", 1)
            pipe.get("b")
            await pipe.execute()
        async with cluster.pipeline(transaction=True) as pipe:   # keys in one slot: {tags}
            pipe.incr("{user1}.visits")
            pipe.set("{user1}.seen", 1)
            await pipe.execute()

Options beyond :class:`keywire.Redis`'s: ``startup_nodes=[(host, port), "host:port"]``,
``read_from_replicas=True`` (reads to replicas, ``replica_selector="round_robin"`` or
``"random"``, the primary when no replica is up), ``non_atomic_cross_slot`` (default True,
also a settable attribute: False makes cross-slot MGET / MSET / DEL / ... raise
:class:`ClusterCrossSlotError`), ``max_redirects`` and ``max_retries`` (16 each).
``RedisCluster.from_url("redis://host:7000", ...)`` takes the same keyword arguments.

Routing is read from the generated command table: key positions give the slot; commands
without keys follow their ``request_policy`` tip (``all_shards``: every primary,
``all_nodes``: every node, otherwise one primary) and their replies are merged by the
``response_policy`` tip. ``execute_command(..., target="primaries" | "replicas" | "all" |
"random" | (host, port))`` overrides it and returns ``{"host:port": reply}`` for several nodes.

Failures: MOVED patches the slot map and schedules one background refresh; ASK sends
``ASKING`` and the command together to the target; TRYAGAIN, CLUSTERDOWN, LOADING and
unreachable nodes are retried with backoff, then the last error is raised (with a note). A
write whose connection was lost after it was sent is never retried. A command split or fanned
out whose parts partly fail raises :class:`ClusterPartialError` with what succeeded.

Modules:

* :mod:`keywire.cluster._slots`: CRC16 / hash slots and :class:`SlotMap`, a pure state object
  changed only by events (:class:`Refresh`, :class:`Moved`, :class:`NodeDown`, :class:`NodeUp`).
* :mod:`keywire.cluster._topology`: ``CLUSTER SHARDS`` / ``CLUSTER SLOTS`` replies -> events.
* :mod:`keywire.cluster._routing`: where a command goes and how replies are merged (from the
  command table's key positions and routing tips).
* :mod:`keywire.cluster._router`: the I/O: node pools, refreshes, MOVED / ASK / retries.
* :mod:`keywire.cluster._client`: :class:`RedisCluster`; :mod:`keywire.cluster._pipeline`:
  :class:`ClusterPipeline`; :mod:`keywire.cluster._pubsub`: :class:`ClusterPubSub`.
"""

from __future__ import annotations

from keywire.cluster._client import RedisCluster, Target
from keywire.cluster._errors import (
    ClusterCrossSlotError,
    ClusterError,
    ClusterPartialError,
    ClusterReplyMismatchError,
    ClusterTopologyError,
    TooManyRedirectsError,
)
from keywire.cluster._pipeline import ClusterPipeline
from keywire.cluster._pubsub import ClusterPubSub
from keywire.cluster._router import Router
from keywire.cluster._routing import NodeReplies
from keywire.cluster._slots import (
    SLOTS,
    Address,
    Event,
    Moved,
    NodeDown,
    NodeUp,
    Refresh,
    Shard,
    SlotMap,
    SlotRange,
    crc16,
    key_slot,
)
from keywire.cluster._topology import TopologyParseError, parse_shards, parse_slots

__all__ = [
    "SLOTS",
    "Address",
    "ClusterCrossSlotError",
    "ClusterError",
    "ClusterPartialError",
    "ClusterPipeline",
    "ClusterPubSub",
    "ClusterReplyMismatchError",
    "ClusterTopologyError",
    "Event",
    "Moved",
    "NodeDown",
    "NodeReplies",
    "NodeUp",
    "RedisCluster",
    "Refresh",
    "Router",
    "Shard",
    "SlotMap",
    "SlotRange",
    "Target",
    "TooManyRedirectsError",
    "TopologyParseError",
    "crc16",
    "key_slot",
    "parse_shards",
    "parse_slots",
]
