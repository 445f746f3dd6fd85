"""Crash and fault recovery: dead workers' leases are taken over, lost connections are survived, and nothing
is stored twice. Workers say who they are (qgen_workers) and finished jobs who ran them; a job whose route's
breakers are open waits for them without spending attempts; a cancel is final, and `qgen requeue` resumes a
cancelled request. The chaos test SIGKILLs real worker processes."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service import bank, db, pipeline, queue
from service.embedding import Embedder
from service.errors import JobCancelled
from service.metrics import WorkerMetrics
from service.route_watch import route_wait
from service.settings import Settings
from service.worker import Worker
from simulators.knobs import Knobs
from tests import dedupe_corpus as corpus

from .helpers import (
    FAKE_GEMINI_KEY,
    assert_bank_consistent,
    insert_request,
    running_worker,
    simulators,
    wait_terminal,
    with_simulators,
)

REPO = Path(__file__).resolve().parent.parent


async def test_expired_lease_is_taken_over_without_duplicates(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """A job claimed by a worker that then vanished is re-claimed after its lease and finished once."""
    r = await insert_request(conn, subject="Physics", topic="Optics", count=4)
    # A "dead" worker claims the job with a short lease, then disappears without a heartbeat.
    from service import queue

    [job] = await queue.claim(conn, "dead-worker", 10, 0.5)
    assert job.attempts == 1
    async with simulators() as (vllm, gem):
        async with running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
            done = await wait_terminal(conn, r["id"], timeout=30)
    assert done["status"] == "succeeded" and done["produced"] == 4
    row = await conn.fetchrow("select attempts, locked_by, status from qgen_jobs where id=$1", job.id)
    assert row is not None and row["attempts"] == 2 and row["status"] == "done"
    await assert_bank_consistent(conn)


async def test_worker_survives_terminated_database_connections(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(runpod=Knobs(latency_s=0.15), gemini=Knobs(latency_s=0.15)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, concurrency=3)
        async with running_worker(s, db_dsn, embedder):
            ids = [
                (await insert_request(conn, subject=subj, topic=f"Topic {i}", count=6))["id"]
                for i, subj in enumerate(["Mathematics", "Chemistry", "Physics", "Biology"] * 2)
            ]
            killed = 0
            for _ in range(4):
                await asyncio.sleep(0.4)
                killed += await conn.fetchval(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    " where datname = current_database() and pid <> pg_backend_pid()"
                )
            assert killed >= 4
            finals = [await wait_terminal(conn, rid, timeout=90) for rid in ids]
    assert [f["status"] for f in finals] == ["succeeded"] * len(ids), [f["error"] for f in finals]
    assert sum(f["produced"] for f in finals) == 6 * len(ids)
    await assert_bank_consistent(conn)


def _spawn_worker(env: dict[str, str], log_dir: Path, n: int) -> subprocess.Popen[bytes]:
    log = open(log_dir / f"worker-{n}.log", "wb")
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "worker"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )


async def test_sigterm_releases_in_flight_work_and_exits_cleanly(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, tmp_path: Path
) -> None:
    """SIGTERM: stop claiming, give the in-flight job back (its attempt not counted), exit 0."""
    async with simulators(runpod=Knobs(latency_s=30.0)) as (vllm, gem):
        env = {
            **os.environ,
            "DATABASE_URL": db_dsn,
            "RUNPOD_BASE_URL": vllm.base_url,
            "GEMINI_BASE_URL": gem.base_url,
            "GEMINI_API_KEY": FAKE_GEMINI_KEY,
            "HF_HUB_OFFLINE": "1",
        }
        worker = _spawn_worker(env, tmp_path, 0)
        try:
            r = await insert_request(conn, subject="Mathematics", topic="Vectors", count=2)
            deadline = time.monotonic() + 60
            while vllm.stats.in_flight == 0:  # the job is claimed and its generation call is in flight
                assert time.monotonic() < deadline and worker.poll() is None
                await asyncio.sleep(0.05)
            worker.send_signal(signal.SIGTERM)
            rc = await asyncio.to_thread(worker.wait, 20)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert rc == 0, (tmp_path / "worker-0.log").read_text()[-2000:]
    job = await conn.fetchrow("select status, attempts, locked_by from qgen_jobs where request_id=$1", r["id"])
    assert job is not None and (job["status"], job["attempts"], job["locked_by"]) == ("queued", 0, None)
    assert await conn.fetchval("select count(*) from questions where request_id=$1", r["id"]) == 0


@pytest.mark.slow
async def test_chaos_sigkilled_workers_lose_nothing_and_store_nothing_twice(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, tmp_path: Path
) -> None:
    rng = random.Random(7)
    await conn.execute("update qgen_settings set value='25' where key='max_attempts'")
    await conn.execute("update qgen_settings set value='4' where key='job_size'")
    counts = [rng.randint(1, 10) for _ in range(50)]
    subjects = ["Mathematics", "Physics", "Chemistry", "Biology"]
    async with simulators(runpod=Knobs(latency_s=1.5), gemini=Knobs(latency_s=1.5)) as (vllm, gem):
        env = {
            **os.environ,
            "DATABASE_URL": db_dsn,
            "RUNPOD_BASE_URL": vllm.base_url,
            "GEMINI_BASE_URL": gem.base_url,
            "GEMINI_API_KEY": FAKE_GEMINI_KEY,
            "QGEN_LEASE_S": "1.5",
            "QGEN_POLL_INTERVAL_S": "0.3",
            "QGEN_CONCURRENCY": "2",
            "QGEN_JOB_RETRY_BASE_S": "0.1",
            "QGEN_LOG_LEVEL": "INFO",
            "HF_HUB_OFFLINE": "1",
        }
        ids = [
            (await insert_request(conn, subject=subjects[i % 4], topic=f"Chaos topic {i}", count=c))["id"]
            for i, c in enumerate(counts)
        ]
        workers = [_spawn_worker(env, tmp_path, i) for i in range(3)]
        spawned = 3
        kills = 0
        deadline = time.monotonic() + 600  # a hang-stopper: the run takes about 200 s on an idle 2-core machine
        try:
            while kills < 10 and time.monotonic() < deadline:
                # kill a worker while it holds a job (worker ids end in host:pid:nonce), at a random point of it
                busy = {
                    int(r["pid"])
                    for r in await conn.fetch(
                        "select split_part(locked_by, ':', 2) as pid from qgen_jobs where status = 'running'"
                    )
                }
                victims = [i for i, w in enumerate(workers) if w.pid in busy]
                if not victims:
                    await asyncio.sleep(0.05)
                    continue
                await asyncio.sleep(rng.uniform(0.0, 0.3))
                victim = rng.choice(victims)
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait()
                kills += 1
                workers[victim] = _spawn_worker(env, tmp_path, spawned)
                spawned += 1
            finals = [await wait_terminal(conn, rid, timeout=max(deadline - time.monotonic(), 1)) for rid in ids]
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                try:
                    w.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    w.kill()
    assert kills >= 10
    for f, c in zip(finals, counts, strict=True):
        stored = await conn.fetchval("select count(*) from questions where request_id=$1", f["id"])
        assert stored == f["produced"]
        if f["status"] == "succeeded":
            assert stored == c
        else:  # a shortfall must say why
            assert f["status"] == "partial" and f["error"], dict(f)
    assert sum(f["status"] == "succeeded" for f in finals) >= 45
    await assert_bank_consistent(conn)
    retaken = await conn.fetchval("select count(*) from qgen_jobs where attempts > 1")
    assert retaken > 0  # the kills really hit in-flight jobs


async def until(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll ``await check()`` until it is truthy (generous timeout: a busy machine is slow, never wrong)."""
    deadline = time.monotonic() + timeout
    while True:
        got = await check()
        if got:
            return got
        assert time.monotonic() < deadline, f"{what} not reached after {timeout}s"
        await asyncio.sleep(0.05)


def counter(worker: Worker, name: str) -> float:
    samples = {s.name: s.value for f in text_string_to_metric_families(worker.metrics.render().decode()) for s in f.samples}
    return samples[name]


async def test_workers_are_listed_and_finished_jobs_keep_their_worker(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder, tmp_path: Path
) -> None:
    from .test_cli import qgen

    r = await insert_request(conn, subject="Physics", topic="Optics", count=3)
    async with simulators() as (vllm, gem):
        async with running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder) as worker:
            assert (await wait_terminal(conn, r["id"], timeout=60))["status"] == "succeeded"
            row = await conn.fetchrow("select * from worker_status where worker = $1", worker.worker_id)
            assert row is not None and row["state"] == "online"
            assert (row["host"], row["pid"]) == (socket.gethostname(), os.getpid())
            assert row["version"] and row["concurrency"] == settings.concurrency and row["stopped_at"] is None
            p = await qgen("status", "--workers", "--json", dsn=db_dsn, cwd=tmp_path)
            assert p.returncode == 0, p.stderr
            [listed] = json.loads(p.stdout)["workers"]
            assert (listed["worker"], listed["state"], listed["pid"]) == (worker.worker_id, "online", os.getpid())
            p = await qgen("status", "--workers", dsn=db_dsn, cwd=tmp_path)
            assert p.returncode == 0 and "Workers (1 online)" in p.stdout and "online" in p.stdout, p.stdout + p.stderr
    job = await conn.fetchrow("select status, locked_by, worker from qgen_jobs where request_id = $1", r["id"])
    assert (job["status"], job["locked_by"], job["worker"]) == ("done", None, worker.worker_id)
    row = await conn.fetchrow("select * from worker_status where worker = $1", worker.worker_id)
    assert row["state"] == "stopped" and row["jobs_in_flight"] == 0 and row["jobs_done"] == 1
    assert row["questions_stored"] == 3
    # a worker that stops beating reads as lost after three intervals
    await conn.execute("update qgen_workers set stopped_at = null, last_beat_at = now() - interval '1 hour'")
    assert await conn.fetchval("select state from worker_status") == "lost"
    detail = await qgen("status", str(r["id"]), "--json", dsn=db_dsn, cwd=tmp_path)
    assert [j["worker"] for j in json.loads(detail.stdout)["jobs"]] == [worker.worker_id]


def test_route_wait_is_the_first_half_open_time() -> None:
    assert route_wait([12.0, 3.5]) == 3.5  # every breaker open: the first probe
    assert route_wait([12.0, 0.0]) is None  # one lets calls through now
    assert route_wait([]) is None
    assert route_wait([12.0, 3.5], whole=True) == 12.0  # a retry waits for the whole route to probe
    assert route_wait([12.0, 0.0], whole=True) is None


async def test_requeue_against_open_breakers_waits_without_spending_attempts(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Both providers answer 500: the request fails (two attempts, each made calls). Requeued at once, while
    both breakers are still open, the job is deferred to the half-open time, not failed again with
    circuit_open; its error stays the real one. When the providers recover, the job's probe succeeds."""
    await conn.execute("update qgen_settings set value = '2' where key = 'max_attempts'")
    async with simulators(Knobs(error_rate=1.0), Knobs(error_rate=1.0)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, call_attempts=1, breaker_failures=1, breaker_cooldown_s=4.0,
                            job_retry_base_s=0.1, verify="off")
        async with running_worker(s, db_dsn, embedder) as worker:
            r = await insert_request(conn, subject="Mathematics", topic="Limits", count=2)
            failed = await wait_terminal(conn, r["id"], timeout=90)
            assert failed["status"] == "failed" and "server 500" in failed["error"], failed["error"]
            assert "circuit_open" not in failed["error"]
            calls = vllm.stats.calls + gem.stats.calls
            job = await conn.fetchrow("select id, attempts, last_error from qgen_jobs where request_id = $1", r["id"])
            assert job["attempts"] == 2

            assert await conn.fetchval("select qgen_requeue($1)", r["id"]) == 1
            await until(lambda: asyncio.sleep(0, counter(worker, "qgen_jobs_deferred_total") >= 1), what="a deferral")
            row = await conn.fetchrow(
                "select status, attempts, last_error, run_after > now() as later from qgen_jobs where id = $1", job["id"])
            assert (row["status"], row["attempts"], row["later"]) == ("queued", 0, True)
            assert row["last_error"] == job["last_error"]  # the 500s, not circuit_open
            req = await conn.fetchrow("select status, error from question_requests where id = $1", r["id"])
            assert req["status"] in ("queued", "running") and req["error"] is None
            assert vllm.stats.calls + gem.stats.calls == calls  # the deferred attempt made no call

            vllm.knobs.error_rate = gem.knobs.error_rate = 0.0
            done = await wait_terminal(conn, r["id"], timeout=90)
    assert done["status"] == "succeeded", done["error"]
    assert await conn.fetchval("select attempts from qgen_jobs where id = $1", job["id"]) == 1


async def test_a_cancelled_request_resumes_with_requeue(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    r = await insert_request(conn, subject="Chemistry", topic="Moles", count=12)  # two jobs
    await conn.execute("update question_requests set status = 'cancelled' where id = $1", r["id"])
    await queue.sweep(conn)
    assert {x["status"] for x in await conn.fetch("select status from qgen_jobs where request_id = $1", r["id"])} == {
        "cancelled"}
    assert await conn.fetchval("select qgen_requeue($1)", r["id"]) == 2
    req = await conn.fetchrow("select status, finished_at from question_requests where id = $1", r["id"])
    assert (req["status"], req["finished_at"]) == ("queued", None)
    async with simulators() as (vllm, gem):
        async with running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
            done = await wait_terminal(conn, r["id"], timeout=90)
    assert (done["status"], done["produced"]) == ("succeeded", 12), done["error"]
    assert await conn.fetchval("select qgen_requeue($1)", r["id"]) == 0  # succeeded: nothing to resume


async def _candidates(embedder: Embedder, job: queue.Job) -> list[bank.Candidate]:
    items = [a for a, _ in corpus.SHORT["Kinematics"][: job.slot_count]]
    qs = [corpus.question(i) for i in items]
    emb = await embedder.embed(qs)
    return [bank.Candidate(qq, job.spec, "gemini", "g", None, emb[k], request_id=job.request_id, job_id=job.id)
            for k, qq in enumerate(qs)]


def _store_round(worker: Worker, conn: asyncpg.Connection, job: queue.Job, cands: list[bank.Candidate]) -> Any:
    """The job's store transaction as the worker runs it (``pipeline._store_round``), as its last round."""
    ctx = pipeline.JobContext(
        job=job, worker_id=worker.worker_id, settings=worker.settings, generator=cast(Any, None),
        embedder=worker.embedder, verifier=cast(Any, None), prices={}, metrics=WorkerMetrics(), db=worker._db_retry,
        check=lambda: None,
    )
    return pipeline._store_round(conn, ctx=ctx, candidates=cands, free=list(job.slots), last_round=True, refused=[],
                                 disputes=[], why_short=lambda left, verdicts: f"{len(left)} missing")


async def _waiting_on_lock(conn: asyncpg.Connection, pid: int) -> bool:
    return bool(await conn.fetchval("select wait_event_type = 'Lock' from pg_stat_activity where pid = $1", pid))


async def test_no_question_is_stored_after_the_cancel_commits(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """A cancel holds the request row; a job's store transaction starting meanwhile waits for it, then sees
    the cancel and stores nothing. A store that got the row first commits before the cancel can."""
    worker = Worker(settings, dsn=db_dsn, generator=cast(Any, None), embedder=embedder)
    storer = await db.connect(db_dsn, settings)
    canceller = await db.connect(db_dsn, settings, vector=False)
    try:
        # the cancel first: the store waits for it and then refuses
        r = await insert_request(conn, subject="Physics", topic="Kinematics", count=2)
        [job] = await queue.claim(conn, worker.worker_id, 1, 60)
        cands = await _candidates(embedder, job)
        tx = canceller.transaction()
        await tx.start()
        await canceller.execute("update question_requests set status = 'cancelled' where id = $1", r["id"])
        store = asyncio.create_task(_store_round(worker, storer, job, cands))
        pid = storer.get_server_pid()
        await until(lambda: _waiting_on_lock(conn, pid), what="the store waiting for the cancel's row lock")
        await tx.commit()
        with pytest.raises(JobCancelled):
            await store
        assert await conn.fetchval("select count(*) from questions where request_id = $1", r["id"]) == 0

        # the store first: the cancel waits for its commit, and nothing comes after it
        r = await insert_request(conn, subject="Physics", topic="Kinematics", count=2)
        [job] = await queue.claim(conn, worker.worker_id, 1, 60)
        cands = await _candidates(embedder, job)
        tx = storer.transaction()
        await tx.start()
        assert await queue.lock_own_job(storer, job, worker.worker_id) == "running"
        verdicts = await bank.store(storer, cands, settings=settings, slots=list(job.slots))
        assert all(v.accepted for v in verdicts)
        cancel = asyncio.create_task(
            canceller.execute("update question_requests set status = 'cancelled' where id = $1", r["id"]))
        await until(lambda: _waiting_on_lock(conn, canceller.get_server_pid()), what="the cancel waiting for the store")
        await tx.commit()
        await cancel
        stored = await conn.fetchval("select count(*) from questions where request_id = $1", r["id"])
        assert stored == 2
        with pytest.raises(JobCancelled):  # the job's next store sees the cancel
            await _store_round(worker, storer, job, [])
    finally:
        await storer.close()
        await canceller.close()


async def test_a_cancel_races_running_jobs_and_stays_final(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Four jobs store concurrently; the cancel lands in the middle. What the bank holds once the cancel has
    committed is all it ever holds for that request. Eight jobs, four at a time: the cancel, sent once the first
    questions are stored, finds the second four running even when a busy machine delays it past the first."""
    async with simulators(Knobs(latency_s=0.3), Knobs(latency_s=0.3)) as (vllm, gem):
        s = with_simulators(settings, vllm, gem, concurrency=4, verify="off")
        async with running_worker(s, db_dsn, embedder) as worker:
            r = await insert_request(conn, subject="Mathematics", topic="Sequences and series", count=80)
            await until(lambda: conn.fetchval("select produced >= 5 from question_requests where id = $1", r["id"]),
                        what="some questions stored")
            await conn.execute("update question_requests set status = 'cancelled' where id = $1", r["id"])
            at_cancel = await conn.fetchval("select count(*) from questions where request_id = $1", r["id"])
            await until(lambda: conn.fetchval(
                "select count(*) = 0 from qgen_jobs where request_id = $1 and status = 'running'", r["id"]),
                what="every job stopped")
            assert counter(worker, "qgen_jobs_cancelled_total") >= 1
    assert await conn.fetchval("select count(*) from questions where request_id = $1", r["id"]) == at_cancel < 80
    final = await conn.fetchrow("select status, produced from question_requests where id = $1", r["id"])
    assert (final["status"], final["produced"]) == ("cancelled", at_cancel)
