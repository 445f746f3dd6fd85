"""Provider contract: an adapter describes itself (``ProviderProfile``) and makes one call at a time.

``generation`` and ``verify`` drive every provider through this contract alone, behind the call runtime
(``managed.ManagedProvider``, itself a provider); they know no provider by name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel

# What a call is for: writing questions, or a verifier's blind solve. Sampling and thinking follow it.
Purpose = Literal["generate", "verify"]
# Gemini 3's thinking levels (google-genai types.ThinkingLevel; Google's "Gemini thinking" page).
ThinkingLevel = Literal["minimal", "low", "medium", "high"]
THINKING_LEVELS: tuple[ThinkingLevel, ...] = ("minimal", "low", "medium", "high")


@dataclass(frozen=True)
class Sampling:
    """How one purpose samples: ``temperature``, ``top_p`` (None: the server's default), and the thinking
    level of a thinking model (None: the model has no level to set)."""

    temperature: float
    top_p: float | None = None
    thinking: ThinkingLevel | None = None

    def apply(self, call: ProviderCall) -> ProviderCall:
        """``call`` with this sampling."""
        return dataclasses.replace(call, temperature=self.temperature, top_p=self.top_p, thinking=self.thinking)


@dataclass(frozen=True)
class ProviderProfile:
    """What the generator needs to know to size, pace and judge calls to one provider.

    ``window``: 'shared' when prompt plus output must fit ``context_tokens`` (vLLM's max_model_len);
    'output' when only the output budget is limited (Gemini: ``max_output_tokens``, a huge input window).
    ``generate`` / ``verify``: the sampling and thinking level of each purpose, from the model family's
    published guidance (each adapter's ``profile_from`` names its source) unless a setting overrides it.
    ``thinking_tokens``: output tokens a thinking level may spend before the answer starts.
    ``confirm``: the sampling of a second, deeper blind solve for an item the first solve did not confirm
    (a thinking model whose ``verify`` level is below its deepest); None: the first solve decides.
    """

    context_tokens: int
    tokens_per_question: int
    max_concurrency: int
    generate: Sampling
    verify: Sampling
    window: Literal["shared", "output"] = "shared"
    max_questions_per_call: int | None = None  # None: as many as fit the window
    max_output_tokens: int | None = None  # hard cap on one call's output budget
    thinking_tokens: dict[str, int] = field(default_factory=dict)  # level -> headroom in the output budget
    # a fixed headroom for every purpose (a setting), instead of the level's
    output_headroom: int | None = None
    stop_token_ids: tuple[int, ...] = ()  # end-of-turn ids sent with every call ('shared' servers)
    seed_range: int | None = None  # the service takes seeds in [0, seed_range); None: any int
    confirm: Sampling | None = None

    @property
    def temperature(self) -> float:
        """Generation's temperature (kept for callers that only generate)."""
        return self.generate.temperature

    def sampling(self, purpose: Purpose) -> Sampling:
        return self.generate if purpose == "generate" else self.verify

    def headroom(self, purpose: Purpose, sampling: Sampling | None = None) -> int:
        """Output tokens reserved for thinking before the answer, at ``sampling``'s thinking level
        (default: ``purpose``'s)."""
        if self.output_headroom is not None:
            return self.output_headroom
        level = (sampling or self.sampling(purpose)).thinking
        return self.thinking_tokens.get(level, 0) if level else 0

    def output_budget(self, purpose: Purpose, content_tokens: int, sampling: Sampling | None = None) -> int:
        """The ``max_tokens`` of a call whose answer needs ``content_tokens``: the answer plus the thinking
        headroom of its level (``sampling``'s, default ``purpose``'s), capped at ``max_output_tokens``. The
        one budget rule."""
        budget = content_tokens + self.headroom(purpose, sampling)
        return min(self.max_output_tokens or budget, budget)

    def seed(self, seed: int) -> int:
        """``seed`` folded into the range the service takes (``seed_range``). The one seed rule: callers
        pass any int, the adapter sends this."""
        return seed % self.seed_range if self.seed_range else seed

    def with_window(self, reported: int | None) -> ProviderProfile:
        """This profile with the window a start check reported (``ProviderCheck.context_tokens``), which
        replaces the configured one on a 'shared' server; unchanged otherwise. The one window rule."""
        if not reported or self.window != "shared" or reported == self.context_tokens:
            return self
        return dataclasses.replace(self, context_tokens=reported)

    def more_room(self, max_tokens: int) -> int:
        """The budget for a retry after ``out_of_tokens`` (the budget ran out before any text): doubled,
        within ``max_output_tokens`` (or the window of a 'shared' server)."""
        cap = self.max_output_tokens or (self.context_tokens if self.window == "shared" else 2 * max_tokens)
        return max(max_tokens, min(cap, 2 * max_tokens))


@dataclass(frozen=True)
class ProviderCall:
    """One chat call: ``n`` questions of ``question_type`` (prompts from ``prompts``), or a verifier's
    blind solve (``verify``). ``schema`` is the JSON Schema of the reply, without the bounds grammar
    engines cannot afford (``questions.for_grammar``): every provider gets it, pydantic checks the bounds
    afterwards. ``reply_model`` is the same shape as a pydantic model, for validation."""

    system: str
    prompt: str
    question_type: str
    n: int
    schema: dict[str, Any]
    seed: int  # any int; the adapter sends ``profile.seed(seed)``
    temperature: float
    max_tokens: int
    reply_model: type[BaseModel] | None = None
    model: str | None = None  # another model of the same provider for this call (a verifier); None: its own
    top_p: float | None = None
    thinking: ThinkingLevel | None = None  # a thinking model's level for this call; None: nothing sent
    purpose: Purpose = "generate"  # what the call is for: the runtime's breaker and records follow it


@dataclass
class ProviderReply:
    """What came back: the raw text (JSON expected), why generation stopped, and token accounting.

    ``completion_tokens`` is every output token billed, thinking included; ``thinking_tokens`` is the part of
    it a thinking model spent before the answer; ``cached_tokens`` the part of ``prompt_tokens`` the service
    served from its prompt cache (billed at the cached rate). Both 0 when the service reports none."""

    text: str
    model: str
    finish_reason: str | None = None  # 'stop' | 'length' | provider-specific
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int = 0
    thinking_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderCheck:
    """What a provider said about itself at start (and in ``qgen doctor``)."""

    ok: bool
    detail: str  # one line: the model served, its window, or what is wrong
    context_tokens: int | None = None  # the window the server reports, when it does
    # the configuration is wrong (no such model, bad key): the worker must not start on it;
    # False for what may pass (a pod still loading, a serverless endpoint with no warm worker)
    fatal: bool = False


class Provider(Protocol):
    """An LLM adapter.

    ``key`` is what routes name ('runpod'); ``name`` is what ``questions.provider`` records
    ('runpod', or 'runpod-simulator' for a simulator); ``profile`` may be refined by ``check``.
    """

    key: str
    name: str
    model: str
    profile: ProviderProfile

    async def generate(self, call: ProviderCall) -> ProviderReply:
        """Make exactly one call (no retries inside); raise ``ProviderError`` with a failure ``kind``."""
        ...

    async def check(self, model: str | None = None) -> ProviderCheck:
        """Ask the service about ``model`` (default: the configured one): exists? window? Never raises for a
        service fault. Another model is how a verifier model (``QGEN_VERIFY_MODEL``) is checked."""
        ...

    async def aclose(self) -> None: ...
