"""A blind solve's working: asked for where the solver reasons only in what it writes (Aryabhata, or Gemini at
'minimal'), left out where the call thinks (its reasoning is its thinking, and a written-out working is
billed on top). And the simulators' side: a solver that neither thinks nor writes its working errs more,
and a batched solve errs by its thinking level as a one-question solve does."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import types

from service.managed import CallRecord
from service.providers.base import ProviderReply, Sampling
from service.providers.gemini import profile_from as gemini_profile
from service.questions import MCQQuestion, NumericQuestion, Question, RequestSpec, validate_items
from service.settings import Settings
from service.solve import parse_solve, parse_solves, solve_call, solves_call, writes_working
from simulators.content import remember, shape_item
from simulators.knobs import Knobs
from simulators.server import SimulatorServer
from simulators.shapes import all_shapes

from .helpers import verifier_rig

MATHS = RequestSpec(subject="Mathematics", topic="Quadratic equations", exam="JEE Main")
CHEM = RequestSpec(subject="Chemistry", topic="Mole concept", exam="JEE Main")
MCQ = MCQQuestion(question_text="What is 2 + 2?", options=["3", "4", "5", "6"], solution="2 + 2 = 4", correct_option_index=1)


def has_working(value: Any) -> bool:
    """Whether ``value`` (a schema, a request body) names the working anywhere."""
    return "working" in json.dumps(value)


# --- the rule and the call (pure) -----------------------------------------------------------------------------


def test_the_working_is_asked_for_unless_the_call_thinks() -> None:
    assert writes_working(Sampling(0.7)) and writes_working(Sampling(1.0, thinking="minimal"))
    assert not any(writes_working(Sampling(1.0, thinking=level)) for level in ("low", "medium", "high"))


@pytest.mark.parametrize("working", [True, False])
def test_a_solve_call_with_and_without_the_working_shows_the_same_question(working: bool) -> None:
    one = solve_call(MCQ, seed=1, temperature=1.0, working=working)
    many = solves_call([MCQ, MCQ], seed=1, temperature=1.0, max_tokens=2000, working=working)
    for call in (one, many):
        assert has_working(call.schema) is working and ("\"working\"" in call.system) is working
        assert "2 + 2 = 4" not in call.system + call.prompt  # blind either way: no solution, no key
    assert one.prompt == solve_call(MCQ, seed=1, temperature=1.0, working=not working).prompt


def test_a_reply_is_read_with_or_without_its_working() -> None:
    one = solve_call(MCQ, seed=1, temperature=1.0, working=False)
    for text in ('{"choice": 1}', '{"working": "2 + 2 = 4", "choice": 1}'):
        assert parse_solve("gemini", ProviderReply(text, "m"), one) == {"choice": 1}
    many = solves_call([MCQ, MCQ], seed=1, temperature=1.0, max_tokens=2000, working=False)
    text = json.dumps({"answers": [{"id": "q1", "choice": 1}, {"id": "q2", "working": "w", "choice": 2}]})
    assert parse_solves("gemini", ProviderReply(text, "m"), many) == {"q1": {"choice": 1}, "q2": {"choice": 2}}


# --- through the real clients, against the simulators -------------------------------------------------------------


async def solves_of(s: Settings, spec: RequestSpec, n: int) -> tuple[list[CallRecord], list[Any], list[Any]]:
    """The verify records of one checked round of ``n`` items, and the request bodies each simulator saw."""
    async with verifier_rig(s, Knobs(seed=2), Knobs(seed=2)) as (g, v, rp, gm):
        items = (await g.generate(spec, n, plan=[], avoid=[], seed=3)).items
        rp.reset_stats()
        gm.reset_stats()
        records: list[CallRecord] = []
        checks = await v.check(items, subject=spec.subject, seed=11, records=records)
        assert all(c.verification == "verified" for c in checks), [c.reason for c in checks]
        return [r for r in records if r.purpose == "verify"], list(rp.stats.requests), list(gm.stats.requests)


def settings(**kw: Any) -> Settings:
    return Settings(**{"call_attempts": 2, "backoff_base_s": 0.0, "backoff_max_s": 0.0, **kw})


async def test_gemini_thinking_answers_alone_and_writes_less_than_with_its_working() -> None:
    """RunPod's items re-solved by Gemini: at its default level the request asks for no working and the reply
    has none; at 'minimal' it asks for the working, and the visible reply is several times longer."""
    thought, _, bodies = await solves_of(settings(), MATHS, 6)
    assert bodies and not any(has_working(b["generationConfig"]) for b in bodies)
    assert not any(has_working(b["systemInstruction"]) for b in bodies)
    minimal, _, bodies_min = await solves_of(settings(gemini_verify_thinking_level="minimal"), MATHS, 6)
    assert bodies_min and all(has_working(b["generationConfig"]) for b in bodies_min)

    def visible(records: list[CallRecord]) -> int:
        return sum(r.completion_tokens - r.thinking_tokens for r in records)

    assert visible(minimal) > 4 * visible(thought), (visible(minimal), visible(thought))


async def test_the_pod_verifier_writes_its_working() -> None:
    """Gemini's items re-solved on the pod: Aryabhata has no thinking phase, so its schema asks for the working."""
    records, bodies, _ = await solves_of(settings(verify_routes="gemini=runpod"), CHEM, 4)
    assert records and bodies and all(has_working(b["response_format"]) for b in bodies)


# --- the simulators' error model -----------------------------------------------------------------------------------


def known_questions(n: int) -> list[Question]:
    """``n`` multiple-choice questions the simulators of this process can solve (their answer registry)."""
    out: list[Question] = []
    for shape in all_shapes():
        item = shape_item(shape.key, "mcq", seed=5)
        remember(item)
        valid, _ = validate_items([item], "mcq")
        out += valid
        if len(out) == n:
            return out
    raise AssertionError("not enough shapes")


def right(q: Question, answer: dict[str, Any]) -> bool:
    assert isinstance(q, MCQQuestion) and not isinstance(q, NumericQuestion)
    return answer.get("choice") == q.correct_option_index


async def test_a_pod_solve_without_its_working_errs_more_than_with_it() -> None:
    qs = known_questions(60)
    async with SimulatorServer("vllm", knobs=Knobs(seed=8, solve_accuracy=0.9)) as sim, \
            httpx.AsyncClient(base_url=sim.base_url) as c:

        async def score(working: bool) -> int:
            hits = 0
            for i, q in enumerate(qs):
                call = solve_call(q, seed=i, temperature=0.7, working=working)
                body = {"model": "PhysicsWallahAI/Aryabhata-1.0", "temperature": call.temperature, "seed": call.seed,
                        "max_tokens": call.max_tokens,
                        "messages": [{"role": "system", "content": call.system}, {"role": "user", "content": call.prompt}],
                        "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": call.schema}}}
                r = await c.post("/chat/completions", json=body)
                hits += right(q, parse_solve("runpod", ProviderReply(r.json()["choices"][0]["message"]["content"], "m"), call))
            return hits

        with_working, without = await score(True), await score(False)
    # 90% accurate with its working; answering at once it errs as a model that does not reason (20%)
    assert with_working >= 45 and without <= 30, (with_working, without)


async def test_a_batched_gemini_solve_errs_by_its_thinking_level() -> None:
    """Eight questions per call: at 'low' the solver errs four times as often as at 'high', as a one-question
    solve does (the level, not the batching, sets the accuracy)."""
    qs = known_questions(64)
    async with SimulatorServer("gemini", knobs=Knobs(seed=9, solve_accuracy=0.9)) as sim:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sim.base_url))

        async def score(level: str) -> int:
            hits = 0
            for start in range(0, len(qs), 8):
                chunk = qs[start:start + 8]
                call = solves_call(chunk, seed=start, temperature=1.0, max_tokens=60_000, working=False)
                config = types.GenerateContentConfig(
                    system_instruction=call.system, response_mime_type="application/json",
                    response_json_schema=call.schema, max_output_tokens=call.max_tokens, seed=call.seed,
                    thinking_config=types.ThinkingConfig(thinking_level=types.ThinkingLevel(level)),
                )
                resp = await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt,
                                                                config=config)
                got = parse_solves("gemini", ProviderReply(resp.text or "", "m"), call)
                hits += sum(right(q, got[f"q{j + 1}"]) for j, q in enumerate(chunk) if f"q{j + 1}" in got)
            return hits

        high, low = await score("HIGH"), await score("LOW")
    # expected 58 of 64 at high (90%), 38 at low (60%)
    assert high >= 52 and low <= 46, (high, low)


async def test_another_verify_model_writes_its_working() -> None:
    """QGEN_VERIFY_MODEL: the profile's level says nothing of whether that model thinks, so it is asked for its
    working; a Gemini 2.x profile takes no level at all, so neither does its verify sampling."""
    _, _, bodies = await solves_of(settings(verify_model="gemini-3.1-pro-preview"), MATHS, 3)
    assert bodies and all(has_working(b["generationConfig"]) for b in bodies)
    legacy = gemini_profile(settings(gemini_model="gemini-2.5-flash", gemini_verify_thinking_level="low"))
    assert legacy.verify.thinking is None and legacy.confirm is None and writes_working(legacy.verify)
