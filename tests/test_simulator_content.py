"""Simulator content: exam-style items that embed apart (all-MiniLM-L6-v2, the bank's 0.80), keys that are
right (recomputed here from the stated data), near-copies only on purpose, and the answer-verification
knobs (wrong keys, blind solves) through the real clients."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import pytest
from google import genai
from google.genai import types

from service.embedding import Embedder
from service.numbers import number_of
from service.prompts import parse_request_block, user_prompt
from service.providers.gemini import profile_from as gemini_profile
from service.questions import MCQQuestion, NumericQuestion, RequestSpec, normalise_text, validate_items
from service.settings import Settings
from service.solve import SolveMCQ, SolveNumeric, solve_call
from simulators import Knobs, SimulatorServer
from simulators.content import ContentSource, question_item, remember, shape_item, slot_shapes, truth_of
from simulators.core import parse_solve_block
from simulators.shapes import FAMILIES, TOPIC_KEYWORDS, all_shapes, of_family

THRESHOLD = Settings().dedup_threshold  # 0.80: the bank refuses pairs at or above it within a subject
MODEL = "PhysicsWallahAI/Aryabhata-1.0"


def block_for(subject: str, topic: str, n: int, qtype: str = "mcq", subtopic: str | None = None) -> dict[str, Any]:
    """The request block the worker sends (plan, avoid, seed), parsed back as the simulators read it."""
    from service.diversity import make_plan

    spec = RequestSpec(subject=subject, topic=topic, subtopic=subtopic, exam="JEE Main", question_type=qtype)
    block = parse_request_block(user_prompt(spec, n, make_plan(spec, n, 2026), [], seed=2026))
    assert block is not None
    return block


def max_cross_cosine(emb: np.ndarray) -> float:
    sims = emb @ emb.T
    np.fill_diagonal(sims, -1.0)
    return float(sims.max())


# --- items read like exam questions and embed apart ------------------------------------------------------

# sentences of the old filler content: a question must never carry one
FILLER = re.compile(r"monkey|comic relief|goalkeeper|nearby,|jalebi|stray dog|radio in the background", re.IGNORECASE)


@pytest.mark.parametrize(
    ("subject", "topic", "qtype", "topic_key"),
    [
        ("Physics", "Kinematics", "mcq", "kinematics"),
        ("Mathematics", "Definite integrals", "numeric", "integrals"),
        ("Chemistry", "Mole concept", "mcq", "mole"),
    ],
)
async def test_sixty_slots_on_one_topic_embed_as_distinct_questions(
    embedder: Embedder, subject: str, topic: str, qtype: str, topic_key: str
) -> None:
    block = block_for(subject, topic, 60, qtype)
    items = [question_item(block, i) for i in range(60)]
    valid, problems = validate_items(items, qtype)
    assert len(valid) == 60, problems
    assert len({tuple(it["tags"][:2]) for it in items}) == 60  # one problem per slot: sixty different shapes
    assert not [it["question_text"] for it in items if FILLER.search(it["question_text"])]
    # the topic's own problems come first
    assert {it["tags"][0] for it in items[:8]} == {topic_key.replace("_", " ")}
    worst = max_cross_cosine(await embedder.embed(valid))  # what the bank embeds: ask, options, passage
    print(f"{subject}/{topic} ({qtype}): max pairwise cosine over 60 slots {worst:.3f}")
    assert worst < THRESHOLD


DATA_OR_ASK = re.compile(
    r"[\d$?:]|\b(?:which|what|how|find|evaluate|determine|calculate|solve|express|give"
    r"|one|two|three|four|five|six|ten|twice|half|double|equal)\b",
    re.IGNORECASE,
)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def scenery(item: dict[str, Any]) -> list[str]:
    """Sentences of the question that state no data, ask nothing and share no word with the rest of the
    item (its other sentences, options and solution): filler, like the old "A cheeky monkey adds a little
    comic relief." """
    sentences = re.split(r"(?<=[.?!])\s+(?=[A-Z(])", item["question_text"])
    out = []
    for i, sentence in enumerate(sentences):
        rest = " ".join([*sentences[:i], *sentences[i + 1:], *item.get("options", []), item["solution"]])
        if not DATA_OR_ASK.search(sentence) and not words(sentence) & words(rest):
            out.append(sentence)
    return out


def test_no_question_carries_scenery() -> None:
    for shape in all_shapes():
        for seed in range(3):
            item = shape_item(shape.key, "mcq", seed)
            assert not scenery(item), (shape.key, scenery(item))
    padded = shape_item("kinematics.car_from_rest", "mcq", 1)
    padded["question_text"] += " A cheeky monkey adds a little comic relief."
    assert scenery(padded) == ["A cheeky monkey adds a little comic relief."]  # the check does catch filler


def test_every_shape_renders_valid_items_whose_solution_ends_at_the_key() -> None:
    for shape in all_shapes():
        for qtype in ("mcq", "numeric") if shape.numeric else ("mcq",):
            for seed in range(5):
                item = shape_item(shape.key, qtype, seed)
                valid, problems = validate_items([item], qtype)
                assert valid, (shape.key, problems)
                q = valid[0]
                if isinstance(q, NumericQuestion):
                    boxed = re.findall(r"\\boxed\{([^$]*)\}", q.solution)
                    assert boxed and number_of(boxed[-1]) == pytest.approx(q.answer, rel=1e-3), shape.key
                else:
                    assert isinstance(q, MCQQuestion)
                    assert q.solution.endswith(f"option {'ABCD'[q.correct_option_index]}."), shape.key


# --- keys are right: recomputed from the numbers in the question ----------------------------------------


def value_of(option: str) -> float:
    """The number an option states: '121.5 m', '$-\\frac{9}{2}$', '$6.93 \\times 10^{-3}$ s', '30 %'."""
    t = option.replace("$", "").strip()
    if m := re.match(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", t):
        return (-1 if m.group(1) else 1) * int(m.group(2)) / int(m.group(3))
    if m := re.match(r"(-?[\d.]+) \\times 10\^\{(-?\d+)\}", t):
        return float(m.group(1)) * 10 ** int(m.group(2))
    if m := re.match(r"10\^\{(-?\d+)\}", t):
        return 10.0 ** int(m.group(1))
    m = re.match(r"-?\d+(?:\.\d+)?", t)
    assert m, option
    return float(m.group())


def nums(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace(",", ""))]


def _car(t: str) -> float:
    a, secs = re.search(r"at ([\d.]+) m/s² for (\d+) s", t).groups()  # type: ignore[union-attr]
    return float(a) * float(secs) ** 2 / 2


def _runway(t: str) -> float:
    v = float(re.search(r"speed of (\d+) m/s", t).group(1))  # type: ignore[union-attr]
    a = float(re.search(r"acceleration of ([\d.]+) m/s²", t).group(1))  # type: ignore[union-attr]
    return v * v / (2 * a)


def _ammonia(t: str) -> float:
    n2, h2 = (float(x) for x in re.search(r"([\d.]+) g of nitrogen and ([\d.]+) g of hydrogen", t).groups())  # type: ignore[union-attr]
    return min(n2 / 28, h2 / 2 / 3) * 2 * 17


def _sum_squares(t: str) -> float:
    n = int(re.search(r"\\dots \+ (\d+)\^2", t).group(1))  # type: ignore[union-attr]
    return float(sum(k * k for k in range(1, n + 1)))


def _arrangements(t: str) -> float:
    word = re.search(r"word ([A-Z]+)", t).group(1)  # type: ignore[union-attr]
    if len(word) <= 8:
        return float(len(set(itertools.permutations(word))))
    total = math.factorial(len(word))
    for c in Counter(word).values():
        total //= math.factorial(c)
    return float(total)


def _dice(t: str) -> float:
    s = int(re.search(r"add up to (\d+)", t).group(1))  # type: ignore[union-attr]
    return sum(1 for a in range(1, 7) for b in range(1, 7) if a + b == s) / 36


def _poly_integral(t: str) -> float:
    upper = float(re.search(r"\\int_0\^\{(\d+)\}", t).group(1))  # type: ignore[union-attr]
    p, sign, q = re.search(r"\((\d*)x\^2 ([+-]) (\d*)x\)", t).groups()  # type: ignore[union-attr]
    cp, cq = float(p or 1), float(q or 1) * (1 if sign == "+" else -1)
    n = 2000  # Simpson's rule, exact for a quadratic
    h = upper / n
    f = [cp * (i * h) ** 2 + cq * i * h for i in range(n + 1)]
    return h / 3 * (f[0] + f[-1] + 4 * sum(f[1:-1:2]) + 2 * sum(f[2:-1:2]))


def _sin_tan_limit(t: str) -> float:
    a, b = (float(x) for x in re.search(r"\\sin (\d+)x\}\{\\tan (\d+)x", t).groups())  # type: ignore[union-attr]
    x = 1e-6
    return math.sin(a * x) / math.tan(b * x)


def _open_box(t: str) -> float:
    a = float(re.search(r"side (\d+) cm", t).group(1))  # type: ignore[union-attr]
    return max((a - 2 * x) ** 2 * x for x in (i * a / 2 / 6000 for i in range(6001)))


def _lens(t: str) -> float:
    u, f = (float(x) for x in re.search(r"placed (\d+) cm from a convex lens of focal length (\d+) cm", t).groups())  # type: ignore[union-attr]
    return 1 / (1 / f - 1 / u)


def _half_life(t: str) -> float:
    k = number_of(re.search(r"rate constant (\S+(?: \\times 10\^\{-?\d+\})?)", t.replace("$", "")).group(1))  # type: ignore[union-attr]
    assert k is not None
    return 0.693 / k


def _chargaff(t: str) -> float:
    return (100 - 2 * nums(t)[0]) / 2


def _clock(t: str) -> float:
    h, m = (int(x) for x in re.search(r"(\d+):(\d+)", t).groups())  # type: ignore[union-attr]
    hour, minute = (h % 12) * 30 + m * 0.5, m * 6.0
    d = abs(hour - minute)
    return min(d, 360 - d)


def _capacitors(t: str) -> float:
    c1, c2, c3 = nums(t)[:3]
    return c1 * c2 / (c1 + c2) + c3


def _meter_bridge(t: str) -> float:
    r, length = nums(t)[0], nums(t)[-1]
    return r * (100 - length) / length


RECOMPUTE: dict[str, Callable[[str], float]] = {
    "kinematics.car_from_rest": _car,
    "kinematics.runway_length": _runway,
    "mole.ammonia_limiting": _ammonia,
    "sequences.sum_of_squares": _sum_squares,
    "permutations.word_arrangements": _arrangements,
    "probability.two_dice_sum": _dice,
    "integrals.polynomial_integral": _poly_integral,
    "limits.limit_sin_ratio": _sin_tan_limit,
    "derivatives.open_box": _open_box,
    "optics.convex_lens_image": _lens,
    "kinetics.first_order_half_life": _half_life,
    "genetics.chargaff": _chargaff,
    "aptitude.clock_angle": _clock,
    "electrostatics.capacitor_network": _capacitors,
    "current.meter_bridge": _meter_bridge,
}


@pytest.mark.parametrize("key", sorted(RECOMPUTE))
def test_the_marked_answer_is_the_answer_of_the_stated_problem(key: str) -> None:
    recompute = RECOMPUTE[key]
    for seed in range(25):
        mcq = shape_item(key, "mcq", seed)
        expected = recompute(mcq["question_text"])
        marked = value_of(mcq["options"][mcq["correct_option_index"]])
        assert marked == pytest.approx(expected, rel=2e-3), (key, mcq["question_text"], mcq["options"])
        # four options, one of them right: no distractor is also the answer
        others = [value_of(o) for i, o in enumerate(mcq["options"]) if i != mcq["correct_option_index"]]
        assert all(o != pytest.approx(expected, rel=2e-3) for o in others), mcq["options"]
        num = shape_item(key, "numeric", seed)
        assert num["answer"] == pytest.approx(recompute(num["question_text"]), rel=2e-3), (key, num["question_text"])


def test_subtopic_problems_come_first_and_difficulty_is_preferred() -> None:
    block = block_for("Chemistry", "Mole concept", 3, subtopic="Limiting reagent")
    # the three limiting-reagent problems and the conceptual question about the limiting reagent
    limiting = {"mole.ammonia_limiting", "mole.water_limiting", "mole.co2_from_marble", "mole.limiting_reagent_idea"}
    first = {s.key for s in slot_shapes(block, 3)}
    assert len(first) == 3 and first <= limiting
    hard = block_for("Physics", "Kinematics", 3)
    hard["difficulty"] = "hard"
    assert all(s.level == "hard" for s in slot_shapes(hard, 2))  # kinematics has two hard problems
    generic = block_for("History", "The Mughal Empire", 5)
    assert {s.family for s in slot_shapes(generic, 5)} == {"generic"}  # still reads like a question
    science = block_for("General Science", "Optics", 5)
    assert {s.topic for s in slot_shapes(science, 5)} == {"optics"}


# --- near-duplicates only on purpose ----------------------------------------------------------------------


async def test_duplicates_are_near_copies_and_off_by_default(embedder: Embedder) -> None:
    assert Knobs().duplicate_rate == 0.0
    block = block_for("Physics", "Kinematics", 10)
    clean = ContentSource(seed=1).batch(block, 10)
    assert clean.duplicates == 0
    src = ContentSource(seed=2)
    first = src.batch(block, 10).items
    copies = src.batch({**block, "seed": 99}, 10, duplicate_rate=1.0, rng=random.Random(4))
    assert copies.duplicates == 10
    fresh, dup = validate_items(first, "mcq")[0], validate_items(copies.items, "mcq")[0]
    sims = (await embedder.embed(dup)) @ (await embedder.embed(fresh)).T
    nearest = sims.max(axis=1)
    print(f"duplicate -> nearest original cosine: min {nearest.min():.3f}")
    assert float(nearest.min()) >= 0.9
    for item in copies.items:  # a reworded copy still has the right key
        truth = truth_of(item["question_text"])
        assert truth is not None and item["options"][item["correct_option_index"]] == truth.option


def test_served_shapes_are_not_repeated_while_fresh_ones_remain() -> None:
    src = ContentSource()
    block = block_for("Mathematics", "Sequences and series", 10)
    keys = [tuple(it["tags"][:2]) for seed in range(8) for it in src.batch({**block, "seed": seed}, 10).items]
    assert len(keys) == len(set(keys)) == 80


# --- the answer-verification knobs, through the real clients ----------------------------------------------


def chat_body(call: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": [{"role": "system", "content": call.system}, {"role": "user", "content": call.prompt}],
        "temperature": call.temperature,
        "seed": call.seed,
        "max_tokens": call.max_tokens,
        "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "schema": call.schema}},
    }


def generate_call(n: int, qtype: str, topic: str = "Kinematics", subject: str = "Physics") -> Any:
    from service.prompts import build_call
    from service.questions import provider_json_schema

    spec = RequestSpec(subject=subject, topic=topic, question_type=qtype, exam="JEE Main")
    return build_call(spec, n, plan=[f"idea {i}" for i in range(n)], avoid=[], seed=7, temperature=0.7,
                      max_tokens=3000, schema=provider_json_schema(qtype))


async def generated(c: httpx.AsyncClient, n: int, qtype: str, **kw: Any) -> list[dict[str, Any]]:
    r = await c.post("/chat/completions", json=chat_body(generate_call(n, qtype, **kw)))
    return list(json.loads(r.json()["choices"][0]["message"]["content"])["questions"])


def as_question(item: dict[str, Any], qtype: str) -> MCQQuestion | NumericQuestion:
    valid, problems = validate_items([item], qtype)
    assert valid, problems
    return valid[0]


async def test_wrong_key_rate_one_mis_keys_every_item_and_the_registry_keeps_the_truth() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(wrong_key_rate=1.0)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        mcq = await generated(c, 6, "mcq")
        num = await generated(c, 6, "numeric", topic="Optics")
        assert sim.stats.wrong_keys_returned == 12
    for item in mcq:
        truth = truth_of(item["question_text"])
        assert truth is not None and truth.option in item["options"]
        assert item["options"][item["correct_option_index"]] != truth.option
        assert f"option {'ABCD'[item['options'].index(truth.option)]}." in item["solution"]  # the working is right
    for item in num:
        truth = truth_of(item["question_text"])
        assert truth is not None and truth.value is not None
        assert not math.isclose(item["answer"], truth.value, rel_tol=0.05)


async def test_blind_solve_over_vllm_answers_with_the_true_key_at_accuracy_one_and_never_at_zero() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(seed=3)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        mcq = [as_question(it, "mcq") for it in await generated(c, 5, "mcq")]
        num = [as_question(it, "numeric") for it in await generated(c, 5, "numeric", topic="Thermodynamics")]
        for accuracy in (1.0, 0.0):
            sim.knobs.solve_accuracy = accuracy
            for q in mcq:
                assert isinstance(q, MCQQuestion)
                true_option = q.options[q.correct_option_index]
                shuffled = q.model_copy(update={"options": random.Random(5).sample(q.options, 4)})
                before = sim.stats.prompt_tokens, sim.stats.completion_tokens
                r = await c.post("/chat/completions", json=chat_body(solve_call(shuffled, seed=1, temperature=0)))
                reply = SolveMCQ.model_validate_json(r.json()["choices"][0]["message"]["content"])
                right = shuffled.options[reply.choice] == true_option
                assert right is (accuracy == 1.0), (accuracy, reply)
                assert sim.stats.prompt_tokens > before[0] and sim.stats.completion_tokens > before[1]
            for q in num:
                assert isinstance(q, NumericQuestion)
                r = await c.post("/chat/completions", json=chat_body(solve_call(q, seed=1, temperature=0)))
                solved = SolveNumeric.model_validate_json(r.json()["choices"][0]["message"]["content"])
                assert math.isclose(solved.answer, q.answer, rel_tol=1e-3) is (accuracy == 1.0), (accuracy, solved)
        assert sim.stats.solves_returned == 20 and sim.stats.items_returned == 10


async def test_a_greedy_solve_repeats_itself_whatever_the_seed() -> None:
    """vLLM's temperature 0 is greedy decoding: re-solving at temperature 0 with another seed gives the same
    answer (so it checks nothing); at the model's usual temperature the seeds sample independently."""
    async with (
        SimulatorServer("vllm", knobs=Knobs(seed=4, solve_accuracy=0.5)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        mcq = [as_question(it, "mcq") for it in await generated(c, 10, "mcq")]

        async def choices(q: MCQQuestion | NumericQuestion, temperature: float) -> list[int]:
            out = []
            for seed in (1, 2, 3):
                r = await c.post("/chat/completions", json=chat_body(solve_call(q, seed=seed, temperature=temperature)))
                out.append(SolveMCQ.model_validate_json(r.json()["choices"][0]["message"]["content"]).choice)
            return out

        greedy = [await choices(q, 0.0) for q in mcq]
        assert all(len(set(c)) == 1 for c in greedy), greedy
        sampled = [await choices(q, 0.7) for q in mcq]
        assert any(len(set(c)) > 1 for c in sampled), sampled


async def test_blind_solve_over_gemini_sdk_and_an_unknown_question() -> None:
    async with SimulatorServer("gemini", knobs=Knobs(solve_accuracy=1.0)) as sim:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sim.base_url))
        item = shape_item("rotation.rod_about_end", "mcq", seed=11)
        remember(item)
        q = as_question(item, "mcq")
        assert isinstance(q, MCQQuestion)
        shuffled = q.model_copy(update={"options": list(reversed(q.options))})
        call = solve_call(shuffled, seed=3, temperature=0.2)
        config = types.GenerateContentConfig(
            system_instruction=call.system, response_mime_type="application/json", response_schema=SolveMCQ,
            # the answer's budget plus the thinking room the profile gives a blind solve (thinking is on by default)
            max_output_tokens=gemini_profile(Settings()).output_budget("verify", call.max_tokens),
        )
        resp = await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt, config=config)
        assert isinstance(resp.parsed, SolveMCQ)
        assert shuffled.options[resp.parsed.choice] == q.options[q.correct_option_index]
        assert resp.usage_metadata and resp.usage_metadata.prompt_token_count

        numeric = as_question(shape_item("optics.lens_maker", "numeric", seed=2), "numeric")
        unknown = numeric.model_copy(update={"question_text": "A question no simulator in this process wrote, on lenses."})
        call = solve_call(unknown, seed=3, temperature=0.2)
        config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=SolveNumeric)
        resp = await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt, config=config)
        assert isinstance(resp.parsed, SolveNumeric)
        assert (resp.parsed.answer, resp.parsed.working) == (0.0, "could not solve")


def test_parse_solve_block_reads_the_gate_prompt_and_refuses_bad_blocks() -> None:
    item = shape_item("kinematics.car_from_rest", "numeric", seed=1)
    remember(item)
    q = as_question(item, "numeric")
    block = parse_solve_block(solve_call(q, seed=1, temperature=0).prompt)
    assert block == {"question_type": "numeric", "question_text": q.question_text, "unit": "m"}
    assert parse_solve_block("no block here") is None
    assert parse_solve_block('<solve>{"question_type": "mcq", "question_text": "x"}</solve>') is None  # no options
    assert parse_solve_block("<solve>{not json}</solve>") is None
    # the gate's system prompt names <solve> in prose; the block is still found
    prose = "Solve the question inside <solve> yourself.\n"
    assert parse_solve_block(prose + solve_call(q, seed=1, temperature=0).prompt) == block
    # the registry is keyed by the normalised text: spacing and LaTeX spacing do not matter
    truth = truth_of(q.question_text.replace(" ", "  "))
    assert truth is not None and truth == truth_of(q.question_text) and truth.value == pytest.approx(q.answer, rel=1e-3)
    assert truth_of(normalise_text(q.question_text) + " (reworded)") is None


def test_the_off_topic_knob_serves_near_chapter_drifts_and_other_subjects_never_taught_in_the_request() -> None:
    from simulators.content import NEAR_CHAPTERS, ContentSource, is_off_topic, taught_in
    from simulators.shapes import by_key

    src = ContentSource(seed=3)
    block = {"subject": "Chemistry", "topic": "Chemical Kinetics", "question_type": "mcq", "count": 40}
    res = src.batch(block, 40, off_topic_rate=1.0, rng=random.Random(5))
    assert res.off_topic == 40 and 10 <= res.off_topic_near <= 30  # both kinds, about half each
    shapes = [by_key(k) for k in list(src.shape_log)[-40:]]
    assert all("chemistry" not in taught_in(s) for s in shapes)  # never a problem Chemistry teaches too
    near = [s for s in shapes if s.topic in NEAR_CHAPTERS["kinetics"]]  # kinetic theory, radioactive decay
    assert len(near) >= res.off_topic_near
    assert any(s.family == "biology" or s.family == "mathematics" for s in shapes)  # and any other subject
    assert all(is_off_topic(it["question_text"], "Chemistry") for it in res.items)
    assert not any(is_off_topic(it["question_text"], s.family) for it, s in zip(res.items, shapes, strict=True))


def test_a_problem_taught_in_both_syllabi_is_on_topic_in_both() -> None:
    from simulators.content import taught_in
    from simulators.shapes import by_key

    assert taught_in(by_key("modern.bohr_radius")) == {"physics", "chemistry"}  # Atomic Structure: Bohr model
    assert taught_in(by_key("gases.boyle")) == {"chemistry", "physics"}  # Kinetic Theory: equation of state
    assert taught_in(by_key("modern.binding_energy")) == {"physics"}


def test_families_load_on_first_use_and_their_topics_match_the_data() -> None:
    # a fresh interpreter: importing the simulators (server, content) loads no family, picking one loads only it
    probe = (
        "import sys\n"
        "import simulators, simulators.content as c\n"
        "from simulators import shapes\n"
        "def loaded(): return sorted(f for f in shapes.FAMILIES if f'simulators.shapes.{f}' in sys.modules)\n"
        "print(loaded())\n"
        "c.topic_tiers({'subject': 'Physics', 'topic': 'Optics'})\n"
        "print(loaded())\n"
        "shapes.by_key('gases.boyle')\n"
        "print(loaded())\n"
    )
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["[]", "['physics']", "['chemistry', 'physics']"]
    # every family's topics are the data's, in its order, and every key is unique across families
    shapes = all_shapes()
    assert len({s.key for s in shapes}) == len(shapes)
    for family, topics in FAMILIES.items():
        assert tuple(dict.fromkeys(s.topic for s in shapes if s.family == family)) == topics
        assert all(TOPIC_KEYWORDS[t] for t in topics)
    with pytest.raises(KeyError):
        of_family("astrology")


def test_wrong_key_first_mis_keys_the_first_on_topic_items_whatever_the_draws() -> None:
    src = ContentSource(seed=4)
    block = {"subject": "Physics", "topic": "Kinematics", "question_type": "mcq"}
    first = src.batch(block, 3, wrong_key_first=2, rng=random.Random(1))
    second = src.batch(block, 3, wrong_key_first=2, rng=random.Random(2))
    assert (first.wrong_keys, second.wrong_keys) == (2, 0)  # two, then none: the rate is 0
    for item in first.items[:2]:
        truth = truth_of(item["question_text"])
        assert truth is not None and item["options"][item["correct_option_index"]] != truth.option


def test_the_simulated_solver_says_an_item_served_off_topic_is_not_taught_in_the_subject_asked() -> None:
    from simulators.content import solve

    src = ContentSource(seed=6)
    item = src.batch({"subject": "Biology", "topic": "Human Physiology"}, 1, off_topic_rate=1.0, rng=random.Random(3)).items[0]
    block = {"question_type": "mcq", "question_text": item["question_text"], "options": item["options"]}
    assert solve({**block, "subject": "Biology"}, accurate=True, rng=random.Random(1))["on_topic"] is False
    assert solve(block, accurate=True, rng=random.Random(1))["on_topic"] is True  # no subject named: no opinion
    own = src.batch({"subject": "Biology", "topic": "Human Physiology"}, 1, rng=random.Random(4)).items[0]
    own_block = {"question_type": "mcq", "question_text": own["question_text"], "options": own["options"], "subject": "Biology"}
    assert solve(own_block, accurate=True, rng=random.Random(1))["on_topic"] is True
