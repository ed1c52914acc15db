"""Placeholder: this package is built in a later issue (see the project issues)."""

from __future__ import annotations

__all__: list[str] = []
