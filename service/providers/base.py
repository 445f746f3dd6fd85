"""Provider contract: an adapter describes itself (``ProviderProfile``) and makes one call at a time.

``generation`` drives every provider through this contract alone; it knows no provider by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel


@dataclass(frozen=True)
class ProviderProfile:
    """What the generator needs to know to size, pace and judge calls to one provider.

    ``window``: 'shared' when prompt plus output must fit ``context_tokens`` (vLLM's max_model_len);
    'output' when only the output budget is limited (Gemini: ``max_output_tokens``, a huge input window).
    """

    context_tokens: int
    tokens_per_question: int
    temperature: float
    max_concurrency: int
    window: Literal["shared", "output"] = "shared"
    max_questions_per_call: int | None = None  # None: as many as fit the window
    max_output_tokens: int | None = None  # hard cap on one call's output budget
    output_headroom: int = 0  # added to the budget: thinking models spend output tokens before answering
    # how the reply schema is sent: a JSON Schema dict in the body (vLLM), or the SDK's typed schema (Gemini)
    schema_dialect: Literal["json_schema", "sdk"] = "json_schema"
    stop_token_ids: tuple[int, ...] = ()  # end-of-turn ids sent with every call ('shared' servers)


@dataclass(frozen=True)
class ProviderCall:
    """One chat call: ``n`` questions of ``question_type`` (prompts from ``prompts``), or a verifier's
    blind solve (``verify``). ``schema`` is the JSON Schema of the reply; ``reply_model`` the same
    shape as a pydantic model, for adapters whose SDK takes a typed schema (``schema_dialect='sdk'``)."""

    system: str
    prompt: str
    question_type: str
    n: int
    schema: dict[str, Any]
    seed: int
    temperature: float
    max_tokens: int
    reply_model: type[BaseModel] | None = None
    model: str | None = None  # another model of the same provider for this call (a verifier); None: its own


@dataclass
class ProviderReply:
    """What came back: the raw text (JSON expected), why generation stopped, and token accounting."""

    text: str
    model: str
    finish_reason: str | None = None  # 'stop' | 'length' | provider-specific
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
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

    async def check(self) -> ProviderCheck:
        """Ask the service about the configured model (exists? window?); never raises for a service fault."""
        ...

    async def aclose(self) -> None: ...
