"""Run one test of a spec file through an adapter.

The order per test: flush the servers and run ``initialData``, create the entities, run the
operations one by one (matching each result or error), and always close the adapter. Nothing here
knows pytest: a failed expectation raises :class:`SpecFailure`, a broken harness action
:class:`HarnessActionError`; the pytest plugin turns requirements into skips.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, cast

from ._errors import SpecFailure
from ._matcher import error_problems, match
from ._model import ADAPTER_OBJECT, RUNNER_OBJECT, CacheEntity, Operation, SpecFile, SpecTest
from ._reshaping import RESHAPING_OPERATIONS, ReshapableCluster, Reshaper

if TYPE_CHECKING:
    from ..adapters import Adapter
    from ._environment import ServerEnvironment

__all__ = [
    "IMPLEMENTED_RUNNER_OPERATIONS",
    "OPERATION_TIMEOUT",
    "resolve_arguments",
    "run_test",
    "run_test_sync",
]

OPERATION_TIMEOUT: Final = 60.0
"""Seconds one operation (or creating an entity, or closing the adapter) may take before the
test fails: a hung client must not hang the run."""

IMPLEMENTED_RUNNER_OPERATIONS: Final = frozenset(
    {"wait", "killConnection", "restartServer", *RESHAPING_OPERATIONS}
)
"""Runner operations this version performs; the schema knows one more (assertCacheSize)."""

_MAX_SHOWN: Final = 300


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def resolve_arguments(value: object, entities: Mapping[str, object]) -> object:
    """Replace argument operators: ``$$hex`` and ``$$bytes`` by bytes, ``$$entity`` by its value.

    Args:
        value: an operation's arguments (or part of them).
        entities: the values saved so far with ``saveResultAsEntity``.

    Returns:
        A copy with plain values only (mappings become dicts, sequences lists).

    Raises:
        SpecFailure: for an ``$$entity`` that was not saved.
    """
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "$$hex":
                return bytes.fromhex("".join(str(argument).split()))
            if key == "$$bytes":
                return str(argument).encode()
            if key == "$$entity":
                if argument not in entities:
                    raise SpecFailure(f"no saved entity {argument!r}")
                return entities[str(argument)]
        return {key: resolve_arguments(item, entities) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve_arguments(item, entities) for item in value]
    return value


class _TestRun:
    def __init__(
        self,
        spec: SpecFile,
        adapter: Adapter,
        environment: ServerEnvironment | None,
        protocol: int,
    ) -> None:
        self.spec = spec
        self.adapter = adapter
        self.environment = environment
        self.protocol = protocol
        self.saved: dict[str, object] = {}
        self.reshaper: Reshaper | None = None

    @property
    def topology(self) -> str:
        return "none" if self.environment is None else self.environment.topology

    async def create_entities(self) -> None:
        addresses = [] if self.environment is None else self.environment.addresses
        for entity in self.spec.entities:
            if isinstance(entity, CacheEntity):
                raise SpecFailure(f"entity {entity.id!r}: cache entities are not implemented yet")
            try:
                async with asyncio.timeout(OPERATION_TIMEOUT):
                    await self.adapter.create_client(
                        entity.id,
                        addresses=list(addresses),
                        topology=self.topology,
                        protocol=entity.protocol or self.protocol,
                        decode_responses=entity.decode_responses,
                        options=entity.options,
                    )
            except Exception as exc:
                info = self.adapter.classify_error(exc)
                raise SpecFailure(
                    f"creating client entity {entity.id!r} failed: {info.kind}: {info.message}"
                ) from exc

    async def run(self, op: Operation) -> None:
        if op.target == RUNNER_OBJECT:
            await self.runner_operation(op)
            return
        arguments = resolve_arguments(op.arguments, self.saved)
        assert isinstance(arguments, dict)
        where = f"{op.describe()} with arguments {_short(arguments)}"
        deadline = asyncio.timeout(OPERATION_TIMEOUT)
        try:
            async with deadline:
                result = await self.adapter.run_operation(op.target, op.name, arguments)
        except NotImplementedError as exc:
            raise SpecFailure(
                f"{where}: adapter {self.adapter.name!r} does not implement {op.name!r} on "
                f"{'the adapter' if op.target == ADAPTER_OBJECT else 'this entity'}"
                + (f" ({exc})" if str(exc) else "")
            ) from exc
        except Exception as exc:
            if deadline.expired():
                raise SpecFailure(f"{where} did not finish within {OPERATION_TIMEOUT:g} s") from exc
            self.check_error(op, where, exc)
            return
        if op.expect_error is not None:
            raise SpecFailure(
                f"{where} was expected to fail ({self.describe_expected_error(op)}) "
                f"but returned {_short(result)}"
            )
        if op.has_expect_result:
            problems = match(
                op.expect_result,
                result,
                entities=self.saved,
                classify_error=self.adapter.classify_error,
            )
            if problems:
                details = "\n  ".join(problems)
                raise SpecFailure(
                    f"{where}: the result does not match\n  {details}\n"
                    f"  expected: {_short(op.expect_result)}\n  actual:   {_short(result)}"
                )
        if op.save_result_as_entity is not None:
            self.saved[op.save_result_as_entity] = result

    @staticmethod
    def describe_expected_error(op: Operation) -> str:
        expected = op.expect_error
        assert expected is not None
        parts = [
            f"{label} {value!r}"
            for label, value in (
                ("errorType", expected.error_type),
                ("errorCode", expected.error_code),
                ("errorContains", expected.error_contains),
            )
            if value is not None
        ]
        return ", ".join(parts) or "any error"

    def check_error(self, op: Operation, where: str, exc: Exception) -> None:
        info = self.adapter.classify_error(exc)
        if op.expect_error is None:
            raise SpecFailure(
                f"{where} raised an unexpected error: {info.kind}"
                + (f" (code {info.code})" if info.code else "")
                + f": {info.message}"
            ) from exc
        problems = error_problems(
            info,
            error_type=op.expect_error.error_type,
            error_code=op.expect_error.error_code,
            error_contains=op.expect_error.error_contains,
        )
        if problems:
            raise SpecFailure(
                f"{where}: the error does not match\n  " + "\n  ".join(problems)
            ) from exc

    async def runner_operation(self, op: Operation) -> None:
        if op.name not in IMPLEMENTED_RUNNER_OPERATIONS:
            raise SpecFailure(f"{op.describe()}: runner operation {op.name} not implemented yet")
        if op.name == "wait":
            ms = op.arguments["ms"]
            await asyncio.sleep(ms / 1000 if isinstance(ms, int | float) else 0)
            return
        if self.environment is None:
            raise SpecFailure(
                f"{op.describe()}: runner operation {op.name} needs a server topology"
            )
        if op.name in RESHAPING_OPERATIONS or (
            op.name == "restartServer" and self.topology == "cluster"
        ):
            if self.topology != "cluster":
                raise SpecFailure(
                    f"{op.describe()}: runner operation {op.name} needs a cluster topology, "
                    f"not {self.topology}"
                )
            if self.reshaper is None:
                self.reshaper = Reshaper(cast("ReshapableCluster", self.environment.target))
            await self.reshaper.run(op.name, op.arguments)
            return
        if op.name == "killConnection":
            client = str(op.arguments["client"])
            ids_of = getattr(self.adapter, "connection_ids", None)
            ids = None if ids_of is None else [int(i) for i in await ids_of(client)]
            await self.environment.kill_connections(ids)
        else:  # restartServer
            node = op.arguments.get("node")
            await self.environment.restart(node if isinstance(node, int) else None)


async def run_test(
    spec: SpecFile,
    test: SpecTest,
    *,
    adapter: Adapter,
    environment: ServerEnvironment | None,
    protocol: int = 3,
) -> None:
    """Run one test; return normally when the client behaved as the spec says.

    Requirements are not checked here (see :func:`unmet_requirements`).

    Args:
        spec: the file the test belongs to (entities, initialData).
        test: the test.
        adapter: a fresh adapter instance; closed before this returns.
        environment: the servers, or ``None`` for unit-style tests (topology ``none``).
        protocol: RESP version of client entities that do not set ``protocol``.

    Raises:
        SpecFailure: when an operation's result or error does not match, or a step the spec
            needs is not implemented.
        HarnessActionError: when flushing, ``initialData`` or a runner operation failed.
    """
    run = _TestRun(spec, adapter, environment, protocol)
    failed = True
    try:
        if environment is not None:
            await environment.prepare(spec.initial_data)
        await run.create_entities()
        for op in test.operations:
            await run.run(op)
        failed = False
    finally:
        try:
            async with asyncio.timeout(OPERATION_TIMEOUT):
                await adapter.close()
        except Exception as exc:
            if not failed:  # do not hide the test's own failure behind a close error
                raise SpecFailure(f"closing adapter {adapter.name!r} failed: {exc!r}") from exc


def run_test_sync(
    spec: SpecFile,
    test: SpecTest,
    *,
    adapter: Adapter,
    environment: ServerEnvironment | None,
    protocol: int = 3,
) -> None:
    """:func:`run_test` in a fresh event loop (``asyncio.run``); same arguments and errors."""
    asyncio.run(run_test(spec, test, adapter=adapter, environment=environment, protocol=protocol))
