"""The call runtime (``managed.ManagedProvider``) is itself a provider: it can be wrapped again, handed to the
generator or to the start checks, and keeps its retries, breakers, limit and records for both purposes.
Against the loopback simulators through the real clients; the profile's seed and window rules as pure
functions."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from service.errors import CircuitOpenError, ProviderError
from service.generation import Generator
from service.managed import CallLog, CallRecord, ManagedProvider
from service.providers.base import Provider, ProviderProfile, Sampling
from service.providers.gemini import GeminiProvider
from service.providers.runpod import RunPodProvider
from service.questions import RequestSpec
from service.runtime import check_providers
from service.settings import Settings
from service.solve import solve_call
from simulators.knobs import Knobs
from simulators.server import SimulatorServer
from tests.test_contact2_gemini import QUESTION, batch_call

CHEM = RequestSpec(subject="Chemistry", topic="Mole concept", exam="JEE Main")


def quiet(**kw: Any) -> Settings:
    base: dict[str, Any] = {"gemini_api_key": "k", "call_attempts": 1, "backoff_base_s": 0.0, "backoff_max_s": 0.0,
                            "breaker_failures": 50}
    return Settings(**{**base, **kw})


async def no_sleep(_d: float) -> None:
    await asyncio.sleep(0)


def as_provider(p: Provider) -> Provider:
    """Where the code expects a ``Provider`` (mypy holds ``ManagedProvider`` to the protocol here)."""
    return p


async def test_a_managed_provider_wrapped_again_retries_at_each_layer_and_records_both() -> None:
    """The inner runtime retries a 500 itself; the outer one sees one good logical call and records it."""
    async with SimulatorServer("gemini", knobs=Knobs(fail_next=[500])) as gm:
        raw = GeminiProvider(quiet(), base_url=gm.base_url)
        inner_seen: list[CallRecord] = []
        inner = ManagedProvider(raw, quiet(call_attempts=2), observers=[inner_seen.append], sleep=no_sleep)
        outer = ManagedProvider(as_provider(inner), quiet(), sleep=no_sleep)
        spent = CallLog()
        try:
            reply = await outer.run(batch_call(1), lambda r, _sent: r, into=spent)
        finally:
            await outer.aclose()
    assert reply.text and gm.stats.calls == 2
    assert [r.outcome for r in inner_seen] == ["server", "ok"]  # one record per attempt, at the inner layer
    assert [r.outcome for r in spent.records] == ["ok"] and spent.calls == 1  # the outer saw one call
    assert (outer.key, outer.name, outer.model) == (raw.key, raw.name, raw.model)
    assert outer.profile is raw.profile


async def test_the_generator_takes_a_managed_provider_like_any_other() -> None:
    async with SimulatorServer("gemini") as gm:
        raw = GeminiProvider(quiet(), base_url=gm.base_url)
        g = Generator(quiet(), {"gemini": ManagedProvider(raw, quiet())})
        seen: list[CallRecord] = []
        g.observers.append(seen.append)
        try:
            r = await g.generate(CHEM, 3, plan=[], avoid=[], seed=7)
        finally:
            await raw.aclose()
    assert len(r.items) == 3 and {it.provider for it in r.items} == {"gemini"}
    assert r.records and seen == r.records and {rec.purpose for rec in r.records} == {"generate"}


async def test_the_start_check_through_the_runtime_sets_the_window_of_the_wrapped_provider() -> None:
    async with SimulatorServer("vllm", knobs=Knobs(context_tokens=2048)) as rp:
        s = quiet()
        raw = RunPodProvider(s, name="runpod-simulator", base_url=rp.base_url)
        managed = ManagedProvider(raw, s)
        try:
            await check_providers({"runpod": managed})
        finally:
            await managed.aclose()
    assert raw.profile.context_tokens == 2048 and managed.profile.context_tokens == 2048


async def test_verify_calls_have_their_own_breaker_and_records() -> None:
    """A failing blind solve opens the verifier's breaker only; generation through the same runtime goes on."""
    async with SimulatorServer("gemini", knobs=Knobs(fail_next=[500])) as gm:
        raw = GeminiProvider(quiet(), base_url=gm.base_url)
        m = ManagedProvider(raw, quiet(breaker_failures=1, breaker_cooldown_s=600), sleep=no_sleep)
        spent = CallLog()
        solve = solve_call(QUESTION, seed=3, temperature=1.0)
        try:
            with pytest.raises(ProviderError):
                await m.run(solve, lambda r, _sent: r, into=spent)
            with pytest.raises(CircuitOpenError):
                await m.run(solve, lambda r, _sent: r, into=spent)
            ok = await m.generate(batch_call(1))
        finally:
            await m.aclose()
    assert ok.text and m.breaker("verify").state == "open" and m.breaker("generate").state == "closed"
    assert set(m.breaker_labels()) == {"gemini", "gemini:verify"}
    assert [(r.purpose, r.outcome) for r in spent.records] == [("verify", "server")]  # the open breaker sent nothing
    assert gm.stats.calls == 2


async def test_a_retry_takes_a_new_seed_and_an_adapter_bug_is_a_server_failure() -> None:
    class Broken:
        """A provider whose adapter raises something that is not a ProviderError (a bug)."""

        key, name, model = "gemini", "gemini", "m"
        profile = ProviderProfile(1000, 100, 4, Sampling(1.0), Sampling(1.0))

        def __init__(self) -> None:
            self.seeds: list[int] = []

        async def generate(self, call: Any) -> Any:
            self.seeds.append(call.seed)
            raise KeyError("choices")

        async def check(self, model: str | None = None) -> Any:
            raise AssertionError("not called")

        async def aclose(self) -> None:
            return None

    broken = Broken()
    m = ManagedProvider(broken, quiet(call_attempts=3), sleep=no_sleep)
    spent = CallLog()
    with pytest.raises(ProviderError) as e:
        await m.run(dataclasses.replace(batch_call(1), seed=41), lambda r, _sent: r, into=spent)
    assert e.value.kind == "server" and "KeyError" in e.value.message
    assert broken.seeds == [41, 42, 43] and [r.outcome for r in spent.records] == ["server"] * 3


def test_the_profile_folds_seeds_into_the_services_range() -> None:
    gem = ProviderProfile(1000, 100, 4, Sampling(1.0), Sampling(1.0), seed_range=2**31)
    assert gem.seed(2**40 + 5) == 5 and gem.seed(-1) == 2**31 - 1 and gem.seed(12) == 12
    assert ProviderProfile(1000, 100, 4, Sampling(1.0), Sampling(1.0)).seed(2**40) == 2**40  # no range: as given


def test_a_reported_window_replaces_the_configured_one_on_shared_servers_only() -> None:
    shared = ProviderProfile(4096, 100, 4, Sampling(1.0), Sampling(1.0))
    assert shared.with_window(2048).context_tokens == 2048
    assert shared.with_window(None) is shared and shared.with_window(4096) is shared
    output = dataclasses.replace(shared, window="output")
    assert output.with_window(2048) is output
