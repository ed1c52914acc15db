"""Tests of keywire_conformance.runner._executor.

Operations run through the reference adapter (``decode`` needs no server). The contract tests
(close always called, close errors, timeouts) use a small recording adapter: it stands in for a
client's adapter, it does not pretend to be a Redis server.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters import ErrorInfo, default_classify_error
from keywire_conformance.adapters.reference import ReferenceAdapter
from keywire_conformance.runner import (
    ClientEntity,
    ExpectedError,
    Operation,
    SpecFailure,
    SpecFile,
    SpecTest,
    _executor,
    resolve_arguments,
    run_test,
    run_test_sync,
)

if TYPE_CHECKING:
    from collections.abc import Mapping


class RecordingAdapter:
    """Records calls; ``run_operation`` returns ``arguments["value"]`` or raises / sleeps."""

    name = "recording"
    capabilities = frozenset[str]()

    def __init__(self, *, fail_close: bool = False) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.fail_close = fail_close

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
        self.calls.append(("create", entity_id, topology, str(protocol)))
        if options.get("fail"):
            raise ConnectionRefusedError("refused")

    async def run_operation(
        self, entity_id: str, name: str, arguments: Mapping[str, object]
    ) -> object:
        self.calls.append(("run", entity_id, name))
        if name == "sleep":
            await asyncio.sleep(10)
        if name == "raise":
            raise ValueError("bad value")
        return arguments.get("value")

    def classify_error(self, exc: BaseException) -> ErrorInfo:
        return default_classify_error(exc)

    async def close(self) -> None:
        self.calls.append(("close",))
        if self.fail_close:
            raise RuntimeError("close failed")


def _spec(
    *operations: Operation, entities: tuple[ClientEntity, ...] = ()
) -> tuple[SpecFile, SpecTest]:
    test = SpecTest("t", operations)
    return SpecFile(Path("f.yaml"), "a", "d", (1, 0), (test,), entities=entities), test


def _op(name: str, target: str = "c", **kwargs: object) -> Operation:
    return Operation(name=name, target=target, **kwargs)  # type: ignore[arg-type]


def test_resolve_arguments() -> None:
    saved = {"x": b"saved"}
    value = {"a": [{"$$hex": "00 ff"}, {"$$bytes": "é"}, {"$$entity": "x"}], "b": {"c": 1}}
    assert resolve_arguments(value, saved) == {
        "a": [b"\x00\xff", "é".encode(), b"saved"],
        "b": {"c": 1},
    }
    with pytest.raises(SpecFailure, match="no saved entity 'y'"):
        resolve_arguments({"$$entity": "y"}, saved)


def test_entities_operations_and_close() -> None:
    adapter = RecordingAdapter()
    spec, test = _spec(
        _op("get", arguments={"value": 1}, expect_result=1, has_expect_result=True),
        _op("get", arguments={"value": [1]}, save_result_as_entity="s"),
        _op(
            "get",
            arguments={"value": [1]},
            expect_result={"$$matchesEntity": "s"},
            has_expect_result=True,
        ),
        entities=(ClientEntity("c"), ClientEntity("d", protocol=2)),
    )
    run_test_sync(spec, test, adapter=adapter, environment=None, protocol=3)
    assert adapter.calls == [
        ("create", "c", "none", "3"),
        ("create", "d", "none", "2"),
        ("run", "c", "get"),
        ("run", "c", "get"),
        ("run", "c", "get"),
        ("close",),
    ]


def test_close_is_called_after_a_failure() -> None:
    adapter = RecordingAdapter()
    spec, test = _spec(
        _op("get", arguments={"value": 1}, expect_result=2, has_expect_result=True),
        _op("never"),
    )
    with pytest.raises(SpecFailure, match=r"\$: expected 2 \(int\), got 1 \(int\)"):
        run_test_sync(spec, test, adapter=adapter, environment=None)
    assert adapter.calls == [("run", "c", "get"), ("close",)]


def test_a_close_error_fails_a_passing_test_only() -> None:
    spec, test = _spec(_op("get"))
    with pytest.raises(SpecFailure, match="closing adapter 'recording' failed"):
        run_test_sync(spec, test, adapter=RecordingAdapter(fail_close=True), environment=None)
    spec, test = _spec(_op("get", arguments={"value": 1}, expect_result=2, has_expect_result=True))
    with pytest.raises(SpecFailure, match="the result does not match"):
        run_test_sync(spec, test, adapter=RecordingAdapter(fail_close=True), environment=None)


def test_entity_creation_failure() -> None:
    spec, test = _spec(entities=(ClientEntity("c", options={"fail": True}),))
    with pytest.raises(
        SpecFailure, match="creating client entity 'c' failed: ConnectionError: refused"
    ):
        run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)


def test_errors() -> None:
    spec, test = _spec(
        _op("raise", expect_error=ExpectedError(error_type="Other", error_contains="BAD"))
    )
    run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)
    spec, test = _spec(_op("raise"))
    with pytest.raises(SpecFailure, match="raised an unexpected error: Other: bad value"):
        run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)


def test_operation_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_executor, "OPERATION_TIMEOUT", 0.05)
    spec, test = _spec(_op("sleep"))
    with pytest.raises(SpecFailure, match=r"did not finish within 0.05 s"):
        run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)


@pytest.mark.parametrize("name", ["assertCacheSize"])
def test_unimplemented_runner_operations(name: str) -> None:
    spec, test = _spec(_op(name, target="runner"))
    with pytest.raises(SpecFailure, match=f"runner operation {name} not implemented yet"):
        run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("killConnection", {"client": "c"}),
        ("restartServer", {}),
        ("failover", {}),
        ("addNode", {}),
        ("migrateSlot", {"key": "k"}),
        ("killNode", {"key": "k"}),
    ],
)
def test_server_runner_operations_need_a_server(name: str, arguments: dict[str, object]) -> None:
    spec, test = _spec(_op(name, target="runner", arguments=arguments))
    with pytest.raises(SpecFailure, match=f"runner operation {name} needs a server topology"):
        run_test_sync(spec, test, adapter=RecordingAdapter(), environment=None)


def test_wait() -> None:
    spec, test = _spec(_op("wait", target="runner", arguments={"ms": 20}))
    loop = asyncio.new_event_loop()
    try:
        start = loop.time()
        loop.run_until_complete(run_test(spec, test, adapter=RecordingAdapter(), environment=None))
        assert loop.time() - start >= 0.015
    finally:
        loop.close()


def test_decode_through_the_reference_adapter() -> None:
    spec, test = _spec(
        _op(
            "decode",
            target="adapter",
            arguments={"data": "*2\r\n:1\r\n$1\r\nx\r\n", "chunks": 1},
            expect_result=[[1, "x"]],
            has_expect_result=True,
        )
    )
    run_test_sync(spec, test, adapter=ReferenceAdapter(), environment=None)


def test_unknown_adapter_operation() -> None:
    spec, test = _spec(_op("nope", target="adapter"))
    with pytest.raises(SpecFailure, match="does not implement 'nope' on the adapter"):
        run_test_sync(spec, test, adapter=ReferenceAdapter(), environment=None)
