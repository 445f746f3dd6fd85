"""Prometheus metrics: the pure parts (breaker state, fallback labels, the call observer), then a real worker
processing requests against the simulators, its /metrics scraped over HTTP, parsed with
prometheus_client's parser, and every value checked against what the database recorded."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from service.bank import Candidate, Verdict
from service.embedding import Embedder
from service.generation import CallRecord
from service.metrics import WorkerMetrics, breaker_state, fallback_label
from service.resilience import CircuitBreaker
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, wait_terminal, with_simulators

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

JOB_COUNTERS = ("qgen_jobs_claimed_total", "qgen_jobs_succeeded_total", "qgen_jobs_retried_total", "qgen_jobs_failed_total")


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse(text: str) -> Samples:
    """Every sample of a Prometheus text exposition, keyed by (name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; a KeyError (with the names present) when it is not exposed at all."""
    key = (name, frozenset(labels.items()))
    if key not in samples:
        raise KeyError(f"{name}{labels} not exposed; have {sorted({n for n, _ in samples})}")
    return samples[key]


def labelled(samples: Samples, name: str) -> dict[frozenset[tuple[str, str]], float]:
    return {labels: v for (n, labels), v in samples.items() if n == name}


async def scrape(base_url: str) -> Samples:
    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.get(f"{base_url}/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return parse(r.text)


def settled(samples: Samples) -> bool:
    """A job was claimed and no job task is running: every counter of its attempts has moved."""
    claimed = samples.get(("qgen_jobs_claimed_total", frozenset()), 0)
    return claimed >= 1 and samples.get(("qgen_jobs_in_flight", frozenset())) == 0


async def scrape_until(base_url: str, done: Callable[[Samples], bool], timeout: float = 20.0) -> Samples:
    """Scrape until ``done`` holds (a job's counters move just after its request turns terminal)."""
    deadline = time.monotonic() + timeout
    while True:
        samples = await scrape(base_url)
        if done(samples) or time.monotonic() > deadline:
            return samples
        await asyncio.sleep(0.1)


# ------------------------------------------------------------------------------------------- pure parts
def test_breaker_state_says_what_the_next_call_meets() -> None:
    b = CircuitBreaker(failures=2, cooldown_s=10)
    assert breaker_state(b, 0) == "closed"
    b.record_failure(0)
    assert breaker_state(b, 0) == "closed"
    b.record_failure(1)
    assert breaker_state(b, 5) == "open"
    assert breaker_state(b, 11) == "half_open"  # cooldown over: the next call is the probe
    assert b.allow(11) and breaker_state(b, 11) == "half_open"
    b.record_success(12)
    assert breaker_state(b, 12) == "closed"


def test_fallback_labels_drop_item_counts() -> None:
    assert fallback_label("runpod server 500") == "runpod server 500"
    assert fallback_label("runpod truncated 2/5") == "runpod truncated"
    assert fallback_label("runpod too_few 0/3") == "runpod too_few"
    assert fallback_label("runpod circuit_open") == "runpod circuit_open"
    assert fallback_label("") == "unknown"


def test_registries_are_per_worker_and_count_calls_and_rounds() -> None:
    a, b = WorkerMetrics(), WorkerMetrics()  # the same names twice: no "Duplicated timeseries" error
    a.on_call(CallRecord("runpod", "runpod", "m", "generate", "ok", 1.5, prompt_tokens=100, completion_tokens=40))
    a.on_call(CallRecord("runpod", "runpod", "m", "generate", "timeout", 90.0))
    a.on_call(CallRecord("gemini", "gemini", "g", "verify", "ok", 0.2, prompt_tokens=30, completion_tokens=5))

    def verdict(accepted: bool, reason: str | None, fallback: str | None = None) -> Verdict:
        cand = Candidate(None, None, "gemini", "g", fallback, None)  # type: ignore[arg-type]
        return Verdict(cand, accepted, None, reason, None, None)

    a.round_stored(
        [
            verdict(True, None),
            verdict(True, None, "runpod truncated 1/3"),
            verdict(False, "near_duplicate"),
            verdict(False, "surplus"),
        ],
        disputed=2,
    )
    a.job_attempt_failed("queued")
    a.job_attempt_failed("failed")
    a.job_attempt_failed(None)  # lease lost: another worker's attempt now
    s = parse(a.render().decode())
    assert value(s, "qgen_provider_call_duration_seconds_count", provider="runpod", outcome="ok") == 1
    assert value(s, "qgen_provider_call_duration_seconds_count", provider="runpod", outcome="timeout") == 1
    assert value(s, "qgen_provider_call_duration_seconds_sum", provider="runpod", outcome="timeout") == 90.0
    assert value(s, "qgen_provider_call_duration_seconds_bucket", provider="runpod", outcome="ok", le="2.5") == 1
    assert value(s, "qgen_provider_call_duration_seconds_bucket", provider="runpod", outcome="ok", le="1.0") == 0
    assert value(s, "qgen_provider_tokens_total", provider="runpod", purpose="generate", kind="prompt") == 100
    assert value(s, "qgen_provider_tokens_total", provider="runpod", purpose="generate", kind="completion") == 40
    assert value(s, "qgen_provider_tokens_total", provider="gemini", purpose="verify", kind="prompt") == 30
    assert value(s, "qgen_questions_stored_total") == 2
    assert value(s, "qgen_fallback_questions_total", reason="runpod truncated") == 1
    assert labelled(s, "qgen_questions_refused_total") == {frozenset({("reason", "near_duplicate")}): 1}
    assert value(s, "qgen_questions_disputed_total") == 2
    assert value(s, "qgen_jobs_retried_total") == 1 and value(s, "qgen_jobs_failed_total") == 1
    assert parse(b.render().decode())[("qgen_questions_stored_total", frozenset())] == 0


# ------------------------------------------------------------------------------------------- real worker
async def worker_metrics(
    settings: Settings,
    db_dsn: str,
    embedder: Embedder,
    runpod: Knobs,
    gemini: Knobs,
    drive: Callable[[str], Awaitable[Samples]],
    **overrides: object,
) -> Samples:
    """Run a worker serving /metrics on a free port against simulators with these knobs; ``drive(url)``
    inserts and waits, and returns the final scrape."""
    async with simulators(runpod, gemini) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, metrics_port=free_port(), **overrides)
        async with running_worker(s, db_dsn, embedder):
            return await drive(f"http://127.0.0.1:{s.metrics_port}")


async def assert_calls_match_accounting(conn: asyncpg.Connection, samples: Samples) -> None:
    """Call latency counts and token counters agree with provider_calls, group by group."""
    rows = await conn.fetch(
        "select provider, purpose, outcome, count(*) as n, sum(prompt_tokens) as p, sum(completion_tokens) as c"
        " from provider_calls group by 1, 2, 3"
    )
    assert rows
    calls: dict[tuple[str, str], int] = {}
    tokens: dict[tuple[str, str, str], int] = {}
    for r in rows:
        calls[(r["provider"], r["outcome"])] = calls.get((r["provider"], r["outcome"]), 0) + r["n"]
        for kind, n in (("prompt", r["p"]), ("completion", r["c"])):
            key = (r["provider"], r["purpose"], kind)
            tokens[key] = tokens.get(key, 0) + n
    counts = labelled(samples, "qgen_provider_call_duration_seconds_count")
    assert {(dict(k)["provider"], dict(k)["outcome"]): v for k, v in counts.items()} == calls
    for (provider, purpose, kind), n in tokens.items():
        assert value(samples, "qgen_provider_tokens_total", provider=provider, purpose=purpose, kind=kind) == n


async def test_metrics_after_a_processed_request(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """RunPod answers 500 three times (its breaker opens), Gemini fills the request as the fallback. The
    answer-key gate is off here so that the outcome is fixed; test_refusals_and_disputes runs with it."""

    async def drive(url: str) -> Samples:
        req = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=3)
        row = await wait_terminal(conn, req["id"], timeout=60)
        assert row["status"] == "succeeded", row["error"]
        return await scrape_until(url, settled)

    s = await worker_metrics(
        settings, db_dsn, embedder, Knobs(fail_next=[500, 500, 500]), Knobs(), drive,
        call_attempts=3, breaker_failures=3, breaker_cooldown_s=600, verify="off",
    )
    for name in (*JOB_COUNTERS, "qgen_questions_stored_total", "qgen_questions_disputed_total", "qgen_queued_jobs",
                 "qgen_jobs_in_flight", "qgen_embedding_duration_seconds_count", "qgen_event_loop_lag_seconds"):
        value(s, name)  # every metric is exposed, zero or not
    assert value(s, "qgen_jobs_claimed_total") == await conn.fetchval("select sum(attempts) from qgen_jobs") == 1
    assert value(s, "qgen_jobs_succeeded_total") == 1
    assert value(s, "qgen_jobs_retried_total") == value(s, "qgen_jobs_failed_total") == 0
    assert value(s, "qgen_questions_stored_total") == await conn.fetchval("select count(*) from questions") == 3
    stored_by_reason = dict(await conn.fetch("select fallback_reason, count(*) from questions group by 1"))
    assert stored_by_reason == {"runpod server 500": 3}
    assert labelled(s, "qgen_fallback_questions_total") == {frozenset({("reason", "runpod server 500")}): 3}
    assert value(s, "qgen_provider_call_duration_seconds_count", provider="runpod", outcome="server") == 3
    assert value(s, "qgen_provider_call_duration_seconds_count", provider="gemini", outcome="ok") >= 1
    await assert_calls_match_accounting(conn, s)
    assert value(s, "qgen_provider_tokens_total", provider="gemini", purpose="generate", kind="completion") > 0
    assert value(s, "qgen_breaker_state", provider="runpod") == 2  # open: three failures, a 600 s cooldown
    assert value(s, "qgen_breaker_state", provider="gemini") == 0
    assert value(s, "qgen_embedding_duration_seconds_count") >= 1
    assert value(s, "qgen_embedding_duration_seconds_sum") > 0
    assert value(s, "qgen_queued_jobs") == 0
    assert value(s, "qgen_jobs_in_flight") == 0


async def test_retries_and_dead_letters_are_counted(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Both providers fail every call: the job is retried once, then dead-lettered (max_attempts 2)."""
    await conn.execute("update qgen_settings set value = '2' where key = 'max_attempts'")

    async def drive(url: str) -> Samples:
        req = await insert_request(conn, subject="Chemistry", topic="Stoichiometry", count=2)
        row = await wait_terminal(conn, req["id"], timeout=60)
        assert row["status"] == "failed", row["error"]
        return await scrape_until(url, lambda s: s.get(("qgen_jobs_failed_total", frozenset())) == 1)

    always_500 = Knobs(error_rate=1.0)
    s = await worker_metrics(settings, db_dsn, embedder, always_500, always_500, drive, call_attempts=1, breaker_failures=50)
    assert value(s, "qgen_jobs_claimed_total") == 2
    assert value(s, "qgen_jobs_retried_total") == 1
    assert value(s, "qgen_jobs_failed_total") == 1
    assert value(s, "qgen_jobs_succeeded_total") == 0
    assert value(s, "qgen_questions_stored_total") == 0
    assert value(s, "qgen_provider_call_duration_seconds_count", provider="gemini", outcome="server") == 2
    await assert_calls_match_accounting(conn, s)


async def test_refusals_and_disputes(settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder) -> None:
    """Gemini repeats itself (every item after the first a copy), the answer-key gate runs: the refusals by
    reason are the question_rejects rows by reason, the disputes the question_disputes rows."""

    async def drive(url: str) -> Samples:
        req = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=3)
        await wait_terminal(conn, req["id"], timeout=60)
        return await scrape_until(url, settled)

    s = await worker_metrics(
        settings, db_dsn, embedder, Knobs(), Knobs(duplicate_rate=1.0), drive, topup_rounds=1
    )
    rejects = dict(await conn.fetch("select reason, count(*) from question_rejects group by 1"))
    assert rejects, "the simulator's copies were refused"
    refused = labelled(s, "qgen_questions_refused_total")
    assert {dict(k)["reason"]: v for k, v in refused.items()} == rejects
    assert value(s, "qgen_questions_stored_total") == await conn.fetchval("select count(*) from questions")
    assert value(s, "qgen_questions_disputed_total") == await conn.fetchval("select count(*) from question_disputes")
    await assert_calls_match_accounting(conn, s)  # the gate's blind re-solves included (purpose verify)
