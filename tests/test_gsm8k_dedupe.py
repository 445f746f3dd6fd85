"""[Dedupe] on real questions: GSM8K's distinct problems imported into one scope are all kept; copies made by
rule (reworded, reordered, reformatted, options shuffled) are refused as duplicates of their own original;
number-changed copies are variants of it, refused by default or kept up to N per original.

Real PostgreSQL (bank.store, the HNSW probe) and the real model. The unmarked tests use a fixed subset
(every sixth problem plus the pairs that embed at or above 0.80); the full corpus is ``slow``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import asyncpg
import numpy as np
import pytest

from service import bank
from service.embedding import Embedder
from service.facets import text_hash, variant_key
from service.questions import RequestSpec
from service.settings import Settings
from tests import dedupe_corpus, gsm8k_corpus
from tests.gsm8k_corpus import Problem

SPEC = RequestSpec(subject="Mathematics", topic="GSM8K", difficulty="easy", question_type="numeric")
MCQ_SPEC = RequestSpec(subject="Mathematics MCQ", topic="GSM8K", difficulty="easy", question_type="mcq")
SUBSET = sorted({i for pair in gsm8k_corpus.CLOSE_PAIRS for i in pair} | set(range(0, 1319, 8)))
ALLOWED = 60  # problems of SUBSET the allow-policy test stores (one more for its batch case)
COPIES = ("reworded", "reordered", "reformatted", "shuffled")


@pytest.fixture(scope="session")
async def embedder() -> Any:
    return await dedupe_corpus.shared_embedder()


@dataclass
class Corpus:
    """Problems, the items of each kind (problem index, item) and their embeddings, embedded once."""

    problems: dict[int, Problem]
    items: dict[str, list[tuple[int, dict[str, Any]]]]
    embeddings: dict[str, np.ndarray]
    texts: int
    embed_s: float

    def candidates(self, kind: str, spec: RequestSpec = SPEC) -> list[bank.Candidate]:
        return [
            bank.Candidate(dedupe_corpus.question(item), spec, "import", "import", None, self.embeddings[kind][k])
            for k, (_, item) in enumerate(self.items[kind])
        ]

    def index(self, kind: str) -> list[int]:
        return [i for i, _ in self.items[kind]]


async def _corpus(
    embedder: Embedder, problems: list[Problem], kinds: tuple[str, ...], first: dict[str, int] | None = None
) -> Corpus:
    """Items and embeddings of each kind, for the problems (only the first ``first[kind]`` of them)."""
    g = gsm8k_corpus
    make = {
        "original": lambda p: g.numeric_item(p),
        "reworded": lambda p: (t := g.reworded(p)) and g.numeric_item(p, t),
        "reordered": lambda p: (t := g.reordered(p)) and g.numeric_item(p, t),
        "reformatted": lambda p: g.numeric_item(p, g.reformatted(p)),
        "numbers": lambda p: (t := g.number_changed(p)) and g.numeric_item(p, t),
        "numbers2": lambda p: (t := g.number_changed(p, 2)) and g.numeric_item(p, t),
        "mcq": g.as_mcq,
        "shuffled": lambda p: g.shuffled(g.as_mcq(p)),
    }
    first = first or {}
    items = {kind: [(p.index, it) for p in problems[: first.get(kind)] if (it := make[kind](p))] for kind in kinds}
    started = time.monotonic()
    embeddings = {
        kind: await dedupe_corpus.embed(embedder, [dedupe_corpus.question(it) for _, it in rows]) for kind, rows in items.items()
    }
    texts = sum(len(rows) for rows in items.values())
    return Corpus({p.index: p for p in problems}, items, embeddings, texts, time.monotonic() - started)


_store = dedupe_corpus.store_batches
_judge = dedupe_corpus.judge


@dataclass
class Figures:
    kept: int
    originals: int
    mcq_kept: int  # of the same problems as MCQs, in their own scope
    # copy kind -> (refused as a duplicate of its own original, copies whose original the bank kept)
    refused: dict[str, tuple[int, int]]
    variants: tuple[int, int]  # (labelled a variant of its own original, number-changed copies)
    reasons: dict[str, Counter[str]]

    def line(self) -> str:
        parts = [f"kept {self.kept}/{self.originals} (as MCQs {self.mcq_kept})"]
        parts += [f"{kind} refused {r}/{n}" for kind, (r, n) in self.refused.items()]
        parts.append(f"variants {self.variants[0]}/{self.variants[1]}")
        return "; ".join(parts)


async def _measure(conn: asyncpg.Connection, c: Corpus, settings: Settings) -> Figures:
    stored = await _store(conn, c.candidates("original"), settings)
    ids = {i: v.question_id for i, v in zip(c.index("original"), stored, strict=True) if v.accepted}
    mcq = await _store(conn, c.candidates("mcq", MCQ_SPEC), settings)
    mcq_ids = {i: v.question_id for i, v in zip(c.index("mcq"), mcq, strict=True) if v.accepted}
    refused, reasons = {}, {}
    for kind in (*COPIES, "numbers"):
        own, spec = (mcq_ids, MCQ_SPEC) if kind == "shuffled" else (ids, SPEC)
        pairs = [(i, cand) for i, cand in zip(c.index(kind), c.candidates(kind, spec), strict=True) if i in own]
        verdicts = await _judge(conn, [cand for _, cand in pairs], settings)
        wanted = ("variant",) if kind == "numbers" else ("near_duplicate", "exact_duplicate")
        hits = sum(1 for (i, _), v in zip(pairs, verdicts, strict=True) if v.reason in wanted and v.matched_question_id == own[i])
        refused[kind] = (hits, len(verdicts))
        reasons[kind] = Counter(v.reason or "accepted" for v in verdicts)
    variants = refused.pop("numbers")
    return Figures(len(ids), len(stored), len(mcq_ids), refused, variants, reasons)


def test_gsm8k_holds_no_true_repeats() -> None:
    # a true repeat would share the normalised text or the number-masked key with another problem
    problems = [p for p in gsm8k_corpus.load() if p.index not in gsm8k_corpus.TRUE_REPEATS]
    assert len(problems) == 1319
    for key in (text_hash, variant_key):
        first: dict[str, int] = {}
        repeats = [(first[k], p.index) for p in problems if (k := key(p.question)) in first or first.setdefault(k, p.index) < 0]
        assert repeats == [], key.__name__


@pytest.fixture(scope="module")
async def subset(embedder: Embedder) -> Corpus:
    problems = [p for p in gsm8k_corpus.load() if p.index in SUBSET]
    return await _corpus(embedder, problems, ("original", *COPIES, "numbers", "numbers2", "mcq"), {"numbers2": ALLOWED + 1})


async def test_gsm8k_subset_kept_copies_refused_variants_labelled(
    conn: asyncpg.Connection, settings: Settings, subset: Corpus
) -> None:
    started = time.monotonic()
    f = await _measure(conn, subset, settings)
    bank_s = time.monotonic() - started
    print(f"\nGSM8K subset: {f.line()} ({subset.texts} texts embedded in {subset.embed_s:.1f} s, bank {bank_s:.1f} s)")
    assert f.kept == f.mcq_kept == f.originals == len(SUBSET)  # the pairs at or above 0.80 included
    for kind, (hits, n) in f.refused.items():
        assert n > 0 and hits >= 0.99 * n, (kind, f.reasons[kind])
    assert f.variants[1] > 0 and f.variants[0] >= 0.95 * f.variants[1], f.reasons["numbers"]


async def test_gsm8k_variants_kept_up_to_n_per_original_when_allowed(
    conn: asyncpg.Connection, settings: Settings, subset: Corpus
) -> None:
    allow = settings.model_copy(update={"variant_policy": "allow", "variants_per_original": 1})
    first = ALLOWED
    originals = await _store(conn, subset.candidates("original")[:first], allow)
    ids = {i: v.question_id for i, v in zip(subset.index("original")[:first], originals, strict=True)}
    ones = [c for i, c in zip(subset.index("numbers"), subset.candidates("numbers"), strict=True) if i in ids]
    twos = [c for i, c in zip(subset.index("numbers2"), subset.candidates("numbers2"), strict=True) if i in ids]
    # one variant per original is stored with its original; a second one is refused, as a variant of it
    kept = await _store(conn, ones, allow)
    assert all(v.accepted for v in kept), Counter(v.reason for v in kept)
    rows = dict(await conn.fetch("select id, variant_of from questions where variant_of is not null"))
    assert {v.question_id: v.variant_of for v in kept} == rows
    assert [rows[v.question_id] for v in kept] == [ids[i] for i in subset.index("numbers") if i in ids]
    refused = await _store(conn, twos, allow)
    assert [(v.reason, v.matched_question_id) for v in refused] == [
        ("variant", ids[i]) for i in subset.index("numbers2") if i in ids
    ]
    logged = await conn.fetch("select reason, matched_question_id from question_rejects")
    assert Counter(r["reason"] for r in logged) == {"variant": len(twos)}
    # inside one batch: an original and two variants of it, with room for one
    p = subset.index("original")[first]
    batch = [subset.candidates(kind)[subset.index(kind).index(p)] for kind in ("original", "numbers", "numbers2")]
    v = await _store(conn, batch, allow)
    assert [(x.accepted, x.reason) for x in v] == [(True, None), (True, None), (False, "variant")]
    assert v[1].variant_of == v[0].question_id == v[2].matched_question_id


@pytest.mark.slow
async def test_gsm8k_full_corpus(conn: asyncpg.Connection, settings: Settings, embedder: Embedder) -> None:
    problems = [p for p in gsm8k_corpus.load() if p.index not in gsm8k_corpus.TRUE_REPEATS]
    c = await _corpus(embedder, problems, ("original", *COPIES, "numbers", "mcq"))
    started = time.monotonic()
    f = await _measure(conn, c, settings)
    bank_s = time.monotonic() - started
    print(f"\nGSM8K: {f.line()} ({c.texts} texts embedded in {c.embed_s:.1f} s, bank {bank_s:.1f} s)")
    assert f.kept >= 0.999 * f.originals and f.mcq_kept >= 0.999 * f.originals
    for kind, (hits, n) in f.refused.items():
        assert n > 0 and hits >= 0.99 * n, (kind, f.reasons[kind])
    assert f.variants[0] >= 0.95 * f.variants[1], f.reasons["numbers"]
