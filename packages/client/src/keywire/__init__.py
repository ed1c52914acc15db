"""keywire: a fast async Redis / Valkey client.

Quick start::

    import keywire

    async with keywire.Redis("127.0.0.1", 6379) as client:     # or Redis.from_url(...)
        await client.set("greeting", "hello")
        assert await client.get("greeting") == b"hello"

Commands of concurrent tasks share one connection (auto-pipelining); blocking commands,
transactions, WATCH and pub/sub (:class:`PubSub`, from ``client.pubsub()``) use dedicated
connections from the pool.

Error hierarchy (all in :mod:`keywire.exceptions`, re-exported here)::

    RedisError
     +-- ConnectionError              (.address)
     |    +-- AuthenticationError
     +-- TimeoutError                 (also builtins.TimeoutError)
     |    +-- ConnectTimeoutError
     |    +-- ReadTimeoutError
     |    +-- WriteTimeoutError
     |    +-- PoolTimeoutError
     +-- ProtocolError
     |    +-- ReplyTooLargeError
     +-- ResponseError                (also keywire_resp.ReplyError: .code, .message)
     |    +-- WrongTypeError, NoScriptError, MovedError, AskError, TryAgainError,
     |        ClusterDownError, CrossSlotError, NoAuthError, WrongPassError, ReadOnlyError,
     |        LoadingError, BusyError, ExecAbortError, NoPermError
     |        (each also the keywire_resp class of the same name)
     +-- WatchError
     +-- ClientClosedError
     +-- InvalidURLError              (also ValueError)
"""

from __future__ import annotations

from keywire._cache import CacheLike
from keywire._config import Config, parse_url
from keywire._connection import Connection
from keywire._pool import ConnectionPool
from keywire.client import Redis
from keywire.cluster import (
    ClusterCrossSlotError,
    ClusterError,
    ClusterPartialError,
    ClusterPipeline,
    ClusterReplyMismatchError,
    ClusterTopologyError,
    RedisCluster,
    TooManyRedirectsError,
)
from keywire.commands import Script
from keywire.exceptions import (
    AskError,
    AuthenticationError,
    BusyError,
    ClientClosedError,
    ClusterDownError,
    ConnectionError,
    ConnectTimeoutError,
    CrossSlotError,
    ExecAbortError,
    InvalidURLError,
    LoadingError,
    MovedError,
    NoAuthError,
    NoPermError,
    NoScriptError,
    PoolTimeoutError,
    ProtocolError,
    ReadOnlyError,
    ReadTimeoutError,
    RedisError,
    ReplyTooLargeError,
    ResponseError,
    TimeoutError,
    TryAgainError,
    WatchError,
    WriteTimeoutError,
    WrongPassError,
    WrongTypeError,
)
from keywire.pipeline import Pipeline, PipelineResult
from keywire.pubsub import PubSub, PubSubMessage

__all__ = [
    "AskError",
    "AuthenticationError",
    "BusyError",
    "CacheLike",
    "ClientClosedError",
    "ClusterCrossSlotError",
    "ClusterDownError",
    "ClusterError",
    "ClusterPartialError",
    "ClusterPipeline",
    "ClusterReplyMismatchError",
    "ClusterTopologyError",
    "Config",
    "ConnectTimeoutError",
    "Connection",
    "ConnectionError",
    "ConnectionPool",
    "CrossSlotError",
    "ExecAbortError",
    "InvalidURLError",
    "LoadingError",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "Pipeline",
    "PipelineResult",
    "PoolTimeoutError",
    "ProtocolError",
    "PubSub",
    "PubSubMessage",
    "ReadOnlyError",
    "ReadTimeoutError",
    "Redis",
    "RedisCluster",
    "RedisError",
    "ReplyTooLargeError",
    "ResponseError",
    "Script",
    "TimeoutError",
    "TooManyRedirectsError",
    "TryAgainError",
    "WatchError",
    "WriteTimeoutError",
    "WrongPassError",
    "WrongTypeError",
    "parse_url",
]

__version__ = "0.1.0"
