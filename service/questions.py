"""The question shape: what providers must return, what ``questions.body`` holds, what ``qgen import`` reads."""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

QuestionType = Literal["mcq", "numeric"]
Difficulty = Literal["easy", "medium", "hard"]

Text = Annotated[str, Field(min_length=1, max_length=20_000)]


def _clean(s: str) -> str:
    return s.strip()


class _QuestionBase(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    question_text: Annotated[str, Field(min_length=10, max_length=20_000)]
    solution: Text
    shortcut: str | None = Field(None, max_length=8_000, description="fastest safe method, step by step")
    time_target_seconds: int | None = Field(None, ge=5, le=3_600)
    tags: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)
    diagram_required: bool = False
    diagram_description: str | None = Field(None, max_length=4_000)


class MCQQuestion(_QuestionBase):
    """A multiple-choice question with exactly four distinct options."""

    options: list[Annotated[str, Field(min_length=1, max_length=2_000)]] = Field(min_length=4, max_length=4)
    correct_option_index: int = Field(ge=0, le=3)

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

    answer: float
    unit: str | None = Field(None, max_length=50)

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
def batch_json_schema(question_type: str) -> dict[str, Any]:
    """The JSON Schema of one provider reply: ``{"questions": [...]}`` (what ``qgen schema`` prints).

    Cached (pydantic builds it in about 2 ms, once per provider call otherwise); treat it as read-only.
    """
    return BATCH_MODELS[question_type].model_json_schema()


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


def body_json(q: Question) -> str:
    """The JSON stored in ``questions.body``."""
    return json.dumps(q.model_dump(mode="json"), ensure_ascii=False)
