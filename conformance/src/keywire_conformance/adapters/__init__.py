"""Adapters: how the conformance runner drives a client under test.

A client joins the suite by implementing :class:`Adapter` (a typing ``Protocol``: ``name``,
``capabilities``, ``create_client``, ``run_operation``, ``classify_error``, ``close``) and naming it
with ``--keywire-adapter package.module:ClassName`` (or ``KEYWIRE_ADAPTER``). Two adapters ship
here:

- :class:`keywire_conformance.adapters.keywire_client.KeywireAdapter` drives the ``keywire``
  client (typed commands, pipelines, transactions); it is the default wherever ``keywire`` is
  installed, and the only module of this package that imports ``keywire``;
- :class:`keywire_conformance.adapters.reference.ReferenceAdapter`, a minimal raw connection on
  ``keywire_resp``, the default otherwise.

``keywire_resp`` is imported by these two adapters (and their shared ``decode`` helper) only.

Errors::

    AdapterError                 root of this subpackage's errors
    └── AdapterLoadError         an adapter name cannot be imported or is not an adapter

Exceptions raised *by* an adapter are the client's own; :meth:`Adapter.classify_error` maps them
to :data:`ERROR_KINDS`.
"""

from __future__ import annotations

from ._base import ERROR_KINDS, Adapter, ErrorInfo, default_classify_error, error_code_of
from ._loading import (
    CLIENT_ADAPTER,
    DEFAULT_ADAPTER,
    REFERENCE_ADAPTER,
    AdapterError,
    AdapterLoadError,
    adapter_directory,
    default_adapter,
    load_adapter,
    split_adapter_spec,
)

__all__ = [
    "CLIENT_ADAPTER",
    "DEFAULT_ADAPTER",
    "ERROR_KINDS",
    "REFERENCE_ADAPTER",
    "Adapter",
    "AdapterError",
    "AdapterLoadError",
    "ErrorInfo",
    "adapter_directory",
    "default_adapter",
    "default_classify_error",
    "error_code_of",
    "load_adapter",
    "split_adapter_spec",
]
