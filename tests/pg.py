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


# What a schema consists of, part by part: two databases built by different tools must agree on each.
CATALOG = {
    "tables": """
        select c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
               array(select x::text from unnest(c.relacl) x order by 1)::text as acl
        from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'S', 'p')
        order by 1""",
    "columns": """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity::text,
               pg_get_expr(d.adbin, d.adrelid),
               array(select x::text from unnest(a.attacl) x order by 1)::text as acl
        from pg_attribute a join pg_class c on c.oid = a.attrelid
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0
          and not a.attisdropped
        order by 1, 2""",
    "constraints": """
        select conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid)
        from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2""",
    "indexes": """
        select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2""",
    "triggers": """
        select tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) from pg_trigger
        where not tgisinternal order by 1, 2""",
    "policies": """
        select tablename, policyname, permissive, roles::text, cmd, qual, with_check
        from pg_policies order by 1, 2""",
    "functions": """
        select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
               p.prosecdef, p.provolatile::text, p.proconfig::text, md5(p.prosrc),
               array(select x::text from unnest(p.proacl) x order by 1)::text as acl
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'auth')
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
        order by 1, 2, 3""",
    "extensions": "select extname from pg_extension order by 1",
    "settings": "select key, value from qgen_settings order by 1",
    "views": """
        select c.relname, c.reloptions::text, pg_get_viewdef(c.oid) from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('v', 'm') order by 1""",
    "publications": """
        select p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
               array(select t.schemaname || '.' || t.tablename from pg_publication_tables t
                     where t.pubname = p.pubname order by 1)::text
        from pg_publication p order by 1""",
    # Objects created after initdb (OIDs from FirstNormalObjectId on): ours and the extensions'.
    "comments": """
        select pg_describe_object(classoid, objoid, objsubid), description from pg_description
        where objoid >= 16384 order by 1""",
}


async def catalog(dsn: str, *, exclude: tuple[str, ...] = ("qgen_migrations",)) -> dict[str, list[tuple[object, ...]]]:
    """Every ``CATALOG`` part of ``dsn``, minus rows naming anything in ``exclude`` (bookkeeping that differs by tool).

    Read under a fixed search_path: names print qualified or not by it (``extensions.vector(384)``), and a database
    cloned from a template lacks the database-level default its source has (20261204000100_advisors.sql).
    """
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "public"})
    try:
        out = {}
        for name, sql in CATALOG.items():
            rows = [tuple(r) for r in await conn.fetch(sql)]
            out[name] = [r for r in rows if not any(isinstance(v, str) and any(x in v for x in exclude) for v in r)]
        return out
    finally:
        await conn.close()
