"""Adaptive concurrency per provider route: how many calls may be in flight, learnt from how calls end.

Follows Netflix/concurrency-limits' ``Gradient2Limit`` (concurrency-limits-core/.../limit/Gradient2Limit.java):
each sample compares the latest latency with a baseline, ``gradient = clamp(tolerance * baseline / latest,
0.5, 1.0)``, and the limit moves to ``limit * gradient + queue`` smoothed by ``smoothing``; a sample taken
while fewer than half the limit were in flight does not move it (the caller, not the server, was the bound).
Changed for LLM calls, which last seconds to minutes and are few:
- the latency is **time per output token** (call latency / completion tokens): a long answer is not
  congestion, time spent waiting in vLLM's queue is, and both raise a call's latency;
- the baseline is the lowest time per token seen, drifting up by ``baseline_drift`` per sample (like
  ``VegasLimit``'s no-load RTT) rather than Gradient2's long average, which under steady queueing follows the
  latency up until the pod proxy's 100 s cut-off (524) is what stops it;
- a **drop** (429, 503, 524, a 500 from an engine that died under load, a timeout) cuts the limit by
  ``backoff_ratio`` at once, as ``AIMDLimit`` does (AIMDLimit.java, ``didDrop``);
- a wait reported by a call that started above the current limit does not cut again (one reduction per
  window, TCP's fast recovery);
- the server's own gauges, when it has them (vLLM's ``/metrics``: requests running and waiting), speed up
  slow start: a queue there ends it at once, no queue while the limit is full doubles the limit without
  waiting for a call to end (``next_state_load``);
- **slow start**: until the first drop or the first call slower than ``tolerance`` times the baseline, the
  limit grows by one per good sample, so it doubles every round trip (TCP's slow start). A 500-question fill
  gives a few dozen samples; Gradient2's fixed queue allowance alone would need hundreds to find a large pod.

The decisions are pure functions of (state, sample, policy) with no clock; ``AdaptiveLimiter`` holds the
state and the waiting calls. The configured cap (``RUNPOD_MAX_CONCURRENCY``, ``GEMINI_MAX_CONCURRENCY``) is
the ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

# 'drop': the server says it is overloaded; 'ok': a call that ran (its reply may still be unusable);
# 'ignore': says nothing about load (not attempted, cannot connect, a request the server refused as wrong)
Signal = Literal["ok", "drop", "ignore"]
_DROP_STATUSES = frozenset({429, 500, 503, 504, 524})


@dataclass(frozen=True)
class LimitPolicy:
    """The knobs of one route's limit; the defaults are Netflix's where they carry over."""

    ceiling: int  # the configured cap: the limit never goes above it
    initial: int = 32  # on a pod of 8 sequences, 24 calls wait at most 3 calls' time: far from the proxy's 100 s
    floor: int = 1
    smoothing: float = 0.2  # Gradient2's default
    tolerance: float = 2.0  # Gradient2 allows 1.5x its long average; 2x the no-load minimum lets a batch fill
    queue: float = 4.0  # Gradient2's default queue allowance per sample (before smoothing)
    backoff_ratio: float = 0.9  # AIMDLimit's default
    baseline_drift: float = 0.0002  # the no-load minimum forgets 0.02% per sample: a slower pod is learnt, a queue not
    min_tokens: int = 32  # shorter replies (blind solves) are mostly prompt: no per-token latency from them

    def clamp(self, value: float) -> float:
        return max(float(self.floor), min(float(self.ceiling), value))


@dataclass(frozen=True)
class LimitState:
    limit: float
    baseline: float = 0.0  # lowest seconds per output token seen (0: none yet)
    slow_start: bool = True
    samples: int = 0
    drops: int = 0
    server_running: int = -1  # requests the server ran at its last load report (-1: none yet)


@dataclass(frozen=True)
class Sample:
    """How one call ended: its latency, its completion tokens, the calls in flight when it started (itself
    included) and what it says about load."""

    latency_s: float
    completion_tokens: int
    in_flight: int
    signal: Signal


def initial_state(policy: LimitPolicy) -> LimitState:
    return LimitState(limit=policy.clamp(min(policy.initial, policy.ceiling)))


def signal_of(kind: str, status: int | None) -> Signal:
    """What a failed call's kind and HTTP status say about load: rate limits, overload statuses, timeouts
    and dropped connections are drops; a 502 (model loading), 4xx, connect errors and open circuits are not."""
    if kind in ("rate_limited", "timeout"):
        return "drop"
    if kind == "server":
        return "drop" if status is None or status in _DROP_STATUSES else "ignore"
    if kind in ("invalid_json", "too_few", "out_of_tokens", "recitation", "blocked"):
        return "ok"  # the server answered in its own time; the reply was just unusable
    return "ignore"


def next_state(state: LimitState, sample: Sample, policy: LimitPolicy) -> LimitState:
    """The limit after ``sample`` (pure: no clock, no randomness)."""
    if sample.signal == "ignore":
        return state
    if sample.signal == "drop":
        return dataclasses.replace(
            state, limit=policy.clamp(state.limit * policy.backoff_ratio), slow_start=False, drops=state.drops + 1
        )
    if sample.completion_tokens < policy.min_tokens or sample.latency_s <= 0:
        return state
    tpot = sample.latency_s / sample.completion_tokens
    base = tpot if state.baseline <= 0 else min(tpot, state.baseline * (1 + policy.baseline_drift))
    state = dataclasses.replace(state, baseline=base, samples=state.samples + 1)
    if sample.in_flight < state.limit / 2:
        return state  # app-limited: the sample says nothing about more concurrency
    queued = tpot > policy.tolerance * base
    if queued and sample.in_flight > state.limit:
        # it started when more were let in than now: the wait it reports was already answered by a cut.
        # One reduction per window, as TCP's fast recovery (RFC 6582); without it the backlog of an
        # overshoot cuts the limit far below the pod.
        return state
    if state.slow_start and not queued:
        return dataclasses.replace(state, limit=policy.clamp(state.limit + 1))
    gradient = max(0.5, min(1.0, policy.tolerance * base / tpot))
    target = state.limit * gradient + policy.queue
    limit = state.limit * (1 - policy.smoothing) + target * policy.smoothing
    return dataclasses.replace(state, limit=policy.clamp(limit), slow_start=False)


@dataclass(frozen=True)
class Load:
    """What the server says of its own scheduler (vLLM's ``/metrics``): requests running and waiting."""

    running: int
    waiting: int


def next_state_load(state: LimitState, load: Load, in_flight: int, policy: LimitPolicy) -> LimitState:
    """The limit after the server reported its load while ``in_flight`` of our calls ran (pure). It speeds up
    slow start only, which otherwise learns once a call ends. A queue that does not drain into more running
    requests (two reports in a row: requests also wait a few engine steps for their prefill's token budget)
    ends it at ``tolerance`` times the requests running, where calls wait about one call's time and the
    latency rule settles too; no queue while we fill the limit doubles it at once. After slow start the
    latency rule alone decides."""
    if not state.slow_start:
        return state
    before, state = state.server_running, dataclasses.replace(state, server_running=load.running)
    if load.waiting > 0:
        if 0 <= before and load.running <= before:  # full: the queue is not moving into free seats
            ceiling = policy.tolerance * max(load.running, 1)
            return dataclasses.replace(state, limit=policy.clamp(min(state.limit, ceiling)), slow_start=False)
        return state  # admitted over the next steps, or not: the next report tells
    if in_flight >= whole(state.limit):
        return dataclasses.replace(state, limit=policy.clamp(state.limit * 2))
    return state


def job_room(running: int, *, base: int, most: int, routes: Sequence[tuple[int, int, int]]) -> int:
    """How many more jobs a worker may claim now, given each route's (limit, calls in flight, calls waiting).

    Up to ``base`` (QGEN_CONCURRENCY) always; beyond it one job at a time (the next once this one's calls
    reach the limits, whose listeners wake the claimer), while every route's limit has room
    (fewer calls in flight than the limit and none waiting for it) and more calls are in flight than there
    are jobs beyond ``base``, up to ``most`` (QGEN_MAX_JOBS). A job's
    route is not known before it is claimed, so one full route stops it: a job claimed there would only wait.
    """
    if running < base or running >= most:
        return max(0, min(base, most) - running)
    # a job beyond ``base`` is one whose calls wait on a provider: while fewer calls are in flight than such
    # jobs, the worker's own work (embedding, the store) is the bound, and a claimed job would only hold its lease
    if running - base >= sum(in_flight for _, in_flight, _ in routes):
        return 0
    return 1 if all(waiting == 0 and in_flight < limit for limit, in_flight, waiting in routes) else 0


def whole(limit: float) -> int:
    """The number of calls a limit lets through."""
    return max(1, int(limit))


class Seat:
    """One admitted call (a seat under the limit); ``observe`` tells the limiter how it ended (at most once)."""

    def __init__(self, limiter: AdaptiveLimiter, in_flight: int) -> None:
        self.limiter = limiter
        self.in_flight = in_flight
        self._observed = False

    def observe(self, latency_s: float, completion_tokens: int, signal: Signal) -> None:
        if not self._observed:
            self._observed = True
            self.limiter.record(Sample(latency_s, completion_tokens, self.in_flight, signal))


class AdaptiveLimiter:
    """At most ``limit`` calls in flight, first come first served; the limit follows ``next_state``.

    ``async with limiter as seat:`` waits for room; ``seat.observe(...)`` feeds the call's outcome.
    ``in_flight`` and ``max_in_flight`` record what happened."""

    def __init__(self, policy: LimitPolicy) -> None:
        self.policy = policy
        self.state = initial_state(policy)
        self.in_flight = 0
        self.max_in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        # called whenever a call is admitted or queued, leaves, or moves the limit (a worker's claim loop
        # listens: room in the limits is room for another job); cheap and non-blocking
        self.listeners: list[Callable[[], None]] = []

    @property
    def limit(self) -> int:
        return whole(self.state.limit)

    @property
    def waiting(self) -> int:
        """Calls queued for room."""
        return len(self._waiters)

    def record(self, sample: Sample) -> None:
        self.state = next_state(self.state, sample, self.policy)
        self._wake()

    def record_load(self, load: Load) -> None:
        """The server's own report of its queue (``next_state_load``)."""
        self.state = next_state_load(self.state, load, self.in_flight, self.policy)
        self._wake()

    async def __aenter__(self) -> Seat:
        if self.in_flight >= self.limit or self._waiters:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            self._changed()
            try:
                await fut
            except BaseException:
                if fut.done() and not fut.cancelled():
                    self._release()  # woken and cancelled at once: pass the room on
                else:
                    with contextlib.suppress(ValueError):  # already skipped by _wake
                        self._waiters.remove(fut)
                raise
        else:
            self.in_flight += 1
            self._changed()
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return Seat(self, self.in_flight)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release()

    def _release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        # a woken waiter holds its room from here (in_flight counted for it), so nobody overtakes it
        while self._waiters and self.in_flight < self.limit:
            fut = self._waiters.popleft()
            if not fut.done():
                self.in_flight += 1
                fut.set_result(None)
        self._changed()

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()
