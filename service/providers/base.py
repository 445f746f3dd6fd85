"""Provider contract shared by the RunPod and Gemini adapters (and driven by ``generation``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ProviderCall:
    """One chat call asking for ``n`` questions of ``question_type``; the prompts come from ``prompts``."""

    system: str
    prompt: str
    question_type: str
    n: int
    schema: dict[str, Any]
    seed: int
    temperature: float
    max_tokens: int


@dataclass
class ProviderReply:
    """What came back: the raw text (JSON expected), why generation stopped, and token accounting."""

    text: str
    model: str
    finish_reason: str | None = None  # 'stop' | 'length' | provider-specific
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """An LLM adapter. ``name`` is what ``questions.provider`` records (e.g. 'runpod', 'gemini-simulator')."""

    name: str
    model: str

    async def generate(self, call: ProviderCall) -> ProviderReply:
        """Make exactly one call (no retries inside); raise ``ProviderError`` with a failure ``kind``."""
        ...

    async def aclose(self) -> None: ...
