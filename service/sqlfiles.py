"""SQL lives in ``sql/``: migrations in order, named queries under ``-- name: what --`` headers.

The repository keeps ``sql/`` at its root; a built wheel carries the same tree as the package data
``service/sql/`` (pyproject.toml maps the package ``service.sql`` to ``sql/``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

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
def sql_root() -> Traversable:
    """The ``sql/`` tree: package data ``service.sql`` in an installed wheel, or the checkout's ``sql/``
    (an editable install maps ``service.sql`` there; a checkout that was never installed has no mapping)."""
    try:
        return resources.files("service.sql")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "sql"


def _sql_files(folder: str) -> list[Traversable]:
    """``sql/<folder>/*.sql`` (not its subfolders), sorted by name."""
    return sorted(
        (f for f in sql_root().joinpath(folder).iterdir() if f.name.endswith(".sql") and f.is_file()),
        key=lambda f: f.name,
    )


@lru_cache(maxsize=1)
def queries() -> dict[str, str]:
    """All named queries from ``sql/queries/*.sql``."""
    out: dict[str, str] = {}
    for f in _sql_files("queries"):
        for name, sql in parse_queries(f.read_text(encoding="utf-8")).items():
            if name in out:
                raise ValueError(f"query {name} defined twice (second in {f.name})")
            out[name] = sql
    return out


def q(name: str) -> str:
    return queries()[name]


def migration_files() -> list[Traversable]:
    """``sql/migrations/*.sql`` in the order they apply (their names start with a timestamp)."""
    return _sql_files("migrations")
