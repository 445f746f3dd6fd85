"""Row Level Security on the real embedded PostgreSQL, acting the way PostgREST does for a request:
one transaction, ``set local role`` and the JWT claims in ``request.jwt.claims``."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

ALICE = uuid.UUID("00000000-0000-4000-8000-00000000a11c")
BOB = uuid.UUID("00000000-0000-4000-8000-000000000b0b")

QGEN_TABLES = [
    "question_requests",
    "qgen_jobs",
    "questions",
    "question_rejects",
    "request_events",
    "qgen_settings",
    "qgen_workers",
]
Denied = asyncpg.InsufficientPrivilegeError  # 42501: missing grant, or a row a policy refuses


@asynccontextmanager
async def acting_as(
    conn: asyncpg.Connection, role: str, sub: uuid.UUID | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """Commit on success, roll back on error, like one PostgREST request."""
    claims: dict[str, str] = {"role": role}
    if sub is not None:
        claims["sub"] = str(sub)
    async with conn.transaction():
        await conn.execute(f"set local role {role}")
        await conn.execute("select set_config('request.jwt.claims', $1, true)", json.dumps(claims))
        yield conn


async def user_request(conn: asyncpg.Connection, who: uuid.UUID, **cols: object) -> asyncpg.Record:
    cols = {"subject": "Physics", "topic": "Optics", "count": 3, **cols}
    names = ", ".join(cols)
    params = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    async with acting_as(conn, "authenticated", who) as c:
        row = await c.fetchrow(
            f"insert into question_requests ({names}) values ({params}) returning *", *cols.values()
        )
    assert row is not None
    return row


async def insert_question(conn: asyncpg.Connection, text: str) -> uuid.UUID:
    qid = await conn.fetchval(
        """insert into questions (subject, topic, difficulty, question_type, question_text, body, text_hash,
                                  scope_key, embedding, provider, model)
           values ('Physics', 'Optics', 'easy', 'mcq', $1, '{}'::jsonb, md5($1), 'physics', $2, 't', 't')
           returning id""",
        text,
        [0.1] * 384,
    )
    assert isinstance(qid, uuid.UUID)
    return qid


async def test_rls_is_on_for_every_table_and_never_forced(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any($1::text[])",
        [*QGEN_TABLES, "qgen_migrations"],
    )
    assert {r["relname"] for r in rows} == {*QGEN_TABLES, "qgen_migrations"}
    assert all(r["relrowsecurity"] for r in rows), rows
    # The worker connects as the owner, which bypasses RLS only while it is not forced.
    assert not any(r["relforcerowsecurity"] for r in rows), rows


async def test_user_insert_gets_own_id_queued_status_jobs_and_a_notification(
    conn: asyncpg.Connection, db_dsn: str
) -> None:
    listener = await asyncpg.connect(db_dsn)
    heard: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener("qgen_jobs", lambda *args: heard.put_nowait(args[3]))
    try:
        row = await user_request(conn, ALICE, count=25, difficulty="Hard")
        assert row["requested_by"] == ALICE
        assert row["status"] == "queued" and row["error"] is None and row["difficulty"] == "hard"
        assert await asyncio.wait_for(heard.get(), 5) == str(row["id"])
    finally:
        await listener.close()
    # The SECURITY DEFINER triggers wrote what the user may not write directly.
    jobs = await conn.fetch(
        "select slot_count from qgen_jobs where request_id=$1 order by slot_start", row["id"]
    )
    assert [j["slot_count"] for j in jobs] == [10, 10, 5]
    async with acting_as(conn, "authenticated", ALICE) as c:
        events = await c.fetch("select new_status from request_events where request_id=$1", row["id"])
    assert [e["new_status"] for e in events] == ["queued"]


async def test_user_sees_only_own_requests_and_events(conn: asyncpg.Connection) -> None:
    mine = await user_request(conn, ALICE)
    theirs = await user_request(conn, BOB)
    await conn.execute("insert into question_requests (subject, topic, count) values ('Maths', 'Sets', 1)")
    async with acting_as(conn, "authenticated", ALICE) as c:
        ids = {r["id"] for r in await c.fetch("select id from question_requests")}
        assert ids == {mine["id"]}
        assert await c.fetchrow("select * from question_requests where id=$1", theirs["id"]) is None
        assert await c.fetchval("select count(*) from request_events where request_id=$1", theirs["id"]) == 0
        assert await c.fetchval("select count(*) from request_events") == 1
    async with acting_as(conn, "authenticated", BOB) as c:
        assert {r["id"] for r in await c.fetch("select id from question_requests")} == {theirs["id"]}


CANCEL = "update question_requests set status='cancelled' where id=$1"
STATUS = "select status from question_requests where id=$1"


async def test_user_cancels_own_open_request_only(conn: asyncpg.Connection) -> None:
    mine = await user_request(conn, ALICE)
    theirs = await user_request(conn, BOB)
    async with acting_as(conn, "authenticated", ALICE) as c:
        assert await c.execute(CANCEL, mine["id"]) == "UPDATE 1"
        assert await c.execute(CANCEL, theirs["id"]) == "UPDATE 0"
    assert await conn.fetchval(STATUS, mine["id"]) == "cancelled"
    assert await conn.fetchval(STATUS, theirs["id"]) == "queued"
    seq = await conn.fetch(
        "select new_status from request_events where request_id=$1 order by id", mine["id"]
    )
    assert [e["new_status"] for e in seq] == ["queued", "cancelled"]

    # A finished request is not matched at all: cancelling it is a no-op, not an error.
    done = await user_request(conn, ALICE)
    await conn.execute("update question_requests set status='succeeded' where id=$1", done["id"])
    async with acting_as(conn, "authenticated", ALICE) as c:
        assert await c.execute(CANCEL, done["id"]) == "UPDATE 0"
    assert await conn.fetchval(STATUS, done["id"]) == "succeeded"


async def assert_denied(
    conn: asyncpg.Connection, role: str, sub: uuid.UUID | None, sql: str, *args: object
) -> None:
    """The statement fails with 42501 and leaves nothing behind (its transaction rolls back)."""
    try:
        async with acting_as(conn, role, sub) as c:
            await c.execute(sql, *args)
    except Denied:
        return
    raise AssertionError(f"allowed as {role} (sub={sub}): {sql}")


async def snapshot(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Everything a refused statement could have changed, read as the owner."""
    return await conn.fetch(
        "select 'r' as t, row_to_json(r)::text as v from question_requests r union all "
        "select 'j', row_to_json(j)::text from qgen_jobs j union all "
        "select 'e', row_to_json(e)::text from request_events e union all "
        "select 'q', question_text from questions union all "
        "select 'x', row_to_json(x)::text from question_rejects x union all "
        "select 's', key || '=' || value from qgen_settings order by 1, 2"
    )


UPDATES_REFUSED = [
    "status = 'succeeded'",
    "status = 'running'",
    "status = 'queued'",
    "status = 'failed'",
    "count = 500",
    "produced = 100",
    "error = null",
    f"requested_by = '{BOB}'",
    "priority = 1000",
    "run_after = now() - interval '1 day'",
    "finished_at = now()",
]


async def test_user_cannot_change_anything_but_cancel(conn: asyncpg.Connection) -> None:
    mine = await user_request(conn, ALICE)
    before = await snapshot(conn)
    for assignment in UPDATES_REFUSED:
        await assert_denied(
            conn, "authenticated", ALICE, f"update question_requests set {assignment} where id=$1", mine["id"]
        )
    assert await snapshot(conn) == before


INSERTS_REFUSED: list[dict[str, object]] = [
    {"requested_by": BOB},  # someone else's id: the policy refuses it
    {"status": "succeeded"},  # the service's columns are not granted at all
    {"status": "queued"},
    {"produced": 5},
    {"priority": 1000},  # queue order is the operator's
    {"run_after": None},
    {"error": "x"},
    {"finished_at": None},
    {"id": uuid.uuid4()},
]


async def test_user_insert_of_non_user_columns_is_refused(conn: asyncpg.Connection) -> None:
    for cols in INSERTS_REFUSED:
        with pytest.raises(Denied):
            await user_request(conn, ALICE, **cols)
    # authenticated without a sub claim: auth.uid() is null and the policy refuses the row.
    await assert_denied(
        conn,
        "authenticated",
        None,
        "insert into question_requests (subject, topic, count) values ('P', 'O', 1)",
    )
    assert await conn.fetchval("select count(*) from question_requests") == 0
    assert await conn.fetchval("select count(*) from qgen_jobs") == 0
    # Naming oneself explicitly is allowed.
    row = await user_request(conn, ALICE, requested_by=ALICE)
    assert row["requested_by"] == ALICE


SERVICE_ONLY = [
    "select * from qgen_jobs",
    "update qgen_jobs set status = 'queued'",
    "delete from qgen_jobs",
    "insert into qgen_jobs (request_id, slot_start, slot_count) values ($1, 100, 1)",
    "select * from question_rejects",
    "insert into question_rejects (question_text, reason) values ('q', 'r')",
    "delete from question_rejects",
    "select * from qgen_settings",
    "update qgen_settings set value = 'true' where key = 'bank_readable'",
    "insert into qgen_settings (key, value) values ('max_count', '100000')",
    "delete from qgen_settings",
    "insert into questions (subject, topic, difficulty, question_type, question_text, body, text_hash,"
    " scope_key, embedding, provider, model) select subject, topic, difficulty, question_type, 'x', body,"
    " 'h', scope_key, embedding, provider, model from questions",
    "update questions set question_text = 'defaced'",
    "delete from questions",
    "delete from question_requests",
    "delete from request_events",
    "insert into request_events (request_id, new_status) values ($1, 'succeeded')",
    "update request_events set detail = 'x'",
    "select * from qgen_migrations",
    "select * from qgen_workers",
    "select * from worker_status",
    "insert into qgen_workers (id, host, pid, version, concurrency, beat_interval_s) values ('w', 'h', 1, 'v', 1, 1)",
    "select qgen_requeue($1)",
    "select qgen_settle_request($1)",
    "select qgen_setting_int('max_count', 1)",
    "select qgen_request_problems(r) from question_requests r",
    "truncate question_requests cascade",
]


async def test_user_cannot_touch_service_tables_or_functions(conn: asyncpg.Connection) -> None:
    mine = await user_request(conn, ALICE)
    await insert_question(conn, "What is the focal length of a plane mirror?")
    before = await snapshot(conn)
    for sql in SERVICE_ONLY:
        args = [mine["id"]] if "$1" in sql else []
        await assert_denied(conn, "authenticated", ALICE, sql, *args)
    assert await snapshot(conn) == before


ANON_REFUSED = [
    *(f"select * from {t}" for t in QGEN_TABLES),
    "insert into question_requests (subject, topic, count) values ('Physics', 'Optics', 1)",
    "update question_requests set status = 'cancelled'",
    "delete from question_requests",
    "select qgen_bank_readable()",
    "select qgen_requeue(gen_random_uuid())",
]


async def test_anon_gets_nothing(conn: asyncpg.Connection) -> None:
    await user_request(conn, ALICE)
    await insert_question(conn, "Which lens converges light?")
    before = await snapshot(conn)
    for sql in ANON_REFUSED:
        await assert_denied(conn, "anon", None, sql)
        # Not even a user's sub claim helps while the role is anon.
        await assert_denied(conn, "anon", ALICE, sql)
    assert await snapshot(conn) == before


async def test_bank_visibility_follows_the_operator_setting(conn: asyncpg.Connection) -> None:
    qid = await insert_question(conn, "State Snell's law.")

    async def visible() -> list[uuid.UUID]:
        async with acting_as(conn, "authenticated", BOB) as c:
            return [r["id"] for r in await c.fetch("select id from questions")]

    assert await visible() == [qid]
    await conn.execute("update qgen_settings set value = 'false' where key = 'bank_readable'")
    assert await visible() == []
    await conn.execute("update qgen_settings set value = 'TRUE' where key = 'bank_readable'")
    assert await visible() == [qid]
    await conn.execute("update qgen_settings set value = 'nonsense' where key = 'bank_readable'")
    assert await visible() == []  # anything but a clear yes hides the bank
    await conn.execute("delete from qgen_settings where key = 'bank_readable'")
    assert await visible() == [qid]  # default when the operator never set it


async def test_service_role_works_without_claims(conn: asyncpg.Connection) -> None:
    """A worker connecting as service_role (BYPASSRLS) sees and changes everything."""
    mine = await user_request(conn, ALICE)
    theirs = await user_request(conn, BOB)
    async with acting_as(conn, "service_role") as c:
        assert await c.fetchval("select count(*) from question_requests") == 2
        assert await c.fetchval("select count(*) from qgen_jobs") == 2
        await c.execute("update qgen_jobs set status = 'running' where request_id = $1", mine["id"])
        assert await c.fetchval("select qgen_settle_request($1)", mine["id"]) == "running"
        await c.execute("update question_requests set status = 'succeeded' where id = $1", theirs["id"])
        await c.execute("insert into question_rejects (question_text, reason) values ('q', 'duplicate')")
        assert await c.fetchval("select qgen_setting_int('job_size', 0)") == 10
    assert await conn.fetchval(STATUS, theirs["id"]) == "succeeded"
