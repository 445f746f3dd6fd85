"""Request ids as people type them: any unique prefix works in ``status``, ``cancel`` and ``requeue``; an ambiguous
one names its candidates in one line; none, a typo or a too-short prefix is refused in one line."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from service import ids
from service.errors import InputError

from .pg import insert_row
from .test_cli import assert_one_line_failure, qgen

A = uuid.UUID("abcd1234-0000-4000-8000-000000000001")
B = uuid.UUID("abcd1234-5555-4000-8000-000000000002")
C = uuid.UUID("abcd9999-0000-4000-8000-000000000003")


def test_prefix_range_pads_the_prefix_both_ways() -> None:
    assert ids.prefix_range("ABCD12") == (uuid.UUID("abcd1200-0000-0000-0000-000000000000"),
                                          uuid.UUID("abcd12ff-ffff-ffff-ffff-ffffffffffff"))
    assert ids.prefix_range("abcd1234-55") == (uuid.UUID("abcd1234-5500-0000-0000-000000000000"),
                                               uuid.UUID("abcd1234-55ff-ffff-ffff-ffffffffffff"))
    assert ids.prefix_range(str(A)) == (A, A)
    # hyphens are optional: nine hex digits in a row are a prefix too
    assert ids.prefix_range("abcd12345")[0] == uuid.UUID("abcd1234-5000-0000-0000-000000000000")


@pytest.mark.parametrize("text", ["not-a-uuid", "abc", "abcd-1234", "xyz12345", str(A) + "0"])
def test_what_is_not_an_id_prefix(text: str) -> None:
    with pytest.raises(InputError, match="not a request id"):
        ids.prefix_range(text)


async def insert_ids(conn: asyncpg.Connection) -> None:
    for rid in (A, B, C):
        await insert_row(conn, {"id": rid, "subject": "Physics", "topic": "Optics", "count": 1})


async def test_resolve_unique_ambiguous_and_none(conn: asyncpg.Connection) -> None:
    await insert_ids(conn)
    assert await ids.resolve_request(conn, "abcd9") == C
    assert await ids.resolve_request(conn, "ABCD1234-5") == B
    assert await ids.resolve_request(conn, str(A)) == A
    with pytest.raises(InputError) as e:
        await ids.resolve_request(conn, "abcd1234")
    msg = str(e.value)
    assert msg == "request id 'abcd1234' is ambiguous: it matches abcd1234-0, abcd1234-5; give more characters", msg
    with pytest.raises(InputError, match="ambiguous: it matches abcd1234-0, abcd1234-5, abcd9999-0;"):
        await ids.resolve_request(conn, "abcd")
    with pytest.raises(InputError, match=r"^no request 1234abcd$"):
        await ids.resolve_request(conn, "1234abcd")


async def test_many_candidates_are_counted_not_all_listed(conn: asyncpg.Connection) -> None:
    for i in range(8):
        await insert_row(conn, {"id": uuid.UUID(f"eeee0000-0000-4000-8000-00000000000{i}"), "subject": "Physics",
                                "topic": "Optics", "count": 1})
    with pytest.raises(InputError, match=r"matches (eeee0000-0000-4000-8000-00000000000\d, ){4}"
                                         r"eeee0000-0000-4000-8000-000000000004 and 3 more; give more"):
        await ids.resolve_request(conn, "eeee")


async def test_cli_takes_prefixes_everywhere(conn: asyncpg.Connection, db_dsn: str, tmp_path: Path) -> None:
    await insert_ids(conn)
    detail = await qgen("status", "abcd9", dsn=db_dsn, cwd=tmp_path)
    assert detail.returncode == 0, detail.stderr
    assert detail.stdout.startswith(f"request {C}: queued 0/1 Physics / Optics"), detail.stdout

    ambiguous = await qgen("cancel", "abcd1234", dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(ambiguous, 1, "qgen: request id 'abcd1234' is ambiguous: it matches abcd1234-0, abcd1234-5")
    assert await conn.fetchval("select count(*) from question_requests where status = 'cancelled'") == 0

    cancelled = await qgen("cancel", "abcd1234-0", dsn=db_dsn, cwd=tmp_path)
    assert (cancelled.returncode, cancelled.stdout.strip()) == (0, f"request {A}: cancelled"), cancelled.stderr
    assert await conn.fetchval("select status from question_requests where id = $1", A) == "cancelled"

    none = await qgen("requeue", "0000ffff", dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(none, 1, "qgen: no request 0000ffff")
    short = await qgen("status", "ab", dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(short, 1, "qgen: not a request id: 'ab' (give at least 4 hex digits)")
