"""``/healthz``, ``/readyz`` and ``/metrics`` of one worker process: a small aiohttp server in its event loop,
on ``QGEN_METRICS_HOST``:``QGEN_METRICS_PORT`` (not served when the port is unset). It starts first, before
the providers are checked and the embedding model is loaded, so a liveness probe is answered from the
first second; ``attach()`` hands it the worker once there is one.

* ``/healthz``: the process is alive and its event loop responsive: it answers, and its periodic tick
  was last late (or is overdue now) by less than ``LOOP_STALL_S``: 200, else 503. The body names the
  start-up stage (``checking providers``, ``loading embedding model``, ``connecting to database``,
  ``serving``, ``stopping``) and how long each stage took or has taken so far.
* ``/readyz``: the worker can do its job now: started, the database answers ``select 1`` within
  ``DB_TIMEOUT_S`` on the worker's pool, the embedding model is loaded, and some generation route has a
  breaker that is not open (the verifier's own breakers do not count: they generate nothing): 200, else
  503, with the checks in a JSON body.
* ``/metrics``: ``service/metrics.py``, breaker states and queue gauges refreshed first; 503 until the
  worker exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import asyncpg
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from .errors import ConfigError, first_line
from .metrics import breaker_state
from .resilience import CircuitBreaker
from .settings import Settings
from .sqlfiles import q

if TYPE_CHECKING:
    from .worker import Worker

log = logging.getLogger(__name__)

DB_TIMEOUT_S = 2.0  # a probe answers quickly or not at all; a hung database is not "ready"
TICK_S = 0.5
LOOP_STALL_S = 5.0  # a tick this late means the loop was blocked (job heartbeats are due every lease/3)


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
            await conn.fetchval(q("ping"))
    except TimeoutError:
        return Check(False, f"no answer within {timeout:g}s")
    except Exception as e:  # any failure is "not ready", never a 500 from the probe itself
        return Check(False, f"{type(e).__name__}: {first_line(e)[:300]}")
    return Check(True, "select 1 ok")


def providers_check(breakers: dict[str, CircuitBreaker], now: float, routes: Collection[str]) -> Check:
    """Ready unless the breaker of every generation route (``routes``: the provider keys questions can be
    written by) is open: then no question can be written until a cooldown ends. Other breakers (the
    verifier's ``gemini:verify``) are not counted."""
    states = {key: breaker_state(b, now) for key, b in breakers.items() if key in routes}
    return Check(not states or any(s != "open" for s in states.values()), states)


@dataclass
class Stage:
    """One start-up stage: its name, when it began, and when it ended (None while it runs)."""

    name: str
    began: float
    ended: float | None = None

    def as_json(self, now: float) -> dict[str, Any]:
        return {"name": self.name, "done": self.ended is not None,
                "seconds": round((self.ended if self.ended is not None else now) - self.began, 3)}


@dataclass
class StartUp:
    """The stages a worker process goes through before it serves (monotonic clock)."""

    stages: list[Stage] = field(default_factory=list)

    def begin(self, name: str) -> None:
        self.end()
        self.stages.append(Stage(name, time.monotonic()))

    def end(self) -> None:
        """The running stage (if any) is over."""
        if self.stages and self.stages[-1].ended is None:
            self.stages[-1].ended = time.monotonic()

    @property
    def current(self) -> str:
        return self.stages[-1].name if self.stages else "starting"


class HealthServer:
    """The three endpoints of one worker process; ``start()`` binds (``ConfigError`` if it cannot), ``begin()``
    names the start-up stage, ``attach()`` gives it the worker, ``close()`` stops."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.worker: Worker | None = None
        self.startup = StartUp()
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

    def begin(self, stage: str) -> None:
        """The process entered start-up stage ``stage`` (the previous one ended)."""
        self.startup.begin(stage)
        log.debug("start-up stage: %s", stage)

    def attach(self, worker: Worker) -> None:
        """Start-up is over: the endpoints now report on ``worker``."""
        self.startup.end()
        self.worker = worker

    def stage(self) -> str:
        """Where the process is: a start-up stage, then ``connecting to database``, ``serving``, ``stopping``."""
        w = self.worker
        if w is None:
            return self.startup.current
        if w._stopping.is_set():
            return "stopping"
        return "serving" if w._pool is not None else "connecting to database"

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
            if self.worker is not None:
                self.worker.metrics.loop_lag.set(self._lag)

    # --- endpoints --------------------------------------------------------------------------------
    async def healthz(self, request: web.Request) -> web.Response:
        overdue = asyncio.get_running_loop().time() - self._last_tick - TICK_S  # a stuck ticker counts too
        lag = max(self._lag, overdue, 0.0)
        ok = lag < LOOP_STALL_S
        now = time.monotonic()
        body = {"ok": ok, "loop_lag_s": round(lag, 3), "stage": self.stage(),
                "startup": [st.as_json(now) for st in self.startup.stages]}
        return web.json_response(body, status=200 if ok else 503)

    async def readyz(self, request: web.Request) -> web.Response:
        w = self.worker
        if w is None:
            body = {"ready": False, "stage": self.stage()}
            return web.json_response(body, status=503)
        embedder = w.embedder
        loaded = getattr(embedder, "model", None) is not None
        g = w.generator
        checks = {
            # _pool is None until run() has connected, and closed once it returns: both "not ready"
            "database": await database_check(w._pool),
            "embedding": Check(loaded, f"{embedder.name} ({embedder.dimension} dimensions)" if loaded else "not loaded"),
            "providers": providers_check(g.breakers, g.clock(), g.providers.keys()),
        }
        ready = all(c.ok for c in checks.values())
        body = {"ready": ready, "stage": self.stage(),
                **{name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()}}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        w = self.worker
        if w is None:
            return web.Response(status=503, text=f"starting: {self.stage()}\n")
        w.metrics.refresh_breakers(w.generator.breakers, w.generator.clock())
        w.metrics.refresh_limits(w.generator.limiters)
        queued, oldest = await self._queue_gauges()
        w.metrics.queued_jobs.set(queued)
        w.metrics.oldest_queued_age.set(oldest)
        return web.Response(body=w.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _queue_gauges(self) -> tuple[float, float]:
        """(jobs queued, seconds the longest-waiting runnable job has waited); NaN for what cannot be read."""
        pool = self.worker._pool if self.worker is not None else None
        if pool is None:
            return math.nan, math.nan
        try:
            async with asyncio.timeout(DB_TIMEOUT_S), pool.acquire() as conn:
                row = await conn.fetchrow(q("queue_gauges"))
        except Exception as e:  # a scrape still answers (with NaN) while the database is away
            log.debug("queue gauges unknown: %s", first_line(e))
            return math.nan, math.nan
        return float(row["queued"]), float(row["oldest_wait_s"])


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[HealthServer | None]:
    """Serve the endpoints while the block runs; ``None`` (nothing served) when no port is set."""
    if settings.metrics_port is None:
        yield None
        return
    server = HealthServer(settings.metrics_host, settings.metrics_port)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
