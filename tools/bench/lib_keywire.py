"""keywire's side of every scenario."""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

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

import keywire

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

Client = keywire.Redis[bytes]
ClusterClient = keywire.RedisCluster[bytes]


def _backend(flavor: Flavor) -> str:
    return "python" if flavor == "pure" else "hiredis"


@asynccontextmanager
async def _open(servers: Servers, flavor: Flavor) -> AsyncIterator[Client]:
    host, port = servers.first.host, servers.first.port
    client = keywire.Redis(host, port, protocol=3, reader_backend=_backend(flavor))
    try:
        await client.initialize()
        yield client
    finally:
        await client.aclose()


def _describe(client: Client) -> str:
    reader = getattr(client.connection_pool.shared, "_reader", None)
    return f"reader {type(reader).__module__}.{type(reader).__qualname__}"


async def get_sequential(client: Client, budget: Budget) -> int:
    """a) GET one key, one task."""
    return await sequential(partial(client.get, GET_KEY), is_value, budget)


async def get_concurrent(client: Client, budget: Budget) -> int:
    """b) GET one key from 100 tasks."""
    return await concurrent(partial(client.get, GET_KEY), is_value, budget, tasks=CONCURRENCY)


async def pipeline_set(client: Client | ClusterClient, budget: Budget) -> int:
    """c) Pipelines of 100 SETs; counts SETs. On a cluster the pipeline splits per node."""

    async def one() -> list[Any]:
        pipe = client.pipeline(transaction=False)
        for key in PIPELINE_KEYS:
            pipe.set(key, VALUE)
        return await pipe.execute()

    return await sequential(one, is_pipeline_reply, budget, per_call=PIPELINE_SIZE)


async def lrange_all(client: Client, budget: Budget) -> int:
    """e) LRANGE of the whole 10k-item list."""
    return await sequential(partial(client.lrange, LIST_KEY, 0, -1), is_full_list, budget)


@asynccontextmanager
async def _open_cluster(servers: Servers, flavor: Flavor) -> AsyncIterator[ClusterClient]:
    client = keywire.RedisCluster(
        startup_nodes=[(node.host, node.port) for node in servers.nodes],
        protocol=3,
        reader_backend=_backend(flavor),
    )
    try:
        await client.initialize()
        await read_every_key(client.get)
        yield client
    finally:
        await client.aclose()


def _describe_cluster(client: ClusterClient) -> str:
    # read_every_key opened the shared connection of every primary's pool.
    pools = [pool for pool in client.router.pools.values() if pool.shared is not None]
    readers = {type(getattr(pool.shared, "_reader", None)) for pool in pools}
    names = ", ".join(sorted(f"{kind.__module__}.{kind.__qualname__}" for kind in readers))
    return f"reader {names} (on {len(pools)} nodes)"


LIBRARY: Library[Client] = Library(
    name="keywire",
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
    name="keywire",
    open=_open_cluster,
    describe=_describe_cluster,
    functions={
        "get_sequential": cluster_get_sequential,
        "get_concurrent": cluster_get_concurrent,
        "pipeline_set": pipeline_set,
    },
)
