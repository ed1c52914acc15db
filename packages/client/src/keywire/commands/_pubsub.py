"""Publishing and pub/sub introspection (PUBLISH, SPUBLISH, PUBSUB ...).

Subscribing needs a connection of its own: see :class:`keywire.PubSub`
(``client.pubsub()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT, flatten_keys
from keywire.commands._callbacks import to_dict, to_list

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

__all__ = ["PubSubCommands"]


def _to_numsub(reply: Any) -> dict[Any, int]:
    return {channel: int(count) for channel, count in to_dict(reply).items()}


class PubSubCommands(CommandsBase[AnyStr]):
    """Publishing and counting subscribers."""

    __slots__ = ()

    def publish(self, channel: KeyT, message: EncodableT) -> Awaitable[int]:
        """PUBLISH ``message`` on ``channel``; returns how many subscribers received it."""
        return self._command(None, b"PUBLISH", channel, message)

    def spublish(self, shard_channel: KeyT, message: EncodableT) -> Awaitable[int]:
        """SPUBLISH ``message`` on a shard channel (Redis 7.0+); returns the receivers."""
        return self._command(None, b"SPUBLISH", shard_channel, message)

    def pubsub_channels(self, pattern: KeyT | None = None) -> Awaitable[list[AnyStr]]:
        """PUBSUB CHANNELS: channels with at least one subscriber (matching ``pattern``)."""
        args: list[Any] = [b"PUBSUB", b"CHANNELS"]
        if pattern is not None:
            args.append(pattern)
        return self._command(to_list, *args)

    def pubsub_numsub(self, channels: Iterable[KeyT] | KeyT = ()) -> Awaitable[dict[AnyStr, int]]:
        """PUBSUB NUMSUB: ``{channel: subscribers}`` for ``channels`` (pattern subscribers not
        counted)."""
        return self._command(_to_numsub, b"PUBSUB", b"NUMSUB", *flatten_keys(channels))

    def pubsub_numpat(self) -> Awaitable[int]:
        """PUBSUB NUMPAT: the number of pattern subscriptions (of all clients)."""
        return self._command(None, b"PUBSUB", b"NUMPAT")
