"""Command routing and reply merging from the command table (no server)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import keywire
from keywire._command_table import COMMANDS
from keywire.cluster import ClusterCrossSlotError, ClusterReplyMismatchError, NodeReplies, key_slot
from keywire.cluster._routing import (
    ALL_NODES,
    ALL_SHARDS,
    ANY,
    SLOT,
    SPLIT,
    merge_fanout,
    merge_split,
    plan_command,
    resolve_info,
    splittable,
)

A = ("127.0.0.1", 7000)
B = ("127.0.0.1", 7001)


def plan(*args: Any, split: bool = True) -> Any:
    return plan_command(args, split=split)


def test_single_key_commands_go_to_their_slot() -> None:
    p = plan(b"GET", "foo")
    assert (p.kind, p.slot, p.readonly) == (SLOT, 12182, True)
    p = plan(b"SET", b"bar", 1)
    assert (p.kind, p.slot, p.readonly) == (SLOT, 5061, False)
    # movable keys (EVAL numkeys), subcommands (OBJECT ENCODING key), shard channels
    assert plan(b"EVAL", "return 1", 1, "foo").slot == 12182
    assert plan(b"OBJECT", b"ENCODING", "foo").slot == 12182
    assert plan(b"SPUBLISH", "foo", "hi").slot == 12182
    assert plan(b"XREAD", b"STREAMS", "foo", "0").slot == 12182


def test_same_slot_multi_key_is_not_split() -> None:
    p = plan(b"MGET", "{u}a", "{u}b", "u")
    assert (p.kind, p.slot) == (SLOT, key_slot("u"))
    assert plan(b"SUNION", "{u}a", "{u}b").kind == SLOT


def test_cross_slot_split() -> None:
    p = plan(b"MSET", "foo", 1, "bar", 2, "{foo}x", 3)
    assert p.kind == SPLIT
    assert [(part.slot, part.args, part.positions) for part in p.parts] == [
        (12182, (b"MSET", "foo", 1, "{foo}x", 3), (0, 2)),
        (5061, (b"MSET", "bar", 2), (1,)),
    ]
    p = plan(b"DEL", "foo", "bar")
    assert [part.args for part in p.parts] == [(b"DEL", "foo"), (b"DEL", "bar")]


def test_cross_slot_refused() -> None:
    with pytest.raises(ClusterCrossSlotError, match="non_atomic_cross_slot") as info:
        plan(b"MGET", "foo", "bar", split=False)
    assert info.value.slots == (12182, 5061)
    # A client-side cross-slot error is also the server's class.
    assert isinstance(info.value, keywire.CrossSlotError)
    assert info.value.code == "CROSSSLOT"
    with pytest.raises(ClusterCrossSlotError, match="cannot be split"):
        plan(b"SUNION", "foo", "bar")
    with pytest.raises(ClusterCrossSlotError, match="cannot be split"):
        plan(b"RENAME", "foo", "bar")


def test_malformed_split_goes_to_the_first_slot() -> None:
    # MSET with a missing value: the server reports the arity error.
    assert plan(b"MSET", "foo", 1, "bar").kind == SLOT


def test_keyless_routing_from_tips() -> None:
    assert plan(b"KEYS", "*").kind == ALL_SHARDS
    assert plan(b"DBSIZE").kind == ALL_SHARDS
    assert plan(b"FLUSHALL").kind == ALL_SHARDS
    assert plan(b"PING").kind == ALL_SHARDS
    assert plan(b"SCRIPT", b"LOAD", "return 1").kind == ALL_NODES
    assert plan(b"SCRIPT", b"EXISTS", "abc").kind == ALL_SHARDS
    assert plan(b"CONFIG", b"SET", "x", "y").kind == ALL_NODES
    assert plan(b"FUNCTION", b"LOAD", "code").kind == ALL_SHARDS
    assert plan(b"TIME").kind == ANY
    assert plan(b"EVAL", "return 1", 0).kind == ANY
    assert plan(b"NOSUCHCOMMAND", "x").kind == ANY


def test_splittable_is_data_driven() -> None:
    found = {name for name, info in COMMANDS.items() if splittable(info)}
    assert {b"MGET", b"MSET", b"DEL", b"UNLINK", b"EXISTS", b"TOUCH"} <= found
    assert b"MSETEX" not in found  # movable keys: not a plain key list
    info = resolve_info((b"CONFIG", b"SET", "a", "b"))
    assert info is not None
    assert info.name == b"CONFIG SET"


@given(st.lists(st.text(max_size=6), min_size=1, max_size=30))
def test_split_then_merge_restores_key_order(keys: list[str]) -> None:
    p = plan_command((b"MGET", *keys), split=True)
    if p.kind == SLOT:
        assert len({key_slot(k) for k in keys}) == 1
        return
    assert sorted(i for part in p.parts for i in part.positions) == list(range(len(keys)))
    for part in p.parts:
        assert {key_slot(k) for k in part.args[1:]} == {part.slot}
    # Each part "answers" its own keys: the merge puts them back in the caller's order.
    info = COMMANDS[b"MGET"]
    replies = [list(part.args[1:]) for part in p.parts]
    assert merge_split(info, p.parts, replies) == keys
    # DEL-like parts are summed.
    deleted = merge_split(COMMANDS[b"DEL"], p.parts, [len(part.positions) for part in p.parts])
    assert deleted == len(keys)


def test_merge_split_mismatched_reply() -> None:
    p = plan(b"MGET", "foo", "bar")
    with pytest.raises(ValueError, match="got 2 values"):
        merge_split(COMMANDS[b"MGET"], p.parts, [[1, 2], [3]])
    assert merge_split(COMMANDS[b"MSET"], p.parts, [b"OK", b"OK"]) == b"OK"


def info_of(*args: Any) -> Any:
    return resolve_info(args)


def test_merge_fanout_policies() -> None:
    assert merge_fanout(b"DBSIZE", info_of(b"DBSIZE"), {A: 2, B: 3}) == 5
    assert merge_fanout(b"KEYS", info_of(b"KEYS", "*"), {A: [b"a"], B: [b"b"]}) == [b"a", b"b"]
    assert merge_fanout(b"KEYS", info_of(b"KEYS", "*"), {A: {b"a"}, B: {b"b"}}) == {b"a", b"b"}
    assert merge_fanout(b"FLUSHALL", info_of(b"FLUSHALL"), {A: b"OK", B: b"OK"}) == b"OK"
    script_exists = info_of(b"SCRIPT", b"EXISTS", "x")
    assert merge_fanout(b"SCRIPT", script_exists, {A: [1, 0, 1], B: [1, 1, 0]}) == [1, 0, 0]
    script_load = info_of(b"SCRIPT", b"LOAD", "x")
    assert merge_fanout(b"SCRIPT", script_load, {A: b"abc", B: b"abc"}) == b"abc"
    with pytest.raises(ClusterReplyMismatchError, match="nodes disagree") as caught:
        merge_fanout(b"SCRIPT", script_load, {A: b"abc", B: b"abd"})
    assert caught.value.replies == {A: b"abc", B: b"abd"}
    info = merge_fanout(b"INFO", info_of(b"INFO"), {A: b"x", B: b"y"})
    assert info == NodeReplies({"127.0.0.1:7000": b"x", "127.0.0.1:7001": b"y"})
    rng = random.Random(0)
    assert merge_fanout(b"RANDOMKEY", info_of(b"RANDOMKEY"), {A: None, B: b"k"}, rng=rng) == b"k"
    assert merge_fanout(b"RANDOMKEY", info_of(b"RANDOMKEY"), {A: None, B: None}) is None
    assert merge_fanout(b"DBSIZE", info_of(b"DBSIZE"), {}) is None
    wait = info_of(b"WAIT", 1, 0)
    assert merge_fanout(b"WAIT", wait, {A: 1, B: 0}) == 0
    latency_reset = info_of(b"LATENCY", b"RESET")
    assert merge_fanout(b"LATENCY", latency_reset, {A: b"2", B: 3}) == 5
