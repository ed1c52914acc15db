"""Where a command goes, and how the replies of its parts are merged: pure functions.

Routing comes from the generated command table (nothing is hand-listed):

* A command with keys (key positions of the table, ``not_key`` shard channels included) goes
  to its keys' slot. Keys in several slots: commands whose tip is
  ``request_policy:multi_shard`` and whose keys are a plain ``key [arg...] key [arg...]``
  list (DEL, UNLINK, EXISTS, TOUCH, MGET, MSET) are split into one command per slot when
  ``non_atomic_cross_slot`` is on; anything else raises :class:`ClusterCrossSlotError`.
* A command without keys follows its ``request_policy`` tip: ``all_shards`` (every primary:
  KEYS, DBSIZE, FLUSHALL, PING, SCRIPT EXISTS, FUNCTION LOAD), ``all_nodes`` (primaries and
  replicas: SCRIPT LOAD, CONFIG SET), otherwise any one primary.
* Replies of several parts are merged by the ``response_policy`` tip: ``agg_sum`` (DBSIZE,
  DEL), ``all_succeeded`` (the common reply; nodes disagreeing is an error), ``agg_logical_and``
  / ``agg_logical_or`` / ``agg_min`` / ``agg_max`` (per position for array replies, SCRIPT
  EXISTS), ``one_succeeded``; without a tip arrays are concatenated in order (KEYS; MGET's
  values go back to their keys' positions). ``special`` replies (INFO, MEMORY STATS, ...) are
  returned per node as :class:`NodeReplies`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from keywire._command_table import COMMANDS, CommandInfo, command_info, command_keys
from keywire.cluster._errors import ClusterCrossSlotError, ClusterReplyMismatchError
from keywire.cluster._slots import Address, format_address, key_slot

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ALL_NODES",
    "ALL_SHARDS",
    "ANY",
    "SINGLE_KEY",
    "SLOT",
    "SPLIT",
    "NodeReplies",
    "Part",
    "Plan",
    "merge_fanout",
    "merge_split",
    "plan_command",
    "splittable",
]

SLOT: Final = 0
"""Run on the node of :attr:`Plan.slot`."""
SPLIT: Final = 1
"""Run :attr:`Plan.parts`, one per slot, and merge with :func:`merge_split`."""
ALL_SHARDS: Final = 2
"""Run on every primary, merge with :func:`merge_fanout`."""
ALL_NODES: Final = 3
"""Run on every node (primaries and replicas), merge with :func:`merge_fanout`."""
ANY: Final = 4
"""A command without keys or tips: any one primary."""


class Part(NamedTuple):
    """One per-slot piece of a split command.

    ``positions`` are the indexes, in the original command, of the key groups the piece
    carries (a key group is a key and the arguments that go with it, e.g. MSET's value).
    """

    slot: int
    args: tuple[Any, ...]
    positions: tuple[int, ...]


@dataclass(slots=True)
class Plan:
    """Where a command goes (see the module docstring)."""

    kind: int
    info: CommandInfo | None
    slot: int = -1
    readonly: bool = False
    parts: tuple[Part, ...] = field(default_factory=tuple)


SINGLE_KEY: Final[dict[bytes, bool]] = {
    name: "readonly" in info.flags
    for name, info in COMMANDS.items()
    if (info.first_key, info.last_key, info.step) == (1, 1, 1)
    and "movablekeys" not in info.flags
    and b" " not in name
}
"""Commands whose only key is argument 1 (GET, SET, HGET, ...) -> whether they are reads:
the hot path of the client routes them without building a :class:`Plan`."""


class NodeReplies(dict[str, Any]):
    """The replies of a fanned-out command that have no merge rule, by node ``host:port``."""

    __slots__ = ()


def resolve_info(args: Sequence[Any]) -> CommandInfo | None:
    """The table entry of a command line (the subcommand's where there is one)."""
    info = COMMANDS.get(args[0])
    if info is None or (info.first_key == 0 and "movablekeys" not in info.flags):
        # Unknown, or a container (CLIENT, OBJECT, SCRIPT...) or a keyless command: the
        # subcommand's entry carries its own keys and tips.
        return command_info(args) or info
    return info


def splittable(info: CommandInfo) -> bool:
    """Whether a command can be split per slot: a ``multi_shard`` tip and keys that are the
    first argument of each fixed-size group up to the end (DEL, MGET, MSET, ...)."""
    return (
        info.request_policy == "multi_shard"
        and info.first_key == 1
        and info.last_key == -1
        and info.step >= 1
        and "movablekeys" not in info.flags
    )


def _split(args: Sequence[Any], info: CommandInfo) -> tuple[Part, ...] | None:
    step = info.step
    count, extra = divmod(len(args) - 1, step)
    if extra or not count:
        return None  # malformed: let the server say so
    groups: dict[int, tuple[list[Any], list[int]]] = {}
    for index in range(count):
        chunk = args[1 + index * step : 1 + (index + 1) * step]
        slot = key_slot(chunk[0])
        entry = groups.get(slot)
        if entry is None:
            entry = groups[slot] = ([], [])
        entry[0].extend(chunk)
        entry[1].append(index)
    name = args[0]
    return tuple(
        Part(slot, (name, *flat), tuple(positions)) for slot, (flat, positions) in groups.items()
    )


def plan_command(args: Sequence[Any], *, split: bool) -> Plan:
    """Route one command line (upper-case ``bytes`` name first).

    Args:
        args: The command.
        split: Whether cross-slot multi-key commands may be split (``non_atomic_cross_slot``).

    Raises:
        ClusterCrossSlotError: The keys are in several slots and the command may not (or
            cannot) be split.
    """
    info = resolve_info(args)
    if info is None:
        return Plan(ANY, None)
    keys = command_keys(args, info)
    if keys:
        readonly = "readonly" in info.flags
        slot = key_slot(keys[0])
        if len(keys) == 1:
            return Plan(SLOT, info, slot, readonly)
        slots = [slot]
        for key in keys[1:]:
            other = key_slot(key)
            if other != slot and other not in slots:
                slots.append(other)
        if len(slots) == 1:
            return Plan(SLOT, info, slot, readonly)
        name = info.name.decode(errors="replace")
        if not splittable(info):
            raise ClusterCrossSlotError(
                f"the keys of {name} hash to {len(slots)} different slots and {name} cannot "
                "be split; use hash tags ({...}) to keep keys in one slot",
                tuple(slots),
            )
        if not split:
            raise ClusterCrossSlotError(
                f"the keys of {name} hash to {len(slots)} different slots and "
                "non_atomic_cross_slot is False; use hash tags ({...}) to keep keys in one slot",
                tuple(slots),
            )
        parts = _split(args, info)
        if parts is None:
            return Plan(SLOT, info, slot, readonly)
        return Plan(SPLIT, info, slot, readonly, parts)
    policy = info.request_policy
    if policy == "all_shards":
        return Plan(ALL_SHARDS, info)
    if policy == "all_nodes":
        return Plan(ALL_NODES, info)
    return Plan(ANY, info)


# -- merging ------------------------------------------------------------------------------------


def _columns(replies: list[Any]) -> list[list[Any]] | None:
    """Per-position columns of array replies of equal length, else None."""
    if not all(isinstance(r, list) for r in replies):
        return None
    lengths = {len(r) for r in replies}
    if len(lengths) != 1:
        return None
    return [list(column) for column in zip(*replies, strict=True)]


def _number(value: Any) -> Any:
    if isinstance(value, bytes | str):
        text = value.decode() if isinstance(value, bytes) else value
        try:
            return int(text)
        except ValueError:
            return float(text)
    return value


def _aggregate(policy: str, values: list[Any]) -> Any:
    if policy == "agg_logical_and":
        return int(all(_number(v) for v in values))
    if policy == "agg_logical_or":
        return int(any(_number(v) for v in values))
    numbers = [_number(v) for v in values]
    if policy == "agg_min":
        return min(numbers)
    if policy == "agg_max":
        return max(numbers)
    return sum(numbers)  # agg_sum


_AGGREGATES: Final = frozenset(
    {"agg_logical_and", "agg_logical_or", "agg_min", "agg_max", "agg_sum"}
)


def merge_fanout(
    name: bytes,
    info: CommandInfo | None,
    replies: dict[Address, Any],
    *,
    rng: random.Random | None = None,
) -> Any:
    """Merge the replies of a command every node answered (all succeeded; see the module
    docstring for the rules).

    Raises:
        ClusterReplyMismatchError: ``all_succeeded`` replies differ between nodes.
    """
    values = list(replies.values())
    if not values:
        return None
    policy = info.response_policy if info is not None else None
    if policy in ("all_succeeded", "one_succeeded"):
        first = values[0]
        if policy == "all_succeeded" and any(v != first for v in values[1:]):
            raise ClusterReplyMismatchError(name, dict(replies))
        return first
    if policy in _AGGREGATES:
        assert policy is not None
        columns = _columns(values)
        if columns is not None:
            return [_aggregate(policy, column) for column in columns]
        return _aggregate(policy, values)
    if policy is None:
        if all(isinstance(v, list) for v in values):
            return [item for v in values for item in v]
        if all(isinstance(v, set | frozenset) for v in values):
            return set().union(*values)
    elif name == b"RANDOMKEY":
        found = [v for v in values if v is not None]
        return (rng or random).choice(found) if found else None
    return NodeReplies({format_address(address): reply for address, reply in replies.items()})


def merge_split(info: CommandInfo, parts: Sequence[Part], replies: Sequence[Any]) -> Any:
    """Merge the replies of the per-slot parts of a split command (all succeeded).

    MGET-like (no response tip): the values go back to their keys' positions; ``agg_sum``:
    the sum; ``all_succeeded``: the common reply.
    """
    policy = info.response_policy
    if policy == "agg_sum":
        return sum(_number(r) for r in replies)
    if policy in _AGGREGATES:
        return _aggregate(policy, list(replies))
    if policy in ("all_succeeded", "one_succeeded"):
        return replies[0]
    size = sum(len(part.positions) for part in parts)
    merged: list[Any] = [None] * size
    for part, reply in zip(parts, replies, strict=True):
        values = list(reply)
        if len(values) != len(part.positions):
            raise ValueError(
                f"{info.name.decode()}: a part with {len(part.positions)} keys got "
                f"{len(values)} values"
            )
        for position, value in zip(part.positions, values, strict=True):
            merged[position] = value
    return merged
