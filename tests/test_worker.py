"""The worker end to end on real PostgreSQL, with the real clients against loopback simulators."""

from __future__ import annotations

import asyncio

import asyncpg

from service.embedding import Embedder
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import (
    assert_bank_consistent,
    insert_request,
    running_worker,
    simulators,
    wait_terminal,
    with_simulators,
)


async def test_running_worker_picks_up_a_plain_sql_insert(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, poll_interval_s=30)  # only NOTIFY can wake it this fast
        async with running_worker(s, db_dsn, embedder) as worker:
            await asyncio.sleep(0.5)  # idle on LISTEN
            other = await asyncpg.connect(db_dsn)
            try:
                row = await other.fetchrow(
                    "insert into question_requests (subject, topic, count) values ('Mathematics', 'Limits', 4)"
                    " returning id, created_at"
                )
            finally:
                await other.close()
            assert row is not None
            done = await wait_terminal(conn, row["id"])
            claimed_at = await conn.fetchval(
                "select min(at) from request_events where request_id = $1 and new_status = 'running'", row["id"]
            )
            assert claimed_at is not None
            assert (claimed_at - row["created_at"]).total_seconds() < 1.0
            assert done["status"] == "succeeded", done["error"]
            assert done["produced"] == 4
            rows = await conn.fetch("select slot, provider, model, body from questions where request_id=$1", row["id"])
            assert sorted(r["slot"] for r in rows) == [0, 1, 2, 3]
            assert {r["provider"] for r in rows} == {"runpod"}  # Mathematics routes to RunPod
            assert worker.stats.work.stored == 4
        await assert_bank_consistent(conn)


async def test_bad_rows_are_rejected_and_the_worker_keeps_serving(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators() as (vllm, gem), running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
        bad = [
            dict(count=0),
            dict(count=10_000),
            dict(difficulty="impossible"),
            dict(topic=""),
            dict(topic="x" * 50_000),
        ]
        bad_ids = [(await insert_request(conn, **cols))["id"] for cols in bad]
        good = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=3)
        done = await wait_terminal(conn, good["id"])
        assert done["status"] == "succeeded"
        providers = {r["provider"] for r in await conn.fetch("select provider from questions where request_id=$1", good["id"])}
        assert providers == {"gemini"}  # Chemistry routes to Gemini
        for rid in bad_ids:
            r = await conn.fetchrow("select status, error from question_requests where id=$1", rid)
            assert r is not None and r["status"] == "rejected" and r["error"].startswith("rejected: ")
        assert await conn.fetchval("select count(*) from questions where request_id = any($1::uuid[])", bad_ids) == 0


async def test_drain_exits_when_work_is_done_and_splits_big_requests(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    a = await insert_request(conn, subject="Physics", topic="Rotational motion", count=23, question_type="numeric")
    b = await insert_request(conn, subject="Biology", topic="Genetics", count=5)
    assert await conn.fetchval("select count(*) from qgen_jobs where request_id=$1", a["id"]) == 3
    async with simulators() as (vllm, gem):
        async with running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder, drain=True) as worker:
            for _ in range(600):
                if worker.stats.jobs_done >= 4:
                    break
                await asyncio.sleep(0.1)
        for rid, n in ((a["id"], 23), (b["id"], 5)):
            r = await wait_terminal(conn, rid, timeout=1)
            assert (r["status"], r["produced"]) == ("succeeded", n), r["error"]
    assert await conn.fetchval("select count(*) from qgen_jobs where status <> 'done'") == 0
    await assert_bank_consistent(conn)


async def test_a_worker_runs_more_jobs_than_its_concurrency_while_the_pod_has_room(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """QGEN_CONCURRENCY=1, a request of 4 jobs, a pod whose calls take a while: while the adaptive limit has
    room, each call that ends lets the worker claim one more job, so calls of several jobs overlap."""
    async with simulators(runpod=Knobs(latency_s=0.5)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, concurrency=1, max_jobs=4)
        async with running_worker(s, db_dsn, embedder):
            r = await insert_request(conn, subject="Mathematics", topic="Sequences", count=40)
            most = 0
            for _ in range(6000):  # until the request ends (wait_terminal below fails it if it never does)
                if await conn.fetchval("select status from question_requests where id = $1", r["id"]) not in (
                    "queued", "running"
                ):
                    break
                running = "select count(*) from qgen_jobs where request_id = $1 and status = 'running'"
                most = max(most, await conn.fetchval(running, r["id"]))
                await asyncio.sleep(0.02)
            done = await wait_terminal(conn, r["id"], timeout=120)
    assert (done["status"], done["produced"]) == ("succeeded", 40), done["error"]
    assert most > 1, "a second job was claimed while the first ran"
    await assert_bank_consistent(conn)


async def test_cancel_stops_generation(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(runpod=Knobs(latency_s=0.4)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, concurrency=1, max_jobs=1, lease_s=1.0)  # one job at a time
        async with running_worker(s, db_dsn, embedder):
            r = await insert_request(conn, subject="Mathematics", topic="Sequences", count=40)
            while await conn.fetchval("select produced from question_requests where id=$1", r["id"]) == 0:
                await asyncio.sleep(0.05)
            await conn.execute("update question_requests set status='cancelled' where id=$1", r["id"])
            stored_at_cancel = await conn.fetchval("select count(*) from questions where request_id=$1", r["id"])
            await asyncio.sleep(2.0)
            final = await conn.fetchrow("select status, produced from question_requests where id=$1", r["id"])
            assert final is not None and final["status"] == "cancelled"
            # at most the one round that was already committing when the cancel landed
            stored = await conn.fetchval("select count(*) from questions where request_id=$1", r["id"])
            assert stored == stored_at_cancel
            assert stored < 40
            open_jobs = await conn.fetchval(
                "select count(*) from qgen_jobs where request_id=$1 and status in ('queued','running')", r["id"]
            )
            assert open_jobs == 0


async def test_every_provider_failing_retries_then_dead_letters(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    await conn.execute("update qgen_settings set value='2' where key='max_attempts'")
    async with simulators(runpod=Knobs(error_rate=1.0, error_status=500), gemini=Knobs(error_rate=1.0, error_status=503)) as (
        vllm,
        gem,
    ):
        s = with_simulators(settings, vllm, gem, call_attempts=1, job_retry_base_s=0.05)
        async with running_worker(s, db_dsn, embedder):
            r = await insert_request(conn, subject="Mathematics", topic="Matrices", count=2)
            done = await wait_terminal(conn, r["id"], timeout=30)
    assert done["status"] == "failed"
    assert "0 of 2 questions stored" in done["error"]
    job = await conn.fetchrow("select status, attempts, last_error from qgen_jobs where request_id=$1", r["id"])
    assert job is not None and (job["status"], job["attempts"]) == ("failed", 2)
    assert "gemini" in job["last_error"]
    # the dead letter can be requeued with one statement
    assert await conn.fetchval("select qgen_requeue($1)", r["id"]) == 1
    assert await conn.fetchval("select status from question_requests where id=$1", r["id"]) == "queued"
