"""Second contact with Gemini (and Aryabhata's sampling): each behaviour the vendors document, driven through
the real clients (google-genai, httpx) against simulators that behave like the service on that point."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from service import prompts
from service.doctor import provider_rows, refusal
from service.errors import ConfigError, JobRetry, ProviderError
from service.generation import Generator
from service.providers.base import ProviderCall
from service.providers.gemini import GeminiProvider, profile_from
from service.providers.runpod import RunPodProvider
from service.providers.runpod import profile_from as runpod_profile
from service.questions import BATCH_MODELS, MCQQuestion, RequestSpec, provider_json_schema
from service.runtime import check_providers
from service.settings import Settings
from service.solve import VERIFY_TOKENS, parse_solve, solve_call, writes_working
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

CHEM = RequestSpec(subject="Chemistry", topic="Mole concept", exam="JEE Main")
QUESTION = MCQQuestion(
    question_text="How many moles of oxygen atoms are there in 2 moles of CO2?",
    options=["2", "4", "1", "6"],
    solution="Each CO2 has two O atoms: 2 x 2 = 4 moles. \\boxed{4}",
    correct_option_index=1,
)


def quiet(**kw: Any) -> Settings:
    """Settings with no provider configured unless given (the test environment sets none)."""
    base: dict[str, Any] = {"runpod_timeout_s": 10.0, "gemini_timeout_s": 10.0, "backoff_base_s": 0.01}
    return Settings(**{**base, **kw})


def batch_call(n: int = 2, **kw: Any) -> ProviderCall:
    call = prompts.build_call(
        CHEM, n, plan=[], avoid=[], seed=3, temperature=1.0, max_tokens=20_000, schema=provider_json_schema("mcq")
    )
    return call if not kw else ProviderCall(**{**call.__dict__, **kw})


def client_for(sim: SimulatorServer, **kw: Any) -> genai.Client:
    return genai.Client(http_options=types.HttpOptions(base_url=sim.base_url), **kw)


def level(gc: dict[str, Any]) -> str | None:
    """The thinking level in a generationConfig (proto JSON takes either spelling of a field name)."""
    tc = gc.get("thinkingConfig") or {}
    return tc.get("thinkingLevel") or tc.get("thinking_level")


def walk(node: Any) -> list[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(node, dict):
        return [k for k, v in node.items() for k in (k, *walk(v))]
    if isinstance(node, list):
        return [k for v in node for k in walk(v)]
    return []


# --- 1. Vertex AI express mode: models.get is 401, countTokens checks the model ---------------------------


async def test_express_mode_models_get_is_401_and_the_check_uses_count_tokens() -> None:
    async with SimulatorServer("gemini", knobs=Knobs(expected_api_key="vx-key")) as gm:
        express = client_for(gm, vertexai=True, api_key="vx-key")
        with pytest.raises(genai_errors.ClientError) as e:
            await express.aio.models.get(model="gemini-3.5-flash")
        p = GeminiProvider(quiet(gemini_use_vertexai=True, gemini_api_key="vx-key"), base_url=gm.base_url)
        retired = GeminiProvider(
            quiet(gemini_use_vertexai=True, gemini_api_key="vx-key", gemini_model="gemini-2.5-flash"), base_url=gm.base_url
        )
        try:
            ok = await p.check()
            await check_providers({"gemini": p})  # the worker's start-up check passes
            with pytest.raises(ConfigError) as gone:
                await check_providers({"gemini": retired})
        finally:
            await p.aclose()
            await retired.aclose()
        paths = list(gm.stats.paths)
    assert e.value.code == 401 and "API keys are not supported by this API" in str(e.value)
    assert p.mode == "express" and ok.ok and "countTokens" in ok.detail
    assert str(gone.value).startswith("gemini: GEMINI_MODEL 'gemini-2.5-flash' does not exist or was retired")
    assert paths == ["/v1beta1/publishers/google/models/gemini-3.5-flash:countTokens"] * 2 + [
        "/v1beta1/publishers/google/models/gemini-2.5-flash:countTokens"
    ]


async def test_key_and_project_modes_check_with_models_get() -> None:
    from google.oauth2.credentials import Credentials

    async with SimulatorServer("gemini", knobs=Knobs(expected_api_key="k")) as gm:
        keyed = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        project = GeminiProvider(quiet(gemini_use_vertexai=True, google_cloud_project="exam-prep"), base_url=gm.base_url)
        token = Credentials(token="t")  # application default credentials, as an OAuth token
        project._client = client_for(gm, vertexai=True, project="exam-prep", location="global", credentials=token)
        try:
            checks = [await keyed.check(), await project.check()]
        finally:
            await keyed.aclose()
            await project.aclose()
        paths = list(gm.stats.paths)
    assert [c.ok for c in checks] == [True, True] and "(Vertex AI" in checks[1].detail
    assert not any(":countTokens" in x for x in paths)


# --- 2. one schema for every provider: Gemini refuses bounded ones ------------------------------------------


async def test_gemini_refuses_the_bounded_schema_and_serves_ours() -> None:
    async with SimulatorServer("gemini") as gm:
        client = client_for(gm, api_key="k")
        call = batch_call(2)
        bounded = types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=BATCH_MODELS["mcq"], max_output_tokens=20_000
        )
        with pytest.raises(genai_errors.ClientError) as e:
            await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt, config=bounded)
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        try:
            reply = await p.generate(call)
            with pytest.raises(ProviderError) as refused:  # the adapter, sent a bounded schema, names the refusal
                await p.generate(batch_call(2, schema=BATCH_MODELS["mcq"].model_json_schema()))
        finally:
            await p.aclose()
        sent = gm.stats.requests[-2]["generationConfig"]
    assert e.value.code == 400 and e.value.status == "INVALID_ARGUMENT" and "too many states for serving" in str(e.value)
    assert "responseJsonSchema" in sent and "responseSchema" not in sent
    keys = set(walk(sent["responseJsonSchema"]))
    assert not keys & {"maxLength", "minLength", "minimum", "maximum", "default"}, keys
    assert BATCH_MODELS["mcq"].model_validate_json(reply.text).questions  # pydantic holds the bounds afterwards
    assert refused.value.kind == "schema_refused" and not refused.value.retryable
    line = refusal(refused.value)
    assert len(line.splitlines()) == 1 and line.startswith("gemini refused the reply schema as too complex to serve")


async def test_a_refused_schema_is_not_retried_and_does_not_open_the_breaker() -> None:
    async with SimulatorServer("gemini") as gm:
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        g = Generator(quiet(breaker_failures=1), {"gemini": p})
        try:
            bounded = batch_call(2, schema=BATCH_MODELS["mcq"].model_json_schema())
            with pytest.raises(ProviderError) as e:
                await g.providers["gemini"].generate(bounded)  # the runtime, used as the Provider it is
            calls = gm.stats.calls
            ok = await g.generate(CHEM, 2, plan=[], avoid=[], seed=1)  # the breaker is still closed
        finally:
            await p.aclose()
    assert e.value.kind == "schema_refused" and calls == 1 and len(ok.items) == 2


# --- 3./4. sampling and thinking from the profile --------------------------------------------------------


def test_profiles_follow_the_vendors_and_settings_override_them(caplog: pytest.LogCaptureFixture) -> None:
    flash = profile_from(quiet())
    assert (flash.generate.temperature, flash.generate.thinking) == (1.0, "medium")
    # a blind solve at Flash's default level first, and what it does not confirm again at high
    assert (flash.verify.temperature, flash.verify.thinking) == (1.0, "medium")
    assert flash.confirm is not None and (flash.confirm.temperature, flash.confirm.thinking) == (1.0, "high")
    assert flash.output_budget("verify", VERIFY_TOKENS) == VERIFY_TOKENS + flash.thinking_tokens["medium"]
    assert flash.output_budget("verify", VERIFY_TOKENS, flash.confirm) == VERIFY_TOKENS + flash.thinking_tokens["high"]
    assert flash.output_budget("generate", 100_000) == flash.max_output_tokens
    pro = profile_from(quiet(gemini_model="gemini-3.1-pro-preview"))
    assert pro.generate.thinking == "high"
    with caplog.at_level(logging.WARNING):
        tuned = profile_from(
            quiet(gemini_temperature=0.4, gemini_top_p=0.9, gemini_thinking_level="LOW",
                  gemini_verify_thinking_level="medium", gemini_output_headroom=2000)
        )
    assert (tuned.generate.temperature, tuned.generate.top_p, tuned.generate.thinking) == (0.4, 0.9, "low")
    assert tuned.verify.thinking == "medium" and tuned.output_budget("verify", 1000) == 3000
    # a blind solve set to the deepest level has nothing deeper to confirm with; nor has a Pro model by default
    assert profile_from(quiet(gemini_verify_thinking_level="high")).confirm is None
    assert pro.verify.thinking == "high" and pro.confirm is None
    assert any("below 1.0" in r.message for r in caplog.records)
    aryabhata = runpod_profile(quiet())
    assert (aryabhata.generate.temperature, aryabhata.generate.top_p, aryabhata.verify.temperature) == (0.7, 0.8, 0.7)
    assert aryabhata.output_budget("generate", 900) == 900  # no thinking headroom on a shared window
    assert runpod_profile(quiet(runpod_temperature=0.3, runpod_top_p=0.95)).generate.top_p == 0.95


async def test_the_wire_carries_the_profile_sampling_and_thinking() -> None:
    async with SimulatorServer("gemini") as gm, SimulatorServer("vllm") as vl:
        gp = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        rp = RunPodProvider(quiet(runpod_base_url=vl.base_url), base_url=vl.base_url)
        g = Generator(quiet(), {"gemini": gp, "runpod": rp})
        try:
            await g.generate(CHEM, 2, plan=[], avoid=[], seed=2**40)  # a seed beyond int32 is folded by the adapter
            gen = gm.stats.requests[-1]["generationConfig"]
            prof = gp.profile
            sampling = prof.sampling("verify")
            solve = sampling.apply(solve_call(QUESTION, seed=7, temperature=sampling.temperature,
                                              max_tokens=prof.output_budget("verify", VERIFY_TOKENS),
                                              working=writes_working(sampling)))
            answer = parse_solve(gp.name, await gp.generate(solve), solve)
            ver = gm.stats.requests[-1]["generationConfig"]
            await g.generate(RequestSpec(subject="Mathematics", topic="Quadratic equations"), 1, plan=[], avoid=[], seed=1)
            chat = vl.stats.requests[-1]
        finally:
            await gp.aclose()
            await rp.aclose()
    assert gen["temperature"] == 1.0 and level(gen) == "MEDIUM"
    assert 0 <= gen["seed"] < 2**31
    assert ver["temperature"] == 1.0 and level(ver) == "MEDIUM"
    assert ver["maxOutputTokens"] == VERIFY_TOKENS + prof.thinking_tokens["medium"] and "choice" in answer
    assert (chat["temperature"], chat["top_p"]) == (0.7, 0.8)


async def test_thinking_eats_a_content_only_budget_and_the_profile_leaves_room() -> None:
    async with SimulatorServer("gemini") as gm:
        client = client_for(gm, api_key="k")
        call = solve_call(QUESTION, seed=1, temperature=1.0, max_tokens=VERIFY_TOKENS)
        config = types.GenerateContentConfig(
            temperature=1.0, response_mime_type="application/json", response_json_schema=call.schema,
            max_output_tokens=VERIFY_TOKENS,  # the old budget: the answer only
            thinking_config=types.ThinkingConfig(thinking_level=types.ThinkingLevel.HIGH),
        )
        cut = await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt, config=config)
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        g = Generator(quiet(call_attempts=1), {"gemini": p})
        try:
            tight = profile_from(quiet(gemini_output_headroom=0))
            p.profile = tight  # what a budget without thinking room does through the adapter
            with pytest.raises(JobRetry) as lost:
                await g.generate(CHEM, 3, plan=[], avoid=[], seed=5)
            p.profile = profile_from(quiet())
            kept = await g.generate(CHEM, 3, plan=[], avoid=[], seed=5)
            budget = gm.stats.requests[-1]["generationConfig"]["maxOutputTokens"]
        finally:
            await p.aclose()
    assert cut.candidates and cut.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS and cut.text is None
    assert cut.usage_metadata and cut.usage_metadata.thoughts_token_count == VERIFY_TOKENS
    assert "out_of_tokens" in str(lost.value)
    assert len(kept.items) == 3 and budget == 3 * 700 + 64 + 16_384  # answer + medium thinking headroom


async def test_simulator_refuses_thinking_settings_gemini_refuses() -> None:
    async with SimulatorServer("gemini") as gm:
        client = client_for(gm, api_key="k")

        async def ask(model: str, tc: types.ThinkingConfig) -> int:
            try:
                await client.aio.models.generate_content(
                    model=model, contents="hi", config=types.GenerateContentConfig(thinking_config=tc)
                )
            except genai_errors.ClientError as e:
                return int(e.code)
            return 200

        both = types.ThinkingConfig(thinking_level=types.ThinkingLevel.LOW, thinking_budget=100)
        minimal = types.ThinkingConfig(thinking_level=types.ThinkingLevel.MINIMAL)
        codes = [await ask("gemini-3.5-flash", both), await ask("gemini-3.1-pro-preview", minimal),
                 await ask("gemini-3.5-flash", minimal)]
    assert codes == [400, 400, 200]


# --- 6. the verifier model is checked at start and by doctor; doctor makes a blind solve -----------------


async def test_verifier_model_is_checked_at_start() -> None:
    async with SimulatorServer("gemini") as gm:
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        try:
            await check_providers({"gemini": p}, quiet(gemini_api_key="k", verify_model="gemini-3.1-pro-preview"))
            with pytest.raises(ConfigError) as e:
                await check_providers({"gemini": p}, quiet(gemini_api_key="k", verify_model="gemini-3.5-pro"))
            # the gate off: nobody verifies, nothing to check
            await check_providers({"gemini": p}, quiet(gemini_api_key="k", verify="off", verify_model="gemini-3.5-pro"))
        finally:
            await p.aclose()
    msg = str(e.value)
    assert msg.startswith("gemini: QGEN_VERIFY_MODEL 'gemini-3.5-pro' does not exist or was retired")
    assert len(msg.splitlines()) == 1


async def test_doctor_checks_the_verifier_model_and_makes_one_blind_solve_per_verifier() -> None:
    async with SimulatorServer("gemini") as gm, SimulatorServer("vllm") as vl:
        s = quiet(gemini_api_key="k", gemini_base_url=gm.base_url, runpod_base_url=vl.base_url,
                  verify_model="gemini-3.1-pro-preview")
        providers = {
            "runpod": RunPodProvider(s, base_url=vl.base_url),
            "gemini": GeminiProvider(s, base_url=gm.base_url),
        }
        try:
            rows = await provider_rows(s, providers, [])
            bad = await provider_rows(s.model_copy(update={"verify_model": "gemini-3.5-pro"}), providers, [])
        finally:
            for p in providers.values():
                await p.aclose()
        solves = [r for r in gm.stats.requests if "<solve>" in str(r.get("contents"))]
        paths = list(gm.stats.paths)
    by = {r.check: r for r in rows}
    assert [r.check for r in rows][-3:] == ["gemini verifier model", "gemini blind solve", "runpod blind solve"]
    assert all(r.ok for r in rows), [(r.check, r.detail) for r in rows if not r.ok]
    line = by["gemini blind solve"].detail
    assert line.startswith(
        "gemini-3.1-pro-preview re-solved a mcq question blind for runpod, gemini (other subjects): agrees with the key"
    ), line
    assert "for gemini/mathematics, gemini/physics: agrees with the key" in by["runpod blind solve"].detail
    assert len(solves) == 2 and level(solves[0]["generationConfig"]) == "MEDIUM"  # the blind solve's first level
    assert any("/models/gemini-3.1-pro-preview:generateContent" in x for x in paths)
    bad_by = {r.check: r for r in bad}
    assert not bad_by["gemini verifier model"].ok
    assert "QGEN_VERIFY_MODEL 'gemini-3.5-pro' does not exist" in bad_by["gemini verifier model"].detail
    assert not bad_by["gemini blind solve"].ok  # a solve with a model that does not exist fails too
    assert bad_by["runpod blind solve"].ok
