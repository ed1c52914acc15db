"""Confidence: the verification probability and its dynamics (seeded, deterministic)."""

from __future__ import annotations

import random

import pytest

from keywire_cache import Confidence


def test_full_confidence_never_verifies_and_draws_nothing() -> None:
    rng = random.Random(3)
    state = rng.getstate()
    confidence = Confidence(rng=rng)
    assert not any(confidence.should_verify() for _ in range(1000))
    assert rng.getstate() == state


def test_zero_confidence_always_verifies() -> None:
    confidence = Confidence(0.0, rng=random.Random(3))
    assert all(confidence.should_verify() for _ in range(1000))


def test_verification_rate_follows_confidence() -> None:
    confidence = Confidence(90.0, rng=random.Random(12345))
    verified = sum(confidence.should_verify() for _ in range(100_000))
    assert 9_500 < verified < 10_500  # expected 10,000 (1 in 10)


def test_seeded_draws_are_reproducible() -> None:
    first = Confidence(50.0, rng=random.Random(99))
    second = Confidence(50.0, rng=random.Random(99))
    assert [first.should_verify() for _ in range(200)] == [
        second.should_verify() for _ in range(200)
    ]


def test_static_confidence_ignores_feedback() -> None:
    confidence = Confidence(70.0)
    confidence.feedback(False)
    confidence.feedback(True)
    assert confidence.value == 70.0
    assert confidence.dynamic is False


def test_dynamic_confidence_moves_and_is_clamped() -> None:
    confidence = Confidence(100.0, dynamic=True)
    confidence.feedback(True)
    assert confidence.value == 100.0
    confidence.feedback(False)
    assert confidence.value == pytest.approx(99.9)
    for _ in range(10):
        confidence.feedback(True)
    assert confidence.value == pytest.approx(100.0)
    low = Confidence(0.05, dynamic=True)
    low.feedback(False)
    assert low.value == 0.0
    low.feedback(True)
    assert low.value == pytest.approx(0.01)
    low.reset()
    assert low.value == 0.05
    assert "dynamic=True" in repr(low)


@pytest.mark.parametrize("bad", [-0.1, 100.1, float("nan")])
def test_out_of_range_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        Confidence(bad)


def test_default_random_source() -> None:
    confidence = Confidence(50.0)
    results = {confidence.should_verify() for _ in range(200)}
    assert results == {True, False}
