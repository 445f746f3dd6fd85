"""HTTP failures as ``ProviderError``: status codes, Retry-After and transport errors of an httpx exchange.

Shared by the adapters that speak HTTP themselves (RunPod's pod, serverless and vLLM routes) and by
Gemini's Retry-After reading. Bodies follow vLLM's OpenAI protocol (vllm/entrypoints/openai/protocol.py:
``{"error": {"message"}}``) and RunPod's serverless docs (runpod/docs serverless/endpoints/
operation-reference.mdx: 429 on rate limit; the pod proxy's 502 while loading and 524 at 100 s).
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx

from ..errors import ProviderError

# what vLLM and worker-vllm say when the prompt and the output do not fit the model's window
CONTEXT_MARKERS = ("maximum context length", "context length", "too many tokens", "prompt is too long")


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


def short(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut at ``limit`` characters (for error messages and logs)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _error_message(body: str) -> str:
    """The human part of an error body: OpenAI/vLLM ``{"error": {"message"}}``, ``{"message"}`` or text."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, ValueError):
        return short(body) or "(empty body)"
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return short(err["message"])
        if isinstance(err, str):
            return short(err)
        if isinstance(data.get("message"), str):
            return short(data["message"])
    return short(body)


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
    if status in (400, 413, 422) and any(m in low for m in CONTEXT_MARKERS):
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


def json_or_text(resp: httpx.Response) -> Any:
    """The body as JSON, or its text when it is not JSON."""
    try:
        return resp.json()
    except (json.JSONDecodeError, ValueError):
        return resp.text
