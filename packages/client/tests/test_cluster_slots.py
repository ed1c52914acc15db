"""The slot map and hash slots, without a server: vectors and hypothesis over topology events."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keywire.cluster import (
    SLOTS,
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
from keywire.cluster._slots import (
    Address,
    Event,
    format_address,
    key_bytes,
    pattern_slot,
    refresh_from,
)


def reference_crc16(data: bytes) -> int:
    """CRC16-XMODEM bit by bit, straight from its definition."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def reference_slot(key: bytes) -> int:
    """The key-hashing rule of the cluster specification, written independently."""
    if b"{" in key:
        start = key.index(b"{")
        rest = key[start + 1 :]
        if b"}" in rest:
            tag = rest[: rest.index(b"}")]
            if tag:
                key = tag
    return reference_crc16(key) % 16384


# -- CRC16 and key slots ------------------------------------------------------------------------


def test_crc16_vector() -> None:
    assert crc16(b"123456789") == 0x31C3
    assert crc16(b"") == 0


@pytest.mark.parametrize(
    ("key", "slot"),
    [
        ("foo", 12182),
        ("bar", 5061),
        ("", 0),
        (b"foo", 12182),
        (memoryview(b"foo"), 12182),
        ("123456789", 0x31C3 % 16384),
    ],
)
def test_key_slot_vectors(key: str | bytes | memoryview, slot: int) -> None:
    assert key_slot(key) == slot


def test_hash_tags() -> None:
    assert key_slot("{user1000}.following") == key_slot("{user1000}.followers")
    assert key_slot("{user1000}.following") == key_slot("user1000")
    # The first "{" and the first "}" after it; an empty tag hashes the whole key.
    assert key_slot("foo{}{bar}") == reference_crc16(b"foo{}{bar}") % 16384
    assert key_slot("foo{{bar}}zap") == key_slot("{bar")
    assert key_slot("foo{bar}{zap}") == key_slot("bar")
    assert key_slot("{}") == reference_crc16(b"{}") % 16384
    assert key_slot("no}tag{") == reference_crc16(b"no}tag{") % 16384
    # str keys hash as UTF-8, like they are sent.
    assert key_slot("ключ") == key_slot("ключ".encode())


def test_key_bytes() -> None:
    assert key_bytes(b"a") == b"a"
    assert key_bytes("é") == "é".encode()
    assert key_bytes(bytearray(b"x")) == b"x"
    assert key_bytes(42) == b"42"
    assert key_bytes(1.5) == b"1.5"
    with pytest.raises(TypeError):
        key_bytes(None)


@given(st.binary(max_size=64))
def test_crc16_matches_reference(data: bytes) -> None:
    assert crc16(data) == reference_crc16(data)


tricky_keys = st.builds(
    lambda a, b, c: a + b + c,
    st.binary(max_size=6),
    st.sampled_from([b"{", b"}", b"{}", b"{x}", b"{{", b"}}", b"{ab}{cd}"]),
    st.binary(max_size=6),
)


@given(st.binary(max_size=24) | tricky_keys)
def test_key_slot_matches_reference(key: bytes) -> None:
    assert key_slot(key) == reference_slot(key)
    assert 0 <= key_slot(key) < SLOTS


@given(st.text(max_size=12), st.text(max_size=12), st.text(min_size=1, max_size=8))
def test_same_tag_same_slot(prefix: str, suffix: str, tag: str) -> None:
    if "{" in prefix or "}" in tag or "{" in tag:
        return
    assert key_slot(f"{prefix}{{{tag}}}{suffix}") == key_slot(tag)


@pytest.mark.parametrize(
    ("pattern", "slot_of"),
    [
        ("{user1}:*", "user1"),
        ("{user1}*", "user1"),
        ("a{b}[xy]?", "b"),
        ("a{b}", "b"),
        (b"{k}\\*", "k"),  # an escape after the tag does not matter
        ("*", None),
        ("*{a}", None),  # "*" may swallow another "{" first
        ("?{a}", None),
        ("[{]{a}", None),
        ("\\{{a}", None),
        ("{a*}", None),  # the tag itself is a glob
        ("{}x", None),  # an empty tag: the whole key is hashed
        ("no-tag", None),
        ("{open", None),
    ],
)
def test_pattern_slot(pattern: str | bytes, slot_of: str | None) -> None:
    assert pattern_slot(pattern) == (None if slot_of is None else key_slot(slot_of))


@given(
    st.text(alphabet="abc-:", max_size=5),
    st.text(alphabet="abc:", min_size=1, max_size=5),
    st.text(max_size=8),
)
def test_keys_matching_a_tagged_pattern_share_its_slot(prefix: str, tag: str, rest: str) -> None:
    pattern = f"{prefix}{{{tag}}}*"
    assert pattern_slot(pattern) == key_slot(f"{prefix}{{{tag}}}{rest}")


def test_format_address() -> None:
    assert format_address(("127.0.0.1", 7000)) == "127.0.0.1:7000"
    assert format_address(("::1", 7000)) == "[::1]:7000"


# -- the slot map: examples ---------------------------------------------------------------------

A: Address = ("10.0.0.1", 7000)
B: Address = ("10.0.0.2", 7000)
C: Address = ("10.0.0.3", 7000)
RA: Address = ("10.0.1.1", 7000)
RA2: Address = ("10.0.1.2", 7000)
RB: Address = ("10.0.2.1", 7000)


def three_shards() -> Refresh:
    return refresh_from(
        [
            ([(0, 5460)], Shard(A, (RA, RA2))),
            ([(5461, 10922)], Shard(B, (RB,))),
            ([(10923, 16383)], Shard(C, ())),
        ]
    )


def test_empty_map() -> None:
    slots = SlotMap()
    assert slots.epoch == 0
    assert slots.primary_for(0) is None
    assert slots.replica_for(0, 0.0) is None
    assert slots.primaries() == []
    assert not slots.covered()
    assert slots.unserved() == SLOTS


def test_refresh_and_lookups() -> None:
    slots = SlotMap()
    assert slots.apply(three_shards())
    assert slots.covered()
    assert slots.primary_for(0) == A
    assert slots.primary_for(5460) == A
    assert slots.primary_for(5461) == B
    assert slots.primary_for(16383) == C
    assert slots.primaries() == [A, B, C]
    assert slots.replicas() == [RA, RA2, RB]
    assert slots.nodes() == [A, B, C, RA, RA2, RB]
    assert slots.representative_slots() == [0, 5461, 10923]
    assert slots.first_slot_of(C) == 10923
    assert slots.first_slot_of(RA) is None
    assert slots.ranges() == [
        SlotRange(0, 5460, A, (RA, RA2)),
        SlotRange(5461, 10922, B, (RB,)),
        SlotRange(10923, 16383, C, ()),
    ]
    # The same topology again changes nothing (but counts as a load).
    epoch = slots.epoch
    assert not slots.apply(three_shards())
    assert slots.epoch == epoch + 1


def test_refresh_rejects_bad_ranges() -> None:
    with pytest.raises(ValueError, match="invalid slot range"):
        SlotMap().apply(Refresh((SlotRange(10, 5, A),)))
    with pytest.raises(ValueError, match="invalid slot range"):
        SlotMap().apply(Refresh((SlotRange(0, SLOTS, A),)))


def test_moved_patches_one_slot() -> None:
    slots = SlotMap()
    slots.apply(three_shards())
    assert slots.apply(Moved(100, B))
    assert slots.primary_for(100) == B
    assert slots.shard_for(100) == Shard(B, (RB,))  # B's known replicas come along
    assert slots.primary_for(99) == A
    assert slots.primary_for(101) == A
    assert not slots.apply(Moved(100, B))  # already known: no change
    # MOVED to a node we do not know as a primary (a promoted replica, a new node).
    assert slots.apply(Moved(200, RA))
    assert slots.shard_for(200) == Shard(RA, ())
    with pytest.raises(ValueError, match="invalid slot"):
        slots.apply(Moved(SLOTS, A))


def test_replica_round_robin_and_fallback() -> None:
    slots = SlotMap("round_robin")
    slots.apply(three_shards())
    picks = [slots.replica_for(0, 0.0) for _ in range(4)]
    assert picks == [RA, RA2, RA, RA2]
    assert slots.replica_for(6000, 0.0) == RB
    assert slots.replica_for(12000, 0.0) == C  # no replica: the primary
    slots.apply(NodeDown(RA, until=10.0))
    assert {slots.replica_for(0, 5.0) for _ in range(4)} == {RA2}
    assert slots.is_down(RA, 5.0)
    assert not slots.is_down(RA, 10.0)
    assert {slots.replica_for(0, 11.0) for _ in range(4)} == {RA, RA2}  # expired
    slots.apply(NodeDown(RA2))
    slots.apply(NodeDown(RA))
    assert slots.replica_for(0, 5.0) == A  # no healthy replica: the primary
    assert slots.apply(NodeUp(RA))
    assert not slots.apply(NodeUp(RA))
    assert slots.replica_for(0, 5.0) == RA


def test_replica_random() -> None:
    slots = SlotMap("random", rng=random.Random(1))
    slots.apply(three_shards())
    seen = {slots.replica_for(0, 0.0) for _ in range(50)}
    assert seen == {RA, RA2}
    with pytest.raises(ValueError, match="replica_selector"):
        SlotMap("nearest")  # type: ignore[arg-type]


def test_primary_listed_as_its_own_replica_is_dropped() -> None:
    slots = SlotMap()
    slots.apply(Refresh((SlotRange(0, SLOTS - 1, A, (A, RA, RA)),)))
    assert slots.shard_for(0) == Shard(A, (RA,))


def test_unknown_event() -> None:
    with pytest.raises(TypeError):
        SlotMap().apply("refresh")  # type: ignore[arg-type]


# -- the slot map: properties over random event sequences ---------------------------------------

addresses = st.sampled_from([("127.0.0.1", port) for port in range(7000, 7008)])


@st.composite
def refreshes(draw: st.DrawFn, *, full: bool = False) -> Refresh:
    cuts = sorted(draw(st.sets(st.integers(1, SLOTS - 1), max_size=6)))
    bounds = [0, *cuts, SLOTS]
    ranges = []
    for start, end in itertools.pairwise(bounds):
        if not full and draw(st.booleans()) and draw(st.booleans()):
            continue  # leave this range unserved
        primary = draw(addresses)
        replicas = tuple(draw(st.lists(addresses, max_size=3)))
        ranges.append(SlotRange(start, end - 1, primary, replicas))
    return Refresh(tuple(ranges))


slots_st = st.integers(0, SLOTS - 1) | st.sampled_from([0, 1, 5460, 5461, SLOTS - 1])
events = st.one_of(
    refreshes(),
    st.builds(Moved, slots_st, addresses),
    st.builds(NodeDown, addresses, st.floats(0, 100) | st.just(math.inf)),
    st.builds(NodeUp, addresses),
)


def check_invariants(slots: SlotMap) -> None:
    snapshot = slots.snapshot()
    assert len(snapshot) == SLOTS
    primaries = slots.primaries()
    assert len(primaries) == len(set(primaries))
    assert set(primaries) == {p for p in snapshot if p is not None}
    representatives = slots.representative_slots()
    assert [slots.primary_for(s) for s in representatives] == primaries
    assert all(slots.first_slot_of(p) == s for p, s in zip(primaries, representatives, strict=True))
    for slot in {0, 1, 100, 5460, 5461, 10922, 10923, SLOTS - 1}:
        shard = slots.shard_for(slot)
        if shard is None:
            assert slots.primary_for(slot) is None
            continue
        assert shard.primary not in shard.replicas
        assert len(set(shard.replicas)) == len(shard.replicas)
        choice = slots.replica_for(slot, 50.0)
        assert choice == shard.primary or choice in shard.replicas
        if choice != shard.primary:
            assert not slots.is_down(choice, 50.0)
        elif shard.replicas:
            assert all(slots.is_down(r, 50.0) for r in shard.replicas)
    # ranges() describes the same assignment
    rebuilt: list[Address | None] = [None] * SLOTS
    for start, end, primary, _replicas in slots.ranges():
        rebuilt[start : end + 1] = [primary] * (end - start + 1)
    assert tuple(rebuilt) == snapshot


@settings(max_examples=60, deadline=None)
@given(st.lists(events, max_size=12))
def test_invariants_hold_after_any_events(sequence: list[Event]) -> None:
    slots = SlotMap()
    for event in sequence:
        slots.apply(event)
        check_invariants(slots)


full_events = st.one_of(
    refreshes(full=True),
    st.builds(Moved, slots_st, addresses),
    st.builds(NodeDown, addresses, st.floats(0, 100) | st.just(math.inf)),
    st.builds(NodeUp, addresses),
)


@settings(max_examples=60, deadline=None)
@given(refreshes(full=True), st.lists(full_events, max_size=12))
def test_every_slot_has_exactly_one_primary_after_a_full_refresh(
    first: Refresh, sequence: list[Event]
) -> None:
    slots = SlotMap()
    slots.apply(first)
    for event in sequence:
        slots.apply(event)
        assert slots.covered()
        assert all(primary is not None for primary in slots.snapshot())
        check_invariants(slots)


@settings(max_examples=80, deadline=None)
@given(st.lists(events, max_size=8), slots_st, addresses)
def test_moved_changes_exactly_one_slot(sequence: list[Event], slot: int, target: Address) -> None:
    slots = SlotMap()
    for event in sequence:
        slots.apply(event)
    before = slots.snapshot()
    changed = slots.apply(Moved(slot, target))
    after = slots.snapshot()
    assert after[slot] == target
    assert changed == (before[slot] != target)
    assert [i for i in range(SLOTS) if before[i] != after[i]] == ([slot] if changed else [])


@settings(max_examples=60, deadline=None)
@given(st.lists(events, max_size=6), refreshes())
def test_refresh_replaces_everything(sequence: list[Event], event: Refresh) -> None:
    slots = SlotMap()
    for earlier in sequence:
        slots.apply(earlier)
    slots.apply(event)
    expected: list[Address | None] = [None] * SLOTS
    for start, end, primary, _replicas in event.ranges:
        expected[start : end + 1] = [primary] * (end - start + 1)
    assert slots.snapshot() == tuple(expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(addresses, min_size=1, max_size=5, unique=True), st.integers(1, 20))
def test_round_robin_spreads_evenly(replicas: list[Address], rounds: int) -> None:
    primary = ("10.9.9.9", 1)
    slots = SlotMap("round_robin")
    slots.apply(Refresh((SlotRange(0, SLOTS - 1, primary, tuple(replicas)),)))
    picks = [slots.replica_for(7, 0.0) for _ in range(rounds * len(replicas))]
    assert {r: picks.count(r) for r in replicas} == dict.fromkeys(replicas, rounds)
