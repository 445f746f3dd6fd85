"""The OpenAI-compatible API of vLLM >= 0.12: chat completions, model list, health.

Read from vllm-project/vllm (0.27): vllm/entrypoints/openai/chat_completion/protocol.py (request fields:
``response_format`` json_schema, ``structured_outputs.json``, ``stop``, ``stop_token_ids``,
``skip_special_tokens`` default true; unknown fields such as the removed ``guided_json`` are ignored,
``extra="allow"``), engine/protocol.py (``ModelCard.max_model_len`` on ``/v1/models``), and the error
body ``{"object": "error", "message", "type", "param", "code"}``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens

from .core import Generation, SimCore, SimError, messages_text, requested_count, tracked

_TYPES = {
    400: "BadRequestError",
    401: "Unauthorized",
    404: "NotFoundError",
    429: "RateLimitError",
    500: "InternalServerError",
}


def vllm_error(status: int, message: str, *, retry_after: float | None = None) -> web.Response:
    """vLLM's error body: ``{"object": "error", "message", "type", "param", "code"}``."""
    body = {
        "object": "error",
        "message": message,
        "type": _TYPES.get(status, "InternalServerError"),
        "param": None,
        "code": status,
    }
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return web.json_response(body, status=status, headers=headers)


def render_error(e: SimError) -> web.Response:
    """Errors that come from the pod proxy (502 while loading, 524 timeout) are not vLLM JSON."""
    if e.status in (502, 503, 524) and e.kind in ("loading", "injected"):
        text = {502: "Bad Gateway", 503: "Service Unavailable", 524: "A timeout occurred"}[e.status]
        return web.Response(status=e.status, text=f"error code: {e.status} {text}", content_type="text/html")
    return vllm_error(e.status, e.message, retry_after=e.retry_after)


def check_bearer(request: web.Request, core: SimCore, *, raw_ok: bool = False) -> bool:
    """``Authorization: Bearer <key>`` (RunPod also takes the raw key) when a key is expected."""
    want = core.knobs.expected_api_key
    if want is None:
        return True
    got = request.headers.get("Authorization", "")
    return got == f"Bearer {want}" or (raw_ok and got == want)


def json_schema_of(body: dict[str, Any], core: SimCore) -> dict[str, Any] | None:
    """The JSON schema a chat request asks for, as vLLM >= 0.12 reads it (``guided_json`` only by knob)."""
    rf = body.get("response_format")
    if isinstance(rf, dict) and rf.get("type") == "json_schema":
        js = rf.get("json_schema") or {}
        schema = js.get("schema") if isinstance(js, dict) else None
        if isinstance(schema, dict):
            return schema
    so = body.get("structured_outputs")
    if isinstance(so, dict) and isinstance(so.get("json"), dict | str):
        return so["json"] if isinstance(so["json"], dict) else json.loads(so["json"])
    if core.knobs.accept_guided_json and isinstance(body.get("guided_json"), dict):
        return body["guided_json"]
    return None


def stop_fields(body: dict[str, Any]) -> dict[str, Any]:
    """``stop``, ``stop_token_ids`` and ``skip_special_tokens`` of a request, with vLLM's defaults."""
    stop = body.get("stop")
    ids = body.get("stop_token_ids")
    return {
        "stop": [stop] if isinstance(stop, str) else list(stop or []),
        "stop_token_ids": [int(i) for i in ids] if isinstance(ids, list) else [],
        "skip_special_tokens": body.get("skip_special_tokens", True) is not False,
    }


def context_error_message(limit: int, prompt_tokens: int, max_tokens: int) -> str:
    return (
        f"This model's maximum context length is {limit} tokens. However, you requested {max_tokens} output "
        f"tokens and your prompt contains at least {prompt_tokens} input tokens, for a total of at least "
        f"{prompt_tokens + max_tokens} tokens. Please reduce the length of the input prompt or the number of "
        f"requested output tokens. (parameter=input_tokens, value={prompt_tokens})"
    )


async def chat_completions(request: web.Request, core: SimCore) -> web.Response:
    """``POST /v1/chat/completions`` (non-streaming)."""
    if not check_bearer(request, core, raw_ok=core.kind == "runpod"):
        return web.json_response({"error": "Unauthorized"}, status=401)
    try:
        body = await request.json()
    except json.JSONDecodeError:
        return vllm_error(400, "Invalid JSON body")
    if not isinstance(body, dict):
        return vllm_error(400, "Request body must be a JSON object")
    core.record(body)
    return await answer_chat(body, core)


async def answer_chat(body: dict[str, Any], core: SimCore) -> web.Response:
    """The answer to a parsed chat-completions body (also run as a RunPod OpenAI-route job)."""
    model = body.get("model") or core.model
    if model != core.model:
        return vllm_error(404, f"The model `{model}` does not exist.")
    if body.get("stream"):
        return vllm_error(400, "stream=true is not supported by this simulator")
    prompt = messages_text(body.get("messages"))
    p_tokens = estimate_tokens(prompt)
    limit = core.context_limit
    max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
    try:
        started = await core.gate()
    except SimError as e:
        return render_error(e)
    if max_tokens is None:
        max_tokens = max(1, limit - p_tokens)
    if p_tokens + int(max_tokens) > limit:
        return vllm_error(400, context_error_message(limit, p_tokens, int(max_tokens)))
    gen = core.generate(
        prompt,
        schema=json_schema_of(body, core),
        max_tokens=int(max_tokens),
        prompt_tokens=p_tokens,
        temperature=body.get("temperature"),
        **stop_fields(body),
    )
    await core.finish_latency(requested_count(prompt), started)
    return web.json_response(completion_body(core.model, gen))


def completion_body(model: str, gen: Generation) -> dict[str, Any]:
    """A non-streaming ``chat.completion`` as vLLM returns it."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": gen.text, "tool_calls": [], "reasoning_content": None},
                "logprobs": None,
                "finish_reason": gen.finish_reason,
                "stop_reason": None,
            }
        ],
        "usage": {
            "prompt_tokens": gen.prompt_tokens,
            "completion_tokens": gen.completion_tokens,
            "total_tokens": gen.prompt_tokens + gen.completion_tokens,
            "prompt_tokens_details": None,
        },
        "prompt_logprobs": None,
    }


async def models(request: web.Request, core: SimCore) -> web.Response:
    """``GET /v1/models``."""
    if not check_bearer(request, core, raw_ok=core.kind == "runpod"):
        return web.json_response({"error": "Unauthorized"}, status=401)
    return models_response(core)


def models_response(core: SimCore) -> web.Response:
    """The ``/v1/models`` list: the one served model with its ``max_model_len``."""
    return web.json_response(
        {
            "object": "list",
            "data": [
                {
                    "id": core.model,
                    "object": "model",
                    "created": int(core.started),
                    "owned_by": "vllm",
                    "root": core.model,
                    "parent": None,
                    "max_model_len": core.context_limit,
                    "permission": [],
                }
            ],
        }
    )


async def health(request: web.Request) -> web.Response:
    return web.Response(status=200)


def add_routes(app: web.Application, core: SimCore, prefix: str = "") -> None:
    """vLLM routes under ``prefix`` (``""`` for a pod, ``/v2/{endpoint_id}/openai`` for RunPod serverless)."""

    async def _chat(request: web.Request) -> web.Response:
        return await chat_completions(request, core)

    async def _models(request: web.Request) -> web.Response:
        return await models(request, core)

    app.router.add_post(f"{prefix}/v1/chat/completions", tracked(core, _chat))
    app.router.add_get(f"{prefix}/v1/models", _models)
