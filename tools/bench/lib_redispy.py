"""redis-py's (``redis.asyncio``) side of every scenario."""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import redis.asyncio
from redis._parsers import _AsyncRESP3Parser  # private, but the only way to pick the parser
from redis.asyncio.cluster import ClusterNode
from tools.bench.common import (
    CONCURRENCY,
    GET_KEY,
    LIST_KEY,
    PIPELINE_KEYS,
    PIPELINE_SIZE,
    VALUE,
    BenchError,
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

Client = redis.asyncio.Redis
ClusterClient = redis.asyncio.RedisCluster


@asynccontextmanager
async def _open(servers: Servers, flavor: Flavor) -> AsyncIterator[Client]:
    endpoint = servers.first
    options: dict[str, Any] = {"host": endpoint.host, "port": endpoint.port, "protocol": 3}
    if flavor == "pure":
        options["parser_class"] = _AsyncRESP3Parser
    pool = redis.asyncio.ConnectionPool(**options)
    client = redis.asyncio.Redis(connection_pool=pool)
    try:
        await client.ping()
        yield client
    finally:
        await client.aclose()
        await pool.aclose()


def _describe(client: Client | ClusterClient) -> str:
    if isinstance(client, ClusterClient):
        kwargs = client.get_connection_kwargs()
    else:
        kwargs = client.connection_pool.connection_kwargs
    parser = kwargs.get("parser_class")
    if parser is None:
        parser = redis.asyncio.connection.DefaultParser
    return f"parser {parser.__module__}.{parser.__qualname__}"


async def get_sequential(client: Client, budget: Budget) -> int:
    """a) GET one key, one task."""
    return await sequential(partial(client.get, GET_KEY), is_value, budget)


async def get_concurrent(client: Client, budget: Budget) -> int:
    """b) GET one key from 100 tasks."""
    return await concurrent(partial(client.get, GET_KEY), is_value, budget, tasks=CONCURRENCY)


async def pipeline_set(client: Client | ClusterClient, budget: Budget) -> int:
    """c) Pipelines of 100 SETs; counts SETs. On a cluster the pipeline splits per node."""

    async def one() -> list[Any]:
        async with client.pipeline(transaction=False) as pipe:
            for key in PIPELINE_KEYS:
                pipe.set(key, VALUE)
            return await pipe.execute()

    return await sequential(one, is_pipeline_reply, budget, per_call=PIPELINE_SIZE)


async def lrange_all(client: Client, budget: Budget) -> int:
    """e) LRANGE of the whole 10k-item list."""
    return await sequential(partial(client.lrange, LIST_KEY, 0, -1), is_full_list, budget)


@asynccontextmanager
async def _open_cluster(servers: Servers, flavor: Flavor) -> AsyncIterator[ClusterClient]:
    if flavor == "pure":
        # Its constructor has no parser_class option (nor **kwargs to pass one through).
        raise BenchError("redis-py's cluster client cannot be given a parser class")
    nodes = [ClusterNode(node.host, node.port) for node in servers.nodes]
    client = ClusterClient(startup_nodes=nodes, protocol=3)
    try:
        await client.initialize()
        await read_every_key(client.get)
        yield client
    finally:
        await client.aclose()


LIBRARY: Library[Client] = Library(
    name="redis",
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
    name="redis",
    open=_open_cluster,
    describe=_describe,
    functions={
        "get_sequential": cluster_get_sequential,
        "get_concurrent": cluster_get_concurrent,
        "pipeline_set": pipeline_set,
    },
)
