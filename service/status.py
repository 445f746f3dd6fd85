"""What ``qgen status`` and ``qgen enqueue --wait`` report, as plain data (the ``--json`` shapes).

Every function returns JSON-ready values (ids and times as strings, costs as floats). The shapes are a
contract for scripts; README "Operating it" documents them:

* ``overview()``: ``{"filters", "counts": {"requests": {status: n}, "jobs": {status: n}}, "requests": [Request],
  "jobs": [Job], "verifiers": [{"verifier", "solved", "disputed", "implausible"}]}``; ``jobs`` lists the queued,
  running and failed jobs of the matching requests; ``verifiers`` each verifier's last 50 blind solves of the day.
* ``detail()``: ``{"request": Request, "summary": Summary, "events": [Event], "jobs": [Job], "questions": [Question],
  "batches": [Batch]}``, a Batch being ``{"name", "job_id", "purpose" (generate or verify), "model", "state", "calls",
  "polls", "note", "created_at", "finished_at", "consumed_at"}`` (Batch mode; a Request's ``mode`` is online or
  batch, its ``batch_state`` what its batches are doing, null before the first is submitted).
* ``workers()``: ``{"workers": [Worker]}``, a Worker being ``{"worker", "host", "pid", "version", "state" (online,
  lost or stopped), "concurrency", "jobs_in_flight", "jobs_leased", "jobs_done", "jobs_retried", "questions_stored",
  "started_at", "last_beat_at", "since_last_beat_s", "stopped_at"}``.
* ``summary()``: ``{"status", "count", "stored", "refused": {"total", "duplicates", "variants", "by_reason"},
  "disputed": {"total", "stored"}, "fallbacks": {"total", "by_reason"}, "tokens": {"generation": {"prompt",
  "completion"}, "verification": {"prompt", "completion"}, "cached", "thinking"}, "cost_usd", "verified",
  "cost_per_verified_usd"}``; ``cost_usd`` is null when no call had a price; ``cost_per_verified_usd`` (every
  call, failed ones and blind solves included, over the questions stored as verified) null without either.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from . import catalogue
from .errors import InputError, QgenError
from .ids import short
from .sqlfiles import q
from .statuses import REQUEST_STATUSES
from .verify import IMPLAUSIBLE_WINDOW, implausible

REQUEST_KEYS = ("id", "short_id", "created_at", "updated_at", "finished_at", "status", "subject", "topic", "subtopic",
                "exam", "difficulty", "question_type", "count", "produced", "error", "jobs", "mode", "batch_state")
DETAIL_KEYS = ("instructions", "priority", "run_after", "requested_by")
JOB_KEYS = ("id", "request_id", "slot_start", "slot_count", "status", "attempts", "max_attempts", "produced", "worker",
            "lease_expires_at", "run_after", "last_error", "started_at", "finished_at")
_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class Filters:
    """``qgen status`` filters: statuses (None: all), subject prefix, created since, row limit."""

    statuses: tuple[str, ...] | None = None
    subject: str | None = None
    since: datetime | None = None
    limit: int = 20

    def params(self) -> tuple[Any, ...]:
        """The ``$1..$3`` of the status queries."""
        return (list(self.statuses) if self.statuses else None, _like_prefix(self.subject), self.since)

    def as_json(self) -> dict[str, Any]:
        return {"status": list(self.statuses) if self.statuses else None, "subject": self.subject,
                "since": jsonable(self.since), "limit": self.limit}


def parse_statuses(values: list[str] | None) -> tuple[str, ...] | None:
    """``["failed,partial", "queued"]`` → ``("failed", "partial", "queued")``; unknown names are an InputError."""
    if not values:
        return None
    out = tuple(dict.fromkeys(v.strip().lower() for item in values for v in item.split(",") if v.strip()))
    bad = [s for s in out if s not in REQUEST_STATUSES]
    if bad:
        raise InputError(f"unknown status {bad[0]!r} (one of {', '.join(REQUEST_STATUSES)})")
    return out or None


def parse_since(text: str | None, now: datetime | None = None) -> datetime | None:
    """``30m``, ``2h``, ``7d``, ``1w`` ago, or an ISO date/time (local time when it has no zone)."""
    if text is None:
        return None
    now = now or datetime.now(UTC)
    m = _SINCE.match(text)
    if m:
        return now - timedelta(seconds=float(m.group(1)) * _UNIT_S[m.group(2).lower()])
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--since {text!r}: give a duration (30m, 2h, 7d) or a date (2026-11-30 or 2026-11-30T08:00)") from None
    return when if when.tzinfo else when.astimezone()  # naive: the local time zone


def _like_prefix(subject: str | None) -> str | None:
    if subject is None or not subject.strip():
        return None
    return re.sub(r"([\\%_])", r"\\\1", subject.strip())


def jsonable(value: Any) -> Any:
    """Database values as JSON values: UUIDs and times as strings, Decimal as float; containers recursively."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _request(row: Mapping[str, Any], jobs: dict[str, int], *, detail: bool = False) -> dict[str, Any]:
    keys = (*REQUEST_KEYS, *(DETAIL_KEYS if detail else ()))
    values = {**{k: row.get(k) for k in keys}, "short_id": short(row["id"]), "jobs": jobs}
    return jsonable({k: values[k] for k in keys})


def _job(row: Mapping[str, Any]) -> dict[str, Any]:
    return jsonable({k: row.get(k) for k in JOB_KEYS})


async def workers(conn: asyncpg.Connection, limit: int = 50) -> dict[str, Any]:
    """The workers' heartbeat rows (``qgen_workers``): online first, then lost, then stopped; newest beat first."""
    return {"workers": [jsonable(dict(r)) for r in await conn.fetch(q("status_workers"), limit)]}


async def overview(conn: asyncpg.Connection, f: Filters) -> dict[str, Any]:
    """The matching requests (newest first, at most ``f.limit``), their counts and their open jobs.

    A subject the catalogue knows by another name ('Maths') filters by the catalogue's ('Mathematics')."""
    if f.subject and (canonical := await catalogue.canonical(conn, f.subject)) is not None:
        f = dataclasses.replace(f, subject=canonical)
    params = f.params()
    counts: dict[str, dict[str, int]] = {"requests": {}, "jobs": {}}
    for r in await conn.fetch(q("status_counts"), *params):
        counts["requests" if r["kind"] == "request" else "jobs"][r["status"]] = r["n"]
    requests = [_request(r, json.loads(r["jobs"])) for r in await conn.fetch(q("status_requests"), *params, f.limit)]
    jobs = [_job(r) for r in await conn.fetch(q("status_jobs"), *params, f.limit)]
    return {"filters": f.as_json(), "counts": counts, "requests": requests, "jobs": jobs,
            "verifiers": await verifiers(conn)}


async def verifiers(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Each verifier's recent blind solves: ``{"verifier", "solved", "disputed", "implausible"}``; implausible
    means it disputes far more keys than a working generator explains (check QGEN_VERIFY_MODEL)."""
    rows = await conn.fetch(q("verifier_windows"), IMPLAUSIBLE_WINDOW)
    return [{"verifier": r["verifier"], "solved": r["solved"], "disputed": r["disputed"],
             "implausible": implausible(r["disputed"], r["solved"])} for r in rows]


async def summary(conn: asyncpg.Connection, request_id: uuid.UUID) -> dict[str, Any]:
    """What became of one request (see the module docstring for the shape)."""
    r = await conn.fetchrow(q("request_summary"), request_id)
    if r is None:
        raise QgenError(f"no request {request_id}")
    refused: dict[str, int] = json.loads(r["refused"])
    variants = sum(n for reason, n in refused.items() if "variant" in reason)
    fallbacks: dict[str, int] = json.loads(r["fallbacks"])
    return jsonable({
        "status": r["status"],
        "count": r["count"],
        "stored": r["stored"],
        "refused": {"total": sum(refused.values()), "duplicates": sum(refused.values()) - variants,
                    "variants": variants, "by_reason": refused},
        "disputed": {"total": r["disputed"], "stored": r["stored_disputed"]},
        "fallbacks": {"total": sum(fallbacks.values()), "by_reason": fallbacks},
        "tokens": {
            "generation": {"prompt": r["prompt_tokens"], "completion": r["completion_tokens"]},
            "verification": {"prompt": r["verify_prompt_tokens"], "completion": r["verify_completion_tokens"]},
            "cached": r["cached_tokens"],
            "thinking": r["thinking_tokens"],
        },
        "cost_usd": r["cost_usd"],
        "verified": r["verified"],
        "cost_per_verified_usd": r["cost_usd"] / r["verified"] if r["cost_usd"] is not None and r["verified"] else None,
    })


async def detail(conn: asyncpg.Connection, request_id: uuid.UUID) -> dict[str, Any]:
    """One request with its summary, status history, jobs and stored questions."""
    r = await conn.fetchrow(q("request_detail"), request_id)
    if r is None:
        raise QgenError(f"no request {request_id}")
    jobs = [_job(j) for j in await conn.fetch(q("request_jobs"), request_id)]
    job_counts: dict[str, int] = {}
    for j in jobs:
        job_counts[j["status"]] = job_counts.get(j["status"], 0) + 1
    events = [jsonable(dict(e)) for e in await conn.fetch(q("request_events"), request_id)]
    questions = [jsonable(dict(x)) for x in await conn.fetch(q("request_question_rows"), request_id)]
    batches = [jsonable(dict(b)) for b in await conn.fetch(q("request_batches"), request_id)]
    return {
        "request": _request(r, dict(sorted(job_counts.items())), detail=True),
        "summary": await summary(conn, request_id),
        "events": events,
        "jobs": jobs,
        "questions": questions,
        "batches": batches,
    }
