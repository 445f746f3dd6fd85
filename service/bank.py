"""The question bank: race-free duplicate check and insert, refusals recorded, the prompt's avoid list."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import asyncpg
import numpy as np

from . import dedupe
from . import facets as text
from .errors import ConfigError
from .questions import Question, RequestSpec, body_json
from .settings import Settings
from .sqlfiles import q

# Bank rows returned per candidate by the near-duplicate probe (the second check may refuse the first).
NEAR_MATCHES_PER_CANDIDATE = 5


@dataclass
class Candidate:
    """A validated, embedded question waiting for the bank; ``slot`` is None for imports."""

    question: Question
    spec: RequestSpec
    provider: str
    model: str
    fallback_reason: str | None
    embedding: np.ndarray
    request_id: uuid.UUID | None = None
    job_id: int | None = None
    slot: int | None = None
    key: str = ""  # the route key of the provider that wrote it ('runpod'); '' for imports
    # the answer-key gate's verdict (service/verify.py); imports and a gate that is off leave 'unverified'
    verification: str = "unverified"
    verifier_provider: str | None = None
    verifier_model: str | None = None
    verifier_answer: dict[str, Any] | None = None
    verification_method: str | None = None  # 'cross', 'self_consistency', 'cheap_checks'; None: not checked


@dataclass
class Verdict:
    """What happened to a candidate: stored (``question_id``), refused with a reason and the match, or set
    aside for bookkeeping (``BOOKKEEPING``)."""

    candidate: Candidate
    accepted: bool
    question_id: uuid.UUID | None
    reason: str | None
    matched_question_id: uuid.UUID | None
    similarity: float | None
    # a stored variant (QGEN_VARIANT_POLICY=allow): the original whose numbers it changes
    variant_of: uuid.UUID | None = None


# Why the bank turned a candidate away before any verification (a *refusal*, docs/glossary.md): the
# dedupe's reasons (``dedupe.decide``) and the on-topic check's (``topic.Screen``).
Refusal = Literal["exact_duplicate", "near_duplicate", "batch_duplicate", "variant", "off_topic"]
REFUSALS: tuple[str, ...] = get_args(Refusal)
# Verdicts that are neither a stored question nor a refusal: accepted beyond the free slots of a store
# (``surplus``), or accepted for a slot an earlier run of the job already stored (``slot_filled``).
BOOKKEEPING: frozenset[str] = frozenset({"surplus", "slot_filled"})


def is_refusal(v: Verdict) -> bool:
    """Was the candidate refused (not stored, and not for bookkeeping)?"""
    return not v.accepted and v.reason not in BOOKKEEPING


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s or "")).strip().lower()


def scope_key(spec: RequestSpec, scope: str) -> str:
    """Where duplicates are looked for: ``subject:physics``, ``topic:physics/optics`` or ``global``."""
    if scope == "global":
        return "global"
    if scope == "topic":
        return f"topic:{_norm(spec.subject)}/{_norm(spec.topic)}"
    if scope == "subject":
        return f"subject:{_norm(spec.subject)}"
    raise ConfigError(f"unknown dedupe scope {scope!r} (subject, topic or global)")


def vector_literal(v: np.ndarray) -> str:
    """pgvector's text form; float32 values printed with 9 significant digits round-trip exactly."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(v, dtype=np.float32).tolist()) + "]"


def text_hash(question: Question) -> str:
    """The exact-duplicate key stored in ``questions.text_hash``."""
    return text.text_hash(question.question_text, text.options_of(question))


async def exact_copies(
    conn: asyncpg.Connection, spec: RequestSpec, questions: Sequence[Question], held: Sequence[Question], *,
    settings: Settings,
) -> list[tuple[Refusal, uuid.UUID | None] | None]:
    """For each of ``questions``: ('exact_duplicate', the bank's copy) when its exact text (``text_hash``) is in
    the bank's scope, ('batch_duplicate', None) when it repeats one of ``held`` or an earlier one of
    ``questions``, else None. What ``store`` would refuse by hash alone, without an embedding."""
    hashes = [text_hash(x) for x in questions]
    rows = await conn.fetch(q("exact_in_scope"), scope_key(spec, settings.dedup_scope), sorted(set(hashes)))
    in_bank = {r["text_hash"]: r["id"] for r in rows}
    seen = {text_hash(x) for x in held}
    out: list[tuple[Refusal, uuid.UUID | None] | None] = []
    for h in hashes:
        out.append(("exact_duplicate", in_bank[h]) if h in in_bank else ("batch_duplicate", None) if h in seen else None)
        seen.add(h)
    return out


async def store(
    conn: asyncpg.Connection,
    candidates: list[Candidate],
    *,
    settings: Settings,
    slots: Sequence[int] | None = None,
    dry_run: bool = False,
) -> list[Verdict]:
    """Check ``candidates`` against the bank and each other, insert the new ones, record the refusals.

    ``dry_run``: only the verdicts (accepted ones without a ``question_id``), nothing written: what the
    answer-key gate asks before it pays for a verification (never for a duplicate).

    With ``slots``, the accepted candidates take those slots in order and any accepted beyond them
    are not stored (verdict reason ``surplus``, not a refusal): a top-up may ask for more than it needs.

    Runs in the caller's transaction (opening one if there is none; a savepoint otherwise). An advisory
    lock per scope key, held until commit, makes check + insert atomic across workers: a second
    writer in the same scope waits, then its check sees the first one's rows. Four round trips in all
    (one more for the exact search of scopes of at most 5 000 rows, one more for variants of an
    earlier candidate that QGEN_VARIANT_POLICY=allow keeps).
    """
    if not candidates:
        return []
    candidates = list(candidates)  # slots are assigned on copies; the caller's list is left alone
    scopes = [scope_key(c.spec, settings.dedup_scope) for c in candidates]
    hashes = [text_hash(c.question) for c in candidates]
    facets = [text.Facets.of(c.question.question_text, text.options_of(c.question)) for c in candidates]
    embeddings = np.vstack([np.asarray(c.embedding, dtype=np.float32).reshape(1, -1) for c in candidates])
    async with conn.transaction():
        row = await conn.fetchrow(q("lock_scopes"), sorted(set(scopes)), str(settings.dedup_ef_search))
        assert row is not None
        if row["isolation"] != "read committed":
            raise ConfigError(
                f"bank.store needs a READ COMMITTED transaction (got {row['isolation']}): "
                "otherwise it cannot see rows another worker committed while it waited for the lock"
            )
        matches = await _probe(conn, scopes, hashes, facets, embeddings, settings, set(row["small_scopes"]))
        decisions = dedupe.decide(
            facets,
            hashes,
            scopes,
            dedupe.similarity_matrix(embeddings),
            matches,
            settings.dedup_threshold,
            dedupe.VariantPolicy(settings.variant_policy == "allow", settings.variants_per_original),
        )
        keep = [i for i, d in enumerate(decisions) if d.accepted]
        surplus: set[int] = set()
        if slots is not None:
            surplus = set(keep[len(slots) :])
            keep = keep[: len(slots)]
            for i, slot in zip(keep, slots, strict=False):
                candidates[i] = dataclasses.replace(candidates[i], slot=slot)
        if dry_run:
            return _preview(candidates, decisions, surplus)
        # An allowed variant of an earlier candidate needs that original's id: originals go in first.
        ids: dict[tuple[str, str], uuid.UUID] = {}
        later = {i for i in keep if decisions[i].variant_of_index is not None}
        for wave in ([i for i in keep if i not in later], [i for i in keep if i in later]):
            ids |= await _insert(
                conn,
                [candidates[i] for i in wave],
                [scopes[i] for i in wave],
                [hashes[i] for i in wave],
                [facets[i].variant_key for i in wave],
                [_variant_of(decisions[i], ids, scopes, hashes) for i in wave],
            )
        verdicts: list[Verdict] = []
        for i, (c, d) in enumerate(zip(candidates, decisions, strict=True)):
            if i in surplus:
                verdicts.append(Verdict(c, False, None, "surplus", None, None))
            elif d.accepted:
                qid = ids.get((scopes[i], hashes[i]))
                if qid is None:  # its slot was already filled by an earlier run of the job
                    verdicts.append(Verdict(c, False, None, "slot_filled", None, None))
                else:
                    verdicts.append(Verdict(c, True, qid, None, None, None, _variant_of(d, ids, scopes, hashes)))
            else:
                matched = d.matched_question_id
                if d.matched_index is not None:
                    matched = ids.get((scopes[d.matched_index], hashes[d.matched_index]))
                verdicts.append(Verdict(c, False, None, d.reason, matched, d.similarity))
        await _record_refusals(conn, verdicts, scopes)
    return verdicts


def _preview(candidates: Sequence[Candidate], decisions: Sequence[Any], surplus: set[int]) -> list[Verdict]:
    """Verdicts of a dry run: accepted (no id yet), surplus, or refused with the match."""
    out: list[Verdict] = []
    for i, (c, d) in enumerate(zip(candidates, decisions, strict=True)):
        if i in surplus:
            out.append(Verdict(c, False, None, "surplus", None, None))
        elif d.accepted:
            out.append(Verdict(c, True, None, None, None, None))
        else:
            out.append(Verdict(c, False, None, d.reason, d.matched_question_id, d.similarity))
    return out


async def record_disputes(
    conn: asyncpg.Connection, disputes: Sequence[tuple[Candidate, str, uuid.UUID | None]]
) -> None:
    """Log disputed candidates for review: (candidate, reason, the stored copy's id or None)."""
    if not disputes:
        return
    await conn.execute(
        q("insert_disputes"),
        [c.request_id for c, _, _ in disputes],
        [c.job_id for c, _, _ in disputes],
        [c.spec.subject for c, _, _ in disputes],
        [c.spec.topic for c, _, _ in disputes],
        [c.spec.question_type for c, _, _ in disputes],
        [c.question.question_text for c, _, _ in disputes],
        [body_json(c.question) for c, _, _ in disputes],
        [c.provider for c, _, _ in disputes],
        [c.model for c, _, _ in disputes],
        [c.verifier_provider or "" for c, _, _ in disputes],
        [c.verifier_model or "" for c, _, _ in disputes],
        [json.dumps(c.verifier_answer or {}) for c, _, _ in disputes],
        [why for _, why, _ in disputes],
        [qid for _, _, qid in disputes],
        [c.verification_method for c, _, _ in disputes],
    )


async def _probe(
    conn: asyncpg.Connection,
    scopes: Sequence[str],
    hashes: Sequence[str],
    facets: Sequence[text.Facets],
    embeddings: np.ndarray,
    settings: Settings,
    small_scopes: set[str],
) -> list[list[dedupe.BankMatch]]:
    """The bank rows each candidate must be judged against: ``dedupe_check`` (hash, number-masked key,
    HNSW with pgvector's iterative scan where it has one), or exact search (``near_exact``) in
    ``small_scopes``, where an index scan may give up before it reaches the scope's few rows."""
    vectors = [vector_literal(e) for e in embeddings]
    rows = list(
        await conn.fetch(
            q("dedupe_check"),
            scopes,
            hashes,
            vectors,
            settings.dedup_ef_search,
            settings.dedup_threshold,
            NEAR_MATCHES_PER_CANDIDATE,
            [f.variant_key for f in facets],
            sorted(small_scopes),
        )
    )
    exact = [i for i, s in enumerate(scopes) if s in small_scopes]
    if exact:
        found = await conn.fetch(
            q("near_exact"),
            [scopes[i] for i in exact],
            [vectors[i] for i in exact],
            settings.dedup_threshold,
            NEAR_MATCHES_PER_CANDIDATE,
        )
        rows += [{**r, "ord": exact[r["ord"] - 1] + 1} for r in found]
    matches: list[dict[uuid.UUID, dedupe.BankMatch]] = [{} for _ in scopes]
    for r in rows:
        by_id = matches[r["ord"] - 1]
        if r["id"] in by_id and r["kind"] != "exact":
            continue  # the same row by another route (variant and near, HNSW and exact search)
        body = json.loads(r["body"]) if r["body"] else {}
        by_id[r["id"]] = dedupe.BankMatch(
            question_id=r["id"],
            similarity=float(r["similarity"]),
            facets=text.Facets.of(r["question_text"], text.options_of(body)),
            exact=r["kind"] == "exact",
            variant_of=r["variant_of"],
            root_variants=r["root_variants"],
        )
    return [list(m.values()) for m in matches]


def _variant_of(
    d: dedupe.Decision, ids: dict[tuple[str, str], uuid.UUID], scopes: Sequence[str], hashes: Sequence[str]
) -> uuid.UUID | None:
    """The original of an accepted variant: a bank row, or an earlier candidate of the batch (by its id)."""
    if not d.accepted:
        return None
    if d.variant_of_index is not None:
        return ids.get((scopes[d.variant_of_index], hashes[d.variant_of_index]))
    return d.variant_of_id


async def _insert(
    conn: asyncpg.Connection,
    cands: Sequence[Candidate],
    scopes: Sequence[str],
    hashes: Sequence[str],
    variant_keys: Sequence[str],
    variant_of: Sequence[uuid.UUID | None],
) -> dict[tuple[str, str], uuid.UUID]:
    if not cands:
        return {}
    rows = await conn.fetch(
        q("insert_questions"),
        [c.request_id for c in cands],
        [c.job_id for c in cands],
        [c.slot for c in cands],
        [c.spec.subject for c in cands],
        [c.spec.topic for c in cands],
        [c.spec.subtopic for c in cands],
        [c.spec.exam for c in cands],
        [c.spec.difficulty for c in cands],
        [c.spec.question_type for c in cands],
        [c.question.question_text for c in cands],
        [body_json(c.question) for c in cands],
        list(hashes),
        list(scopes),
        [vector_literal(c.embedding) for c in cands],
        [c.provider for c in cands],
        [c.model for c in cands],
        [c.fallback_reason for c in cands],
        list(variant_keys),
        list(variant_of),
        [c.verification for c in cands],
        [c.verifier_provider for c in cands],
        [c.verifier_model for c in cands],
        [json.dumps(c.verifier_answer) if c.verifier_answer is not None else None for c in cands],
        [c.verification_method for c in cands],
    )
    return {(r["scope_key"], r["text_hash"]): r["id"] for r in rows}


async def record_refusals(conn: asyncpg.Connection, verdicts: Sequence[Verdict], *, settings: Settings) -> None:
    """Record refusals judged elsewhere (the answer-key gate's dry run) as ``store`` records its own."""
    await _record_refusals(conn, verdicts, [scope_key(v.candidate.spec, settings.dedup_scope) for v in verdicts])


async def _record_refusals(
    conn: asyncpg.Connection, verdicts: Sequence[Verdict], scopes: Sequence[str]
) -> None:
    # question_rejects records refusals only: a bookkeeping verdict is no candidate's fate
    refusals = [(v, s) for v, s in zip(verdicts, scopes, strict=True) if is_refusal(v)]
    if not refusals:
        return
    await conn.execute(
        q("insert_rejects"),
        [v.candidate.request_id for v, _ in refusals],
        [v.candidate.job_id for v, _ in refusals],
        [s for _, s in refusals],
        [v.candidate.question.question_text for v, _ in refusals],
        [body_json(v.candidate.question) for v, _ in refusals],
        [v.matched_question_id for v, _ in refusals],
        [v.similarity for v, _ in refusals],
        [v.reason for v, _ in refusals],
        [v.candidate.provider for v, _ in refusals],
    )


async def avoid_list(
    conn: asyncpg.Connection, spec: RequestSpec, settings: Settings, limit: int = 30
) -> list[str]:
    """Recent questions in the spec's scope (its own topic first), summarised ask-first for the prompt."""
    rows = await conn.fetch(q("avoid_list"), scope_key(spec, settings.dedup_scope), spec.topic, limit)
    return [text.short_summary(r["question_text"]) for r in rows]
