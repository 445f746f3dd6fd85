"""Gemini adapter (google-genai): strict JSON via ``response_json_schema``; SDK errors become ``ProviderError``.

Read from googleapis/python-genai (google/genai/client.py, models.py, types.py, _api_client.py): the client
reads GOOGLE_GENAI_USE_VERTEXAI itself when ``vertexai`` is not passed, so the mode is always passed
explicitly; ``models.get`` is ``GET {base}/{version}/models/{model}`` (Vertex:
``…/publishers/google/models/{model}``); Vertex AI express mode (an API key, no project) sends the key in
``x-goog-api-key`` to ``aiplatform.googleapis.com/v1beta1/publishers/google/models/…`` and serves only
generateContent, streamGenerateContent and countTokens: ``models.get`` answers 401 "API keys are not supported
by this API" (python-genai issue #1404), so express mode is checked with ``count_tokens``. Batch mode
(inline requests through ``client.aio.batches``) is ``providers/gemini_batch.py``.
``GenerateContentConfig.response_json_schema`` takes a JSON Schema dict (the subset its docstring lists);
``thinking_config=ThinkingConfig(thinking_level=…)`` is Gemini 3's thinking control (``thinking_budget`` is the
2.5 models'); a candidate may end SAFETY, PROHIBITED_CONTENT, RECITATION or MAX_TOKENS with no text, and
``usage_metadata.thoughts_token_count`` counts what thinking spent. A schema Gemini cannot compile is refused
with 400 INVALID_ARGUMENT "…too many states for serving…" (reports in googleapis/python-genai #323/#660).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from google import genai
from google.genai import types

from ..errors import ConfigError
from ..settings import Settings
from .base import (
    THINKING_LEVELS,
    ProviderCall,
    ProviderCheck,
    ProviderProfile,
    ProviderReply,
    Sampling,
    ThinkingLevel,
)
from .gemini_errors import empty_reply_error, translate_error

_FINISH = {"STOP": "stop", "MAX_TOKENS": "length"}
MAX_OUTPUT_TOKENS = 65_536
INPUT_WINDOW = 1_048_576
# GenerationConfig.seed is an int32 on the wire: the profile folds any seed into [0, 2**31)
SEED_RANGE = 2**31

# --- what Google says about Gemini 3 (the values of ``profile_from``) ---------------------------------------
# Temperature: "For Gemini 3, we strongly recommend keeping the temperature parameter at its default value of
# 1.0 … Changing the temperature (setting it below 1.0) may lead to unexpected behavior, such as looping or
# degraded performance, particularly in complex mathematical or reasoning tasks." (Google Cloud, "Gemini 3
# prompting guide", Temperature tuning; the Gemini API's Gemini 3 developer guide says the same). top_p is
# left to the service: the guide tunes nothing else.
GEMINI3_TEMPERATURE = 1.0
# Thinking levels (ai.google.dev/gemini-api/docs/thinking, "Thinking levels"; google-genai types.ThinkingLevel):
# Flash models take minimal/low/medium/high (3.5 Flash defaults to medium), Pro models low/(medium)/high
# (default high, no minimal). Generation writes an item, its solution and its key: the Flash default, medium;
# a Pro model keeps its default, high. The blind solve first runs at the model's default too; an item that
# solve does not confirm (another answer, or none) is solved again at high, the depth the guide names for
# complex maths, and that solve decides (``CONFIRM_LEVEL``). Most keys are right and a solve that reaches an
# independent key is strong evidence at any depth, so the deep thinking is spent where the two disagree.
GENERATE_LEVEL: dict[str, ThinkingLevel] = {"flash": "medium", "pro": "high"}
VERIFY_LEVEL: dict[str, ThinkingLevel] = {"flash": "medium", "pro": "high"}
CONFIRM_LEVEL: ThinkingLevel = "high"
# Output tokens a level may think before the answer. Google gives levels no token counts ("relative
# guidelines for reasoning rather than strict token guarantees", Gemini API blog "New Gemini API updates for
# Gemini 3"); the last published caps are 2.5's thinking budgets, up to 24,576 (Flash) and 32,768 (Pro)
# tokens. A headroom is a ceiling, not a cost (thinking is billed as spent), so it errs high.
THINKING_HEADROOM: dict[str, int] = {"minimal": 1024, "low": 4096, "medium": 16_384, "high": 32_768}
# Gemini 2.x takes thinking_budget, not a level; nothing is sent and the 2.5 Flash budget cap is reserved.
LEGACY_HEADROOM = 24_576

log = logging.getLogger(__name__)


def family(model: str) -> str:
    """'flash' or 'pro' for a Gemini 3.x model ('gemini-3.5-flash', 'gemini-3.1-pro-preview'); 'legacy' else."""
    name = model.removeprefix("models/").lower()
    if not re.match(r"gemini-3(\.\d+)?-", name):
        return "legacy"
    return "pro" if "-pro" in name else "flash"


def thinking_config(model: str, level: ThinkingLevel | None) -> types.ThinkingConfig | None:
    """The ThinkingConfig for ``model`` at ``level``: Gemini 3 gets its level (Pro has no 'minimal': 'low');
    Gemini 2.x none (it takes a token budget, and thinking_level with it is a 400)."""
    fam = family(model)
    if level is None or fam == "legacy":
        return None
    if fam == "pro" and level == "minimal":
        level = "low"
    return types.ThinkingConfig(thinking_level=types.ThinkingLevel(level.upper()))


def profile_from(settings: Settings) -> ProviderProfile:
    """Gemini: a huge input window, a bounded output budget, a fixed number of questions per call; sampling
    and thinking per Google's Gemini 3 guide (above), each overridable by a setting."""
    fam = family(settings.gemini_model)
    temperature = settings.gemini_temperature if settings.gemini_temperature is not None else GEMINI3_TEMPERATURE
    if fam != "legacy" and temperature < GEMINI3_TEMPERATURE:
        log.warning(
            "GEMINI_TEMPERATURE=%g is below 1.0: Google's Gemini 3 guide warns of looping and degraded "
            "maths and reasoning at lower temperatures",
            temperature,
        )
    # a Gemini 2.x model takes no level (``thinking_config`` sends none): its profile has none either, so that
    # nothing sized or decided by a level (the headroom, a deeper confirm, a reply without the working) applies
    legacy = fam == "legacy"
    gen_level = None if legacy else settings.gemini_thinking_level or GENERATE_LEVEL.get(fam)
    verify_level = None if legacy else settings.gemini_verify_thinking_level or VERIFY_LEVEL.get(fam)
    deeper = verify_level is not None and THINKING_LEVELS.index(verify_level) < THINKING_LEVELS.index(CONFIRM_LEVEL)
    headroom = settings.gemini_output_headroom
    if headroom is None and legacy:
        headroom = LEGACY_HEADROOM
    return ProviderProfile(
        context_tokens=INPUT_WINDOW,
        tokens_per_question=settings.gemini_tokens_per_question,
        max_concurrency=settings.gemini_max_concurrency,
        generate=Sampling(temperature, settings.gemini_top_p, gen_level),
        verify=Sampling(temperature, settings.gemini_top_p, verify_level),
        confirm=Sampling(temperature, settings.gemini_top_p, CONFIRM_LEVEL) if deeper else None,
        window="output",
        max_questions_per_call=settings.gemini_max_questions_per_call,
        max_output_tokens=MAX_OUTPUT_TOKENS,
        thinking_tokens=THINKING_HEADROOM,
        output_headroom=headroom,
        seed_range=SEED_RANGE,
    )


_GEMINI_SCHEMA_KEYS = frozenset(
    {
        "$id", "$defs", "$ref", "$anchor", "type", "format", "title", "description", "enum", "items",
        "prefixItems", "minItems", "maxItems", "minimum", "maximum", "anyOf", "oneOf", "properties",
        "additionalProperties", "required", "propertyOrdering",
    }
)


def gemini_schema(node: Any) -> Any:
    """``node`` with only the JSON Schema keywords Gemini's ``responseJsonSchema`` supports (the list in
    google-genai's ``GenerateContentConfig.response_json_schema`` docstring): ``default`` and the like go."""
    if isinstance(node, list):
        return [gemini_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _GEMINI_SCHEMA_KEYS:
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: gemini_schema(sub) for name, sub in value.items()}
        else:
            out[key] = gemini_schema(value)
    return out



class GeminiProvider:
    """``Provider`` for Gemini: the Gemini API (key), or Vertex AI (project + ADC, or an express-mode key)."""

    key = "gemini"

    def __init__(self, settings: Settings, *, name: str = "gemini", base_url: str | None = None) -> None:
        self.name = name
        self.model = settings.gemini_model
        self.timeout_s = settings.gemini_timeout_s
        self.profile = profile_from(settings)
        self.vertex = settings.gemini_use_vertexai
        # 'api-key' (Gemini API), 'vertex' (a project and ADC) or 'express' (Vertex AI with an API key, no project)
        self.mode = "api-key"
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
            self.mode = "express"
            self._client = genai.Client(vertexai=True, api_key=settings.gemini_api_key, http_options=http_options)
        elif self.vertex:
            if not settings.google_cloud_project:
                raise ConfigError("GOOGLE_GENAI_USE_VERTEXAI is set but GOOGLE_CLOUD_PROJECT is not")
            self.mode = "vertex"
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
        from .gemini_batch import GeminiBatches  # here: that module builds on this one

        self.batch_api = GeminiBatches(self)

    async def generate(self, call: ProviderCall) -> ProviderReply:
        model = call.model or self.model
        try:
            resp = await self._client.aio.models.generate_content(
                model=model, contents=call.prompt, config=self.content_config(call, model)
            )
        except Exception as e:  # every SDK/transport failure leaves as ProviderError
            raise translate_error(self.name, e, self.timeout_s) from e
        return self.reply_of(resp, call.max_tokens)

    def content_config(self, call: ProviderCall, model: str) -> types.GenerateContentConfig:
        """The GenerateContentConfig of ``call``: online, and for each inline request of a batch."""
        return types.GenerateContentConfig(
            system_instruction=call.system,
            temperature=call.temperature,
            top_p=call.top_p,
            seed=self.profile.seed(call.seed),
            response_mime_type="application/json",
            # the same bound-free schema every provider gets; pydantic enforces the bounds afterwards
            response_json_schema=gemini_schema(call.schema),
            max_output_tokens=call.max_tokens,
            thinking_config=thinking_config(model, call.thinking),
        )

    def reply_of(self, resp: types.GenerateContentResponse, max_tokens: int) -> ProviderReply:
        """The reply in ``resp`` to a call of ``max_tokens``; ``ProviderError`` when it has no text (blocked,
        recitation, out of tokens)."""
        reply = self._reply(resp)
        if not reply.text.strip():
            raise empty_reply_error(self.name, reply.extra.get("finish"), reply.extra.get("thoughts_tokens"), max_tokens)
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
            # implicit caching (ai.google.dev/gemini-api/docs/caching): the prompt tokens served from cache
            cached_tokens=(usage.cached_content_token_count or 0) if usage else 0,
            thinking_tokens=(usage.thoughts_token_count or 0) if usage else 0,
            extra=extra,
        )

    async def check(self, model: str | None = None) -> ProviderCheck:
        """Does ``model`` (default GEMINI_MODEL) exist for these credentials? ``models.get`` with a key or a
        project; ``count_tokens`` in express mode, where ``models.get`` is refused (401) for API keys. A missing
        model names the Flash models the key can use."""
        name = model or self.model
        setting = "GEMINI_MODEL" if name == self.model else "QGEN_VERIFY_MODEL"
        where = {"api-key": "Gemini API", "vertex": "Vertex AI", "express": "Vertex AI express mode"}[self.mode]
        try:
            if self.mode == "express":
                counted = await self._client.aio.models.count_tokens(model=name, contents="qgen start-up check")
                return ProviderCheck(True, f"{name} available ({where}: countTokens answered {counted.total_tokens} tokens)")
            m = await self._client.aio.models.get(model=name)
        except Exception as e:
            err = translate_error(self.name, e, self.timeout_s)
            if err.kind == "not_found":
                flash = await self._flash_models()
                hint = f"; Flash models this key can use: {', '.join(flash)}" if flash else ""
                return ProviderCheck(False, f"{setting} {name!r} does not exist or was retired{hint}", fatal=True)
            return ProviderCheck(False, f"cannot check {setting} {name!r}: {err}", fatal=err.kind == "auth")
        limits = (
            f", input {m.input_token_limit} / output {m.output_token_limit} tokens"
            if m.input_token_limit and m.output_token_limit
            else ""
        )
        return ProviderCheck(True, f"{name} available ({where}{limits})", context_tokens=m.input_token_limit)

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
