"""One job's rounds: generate → embed → dry-run dedupe → answer-key gate → store → progress.

``worker.py`` runs the loop (claim, heartbeat, release, retry); this module is what one claimed job does,
handed a ``JobContext`` (the lease check and the database runner) so that it runs without a ``Worker``.

A round asks the generator for what is missing, judges new candidates together with the spares kept from
earlier rounds in the answer-key gate (service/gate.py: dedupe first, so no verification is paid for a
duplicate, then blind solves in waves), and stores what passed in one transaction with the lease check.
What the gate did not need stays a spare for the next round instead of being thrown away. A top-up asks for
the missing count grown by the loss rate seen so far (``topup_ask``). Every loss (a refusal or a dispute) is
counted once, by reason (``Tally``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import asyncpg
import numpy as np

from . import bank, batch, batch_verify, diversity, gate, queue, topic
from .embedding import Embedder
from .errors import JobCancelled, JobRetry, LeaseLost, first_line
from .generation import Generator
from .managed import CallRecord
from .metrics import WorkerMetrics
from .prices import Prices, cost_usd
from .queue import Job
from .settings import Settings
from .sqlfiles import q
from .topup import Tally, round_confidence, shortfall_reason, topup_ask
from .verify import Verifier

log = logging.getLogger(__name__)
T = TypeVar("T")

# Candidates a job holds while it waits for its verifier (QGEN_VERIFY_UNAVAILABLE=wait), for its next attempt in
# this worker: at most this many jobs' worth (the oldest go first; another worker's attempt generates anew).
HELD_JOBS = 256

class DbRunner(Protocol):
    async def __call__(self, fn: Callable[[asyncpg.Connection], Awaitable[T]], attempts: int = 8) -> T: ...


@dataclass
class JobContext:
    """What one job's rounds need from the worker that runs them."""

    job: Job
    worker_id: str
    settings: Settings
    generator: Generator
    embedder: Embedder
    verifier: Verifier
    prices: Prices
    metrics: WorkerMetrics
    db: DbRunner  # runs fn on a pooled connection, retrying lost connections (writes re-check the lease)
    check: Callable[[], None]  # raises LeaseLost / JobCancelled as the heartbeat last saw them
    topics: topic.Screen | None = None  # the on-topic check (service/topic.py); None: off
    # job id -> candidates an attempt that waited for its verifier kept for the next (the worker's, shared)
    held: dict[int, list[bank.Candidate]] = field(default_factory=dict)
    # what this attempt did so far: read by the worker even when a round raises (a batch waits, a lease is lost)
    tally: Tally = field(default_factory=Tally)


async def run(ctx: JobContext) -> Tally:
    """Fill the job's free slots; the job is finished (or ends short with its reason) when this returns."""
    job, s = ctx.job, ctx.settings
    filled, avoid = await ctx.db(lambda c: _start(c, ctx))
    free = [slot for slot in job.slots if slot not in filled]
    tally = ctx.tally
    # Batch mode: the items an earlier claim put into a blind-solve batch, read now (raises BatchPending while
    # it waits); this round judges them again with the batch's answers and generates nothing
    resumed = await batch_verify.resume(ctx) if job.mode == "batch" else None
    # what an earlier attempt of this job held when its verifier was down: judged and verified again, not regenerated
    held = ctx.held.pop(job.id, [])
    spares: list[bank.Candidate] = [*resumed.pool, *held] if resumed else held
    lost_texts: list[str] = []  # refused and disputed items: the prompt asks for something else
    reasons: list[str] = []  # what the generator could not do
    verifiers: set[str] = set()  # 'provider/model' of each model that re-solved this job's items
    round_no = 0
    while True:
        ctx.check()
        if not free:
            await finish(ctx, None)
            return tally
        last_round = round_no >= s.topup_rounds
        resuming = resumed if round_no == 0 else None
        # any int: each adapter folds it into its service's range (ProviderProfile.seed); a resumed round
        # keeps the seed its blind solves were sent with
        seed = resuming.seed if resuming is not None else secrets.randbits(32)
        need = len(free)
        want = need if round_no == 0 else topup_ask(need, judged=tally.stored + tally.lost, lost=tally.lost,
                                                    confidence=round_confidence(round_no, s.topup_rounds))
        ask = 0 if resuming is not None else max(0, want - len(spares))
        records: list[CallRecord] = []
        chosen: list[bank.Candidate] = []
        refused: list[bank.Verdict] = []
        disputes: list[tuple[bank.Candidate, str]] = []
        down: str | None = None  # why the verifier could not check some of them (QGEN_VERIFY_UNAVAILABLE=wait)
        submitted: batch_verify.Submitted | None = None  # Batch mode: some of them wait for a blind-solve batch
        try:
            new, copies = await _generate(ctx, ask, seed, round_no, free, [*lost_texts[-10:], *_texts(spares), *avoid],
                                          spares, tally, reasons, records) if ask else ([], [])
            new, off_topic = await _on_topic(ctx, new)
            pool = [*spares, *new]
            if ctx.verifier.enabled and pool:
                runner = resuming.runner if resuming is not None else await batch_verify.capture(ctx)
                firsts = resuming.firsts if resuming is not None else None
                judged = await gate.run(ctx, pool, need, seed, records, runner, firsts)
                chosen, refused, disputes, spares = judged.keep, judged.refused, judged.disputes, judged.spares
                down, submitted = judged.down, judged.submitted
            else:
                chosen, spares = pool, []
            refused = [*off_topic, *refused, *copies]
        finally:
            # the calls are paid for whatever became of the round (shutdown excepted: not awaited then); a
            # batch's answers once, whoever reads them (a round that fails leaves its batch to be read again)
            if records and not _cancelling():
                await account(ctx, records)
        tally.disputed += len(disputes)
        if not s.store_disputed:
            tally.losses["disputed"] += len(disputes)
            lost_texts += [c.question.question_text for c, _ in disputes]
        # what the store refuses now is counted below; the dry run's refusals are counted here
        tally.count(refused)
        lost_texts += [v.candidate.question.question_text for v in refused]
        verifiers |= {f"{c.verifier_provider}/{c.verifier_model}" for c in [*chosen, *(d for d, _ in disputes)]
                      if c.verification_method in ("cross", "self_consistency")}
        warnings = ctx.verifier.warnings(verifiers)
        # a verifier that disputes most keys: more candidates would only be disputed (and paid for)
        # waiting (for the verifier, or for a batch) ends no job
        last_round = (last_round or ctx.verifier.hopeless(verifiers)) and down is None and submitted is None
        why_short = functools.partial(_why_short, job, round_no, list(reasons), tally, warnings)
        try:
            verdicts = await ctx.db(
                functools.partial(_store_round, ctx=ctx, candidates=chosen, free=list(free), last_round=last_round,
                                  refused=refused, disputes=disputes, why_short=why_short, submitted=submitted)
            )
        except Exception as e:
            if submitted is not None:  # not recorded: nobody would read it
                await submitted.cancel()
            if isinstance(e, JobCancelled):  # cancelled before this round could be stored: nothing of it is kept
                ctx.metrics.questions_cancelled.inc(len(chosen))
            raise
        accepted = {v.candidate.slot for v in verdicts if v.accepted}
        tally.count(verdicts)
        lost_texts += [v.candidate.question.question_text for v in verdicts if bank.is_refusal(v)]
        tally.stored += len(accepted)
        ctx.metrics.round_stored([*refused, *verdicts], disputed=len(disputes))
        ctx.metrics.verifier_windows(ctx.verifier.dispute_rates())
        for w in warnings:
            log.warning("job %s: %s", job.id, w)
        free = [slot for slot in free if slot not in accepted]
        log.info(
            "job %s round %s: %s stored, %s lost so far, %s spare, %s missing",
            job.id, round_no, len(accepted), tally.lost, len(spares), len(free),
        )
        if submitted is not None:  # stored what was checked online; the rest waits in the batch's row
            await ctx.db(lambda c: c.execute(q("batch_request_state"), job.request_id))
            _hold(ctx, spares)  # what a verifier that was down left (QGEN_VERIFY_UNAVAILABLE=wait)
            raise submitted.pending
        if free and down is not None:
            # store what passed (above), hold the rest for the next attempt, which re-verifies it
            _hold(ctx, spares)
            raise JobRetry(f"verifier unavailable ({down}); waiting under QGEN_VERIFY_UNAVAILABLE=wait")
        if not free or last_round:
            tally.discarded = len(spares)
            return tally
        round_no += 1


async def _on_topic(ctx: JobContext, cands: list[bank.Candidate]) -> tuple[list[bank.Candidate], list[bank.Verdict]]:
    """The candidates about the request's subject, and the others refused with reason off_topic (their
    margin in ``similarity``): judged before the dedupe or the verifier spends anything on them."""
    if ctx.topics is None or not cands:
        return cands, []
    spec = ctx.job.spec
    judged = await ctx.topics.judge(spec.subject, spec.topic, [c.embedding for c in cands])
    keep = [c for c, j in zip(cands, judged, strict=True) if j.on_topic]
    refused = [bank.Verdict(c, False, None, "off_topic", None, round(j.margin, 4))
               for c, j in zip(cands, judged, strict=True) if not j.on_topic]
    return keep, refused


async def _start(conn: asyncpg.Connection, ctx: JobContext) -> tuple[set[int], list[str]]:
    filled = await queue.filled_slots(conn, ctx.job)
    return set(filled), await bank.avoid_list(conn, ctx.job.spec, ctx.settings)


def _hold(ctx: JobContext, cands: list[bank.Candidate]) -> None:
    ctx.held[ctx.job.id] = cands
    while len(ctx.held) > HELD_JOBS:
        ctx.held.pop(next(iter(ctx.held)))


def _texts(cands: list[bank.Candidate]) -> list[str]:
    return [c.question.question_text for c in cands]


async def _generate(
    ctx: JobContext,
    ask: int,
    seed: int,
    round_no: int,
    free: list[int],
    avoid: list[str],
    spares: list[bank.Candidate],
    tally: Tally,
    reasons: list[str],
    records: list[CallRecord],
) -> tuple[list[bank.Candidate], list[bank.Verdict]]:
    """``ask`` new candidates, validated and embedded (fewer when the generator fell short: its reason kept);
    and the refusals of exact copies (of a bank row in scope, of a spare or of each other), refused by their
    hash before they are embedded."""
    job, spec = ctx.job, ctx.job.spec
    plan = diversity.make_plan(spec, ask, seed, offset=free[0] + round_no * job.slot_count)
    session = batch.BatchSession(job, ctx.worker_id, ctx.settings, ctx.db) if job.mode == "batch" else None
    result = await ctx.generator.generate(spec, ask, plan=plan, avoid=avoid, seed=seed, records=records, batch=session)
    ctx.check()
    items = result.items[:ask]
    tally.generated += len(items)
    if result.shortfall_reason:
        reasons.append(result.shortfall_reason)
    if not items:
        return [], []
    copies = await ctx.db(lambda c: bank.exact_copies(c, spec, [it.question for it in items],
                                                       [sp.question for sp in spares], settings=ctx.settings))
    fresh = [it for it, copy in zip(items, copies, strict=True) if copy is None]
    embeddings = list(await ctx.embedder.embed([it.question for it in fresh])) if fresh else []
    by_item = dict(zip(map(id, fresh), embeddings, strict=True))
    out: list[bank.Candidate] = []
    refused: list[bank.Verdict] = []
    for it, copy in zip(items, copies, strict=True):
        cand = bank.Candidate(
            question=it.question,
            spec=spec,
            provider=it.provider,
            model=it.model,
            fallback_reason=it.fallback_reason,
            embedding=by_item.get(id(it), NOT_EMBEDDED),
            request_id=job.request_id,
            job_id=job.id,
            key=it.key,
        )
        if copy is None:
            out.append(cand)
        else:
            refused.append(bank.Verdict(cand, False, None, copy[0], copy[1], 1.0))
    return out, refused


# the embedding of a candidate refused before it was embedded (an exact copy): never compared, never stored
NOT_EMBEDDED = np.zeros(0, dtype=np.float32)


def _why_short(job: Job, rounds: int, reasons: list[str], tally: Tally, warnings: list[str],
               left: list[int], verdicts: list[bank.Verdict]) -> str:
    return shortfall_reason(len(left), job.slot_count, rounds, reasons, tally.with_refusals(verdicts), warnings)


async def _store_round(
    conn: asyncpg.Connection,
    *,
    ctx: JobContext,
    candidates: list[bank.Candidate],
    free: list[int],
    last_round: bool,
    refused: list[bank.Verdict],
    disputes: list[tuple[bank.Candidate, str]],
    why_short: Callable[[list[int], list[bank.Verdict]], str],
    submitted: batch_verify.Submitted | None = None,
) -> list[bank.Verdict]:
    """One transaction: prove the lease, dedupe + insert, log refusals and disputes, and complete the job
    when this round fills it or is its last, so that the final inserts and the completion commit together."""
    job = ctx.job
    async with conn.transaction():
        status = await queue.lock_own_job(conn, job, ctx.worker_id)
        if status is None:
            raise LeaseLost(f"job {job.id}")
        if status == "cancelled":
            raise JobCancelled(f"request {job.request_id}")
        verdicts = await bank.store(conn, candidates, settings=ctx.settings, slots=free) if candidates else []
        if submitted is not None:  # the wave's other items wait for it: recorded under the lease just proven
            await submitted.record(conn, job, ctx.worker_id)
        else:
            await batch.consume_stored(conn, job)
        if refused:
            await bank.record_refusals(conn, refused, settings=ctx.settings)
        if disputes:
            # a disputed candidate kept under QGEN_STORE_DISPUTED has a verdict in the same position
            stored = {id(candidates[i]): v.question_id for i, v in enumerate(verdicts)}
            await bank.record_disputes(conn, [(c, why, stored.get(id(c))) for c, why in disputes])
        accepted = {v.candidate.slot for v in verdicts if v.accepted}
        left = [slot for slot in free if slot not in accepted]
        if not left or last_round:
            if not await queue.finish(conn, job, ctx.worker_id, why_short(left, verdicts) if left else None):
                raise LeaseLost(f"job {job.id}")
        return verdicts


async def finish(ctx: JobContext, shortfall: str | None) -> None:
    """Complete a job that has nothing left to store (its slots were filled by an earlier run)."""
    await finish_job(ctx.db, ctx.job, ctx.worker_id, shortfall)


async def finish_job(db: DbRunner, job: Job, worker_id: str, shortfall: str | None) -> None:
    async def done(conn: asyncpg.Connection) -> None:
        if not await queue.finish_bookkeeping(conn, job, worker_id, shortfall):
            raise LeaseLost(f"job {job.id}")

    await db(done)


async def account(ctx: JobContext, records: list[CallRecord]) -> None:
    """Store a round's calls (tokens, latency, estimated cost) and add them to the request's sums; the answers
    of a batch only if no round recorded them before (``qgen_batches.accounted_at``): Google bills them once.

    Best effort: losing the accounting of one round must not fail or repeat the job.
    """
    online = [r for r in records if r.batch_name is None]
    if online:
        await _record(ctx, q("record_calls"), online)
    for name in dict.fromkeys(r.batch_name for r in records if r.batch_name is not None):
        await _record(ctx, q("record_batch_calls"), [r for r in records if r.batch_name == name], name)


async def _record(ctx: JobContext, sql: str, records: list[CallRecord], *batch: str) -> None:
    """One accounting statement (``record_calls``, or ``record_batch_calls`` for one batch's answers)."""
    job = ctx.job
    calls = json.dumps(
        [
            {
                "provider": r.provider,
                "model": r.model,
                "purpose": r.purpose,
                "outcome": r.outcome,
                "latency_ms": round(r.latency_s * 1000),
                "prompt_tokens": r.prompt_tokens,
                "completion_tokens": r.completion_tokens,
                "cached_tokens": r.cached_tokens,
                "thinking_tokens": r.thinking_tokens,
                "cost_usd": cost_usd(ctx.prices, r.key, r.model, r.prompt_tokens, r.completion_tokens,
                                     cached_tokens=r.cached_tokens, batch=r.batch),
                "batch": r.batch,
            }
            for r in records
        ]
    )
    try:
        # one attempt: the statement is not idempotent, and a retry after a commit the connection lost
        # would count the round twice; a round lost from the accounting is the lesser harm
        await ctx.db(lambda c: c.execute(sql, job.request_id, job.id, *batch, calls), attempts=1)
    except Exception as e:
        log.warning("job %s: %s call record(s) not stored (%s)", job.id, len(records), first_line(e)[:500])


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0

