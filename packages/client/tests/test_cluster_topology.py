"""Parsing CLUSTER SHARDS / CLUSTER SLOTS replies into slot-map events (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from keywire.cluster import (
    Refresh,
    SlotMap,
    SlotRange,
    TopologyParseError,
    parse_shards,
    parse_slots,
)

ASKED = ("127.0.0.1", 7000)


def node2(port: int, role: bytes, health: bytes = b"online", **extra: Any) -> list[Any]:
    """A CLUSTER SHARDS node as RESP2 delivers it (a flat array)."""
    fields: dict[bytes, Any] = {
        b"id": b"%040d" % port,
        b"port": port,
        b"ip": b"127.0.0.1",
        b"endpoint": b"127.0.0.1",
        b"role": role,
        b"replication-offset": 14,
        b"health": health,
    }
    fields.update({k.replace("_", "-").encode(): v for k, v in extra.items()})
    return [item for pair in fields.items() for item in pair]


def as_map(flat: list[Any]) -> dict[Any, Any]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


# What valkey 9.1 answered in the harness (RESP2), trimmed to two shards.
SHARDS_RESP2 = [
    [b"slots", [10923, 16383], b"nodes", [node2(7002, b"master"), node2(7005, b"replica")]],
    [
        b"slots",
        [0, 5460, 5461, 10922],
        b"nodes",
        [node2(7000, b"master"), node2(7003, b"replica"), node2(7004, b"replica")],
        b"id",
        b"shard-id",
    ],
]


def test_shards_resp2() -> None:
    event = parse_shards(SHARDS_RESP2, ASKED)
    primary0, primary2 = ("127.0.0.1", 7000), ("127.0.0.1", 7002)
    replicas0 = (("127.0.0.1", 7003), ("127.0.0.1", 7004))
    assert set(event.ranges) == {
        SlotRange(10923, 16383, primary2, (("127.0.0.1", 7005),)),
        SlotRange(0, 5460, primary0, replicas0),
        SlotRange(5461, 10922, primary0, replicas0),
    }
    slots = SlotMap()
    slots.apply(event)
    assert slots.covered()


def test_shards_resp3_maps_and_str() -> None:
    def to_map(shard: list[Any]) -> dict[Any, Any]:
        mapped = as_map(shard)
        mapped[b"nodes"] = [as_map(n) for n in mapped[b"nodes"]]
        return mapped

    resp3 = [to_map(shard) for shard in SHARDS_RESP2]
    assert parse_shards(resp3, ASKED) == parse_shards(SHARDS_RESP2, ASKED)

    def decode(value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode()
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {decode(k): decode(v) for k, v in value.items()}
        return value

    assert parse_shards(decode(resp3), ASKED) == parse_shards(SHARDS_RESP2, ASKED)


def test_shards_endpoints_health_and_tls() -> None:
    reply = [
        [
            b"slots",
            [0, 16383],
            b"nodes",
            [
                node2(7000, b"master", endpoint=b""),  # "the node you asked"
                node2(7001, b"replica", health=b"loading"),  # left out
                node2(7002, b"replica", health=b"fail"),  # left out
                node2(7003, b"replica", endpoint=b"?", ip=b"10.1.1.1"),  # unknown endpoint: ip
                node2(7004, b"replica", tls_port=8004),
            ],
        ]
    ]
    event = parse_shards(reply, ("10.0.0.9", 7000))
    assert event.ranges == (
        SlotRange(
            0,
            16383,
            ("10.0.0.9", 7000),
            (("10.1.1.1", 7003), ("127.0.0.1", 7004)),
        ),
    )
    tls = parse_shards(reply, ("10.0.0.9", 7000), tls=True)
    assert tls.ranges[0].replicas[-1] == ("127.0.0.1", 8004)


def test_shards_mid_failover_prefers_the_healthy_primary() -> None:
    reply = [
        [
            b"slots",
            [0, 16383],
            b"nodes",
            [node2(7000, b"master", health=b"fail"), node2(7003, b"master")],
        ]
    ]
    assert parse_shards(reply, ASKED).ranges[0].primary == ("127.0.0.1", 7003)


def test_shards_without_slots_or_primary_are_skipped() -> None:
    reply = [
        [b"slots", [], b"nodes", [node2(7000, b"master")]],
        [b"slots", [0, 100], b"nodes", [node2(7003, b"replica")]],
    ]
    assert parse_shards(reply, ASKED) == Refresh(())


@pytest.mark.parametrize(
    "reply",
    [
        b"not an array",
        [[b"slots", [0], b"nodes", []]],
        [[b"slots", [0, 20000], b"nodes", [node2(7000, b"master")]]],
        [[b"slots", [b"x", 1], b"nodes", []]],
        [[b"slots"]],
        [7],
    ],
)
def test_shards_malformed(reply: Any) -> None:
    with pytest.raises(TopologyParseError):
        parse_shards(reply, ASKED)


# What redis 7.0 (RESP2) answers to CLUSTER SLOTS: a metadata map after the id.
SLOTS_REPLY: list[list[Any]] = [
    [0, 5460, [b"127.0.0.1", 7000, b"id0", []], [b"127.0.0.1", 7003, b"id3", []]],
    [5461, 10922, [b"", 7001, b"id1"], [None, 7004, b"id4"]],
    [10923, 16383, [b"127.0.0.1", 7002, b"id2"]],
]


def decode_host(host: Any) -> Any:
    return host.decode() if isinstance(host, bytes) else host


def test_slots() -> None:
    event = parse_slots(SLOTS_REPLY, ("10.0.0.9", 7001))
    assert event.ranges == (
        SlotRange(0, 5460, ("127.0.0.1", 7000), (("127.0.0.1", 7003),)),
        SlotRange(5461, 10922, ("10.0.0.9", 7001), ()),  # "": the asked host; null: unknown
        SlotRange(10923, 16383, ("127.0.0.1", 7002), ()),
    )
    decoded = [
        [entry[0], entry[1], *[[decode_host(n[0]), *n[1:]] for n in entry[2:]]]
        for entry in SLOTS_REPLY
    ]
    assert parse_slots(decoded, ("10.0.0.9", 7001)) == event


def test_slots_unknown_primary_leaves_the_range_unserved() -> None:
    assert parse_slots([[0, 10, [b"?", 7000]]], ASKED) == Refresh(())


@pytest.mark.parametrize(
    "reply",
    [None, [[0, 10]], [[0, 10, [b"h"]]], [[10, 0, [b"h", 1]]], [[0, 1, [b"h", b"port"]]]],
)
def test_slots_malformed(reply: Any) -> None:
    with pytest.raises(TopologyParseError):
        parse_slots(reply, ASKED)
