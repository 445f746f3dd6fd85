"""``qgen enqueue --wait``: progress follows the request's NOTIFY events (polling only without LISTEN), the bar
completes when a worker fills the request, and a request nobody claims is said so once, never waited on silently."""

from __future__ import annotations

import io
import re
from pathlib import Path

import asyncpg
import pytest
from rich.console import Console

from service import db, watch
from service import queue as jobs
from service.embedding import Embedder
from service.settings import Settings
from service.statuses import REQUEST_STATUSES, TERMINAL_STATUSES
from service.terminal import Output, WaitView
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, with_simulators
from .test_cli import ENQ, assert_one_line_failure, qgen


def forced_terminal() -> tuple[Output, io.StringIO]:
    buf = io.StringIO()
    return Output(out=Console(file=buf, force_terminal=True, width=100, color_system=None)), buf


async def test_progress_is_driven_by_notifications_and_the_bar_completes(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    await conn.execute("update qgen_settings set value = '2' where key = 'job_size'")  # three jobs: several steps
    watcher = await db.connect(db_dsn, settings)
    slow = Knobs(latency_s=0.2)  # rounds take a moment, so progress arrives in several steps
    try:
        # a progress test, not a verification one: the gate off, every generated slot can be filled
        filled = settings.model_copy(update={"verify": "off"})
        async with simulators(slow, slow) as (vllm, gem), running_worker(with_simulators(filled, vllm, gem), db_dsn, embedder):
            # due in a second: the watcher is listening before any worker can claim it
            row = await conn.fetchrow(
                "insert into question_requests (subject, topic, count, run_after)"
                " values ('Mathematics', 'Limits', 6, now() + interval '1 second') returning id"
            )
            assert row is not None
            seen: list[watch.Snapshot] = []
            stats = watch.Watch("listen")
            out, buf = forced_terminal()
            with WaitView(out, "request", 6) as view:

                def update(s: watch.Snapshot) -> None:
                    seen.append(s)
                    view.update(s)

                final = await watch.wait_for_request(watcher, row["id"], settings, timeout=60, on_update=update, watch=stats)
    finally:
        await watcher.close()
    assert (final.status, final.produced, final.count) == ("succeeded", 6, 6), final.error
    assert stats.mode == "listen" and stats.why_poll is None
    assert stats.notifications >= 2  # running, then stored questions and the final status at least
    assert [s.source for s in seen[1:]] == ["notify"] * (len(seen) - 1), seen  # each change came from a NOTIFY
    assert stats.reads <= stats.notifications + 2  # no polling: one read to start, at most one per notification
    assert seen[0].status == "queued" and [s.status for s in seen][-1] == "succeeded"
    assert [s.produced for s in seen] == sorted(s.produced for s in seen)
    assert view.completed == 6 and view.status == "succeeded"
    rendered = buf.getvalue()
    assert "6/6" in rendered and "succeeded" in rendered, rendered[-400:]


async def test_without_listen_it_polls_slowly_and_says_why(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "POLL_S", 0.3)
    pooled = settings.model_copy(update={"pooler_mode": "transaction"})
    watcher = await db.connect(db_dsn, pooled)
    try:
        async with simulators() as (vllm, gem), running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
            row = await insert_request(conn, subject="Chemistry", topic="Moles", count=3)
            stats = watch.Watch("listen")
            final = await watch.wait_for_request(watcher, row["id"], pooled, timeout=60, watch=stats)
    finally:
        await watcher.close()
    # how the worker fared is not the point here (the answer-key gate may hold some back): the wait ended
    assert final.done and final.status == await conn.fetchval("select status from question_requests where id = $1", row["id"])
    assert stats.mode == "poll" and "transaction pooler" in (stats.why_poll or "")
    assert stats.notifications == 0


async def test_nobody_claiming_is_said_once_then_the_wait_goes_on_until_the_timeout(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection
) -> None:
    row = await insert_request(conn, count=2)
    calls: list[watch.Snapshot] = []
    stats = watch.Watch("listen")
    with pytest.raises(watch.WaitTimeout, match=r"timed out after 1\.5s waiting for request .* \(queued, 0/2\)"):
        await watch.wait_for_request(conn, row["id"], settings, timeout=1.5, unclaimed_after=0.2,
                                     on_unclaimed=calls.append, watch=stats)
    assert len(calls) == 1 and calls[0].status == "queued" and calls[0].running_jobs == 0
    assert stats.warned_unclaimed and stats.reads <= 4  # start, the unclaimed check, the deadline (not a loop)


async def test_a_claimed_request_is_not_called_unclaimed(settings: Settings, conn: asyncpg.Connection) -> None:
    row = await insert_request(conn, count=2)
    [job] = await jobs.claim(conn, "busy-worker", 1, 30)
    assert job.request_id == row["id"]
    calls: list[watch.Snapshot] = []
    with pytest.raises(watch.WaitTimeout):
        await watch.wait_for_request(conn, row["id"], settings, timeout=0.6, unclaimed_after=0.1, on_unclaimed=calls.append)
    assert calls == []


async def test_cli_wait_without_a_worker_says_so_once_and_times_out_in_one_line(db_dsn: str, tmp_path: Path) -> None:
    p = await qgen(*ENQ, "--count", "2", "--wait", "--timeout", "2", "--unclaimed-after", "0.3", dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(p, 1, "timed out after 2s waiting for request")
    assert p.stdout.count(watch.UNCLAIMED) == 1, p.stdout
    assert re.match(r"request [0-9a-f-]{36} queued\n", p.stdout), p.stdout


async def test_the_request_statuses_are_the_schemas(conn: asyncpg.Connection) -> None:
    """service/statuses.py is the one list of request statuses: exactly what the table's check allows."""
    check = await conn.fetchval(
        "select pg_get_constraintdef(oid) from pg_constraint where conname = 'question_requests_status_check'"
    )
    assert set(re.findall(r"'(\w+)'", check)) == set(REQUEST_STATUSES)
    assert TERMINAL_STATUSES == set(REQUEST_STATUSES) - {"queued", "running"}
