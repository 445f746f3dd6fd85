"""``qgen doctor``: is the database, the embedding model and every configured provider usable right now?

Each provider gets two rows: its model (exists? window?) and one real one-question batch call with the
real prompt and schema, timed: a provider passes only if it produced a valid question the way the
worker would ask for it. With the answer-key gate on, each verifying provider gets its verifier model
checked (``QGEN_VERIFY_MODEL``, when set) and makes one real blind solve of a generated question, the way
``verify`` asks: the row says whether it agreed with the key.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import prompts
from .answers import agrees
from .errors import ProviderError, QgenError, first_line
from .generation import JSON_OVERHEAD_TOKENS, generic_plan_entry
from .parsing import parse_items
from .providers.base import Provider, ProviderCall
from .questions import MCQQuestion, Question, RequestSpec, provider_json_schema, validate_items
from .routing import parse_verify_model, parse_verify_routes
from .settings import Settings
from .solve import VERIFY_TOKENS, parse_solve, solve_call, writes_working
from .sqlfiles import q
from .verify import plan_check

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
        version = await conn.fetchval(q("server_version"))
        ext = await conn.fetchval(q("vector_version"))
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


# Solved blind when no provider produced a question this run (a known answer: the sum of the roots is 5).
KNOWN_QUESTION = MCQQuestion(
    question_text="What is the sum of the roots of the equation x^2 - 5x + 6 = 0?",
    options=["5", "6", "-5", "1"],
    solution="The roots are 2 and 3 (x^2 - 5x + 6 = (x - 2)(x - 3)), so their sum is 5. \\boxed{5}",
    correct_option_index=0,
)


def doctor_call(p: Provider) -> ProviderCall:
    """A one-question batch exactly as the worker sends it (prompt, provider schema, profile's budget and
    sampling)."""
    prof = p.profile
    sampling = prof.sampling("generate")
    return sampling.apply(
        prompts.build_call(
            DOCTOR_SPEC,
            1,
            plan=[generic_plan_entry(DOCTOR_SPEC, 0)],
            avoid=[],
            seed=0,
            temperature=sampling.temperature,
            max_tokens=prof.output_budget("generate", prof.tokens_per_question + JSON_OVERHEAD_TOKENS),
            schema=provider_json_schema(DOCTOR_SPEC.question_type),
        )
    )


def refusal(e: ProviderError) -> str:
    """One line for a provider error; a refused reply schema is named as the configuration error it is."""
    if e.kind == "schema_refused":
        return f"{e.provider} refused the reply schema as too complex to serve (HTTP {e.status}): {e.message}"
    return str(e)


async def _provider_rows(
    key: str, p: Provider, timeout_s: float, secrets: list[str], produced: list[Question]
) -> list[DoctorRow]:
    """Model availability and window (``check``), then one real one-question batch call, timed; the
    question it produced is appended to ``produced`` (for the blind solves)."""

    async def model() -> tuple[bool, str]:
        c = await p.check()
        if c.ok:
            p.profile = p.profile.with_window(c.context_tokens)
        return c.ok, c.detail

    async def batch() -> tuple[bool, str]:
        call = doctor_call(p)
        try:
            reply = await p.generate(call)
        except ProviderError as e:
            return False, refusal(e)
        raw, note = parse_items(reply.text, reply.finish_reason)
        valid, problems = validate_items(raw, call.question_type)
        tokens = f"{reply.prompt_tokens} prompt + {reply.completion_tokens} completion tokens"
        if not valid:
            why = problems[0] if problems else note or f"no JSON items: {reply.text[:80]!r}"
            return False, f"no valid question ({why}); finish {reply.finish_reason}, {tokens}"
        produced.append(valid[0])
        return True, f"1 valid {call.question_type} question from {reply.model}; finish {reply.finish_reason}, {tokens}"

    return [
        await _timed(f"{key} model", model, secrets, timeout_s),
        await _timed(f"{key} one-question batch", batch, secrets, timeout_s),
    ]


def verify_plans(settings: Settings, providers: dict[str, Provider]) -> dict[tuple[str, str | None], list[str]]:
    """(verifying provider key, its verifier model or None for the provider's own) -> the generators (and
    subjects) whose items it re-solves, as the gate plans them (``verify.plan_check``) for the configured
    providers; empty when the gate is off."""
    if settings.verify != "on":
        return {}
    routes = parse_verify_routes(settings.verify_routes)
    vmodel = parse_verify_model(settings.verify_model)
    models = {key: p.model for key, p in providers.items()}
    subjects = sorted({subj for (_, subj) in routes.rules if subj})
    out: dict[tuple[str, str | None], list[str]] = {}
    for gen in providers:
        targets: dict[str | None, tuple[str, str | None]] = {}
        for subj in (None, *subjects):
            plan = plan_check(
                gen, models[gen], subj, routes=routes, models=models, verify_model=vmodel,
                self_solves=settings.verify_self_solves,
            )
            if plan is not None:
                targets[subj] = (plan.verifier, plan.model)
        if len(set(targets.values())) == 1:  # every subject of this generator: one verifier
            out.setdefault(next(iter(targets.values())), []).append(gen)
            continue
        for subj, target in targets.items():
            out.setdefault(target, []).append(f"{gen}/{subj}" if subj else f"{gen} (other subjects)")
    return out


async def _verify_rows(
    settings: Settings, vkey: str, model: str | None, p: Provider, sources: list[str], question: Question,
    timeout_s: float, secrets: list[str],
) -> list[DoctorRow]:
    """The verifier model (when QGEN_VERIFY_MODEL names one), then one real blind solve, as ``verify`` makes it."""
    rows: list[DoctorRow] = []
    if model and model != p.model:

        async def verify_model() -> tuple[bool, str]:
            c = await p.check(model)
            return c.ok, c.detail

        rows.append(await _timed(f"{vkey} verifier model", verify_model, secrets, timeout_s))

    async def blind_solve() -> tuple[bool, str]:
        prof = p.profile
        sampling = prof.sampling("verify")
        call = sampling.apply(
            solve_call(
                question, seed=0, temperature=sampling.temperature, max_tokens=prof.output_budget("verify", VERIFY_TOKENS),
                working=writes_working(sampling),
            )
        )
        if model:
            call = dataclasses.replace(call, model=model)
        try:
            reply = await p.generate(call)
            answer = parse_solve(p.name, reply, call)
        except ProviderError as e:
            return False, refusal(e)
        ok, why = agrees(question, answer, settings.verify_tolerance)
        verdict = "agrees with the key" if ok else f"disagrees ({why})"
        tokens = f"{reply.prompt_tokens} prompt + {reply.completion_tokens} completion tokens"
        return True, (
            f"{reply.model} re-solved a {call.question_type} question blind for {', '.join(sources)}: {verdict}; "
            f"finish {reply.finish_reason}, {tokens}"
        )

    rows.append(await _timed(f"{vkey} blind solve", blind_solve, secrets, timeout_s))
    return rows


async def provider_rows(settings: Settings, providers: dict[str, Provider], secrets: list[str]) -> list[DoctorRow]:
    """Every provider's model and one-question batch, then every verifier's model and one blind solve (of a
    question a provider just wrote, else ``KNOWN_QUESTION``)."""
    rows: list[DoctorRow] = []
    produced: list[Question] = []
    for key, p in providers.items():
        rows += await _provider_rows(key, p, _timeout(p), secrets, produced)
    question = produced[0] if produced else KNOWN_QUESTION
    for (vkey, model), sources in verify_plans(settings, providers).items():
        p = providers[vkey]
        rows += await _verify_rows(settings, vkey, model, p, sources, question, _timeout(p), secrets)
    return rows


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
            rows += await provider_rows(settings, providers, secrets)
    except QgenError as e:
        rows.append(DoctorRow("providers", False, None, redact(first_line(e), secrets)))
    return rows, all(r.ok for r in rows)


def _timeout(p: Provider) -> float:
    return min(CHECK_TIMEOUT_S * 3, getattr(p, "timeout_s", CHECK_TIMEOUT_S) + 30)


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
