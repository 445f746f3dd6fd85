"""bank.store on a real Postgres with the real model: exact, near, batch and scoped duplicates, multi-part
questions kept, concurrent writers, the HNSW plan, the avoid list."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import asyncpg
import pytest

from service import bank, db
from service.embedding import Embedder
from service.questions import RequestSpec
from service.settings import Settings
from service.sqlfiles import q
from tests import dedupe_corpus as corpus

PHYS = RequestSpec(subject="Physics", topic="Kinematics", difficulty="medium", question_type="numeric")


@pytest.fixture(scope="session")
async def embedder() -> Any:
    return await corpus.shared_embedder()


async def candidates(
    embedder: Embedder, items: list[dict[str, Any]], spec: RequestSpec = PHYS
) -> list[bank.Candidate]:
    qs = [corpus.question(i) for i in items]
    emb = await embedder.embed(qs)
    return [bank.Candidate(qq, spec, "gemini", "gemini-2.5-flash", None, emb[k]) for k, qq in enumerate(qs)]


async def store(
    conn: asyncpg.Connection, cands: list[bank.Candidate], settings: Settings
) -> list[bank.Verdict]:
    async with conn.transaction():
        return await bank.store(conn, cands, settings=settings)


async def test_duplicates_rejected_with_reasons_recorded(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    originals = [a for items in corpus.SHORT.values() for a, _ in items]
    first = await store(conn, await candidates(embedder, originals), settings)
    assert all(v.accepted for v in first), [(v.reason, v.similarity) for v in first if not v.accepted]
    ids = {v.candidate.question.question_text: v.question_id for v in first}

    reworded = [b for items in corpus.SHORT.values() for _, b in items]
    reformatted = [corpus.reformat(a) for a in originals]
    shuffled = [corpus.shuffled(a) for a in originals if "options" in a]
    verdicts = await store(conn, await candidates(embedder, reworded + reformatted + shuffled), settings)
    assert not any(v.accepted for v in verdicts), [
        v.candidate.question.question_text for v in verdicts if v.accepted
    ]
    reasons = [v.reason for v in verdicts]
    assert set(reasons[: len(reworded)]) == {"near_duplicate"}
    assert set(reasons[len(reworded) :]) == {
        "exact_duplicate"
    }  # formatting and option order do not change the hash
    for v, orig in zip(verdicts[: len(reworded)], originals, strict=True):
        assert v.matched_question_id == ids[orig["question_text"]]
        assert v.similarity is not None and settings.dedup_threshold <= v.similarity < 1

    rows = await conn.fetch("select * from question_rejects order by id")
    assert len(rows) == len(verdicts)
    r = rows[0]
    assert (
        r["reason"] == "near_duplicate" and r["provider"] == "gemini" and r["scope_key"] == "subject:physics"
    )
    assert r["matched_question_id"] == ids[originals[0]["question_text"]] and r["similarity"] >= 0.8
    assert json.loads(r["body"])["question_text"] == reworded[0]["question_text"]
    assert await conn.fetchval("select count(*) from questions") == len(originals)


async def test_distinct_same_topic_questions_are_kept(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    items = [a for a, _ in corpus.SHORT["Kinematics"]] + [a for a, _ in corpus.SHORT["Chemical equilibrium"]]
    verdicts = await store(conn, await candidates(embedder, items), settings)
    assert all(v.accepted for v in verdicts), [(v.reason, v.similarity) for v in verdicts if not v.accepted]
    stored = await conn.fetch("select slot, text_hash, scope_key, provider, model, body from questions")
    assert len(stored) == len(items) and {r["scope_key"] for r in stored} == {"subject:physics"}


async def test_template_variants_are_refused_as_variants_above_and_below_the_threshold(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    # Only the numbers differ: a variant of the original (found by its number-masked key, so also
    # below the threshold), refused under the default QGEN_VARIANT_POLICY=reject.
    originals = [a for a, _ in corpus.TEMPLATE_VARIANTS]
    variants = [b for _, b in corpus.TEMPLATE_VARIANTS]
    first = await store(conn, await candidates(embedder, originals), settings)
    assert all(v.accepted for v in first)
    cands = await candidates(embedder, variants)
    sims = [float(c.embedding @ o.candidate.embedding) for c, o in zip(cands, first, strict=True)]
    above = [s >= settings.dedup_threshold for s in sims]
    assert True in above and False in above, sims  # the corpus has both, or this test proves nothing
    verdicts = await store(conn, cands, settings)
    for v, o, s in zip(verdicts, first, sims, strict=True):
        assert (v.reason, v.matched_question_id) == ("variant", o.question_id)
        assert v.similarity == pytest.approx(s, abs=1e-3)


async def test_multipart_shared_passage_questions_are_all_kept_and_copies_rejected(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    parts = corpus.multipart_numeric() + corpus.multipart_mcq()
    verdicts = await store(conn, await candidates(embedder, parts), settings)
    assert all(v.accepted for v in verdicts), [(v.reason, v.similarity) for v in verdicts if not v.accepted]
    # reworded copies, and copies whose passage was rewritten (no longer "the same passage")
    copies = (
        corpus.multipart_numeric_reworded()
        + corpus.multipart_mcq_reworded()
        + corpus.multipart_numeric_paraphrased()
    )
    verdicts = await store(conn, await candidates(embedder, copies), settings)
    assert [v.reason for v in verdicts] == ["near_duplicate"] * len(copies)
    # each copy matched its own part, not a sibling sharing the passage
    texts = dict(await conn.fetch("select id, question_text from questions"))
    for v, part in zip(verdicts, parts + corpus.multipart_numeric()[4:], strict=True):
        assert texts[v.matched_question_id] == part["question_text"]


async def test_batch_internal_duplicates(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    a, b = corpus.SHORT["Kinematics"][1]
    c = corpus.SHORT["Kinematics"][2][0]
    verdicts = await store(conn, await candidates(embedder, [a, b, c, corpus.reformat(a)]), settings)
    assert [v.accepted for v in verdicts] == [True, False, True, False]
    assert [v.reason for v in verdicts[1::2]] == ["batch_duplicate", "batch_duplicate"]
    assert verdicts[1].matched_question_id == verdicts[0].question_id is not None
    rej = await conn.fetch("select reason, matched_question_id from question_rejects")
    assert [(r["reason"], r["matched_question_id"]) for r in rej] == [
        ("batch_duplicate", verdicts[0].question_id)
    ] * 2


@pytest.mark.parametrize(
    ("scope", "stored"),
    [
        ("subject", 2),
        ("topic", 3),
        ("global", 1),
    ],  # of: original, copy in another topic, copy in another subject
)
async def test_scopes(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder, scope: str, stored: int
) -> None:
    s = settings.model_copy(update={"dedup_scope": scope})
    a, b = corpus.SHORT["Kinematics"][0]
    other_topic = dataclasses.replace(PHYS, topic="Motion in a straight line")
    other_subject = dataclasses.replace(PHYS, subject="  MATHEMATICS ", topic="Calculus")
    await store(conn, await candidates(embedder, [a]), s)
    await store(conn, await candidates(embedder, [b], other_topic), s)
    await store(conn, await candidates(embedder, [corpus.reformat(a)], other_subject), s)
    assert await conn.fetchval("select count(*) from questions") == stored
    assert bank.scope_key(other_subject, "subject") == "subject:mathematics"
    assert bank.scope_key(other_topic, "topic") == "topic:physics/motion in a straight line"


async def test_concurrent_writers_store_exactly_one(
    db_dsn: str, settings: Settings, embedder: Embedder
) -> None:
    pairs = [p for items in corpus.SHORT.values() for p in items][:5]
    conns = [await db.connect(db_dsn, settings) for _ in range(2)]
    try:
        for round_no, (a, b) in enumerate(pairs):
            spec = dataclasses.replace(PHYS, subject=f"Race {round_no}")
            ca, cb = await candidates(embedder, [a], spec), await candidates(embedder, [b], spec)
            started = asyncio.Barrier(2)

            async def write(
                conn: asyncpg.Connection, cands: list[bank.Candidate], started: asyncio.Barrier = started
            ) -> list[bank.Verdict]:
                async with conn.transaction():
                    await conn.execute("select 1")
                    await started.wait()  # both transactions are open before either checks
                    out = await bank.store(conn, cands, settings=settings)
                    await asyncio.sleep(0.05)  # hold the lock while the other one is waiting
                    return out

            va, vb = await asyncio.gather(write(conns[0], ca), write(conns[1], cb))
            assert sorted([va[0].accepted, vb[0].accepted]) == [False, True], round_no
            loser = va[0] if not va[0].accepted else vb[0]
            assert loser.reason == "near_duplicate"
        assert await conns[0].fetchval("select count(*) from questions") == len(pairs)
    finally:
        for c in conns:
            await c.close()


async def test_dedupe_probe_uses_the_hnsw_index(conn: asyncpg.Connection, settings: Settings) -> None:
    # Enough rows that the planner prefers the index to a scan-and-sort: pgvector 0.8 costs an HNSW scan
    # higher than 0.6 did, and at ef_search 64 it takes the index from about 3000 rows (2000 is a seq scan).
    await conn.execute(
        """
        insert into questions (subject, topic, difficulty, question_type, question_text, body, text_hash,
                               scope_key, embedding, provider, model)
        select 'Physics', 'Kinematics', 'easy', 'numeric', 'q' || g, '{}', md5(g::text),
               case when g % 4 = 0 then 'subject:chemistry' else 'subject:physics' end,
               (select array_agg(random())::vector(384) from generate_series(1, 384) where g > 0),
               'import', 'import'
          from generate_series(1, 4000) g
        """
    )
    await conn.execute("analyze questions")
    vecs = [await conn.fetchval("select embedding::text from questions where text_hash = md5('7')")] * 3
    async with conn.transaction():
        await conn.fetchrow(q("lock_scopes"), ["subject:physics"], str(settings.dedup_ef_search))
        plan = "\n".join(
            r[0]
            for r in await conn.fetch(
                "explain " + q("dedupe_check"),
                ["subject:physics"] * 3,
                ["h1", "h2", "h3"],
                vecs,
                settings.dedup_ef_search,
                settings.dedup_threshold,
                5,
                ["v1", "v2", "v3"],
                [],
            )
        )
        assert "Index Scan using questions_embedding_hnsw" in plan, plan
        assert "Seq Scan on questions" not in plan, plan
        rows = await conn.fetch(
            q("dedupe_check"),
            ["subject:physics"] * 3,
            ["h1", "h2", "h3"],
            vecs,
            settings.dedup_ef_search,
            settings.dedup_threshold,
            5,
            ["v1", "v2", "v3"],
            [],
        )
    near = [r for r in rows if r["kind"] == "near"]
    assert {r["ord"] for r in near} == {1, 2, 3} and len(near) <= 15
    assert sum(1 for r in near if r["question_text"] == "q7" and r["similarity"] > 0.9999) == 3
    assert all(r["similarity"] >= settings.dedup_threshold for r in rows)


async def test_avoid_list_prefers_the_topic_and_leads_with_the_ask(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    await store(conn, await candidates(embedder, corpus.multipart_numeric()[:2]), settings)
    other = dataclasses.replace(PHYS, topic="Optics")
    await store(conn, await candidates(embedder, [corpus.SHORT["Kinematics"][0][0]], other), settings)
    avoid = await bank.avoid_list(conn, PHYS, settings, limit=2)
    assert len(avoid) == 2
    assert {a.split(" [on:")[0] for a in avoid} == {
        "What is the value of \\lambda^2?",
        "What is the value of D?",
    }
    assert await bank.avoid_list(conn, dataclasses.replace(PHYS, subject="Biology"), settings) == []


async def test_a_slot_filled_by_an_earlier_run_is_bookkeeping_not_a_refusal(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    """A candidate for a slot an earlier run of the job stored gets verdict ``slot_filled``: not stored, not
    recorded in question_rejects, not counted among the request's refusals."""
    from service import status
    from tests.helpers import insert_request

    req = await insert_request(conn, subject="Physics", topic="Kinematics", count=1)
    first, second = [dataclasses.replace(c, request_id=req["id"]) for c in await candidates(embedder, [
        corpus.SHORT["Kinematics"][0][0], corpus.SHORT["Kinematics"][1][0]])]
    async with conn.transaction():
        stored = await bank.store(conn, [first], settings=settings, slots=[0])
    assert stored[0].accepted
    async with conn.transaction():  # the job runs again (its commit's answer was lost) and meets its own row
        again = await bank.store(conn, [second], settings=settings, slots=[0])
    assert [(v.accepted, v.reason) for v in again] == [(False, "slot_filled")] and not bank.is_refusal(again[0])
    assert await conn.fetchval("select count(*) from question_rejects") == 0
    assert (await status.summary(conn, req["id"]))["refused"]["total"] == 0


async def test_exact_copies_are_found_by_their_hash_before_any_embedding(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder
) -> None:
    """What the worker refuses before embedding: a copy of a bank row in scope (reformatted: the same hash), a
    copy of a held spare or of an earlier question of the round; a new question, or a copy in another scope,
    goes on to the embedding and the store."""
    a = corpus.SHORT["Kinematics"][0][0]
    b = corpus.SHORT["Kinematics"][1][0]
    c = corpus.SHORT["Kinematics"][2][0]
    first = await store(conn, await candidates(embedder, [a]), settings)
    qs = [corpus.question(x) for x in (corpus.reformat(a), b, corpus.reformat(b), c)]
    got = await bank.exact_copies(conn, PHYS, qs, [corpus.question(c)], settings=settings)
    assert got == [("exact_duplicate", first[0].question_id), None, ("batch_duplicate", None), ("batch_duplicate", None)]
    other = dataclasses.replace(PHYS, subject="Chemistry")
    assert await bank.exact_copies(conn, other, qs[:1], [], settings=settings) == [None]
    # the store, given the same questions embedded, refuses the same ones for the same reasons
    verdicts = await store(conn, await candidates(embedder, [corpus.reformat(a), b, corpus.reformat(b)]), settings)
    assert [v.reason for v in verdicts] == ["exact_duplicate", None, "batch_duplicate"]
