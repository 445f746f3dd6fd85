"""API keys are never logged or stored: jobs run with known keys (accepted, rejected with 401, and
with injected provider errors) through a worker subprocess and an in-process worker; every captured
log line and every column of every qgen table is searched for the keys."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from service.embedding import Embedder
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .helpers import insert_request, running_worker, simulators, wait_terminal, with_simulators
from .test_cli import cli_env

RUNPOD_KEY = "rp-live-7Qx2Lm9Vb4Nc8Zt1"
GEMINI_KEY = "AIzaSy-gm-5Hk3Jw8Pd6Rf0Ys2"
KEYS = (RUNPOD_KEY, GEMINI_KEY)
QGEN_TABLES = {"questions", "question_rejects", "request_events", "qgen_jobs", "question_requests"}


async def columns_containing(conn: asyncpg.Connection, needle: str) -> list[str]:
    """Every ``table.column`` of the public schema whose text form contains ``needle``."""
    cols = await conn.fetch(
        "select c.table_name, c.column_name from information_schema.columns c"
        " join pg_tables t on t.tablename = c.table_name and t.schemaname = c.table_schema"
        " where c.table_schema = 'public' order by 1, 2"
    )
    assert QGEN_TABLES <= {c["table_name"] for c in cols}
    hits = []
    for c in cols:
        t, col = c["table_name"], c["column_name"]
        if await conn.fetchval(f'select exists (select 1 from "{t}" where strpos("{col}"::text, $1) > 0)', needle):
            hits.append(f"{t}.{col}")
    return hits


async def scenario(
    conn: asyncpg.Connection, vllm: SimulatorServer, gem: SimulatorServer, wait_done: Callable[[], Awaitable[None]]
) -> None:
    """Phase 1: RunPod and Gemini accept the keys (Gemini after two injected 5xx). Phase 2: RunPod
    rejects the key with 401 and the job falls back to Gemini. ``wait_done`` waits for the worker."""
    ok_math = await insert_request(conn, subject="Mathematics", topic="Binomial theorem", count=2)
    flaky = await insert_request(conn, subject="Chemistry", topic="Stoichiometry drill", count=2)
    later = await insert_request(
        conn, subject="Physics", topic="Optics", count=2, run_after=_in_an_hour()
    )

    async def drive() -> None:
        for rid in (ok_math["id"], flaky["id"]):
            assert (await wait_terminal(conn, rid, timeout=90))["status"] == "succeeded"
        vllm.knobs.expected_api_key = "a-key-nobody-has"  # RunPod now answers 401
        await conn.execute("update qgen_jobs set run_after = now() where request_id = $1", later["id"])
        done = await wait_terminal(conn, later["id"], timeout=60)
        assert done["status"] == "succeeded", done["error"]

    await asyncio.gather(drive(), wait_done())
    assert vllm.stats.status_counts.get(200, 0) >= 1 and vllm.stats.status_counts.get(401, 0) >= 1
    assert gem.stats.status_counts.get(500) == 1 and gem.stats.status_counts.get(503) == 1
    assert await conn.fetchval("select attempts from qgen_jobs where request_id = $1", flaky["id"]) == 3
    reasons = await conn.fetch("select fallback_reason from questions where request_id = $1", later["id"])
    assert reasons and all("runpod" in r["fallback_reason"] and "401" in r["fallback_reason"] for r in reasons)
    # the scan sees user text, so it would see a key
    assert "question_requests.topic" in await columns_containing(conn, "Stoichiometry drill")
    for key in KEYS:
        assert await columns_containing(conn, key) == [], key


def _in_an_hour() -> object:
    import datetime as dt

    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)


def keyed_knobs() -> tuple[Knobs, Knobs]:
    return Knobs(expected_api_key=RUNPOD_KEY), Knobs(expected_api_key=GEMINI_KEY, fail_next=[500, 503])


async def test_worker_subprocess_never_logs_or_stores_keys(db_dsn: str, conn: asyncpg.Connection, tmp_path: object) -> None:
    async with simulators(*keyed_knobs()) as (vllm, gem):
        env = cli_env(
            db_dsn,
            RUNPOD_BASE_URL=vllm.base_url,
            RUNPOD_API_KEY=RUNPOD_KEY,
            GEMINI_BASE_URL=gem.base_url,
            GEMINI_API_KEY=GEMINI_KEY,
            QGEN_LOG_LEVEL="DEBUG",
            QGEN_POLL_INTERVAL_S="0.3",
            QGEN_JOB_RETRY_BASE_S="0.05",
            QGEN_BACKOFF_BASE_S="0.01",
            QGEN_BACKOFF_MAX_S="0.05",
            QGEN_CALL_ATTEMPTS="1",
            # the injected Gemini 5xx are counted per job attempt: keep the gate's blind solves out of them
            QGEN_VERIFY="off",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli", "worker", "--drain",
            env=env, cwd=str(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        output: list[bytes] = []

        async def wait_done() -> None:
            out, err = await asyncio.wait_for(proc.communicate(), timeout=120)  # drains the pipes meanwhile
            output.extend((out, err))

        try:
            await scenario(conn, vllm, gem, wait_done)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    stdout, stderr = (b.decode() for b in output)
    assert proc.returncode == 0, stderr[-3000:]
    assert " DEBUG " in stderr and "401" in stderr and "drain: no queued or running jobs remain" in stderr
    for key in KEYS:
        assert key not in stdout + stderr


async def test_in_process_worker_never_logs_keys(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with simulators(*keyed_knobs()) as (vllm, gem):
        s = with_simulators(
            settings, vllm, gem, runpod_api_key=RUNPOD_KEY, gemini_api_key=GEMINI_KEY, call_attempts=1,
            poll_interval_s=0.3, job_retry_base_s=0.05, verify="off",
        )
        async with running_worker(s, db_dsn, embedder):
            await scenario(conn, vllm, gem, _noop)
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert "401" in text
    for key in KEYS:
        assert key not in text


async def _noop() -> None:
    return None


def test_settings_repr_hides_keys() -> None:
    dsn = "postgresql://qgen:db-password-123@h/db"
    s = Settings(runpod_api_key=RUNPOD_KEY, gemini_api_key=GEMINI_KEY, database_url=dsn)
    for text in (repr(s), str(s)):
        assert "runpod_model=" in text  # the repr is real...
        for secret in (*KEYS, dsn):
            assert secret not in text  # ...but keys and the DSN (it may carry a password) are left out
    assert s.secrets() == [RUNPOD_KEY, GEMINI_KEY]
