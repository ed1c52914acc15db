"""create_reader and the behaviour without hiredis (runs whether hiredis is installed or not)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import keywire_resp
from keywire_resp import (
    HIREDIS_AVAILABLE,
    HiredisReader,
    Limits,
    Reader,
    RespError,
    create_reader,
)
from keywire_resp import _hiredis as hiredis_module


def test_python_backend() -> None:
    reader = create_reader(backend="python", encoding="utf-8", limits=Limits(max_depth=3))
    assert type(reader) is Reader
    assert reader.limits.max_depth == 3
    reader.feed(b"+ok\r\n")
    assert reader.gets() == "ok"


def test_auto_backend() -> None:
    reader = create_reader()
    assert type(reader) is (HiredisReader if HIREDIS_AVAILABLE else Reader)


def test_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown reader backend"):
        create_reader(backend="cython")  # type: ignore[arg-type]


def test_without_hiredis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hiredis_module, "_hiredis", None)
    with pytest.raises(RespError, match=r"pip install 'keywire-resp\[hiredis\]'"):
        HiredisReader()
    with pytest.raises(RespError, match="hiredis"):
        create_reader(backend="hiredis")


def test_import_without_hiredis() -> None:
    """The package imports and works when hiredis cannot be imported."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hiredis"] = None  # makes "import hiredis" fail
        import keywire_resp
        assert keywire_resp.HIREDIS_AVAILABLE is False
        assert type(keywire_resp.create_reader()) is keywire_resp.Reader
        try:
            keywire_resp.HiredisReader()
        except keywire_resp.RespError as exc:
            print("refused:", exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "refused: HiredisReader needs the hiredis package" in result.stdout


def test_public_api_is_all() -> None:
    public = {name for name in dir(keywire_resp) if not name.startswith("_")}
    assert set(keywire_resp.__all__) <= public
    for name in keywire_resp.__all__:
        assert getattr(keywire_resp, name).__doc__ or name in ("HIREDIS_AVAILABLE", "NEED_DATA")
