"""Gemini adapter (google-genai): strict JSON via ``response_schema``; SDK errors become ``ProviderError``.

Read from googleapis/python-genai (google/genai/client.py, models.py, types.py): the client reads
GOOGLE_GENAI_USE_VERTEXAI itself when ``vertexai`` is not passed, so the mode is always passed
explicitly; ``models.get`` is ``GET {base}/{version}/models/{model}`` (Vertex:
``…/publishers/google/models/{model}``); a candidate may end SAFETY, PROHIBITED_CONTENT, RECITATION or
MAX_TOKENS with no text, and ``usage_metadata.thoughts_token_count`` counts what thinking spent.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from ..errors import ConfigError, FailureKind, ProviderError
from ..questions import BATCH_MODELS
from ..settings import Settings
from .base import ProviderCall, ProviderCheck, ProviderProfile, ProviderReply
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
# finish reasons of a candidate that came back without text, and what they mean for a retry
_EMPTY_FINISH: dict[str, FailureKind] = {
    "SAFETY": "blocked",
    "PROHIBITED_CONTENT": "blocked",
    "BLOCKLIST": "blocked",
    "SPII": "blocked",
    "RECITATION": "recitation",
    "MAX_TOKENS": "out_of_tokens",
}
# Headroom in max_output_tokens: thinking models spend output tokens (thoughtsTokenCount) before answering.
THINKING_HEADROOM = 4096
MAX_OUTPUT_TOKENS = 65_536
INPUT_WINDOW = 1_048_576


def profile_from(settings: Settings) -> ProviderProfile:
    """Gemini: a huge input window, a bounded output budget, a fixed number of questions per call."""
    return ProviderProfile(
        context_tokens=INPUT_WINDOW,
        tokens_per_question=settings.gemini_tokens_per_question,
        temperature=settings.gemini_temperature,
        max_concurrency=settings.gemini_max_concurrency,
        window="output",
        max_questions_per_call=settings.gemini_max_questions_per_call,
        max_output_tokens=MAX_OUTPUT_TOKENS,
        output_headroom=THINKING_HEADROOM,
        schema_dialect="sdk",
    )


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
        if code == 404:  # a retired or misspelt model: every call will fail the same way
            return ProviderError(provider, "not_found", msg, status=code)
        if code is not None and 400 <= code < 500:
            return ProviderError(provider, "bad_request", msg, status=code)
        return ProviderError(provider, "server", msg, status=code, retry_after=_retry_after(e))
    if type(e).__name__ in ("DefaultCredentialsError", "RefreshError"):  # google.auth, Vertex AI
        return ProviderError(provider, "auth", f"Google credentials: {' '.join(str(e).split())[:200]}")
    if isinstance(e, _TIMEOUT_EXC):
        return ProviderError(provider, "timeout", f"no answer within {timeout_s:g}s ({type(e).__name__})")
    if isinstance(e, _TRANSPORT_EXC):
        return ProviderError(provider, "connect", f"{type(e).__name__}: {e}")
    return ProviderError(provider, "server", f"{type(e).__name__}: {e}")


def empty_reply_error(provider: str, finish: str | None, thoughts: int | None, max_tokens: int) -> ProviderError:
    """Why a reply has no text: blocked, recitation, or an output budget spent (on thinking)."""
    raw = (finish or "").upper()
    if raw.startswith("BLOCKED:"):
        return ProviderError(provider, "blocked", f"prompt blocked ({raw.split(':', 1)[1]}), no text")
    kind = _EMPTY_FINISH.get(raw)
    if kind == "out_of_tokens":
        spent = f"; thinking spent {thoughts} of {max_tokens} output tokens" if thoughts else ""
        return ProviderError(provider, kind, f"finish MAX_TOKENS with no text{spent}")
    if kind is not None:
        return ProviderError(provider, kind, f"finish {raw} with no text")
    return ProviderError(provider, "invalid_json", f"no text in the reply (finish {raw or 'unknown'})")


class GeminiProvider:
    """``Provider`` for Gemini: the Gemini API (key), or Vertex AI (project + ADC, or an express-mode key)."""

    key = "gemini"

    def __init__(self, settings: Settings, *, name: str = "gemini", base_url: str | None = None) -> None:
        self.name = name
        self.model = settings.gemini_model
        self.timeout_s = settings.gemini_timeout_s
        self.profile = profile_from(settings)
        self.vertex = settings.gemini_use_vertexai
        http_options = types.HttpOptions(
            base_url=base_url or settings.gemini_base_url,
            timeout=int(self.timeout_s * 1000),  # milliseconds
            # one attempt: also disables the SDK's implicit sleep-and-retry on connection errors;
            # retries belong to generation's loop, which knows about breakers and fallback.
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        # ``vertexai`` is always explicit: left out, the SDK reads GOOGLE_GENAI_USE_VERTEXAI on its own
        if self.vertex and settings.gemini_api_key and not settings.google_cloud_project:
            # Vertex AI express mode: an API key, no project
            self._client = genai.Client(vertexai=True, api_key=settings.gemini_api_key, http_options=http_options)
        elif self.vertex:
            if not settings.google_cloud_project:
                raise ConfigError("GOOGLE_GENAI_USE_VERTEXAI is set but GOOGLE_CLOUD_PROJECT is not")
            self._client = genai.Client(
                vertexai=True,
                project=settings.google_cloud_project,
                location=settings.google_cloud_location or "global",
                http_options=http_options,
            )
        else:
            if not settings.gemini_api_key:
                raise ConfigError("GEMINI_API_KEY is not set (or GOOGLE_GENAI_USE_VERTEXAI for Vertex AI)")
            self._client = genai.Client(vertexai=False, api_key=settings.gemini_api_key, http_options=http_options)

    async def generate(self, call: ProviderCall) -> ProviderReply:
        config = types.GenerateContentConfig(
            system_instruction=call.system,
            temperature=call.temperature,
            seed=call.seed,
            response_mime_type="application/json",
            # The SDK turns the pydantic model into Gemini's schema dialect; strict validation
            # runs afterwards in generation.
            response_schema=call.reply_model or BATCH_MODELS[call.question_type],
            max_output_tokens=call.max_tokens,
        )
        try:
            resp = await self._client.aio.models.generate_content(
                model=call.model or self.model, contents=call.prompt, config=config
            )
        except Exception as e:  # every SDK/transport failure leaves as ProviderError
            raise translate_error(self.name, e, self.timeout_s) from e
        reply = self._reply(resp)
        if not reply.text.strip():
            raise empty_reply_error(self.name, reply.extra.get("finish"), reply.extra.get("thoughts_tokens"), call.max_tokens)
        return reply

    def _reply(self, resp: types.GenerateContentResponse) -> ProviderReply:
        """The reply; ``extra['finish']`` keeps Gemini's own finish reason (SAFETY, RECITATION, BLOCKED:…)."""
        finish: str | None = None
        raw_finish: str | None = None
        text = ""
        if resp.candidates:
            cand = resp.candidates[0]
            if cand.finish_reason is not None:
                raw_finish = str(getattr(cand.finish_reason, "value", cand.finish_reason))
                finish = _FINISH.get(raw_finish, raw_finish.lower())
            parts = cand.content.parts if cand.content and cand.content.parts else []
            # thought parts (thinking models) are not the answer
            text = "".join(p.text for p in parts if p.text and not p.thought)
        elif resp.prompt_feedback and resp.prompt_feedback.block_reason:
            reason = resp.prompt_feedback.block_reason
            raw_finish = f"BLOCKED:{getattr(reason, 'value', reason)}"
            finish = raw_finish.lower()
        usage = resp.usage_metadata
        extra: dict[str, Any] = {"finish": raw_finish}
        if usage and usage.thoughts_token_count:
            extra["thoughts_tokens"] = usage.thoughts_token_count
        return ProviderReply(
            text=text,
            model=resp.model_version or self.model,  # the model that answered, as the service says
            finish_reason=finish,
            prompt_tokens=usage.prompt_token_count if usage else None,
            # thinking is billed as output: the completion count includes it
            completion_tokens=(usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0) if usage else None,
            extra=extra,
        )

    async def check(self) -> ProviderCheck:
        """``models.get`` for the configured model; a missing one names the Flash models the key can use."""
        try:
            m = await self._client.aio.models.get(model=self.model)
        except Exception as e:
            err = translate_error(self.name, e, self.timeout_s)
            if err.kind == "not_found":
                flash = await self._flash_models()
                hint = f"; Flash models this key can use: {', '.join(flash)}" if flash else ""
                return ProviderCheck(
                    False, f"GEMINI_MODEL {self.model!r} does not exist or was retired{hint}", fatal=True
                )
            return ProviderCheck(False, f"cannot check GEMINI_MODEL {self.model!r}: {err}", fatal=err.kind == "auth")
        where = "Vertex AI" if self.vertex else "Gemini API"
        limits = (
            f", input {m.input_token_limit} / output {m.output_token_limit} tokens"
            if m.input_token_limit and m.output_token_limit
            else ""
        )
        return ProviderCheck(True, f"{self.model} available ({where}{limits})", context_tokens=m.input_token_limit)

    async def _flash_models(self) -> list[str]:
        """Flash models that support generateContent for this key, best effort (empty on any error)."""
        names: list[str] = []
        try:
            async for m in await self._client.aio.models.list(config={"page_size": 100}):
                name = (m.name or "").removeprefix("models/").removeprefix("publishers/google/models/")
                actions = m.supported_actions or []
                if "flash" in name and (not actions or "generateContent" in actions):
                    names.append(name)
        except Exception:  # the hint is a courtesy; the check's own message stands without it
            return []
        return sorted(set(names))[:12]

    async def aclose(self) -> None:
        await self._client.aio.aclose()
