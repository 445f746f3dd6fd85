"""Batch mode for the answer-key gate: a batch-mode round's first blind solves through the Batch API.

A round of a request with ``mode = 'batch'`` verifies its first wave through ``Verifier.check`` as usual, with
a ``BatchSolves`` runner that captures the first-pass blind-solve calls meant for a provider with a Batch API
(Gemini) instead of making them. Those items get ``deferred`` checks; the calls go out as one batch (at the
batch rate, 50% of online), and the items wait in ``qgen_batches.held`` with the round's seed. Items other
verifiers check (RunPod's solves of Gemini's Mathematics) are checked online in the same wave. The batch is
recorded in the transaction that stores the round (after its lease check), then the job goes back to the
queue (``BatchPending``: the attempt is not counted). A batch whose round is not stored is cancelled upstream
(or, if the worker died, by the orphan sweep: service/batch_orphans.py).

Whoever claims the job next (``resume``) polls that batch like a generation batch (service/batch.py: the same
backoff, ``QGEN_BATCH_MAX_WAIT_S``, cancel), rebuilds the held items (validated and embedded again) and runs
the round's gate over them with the same seed: first exactly the items whose solves went into the batch, in
the order they were sent (before the dedupe's verdicts, so that the calls are the same; an item the bank now
refuses is then refused), with a runner that answers each call from the batch. A call is matched by
everything it sends but its seed (``call_key``), so the verifier's own rules (its chunks, its
self-consistency, its re-asks) decide the calls both times. What the answers leave to solve (the deeper
``confirm`` solves of items the first solves did not confirm, a re-ask after a partial reply) goes into the
next batch, the items waiting with their first verdicts, while the job has verify batches left
(``QGEN_TOPUP_ROUNDS`` + 1), then online. An answer no call took is recorded as ``unused`` (it is billed). A
batch that fails, expires, is lost or waits too long leaves every item to be solved online. The batch's row
closes with the round that stores its items, so a claim that dies first leaves them to the next. Nothing is
generated again: the items are the ones paid for.

Sources: as service/batch.py (google-genai's batches API; Google's Batch API guide, ai.google.dev/gemini-api/
docs/batch-api: inline requests, responses in request order, 50% of the online price).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

from . import bank
from .batch import GaveUp, batch_api, batch_record, observe_all, poll, poll_delay, state_word
from .errors import BatchPending, LeaseLost, ProviderError, SolveDeferred
from .managed import CallLog, CallRecord, ManagedProvider
from .providers.base import ProviderCall, ProviderReply
from .providers.gemini_batch import GeminiBatches
from .questions import Question, type_of, validate_item
from .queue import Job
from .sqlfiles import q
from .verify import Check

if TYPE_CHECKING:
    from .pipeline import JobContext

log = logging.getLogger(__name__)
T = TypeVar("T")
Answer = ProviderReply | ProviderError


def call_key(call: ProviderCall) -> str:
    """What identifies a blind-solve call across claims of a job: everything it sends except its seed (the
    k solves of a self-consistency check differ only by seed, and are answered in any order)."""
    sent = [call.system, call.prompt, call.question_type, call.n, call.max_tokens, call.model, call.temperature,
            call.top_p, call.thinking, call.purpose]
    return hashlib.sha256(json.dumps(sent).encode()).hexdigest()[:32]


def answers_by_key(meta: Sequence[dict[str, Any]], replies: Sequence[Answer]) -> dict[str, list[Answer]]:
    """A succeeded batch's answers by ``call_key``, in request order (the Batch API answers in that order)."""
    out: dict[str, list[Answer]] = {}
    for m, reply in zip(meta, replies, strict=False):
        out.setdefault(str(m["key"]), []).append(reply)
    return out


@dataclass(frozen=True)
class HeldItem:
    """A candidate as a verify batch holds it: the question, who wrote it (embedded again on reading) and, when
    the batch holds its deeper solve, the verdict of its first solves."""

    question: Question
    provider: str
    model: str
    key: str
    fallback_reason: str | None
    first: Check | None = None


_CHECK_FIELDS = ("verification", "verifier_provider", "verifier_model", "verifier_answer", "reason", "method",
                 "off_topic")


def held_json(seed: int, deferred: Sequence[tuple[bank.Candidate, Check | None]],
              spares: Sequence[bank.Candidate]) -> str:
    """``qgen_batches.held``: the round's seed, the candidates whose solves are in the batch (in the order they
    were sent, each with its first verdict when the batch holds its deeper solve) and the spares after them."""
    def item(c: bank.Candidate, first: Check | None) -> dict[str, Any]:
        return {"question_type": type_of(c.question),
                "question": c.question.model_dump(mode="json"), "provider": c.provider, "model": c.model,
                "key": c.key, "fallback_reason": c.fallback_reason,
                "first": None if first is None else {f: getattr(first, f) for f in _CHECK_FIELDS}}
    return json.dumps({"seed": seed, "deferred": len(deferred),
                       "items": [item(c, f) for c, f in deferred] + [item(c, None) for c in spares]})


def held_items(raw: str | dict[str, Any]) -> tuple[int, int, list[HeldItem]]:
    """The seed, how many items lead whose solves are in the batch, and the items of ``qgen_batches.held``
    (validated again, as any reply is)."""
    held = json.loads(raw) if isinstance(raw, str) else raw
    items = [HeldItem(validate_item(d["question"], d["question_type"]), d["provider"], d["model"], d["key"],
                      d.get("fallback_reason"), Check(**d["first"]) if d.get("first") else None)
             for d in held["items"]]
    return int(held["seed"]), int(held["deferred"]), items


@dataclass
class BatchSolves:
    """A ``verify.SolveRunner`` for one provider's Batch API (``provider``, a managed provider whose adapter has it).

    A call with an answer left under its ``call_key`` (from a batch that succeeded) takes it: a call record at
    the batch rate, latency the batch's age. Any other call for that provider (and one model), while
    ``capturing``, is kept in ``captured`` for the next batch and raises ``SolveDeferred``. The rest run online:
    calls for other providers, an answer that does not parse, any call when not capturing."""

    provider: ManagedProvider
    api: GeminiBatches
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    capturing: bool = True
    age_s: float = 0.0
    captured: list[ProviderCall] = field(default_factory=list)
    model: str | None = None
    name: str | None = None  # the batch the answers came from

    async def run(self, provider: ManagedProvider, call: ProviderCall,
                  parse: Callable[[ProviderReply, ProviderCall], T], spent: CallLog) -> T:
        if provider is self.provider:
            left = self.answers.get(call_key(call))
            model = call.model or provider.model
            if not left and self.capturing and self.model in (None, model):
                self.model = model
                self.captured.append(call)
                raise SolveDeferred(f"{provider.key} blind solve put into a batch")
            if left:
                got = left.pop(0)
                reply = None if isinstance(got, ProviderError) else got
                outcome = got.kind if isinstance(got, ProviderError) else "ok"
                try:
                    if reply is not None:
                        return parse(reply, call)
                except ProviderError as e:
                    outcome = e.kind
                finally:
                    self._record(spent.records, outcome, reply, spent)
                spent.notes.append(f"{provider.key} batch answer unusable ({outcome}); solving online")
        return await provider.run(call, parse, into=spent)

    def record_unused(self, records: list[CallRecord]) -> int:
        """Record the answers no call took (billed all the same) as ``unused``; how many there were."""
        left = [a for answers in self.answers.values() for a in answers]
        for got in left:
            self._record(records, "unused", None if isinstance(got, ProviderError) else got, None)
        self.answers.clear()
        return len(left)

    def _record(self, records: list[CallRecord], outcome: str, reply: ProviderReply | None,
                spent: CallLog | None) -> None:
        rec = batch_record(self.provider.key, self.provider, "verify", outcome, self.age_s, reply, self.name)
        records.append(rec)
        if spent is not None:
            spent.calls += 1
            spent.prompt_tokens += rec.prompt_tokens
            spent.completion_tokens += rec.completion_tokens
        observe_all(self.provider.observers, rec)


@dataclass
class Resumed:
    """A verify batch read by this claim: the items it held (``len(firsts)`` of them solved in it, leading, each
    with its first verdict when the batch held its deeper solve), the round's seed, and the runner that answers
    their solves (None: the batch gave nothing, solve them online)."""

    pool: list[bank.Candidate]
    firsts: list[Check | None]
    seed: int
    runner: BatchSolves | None


@dataclass
class Submitted:
    """A blind-solve batch the service accepted, to be recorded with the round that stores the rest of its wave."""

    name: str
    state: str
    runner: BatchSolves
    meta: str
    held: str
    pending: BatchPending

    async def record(self, conn: asyncpg.Connection, job: Job, worker_id: str) -> None:
        """Inside the round's store transaction, after its lease check: close the generate batch the items came
        from and record this one (idempotent: a retried transaction finds its own row)."""
        await conn.execute(q("batch_read_into_verify"), job.id, self.name)
        p = self.runner.api.provider
        if await conn.fetchval(q("verify_batch_insert"), self.name, job.id, worker_id, p.name,
                               self.runner.model or p.model, self.meta, self.state, self.held) is None:
            raise LeaseLost(f"job {job.id}")

    async def cancel(self) -> None:
        """Cancel it upstream (its round was not stored: nobody would read it); best effort."""
        with contextlib.suppress(ProviderError):
            await self.runner.api.cancel(self.name)


def _batch_provider(ctx: JobContext, name: str | None = None) -> tuple[ManagedProvider, GeminiBatches] | None:
    """The first provider with a Batch API it can use (recorded as ``name`` when given)."""
    for p in ctx.generator.providers.values():
        api = batch_api(p)
        if api is not None and not api.refusal and name in (None, api.provider.name):
            return p, api
    return None


async def capture(ctx: JobContext) -> BatchSolves | None:
    """A capturing runner for a batch-mode round's first wave, or None (online): a provider has a Batch API it
    can use, and the job has verify batches left (one per round, as for generation)."""
    found = _batch_provider(ctx) if ctx.job.mode == "batch" else None
    if found is None:
        return None
    spent = await ctx.db(lambda c: c.fetchval(q("batch_count"), ctx.job.id, "verify"))
    return BatchSolves(*found) if spent <= ctx.settings.topup_rounds else None


async def submit(ctx: JobContext, runner: BatchSolves, deferred: Sequence[tuple[bank.Candidate, Check]],
                 spares: Sequence[bank.Candidate], seed: int) -> Submitted | None:
    """Submit ``runner``'s captured solves as one batch holding the ``deferred`` items with their checks (a
    check with an answer is the verdict of first solves whose deeper solve is in the batch), then ``spares``:
    what the round's store records, or None when the service refused the batch (the caller then solves them
    online)."""
    job, api, calls = ctx.job, runner.api, runner.captured
    try:
        status = await api.submit(calls, display_name=f"qgen-job-{job.id}")
    except ProviderError as e:
        log.warning("job %s: blind-solve batch not accepted (%s); solving online", job.id, e)
        return None
    log.info("job %s: %s submitted (%s blind-solve requests for %s questions)", job.id, status.name, len(calls),
             len(deferred))
    s = ctx.settings
    pending = BatchPending(f"{api.provider.key} batch {status.name} {state_word(status.state)}: {len(calls)} "
                           f"blind-solve request(s) for {len(deferred)} question(s)",
                           poll_delay(0, s.batch_poll_s, s.batch_poll_max_s))
    meta = json.dumps([{"key": call_key(c), "max_tokens": c.max_tokens} for c in calls])
    firsts = [(c, k if k.verifier_answer is not None else None) for c, k in deferred]
    return Submitted(status.name, status.state, runner, meta, held_json(seed, firsts, spares), pending)


async def resume(ctx: JobContext) -> Resumed | None:
    """The job's open verify batch, read: None when it has none; raises ``BatchPending`` while it waits."""
    job, s = ctx.job, ctx.settings
    row = await ctx.db(lambda c: c.fetchrow(q("batch_open"), job.id, "verify"))
    if row is None:
        return None
    found = _batch_provider(ctx, str(row["provider"]))
    if found is None:
        return await _online(ctx, row, f"{row['provider']} is not configured now", None)
    provider, api = found
    meta: list[dict[str, Any]] = json.loads(row["calls"])
    got = await poll(ctx.db, api, row, s, job.request_id, f"{len(meta)} blind-solve request(s)")
    if isinstance(got, GaveUp):
        return await _online(ctx, row, got.detail, got.state)
    # what this batch's answers leave (a deeper solve, a re-ask) may go into another, while the job has one left
    spent = await ctx.db(lambda c: c.fetchval(q("batch_count"), job.id, "verify"))
    runner = BatchSolves(provider, api, answers_by_key(meta, got.replies), spent <= s.topup_rounds, float(row["age_s"]),
                         name=row["name"])
    return await _resumed(ctx, row, runner)


async def _online(ctx: JobContext, row: Any, why: str, state: str | None) -> Resumed:
    """A verify batch that gave nothing: noted (it closes with the round that stores its items), and its items
    solved online by this claim."""
    note = f"{why}: solving online"
    log.warning("job %s: batch %s %s", ctx.job.id, row["name"], note)
    await ctx.db(lambda c: c.execute(q("batch_note"), row["name"], note, state))
    await ctx.db(lambda c: c.execute(q("batch_request_state"), ctx.job.request_id))
    return await _resumed(ctx, row, None)


async def _resumed(ctx: JobContext, row: Any, runner: BatchSolves | None) -> Resumed:
    """The items ``row`` held, as this round's pool (the leading ones with their first verdicts)."""
    seed, first, items = held_items(row["held"])
    return Resumed(await _candidates(ctx, items), [it.first for it in items[:first]], seed, runner)


async def _candidates(ctx: JobContext, items: list[HeldItem]) -> list[bank.Candidate]:
    """The held items as the round's candidates again (embedded anew: a held row stores no vectors)."""
    if not items:
        return []
    job = ctx.job
    embeddings = list(await ctx.embedder.embed([it.question for it in items]))
    return [bank.Candidate(question=it.question, spec=job.spec, provider=it.provider, model=it.model,
                           fallback_reason=it.fallback_reason, embedding=emb, request_id=job.request_id,
                           job_id=job.id, key=it.key)
            for it, emb in zip(items, embeddings, strict=True)]
