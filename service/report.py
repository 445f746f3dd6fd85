"""``qgen report``'s figures: what the bank holds and what it cost, read from the database into a ``Report``.

``build()`` reads every figure (sql/queries/report.sql); ``report_render`` turns a ``Report`` into terminal
tables, PNG charts and one HTML page.

Filters (``--since``, ``--until``, ``--subject``, ``--user``; ``Filters``) narrow every section alike: each row
is taken by its own ``created_at`` (a question when stored, a call when made), its subject or its request's,
and its request's ``requested_by``; imported questions belong to no user.

Rates: a group's *candidates* are the questions it stored, refused (question_rejects) or held back as
disputed; the duplicate, variant and dispute rates are shares of those candidates. Tokens per stored
question divide a provider's generation tokens (failed calls included) by the questions it stored;
imported questions cost no tokens and are left out of those figures.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from .errors import InputError
from .prices import measured_pod, price_table
from .sqlfiles import q
from .status import _like_prefix, jsonable, parse_since

DIFFICULTIES = ("easy", "medium", "hard")
TYPES = ("mcq", "numeric")
COMBOS = [(d, t) for d in DIFFICULTIES for t in TYPES]


@dataclass(frozen=True)
class Filters:
    """What the report covers: rows created in [since, until), of subjects starting with ``subject``
    (case-insensitive), for requests of user ``user``; None: no bound."""

    since: datetime | None = None
    until: datetime | None = None
    subject: str | None = None
    user: uuid.UUID | None = None

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None, subject: str | None = None,
              user: str | None = None, now: datetime | None = None) -> Filters:
        """From the command line: times as ``qgen status --since`` takes them (30m, 2h, 7d ago, or a date)."""
        now = now or datetime.now(UTC)
        start = parse_since(since, now)
        try:
            end = parse_since(until, now)
        except InputError:
            raise InputError(f"--until {until!r}: give a duration (30m, 2h, 7d: that long ago) or a date "
                             "(2026-11-30 or 2026-11-30T08:00)") from None
        if start is not None and end is not None and start >= end:
            raise InputError(f"--since {since!r} is not before --until {until!r}: the window is empty")
        who = None
        if user is not None:
            try:
                who = uuid.UUID(user.strip())
            except ValueError:
                raise InputError(f"--user {user!r}: not a user id (the request's requested_by, a UUID)") from None
        return cls(start, end, subject.strip() if subject and subject.strip() else None, who)

    def params(self) -> tuple[Any, ...]:
        """``$1..$4`` of every query in sql/queries/report.sql."""
        return (self.since, self.until, _like_prefix(self.subject), self.user)

    def as_json(self) -> dict[str, Any]:
        return jsonable({"since": self.since, "until": self.until, "subject": self.subject, "user": self.user})

    def describe(self) -> str:
        """One line for titles: ``since 2026-12-01 08:00 UTC · subject Phys…``; '' when unfiltered."""
        parts = []
        if self.since:
            parts.append(f"since {_when(self.since)}")
        if self.until:
            parts.append(f"until {_when(self.until)}")
        if self.subject:
            parts.append(f"subject {self.subject}…")
        if self.user:
            parts.append(f"user {self.user}")
        return " · ".join(parts)


def _when(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Report:
    """Every figure of the report, as read from the database (``as_json()`` is the ``--json`` shape)."""

    generated_at: datetime
    totals: dict[str, Any]
    coverage: list[dict[str, Any]]
    providers: list[dict[str, Any]]
    fallbacks: list[dict[str, Any]]
    refusals: list[dict[str, Any]]
    tokens: list[dict[str, Any]]
    per_question: list[dict[str, Any]]
    # RunPod at the throughput provider_calls show, priced by the pod-hour (service/data/prices.toml)
    pod: dict[str, Any] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    files: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return jsonable({**asdict(self), "filters": self.filters.as_json()})

    def coverage_pivot(self) -> list[tuple[str, str, list[int], int]]:
        """(subject, topic, counts in ``COMBOS`` order, total) per subject and topic."""
        cells: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
        for c in self.coverage:
            cells.setdefault((c["subject"], c["topic"]), {})[(c["difficulty"], c["question_type"])] = c["questions"]
        return [(s, t, [v.get(k, 0) for k in COMBOS], sum(v.values())) for (s, t), v in cells.items()]


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _refusal_rows(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(r["grp"], {"group": r["grp"], "stored": 0, "refused": {}, "disputed_stored": 0,
                                         "disputed_not_stored": 0})
        if r["kind"] == "stored":
            g["stored"] = r["n"]
        elif r["kind"] == "refused":
            g["refused"][r["reason"]] = r["n"]
        else:
            g["disputed_stored" if r["reason"] == "stored" else "disputed_not_stored"] = r["n"]
    out = []
    for g in groups.values():
        refused = sum(g["refused"].values())
        variants = sum(n for reason, n in g["refused"].items() if "variant" in reason)
        disputed = g["disputed_stored"] + g["disputed_not_stored"]
        candidates = g["stored"] + refused + g["disputed_not_stored"]
        out.append({
            **g, "duplicates": refused - variants, "variants": variants, "disputed": disputed, "candidates": candidates,
            "duplicate_rate": _rate(refused - variants, candidates), "variant_rate": _rate(variants, candidates),
            "dispute_rate": _rate(disputed, candidates),
        })
    return out


def _per_question(providers: list[dict[str, Any]], tokens: list[dict[str, Any]], totals: dict[str, Any]) -> list[dict[str, Any]]:
    stored: dict[str, int] = {}
    for p in providers:
        if p["provider"] != "import":
            stored[p["provider"]] = stored.get(p["provider"], 0) + p["questions"]
    gen = [t for t in tokens if t["purpose"] == "generate"]
    out = []
    for name in sorted({*stored, *(t["provider"] for t in gen)}):
        out.append(_cost_row(name, "generate", stored.get(name, 0), [t for t in gen if t["provider"] == name]))
    generated = totals["generated"]
    out.append(_cost_row("(all verifiers)", "verify", generated, [t for t in tokens if t["purpose"] == "verify"]))
    out.append(_cost_row("(all)", "all", generated, tokens))
    return out


def _cost_row(provider: str, purpose: str, stored: int, calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Tokens and cost of ``calls`` per stored question; ``cost_complete`` is false when some calls had no
    price (then ``cost_usd`` is a lower bound), and ``cost_usd`` is null when none had one."""
    n_tokens = sum(t["prompt_tokens"] + t["completion_tokens"] for t in calls)
    priced = [t["cost_usd"] for t in calls if t["cost_usd"] is not None]
    cost = float(sum(priced)) if priced else None
    return {"provider": provider, "purpose": purpose, "stored": stored, "tokens": n_tokens, "cost_usd": cost,
            "cost_complete": sum(t["priced_calls"] for t in calls) == sum(t["calls"] for t in calls),
            "tokens_per_question": _rate(n_tokens, stored), "cost_per_question_usd": _rate_f(cost, stored)}


def _pod(row: dict[str, Any]) -> dict[str, Any]:
    """RunPod's answered calls, output tokens and pod seconds, with the throughput and cost they show at the
    price table's pod-hour (the table's own throughput is an assumption; this one is measured)."""
    usd_per_hour = float(price_table()["runpod"]["usd_per_hour"])
    measured = measured_pod(usd_per_hour, int(row.get("output_tokens") or 0), float(row.get("busy_s") or 0.0))
    return {**row, "usd_per_hour": usd_per_hour, **(measured or {"output_tokens_per_second": None,
                                                              "usd_per_million_output": None, "usd": None})}


def _rate_f(cost: float | None, n: int) -> float | None:
    return round(cost / n, 8) if cost is not None and n else None


async def build(conn: asyncpg.Connection, filters: Filters | None = None) -> Report:
    """Read the whole report from the database (seven read-only statements), narrowed by ``filters``."""
    f = filters or Filters()
    args = f.params()
    totals = dict(await conn.fetchrow(q("report_totals"), *args) or {})
    providers = [dict(r) for r in await conn.fetch(q("report_providers"), *args)]
    tokens = [dict(r) for r in await conn.fetch(q("report_tokens"), *args)]
    for p in providers:
        p["share"] = _rate(p["questions"], totals["questions"])
    return Report(
        generated_at=datetime.now(UTC).replace(microsecond=0),
        totals=totals,
        coverage=[dict(r) for r in await conn.fetch(q("report_coverage"), *args)],
        providers=providers,
        fallbacks=[dict(r) for r in await conn.fetch(q("report_fallbacks"), *args)],
        refusals=_refusal_rows(list(await conn.fetch(q("report_refusals"), *args))),
        tokens=tokens,
        per_question=_per_question(providers, tokens, totals),
        pod=_pod(dict(await conn.fetchrow(q("report_pod"), *args) or {})),
        filters=f,
    )
