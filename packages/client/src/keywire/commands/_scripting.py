"""Lua scripting (EVAL, EVALSHA, SCRIPT ...) and functions (FUNCTION ..., FCALL), and
:class:`Script`, a registered script run by its SHA1 digest.

Every call sends the standard form ``EVAL script numkeys key... arg...`` (the same for EVALSHA,
the ``_RO`` variants and FCALL), so the command table's key extraction (``numkeys``) sees the
keys. Script and function results are returned as the server sent them (like
``execute_command``): Lua tables become lists, Lua ``true`` becomes 1, ``false`` None.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Generic, Literal

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT, flatten_values
from keywire.commands._callbacks import to_bool, to_set, to_str_dict
from keywire.exceptions import NoScriptError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

__all__ = ["Script", "ScriptingCommands"]

FlushMode = Literal["ASYNC", "SYNC"]


def _to_str(reply: Any) -> str:
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def _to_bools(reply: Any) -> list[bool]:
    return [bool(item) for item in reply]


def _to_function(reply: Any) -> dict[str, Any]:
    function = to_str_dict(reply)
    if "flags" in function:  # a RESP3 set (a list on RESP2 and from hiredis)
        function["flags"] = to_set(function["flags"] or ())
    return function


def _to_libraries(reply: Any) -> list[dict[str, Any]]:
    libraries = []
    for item in reply:
        library = to_str_dict(item)
        library["functions"] = [_to_function(f) for f in library.get("functions") or ()]
        libraries.append(library)
    return libraries


def _call_args(
    command: bytes, target: EncodableT, keys: Iterable[KeyT], args: Iterable[EncodableT]
) -> list[Any]:
    key_list = list(keys) if not isinstance(keys, str | bytes | memoryview) else [keys]
    return [command, target, len(key_list), *key_list, *flatten_values(args)]


def _sha1(source: str | bytes) -> str:
    data = source.encode() if isinstance(source, str) else source
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class ScriptingCommands(CommandsBase[AnyStr]):
    """Lua scripts and functions (``*_ro`` variants and functions need Redis 7.0+)."""

    __slots__ = ()

    def eval(
        self, script: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """EVAL a Lua ``script`` with ``keys`` (``KEYS[i]``) and ``args`` (``ARGV[i]``).

        Returns:
            The script's reply as the server sent it.
        """
        return self._command(None, *_call_args(b"EVAL", script, keys, args))

    def evalsha(
        self, sha1: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """EVALSHA: run a cached script by its SHA1 digest.

        Raises:
            NoScriptError: The server does not know the script (see :class:`Script`).
        """
        return self._command(None, *_call_args(b"EVALSHA", sha1, keys, args))

    def eval_ro(
        self, script: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """EVAL_RO: :meth:`eval` of a script that must not write (Redis 7.0+)."""
        return self._command(None, *_call_args(b"EVAL_RO", script, keys, args))

    def evalsha_ro(
        self, sha1: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """EVALSHA_RO: :meth:`evalsha` of a script that must not write (Redis 7.0+)."""
        return self._command(None, *_call_args(b"EVALSHA_RO", sha1, keys, args))

    def script_load(self, script: str | bytes) -> Awaitable[str]:
        """SCRIPT LOAD: cache ``script`` on the server; returns its SHA1 digest (a ``str``)."""
        return self._command(_to_str, b"SCRIPT", b"LOAD", script)

    def script_exists(self, sha1s: Iterable[str | bytes] | str | bytes) -> Awaitable[list[bool]]:
        """SCRIPT EXISTS: whether each digest names a cached script, in order."""
        return self._command(_to_bools, b"SCRIPT", b"EXISTS", *flatten_values(sha1s))

    def script_flush(self, mode: FlushMode | None = None) -> Awaitable[bool]:
        """SCRIPT FLUSH: empty the script cache (``mode``: ``"ASYNC"`` or ``"SYNC"``)."""
        return self._command(to_bool, b"SCRIPT", b"FLUSH", *([mode] if mode else []))

    def function_load(self, code: str | bytes, *, replace: bool = False) -> Awaitable[AnyStr]:
        """FUNCTION LOAD a library (``#!lua name=<library>`` first); returns its name.

        Args:
            replace: Replace a library of the same name (else an error if it exists).
        """
        args: list[Any] = [b"FUNCTION", b"LOAD"]
        if replace:
            args.append(b"REPLACE")
        return self._command(None, *args, code)

    def function_list(
        self, library: str | None = None, *, withcode: bool = False
    ) -> Awaitable[list[dict[str, Any]]]:
        """FUNCTION LIST: the libraries (names matching the pattern ``library``, if given).

        Returns:
            One dict per library with ``str`` keys (``"library_name"``, ``"engine"``,
            ``"functions"``, and ``"library_code"`` with ``withcode``); each function is a dict
            (``"name"``, ``"description"``, ``"flags"`` as a set).
        """
        args: list[Any] = [b"FUNCTION", b"LIST"]
        if library is not None:
            args += [b"LIBRARYNAME", library]
        if withcode:
            args.append(b"WITHCODE")
        return self._command(_to_libraries, *args)

    def function_delete(self, library: str | bytes) -> Awaitable[bool]:
        """FUNCTION DELETE a library (an error if it does not exist)."""
        return self._command(to_bool, b"FUNCTION", b"DELETE", library)

    def function_flush(self, mode: FlushMode | None = None) -> Awaitable[bool]:
        """FUNCTION FLUSH: delete every library (``mode``: ``"ASYNC"`` or ``"SYNC"``)."""
        return self._command(to_bool, b"FUNCTION", b"FLUSH", *([mode] if mode else []))

    def fcall(
        self, function: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """FCALL a function with ``keys`` and ``args``; returns its reply as sent."""
        return self._command(None, *_call_args(b"FCALL", function, keys, args))

    def fcall_ro(
        self, function: str | bytes, keys: Iterable[KeyT] = (), args: Iterable[EncodableT] = ()
    ) -> Awaitable[Any]:
        """FCALL_RO: :meth:`fcall` of a function flagged ``no-writes``."""
        return self._command(None, *_call_args(b"FCALL_RO", function, keys, args))


class Script(Generic[AnyStr]):
    """A Lua script run with EVALSHA, falling back to EVAL when the server does not have it.

    Made by :meth:`keywire.Redis.register_script`::

        incr_by = client.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        assert await incr_by(keys=["counter"], args=[5]) == 5

    The first call (and the first after ``SCRIPT FLUSH`` or a server restart) gets
    ``NOSCRIPT`` and is sent again as EVAL, which also caches the script on the server; later
    calls send only the digest.

    Attributes:
        source: The script's text.
        sha: Its SHA1 digest (hex ``str``), the name the server caches it under.
        readonly: Run with EVALSHA_RO / EVAL_RO (Redis 7.0+).
    """

    __slots__ = ("_client", "readonly", "sha", "source")

    def __init__(
        self, client: ScriptingCommands[AnyStr], source: str | bytes, *, readonly: bool = False
    ) -> None:
        self._client: ScriptingCommands[AnyStr] = client
        self.source = source
        self.sha = _sha1(source)
        self.readonly = readonly

    def __repr__(self) -> str:
        return f"<Script sha={self.sha}{' readonly' if self.readonly else ''}>"

    async def __call__(
        self,
        keys: Iterable[KeyT] = (),
        args: Iterable[EncodableT] = (),
        *,
        client: ScriptingCommands[AnyStr] | None = None,
    ) -> Any:
        """Run the script with ``keys`` and ``args`` (on ``client`` if given).

        Returns:
            The script's reply as the server sent it.

        Raises:
            ResponseError: The script failed (a NOSCRIPT reply is handled, not raised).
        """
        target = self._client if client is None else client
        keys = list(keys) if not isinstance(keys, str | bytes | memoryview) else [keys]
        args = flatten_values(args)
        try:
            if self.readonly:
                return await target.evalsha_ro(self.sha, keys, args)
            return await target.evalsha(self.sha, keys, args)
        except NoScriptError:
            pass
        if self.readonly:
            return await target.eval_ro(self.source, keys, args)
        return await target.eval(self.source, keys, args)

    async def load(self) -> str:
        """SCRIPT LOAD the script now (e.g. before using :attr:`sha` in a pipeline)."""
        return await self._client.script_load(self.source)
