"""Real servers for tests: find a Redis / Valkey binary, start topologies, stop them all.

A provider starts standalone servers, a primary with replicas, or a cluster, and stops
everything it started on ``close()``::

    from keywire_conformance.servers import get_provider

    provider = get_provider()            # KEYWIRE_PROVIDER, default "local"
    try:
        cluster = provider.start_cluster()
        print(cluster.startup_nodes)
    finally:
        provider.close()

Server selection (:func:`select_binary`): ``KEYWIRE_SERVER`` or an argument, a label such as
``valkey-9.1`` (the default), ``redis-7.0``, a prefix such as ``redis-6``, or a binary's path.

Errors::

    HarnessError
     +-- ServerNotFoundError        no installed server matches the selector
     +-- ServerStartError           a server / topology was not ready in time (log tail inside)
     +-- ProviderUnavailableError   e.g. no Docker engine for the testcontainers provider
     +-- ReshapeError               a cluster migration / failover / node change did not settle
     +-- AdminError                 a server answered a harness admin command with -ERR
          +-- AdminConnectionError  connect / send / receive failed or timed out

No server outlives the Python process that started it: providers stop their servers on
``close()``, :func:`stop_all` (also registered with ``atexit``) stops any left, and local
servers carry ``PR_SET_PDEATHSIG`` so the kernel kills them if this process is killed.
"""

from __future__ import annotations

from ._admin import AdminClient, Reply, encode_command, parse_reply
from ._binaries import ServerBinary, discover_binaries, select_binary, servers_dir
from ._errors import (
    AdminConnectionError,
    AdminError,
    HarnessError,
    ProviderUnavailableError,
    ReshapeError,
    ServerNotFoundError,
    ServerStartError,
)
from ._local import LocalProvider
from ._provider import get_provider
from ._registry import stop_all
from ._testcontainers import TestcontainersProvider
from ._topology import Cluster, Node, Replicated, ServerProvider, Standalone

__all__ = [
    "AdminClient",
    "AdminConnectionError",
    "AdminError",
    "Cluster",
    "HarnessError",
    "LocalProvider",
    "Node",
    "ProviderUnavailableError",
    "Replicated",
    "Reply",
    "ReshapeError",
    "ServerBinary",
    "ServerNotFoundError",
    "ServerProvider",
    "ServerStartError",
    "Standalone",
    "TestcontainersProvider",
    "discover_binaries",
    "encode_command",
    "get_provider",
    "parse_reply",
    "select_binary",
    "servers_dir",
    "stop_all",
]
