"""Crash and fault recovery: dead workers' leases are taken over, lost connections are survived,
and nothing is stored twice. The chaos test SIGKILLs real worker processes."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from service.embedding import Embedder
from service.settings import Settings
from simulators.knobs import Knobs

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
        deadline = time.monotonic() + 360
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
