"""The results: medians, ratios and targets, printed to the console or written as Markdown."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.bench.scenarios import COLUMNS
from tools.bench.variants import VARIANTS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tools.bench.common import Topology
    from tools.bench.facts import Facts
    from tools.bench.refbench import Reference
    from tools.bench.scenarios import Column, Scenario

"""The peer versions this tool was written against (benchmark-only dependencies)."""


@dataclass
class Row:
    """The per-round rates of one scenario, by column."""

    scenario: Scenario
    rates: dict[Column, list[float]] = field(default_factory=dict)

    def median(self, column: Column) -> float | None:
        """The median rate of ``column``, or None when it was not measured."""
        values = self.rates.get(column)
        return statistics.median(values) if values else None

    def ratio(self, against: Column) -> float | None:
        """keywire's median over ``against``'s median."""
        mine, theirs = self.median("keywire"), self.median(against)
        if mine is None or theirs is None or theirs == 0:
            return None
        return mine / theirs

    def met(self) -> bool | None:
        """Whether the target is met (None: no target, or not measurable)."""
        target = self.scenario.target
        if target is None:
            return None
        ratio = self.ratio(target.against)
        return None if ratio is None else ratio >= target.ratio


@dataclass(frozen=True)
class Run:
    """Everything one run produced."""

    rows: Sequence[Row]
    facts: Facts
    backends: Mapping[str, str]
    """Variant name -> the parser its worker reported."""
    references: Sequence[Reference]
    command: str
    rounds: int
    seconds: float
    warmup: float
    topology: Topology = "standalone"
    keys: Sequence[str] = ()
    """On a cluster: how the scenarios' keys spread over the primaries (one line per key set)."""


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _met(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[value]


def _cells(row: Row) -> list[str]:
    scenario = row.scenario
    target = scenario.target
    return [
        f"{scenario.key}) {scenario.title} ({scenario.unit})",
        *(_rate(row.median(column)) for column in COLUMNS),
        _ratio(row.ratio("redis-py")),
        _ratio(row.ratio("coredis")),
        target.describe() if target is not None else "—",
        _met(row.met()),
    ]


_HEADER = [
    "scenario",
    "keywire",
    "redis-py",
    "coredis",
    "keywire / redis-py",
    "keywire / coredis",
    "target",
    "met?",
]


def console(run: Run) -> str:
    """The results as a plain-text table, followed by the spread and the references."""
    table = [_HEADER, *(_cells(row) for row in run.rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADER))]
    lines = []
    for cells in table:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:-2], widths[1:-2], strict=True))
        lines.append("  ".join([first, *rest, cells[-2].ljust(widths[-2]), cells[-1]]))
    lines.append("")
    lines += [f"keys: {line}" for line in run.keys]
    lines.append(f"medians of {run.rounds} interleaved rounds, {run.seconds:g} s per client")
    for row in run.rows:
        spread = ", ".join(
            f"{column} {_rate(min(values))}-{_rate(max(values))}"
            for column, values in row.rates.items()
        )
        lines.append(f"  {row.scenario.key}: {spread}")
    if run.references:
        lines.append("redis-benchmark (C) on the same server:")
        lines += [f"  {ref.scenario}: {ref.rate:,.0f}/s ({ref.options})" for ref in run.references]
    return "\n".join(lines)


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    marks = ["---:" if kind == "r" else "---" for kind in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _intro(run: Run) -> list[str]:
    facts = run.facts
    plural = "" if run.topology == "standalone" else "s"
    machine = (
        f"measured {facts.date} UTC on {facts.machine['nproc']} vCPUs (client{plural} and "
        f"server{plural} on the same machine)."
    )
    caveat = (
        "Absolute rates drift between runs and machines; compare clients only through the "
        "ratios, which are taken within one run. Other work on the machine widens the spread "
        "between rounds: see the per-round rates and the load averages under Environment."
    )
    if run.topology == "standalone":
        return [
            "# Benchmarks",
            "",
            _GENERATED,
            "",
            f"keywire beside redis-py (asyncio + hiredis) and coredis, on one local "
            f"{facts.server_name} server, {machine}",
            f"{caveat} The targets are those of DESIGN.md §8.",
        ]
    return [
        "# Benchmarks: cluster",
        "",
        _GENERATED,
        "",
        "keywire's `RedisCluster` beside redis-py's `redis.asyncio.RedisCluster` (with hiredis) "
        "and coredis's `RedisCluster`, on a local cluster of 3 primaries with one replica each "
        f"({facts.server_name}), {machine} Every client reads from and writes to the "
        "primaries only.",
        f"{caveat} DESIGN.md §8 sets targets for a standalone server only (see "
        "[benchmarks.md](benchmarks.md)), so these rows have none: they show the ratios.",
    ]


_GENERATED = "<!-- Generated by tools/bench/run.py --markdown; edit the tool, not this page. -->"


def markdown(run: Run) -> str:
    """The whole results page (docs/benchmarks.md, or docs/benchmarks-cluster.md)."""
    facts = run.facts
    out = [
        *_intro(run),
        "",
        *_md_table(_HEADER, [_cells(row) for row in run.rows], "lrrrrrll"),
        "",
        f"Each figure is the median of {run.rounds} interleaved rounds (in each round every "
        f"client runs the scenario in turn, the order rotating from round to round), "
        f"{run.seconds:g} s per client after a {run.warmup:g} s warm-up; a ratio is the ratio "
        "of the medians. 100-byte values, RESP3 for every client.",
        "",
    ]
    notes = [
        f"- {row.scenario.key}: {row.scenario.notes}" for row in run.rows if row.scenario.notes
    ]
    if notes:
        out += ["Notes:", "", *notes, ""]
    if run.keys:
        out += ["## Keys", "", "Where the scenarios' keys live (slots from `CLUSTER KEYSLOT`):"]
        out += ["", *(f"- {line}" for line in run.keys), ""]
    out += _variants(run)
    out += _rounds(run)
    out += _references(run)
    out += ["## Environment", ""]
    out += _md_table(["", ""], [[name, f"`{value}`"] for name, value in facts.lines()], "ll")
    out += [
        "",
        "## How to reproduce",
        "",
        "From the repository root; `make bootstrap` installs the peer clients (the `bench` "
        "dependency group: benchmark-only, never runtime dependencies):",
        "",
        "```sh",
        "make bootstrap",
        run.command,
        "```",
        "",
        *_usage(run),
        "",
    ]
    return "\n".join(out)


def _usage(run: Run) -> list[str]:
    if run.topology == "standalone":
        return [
            "`--scenarios` takes letters or row keys (`a,b,c,e`, `e-pure`); `--server` a "
            "harness label (`redis-7.0`, `valkey-9.1`, `redis-6.2`). A full run takes about 2 "
            "to 3 minutes. `tools/bench/profile_keywire.py --scenario a` profiles keywire's "
            "side of one scenario with cProfile.",
        ]
    return [
        "`--topology cluster` starts the cluster and gives each library its cluster client; "
        "`--scenarios` takes `a,b,c` (or `a-cluster`, ...); `--server` a harness label "
        "(`redis-7.0`, `valkey-9.1`). redis-benchmark reference figures are not taken on a "
        "cluster. `tools/bench/profile_keywire.py --topology cluster --scenario a-cluster` "
        "profiles keywire's side of one scenario with cProfile.",
    ]


def _variants(run: Run) -> list[str]:
    lines = ["## Variants", ""]
    rows = []
    for name, backend in run.backends.items():
        variant = VARIANTS[name]
        rows.append([f"`{name}`", variant.description, f"`{backend}`"])
    lines += _md_table(["variant", "what", "parser in use (reported by the worker)"], rows, "lll")
    if run.topology == "standalone":
        usage = (
            "Rows a, b, c and e-hiredis use `keywire`, `redis-py` and `coredis`; e-pure the "
            "`-pure` variants. Every variant runs in its own worker process against the same "
            "server."
        )
    else:
        usage = (
            "Every variant runs in its own worker process with one cluster client "
            "(`keywire.RedisCluster`, `redis.asyncio.RedisCluster`, `coredis.RedisCluster`), "
            "given all six nodes as startup nodes, RESP3, default options otherwise."
        )
    lines += ["", usage, ""]
    return lines


def _rounds(run: Run) -> list[str]:
    lines = ["## Per-round rates", ""]
    header = ["scenario", "column", *(f"round {i + 1}" for i in range(run.rounds))]
    rows = []
    for row in run.rows:
        for column, values in row.rates.items():
            variant = row.scenario.variants[column]
            cells = [_rate(value) for value in values]
            cells += ["—"] * (run.rounds - len(cells))
            rows.append([row.scenario.key, f"{column} (`{variant}`)", *cells])
    lines += _md_table(header, rows, "ll" + "r" * run.rounds)
    lines.append("")
    return lines


def _references(run: Run) -> list[str]:
    if not run.references:
        return []
    by_key = {row.scenario.key: row for row in run.rows}
    rows = []
    for ref in run.references:
        row = by_key.get(ref.scenario)
        mine = row.median("keywire") if row is not None else None
        ratio = None if mine is None else mine / ref.rate
        rows.append(
            [ref.scenario, f"`redis-benchmark {ref.options}`", _rate(ref.rate), _ratio(ratio)]
        )
    return [
        "## redis-benchmark (C) on the same server",
        "",
        *_md_table(
            ["scenario", "command", "requests/s", "keywire / redis-benchmark"], rows, "llrr"
        ),
        "",
        "DESIGN.md §8 also asks scenario b to beat `redis-benchmark -c 100 -P 1`.",
        "",
    ]
