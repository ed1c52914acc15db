"""The I/O half of cluster routing: node pools, the slot map's refreshes, redirections, retries.

One :class:`~keywire.ConnectionPool` per node, created when the node is first used, so each
node gets what a standalone client gets: one shared, auto-pipelined connection for ordinary
commands and dedicated ones for blocking commands and transactions.

Running a command on a slot (:meth:`Router.execute_slot`):

* ``MOVED slot host:port``: the slot map is patched at once (:class:`~._slots.Moved`) and the
  command is sent again to the new owner; a full refresh is scheduled in the background. The
  refresh is single-flight (one ``CLUSTER SHARDS`` however many tasks see ``MOVED`` at the same
  time) and is not scheduled at all when the patch changed nothing (a stale redirect).
* ``ASK slot host:port``: ``ASKING`` and the command are written together on the same
  connection of the target, once; the map is not changed.
* ``TRYAGAIN``, ``CLUSTERDOWN``, ``LOADING``, ``READONLY`` and a connection that cannot be
  opened (the command was not sent): retried after a jittered exponential backoff (50 ms
  doubling, capped at 1 s) up to ``max_retries`` times, with a refresh scheduled where the
  topology may have changed; then the last error is raised (with a note).
* A connection lost *after* the command was written: retried only if the command is safe to
  repeat (flagged ``readonly`` in the command table, or PING / ECHO / TIME / LASTSAVE); a write
  may have been applied, so its :class:`~keywire.ConnectionError` is raised.
* Reads with ``read_from_replicas``: sent to a replica picked by the slot map's selector
  (connections send ``READONLY`` after their handshake). A replica that cannot be reached (or
  is loading) is marked down and the read goes to the primary at once; a background probe
  marks it up again when it answers.

A refresh asks the nodes it knows (live connections first, then the startup nodes) for
``CLUSTER SHARDS``, falling back to ``CLUSTER SLOTS`` on servers without it (Redis 6.x).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from typing import TYPE_CHECKING, Any, Final

from keywire._command_table import COMMANDS, IDEMPOTENT
from keywire._pool import ConnectionPool
from keywire.cluster._errors import ClusterError, ClusterTopologyError, TooManyRedirectsError
from keywire.cluster._slots import (
    Address,
    Moved,
    NodeDown,
    NodeUp,
    Refresh,
    ReplicaSelector,
    SlotMap,
    format_address,
)
from keywire.cluster._topology import TopologyParseError, parse_shards, parse_slots
from keywire.exceptions import (
    AskError,
    AuthenticationError,
    ClientClosedError,
    ClusterDownError,
    ConnectionError,
    ConnectTimeoutError,
    LoadingError,
    MovedError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TryAgainError,
)
from keywire_resp import pack_command

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from keywire._config import Config
    from keywire._connection import Connection
    from keywire._pool import ConnectHook, Connector
    from keywire_resp import Limits

__all__ = ["Router", "backoff"]

_ASKING: Final = pack_command(b"ASKING")
_READONLY: Final = pack_command(b"READONLY")
_SHARDS: Final = pack_command(b"CLUSTER", b"SHARDS")
_SLOTS: Final = pack_command(b"CLUSTER", b"SLOTS")
_RETRY_REPLIES: Final = (TryAgainError, ClusterDownError, LoadingError, ReadOnlyError)
_NOT_SENT: Final = (ConnectionError, ConnectTimeoutError)
_HANDLED: Final = (MovedError, AskError, *_RETRY_REPLIES, ConnectionError)

BACKOFF_BASE: Final = 0.05
BACKOFF_CAP: Final = 1.0
REPLICA_PROBE_INTERVAL: Final = 0.5
"""Seconds between two connection attempts to a replica marked down."""


def backoff(attempt: int, *, rng: Callable[[], float] = random.random) -> float:
    """The pause before retry number ``attempt`` (1-based): 50 ms doubling, capped at 1 s,
    times a random factor in [0.5, 1]."""
    raw = min(BACKOFF_CAP, BACKOFF_BASE * float(2 ** min(attempt - 1, 20)))
    return raw * (0.5 + 0.5 * rng())


def retry_safe(name: Any) -> bool:
    """Whether a command may be sent again after its connection was lost mid-flight."""
    info = COMMANDS.get(name)
    return name in IDEMPOTENT or (info is not None and "readonly" in info.flags)


def _consume(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()


class Router:
    """Node pools, the slot map and the retry loop of a cluster client (see the module docs).

    Args:
        config: Connection settings; each node's pool uses them with the node's host / port.
        startup_nodes: Where to load the slot map from first.
        read_from_replicas: Send reads of readonly commands to replicas.
        replica_selector: ``"round_robin"`` or ``"random"``.
        max_redirects: MOVED / ASK redirections followed per command.
        max_retries: Retries per command after TRYAGAIN / CLUSTERDOWN / LOADING / an
            unreachable node.
        limits, reader_backend: As for :class:`~keywire.ConnectionPool`.
        refresh_interval: Minimum seconds between two background refreshes.
        connector: Opens connections instead of TCP (tests; see ``ConnectionPool``).
    """

    def __init__(
        self,
        config: Config,
        startup_nodes: Sequence[Address],
        *,
        read_from_replicas: bool = False,
        replica_selector: ReplicaSelector = "round_robin",
        max_redirects: int = 16,
        max_retries: int = 16,
        limits: Limits | None = None,
        reader_backend: str = "auto",
        refresh_interval: float = 0.1,
        connector: Connector | None = None,
    ) -> None:
        if not startup_nodes:
            raise ValueError("a cluster client needs at least one startup node")
        if max_redirects < 0 or max_retries < 0:
            raise ValueError("max_redirects and max_retries must be >= 0")
        self.config = config
        self.startup_nodes: list[Address] = list(dict.fromkeys(startup_nodes))
        self.read_from_replicas = read_from_replicas
        self.max_redirects = max_redirects
        self.max_retries = max_retries
        self.refresh_interval = refresh_interval
        self.slots = SlotMap(replica_selector)
        self.refresh_count = 0
        """How many slot maps were fetched (for diagnostics and tests)."""
        self.last_refresh_error: BaseException | None = None
        self._limits = limits
        self._reader_backend = reader_backend
        self.connector = connector
        self._pools: dict[Address, ConnectionPool] = {}
        self._hooks: list[ConnectHook] = []
        self._refresh_task: asyncio.Task[None] | None = None
        self._last_refresh = -math.inf
        self._use_shards: bool | None = None
        self._probes: dict[Address, asyncio.Task[None]] = {}
        self._closed = False

    # -- pools ---------------------------------------------------------------------------------

    def pool(self, address: Address) -> ConnectionPool:
        """The pool of the node at ``address`` (created on first use)."""
        pool = self._pools.get(address)
        if pool is None:
            if self._closed:
                raise ClientClosedError("the cluster client was closed")
            host, port = address
            pool = ConnectionPool(
                self.config.replace(host=host, port=port),
                limits=self._limits,
                reader_backend=self._reader_backend,
                connector=self.connector,
            )
            if self.read_from_replicas:
                pool.add_connect_hook(_send_readonly)
            for hook in self._hooks:
                pool.add_connect_hook(hook)
            self._pools[address] = pool
        return pool

    @property
    def pools(self) -> dict[Address, ConnectionPool]:
        """The pools opened so far, by node."""
        return dict(self._pools)

    def add_connect_hook(self, hook: ConnectHook) -> None:
        """Await ``hook(connection)`` for every new connection to any node (after READONLY)."""
        self._hooks.append(hook)
        for pool in self._pools.values():
            pool.add_connect_hook(hook)

    async def shared(self, address: Address) -> Connection:
        """The live shared connection of a node (opened if needed)."""
        pool = self._pools.get(address) or self.pool(address)
        conn = pool.shared
        if conn is None or conn._error is not None:
            conn = await pool.get_shared()
        return conn

    def set_client_name(self, name: str | None) -> None:
        """Use ``name`` for every connection opened from now on, on every node."""
        self.config = self.config.replace(client_name=name)
        for pool in self._pools.values():
            pool.config = pool.config.replace(client_name=name)

    # -- topology ------------------------------------------------------------------------------

    async def ensure_ready(self) -> None:
        """Load the slot map if it was never loaded."""
        while not self.slots.epoch:
            await self.refresh()

    def schedule_refresh(self) -> asyncio.Task[None]:
        """Start a refresh in the background unless one is running; return it."""
        task = self._refresh_task
        if task is None or task.done():
            if self._closed:
                raise ClientClosedError("the cluster client was closed")
            task = self._refresh_task = asyncio.get_running_loop().create_task(
                self._refresh(), name="keywire-cluster-refresh"
            )
            task.add_done_callback(_consume)
        return task

    async def refresh(self) -> None:
        """Refresh the slot map now (joining a refresh in progress).

        Raises:
            ClusterTopologyError: No node gave a usable slot map.
        """
        await asyncio.shield(self.schedule_refresh())

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        if self.slots.epoch:
            wait = self._last_refresh + self.refresh_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        try:
            event = await self._fetch()
        except BaseException as exc:
            self.last_refresh_error = exc
            raise
        finally:
            self._last_refresh = loop.time()
        self.last_refresh_error = None
        self.refresh_count += 1
        self.slots.apply(event)

    def _candidates(self) -> list[Address]:
        known = [*self.slots.primaries(), *self.slots.replicas(), *self.startup_nodes]
        ordered = list(dict.fromkeys(known))

        def rank(address: Address) -> int:
            pool = self._pools.get(address)
            if pool is not None and pool.shared is not None and pool.shared.is_alive:
                return 0
            return 1 if pool is None or not pool._failures else 2

        return sorted(ordered, key=rank)  # stable: primaries first within a rank

    async def _fetch(self) -> Refresh:
        errors: list[tuple[Address, BaseException]] = []
        timeout = self.config.connect_timeout or 5.0
        for address in self._candidates():
            try:
                async with asyncio.timeout(timeout * 2):
                    return await self._fetch_from(address)
            except TimeoutError as exc:
                errors.append((address, exc))
            except (RedisError, TopologyParseError) as exc:
                if isinstance(exc, AuthenticationError):
                    raise
                errors.append((address, exc))
        raise ClusterTopologyError("could not load the cluster slot map from any node", errors)

    async def _fetch_from(self, address: Address) -> Refresh:
        conn = await self.shared(address)
        event: Refresh | None = None
        if self._use_shards is not False:
            try:
                reply = await conn.send(_SHARDS)
            except ResponseError as exc:
                text = exc.message.lower()
                if "unknown subcommand" not in text and "unknown command" not in text:
                    raise
                self._use_shards = False
            else:
                self._use_shards = True
                event = parse_shards(reply, address, tls=bool(self.config.ssl))
        if event is None:
            event = parse_slots(await conn.send(_SLOTS), address)
        if not event.ranges:
            raise ClusterError(
                f"{format_address(address)} serves no slots (not part of a formed cluster?)"
            )
        return event

    # -- node health ---------------------------------------------------------------------------

    def mark_down(self, address: Address, *, seconds: float = math.inf) -> None:
        """Avoid ``address`` for replica reads until a probe reaches it (or ``seconds``)."""
        now = time.monotonic()
        self.slots.apply(NodeDown(address, now + seconds))
        if address not in self._probes and not self._closed:
            task = asyncio.get_running_loop().create_task(
                self._probe(address), name=f"keywire-cluster-probe-{format_address(address)}"
            )
            self._probes[address] = task
            task.add_done_callback(_consume)

    async def _probe(self, address: Address) -> None:
        try:
            while not self._closed:
                await asyncio.sleep(REPLICA_PROBE_INTERVAL)
                if address not in self.slots.nodes():
                    break  # gone from the topology: nothing to probe
                try:
                    conn = await self.shared(address)
                    await conn.send(pack_command(b"PING"))
                except LoadingError:
                    continue
                except (RedisError, OSError):
                    continue
                break
        finally:
            self._probes.pop(address, None)
            self.slots.apply(NodeUp(address))

    # -- running commands ----------------------------------------------------------------------

    def _target(self, exc: AskError | MovedError, asked: Address) -> Address:
        # An empty host means "the endpoint you are connected to".
        return (exc.host or asked[0], exc.port)

    async def execute_slot(
        self,
        args: tuple[Any, ...],
        slot: int | None,
        *,
        readonly: bool = False,
        node: Address | None = None,
        dedicated: bool = False,
        fill: Callable[[Any], object] | None = None,
        ask: Address | None = None,
    ) -> Any:
        """Run one command on the node serving ``slot`` (or on ``node``), following redirects
        and retrying as the module docstring says.

        Args:
            args: The command (upper-case ``bytes`` name first).
            slot: The slot of its keys (or a slot of the shard it must run on).
            readonly: A read (goes to a replica with ``read_from_replicas``).
            node: Run on this node instead (MOVED / ASK are then followed from it).
            dedicated: Use a dedicated connection without read timeout (blocking commands).
            fill: Reply hook for a client-side cache (see ``Connection.add_reply_hook``).
            ask: Start with ``ASKING`` on this node (a redirect seen elsewhere).
        """
        if (
            slot is not None
            and node is None
            and ask is None
            and fill is None
            and not dedicated
            and not (readonly and self.read_from_replicas)
        ):
            # The hot path: the slot's primary has a live shared connection.
            shard = self.slots._owner[slot]
            if shard is not None:
                pool = self._pools.get(shard.primary)
                conn = pool.shared if pool is not None else None
                if conn is not None and conn._error is None:
                    data = pack_command(*args)
                    try:
                        return await conn.send(data)
                    except _HANDLED as exc:
                        first = (exc, shard.primary)
                        return await self._execute_slot(
                            args, data, slot, readonly, None, False, None, None, first
                        )
        return await self._execute_slot(
            args, pack_command(*args), slot, readonly, node, dedicated, fill, ask, None
        )

    async def _execute_slot(  # noqa: PLR0917 - internal, called from execute_slot only
        self,
        args: tuple[Any, ...],
        data: bytes,
        slot: int | None,
        readonly: bool,
        node: Address | None,
        dedicated: bool,
        fill: Callable[[Any], object] | None,
        ask: Address | None,
        first: tuple[BaseException, Address] | None,
    ) -> Any:
        redirects = retries = 0
        replica_read = readonly and self.read_from_replicas
        slots = self.slots
        pending: BaseException | None = None
        address: Address = ("", 0)
        is_replica = False
        if first is not None:
            pending, address = first
        while True:
            if pending is None:
                if ask is not None:
                    address = ask
                elif node is not None:
                    address = node
                else:
                    assert slot is not None
                    found = (
                        slots.replica_for(slot, time.monotonic())
                        if replica_read
                        else slots.primary_for(slot)
                    )
                    if found is None:
                        retries += 1
                        if retries > self.max_retries:
                            raise ClusterDownError(
                                f"CLUSTERDOWN slot {slot} is not served by any node "
                                f"(after {retries - 1} refreshes)"
                            )
                        with contextlib.suppress(ClusterTopologyError):
                            await self.refresh()
                        continue
                    address = found
                asking, ask = ask is not None, None
                is_replica = (
                    replica_read
                    and not asking
                    and node is None
                    and slot is not None
                    and address != slots.primary_for(slot)
                )
                # Phase 1: a connection, and the write. Failing here, nothing was sent.
                pool = self._pools.get(address) or self.pool(address)
                conn: Connection | None = None
                try:
                    if dedicated:
                        conn = await pool.acquire()
                        conn.read_timeout = None
                    else:
                        conn = pool.shared
                        if conn is None or conn._error is not None:
                            conn = await pool.get_shared()
                    if asking:
                        conn.send(_ASKING).add_done_callback(_consume)
                    fut = conn.send(data)
                except _NOT_SENT as exc:
                    if dedicated and conn is not None:
                        pool.release(conn)
                    if isinstance(exc, AuthenticationError):
                        raise
                    if is_replica:
                        self.mark_down(address)
                        continue  # straight to the primary
                    retries += 1
                    # A node asked for by address that cannot be reached is not waited for
                    # long: no failover will bring it back under that address.
                    limit = self.max_retries if node is None else min(self.max_retries, 2)
                    await self._pause(exc, retries, address, limit)
                    continue
                if fill is not None:
                    conn.add_reply_hook(fut, fill)
                # Phase 2: the reply.
                try:
                    return await fut
                except _HANDLED as exc:
                    pending = exc
                finally:
                    if dedicated:
                        pool.release(conn)
            error, pending = pending, None
            if isinstance(error, MovedError):
                redirects += 1
                if redirects > self.max_redirects:
                    raise TooManyRedirectsError(
                        f"{args[0].decode(errors='replace')}: more than {self.max_redirects} "
                        f"redirections (last: {error})"
                    ) from error
                target = self._target(error, address)
                if slots.apply(Moved(error.slot, target)):
                    self.schedule_refresh()
                if node is not None:
                    node = target
            elif isinstance(error, AskError):
                redirects += 1
                if redirects > self.max_redirects:
                    raise TooManyRedirectsError(
                        f"{args[0].decode(errors='replace')}: more than {self.max_redirects} "
                        f"redirections (last: {error})"
                    ) from error
                ask = self._target(error, address)
            elif isinstance(error, _RETRY_REPLIES):
                if is_replica:
                    self.mark_down(address, seconds=1.0)
                    continue
                retries += 1
                await self._pause(error, retries, address, self.max_retries)
            else:
                # A connection lost after the write: the command may have run. Only commands
                # safe to repeat are sent again.
                if not retry_safe(args[0]):
                    with contextlib.suppress(ClientClosedError):
                        self.schedule_refresh()
                    raise error
                if is_replica:
                    self.mark_down(address)
                    continue
                retries += 1
                await self._pause(error, retries, address, self.max_retries)

    async def _pause(self, exc: BaseException, retries: int, address: Address, limit: int) -> None:
        """Give up (raise ``exc``) after ``limit`` retries; else refresh as needed and sleep."""
        if retries > limit:
            exc.add_note(
                f"keywire cluster: gave up after {retries} attempts "
                f"(last node {format_address(address)})"
            )
            raise exc
        if not isinstance(exc, TryAgainError | LoadingError):
            with contextlib.suppress(ClientClosedError):
                self.schedule_refresh()
        await asyncio.sleep(backoff(retries))

    # -- closing -------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Stop background work and close every node's connections."""
        self._closed = True
        tasks = [t for t in (self._refresh_task, *self._probes.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        pools = list(self._pools.values())
        for pool in pools:
            await pool.aclose()

    @property
    def closed(self) -> bool:
        """True once :meth:`aclose` was called."""
        return self._closed


async def _send_readonly(conn: Connection) -> None:
    await conn.send(_READONLY)
