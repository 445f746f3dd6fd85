"""The subject catalogue on real PostgreSQL: aliases resolve everywhere, an unknown subject is a rejected
request (through RLS, as the web app inserts it), users read the catalogue and cannot change it, and rows
written before the catalogue are mapped to their canonical subject by its migration."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import asyncpg
import pytest

from service import catalogue, importer, migrations, status
from service.embedding import Embedder
from service.settings import Settings
from service.sqlfiles import migration_files
from simulators.content import shape_item
from simulators.shapes import all_shapes

from .pg import insert_row
from .test_rls import ALICE, Denied, acting_as, user_request

CATALOGUE_TABLES = ["qgen_subjects", "qgen_subject_aliases", "qgen_topics"]
MIGRATION = "20261204000300_subjects.sql"


@pytest.mark.parametrize(
    ("written", "subject"),
    [("Maths", "Mathematics"), ("  math ", "Mathematics"), ("MATHEMATICS", "Mathematics"), ("Phys", "Physics"),
     ("chem", "Chemistry"), ("Botany", "Biology"), ("zoology", "Biology")],
)  # fmt: skip
async def test_a_request_is_stored_under_the_canonical_subject(conn: asyncpg.Connection, written: str, subject: str) -> None:
    row = await insert_row(conn, {"subject": written, "topic": "Limits", "count": 2})
    assert (row["status"], row["subject"]) == ("queued", subject)
    assert await conn.fetchval("select count(*) from qgen_jobs where request_id = $1", row["id"]) == 1


async def test_a_topic_named_as_a_chapter_takes_the_chapters_spelling(conn: asyncpg.Connection) -> None:
    row = await insert_row(conn, {"subject": "maths", "topic": "integral calculus", "count": 1})
    assert (row["subject"], row["topic"]) == ("Mathematics", "Integral Calculus")
    other = await insert_row(conn, {"subject": "maths", "topic": "Definite integrals", "count": 1})
    assert other["topic"] == "Definite integrals"  # a topic outside the chapter list stays as written


async def test_an_unknown_subject_is_rejected_with_a_message_naming_the_catalogue(conn: asyncpg.Connection) -> None:
    row = await user_request(conn, ALICE, subject="Astrology/Horoscopes", topic="Sun signs", count=5)
    assert row["status"] == "rejected" and row["finished_at"] is not None
    assert row["error"].startswith(
        "rejected: unknown subject 'Astrology/Horoscopes': not in qgen_subjects (known: Biology, Chemistry, Mathematics, "
        "Physics). Ask an operator to add it"
    )
    assert "update qgen_settings set value = 'true' where key = 'open_subjects'" in row["error"]
    assert await conn.fetchval("select count(*) from qgen_jobs where request_id = $1", row["id"]) == 0
    async with acting_as(conn, "authenticated", ALICE) as c:  # the user reads why, and the event
        mine = await c.fetchrow("select status, error from question_requests where id = $1", row["id"])
        assert mine is not None and mine["error"] == row["error"]
        assert await c.fetchval("select detail from request_events where request_id = $1", row["id"]) == row["error"]
    # a request rejected for another reason keeps its own message only
    bad = await user_request(conn, ALICE, subject="Astrology", topic="Sun signs", count=0)
    assert bad["error"] == "rejected: count must be between 1 and 500 (got 0)"

    await conn.execute("update qgen_settings set value = 'true' where key = 'open_subjects'")
    opened = await user_request(conn, ALICE, subject="Astrology/Horoscopes", topic="Sun signs", count=5)
    assert (opened["status"], opened["subject"], opened["error"]) == ("queued", "Astrology/Horoscopes", None)


async def test_users_read_the_catalogue_and_only_operators_change_it(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any($1::text[])", CATALOGUE_TABLES
    )
    assert sorted((r["relname"], r["relrowsecurity"], r["relforcerowsecurity"]) for r in rows) == [
        (t, True, False) for t in sorted(CATALOGUE_TABLES)]  # fmt: skip
    async with acting_as(conn, "authenticated", ALICE) as c:
        assert await c.fetchval("select count(*) from qgen_subjects") == 4
        assert await c.fetchval("select count(*) from qgen_topics where subject = 'Mathematics'") == 14
        assert await c.fetchval("select subject from qgen_subject_aliases where alias = 'maths'") == "Mathematics"
    for sql in (
        "insert into qgen_subjects (subject, description) values ('Astrology', 'x')",
        "update qgen_subjects set route = 'gemini'",
        "delete from qgen_topics",
        "insert into qgen_subject_aliases (alias, subject) values ('sums', 'Mathematics')",
        "select qgen_canonical_subject('maths')",
    ):
        with pytest.raises(Denied):
            async with acting_as(conn, "authenticated", ALICE) as c:
                await c.execute(sql)
    with pytest.raises(Denied):
        async with acting_as(conn, "anon") as c:
            await c.fetch("select * from qgen_subjects")
    async with acting_as(conn, "service_role") as c:  # operators change it
        await c.execute("insert into qgen_subjects (subject, route, description) values ('English', 'gemini', 'Reading')")
        await c.execute("insert into qgen_subject_aliases (alias, subject) values ('english reading', 'English')")
    row = await user_request(conn, ALICE, subject="English  Reading", topic="Passages", count=1)
    assert (row["status"], row["subject"]) == ("queued", "English")


async def test_the_worker_and_qgen_status_see_the_same_names(conn: asyncpg.Connection) -> None:
    cat = await catalogue.load(conn)
    assert cat.canonical("MATHS") == "Mathematics" and cat.canonical("Astrology") is None and not cat.open
    assert cat.routes() == {"mathematics": "runpod", "physics": "runpod", "chemistry": "gemini", "biology": "gemini"}
    chapter = cat.topic("maths", " integral  calculus")
    assert chapter is not None and "definite integrals" in chapter.description
    row = await insert_row(conn, {"subject": "Maths", "topic": "Limits", "count": 1})
    await insert_row(conn, {"subject": "Physics", "topic": "Optics", "count": 1})
    for name in ("Maths", "math", "Mathem"):
        found = await status.overview(conn, status.Filters(subject=name))
        assert [r["id"] for r in found["requests"]] == [str(row["id"])], name


async def test_rows_written_before_the_catalogue_are_mapped(empty_dsn: str) -> None:
    before = [p for p in migration_files() if p.name < MIGRATION]
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrations.migrate(conn, before)
        await conn.execute("set search_path = public, extensions")  # where 20261204000100 keeps vector
        ids: dict[str, uuid.UUID] = {}
        for subject in ("Maths", "maths ", "Mathematics", "Physics", "Astrology"):
            ids[subject] = (await insert_row(conn, {"subject": subject, "topic": "Limits", "count": 3}))["id"]

        async def question(subject: str, scope: str, text: str) -> uuid.UUID:
            vec = "[" + ",".join(["0.1"] * 384) + "]"
            qid = await conn.fetchval(
                """insert into questions (subject, topic, difficulty, question_type, question_text, body, text_hash,
                                          scope_key, embedding, provider, model)
                   values ($1, 'Limits', 'easy', 'mcq', $3, '{}', md5($3), $2, $4::text::vector, 'runpod', 'm')
                   returning id""",
                subject, scope, text, vec,
            )  # fmt: skip
            assert isinstance(qid, uuid.UUID)
            return qid

        a = await question("Maths", "subject:maths", "limit of sin x / x")
        b = await question("Maths", "topic:maths/limits", "limit of tan x / x")
        same = await question("Mathematics", "subject:mathematics", "limit of sin x / x")  # the same question, stored twice
        await conn.execute(
            "insert into question_rejects (request_id, scope_key, question_text, reason)"
            " values ($1, 'subject:maths', 'x', 'near_duplicate')",
            ids["Maths"],
        )
        await conn.execute(
            """insert into question_disputes (subject, topic, question_type, question_text, body, provider, model,
                                              verifier_provider, verifier_model, verifier_answer, reason)
               values ('maths', 'Limits', 'mcq', 'q', '{}', 'p', 'm', 'v', 'vm', '{}', 'r')"""
        )
        await migrations.migrate(conn)

        subjects = {r["id"]: r["subject"] for r in await conn.fetch("select id, subject from question_requests")}
        assert [subjects[ids[s]] for s in ids] == ["Mathematics", "Mathematics", "Mathematics", "Physics", "Astrology"]
        qs = {r["id"]: (r["subject"], r["scope_key"]) for r in await conn.fetch("select id, subject, scope_key from questions")}
        assert qs[b] == ("Mathematics", "topic:mathematics/limits")
        assert qs[same] == ("Mathematics", "subject:mathematics")
        assert qs[a] == ("Mathematics", "subject:maths")  # its copy already holds the scope: it keeps the old one
        assert await conn.fetchval("select scope_key from question_rejects") == "subject:mathematics"
        assert await conn.fetchval("select subject from question_disputes") == "Mathematics"
        # the views and reports group by the stored subject: one row for Mathematics
        assert await conn.fetch("select distinct subject from bank_coverage") == [("Mathematics",)]
    finally:
        await conn.close()


async def test_an_import_is_stored_under_the_canonical_subject(
    conn: asyncpg.Connection, settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    items = [shape_item(s.key) for s in all_shapes() if s.family == "mathematics"][:2]
    path = tmp_path / "bank.jsonl"
    path.write_text("".join(
        json.dumps({"subject": subject, "topic": "Limits", "difficulty": "easy", "question_type": "mcq", **item}) + "\n"
        for subject, item in zip(("maths", "Astrology"), items, strict=True)))  # fmt: skip
    report = await importer.import_file(path, settings, embedder)
    assert report.inserted == 2, report.problems
    rows = await conn.fetch("select subject, scope_key from questions order by subject")
    assert [tuple(r) for r in rows] == [("Astrology", "subject:astrology"), ("Mathematics", "subject:mathematics")]
