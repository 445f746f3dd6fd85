"""Retry, backoff and circuit breaking for provider calls (pure; clock injected). The concurrency limit
lives in ``concurrency``."""

from __future__ import annotations

import random
from collections.abc import Callable

from .errors import FailureKind, ProviderError

# Failures that say the *service* is unusable for every call; these trip the breaker. A reply that
# arrived but was unusable for this call (invalid_json, too_few, context_length, bad_request, blocked,
# recitation, out_of_tokens) proves the service is up.
BREAKER_KINDS: frozenset[FailureKind] = frozenset({"connect", "timeout", "server", "rate_limited", "auth", "not_found"})


def backoff_delay(
    attempt: int,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based).

    Exponential with full jitter (``rand() * base * 2**(attempt-1)``), never below the server's
    Retry-After, never above ``cap``.
    """
    exp = base * (2 ** max(0, attempt - 1))
    delay = rand() * min(cap, exp)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, retry_after)
    return max(0.0, min(cap, delay))


def jittered(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with half jitter, for the worker's own waits: never a tight loop, never a
    thundering herd."""
    return backoff_delay(attempt, base, cap, None, lambda: random.uniform(0.5, 1.0))


def retry_decision(
    error: ProviderError,
    attempt: int,
    max_attempts: int,
    *,
    base: float = 0.5,
    cap: float = 20.0,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Delay before retrying after failed attempt ``attempt`` (1-based), or None to stop retrying.

    Stops for non-retryable kinds, when attempts are used up, and when the server asks us to wait
    longer than ``cap`` (falling back is then better than sleeping).
    """
    if not error.retryable or attempt >= max_attempts:
        return None
    if error.retry_after is not None and error.retry_after > cap:
        return None
    return backoff_delay(attempt, base, cap, error.retry_after, rand)


class CircuitBreaker:
    """closed → open after ``failures`` consecutive failures → half-open after ``cooldown_s``
    (exactly one probe allowed) → closed on success, open again on failure."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"

    def __init__(self, failures: int, cooldown_s: float) -> None:
        if failures < 1:
            raise ValueError("failures must be >= 1")
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._state = self.CLOSED
        self._consecutive = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self.times_opened = 0

    @property
    def state(self) -> str:
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._consecutive

    def retry_in(self, now: float) -> float:
        """Seconds until the next probe may go out (0 when calls are allowed)."""
        if self._state == self.OPEN:
            return max(0.0, self._opened_at + self.cooldown_s - now)
        return 0.0

    def allow(self, now: float) -> bool:
        """May a call go out now? In half-open state only the single probe is let through."""
        if self._state == self.CLOSED:
            return True
        if self._state == self.OPEN:
            if now - self._opened_at < self.cooldown_s:
                return False
            self._state = self.HALF_OPEN
            self._probe_in_flight = False
        if self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self, now: float) -> None:
        self._state = self.CLOSED
        self._consecutive = 0
        self._probe_in_flight = False

    def record_failure(self, now: float) -> None:
        if self._state == self.HALF_OPEN:
            self._open(now)
            return
        if self._state == self.OPEN:
            return  # a straggler that started before the breaker opened
        self._consecutive += 1
        if self._consecutive >= self.failures:
            self._open(now)

    def abandon(self) -> None:
        """A let-through call ended without a verdict (cancelled): free the probe slot."""
        self._probe_in_flight = False

    def _open(self, now: float) -> None:
        self._state = self.OPEN
        self._opened_at = now
        self._probe_in_flight = False
        self.times_opened += 1
