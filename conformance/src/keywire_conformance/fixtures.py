"""pytest fixtures for real servers (a pytest plugin module).

Register it once, e.g. ``pytest -p keywire_conformance.fixtures`` or through the
``keywire_conformance`` plugin. Options:

``--keywire-server SELECTOR``
    which server (overrides ``KEYWIRE_SERVER``; default ``valkey-9.1``): a label such as
    ``redis-7.0``, a prefix such as ``redis-6``, or a server binary's path.
``--keywire-provider NAME``
    ``local`` (default; overrides ``KEYWIRE_PROVIDER``) or ``testcontainers``.

Session fixtures start a topology only when a test asks for it and share it for the session:
``keywire_standalone``, ``keywire_replicated``, ``keywire_cluster``. The function fixtures
``keywire_clean_standalone``, ``keywire_clean_replicated`` and ``keywire_clean_cluster`` hand
out the same topologies after restarting any node a previous test stopped and ``FLUSHALL``.

Tests that use these fixtures need a server: they are marked ``integration`` (cluster ones also
``cluster``) automatically, so ``-m "not integration"`` deselects them even where their authors
forgot the marker. Nothing outlives the session: the provider closes at session end, every
server still running is stopped at ``pytest_sessionfinish`` (also after a failure or Ctrl-C)
and at interpreter exit, and local servers die with the pytest process even on SIGKILL.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.servers import (
    Cluster,
    Replicated,
    ServerBinary,
    ServerProvider,
    Standalone,
    _registry,
    get_provider,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "keywire_clean_cluster",
    "keywire_clean_replicated",
    "keywire_clean_standalone",
    "keywire_cluster",
    "keywire_provider",
    "keywire_replicated",
    "keywire_server_binary",
    "keywire_standalone",
]

_SERVER_FIXTURES = frozenset(
    {
        "keywire_provider",
        "keywire_standalone",
        "keywire_replicated",
        "keywire_cluster",
        "keywire_clean_standalone",
        "keywire_clean_replicated",
        "keywire_clean_cluster",
    }
)
_CLUSTER_FIXTURES = frozenset({"keywire_cluster", "keywire_clean_cluster"})
_MARKERS = (
    "integration: needs a real server started by the keywire_conformance harness",
    "cluster: needs a cluster started by the keywire_conformance harness",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--keywire-server`` and ``--keywire-provider``."""
    group = parser.getgroup("keywire", "keywire real-server harness")
    group.addoption(
        "--keywire-server",
        default=None,
        metavar="SELECTOR",
        help="server to test against: a label (valkey-9.1, redis-7.0), a prefix (redis-6) "
        "or a binary's path; overrides KEYWIRE_SERVER (default valkey-9.1)",
    )
    group.addoption(
        "--keywire-provider",
        default=None,
        choices=("local", "testcontainers"),
        help="how servers are started; overrides KEYWIRE_PROVIDER (default local)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers this plugin applies (harmless when the project has them too)."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use a server fixture ``integration`` (and ``cluster``), before ``-m``
    selection runs."""
    del config
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _SERVER_FIXTURES and item.get_closest_marker("integration") is None:
            item.add_marker(pytest.mark.integration)
        if names & _CLUSTER_FIXTURES and item.get_closest_marker("cluster") is None:
            item.add_marker(pytest.mark.cluster)


_session_start = pytest.StashKey[int]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember which servers were running before the session (e.g. an enclosing one's)."""
    session.config.stash[_session_start] = _registry.checkpoint()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop every server the session started and still runs, whatever ended the session
    (failure, Ctrl-C); the ``atexit`` registry and ``PDEATHSIG`` back this up."""
    del exitstatus
    _registry.stop_all(since=session.config.stash.get(_session_start, 0))


def _option(config: pytest.Config, name: str, env: str) -> str | None:
    value = config.getoption(name, default=None)
    if value:
        return str(value)
    return os.environ.get(env) or None


@pytest.fixture(scope="session")
def keywire_provider(pytestconfig: pytest.Config) -> Iterator[ServerProvider]:
    """The session's server provider (``--keywire-provider`` / ``KEYWIRE_PROVIDER``), running
    the server of ``--keywire-server`` / ``KEYWIRE_SERVER``. Closed at session end."""
    provider = get_provider(
        _option(pytestconfig, "--keywire-provider", "KEYWIRE_PROVIDER"),
        selector=_option(pytestconfig, "--keywire-server", "KEYWIRE_SERVER"),
    )
    try:
        yield provider
    finally:
        provider.close()


@pytest.fixture(scope="session")
def keywire_server_binary(keywire_provider: ServerProvider) -> ServerBinary:
    """The server binary (or image) the session's topologies run."""
    return keywire_provider.binary


@pytest.fixture(scope="session")
def keywire_standalone(keywire_provider: ServerProvider) -> Iterator[Standalone]:
    """One server, started on first use and shared by the session."""
    topology = keywire_provider.start_standalone()
    try:
        yield topology
    finally:
        topology.stop()


@pytest.fixture(scope="session")
def keywire_replicated(keywire_provider: ServerProvider) -> Iterator[Replicated]:
    """A primary with two replicas, started on first use and shared by the session."""
    topology = keywire_provider.start_replicated()
    try:
        yield topology
    finally:
        topology.stop()


@pytest.fixture(scope="session")
def keywire_cluster(keywire_provider: ServerProvider) -> Iterator[Cluster]:
    """A 3 primaries + 3 replicas cluster, started on first use and shared by the session."""
    topology = keywire_provider.start_cluster()
    try:
        yield topology
    finally:
        topology.stop()


@pytest.fixture
def keywire_clean_standalone(keywire_standalone: Standalone) -> Standalone:
    """The session's standalone server, running and empty."""
    keywire_standalone.heal()
    keywire_standalone.flushall()
    return keywire_standalone


@pytest.fixture
def keywire_clean_replicated(keywire_replicated: Replicated) -> Replicated:
    """The session's primary with replicas, all running and empty."""
    keywire_replicated.heal()
    keywire_replicated.flushall()
    return keywire_replicated


@pytest.fixture
def keywire_clean_cluster(keywire_cluster: Cluster) -> Cluster:
    """The session's cluster, every node running, ``cluster_state:ok`` and every primary
    empty."""
    keywire_cluster.heal()
    keywire_cluster.flushall()
    return keywire_cluster
