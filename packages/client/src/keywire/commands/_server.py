"""Server and connection commands (PING, INFO, DBSIZE, FLUSHDB, CLIENT ID, CONFIG, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keywire.commands._base import AnyStr, CommandsBase, EncodableT
from keywire.commands._callbacks import to_bool, to_str_dict

if TYPE_CHECKING:
    from collections.abc import Awaitable

__all__ = ["ServerCommands", "parse_info"]


def _to_pong(reply: Any) -> bool:
    return reply in (b"PONG", "PONG") or bool(reply)


def _value(text: str) -> Any:
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        pass
    if ("=" in text and "," in text) or text.count("=") == 1:
        entries = {}
        for item in text.split(","):
            name, sep, value = item.partition("=")
            if not sep:
                return text
            entries[name] = _value(value)
        return entries
    return text


def parse_info(reply: Any) -> dict[str, Any]:
    """Parse the text of INFO into ``{field: value}``.

    Numbers become ``int`` / ``float``; ``a=1,b=2`` values (``db0``, ``slave0``, ...) become
    dicts; ``# Section`` lines are skipped.
    """
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    info: dict[str, Any] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        if sep:
            info[name] = _value(value)
    return info


def _to_time(reply: Any) -> float:
    seconds, micros = reply
    return int(seconds) + int(micros) / 1_000_000


def _to_str(reply: Any) -> str:
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def _to_optional_str(reply: Any) -> str | None:
    return None if reply is None else _to_str(reply)


def _to_config(reply: Any) -> dict[str, Any]:
    return {key: _to_str(value) for key, value in to_str_dict(reply).items()}


class ServerCommands(CommandsBase[AnyStr]):
    """Commands about the server and the connection."""

    __slots__ = ()

    def ping(self) -> Awaitable[bool]:
        """PING: True when the server answers."""
        return self._command(_to_pong, b"PING")

    def echo(self, message: EncodableT) -> Awaitable[AnyStr]:
        """ECHO ``message`` back."""
        return self._command(None, b"ECHO", message)

    def info(self, *sections: str) -> Awaitable[dict[str, Any]]:
        """INFO: the server's information and statistics, parsed (see :func:`parse_info`)."""
        return self._command(parse_info, b"INFO", *sections)

    def dbsize(self) -> Awaitable[int]:
        """DBSIZE: the number of keys in the selected database."""
        return self._command(None, b"DBSIZE")

    def flushdb(self, *, asynchronous: bool = False) -> Awaitable[bool]:
        """FLUSHDB: delete every key of the selected database."""
        return self._command(to_bool, b"FLUSHDB", *([b"ASYNC"] if asynchronous else []))

    def flushall(self, *, asynchronous: bool = False) -> Awaitable[bool]:
        """FLUSHALL: delete every key of every database."""
        return self._command(to_bool, b"FLUSHALL", *([b"ASYNC"] if asynchronous else []))

    def time(self) -> Awaitable[float]:
        """TIME: the server's clock as a Unix timestamp (float seconds)."""
        return self._command(_to_time, b"TIME")

    def lastsave(self) -> Awaitable[int]:
        """LASTSAVE: Unix time of the last successful save."""
        return self._command(None, b"LASTSAVE")

    def client_id(self) -> Awaitable[int]:
        """CLIENT ID of the shared connection commands run on."""
        return self._command(None, b"CLIENT", b"ID")

    def client_getname(self) -> Awaitable[str | None]:
        """CLIENT GETNAME of the shared connection, or None."""
        return self._command(_to_optional_str, b"CLIENT", b"GETNAME")

    def client_list(self) -> Awaitable[list[dict[str, str]]]:
        """CLIENT LIST, parsed into one dict per connection."""
        return self._command(_parse_client_list, b"CLIENT", b"LIST")

    def client_kill_id(self, client_id: int) -> Awaitable[int]:
        """CLIENT KILL ID ``client_id``: close that connection; returns how many were closed."""
        return self._command(None, b"CLIENT", b"KILL", b"ID", client_id)

    def config_get(self, pattern: str = "*") -> Awaitable[dict[str, str]]:
        """CONFIG GET ``pattern``: matching parameters and their values (as ``str``)."""
        return self._command(_to_config, b"CONFIG", b"GET", pattern)

    def config_set(self, name: str, value: EncodableT) -> Awaitable[bool]:
        """CONFIG SET ``name`` ``value``."""
        return self._command(to_bool, b"CONFIG", b"SET", name, value)


def _parse_client_list(reply: Any) -> list[dict[str, str]]:
    text = _to_str(reply)
    clients = []
    for line in text.splitlines():
        fields = {}
        for item in line.split(" "):
            name, sep, value = item.partition("=")
            if sep:
                fields[name] = value
        if fields:
            clients.append(fields)
    return clients
