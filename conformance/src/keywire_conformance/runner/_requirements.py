"""``runOnRequirements``: which topology a test runs on, and whether it can run here.

A requirement list holds alternatives (any one entry suffices); the file's list and the test's
list must both be met. Topology comes first because it decides which servers the test needs:
the runner picks the first topology, in the order the entries list them, that both lists allow
and the run allows (``--keywire-topology``). In the file's list, an entry without ``topologies``
(or no list at all) allows every server topology (standalone, replicated, cluster) but not
``none``: unit-style files say ``topologies: [none]``. In a test's list, an entry without
``topologies`` (or no list) adds no topology constraint to the file's. The other fields are
checked once the servers are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import SERVER_TOPOLOGIES, TOPOLOGIES, RunOnRequirement, SpecFile, SpecTest

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["ServerFacts", "choose_topology", "topology_candidates", "unmet_requirements"]


def _topologies(entries: Sequence[RunOnRequirement], default: Sequence[str]) -> list[str]:
    if not entries:
        return list(default)
    ordered: list[str] = []
    for entry in entries:
        for name in entry.topologies if entry.topologies is not None else default:
            if name not in ordered:
                ordered.append(name)
    return ordered


def topology_candidates(spec: SpecFile, test: SpecTest) -> list[str]:
    """Return the topologies a test may run on, in order of preference."""
    allowed_by_test = _topologies(test.run_on_requirements, TOPOLOGIES)
    by_file = _topologies(spec.run_on_requirements, SERVER_TOPOLOGIES)
    return [name for name in by_file if name in allowed_by_test]


def choose_topology(spec: SpecFile, test: SpecTest, allowed: Iterable[str]) -> str | None:
    """Return the topology a test runs on, or ``None`` when the run allows none of its own.

    Args:
        spec: the file.
        test: the test.
        allowed: the topologies this run may use.
    """
    allowed = set(allowed)
    return next((name for name in topology_candidates(spec, test) if name in allowed), None)


class ServerFacts:
    """What requirements are checked against.

    Args:
        topology: the topology chosen for the test.
        version: the server version (empty for topology ``none``).
        server_kind: ``redis`` / ``valkey`` (``None`` for topology ``none``).
        protocol: the run's default RESP version.
        capabilities: the adapter's capabilities.
    """

    def __init__(
        self,
        *,
        topology: str,
        version: tuple[int, ...] = (),
        server_kind: str | None = None,
        protocol: int = 3,
        capabilities: frozenset[str] = frozenset(),
    ) -> None:
        self.topology = topology
        self.version = version
        self.server_kind = server_kind
        self.protocol = protocol
        self.capabilities = capabilities

    def problems(
        self, entry: RunOnRequirement, default_topologies: Sequence[str] = SERVER_TOPOLOGIES
    ) -> list[str]:
        """Return why ``entry`` is not met (empty when it is).

        Args:
            entry: one requirement.
            default_topologies: what an entry without ``topologies`` allows.
        """
        problems: list[str] = []
        topologies = entry.topologies if entry.topologies is not None else default_topologies
        if self.topology not in topologies:
            problems.append(f"topology {self.topology} not in {list(topologies)}")
        has_server = self.topology != "none"
        version = ".".join(map(str, self.version))
        low, high = entry.min_server_version, entry.max_server_version
        if has_server and low is not None and self.version[: len(low)] < low:
            problems.append(f"server {version} < minServerVersion {'.'.join(map(str, low))}")
        if has_server and high is not None and self.version[: len(high)] > high:
            problems.append(f"server {version} > maxServerVersion {'.'.join(map(str, high))}")
        kinds = entry.server_kinds
        if has_server and kinds is not None and self.server_kind not in kinds:
            problems.append(f"server kind {self.server_kind} not in {list(kinds)}")
        if entry.resp is not None and self.protocol not in entry.resp:
            problems.append(f"protocol RESP{self.protocol} not in {list(entry.resp)}")
        missing = sorted(set(entry.capabilities) - self.capabilities)
        if missing:
            problems.append(f"adapter lacks capabilities {missing}")
        return problems


def _unmet(
    entries: Sequence[RunOnRequirement], facts: ServerFacts, default: Sequence[str]
) -> str | None:
    if not entries:
        return None
    reasons: list[str] = []
    for entry in entries:
        problems = facts.problems(entry, default)
        if not problems:
            return None
        reasons.append(", ".join(problems))
    return " | ".join(reasons)


def unmet_requirements(spec: SpecFile, test: SpecTest, facts: ServerFacts) -> str | None:
    """Return why a test cannot run here, or ``None`` when its requirements are met.

    Args:
        spec: the file (its ``runOnRequirements`` apply to every test).
        test: the test (its own ``runOnRequirements`` and ``skipReason``).
        facts: the chosen topology, server and adapter.

    Returns:
        A reason suitable for a skip message, or ``None``.
    """
    if test.skip_reason:
        return test.skip_reason
    scopes = (
        ("file", spec.run_on_requirements, SERVER_TOPOLOGIES),
        ("test", test.run_on_requirements, TOPOLOGIES),
    )
    for scope, entries, default in scopes:
        reason = _unmet(entries, facts, default)
        if reason is not None:
            return f"{scope} runOnRequirements not met: {reason}"
    return None
