"""Plain PostgreSQL helpers for tests: scratch databases on the session server, raw request inserts."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg


def dsn_for(admin_dsn: str, name: str) -> str:
    """Same server, another database (pgserver DSNs look like postgresql://postgres:@/postgres?host=/dir)."""
    head, _, query = admin_dsn.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@contextlib.asynccontextmanager
async def scratch_database(admin_dsn: str, template: str, prefix: str = "t") -> AsyncIterator[str]:
    """A new database cloned from ``template``, dropped (connections and all) on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"create database {name} template {template}")
    finally:
        await conn.close()
    try:
        yield dsn_for(admin_dsn, name)
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f"drop database if exists {name} with (force)")
        finally:
            await conn.close()


async def insert_row(conn: asyncpg.Connection, cols: dict[str, object]) -> asyncpg.Record:
    """``insert into question_requests`` with exactly these columns, as the web app would; the row back."""
    names = ", ".join(cols)
    params = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    row = await conn.fetchrow(f"insert into question_requests ({names}) values ({params}) returning *", *cols.values())
    assert row is not None
    return row
