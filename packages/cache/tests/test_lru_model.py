"""LRUCache against a simple model (Hypothesis state machine).

The model is an OrderedDict of key -> {(command, args): value} in recency order. The machine
checks that the bounds always hold (keys and accounted bytes), that eviction takes the least
recently used keys first and no more than needed, that invalidation removes every entry of a
key, that ``get`` returns what was put unless evicted or invalidated, that neither the
value put nor a value returned can change the cache, and that the statistics are exact.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from keywire_cache import LRUCache
from keywire_cache._lru import _entry_cost
from keywire_cache._sizing import is_immutable

_EntryKey = tuple[bytes, tuple[object, ...]]

KEYS = st.sampled_from(["a", b"a", "b", b"c", "d", "\u00e9", b"\xc3\xa9", "f", "g"])
COMMANDS = st.sampled_from([b"GET", b"LRANGE", b"HGETALL"])
ARGS = st.sampled_from([(), (0,), (0, -1), (1, 2)])
SCALARS = (
    st.none()
    | st.binary(max_size=300)
    | st.integers()
    | st.text(max_size=20)
    | st.floats(allow_nan=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.binary(max_size=5), children, max_size=4)
        | st.tuples(children, children)
        | st.sets(st.binary(max_size=5), max_size=3)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=10,
)


def _norm(key: bytes | str) -> bytes:
    return key.encode() if isinstance(key, str) else key


def _entry(cache: LRUCache, key: bytes, entry_key: _EntryKey) -> bool:
    node = cache._keys.get(key)
    if node is None:
        return False
    return node.first_key == entry_key or (node.rest is not None and entry_key in node.rest)


def _mutate(value: Any) -> None:
    if isinstance(value, list):
        value.append(b"mutated")
    elif isinstance(value, dict):
        value[b"mutated"] = 1
    elif isinstance(value, set):
        value.add(b"mutated")


class LRUModel(RuleBasedStateMachine):
    """Drives an LRUCache and a model side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.cache = LRUCache()
        self.model: OrderedDict[bytes, dict[_EntryKey, Any]] = OrderedDict()
        self.hits = self.misses = self.invalidations = self.dirty = 0

    @initialize(
        max_keys=st.sampled_from([-1, 0, 1, 2, 3, 5]),
        max_size_bytes=st.sampled_from([-1, 0, 300, 800, 2000, 6000]),
    )
    def make(self, max_keys: int, max_size_bytes: int) -> None:
        self.cache = LRUCache(max_keys=max_keys, max_size_bytes=max_size_bytes)

    @rule(key=KEYS, command=COMMANDS, args=ARGS, value=VALUES)
    def put(self, key: bytes | str, command: bytes, args: tuple[int, ...], value: Any) -> None:
        cache, model = self.cache, self.model
        k = _norm(key)
        entry_key = (command, args)
        sizes = {name: node.nbytes for name, node in cache._keys.items()}
        was_present = k in cache
        expected = copy.deepcopy(value)
        cache.put(command, key, *args, value=value)
        _mutate(value)  # changing what was put must not change the cache

        entries = dict(model.get(k, {}))
        entries.pop(entry_key, None)
        if _entry(cache, k, entry_key):
            entries[entry_key] = expected
        else:
            # Not stored: only a byte bound (or max_keys=0) may refuse an entry.
            assert cache.max_keys == 0 or cache.max_size_bytes >= 0
            if not was_present and cache.max_keys != 0:
                alone = cache._key_bytes(k) + _entry_cost(entry_key, expected)
                stored_kind = is_immutable(expected)
                # A mutable value is stored as a copy in a wrapper: at least as big.
                assert alone > cache.max_size_bytes or not stored_kind
        if k in cache:
            model[k] = entries
            model.move_to_end(k)
        else:
            model.pop(k, None)

        # Eviction: what is left is the most recent run of keys, in the same order...
        held = list(cache._keys)
        order = list(model)
        assert held == order[len(order) - len(held) :]
        evicted = order[: len(order) - len(held)]
        for name in evicted:
            del model[name]
        # ...and no more was evicted than needed.
        if evicted:
            youngest = evicted[-1]
            too_many_keys = len(held) + 1 > (
                cache.max_keys if cache.max_keys >= 0 else float("inf")
            )
            bound = cache.max_size_bytes if cache.max_size_bytes >= 0 else float("inf")
            too_many_bytes = cache.size_bytes + sizes[youngest] > bound
            assert too_many_keys or too_many_bytes

    @rule(key=KEYS, command=COMMANDS, args=ARGS)
    def get(self, key: bytes | str, command: bytes, args: tuple[int, ...]) -> None:
        k = _norm(key)
        expected = self.model.get(k, {}).get((command, args), _ABSENT)
        try:
            got = self.cache.get(command, key, *args)
        except KeyError:
            assert expected is _ABSENT
            self.misses += 1
            return
        assert expected is not _ABSENT
        assert got == expected
        self.hits += 1
        self.model.move_to_end(k)
        _mutate(got)  # changing what was returned must not change the cache

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def get_held(self, data: st.DataObject) -> None:
        # Hits on entries known to be held (a random get seldom finds one).
        key = data.draw(st.sampled_from(sorted(self.model)))
        command, args = data.draw(st.sampled_from(sorted(self.model[key], key=repr)))
        self.get(key, command, args)

    @rule(keys=st.lists(KEYS, max_size=3))
    def invalidate(self, keys: list[bytes | str]) -> None:
        self.cache.invalidate(*keys)
        for key in keys:
            self.model.pop(_norm(key), None)
        self.invalidations += len(keys)

    @rule(key=KEYS, command=COMMANDS, args=ARGS, match=st.booleans())
    def feedback(
        self, key: bytes | str, command: bytes, args: tuple[int, ...], match: bool
    ) -> None:
        self.cache.feedback(command, key, *args, match=match)
        if not match:
            self.model.pop(_norm(key), None)
            self.dirty += 1

    @rule()
    def read_stats(self) -> None:
        # Reading the statistics hands the per-node hit counts over; nothing else changes.
        assert sum(self.cache.stats.hits.values()) <= self.hits

    @invariant()
    def bounds_hold(self) -> None:
        cache = self.cache
        if cache.max_keys >= 0:
            assert len(cache) <= cache.max_keys
        if cache.max_size_bytes >= 0:
            assert cache.size_bytes <= cache.max_size_bytes

    @invariant()
    def accounting_is_exact(self) -> None:
        assert self.cache.size_bytes == self.cache._recount()

    @invariant()
    def same_keys_in_the_same_order(self) -> None:
        assert list(self.cache._keys) == list(self.model)
        assert self.cache.entry_count == sum(len(entries) for entries in self.model.values())

    @invariant()
    def statistics_are_exact(self) -> None:
        assert self.cache.stats.summary == {
            "hits": self.hits,
            "misses": self.misses,
            "dirty_hits": self.dirty,
            "invalidations": self.invalidations,
        }


_ABSENT: Any = object()

LRUModel.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLRUModel = LRUModel.TestCase
