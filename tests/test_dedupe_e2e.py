"""[Dedupe] end to end: duplicate-heavy providers, the real worker(s), and a bank with no pair in a scope
at or above the threshold afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import json

import asyncpg

from service import dedupe
from service.embedding import Embedder
from service.facets import Facets, options_of
from service.runtime import worker_runtime
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import assert_bank_consistent, insert_request, running_worker, simulators, wait_terminal, with_simulators

PAIRS_AT_OR_ABOVE = """
select a.question_text as a_text, a.body::text as a_body, b.question_text as b_text, b.body::text as b_body,
       1 - (a.embedding <=> b.embedding) as similarity
  from questions a join questions b on a.scope_key = b.scope_key and a.id < b.id
 where 1 - (a.embedding <=> b.embedding) >= $1
"""


async def refusable_pairs(conn: asyncpg.Connection, threshold: float) -> list[tuple[str, str, float]]:
    """Pairs in the bank that the dedupe rule itself would refuse (a duplicate or a variant): none may exist.

    A pair at or above the threshold that the rule keeps on purpose (two problems that each state numbers
    the other lacks and ask different things, or one passage with another ask) is not one of them.
    """
    out = []
    for r in await conn.fetch(PAIRS_AT_OR_ABOVE, threshold):
        a = Facets.of(r["a_text"], options_of(json.loads(r["a_body"])))
        b = Facets.of(r["b_text"], options_of(json.loads(r["b_body"])))
        if dedupe.relation(a, b, float(r["similarity"]), threshold) is not None:
            out.append((r["a_text"], r["b_text"], float(r["similarity"])))
    return out


async def test_duplicate_heavy_request_for_30_ends_with_30_distinct(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(runpod=Knobs(duplicate_rate=0.5, seed=5)) as (vllm, gem):
        async with running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
            r = await insert_request(conn, subject="Mathematics", topic="Sequences and series", count=30)
            done = await wait_terminal(conn, r["id"], timeout=120)
        assert vllm.stats.duplicates_returned > 0  # the provider really repeated itself
    assert (done["status"], done["produced"]) == ("succeeded", 30), done["error"]
    assert await refusable_pairs(conn, settings.dedup_threshold) == []
    rejected = await conn.fetchval("select count(*) from question_rejects where request_id = $1", r["id"])
    assert rejected > 0
    await assert_bank_consistent(conn)


async def test_four_workers_forty_requests_one_topic_leave_no_near_duplicates(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(runpod=Knobs(duplicate_rate=0.35, seed=9), gemini=Knobs(duplicate_rate=0.35, seed=10)) as (
        vllm,
        gem,
    ):
        s = with_simulators(settings, vllm, gem, concurrency=2)
        ids = [
            (await insert_request(conn, subject="Physics", topic="Kinematics", count=3))["id"] for _ in range(40)
        ]
        async with contextlib.AsyncExitStack() as stack:
            workers = [await stack.enter_async_context(worker_runtime(s, dsn=db_dsn, embedder=embedder)) for _ in range(4)]
            tasks = [asyncio.create_task(w.run(drain=True)) for w in workers]
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
        assert vllm.stats.duplicates_returned > 0
    finals = [await wait_terminal(conn, rid, timeout=1) for rid in ids]
    assert all(f["status"] in ("succeeded", "partial") for f in finals)
    assert sum(f["status"] == "succeeded" for f in finals) >= 36, [f["error"] for f in finals if f["error"]]
    assert sum(w.stats.jobs_done for w in workers) == 40
    assert sum(1 for w in workers if w.stats.jobs_done > 0) >= 2  # the work really was shared
    assert await refusable_pairs(conn, settings.dedup_threshold) == []
    await assert_bank_consistent(conn)
