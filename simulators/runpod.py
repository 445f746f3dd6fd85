"""RunPod serverless with the runpod-workers/worker-vllm handler.

Native API (runpod/docs serverless/endpoints/operation-reference.mdx): ``POST /v2/{endpoint_id}/runsync``
(holds the request up to ``?wait=`` ms, 1 000-300 000, default 90 s, then answers the job's id and
status, IN_QUEUE or IN_PROGRESS, for polling; a finished job's result is kept one minute) and ``/run``,
``GET /v2/{endpoint_id}/status/{job_id}``, ``POST /v2/{endpoint_id}/cancel/{job_id}``.

The job input is worker-vllm's ``{"input": {"messages": [...], "sampling_params": {...}}}``. Two
handler generations are simulated (``Knobs.worker_image``), read from worker-vllm's src/handler.py:
- 'current' (the 2026 rewrite): ``sampling_params`` are flattened into a ``/v1/chat/completions`` body
  for a local vLLM server (no max_tokens default: vLLM uses what the window leaves), and the output
  is ``[<chat.completion>]``; unknown fields are ignored as vLLM ignores them.
- 'legacy': ``SamplingParams(**sampling_params)`` (``max_tokens`` defaults to 100; an unknown key such
  as the removed ``guided_json`` fails), output ``[{"choices": [{"tokens": ["<text>"]}], "usage":
  {"input": N, "output": M}}]``.
A handler error becomes a FAILED job whose ``error`` is the repr of the yielded error dict
(runpod-python rp_job.handle_job); some deployments have also shown it as ``output.error`` in a
COMPLETED job, which ``output_error_rate`` produces half of the time.
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
LEGACY_MAX_TOKENS = 100  # the legacy handler's default when sampling_params has no max_tokens
# SamplingParams fields the legacy handler accepts (vllm/sampling_params.py); anything else raises
SAMPLING_PARAMS = frozenset(
    {"n", "presence_penalty", "frequency_penalty", "repetition_penalty", "temperature", "top_p", "top_k",
     "min_p", "seed", "stop", "stop_token_ids", "ignore_eos", "max_tokens", "min_tokens", "logprobs",
     "skip_special_tokens", "spaces_between_special_tokens", "structured_outputs", "include_stop_str_in_output"}
)
WAIT_MS_RANGE = (1_000, 300_000)
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

    def expired(self, now: float, ttl_s: float) -> bool:
        return self.finished is not None and now - self.finished > ttl_s

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


class HandlerError(Exception):
    """What the handler yields as ``{"error": ...}``; runpod-python turns it into a FAILED job."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(repr(error))
        self.error = error


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
        core.stats.paths.append(request.path_qs)
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
            try:
                job.output = self._generate(prompt, inp)
            except HandlerError as e:
                job.status, job.error = "FAILED", repr(e.error)
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
            # (HandlerError is handled above, as the real handler's error yield)
            job.status, job.error = "FAILED", f"{type(e).__name__}: {e}"
        finally:
            job.finished = time.time()
            core.end(status)

    def _generate(self, prompt: str, inp: dict[str, Any]) -> Any:
        """The job's output for the configured handler generation; raises ``HandlerError``."""
        sp = inp.get("sampling_params") or {}
        if not isinstance(sp, dict):
            raise HandlerError({"message": "sampling_params must be an object", "type": "worker_error", "code": None})
        if self.core.knobs.worker_image == "legacy":
            return self._generate_legacy(prompt, sp)
        return self._generate_current(prompt, sp)

    def _generate_current(self, prompt: str, sp: dict[str, Any]) -> Any:
        core = self.core
        body = {**sp, "stream": False}  # the handler's flattening; vLLM ignores unknown fields
        p_tokens = estimate_tokens(prompt)
        limit = core.context_limit
        max_tokens = int(body.get("max_tokens") or body.get("max_completion_tokens") or max(1, limit - p_tokens))
        if p_tokens + max_tokens > limit:
            detail = vllm.context_error_message(limit, p_tokens, max_tokens)
            raise HandlerError({"message": f"vLLM returned HTTP 400: {detail}", "type": "worker_error", "code": None})
        gen = core.generate(
            prompt,
            schema=vllm.json_schema_of(body, core),
            max_tokens=max_tokens,
            prompt_tokens=p_tokens,
            **vllm.stop_fields(body),
        )
        return [vllm.completion_body(core.model, gen)]

    def _generate_legacy(self, prompt: str, sp: dict[str, Any]) -> Any:
        core = self.core
        unknown = sorted(set(sp) - SAMPLING_PARAMS)
        if unknown:
            message = f"SamplingParams.__init__() got an unexpected keyword argument '{unknown[0]}'"
            raise HandlerError({"error": {"object": "error", "message": message, "type": "BadRequestError",
                                          "param": None, "code": 400}})
        schema: Any = None
        so = sp.get("structured_outputs")
        if isinstance(so, dict):
            schema = so.get("json")
        max_tokens = int(sp.get("max_tokens") or LEGACY_MAX_TOKENS)
        p_tokens = estimate_tokens(prompt)
        if p_tokens + max_tokens > core.context_limit:
            message = vllm.context_error_message(core.context_limit, p_tokens, max_tokens)
            raise HandlerError({"error": {"object": "error", "message": message, "type": "BadRequestError",
                                          "param": None, "code": 400}})
        gen = core.generate(prompt, schema=schema, max_tokens=max_tokens, prompt_tokens=p_tokens, **vllm.stop_fields(sp))
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
        """``POST /runsync[?wait=ms]``: hold the request until the job ends or ``wait`` passes (default
        ``runsync_wait_s``), then answer the job's status: its output, or its id to poll."""
        wait_s = self.core.knobs.runsync_wait_s
        if "wait" in request.query:
            try:
                wait_ms = int(request.query["wait"])
            except ValueError:
                return web.json_response({"error": "wait must be an integer (milliseconds)"}, status=400)
            wait_s = min(max(wait_ms, WAIT_MS_RANGE[0]), WAIT_MS_RANGE[1]) / 1000
        job, err = await self._submit(request)
        if err is not None or job is None or job.task is None:
            return err or web.json_response({"error": "internal"}, status=500)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(job.task), wait_s)
        return web.json_response(job.view())

    async def status(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        job = self.jobs.get(request.match_info["job_id"])
        if job is None or job.expired(time.time(), self.core.knobs.result_ttl_s):
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
