"""``qgen doctor``: is the database, the embedding model and every configured provider usable right now?"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .errors import QgenError, first_line
from .providers.base import ProviderCall
from .providers.gemini import GeminiProvider
from .providers.registry import build_providers
from .providers.runpod import RunPodProvider
from .settings import Settings

CHECK_TIMEOUT_S = 60.0
_TINY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}


@dataclass
class DoctorRow:
    check: str
    ok: bool
    latency_ms: float | None
    detail: str


def redact(text: str, secrets: list[str]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


async def _timed(
    name: str, fn: Callable[[], Awaitable[tuple[bool, str]]], secrets: list[str], timeout_s: float
) -> DoctorRow:
    """Run one check; any exception becomes a failed row with a one-line, key-free detail."""
    start = time.perf_counter()
    try:
        ok, detail = await asyncio.wait_for(fn(), timeout_s)
    except TimeoutError:
        ok, detail = False, f"no answer within {timeout_s:g}s"
    except Exception as e:
        first = first_line(e)
        ok, detail = False, first if isinstance(e, QgenError) else f"{type(e).__name__}: {first}"
    ms = (time.perf_counter() - start) * 1000
    return DoctorRow(name, ok, round(ms, 1), redact(detail, secrets)[:300])


async def _check_database(settings: Settings) -> tuple[bool, str]:
    from . import db

    async with db.connection(settings, vector=False) as conn:
        version = await conn.fetchval("show server_version")
        ext = await conn.fetchval("select extversion from pg_extension where extname='vector'")
    if ext is None:
        return False, f"PostgreSQL {version}; vector extension missing (run `qgen migrate`)"
    return True, f"PostgreSQL {version}, pgvector {ext}"


async def _check_embedding(settings: Settings) -> tuple[bool, str]:
    try:
        from . import embedding
    except ImportError:
        return True, "not available (service.embedding is not installed): skipped"
    embedder = await embedding.Embedder.load(settings)
    try:
        vec = await embedder.embed_texts(["doctor check"])
    finally:
        embedder.close()
    return True, f"{settings.embedding_model}: {vec.shape[1]} dimensions"


def _tiny_call() -> ProviderCall:
    return ProviderCall(
        system="You are a strict JSON-only API. Reply with one JSON object and nothing else.",
        prompt='Reply with {"ok": true}.',
        question_type="mcq",
        n=1,
        schema=_TINY_SCHEMA,
        seed=0,
        temperature=0.0,
        max_tokens=32,
    )


def _json_ok(text: str) -> tuple[bool, str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False, f"not strict JSON: {text[:120]!r}"
    return True, f"strict JSON {json.dumps(data)[:80]}"


async def _runpod_rows(p: RunPodProvider, settings: Settings, secrets: list[str]) -> list[DoctorRow]:
    timeout = min(CHECK_TIMEOUT_S, settings.runpod_timeout_s)

    async def health() -> tuple[bool, str]:
        h = await p.health()
        body = json.dumps(h["body"]) if not isinstance(h["body"], str) else h["body"]
        return True, f"HTTP {h['status']} {body[:120]}".strip()

    async def models() -> tuple[bool, str]:
        ids = await p.list_models()
        if settings.runpod_model in ids:
            return True, f"{settings.runpod_model} is served"
        return False, f"{settings.runpod_model} not served (served: {', '.join(ids) or 'none'})"

    async def completion() -> tuple[bool, str]:
        reply = await p.generate(_tiny_call())
        ok, detail = _json_ok(reply.text)
        return ok, f"{detail} (finish {reply.finish_reason}, model {reply.model})"

    return [
        await _timed("runpod health", health, secrets, timeout),
        await _timed("runpod models", models, secrets, timeout),
        await _timed("runpod strict JSON", completion, secrets, timeout),
    ]


async def _gemini_rows(p: GeminiProvider, settings: Settings, secrets: list[str]) -> list[DoctorRow]:
    async def ping() -> tuple[bool, str]:
        reply = await p.ping()
        ok, detail = _json_ok(reply.text)
        return ok, f"{detail} (model {reply.model})"

    return [await _timed("gemini call", ping, secrets, min(CHECK_TIMEOUT_S, settings.gemini_timeout_s))]


async def run_doctor(settings: Settings) -> tuple[list[DoctorRow], bool]:
    """One row per check; ``ok`` is False when any check (including a configured provider) fails."""
    secrets = settings.secrets()
    rows = [
        await _timed("database", lambda: _check_database(settings), secrets, CHECK_TIMEOUT_S),
        await _timed("embedding model", lambda: _check_embedding(settings), secrets, 300.0),
    ]
    try:
        providers = build_providers(settings)
    except QgenError as e:
        rows.append(DoctorRow("providers", False, None, redact(str(e), secrets)))
        return rows, False
    if not providers:
        rows.append(
            DoctorRow("providers", True, None, "none configured: the worker uses the loopback simulators")
        )
    try:
        for p in providers.values():
            if isinstance(p, RunPodProvider):
                rows += await _runpod_rows(p, settings, secrets)
            elif isinstance(p, GeminiProvider):
                rows += await _gemini_rows(p, settings, secrets)
    finally:
        for p in providers.values():
            try:
                await p.aclose()
            except Exception:  # closing is best effort; the checks already ran
                pass
    return rows, all(r.ok for r in rows)


def format_table(rows: list[DoctorRow]) -> str:
    """Fixed-width table: check, OK/FAIL, latency, detail."""
    header = ("CHECK", "STATUS", "LATENCY", "DETAIL")
    body = [
        (
            r.check,
            "ok" if r.ok else "FAIL",
            f"{r.latency_ms:.0f} ms" if r.latency_ms is not None else "-",
            r.detail,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(3)]
    lines = []
    for row in [header, *body]:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    return "\n".join(lines)
