"""Profile keywire's side of one scenario with cProfile (where does its time go?).

Usage, from the repository root::

    .venv/bin/python tools/bench/profile_keywire.py --scenario a [--server redis-7.0]
        [--seconds 3] [--top 25] [--sort tottime] [--output keywire-a.prof]
    .venv/bin/python tools/bench/profile_keywire.py --topology cluster --scenario a-cluster

Starts a server (or a cluster) through the harness, writes the benchmark data, runs the
keywire variant of the scenario (the ``-pure`` variant for ``e-pure``) for a warm-up and then
under cProfile in this process, event loop included, and prints the top functions. cProfile
slows Python code down (C code much less), so read the shares, not the rates.
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
import asyncio
import cProfile
import pstats
from time import perf_counter
from typing import TYPE_CHECKING, Any

from tools.bench import lib_keywire, scenarios
from tools.bench.common import LIBRARY_ATTRIBUTES, TOPOLOGIES, Budget
from tools.bench.variants import VARIANTS

from keywire_conformance.servers import get_provider, select_binary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tools.bench.common import Library, Servers
    from tools.bench.scenarios import Scenario


async def _profile(
    scenario: Scenario, servers: Servers, seconds: float, profiler: cProfile.Profile
) -> tuple[int, float]:
    name = scenario.variants["keywire"]
    assert name is not None
    library: Library[Any] = getattr(lib_keywire, LIBRARY_ATTRIBUTES[servers.topology])
    function = library.functions[scenario.function]
    async with library.open(servers, VARIANTS[name].flavor) as client:
        await function(client, Budget.start(0.5, scenario.max_ops))
        start = perf_counter()
        profiler.enable()
        try:
            ops = await function(client, Budget.start(seconds, scenario.max_ops))
        finally:
            profiler.disable()
        return ops, perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Profile one scenario; returns the exit status."""
    every = (*scenarios.SCENARIOS, *scenarios.CLUSTER_SCENARIOS)
    keys = [scenario.key for scenario in every]
    parser = argparse.ArgumentParser(
        prog="tools/bench/profile_keywire.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenario", required=True, choices=keys)
    parser.add_argument("--topology", default="standalone", choices=TOPOLOGIES)
    parser.add_argument("--server", default="redis-7.0")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--output", type=Path, default=None, help="also dump the raw stats here")
    args = parser.parse_args(argv)
    scenario = next(s for s in every if s.key == args.scenario)
    if scenario.topology != args.topology:
        parser.error(f"scenario {scenario.key} runs on --topology {scenario.topology}")
    provider = get_provider(binary=select_binary(args.server))
    profiler = cProfile.Profile()
    try:
        servers, _ = scenarios.start(provider, args.topology)
        ops, elapsed = asyncio.run(_profile(scenario, servers, args.seconds, profiler))
    except KeyboardInterrupt:
        print("interrupted; server stopped", file=sys.stderr)
        return 130
    finally:
        provider.close()
    print(f"{scenario.key}) {scenario.title}: {ops:,} operations in {elapsed:.2f} s under cProfile")
    if args.output is not None:
        profiler.dump_stats(args.output)
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
