"""Diversity plans: distinct entries, reproducible per seed, different across seeds and offsets."""

from __future__ import annotations

from service.diversity import make_plan
from service.questions import RequestSpec

SPEC = RequestSpec(subject="Physics", topic="Kinematics", subtopic="Projectile motion")


def test_plan_entries_are_distinct_and_name_the_topic() -> None:
    plan = make_plan(SPEC, 10, seed=7)
    assert len(plan) == 10 and len(set(plan)) == 10
    assert all(p.startswith("Kinematics / Projectile motion: ") for p in plan)


def test_plan_is_reproducible_and_changes_with_seed_and_offset() -> None:
    assert make_plan(SPEC, 5, seed=1) == make_plan(SPEC, 5, seed=1)
    assert make_plan(SPEC, 5, seed=1) != make_plan(SPEC, 5, seed=2)
    first, second = make_plan(SPEC, 10, seed=3, offset=0), make_plan(SPEC, 10, seed=3, offset=10)
    assert not set(first) & set(second)  # two jobs of one request never share an angle


def test_subject_specific_archetypes_and_large_n() -> None:
    chem = make_plan(RequestSpec(subject="Chemistry", topic="Equilibrium"), 80, seed=0)
    assert len(set(chem)) == 80
    assert any("predict the product" in p for p in chem)
    assert len(set(make_plan(SPEC, 100, seed=0))) == 100  # a pair's second turn is numbered
    assert make_plan(SPEC, 0, seed=0) == []


def test_a_plan_never_asks_for_a_variant() -> None:
    """The dedupe refuses a question that differs from another only in its numbers (a variant, QGEN_VARIANT_POLICY
    reject): a plan that wraps round its pairs asks for a new situation instead."""
    plan = make_plan(SPEC, 200, seed=5)
    assert not any("variant" in p.lower() for p in plan)
    again = plan[80:]
    assert again and all("a new situation, not an earlier one with other numbers" in p for p in again)
    assert all("#2" in p for p in plan[80:160]) and all("#3" in p for p in plan[160:])
