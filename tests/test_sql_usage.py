"""SQL lives in sql/: every named query is loaded somewhere by name, and service/ holds no SQL text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from service.sqlfiles import queries

ROOT = Path(__file__).resolve().parent.parent
LOADERS = ("service", "scripts")  # where q("name") may load a query
# A string literal that is a statement: a keyword and what must follow it. Prose starting with "select" or
# "update" (a log line, a help text) does not have the shape.
SQL_TEXT = re.compile(
    r"""^\s*(?:
        select\s+(?:\*|\d+\s*(?:;|,|$|as\b|from\b)|\$\d|distinct\b|[\w.]+\s*\(|.*\bfrom\s+[\w.]+)
      | insert\s+into\s+\w | update\s+[\w.]+\s+set\s | delete\s+from\s+\w
      | with\s+\w+\s+as\s*\( | create\s+(?:or\s+replace\s+|unique\s+)?(?:table|index|function|view|extension|schema)\b
      | alter\s+(?:table|function|view)\s | drop\s+(?:table|index|function|view)\s | truncate\s+\w
      | set\s+(?:local\s+)?\w+\s*(?:=|to)\s | show\s+\w+\s*;?\s*$ | grant\s+\w | revoke\s+\w
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def _loaded_names() -> set[str]:
    names: set[str] = set()
    for folder in LOADERS:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"""\bq\(\s*["']([a-z_][a-z0-9_]*)["']\s*\)""", path.read_text(encoding="utf-8")))
    return names


def sql_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal (or f-string head) in ``source`` that reads as a SQL statement."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = str(node.values[0].value)
        else:
            continue
        if SQL_TEXT.match(text):
            found.append((node.lineno, text))
    return found


def test_every_named_query_is_loaded_by_name() -> None:
    unused = sorted(set(queries()) - _loaded_names())
    assert not unused, f"named queries nothing loads with q(...): {unused}"


def test_service_holds_no_sql_text() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()[:60]!r}"
        for path in sorted((ROOT / "service").rglob("*.py"))
        for line, text in sql_literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "SQL belongs in sql/queries/*.sql, loaded with service.sqlfiles.q:\n" + "\n".join(found)


def test_the_detector_tells_sql_from_prose() -> None:
    sql = [
        "select 1", "select count(*) from qgen_jobs", "SELECT * FROM t", "select name, checksum from qgen_migrations",
        "insert into t (a) values ($1)", "update qgen_jobs set status = 'queued'", "delete from t where id = $1",
        "with picked as (select 1) select * from picked", "create table if not exists t (a int)",
        "set local synchronous_commit = off", "show server_version", "select extversion from pg_extension",
        "select pg_advisory_lock($1)", "select to_regclass('qgen_migrations')",
    ]
    prose = [
        "select a provider", "Select the row you want", "update available: run qgen migrate",
        "LISTEN failed (%s)", "show the request", "with 3 questions", "create a request first",
        "delete it by hand", "settings for the worker", "select 1 ok",
    ]
    source = "\n".join(f"x{i} = {s!r}" for i, s in enumerate(sql + prose))
    assert [text for _, text in sql_literals(source)] == sql
