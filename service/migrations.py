"""``qgen migrate``: apply ``sql/migrations/*.sql`` in order, once each, recorded in ``qgen_migrations``."""

from __future__ import annotations

import hashlib
import logging

import asyncpg

from .errors import DatabaseError
from .sqlfiles import migration_files

log = logging.getLogger(__name__)

_LOCK_KEY = 0x7167656E  # 'qgen': serialises concurrent `qgen migrate` runs

_CREATE = """
create table if not exists qgen_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
)
"""


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply pending migrations; return the names applied. Idempotent and safe to run concurrently."""
    applied: list[str] = []
    await conn.execute("select pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(_CREATE)
        done = {r["name"]: r["checksum"] for r in await conn.fetch("select name, checksum from qgen_migrations")}
        for path in migration_files():
            sql = path.read_text()
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if path.name in done:
                if done[path.name] != checksum:
                    log.warning("migration %s changed since it was applied; not re-applied", path.name)
                continue
            try:
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute(
                        "insert into qgen_migrations (name, checksum) values ($1, $2)", path.name, checksum
                    )
            except asyncpg.PostgresError as e:
                raise DatabaseError(f"migration {path.name} failed: {e}") from e
            log.info("applied migration %s", path.name)
            applied.append(path.name)
    finally:
        await conn.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
    return applied
