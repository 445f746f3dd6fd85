"""``qgen`` command line. Every failure prints one line on stderr and exits non-zero; no tracebacks for bad input.

Output: results on stdout, for people (Rich tables, a live bar on a terminal), or for scripts with ``--json``
(one JSON document; shapes in service/status.py, service/report.py and README "Operating it") or ``--quiet``
(only ids or paths). Both flags go before or after the command name. Request ids may be any unique prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
from pydantic import ValidationError

from . import logs
from .cli_admin import (
    cmd_db_psql,
    cmd_db_start,
    cmd_db_stop,
    cmd_db_url,
    cmd_doctor,
    cmd_migrate,
    cmd_schema,
    cmd_simulate,
    cmd_worker,
)
from .cli_requests import cmd_cancel, cmd_enqueue, cmd_import, cmd_report, cmd_requeue, cmd_status
from .errors import QgenError, first_line
from .questions import describe_validation_error
from .settings import Settings
from .statuses import REQUEST_STATUSES

NO_JSON = {"worker", "simulate", "db psql"}  # long-running servers, and psql: not one JSON document

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


def _simulate_passthrough(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """Split ``… simulate ARGS`` into qgen's part and the simulators'; None when the command is not simulate.

    The command is the first word that is not an option (qgen's own options before it take no value).
    """
    for i, word in enumerate(argv):
        if not word.startswith("-"):
            return (argv[: i + 1], argv[i + 1:]) if word == "simulate" else (argv, None)
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
    e.add_argument("--mode", choices=["online", "batch"], default="online",
                   help="batch: Gemini generation through the Gemini Batch API (half price, within 24 h)")
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
                    help=f"only these request statuses (repeat or comma-separate: {', '.join(REQUEST_STATUSES)})")
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

    # Its options belong to the simulators (a separate distribution): main() hands them over unparsed, so
    # that building this parser never loads them; `qgen simulate --help` is theirs.
    sub.add_parser("simulate", help="serve the RunPod/vLLM and Gemini simulators on loopback (needs sim/ installed)",
                   add_help=False).set_defaults(fn=cmd_simulate, raw=True, simulate_args=[])
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv, simulate_args = _simulate_passthrough(sys.argv[1:] if argv is None else argv)
    argv, passthrough = _psql_passthrough(argv)
    args = parser.parse_args(argv)
    if passthrough is not None:
        args.psql_args = passthrough
    if simulate_args is not None:
        args.simulate_args = simulate_args
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
