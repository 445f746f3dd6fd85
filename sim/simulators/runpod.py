"""RunPod serverless (a queue-based endpoint) running the runpod-workers/worker-vllm handler.

Read from runpod/docs: serverless/endpoints/send-requests.mdx and operation-reference.mdx (the
operations, result retention, ``policy``, rate limits), serverless/endpoints/job-states.mdx (IN_QUEUE,
IN_PROGRESS, COMPLETED, FAILED, CANCELLED, TIMED_OUT) and serverless/workers/overview.mdx (worker
states; active and flex workers). Operations under ``/v2/{endpoint_id}``:
- ``POST /run``: queue a job and answer ``{"id", "status": "IN_QUEUE"}`` at once; results kept 30 min.
- ``POST /runsync[?wait=ms]``: queue a job and hold the request until it ends or ``wait`` (1 000-300 000,
  default 90 s) passes, then answer its status (its output, or its id to poll); results kept one minute.
- ``GET|POST /status/{id}``; ``POST /cancel/{id}`` (a queued job never runs, a running one stops);
  ``POST /purge-queue`` (queued jobs only). An unknown or expired id answers 404. Every operation, /health
  included, needs the API key when ``expected_api_key`` is set.
- ``GET /health``: ``{"jobs": {completed, failed, inProgress, inQueue, retried}, "workers": {idle,
  initializing, ready, running, throttled, unhealthy}}``.
- ``/openai/v1/...``: every request is a job as well, with worker-vllm's input ``{"openai_route",
  "openai_input"}`` (src/utils.py JobInput); the HTTP request waits for it. A client that goes away
  does not cancel it: the job runs, and is paid for, with nobody reading the answer.

A job is counted (``submitted``, as RunPod bills it) from submission; ``policy`` is checked as documented
(``executionTimeout`` ms > 5000, default 10 min; ``ttl`` ms >= 10 000 and <= a week, default 24 h): a
job still queued at its ttl, or running past its execution timeout, ends TIMED_OUT. Workers: the
``min_workers`` active ones are ready from the start; a queued job that no ready worker can take starts a
worker (up to ``max_workers``), ``initializing`` for ``cold_start_s``; a ready worker runs up to
``worker_concurrency`` jobs at once (worker-vllm's concurrency_modifier, MAX_CONCURRENCY default 300 in
src/constants.py); a flex worker idle for ``idle_timeout_s`` stops. ``drop_answers`` queues a submission
and then closes the connection without an answer.

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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
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
RUN_RESULT_TTL_S = 30 * 60.0  # /run results are kept 30 minutes
DEFAULT_EXECUTION_TIMEOUT_MS = 600_000
DEFAULT_TTL_MS = 86_400_000
MAX_TTL_MS = 7 * 86_400_000
POLICY_KEYS = frozenset({"executionTimeout", "ttl", "lowPriority"})
PENDING = frozenset({"IN_QUEUE", "IN_PROGRESS"})
OPENAI_ROUTES = frozenset({"/v1/chat/completions", "/v1/models"})
NOT_FOUND = {"error": "request does not exist"}


@dataclass
class Job:
    """One submission: billed from here; ``route`` is 'run', 'runsync' or the OpenAI route it came by."""

    id: str
    created: float
    route: str = "run"
    input: dict[str, Any] = field(default_factory=dict)
    ttl_s: float = DEFAULT_TTL_MS / 1000
    execution_timeout_s: float = DEFAULT_EXECUTION_TIMEOUT_MS / 1000
    status: str = "IN_QUEUE"
    started: float | None = None
    finished: float | None = None
    output: Any = None
    error: str | None = None
    worker: str | None = None
    timed_out: bool = False
    task: asyncio.Task[None] | None = None
    timer: asyncio.TimerHandle | None = None
    response: web.Response | None = None  # the OpenAI route's answer to its waiting HTTP request
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def expired(self, now: float, result_ttl_s: float) -> bool:
        keep = result_ttl_s if self.route == "runsync" else RUN_RESULT_TTL_S
        return self.finished is not None and now - self.finished > keep

    def view(self) -> dict[str, Any]:
        """The ``/status`` body for this job."""
        d: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.started is not None:
            d["delayTime"] = int((self.started - self.created) * 1000)
            d["workerId"] = self.worker
        if self.finished is not None and self.started is not None:
            d["executionTime"] = int((self.finished - self.started) * 1000)
        if self.status == "COMPLETED":
            d["output"] = self.output
        if self.status == "FAILED":
            d["error"] = self.error
        return d


@dataclass
class Worker:
    """A serverless worker; ``active`` ones (min workers) are never stopped for being idle."""

    id: str
    ready_at: float  # monotonic
    active: bool
    idle_since: float
    jobs: set[str] = field(default_factory=set)

    def state(self, now: float) -> str:
        if now < self.ready_at:
            return "initializing"
        return "running" if self.jobs else "idle"


class HandlerError(Exception):
    """What the handler yields as ``{"error": ...}``; runpod-python turns it into a FAILED job."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(repr(error))
        self.error = error


def policy_limits(policy: Any) -> tuple[float, float]:
    """(ttl, execution timeout) in seconds from a job's ``policy``; ``ValueError`` as RunPod refuses it."""
    if policy is None:
        return DEFAULT_TTL_MS / 1000, DEFAULT_EXECUTION_TIMEOUT_MS / 1000
    if not isinstance(policy, dict):
        raise ValueError("policy must be an object")
    unknown = sorted(set(policy) - POLICY_KEYS)
    if unknown:
        raise ValueError(f"policy: unknown field {unknown[0]!r}")
    ttl = policy.get("ttl", DEFAULT_TTL_MS)
    timeout = policy.get("executionTimeout", DEFAULT_EXECUTION_TIMEOUT_MS)
    for name, v in (("ttl", ttl), ("executionTimeout", timeout)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"policy.{name} must be an integer (milliseconds)")
    if timeout <= 5000:
        raise ValueError("policy.executionTimeout must be greater than 5000 ms")
    if not 10_000 <= ttl <= MAX_TTL_MS:
        raise ValueError("policy.ttl must be between 10000 ms and one week")
    return ttl / 1000, timeout / 1000


class RunpodSim:
    """Jobs and workers of one simulated endpoint (bounded; running tasks are cancelled by ``close``)."""

    def __init__(self, core: SimCore) -> None:
        self.core = core
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.queue: deque[Job] = deque()
        self.workers: list[Worker] = []
        self.submitted = 0  # jobs billed: every submission, whatever became of it
        self._workers_started = 0
        self._wake: asyncio.TimerHandle | None = None
        now = time.monotonic()
        for _ in range(core.knobs.min_workers):
            self._add_worker(ready_at=now, active=True)

    async def close(self) -> None:
        if self._wake is not None:
            self._wake.cancel()
        tasks = [j.task for j in self.jobs.values() if j.task and not j.task.done()]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t

    def ledger(self) -> Counter[tuple[str, str]]:
        """Jobs by (route, status): what was submitted and what became of each."""
        return Counter((j.route, j.status) for j in self.jobs.values())

    def finish_cold_starts(self) -> None:
        """Test control: every initializing worker is ready now (cold starts are set long, then ended)."""
        self._reconcile()  # workers the knobs now ask for start first
        now = time.monotonic()
        for w in self.workers:
            if w.ready_at > now:
                w.ready_at = w.idle_since = now
        self._reconcile()

    # --- workers and the queue ---------------------------------------------------------------------
    def _add_worker(self, *, ready_at: float, active: bool) -> None:
        self._workers_started += 1
        self.workers.append(Worker(f"sim-worker-{self._workers_started}", ready_at, active, idle_since=ready_at))

    def _reconcile(self) -> None:
        """Bring workers and jobs up to date: expiries, scale-down, scale-up, queued jobs to ready workers."""
        k, now, wall = self.core.knobs, time.monotonic(), time.time()
        actives = [w for w in self.workers if w.active]
        for w in actives[max(0, k.min_workers):]:
            w.active = False
        for _ in range(k.min_workers - len(actives)):
            self._add_worker(ready_at=now + k.cold_start_s, active=True)
        for job in [j for j in self.queue if wall - j.created > j.ttl_s]:
            self.queue.remove(job)
            self._end_queued(job, "TIMED_OUT")
        self.workers = [
            w for w in self.workers
            if w.active or w.jobs or now < w.ready_at or now - w.idle_since < k.idle_timeout_s
        ]
        room = any(now >= w.ready_at and len(w.jobs) < k.worker_concurrency for w in self.workers)
        starting = any(now < w.ready_at for w in self.workers)
        if self.queue and not room and not starting and len(self.workers) < k.max_workers:
            self._add_worker(ready_at=now + k.cold_start_s, active=False)
        for w in self.workers:
            while self.queue and now >= w.ready_at and len(w.jobs) < k.worker_concurrency:
                self._start(self.queue.popleft(), w)
        self._schedule(now)

    def _schedule(self, now: float) -> None:
        """Wake up when the next worker becomes ready or the next queued job expires."""
        times = [w.ready_at for w in self.workers if w.ready_at > now]
        wall = time.time()
        times += [now + max(0.0, j.created + j.ttl_s - wall) for j in self.queue]
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        if times:
            self._wake = asyncio.get_running_loop().call_later(max(0.0, min(times) - now) + 0.001, self._reconcile)

    def _start(self, job: Job, worker: Worker) -> None:
        job.status, job.started, job.worker = "IN_PROGRESS", time.time(), worker.id
        worker.jobs.add(job.id)
        job.task = asyncio.create_task(self._execute(job))
        job.timer = asyncio.get_running_loop().call_later(job.execution_timeout_s, self._time_out, job)

    def _time_out(self, job: Job) -> None:
        if job.task is not None and not job.task.done():
            job.timed_out = True
            job.task.cancel()

    def _end_queued(self, job: Job, status: str) -> None:
        """A job that never reached a worker ends (cancelled, purged, expired)."""
        job.status, job.finished = status, time.time()
        self.core.end(499)
        job.done.set()

    def _release(self, job: Job, http_status: int) -> None:
        job.finished = time.time()
        if job.timer is not None:
            job.timer.cancel()
        for w in self.workers:
            if job.id in w.jobs:
                w.jobs.discard(job.id)
                w.idle_since = time.monotonic()
        self.core.end(http_status)
        job.done.set()
        asyncio.get_running_loop().call_soon(self._reconcile)

    # --- submission ------------------------------------------------------------------------------
    def _auth_ok(self, request: web.Request) -> bool:
        return vllm.check_bearer(request, self.core, raw_ok=True)

    def _error(self, e: SimError) -> web.Response:
        if e.status in (502, 524):
            return vllm.render_error(e)
        headers = {"Retry-After": f"{e.retry_after:g}"} if e.retry_after is not None else None
        return web.json_response({"error": e.message}, status=e.status, headers=headers)

    def _queue(self, route: str, inp: dict[str, Any], ttl_s: float, execution_timeout_s: float) -> Job:
        job = Job(id=f"{uuid.uuid4()}-u1", created=time.time(), route=route, input=inp, ttl_s=ttl_s,
                  execution_timeout_s=execution_timeout_s)
        self.submitted += 1
        self.jobs[job.id] = job
        while len(self.jobs) > MAX_JOBS:
            old_id, old = next(iter(self.jobs.items()))
            if old.status in PENDING:
                break
            self.jobs.pop(old_id)
        self.queue.append(job)
        self._reconcile()
        return job

    async def _submit(self, request: web.Request, route: str) -> tuple[Job | None, web.Response | None]:
        """Count the call, apply auth, input, policy and failure gates, and queue the job; or say why not."""
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
            try:
                ttl_s, timeout_s = policy_limits(body.get("policy"))
            except ValueError as e:
                core.end(400)
                return None, web.json_response({"error": str(e)}, status=400)
            core.check_failures()
        except SimError as e:
            core.end(e.status)
            return None, self._error(e)
        return self._queue(route, body["input"], ttl_s, timeout_s), None

    def _drop_answer(self, request: web.Request) -> bool:
        """``drop_answers``: the job is queued, but the connection closes before any answer."""
        k = self.core.knobs
        if k.drop_answers <= 0:
            return False
        k.drop_answers -= 1
        if request.transport is not None:
            request.transport.abort()
        return True

    # --- execution -------------------------------------------------------------------------------
    async def _execute(self, job: Job) -> None:
        core, k = self.core, self.core.knobs
        status = 200
        try:
            if job.route in OPENAI_ROUTES:
                resp = job.response = await self._answer_openai(job)
                status = resp.status
                job.status = "COMPLETED" if resp.status < 400 else "FAILED"
                job.error = None if resp.status < 400 else (resp.text or "")
                return
            inp = job.input
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
            job.status, status = ("TIMED_OUT" if job.timed_out else "CANCELLED"), 499
            raise
        except Exception as e:  # a simulator bug must show up as a FAILED job, not a stuck one
            # (HandlerError is handled above, as the real handler's error yield)
            job.status, job.error = "FAILED", f"{type(e).__name__}: {e}"
        finally:
            self._release(job, status)

    async def _answer_openai(self, job: Job) -> web.Response:
        """worker-vllm's OpenAI engine: the vLLM answer to ``openai_input`` on ``openai_route``."""
        body = job.input.get("openai_input") or {}
        if job.input.get("openai_route") == "/v1/models":
            return vllm.models_response(self.core)
        return await vllm.answer_chat(body, self.core)

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
            temperature=body.get("temperature"),
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
        gen = core.generate(prompt, schema=schema, max_tokens=max_tokens, prompt_tokens=p_tokens,
                            temperature=sp.get("temperature"), **vllm.stop_fields(sp))
        return [
            {
                "choices": [{"tokens": [gen.text]}],
                "usage": {"input": gen.prompt_tokens, "output": gen.completion_tokens},
            }
        ]

    # --- operations ------------------------------------------------------------------------------
    async def run(self, request: web.Request) -> web.Response:
        """``POST /run``: queue the job and answer its id at once."""
        job, err = await self._submit(request, "run")
        if err is not None or job is None:
            return err or web.json_response({"error": "internal"}, status=500)
        if self._drop_answer(request):
            return web.Response(status=500)  # never reaches the client: the connection is gone
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
        job, err = await self._submit(request, "runsync")
        if err is not None or job is None:
            return err or web.json_response({"error": "internal"}, status=500)
        if self._drop_answer(request):
            return web.Response(status=500)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(job.done.wait()), wait_s)
        return web.json_response(job.view())

    def _job(self, request: web.Request) -> Job | None:
        self._reconcile()
        job = self.jobs.get(request.match_info["job_id"])
        if job is None or job.expired(time.time(), self.core.knobs.result_ttl_s):
            return None
        return job

    async def status(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        job = self._job(request)
        return web.json_response(job.view()) if job else web.json_response(NOT_FOUND, status=404)

    async def cancel(self, request: web.Request) -> web.Response:
        """``POST /cancel/{id}``: a queued job is removed, a running one stopped; a finished one is left."""
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        job = self._job(request)
        if job is None:
            return web.json_response(NOT_FOUND, status=404)
        if job in self.queue:
            self.queue.remove(job)
            self._end_queued(job, "CANCELLED")
        elif job.task and not job.task.done():
            job.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job.task
        return web.json_response({"id": job.id, "status": job.status})

    async def purge_queue(self, request: web.Request) -> web.Response:
        """``POST /purge-queue``: every queued job is removed; running ones go on."""
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        removed = list(self.queue)
        self.queue.clear()
        for job in removed:
            self._end_queued(job, "CANCELLED")
        return web.json_response({"removed": len(removed), "status": "completed"})

    async def health(self, request: web.Request) -> web.Response:
        if not self._auth_ok(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        self._reconcile()
        now = time.monotonic()
        states = Counter(w.state(now) for w in self.workers)
        jobs = Counter(j.status for j in self.jobs.values())
        return web.json_response(
            {
                "jobs": {
                    "completed": jobs["COMPLETED"],
                    "failed": jobs["FAILED"],
                    "inProgress": jobs["IN_PROGRESS"],
                    "inQueue": jobs["IN_QUEUE"],
                    "retried": 0,
                },
                "workers": {
                    "idle": states["idle"],
                    "initializing": states["initializing"],
                    "ready": states["idle"] + states["running"],
                    "running": states["running"],
                    "throttled": 0,
                    "unhealthy": 0,
                },
            }
        )

    async def openai(self, request: web.Request) -> web.StreamResponse:
        """``/openai/v1/chat/completions`` and ``/openai/v1/models``: a job each; the request waits for it."""
        core = self.core
        route = "/v1/models" if request.path.endswith("/models") else "/v1/chat/completions"
        core.begin()
        core.stats.paths.append(request.path_qs)
        refused: web.Response | None = None
        body: Any = {}
        if not self._auth_ok(request):
            refused = web.json_response({"error": "Unauthorized"}, status=401)
        elif route == "/v1/chat/completions":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                refused = vllm.vllm_error(400, "Invalid JSON body")
            else:
                core.record(body)
                if not isinstance(body, dict):
                    refused = vllm.vllm_error(400, "Request body must be a JSON object")
        if refused is not None:  # refused at the door: no job
            core.end(refused.status)
            return refused
        ttl_s, timeout_s = policy_limits(None)
        job = self._queue(route, {"openai_route": route, "openai_input": body}, ttl_s, timeout_s)
        if self._drop_answer(request):
            return web.Response(status=500)
        # shielded: a client that gives up cancels this handler, not the job (RunPod runs it anyway)
        await asyncio.shield(job.done.wait())
        if job.response is not None:
            return job.response
        return web.json_response({"error": f"job {job.status.lower()}"}, status=500)

    def add_routes(self, app: web.Application) -> None:
        base = "/v2/{endpoint_id}"
        app.router.add_post(f"{base}/run", self.run)
        app.router.add_post(f"{base}/runsync", self.runsync)
        app.router.add_get(f"{base}/status/{{job_id}}", self.status)
        app.router.add_post(f"{base}/status/{{job_id}}", self.status)
        app.router.add_post(f"{base}/cancel/{{job_id}}", self.cancel)
        app.router.add_post(f"{base}/purge-queue", self.purge_queue)
        app.router.add_get(f"{base}/health", self.health)
        app.router.add_post(f"{base}/openai/v1/chat/completions", self.openai)
        app.router.add_get(f"{base}/openai/v1/models", self.openai)
