"""Where generation and fallback happen: route, size calls to the context, retry, break, validate, fall back.

The routed provider gets the request split into calls that fit its window (its ``ProviderProfile``
says how big). Each call has one retry loop (backoff, Retry-After) behind the provider's adaptive
concurrency limit (``concurrency.AdaptiveLimiter``) and ``CircuitBreaker``. Replies are parsed and
validated strictly; valid items are kept (also from truncated replies). Only the items still missing
go down the fallback chain (``Routes``, Gemini by default), each tagged with why. Providers are known
only by their route keys and profiles.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from . import prompts
from .concurrency import AdaptiveLimiter, LimitPolicy, signal_of
from .errors import CircuitOpenError, JobRetry, ProviderError
from .parsing import parse_items
from .providers.base import Provider, ProviderCall, ProviderReply
from .questions import Question, RequestSpec, provider_json_schema, validate_items
from .resilience import BREAKER_KINDS, CircuitBreaker, retry_decision
from .routing import DEFAULT_KEY, Routes, routes_from
from .settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

JSON_OVERHEAD_TOKENS = 64  # '{"questions": [' … ']}' and separators
MAX_CONTEXT_SHRINKS = 3  # after a 400 context_length: halve the batch / the assumed window this often


@dataclass
class GeneratedItem:
    """One valid question and where it came from (``key``: the route key of the provider that wrote it)."""

    question: Question
    provider: str
    model: str
    fallback_reason: str | None = None
    key: str = ""


@dataclass(frozen=True)
class CallRecord:
    """One provider call as accounting and metrics see it: who, what for, how it ended, what it cost."""

    key: str  # route key ('runpod')
    provider: str  # recorded name ('runpod', 'runpod-simulator')
    model: str
    purpose: Literal["generate", "verify"]
    outcome: str  # 'ok', or the failure kind
    latency_s: float
    prompt_tokens: int = 0
    completion_tokens: int = 0


CallObserver = Callable[[CallRecord], None]


@dataclass
class GenerationResult:
    """What ``Generator.generate`` produced; ``shortfall_reason`` is set when fewer than asked."""

    items: list[GeneratedItem] = field(default_factory=list)
    shortfall_reason: str | None = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    notes: list[str] = field(default_factory=list)
    records: list[CallRecord] = field(default_factory=list)  # every call made, failed ones included


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


def reason_of(key: str, e: ProviderError) -> str:
    """Short failure tag stored with fallback items: 'runpod server 500', 'runpod circuit_open'."""
    return f"{key} {e.kind}" + (f" {e.status}" if e.status else "")


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
        routes: Routes | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.providers = providers
        self.routes = routes or routes_from(
            settings.routes, settings.fallback, fallback_enabled=settings.fallback_enabled
        )
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        self.breakers = {
            key: CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s) for key in providers
        }
        # the profile's max_concurrency is the ceiling of a limit learnt from how calls end
        self.limiters = {
            key: AdaptiveLimiter(LimitPolicy(ceiling=p.profile.max_concurrency)) for key, p in providers.items()
        }
        # called with every CallRecord, from every job (metrics); keep them cheap and non-blocking
        self.observers: list[CallObserver] = []

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
    ) -> GenerationResult:
        """``n`` validated questions (fewer with ``shortfall_reason``); ``JobRetry`` if nothing at all.

        ``records``, when given, receives a ``CallRecord`` per call as it ends, so that the calls of a
        round that raises ``JobRetry`` are still accounted for.
        """
        result = GenerationResult(records=records if records is not None else [])
        if n <= 0:
            return result
        full_plan = [plan[i] if i < len(plan) and plan[i] else generic_plan_entry(spec, i) for i in range(n)]
        job = _Job(spec=spec, plan=full_plan, avoid=list(avoid), seed=seed, result=result)

        primary = self.choose(spec)
        if primary not in self.providers:
            default = self.routes.rules.get(DEFAULT_KEY)
            available = [p for p in dict.fromkeys((default, *self.routes.fallback, *self.providers)) if p in self.providers]
            if not available:
                raise JobRetry("no provider is configured")
            result.notes.append(f"{primary} not configured; using {available[0]}")
            primary = available[0]
        chain = [p for p in self.routes.chain(primary) if p in self.providers]

        fill = await self._fill(primary, job, list(range(n)), job.avoid, scale=1.0, fallback_reason=None)
        reasons = sorted(set(fill.missing.values()))
        for fallback in chain[1:]:
            if not fill.missing:
                break
            produced = [it.question.question_text for it in fill.items.values()]
            todo = sorted(fill.missing)
            why_now = ", ".join(sorted(set(fill.missing.values())))
            result.notes.append(f"{len(todo)} of {n} to {fallback}: {why_now}")
            log.warning("%s: %s of %s question(s) fall back to %s (%s)", primary, len(todo), n, fallback, why_now)
            # each fallback call carries the reason of the slots it fills; group slots by reason
            by_reason: dict[str, list[int]] = {}
            for slot in todo:
                by_reason.setdefault(fill.missing[slot], []).append(slot)
            outcomes = await asyncio.gather(
                *(
                    self._fill(fallback, job, group, produced + job.avoid, scale=1.0, fallback_reason=why)
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
            # every reason on the way (the primary's and the fallbacks'), so the stored error says all
            why = "; ".join(reasons)
            if not result.items:
                raise JobRetry(f"no questions produced ({why})")
            result.shortfall_reason = f"{len(fill.missing)} of {n} not generated: {why}"
        return result

    # --- internals --------------------------------------------------------------------------------
    def _size(
        self, pname: str, job: _Job, slots: list[int], avoid: list[str], scale: float
    ) -> tuple[int, int, int]:
        """(questions in the next call, avoid entries to send, max_tokens) fitting the provider's window."""
        prof = self.providers[pname].profile
        per_q = prof.tokens_per_question
        cap = prof.max_questions_per_call or len(slots)
        if prof.window == "output":
            # only the output is bounded: a fixed number per call, each with its budget, plus thinking room
            k = min(len(slots), max(1, int(cap * scale)))
            return k, len(avoid), prof.output_budget("generate", k * per_q + JSON_OVERHEAD_TOKENS)
        context = int(prof.context_tokens * scale)
        avoid_n = min(len(avoid), prompts.MAX_AVOID_ITEMS)
        while True:
            for k in range(min(len(slots), cap), 0, -1):
                # a cheap bound first: even an empty prompt cannot fit k answers
                if k * per_q + JSON_OVERHEAD_TOKENS >= context:
                    continue
                used = self._prompt_tokens(job, slots[:k], avoid[:avoid_n])
                budget = prof.output_budget("generate", k * per_q + JSON_OVERHEAD_TOKENS)
                if used + budget <= context:
                    return k, avoid_n, budget
            if avoid_n == 0:
                # nothing fits; send one question with what is left and let the server be the judge
                used = self._prompt_tokens(job, slots[:1], [])
                return 1, 0, max(per_q // 2, context - used)
            avoid_n //= 2  # the avoid list is the part we can spare

    def _prompt_tokens(self, job: _Job, slots: list[int], avoid: list[str]) -> int:
        prompt = prompts.user_prompt(job.spec, len(slots), [job.plan[i] for i in slots], avoid, job.seed)
        system = prompts.system_prompt(job.spec.question_type)
        return prompts.estimate_tokens(system) + prompts.estimate_tokens(prompt)

    def _call(
        self, pname: str, job: _Job, slots: list[int], avoid: list[str], max_tokens: int
    ) -> ProviderCall:
        sampling = self.providers[pname].profile.sampling("generate")
        return sampling.apply(
            prompts.build_call(
                job.spec,
                len(slots),
                plan=[job.plan[i] for i in slots],
                avoid=avoid,
                seed=job.seed + slots[0] * 7919,  # the adapter folds it into its service's seed range
                temperature=sampling.temperature,
                max_tokens=max_tokens,
                schema=provider_json_schema(job.spec.question_type),
            )
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
            why = reason_of(pname, e) + (f" 0/{len(slots)}" if e.kind == "too_few" else "")
            return _Fill(missing={s: why for s in slots})

        provider = self.providers[pname]
        fill = _Fill()
        for slot, q in zip(slots, questions, strict=False):
            fill.items[slot] = GeneratedItem(q, provider.name, reply.model, fallback_reason, key=pname)
        if len(questions) < len(slots):
            tag = "truncated" if note and "truncated" in note else "too_few"
            why = f"{pname} {tag} {len(questions)}/{len(slots)}"
            for slot in slots[len(questions) :]:
                fill.missing[slot] = why
        return fill

    async def _call_with_retries(
        self, pname: str, job: _Job, call: ProviderCall
    ) -> tuple[list[Question], ProviderReply, str | None]:
        """One logical generation call; returns at least one valid question or raises ``ProviderError``."""

        def items(reply: ProviderReply, sent: ProviderCall) -> tuple[list[Question], ProviderReply, str | None]:
            return self._valid_items(pname, job.result, reply, sent)

        return await self.call(pname, call, items, result=job.result, purpose="generate")

    async def call(
        self,
        pname: str,
        call: ProviderCall,
        parse: Callable[[ProviderReply, ProviderCall], T],
        *,
        result: GenerationResult,
        purpose: Literal["generate", "verify"],
    ) -> T:
        """One logical call to ``pname``: breaker check, limiter, the provider call, ``parse``; retried per
        policy (backoff, Retry-After, a new seed, more room after ``out_of_tokens``).

        ``parse`` turns the reply into the caller's value or raises ``ProviderError`` (its kind is the
        call's outcome). Every attempt is recorded in ``result.records`` with ``purpose``.
        """
        s = self.settings
        provider = self.providers[pname]
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(pname, provider, result, call, parse, purpose)
            except ProviderError as e:
                delay = retry_decision(
                    e, attempt, s.call_attempts, base=s.backoff_base_s, cap=s.backoff_max_s, rand=self.rand
                )
                if delay is None:
                    raise
                result.notes.append(f"{pname} {e.kind} (attempt {attempt}); retrying in {delay:.2f}s")
                await self.sleep(delay)
                # a new seed: the same prompt with the same seed would repeat a bad answer
                call = dataclasses.replace(call, seed=call.seed + 1)
                if e.kind == "out_of_tokens":  # the budget ran out before any text: give it room
                    call = dataclasses.replace(call, max_tokens=provider.profile.more_room(call.max_tokens))

    async def _attempt(
        self,
        pname: str,
        provider: Provider,
        result: GenerationResult,
        call: ProviderCall,
        parse: Callable[[ProviderReply, ProviderCall], T],
        purpose: Literal["generate", "verify"],
    ) -> T:
        breaker = self._breaker(pname, purpose)
        if breaker.retry_in(self.clock()) > 0:  # open: fail fast instead of queueing on the limiter
            raise CircuitOpenError(provider.name, breaker.retry_in(self.clock()))
        async with self.limiters[pname] as slot:
            # checked inside the limiter: a queued call must see the breaker as it is now
            if not breaker.allow(self.clock()):
                raise CircuitOpenError(provider.name, breaker.retry_in(self.clock()))
            result.calls += 1
            started = time.perf_counter()
            try:
                reply = await provider.generate(call)
            except ProviderError as e:
                slot.observe(time.perf_counter() - started, 0, signal_of(e.kind, e.status))
                self._record(result, pname, provider, purpose, e.kind, started)
                if e.kind in BREAKER_KINDS:
                    breaker.record_failure(self.clock())
                else:
                    breaker.record_success(self.clock())
                raise
            except BaseException as e:
                breaker.abandon()
                if isinstance(e, Exception):  # an adapter bug must not take the worker down
                    self._record(result, pname, provider, purpose, "server", started)
                    log.exception("%s raised a non-ProviderError", provider.name)
                    raise ProviderError(provider.name, "server", f"{type(e).__name__}: {e}") from e
                raise
            breaker.record_success(self.clock())
            slot.observe(time.perf_counter() - started, reply.completion_tokens or 0, "ok")
        result.prompt_tokens += reply.prompt_tokens or 0
        result.completion_tokens += reply.completion_tokens or 0
        try:
            value = parse(reply, call)
        except ProviderError as e:
            self._record(result, pname, provider, purpose, e.kind, started, reply)
            raise
        self._record(result, pname, provider, purpose, "ok", started, reply)
        return value

    def _breaker(self, pname: str, purpose: Literal["generate", "verify"]) -> CircuitBreaker:
        """Generation's breaker for ``pname``, or one of the verifier's own: failing blind solves (another
        model, its own quota) must not stop the provider's generation and fallback, nor the reverse."""
        key = pname if purpose == "generate" else f"{pname}:{purpose}"
        if key not in self.breakers:
            s = self.settings
            self.breakers[key] = CircuitBreaker(s.breaker_failures, s.breaker_cooldown_s)
        return self.breakers[key]

    def _valid_items(
        self, pname: str, result: GenerationResult, reply: ProviderReply, call: ProviderCall
    ) -> tuple[list[Question], ProviderReply, str | None]:
        """The reply's valid questions (at most ``call.n``); ``ProviderError`` when there are none."""
        name = self.providers[pname].name
        raw, note = parse_items(reply.text, reply.finish_reason)
        if note:
            result.notes.append(f"{name}: {note}")
        if not raw:
            raise ProviderError(name, "invalid_json", note or "no items in reply", body=reply.text)
        valid, problems = validate_items(raw, call.question_type)
        if problems:
            result.notes.append(f"{name}: {len(problems)} invalid item(s): {problems[0]}")
        if not valid:
            raise ProviderError(name, "too_few", f"0/{call.n} valid: {problems[0] if problems else ''}")
        return valid[: call.n], reply, note

    def _record(
        self,
        result: GenerationResult,
        key: str,
        provider: Provider,
        purpose: Literal["generate", "verify"],
        outcome: str,
        started: float,
        reply: ProviderReply | None = None,
    ) -> None:
        rec = CallRecord(
            key=key,
            provider=provider.name,
            model=reply.model if reply else provider.model,
            purpose=purpose,
            outcome=outcome,
            latency_s=time.perf_counter() - started,
            prompt_tokens=(reply.prompt_tokens or 0) if reply else 0,
            completion_tokens=(reply.completion_tokens or 0) if reply else 0,
        )
        result.records.append(rec)
        for observe in self.observers:
            try:
                observe(rec)
            except Exception:  # an observer (metrics) must never fail a call
                log.exception("call observer failed")
