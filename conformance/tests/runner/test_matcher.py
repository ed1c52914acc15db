"""Tests of keywire_conformance.runner._matcher: plain values, operators and properties."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywire_conformance.adapters import ErrorInfo
from keywire_conformance.runner import MATCH_OPERATORS, TYPE_NAMES, match, type_names


class Push(list[Any]):
    """Named like keywire_resp.Push: recognized by its class name."""


class VerbatimStr(str):
    """A str with a string ``format`` attribute, like keywire_resp.VerbatimStr."""

    format: str  # type: ignore[assignment]  # shadows str.format, as keywire_resp does

    def __new__(cls, value: str, fmt: str = "txt") -> VerbatimStr:
        self = super().__new__(cls, value)
        self.format = fmt
        return self


class ReplyError(Exception):
    """Classified by name by the default classifier."""


# -- plain values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (1, 1),
        (-5, -5),
        (1.5, 1.5),
        (math.inf, math.inf),
        (math.nan, math.nan),
        (True, True),
        (None, None),
        ("text", "text"),
        ("text", b"text"),
        ("é", "é".encode()),
        ("text", bytearray(b"text")),
        (b"\x00", b"\x00"),
        ([1, "a"], (1, b"a")),
        ([1, 2], Push([1, 2])),
        ({"a": 1}, {b"a": 1}),
        ({"a": 1}, {"a": 1}),
        ({1: "x"}, {1: b"x"}),
        ({}, {}),
        ([], []),
        ("txt", VerbatimStr("txt")),
        ({1, 2}, frozenset({2, 1})),
    ],
)
def test_plain_values_match(expected: object, actual: object) -> None:
    assert match(expected, actual) == []


@pytest.mark.parametrize(
    ("expected", "actual", "problem"),
    [
        (1, True, "$: expected 1 (int), got True (bool)"),
        (True, 1, "$: expected True (bool), got 1 (int)"),
        (1, 1.0, "$: expected 1 (int), got 1.0 (float)"),
        (1.0, 1, "$: expected 1.0 (float), got 1 (int)"),
        (0, None, "$: expected 0 (int), got None (NoneType)"),
        (None, b"", "$: expected None (NoneType), got b'' (bytes)"),
        ("a", b"b", "$: expected 'a' (str) or its UTF-8 bytes, got b'b' (bytes)"),
        ("1", 1, "$: expected '1' (str) or its UTF-8 bytes, got 1 (int)"),
        (b"a", "a", "$: expected b'a' (bytes), got 'a' (str)"),
        ([1], [1, 2], "$: expected an array of 1 items, got [1, 2] (list)"),
        ([1], {1}, "$: expected an array of 1 items, got {1} (set)"),
        ({"a": 1}, [("a", 1)], "$: expected a map, got"),
        ({"a": 1}, {"a": 1, "b": 2}, "$: unexpected key(s) 'b'"),
        ({"a": 1}, {}, "$.a: expected 1 (int), got nothing (the key is missing)"),
        ({"a b": 1}, {"a b": 2}, "$['a b']: expected 1 (int), got 2 (int)"),
        ([[1, {"x": [0, 5]}]], [[1, {"x": [0, 6]}]], "$[0][1].x[1]: expected 5 (int)"),
        ({1, 2}, [1, 2], "$: expected a set of 2 items, got [1, 2] (list)"),
    ],
)
def test_plain_values_mismatch(expected: object, actual: object, problem: str) -> None:
    problems = match(expected, actual)
    assert len(problems) == 1
    assert problems[0].startswith(problem), problems


def test_every_problem_is_reported() -> None:
    problems = match({"a": 1, "b": [1, 2], "c": 3}, {"a": 2, "b": [1, 3], "d": 0})
    assert [p.split(":")[0] for p in problems] == ["$.a", "$.b[1]", "$.c", "$"]


# -- operators ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "names"),
    [
        (None, {"null"}),
        (True, {"bool"}),
        (1, {"int"}),
        (2**63, {"int", "bignumber"}),
        (-(2**63) - 1, {"int", "bignumber"}),
        (-(2**63), {"int"}),
        (1.0, {"float"}),
        ("s", {"str"}),
        (b"b", {"bytes"}),
        (VerbatimStr("v"), {"str", "verbatim"}),
        ([1], {"array"}),
        ((1,), {"array"}),
        (Push([1]), {"array", "push"}),
        ({}, {"map"}),
        ({1}, {"set"}),
        (frozenset(), {"set"}),
        (ValueError("x"), {"error"}),
        (object(), set()),
    ],
)
def test_type_names(value: object, names: set[str]) -> None:
    assert type_names(value) == names
    assert names <= TYPE_NAMES


def test_type_operator() -> None:
    assert match({"$$type": "int"}, 1) == []
    assert match({"$$type": ["str", "bytes"]}, b"x") == []
    assert match({"$$type": "push"}, Push()) == []
    assert match({"$$type": "array"}, Push()) == []
    assert match({"$$type": "int"}, True) == ["$: expected a value of type int, got True (bool)"]
    assert match({"$$type": "nope"}, 1) == ["$: unknown $$type name(s) ['nope']"]


def test_exists_and_unset_or_matches() -> None:
    expected = {
        "a": {"$$exists": True},
        "b": {"$$exists": False},
        "c": {"$$unsetOrMatches": 3},
        "d": {"$$unsetOrMatches": 4},
    }
    assert match(expected, {"a": 0, "c": 3}) == []
    assert match(expected, {"a": 0, "b": 1, "c": 2}) == [
        "$.b: expected the key to be absent, got 1 (int)",
        "$.c: expected 3 (int), got 2 (int)",
    ]
    assert match({"a": {"$$exists": True}}, {}) == ["$.a: expected the key to be present"]
    assert match({"$$exists": True}, 1) == [
        "$: $$exists is only meaningful as the value of a map key"
    ]
    assert match({"$$unsetOrMatches": 1}, None) == []


def test_operators_on_a_missing_key_fail() -> None:
    assert match({"a": {"$$any": True}}, {}) == [
        "$.a: expected a value matching {'$$any': True} (dict), got nothing (the key is missing)"
    ]


def test_bytes_operators() -> None:
    assert match({"$$hex": "00 FF\n0d"}, b"\x00\xff\r") == []
    assert match({"$$hex": "00"}, "\x00") != []
    assert match({"$$bytes": "é"}, "é".encode()) == []
    assert match({"$$bytes": "x"}, "x") == ["$: expected b'x' (bytes), got 'x' (str)"]


def test_regex() -> None:
    assert match({"$$matchesRegex": "^a.c$"}, "abc") == []
    assert match({"$$matchesRegex": "state:ok"}, b"x\r\nstate:ok\r\n") == []
    assert match({"$$matchesRegex": "a"}, 1) == ["$: expected text matching /a/, got 1 (int)"]


def test_approx_and_nan() -> None:
    assert match({"$$approx": {"value": 1.0, "tolerance": 0.5}}, 1.4) == []
    assert match({"$$approx": {"value": 100, "tolerance": 1}}, 99) == []
    assert match({"$$approx": {"value": 1, "tolerance": 1}}, True) != []
    assert match({"$$approx": {"value": 1, "tolerance": 0.1}}, math.nan) != []
    assert match({"$$nan": True}, math.nan) == []
    assert match({"$$nan": True}, "nan") == ["$: expected NaN, got 'nan' (str)"]


def test_set_needs_a_full_matching() -> None:
    # A greedy first fit would pair {$$type: int} with 1 and then find nothing for 1.
    assert match({"$$set": [{"$$type": "int"}, 1]}, [1, 2]) == []
    assert match({"$$set": [{"$$type": "int"}, 1]}, {1, 2}) == []
    assert match({"$$set": [1, 1]}, [1, 1]) == []
    problems = match({"$$set": ["a", "c"]}, {b"a", b"b"})
    assert problems == ["$: no element matches 'c' (str); unmatched element(s): b'b' (bytes)"]


def test_partial_and_all_of() -> None:
    assert match({"$$partial": {"a": 1}}, {"a": 1, "b": 2}) == []
    assert match({"$$partial": {"a": {"x": 1}}}, {"a": {"x": 1, "y": 2}}) == [
        "$.a: unexpected key(s) 'y' (use $$partial to allow extra keys)"
    ]
    assert match({"$$allOf": [{"$$type": "int"}, 1]}, 1) == []
    assert len(match({"$$allOf": [{"$$type": "str"}, 2]}, 1)) == 2


def test_error_operator() -> None:
    error = ReplyError("WRONGTYPE Operation against a key")
    assert match({"$$error": {"errorType": "ReplyError", "errorCode": "WRONGTYPE"}}, error) == []
    assert match({"$$error": {"errorContains": "operation AGAINST"}}, error) == []
    assert match({"$$error": {"errorCode": "ERR"}}, error) == [
        "$: expected error code ERR, got code WRONGTYPE in ReplyError "
        "'WRONGTYPE Operation against a key'"
    ]
    assert match({"$$error": {}}, "ERR x") == ["$: expected an error, got 'ERR x' (str)"]


def test_error_operator_uses_the_given_classifier() -> None:
    def classify(exc: BaseException) -> ErrorInfo:
        return ErrorInfo("ConnectionError", None, "gone")

    assert (
        match({"$$error": {"errorType": "ConnectionError"}}, ValueError(), classify_error=classify)
        == []
    )


def test_matches_entity() -> None:
    entities = {"saved": [b"a", 1]}
    assert match({"$$matchesEntity": "saved"}, [b"a", 1], entities=entities) == []
    assert match({"$$matchesEntity": "saved"}, ["a", 1], entities=entities) != []
    assert match({"$$matchesEntity": "nope"}, 1, entities=entities) == ["$: no saved entity 'nope'"]


def test_malformed_operator_mappings() -> None:
    assert match({"$$nope": 1}, 1) == ["$: unknown match operator '$$nope'"]
    assert match({"$$type": "int", "$$any": True}, 1) == [
        "$: an operator mapping must have one key, not ['$$any', '$$type']"
    ]


def test_operator_list_is_complete() -> None:
    assert {
        "$$type",
        "$$exists",
        "$$any",
        "$$hex",
        "$$bytes",
        "$$unsetOrMatches",
        "$$matchesRegex",
        "$$approx",
        "$$nan",
        "$$set",
        "$$partial",
        "$$allOf",
        "$$error",
        "$$matchesEntity",
    } == MATCH_OPERATORS


# -- properties ---------------------------------------------------------------------------------

_keys = st.text(max_size=5).filter(lambda key: not key.startswith("$$"))
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=8),
)
_values = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=4)
    ),
    max_leaves=20,
)


def _to_wire(value: object) -> object:
    """What a client that does not decode returns: text as UTF-8 bytes, keys included."""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, list):
        return [_to_wire(item) for item in value]
    if isinstance(value, dict):
        return {_to_wire(key): _to_wire(item) for key, item in value.items()}
    return value


def _leaf_paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _leaf_paths(item, (*path, i))]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _leaf_paths(item, (*path, key))]
    return [path]


def _mutated(leaf: object) -> object:
    if leaf is None:
        return 0
    if isinstance(leaf, bool):
        return not leaf
    if isinstance(leaf, int):
        return leaf + 1
    if isinstance(leaf, float):
        return 0.5 if leaf != 0.5 else 1.5  # NaN != 0.5 too
    assert isinstance(leaf, str)
    return leaf + "x"


def _replace(value: Any, path: tuple[object, ...], new: object) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        copy = list(value)
        assert isinstance(head, int)
        copy[head] = _replace(value[head], rest, new)
        return copy
    copy_map = dict(value)
    copy_map[head] = _replace(value[head], rest, new)
    return copy_map


@given(_values)
def test_a_value_matches_itself(value: object) -> None:
    assert match(value, value) == []


@given(_values)
def test_text_matches_its_utf8_bytes(value: object) -> None:
    assert match(value, _to_wire(value)) == []


@given(_values, st.data())
def test_changing_a_leaf_is_a_mismatch(value: object, data: st.DataObject) -> None:
    paths = _leaf_paths(value)
    if not paths:  # an empty list or map has no leaf: change its size instead
        changed: object = [0] if isinstance(value, list) else {"k": 0}
    else:
        path = data.draw(st.sampled_from(paths))
        leaf: object = value
        for part in path:
            leaf = leaf[part]  # type: ignore[index]
        changed = _replace(value, path, _mutated(leaf))
    assert match(value, changed) != []


@given(st.lists(_leaves, max_size=5), st.randoms())
def test_set_matches_any_order(items: list[object], rnd: Any) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert match({"$$set": items}, shuffled) == []


@given(st.dictionaries(_keys, _leaves, min_size=1, max_size=5), _keys, _leaves)
def test_an_extra_key_is_a_mismatch_unless_partial(
    mapping: dict[str, object], key: str, item: object
) -> None:
    if key in mapping:
        return
    actual = {**mapping, key: item}
    assert match(mapping, actual) != []
    assert match({"$$partial": mapping}, actual) == []
