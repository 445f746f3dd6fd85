"""The real Supabase CLI (npm ``supabase``, pinned in .tools/supabase) accepts supabase/ as shipped, and applied to a
fresh database it builds the schema ``qgen migrate`` builds.

``make install`` puts the CLI in .tools/supabase/node_modules. Where npm is missing these tests skip and say so;
where npm is present a missing CLI is a failure."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import pytest

from .pg import CATALOG, catalog

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "supabase"
SUPABASE_BIN = TOOLS / "node_modules" / ".bin" / "supabase"
PINNED = json.loads((TOOLS / "package.json").read_text())["dependencies"]["supabase"]
MIGRATIONS = sorted(p.name for p in (ROOT / "supabase" / "migrations").glob("*.sql"))
SEED = "supabase/seed.sql"  # as the CLI names it: sql_paths = ["./seed.sql"], relative to supabase/
TIMEOUT_S = 120


@pytest.fixture(scope="module")
def supabase_cli() -> Path:
    """The pinned CLI's entry point; skips only when npm itself is missing."""
    if not SUPABASE_BIN.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm not found, so `make install` could not install the Supabase CLI (npm package supabase)")
        pytest.fail(f"{SUPABASE_BIN.relative_to(ROOT)} is missing: run `make install` (npm ci in .tools/supabase)")
    return SUPABASE_BIN


def cli_url(dsn: str) -> str:
    """``dsn`` in a form the CLI accepts. It refuses the embedded server's Unix-socket URL
    (``postgresql://postgres:@/db?host=/dir``: "failed to parse connection string") because the authority has no
    host, but like libpq it lets a ``host`` query parameter override the authority, so a placeholder host plus
    ``host=/dir`` reaches the socket. ``sslmode=disable``: the embedded server has no TLS."""
    parts = urlsplit(dsn)
    query = dict(parse_qsl(parts.query))
    netloc = parts.netloc
    if not parts.hostname:
        assert "host" in query, f"neither a host nor a socket directory in {dsn}"
        userinfo, at, hostport = netloc.rpartition("@")
        netloc = f"{userinfo}{at}localhost{hostport}"
    query.setdefault("sslmode", "disable")
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def cli_env(home: Path) -> dict[str, str]:
    """The environment for one CLI run: no network besides the database, nothing written outside ``home``."""
    # A developer's SUPABASE_ACCESS_TOKEN, SUPABASE_WORKDIR, SUPABASE_DB_PASSWORD... must not steer the run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPABASE_")}
    env.update(
        HOME=str(home),
        SUPABASE_HOME=str(home / ".supabase"),  # its telemetry consent file and traces live here
        # Either one turns PostHog telemetry off (the CLI honours exactly "1").
        DO_NOT_TRACK="1",
        SUPABASE_TELEMETRY_DISABLED="1",
        # The release check on api.github.com (which also writes supabase/.temp/cli-latest into the project).
        SUPABASE_NO_UPDATE_NOTIFIER="1",
    )
    return env


async def supabase(home: Path, *args: str) -> tuple[int, str]:
    """``supabase <args>`` on this project (``--workdir`` = repo root, so ./supabase/config.toml): exit code and
    stdout+stderr in order. Killed, with its children, after TIMEOUT_S."""
    # --agent no: its agent auto-detection would turn the result into JSON.
    argv = [str(SUPABASE_BIN), "--workdir", str(ROOT), "--agent", "no", *args]
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=ROOT,
        env=cli_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
    except TimeoutError:
        os.killpg(proc.pid, signal.SIGKILL)  # the node shim and the binary it spawned (own session, own group)
        await proc.wait()
        raise AssertionError(f"supabase {' '.join(args)} still running after {TIMEOUT_S}s") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode()


def bullets(out: str) -> list[str]:
    """The ` • item` lines of the CLI's text output (files it would push, applied or seeded), in order."""
    return [line.strip().removeprefix("•").strip() for line in out.splitlines() if line.strip().startswith("•")]


def test_installed_cli_is_the_pinned_version(supabase_cli: Path, tmp_path: Path) -> None:
    """node_modules matches package.json (a stale install after a version bump fails here, not obscurely later)."""
    done = subprocess.run(
        [str(supabase_cli), "--version"], env=cli_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == PINNED


async def test_dry_run_accepts_config_migrations_and_seed(supabase_cli: Path, empty_dsn: str, tmp_path: Path) -> None:
    """``db push --dry-run --include-seed`` reads config.toml, lists every migration and the seed, and writes nothing."""
    code, out = await supabase(tmp_path, "db", "push", "--dry-run", "--include-seed", "--db-url", cli_url(empty_dsn))
    assert code == 0, out
    assert "Would push these migrations" in out and "Would seed these files" in out, out
    assert bullets(out) == [*MIGRATIONS, SEED], out
    conn = await asyncpg.connect(empty_dsn)
    try:
        assert await conn.fetchval("select to_regnamespace('supabase_migrations')") is None
        assert await conn.fetchval("select to_regclass('question_requests')") is None
    finally:
        await conn.close()


async def test_push_builds_the_schema_qgen_migrate_builds(
    supabase_cli: Path, db_dsn: str, empty_dsn: str, tmp_path: Path
) -> None:
    """``db push --include-seed`` on a fresh database applies and records every migration and the seed, and its catalogue
    equals that of ``qgen migrate`` (``db_dsn`` clones a fresh database it migrated) apart from each tool's own
    bookkeeping (qgen_migrations, the schema supabase_migrations). A second push has nothing to do."""
    url = cli_url(empty_dsn)
    code, out = await supabase(tmp_path, "db", "push", "--include-seed", "--yes", "--db-url", url)
    assert code == 0, out
    for name in MIGRATIONS:
        assert f"Applying migration {name}" in out, out
    assert f"Seeding data from {SEED}" in out, out

    conn = await asyncpg.connect(empty_dsn)
    try:
        versions = await conn.fetch("select version from supabase_migrations.schema_migrations order by 1")
        assert [r["version"] for r in versions] == [name.split("_", 1)[0] for name in MIGRATIONS]
        assert await conn.fetchval("select array_agg(path) from supabase_migrations.seed_files") == [SEED]
        seeded = await conn.fetchval("select count(*) from question_requests")
        assert seeded > 0
        assert await conn.fetchval("select to_regclass('qgen_migrations')") is None
    finally:
        await conn.close()

    ours = await catalog(db_dsn)
    theirs = await catalog(empty_dsn, exclude=("qgen_migrations", "supabase_migrations"))
    assert ours["policies"] and ours["triggers"] and ours["functions"]  # the dump is not trivially empty
    for part in CATALOG:
        assert theirs[part] == ours[part], part

    code, out = await supabase(tmp_path, "db", "push", "--include-seed", "--yes", "--db-url", url)
    assert code == 0 and "Remote database is up to date" in out, out
    conn = await asyncpg.connect(empty_dsn)
    try:
        assert await conn.fetchval("select count(*) from question_requests") == seeded  # the seed ran once
    finally:
        await conn.close()
