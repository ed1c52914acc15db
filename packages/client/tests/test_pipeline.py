"""Pipelines and transactions against the harness server."""

from __future__ import annotations

import asyncio

import pytest

import keywire
from keywire import Redis
from keywire.pipeline import Pipeline, PipelineResult

pytestmark = [pytest.mark.integration, pytest.mark.asyncio]


async def test_pipeline_results_in_order(client: Redis[bytes]) -> None:
    async with client.pipeline() as pipe:
        pipe.set("a", 1)
        incremented = pipe.incr("a")
        pipe.hset("h", {"f": "v"})
        pipe.hgetall("h")
        pipe.zadd("z", {"m": 1.5})
        pipe.zscore("z", "m")
        assert len(pipe) == 6
        results = await pipe.execute()
    assert results == [True, 2, 1, {b"f": b"v"}, 1, 1.5]
    assert await incremented == 2
    assert len(pipe) == 0


async def test_empty_pipeline(client: Redis[bytes]) -> None:
    assert await client.pipeline().execute() == []
    assert await client.pipeline(transaction=True).execute() == []


async def test_pipeline_errors_in_place(client: Redis[bytes]) -> None:
    await client.set("s", "text")
    pipe = client.pipeline()
    pipe.set("a", 1)
    failed = pipe.lpush("s", "x")
    pipe.get("a")
    results = await pipe.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], keywire.WrongTypeError)
    assert results[2] == b"1"
    with pytest.raises(keywire.WrongTypeError):
        await failed

    pipe.incr("s")
    pipe.set("b", 2)
    with pytest.raises(keywire.ResponseError, match="not an integer"):
        await pipe.execute()
    assert await client.get("b") == b"2"  # the rest of the pipeline still ran


async def test_pipeline_does_not_interleave_with_other_tasks(client: Redis[bytes]) -> None:
    async def plain(i: int) -> bytes | None:
        await client.set(f"plain{i}", i)
        return await client.get(f"plain{i}")

    async def piped() -> list[object]:
        pipe = client.pipeline()
        for i in range(50):
            pipe.set(f"p{i}", i)
            pipe.get(f"p{i}")
        return await pipe.execute()

    plain_results, piped_results = await asyncio.gather(
        asyncio.gather(*(plain(i) for i in range(50))), piped()
    )
    assert plain_results == [str(i).encode() for i in range(50)]
    assert piped_results == [x for i in range(50) for x in (True, str(i).encode())]


async def test_execute_command_in_pipeline(client: Redis[bytes]) -> None:
    pipe = client.pipeline()
    pipe.execute_command("SET", "k", "v")
    pipe.execute_command("GET", "k")
    assert await pipe.execute() == [b"OK", b"v"]


async def test_transaction(client: Redis[bytes]) -> None:
    async with client.pipeline(transaction=True) as pipe:
        pipe.set("a", 1)
        pipe.incr("a")
        pipe.smembers("missing")
        results = await pipe.execute()
    assert results == [True, 2, set()]
    assert client.connection_pool.idle == 1  # the dedicated connection came back


async def test_transaction_runtime_error_in_place(client: Redis[bytes]) -> None:
    await client.set("s", "text")
    pipe = client.pipeline(transaction=True)
    pipe.incr("s")
    pipe.set("after", 1)
    results = await pipe.execute(raise_on_error=False)
    assert isinstance(results[0], keywire.ResponseError)
    assert results[1] is True


async def test_transaction_queue_error_aborts(client: Redis[bytes]) -> None:
    pipe = client.pipeline(transaction=True)
    pipe.set("a", 1)
    pipe.execute_command("SET", "only-key")  # wrong arity: rejected when queued
    with pytest.raises(keywire.ExecAbortError) as info:
        await pipe.execute()
    assert isinstance(info.value.__cause__, keywire.ResponseError)
    assert await client.get("a") is None


async def test_watch_conflict_raises_watch_error(
    client: Redis[bytes], keywire_clean_standalone: object
) -> None:
    node = keywire_clean_standalone.node  # type: ignore[attr-defined]
    await client.set("balance", 10)
    async with client.pipeline(transaction=True) as pipe:
        await pipe.watch("balance")
        balance = int(await pipe.get("balance") or 0)  # immediate in WATCH mode
        assert balance == 10
        node.execute("SET", "balance", 99)  # someone else writes
        pipe.multi()
        pipe.set("balance", balance + 1)
        with pytest.raises(keywire.WatchError):
            await pipe.execute()
    assert await client.get("balance") == b"99"


async def test_transaction_helper_retries(
    client: Redis[bytes], keywire_clean_standalone: object
) -> None:
    node = keywire_clean_standalone.node  # type: ignore[attr-defined]
    await client.set("counter", 0)
    attempts = 0

    async def increment(pipe: Pipeline[bytes]) -> int:
        nonlocal attempts
        attempts += 1
        value = int(await pipe.get("counter") or 0)
        if attempts == 1:
            node.execute("INCRBY", "counter", 100)  # a concurrent change: first try fails
        pipe.multi()
        pipe.set("counter", value + 1)
        return value + 1

    result = await client.transaction(increment, "counter", value_from_callable=True)
    assert attempts == 2
    assert result == 101
    assert await client.get("counter") == b"101"
    assert await client.transaction(increment, "counter") == [True]


async def test_transaction_helper_gives_up(
    client: Redis[bytes], keywire_clean_standalone: object
) -> None:
    node = keywire_clean_standalone.node  # type: ignore[attr-defined]

    async def always_conflicts(pipe: Pipeline[bytes]) -> None:
        await pipe.get("k")
        node.execute("SET", "k", "changed")
        pipe.multi()
        pipe.set("k", "mine")

    with pytest.raises(keywire.WatchError):
        await client.transaction(always_conflicts, "k", max_attempts=3)


async def test_pipeline_result_before_execute(client: Redis[bytes]) -> None:
    pipe = client.pipeline()
    placeholder = pipe.get("k")
    assert isinstance(placeholder, PipelineResult)
    assert repr(placeholder) == "<PipelineResult pending>"
    with pytest.raises(keywire.RedisError, match="not been executed"):
        await placeholder
    await pipe.execute()
    assert placeholder.done
    assert await placeholder is None
    assert "PipelineResult" in repr(placeholder)


async def test_multi_misuse(client: Redis[bytes]) -> None:
    async with client.pipeline(transaction=True) as pipe:
        pipe.multi()
        with pytest.raises(keywire.RedisError):
            pipe.multi()
        with pytest.raises(keywire.RedisError):
            await pipe.watch("k")


async def test_pipeline_error_in_the_middle_of_many(client: Redis[bytes]) -> None:
    await client.set("s", "text")
    pipe = client.pipeline()
    before = [pipe.set(f"k{i}", i) for i in range(50)]
    failed = pipe.incr("s")
    after = [pipe.get(f"k{i}") for i in range(50)]
    results = await pipe.execute(raise_on_error=False)
    assert results[:50] == [True] * 50
    assert isinstance(results[50], keywire.ResponseError)
    assert results[51:] == [str(i).encode() for i in range(50)]
    assert [await slot for slot in before] == [True] * 50
    assert [await slot for slot in after] == results[51:]
    with pytest.raises(keywire.ResponseError):
        await failed
    assert "error=" in repr(failed)


async def test_cancelled_pipeline_keeps_the_shared_connection_in_step(
    client: Redis[bytes],
) -> None:
    await client.set("marker", "m")
    pipe = client.pipeline()
    for i in range(500):
        pipe.set(f"c{i}", i)
        pipe.get(f"c{i}")
    task = asyncio.ensure_future(pipe.execute())
    await asyncio.sleep(0)  # sent, now waiting for its replies
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The cancelled pipeline's replies are consumed, not handed to the next commands.
    assert await client.get("marker") == b"m"
    assert await client.get("c499") == b"499"
    again = client.pipeline()
    again.get("marker")
    again.incr("counter")
    assert await again.execute() == [b"m", 1]


async def test_pipeline_encodes_every_argument_type(client: Redis[bytes]) -> None:
    pipe = client.pipeline()
    pipe.set("str", "välue")
    pipe.set(b"bytes", b"\x00\xff")
    pipe.set("int", -12)
    pipe.set("float", 1.5)
    pipe.set("memoryview", memoryview(b"mv"))
    pipe.execute_command("SET", "bytearray", bytearray(b"ba"))
    pipe.set("opts", "v", ex=100, nx=True)
    pipe.set("opts", "w", xx=True, get=True)
    pipe.mget(["str", "bytes", "int", "float", "memoryview", "bytearray", "opts"])
    results = await pipe.execute()
    assert results[:8] == [True] * 5 + [b"OK", True, b"v"]
    assert results[8] == ["välue".encode(), b"\x00\xff", b"-12", b"1.5", b"mv", b"ba", b"w"]


async def test_pipeline_rejects_an_ambiguous_argument(client: Redis[bytes]) -> None:
    pipe = client.pipeline()
    pipe.set("a", 1)
    pipe.execute_command("SET", "b", None)
    with pytest.raises(TypeError, match="argument 2"):
        await pipe.execute()
    assert await client.get("a") is None  # nothing was sent
    assert len(pipe) == 0
