"""Reference figures from redis-benchmark (the C client) against the same server.

Not a comparison target of the table (different language, no event loop), but DESIGN.md §8
asks scenario b to beat ``redis-benchmark -c 100 -P 1`` too, and it shows the server's ceiling.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.bench.common import Endpoint


@dataclass(frozen=True)
class Reference:
    """One redis-benchmark figure for a scenario."""

    scenario: str
    options: str
    rate: float


# scenario, clients, pipeline, test, requests per second of --duration (rough rate guesses)
_RUNS = (
    ("a", 1, 1, "get", 20_000),
    ("b", 100, 1, "get", 60_000),
    ("c", 1, 100, "set", 400_000),
)


def _run(binary: str, endpoint: Endpoint, args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [binary, "-h", endpoint.host, "-p", str(endpoint.port), "--csv", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rates: dict[str, float] = {}
    for row in csv.reader(done.stdout.splitlines()):
        if len(row) >= 2 and row[0] != "test":
            try:
                rates[row[0].upper()] = float(row[1])
            except ValueError:
                continue
    return rates


def run(endpoint: Endpoint, scenarios: set[str], seconds: float) -> list[Reference]:
    """redis-benchmark figures (100-byte values) for the selected scenarios among a, b, c.

    Returns an empty list when redis-benchmark is not installed; a failing run is skipped.
    """
    binary = shutil.which("redis-benchmark") or shutil.which("valkey-benchmark")
    if binary is None:
        return []
    results = []
    for scenario, clients, pipeline, test, per_second in _RUNS:
        if scenario not in scenarios:
            continue
        requests = max(1000, int(per_second * seconds))
        common = ["-c", str(clients), "-P", str(pipeline), "-d", "100"]
        try:
            if test == "get":  # both tests use the one key "key:__rand_int__": SET it first
                _run(binary, endpoint, [*common, "-t", "set", "-n", "1000"])
            rates = _run(binary, endpoint, [*common, "-t", test, "-n", str(requests)])
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"warning: redis-benchmark failed, reference skipped: {exc}", file=sys.stderr)
            continue
        rate = rates.get(test.upper())
        if rate is not None:
            options = f"-c {clients} -P {pipeline} -t {test} -d 100"
            results.append(Reference(scenario, options, rate))
    return results
