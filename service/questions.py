"""The question shape: what providers must return, what ``questions.body`` holds, what ``qgen import`` reads.

Two JSON Schemas of one reply: ``provider_json_schema`` is sent to the LLMs (loose enough for a grammar
engine to compile in milliseconds); ``validation_json_schema`` carries every bound that pydantic
enforces on the reply (``validate_items``).
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

QuestionType = Literal["mcq", "numeric"]
Difficulty = Literal["easy", "medium", "hard"]

# One annotated type per field: the bounds are pydantic's (checked on every reply), the description
# is what the model is told the field must hold (the system prompt renders it; keep it one plain line).
QuestionText = Annotated[str, Field(min_length=10, max_length=20_000,
                                    description="The complete, self-contained question statement.")]
Options = Annotated[list[Annotated[str, Field(min_length=1, max_length=2_000)]], Field(
    min_length=4, max_length=4, description="Exactly 4 distinct answer choices, without labels such as (A).")]
DiagramRequired = Annotated[bool, Field(description="true only if the question cannot be answered without a figure.")]
DiagramDescription = Annotated[str | None, Field(
    max_length=4_000, description="What the figure shows when diagram_required is true; otherwise null.")]
Solution = Annotated[str, Field(min_length=1, max_length=20_000,
                                description="Full step-by-step working that reaches the answer.")]
Shortcut = Annotated[str | None, Field(max_length=8_000, description="Fastest safe method, step by step; or null.")]
CorrectOptionIndex = Annotated[int, Field(
    ge=0, le=3, description="0-based index of the single correct option, decided after the solution.")]
Answer = Annotated[float, Field(description="The final answer as one plain number, decided after the solution.")]
Unit = Annotated[str | None, Field(max_length=50, description="Unit of the answer, such as m/s; null if dimensionless.")]
TimeTargetSeconds = Annotated[int | None, Field(
    ge=5, le=3_600, description="Seconds a well-prepared student needs to solve it.")]
Tags = Annotated[list[Annotated[str, Field(max_length=100)]], Field(
    max_length=20, description="A few short topic tags.")]


def _clean(s: str) -> str:
    return s.strip()


class _QuestionBase(BaseModel):
    """Settings shared by both question kinds; the fields are declared per kind (see below)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


# Field order is the order the model writes under a grammar (xgrammar and llguidance emit properties
# in schema order): the statement, the choices, the working, and only then the key, so the answer is
# decided after the solution instead of before it. Pydantic puts a base class's fields first, which is
# why each kind declares all of its fields itself.


class MCQQuestion(_QuestionBase):
    """A multiple-choice question with exactly four distinct options."""

    question_text: QuestionText
    options: Options
    diagram_required: DiagramRequired = False
    diagram_description: DiagramDescription = None
    solution: Solution
    shortcut: Shortcut = None
    correct_option_index: CorrectOptionIndex
    time_target_seconds: TimeTargetSeconds = None
    tags: Tags = Field(default_factory=list)

    @field_validator("options")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        v = [_clean(o) for o in v]
        if any(not o for o in v):
            raise ValueError("options must be non-empty")
        if len({normalise_text(o) for o in v}) != len(v):
            raise ValueError("options must be distinct")
        return v


class NumericQuestion(_QuestionBase):
    """A question whose answer is one finite number (with an optional unit)."""

    question_text: QuestionText
    diagram_required: DiagramRequired = False
    diagram_description: DiagramDescription = None
    solution: Solution
    shortcut: Shortcut = None
    answer: Answer
    unit: Unit = None
    time_target_seconds: TimeTargetSeconds = None
    tags: Tags = Field(default_factory=list)

    @field_validator("answer")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("answer must be a finite number")
        return v

    @model_validator(mode="after")
    def _blank_unit(self) -> NumericQuestion:
        if self.unit is not None and not self.unit.strip():
            self.unit = None
        return self


Question = MCQQuestion | NumericQuestion
MODELS: dict[str, type[MCQQuestion] | type[NumericQuestion]] = {"mcq": MCQQuestion, "numeric": NumericQuestion}


class MCQBatch(BaseModel):
    questions: list[MCQQuestion]


class NumericBatch(BaseModel):
    questions: list[NumericQuestion]


BATCH_MODELS: dict[str, type[MCQBatch] | type[NumericBatch]] = {"mcq": MCQBatch, "numeric": NumericBatch}


@functools.cache
def validation_json_schema(question_type: str) -> dict[str, Any]:
    """The strict JSON Schema of one reply, ``{"questions": [...]}``, with every bound pydantic enforces.

    For documentation and validation only: never send it to a provider (see ``provider_json_schema``).
    Cached; treat it as read-only.
    """
    return BATCH_MODELS[question_type].model_json_schema()


# Length, count and range bounds compile into grammar states: xgrammar took 51-85 s to compile the
# bounded schema on 2 cores and 1.3-23 ms per token mask inside a bounded string (xgrammar issue
# #852), against RunPod's 90-100 s request limits. Pydantic checks all of them on the reply instead.
_GRAMMAR_COSTLY = frozenset({
    "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "pattern", "format", "uniqueItems",
})
# Metadata the grammar ignores; the descriptions say the same thing better.
_NOISE = frozenset({"title"})
_SCHEMA_MAPS = ("properties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not")


def for_grammar(node: dict[str, Any]) -> dict[str, Any]:
    """A copy of one schema node without costly bounds, closed to unknown keys (recursive).

    An exact array length (``minItems == maxItems``: the 4 options) stays: it adds nothing measurable
    to either engine (BENCHMARKS.md) and stops the model writing 3 or 5 choices.
    """
    exact = node.get("minItems") is not None and node.get("minItems") == node.get("maxItems")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if exact and key in ("minItems", "maxItems"):
            out[key] = value
            continue
        if key in _GRAMMAR_COSTLY or key in _NOISE:
            continue
        if key in _SCHEMA_MAPS:
            out[key] = {name: for_grammar(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS:
            out[key] = [for_grammar(sub) for sub in value]
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = for_grammar(value)
        else:
            out[key] = value
    if "properties" in out:
        # Without it llguidance admits any extra key (vLLM only adds it under an opt-in flag).
        out.setdefault("additionalProperties", False)
    return out


@functools.cache
def provider_json_schema(question_type: str) -> dict[str, Any]:
    """The JSON Schema sent to LLMs (vLLM ``response_format``, ``qgen schema``) for one reply.

    ``validation_json_schema`` without length/count/range/pattern bounds (expensive in grammar
    engines; pydantic enforces them on the reply) except an exact array length, without titles,
    with ``additionalProperties: false`` on every object. Types, ``required``, enums, descriptions and the property order (the
    working before the key) are kept. Cached; treat it as read-only.
    """
    return for_grammar(validation_json_schema(question_type))


@dataclass(frozen=True)
class RequestSpec:
    """What a job asks for, as read from ``question_requests`` (or an import)."""

    subject: str
    topic: str
    difficulty: str = "medium"
    question_type: str = "mcq"
    subtopic: str | None = None
    exam: str | None = None
    instructions: str | None = None


def validate_item(raw: Any, question_type: str) -> Question:
    """Validate one item; raises ``pydantic.ValidationError``."""
    return MODELS[question_type].model_validate(raw)


def validate_items(raw_items: list[Any], question_type: str) -> tuple[list[Question], list[str]]:
    """Validate every item; return the valid ones and a one-line reason per invalid one."""
    valid: list[Question] = []
    problems: list[str] = []
    for i, raw in enumerate(raw_items):
        try:
            valid.append(validate_item(raw, question_type))
        except ValidationError as e:
            problems.append(f"item {i}: {describe_validation_error(e)}")
    return valid, problems


def describe_validation_error(e: ValidationError) -> str:
    """First few pydantic errors as one line: ``options: must be distinct; answer: Field required``."""
    parts = []
    for err in e.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "item"
        parts.append(f"{loc}: {err['msg']}")
    more = len(e.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


_WS = re.compile(r"\s+")
_LATEX_SPACING = re.compile(r"\\[,;:! ]|\\quad|\\qquad|~")
_PUNCT_SPACE = re.compile(r"\s*([{}()\[\]^_=+\-*/,.;:?!<>|])\s*")


def normalise_text(text: str) -> str:
    """Canonical form for exact-duplicate hashing: NFKC, lower case, LaTeX spacing and whitespace removed."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _LATEX_SPACING.sub(" ", t)
    t = t.replace("$", " ")
    t = _PUNCT_SPACE.sub(r"\1", t)
    return _WS.sub(" ", t).strip()


def type_of(q: Question) -> str:
    """The ``question_type`` of a validated question: 'mcq' or 'numeric'."""
    return "mcq" if isinstance(q, MCQQuestion) else "numeric"


def body_json(q: Question) -> str:
    """The JSON stored in ``questions.body``."""
    return json.dumps(q.model_dump(mode="json"), ensure_ascii=False)
