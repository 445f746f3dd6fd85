"""Retry/backoff, circuit breaker and limiter decisions (pure, clock injected)."""

from __future__ import annotations

import pytest

from service.errors import ProviderError
from service.resilience import CircuitBreaker, backoff_delay, retry_decision


def test_backoff_is_exponential_full_jitter_and_capped() -> None:
    assert backoff_delay(1, 0.5, 20, None, rand=lambda: 1.0) == 0.5
    assert backoff_delay(3, 0.5, 20, None, rand=lambda: 1.0) == 2.0
    assert backoff_delay(3, 0.5, 20, None, rand=lambda: 0.5) == 1.0
    assert backoff_delay(3, 0.5, 20, None, rand=lambda: 0.0) == 0.0
    assert backoff_delay(30, 0.5, 20, None, rand=lambda: 1.0) == 20.0


def test_backoff_retry_after_is_a_floor_but_capped() -> None:
    assert backoff_delay(1, 0.5, 20, 3.0, rand=lambda: 0.1) == 3.0
    assert backoff_delay(1, 0.5, 20, 60.0, rand=lambda: 0.1) == 20.0


@pytest.mark.parametrize("kind", ["connect", "timeout", "server", "rate_limited", "invalid_json", "too_few"])
def test_retryable_kinds_retry_until_attempts_used(kind: str) -> None:
    e = ProviderError("runpod", kind, "x")
    assert retry_decision(e, 1, 3, rand=lambda: 1.0) == 0.5
    assert retry_decision(e, 2, 3, rand=lambda: 1.0) == 1.0
    assert retry_decision(e, 3, 3) is None


@pytest.mark.parametrize("kind", ["auth", "bad_request", "context_length", "circuit_open"])
def test_non_retryable_kinds(kind: str) -> None:
    assert retry_decision(ProviderError("runpod", kind, "x"), 1, 5) is None


def test_retry_after_honoured_and_too_long_gives_up() -> None:
    e = ProviderError("runpod", "rate_limited", "slow down", status=429, retry_after=2.0)
    assert retry_decision(e, 1, 3, base=0.1, cap=10, rand=lambda: 0.0) == 2.0
    long = ProviderError("runpod", "rate_limited", "slow down", status=429, retry_after=120.0)
    assert retry_decision(long, 1, 3, cap=10) is None


def test_breaker_opens_after_n_consecutive_failures() -> None:
    b = CircuitBreaker(failures=3, cooldown_s=10)
    for t in range(2):
        assert b.allow(t)
        b.record_failure(t)
    b.record_success(2.5)  # a success resets the streak
    for t in (3, 4):
        b.record_failure(t)
    assert b.state == "closed" and b.allow(4)
    b.record_failure(5)
    assert b.state == "open"
    assert not b.allow(5) and not b.allow(14.9)
    assert b.retry_in(10) == pytest.approx(5)


def test_breaker_half_open_lets_exactly_one_probe() -> None:
    b = CircuitBreaker(failures=1, cooldown_s=10)
    b.record_failure(0)
    assert not b.allow(9.99)
    assert b.allow(10)  # the probe
    assert b.state == "half_open"
    assert not b.allow(10) and not b.allow(11)  # nothing else while the probe is out
    b.record_success(12)
    assert b.state == "closed" and b.allow(12) and b.allow(12)


def test_breaker_failed_probe_reopens_for_another_cooldown() -> None:
    b = CircuitBreaker(failures=2, cooldown_s=5)
    b.record_failure(0)
    b.record_failure(1)
    assert b.allow(6)
    b.record_failure(7)
    assert b.state == "open" and not b.allow(11.9) and b.allow(12)
    assert b.times_opened == 2


def test_breaker_abandoned_probe_frees_the_slot() -> None:
    b = CircuitBreaker(failures=1, cooldown_s=1)
    b.record_failure(0)
    assert b.allow(1) and not b.allow(1)
    b.abandon()
    assert b.allow(1)
