"""keywire-conformance: one YAML suite that defines "works" for Redis / Valkey clients.

The package has four parts, each imported on its own (importing this package imports none of
them, so the pytest plugin stays cheap for runs that have no spec files):

- :mod:`keywire_conformance.runner`: load and validate spec files (``specs/**/*.yaml``, JSON
  schema ``specs/schema/keywire-spec.schema.json``), match results, run a test through an
  adapter;
- :mod:`keywire_conformance.adapters`: the :class:`~keywire_conformance.adapters.Adapter`
  protocol a client implements, and the reference adapter on ``keywire_resp`` (the only place
  this package imports another keywire package);
- :mod:`keywire_conformance.pytest_plugin`: collects the YAML specs as pytest items
  (``area/file.yaml::test``), loaded through the ``pytest11`` entry point;
- :mod:`keywire_conformance.servers` and :mod:`keywire_conformance.fixtures`: the real-server
  harness (standalone, replicated, cluster topologies) and its pytest fixtures.

Each subpackage has its own error hierarchy, drawn in its docstring: ``RunnerError``
(runner), ``AdapterError`` (adapters), ``HarnessError`` (servers).
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
"""The distribution version (kept equal to ``conformance/pyproject.toml``)."""
