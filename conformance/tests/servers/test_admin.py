"""The harness's own RESP2 admin client: encoding, parsing, socket behaviour (no server)."""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING

import pytest

from keywire_conformance.servers import (
    AdminClient,
    AdminConnectionError,
    AdminError,
    encode_command,
    parse_reply,
)
from keywire_conformance.servers._admin import as_int, as_text, parse_info

if TYPE_CHECKING:
    from collections.abc import Iterator


def test_encode_command_as_array_of_bulk_strings() -> None:
    assert encode_command("SET", "k", b"v\r\n", 12, 1.5) == (
        b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n$2\r\n12\r\n$3\r\n1.5\r\n"
    )
    assert encode_command("PING") == b"*1\r\n$4\r\nPING\r\n"
    assert encode_command("SET", "", "é") == b"*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\n\xc3\xa9\r\n"


def test_encode_command_refuses_nothing_and_bad_types() -> None:
    with pytest.raises(ValueError, match="at least a name"):
        encode_command()
    with pytest.raises(TypeError, match="bool"):
        encode_command("SET", "k", True)
    with pytest.raises(TypeError, match="NoneType"):
        encode_command("SET", "k", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"+OK\r\n", "OK"),
        (b":42\r\n", 42),
        (b":-7\r\n", -7),
        (b"$5\r\nhello\r\n", b"hello"),
        (b"$0\r\n\r\n", b""),
        (b"$4\r\na\r\nb\r\n", b"a\r\nb"),
        (b"$-1\r\n", None),
        (b"*-1\r\n", None),
        (b"*0\r\n", []),
        (b"*2\r\n$1\r\na\r\n:1\r\n", [b"a", 1]),
        (
            b"*2\r\n*3\r\n:0\r\n:5460\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n+x\r\n",
            [[0, 5460, [b"127.0.0.1", 7000]], "x"],
        ),
        (b"*2\r\n+OK\r\n-ERR nested\r\n", ["OK", AdminError("ERR nested")]),
    ],
)
def test_parse_reply_types(data: bytes, expected: object) -> None:
    parsed = parse_reply(data + b"+trailing\r\n")
    assert parsed == (expected, len(data))


def test_parse_reply_returns_errors_as_values() -> None:
    parsed = parse_reply(b"-WRONGTYPE Operation against a key\r\n")
    assert parsed is not None
    error, used = parsed
    assert isinstance(error, AdminError)
    assert error.message == "WRONGTYPE Operation against a key"
    assert used == 36


def test_parse_reply_needs_more_for_every_prefix() -> None:
    whole = b"*3\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$-1\r\n-ERR x\r\n"
    for cut in range(len(whole)):
        assert parse_reply(whole[:cut]) is None, cut
    assert parse_reply(whole) == ([b"foo", [1, None], AdminError("ERR x")], len(whole))


@pytest.mark.parametrize("data", [b"?what\r\n", b":12x\r\n", b"$3\r\nabcde\r\n", b"*x\r\n"])
def test_parse_reply_rejects_garbage(data: bytes) -> None:
    with pytest.raises(AdminError, match="protocol error"):
        parse_reply(data)


def test_reply_helpers() -> None:
    assert as_text(b"abc") == "abc"
    assert as_text("OK") == "OK"
    assert as_int(3) == 3
    with pytest.raises(AdminError):
        as_text(3)
    with pytest.raises(AdminError):
        as_int(b"3")
    text = "# Server\r\nredis_version:7.0.15\r\nrole:master\r\n\r\n# Other\r\nx:a:b\r\n"
    assert parse_info(text) == {"redis_version": "7.0.15", "role": "master", "x": "a:b"}


class _FakeServer:
    """A one-connection socket server that answers each command with canned bytes, sent in
    small chunks (to exercise reassembly)."""

    def __init__(self, replies: list[bytes | None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.replies = replies
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            for reply in self.replies:
                data = conn.recv(65536)
                if not data:
                    return
                self.received.append(data)
                if reply is None:  # close without answering
                    return
                if reply == b"<silence>":
                    conn.recv(65536)  # never answer; wait for the client to give up
                    return
                for start in range(0, len(reply), 3):
                    conn.sendall(reply[start : start + 3])

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def fake_server(request: pytest.FixtureRequest) -> Iterator[_FakeServer]:
    server = _FakeServer(request.param)
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize(
    "fake_server",
    [[b"+PONG\r\n", b"*2\r\n$1\r\na\r\n$-1\r\n", b"-ERR unknown command 'NOPE'\r\n", b":1\r\n"]],
    indirect=True,
)
def test_client_round_trips(fake_server: _FakeServer) -> None:
    with AdminClient("127.0.0.1", fake_server.port, timeout=5) as client:
        assert client.execute("PING") == "PONG"
        assert client.execute("MGET", "a", "b") == [b"a", None]
        with pytest.raises(AdminError, match="unknown command") as info:
            client.execute("NOPE")
        assert not isinstance(info.value, AdminConnectionError)
        assert client.execute("EXISTS", "a") == 1  # the connection survives an error reply
    assert fake_server.received[0] == b"*1\r\n$4\r\nPING\r\n"


@pytest.mark.parametrize("fake_server", [[None]], indirect=True)
def test_client_reports_a_closed_connection(fake_server: _FakeServer) -> None:
    client = AdminClient("127.0.0.1", fake_server.port, timeout=5)
    with pytest.raises(AdminConnectionError, match="closed the connection"):
        client.execute("PING")
    client.close()


@pytest.mark.parametrize("fake_server", [[b"<silence>"]], indirect=True)
def test_client_times_out(fake_server: _FakeServer) -> None:
    client = AdminClient("127.0.0.1", fake_server.port, timeout=0.2)
    with pytest.raises(AdminConnectionError, match="timed out"):
        client.execute("PING")
    client.close()


def test_client_reports_a_refused_connection() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    client = AdminClient("127.0.0.1", port, timeout=1)
    with pytest.raises(AdminConnectionError, match="cannot connect"):
        client.execute("PING")
    client.close()
