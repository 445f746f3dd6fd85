"""The gate's pure answer rules: the cheap checks of a key (no model), and how blind answers compare with
the key and with each other. Numbers are read by ``numbers.number_of`` (shared with the dedupe)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Literal

from .numbers import number_of
from .questions import MCQQuestion, NumericQuestion, Question

Verification = Literal["verified", "unverified", "disputed"]
PLAUSIBLE_MAGNITUDE = 1e15


# --- cheap checks (pure) -----------------------------------------------------------------------------

_BOXED = re.compile(r"\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}")
# "the answer is 121.5 m." : up to a full stop that ends the sentence (not a decimal point)
_ANSWER_IS = re.compile(r"(?:answer|result)\s*(?:is|=|:)\s*\$?([^$\n;]+?)\$?\s*(?:\.(?!\d)|$)", re.IGNORECASE)


def final_value(solution: str) -> str | None:
    """What the solution says the answer is: its last ``\\boxed{…}``, else a closing "the answer is …"."""
    boxed = _BOXED.findall(solution)
    if boxed:
        return str(boxed[-1])
    said = _ANSWER_IS.findall(solution[-300:])
    return str(said[-1]) if said else None


def close(a: float, b: float, rel_tol: float) -> bool:
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9)


def cheap_problems(q: Question, rel_tol: float) -> list[str]:
    """Key problems visible without any model; each a readable reason. Empty: nothing found."""
    problems: list[str] = []
    stated = number_of(final_value(q.solution))
    if isinstance(q, MCQQuestion):
        values = [number_of(o) for o in q.options]
        for i in range(4):
            for j in range(i + 1, 4):
                vi, vj = values[i], values[j]
                if vi is not None and vj is not None and close(vi, vj, 1e-9):
                    problems.append(f"options {i} and {j} are the same value ({q.options[i]!r}, {q.options[j]!r})")
        marked = values[q.correct_option_index]
        if stated is not None and not (marked is not None and close(stated, marked, rel_tol)):
            hits = [i for i, v in enumerate(values) if v is not None and close(stated, v, rel_tol)]
            if hits:  # the solution lands on another option: a wrong key, not a loose final line
                problems.append(
                    f"the solution ends at option {hits[0]} ({q.options[hits[0]]!r}); the key says {q.correct_option_index}"
                )
    elif isinstance(q, NumericQuestion):
        if abs(q.answer) > PLAUSIBLE_MAGNITUDE:
            problems.append(f"answer {q.answer:g} is not a plausible exam answer")
        stated = number_of(final_value(q.solution), percent=False)  # the unit field carries any '%'
        if stated is not None and not close(stated, q.answer, rel_tol):
            problems.append(f"the solution ends at {stated:g}; the answer says {q.answer:g}")
    return problems


# --- blind answers against the key ------------------------------------------------------------------


def agrees(q: Question, answer: dict[str, Any], rel_tol: float) -> tuple[bool, str | None]:
    """Whether the blind answer matches the key; with the readable reason when it does not."""
    if isinstance(q, MCQQuestion):
        if answer["choice"] == q.correct_option_index:
            return True, None
        return False, f"verifier chose option {answer['choice']}; the key says {q.correct_option_index}"
    assert isinstance(q, NumericQuestion)
    if close(float(answer["answer"]), q.answer, rel_tol):
        return True, None
    unit = f" {q.unit}" if q.unit else ""
    return False, f"verifier answered {float(answer['answer']):g}{unit}; the key says {q.answer:g}{unit}"


def same_answer(q: Question, a: dict[str, Any], b: dict[str, Any], rel_tol: float) -> bool:
    """Whether two blind answers to ``q`` are the same answer (MCQ: the same option; numeric: within tolerance)."""
    if isinstance(q, MCQQuestion):
        return bool(a["choice"] == b["choice"])
    return close(float(a["answer"]), float(b["answer"]), rel_tol)


def consensus(q: Question, answers: Sequence[dict[str, Any]], rel_tol: float) -> tuple[Verification, str | None]:
    """The verdict of one or more blind answers: ``verified`` when they all reach the key, ``disputed`` when
    they all reach the same other answer, ``unverified`` (with the reason) when they disagree with each other:
    a model that cannot repeat its own answer has not checked anything."""
    first = answers[0]
    if any(not same_answer(q, first, a, rel_tol) for a in answers[1:]):
        said = ", ".join(_answer_text(q, a) for a in answers)
        return "unverified", f"the {len(answers)} blind solves disagree ({said})"
    ok, why = agrees(q, first, rel_tol)
    if ok:
        return "verified", None
    return "disputed", why if len(answers) == 1 else f"{why} ({len(answers)} blind solves agree)"


def _answer_text(q: Question, a: dict[str, Any]) -> str:
    return f"option {a['choice']}" if isinstance(q, MCQQuestion) else f"{float(a['answer']):g}"
