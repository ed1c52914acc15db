"""One benchmark worker: a single client variant, measuring on request.

Started by ``run.py`` (``python tools/bench/worker.py --variant NAME --topology T --node H:P
[--node H:P ...]``: the server, or a cluster's startup nodes), it opens its client (the
library's cluster client for ``--topology cluster``), prints ``{"ready": ..., "backend":
...}`` and then answers one JSON line per request line on stdin::

    {"function": "get_sequential", "seconds": 2.0, "warmup": 0.3, "max_ops": 1000000}
    -> {"ops": 9876, "seconds": 2.0003}        (or {"error": "..."})

Each request first runs the function for ``warmup`` seconds (discarded), collects garbage, then
measures. End of stdin closes the client and ends the process.
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
import gc
import importlib
import json
from time import perf_counter
from typing import IO, TYPE_CHECKING, Any

from tools.bench.common import LIBRARY_ATTRIBUTES, TOPOLOGIES, Budget, Endpoint, Servers
from tools.bench.variants import VARIANTS, install_source_only

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tools.bench.common import Library
    from tools.bench.variants import Variant


def _send(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


async def _measure(library: Library[Any], client: Any, request: dict[str, Any]) -> dict[str, Any]:
    function = library.functions[request["function"]]
    max_ops = int(request["max_ops"])
    await function(client, Budget.start(float(request["warmup"]), max_ops))
    gc.collect()
    budget = Budget.start(float(request["seconds"]), max_ops)
    start = perf_counter()
    ops = await function(client, budget)
    return {"ops": ops, "seconds": perf_counter() - start}


async def _serve(variant: Variant, library: Library[Any], servers: Servers, out: IO[str]) -> int:
    loop = asyncio.get_running_loop()
    async with library.open(servers, variant.flavor) as client:
        _send(out, {"ready": True, "backend": library.describe(client)})
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return 0
            try:
                reply = await _measure(library, client, json.loads(line))
            except Exception as exc:  # reported to the parent, which stops the run
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            _send(out, reply)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", required=True, choices=sorted(VARIANTS))
    parser.add_argument("--topology", default="standalone", choices=TOPOLOGIES)
    parser.add_argument(
        "--node",
        required=True,
        action="append",
        type=Endpoint.parse,
        help="host:port of the server (repeat for a cluster's startup nodes)",
    )
    args = parser.parse_args(argv)
    variant = VARIANTS[args.variant]
    servers = Servers(args.topology, tuple(args.node))
    out = sys.stdout
    sys.stdout = sys.stderr  # the protocol owns stdout; stray prints go to stderr
    try:
        if variant.source_only is not None:
            install_source_only(variant.source_only)
        module = importlib.import_module(variant.module)
        library: Library[Any] = getattr(module, LIBRARY_ATTRIBUTES[servers.topology])
        return asyncio.run(_serve(variant, library, servers, out))
    except Exception as exc:
        _send(out, {"error": f"{type(exc).__name__}: {exc}"})
        return 1


if __name__ == "__main__":
    sys.exit(main())
