"""The simulators' problem bank: JEE/NEET-style problems, each one a ``Shape`` with seeded numbers.

Ours, not an upstream behaviour. A shape is one kind of problem (a concept, a set-up and an ask);
``make(r)`` draws its numbers, computes the answer from them and writes the working that reaches it,
with the mistakes students typically make as distractors. Conceptual problems (no number to compute)
carry their answer and three wrong statements. Shapes are grouped by family (subject, one module each:
``mathematics``, ``physics``, ``chemistry``, ``biology``, ``generic``) and topic.

The families and their topics are data (``data/topics.json``: family -> topic -> keywords, regex
fragments matched at word starts of a request's topic), so choosing a topic loads no shape. A family's
module is imported, and its shapes registered, on the first ``of_family`` (or ``by_key``) for it.

Distinct shapes must embed as distinct questions (cosine < 0.8 with all-MiniLM-L6-v2 on
``service.embedding.representation``): each has its own set-up and its own final ask, never a shared
template with the nouns swapped.

A family's stock of shapes bounds how many distinct questions one server writes for a subject (a topic
that matches no keyword draws on the whole family); past it, every slot repeats a problem with other
numbers (a variant) or, for a conceptual question, with the same text (an exact duplicate), and the bank
refuses both. A model writing to distinct plan entries is not bound to such a stock, so each family holds
more than one subject's share of the end-to-end bench (five requests of 50, with top-ups): mathematics
185 shapes, physics 263, chemistry 219, biology 263 (the computed ones render several problems each).
Conceptual questions are data, ``data/{family}_facts.json``, NCERT facts with their answer, three wrong
statements and the reason; ``value`` makes one a numeric question too. The stock stays finite: a long
enough run of one subject still meets its repeats, as a model's does.
"""

from __future__ import annotations

import importlib
import json
from importlib import resources

from .base import REGISTRY, Problem, Shape, fmt, num

_TOPICS: dict[str, dict[str, list[str]]] = json.loads(
    resources.files(__name__).joinpath("data/topics.json").read_text("utf-8")
)
# family -> its topics, in the order its module registers them
FAMILIES: dict[str, tuple[str, ...]] = {f: tuple(ts) for f, ts in _TOPICS.items()}
# topic -> the request words that call for it
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {t: tuple(kw) for ts in _TOPICS.values() for t, kw in ts.items()}
_FAMILY_OF_TOPIC = {t: f for f, ts in FAMILIES.items() for t in ts}
_BY_KEY: dict[str, Shape] = {}


def of_family(family: str) -> list[Shape]:
    """The family's shapes, its module imported (and its shapes registered) on first use."""
    if family not in REGISTRY:
        if family not in FAMILIES:
            raise KeyError(f"no problem family {family!r}; expected one of {', '.join(FAMILIES)}")
        importlib.import_module(f"{__name__}.{family}")
        shapes = REGISTRY[family]
        topics = tuple(dict.fromkeys(s.topic for s in shapes))
        assert topics == FAMILIES[family], f"{family}: topics.json lists {FAMILIES[family]}, the module {topics}"
        assert not {s.key for s in shapes} & set(_BY_KEY), f"{family}: a shape key is taken"
        _BY_KEY.update((s.key, s) for s in shapes)
        assert len(_BY_KEY) == sum(len(v) for v in REGISTRY.values()), f"{family}: shape keys must be unique"
    return REGISTRY[family]


def all_shapes() -> list[Shape]:
    """Every shape of every family (each family loaded), family by family."""
    return [s for f in FAMILIES for s in of_family(f)]


def by_key(key: str) -> Shape:
    """The shape ``{topic}.{name}``, its family loaded if need be; ``KeyError`` for an unknown key."""
    topic = key.split(".", 1)[0]
    if topic in _FAMILY_OF_TOPIC:
        of_family(_FAMILY_OF_TOPIC[topic])
    return _BY_KEY[key]


__all__ = ["FAMILIES", "TOPIC_KEYWORDS", "Problem", "Shape", "all_shapes", "by_key", "fmt", "num", "of_family"]
