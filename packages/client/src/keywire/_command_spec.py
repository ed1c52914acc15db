"""The types of the command table (:mod:`keywire._command_table`) and the constructors its
generated data (:mod:`keywire._command_data`) is written with.

Hand-written; the generator (``tools/gen_command_table.py``) emits calls of :func:`entry` and
:func:`key_spec`, one per command, so that the data module stays data.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

__all__ = [
    "CommandInfo",
    "KeyNum",
    "KeyPositions",
    "KeySpec",
    "Keyword",
    "Range",
    "entry",
    "key_spec",
    "words",
]


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

_INTERNED: dict[str, frozenset[str]] = {}


def words(text: str) -> frozenset[str]:
    """The words of ``text`` as a frozenset, interned so equal sets share one object."""
    found = _INTERNED.get(text)
    if found is None:
        found = _INTERNED[text] = frozenset(text.split())
    return found


def key_spec(flags: str, begin: int | Keyword | None, find: Range | KeyNum | None) -> KeySpec:
    """One key specification: its flags, where the search begins, how keys are found."""
    return KeySpec(words(flags), begin, find)


def entry(  # noqa: PLR0917 - generated entries pass these positionally to stay one line each
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
        words(flags),
        first,
        last,
        step,
        words(acl),
        words(tips),
        key_specs,
        group,
        since,
        words(doc),
        words(servers),
        request,
        response,
        name,
    )
