"""Client configuration: one frozen dataclass, and the URL parser that fills it.

URL forms (``from_url``)::

    redis://[[username]:password@]host[:port][/db][?option=value&...]
    rediss://...                                   (the same, over TLS)
    redis+unix://[[username]:password@]/path/to/socket[?db=N&...]
    unix://[[username]:password@]/path/to/socket[?db=N&...]

Host names and user information are percent-decoded; IPv6 literals are written in brackets
(``redis://[::1]:6380``). Query options: ``db``, ``protocol`` (2 or 3), ``client_name``,
``decode_responses``, ``encoding``, ``socket_timeout`` (sets the read and write timeouts),
``connect_timeout``, ``read_timeout``, ``write_timeout``, ``pool_timeout``,
``max_connections``, ``ssl_cert_reqs`` (``none`` / ``optional`` / ``required``),
``ssl_ca_certs``, ``ssl_check_hostname``.

A URL that cannot be understood raises :class:`~keywire.InvalidURLError`, whose message never
repeats the password: errors name the offending option, and the URL is shown with its password
replaced by ``***``.
"""

from __future__ import annotations

import dataclasses
import ssl as _ssl
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from keywire.exceptions import InvalidURLError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["DEFAULT_PORT", "Config", "mask_url", "parse_url"]

DEFAULT_PORT: Final = 6379
_MASK: Final = "***"
_SCHEMES: Final = frozenset({"redis", "rediss", "redis+unix", "unix"})
_TRUE: Final = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE: Final = frozenset({"0", "false", "no", "off", "n", "f", ""})


@dataclasses.dataclass(frozen=True, slots=True)
class Config:
    """Everything a connection needs to reach and set up a server.

    Frozen: a pool shares one instance with all its connections. ``repr`` shows ``password``
    as ``'***'`` (and ``ssl`` contexts by type only); the password is never printed.

    Attributes:
        host: Server host name or IP literal (ignored when ``unix_socket_path`` is set).
        port: TCP port.
        unix_socket_path: Path of a Unix domain socket; when set, TCP settings are unused.
        db: Database index selected after the handshake (``SELECT``) when not 0.
        username: ACL user name (``None``: the ``default`` user).
        password: Password for ``AUTH`` / ``HELLO ... AUTH``.
        protocol: RESP version asked for: 3 (``HELLO 3``, falling back to RESP2 on servers that
            do not know ``HELLO``) or 2.
        client_name: Name set with ``HELLO ... SETNAME`` / ``CLIENT SETNAME``.
        decode_responses: Decode bulk strings with ``encoding`` (replies are ``str``).
        encoding: Encoding for decoding replies and encoding ``str`` arguments.
        connect_timeout: Seconds allowed for the TCP/TLS connect plus the handshake.
        read_timeout: Seconds a connection may wait for the next byte of an awaited reply
            (``None``: no limit). Blocking commands are exempt.
        write_timeout: Seconds a connection may stay unable to accept writes (its transport
            buffer full) before it is dropped (``None``: no limit).
        pool_timeout: Seconds to wait for a dedicated connection when ``max_connections`` are
            all in use (``None``: wait forever).
        max_connections: Upper bound on the connections a pool opens (shared and dedicated).
        ssl: ``True`` (a default verifying context), an :class:`ssl.SSLContext`, or ``None`` /
            ``False`` for plain TCP.
        ssl_check_hostname: With ``ssl=True``, check the server's host name.
        ssl_cert_reqs: With ``ssl=True``: ``"required"``, ``"optional"`` or ``"none"``.
        ssl_ca_certs: With ``ssl=True``: a CA bundle file to verify against.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    unix_socket_path: str | None = None
    db: int = 0
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    protocol: int = 3
    client_name: str | None = None
    decode_responses: bool = False
    encoding: str = "utf-8"
    connect_timeout: float | None = 5.0
    read_timeout: float | None = None
    write_timeout: float | None = 10.0
    pool_timeout: float | None = 5.0
    max_connections: int = 64
    ssl: bool | _ssl.SSLContext | None = None
    ssl_check_hostname: bool = True
    ssl_cert_reqs: str = "required"
    ssl_ca_certs: str | None = None

    def __post_init__(self) -> None:
        if self.protocol not in (2, 3):
            raise ValueError(f"protocol must be 2 or 3, not {self.protocol!r}")
        if self.db < 0:
            raise ValueError(f"db must be >= 0, not {self.db!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be in 0..65535, not {self.port!r}")
        if self.max_connections < 1:
            raise ValueError(f"max_connections must be >= 1, not {self.max_connections!r}")
        for name in ("connect_timeout", "read_timeout", "write_timeout", "pool_timeout"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be > 0 or None, not {value!r}")
        if self.ssl_cert_reqs not in ("required", "optional", "none"):
            raise ValueError(
                f"ssl_cert_reqs must be required, optional or none, not {self.ssl_cert_reqs!r}"
            )

    def __repr__(self) -> str:
        parts = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "password":
                shown = "None" if value is None else repr(_MASK)
            elif isinstance(value, _ssl.SSLContext):
                shown = "<SSLContext>"
            else:
                shown = repr(value)
            parts.append(f"{field.name}={shown}")
        return f"Config({', '.join(parts)})"

    @property
    def address(self) -> str:
        """Where this configuration connects, for messages: ``host:port`` or the socket path."""
        if self.unix_socket_path is not None:
            return f"unix:{self.unix_socket_path}"
        if ":" in self.host:
            return f"[{self.host}]:{self.port}"
        return f"{self.host}:{self.port}"

    def replace(self, **changes: Any) -> Config:
        """Return a copy with ``changes`` applied (validated like the constructor)."""
        return dataclasses.replace(self, **changes)

    def ssl_context(self) -> _ssl.SSLContext | None:
        """Return the TLS context to connect with, or ``None`` for plain TCP."""
        if self.ssl is None or self.ssl is False:
            return None
        if isinstance(self.ssl, _ssl.SSLContext):
            return self.ssl
        context = _ssl.create_default_context(cafile=self.ssl_ca_certs)
        if self.ssl_cert_reqs == "none":
            context.check_hostname = False
            context.verify_mode = _ssl.CERT_NONE
        else:
            context.check_hostname = self.ssl_check_hostname
            context.verify_mode = (
                _ssl.CERT_REQUIRED if self.ssl_cert_reqs == "required" else _ssl.CERT_OPTIONAL
            )
        return context


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (best effort, never raises)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    # The user information ends at the last "@" before the query: an unencoded password may
    # hold "/" or "@", so everything up to that "@" is treated as user information.
    cut = len(rest)
    for mark in ("?", "#"):
        index = rest.find(mark)
        if index != -1:
            cut = min(cut, index)
    at = rest.rfind("@", 0, cut)
    if at == -1:
        return url
    user, colon, _password = rest[:at].partition(":")
    masked = f"{user}:{_MASK}" if colon else user
    return f"{scheme}://{masked}@{rest[at + 1 :]}"


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _parse_timeout(value: str) -> float | None:
    lowered = value.strip().lower()
    if lowered in ("", "none", "null"):
        return None
    return float(lowered)


def _parse_protocol(value: str) -> int:
    number = int(value)
    if number not in (2, 3):
        raise ValueError("protocol must be 2 or 3")
    return number


def _identity(value: str) -> str:
    return value


# Option name -> (Config field names, converter). socket_timeout sets both I/O timeouts.
_OPTIONS: Final[Mapping[str, tuple[tuple[str, ...], Callable[[str], Any]]]] = {
    "db": (("db",), int),
    "protocol": (("protocol",), _parse_protocol),
    "client_name": (("client_name",), _identity),
    "decode_responses": (("decode_responses",), _parse_bool),
    "encoding": (("encoding",), _identity),
    "socket_timeout": (("read_timeout", "write_timeout"), _parse_timeout),
    "connect_timeout": (("connect_timeout",), _parse_timeout),
    "socket_connect_timeout": (("connect_timeout",), _parse_timeout),
    "read_timeout": (("read_timeout",), _parse_timeout),
    "write_timeout": (("write_timeout",), _parse_timeout),
    "pool_timeout": (("pool_timeout",), _parse_timeout),
    "max_connections": (("max_connections",), int),
    "ssl_cert_reqs": (("ssl_cert_reqs",), lambda v: v.strip().lower()),
    "ssl_ca_certs": (("ssl_ca_certs",), _identity),
    "ssl_check_hostname": (("ssl_check_hostname",), _parse_bool),
}


def parse_url(url: str, **overrides: Any) -> Config:
    """Parse a ``redis://``, ``rediss://``, ``redis+unix://`` or ``unix://`` URL.

    Args:
        url: The URL (see the module docstring for the forms and options).
        overrides: ``Config`` fields that win over what the URL says.

    Returns:
        The :class:`Config`.

    Raises:
        InvalidURLError: The URL or one of its options is malformed; the message shows the URL
            with its password masked.
    """
    if not isinstance(url, str):
        raise InvalidURLError(f"a URL must be a str, not {type(url).__name__}")
    shown = mask_url(url)
    try:
        fields = _parse_fields(url)
    except InvalidURLError:
        raise
    except ValueError as exc:
        # Messages from urllib / int() may quote parts of the URL: never pass them on raw.
        raise InvalidURLError(f"invalid Redis URL {shown!r}: {_scrub(str(exc), url)}") from None
    fields.update(overrides)
    try:
        return Config(**fields)
    except (TypeError, ValueError) as exc:
        raise InvalidURLError(f"invalid Redis URL {shown!r}: {_scrub(str(exc), url)}") from None


def _scrub(message: str, url: str) -> str:
    """Remove any occurrence of the URL's password (raw or decoded) from ``message``."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if not password:
        return message
    for secret in {password, unquote(password), quote(unquote(password), safe="")}:
        if secret:
            message = message.replace(secret, _MASK)
    return message


def _parse_fields(url: str) -> dict[str, Any]:
    shown = mask_url(url)
    scheme, sep, _ = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _SCHEMES:
        raise InvalidURLError(
            f"invalid Redis URL {shown!r}: the scheme must be one of "
            "redis://, rediss://, redis+unix:// or unix://"
        )
    parts = urlsplit(url)
    if parts.fragment:
        raise InvalidURLError(f"invalid Redis URL {shown!r}: fragments are not allowed")
    fields: dict[str, Any] = {}
    if parts.username:
        fields["username"] = unquote(parts.username)
    if parts.password is not None:
        fields["password"] = unquote(parts.password)

    if scheme in ("redis", "rediss"):
        hostname = parts.hostname
        if hostname:
            fields["host"] = unquote(hostname)
        port = parts.port  # ValueError for a bad port; its message does not quote the URL
        if port is not None:
            fields["port"] = port
        path = parts.path.strip("/")
        if path:
            try:
                fields["db"] = int(unquote(path))
            except ValueError:
                raise InvalidURLError(
                    f"invalid Redis URL {shown!r}: the path must be a database number"
                ) from None
        if scheme == "rediss":
            fields["ssl"] = True
    else:
        path = unquote(parts.path)
        if not path:
            raise InvalidURLError(f"invalid Redis URL {shown!r}: no socket path")
        if parts.hostname and parts.hostname not in ("localhost",):
            # unix://relative/path is ambiguous: the "relative" part lands in the host field.
            raise InvalidURLError(
                f"invalid Redis URL {shown!r}: a socket URL needs an absolute path "
                "(three slashes: unix:///path/to/socket)"
            )
        fields["unix_socket_path"] = path

    for name, value in parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False):
        option = _OPTIONS.get(name.lower())
        if option is None:
            raise InvalidURLError(f"invalid Redis URL {shown!r}: unknown option {name!r}")
        targets, convert = option
        try:
            converted = convert(value)
        except ValueError:
            raise InvalidURLError(
                f"invalid Redis URL {shown!r}: bad value for option {name!r}"
            ) from None
        for target in targets:
            fields[target] = converted
    return fields
