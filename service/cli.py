"""``qgen`` command line. Every failure prints one line on stderr and exits non-zero; no tracebacks for bad input.

Output: results on stdout, for people (Rich tables, a live bar on a terminal), or for scripts with ``--json``
(one JSON document; shapes in service/status.py, service/report.py and README "Operating it") or ``--quiet``
(only ids or paths). Both flags go before or after the command name. Request ids may be any unique prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import asyncpg
from pydantic import ValidationError

from . import db, ids, logs, status, watch
from .errors import ConfigError, DatabaseError, InputError, QgenError, first_line
from .questions import describe_validation_error, provider_json_schema, validation_json_schema
from .settings import Settings
from .sqlfiles import q
from .terminal import Output, WaitView, jobs_table, questions_table, requests_table, summary_grid, table, when

log = logging.getLogger("qgen")

NO_JSON = {"worker", "simulate", "db psql"}  # long-running servers, and psql: not one JSON document


# ---------------------------------------------------------------------------------- commands
async def cmd_migrate(args: argparse.Namespace, s: Settings) -> int:
    from .migrations import migrate

    out = _output(args)
    async with db.connection(s, vector=False) as conn:
        with out.spinner("applying migrations"):
            applied = await migrate(conn)
    out.emit_json({"applied": applied})
    out.line(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; schema up to date"))
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
    out = _output(args)
    async with db.connection(s) as conn:
        row = await conn.fetchrow(
            q("insert_request"),
            args.subject, args.topic, args.subtopic, args.exam, args.difficulty, args.type,
            args.count, args.instructions, args.priority,
        )
        assert row is not None
        rid = row["id"]
        if row["status"] == "rejected":
            out.emit_json({"id": str(rid), "status": "rejected", "error": row["error"]})
            print(f"request {rid} {row['error']}", file=sys.stderr)
            return 1
        out.line(f"request {rid} queued")
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

    out = _output(args)
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
    out = _output(args)
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
    out.line(f"requests: {_counts(c['requests'])} · jobs: {_counts(c['jobs'])}")
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
    out.print(summary_grid(d["summary"]))
    out.print(table("Events", [("at", {"no_wrap": True}), ("change", {}), ("stored", {"justify": "right"}),
                               ("detail", {"overflow": "fold"})],
                    [[when(e["at"]), f"{e['old_status'] or '-'} -> {e['new_status']}", e["produced"], e["detail"]]
                     for e in d["events"]]))
    if d["jobs"]:
        out.print(jobs_table(d["jobs"], "Jobs", out.out.width, with_request=False))
    if d["questions"]:
        out.print(questions_table(d["questions"], "Questions", out.out.width))


async def cmd_requeue(args: argparse.Namespace, s: Settings) -> int:
    out = _output(args)
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
    out = _output(args)
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

    out = _output(args)
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


async def cmd_doctor(args: argparse.Namespace, s: Settings) -> int:
    from .doctor import format_table, run_doctor

    out = _output(args)
    with out.spinner("checking the database, the embedding model and each provider"):
        rows, ok = await run_doctor(s)
    out.emit_json({"ok": ok, "checks": [dataclasses.asdict(r) for r in rows]})
    out.line(format_table(rows))
    return 0 if ok else 1


async def cmd_db_url(args: argparse.Namespace, s: Settings) -> int:
    from . import embedded

    out = _output(args)
    if s.database_url:
        url, source = s.database_url, "DATABASE_URL"
    else:
        st = embedded.state(s.qgen_home)
        if not st.running or st.url is None:
            raise DatabaseError(f"the embedded PostgreSQL in {st.pgdata} is not running; `qgen db start` starts it "
                                "and keeps it running")
        url, source = st.url, "embedded"
    shown = url if args.show_password else db.mask_password(url)
    out.emit_json({"url": shown, "source": source})
    out.essential(shown)
    return 0


def cmd_db_psql(args: argparse.Namespace, s: Settings) -> int:
    import subprocess

    from . import embedded

    psql = embedded.psql_binary(embedded=not s.database_url)
    if psql is None:
        raise ConfigError("psql not found: install the PostgreSQL client (e.g. apt-get install postgresql-client)")
    # The password goes in the environment, not on psql's command line, where `ps` would show it.
    url, password = db.split_password(db.resolve_dsn(s))
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    # A child, not exec: this process holds the embedded server open until psql exits.
    return subprocess.run([str(psql), url, *args.psql_args], env=env, check=False).returncode


async def cmd_db_start(args: argparse.Namespace, s: Settings) -> int:
    from . import embedded

    out = _output(args)
    _embedded_only(s, "start")
    was = embedded.state(s.qgen_home)
    with out.spinner("starting the embedded PostgreSQL"):
        st = embedded.start(s.qgen_home)
    out.emit_json({**st.as_json(), "started": not was.running})
    out.line(f"embedded PostgreSQL {'already running' if was.running else 'started'} in {st.pgdata} (pid {st.pid}); "
             "kept running until `qgen db stop`")
    out.essential(str(st.url))
    return 0


async def cmd_db_stop(args: argparse.Namespace, s: Settings) -> int:
    from . import embedded

    out = _output(args)
    _embedded_only(s, "stop")
    stopped, before = embedded.stop(s.qgen_home, force=args.force)
    out.emit_json({**before.as_json(), "stopped": stopped, "running": before.running and not stopped})
    if stopped:
        out.line(f"embedded PostgreSQL in {before.pgdata} stopped (pid {before.pid})")
    elif before.running:
        pids = ", ".join(map(str, before.users))
        out.line(f"embedded PostgreSQL in {before.pgdata} is still used by qgen pid {pids}: it stops when the last "
                 "of them exits (--force stops it now)")
    else:
        out.line(f"embedded PostgreSQL in {before.pgdata} is not running")
    return 0


def _embedded_only(s: Settings, verb: str) -> None:
    if s.database_url:
        raise ConfigError(f"DATABASE_URL is set: qgen does not {verb} that server (`qgen db {verb}` is for the "
                          "embedded one under QGEN_HOME)")


def cmd_schema(args: argparse.Namespace, s: Settings) -> int:
    schema = validation_json_schema if args.strict else provider_json_schema
    print(json.dumps(schema(args.type), indent=2))
    return 0


# ---------------------------------------------------------------------------------- plumbing
def _output(args: argparse.Namespace) -> Output:
    return Output(json_mode=bool(getattr(args, "json", False)), quiet=bool(getattr(args, "quiet", False)))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


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


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _psql_passthrough(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """Split ``… db psql ARGS`` into qgen's part and psql's (a leading ``--`` dropped); None when not psql.

    Everything after ``psql`` is psql's, options included (``qgen db psql -c 'select 1'``), which argparse
    cannot express: it would read ``-c`` as one of its own options.
    """
    for i in range(len(argv) - 1):
        if argv[i] == "db" and argv[i + 1] == "psql":
            rest = argv[i + 2:]
            return argv[: i + 2], rest[1:] if rest[:1] == ["--"] else rest
    return argv, None


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (``qgen: error: …``) and exits 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _script_flags(suppress: bool) -> _Parser:
    """``--json`` and ``--quiet``: on the main parser (defaults) and on each command (given or absent)."""
    p = _Parser(add_help=False)
    default: Any = argparse.SUPPRESS if suppress else False
    p.add_argument("--json", action="store_true", default=default, help="one JSON document on stdout (for scripts)")
    p.add_argument("-q", "--quiet", action="store_true", default=default,
                   help="no tables or progress: only ids or paths; the exit status tells the outcome")
    return p


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="qgen", description="Fill exam-prep question banks from a Postgres queue.",
                parents=[_script_flags(suppress=False)])
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    flags = [_script_flags(suppress=True)]

    sub.add_parser("migrate", help="apply SQL migrations (idempotent)", parents=flags).set_defaults(fn=cmd_migrate)

    # --simulate on every command that calls the providers
    simulate = _Parser(add_help=False)
    simulate.add_argument(
        "--simulate", action="store_true", help="use the loopback RunPod and Gemini simulators (QGEN_SIMULATE=1)"
    )
    w = sub.add_parser("worker", help="run the worker (the main job)", parents=[simulate])
    w.add_argument("--drain", action="store_true", help="exit 0 once no queued or running job remains")
    w.add_argument("--concurrency", type=_positive_int, help="jobs in flight (QGEN_CONCURRENCY)")
    w.set_defaults(fn=cmd_worker)

    e = sub.add_parser("enqueue", help="insert a request row exactly as the web app does", parents=flags)
    e.add_argument("--subject", required=True)
    e.add_argument("--topic", required=True)
    e.add_argument("--subtopic")
    e.add_argument("--exam")
    e.add_argument("--count", type=_positive_int, required=True)
    e.add_argument("--difficulty", default="medium")
    e.add_argument("--type", default="mcq", help="mcq or numeric")
    e.add_argument("--instructions")
    e.add_argument("--priority", type=_positive_int, default=0)
    e.add_argument("--wait", action="store_true", help="follow the request (LISTEN/NOTIFY) until it finishes, then summarise")
    e.add_argument("--timeout", type=_seconds, default=600.0, help="give up waiting after this many seconds (default 600)")
    e.add_argument("--unclaimed-after", type=_seconds, default=5.0, metavar="SECONDS",
                   help="say so once if no worker has claimed the request after this long (default 5)")
    e.set_defaults(fn=cmd_enqueue)

    i = sub.add_parser("import", help="import existing questions (JSONL) through validation and dedupe", parents=flags)
    i.add_argument("file")
    i.add_argument("--show", type=int, default=20, help="problem lines to print")
    i.set_defaults(fn=cmd_import)

    st = sub.add_parser("status", help="requests and jobs, or one request's summary, events, jobs and questions",
                        parents=flags)
    st.add_argument("request", nargs="?", help="one request: its id or any unique prefix of it")
    st.add_argument("--status", action="append", metavar="STATUS",
                    help=f"only these request statuses (repeat or comma-separate: {', '.join(status.REQUEST_STATUSES)})")
    st.add_argument("--subject", help="only subjects starting with this (case-insensitive)")
    st.add_argument("--since", help="only requests created since: 30m, 2h, 7d, or a date/time (2026-11-30T08:00)")
    st.add_argument("--limit", type=_positive_int, default=20, help="requests (and jobs) listed (default 20)")
    st.add_argument("--workers", action="store_true",
                    help="the workers instead: online, lost or stopped, with their jobs in flight and last heartbeat")
    st.set_defaults(fn=cmd_status)

    rq = sub.add_parser("requeue", help="run a failed or partial request's failed jobs again, or resume a cancelled one",
                        parents=flags)
    rq.add_argument("request", help="its id or any unique prefix of it")
    rq.set_defaults(fn=cmd_requeue)

    c = sub.add_parser("cancel", help="cancel a queued or running request", parents=flags)
    c.add_argument("request", help="its id or any unique prefix of it")
    c.set_defaults(fn=cmd_cancel)

    r = sub.add_parser("report", help="coverage, providers, fallbacks, duplicates, disputes, tokens and cost",
                       parents=flags)
    r.add_argument("--out", metavar="DIR", help="also write PNG charts and a self-contained report.html into DIR")
    r.add_argument("--since", help="only what happened since: 30m, 2h, 7d (ago), or a date/time (2026-11-30T08:00)")
    r.add_argument("--until", help="only what happened before: the same forms as --since")
    r.add_argument("--subject", help="only subjects starting with this (case-insensitive)")
    r.add_argument("--user", metavar="UUID", help="only this user's requests (requested_by); leaves out imports")
    r.set_defaults(fn=cmd_report)

    sc = sub.add_parser("schema", help="print the JSON Schema sent to the providers", parents=flags)
    sc.add_argument("--type", choices=["mcq", "numeric"], default="mcq")
    sc.add_argument("--strict", action="store_true", help="the validation schema instead: every bound checked on replies")
    sc.set_defaults(fn=cmd_schema)

    sub.add_parser("doctor", help="check database, embedding model and providers",
                   parents=[*flags, simulate]).set_defaults(fn=cmd_doctor)

    d = sub.add_parser("db", help="the database in use: its URL, psql, the embedded server kept running or stopped")
    dsub = d.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    u = dsub.add_parser("url", help="print the database URL in use (password masked)", parents=flags)
    u.add_argument("--show-password", action="store_true", help="print the password too")
    u.set_defaults(fn=cmd_db_url)
    ps = dsub.add_parser("psql", help="run psql against the database in use (the arguments after psql go to psql)",
                         usage="qgen db psql [PSQL_ARGS ...]")
    ps.set_defaults(fn=cmd_db_psql, psql_args=[])
    dsub.add_parser("start", help="start the embedded PostgreSQL and keep it running after qgen exits",
                    parents=flags).set_defaults(fn=cmd_db_start)
    so = dsub.add_parser("stop", help="stop the embedded PostgreSQL once no qgen process uses it", parents=flags)
    so.add_argument("--force", action="store_true", help="stop it now, disconnecting the qgen processes using it")
    so.set_defaults(fn=cmd_db_stop)

    from simulators.cli import add_simulate_arguments, simulate_command

    sim = sub.add_parser("simulate", help="serve the RunPod/vLLM and Gemini simulators on loopback")
    add_simulate_arguments(sim)
    sim.set_defaults(fn=simulate_command, raw=True)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv, passthrough = _psql_passthrough(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if passthrough is not None:
        args.psql_args = passthrough
    command = f"db {args.db_command}" if args.command == "db" else args.command
    if command in NO_JSON and args.json:
        parser.error(f"--json: qgen {command} writes {'psql output' if command == 'db psql' else 'logs'}, not a JSON document")
    try:
        settings = Settings()
        if getattr(args, "concurrency", None):
            settings = settings.model_copy(update={"concurrency": args.concurrency})
        if getattr(args, "simulate", False):
            settings = settings.model_copy(update={"simulate": True})
    except ValidationError as e:
        print(f"qgen: invalid setting: {describe_validation_error(e)}", file=sys.stderr)
        return 2
    level = "DEBUG" if args.verbose else ("WARNING" if args.quiet or args.json else settings.log_level)
    logs.configure(level, settings.secrets())
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
    except BrokenPipeError:  # `qgen status --json | head`: the reader left; not an error worth a line
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except OSError as e:
        print(f"qgen: {first_line(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
