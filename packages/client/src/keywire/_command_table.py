"""Command metadata of every Redis / Valkey command: flags, key positions, routing tips.

GENERATED FILE: do not edit; regenerate with `.venv/bin/python tools/gen_command_table.py`
(and check it is current with `.venv/bin/python tools/gen_command_table.py --check`).

Generated from ``COMMAND`` (``COMMAND INFO``) and ``COMMAND DOCS`` of these servers, newest
first: valkey-9.1 (9.1.2), redis-7.0 (7.0.15), redis-6.2 (6.2.14).

One entry per command and per subcommand (``b"CLIENT KILL"``); where servers differ the newest
wins, and commands only an older server has are kept. The table is data; the code around it
(lookups, key extraction, routing tips) and the hand-kept policy lists are the generator's
template (``_TEMPLATE`` in ``tools/gen_command_table.py``: edit them there), and each list says
why it exists. Nothing is listed twice: ``CACHEABLE`` is derived from the flags
and tips, less a short list of exceptions with reasons.

Each entry is a :class:`CommandInfo`. Its first five fields are those of ``COMMAND INFO``
(``arity, flags, first_key, last_key, step``): a negative arity is a minimum; key positions are
argument indexes (0 is the command name) and ``last_key`` may count from the end. Commands
flagged ``movablekeys`` have keys the legacy range cannot describe: :func:`command_keys` finds
them from the key specifications (:class:`KeySpec`), or by hand where the server's own
specifications are incomplete (MIGRATE, SORT, SORT_RO, STRALGO).
"""

# ruff: noqa: E501 - generated data: one command per line, easier to diff than wrapped entries

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple, TypeAlias

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

SOURCES: Final[tuple[tuple[str, str], ...]] = (
    ("valkey-9.1", "9.1.2"),
    ("redis-7.0", "7.0.15"),
    ("redis-6.2", "6.2.14"),
)
"""The servers the table was generated from, newest first, as ``(label, version)``."""


class Keyword(NamedTuple):
    """Key-spec ``begin_search`` by keyword: the keys start right after ``keyword``.

    The search starts at argument ``startfrom``; a negative ``startfrom`` counts from the end
    and searches backwards.
    """

    keyword: bytes
    startfrom: int


class Range(NamedTuple):
    """Key-spec ``find_keys`` as a range, relative to where ``begin_search`` found the first key.

    ``lastkey`` is relative to that first key, or counts from the end when negative (-1 is the
    last argument); with ``lastkey == -1`` a ``limit`` of N keeps the first 1/N of the remaining
    arguments (XREAD's keys before their IDs). ``keystep`` is the distance between keys.
    """

    lastkey: int
    keystep: int
    limit: int


class KeyNum(NamedTuple):
    """Key-spec ``find_keys`` by a count argument (EVAL's ``numkeys``).

    The count is at ``keynumidx`` and the keys start at ``firstkey``, both relative to where
    ``begin_search`` stopped; ``keystep`` is the distance between keys.
    """

    keynumidx: int
    firstkey: int
    keystep: int


class KeySpec(NamedTuple):
    """One key specification: where a group of keys is, and what the command does to them.

    ``flags`` are the server's: ``RO`` / ``RW`` / ``OW`` / ``RM`` and ``access``, ``update``,
    ``insert``, ``delete``, ``not_key`` (an argument hashed like a key for cluster routing,
    SPUBLISH's shard channel), ``incomplete``, ``variable_flags``. ``None`` for either part
    means the server could not describe it (``unknown``).
    """

    flags: frozenset[str]
    begin_search: int | Keyword | None
    find_keys: Range | KeyNum | None


class CommandInfo(NamedTuple):
    """Everything known about one command or subcommand.

    The first five fields are ``COMMAND INFO``'s legacy ones and keep their positions.
    ``tips`` are the server's raw tips (``nondeterministic_output``,
    ``request_policy:all_shards``...); ``request_policy`` / ``response_policy`` are the values
    of those two tips, or None. ``group`` and ``since`` come from ``COMMAND DOCS`` (empty for a
    command only a server without docs has), ``doc_flags`` are its ``deprecated`` / ``syscmd``.
    ``servers`` are the labels of :data:`SOURCES` that have the command (a server that lists
    no subcommands, Redis 6.2, counts as having one when it has the parent command and the
    subcommand's ``since`` is not newer than the server).
    """

    arity: int
    flags: frozenset[str]
    first_key: int
    last_key: int
    step: int
    acl_categories: frozenset[str]
    tips: frozenset[str]
    key_specs: tuple[KeySpec, ...]
    group: str
    since: str
    doc_flags: frozenset[str]
    servers: frozenset[str]
    request_policy: str | None
    response_policy: str | None
    name: bytes


KeyPositions: TypeAlias = tuple[tuple[int, frozenset[str]], ...]
"""``(argument index, key-spec flags)`` of each key of a command line."""

_WORDS: dict[str, frozenset[str]] = {}
_ALL_SERVERS: Final = frozenset(label for label, _version in SOURCES)


def _words(text: str) -> frozenset[str]:
    found = _WORDS.get(text)
    if found is None:
        found = _WORDS[text] = frozenset(text.split())
    return found


def _k(flags: str, begin: int | Keyword | None, find: Range | KeyNum | None) -> KeySpec:
    return KeySpec(_words(flags), begin, find)


def _c(  # noqa: PLR0917 - generated entries pass these positionally to stay one line each
    name: bytes,
    arity: int,
    flags: str,
    first: int,
    last: int,
    step: int,
    acl: str,
    group: str,
    since: str,
    *key_specs: KeySpec,
    tips: str = "",
    doc: str = "",
    servers: str = "",
) -> CommandInfo:
    request = response = None
    for tip in tips.split():
        policy, _, value = tip.partition(":")
        if policy == "request_policy":
            request = value
        elif policy == "response_policy":
            response = value
    return CommandInfo(
        arity,
        _words(flags),
        first,
        last,
        step,
        _words(acl),
        _words(tips),
        key_specs,
        group,
        since,
        _words(doc),
        _words(servers) if servers else _ALL_SERVERS,
        request,
        response,
        name,
    )


# Generated data: 400 commands and subcommands, sorted by name.
# fmt: off
_ENTRIES: Final[tuple[CommandInfo, ...]] = (
    _c(b"ACL", -2, "", 0, 0, 0, "@slow", "server", "6.0.0"),
    _c(b"ACL CAT", -2, "loading noscript stale", 0, 0, 0, "@slow", "server", "6.0.0"),
    _c(b"ACL DELUSER", -3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"ACL DRYRUN", -4, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"ACL GENPASS", -2, "loading noscript stale", 0, 0, 0, "@slow", "server", "6.0.0"),
    _c(b"ACL GETUSER", 3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0"),
    _c(b"ACL HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "6.0.0"),
    _c(b"ACL LIST", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0"),
    _c(b"ACL LOAD", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0"),
    _c(b"ACL LOG", -2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0"),
    _c(b"ACL SAVE", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"ACL SETUSER", -3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"ACL USERS", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.0.0"),
    _c(b"ACL WHOAMI", 2, "loading noscript stale", 0, 0, 0, "@slow", "server", "6.0.0"),
    _c(b"APPEND", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "2.0.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"ASKING", 1, "fast", 0, 0, 0, "@connection @fast", "cluster", "3.0.0"),
    _c(b"AUTH", -2, "allow_busy fast loading no_auth noscript stale", 0, 0, 0, "@connection @fast", "connection", "1.0.0"),
    _c(b"BGREWRITEAOF", 1, "admin no_async_loading noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"BGSAVE", -1, "admin no_async_loading noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"BITCOUNT", -2, "readonly", 1, 1, 1, "@bitmap @read @slow", "bitmap", "2.6.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"BITFIELD", -2, "denyoom write", 1, 1, 1, "@bitmap @slow @write", "bitmap", "3.2.0", _k("RW access update variable_flags", 1, Range(0, 1, 0))),
    _c(b"BITFIELD_RO", -2, "fast readonly", 1, 1, 1, "@bitmap @fast @read", "bitmap", "6.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"BITOP", -4, "denyoom write", 2, -1, 1, "@bitmap @slow @write", "bitmap", "2.6.0", _k("OW update", 2, Range(0, 1, 0)), _k("RO access", 3, Range(-1, 1, 0))),
    _c(b"BITPOS", -3, "readonly", 1, 1, 1, "@bitmap @read @slow", "bitmap", "2.8.7", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"BLMOVE", 6, "blocking denyoom write", 1, 2, 1, "@blocking @list @slow @write", "list", "6.2.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"BLMPOP", -5, "blocking movablekeys write", 0, 0, 0, "@blocking @list @slow @write", "list", "7.0.0", _k("RW access delete", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"BLPOP", -3, "blocking write", 1, -2, 1, "@blocking @list @slow @write", "list", "2.0.0", _k("RW access delete", 1, Range(-2, 1, 0))),
    _c(b"BRPOP", -3, "blocking write", 1, -2, 1, "@blocking @list @slow @write", "list", "2.0.0", _k("RW access delete", 1, Range(-2, 1, 0))),
    _c(b"BRPOPLPUSH", 4, "blocking denyoom write", 1, 2, 1, "@blocking @list @slow @write", "list", "2.2.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"BZMPOP", -5, "blocking movablekeys write", 0, 0, 0, "@blocking @slow @sortedset @write", "sorted-set", "7.0.0", _k("RW access delete", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"BZPOPMAX", -3, "blocking fast write", 1, -2, 1, "@blocking @fast @sortedset @write", "sorted-set", "5.0.0", _k("RW access delete", 1, Range(-2, 1, 0))),
    _c(b"BZPOPMIN", -3, "blocking fast write", 1, -2, 1, "@blocking @fast @sortedset @write", "sorted-set", "5.0.0", _k("RW access delete", 1, Range(-2, 1, 0))),
    _c(b"CLIENT", -2, "", 0, 0, 0, "@slow", "connection", "2.4.0"),
    _c(b"CLIENT CACHING", 3, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "6.0.0"),
    _c(b"CLIENT CAPA", -3, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "8.0.0", servers="valkey-9.1"),
    _c(b"CLIENT GETNAME", 2, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "2.6.9"),
    _c(b"CLIENT GETREDIR", 2, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "6.0.0"),
    _c(b"CLIENT HELP", 2, "loading stale", 0, 0, 0, "@connection @slow", "connection", "5.0.0"),
    _c(b"CLIENT ID", 2, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "5.0.0"),
    _c(b"CLIENT IMPORT-SOURCE", 3, "loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "8.1.0", servers="valkey-9.1"),
    _c(b"CLIENT INFO", 2, "loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "6.2.0", tips="nondeterministic_output"),
    _c(b"CLIENT KILL", -3, "admin loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "2.4.0"),
    _c(b"CLIENT LIST", -2, "admin loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "2.4.0", tips="nondeterministic_output"),
    _c(b"CLIENT NO-EVICT", 3, "admin allow_busy loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"CLIENT NO-TOUCH", 3, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "7.2.0", servers="valkey-9.1"),
    _c(b"CLIENT PAUSE", -3, "admin loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "3.0.0"),
    _c(b"CLIENT REPLY", 3, "allow_busy loading no_multi noscript stale", 0, 0, 0, "@connection @slow", "connection", "3.2.0"),
    _c(b"CLIENT SETINFO", 4, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "7.2.0", tips="request_policy:all_nodes response_policy:all_succeeded", servers="valkey-9.1"),
    _c(b"CLIENT SETNAME", 3, "allow_busy loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "2.6.9", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"CLIENT TRACKING", -3, "loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "6.0.0"),
    _c(b"CLIENT TRACKINGINFO", 2, "loading noscript stale", 0, 0, 0, "@connection @slow", "connection", "6.2.0"),
    _c(b"CLIENT UNBLOCK", -3, "admin loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "5.0.0"),
    _c(b"CLIENT UNPAUSE", 2, "admin loading noscript stale", 0, 0, 0, "@admin @connection @dangerous @slow", "connection", "6.2.0"),
    _c(b"CLUSTER", -2, "", 0, 0, 0, "@slow", "cluster", "3.0.0"),
    _c(b"CLUSTER ADDSLOTS", -3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER ADDSLOTSRANGE", -4, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"CLUSTER BUMPEPOCH", 2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER CANCELSLOTMIGRATIONS", 2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "9.0.0", servers="valkey-9.1"),
    _c(b"CLUSTER COUNT-FAILURE-REPORTS", 3, "admin stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER COUNTKEYSINSLOT", 3, "stale", 0, 0, 0, "@slow", "cluster", "3.0.0"),
    _c(b"CLUSTER DELSLOTS", -3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER DELSLOTSRANGE", -4, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"CLUSTER FAILOVER", -2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER FLUSHSLOT", -3, "admin no_async_loading write", 0, 0, 0, "@admin @dangerous @keyspace @slow @write", "cluster", "9.0.0", servers="valkey-9.1"),
    _c(b"CLUSTER FLUSHSLOTS", 2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER FORGET", 3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER GETKEYSINSLOT", 4, "stale", 0, 0, 0, "@slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER GETSLOTMIGRATIONS", 2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "9.0.0", servers="valkey-9.1"),
    _c(b"CLUSTER HELP", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "5.0.0"),
    _c(b"CLUSTER INFO", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER KEYSLOT", 3, "stale", 0, 0, 0, "@slow", "cluster", "3.0.0"),
    _c(b"CLUSTER LINKS", 2, "stale", 0, 0, 0, "@slow", "cluster", "7.0.0", tips="nondeterministic_output", servers="valkey-9.1 redis-7.0"),
    _c(b"CLUSTER MEET", -4, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER MIGRATESLOTS", -4, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "9.0.0", servers="valkey-9.1"),
    _c(b"CLUSTER MYID", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "3.0.0"),
    _c(b"CLUSTER MYSHARDID", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "7.2.0", tips="nondeterministic_output", servers="valkey-9.1"),
    _c(b"CLUSTER NODES", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER REPLICAS", 3, "admin stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "5.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER REPLICATE", -3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER RESET", -2, "admin noscript stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER SAVECONFIG", 2, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER SET-CONFIG-EPOCH", 3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER SETSLOT", -4, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0"),
    _c(b"CLUSTER SHARDS", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "7.0.0", tips="nondeterministic_output", servers="valkey-9.1 redis-7.0"),
    _c(b"CLUSTER SLAVES", 3, "admin stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "3.0.0", tips="nondeterministic_output", doc="deprecated"),
    _c(b"CLUSTER SLOT-STATS", -4, "loading stale", 0, 0, 0, "@slow", "cluster", "8.0.0", tips="nondeterministic_output request_policy:all_shards", servers="valkey-9.1"),
    _c(b"CLUSTER SLOTS", 2, "loading stale", 0, 0, 0, "@slow", "cluster", "3.0.0", tips="nondeterministic_output"),
    _c(b"CLUSTER SYNCSLOTS", -3, "admin no_async_loading stale", 0, 0, 0, "@admin @dangerous @slow", "cluster", "9.0.0", doc="syscmd", servers="valkey-9.1"),
    _c(b"CLUSTERSCAN", -2, "readonly", 1, 1, 1, "@keyspace @read @slow", "cluster", "9.1.0", _k("not_key", 1, Range(0, 1, 0)), tips="nondeterministic_output request_policy:special response_policy:special", servers="valkey-9.1"),
    _c(b"COMMAND", -1, "loading stale", 0, 0, 0, "@connection @slow", "server", "2.8.13", tips="nondeterministic_output_order"),
    _c(b"COMMAND COUNT", 2, "loading stale", 0, 0, 0, "@connection @slow", "server", "2.8.13"),
    _c(b"COMMAND DOCS", -2, "loading stale", 0, 0, 0, "@connection @slow", "server", "7.0.0", tips="nondeterministic_output_order", servers="valkey-9.1 redis-7.0"),
    _c(b"COMMAND GETKEYS", -3, "loading stale", 0, 0, 0, "@connection @slow", "server", "2.8.13"),
    _c(b"COMMAND GETKEYSANDFLAGS", -3, "loading stale", 0, 0, 0, "@connection @slow", "server", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"COMMAND HELP", 2, "loading stale", 0, 0, 0, "@connection @slow", "server", "5.0.0"),
    _c(b"COMMAND INFO", -2, "loading stale", 0, 0, 0, "@connection @slow", "server", "2.8.13", tips="nondeterministic_output_order"),
    _c(b"COMMAND LIST", -2, "loading stale", 0, 0, 0, "@connection @slow", "server", "7.0.0", tips="nondeterministic_output_order", servers="valkey-9.1 redis-7.0"),
    _c(b"COMMANDLOG", -2, "", 0, 0, 0, "@slow", "server", "8.1.0", servers="valkey-9.1"),
    _c(b"COMMANDLOG GET", 4, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "8.1.0", tips="nondeterministic_output request_policy:all_nodes", servers="valkey-9.1"),
    _c(b"COMMANDLOG HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "8.1.0", servers="valkey-9.1"),
    _c(b"COMMANDLOG LEN", 3, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "8.1.0", tips="nondeterministic_output request_policy:all_nodes response_policy:agg_sum", servers="valkey-9.1"),
    _c(b"COMMANDLOG RESET", 3, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "8.1.0", tips="request_policy:all_nodes response_policy:all_succeeded", servers="valkey-9.1"),
    _c(b"CONFIG", -2, "", 0, 0, 0, "@slow", "server", "2.0.0"),
    _c(b"CONFIG GET", -3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.0.0"),
    _c(b"CONFIG HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "5.0.0"),
    _c(b"CONFIG RESETSTAT", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.0.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"CONFIG REWRITE", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"CONFIG SET", -4, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.0.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"COPY", -3, "denyoom write", 1, 2, 1, "@keyspace @slow @write", "generic", "6.2.0", _k("RO access", 1, Range(0, 1, 0)), _k("OW update", 2, Range(0, 1, 0))),
    _c(b"DBSIZE", 1, "fast readonly", 0, 0, 0, "@fast @keyspace @read", "server", "1.0.0", tips="request_policy:all_shards response_policy:agg_sum"),
    _c(b"DEBUG", -2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0", doc="syscmd"),
    _c(b"DECR", 2, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"DECRBY", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"DEL", -2, "write", 1, -1, 1, "@keyspace @slow @write", "generic", "1.0.0", _k("RM delete", 1, Range(-1, 1, 0)), tips="request_policy:multi_shard response_policy:agg_sum"),
    _c(b"DELIFEQ", 3, "fast write", 1, 1, 1, "@fast @string @write", "string", "9.0.0", _k("RM delete", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"DISCARD", 1, "allow_busy fast loading noscript stale", 0, 0, 0, "@fast @transaction", "transactions", "2.0.0"),
    _c(b"DUMP", 2, "readonly", 1, 1, 1, "@keyspace @read @slow", "generic", "2.6.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"ECHO", 2, "fast loading stale", 0, 0, 0, "@connection @fast", "connection", "1.0.0"),
    _c(b"EVAL", -3, "movablekeys no_mandatory_keys noscript skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", _k("RW access update", 2, KeyNum(0, 1, 1))),
    _c(b"EVALSHA", -3, "movablekeys no_mandatory_keys noscript skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", _k("RW access update", 2, KeyNum(0, 1, 1))),
    _c(b"EVALSHA_RO", -3, "movablekeys no_mandatory_keys noscript readonly skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", _k("RO access", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"EVAL_RO", -3, "movablekeys no_mandatory_keys noscript readonly skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", _k("RO access", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"EXEC", 1, "loading noscript skip_commandlog stale", 0, 0, 0, "@slow @transaction", "transactions", "1.2.0"),
    _c(b"EXISTS", -2, "fast readonly", 1, -1, 1, "@fast @keyspace @read", "generic", "1.0.0", _k("RO", 1, Range(-1, 1, 0)), tips="request_policy:multi_shard response_policy:agg_sum"),
    _c(b"EXPIRE", -3, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "1.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"EXPIREAT", -3, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "1.2.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"EXPIRETIME", 2, "fast readonly", 1, 1, 1, "@fast @keyspace @read", "generic", "7.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"FAILOVER", -1, "admin noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "6.2.0"),
    _c(b"FCALL", -3, "movablekeys no_mandatory_keys noscript skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", _k("RW access update", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"FCALL_RO", -3, "movablekeys no_mandatory_keys noscript readonly skip_monitor stale", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", _k("RO access", 2, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"FLUSHALL", -1, "write", 0, 0, 0, "@dangerous @keyspace @slow @write", "server", "1.0.0", tips="request_policy:all_shards response_policy:all_succeeded"),
    _c(b"FLUSHDB", -1, "write", 0, 0, 0, "@dangerous @keyspace @slow @write", "server", "1.0.0", tips="request_policy:all_shards response_policy:all_succeeded"),
    _c(b"FUNCTION", -2, "", 0, 0, 0, "@slow", "scripting", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION DELETE", 3, "noscript write", 0, 0, 0, "@scripting @slow @write", "scripting", "7.0.0", tips="request_policy:all_shards response_policy:all_succeeded", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION DUMP", 2, "noscript", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION FLUSH", -2, "noscript write", 0, 0, 0, "@scripting @slow @write", "scripting", "7.0.0", tips="request_policy:all_shards response_policy:all_succeeded", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION HELP", 2, "loading stale", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION KILL", 2, "allow_busy noscript", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", tips="request_policy:all_shards response_policy:one_succeeded", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION LIST", -2, "noscript", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", tips="nondeterministic_output_order", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION LOAD", -3, "denyoom noscript write", 0, 0, 0, "@scripting @slow @write", "scripting", "7.0.0", tips="request_policy:all_shards response_policy:all_succeeded", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION RESTORE", -3, "denyoom noscript write", 0, 0, 0, "@scripting @slow @write", "scripting", "7.0.0", tips="request_policy:all_shards response_policy:all_succeeded", servers="valkey-9.1 redis-7.0"),
    _c(b"FUNCTION STATS", 2, "allow_busy noscript", 0, 0, 0, "@scripting @slow", "scripting", "7.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special", servers="valkey-9.1 redis-7.0"),
    _c(b"GEOADD", -5, "denyoom write", 1, 1, 1, "@geo @slow @write", "geo", "3.2.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"GEODIST", -4, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "3.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEOHASH", -2, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "3.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEOPOS", -2, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "3.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEORADIUS", -6, "denyoom movablekeys write", 1, 1, 1, "@geo @slow @write", "geo", "3.2.0", _k("RO access", 1, Range(0, 1, 0)), _k("OW update variable_flags", Keyword(b"STORE", 6), Range(0, 1, 0)), _k("OW update variable_flags", Keyword(b"STOREDIST", 6), Range(0, 1, 0))),
    _c(b"GEORADIUSBYMEMBER", -5, "denyoom movablekeys write", 1, 1, 1, "@geo @slow @write", "geo", "3.2.0", _k("RO access", 1, Range(0, 1, 0)), _k("OW update variable_flags", Keyword(b"STORE", 5), Range(0, 1, 0)), _k("OW update variable_flags", Keyword(b"STOREDIST", 5), Range(0, 1, 0))),
    _c(b"GEORADIUSBYMEMBER_RO", -5, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "3.2.10", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEORADIUS_RO", -6, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "3.2.10", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEOSEARCH", -7, "readonly", 1, 1, 1, "@geo @read @slow", "geo", "6.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GEOSEARCHSTORE", -8, "denyoom write", 1, 2, 1, "@geo @slow @write", "geo", "6.2.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, Range(0, 1, 0))),
    _c(b"GET", 2, "fast readonly", 1, 1, 1, "@fast @read @string", "string", "1.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GETBIT", 3, "fast readonly", 1, 1, 1, "@bitmap @fast @read", "bitmap", "2.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GETDEL", 2, "fast write", 1, 1, 1, "@fast @string @write", "string", "6.2.0", _k("RW access delete", 1, Range(0, 1, 0))),
    _c(b"GETEX", -2, "fast write", 1, 1, 1, "@fast @string @write", "string", "6.2.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"GETRANGE", 4, "readonly", 1, 1, 1, "@read @slow @string", "string", "2.4.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"GETSET", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"HDEL", -3, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"HELLO", -1, "allow_busy fast loading no_auth noscript stale", 0, 0, 0, "@connection @fast", "connection", "6.0.0"),
    _c(b"HEXISTS", 3, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "2.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"HEXPIRE", -6, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HEXPIREAT", -6, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HEXPIRETIME", -5, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "9.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HGET", 3, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "2.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"HGETALL", 2, "readonly", 1, 1, 1, "@hash @read @slow", "hash", "2.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"HGETDEL", -5, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.1.0", _k("RW access delete", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HGETEX", -5, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW access update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HINCRBY", 4, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"HINCRBYFLOAT", 4, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.6.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"HKEYS", 2, "readonly", 1, 1, 1, "@hash @read @slow", "hash", "2.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"HLEN", 2, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "2.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"HMGET", -3, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "2.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"HMSET", -4, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"HPERSIST", -5, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HPEXPIRE", -6, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HPEXPIREAT", -6, "fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW update", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HPEXPIRETIME", -5, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "9.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HPTTL", -5, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "9.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HRANDFIELD", -2, "readonly", 1, 1, 1, "@hash @read @slow", "hash", "6.2.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"HSCAN", -3, "readonly", 1, 1, 1, "@hash @read @slow", "hash", "2.8.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"HSET", -4, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"HSETEX", -6, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "9.0.0", _k("RW insert", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HSETNX", 4, "denyoom fast write", 1, 1, 1, "@fast @hash @write", "hash", "2.0.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"HSTRLEN", 3, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "3.2.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"HTTL", -5, "fast readonly", 1, 1, 1, "@fast @hash @read", "hash", "9.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1"),
    _c(b"HVALS", 2, "readonly", 1, 1, 1, "@hash @read @slow", "hash", "2.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"INCR", 2, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"INCRBY", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"INCRBYFLOAT", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "2.6.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"INFO", -1, "loading stale", 0, 0, 0, "@dangerous @slow", "server", "1.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special"),
    _c(b"KEYS", 2, "readonly", 0, 0, 0, "@dangerous @keyspace @read @slow", "generic", "1.0.0", tips="nondeterministic_output_order request_policy:all_shards"),
    _c(b"LASTSAVE", 1, "fast loading stale", 0, 0, 0, "@admin @dangerous @fast", "server", "1.0.0", tips="nondeterministic_output"),
    _c(b"LATENCY", -2, "", 0, 0, 0, "@slow", "server", "2.8.13"),
    _c(b"LATENCY DOCTOR", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.13", tips="nondeterministic_output request_policy:all_nodes response_policy:special"),
    _c(b"LATENCY GRAPH", 3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.13", tips="nondeterministic_output request_policy:all_nodes response_policy:special"),
    _c(b"LATENCY HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "2.8.13"),
    _c(b"LATENCY HISTOGRAM", -2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "7.0.0", tips="nondeterministic_output request_policy:all_nodes response_policy:special", servers="valkey-9.1 redis-7.0"),
    _c(b"LATENCY HISTORY", 3, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.13", tips="nondeterministic_output request_policy:all_nodes response_policy:special"),
    _c(b"LATENCY LATEST", 2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.13", tips="nondeterministic_output request_policy:all_nodes response_policy:special"),
    _c(b"LATENCY RESET", -2, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.13", tips="request_policy:all_nodes response_policy:agg_sum"),
    _c(b"LCS", -3, "readonly", 1, 2, 1, "@read @slow @string", "string", "7.0.0", _k("RO access", 1, Range(1, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"LINDEX", 3, "readonly", 1, 1, 1, "@list @read @slow", "list", "1.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"LINSERT", 5, "denyoom write", 1, 1, 1, "@list @slow @write", "list", "2.2.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"LLEN", 2, "fast readonly", 1, 1, 1, "@fast @list @read", "list", "1.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"LMOVE", 5, "denyoom write", 1, 2, 1, "@list @slow @write", "list", "6.2.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"LMPOP", -4, "movablekeys write", 0, 0, 0, "@list @slow @write", "list", "7.0.0", _k("RW access delete", 1, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"LOLWUT", -1, "fast readonly", 0, 0, 0, "@fast @read", "server", "5.0.0"),
    _c(b"LPOP", -2, "fast write", 1, 1, 1, "@fast @list @write", "list", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0))),
    _c(b"LPOS", -3, "readonly", 1, 1, 1, "@list @read @slow", "list", "6.0.6", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"LPUSH", -3, "denyoom fast write", 1, 1, 1, "@fast @list @write", "list", "1.0.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"LPUSHX", -3, "denyoom fast write", 1, 1, 1, "@fast @list @write", "list", "2.2.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"LRANGE", 4, "readonly", 1, 1, 1, "@list @read @slow", "list", "1.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"LREM", 4, "write", 1, 1, 1, "@list @slow @write", "list", "1.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"LSET", 4, "denyoom write", 1, 1, 1, "@list @slow @write", "list", "1.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"LTRIM", 4, "write", 1, 1, 1, "@list @slow @write", "list", "1.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"MEMORY", -2, "", 0, 0, 0, "@slow", "server", "4.0.0"),
    _c(b"MEMORY DOCTOR", 2, "", 0, 0, 0, "@slow", "server", "4.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special"),
    _c(b"MEMORY HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "4.0.0"),
    _c(b"MEMORY MALLOC-STATS", 2, "loading", 0, 0, 0, "@slow", "server", "4.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special"),
    _c(b"MEMORY PURGE", 2, "loading", 0, 0, 0, "@slow", "server", "4.0.0", tips="request_policy:all_shards response_policy:all_succeeded"),
    _c(b"MEMORY STATS", 2, "", 0, 0, 0, "@slow", "server", "4.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special"),
    _c(b"MEMORY USAGE", -3, "readonly", 2, 2, 1, "@read @slow", "server", "4.0.0", _k("RO", 2, Range(0, 1, 0))),
    _c(b"MGET", -2, "fast readonly", 1, -1, 1, "@fast @read @string", "string", "1.0.0", _k("RO access", 1, Range(-1, 1, 0)), tips="request_policy:multi_shard"),
    _c(b"MIGRATE", -6, "movablekeys write", 3, 3, 1, "@dangerous @keyspace @slow @write", "generic", "2.6.0", _k("RW access delete", 3, Range(0, 1, 0)), _k("RW access delete incomplete", Keyword(b"KEYS", -2), Range(-1, 1, 0)), tips="nondeterministic_output"),
    _c(b"MODULE", -2, "", 0, 0, 0, "@slow", "server", "4.0.0"),
    _c(b"MODULE HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "5.0.0"),
    _c(b"MODULE LIST", 2, "admin noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "4.0.0", tips="nondeterministic_output_order"),
    _c(b"MODULE LOAD", -3, "admin no_async_loading noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "4.0.0"),
    _c(b"MODULE LOADEX", -3, "admin no_async_loading noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"MODULE UNLOAD", 3, "admin no_async_loading noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "4.0.0"),
    _c(b"MONITOR", 1, "admin loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"MOVE", 3, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "1.0.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"MSET", -3, "denyoom write", 1, -1, 2, "@slow @string @write", "string", "1.0.1", _k("OW update", 1, Range(-1, 2, 0)), tips="request_policy:multi_shard response_policy:all_succeeded"),
    _c(b"MSETEX", -4, "denyoom movablekeys write", 0, 0, 0, "@slow @string @write", "string", "9.1.0", _k("OW update", 1, KeyNum(0, 1, 2)), tips="request_policy:multi_shard response_policy:all_succeeded", servers="valkey-9.1"),
    _c(b"MSETNX", -3, "denyoom write", 1, -1, 2, "@slow @string @write", "string", "1.0.1", _k("OW insert", 1, Range(-1, 2, 0))),
    _c(b"MULTI", 1, "allow_busy fast loading no_multi noscript stale", 0, 0, 0, "@fast @transaction", "transactions", "1.2.0"),
    _c(b"OBJECT", -2, "", 0, 0, 0, "@slow", "generic", "2.2.3"),
    _c(b"OBJECT ENCODING", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", _k("RO", 2, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"OBJECT FREQ", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "4.0.0", _k("RO", 2, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"OBJECT HELP", 2, "loading stale", 0, 0, 0, "@keyspace @slow", "generic", "6.2.0"),
    _c(b"OBJECT IDLETIME", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", _k("RO", 2, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"OBJECT REFCOUNT", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", "generic", "2.2.3", _k("RO", 2, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"PERSIST", 2, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "2.2.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"PEXPIRE", -3, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "2.6.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"PEXPIREAT", -3, "fast write", 1, 1, 1, "@fast @keyspace @write", "generic", "2.6.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"PEXPIRETIME", 2, "fast readonly", 1, 1, 1, "@fast @keyspace @read", "generic", "7.0.0", _k("RO access", 1, Range(0, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"PFADD", -2, "denyoom fast write", 1, 1, 1, "@fast @hyperloglog @write", "hyperloglog", "2.8.9", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"PFCOUNT", -2, "readonly", 1, -1, 1, "@hyperloglog @read @slow", "hyperloglog", "2.8.9", _k("RW access", 1, Range(-1, 1, 0))),
    _c(b"PFDEBUG", 3, "admin denyoom write", 2, 2, 1, "@admin @dangerous @hyperloglog @slow @write", "hyperloglog", "2.8.9", _k("RW access", 2, Range(0, 1, 0)), doc="syscmd"),
    _c(b"PFMERGE", -2, "denyoom write", 1, -1, 1, "@hyperloglog @slow @write", "hyperloglog", "2.8.9", _k("RW access insert", 1, Range(0, 1, 0)), _k("RO access", 2, Range(-1, 1, 0))),
    _c(b"PFSELFTEST", 1, "admin", 0, 0, 0, "@admin @dangerous @hyperloglog @slow", "hyperloglog", "2.8.9", doc="syscmd"),
    _c(b"PING", -1, "fast", 0, 0, 0, "@connection @fast", "connection", "1.0.0", tips="request_policy:all_shards response_policy:all_succeeded"),
    _c(b"PSETEX", 4, "denyoom write", 1, 1, 1, "@slow @string @write", "string", "2.6.0", _k("OW update", 1, Range(0, 1, 0))),
    _c(b"PSUBSCRIBE", -2, "loading noscript pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.0.0"),
    _c(b"PSYNC", -3, "admin no_async_loading no_multi noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "2.8.0"),
    _c(b"PTTL", 2, "fast readonly", 1, 1, 1, "@fast @keyspace @read", "generic", "2.6.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"PUBLISH", 3, "fast loading pubsub stale", 0, 0, 0, "@fast @pubsub", "pubsub", "2.0.0"),
    _c(b"PUBSUB", -2, "", 0, 0, 0, "@slow", "pubsub", "2.8.0"),
    _c(b"PUBSUB CHANNELS", -2, "loading pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.8.0"),
    _c(b"PUBSUB HELP", 2, "loading stale", 0, 0, 0, "@slow", "pubsub", "6.2.0"),
    _c(b"PUBSUB NUMPAT", 2, "loading pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.8.0"),
    _c(b"PUBSUB NUMSUB", -2, "loading pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.8.0"),
    _c(b"PUBSUB SHARDCHANNELS", -2, "loading pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"PUBSUB SHARDNUMSUB", -2, "loading pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "7.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"PUNSUBSCRIBE", -1, "loading noscript pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.0.0"),
    _c(b"QUIT", -1, "allow_busy fast loading no_auth noscript stale", 0, 0, 0, "@connection @fast", "connection", "1.0.0", servers="valkey-9.1 redis-7.0"),
    _c(b"RANDOMKEY", 1, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "1.0.0", tips="nondeterministic_output request_policy:all_shards response_policy:special"),
    _c(b"READONLY", 1, "fast loading stale", 0, 0, 0, "@connection @fast", "cluster", "3.0.0"),
    _c(b"READWRITE", 1, "fast loading stale", 0, 0, 0, "@connection @fast", "cluster", "3.0.0"),
    _c(b"RENAME", 3, "write", 1, 2, 1, "@keyspace @slow @write", "generic", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("OW update", 2, Range(0, 1, 0))),
    _c(b"RENAMENX", 3, "fast write", 1, 2, 1, "@fast @keyspace @write", "generic", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("OW insert", 2, Range(0, 1, 0))),
    _c(b"REPLCONF", -1, "admin allow_busy loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "3.0.0", doc="syscmd"),
    _c(b"REPLICAOF", 3, "admin no_async_loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "5.0.0"),
    _c(b"RESET", 1, "allow_busy fast loading no_auth noscript stale", 0, 0, 0, "@connection @fast", "connection", "6.2.0"),
    _c(b"RESTORE", -4, "denyoom write", 1, 1, 1, "@dangerous @keyspace @slow @write", "generic", "2.6.0", _k("OW update", 1, Range(0, 1, 0))),
    _c(b"RESTORE-ASKING", -4, "asking denyoom write", 1, 1, 1, "@dangerous @keyspace @slow @write", "server", "3.0.0", _k("OW update", 1, Range(0, 1, 0)), doc="syscmd"),
    _c(b"ROLE", 1, "fast loading noscript stale", 0, 0, 0, "@admin @dangerous @fast", "server", "2.8.12"),
    _c(b"RPOP", -2, "fast write", 1, 1, 1, "@fast @list @write", "list", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0))),
    _c(b"RPOPLPUSH", 3, "denyoom write", 1, 2, 1, "@list @slow @write", "list", "1.2.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"RPUSH", -3, "denyoom fast write", 1, 1, 1, "@fast @list @write", "list", "1.0.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"RPUSHX", -3, "denyoom fast write", 1, 1, 1, "@fast @list @write", "list", "2.2.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"SADD", -3, "denyoom fast write", 1, 1, 1, "@fast @set @write", "set", "1.0.0", _k("RW insert", 1, Range(0, 1, 0))),
    _c(b"SAVE", 1, "admin no_async_loading no_multi noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"SCAN", -2, "readonly", 0, 0, 0, "@keyspace @read @slow", "generic", "2.8.0", tips="nondeterministic_output request_policy:special response_policy:special"),
    _c(b"SCARD", 2, "fast readonly", 1, 1, 1, "@fast @read @set", "set", "1.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"SCRIPT", -2, "", 0, 0, 0, "@slow", "scripting", "2.6.0"),
    _c(b"SCRIPT DEBUG", -3, "noscript", 0, 0, 0, "@scripting @slow", "scripting", "3.2.0"),
    _c(b"SCRIPT EXISTS", -3, "noscript stale", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", tips="request_policy:all_shards response_policy:agg_logical_and"),
    _c(b"SCRIPT FLUSH", -2, "noscript stale", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"SCRIPT HELP", 2, "loading stale", 0, 0, 0, "@scripting @slow", "scripting", "5.0.0"),
    _c(b"SCRIPT KILL", 2, "allow_busy noscript", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", tips="request_policy:all_shards response_policy:one_succeeded"),
    _c(b"SCRIPT LOAD", 3, "noscript stale", 0, 0, 0, "@scripting @slow", "scripting", "2.6.0", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"SCRIPT SHOW", 3, "noscript stale", 0, 0, 0, "@scripting @slow", "scripting", "8.0.0", servers="valkey-9.1"),
    _c(b"SDIFF", -2, "readonly", 1, -1, 1, "@read @set @slow", "set", "1.0.0", _k("RO access", 1, Range(-1, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"SDIFFSTORE", -3, "denyoom write", 1, -1, 1, "@set @slow @write", "set", "1.0.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, Range(-1, 1, 0))),
    _c(b"SELECT", 2, "allow_busy fast loading stale", 0, 0, 0, "@connection @fast", "connection", "1.0.0"),
    _c(b"SET", -3, "denyoom write", 1, 1, 1, "@slow @string @write", "string", "1.0.0", _k("RW access update variable_flags", 1, Range(0, 1, 0))),
    _c(b"SETBIT", 4, "denyoom write", 1, 1, 1, "@bitmap @slow @write", "bitmap", "2.2.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"SETEX", 4, "denyoom write", 1, 1, 1, "@slow @string @write", "string", "2.0.0", _k("OW update", 1, Range(0, 1, 0))),
    _c(b"SETNX", 3, "denyoom fast write", 1, 1, 1, "@fast @string @write", "string", "1.0.0", _k("OW insert", 1, Range(0, 1, 0))),
    _c(b"SETRANGE", 4, "denyoom write", 1, 1, 1, "@slow @string @write", "string", "2.2.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"SHUTDOWN", -1, "admin allow_busy loading no_multi noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"SINTER", -2, "readonly", 1, -1, 1, "@read @set @slow", "set", "1.0.0", _k("RO access", 1, Range(-1, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"SINTERCARD", -3, "movablekeys readonly", 0, 0, 0, "@read @set @slow", "set", "7.0.0", _k("RO access", 1, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"SINTERSTORE", -3, "denyoom write", 1, -1, 1, "@set @slow @write", "set", "1.0.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, Range(-1, 1, 0))),
    _c(b"SISMEMBER", 3, "fast readonly", 1, 1, 1, "@fast @read @set", "set", "1.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"SLAVEOF", 3, "admin no_async_loading noscript stale", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0", doc="deprecated"),
    _c(b"SLOWLOG", -2, "", 0, 0, 0, "@slow", "server", "2.2.12"),
    _c(b"SLOWLOG GET", -2, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.2.12", tips="nondeterministic_output request_policy:all_nodes"),
    _c(b"SLOWLOG HELP", 2, "loading stale", 0, 0, 0, "@slow", "server", "6.2.0"),
    _c(b"SLOWLOG LEN", 2, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.2.12", tips="nondeterministic_output request_policy:all_nodes response_policy:agg_sum"),
    _c(b"SLOWLOG RESET", 2, "admin loading stale", 0, 0, 0, "@admin @dangerous @slow", "server", "2.2.12", tips="request_policy:all_nodes response_policy:all_succeeded"),
    _c(b"SMEMBERS", 2, "readonly", 1, 1, 1, "@read @set @slow", "set", "1.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"SMISMEMBER", -3, "fast readonly", 1, 1, 1, "@fast @read @set", "set", "6.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"SMOVE", 4, "fast write", 1, 2, 1, "@fast @set @write", "set", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0)), _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"SORT", -2, "denyoom movablekeys write", 1, 1, 1, "@dangerous @list @set @slow @sortedset @write", "generic", "1.0.0", _k("RO access", 1, Range(0, 1, 0)), _k("RO access", None, None), _k("OW update", None, None)),
    _c(b"SORT_RO", -2, "movablekeys readonly", 1, 1, 1, "@dangerous @list @read @set @slow @sortedset", "generic", "7.0.0", _k("RO access", 1, Range(0, 1, 0)), _k("RO access", None, None), servers="valkey-9.1 redis-7.0"),
    _c(b"SPOP", -2, "fast write", 1, 1, 1, "@fast @set @write", "set", "1.0.0", _k("RW access delete", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"SPUBLISH", 3, "fast loading pubsub stale", 1, 1, 1, "@fast @pubsub", "pubsub", "7.0.0", _k("not_key", 1, Range(0, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"SRANDMEMBER", -2, "readonly", 1, 1, 1, "@read @set @slow", "set", "1.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"SREM", -3, "fast write", 1, 1, 1, "@fast @set @write", "set", "1.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"SSCAN", -3, "readonly", 1, 1, 1, "@read @set @slow", "set", "2.8.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"SSUBSCRIBE", -2, "loading noscript pubsub stale", 1, -1, 1, "@pubsub @slow", "pubsub", "7.0.0", _k("not_key", 1, Range(-1, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"STRALGO", -2, "movablekeys readonly", 0, 0, 0, "@read @slow @string", "", "", servers="redis-6.2"),
    _c(b"STRLEN", 2, "fast readonly", 1, 1, 1, "@fast @read @string", "string", "2.2.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"SUBSCRIBE", -2, "loading noscript pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.0.0"),
    _c(b"SUBSTR", 4, "readonly", 1, 1, 1, "@read @slow @string", "string", "1.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"SUNION", -2, "readonly", 1, -1, 1, "@read @set @slow", "set", "1.0.0", _k("RO access", 1, Range(-1, 1, 0)), tips="nondeterministic_output_order"),
    _c(b"SUNIONSTORE", -3, "denyoom write", 1, -1, 1, "@set @slow @write", "set", "1.0.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, Range(-1, 1, 0))),
    _c(b"SUNSUBSCRIBE", -1, "loading noscript pubsub stale", 1, -1, 1, "@pubsub @slow", "pubsub", "7.0.0", _k("not_key", 1, Range(-1, 1, 0)), servers="valkey-9.1 redis-7.0"),
    _c(b"SWAPDB", 3, "fast write", 0, 0, 0, "@dangerous @fast @keyspace @write", "server", "4.0.0"),
    _c(b"SYNC", 1, "admin no_async_loading no_multi noscript", 0, 0, 0, "@admin @dangerous @slow", "server", "1.0.0"),
    _c(b"TIME", 1, "fast loading stale", 0, 0, 0, "@fast", "server", "2.6.0", tips="nondeterministic_output"),
    _c(b"TOUCH", -2, "fast readonly", 1, -1, 1, "@fast @keyspace @read", "generic", "3.2.1", _k("RO", 1, Range(-1, 1, 0)), tips="request_policy:multi_shard response_policy:agg_sum"),
    _c(b"TTL", 2, "fast readonly", 1, 1, 1, "@fast @keyspace @read", "generic", "1.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"TYPE", 2, "fast readonly", 1, 1, 1, "@fast @keyspace @read", "generic", "1.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"UNLINK", -2, "fast write", 1, -1, 1, "@fast @keyspace @write", "generic", "4.0.0", _k("RM delete", 1, Range(-1, 1, 0)), tips="request_policy:multi_shard response_policy:agg_sum"),
    _c(b"UNSUBSCRIBE", -1, "loading noscript pubsub stale", 0, 0, 0, "@pubsub @slow", "pubsub", "2.0.0"),
    _c(b"UNWATCH", 1, "allow_busy fast loading noscript stale", 0, 0, 0, "@fast @transaction", "transactions", "2.2.0"),
    _c(b"WAIT", 3, "blocking", 0, 0, 0, "@blocking @connection @slow", "generic", "3.0.0", tips="request_policy:all_shards response_policy:agg_min"),
    _c(b"WAITAOF", 4, "blocking", 0, 0, 0, "@blocking @connection @slow", "generic", "7.2.0", tips="request_policy:all_shards response_policy:agg_min", servers="valkey-9.1"),
    _c(b"WATCH", -2, "allow_busy fast loading no_multi noscript stale", 1, -1, 1, "@fast @transaction", "transactions", "2.2.0", _k("RO", 1, Range(-1, 1, 0))),
    _c(b"XACK", -4, "fast write", 1, 1, 1, "@fast @stream @write", "stream", "5.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"XADD", -5, "denyoom fast write", 1, 1, 1, "@fast @stream @write", "stream", "5.0.0", _k("RW update", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"XAUTOCLAIM", -6, "fast write", 1, 1, 1, "@fast @stream @write", "stream", "6.2.0", _k("RW delete", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"XCLAIM", -6, "fast write", 1, 1, 1, "@fast @stream @write", "stream", "5.0.0", _k("RW update", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"XDEL", -3, "fast write", 1, 1, 1, "@fast @stream @write", "stream", "5.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"XGROUP", -2, "", 0, 0, 0, "@slow", "stream", "5.0.0"),
    _c(b"XGROUP CREATE", -5, "denyoom write", 2, 2, 1, "@slow @stream @write", "stream", "5.0.0", _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"XGROUP CREATECONSUMER", 5, "denyoom write", 2, 2, 1, "@slow @stream @write", "stream", "6.2.0", _k("RW insert", 2, Range(0, 1, 0))),
    _c(b"XGROUP DELCONSUMER", 5, "write", 2, 2, 1, "@slow @stream @write", "stream", "5.0.0", _k("RW delete", 2, Range(0, 1, 0))),
    _c(b"XGROUP DESTROY", 4, "write", 2, 2, 1, "@slow @stream @write", "stream", "5.0.0", _k("RW delete", 2, Range(0, 1, 0))),
    _c(b"XGROUP HELP", 2, "loading stale", 0, 0, 0, "@slow @stream", "stream", "5.0.0"),
    _c(b"XGROUP SETID", -5, "write", 2, 2, 1, "@slow @stream @write", "stream", "5.0.0", _k("RW update", 2, Range(0, 1, 0))),
    _c(b"XINFO", -2, "", 0, 0, 0, "@slow", "stream", "5.0.0"),
    _c(b"XINFO CONSUMERS", 4, "readonly", 2, 2, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 2, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"XINFO GROUPS", 3, "readonly", 2, 2, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 2, Range(0, 1, 0))),
    _c(b"XINFO HELP", 2, "loading stale", 0, 0, 0, "@slow @stream", "stream", "5.0.0"),
    _c(b"XINFO STREAM", -3, "readonly", 2, 2, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 2, Range(0, 1, 0))),
    _c(b"XLEN", 2, "fast readonly", 1, 1, 1, "@fast @read @stream", "stream", "5.0.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"XPENDING", -3, "readonly", 1, 1, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"XRANGE", -4, "readonly", 1, 1, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"XREAD", -4, "blocking movablekeys readonly", 0, 0, 0, "@blocking @read @slow @stream", "stream", "5.0.0", _k("RO access", Keyword(b"STREAMS", 1), Range(-1, 1, 2))),
    _c(b"XREADGROUP", -7, "blocking movablekeys write", 0, 0, 0, "@blocking @slow @stream @write", "stream", "5.0.0", _k("RO access", Keyword(b"STREAMS", 4), Range(-1, 1, 2))),
    _c(b"XREVRANGE", -4, "readonly", 1, 1, 1, "@read @slow @stream", "stream", "5.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"XSETID", -3, "denyoom fast write", 1, 1, 1, "@fast @stream @write", "stream", "5.0.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"XTRIM", -4, "write", 1, 1, 1, "@slow @stream @write", "stream", "5.0.0", _k("RW delete", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"ZADD", -4, "denyoom fast write", 1, 1, 1, "@fast @sortedset @write", "sorted-set", "1.2.0", _k("RW update", 1, Range(0, 1, 0))),
    _c(b"ZCARD", 2, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "1.2.0", _k("RO", 1, Range(0, 1, 0))),
    _c(b"ZCOUNT", 4, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "2.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZDIFF", -3, "movablekeys readonly", 0, 0, 0, "@read @slow @sortedset", "sorted-set", "6.2.0", _k("RO access", 1, KeyNum(0, 1, 1))),
    _c(b"ZDIFFSTORE", -4, "denyoom movablekeys write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "6.2.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, KeyNum(0, 1, 1))),
    _c(b"ZINCRBY", 4, "denyoom fast write", 1, 1, 1, "@fast @sortedset @write", "sorted-set", "1.2.0", _k("RW access update", 1, Range(0, 1, 0))),
    _c(b"ZINTER", -3, "movablekeys readonly", 0, 0, 0, "@read @slow @sortedset", "sorted-set", "6.2.0", _k("RO access", 1, KeyNum(0, 1, 1))),
    _c(b"ZINTERCARD", -3, "movablekeys readonly", 0, 0, 0, "@read @slow @sortedset", "sorted-set", "7.0.0", _k("RO access", 1, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"ZINTERSTORE", -4, "denyoom movablekeys write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "2.0.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, KeyNum(0, 1, 1))),
    _c(b"ZLEXCOUNT", 4, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "2.8.9", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZMPOP", -4, "movablekeys write", 0, 0, 0, "@slow @sortedset @write", "sorted-set", "7.0.0", _k("RW access delete", 1, KeyNum(0, 1, 1)), servers="valkey-9.1 redis-7.0"),
    _c(b"ZMSCORE", -3, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "6.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZPOPMAX", -2, "fast write", 1, 1, 1, "@fast @sortedset @write", "sorted-set", "5.0.0", _k("RW access delete", 1, Range(0, 1, 0))),
    _c(b"ZPOPMIN", -2, "fast write", 1, 1, 1, "@fast @sortedset @write", "sorted-set", "5.0.0", _k("RW access delete", 1, Range(0, 1, 0))),
    _c(b"ZRANDMEMBER", -2, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "6.2.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"ZRANGE", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "1.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZRANGEBYLEX", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "2.8.9", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZRANGEBYSCORE", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "1.0.5", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZRANGESTORE", -5, "denyoom write", 1, 2, 1, "@slow @sortedset @write", "sorted-set", "6.2.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, Range(0, 1, 0))),
    _c(b"ZRANK", -3, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "2.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZREM", -3, "fast write", 1, 1, 1, "@fast @sortedset @write", "sorted-set", "1.2.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"ZREMRANGEBYLEX", 4, "write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "2.8.9", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"ZREMRANGEBYRANK", 4, "write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "2.0.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"ZREMRANGEBYSCORE", 4, "write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "1.2.0", _k("RW delete", 1, Range(0, 1, 0))),
    _c(b"ZREVRANGE", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "1.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZREVRANGEBYLEX", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "2.8.9", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZREVRANGEBYSCORE", -4, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "2.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZREVRANK", -3, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "2.0.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZSCAN", -3, "readonly", 1, 1, 1, "@read @slow @sortedset", "sorted-set", "2.8.0", _k("RO access", 1, Range(0, 1, 0)), tips="nondeterministic_output"),
    _c(b"ZSCORE", 3, "fast readonly", 1, 1, 1, "@fast @read @sortedset", "sorted-set", "1.2.0", _k("RO access", 1, Range(0, 1, 0))),
    _c(b"ZUNION", -3, "movablekeys readonly", 0, 0, 0, "@read @slow @sortedset", "sorted-set", "6.2.0", _k("RO access", 1, KeyNum(0, 1, 1))),
    _c(b"ZUNIONSTORE", -4, "denyoom movablekeys write", 1, 1, 1, "@slow @sortedset @write", "sorted-set", "2.0.0", _k("OW update", 1, Range(0, 1, 0)), _k("RO access", 2, KeyNum(0, 1, 1))),
)
# fmt: on

COMMANDS: Final[dict[bytes, CommandInfo]] = {info.name: info for info in _ENTRIES}
"""Every command and subcommand by upper-case name: ``COMMANDS[b"GET"]``,
``COMMANDS[b"CLIENT KILL"]``."""

_CONTAINERS: Final = frozenset(name.partition(b" ")[0] for name in COMMANDS if b" " in name)

# --- hand-kept policy (part of the generator's template) --------------------------------------

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


_RO: Final = _words("RO access")
_OW: Final = _words("OW update")
_RW_DELETE: Final = _words("RW access delete")
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
