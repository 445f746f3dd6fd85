"""What a call costs: the price arithmetic (pure), the price table's sources, the lengths the simulators
write (a blind solve's working, a thinking model's thoughts) and the cached prompt tokens both services
report, read by the adapters into ``ProviderReply``."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from service.errors import ConfigError
from service.parsing import parse_items
from service.prices import Price, call_cost, load_prices, measured_pod, pod_price, price_for, price_table, table_prices
from service.prompts import build_call, estimate_tokens
from service.providers.base import ProviderCall
from service.providers.registry import build_simulated
from service.questions import RequestSpec, provider_json_schema, validate_items
from service.settings import Settings
from service.solve import VERIFY_TOKENS, solve_call, solves_call
from simulators import lengths
from simulators.gemini import implicit_cache_minimum
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

FLASH = Price(input=1.5, output=9.0, cached_input=0.15, batch_factor=0.5)


# --- prices (pure) -----------------------------------------------------------------------------------------


def test_a_call_costs_uncached_cached_and_output_tokens_at_their_rates() -> None:
    # 10k prompt tokens of which 6k cached, 2k output (thinking included)
    online = call_cost(FLASH, 10_000, 2_000, cached_tokens=6_000)
    assert online == pytest.approx((4_000 * 1.5 + 6_000 * 0.15 + 2_000 * 9.0) / 1e6)
    assert call_cost(FLASH, 10_000, 2_000, cached_tokens=6_000, batch=True) == pytest.approx(online / 2)
    # a cache count above the prompt is the prompt, never a negative uncached count
    assert call_cost(FLASH, 100, 0, cached_tokens=500) == pytest.approx(100 * 0.15 / 1e6)
    assert call_cost(FLASH, 0, 0) == 0.0


def test_a_pod_hour_is_spread_over_the_output_tokens_it_serves() -> None:
    pod = pod_price(3.6, 1000)  # $3.60 an hour at 1000 output tokens/s: 3.6M tokens for $3.60
    assert pod.output == pytest.approx(1.0) and pod.input == pod.cached_input == 0.0
    assert call_cost(pod, 5_000, 1_000_000) == pytest.approx(1.0)  # prompt tokens are inside the throughput
    assert pod_price(3.6, 2000).output == pytest.approx(pod.output / 2)  # twice as fast: half the price
    with pytest.raises(ConfigError):
        pod_price(3.6, 0)
    # measured: 7.2M output tokens over two hours of pod time at $3.60 an hour
    measured = measured_pod(3.6, 7_200_000, 7200)
    assert measured == {"output_tokens_per_second": 1000, "usd_per_million_output": pytest.approx(1.0), "usd": 7.2}
    assert measured_pod(3.6, 0, 7200) is None and measured_pod(3.6, 10, 0) is None


def test_the_shipped_table_names_a_source_and_a_date_for_every_price() -> None:
    table = price_table()
    for name, entry in [*((f"gemini.{m}", e) for m, e in table["gemini"].items()), ("runpod", table["runpod"])]:
        assert entry["source"].strip() and entry["read"], name
        assert "confirmed" in entry, f"{name}: say whether the figures were read on the vendor's own page"
    prices = load_prices("")
    flash = price_for(prices, "gemini", "gemini-3.5-flash")
    assert flash is not None and flash.cached_input < flash.input < flash.output and flash.batch_factor == 0.5
    runpod = price_for(prices, "runpod", "PhysicsWallahAI/Aryabhata-1.0")
    pod = table["runpod"]
    assert runpod == pod_price(pod["usd_per_hour"], pod["output_tokens_per_second"])
    # QGEN_PRICES replaces the table (a contract's prices), and a model in neither has no cost
    assert price_for(load_prices('{"gemini": [1, 2]}'), "runpod", "m") is None
    assert price_for(prices, "gemini", "gemini-9-ultra") is None
    unsourced = {"gemini": {"m": {"input": 1, "output": 2}}}
    with pytest.raises(ConfigError, match="source"):
        table_prices(unsourced)


# --- lengths and caches through the adapters -------------------------------------------------------------

SPEC = RequestSpec(subject="Physics", topic="Kinematics", exam="JEE Main", question_type="mcq")


def _settings() -> Settings:
    return Settings(database_url="postgresql://unused/none")


def _generate_call(n: int, max_tokens: int = 6000) -> ProviderCall:
    return build_call(SPEC, n, plan=[f"idea {i}" for i in range(n)], avoid=[], seed=3, temperature=0.7,
                      max_tokens=max_tokens, schema=provider_json_schema("mcq"))


async def test_aryabhata_writes_its_working_and_gemini_thinks_per_question_then_answers_alone() -> None:
    async with SimulatorServer("vllm") as vllm, SimulatorServer("gemini") as gem:
        providers = build_simulated(_settings(), {"runpod": vllm.base_url, "gemini": gem.base_url})
        runpod, gemini = providers["runpod"], providers["gemini"]
        try:
            made = await runpod.generate(_generate_call(4, 3000))
            questions, _ = validate_items(parse_items(made.text, made.finish_reason)[0], "mcq")
            assert len(questions) == 4
            solves = [await runpod.generate(solve_call(q, seed=1, temperature=0.2)) for q in questions]
            # as the gate sends them: a thinking call asks for the answer alone (solve.writes_working)
            high = dataclasses.replace(solve_call(questions[0], seed=1, temperature=1.0,
                                                  max_tokens=VERIFY_TOKENS + 32_768, working=False), thinking="high")
            thought = await gemini.generate(high)
            # a batched solve thinks about each of its questions: four questions, about four times the thought
            four = dataclasses.replace(solves_call(questions, seed=1, temperature=1.0,
                                                   max_tokens=4 * VERIFY_TOKENS + 32_768, working=False), thinking="high")
            batched = await gemini.generate(four)
            medium = dataclasses.replace(_generate_call(5, 40_000), thinking="medium")
            written = await gemini.generate(medium)
        finally:
            for p in providers.values():
                await p.aclose()
    low, top = lengths.SOLVE_WORKING["vllm"]
    for r in solves:  # Aryabhata writes its working out, no separate thinking, inside the gate's budget
        assert r.thinking_tokens == 0 and r.finish_reason == "stop"
        assert low * 0.9 <= (r.completion_tokens or 0) <= VERIFY_TOKENS
    assert len({r.completion_tokens for r in solves}) > 1, "each question its own length"
    per_task = lengths.THINKING_PER_TASK
    spread = (1 - lengths.THINKING_SPREAD, 1 + lengths.THINKING_SPREAD)
    # Gemini thinks first (billed as output: inside completion_tokens), then writes its answer: a few tokens
    # per question, far below a working's length
    assert per_task["HIGH"] * spread[0] <= thought.thinking_tokens <= per_task["HIGH"] * spread[1] + 1
    assert 0 < (thought.completion_tokens or 0) - thought.thinking_tokens < lengths.SOLVE_WORKING["gemini"][0] / 4
    assert 4 * per_task["HIGH"] * spread[0] <= batched.thinking_tokens <= 4 * per_task["HIGH"] * spread[1] + 1
    assert 0 < (batched.completion_tokens or 0) - batched.thinking_tokens < lengths.SOLVE_WORKING["gemini"][0]
    assert 5 * per_task["MEDIUM"] * spread[0] <= written.thinking_tokens <= 5 * per_task["MEDIUM"] * spread[1] + 1
    assert top > lengths.SOLVE_WORKING["gemini"][1]


def test_a_working_reaches_its_length_and_ends_at_the_solvers_conclusion() -> None:
    end = "Solving the problem gives 12 m/s."
    for tokens in (0, 40, 350, 900):
        text = lengths.working(end, tokens)
        assert text.endswith(end) and "boxed" not in text
        assert abs(estimate_tokens(text) - max(tokens, estimate_tokens(end))) <= 2
    assert lengths.thinking_tokens("low", 3, random.Random(1)) > lengths.thinking_tokens("minimal", 3, random.Random(1))


async def test_cached_prompt_tokens_are_reported_and_read_by_both_adapters() -> None:
    # a static part longer than Gemini 3's implicit-cache minimum, then a request-specific tail
    static = "Rules of the exam. " * 1200
    assert estimate_tokens(static) > implicit_cache_minimum("gemini-3.5-flash")

    def call(tail: str, *, system: str = static) -> ProviderCall:
        return dataclasses.replace(_generate_call(1), system=system, prompt=f"Write about {tail}.", max_tokens=2000,
                                   thinking="minimal")

    async with SimulatorServer("vllm", knobs=Knobs(context_tokens=32_768)) as vllm, \
            SimulatorServer("gemini") as gem:
        providers = build_simulated(_settings(), {"runpod": vllm.base_url, "gemini": gem.base_url})
        seen: dict[str, list[Any]] = {}
        try:
            for key, p in providers.items():
                seen[key] = [await p.generate(call(tail)) for tail in ("optics", "waves")]
                seen[key].append(await p.generate(call("optics", system="A short system prompt.")))
            vllm.knobs.prompt_tokens_details = False  # a server without --enable-prompt-tokens-details
            seen["runpod"].append(await providers["runpod"].generate(call("heat")))
            gem.knobs.implicit_caching = False
            seen["gemini"].append(await providers["gemini"].generate(call("heat")))
        finally:
            for p in providers.values():
                await p.aclose()
    for key, (first, second, short, off) in seen.items():
        assert first.cached_tokens == 0, key  # nothing seen before
        # the second call shares the static part byte for byte: most of its prompt comes from the cache
        assert 0.8 * estimate_tokens(static) <= second.cached_tokens < (second.prompt_tokens or 0), key
        assert short.cached_tokens == 0 and off.cached_tokens == 0, key
    assert seen["runpod"][1].cached_tokens % 16 == 0  # whole KV blocks (vLLM's block size)
    assert vllm.stats.cached_tokens == seen["runpod"][1].cached_tokens
    # below Gemini's minimum a repeated prefix is not served from the cache
    assert implicit_cache_minimum("gemini-2.5-flash") == 2048


def test_calls_for_different_requests_share_a_byte_identical_static_prefix() -> None:
    """The static part first and the same bytes in every call of a type; the request-specific part last."""
    physics = build_call(SPEC, 3, plan=["a", "b", "c"], avoid=[], seed=1, temperature=0.7, max_tokens=3000,
                         schema=provider_json_schema("mcq"))
    other = RequestSpec(subject="Chemistry", topic="Mole concept", exam="NEET", difficulty="hard", question_type="mcq",
                        instructions="Stoichiometry only.")
    chemistry = build_call(other, 7, plan=["x"] * 7, avoid=["an old question"], seed=99, temperature=0.7,
                           max_tokens=9000, schema=provider_json_schema("mcq"))
    assert physics.system == chemistry.system  # byte-identical: every call's prefix
    for call in (physics, chemistry):
        assert call.prompt.startswith("<request>{") and call.prompt.endswith("}</request>")  # nothing else varies
        assert "count" in call.system and "plan[i]" in call.system  # the task itself is static
    share = len(physics.system) / (len(physics.system) + len(physics.prompt))
    assert share > 0.5, f"the static part is {share:.0%} of a 3-question call"

