"""Runner self-tests (MongoDB unified-format style) over ``conformance/tests/runner-specs``.

- ``valid-pass``: every test passes (or is skipped by its requirements);
- ``valid-fail``: every test fails, one by one, with a message naming what went wrong;
- ``invalid``: every file is rejected by the JSON schema.

Tests that need a server run against the real harness (marked ``integration``); unit-style ones
use the reference adapter's ``decode``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.adapters.reference import ReferenceAdapter
from keywire_conformance.pytest_plugin import run_spec_test, spec_marks
from keywire_conformance.runner import (
    TOPOLOGIES,
    SchemaValidationError,
    SpecFailure,
    SpecFile,
    SpecTest,
    choose_topology,
    load_spec,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

RUNNER_SPECS = Path(__file__).resolve().parents[1] / "runner-specs"


def _files(kind: str) -> list[Path]:
    return sorted((RUNNER_SPECS / kind).glob("*.yaml"))


def _cases(kind: str) -> Iterator[object]:
    for path in _files(kind):
        spec = load_spec(path)
        for test in spec.tests:
            topology = choose_topology(spec, test, TOPOLOGIES)
            yield pytest.param(
                spec, test, topology, id=spec.test_id(test), marks=spec_marks(topology)
            )


# What each valid-fail test's failure message must mention (so a test that fails for another
# reason, e.g. a typo in the spec, does not count). Every valid-fail test needs an entry.
EXPECTED_FAILURES = {
    "valid-fail/results.yaml::different integer": "$[0]: expected 2 (int), got 1 (int)",
    "valid-fail/results.yaml::integer is not a boolean": "expected True (bool), got 1 (int)",
    "valid-fail/results.yaml::boolean is not an integer": "expected 1 (int), got True (bool)",
    "valid-fail/results.yaml::double is not an integer": "expected 10 (int), got 10.0 (float)",
    "valid-fail/results.yaml::integer is not a double": "expected 10.0 (float), got 10 (int)",
    "valid-fail/results.yaml::text differs": "expected 'ok' (str) or its UTF-8 bytes",
    "valid-fail/results.yaml::$$bytes refuses str": "expected b'OK' (bytes), got 'OK' (str)",
    "valid-fail/results.yaml::null is not an empty string": "got None (NoneType)",
    "valid-fail/results.yaml::array too short": "$[0]: expected an array of 1 items",
    "valid-fail/results.yaml::wrong element deep inside": "$[0][0].a[1]: expected 3 (int)",
    "valid-fail/results.yaml::map with an extra key": "unexpected key(s) b'b'",
    "valid-fail/results.yaml::map missing a key": "$[0].b: expected 2 (int), got nothing",
    "valid-fail/results.yaml::nested map with an extra key": "$[0][0]: unexpected key(s) b'b'",
    "valid-fail/results.yaml::$$partial still needs its keys": "$[0].b: expected 1 (int), got "
    "nothing",
    "valid-fail/results.yaml::map is not an array": "expected an array of 2 items, got {",
    "valid-fail/results.yaml::$$type mismatch": "expected a value of type set, got [1]",
    "valid-fail/results.yaml::$$type of a list of names mismatch": "type str or bytes",
    "valid-fail/results.yaml::$$exists true on a missing key": "expected the key to be present",
    "valid-fail/results.yaml::$$exists false on a present key": "expected the key to be absent",
    "valid-fail/results.yaml::$$exists outside of a map": "only meaningful as the value of a map",
    "valid-fail/results.yaml::$$unsetOrMatches with a different value": "$[0].a: expected 2",
    "valid-fail/results.yaml::$$set with a missing member": "no element matches 'c' (str)",
    "valid-fail/results.yaml::$$set of the wrong size": "expected a set of 3 items",
    "valid-fail/results.yaml::a plain list does not match a set": "expected an array of 2 items",
    "valid-fail/results.yaml::$$hex differs": "expected b'hi!' (bytes), got b'hi' (bytes)",
    "valid-fail/results.yaml::$$matchesRegex does not match": "text matching /cluster_state:ok/",
    "valid-fail/results.yaml::$$approx out of tolerance": "a number within 0.1 of 3.0",
    "valid-fail/results.yaml::$$approx refuses a string": "a number within 0.1 of 3.0, got b'3.0'",
    "valid-fail/results.yaml::$$nan on a number": "expected NaN, got 1.0",
    "valid-fail/results.yaml::$$allOf with one failing part": "expected 2 (int), got 1 (int)",
    "valid-fail/results.yaml::$$error on a non-error": "expected an error, got b'ERR not really'",
    "valid-fail/results.yaml::$$error with another code": "expected error code ERR, got code "
    "WRONGTYPE",
    "valid-fail/results.yaml::$$matchesEntity with a different value": "$[0]: expected 1 (int)",
    "valid-fail/results.yaml::a later operation fails after earlier ones passed": "operation 1 "
    "(decode on adapter)",
    "valid-fail/errors.yaml::an error was expected but a result came": "was expected to fail "
    "(any error) but returned [1]",
    "valid-fail/errors.yaml::an unexpected error": "raised an unexpected error: ProtocolError",
    "valid-fail/errors.yaml::an unexpected error without expectResult": "raised an unexpected "
    "error: ProtocolError",
    "valid-fail/errors.yaml::another error type": "expected an error of type TimeoutError, got "
    "ProtocolError",
    "valid-fail/errors.yaml::a message without the expected text": "containing 'no such words'",
    "valid-fail/errors.yaml::an error code where the error has none": "expected error code ERR, "
    "got code None",
    "valid-fail/errors.yaml::a client-side refusal is not a protocol error": "expected an error "
    "of type ProtocolError, got ClientError",
    "valid-fail/unsupported.yaml::an adapter operation the adapter does not know": "does not "
    "implement 'noSuchOperation' on the adapter",
    "valid-fail/unsupported.yaml::failover needs a server": "runner operation failover needs a "
    "server topology",
    "valid-fail/unsupported.yaml::addNode needs a server": "runner operation addNode needs a "
    "server topology",
    "valid-fail/unsupported.yaml::restartServer needs a server": "runner operation restartServer "
    "needs a server topology",
    "valid-fail/server.yaml::cache entities are not implemented yet": "entity 'cache': cache "
    "entities are not implemented yet",
    "valid-fail/server-results.yaml::a different reply": "expected 'other' (str) or its UTF-8 "
    "bytes, got b'value' (bytes)",
    "valid-fail/server-results.yaml::another error code": "expected error code ERR, got code "
    "WRONGTYPE",
    "valid-fail/server-results.yaml::a command after killConnection": "raised an unexpected "
    "error: ConnectionError",
    "valid-fail/server-results.yaml::assertCacheSize is not implemented yet": "runner operation "
    "assertCacheSize not implemented yet",
    "valid-fail/server-results.yaml::migrateSlot needs a cluster": "runner operation migrateSlot "
    "needs a cluster topology, not standalone",
    "valid-fail/server-results.yaml::killNode needs a cluster": "runner operation killNode needs "
    "a cluster topology, not standalone",
}


def _run(request: pytest.FixtureRequest, spec: SpecFile, test: SpecTest, topology: str) -> None:
    run_spec_test(request, spec, test, topology, adapter_class=ReferenceAdapter)


@pytest.mark.parametrize(("spec", "test", "topology"), list(_cases("valid-pass")))
def test_valid_pass(
    request: pytest.FixtureRequest, spec: SpecFile, test: SpecTest, topology: str
) -> None:
    _run(request, spec, test, topology)


@pytest.mark.parametrize(("spec", "test", "topology"), list(_cases("valid-fail")))
def test_valid_fail(
    request: pytest.FixtureRequest, spec: SpecFile, test: SpecTest, topology: str
) -> None:
    fragment = EXPECTED_FAILURES[spec.test_id(test)]
    with pytest.raises(SpecFailure) as failure:
        _run(request, spec, test, topology)
    assert fragment in str(failure.value), str(failure.value)


def test_every_valid_fail_test_names_its_failure() -> None:
    ids = {
        load_spec(path).test_id(test)
        for path in _files("valid-fail")
        for test in load_spec(path).tests
    }
    assert ids == set(EXPECTED_FAILURES)


@pytest.mark.parametrize("path", _files("invalid"), ids=lambda path: path.name)
def test_invalid(path: Path) -> None:
    with pytest.raises(SchemaValidationError) as error:
        load_spec(path)
    assert error.value.errors
    assert all(line.startswith("$") for line in error.value.errors)


def test_self_test_directories_are_not_empty() -> None:
    for kind in ("valid-pass", "valid-fail", "invalid"):
        assert _files(kind), kind
