"""Test helpers: simulator-backed settings, a worker running in the background, waiting for requests."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from service.embedding import Embedder
from service.generation import Generator
from service.providers.registry import build_simulated
from service.runtime import worker_runtime
from service.settings import Settings
from service.statuses import TERMINAL_STATUSES
from service.verify import Verifier
from service.worker import Worker
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .pg import insert_row

FAKE_GEMINI_KEY = "test-gemini-key-0123456789"


@contextlib.asynccontextmanager
async def simulators(
    runpod: Knobs | None = None, gemini: Knobs | None = None
) -> AsyncIterator[tuple[SimulatorServer, SimulatorServer]]:
    """A vLLM (RunPod pod) simulator and a Gemini simulator on loopback."""
    async with (
        SimulatorServer("vllm", knobs=runpod or Knobs()) as vllm,
        SimulatorServer("gemini", knobs=gemini or Knobs()) as gem,
    ):
        yield vllm, gem


@contextlib.asynccontextmanager
async def verifier_rig(
    s: Settings, runpod: Knobs | None = None, gemini: Knobs | None = None
) -> AsyncIterator[tuple[Generator, Verifier, SimulatorServer, SimulatorServer]]:
    """A generator and a verifier over both simulators through the real clients (no database, no worker)."""
    async with simulators(runpod, gemini) as (rp, gm):
        providers = build_simulated(s, {"runpod": rp.base_url, "gemini": gm.base_url})
        try:
            g = Generator(s, providers)
            yield g, Verifier(s, g), rp, gm
        finally:
            for p in providers.values():
                await p.aclose()


def with_simulators(settings: Settings, vllm: SimulatorServer, gem: SimulatorServer, **overrides: Any) -> Settings:
    """Settings that drive the real clients against the simulators (not the built-in simulated mode)."""
    return settings.model_copy(
        update={
            "runpod_base_url": vllm.base_url,
            "gemini_base_url": gem.base_url,
            "gemini_api_key": FAKE_GEMINI_KEY,
            **overrides,
        }
    )


@contextlib.asynccontextmanager
async def running_worker(settings: Settings, dsn: str, embedder: Embedder, *, drain: bool = False) -> AsyncIterator[Worker]:
    """A worker serving in a background task; stopped (and awaited) on exit."""
    async with worker_runtime(settings, dsn=dsn, embedder=embedder) as worker:
        task = asyncio.create_task(worker.run(drain=drain))
        try:
            yield worker
        finally:
            worker.stop()
            await asyncio.wait_for(task, timeout=30)


async def insert_request(conn: asyncpg.Connection, **cols: Any) -> asyncpg.Record:
    """A request row with a default subject, topic and count unless given."""
    cols.setdefault("subject", "Mathematics")
    cols.setdefault("topic", "Quadratic equations")
    cols.setdefault("count", 3)
    return await insert_row(conn, cols)


async def wait_terminal(conn: asyncpg.Connection, request_id: uuid.UUID, timeout: float = 60.0) -> asyncpg.Record:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = await conn.fetchrow("select * from question_requests where id = $1", request_id)
        assert row is not None
        if row["status"] in TERMINAL_STATUSES:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"request {request_id} not terminal after {timeout}s: {dict(row)}")


async def assert_bank_consistent(conn: asyncpg.Connection) -> None:
    """No slot stored twice, produced == stored rows for every request."""
    dup_slots = await conn.fetchval(
        "select count(*) from (select request_id, slot from questions where request_id is not null"
        " group by 1, 2 having count(*) > 1) d"
    )
    assert dup_slots == 0
    mismatched = await conn.fetch(
        "select r.id, r.produced, (select count(*) from questions q where q.request_id = r.id) as stored"
        " from question_requests r where r.produced <> (select count(*) from questions q where q.request_id = r.id)"
    )
    assert not mismatched, [dict(m) for m in mismatched]
