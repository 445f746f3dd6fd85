"""The answer-key gate's pure parts: reading a stated answer, the cheap checks, agreement, routes."""

from __future__ import annotations

import json

import pytest

from service.answers import agrees, cheap_problems, consensus, final_value
from service.errors import ConfigError, ProviderError
from service.numbers import number_of
from service.providers.base import ProviderReply
from service.questions import MCQQuestion, NumericQuestion
from service.routing import parse_verify_model, parse_verify_routes
from service.settings import Settings
from service.solve import parse_solve, solve_call
from service.verify import Plan, implausible, plan_check


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.5", 0.5),
        ("1/2", 0.5),
        ("50%", 0.5),
        ("\\frac{1}{2}", 0.5),
        ("$\\dfrac{3}{4}$", 0.75),
        ("-3", -3.0),
        ("1,200", 1200.0),
        ("1.2 \\times 10^{3}", 1200.0),
        ("3 × 10^8 m/s", 3e8),
        ("2.5 m/s^2", 2.5),
        ("-\\frac{9}{2}", -4.5),
        ("432 cm³", 432.0),
        ("x + 1", None),
        ("2x - 1", None),  # an expression, not a quantity with a unit
        ("3 ln 2", None),
        ("10^6", None),
        ("5 m/s^2", 5.0),
        ("7 kg m²", 7.0),
        ("\\sqrt{2}", None),
        ("", None),
    ],
)
def test_number_of(text: str, value: float | None) -> None:
    got = number_of(text)
    assert got == pytest.approx(value) if value is not None else got is None


def test_final_value_prefers_the_last_boxed_answer() -> None:
    assert final_value("First $x = 2$, so \\boxed{4} then \\boxed{\\frac{1}{2}}.") == "\\frac{1}{2}"
    assert final_value("Adding, we get 12. Hence the answer is 25 m.") == "25 m"
    assert final_value("Adding the two gives twelve.") is None
    assert final_value("So the answer is 121.5 m. Check: units agree.") == "121.5 m", "a decimal point ends nothing"


def test_percent_reads_as_a_fraction_only_where_asked() -> None:
    assert number_of("30 %") == pytest.approx(0.3) and number_of("30 %", percent=False) == 30
    assert cheap_problems(numeric(30, "The yield is \\boxed{30\\%}.", unit="%"), 0.01) == []


def mcq(options: list[str], key: int, solution: str) -> MCQQuestion:
    return MCQQuestion(
        question_text="What is the value asked for in this question?", options=options, correct_option_index=key,
        solution=solution,
    )


def numeric(answer: float, solution: str, unit: str | None = "m") -> NumericQuestion:
    return NumericQuestion(
        question_text="How far does the body travel in this question?", answer=answer, unit=unit, solution=solution
    )


def test_cheap_checks_catch_a_key_the_solution_contradicts() -> None:
    assert cheap_problems(mcq(["2", "4", "6", "8"], 1, "Doubling 2 gives \\boxed{4}."), 0.01) == []
    wrong = cheap_problems(mcq(["2", "4", "6", "8"], 0, "Doubling 2 gives \\boxed{4}."), 0.01)
    assert wrong == ["the solution ends at option 1 ('4'); the key says 0"]
    # a final value that is none of the options says nothing about the key (an intermediate, a unit)
    assert cheap_problems(mcq(["2", "4", "6", "8"], 0, "So the speed is \\boxed{10}."), 0.01) == []
    assert cheap_problems(numeric(25, "s = at^2/2 = \\boxed{25} m"), 0.01) == []
    assert cheap_problems(numeric(20, "s = at^2/2 = \\boxed{25} m"), 0.01) == ["the solution ends at 25; the answer says 20"]


def test_expressions_as_options_are_not_numbers() -> None:
    derivative = mcq(["2x - 1", "2x + 1", "2x - 5", "x - 1"], 0, "Differentiating gives \\boxed{2x - 1}.")
    assert cheap_problems(derivative, 0.01) == []
    light = mcq(["3 x 10^8 m/s", "10^6 m/s", "10^5 m/s", "10^10 m/s"], 0, "It is \\boxed{3 \\times 10^8} m/s.")
    assert cheap_problems(light, 0.01) == []


def test_cheap_checks_catch_options_of_equal_value() -> None:
    problems = cheap_problems(mcq(["0.5", "1/2", "50", "2"], 2, "It is \\boxed{50}."), 0.01)
    assert problems == ["options 0 and 1 are the same value ('0.5', '1/2')"]
    assert cheap_problems(mcq(["50%", "0.25", "1", "2"], 1, "Quarter: 0.25."), 0.01) == []
    assert cheap_problems(numeric(3e20, "Huge."), 0.01) == ["answer 3e+20 is not a plausible exam answer"]


def test_the_verifier_never_sees_the_key_or_the_solution() -> None:
    q = mcq(["2", "4", "6", "8"], 1, "Doubling 2 gives \\boxed{4}; SECRET-WORKING")
    call = solve_call(q, seed=3, temperature=0.0)
    assert "SECRET-WORKING" not in call.prompt + call.system and "correct_option_index" not in call.prompt
    block = json.loads(call.prompt.split("<solve>")[1].split("</solve>")[0])
    assert block == {"question_type": "mcq", "question_text": q.question_text, "options": ["2", "4", "6", "8"]}
    assert list(call.schema["properties"]) == ["working", "choice", "on_topic"], "working before the answer"
    n = numeric(25, "\\boxed{25}")
    block = json.loads(solve_call(n, seed=1, temperature=0.2).prompt.split("<solve>")[1].split("</solve>")[0])
    assert block == {"question_type": "numeric", "question_text": n.question_text, "unit": "m"}


def test_the_verifier_is_told_the_subject_and_says_whether_the_question_is_taught_there() -> None:
    q = mcq(["2", "4", "6", "8"], 1, "\\boxed{4}")
    call = solve_call(q, seed=3, temperature=0.0, subject="Chemistry")
    assert json.loads(call.prompt.split("<solve>")[1].split("</solve>")[0])["subject"] == "Chemistry"
    assert "on_topic" in call.system and "on_topic" not in call.schema.get("required", [])  # no opinion: on topic
    said = parse_solve("gemini", ProviderReply('{"working": "2*2", "choice": 1, "on_topic": false}', "m"), call)
    assert said == {"choice": 1, "on_topic": False}
    assert parse_solve("gemini", ProviderReply('{"working": "2*2", "choice": 1, "on_topic": true}', "m"), call) == {"choice": 1}


def test_agreement_mcq_by_choice_numeric_within_tolerance() -> None:
    q = mcq(["2", "4", "6", "8"], 1, "\\boxed{4}")
    assert agrees(q, {"choice": 1}, 0.01) == (True, None)
    assert agrees(q, {"choice": 3}, 0.01) == (False, "verifier chose option 3; the key says 1")
    n = numeric(25.0, "\\boxed{25}")
    assert agrees(n, {"answer": 25.2}, 0.01)[0] and not agrees(n, {"answer": 26}, 0.01)[0]
    assert agrees(n, {"answer": 26}, 0.01)[1] == "verifier answered 26 m; the key says 25 m"


def test_parse_solve_rejects_unusable_replies() -> None:
    call = solve_call(mcq(["2", "4", "6", "8"], 1, "\\boxed{4}"), seed=1, temperature=0)
    ok = parse_solve("gemini", ProviderReply('{"working": "2*2", "choice": 1}', "m"), call)
    assert ok == {"choice": 1}
    bad = (("not json", "invalid_json"), ('{"working": "x"}', "invalid_json"), ('{"working": "", "choice": 7}', "too_few"))
    for text, kind in bad:
        with pytest.raises(ProviderError) as e:
            parse_solve("gemini", ProviderReply(text, "m"), call)
        assert e.value.kind == kind


def test_verify_routes_are_data() -> None:
    routes = parse_verify_routes("runpod=gemini,gemini/Maths=runpod,gemini=gemini")
    assert routes.rules == {("runpod", None): "gemini", ("gemini", "maths"): "runpod", ("gemini", None): "gemini"}
    # the catalogue's aliases meet a rule and a request under two names of one subject
    assert routes.target("gemini", "Mathematics", ALIASES) == "runpod"
    assert routes.target("gemini", "Maths") == "runpod"
    assert routes.target("gemini", "Chemistry") == "gemini"
    assert parse_verify_routes("*=runpod").target("gemini", None) == "runpod"
    assert parse_verify_routes("").target("gemini", "Physics") is None
    for bad in ("runpod", "runpod=openai", "x=gemini", "=gemini", "gemini/physics"):
        with pytest.raises(ConfigError, match="QGEN_VERIFY_ROUTES"):
            parse_verify_routes(bad)


MODELS = {"runpod": "PhysicsWallahAI/Aryabhata-1.0", "gemini": "gemini-3.5-flash"}
ALIASES = {"maths": "mathematics", "math": "mathematics", "mathematics": "mathematics", "physics": "physics"}


def plan(generator: str, subject: str, models: dict[str, str] = MODELS, spec: str | None = None,
         verify_model: str | None = None) -> Plan | None:
    routes = parse_verify_routes(spec if spec is not None else Settings().verify_routes)
    return plan_check(generator, MODELS[generator], subject, routes=routes, models=models,
                      verify_model=parse_verify_model(verify_model), self_solves=2, aliases=ALIASES)


def test_by_default_nobody_grades_their_own_items_when_two_providers_are_configured() -> None:
    assert plan("runpod", "Mathematics") == Plan("gemini", None, 1, "cross")
    assert plan("gemini", "Physics") == Plan("runpod", None, 1, "cross"), "the specialist checks Gemini's physics"
    assert plan("gemini", "Maths") == Plan("runpod", None, 1, "cross")
    # RunPod's model is a mathematics specialist: Gemini's chemistry has no one else, so it must agree with itself
    assert plan("gemini", "Chemistry") == Plan("gemini", None, 2, "self_consistency")


def test_one_provider_checks_itself_by_self_consistency() -> None:
    only_gemini = {"gemini": "gemini-3.5-flash"}
    assert plan("gemini", "Physics", only_gemini) == Plan("gemini", None, 2, "self_consistency")
    only_runpod = {"runpod": "PhysicsWallahAI/Aryabhata-1.0"}
    assert plan("runpod", "Mathematics", only_runpod) == Plan("runpod", None, 2, "self_consistency")
    assert plan("gemini", "Physics", {}) is None


def test_a_second_model_makes_it_a_cross_check() -> None:
    assert plan("gemini", "Chemistry", verify_model="gemini-3.5-pro") == Plan("gemini", "gemini-3.5-pro", 1, "cross")
    # the model belongs to its provider: RunPod checking Gemini's physics keeps its own model
    assert plan("gemini", "Physics", verify_model="gemini-3.5-pro") == Plan("runpod", None, 1, "cross")
    assert parse_verify_model("runpod:org/other") == ("runpod", "org/other")
    assert parse_verify_model("gemini-3.5-pro") == ("gemini", "gemini-3.5-pro")
    assert parse_verify_model(" ") is None


def test_self_consistent_solves_must_agree_with_each_other_to_count() -> None:
    q = mcq(["2", "4", "6", "8"], 1, "\\boxed{4}")
    assert consensus(q, [{"choice": 1}, {"choice": 1}], 0.01) == ("verified", None)
    verdict, why = consensus(q, [{"choice": 2}, {"choice": 2}], 0.01)
    assert verdict == "disputed" and why == "verifier chose option 2; the key says 1 (2 blind solves agree)"
    verdict, why = consensus(q, [{"choice": 1}, {"choice": 3}], 0.01)
    assert verdict == "unverified" and why == "the 2 blind solves disagree (option 1, option 3)"
    assert consensus(q, [{"choice": 2}], 0.01)[0] == "disputed"


def test_numeric_solves_agree_within_the_tolerance() -> None:
    n = numeric(25.0, "\\boxed{25}")
    assert consensus(n, [{"answer": 25.1}, {"answer": 24.9}], 0.01) == ("verified", None)
    assert consensus(n, [{"answer": 25.0}, {"answer": 40.0}], 0.01)[0] == "unverified"


def test_an_implausible_dispute_rate_needs_enough_solves() -> None:
    assert not implausible(10, 19), "too few solves to judge"
    assert implausible(18, 20)
    assert not implausible(7, 50), "14%: the gate's own design case (10% wrong keys, a 95% verifier)"
    assert implausible(16, 50)
