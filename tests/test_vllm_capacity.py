"""The vLLM pod's capacity model: the engine in simulated seconds (pure), and the pod simulator over HTTP on a
scaled clock (assertions on what happened, never on how fast the machine ran it)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from service.providers.runpod import RunPodProvider, parse_load
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer
from simulators.vllm import PodConfig, PodEngine, Seq, block_hashes

CONFIG = PodConfig(max_num_seqs=8, max_num_batched_tokens=2048, kv_blocks=8 * 4096 // 16, block_size=16,
                   step_base_s=0.010, step_per_seq_s=0.0001, prefill_per_token_s=0.0001)


def seqs(n: int, *, prompt: int = 600, output: int = 400, text: str = "") -> list[Seq]:
    return [Seq(i, prompt, output, block_hashes(text, 16) if text else ()) for i in range(n)]


def run(config: PodConfig, requests: list[Seq], *, caching: bool = False) -> PodEngine:
    engine = PodEngine(config, prefix_caching=caching)
    for s in requests:
        engine.add(s)
    engine.run_to_completion()
    return engine


def test_requests_up_to_max_num_seqs_run_together() -> None:
    engine = run(CONFIG, seqs(8))
    assert len(engine.finished) == 8 and engine.max_running == 8
    ends = [s.finished_at or 0 for s in engine.finished]
    # the 2048-token step budget spreads the 8 prefills over 3 steps (chunked prefill); then lockstep decode
    assert max(ends) - min(ends) < 3 * CONFIG.step_s(8, 2048)
    expected = 399 * CONFIG.step_s(8, 0) + 8 * 600 * CONFIG.prefill_per_token_s + 3 * CONFIG.step_base_s
    assert engine.now == pytest.approx(expected, rel=0.05)


def test_requests_past_max_num_seqs_wait_in_the_queue() -> None:
    engine = run(CONFIG, seqs(16))
    first, second = engine.finished[:8], engine.finished[8:]
    assert engine.max_running == 8 and engine.max_waiting == 16
    # the second eight get a seat only when one of the first eight finishes
    assert min(s.admitted_at or 0 for s in second) >= min(s.finished_at or 0 for s in first)
    assert min(s.finished_at or 0 for s in second) > max(s.finished_at or 0 for s in first)


def test_a_decode_step_gets_slower_as_the_batch_grows() -> None:
    small = run(CONFIG, seqs(2))
    full = run(CONFIG, seqs(8))
    assert full.now > small.now  # each request waits longer per token in the bigger batch
    assert 8 / full.now > 2 / small.now  # and the pod serves more tokens per second


def test_a_short_kv_cache_preempts_and_recomputes_before_anything_fails() -> None:
    roomy = run(CONFIG, seqs(8))
    # room for about 5 of these 8 requests at their full length: the last admitted are preempted
    tight = PodConfig(**{**CONFIG.__dict__, "kv_blocks": 5 * 1000 // 16})
    engine = run(tight, seqs(8))
    assert engine.preemptions > 0 and len(engine.finished) == 8
    assert any(s.preemptions for s in engine.finished)
    assert engine.now > roomy.now
    assert engine.free_blocks == tight.kv_blocks  # every block came back


def test_a_prefix_cache_hit_skips_whole_blocks_of_the_shared_prompt() -> None:
    system = "You write exam questions as JSON. " * 60  # about 600 tokens shared by both calls
    a = Seq(1, 800, 10, block_hashes(system + "first request block", 16))
    b = Seq(2, 800, 10, block_hashes(system + "second request block", 16))
    engine = PodEngine(CONFIG, prefix_caching=True)
    engine.add(a)
    engine.run_to_completion()
    cold = engine.now
    engine.add(b)
    engine.run_to_completion()
    assert a.cached_tokens == 0
    assert b.cached_tokens > 500 and b.cached_tokens % 16 == 0 and b.cached_tokens < b.prompt_tokens
    assert engine.now - cold < cold  # the second prefill computed fewer tokens


def test_no_prefix_cache_no_hit() -> None:
    text = "same prompt " * 100
    engine = run(CONFIG, [Seq(1, 300, 5, block_hashes(text, 16)), Seq(2, 300, 5, block_hashes(text, 16))])
    assert all(s.cached_tokens == 0 for s in engine.finished)


def test_an_aborted_request_frees_its_blocks() -> None:
    engine = PodEngine(CONFIG, prefix_caching=False)
    a, b = seqs(2)
    engine.add(a)
    engine.add(b)
    engine.advance(0.5)
    assert a.blocks > 0
    engine.abort(a)
    engine.run_to_completion()
    assert [s.id for s in engine.finished] == [b.id] and engine.free_blocks == CONFIG.kv_blocks


def test_advance_stops_at_the_horizon() -> None:
    engine = PodEngine(CONFIG, prefix_caching=False)
    for s in seqs(4, output=1000):
        engine.add(s)
    engine.advance(1.0)
    assert 1.0 <= engine.now < 1.0 + CONFIG.step_s(8, 2048) and not engine.finished


# --- over HTTP: the pod simulator on a scaled clock ------------------------------------------------------
def chat(prompt: str, max_tokens: int = 1000) -> dict[str, object]:
    return {"model": "PhysicsWallahAI/Aryabhata-1.0", "max_tokens": max_tokens,
            "messages": [{"role": "system", "content": "You are a strict JSON-only API. " * 40},
                         {"role": "user", "content": prompt}]}


async def test_the_pod_reports_cached_prompt_tokens_on_a_prefix_hit() -> None:
    knobs = Knobs(max_num_seqs=4, time_scale=0.001, chat_text_without_schema=False, proxy_timeout_s=None)
    async with SimulatorServer("vllm", knobs=knobs) as sim, httpx.AsyncClient(timeout=60) as c:
        first = (await c.post(f"{sim.base_url}/chat/completions", json=chat("hello one"))).json()
        second = (await c.post(f"{sim.base_url}/chat/completions", json=chat("hello two"))).json()
        sim.knobs.prompt_tokens_details = False
        third = (await c.post(f"{sim.base_url}/chat/completions", json=chat("hello three"))).json()
    assert first["usage"]["prompt_tokens_details"] is None
    cached = second["usage"]["prompt_tokens_details"]["cached_tokens"]
    assert 0 < cached < second["usage"]["prompt_tokens"] and cached % 16 == 0
    assert third["usage"]["prompt_tokens_details"] is None  # a server without --enable-prompt-tokens-details


async def test_calls_past_the_pod_size_wait_in_its_queue() -> None:
    # one simulated second per step: each call lasts tens of seconds, far longer than its arrival takes
    knobs = Knobs(max_num_seqs=2, time_scale=0.01, step_base_s=1.0, proxy_timeout_s=None)  # served directly
    async with SimulatorServer("vllm", knobs=knobs) as sim, httpx.AsyncClient(timeout=60) as c:
        replies = await asyncio.gather(*(c.post(f"{sim.base_url}/chat/completions", json=chat(f"q {i}"))
                                         for i in range(6)))
        stats = (await c.get(f"{sim.origin}/_sim/stats")).json()["pod"]
    assert [r.status_code for r in replies] == [200] * 6
    assert stats["max_running"] == 2 and stats["max_waiting"] >= 1 and stats["served"] == 6
    assert sim.pod is not None
    assert sum(1 for s in sim.pod.stats.served if s.admitted > s.arrival) >= 3


async def test_metrics_report_the_engine_running_and_waiting_and_the_adapter_reads_them() -> None:
    """vLLM's scheduler gauges on /metrics, as the RunPod adapter reads them to learn a pod's size early."""
    knobs = Knobs(max_num_seqs=2, time_scale=0.01, step_base_s=1.0, proxy_timeout_s=None)
    async with SimulatorServer("vllm", knobs=knobs) as sim, httpx.AsyncClient(timeout=60) as c:
        provider = RunPodProvider(Settings(database_url="postgresql://unused/none"), base_url=sim.base_url)
        calls = [asyncio.create_task(c.post(f"{sim.base_url}/chat/completions", json=chat(f"q {i}"))) for i in range(5)]
        load = None
        for _ in range(500):  # until all five have arrived
            load = await provider.load()
            if load is not None and load.running + load.waiting == 5:
                break
            await asyncio.sleep(0.01)
        text = (await c.get(f"{sim.origin}/metrics")).text
        await asyncio.gather(*calls)
        await provider.aclose()
    assert load is not None and (load.running, load.waiting) == (2, 3)
    assert "# TYPE vllm:num_requests_waiting gauge" in text and 'model_name="PhysicsWallahAI/Aryabhata-1.0"' in text


async def test_a_serverless_endpoint_has_no_load_gauges() -> None:
    provider = RunPodProvider(Settings(database_url="postgresql://unused/none"),
                              base_url="http://127.0.0.1:9/v2/abc/openai/v1")
    assert await provider.load() is None  # nothing is even asked
    await provider.aclose()
    assert parse_load("vllm:num_requests_running 3.0\n") is None  # one gauge is not a report
    two = 'vllm:num_requests_running{engine="0"} 3.0\nvllm:num_requests_running{engine="1"} 2.0\n'
    assert parse_load(two + "vllm:num_requests_waiting 4.0\n") is not None


async def test_the_proxy_answers_524_at_its_deadline_while_the_request_runs_on() -> None:
    # each step lasts 10 simulated seconds: a reply of more than 10 tokens outlives the proxy's 100 s
    knobs = Knobs(max_num_seqs=4, time_scale=0.002, step_base_s=10.0, chat_text_without_schema=False)
    async with SimulatorServer("vllm", knobs=knobs) as sim, httpx.AsyncClient(timeout=60) as c:
        r = await c.post(f"{sim.base_url}/chat/completions", json=chat("a long answer please"))
        assert r.status_code == 524 and "error code: 524" in r.text
        assert sim.pod is not None
        for _ in range(2000):  # the engine finishes the request behind the proxy
            if sim.pod.stats.served:
                break
            await asyncio.sleep(0.01)
    served = sim.pod.stats.served
    assert len(served) == 1 and not served[0].answered and served[0].finished - served[0].arrival > 100
    assert sim.pod.stats.proxy_timeouts == 1


async def test_without_the_capacity_knobs_the_simulator_answers_as_before() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(timeout=60) as c:
        r = await c.post(f"{sim.base_url}/chat/completions", json=chat("hi"))
        stats = (await c.get(f"{sim.origin}/_sim/stats")).json()
    assert r.status_code == 200 and stats["pod"]["served"] == 0
    assert json.loads(r.text)["usage"]["prompt_tokens_details"] is None
