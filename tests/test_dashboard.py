"""The dashboard migration (20261130000500_dashboard.sql): the Realtime publication, the views the Supabase
table editor shows (request_progress, provider_stats, bank_coverage) read as a web-app user, as anon and as an
operator, and a comment on every table and view."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from .pg import insert_row
from .test_rls import ALICE, BOB, Denied, acting_as, user_request
from .test_supabase_migrations import apply_like_supabase_cli

DIM = 384
VIEWS = ("request_progress", "provider_stats", "bank_coverage", "worker_status", "request_costs")


def vector(*head: float) -> str:
    """A pgvector literal: ``head`` then zeros (cosine similarity of two of them is easy to work out)."""
    return "[" + ",".join(str(x) for x in [*head, *[0.0] * (DIM - len(head))]) + "]"


async def add_question(
    conn: asyncpg.Connection,
    request_id: uuid.UUID | None = None,
    *,
    slot: int | None = None,
    subject: str = "Physics",
    topic: str = "Optics",
    difficulty: str = "easy",
    question_type: str = "mcq",
    provider: str = "runpod",
    model: str = "aryabhata",
    fallback_reason: str | None = None,
    verification: str = "unverified",
    embedding: str | None = None,
    created_at: datetime | None = None,
    text: str | None = None,
) -> uuid.UUID:
    """One bank row as the worker writes it (the owner bypasses RLS); its id."""
    text = text or f"question {uuid.uuid4()}"
    qid = await conn.fetchval(
        """insert into questions (request_id, slot, subject, topic, difficulty, question_type, question_text, body,
                                  text_hash, scope_key, embedding, provider, model, fallback_reason, verification,
                                  created_at)
           values ($1, $2, $3, $4, $5, $6, $7, '{}', md5($7), 'subject:' || lower($3), $8::text::vector, $9, $10,
                   $11, $12, coalesce($13, now()))
           returning id""",
        request_id, slot, subject, topic, difficulty, question_type, text, embedding or vector(1.0, len(text)),
        provider, model, fallback_reason, verification, created_at,
    )  # fmt: skip
    assert isinstance(qid, uuid.UUID)
    return qid


async def add_reject(conn: asyncpg.Connection, request_id: uuid.UUID | None, reason: str) -> None:
    await conn.execute(
        "insert into question_rejects (request_id, question_text, reason, similarity) values ($1, 'refused', $2, 0.93)",
        request_id,
        reason,
    )


async def add_dispute(conn: asyncpg.Connection, request_id: uuid.UUID, stored: uuid.UUID | None = None) -> None:
    await conn.execute(
        """insert into question_disputes (request_id, subject, topic, question_type, question_text, body, provider,
                                          model, verifier_provider, verifier_model, verifier_answer, reason,
                                          stored_question_id)
           values ($1, 'Physics', 'Optics', 'mcq', 'disputed?', '{}', 'runpod', 'aryabhata', 'gemini', 'flash',
                   '{"choice": 2}', 'verifier chose option 2, key says 0', $2)""",
        request_id,
        stored,
    )


async def record_calls(conn: asyncpg.Connection, request_id: uuid.UUID, *calls: dict[str, object]) -> None:
    await conn.execute("select qgen_record_calls($1, null, $2::jsonb)", request_id, json.dumps(list(calls)))


# --- Realtime ---------------------------------------------------------------------------------------------------

PUBLISHED = "select schemaname || '.' || tablename from pg_publication_tables where pubname = 'supabase_realtime'"


async def test_realtime_publication_holds_requests_and_questions(conn: asyncpg.Connection) -> None:
    pub = await conn.fetchrow("select * from pg_publication where pubname = 'supabase_realtime'")
    assert pub is not None and not pub["puballtables"]
    assert pub["pubinsert"] and pub["pubupdate"] and pub["pubdelete"]
    assert sorted(r[0] for r in await conn.fetch(PUBLISHED)) == ["public.question_requests", "public.questions"]
    # Whole rows (no column list): Realtime decodes every column and drops per subscriber what it may not select.
    partial = await conn.fetch(
        """select t.tablename from pg_publication_tables t
            where t.pubname = 'supabase_realtime'
              and cardinality(t.attnames) <> (select count(*) from pg_attribute a
                                               where a.attrelid = (t.schemaname || '.' || t.tablename)::regclass
                                                 and a.attnum > 0 and not a.attisdropped)"""
    )
    assert partial == []


async def test_realtime_checks_pass_for_own_rows_only(conn: asyncpg.Connection) -> None:
    """What Supabase Realtime runs per subscriber before it sends a change (realtime.apply_rls): the subscriber's
    SELECT privilege on the primary key, then ``select exists(select 1 from <table> where <pk> = ...)`` under their
    role and claims, so RLS decides."""
    mine = await user_request(conn, ALICE)
    qid = await add_question(conn, mine["id"], slot=0)

    async def visible(who: uuid.UUID, table: str, pk: uuid.UUID) -> bool:
        async with acting_as(conn, "authenticated", who) as c:
            assert await c.fetchval("select has_column_privilege('authenticated', $1, 'id', 'SELECT')", table)
            return bool(await c.fetchval(f"select exists(select 1 from {table} where id = $1)", pk))

    assert await visible(ALICE, "question_requests", mine["id"])
    assert not await visible(BOB, "question_requests", mine["id"])
    assert await visible(BOB, "questions", qid)
    await conn.execute("update qgen_settings set value = 'false' where key = 'bank_readable'")
    assert not await visible(ALICE, "questions", qid)


@pytest.mark.parametrize(
    "before",
    [
        "",  # plain PostgreSQL: the migration creates the publication
        "create table app_notes (id int primary key); create publication supabase_realtime for table app_notes;",
        "create publication supabase_realtime for all tables;",  # some self-hosted stacks
    ],
    ids=["missing", "supabase-with-a-table", "for-all-tables"],
)
async def test_publication_is_joined_not_replaced(empty_dsn: str, before: str) -> None:
    await apply_like_supabase_cli(empty_dsn, before=before)
    await apply_like_supabase_cli(empty_dsn)  # every file is idempotent, this one too
    conn = await asyncpg.connect(empty_dsn)
    try:
        tables = {r[0] for r in await conn.fetch(PUBLISHED)}
    finally:
        await conn.close()
    assert {"public.question_requests", "public.questions"} <= tables
    assert ("public.app_notes" in tables) == ("app_notes" in before)


# --- request_progress -------------------------------------------------------------------------------------------

PROGRESS_COLUMNS = [
    "request_id", "requested_by", "subject", "topic", "difficulty", "question_type", "status", "count", "produced",
    "percent_done", "jobs_queued", "jobs_running", "jobs_done", "jobs_failed", "duplicates_refused", "disputed",
    "fallbacks", "last_error", "age", "created_at", "finished_at", "generate_tokens", "verify_tokens", "cost_usd",
]  # fmt: skip
OPERATOR_ONLY = ["jobs_queued", "jobs_running", "jobs_done", "jobs_failed", "duplicates_refused", "disputed"]
JOB_ERROR = "runpod timeout (5 attempts)"


async def progress_data(conn: asyncpg.Connection) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Alice's request of 35 (four jobs: done, failed, running, queued) with 3 questions (one a fallback, one
    stored disputed), 3 duplicates refused, one more dispute held back and priced calls; Bob's request; an
    operator's."""
    mine = (await user_request(conn, ALICE, count=35))["id"]
    theirs = (await user_request(conn, BOB, count=2))["id"]
    ops = (await insert_row(conn, {"subject": "Chemistry", "topic": "Moles", "count": 1}))["id"]
    jobs = [r["id"] for r in await conn.fetch("select id from qgen_jobs where request_id = $1 order by slot_start", mine)]
    assert len(jobs) == 4
    t0 = datetime.now().astimezone() - timedelta(minutes=5)
    for job, status, error, minutes in [
        (jobs[0], "done", "8 of 10 not generated: runpod too_few 2/10", 1),
        (jobs[1], "failed", JOB_ERROR, 2),  # the latest error
        (jobs[2], "running", None, 3),
    ]:
        await conn.execute(
            "update qgen_jobs set status = $2, last_error = $3, updated_at = $4 where id = $1",
            job, status, error, t0 + timedelta(minutes=minutes),
        )  # fmt: skip
    assert await conn.fetchval("select qgen_settle_request($1)", mine) == "running"
    await add_question(conn, mine, slot=0)
    await add_question(conn, mine, slot=1, provider="gemini", model="flash", fallback_reason="runpod timeout")
    disputed = await add_question(conn, mine, slot=2, verification="disputed")
    await add_question(conn, theirs, slot=0, fallback_reason="runpod server 500")
    for reason in ("near_duplicate", "exact_duplicate", "variant", "slot_filled"):  # slot_filled is no duplicate
        await add_reject(conn, mine, reason)
    await add_reject(conn, theirs, "near_duplicate")
    await add_dispute(conn, mine)  # held back for review
    await add_dispute(conn, mine, stored=disputed)  # the stored, marked copy: counted once
    await record_calls(
        conn,
        mine,
        {"provider": "runpod", "model": "aryabhata", "outcome": "ok", "latency_ms": 900, "prompt_tokens": 100,
         "completion_tokens": 20, "cost_usd": 0.01},
        {"provider": "gemini", "model": "flash", "purpose": "verify", "outcome": "ok", "latency_ms": 300,
         "prompt_tokens": 30, "completion_tokens": 5, "cost_usd": 0.002},
    )  # fmt: skip
    return mine, theirs, ops


def expected_mine(mine: uuid.UUID) -> dict[str, object]:
    return {
        "request_id": mine, "requested_by": ALICE, "status": "running", "count": 35, "produced": 3,
        "percent_done": Decimal("8.6"), "jobs_queued": 1, "jobs_running": 1, "jobs_done": 1, "jobs_failed": 1,
        "duplicates_refused": 3, "disputed": 2, "fallbacks": 1, "last_error": JOB_ERROR, "generate_tokens": 120,
        "verify_tokens": 35, "cost_usd": Decimal("0.012"),
    }  # fmt: skip


def pick(row: asyncpg.Record, like: dict[str, object]) -> dict[str, object]:
    return {k: row[k] for k in like}


async def test_request_progress_for_operators_has_every_figure(conn: asyncpg.Connection) -> None:
    mine, theirs, ops = await progress_data(conn)
    rows = {r["request_id"]: r for r in await conn.fetch("select * from request_progress")}
    assert set(rows) == {mine, theirs, ops}
    assert list(rows[mine].keys()) == PROGRESS_COLUMNS
    want = expected_mine(mine)
    assert pick(rows[mine], want) == want
    assert rows[mine]["age"] >= timedelta(0) and rows[mine]["finished_at"] is None
    bob = {"jobs_queued": 1, "produced": 1, "fallbacks": 1, "duplicates_refused": 1, "disputed": 0, "cost_usd": None}
    assert pick(rows[theirs], bob) == bob
    assert rows[ops]["requested_by"] is None and rows[ops]["percent_done"] == 0
    # service_role (the service key) reads it as the owner does
    async with acting_as(conn, "service_role") as c:
        assert {r["request_id"]: pick(r, want) for r in await c.fetch("select * from request_progress")}[mine] == want


async def test_request_progress_for_a_user_is_own_rows_with_operator_figures_null(conn: asyncpg.Connection) -> None:
    mine, theirs, _ = await progress_data(conn)
    async with acting_as(conn, "authenticated", ALICE) as c:
        rows = await c.fetch("select * from request_progress")
    assert [r["request_id"] for r in rows] == [mine]
    want = {**expected_mine(mine), **dict.fromkeys(OPERATOR_ONLY), "last_error": None}  # a job's error is operator-only
    assert pick(rows[0], want) == want
    async with acting_as(conn, "authenticated", BOB) as c:
        assert [r["request_id"] for r in await c.fetch("select request_id from request_progress")] == [theirs]
        # the helper behind the view gives away nothing either, called directly through /rpc
        ops = await c.fetchrow("select * from qgen_request_ops($1)", mine)
    assert ops is not None and all(v is None for v in ops.values())

    # fallbacks counts the bank rows the reader may see: none while the bank is hidden from users
    await conn.execute("update qgen_settings set value = 'false' where key = 'bank_readable'")
    async with acting_as(conn, "authenticated", ALICE) as c:
        assert await c.fetchval("select fallbacks from request_progress") == 0

    # once the request ends, its own error is the last_error a user sees
    await conn.execute("update qgen_jobs set status = 'failed' where request_id = $1 and status <> 'done'", mine)
    assert await conn.fetchval("select qgen_settle_request($1)", mine) == "partial"
    async with acting_as(conn, "authenticated", ALICE) as c:
        row = await c.fetchrow("select status, last_error, finished_at from request_progress")
    assert row is not None and row["status"] == "partial" and row["finished_at"] is not None
    assert row["last_error"].startswith("3 of 35 questions stored: ")


# --- provider_stats ---------------------------------------------------------------------------------------------

async def add_call(conn: asyncpg.Connection, provider: str, model: str, outcome: str, latency_ms: int, **kw: object) -> None:
    await conn.execute(
        """insert into provider_calls (provider, model, purpose, outcome, latency_ms, prompt_tokens, completion_tokens,
                                       cost_usd, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, now() - $9::text::interval)""",
        provider, model, kw.get("purpose", "generate"), outcome, latency_ms, kw.get("prompt", 10), kw.get("completion", 5),
        kw.get("cost"), kw.get("ago", "1 hour"),
    )  # fmt: skip


async def provider_data(conn: asyncpg.Connection) -> None:
    """runpod: 5 calls today (2 failed) and 1 two days ago; gemini: 2 generation calls and 1 verification call;
    questions: 3 by runpod today (+1 two days ago), 3 by gemini of which 2 fell back from runpod."""
    for outcome, ms in [("ok", 100), ("ok", 200), ("ok", 300), ("timeout", 400), ("server", 1000)]:
        await add_call(conn, "runpod", "aryabhata", outcome, ms, cost=Decimal(0))
    await add_call(conn, "runpod", "aryabhata", "server", 99_999, ago="2 days")
    await add_call(conn, "gemini", "flash", "ok", 50, prompt=1000, completion=200, cost=Decimal("0.0008"))
    await add_call(conn, "gemini", "flash", "ok", 150, prompt=1000, completion=200, cost=Decimal("0.0008"))
    await add_call(conn, "gemini", "flash", "ok", 70, purpose="verify")
    for _ in range(3):
        await add_question(conn)
    await add_question(conn, created_at=datetime.now().astimezone() - timedelta(days=2))
    for reason in ("runpod timeout", "runpod timeout", None):
        await add_question(conn, provider="gemini", model="flash", fallback_reason=reason)


STATS_COLUMNS = [
    "provider", "model", "purpose", "window_start", "calls", "failed_calls", "failure_rate", "failures_by_kind",
    "failure_rate_by_kind", "p50_latency_ms", "p95_latency_ms", "prompt_tokens", "completion_tokens", "cost_usd",
    "questions_stored", "fallback_questions", "fallback_reasons",
]  # fmt: skip


async def stats(conn: asyncpg.Connection) -> dict[tuple[str, str, str], dict[str, object]]:
    rows = await conn.fetch("select * from provider_stats")
    assert rows and list(rows[0].keys()) == STATS_COLUMNS
    out = {}
    for r in rows:
        d = dict(r)
        for k in ("failures_by_kind", "failure_rate_by_kind", "fallback_reasons"):
            d[k] = json.loads(d[k]) if d[k] is not None else None
        out[(r["provider"], r["model"], r["purpose"])] = d
    return out


async def test_provider_stats_over_the_window(conn: asyncpg.Connection) -> None:
    await provider_data(conn)
    s = await stats(conn)
    assert set(s) == {("runpod", "aryabhata", "generate"), ("gemini", "flash", "generate"), ("gemini", "flash", "verify")}
    runpod = s[("runpod", "aryabhata", "generate")]
    assert pick_d(runpod, ["calls", "failed_calls", "failure_rate", "failures_by_kind", "failure_rate_by_kind"]) == {
        "calls": 5, "failed_calls": 2, "failure_rate": Decimal("0.4"),
        "failures_by_kind": {"timeout": 1, "server": 1}, "failure_rate_by_kind": {"timeout": 0.2, "server": 0.2},
    }  # fmt: skip
    # percentile_cont interpolates: p95 of 100..400, 1000 = 400 + 0.8 * 600
    assert (runpod["p50_latency_ms"], runpod["p95_latency_ms"]) == (300, pytest.approx(880))
    assert (runpod["prompt_tokens"], runpod["completion_tokens"], runpod["cost_usd"]) == (50, 25, 0)
    assert (runpod["questions_stored"], runpod["fallback_questions"], runpod["fallback_reasons"]) == (3, 0, None)
    gemini = s[("gemini", "flash", "generate")]
    assert pick_d(gemini, ["calls", "failed_calls", "failure_rate", "failures_by_kind", "cost_usd"]) == {
        "calls": 2, "failed_calls": 0, "failure_rate": 0, "failures_by_kind": {}, "cost_usd": Decimal("0.0016"),
    }  # fmt: skip
    assert (gemini["p50_latency_ms"], gemini["p95_latency_ms"]) == (100, pytest.approx(145))
    assert (gemini["questions_stored"], gemini["fallback_questions"]) == (3, 2)
    assert gemini["fallback_reasons"] == {"runpod timeout": 2}
    verify = s[("gemini", "flash", "verify")]
    assert verify["calls"] == 1 and verify["questions_stored"] is None
    start = runpod["window_start"]
    assert isinstance(start, datetime) and timedelta(hours=23) < datetime.now().astimezone() - start < timedelta(hours=25)

    # the window is a setting: three days take in the old call and the old question
    await conn.execute("update qgen_settings set value = '3 days' where key = 'provider_stats_window'")
    runpod = (await stats(conn))[("runpod", "aryabhata", "generate")]
    assert (runpod["calls"], runpod["failures_by_kind"], runpod["questions_stored"]) == (6, {"timeout": 1, "server": 2}, 4)


def pick_d(d: dict[str, object], keys: list[str]) -> dict[str, object]:
    return {k: d[k] for k in keys}


async def test_provider_stats_is_for_operators_only(conn: asyncpg.Connection) -> None:
    await provider_data(conn)
    for role, sub in [("authenticated", ALICE), ("anon", None)]:
        with pytest.raises(Denied, match="provider_stats"):
            async with acting_as(conn, role, sub) as c:
                await c.fetch("select * from provider_stats")
    async with acting_as(conn, "service_role") as c:
        assert await c.fetchval("select sum(calls) from provider_stats") == 8


# --- bank_coverage ----------------------------------------------------------------------------------------------

async def test_bank_coverage_counts_and_verified_share(conn: asyncpg.Connection) -> None:
    for verification in ("verified", "verified", "unverified", "disputed"):
        await add_question(conn, verification=verification)
    await add_question(conn, difficulty="hard", question_type="numeric", verification="verified", fallback_reason="x")
    await add_question(conn, subject="Chemistry", topic="Moles")
    want = {
        ("Physics", "Optics", "easy", "mcq"): (4, 2, Decimal("0.500"), 1, 0),
        ("Physics", "Optics", "hard", "numeric"): (1, 1, Decimal("1.000"), 0, 1),
        ("Chemistry", "Moles", "easy", "mcq"): (1, 0, Decimal("0.000"), 0, 0),
    }
    query = "select * from bank_coverage"

    def shape(rows: list[asyncpg.Record]) -> dict[tuple[str, ...], tuple[object, ...]]:
        return {
            (r["subject"], r["topic"], r["difficulty"], r["question_type"]): (
                r["questions"], r["verified"], r["verified_share"], r["disputed"], r["fallbacks"]
            )
            for r in rows
        }  # fmt: skip

    rows = await conn.fetch(query)
    assert list(rows[0].keys()) == [
        "subject", "topic", "difficulty", "question_type", "questions", "verified", "verified_share", "disputed",
        "fallbacks", "last_added",
    ]  # fmt: skip
    assert shape(rows) == want
    # a user reads the bank through the questions policy: all of it while bank_readable, nothing otherwise
    async with acting_as(conn, "authenticated", BOB) as c:
        assert shape(await c.fetch(query)) == want
    await conn.execute("update qgen_settings set value = 'false' where key = 'bank_readable'")
    async with acting_as(conn, "authenticated", BOB) as c:
        assert await c.fetch(query) == []
    with pytest.raises(Denied, match="bank_coverage"):
        async with acting_as(conn, "anon") as c:
            await c.fetch(query)


# --- every view -------------------------------------------------------------------------------------------------

async def test_views_are_security_invoker_and_closed_to_anon(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select relname, reloptions from pg_class where relnamespace = 'public'::regnamespace and relkind = 'v'"
    )
    assert sorted(r["relname"] for r in rows) == sorted(VIEWS)
    assert all("security_invoker=true" in r["reloptions"] for r in rows), rows
    grants = await conn.fetch(
        """select table_name, grantee, privilege_type from information_schema.role_table_grants
            where table_name = any($1::text[]) and grantee in ('anon', 'authenticated', 'service_role', 'PUBLIC')""",
        list(VIEWS),
    )
    assert sorted(tuple(g) for g in grants) == [
        ("bank_coverage", "authenticated", "SELECT"),
        ("bank_coverage", "service_role", "SELECT"),
        ("provider_stats", "service_role", "SELECT"),
        ("request_costs", "service_role", "SELECT"),
        ("request_progress", "authenticated", "SELECT"),
        ("request_progress", "service_role", "SELECT"),
        ("worker_status", "service_role", "SELECT"),
    ]
    for view in VIEWS:
        with pytest.raises(Denied, match=view):
            async with acting_as(conn, "anon", ALICE) as c:
                await c.fetch(f"select * from {view}")


# --- comments ---------------------------------------------------------------------------------------------------

# View columns whose name says it all; every other view column must carry a comment.
SELF_EXPLANATORY = {
    "request_id", "requested_by", "subject", "topic", "difficulty", "question_type", "status", "count", "produced",
    "created_at", "finished_at", "provider", "model", "calls", "failed_calls", "prompt_tokens", "completion_tokens",
    "cost_usd", "questions", "last_added",
}  # fmt: skip


async def test_every_table_and_view_documents_itself(conn: asyncpg.Connection) -> None:
    relations = await conn.fetch(
        """select c.relname, c.relkind::text, obj_description(c.oid, 'pg_class') as comment from pg_class c
            where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm') order by 1"""
    )
    names = {r["relname"] for r in relations}
    assert {"question_requests", "questions", "provider_calls", "question_disputes", "qgen_migrations", *VIEWS} <= names
    assert [r["relname"] for r in relations if not (r["comment"] or "").strip()] == []
    bare = await conn.fetch(
        """select c.relname, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid
            where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' and a.attnum > 0
              and col_description(c.oid, a.attnum) is null and not a.attname = any($1::text[])""",
        sorted(SELF_EXPLANATORY),
    )
    assert [tuple(b) for b in bare] == []
    # the decision about what web-app users see is stated where the dashboard shows it
    progress = await conn.fetchval("select obj_description('request_progress'::regclass, 'pg_class')")
    assert "own requests" in progress and "null" in progress

