"""Pipeline internals without a server: encoding, result dispatch, placeholders."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import keywire
from keywire.commands._callbacks import to_ok
from keywire.pipeline import PipelineResult, _finish, _Queued, pack_lines
from keywire_resp import pack_commands


def _view(data: bytes) -> memoryview:
    return memoryview(data)


_ARGS = st.one_of(
    st.binary(max_size=20),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False),
    st.binary(max_size=20).map(_view),
    st.binary(max_size=20).map(bytearray),
)


def _queue(commands: list[tuple[Any, ...]]) -> list[_Queued]:
    return [(args, None, PipelineResult()) for args in commands]


@given(st.lists(st.lists(_ARGS, min_size=1, max_size=8).map(tuple), min_size=1, max_size=10))
def test_pack_lines_matches_pack_commands(commands: list[tuple[Any, ...]]) -> None:
    assert pack_lines(commands) == pack_commands(commands)


def test_pack_lines_short_commands() -> None:
    commands: list[tuple[Any, ...]] = [
        (b"SET", "k", b"v"),
        (b"SET", b"k", "välue"),
        (b"SET", "k", -7),
        (b"SET", "k", 1.5),
        (b"SET", memoryview(b"k"), b"v"),
        ("SET", "k", "v"),
        (b"GET", "k"),
        (b"GET", b"k"),
        (b"SELECT", 3),
        (b"GET", bytearray(b"k")),
        (b"PING",),
        (b"SET", "k", "v", b"NX"),
    ]
    assert pack_lines(commands) == pack_commands(commands)


def test_pack_lines_errors_name_the_argument() -> None:
    with pytest.raises(TypeError, match="argument 2"):
        pack_lines([(b"GET", "k"), (b"SET", "k", True)])
    with pytest.raises(TypeError, match="argument 1"):
        pack_lines([(b"GET", None)])
    with pytest.raises(ValueError, match="argument 1 is NaN"):
        pack_lines([(b"INCRBYFLOAT", float("nan"))])
    with pytest.raises(TypeError, match="unsupported type"):
        pack_lines([(b"SET", "k", object())])


def test_finish_applies_callbacks_and_keeps_errors_in_place() -> None:
    error = keywire.ResponseError("ERR boom")
    queue: list[_Queued] = [
        ((b"SET", "a", "1"), to_ok, PipelineResult()),
        ((b"INCR", "s"), None, PipelineResult()),
        ((b"SET", "b", "2", b"NX"), to_ok, PipelineResult()),
    ]
    results = _finish(queue, [b"OK", error, None], raise_on_error=False)
    assert results == [True, error, False]
    slots = [slot for _, _, slot in queue]
    assert all(slot.done for slot in slots)
    assert repr(slots[0]) == "<PipelineResult True>"
    assert repr(slots[1]) == f"<PipelineResult error={error!r}>"

    async def values() -> list[Any]:
        return [await slots[0], await slots[2]]

    assert asyncio.run(values()) == [True, False]
    with pytest.raises(keywire.ResponseError, match="boom"):
        asyncio.run(_await(slots[1]))

    fresh = _queue([(b"INCR", "s"), (b"GET", "k")])
    with pytest.raises(keywire.ResponseError, match="boom"):
        _finish(fresh, [error, b"v"], raise_on_error=True)
    assert [slot.done for _, _, slot in fresh] == [True, True]  # every result was delivered


def test_finish_raises_an_error_that_is_not_a_reply() -> None:
    undecodable = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    with pytest.raises(UnicodeDecodeError):
        _finish(_queue([(b"GET", "a"), (b"GET", "b")]), [b"x", undecodable], False)


def test_pipeline_result_resolve() -> None:
    assert not PipelineResult().done
    slot: PipelineResult[Any] = PipelineResult()
    assert repr(slot) == "<PipelineResult pending>"
    slot._resolve(3)
    assert slot.done
    assert asyncio.run(_await(slot)) == 3
    failed: PipelineResult[Any] = PipelineResult()
    failed._resolve(keywire.WatchError("changed"))
    assert failed.done
    with pytest.raises(keywire.WatchError):
        asyncio.run(_await(failed))


async def _await(slot: PipelineResult[Any]) -> Any:
    return await slot
