"""The generated command table: lookups, key extraction, routing tips, derived policy sets.

The unit tests need no server. The integration tests compare the committed table with the
harness server's own ``COMMAND INFO`` and ``COMMAND GETKEYS``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

from keywire import _command_data as command_data
from keywire import _command_table as table
from keywire._command_table import (
    CACHEABLE,
    COMMANDS,
    CONNECTION_STATE,
    IDEMPOTENT,
    SOURCES,
    CommandInfo,
    KeyNum,
    KeySpec,
    Keyword,
    Range,
    command_info,
    command_keys,
    key_positions,
    lookup,
    routing,
)

if TYPE_CHECKING:
    from keywire_conformance.servers import Reply, Standalone


def keys(*args: object) -> tuple[object, ...]:
    return command_keys(args)


# --- lookups ----------------------------------------------------------------------------------


def test_lookup_is_a_plain_dict_of_upper_case_bytes() -> None:
    info = COMMANDS[b"GET"]
    assert lookup(b"GET") is info
    assert lookup(b"get") is None  # callers upper-case the name: one dict lookup, no more
    assert info.name == b"GET"
    assert "readonly" in info.flags
    assert "write" not in info.flags


def test_entries_keep_the_legacy_tuple_positions() -> None:
    info = COMMANDS[b"MSET"]
    assert isinstance(info, tuple)
    assert info[:5] == (-3, info.flags, 1, -1, 2)
    assert "write" in info[1]


def test_lookup_of_subcommands() -> None:
    kill = lookup(b"CLIENT KILL")
    assert kill is not None
    assert kill.name == b"CLIENT KILL"
    assert lookup(b"CLIENT", b"kill") is kill
    assert lookup(b"CLIENT", b"no-such-subcommand") is COMMANDS[b"CLIENT"]
    assert "admin" in kill.flags
    assert kill.group == "connection"


def test_command_info_resolves_subcommands_and_any_case() -> None:
    assert command_info(("object", "encoding", "k")) is COMMANDS[b"OBJECT ENCODING"]
    assert command_info((b"CLIENT", b"KILL", b"ID", b"1")) is COMMANDS[b"CLIENT KILL"]
    assert command_info((b"GET", b"KILL")) is COMMANDS[b"GET"]
    assert command_info((b"NOSUCHCOMMAND",)) is None
    assert command_info(()) is None


def test_docs_fields() -> None:
    get = COMMANDS[b"GET"]
    assert (get.group, get.since) == ("string", "1.0.0")
    assert "@read" in get.acl_categories
    assert "deprecated" in COMMANDS[b"SLAVEOF"].doc_flags
    assert "syscmd" in COMMANDS[b"REPLCONF"].doc_flags
    assert not get.doc_flags


def test_sources_and_servers() -> None:
    labels = {label for label, _version in SOURCES}
    assert SOURCES
    assert all(info.servers <= labels and info.servers for info in COMMANDS.values())
    assert COMMANDS[b"GET"].servers == labels
    # A command only an older server has is kept, and says so.
    assert COMMANDS[b"STRALGO"].servers == {"redis-6.2"}
    # Redis 6.2's guard against HTTP requests is not a command.
    assert b"HOST:" not in COMMANDS
    assert b"POST" not in COMMANDS


def test_data_module_says_generated_and_the_table_indexes_all_of_it() -> None:
    doc = command_data.__doc__ or ""
    assert "do not edit" in doc
    assert "tools/gen_command_table.py" in doc
    assert len(table.COMMANDS) == len(command_data.ENTRIES)
    # An entry that names no servers is on every source server.
    assert table.COMMANDS[b"GET"].servers == {label for label, _version in SOURCES}


# --- key extraction ---------------------------------------------------------------------------


def test_keys_of_fixed_position_commands() -> None:
    assert keys(b"GET", b"k") == (b"k",)
    assert keys(b"SET", b"k", b"v", b"EX", b"10", b"GET") == (b"k",)
    assert keys(b"MSET", b"a", b"1", b"b", b"2", b"c", b"3") == (b"a", b"b", b"c")
    assert keys(b"DEL", b"a", b"b", b"c", b"d") == (b"a", b"b", b"c", b"d")
    assert keys(b"BLPOP", b"a", b"b", b"0") == (b"a", b"b")
    assert keys(b"LMOVE", b"src", b"dst", b"LEFT", b"RIGHT") == (b"src", b"dst")
    assert keys(b"PING") == ()


def test_keys_with_the_callers_info() -> None:
    args = (b"MSET", b"a", b"1", b"b", b"2")
    assert command_keys(args, COMMANDS[b"MSET"]) == (b"a", b"b")
    # A container's entry (what COMMANDS.get(args[0]) gives) is resolved to the subcommand.
    assert command_keys((b"OBJECT", b"ENCODING", b"k"), COMMANDS[b"OBJECT"]) == (b"k",)


def test_keys_of_subcommands() -> None:
    assert keys(b"OBJECT", b"ENCODING", b"k") == (b"k",)
    assert keys("object", "encoding", "k") == ("k",)
    assert keys(b"XINFO", b"STREAM", b"s", b"FULL") == (b"s",)
    assert keys(b"CLIENT", b"KILL", b"ID", b"7") == ()
    assert keys(b"CLIENT", b"KILL", b"127.0.0.1:5000") == ()


def test_keys_of_eval_by_numkeys() -> None:
    assert keys(b"EVAL", b"return 1", b"2", b"k1", b"k2", b"arg") == (b"k1", b"k2")
    assert keys(b"EVAL", b"return 1", 2, b"k1", b"k2", b"arg") == (b"k1", b"k2")
    assert keys(b"EVALSHA", b"abc", b"1", b"k1") == (b"k1",)
    assert keys(b"FCALL", b"f", b"1", b"k1", b"a") == (b"k1",)
    assert keys(b"EVAL", b"return 1", b"0", b"arg") == ()
    assert keys(b"EVAL", b"return 1", b"nope", b"k1") == ()  # the server rejects it too
    assert keys(b"EVAL", b"return 1", b"5", b"k1") == ()


def test_keys_of_xread_after_streams() -> None:
    args = (b"XREAD", b"COUNT", b"2", b"BLOCK", b"0", b"STREAMS", b"s1", b"s2", b"0", b"$")
    assert command_keys(args) == (b"s1", b"s2")
    assert keys("XREAD", "streams", "s1", "0") == ("s1",)
    group = (b"XREADGROUP", b"GROUP", b"g", b"c", b"STREAMS", b"a", b"b", b">", b">")
    assert command_keys(group) == (b"a", b"b")
    assert keys(b"XREAD", b"COUNT", b"2") == ()


def test_keys_of_zunionstore_and_friends() -> None:
    assert keys(b"ZUNIONSTORE", b"dst", b"2", b"a", b"b", b"WEIGHTS", b"1", b"2") == (
        b"dst",
        b"a",
        b"b",
    )
    assert keys(b"ZINTER", b"2", b"a", b"b", b"WITHSCORES") == (b"a", b"b")
    assert keys(b"ZDIFFSTORE", b"dst", b"1", b"a") == (b"dst", b"a")
    assert keys(b"LMPOP", b"2", b"a", b"b", b"LEFT") == (b"a", b"b")
    assert keys(b"BZMPOP", b"0", b"1", b"a", b"MIN") == (b"a",)
    assert keys(b"SINTERCARD", b"2", b"a", b"b", b"LIMIT", b"1") == (b"a", b"b")


def test_keys_of_georadius_store() -> None:
    base = (b"GEORADIUS", b"g", b"1", b"2", b"3", b"km")
    assert command_keys(base) == (b"g",)
    assert command_keys((*base, b"STORE", b"dst")) == (b"g", b"dst")
    assert command_keys((*base, b"COUNT", b"1", b"STOREDIST", b"dd")) == (b"g", b"dd")
    positions = key_positions((*base, b"STORE", b"dst"))
    assert positions[1][0] == 7
    assert "OW" in positions[1][1]


def test_keys_of_sort() -> None:
    assert keys(b"SORT", b"k") == (b"k",)
    assert keys(b"SORT", b"k", b"BY", b"w_*", b"LIMIT", b"0", b"5", b"GET", b"#") == (b"k",)
    assert keys(b"SORT", b"k", b"ALPHA", b"STORE", b"dst") == (b"k", b"dst")
    assert keys(b"SORT", b"k", b"STORE", b"d1", b"STORE", b"d2") == (b"k", b"d2")
    # BY's pattern is an argument, not the STORE keyword.
    assert keys(b"SORT", b"k", b"BY", b"STORE") == (b"k",)
    assert keys(b"SORT_RO", b"k", b"GET", b"#") == (b"k",)
    assert [flags for _i, flags in key_positions((b"SORT", b"k", b"STORE", b"d"))] == [
        frozenset({"RO", "access"}),
        frozenset({"OW", "update"}),
    ]


def test_keys_of_migrate() -> None:
    assert keys(b"MIGRATE", b"h", b"6379", b"k", b"0", b"5000") == (b"k",)
    assert keys(b"MIGRATE", b"h", b"6379", b"", b"0", b"5000", b"KEYS", b"a", b"b") == (b"a", b"b")
    # An AUTH password that reads "KEYS" is skipped, as the server does.
    args = (b"MIGRATE", b"h", b"1", b"", b"0", b"10", b"COPY", b"AUTH", b"KEYS", b"KEYS", b"a")
    assert command_keys(args) == (b"a",)
    auth2 = (b"MIGRATE", b"h", b"1", b"", b"0", b"10", b"AUTH2", b"u", b"p", b"KEYS", b"a", b"b")
    assert command_keys(auth2) == (b"a", b"b")


def test_keys_of_stralgo() -> None:
    assert keys(b"STRALGO", b"LCS", b"KEYS", b"a", b"b", b"LEN") == (b"a", b"b")
    assert keys(b"STRALGO", b"LCS", b"STRINGS", b"KEYS", b"b") == ()


def test_key_positions_carry_key_spec_flags() -> None:
    assert key_positions((b"GET", b"k")) == ((1, frozenset({"RO", "access"})),)
    assert key_positions((b"SPUBLISH", b"ch", b"msg")) == ((1, frozenset({"not_key"})),)
    assert key_positions((b"NOSUCHCOMMAND", b"k")) == ()
    assert keys(b"NOSUCHCOMMAND", b"k") == ()


def _sample_args(info: CommandInfo) -> list[tuple[bytes, ...]]:
    """Argument lists of several lengths (at least the arity) for a command."""
    name = info.name.split(b" ")
    least = max(abs(info.arity), len(name))
    lengths = [least] if info.arity > 0 else range(least, least + 7)
    return [(*name, *(b"a%d" % i for i in range(length - len(name)))) for length in lengths]


def test_legacy_range_agrees_with_key_specs_where_keys_do_not_move() -> None:
    checked = 0
    for info in COMMANDS.values():
        if "movablekeys" in info.flags or not info.key_specs:
            continue
        for args in _sample_args(info):
            by_specs = tuple(args[i] for i, _flags in key_positions(args, info))
            assert command_keys(args, info) == by_specs, (info.name, args)
            checked += 1
    assert checked > 300


def test_every_movable_command_has_a_way_to_find_its_keys() -> None:
    for info in COMMANDS.values():
        if "movablekeys" not in info.flags or info.name in table._KEY_FINDERS:
            continue
        assert info.key_specs, info.name
        for spec in info.key_specs:
            assert spec.begin_search is not None, info.name
            assert spec.find_keys is not None, info.name
            assert "incomplete" not in spec.flags, info.name


def test_key_spec_types() -> None:
    (spec,) = COMMANDS[b"XREAD"].key_specs
    assert spec == KeySpec(frozenset({"RO", "access"}), Keyword(b"STREAMS", 1), Range(-1, 1, 2))
    (spec,) = COMMANDS[b"EVAL"].key_specs
    assert isinstance(spec.find_keys, KeyNum)
    assert spec.begin_search == 2


# --- routing tips -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "request_policy", "response_policy"),
    [
        (b"KEYS", "all_shards", None),
        (b"DBSIZE", "all_shards", "agg_sum"),
        (b"SCRIPT LOAD", "all_nodes", "all_succeeded"),
        (b"PING", "all_shards", "all_succeeded"),
        (b"MGET", "multi_shard", None),
        (b"DEL", "multi_shard", "agg_sum"),
        (b"SCRIPT EXISTS", "all_shards", "agg_logical_and"),
        (b"GET", None, None),
        (b"NOSUCHCOMMAND", None, None),
    ],
)
def test_routing_tips(name: bytes, request_policy: str | None, response_policy: str | None) -> None:
    assert routing(name) == (request_policy, response_policy)


def test_routing_of_a_subcommand_by_parts() -> None:
    assert routing(b"SCRIPT", b"load") == ("all_nodes", "all_succeeded")
    assert "request_policy:all_shards" in COMMANDS[b"KEYS"].tips
    assert "nondeterministic_output" in COMMANDS[b"RANDOMKEY"].tips


# --- derived and hand-kept policy -------------------------------------------------------------


def test_cacheable_is_derived_from_flags() -> None:
    for name in (b"GET", b"HGETALL", b"LRANGE", b"SMEMBERS", b"ZRANGE", b"STRLEN", b"TYPE"):
        assert name in CACHEABLE, name
    for name in (b"RANDOMKEY", b"TIME", b"BLPOP", b"SET", b"SRANDMEMBER", b"TTL", b"HTTL"):
        assert name not in CACHEABLE, name
    # The client caches under args[1] alone: a read of several keys must not be cached.
    for name in (b"MGET", b"EXISTS", b"SINTER", b"LCS", b"SORT_RO", b"XREAD"):
        assert name not in CACHEABLE, name
    for name in CACHEABLE:
        info = COMMANDS[name]
        assert "readonly" in info.flags
        assert (info.first_key, info.last_key, info.step) == (1, 1, 1)


def test_each_cacheable_exception_is_needed() -> None:
    for name, reason in table._NOT_CACHEABLE.items():
        assert reason
        assert table._cacheable(COMMANDS[name]), f"{name!r}: the rules already refuse it"


def test_hand_kept_sets_name_known_commands() -> None:
    for name in itertools.chain(IDEMPOTENT, CONNECTION_STATE):
        assert name in COMMANDS, name


# --- against the server -----------------------------------------------------------------------


def _text(value: Reply) -> str:
    assert isinstance(value, bytes | str), value
    return value.decode() if isinstance(value, bytes) else value


def _items(value: Reply) -> list[Reply]:
    assert isinstance(value, list), value
    return value


def _pairs(value: Reply) -> dict[str, Reply]:
    items = _items(value)
    return {_text(items[i]): items[i + 1] for i in range(0, len(items), 2)}


def _words(value: Reply) -> frozenset[str]:
    return frozenset(_text(item) for item in _items(value))


def _server_key_spec(value: Reply) -> KeySpec:
    spec = _pairs(value)
    begin, find = _pairs(spec["begin_search"]), _pairs(spec["find_keys"])
    begin_args, find_args = _pairs(begin["spec"]), _pairs(find["spec"])
    begin_search: int | Keyword | None = None
    if _text(begin["type"]) == "index":
        begin_search = int(begin_args["index"])  # type: ignore[arg-type]
    elif _text(begin["type"]) == "keyword":
        keyword = begin_args["keyword"]
        assert isinstance(keyword, bytes)
        begin_search = Keyword(keyword, int(begin_args["startfrom"]))  # type: ignore[arg-type]
    numbers = {name: int(value) for name, value in find_args.items()}  # type: ignore[arg-type]
    find_keys: Range | KeyNum | None = None
    if _text(find["type"]) == "range":
        find_keys = Range(numbers["lastkey"], numbers["keystep"], numbers["limit"])
    elif _text(find["type"]) == "keynum":
        find_keys = KeyNum(numbers["keynumidx"], numbers["firstkey"], numbers["keystep"])
    return KeySpec(_words(spec["flags"]), begin_search, find_keys)


def _server_label(server: Standalone) -> tuple[str, str]:
    """The server's entry in :data:`SOURCES`, or ``("", "")`` for another server or version."""
    binary = server.node.binary
    found = (binary.label, binary.version_string)
    return found if found in SOURCES else ("", "")


def _server_entries(server: Standalone) -> dict[bytes, list[Reply]]:
    found: dict[bytes, list[Reply]] = {}

    def add(entry: Reply) -> None:
        items = _items(entry)
        found[_text(items[0]).upper().replace("|", " ").encode()] = items
        for sub in _items(items[9]) if len(items) > 9 else []:
            add(sub)

    for entry in _items(server.node.execute("COMMAND")):
        add(entry)
    return found


# Commands whose arity, key range and main flags have not changed between the servers of the
# matrix (Redis 6.2 changed EXPIRE's arity and flagged no command "blocking").
SAMPLE = [
    b"GET",
    b"SET",
    b"MSET",
    b"MGET",
    b"DEL",
    b"EVAL",
    b"EVALSHA",
    b"XREAD",
    b"XADD",
    b"ZUNIONSTORE",
    b"ZRANGE",
    b"GEORADIUS",
    b"SORT",
    b"MIGRATE",
    b"HGETALL",
    b"HSET",
    b"LRANGE",
    b"SMEMBERS",
    b"BITFIELD",
    b"LMOVE",
    b"PUBLISH",
    b"PING",
    b"KEYS",
    b"DBSIZE",
]


@pytest.mark.integration
def test_sample_agrees_with_the_servers_command_info(keywire_standalone: Standalone) -> None:
    node = keywire_standalone.node
    compared = 0
    for name in SAMPLE:
        reply = _items(node.execute("COMMAND", "INFO", name))
        if reply == [None]:
            continue  # a command this server does not have
        items = _items(reply[0])
        info = COMMANDS[name]
        assert (info.arity, info.first_key, info.last_key, info.step) == (items[1], *items[3:6]), (
            name
        )
        main = {"readonly", "write", "movablekeys", "pubsub", "denyoom"}
        assert info.flags & main == _words(items[2]) & main, name
        if keywire_standalone.version >= (7, 0, 0):
            assert ("blocking" in info.flags) == ("blocking" in _words(items[2])), name
        compared += 1
    assert compared >= 20


@pytest.mark.integration
def test_every_server_command_is_in_the_table(keywire_standalone: Standalone) -> None:
    label, _version = _server_label(keywire_standalone)
    for name in _server_entries(keywire_standalone):
        if name in (b"HOST:", b"POST"):
            continue
        assert name in COMMANDS, name
        if label:
            assert label in COMMANDS[name].servers, name


@pytest.mark.integration
def test_the_newest_source_matches_in_full(keywire_standalone: Standalone) -> None:
    """On the server the table was generated from, every field agrees exactly."""
    if _server_label(keywire_standalone) != SOURCES[0]:
        pytest.skip(f"the table's fields are {SOURCES[0]}'s; compared only in part here")
    for name, items in _server_entries(keywire_standalone).items():
        info = COMMANDS[name]
        assert (info.arity, info.first_key, info.last_key, info.step) == (items[1], *items[3:6]), (
            name
        )
        assert info.flags == _words(items[2]), name
        assert info.acl_categories == _words(items[6]), name
        assert info.tips == _words(items[7]), name
        specs = tuple(_server_key_spec(spec) for spec in _items(items[8]))
        assert info.key_specs == specs, name


# Command lines whose keys COMMAND GETKEYS reports; each must also come out of command_keys.
GETKEYS_LINES = [
    (b"GET", b"k"),
    (b"SET", b"k", b"v", b"EX", b"10"),
    (b"MSET", b"a", b"1", b"b", b"2"),
    (b"DEL", b"a", b"b", b"c"),
    (b"EVAL", b"return 1", b"2", b"k1", b"k2", b"arg"),
    (b"EVAL", b"return 1", b"0", b"arg"),
    (b"XREAD", b"COUNT", b"2", b"STREAMS", b"s1", b"s2", b"0", b"0"),
    (b"XREADGROUP", b"GROUP", b"g", b"c", b"STREAMS", b"s1", b">"),
    (b"ZUNIONSTORE", b"dst", b"2", b"a", b"b", b"WEIGHTS", b"1", b"2"),
    (b"ZINTER", b"2", b"a", b"b"),
    (b"OBJECT", b"ENCODING", b"k"),
    (b"XINFO", b"STREAM", b"s"),
    (b"CLIENT", b"KILL", b"ID", b"7"),
    (b"MIGRATE", b"h", b"6379", b"k", b"0", b"5000"),
    (b"MIGRATE", b"h", b"6379", b"", b"0", b"5000", b"REPLACE", b"KEYS", b"a", b"b"),
    (b"SORT", b"k", b"LIMIT", b"0", b"1", b"STORE", b"dst"),
    (b"GEORADIUS", b"g", b"1", b"2", b"3", b"km", b"STORE", b"dst"),
    (b"BLMPOP", b"0", b"2", b"a", b"b", b"LEFT"),
    (b"LMOVE", b"a", b"b", b"LEFT", b"RIGHT"),
    (b"ECHO", b"hi"),
]


@pytest.mark.integration
@pytest.mark.parametrize("args", GETKEYS_LINES, ids=lambda args: b" ".join(args[:2]).decode())
def test_keys_agree_with_command_getkeys(
    keywire_standalone: Standalone, args: tuple[bytes, ...]
) -> None:
    from keywire_conformance.servers import AdminError  # only where the harness is installed

    node = keywire_standalone.node
    if _items(node.execute("COMMAND", "INFO", args[0])) == [None]:
        pytest.skip(f"{args[0]!r} is not a command of this server")
    error = ""
    try:
        expected = tuple(_items(node.execute("COMMAND", "GETKEYS", *args)))
    except AdminError as exc:
        error, expected = str(exc), ()
    # A line without keys is an error: "no key arguments" (7.0+), "Invalid arguments" (6.2).
    assert not error or "key arguments" in error or "Invalid arguments" in error, error
    found = command_keys(args)
    if keywire_standalone.version < (7, 0, 0):
        # Before key specs the server listed some keys in another order (ZUNIONSTORE's
        # destination last).
        assert sorted(map(repr, found)) == sorted(map(repr, expected))
    else:
        assert found == expected
