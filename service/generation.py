"""Where generation and fallback happen: route, size calls to the context, retry, break, validate, fall back.

The routed provider gets the request split into calls that fit its context window. Each call has one
retry loop (backoff, Retry-After) behind the provider's concurrency ``Limiter`` and ``CircuitBreaker``.
Replies are parsed and validated strictly; valid items are kept (also from truncated replies). Only
the items still missing go to the fallback provider (Gemini), each tagged with why.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from . import prompts
from .errors import CircuitOpenError, JobRetry, ProviderError
from .parsing import parse_items
from .prompts import RequestSpec
from .providers.base import Provider, ProviderCall, ProviderReply
from .questions import Question, batch_json_schema, validate_items
from .resilience import BREAKER_KINDS, CircuitBreaker, Limiter, retry_decision
from .routing import DEFAULT_KEY, parse_routes, route
from .settings import Settings

log = logging.getLogger(__name__)

FALLBACK = "gemini"
# Headroom in Gemini's max_output_tokens: thinking models spend output tokens before answering.
GEMINI_THINKING_HEADROOM = 4096
GEMINI_MAX_OUTPUT = 65_536
JSON_OVERHEAD_TOKENS = 64  # '{"questions": [' … ']}' and separators
MAX_CONTEXT_SHRINKS = 3  # after a 400 context_length: halve the batch / the assumed window this often
_SEED_MOD = 2**31 - 1  # Gemini takes an int32 seed


@dataclass
class GeneratedItem:
    """One valid question and where it came from."""

    question: Question
    provider: str
    model: str
    fallback_reason: str | None = None


@dataclass
class GenerationResult:
    """What ``Generator.generate`` produced; ``shortfall_reason`` is set when fewer than asked."""

    items: list[GeneratedItem] = field(default_factory=list)
    shortfall_reason: str | None = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Job:
    """One ``generate`` invocation: the request and its per-slot plan."""

    spec: RequestSpec
    plan: list[str]
    avoid: list[str]
    seed: int
    result: GenerationResult


@dataclass
class _Fill:
    """Outcome of asking one provider for some slots: items per slot, failure reason per missing slot."""

    items: dict[int, GeneratedItem] = field(default_factory=dict)
    missing: dict[int, str] = field(default_factory=dict)

    def merge(self, other: _Fill) -> None:
        self.items.update(other.items)
        self.missing.update(other.missing)


def reason_of(e: ProviderError) -> str:
    """Short failure tag stored with fallback items: 'runpod server 500', 'runpod circuit_open'."""
    provider = e.provider.removesuffix("-simulator")
    return f"{provider} {e.kind}" + (f" {e.status}" if e.status else "")


def generic_plan_entry(spec: RequestSpec, i: int) -> str:
    return f"a distinct idea within {spec.topic} (#{i + 1}), different from every other question"


class Generator:
    """Generates validated questions; one per worker process, shared by its concurrent jobs
    (the breakers and limiters live here so that all jobs see the same provider health)."""

    def __init__(
        self,
        settings: Settings,
        providers: dict[str, Provider],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.providers = providers
        self.rules = parse_routes(settings.routes)
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        self.breakers = {
            name: CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s) for name in providers
        }
        self.limiters = {
            name: Limiter(
                settings.runpod_max_concurrency if name == "runpod" else settings.gemini_max_concurrency
            )
            for name in providers
        }

    # --- public -----------------------------------------------------------------------------------
    def choose(self, spec: RequestSpec) -> str:
        """The routed provider name (before availability is considered)."""
        text = " ".join(x for x in (spec.topic, spec.subtopic, spec.instructions) if x)
        return route(spec.subject, text, self.rules)

    async def generate(
        self, spec: RequestSpec, n: int, *, plan: list[str], avoid: list[str], seed: int
    ) -> GenerationResult:
        """``n`` validated questions (fewer with ``shortfall_reason``); ``JobRetry`` if nothing at all."""
        result = GenerationResult()
        if n <= 0:
            return result
        full_plan = [plan[i] if i < len(plan) and plan[i] else generic_plan_entry(spec, i) for i in range(n)]
        job = _Job(spec=spec, plan=full_plan, avoid=list(avoid), seed=seed, result=result)
        slots = list(range(n))

        primary = self.choose(spec)
        if primary not in self.providers:
            available = [
                p for p in (self.rules.get(DEFAULT_KEY), FALLBACK, *self.providers) if p in self.providers
            ]
            if not available:
                raise JobRetry("no provider is configured")
            result.notes.append(f"{primary} not configured; using {available[0]}")
            primary = available[0]

        fill = await self._fill(primary, job, slots, job.avoid, scale=1.0, fallback_reason=None)
        reasons = sorted(set(fill.missing.values()))

        if fill.missing and self._fallback_for(primary):
            produced = [it.question.question_text for it in fill.items.values()]
            todo = sorted(fill.missing)
            result.notes.append(f"{len(todo)} of {n} to {FALLBACK}: {', '.join(reasons)}")
            log.warning("%s: %s of %s question(s) fall back to %s (%s)", primary, len(todo), n, FALLBACK, ", ".join(reasons))
            # each fallback call carries the reason of the slots it fills; group slots by reason
            by_reason: dict[str, list[int]] = {}
            for slot in todo:
                by_reason.setdefault(fill.missing[slot], []).append(slot)
            outcomes = await asyncio.gather(
                *(
                    self._fill(FALLBACK, job, group, produced + job.avoid, scale=1.0, fallback_reason=why)
                    for why, group in by_reason.items()
                )
            )
            for slot in todo:
                del fill.missing[slot]
            for o in outcomes:
                fill.merge(o)
            reasons = sorted(set(reasons) | set(fill.missing.values()))

        result.items = [fill.items[s] for s in sorted(fill.items)]
        if fill.missing:
            # every reason on the way (the primary's and the fallback's), so the stored error says both
            why = "; ".join(reasons)
            if not result.items:
                raise JobRetry(f"no questions produced ({why})")
            result.shortfall_reason = f"{len(fill.missing)} of {n} not generated: {why}"
        return result

    # --- internals --------------------------------------------------------------------------------
    def _fallback_for(self, primary: str) -> bool:
        return self.settings.fallback_enabled and primary != FALLBACK and FALLBACK in self.providers

    def _size(
        self, pname: str, job: _Job, slots: list[int], avoid: list[str], scale: float
    ) -> tuple[int, int, int]:
        """(questions in the next call, avoid entries to send, max_tokens) fitting the context."""
        s = self.settings
        if pname != "runpod":
            k = min(len(slots), max(1, int(s.gemini_max_questions_per_call * scale)))
            max_tokens = min(GEMINI_MAX_OUTPUT, k * s.gemini_tokens_per_question + GEMINI_THINKING_HEADROOM)
            return k, len(avoid), max_tokens
        context = int(s.runpod_context_tokens * scale)
        per_q = s.runpod_tokens_per_question
        avoid_n = min(len(avoid), prompts.MAX_AVOID_ITEMS)
        while True:
            for k in range(len(slots), 0, -1):
                # a cheap bound first: even an empty prompt cannot fit k answers
                if k * per_q + JSON_OVERHEAD_TOKENS >= context:
                    continue
                used = self._prompt_tokens(job, slots[:k], avoid[:avoid_n])
                budget = k * per_q + JSON_OVERHEAD_TOKENS
                if used + budget <= context:
                    return k, avoid_n, budget
            if avoid_n == 0:
                # nothing fits; send one question with what is left and let the server be the judge
                used = self._prompt_tokens(job, slots[:1], [])
                return 1, 0, max(per_q // 2, context - used)
            avoid_n //= 2  # the avoid list is the part we can spare

    def _prompt_tokens(self, job: _Job, slots: list[int], avoid: list[str]) -> int:
        prompt = prompts.user_prompt(job.spec, len(slots), [job.plan[i] for i in slots], avoid, job.seed)
        return prompts.estimate_tokens(prompts.SYSTEM_PROMPT) + prompts.estimate_tokens(prompt)

    def _call(
        self, pname: str, job: _Job, slots: list[int], avoid: list[str], max_tokens: int
    ) -> ProviderCall:
        s = self.settings
        return prompts.build_call(
            job.spec,
            len(slots),
            plan=[job.plan[i] for i in slots],
            avoid=avoid,
            seed=(job.seed + slots[0] * 7919) % _SEED_MOD,
            temperature=s.runpod_temperature if pname == "runpod" else s.gemini_temperature,
            max_tokens=max_tokens,
            schema=batch_json_schema(job.spec.question_type),
        )

    async def _fill(
        self,
        pname: str,
        job: _Job,
        slots: list[int],
        avoid: list[str],
        *,
        scale: float,
        fallback_reason: str | None,
        depth: int = 0,
    ) -> _Fill:
        """Ask ``pname`` for ``slots``: split into context-sized calls run concurrently."""
        batches: list[tuple[list[int], int, int]] = []
        rest = list(slots)
        while rest:
            k, avoid_n, max_tokens = self._size(pname, job, rest, avoid, scale)
            batches.append((rest[:k], avoid_n, max_tokens))
            rest = rest[k:]
        outcomes = await asyncio.gather(
            *(
                self._batch(pname, job, b, avoid[:avoid_n], max_tokens, scale, fallback_reason, depth)
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
        job: _Job,
        slots: list[int],
        avoid: list[str],
        max_tokens: int,
        scale: float,
        fallback_reason: str | None,
        depth: int,
    ) -> _Fill:
        """One call (with its retry loop) for ``slots``; valid items kept, the rest marked missing."""
        call = self._call(pname, job, slots, avoid, max_tokens)
        try:
            questions, reply, note = await self._call_with_retries(pname, job, call)
        except ProviderError as e:
            if e.kind == "context_length" and depth < MAX_CONTEXT_SHRINKS:
                # the prompt or the budget was too big for the window: smaller calls, not fallback
                job.result.notes.append(f"{pname} context_length for {len(slots)} questions: shrinking")
                return await self._fill(
                    pname,
                    job,
                    slots,
                    avoid,
                    scale=scale * 0.6,
                    fallback_reason=fallback_reason,
                    depth=depth + 1,
                )
            job.result.notes.append(f"{pname} gave up on {len(slots)} questions: {e}")
            why = reason_of(e) + (f" 0/{len(slots)}" if e.kind == "too_few" else "")
            return _Fill(missing={s: why for s in slots})

        provider = self.providers[pname]
        fill = _Fill()
        for slot, q in zip(slots, questions, strict=False):
            fill.items[slot] = GeneratedItem(q, provider.name, reply.model, fallback_reason)
        if len(questions) < len(slots):
            tag = "truncated" if note and "truncated" in note else "too_few"
            why = f"{provider.name.removesuffix('-simulator')} {tag} {len(questions)}/{len(slots)}"
            for slot in slots[len(questions) :]:
                fill.missing[slot] = why
        return fill

    async def _call_with_retries(
        self, pname: str, job: _Job, call: ProviderCall
    ) -> tuple[list[Question], ProviderReply, str | None]:
        """One logical call: breaker check, limiter, provider call, parse + validate; retried per policy.

        Returns at least one valid question or raises ``ProviderError`` (kind says why).
        """
        s = self.settings
        provider = self.providers[pname]
        breaker = self.breakers[pname]
        limiter = self.limiters[pname]
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(pname, provider, breaker, limiter, job, call)
            except ProviderError as e:
                delay = retry_decision(
                    e, attempt, s.call_attempts, base=s.backoff_base_s, cap=s.backoff_max_s, rand=self.rand
                )
                if delay is None:
                    raise
                job.result.notes.append(f"{pname} {e.kind} (attempt {attempt}); retrying in {delay:.2f}s")
                await self.sleep(delay)
                # a new seed: the same prompt with the same seed would repeat a bad answer
                call = dataclasses.replace(call, seed=(call.seed + 1) % _SEED_MOD)

    async def _attempt(
        self,
        pname: str,
        provider: Provider,
        breaker: CircuitBreaker,
        limiter: Limiter,
        job: _Job,
        call: ProviderCall,
    ) -> tuple[list[Question], ProviderReply, str | None]:
        result = job.result
        if breaker.retry_in(self.clock()) > 0:  # open: fail fast instead of queueing on the limiter
            raise CircuitOpenError(provider.name, breaker.retry_in(self.clock()))
        async with limiter:
            # checked inside the limiter: a queued call must see the breaker as it is now
            if not breaker.allow(self.clock()):
                raise CircuitOpenError(provider.name, breaker.retry_in(self.clock()))
            result.calls += 1
            try:
                reply = await provider.generate(call)
            except ProviderError as e:
                if e.kind in BREAKER_KINDS:
                    breaker.record_failure(self.clock())
                else:
                    breaker.record_success(self.clock())
                raise
            except BaseException as e:
                breaker.abandon()
                if isinstance(e, Exception):  # an adapter bug must not take the worker down
                    log.exception("%s raised a non-ProviderError", provider.name)
                    raise ProviderError(provider.name, "server", f"{type(e).__name__}: {e}") from e
                raise
            breaker.record_success(self.clock())
        result.prompt_tokens += reply.prompt_tokens or 0
        result.completion_tokens += reply.completion_tokens or 0

        raw, note = parse_items(reply.text, reply.finish_reason)
        if note:
            result.notes.append(f"{provider.name}: {note}")
        if not raw:
            raise ProviderError(provider.name, "invalid_json", note or "no items in reply", body=reply.text)
        valid, problems = validate_items(raw, call.question_type)
        if problems:
            result.notes.append(f"{provider.name}: {len(problems)} invalid item(s): {problems[0]}")
        if not valid:
            raise ProviderError(
                provider.name, "too_few", f"0/{call.n} valid: {problems[0] if problems else ''}"
            )
        return valid[: call.n], reply, note
