"""The answer-key gate of one round: a dry-run dedupe, then blind solves in waves, outside any transaction.

Only what the bank would store is verified (no verification is paid for a duplicate): the first ``need`` of
the dedupe-accepted candidates, then as many more as the gate refused, spares after them. What the gate did
not need stays a spare for the next round (service/pipeline.py).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import bank, batch_verify
from .managed import CallRecord
from .verify import Check

if TYPE_CHECKING:
    from .pipeline import JobContext

log = logging.getLogger(__name__)


@dataclass
class Judged:
    """What a round's gate decided: the candidates to store (disputed ones only under QGEN_STORE_DISPUTED), the
    dry run's refusals (a copy of a disputed item stays refused, never stored unverified in its place), the
    disputes with their reasons, the spares (accepted by the dry run, not yet verified), why a verifier could
    not check some (QGEN_VERIFY_UNAVAILABLE=wait) and, in Batch mode, the blind-solve batch the rest waits for."""

    keep: list[bank.Candidate]
    refused: list[bank.Verdict]
    disputes: list[tuple[bank.Candidate, str]]
    spares: list[bank.Candidate]
    down: str | None
    submitted: batch_verify.Submitted | None


async def run(
    ctx: JobContext, pool: list[bank.Candidate], need: int, seed: int, records: list[CallRecord],
    runner: batch_verify.BatchSolves | None = None, firsts: list[Check | None] | None = None,
) -> Judged:
    """The answer-key gate, outside any transaction or lock: verify only what the bank would store, in
    waves, until ``need`` passed or nothing is left to verify.

    Under QGEN_VERIFY_UNAVAILABLE=wait, the items a verifier that is down could not check go back to the
    spares, first, and no more waves are sent to it.

    Batch mode: the first wave's solves go through ``runner`` (service/batch_verify.py). When it captured
    some, they are submitted as a batch holding their items and the spares, no more waves are sent, and the
    batch is returned (``Judged.submitted``) for the round's store to record; if the service refused it, those
    items are verified online in the next wave. A resumed round's first wave is the pool's first
    ``len(firsts)`` items as they were sent, whatever the dry run says of them (the same calls, answered by the
    batch), those with a first verdict going straight to their deeper solve; one the dry run refused is
    refused, not stored.
    """
    s = ctx.settings
    wait = s.verify_unavailable == "wait"
    down: str | None = None
    held: list[bank.Candidate] = []
    preview = await ctx.db(lambda c: bank.store(c, pool, settings=s, dry_run=True))
    refused = [v for v in preview if bank.is_refusal(v)]
    accepted = {id(v.candidate) for v in preview if v.accepted}
    head = pool[:len(firsts or [])]
    waiting = [v.candidate for v in preview if v.accepted and all(v.candidate is not c for c in head)]
    keep: list[bank.Candidate] = []
    disputes: list[tuple[bank.Candidate, str]] = []
    submitted: batch_verify.Submitted | None = None
    while (head or waiting) and len(keep) < need and down is None and submitted is None:
        given: list[Check | None] | None = None
        if head:
            wave, head, given = head, [], firsts
        else:
            wave, waiting = waiting[: need - len(keep)], waiting[need - len(keep) :]
        checks = await ctx.verifier.check(
            wave, subject=ctx.job.spec.subject, seed=seed, records=records, runner=runner, firsts=given
        )
        later = [(cand, check) for cand, check in zip(wave, checks, strict=True) if check.deferred]
        if runner is not None and runner.record_unused(records):
            log.warning("job %s: answers of a blind-solve batch no call took (billed all the same)", ctx.job.id)
        if runner is not None and later:
            submitted = await batch_verify.submit(ctx, runner, later, waiting, seed)
            if submitted is None:  # refused: the next wave solves them online
                waiting = [*(c for c, _ in later), *waiting]
            else:
                waiting = []
        runner = None  # one wave per round goes through a batch; later waves are online
        seed += len(wave)
        for cand, check in zip(wave, checks, strict=True):
            if check.deferred or id(cand) not in accepted:  # the dry run refused it (a resumed round's first wave)
                continue
            if wait and check.unavailable:
                held.append(cand)
                down = down or check.reason or "no answer"
                continue
            cand = dataclasses.replace(
                cand,
                verification=check.verification,
                verifier_provider=check.verifier_provider,
                verifier_model=check.verifier_model,
                verifier_answer=check.verifier_answer,
                verification_method=None if check.unavailable else check.method,
            )
            if check.off_topic:  # the second stage of the on-topic check (docs/topic.md)
                refused.append(bank.Verdict(cand, False, None, "off_topic", None, None))
                continue
            if check.verification == "disputed":
                disputes.append((cand, check.reason or "disputed"))
                if not s.store_disputed:
                    continue
            keep.append(cand)
    if disputes:
        log.info("job %s: %s candidate(s) disputed by the answer-key gate", ctx.job.id, len(disputes))
    return Judged(keep, refused, disputes, [*held, *waiting], down, submitted)
