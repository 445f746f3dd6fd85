"""``/healthz``, ``/readyz`` and ``/metrics`` of one worker: a small aiohttp server in the worker's own event
loop, on ``QGEN_METRICS_HOST``:``QGEN_METRICS_PORT`` (not served when the port is unset).

* ``/healthz``: the process is alive and its event loop responsive: it answers, and its periodic tick
  was last late (or is overdue now) by less than ``LOOP_STALL_S``: 200, else 503.
* ``/readyz``: the worker can do its job now: the database answers ``select 1`` within
  ``DB_TIMEOUT_S`` on the worker's pool, the embedding model is loaded, and not every provider's
  breaker is open: 200, else 503, with the three checks in a JSON body.
* ``/metrics``: ``service/metrics.py``, breaker states and queue depth refreshed first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from .errors import ConfigError, first_line
from .metrics import breaker_state
from .resilience import CircuitBreaker
from .settings import Settings

if TYPE_CHECKING:
    from .worker import Worker

log = logging.getLogger(__name__)

DB_TIMEOUT_S = 2.0  # a probe answers quickly or not at all; a hung database is not "ready"
TICK_S = 0.5
LOOP_STALL_S = 5.0  # a tick this late means the loop was blocked (job heartbeats are due every lease/3)
# The partial index qgen_jobs_ready_idx covers exactly these rows, so the count stays cheap.
QUEUED_JOBS_SQL = "select count(*) from qgen_jobs where status = 'queued'"


@dataclass(frozen=True)
class Check:
    """One readiness check: ``ok`` and what was seen."""

    ok: bool
    detail: Any


async def database_check(pool: asyncpg.Pool | None, timeout: float = DB_TIMEOUT_S) -> Check:
    """Can the worker's pool run ``select 1`` now (a fresh connection if the pooled ones died)?"""
    if pool is None:
        return Check(False, "not connected yet")
    try:
        async with asyncio.timeout(timeout), pool.acquire() as conn:
            await conn.fetchval("select 1")
    except TimeoutError:
        return Check(False, f"no answer within {timeout:g}s")
    except Exception as e:  # any failure is "not ready", never a 500 from the probe itself
        return Check(False, f"{type(e).__name__}: {first_line(e)[:300]}")
    return Check(True, "select 1 ok")


def providers_check(breakers: dict[str, CircuitBreaker], now: float) -> Check:
    """Ready unless every provider's breaker is open (then no call can go out until a cooldown ends)."""
    states = {key: breaker_state(b, now) for key, b in breakers.items()}
    return Check(not states or any(s != "open" for s in states.values()), states)


class HealthServer:
    """The three endpoints of one worker; ``start()`` binds (``ConfigError`` if it cannot), ``close()`` stops."""

    def __init__(self, worker: Worker, host: str, port: int) -> None:
        self.worker = worker
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._last_tick = 0.0
        self._lag = 0.0
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)
        self._app = app

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._last_tick = loop.time()
        self._ticker = asyncio.create_task(self._tick(), name="qgen-health-tick")
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as e:
            await self.close()
            where = f"{self.host}:{self.port} (QGEN_METRICS_HOST/QGEN_METRICS_PORT)"
            raise ConfigError(f"cannot serve health and metrics on {where}: {e.strerror or e}") from e
        if self.port == 0:  # the port the system chose
            self.port = int(self._runner.addresses[0][1])
        log.info("health and metrics on %s (/healthz, /readyz, /metrics)", self.url)

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._runner is not None:
            await self._runner.cleanup()

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(TICK_S)
            self._last_tick = loop.time()
            self._lag = max(0.0, self._last_tick - before - TICK_S)
            self.worker.metrics.loop_lag.set(self._lag)

    # --- endpoints --------------------------------------------------------------------------------
    async def healthz(self, request: web.Request) -> web.Response:
        overdue = asyncio.get_running_loop().time() - self._last_tick - TICK_S  # a stuck ticker counts too
        lag = max(self._lag, overdue, 0.0)
        ok = lag < LOOP_STALL_S
        body = {"ok": ok, "loop_lag_s": round(lag, 3)}
        return web.json_response(body, status=200 if ok else 503)

    async def readyz(self, request: web.Request) -> web.Response:
        w = self.worker
        embedder = w.embedder
        loaded = getattr(embedder, "model", None) is not None
        checks = {
            # _pool is None until run() has connected, and closed once it returns: both "not ready"
            "database": await database_check(w._pool),
            "embedding": Check(loaded, f"{embedder.name} ({embedder.dimension} dimensions)" if loaded else "not loaded"),
            "providers": providers_check(w.generator.breakers, w.generator.clock()),
        }
        ready = all(c.ok for c in checks.values())
        body = {"ready": ready, **{name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()}}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        w = self.worker
        w.metrics.refresh_breakers(w.generator.breakers, w.generator.clock())
        w.metrics.queued_jobs.set(await self._queued_jobs())
        return web.Response(body=w.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _queued_jobs(self) -> float:
        pool = self.worker._pool
        if pool is None:
            return math.nan
        try:
            async with asyncio.timeout(DB_TIMEOUT_S), pool.acquire() as conn:
                return float(await conn.fetchval(QUEUED_JOBS_SQL))
        except Exception as e:  # a scrape still answers (with NaN) while the database is away
            log.debug("queue depth unknown: %s", first_line(e))
            return math.nan


@contextlib.asynccontextmanager
async def serving(worker: Worker, settings: Settings) -> AsyncIterator[HealthServer | None]:
    """Serve ``worker``'s endpoints while the block runs; ``None`` (nothing served) when no port is set."""
    if settings.metrics_port is None:
        yield None
        return
    server = HealthServer(worker, settings.metrics_host, settings.metrics_port)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
