"""Tests of keywire_conformance.runner._environment against the harness's real servers."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters.reference._connection import Connection
from keywire_conformance.runner import HarnessActionError, ServerEnvironment

if TYPE_CHECKING:
    from keywire_conformance.servers import Cluster, Replicated, Standalone

pytestmark = pytest.mark.integration


def test_standalone_facts(keywire_clean_standalone: Standalone) -> None:
    environment = ServerEnvironment("standalone", keywire_clean_standalone)
    node = keywire_clean_standalone.node
    assert environment.addresses == [(node.host, node.port)]
    assert environment.primaries == [node]
    assert environment.version == keywire_clean_standalone.version
    assert environment.server_kind in ("redis", "valkey")
    assert environment.version_text in repr(environment)


def test_replicated_addresses_start_with_the_primary(keywire_clean_replicated: Replicated) -> None:
    environment = ServerEnvironment("replicated", keywire_clean_replicated)
    primary = keywire_clean_replicated.primary
    assert environment.addresses[0] == (primary.host, primary.port)
    assert len(environment.addresses) == 1 + len(keywire_clean_replicated.replicas)
    assert environment.primaries == [primary]


@pytest.mark.cluster
def test_cluster_addresses_are_the_startup_nodes(keywire_clean_cluster: Cluster) -> None:
    environment = ServerEnvironment("cluster", keywire_clean_cluster)
    assert environment.addresses == keywire_clean_cluster.startup_nodes
    assert environment.primaries == keywire_clean_cluster.primaries


def test_initial_data(keywire_clean_standalone: Standalone) -> None:
    environment = ServerEnvironment("standalone", keywire_clean_standalone)
    asyncio.run(environment.prepare([("SET", "a", "1"), ("RPUSH", "l", "x", "y")]))
    assert keywire_clean_standalone.node.execute("LRANGE", "l", 0, -1) == [b"x", b"y"]
    with pytest.raises(HarnessActionError, match=r"initialData \['INCR', 'l'\]: WRONGTYPE"):
        asyncio.run(environment.prepare([("INCR", "l")]))


def test_kill_connections(keywire_clean_standalone: Standalone) -> None:
    environment = ServerEnvironment("standalone", keywire_clean_standalone)
    node = keywire_clean_standalone.node

    async def scenario() -> None:
        first = await Connection.open(node.host, node.port, protocol=2, decode_responses=False)
        second = await Connection.open(node.host, node.port, protocol=2, decode_responses=False)
        try:
            assert await environment.kill_connections([await first.client_id()]) == 1
            with pytest.raises(ConnectionError):
                await first.execute(["PING"])
            assert await second.execute(["PING"]) == b"PONG"
            with pytest.raises(HarnessActionError, match="no connection with CLIENT ID"):
                await environment.kill_connections([2**40])
            assert await environment.kill_connections(None) >= 1
            with pytest.raises(ConnectionError):
                await second.execute(["PING"])
        finally:
            await first.close()
            await second.close()

    asyncio.run(scenario())
    assert node.execute("PING") == "PONG"  # the harness's own admin connections still work


def test_restart_is_standalone_only(keywire_clean_replicated: Replicated) -> None:
    environment = ServerEnvironment("replicated", keywire_clean_replicated)
    with pytest.raises(HarnessActionError, match="not implemented yet"):
        asyncio.run(environment.restart())


def test_restart_standalone(keywire_clean_standalone: Standalone) -> None:
    environment = ServerEnvironment("standalone", keywire_clean_standalone)
    with pytest.raises(HarnessActionError, match="no node 1"):
        asyncio.run(environment.restart(1))
    keywire_clean_standalone.node.execute("SET", "k", "v")
    asyncio.run(environment.restart(0))
    assert keywire_clean_standalone.node.execute("EXISTS", "k") == 0
