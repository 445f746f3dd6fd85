"""Batch mode: a batch-mode job's generation through its provider's Batch API, resumable by whoever holds the job.

A round of a request with ``mode = 'batch'`` builds the same calls it would send online (``Generator.plan_calls``:
same prompts, schema, sampling and thinking) and submits them as one batch of inline requests. Then the job is
given back to the queue (``BatchPending``: the attempt is not counted, no worker slot is held while Google
works) and whoever claims it next polls the batch recorded in ``qgen_batches``, never submitting a second one
while one is open. Polls wait longer each time (``poll_delay``). A batch that succeeds is read through the
online parsing and validation (``generation.valid_items``), and its items go through the same dedupe and
answer-key gate; the row closes in the transaction that stores the round (``batch_consume_stored``). A
batch that fails, expires, is lost, or waits longer than ``QGEN_BATCH_MAX_WAIT_S`` (then it is cancelled)
leaves its slots missing, and the generator fills them online. A cancelled request's open batches, and
those of jobs that ended, are cancelled upstream by the workers' sweep (``cancel_abandoned``).

Sources: google-genai's batches API and Google's Batch API guide (named in providers/gemini_batch.py). The
poll backoff grows like the SDK's own long-running-operation polling (google/genai/_transformers.py:
``LRO_POLLING_MULTIPLIER = 1.5``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import asyncpg

from .errors import BatchPending, LeaseLost, ProviderError
from .generation import GeneratedItem, Generator, _Fill, _Order, valid_items
from .managed import CallObserver, CallRecord
from .providers.base import Provider, ProviderReply, Purpose
from .providers.gemini_batch import CANCELLED, SUCCEEDED, BatchStatus, GeminiBatches
from .queue import Job
from .settings import Settings
from .sqlfiles import q

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_MULTIPLIER = 1.5


class Db(Protocol):
    async def __call__(self, fn: Callable[[asyncpg.Connection], Awaitable[T]], attempts: int = 8) -> T: ...


def poll_delay(polls: int, first_s: float, cap_s: float) -> float:
    """Seconds before the next poll of a batch polled ``polls`` times: ``first_s`` growing by 1.5 each poll,
    at most ``cap_s``."""
    return min(cap_s, first_s * POLL_MULTIPLIER ** max(0, polls))


def state_word(state: str) -> str:
    """'JOB_STATE_RUNNING' -> 'running' (what ``question_requests.batch_state`` holds)."""
    return state.removeprefix("JOB_STATE_").lower()


def batch_api(provider: Provider) -> GeminiBatches | None:
    """The provider's Batch API, when it has one (the adapter's, under the call runtime that wraps it)."""
    api = getattr(getattr(provider, "wrapped", provider), "batch_api", None)
    return api if isinstance(api, GeminiBatches) else None


@dataclass
class BatchSession:
    """One claim of a batch-mode job: the job, who holds it, and the database (a runner that retries lost
    connections; every write checks the lease or is idempotent)."""

    job: Job
    worker_id: str
    settings: Settings
    db: Db

    async def fill(self, gen: Generator, pname: str, job: _Order) -> _Fill | None:
        """The batch's answer for ``job``'s slots (missing ones with their reason), or None when the round runs
        online (a note says why). Raises ``BatchPending`` while the batch waits, ``LeaseLost`` when the job
        was taken over while submitting."""
        provider = gen.providers[pname]
        api = batch_api(provider)
        if api is None or api.refusal:
            job.result.notes.append(f"batch mode: {api.refusal if api else f'{pname} has no Batch API'}; online")
            return None
        row = await self.db(lambda c: c.fetchrow(q("batch_open"), self.job.id, "generate"))
        if row is None:
            await self._submit(gen, api, pname, job)
            return None
        return await self._resume(gen, api, pname, job, row)

    async def _submit(self, gen: Generator, api: GeminiBatches, pname: str, job: _Order) -> None:
        """Submit the round's calls as one batch and raise ``BatchPending``; return (run online) when the job
        has spent its batches or the service refused the batch."""
        spent = await self.db(lambda c: c.fetchval(q("batch_count"), self.job.id, "generate"))
        if spent > self.settings.topup_rounds:
            job.result.notes.append(f"batch mode: {spent} batches already read for this job; the rest online")
            return
        calls = [c for _, c in gen.plan_calls(pname, job, list(range(len(job.plan))), job.avoid)]
        try:
            status = await api.submit(calls, display_name=f"qgen-job-{self.job.id}")
        except ProviderError as e:
            job.result.notes.append(f"batch mode: the batch was not accepted ({e}); online")
            log.warning("job %s: batch not accepted (%s); generating online", self.job.id, e)
            return
        meta = json.dumps([{"n": c.n, "question_type": c.question_type, "max_tokens": c.max_tokens} for c in calls])
        model = calls[0].model or api.provider.model
        recorded = await self.db(lambda c: c.fetchval(q("batch_insert"), status.name, self.job.id, self.worker_id,
                                                      api.provider.name, model, meta, status.state))
        if recorded is None:  # the job is someone else's now: nobody would read this batch
            with contextlib.suppress(ProviderError):
                await api.cancel(status.name)
            raise LeaseLost(f"job {self.job.id}")
        await self._publish()
        asked = sum(c.n for c in calls)
        log.info("job %s: %s submitted (%s requests, %s questions)", self.job.id, status.name, len(calls), asked)
        raise BatchPending(
            f"{pname} batch {status.name} {state_word(status.state)}: {len(calls)} request(s) for {asked} question(s)",
            poll_delay(0, self.settings.batch_poll_s, self.settings.batch_poll_max_s),
        )

    async def _resume(self, gen: Generator, api: GeminiBatches, pname: str, job: _Order, row: Any) -> _Fill:
        meta: list[dict[str, Any]] = json.loads(row["calls"])
        slots = list(range(len(job.plan)))
        got = await poll(self.db, api, row, self.settings, self.job.request_id, f"{len(meta)} request(s)")
        if isinstance(got, GaveUp):
            return await self._give_up(row["name"], slots, f"{pname} batch {got.kind}", f"{got.detail}: online",
                                       got.state)
        fill = self._read(gen, pname, job, got, meta, slots, float(row["age_s"]))
        if not fill.items:
            await self._close(row["name"], "succeeded without a valid question: online", None)
        return fill

    def _read(self, gen: Generator, pname: str, job: _Order, status: BatchStatus, meta: list[dict[str, Any]],
              slots: list[int], age: float) -> _Fill:
        """The succeeded batch's valid items on ``slots`` in order; every reply is a recorded call (batch=True)."""
        provider = gen.providers[pname]
        fill = _Fill()
        free = iter(slots)
        for m, reply in zip(meta, status.replies, strict=False):
            if isinstance(reply, ProviderError):
                job.result.notes.append(f"{provider.name} batch request: {reply}")
                self._record(gen, job, pname, provider, reply.kind, age, None, status.name)
                continue
            try:
                valid, _ = valid_items(provider.name, job.result.notes, reply, int(m["n"]), str(m["question_type"]))
            except ProviderError as e:
                self._record(gen, job, pname, provider, e.kind, age, reply, status.name)
                continue
            self._record(gen, job, pname, provider, "ok", age, reply, status.name)
            for question in valid:
                slot = next(free, None)
                if slot is None:
                    break
                fill.items[slot] = GeneratedItem(question, provider.name, reply.model, None, key=pname)
        for slot in free:
            fill.missing[slot] = f"{pname} batch too_few"
        return fill

    @staticmethod
    def _record(gen: Generator, job: _Order, pname: str, provider: Provider, outcome: str, age: float,
                reply: ProviderReply | None, name: str) -> None:
        rec = batch_record(pname, provider, "generate", outcome, age, reply, name)
        job.result.calls += 1
        job.result.prompt_tokens += rec.prompt_tokens
        job.result.completion_tokens += rec.completion_tokens
        job.result.records.append(rec)
        observe_all(gen.observers, rec)

    async def _give_up(self, name: str, slots: list[int], reason: str, note: str, state: str | None) -> _Fill:
        job_note = f"batch {name} {note}"
        log.warning("job %s: %s", self.job.id, job_note)
        await self._close(name, note, state)
        return _Fill(missing={slot: reason for slot in slots})

    async def _close(self, name: str, note: str, state: str | None) -> None:
        await self.db(lambda c: c.execute(q("batch_consume"), name, note, state))
        await self._publish()

    async def _publish(self) -> None:
        """The request's ``batch_state`` from its batches (what ``qgen status`` and request_progress show)."""
        await self.db(lambda c: c.execute(q("batch_request_state"), self.job.request_id))


@dataclass(frozen=True)
class GaveUp:
    """Why a batch gave nothing: ``kind`` ('lost', 'timed out', or the state it ended in), ``detail`` for its
    note, and the state to record (CANCELLED after we cancelled it; None: as last polled)."""

    kind: str
    detail: str
    state: str | None


async def poll(db: Db, api: GeminiBatches, row: Any, settings: Settings, request_id: uuid.UUID,
               requests: str) -> BatchStatus | GaveUp:
    """Poll the batch of ``row`` (a ``qgen_batches`` row) once, for whichever purpose: its status once it
    succeeded, a ``GaveUp`` when it failed, expired, cannot be polled (refused, or failing past
    ``QGEN_BATCH_MAX_WAIT_S``) or still waits past that (then it is cancelled); raises ``BatchPending`` while it
    waits. The poll is recorded and the request's ``batch_state`` published. ``requests`` names its requests in
    the waiting message."""
    name, polls, age = str(row["name"]), int(row["polls"]), float(row["age_s"])
    s, key = settings, api.provider.key
    meta: list[dict[str, Any]] = json.loads(row["calls"])
    try:
        status = await api.get(name, [int(m["max_tokens"]) for m in meta])
    except ProviderError as e:
        if e.retryable and age < s.batch_max_wait_s:  # a poll failing for longer is given up on
            raise BatchPending(f"{key} batch {name}: poll failed ({e.kind}); polling again",
                               poll_delay(polls + 1, s.batch_poll_s, s.batch_poll_max_s)) from e
        return GaveUp("lost", f"poll refused ({e})", None)
    await db(lambda c: c.execute(q("batch_poll"), name, status.state))
    await db(lambda c: c.execute(q("batch_request_state"), request_id))
    word = state_word(status.state)
    if status.waiting:
        if age < s.batch_max_wait_s:
            raise BatchPending(f"{key} batch {name} {word} for {age:.0f}s ({requests})",
                               poll_delay(polls + 1, s.batch_poll_s, s.batch_poll_max_s))
        with contextlib.suppress(ProviderError):
            await api.cancel(name)
        return GaveUp("timed out", f"still {word} after {age:.0f}s (QGEN_BATCH_MAX_WAIT_S): cancelled", CANCELLED)
    if status.state != SUCCEEDED:
        return GaveUp(word, word, None)
    return status


def batch_record(key: str, provider: Provider, purpose: Purpose, outcome: str, age: float,
                 reply: ProviderReply | None, name: str | None) -> CallRecord:
    """One inline request of batch ``name`` as a call record (``batch=True``): its latency is the batch's, from
    submission to reading."""
    return CallRecord(key=key, provider=provider.name, model=reply.model if reply else provider.model,
                      purpose=purpose, outcome=outcome, latency_s=age,
                      prompt_tokens=(reply.prompt_tokens or 0) if reply else 0,
                      completion_tokens=(reply.completion_tokens or 0) if reply else 0, batch=True, batch_name=name,
                      cached_tokens=reply.cached_tokens if reply else 0,
                      thinking_tokens=reply.thinking_tokens if reply else 0)


def observe_all(observers: list[CallObserver], rec: CallRecord) -> None:
    for observe in observers:
        try:
            observe(rec)
        except Exception:  # an observer (metrics) must never fail a round
            log.exception("call observer failed")


async def consume_stored(conn: asyncpg.Connection, job: Job) -> None:
    """Inside the transaction that stores a round: the batch read into it is closed with it."""
    if job.mode == "batch":
        await conn.execute(q("batch_consume_stored"), job.id)


async def cancel_abandoned(db: Db, providers: Mapping[str, Provider]) -> int:
    """Cancel upstream the open batches nobody will read (their request cancelled, their job ended); each is
    closed once the service confirms it ended. Returns how many were closed."""
    apis = {api.provider.name: api for p in providers.values() if (api := batch_api(p)) is not None}
    rows = await db(lambda c: c.fetch(q("batch_abandoned")))
    closed = 0
    for r in rows:
        api = apis.get(r["provider"])
        if api is None:
            continue
        why = "request cancelled" if r["request_status"] == "cancelled" else f"job {r['job_status']}"
        state: str | None = CANCELLED
        try:
            await api.cancel(r["name"])
        except ProviderError as e:
            if e.retryable:
                continue  # the next sweep tries again
            state = None  # it ended meanwhile (or is unknown): nothing left to cancel
        name, request_id = str(r["name"]), uuid.UUID(str(r["request_id"]))
        await db(functools.partial(_close, name=name, note=f"cancelled upstream: {why}", state=state,
                                   request_id=request_id))
        log.info("batch %s cancelled (%s)", name, why)
        closed += 1
    return closed


async def _close(conn: asyncpg.Connection, *, name: str, note: str, state: str | None, request_id: uuid.UUID) -> None:
    await conn.execute(q("batch_consume"), name, note, state)
    await conn.execute(q("batch_request_state"), request_id)
