"""The ``testcontainers`` provider: the same topologies from official container images.

Containers use host networking and the harness picks their loopback ports, so every address a
server announces (replication, ``CLUSTER SLOTS``) is ``127.0.0.1:<port>`` exactly as with the
local provider, and formation reuses the same raw admin commands. Host networking needs a Linux
engine (or Docker Desktop with host networking turned on). docker/README.md has the matching
compose files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import os
import re
import time
import warnings
from typing import TYPE_CHECKING, Any

from . import _registry
from ._admin import as_text, parse_info
from ._binaries import DEFAULT_SELECTOR, ServerBinary
from ._errors import (
    HarnessError,
    ProviderUnavailableError,
    ServerNotFoundError,
    ServerStartError,
)
from ._formation import form_cluster, form_replicated, server_args
from ._local import free_port
from ._topology import Cluster, Node, Replicated, Standalone

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["TestcontainersProvider", "container_binary", "image_for"]

_LABEL_RE = re.compile(r"^(valkey|redis)-(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
_IMAGE_REPOS = {"valkey": "valkey/valkey", "redis": "redis"}


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def container_binary(selector: str | None = None) -> ServerBinary:
    """Describe the image a selector names, without Docker.

    Args:
        selector: ``"valkey-9.1"`` / ``"redis-7.0"`` style labels (``"redis-7"`` means
            ``redis:7``), or an image reference such as ``"redis:7.2-alpine"``. ``None`` reads
            ``KEYWIRE_SERVER_IMAGE``, then ``KEYWIRE_SERVER``, then the default label.

    Returns:
        A :class:`ServerBinary` with ``source="docker"`` and the image as ``path``; its version
        is the tag's until a container reports the real one.

    Raises:
        ServerNotFoundError: for a selector that names no image.
    """
    wanted = (
        selector
        or os.environ.get("KEYWIRE_SERVER_IMAGE")
        or os.environ.get("KEYWIRE_SERVER")
        or DEFAULT_SELECTOR
    ).strip()
    match = _LABEL_RE.match(wanted.lower())
    if match is not None:
        kind = match[1]
        parts = [int(part) for part in match.groups()[1:] if part is not None]
        tag = ".".join(str(part) for part in parts)
        image = f"{_IMAGE_REPOS[kind]}:{tag}"
    elif ":" in wanted or "/" in wanted:
        image = wanted
        repo, _, tag = wanted.rpartition(":") if ":" in wanted else (wanted, "", "latest")
        kind = "valkey" if "valkey" in repo.lower() else "redis"
        parts = [int(part) for part in re.findall(r"\d+", tag)[:3]]
    else:
        raise ServerNotFoundError(
            f"{wanted!r} names no server image; use a label like 'valkey-9.1' or 'redis-7.0', "
            "or an image reference like 'redis:7.2'"
        )
    version = (*parts, 0, 0, 0)[:3]
    return ServerBinary(
        kind="valkey" if kind == "valkey" else "redis",
        version=(version[0], version[1], version[2]),
        label=f"{kind}-{version[0]}.{version[1]}",
        path=image,
        argv_prefix=(f"{kind}-server",),
        source="docker",
    )


def image_for(binary: ServerBinary) -> str:
    """The image reference for a binary: its own for ``source="docker"``, else the official
    image of the same kind and ``major.minor``."""
    if binary.source == "docker":
        return binary.path
    return f"{_IMAGE_REPOS[binary.kind]}:{binary.version[0]}.{binary.version[1]}"


def _probe_engine() -> None:
    """Raise :class:`ProviderUnavailableError` (one line) unless a Docker engine answers."""
    # Imported by name: a repository's own docker/ folder can shadow the docker package as a
    # namespace package, so a successful import alone does not prove docker-py is there.
    try:
        importlib.import_module("testcontainers.core.container")
        docker: Any = importlib.import_module("docker")
        from_env = docker.from_env
    except (ImportError, AttributeError) as exc:
        raise ProviderUnavailableError(
            "testcontainers provider unavailable: install keywire-conformance[testcontainers] "
            f"({_one_line(exc)})"
        ) from exc
    failure: str | None = None
    # A failed docker client leaks its socket; finalize it here, with ResourceWarning silenced,
    # rather than at some later point of a test session that turns warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            client = from_env()
            try:
                client.ping()
            finally:
                client.close()
        except Exception as exc:  # DockerException, or the HTTP layer's own errors
            failure = _one_line(exc)
        if failure is not None:
            gc.collect()
    if failure is not None:
        raise ProviderUnavailableError(
            f"testcontainers provider unavailable: no Docker engine reachable ({failure})"
        )


class ContainerProcess:
    """A server in a container (host networking), controlled like a local process.

    The container is created on the first :meth:`start`; later starts restart that same
    container, so the port, ``/data`` and cluster config survive. :meth:`force_stop` removes it.
    """

    def __init__(self, image: str, command: Sequence[str]) -> None:
        self.image = image
        self.command = list(command)
        self._container: Any = None

    def _wrapped(self) -> Any:
        if self._container is None:
            return None
        return self._container.get_wrapped_container()

    @property
    def pid(self) -> int | None:
        """The server's pid on the host, as the engine reports it (``None`` when stopped)."""
        wrapped = self._wrapped()
        if wrapped is None:
            return None
        wrapped.reload()
        pid = wrapped.attrs.get("State", {}).get("Pid")
        return int(pid) if pid else None

    def start(self) -> None:
        """Create and start the container, or restart the existing one."""
        if self._container is None:
            from testcontainers.core.container import DockerContainer  # noqa: PLC0415

            container = DockerContainer(self.image)
            container.with_command(self.command)
            container.with_kwargs(network_mode="host")
            self._container = container
            _registry.register(self)
            container.start()
        else:
            self._wrapped().start()

    def is_running(self) -> bool:
        """Whether the container is running."""
        wrapped = self._wrapped()
        if wrapped is None:
            return False
        try:
            wrapped.reload()
        except Exception:  # removed under us
            return False
        return bool(wrapped.status == "running")

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the container to stop."""
        deadline = time.monotonic() + timeout
        while self.is_running():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def terminate(self) -> None:
        """Send SIGTERM to the server."""
        if self.is_running():
            self._wrapped().kill(signal="SIGTERM")

    def kill(self) -> None:
        """Send SIGKILL to the server."""
        if self.is_running():
            self._wrapped().kill(signal="SIGKILL")

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the container's output."""
        wrapped = self._wrapped()
        if wrapped is None:
            return "(no container)"
        try:
            return bytes(wrapped.logs(tail=lines)).decode("utf-8", "replace")
        except Exception as exc:  # the log is only for messages
            return f"(no container log: {_one_line(exc)})"

    def force_stop(self) -> None:
        """Remove the container (stopping it); never raises."""
        container, self._container = self._container, None
        if container is not None:
            with contextlib.suppress(Exception):  # exit-time cleanup must go on
                container.stop()
        _registry.unregister(self)


class TestcontainersProvider:
    """Starts topologies from official ``valkey/valkey`` / ``redis`` images.

    Args:
        binary: which server; a local binary maps to the official image of its kind and
            ``major.minor``. ``None`` uses ``selector`` (see :func:`container_binary`).
        selector: a label or image reference, when ``binary`` is ``None``.
        start_timeout: seconds allowed for one server to answer ``PING`` once its container
            started (pulling the image comes before that).
        topology_timeout: seconds allowed for replication / cluster formation.

    Raises:
        ProviderUnavailableError: when testcontainers is not installed or no Docker engine
            answers (one line).
    """

    __test__ = False  # not a pytest test class despite its name

    def __init__(
        self,
        binary: ServerBinary | None = None,
        *,
        selector: str | None = None,
        start_timeout: float = 30.0,
        topology_timeout: float = 30.0,
    ) -> None:
        _probe_engine()
        self._binary = binary if binary is not None else container_binary(selector)
        self._image = image_for(self._binary)
        self._nodes: list[Node] = []
        self._closed = False
        self._version_checked = False
        self.start_timeout = start_timeout
        self.topology_timeout = topology_timeout

    def __enter__(self) -> TestcontainersProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def binary(self) -> ServerBinary:
        """The image as a :class:`ServerBinary` (real version once a container answered)."""
        return self._binary

    def _launch(self, count: int, *, cluster: bool, extra_args: Sequence[str]) -> list[Node]:
        if self._closed:
            raise HarnessError("this TestcontainersProvider is closed")
        nodes: list[Node] = []
        for _ in range(count):
            port = free_port(with_bus=cluster)
            command = [
                self._binary.argv_prefix[0],
                *server_args(self._binary, port, cluster=cluster),
                "--dir", "/data",
                *extra_args,
            ]  # fmt: skip
            process = ContainerProcess(self._image, command)
            node = Node(port=port, binary=self._binary, handle=process)
            self._nodes.append(node)
            try:
                process.start()
            except Exception as exc:  # image pull, engine or container errors
                raise ServerStartError(
                    f"cannot start a container of {self._image}: {_one_line(exc)}"
                ) from exc
            nodes.append(node)
        for node in nodes:
            node.wait_ready(self.start_timeout)
        if not self._version_checked:
            self._record_version(nodes[0])
            for node in nodes:
                node.binary = self._binary
        return nodes

    def _record_version(self, node: Node) -> None:
        info = parse_info(as_text(node.execute("INFO", "server")))
        text = info.get("valkey_version") or info.get("redis_version", "")
        parts = [int(part) for part in re.findall(r"\d+", text)[:3]]
        if len(parts) == 3:
            self._binary = dataclasses.replace(
                self._binary,
                kind="valkey" if "valkey_version" in info else "redis",
                version=(parts[0], parts[1], parts[2]),
            )
        self._version_checked = True

    def start_standalone(self, *, extra_args: Sequence[str] = ()) -> Standalone:
        """Start one server container."""
        (node,) = self._launch(1, cluster=False, extra_args=extra_args)
        return Standalone(node)

    def start_replicated(self, replicas: int = 2, *, extra_args: Sequence[str] = ()) -> Replicated:
        """Start a primary and ``replicas`` replica containers; ready when ``WAIT`` succeeds."""
        if replicas < 1:
            raise ValueError("a replicated topology needs at least one replica")
        nodes = self._launch(1 + replicas, cluster=False, extra_args=extra_args)
        return form_replicated(nodes[0], nodes[1:], timeout=self.topology_timeout)

    def start_cluster(
        self,
        primaries: int = 3,
        replicas_per_primary: int = 1,
        *,
        extra_args: Sequence[str] = (),
    ) -> Cluster:
        """Start cluster-enabled containers and form the cluster with raw CLUSTER commands."""
        if primaries < 1 or replicas_per_primary < 0:
            raise ValueError("a cluster needs primaries >= 1 and replicas_per_primary >= 0")
        started = time.monotonic()
        count = primaries * (1 + replicas_per_primary)
        nodes = self._launch(count, cluster=True, extra_args=extra_args)
        return form_cluster(
            nodes,
            primaries=primaries,
            replicas_per_primary=replicas_per_primary,
            started_at=started,
            spawner=lambda: self._launch(1, cluster=True, extra_args=extra_args)[0],
            timeout=self.topology_timeout + self.start_timeout,
        )

    def close(self) -> None:
        """Stop and remove every container this provider started. Idempotent."""
        self._closed = True
        nodes, self._nodes = self._nodes, []
        for node in reversed(nodes):
            with contextlib.suppress(Exception):  # removal below still happens
                node.stop()
            node._handle.force_stop()
