"""Profile keywire's side of one scenario with cProfile (where does its time go?).

Usage, from the repository root::

    .venv/bin/python tools/bench/profile_keywire.py --scenario a [--server redis-7.0]
        [--seconds 3] [--top 25] [--sort tottime] [--output keywire-a.prof]

Starts a server through the harness, writes the benchmark data, runs the keywire variant of the
scenario (the ``-pure`` variant for ``e-pure``) for a warm-up and then under cProfile in this
process, event loop included, and prints the top functions. cProfile slows Python code down
(C code much less), so read the shares, not the rates.
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
from typing import TYPE_CHECKING

from tools.bench import scenarios
from tools.bench.common import Budget, Endpoint
from tools.bench.lib_keywire import LIBRARY
from tools.bench.variants import VARIANTS

from keywire_conformance.servers import get_provider, select_binary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tools.bench.scenarios import Scenario


async def _profile(
    scenario: Scenario, endpoint: Endpoint, seconds: float, profiler: cProfile.Profile
) -> tuple[int, float]:
    name = scenario.variants["keywire"]
    assert name is not None
    function = LIBRARY.functions[scenario.function]
    async with LIBRARY.open(endpoint, VARIANTS[name].flavor) as client:
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
    keys = [scenario.key for scenario in scenarios.SCENARIOS]
    parser = argparse.ArgumentParser(
        prog="tools/bench/profile_keywire.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenario", required=True, choices=keys)
    parser.add_argument("--server", default="redis-7.0")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--output", type=Path, default=None, help="also dump the raw stats here")
    args = parser.parse_args(argv)
    scenario = next(s for s in scenarios.SCENARIOS if s.key == args.scenario)
    provider = get_provider(binary=select_binary(args.server))
    profiler = cProfile.Profile()
    try:
        server = provider.start_standalone()
        scenarios.prepare(server.node)
        endpoint = Endpoint(server.node.host, server.node.port)
        ops, elapsed = asyncio.run(_profile(scenario, endpoint, args.seconds, profiler))
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
