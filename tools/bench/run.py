"""Benchmark keywire beside redis-py (asyncio + hiredis) and coredis on one local server.

Usage, from the repository root with the development environment::

    .venv/bin/python tools/bench/run.py [--server redis-7.0] [--rounds 3] [--duration 2.0]
        [--scenarios a,b,c,e] [--markdown docs/benchmarks.md]
    .venv/bin/python tools/bench/run.py --topology cluster [--scenarios a,b,c]
        [--markdown docs/benchmarks-cluster.md]

Starts a server (or, with ``--topology cluster``, a cluster of 3 primaries with a replica each,
every library using its cluster client) through the conformance harness, writes the data,
starts one worker process per client variant, then runs the rounds: in each round every client
runs each scenario in turn (the order rotating between rounds), warm-up first, time-boxed.
Prints medians, ratios and targets; ``--markdown`` writes them as a page. The servers and the
workers stop at the end, on Ctrl-C and on SIGTERM. This is a measuring tool, not a test: it
asserts nothing about speed.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: import the siblings as tools.bench.*
    _HERE = Path(__file__).resolve().parent
    if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
        del sys.path[0]
    sys.path.append(str(_HERE.parents[1]))

import argparse
import shlex
import signal
from typing import TYPE_CHECKING, NoReturn

from tools.bench import facts, refbench, report, scenarios
from tools.bench.common import TOPOLOGIES, BenchError
from tools.bench.report import Row, Run
from tools.bench.scenarios import COLUMNS, Scenario
from tools.bench.variants import VARIANTS
from tools.bench.workers import Worker

from keywire_conformance.servers import HarnessError, get_provider, select_binary

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

    from tools.bench.variants import Variant

_ROOT = Path(__file__).resolve().parents[2]
_DEFAULT_SCENARIOS = {"standalone": "a,b,c,e", "cluster": "a,b,c"}


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    del signum, frame
    raise KeyboardInterrupt


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tools/bench/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", default="redis-7.0", help="harness server label or path")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per client/round")
    parser.add_argument("--warmup", type=float, default=0.3, help="warm-up seconds before each")
    parser.add_argument(
        "--topology",
        default="standalone",
        choices=TOPOLOGIES,
        help="one server, or a cluster of 3 primaries + 3 replicas (cluster clients)",
    )
    parser.add_argument(
        "--scenarios",
        default=None,
        help="letters or row keys, e.g. a,e-pure (default: a,b,c,e; on a cluster a,b,c)",
    )
    parser.add_argument("--markdown", type=Path, default=None, help="write the results page here")
    parser.add_argument(
        "--no-redis-benchmark",
        action="store_true",
        help="skip the redis-benchmark (C) reference figures",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--rounds must be >= 1, --duration > 0 and --warmup >= 0")
    try:
        spec = args.scenarios or _DEFAULT_SCENARIOS[args.topology]
        args.selected = scenarios.select(spec, args.topology)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def _command(argv: Sequence[str] | None) -> str:
    """The command line to reproduce this run, relative to the repository root."""
    executable = Path(sys.executable)
    shown = str(executable.relative_to(_ROOT)) if executable.is_relative_to(_ROOT) else "python"
    args = list(sys.argv[1:] if argv is None else argv)
    return shlex.join([shown, "tools/bench/run.py", *args])


def _variants(selected: Sequence[Scenario]) -> list[Variant]:
    names = {name for s in selected for name in s.variants.values() if name is not None}
    return [variant for name, variant in VARIANTS.items() if name in names]


def _rounds(
    selected: Sequence[Scenario],
    workers: dict[str, Worker],
    args: argparse.Namespace,
) -> list[Row]:
    rows = [Row(scenario) for scenario in selected]
    for index in range(args.rounds):
        for row in rows:
            columns = [c for c in COLUMNS if row.scenario.variants.get(c) is not None]
            shift = index % len(columns)
            for column in columns[shift:] + columns[:shift]:
                name = row.scenario.variants[column]
                assert name is not None
                sample = workers[name].measure(
                    row.scenario.function,
                    seconds=args.duration,
                    warmup=args.warmup,
                    max_ops=row.scenario.max_ops,
                )
                row.rates.setdefault(column, []).append(sample.rate)
                print(
                    f"round {index + 1}/{args.rounds}  {row.scenario.key:<9}  {name:<13} "
                    f"{sample.rate:>12,.1f} {row.scenario.unit:<9} "
                    f"({sample.ops:,} in {sample.seconds:.2f} s)",
                    flush=True,
                )
    for row in rows:  # columns in table order whatever order they ran in
        row.rates = {c: row.rates[c] for c in COLUMNS if c in row.rates}
    return rows


def _benchmark(args: argparse.Namespace, command: str) -> Run:
    binary = select_binary(args.server)
    run_facts = facts.collect(binary)
    for name, value in run_facts.lines():
        print(f"{name:<22} {value}")
    if facts.busy():
        print(f"{'warning':<22} the machine is busy (see the load): the figures will be noisy")
    provider = get_provider(binary=binary)
    workers: dict[str, Worker] = {}
    try:
        servers, keys = scenarios.start(provider, args.topology)
        for variant in _variants(args.selected):
            workers[variant.name] = Worker(variant, servers)
        for name, worker in workers.items():
            worker.wait_ready()
            print(f"{'worker ' + name:<22} {worker.backend}", flush=True)
        rows = _rounds(args.selected, workers, args)
        references = []
        # redis-benchmark's figures are a reference for the standalone targets only.
        if not args.no_redis_benchmark and servers.topology == "standalone":
            groups = {scenario.group for scenario in args.selected}
            references = refbench.run(servers.first, groups, args.duration / 2)
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for worker in workers.values():
            worker.close()
        provider.close()
    return Run(
        rows=rows,
        facts=facts.finish(run_facts),
        backends={name: worker.backend for name, worker in workers.items()},
        references=references,
        command=command,
        topology=servers.topology,
        keys=keys,
        rounds=args.rounds,
        seconds=args.duration,
        warmup=args.warmup,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    args = _parse(argv)
    # Explicitly: a process started in the background of a script inherits SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        run = _benchmark(args, _command(argv))
    except KeyboardInterrupt:
        print("\ninterrupted; workers and server stopped", file=sys.stderr)
        return 130
    except (BenchError, HarnessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(report.console(run))
    if args.markdown is not None:
        args.markdown.write_text(report.markdown(run), encoding="utf-8")
        print(f"\nwrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
