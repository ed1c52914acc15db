"""Tests of keywire_conformance.runner._requirements: topology choice and requirement checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from keywire_conformance.runner import (
    TOPOLOGIES,
    RunOnRequirement,
    ServerFacts,
    SpecFile,
    SpecTest,
    choose_topology,
    topology_candidates,
    unmet_requirements,
)


def _spec(
    file_entries: tuple[RunOnRequirement, ...] = (),
    test_entries: tuple[RunOnRequirement, ...] = (),
    skip_reason: str | None = None,
) -> tuple[SpecFile, SpecTest]:
    test = SpecTest("t", (), run_on_requirements=test_entries, skip_reason=skip_reason)
    spec = SpecFile(Path("f.yaml"), "a", "d", (1, 0), (test,), run_on_requirements=file_entries)
    return spec, test


R = RunOnRequirement


@pytest.mark.parametrize(
    ("file_entries", "test_entries", "candidates"),
    [
        ((), (), ["standalone", "replicated", "cluster"]),
        ((R(topologies=("none",)),), (), ["none"]),
        ((R(topologies=("none",)),), (R(capabilities=("x",)),), ["none"]),
        ((R(topologies=("cluster", "standalone")),), (), ["cluster", "standalone"]),
        (
            (R(topologies=("standalone",)), R(topologies=("cluster",))),
            (),
            ["standalone", "cluster"],
        ),
        ((), (R(topologies=("cluster",)),), ["cluster"]),
        ((R(topologies=("none",)),), (R(topologies=("standalone",)),), []),
        ((R(min_server_version=(7,)),), (), ["standalone", "replicated", "cluster"]),
    ],
)
def test_topology_candidates(
    file_entries: tuple[RunOnRequirement, ...],
    test_entries: tuple[RunOnRequirement, ...],
    candidates: list[str],
) -> None:
    spec, test = _spec(file_entries, test_entries)
    assert topology_candidates(spec, test) == candidates


def test_choose_topology_respects_the_run() -> None:
    spec, test = _spec((R(topologies=("standalone", "cluster")),))
    assert choose_topology(spec, test, TOPOLOGIES) == "standalone"
    assert choose_topology(spec, test, {"cluster"}) == "cluster"
    assert choose_topology(spec, test, {"none"}) is None


FACTS = ServerFacts(
    topology="standalone",
    version=(7, 0, 15),
    server_kind="redis",
    protocol=3,
    capabilities=frozenset({"raw-command"}),
)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (R(min_server_version=(7,)), None),
        (R(min_server_version=(7, 0)), None),
        (R(min_server_version=(7, 0, 15)), None),
        (R(min_server_version=(7, 0, 16)), "server 7.0.15 < minServerVersion 7.0.16"),
        (R(min_server_version=(7, 2)), "server 7.0.15 < minServerVersion 7.2"),
        (R(max_server_version=(7, 0)), None),
        (R(max_server_version=(7,)), None),
        (R(max_server_version=(6, 2)), "server 7.0.15 > maxServerVersion 6.2"),
        (R(server_kinds=("redis", "valkey")), None),
        (R(server_kinds=("valkey",)), "server kind redis not in ['valkey']"),
        (R(resp=(2, 3)), None),
        (R(resp=(2,)), "protocol RESP3 not in [2]"),
        (R(capabilities=("raw-command",)), None),
        (R(capabilities=("a", "raw-command", "b")), "adapter lacks capabilities ['a', 'b']"),
        (R(topologies=("cluster",)), "topology standalone not in ['cluster']"),
    ],
)
def test_one_requirement(entry: RunOnRequirement, problem: str | None) -> None:
    spec, test = _spec((entry,))
    reason = unmet_requirements(spec, test, FACTS)
    if problem is None:
        assert reason is None
    else:
        assert reason == f"file runOnRequirements not met: {problem}"


def test_any_alternative_suffices() -> None:
    spec, test = _spec((R(server_kinds=("valkey",)), R(min_server_version=(6,))))
    assert unmet_requirements(spec, test, FACTS) is None
    spec, test = _spec((R(server_kinds=("valkey",)), R(min_server_version=(8,))))
    assert unmet_requirements(spec, test, FACTS) == (
        "file runOnRequirements not met: server kind redis not in ['valkey'] | "
        "server 7.0.15 < minServerVersion 8"
    )


def test_file_and_test_requirements_both_apply() -> None:
    spec, test = _spec((R(min_server_version=(6,)),), (R(resp=(2,)),))
    assert unmet_requirements(spec, test, FACTS) == (
        "test runOnRequirements not met: protocol RESP3 not in [2]"
    )


def test_skip_reason_wins() -> None:
    spec, test = _spec(skip_reason="not yet")
    assert unmet_requirements(spec, test, FACTS) == "not yet"


def test_no_server_checks_without_a_server() -> None:
    facts = ServerFacts(topology="none")
    spec, test = _spec(
        (R(topologies=("none",), min_server_version=(99,), server_kinds=("valkey",)),)
    )
    assert unmet_requirements(spec, test, facts) is None
