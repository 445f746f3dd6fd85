"""``qgen`` commands on requests and the bank: enqueue, import, status, requeue, cancel, report."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from . import db, ids, status, watch
from .errors import InputError
from .settings import Settings
from .sqlfiles import q
from .terminal import (
    Output,
    WaitView,
    counts_line,
    jobs_table,
    output_for,
    questions_table,
    requests_table,
    summary_grid,
    table,
    when,
)

log = logging.getLogger("qgen")


async def cmd_enqueue(args: argparse.Namespace, s: Settings) -> int:
    out = output_for(args)
    async with db.connection(s) as conn:
        row = await conn.fetchrow(
            q("insert_request"),
            args.subject, args.topic, args.subtopic, args.exam, args.difficulty, args.type,
            args.count, args.instructions, args.priority, args.mode,
        )
        assert row is not None
        rid = row["id"]
        if row["status"] == "rejected":
            out.emit_json({"id": str(rid), "status": "rejected", "error": row["error"]})
            print(f"request {rid} {row['error']}", file=sys.stderr)
            return 1
        out.line(f"request {rid} queued")
        if args.mode == "batch" and s.gemini_use_vertexai:
            # providers/gemini_batch.py: Vertex AI batch prediction takes Cloud Storage or BigQuery sources only
            print("qgen: note: GOOGLE_GENAI_USE_VERTEXAI is set, and Vertex AI takes no inline batches: "
                  "this request's Gemini calls run online", file=sys.stderr)
        if out.quiet:
            out.essential(str(rid))
        if not args.wait:
            out.emit_json({"id": str(rid), "status": row["status"], "error": None})
            return 0
        stats = watch.Watch("listen")
        with WaitView(out, f"request {ids.short(rid)}", args.count) as view:
            final = await watch.wait_for_request(
                conn, rid, s, timeout=args.timeout, unclaimed_after=args.unclaimed_after,
                on_update=view.update, on_unclaimed=lambda _s: view.notice(watch.UNCLAIMED), watch=stats,
            )
        if stats.why_poll:
            log.debug("waited by polling: %s", stats.why_poll)
        summary = await status.summary(conn, rid)
    out.emit_json({
        "id": str(rid), "status": final.status, "error": final.error, "summary": summary,
        "wait": {"mode": stats.mode, "notifications": stats.notifications, "reads": stats.reads,
                 "unclaimed_notice": stats.warned_unclaimed},
    })
    out.print(f"request {ids.short(rid)} {final.status}: {final.produced}/{final.count} stored")
    out.print(summary_grid(summary))
    if final.status != "succeeded":
        print(f"qgen: request {rid} {final.status}: {_clip(final.error or 'no reason recorded', 300)}", file=sys.stderr)
        return 1
    return 0


async def cmd_import(args: argparse.Namespace, s: Settings) -> int:
    from .embedding import Embedder
    from .importer import import_file

    out = output_for(args)
    path = Path(args.file)
    _check_readable(path)  # fail before spending seconds loading the model
    with out.spinner(f"loading embedding model {s.embedding_model}"):
        embedder = await Embedder.load(s)
    with out.bar(f"importing {path.name}", _count_lines(path)) as advance:
        report = await import_file(path, s, embedder, progress=lambda done, total: advance(done, total))
    out.emit_json({
        "path": str(path), "lines": report.lines, "inserted": report.inserted,
        "duplicates": dict(sorted(report.duplicates.items())), "invalid": report.invalid, "problems": report.problems,
    })
    out.line(report.summary())
    for line in report.problems[: args.show]:
        out.line(f"  {line}")
    if len(report.problems) > args.show:
        out.line(f"  … and {len(report.problems) - args.show} more")
    if report.invalid:
        print(f"qgen: {report.invalid} invalid line(s) in {path}; first: {report.problems[0]}", file=sys.stderr)
        return 1
    return 0


async def cmd_status(args: argparse.Namespace, s: Settings) -> int:
    out = output_for(args)
    if args.workers:
        return await _status_workers(args, s, out)
    async with db.connection(s) as conn:
        if args.request:
            rid = await ids.resolve_request(conn, args.request)
            d = await status.detail(conn, rid)
            out.emit_json(d)
            if out.quiet:
                out.essential(d["request"]["status"])
            else:
                _print_detail(out, d)
            return 0
        f = status.Filters(status.parse_statuses(args.status), args.subject, status.parse_since(args.since), args.limit)
        o = await status.overview(conn, f)
    out.emit_json(o)
    if out.quiet:
        for r in o["requests"]:
            out.essential(r["id"])
        return 0
    c = o["counts"]
    out.line(f"requests: {counts_line(c['requests'])} · jobs: {counts_line(c['jobs'])}")
    for v in o["verifiers"]:
        if v["implausible"]:
            out.line(f"warning: the verifier {v['verifier']} disputed {v['disputed']} of its last {v['solved']} "
                     "blind solves: check QGEN_VERIFY_MODEL and QGEN_VERIFY_ROUTES")
    shown = len(o["requests"])
    total = sum(c["requests"].values())
    out.print(requests_table(o["requests"], f"Requests, newest first ({shown} of {total} matching)", out.out.width))
    if o["jobs"]:
        out.print(jobs_table(o["jobs"], "Jobs not done (running, queued, failed)", out.out.width))
    return 0


async def _status_workers(args: argparse.Namespace, s: Settings, out: Output) -> int:
    if args.request:
        raise InputError("qgen status: give a request or --workers, not both")
    async with db.connection(s) as conn:
        w = await status.workers(conn, args.limit)
    out.emit_json(w)
    if out.quiet:
        for row in w["workers"]:
            out.essential(row["worker"])
        return 0
    rows = [[r["worker"], r["state"], r["version"], f"{r['jobs_in_flight']}/{r['concurrency']}", r["jobs_done"],
             r["jobs_retried"], r["questions_stored"], when(r["started_at"]), f"{r['since_last_beat_s']:.0f}s ago"]
            for r in w["workers"]]
    online = sum(1 for r in w["workers"] if r["state"] == "online")
    out.print(table(f"Workers ({online} online)", [
        ("worker", {"no_wrap": True}), ("state", {"no_wrap": True}), ("version", {"no_wrap": True}),
        ("in flight", {"justify": "right"}), ("done", {"justify": "right"}), ("retried", {"justify": "right"}),
        ("stored", {"justify": "right"}), ("started", {"no_wrap": True}), ("last beat", {"no_wrap": True}),
    ], rows))
    return 0


def _print_detail(out: Output, d: dict[str, Any]) -> None:
    r = d["request"]
    out.line(f"request {r['id']}: {r['status']} {r['produced']}/{r['count'] if r['count'] is not None else '?'} "
             f"{r['subject'] or '-'} / {r['topic'] or '-'} ({r['difficulty']}, {r['question_type']})")
    if r["error"]:
        out.line(f"  error: {r['error']}")
    if r["mode"] == "batch":
        state = f", batches {r['batch_state']}" if r["batch_state"] else ", no batch submitted yet"
        out.line(f"  mode: batch (Gemini Batch API){state}")
    out.print(summary_grid(d["summary"]))
    out.print(table("Events", [("at", {"no_wrap": True}), ("change", {}), ("stored", {"justify": "right"}),
                               ("detail", {"overflow": "fold"})],
                    [[when(e["at"]), f"{e['old_status'] or '-'} -> {e['new_status']}", e["produced"], e["detail"]]
                     for e in d["events"]]))
    if d["jobs"]:
        out.print(jobs_table(d["jobs"], "Jobs", out.out.width, with_request=False))
    if d["batches"]:
        out.print(table("Batches", [("batch", {"no_wrap": True}), ("job", {"justify": "right"}),
                                    ("for", {"no_wrap": True}), ("state", {"no_wrap": True}), ("requests", {"justify": "right"}),
                                    ("polls", {"justify": "right"}), ("submitted", {"no_wrap": True}),
                                    ("note", {"overflow": "fold"})],
                        [[b["name"], b["job_id"], b["purpose"], b["state"].removeprefix("JOB_STATE_").lower(), b["calls"],
                          b["polls"], when(b["created_at"]), b["note"] or ""] for b in d["batches"]]))
    if d["questions"]:
        out.print(questions_table(d["questions"], "Questions", out.out.width))


async def cmd_requeue(args: argparse.Namespace, s: Settings) -> int:
    out = output_for(args)
    async with db.connection(s) as conn:
        rid = await ids.resolve_request(conn, args.request)
        n = await conn.fetchval(q("requeue"), rid)
    if not n:
        print(f"request {rid}: nothing to requeue (not cancelled, and no failed or short jobs)", file=sys.stderr)
        return 1
    out.emit_json({"id": str(rid), "requeued_jobs": n})
    out.line(f"request {rid}: {n} job(s) requeued")
    return 0


async def cmd_cancel(args: argparse.Namespace, s: Settings) -> int:
    out = output_for(args)
    async with db.connection(s) as conn:
        rid = await ids.resolve_request(conn, args.request)
        row = await conn.fetchrow(q("cancel_request"), rid)
    if row is None:
        print(f"request {rid}: not queued or running", file=sys.stderr)
        return 1
    out.emit_json({"id": str(rid), "status": "cancelled"})
    out.line(f"request {rid}: cancelled")
    return 0


async def cmd_report(args: argparse.Namespace, s: Settings) -> int:
    from . import report, report_render

    out = output_for(args)
    filters = report.Filters.parse(args.since, args.until, args.subject, args.user)
    async with db.connection(s) as conn:
        with out.spinner("reading the bank"):
            r = await report.build(conn, filters)
    if args.out:
        steps = [0]
        with out.bar(f"writing charts to {args.out}", len(report_render.CHARTS) + 1) as advance:
            def step(_name: str) -> None:
                steps[0] += 1
                advance(steps[0])

            paths = report_render.write(r, Path(args.out), on_step=step)
    out.emit_json(r.as_json())
    if out.quiet:
        if args.out:
            out.essential(str(paths["html"]))
        return 0
    if filters.describe():
        out.line(f"Filtered: {filters.describe()}")
        out.line("")
    for t in report_render.tables(r, out.out.width):
        out.print(t)
        out.line("")
    if args.out:
        charts = ", ".join(p.name for k, p in paths.items() if k != "html")
        out.line(f"wrote {paths['html']} (charts: {charts})")
    return 0


def _count_lines(path: Path) -> int:
    """Lines in ``path`` (a bound for the import bar; blank and invalid lines make it finish early)."""
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def _check_readable(path: Path) -> None:
    try:
        path.open("rb").close()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
