"""The ``decode`` operation shared by the adapters: RESP bytes through a ``keywire_resp.Reader``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keywire_resp import NEED_DATA, Reader

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["decode_operation"]


def decode_operation(arguments: Mapping[str, object]) -> list[object]:
    """Run ``decode {hex | data, chunks?, protocol?, decodeResponses?, attributes?}``.

    Feeds the bytes (``hex``: hex digits, spaces allowed; ``data``: text sent as UTF-8, or
    bytes) to a pure-Python ``keywire_resp.Reader`` ``chunks`` bytes at a time (default: all at
    once) and returns the list of whole replies read. With ``attributes: true`` each element is
    ``{reply: ..., attributes: <map or null>}``. ``protocol`` documents which RESP version a
    vector belongs to; the reader accepts both.

    Raises:
        TypeError: without ``hex`` or ``data``.
        keywire_resp.ProtocolError: for bytes that are not RESP.
    """
    if "hex" in arguments:
        data = bytes.fromhex("".join(str(arguments["hex"]).split()))
    elif "data" in arguments:
        raw = arguments["data"]
        data = raw if isinstance(raw, bytes) else str(raw).encode()
    else:
        raise TypeError("decode needs 'hex' or 'data'")
    chunk = arguments.get("chunks")
    step = chunk if isinstance(chunk, int) and chunk > 0 else max(len(data), 1)
    with_attributes = arguments.get("attributes") is True
    reader = Reader(encoding="utf-8" if arguments.get("decodeResponses") is True else None)
    replies: list[object] = []
    for start in range(0, max(len(data), 1), step):
        reader.feed(data[start : start + step])
        while (reply := reader.gets()) is not NEED_DATA:
            if with_attributes:
                replies.append({"reply": reply, "attributes": reader.last_attributes})
            else:
                replies.append(reply)
    return replies
