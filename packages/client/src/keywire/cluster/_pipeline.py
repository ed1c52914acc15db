"""Cluster pipelines and single-slot transactions.

``cluster.pipeline()`` buffers commands like :class:`keywire.Pipeline`. On ``execute()``:

* Commands with keys in one slot are grouped by the node that serves them and each group is
  written at once (one write per node) on that node's shared connection; the groups run
  concurrently. Commands that must be split or fanned out (cross-slot MGET, KEYS, DBSIZE...) run
  as they would outside a pipeline, concurrently with the groups.
* Commands refused with MOVED / ASK / TRYAGAIN / CLUSTERDOWN / LOADING (nothing was executed),
  and those whose node could not be reached, are then run again one at a time in the order they
  were queued, with the client's usual redirect and retry handling (the slot map is patched on
  MOVED). Commands lost with their connection after being written are sent again only if they
  are safe to repeat; otherwise their :class:`~keywire.ConnectionError` is their result.
* Results come back in the order the commands were queued. Per-node order is the queue order;
  commands on different nodes have no order between them.

``cluster.pipeline(transaction=True)`` runs MULTI / EXEC on the primary of the slot every
queued key hashes to; keys in several slots (or no key at all) raise
:class:`~keywire.cluster.ClusterCrossSlotError` / :class:`~keywire.cluster.ClusterError`
before anything is sent. A transaction refused because its slot moved (MOVED / ASK inside
MULTI, so EXEC aborts and nothing ran) is sent again to the new owner. :meth:`watch` works as
in :class:`keywire.Pipeline`, on a dedicated connection to the keys' primary; if the slot
moves after WATCH, :meth:`execute` raises :class:`~keywire.WatchError` (run the transaction
again, as :meth:`RedisCluster.transaction` does).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final

from keywire.cluster._errors import ClusterCrossSlotError, ClusterError, TooManyRedirectsError
from keywire.cluster._router import backoff, retry_safe
from keywire.cluster._routing import SINGLE_KEY, SLOT, NodeReplies, plan_command, resolve_info
from keywire.cluster._slots import Address, Moved, key_slot
from keywire.commands import AnyStr
from keywire.exceptions import (
    AskError,
    ClusterDownError,
    ConnectionError,
    ConnectTimeoutError,
    LoadingError,
    MovedError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TryAgainError,
    WatchError,
)
from keywire.pipeline import QueueingPipeline, _Queued, exec_replies, pack_lines
from keywire_resp import pack_command, pack_commands

if TYPE_CHECKING:
    from collections.abc import Callable

    from keywire._connection import Connection
    from keywire._pool import ConnectionPool
    from keywire.cluster._client import RedisCluster

__all__ = ["ClusterPipeline"]

_REFUSED = (MovedError, AskError, TryAgainError, ClusterDownError, LoadingError, ReadOnlyError)
_NOT_SENT = (ConnectionError, ConnectTimeoutError)
# Replies meaning "not run here, nothing was executed" inside MULTI or to EXEC itself.
_REDIRECTED = (MovedError, AskError, TryAgainError, ClusterDownError)


_PLAIN_KEYS: Final = frozenset({str, bytes})
"""Key types the fast path hashes directly (others go through the full plan, which checks them)."""


def _keys_slot(args: tuple[Any, ...]) -> int | None:
    """The one slot of a command's keys, None without keys.

    Raises:
        ClusterCrossSlotError: Keys in several slots.
    """
    from keywire._command_table import command_keys  # noqa: PLC0415 - keep imports light

    info = resolve_info(args)
    if info is None:
        return None
    keys = command_keys(args, info)
    if not keys:
        return None
    slots = {key_slot(key) for key in keys}
    if len(slots) > 1:
        raise ClusterCrossSlotError(
            f"the keys of {info.name.decode(errors='replace')} hash to {len(slots)} slots",
            tuple(sorted(slots)),
        )
    return slots.pop()


class ClusterPipeline(QueueingPipeline[AnyStr]):
    """Commands buffered for one round trip per node (see the module docstring).

    Made by :meth:`RedisCluster.pipeline`; use it as an async context manager, which resets
    it (and gives back a dedicated connection) on exit.
    """

    def __init__(self, client: RedisCluster[AnyStr], *, transaction: bool) -> None:
        self._client: RedisCluster[AnyStr] = client
        self._transaction = transaction
        self._queue: list[_Queued] = []
        self._conn: Connection | None = None
        self._pool: ConnectionPool | None = None
        self._node: Address | None = None
        self._slot: int | None = None
        self._watching = False
        self._multi = False

    async def _immediate(self, callback: Callable[[Any], Any] | None, args: tuple[Any, ...]) -> Any:
        conn = self._conn
        if conn is None:
            raise RedisError("the pipeline's connection was reset")
        slot = _keys_slot(args)
        if slot is not None and slot != self._slot:
            raise ClusterCrossSlotError(
                f"slot {slot} is not the slot of the watched keys ({self._slot})",
                (slot,),
            )
        reply = await conn.send(pack_command(*args))
        return reply if callback is None else callback(reply)

    # -- WATCH / MULTI -------------------------------------------------------------------------

    async def watch(self, *keys: Any) -> None:
        """WATCH ``keys`` (all in one slot) on a dedicated connection to their primary.

        Until :meth:`multi` is called, commands on the pipeline run at once on that
        connection; they must use the same slot.
        """
        if self._multi:
            raise RedisError("WATCH must be called before multi()")
        if not keys:
            raise ValueError("watch needs at least one key")
        slots = {key_slot(key) for key in keys}
        if len(slots) > 1 or (self._slot is not None and slots != {self._slot}):
            raise ClusterCrossSlotError(
                "the watched keys must all be in one slot", tuple(sorted(slots))
            )
        slot = slots.pop()
        client = self._client
        router = client.router
        await router.ensure_ready()
        redirects = 0
        while True:
            if self._conn is None:
                node = router.slots.primary_for(slot)
                if node is None:
                    await router.refresh()
                    node = router.slots.primary_for(slot)
                    if node is None:
                        raise ClusterDownError(f"CLUSTERDOWN slot {slot} is not served")
                pool = router.pool(node)
                self._conn = await pool.acquire()
                self._pool, self._node = pool, node
            try:
                await self._conn.send(pack_command(b"WATCH", *keys))
            except MovedError as exc:
                redirects += 1
                if self._watching or redirects > router.max_redirects:
                    raise
                if router.slots.apply(Moved(exc.slot, (exc.host or self._node_host(), exc.port))):
                    router.schedule_refresh()
                self._release()
                continue
            break
        self._slot = slot
        self._watching = True

    def _node_host(self) -> str:
        return self._node[0] if self._node is not None else ""

    async def unwatch(self) -> None:
        """UNWATCH every watched key."""
        if self._conn is not None and self._watching:
            await self._conn.send(pack_command(b"UNWATCH"))
        self._watching = False

    def multi(self) -> None:
        """Start queueing the transaction's commands (after :meth:`watch`)."""
        if self._multi:
            raise RedisError("multi() was already called")
        if self._queue:
            raise RedisError("multi() must come before any queued command")
        self._multi = True
        self._transaction = True

    def _release(self, *, discard: bool = False) -> None:
        conn, pool = self._conn, self._pool
        self._conn = self._pool = self._node = None
        if conn is not None and pool is not None:
            if discard:
                pool.discard(conn)
            else:
                pool.release(conn)

    def reset(self) -> None:
        """Drop queued commands, forget WATCH state and give back the dedicated connection."""
        self._queue = []
        self._release(discard=self._watching)
        self._watching = False
        self._multi = False
        self._slot = None

    # -- running -------------------------------------------------------------------------------

    async def execute(self, *, raise_on_error: bool = True) -> list[Any]:
        """Send the queued commands and return their results in queue order.

        Args:
            raise_on_error: Raise the first error (after every command ran). With False,
                errors are returned in place.

        Raises:
            ResponseError: A command failed (``raise_on_error=True``).
            ClusterCrossSlotError: A transaction's keys are in several slots.
            WatchError: A watched key changed (or its slot moved); the transaction did not run.
        """
        queue, self._queue = self._queue, []
        try:
            if self._transaction or self._watching:
                if not queue and not self._watching:
                    return []
                return await self._run_transaction(queue, raise_on_error)
            if not queue:
                return []
            return await self._run_pipeline(queue, raise_on_error)
        finally:
            self.reset()

    async def _run_pipeline(self, queue: list[_Queued], raise_on_error: bool) -> list[Any]:
        client = self._client
        router = client.router
        await router.ensure_ready()
        slots = router.slots
        replies: list[Any] = [None] * len(queue)
        groups: dict[Address, list[int]] = {}
        command_slots: dict[int, int] = {}
        others: list[int] = []
        readonly: dict[int, bool] = {}
        single_key = SINGLE_KEY
        plain_keys = _PLAIN_KEYS
        for index, (args, _, _) in enumerate(queue):
            client._invalidate_written(args)
            # The common case first, without a Plan: one key, at argument 1 (SET, GET, ...).
            is_read = single_key.get(args[0]) if len(args) > 1 else None
            if is_read is not None and type(args[1]) in plain_keys:
                slot = key_slot(args[1])
            else:
                try:
                    plan = plan_command(args, split=client.non_atomic_cross_slot)
                except ClusterCrossSlotError as exc:
                    replies[index] = exc
                    continue
                if plan.kind != SLOT:
                    others.append(index)
                    continue
                slot, is_read = plan.slot, plan.readonly
            node = (
                slots.replica_for(slot, time.monotonic())
                if is_read and router.read_from_replicas
                else slots.primary_for(slot)
            )
            command_slots[index] = slot
            readonly[index] = is_read
            if node is None:
                others.append(index)
            else:
                groups.setdefault(node, []).append(index)

        again: list[int] = []
        asks: dict[int, Address] = {}

        async def run_group(node: Address, indexes: list[int]) -> None:
            try:
                conn = await router.shared(node)
                batch = conn.send_batch(pack_lines([queue[i][0] for i in indexes]), len(indexes))
            except _NOT_SENT:
                again.extend(indexes)  # nothing was written
                return
            try:
                answers = await batch
            except RedisError as exc:
                # The connection failed: only commands safe to repeat are sent again.
                for index in indexes:
                    if isinstance(exc, ConnectionError) and retry_safe(queue[index][0][0]):
                        again.append(index)
                    else:
                        replies[index] = exc
                return
            for index, reply in zip(indexes, answers, strict=True):
                if isinstance(reply, _REFUSED):
                    if isinstance(reply, MovedError):
                        target = (reply.host or node[0], reply.port)
                        if slots.apply(Moved(reply.slot, target)):
                            router.schedule_refresh()
                    elif isinstance(reply, AskError):
                        asks[index] = (reply.host or node[0], reply.port)
                    again.append(index)
                else:
                    replies[index] = reply

        async def run_other(index: int) -> None:
            try:
                replies[index] = await client._execute(queue[index][0])
            except Exception as exc:
                replies[index] = exc

        await asyncio.gather(
            *(run_group(node, indexes) for node, indexes in groups.items()),
            *(run_other(index) for index in others),
        )
        for index in sorted(again):
            try:
                replies[index] = await router.execute_slot(
                    queue[index][0],
                    command_slots[index],
                    readonly=readonly[index],
                    ask=asks.get(index),
                )
            except Exception as exc:
                replies[index] = exc
        return _finish(queue, replies, raise_on_error)

    async def _run_transaction(self, queue: list[_Queued], raise_on_error: bool) -> list[Any]:
        client = self._client
        router = client.router
        await router.ensure_ready()
        slot = self._slot
        for args, _, _ in queue:
            found = _keys_slot(args)
            if found is None:
                continue
            if slot is None:
                slot = found
            elif found != slot:
                raise ClusterCrossSlotError(
                    f"a cluster transaction must keep every key in one slot "
                    f"(found slots {slot} and {found})",
                    (slot, found),
                )
        if slot is None:
            raise ClusterError(
                "a cluster transaction needs at least one key: its slot picks the node"
            )
        for args, _, _ in queue:
            client._invalidate_written(args)
        body: list[tuple[Any, ...]] = [(b"MULTI",), *(args for args, _, _ in queue), (b"EXEC",)]
        redirects = retries = 0
        ask: Address | None = None
        while True:
            if self._conn is None:
                node = ask or router.slots.primary_for(slot)
                if node is None:
                    await router.refresh()
                    node = router.slots.primary_for(slot)
                    if node is None:
                        raise ClusterDownError(f"CLUSTERDOWN slot {slot} is not served")
                pool = router.pool(node)
                try:
                    self._conn = await pool.acquire()
                except _NOT_SENT:
                    retries += 1
                    if retries > router.max_retries:
                        raise
                    router.schedule_refresh()
                    await asyncio.sleep(backoff(retries))
                    continue
                self._pool, self._node = pool, node
            conn = self._conn
            commands = [(b"ASKING",), *body] if ask is not None else body
            ask = None
            futures = conn.send_many(pack_commands(commands), len(commands))
            try:
                await asyncio.wait(futures[-1:])
            except asyncio.CancelledError:
                for fut in futures:
                    fut.cancel()
                raise
            if len(commands) > len(body):
                futures = futures[1:]  # ASKING's reply
            redirect: ResponseError | None = None
            queue_errors: list[ResponseError] = []
            for fut in futures[:-1]:
                error = fut.exception() if not fut.cancelled() else None
                if error is None:
                    continue
                if not isinstance(error, ResponseError):
                    _retrieve(futures)
                    raise error
                if isinstance(error, _REDIRECTED):
                    redirect = redirect or error
                queue_errors.append(error)
            exec_fut = futures[-1]
            exec_error = exec_fut.exception()
            if redirect is None and isinstance(exec_error, _REDIRECTED):
                redirect = exec_error  # checked at EXEC time (the keys of every queued command)
            if redirect is not None:
                # Refused before EXEC: nothing ran.
                current = self._node or ("", 0)
                was_watching = self._watching
                self._watching = False
                self._release(discard=True)
                if isinstance(redirect, MovedError):
                    target = (redirect.host or current[0], redirect.port)
                    if router.slots.apply(Moved(redirect.slot, target)):
                        router.schedule_refresh()
                if was_watching:
                    raise WatchError(
                        f"the slot of the watched keys moved ({redirect}); run the "
                        "transaction again"
                    ) from redirect
                if isinstance(redirect, MovedError | AskError):
                    redirects += 1
                    if redirects > router.max_redirects:
                        raise TooManyRedirectsError(
                            f"transaction: more than {router.max_redirects} redirections "
                            f"(last: {redirect})"
                        ) from redirect
                    if isinstance(redirect, AskError):
                        ask = (redirect.host or current[0], redirect.port)
                else:
                    retries += 1
                    if retries > router.max_retries:
                        raise redirect
                    await asyncio.sleep(backoff(retries))
                continue
            self._watching = False  # EXEC (or its failure) ends WATCH on the server
            replies = exec_replies(conn, exec_fut, queue_errors, queue)
            return _finish(queue, replies, raise_on_error)


def _retrieve(futures: list[asyncio.Future[Any]]) -> None:
    for fut in futures:
        if fut.done() and not fut.cancelled():
            fut.exception()


def _finish(queue: list[_Queued], replies: list[Any], raise_on_error: bool) -> list[Any]:
    results: list[Any] = []
    first_error: BaseException | None = None
    for (_, callback, result), reply in zip(queue, replies, strict=True):
        if isinstance(reply, BaseException):
            value: Any = reply
            if first_error is None:
                first_error = reply
        else:
            try:
                if callback is None:
                    value = reply
                elif type(reply) is NodeReplies:
                    value = NodeReplies({node: callback(v) for node, v in reply.items()})
                else:
                    value = callback(reply)
            except Exception as exc:  # a reply the conversion cannot take: the error in place
                value = exc
                if first_error is None:
                    first_error = exc
        result._resolve(value)
        results.append(value)
    if raise_on_error and first_error is not None:
        raise first_error
    return results
