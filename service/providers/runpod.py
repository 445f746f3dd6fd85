"""RunPod adapter (vLLM serving Aryabhata): OpenAI-compatible chat completions or the serverless job API.

One call per ``generate``; every failure leaves as ``ProviderError`` with a kind. The reply text is
returned as is — parsing and validation happen in ``generation``.

Serverless calls never leave a paid job unaccounted for. The native route submits with ``POST /run``
(the job id comes back at once), polls ``GET /status/{id}`` and sends ``POST /cancel/{id}`` whenever it
gives up. The OpenAI route of a serverless endpoint (``…/v2/{endpoint}/openai/v1``) carries no job id,
so nothing is sent to it until ``GET /health`` shows a ready worker: a cold start is waited out (up to
``RUNPOD_COLD_START_WAIT_S``) and logged, and an endpoint scaled to zero is woken by one tiny ``/run``
job, never by the real request. A submission sent but never answered (a read timeout, a dropped
connection) raises ``SubmissionUnknown``, which is not retried: RunPod has no idempotency key, so a retry
could pay for a second job. Every ``/run`` carries a ``policy`` (``ttl``, ``executionTimeout``) so that
RunPod itself ends, at our deadlines, a job whose id we never learnt.

Upstream contracts this follows: vLLM's OpenAI protocol (vllm/entrypoints/openai/protocol.py:
``response_format`` json_schema, ``structured_outputs``, ``stop_token_ids``; ``/v1/models`` with
``max_model_len``); RunPod's serverless docs (runpod/docs serverless/endpoints/send-requests.mdx and
operation-reference.mdx: ``/run``, ``/status``, ``/cancel``, ``/health``, ``policy``, result retention
and rate limits; job-states.mdx: IN_QUEUE, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, TIMED_OUT;
serverless/workers/overview.mdx: worker states and cold starts); runpod-workers/worker-vllm's handler
(src/handler.py: output shapes of the current and older images; src/utils.py: the OpenAI route runs as a
job with ``openai_route``/``openai_input``).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import ConfigError, ProviderError
from ..settings import Settings
from .base import ProviderCall, ProviderCheck, ProviderProfile, ProviderReply, Sampling

# Aryabhata (Qwen lineage) does not reliably stop on its own. These strings only match where the server
# keeps special tokens in the text (skip_special_tokens=false); vLLM's default skips them, so the
# end-of-turn token ids (``stop_token_ids``, from the profile) are what actually stops it.
STOP_STRINGS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]
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
log = logging.getLogger(__name__)
_CONTEXT_MARKERS = ("maximum context length", "context length", "too many tokens", "prompt is too long")


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _error_message(body: str) -> str:
    """The human part of an error body: OpenAI/vLLM ``{"error": {"message"}}``, ``{"message"}`` or text."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, ValueError):
        return _short(body) or "(empty body)"
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return _short(err["message"])
        if isinstance(err, str):
            return _short(err)
        if isinstance(data.get("message"), str):
            return _short(data["message"])
    return _short(body)


def classify_status(
    provider: str, status: int, body: str, headers: httpx.Headers | None = None
) -> ProviderError:
    """The ``ProviderError`` for a non-2xx answer from vLLM, the RunPod proxy or the serverless API."""
    msg = _error_message(body)
    retry_after = parse_retry_after(headers.get("retry-after")) if headers is not None else None
    low = body.lower()
    if status == 429:
        return ProviderError(provider, "rate_limited", msg, status=status, retry_after=retry_after, body=body)
    if status in (401, 403):
        return ProviderError(provider, "auth", msg, status=status, body=body)
    if status in (400, 413, 422) and any(m in low for m in _CONTEXT_MARKERS):
        return ProviderError(provider, "context_length", msg, status=status, body=body)
    if status == 408:
        return ProviderError(provider, "timeout", msg, status=status, body=body)
    if status == 404:  # vLLM: "The model `x` does not exist."; a wrong URL path answers the same
        return ProviderError(provider, "not_found", msg, status=status, body=body)
    if 400 <= status < 500:
        return ProviderError(provider, "bad_request", msg, status=status, body=body)
    if status == 502:
        msg = f"bad gateway (model loading?): {msg}"
    elif status == 524:
        msg = f"proxy timeout: {msg}"
    return ProviderError(provider, "server", msg, status=status, retry_after=retry_after, body=body)


def transport_error(provider: str, e: httpx.HTTPError, timeout_s: float) -> ProviderError:
    """Translate an httpx transport failure (no HTTP status) into a kind."""
    if isinstance(e, httpx.ConnectTimeout | httpx.ConnectError):
        return ProviderError(provider, "connect", f"cannot connect: {type(e).__name__}: {e}".rstrip(": "))
    if isinstance(e, httpx.TimeoutException):
        return ProviderError(provider, "timeout", f"no answer within {timeout_s:g}s ({type(e).__name__})")
    if isinstance(e, httpx.RemoteProtocolError | httpx.ReadError):
        # the server dropped the connection mid-request: usually the engine died
        return ProviderError(provider, "server", f"connection dropped: {type(e).__name__}: {e}")
    return ProviderError(provider, "connect", f"{type(e).__name__}: {e}")


def sent_unanswered(e: httpx.HTTPError) -> bool:
    """Did the request go out with no answer back (so the server may have acted on it)?

    Connect failures and pool timeouts happen before anything is sent; a read timeout or a connection
    dropped after sending leaves the outcome unknown.
    """
    never_sent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
    return isinstance(e, httpx.TransportError) and not isinstance(e, never_sent)


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


def structured_fields(mode: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Request fields asking vLLM >= 0.12 for strict JSON matching ``schema``.

    ``guided_json`` is not offered: vLLM 0.12 removed it and answers 200 with unconstrained output.
    """
    if mode == "response_format":
        spec = {"name": "questions", "schema": schema}
        return {"response_format": {"type": "json_schema", "json_schema": spec}}
    if mode == "structured_outputs":
        return {"structured_outputs": {"json": schema}}
    raise ConfigError(f"RUNPOD_JSON_MODE: unknown mode {mode!r} (use response_format or structured_outputs)")


# Aryabhata-1.0's own generation_config.json carries token ids only (121 bytes, no sampling values), so its
# sampling comes from its Qwen2.5 lineage: the Qwen2.5 instruct models' generation_config.json sets
# temperature 0.7 and top_p 0.8 (with top_k 20 and repetition_penalty 1.05, which vLLM's OpenAI route takes
# only as extensions). A blind solve samples the same way: k independent solves must be able to differ.
# Aryabhata is not a thinking model in the Gemini sense (its reasoning is the visible answer): no level.
ARYABHATA_TEMPERATURE = 0.7  # Qwen2.5-*-Instruct generation_config.json
ARYABHATA_TOP_P = 0.8  # Qwen2.5-*-Instruct generation_config.json


def profile_from(settings: Settings) -> ProviderProfile:
    """vLLM: prompt and output share ``max_model_len`` (refined by ``check``); end-of-turn ids stop it;
    sampling from Aryabhata's lineage (above) unless RUNPOD_TEMPERATURE / RUNPOD_TOP_P override it."""
    temperature = settings.runpod_temperature if settings.runpod_temperature is not None else ARYABHATA_TEMPERATURE
    top_p = settings.runpod_top_p if settings.runpod_top_p is not None else ARYABHATA_TOP_P
    sampling = Sampling(temperature, top_p)
    return ProviderProfile(
        context_tokens=settings.runpod_context_tokens,
        tokens_per_question=settings.runpod_tokens_per_question,
        max_concurrency=settings.runpod_max_concurrency,
        generate=sampling,
        verify=sampling,
        window="shared",
        stop_token_ids=tuple(settings.runpod_stop_token_ids),
    )


def _native_text(output: Any) -> tuple[str, str | None, int | None, int | None]:
    """Text, finish reason and token counts from a worker-vllm job output, in either shape it comes in.

    Current images (src/handler.py after the 2026 rewrite) run the request as a chat completion and
    yield it: a list of ``{"choices": [{"message": {"content"}, "finish_reason"}], "usage":
    {"prompt_tokens", "completion_tokens"}}``. Older images yield ``{"choices": [{"tokens": [...]}],
    "usage": {"input", "output"}}`` batches, aggregated into a list by /runsync.
    """
    batches = output if isinstance(output, list) else [output]
    parts: list[str] = []
    finish: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    for batch in batches:
        if isinstance(batch, str):
            parts.append(batch)
            continue
        if not isinstance(batch, dict):
            continue
        for choice in (batch.get("choices") or [])[:1]:
            if not isinstance(choice, dict):
                continue
            if isinstance(choice.get("tokens"), list):
                parts.extend(str(t) for t in choice["tokens"])
            elif isinstance(choice.get("message"), dict):
                parts.append(choice["message"].get("content") or "")
            elif isinstance(choice.get("text"), str):
                parts.append(choice["text"])
            finish = choice.get("finish_reason") or finish
        usage = batch.get("usage") or {}
        if isinstance(usage, dict):
            prompt_tokens = usage.get("prompt_tokens", usage.get("input", prompt_tokens))
            completion_tokens = usage.get("completion_tokens", usage.get("output", completion_tokens))
    return "".join(parts), finish, prompt_tokens, completion_tokens


def _output_error(output: Any) -> str | None:
    items = output if isinstance(output, list) else [output]
    for item in items:
        if isinstance(item, dict) and item.get("error"):
            err = item["error"]
            if isinstance(err, dict):
                return str(err.get("message") or err)
            return str(err)
    return None


class RunPodProvider:
    """``Provider`` for RunPod: pod proxy / serverless OpenAI route / any vLLM ``/v1``, or the native job API."""

    key = "runpod"

    def __init__(
        self,
        settings: Settings,
        *,
        name: str = "runpod",
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        poll_interval_s: float | None = None,
    ) -> None:
        base = base_url or settings.runpod_base_url
        if not base:
            raise ConfigError("RUNPOD_BASE_URL is not set")
        self.name = name
        self.model = settings.runpod_model
        self.profile = profile_from(settings)
        self.base_url = base.rstrip("/")
        self.api = settings.runpod_api
        self.json_mode = settings.runpod_json_mode
        self.timeout_s = settings.runpod_timeout_s
        self.cold_start_wait_s = settings.runpod_cold_start_wait_s
        self.poll_interval_s = poll_interval_s if poll_interval_s is not None else settings.runpod_poll_s
        # a serverless endpoint: every request is a paid job, queued until a worker is ready
        self.serverless = self.api == "native" or self.base_url.endswith("/openai/v1")
        # its OpenAI route: jobs without ids, so /health is consulted first
        self.serverless_openai = self.serverless and self.api == "openai"
        # where /run, /status/{id}, /cancel/{id} and /health live: https://api.runpod.ai/v2/{endpoint}
        self.endpoint_url = self.base_url.removesuffix("/openai/v1")
        self._wake_lock = asyncio.Lock()
        self._wake_job: tuple[str, float] | None = None  # (job id, monotonic time sent)
        key = settings.runpod_api_key
        self._headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._owns_client = client is None
        # connect gets its own short limit so that a dead pod fails fast as 'connect', not 'timeout'
        timeout = httpx.Timeout(self.timeout_s, connect=min(10.0, self.timeout_s))
        # the concurrency limiter bounds calls, not the pool: httpx's default of 100 connections would hold calls
        # past it inside the client, where the wait counts against the call's timeout (+8: polls, health)
        pool = httpx.Limits(max_connections=settings.runpod_max_concurrency + 8, max_keepalive_connections=32)
        self._client = client or httpx.AsyncClient(timeout=timeout, limits=pool)

    # --- the Provider contract ----------------------------------------------------------------
    async def generate(self, call: ProviderCall) -> ProviderReply:
        if self.api == "native":
            return await self._generate_native(call)
        return await self._generate_openai(call)

    async def check(self, model: str | None = None) -> ProviderCheck:
        """``GET /v1/models``: is ``model`` (default RUNPOD_MODEL) served, and with which ``max_model_len``?

        On a serverless endpoint the listing is a job too: it is asked only of a ready worker (see
        ``/health``), so a cold endpoint is reported, not left with a job nobody reads."""
        name = model or self.model
        setting = "RUNPOD_MODEL" if name == self.model else "QGEN_VERIFY_MODEL"
        try:
            if self.serverless:
                h = await self.endpoint_health()
                if h.state != "ready":
                    return ProviderCheck(False, f"model not checked: no RunPod worker ready ({h.describe()})")
            served = await self.list_models()
        except ProviderError as e:
            # a pod that is loading (502) or a serverless endpoint with no warm worker is not a wrong config
            return ProviderCheck(False, f"cannot list models: {e}", fatal=e.kind == "auth")
        if name not in served:
            names = ", ".join(served) or "none"
            return ProviderCheck(False, f"{setting} {name!r} is not served (served: {names})", fatal=True)
        window = served[name]
        detail = f"{name} served, max_model_len {window}" if window else f"{name} served (no max_model_len)"
        return ProviderCheck(True, detail, context_tokens=window)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # --- doctor ---------------------------------------------------------------------------------
    async def health(self) -> dict[str, Any]:
        """GET the server's health route; ``{"status": int, "body": ...}`` or ``ProviderError``."""
        resp = await self._request("GET", self._health_url())
        return {"status": resp.status_code, "body": _json_or_text(resp)}

    async def list_models(self) -> dict[str, int | None]:
        """Model ids served, each with its ``max_model_len`` when the server reports it (``GET …/models``)."""
        resp = await self._request("GET", f"{self._openai_base()}/models")
        data = _json_or_text(resp)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise ProviderError(self.name, "server", f"unexpected /models answer: {_short(resp.text)}")
        out: dict[str, int | None] = {}
        for m in data["data"]:
            if isinstance(m, dict) and m.get("id"):
                window = m.get("max_model_len")
                out[str(m["id"])] = int(window) if isinstance(window, int) and window > 0 else None
        return out

    def _openai_base(self) -> str:
        return f"{self.base_url}/openai/v1" if self.api == "native" else self.base_url

    def _health_url(self) -> str:
        if self.api == "native":
            return f"{self.base_url}/health"  # serverless: worker and job counts
        root = self.base_url
        if root.endswith("/openai/v1"):  # serverless OpenAI route: health lives on the endpoint
            return root[: -len("/openai/v1")] + "/health"
        if root.endswith("/v1"):  # vLLM serves /health beside /v1
            root = root[: -len("/v1")]
        return f"{root}/health"

    # --- wire -----------------------------------------------------------------------------------
    async def _request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        limit_s: float | None = None,
        params: dict[str, Any] | None = None,
        submits: str | None = None,
    ) -> httpx.Response:
        """One HTTP exchange; non-2xx and transport failures become ``ProviderError``. ``submits`` names what
        the request submits (a paid job): sent with no answer back, it raises ``SubmissionUnknown``."""
        kwargs: dict[str, Any] = {"headers": self._headers}
        if json_body is not None:
            kwargs["json"] = json_body
        if params:
            kwargs["params"] = params
        if limit_s is not None:
            kwargs["timeout"] = httpx.Timeout(limit_s, connect=min(10.0, limit_s))
        try:
            resp = await self._client.request(method, url, **kwargs)
        except httpx.HTTPError as e:
            err = transport_error(self.name, e, limit_s or self.timeout_s)
            if submits and sent_unanswered(e):
                raise SubmissionUnknown(
                    self.name,
                    err.kind,
                    f"{submits} was sent but no answer came back ({err.message}); RunPod may be running a job "
                    "whose id we never learnt, so it is not sent again",
                ) from e
            raise err from e
        if resp.status_code >= 400:
            raise classify_status(self.name, resp.status_code, resp.text, resp.headers)
        return resp

    def _messages(self, call: ProviderCall) -> list[dict[str, str]]:
        return [{"role": "system", "content": call.system}, {"role": "user", "content": call.prompt}]

    def _sampling(self, call: ProviderCall) -> dict[str, Any]:
        """The sampling fields every call carries (the server's defaults are wrong for us)."""
        fields: dict[str, Any] = {
            "max_tokens": call.max_tokens,  # worker-vllm's default is 16 tokens
            "temperature": call.temperature,
            "seed": call.seed,
            **({"top_p": call.top_p} if call.top_p is not None else {}),
            "stop": STOP_STRINGS,
        }
        if self.profile.stop_token_ids:
            fields["stop_token_ids"] = list(self.profile.stop_token_ids)
        return fields

    async def _generate_openai(self, call: ProviderCall) -> ProviderReply:
        body: dict[str, Any] = {
            "model": call.model or self.model,
            "messages": self._messages(call),
            **self._sampling(call),
            **structured_fields(self.json_mode, call.schema),
        }
        if self.serverless_openai:
            await self._await_worker()
            resp = await self._request(
                "POST", f"{self.base_url}/chat/completions", json_body=body, submits="the chat completion"
            )
        else:  # a pod or a plain vLLM server: a dropped request is aborted there, a retry is safe
            resp = await self._request("POST", f"{self.base_url}/chat/completions", json_body=body)
        data = _json_or_text(resp)
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            shape = _short(resp.text)
            raise ProviderError(self.name, "server", f"unexpected completion shape: {shape}") from e
        usage = data.get("usage") or {}
        return ProviderReply(
            text=text,
            model=str(data.get("model") or self.model),
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

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
        job = _json_or_text(resp)
        job_id = job.get("id") if isinstance(job, dict) else None
        if not job_id:
            raise SubmissionUnknown(self.name, "server", f"/run answered without a job id: {_short(resp.text)}")
        return str(job_id)

    async def _await_job(self, job_id: str) -> dict[str, Any]:
        """Poll ``/status/{id}`` until the job leaves IN_QUEUE/IN_PROGRESS; ``timeout`` past the queue or run
        deadline. While it is queued, what it waits for is logged from ``/health``."""
        queued_until = time.monotonic() + self.cold_start_wait_s
        run_until: float | None = None
        waiting = _WaitLog(f"{self.name}: job {job_id}")
        while True:
            resp = await self._request("GET", f"{self.endpoint_url}/status/{job_id}", limit_s=API_LIMIT_S)
            job = _json_or_text(resp)
            if not isinstance(job, dict):
                raise ProviderError(self.name, "server", f"unexpected /status answer: {_short(resp.text)}")
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
        h = parse_health(_json_or_text(resp))
        if h is None:
            raise ProviderError(self.name, "server", f"unexpected /health answer: {_short(resp.text)}")
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
            detail = job.get("error") or _output_error(job.get("output")) or status
            raise self._job_error(f"job {status.lower()}: {_short(str(detail))}")
        if status != "COMPLETED":
            raise ProviderError(self.name, "server", f"unexpected job status {status!r}")
        output = job.get("output")
        err = _output_error(output)
        if err:
            raise self._job_error(f"worker error: {_short(err)}")
        text, finish, prompt_tokens, completion_tokens = _native_text(output)
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
        if any(m in low for m in _CONTEXT_MARKERS):
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


def _json_or_text(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except (json.JSONDecodeError, ValueError):
        return resp.text
