"""`make demo`: embedded Postgres, migrations, a handful of sample requests, the worker until they finish,
then the resulting bank. Runs in simulate mode (the loopback simulators) unless QGEN_SIMULATE=0 is set,
in which case the configured RUNPOD_BASE_URL / GEMINI_API_KEY are used."""

from __future__ import annotations

import asyncio
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("QGEN_SIMULATE", "1")  # the demo's choice, said out loud: simulate unless told not to

from service import db, logs
from service.errors import QgenError
from service.migrations import migrate
from service.runtime import worker_runtime
from service.settings import Settings
from service.sqlfiles import q

SAMPLES = [
    # subject, topic, subtopic, exam, difficulty, type, count, instructions
    ("Mathematics", "Limits and continuity", "L'Hopital's rule", "JEE Main", "medium", "mcq", 6, None),
    ("Maths", "Definite integrals", None, "JEE Advanced", "hard", "numeric", 4, "Prefer integrals with a neat closed form."),
    ("Physics", "Rotational motion", "Moment of inertia", "JEE Main", "medium", "mcq", 5, None),
    ("Chemistry", "Mole concept", "Limiting reagent", "NEET", "easy", "mcq", 5, None),
    ("Chemistry", "Chemical kinetics", None, "JEE Main", "medium", "numeric", 3, None),
    # what the web app would see for a bad row: kept, rejected, with the reason
    ("Physics", "", None, None, "impossible", "mcq", 0, None),
]


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
            row = await conn.fetchrow(q("insert_request"), subject, topic, subtopic, exam, difficulty, qtype, count, instr, 0)
            assert row is not None
            ids.append(row["id"])
            print(f"enqueued {row['id']} {subject}/{topic or '<empty>'} x{count}: {row['status']}"
                  + (f" ({row['error']})" if row["error"] else ""))
    started = time.monotonic()
    async with worker_runtime(settings, dsn=dsn) as worker:
        worker.install_signal_handlers()
        await worker.run(drain=True)
    elapsed = time.monotonic() - started
    async with db.connection(settings) as conn:
        print(f"\nworker finished in {elapsed:.1f}s\n")
        print("requests:")
        for rid in ids:
            r = await conn.fetchrow("select * from question_requests where id = $1", rid)
            assert r is not None
            print(f"  {str(rid)[:8]} {r['status']:<9} {r['produced']}/{r['count']} {r['subject']} / {r['topic'] or '<empty>'}"
                  + (f"\n           {r['error']}" if r["error"] else ""))
        print("\nbank (this demo's questions):")
        rows = await conn.fetch(
            """select r.subject as req_subject, q.slot, q.question_type, q.provider, q.fallback_reason, q.question_text, q.body
                 from questions q join question_requests r on r.id = q.request_id
                where q.request_id = any($1::uuid[]) order by r.created_at, q.slot""",
            ids,
        )
        for row in rows:
            text = " ".join(row["question_text"].split())
            fb = f" (fallback: {row['fallback_reason']})" if row["fallback_reason"] else ""
            print(f"  [{row['req_subject']} #{row['slot']} {row['question_type']} via {row['provider']}{fb}]")
            print(f"    {text[:160]}{'…' if len(text) > 160 else ''}")
        total = await conn.fetchval("select count(*) from questions")
        rejects = await conn.fetchval("select count(*) from question_rejects")
        print(f"\n{len(rows)} questions from this run; {total} in the bank; {rejects} near-duplicates refused so far")
    await write_report(settings)
    return 0


async def write_report(settings: Settings) -> None:
    """The demo's last step: `qgen report --out <QGEN_HOME>/report` (charts and one HTML page), with a bar."""
    from service import report
    from service.terminal import Output

    out_dir = settings.qgen_home / "report"
    async with db.connection(settings) as conn:
        r = await report.build(conn)
    done = [0]
    with Output().bar("writing the report", len(report.CHARTS) + 1) as advance:

        def step(_name: str) -> None:
            done[0] += 1
            advance(done[0])

        paths = report.write(r, out_dir, on_step=step)
    print(f"\nreport: {paths['html']} (charts: {', '.join(p.name for k, p in paths.items() if k != 'html')})")
    print("  the same tables in the terminal: .venv/bin/qgen report")


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except QgenError as e:
        print(f"demo: {e}", file=sys.stderr)
        sys.exit(1)
