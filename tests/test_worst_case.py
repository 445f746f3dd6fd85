"""The worst-case bound of docs/worst-case.md: the pure arithmetic, and real requests that stay within it."""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path

import asyncpg

from service import worst_case as wc
from service.embedding import Embedder
from service.generation import MAX_CONTEXT_SHRINKS
from service.settings import Settings
from service.topup import topup_ask
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, wait_terminal, with_simulators


def test_topup_ceiling_is_the_pipelines() -> None:
    for missing in range(0, 12):
        assert topup_ask(missing, judged=1000, lost=1000) == wc.topup_ceiling(missing)


def test_calls_of_one_fill_follow_the_shrinks() -> None:
    # 10 questions, 10 per call, 3 attempts: 1 call, then 2 of 6/4, then 4 of <=3, then 7 of <=2
    assert wc.fill_calls(10, 10, 3, 0) == 3
    assert wc.fill_calls(10, 10, 3, MAX_CONTEXT_SHRINKS) == 3 * (1 + 2 + 4 + 7)
    # a window shared with the prompt can hold a single question: every depth may be one call per question
    assert wc.fill_calls(10, None, 3, 3) == 3 * 4 * 10
    assert wc.fill_calls(0, None, 3, 3) == 0


def test_fallback_slots_are_bounded_one_group_each() -> None:
    layers = wc.Layers(chain=(wc.Limits("a", None, 1, 1, 1, 1), wc.Limits("b", 10, 1, 1, 1, 1)), verifier=None,
                       call_attempts=2, shrinks=0)
    assert wc.generate_calls(10, layers) == {"a": 20, "b": 20}


def test_a_request_multiplies_jobs_rounds_and_attempts() -> None:
    gem = wc.Limits("gemini", 10, 100, 10, 1.0, 8)
    layers = wc.Layers(chain=(gem,), verifier=gem, call_attempts=2, shrinks=0, topup_rounds=1, solves_per_item=2,
                       job_size=10, max_attempts=3, backoff_max_s=0, job_retry_base_s=0)
    # one job of 4: rounds ask 4, then 3*4+2 = 14; calls 1*2 + 2*2; every item solved twice, each twice
    one = wc.job_attempt(4, layers)
    assert one.generate_calls == {"gemini": 6}
    assert one.verify_calls == 18 * 2 * 2
    assert one.tokens == 6 * 100 + 72 * 10
    b = wc.request(14, layers)  # jobs of 10 and 4
    assert b.calls == 3 * (wc.job_attempt(10, layers).calls + one.calls)


def test_the_documented_example_is_what_the_functions_give() -> None:
    """docs/worst-case.md quotes these figures for N = 30 at the default settings."""
    s = Settings(_env_file=None)
    math = wc.request(30, wc.layers_for("Mathematics", s))
    chem = wc.request(30, wc.layers_for("Chemistry", s, self_check=True))
    # Gemini's blind solves at two depths: a first solve, and a deeper one of what it did not confirm
    assert (math.generate_calls, math.verify_calls) == ({"runpod": 19_080, "gemini": 19_080}, 9_540)
    assert (chem.generate_calls, chem.verify_calls) == ({"gemini": 6_840}, 19_080)
    no_shrinks = dataclasses.replace(wc.layers_for("Mathematics", s), shrinks=0)
    one_round = dataclasses.replace(no_shrinks, topup_rounds=0)
    doc = (Path(__file__).parent.parent / "docs" / "worst-case.md").read_text()
    for figure in (math.calls, chem.calls, wc.request(30, no_shrinks).calls, wc.request(30, one_round).calls,
                   *math.generate_calls.values(), math.verify_calls, *chem.generate_calls.values(), chem.verify_calls):
        assert f"{figure:,}" in doc
    assert f"{math.wall_s / 3600:,.0f} h" in doc and f"{chem.wall_s / 3600:,.0f} h" in doc


async def _calls(conn: asyncpg.Connection, request_id: uuid.UUID) -> dict[tuple[str, str], int]:
    rows = await conn.fetch(
        "select provider, purpose, count(*) as n from provider_calls where request_id = $1 group by 1, 2", request_id
    )
    return {(r["provider"], r["purpose"]): r["n"] for r in rows}


async def test_every_call_failing_stays_within_the_bound(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Both services answer 500 to everything: the job is dead-lettered after its attempts, and the calls
    the simulators saw (= the provider_calls rows) are within the bound and at least one full retry loop per
    provider per attempt."""
    await conn.execute("update qgen_settings set value = '2' where key = 'max_attempts'")
    always_500 = Knobs(error_rate=1.0)
    async with simulators(always_500, always_500) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, call_attempts=2, breaker_failures=1000, topup_rounds=1,
                            job_retry_base_s=0.01, backoff_base_s=0.0)
        async with running_worker(s, db_dsn, embedder):
            vllm.reset_stats()
            gem.reset_stats()
            req = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=3)
            row = await wait_terminal(conn, req["id"], timeout=120)
        seen = {"runpod": vllm.stats.calls, "gemini": gem.stats.calls}
    assert row["status"] == "failed", row["error"]
    attempts = await conn.fetchval("select sum(attempts) from qgen_jobs where request_id = $1", req["id"])
    assert attempts == 2
    recorded = await _calls(conn, req["id"])
    assert recorded == {("runpod", "generate"): seen["runpod"], ("gemini", "generate"): seen["gemini"]}
    bound = wc.request(3, wc.layers_for("Mathematics", s, max_attempts=2))
    assert seen["runpod"] <= bound.generate_calls["runpod"]
    assert seen["gemini"] <= bound.generate_calls["gemini"]
    # every attempt ran the routed provider's retry loop and then the fallback's: the layers multiply
    assert min(seen.values()) >= attempts * s.call_attempts


async def test_every_item_disputed_stays_within_the_bound(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """The verifier contradicts every key: the job tops up to its last round and ends short, and its
    generation and blind-solve calls are within the bound for one attempt."""
    async with simulators(Knobs(), Knobs(solve_accuracy=0.0)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, call_attempts=2, topup_rounds=2)
        async with running_worker(s, db_dsn, embedder):
            vllm.reset_stats()
            gem.reset_stats()
            req = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=3)
            row = await wait_terminal(conn, req["id"], timeout=120)
        seen = {"runpod": vllm.stats.calls, "gemini": gem.stats.calls, "solves": gem.stats.solves_returned}
    assert row["status"] in ("partial", "failed"), row["error"]
    assert await conn.fetchval("select count(*) from question_disputes") > 0
    attempts = await conn.fetchval("select sum(attempts) from qgen_jobs where request_id = $1", req["id"])
    recorded = await _calls(conn, req["id"])
    assert sum(recorded.values()) == seen["runpod"] + seen["gemini"]
    bound = wc.request(3, wc.layers_for("Mathematics", s, max_attempts=attempts))
    assert recorded.get(("runpod", "generate"), 0) <= bound.generate_calls["runpod"]
    assert recorded.get(("gemini", "verify"), 0) <= bound.verify_calls
    assert seen["runpod"] + seen["gemini"] <= bound.calls
    # a top-up ran: more was asked for than the three slots of the first round
    assert seen["solves"] > 3


async def test_the_breaker_caps_what_reaches_a_failing_provider(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Every call 500, breakers that open after two failures: after the first attempt each later one makes
    only the half-open probe (a job whose breakers are all open waits without spending an attempt), so the
    simulators see no more than the outage bound, fewer than the retry layers alone would allow."""
    await conn.execute("update qgen_settings set value = '3' where key = 'max_attempts'")
    always_500 = Knobs(error_rate=1.0)
    async with simulators(always_500, always_500) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, call_attempts=2, breaker_failures=2, breaker_cooldown_s=0.3,
                            job_retry_base_s=0.01, backoff_base_s=0.0)
        async with running_worker(s, db_dsn, embedder):
            vllm.reset_stats()
            gem.reset_stats()
            started = time.monotonic()
            req = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=3)
            row = await wait_terminal(conn, req["id"], timeout=120)
            elapsed = time.monotonic() - started
        seen = {"runpod": vllm.stats.calls, "gemini": gem.stats.calls}
    assert row["status"] == "failed", row["error"]
    assert await conn.fetchval("select sum(attempts) from qgen_jobs where request_id = $1", req["id"]) == 3
    for key, concurrency in (("runpod", s.runpod_max_concurrency), ("gemini", s.gemini_max_concurrency)):
        bound = wc.outage_calls(s.breaker_failures, concurrency, s.breaker_cooldown_s, elapsed)
        assert bound is not None and 0 < seen[key] <= bound
        assert seen[key] < 3 * s.call_attempts  # without the breaker: every attempt's whole retry loop
    assert wc.outage_calls(5, 4, 0, 60) is None
