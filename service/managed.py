"""The call runtime: one provider wrapped with its retries, breakers, adaptive limit and call records.

``ManagedProvider`` is itself a ``Provider`` (key, name, model, profile, generate, check, aclose), in the
manner of pydantic-ai's ``WrapperModel`` (pydantic_ai_slim/pydantic_ai/models/wrapper.py: a model that wraps
another and delegates to it) and ``FallbackModel`` (models/fallback.py: a model that adds behaviour around
other models and is used wherever a model is). Anything that takes a ``Provider`` takes a managed one.
``Generator`` and ``Verifier`` both call through it, so a provider has one runtime for both purposes.

One logical call (``run``) is: breaker check, a seat from the limiter, one attempt at the wrapped provider,
``parse`` of the reply; retried per ``resilience.retry_decision`` (backoff, Retry-After) with a new seed
each time (the same prompt and seed would repeat a bad answer) and, after ``out_of_tokens``, more room
(``ProviderProfile.more_room``). Every attempt becomes a ``CallRecord`` (with the call's purpose) for the
caller's ``CallLog`` and for every observer. While the limit is in slow start, a provider with a ``load``
method (a vLLM pod's ``/metrics``) is read every ``LOAD_POLL_S`` so that the limit finds a big pod before
the first call ends (``concurrency.next_state_load``). Generation and the verifier have separate breakers: failing
blind solves (another model, its own quota) must not stop the provider's generation, nor the reverse.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .concurrency import AdaptiveLimiter, LimitPolicy, Load, signal_of
from .errors import CircuitOpenError, ProviderError
from .providers.base import Provider, ProviderCall, ProviderCheck, ProviderProfile, ProviderReply, Purpose
from .resilience import BREAKER_KINDS, CircuitBreaker, retry_decision
from .settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
# seconds between reads of a server's load gauges during slow start: a call lasts seconds, so the limit
# doubles several times before the first call could tell it anything
LOAD_POLL_S = 0.5


@dataclass(frozen=True)
class CallRecord:
    """One provider call as accounting and metrics see it: who, what for, how it ended, what it cost."""

    key: str  # route key ('runpod')
    provider: str  # recorded name ('runpod', 'runpod-simulator')
    model: str
    purpose: Purpose
    outcome: str  # 'ok', or the failure kind
    latency_s: float
    prompt_tokens: int = 0
    completion_tokens: int = 0  # every output token billed, thinking included
    cached_tokens: int = 0  # of prompt_tokens, served from the provider's prompt cache
    thinking_tokens: int = 0  # of completion_tokens, spent thinking before the answer
    batch: bool = False  # answered through a Batch API (priced at its rate; service/batch.py)
    batch_name: str | None = None  # that batch (its answers are accounted once, whoever reads them)


CallObserver = Callable[[CallRecord], None]


@dataclass
class CallLog:
    """What the calls of one piece of work spent: a record per attempt (failed ones included), the notes
    (retries, unusable replies), the attempts made and the tokens of the replies that came back."""

    records: list[CallRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


def _reply(reply: ProviderReply, _sent: ProviderCall) -> ProviderReply:
    return reply


class ManagedProvider:
    """``wrapped`` behind the call runtime; a ``Provider`` itself. One per provider per worker process,
    shared by its concurrent jobs, so that all of them see the same breakers and limit."""

    def __init__(
        self,
        wrapped: Provider,
        settings: Settings,
        *,
        observers: list[CallObserver] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.wrapped = wrapped
        self.key = wrapped.key
        self.name = wrapped.name
        self.model = wrapped.model
        self.settings = settings
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        # the verifier's breaker is made on its first call: /metrics and /readyz show only breakers in use
        self.breakers: dict[Purpose, CircuitBreaker] = {"generate": self._new_breaker()}
        # the profile's max_concurrency is the ceiling of a limit learnt from how calls end
        self.limiter = AdaptiveLimiter(LimitPolicy(ceiling=wrapped.profile.max_concurrency))
        # called with every CallRecord, from every job (metrics); keep them cheap and non-blocking
        self.observers: list[CallObserver] = observers if observers is not None else []
        # the server's own load gauges, read while the limit is in slow start (None: it has none)
        self._load: Callable[[], Awaitable[Load | None]] | None = getattr(wrapped, "load", None)
        self._load_task: asyncio.Task[None] | None = None

    # --- the Provider contract ----------------------------------------------------------------------
    @property
    def profile(self) -> ProviderProfile:
        return self.wrapped.profile

    @profile.setter
    def profile(self, value: ProviderProfile) -> None:  # a window learnt by ``check`` is the wrapped one's
        self.wrapped.profile = value

    async def generate(self, call: ProviderCall) -> ProviderReply:
        """One logical call with the runtime's retries; its attempts go to the observers only."""
        return await self.run(call, _reply)

    async def check(self, model: str | None = None) -> ProviderCheck:
        return await self.wrapped.check(model)

    async def aclose(self) -> None:
        if self._load_task is not None:
            self._load_task.cancel()
        await self.wrapped.aclose()

    # --- the runtime --------------------------------------------------------------------------------
    def breaker(self, purpose: Purpose) -> CircuitBreaker:
        """The breaker of ``purpose``'s calls (generation's, or the verifier's own)."""
        if purpose not in self.breakers:
            self.breakers[purpose] = self._new_breaker()
        return self.breakers[purpose]

    def breaker_labels(self) -> dict[str, CircuitBreaker]:
        """The breakers in use by label, as /metrics and /readyz name them: 'runpod', 'runpod:verify'."""
        return {self.key if p == "generate" else f"{self.key}:{p}": b for p, b in self.breakers.items()}

    async def run(
        self, call: ProviderCall, parse: Callable[[ProviderReply, ProviderCall], T], *, into: CallLog | None = None
    ) -> T:
        """One logical call: attempts until ``parse`` accepts a reply or the retry policy gives up (then the
        last ``ProviderError``). ``parse`` turns a reply into the caller's value or raises ``ProviderError``
        (its kind is the attempt's outcome). ``into`` receives every attempt's record, notes and tokens."""
        s = self.settings
        spent = into if into is not None else CallLog()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(call, parse, spent)
            except ProviderError as e:
                delay = retry_decision(
                    e, attempt, s.call_attempts, base=s.backoff_base_s, cap=s.backoff_max_s, rand=self.rand
                )
                if delay is None:
                    raise
                spent.notes.append(f"{self.key} {e.kind} (attempt {attempt}); retrying in {delay:.2f}s")
                await self.sleep(delay)
                # a new seed: the same prompt with the same seed would repeat a bad answer
                call = dataclasses.replace(call, seed=call.seed + 1)
                if e.kind == "out_of_tokens":  # the budget ran out before any text: give it room
                    call = dataclasses.replace(call, max_tokens=self.profile.more_room(call.max_tokens))

    async def _attempt(
        self, call: ProviderCall, parse: Callable[[ProviderReply, ProviderCall], T], spent: CallLog
    ) -> T:
        breaker = self.breaker(call.purpose)
        if breaker.retry_in(self.clock()) > 0:  # open: fail fast instead of queueing on the limiter
            raise CircuitOpenError(self.name, breaker.retry_in(self.clock()))
        if self._load is not None and self._load_task is None and self.limiter.state.slow_start:
            self._load_task = asyncio.create_task(self._watch_load(self._load))
        async with self.limiter as seat:
            # checked inside the limiter: a queued call must see the breaker as it is now
            if not breaker.allow(self.clock()):
                raise CircuitOpenError(self.name, breaker.retry_in(self.clock()))
            spent.calls += 1
            started = time.perf_counter()
            try:
                reply = await self.wrapped.generate(call)
            except ProviderError as e:
                seat.observe(time.perf_counter() - started, 0, signal_of(e.kind, e.status))
                self._record(spent, call, e.kind, started)
                if e.kind in BREAKER_KINDS:
                    breaker.record_failure(self.clock())
                else:
                    breaker.record_success(self.clock())
                raise
            except BaseException as e:
                breaker.abandon()
                if isinstance(e, Exception):  # an adapter bug must not take the worker down
                    self._record(spent, call, "server", started)
                    log.exception("%s raised a non-ProviderError", self.name)
                    raise ProviderError(self.name, "server", f"{type(e).__name__}: {e}") from e
                raise
            breaker.record_success(self.clock())
            seat.observe(time.perf_counter() - started, reply.completion_tokens or 0, "ok")
        spent.prompt_tokens += reply.prompt_tokens or 0
        spent.completion_tokens += reply.completion_tokens or 0
        try:
            value = parse(reply, call)
        except ProviderError as e:
            self._record(spent, call, e.kind, started, reply)
            raise
        self._record(spent, call, "ok", started, reply)
        return value

    async def _watch_load(self, load: Callable[[], Awaitable[Load | None]]) -> None:
        """While calls run and the limit is in slow start, read the server's gauges every ``LOAD_POLL_S``."""
        try:
            while self.limiter.state.slow_start and (self.limiter.in_flight or self.limiter.waiting):
                await asyncio.sleep(LOAD_POLL_S)
                try:
                    got = await load()
                except Exception:  # the gauges are a hint: never let them fail a call (a closed client)
                    log.debug("%s: load gauges unavailable", self.name, exc_info=True)
                    got = None
                if got is None:  # no gauges here: the limit learns from finished calls alone
                    self._load = None
                    return
                self.limiter.record_load(got)
        finally:
            self._load_task = None

    def _new_breaker(self) -> CircuitBreaker:
        return CircuitBreaker(self.settings.breaker_failures, self.settings.breaker_cooldown_s)

    def _record(
        self, spent: CallLog, call: ProviderCall, outcome: str, started: float, reply: ProviderReply | None = None
    ) -> None:
        rec = CallRecord(
            key=self.key,
            provider=self.name,
            model=reply.model if reply else self.model,
            purpose=call.purpose,
            outcome=outcome,
            latency_s=time.perf_counter() - started,
            prompt_tokens=(reply.prompt_tokens or 0) if reply else 0,
            completion_tokens=(reply.completion_tokens or 0) if reply else 0,
            cached_tokens=reply.cached_tokens if reply else 0,
            thinking_tokens=reply.thinking_tokens if reply else 0,
        )
        spent.records.append(rec)
        for observe in self.observers:
            try:
                observe(rec)
            except Exception:  # an observer (metrics) must never fail a call
                log.exception("call observer failed")

