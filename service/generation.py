"""Where generation and fallback happen: route, size calls to the context, retry, break, validate, fall back.

The routed provider gets the request split into calls that fit its window (its ``ProviderProfile``
says how big). Each call goes through the provider's call runtime (``managed.ManagedProvider``: retries,
breaker, adaptive limit, call records), which wraps every provider given here. Replies are parsed and
validated strictly; valid items are kept (also from truncated replies). Only the items still missing
go down the fallback chain (``Routes``, Gemini by default), each tagged with why. Providers are known
only by their route keys and profiles.

Words: a generate call's *order* is what it was asked for (the spec and one plan entry per question);
a *position* is a question's index in that order (not a request's slot, see docs/glossary.md).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import prompts
from .concurrency import AdaptiveLimiter
from .errors import JobRetry, ProviderError
from .managed import CallLog, CallObserver, CallRecord, ManagedProvider
from .parsing import parse_items
from .providers.base import Provider, ProviderCall, ProviderReply
from .questions import Question, RequestSpec, provider_json_schema, validate_items
from .resilience import CircuitBreaker
from .routing import DEFAULT_KEY, Routes, routes_from
from .settings import Settings

if TYPE_CHECKING:
    from .batch import BatchSession

log = logging.getLogger(__name__)

JSON_OVERHEAD_TOKENS = 64  # '{"questions": [' … ']}' and separators
# what a chat template adds around the two messages before the server counts the prompt (Qwen2.5's, which
# Aryabhata uses: '<|im_start|>system\n', '<|im_end|>\n<|im_start|>user\n', '<|im_end|>\n<|im_start|>assistant\n')
CHAT_TEMPLATE_TOKENS = 16
MAX_CONTEXT_SHRINKS = 3  # after a 400 context_length: halve the batch / the assumed window this often


@dataclass
class GeneratedItem:
    """One valid question and where it came from (``key``: the route key of the provider that wrote it)."""

    question: Question
    provider: str
    model: str
    fallback_reason: str | None = None
    key: str = ""


@dataclass
class GenerationResult(CallLog):
    """What ``Generator.generate`` produced, and what its calls spent (``CallLog``: every call made, failed
    ones included); ``shortfall_reason`` is set when fewer than asked."""

    items: list[GeneratedItem] = field(default_factory=list)
    shortfall_reason: str | None = None


@dataclass
class _Order:
    """One ``generate`` invocation: the request and its plan, one entry per position."""

    spec: RequestSpec
    plan: list[str]
    avoid: list[str]
    seed: int
    result: GenerationResult


@dataclass
class _Fill:
    """Outcome of asking one provider for some positions: items per position, failure reason per missing one."""

    items: dict[int, GeneratedItem] = field(default_factory=dict)
    missing: dict[int, str] = field(default_factory=dict)

    def merge(self, other: _Fill) -> None:
        self.items.update(other.items)
        self.missing.update(other.missing)


def reason_of(key: str, e: ProviderError) -> str:
    """Short failure tag stored with fallback items: 'runpod server 500', 'runpod circuit_open'."""
    return f"{key} {e.kind}" + (f" {e.status}" if e.status else "")


def valid_items(
    name: str, notes: list[str], reply: ProviderReply, n: int, question_type: str
) -> tuple[list[Question], str | None]:
    """The reply's valid questions (at most ``n``) and the parser's note; ``ProviderError`` when there are
    none. The one parse-and-validate rule for every reply, online or from a batch."""
    raw, note = parse_items(reply.text, reply.finish_reason)
    if note:
        notes.append(f"{name}: {note}")
    if not raw:
        raise ProviderError(name, "invalid_json", note or "no items in reply", body=reply.text)
    valid, problems = validate_items(raw, question_type)
    if problems:
        notes.append(f"{name}: {len(problems)} invalid item(s): {problems[0]}")
    if not valid:
        raise ProviderError(name, "too_few", f"0/{n} valid: {problems[0] if problems else ''}")
    return valid[:n], note


def generic_plan_entry(spec: RequestSpec, i: int) -> str:
    return f"a distinct idea within {spec.topic} (#{i + 1}), different from every other question"


class Generator:
    """Generates validated questions; one per worker process, shared by its concurrent jobs (each provider
    is wrapped in one ``ManagedProvider`` here, so that all jobs see the same breakers and limits)."""

    def __init__(
        self,
        settings: Settings,
        providers: dict[str, Provider],
        *,
        routes: Routes | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.routes = routes or routes_from(
            settings.routes, settings.fallback, fallback_enabled=settings.fallback_enabled
        )
        self.clock = clock
        # called with every CallRecord, from every job (metrics); shared by every provider's runtime
        self.observers: list[CallObserver] = []
        self.providers = {
            key: ManagedProvider(p, settings, observers=self.observers, clock=clock, sleep=sleep, rand=rand)
            for key, p in providers.items()
        }

    @property
    def breakers(self) -> dict[str, CircuitBreaker]:
        """Every provider's breakers in use, by label ('runpod', and 'runpod:verify' once the verifier calls)."""
        return {label: b for p in self.providers.values() for label, b in p.breaker_labels().items()}

    @property
    def limiters(self) -> dict[str, AdaptiveLimiter]:
        """Each provider's adaptive concurrency limit, by route key."""
        return {key: p.limiter for key, p in self.providers.items()}

    # --- public -----------------------------------------------------------------------------------
    def choose(self, spec: RequestSpec) -> str:
        """The routed provider key (before availability is considered)."""
        text = " ".join(x for x in (spec.topic, spec.subtopic, spec.instructions) if x)
        return self.routes.primary(spec.subject, text)

    async def generate(
        self,
        spec: RequestSpec,
        n: int,
        *,
        plan: list[str],
        avoid: list[str],
        seed: int,
        records: list[CallRecord] | None = None,
        batch: BatchSession | None = None,
    ) -> GenerationResult:
        """``n`` validated questions (fewer with ``shortfall_reason``); ``JobRetry`` if nothing at all.

        ``records``, when given, receives a ``CallRecord`` per call as it ends, so that the calls of a
        round that raises ``JobRetry`` are still accounted for. ``batch`` (a batch-mode job): the routed
        provider's calls go through its Batch API (``service/batch.py``), which may raise ``BatchPending``.
        """
        result = GenerationResult(records=records if records is not None else [])
        if n <= 0:
            return result
        full_plan = [plan[i] if i < len(plan) and plan[i] else generic_plan_entry(spec, i) for i in range(n)]
        order = _Order(spec=spec, plan=full_plan, avoid=list(avoid), seed=seed, result=result)

        primary = self.choose(spec)
        if primary not in self.providers:
            default = self.routes.rules.get(DEFAULT_KEY)
            available = [p for p in dict.fromkeys((default, *self.routes.fallback, *self.providers)) if p in self.providers]
            if not available:
                raise JobRetry("no provider is configured")
            result.notes.append(f"{primary} not configured; using {available[0]}")
            primary = available[0]
        chain = [p for p in self.routes.chain(primary) if p in self.providers]

        # Batch mode: the batch's answers, or None when the request runs online after all (noted)
        batched = await batch.fill(self, primary, order) if batch is not None else None
        fill = (
            batched
            if batched is not None
            else await self._fill(primary, order, list(range(n)), order.avoid, scale=1.0, fallback_reason=None)
        )
        reasons = sorted(set(fill.missing.values()))
        # what a batch did not answer goes online, to the routed provider first
        for fallback in chain if batched is not None else chain[1:]:
            if not fill.missing:
                break
            produced = [it.question.question_text for it in fill.items.values()]
            todo = sorted(fill.missing)
            why_now = ", ".join(sorted(set(fill.missing.values())))
            result.notes.append(f"{len(todo)} of {n} to {fallback}: {why_now}")
            log.warning("%s: %s of %s question(s) fall back to %s (%s)", primary, len(todo), n, fallback, why_now)
            # each fallback call carries the reason of the positions it fills; group positions by reason
            by_reason: dict[str, list[int]] = {}
            for position in todo:
                by_reason.setdefault(fill.missing[position], []).append(position)
            outcomes = await asyncio.gather(
                *(
                    self._fill(fallback, order, group, produced + order.avoid, scale=1.0, fallback_reason=why)
                    for why, group in by_reason.items()
                )
            )
            for position in todo:
                del fill.missing[position]
            for o in outcomes:
                fill.merge(o)
            reasons = sorted(set(reasons) | set(fill.missing.values()))

        result.items = [fill.items[s] for s in sorted(fill.items)]
        if fill.missing:
            # every reason on the way (the primary's and the fallbacks'), so the stored error says all
            why = "; ".join(reasons)
            if not result.items:
                raise JobRetry(f"no questions produced ({why})")
            result.shortfall_reason = f"{len(fill.missing)} of {n} not generated: {why}"
        return result

    # --- internals --------------------------------------------------------------------------------
    def _size(
        self, pname: str, order: _Order, positions: list[int], avoid: list[str], scale: float
    ) -> tuple[int, int, int]:
        """(questions in the next call, avoid entries to send, max_tokens) fitting the provider's window."""
        prof = self.providers[pname].profile
        per_q = prof.tokens_per_question
        cap = prof.max_questions_per_call or len(positions)
        if prof.window == "output":
            # only the output is bounded: a fixed number per call, each with its budget, plus thinking room
            k = min(len(positions), max(1, int(cap * scale)))
            return k, len(avoid), prof.output_budget("generate", k * per_q + JSON_OVERHEAD_TOKENS)
        context = int(prof.context_tokens * scale)
        avoid_n = min(len(avoid), prompts.MAX_AVOID_ITEMS)
        while True:
            for k in range(min(len(positions), cap), 0, -1):
                # a cheap bound first: even an empty prompt cannot fit k answers
                if k * per_q + JSON_OVERHEAD_TOKENS >= context:
                    continue
                used = self._prompt_tokens(order, positions[:k], avoid[:avoid_n])
                budget = prof.output_budget("generate", k * per_q + JSON_OVERHEAD_TOKENS)
                if used + budget <= context:
                    return k, avoid_n, budget
            if avoid_n == 0:
                # nothing fits; send one question with what is left and let the server be the judge
                used = self._prompt_tokens(order, positions[:1], [])
                return 1, 0, max(per_q // 2, context - used)
            avoid_n //= 2  # the avoid list is the part we can spare

    def _prompt_tokens(self, order: _Order, positions: list[int], avoid: list[str]) -> int:
        prompt = prompts.user_prompt(order.spec, len(positions), [order.plan[i] for i in positions], avoid, order.seed)
        system = prompts.system_prompt(order.spec.question_type)
        return prompts.estimate_tokens(system) + prompts.estimate_tokens(prompt) + CHAT_TEMPLATE_TOKENS

    def _call(
        self, pname: str, order: _Order, positions: list[int], avoid: list[str], max_tokens: int
    ) -> ProviderCall:
        sampling = self.providers[pname].profile.sampling("generate")
        return sampling.apply(
            prompts.build_call(
                order.spec,
                len(positions),
                plan=[order.plan[i] for i in positions],
                avoid=avoid,
                seed=order.seed + positions[0] * 7919,  # any int: the adapter folds it (ProviderProfile.seed)
                temperature=sampling.temperature,
                max_tokens=max_tokens,
                schema=provider_json_schema(order.spec.question_type),
            )
        )

    def plan_calls(
        self, pname: str, order: _Order, positions: list[int], avoid: list[str]
    ) -> list[tuple[list[int], ProviderCall]]:
        """``positions`` split into calls that fit ``pname``'s window, each with its positions: what ``_fill``
        sends online, and what a batch sends as its inline requests."""
        out: list[tuple[list[int], ProviderCall]] = []
        rest = list(positions)
        while rest:
            k, avoid_n, max_tokens = self._size(pname, order, rest, avoid, 1.0)
            out.append((rest[:k], self._call(pname, order, rest[:k], avoid[:avoid_n], max_tokens)))
            rest = rest[k:]
        return out

    async def _fill(
        self,
        pname: str,
        order: _Order,
        positions: list[int],
        avoid: list[str],
        *,
        scale: float,
        fallback_reason: str | None,
        depth: int = 0,
    ) -> _Fill:
        """Ask ``pname`` for ``positions``: split into context-sized calls run concurrently."""
        batches: list[tuple[list[int], int, int]] = []
        rest = list(positions)
        while rest:
            k, avoid_n, max_tokens = self._size(pname, order, rest, avoid, scale)
            batches.append((rest[:k], avoid_n, max_tokens))
            rest = rest[k:]
        outcomes = await asyncio.gather(
            *(
                self._batch(pname, order, b, avoid[:avoid_n], max_tokens, scale, fallback_reason, depth)
                for b, avoid_n, max_tokens in batches
            )
        )
        fill = _Fill()
        for o in outcomes:
            fill.merge(o)
        return fill

    async def _batch(
        self,
        pname: str,
        order: _Order,
        positions: list[int],
        avoid: list[str],
        max_tokens: int,
        scale: float,
        fallback_reason: str | None,
        depth: int,
    ) -> _Fill:
        """One call (with its retry loop) for ``positions``; valid items kept, the rest marked missing."""
        call = self._call(pname, order, positions, avoid, max_tokens)
        try:
            questions, reply, note = await self._call_with_retries(pname, order, call)
        except ProviderError as e:
            if e.kind == "context_length" and depth < MAX_CONTEXT_SHRINKS:
                # the prompt or the budget was too big for the window: smaller calls, not fallback
                order.result.notes.append(f"{pname} context_length for {len(positions)} questions: shrinking")
                return await self._fill(
                    pname,
                    order,
                    positions,
                    avoid,
                    scale=scale * 0.6,
                    fallback_reason=fallback_reason,
                    depth=depth + 1,
                )
            order.result.notes.append(f"{pname} gave up on {len(positions)} questions: {e}")
            why = reason_of(pname, e) + (f" 0/{len(positions)}" if e.kind == "too_few" else "")
            return _Fill(missing={s: why for s in positions})

        provider = self.providers[pname]
        fill = _Fill()
        for position, q in zip(positions, questions, strict=False):
            fill.items[position] = GeneratedItem(q, provider.name, reply.model, fallback_reason, key=pname)
        if len(questions) < len(positions):
            tag = "truncated" if note and "truncated" in note else "too_few"
            why = f"{pname} {tag} {len(questions)}/{len(positions)}"
            for position in positions[len(questions) :]:
                fill.missing[position] = why
        return fill

    async def _call_with_retries(
        self, pname: str, order: _Order, call: ProviderCall
    ) -> tuple[list[Question], ProviderReply, str | None]:
        """One logical generation call; returns at least one valid question or raises ``ProviderError``."""

        def items(reply: ProviderReply, sent: ProviderCall) -> tuple[list[Question], ProviderReply, str | None]:
            return self._valid_items(pname, order.result, reply, sent)

        return await self.providers[pname].run(call, items, into=order.result)

    def _valid_items(
        self, pname: str, result: GenerationResult, reply: ProviderReply, call: ProviderCall
    ) -> tuple[list[Question], ProviderReply, str | None]:
        """The reply's valid questions (at most ``call.n``); ``ProviderError`` when there are none."""
        valid, note = valid_items(self.providers[pname].name, result.notes, reply, call.n, call.question_type)
        return valid, reply, note
