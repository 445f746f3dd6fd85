"""supabase/ mirrors sql/migrations, and the Supabase CLI's way of applying them (plain SQL, in order,
no qgen_migrations) yields the same schema as ``qgen migrate``."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import asyncpg
import pytest

from service.sqlfiles import migration_files

from .pg import CATALOG, catalog

ROOT = Path(__file__).resolve().parent.parent
SUPABASE = ROOT / "supabase"


def _load_sync_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_supabase", ROOT / "scripts" / "sync_supabase.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sync_supabase = _load_sync_script()


def test_supabase_migrations_are_byte_identical_copies() -> None:
    problems = sync_supabase.drift()
    assert not problems, "run `make sync-supabase`: " + "; ".join(problems)
    names = sorted(p.name for p in (SUPABASE / "migrations").glob("*.sql"))
    assert names == [p.name for p in migration_files()] and names


def test_drift_is_detected_and_repaired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    dst.mkdir()
    (src / "20260101000000_a.sql").write_text("select 1;\n")
    (src / "20260101000001_b.sql").write_text("select 2;\n")
    (dst / "20260101000001_b.sql").write_text("select 2; -- edited by hand\n")
    (dst / "20260101000009_stale.sql").write_text("select 9;\n")
    args = ["--source", str(src), "--target", str(dst)]

    assert sync_supabase.main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    for needle in (
        "missing: dst/20260101000000_a.sql",
        "different: dst/20260101000001_b.sql",
        "extra: dst/20260101000009_stale.sql",
    ):
        assert needle in err
    assert sync_supabase.main(args) == 0
    assert sync_supabase.main([*args, "--check"]) == 0
    assert sorted(p.name for p in dst.iterdir()) == ["20260101000000_a.sql", "20260101000001_b.sql"]
    assert (dst / "20260101000001_b.sql").read_bytes() == (src / "20260101000001_b.sql").read_bytes()

    (src / "0001_init.sql").write_text("select 0;\n")  # a name the Supabase CLI would skip
    assert sync_supabase.main([*args, "--check"]) == 1
    assert "bad name: 0001_init.sql" in capsys.readouterr().err


def test_config_and_seed_are_present() -> None:
    config = tomllib.loads((SUPABASE / "config.toml").read_text())
    assert config["project_id"] == "qgen" and config["db"]["major_version"] == 17
    for path in config["db"]["seed"]["sql_paths"]:
        assert (SUPABASE / path).is_file(), path
    assert "SAMPLE DATA" in (SUPABASE / "seed.sql").read_text()


# --- applying the files the way `supabase db reset` does ------------------------------------------

async def apply_like_supabase_cli(dsn: str, *, before: str = "") -> None:
    """Each file in timestamp order, as plain SQL in its own transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        if before:
            await conn.execute(before)
        for path in sorted((SUPABASE / "migrations").glob("*.sql")):
            async with conn.transaction():
                await conn.execute(path.read_text())
    finally:
        await conn.close()


async def test_plain_sql_apply_matches_qgen_migrate(db_dsn: str, empty_dsn: str) -> None:
    await apply_like_supabase_cli(empty_dsn)
    conn = await asyncpg.connect(empty_dsn)
    try:
        assert await conn.fetchval("select to_regclass('qgen_migrations')") is None
    finally:
        await conn.close()
    ours, theirs = await catalog(db_dsn), await catalog(empty_dsn)
    assert ours["policies"] and ours["triggers"] and ours["functions"]  # the dump is not trivially empty
    for part in CATALOG:
        assert theirs[part] == ours[part], part


async def test_migrations_can_be_applied_twice(empty_dsn: str) -> None:
    await apply_like_supabase_cli(empty_dsn)
    first = await catalog(empty_dsn)
    await apply_like_supabase_cli(empty_dsn)
    assert await catalog(empty_dsn) == first


async def test_existing_supabase_auth_uid_is_kept(empty_dsn: str) -> None:
    """On Supabase auth.uid() already exists (and reads more claim forms); it must not be replaced."""
    supabase_uid = """
        create schema auth;
        create function auth.uid() returns uuid language sql stable as $$
            select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                            (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
        $$;
        grant usage on schema auth to anon, authenticated, service_role;
        grant execute on function auth.uid() to anon, authenticated, service_role;
    """
    await apply_like_supabase_cli(empty_dsn, before=supabase_uid)
    conn = await asyncpg.connect(empty_dsn)
    try:
        src = await conn.fetchval("select prosrc from pg_proc where oid = 'auth.uid()'::regprocedure")
        assert "request.jwt.claim.sub" in src
        async with conn.transaction():
            await conn.execute("set local role authenticated")
            await conn.execute("set local request.jwt.claim.sub = '00000000-0000-4000-8000-000000000001'")
            row = await conn.fetchrow(
                "insert into question_requests (subject, topic, count) values ('Physics', 'Optics', 2) "
                "returning requested_by, status"
            )
        assert row is not None and str(row["requested_by"]).endswith("0001") and row["status"] == "queued"
    finally:
        await conn.close()


async def test_seed_inserts_sample_requests(db_dsn: str) -> None:
    conn = await asyncpg.connect(db_dsn)
    try:
        await conn.execute((SUPABASE / "seed.sql").read_text())
        rows = await conn.fetch("select status, count, requested_by from question_requests")
        assert len(rows) >= 2 and all(r["status"] == "queued" and r["requested_by"] is None for r in rows)
        jobs = await conn.fetchval("select sum(slot_count) from qgen_jobs")
        assert jobs == sum(r["count"] for r in rows)
    finally:
        await conn.close()
