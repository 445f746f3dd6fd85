"""Bank figures: dedupe check + insert latency against a large bank, and our embedding stage against
plain ``SentenceTransformer.encode`` of the same texts.

The bank is seeded with COPY (binary, pgvector's asyncpg codec) and random unit vectors, then the
HNSW index is built once, as an operator would after a bulk import. Random unit vectors in 384
dimensions are nearly orthogonal to each other and to real embeddings, so every probe walks the
graph to the end of its ef_search candidates and finds nothing to refuse: the probe costs what a
probe of a real bank costs, and every candidate takes the insert path (the common case).
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
from bench_common import EMBED_DIM, Cluster, Section, median, percentile

from service import db
from service.questions import Question, RequestSpec, validate_item
from service.settings import Settings

SUBJECTS = ("Physics", "Mathematics", "Chemistry", "Biology")
COPY_CHUNK = 10_000
BATCHES = 20


def spec_for(subject: str, topic: str, qtype: str = "mcq") -> RequestSpec:
    return RequestSpec(subject=subject, topic=topic, subtopic=None, exam="JEE Main", difficulty="medium",
                       question_type=qtype, instructions=None)


def make_questions(n: int, *, seed: int = 7, subject: str = "Physics", qtype: str = "mcq") -> list[Question]:
    """``n`` validated questions from the simulators' content source (the same text the worker sees)."""
    from simulators.content import question_item

    out = []
    for i in range(n):
        block = {"subject": subject, "topic": f"Topic {i % 17}", "question_type": qtype,
                 "difficulty": "medium"}
        out.append(validate_item(question_item(block, i, seed), qtype))
    return out


def unit_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal((n, EMBED_DIM), dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


async def seed_bank(dsn: str, n: int, *, seed: int = 1) -> float:
    """COPY ``n`` rows with random unit vectors into ``questions`` and build the HNSW index once;
    returns the seconds it took. Scope keys are spread over four subjects."""
    t0 = time.perf_counter()
    conn = await db.connect(dsn, Settings(database_url=dsn))
    try:
        await conn.execute("drop index if exists questions_embedding_hnsw")
        rng = np.random.default_rng(seed)
        cols = ("subject", "topic", "difficulty", "question_type", "question_text", "body", "text_hash",
                "scope_key", "embedding", "provider", "model")
        for start in range(0, n, COPY_CHUNK):
            vecs = unit_vectors(min(COPY_CHUNK, n - start), rng)
            records = []
            for j, v in enumerate(vecs):
                i = start + j
                subject = SUBJECTS[i % len(SUBJECTS)]
                text = f"Seeded bank question {i} about {subject.lower()} topic {i % 97}."
                records.append((subject, f"Topic {i % 97}", "medium", "mcq", text,
                                json.dumps({"question_text": text}), f"{i:064x}", f"subject:{subject.lower()}",
                                v, "seed", "seed"))
            await conn.copy_records_to_table("questions", records=records, columns=cols, timeout=600)
        # One build, in memory, with the parallel workers this machine allows.
        await conn.execute("set maintenance_work_mem = '1GB'")
        await conn.execute("set max_parallel_maintenance_workers = 1")
        await conn.execute(
            "create index questions_embedding_hnsw on questions using hnsw (embedding vector_cosine_ops)",
            timeout=1800,
        )
        await conn.execute("vacuum analyze questions", timeout=600)
    finally:
        await conn.close()
    return time.perf_counter() - t0


async def dedupe_latency(cluster: Cluster, embedder: Any, *, bank: int, samples: int) -> Section:
    """``bank.store`` of one question per call (its own transaction, commit included), ``samples`` times."""
    from service import bank as bank_mod

    sec = Section("dedupe")
    qs = make_questions(samples + 20, seed=11)
    embs = await embedder.embed(qs)
    batch_qs = make_questions(BATCHES * 10, seed=12)
    batch_embs = await embedder.embed(batch_qs)
    async with cluster.database("dedupe") as dsn:
        seed_s = await seed_bank(dsn, bank)
        settings = cluster.settings(dsn)
        conn = await db.connect(dsn, settings)
        lat: list[float] = []
        accepted = 0
        try:
            for i, (q, e) in enumerate(zip(qs, embs, strict=True)):
                cand = bank_mod.Candidate(question=q, spec=spec_for("Physics", f"Topic {i % 17}"),
                                          provider="bench", model="bench", fallback_reason=None, embedding=e)
                t = time.perf_counter()
                verdicts = await bank_mod.store(conn, [cand], settings=settings)
                dt = (time.perf_counter() - t) * 1000
                if i >= 20:  # warm-up: prepared statements, the index's upper layers in cache
                    lat.append(dt)
                accepted += sum(v.accepted for v in verdicts)
            # as the worker calls it: one job's 10 questions per store() call, one transaction
            per_q: list[float] = []
            for k in range(0, len(batch_qs), 10):
                cands = [bank_mod.Candidate(question=q, spec=spec_for("Physics", f"Batch {k}"), provider="bench",
                                            model="bench", fallback_reason=None, embedding=e)
                         for q, e in zip(batch_qs[k:k + 10], batch_embs[k:k + 10], strict=True)]
                t = time.perf_counter()
                await bank_mod.store(conn, cands, settings=settings)
                per_q.append((time.perf_counter() - t) * 1000 / len(cands))
            plan = await conn.fetch(
                "explain select id from questions order by embedding <=> $1::vector limit 64",
                embs[0],
            )
        finally:
            await conn.close()
    label = "100k" if bank == 100_000 else f"{bank // 1000}k"
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    note = f"{len(lat)} questions one per store() call; {accepted} accepted; bank seeded in {seed_s:.0f}s"
    if label != "100k":
        note += f"; QUICK RUN: bank of {bank} rows, not 100 000"
    sec.add(f"dedupe_ms_p50_{label}", p50, reference=f"bank of {bank} rows, HNSW ef_search "
            f"{settings.dedup_ef_search}", note=note)
    sec.add(f"dedupe_ms_p99_{label}", p99, reference=f"p50 {p50:.2f} ms", target="<= 10", ok=p99 <= 10)
    sec.add(f"dedupe_ms_per_question_batch10_{label}", median(per_q),
            reference="store() of one job's 10 questions in one call, divided by 10",
            note=f"median of {len(per_q)} batches")
    sec.add(f"dedupe_ms_per_question_batch10_p99_{label}", percentile(per_q, 99),
            reference="the worker's path: one job's 10 questions per store() call, per question",
            target="<= 10", ok=percentile(per_q, 99) <= 10, note=f"p99 of {len(per_q)} batches")
    sec.extra.update(dedupe_seed_seconds=seed_s, dedupe_uses_hnsw=any("hnsw" in r[0] for r in plan))
    return sec


async def embed_ratio(embedder: Any, *, texts: int, repeats: int) -> Section:
    """Embedder.embed(questions) vs model.encode(texts) on the same questions, same batch size."""
    from service.embedding import representation

    sec = Section("embedding stage")
    qs = make_questions(texts, seed=5)
    reps = [representation(q) for q in qs]
    model = embedder.model

    def plain() -> None:
        model.encode(reps, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                     show_progress_bar=False)

    await embedder.embed(qs[:64])  # warm-up
    plain()
    ours_rates, plain_rates, ratios, job_ratios = [], [], [], []
    for i in range(repeats):
        order = ["ours", "plain", "jobs"] if i % 2 == 0 else ["jobs", "plain", "ours"]
        got: dict[str, float] = {}
        for name in order:
            t = time.perf_counter()
            if name == "ours":
                await embedder.embed(qs)
            elif name == "jobs":
                for k in range(0, len(qs), 10):  # the worker embeds one job (<= 10 questions) per call
                    await embedder.embed(qs[k:k + 10])
            else:
                plain()
            got[name] = len(qs) / (time.perf_counter() - t)
        ours_rates.append(got["ours"])
        plain_rates.append(got["plain"])
        ratios.append(got["ours"] / got["plain"])
        job_ratios.append(got["jobs"] / got["plain"])
    r = median(ratios)
    sec.add("embed_ratio_vs_encode", r, reference=f"encode {median(plain_rates):.0f} texts/s = 1.0",
            target=">= 0.9", ok=r >= 0.9,
            note=f"{texts} questions in one call, batch 64; ratios " + ", ".join(f"{x:.2f}" for x in ratios))
    sec.add("embed_ratio_vs_encode_job_batches", median(job_ratios),
            reference="Embedder.embed on 10 questions per call (one job) vs one encode of all")
    sec.extra.update(embed_texts_per_s=median(ours_rates), encode_texts_per_s=median(plain_rates))
    return sec

