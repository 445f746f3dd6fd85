"""RunPod adapter (vLLM serving Aryabhata): OpenAI-compatible chat completions or serverless /runsync.

One call per ``generate``; every failure leaves as ``ProviderError`` with a kind. The reply text is
returned as is — parsing and validation happen in ``generation``.

Upstream contracts this follows: vLLM's OpenAI protocol (vllm/entrypoints/openai/protocol.py:
``response_format`` json_schema, ``structured_outputs``, ``stop_token_ids``; ``/v1/models`` with
``max_model_len``), RunPod serverless (``/runsync?wait=`` in ms, ``/status/{id}``, ``/cancel/{id}``) and
runpod-workers/worker-vllm's handler (src/handler.py: output shapes of the current and older images).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from typing import Any

import httpx

from ..errors import ConfigError, ProviderError
from ..settings import Settings
from .base import ProviderCall, ProviderCheck, ProviderProfile, ProviderReply

# Aryabhata (Qwen lineage) does not reliably stop on its own. These strings only match where the server
# keeps special tokens in the text (skip_special_tokens=false); vLLM's default skips them, so the
# end-of-turn token ids (``stop_token_ids``, from the profile) are what actually stops it.
STOP_STRINGS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]
_PENDING = frozenset({"IN_QUEUE", "IN_PROGRESS"})
# Extra seconds the HTTP read limit of /runsync allows beyond ``wait``: RunPod must answer (with the
# job id at least) before we stop listening, or the job can be neither polled nor cancelled.
RUNSYNC_READ_MARGIN_S = 15.0
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


def profile_from(settings: Settings) -> ProviderProfile:
    """vLLM: prompt and output share ``max_model_len`` (refined by ``check``); end-of-turn ids stop it."""
    return ProviderProfile(
        context_tokens=settings.runpod_context_tokens,
        tokens_per_question=settings.runpod_tokens_per_question,
        temperature=settings.runpod_temperature,
        max_concurrency=settings.runpod_max_concurrency,
        window="shared",
        schema_dialect="json_schema",
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
    """``Provider`` for RunPod: pod proxy / serverless OpenAI route / any vLLM ``/v1``, or native /runsync."""

    key = "runpod"

    def __init__(
        self,
        settings: Settings,
        *,
        name: str = "runpod",
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        poll_interval_s: float = 0.5,
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
        self.runsync_wait_s = min(settings.runpod_runsync_wait_s, settings.runpod_timeout_s)
        self.poll_interval_s = poll_interval_s
        key = settings.runpod_api_key
        self._headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._owns_client = client is None
        # connect gets its own short limit so that a dead pod fails fast as 'connect', not 'timeout'
        timeout = httpx.Timeout(self.timeout_s, connect=min(10.0, self.timeout_s))
        self._client = client or httpx.AsyncClient(timeout=timeout)

    # --- the Provider contract ----------------------------------------------------------------
    async def generate(self, call: ProviderCall) -> ProviderReply:
        if self.api == "native":
            return await self._generate_native(call)
        return await self._generate_openai(call)

    async def check(self) -> ProviderCheck:
        """``GET /v1/models``: is the model served, and with which ``max_model_len``?"""
        try:
            served = await self.list_models()
        except ProviderError as e:
            # a pod that is loading (502) or a serverless endpoint with no warm worker is not a wrong config
            return ProviderCheck(False, f"cannot list models: {e}", fatal=e.kind == "auth")
        if self.model not in served:
            names = ", ".join(served) or "none"
            return ProviderCheck(False, f"RUNPOD_MODEL {self.model!r} is not served (served: {names})", fatal=True)
        window = served[self.model]
        detail = f"{self.model} served, max_model_len {window}" if window else f"{self.model} served (no max_model_len)"
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
    ) -> httpx.Response:
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
            raise transport_error(self.name, e, limit_s or self.timeout_s) from e
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
        """``/runsync?wait=…``, then ``/status/{id}`` until done; the job is cancelled if we give up.

        ``wait`` is sent, and the HTTP read limit exceeds it, so RunPod always answers with the job id
        before we stop listening: a slow job is polled and, past the deadline, cancelled, never left
        running unseen while a retry pays for a second one.
        """
        deadline = time.monotonic() + self.timeout_s
        sampling = {**self._sampling(call), "structured_outputs": {"json": call.schema}}
        body = {"input": {"messages": self._messages(call), "sampling_params": sampling}}
        wait_s = max(1.0, min(self.runsync_wait_s, self.timeout_s))
        resp = await self._request(
            "POST",
            f"{self.base_url}/runsync",
            json_body=body,
            params={"wait": int(wait_s * 1000)},
            limit_s=wait_s + RUNSYNC_READ_MARGIN_S,
        )
        job = _json_or_text(resp)
        if not isinstance(job, dict):
            raise ProviderError(self.name, "server", f"unexpected /runsync answer: {_short(resp.text)}")
        job_id = job.get("id")
        try:
            while job.get("status") in _PENDING:
                remaining = deadline - time.monotonic()
                if not job_id or remaining <= 0:
                    raise ProviderError(
                        self.name, "timeout", f"job {job_id} still {job.get('status')} after {self.timeout_s:g}s"
                    )
                await asyncio.sleep(min(self.poll_interval_s, remaining))
                poll = await self._request(
                    "GET", f"{self.base_url}/status/{job_id}", limit_s=max(1.0, deadline - time.monotonic())
                )
                job = _json_or_text(poll)
                if not isinstance(job, dict):
                    raise ProviderError(self.name, "server", f"unexpected /status answer: {_short(poll.text)}")
        except BaseException:
            # gave up (deadline, a failed poll, worker shutdown): free the GPU, do not pay for it twice
            await self._cancel(job_id)
            raise
        return self._native_reply(job)

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

    async def _cancel(self, job_id: Any) -> None:
        if not job_id:
            return
        try:  # best effort: free the worker; the caller already has its answer (timeout)
            await self._client.post(f"{self.base_url}/cancel/{job_id}", headers=self._headers, timeout=5.0)
        except httpx.HTTPError:
            pass


def _json_or_text(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except (json.JSONDecodeError, ValueError):
        return resp.text
