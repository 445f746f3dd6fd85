"""Routing decisions (pure): subject aliases, route rules, whole-word keyword routing."""

from __future__ import annotations

import pytest

from service.errors import ConfigError
from service.routing import normalise_subject, parse_routes, route
from service.settings import Settings

RULES = parse_routes("mathematics=runpod,physics=runpod,*=gemini")


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Math", "mathematics"),
        ("Maths", "mathematics"),
        ("mathematics", "mathematics"),
        (" MATHEMATICS ", "mathematics"),
        ("Phys", "physics"),
        ("physics", "physics"),
        ("Chem", "chemistry"),
        ("Bio", "biology"),
        ("biology", "biology"),
        ("  Computer   Science ", "computer science"),
    ],
)
def test_normalise_subject(raw: str, want: str) -> None:
    assert normalise_subject(raw) == want


def test_parse_routes_default_setting() -> None:
    assert parse_routes(Settings().routes) == {"mathematics": "runpod", "physics": "runpod", "*": "gemini"}


def test_parse_routes_normalises_and_tolerates_spaces() -> None:
    assert parse_routes(" Maths = RunPod , *=gemini ,") == {"mathematics": "runpod", "*": "gemini"}


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "mathematics=runpod",
        "mathematics",
        "mathematics=openai,*=gemini",
        "=runpod,*=gemini",
        "maths=runpod,mathematics=gemini,*=gemini",
        "a=b=c,*=gemini",
    ],
)
def test_parse_routes_rejects_malformed(bad: str) -> None:
    with pytest.raises(ConfigError, match="QGEN_ROUTES"):
        parse_routes(bad)


@pytest.mark.parametrize(
    ("subject", "want"),
    [
        ("Maths", "runpod"),
        ("PHYSICS", "runpod"),
        ("Chem", "gemini"),
        ("Biology", "gemini"),
        ("History", "gemini"),
    ],
)
def test_structured_subject_wins(subject: str, want: str) -> None:
    # the prompt text must not override a structured subject
    assert route(subject, "a physics-flavoured mathematics prompt", RULES) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Write math questions on limits", "runpod"),
        ("MATHS: quadratic equations", "runpod"),
        ("SUBJECT: Mathematics", "runpod"),
        ("rotational physics, JEE advanced", "runpod"),
        ("(physics)", "runpod"),
        ("the aftermath of the French revolution", "gemini"),
        ("metaphysics of Kant", "gemini"),
        ("mathematical biology", "gemini"),
        ("organic chemistry", "gemini"),
        ("", "gemini"),
    ],
)
def test_free_form_keywords_on_word_boundaries(text: str, want: str) -> None:
    assert route(None, text, RULES) == want
    assert route("  ", text, RULES) == want


def test_all_to_gemini_rule() -> None:
    assert route("mathematics", "", parse_routes("*=gemini")) == "gemini"
