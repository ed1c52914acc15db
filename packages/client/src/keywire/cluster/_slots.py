"""Hash slots and the slot map: pure state, no I/O.

* :func:`crc16` is CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection), the
  checksum of the Redis Cluster specification (``"123456789"`` -> ``0x31C3``).
* :func:`key_slot` hashes a key to one of :data:`SLOTS` slots: ``crc16(key) % 16384``, where
  only the *hash tag* is hashed when the key has one. The tag is what lies between the first
  ``{`` and the first ``}`` after it, if that is not empty: ``{user1000}.following`` and
  ``{user1000}.followers`` hash like ``user1000``; ``foo{}{bar}`` hashes whole (the first tag
  is empty), ``foo{{bar}}zap`` hashes ``{bar``.
* :class:`SlotMap` says which node serves each slot. It changes only through events, each a
  plain value: :class:`Refresh` (a whole topology, from ``CLUSTER SHARDS`` or ``CLUSTER
  SLOTS``), :class:`Moved` (one slot patched after a ``MOVED`` reply), :class:`NodeDown` /
  :class:`NodeUp` (a replica is unreachable / reachable again). The router does the I/O that
  produces the events; everything here is deterministic given the events (and the random
  generator used by the ``"random"`` replica selector), so it is tested without a server.
"""

from __future__ import annotations

import binascii
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "SLOTS",
    "Address",
    "Event",
    "Moved",
    "NodeDown",
    "NodeUp",
    "Refresh",
    "ReplicaSelector",
    "Shard",
    "SlotMap",
    "SlotRange",
    "crc16",
    "format_address",
    "key_bytes",
    "key_slot",
    "parse_address",
]

SLOTS: Final = 16384
"""The number of hash slots of a Redis Cluster."""

Address: TypeAlias = tuple[str, int]
"""A node: ``(host, port)``."""

ReplicaSelector: TypeAlias = Literal["round_robin", "random"]
"""How a read picks one of the healthy replicas of its slot."""


def crc16(data: bytes | bytearray | memoryview) -> int:
    """CRC16-XMODEM of ``data`` (``binascii.crc_hqx`` with initial value 0)."""
    return binascii.crc_hqx(data, 0)


def key_bytes(key: object) -> bytes:
    """The bytes a key is sent as (and hashed from): ``str`` in UTF-8, numbers as text."""
    if type(key) is bytes:
        return key
    if isinstance(key, str):
        return key.encode()
    if isinstance(key, bytes | bytearray):
        return bytes(key)
    if isinstance(key, memoryview):
        return key.tobytes()
    if isinstance(key, int) and not isinstance(key, bool):
        return b"%d" % key
    if isinstance(key, float):
        return repr(key).encode()
    raise TypeError(f"a key must be str, bytes, memoryview or a number, not {type(key).__name__}")


def key_slot(key: object) -> int:
    """The hash slot of ``key`` (``str`` keys are hashed as UTF-8), honouring hash tags."""
    data = key_bytes(key)
    start = data.find(b"{")
    if start != -1:
        end = data.find(b"}", start + 1)
        if end > start + 1:  # a non-empty tag
            data = data[start + 1 : end]
    return binascii.crc_hqx(data, 0) & (SLOTS - 1)


_GLOB_SPECIALS = frozenset(b"*?[\\")


def pattern_slot(pattern: object) -> int | None:
    """The one slot every key matching the glob ``pattern`` hashes to, or ``None``.

    That holds when the pattern has a hash tag and nothing before the tag's closing brace can
    match more than itself: ``{user1}:*`` -> the slot of ``user1``. A glob character before it
    (``*{a}``) could match another ``{`` first, so no slot is implied.
    """
    data = key_bytes(pattern)
    start = data.find(b"{")
    if start == -1:
        return None
    end = data.find(b"}", start + 1)
    if end <= start + 1 or _GLOB_SPECIALS.intersection(data[:end]):
        return None
    return binascii.crc_hqx(data[start + 1 : end], 0) & (SLOTS - 1)


def format_address(address: Address) -> str:
    """``host:port`` (IPv6 hosts in brackets), for messages."""
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Shard(NamedTuple):
    """A primary and its replicas (the replicas listed in the order the server gave them)."""

    primary: Address
    replicas: tuple[Address, ...] = ()


class SlotRange(NamedTuple):
    """Slots ``start``..``end`` (inclusive) served by ``primary``, replicated to ``replicas``."""

    start: int
    end: int
    primary: Address
    replicas: tuple[Address, ...] = ()


@dataclass(frozen=True, slots=True)
class Refresh:
    """The whole topology as one node reported it: every slot not in ``ranges`` is unserved."""

    ranges: tuple[SlotRange, ...]


@dataclass(frozen=True, slots=True)
class Moved:
    """``MOVED slot host:port``: ``slot`` is now served by the primary at ``address``."""

    slot: int
    address: Address


@dataclass(frozen=True, slots=True)
class NodeDown:
    """``address`` is unreachable; replica reads avoid it until ``until`` (a monotonic time)
    or a :class:`NodeUp`."""

    address: Address
    until: float = math.inf


@dataclass(frozen=True, slots=True)
class NodeUp:
    """``address`` is reachable again."""

    address: Address


Event: TypeAlias = Refresh | Moved | NodeDown | NodeUp


class SlotMap:
    """Which node serves each slot (see the module docstring).

    State changes only through :meth:`apply`; the lookups never change it, except for the
    round-robin position of :meth:`replica_for`.

    Args:
        replica_selector: ``"round_robin"`` (each shard's healthy replicas in turn) or
            ``"random"``.
        rng: The random generator of the ``"random"`` selector (for reproducible tests).
    """

    def __init__(
        self,
        replica_selector: ReplicaSelector = "round_robin",
        *,
        rng: random.Random | None = None,
    ) -> None:
        if replica_selector not in ("round_robin", "random"):
            raise ValueError(
                f"replica_selector must be 'round_robin' or 'random', not {replica_selector!r}"
            )
        self.replica_selector: ReplicaSelector = replica_selector
        self._rng = rng or random.Random()
        self._owner: list[Shard | None] = [None] * SLOTS
        self._down: dict[Address, float] = {}
        self._turn: dict[Address, int] = {}
        self._shards: tuple[Shard, ...] | None = ()
        self._representatives: list[int] | None = []
        self._by_primary: dict[Address, Shard] = {}
        self.epoch = 0
        """Counts the changes of the slot assignment (0: never loaded)."""

    # -- events --------------------------------------------------------------------------------

    def apply(self, event: Event) -> bool:
        """Apply one event; return whether the slot assignment or node health changed."""
        if isinstance(event, Refresh):
            return self._refresh(event)
        if isinstance(event, Moved):
            return self._moved(event)
        if isinstance(event, NodeDown):
            previous = self._down.get(event.address)
            self._down[event.address] = event.until
            return previous != event.until
        if isinstance(event, NodeUp):
            return self._down.pop(event.address, None) is not None
        raise TypeError(f"not a slot map event: {event!r}")

    def _refresh(self, event: Refresh) -> bool:
        owner: list[Shard | None] = [None] * SLOTS
        shards: dict[Address, Shard] = {}
        for start, end, primary, listed in event.ranges:
            if not 0 <= start <= end < SLOTS:
                raise ValueError(f"invalid slot range {start}-{end}")
            # One Shard object per primary: a primary's ranges share its replicas, and a
            # replica that is the primary itself is dropped.
            shard = shards.get(primary)
            replicas = tuple(dict.fromkeys(r for r in listed if r != primary))
            if shard is None or shard.replicas != replicas:
                shard = shards[primary] = Shard(primary, replicas)
            owner[start : end + 1] = [shard] * (end - start + 1)
        changed = owner != self._owner
        self._owner = owner
        self._by_primary = shards
        self._shards = None
        self._representatives = None
        self.epoch += 1
        return changed

    def _moved(self, event: Moved) -> bool:
        slot, address = event.slot, event.address
        if not 0 <= slot < SLOTS:
            raise ValueError(f"invalid slot {slot}")
        current = self._owner[slot]
        if current is not None and current.primary == address:
            return False
        # The new owner keeps the replicas we know for it as a primary, if any; others are
        # learned from the next refresh.
        shard = self._by_primary.get(address)
        if shard is None:
            shard = self._by_primary[address] = Shard(address, ())
        self._owner[slot] = shard
        self._shards = None
        self._representatives = None
        self.epoch += 1
        return True

    # -- lookups -------------------------------------------------------------------------------

    def primary_for(self, slot: int) -> Address | None:
        """The primary serving ``slot``, or None when no node does."""
        shard = self._owner[slot]
        return None if shard is None else shard.primary

    def shard_for(self, slot: int) -> Shard | None:
        """The shard serving ``slot``, or None."""
        return self._owner[slot]

    def replica_for(self, slot: int, now: float) -> Address | None:
        """A replica of ``slot``'s shard for a read, chosen by :attr:`replica_selector` among
        the replicas not marked down at time ``now``; the primary when there is none."""
        shard = self._owner[slot]
        if shard is None:
            return None
        replicas = shard.replicas
        if not replicas:
            return shard.primary
        down = self._down
        if down:
            replicas = tuple(r for r in replicas if down.get(r, -math.inf) <= now)
            if not replicas:
                return shard.primary
        if len(replicas) == 1:
            return replicas[0]
        if self.replica_selector == "random":
            return self._rng.choice(replicas)
        turn = self._turn.get(shard.primary, 0)
        self._turn[shard.primary] = turn + 1
        return replicas[turn % len(replicas)]

    def is_down(self, address: Address, now: float) -> bool:
        """Whether ``address`` is marked down at time ``now``."""
        return self._down.get(address, -math.inf) > now

    def shards(self) -> tuple[Shard, ...]:
        """Every shard serving at least one slot, in slot order."""
        if self._shards is None:
            self._shards = tuple(dict.fromkeys(s for s in self._owner if s is not None))
        return self._shards

    def primaries(self) -> list[Address]:
        """The primaries serving at least one slot, in slot order (no duplicates)."""
        return list(dict.fromkeys(shard.primary for shard in self.shards()))

    def replicas(self) -> list[Address]:
        """Every replica of a primary in :meth:`primaries` (no duplicates, no primaries)."""
        primaries = set(self.primaries())
        found = (r for shard in self.shards() for r in shard.replicas if r not in primaries)
        return list(dict.fromkeys(found))

    def nodes(self) -> list[Address]:
        """Primaries, then replicas."""
        return self.primaries() + self.replicas()

    def first_slot_of(self, primary: Address) -> int | None:
        """The lowest slot ``primary`` serves (a stable handle on its shard), or None."""
        for slot, shard in enumerate(self._owner):
            if shard is not None and shard.primary == primary:
                return slot
        return None

    def representative_slots(self) -> list[int]:
        """One slot per primary (its lowest), in :meth:`primaries` order."""
        if self._representatives is None:
            seen: dict[Address, int] = {}
            for slot, shard in enumerate(self._owner):
                if shard is not None and shard.primary not in seen:
                    seen[shard.primary] = slot
            self._representatives = list(seen.values())
        return list(self._representatives)

    def covered(self) -> bool:
        """Whether every slot has a primary."""
        return None not in self._owner

    def unserved(self) -> int:
        """How many slots have no primary."""
        return self._owner.count(None)

    def snapshot(self) -> tuple[Address | None, ...]:
        """The primary of every slot (for comparisons in tests and diagnostics)."""
        return tuple(None if shard is None else shard.primary for shard in self._owner)

    def ranges(self) -> list[SlotRange]:
        """The assignment as maximal ranges of consecutive slots with the same shard."""
        found: list[SlotRange] = []
        start = 0
        owner = self._owner
        for slot in range(1, SLOTS + 1):
            if slot == SLOTS or owner[slot] is not owner[start]:
                shard = owner[start]
                if shard is not None:
                    found.append(SlotRange(start, slot - 1, shard.primary, shard.replicas))
                start = slot
        return found

    def __repr__(self) -> str:
        return (
            f"<SlotMap epoch={self.epoch} primaries={len(self.primaries())} "
            f"unserved={self.unserved()} selector={self.replica_selector}>"
        )


def refresh_from(shards: Iterable[tuple[Iterable[tuple[int, int]], Shard]]) -> Refresh:
    """A :class:`Refresh` from ``(slot ranges, shard)`` pairs (a helper for tests and parsers)."""
    return Refresh(
        tuple(
            SlotRange(start, end, shard.primary, shard.replicas)
            for ranges, shard in shards
            for start, end in ranges
        )
    )


def parse_address(node: Any) -> Address:
    """A node address from ``"host:port"``, ``(host, port)`` or ``{"host": ..., "port": ...}``."""
    if isinstance(node, str):
        host, sep, port = node.rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(f"a startup node must be 'host:port' or (host, port), not {node!r}")
        return (host.strip("[]"), int(port))
    if isinstance(node, dict):
        return (str(node["host"]), int(node["port"]))
    host, port = node
    return (str(host), int(port))
