"""What every scenario shares: the data, the time / operation budget and the measuring loops.

A benchmark function gets a connected client and a :class:`Budget` and returns how many
operations it completed; the worker times it. The loops check the first reply of each loop
(so a client that returns the wrong thing fails loudly instead of looking fast) and stop at
the deadline or after ``max_ops`` operations, whichever comes first.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeAlias, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Mapping
    from contextlib import AbstractAsyncContextManager

VALUE = b"v" * 100
"""Every value written or read: 100 bytes."""
GET_KEY = b"bench:get"
LIST_KEY = b"bench:list"
LIST_LEN = 10_000
PIPELINE_SIZE = 100
PIPELINE_KEYS = tuple(f"bench:set:{index}".encode() for index in range(PIPELINE_SIZE))
"""The keys of every pipeline; no hash tags, so on a cluster they spread over every primary."""
CONCURRENCY = 100
"""Tasks of the concurrent scenarios."""
CLUSTER_GET_KEYS = tuple(f"bench:get:{index}".encode() for index in range(100))
"""What the cluster GET scenarios read, in turn: written beforehand, spread over every primary
(no hash tags; ``scenarios.prepare_cluster`` checks that each primary holds some)."""

Flavor = Literal["hiredis", "pure", "default"]
"""How a variant parses replies: with hiredis, in pure Python, or as the library ships."""
Topology = Literal["standalone", "cluster"]
"""One server, or a cluster of 3 primaries with a replica each."""
TOPOLOGIES: tuple[Topology, ...] = ("standalone", "cluster")
LIBRARY_ATTRIBUTES: Mapping[Topology, str] = {
    "standalone": "LIBRARY",
    "cluster": "CLUSTER_LIBRARY",
}
"""The :class:`Library` a ``lib_*`` module exports for each topology."""

C = TypeVar("C")
Op: TypeAlias = "Callable[[], Awaitable[object]]"
Check: TypeAlias = "Callable[[object], bool]"


class BenchError(Exception):
    """A client returned something unexpected, or a worker failed."""


@dataclass(frozen=True)
class Endpoint:
    """Where the server listens."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """``host:port`` (the host may itself contain colons, e.g. an IPv6 address).

        Raises:
            ValueError: No port.
        """
        host, _, port = text.rpartition(":")
        if not host:
            raise ValueError(f"expected host:port, got {text!r}")
        return cls(host, int(port))


@dataclass(frozen=True)
class Servers:
    """What a worker connects to: one standalone server, or a cluster's startup nodes."""

    topology: Topology
    nodes: tuple[Endpoint, ...]

    def __post_init__(self) -> None:
        if not self.nodes:
            raise ValueError("no server address")

    @property
    def first(self) -> Endpoint:
        """The standalone server, or the first startup node of a cluster."""
        return self.nodes[0]


@dataclass(slots=True)
class Budget:
    """Run until ``deadline`` (``perf_counter`` seconds) or ``max_ops`` operations."""

    deadline: float
    max_ops: int

    @classmethod
    def start(cls, seconds: float, max_ops: int) -> Budget:
        """A budget of ``seconds`` from now."""
        return cls(perf_counter() + seconds, max_ops)


@dataclass(frozen=True)
class Library(Generic[C]):
    """One client library as the worker drives it.

    Attributes:
        name: Distribution name, for the version.
        open: ``open(servers, flavor)``: an async context manager yielding a connected client.
        describe: One line saying which parser the client really uses.
        functions: Scenario function name -> ``async fn(client, budget) -> operations``.
    """

    name: str
    open: Callable[[Servers, Flavor], AbstractAsyncContextManager[C]]
    describe: Callable[[C], str]
    functions: Mapping[str, Callable[[C, Budget], Awaitable[int]]]


def cycling(keys: Iterable[bytes]) -> Callable[[], bytes]:
    """A function returning the next of ``keys`` on each call, round and round.

    Shared by the tasks of a concurrent scenario: one event loop thread, so no lock needed.
    """
    return itertools.cycle(keys).__next__


async def read_every_key(get: Callable[[bytes], Awaitable[object]]) -> None:
    """GET each of :data:`CLUSTER_GET_KEYS` once: checks the data and connects to every primary.

    Raises:
        BenchError: A key did not hold :data:`VALUE`.
    """
    for key in CLUSTER_GET_KEYS:
        _verify(is_value, await get(key))


def _verify(check: Check, reply: object) -> None:
    if not check(reply):
        shown = repr(reply)
        raise BenchError(f"unexpected reply: {shown[:200]}")


async def sequential(op: Op, check: Check, budget: Budget, *, per_call: int = 1) -> int:
    """Await ``op()`` back to back; each call counts ``per_call`` operations."""
    deadline, limit = budget.deadline, budget.max_ops
    _verify(check, await op())
    done = per_call
    while done < limit and perf_counter() < deadline:
        await op()
        done += per_call
    return done


async def concurrent(op: Op, check: Check, budget: Budget, *, tasks: int) -> int:
    """Run ``tasks`` tasks, each awaiting ``op()`` back to back, until the budget is spent."""
    deadline, limit = budget.deadline, budget.max_ops
    done = 0

    async def loop() -> None:
        nonlocal done
        _verify(check, await op())
        done += 1
        while done < limit and perf_counter() < deadline:
            await op()
            done += 1

    async with asyncio.TaskGroup() as group:
        for _ in range(tasks):
            group.create_task(loop())
    return done


class Getter(Protocol):
    """A client with an awaitable ``get(key)`` (each library's cluster client)."""

    def get(self, key: Any, /) -> Awaitable[Any]:
        """GET ``key``."""
        ...


async def cluster_get_sequential(client: Getter, budget: Budget) -> int:
    """a-cluster) GET keys spread over every primary, in turn, one task."""
    key = cycling(CLUSTER_GET_KEYS)
    return await sequential(lambda: client.get(key()), is_value, budget)


async def cluster_get_concurrent(client: Getter, budget: Budget) -> int:
    """b-cluster) GET keys spread over every primary from 100 tasks."""
    key = cycling(CLUSTER_GET_KEYS)
    return await concurrent(lambda: client.get(key()), is_value, budget, tasks=CONCURRENCY)


def is_value(reply: object) -> bool:
    """A GET of :data:`GET_KEY` (or of one of :data:`CLUSTER_GET_KEYS`)."""
    return reply == VALUE


def is_full_list(reply: object) -> bool:
    """An LRANGE of all of :data:`LIST_KEY`."""
    return isinstance(reply, list | tuple) and len(reply) == LIST_LEN and reply[0] == VALUE


def is_pipeline_reply(reply: object) -> bool:
    """The results of one pipeline of :data:`PIPELINE_SIZE` SETs."""
    return isinstance(reply, list | tuple) and len(reply) == PIPELINE_SIZE and all(reply)
