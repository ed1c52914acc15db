"""The conformance runner: load spec files, match results, run tests through an adapter.

Loading (:func:`load_spec`) reads a YAML file with strict scalars, refuses a ``schemaVersion``
newer than :data:`SUPPORTED_SCHEMA_VERSION`, validates it against
``specs/schema/keywire-spec.schema.json`` and returns frozen objects (:class:`SpecFile`,
:class:`SpecTest`, :class:`Operation`, ...). :func:`match` compares an expected value with an
actual one. :func:`run_test` runs one test through an :class:`~keywire_conformance.adapters.Adapter`
against a :class:`ServerEnvironment` (or none, for unit-style tests), after
:func:`choose_topology` and :func:`unmet_requirements` decided where and whether it runs.
The pytest plugin (:mod:`keywire_conformance.pytest_plugin`) ties these together.

Errors::

    RunnerError                          root of this subpackage's errors
    ├── SpecError                        a spec / expectation file cannot be used
    │   ├── SchemaValidationError        it does not follow the JSON schema
    │   └── UnsupportedSchemaVersionError   its schemaVersion is newer than this runner
    ├── SpecFailure (also AssertionError)   the client did not behave as the spec says
    └── HarnessActionError               flushing, initialData, CLIENT KILL or a restart failed
"""

from __future__ import annotations

from ._environment import NodeLike, ServerEnvironment, TopologyLike
from ._errors import (
    HarnessActionError,
    RunnerError,
    SchemaValidationError,
    SpecError,
    SpecFailure,
    UnsupportedSchemaVersionError,
)
from ._executor import (
    IMPLEMENTED_RUNNER_OPERATIONS,
    OPERATION_TIMEOUT,
    resolve_arguments,
    run_test,
    run_test_sync,
)
from ._expectations import EXPECTATIONS_FILE_NAME, Expectation, Expectations, load_expectations
from ._loader import (
    SUPPORTED_SCHEMA_VERSION,
    check_schema_version,
    load_spec,
    parse_spec,
    parse_version,
    validate_spec,
)
from ._matcher import MATCH_OPERATORS, TYPE_NAMES, error_problems, match, type_names
from ._model import (
    ADAPTER_OBJECT,
    RUNNER_OBJECT,
    SERVER_TOPOLOGIES,
    TOPOLOGIES,
    CacheEntity,
    ClientEntity,
    Entity,
    ExpectedError,
    Operation,
    RunOnRequirement,
    SpecFile,
    SpecTest,
)
from ._paths import SCHEMA_FILE_NAME, bundled_specs_dir, find_spec_root, schema_path
from ._requirements import ServerFacts, choose_topology, topology_candidates, unmet_requirements

__all__ = [
    "ADAPTER_OBJECT",
    "EXPECTATIONS_FILE_NAME",
    "IMPLEMENTED_RUNNER_OPERATIONS",
    "MATCH_OPERATORS",
    "OPERATION_TIMEOUT",
    "RUNNER_OBJECT",
    "SCHEMA_FILE_NAME",
    "SERVER_TOPOLOGIES",
    "SUPPORTED_SCHEMA_VERSION",
    "TOPOLOGIES",
    "TYPE_NAMES",
    "CacheEntity",
    "ClientEntity",
    "Entity",
    "Expectation",
    "Expectations",
    "ExpectedError",
    "HarnessActionError",
    "NodeLike",
    "Operation",
    "RunOnRequirement",
    "RunnerError",
    "SchemaValidationError",
    "ServerEnvironment",
    "ServerFacts",
    "SpecError",
    "SpecFailure",
    "SpecFile",
    "SpecTest",
    "TopologyLike",
    "UnsupportedSchemaVersionError",
    "bundled_specs_dir",
    "check_schema_version",
    "choose_topology",
    "error_problems",
    "find_spec_root",
    "load_expectations",
    "load_spec",
    "match",
    "parse_spec",
    "parse_version",
    "resolve_arguments",
    "run_test",
    "run_test_sync",
    "schema_path",
    "topology_candidates",
    "type_names",
    "unmet_requirements",
    "validate_spec",
]
