"""Formation helpers that need no server."""

from __future__ import annotations

import itertools

import pytest

from keywire_conformance.servers import ServerBinary
from keywire_conformance.servers._formation import server_args, slot_ranges


def test_slot_ranges_cover_every_slot() -> None:
    assert slot_ranges(1) == [(0, 16383)]
    assert slot_ranges(3) == [(0, 5460), (5461, 10922), (10923, 16383)]
    for primaries in range(1, 12):
        ranges = slot_ranges(primaries)
        assert ranges[0][0] == 0
        assert ranges[-1][1] == 16383
        assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(ranges))
    with pytest.raises(ValueError, match="at least one"):
        slot_ranges(0)


def _binary(version: tuple[int, int, int]) -> ServerBinary:
    return ServerBinary("redis", version, "redis-x", "/x", ("/x",), "path")


def test_server_args() -> None:
    args = server_args(_binary((6, 2, 14)), 7000)
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    assert pairs["--port"] == "7000"
    assert pairs["--bind"] == "127.0.0.1"
    assert pairs["--daemonize"] == "no"
    assert pairs["--save"] == ""
    assert pairs["--appendonly"] == "no"
    assert pairs["--protected-mode"] == "no"
    assert pairs["--repl-diskless-sync"] == "yes"
    assert pairs["--repl-diskless-sync-delay"] == "0"
    assert "--cluster-enabled" not in pairs
    assert "--enable-debug-command" not in pairs  # 6.x does not know it
    cluster = server_args(_binary((7, 0, 15)), 7001, cluster=True)
    pairs = dict(zip(cluster[::2], cluster[1::2], strict=True))
    assert pairs["--cluster-enabled"] == "yes"
    assert pairs["--cluster-config-file"] == "nodes-7001.conf"
    assert pairs["--cluster-node-timeout"] == "2000"
    assert pairs["--repl-ping-replica-period"] == "1"
    assert pairs["--enable-debug-command"] == "yes"
