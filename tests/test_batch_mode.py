"""Batch mode: requests with mode 'batch' through the Gemini Batch API (service/batch.py), on real PostgreSQL,
with the real google-genai client against the loopback Gemini simulator (sim/simulators/gemini_batch.py)."""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from service.batch import cancel_abandoned, poll_delay, state_word
from service.embedding import Embedder
from service.prices import cost_usd, parse_prices
from service.providers.base import ProviderCall
from service.providers.gemini import GeminiProvider
from service.settings import Settings
from service.sqlfiles import q
from service.status import detail
from service.terminal import status_cell
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .helpers import (
    FAKE_GEMINI_KEY,
    assert_bank_consistent,
    insert_request,
    running_worker,
    simulators,
    wait_terminal,
    with_simulators,
)
from .test_rls import ALICE, user_request

HANG_GUARD_S = 120.0  # a guard against a hang only: nothing here depends on how fast it runs


async def until(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Poll ``check`` until it returns something truthy (a hang guard, not a deadline on speed)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        if value := await check():
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def batch_settings(settings: Settings, vllm: SimulatorServer, gem: SimulatorServer, **more: Any) -> Settings:
    # polls every 50-200 ms: fast enough for a test, and the backoff still grows
    return with_simulators(settings, vllm, gem, batch_poll_s=0.05, batch_poll_max_s=0.2, **more)


# --- pure decisions ---------------------------------------------------------------------------------------
def test_poll_delay_grows_by_half_each_poll_up_to_the_cap() -> None:
    assert [poll_delay(n, 10, 60) for n in range(6)] == [10, 15, 22.5, 33.75, 50.625, 60]
    assert state_word("JOB_STATE_EXPIRED") == "expired"


def test_the_status_column_says_what_the_batch_is_doing() -> None:
    assert status_cell("running", "pending").plain == "running · batch pending"
    assert status_cell("succeeded").plain == "succeeded"


def test_a_batch_call_costs_half_the_online_price() -> None:
    prices = parse_prices('{"gemini": [0.3, 2.5]}')
    online = cost_usd(prices, "gemini", "m", 1000, 1000)
    assert online is not None and cost_usd(prices, "gemini", "m", 1000, 1000, batch=True) == pytest.approx(online / 2)


# --- the simulator speaks the Batch API as google-genai calls it ------------------------------------------
async def test_the_simulator_serves_create_get_cancel_and_refuses_what_google_refuses() -> None:
    knobs = Knobs(batch_pending_s=3600)
    async with SimulatorServer("gemini", knobs=knobs) as gem:
        client = genai.Client(api_key=FAKE_GEMINI_KEY, http_options=types.HttpOptions(base_url=gem.base_url))
        src = [types.InlinedRequest(contents="Say hello.", metadata={"request": "0"}),
               types.InlinedRequest(contents="Say goodbye.", metadata={"request": "1"})]
        job = await client.aio.batches.create(model="gemini-3.5-flash", src=src,
                                              config=types.CreateBatchJobConfig(display_name="t"))
        assert job.name and job.name.startswith("batches/") and job.state == types.JobState.JOB_STATE_PENDING
        assert (await client.aio.batches.get(name=job.name)).state == types.JobState.JOB_STATE_PENDING
        knobs.batch_pending_s = 0  # on to RUNNING, then SUCCEEDED
        done = await until(lambda: _state_is(client, job.name, types.JobState.JOB_STATE_SUCCEEDED), "succeeded")
        replies = done.dest.inlined_responses
        assert [r.metadata for r in replies] == [{"request": "0"}, {"request": "1"}]  # in the order sent
        assert all(r.response.candidates[0].content.parts[0].text for r in replies)
        with pytest.raises(genai_errors.ClientError) as refused:  # an ended batch cannot be cancelled
            await client.aio.batches.cancel(name=job.name)
        assert refused.value.code == 400

        knobs.batch_pending_s = 3600
        pending = await client.aio.batches.create(model="gemini-3.5-flash", src=src,
                                                  config=types.CreateBatchJobConfig(display_name="t"))
        assert pending.name is not None
        await client.aio.batches.cancel(name=pending.name)
        assert (await client.aio.batches.get(name=pending.name)).state == types.JobState.JOB_STATE_CANCELLED
        assert gem.stats.batches_created == 2 and gem.stats.batches_cancelled == 1

        with pytest.raises(genai_errors.ClientError) as unknown:
            await client.aio.batches.get(name="batches/nosuchbatch")
        assert unknown.value.code == 404
        with pytest.raises(genai_errors.ClientError) as no_name:  # displayName is required (REST reference)
            await client.aio.batches.create(model="gemini-3.5-flash", src=src)
        assert no_name.value.code == 400
        big = [types.InlinedRequest(contents="x" * (11 * 1024 * 1024)) for _ in range(2)]  # over 20 MB in all
        with pytest.raises(genai_errors.ClientError) as too_big:
            await client.aio.batches.create(model="gemini-3.5-flash", src=big,
                                            config=types.CreateBatchJobConfig(display_name="t"))
        assert too_big.value.code == 400
        assert gem.stats.batches_created == 2

        for outcome, state in (("failed", types.JobState.JOB_STATE_FAILED), ("expired", types.JobState.JOB_STATE_EXPIRED)):
            knobs.update({"batch_pending_s": 0, "batch_outcome": outcome})
            job = await client.aio.batches.create(model="gemini-3.5-flash", src=src,
                                                  config=types.CreateBatchJobConfig(display_name="t"))
            ended = await until(functools.partial(_state_is, client, job.name, state), outcome)
            assert ended.dest is None  # no responses to read
        await client.aio.aclose()


async def _state_is(client: genai.Client, name: str | None, state: types.JobState) -> types.BatchJob | None:
    assert name is not None
    job = await client.aio.batches.get(name=name)
    return job if job.state == state else None


# --- a request's round trip -------------------------------------------------------------------------------
async def _batch_rows(conn: asyncpg.Connection, rid: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch("select * from qgen_batches where request_id = $1 order by id", rid)


async def test_a_batch_request_is_generated_and_solved_through_batches_and_stored_verified(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_pending_s=0.2, batch_running_s=0.2)) as (vllm, gem):
        s = batch_settings(settings, vllm, gem)
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=4, mode="batch")
            assert row["mode"] == "batch" and row["batch_state"] is None
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 4 and done["batch_state"] == "succeeded"
        # one job: one batch for its generation, then one for its blind solves (Gemini checks Gemini's
        # Chemistry by self-consistency), each paid once at the batch rate
        assert gem.stats.batches_created == 2
        batches = await _batch_rows(conn, row["id"])
        assert [(b["purpose"], b["state"], b["consumed_at"] is not None) for b in batches] == [
            ("generate", "JOB_STATE_SUCCEEDED", True), ("verify", "JOB_STATE_SUCCEEDED", True)]
        assert all(b["polls"] >= 1 for b in batches)
        assert batches[1]["held"] is not None and len(json.loads(batches[1]["held"])["items"]) >= 4
        shown = await detail(conn, row["id"])  # what `qgen status <id>` prints
        assert shown["request"]["mode"] == "batch" and shown["request"]["batch_state"] == "succeeded"
        assert [(b["name"], b["purpose"], b["state"], b["calls"]) for b in shown["batches"]] == [
            (b["name"], b["purpose"], "JOB_STATE_SUCCEEDED", len(json.loads(b["calls"]))) for b in batches]
        calls = await conn.fetch("select purpose, outcome, batch from provider_calls where request_id = $1", row["id"])
        generate = [c for c in calls if c["purpose"] == "generate"]
        assert generate and all(c["batch"] and c["outcome"] == "ok" for c in generate)
        # every request of the blind-solve batch is a call record at the batch rate; only a deeper solve of
        # an item the first solves did not confirm may run online
        verify = [c for c in calls if c["purpose"] == "verify" and c["batch"]]
        assert len(verify) == len(json.loads(batches[1]["calls"])) and all(c["outcome"] == "ok" for c in verify)
        stored = await conn.fetch("select provider, fallback_reason, verification from questions where request_id = $1",
                                  row["id"])
        assert len(stored) == 4 and {q["provider"] for q in stored} == {"gemini"}
        assert all(q["fallback_reason"] is None for q in stored)
        assert {q["verification"] for q in stored} <= {"verified", "unverified"}
        events = await conn.fetch("select new_status from request_events where request_id = $1 order by id", row["id"])
        assert [e["new_status"] for e in events][-1] == "succeeded"
        await assert_bank_consistent(conn)


async def test_cancelling_a_request_cancels_its_running_batch_upstream(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_running_s=3600)) as (vllm, gem):
        async with running_worker(batch_settings(settings, vllm, gem), db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Chemical kinetics", count=3, mode="batch")
            rid = row["id"]
            await until(lambda: conn.fetchval("select batch_state = 'running' from question_requests where id = $1", rid),
                        "the batch is seen running")
            await conn.execute("update question_requests set status = 'cancelled' where id = $1", rid)
            await until(lambda: asyncio.sleep(0, gem.stats.batches_cancelled == 1), "the batch is cancelled upstream")
            closed = await until(lambda: conn.fetchrow("select * from qgen_batches where request_id = $1"
                                                       " and consumed_at is not null", rid), "the batch row is closed")
        assert closed["state"] == "JOB_STATE_CANCELLED" and "request cancelled" in closed["note"]
        r = await conn.fetchrow("select status, produced, batch_state from question_requests where id = $1", rid)
        assert (r["status"], r["produced"], r["batch_state"]) == ("cancelled", 0, "cancelled")
        assert gem.stats.batches_created == 1
        assert await conn.fetchval("select count(*) from questions where request_id = $1", rid) == 0


async def test_an_expired_batch_is_filled_online_with_the_reason_kept(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_outcome="expired")) as (vllm, gem):
        async with running_worker(batch_settings(settings, vllm, gem), db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Solutions", count=3, mode="batch")
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 3 and done["batch_state"] == "expired"
        stored = await conn.fetch("select fallback_reason from questions where request_id = $1", row["id"])
        assert [q["fallback_reason"] for q in stored] == ["gemini batch expired"] * 3
        gen, solves = await _batch_rows(conn, row["id"])
        assert gen["state"] == "JOB_STATE_EXPIRED" and gen["consumed_at"] is not None and "expired: online" in gen["note"]
        # the online items' blind solves went into a batch of their own, which expired too: solved online
        assert solves["purpose"] == "verify" and solves["state"] == "JOB_STATE_EXPIRED"
        assert solves["consumed_at"] is not None and "expired: solving online" in solves["note"]
        calls = await conn.fetch("select purpose, batch, outcome from provider_calls where request_id = $1", row["id"])
        # nothing came from a batch
        assert [c for c in calls if c["purpose"] == "generate"] and not [c for c in calls if c["batch"]]
        assert [c for c in calls if c["purpose"] == "verify" and c["outcome"] == "ok"]
        stored = await conn.fetch("select verification from questions where request_id = $1", row["id"])
        verdicts = {q["verification"] for q in stored}
        assert verdicts <= {"verified", "unverified"} and "verified" in verdicts
        assert gem.stats.batches_created == 2
        await assert_bank_consistent(conn)


async def test_a_restarted_worker_polls_the_same_batch_instead_of_submitting_another(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_running_s=3600)) as (vllm, gem):
        s = batch_settings(settings, vllm, gem)
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Equilibrium", count=3, mode="batch")
            rid = row["id"]
            first = await until(lambda: conn.fetchrow("select * from qgen_batches where request_id = $1 and polls >= 1",
                                                      rid), "the batch is polled")
        # the worker stopped mid-batch; the batch goes on upstream and ends while no worker runs
        gem.knobs.batch_running_s = 0
        async with running_worker(s, db_dsn, embedder):
            done = await wait_terminal(conn, rid, timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 3
        assert gem.stats.batches_created == 2  # the generation paid once, then the blind solves once
        b, solves = await _batch_rows(conn, rid)
        assert b["name"] == first["name"] and b["state"] == "JOB_STATE_SUCCEEDED" and b["polls"] > first["polls"]
        assert (solves["purpose"], solves["state"]) == ("verify", "JOB_STATE_SUCCEEDED")
        await assert_bank_consistent(conn)


async def test_under_vertex_express_mode_a_batch_request_runs_online_and_says_why(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators() as (vllm, gem):
        s = batch_settings(settings, vllm, gem, gemini_use_vertexai=True)  # an API key and no project: express
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Biomolecules", count=2, mode="batch")
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["batch_state"] is None and gem.stats.batches_created == 0
        assert not await conn.fetchval("select bool_or(batch) from provider_calls where request_id = $1", row["id"])


# --- the request field ------------------------------------------------------------------------------------
async def test_a_bad_mode_is_rejected_with_a_readable_message_through_rls(conn: asyncpg.Connection) -> None:
    bad = await user_request(conn, ALICE, mode="overnight")
    assert bad["status"] == "rejected"
    assert bad["error"] == "rejected: mode 'overnight' is not one of online, batch"
    assert await conn.fetchval("select count(*) from qgen_jobs where request_id = $1", bad["id"]) == 0
    both = await user_request(conn, ALICE, mode="later", count=0)
    assert both["status"] == "rejected" and both["error"].endswith("; mode 'later' is not one of online, batch")
    assert "count must be between" in both["error"]
    ok = await user_request(conn, ALICE, mode=" Batch ")
    assert (ok["status"], ok["mode"], ok["batch_state"]) == ("queued", "batch", None)
    assert (await user_request(conn, ALICE))["mode"] == "online"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the batch state is the worker's to write
        await user_request(conn, ALICE, batch_state="succeeded")


async def test_the_batch_of_a_dead_lettered_job_is_cancelled_upstream(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection
) -> None:
    async with SimulatorServer("gemini", knobs=Knobs(batch_pending_s=3600)) as gem:
        s = settings.model_copy(update={"gemini_base_url": gem.base_url, "gemini_api_key": FAKE_GEMINI_KEY})
        provider = GeminiProvider(s)
        try:
            row = await insert_request(conn, subject="Chemistry", topic="Solutions", count=2, mode="batch")
            job = await conn.fetchval("select id from qgen_jobs where request_id = $1", row["id"])
            call = ProviderCall(system="s", prompt="p", question_type="mcq", n=2, schema={}, seed=1, temperature=1.0,
                                max_tokens=100)
            submitted = await provider.batch_api.submit([call], display_name="t")
            await conn.execute("update qgen_jobs set status = 'running', locked_by = 'w' where id = $1", job)
            db = with_conn(conn)
            assert await db(lambda c: c.fetchval(q("batch_insert"), submitted.name, job, "w", provider.name,
                                                 provider.model, "[]", submitted.state)) is not None
            assert await cancel_abandoned(db, {"gemini": provider}) == 0  # its job still runs: left alone
            await conn.execute("update qgen_jobs set status = 'failed', locked_by = null where id = $1", job)
            assert await cancel_abandoned(db, {"gemini": provider}) == 1
            assert gem.stats.batches_cancelled == 1
            b = await conn.fetchrow("select state, note, consumed_at from qgen_batches where name = $1", submitted.name)
            assert b["state"] == "JOB_STATE_CANCELLED" and b["note"] == "cancelled upstream: job failed"
            assert b["consumed_at"] is not None
            assert await cancel_abandoned(db, {"gemini": provider}) == 0  # closed once
        finally:
            await provider.aclose()


def with_conn(conn: asyncpg.Connection) -> Any:
    """A ``batch.Db`` on one connection (what the worker's retrying runner is, without the pool)."""

    async def run(fn: Callable[[asyncpg.Connection], Awaitable[Any]], attempts: int = 8) -> Any:
        return await fn(conn)

    return run


async def test_a_store_that_fails_after_reading_a_batch_accounts_its_answers_once(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """The first insert into the bank fails (a trigger, once): the round that read the blind-solve batch is not
    stored, the next attempt reads the same batch again, and each of its answers is one call record, not two."""
    await conn.execute("""
        create sequence test_store_failures;
        create function test_fail_first_store() returns trigger language plpgsql as $$
        begin
            if nextval('test_store_failures') = 1 then raise exception 'injected: the store fails once'; end if;
            return new;
        end $$;
        create trigger test_fail_first_store before insert on questions
            for each statement execute function test_fail_first_store();
    """)
    async with simulators(gemini=Knobs(batch_pending_s=0.1, batch_running_s=0.1)) as (vllm, gem):
        s = batch_settings(settings, vllm, gem)
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=4, mode="batch")
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
    assert done["status"] == "succeeded" and done["produced"] == 4, done["error"]
    assert await conn.fetchval("select last_value from test_store_failures") >= 2  # it did fail, then stored
    batches = await _batch_rows(conn, row["id"])
    assert gem.stats.batches_created == 2 and [b["purpose"] for b in batches] == ["generate", "verify"]
    calls = await conn.fetch("select purpose, batch from provider_calls where request_id = $1", row["id"])
    for b in batches:
        read = [c for c in calls if c["purpose"] == b["purpose"] and c["batch"]]
        assert len(read) == len(json.loads(b["calls"])), (b["purpose"], len(read))
    await assert_bank_consistent(conn)
