"""Batch mode's blind solves (service/batch_verify.py): a batch-mode round's first solves through the Gemini
Batch API, their items held in qgen_batches until whoever claims the job next reads the answers.

Pure parts as functions; the round trip on real PostgreSQL with the real clients against the loopback
simulators (sim/simulators/gemini_batch.py)."""

from __future__ import annotations

import dataclasses
import json

import asyncpg
import numpy as np

from service import bank
from service.batch_verify import answers_by_key, call_key, held_items, held_json
from service.embedding import Embedder
from service.errors import ProviderError
from service.providers.base import ProviderCall, ProviderReply
from service.questions import MCQQuestion, NumericQuestion, RequestSpec
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import assert_bank_consistent, insert_request, running_worker, simulators, wait_terminal
from .test_batch_mode import HANG_GUARD_S, batch_settings, until

CALL = ProviderCall(system="Solve blind.", prompt="Q1 ... Q4", question_type="mcq", n=4, schema={}, seed=7,
                    temperature=1.0, max_tokens=9000, thinking="medium", purpose="verify")


# --- pure decisions ---------------------------------------------------------------------------------------
def test_a_call_is_known_by_what_it_sends_except_its_seed() -> None:
    assert call_key(dataclasses.replace(CALL, seed=8)) == call_key(CALL)  # another sample of the same solve
    for change in ({"prompt": "Q1 ... Q3"}, {"thinking": "high"}, {"max_tokens": 9001}, {"model": "gemini-pro"},
                   {"system": "Solve."}, {"temperature": 0.7}):
        assert call_key(dataclasses.replace(CALL, **change)) != call_key(CALL), change


def test_answers_are_grouped_by_call_in_the_order_the_batch_gave_them() -> None:
    a, b, c = (ProviderReply(text=t, model="m") for t in "abc")
    failed = ProviderError("gemini", "server", "batch request failed")
    got = answers_by_key([{"key": "k1"}, {"key": "k2"}, {"key": "k1"}, {"key": "k3"}], [a, b, c, failed])
    assert got == {"k1": [a, c], "k2": [b], "k3": [failed]}
    assert answers_by_key([{"key": "k1"}, {"key": "k2"}], [a]) == {"k1": [a]}  # a short answer list: the rest online


def test_held_items_come_back_as_the_same_questions_with_their_authors() -> None:
    spec = RequestSpec(subject="Chemistry", topic="Mole concept", exam="JEE Main")
    m = MCQQuestion(question_text="How many moles are in 18 g of water?", options=["0.5", "1", "2", "18"],
                    solution="18 g / 18 g per mol = 1 mol", correct_option_index=1)
    n = NumericQuestion(question_text="What is the molar mass of CO2 in g/mol?", solution="12 + 2 x 16 = 44",
                        answer=44.0, unit="g/mol")
    cands = [bank.Candidate(question=qn, spec=spec, provider="gemini", model="gemini-3.5-flash",
                            fallback_reason=why, embedding=np.zeros(3, dtype=np.float32), key="gemini")
             for qn, why in ((m, None), (n, "runpod circuit_open"))]
    seed, items = held_items(json.loads(held_json(123, cands)))
    assert seed == 123
    assert [(i.question, i.provider, i.model, i.key, i.fallback_reason) for i in items] == [
        (c.question, c.provider, c.model, c.key, c.fallback_reason) for c in cands]
    assert held_items(held_json(5, []))[1] == []


# --- the round trip ---------------------------------------------------------------------------------------
async def test_runpod_items_of_a_batch_request_are_solved_by_gemini_through_a_batch(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """Mathematics: the pod writes online (it has no Batch API), Gemini's blind solves go through a batch."""
    async with simulators(gemini=Knobs(batch_pending_s=0.1, batch_running_s=0.1)) as (vllm, gem):
        async with running_worker(batch_settings(settings, vllm, gem), db_dsn, embedder):
            row = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=4, mode="batch")
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 4 and done["batch_state"] == "succeeded"
        (b,) = await conn.fetch("select * from qgen_batches where request_id = $1", row["id"])
        assert (b["purpose"], b["state"], b["consumed_at"] is not None) == ("verify", "JOB_STATE_SUCCEEDED", True)
        assert gem.stats.batches_created == 1
        calls = await conn.fetch("select provider, purpose, outcome, batch from provider_calls where request_id = $1",
                                 row["id"])
        assert {(c["provider"], c["batch"]) for c in calls if c["purpose"] == "generate"} == {("runpod", False)}
        solves = [c for c in calls if c["purpose"] == "verify"]
        batched = [c for c in solves if c["batch"]]
        assert len(batched) == len(json.loads(b["calls"])) and {c["provider"] for c in batched} == {"gemini"}
        assert all(c["outcome"] == "ok" for c in batched)
        stored = await conn.fetch("select verification, verification_method, verifier_provider from questions"
                                  " where request_id = $1", row["id"])
        assert [(q["verification"], q["verification_method"], q["verifier_provider"]) for q in stored] == [
            ("verified", "cross", "gemini")] * 4
        await assert_bank_consistent(conn)


async def test_a_worker_stopped_during_the_solves_batch_leaves_them_to_the_next_and_nothing_is_generated_again(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    async with simulators(gemini=Knobs(batch_running_s=3600)) as (vllm, gem):
        s = batch_settings(settings, vllm, gem)
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Mathematics", topic="Sequences and series", count=3, mode="batch")
            rid = row["id"]
            first = await until(lambda: conn.fetchrow("select * from qgen_batches where request_id = $1 and polls >= 1",
                                                      rid), "the blind-solve batch is polled")
        assert first["purpose"] == "verify" and first["consumed_at"] is None
        written = vllm.stats.calls
        gem.knobs.batch_running_s = 0  # it ends upstream while no worker runs
        async with running_worker(s, db_dsn, embedder):
            done = await wait_terminal(conn, rid, timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 3
        assert vllm.stats.calls == written  # the held items were read back, not written again
        assert gem.stats.batches_created == 1
        (b,) = await conn.fetch("select * from qgen_batches where request_id = $1", rid)
        assert b["name"] == first["name"] and b["state"] == "JOB_STATE_SUCCEEDED" and b["consumed_at"] is not None
        stored = await conn.fetch("select verification from questions where request_id = $1", rid)
        assert [q["verification"] for q in stored] == ["verified"] * 3
        assert await conn.fetchval("select count(*) from provider_calls where request_id = $1 and purpose = 'verify'"
                                   " and batch", rid) == len(json.loads(b["calls"]))
        await assert_bank_consistent(conn)
