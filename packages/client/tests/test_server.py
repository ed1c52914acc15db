"""Server and connection commands against the harness server."""

from __future__ import annotations

import pytest

from keywire import Redis

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_ping_echo_time(client: Redis[bytes]) -> None:
    assert await client.ping() is True
    assert await client.echo("hello") == b"hello"
    now = await client.time()
    assert now > 1_600_000_000
    assert await client.lastsave() > 0


async def test_info(client: Redis[bytes]) -> None:
    info = await client.info()
    assert isinstance(info["redis_version"], str)
    assert isinstance(info["connected_clients"], int)
    await client.set("k", "v")
    keyspace = await client.info("keyspace")
    assert keyspace["db0"]["keys"] == 1
    server = await client.info("server")
    assert "tcp_port" in server


async def test_dbsize_flush(client: Redis[bytes]) -> None:
    await client.mset({"a": 1, "b": 2})
    assert await client.dbsize() == 2
    assert await client.flushdb() is True
    assert await client.dbsize() == 0
    await client.set("a", 1)
    assert await client.flushall(asynchronous=True) is True
    assert await client.dbsize() == 0


async def test_client_commands(client: Redis[bytes]) -> None:
    client_id = await client.client_id()
    assert isinstance(client_id, int)
    assert await client.client_getname() is None
    assert await client.client_setname("kw-test") is True
    assert await client.client_getname() == "kw-test"
    clients = await client.client_list()
    assert any(entry["name"] == "kw-test" for entry in clients)
    conn = await client.shared_connection()
    if conn.protocol == 3:
        assert conn.client_id == client_id


async def test_config(client: Redis[bytes]) -> None:
    config = await client.config_get("maxmemory-policy")
    assert "maxmemory-policy" in config
    original = config["maxmemory-policy"]
    assert await client.config_set("maxmemory-policy", "allkeys-lru") is True
    assert (await client.config_get("maxmemory-policy"))["maxmemory-policy"] == "allkeys-lru"
    await client.config_set("maxmemory-policy", original)


async def test_execute_command_raw(client: Redis[bytes]) -> None:
    assert await client.execute_command("SET", "k", "v") == b"OK"
    assert await client.execute_command(b"get", "k") == b"v"
    reply = await client.execute_command("HGETALL", "missing")
    assert reply in ({}, [])  # raw replies keep their RESP shape


async def test_select_db(keywire_clean_standalone: object) -> None:
    node = keywire_clean_standalone.node  # type: ignore[attr-defined]
    async with Redis(node.host, node.port, db=3) as db3, Redis(node.host, node.port) as db0:
        await db3.set("k", "in-3")
        assert await db0.get("k") is None
        assert await db3.get("k") == b"in-3"
        assert (await db3.info("keyspace"))["db3"]["keys"] == 1
