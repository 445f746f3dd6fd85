"""The per-user quota (qgen_settings max_open_questions) on the real PostgreSQL, through RLS as the web app's
signed-in users insert: over it a request is kept, rejected, and says why; operator rows are exempt; one
user's concurrent inserts cannot both slip under it."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from .test_rls import ALICE, BOB, acting_as, user_request

OPEN = """select coalesce(sum(count - produced), 0) from question_requests
           where requested_by = $1 and status in ('queued', 'running')"""
INSERT = "insert into question_requests (subject, topic, count) values ('Physics', 'Optics', $1) returning *"


async def jobs_of(conn: asyncpg.Connection, request_id: uuid.UUID) -> int:
    return int(await conn.fetchval("select count(*) from qgen_jobs where request_id = $1", request_id))


async def test_default_quota_rejects_the_request_that_would_go_over_and_says_why(conn: asyncpg.Connection) -> None:
    assert await conn.fetchval("select value from qgen_settings where key = 'max_open_questions'") == "2000"
    for _ in range(4):
        assert (await user_request(conn, ALICE, count=500))["status"] == "queued"

    over = await user_request(conn, ALICE, count=1)
    assert over["status"] == "rejected" and over["finished_at"] is not None
    assert over["error"] == (
        "rejected: you already have 2000 questions queued or running and this request asks for 1 more; "
        "the limit is 2000 open questions per user. Wait for your running requests to finish, "
        "or ask an operator to raise max_open_questions"
    )
    assert await jobs_of(conn, over["id"]) == 0
    async with acting_as(conn, "authenticated", ALICE) as c:  # the user reads the reason on her own row
        assert await c.fetchval("select error from question_requests where id = $1", over["id"]) == over["error"]
        assert await c.fetchval("select detail from request_events where request_id = $1", over["id"]) == over["error"]

    # Another user has a quota of their own.
    assert (await user_request(conn, BOB, count=500))["status"] == "queued"


async def test_only_questions_still_to_generate_count(conn: asyncpg.Connection) -> None:
    await conn.execute("update qgen_settings set value = '100' where key = 'max_open_questions'")
    a = await user_request(conn, ALICE, count=60)
    b = await user_request(conn, ALICE, count=40)
    assert (await user_request(conn, ALICE, count=1))["status"] == "rejected"

    # A running request counts what it has not stored yet; cancelled and finished ones count nothing.
    await conn.execute("update question_requests set status = 'running', produced = 30 where id = $1", a["id"])
    async with acting_as(conn, "authenticated", ALICE) as c:
        await c.execute("update question_requests set status = 'cancelled' where id = $1", b["id"])
    assert await conn.fetchval(OPEN, ALICE) == 30
    assert (await user_request(conn, ALICE, count=70))["status"] == "queued"
    rejected = await user_request(conn, ALICE, count=1)
    assert "you already have 100 questions queued or running" in rejected["error"]
    assert "the limit is 100 open questions per user" in rejected["error"]

    await conn.execute("update question_requests set status = 'succeeded' where requested_by = $1", ALICE)
    assert (await user_request(conn, ALICE, count=100))["status"] == "queued"


async def test_operator_rows_are_exempt_and_zero_turns_the_quota_off(conn: asyncpg.Connection) -> None:
    await conn.execute("update qgen_settings set value = '10' where key = 'max_open_questions'")
    assert (await user_request(conn, ALICE, count=10))["status"] == "queued"
    # The table owner (the worker, `qgen enqueue`) and service_role insert with requested_by null.
    for _ in range(3):
        row = await conn.fetchrow(INSERT, 500)
        assert row is not None and row["requested_by"] is None and row["status"] == "queued"
    async with acting_as(conn, "service_role") as c:
        row = await c.fetchrow(INSERT, 500)
    assert row is not None and row["requested_by"] is None and row["status"] == "queued"
    assert await jobs_of(conn, row["id"]) == 50

    assert (await user_request(conn, ALICE, count=1))["status"] == "rejected"
    await conn.execute("update qgen_settings set value = '0' where key = 'max_open_questions'")
    assert (await user_request(conn, ALICE, count=500))["status"] == "queued"


async def test_rows_of_one_statement_count_each_other(conn: asyncpg.Connection) -> None:
    async with acting_as(conn, "authenticated", ALICE) as c:
        rows = await c.fetch(
            "insert into question_requests (subject, topic, count) "
            "select 'Physics', 'Optics', 500 from generate_series(1, 5) returning status"
        )
    assert [r["status"] for r in rows] == ["queued"] * 4 + ["rejected"]
    assert await conn.fetchval(OPEN, ALICE) == 2000


async def test_concurrent_inserts_by_one_user_take_turns(conn: asyncpg.Connection, db_dsn: str) -> None:
    for _ in range(3):
        await user_request(conn, ALICE, count=500)
    first, second = await asyncpg.connect(db_dsn), await asyncpg.connect(db_dsn)
    try:
        # The first insert holds the user's lock until it commits; the second waits for it and then
        # counts the first one's 500 instead of slipping in beside it.
        async with acting_as(first, "authenticated", ALICE) as c:
            assert await c.fetchval(INSERT.replace("*", "status"), 500) == "queued"
            waiting = asyncio.create_task(user_request(second, ALICE, count=500))
            await asyncio.sleep(0.3)
            assert not waiting.done()
        assert (await asyncio.wait_for(waiting, 10))["status"] == "rejected"
    finally:
        await first.close()
        await second.close()
    assert await conn.fetchval(OPEN, ALICE) == 2000


async def test_many_concurrent_inserts_never_exceed_the_quota(conn: asyncpg.Connection, db_dsn: str) -> None:
    conns = [await asyncpg.connect(db_dsn) for _ in range(6)]
    try:
        rows = await asyncio.gather(*(user_request(c, ALICE, count=500) for c in conns))
    finally:
        for c in conns:
            await c.close()
    assert sorted(r["status"] for r in rows) == ["queued"] * 4 + ["rejected"] * 2
    assert await conn.fetchval(OPEN, ALICE) == 2000
    assert await conn.fetchval("select sum(slot_count) from qgen_jobs") == 2000
