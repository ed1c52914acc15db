"""``keywire.RedisCluster``: the async client of a Redis / Valkey cluster.

Same command API as :class:`keywire.Redis` (the same typed command mixins), routed per command
by :mod:`keywire.cluster._routing` and run by :mod:`keywire.cluster._router`::

    async with keywire.RedisCluster("127.0.0.1", 7000) as cluster:
        await cluster.set("foo", "bar")                 # to the primary of slot 12182
        await cluster.mget(["foo", "bar", "baz"])       # split per slot, values in key order
        await cluster.keys("*")                         # union over every primary
        await cluster.dbsize()                          # sum over every primary
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from keywire._command_table import CACHEABLE, COMMANDS, command_keys
from keywire._config import Config, parse_url
from keywire.client import command_name, is_blocking, state_command
from keywire.cluster._errors import raise_for_parts
from keywire.cluster._router import Router
from keywire.cluster._routing import (
    ALL_NODES,
    ALL_SHARDS,
    SINGLE_KEY,
    SLOT,
    SPLIT,
    NodeReplies,
    Plan,
    merge_fanout,
    merge_split,
    plan_command,
)
from keywire.cluster._slots import (
    Address,
    SlotMap,
    format_address,
    key_bytes,
    key_slot,
    parse_address,
    pattern_slot,
)
from keywire.commands import AnyStr, CommandMixins, Script
from keywire.exceptions import RedisError, WatchError

if TYPE_CHECKING:
    import ssl as _ssl
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
    from types import TracebackType

    from keywire._cache import CacheLike
    from keywire._options import ClientOptions
    from keywire._pool import ConnectHook, ConnectionPool
    from keywire.cluster._errors import PartFailure, PartSuccess
    from keywire.cluster._pipeline import ClusterPipeline
    from keywire.cluster._pubsub import ClusterPubSub
    from keywire.cluster._slots import ReplicaSelector
    from keywire.commands import KeyT
    from keywire_resp import Limits

__all__ = ["RedisCluster", "Target"]

Target = Literal["primaries", "replicas", "all", "random"] | tuple[str, int]
"""Where :meth:`RedisCluster.execute_command` runs a command when told explicitly."""

_PLAIN_KEYS = frozenset({str, bytes})

_CLUSTER_OPTIONS = (
    "startup_nodes",
    "read_from_replicas",
    "replica_selector",
    "non_atomic_cross_slot",
    "max_redirects",
    "max_retries",
    "cache",
    "limits",
    "reader_backend",
)


class RedisCluster(CommandMixins[AnyStr]):
    """Async client of a Redis / Valkey cluster, with the command API of :class:`keywire.Redis`.

    ``RedisCluster[bytes]`` by default; ``RedisCluster[str]`` with ``decode_responses=True``.

    Args:
        host, port: A startup node (any node of the cluster).
        startup_nodes: More startup nodes: ``(host, port)`` tuples or ``"host:port"``.
        read_from_replicas: Send reads (commands flagged ``readonly``) to replicas, chosen by
            ``replica_selector``; a replica that is down is skipped (the primary serves).
            Replica reads may be slightly stale.
        replica_selector: ``"round_robin"`` (default) or ``"random"``.
        non_atomic_cross_slot: Split multi-key commands whose keys are in several slots
            (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH) into one command per slot, run
            concurrently and merged; the split command is not atomic. With False they raise
            :class:`~keywire.cluster.ClusterCrossSlotError`. A settable attribute.
        max_redirects: MOVED / ASK redirections followed per command before
            :class:`~keywire.cluster.TooManyRedirectsError`.
        max_retries: Retries (with backoff) after TRYAGAIN / CLUSTERDOWN / LOADING or an
            unreachable node before the last error is raised.
        username, password, protocol, client_name, decode_responses, encoding,
        connect_timeout, read_timeout, write_timeout, pool_timeout, ssl, cache, limits,
        reader_backend: As for :class:`keywire.Redis`, for every node.
        max_connections: Per node.

    Use it as ``async with RedisCluster(...) as cluster:`` or call :meth:`aclose` when done.
    The slot map is loaded by :meth:`initialize` (or the first command).
    """

    @overload
    def __init__(
        self: RedisCluster[bytes],
        host: str | None = ...,
        port: int | None = ...,
        *,
        startup_nodes: Iterable[tuple[str, int] | str] | None = ...,
        read_from_replicas: bool = ...,
        replica_selector: ReplicaSelector = ...,
        non_atomic_cross_slot: bool = ...,
        max_redirects: int = ...,
        max_retries: int = ...,
        decode_responses: Literal[False] = ...,
        **options: Unpack[ClientOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: RedisCluster[str],
        host: str | None = ...,
        port: int | None = ...,
        *,
        startup_nodes: Iterable[tuple[str, int] | str] | None = ...,
        read_from_replicas: bool = ...,
        replica_selector: ReplicaSelector = ...,
        non_atomic_cross_slot: bool = ...,
        max_redirects: int = ...,
        max_retries: int = ...,
        decode_responses: Literal[True],
        **options: Unpack[ClientOptions],
    ) -> None: ...
    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        startup_nodes: Iterable[tuple[str, int] | str] | None = None,
        read_from_replicas: bool = False,
        replica_selector: ReplicaSelector = "round_robin",
        non_atomic_cross_slot: bool = True,
        max_redirects: int = 16,
        max_retries: int = 16,
        username: str | None = None,
        password: str | None = None,
        protocol: int = 3,
        client_name: str | None = None,
        decode_responses: bool = False,
        encoding: str = "utf-8",
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = None,
        write_timeout: float | None = 10.0,
        pool_timeout: float | None = 5.0,
        max_connections: int = 64,
        ssl: bool | _ssl.SSLContext | None = None,
        cache: CacheLike | None = None,
        limits: Limits | None = None,
        reader_backend: str = "auto",
    ) -> None:
        nodes: list[Address] = []
        if host is not None or port is not None or startup_nodes is None:
            nodes.append((host or "127.0.0.1", 6379 if port is None else port))
        nodes.extend(parse_address(node) for node in startup_nodes or ())
        config = Config(
            host=nodes[0][0],
            port=nodes[0][1],
            username=username,
            password=password,
            protocol=protocol,
            client_name=client_name,
            decode_responses=decode_responses,
            encoding=encoding,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            pool_timeout=pool_timeout,
            max_connections=max_connections,
            ssl=ssl,
        )
        self._setup(
            config,
            nodes,
            read_from_replicas=read_from_replicas,
            replica_selector=replica_selector,
            non_atomic_cross_slot=non_atomic_cross_slot,
            max_redirects=max_redirects,
            max_retries=max_retries,
            cache=cache,
            limits=limits,
            reader_backend=reader_backend,
        )

    def _setup(
        self,
        config: Config,
        nodes: Sequence[Address],
        *,
        read_from_replicas: bool = False,
        replica_selector: ReplicaSelector = "round_robin",
        non_atomic_cross_slot: bool = True,
        max_redirects: int = 16,
        max_retries: int = 16,
        cache: CacheLike | None = None,
        limits: Limits | None = None,
        reader_backend: str = "auto",
    ) -> None:
        if config.unix_socket_path is not None:
            raise ValueError("a cluster is reached over TCP: unix sockets are not supported")
        if config.db:
            raise ValueError(f"a cluster has only database 0 (db={config.db} was given)")
        self._config = config
        self._router = Router(
            config,
            nodes,
            read_from_replicas=read_from_replicas,
            replica_selector=replica_selector,
            max_redirects=max_redirects,
            max_retries=max_retries,
            limits=limits,
            reader_backend=reader_backend,
        )
        self._cache = cache
        self._rng = random.Random()
        self.non_atomic_cross_slot = non_atomic_cross_slot
        """Split cross-slot multi-key commands (True, the default) or refuse them."""

    @overload
    @classmethod
    def from_url(
        cls, url: str, *, decode_responses: Literal[False] = ..., **overrides: Any
    ) -> RedisCluster[bytes]: ...
    @overload
    @classmethod
    def from_url(
        cls, url: str, *, decode_responses: Literal[True], **overrides: Any
    ) -> RedisCluster[str]: ...
    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> RedisCluster[Any]:
        """Build a cluster client from a ``redis://`` / ``rediss://`` URL naming one startup
        node (see :func:`keywire.parse_url`); keyword arguments of the constructor win.

        Raises:
            InvalidURLError: The URL is malformed (the message masks the password).
            ValueError: The URL names a database other than 0, or a Unix socket.
        """
        options = {name: overrides.pop(name) for name in _CLUSTER_OPTIONS if name in overrides}
        config = parse_url(url, **overrides)
        nodes = [(config.host, config.port)]
        nodes.extend(parse_address(node) for node in options.pop("startup_nodes", None) or ())
        client: RedisCluster[Any] = cls.__new__(cls)
        client._setup(config, nodes, **options)
        return client

    # -- properties ----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The connection settings every node's pool uses (with the node's host and port)."""
        return self._router.config

    @property
    def cache(self) -> CacheLike | None:
        """The client-side cache given as ``cache=``, if any."""
        return self._cache

    @property
    def read_from_replicas(self) -> bool:
        """Whether reads go to replicas."""
        return self._router.read_from_replicas

    @property
    def slot_map(self) -> SlotMap:
        """The current slot map (live: it changes as the topology does)."""
        return self._router.slots

    @property
    def router(self) -> Router:
        """The router (node pools, refreshes; for diagnostics and integrations)."""
        return self._router

    def primaries(self) -> list[Address]:
        """The primaries of the current slot map, as ``(host, port)``."""
        return self._router.slots.primaries()

    def replicas(self) -> list[Address]:
        """The replicas of the current slot map, as ``(host, port)``."""
        return self._router.slots.replicas()

    def node_for_key(self, key: KeyT) -> Address | None:
        """The primary serving ``key``'s slot in the current slot map."""
        return self._router.slots.primary_for(key_slot(key))

    def pool_for(self, address: tuple[str, int]) -> ConnectionPool:
        """The connection pool of one node (created on first use)."""
        return self._router.pool(address)

    def add_connect_hook(self, hook: ConnectHook) -> None:
        """Await ``hook(connection)`` for every new connection to any node."""
        self._router.add_connect_hook(hook)

    def __repr__(self) -> str:
        nodes = ",".join(format_address(a) for a in self._router.startup_nodes)
        return f"<RedisCluster startup={nodes} {self._router.slots!r}>"

    # -- lifecycle -----------------------------------------------------------------------------

    async def initialize(self) -> RedisCluster[AnyStr]:
        """Load the slot map now (so unreachable startup nodes fail here).

        Also awaits ``cache.initialize(self)`` when the cache has that method.

        Raises:
            ClusterTopologyError: No startup node gave a slot map.
        """
        await self._router.ensure_ready()
        initialize = getattr(self._cache, "initialize", None)
        if initialize is not None:
            await initialize(self)
        return self

    async def __aenter__(self) -> RedisCluster[AnyStr]:
        return await self.initialize()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every node's connections and stop background refreshes."""
        await self._router.aclose()

    async def refresh(self) -> None:
        """Reload the slot map now."""
        await self._router.refresh()

    # -- running commands ----------------------------------------------------------------------

    def _command(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        if callback is None:
            # The hot path: one key at argument 1, a loaded map, no cache.
            readonly = SINGLE_KEY.get(args[0])
            if (
                readonly is not None
                and len(args) > 1
                and type(args[1]) in _PLAIN_KEYS
                and self._cache is None
                and self._router.slots.epoch
            ):
                return self._router.execute_slot(args, key_slot(args[1]), readonly=readonly)
            return self._execute(args)
        return self._execute_with(callback, args)

    def _blocking(self, callback: Callable[[Any], Any] | None, *args: Any) -> Awaitable[Any]:
        if callback is None:
            return self._execute(args, blocking=True)
        return self._execute_with(callback, args, blocking=True)

    async def _execute_with(
        self, callback: Callable[[Any], Any], args: tuple[Any, ...], *, blocking: bool = False
    ) -> Any:
        reply = await self._execute(args, blocking=blocking)
        if type(reply) is NodeReplies:
            return NodeReplies({node: callback(value) for node, value in reply.items()})
        return callback(reply)

    async def _execute(self, args: tuple[Any, ...], *, blocking: bool = False) -> Any:
        router = self._router
        if not router.slots.epoch:
            await router.ensure_ready()
        plan = plan_command(args, split=self.non_atomic_cross_slot)
        if plan.kind == SLOT:
            if self._cache is not None:
                return await self._execute_cached(args, plan, blocking)
            return await router.execute_slot(
                args, plan.slot, readonly=plan.readonly, dedicated=blocking
            )
        self._invalidate_written(args)
        if plan.kind == SPLIT:
            return await self._execute_split(args, plan)
        return await self._execute_fanout(args, plan)

    async def _execute_cached(self, args: tuple[Any, ...], plan: Plan, blocking: bool) -> Any:
        cache = self._cache
        assert cache is not None
        router = self._router
        name = args[0]
        if name in CACHEABLE and len(args) > 1 and cache.healthy and not blocking:
            key = key_bytes(args[1])
            rest = args[2:]
            try:
                value = cache.get(name, key, *rest)
            except KeyError:

                def fill(reply: Any) -> None:
                    cache.put(name, key, *rest, value=reply)

                return await router.execute_slot(args, plan.slot, readonly=True, fill=fill)
            confidence = cache.confidence
            if confidence < 100 and random.random() * 100 >= confidence:
                fresh = await router.execute_slot(args, plan.slot, readonly=True)
                match = bool(fresh == value)
                cache.feedback(name, key, *rest, match=match)
                if not match:
                    cache.invalidate(key)
                return fresh
            return value
        self._invalidate_written(args)
        return await router.execute_slot(
            args, plan.slot, readonly=plan.readonly, dedicated=blocking
        )

    def _invalidate_written(self, args: tuple[Any, ...]) -> None:
        """Drop cached replies of the keys a write command touches, before sending it."""
        cache = self._cache
        if cache is None:
            return
        info = COMMANDS.get(args[0])
        if info is None or "write" not in info.flags:
            return
        keys = command_keys(args, info)
        if keys:
            cache.invalidate(*(key_bytes(key) for key in keys))

    async def _execute_split(self, args: tuple[Any, ...], plan: Plan) -> Any:
        router = self._router
        parts = plan.parts
        results = await asyncio.gather(
            *(router.execute_slot(part.args, part.slot, readonly=plan.readonly) for part in parts),
            return_exceptions=True,
        )
        slots = router.slots
        succeeded: list[PartSuccess] = []
        failed: list[PartFailure] = []
        for part, result in zip(parts, results, strict=True):
            node = slots.primary_for(part.slot) or ("?", 0)
            if isinstance(result, BaseException):
                failed.append((node, part.args, result))
            else:
                succeeded.append((node, part.args, result))
        if failed:
            raise_for_parts(args[0], succeeded, failed)
        assert plan.info is not None
        return merge_split(plan.info, parts, results)

    async def _execute_fanout(self, args: tuple[Any, ...], plan: Plan) -> Any:
        router = self._router
        slots = router.slots
        name = args[0]
        if plan.kind in (ALL_SHARDS, ALL_NODES):
            representatives = slots.representative_slots()
            targets: list[Address] = [slots.primary_for(s) or ("?", 0) for s in representatives]
            calls = [router.execute_slot(args, slot) for slot in representatives]
            if plan.kind == ALL_NODES:
                replicas = slots.replicas()
                targets += replicas
                calls += [router.execute_slot(args, None, node=node) for node in replicas]
            results = await asyncio.gather(*calls, return_exceptions=True)
            info = plan.info
            succeeded: list[PartSuccess] = []
            failed: list[PartFailure] = []
            for node, result in zip(targets, results, strict=True):
                if isinstance(result, BaseException):
                    failed.append((node, args, result))
                else:
                    succeeded.append((node, args, result))
            if failed:
                if info is not None and info.response_policy == "one_succeeded" and succeeded:
                    return succeeded[0][2]
                raise_for_parts(name, succeeded, failed)
            return merge_fanout(
                name, info, {node: reply for node, _, reply in succeeded}, rng=self._rng
            )
        # Any one primary (a random shard, so keyless load is spread).
        representatives = slots.representative_slots()
        return await router.execute_slot(args, self._rng.choice(representatives))

    async def execute_command(self, *args: Any, target: Target | None = None) -> Any:
        """Run any command: ``await cluster.execute_command("SET", "k", "v")``.

        Routed like the typed methods (by key slot, or by the command's routing tips); the
        reply is returned as read. ``target`` overrides the routing: ``"primaries"``,
        ``"replicas"`` or ``"all"`` run the command on each such node and return
        ``{"host:port": reply}`` (an error on any node raises
        :class:`~keywire.cluster.ClusterPartialError`); ``"random"`` or a ``(host, port)``
        runs it on one node.

        Raises:
            RedisError: ``args`` changes connection state (SELECT, MULTI, SUBSCRIBE, READONLY,
                ASKING, ...), which a shared connection cannot run.
        """
        if not args:
            raise ValueError("execute_command needs a command name")
        args = (command_name(args[0]), *args[1:])
        state = state_command(args)
        if state is not None:
            raise RedisError(
                f"{state.decode()} changes the state of the connection and cannot run on a "
                "shared connection; use the client's options (password=, client_name=, "
                "read_from_replicas=), cluster.pipeline(transaction=True) or "
                "cluster.transaction()"
            )
        if target is not None:
            return await self._execute_on(args, target)
        return await self._execute(args, blocking=is_blocking(args))

    async def _execute_on(self, args: tuple[Any, ...], target: Target) -> Any:
        router = self._router
        await router.ensure_ready()
        slots = router.slots
        if isinstance(target, tuple):
            return await router.execute_slot(args, None, node=parse_address(target))
        if target == "random":
            return await router.execute_slot(args, self._rng.choice(slots.representative_slots()))
        if target == "primaries":
            nodes = slots.primaries()
        elif target == "replicas":
            nodes = slots.replicas()
        elif target == "all":
            nodes = slots.nodes()
        else:
            raise ValueError(f"unknown target {target!r}")
        results = await asyncio.gather(
            *(router.execute_slot(args, None, node=node) for node in nodes),
            return_exceptions=True,
        )
        succeeded: list[PartSuccess] = []
        failed: list[PartFailure] = []
        for node, result in zip(nodes, results, strict=True):
            if isinstance(result, BaseException):
                failed.append((node, args, result))
            else:
                succeeded.append((node, args, result))
        if failed:
            raise_for_parts(args[0], succeeded, failed, always_partial=True)
        return NodeReplies({format_address(node): reply for node, _, reply in succeeded})

    async def client_setname(self, name: str) -> bool:
        """Name every connection of this client, on every node (now and when opened)."""
        router = self._router
        router.set_client_name(name)
        for pool in router.pools.values():
            conn = pool.shared
            if conn is not None and conn.is_alive:
                await conn.execute(b"CLIENT", b"SETNAME", name)
        return True

    # -- cluster-aware overrides ---------------------------------------------------------------

    def scan(
        self,
        cursor: int = 0,
        *,
        match: KeyT | None = None,
        count: int | None = None,
        type: str | None = None,
    ) -> Awaitable[tuple[int, list[AnyStr]]]:
        """SCAN one step on one primary (a cursor belongs to one node): the primary serving a
        ``match`` pattern's hash tag (``{user1}:*``), else the first primary; use
        :meth:`scan_iter` to iterate over every primary."""
        slot = 0 if match is None else pattern_slot(match)
        return self._scan_node(slot or 0, cursor, match=match, count=count, type=type)

    async def _scan_node(
        self,
        slot: int,
        cursor: int,
        *,
        match: KeyT | None,
        count: int | None,
        type: str | None,
    ) -> tuple[int, list[AnyStr]]:
        router = self._router
        await router.ensure_ready()
        if router.slots.primary_for(slot) is None:
            representatives = router.slots.representative_slots()
            slot = representatives[0] if representatives else slot
        args: list[Any] = [b"SCAN", cursor]
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        if type is not None:
            args += [b"TYPE", type]
        next_cursor, keys = await router.execute_slot(tuple(args), slot, readonly=True)
        return int(next_cursor), list(keys)

    async def scan_iter(
        self,
        *,
        match: KeyT | None = None,
        count: int | None = None,
        type: str | None = None,
    ) -> AsyncIterator[AnyStr]:
        """Iterate over every key of every primary with SCAN (a key may come more than once);
        a ``match`` pattern with a hash tag (``{user1}:*``) scans only the primary serving it."""
        await self._router.ensure_ready()
        tagged = None if match is None else pattern_slot(match)
        slots = self._router.slots.representative_slots() if tagged is None else [tagged]
        for slot in slots:
            cursor = -1
            while cursor != 0:
                cursor, keys = await self._scan_node(
                    slot, max(cursor, 0), match=match, count=count, type=type
                )
                for key in keys:
                    yield key

    # -- pipelines and transactions ------------------------------------------------------------

    def pipeline(self, transaction: bool = False) -> ClusterPipeline[AnyStr]:
        """A buffered cluster pipeline (see :class:`~keywire.cluster.ClusterPipeline`).

        Commands are grouped per node and sent in one write per node; results come back in
        the order the commands were queued. With ``transaction=True`` every key must be in
        one slot (MULTI / EXEC on that slot's primary).
        """
        from keywire.cluster._pipeline import ClusterPipeline  # noqa: PLC0415 - cycle

        return ClusterPipeline(self, transaction=transaction)

    def pubsub(
        self, *, ignore_subscribe_messages: bool = False, max_reconnect_attempts: int = 3
    ) -> ClusterPubSub[AnyStr]:
        """A :class:`~keywire.cluster.ClusterPubSub`: shard channels (SSUBSCRIBE) on the
        primary of each channel's slot, channels and patterns on one node."""
        from keywire.cluster._pubsub import ClusterPubSub  # noqa: PLC0415 - imports pubsub

        return ClusterPubSub(
            self,
            ignore_subscribe_messages=ignore_subscribe_messages,
            max_reconnect_attempts=max_reconnect_attempts,
        )

    def register_script(self, source: str | bytes, *, readonly: bool = False) -> Script[AnyStr]:
        """A :class:`~keywire.Script` (EVALSHA by digest, falling back to EVAL), routed by the
        slot of its keys."""
        return Script(self, source, readonly=readonly)

    async def transaction(
        self,
        func: Callable[[ClusterPipeline[AnyStr]], Awaitable[Any]],
        *watch_keys: Any,
        value_from_callable: bool = False,
        max_attempts: int | None = None,
    ) -> Any:
        """Run ``func`` in an optimistic transaction, like :meth:`keywire.Redis.transaction`;
        the watched and written keys must all be in one slot. A slot that moves meanwhile
        counts as a conflict (the function runs again)."""
        attempt = 0
        while True:
            attempt += 1
            async with self.pipeline(transaction=True) as pipe:
                if watch_keys:
                    await pipe.watch(*watch_keys)
                value = await func(pipe)
                try:
                    results = await pipe.execute()
                except WatchError:
                    if max_attempts is not None and attempt >= max_attempts:
                        raise
                    continue
                return value if value_from_callable else results
