"""The answer-key gate: cheap checks with no LLM, then a blind re-solve by an independent model.

Rule: a candidate that would be stored is ``verified`` when an independent solver, shown only the question
(and its options, or its unit), reaches the marked answer; ``disputed`` when it reaches another one, or
when a cheap check already shows the key is wrong; ``unverified`` when nobody could check it (the gate is
off, the verifier is down) or the check was inconclusive. The verifier never sees the key or the solution.

Independent by default (``QGEN_VERIFY_ROUTES``): RunPod's items are re-solved by Gemini, and Gemini's
Mathematics and Physics items by the RunPod model (the specialist). An item nobody else can check is
re-solved by its own model ``QGEN_VERIFY_SELF_SOLVES`` times at its usual sampling: it counts only when the
solves agree with each other (self-consistency), since one sample agreeing with another sample of the same
model shows little. ``QGEN_VERIFY_MODEL`` names another model to re-solve with instead.

The pure parts live beside it: ``answers`` (cheap checks, answers against the key), ``solve`` (what the
verifier is shown and how its reply is read), ``routing`` (QGEN_VERIFY_ROUTES, QGEN_VERIFY_MODEL).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .answers import Verification, cheap_problems, consensus
from .errors import ProviderError
from .generation import Generator
from .managed import CallLog, CallRecord
from .providers.base import ProviderCall, ProviderReply
from .questions import Question
from .routing import VerifyRoutes, parse_verify_model, parse_verify_routes
from .settings import Settings
from .solve import VERIFY_TOKENS, parse_solve, solve_call

# how a verdict was reached: another provider or model solved it once ('cross'), the generator's own model
# solved it k times and agreed with itself ('self_consistency'), or no model was needed ('cheap_checks')
Method = Literal["cross", "self_consistency", "cheap_checks"]

CHEAP_CHECK = "qgen"  # verifier_provider of a dispute found by the cheap checks
CHEAP_MODEL = "cheap-check"


@dataclass(frozen=True)
class Check:
    """The gate's verdict on one candidate."""

    verification: Verification
    verifier_provider: str | None = None
    verifier_model: str | None = None
    verifier_answer: dict[str, Any] | None = None
    reason: str | None = None  # why disputed, or why it could not be checked
    unavailable: bool = False  # the verifier was asked and could not answer (down, circuit open, unusable)
    method: Method | None = None  # how it was checked; None: not checked at all
    off_topic: bool = False  # every blind solve said the question belongs to another subject


# --- who verifies whom (pure) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How one item is checked: by ``verifier`` (its ``model``, None for the provider's own), ``solves`` blind
    solves that must agree, and what that method is called in ``questions.verification_method``."""

    verifier: str
    model: str | None
    solves: int
    method: Method


def plan_check(
    generator: str,
    generator_model: str,
    subject: str | None,
    *,
    routes: VerifyRoutes,
    models: Mapping[str, str],
    verify_model: tuple[str, str] | None,
    self_solves: int,
    aliases: dict[str, str] | None = None,
) -> Plan | None:
    """Who checks an item of ``generator`` (which wrote it with ``generator_model``) on ``subject``, given the
    configured providers' models (``models``: key -> model). Another provider, or another model of the same
    one (``verify_model``), solves once (``cross``); the generator's own model solves ``self_solves`` times
    at its usual sampling, and only answers it repeats count (``self_consistency``). None: nobody can."""
    target = routes.target(generator, subject, aliases)
    if target is None or target not in models:
        target = generator
    if target not in models:
        return None
    model = verify_model[1] if verify_model and verify_model[0] == target else None
    if target == generator and (model or models[target]) == generator_model:
        return Plan(target, model, max(1, self_solves), "self_consistency")
    return Plan(target, model, 1, "cross")


# --- a verifier that disputes too much (pure) -------------------------------------------------------------

IMPLAUSIBLE_WINDOW = 50  # the last blind-solve verdicts per verifier that the rate is read from
IMPLAUSIBLE_MIN_SOLVES = 20  # fewer than this: no judgement yet
IMPLAUSIBLE_DISPUTE_RATE = 0.3  # a generator that mis-keys this often is less likely than a broken verifier
HOPELESS_DISPUTE_RATE = 0.5  # beyond this, topping up only pays for more disputes


def implausible(disputed: int, total: int, rate: float = IMPLAUSIBLE_DISPUTE_RATE) -> bool:
    """Whether a verifier's dispute rate is beyond what a working generator explains. The gate's own design
    case (~10% wrong keys, a 95%-accurate verifier) disputes about 14%: 20 such solves exceed 30% with odds
    of 1.5%, which is fine for a warning; 50% (``HOPELESS_DISPUTE_RATE``, odds 2e-5) stops a job's top-ups."""
    return total >= IMPLAUSIBLE_MIN_SOLVES and disputed > rate * total


class Solvable(Protocol):
    """What the gate needs of a candidate: the question, and who wrote it (route key, recorded name, model)."""

    question: Question
    key: str
    provider: str
    model: str


class Verifier:
    """Checks candidates' keys through the generator's providers (each a ``ManagedProvider``: the verifier's
    calls share its limit and records, with a breaker of their own)."""

    def __init__(self, settings: Settings, generator: Generator) -> None:
        self.settings = settings
        self.generator = generator
        self.enabled = settings.verify == "on"
        self.routes = parse_verify_routes(settings.verify_routes)
        self.verify_model = parse_verify_model(settings.verify_model)
        # per verifier ('gemini/gemini-3.5-flash'): the last blind-solve verdicts, True where disputed
        self.windows: dict[str, deque[bool]] = {}

    def plan(self, item: Solvable, subject: str | None) -> Plan | None:
        models = {key: p.model for key, p in self.generator.providers.items()}
        return plan_check(
            item.key or item.provider,
            item.model,
            subject,
            routes=self.routes,
            models=models,
            verify_model=self.verify_model,
            self_solves=self.settings.verify_self_solves,
            aliases=self.generator.routes.aliases,
        )

    def warnings(self, labels: Collection[str]) -> list[str]:
        """One line per verifier among ``labels`` whose recent dispute rate is implausible."""
        out = []
        for label, window in self.windows.items():
            if label not in labels:
                continue
            disputed = sum(window)
            if implausible(disputed, len(window)):
                out.append(
                    f"the verifier {label} disputed {disputed} of the last {len(window)} items it solved: "
                    "check QGEN_VERIFY_MODEL and QGEN_VERIFY_ROUTES"
                )
        return out

    def hopeless(self, labels: Collection[str]) -> bool:
        """Whether a verifier among ``labels`` disputes so many keys that more candidates would only be disputed."""
        return any(
            implausible(sum(w), len(w), HOPELESS_DISPUTE_RATE) for label, w in self.windows.items() if label in labels
        )

    def dispute_rates(self) -> dict[str, tuple[int, int]]:
        """(disputed, solved) in each verifier's window."""
        return {label: (sum(w), len(w)) for label, w in self.windows.items()}

    async def check(
        self, items: Sequence[Solvable], *, subject: str | None, seed: int, records: list[CallRecord]
    ) -> list[Check]:
        """One ``Check`` per item, cheap checks first; blind solves run concurrently. A verifier that could not
        answer gives ``unavailable`` checks; the caller applies QGEN_VERIFY_UNAVAILABLE (service/pipeline.py)."""
        result = CallLog(records=records)
        checks = await asyncio.gather(*(self._one(it, subject, seed + i, result) for i, it in enumerate(items)))
        return list(checks)

    async def _one(self, item: Solvable, subject: str | None, seed: int, result: CallLog) -> Check:
        tol = self.settings.verify_tolerance
        problems = cheap_problems(item.question, tol)
        if problems:
            return Check("disputed", CHEAP_CHECK, CHEAP_MODEL, None, problems[0], method="cheap_checks")
        plan = self.plan(item, subject)
        if plan is None:
            return Check("unverified", reason=f"no verifier configured for {item.key}")
        provider = self.generator.providers[plan.verifier]
        prof = provider.profile
        # the verifier model's sampling and thinking level, and the budget rule: all from its profile
        sampling = prof.sampling("verify")
        budget = prof.output_budget("verify", VERIFY_TOKENS)

        def parse(reply: ProviderReply, sent: ProviderCall) -> tuple[dict[str, Any], str]:
            return parse_solve(provider.name, reply, sent), reply.model

        async def solve(n: int) -> tuple[dict[str, Any], str]:
            # independent solves: each its own seed, at the model's usual sampling (never temperature 0,
            # where another seed repeats the same answer and agreement would mean nothing)
            call = sampling.apply(solve_call(
                item.question, seed=seed * 7919 + 104_729 * (n + 1), temperature=sampling.temperature,
                max_tokens=budget, subject=subject,
            ))
            if plan.model:
                call = dataclasses.replace(call, model=plan.model)
            return await provider.run(call, parse, into=result)

        try:
            solved = await asyncio.gather(*(solve(n) for n in range(plan.solves)))
        except ProviderError as e:
            return Check("unverified", reason=f"verifier {plan.verifier} {e.kind}", unavailable=True, method=plan.method)
        answers = [a for a, _ in solved]
        model = solved[0][1]
        verdict, why = consensus(item.question, answers, tol)
        if verdict != "unverified":
            window = self.windows.setdefault(f"{provider.name}/{model}", deque(maxlen=IMPLAUSIBLE_WINDOW))
            window.append(verdict == "disputed")
        answer = dict(answers[0])
        if len(answers) > 1:
            answer["solves"] = answers
        if verdict == "unverified":
            answer["inconclusive"] = why  # stored with the row: why a checked item is not 'verified'
        off_topic = all(a.get("on_topic") is False for a in answers)
        return Check(verdict, provider.name, model, answer, why, method=plan.method, off_topic=off_topic)
