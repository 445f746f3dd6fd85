"""The ready-made queries in sql/queries/analyst/, run as files (as the Supabase SQL editor or psql -f would) against
a migrated database holding requests, jobs, questions with embeddings, refusals, disputes and provider calls."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from .pg import insert_row
from .test_dashboard import add_dispute, add_question, add_reject, record_calls, vector

ANALYST = Path(__file__).resolve().parent.parent / "sql" / "queries" / "analyst"
FILES = ["cost_per_subject", "coverage_gaps", "near_duplicate_pairs", "partial_requests", "questions_per_provider_day"]
SHORTFALL = "6 of 10 not generated: runpod timeout"


def query(name: str, **params: tuple[str, str]) -> str:
    """The file's text, with each parameter's default (``old``) replaced by ``new``, as a person would edit it."""
    sql = (ANALYST / f"{name}.sql").read_text()
    for param, (old, new) in params.items():
        assert sql.count(old) == 1, f"{name}: default of {param} ({old!r}) not found exactly once"
        sql = sql.replace(old, new)
    return sql


def test_every_file_is_covered_here_and_explains_itself() -> None:
    assert sorted(p.stem for p in ANALYST.glob("*.sql")) == FILES
    for name in FILES:
        text = (ANALYST / f"{name}.sql").read_text()
        header = text[: text.index("\nwith ")]
        assert all(line.startswith("--") for line in header.splitlines()), name
        for needle in ("Answers:", "Parameters", "SQL Editor", f"psql \"$DATABASE_URL\" -f sql/queries/analyst/{name}.sql"):
            assert needle in header, (name, needle)


async def run_job(conn: asyncpg.Connection, request: uuid.UUID, shortfall: str | None, *questions: dict[str, Any]) -> None:
    """A worker's pass over the request's only job: claim it, store ``questions``, finish it (settling the request)."""
    job = await conn.fetchval(
        "update qgen_jobs set status = 'running', locked_by = 'w1', attempts = 1 where request_id = $1 returning id", request
    )
    for slot, q in enumerate(questions):
        await add_question(conn, request, slot=slot, **q)
    assert await conn.fetchval("select qgen_finish_job($1, 'w1', $2)", job, shortfall) is not None


def call(provider: str, model: str, outcome: str = "ok", prompt: int = 0, completion: int = 0, cost: float | None = 0.0,
         purpose: str = "generate") -> dict[str, object]:  # fmt: skip
    return {"provider": provider, "model": model, "purpose": purpose, "outcome": outcome, "latency_ms": 100,
            "prompt_tokens": prompt, "completion_tokens": completion, "cost_usd": cost}  # fmt: skip


RUNPOD = {"provider": "runpod", "model": "aryabhata"}
GEMINI = {"provider": "gemini", "model": "flash"}


@pytest.fixture
async def bank(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    """Physics (10 asked, 4 stored: partial today), Mathematics (3 of 3), Chemistry (1 of 2, partial ten days ago),
    a rejected Biology request, and one imported Chemistry question identical in embedding to a Physics one."""
    phys = (await insert_row(conn, {"subject": "Physics", "topic": "Geometrical optics", "count": 10}))["id"]
    maths = (await insert_row(conn, {"subject": "Mathematics", "topic": "Quadratic equations", "count": 3}))["id"]
    chem = (await insert_row(conn, {"subject": "Chemistry", "topic": "Mole concept", "count": 2}))["id"]
    rejected = await insert_row(conn, {"subject": "Biology", "topic": "Cell cycle", "count": 0})
    assert rejected["status"] == "rejected"

    optics = {"subject": "Physics", "topic": "Geometrical optics"}
    await run_job(
        conn, phys, SHORTFALL,
        {**optics, **RUNPOD, "embedding": vector(1, 0), "text": "optics q1"},
        {**optics, **RUNPOD, "embedding": vector(0.96, 0.28), "text": "optics q2"},  # cosine 0.96 with q1
        {**optics, **RUNPOD, "embedding": vector(0, 1), "text": "optics q3"},
        {**optics, **GEMINI, "embedding": vector(0.6, 0.8), "fallback_reason": "runpod timeout", "text": "optics q4"},
    )  # fmt: skip
    quad = {"subject": "Mathematics", "topic": "Quadratic equations", **GEMINI}
    await run_job(
        conn, maths, None,
        {**quad, "difficulty": "easy", "verification": "verified", "embedding": vector(0, 0, 1)},
        {**quad, "difficulty": "medium", "verification": "verified", "embedding": vector(0, 0, 0, 1)},
        {**quad, "difficulty": "hard", "embedding": vector(0, 0, 0, 0, 1)},
    )  # fmt: skip
    await run_job(
        conn, chem, "1 of 2 not generated: runpod server 500",
        {"subject": "Chemistry", "topic": "Mole concept", **RUNPOD, "difficulty": "medium", "question_type": "numeric",
         "embedding": vector(0, 0, 0, 0, 0, 1)},
    )  # fmt: skip
    # same embedding as optics q1 but another dedupe scope (subject:chemistry): never a pair
    await add_question(conn, subject="Chemistry", topic="mole CONCEPT ", provider="import", model="file", embedding=vector(1, 0))

    for reason in ("near_duplicate", "near_duplicate", "exact_duplicate"):
        await add_reject(conn, phys, reason)
    await add_dispute(conn, phys)
    await record_calls(
        conn, phys,
        call(**RUNPOD, outcome="timeout"), call(**RUNPOD, outcome="timeout"), call(**RUNPOD, prompt=1000, completion=500),
        call(**GEMINI, prompt=800, completion=200, cost=0.003),
        call(**GEMINI, prompt=300, completion=50, cost=0.0005, purpose="verify"),
    )  # fmt: skip
    await record_calls(conn, maths, call(**GEMINI, prompt=1600, completion=400, cost=0.006))
    await record_calls(conn, chem, call(**RUNPOD, prompt=500, completion=100, cost=None))  # no price configured
    ten_days = timedelta(days=10)
    await conn.execute(
        "update question_requests set created_at = created_at - $2::interval, finished_at = finished_at - $2::interval"
        " where id = $1",
        chem,
        ten_days,
    )
    await conn.execute("update questions set created_at = created_at - $2::interval where request_id = $1", chem, ten_days)
    await conn.execute("update provider_calls set created_at = created_at - $2::interval where request_id = $1", chem, ten_days)
    statuses = {r["id"]: r["status"] for r in await conn.fetch("select id, status from question_requests")}
    assert [statuses[phys], statuses[maths], statuses[chem]] == ["partial", "succeeded", "partial"]
    return {"phys": phys, "maths": maths, "chem": chem}


async def test_coverage_gaps(conn: asyncpg.Connection, bank: dict[str, uuid.UUID]) -> None:
    rows = await conn.fetch(query("coverage_gaps"))
    chapters = await conn.fetchval("select count(*) from qgen_topics")
    assert len(rows) == chapters  # every catalogue chapter is short of 30
    got = {(r["subject"], r["topic"]): (r["questions"], r["missing"], r["verified"], r["none_of"]) for r in rows}
    nothing = ["easy", "medium", "hard", "mcq", "numeric"]
    # 'mole CONCEPT ' and 'Mole concept' are in the description of Some Basic Concepts in Chemistry
    assert got[("Chemistry", "Some Basic Concepts in Chemistry")] == (2, 28, 0, ["hard"])
    # 'Quadratic equations' is in the chapter's name
    assert got[("Mathematics", "Complex Numbers and Quadratic Equations")] == (3, 27, 2, ["numeric"])
    # the chapter's name is in 'Geometrical optics'
    assert got[("Physics", "Optics")] == (4, 26, 0, ["medium", "hard", "numeric"])
    assert got[("Biology", "Cell Structure and Function")] == (0, 30, 0, nothing)  # a rejected request stores nothing
    assert sum(g[0] for g in got.values()) == 9  # each question once
    assert [(r["subject"], r["topic"]) for r in rows[-3:]] == [
        ("Chemistry", "Some Basic Concepts in Chemistry"), ("Mathematics", "Complex Numbers and Quadratic Equations"),
        ("Physics", "Optics")]  # fmt: skip

    maths = await conn.fetch(query("coverage_gaps", target=("select 30 as target, null::text", "select 3 as target, 'Maths'")))
    assert {r["subject"] for r in maths} == {"Mathematics"}  # an alias names the subject
    assert ("Mathematics", "Complex Numbers and Quadratic Equations") not in {(r["subject"], r["topic"]) for r in maths}
    assert len(maths) == await conn.fetchval("select count(*) - 1 from qgen_topics where subject = 'Mathematics'")


async def test_near_duplicate_pairs(conn: asyncpg.Connection, bank: dict[str, uuid.UUID]) -> None:
    rows = await conn.fetch(query("near_duplicate_pairs"))
    assert [r["similarity"] for r in rows] == [Decimal("0.9600")]
    assert {rows[0]["question_a"], rows[0]["question_b"]} == {"optics q1", "optics q2"}
    assert rows[0]["scope_key"] == "subject:physics" and rows[0]["id_a"] < rows[0]["id_b"]
    assert {rows[0]["made_by_a"], rows[0]["made_by_b"]} == {"runpod / aryabhata"}

    looser = await conn.fetch(query("near_duplicate_pairs", threshold=("0.90::float8", "0.75::float8")))
    pairs = [(r["similarity"], {r["question_a"], r["question_b"]}) for r in looser]
    assert pairs[0] == (Decimal("0.9600"), {"optics q1", "optics q2"})
    assert sorted(map(sorted, (p for _, p in pairs[1:]))) == [["optics q2", "optics q4"], ["optics q3", "optics q4"]]
    assert [s for s, _ in pairs[1:]] == [Decimal("0.8000")] * 2

    one = ("100 as max_pairs", "1 as max_pairs")
    capped = await conn.fetch(query("near_duplicate_pairs", threshold=("0.90::float8", "0.75::float8"), max_pairs=one))
    assert len(capped) == 1
    chemistry = await conn.fetch(query("near_duplicate_pairs", subject=("null::text as subject", "'chem' as subject")))
    assert chemistry == []  # its question matches optics q1 exactly, but in another scope
    physics = await conn.fetch(query("near_duplicate_pairs", subject=("null::text as subject", "' Phys ' as subject")))
    assert [(r["id_a"], r["id_b"]) for r in physics] == [(r["id_a"], r["id_b"]) for r in rows]  # an alias names it


async def test_questions_per_provider_day(conn: asyncpg.Connection, bank: dict[str, uuid.UUID]) -> None:
    today: date = await conn.fetchval("select (now() at time zone 'UTC')::date")
    rows = await conn.fetch(query("questions_per_provider_day"))
    got = [
        (r["day"], r["provider"], r["model"], r["questions"], r["fallbacks"], r["verified"], r["generate_calls"],
         r["failed_calls"], r["generate_tokens"], r["generate_cost_usd"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        (today, "gemini", "flash", 4, 1, 2, 2, 0, 3000, Decimal("0.009")),  # verify call left out
        (today, "runpod", "aryabhata", 3, 0, 0, 3, 2, 1500, Decimal("0")),
        (today, "import", "file", 1, 0, 0, 0, 0, 0, None),
        (today - timedelta(days=10), "runpod", "aryabhata", 1, 0, 0, 1, 0, 600, None),
    ]
    week = await conn.fetch(query("questions_per_provider_day", days=("select 30 as days", "select 7 as days")))
    assert {r["day"] for r in week} == {today}


async def test_partial_requests(conn: asyncpg.Connection, bank: dict[str, uuid.UUID]) -> None:
    rows = await conn.fetch(query("partial_requests"))
    assert [r["id"] for r in rows] == [bank["phys"]]  # Chemistry ended partial ten days ago
    r = rows[0]
    assert (r["count"], r["produced"], r["missing"], r["failed_jobs"], r["short_jobs"]) == (10, 4, 6, 0, 1)
    assert r["error"] == f"4 of 10 questions stored: {SHORTFALL}" and r["job_errors"] == SHORTFALL
    assert json.loads(r["refused"]) == {"near_duplicate": 2, "exact_duplicate": 1}
    assert r["disputes_held"] == 1 and json.loads(r["failed_calls"]) == {"runpod timeout": 2}

    month = await conn.fetch(query("partial_requests", since=("interval '7 days'", "interval '30 days'")))
    assert [r["id"] for r in month] == [bank["phys"], bank["chem"]]
    assert json.loads(month[1]["refused"]) == {} and json.loads(month[1]["failed_calls"]) == {}
    # a request that stored nothing ends failed, and is listed when asked for
    failed = (await insert_row(conn, {"subject": "Physics", "topic": "Waves", "count": 1}))["id"]
    await conn.execute("update qgen_jobs set status = 'failed', last_error = 'runpod timeout' where request_id = $1", failed)
    assert await conn.fetchval("select qgen_settle_request($1)", failed) == "failed"
    both = await conn.fetch(query("partial_requests", statuses=("array['partial']", "array['partial', 'failed']")))
    assert [(r["id"], r["failed_jobs"]) for r in both] == [(failed, 1), (bank["phys"], 0)]


async def test_cost_per_subject(conn: asyncpg.Connection, bank: dict[str, uuid.UUID]) -> None:
    rows = await conn.fetch(query("cost_per_subject"))
    got = [
        (r["subject"], r["requests"], r["questions_stored"], r["generate_tokens"], r["verify_tokens"], r["cost_usd"],
         r["cost_per_question_usd"], r["unpriced_requests"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("Mathematics", 1, 3, 2000, 0, Decimal("0.006"), Decimal("0.002000"), 0),
        ("Physics", 1, 4, 2500, 350, Decimal("0.0035"), Decimal("0.000875"), 0),
        ("Chemistry", 1, 1, 600, 0, None, None, 1),  # made calls, none priced
        # the unpriced Chemistry question is not in the per-question cost: 0.0095 / 7
        ("all subjects", 3, 8, 5100, 350, Decimal("0.0095"), Decimal("0.001357"), 1),
    ]
    week = await conn.fetch(query("cost_per_subject", since=("interval '30 days'", "interval '7 days'")))
    assert [r["subject"] for r in week] == ["Mathematics", "Physics", "all subjects"]
