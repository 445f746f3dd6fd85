"""Orphaned batches (service/batch_orphans.py): batches submitted under a job's name that no qgen_batches row
records are found by listing the Batch API and cancelled; on real PostgreSQL, with the real google-genai client
against the loopback Gemini simulator (sim/simulators/gemini_batch.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from google import genai
from google.genai import types
from pydantic import ValidationError

from service.batch_orphans import cancel_orphans, job_of, orphans
from service.embedding import Embedder
from service.providers.base import ProviderCall
from service.providers.gemini import GeminiProvider
from service.providers.gemini_batch import CANCELLED, PENDING, RUNNING, SUCCEEDED, ListedBatch
from service.settings import Settings
from service.sqlfiles import q
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .helpers import FAKE_GEMINI_KEY, insert_request, running_worker, simulators, with_simulators
from .test_batch_mode import until, with_conn

NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
CALL = ProviderCall(system="s", prompt="p", question_type="mcq", n=2, schema={}, seed=1, temperature=1.0,
                    max_tokens=100)


def listed(name: str, display: str, state: str = RUNNING, age_s: float | None = 900) -> ListedBatch:
    return ListedBatch(f"batches/{name}", display, state, None if age_s is None else NOW - timedelta(seconds=age_s))


# --- pure decisions ---------------------------------------------------------------------------------------
def test_only_the_display_name_a_job_batch_gets_names_a_job() -> None:
    assert job_of("qgen-job-42") == 42
    assert [job_of(n) for n in ("qgen-job-", "qgen-job-42x", " qgen-job-42", "qgen-job--1", "nightly-eval", "")] == [
        None] * 6


def test_an_old_unrecorded_waiting_job_batch_is_an_orphan_and_nothing_else_is() -> None:
    batches = [
        running := listed("a", "qgen-job-1"),
        pending := listed("b", "qgen-job-2", PENDING),
        listed("c", "qgen-job-3"),  # recorded: its worker polls it
        listed("d", "qgen-job-4", age_s=299),  # inside the grace: a live worker may be recording it now
        listed("e", "qgen-job-5", age_s=300),  # exactly the grace: still inside
        listed("f", "qgen-job-6", SUCCEEDED),  # ended: billed already, nothing to cancel
        listed("g", "qgen-job-7", CANCELLED),
        listed("h", "nightly-eval"),  # not qgen's
        listed("i", "qgen-job-8", age_s=None),  # age unknown: left alone
    ]
    assert orphans(batches, {"batches/c"}, NOW, grace_s=300) == [running, pending]
    assert orphans(batches, {"batches/c"}, NOW, grace_s=3600) == []


def test_a_grace_shorter_than_a_submit_can_take_is_refused_unless_the_check_is_off() -> None:
    with pytest.raises(ValidationError, match="GEMINI_TIMEOUT_S"):
        Settings(gemini_timeout_s=120, batch_orphan_grace_s=150)
    with pytest.raises(ValidationError, match="GEMINI_TIMEOUT_S"):  # the default grace, checked too
        Settings(gemini_timeout_s=400)
    assert Settings(gemini_timeout_s=120, batch_orphan_grace_s=180).batch_orphan_grace_s == 180
    assert Settings(batch_orphan_check_s=0, batch_orphan_grace_s=1).batch_orphan_check_s == 0
    assert Settings().batch_orphan_grace_s >= Settings().gemini_timeout_s + 60


# --- the simulator lists as Google does ---------------------------------------------------------------------
async def test_the_simulator_lists_every_batch_page_by_page_and_refuses_what_it_cannot_bind() -> None:
    knobs = Knobs(batch_pending_s=3600, batch_list_page_max=2)
    async with SimulatorServer("gemini", knobs=knobs) as gem:
        client = genai.Client(api_key=FAKE_GEMINI_KEY, http_options=types.HttpOptions(base_url=gem.base_url))
        src = [types.InlinedRequest(contents="Say hello.")]
        made = []
        for i in range(5):
            job = await client.aio.batches.create(model="gemini-3.5-flash", src=src,
                                                  config=types.CreateBatchJobConfig(display_name=f"qgen-job-{i}"))
            made.append(job.name)
        assert made[0] is not None
        await client.aio.batches.cancel(name=made[0])
        pager = await client.aio.batches.list(config=types.ListBatchJobsConfig(page_size=100))
        seen = [(j.name, j.display_name, j.state, j.create_time is not None) async for j in pager]
        assert seen == [(n, f"qgen-job-{i}", types.JobState.JOB_STATE_CANCELLED if i == 0 else
                         types.JobState.JOB_STATE_PENDING, True) for i, n in reversed(list(enumerate(made)))]
        assert gem.stats.batch_list_pages == 3  # 2 + 2 + 1: the pager followed nextPageToken

        async with httpx.AsyncClient(base_url=gem.base_url, headers={"x-goog-api-key": FAKE_GEMINI_KEY}) as http:
            last = await http.get("/v1beta/batches", params={"pageSize": 3})
            assert last.status_code == 200 and len(last.json()["operations"]) == 2  # the knob caps the page
            token = last.json()["nextPageToken"]
            tail = (await http.get("/v1beta/batches", params={"pageSize": 3, "pageToken": token})).json()
            assert len(tail["operations"]) == 2 and "nextPageToken" in tail
            for params in ({"pageToken": "not-a-token"}, {"pageSize": -1}, {"pageSize": "ten"},
                           {"filter": 'display_name:"qgen-*"'}, {"orderBy": "createTime"}):
                refused = await http.get("/v1beta/batches", params=params)
                assert refused.status_code == 400 and refused.json()["error"]["status"] == "INVALID_ARGUMENT", params
        with pytest.raises(ValueError, match="filter"):  # the SDK itself sends no filter to the Gemini API
            await client.aio.batches.list(config=types.ListBatchJobsConfig(filter='display_name:"qgen-*"'))
        await client.aio.aclose()


# --- the round trip: real PostgreSQL, the adapter, the simulator ------------------------------------------
async def test_an_unrecorded_batch_is_cancelled_after_the_grace_and_recorded_ones_are_left_alone(
    settings: Settings, conn: asyncpg.Connection
) -> None:
    async with SimulatorServer("gemini", knobs=Knobs(batch_pending_s=3600, batch_list_page_max=2)) as gem:
        s = settings.model_copy(update={"gemini_base_url": gem.base_url, "gemini_api_key": FAKE_GEMINI_KEY})
        provider = GeminiProvider(s)
        api = provider.batch_api
        db = with_conn(conn)
        try:
            other = await api.submit([CALL], display_name="nightly-eval")  # not qgen's: never touched
            assert await cancel_orphans(db, {"gemini": provider}, grace_s=0) == 0
            assert gem.stats.batch_list_pages == 0  # no batch-mode job ever ran here: nothing listed

            row = await insert_request(conn, subject="Chemistry", topic="Solutions", count=2, mode="batch")
            job = await conn.fetchval("select id from qgen_jobs where request_id = $1", row["id"])
            await conn.execute("update qgen_jobs set status = 'running', locked_by = 'w' where id = $1", job)
            recorded = await api.submit([CALL], display_name=f"qgen-job-{job}")
            assert await db(lambda c: c.fetchval(q("batch_insert"), recorded.name, job, "w", provider.name,
                                                 provider.model, "[]", recorded.state)) is not None
            # what a worker stopped between submitting and recording leaves behind
            orphan = await api.submit([CALL], display_name=f"qgen-job-{job}")

            assert await cancel_orphans(db, {"gemini": provider}, grace_s=3600) == 0  # too young: maybe recording
            assert gem.stats.batches_cancelled == 0 and gem.stats.batch_list_pages == 2  # 3 batches, 2 a page

            assert await cancel_orphans(db, {"gemini": provider}, grace_s=0) == 1
            assert gem.stats.batches_cancelled == 1
            states = {b.name: b.state for b in await api.list_batches()}
            assert states == {orphan.name: CANCELLED, recorded.name: PENDING, other.name: PENDING}
            assert await conn.fetchval("select count(*) from qgen_batches") == 1  # nothing recorded for it

            assert await cancel_orphans(db, {"gemini": provider}, grace_s=0) == 0  # cancelled once
            assert gem.stats.batches_cancelled == 1
        finally:
            await provider.aclose()


async def test_a_worker_cancels_at_start_the_batch_its_predecessor_never_recorded(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_pending_s=3600)) as (vllm, gem):
        row = await insert_request(conn, subject="Chemistry", topic="Solutions", count=2, mode="batch")
        job = await conn.fetchval("select id from qgen_jobs where request_id = $1", row["id"])
        # the request is cancelled, so the new worker claims nothing and only its sweeps run
        await conn.execute("update question_requests set status = 'cancelled' where id = $1", row["id"])
        client = genai.Client(api_key=FAKE_GEMINI_KEY, http_options=types.HttpOptions(base_url=gem.base_url))
        orphan = await client.aio.batches.create(model="gemini-3.5-flash",
                                                 src=[types.InlinedRequest(contents="Say hello.")],
                                                 config=types.CreateBatchJobConfig(display_name=f"qgen-job-{job}"))
        assert orphan.name is not None
        # grace 0 (past the settings' own check, which only a model_copy skips): the orphan is old enough at once
        s = with_simulators(settings, vllm, gem, batch_orphan_grace_s=0.0, batch_orphan_check_s=3600.0)
        async with running_worker(s, db_dsn, embedder) as worker:
            await until(lambda: asyncio.sleep(0, gem.stats.batches_cancelled == 1), "the orphan is cancelled")
            assert worker.metrics.registry.get_sample_value("qgen_batch_orphans_cancelled_total") == 1
        assert (await client.aio.batches.get(name=orphan.name)).state == types.JobState.JOB_STATE_CANCELLED
        assert gem.stats.batch_list_pages == 1  # one listing: the next waits QGEN_BATCH_ORPHAN_CHECK_S
        await client.aio.aclose()
