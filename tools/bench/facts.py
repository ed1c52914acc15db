"""Versions and machine facts recorded with every run."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keywire_conformance.servers import ServerBinary

PACKAGES = ("keywire", "keywire-resp", "redis", "hiredis", "coredis")
"""Distributions whose versions are recorded (``redis`` is redis-py)."""


@dataclass(frozen=True)
class Facts:
    """What a result depends on besides the code under test."""

    date: str
    python: str
    packages: dict[str, str]
    server_name: str
    """E.g. ``Redis 7.0.15``."""
    server: str
    """What the server binary's ``--version`` printed."""
    machine: dict[str, str]

    def lines(self) -> list[tuple[str, str]]:
        """(name, value) pairs, for printing."""
        rows = [("date (UTC)", self.date), ("Python", self.python)]
        rows += [(name, value) for name, value in self.packages.items()]
        rows.append(("server", self.server))
        rows += list(self.machine.items())
        return rows


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _server_version(binary: ServerBinary) -> str:
    try:
        done = subprocess.run(
            [*binary.argv_prefix, "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{binary.label} {binary.version_string} (--version failed: {exc})"
    return done.stdout.strip() or f"{binary.label} {binary.version_string}"


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the figures)."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def busy() -> bool:
    """Whether the machine is already busy (1-minute load above half its usable CPUs)."""
    try:
        return os.getloadavg()[0] > 0.5 * _usable_cpus()
    except OSError:
        return False


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def finish(facts: Facts) -> Facts:
    """``facts`` with the load average at the end of the run added."""
    return replace(facts, machine={**facts.machine, "load average at end": load_average()})


def collect(binary: ServerBinary) -> Facts:
    """Gather the facts of this run (``binary`` is the server under test)."""
    return Facts(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        python=f"{platform.python_implementation()} {platform.python_version()}",
        packages={name: _package_version(name) for name in PACKAGES},
        server_name=f"{binary.kind.capitalize()} {binary.version_string}",
        server=_server_version(binary),
        machine={
            "nproc": str(_usable_cpus()),
            "CPU": _cpu_model(),
            "OS": platform.platform(),
            "load average at start": load_average(),
        },
    )
