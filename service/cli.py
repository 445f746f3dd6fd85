"""``qgen`` command line. Every failure prints one line on stderr and exits non-zero; no tracebacks for bad input."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import asyncpg
from pydantic import ValidationError

from . import db, logs
from .errors import InputError, QgenError, first_line
from .questions import describe_validation_error, provider_json_schema, validation_json_schema
from .settings import Settings
from .sqlfiles import q

log = logging.getLogger("qgen")

TERMINAL = {"succeeded", "partial", "failed", "rejected", "cancelled"}


# ---------------------------------------------------------------------------------- commands
async def cmd_migrate(args: argparse.Namespace, s: Settings) -> int:
    from .migrations import migrate

    async with db.connection(s, vector=False) as conn:
        applied = await migrate(conn)
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; schema up to date"))
    return 0


async def cmd_worker(args: argparse.Namespace, s: Settings) -> int:
    from .runtime import worker_runtime

    async with worker_runtime(s) as worker:
        worker.install_signal_handlers()
        log.info("worker %s: concurrency %s, %s", worker.worker_id, s.concurrency, "drain" if args.drain else "serving")
        await worker.run(drain=args.drain)
        st = worker.stats
        log.info("worker stopped: %s jobs done, %s questions stored, %s rejected", st.jobs_done, st.questions_stored, st.rejected)
    return 0


async def cmd_enqueue(args: argparse.Namespace, s: Settings) -> int:
    async with db.connection(s) as conn:
        row = await conn.fetchrow(
            q("insert_request"),
            args.subject, args.topic, args.subtopic, args.exam, args.difficulty, args.type,
            args.count, args.instructions, args.priority,
        )
        assert row is not None
        if row["status"] == "rejected":
            print(f"request {row['id']} {row['error']}", file=sys.stderr)
            return 1
        print(f"request {row['id']} queued")
        if not args.wait:
            return 0
        deadline = time.monotonic() + args.timeout
        last = None
        while time.monotonic() < deadline:
            p = await conn.fetchrow(q("request_progress"), row["id"])
            assert p is not None
            now = (p["status"], p["produced"])
            if now != last:
                print(f"  {p['status']}: {p['produced']}/{p['count']}")
                last = now
            if p["status"] in TERMINAL:
                if p["error"]:
                    print(f"  {p['error']}")
                return 0 if p["status"] == "succeeded" else 1
            await asyncio.sleep(0.25)
        print(f"timed out after {args.timeout:.0f}s waiting for request {row['id']}", file=sys.stderr)
        return 1


async def cmd_import(args: argparse.Namespace, s: Settings) -> int:
    from .embedding import Embedder
    from .importer import import_file

    path = Path(args.file)
    _check_readable(path)  # fail before spending seconds loading the model
    embedder = await Embedder.load(s)
    report = await import_file(path, s, embedder)
    print(report.summary())
    for line in report.problems[: args.show]:
        print(f"  {line}")
    if len(report.problems) > args.show:
        print(f"  … and {len(report.problems) - args.show} more")
    if report.invalid:
        print(f"qgen: {report.invalid} invalid line(s) in {path}; first: {report.problems[0]}", file=sys.stderr)
        return 1
    return 0


async def cmd_status(args: argparse.Namespace, s: Settings) -> int:
    rid = _uuid(args.request) if args.request else None
    async with db.connection(s) as conn:
        if rid is not None:
            r = await conn.fetchrow(q("request_detail"), rid)
            if r is None:
                raise QgenError(f"no request {rid}")
            print(f"request {r['id']}: {r['status']} {r['produced']}/{r['count']} "
                  f"{r['subject']} / {r['topic']} ({r['difficulty']}, {r['question_type']})")
            if r["error"]:
                print(f"  error: {r['error']}")
            for e in await conn.fetch(q("request_events"), rid):
                print(f"  {e['at']:%H:%M:%S} {e['old_status'] or '-'} -> {e['new_status']} ({e['produced']})")
            for qq in await conn.fetch(q("request_questions"), rid):
                fb = f" [fallback: {qq['fallback_reason']}]" if qq["fallback_reason"] else ""
                print(f"  #{qq['slot']} {qq['provider']}{fb}: {_clip(qq['question_text'], 90)}")
            return 0
        reqs = {r["status"]: r["n"] for r in await conn.fetch(q("request_counts"))}
        jobs = {r["status"]: r["n"] for r in await conn.fetch(q("job_counts"))}
        print("requests: " + (", ".join(f"{k} {v}" for k, v in reqs.items()) or "none"))
        print("jobs:     " + (", ".join(f"{k} {v}" for k, v in jobs.items()) or "none"))
        for r in await conn.fetch(q("recent_requests"), args.limit):
            err = f"  {_clip(r['error'], 70)}" if r["error"] else ""
            print(f"  {str(r['id'])[:8]} {r['status']:<9} {r['produced']:>3}/{r['count']:<3} "
                  f"{_clip(r['subject'] or '', 12):<12} {_clip(r['topic'] or '', 30):<30}{err}")
    return 0


async def cmd_requeue(args: argparse.Namespace, s: Settings) -> int:
    rid = _uuid(args.request)
    async with db.connection(s) as conn:
        n = await conn.fetchval(q("requeue"), rid)
    if not n:
        print(f"request {args.request}: nothing to requeue (no failed or short jobs)", file=sys.stderr)
        return 1
    print(f"request {args.request}: {n} job(s) requeued")
    return 0


async def cmd_cancel(args: argparse.Namespace, s: Settings) -> int:
    rid = _uuid(args.request)
    async with db.connection(s) as conn:
        row = await conn.fetchrow(q("cancel_request"), rid)
    if row is None:
        print(f"request {args.request}: not queued or running", file=sys.stderr)
        return 1
    print(f"request {args.request}: cancelled")
    return 0


async def cmd_doctor(args: argparse.Namespace, s: Settings) -> int:
    from .doctor import format_table, run_doctor

    rows, ok = await run_doctor(s)
    print(format_table(rows))
    return 0 if ok else 1


def cmd_schema(args: argparse.Namespace, s: Settings) -> int:
    schema = validation_json_schema if args.strict else provider_json_schema
    print(json.dumps(schema(args.type), indent=2))
    return 0


# ---------------------------------------------------------------------------------- plumbing
def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise QgenError(f"not a request id: {text!r}") from None


def _check_readable(path: Path) -> None:
    try:
        path.open("rb").close()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (``qgen: error: …``) and exits 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="qgen", description="Fill exam-prep question banks from a Postgres queue.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("migrate", help="apply SQL migrations (idempotent)").set_defaults(fn=cmd_migrate)

    w = sub.add_parser("worker", help="run the worker (the main job)")
    w.add_argument("--drain", action="store_true", help="exit 0 once no queued or running job remains")
    w.add_argument("--concurrency", type=_positive_int, help="jobs in flight (QGEN_CONCURRENCY)")
    w.add_argument(
        "--simulate", action="store_true", help="use the loopback RunPod and Gemini simulators (QGEN_SIMULATE=1)"
    )
    w.set_defaults(fn=cmd_worker)

    e = sub.add_parser("enqueue", help="insert a request row exactly as the web app does")
    e.add_argument("--subject", required=True)
    e.add_argument("--topic", required=True)
    e.add_argument("--subtopic")
    e.add_argument("--exam")
    e.add_argument("--count", type=_positive_int, required=True)
    e.add_argument("--difficulty", default="medium")
    e.add_argument("--type", default="mcq", help="mcq or numeric")
    e.add_argument("--instructions")
    e.add_argument("--priority", type=_positive_int, default=0)
    e.add_argument("--wait", action="store_true", help="wait until the request finishes")
    e.add_argument("--timeout", type=float, default=600.0)
    e.set_defaults(fn=cmd_enqueue)

    i = sub.add_parser("import", help="import existing questions (JSONL) through validation and dedupe")
    i.add_argument("file")
    i.add_argument("--show", type=int, default=20, help="problem lines to print")
    i.set_defaults(fn=cmd_import)

    st = sub.add_parser("status", help="queue and request status")
    st.add_argument("request", nargs="?", help="one request id for its events and questions")
    st.add_argument("--limit", type=int, default=20)
    st.set_defaults(fn=cmd_status)

    rq = sub.add_parser("requeue", help="run a failed or partial request's failed jobs again")
    rq.add_argument("request")
    rq.set_defaults(fn=cmd_requeue)

    c = sub.add_parser("cancel", help="cancel a queued or running request")
    c.add_argument("request")
    c.set_defaults(fn=cmd_cancel)

    sc = sub.add_parser("schema", help="print the JSON Schema sent to the providers")
    sc.add_argument("--type", choices=["mcq", "numeric"], default="mcq")
    sc.add_argument("--strict", action="store_true", help="the validation schema instead: every bound checked on replies")
    sc.set_defaults(fn=cmd_schema)

    sub.add_parser("doctor", help="check database, embedding model and providers").set_defaults(fn=cmd_doctor)

    from simulators.cli import add_simulate_arguments, simulate_command

    sim = sub.add_parser("simulate", help="serve the RunPod/vLLM and Gemini simulators on loopback")
    add_simulate_arguments(sim)
    sim.set_defaults(fn=simulate_command, raw=True)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        if getattr(args, "concurrency", None):
            settings = settings.model_copy(update={"concurrency": args.concurrency})
        if getattr(args, "simulate", False):
            settings = settings.model_copy(update={"simulate": True})
    except ValidationError as e:
        print(f"qgen: invalid setting: {describe_validation_error(e)}", file=sys.stderr)
        return 2
    logs.configure("DEBUG" if args.verbose else settings.log_level, settings.secrets())
    fn: Callable[..., Any] = args.fn
    try:
        if getattr(args, "raw", False):
            return int(fn(args))
        result = fn(args, settings)
        if isinstance(result, Coroutine):
            result = asyncio.run(result)
        return int(result)
    except QgenError as e:
        print(f"qgen: {first_line(e)}", file=sys.stderr)
        return 1
    except asyncpg.PostgresError as e:
        print(f"qgen: database error: {first_line(e)}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"qgen: {first_line(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
