"""Structured logs: one JSON object per line with the request, job and provider ids where known, and never a
key (the keys of tests/test_secrets.py) — through the formatter directly, and through a worker subprocess
started with QGEN_LOG_FORMAT=json."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from pydantic import ValidationError

from service import logs
from service.managed import CallRecord
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import insert_request, simulators
from .test_cli import cli_env
from .test_secrets import GEMINI_KEY, KEYS, RUNPOD_KEY

Capture = Callable[[logging.Logger, list[str]], io.StringIO]


@pytest.fixture
def capture_json() -> Iterator[Capture]:
    """Route a logger through qgen's JSON formatter and secret filter into a buffer (undone afterwards)."""
    saved: list[tuple[logging.Logger, list[logging.Handler], bool, int]] = []

    def capture(logger: logging.Logger, secrets: list[str]) -> io.StringIO:
        saved.append((logger, logger.handlers[:], logger.propagate, logger.level))
        out = io.StringIO()
        handler = logging.StreamHandler(out)
        redact = logs.RedactSecrets(secrets)
        handler.setFormatter(logs.JsonFormatter(redact))
        handler.addFilter(redact)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        return out

    yield capture
    for logger, handlers, propagate, level in saved:
        logger.handlers[:], logger.propagate = handlers, propagate
        logger.setLevel(level)


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_lines_never_carry_a_key(capture_json: Capture) -> None:
    logger = logging.getLogger("qgen-test.keys")
    out = capture_json(logger, list(KEYS))
    logger.warning("calling with %s", RUNPOD_KEY)
    logger.info("key in extra", extra={"provider": f"gemini?key={GEMINI_KEY}"})
    try:
        raise RuntimeError(f"401 for Bearer {RUNPOD_KEY}")
    except RuntimeError:
        logger.exception("call failed")
    text = out.getvalue()
    for key in KEYS:
        assert key not in text
    first, second, third = lines(out)
    assert first["message"] == "calling with ***" and first["level"] == "WARNING"
    assert first["logger"] == "qgen-test.keys" and str(first["time"]).endswith("+00:00")
    assert second["provider"] == "gemini?key=***"
    assert third["message"] == "call failed" and "Bearer ***" in str(third["exc"])


async def test_job_ids_come_from_the_task_context_and_calls_name_their_provider(capture_json: Capture) -> None:
    logger = logging.getLogger("qgen-test.context")
    out = capture_json(logger, [])
    calls = capture_json(logs.calls_log, [])
    rid = uuid.uuid4()

    async def job() -> None:
        logs.bind_job(rid, 42)
        logger.info("round stored")
        logs.log_call(CallRecord("runpod", "runpod", "m", "generate", "timeout", 90.0))
        logger.info("after the call")  # names no provider: the call has ended
        logger.info("overridden", extra={"job_id": 7})  # extra= wins over the context

    await asyncio.create_task(job())
    logger.info("claim loop")  # the job's ids stayed in the job's task
    in_job, after_call, overridden, outside = lines(out)
    assert (in_job["request_id"], in_job["job_id"]) == (str(rid), 42) and "provider" not in in_job
    assert after_call["job_id"] == 42 and "provider" not in after_call
    assert overridden["job_id"] == 7
    assert not {"request_id", "job_id", "provider"} & set(outside)
    (call,) = lines(calls)
    assert (call["provider"], call["job_id"], call["level"]) == ("runpod", 42, "DEBUG")
    assert call["message"] == "runpod generate call: timeout in 90.00s, 0 prompt + 0 completion tokens"


def test_log_format_and_metrics_port_settings() -> None:
    s = Settings(QGEN_LOG_FORMAT="json", QGEN_METRICS_PORT="9100", QGEN_METRICS_HOST="0.0.0.0")
    assert (s.log_format, s.metrics_port, s.metrics_host) == ("json", 9100, "0.0.0.0")
    defaults = Settings(QGEN_METRICS_PORT="")
    assert (defaults.log_format, defaults.metrics_port, defaults.metrics_host) == ("text", None, "127.0.0.1")
    with pytest.raises(ValidationError):
        Settings(QGEN_LOG_FORMAT="xml")


async def test_worker_subprocess_writes_json_lines_with_ids_and_no_key(
    db_dsn: str, conn: asyncpg.Connection, tmp_path: Path
) -> None:
    """Both services check their keys; Gemini fails twice with 5xx (retried) and then fills a request."""
    maths = await insert_request(conn, subject="Mathematics", topic="Binomial theorem", count=2)
    req = await insert_request(conn, subject="Chemistry", topic="Stoichiometry", count=2)
    runpod, gemini = Knobs(expected_api_key=RUNPOD_KEY), Knobs(expected_api_key=GEMINI_KEY, fail_next=[500, 503])
    async with simulators(runpod, gemini) as (vllm, gem):
        env = cli_env(
            db_dsn,
            RUNPOD_BASE_URL=vllm.base_url,
            RUNPOD_API_KEY=RUNPOD_KEY,
            GEMINI_BASE_URL=gem.base_url,
            GEMINI_API_KEY=GEMINI_KEY,
            QGEN_LOG_FORMAT="json",
            QGEN_LOG_LEVEL="DEBUG",
            QGEN_POLL_INTERVAL_S="0.3",
            QGEN_BACKOFF_BASE_S="0.01",
            QGEN_BACKOFF_MAX_S="0.05",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli", "worker", "--drain",
            env=env, cwd=str(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    stdout, stderr = out.decode(), err.decode()
    assert proc.returncode == 0, stderr[-3000:]
    for key in KEYS:
        assert key not in stdout + stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert records and len(records) == len(stderr.splitlines()), "every stderr line is one JSON object"
    assert {"time", "level", "logger", "message"} <= set(records[0])
    job_id = await conn.fetchval("select id from qgen_jobs where request_id = $1", req["id"])
    of_job = [r for r in records if r.get("job_id") == job_id]
    assert of_job and all(r["request_id"] == str(req["id"]) for r in of_job)
    assert any("round 0" in str(r["message"]) for r in of_job)
    # one DEBUG line per provider call, with its provider, from inside the job
    assert any(r.get("provider") == "gemini" and r.get("job_id") == job_id for r in records)
    assert any(r["level"] == "DEBUG" for r in records)
    assert {r.get("request_id") for r in records} >= {str(maths["id"]), str(req["id"])}
    start = [r for r in records if "drain: no queued or running jobs remain" in str(r["message"])]
    assert start and "job_id" not in start[0]  # the claim loop's lines name no job
