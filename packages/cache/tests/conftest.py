"""Test configuration of keywire-cache that also holds when run alone (``-c /dev/null``)."""

from __future__ import annotations

import warnings

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # The isolated run (`-c /dev/null --strict-markers -m "not integration"`) has no
    # configuration file registering `integration`, and pytest refuses an unknown marker in a
    # `-m` expression under --strict-markers: register it here (the same line as the
    # workspace's, so registering it twice is harmless). test_app_redis_server.py, the only
    # module using it, is skipped at import there (no keywire client).
    config.addinivalue_line(
        "markers", "integration: needs a real server started by the keywire_conformance harness"
    )
    # Without a configuration file, pytest-asyncio also warns that
    # `asyncio_default_fixture_loop_scope` is unset, and `-W error` turns that into an internal
    # error before any test runs. Only that warning is ignored, only while plugins configure;
    # the workspace config sets the option to "function", which is what the unset default
    # amounts to for these function fixtures.
    warnings.filterwarnings(
        "ignore",
        message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
        category=pytest.PytestDeprecationWarning,
    )
