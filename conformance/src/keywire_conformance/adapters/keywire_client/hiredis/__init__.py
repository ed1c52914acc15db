"""The keywire adapter with the hiredis reader: ``keywire.Redis(reader_backend="hiredis")``.

The same operations as :class:`~keywire_conformance.adapters.keywire_client.KeywireAdapter`,
for checking that keywire's typed results do not depend on the reader. Raw replies
(``command``) do: hiredis returns RESP3 sets as lists, big numbers as text and verbatim strings
without their format (see ``keywire_resp.HiredisReader``); ``expectations.yaml`` next to this
module lists the specs that see it. ``decode`` is left out (capabilities ``resp-decode`` and
``resp-attributes``): the RESP vectors are ``keywire_resp``'s business, not the client's.

Needs hiredis (``pip install "keywire-resp[hiredis]"``); without it creating a client fails.
Run it with
``--keywire-adapter=keywire_conformance.adapters.keywire_client.hiredis:KeywireHiredisAdapter``.
"""

from __future__ import annotations

from typing import ClassVar

from .. import KeywireAdapter

__all__ = ["KeywireHiredisAdapter"]


class KeywireHiredisAdapter(KeywireAdapter):
    """:class:`KeywireAdapter` with ``reader_backend="hiredis"`` and without ``decode``."""

    name = "keywire-hiredis"
    reader_backend: ClassVar[str] = "hiredis"
    capabilities = KeywireAdapter.capabilities - {"resp-decode", "resp-attributes"}
