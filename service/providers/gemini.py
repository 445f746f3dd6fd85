"""Gemini adapter (google-genai): strict JSON via ``response_schema``; SDK errors become ``ProviderError``."""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from ..errors import ConfigError, ProviderError
from ..questions import BATCH_MODELS
from ..settings import Settings
from .base import ProviderCall, ProviderReply
from .runpod import parse_retry_after

try:  # google-genai may send through httpx2 (a fork with its own classes) or aiohttp
    import httpx2
except ImportError:  # pragma: no cover
    httpx2 = None  # type: ignore[assignment]
try:
    import aiohttp
except ImportError:  # pragma: no cover
    aiohttp = None  # type: ignore[assignment]

_TIMEOUT_EXC: tuple[type[BaseException], ...] = tuple(
    c
    for c in (
        httpx.TimeoutException,
        getattr(httpx2, "TimeoutException", None),
        getattr(aiohttp, "ServerTimeoutError", None),
        asyncio.TimeoutError,
        TimeoutError,
    )
    if c is not None
)
_TRANSPORT_EXC: tuple[type[BaseException], ...] = tuple(
    c
    for c in (
        httpx.TransportError,
        getattr(httpx2, "TransportError", None),
        getattr(aiohttp, "ClientError", None),
        OSError,
    )
    if c is not None
)
_FINISH = {"STOP": "stop", "MAX_TOKENS": "length"}
_CONTEXT_MARKERS = ("exceeds the maximum number of tokens", "input token count", "context length", "too long")


def vertex_mode() -> bool:
    """google-genai's own switch: GOOGLE_GENAI_USE_VERTEXAI=true (with GOOGLE_CLOUD_PROJECT/LOCATION)."""
    return os.environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").strip().lower() in ("1", "true")


def _retry_after(e: genai_errors.APIError) -> float | None:
    headers = getattr(getattr(e, "response", None), "headers", None)
    if headers is not None:
        try:
            ra = parse_retry_after(headers.get("retry-after") or headers.get("Retry-After"))
        except AttributeError:
            ra = None
        if ra is not None:
            return ra
    # Gemini puts the wait in google.rpc.RetryInfo: {"@type": ".../RetryInfo", "retryDelay": "17s"}
    details = e.details.get("error", e.details) if isinstance(e.details, dict) else None
    for d in (details or {}).get("details", []) if isinstance(details, dict) else []:
        if isinstance(d, dict) and isinstance(d.get("retryDelay"), str):
            m = re.fullmatch(r"\s*([\d.]+)s\s*", d["retryDelay"])
            if m:
                return float(m.group(1))
    return None


def translate_error(provider: str, e: BaseException, timeout_s: float) -> ProviderError:
    """Map a google-genai / transport exception to a ``ProviderError`` kind."""
    if isinstance(e, genai_errors.APIError):
        code = int(e.code) if e.code else None
        msg = " ".join(str(e.message or e.status or e).split())[:300]
        low = msg.lower()
        if code == 429:
            return ProviderError(provider, "rate_limited", msg, status=code, retry_after=_retry_after(e))
        # Gemini answers a bad key with 400 INVALID_ARGUMENT "API key not valid" (reason API_KEY_INVALID)
        if code in (401, 403) or (code == 400 and ("api key" in low or "api_key_invalid" in str(e.details).lower())):
            return ProviderError(provider, "auth", msg, status=code)
        if code == 400 and any(m in low for m in _CONTEXT_MARKERS):
            return ProviderError(provider, "context_length", msg, status=code)
        if code == 408:
            return ProviderError(provider, "timeout", msg, status=code)
        if code is not None and 400 <= code < 500:
            return ProviderError(provider, "bad_request", msg, status=code)
        return ProviderError(provider, "server", msg, status=code, retry_after=_retry_after(e))
    if isinstance(e, _TIMEOUT_EXC):
        return ProviderError(provider, "timeout", f"no answer within {timeout_s:g}s ({type(e).__name__})")
    if isinstance(e, _TRANSPORT_EXC):
        return ProviderError(provider, "connect", f"{type(e).__name__}: {e}")
    return ProviderError(provider, "server", f"{type(e).__name__}: {e}")


class GeminiProvider:
    """``Provider`` for Gemini (API key, or Vertex AI when google-genai's env vars say so)."""

    def __init__(self, settings: Settings, *, name: str = "gemini", base_url: str | None = None) -> None:
        self.name = name
        self.model = settings.gemini_model
        self.timeout_s = settings.gemini_timeout_s
        http_options = types.HttpOptions(
            base_url=base_url or settings.gemini_base_url,
            timeout=int(self.timeout_s * 1000),  # milliseconds
            # one attempt: also disables the SDK's implicit sleep-and-retry on connection errors;
            # retries belong to generation's loop, which knows about breakers and fallback.
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        if vertex_mode():
            self._client = genai.Client(vertexai=True, http_options=http_options)
        else:
            if not settings.gemini_api_key:
                raise ConfigError("GEMINI_API_KEY is not set (or GOOGLE_GENAI_USE_VERTEXAI for Vertex AI)")
            self._client = genai.Client(api_key=settings.gemini_api_key, http_options=http_options)

    async def generate(self, call: ProviderCall) -> ProviderReply:
        config = types.GenerateContentConfig(
            system_instruction=call.system,
            temperature=call.temperature,
            seed=call.seed,
            response_mime_type="application/json",
            # The SDK turns the pydantic model into Gemini's schema dialect, constraints included
            # (min/max items and lengths, minimum/maximum); strict validation still runs afterwards.
            response_schema=BATCH_MODELS[call.question_type],
            max_output_tokens=call.max_tokens,
        )
        try:
            resp = await self._client.aio.models.generate_content(
                model=self.model, contents=call.prompt, config=config
            )
        except Exception as e:  # every SDK/transport failure leaves as ProviderError
            raise translate_error(self.name, e, self.timeout_s) from e
        return self._reply(resp)

    def _reply(self, resp: types.GenerateContentResponse) -> ProviderReply:
        finish: str | None = None
        text = ""
        if resp.candidates:
            cand = resp.candidates[0]
            if cand.finish_reason is not None:
                raw = getattr(cand.finish_reason, "value", str(cand.finish_reason))
                finish = _FINISH.get(raw, raw.lower())
            parts = cand.content.parts if cand.content and cand.content.parts else []
            # thought parts (thinking models) are not the answer
            text = "".join(p.text for p in parts if p.text and not p.thought)
        elif resp.prompt_feedback and resp.prompt_feedback.block_reason:
            finish = f"blocked:{resp.prompt_feedback.block_reason}"
        usage = resp.usage_metadata
        extra: dict[str, Any] = {}
        if usage and usage.thoughts_token_count:
            extra["thoughts_tokens"] = usage.thoughts_token_count
        return ProviderReply(
            text=text,
            model=resp.model_version or self.model,
            finish_reason=finish,
            prompt_tokens=usage.prompt_token_count if usage else None,
            completion_tokens=usage.candidates_token_count if usage else None,
            extra=extra,
        )

    async def ping(self) -> ProviderReply:
        """One tiny call (doctor): a plain JSON answer, no schema."""
        config = types.GenerateContentConfig(
            response_mime_type="application/json", max_output_tokens=1024, temperature=0.0
        )
        try:
            resp = await self._client.aio.models.generate_content(
                model=self.model, contents='Reply with {"ok": true}', config=config
            )
        except Exception as e:
            raise translate_error(self.name, e, self.timeout_s) from e
        return self._reply(resp)

    async def aclose(self) -> None:
        await self._client.aio.aclose()
