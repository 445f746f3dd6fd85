"""``qgen migrate``: apply ``sql/migrations/*.sql`` in order, once each, recorded in ``qgen_migrations``.

A migration that has been applied anywhere is history: its file never changes again (a schema change is
a new file with a later timestamp). A file whose checksum no longer matches the one recorded when it was
applied is therefore an error, raised before anything is applied.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from importlib.resources.abc import Traversable

import asyncpg

from .errors import DatabaseError
from .sqlfiles import migration_files, q

log = logging.getLogger(__name__)

_LOCK_KEY = 0x7167656E  # 'qgen': serialises concurrent `qgen migrate` runs

def checksum(sql: str) -> str:
    """What ``qgen_migrations.checksum`` records for a migration's text."""
    return hashlib.sha256(sql.encode()).hexdigest()


def _drift(applied: dict[str, str], files: Iterable[Traversable]) -> None:
    """Raise DatabaseError naming the first applied migration whose file differs from what was applied."""
    for path in files:
        recorded = applied.get(path.name)
        if recorded is not None and recorded != checksum(path.read_text(encoding="utf-8")):
            raise DatabaseError(
                f"migration {path.name} changed after it was applied (checksum differs from qgen_migrations); "
                "applied migrations are immutable: restore the file and put the change in a new migration"
            )


async def migrate(conn: asyncpg.Connection, files: Sequence[Traversable] | None = None) -> list[str]:
    """Apply pending migrations (``files``, default the packaged ones) in name order; return the names applied.

    Idempotent and safe to run concurrently. Raises DatabaseError when an applied migration has drifted.
    The session's search_path is as it was on return: a migration may extend it for the files after it
    (20261204000100_advisors.sql adds the schema ``extensions``), which is no change for the caller to inherit.
    """
    ordered = sorted(migration_files() if files is None else files, key=lambda p: p.name)
    applied: list[str] = []
    search_path = await conn.fetchval(q("search_path"))
    await conn.execute(q("migrations_lock"), _LOCK_KEY)
    try:
        await conn.execute(q("create_migrations_table"))
        done = {r["name"]: r["checksum"] for r in await conn.fetch(q("applied_migrations"))}
        _drift(done, ordered)
        for path in ordered:
            if path.name in done:
                continue
            sql = path.read_text(encoding="utf-8")
            try:
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute(q("record_migration"), path.name, checksum(sql))
            except asyncpg.PostgresError as e:
                raise DatabaseError(f"migration {path.name} failed: {e}") from e
            log.info("applied migration %s", path.name)
            applied.append(path.name)
    finally:
        await conn.execute(q("migrations_unlock"), _LOCK_KEY)
        await conn.execute(q("set_search_path"), search_path)
    return applied


async def check_applied(conn: asyncpg.Connection, files: Sequence[Traversable] | None = None) -> list[str]:
    """The worker's start check: raise DatabaseError on drift; return the migrations not applied yet.

    A database migrated by the Supabase CLI has no ``qgen_migrations`` (the CLI keeps its own history):
    there is nothing to compare, so nothing is reported.
    """
    if await conn.fetchval(q("migrations_table")) is None:
        return []
    files = migration_files() if files is None else files
    done = {r["name"]: r["checksum"] for r in await conn.fetch(q("applied_migrations"))}
    _drift(done, files)
    return sorted(p.name for p in files if p.name not in done)
