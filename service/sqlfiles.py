"""SQL lives in ``sql/``: migrations in order, named queries under ``-- name: what --`` headers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
QUERIES_DIR = SQL_DIR / "queries"

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*(?:--.*)?$", re.MULTILINE)


def parse_queries(text: str) -> dict[str, str]:
    """Split a file into ``{name: sql}`` at each ``-- name: x`` header."""
    out: dict[str, str] = {}
    matches = list(_NAME.finditer(text))
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        body = text[m.end() : nxt.start() if nxt else len(text)].strip()
        if m.group(1) in out:
            raise ValueError(f"duplicate query name {m.group(1)}")
        out[m.group(1)] = body.rstrip(";").strip()
    return out


@lru_cache(maxsize=1)
def queries() -> dict[str, str]:
    """All named queries from ``sql/queries/*.sql``."""
    out: dict[str, str] = {}
    for f in sorted(QUERIES_DIR.glob("*.sql")):
        for name, sql in parse_queries(f.read_text()).items():
            if name in out:
                raise ValueError(f"query {name} defined twice (second in {f.name})")
            out[name] = sql
    return out


def q(name: str) -> str:
    return queries()[name]


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))
