"""Token and cost accounting: every provider call stored with its tokens, latency and estimated cost,
summed per request; prices are settings per provider and model; users never see the per-call rows."""

from __future__ import annotations

import asyncpg
import pytest

from service.embedding import Embedder
from service.errors import ConfigError
from service.prices import Price, cost_usd, parse_prices, price_for
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, wait_terminal, with_simulators
from .test_rls import ALICE, Denied, acting_as, user_request

PRICES = '{"gemini/gemini-3.5-flash": [0.30, 2.50], "runpod": [0, 0]}'


def test_prices_parse_and_the_most_specific_key_wins() -> None:
    prices = parse_prices(PRICES)
    assert price_for(prices, "gemini", "gemini-3.5-flash") == Price(0.30, 2.50, cached_input=0.30, batch_factor=0.5)
    assert price_for(prices, "gemini", "gemini-3.5-pro") is None  # no price: unknown, not zero
    assert price_for(prices, "runpod", "PhysicsWallahAI/Aryabhata-1.0") == Price(0.0, 0.0, cached_input=0.0)
    assert cost_usd(prices, "gemini", "gemini-3.5-flash", 1_000_000, 200_000) == pytest.approx(0.30 + 0.50)
    assert cost_usd(prices, "gemini", "other", 10, 10) is None
    assert parse_prices("") == {}


@pytest.mark.parametrize("bad", ["[1, 2]", "{", '{"gemini": [1]}', '{"gemini": [-1, 2]}', '{"gemini": "cheap"}',
                                 '{"gemini": [1, 2, 3, 4]}', '{"gemini": [true, 2]}'])
def test_malformed_prices_are_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="QGEN_PRICES"):
        parse_prices(bad)


async def test_calls_are_stored_per_request_with_tokens_latency_and_cost(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    # RunPod fails once with a 500 (retried), so a failed call is accounted for too
    async with simulators(Knobs(fail_next=[500]), Knobs()) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, prices=PRICES)
        async with running_worker(s, db_dsn, embedder):
            maths = await insert_request(conn, subject="Mathematics", topic="Binomial theorem", count=4)
            chem = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=3)
            for r in (maths, chem):
                assert (await wait_terminal(conn, r["id"]))["status"] == "succeeded"
        sim_tokens = {
            "runpod": (vllm.stats.prompt_tokens, vllm.stats.completion_tokens),
            "gemini": (gem.stats.prompt_tokens, gem.stats.completion_tokens),
        }
        sim_cached = {"runpod": vllm.stats.cached_tokens, "gemini": gem.stats.cached_tokens}

    calls = await conn.fetch("select * from provider_calls order by id")
    assert {c["request_id"] for c in calls} == {maths["id"], chem["id"]}
    assert all(c["latency_ms"] >= 0 and c["job_id"] for c in calls)
    assert next(c["outcome"] for c in calls if c["provider"] == "runpod") == "server"
    # generation and the answer-key gate's blind solves are kept apart (Gemini verifies both subjects)
    assert {c["purpose"] for c in calls if c["provider"] == "runpod"} == {"generate"}
    assert {c["purpose"] for c in calls if c["provider"] == "gemini"} == {"generate", "verify"}
    ok = [c for c in calls if c["outcome"] == "ok"]
    for provider, (prompt, completion) in sim_tokens.items():
        mine = [c for c in ok if c["provider"] == provider]
        assert mine and sum(c["prompt_tokens"] for c in mine) == prompt
        assert sum(c["completion_tokens"] for c in mine) == completion
    # what the prompt caches served and what thinking spent, per call as the services reported them
    for provider, cached in sim_cached.items():
        assert sum(c["cached_tokens"] for c in ok if c["provider"] == provider) == cached
    thinking = [c for c in ok if c["provider"] == "gemini"]
    assert all(0 < c["thinking_tokens"] < c["completion_tokens"] for c in thinking)  # Gemini 3 thinks by default
    assert all(c["thinking_tokens"] == 0 for c in ok if c["provider"] == "runpod")
    for c in ok:
        if c["provider"] == "gemini":
            want = (c["prompt_tokens"] * 0.30 + c["completion_tokens"] * 2.50) / 1e6
            assert float(c["cost_usd"]) == pytest.approx(want) and want > 0
        else:
            assert float(c["cost_usd"]) == 0.0

    for r in (maths, chem):
        row = await conn.fetchrow("select * from question_requests where id = $1", r["id"])
        assert row is not None
        sums = await conn.fetchrow(
            "select sum(prompt_tokens) filter (where purpose = 'generate') gp,"
            " sum(completion_tokens) filter (where purpose = 'generate') gc,"
            " sum(prompt_tokens) filter (where purpose = 'verify') vp,"
            " sum(completion_tokens) filter (where purpose = 'verify') vc,"
            " sum(cached_tokens) ct, sum(thinking_tokens) tt,"
            " sum(cost_usd) cost from provider_calls where request_id = $1",
            r["id"],
        )
        assert (row["prompt_tokens"], row["completion_tokens"]) == (sums["gp"], sums["gc"]) and row["prompt_tokens"] > 0
        assert (row["verify_prompt_tokens"], row["verify_completion_tokens"]) == (sums["vp"], sums["vc"])
        assert row["verify_prompt_tokens"] > 0 and row["cost_usd"] == sums["cost"]
        assert (row["cached_tokens"], row["thinking_tokens"]) == (sums["ct"], sums["tt"])


async def test_users_see_their_sums_but_never_the_call_rows(conn: asyncpg.Connection) -> None:
    mine = await user_request(conn, ALICE)
    await conn.execute(
        "select qgen_record_calls($1, null, $2::jsonb)",
        mine["id"],
        '[{"provider": "gemini", "model": "m", "outcome": "ok", "latency_ms": 5, "prompt_tokens": 7,'
        ' "completion_tokens": 3, "cost_usd": 0.001}]',
    )
    async with acting_as(conn, "authenticated", ALICE) as c:
        row = await c.fetchrow("select prompt_tokens, completion_tokens, cost_usd from question_requests where id=$1", mine["id"])
    assert row is not None and (row["prompt_tokens"], row["completion_tokens"]) == (7, 3)
    for sql in ("select * from provider_calls", "select qgen_record_calls(null, null, '[]'::jsonb)"):
        with pytest.raises(Denied):
            async with acting_as(conn, "authenticated", ALICE) as c:
                await c.fetch(sql)
