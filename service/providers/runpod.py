"""RunPod adapter (vLLM serving Aryabhata): OpenAI-compatible chat completions or the serverless job API.

One call per ``generate``; every failure leaves as ``ProviderError`` with a kind. The reply text is
returned as is — parsing and validation happen in ``generation``.
A pod (``https://{pod}-{port}.proxy.runpod.net/v1``) or any vLLM server is called on its OpenAI route; a
serverless endpoint on its OpenAI route (``…/v2/{endpoint}/openai/v1``) or its native job API, both in
``runpod_serverless`` (``ServerlessJobs``), whose rules keep every paid job accounted for.

Upstream contracts this follows: vLLM's OpenAI protocol (vllm/entrypoints/openai/protocol.py:
``response_format`` json_schema, ``structured_outputs``, ``stop_token_ids``; ``/v1/models`` with
``max_model_len``); runpod-workers/worker-vllm's handler (src/handler.py: ``sampling_params``, whose
``max_tokens`` defaults to 16).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from ..concurrency import Load
from ..errors import ConfigError, ProviderError
from ..settings import Settings
from .base import ProviderCall, ProviderCheck, ProviderProfile, ProviderReply, Sampling
from .http import classify_status, json_or_text, sent_unanswered, short, transport_error
from .runpod_serverless import ServerlessJobs, SubmissionUnknown

# vLLM's request models bound the seed to torch.long (vllm/entrypoints/openai/protocol.py,
# ``seed: int | None = Field(None, ge=_LONG_INFO.min, le=_LONG_INFO.max)``): the profile folds into [0, 2**63)
SEED_RANGE = 2**63
# Aryabhata (Qwen lineage) does not reliably stop on its own. These strings only match where the server
# keeps special tokens in the text (skip_special_tokens=false); vLLM's default skips them, so the
# end-of-turn token ids (``stop_token_ids``, from the profile) are what actually stops it.
STOP_STRINGS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]


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


def parse_load(text: str) -> Load | None:
    """Requests running and waiting from Prometheus text (the two vLLM gauges, each summed over its label
    sets); None when either is missing."""
    seen: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in ("vllm:num_requests_running", "vllm:num_requests_waiting"):
            try:
                seen[name] = seen.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
            except (IndexError, ValueError):
                return None
    if len(seen) < 2:
        return None
    return Load(int(seen["vllm:num_requests_running"]), int(seen["vllm:num_requests_waiting"]))


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
        seed_range=SEED_RANGE,
        max_questions_per_call=settings.runpod_max_questions_per_call,
    )


def cached_tokens_of(usage: Any) -> int:
    """``usage.prompt_tokens_details.cached_tokens`` of a vLLM reply: the prompt tokens its automatic prefix
    cache served (vllm/entrypoints/openai/protocol.py ``PromptTokenUsageInfo``; the server reports it only
    with ``--enable-prompt-tokens-details`` and only when there was a hit, else the field is null). 0 when absent."""
    details = usage.get("prompt_tokens_details") if isinstance(usage, dict) else None
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    return cached if isinstance(cached, int) and cached > 0 else 0


class RunPodProvider(ServerlessJobs):
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
        return {"status": resp.status_code, "body": json_or_text(resp)}

    async def list_models(self) -> dict[str, int | None]:
        """Model ids served, each with its ``max_model_len`` when the server reports it (``GET …/models``)."""
        resp = await self._request("GET", f"{self._openai_base()}/models")
        data = json_or_text(resp)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise ProviderError(self.name, "server", f"unexpected /models answer: {short(resp.text)}")
        out: dict[str, int | None] = {}
        for m in data["data"]:
            if isinstance(m, dict) and m.get("id"):
                window = m.get("max_model_len")
                out[str(m["id"])] = int(window) if isinstance(window, int) and window > 0 else None
        return out

    async def load(self) -> Load | None:
        """A pod's own scheduler gauges from vLLM's ``/metrics`` (vllm/v1/metrics/loggers.py:
        ``vllm:num_requests_running``, ``vllm:num_requests_waiting``), summed over engines; None where there are
        none (serverless has no ``/metrics``, a server without them, any failure): the limit then learns from
        finished calls alone."""
        if self.serverless:
            return None
        root = self.base_url.removesuffix("/v1")
        try:
            resp = await self._client.get(f"{root}/metrics", headers=self._headers, timeout=httpx.Timeout(5.0))
        except httpx.HTTPError:
            return None
        if resp.status_code != 200:
            return None
        return parse_load(resp.text)

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
            "seed": self.profile.seed(call.seed),
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
        data = json_or_text(resp)
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            shape = short(resp.text)
            raise ProviderError(self.name, "server", f"unexpected completion shape: {shape}") from e
        usage = data.get("usage") or {}
        return ProviderReply(
            text=text,
            model=str(data.get("model") or self.model),
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            cached_tokens=cached_tokens_of(usage),
        )
