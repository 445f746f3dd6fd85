"""qgen import: validation with line numbers, reworded copies of bank questions rejected, multi-part kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service.embedding import Embedder
from service.errors import InputError
from service.importer import import_file
from service.settings import Settings
from tests import dedupe_corpus as corpus


@pytest.fixture(scope="session")
async def embedder() -> Any:
    return await corpus.shared_embedder()


def line(item: dict[str, Any], subject: str = "Mathematics", topic: str = "Conics") -> str:
    qtype = "mcq" if "options" in item else "numeric"
    return json.dumps(
        {"subject": subject, "topic": topic, "difficulty": "Hard", "question_type": qtype, **item}
    )


async def test_import_keeps_multipart_rejects_copies_and_reports_bad_lines(
    tmp_path: Path, settings: Settings, embedder: Embedder, conn: asyncpg.Connection
) -> None:
    parts = corpus.multipart_numeric() + corpus.multipart_mcq()
    first = tmp_path / "bank.jsonl"
    first.write_text("\n".join(line(p) for p in parts) + "\n")
    report = await import_file(first, settings, embedder)
    assert (report.inserted, report.invalid, sum(report.duplicates.values())) == (len(parts), 0, 0)

    bad = [
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"topic": "Conics", "difficulty": "hard", "question_type": "numeric", **parts[0]}),
        line({**corpus.multipart_mcq()[0], "options": ["a", "b", "c"]}),
        json.dumps({"subject": "Maths", "topic": "Conics", "difficulty": "insane", "question_type": "mcq"}),
    ]
    copies = corpus.multipart_numeric_reworded() + corpus.multipart_mcq_reworded()
    second = tmp_path / "copies.jsonl"
    second.write_bytes(
        ("\n".join([line(copies[0]), *bad, "", *(line(c) for c in copies[1:])]) + "\n").encode()
    )
    report = await import_file(second, settings, embedder)
    assert report.inserted == 0
    assert dict(report.duplicates) == {"near_duplicate": len(copies)}
    assert report.invalid == len(bad)
    assert report.problems[0].startswith("line 2: invalid JSON")
    assert report.problems[1] == "line 3: expected a JSON object, got list"
    assert report.problems[2] == "line 4: subject is required"
    assert report.problems[3].startswith("line 5: options")
    assert report.problems[4].startswith("line 6: difficulty 'insane'")
    assert "0 inserted" in report.summary() and f"{len(copies)} near_duplicate" in report.summary()

    rows = await conn.fetch("select provider, model, slot, request_id from questions")
    assert len(rows) == len(parts) and {
        (r["provider"], r["model"], r["slot"], r["request_id"]) for r in rows
    } == {("import", "import", None, None)}
    assert await conn.fetchval("select count(*) from question_rejects where provider = 'import'") == len(
        copies
    )


async def test_missing_file_is_one_clear_input_error(
    tmp_path: Path, settings: Settings, embedder: Embedder
) -> None:
    with pytest.raises(InputError, match=r"cannot read .*missing\.jsonl: No such file or directory"):
        await import_file(tmp_path / "missing.jsonl", settings, embedder)
