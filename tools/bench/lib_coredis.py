"""coredis's side of every scenario.

coredis speaks RESP3 only. Its clients must be entered (``async with``) before use; its
pipelines run their commands when the ``async with`` block exits.
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import coredis
from coredis.typing import Node
from tools.bench.common import (
    CONCURRENCY,
    GET_KEY,
    LIST_KEY,
    PIPELINE_KEYS,
    PIPELINE_SIZE,
    VALUE,
    Budget,
    Flavor,
    Library,
    Servers,
    cluster_get_concurrent,
    cluster_get_sequential,
    concurrent,
    is_full_list,
    is_pipeline_reply,
    is_value,
    read_every_key,
    sequential,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

Client = coredis.Redis[bytes]
ClusterClient = coredis.RedisCluster[bytes]


@asynccontextmanager
async def _open(servers: Servers, flavor: Flavor) -> AsyncIterator[Client]:
    # The flavour was applied at import time (variants.install_source_only for "pure").
    del flavor
    async with coredis.Redis(servers.first.host, servers.first.port) as client:
        yield client


def _describe(client: Client | ClusterClient) -> str:
    del client
    parser = sys.modules["coredis.parser"]
    path = str(getattr(parser, "__file__", ""))
    kind = "pure Python" if path.endswith(".py") else "compiled"
    return f"parser coredis.parser ({kind}: {path.rsplit('/', 1)[-1]})"


async def get_sequential(client: Client, budget: Budget) -> int:
    """a) GET one key, one task."""
    return await sequential(partial(client.get, GET_KEY), is_value, budget)


async def get_concurrent(client: Client, budget: Budget) -> int:
    """b) GET one key from 100 tasks."""
    return await concurrent(partial(client.get, GET_KEY), is_value, budget, tasks=CONCURRENCY)


async def pipeline_set(client: Client | ClusterClient, budget: Budget) -> int:
    """c) Pipelines of 100 SETs; counts SETs. On a cluster the pipeline splits per node."""

    async def one() -> tuple[Any, ...] | None:
        async with client.pipeline(transaction=False) as pipe:
            for key in PIPELINE_KEYS:
                pipe.set(key, VALUE)
        return pipe.results

    return await sequential(one, is_pipeline_reply, budget, per_call=PIPELINE_SIZE)


async def lrange_all(client: Client, budget: Budget) -> int:
    """e) LRANGE of the whole 10k-item list."""
    return await sequential(partial(client.lrange, LIST_KEY, 0, -1), is_full_list, budget)


@asynccontextmanager
async def _open_cluster(servers: Servers, flavor: Flavor) -> AsyncIterator[ClusterClient]:
    del flavor  # as for _open
    nodes = [Node(host=node.host, port=node.port) for node in servers.nodes]
    async with coredis.RedisCluster(startup_nodes=nodes) as client:
        await read_every_key(client.get)
        yield client


LIBRARY: Library[Client] = Library(
    name="coredis",
    open=_open,
    describe=_describe,
    functions={
        "get_sequential": get_sequential,
        "get_concurrent": get_concurrent,
        "pipeline_set": pipeline_set,
        "lrange_all": lrange_all,
    },
)

CLUSTER_LIBRARY: Library[ClusterClient] = Library(
    name="coredis",
    open=_open_cluster,
    describe=_describe,
    functions={
        "get_sequential": cluster_get_sequential,
        "get_concurrent": cluster_get_concurrent,
        "pipeline_set": pipeline_set,
    },
)
