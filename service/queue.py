"""Every queue operation on ``qgen_jobs`` (SQL in ``sql/queries/queue.sql``); no decisions here."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass

import asyncpg

from .questions import RequestSpec
from .sqlfiles import q


@dataclass(frozen=True)
class Job:
    """A claimed job: slots ``slot_start .. slot_start+slot_count-1`` of one request."""

    id: int
    request_id: uuid.UUID
    slot_start: int
    slot_count: int
    attempts: int
    max_attempts: int
    spec: RequestSpec
    mode: str = "online"  # the request's mode: 'online' or 'batch' (service/batch.py)

    @property
    def slots(self) -> range:
        return range(self.slot_start, self.slot_start + self.slot_count)


def _job(row: asyncpg.Record) -> Job:
    return Job(
        id=row["id"],
        request_id=row["request_id"],
        slot_start=row["slot_start"],
        slot_count=row["slot_count"],
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        spec=RequestSpec(
            subject=row["subject"],
            topic=row["topic"],
            subtopic=row["subtopic"],
            exam=row["exam"],
            difficulty=row["difficulty"],
            question_type=row["question_type"],
            instructions=row["instructions"],
        ),
        mode=row["mode"],
    )


async def claim(conn: asyncpg.Connection, worker_id: str, limit: int, lease_s: float) -> list[Job]:
    """Claim up to ``limit`` runnable jobs (FOR UPDATE SKIP LOCKED) under a lease; their requests turn running."""
    rows = await conn.fetch(q("claim_jobs"), limit, worker_id, float(lease_s))
    return [_job(r) for r in rows]


async def heartbeat(conn: asyncpg.Connection, job: Job, worker_id: str, lease_s: float) -> str | None:
    """Extend the lease. Returns the request's status, or None when the lease is no longer ours."""
    row = await conn.fetchrow(q("heartbeat"), job.id, worker_id, float(lease_s))
    return None if row is None else str(row["request_status"])


async def lock_own_job(conn: asyncpg.Connection, job: Job, worker_id: str) -> str | None:
    """Inside a transaction: lock our job row; the request status, or None if the lease was lost."""
    row = await conn.fetchrow(q("lock_own_job"), job.id, worker_id)
    return None if row is None else str(row["request_status"])


async def filled_slots(conn: asyncpg.Connection, job: Job) -> set[int]:
    return {r["slot"] for r in await conn.fetch(q("filled_slots"), job.request_id, job.slot_start, job.slot_count)}


async def finish(conn: asyncpg.Connection, job: Job, worker_id: str, shortfall: str | None) -> bool:
    """Mark the job done and settle its request in one statement; False when the lease was lost.

    Called inside the transaction that stores the job's last questions, so both commit together.
    """
    return await conn.fetchval(q("finish_job"), job.id, worker_id, shortfall) is not None


async def finish_bookkeeping(conn: asyncpg.Connection, job: Job, worker_id: str, shortfall: str | None) -> bool:
    """``finish`` as a statement of its own, for a job with nothing left to store (asynchronous commit)."""
    return await conn.fetchval(q("finish_job_async"), job.id, worker_id, shortfall) is not None


async def retry(conn: asyncpg.Connection, job: Job, worker_id: str, delay_s: float, error: str) -> str | None:
    """Requeue after ``delay_s`` or dead-letter after the last attempt; returns the new job status."""
    async with conn.transaction():
        await conn.execute(q("async_commit"))
        row = await conn.fetchrow(q("retry_job"), job.id, worker_id, float(delay_s), error[:2000])
        if row is None:
            return None
        await conn.execute(q("settle_request"), job.request_id)
        return str(row["status"])


async def release(conn: asyncpg.Connection, job: Job, worker_id: str) -> None:
    """Give a job back on shutdown without counting the attempt."""
    async with conn.transaction():
        await conn.execute(q("async_commit"))
        await conn.execute(q("release_job"), job.id, worker_id)


async def defer(conn: asyncpg.Connection, job: Job, worker_id: str, delay_s: float, why: str) -> str | None:
    """Queue the job again in ``delay_s`` without counting the attempt (no provider call went out); the job's
    last error stays (``why`` only when it has none). The job's new status, or None when the lease was lost."""
    async with conn.transaction():
        await conn.execute(q("async_commit"))
        row = await conn.fetchrow(q("defer_job"), job.id, worker_id, float(delay_s), why[:2000])
        return None if row is None else str(row["status"])


async def cancel(conn: asyncpg.Connection, job: Job, worker_id: str) -> None:
    """Close the job of a cancelled request; if the request was resumed meanwhile (``qgen requeue``), give
    the job back instead (its attempt not counted)."""
    async with conn.transaction():
        await conn.execute(q("async_commit"))
        if await conn.fetchval(q("cancel_job"), job.id) is None:
            await conn.execute(q("release_job"), job.id, worker_id)
        await conn.execute(q("settle_request"), job.request_id)


async def sweep(conn: asyncpg.Connection) -> int:
    """Close jobs of cancelled requests, dead-letter expired last attempts; returns requests settled."""
    async with conn.transaction():
        await conn.execute(q("async_commit"))
        rows = await conn.fetch(q("sweep"))
        for r in rows:
            await conn.execute(q("settle_request"), r["request_id"])
    return len(rows)


async def next_run_in(conn: asyncpg.Connection) -> float | None:
    """Seconds until the earliest queued job becomes runnable (<= 0: now), None when none is queued."""
    v = await conn.fetchval(q("next_run_after"))
    return None if v is None else float(v)


async def open_jobs(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(q("open_jobs")))


@dataclass(frozen=True)
class WorkerBeat:
    """What a worker says about itself in ``qgen_workers`` with each heartbeat."""

    worker_id: str
    version: str
    concurrency: int
    interval_s: float
    in_flight: int = 0
    jobs_done: int = 0
    jobs_retried: int = 0
    questions_stored: int = 0
    stopped: bool = False


async def worker_beat(conn: asyncpg.Connection, b: WorkerBeat) -> None:
    """Register or refresh this worker's row (host and pid are this process's)."""
    await conn.execute(
        q("worker_beat"), b.worker_id, socket.gethostname(), os.getpid(), b.version, b.concurrency, float(b.interval_s),
        b.in_flight, b.jobs_done, b.jobs_retried, b.questions_stored, b.stopped,
    )


async def prune_workers(conn: asyncpg.Connection) -> None:
    await conn.execute(q("prune_workers"))
