"""Queue overhead: no-op jobs claimed and completed per second through our queue path, side by side
with PgQueuer on the same database in the same run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import asyncpg
from bench_common import Cluster, Section, median

from service import queue

# PgQueuer's own benchmark (tools/benchmark.py, drain strategy): 5 dequeue tasks, batch size 10.
CONSUMERS = 5
BATCH = 10
# Jobs per request in the throughput seed: a 50-question request is split into 5 jobs of 10 slots.
REQUEST_COUNT = 50


# ---------------------------------------------------------------------------------- throughput
async def _seed_our_jobs(conn: asyncpg.Connection, jobs: int) -> None:
    """``jobs`` queued qgen_jobs, created the way production creates them (the request triggers)."""
    per_request = REQUEST_COUNT // 10
    requests = max(1, jobs // per_request)
    await conn.execute(
        """insert into question_requests (subject, topic, count)
           select 'Physics', 'Optics ' || g, $2 from generate_series(1, $1) g""",
        requests,
        REQUEST_COUNT,
    )


async def _our_consumer(dsn: str, worker_id: str, done: list[int], deadlocks: list[int]) -> None:
    """Claim up to BATCH jobs, then complete each in its own transaction exactly like the worker's
    completion (queue.finish_bookkeeping: qgen_finish_job = produced, done, settle, asynchronous commit,
    exactly what the worker runs for a job with nothing left to store); until nothing is left.
    A deadlock aborts only that transaction: it is counted and the completion is run again."""
    conn = await asyncpg.connect(dsn)
    try:
        while True:
            jobs = await queue.claim(conn, worker_id, BATCH, 30.0)
            if not jobs:
                return
            for job in jobs:
                while True:
                    try:
                        ok = await queue.finish_bookkeeping(conn, job, worker_id, None)
                        assert ok
                        break
                    except asyncpg.DeadlockDetectedError:
                        deadlocks[0] += 1
                done[0] += 1
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), 5)


async def our_throughput(cluster: Cluster, dsn: str, jobs: int, deadlocks: list[int] | None = None) -> float:
    """Jobs per second through service.queue with CONSUMERS consumers claiming BATCH at a time."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("truncate qgen_jobs, question_requests, request_events cascade")
        await _seed_our_jobs(conn, jobs)
        total = await conn.fetchval("select count(*) from qgen_jobs where status = 'queued'")
        await conn.execute("vacuum analyze qgen_jobs")
        await conn.execute("vacuum analyze question_requests")
    finally:
        await conn.close()
    done = [0]
    deadlocks = deadlocks if deadlocks is not None else [0]
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for i in range(CONSUMERS):
            tg.create_task(_our_consumer(dsn, f"bench:{i}", done, deadlocks))
    elapsed = time.perf_counter() - t0
    assert done[0] == total, (done[0], total)
    return total / elapsed


async def install_pgqueuer(dsn: str) -> None:
    from pgqueuer import Queries
    from pgqueuer.db import AsyncpgDriver

    conn = await asyncpg.connect(dsn)
    try:
        await Queries(AsyncpgDriver(conn)).install()
    finally:
        await conn.close()


async def pgqueuer_throughput(dsn: str, jobs: int) -> float:
    """PgQueuer's drain benchmark: ``jobs`` pre-enqueued no-op jobs, CONSUMERS QueueManagers each on its
    own connection, ``run(batch_size=BATCH, mode=drain)``; jobs per second until all have finished."""
    from pgqueuer import Queries, QueueManager, types
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.models import Job

    conn = await asyncpg.connect(dsn)
    try:
        q = Queries(AsyncpgDriver(conn))
        await q.clear_queue()
        await q.clear_queue_log()
        await q.clear_statistics_log()
        await q.enqueue(["noop"] * jobs, [None] * jobs, [0] * jobs)
        await conn.execute("vacuum analyze pgqueuer")
    finally:
        await conn.close()

    done = [0]
    conns = [await asyncpg.connect(dsn) for _ in range(CONSUMERS)]
    managers = []
    for c in conns:
        qm = QueueManager(Queries(AsyncpgDriver(c)))

        @qm.entrypoint("noop")
        async def noop(job: Job) -> None:
            done[0] += 1

        managers.append(qm)
    t0 = time.perf_counter()
    try:
        drain = types.QueueExecutionMode.drain
        await asyncio.gather(*(qm.run(batch_size=BATCH, mode=drain) for qm in managers))
        elapsed = time.perf_counter() - t0
    finally:
        for c in conns:
            with contextlib.suppress(Exception):
                await c.close()
    assert done[0] == jobs, (done[0], jobs)
    return jobs / elapsed


async def throughput(cluster: Cluster, *, jobs: int, repeats: int) -> Section:
    sec = Section("queue throughput")
    async with cluster.database("queue") as dsn:
        await install_pgqueuer(dsn)
        logging.getLogger("pgqueuer").setLevel(logging.WARNING)
        # warm-up: caches, prepared statements, the planner's statistics
        await our_throughput(cluster, dsn, max(jobs // 10, 100))
        await pgqueuer_throughput(dsn, max(jobs // 10, 100))
        ours, theirs, ratios = [], [], []
        deadlocks = [0]
        for i in range(repeats):
            # alternate the order so neither side always runs on the warmer (or noisier) machine
            runs: list[tuple[str, Callable[[], Awaitable[float]]]] = [
                ("ours", lambda: our_throughput(cluster, dsn, jobs, deadlocks)),
                ("pgq", lambda: pgqueuer_throughput(dsn, jobs)),
            ]
            if i % 2:
                runs.reverse()
            got: dict[str, float] = {}
            for name, fn in runs:
                got[name] = await fn()
            ours.append(got["ours"])
            theirs.append(got["pgq"])
            ratios.append(got["ours"] / got["pgq"])
    ratio = median(ratios)
    sec.add(
        "queue_jobs_per_s", median(ours), reference=f"PgQueuer {median(theirs):.0f} jobs/s",
        note=f"{jobs} no-op jobs, {CONSUMERS} consumers, batch {BATCH}, median of {repeats}",
    )
    sec.add("pgqueuer_jobs_per_s", median(theirs), reference="same database, same run")
    sec.add(
        "queue_throughput_ratio_vs_pgqueuer", ratio, reference=f"PgQueuer {median(theirs):.0f} jobs/s = 1.0",
        target=">= 1.0", ok=ratio >= 1.0,
        note="median of per-repeat ratios " + ", ".join(f"{r:.2f}" for r in ratios),
    )
    sec.add(
        "queue_deadlocks", deadlocks[0], reference=f"{repeats * jobs} job completions", target="0",
        ok=deadlocks[0] == 0,
        note="completions of two jobs of one request aborted by PostgreSQL's deadlock detector (retried)",
    )
    sec.extra.update(queue_jobs_per_s_runs=ours, pgqueuer_jobs_per_s_runs=theirs, queue_ratio_runs=ratios)
    return sec
