"""[Dedupe] on real exam sets (AGIEval, ``tests/data/agieval``): several questions on one long passage are
all kept, reworded copies of each are refused as duplicates of their own original, and on the short sets
every refusal is one listed, with a teacher's judgement, in ``agieval_corpus.REFUSED`` (docs/dedupe.md),
and the pairs a teacher calls two questions (``agieval_corpus.KEPT_APART``: other formulas, other givens) are
both kept.

Real PostgreSQL (bank.store) and the real model. The unmarked test takes the first passages of the two
reading sets and the listed pairs of the short sets; the full sets are ``slow``.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import asyncpg
import pytest

from service import bank
from service.embedding import Embedder
from service.questions import RequestSpec
from service.settings import Settings
from tests import agieval_corpus, dedupe_corpus
from tests.agieval_corpus import Item

FAST_PASSAGES = {"sat-en": 4, "lsat-rc": 3}


@pytest.fixture(scope="session")
async def embedder() -> Any:
    return await dedupe_corpus.shared_embedder()


def _spec(corpus: str, form: str = "items") -> RequestSpec:
    """One scope per set and form; a printed MCQ is a numeric item."""
    qtype = "numeric" if corpus == "math" or form == "printed" else "mcq"
    return RequestSpec(subject=f"AGIEval {corpus} {form}", topic=corpus, difficulty="medium", question_type=qtype)


async def _candidates(embedder: Embedder, spec: RequestSpec, items: list[dict[str, Any]]) -> list[bank.Candidate]:
    questions = [dedupe_corpus.question(it) for it in items]
    embeddings = await dedupe_corpus.embed(embedder, questions)
    return [bank.Candidate(q, spec, "import", "import", None, e) for q, e in zip(questions, embeddings, strict=True)]


async def _check(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder, corpus: str, items: list[Item], form: str = "items"
) -> str:
    """Store ``items`` as one import (``form`` "printed": the options printed in the text); every refusal
    must be listed, the reading sets must keep 99.5% of their distinct questions and refuse 99% of the
    reworded copies as copies of their own original."""
    started = time.monotonic()
    shape = agieval_corpus.printed if form == "printed" else dict
    spec = _spec(corpus, form)
    cands = await _candidates(embedder, spec, [shape(it.item) for it in items])
    verdicts = await dedupe_corpus.store_batches(conn, cands, settings)
    index_of = {v.question_id: it.index for it, v in zip(items, verdicts, strict=True) if v.accepted}
    refused = {
        # a copy of an earlier batch's question is a near_duplicate, of its own batch's a batch_duplicate
        it.index: ("variant" if v.reason == "variant" else "duplicate", index_of.get(v.matched_question_id))
        for it, v in zip(items, verdicts, strict=True)
        if not v.accepted
    }
    listed = agieval_corpus.REFUSED.get(corpus, {})
    assert {i: r for i, r in refused.items() if (i, *r) not in listed} == {}, "refusals not in agieval_corpus.REFUSED"
    stored = {it.index for it in items}
    for pair in agieval_corpus.KEPT_APART.get(corpus, ()):
        assert not set(pair) <= stored or not set(pair) & set(refused), (corpus, pair, "two questions refused")
    kept = len(index_of)
    line = f"{corpus} ({form}): kept {kept}/{len(items)}, refused {dict(Counter(r for r, _ in refused.values()))}"
    if corpus in agieval_corpus.PASSAGE_SETS:
        distinct = [it for it in items if it.index not in agieval_corpus.TRUE_REPEATS.get(corpus, {})]
        assert kept >= 0.995 * len(distinct), line
        ids = {i: qid for qid, i in index_of.items()}
        copies = [(it.index, c) for it in items if it.index in ids and (c := agieval_corpus.reworded(it))]
        judged = await dedupe_corpus.judge(conn, await _candidates(embedder, spec, [shape(c) for _, c in copies]), settings)
        hits = sum(1 for (i, _), v in zip(copies, judged, strict=True)
                   if v.reason in ("near_duplicate", "exact_duplicate") and v.matched_question_id == ids[i])
        line += f"; reworded copies refused {hits}/{len(copies)}"
        assert copies and hits >= 0.99 * len(copies), (line, Counter(v.reason for v in judged))
    return line + f" ({time.monotonic() - started:.0f} s)"


def _first_passages(corpus: str, n: int) -> list[Item]:
    items = agieval_corpus.load(corpus)
    passages = sorted({it.passage for it in items if it.passage is not None})[:n]
    return [it for it in items if it.passage in passages]


def _listed_pairs(corpus: str) -> list[Item]:
    """The questions of every listed refusal, and of every pair another formula keeps apart."""
    items = agieval_corpus.load(corpus)
    wanted = {i for refusal in agieval_corpus.REFUSED[corpus] for i in (refusal[0], refusal[2])}
    wanted |= {i for pair in agieval_corpus.KEPT_APART.get(corpus, ()) for i in pair}
    return [it for it in items if it.index in wanted]


def test_true_repeats_are_the_same_question() -> None:
    for corpus, repeats in agieval_corpus.TRUE_REPEATS.items():
        items = agieval_corpus.load(corpus)
        for i, (j, _) in repeats.items():
            assert items[i].text == items[j].text and sorted(items[i].item["options"]) == sorted(items[j].item["options"])


async def test_agieval_subset(conn: asyncpg.Connection, settings: Settings, embedder: Embedder) -> None:
    lines = []
    for corpus, n in FAST_PASSAGES.items():
        lines.append(await _check(conn, settings, embedder, corpus, _first_passages(corpus, n)))
        lines.append(await _check(conn, settings, embedder, corpus, _first_passages(corpus, 2), "printed"))
    for corpus in ("sat-math", "math"):
        lines.append(await _check(conn, settings, embedder, corpus, _listed_pairs(corpus)))
    print("\n" + "\n".join(lines))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("corpus", "form"), [*((c, "items") for c in agieval_corpus.SETS), *((c, "printed") for c in agieval_corpus.PASSAGE_SETS)]
)
async def test_agieval_full_set(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder, corpus: str, form: str
) -> None:
    print("\n" + await _check(conn, settings, embedder, corpus, list(agieval_corpus.load(corpus)), form))
