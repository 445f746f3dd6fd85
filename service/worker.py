"""``qgen worker``: LISTEN/NOTIFY + poll, claim under a lease, and run each job through
route → generate → validate → embed → dedupe → insert → progress."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import asyncpg

from . import __version__, bank, batch, batch_orphans, catalogue, db, logs, metrics, migrations, pipeline, queue, topic
from .concurrency import job_room
from .db import CONNECTION_ERRORS, CONNECTION_OR_TIMEOUT
from .embedding import Embedder, check_dimension
from .errors import BatchPending, DatabaseError, JobCancelled, JobRetry, LeaseLost, QgenError, first_line
from .generation import Generator
from .listener import Listener
from .prices import load_prices
from .queue import Job
from .resilience import jittered
from .route_watch import MIN_DEFER_S, RouteWatch, count_calls
from .settings import Settings
from .topup import Tally
from .verify import Verifier

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class JobState:
    job: Job
    cancelled: bool = False
    lease_lost: bool = False


@dataclass
class WorkerStats:
    jobs_done: int = 0
    jobs_retried: int = 0
    # what this worker's job attempts stored, lost, generated (valid items the providers wrote) and discarded
    # (spares a job ended with: paid for, never stored nor judged)
    work: Tally = field(default_factory=Tally)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """One worker process: ``settings.concurrency`` jobs at once, more (up to ``settings.max_jobs``) while the
    providers' adaptive limits have room, sharing one generator and embedder."""

    def __init__(
        self,
        settings: Settings,
        *,
        dsn: str,
        generator: Generator,
        embedder: Embedder,
        worker_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.dsn = dsn
        self.generator = generator
        self.embedder = embedder
        self.worker_id = worker_id or new_worker_id()
        self.stats = WorkerStats()
        self.prices = load_prices(settings.prices)
        self.verifier = Verifier(settings, generator)
        self.topics: topic.Screen | None = None  # the on-topic check, once run() has read the catalogue
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: dict[asyncio.Task[None], JobState] = {}
        self._more_queued = False  # the last claim got all it asked for: more jobs may be queued
        # candidates a job held when its verifier was down, for its next attempt here (pipeline.run)
        self._held: dict[int, list[bank.Candidate]] = {}
        self._pool: asyncpg.Pool | None = None
        self._listener = Listener(dsn, settings, self._wake, self._stopping)
        self.routes = RouteWatch(generator)
        self.metrics = metrics.WorkerMetrics(in_flight=lambda: len(self._tasks), prices=self.prices)
        if generator is not None:  # queue-only workers (benchmarks, migration checks) generate nothing
            generator.observers += [self.metrics.on_call, logs.log_call, self.routes.note_call]
            for limiter in generator.limiters.values():
                limiter.listeners.append(self._limits_moved)

    # ------------------------------------------------------------------ lifecycle
    def stop(self) -> None:
        """Stop claiming; in-flight jobs are released (their attempt is not counted)."""
        self._stopping.set()
        self._wake.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: int) -> None:
        if self._stopping.is_set():
            log.warning("second %s: exiting now", signal.Signals(sig).name)
            os._exit(130)
        log.info("%s received: no new jobs; releasing in-flight work", signal.Signals(sig).name)
        self.stop()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "worker not started"
        return self._pool

    async def run(self, *, drain: bool = False) -> None:
        """Serve until ``stop()``; with ``drain`` return once no queued or running job remains."""
        self._pool = await db.create_pool(
            self.dsn, self.settings, min_size=1, max_size=2 * self.settings.concurrency + 2
        )
        try:
            async with self.pool.acquire() as conn:
                if pending := await migrations.check_applied(conn):  # raises when an applied one has drifted
                    # the queries need every migration's columns: serving now would fail every job
                    raise DatabaseError(f"{len(pending)} migration(s) not applied ({', '.join(pending)}): run `qgen migrate`")
                await check_dimension(conn, self.embedder)
                await queue.prune_workers(conn)
                await self._use_catalogue(await catalogue.load(conn))
            listen_task = asyncio.create_task(self._listener.run(), name="qgen-listen")
            beat_task = asyncio.create_task(self._beat_loop(), name="qgen-worker-beat")
            orphans = batch_orphans.start(self._db_retry, self.generator, self.settings, self.metrics.batch_orphans_cancelled.inc)
            try:
                await self._claim_loop(drain)
            finally:
                for t in (listen_task, beat_task, *orphans):
                    t.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await t
                await self._shutdown_tasks()
                with contextlib.suppress(*CONNECTION_OR_TIMEOUT):  # the row then reads "lost", not "stopped"
                    async with asyncio.timeout(5), self.pool.acquire() as conn:
                        await queue.worker_beat(conn, self._beat(stopped=True))
        finally:
            await self._listener.close()
            await self.pool.close()

    # ------------------------------------------------------------------ heartbeat row (qgen_workers)
    def _beat(self, *, stopped: bool = False) -> queue.WorkerBeat:
        return queue.WorkerBeat(
            self.worker_id, __version__, self.settings.concurrency, self._beat_interval(), len(self._tasks),
            self.stats.jobs_done, self.stats.jobs_retried, self.stats.work.stored, stopped,
        )

    def _beat_interval(self) -> float:
        # as often as job leases are extended: a worker reads as lost when its jobs' leases run out
        return max(self.settings.lease_s / 3, 0.05)

    async def _beat_loop(self) -> None:
        """Write this worker's row in ``qgen_workers`` now and every lease/3 (``qgen status --workers``)."""
        while True:
            try:
                async with self.pool.acquire() as conn:
                    await queue.worker_beat(conn, self._beat())
            except CONNECTION_ERRORS as e:
                log.warning("worker heartbeat failed (%s)", _one_line(e))
            await asyncio.sleep(self._beat_interval())

    # ------------------------------------------------------------------ claiming beyond QGEN_CONCURRENCY
    def _limits_moved(self) -> None:
        """A limiter listener: with jobs still queued and room in the limits, claim one more now."""
        if self._more_queued and len(self._tasks) >= self.settings.concurrency and self._job_room():
            self._wake.set()

    def _job_room(self) -> int:
        """Jobs to claim now (``concurrency.job_room`` over this worker's provider limits)."""
        limiters = self.generator.limiters.values() if self.generator is not None else ()
        return job_room(
            len(self._tasks), base=self.settings.concurrency, most=self.settings.max_jobs,
            routes=[(lim.limit, lim.in_flight, lim.waiting) for lim in limiters],
        )

    # ------------------------------------------------------------------ wake-ups
    async def _sleep(self, seconds: float) -> None:
        await self._listener.sleep(seconds)

    async def _wait_for_wake(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(timeout, 0.001))
        self._wake.clear()

    # ------------------------------------------------------------------ claiming
    async def _claim_loop(self, drain: bool) -> None:
        failures = 0
        last_sweep = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            free = self._job_room()
            claimed: list[Job] = []
            try:
                if loop.time() - last_sweep >= self.settings.poll_interval_s:
                    async with self.pool.acquire() as conn:
                        await queue.sweep(conn)
                    if self.generator is not None:  # batches of cancelled requests and ended jobs
                        await batch.cancel_abandoned(self._db_retry, self.generator.providers)
                    last_sweep = loop.time()
                if free > 0:
                    self._wake.clear()
                    async with self.pool.acquire() as conn:
                        claimed = await queue.claim(conn, self.worker_id, free, self.settings.lease_s)
                failures = 0
            except CONNECTION_ERRORS as e:
                failures += 1
                delay = jittered(failures, 0.2, 5.0)
                log.warning("database unavailable while claiming (%s); retrying in %.1fs", _one_line(e), delay)
                await self._sleep(delay)
                continue
            for job in claimed:
                self._start(job)
            if free > 0:
                self._more_queued = len(claimed) == free
            if claimed and len(claimed) == free and len(self._tasks) < self.settings.concurrency:
                continue  # there may be more; come back once a slot frees up
            # beyond QGEN_CONCURRENCY: the next job once the limits have moved (``_limits_moved``: this one's
            # calls reached them, or a call ended), so that the room they show counts this job's calls
            if drain and not self._tasks and not claimed and await self._nothing_left():
                log.info("drain: no queued or running jobs remain")
                return
            wait = min(self.settings.poll_interval_s, 0.5) if drain else self.settings.poll_interval_s
            if len(self._tasks) < self.settings.concurrency:
                # sleep no longer than until a queued job's run_after (a retry's backoff) comes due;
                # a job already due but not claimable (its request was cancelled) must not make us spin
                with contextlib.suppress(*CONNECTION_ERRORS):
                    async with self.pool.acquire() as conn:
                        due = await queue.next_run_in(conn)
                    if due is not None and due > 0:
                        wait = min(wait, due + 0.005)
            await self._wait_for_wake(wait)

    async def _nothing_left(self) -> bool:
        try:
            async with self.pool.acquire() as conn:
                return await queue.open_jobs(conn) == 0
        except CONNECTION_ERRORS:
            return False

    def _start(self, job: Job) -> None:
        state = JobState(job)
        self.metrics.jobs_claimed.inc()
        task = asyncio.create_task(self._run_job(state), name=f"qgen-job-{job.id}")
        self._tasks[task] = state
        task.add_done_callback(self._job_finished)

    def _job_finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:  # pragma: no cover - _run_job catches all
            log.error("job task crashed: %s", task.exception())

    async def _shutdown_tasks(self) -> None:
        """Cancel in-flight jobs and give them back to the queue."""
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t

    # ------------------------------------------------------------------ one job
    async def _run_job(self, state: JobState) -> None:
        job = state.job
        # this task's log lines and embedding times (and those of the tasks it starts) belong to this job
        logs.bind_job(job.request_id, job.id)
        metrics.current.set(self.metrics)
        calls = count_calls()
        hb = asyncio.create_task(self._heartbeat(state), name=f"qgen-hb-{job.id}")
        try:
            await self._process(state)
            self.metrics.jobs_succeeded.inc()  # _process returns only once the job is done
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._db_retry(lambda c: queue.release(c, job, self.worker_id)))
            log.info("job %s released", job.id)
            raise
        except LeaseLost:
            log.warning("job %s: lease lost to another worker; dropping this attempt", job.id)
        except BatchPending as pending:
            # a batch is being answered upstream: back to the queue until the next poll, attempt not counted
            delay_s, why = pending.wait_s, str(pending)
            await self._db_retry(lambda c: queue.defer(c, job, self.worker_id, delay_s, why))
            log.info("job %s: %s; polling again in %.0fs", job.id, why, delay_s)
        except JobCancelled:
            await self._db_retry(lambda c: queue.cancel(c, job, self.worker_id))
            self.metrics.jobs_cancelled.inc()
            log.info("job %s: request %s cancelled", job.id, job.request_id)
        except Exception as e:  # the worker must survive any job failure
            reason = _one_line(e) if isinstance(e, QgenError) else f"{type(e).__name__}: {_one_line(e)}"
            if not isinstance(e, QgenError):
                log.exception("job %s failed unexpectedly", job.id)
            delay = jittered(job.attempts, self.settings.job_retry_base_s, 300.0)
            wait = self.routes.wait(job) if isinstance(e, JobRetry) else None
            if isinstance(e, JobRetry) and calls[0] == 0 and self.routes.blocked(job):
                # every provider of the route refused (open breakers): nothing was tried, so no attempt is
                # spent; the job comes back when a breaker lets its probe through
                wait = max(wait or 0.0, self.settings.job_retry_base_s, MIN_DEFER_S)
                why = f"waiting for open circuit breakers ({self.routes.failures(job)})"
                await self._db_retry(lambda c: queue.defer(c, job, self.worker_id, wait, why))
                self.metrics.jobs_deferred.inc()
                log.info("job %s: %s; deferred %.1fs, attempt not counted", job.id, why, wait)
                return
            if isinstance(e, JobRetry) and (whole := self.routes.wait(job, whole=True)) is not None:
                # the route's breakers are open now: a retry before they half-open fails at once, and one
                # before the last of them half-opens meets the fallback still open (circuit_open, no call)
                delay = max(delay, whole)
            status = await self._db_retry(lambda c: queue.retry(c, job, self.worker_id, delay, reason))
            self.stats.jobs_retried += 1
            self.metrics.job_attempt_failed(status)
            log.warning(
                "job %s attempt %s/%s: %s -> %s",
                job.id, job.attempts, job.max_attempts, reason,
                "dead-lettered (failed)" if status == "failed" else f"retry in {delay:.1f}s",
            )
        finally:
            hb.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await hb

    async def _heartbeat(self, state: JobState) -> None:
        interval = max(self.settings.lease_s / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.pool.acquire() as conn:
                    status = await queue.heartbeat(conn, state.job, self.worker_id, self.settings.lease_s)
            except CONNECTION_ERRORS as e:
                log.warning("heartbeat for job %s failed (%s)", state.job.id, _one_line(e))
                continue
            if status is None:
                state.lease_lost = True
                return
            if status == "cancelled":
                state.cancelled = True

    def _check(self, state: JobState) -> None:
        if state.lease_lost:
            raise LeaseLost(f"job {state.job.id}")
        if state.cancelled:
            raise JobCancelled(f"request {state.job.request_id}")

    async def _use_catalogue(self, cat: catalogue.Catalogue) -> None:
        """Route by the subject catalogue (under QGEN_ROUTES's overrides) and check items against it."""
        if self.generator is not None:
            self.generator.routes = self.generator.routes.with_catalogue(cat)
        if self.settings.topic_check and self.embedder is not None:
            self.topics = topic.Screen(cat, self.embedder.embed_texts, self.settings.topic_margin)

    def _context(self, state: JobState) -> pipeline.JobContext:
        return pipeline.JobContext(
            job=state.job,
            worker_id=self.worker_id,
            settings=self.settings,
            generator=self.generator,
            embedder=self.embedder,
            verifier=self.verifier,
            prices=self.prices,
            metrics=self.metrics,
            db=self._db_retry,
            check=functools.partial(self._check, state),
            topics=self.topics,
            held=self._held,
        )

    async def _process(self, state: JobState) -> None:
        """Run one job's rounds (``service/pipeline.py``); returns once the job is finished."""
        ctx = self._context(state)
        try:
            await pipeline.run(ctx)
        finally:  # what an attempt stored and paid for counts even when a round raised (a batch waits)
            self.stats.work.add(ctx.tally)
        self.stats.jobs_done += 1

    async def _finish(self, state: JobState, shortfall: str | None) -> None:
        await pipeline.finish_job(self._db_retry, state.job, self.worker_id, shortfall)
        self.stats.jobs_done += 1

    async def _db_retry(self, fn: Callable[[asyncpg.Connection], Awaitable[T]], attempts: int = 8) -> T:
        """``db.with_retry`` on this worker's pool: safe because every write transaction of a job starts by
        re-checking the lease."""
        return await db.with_retry(self.pool, fn, attempts)


def _one_line(e: BaseException) -> str:
    return first_line(e)[:500]
