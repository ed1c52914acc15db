"""The error hierarchy and the conversion of keywire_resp error replies."""

from __future__ import annotations

import builtins
import pickle

import pytest

import keywire
import keywire_resp
from keywire.exceptions import from_reply_error


def test_every_public_error_is_a_redis_error() -> None:
    for name in keywire.__all__:
        value = getattr(keywire, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert issubclass(value, keywire.RedisError), name


def test_timeouts_are_builtin_timeouts() -> None:
    for cls in (
        keywire.TimeoutError,
        keywire.ConnectTimeoutError,
        keywire.ReadTimeoutError,
        keywire.WriteTimeoutError,
        keywire.PoolTimeoutError,
    ):
        assert issubclass(cls, builtins.TimeoutError)
        assert issubclass(cls, keywire.TimeoutError)


def test_connection_error_carries_address() -> None:
    error = keywire.ConnectionError("cannot connect: refused", address="127.0.0.1:1")
    assert error.address == "127.0.0.1:1"
    assert "127.0.0.1:1" in str(error)
    assert keywire.AuthenticationError.__mro__[1] is keywire.ConnectionError


def test_invalid_url_error_is_a_value_error() -> None:
    assert issubclass(keywire.InvalidURLError, ValueError)
    assert issubclass(keywire.ReplyTooLargeError, keywire.ProtocolError)


@pytest.mark.parametrize(
    ("message", "keywire_class", "resp_class"),
    [
        ("ERR unknown command", keywire.ResponseError, keywire_resp.ReplyError),
        ("WRONGTYPE Operation against a key", keywire.WrongTypeError, keywire_resp.WrongTypeError),
        ("NOSCRIPT No matching script", keywire.NoScriptError, keywire_resp.NoScriptError),
        ("MOVED 3999 127.0.0.1:6381", keywire.MovedError, keywire_resp.MovedError),
        ("ASK 3999 [::1]:6381", keywire.AskError, keywire_resp.AskError),
        ("EXECABORT Transaction discarded", keywire.ExecAbortError, keywire_resp.ExecAbortError),
        ("NOPERM no", keywire.NoPermError, keywire_resp.NoPermError),
        ("BUSYGROUP exists", keywire.ResponseError, keywire_resp.ReplyError),
    ],
)
def test_reply_errors_convert_to_both_hierarchies(
    message: str, keywire_class: type[Exception], resp_class: type[Exception]
) -> None:
    reply = keywire_resp.reply_error_from(message)
    error = from_reply_error(reply)
    assert type(error) is keywire_class
    assert isinstance(error, keywire.ResponseError)
    assert isinstance(error, keywire.RedisError)
    assert isinstance(error, resp_class)
    assert error.message == message
    assert error.code == message.split(" ", 1)[0]
    assert str(error) == message


def test_redirect_attributes_survive_conversion() -> None:
    error = from_reply_error(keywire_resp.reply_error_from("MOVED 12 [::1]:7000"))
    assert isinstance(error, keywire.MovedError)
    assert (error.slot, error.host, error.port) == (12, "::1", 7000)


def test_unknown_reply_error_subclass_gets_a_derived_class() -> None:
    class CustomError(keywire_resp.ReplyError):
        pass

    first = from_reply_error(CustomError("CUSTOM thing"))
    second = from_reply_error(CustomError("CUSTOM other"))
    assert isinstance(first, CustomError)
    assert isinstance(first, keywire.ResponseError)
    assert type(first) is type(second)


def test_conversion_is_idempotent_and_catchable() -> None:
    error = from_reply_error(keywire_resp.reply_error_from("WRONGTYPE x"))
    assert from_reply_error(error) is error
    with pytest.raises(keywire_resp.WrongTypeError):
        raise error


def test_converted_errors_pickle() -> None:
    error = from_reply_error(keywire_resp.reply_error_from("WRONGTYPE x"))
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is keywire.WrongTypeError
    assert clone.message == "WRONGTYPE x"
