"""Migrations are history: the first release's files never change, a database that release migrated
upgrades to the current schema with its data intact, and a drifted file stops ``qgen migrate`` and the
worker before anything runs. ``fixtures/release_5585932/`` holds that release's sql/migrations, copied
with ``git show 5585932:sql/migrations/<file>``."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest

from service import migrations
from service.errors import DatabaseError
from service.settings import Settings
from service.sqlfiles import migration_files
from service.worker import Worker

from .pg import insert_row
from .test_rls import user_request

ROOT = Path(__file__).resolve().parent.parent
RELEASE = sorted((ROOT / "tests" / "fixtures" / "release_5585932").glob("*.sql"))
NAME = re.compile(r"^\d{14}_[a-z0-9_]+\.sql$")
USER = uuid.UUID("00000000-0000-4000-8000-0000000000a1")

# What the schema consists of, compared between an upgraded database and a freshly migrated one.
SCHEMA = {
    "columns": """select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         pg_get_expr(d.adbin, d.adrelid)
                    from pg_attribute a join pg_class c on c.oid = a.attrelid
                    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                   where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0
                     and not a.attisdropped order by 1, 2""",
    "constraints": """select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
                       where connamespace = 'public'::regnamespace order by 1, 2""",
    "indexes": "select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2",
    "functions": """select p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc), p.prosecdef,
                           p.proconfig::text, p.proacl::text
                      from pg_proc p where p.pronamespace = 'public'::regnamespace
                       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
                     order by 1, 2""",
    "triggers": "select tgname, pg_get_triggerdef(oid) from pg_trigger where not tgisinternal order by 1",
    "policies": "select tablename, policyname, roles::text, cmd, qual, with_check from pg_policies order by 1, 2",
    "settings": "select key, value from qgen_settings order by 1",
}
# The rows a release database holds, compared before and after the upgrade (release columns only).
DATA = {
    "question_requests": "select * from question_requests order by id",
    "qgen_jobs": "select * from qgen_jobs order by id",
    "questions": "select * from questions order by id",
    "request_events": "select * from request_events order by id",
}


async def snapshot(conn: asyncpg.Connection, queries: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    return {name: [dict(r) for r in await conn.fetch(sql)] for name, sql in queries.items()}


def test_released_migrations_are_never_edited_and_new_ones_come_later() -> None:
    current = {p.name: p for p in migration_files()}
    assert [p.name for p in RELEASE] == ["20261129000100_core.sql", "20261129000200_security.sql"]
    for released in RELEASE:
        assert released.name in current, f"released migration {released.name} was deleted"
        assert current[released.name].read_bytes() == released.read_bytes(), (
            f"released migration {released.name} was edited in place: restore it and put the change in a new file"
        )
    newer = sorted(set(current) - {p.name for p in RELEASE})
    assert all(name > RELEASE[-1].name for name in newer), newer
    assert all(NAME.match(name) for name in current), sorted(current)


async def release_writes(conn: asyncpg.Connection) -> uuid.UUID:
    """What the first release's web app and worker wrote: a user's request (through RLS, as PostgREST does)
    with one job done short and one queued, and an operator's request still queued. Returns the user's."""
    async with conn.transaction():
        await conn.execute("set local role authenticated")
        await conn.execute(
            "select set_config('request.jwt.claims', $1, true)", json.dumps({"role": "authenticated", "sub": str(USER)})
        )
        mine = await conn.fetchval(
            "insert into question_requests (subject, topic, count) values ('Physics', 'Optics', 15) returning id"
        )
    await insert_row(conn, {"subject": "Chemistry", "topic": "Moles", "count": 3})
    job = await conn.fetchrow(
        """update qgen_jobs set status = 'running', locked_by = 'w1', attempts = attempts + 1, started_at = now(),
                  lease_expires_at = now() + interval '1 minute'
            where id = (select min(id) from qgen_jobs where request_id = $1)
        returning id, slot_start""",
        mine,
    )
    assert job is not None
    for slot in (0, 1):
        vec = "[" + ",".join(["0.1"] * 383 + [str(slot)]) + "]"
        await conn.execute(
            """insert into questions (request_id, job_id, slot, subject, topic, difficulty, question_type,
                                      question_text, body, text_hash, scope_key, embedding, provider, model)
               values ($1, $2, $3, 'Physics', 'Optics', 'medium', 'mcq', $4, '{}', md5($4), 'subject:physics',
                       $5::text::vector, 'runpod', 'aryabhata')""",
            mine, job["id"], slot, f"release question {slot}", vec,
        )
    assert await conn.fetchval("select qgen_finish_job($1, 'w1', '2 of 10 stored')", job["id"]) == "running"
    return mine


async def test_release_database_upgrades_with_its_data(empty_dsn: str, db_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    fresh = await asyncpg.connect(db_dsn)
    try:
        assert await migrations.migrate(conn, RELEASE) == [p.name for p in RELEASE]
        mine = await release_writes(conn)
        before = await snapshot(conn, DATA)
        assert [r["produced"] for r in before["question_requests"] if r["id"] == mine] == [2]

        current = [p.name for p in migration_files()]
        assert await migrations.migrate(conn) == [n for n in current if n not in {p.name for p in RELEASE}]

        after = await snapshot(conn, DATA)
        for table, rows in before.items():
            kept = [{k: r[k] for k in rows[0]} for r in after[table]]
            assert kept == rows, table
        assert [r["name"] for r in await conn.fetch("select name from qgen_migrations order by name")] == current
        assert await migrations.check_applied(conn) == []
        assert await snapshot(conn, SCHEMA) == await snapshot(fresh, SCHEMA)

        # The per-user quota (20261130000100) counts what the release left open: 15 asked, 2 stored.
        await conn.execute("update qgen_settings set value = '20' where key = 'max_open_questions'")
        over = await user_request(conn, USER, count=8)
        assert over["status"] == "rejected" and "you already have 13 questions queued or running" in over["error"]
        assert (await user_request(conn, USER, count=7))["status"] == "queued"
    finally:
        await conn.close()
        await fresh.close()


async def test_drift_is_refused_before_anything_is_applied(empty_dsn: str, tmp_path: Path) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrations.migrate(conn, RELEASE)
        edited = tmp_path / RELEASE[0].name
        edited.write_text(RELEASE[0].read_text() + "\n-- a harmless-looking edit\n")
        later = tmp_path / "20991231000000_later.sql"
        later.write_text("create table later (id int);\n")
        with pytest.raises(DatabaseError) as e:
            await migrations.migrate(conn, [edited, RELEASE[1], later])
        assert RELEASE[0].name in str(e.value) and "\n" not in str(e.value)
        assert await conn.fetchval("select to_regclass('later')") is None
        with pytest.raises(DatabaseError, match=RELEASE[0].name):
            await migrations.check_applied(conn, [edited, RELEASE[1]])
        assert await migrations.check_applied(conn, [*RELEASE, later]) == [later.name]
    finally:
        await conn.close()


async def test_drift_stops_qgen_migrate_and_the_worker_start(
    conn: asyncpg.Connection, db_dsn: str, settings: Settings, tmp_path: Path
) -> None:
    name = migration_files()[0].name
    await conn.execute("update qgen_migrations set checksum = 'not what the file says' where name = $1", name)

    p = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "service.cli", "migrate"],
        env={"DATABASE_URL": db_dsn, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert p.stderr.splitlines() == [p.stderr.strip()] and name in p.stderr and "immutable" in p.stderr

    # The check runs before the worker touches its generator or embedder.
    worker = Worker(settings, dsn=db_dsn, generator=cast(Any, None), embedder=cast(Any, None))
    with pytest.raises(DatabaseError, match=name):
        await worker.run(drain=True)
