"""RunPod's serverless job API: ``/run``, ``/status/{id}``, ``/cancel/{id}`` and ``/health`` of one endpoint.

Serverless calls never leave a paid job unaccounted for. The native route submits with ``POST /run``
(the job id comes back at once), polls ``GET /status/{id}`` and sends ``POST /cancel/{id}`` whenever it
gives up. The OpenAI route of a serverless endpoint (``…/v2/{endpoint}/openai/v1``) carries no job id,
so nothing is sent to it until ``GET /health`` shows a ready worker: a cold start is waited out (up to
``RUNPOD_COLD_START_WAIT_S``) and logged, and an endpoint scaled to zero is woken by one tiny ``/run``
job, never by the real request. A submission sent but never answered (a read timeout, a dropped
connection) raises ``SubmissionUnknown``, which is not retried: RunPod has no idempotency key, so a retry
could pay for a second job. Every ``/run`` carries a ``policy`` (``ttl``, ``executionTimeout``) so that
RunPod itself ends, at our deadlines, a job whose id we never learnt.

Upstream contracts this follows: RunPod's serverless docs (runpod/docs serverless/endpoints/send-requests.mdx
and operation-reference.mdx: ``/run``, ``/status``, ``/cancel``, ``/health``, ``policy``, result retention
and rate limits; job-states.mdx: IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, TIMED_OUT;
serverless/workers/overview.mdx: worker states and cold starts); runpod-workers/worker-vllm's handler
(src/handler.py: the native input; src/utils.py: the OpenAI route runs as a job with
``openai_route``/``openai_input``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import ProviderError
from .base import ProviderCall, ProviderReply
from .http import CONTEXT_MARKERS, json_or_text, short
from .worker_vllm import native_text, output_error

_PENDING = frozenset({"IN_QUEUE", "IN_PROGRESS"})
# Seconds added to our own deadlines in the ``policy`` of a /run job, so that RunPod ends it only after
# we have given up (and cancelled it) — the policy is for the job whose id never reached us.
POLICY_MARGIN_S = 30.0
# The job that wakes an endpoint scaled to zero: worker-vllm's native input, one token of output.
WAKE_INPUT = {"messages": [{"role": "user", "content": "ping"}], "sampling_params": {"max_tokens": 1}}
# /run, /status, /health and /cancel answer at once, whatever the job does: their own read limit
API_LIMIT_S = 30.0
HEALTH_LOG_EVERY_S = 30.0  # an unchanged wait is logged again after this long
HEALTH_CHECK_EVERY_S = 5.0  # /health reads while a /run job waits in the queue (for the log only)
# RunPod's one logger, whichever module logs: operators filter the provider's lines by this name
log = logging.getLogger("service.providers.runpod")


class NotRetried(ProviderError):
    """A failure that a call-level retry cannot mend; the breaker still counts it by its kind."""

    @property
    def retryable(self) -> bool:
        return False


class SubmissionUnknown(NotRetried):
    """A serverless submission went out and no answer came back: RunPod may be running a job we hold no id
    for. Not retried: RunPod's /run has no idempotency key, so a retry could pay for a second job."""


class NoWorker(NotRetried):
    """No serverless worker took the call within ``RUNPOD_COLD_START_WAIT_S``; a retry would wait as long
    again, so the call falls back (and the job is retried later, with backoff) instead."""


@dataclass(frozen=True)
class EndpointHealth:
    """A serverless endpoint's ``GET /health``: its jobs and its workers by state."""

    in_queue: int = 0
    in_progress: int = 0
    idle: int = 0
    running: int = 0
    ready: int = 0
    initializing: int = 0
    throttled: int = 0
    unhealthy: int = 0

    @property
    def available(self) -> int:
        """Workers that can take a job now (``ready`` is reported by newer APIs, idle/running by all)."""
        return max(self.ready, self.idle + self.running)

    @property
    def state(self) -> str:
        """'ready' (a worker can take a job), 'starting' (a worker is coming: one is initializing, or jobs
        wait and will make RunPod start one) or 'asleep' (scaled to zero: nothing starts without a job)."""
        if self.available > 0:
            return "ready"
        if self.initializing > 0 or self.in_queue > 0 or self.in_progress > 0:
            return "starting"
        return "asleep"

    def describe(self) -> str:
        parts = [f"{self.idle} idle", f"{self.initializing} initializing"]
        if self.running:
            parts.append(f"{self.running} running")
        for name, n in (("throttled", self.throttled), ("unhealthy", self.unhealthy)):
            if n:
                parts.append(f"{n} {name}")
        parts.append(f"{self.in_queue} job{'s' if self.in_queue != 1 else ''} in queue")
        return ", ".join(parts)


def parse_health(data: Any) -> EndpointHealth | None:
    """``EndpointHealth`` from a ``/health`` body, or None when it is not that shape (not a serverless endpoint)."""
    if not isinstance(data, dict) or not isinstance(data.get("workers"), dict):
        return None
    raw_jobs = data.get("jobs")
    jobs: dict[str, Any] = raw_jobs if isinstance(raw_jobs, dict) else {}
    workers: dict[str, Any] = data["workers"]

    def n(d: dict[str, Any], key: str) -> int:
        v = d.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0

    return EndpointHealth(
        in_queue=n(jobs, "inQueue"),
        in_progress=n(jobs, "inProgress"),
        idle=n(workers, "idle"),
        running=n(workers, "running"),
        ready=n(workers, "ready"),
        initializing=n(workers, "initializing"),
        throttled=n(workers, "throttled"),
        unhealthy=n(workers, "unhealthy"),
    )


def job_policy(queue_s: float, run_s: float) -> dict[str, int]:
    """A /run job's ``policy``: RunPod drops it if no worker took it by our queue deadline and stops it past
    our run deadline (each with ``POLICY_MARGIN_S``), within the documented bounds (ttl >= 10 s,
    executionTimeout > 5 s)."""
    run_ms = int((run_s + POLICY_MARGIN_S) * 1000)
    return {"ttl": max(10_000, int((queue_s + run_s + POLICY_MARGIN_S) * 1000)), "executionTimeout": max(5_001, run_ms)}

class ServerlessJobs:
    """The serverless half of ``RunPodProvider``: the native route (a /run job, polled, cancelled on any
    give-up), waiting for a ready worker before the OpenAI route, and waking an endpoint scaled to zero."""

    # set by RunPodProvider.__init__
    name: str
    model: str
    endpoint_url: str
    timeout_s: float
    cold_start_wait_s: float
    poll_interval_s: float
    _client: httpx.AsyncClient
    _headers: dict[str, str]
    _wake_lock: asyncio.Lock
    _wake_job: tuple[str, float] | None
    # RunPodProvider's wire methods
    _request: Callable[..., Awaitable[httpx.Response]]
    _health_url: Callable[[], str]
    _messages: Callable[[ProviderCall], list[dict[str, str]]]
    _sampling: Callable[[ProviderCall], dict[str, Any]]

    async def _generate_native(self, call: ProviderCall) -> ProviderReply:
        """``POST /run``, then ``GET /status/{id}`` until the job ends; ``POST /cancel/{id}`` on any give-up.

        The job may wait in the queue up to ``cold_start_wait_s`` (a worker starting) and then run up to
        ``timeout_s``; past either, or on any other failure (a poll that fails, the worker shutting
        down), it is cancelled, so no job goes on running unseen while a retry pays for another.
        """
        sampling = {**self._sampling(call), "structured_outputs": {"json": call.schema}}
        body = {
            "input": {"messages": self._messages(call), "sampling_params": sampling},
            "policy": job_policy(self.cold_start_wait_s, self.timeout_s),
        }
        job_id = await self._submit_run(body, "the /run job")
        try:
            job = await self._await_job(job_id)
        except BaseException:
            await self._cancel(job_id)
            raise
        return self._native_reply(job)

    async def _submit_run(self, body: dict[str, Any], what: str) -> str:
        """``POST /run``; the job id. An answer without one is as unknown as no answer."""
        resp = await self._request("POST", f"{self.endpoint_url}/run", json_body=body, limit_s=API_LIMIT_S, submits=what)
        job = json_or_text(resp)
        job_id = job.get("id") if isinstance(job, dict) else None
        if not job_id:
            raise SubmissionUnknown(self.name, "server", f"/run answered without a job id: {short(resp.text)}")
        return str(job_id)

    async def _await_job(self, job_id: str) -> dict[str, Any]:
        """Poll ``/status/{id}`` until the job leaves IN_QUEUE/IN_PROGRESS; ``timeout`` past the queue or run
        deadline. While it is queued, what it waits for is logged from ``/health``."""
        queued_until = time.monotonic() + self.cold_start_wait_s
        run_until: float | None = None
        waiting = _WaitLog(f"{self.name}: job {job_id}")
        while True:
            resp = await self._request("GET", f"{self.endpoint_url}/status/{job_id}", limit_s=API_LIMIT_S)
            job = json_or_text(resp)
            if not isinstance(job, dict):
                raise ProviderError(self.name, "server", f"unexpected /status answer: {short(resp.text)}")
            status, now = job.get("status"), time.monotonic()
            if status not in _PENDING:
                return job
            if status == "IN_QUEUE":
                if now >= queued_until:
                    raise NoWorker(
                        self.name, "timeout",
                        f"job {job_id} still IN_QUEUE after {self.cold_start_wait_s:g}s: no RunPod worker took it",
                    )
                if waiting.due(now):
                    waiting.note(await self._health_or_none(), now)
            else:
                run_until = run_until if run_until is not None else now + self.timeout_s
                if now >= run_until:
                    raise ProviderError(
                        self.name, "timeout", f"job {job_id} still IN_PROGRESS after {self.timeout_s:g}s"
                    )
            await asyncio.sleep(self.poll_interval_s)

    # --- serverless endpoint health ---------------------------------------------------------------
    async def endpoint_health(self) -> EndpointHealth:
        """``GET {endpoint}/health`` as ``EndpointHealth``; ``ProviderError`` when it cannot be read."""
        resp = await self._request("GET", self._health_url(), limit_s=API_LIMIT_S)
        h = parse_health(json_or_text(resp))
        if h is None:
            raise ProviderError(self.name, "server", f"unexpected /health answer: {short(resp.text)}")
        return h

    async def _health_or_none(self) -> EndpointHealth | None:
        try:
            return await self.endpoint_health()
        except ProviderError:
            return None  # only for the log: the job's own status decides

    async def _await_worker(self) -> None:
        """Return once ``/health`` shows a worker that can take a job; nothing is submitted meanwhile but,
        on an endpoint scaled to zero, one tiny wake-up job (a queued job is what makes RunPod start a
        worker). ``timeout`` after ``cold_start_wait_s``, the wake-up job cancelled."""
        deadline = time.monotonic() + self.cold_start_wait_s
        waiting = _WaitLog(f"{self.name}: chat completion")
        woke: str | None = None
        try:
            while True:
                h = await self.endpoint_health()
                now = time.monotonic()
                if h.state == "ready":
                    if waiting.logged:
                        log.info("%s: a RunPod worker is ready (%s)", self.name, h.describe())
                    return
                if h.state == "asleep":
                    woke = await self._wake() or woke
                if now >= deadline:
                    raise NoWorker(
                        self.name, "timeout",
                        f"no RunPod worker became ready within {self.cold_start_wait_s:g}s ({h.describe()}); "
                        "nothing was sent",
                    )
                waiting.note(h, now)
                await asyncio.sleep(self.poll_interval_s)
        except BaseException:
            if woke:
                await self._cancel(woke)
            raise

    async def _wake(self) -> str | None:
        """Queue the wake-up job unless one sent by this process may still be starting a worker."""
        async with self._wake_lock:
            now = time.monotonic()
            if self._wake_job is not None and now - self._wake_job[1] < self.cold_start_wait_s:
                return None
            body = {"input": WAKE_INPUT, "policy": job_policy(self.cold_start_wait_s, 10.0)}
            job_id = await self._submit_run(body, "the wake-up job")
            self._wake_job = (job_id, now)
            log.info("%s: endpoint scaled to zero; wake-up job %s queued to start a worker", self.name, job_id)
            return job_id

    def _native_reply(self, job: dict[str, Any]) -> ProviderReply:
        status = job.get("status")
        if status == "TIMED_OUT":
            raise ProviderError(self.name, "timeout", f"job {job.get('id')} timed out on RunPod")
        if status in ("FAILED", "CANCELLED"):
            detail = job.get("error") or output_error(job.get("output")) or status
            raise self._job_error(f"job {status.lower()}: {short(str(detail))}")
        if status != "COMPLETED":
            raise ProviderError(self.name, "server", f"unexpected job status {status!r}")
        output = job.get("output")
        err = output_error(output)
        if err:
            raise self._job_error(f"worker error: {short(err)}")
        text, finish, prompt_tokens, completion_tokens = native_text(output)
        return ProviderReply(
            text=text,
            model=self.model,
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            extra={"job_id": job.get("id")},
        )

    def _job_error(self, message: str) -> ProviderError:
        low = message.lower()
        if any(m in low for m in CONTEXT_MARKERS):
            return ProviderError(self.name, "context_length", message)
        return ProviderError(self.name, "server", message)

    async def _cancel(self, job_id: str) -> None:
        """``POST /cancel/{id}``, once more if the first try fails; a job left running is logged with its id."""
        for _ in range(2):
            try:
                resp = await self._client.post(
                    f"{self.endpoint_url}/cancel/{job_id}", headers=self._headers, timeout=API_LIMIT_S
                )
            except httpx.HTTPError:
                continue
            if resp.status_code < 500:  # 404: already gone (finished and expired)
                return
        log.warning("%s: could not cancel job %s; RunPod ends it at its policy limits", self.name, job_id)


class _WaitLog:
    """What a wait is for, logged when it changes and again every ``HEALTH_LOG_EVERY_S``."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.logged = False
        self._last: str | None = None
        self._logged_at = 0.0
        self._checked_at: float | None = None

    def due(self, now: float) -> bool:
        """Time to read ``/health`` again (at most every ``HEALTH_CHECK_EVERY_S`` while a job is queued)?"""
        return self._checked_at is None or now - self._checked_at >= HEALTH_CHECK_EVERY_S

    def note(self, h: EndpointHealth | None, now: float) -> None:
        self._checked_at = now
        text = h.describe() if h is not None else "endpoint health unknown"
        if text != self._last or now - self._logged_at >= HEALTH_LOG_EVERY_S:
            log.info("%s waiting for a RunPod worker: %s", self.what, text)
            self._last, self._logged_at, self.logged = text, now, True
