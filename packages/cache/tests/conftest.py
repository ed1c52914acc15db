"""Test configuration of keywire-cache that also holds when run alone (``-c /dev/null``)."""

from __future__ import annotations

import warnings

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure() -> None:
    # These tests use no marker of their own (only pytest-asyncio's `asyncio`), so an isolated
    # run with `-c /dev/null` needs no marker registration. Without a configuration file,
    # though, pytest-asyncio warns that `asyncio_default_fixture_loop_scope` is unset, and
    # `-W error` turns that into an internal error before any test runs. Only that warning is
    # ignored, only while plugins configure; the workspace config sets the option to
    # "function", which is what the unset default amounts to for these function fixtures.
    warnings.filterwarnings(
        "ignore",
        message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
        category=pytest.PytestDeprecationWarning,
    )
