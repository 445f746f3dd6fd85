"""Filling a 500-question request from a vLLM pod whose size the worker is not told.

The pod is the vLLM simulator with its capacity model on (sim/simulators/vllm.py ``PodEngine``: continuous
batching up to ``max_num_seqs``, a step that slows as the batch grows, vLLM's queue past capacity, the
proxy's 524 at 100 s), sized 8, 32 and 128 sequences, its clock running ``1 / TIME_SCALE`` times as fast as
the wall clock. What is measured: one ``Generator`` with default settings and the real RunPod adapter
(httpx, the OpenAI route) filling 500 questions given as the 50 jobs of 10 a request is split into, claimed
as one worker process claims them (``run_jobs``: ``QGEN_CONCURRENCY`` jobs, then one more each time the
limits move while ``concurrency.job_room`` sees room in them; the database, embedding and gate are left out,
so the figure is the generation's): the adaptive limit decides how many calls are in flight.

The pod's ideal is the brief's: the time the same pod takes for the same tokens at full batch, i.e. every
prompt token it computed (prefix-cache hits excluded) at its prefill cost, plus every output token in
steps of ``max_num_seqs`` sequences. A second reference, ``all at once``, runs the same requests through
the same engine in simulated time, all queued at t = 0: what a client that knew the pod could do, when
the request has fewer calls than the pod has seats. Fill time is wall time divided by the time scale.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench_common import Section, SimulateProcess

from service import diversity
from service.concurrency import job_room
from service.generation import GenerationResult, Generator
from service.providers.registry import build_simulated
from service.questions import RequestSpec
from service.settings import Settings
from simulators.server import SimulatorServer
from simulators.vllm import PodConfig, PodEngine, Seq, Served

JOB = 10  # questions per queue job (qgen_settings.job_size)
POD_SIZES = (8, 32, 128)


@dataclass
class Fill:
    pod: int
    cap: str
    questions: int
    sim_s: float
    full_batch_s: float
    all_at_once_s: float
    calls: int
    statuses: dict[int, int]
    timeouts: int
    fallbacks: int
    peak_in_flight: int
    final_limit: int
    preemptions: int
    max_waiting: int
    peak_jobs: int = 0

    @property
    def ratio(self) -> float:
        return self.full_batch_s / self.sim_s

    @property
    def ratio_all_at_once(self) -> float:
        return self.all_at_once_s / self.sim_s

    @property
    def self_inflicted(self) -> int:
        return self.statuses.get(524, 0) + self.statuses.get(500, 0) + self.timeouts


def _spec(i: int) -> RequestSpec:
    return RequestSpec(subject="Physics", topic=f"Capacity fill {i % 5}", subtopic=None, exam="JEE Main",
                       difficulty="medium", question_type="mcq", instructions=None)


def full_batch_s(config: PodConfig, served: list[Served]) -> float:
    """The same tokens at full batch: every computed prompt token, every output token in steps of max_num_seqs."""
    prefill = sum(s.prompt_tokens - s.cached_tokens for s in served)
    output = sum(s.output_tokens for s in served)
    return prefill * config.prefill_per_token_s + output / config.max_num_seqs * config.step_s(config.max_num_seqs, 0)


def all_at_once_s(config: PodConfig, served: list[Served]) -> float:
    """The same requests (cached prompt tokens left out) queued together at t = 0, in simulated time."""
    engine = PodEngine(config, prefix_caching=False)
    for i, s in enumerate(served):
        engine.add(Seq(i, max(1, s.prompt_tokens - s.cached_tokens), s.output_tokens))
    return engine.run_to_completion()


async def run_jobs(gen: Generator, settings: Settings,
                   jobs: list[Callable[[], Awaitable[GenerationResult]]]) -> tuple[list[GenerationResult], int]:
    """Run queued jobs as one worker claims them (``service.worker``'s claim loop without the database):
    ``QGEN_CONCURRENCY`` at once, then one more each time the limits move (a call admitted, queued or ended)
    or a job ends, while ``job_room`` allows.
    Returns the results in job order and the most jobs that ran at once."""
    queued = list(range(len(jobs)))
    results: dict[int, GenerationResult] = {}
    running: set[asyncio.Task[None]] = set()
    wake = asyncio.Event()
    for limiter in gen.limiters.values():
        limiter.listeners.append(wake.set)
    peak = 0

    async def one(i: int) -> None:
        results[i] = await jobs[i]()

    def ended(task: asyncio.Task[None]) -> None:
        running.discard(task)
        wake.set()

    while queued or running:
        wake.clear()
        room = job_room(len(running), base=settings.concurrency, most=settings.max_jobs,
                        routes=[(lim.limit, lim.in_flight, lim.waiting) for lim in gen.limiters.values()])
        for _ in range(min(room, len(queued))):
            task = asyncio.create_task(one(queued.pop(0)))
            running.add(task)
            task.add_done_callback(ended)
        peak = max(peak, len(running))
        await wake.wait()
    for task in running:
        task.result()
    return [results[i] for i in range(len(jobs))], peak


async def fill(vllm: SimulateProcess, gem: SimulatorServer, pod: int, *, questions: int, time_scale: float,
               settings: Settings, cap: str) -> Fill:
    """One fill by a fresh ``Generator`` against a fresh pod of ``pod`` sequences (reset: new engine, empty
    prefix cache)."""
    await vllm.set_knobs(max_num_seqs=None)  # warm-up at full speed: the pod's first answer loads its content
    providers = build_simulated(settings, {"runpod": vllm.base_url, "gemini": gem.base_url})
    jobs = [(_spec(i), min(JOB, questions - k)) for i, k in enumerate(range(0, questions, JOB))]
    plans = [diversity.make_plan(spec, n, i, offset=0) for i, (spec, n) in enumerate(jobs)]
    try:
        await Generator(settings, providers).generate(_spec(99), 1, plan=[], avoid=[], seed=99)
        await vllm.set_knobs(max_num_seqs=pod, time_scale=time_scale)
        gen = Generator(settings, providers)
        t0 = time.perf_counter()
        results, peak_jobs = await run_jobs(gen, settings, [
            functools.partial(gen.generate, spec, n, plan=plans[i], avoid=[], seed=i) for i, (spec, n) in enumerate(jobs)
        ])
        wall = time.perf_counter() - t0
        stats = await vllm.stats()
    finally:
        for p in providers.values():
            await p.aclose()
    podstats = stats["pod"]
    config = PodConfig(**podstats["config"])
    served = [Served(p, c, o, 0.0, 0.0, 0.0, 0, a) for p, c, o, a in podstats["requests"] if a]
    items = [it for r in results for it in r.items]
    records = [rec for r in results for rec in r.records if rec.key == "runpod"]
    lim = gen.limiters["runpod"]
    return Fill(
        pod=pod, cap=cap, questions=len(items), sim_s=wall / time_scale,
        full_batch_s=full_batch_s(config, served), all_at_once_s=all_at_once_s(config, served),
        calls=len(records), statuses={int(k): v for k, v in stats["status_counts"].items()},
        timeouts=sum(1 for rec in records if rec.outcome == "timeout"),
        fallbacks=sum(1 for it in items if it.fallback_reason is not None),
        peak_in_flight=lim.max_in_flight, final_limit=lim.limit,
        preemptions=podstats["preemptions"], max_waiting=podstats["max_waiting"], peak_jobs=peak_jobs,
    )


def _note(f: Fill) -> str:
    return (f"{f.questions} questions in {f.calls} calls, {f.sim_s:.0f} s simulated (full batch {f.full_batch_s:.0f} s, "
            f"all at once {f.all_at_once_s:.0f} s = {f.ratio_all_at_once:.2f}); peak {f.peak_in_flight} in flight, "
            f"limit at the end {f.final_limit}, pod queue up to {f.max_waiting}; "
            f"524/500/timeouts {f.statuses.get(524, 0)}/{f.statuses.get(500, 0)}/{f.timeouts}, "
            f"{f.fallbacks} fallbacks; up to {f.peak_jobs} jobs at once")


def time_scale(pod: int, speed: float) -> float:
    """Wall seconds per simulated second for a pod: the client's own CPU time counts ``1 / scale`` times in
    simulated seconds, so a fast (big) pod runs nearer real time; ``speed`` shrinks every scale (quick runs)."""
    return min(1.0, 0.2 * pod / 8) * speed


async def run(*, questions: int, speed: float = 1.0) -> Section:
    sec = Section("capacity")
    base = Settings(database_url="postgresql://unused/none")
    fills: list[Fill] = []
    # today's fixed cap: RUNPOD_MAX_CONCURRENCY=4 is now the ceiling, so the limit stays at 4; four calls in
    # flight leave the client idle most of the time, so a fast clock is safe there
    fixed = base.model_copy(update={"runpod_max_concurrency": 4})
    async with SimulateProcess("--vllm-port", "0", "--no-chat-text") as vllm, SimulatorServer("gemini") as gem:
        for pod in POD_SIZES:
            fills.append(await fill(vllm, gem, pod, questions=questions, time_scale=time_scale(pod, speed),
                                    settings=base, cap="adaptive"))
        for pod in POD_SIZES:
            fills.append(await fill(vllm, gem, pod, questions=questions, time_scale=0.05 * speed, settings=fixed,
                                    cap="fixed 4"))
    ceiling = base.runpod_max_concurrency
    for f in fills:
        suffix = "" if f.cap == "adaptive" else "_fixed4"
        key = f"fill_{questions}_ratio_vs_pod_ideal_{f.pod}{suffix}"
        if f.cap == "adaptive":
            sec.add(key, f.ratio, reference=f"pod of {f.pod} sequences at full batch = 1.0; default settings "
                    f"(ceiling {ceiling})", target=">= 0.9", ok=f.ratio >= 0.9 and f.self_inflicted == 0,
                    note=_note(f))
        else:
            sec.add(key, f.ratio, reference=f"pod of {f.pod} at full batch = 1.0; RUNPOD_MAX_CONCURRENCY=4",
                    note=_note(f))
    worst = sum(f.self_inflicted for f in fills if f.cap == "adaptive")
    sec.add("fill_self_inflicted_errors", worst, reference="524, 500 and timeouts over the three adaptive fills",
            target="0", ok=worst == 0)
    sec.extra["capacity_fills"] = [f.__dict__ | {"ratio": f.ratio, "ratio_all_at_once": f.ratio_all_at_once}
                                   for f in fills]
    return sec


def _main() -> None:  # pragma: no cover - a manual run: python scripts/bench_capacity.py [questions] [scale]

    questions = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    speed = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    sec = asyncio.run(run(questions=questions, speed=speed))
    for f in sec.figures:
        print(f"{f.key:45s} {f.value:8.3f} {f.target:6s} {f.ok}  {f.note}")


if __name__ == "__main__":
    _main()
