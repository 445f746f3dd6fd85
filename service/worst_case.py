"""The most one request can cost: provider calls, tokens and seconds that the retry layers allow (pure).

Each function mirrors the code that spends (named in its docstring) and returns an upper bound, never an
estimate of the usual cost. ``docs/worst-case.md`` explains the layers; ``python -m service.worst_case N``
prints the worked example there from these functions and the default settings.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from . import prompts
from .generation import MAX_CONTEXT_SHRINKS
from .providers import gemini
from .questions import RequestSpec
from .routing import routes_from
from .settings import Settings

SHRINK = 0.6  # generation._batch: after a 400 context_length the calls are re-sized to 0.6 of the scale
JOB_RETRY_MAX_S = 300.0  # worker._run_job: the cap of the job retry delay
# qgen_settings defaults (sql/migrations/20261129000100_core.sql): they live in the database, not in Settings
JOB_SIZE = 10
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Limits:
    """What one provider allows a call: questions per call (None: sized to a window shared by prompt and
    output, so as few as one), most tokens (prompt and output) of a generation call and of a blind solve,
    longest wait, and calls in flight."""

    key: str
    per_call: int | None
    call_tokens: int
    solve_tokens: int
    timeout_s: float
    concurrency: int


@dataclass(frozen=True)
class Layers:
    """The settings that bound one request, one field per layer (``docs/worst-case.md``)."""

    chain: tuple[Limits, ...]  # the routed provider, then each fallback (QGEN_ROUTES, QGEN_FALLBACK)
    verifier: Limits | None  # who re-solves the items (QGEN_VERIFY_ROUTES); None: QGEN_VERIFY=off
    call_attempts: int = 3  # QGEN_CALL_ATTEMPTS
    shrinks: int = MAX_CONTEXT_SHRINKS  # generation.MAX_CONTEXT_SHRINKS
    topup_rounds: int = 3  # QGEN_TOPUP_ROUNDS
    solves_per_item: int = 1  # 1 (cross) or QGEN_VERIFY_SELF_SOLVES (self-consistency)
    solve_passes: int = 1  # 2 when the verifier solves again deeper what its first solve did not confirm
    job_size: int = JOB_SIZE  # qgen_settings.job_size
    max_attempts: int = MAX_ATTEMPTS  # qgen_settings.max_attempts
    backoff_max_s: float = 20.0  # QGEN_BACKOFF_MAX_S
    job_retry_base_s: float = 5.0  # QGEN_JOB_RETRY_BASE_S
    breaker_cooldown_s: float = 30.0  # QGEN_BREAKER_COOLDOWN_S: a retry waits at least until a breaker half-opens

    @property
    def solves_per_candidate(self) -> int:
        """Blind solves one candidate may take: its plan's solves, at each thinking level."""
        return self.solves_per_item * self.solve_passes


@dataclass(frozen=True)
class Bound:
    """Calls by provider and purpose, tokens, and seconds; all upper bounds."""

    generate_calls: dict[str, int]
    verify_calls: int
    tokens: int
    wall_s: float

    @property
    def calls(self) -> int:
        return sum(self.generate_calls.values()) + self.verify_calls


def topup_ceiling(missing: int) -> int:
    """topup.topup_ask never asks for more than this."""
    return 3 * missing + 2 if missing > 0 else 0


def asks(slots: int, topup_rounds: int) -> list[int]:
    """Most new candidates asked for in each round of one job attempt (pipeline.run): the free slots first,
    then each top-up at its ceiling (nothing stored: every slot still missing)."""
    return [slots] + [topup_ceiling(slots)] * topup_rounds


def fill_calls(n: int, per_call: int | None, attempts: int, shrinks: int, scale: float = 1.0, depth: int = 0) -> int:
    """Most calls ``Generator._fill`` makes for ``n`` questions: split into calls (``_size``), each retried up
    to ``attempts`` times (``call``), each re-split smaller after a context_length refusal (``_batch``)."""
    if n <= 0:
        return 0
    k = 1 if per_call is None else max(1, int(per_call * scale))
    sizes = [k] * (n // k) + ([n % k] if n % k else [])
    total = attempts * len(sizes)
    if depth < shrinks:
        total += sum(fill_calls(s, per_call, attempts, shrinks, scale * SHRINK, depth + 1) for s in sizes)
    return total


def generate_calls(n: int, layers: Layers) -> dict[str, int]:
    """Most calls one ``Generator.generate(n)`` makes, per provider: the routed one for all ``n``, then each
    fallback for what is still missing, grouped by the reason it fell back with (at worst one slot a group)."""
    out: dict[str, int] = {}
    for i, p in enumerate(layers.chain):
        one = fill_calls(n, p.per_call, layers.call_attempts, layers.shrinks)
        each = n * fill_calls(1, p.per_call, layers.call_attempts, layers.shrinks)
        out[p.key] = out.get(p.key, 0) + (one if i == 0 else each)
    return out


def _critical_s(p: Limits, layers: Layers) -> float:
    """One logical call: every attempt to its deadline, with the longest backoff between them."""
    return layers.call_attempts * p.timeout_s + (layers.call_attempts - 1) * layers.backoff_max_s


def job_attempt(slots: int, layers: Layers) -> Bound:
    """One claimed job of ``slots`` questions, run to its last round (pipeline.run) alone on a worker.

    Wall time per step is Graham's bound for calls sharing a provider's limiter: the work divided by the
    calls in flight, plus the longest chain of one call's attempts and shrinks."""
    gen: dict[str, int] = {}
    tokens = 0
    wall = 0.0
    verified = 0
    for ask in asks(slots, layers.topup_rounds):
        calls = generate_calls(ask, layers)
        for p in layers.chain:
            c = calls.get(p.key, 0)
            if c:
                gen[p.key] = gen.get(p.key, 0) + c
                tokens += c * p.call_tokens
                wall += c * p.timeout_s / p.concurrency + (layers.shrinks + 1) * _critical_s(p, layers)
        verified += ask
        if layers.verifier:
            v, solves = layers.verifier, ask * layers.solves_per_candidate * layers.call_attempts
            waves = ask  # pipeline._gate: at worst a wave of one after each dispute
            wall += solves * v.timeout_s / v.concurrency + waves * _critical_s(v, layers)
    verify = verified * layers.solves_per_candidate * layers.call_attempts if layers.verifier else 0
    if layers.verifier:
        tokens += verify * layers.verifier.solve_tokens
    return Bound(gen, verify, tokens, wall)


def request(n: int, layers: Layers) -> Bound:
    """A request of ``n`` questions: its jobs of ``job_size`` slots, each claimed up to ``max_attempts``
    times, with the job retry delay between attempts (stretched to the route's breaker cooldown). Wall time:
    the jobs one after another, without the time a job waits unclaimed for open breakers (``worker._run_job``
    defers it without spending an attempt or making a call, for as long as the outage lasts)."""
    sizes = [layers.job_size] * (n // layers.job_size) + ([n % layers.job_size] if n % layers.job_size else [])
    gen: dict[str, int] = {}
    verify = tokens = 0
    wall = 0.0
    for size in sizes:
        one = job_attempt(size, layers)
        for key, c in one.generate_calls.items():
            gen[key] = gen.get(key, 0) + c * layers.max_attempts
        verify += one.verify_calls * layers.max_attempts
        tokens += one.tokens * layers.max_attempts
        wall += one.wall_s * layers.max_attempts + sum(
            max(min(JOB_RETRY_MAX_S, layers.job_retry_base_s * 2 ** (a - 1)), layers.breaker_cooldown_s)
            for a in range(1, layers.max_attempts)
        )
    return Bound(gen, verify, tokens, wall)


def outage_calls(breaker_failures: int, concurrency: int, cooldown_s: float, seconds: float) -> int | None:
    """Most calls that reach a provider failing every call in ``seconds``, per worker and breaker (generation's,
    or the verifier's): the consecutive failures that open it, the calls already let through when it opened,
    then one half-open probe per cooldown. None: a zero cooldown bounds nothing."""
    if cooldown_s <= 0:
        return None
    return breaker_failures + concurrency - 1 + math.floor(seconds / cooldown_s)


# --- the layers as the settings make them ------------------------------------------------------------


def prompt_tokens_bound(per_call: int) -> int:
    """The largest generation prompt of ``per_call`` questions (every field and the avoid list at its cap)."""
    spec = RequestSpec(subject="s" * 100, topic="t" * prompts.MAX_FIELD_CHARS["topic"],
                       subtopic="u" * prompts.MAX_FIELD_CHARS["subtopic"], exam="e" * 100,
                       instructions="i" * prompts.MAX_FIELD_CHARS["instructions"])
    plan = ["p" * 1200] * per_call  # the topic and subtopic, an archetype, an angle
    avoid = ["a" * prompts.MAX_AVOID_CHARS] * prompts.MAX_AVOID_ITEMS
    text = prompts.system_prompt("mcq") + prompts.user_prompt(spec, per_call, plan, avoid, 2**32 - 1)  # the longest job seed
    return prompts.estimate_tokens(text) + 1


# one question of a blind solve: its text, 4 options, the instructions; a call holds QGEN_VERIFY_BATCH of them
SOLVE_PROMPT_TOKENS = math.ceil((20_000 + 4 * 2_000 + 1_000) / 3.5)


def limits(key: str, s: Settings) -> Limits:
    """A provider's limits under settings ``s``."""
    if key == "runpod":
        window = s.runpod_context_tokens  # prompt + output <= max_model_len, or the server refuses (400)
        wait = s.runpod_timeout_s + s.runpod_cold_start_wait_s  # serverless: a worker first, then the call
        return Limits("runpod", None, window, window, wait, s.runpod_max_concurrency)
    prof = gemini.profile_from(s)
    out = prof.max_output_tokens or 0  # out_of_tokens doubles the budget up to this
    return Limits("gemini", prof.max_questions_per_call, prompt_tokens_bound(prof.max_questions_per_call or 1) + out,
                  SOLVE_PROMPT_TOKENS * s.verify_batch + out, s.gemini_timeout_s, s.gemini_max_concurrency)


def layers_for(subject: str, s: Settings, *, job_size: int = JOB_SIZE, max_attempts: int = MAX_ATTEMPTS,
               self_check: bool = False) -> Layers:
    """The layers of a request on ``subject`` with both providers configured (``self_check``: the verifier is
    the generator's own model, QGEN_VERIFY_SELF_SOLVES solves each)."""
    routes = routes_from(s.routes, s.fallback, fallback_enabled=s.fallback_enabled)
    primary = routes.primary(subject, "")
    chain = tuple(limits(k, s) for k in routes.chain(primary))
    verifier = None
    passes = 1
    if s.verify == "on":
        # any provider of the chain may have written an item, and each is re-solved by another (or itself)
        verifiers = [limits(k, s) for k in dict.fromkeys(p.key for p in chain)] if not self_check else [chain[0]]
        # verify.Verifier._group: a Gemini verifier below its deepest level solves again what it did not confirm
        passes = 2 if any(v.key == "gemini" for v in verifiers) and gemini.profile_from(s).confirm else 1
        verifier = Limits("+".join(v.key for v in verifiers), None, max(v.call_tokens for v in verifiers),
                          max(v.solve_tokens for v in verifiers), max(v.timeout_s for v in verifiers),
                          min(v.concurrency for v in verifiers))
    return Layers(chain=chain, verifier=verifier, call_attempts=s.call_attempts, topup_rounds=s.topup_rounds,
                  solves_per_item=s.verify_self_solves if self_check else 1, solve_passes=passes, job_size=job_size,
                  max_attempts=max_attempts, backoff_max_s=s.backoff_max_s, job_retry_base_s=s.job_retry_base_s,
                  breaker_cooldown_s=s.breaker_cooldown_s)


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 30
    s = Settings(_env_file=None)  # the defaults, not this machine's .env
    for subject, self_check in (("Mathematics", False), ("Chemistry", True)):
        b = request(n, layers_for(subject, s, self_check=self_check))
        gen = ", ".join(f"{k} {v:,}" for k, v in b.generate_calls.items())
        print(f"{subject}, N={n}: generate {gen}; verify {b.verify_calls:,}; calls {b.calls:,}; "
              f"tokens {b.tokens:,}; wall {b.wall_s / 3600:,.1f} h")

if __name__ == "__main__":
    main(sys.argv[1:])
