"""Choosing a reader backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ._hiredis import HIREDIS_AVAILABLE, HiredisReader
from ._reader import Reader

if TYPE_CHECKING:
    from ._limits import Limits

__all__ = ["create_reader"]


def create_reader(
    *,
    backend: Literal["auto", "python", "hiredis"] = "auto",
    limits: Limits | None = None,
    encoding: str | None = None,
    errors: str = "strict",
) -> Reader | HiredisReader:
    """Create a reader with the chosen backend.

    Args:
        backend: ``"python"`` for the pure-Python :class:`~keywire_resp.Reader` (faithful to
            every RESP3 type), ``"hiredis"`` for :class:`~keywire_resp.HiredisReader`
            (faster, with documented deviations), ``"auto"`` for hiredis when it is
            installed and the pure reader otherwise.
        limits, encoding, errors: passed to the reader's constructor.

    Returns:
        The new reader.

    Raises:
        ValueError: unknown ``backend``.
        RespError: ``backend="hiredis"`` but hiredis is not installed.
    """
    if backend == "python" or (backend == "auto" and not HIREDIS_AVAILABLE):
        return Reader(limits=limits, encoding=encoding, errors=errors)
    if backend in ("hiredis", "auto"):
        return HiredisReader(limits=limits, encoding=encoding, errors=errors)
    raise ValueError(f"unknown reader backend {backend!r}; expected 'auto', 'python' or 'hiredis'")
