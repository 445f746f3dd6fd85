"""``SimulatorServer``: one simulator on a loopback port, plus the ``/_sim`` control endpoints.

    async with SimulatorServer("vllm", knobs=Knobs(latency_s=0.1)) as sim:
        ...  # point a client at sim.base_url; steer sim.knobs; assert on sim.stats

Control (every kind): ``GET/POST /_sim/knobs`` (POST a JSON object of fields to change),
``GET /_sim/stats``, ``POST /_sim/reset`` (zero the stats) — for simulators serving subprocesses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from aiohttp import web

from . import gemini, runpod, vllm
from .core import SimCore
from .knobs import Knobs, Stats

KINDS = ("vllm", "runpod", "gemini")
DEFAULT_MODELS = {
    "vllm": "PhysicsWallahAI/Aryabhata-1.0",
    "runpod": "PhysicsWallahAI/Aryabhata-1.0",
    "gemini": "gemini-3.5-flash",
}


class SimulatorServer:
    """An aiohttp server on ``host:port`` (0 = any free port) speaking one provider's wire format."""

    def __init__(
        self,
        kind: str,
        *,
        knobs: Knobs | None = None,
        model: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        endpoint_id: str = runpod.ENDPOINT_ID,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown simulator kind {kind!r}; expected one of {', '.join(KINDS)}")
        self.kind = kind
        self.host = host
        self.port = port
        self.endpoint_id = endpoint_id
        self.core = SimCore(kind, knobs or Knobs(), model or DEFAULT_MODELS[kind])
        self._runner: web.AppRunner | None = None
        self._runpod: runpod.RunpodSim | None = None
        self._gemini: gemini.GeminiSim | None = None
        # the vLLM capacity model (on when knobs.max_num_seqs is set)
        self.pod: vllm.Pod | None = vllm.Pod(self.core) if kind == "vllm" else None

    @property
    def knobs(self) -> Knobs:
        return self.core.knobs

    @property
    def stats(self) -> Stats:
        return self.core.stats

    @property
    def model(self) -> str:
        return self.core.model

    @property
    def gemini_batches(self) -> gemini.GeminiBatchSim:
        """The Gemini simulator's batches (kind 'gemini', once started)."""
        if self._gemini is None:
            raise RuntimeError("no Gemini simulator is running here")
        return self._gemini.batches

    @property
    def serverless(self) -> runpod.RunpodSim:
        """The RunPod endpoint's jobs and workers (kind 'runpod', once started)."""
        if self._runpod is None:
            raise RuntimeError("no RunPod serverless simulator is running here")
        return self._runpod

    def reset_stats(self) -> None:
        self.core.reset_stats()
        if self.pod is not None:
            self.pod.reset_stats()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """vllm: ``…/v1``; runpod: ``…/v2/{endpoint_id}``; gemini: the origin (the SDK adds the version)."""
        if self.kind == "vllm":
            return f"{self.origin}/v1"
        if self.kind == "runpod":
            return f"{self.origin}/v2/{self.endpoint_id}"
        return self.origin

    def _app(self) -> web.Application:
        # above the Gemini Batch API's 20 MB inline limit, so that the simulator's own 400 answers a bigger batch
        app = web.Application(client_max_size=32 * 1024**2)
        core = self.core
        if self.kind == "vllm":
            vllm.add_routes(app, core, pod=self.pod)
            app.router.add_get("/health", vllm.health)
        elif self.kind == "runpod":
            self._runpod = runpod.RunpodSim(core)
            self._runpod.add_routes(app)
        else:
            self._gemini = gemini.GeminiSim(core)
            self._gemini.add_routes(app)
        app.router.add_get("/_sim/knobs", self._get_knobs)
        app.router.add_post("/_sim/knobs", self._post_knobs)
        app.router.add_get("/_sim/stats", self._get_stats)
        app.router.add_post("/_sim/reset", self._reset)
        return app

    async def _get_knobs(self, request: web.Request) -> web.Response:
        return web.json_response(self.knobs.to_dict())

    async def _post_knobs(self, request: web.Request) -> web.Response:
        try:
            values = await request.json()
            if not isinstance(values, dict):
                raise ValueError("expected a JSON object")
            self.knobs.update(values)
        except (json.JSONDecodeError, KeyError, ValueError, TypeError) as e:
            return web.json_response({"error": str(e).strip("'\"")}, status=400)
        return web.json_response(self.knobs.to_dict())

    async def _get_stats(self, request: web.Request) -> web.Response:
        stats = self.stats.to_dict()
        if self.pod is not None:
            stats["pod"] = self.pod.stats_dict()
        return web.json_response(stats)

    async def _reset(self, request: web.Request) -> web.Response:
        self.reset_stats()
        return web.json_response(self.stats.to_dict())

    async def start(self) -> SimulatorServer:
        """Bind and serve; afterwards ``port`` is the real port."""
        if self._runner is not None:
            return self
        # handler_cancellation: a client that gives up (timeout test) cancels its hanging handler;
        # a short shutdown_timeout keeps stop() fast even with calls still in flight.
        runner = web.AppRunner(
            self._app(),
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=0.5,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._runner = runner
        return self

    async def stop(self) -> None:
        if self.pod is not None:
            await self.pod.close()
        if self._runpod is not None:
            await self._runpod.close()
        if self._gemini is not None:
            await self._gemini.batches.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> SimulatorServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def env_lines(servers: Iterable[SimulatorServer]) -> list[str]:
    """Settings lines for a worker: ``RUNPOD_BASE_URL=…`` (vLLM pod, or serverless with ``RUNPOD_API=native``
    when no pod simulator runs) and ``GEMINI_BASE_URL=…``."""
    servers = list(servers)
    has_pod = any(s.kind == "vllm" for s in servers)
    lines: list[str] = []
    for s in servers:
        if s.kind == "vllm":
            lines.append(f"RUNPOD_BASE_URL={s.base_url}")
        elif s.kind == "runpod":
            lines += (
                [f"RUNPOD_SERVERLESS_BASE_URL={s.base_url}"]
                if has_pod
                else [f"RUNPOD_BASE_URL={s.base_url}", "RUNPOD_API=native"]
            )
        else:
            lines.append(f"GEMINI_BASE_URL={s.base_url}")
    return lines


async def run_forever(
    kinds: Iterable[str],
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
    knobs: Knobs | Mapping[str, Knobs] | None = None,
    *,
    stop: asyncio.Event | None = None,
    announce: bool = True,
) -> None:
    """Serve the given simulators until SIGINT/SIGTERM (or ``stop`` is set), printing their env lines."""
    ports = ports or {}
    servers: list[SimulatorServer] = []
    for kind in kinds:
        k = knobs.get(kind) if isinstance(knobs, Mapping) else knobs
        # Each server gets its own copy so that steering one does not change the others.
        servers.append(
            SimulatorServer(
                kind, knobs=Knobs(**k.to_dict()) if k else Knobs(), host=host, port=ports.get(kind, 0)
            )
        )
    done = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, done.set)
            installed.append(sig)
    try:
        for s in servers:
            await s.start()
        if announce:
            for line in env_lines(servers):
                print(line, flush=True)
        await done.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        for s in servers:
            await s.stop()


def knobs_from(values: Mapping[str, Any]) -> Knobs:
    """A ``Knobs`` from a mapping of field names (unknown names raise ``KeyError``)."""
    k = Knobs()
    k.update(dict(values))
    return k
