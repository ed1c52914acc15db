"""Reply conversions shared by the command families.

Each function accepts what either RESP version (and either reader backend) delivers for a
command and returns one Python type, e.g. a flat RESP2 array or a RESP3 map both become a
``dict``; a RESP2 bulk string or a RESP3 double both become a ``float``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "to_bool",
    "to_dict",
    "to_float",
    "to_float_list",
    "to_float_or_none",
    "to_int_or_none",
    "to_list",
    "to_ok",
    "to_pairs_with_scores",
    "to_scan",
    "to_set",
    "to_str_dict",
]


def to_bool(reply: Any) -> bool:
    """1 / 0 / ``OK`` / None -> bool."""
    if isinstance(reply, bytes | str):
        return reply in (b"OK", "OK", b"1", "1")
    return bool(reply)


def to_ok(reply: Any) -> bool:
    """``OK`` -> True, null (a condition not met, e.g. SET NX) -> False."""
    return reply is not None


def to_float(reply: Any) -> float:
    """A double (RESP3) or its text (RESP2) -> float."""
    return reply if type(reply) is float else float(reply)


def to_float_or_none(reply: Any) -> float | None:
    """Like :func:`to_float`, null -> None."""
    if reply is None:
        return None
    return reply if type(reply) is float else float(reply)


def to_float_list(reply: Any) -> list[float | None]:
    """An array of doubles / texts / nulls -> list of float | None."""
    return [None if item is None else float(item) for item in reply]


def to_int_or_none(reply: Any) -> int | None:
    """An integer or null -> int | None."""
    return None if reply is None else int(reply)


def to_dict(reply: Any) -> dict[Any, Any]:
    """A RESP3 map or a flat RESP2 array of pairs -> dict."""
    if isinstance(reply, dict):
        return reply
    iterator = iter(reply)
    return dict(zip(iterator, iterator, strict=True))


def to_str_dict(reply: Any) -> dict[str, Any]:
    """Like :func:`to_dict`, with keys decoded to ``str``."""
    return {
        (key.decode() if isinstance(key, bytes) else key): value
        for key, value in to_dict(reply).items()
    }


def to_set(reply: Any) -> set[Any]:
    """A RESP3 set or a RESP2 array (or hiredis' list for a set) -> set."""
    return reply if type(reply) is set else set(reply)


def to_list(reply: Any) -> list[Any]:
    """A RESP3 set or array -> list (for commands whose order matters or may repeat)."""
    return reply if type(reply) is list else list(reply)


def to_pairs_with_scores(reply: Any) -> list[tuple[Any, float]]:
    """Sorted-set members with scores -> ``[(member, score), ...]``.

    RESP2 sends a flat ``[m1, s1, m2, s2]`` with scores as text; RESP3 sends ``[[m1, s1], ...]``
    with doubles.
    """
    if not reply:
        return []
    if isinstance(reply[0], list | tuple):
        return [(member, float(score)) for member, score in reply]
    iterator = iter(reply)
    return [(member, float(score)) for member, score in zip(iterator, iterator, strict=True)]


def to_scan(reply: Any) -> tuple[int, list[Any]]:
    """``[cursor, [items]]`` -> ``(int cursor, items)``."""
    cursor, items = reply
    return int(cursor), list(items)
