"""Transaction-pooler mode (no LISTEN, no prepared statements) and the claim order: run_after, priority."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import pytest

from service import db, queue
from service.embedding import Embedder
from service.settings import Settings

from .helpers import insert_request, running_worker, simulators, wait_terminal, with_simulators


def test_transaction_mode_disables_the_statement_cache() -> None:
    assert db.connect_kwargs(Settings(pooler_mode="transaction"))["statement_cache_size"] == 0
    assert "statement_cache_size" not in db.connect_kwargs(Settings(pooler_mode="session"))


@pytest.mark.parametrize("mode", ["session", "transaction"])
async def test_transaction_mode_never_listens_and_completes_by_polling(
    mode: str, settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Session mode is the control: the same instrumentation sees its LISTEN."""
    channels: list[str] = []
    add_listener = asyncpg.connection.Connection.add_listener

    async def spy(self: asyncpg.Connection, channel: str, callback: Any) -> None:
        channels.append(channel)
        await add_listener(self, channel, callback)

    monkeypatch.setattr(asyncpg.connection.Connection, "add_listener", spy)
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, pooler_mode=mode, poll_interval_s=0.3)
        async with running_worker(s, db_dsn, embedder):
            r = await insert_request(conn, subject="Physics", topic="Optics", count=2)
            done = await wait_terminal(conn, r["id"], timeout=30)
            listening = await conn.fetchval(
                "select count(*) from pg_stat_activity where datname = current_database() and query ilike 'listen%'"
            )
    assert done["status"] == "succeeded", done["error"]
    if mode == "transaction":
        assert channels == [] and listening == 0
    else:
        assert channels == ["qgen_jobs"]


async def test_run_after_holds_a_job_until_its_time(conn: asyncpg.Connection) -> None:
    at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1.5)
    r = await insert_request(conn, subject="Physics", topic="Optics", count=2, run_after=at)
    assert r["status"] == "queued"
    assert await queue.claim(conn, "w1", 10, 30) == []
    wait = await queue.next_run_in(conn)
    assert wait is not None and 0 < wait <= 1.5
    await asyncio.sleep(wait + 0.1)
    [job] = await queue.claim(conn, "w1", 10, 30)
    assert job.request_id == r["id"] and job.attempts == 1


async def test_higher_priority_is_claimed_first(conn: asyncpg.Connection) -> None:
    low = await insert_request(conn, subject="Physics", topic="Optics", count=2)
    high = await insert_request(conn, subject="Chemistry", topic="Moles", count=2, priority=10)
    [first] = await queue.claim(conn, "w1", 1, 30)
    [second] = await queue.claim(conn, "w1", 1, 30)
    assert (first.request_id, second.request_id) == (high["id"], low["id"])
    assert await queue.claim(conn, "w1", 1, 30) == []
