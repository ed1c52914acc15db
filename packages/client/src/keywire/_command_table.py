"""Command metadata of every Redis / Valkey command: flags, key positions, routing tips.

The data is generated from the servers themselves into :mod:`keywire._command_data` (by
``tools/gen_command_table.py``; never edit it by hand); this module is hand-written: it indexes
that data and holds the lookups, key extraction, routing tips and the short hand-kept policy
lists, each saying why it exists. Nothing is listed twice: ``CACHEABLE`` is derived from the
flags and tips, less a short list of exceptions with reasons.

Each entry is a :class:`CommandInfo`. Its first five fields are those of ``COMMAND INFO``
(``arity, flags, first_key, last_key, step``): a negative arity is a minimum; key positions are
argument indexes (0 is the command name) and ``last_key`` may count from the end. Commands
flagged ``movablekeys`` have keys the legacy range cannot describe: :func:`command_keys` finds
them from the key specifications (:class:`KeySpec`), or by hand where the server's own
specifications are incomplete (MIGRATE, SORT, SORT_RO, STRALGO).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from keywire._command_data import ENTRIES, SOURCES
from keywire._command_spec import (
    CommandInfo,
    KeyNum,
    KeyPositions,
    KeySpec,
    Keyword,
    Range,
    words,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "CACHEABLE",
    "COMMANDS",
    "CONNECTION_STATE",
    "IDEMPOTENT",
    "SOURCES",
    "CommandInfo",
    "KeyNum",
    "KeyPositions",
    "KeySpec",
    "Keyword",
    "Range",
    "command_info",
    "command_keys",
    "key_positions",
    "lookup",
    "routing",
]

_SOURCE_LABELS: Final = frozenset(label for label, _version in SOURCES)

COMMANDS: Final[dict[bytes, CommandInfo]] = {
    # An entry names its servers only when some source server lacks the command.
    info.name: info if info.servers else info._replace(servers=_SOURCE_LABELS)
    for info in ENTRIES
}
"""Every command and subcommand by upper-case name: ``COMMANDS[b"GET"]``,
``COMMANDS[b"CLIENT KILL"]``."""

_CONTAINERS: Final = frozenset(name.partition(b" ")[0] for name in COMMANDS if b" " in name)

# --- hand-kept policy --------------------------------------

# Retried once after a connection error although not flagged readonly: repeating them cannot
# change the data or the reply.
IDEMPOTENT: Final[frozenset[bytes]] = frozenset({b"PING", b"ECHO", b"TIME", b"LASTSAVE"})

# Commands that change the state of the connection they run on. They would corrupt a shared
# (multiplexed) connection, so ``execute_command`` refuses them and points at the API to use.
CONNECTION_STATE: Final[frozenset[bytes]] = frozenset(
    {
        b"SELECT",
        b"AUTH",
        b"HELLO",
        b"RESET",
        b"QUIT",
        b"MULTI",
        b"EXEC",
        b"DISCARD",
        b"WATCH",
        b"UNWATCH",
        b"SUBSCRIBE",
        b"UNSUBSCRIBE",
        b"PSUBSCRIBE",
        b"PUNSUBSCRIBE",
        b"SSUBSCRIBE",
        b"SUNSUBSCRIBE",
        b"MONITOR",
        b"SYNC",
        b"PSYNC",
        b"REPLCONF",
        b"CLIENT REPLY",
        b"CLIENT TRACKING",
        b"CLIENT SETNAME",
        b"READONLY",
        b"READWRITE",
        b"ASKING",
    }
)

# Read commands the rules of ``_cacheable`` would admit although their reply is not a function
# of the key's value alone (the server gives them no ``nondeterministic_output`` tip, unlike TTL
# and PTTL), so a cached reply could be wrong although nobody wrote the key. Keep it short: an
# entry the rules already refuse is removed (a unit test checks).
_NOT_CACHEABLE: Final[dict[bytes, str]] = {
    b"HTTL": "counts down with the clock (Valkey 9.1 gives it no nondeterministic tip)",
    b"HPTTL": "counts down with the clock (Valkey 9.1 gives it no nondeterministic tip)",
}


def _cacheable(info: CommandInfo) -> bool:
    """A read of exactly one key, at argument 1, with a deterministic reply.

    The client caches a reply under ``args[1]`` and drops it when that key is invalidated, so
    a command reading any other key (MGET, SINTER, EXISTS with several keys, LCS) must not be
    cached: the invalidation of its second key would not reach the entry.
    """
    return (
        "readonly" in info.flags
        and "blocking" not in info.flags
        and "movablekeys" not in info.flags
        and (info.first_key, info.last_key, info.step) == (1, 1, 1)
        and "nondeterministic_output" not in info.tips
        and b" " not in info.name
    )


# Single-key read commands whose reply depends only on the key's value (not on the clock or on
# randomness), so a client-side cache may serve them until the key is invalidated.
CACHEABLE: Final[frozenset[bytes]] = frozenset(
    name for name, info in COMMANDS.items() if _cacheable(info) and name not in _NOT_CACHEABLE
)

# --- lookups and key extraction ---------------------------------------------------------------


def lookup(name: bytes, subcommand: bytes | None = None) -> CommandInfo | None:
    """Return the entry of a command (upper-case name), trying ``NAME SUB`` first.

    Args:
        name: the upper-case command name, or a whole ``b"NAME SUB"``.
        subcommand: a subcommand name in any case.

    Returns:
        The entry, or None for a command no source server knows.
    """
    if subcommand is not None:
        found = COMMANDS.get(name + b" " + subcommand.upper())
        if found is not None:
            return found
    return COMMANDS.get(name)


def _upper(arg: object) -> bytes | None:
    if isinstance(arg, bytes):
        return arg.upper()
    if isinstance(arg, str):
        return arg.encode().upper()
    if isinstance(arg, bytearray | memoryview):
        return bytes(arg).upper()
    return None


def command_info(args: Sequence[object]) -> CommandInfo | None:
    """Return the entry of a whole command line, the subcommand's where it has one.

    Args:
        args: the command name (str or bytes, any case) and its arguments.

    Returns:
        ``COMMANDS[b"OBJECT ENCODING"]`` for ``("object", "encoding", "k")``, the command's own
        entry when it has no such subcommand, or None for an unknown command.
    """
    if not args:
        return None
    name = _upper(args[0])
    if name is None:
        return None
    if name in _CONTAINERS and len(args) > 1:
        sub = _upper(args[1])
        if sub is not None:
            found = COMMANDS.get(name + b" " + sub)
            if found is not None:
                return found
    return COMMANDS.get(name)


def _count(arg: object) -> int | None:
    if isinstance(arg, int) and not isinstance(arg, bool):
        return arg
    raw = _upper(arg)
    if raw is not None and raw.isdigit():
        return int(raw)
    return None


_EMPTY: Final = range(0)


def _search_keyword(args: Sequence[object], keyword: bytes, startfrom: int) -> int:
    """The index after ``keyword``, searched as the server does; 0 when it is absent."""
    argc = len(args)
    # Forwards the last argument is not tried (no key could follow it); backwards the search
    # stops before the command name.
    indexes = range(startfrom, argc - 1) if startfrom > 0 else range(argc + startfrom, 0, -1)
    for i in indexes:
        if _upper(args[i]) == keyword:
            return i + 1
    return 0


def _spec_range(args: Sequence[object], spec: KeySpec) -> range:
    """The argument indexes one key spec selects, as the server computes them.

    A spec that does not fit the arguments (a missing keyword, a bad ``numkeys``, too few
    arguments) selects nothing: the server rejects such a command anyway.
    """
    argc = len(args)
    begin = spec.begin_search
    if isinstance(begin, int):
        first = begin
    elif isinstance(begin, Keyword):
        first = _search_keyword(args, begin.keyword, begin.startfrom)
        if not first:
            return _EMPTY
    else:
        return _EMPTY
    find = spec.find_keys
    if isinstance(find, Range):
        if find.lastkey >= 0:
            last = first + find.lastkey
        elif not find.limit:
            last = argc + find.lastkey
        else:
            last = first + ((argc - first) // find.limit + find.lastkey)
        step = find.keystep
    elif isinstance(find, KeyNum):
        if find.keynumidx >= argc - first:
            return _EMPTY
        numkeys = _count(args[first + find.keynumidx])
        if numkeys is None or numkeys < 0:
            return _EMPTY
        first += find.firstkey
        last = first + numkeys - 1
        step = find.keystep
    else:
        return _EMPTY
    if last >= argc or last < first or first >= argc or step <= 0:
        return _EMPTY
    return range(first, last + 1, step)


def _legacy_range(args: Sequence[object], info: CommandInfo) -> range:
    first, last, step = info.first_key, info.last_key, info.step
    if first <= 0 or step <= 0:
        return _EMPTY
    end = len(args) + last if last < 0 else last
    return range(first, min(end, len(args) - 1) + 1, step)


_RO: Final = words("RO access")
_OW: Final = words("OW update")
_RW_DELETE: Final = words("RW access delete")
_MIGRATE_SKIP: Final = {b"COPY": 0, b"REPLACE": 0, b"AUTH": 1, b"AUTH2": 2}
_SORT_SKIP: Final = {b"LIMIT": 2, b"GET": 1, b"BY": 1}


def _migrate_keys(args: Sequence[object]) -> KeyPositions:
    # MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS k...]
    # The KEYS spec is "incomplete": a password or key named KEYS fools a plain search.
    i = 6
    while i < len(args):
        word = _upper(args[i])
        if word == b"KEYS":
            return tuple((j, _RW_DELETE) for j in range(i + 1, len(args)))
        i += 1 + _MIGRATE_SKIP.get(word or b"", 0)
    return ((3, _RW_DELETE),) if len(args) > 3 else ()


def _sort_keys(args: Sequence[object]) -> KeyPositions:
    # SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
    # The keys BY / GET patterns name depend on the data; like the server, report none of them.
    if len(args) < 2:
        return ()
    store = 0
    i = 2
    while i < len(args):
        word = _upper(args[i]) or b""
        if word == b"STORE" and i + 1 < len(args):
            store = i + 1  # the last STORE wins, as in the server
        else:
            i += _SORT_SKIP.get(word, 0)
        i += 1
    return ((1, _RO), (store, _OW)) if store else ((1, _RO),)


def _sort_ro_keys(args: Sequence[object]) -> KeyPositions:
    return ((1, _RO),) if len(args) > 1 else ()


def _stralgo_keys(args: Sequence[object]) -> KeyPositions:
    # STRALGO LCS [KEYS k1 k2 | STRINGS s1 s2] ... (Redis 6.2 only)
    for i in range(1, len(args) - 2):
        word = _upper(args[i])
        if word == b"STRINGS":
            break
        if word == b"KEYS":
            return ((i + 1, _RO), (i + 2, _RO))
    return ()


# Commands whose key specifications are incomplete or unknown (the server finds their keys
# with code, not with the specs); the generator warns about any other such command.
_KEY_FINDERS: Final[dict[bytes, Callable[[Sequence[object]], KeyPositions]]] = {
    b"MIGRATE": _migrate_keys,
    b"SORT": _sort_keys,
    b"SORT_RO": _sort_ro_keys,
    b"STRALGO": _stralgo_keys,
}


def key_positions(args: Sequence[object], info: CommandInfo | None = None) -> KeyPositions:
    """Return where the keys of a command line are, with what the command does to each.

    Args:
        args: the command name and its arguments.
        info: the command's entry when the caller has it; a container's entry (``OBJECT``)
            is resolved to the subcommand's from ``args``.

    Returns:
        ``(index, flags)`` per key, in key-spec order (flags empty where the source server
        has no key specs). Arguments hashed like keys for cluster routing (``not_key``) are
        included. Nothing for an unknown command or one that does not fit its specs.
    """
    if info is None or info.name in _CONTAINERS:
        info = command_info(args) or info
        if info is None:
            return ()
    finder = _KEY_FINDERS.get(info.name)
    if finder is not None:
        return finder(args)
    if info.key_specs:
        return tuple((i, spec.flags) for spec in info.key_specs for i in _spec_range(args, spec))
    return tuple((i, frozenset()) for i in _legacy_range(args, info))


def command_keys(args: Sequence[object], info: CommandInfo | None = None) -> tuple[object, ...]:
    """Return the key arguments of a command line.

    Commands with fixed key positions take the legacy range (one slice); ``movablekeys``
    commands (EVAL, ZUNIONSTORE, XREAD, SORT ... STORE, MIGRATE ... KEYS, GEORADIUS ... STORE)
    are read with their key specs; see :func:`key_positions`.

    Args:
        args: the command name and its arguments.
        info: the command's entry when the caller has it (see :func:`key_positions`).

    Returns:
        The keys as given in ``args``, in order; empty for a command without keys.
    """
    if info is None or info.name in _CONTAINERS:
        info = command_info(args) or info
        if info is None:
            return ()
    if "movablekeys" in info.flags:
        return tuple(args[i] for i, _flags in key_positions(args, info))
    first, last, step = info.first_key, info.last_key, info.step
    if first <= 0 or step <= 0:
        return ()
    end = len(args) + last if last < 0 else last
    return tuple(args[first : end + 1 : step])


def routing(name: bytes, subcommand: bytes | None = None) -> tuple[str | None, str | None]:
    """Return the cluster routing tips of a command: ``(request_policy, response_policy)``.

    Request policies: ``all_shards`` (every primary: KEYS, DBSIZE, FLUSHALL), ``all_nodes``
    (primaries and replicas: SCRIPT LOAD, CONFIG SET), ``multi_shard`` (split the keys by slot:
    MGET, DEL), ``special``. Response policies: ``one_succeeded``, ``all_succeeded``,
    ``agg_logical_and``, ``agg_logical_or``, ``agg_min``, ``agg_max``, ``agg_sum``, ``special``.
    None means the server gives no tip: a command with keys goes to its keys' slot, one without
    to any node, and a reply from several nodes is their concatenation.

    Args:
        name: the upper-case command name, or ``b"NAME SUB"``.
        subcommand: a subcommand name in any case.
    """
    info = lookup(name, subcommand)
    if info is None:
        return (None, None)
    return (info.request_policy, info.response_policy)
