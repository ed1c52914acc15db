"""Fixtures of the keywire client tests: clients connected to the harness server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from keywire import Redis

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from keywire_conformance.servers import Standalone


def pytest_configure(config: pytest.Config) -> None:
    """Register our markers also where the workspace config is not used (isolated runs)."""
    config.addinivalue_line("markers", "integration: needs a real server (harness)")
    config.addinivalue_line("markers", "slow: long-running")
    config.addinivalue_line("markers", "cluster: needs a cluster started by the harness")


# RESP3 and RESP2, each with the default reader (hiredis when installed) and the pure reader:
# every command test must give the same Python results on all four.
CLIENT_PARAMS = [
    pytest.param((3, "auto"), id="resp3"),
    pytest.param((2, "auto"), id="resp2"),
    pytest.param((3, "python"), id="resp3-pure"),
    pytest.param((2, "python"), id="resp2-pure"),
]


@pytest_asyncio.fixture(params=CLIENT_PARAMS)
async def client(
    request: pytest.FixtureRequest, keywire_clean_standalone: Standalone
) -> AsyncIterator[Redis[bytes]]:
    """A bytes client on the flushed harness server (RESP2 / RESP3, both readers)."""
    protocol, backend = request.param
    node = keywire_clean_standalone.node
    async with Redis(
        node.host, node.port, protocol=protocol, reader_backend=backend, read_timeout=10
    ) as redis:
        yield redis


@pytest_asyncio.fixture(params=[pytest.param(3, id="resp3"), pytest.param(2, id="resp2")])
async def str_client(
    request: pytest.FixtureRequest, keywire_clean_standalone: Standalone
) -> AsyncIterator[Redis[str]]:
    """A ``decode_responses=True`` client on the flushed harness server."""
    node = keywire_clean_standalone.node
    async with Redis(
        node.host, node.port, protocol=request.param, decode_responses=True, read_timeout=10
    ) as redis:
        yield redis
