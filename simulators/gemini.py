"""The Gemini API as google-genai calls it: ``POST /{version}/models/{model}:generateContent``,
``GET /{version}/models/{model}`` (models.get), ``GET /{version}/models`` (models.list); and the Vertex AI
paths the SDK uses with ``vertexai=True``: ``/{version}/projects/{p}/locations/{l}/publishers/google/models/…``
and, in express mode (an API key, no project), ``/{version}/publishers/google/models/…``.

Read from googleapis/python-genai (google/genai/models.py ``get``/``list``/``generate_content``,
_api_client.py for the Vertex URLs, types.py for FinishReason/BlockedReason) and the REST reference
(ai.google.dev/api/rest/v1/GenerateContentResponse): the key comes in ``x-goog-api-key`` (or ``?key=``);
the schema in ``generationConfig.responseSchema`` or ``responseJsonSchema``; errors use Google's shape
``{"error": {"code", "message", "status"}}``; a retired model is 404 NOT_FOUND; a candidate may end
SAFETY/PROHIBITED_CONTENT/RECITATION with no content, or MAX_TOKENS with no text when thinking
(``usageMetadata.thoughtsTokenCount``) spent the output budget; a blocked prompt has no candidates and
``promptFeedback.blockReason``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens

from .core import SimCore, SimError, requested_count, tracked

DEFAULT_MAX_OUTPUT_TOKENS = 65_536
# Served unless retired (``Knobs.retired_models``; by default the 1.5, 2.0 and 2.5 families).
KNOWN_MODELS = frozenset(
    {
        "gemini-3.5-flash",
        "gemini-3.5-flash-lite",
        "gemini-3.5-pro",
        "gemini-3-flash-preview",
        "gemini-2.5-flash",
        "gemini-2.5-pro",
        "gemini-2.5-flash-lite",
        "gemini-2.0-flash",
    }
)
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_MESSAGES = {
    429: "Resource has been exhausted (e.g. check quota).",
    500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}


def google_error(
    status: int,
    message: str,
    *,
    retry_after: float | None = None,
    details: list[dict[str, Any]] | None = None,
) -> web.Response:
    err: dict[str, Any] = {"code": status, "message": message, "status": _STATUS.get(status, "UNKNOWN")}
    if retry_after is not None:
        details = [
            *(details or []),
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after:g}s"},
        ]
    if details:
        err["details"] = details
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return web.json_response({"error": err}, status=status, headers=headers)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return "\n".join(str(p.get("text", "")) for p in content.get("parts") or [] if isinstance(p, dict))
    return ""


class GeminiSim:
    """Routes of the simulated Gemini API."""

    def __init__(self, core: SimCore) -> None:
        self.core = core

    def _served(self, model: str) -> bool:
        return (model == self.core.model or model in KNOWN_MODELS) and model not in self.core.knobs.retired_models

    def _not_found(self, model: str, version: str) -> web.Response:
        return google_error(
            404,
            f"models/{model} is not found for API version {version}, or is not "
            "supported for generateContent. Call ListModels to see the list of "
            "available models and their supported methods.",
        )

    def _auth_error(self, request: web.Request) -> web.Response | None:
        want = self.core.knobs.expected_api_key
        if want is None:
            return None
        if request.headers.get("Authorization", "").startswith("Bearer ") and "/projects/" in request.path:
            return None  # Vertex AI with a project: an OAuth token from application default credentials
        got = request.headers.get("x-goog-api-key") or request.query.get("key")
        if not got:
            return google_error(
                403,
                "Method doesn't allow unregistered callers (callers without established "
                "identity). Please use API Key or other form of API consumer identity to "
                "call this API.",
            )
        if got != want:
            return google_error(
                400,
                "API key not valid. Please pass a valid API key.",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"},
                    }
                ],
            )
        return None

    async def generate_content(self, request: web.Request) -> web.Response:
        version = request.match_info["version"]
        model, _, method = request.match_info["model_method"].partition(":")
        if version not in ("v1", "v1beta", "v1alpha", "v1beta1") or method != "generateContent":
            return google_error(404, f"Method {method or '(none)'} is not found for API version {version}.")
        if (err := self._auth_error(request)) is not None:
            return err
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return google_error(400, "Invalid JSON payload received.")
        if not isinstance(body, dict):
            return google_error(400, "Invalid JSON payload received.")
        core = self.core
        core.record(body)
        model = model.removeprefix("models/")
        if not self._served(model):
            return self._not_found(model, version)
        contents = body.get("contents") or []
        prompt = "\n".join(_text_of(c) for c in (contents if isinstance(contents, list) else [contents]))
        system = _text_of(body.get("systemInstruction") or body.get("system_instruction"))
        gc = body.get("generationConfig") or {}
        try:
            started = await core.gate()
        except SimError as e:
            return google_error(e.status, _MESSAGES.get(e.status, e.message), retry_after=e.retry_after)
        p_tokens = estimate_tokens(system + "\n" + prompt)
        if p_tokens > core.context_limit:
            return google_error(
                400,
                f"The input token count ({p_tokens}) exceeds the maximum number of tokens "
                f"allowed ({core.context_limit}).",
            )
        schema = gc.get("responseSchema") or gc.get("responseJsonSchema") or gc.get("response_schema")
        if schema is None and gc.get("responseMimeType") == "application/json":
            schema = {}  # JSON mode without a schema: still JSON, never prose
        max_tokens = int(gc.get("maxOutputTokens") or DEFAULT_MAX_OUTPUT_TOKENS)
        k = core.knobs
        if k.block_prompt:
            await core.finish_latency(0, started)
            return web.json_response(
                {
                    "promptFeedback": {"blockReason": k.block_prompt},
                    "usageMetadata": {"promptTokenCount": p_tokens, "totalTokenCount": p_tokens},
                    "modelVersion": model,
                }
            )
        # a thinking model spends output tokens before the answer; the answer gets what is left
        thinking = min(k.thinking_tokens, max_tokens)
        empty = k.empty_next.pop(0) if k.empty_next else None
        if empty is None and thinking >= max_tokens and k.thinking_tokens:
            empty = "MAX_TOKENS"
        if empty is not None:
            await core.finish_latency(0, started)
            thoughts = thinking if empty == "MAX_TOKENS" else 0
            cand: dict[str, Any] = {"finishReason": empty, "index": 0}
            if empty in ("SAFETY", "PROHIBITED_CONTENT"):
                cand["safetyRatings"] = [
                    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}
                ]
            if empty == "MAX_TOKENS":
                cand["content"] = {"role": "model"}  # no parts: every token went to thinking
            return web.json_response(
                {
                    "candidates": [cand],
                    "usageMetadata": {
                        "promptTokenCount": p_tokens,
                        "totalTokenCount": p_tokens + thoughts,
                        **({"thoughtsTokenCount": thoughts} if thoughts else {}),
                    },
                    "modelVersion": model,
                    "responseId": f"sim-{core.stats.calls}",
                }
            )
        gen = core.generate(prompt, schema=schema, max_tokens=max_tokens - thinking, prompt_tokens=p_tokens)
        await core.finish_latency(requested_count(prompt), started)
        usage: dict[str, Any] = {
            "promptTokenCount": gen.prompt_tokens,
            "candidatesTokenCount": gen.completion_tokens,
            "totalTokenCount": gen.prompt_tokens + gen.completion_tokens + thinking,
        }
        if thinking:
            usage["thoughtsTokenCount"] = thinking
        return web.json_response(
            {
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": gen.text}]},
                        "finishReason": "STOP" if gen.finish_reason == "stop" else "MAX_TOKENS",
                        "index": 0,
                    }
                ],
                "usageMetadata": usage,
                "modelVersion": model,
                "responseId": f"sim-{core.stats.calls}",
            }
        )

    def _model_view(self, model: str) -> dict[str, Any]:
        return {
            "name": f"models/{model}",
            "displayName": model,
            "inputTokenLimit": self.core.context_limit,
            "outputTokenLimit": DEFAULT_MAX_OUTPUT_TOKENS,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }

    async def get_model(self, request: web.Request) -> web.Response:
        """``models.get``: the model, or 404 NOT_FOUND for an unknown or retired one."""
        if (err := self._auth_error(request)) is not None:
            return err
        version = request.match_info["version"]
        model = request.match_info["model_method"].removeprefix("models/")
        if ":" in model:
            return google_error(404, f"Method {model.partition(':')[2]} is not found for GET.")
        if not self._served(model):
            return google_error(404, f"models/{model} is not found for API version {version}.")
        return web.json_response(self._model_view(model))

    async def list_models(self, request: web.Request) -> web.Response:
        if (err := self._auth_error(request)) is not None:
            return err
        names = sorted(m for m in KNOWN_MODELS | {self.core.model} if self._served(m))
        return web.json_response({"models": [self._model_view(m) for m in names]})

    def add_routes(self, app: web.Application) -> None:
        vertex = "/{version}/projects/{project}/locations/{location}/publishers/google"
        for prefix in ("/{version}", "/{version}/publishers/google", vertex):
            app.router.add_post(prefix + "/models/{model_method}", tracked(self.core, self.generate_content))
            app.router.add_get(prefix + "/models/{model_method}", self.get_model)
            app.router.add_get(prefix + "/models", self.list_models)
