"""The Gemini API as google-genai calls it: ``POST /{version}/models/{model}:generateContent`` (and
``:countTokens``), ``GET /{version}/models/{model}`` (models.get), ``GET /{version}/models`` (models.list); and
the Vertex AI paths the SDK uses with ``vertexai=True``: ``/{version}/projects/{p}/locations/{l}/publishers/
google/models/…`` and, in express mode (an API key, no project), ``/{version}/publishers/google/models/…``.

Express mode serves generateContent, streamGenerateContent and countTokens only; any other method called with
an API key answers 401 UNAUTHENTICATED "API keys are not supported by this API…" with reason CREDENTIALS_MISSING
(the body quoted in googleapis/python-genai issue #1404 and googleapis/java-genai issue #1000).
A reply schema Gemini cannot compile is refused with 400 INVALID_ARGUMENT "The specified schema produces a
constraint that has too many states for serving…" (the text quoted in python-genai #323/#660 and many public
reports, which name long string length limits, long array length limits and numeric minimum/maximum bounds
as the causes); this simulator refuses exactly those (``schema_refusal``), with thresholds of its own.
Thinking (ai.google.dev/gemini-api/docs/thinking): Gemini 3 takes ``thinkingConfig.thinkingLevel`` (Pro models
no 'minimal'), Gemini 2.5 ``thinkingBudget`` and not a level, never both; thinking is on by default (3.5
Flash: medium, Pro: high) and its tokens (``thoughtsTokenCount``) come out of ``maxOutputTokens``.

Read from googleapis/python-genai (google/genai/models.py ``get``/``list``/``generate_content``,
_api_client.py for the Vertex URLs, types.py for FinishReason/BlockedReason) and the REST reference
(ai.google.dev/api/rest/v1/GenerateContentResponse): the key comes in ``x-goog-api-key`` (or ``?key=``);
the schema in ``generationConfig.responseSchema`` or ``responseJsonSchema``; errors use Google's shape
``{"error": {"code", "message", "status"}}``; a retired model is 404 NOT_FOUND; a candidate may end
SAFETY/PROHIBITED_CONTENT/RECITATION with no content, or MAX_TOKENS with no text when thinking
(``usageMetadata.thoughtsTokenCount``) spent the output budget; a blocked prompt has no candidates and
``promptFeedback.blockReason``.

The Batch API (``models/{m}:batchGenerateContent``, ``batches/{id}``, ``batches/{id}:cancel``) is served by
``simulators/gemini_batch.py``, which names its sources; its inline requests are answered by ``answer``.
Express mode refuses it with the 401 above (Vertex AI batch prediction is another API).
"""

from __future__ import annotations

import json
import random
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens

from . import lengths
from .core import SimCore, SimError, parse_solves_block, requested_count, tracked
from .gemini_batch import GeminiBatchSim
from .vllm import PrefixCache, block_hashes

DEFAULT_MAX_OUTPUT_TOKENS = 65_536
# Served unless retired (``Knobs.retired_models``; by default the 1.5, 2.0 and 2.5 families).
# Google's model list (ai.google.dev/gemini-api/docs/models, late 2026): there is no 3.5 Pro.
KNOWN_MODELS = frozenset(
    {
        "gemini-3.5-flash",
        "gemini-3.5-flash-lite",
        "gemini-3.6-flash",
        "gemini-3.1-flash-lite",
        "gemini-3.1-pro-preview",
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
TOO_MANY_STATES = (
    "The specified schema produces a constraint that has too many states for serving. Typical causes of this "
    "error are schemas with lots of text (for example, very long property or enum names), schemas with long "
    "array length limits (especially when nested), or schemas using complex value matchers (for example, "
    "integers or numbers with minimum/maximum bounds or strings with complex formats like date-time)"
)
EXPRESS_401 = (
    "API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials "
    "that assert a principal. See https://cloud.google.com/docs/authentication"
)
EXPRESS_METHODS = frozenset({"generateContent", "streamGenerateContent", "countTokens"})
# This simulator's thresholds for "too many states" (Google publishes none): a string length bound this long,
# an array bound this large, or any numeric bound.
LONG_STRING_BOUND = 256
LARGE_MAX_ITEMS = 10
_NUMERIC_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
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


def _int(v: Any) -> int | None:
    try:
        return int(v)  # the proto-JSON form of an int64 is a string
    except (TypeError, ValueError):
        return None


def schema_refusal(schema: Any) -> str | None:
    """Why Gemini would refuse ``schema`` as too many states (the bound found), or None."""
    if isinstance(schema, list):
        return next((r for r in map(schema_refusal, schema) if r), None)
    if not isinstance(schema, dict):
        return None
    for key in ("maxLength", "minLength", "max_length", "min_length"):
        n = _int(schema.get(key))
        if n is not None and n >= LONG_STRING_BOUND:
            return f"{key} {n}"
    n = _int(schema.get("maxItems", schema.get("max_items")))
    if n is not None and n > LARGE_MAX_ITEMS:
        return f"maxItems {n}"
    for key in _NUMERIC_BOUNDS:
        if key in schema:
            return f"{key} {schema[key]}"
    return next((r for r in map(schema_refusal, schema.values()) if r), None)


def model_family(model: str) -> str:
    """'flash' / 'pro' (Gemini 3.x) or 'legacy' (2.x), as the thinking docs group them."""
    name = model.lower()
    if not name.startswith("gemini-3"):
        return "legacy"
    return "pro" if "-pro" in name else "flash"


def default_level(model: str) -> str:
    """The thinking level a Gemini 3 model uses when none is sent: Pro high, Flash medium."""
    return "HIGH" if model_family(model) == "pro" else "MEDIUM"


def _thinking_config(gc: dict[str, Any]) -> dict[str, Any]:
    # proto JSON: either the lowerCamelCase or the original field name (google-genai sends the latter inside)
    tc: dict[str, Any] = gc.get("thinkingConfig") or gc.get("thinking_config") or {}
    return tc


def _sent_level(gc: dict[str, Any]) -> str | None:
    """The thinking level ``gc`` sends ('MEDIUM'), or None."""
    tc = _thinking_config(gc)
    return str(tc.get("thinkingLevel") or tc.get("thinking_level") or "").upper() or None


def level_of(model: str, gc: dict[str, Any]) -> str | None:
    """The thinking level a call runs at (the one sent, else the model's default); None for Gemini 2.x."""
    if model_family(model) == "legacy":
        return None
    return _sent_level(gc) or default_level(model)


def thinking_of(model: str, gc: dict[str, Any], tasks: int = 1, rng: random.Random | None = None) -> tuple[int, str | None]:
    """(tokens thinking spends on ``tasks`` questions, an INVALID_ARGUMENT message or None) for
    ``generationConfig`` ``gc``: the level's tokens per question (``lengths.thinking_tokens``), capped by a
    2.5 model's ``thinkingBudget`` (0 turns thinking off)."""
    tc = _thinking_config(gc)
    level = _sent_level(gc)
    budget = _int(tc.get("thinkingBudget", tc.get("thinking_budget")))
    fam = model_family(model)
    if level and budget is not None:
        return 0, "thinking_budget and thinking_level cannot both be set."
    if level and fam == "legacy":
        return 0, f"Thinking level is not supported for {model}; use thinking_budget."
    if level and (level not in lengths.THINKING_PER_TASK or (fam == "pro" and level == "MINIMAL")):
        return 0, f"Thinking level {level} is not supported for {model}."
    level = level or default_level(model)
    tokens = lengths.thinking_tokens(level, tasks, rng or random.Random(0))
    if budget is not None and budget >= 0:
        tokens = min(tokens, budget)
    return tokens, None


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return "\n".join(str(p.get("text", "")) for p in content.get("parts") or [] if isinstance(p, dict))
    return ""


def implicit_cache_minimum(model: str) -> int:
    """The fewest prompt tokens implicit caching serves from cache for ``model`` (Google's "Context caching"
    page, ai.google.dev/gemini-api/docs/caching, updated 2026-10-13: 4,096 for the Gemini 3.x models, 2,048
    for 2.5)."""
    return 2048 if model_family(model) == "legacy" else 4096


class GeminiSim:
    """Routes of the simulated Gemini API.

    Implicit caching (the "Context caching" page above): on by default for 2.5 and newer models; a request
    whose leading tokens match a recent request's gets them at the cached rate, reported in
    ``usageMetadata.cachedContentTokenCount``, when the match reaches the model's minimum
    (``implicit_cache_minimum``). Google documents neither the granularity nor the lifetime; this
    simulator matches whole ``IMPLICIT_CACHE_BLOCK``-token blocks of system instruction + contents
    (chained, as a prefix) and forgets the least recently used past ``IMPLICIT_CACHE_BLOCKS``.
    """

    IMPLICIT_CACHE_BLOCK = 64
    IMPLICIT_CACHE_BLOCKS = 200_000

    def __init__(self, core: SimCore) -> None:
        self.core = core
        self.batches = GeminiBatchSim(self)
        self.cache = PrefixCache(self.IMPLICIT_CACHE_BLOCKS)

    def _cached_tokens(self, model: str, text: str, prompt_tokens: int) -> int:
        """Prompt tokens of ``text`` served from the implicit cache (0 below the model's minimum); ``text``'s
        blocks are cached for the next request."""
        if not self.core.knobs.implicit_caching:
            return 0
        hashes = block_hashes(text, self.IMPLICIT_CACHE_BLOCK)
        hit = min(self.cache.hit(hashes) * self.IMPLICIT_CACHE_BLOCK, prompt_tokens)
        self.cache.add(hashes)
        return hit if hit >= implicit_cache_minimum(model) else 0

    def _served(self, model: str) -> bool:
        return (model == self.core.model or model in KNOWN_MODELS) and model not in self.core.knobs.retired_models

    def _not_found(self, model: str, version: str) -> web.Response:
        return google_error(
            404,
            f"models/{model} is not found for API version {version}, or is not "
            "supported for generateContent. Call ListModels to see the list of "
            "available models and their supported methods.",
        )

    @staticmethod
    def _express(request: web.Request) -> bool:
        """Vertex AI express mode: the publisher path without a project, with an API key."""
        keyed = bool(request.headers.get("x-goog-api-key") or request.query.get("key"))
        return keyed and "/publishers/google/" in request.path + "/" and "/projects/" not in request.path

    def _express_refusal(self, request: web.Request, method: str) -> web.Response | None:
        """401 for a method express mode does not serve with an API key (python-genai #1404)."""
        if not self._express(request) or method in EXPRESS_METHODS:
            return None
        version = request.match_info["version"]
        rpc = {"get": "ModelGardenService.GetPublisherModel", "list": "ModelGardenService.ListPublisherModels"}
        info = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "CREDENTIALS_MISSING",
            "domain": "googleapis.com",
            "metadata": {
                "method": f"google.cloud.aiplatform.{version}.{rpc.get(method, 'PredictionService.' + method)}",
                "service": "aiplatform.googleapis.com",
            },
        }
        return google_error(401, EXPRESS_401, details=[info])

    def _auth_error(self, request: web.Request) -> web.Response | None:
        want = self.core.knobs.expected_api_key
        if want is None:
            return None
        if request.headers.get("Authorization", "").startswith("Bearer ") and "/publishers/google/" in request.path:
            # Vertex AI with a project: an OAuth token from application default credentials (models.get of a
            # base model goes to …/publishers/google/models/{m} without the project: _api_client.py)
            return None
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
        if method == "batchGenerateContent" and (err := self._express_refusal(request, method)) is not None:
            return err  # Vertex AI's batch prediction is another API (batchPredictionJobs)
        if version not in ("v1", "v1beta", "v1alpha", "v1beta1") or method not in (
            "generateContent", "countTokens", "batchGenerateContent"
        ):
            return google_error(404, f"Method {method or '(none)'} is not found for API version {version}.")
        if (err := self._auth_error(request)) is not None:
            return err
        if method == "countTokens":
            return await self.count_tokens(request, model.removeprefix("models/"), version)
        if method == "batchGenerateContent":
            return await self.batches.create(request, model.removeprefix("models/"), version)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return google_error(400, "Invalid JSON payload received.")
        if not isinstance(body, dict):
            return google_error(400, "Invalid JSON payload received.")
        self.core.record(body)
        return await self.answer(model.removeprefix("models/"), version, body)

    async def answer(self, model: str, version: str, body: dict[str, Any]) -> web.Response:
        """A ``GenerateContentRequest`` answered: online, or as one inline request of a batch."""
        core = self.core
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
        if schema is not None and (bound := schema_refusal(schema)) is not None:
            core.stats.schemas_refused += 1
            return google_error(400, TOO_MANY_STATES, details=[{"@type": "type.googleapis.com/google.rpc.DebugInfo",
                                                                 "detail": f"simulator: {bound}"}])
        if schema is None and gc.get("responseMimeType") == "application/json":
            schema = {}  # JSON mode without a schema: still JSON, never prose
        max_tokens = int(gc.get("maxOutputTokens") or DEFAULT_MAX_OUTPUT_TOKENS)
        k = core.knobs
        # thinking grows with the work asked: the questions to write, the questions of a <solves> list,
        # or a <solve> block (a batched solve thinks about each of its questions, not once for all)
        tasks = requested_count(prompt) or len(parse_solves_block(prompt) or ()) or prompt.count("</solve>") or 1
        level_tokens, refused = thinking_of(model, gc, tasks, random.Random(f"{k.seed}:{core.stats.calls}"))
        if refused is not None:
            return google_error(400, refused)
        if k.block_prompt:
            await core.finish_latency(0, started)
            return web.json_response(
                {
                    "promptFeedback": {"blockReason": k.block_prompt},
                    "usageMetadata": {"promptTokenCount": p_tokens, "totalTokenCount": p_tokens},
                    "modelVersion": model,
                }
            )
        cached = self._cached_tokens(model, system + "\n" + prompt, p_tokens)
        core.stats.cached_tokens += cached
        # a thinking model spends output tokens before the answer; the answer gets what is left
        wanted = level_tokens if k.thinking_tokens is None else k.thinking_tokens
        thinking = min(wanted, max_tokens)
        empty = k.empty_next.pop(0) if k.empty_next else None
        if empty is None and thinking >= max_tokens and wanted:
            empty = "MAX_TOKENS"
        if empty is not None:
            await core.finish_latency(0, started)
            thoughts = thinking if empty == "MAX_TOKENS" else 0
            core.stats.completion_tokens += thoughts  # thinking is billed as output, text or not
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
                        **({"cachedContentTokenCount": cached} if cached else {}),
                    },
                    "modelVersion": model,
                    "responseId": f"sim-{core.stats.calls}",
                }
            )
        gen = core.generate(prompt, schema=schema, max_tokens=max_tokens - thinking, prompt_tokens=p_tokens,
                            temperature=gc.get("temperature"), thinking=level_of(model, gc))
        await core.finish_latency(requested_count(prompt), started)
        usage: dict[str, Any] = {
            "promptTokenCount": gen.prompt_tokens,
            "candidatesTokenCount": gen.completion_tokens,
            "totalTokenCount": gen.prompt_tokens + gen.completion_tokens + thinking,
        }
        if cached:
            usage["cachedContentTokenCount"] = cached
        if thinking:
            usage["thoughtsTokenCount"] = thinking
            core.stats.completion_tokens += thinking  # billed as output (the Gemini API's pricing)
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

    async def count_tokens(self, request: web.Request, model: str, version: str) -> web.Response:
        """``models.count_tokens``: ``{"totalTokens": n}`` for the contents, 404 for a model not served."""
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return google_error(400, "Invalid JSON payload received.")
        if not self._served(model):
            return self._not_found(model, version)
        contents = body.get("contents") or [] if isinstance(body, dict) else []
        text = "\n".join(_text_of(c) for c in (contents if isinstance(contents, list) else [contents]))
        return web.json_response({"totalTokens": estimate_tokens(text) if text else 0})

    def _model_view(self, model: str) -> dict[str, Any]:
        return {
            "name": f"models/{model}",
            "displayName": model,
            "inputTokenLimit": self.core.context_limit,
            "outputTokenLimit": DEFAULT_MAX_OUTPUT_TOKENS,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }

    async def get_model(self, request: web.Request) -> web.Response:
        """``models.get``: the model, or 404 NOT_FOUND for an unknown or retired one; 401 in express mode."""
        if (err := self._auth_error(request) or self._express_refusal(request, "get")) is not None:
            return err
        version = request.match_info["version"]
        model = request.match_info["model_method"].removeprefix("models/")
        if ":" in model:
            return google_error(404, f"Method {model.partition(':')[2]} is not found for GET.")
        if not self._served(model):
            return google_error(404, f"models/{model} is not found for API version {version}.")
        return web.json_response(self._model_view(model))

    async def list_models(self, request: web.Request) -> web.Response:
        if (err := self._auth_error(request) or self._express_refusal(request, "list")) is not None:
            return err
        names = sorted(m for m in KNOWN_MODELS | {self.core.model} if self._served(m))
        return web.json_response({"models": [self._model_view(m) for m in names]})

    def add_routes(self, app: web.Application) -> None:
        vertex = "/{version}/projects/{project}/locations/{location}/publishers/google"
        for prefix in ("/{version}", "/{version}/publishers/google", vertex):
            app.router.add_post(prefix + "/models/{model_method}", tracked(self.core, self.generate_content))
            app.router.add_get(prefix + "/models/{model_method}", self.get_model)
            app.router.add_get(prefix + "/models", self.list_models)
        self.batches.add_routes(app)
