"""Batch mode's blind solves (service/batch_verify.py): a batch-mode round's first solves through the Gemini
Batch API, their items held in qgen_batches until whoever claims the job next reads the answers.

Pure parts as functions; the round trip on real PostgreSQL with the real clients against the loopback
simulators (sim/simulators/gemini_batch.py)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import asyncpg
import numpy as np
import pytest

from service import bank
from service.batch_verify import BatchSolves, answers_by_key, call_key, held_items, held_json
from service.embedding import Embedder
from service.errors import ProviderError, SolveDeferred
from service.managed import CallLog, CallRecord, ManagedProvider
from service.providers.base import ProviderCall, ProviderReply
from service.providers.gemini import GeminiProvider
from service.questions import MCQQuestion, NumericQuestion, RequestSpec
from service.settings import Settings
from service.verify import Check
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
    verdict = Check("disputed", "gemini", "gemini-3.5-flash", {"option_index": 2, "inconclusive": None},
                    "another option", method="cross")
    seed, first, items = held_items(json.loads(held_json(123, [(cands[0], verdict)], cands[1:])))
    assert (seed, first) == (123, 1)
    assert [(i.question, i.provider, i.model, i.key, i.fallback_reason) for i in items] == [
        (c.question, c.provider, c.model, c.key, c.fallback_reason) for c in cands]
    assert [i.first for i in items] == [verdict, None]  # the first solves' verdict, for the deeper one
    assert held_items(held_json(5, [], [])) == (5, 0, [])
    assert held_items(held_json(5, [(cands[1], None)], []))[2][0].first is None


def _runner(settings: Settings, **kw: Any) -> tuple[BatchSolves, list[ProviderCall]]:
    """A runner over a managed Gemini adapter whose online calls are only noted (nothing is sent anywhere)."""
    managed = ManagedProvider(GeminiProvider(settings.model_copy(update={"gemini_api_key": "k"})), settings)
    online: list[ProviderCall] = []

    async def run(call: ProviderCall, parse: Any, *, into: CallLog | None = None) -> Any:
        online.append(call)
        return "online"

    managed.run = run  # type: ignore[method-assign]
    api = managed.wrapped.batch_api  # type: ignore[attr-defined]
    return BatchSolves(managed, api, **kw), online


def _parse(reply: ProviderReply, _call: ProviderCall) -> str:
    if reply.text == "bad":
        raise ProviderError("gemini", "invalid_json", "not JSON")
    return reply.text


async def test_a_capturing_runner_keeps_its_providers_first_solves_and_defers_them(settings: Settings) -> None:
    runner, online = _runner(settings)
    log = CallLog()
    with pytest.raises(SolveDeferred):
        await runner.run(runner.provider, CALL, _parse, log)
    other = dataclasses.replace(CALL, model="gemini-3.1-pro-preview")  # another model: not in this batch
    assert await runner.run(runner.provider, other, _parse, log) == "online"
    assert runner.captured == [CALL] and runner.model == runner.provider.model and online == [other]
    assert log.records == []  # nothing was answered yet


async def test_an_answering_runner_takes_each_answer_once_and_solves_the_rest_online(settings: Settings) -> None:
    again = dataclasses.replace(CALL, prompt="Q2 ... Q4")  # a re-ask after a partial reply: not in the batch
    failed = ProviderError("gemini", "server", "batch request failed")
    answers = {call_key(CALL): [ProviderReply("a1", "m", prompt_tokens=10, completion_tokens=90, thinking_tokens=60),
                                ProviderReply("bad", "m", completion_tokens=5), failed]}
    runner, online = _runner(settings, answers=answers, capturing=False, age_s=42.0)
    log = CallLog()
    assert await runner.run(runner.provider, dataclasses.replace(CALL, seed=99), _parse, log) == "a1"
    assert await runner.run(runner.provider, CALL, _parse, log) == "online"  # unusable: recorded, then online
    assert await runner.run(runner.provider, again, _parse, log) == "online"
    assert online == [CALL, again]
    assert [(r.outcome, r.batch, r.purpose, r.latency_s, r.completion_tokens) for r in log.records] == [
        ("ok", True, "verify", 42.0, 90), ("invalid_json", True, "verify", 42.0, 5)]
    assert (log.calls, log.completion_tokens) == (2, 95)
    records: list[CallRecord] = []
    assert runner.record_unused(records) == 1  # the failed answer no call took
    assert [(r.outcome, r.batch) for r in records] == [("unused", True)]
    assert runner.record_unused(records) == 0  # recorded once


async def test_a_runner_with_answers_puts_what_they_leave_into_the_next_batch(settings: Settings) -> None:
    deeper = dataclasses.replace(CALL, thinking="high")  # a deeper solve: no answer for it in this batch
    runner, online = _runner(settings, answers={call_key(CALL): [ProviderReply("a1", "m", completion_tokens=9)]})
    log = CallLog()
    assert await runner.run(runner.provider, CALL, _parse, log) == "a1"
    with pytest.raises(SolveDeferred):
        await runner.run(runner.provider, deeper, _parse, log)
    assert runner.captured == [deeper] and online == [] and [r.outcome for r in log.records] == ["ok"]


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


async def test_an_item_the_bank_took_meanwhile_is_refused_and_the_batch_still_answers_every_solve(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """A held item that the bank now holds (another request stored it while the batch waited) is refused; the
    resumed round still sends the calls the batch answered, so none is paid twice and none is left unused."""
    async with simulators(gemini=Knobs(batch_running_s=3600)) as (vllm, gem):
        s = batch_settings(settings, vllm, gem)
        async with running_worker(s, db_dsn, embedder):
            row = await insert_request(conn, subject="Mathematics", topic="Sequences and series", count=4,
                                       mode="batch")
            rid = row["id"]
            first = await until(lambda: conn.fetchrow("select * from qgen_batches where request_id = $1 and polls >= 1",
                                                      rid), "the blind-solve batch is polled")
        _, deferred, items = held_items(first["held"])
        assert deferred >= 1
        taken = items[0]
        spec = RequestSpec(subject="Mathematics", topic="Sequences and series")
        (emb,) = await embedder.embed([taken.question])
        copy = bank.Candidate(taken.question, spec, "teacher", "import", None, emb)
        async with conn.transaction():
            (v,) = await bank.store(conn, [copy], settings=s)
        assert v.accepted
        gem.knobs.batch_running_s = 0
        async with running_worker(s, db_dsn, embedder):
            done = await wait_terminal(conn, rid, timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 4
        refusals = await conn.fetch("select reason, matched_question_id from question_rejects where request_id = $1",
                                    rid)
        assert ("exact_duplicate", v.question_id) in [(r["reason"], r["matched_question_id"]) for r in refusals]
        solves = await conn.fetch("select outcome, batch from provider_calls where request_id = $1"
                                  " and purpose = 'verify' and provider = 'gemini'", rid)
        # every solve was answered by a batch (none online, none unused): the resumed round sent the calls
        # the first batch answered, and the top-up for the refused item's slot went through a batch of its own
        assert solves and all(c["batch"] and c["outcome"] == "ok" for c in solves)
        batches = await conn.fetch("select * from qgen_batches where request_id = $1 order by id", rid)
        assert [(b["purpose"], b["state"], b["consumed_at"] is not None) for b in batches] == [
            ("verify", "JOB_STATE_SUCCEEDED", True)] * 2
        assert batches[0]["name"] == first["name"] and gem.stats.batches_created == 2
        assert len(solves) == sum(len(json.loads(b["calls"])) for b in batches)
        await assert_bank_consistent(conn)


async def test_a_key_the_first_solve_does_not_confirm_gets_its_deeper_solve_in_the_next_batch(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder
) -> None:
    """The pod mis-keys its first item: Gemini's first solve (at its default level) disagrees, the deeper solve
    goes into a second batch with the item and its first verdict held, and that solve disputes it. No blind
    solve is made online."""
    async with simulators(runpod=Knobs(wrong_key_first=1)) as (vllm, gem):
        async with running_worker(batch_settings(settings, vllm, gem), db_dsn, embedder):
            row = await insert_request(conn, subject="Mathematics", topic="Quadratic equations", count=3, mode="batch")
            done = await wait_terminal(conn, row["id"], timeout=HANG_GUARD_S)
        assert done["status"] == "succeeded", done["error"]
        assert done["produced"] == 3
        batches = await conn.fetch("select * from qgen_batches where request_id = $1 order by id", row["id"])
        assert len(batches) >= 2 and all(b["purpose"] == "verify" and b["consumed_at"] is not None for b in batches)
        _, deferred, items = held_items(batches[1]["held"])
        assert deferred == 1 and items[0].first is not None and items[0].first.verification == "disputed"
        solves = await conn.fetch("select batch, outcome from provider_calls where request_id = $1"
                                  " and purpose = 'verify'", row["id"])
        assert solves and all(c["batch"] and c["outcome"] == "ok" for c in solves)
        (d,) = await conn.fetch("select verifier_answer from question_disputes where request_id = $1", row["id"])
        assert json.loads(d["verifier_answer"])["first_solve"] is not None  # decided by the deeper solve
        stored = await conn.fetch("select verification from questions where request_id = $1", row["id"])
        assert [q["verification"] for q in stored] == ["verified"] * 3
        await assert_bank_consistent(conn)
