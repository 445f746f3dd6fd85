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

Batched: one verify call solves as many of a round's questions as the verifier's window allows
(``QGEN_VERIFY_BATCH`` at most), each under its own id and with its own result; a partial reply's answers
count and the rest are asked again (``Verifier.check``). The verifier still sees no key, no solution and no
other question's answer: only the questions themselves.

The pure parts live beside it: ``answers`` (cheap checks, answers against the key), ``solve`` (what the
verifier is shown and how its reply is read), ``routing`` (QGEN_VERIFY_ROUTES, QGEN_VERIFY_MODEL).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from .answers import Verification, cheap_problems, consensus
from .errors import ProviderError, SolveDeferred
from .generation import Generator
from .managed import CallLog, CallRecord, ManagedProvider
from .providers.base import ProviderCall, ProviderReply, Sampling
from .questions import Question
from .routing import VerifyRoutes, parse_verify_model, parse_verify_routes
from .settings import Settings
from .solve import VERIFY_TOKENS, fit_solves, parse_solve, parse_solves, question_id, solve_call, solves_call, writes_working

# how a verdict was reached: another provider or model solved it once ('cross'), the generator's own model
# solved it k times and agreed with itself ('self_consistency'), or no model was needed ('cheap_checks')
Method = Literal["cross", "self_consistency", "cheap_checks"]

T = TypeVar("T")
DEFERRED = "deferred"  # a blind solve put into a batch (``SolveDeferred``): the item's check waits for it
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
    deferred: bool = False  # its blind solve went into a batch (Batch mode): the check is made when it answers


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


# one blind answer to one question: (the answer as stored, the model that gave it), or why there is none
Solved = tuple[dict[str, Any], str] | str


class SolveRunner(Protocol):
    """Where a blind-solve call goes instead of straight to its provider (Batch mode, service/batch_verify.py):
    answered from a batch, put into one (``SolveDeferred``), or run online through ``provider.run``."""

    async def run(self, provider: ManagedProvider, call: ProviderCall,
                  parse: Callable[[ProviderReply, ProviderCall], T], spent: CallLog) -> T: ...


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
        self, items: Sequence[Solvable], *, subject: str | None, seed: int, records: list[CallRecord],
        runner: SolveRunner | None = None, firsts: Sequence[Check | None] | None = None,
    ) -> list[Check]:
        """One ``Check`` per item, cheap checks first; then blind solves, batched.

        Items with the same plan and question type are solved together, as many per call as the verifier's
        window allows (``solve.fit_solves``, at most ``QGEN_VERIFY_BATCH``); a plan of k solves makes k
        such calls, each with its own seed (self-consistency). Calls run concurrently. A reply that answers
        only some of its questions: those answers count, and the rest are asked again in a call of their
        own, for as long as each reply answers at least one (so never more calls than questions); a call
        that answers none fails as a whole (retried by the call runtime, then ``unavailable``).

        A verifier that could not answer gives ``unavailable`` checks; the caller applies
        QGEN_VERIFY_UNAVAILABLE (service/pipeline.py). ``runner`` (Batch mode) takes the solves' calls instead
        of their providers: an item whose solve it put into a batch gets a ``deferred`` check (after its first
        solves, when the deeper one was put into the batch: the first verdict, deferred). ``firsts``: the first
        verdicts already had for some items (a batch's deferred deeper solves): those go straight to the deeper
        solve.
        """
        spent = CallLog(records=records)
        tol = self.settings.verify_tolerance
        checks: list[Check | None] = [None] * len(items)
        groups: dict[tuple[Plan, str], list[int]] = {}
        for i, item in enumerate(items):
            problems = cheap_problems(item.question, tol)
            plan = None if problems else self.plan(item, subject)
            if problems:
                checks[i] = Check("disputed", CHEAP_CHECK, CHEAP_MODEL, None, problems[0], method="cheap_checks")
            elif plan is None:
                checks[i] = Check("unverified", reason=f"no verifier configured for {item.key}")
            else:
                groups.setdefault((plan, type(item.question).__name__), []).append(i)
        had = list(firsts or [])
        judged = await asyncio.gather(*(self._group(plan, [items[i] for i in idx], idx, subject, seed, spent, runner,
                                                    [had[i] if i < len(had) else None for i in idx])
                                        for (plan, _), idx in groups.items()))
        for (_, idx), group_checks in zip(groups.items(), judged, strict=True):
            for i, c in zip(idx, group_checks, strict=True):
                checks[i] = c
        return [c for c in checks if c is not None]

    async def _group(
        self, plan: Plan, group: list[Solvable], idx: list[int], subject: str | None, seed: int, spent: CallLog,
        runner: SolveRunner | None, firsts: list[Check | None],
    ) -> list[Check]:
        """The checks of items that share ``plan`` and a question type (``idx``: their places in the round).

        A verifier whose profile has a ``confirm`` sampling (a thinking model solving below its deepest
        level) solves every item at its ``verify`` level first; an item that solve does not confirm (another
        answer, or an inconclusive one) is solved again at the ``confirm`` level, and that solve decides. If
        the deeper solve cannot be had, the first verdict stands. An item with a verdict in ``firsts`` skips
        the first solves."""
        provider = self.generator.providers[plan.verifier]
        prof = provider.profile
        new = [j for j, f in enumerate(firsts) if f is None]
        first = await self._solves(provider, plan, [group[j] for j in new], [idx[j] for j in new], subject, seed,
                                   spent, prof.verify, 0, runner) if new else []
        fresh = iter(first)
        judged = [f if f is not None else self._judge(item, plan, provider.name, next(fresh))
                  for item, f in zip(group, firsts, strict=True)]
        again = [j for j, c in enumerate(judged) if needs_confirming(c)] if prof.confirm is not None else []
        if again and prof.confirm is not None:
            spent.notes.append(f"{provider.key} verifier: {len(again)} of {len(group)} not confirmed at "
                               f"{prof.verify.thinking}; solving them again at {prof.confirm.thinking}")
            deeper = await self._solves(provider, plan, [group[j] for j in again], [idx[j] for j in again], subject,
                                        seed, spent, prof.confirm, plan.solves, runner)
            for j, answers in zip(again, deeper, strict=True):
                judged[j] = confirmed(judged[j], self._judge(group[j], plan, provider.name, answers))
        for c in judged:
            self._count(c)
        return judged

    async def _solves(
        self, provider: ManagedProvider, plan: Plan, group: list[Solvable], idx: list[int], subject: str | None,
        seed: int, spent: CallLog, sampling: Sampling, first_round: int, runner: SolveRunner | None,
    ) -> list[list[Solved]]:
        """``plan.solves`` blind answers for each item of ``group`` at ``sampling``, as few calls as the
        verifier's window allows (``solve.fit_solves``, at most ``QGEN_VERIFY_BATCH`` questions each)."""
        chunks: list[list[int]] = []  # places in ``group``, one call each
        rest = list(range(len(group)))
        while rest:
            k = fit_solves(provider.profile, [group[j].question for j in rest], self.settings.verify_batch, subject)
            chunks.append(rest[:k])
            rest = rest[k:]

        async def solve_round(n: int) -> list[Solved]:
            # independent solves: each its own seed, at the model's usual sampling (never temperature 0, where
            # another seed repeats the same answer and agreement would mean nothing); one question per call
            # keeps the seed it always had: (the round's seed + its place) * 7919 + 104729 * (n + 1)
            out: list[Solved] = ["too_few"] * len(group)
            got = await asyncio.gather(*(
                self._solve(provider, plan, [group[j].question for j in chunk], subject,
                            (seed + idx[chunk[0]]) * 7919 + 104_729 * (n + 1), spent, sampling, runner)
                for chunk in chunks
            ))
            for chunk, answers in zip(chunks, got, strict=True):
                for j, a in zip(chunk, answers, strict=True):
                    out[j] = a
            return out

        rounds = await asyncio.gather(*(solve_round(first_round + n) for n in range(plan.solves)))
        return [[r[j] for r in rounds] for j in range(len(group))]

    async def _solve(
        self, provider: ManagedProvider, plan: Plan, qs: list[Question], subject: str | None, seed: int,
        spent: CallLog, sampling: Sampling, runner: SolveRunner | None,
    ) -> list[Solved]:
        """One blind answer per question of ``qs`` ((answer, model), or the failure kind), from one call for
        all of them, then calls for what a partial reply left out."""
        prof = provider.profile
        # the sampling and thinking level (the profile's verify or confirm), and the profile's budget rule
        budget = prof.output_budget("verify", len(qs) * VERIFY_TOKENS, sampling)
        # another model (QGEN_VERIFY_MODEL) may not think at the profile's level (a Gemini 2.x model takes none):
        # it writes its working
        working = writes_working(sampling) or plan.model is not None
        if len(qs) == 1:
            call = solve_call(qs[0], seed=seed, temperature=sampling.temperature, max_tokens=budget, subject=subject,
                              working=working)
        else:
            call = solves_call(qs, seed=seed, temperature=sampling.temperature, max_tokens=budget, subject=subject,
                               working=working)
        call = sampling.apply(call)
        if plan.model:
            call = dataclasses.replace(call, model=plan.model)

        def parse(reply: ProviderReply, sent: ProviderCall) -> tuple[dict[str, dict[str, Any]], str]:
            if sent.n == 1:
                return {question_id(0): parse_solve(provider.name, reply, sent)}, reply.model
            return parse_solves(provider.name, reply, sent), reply.model

        try:
            if runner is None:
                got, model = await provider.run(call, parse, into=spent)
            else:
                got, model = await runner.run(provider, call, parse, spent)
        except SolveDeferred:
            return [DEFERRED] * len(qs)
        except ProviderError as e:
            return [e.kind] * len(qs)
        out: list[Solved] = [(got[question_id(i)], model) if question_id(i) in got else "too_few" for i in range(len(qs))]
        missing = [i for i in range(len(qs)) if question_id(i) not in got]
        if missing:
            spent.notes.append(f"{provider.key} verifier answered {len(qs) - len(missing)} of {len(qs)}; "
                               f"asking again for {len(missing)}")
            again = await self._solve(provider, plan, [qs[i] for i in missing], subject, seed + 1, spent, sampling,
                                      runner)
            for i, a in zip(missing, again, strict=True):
                out[i] = a
        return out

    def _judge(self, item: Solvable, plan: Plan, name: str, solved: list[Solved]) -> Check:
        """The check of one item from its blind answers (one per solve of its plan)."""
        failed = [s for s in solved if isinstance(s, str)]
        if DEFERRED in failed:
            return Check("unverified", reason=f"verifier {plan.verifier}: in a batch", unavailable=True,
                         method=plan.method, deferred=True)
        if failed:
            return Check("unverified", reason=f"verifier {plan.verifier} {failed[0]}", unavailable=True, method=plan.method)
        pairs = [s for s in solved if not isinstance(s, str)]
        answers = [a for a, _ in pairs]
        model = pairs[0][1]
        verdict, why = consensus(item.question, answers, self.settings.verify_tolerance)
        answer = dict(answers[0])
        if len(answers) > 1:
            answer["solves"] = answers
        if verdict == "unverified":
            answer["inconclusive"] = why  # stored with the row: why a checked item is not 'verified'
        off_topic = all(a.get("on_topic") is False for a in answers)
        return Check(verdict, name, model, answer, why, method=plan.method, off_topic=off_topic)

    def _count(self, check: Check) -> None:
        """A blind solve's final verdict, into its verifier's dispute window."""
        if check.method in ("cross", "self_consistency") and check.verification != "unverified" and not check.deferred:
            window = self.windows.setdefault(f"{check.verifier_provider}/{check.verifier_model}",
                                             deque(maxlen=IMPLAUSIBLE_WINDOW))
            window.append(check.verification == "disputed")


def needs_confirming(check: Check) -> bool:
    """Whether a first blind solve left ``check`` open to a deeper one: it was answered, and did not verify."""
    return not check.unavailable and check.verification != "verified"


def confirmed(first: Check, deeper: Check) -> Check:
    """The verdict after a deeper solve: the deeper one, with the first solve's answer kept beside its own;
    the first one, deferred, when the deeper solve went into a batch; the first one (noting why) when the
    deeper solve could not be had, or when it was inconclusive about a key the first one disputed."""
    if deeper.deferred:
        return dataclasses.replace(first, deferred=True)
    if deeper.unavailable:
        return dataclasses.replace(first, reason=f"{first.reason}; a deeper solve failed: {deeper.reason}")
    answer = dict(deeper.verifier_answer or {})
    answer["first_solve"] = first.verifier_answer
    if first.verification == "disputed" and deeper.verification == "unverified":
        # solves that disagree with each other have not cleared a key the first ones agreed against
        return dataclasses.replace(first, verifier_answer=answer,
                                   reason=f"{first.reason}; the deeper solve was inconclusive ({deeper.reason})")
    return dataclasses.replace(deeper, verifier_answer=answer)
