"""Supabase's database advisors on a freshly migrated database: no ERROR or WARN, and every INFO that stays is
the one docs/supabase.md explains.

The rules are splinter's lints (the SQL behind the dashboard's Security and Performance Advisors), restated in
``tests/data/splinter/lints.sql``; ``tests/data/splinter/README.md`` says why they are restated rather than
copied. They run the way the dashboard runs them: ``search_path = ''`` and ``pgrst.db_schemas`` set to the
schemas PostgREST exposes (supabase/config.toml ``[api] schemas``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from service import db, migrations
from service.errors import DatabaseError
from service.settings import Settings
from service.sqlfiles import parse_queries

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "splinter"
LINTS = parse_queries((DATA / "lints.sql").read_text(encoding="utf-8"))
DOC = ROOT / "docs" / "supabase.md"

# splinter's lints at the commit read (supabase/splinter 55db5b1f, lints/*.sql, plus 0012, which the dashboard
# evaluates from the Auth settings and which has no SQL): each one is run here or left out for a reason.
UPSTREAM = {
    "0001_unindexed_foreign_keys", "0002_auth_users_exposed", "0003_auth_rls_initplan", "0004_no_primary_key",
    "0005_unused_index", "0006_multiple_permissive_policies", "0007_policy_exists_rls_disabled",
    "0008_rls_enabled_no_policy", "0009_duplicate_index", "0010_security_definer_view",
    "0011_function_search_path_mutable", "0012_auth_allow_anonymous_sign_ins", "0013_rls_disabled_in_public",
    "0014_extension_in_public", "0015_rls_references_user_metadata", "0016_materialized_view_in_api",
    "0017_foreign_table_in_api", "0018_unsupported_reg_types", "0019_insecure_queue_exposed_in_api",
    "0020_table_bloat", "0021_fkey_to_auth_unique", "0022_extension_versions_outdated",
    "0023_sensitive_columns_exposed", "0024_rls_policy_always_true", "0025_public_bucket_allows_listing",
    "0026_pg_graphql_anon_table_exposed", "0027_pg_graphql_authenticated_table_exposed",
    "0028_anon_security_definer_function_executable", "0029_authenticated_security_definer_function_executable",
}  # fmt: skip
LEFT_OUT = {
    "0005_unused_index": "reads index usage counters, which measure a workload: on a freshly migrated "
    "database every index is unused by construction",
    "0012_auth_allow_anonymous_sign_ins": "a setting of Supabase Auth, not of the schema (no SQL to run)",
    "0020_table_bloat": "reads planner statistics of a live table (fires above 20 MB of dead space)",
    "0025_public_bucket_allows_listing": "about Supabase Storage buckets; qgen creates none",
}
# The schemas the advisors never look at (Supabase's own and well-known extensions'), as splinter lists them.
SKIPPED_SCHEMAS = (
    "_timescaledb_cache", "_timescaledb_catalog", "_timescaledb_config", "_timescaledb_internal", "auth", "cron",
    "extensions", "graphql", "graphql_public", "information_schema", "net", "pgmq", "pgroonga", "pgsodium",
    "pgsodium_masks", "pgtle", "pgbouncer", "pg_catalog", "realtime", "repack", "storage", "supabase_functions",
    "supabase_migrations", "tiger", "topology", "vault",
)  # fmt: skip


def exposed_schemas() -> list[str]:
    with open(ROOT / "supabase" / "config.toml", "rb") as f:
        return list(tomllib.load(f)["api"]["schemas"])


@dataclass(frozen=True, order=True)
class Finding:
    lint: str  # e.g. 0011_function_search_path_mutable
    level: str
    object: str
    detail: str

    def __str__(self) -> str:
        return f"{self.level:5} {self.lint}  {self.object}: {self.detail}"


async def advisors(
    conn: asyncpg.Connection, *, assume_pg_graphql: bool = False, exposed: list[str] | None = None
) -> list[Finding]:
    """Every rule of lints.sql on ``conn``'s database, as the dashboard runs them; the findings, sorted.

    ``exposed``: the schemas PostgREST exposes (default: supabase/config.toml's).
    """
    found: list[Finding] = []
    async with conn.transaction():
        await conn.execute("set local search_path = ''")
        await conn.execute(
            """select pg_catalog.set_config('pgrst.db_schemas', $1, true),
                      pg_catalog.set_config('advisors.skipped_schemas', $2, true),
                      pg_catalog.set_config('advisors.assume_pg_graphql', $3, true)""",
            ", ".join(exposed_schemas() if exposed is None else exposed),
            ",".join(SKIPPED_SCHEMAS),
            "on" if assume_pg_graphql else "off",
        )
        for name, sql in LINTS.items():
            for r in await conn.fetch(sql):
                found.append(Finding(name.removeprefix("lint_"), r["level"], r["object"], r["detail"]))
    return sorted(found)


def documented(heading: str) -> set[tuple[str, str]]:
    """(lint, object) pairs of the first table after ``heading`` in docs/supabase.md (first two columns, in backticks)."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    rows: set[tuple[str, str]] = set()
    in_table = False
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|"):
            in_table = True
            cells = [c.strip() for c in line.strip("|").split("|")]
            m1, m2 = re.fullmatch(r"`(\d{4}_[a-z_]+)`", cells[0]), re.fullmatch(r"`([^`]+)`", cells[1])
            if m1 and m2:
                rows.add((m1.group(1), m2.group(1)))
        elif in_table:
            break
    return rows


def report(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings) or "(none)"


def test_every_splinter_lint_is_run_or_left_out_with_a_reason() -> None:
    run = {name.removeprefix("lint_") for name in LINTS}
    assert not run & set(LEFT_OUT)
    assert run | set(LEFT_OUT) == UPSTREAM, sorted(UPSTREAM ^ (run | set(LEFT_OUT)))
    for lint in LEFT_OUT:
        assert f"`{lint}`" in DOC.read_text(encoding="utf-8"), f"docs/supabase.md does not say why {lint} is left out"


async def test_a_migrated_database_has_no_error_or_warn(db_dsn: str) -> None:
    conn = await asyncpg.connect(db_dsn)
    try:
        findings = await advisors(conn)
    finally:
        await conn.close()
    bad = [f for f in findings if f.level in ("ERROR", "WARN")]
    assert not bad, "Supabase's advisors flag the schema:\n" + report(bad)


async def test_the_info_that_stays_is_the_info_documented(db_dsn: str) -> None:
    conn = await asyncpg.connect(db_dsn)
    try:
        findings = await advisors(conn)
    finally:
        await conn.close()
    info = {(f.lint, f.object) for f in findings if f.level == "INFO"}
    expected = documented("### INFO findings that stay")
    assert info == expected, (
        "docs/supabase.md (INFO findings that stay) and the advisors disagree:\n"
        f"  found, not documented: {sorted(info - expected)}\n  documented, not found: {sorted(expected - info)}"
    )


async def test_with_pg_graphql_only_what_users_read_by_design_is_in_its_schema(db_dsn: str) -> None:
    """pg_graphql is not in this database; on a project that has it, 0026/0027 list what anon / signed-in users
    can see in the GraphQL schema: nothing for anon, and for authenticated exactly the relations docs/supabase.md
    names (what the web app reads through PostgREST, RLS deciding the rows)."""
    conn = await asyncpg.connect(db_dsn)
    try:
        findings = await advisors(conn, assume_pg_graphql=True)
    finally:
        await conn.close()
    assert [f for f in findings if f.lint == "0026_pg_graphql_anon_table_exposed"] == []
    seen = {(f.lint, f.object) for f in findings if f.lint == "0027_pg_graphql_authenticated_table_exposed"}
    assert seen == documented("### With pg_graphql enabled")


# What tests/data/splinter/mistakes.sql must make the rules find (its comments say which statement is which).
MISTAKES = {
    ("0001_unindexed_foreign_keys", "public.mistake_child.mistake_child_question_id_fkey"),
    ("0002_auth_users_exposed", "public.mistake_users"),
    ("0003_auth_rls_initplan", "public.mistake_child policy mistake_per_row"),
    ("0004_no_primary_key", "public.mistake_open"),
    ("0006_multiple_permissive_policies", "public.mistake_child role authenticated SELECT"),
    ("0007_policy_exists_rls_disabled", "public.mistake_norls"),
    ("0008_rls_enabled_no_policy", "public.mistake_locked"),
    ("0009_duplicate_index", "public.mistake_child"),
    ("0010_security_definer_view", "public.mistake_users"),
    ("0010_security_definer_view", "public.mistake_view"),
    ("0011_function_search_path_mutable", "public.mistake_fn()"),
    ("0013_rls_disabled_in_public", "public.mistake_open"),
    ("0014_extension_in_public", "vector"),
    ("0015_rls_references_user_metadata", "public.mistake_child policy mistake_metadata"),
    ("0016_materialized_view_in_api", "public.mistake_mat"),
    ("0018_unsupported_reg_types", "public.mistake_reg.f"),
    ("0019_insecure_queue_exposed_in_api", "pgmq.q_mistake"),
    ("0021_fkey_to_auth_unique", "public.mistake_handle.mistake_handle_handle_fkey"),
    ("0023_sensitive_columns_exposed", "public.mistake_open"),
    ("0024_rls_policy_always_true", "public.mistake_child policy mistake_anyone_updates"),
    ("0026_pg_graphql_anon_table_exposed", "public.mistake_mat"),
    ("0026_pg_graphql_anon_table_exposed", "public.mistake_open"),
    ("0026_pg_graphql_anon_table_exposed", "public.mistake_view"),
    ("0027_pg_graphql_authenticated_table_exposed", "public.mistake_open"),
    ("0027_pg_graphql_authenticated_table_exposed", "public.mistake_users"),
    ("0028_anon_security_definer_function_executable", "public.mistake_definer()"),
    ("0029_authenticated_security_definer_function_executable", "public.mistake_definer()"),
}
NOT_MADE = {"0017_foreign_table_in_api", "0022_extension_versions_outdated"}  # see mistakes.sql


async def test_each_rule_finds_the_mistake_it_describes_and_nothing_else(db_dsn: str) -> None:
    assert {lint for lint, _ in MISTAKES} | NOT_MADE == {name.removeprefix("lint_") for name in LINTS}
    exposed = [*exposed_schemas(), "pgmq_public"]
    conn = await asyncpg.connect(db_dsn)
    try:
        before = set(await advisors(conn, assume_pg_graphql=True, exposed=exposed))
        tx = conn.transaction()
        await tx.start()
        try:
            await conn.execute((DATA / "mistakes.sql").read_text(encoding="utf-8"))
            after = set(await advisors(conn, assume_pg_graphql=True, exposed=exposed))
        finally:
            await tx.rollback()
    finally:
        await conn.close()
    new = {(f.lint, f.object) for f in after - before}
    assert new == MISTAKES, f"missed: {sorted(MISTAKES - new)}\nunexpected: {sorted(new - MISTAKES)}"


async def test_vector_moves_to_extensions_and_new_sessions_find_it(empty_dsn: str) -> None:
    """qgen migrate on a new database: pgvector ends in `extensions`, the bank's index still uses it, and a
    new session (psql, the analyst queries) finds the type and operators unqualified."""
    conn = await asyncpg.connect(empty_dsn)
    try:
        path = await conn.fetchval("select current_setting('search_path')")
        await migrations.migrate(conn)
        assert await conn.fetchval("select current_setting('search_path')") == path  # migrate leaves it as it was
        assert await conn.fetchval(
            "select extnamespace::regnamespace::text from pg_extension where extname = 'vector'"
        ) == "extensions"
        indexdef = await conn.fetchval("select pg_get_indexdef('questions_embedding_hnsw'::regclass)")
        assert "USING hnsw (embedding extensions.vector_cosine_ops)" in indexdef
    finally:
        await conn.close()
    conn = await asyncpg.connect(empty_dsn)
    try:
        assert await conn.fetchval("select '[1,0]'::vector <=> '[0,1]'::vector") == 1.0
    finally:
        await conn.close()


async def test_a_project_that_has_vector_in_extensions_keeps_it_and_its_search_path(empty_dsn: str) -> None:
    """A Supabase project: pgvector already in `extensions`, sessions with "$user", public, extensions. The
    migration moves nothing and sets no search_path, and the advisors find nothing to warn about."""
    conn = await asyncpg.connect(empty_dsn)
    try:
        await conn.execute("create schema extensions; create extension vector schema extensions")
        await conn.execute(
            """do $$ begin execute format('alter database %I set search_path = "$user", public, extensions',
                                          current_database()); end $$""")
        oid = await conn.fetchval("select oid from pg_extension where extname = 'vector'")
    finally:
        await conn.close()
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrations.migrate(conn)
        assert await conn.fetchval(
            "select oid from pg_extension where extname = 'vector' and extnamespace = 'extensions'::regnamespace"
        ) == oid
        settings = await conn.fetchval(
            """select setconfig from pg_db_role_setting
                where setdatabase = (select oid from pg_database where datname = current_database()) and setrole = 0""")
        assert settings == ['search_path="$user", public, extensions']
        bad = [f for f in await advisors(conn) if f.level in ("ERROR", "WARN")]
        assert not bad, report(bad)
    finally:
        await conn.close()


async def test_connections_find_vector_without_the_database_default(db_dsn: str, settings: Settings) -> None:
    """A database cloned from a template has no database-level search_path (CREATE DATABASE does not copy it), and a
    role may have its own: the service's connections and pools add the extension's schema themselves, and a pool
    keeps it across the RESET ALL it runs on every release."""
    raw = await asyncpg.connect(db_dsn)
    try:
        assert await raw.fetchval("select to_regtype('vector')") is None  # not on this session's path
    finally:
        await raw.close()
    conn = await db.connect(db_dsn, settings)
    try:
        v = await conn.fetchval("select '[1,2,3]'::vector")
        assert v.to_list() == [1.0, 2.0, 3.0]
        assert await conn.fetchval("select $1::vector <=> '[1,2,3]'", [1.0, 2.0, 3.0]) == 0.0
    finally:
        await conn.close()
    pool = await db.create_pool(db_dsn, settings, min_size=1, max_size=1)
    try:
        for _ in range(2):  # the second acquire gets the connection back after RESET ALL
            async with pool.acquire() as c:
                assert (await c.fetchval("select $1::vector", [0.5, 0.25])).to_list() == [0.5, 0.25]
    finally:
        await pool.close()


async def test_a_database_without_vector_is_refused_with_the_way_out(empty_dsn: str, settings: Settings) -> None:
    for attempt in (db.connect(empty_dsn, settings), db.create_pool(empty_dsn, settings)):
        with pytest.raises(DatabaseError, match=r"vector extension is missing: run `qgen migrate` first"):
            await attempt
