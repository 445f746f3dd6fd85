"""``qgen import``: existing questions from JSONL through validation, embedding and the bank's dedupe."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import bank, catalogue, db
from .embedding import Embedder, check_dimension
from .errors import InputError
from .prompts import MAX_FIELD_CHARS
from .questions import Question, RequestSpec, describe_validation_error, validate_item
from .settings import Settings

BATCH_SIZE = 256


@dataclass
class ImportReport:
    """What an import did: rows stored, duplicates by reason, invalid lines with their reasons."""

    path: Path
    lines: int = 0
    inserted: int = 0
    duplicates: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        dups = ", ".join(f"{n} {reason}" for reason, n in sorted(self.duplicates.items())) or "none"
        return (
            f"{self.path}: {self.lines} lines, {self.inserted} inserted, "
            f"{sum(self.duplicates.values())} duplicates ({dups}), {self.invalid} invalid"
        )


def parse_line(raw: str) -> tuple[RequestSpec, Question]:
    """One JSONL line to (spec, question); raises InputError with a one-line reason."""
    try:
        obj: Any = json.loads(raw)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg} (column {e.colno})") from e
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}")
    spec_fields: dict[str, str | None] = {}
    for key in ("subject", "topic", "difficulty", "question_type", "subtopic", "exam"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{key} must be a string")
        value = value.strip() if value else None
        limit = MAX_FIELD_CHARS.get(key)
        if value and limit and len(value) > limit:
            raise InputError(f"{key} is {len(value)} characters long (at most {limit})")
        spec_fields[key] = value
    for key in ("subject", "topic", "difficulty", "question_type"):
        if not spec_fields[key]:
            raise InputError(f"{key} is required")
    difficulty = str(spec_fields["difficulty"]).lower()
    qtype = str(spec_fields["question_type"]).lower()
    if difficulty not in ("easy", "medium", "hard"):
        raise InputError(f"difficulty {difficulty[:40]!r} is not one of easy, medium, hard")
    if qtype not in ("mcq", "numeric"):
        raise InputError(f"question_type {qtype[:40]!r} is not one of mcq, numeric")
    try:
        question = validate_item(obj, qtype)
    except ValidationError as e:
        raise InputError(describe_validation_error(e)) from e
    spec = RequestSpec(
        subject=str(spec_fields["subject"]),
        topic=str(spec_fields["topic"]),
        difficulty=difficulty,
        question_type=qtype,
        subtopic=spec_fields["subtopic"],
        exam=spec_fields["exam"],
    )
    return spec, question


async def import_file(
    path: Path, settings: Settings, embedder: Embedder, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import ``path``; each batch of up to 256 valid lines is embedded and stored in one transaction.

    ``progress(done, total)`` is called after each batch with the valid lines handled so far.
    """
    try:
        # Read in a thread: an import file can be large, and the loop may be serving a worker.
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    report = ImportReport(path=path)
    valid: list[tuple[RequestSpec, Question]] = []
    for number, raw_bytes in enumerate(data.splitlines(), start=1):
        report.lines = number
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            report.problems.append(f"line {number}: not UTF-8")
            continue
        if not raw.strip():
            continue
        try:
            valid.append(parse_line(raw))
        except InputError as e:
            report.problems.append(f"line {number}: {e}")
    async with db.connection(settings) as conn:
        await check_dimension(conn, embedder)
        # stored under the catalogue's name ('Maths' is Mathematics); an operator's import may also bring
        # subjects the catalogue does not hold, which are kept as written
        names = await catalogue.load(conn)
        valid = [(dataclasses.replace(spec, subject=names.canonical(spec.subject) or spec.subject), question)
                 for spec, question in valid]
        for start in range(0, len(valid), BATCH_SIZE):
            chunk = valid[start : start + BATCH_SIZE]
            embeddings = await embedder.embed([question for _, question in chunk])
            candidates = [
                bank.Candidate(
                    question=question,
                    spec=spec,
                    provider="import",
                    model="import",
                    fallback_reason=None,
                    embedding=embeddings[i],
                )
                for i, (spec, question) in enumerate(chunk)
            ]
            async with conn.transaction():
                verdicts = await bank.store(conn, candidates, settings=settings)
            for v in verdicts:
                if v.accepted:
                    report.inserted += 1
                else:
                    report.duplicates[v.reason or "rejected"] += 1
            if progress is not None:
                progress(start + len(chunk), len(valid))
    return report
