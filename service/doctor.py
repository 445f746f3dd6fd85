"""``qgen doctor``: is the database, the embedding model and every configured provider usable right now?

Each provider gets two rows: its model (exists? window?) and one real one-question batch call with the
real prompt and schema, timed: a provider passes only if it produced a valid question the way the
worker would ask for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import prompts
from .errors import QgenError, first_line
from .generation import JSON_OVERHEAD_TOKENS, generic_plan_entry
from .parsing import parse_items
from .providers.base import Provider, ProviderCall
from .questions import RequestSpec, provider_json_schema, validate_items
from .settings import Settings

CHECK_TIMEOUT_S = 60.0


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


# What the doctor asks every provider for: one real question through the real prompt and schema.
DOCTOR_SPEC = RequestSpec(subject="Mathematics", topic="Quadratic equations", exam="JEE Main", difficulty="medium")


def doctor_call(p: Provider) -> ProviderCall:
    """A one-question batch exactly as the worker sends it (prompt, provider schema, profile's budget)."""
    prof = p.profile
    budget = prof.tokens_per_question + JSON_OVERHEAD_TOKENS + prof.output_headroom
    return prompts.build_call(
        DOCTOR_SPEC,
        1,
        plan=[generic_plan_entry(DOCTOR_SPEC, 0)],
        avoid=[],
        seed=0,
        temperature=prof.temperature,
        max_tokens=min(prof.max_output_tokens or budget, budget),
        schema=provider_json_schema(DOCTOR_SPEC.question_type),
    )


async def _provider_rows(key: str, p: Provider, timeout_s: float, secrets: list[str]) -> list[DoctorRow]:
    """Model availability and window (``check``), then one real one-question batch call, timed."""

    async def model() -> tuple[bool, str]:
        c = await p.check()
        if c.ok and c.context_tokens and p.profile.window == "shared":
            p.profile = dataclasses.replace(p.profile, context_tokens=c.context_tokens)
        return c.ok, c.detail

    async def batch() -> tuple[bool, str]:
        call = doctor_call(p)
        reply = await p.generate(call)
        raw, note = parse_items(reply.text, reply.finish_reason)
        valid, problems = validate_items(raw, call.question_type)
        tokens = f"{reply.prompt_tokens} prompt + {reply.completion_tokens} completion tokens"
        if not valid:
            why = problems[0] if problems else note or f"no JSON items: {reply.text[:80]!r}"
            return False, f"no valid question ({why}); finish {reply.finish_reason}, {tokens}"
        return True, f"1 valid {call.question_type} question from {reply.model}; finish {reply.finish_reason}, {tokens}"

    return [
        await _timed(f"{key} model", model, secrets, timeout_s),
        await _timed(f"{key} one-question batch", batch, secrets, timeout_s),
    ]


async def run_doctor(settings: Settings) -> tuple[list[DoctorRow], bool]:
    """One row per check; ``ok`` is False when any check (including a configured provider) fails."""
    from .runtime import providers_for

    secrets = settings.secrets()
    rows = [
        await _timed("database", lambda: _check_database(settings), secrets, CHECK_TIMEOUT_S),
        await _timed("embedding model", lambda: _check_embedding(settings), secrets, 300.0),
    ]
    try:
        async with providers_for(settings) as providers:
            if settings.simulate:
                rows.append(DoctorRow("mode", True, None, "simulate: the loopback simulators, no real provider"))
            for key, p in providers.items():
                timeout = min(CHECK_TIMEOUT_S * 3, getattr(p, "timeout_s", CHECK_TIMEOUT_S) + 30)
                rows += await _provider_rows(key, p, timeout, secrets)
    except QgenError as e:
        rows.append(DoctorRow("providers", False, None, redact(first_line(e), secrets)))
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
