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
from service.managed import CallRecord
from service.metrics import WorkerMetrics, breaker_state, fallback_labels, outcome_label, refusal_label
from service.prices import cost_usd, parse_prices
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


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name`` over every series whose labels include ``labels`` (0 when none does)."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= ls)


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


def test_labels_come_from_closed_sets() -> None:
    """Fallback reasons become (routed provider, failure kind): no status codes, counts or messages."""
    assert fallback_labels("runpod server 500") == ("runpod", "server")
    assert fallback_labels("runpod truncated 2/5") == ("runpod", "truncated")
    assert fallback_labels("runpod too_few 0/3") == ("runpod", "too_few")
    assert fallback_labels("runpod circuit_open") == ("runpod", "circuit_open")
    assert fallback_labels("runpod said something odd") == ("runpod", "other")
    assert fallback_labels("") == ("unknown", "other")
    assert refusal_label("near_duplicate") == "near_duplicate" and refusal_label("off_topic") == "off_topic"
    assert refusal_label("slot_filled") == refusal_label("surplus") == "other"  # bookkeeping: never a refusal's label
    assert refusal_label("runpod server 500") == refusal_label(None) == "other"
    assert outcome_label("timeout") == "timeout" and outcome_label("ok") == "ok"
    assert outcome_label("HTTP 500 from the proxy") == "other"


def test_registries_are_per_worker_and_count_calls_and_rounds() -> None:
    prices = parse_prices('{"gemini/g": [0.3, 2.5]}')  # runpod has no price
    a, b = WorkerMetrics(prices=prices), WorkerMetrics()  # the same names twice: no "Duplicated timeseries" error
    a.on_call(CallRecord("runpod", "runpod", "m", "generate", "ok", 1.5, prompt_tokens=100, completion_tokens=40))
    a.on_call(CallRecord("runpod", "runpod", "m", "generate", "timeout", 90.0))
    a.on_call(CallRecord("gemini", "gemini", "g", "verify", "ok", 0.2, prompt_tokens=30, completion_tokens=5))
    a.on_call(CallRecord("gemini", "gemini", "g", "generate", "ok", 3.0, prompt_tokens=1000, completion_tokens=4000))

    def verdict(accepted: bool, reason: str | None, fallback: str | None = None, verification: str = "unverified") -> Verdict:
        cand = Candidate(None, None, "gemini", "g", fallback, None, verification=verification)  # type: ignore[arg-type]
        return Verdict(cand, accepted, None, reason, None, None)

    a.round_stored(
        [
            verdict(True, None, verification="verified"),
            verdict(True, None, "runpod truncated 1/3"),
            verdict(False, "near_duplicate"),
            verdict(False, "off_topic"),
            verdict(False, "surplus"),  # bookkeeping, not refusals: neither counted
            verdict(False, "slot_filled"),
        ],
        disputed=2,
    )
    a.job_attempt_failed("queued")
    a.job_attempt_failed("failed")
    a.job_attempt_failed(None)  # lease lost: another worker's attempt now
    text = a.render().decode()
    s = parse(text)
    rp = {"provider": "runpod", "model": "m", "purpose": "generate"}
    assert value(s, "qgen_provider_call_duration_seconds_count", **rp, outcome="ok") == 1
    assert value(s, "qgen_provider_call_duration_seconds_count", **rp, outcome="timeout") == 1
    assert value(s, "qgen_provider_call_duration_seconds_sum", **rp, outcome="timeout") == 90.0
    assert value(s, "qgen_provider_call_duration_seconds_bucket", **rp, outcome="ok", le="2.5") == 1
    assert value(s, "qgen_provider_call_duration_seconds_bucket", **rp, outcome="ok", le="1.0") == 0
    gv = {"provider": "gemini", "model": "g", "purpose": "verify"}
    assert value(s, "qgen_provider_call_duration_seconds_count", **gv, outcome="ok") == 1
    assert value(s, "qgen_provider_tokens_total", **rp, kind="prompt") == 100
    assert value(s, "qgen_provider_tokens_total", **rp, kind="completion") == 40
    assert value(s, "qgen_provider_tokens_total", **gv, kind="prompt") == 30
    # cost as the worker's accounting computes it; runpod has no price, so it has no cost series at all
    assert labelled(s, "qgen_cost_usd_total") == {
        frozenset(gv.items()): cost_usd(prices, "gemini", "g", 30, 5),
        frozenset({**gv, "purpose": "generate"}.items()): cost_usd(prices, "gemini", "g", 1000, 4000),
    }
    assert value(s, "qgen_cost_usd_total", **{**gv, "purpose": "generate"}) == (1000 * 0.3 + 4000 * 2.5) / 1e6
    assert value(s, "qgen_questions_stored_total") == 2
    assert value(s, "qgen_questions_verified_total") == 1
    assert value(s, "qgen_fallback_questions_total", routed="runpod", reason="truncated") == 1
    assert labelled(s, "qgen_questions_refused_total") == {
        frozenset({("reason", "near_duplicate")}): 1, frozenset({("reason", "off_topic")}): 1,
    }
    assert value(s, "qgen_questions_disputed_total") == 2
    assert "_created" not in text  # no *_created series
    for family in text_string_to_metric_families(text):  # Prometheus naming: counters end in _total
        if family.type == "counter":
            assert all(x.name.endswith("_total") for x in family.samples), family.name
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
    """Call latency counts, token counters and cost agree with provider_calls, series by series
    (provider, model, purpose, outcome); a group with no priced call has no cost series."""
    rows = await conn.fetch(
        "select provider, model, purpose, outcome, count(*) as n, sum(prompt_tokens) as p,"
        " sum(completion_tokens) as c, sum(cost_usd)::float8 as usd from provider_calls group by 1, 2, 3, 4"
    )
    assert rows
    calls = {frozenset({"provider": r["provider"], "model": r["model"], "purpose": r["purpose"],
                        "outcome": r["outcome"]}.items()): r["n"] for r in rows}
    assert labelled(samples, "qgen_provider_call_duration_seconds_count") == calls
    tokens: dict[frozenset[tuple[str, str]], float] = {}
    cost: dict[frozenset[tuple[str, str]], float] = {}
    for r in rows:
        group = {"provider": r["provider"], "model": r["model"], "purpose": r["purpose"]}
        for kind, n in (("prompt", r["p"]), ("completion", r["c"])):
            key = frozenset({**group, "kind": kind}.items())
            tokens[key] = tokens.get(key, 0) + n
        if r["usd"] is not None:
            cost[frozenset(group.items())] = cost.get(frozenset(group.items()), 0) + r["usd"]
    assert labelled(samples, "qgen_provider_tokens_total") == tokens
    exported = labelled(samples, "qgen_cost_usd_total")
    assert exported.keys() == cost.keys()
    for key, usd in cost.items():  # numeric(14, 8) in the table, a float sum in the counter
        assert abs(exported[key] - usd) < 1e-6, (key, exported[key], usd)


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
        prices='{"gemini": [0.3, 2.5]}',
        runpod_max_questions_per_call=3,  # one RunPod call meets all three 500s
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
    assert labelled(s, "qgen_fallback_questions_total") == {frozenset({("routed", "runpod"), ("reason", "server")}): 3}
    assert total(s, "qgen_provider_call_duration_seconds_count", provider="runpod", outcome="server") == 3
    assert total(s, "qgen_provider_call_duration_seconds_count", provider="gemini", outcome="ok") >= 1
    await assert_calls_match_accounting(conn, s)
    assert total(s, "qgen_provider_tokens_total", provider="gemini", purpose="generate", kind="completion") > 0
    # gemini is priced, runpod is not: gemini's generation cost is counted, runpod has no cost series
    assert total(s, "qgen_cost_usd_total", provider="gemini", purpose="generate") > 0
    assert not [k for k in labelled(s, "qgen_cost_usd_total") if ("provider", "runpod") in k]
    assert value(s, "qgen_oldest_queued_job_age_seconds") == 0
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
    assert total(s, "qgen_provider_call_duration_seconds_count", provider="gemini", outcome="server") == 2
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
    verified = await conn.fetchval("select count(*) from questions where verification = 'verified'")
    assert value(s, "qgen_questions_verified_total") == verified
    await assert_calls_match_accounting(conn, s)  # the gate's blind re-solves included (purpose verify)


async def test_oldest_queued_job_age_counts_runnable_jobs_only(conn: asyncpg.Connection) -> None:
    """The gauge's query: the longest wait since run_after among runnable queued jobs; a job due later and a
    job of a cancelled request wait for nobody."""
    from service.sqlfiles import q

    assert dict(await conn.fetchrow(q("queue_gauges"))) == {"queued": 0, "oldest_wait_s": 0.0}
    waiting = await insert_request(conn, count=1)
    await conn.execute("update qgen_jobs set run_after = now() - interval '90 seconds' where request_id = $1", waiting["id"])
    later = await insert_request(conn, count=1)
    await conn.execute("update qgen_jobs set run_after = now() + interval '1 hour' where request_id = $1", later["id"])
    cancelled = await insert_request(conn, count=1)
    await conn.execute("update qgen_jobs set run_after = now() - interval '1 hour' where request_id = $1", cancelled["id"])
    await conn.execute("update question_requests set status = 'cancelled' where id = $1", cancelled["id"])
    row = await conn.fetchrow(q("queue_gauges"))
    assert row["queued"] == 3
    assert 90 <= row["oldest_wait_s"] < 3600
