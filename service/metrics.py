"""Prometheus metrics of one worker (prometheus-client), each worker in its own ``CollectorRegistry``.

Counters are fed by the worker at the points where things happen (claim, attempt failed, round stored),
by a ``Generator.observers`` callback for provider calls, and by ``embedding_timer`` around encodes;
gauges that describe state (breakers, queue depth, the oldest waiting job) are refreshed when ``/metrics``
is scraped (``service/health.py``). ``provider`` labels are route keys (``runpod``, ``gemini``), as in
routes and breakers. Every label takes values from a closed set (route keys, configured models, the
``Literal`` types below), so no series is created per request or per error message. No ``*_created``
series are exported: they double the series count and no alert or dashboard here reads them.
``deploy/prometheus/alerts.yml`` and ``deploy/grafana/qgen.json`` are built on these names.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from .bank import REFUSALS, is_refusal
from .errors import FAILURE_KINDS
from .prices import Prices, cost_usd
from .resilience import CircuitBreaker

if TYPE_CHECKING:
    from .bank import Verdict
    from .concurrency import AdaptiveLimiter
    from .managed import CallRecord

# LLM calls take from a fraction of a second (a cached 4xx) to the 90-120 s call deadlines.
CALL_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0)
# One batched encode of a round's questions on CPU: milliseconds to a few seconds.
EMBED_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BREAKER_VALUES = {"closed": 0, "half_open": 1, "open": 2}

# Why the bank refused a generated question (``bank.Refusal``); anything else is "other".
REFUSAL_REASONS: frozenset[str] = frozenset({*REFUSALS, "other"})
# Why the routed provider could not write a question a fallback wrote: a FailureKind, or a reply cut short.
FALLBACK_REASONS: frozenset[str] = FAILURE_KINDS | {"truncated", "other"}

# The library's switch is process-wide (there is no per-registry one): *_created series are off for every
# registry of a qgen process, which has no other.
disable_created_metrics()

# The metrics of the worker whose job runs in this task (set per job task, like the log ids), so that
# code shared by every worker of a process (the embedder) records into the right registry.
current: contextvars.ContextVar[WorkerMetrics | None] = contextvars.ContextVar("qgen_metrics", default=None)


def breaker_state(breaker: CircuitBreaker, now: float) -> str:
    """What the breaker does with the next call: ``open`` (fails fast), ``half_open`` (the next call is the
    probe: half-open, or open with its cooldown over) or ``closed``."""
    if breaker.state == CircuitBreaker.OPEN:
        return "open" if breaker.retry_in(now) > 0 else "half_open"
    return breaker.state


def fallback_labels(reason: str) -> tuple[str, str]:
    """A stored ``fallback_reason`` as (routed provider, reason kind): ``runpod server 500`` → (``runpod``,
    ``server``), ``runpod truncated 2/5`` → (``runpod``, ``truncated``); an unknown kind is ``other``."""
    words = reason.split()
    if not words:
        return "unknown", "other"
    kind = words[1] if len(words) > 1 else "other"
    return words[0], kind if kind in FALLBACK_REASONS else "other"


def refusal_label(reason: str | None) -> str:
    return reason if reason in REFUSAL_REASONS else "other"


def outcome_label(outcome: str) -> str:
    """A call outcome: ``ok`` or a ``FailureKind``; anything else is ``other``."""
    return outcome if outcome == "ok" or outcome in FAILURE_KINDS else "other"


@contextlib.contextmanager
def embedding_timer() -> Iterator[None]:
    """Time the block into ``qgen_embedding_duration_seconds`` of the worker running this task; outside a
    worker's job (import, doctor) nothing is recorded."""
    m = current.get()
    started = time.perf_counter()
    try:
        yield
    finally:
        if m is not None:
            m.embedding_seconds.observe(time.perf_counter() - started)


class WorkerMetrics:
    """Every ``qgen_*`` metric of one worker; ``render()`` is the ``/metrics`` body."""

    def __init__(
        self,
        *,
        in_flight: Callable[[], int] = lambda: 0,
        prices: Prices | None = None,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.prices = prices or {}
        self.registry = r = registry or CollectorRegistry()
        self.jobs_claimed = Counter("qgen_jobs_claimed_total", "Jobs this worker claimed (every attempt).", registry=r)
        self.jobs_succeeded = Counter(
            "qgen_jobs_succeeded_total",
            "Jobs this worker completed (status done; a job short of questions after its top-up rounds included).",
            registry=r,
        )
        self.jobs_retried = Counter(
            "qgen_jobs_retried_total", "Job attempts that failed and were queued again with backoff.", registry=r
        )
        self.jobs_failed = Counter(
            "qgen_jobs_failed_total", "Jobs that failed their last attempt and were dead-lettered (status failed).", registry=r
        )
        self.jobs_deferred = Counter(
            "qgen_jobs_deferred_total",
            "Job attempts given back uncounted because every provider of the job's route had its circuit breaker "
            "open (no call went out); the job waits until a breaker half-opens.",
            registry=r,
        )
        self.jobs_cancelled = Counter(
            "qgen_jobs_cancelled_total", "Jobs this worker stopped because their request was cancelled.", registry=r
        )
        self.jobs_in_flight = Gauge("qgen_jobs_in_flight", "Jobs this worker is running now.", registry=r)
        self.jobs_in_flight.set_function(in_flight)
        self.questions_stored = Counter("qgen_questions_stored_total", "Questions stored in the bank.", registry=r)
        self.questions_verified = Counter(
            "qgen_questions_verified_total",
            "Questions stored whose answer key an independent blind solve confirmed (verification = verified).",
            registry=r,
        )
        self.questions_refused = Counter(
            "qgen_questions_refused_total",
            "Generated questions refused by the bank, by reason (exact_duplicate, near_duplicate, batch_duplicate, "
            "variant, off_topic, other).",
            ["reason"],
            registry=r,
        )
        self.questions_disputed = Counter(
            "qgen_questions_disputed_total", "Generated questions whose answer key the verifier disputed.", registry=r
        )
        self.verifier_dispute_ratio = Gauge(
            "qgen_verifier_dispute_ratio",
            "Share of a verifier's last blind solves (up to 50) that disputed the key; above 0.3 over 20 or more"
            " solves the verifier is more likely broken than the generator (see QGEN_VERIFY_MODEL).",
            ["verifier"],
            registry=r,
        )
        self.questions_cancelled = Counter(
            "qgen_questions_cancelled_total",
            "Generated questions dropped unstored because their request was cancelled before they were stored.",
            registry=r,
        )
        self.batch_orphans_cancelled = Counter(
            "qgen_batch_orphans_cancelled_total",
            "Batches found upstream under a job's name that no qgen_batches row records (a worker stopped between "
            "submitting and recording them), still waiting after the grace, cancelled by this worker.",
            registry=r,
        )
        self.fallback_questions = Counter(
            "qgen_fallback_questions_total",
            "Questions stored from a fallback provider, by the routed provider and why it could not write them "
            "(a failure kind such as server or timeout, truncated, or other).",
            ["routed", "reason"],
            registry=r,
        )
        self.call_seconds = Histogram(
            "qgen_provider_call_duration_seconds",
            "Provider call latency (each attempt), by provider, model, purpose (generate, verify) and outcome "
            "(ok or the failure kind).",
            ["provider", "model", "purpose", "outcome"],
            buckets=CALL_BUCKETS,
            registry=r,
        )
        self.tokens = Counter(
            "qgen_provider_tokens_total",
            "Tokens the providers reported, by provider, model, purpose (generate, verify) and kind (prompt, completion).",
            ["provider", "model", "purpose", "kind"],
            registry=r,
        )
        self.cost = Counter(
            "qgen_cost_usd",
            "Estimated USD of provider calls from the price table (the figure provider_calls.cost_usd records), by "
            "provider, model and purpose. Calls with no configured price are not counted (no made-up cost).",
            ["provider", "model", "purpose"],
            registry=r,
        )
        self.breaker_state = Gauge(
            "qgen_breaker_state", "Circuit breaker per provider: 0 closed, 1 half-open, 2 open.", ["provider"], registry=r
        )
        self.concurrency_limit = Gauge(
            "qgen_provider_concurrency_limit",
            "Calls this worker may have in flight per provider now: the adaptive limit, under its configured ceiling.",
            ["provider"],
            registry=r,
        )
        self.embedding_seconds = Histogram(
            "qgen_embedding_duration_seconds",
            "One batched embedding of a round's questions (waiting for the encoder thread included).",
            buckets=EMBED_BUCKETS,
            registry=r,
        )
        self.queued_jobs = Gauge(
            "qgen_queued_jobs", "Jobs queued in the database (all workers'), counted at scrape time; NaN when unknown.",
            registry=r,
        )
        self.oldest_queued_age = Gauge(
            "qgen_oldest_queued_job_age_seconds",
            "How long the longest-waiting runnable job has waited for a worker (since its run_after: enqueued, "
            "or its retry backoff ended), read at scrape time; 0 when none waits, NaN when unknown.",
            registry=r,
        )
        self.loop_lag = Gauge(
            "qgen_event_loop_lag_seconds", "How late the event loop ran the last periodic tick.", registry=r
        )

    # --- feeds ------------------------------------------------------------------------------------
    def on_call(self, rec: CallRecord) -> None:
        """A ``Generator.observers`` callback: one provider call ended."""
        self.call_seconds.labels(rec.key, rec.model, rec.purpose, outcome_label(rec.outcome)).observe(rec.latency_s)
        self.tokens.labels(rec.key, rec.model, rec.purpose, "prompt").inc(rec.prompt_tokens)
        self.tokens.labels(rec.key, rec.model, rec.purpose, "completion").inc(rec.completion_tokens)
        # the worker's accounting (Worker._account) prices the same call the same way
        usd = cost_usd(self.prices, rec.key, rec.model, rec.prompt_tokens, rec.completion_tokens,
                       cached_tokens=rec.cached_tokens, batch=rec.batch)
        if usd is not None:
            self.cost.labels(rec.key, rec.model, rec.purpose).inc(usd)

    def job_attempt_failed(self, status: str | None) -> None:
        """A job attempt failed; ``status`` is the job's status after it: ``failed`` (dead-lettered),
        ``queued`` (retried), or None when another worker owned the job by then (counted by neither)."""
        if status == "failed":
            self.jobs_failed.inc()
        elif status is not None:
            self.jobs_retried.inc()

    def round_stored(self, verdicts: Iterable[Verdict], *, disputed: int = 0) -> None:
        """A round's verdicts and its number of disputed candidates, once their transaction has committed."""
        self.questions_disputed.inc(disputed)
        for v in verdicts:
            if v.accepted:
                self.questions_stored.inc()
                if v.candidate.verification == "verified":
                    self.questions_verified.inc()
                if v.candidate.fallback_reason:
                    self.fallback_questions.labels(*fallback_labels(v.candidate.fallback_reason)).inc()
            elif is_refusal(v):  # surplus and slot_filled are bookkeeping, not refusals
                self.questions_refused.labels(refusal_label(v.reason)).inc()

    def verifier_windows(self, rates: dict[str, tuple[int, int]]) -> None:
        """Each verifier's recent (disputed, solved) blind solves (``verify.Verifier.windows``)."""
        for label, (disputed, solved) in rates.items():
            self.verifier_dispute_ratio.labels(label).set(disputed / solved if solved else 0.0)

    def refresh_breakers(self, breakers: dict[str, CircuitBreaker], now: float) -> None:
        for key, b in breakers.items():
            self.breaker_state.labels(key).set(BREAKER_VALUES[breaker_state(b, now)])

    def refresh_limits(self, limiters: Mapping[str, AdaptiveLimiter]) -> None:
        for key, lim in limiters.items():
            self.concurrency_limit.labels(key).set(lim.limit)

    def render(self) -> bytes:
        """The Prometheus text exposition of this worker's registry."""
        return generate_latest(self.registry)
