"""Generation figures against the loopback simulators.

Goodput under overload: a simulated RunPod pod (vLLM) that fails any call arriving while ``capacity``
calls are already in flight (500, "EngineCore encountered an issue"), every call taking a fixed
``latency``. The pod can complete at most ``capacity / latency`` calls per second; goodput is the
rate of successful calls as a share of that. Our ``Generator`` (concurrency cap = capacity, calls
sized to the context window) runs beside an unbounded client like the old edge-function system:
one question per call, every call fired at once, no cap, each failed call retried with the same
exponential full-jitter backoff our generator uses until it succeeds.

The pod runs in a process of its own (`qgen simulate`), as a real pod is another machine.

Tokens per question: the simulator's token accounting (``stats.prompt_tokens``,
``stats.completion_tokens``) for our batched calls vs one question per call.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from bench_common import Section, SimulateProcess

from service import diversity, prompts
from service.errors import ProviderError
from service.generation import Generator
from service.providers.registry import build_simulated
from service.providers.runpod import RunPodProvider
from service.questions import RequestSpec, provider_json_schema
from service.resilience import backoff_delay
from service.settings import Settings
from simulators.server import SimulatorServer

JOB = 10  # questions per job, as qgen_settings.job_size


def _spec(i: int, subject: str = "Physics") -> RequestSpec:
    return RequestSpec(subject=subject, topic=f"Kinematics {i % 7}", subtopic=None, exam="JEE Main",
                       difficulty="medium", question_type="mcq", instructions=None)


def _settings(**overrides: Any) -> Settings:
    return Settings(database_url="postgresql://unused/none", **overrides)


async def _generator_run(settings: Settings, vllm: Any, gem: SimulatorServer,
                         questions: int) -> dict[str, Any]:
    """All jobs at once through one Generator (a worker process's shared limiter and breaker)."""
    providers = build_simulated(settings, {"runpod": vllm.base_url, "gemini": gem.base_url})
    gen = Generator(settings, providers)
    jobs = [(_spec(i), min(JOB, questions - k)) for i, k in enumerate(range(0, questions, JOB))]
    plans = [diversity.make_plan(spec, n, i, offset=0) for i, (spec, n) in enumerate(jobs)]
    try:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(
            gen.generate(spec, n, plan=plans[i], avoid=[], seed=i) for i, (spec, n) in enumerate(jobs)
        ))
        elapsed = time.perf_counter() - t0
    finally:
        for p in providers.values():
            await p.aclose()
    items = [it for r in results for it in r.items]
    return {
        "elapsed": elapsed,
        "questions": len(items),
        "from_pod": sum(1 for it in items if it.fallback_reason is None),
        "fallbacks": sum(1 for it in items if it.fallback_reason is not None),
        "calls": sum(r.calls for r in results),
    }


async def _unbounded_run(settings: Settings, vllm: Any, questions: int) -> dict[str, Any]:
    """One question per call, every call at once, retried with full-jitter backoff until it succeeds.

    Each question has its own HTTP client and connection, as each edge-function invocation had (one
    shared pool of a thousand connections would measure httpcore's pool bookkeeping instead).
    """
    schema = provider_json_schema("mcq")
    failures = [0]

    async def one(i: int) -> None:
        # plain-HTTP loopback: verify=False only skips loading a CA bundle per client
        async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), verify=False) as client:
            provider = RunPodProvider(settings, name="runpod-simulator", base_url=vllm.base_url, client=client)
            await _one_question(provider, i)

    async def _one_question(provider: RunPodProvider, i: int) -> None:
        spec = _spec(i)
        call = prompts.build_call(spec, 1, plan=diversity.make_plan(spec, 1, i, offset=0), avoid=[], seed=i,
                                  temperature=0.7, max_tokens=settings.runpod_tokens_per_question + 64,
                                  schema=schema)
        attempt = 0
        while True:
            attempt += 1
            try:
                await provider.generate(call)
                return
            except ProviderError:
                failures[0] += 1
                await asyncio.sleep(backoff_delay(attempt, settings.backoff_base_s, settings.backoff_max_s))

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(questions)))
    elapsed = time.perf_counter() - t0
    return {"elapsed": elapsed, "questions": questions, "calls": questions, "failures": failures[0]}


class PodProcess(SimulateProcess):
    """The simulated pod of ``capacity`` sequences and ``latency_s`` per call, in a process of its own."""

    def __init__(self, capacity: int, latency_s: float) -> None:
        super().__init__("--vllm-port", "0", "--capacity", str(capacity), "--latency", str(latency_s))

    async def status_counts(self) -> dict[int, int]:
        stats = await self.stats()
        return {int(k): int(v) for k, v in stats["status_counts"].items()}


async def overload(*, questions: int, capacity: int, latency_s: float) -> Section:
    sec = Section("overload")
    ideal = capacity / latency_s  # successful calls per second the pod can complete
    settings = _settings(runpod_max_concurrency=capacity)
    async with PodProcess(capacity, latency_s) as vllm, SimulatorServer("gemini") as gem:
        ours = await _generator_run(settings, vllm, gem, questions)
        counts = await vllm.status_counts()
        ours_500, ours_ok = counts.get(500, 0), counts.get(200, 0)
        await vllm.reset()
        old = await _unbounded_run(settings, vllm, questions)
        counts = await vllm.status_counts()
        old_500, old_ok = counts.get(500, 0), counts.get(200, 0)
    ratio = ours_ok / ours["elapsed"] / ideal
    ratio_old = old_ok / old["elapsed"] / ideal
    sec.add("overload_goodput_ratio", ratio,
            reference=f"ideal {ideal:.0f} calls/s (capacity {capacity} / {latency_s * 1000:.0f} ms)",
            target=">= 0.9", ok=ratio >= 0.9,
            note=f"{questions} questions in {ours_ok} calls, {ours['elapsed']:.1f}s, {ours_500} pod 500s")
    sec.add("overload_goodput_ratio_unbounded", ratio_old, reference="one question per call, all at once",
            note=f"{questions} calls, {old['elapsed']:.1f}s, {old_500} pod 500s")
    sec.add("overload_fallbacks", ours["fallbacks"], reference=f"{ours_500} pod 500s caused by us",
            target="0", ok=ours["fallbacks"] == 0 and ours_500 == 0)
    sec.add("overload_questions_per_s", ours["from_pod"] / ours["elapsed"],
            reference=f"unbounded client {questions / old['elapsed']:.1f} questions/s")
    sec.extra.update(overload_ours=ours | {"pod_500": ours_500, "pod_200": ours_ok},
                     overload_unbounded=old | {"pod_500": old_500, "pod_200": old_ok})
    return sec


async def tokens(*, questions: int) -> Section:
    """Prompt and completion tokens per valid question: our sized, batched calls vs one per call."""
    sec = Section("tokens")
    settings = _settings()
    async with SimulatorServer("vllm") as vllm, SimulatorServer("gemini") as gem:
        ours = await _generator_run(settings, vllm, gem, questions)
        b_prompt, b_completion = vllm.stats.prompt_tokens, vllm.stats.completion_tokens
        b_items = ours["from_pod"]
        vllm.reset_stats()
        single = await _unbounded_run(settings, vllm, questions)
        s_prompt, s_completion = vllm.stats.prompt_tokens, vllm.stats.completion_tokens
        s_items = vllm.stats.items_returned or single["questions"]
    per_b, per_s = b_prompt / b_items, s_prompt / s_items
    ratio = per_b / per_s
    sec.add("prompt_tokens_per_question_ratio_vs_single", ratio,
            reference=f"one question per call: {per_s:.0f} prompt tokens/question = 1.0",
            target="lower is better", note=f"batched: {per_b:.0f} prompt tokens/question, {ours['calls']} calls")
    sec.add("completion_tokens_per_question_ratio_vs_single", (b_completion / b_items) / (s_completion / s_items),
            reference=f"one question per call: {s_completion / s_items:.0f} completion tokens/question")
    sec.extra.update(tokens_batched={"prompt": b_prompt, "completion": b_completion, "questions": b_items},
                     tokens_single={"prompt": s_prompt, "completion": s_completion, "questions": s_items})
    return sec
