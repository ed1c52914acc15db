"""The accounting and copy helpers of _sizing."""

from __future__ import annotations

import sys
from collections import OrderedDict
from typing import Any

import pytest

from keywire_cache._sizing import copier_for, deep_copy, index_slot_bytes, is_immutable, sizeof


def test_scalars_are_their_getsizeof() -> None:
    for value in (b"abc", "abc", 12345, 1.5, 10**30):
        assert sizeof(value) == sys.getsizeof(value)


def test_singletons_cost_nothing() -> None:
    assert sizeof(None) == 0
    assert sizeof(True) == 0
    assert sizeof(False) == 0


def test_containers_are_walked_once() -> None:
    inner = [b"x" * 10]
    value = [inner, inner, (1, 2), {b"k": {b"v"}}, frozenset({1})]
    expected = (
        sys.getsizeof(value)
        + sys.getsizeof(inner)
        + sys.getsizeof(b"x" * 10)
        + sys.getsizeof((1, 2))
        + 2 * sys.getsizeof(1)
        + sys.getsizeof({b"k": {b"v"}})
        + sys.getsizeof(b"k")
        + sys.getsizeof({b"v"})
        + sys.getsizeof(b"v")
        + sys.getsizeof(frozenset({1}))
        + sys.getsizeof(1)
    )
    assert sizeof(value) == expected


def test_cycles_terminate() -> None:
    cyclic: list[Any] = [b"a"]
    cyclic.append(cyclic)
    mapping: dict[str, Any] = {}
    mapping["self"] = mapping
    assert sizeof(cyclic) == sys.getsizeof(cyclic) + sys.getsizeof(b"a")
    assert sizeof(mapping) == sys.getsizeof(mapping) + sys.getsizeof("self")


def test_other_objects_count_shallow() -> None:
    value = bytearray(b"abc")
    assert sizeof(value) == sys.getsizeof(value)


class _Str(str):
    __slots__ = ()


@pytest.mark.parametrize(
    "value",
    [
        b"",
        "s",
        1,
        1.5,
        True,
        None,
        1j,
        (1, b"a", (None,)),
        frozenset({1, 2}),
        frozenset(),
        _Str("x"),
    ],
)
def test_immutable(value: object) -> None:
    assert is_immutable(value)


@pytest.mark.parametrize("value", [[1], {1: 2}, {1}, (1, [2]), bytearray(b"a"), object()])
def test_mutable(value: object) -> None:
    # object() is not a known value type: treated as mutable (copied), to be safe.
    assert not is_immutable(value)


def test_deep_copy_keeps_types_and_shares_nothing_mutable() -> None:
    class Sub(list[Any]):
        pass

    value: list[Any] = [b"a", [1, [2]], {b"k": [3]}, (4, [5]), {6}, frozenset({7}), Sub([8])]
    copied = deep_copy(value)
    assert copied == value
    assert type(copied[6]) is Sub
    assert copied[1] is not value[1]
    assert copied[1][1] is not value[1][1]
    assert copied[2][b"k"] is not value[2][b"k"]
    assert copied[3][1] is not value[3][1]
    assert copied[4] is not value[4]
    assert copied[5] is value[5]
    assert copied[6] is not value[6]
    assert deep_copy(b"x") == b"x"


def test_copier_picks_a_shallow_copy_only_when_it_is_deep() -> None:
    assert copier_for([b"a", 1, None]) is list.copy
    assert copier_for({b"k": b"v"}) is dict.copy
    assert copier_for({b"m"}) is set.copy
    assert copier_for([[1]]) is deep_copy
    assert copier_for({b"k": [1]}) is deep_copy
    assert copier_for((1, [2])) is deep_copy


def test_index_slot_bytes_is_measured() -> None:
    slot = index_slot_bytes()
    od: OrderedDict[int, None] = OrderedDict((i, None) for i in range(4096))
    measured = (sys.getsizeof(od) - sys.getsizeof(OrderedDict())) / 4096
    # The average over fill levels is within a factor of two of any one level.
    assert measured / 2 <= slot <= measured * 2
    assert index_slot_bytes() == slot
