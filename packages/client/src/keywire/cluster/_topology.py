"""Turn ``CLUSTER SHARDS`` and ``CLUSTER SLOTS`` replies into :class:`~._slots.Refresh` events.

Pure functions: the replies are given as the reader produced them (RESP2 flat arrays or RESP3
maps; ``bytes`` or, with ``decode_responses=True``, ``str``).

``CLUSTER SHARDS`` (Redis 7.0+, Valkey) gives one entry per shard::

    slots: [start, end, start, end, ...]
    nodes: [{id, port, [tls-port], ip, endpoint, [hostname], role, replication-offset, health}]

``CLUSTER SLOTS`` (every version; the fallback for Redis 6.x) gives one entry per range::

    [start, end, [host, port, id, {meta}], [replica host, port, id, {meta}], ...]

Endpoints: an empty host means "the node you asked" (``cluster-preferred-endpoint-type``
unknown-endpoint), ``?`` or null means the node's address is unknown; such a node is left out
(a range whose primary is unknown stays unserved until a later refresh). Replicas whose
``health`` is not ``online`` (failed, or still loading their data) are left out, so reads are
not sent where they would fail.
"""

from __future__ import annotations

from typing import Any

from keywire.cluster._slots import Address, Refresh, SlotRange

__all__ = ["TopologyParseError", "parse_shards", "parse_slots"]

_PRIMARY_ROLES = frozenset({"master", "primary"})


class TopologyParseError(ValueError):
    """A ``CLUSTER SHARDS`` / ``CLUSTER SLOTS`` reply does not have the documented shape."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value)
    if text is None or not text.lstrip("-").isdigit():
        raise TopologyParseError(f"expected an integer, got {value!r}")
    return int(text)


def _as_dict(value: Any) -> dict[str, Any]:
    """A RESP3 map or a flat RESP2 ``[key, value, ...]`` array -> dict with ``str`` keys."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list | tuple):
        if len(value) % 2:
            raise TopologyParseError(f"odd number of items in a map-like array: {value!r:.200}")
        items = list(zip(value[::2], value[1::2], strict=True))
    else:
        raise TopologyParseError(f"expected a map, got {value!r:.200}")
    return {(_text(key) or ""): item for key, item in items}


def _host(endpoint: Any, ip: Any, asked: Address) -> str | None:
    text = _text(endpoint)
    if text == "":
        return asked[0]
    if text is None or text == "?":
        fallback = _text(ip)
        if fallback:
            return fallback
        return None
    return text


def parse_shards(reply: Any, asked: Address, *, tls: bool = False) -> Refresh:
    """Parse a ``CLUSTER SHARDS`` reply given by the node at ``asked``.

    Args:
        reply: The reply as read.
        asked: The node that answered (its host stands in for an empty endpoint).
        tls: Connect to ``tls-port`` where a node lists one.

    Raises:
        TopologyParseError: The reply does not have the documented shape.
    """
    if not isinstance(reply, list | tuple):
        raise TopologyParseError(f"CLUSTER SHARDS: expected an array, got {reply!r:.200}")
    ranges: list[SlotRange] = []
    for entry in reply:
        shard = _as_dict(entry)
        raw_slots = shard.get("slots") or []
        if not isinstance(raw_slots, list | tuple) or len(raw_slots) % 2:
            raise TopologyParseError(f"CLUSTER SHARDS: bad slots {raw_slots!r:.200}")
        bounds = [_int(x) for x in raw_slots]
        if not bounds:
            continue  # a shard without slots (e.g. a primary being added)
        primary: Address | None = None
        primary_online = False
        replicas: list[Address] = []
        for raw_node in shard.get("nodes") or []:
            node = _as_dict(raw_node)
            host = _host(node.get("endpoint"), node.get("ip"), asked)
            port_value = node.get("tls-port") if tls else None
            if port_value is None:
                port_value = node.get("port")
            if port_value is None:
                port_value = node.get("tls-port")
            if host is None or port_value is None:
                continue
            address = (host, _int(port_value))
            role = (_text(node.get("role")) or "").lower()
            online = (_text(node.get("health")) or "online").lower() == "online"
            if role in _PRIMARY_ROLES:
                # Two primaries in one shard only appear mid-failover: prefer the healthy one.
                if primary is None or (online and not primary_online):
                    primary, primary_online = address, online
            elif online:
                replicas.append(address)
        if primary is None:
            continue
        for start, end in zip(bounds[::2], bounds[1::2], strict=True):
            if not 0 <= start <= end < 16384:
                raise TopologyParseError(f"CLUSTER SHARDS: bad slot range {start}-{end}")
            ranges.append(SlotRange(start, end, primary, tuple(replicas)))
    return Refresh(tuple(ranges))


def _slots_node(raw: Any, asked: Address) -> Address | None:
    if not isinstance(raw, list | tuple) or len(raw) < 2:
        raise TopologyParseError(f"CLUSTER SLOTS: bad node {raw!r:.200}")
    host = _text(raw[0])
    if host is None or host == "?":
        return None
    if host == "":
        host = asked[0]
    return (host, _int(raw[1]))


def parse_slots(reply: Any, asked: Address) -> Refresh:
    """Parse a ``CLUSTER SLOTS`` reply given by the node at ``asked``.

    Raises:
        TopologyParseError: The reply does not have the documented shape.
    """
    if not isinstance(reply, list | tuple):
        raise TopologyParseError(f"CLUSTER SLOTS: expected an array, got {reply!r:.200}")
    ranges: list[SlotRange] = []
    for entry in reply:
        if not isinstance(entry, list | tuple) or len(entry) < 3:
            raise TopologyParseError(f"CLUSTER SLOTS: bad entry {entry!r:.200}")
        start, end = _int(entry[0]), _int(entry[1])
        if not 0 <= start <= end < 16384:
            raise TopologyParseError(f"CLUSTER SLOTS: bad slot range {start}-{end}")
        primary = _slots_node(entry[2], asked)
        if primary is None:
            continue
        replicas = [r for r in (_slots_node(raw, asked) for raw in entry[3:]) if r is not None]
        ranges.append(SlotRange(start, end, primary, tuple(replicas)))
    return Refresh(tuple(ranges))
