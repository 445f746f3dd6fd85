"""Diversity at the source: a plan of distinct question angles, one per wanted question.

The old generator asked for N questions on one topic and got near-identical ones back. Each question
of a call is now pinned to a different (archetype, angle) pair; a seeded permutation of all pairs
makes plans differ between calls, and ``offset`` (a job's first slot plus the top-up round) walks
further along the same permutation so that the jobs of one request do not repeat each other.
"""

from __future__ import annotations

import random

from .questions import RequestSpec

_ARCHETYPES = {
    "mathematics": [
        "direct computation with a standard formula",
        "find an unknown parameter from a given condition",
        "count the number of solutions or cases",
        "maximum or minimum value",
        "a property that holds for all values (identity or inequality)",
        "graphical or geometric interpretation",
        "a special or limiting case",
        "combine two results from different chapters",
        "a statement-type question: which claim is true",
        "reverse problem: work back from the answer's form",
    ],
    "physics": [
        "direct numerical application of a law",
        "find an unknown quantity from a measured effect",
        "a conceptual change: what happens if a parameter doubles",
        "graph reading or sketching",
        "conservation law shortcut (energy or momentum)",
        "a limiting or special case",
        "dimensional analysis or units",
        "a two-stage process combining two ideas",
        "an experimental set-up and its error or reading",
        "compare two situations side by side",
    ],
    "chemistry": [
        "numerical problem (stoichiometry or equilibrium data)",
        "predict the product of a reaction",
        "order or rank a series by a property",
        "identify the reagent or condition",
        "exception to a general trend",
        "mechanism or intermediate",
        "structure, isomerism or naming",
        "a conceptual statement: which claim is true",
        "interpret experimental observations",
        "effect of changing a condition",
    ],
    "biology": [
        "identify a structure from its function",
        "match a process to its site or stage",
        "an exception to a general rule",
        "interpret an experiment's outcome",
        "sequence the steps of a process",
        "compare two organisms or processes",
        "a statement-type question: which claim is true",
        "cause and effect of a disorder or deficiency",
        "numerical (ratios, genetics crosses, counts)",
        "apply the concept to a new example",
    ],
}
_DEFAULT_ARCHETYPES = (
    _ARCHETYPES["physics"][:4] + _ARCHETYPES["mathematics"][4:8] + _ARCHETYPES["chemistry"][7:9]
)

_ANGLES = [
    "set in an everyday context",
    "with symbolic data (answer as an expression)",
    "with concrete numbers",
    "testing a common misconception",
    "needing one key insight rather than long algebra",
    "using the least-used formula of the topic",
    "with data given in a table or list",
    "where a tempting shortcut gives a wrong answer",
]


def _archetypes(subject: str) -> list[str]:
    s = subject.strip().lower()
    for key, values in _ARCHETYPES.items():
        if key.startswith(s[:4]) or s.startswith(key[:4]):
            return values
    return _DEFAULT_ARCHETYPES


def make_plan(spec: RequestSpec, n: int, seed: int, *, offset: int = 0) -> list[str]:
    """``n`` distinct plan entries for ``spec``; different for another ``seed`` or ``offset``.

    Entries are distinct for n up to archetypes x angles (80); beyond that a pair comes round again, numbered
    and asking for a new situation: never for the same question with other numbers, which the dedupe refuses
    as a variant (``docs/glossary.md``).
    """
    if n <= 0:
        return []
    focus = spec.topic.strip() + (
        f" / {spec.subtopic.strip()}" if spec.subtopic and spec.subtopic.strip() else ""
    )
    pairs = [(a, b) for a in _archetypes(spec.subject) for b in _ANGLES]
    random.Random(seed).shuffle(pairs)
    out = []
    for k in range(n):
        idx = offset + k
        a, b = pairs[idx % len(pairs)]
        lap = idx // len(pairs)
        entry = f"{focus}: {a}, {b}"
        out.append(entry if lap == 0 else f"{entry} (#{lap + 1}: a new situation, not an earlier one with other numbers)")
    return out
