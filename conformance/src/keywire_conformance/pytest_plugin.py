"""pytest plugin of keywire-conformance: collects the YAML specs and runs them through an adapter.

Loaded automatically in every pytest run where ``keywire-conformance`` is installed (entry point
``pytest11``); it does nothing until pytest meets a spec file. A spec file is a ``.yaml`` /
``.yml`` file below a *specs root*, a directory holding ``schema/keywire-spec.schema.json`` (the
repository's ``specs/``), or below a directory given with ``--keywire-specs``. Each test of a file
becomes one item with the node id ``area/file.yaml::test description``.

Options (each also read from the environment variable in brackets):

``--keywire-adapter MODULE:CLASS`` [``KEYWIRE_ADAPTER``]
    the client under test; default the reference adapter.
``--keywire-expectations PATH`` [``KEYWIRE_EXPECTATIONS``]
    the adapter's expectation file (or a directory holding ``expectations.yaml``); default
    ``expectations.yaml`` next to the adapter's module.
``--keywire-specs DIR``
    also collect the specs under ``DIR`` (repeatable; ``bundled`` = the specs shipped in this
    package). Without path arguments, only these are collected.
``--keywire-topology NAME``
    run only tests that can use this topology (repeatable; ``standalone``, ``replicated``,
    ``cluster``, ``none``); default all. A test runs once, on the first topology of its
    requirements that the run allows.
``--keywire-protocol 2|3`` [``KEYWIRE_PROTOCOL``]
    RESP version of client entities that do not set ``protocol`` (default 3).

Items that need a server are marked ``integration`` (and ``cluster``) and take their servers
from the harness fixtures of :mod:`keywire_conformance.fixtures`, registered here.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import pytest

from keywire_conformance.adapters import DEFAULT_ADAPTER, Adapter, adapter_directory, load_adapter

if TYPE_CHECKING:
    from collections.abc import Iterator

    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from keywire_conformance.runner import Expectations, SpecFile, SpecTest

# keywire_conformance.runner (YAML, JSON schema) is imported where it is used, not here: this
# plugin is loaded by every pytest run of the workspace, and most of them read no spec file.
# Each such import says "lazy" in its noqa reason.

__all__ = ["SpecFileCollector", "SpecItem", "run_spec_test", "spec_marks"]


def _fixtures_available() -> bool:
    try:
        return importlib.util.find_spec("keywire_conformance.fixtures") is not None
    except ImportError:
        return False


# The harness fixtures are another module of this package; register them with this plugin, but
# never fail a run because that module is missing from an older or partial installation.
pytest_plugins = ["keywire_conformance.fixtures"] if _fixtures_available() else []

_CLEAN_FIXTURES: Final = {
    "standalone": "keywire_clean_standalone",
    "replicated": "keywire_clean_replicated",
    "cluster": "keywire_clean_cluster",
}
_BINARY_FIXTURE: Final = "keywire_server_binary"
_MARKERS: Final = (
    "integration: needs a real server started by the keywire_conformance harness",
    "cluster: needs a cluster started by the keywire_conformance harness",
)
_BUNDLED: Final = "bundled"
TOPOLOGY_CHOICES: Final = ("standalone", "replicated", "cluster", "none")
"""The values of ``--keywire-topology`` (:data:`keywire_conformance.runner.TOPOLOGIES`)."""


@dataclass
class _State:
    """Per-run settings and bookkeeping, kept in the config's stash."""

    adapter_spec: str
    expectations_option: str | None
    protocol: int
    topologies: frozenset[str]
    spec_roots: list[Path]
    adapter_class: type[Adapter] | None = None
    expectations: Expectations | None = None
    collected_files: set[str] = field(default_factory=set)
    collected_tests: set[str] = field(default_factory=set)

    def load_expectations(self) -> Expectations:
        from keywire_conformance import runner  # noqa: PLC0415 -- lazy

        if self.expectations is None:
            path: Path | None
            if self.expectations_option:
                path = Path(self.expectations_option)
                if path.is_dir():
                    path = path / runner.EXPECTATIONS_FILE_NAME
                if not path.is_file():
                    raise runner.SpecError(f"expectation file {path} does not exist")
            else:
                directory = adapter_directory(self.adapter_spec)
                path = None if directory is None else directory / runner.EXPECTATIONS_FILE_NAME
            self.expectations = runner.load_expectations(path)
        return self.expectations

    def load_adapter(self) -> type[Adapter]:
        if self.adapter_class is None:
            self.adapter_class = load_adapter(self.adapter_spec)
        return self.adapter_class

    def root_for(self, path: Path) -> Path | None:
        from keywire_conformance import runner  # noqa: PLC0415 -- lazy

        for root in self.spec_roots:
            if root in path.parents and (root / "schema") not in path.parents:
                return root
        return runner.find_spec_root(path)


_STATE: Final = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--keywire-*`` options of the conformance runner."""
    group = parser.getgroup("keywire-conformance", "keywire conformance suite")
    group.addoption(
        "--keywire-adapter",
        default=None,
        metavar="MODULE:CLASS",
        help=f"adapter of the client under test (env KEYWIRE_ADAPTER; default {DEFAULT_ADAPTER})",
    )
    group.addoption(
        "--keywire-expectations",
        default=None,
        metavar="PATH",
        help="the adapter's expectations.yaml, or its directory (env KEYWIRE_EXPECTATIONS; "
        "default: next to the adapter module)",
    )
    group.addoption(
        "--keywire-specs",
        action="append",
        default=[],
        metavar="DIR",
        help="collect the specs under DIR too (repeatable; 'bundled' = the packaged specs)",
    )
    group.addoption(
        "--keywire-topology",
        action="append",
        default=[],
        choices=TOPOLOGY_CHOICES,
        help="run only specs that can use this topology (repeatable; default all)",
    )
    group.addoption(
        "--keywire-protocol",
        default=None,
        choices=("2", "3"),
        help="RESP version of clients that do not set one (env KEYWIRE_PROTOCOL; default 3)",
    )


def _spec_dir(value: str) -> Path:
    from keywire_conformance import runner  # noqa: PLC0415 -- lazy

    path = runner.bundled_specs_dir() if value == _BUNDLED else Path(value).resolve()
    if not path.is_dir():
        raise pytest.UsageError(f"--keywire-specs: {value} is not a directory")
    return path


def pytest_configure(config: pytest.Config) -> None:
    """Read the options, register the markers, and add ``--keywire-specs`` to the paths."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)
    protocol = config.getoption("--keywire-protocol") or os.environ.get("KEYWIRE_PROTOCOL") or "3"
    if protocol not in ("2", "3"):
        raise pytest.UsageError(f"KEYWIRE_PROTOCOL must be 2 or 3, not {protocol!r}")
    roots = [_spec_dir(value) for value in config.getoption("--keywire-specs")]
    config.stash[_STATE] = _State(
        adapter_spec=config.getoption("--keywire-adapter")
        or os.environ.get("KEYWIRE_ADAPTER")
        or DEFAULT_ADAPTER,
        expectations_option=config.getoption("--keywire-expectations")
        or os.environ.get("KEYWIRE_EXPECTATIONS"),
        protocol=int(protocol),
        topologies=frozenset(config.getoption("--keywire-topology") or TOPOLOGY_CHOICES),
        spec_roots=roots,
    )
    if roots:
        extra = [str(root) for root in roots]
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            config.args = [*config.args, *extra]
        else:
            config.args = extra


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``.yaml`` / ``.yml`` files below a specs root as spec files."""
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    state = parent.config.stash.get(_STATE, None)
    if state is None:
        return None
    root = state.root_for(file_path)
    if root is None:
        return None
    relative = file_path.relative_to(root).as_posix()
    return SpecFileCollector.from_parent(parent, path=file_path, root=root, nodeid=relative)


class SpecFileCollector(pytest.File):
    """One spec file; its tests become :class:`SpecItem` items."""

    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root

    def collect(self) -> Iterator[SpecItem]:
        """Load the file and yield one item per test.

        Raises:
            SpecError: when the file (or the adapter's expectation file) is unusable.
        """
        from keywire_conformance import runner  # noqa: PLC0415 -- lazy

        state = self.config.stash[_STATE]
        spec = runner.load_spec(self.path, root=self.root)
        expectations = state.load_expectations()
        state.collected_files.add(spec.file_id)
        for test in spec.tests:
            test_id = spec.test_id(test)
            state.collected_tests.add(test_id)
            topology = runner.choose_topology(spec, test, state.topologies)
            item = SpecItem.from_parent(
                self,
                name=test.description,
                callobj=_run_spec_item,
                spec_file=spec,
                spec_test=test,
                topology=topology,
            )
            if topology is None:
                wanted = runner.topology_candidates(spec, test)
                item.add_marker(
                    pytest.mark.skip(reason=f"needs topology {wanted}, not selected this run")
                )
            for mark in spec_marks(topology):
                item.add_marker(mark)
            expectation = expectations.lookup(spec.file_id, test_id)
            if expectation is not None:
                reason = f"{state.adapter_spec}: {expectation.reason}"
                if expectation.action == "skip":
                    item.add_marker(pytest.mark.skip(reason=reason))
                else:
                    item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
            yield item

    def repr_failure(  # type: ignore[override]  # pytest narrows the signature itself
        self, excinfo: ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        """Show spec errors (schema violations, ...) as their message, without a traceback."""
        from keywire_conformance import runner  # noqa: PLC0415 -- lazy

        if isinstance(excinfo.value, runner.SpecError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class SpecItem(pytest.Function):
    """One test of a spec file, run by :func:`keywire_conformance.runner.run_test`.

    A :class:`pytest.Function` so that it can request fixtures (the harness's servers) like any
    test function.

    Attributes:
        spec_file: the loaded file.
        spec_test: the test.
        topology: the topology it runs on; ``None`` when the run allows none of its topologies.
    """

    def __init__(
        self, *, spec_file: SpecFile, spec_test: SpecTest, topology: str | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.spec_file = spec_file
        self.spec_test = spec_test
        self.topology = topology

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point reports at the test's line in the YAML file and name it by its spec id."""
        line = self.spec_test.line
        # The domain must not be a suffix of the node id: pytest would turn its dots into "::".
        return self.path, line, f"{self.spec_file.test_id(self.spec_test)} (line {line + 1})"

    def repr_failure(  # type: ignore[override]  # pytest narrows the signature itself
        self, excinfo: ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        """Show spec failures as the runner's message, without the runner's traceback."""
        from keywire_conformance import runner  # noqa: PLC0415 -- lazy

        if isinstance(excinfo.value, runner.SpecFailure):
            return str(excinfo.value)
        if isinstance(excinfo.value, runner.HarnessActionError | runner.SpecError):
            return f"{type(excinfo.value).__name__}: {excinfo.value}"
        return super().repr_failure(excinfo)


def _skip(reason: str) -> NoReturn:
    # Report the skip at the test's line in its YAML file, as a skip marker would, rather than
    # at this module (the keyword is pytest's own, also used by its skip / skipif markers).
    raise pytest.skip.Exception(reason, _use_item_location=True)


def spec_marks(topology: str | None) -> list[pytest.MarkDecorator]:
    """Return the markers a spec test on ``topology`` gets: ``integration`` for any server
    topology, plus ``cluster`` for a cluster."""
    if topology in (None, "none"):
        return []
    marks = [pytest.mark.integration]
    if topology == "cluster":
        marks.append(pytest.mark.cluster)
    return marks


def run_spec_test(
    request: pytest.FixtureRequest,
    spec: SpecFile,
    test: SpecTest,
    topology: str,
    *,
    adapter_class: type[Adapter],
    protocol: int = 3,
) -> None:
    """Run one spec test from inside a pytest test (what every :class:`SpecItem` does).

    Skips (at the caller's location) when the test's requirements are not met; gets the
    servers from the harness's ``keywire_clean_*`` fixtures only when they are.

    Args:
        request: the calling test's fixture request.
        spec: the spec file.
        test: the test to run.
        topology: the topology chosen for it (see :func:`choose_topology`).
        adapter_class: the adapter; one instance is created for the test.
        protocol: RESP version of client entities that do not set one.

    Raises:
        SpecFailure: when the client does not behave as the spec says.
        HarnessActionError: when an admin action of the runner failed.
    """
    from keywire_conformance import runner  # noqa: PLC0415 -- lazy

    facts = runner.ServerFacts(
        topology=topology, protocol=protocol, capabilities=adapter_class.capabilities
    )
    if topology != "none":
        try:
            binary = request.getfixturevalue(_BINARY_FIXTURE)
        except pytest.FixtureLookupError:
            _skip("the keywire server harness (keywire_conformance.fixtures) is not available")
        facts.version = tuple(binary.version)
        facts.server_kind = str(binary.kind)
    reason = runner.unmet_requirements(spec, test, facts)
    if reason is not None:
        _skip(reason)
    environment: runner.ServerEnvironment | None = None
    if topology != "none":
        environment = runner.ServerEnvironment(
            topology, request.getfixturevalue(_CLEAN_FIXTURES[topology])
        )
    runner.run_test_sync(
        spec, test, adapter=adapter_class(), environment=environment, protocol=protocol
    )


def _run_spec_item(request: pytest.FixtureRequest) -> None:
    """The test function of every :class:`SpecItem`."""
    item = request.node
    assert isinstance(item, SpecItem)
    assert item.topology is not None  # items without a topology carry a skip marker
    state = request.config.stash[_STATE]
    run_spec_test(
        request,
        item.spec_file,
        item.spec_test,
        item.topology,
        adapter_class=state.load_adapter(),
        protocol=state.protocol,
    )


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """After a run that collected specs: name the adapter, and list stale expectation entries."""
    state = config.stash.get(_STATE, None)
    if state is None or not state.collected_files:
        return
    from keywire_conformance import runner  # noqa: PLC0415 -- lazy

    expectations = state.expectations or runner.Expectations()
    where = expectations.path or "none"
    terminalreporter.write_line(
        f"keywire conformance: adapter {state.adapter_spec}, expectations {where}, "
        f"default protocol RESP{state.protocol}"
    )
    stale = sorted(
        key
        for key in expectations.entries
        if "::" in key
        and key.partition("::")[0] in state.collected_files
        and key not in state.collected_tests
    )
    for key in stale:
        terminalreporter.write_line(
            f"keywire conformance: expectation entry matches no test: {key}", yellow=True
        )
