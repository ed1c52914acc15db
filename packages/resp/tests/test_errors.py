"""The error hierarchy and the mapping of server error messages to classes."""

from __future__ import annotations

import pickle

import pytest

import keywire_resp
from keywire_resp import (
    AskError,
    BusyError,
    ClusterDownError,
    CrossSlotError,
    ExecAbortError,
    LoadingError,
    MovedError,
    NoAuthError,
    NoPermError,
    NoScriptError,
    ProtocolError,
    ReadOnlyError,
    ReplyError,
    RespError,
    TryAgainError,
    WrongPassError,
    WrongTypeError,
    reply_error_from,
)

# Real server messages, one per class.
BY_PREFIX: list[tuple[str, type[ReplyError]]] = [
    ("MOVED 3999 127.0.0.1:6381", MovedError),
    ("ASK 3999 127.0.0.1:6381", AskError),
    ("TRYAGAIN Multiple keys request during rehashing of slot", TryAgainError),
    ("CLUSTERDOWN The cluster is down", ClusterDownError),
    ("CROSSSLOT Keys in request don't hash to the same slot", CrossSlotError),
    ("WRONGTYPE Operation against a key holding the wrong kind of value", WrongTypeError),
    ("NOSCRIPT No matching script. Please use EVAL.", NoScriptError),
    ("NOAUTH Authentication required.", NoAuthError),
    ("WRONGPASS invalid username-password pair or user is disabled.", WrongPassError),
    ("READONLY You can't write against a read only replica.", ReadOnlyError),
    ("LOADING Redis is loading the dataset in memory", LoadingError),
    ("BUSY Redis is busy running a script.", BusyError),
    ("EXECABORT Transaction discarded because of previous errors.", ExecAbortError),
    ("NOPERM User default has no permissions to run the 'get' command", NoPermError),
]


@pytest.mark.parametrize(("message", "cls"), BY_PREFIX, ids=[c.__name__ for _, c in BY_PREFIX])
def test_subclass_by_prefix(message: str, cls: type[ReplyError]) -> None:
    error = reply_error_from(message)
    assert type(error) is cls
    assert isinstance(error, ReplyError)
    assert error.message == message
    assert error.code == message.split(" ", maxsplit=1)[0]
    assert str(error) == message


@pytest.mark.parametrize(
    "message",
    [
        "ERR unknown command 'FOO'",
        "BUSYGROUP Consumer Group name already exists",
        "BUSYKEY Target key name already exists.",
        "NOPROTO sorry, this protocol version is not supported",
        "OOM command not allowed when used memory > 'maxmemory'.",
        "moved 1 h:1",
        "",
    ],
)
def test_unknown_prefix_is_the_base_class(message: str) -> None:
    error = reply_error_from(message)
    assert type(error) is ReplyError
    assert error.message == message


def test_code_is_the_first_word() -> None:
    assert reply_error_from("ERR x y").code == "ERR"
    assert reply_error_from("NOSCRIPT").code == "NOSCRIPT"
    assert reply_error_from("").code == ""


@pytest.mark.parametrize(
    ("message", "slot", "host", "port"),
    [
        ("MOVED 3999 127.0.0.1:6381", 3999, "127.0.0.1", 6381),
        ("MOVED 0 redis-1.example.com:6379", 0, "redis-1.example.com", 6379),
        ("MOVED 16383 :6380", 16383, "", 6380),  # unknown endpoint: same host
        ("MOVED 1 ::1:7000", 1, "::1", 7000),
        ("MOVED 1 2001:db8::1:7000", 1, "2001:db8::1", 7000),
        ("MOVED 1 [2001:db8::1]:7000", 1, "2001:db8::1", 7000),
        ("ASK 12182 10.0.0.2:30002", 12182, "10.0.0.2", 30002),
    ],
)
def test_redirect_fields(message: str, slot: int, host: str, port: int) -> None:
    error = reply_error_from(message)
    assert isinstance(error, MovedError | AskError)
    assert (error.slot, error.host, error.port) == (slot, host, port)


@pytest.mark.parametrize(
    "message",
    [
        "MOVED",
        "MOVED 3999",
        "MOVED abc 127.0.0.1:6381",
        "MOVED 3999 127.0.0.1",
        "MOVED 3999 127.0.0.1:port",
        "MOVED 3999 127.0.0.1:6381 extra",
        "ASK -1 127.0.0.1:6381",
        "ASK \u0663 127.0.0.1:6381",
    ],
)
def test_malformed_redirect_falls_back_to_base(message: str) -> None:
    error = reply_error_from(message)
    assert type(error) is ReplyError
    assert error.message == message


def test_redirect_class_rejects_malformed_text() -> None:
    with pytest.raises(ValueError, match="malformed redirection"):
        MovedError("MOVED nowhere")


def test_hierarchy() -> None:
    assert issubclass(ProtocolError, RespError)
    assert issubclass(ReplyError, RespError)
    assert not issubclass(ProtocolError, ReplyError)
    assert issubclass(RespError, Exception)
    for _, cls in BY_PREFIX:
        assert issubclass(cls, ReplyError)


def test_public_errors_are_documented_in_the_package_tree() -> None:
    tree = keywire_resp.__doc__ or ""
    for name in keywire_resp.__all__:
        obj = getattr(keywire_resp, name)
        if isinstance(obj, type) and issubclass(obj, RespError):
            assert name in tree, name


def test_equality_and_hash_by_class_and_message() -> None:
    assert reply_error_from("ERR a") == ReplyError("ERR a")
    assert ReplyError("ERR a") != ReplyError("ERR b")
    assert reply_error_from("WRONGTYPE x") != ReplyError("WRONGTYPE x")
    assert len({ReplyError("ERR a"), ReplyError("ERR a"), WrongTypeError("WRONGTYPE a")}) == 2
    assert ReplyError("ERR a") != "ERR a"


def test_repr() -> None:
    assert repr(reply_error_from("MOVED 1 h:2")) == "MovedError('MOVED 1 h:2')"


@pytest.mark.parametrize("message", [m for m, _ in BY_PREFIX] + ["ERR plain"])
def test_pickle_roundtrip(message: str) -> None:
    error = reply_error_from(message)
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error
    assert vars(copy) == vars(error)


def test_reply_errors_can_be_raised() -> None:
    with pytest.raises(MovedError) as info:
        raise reply_error_from("MOVED 7 10.0.0.1:7001")
    assert info.value.slot == 7
