"""The shared option set of both clients' constructors stays in step with their signatures."""

from __future__ import annotations

import inspect
import typing

from keywire import Redis, RedisCluster
from keywire._options import ClientOptions


def test_every_shared_option_is_a_keyword_of_both_clients_with_the_same_default() -> None:
    names = set(ClientOptions.__optional_keys__)
    assert "password" in names
    assert "reader_backend" in names
    redis = inspect.signature(Redis.__init__).parameters
    cluster = inspect.signature(RedisCluster.__init__).parameters
    for name in names:
        assert redis[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert cluster[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert redis[name].default == cluster[name].default, name


def test_options_not_shared_are_named_in_the_overloads() -> None:
    shared = set(ClientOptions.__optional_keys__)
    for client, own in (
        (Redis, {"host", "port", "db", "unix_socket_path", "decode_responses"}),
        (
            RedisCluster,
            {
                "host",
                "port",
                "startup_nodes",
                "read_from_replicas",
                "replica_selector",
                "non_atomic_cross_slot",
                "max_redirects",
                "max_retries",
                "decode_responses",
            },
        ),
    ):
        parameters = set(inspect.signature(client.__init__).parameters) - {"self"}
        assert parameters == shared | own, client.__name__
        for overload in typing.get_overloads(client.__init__):
            named = set(inspect.signature(overload).parameters) - {"self", "options"}
            assert named == own, client.__name__
