"""Gemini failures as ``ProviderError``: google-genai's ``APIError`` by status and message, transport errors of
whichever HTTP client the SDK sends through, and a reply without text by its finish reason.

Read from googleapis/python-genai (google/genai/errors.py: ``APIError.code``, ``status``, ``message``,
``details``); Retry-After, or the wait in ``google.rpc.RetryInfo`` (``retryDelay``); a schema Gemini cannot
compile is refused with 400 INVALID_ARGUMENT "…too many states for serving…" (python-genai #323/#660).
"""

from __future__ import annotations

import asyncio
import re

import httpx
from google.genai import errors as genai_errors

from ..errors import FailureKind, ProviderError
from .http import parse_retry_after

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
_SCHEMA_MARKERS = ("too many states", "response_schema", "responsejsonschema", "response_json_schema", "schema")


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
        if code == 400 and any(m in low for m in _SCHEMA_MARKERS):
            # the reply schema cannot be served: every call would fail the same way, on any retry
            return ProviderError(provider, "schema_refused", msg, status=code)
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
