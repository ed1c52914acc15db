"""The keywire adapter: the conformance suite driven through the ``keywire`` client.

This is the default adapter wherever ``keywire`` is installed (see
:func:`keywire_conformance.adapters.default_adapter`), and the only module of
``keywire_conformance`` that imports ``keywire``. Each client entity is one ``keywire.Redis``
connected to the first address (the primary), or on a cluster one ``keywire.RedisCluster``
seeded with every node (capability ``cluster-routing``), opened eagerly so a bad address fails
the entity's creation, and reading with the pure-Python
RESP reader (``reader_backend="python"``, faithful to every RESP3 type, so raw replies do not
depend on whether hiredis is installed). :class:`KeywireHiredisAdapter` in
:mod:`keywire_conformance.adapters.keywire_client.hiredis` runs the same operations on hiredis,
with its own expectation file for the RESP3 types hiredis cannot tell apart.

Entity options (``createEntities[].client.options``, capability ``client-options``), each a
``keywire.Redis`` argument: ``clientName``, ``db``, ``username``, ``password``,
``connectTimeout``, ``readTimeout``, ``writeTimeout``, ``poolTimeout``, ``maxConnections``;
on a cluster also ``readFromReplicas``, ``nonAtomicCrossSlot``, ``maxRedirects``,
``maxRetries`` (``keywire.RedisCluster`` arguments). Other names are refused.

Operations on a client entity:

typed commands (capability ``typed-commands``)
    The operation name is a command method of ``keywire.Redis`` (``get``, ``set``, ``mget``,
    ``hgetall``, ``zadd``, ``blpop``, ``info``, ``scan_iter``, ...) and the arguments are its
    keyword arguments, e.g. ``set {key, value, ex?, px?, nx?, xx?, get?}``, ``mget {keys}``,
    ``zadd {key, mapping}``. A ``*name`` parameter takes a list (``info {sections: [server]}``).
    The result is what the method returns (``dict``, ``set``, ``float``, ``(member, score)``
    tuples, ...); an async iterator (``scan_iter``, ``hscan_iter``, ...) is collected into a
    list. Arguments are checked against the method's signature first: a missing or unknown
    argument is a ``TypeError`` naming the parameters, and an unknown operation a
    ``NotImplementedError``. Command families added to ``keywire`` later become operations
    without a change here.
``command {args: [name, arg, ...]}`` (capability ``raw-command``)
    ``Redis.execute_command(*args)``: the raw reply. Commands that change the state of a
    connection (``MULTI``, ``EXEC``, ``WATCH``, ``HELLO``, ``CLIENT SETNAME``, ``SELECT``, ...),
    which ``execute_command`` refuses on its shared connection, are sent on that shared
    connection directly, as a raw connection would (the entity belongs to one test, which runs
    its operations one at a time). Subscribing, ``MONITOR``, replication streams and
    ``CLIENT REPLY`` are not supported (``NotImplementedError``): their replies are not one
    reply per command.
``pipeline {commands, transaction?: false, raiseOnError?: true}`` (capabilities ``pipelines``,
``transactions``)
    Queues ``commands`` on ``Redis.pipeline(transaction=...)`` and returns
    ``await pipe.execute(raise_on_error=...)``. Each command is ``{name, arguments?}`` naming
    a typed command or ``command``, or a raw command as a list (``[SET, k, v]``). After
    ``watch``, the pipeline is that watched transaction.
``watch {keys}`` / ``unwatch`` (capability ``watch``)
    ``Pipeline.watch(*keys)`` on a new transactional pipeline of the entity; the next
    ``pipeline`` operation of the entity runs it (MULTI / EXEC on the watched connection). A
    watched key changed meanwhile makes that operation fail with ``keywire.WatchError``.
``subscribe {channels}``, ``psubscribe {patterns}``, ``ssubscribe {shard_channels}``, their
``un``-forms, ``get_message {timeout?, ignore_subscribe_messages?}`` (capability ``pubsub``)
    The methods of the entity's ``keywire.PubSub`` (``client.pubsub()``, made on first use,
    closed with the entity). The subscription calls return null once the server confirmed
    them; ``get_message`` returns ``{type, channel, pattern, data}`` or null when nothing
    arrived within ``timeout`` seconds (default 0: only what is buffered).

On ``object: adapter``: ``decode`` (capabilities ``resp-decode``, ``resp-attributes``), as the
reference adapter does it (a pure-Python ``keywire_resp.Reader``).

Errors (:meth:`KeywireAdapter.classify_error`): server error replies (``keywire.ResponseError``,
and ``keywire_resp.ReplyError`` values inside replies) are ``ReplyError`` with their code;
``keywire.ConnectionError`` (and ``ClientClosedError``) ``ConnectionError``; every timeout
``TimeoutError``; ``keywire.ProtocolError`` ``ProtocolError``; ``keywire.WatchError`` (a
transaction aborted by WATCH), other ``keywire.RedisError``, ``TypeError`` and ``ValueError``
``ClientError``.

``killConnection`` kills the entity's shared connection (:meth:`KeywireAdapter.connection_ids`);
dedicated connections (blocking commands, transactions) are not listed.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final

import keywire
import keywire_resp
from keywire.client import command_name, state_command
from keywire.commands import CommandMixins, CommandsBase

from .._base import ErrorInfo, default_classify_error
from .._decode import decode_operation

if TYPE_CHECKING:
    from keywire.cluster import ClusterPipeline, ClusterPubSub

__all__ = ["KeywireAdapter", "typed_operations"]

_ADAPTER_OBJECT: Final = "adapter"

_OPTIONS: Final = {
    "clientName": "client_name",
    "db": "db",
    "username": "username",
    "password": "password",
    "connectTimeout": "connect_timeout",
    "readTimeout": "read_timeout",
    "writeTimeout": "write_timeout",
    "poolTimeout": "pool_timeout",
    "maxConnections": "max_connections",
}
"""Entity options (spec spelling) and the ``keywire.Redis`` arguments they set."""

_CLUSTER_OPTIONS: Final = {
    "readFromReplicas": "read_from_replicas",
    "nonAtomicCrossSlot": "non_atomic_cross_slot",
    "maxRedirects": "max_redirects",
    "maxRetries": "max_retries",
}
"""Entity options of cluster entities only (``keywire.RedisCluster`` arguments)."""

_CLIENT_ONLY: Final = frozenset({"client_setname"})
"""Typed operations of ``keywire.Redis`` itself (not of the command mixins, so not of pipelines)."""

_UNSUPPORTED_RAW: Final = frozenset(
    {
        b"SUBSCRIBE",
        b"UNSUBSCRIBE",
        b"PSUBSCRIBE",
        b"PUNSUBSCRIBE",
        b"SSUBSCRIBE",
        b"SUNSUBSCRIBE",
        b"MONITOR",
        b"SYNC",
        b"PSYNC",
        b"CLIENT REPLY",
    }
)
"""Raw commands whose replies are not one reply per command (see the module docstring)."""

_PIPELINE_ARGUMENTS: Final = frozenset({"commands", "transaction", "raiseOnError"})

_PUBSUB_OPERATIONS: Final = frozenset(
    {
        "subscribe",
        "unsubscribe",
        "psubscribe",
        "punsubscribe",
        "ssubscribe",
        "sunsubscribe",
        "get_message",
    }
)
"""Operations run by the entity's ``keywire.PubSub`` (see the module docstring)."""


def typed_operations(*, pipeline: bool = False) -> frozenset[str]:
    """Return the names of the typed operations: the public command methods of ``keywire``.

    Args:
        pipeline: only those a pipeline can queue (not ``client_setname``, not the ``*_iter``
            iterators).

    Returns:
        The method names, found on ``keywire.commands.CommandMixins`` at call time, so command
        families added to ``keywire`` are included.
    """
    names: set[str] = set()
    for cls in CommandMixins.__mro__:
        if issubclass(cls, CommandsBase) and cls is not CommandsBase:
            names.update(
                name
                for name, member in vars(cls).items()
                if not name.startswith("_") and callable(member)
            )
    if pipeline:
        return frozenset(name for name in names if not name.endswith("_iter"))
    return frozenset(names | _CLIENT_ONLY)


def _parameter_names(signature: inspect.Signature) -> str:
    shown = []
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            shown.append(f"{parameter.name} (a list)")
        elif parameter.kind is not inspect.Parameter.VAR_KEYWORD:
            optional = parameter.default is not inspect.Parameter.empty
            shown.append(f"{parameter.name}?" if optional else parameter.name)
    return ", ".join(shown) or "none"


def _bind(
    method: Callable[..., object], name: str, arguments: Mapping[str, object]
) -> tuple[list[object], dict[str, object]]:
    """Split ``arguments`` into the call's positional and keyword arguments, checked against
    the method's signature.

    Raises:
        TypeError: a missing, unknown or malformed argument (the message names the
            parameters).
    """
    signature = inspect.signature(method)
    positional: list[object] = []
    keywords = dict(arguments)
    leading: list[str] = []  # the parameters before *name, passed positionally with it
    for parameter in signature.parameters.values():
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            leading.append(parameter.name)
        elif parameter.kind is inspect.Parameter.VAR_POSITIONAL and parameter.name in keywords:
            values = keywords.pop(parameter.name)
            if not isinstance(values, list):
                raise TypeError(f"operation {name!r}: argument {parameter.name!r} must be a list")
            missing = [item for item in leading if item not in keywords]
            if missing:
                raise TypeError(
                    f"operation {name!r}: missing a required argument: {missing[0]!r} "
                    f"(arguments: {_parameter_names(signature)})"
                )
            positional = [keywords.pop(item) for item in leading] + values
    try:
        signature.bind(*positional, **keywords)
    except TypeError as exc:
        raise TypeError(
            f"operation {name!r}: {exc} (arguments: {_parameter_names(signature)})"
        ) from None
    return positional, keywords


def _typed_method(target: object, name: str, *, pipeline: bool) -> Callable[..., object]:
    if name not in typed_operations(pipeline=pipeline):
        where = "in a pipeline" if pipeline else "on a client entity"
        raise NotImplementedError(
            f"no operation {name!r} {where}: typed operations are keywire.Redis command "
            "methods (get, set, hgetall, ...), plus command, pipeline, watch, unwatch and the "
            "pub/sub operations (subscribe, get_message, ...)"
        )
    method: Callable[..., object] = getattr(target, name)
    return method


async def _call_typed(
    client: keywire.Redis[Any] | keywire.RedisCluster[Any],
    name: str,
    arguments: Mapping[str, object],
) -> object:
    method = _typed_method(client, name, pipeline=False)
    positional, keywords = _bind(method, name, arguments)
    result = method(*positional, **keywords)
    if isinstance(result, AsyncIterator):
        return [item async for item in result]
    if inspect.isawaitable(result):
        return await result
    return result


def _raw_args(arguments: Mapping[str, object], what: str) -> list[object]:
    args = arguments.get("args")
    if not isinstance(args, list) or not args:
        raise TypeError(f"{what} needs 'args', a non-empty list")
    extra = sorted(set(arguments) - {"args"})
    if extra:
        raise TypeError(f"{what} takes only 'args', not {', '.join(extra)}")
    return args


def _pipeline_item(item: object, index: int) -> tuple[str, Mapping[str, object]]:
    """``{name, arguments?}`` or a raw command list -> (operation name, arguments)."""
    if isinstance(item, list):
        return "command", {"args": item}
    if isinstance(item, Mapping):
        name = item.get("name")
        arguments = item.get("arguments", {})
        extra = sorted(set(item) - {"name", "arguments"})
        if isinstance(name, str) and isinstance(arguments, Mapping) and not extra:
            return name, arguments
    raise TypeError(
        f"pipeline command #{index} must be {{name, arguments?}} or a raw command list, "
        f"not {item!r}"
    )


def _flag(arguments: Mapping[str, object], name: str, default: bool) -> bool:
    value = arguments.get(name, default)
    if not isinstance(value, bool):
        raise TypeError(f"pipeline: {name!r} must be true or false, not {value!r}")
    return value


@dataclass
class _Entity:
    client: keywire.Redis[Any] | keywire.RedisCluster[Any]
    watched: keywire.Pipeline[Any] | ClusterPipeline[Any] | None = None
    pubsub: keywire.PubSub[Any] | ClusterPubSub[Any] | None = None


def _message(message: keywire.PubSubMessage[Any] | None) -> dict[str, object] | None:
    if message is None:
        return None
    return {
        "type": message.type,
        "channel": message.channel,
        "pattern": message.pattern,
        "data": message.data,
    }


class KeywireAdapter:
    """Drives ``keywire.Redis`` (see the module docstring).

    Attributes:
        reader_backend: the ``reader_backend`` of every client: ``"python"``, the pure reader
            that is faithful to every RESP3 type (so raw replies look the same wherever the
            suite runs, with or without hiredis installed). :class:`KeywireHiredisAdapter`
            (module ``keywire_client.hiredis``) runs the clients on hiredis instead.
    """

    name = "keywire"
    reader_backend: ClassVar[str] = "python"
    capabilities = frozenset(
        {
            "raw-command",
            "resp-decode",
            "resp-attributes",
            "resp2",
            "resp3",
            "typed-commands",
            "client-options",
            "pipelines",
            "transactions",
            "watch",
            "pubsub",
            "reconnect",
            "cluster-routing",
        }
    )

    def __init__(self) -> None:
        self._entities: dict[str, _Entity] = {}

    async def create_client(
        self,
        entity_id: str,
        *,
        addresses: list[tuple[str, int]],
        topology: str,
        protocol: int,
        decode_responses: bool,
        options: Mapping[str, object],
    ) -> None:
        """Create a ``keywire.Redis`` on the first address and open its shared connection; on a
        cluster, a ``keywire.RedisCluster`` seeded with every address, its slot map loaded.

        Raises:
            ValueError: without an address (topology ``none``), for an unknown option or a
                duplicate entity id.
            keywire.ConnectionError: the server cannot be reached or refused the handshake.
        """
        if not addresses:
            raise ValueError(f"client {entity_id!r} needs a server (topology {topology})")
        if entity_id in self._entities:
            raise ValueError(f"client entity {entity_id!r} exists already")
        known = {**_OPTIONS, **_CLUSTER_OPTIONS} if topology == "cluster" else _OPTIONS
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ValueError(
                f"unknown client option(s) {', '.join(unknown)}; the keywire adapter knows "
                f"{', '.join(known)}"
                + (
                    ""
                    if topology == "cluster"
                    else f" ({', '.join(_CLUSTER_OPTIONS)} on a cluster)"
                )
            )
        settings: dict[str, Any] = {known[key]: value for key, value in options.items()}
        settings.update(
            protocol=protocol, decode_responses=decode_responses, reader_backend=self.reader_backend
        )
        client: keywire.Redis[Any] | keywire.RedisCluster[Any]
        if topology == "cluster":
            client = keywire.RedisCluster(startup_nodes=addresses, **settings)
        else:
            host, port = addresses[0]
            client = keywire.Redis(host, port, **settings)
        try:
            await client.initialize()
        except BaseException:
            await client.aclose()
            raise
        self._entities[entity_id] = _Entity(client)

    def _entity(self, entity_id: str) -> _Entity:
        entity = self._entities.get(entity_id)
        if entity is None:
            raise ValueError(f"no client entity {entity_id!r}")
        return entity

    async def run_operation(
        self, entity_id: str, name: str, arguments: Mapping[str, object]
    ) -> object:
        """Run one operation (see the module docstring).

        Raises:
            NotImplementedError: for an unknown operation or an unsupported raw command.
            TypeError: for arguments the operation does not take.
            keywire.RedisError: whatever the client raises.
        """
        if entity_id == _ADAPTER_OBJECT:
            if name == "decode":
                return decode_operation(arguments)
            raise NotImplementedError(f"no adapter operation {name!r}")
        entity = self._entity(entity_id)
        if name == "command":
            return await self._command(entity, _raw_args(arguments, "command"))
        if name == "pipeline":
            return await self._pipeline(entity, arguments)
        if name == "watch":
            await self._watch(entity, arguments)
            return None
        if name == "unwatch":
            if arguments:
                raise TypeError("unwatch takes no arguments")
            await self._unwatch(entity)
            return None
        if name in _PUBSUB_OPERATIONS:
            return await self._pubsub(entity, name, arguments)
        return await _call_typed(entity.client, name, arguments)

    @staticmethod
    async def _command(entity: _Entity, args: list[object]) -> object:
        command = command_name(args[0])
        state = state_command((command, *args[1:]))
        refused = command if command in _UNSUPPORTED_RAW else state
        if refused in _UNSUPPORTED_RAW:
            raise NotImplementedError(
                f"raw {refused.decode()} is not supported: its replies are not one reply per "
                "command"
            )
        if state is not None:
            if isinstance(entity.client, keywire.RedisCluster):
                raise NotImplementedError(
                    f"raw {state.decode()} on a cluster entity: a cluster client has no one "
                    "connection to change the state of (use the typed operations, pipeline, "
                    "watch)"
                )
            connection = await entity.client.shared_connection()
            return await connection.execute(*args)
        return await entity.client.execute_command(*args)

    @staticmethod
    async def _pipeline(entity: _Entity, arguments: Mapping[str, object]) -> object:
        extra = sorted(set(arguments) - _PIPELINE_ARGUMENTS)
        if extra:
            raise TypeError(
                f"pipeline takes {', '.join(sorted(_PIPELINE_ARGUMENTS))}, not {', '.join(extra)}"
            )
        commands = arguments.get("commands")
        if not isinstance(commands, list):
            raise TypeError("pipeline needs 'commands', a list")
        transaction = _flag(arguments, "transaction", False)
        raise_on_error = _flag(arguments, "raiseOnError", True)
        pipe = entity.watched
        entity.watched = None
        if pipe is None:
            pipe = entity.client.pipeline(transaction=transaction)
        else:
            if not transaction:
                pipe.reset()
                raise TypeError("after watch, the pipeline must be a transaction")
            pipe.multi()
        async with pipe:
            for index, item in enumerate(commands):
                name, item_arguments = _pipeline_item(item, index)
                if name == "command":
                    pipe.execute_command(*_raw_args(item_arguments, f"pipeline command #{index}"))
                    continue
                method = _typed_method(pipe, name, pipeline=True)
                positional, keywords = _bind(method, name, item_arguments)
                method(*positional, **keywords)  # queued; its result comes from execute()
            return await pipe.execute(raise_on_error=raise_on_error)

    @staticmethod
    async def _watch(entity: _Entity, arguments: Mapping[str, object]) -> None:
        keys = arguments.get("keys")
        if isinstance(keys, str | bytes):
            keys = [keys]
        if not isinstance(keys, list) or not keys or set(arguments) != {"keys"}:
            raise TypeError("watch takes 'keys', a key or a non-empty list of keys")
        if entity.watched is not None:
            raise ValueError("watch: a watched transaction is pending; run a pipeline first")
        pipe = entity.client.pipeline(transaction=True)
        try:
            await pipe.watch(*keys)
        except BaseException:
            pipe.reset()
            raise
        entity.watched = pipe

    @staticmethod
    async def _unwatch(entity: _Entity) -> None:
        pipe, entity.watched = entity.watched, None
        if pipe is not None:
            try:
                await pipe.unwatch()
            finally:
                pipe.reset()

    @staticmethod
    async def _pubsub(entity: _Entity, name: str, arguments: Mapping[str, object]) -> object:
        if entity.pubsub is None:
            entity.pubsub = entity.client.pubsub()
        method: Callable[..., Awaitable[object]] = getattr(entity.pubsub, name)
        positional, keywords = _bind(method, name, arguments)
        result = await method(*positional, **keywords)
        if name == "get_message":
            return _message(result if isinstance(result, keywire.PubSubMessage) else None)
        return result

    async def connection_ids(self, entity_id: str) -> list[int]:
        """Return the ``CLIENT ID`` of the entity's shared connection (for ``killConnection``)."""
        client = self._entity(entity_id).client
        if isinstance(client, keywire.RedisCluster):
            raise NotImplementedError("killConnection of a cluster entity is not supported")
        connection = await client.shared_connection()
        if connection.client_id is not None:
            return [connection.client_id]
        return [await client.client_id()]

    def classify_error(self, exc: BaseException) -> ErrorInfo:
        """Map keywire (and ``keywire_resp``) errors to the runner's error kinds."""
        if isinstance(exc, keywire_resp.ReplyError):
            return ErrorInfo("ReplyError", exc.code or None, exc.message)
        if isinstance(
            exc,
            keywire.ConnectionError
            | keywire.ClientClosedError
            | ConnectionError
            | asyncio.IncompleteReadError,
        ):
            return ErrorInfo("ConnectionError", None, str(exc) or type(exc).__name__)
        if isinstance(exc, TimeoutError):  # keywire.TimeoutError is a builtin TimeoutError too
            return ErrorInfo("TimeoutError", None, str(exc) or "timed out")
        if isinstance(exc, keywire.ProtocolError | keywire_resp.ProtocolError):
            return ErrorInfo("ProtocolError", None, str(exc))
        if isinstance(exc, keywire.RedisError | TypeError | ValueError):
            return ErrorInfo("ClientError", None, str(exc) or type(exc).__name__)
        return default_classify_error(exc)

    async def close(self) -> None:
        """Drop pending watched transactions, close the pub/sub objects and every client (all
        of them, even when one fails to close; the first error is raised afterwards)."""
        entities, self._entities = self._entities, {}
        first_error: Exception | None = None
        for entity in entities.values():
            pipe, entity.watched = entity.watched, None
            pubsub, entity.pubsub = entity.pubsub, None
            try:
                if pipe is not None:
                    pipe.reset()
                if pubsub is not None:
                    await pubsub.aclose()
                await entity.client.aclose()
            except Exception as exc:
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
