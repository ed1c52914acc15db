"""Adapters: how the conformance runner drives a client under test.

A client joins the suite by implementing :class:`Adapter` (a typing ``Protocol``: ``name``,
``capabilities``, ``create_client``, ``run_operation``, ``classify_error``, ``close``) and naming it
with ``--keywire-adapter package.module:ClassName`` (or ``KEYWIRE_ADAPTER``). The default is
:class:`keywire_conformance.adapters.reference.ReferenceAdapter`, a minimal connection on
``keywire_resp``; it is the only place this package imports another keywire package.

Errors::

    AdapterError                 root of this subpackage's errors
    └── AdapterLoadError         an adapter name cannot be imported or is not an adapter

Exceptions raised *by* an adapter are the client's own; :meth:`Adapter.classify_error` maps them
to :data:`ERROR_KINDS`.
"""

from __future__ import annotations

from ._base import ERROR_KINDS, Adapter, ErrorInfo, default_classify_error, error_code_of
from ._loading import (
    DEFAULT_ADAPTER,
    AdapterError,
    AdapterLoadError,
    adapter_directory,
    load_adapter,
    split_adapter_spec,
)

__all__ = [
    "DEFAULT_ADAPTER",
    "ERROR_KINDS",
    "Adapter",
    "AdapterError",
    "AdapterLoadError",
    "ErrorInfo",
    "adapter_directory",
    "default_classify_error",
    "error_code_of",
    "load_adapter",
    "split_adapter_spec",
]
