"""Answer-key gate figures against the zero-latency simulators, all in one run.

Quality: the generators mis-key 10% of items (``wrong_key_rate``) and the verifier is right 95% of the
time (``solve_accuracy``); the simulators' answer registry (``simulators.content.truth_of``) says which
stored keys are wrong and which disputes were false. Cost: the end-to-end set-up (four subjects, two
routed to each provider, zero latency) run with the gate on and off, each on a fresh database, in the
same process with the same embedding model; the ratio of stored questions per second.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

import asyncpg
from bench_common import Cluster, Section
from bench_worker import _insert_requests, _sim_settings, _wait_terminal

from service import db
from service.runtime import worker_runtime
from simulators.content import truth_of
from simulators.knobs import Knobs
from simulators.server import SimulatorServer


def key_is_wrong(question_type: str, body: dict[str, Any]) -> bool | None:
    """Whether a key disagrees with the true answer its simulator recorded (None: unknown question)."""
    truth = truth_of(str(body.get("question_text", "")))
    if truth is None:
        return None
    if question_type == "mcq":
        return body["options"][int(body["correct_option_index"])] != truth.option
    if truth.value is None:
        return None
    return not math.isclose(float(body["answer"]), truth.value, rel_tol=1e-6, abs_tol=1e-9)


async def _insert_exam_requests(conn: asyncpg.Connection, total: int, tag: str) -> list[Any]:
    """``total`` questions as 30-question requests (the gate's top-up test case), subjects and types mixed."""
    rows = []
    for i, start in enumerate(range(0, total, EXACT_REQUEST_SIZE)):
        rows.append(await conn.fetchval(
            "insert into question_requests (subject, topic, exam, question_type, count)"
            " values ($1, $2, 'JEE Main', $3, $4) returning id",
            EXACT_SUBJECTS[i % len(EXACT_SUBJECTS)], f"{tag} topic {i}", "numeric" if i % 3 == 2 else "mcq",
            min(EXACT_REQUEST_SIZE, total - start),
        ))
    return rows


EXACT_REQUEST_SIZE = 30
EXACT_SUBJECTS = ("Mathematics", "Physics", "Chemistry", "Biology")


async def _run(cluster: Cluster, embedder: Any, *, questions: int, tag: str, gate: str,
               runpod: Knobs, gemini: Knobs, insert: Any = _insert_requests, **overrides: Any) -> dict[str, Any]:
    """One worker over ``questions`` questions; what it stored, disputed and spent, and how fast."""
    async with cluster.database(tag) as dsn, SimulatorServer("vllm", knobs=runpod) as vllm, \
            SimulatorServer("gemini", knobs=gemini) as gem:
        settings = _sim_settings(cluster, dsn, vllm, gem, verify=gate, **overrides)
        conn = await db.connect(dsn, settings)
        try:
            async with worker_runtime(settings, dsn=dsn, embedder=embedder) as worker:
                task = asyncio.create_task(worker.run())
                try:
                    await asyncio.sleep(0.5)
                    warm = await _insert_requests(conn, 20, f"{tag} warm-up")
                    await _wait_terminal(conn, warm, 300)
                    t0 = time.perf_counter()
                    ids = await insert(conn, questions, tag)
                    elapsed = await _wait_terminal(conn, ids, 1800) - t0
                finally:
                    worker.stop()
                    await asyncio.wait_for(task, 60)
            return await _collect(conn, ids, elapsed)
        finally:
            await conn.close()


async def _collect(conn: asyncpg.Connection, ids: list[Any], elapsed: float) -> dict[str, Any]:
    stored = await conn.fetch(
        "select question_type, body::text as body, verification from questions where request_id = any($1::uuid[])", ids
    )
    disputes = await conn.fetch(
        "select question_type, body::text as body, verifier_provider from question_disputes"
        " where request_id = any($1::uuid[])", ids,
    )
    tokens = await conn.fetchrow(
        "select sum(prompt_tokens + completion_tokens) as gen, sum(verify_prompt_tokens + verify_completion_tokens)"
        " as ver, sum(produced) as produced from question_requests where id = any($1::uuid[])", ids,
    )
    requests = await conn.fetch(
        "select status, produced, count, error from question_requests where id = any($1::uuid[])", ids
    )
    verify_calls = await conn.fetchval(
        "select count(*) from provider_calls where purpose = 'verify' and request_id = any($1::uuid[])", ids
    )
    return {"stored": stored, "disputes": disputes, "tokens": tokens, "elapsed": elapsed, "requests": requests,
            "verify_calls": verify_calls}


async def run(cluster: Cluster, embedder: Any, *, questions: int) -> Section:
    sec = Section("verification")
    quality = await _run(cluster, embedder, questions=questions, tag="verify_quality", gate="on",
                         runpod=Knobs(wrong_key_rate=0.1, seed=21),
                         gemini=Knobs(wrong_key_rate=0.1, solve_accuracy=0.95, seed=22))
    stored, disputes = quality["stored"], quality["disputes"]
    wrong_stored = [key_is_wrong(r["question_type"], json.loads(r["body"])) for r in stored]
    wrong_disputed = [key_is_wrong(r["question_type"], json.loads(r["body"])) for r in disputes]
    n_stored = len(stored)
    n_wrong = sum(1 for w in wrong_stored if w)
    false_disputes = sum(1 for w in wrong_disputed if w is False)
    # correct items the gate judged: stored with a correct key (verified or not disputed) + the false disputes
    correct_judged = sum(1 for w in wrong_stored if w is False) + false_disputes
    rate = n_wrong / n_stored if n_stored else float("nan")
    sec.add("verify_wrong_key_stored_rate", rate, target="<= 0.01", ok=rate <= 0.01,
            reference=f"{n_wrong} wrong of {n_stored} stored; 10% mis-keyed at the source",
            note=f"{len(disputes)} disputed and kept out; verifier 95% accurate; simulators' answer registry")
    fd = false_disputes / correct_judged if correct_judged else float("nan")
    sec.add("verify_false_dispute_rate", fd, target="<= 0.06", ok=fd <= 0.06,
            reference=f"{false_disputes} correct items disputed of {correct_judged} correct items judged")
    tok = quality["tokens"]
    gen_per_q = (tok["gen"] or 0) / max(1, tok["produced"] or 0)
    ver_per_q = (tok["ver"] or 0) / max(1, tok["produced"] or 0)
    overhead = ver_per_q / gen_per_q if gen_per_q else float("nan")
    sec.add("verify_token_overhead_ratio", overhead, target="<= 1.0", ok=overhead <= 1.0,
            reference=f"{ver_per_q:.0f} verification vs {gen_per_q:.0f} generation tokens per stored question")

    # the top-up case: every 30-question request ends exact with the same 10% wrong keys and 95% verifier
    exact_n = max(10, questions // 8) * EXACT_REQUEST_SIZE if questions < 400 else 50 * EXACT_REQUEST_SIZE
    exact = await _run(cluster, embedder, questions=exact_n, tag="verify_exact", gate="on",
                       runpod=Knobs(wrong_key_rate=0.1, solve_accuracy=0.95, seed=23),
                       gemini=Knobs(wrong_key_rate=0.1, solve_accuracy=0.95, seed=24), insert=_insert_exam_requests,
                       # each request its own dedupe scope: what runs out over 1500 questions of four subjects is
                       # the simulators' stock of distinct problems, which is not what this figure measures
                       dedup_scope="topic")
    reqs = exact["requests"]
    n_exact = sum(1 for r in reqs if r["status"] == "succeeded" and r["produced"] == r["count"])
    verified = [r for r in exact["stored"] if r["verification"] == "verified"]
    wrong_verified = sum(1 for r in verified if key_is_wrong(r["question_type"], json.loads(r["body"])))
    exact_ratio = n_exact / len(reqs)
    wrong_rate = wrong_verified / len(verified) if verified else float("nan")
    sec.add("verify_requests_exact_ratio", exact_ratio, target="== 1.0", ok=exact_ratio == 1.0,
            reference=f"{n_exact} of {len(reqs)} consecutive {EXACT_REQUEST_SIZE}-question requests ended exact",
            note=f"10% wrong keys, 95% verifier; {wrong_verified} wrong keys among {len(verified)} stored as verified "
                 f"({wrong_rate:.4f}); short: {[r['error'] for r in reqs if r['produced'] != r['count']][:2]}")
    sec.add("verify_wrong_key_verified_rate", wrong_rate, target="<= 0.01", ok=wrong_rate <= 0.01,
            reference=f"{wrong_verified} wrong of {len(verified)} stored as verified, same run as the line above")

    on = await _run(cluster, embedder, questions=questions, tag="verify_on", gate="on", runpod=Knobs(), gemini=Knobs())
    off = await _run(cluster, embedder, questions=questions, tag="verify_off", gate="off", runpod=Knobs(), gemini=Knobs())
    rate_on, rate_off = len(on["stored"]) / on["elapsed"], len(off["stored"]) / off["elapsed"]
    ratio = rate_on / rate_off
    sec.add("e2e_ratio_verify_on_vs_off", ratio, target=">= 0.85", ok=ratio >= 0.85,
            reference=f"gate off {rate_off:.1f} q/s = 1.0 (same run)",
            note=f"gate on {rate_on:.1f} q/s; {questions} questions each, zero-latency simulators, empty bank")

    # batched blind solves: the same workload with one question per verify call (QGEN_VERIFY_BATCH=1)
    single = await _run(cluster, embedder, questions=questions, tag="verify_single", gate="on",
                        runpod=Knobs(), gemini=Knobs(), verify_batch=1)
    per_q = on["verify_calls"] / max(1, len(on["stored"]))
    per_q_single = single["verify_calls"] / max(1, len(single["stored"]))
    calls_ratio = per_q / per_q_single if per_q_single else float("nan")
    sec.add("verify_calls_per_question", per_q, target="<= 0.5 x one per call", ok=calls_ratio <= 0.5,
            reference=f"{per_q_single:.2f} verify calls per stored question with one blind solve per call (same run)",
            note=f"{on['verify_calls']} calls for {len(on['stored'])} stored (QGEN_VERIFY_BATCH=8) vs "
                 f"{single['verify_calls']} for {len(single['stored'])}; ratio {calls_ratio:.3f}")
    sec.extra.update(verify_calls_batched=on["verify_calls"], verify_calls_single=single["verify_calls"],
                     verify_single_elapsed_s=single["elapsed"])
    sec.extra.update(verify_quality_stored=n_stored, verify_quality_disputes=len(disputes),
                     verify_on_elapsed_s=on["elapsed"], verify_off_elapsed_s=off["elapsed"])
    return sec
