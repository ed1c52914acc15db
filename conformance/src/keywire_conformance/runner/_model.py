"""The frozen objects a loaded spec file is made of.

They mirror the YAML format one to one (``camelCase`` fields become ``snake_case``); the loader
(:mod:`._loader`) builds them only from files that passed the JSON schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [
    "ADAPTER_OBJECT",
    "RUNNER_OBJECT",
    "SERVER_TOPOLOGIES",
    "TOPOLOGIES",
    "CacheEntity",
    "ClientEntity",
    "Entity",
    "ExpectedError",
    "Operation",
    "RunOnRequirement",
    "SpecFile",
    "SpecTest",
]

RUNNER_OBJECT: Final = "runner"
"""The ``object`` of operations the runner performs itself (wait, killConnection, ...)."""

ADAPTER_OBJECT: Final = "adapter"
"""The ``object`` of unit-style operations the adapter performs without a server (decode)."""

TOPOLOGIES: Final = ("standalone", "replicated", "cluster", "none")
"""Every topology name a requirement can list, in the order the runner prefers them."""

SERVER_TOPOLOGIES: Final = ("standalone", "replicated", "cluster")
"""The topologies that need a server; ``none`` means a unit-style test."""


def _empty() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True)
class RunOnRequirement:
    """One alternative of a ``runOnRequirements`` list; every field given must hold.

    Attributes:
        min_server_version: lowest server version, compared on the components given.
        max_server_version: highest server version (inclusive), compared on the components given.
        topologies: topologies the test may run on, in order of preference; ``None`` = any server.
        resp: RESP versions the run's default protocol must be one of; ``None`` = any.
        server_kinds: ``redis`` and/or ``valkey``; ``None`` = any.
        capabilities: capabilities the adapter must declare.
    """

    min_server_version: tuple[int, ...] | None = None
    max_server_version: tuple[int, ...] | None = None
    topologies: tuple[str, ...] | None = None
    resp: tuple[int, ...] | None = None
    server_kinds: tuple[str, ...] | None = None
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientEntity:
    """A client the adapter creates before each test (``createEntities: [{client: ...}]``).

    Attributes:
        id: the entity id operations name in ``object``.
        protocol: RESP version to speak; ``None`` = the run's default protocol.
        decode_responses: whether replies come back as ``str`` instead of ``bytes``.
        options: adapter-specific options, passed through unchanged.
    """

    id: str
    protocol: int | None = None
    decode_responses: bool = False
    options: Mapping[str, object] = field(default_factory=_empty)


@dataclass(frozen=True)
class CacheEntity:
    """A client-side cache attached to a client entity (``createEntities: [{cache: ...}]``).

    Attributes:
        id: the entity id.
        client: the id of the client entity the cache belongs to.
        options: cache options (max_keys, ...), passed through unchanged.
    """

    id: str
    client: str
    options: Mapping[str, object] = field(default_factory=_empty)


Entity = ClientEntity | CacheEntity
"""Any entity declared in ``createEntities``."""


@dataclass(frozen=True)
class ExpectedError:
    """What an operation's error must look like (``expectError``).

    Attributes:
        error_code: the first word of a server error (``WRONGTYPE``), compared exactly.
        error_contains: a substring of the error message, compared case-insensitively.
        error_type: one of the closed vocabulary in
            :data:`keywire_conformance.adapters.ERROR_KINDS`.
    """

    error_code: str | None = None
    error_contains: str | None = None
    error_type: str | None = None


@dataclass(frozen=True)
class Operation:
    """One step of a test.

    Attributes:
        name: the operation name (``command``, ``decode``, ``wait``, ...).
        target: the YAML ``object``: ``"runner"``, ``"adapter"`` or an entity id.
        arguments: the operation's arguments, still holding argument operators (``$$hex``).
        expect_result: the expected result, meaningful only when ``has_expect_result``.
        has_expect_result: whether ``expectResult`` was given (it may be ``null``).
        expect_error: the expected error, if any.
        save_result_as_entity: entity id under which to keep the result.
        index: the position of the operation in its test (0-based), for messages.
    """

    name: str
    target: str
    arguments: Mapping[str, object] = field(default_factory=_empty)
    expect_result: object = None
    has_expect_result: bool = False
    expect_error: ExpectedError | None = None
    save_result_as_entity: str | None = None
    index: int = 0

    def describe(self) -> str:
        """Return a short human description: ``operation 2 (command on client0)``."""
        return f"operation {self.index} ({self.name} on {self.target})"


@dataclass(frozen=True)
class SpecTest:
    """One test of a spec file.

    Attributes:
        description: unique in its file; the last part of the node id.
        operations: the steps, in order.
        run_on_requirements: alternatives that must hold in addition to the file's.
        skip_reason: when set, the test is always skipped with this reason.
        line: the 0-based line of the test in its file (0 when not known).
    """

    description: str
    operations: tuple[Operation, ...]
    run_on_requirements: tuple[RunOnRequirement, ...] = ()
    skip_reason: str | None = None
    line: int = 0


@dataclass(frozen=True)
class SpecFile:
    """A loaded, schema-checked spec file.

    Attributes:
        path: where it was read from.
        area: the subdirectory of the specs root it lives in (``resp``, ``commands``, ...);
            empty for a file directly in the root.
        description: what the file covers.
        schema_version: the ``schemaVersion`` it declares, as ``(major, minor)``.
        run_on_requirements: alternatives that every test must meet.
        entities: the entities to create before each test.
        initial_data: raw commands to run before each test.
        tests: the tests, in file order.
    """

    path: Path
    area: str
    description: str
    schema_version: tuple[int, int]
    tests: tuple[SpecTest, ...]
    run_on_requirements: tuple[RunOnRequirement, ...] = ()
    entities: tuple[Entity, ...] = ()
    initial_data: tuple[tuple[object, ...], ...] = ()

    @property
    def file_id(self) -> str:
        """The file's id: ``area/file.yaml`` (or ``file.yaml`` at the root)."""
        return f"{self.area}/{self.path.name}" if self.area else self.path.name

    def test_id(self, test: SpecTest) -> str:
        """Return the id of one of its tests: ``area/file.yaml::test description``."""
        return f"{self.file_id}::{test.description}"
