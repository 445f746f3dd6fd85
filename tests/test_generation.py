"""Generation end to end against the simulators: every RunPod failure class ends with n valid items,
only the missing ones from Gemini (tagged), the breaker, the concurrency cap, context-length shrinking."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from service.errors import JobRetry, ProviderError
from service.generation import GenerationResult, Generator
from service.prompts import parse_request_block
from service.providers.base import ProviderCall, ProviderCheck, ProviderProfile, ProviderReply
from service.providers.gemini import profile_from as gemini_profile
from service.providers.registry import build_simulated
from service.providers.runpod import profile_from as runpod_profile
from service.questions import RequestSpec
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

MATHS = RequestSpec(subject="Mathematics", topic="Quadratic equations")
CHEM = RequestSpec(subject="Chemistry", topic="Mole concept")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """Records requested backoff delays and sleeps only a token amount."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, d: float) -> None:
        self.delays.append(d)
        await asyncio.sleep(0)


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "runpod_timeout_s": 5.0,
        "gemini_timeout_s": 5.0,
        "call_attempts": 1,
        "backoff_base_s": 0.01,
        "backoff_max_s": 5.0,
        "breaker_failures": 50,
        # these tests are about calls sized to the window; the default cap of 2 is tested on its own below
        "runpod_max_questions_per_call": 10,
    }
    return Settings(**{**base, **kw})


@contextlib.asynccontextmanager
async def rig(
    s: Settings,
    runpod: Knobs | None = None,
    gemini: Knobs | None = None,
    *,
    runpod_url: str | None = None,
    **gen_kw: Any,
) -> AsyncIterator[tuple[Generator, Any, Any]]:
    async with (
        SimulatorServer("vllm", knobs=runpod or Knobs()) as rp,
        SimulatorServer("gemini", knobs=gemini or Knobs()) as gm,
    ):
        providers = build_simulated(s, {"runpod": runpod_url or rp.base_url, "gemini": gm.base_url})
        try:
            yield Generator(s, providers, **gen_kw), rp, gm
        finally:
            for p in providers.values():
                await p.aclose()


def by_provider(r: GenerationResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for it in r.items:
        out[it.provider] = out.get(it.provider, 0) + 1
    return out


def reasons(r: GenerationResult) -> set[str | None]:
    return {it.fallback_reason for it in r.items if it.provider == "gemini-simulator"}


async def gen(g: Generator, n: int, spec: RequestSpec = MATHS, seed: int = 11) -> GenerationResult:
    return await g.generate(spec, n, plan=[f"idea {i}" for i in range(n)], avoid=[], seed=seed)


async def test_healthy_runpod_serves_maths_and_gemini_serves_chemistry() -> None:
    async with rig(settings()) as (g, rp, gm):
        r = await gen(g, 6)
        assert len(r.items) == 6 and by_provider(r) == {"runpod-simulator": 6}
        assert all(it.fallback_reason is None for it in r.items) and r.shortfall_reason is None
        c = await gen(g, 4, CHEM)
        assert by_provider(c) == {"gemini-simulator": 4}
        assert gm.stats.calls == 1 and rp.stats.calls == r.calls


async def test_fifty_questions_become_several_context_sized_calls() -> None:
    s = settings()
    async with rig(s) as (g, rp, _):
        r = await gen(g, 50)
    assert len(r.items) == 50 and by_provider(r) == {"runpod-simulator": 50}
    assert rp.stats.calls >= 50 * s.runpod_tokens_per_question // s.runpod_context_tokens
    assert rp.stats.calls == r.calls > 1
    for req in rp.stats.requests:
        body = req.get("body", req)
        assert body["max_tokens"] < s.runpod_context_tokens


async def test_by_default_a_pod_gets_calls_of_two_questions() -> None:
    s = settings(runpod_max_questions_per_call=Settings().runpod_max_questions_per_call)
    async with rig(s) as (g, rp, _):
        r = await gen(g, 10)
    assert len(r.items) == 10 and rp.stats.calls == r.calls == 5
    blocks = [parse_request_block(req["messages"][-1]["content"]) for req in rp.stats.requests]
    assert len(blocks) == 5 and all(b is not None and b["count"] == 2 for b in blocks)


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        (Knobs(fail_next=[500]), "runpod server 500"),
        (Knobs(fail_next=[502]), "runpod server 502"),
        (Knobs(fail_next=[524]), "runpod server 524"),
        (Knobs(fail_next=[429], retry_after_s=0.1), "runpod rate_limited 429"),
        (Knobs(prose_rate=1.0), "runpod invalid_json"),
    ],
)
async def test_failed_call_goes_to_gemini_with_reason(knobs: Knobs, reason: str) -> None:
    async with rig(settings(), knobs) as (g, _rp, gm):
        r = await gen(g, 5)
    assert len(r.items) == 5 and by_provider(r) == {"gemini-simulator": 5}
    assert reasons(r) == {reason}
    assert gm.stats.calls == 1 and r.shortfall_reason is None


async def test_connect_error_falls_back() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with rig(settings(), runpod_url=f"http://127.0.0.1:{port}/v1") as (g, _, _):
        r = await gen(g, 4)
    assert len(r.items) == 4 and reasons(r) == {"runpod connect"}


async def test_timeout_falls_back() -> None:
    async with rig(settings(runpod_timeout_s=0.3), Knobs(hang=True, hang_max_s=5)) as (g, _, _):
        r = await gen(g, 3)
    assert len(r.items) == 3 and reasons(r) == {"runpod timeout"}


async def test_retry_honours_retry_after_and_keeps_runpod() -> None:
    sleeps = Sleeps()
    s = settings(call_attempts=3)
    async with rig(s, Knobs(fail_next=[429, 502], retry_after_s=1.5), sleep=sleeps) as (g, rp, gm):
        r = await gen(g, 4)
    assert by_provider(r) == {"runpod-simulator": 4} and gm.stats.calls == 0
    assert rp.stats.calls == 3
    assert sleeps.delays[0] >= 1.5  # Retry-After is a floor
    assert len(sleeps.delays) == 2


async def test_chat_text_is_salvaged_not_fallen_back() -> None:
    async with rig(settings(), Knobs(chat_text_always=True)) as (g, _, gm):
        r = await gen(g, 4)
    assert by_provider(r) == {"runpod-simulator": 4} and gm.stats.calls == 0
    assert any("chat text" in n for n in r.notes)


async def test_truncated_keeps_complete_items_and_falls_back_for_the_rest() -> None:
    async with rig(settings(), Knobs(truncate=True)) as (g, _, _gm):
        r = await gen(g, 6)
    got = by_provider(r)
    assert len(r.items) == 6 and 0 < got.get("runpod-simulator", 0) < 6
    (why,) = reasons(r)
    assert why is not None and why.startswith("runpod truncated ") and why.endswith("/6")
    kept = int(why.split()[-1].split("/")[0])
    assert got["runpod-simulator"] == kept and got["gemini-simulator"] == 6 - kept
    assert r.items[0].provider == "runpod-simulator"  # slot order is preserved


async def test_too_few_valid_items_fall_back_for_the_missing_only() -> None:
    async with rig(settings(), Knobs(bad_item_rate=0.5, seed=3)) as (g, _, _):
        r = await gen(g, 7)
    got = by_provider(r)
    assert len(r.items) == 7 and 0 < got.get("runpod-simulator", 0) < 7
    assert all(w is not None and w.startswith("runpod too_few ") for w in reasons(r))


async def test_breaker_opens_after_n_failures_then_probes_after_cooldown() -> None:
    clock = Clock()
    s = settings(breaker_failures=3, breaker_cooldown_s=30)
    async with rig(s, Knobs(error_rate=1.0, error_status=500), clock=clock) as (g, rp, _gm):
        for _ in range(3):
            assert reasons(await gen(g, 2)) == {"runpod server 500"}
        assert g.breakers["runpod"].state == "open" and rp.stats.calls == 3
        for _ in range(4):
            assert reasons(await gen(g, 2)) == {"runpod circuit_open"}
        assert rp.stats.calls == 3, "no call reaches RunPod while the breaker is open"

        clock.now += 31
        rp.knobs.error_rate = 0.0
        r = await gen(g, 2)
        assert rp.stats.calls == 4 and by_provider(r) == {"runpod-simulator": 2}
        assert g.breakers["runpod"].state == "closed"


async def test_failed_probe_reopens() -> None:
    clock = Clock()
    s = settings(breaker_failures=1, breaker_cooldown_s=10)
    async with rig(s, Knobs(error_rate=1.0), clock=clock) as (g, rp, _):
        await gen(g, 2)
        clock.now += 11
        await gen(g, 2)  # the probe, failing
        assert rp.stats.calls == 2 and g.breakers["runpod"].state == "open"
        await gen(g, 2)
        assert rp.stats.calls == 2


async def test_concurrency_cap_is_never_exceeded() -> None:
    s = settings(runpod_max_concurrency=2, gemini_max_concurrency=3)
    async with rig(s, Knobs(latency_s=0.05), Knobs(latency_s=0.05)) as (g, rp, gm):
        results = await asyncio.gather(*(gen(g, 3, MATHS if i % 2 else CHEM, seed=i) for i in range(12)))
    assert all(len(r.items) == 3 for r in results)
    assert rp.stats.max_in_flight <= 2 and g.limiters["runpod"].max_in_flight == 2
    assert gm.stats.max_in_flight <= 3


async def test_context_length_400_shrinks_the_batch_instead_of_falling_back() -> None:
    # we believe in 4096 tokens but the server has fewer: the first calls get 400
    s = settings(runpod_context_tokens=4096)
    async with rig(s, Knobs(context_tokens=2600)) as (g, rp, gm):
        r = await gen(g, 6)
    assert by_provider(r) == {"runpod-simulator": 6} and gm.stats.calls == 0
    assert rp.stats.status_counts.get(400, 0) >= 1
    assert any("context_length" in n for n in r.notes)


async def test_no_fallback_when_disabled() -> None:
    async with rig(settings(fallback_enabled=False), Knobs(truncate=True)) as (g, _, gm):
        r = await gen(g, 6)
    assert gm.stats.calls == 0 and 0 < len(r.items) < 6
    assert r.shortfall_reason is not None and "truncated" in r.shortfall_reason


async def test_every_provider_failing_raises_job_retry() -> None:
    async with rig(settings(), Knobs(error_rate=1.0), Knobs(error_rate=1.0, error_status=503)) as (g, _, _):
        with pytest.raises(JobRetry, match="runpod server 500"):
            await gen(g, 3)
        with pytest.raises(JobRetry, match="gemini server 503"):
            await gen(g, 3, CHEM)


async def test_short_plan_is_padded() -> None:
    async with rig(settings()) as (g, _rp, _):
        r = await g.generate(MATHS, 4, plan=["only one idea"], avoid=[], seed=1)
    assert len(r.items) == 4


# --- in-process fakes: the generator's decisions without any HTTP ---------------------------------


def default_profile(name: str, s: Settings | None = None) -> ProviderProfile:
    """The profile the real adapter for ``name`` would carry with these settings."""
    return {"runpod": runpod_profile, "gemini": gemini_profile}[name](s or settings())


class Fake:
    """A Provider answering from the request block; ``fail(call)`` may raise a ProviderError first."""

    def __init__(self, name: str, fail: Any = None, profile: ProviderProfile | None = None) -> None:
        self.key = self.name = name
        self.model = f"{name}-model"
        self.profile = profile or default_profile(name)
        self.fail = fail
        self.calls: list[ProviderCall] = []

    async def check(self) -> ProviderCheck:
        return ProviderCheck(True, f"{self.model} (fake)")

    async def generate(self, call: ProviderCall) -> ProviderReply:
        self.calls.append(call)
        if self.fail:
            self.fail(call)
        block = parse_request_block(call.prompt)
        assert block is not None and block["count"] == call.n
        items = [
            {
                "question_text": f"{self.name} question on {block['plan'][i]} (seed {call.seed})",
                "options": ["1", "2", "3", "4"],
                "correct_option_index": 0,
                "solution": "Because.",
            }
            for i in range(call.n)
        ]
        return ProviderReply(json.dumps({"questions": items}), self.model, "stop", 10, 20)

    async def aclose(self) -> None:
        pass


async def test_fake_context_length_splits_until_it_fits() -> None:
    def too_long(call: ProviderCall) -> None:
        if call.n > 2:
            raise ProviderError("runpod", "context_length", "maximum context length", status=400)

    rp, gm = Fake("runpod", too_long), Fake("gemini")
    g = Generator(settings(), {"runpod": rp, "gemini": gm})
    r = await gen(g, 6)
    assert by_provider(r) == {"runpod": 6} and not gm.calls
    assert all(c.n <= 2 for c in rp.calls[-3:])
    assert [it.question.question_text.split(" on ")[1].split(" (")[0] for it in r.items] == [
        f"idea {i}" for i in range(6)
    ], "each slot keeps its own plan entry"


async def test_fake_runpod_down_only_missing_go_to_gemini_with_plan() -> None:
    def down(call: ProviderCall) -> None:
        raise ProviderError("runpod", "server", "engine dead", status=500)

    rp, gm = Fake("runpod", down), Fake("gemini")
    g = Generator(settings(), {"runpod": rp, "gemini": gm})
    r = await gen(g, 3)
    assert by_provider(r) == {"gemini": 3} and reasons_any(r) == {"runpod server 500"}
    assert parse_request_block(gm.calls[0].prompt)["plan"] == ["idea 0", "idea 1", "idea 2"]  # type: ignore[index]


async def test_fake_runpod_not_configured_uses_gemini_without_fallback_tag() -> None:
    gm = Fake("gemini")
    g = Generator(settings(), {"gemini": gm})
    r = await gen(g, 2)
    assert by_provider(r) == {"gemini": 2} and reasons_any(r) == {None}
    assert any("not configured" in n for n in r.notes)


def reasons_any(r: GenerationResult) -> set[str | None]:
    return {it.fallback_reason for it in r.items}


async def test_fake_breaker_opens_and_probes_after_cooldown() -> None:
    state = {"down": True}

    def flaky(call: ProviderCall) -> None:
        if state["down"]:
            raise ProviderError("runpod", "server", "engine dead", status=500)

    clock = Clock()
    rp, gm = Fake("runpod", flaky), Fake("gemini")
    g = Generator(
        settings(breaker_failures=2, breaker_cooldown_s=30), {"runpod": rp, "gemini": gm}, clock=clock
    )
    for _ in range(2):
        assert reasons_any(await gen(g, 1)) == {"runpod server 500"}
    assert reasons_any(await gen(g, 1)) == {"runpod circuit_open"} and len(rp.calls) == 2
    clock.now += 30
    state["down"] = False
    r = await gen(g, 1)
    assert by_provider(r) == {"runpod": 1} and len(rp.calls) == 3 and g.breakers["runpod"].state == "closed"


async def test_fake_limiter_caps_in_flight_calls() -> None:
    in_flight = peak = 0

    class SlowFake(Fake):
        async def generate(self, call: ProviderCall) -> ProviderReply:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                await asyncio.sleep(0.01)
                return await super().generate(call)
            finally:
                in_flight -= 1

    slow = SlowFake("runpod", profile=default_profile("runpod", settings(runpod_max_concurrency=2)))
    g = Generator(settings(), {"runpod": slow, "gemini": Fake("gemini")})
    await asyncio.gather(*(gen(g, 2, seed=i) for i in range(10)))
    assert peak == 2 and g.limiters["runpod"].max_in_flight == 2
