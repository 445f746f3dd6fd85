"""Can a job's generation route be tried now? Its breakers (the routed provider and its fallbacks), the last
failure of each provider, and the provider calls made by the job attempt running in this task.

A job attempt in which the route's open breakers refused every call made no call at all: the worker defers
the job until a breaker lets a probe through and does not count the attempt (``Worker._run_job``).
"""

from __future__ import annotations

import contextvars

from .generation import Generator
from .managed import CallRecord
from .queue import Job
from .resilience import CircuitBreaker

# A job whose route's breakers refused every call waits at least this long (a probe may be in flight).
MIN_DEFER_S = 0.5
# Provider calls made by the job attempt running in this task (and the tasks it starts), set per job task.
_job_calls: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("qgen_job_calls", default=None)


def count_calls() -> list[int]:
    """Count the provider calls of the job attempt in this task from now on; ``[n]``, updated in place."""
    calls = [0]
    _job_calls.set(calls)
    return calls


def route_wait(retry_ins: list[float], *, whole: bool = False) -> float | None:
    """Seconds until the first of a route's breakers lets a probe through (the smallest ``retry_in``), or with
    ``whole`` until every one does (the largest), when every breaker is open (each > 0); None when the route
    has no breaker or one lets calls through now."""
    if not retry_ins or min(retry_ins) <= 0:
        return None
    return max(retry_ins) if whole else min(retry_ins)


class RouteWatch:
    """What one worker knows of its generator's routes (``Generator.observers`` feeds ``note_call``)."""

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        # the last failure kind per generation route, named when a job waits for that route's breaker
        self._last_failure: dict[str, str] = {}

    def note_call(self, rec: CallRecord) -> None:
        """A ``Generator.observers`` callback: count the call for its job, remember a route's last failure."""
        if (calls := _job_calls.get()) is not None:
            calls[0] += 1
        if rec.purpose == "generate" and rec.outcome != "ok":
            self._last_failure[rec.key] = rec.outcome

    def route(self, job: Job) -> list[str]:
        """The job's generation route: the routed provider and its fallbacks (every provider when the routed
        one is not configured), as ``Generator.generate`` chooses them."""
        g = self.generator
        return [k for k in g.routes.chain(g.choose(job.spec)) if k in g.providers] or list(g.providers)

    def wait(self, job: Job, *, whole: bool = False) -> float | None:
        """Seconds until a breaker of the job's route (``whole``: each of them) lets a probe through; None when
        one lets calls through now."""
        g = self.generator
        now = g.clock()
        return route_wait([g.breakers[k].retry_in(now) for k in self.route(job) if k in g.breakers], whole=whole)

    def blocked(self, job: Job) -> bool:
        """Is no breaker of the job's route closed (each open, or half-open with its one probe taken)?"""
        g = self.generator
        states = [g.breakers[k].state for k in self.route(job) if k in g.breakers]
        return bool(states) and all(st != CircuitBreaker.CLOSED for st in states)

    def failures(self, job: Job) -> str:
        """'runpod server, gemini rate_limited': each provider of the route with its last failure."""
        return ", ".join(f"{k} {self._last_failure.get(k, 'failing')}" for k in self.route(job))
