"""The client variants: a library and how it parses replies. Each runs in its own worker process.

A worker process per variant keeps the libraries from sharing an interpreter (imports, GC
pressure) and lets ``coredis-pure`` import coredis from its ``.py`` sources: coredis ships
mypyc-compiled modules next to their sources and Python prefers the compiled ones, so the pure
variant installs an import hook (see :func:`install_source_only`) before importing coredis.
That is what coredis runs like where no compiled wheel exists (e.g. PyPy, or a source install).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from tools.bench.common import Flavor


@dataclass(frozen=True)
class Variant:
    """One client configuration.

    Attributes:
        name: Key used on the command line and in the results.
        module: The ``lib_*`` module that drives it (its ``LIBRARY``).
        flavor: Passed to the library's ``open``.
        description: What it is, for the output.
        source_only: Top-level package to import from ``.py`` sources only (skipping compiled
            extension modules), or ``None``.
    """

    name: str
    module: str
    flavor: Flavor
    description: str
    source_only: str | None = None


VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant(
            "keywire",
            "tools.bench.lib_keywire",
            "hiredis",
            "keywire, hiredis reader (reader_backend='hiredis')",
        ),
        Variant(
            "keywire-pure",
            "tools.bench.lib_keywire",
            "pure",
            "keywire, pure-Python reader (reader_backend='python')",
        ),
        Variant(
            "redis-py",
            "tools.bench.lib_redispy",
            "hiredis",
            "redis.asyncio with hiredis (its default parser when hiredis is installed)",
        ),
        Variant(
            "redis-py-pure",
            "tools.bench.lib_redispy",
            "pure",
            "redis.asyncio, pure-Python RESP3 parser (parser_class=_AsyncRESP3Parser)",
        ),
        Variant(
            "coredis",
            "tools.bench.lib_coredis",
            "default",
            "coredis as its wheel installs it (mypyc-compiled parser; no hiredis path)",
        ),
        Variant(
            "coredis-pure",
            "tools.bench.lib_coredis",
            "pure",
            "coredis imported from its .py sources (compiled modules bypassed)",
            source_only="coredis",
        ),
    )
}


class _SourceOnlyFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of one top-level package among ``.py`` files only."""

    def __init__(self, package: str) -> None:
        self._package = package

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        del target
        if fullname != self._package and not fullname.startswith(self._package + "."):
            return None
        loader = (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES)
        for entry in sys.path if path is None else path:
            spec = importlib.machinery.FileFinder(entry or ".", loader).find_spec(fullname)
            if spec is not None:
                return spec
        return None


def install_source_only(package: str) -> None:
    """Make later imports of ``package`` (and its submodules) use ``.py`` sources only.

    Raises:
        RuntimeError: ``package`` was already imported.
    """
    if package in sys.modules:
        raise RuntimeError(f"{package} is already imported; cannot switch it to its sources")
    sys.meta_path.insert(0, _SourceOnlyFinder(package))
