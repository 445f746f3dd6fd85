"""`make demo`: embedded Postgres, migrations, a handful of sample requests, the worker until they finish,
then the resulting bank and what it refused, and why. Runs in simulate mode (the loopback simulators)
unless QGEN_SIMULATE=0 is set, in which case the configured RUNPOD_BASE_URL / GEMINI_API_KEY are used.

In simulate mode the simulators write as a real model does on a long run (DEMO_KNOBS): now and then a
reworded copy of an earlier question, the same problem with other numbers, a mis-keyed answer, or a
question on another subject. So the first run already shows what the product does about each: the
near-duplicate, the variant and the off-topic item refused, the wrong key disputed by the verifier."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("QGEN_SIMULATE", "1")  # the demo's choice, said out loud: simulate unless told not to

import asyncpg

from service import db, importer, logs
from service.embedding import Embedder
from service.errors import QgenError
from service.generation import Generator
from service.migrations import migrate
from service.providers.registry import build_simulated
from service.runtime import SIMULATED_BANNER, check_providers, worker_runtime
from service.settings import Settings
from service.sqlfiles import q
from service.worker import Worker

SAMPLES = [
    # subject, topic, subtopic, exam, difficulty, type, count, instructions
    ("Mathematics", "Limits and continuity", "L'Hopital's rule", "JEE Main", "medium", "mcq", 6, None),
    ("Maths", "Definite integrals", None, "JEE Advanced", "hard", "numeric", 4, "Prefer integrals with a neat closed form."),
    ("Physics", "Rotational motion", "Moment of inertia", "JEE Main", "medium", "mcq", 5, None),
    ("Chemistry", "Mole concept", "Limiting reagent", "NEET", "easy", "mcq", 5, None),
    ("Chemistry", "Chemical kinetics", None, "JEE Main", "medium", "numeric", 3, None),
    ("Biology", "Genetics and Evolution", None, "NEET", "medium", "mcq", 5, None),
    # what the web app would see for a bad row: kept, rejected, with the reason
    ("Physics", "", None, None, "impossible", "mcq", 0, None),
    # a subject outside the catalogue (qgen_subjects): rejected, naming the catalogue
    ("Astrology/Horoscopes", "Sun signs", None, None, "easy", "mcq", 3, None),
]

# How the simulators misbehave in the demo (per generated item; sim/simulators/knobs.py): a reworded copy of an
# earlier question, an earlier problem with other numbers, a wrong answer key, a question on another subject.
# wrong_key_first: each simulator mis-keys its first two on-topic items, so the first run shows a dispute
# whatever the draws; the teacher's import (teacher_files) shows a near-duplicate and a variant refused.
DEMO_KNOBS: dict[str, Any] = {"duplicate_rate": 0.2, "variant_rate": 0.15, "wrong_key_rate": 0.15, "off_topic_rate": 0.1,
                              "wrong_key_first": 2}  # fmt: skip

REASONS = {
    "exact_duplicate": "the same question as one in the bank",
    "near_duplicate": "a reworded copy of a question in the bank",
    "batch_duplicate": "a copy of another question of the same reply",
    "variant": "a question in the bank with other numbers only (QGEN_VARIANT_POLICY=reject)",
    "off_topic": "about another subject than the one asked for",
}


@contextlib.asynccontextmanager
async def demo_worker(settings: Settings, dsn: str) -> AsyncIterator[Worker]:
    """The configured providers' worker, or in simulate mode one whose simulators follow DEMO_KNOBS."""
    if not settings.simulate:
        async with worker_runtime(settings, dsn=dsn) as worker:
            yield worker
        return
    from simulators.knobs import Knobs
    from simulators.server import SimulatorServer

    print(f"simulators: {SIMULATED_BANNER.split(': ', 1)[1]}")
    print(f"simulator knobs for the demo: {DEMO_KNOBS}")
    async with (
        SimulatorServer("vllm", model=settings.runpod_model, knobs=Knobs(**DEMO_KNOBS)) as vllm,
        SimulatorServer("gemini", model=settings.gemini_model, knobs=Knobs(**DEMO_KNOBS)) as gemini,
    ):
        providers = build_simulated(settings, {"runpod": vllm.base_url, "gemini": gemini.base_url})
        try:
            await check_providers(providers)
            embedder = await Embedder.load(settings)
            yield Worker(settings, dsn=dsn, generator=Generator(settings, providers), embedder=embedder)
        finally:
            for p in providers.values():
                await p.aclose()


async def main() -> int:
    settings = Settings()
    logs.configure(settings.log_level, settings.secrets())
    dsn = db.resolve_dsn(settings)
    print(f"database: {'DATABASE_URL' if settings.database_url else f'embedded PostgreSQL in {settings.qgen_home}/pgdata'}")
    async with db.connection(settings, vector=False) as conn:
        applied = await migrate(conn)
        print(f"migrations applied: {len(applied)}")
    ids = []
    async with db.connection(settings) as conn:
        for subject, topic, subtopic, exam, difficulty, qtype, count, instr in SAMPLES:
            row = await conn.fetchrow(q("insert_request"), subject, topic, subtopic, exam, difficulty, qtype, count, instr, 0,
                                      "online")
            assert row is not None
            ids.append(row["id"])
            print(f"enqueued {row['id']} {subject}/{topic or '<empty>'} x{count}: {row['status']}"
                  + (f" ({row['error']})" if row["error"] else ""))
    started = time.monotonic()
    async with demo_worker(settings, dsn) as worker:
        worker.install_signal_handlers()
        await worker.run(drain=True)
        elapsed = time.monotonic() - started
        await show_run(settings, ids, elapsed)
        await teacher_import(settings, worker.embedder)
    await write_report(settings)
    return 0


async def show_run(settings: Settings, ids: list[object], elapsed: float) -> None:
    """The requests, the bank they filled, and what was refused or disputed, and why."""
    async with db.connection(settings) as conn:
        print(f"\nworker finished in {elapsed:.1f}s\n")
        print("requests:")
        for rid in ids:
            r = await conn.fetchrow(q("demo_request"), rid)
            assert r is not None
            print(f"  {str(rid)[:8]} {r['status']:<9} {r['produced']}/{r['count']} {r['subject']} / {r['topic'] or '<empty>'}"
                  + (f"\n           {r['error']}" if r["error"] else ""))
        print("\nbank (this demo's questions):")
        rows = await conn.fetch(q("demo_questions"), ids)
        for row in rows:
            text = " ".join(row["question_text"].split())
            fb = f" (fallback: {row['fallback_reason']})" if row["fallback_reason"] else ""
            print(f"  [{row['req_subject']} #{row['slot']} {row['question_type']} via {row['provider']}{fb}]")
            print(f"    {text[:160]}{'…' if len(text) > 160 else ''}")
        await show_refusals(conn, ids)
        totals = await conn.fetchrow(q("demo_totals"))
        assert totals is not None
        print(f"\n{len(rows)} questions from this run; {totals['questions']} in the bank; {totals['refused']} refused and "
              f"{totals['disputed']} disputed so far (qgen report has them all)")


def _short(text: str, n: int = 150) -> str:
    text = " ".join(text.split())
    return f"{text[:n]}…" if len(text) > n else text


async def show_refusals(conn: asyncpg.Connection, ids: list[object]) -> None:
    """What the bank refused for this run's requests and why (question_rejects), and what the answer-key
    gate disputed (question_disputes): one example of each reason, with the question it collided with."""
    print("\nrefused, and why (question_rejects):")
    seen: set[str] = set()
    for r in await conn.fetch(q("demo_refusals"), ids):
        if r["reason"] in seen:
            continue
        seen.add(r["reason"])
        why = REASONS.get(r["reason"], r["reason"])
        score = ""
        if r["similarity"] is not None:
            score = f", margin {r['similarity']:+.2f}" if r["reason"] == "off_topic" else f", cosine {r['similarity']:.2f}"
        print(f"  {r['reason']} x{r['n']}: {why}{score} ({r['subject']} / {r['topic']})")
        print(f"    refused: {_short(r['question_text'])}")
        if r["matched_text"]:
            print(f"    in bank: {_short(r['matched_text'])}")
    if not seen:
        print("  nothing")
    print("\ndisputed by the answer-key gate (held for review in question_disputes):")
    disputes = await conn.fetch(q("demo_disputes"), ids)
    for d in disputes[:3]:
        print(f"  {d['reason']} (verifier: {d['verifier_provider']}; {d['subject']} / {d['topic']})")
        print(f"    {_short(d['question_text'])}")
    if len(disputes) > 3:
        print(f"  … and {len(disputes) - 3} more")
    if not disputes:
        print("  nothing")


# A teacher's own questions, imported after the run: one the bank takes, then a reworded copy of it and the
# same problem with other numbers, which it refuses (service/importer.py runs the bank's own dedupe).
TEACHER_SHAPE = "complex.complex_modulus_quotient"


def teacher_files(directory: Path) -> tuple[Path, Path]:
    from simulators.content import shape_item

    original = {"subject": "Maths", "topic": "Complex Numbers and Quadratic Equations", "difficulty": "easy",
                "question_type": "mcq", **shape_item(TEACHER_SHAPE, seed=1)}  # fmt: skip
    reworded = {**original, "question_text": original["question_text"].replace("Find ", "Determine ", 1),
                "options": list(reversed(original["options"])),
                "correct_option_index": 3 - original["correct_option_index"]}  # fmt: skip
    other_numbers = {**original, **shape_item(TEACHER_SHAPE, seed=2)}
    directory.mkdir(parents=True, exist_ok=True)
    first, second = directory / "teacher-1.jsonl", directory / "teacher-2.jsonl"
    first.write_text(json.dumps(original) + "\n")
    second.write_text("".join(json.dumps(x) + "\n" for x in (reworded, other_numbers)))
    return first, second


async def teacher_import(settings: Settings, embedder: Embedder) -> None:
    started = datetime.now(UTC)
    print("\na teacher imports their own questions (qgen import), then a reworded copy and a copy with other numbers:")
    for path in teacher_files(settings.qgen_home / "demo"):
        report = await importer.import_file(path, settings, embedder)
        print(f"  {report.summary()}")
    async with db.connection(settings) as conn:
        for r in await conn.fetch(q("demo_import_refusals"), started):
            print(f"  {r['reason']}: {REASONS.get(r['reason'], r['reason'])}, cosine {r['similarity']:.2f}")
            print(f"    refused: {_short(r['question_text'])}")
            if r["matched_text"]:
                print(f"    in bank: {_short(r['matched_text'])}")


async def write_report(settings: Settings) -> None:
    """The demo's last step: `qgen report --out <QGEN_HOME>/report` (charts and one HTML page), with a bar."""
    from service import report, report_render
    from service.terminal import Output

    out_dir = settings.qgen_home / "report"
    async with db.connection(settings) as conn:
        r = await report.build(conn)
    done = [0]
    with Output().bar("writing the report", len(report_render.CHARTS) + 1) as advance:

        def step(_name: str) -> None:
            done[0] += 1
            advance(done[0])

        paths = report_render.write(r, out_dir, on_step=step)
    print(f"\nreport: {paths['html']} (charts: {', '.join(p.name for k, p in paths.items() if k != 'html')})")
    print("  the same tables in the terminal: .venv/bin/qgen report")


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except QgenError as e:
        print(f"demo: {e}", file=sys.stderr)
        sys.exit(1)
