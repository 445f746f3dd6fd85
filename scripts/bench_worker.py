"""Whole-worker figures: end-to-end questions per second against the embedding bound, first question
latency, and the peak memory of a ``qgen worker --drain`` process.

End to end: the real ``Worker`` (LISTEN, claim, generate against zero-latency simulators, validate,
embed, dedupe against a bank already holding ``bank`` questions, insert) in this process. The bound
is ``SentenceTransformer.encode`` of the stored questions' embedded texts, in the same process right
after the run: a worker can never store questions faster than it can embed them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from bench_bank import seed_bank
from bench_common import Cluster, Section, median, percentile

from service import db
from service.embedding import representation
from service.questions import validate_item
from service.runtime import worker_runtime
from service.settings import Settings
from simulators.server import SimulatorServer

ROOT = Path(__file__).resolve().parent.parent
FAKE_GEMINI_KEY = "bench-gemini-key-not-a-secret"
TERMINAL = ("succeeded", "partial", "failed", "rejected", "cancelled")
SUBJECTS = ("Physics", "Mathematics", "Chemistry", "Biology")  # two routed to RunPod, two to Gemini
REQUEST_SIZE = 50


def _sim_settings(cluster: Cluster, dsn: str, vllm: SimulatorServer, gem: SimulatorServer,
                  **overrides: Any) -> Settings:
    return cluster.settings(
        dsn, runpod_base_url=vllm.base_url, gemini_base_url=gem.base_url, gemini_api_key=FAKE_GEMINI_KEY,
        log_level="WARNING", **overrides,
    )


async def _insert_requests(conn: asyncpg.Connection, total: int, tag: str) -> list[Any]:
    rows = []
    async with conn.transaction():
        for i, start in enumerate(range(0, total, REQUEST_SIZE)):
            subject = SUBJECTS[i % len(SUBJECTS)]
            qtype = "numeric" if i % 3 == 2 else "mcq"
            rows.append(await conn.fetchval(
                "insert into question_requests (subject, topic, exam, question_type, count)"
                " values ($1, $2, 'JEE Main', $3, $4) returning id",
                subject, f"{tag} topic {i}", qtype, min(REQUEST_SIZE, total - start),
            ))
    return rows


async def _wait_terminal(conn: asyncpg.Connection, ids: list[Any], timeout: float) -> float:
    """Seconds on the monotonic clock when every request in ``ids`` reached a terminal status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = await conn.fetchval(
            "select count(*) from question_requests where id = any($1::uuid[]) and status <> all($2::text[])",
            ids, list(TERMINAL),
        )
        if left == 0:
            return time.perf_counter()
        await asyncio.sleep(0.02)
    raise TimeoutError(f"requests not finished after {timeout:.0f}s")


def _encode_rate(model: Any, texts: list[str]) -> float:
    t = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    return len(texts) / (time.perf_counter() - t)


async def _first_question(conn: asyncpg.Connection, i: int) -> float:
    """Milliseconds from a 10-question request's INSERT commit to its first row visible in ``questions``."""
    rid = await conn.fetchval(
        "insert into question_requests (subject, topic, exam, count) values ('Physics', $1, 'JEE Main', 10)"
        " returning id", f"First question probe {i}",
    )
    t0 = time.perf_counter()
    polls = 0
    while not await conn.fetchval("select exists (select 1 from questions where request_id = $1)", rid):
        polls += 1
        if polls % 50 == 0:  # a request that ended without a question will never show one: say why
            row = await conn.fetchrow("select status, error from question_requests where id = $1", rid)
            if row["status"] in TERMINAL:
                raise RuntimeError(f"probe {i} ended {row['status']} with no question: {row['error']}")
        if time.perf_counter() - t0 > 60:
            raise TimeoutError("no question after 60s")
        await asyncio.sleep(0.002)
    ms = (time.perf_counter() - t0) * 1000
    for _ in range(3000):  # let the job finish before the next probe, so probes never queue
        if await conn.fetchval("select status from question_requests where id = $1", rid) in TERMINAL:
            break
        await asyncio.sleep(0.01)
    return ms


async def end_to_end(cluster: Cluster, embedder: Any, *, questions: int, bank: int, first_samples: int) -> Section:
    sec = Section("end to end")
    async with cluster.database("e2e") as dsn, SimulatorServer("vllm") as vllm, SimulatorServer("gemini") as gem:
        seed_s = await seed_bank(dsn, bank, seed=3)
        settings = _sim_settings(cluster, dsn, vllm, gem)
        conn = await db.connect(dsn, settings)
        # Count the texts the worker embeds (refused duplicates and surplus items are embedded too).
        embedded = [0]
        real_embed_texts = embedder.embed_texts

        async def counting_embed_texts(texts: list[str]) -> Any:
            embedded[0] += len(texts)
            return await real_embed_texts(texts)

        embedder.embed_texts = counting_embed_texts
        try:
            async with worker_runtime(settings, dsn=dsn, embedder=embedder) as worker:
                task = asyncio.create_task(worker.run())
                try:
                    await asyncio.sleep(0.5)  # LISTEN up, first (empty) claim done
                    # warm-up: one small request through every stage (prepared statements, code paths)
                    warm = await _insert_requests(conn, 20, "warm-up")
                    await _wait_terminal(conn, warm, 300)
                    embedded[0] = 0
                    t0 = time.perf_counter()
                    ids = await _insert_requests(conn, questions, "e2e")
                    t1 = await _wait_terminal(conn, ids, 1800)
                    elapsed = t1 - t0
                    embedded_texts = embedded[0]
                finally:
                    worker.stop()
                    await asyncio.wait_for(task, 60)
            rows = await conn.fetch(
                "select q.body::text as body, q.question_type from questions q where q.request_id = any($1::uuid[])",
                ids,
            )
            statuses = await conn.fetch(
                "select status, count(*) as n from question_requests where id = any($1::uuid[]) group by 1", ids
            )
            reasons = {r["reason"]: r["n"] for r in await conn.fetch(
                "select reason, count(*) as n from question_rejects where request_id = any($1::uuid[])"
                " group by 1 order by 2 desc", ids,
            )}
            rejects = sum(reasons.values())
        finally:
            embedder.embed_texts = real_embed_texts
            await conn.close()
    firsts = await _first_questions(cluster, embedder, bank=bank, samples=first_samples)
    stored = len(rows)
    texts = [representation(validate_item(json.loads(r["body"]), r["question_type"])) for r in rows]
    rate = stored / elapsed
    why = ", ".join(f"{k} {v}" for k, v in reasons.items()) or "none"
    loop = asyncio.get_running_loop()
    bounds = [await loop.run_in_executor(None, _encode_rate, embedder.model, texts) for _ in range(2)]
    bound = median(bounds)
    ratio = rate / bound
    sec.add("e2e_questions_per_s", rate, reference=f"encode bound {bound:.1f} texts/s",
            note=f"{stored} stored of {questions} asked in {elapsed:.1f}s; bank {bank} rows (+{seed_s:.0f}s seed); "
                 f"{rejects} refused ({why}); requests " + ", ".join(f"{r['status']} {r['n']}" for r in statuses))
    sec.add("e2e_ratio_vs_embedding_bound", ratio, reference=f"SentenceTransformer.encode {bound:.1f} texts/s = 1.0",
            target=">= 0.8", ok=ratio >= 0.8, note="encode of the same stored texts, batch 64, same process")
    # Refused duplicates and surplus items were embedded too (and their slots generated and embedded again).
    sec.add("e2e_embedded_ratio_vs_embedding_bound", embedded_texts / elapsed / bound,
            reference=f"{embedded_texts} texts embedded for {stored} stored ({rejects} refused) / encode bound")
    sec.extra.update(e2e_refusals=reasons)
    p50 = percentile(firsts, 50)
    sec.add("first_question_ms_p50", p50, reference=f"p90 {percentile(firsts, 90):.0f} ms over {len(firsts)} requests",
            note="INSERT of a 10-question request -> its first row visible in questions (idle worker)")
    sec.extra.update(e2e_encode_bounds=bounds, e2e_elapsed_s=elapsed, e2e_stored=stored, first_question_ms=firsts,
                     e2e_sim_calls={"vllm": vllm.stats.calls, "gemini": gem.stats.calls})
    return sec


async def _first_questions(cluster: Cluster, embedder: Any, *, bank: int, samples: int) -> list[float]:
    """First-question latencies of an idle worker, on a database and simulators of their own.

    Not after the end-to-end run in its database: those 1 000 questions used up the simulated pod's Physics
    problems, so a probe's items could only be variants of stored ones, which the bank refuses
    (QGEN_VARIANT_POLICY=reject), and a probe request then ended without any question."""
    async with cluster.database("first") as dsn, SimulatorServer("vllm") as vllm, SimulatorServer("gemini") as gem:
        await seed_bank(dsn, bank, seed=4)
        settings = _sim_settings(cluster, dsn, vllm, gem)
        conn = await db.connect(dsn, settings)
        try:
            async with worker_runtime(settings, dsn=dsn, embedder=embedder) as worker:
                task = asyncio.create_task(worker.run())
                try:
                    await asyncio.sleep(0.5)  # LISTEN up, first (empty) claim done
                    await _first_question(conn, -1)  # warm-up: prepared statements, code paths
                    return [await _first_question(conn, i) for i in range(samples)]
                finally:
                    worker.stop()
                    await asyncio.wait_for(task, 60)
        finally:
            await conn.close()


# ---------------------------------------------------------------------------------- memory
def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def worker_memory(cluster: Cluster, *, questions: int) -> Section:
    """Peak RSS of ``qgen worker --drain`` (model loaded, jobs running) as a separate process."""
    sec = Section("memory")
    async with cluster.database("memory") as dsn, SimulatorServer("vllm") as vllm, SimulatorServer("gemini") as gem:
        conn = await asyncpg.connect(dsn)
        try:
            ids = await _insert_requests(conn, questions, "memory")
        finally:
            await conn.close()
        env = {
            **os.environ, "DATABASE_URL": dsn, "RUNPOD_BASE_URL": vllm.base_url, "GEMINI_BASE_URL": gem.base_url,
            "GEMINI_API_KEY": FAKE_GEMINI_KEY, "QGEN_LOG_LEVEL": "WARNING", "QGEN_HOME": str(cluster.workdir / "home"),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        }
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli", "worker", "--drain", env=env, cwd=str(ROOT),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        peak_kb = 0
        wait = asyncio.create_task(proc.wait())
        while not wait.done():
            peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid) or 0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(wait), 0.05)
        assert proc.stderr is not None
        err = (await proc.stderr.read()).decode(errors="replace")
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"qgen worker --drain exited {proc.returncode}: {err[-2000:]}")
        conn = await asyncpg.connect(dsn)
        try:
            stored = await conn.fetchval("select count(*) from questions where request_id = any($1::uuid[])", ids)
        finally:
            await conn.close()
    mb = peak_kb / 1024
    # Not ru_maxrss of the children: a child forked from this process (model loaded) is charged this
    # process's resident pages until it execs, so that figure says more about the bench than the worker.
    sec.add("worker_rss_mb", mb, reference="peak VmHWM of the worker process (model loaded, jobs running)",
            target="<= 1500", ok=mb <= 1500,
            note=f"`qgen worker --drain` polled every 50 ms; {stored} questions stored in {elapsed:.1f}s")
    return sec
