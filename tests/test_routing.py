"""Routing decisions (pure): subject aliases from the catalogue, route rules, whole-word keyword routing."""

from __future__ import annotations

import pytest

from service.catalogue import Catalogue, Subject
from service.errors import ConfigError
from service.routing import Routes, normalise_subject, parse_routes, route
from service.settings import Settings

RULES = parse_routes("mathematics=runpod,physics=runpod,*=gemini")
# The seeded catalogue's subjects, aliases and routes (sql/migrations/20261204000300_subjects.sql)
CATALOGUE = Catalogue.of([
    Subject("Mathematics", "runpod", "", ("math", "maths", "mathematic")),
    Subject("Physics", "runpod", "", ("phys", "physic")),
    Subject("Chemistry", "gemini", "", ("chem",)),
    Subject("Biology", "gemini", "", ("bio", "botany", "zoology")),
])  # fmt: skip
ALIASES = CATALOGUE.aliases()


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
    assert normalise_subject(raw, ALIASES) == want


def test_without_a_catalogue_names_are_only_lower_cased() -> None:
    assert normalise_subject("  Maths ") == "maths"
    assert CATALOGUE.canonical(" MATHS ") == "Mathematics" and CATALOGUE.canonical("Astrology") is None


def test_parse_routes_default_setting() -> None:
    assert parse_routes(Settings().routes) == {"mathematics": "runpod", "physics": "runpod", "*": "gemini"}


def test_parse_routes_normalises_and_tolerates_spaces() -> None:
    assert parse_routes(" Maths = RunPod , *=gemini ,") == {"maths": "runpod", "*": "gemini"}


def test_qgen_routes_override_the_catalogue_which_overrides_the_default() -> None:
    routes = Routes(parse_routes("maths=gemini,*=runpod")).with_catalogue(CATALOGUE)
    assert routes.rules == {"mathematics": "gemini", "*": "runpod", "physics": "runpod", "chemistry": "gemini",
                            "biology": "gemini"}  # fmt: skip
    assert routes.primary("Math", "") == "gemini"  # QGEN_ROUTES names it (by an alias)
    assert routes.primary("Botany", "") == "gemini"  # the catalogue routes it
    assert routes.primary("Astrology", "") == "runpod"  # neither: '*'
    default = Routes(parse_routes(Settings().routes)).with_catalogue(CATALOGUE)
    assert {s: default.primary(s, "") for s in ("Maths", "Phys", "Chem", "Zoology")} == {
        "Maths": "runpod", "Phys": "runpod", "Chem": "gemini", "Zoology": "gemini"}  # fmt: skip


def test_one_subject_routed_twice_under_two_names_is_refused() -> None:
    with pytest.raises(ConfigError, match="QGEN_ROUTES: subject 'mathematics' is routed twice"):
        Routes(parse_routes("maths=runpod,mathematics=gemini,*=gemini")).with_catalogue(CATALOGUE)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "mathematics=runpod",
        "mathematics",
        "mathematics=openai,*=gemini",
        "=runpod,*=gemini",
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
    assert route(subject, "a physics-flavoured mathematics prompt", RULES, ALIASES) == want


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
