"""Batched blind solves: several questions in one verify call, each with its own result, the verifier blind.

The pure parts (the call, the reply reader, the window rule) as functions; the round trip against the
loopback simulators through the real clients (httpx for vLLM, google-genai for Gemini), with replies that
skip, reorder and repeat answers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from service.errors import ProviderError
from service.generation import GeneratedItem, Generator
from service.managed import CallRecord
from service.providers.base import ProviderReply
from service.providers.gemini import profile_from as gemini_profile
from service.providers.runpod import profile_from as runpod_profile
from service.questions import MCQQuestion, NumericQuestion, Question, RequestSpec
from service.settings import Settings
from service.solve import VERIFY_TOKENS, fit_solves, parse_solves, question_id, solves_call
from service.verify import Check, Verifier, confirmed, needs_confirming
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .helpers import verifier_rig

MATHS = RequestSpec(subject="Mathematics", topic="Quadratic equations", exam="JEE Main")
CHEM = RequestSpec(subject="Chemistry", topic="Mole concept", exam="JEE Main")


def mcq(text: str, key: int, solution: str = "Working: the answer is marked. \\boxed{2}") -> MCQQuestion:
    return MCQQuestion(question_text=text, options=["1", "2", "3", "4"], solution=solution, correct_option_index=key)


QS: list[Question] = [mcq(f"Question number {i}: what is {i} + 1 - {i}?", 0, f"SOLUTION-{i}: \\boxed{{1}}") for i in range(4)]


# --- the call and the reply (pure) -------------------------------------------------------------------------


def test_a_batched_solve_shows_each_question_under_its_id_and_nothing_else() -> None:
    call = solves_call(QS, seed=5, temperature=1.0, max_tokens=4 * VERIFY_TOKENS)
    blocks = json.loads(re.search(r"<solves>(.*)</solves>", call.prompt, re.S).group(1))  # type: ignore[union-attr]
    assert [b["id"] for b in blocks] == ["q1", "q2", "q3", "q4"] and call.n == 4 and call.purpose == "verify"
    assert all(set(b) == {"id", "question_type", "question_text", "options"} for b in blocks)
    text = call.system + call.prompt
    assert "SOLUTION-" not in text and "correct_option_index" not in text and "boxed" not in text
    with pytest.raises(ValueError):
        solves_call([QS[0], NumericQuestion(question_text="x?", solution="s", answer=1.0, unit="m")],
                    seed=1, temperature=1.0, max_tokens=1)


def reply(answers: list[dict[str, Any]], finish: str = "stop") -> ProviderReply:
    return ProviderReply(json.dumps({"answers": answers}), "m", finish_reason=finish)


def test_answers_are_matched_by_id_and_unusable_ones_left_out() -> None:
    call = solves_call(QS, seed=5, temperature=1.0, max_tokens=1)
    got = parse_solves("gemini", reply([
        {"id": "q3", "working": "w", "choice": 2},  # out of order
        {"id": "q1", "working": "w", "choice": 0},
        {"id": "q9", "working": "w", "choice": 1},  # no such question
        {"id": "q2", "working": "w", "choice": 7},  # no such option
        {"id": "q4", "working": "w", "choice": 1},
        {"id": "q4", "working": "w", "choice": 3},  # q4 twice, two answers: neither counts
        {"id": "q1", "working": "again", "choice": 0},  # q1 twice, one answer: it counts
    ]), call)
    assert got == {"q3": {"choice": 2}, "q1": {"choice": 0}}


def test_a_truncated_reply_keeps_its_complete_answers_and_none_usable_is_an_error() -> None:
    call = solves_call(QS, seed=5, temperature=1.0, max_tokens=1)
    full = json.dumps({"answers": [{"id": "q1", "working": "w", "choice": 0}, {"id": "q2", "working": "w", "choice": 1}]})
    cut = ProviderReply(full[: full.index('{"id": "q2"') + 12], "m", finish_reason="length")
    assert parse_solves("gemini", cut, call) == {"q1": {"choice": 0}}
    with pytest.raises(ProviderError) as e:
        parse_solves("gemini", reply([{"id": "q7", "working": "w", "choice": 0}]), call)
    assert e.value.kind == "too_few"
    with pytest.raises(ProviderError) as e:
        parse_solves("gemini", ProviderReply("I cannot help with that.", "m"), call)
    assert e.value.kind == "invalid_json"


def test_the_window_rule_counts_thinking_once_per_call_and_the_prompt_on_a_shared_window() -> None:
    s = Settings()
    gem = gemini_profile(s)  # 65 536 output tokens; the blind solve at medium, confirmed at high (32 768 headroom)
    many = QS * 20
    assert fit_solves(gem, many, 8) == 8
    assert gem.confirm is not None and gem.headroom("verify", gem.confirm) > gem.headroom("verify")
    room = (gem.max_output_tokens or 0) - gem.headroom("verify", gem.confirm)  # sized for the deeper solve
    assert fit_solves(gem, many, 64) == room // VERIFY_TOKENS  # thinking counted once: 27, not 0
    pod = runpod_profile(s)  # a 4096-token window shared by the prompt and the output
    k = fit_solves(pod, many, 8)
    call = solves_call(many[:k], seed=0, temperature=0.0, max_tokens=k * VERIFY_TOKENS)
    assert 2 <= k < 8 and (len(call.system) + len(call.prompt)) / 3.5 + k * VERIFY_TOKENS <= pod.context_tokens
    assert fit_solves(pod, many, 1) == 1 and fit_solves(pod, many[:1], 8) == 1


# --- against the simulators ----------------------------------------------------------------------------


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {"call_attempts": 2, "backoff_base_s": 0.0, "backoff_max_s": 0.0, "breaker_failures": 50,
                            "runpod_timeout_s": 10.0, "gemini_timeout_s": 10.0}
    return Settings(**{**base, **kw})


async def checked(g: Generator, v: Verifier, spec: RequestSpec, n: int, sims: list[SimulatorServer]
                  ) -> tuple[list[GeneratedItem], list[Check], list[CallRecord]]:
    items = (await g.generate(spec, n, plan=[], avoid=[], seed=3)).items
    for sim in sims:
        sim.reset_stats()
    records: list[CallRecord] = []
    checks = await v.check(items, subject=spec.subject, seed=11, records=records)
    return items, checks, records


def verify_calls(records: list[CallRecord]) -> int:
    return sum(1 for r in records if r.purpose == "verify")


async def test_cross_verification_solves_a_round_in_one_call_per_window_and_saves_calls() -> None:
    """RunPod's items, re-solved by Gemini: 6 questions in one call; one question per call takes 6."""
    async with verifier_rig(settings()) as (g, v, rp, gm):
        items, checks, records = await checked(g, v, MATHS, 6, [rp, gm])
        prompts = [b for b in gm.stats.requests]
    assert len(items) == 6 and {it.key for it in items} == {"runpod"}
    assert [c.verification for c in checks] == ["verified"] * 6 and {c.method for c in checks} == {"cross"}
    assert verify_calls(records) == 1 and gm.stats.solves_returned == 6
    sent = json.dumps(prompts)
    for it in items:  # blind: no solution of any item in what the verifier was sent
        assert it.question.solution[:40] not in sent
    async with verifier_rig(settings(verify_batch=1)) as (g, v, rp, gm):
        _, checks_one, records_one = await checked(g, v, MATHS, 6, [rp, gm])
    assert [c.verification for c in checks_one] == ["verified"] * 6 and verify_calls(records_one) == 6


async def test_self_consistency_makes_one_batched_call_per_solve() -> None:
    """Gemini checks its own items (no verify route): two solves each, so two calls for five items."""
    async with verifier_rig(settings(verify_routes="", verify_self_solves=2)) as (g, v, rp, gm):
        items, checks, records = await checked(g, v, CHEM, 5, [rp, gm])
        seeds = [b["generationConfig"]["seed"] for b in gm.stats.requests]
    assert {it.key for it in items} == {"gemini"} and verify_calls(records) == 2
    assert {c.method for c in checks} == {"self_consistency"} and all(c.verification == "verified" for c in checks)
    assert all(len((c.verifier_answer or {})["solves"]) == 2 for c in checks)
    assert len(set(seeds)) == 2  # each solve its own seed


async def test_a_reply_that_skips_reorders_and_repeats_answers_is_read_by_id_and_the_rest_asked_again() -> None:
    """Every answer is right (``solve_accuracy`` 1): a verdict read from the wrong place would be a dispute."""
    shaky = Knobs(solve_skip_rate=0.4, solve_shuffle=True, solve_repeat=True, seed=7)
    async with verifier_rig(settings(call_attempts=3), gemini=shaky) as (g, v, rp, gm):
        _, checks, records = await checked(g, v, MATHS, 8, [rp, gm])
    assert [c.verification for c in checks] == ["verified"] * 8, [c.reason for c in checks]
    assert 1 < verify_calls(records) <= 8  # the rest asked again, never more calls than questions


async def test_a_verifier_that_answers_nothing_leaves_the_items_unverified_and_unavailable() -> None:
    async with verifier_rig(settings(call_attempts=2), gemini=Knobs(solve_skip_rate=1.0)) as (g, v, rp, gm):
        _, checks, records = await checked(g, v, MATHS, 4, [rp, gm])
    assert all(c.verification == "unverified" and c.unavailable for c in checks)
    assert {c.reason for c in checks} == {"verifier gemini too_few"}
    assert [r.outcome for r in records if r.purpose == "verify"] == ["too_few", "too_few"]  # one call, retried once


async def test_the_pod_verifier_takes_as_many_as_its_window_allows() -> None:
    """Gemini's items re-solved on the pod (4096-token window): batched calls that all fit the window."""
    async with verifier_rig(settings(verify_routes="gemini=runpod")) as (g, v, rp, gm):
        items, checks, records = await checked(g, v, CHEM, 7, [rp, gm])
        bodies = list(rp.stats.requests)
        statuses = dict(rp.stats.status_counts)
    assert {it.key for it in items} == {"gemini"} and all(c.verification == "verified" for c in checks)
    k = fit_solves(g.providers["runpod"].profile, [it.question for it in items], 8)
    assert k >= 2 and verify_calls(records) == -(-7 // k)
    assert 400 not in statuses and all("<solves>" in json.dumps(b) or "<solve>" in json.dumps(b) for b in bodies)
    assert question_id(0) == "q1"


# --- a shallow first solve, a deeper one where it does not confirm --------------------------------------------


def test_only_an_answered_check_that_did_not_verify_is_solved_again_and_the_deeper_verdict_keeps_the_first() -> None:
    verified = Check("verified", "gemini", "m", {"choice": 0}, method="cross")
    disputed = Check("disputed", "gemini", "m", {"choice": 2}, "the solver chose option 3", method="cross")
    inconclusive = Check("unverified", "gemini", "m", {"choice": 0}, "the solves disagree", method="self_consistency")
    down = Check("unverified", reason="verifier gemini timeout", unavailable=True, method="cross")
    assert [needs_confirming(c) for c in (verified, disputed, inconclusive, down)] == [False, True, True, False]
    upheld = confirmed(disputed, Check("disputed", "gemini", "m", {"choice": 3}, "chose option 4", method="cross"))
    assert upheld.verification == "disputed" and upheld.verifier_answer == {"choice": 3, "first_solve": {"choice": 2}}
    overturned = confirmed(disputed, Check("verified", "gemini", "m", {"choice": 0}, method="cross"))
    assert overturned.verification == "verified" and (overturned.verifier_answer or {})["first_solve"] == {"choice": 2}
    kept = confirmed(disputed, down)
    assert kept.verification == "disputed" and "a deeper solve failed: verifier gemini timeout" in (kept.reason or "")
    # deeper solves that disagree with each other do not clear a key the first solves agreed against
    unsure = confirmed(disputed, inconclusive)
    assert unsure.verification == "disputed" and "the deeper solve was inconclusive" in (unsure.reason or "")
    assert (unsure.verifier_answer or {})["first_solve"] == {"choice": 2}
    assert confirmed(inconclusive, inconclusive).verification == "unverified"


def levels(gm: SimulatorServer) -> list[str]:
    # proto JSON: google-genai sends the original field names inside thinking_config
    configs = [b["generationConfig"].get("thinkingConfig") or b["generationConfig"]["thinking_config"]
               for b in gm.stats.requests]
    return [c.get("thinkingLevel") or c.get("thinking_level") for c in configs]


async def test_keys_the_first_solve_reaches_cost_one_shallow_call() -> None:
    async with verifier_rig(settings()) as (g, v, rp, gm):
        _, checks, records = await checked(g, v, MATHS, 6, [rp, gm])
        sent = levels(gm)
    assert [c.verification for c in checks] == ["verified"] * 6 and verify_calls(records) == 1
    assert sent == ["MEDIUM"] and all("first_solve" not in (c.verifier_answer or {}) for c in checks)


async def test_what_the_first_solve_does_not_confirm_is_decided_by_a_deeper_one() -> None:
    """A solver that never reaches the key: each first solve disagrees, and the deeper solve (high) decides.
    (A wrong key from the simulator keeps the true answer in its solution, which the cheap checks catch
    before any solve.)"""
    async with verifier_rig(settings(), gemini=Knobs(solve_accuracy=0.0, seed=3)) as (g, v, rp, gm):
        _, checks, records = await checked(g, v, MATHS, 4, [rp, gm])
        sent = levels(gm)
    assert sent == ["MEDIUM", "HIGH"] and verify_calls(records) == 2  # one batched call at each level
    assert all(c.verification == "disputed" for c in checks), [c.reason for c in checks]
    assert all("first_solve" in (c.verifier_answer or {}) for c in checks)
    # the dispute window counts each item once, at its final verdict
    assert v.dispute_rates() == {f"{checks[0].verifier_provider}/{checks[0].verifier_model}": (4, 4)}


async def test_a_verifier_solving_at_the_deepest_level_solves_once() -> None:
    async with verifier_rig(settings(gemini_verify_thinking_level="high"), gemini=Knobs(solve_accuracy=0.0, seed=3)) as (
            g, v, rp, gm):
        _, checks, records = await checked(g, v, MATHS, 4, [rp, gm])
        sent = levels(gm)
    assert sent == ["HIGH"] and verify_calls(records) == 1 and all(c.verification == "disputed" for c in checks)
