"""``qgen`` commands that run and look after the service: migrate, worker, doctor, db url/psql/start/stop, schema."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os

from . import db, simulation
from .errors import ConfigError, DatabaseError
from .questions import provider_json_schema, validation_json_schema
from .settings import Settings
from .terminal import output_for

log = logging.getLogger("qgen")


async def cmd_migrate(args: argparse.Namespace, s: Settings) -> int:
    from .migrations import migrate

    out = output_for(args)
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
        log.info("worker stopped: %s jobs done, %s questions stored, %s refused", st.jobs_done, st.work.stored, st.work.refused)
    return 0


async def cmd_doctor(args: argparse.Namespace, s: Settings) -> int:
    from .doctor import format_table, run_doctor

    out = output_for(args)
    with out.spinner("checking the database, the embedding model and each provider"):
        rows, ok = await run_doctor(s)
    out.emit_json({"ok": ok, "checks": [dataclasses.asdict(r) for r in rows]})
    out.line(format_table(rows))
    return 0 if ok else 1


async def cmd_db_url(args: argparse.Namespace, s: Settings) -> int:
    from . import embedded

    out = output_for(args)
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

    out = output_for(args)
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

    out = output_for(args)
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


def cmd_simulate(args: argparse.Namespace) -> int:
    """The simulators' own command line, loaded through their entry point (or one line: what to install)."""
    return simulation.load().main(list(args.simulate_args), prog="qgen simulate")
