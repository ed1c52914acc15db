"""NEED_DATA, Push, VerbatimBytes and VerbatimStr."""

from __future__ import annotations

import copy
import pickle

from keywire_resp import NEED_DATA, Push, VerbatimBytes, VerbatimStr


def test_need_data_is_a_singleton() -> None:
    assert repr(NEED_DATA) == "NEED_DATA"
    assert str(NEED_DATA) == "NEED_DATA"
    assert pickle.loads(pickle.dumps(NEED_DATA)) is NEED_DATA
    assert copy.deepcopy(NEED_DATA) is NEED_DATA
    assert NEED_DATA != None  # noqa: E711  # it is not a reply value
    assert bool(NEED_DATA)


def test_push_is_a_list() -> None:
    push = Push([b"message", b"chan", b"data"])
    assert isinstance(push, list)
    assert push == [b"message", b"chan", b"data"]
    assert repr(push) == "Push([b'message', b'chan', b'data'])"
    assert type(pickle.loads(pickle.dumps(push))) is Push


def test_verbatim_bytes() -> None:
    value = VerbatimBytes(b"# Title", "mkd")
    assert value == b"# Title"
    assert hash(value) == hash(b"# Title")
    assert value.format == "mkd"
    assert repr(value) == "VerbatimBytes(b'# Title', format='mkd')"
    restored = pickle.loads(pickle.dumps(value))
    assert type(restored) is VerbatimBytes
    assert restored.format == "mkd"


def test_verbatim_str() -> None:
    value = VerbatimStr("plain", "txt")
    assert value == "plain"
    assert hash(value) == hash("plain")
    assert value.format == "txt"
    assert repr(value) == "VerbatimStr('plain', format='txt')"
    restored = pickle.loads(pickle.dumps(value))
    assert type(restored) is VerbatimStr
    assert restored.format == "txt"
    assert str.format(VerbatimStr("{}!"), 1) == "1!"  # the method is still reachable


def test_verbatim_default_format() -> None:
    assert VerbatimBytes(b"x").format == "txt"
    assert VerbatimStr("x").format == "txt"
