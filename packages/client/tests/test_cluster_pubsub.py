"""Pub/sub through RedisCluster: shard channels on their slot's primary, plain channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from keywire import RedisCluster
from keywire.cluster import ClusterPubSub, key_slot

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from keywire.pubsub import PubSubMessage
    from keywire_conformance.servers import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.asyncio]

CHANNELS = ["news:{a}", "news:{b}", "news:{c}", "news:{a}:2"]


@pytest_asyncio.fixture(params=[3, 2], ids=["resp3", "resp2"])
async def cluster(
    request: pytest.FixtureRequest, keywire_clean_cluster: Cluster
) -> AsyncIterator[RedisCluster[bytes]]:
    host, port = keywire_clean_cluster.startup_nodes[0]
    async with RedisCluster(host, port, protocol=request.param, read_timeout=10) as client:
        yield client


async def messages(pubsub: ClusterPubSub[bytes], count: int) -> list[PubSubMessage[bytes]]:
    found: list[PubSubMessage[bytes]] = []
    while len(found) < count:
        message = await pubsub.get_message(timeout=5.0, ignore_subscribe_messages=True)
        assert message is not None, f"only {len(found)} of {count} messages arrived"
        found.append(message)
    return found


async def test_shard_channels(cluster: RedisCluster[bytes], keywire_clean_cluster: Cluster) -> None:
    if keywire_clean_cluster.version < (7, 0, 0):
        pytest.skip("sharded pub/sub needs Redis 7.0")
    assert len({cluster.node_for_key(c) for c in CHANNELS}) == 3
    async with cluster.pubsub() as pubsub:
        await pubsub.ssubscribe(*CHANNELS)
        assert pubsub.shard_channels == {c.encode() for c in CHANNELS}
        confirmations = [await pubsub.get_message(timeout=1.0) for _ in CHANNELS]
        assert {m.type for m in confirmations if m is not None} == {"ssubscribe"}
        for channel in CHANNELS:
            # SPUBLISH reaches the subscriber on the node serving the channel's slot.
            assert await cluster.spublish(channel, f"to {channel}") == 1
        received = await messages(pubsub, len(CHANNELS))
        assert sorted((m.type, m.channel, m.data) for m in received) == sorted(
            ("smessage", c.encode(), f"to {c}".encode()) for c in CHANNELS
        )
        await pubsub.sunsubscribe("news:{b}")
        assert pubsub.shard_channels == {c.encode() for c in CHANNELS if c != "news:{b}"}
        assert await cluster.spublish("news:{b}", "gone") == 0
        assert await cluster.spublish("news:{c}", "still") == 1
        [message] = await messages(pubsub, 1)
        assert (message.channel, message.data) == (b"news:{c}", b"still")
        await pubsub.sunsubscribe()
        assert not pubsub.subscribed
    assert pubsub.closed
    assert key_slot("news:{a}") == key_slot("news:{a}:2")


async def test_plain_channels_and_patterns(cluster: RedisCluster[bytes]) -> None:
    async with cluster.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe("events")
        await pubsub.psubscribe("ev*")
        assert pubsub.channels == {b"events"}
        assert pubsub.patterns == {b"ev*"}
        # PUBLISH is forwarded to every node: publishing through any node is heard (its count
        # is of that node's subscribers only).
        await cluster.execute_command("PUBLISH", "events", "hello", target=cluster.replicas()[0])
        received = await messages(pubsub, 2)
        assert {(m.type, m.data) for m in received} == {
            ("message", b"hello"),
            ("pmessage", b"hello"),
        }
        assert await pubsub.get_message(timeout=0.05) is None
        await pubsub.unsubscribe()
        await pubsub.punsubscribe()
        assert not pubsub.subscribed
