"""Pub/sub on a cluster: shard channels (SSUBSCRIBE) on the node serving each channel's slot,
plain channels and patterns on one node.

::

    async with cluster.pubsub() as pubsub:
        await pubsub.ssubscribe("orders:{eu}", "orders:{us}")   # one connection per shard
        await cluster.spublish("orders:{eu}", "new")
        message = await pubsub.get_message(timeout=1.0)

* A shard channel is hashed like a key; ``SSUBSCRIBE`` goes to the primary of its slot, one
  :class:`keywire.PubSub` (one dedicated connection) per primary involved.
* ``SUBSCRIBE`` / ``PSUBSCRIBE`` use one more connection, to one primary: the cluster forwards
  every ``PUBLISH`` to every node.
* When a shard channel's slot moves (resharding, failover) the server ends the subscription
  with an ``sunsubscribe`` message the client did not ask for; the channel is then subscribed
  again on its new primary (after refreshing the slot map) and the ``sunsubscribe`` message
  is still delivered, followed by a fresh ``ssubscribe`` confirmation. Messages published in
  between are lost (pub/sub is at most once).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
from typing import TYPE_CHECKING, Any, Generic

from keywire.cluster._slots import Address, key_bytes, key_slot
from keywire.commands import AnyStr
from keywire.exceptions import ClientClosedError, RedisError, ResponseError
from keywire.pubsub import PubSub, PubSubMessage

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from types import TracebackType

    from keywire._config import Config
    from keywire._pool import ConnectionPool
    from keywire.cluster._client import RedisCluster
    from keywire.commands import KeyT

__all__ = ["ClusterPubSub"]


class _NodeClient:
    """What :class:`keywire.PubSub` needs of a client, for one node of the cluster."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.connection_pool = pool

    @property
    def config(self) -> Config:
        return self.connection_pool.config


class ClusterPubSub(Generic[AnyStr]):
    """Subscriptions of a cluster client (see the module docstring).

    Made by :meth:`RedisCluster.pubsub`; use it as ``async with cluster.pubsub() as p:``.
    """

    def __init__(
        self,
        client: RedisCluster[AnyStr],
        *,
        ignore_subscribe_messages: bool = False,
        max_reconnect_attempts: int = 3,
    ) -> None:
        self._client: RedisCluster[AnyStr] = client
        self._ignore = ignore_subscribe_messages
        self._max_attempts = max_reconnect_attempts
        self._shards: dict[Address, PubSub[AnyStr]] = {}
        self._where: dict[bytes, Address] = {}
        self._plain: PubSub[AnyStr] | None = None
        self._ready: collections.deque[PubSubMessage[AnyStr]] = collections.deque()
        self._closed = False
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (
            f"<ClusterPubSub {state} shard_channels={len(self._where)} nodes={len(self._shards)}>"
        )

    async def __aenter__(self) -> ClusterPubSub[AnyStr]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- state ---------------------------------------------------------------------------------

    @property
    def shard_channels(self) -> frozenset[AnyStr]:
        """The subscribed shard channels."""
        found: set[AnyStr] = set()
        for pubsub in self._shards.values():
            found |= pubsub.shard_channels
        return frozenset(found)

    @property
    def channels(self) -> frozenset[AnyStr]:
        """The subscribed channels."""
        return self._plain.channels if self._plain is not None else frozenset()

    @property
    def patterns(self) -> frozenset[AnyStr]:
        """The subscribed patterns."""
        return self._plain.patterns if self._plain is not None else frozenset()

    @property
    def subscribed(self) -> bool:
        """True while anything is subscribed."""
        plain = self._plain is not None and self._plain.subscribed
        return plain or any(p.subscribed for p in self._shards.values())

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` was called."""
        return self._closed

    def _node_pubsub(self, address: Address) -> PubSub[AnyStr]:
        pubsub = self._shards.get(address)
        if pubsub is None:
            node: Any = _NodeClient(self._client.router.pool(address))  # duck-types a Redis
            pubsub = PubSub(
                node,
                ignore_subscribe_messages=False,
                max_reconnect_attempts=self._max_attempts,
            )
            self._shards[address] = pubsub
        return pubsub

    async def _plain_pubsub(self) -> PubSub[AnyStr]:
        if self._plain is None:
            router = self._client.router
            await router.ensure_ready()
            address = random.choice(router.slots.primaries())
            node: Any = _NodeClient(router.pool(address))
            self._plain = PubSub(
                node,
                ignore_subscribe_messages=False,
                max_reconnect_attempts=self._max_attempts,
            )
        return self._plain

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError("the pub/sub object was closed")

    # -- subscribing ---------------------------------------------------------------------------

    async def ssubscribe(self, *shard_channels: KeyT) -> None:
        """SSUBSCRIBE each shard channel on the primary of its slot (Redis 7.0+)."""
        self._check_open()
        if not shard_channels:
            raise ValueError("ssubscribe needs at least one name")
        router = self._client.router
        await router.ensure_ready()
        async with self._lock:
            groups: dict[Address, list[KeyT]] = {}
            for channel in shard_channels:
                address = router.slots.primary_for(key_slot(channel))
                if address is None:
                    await router.refresh()
                    address = router.slots.primary_for(key_slot(channel))
                    if address is None:
                        raise RedisError(f"no node serves the slot of shard channel {channel!r}")
                groups.setdefault(address, []).append(channel)
            for address, channels in groups.items():
                await self._node_pubsub(address).ssubscribe(*channels)
                for channel in channels:
                    self._where[key_bytes(channel)] = address

    async def sunsubscribe(self, *shard_channels: KeyT) -> None:
        """SUNSUBSCRIBE from shard channels (from all when none are given)."""
        self._check_open()
        async with self._lock:
            if not shard_channels:
                for pubsub in self._shards.values():
                    if pubsub.shard_channels:
                        await pubsub.sunsubscribe()
                self._where.clear()
                return
            groups: dict[Address, list[KeyT]] = {}
            for channel in shard_channels:
                address = self._where.pop(key_bytes(channel), None)
                if address is not None:
                    groups.setdefault(address, []).append(channel)
            for address, channels in groups.items():
                await self._shards[address].sunsubscribe(*channels)

    async def subscribe(self, *channels: KeyT) -> None:
        """SUBSCRIBE to channels (on one node: the cluster forwards every PUBLISH)."""
        self._check_open()
        await (await self._plain_pubsub()).subscribe(*channels)

    async def unsubscribe(self, *channels: KeyT) -> None:
        """UNSUBSCRIBE from channels (from all when none are given)."""
        self._check_open()
        if self._plain is not None:
            await self._plain.unsubscribe(*channels)

    async def psubscribe(self, *patterns: KeyT) -> None:
        """PSUBSCRIBE to patterns (on one node)."""
        self._check_open()
        await (await self._plain_pubsub()).psubscribe(*patterns)

    async def punsubscribe(self, *patterns: KeyT) -> None:
        """PUNSUBSCRIBE from patterns (from all when none are given)."""
        self._check_open()
        if self._plain is not None:
            await self._plain.punsubscribe(*patterns)

    # -- reading -------------------------------------------------------------------------------

    def _sources(self) -> list[PubSub[AnyStr]]:
        sources = [p for p in self._shards.values() if p.subscribed or p.connection is not None]
        if self._plain is not None:
            sources.append(self._plain)
        return sources

    async def _take(self, message: PubSubMessage[AnyStr], source: PubSub[AnyStr]) -> None:
        """Handle a server-side end of a shard subscription (its slot moved)."""
        if message.type != "sunsubscribe" or message.channel is None:
            return
        name = key_bytes(message.channel)
        address = self._where.get(name)
        if address is None or self._shards.get(address) is not source:
            return  # we asked for it
        if name not in {key_bytes(c) for c in source.shard_channels}:
            return
        # Not asked for: the slot moved. Forget it there, find its new node, subscribe again.
        async with self._lock:
            # Only to forget it there: the old node answers MOVED (the slot is not its own).
            with contextlib.suppress(ResponseError):
                await source.sunsubscribe(message.channel)
            self._where.pop(name, None)
        router = self._client.router
        await router.refresh()
        await self.ssubscribe(message.channel)

    async def get_message(
        self, *, timeout: float | None = 0.0, ignore_subscribe_messages: bool | None = None
    ) -> PubSubMessage[AnyStr] | None:
        """The next message from any node, waiting up to ``timeout`` seconds (None: until one
        arrives); see :meth:`keywire.PubSub.get_message`."""
        ignore = self._ignore if ignore_subscribe_messages is None else ignore_subscribe_messages
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self._closed:
            while self._ready:
                ready = self._ready.popleft()
                if not (ignore and ready.type not in ("message", "pmessage", "smessage")):
                    return ready
            sources = self._sources()
            # Whatever is buffered already, without waiting.
            for source in sources:
                buffered = await source.get_message(timeout=0.0)
                if buffered is not None:
                    await self._take(buffered, source)
                    self._ready.append(buffered)
            if self._ready:
                continue
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return None
            if not sources:
                await asyncio.sleep(remaining if remaining is not None else 0.05)
                if remaining is not None:
                    return None
                continue
            waits = {
                asyncio.ensure_future(source.get_message(timeout=remaining)): source
                for source in sources
            }
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in waits:
                    if not task.done():
                        task.cancel()
                await asyncio.gather(*waits, return_exceptions=True)
            for task, source in waits.items():
                if task.cancelled():
                    continue
                error = task.exception()
                if error is not None:
                    raise error
                message = task.result()
                if message is not None:
                    await self._take(message, source)
                    self._ready.append(message)
            if not self._ready and deadline is not None and loop.time() >= deadline:
                return None
        return None

    async def listen(self) -> AsyncIterator[PubSubMessage[AnyStr]]:
        """Yield messages as they arrive, until the pub/sub object is closed (or ``break``)."""
        while not self._closed:
            message = await self.get_message(timeout=None)
            if message is not None:
                yield message

    # -- closing -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every connection of this pub/sub object; idempotent."""
        if self._closed:
            return
        self._closed = True
        pubsubs: list[PubSub[Any]] = list(self._shards.values())
        if self._plain is not None:
            pubsubs.append(self._plain)
        for pubsub in pubsubs:
            await pubsub.aclose()
        self._ready.clear()
