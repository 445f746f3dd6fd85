"""[Providers] fault matrix, end to end: for every RunPod failure class a Mathematics request still
ends 'succeeded' with `count` valid questions, only the missing items came from Gemini, the fallback
reason is stored, and no slot is stored twice."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from service.embedding import Embedder
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import assert_bank_consistent, insert_request, running_worker, simulators, wait_terminal, with_simulators

COUNT = 6

# failure class -> (RunPod simulator knobs, settings overrides, text expected in fallback_reason)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "connect error": ({}, {"runpod_base_url": "http://127.0.0.1:9/v1"}, "connect"),
    "timeout": ({"hang": True}, {"runpod_timeout_s": 0.5}, "timeout"),
    "500 under load": ({"error_rate": 1.0, "error_status": 500}, {}, "500"),
    "502 model loading": ({"model_loading_calls": 1000}, {}, "502"),
    "524 proxy timeout": ({"error_rate": 1.0, "error_status": 524}, {}, "524"),
    "429 rate limited": ({"rate_limit_every": 1, "retry_after_s": 0.05}, {}, "rate_limited"),
    "no json at all": ({"prose_rate": 1.0}, {}, "invalid_json"),
    "truncated output": ({"truncate": True}, {}, "truncated"),
    "too few valid items": ({"bad_item_rate": 0.5, "seed": 11}, {}, "too_few"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_runpod_failure_class_falls_back_for_missing_items_only(
    case: str, settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    knobs, overrides, expected = CASES[case]
    async with simulators(runpod=Knobs(**knobs)) as (vllm, gem):
        # one RunPod call for the whole request: each class is met by its own call, not by an open breaker
        s = with_simulators(settings, vllm, gem, call_attempts=2, runpod_max_questions_per_call=COUNT, **overrides)
        async with running_worker(s, db_dsn, embedder):
            r = await insert_request(conn, subject="Maths", topic="Probability", count=COUNT)
            done = await wait_terminal(conn, r["id"], timeout=60)
        gemini_calls = gem.stats.calls
    assert done["status"] == "succeeded", done["error"]
    assert done["produced"] == COUNT
    rows = await conn.fetch("select provider, fallback_reason from questions where request_id=$1", r["id"])
    assert len(rows) == COUNT
    fell_back = [row for row in rows if row["provider"] == "gemini"]
    assert fell_back, "the failure class should have sent items to Gemini"
    assert all(row["fallback_reason"] and expected in row["fallback_reason"] for row in fell_back), [
        row["fallback_reason"] for row in fell_back
    ]
    assert all(row["fallback_reason"] is None for row in rows if row["provider"] == "runpod")
    assert gemini_calls >= 1
    await assert_bank_consistent(conn)
