"""URL parsing and the configuration dataclass."""

from __future__ import annotations

import ssl
import string
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import keywire
from keywire import Config, InvalidURLError, parse_url
from keywire._config import mask_url


def test_defaults() -> None:
    config = parse_url("redis://")
    assert (config.host, config.port, config.db, config.protocol) == ("127.0.0.1", 6379, 0, 3)
    assert config.password is None
    assert config.ssl is None


def test_full_tcp_url() -> None:
    config = parse_url("redis://alice:s3cret@example.com:6380/2?protocol=2&client_name=app")
    assert config.host == "example.com"
    assert config.port == 6380
    assert config.username == "alice"
    assert config.password == "s3cret"
    assert config.db == 2
    assert config.protocol == 2
    assert config.client_name == "app"


def test_password_only() -> None:
    config = parse_url("redis://:pw@localhost")
    assert config.username is None
    assert config.password == "pw"


def test_percent_decoding() -> None:
    config = parse_url("redis://us%40er:p%3Aw%2F%40d@h/0")
    assert config.username == "us@er"
    assert config.password == "p:w/@d"


def test_ipv6_literal() -> None:
    config = parse_url("redis://[::1]:7000/1")
    assert config.host == "::1"
    assert config.port == 7000
    assert config.address == "[::1]:7000"


def test_rediss_enables_tls() -> None:
    config = parse_url("rediss://h?ssl_cert_reqs=none")
    assert config.ssl is True
    context = config.ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_NONE
    assert parse_url("rediss://h").ssl_context().verify_mode == ssl.CERT_REQUIRED  # type: ignore[union-attr]


@pytest.mark.parametrize("scheme", ["unix", "redis+unix"])
def test_unix_socket_urls(scheme: str) -> None:
    config = parse_url(f"{scheme}://user:pw@/tmp/redis.sock?db=3&decode_responses=yes")
    assert config.unix_socket_path == "/tmp/redis.sock"
    assert config.db == 3
    assert config.decode_responses is True
    assert config.username == "user"
    assert config.address == "unix:/tmp/redis.sock"


def test_query_options() -> None:
    config = parse_url(
        "redis://h?socket_timeout=1.5&connect_timeout=2&pool_timeout=none&max_connections=9"
    )
    assert config.read_timeout == 1.5
    assert config.write_timeout == 1.5
    assert config.connect_timeout == 2.0
    assert config.pool_timeout is None
    assert config.max_connections == 9


def test_overrides_win() -> None:
    config = parse_url("redis://h:1/2", db=5, port=7)
    assert (config.port, config.db) == (7, 5)


@pytest.mark.parametrize(
    "url",
    [
        "http://h",
        "h:6379",
        "redis://h:notaport",
        "redis://h:99999",
        "redis://h/notadb",
        "redis://h?protocol=4",
        "redis://h?nope=1",
        "redis://h?db=x",
        "redis://h?decode_responses=maybe",
        "unix://",
        "unix://relative/path",
        "redis://h#frag",
        "redis://h?connect_timeout=-1",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(InvalidURLError):
        parse_url(url)


def test_non_string_url() -> None:
    with pytest.raises(InvalidURLError):
        parse_url(b"redis://h")  # type: ignore[arg-type]


SECRET = "Sup3r-S3cret-Passw0rd"


@pytest.mark.parametrize(
    "url",
    [
        f"redis://user:{SECRET}@h:notaport",
        f"redis://:{SECRET}@h/notadb",
        f"redis://:{SECRET}@h?protocol=9",
        f"redis://:{SECRET}@h?unknown=1",
        f"http://:{SECRET}@h",
        f"redis://:{SECRET}@h:99999",
    ],
)
def test_error_messages_never_contain_the_password(url: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        parse_url(url)
    assert SECRET not in str(info.value)
    assert "***" in str(info.value)


_password_chars = string.ascii_letters + string.digits + "!$&'()*+,;=:@/?#[]% "


@given(
    password=st.text(alphabet=_password_chars, min_size=12, max_size=30),
    tail=st.sampled_from([":bad", ":70000", "/x", "?protocol=7", "?what=1", ":1/-3"]),
)
def test_password_never_leaks_property(password: str, tail: str) -> None:
    url = f"redis://user:{quote(password, safe='')}@host{tail}"
    with pytest.raises(InvalidURLError) as info:
        parse_url(url)
    message = str(info.value)
    assert password not in message
    assert quote(password, safe="") not in message


@given(
    user=st.text(alphabet=string.ascii_letters + "@:/ %", min_size=1, max_size=10),
    password=st.text(min_size=1, max_size=20).filter(lambda p: "\x00" not in p),
    host=st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
    port=st.integers(min_value=1, max_value=65535),
    db=st.integers(min_value=0, max_value=15),
)
def test_round_trip_property(user: str, password: str, host: str, port: int, db: int) -> None:
    url = f"redis://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{db}"
    config = parse_url(url)
    assert (config.username, config.password) == (user, password)
    assert (config.host, config.port, config.db) == (host, port, db)
    # The repr is exactly the password-less repr with a mask: nothing of the password shows.
    without = repr(config.replace(password=None))
    assert repr(config) == without.replace("password=None", "password='***'")


def test_repr_masks_password() -> None:
    config = Config(password="hunter2-secret", username="bob")
    text = repr(config)
    assert "hunter2-secret" not in text
    assert "password='***'" in text
    assert "bob" in text
    assert "password=None" in repr(Config())


def test_client_repr_and_config_never_show_password() -> None:
    client = keywire.Redis.from_url("redis://u:hunter2-secret@h:1/0")
    assert "hunter2-secret" not in repr(client)
    assert "hunter2-secret" not in repr(client.config)
    assert "hunter2-secret" not in repr(client.connection_pool)


def test_mask_url() -> None:
    assert mask_url("redis://u:p@h:1/0?x=1") == "redis://u:***@h:1/0?x=1"
    assert mask_url("redis://h:1/0") == "redis://h:1/0"
    assert mask_url("redis://u@h") == "redis://u@h"
    assert mask_url("not a url") == "not a url"


@pytest.mark.parametrize(
    ("field", "value"),
    [("protocol", 1), ("db", -1), ("port", 70000), ("max_connections", 0), ("read_timeout", 0)],
)
def test_config_validation(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=field):
        Config(**{field: value})  # type: ignore[arg-type]
