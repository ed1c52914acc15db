"""AbstractCache: the members of DESIGN.md section 9, exactly."""

from __future__ import annotations

import inspect

import pytest

from keywire_cache import AbstractCache

MEMBERS = {
    "initialize",
    "healthy",
    "confidence",
    "stats",
    "get",
    "put",
    "invalidate",
    "feedback",
    "get_client_id",
    "reset",
    "shutdown",
}


def test_abstract_members_are_exactly_the_interface() -> None:
    assert AbstractCache.__abstractmethods__ == MEMBERS


def test_cannot_be_instantiated() -> None:
    with pytest.raises(TypeError):
        AbstractCache()  # type: ignore[abstract]


def test_signatures() -> None:
    assert inspect.iscoroutinefunction(AbstractCache.initialize)
    for name in ("healthy", "confidence", "stats"):
        assert isinstance(inspect.getattr_static(AbstractCache, name), property)
    put = inspect.signature(AbstractCache.put)
    assert put.parameters["value"].kind is inspect.Parameter.KEYWORD_ONLY
    feedback = inspect.signature(AbstractCache.feedback)
    assert feedback.parameters["match"].kind is inspect.Parameter.KEYWORD_ONLY
    get = inspect.signature(AbstractCache.get)
    assert list(get.parameters) == ["self", "command", "key", "args"]
    assert get.parameters["args"].kind is inspect.Parameter.VAR_POSITIONAL
    for name in ("reset", "shutdown", "invalidate", "get_client_id"):
        assert not inspect.iscoroutinefunction(getattr(AbstractCache, name))
