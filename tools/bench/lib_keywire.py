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
    Endpoint,
    Flavor,
    Library,
    concurrent,
    is_full_list,
    is_pipeline_reply,
    is_value,
    sequential,
)

import keywire

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

Client = keywire.Redis[bytes]


@asynccontextmanager
async def _open(endpoint: Endpoint, flavor: Flavor) -> AsyncIterator[Client]:
    backend = "python" if flavor == "pure" else "hiredis"
    client = keywire.Redis(endpoint.host, endpoint.port, protocol=3, reader_backend=backend)
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


async def pipeline_set(client: Client, budget: Budget) -> int:
    """c) Pipelines of 100 SETs; counts SETs."""

    async def one() -> list[Any]:
        pipe = client.pipeline(transaction=False)
        for key in PIPELINE_KEYS:
            pipe.set(key, VALUE)
        return await pipe.execute()

    return await sequential(one, is_pipeline_reply, budget, per_call=PIPELINE_SIZE)


async def lrange_all(client: Client, budget: Budget) -> int:
    """e) LRANGE of the whole 10k-item list."""
    return await sequential(partial(client.lrange, LIST_KEY, 0, -1), is_full_list, budget)


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
