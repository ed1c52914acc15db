"""Compare an expected value from a spec with what a client returned.

Rules (the README has the user-facing version):

- A YAML string matches a ``str`` equal to it, or ``bytes`` equal to its UTF-8 encoding ("loose"
  text match: specs do not care whether a client decodes). ``$$bytes`` / ``$$hex`` insist on bytes.
- Integers, floats, booleans and null match exactly and by type: ``1`` does not match ``True``
  nor ``1.0``. A YAML ``.nan`` matches a NaN.
- Lists match element by element and must have the same length; a ``Push`` is a list.
- Maps match exactly at every level: every expected key must be present and match, and the actual
  map may not have other keys. ``{$$partial: {...}}`` checks only the keys it names. (MongoDB's
  runner lets root documents carry extra fields because server documents grow metadata; Redis
  replies are data, so a client returning extra entries is a bug we want to see.) A YAML key
  matches a ``str`` or ``bytes`` key like text does.
- A mapping whose key starts with ``$$`` is an operator and must have that single key.

:func:`match` returns a list of problems (empty = match), each starting with the JSON-style path
of the value concerned, e.g. ``$[2].field: expected 1 (int), got b'1' (bytes)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Final

from ..adapters import ErrorInfo, default_classify_error

__all__ = ["MATCH_OPERATORS", "TYPE_NAMES", "match", "type_names"]

TYPE_NAMES: Final = frozenset(
    {
        "bytes",
        "str",
        "int",
        "float",
        "bool",
        "null",
        "array",
        "map",
        "set",
        "push",
        "error",
        "verbatim",
        "bignumber",
    }
)
"""The names ``$$type`` accepts."""

MATCH_OPERATORS: Final = frozenset(
    {
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
    }
)
"""Every operator the matcher knows."""

_INT64: Final = range(-(2**63), 2**63)
_MAX_SHOWN: Final = 120


class _Missing:
    """The value of a map key the actual map does not have."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


def type_names(value: object) -> frozenset[str]:
    """Return the ``$$type`` names a value has (some values have two, e.g. push and array).

    Values are recognized by plain Python types, plus duck typing for the RESP3 extras so that no
    client library has to be imported: a ``str`` / ``bytes`` with a string ``format`` attribute is
    ``verbatim``; a list whose class (or a base) is named ``Push`` is also ``push``; an ``int``
    outside the signed 64-bit range is also ``bignumber``; any exception is ``error``.

    Args:
        value: a value returned by a client.

    Returns:
        The names, a subset of :data:`TYPE_NAMES` (empty for unknown objects).
    """
    names: set[str] = set()
    if value is None:
        names.add("null")
    elif isinstance(value, bool):
        names.add("bool")
    elif isinstance(value, int):
        names.add("int")
        if value not in _INT64:
            names.add("bignumber")
    elif isinstance(value, float):
        names.add("float")
    elif isinstance(value, str | bytes | bytearray):
        names.add("str" if isinstance(value, str) else "bytes")
        if isinstance(getattr(value, "format", None), str | bytes):
            names.add("verbatim")
    elif isinstance(value, BaseException):
        names.add("error")
    elif isinstance(value, Mapping):
        names.add("map")
    elif isinstance(value, Set):
        names.add("set")
    elif isinstance(value, list | tuple):
        names.add("array")
        if any(cls.__name__ == "Push" for cls in type(value).__mro__):
            names.add("push")
    return frozenset(names)


def _show(value: object) -> str:
    if value is _MISSING:
        return "nothing (the key is missing)"
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return f"{text} ({type(value).__name__})"


def _key_path(path: str, key: object) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def _is_operator(expected: Mapping[object, object]) -> bool:
    return any(isinstance(key, str) and key.startswith("$$") for key in expected)


def _text_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return None


def _items(argument: object) -> Sequence[object]:
    """An operator's list argument (the schema guarantees a list; be lenient with tuples)."""
    return argument if isinstance(argument, list | tuple) else [argument]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Matcher:
    def __init__(
        self, entities: Mapping[str, object], classify: Callable[[BaseException], ErrorInfo]
    ) -> None:
        self.entities = entities
        self.classify = classify
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def mismatch(self, path: str, expected: str, actual: object) -> None:
        self.fail(path, f"expected {expected}, got {_show(actual)}")

    def matches(self, expected: object, actual: object) -> bool:
        """Whether ``actual`` matches, without recording problems (for sets)."""
        probe = _Matcher(self.entities, self.classify)
        probe.value(expected, actual, "$")
        return not probe.problems

    def value(self, expected: object, actual: object, path: str, *, in_map: bool = False) -> None:
        if isinstance(expected, Mapping) and _is_operator(expected):
            self.operator(expected, actual, path, in_map=in_map)
            return
        if actual is _MISSING:
            self.mismatch(path, _show(expected), actual)
        elif isinstance(expected, Mapping):
            self.map(expected, actual, path, partial=False)
        elif isinstance(expected, list | tuple):
            self.sequence(expected, actual, path)
        elif isinstance(expected, bool) or expected is None:
            if actual is not expected:
                self.mismatch(path, _show(expected), actual)
        elif isinstance(expected, int):
            if isinstance(actual, bool) or not isinstance(actual, int) or actual != expected:
                self.mismatch(path, _show(expected), actual)
        elif isinstance(expected, float):
            same = isinstance(actual, float) and (
                actual == expected or (math.isnan(actual) and math.isnan(expected))
            )
            if not same:
                self.mismatch(path, _show(expected), actual)
        elif isinstance(expected, str):
            if not (
                (isinstance(actual, str) and actual == expected)
                or (isinstance(actual, bytes | bytearray) and actual == expected.encode())
            ):
                self.mismatch(path, f"{_show(expected)} or its UTF-8 bytes", actual)
        elif isinstance(expected, bytes | bytearray):
            if not isinstance(actual, bytes | bytearray) or bytes(actual) != bytes(expected):
                self.mismatch(path, _show(bytes(expected)), actual)
        elif isinstance(expected, Set):
            self.unordered(list(expected), actual, path, require_set=True)
        elif expected != actual:
            self.mismatch(path, _show(expected), actual)

    def sequence(self, expected: Sequence[object], actual: object, path: str) -> None:
        if not isinstance(actual, list | tuple):
            self.mismatch(path, f"an array of {len(expected)} items", actual)
            return
        if len(actual) != len(expected):
            self.mismatch(path, f"an array of {len(expected)} items", actual)
            return
        for index, (item, got) in enumerate(zip(expected, actual, strict=True)):
            self.value(item, got, f"{path}[{index}]")

    def map(
        self, expected: Mapping[object, object], actual: object, path: str, *, partial: bool
    ) -> None:
        if not isinstance(actual, Mapping):
            self.mismatch(path, "a map", actual)
            return
        remaining = set(actual)
        for key, item in expected.items():
            found: object = _MISSING
            for candidate in (key, key.encode()) if isinstance(key, str) else (key,):
                if candidate in actual:
                    found = actual[candidate]
                    remaining.discard(candidate)
                    break
            self.value(item, found, _key_path(path, key), in_map=True)
        if remaining and not partial:
            extra = ", ".join(sorted(repr(key) for key in remaining))
            self.fail(path, f"unexpected key(s) {extra} (use $$partial to allow extra keys)")

    def unordered(
        self, expected: list[object], actual: object, path: str, *, require_set: bool = False
    ) -> None:
        if isinstance(actual, Set) or (not require_set and isinstance(actual, list | tuple)):
            items = list(actual)
        else:
            self.mismatch(path, f"a set of {len(expected)} items", actual)
            return
        if len(items) != len(expected):
            self.mismatch(path, f"a set of {len(expected)} items", actual)
            return
        # Maximum bipartite matching (Kuhn): expected items may be operators, so a greedy
        # first-fit could pair an item with the wrong element.
        fits = [[j for j, got in enumerate(items) if self.matches(e, got)] for e in expected]
        owner: dict[int, int] = {}

        def assign(i: int, seen: set[int]) -> bool:
            for j in fits[i]:
                if j not in seen:
                    seen.add(j)
                    if j not in owner or assign(owner[j], seen):
                        owner[j] = i
                        return True
            return False

        unmatched = [expected[i] for i in range(len(expected)) if not assign(i, set())]
        if unmatched:
            left = [items[j] for j in range(len(items)) if j not in owner]
            self.fail(
                path,
                f"no element matches {', '.join(_show(e) for e in unmatched)}; "
                f"unmatched element(s): {', '.join(_show(a) for a in left)}",
            )

    def operator(
        self, expected: Mapping[object, object], actual: object, path: str, *, in_map: bool
    ) -> None:
        if len(expected) != 1:
            self.fail(
                path, f"an operator mapping must have one key, not {sorted(map(str, expected))}"
            )
            return
        ((name, argument),) = expected.items()
        if name == "$$exists":
            if not in_map:
                self.fail(path, "$$exists is only meaningful as the value of a map key")
            elif bool(argument) != (actual is not _MISSING):
                self.fail(
                    path,
                    "expected the key to be present"
                    if argument
                    else f"expected the key to be absent, got {_show(actual)}",
                )
            return
        if name == "$$unsetOrMatches":
            if actual is not _MISSING and actual is not None:
                self.value(argument, actual, path)
            return
        if actual is _MISSING:
            self.mismatch(path, f"a value matching {_show(dict(expected))}", actual)
            return
        handler = _OPERATORS.get(str(name))
        if handler is None:
            self.fail(path, f"unknown match operator {name!r}")
        else:
            handler(self, argument, actual, path)


def _op_type(m: _Matcher, argument: object, actual: object, path: str) -> None:
    wanted = [argument] if isinstance(argument, str) else list(_items(argument))
    unknown = [name for name in wanted if name not in TYPE_NAMES]
    if unknown:
        m.fail(path, f"unknown $$type name(s) {unknown}")
    elif not type_names(actual) & set(wanted):
        m.mismatch(path, f"a value of type {' or '.join(map(str, wanted))}", actual)


def _op_any(m: _Matcher, argument: object, actual: object, path: str) -> None:
    return


def _op_hex(m: _Matcher, argument: object, actual: object, path: str) -> None:
    m.value(bytes.fromhex("".join(str(argument).split())), actual, path)


def _op_bytes(m: _Matcher, argument: object, actual: object, path: str) -> None:
    m.value(str(argument).encode(), actual, path)


def _op_regex(m: _Matcher, argument: object, actual: object, path: str) -> None:
    text = _text_of(actual)
    if text is None or re.search(str(argument), text) is None:
        m.mismatch(path, f"text matching /{argument}/", actual)


def _op_approx(m: _Matcher, argument: object, actual: object, path: str) -> None:
    assert isinstance(argument, Mapping)
    value, tolerance = argument["value"], argument["tolerance"]
    if not (isinstance(actual, int | float) and isinstance(value, int | float)) or not (
        _is_number(actual) and abs(actual - value) <= tolerance
    ):
        m.mismatch(path, f"a number within {tolerance} of {value}", actual)


def _op_nan(m: _Matcher, argument: object, actual: object, path: str) -> None:
    if not (isinstance(actual, float) and math.isnan(actual)):
        m.mismatch(path, "NaN", actual)


def _op_set(m: _Matcher, argument: object, actual: object, path: str) -> None:
    m.unordered(list(_items(argument)), actual, path)


def _op_partial(m: _Matcher, argument: object, actual: object, path: str) -> None:
    assert isinstance(argument, Mapping)
    m.map(argument, actual, path, partial=True)


def _op_all_of(m: _Matcher, argument: object, actual: object, path: str) -> None:
    for item in _items(argument):
        m.value(item, actual, path)


def _op_error(m: _Matcher, argument: object, actual: object, path: str) -> None:
    assert isinstance(argument, Mapping)
    if not isinstance(actual, BaseException):
        m.mismatch(path, "an error", actual)
        return
    info = m.classify(actual)
    for problem in error_problems(
        info,
        error_type=argument.get("errorType"),
        error_code=argument.get("errorCode"),
        error_contains=argument.get("errorContains"),
    ):
        m.fail(path, problem)


def _op_entity(m: _Matcher, argument: object, actual: object, path: str) -> None:
    if argument not in m.entities:
        m.fail(path, f"no saved entity {argument!r}")
    else:
        m.value(m.entities[str(argument)], actual, path)


_OPERATORS: Final[dict[str, Callable[[_Matcher, object, object, str], None]]] = {
    "$$type": _op_type,
    "$$any": _op_any,
    "$$hex": _op_hex,
    "$$bytes": _op_bytes,
    "$$matchesRegex": _op_regex,
    "$$approx": _op_approx,
    "$$nan": _op_nan,
    "$$set": _op_set,
    "$$partial": _op_partial,
    "$$allOf": _op_all_of,
    "$$error": _op_error,
    "$$matchesEntity": _op_entity,
}


def error_problems(
    info: ErrorInfo,
    *,
    error_type: object = None,
    error_code: object = None,
    error_contains: object = None,
) -> list[str]:
    """Compare an error's description with the expected fields (all optional).

    Args:
        info: the error, as the adapter classified it.
        error_type: the expected kind (one of the adapter error vocabulary).
        error_code: the expected code, compared exactly.
        error_contains: a substring the message must contain, compared case-insensitively.

    Returns:
        One line per field that differs.
    """
    problems = []
    shown = f"{info.kind} {info.message!r}"
    if error_type is not None and info.kind != error_type:
        problems.append(f"expected an error of type {error_type}, got {shown}")
    if error_code is not None and info.code != error_code:
        problems.append(f"expected error code {error_code}, got code {info.code} in {shown}")
    if error_contains is not None and str(error_contains).lower() not in info.message.lower():
        problems.append(f"expected an error message containing {error_contains!r}, got {shown}")
    return problems


def match(
    expected: object,
    actual: object,
    *,
    entities: Mapping[str, object] | None = None,
    classify_error: Callable[[BaseException], ErrorInfo] | None = None,
) -> list[str]:
    """Match a value against a spec's expectation.

    Args:
        expected: the expectation (plain YAML values and operator mappings).
        actual: the client's value.
        entities: values saved with ``saveResultAsEntity``, for ``$$matchesEntity``.
        classify_error: describes exceptions found in ``actual`` for ``$$error`` (the adapter's
            ``classify_error``); class-name based by default.

    Returns:
        The problems found, each ``"<path>: <what differs>"``; empty when the value matches.
    """
    matcher = _Matcher(entities or {}, classify_error or default_classify_error)
    matcher.value(expected, actual, "$")
    return matcher.problems
