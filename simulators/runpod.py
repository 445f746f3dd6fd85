"""RunPod serverless with the runpod-workers/worker-vllm handler.

Native API: ``POST /v2/{endpoint_id}/runsync`` and ``/run``, ``GET /v2/{endpoint_id}/status/{job_id}``,
``POST /v2/{endpoint_id}/cancel/{job_id}``. The input is worker-vllm's:
``{"input": {"messages": [...] | "prompt": "...", "sampling_params": {...}}}``; ``sampling_params`` go
to vLLM's ``SamplingParams``, so ``max_tokens`` defaults to 16 and a JSON schema is passed as
``sampling_params.structured_outputs = {"json": schema}`` (vLLM >= 0.12; the removed ``guided_json``
fails inside the worker unless the ``accept_guided_json`` knob is on). A completed job's output is
the list of the handler's yields: ``[{"choices": [{"tokens": ["<text>"]}], "usage": {"input": N,
"output": M}}]``; errors raised in the worker arrive as ``[{"error": {...}}]`` in a COMPLETED job.
The OpenAI route ``/v2/{endpoint_id}/openai/v1/...`` is the vLLM API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens
from . import vllm
from .core import SimCore, SimError, messages_text, requested_count

ENDPOINT_ID = "sim-endpoint"
DEFAULT_MAX_TOKENS = 16  # vLLM SamplingParams default, which worker-vllm passes through
MAX_JOBS = 1000
WORKER_ID = "sim-worker-0"


@dataclass
class Job:
    id: str
    created: float
    status: str = "IN_QUEUE"
    started: float | None = None
    finished: float | None = None
    output: Any = None
    error: str | None = None
    task: asyncio.Task[None] | None = None

    def view(self) -> dict[str, Any]:
        """The ``/status`` body for this job."""
        d: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.started is not None:
            d["delayTime"] = int((self.started - self.created) * 1000)
            d["workerId"] = WORKER_ID
        if self.finished is not None and self.started is not None:
            d["executionTime"] = int((self.finished - self.started) * 1000)
        if self.status == "COMPLETED":
            d["output"] = self.output
        if self.status == "FAILED":
            d["error"] = self.error
        return d


def _error_output(message: str, status: int = 400, err_type: str = "BadRequestError") -> list[dict[str, Any]]:
    # worker-vllm catches engine exceptions and yields {"error": ErrorResponse}; the job still COMPLETES.
    return [
        {"error": {"object": "error", "message": message, "type": err_type, "param": None, "code": status}}
    ]


class RunpodSim:
    """Jobs of one simulated endpoint (bounded; running tasks are cancelled by ``close``)."""

    def __init__(self, core: SimCore) -> None:
        self.core = core
        self.jobs: OrderedDict[str, Job] = OrderedDict()

    async def close(self) -> None:
        tasks = [j.task for j in self.jobs.values() if j.task and not j.task.done()]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t

    def _auth_ok(self, request: web.Request) -> bool:
        return vllm.check_bearer(request, self.core, raw_ok=True)

    def _error(self, e: SimError) -> web.Response:
        if e.status in (502, 524):
            return vllm.render_error(e)
        headers = {"Retry-After": f"{e.retry_after:g}"} if e.retry_after is not None else None
        return web.json_response({"error": e.message}, status=e.status, headers=headers)

    async def _submit(self, request: web.Request) -> tuple[Job | None, web.Response | None]:
        """Count the call, apply auth and failure gates, and start the job; or say why not."""
        core = self.core
        core.begin()
        try:
            if not self._auth_ok(request):
                core.end(401)
                return None, web.json_response({"error": "Unauthorized"}, status=401)
            try:
                body = await request.json()
            except json.JSONDecodeError:
                core.end(400)
                return None, web.json_response({"error": "invalid JSON body"}, status=400)
            core.record(body)
            if not isinstance(body, dict) or not isinstance(body.get("input"), dict):
                core.end(400)
                return None, web.json_response({"error": "input is required"}, status=400)
            core.check_failures()
        except SimError as e:
            core.end(e.status)
            return None, self._error(e)
        job = Job(id=f"{uuid.uuid4()}-u1", created=time.time())
        self.jobs[job.id] = job
        while len(self.jobs) > MAX_JOBS:
            old_id, old = next(iter(self.jobs.items()))
            if old.task and not old.task.done():
                break
            self.jobs.pop(old_id)
        job.task = asyncio.create_task(self._execute(job, body["input"]))
        return job, None

    async def _execute(self, job: Job, inp: dict[str, Any]) -> None:
        core, k = self.core, self.core.knobs
        status = 200
        try:
            job.status, job.started = "IN_PROGRESS", time.time()
            prompt = messages_text(inp["messages"]) if "messages" in inp else str(inp.get("prompt") or "")
            await core.hang_if_asked()
            started = time.monotonic()
            job.output = self._generate(prompt, inp)
            await core.finish_latency(requested_count(prompt), started)
            if k.output_error_rate > 0 and core.rng.random() < k.output_error_rate:
                if core.rng.random() < 0.5:
                    job.output = {"error": "CUDA error: an illegal memory access was encountered"}
                else:
                    job.status, job.error = "FAILED", "handler: worker exited unexpectedly"
            if job.status != "FAILED":
                job.status = "COMPLETED"
        except asyncio.CancelledError:
            job.status, status = "CANCELLED", 499
            raise
        except Exception as e:  # a simulator bug must show up as a FAILED job, not a stuck one
            job.status, job.error = "FAILED", f"{type(e).__name__}: {e}"
        finally:
            job.finished = time.time()
            core.end(status)

    def _generate(self, prompt: str, inp: dict[str, Any]) -> Any:
        core = self.core
        sp = inp.get("sampling_params") or {}
        if not isinstance(sp, dict):
            return _error_output("sampling_params must be an object")
        if "guided_json" in sp and not core.knobs.accept_guided_json:
            return _error_output("SamplingParams.__init__() got an unexpected keyword argument 'guided_json'")
        schema: Any = None
        so = sp.get("structured_outputs")
        if isinstance(so, dict):
            schema = so.get("json")
        elif core.knobs.accept_guided_json:
            schema = sp.get("guided_json")
        max_tokens = int(sp.get("max_tokens") or DEFAULT_MAX_TOKENS)
        p_tokens = estimate_tokens(prompt)
        if p_tokens + max_tokens > core.context_limit:
            return _error_output(vllm.context_error_message(core.context_limit, p_tokens, max_tokens))
        stop = sp.get("stop")
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        gen = core.generate(
            prompt, schema=schema, max_tokens=max_tokens, stop=stops, prompt_tokens=p_tokens
        )
        return [
            {
                "choices": [{"tokens": [gen.text]}],
                "usage": {"input": gen.prompt_tokens, "output": gen.completion_tokens},
            }
        ]

    async def run(self, request: web.Request) -> web.Response:
        """``POST /run``: queue the job and answer at once."""
        job, err = await self._submit(request)
        if err is not None or job is None:
            return err or web.json_response({"error": "internal"}, status=500)
        return web.json_response({"id": job.id, "status": "IN_QUEUE"})

    async def runsync(self, request: web.Request) -> web.Response:
        """``POST /runsync``: wait up to ``runsync_wait_s`` for the job, else answer its current status."""
        job, err = await self._submit(request)
        if err is not None or job is None or job.task is None:
            return err or web.json_response({"error": "internal"}, status=500)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(job.task), self.core.knobs.runsync_wait_s)
        return web.json_response(job.view())

    async def status(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        job = self.jobs.get(request.match_info["job_id"])
        if job is None:
            return web.json_response({"error": "request does not exist"}, status=404)
        return web.json_response(job.view())

    async def cancel(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        job = self.jobs.get(request.match_info["job_id"])
        if job is None:
            return web.json_response({"error": "request does not exist"}, status=404)
        if job.task and not job.task.done():
            job.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job.task
        return web.json_response({"id": job.id, "status": job.status})

    async def health(self, request: web.Request) -> web.Response:
        running = sum(1 for j in self.jobs.values() if j.status == "IN_PROGRESS")
        done = sum(1 for j in self.jobs.values() if j.status == "COMPLETED")
        failed = sum(1 for j in self.jobs.values() if j.status == "FAILED")
        return web.json_response(
            {
                "jobs": {
                    "completed": done,
                    "failed": failed,
                    "inProgress": running,
                    "inQueue": 0,
                    "retried": 0,
                },
                "workers": {"idle": 1, "running": 1 if running else 0},
            }
        )

    def add_routes(self, app: web.Application) -> None:
        base = "/v2/{endpoint_id}"
        app.router.add_post(f"{base}/run", self.run)
        app.router.add_post(f"{base}/runsync", self.runsync)
        app.router.add_get(f"{base}/status/{{job_id}}", self.status)
        app.router.add_post(f"{base}/status/{{job_id}}", self.status)
        app.router.add_post(f"{base}/cancel/{{job_id}}", self.cancel)
        app.router.add_get(f"{base}/health", self.health)
        vllm.add_routes(app, self.core, prefix=f"{base}/openai")
