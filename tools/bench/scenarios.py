"""The scenario registry: what is measured, with which variants, against which target.

Each :class:`Scenario` names a function that every library module implements (its
``FUNCTIONS``), the variant that fills each result column, and the target from DESIGN.md §8.
``prepare`` writes the data every scenario reads before the first round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tools.bench.common import GET_KEY, LIST_KEY, LIST_LEN, VALUE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from keywire_conformance.servers import Node

Column = Literal["keywire", "redis-py", "coredis"]
COLUMNS: tuple[Column, ...] = ("keywire", "redis-py", "coredis")


@dataclass(frozen=True)
class Target:
    """``keywire >= ratio x against`` (ratio of the medians)."""

    against: Column
    ratio: float

    def describe(self) -> str:
        """E.g. ``≥ 1.5x redis-py``."""
        return f"≥ {self.ratio:g}x {self.against}"


@dataclass(frozen=True)
class Scenario:
    """One row of the results.

    Attributes:
        key: Row key (``a``, ``e-pure``); the part before ``-`` is its group for ``--scenarios``.
        title: Human description.
        unit: What the rate counts.
        function: Key of the benchmark function in each library's ``FUNCTIONS``.
        variants: Column -> variant name (``None``: that library has no such feature).
        target: The goal for keywire, or ``None``.
        max_ops: Operation cap per measurement (the time box usually ends it first).
    """

    key: str
    title: str
    unit: str
    function: str
    variants: Mapping[Column, str | None]
    target: Target | None
    max_ops: int = 10_000_000
    notes: str = field(default="")

    @property
    def group(self) -> str:
        """The scenario letter (``e`` for ``e-pure``)."""
        return self.key.split("-", 1)[0]


_STANDARD: Mapping[Column, str | None] = {
    "keywire": "keywire",
    "redis-py": "redis-py",
    "coredis": "coredis",
}
_PURE: Mapping[Column, str | None] = {
    "keywire": "keywire-pure",
    "redis-py": "redis-py-pure",
    "coredis": "coredis-pure",
}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "a",
        "sequential GET, 1 task",
        "ops/s",
        "get_sequential",
        _STANDARD,
        Target("redis-py", 1.5),
    ),
    Scenario(
        "b",
        "GET from 100 concurrent tasks",
        "ops/s",
        "get_concurrent",
        _STANDARD,
        Target("redis-py", 10.0),
    ),
    Scenario(
        "c",
        "pipelines of 100 SETs",
        "SETs/s",
        "pipeline_set",
        _STANDARD,
        Target("redis-py", 4.0),
    ),
    Scenario(
        "e-hiredis",
        "LRANGE of 10k items, hiredis",
        "replies/s",
        "lrange_all",
        _STANDARD,
        Target("redis-py", 1.0),
        max_ops=100_000,
        notes="coredis has no hiredis path: its column is its default (mypyc-compiled) parser",
    ),
    Scenario(
        "e-pure",
        "LRANGE of 10k items, pure Python",
        "replies/s",
        "lrange_all",
        _PURE,
        Target("coredis", 3.0),
        max_ops=100_000,
        notes=(
            "coredis-pure is coredis imported from its .py sources (the worker's import hook "
            "skips the mypyc-compiled modules), as it runs where no compiled wheel exists; "
            "redis-py-pure is redis.asyncio with its pure-Python RESP3 parser"
        ),
    ),
)


def select(spec: str) -> list[Scenario]:
    """The scenarios named by ``spec``: comma-separated keys (``e-pure``) or groups (``e``).

    Raises:
        ValueError: A name matches no scenario.
    """
    wanted = [name.strip() for name in spec.split(",") if name.strip()]
    known = {scenario.key for scenario in SCENARIOS} | {scenario.group for scenario in SCENARIOS}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}"
        )
    return [s for s in SCENARIOS if s.key in wanted or s.group in wanted]


def prepare(node: Node) -> None:
    """Write what the scenarios read: the GET key and the 10k-item list."""
    node.execute("SET", GET_KEY, VALUE)
    node.execute("DEL", LIST_KEY)
    chunk = 1000
    for _ in range(LIST_LEN // chunk):
        node.execute("RPUSH", LIST_KEY, *([VALUE] * chunk))
    length = node.execute("LLEN", LIST_KEY)
    if length != LIST_LEN:
        raise RuntimeError(f"{LIST_KEY!r} has {length!r} items, expected {LIST_LEN}")
