"""Provider adapters against the loopback simulators with the real httpx and google-genai clients:
strict JSON at the source, native /run + polling, and every failure translated into a kind."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from service import prompts
from service.errors import ProviderError
from service.parsing import parse_items
from service.providers.gemini import GeminiProvider
from service.providers.http import classify_status, parse_retry_after
from service.providers.registry import build_providers, build_simulated
from service.providers.runpod import STOP_STRINGS, RunPodProvider
from service.questions import RequestSpec, provider_json_schema, validate_items
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

SPEC = RequestSpec(subject="Mathematics", topic="Quadratic equations")


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {"runpod_timeout_s": 5.0, "gemini_timeout_s": 5.0, "gemini_api_key": "test-key"}
    return Settings(**{**base, **kw})


def call(n: int = 3, max_tokens: int = 2000) -> Any:
    return prompts.build_call(
        SPEC,
        n,
        plan=[],
        avoid=[],
        seed=7,
        temperature=0.3,
        max_tokens=max_tokens,
        schema=provider_json_schema("mcq"),
    )


def body_of(entry: Any) -> dict[str, Any]:
    """A recorded request body, whether the simulator stores bare bodies or {path, body} records."""
    if isinstance(entry, dict) and isinstance(entry.get("body"), dict):
        return entry["body"]
    assert isinstance(entry, dict)
    return entry


def find(d: Any, key: str) -> Any:
    """First value stored under ``key`` anywhere in a nested JSON value."""
    if isinstance(d, dict):
        if key in d:
            return d[key]
        for v in d.values():
            found = find(v, key)
            if found is not None:
                return found
    if isinstance(d, list):
        for v in d:
            found = find(v, key)
            if found is not None:
                return found
    return None


def sim_server(kind: str, **kw: Any) -> Any:
    return SimulatorServer(kind, **kw)


async def failure(p: Any, c: Any) -> ProviderError:
    """The ProviderError that one call raises; the provider is closed either way."""
    try:
        with pytest.raises(ProviderError) as ei:
            await p.generate(c)
    finally:
        await p.aclose()
    return ei.value


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- pure translation --------------------------------------------------------------------------


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a past date: no wait


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, "{}", "rate_limited"),
        (401, "{}", "auth"),
        (403, "{}", "auth"),
        (
            400,
            '{"error": {"message": "This model\'s maximum context length is 4096 tokens."}}',
            "context_length",
        ),
        (400, '{"error": {"message": "bad field"}}', "bad_request"),
        (404, "not found", "not_found"),
        (500, "engine dead", "server"),
        (502, "<html>bad gateway</html>", "server"),
        (524, "", "server"),
    ],
)
def test_classify_status(status: int, body: str, kind: str) -> None:
    e = classify_status("runpod", status, body)
    assert e.kind == kind and e.status == status


# --- RunPod, OpenAI-compatible route -------------------------------------------------------------


async def test_openai_route_sends_strict_json_stop_and_budget() -> None:
    async with sim_server("vllm") as sim:
        p = RunPodProvider(settings(), base_url=sim.base_url)
        try:
            reply = await p.generate(call(3, max_tokens=1800))
        finally:
            await p.aclose()
        sent = body_of(sim.stats.requests[-1])
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == provider_json_schema("mcq")
    assert sent["stop"] == STOP_STRINGS
    assert sent["max_tokens"] == 1800 and sent["seed"] == 7 and sent["temperature"] == 0.3
    items, note = parse_items(reply.text, reply.finish_reason)
    assert note is None, "with a schema the reply must be strict JSON"
    valid, problems = validate_items(items, "mcq")
    assert len(valid) == 3 and not problems
    assert reply.completion_tokens and reply.prompt_tokens


async def test_structured_outputs_mode() -> None:
    async with sim_server("vllm") as sim:
        p = RunPodProvider(settings(runpod_json_mode="structured_outputs"), base_url=sim.base_url)
        try:
            await p.generate(call(1))
        finally:
            await p.aclose()
        sent = body_of(sim.stats.requests[-1])
    assert sent["structured_outputs"]["json"] == provider_json_schema("mcq") and "response_format" not in sent


async def test_bearer_key_sent_and_wrong_key_is_auth() -> None:
    async with sim_server("vllm", knobs=Knobs(expected_api_key="sekret")) as sim:
        good = RunPodProvider(settings(runpod_api_key="sekret"), base_url=sim.base_url)
        bad = RunPodProvider(settings(runpod_api_key="wrong"), base_url=sim.base_url)
        try:
            assert (await good.generate(call(1))).text
            with pytest.raises(ProviderError) as ei:
                await bad.generate(call(1))
        finally:
            await good.aclose()
            await bad.aclose()
    assert ei.value.kind == "auth" and not ei.value.retryable


@pytest.mark.parametrize(
    ("knobs", "kind", "status"),
    [
        ({"fail_next": [500]}, "server", 500),
        ({"fail_next": [502]}, "server", 502),
        ({"model_loading_calls": 1}, "server", 502),
        ({"fail_next": [524]}, "server", 524),
        ({"fail_next": [503]}, "server", 503),
    ],
)
async def test_server_failures(knobs: dict[str, Any], kind: str, status: int) -> None:
    async with sim_server("vllm", knobs=Knobs(**knobs)) as sim:
        p = RunPodProvider(settings(), base_url=sim.base_url)
        try:
            with pytest.raises(ProviderError) as ei:
                await p.generate(call(1))
            assert (await p.generate(call(1))).text  # the next call is fine again
        finally:
            await p.aclose()
    assert (ei.value.kind, ei.value.status) == (kind, status)
    assert ei.value.retryable


async def test_rate_limit_carries_retry_after() -> None:
    async with sim_server("vllm", knobs=Knobs(fail_next=[429], retry_after_s=2.0)) as sim:
        p = RunPodProvider(settings(), base_url=sim.base_url)
        err = await failure(p, call(1))
    assert err.kind == "rate_limited" and err.retry_after == pytest.approx(2.0)


# (provider class, simulator kind, URL suffix, timeout setting): both adapters, the same failure classes
ADAPTERS = [
    (RunPodProvider, "vllm", "/v1", "runpod_timeout_s"),
    (GeminiProvider, "gemini", "", "gemini_timeout_s"),
]


@pytest.mark.parametrize(("cls", "kind", "suffix", "timeout_key"), ADAPTERS)
async def test_connect_error_on_a_closed_port(cls: Any, kind: str, suffix: str, timeout_key: str) -> None:
    p = cls(settings(), base_url=f"http://127.0.0.1:{closed_port()}{suffix}")
    err = await failure(p, call(1))
    assert err.kind == "connect"


@pytest.mark.parametrize(("cls", "kind", "suffix", "timeout_key"), ADAPTERS)
async def test_timeout_when_the_server_hangs(cls: Any, kind: str, suffix: str, timeout_key: str) -> None:
    async with sim_server(kind, knobs=Knobs(hang=True, hang_max_s=5)) as sim:
        p = cls(settings(**{timeout_key: 0.3}), base_url=sim.base_url)
        err = await failure(p, call(1))
    assert err.kind == "timeout"


async def test_context_length_400() -> None:
    async with sim_server("vllm", knobs=Knobs(context_tokens=600)) as sim:
        p = RunPodProvider(settings(), base_url=sim.base_url)
        err = await failure(p, call(5, max_tokens=3000))
    assert err.kind == "context_length" and err.status == 400 and not err.retryable


async def test_health_and_models_for_doctor() -> None:
    async with sim_server("vllm") as sim:
        p = RunPodProvider(settings(), base_url=sim.base_url)
        try:
            health = await p.health()
            models = await p.list_models()
        finally:
            await p.aclose()
    assert health["status"] == 200
    assert models == {Settings().runpod_model: 4096}


# --- RunPod serverless, native API ---------------------------------------------------------------


async def test_native_run_sends_sampling_params_and_reads_output() -> None:
    async with sim_server("runpod") as sim:
        p = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url)
        try:
            reply = await p.generate(call(2, max_tokens=1500))
        finally:
            await p.aclose()
        sent = body_of(sim.stats.requests[-1])
    sp = sent["input"]["sampling_params"]
    assert sp["max_tokens"] == 1500 and sp["stop"] == STOP_STRINGS
    assert sp["structured_outputs"]["json"] == provider_json_schema("mcq")
    assert [m["role"] for m in sent["input"]["messages"]] == ["system", "user"]
    valid, _ = validate_items(parse_items(reply.text, reply.finish_reason)[0], "mcq")
    assert len(valid) == 2


async def test_native_polls_status_while_in_progress() -> None:
    async with sim_server("runpod", knobs=Knobs(latency_s=0.4)) as sim:
        p = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url, poll_interval_s=0.05)
        try:
            reply = await p.generate(call(2))
        finally:
            await p.aclose()
    assert len(validate_items(parse_items(reply.text, reply.finish_reason)[0], "mcq")[0]) == 2


async def test_native_poll_is_bounded_by_the_timeout() -> None:
    async with sim_server("runpod", knobs=Knobs(latency_s=3.0)) as sim:
        p = RunPodProvider(
            settings(runpod_api="native", runpod_timeout_s=0.5), base_url=sim.base_url, poll_interval_s=0.05
        )
        err = await failure(p, call(1))
    assert err.kind == "timeout"


async def test_native_output_error_is_a_failure() -> None:
    async with sim_server("runpod", knobs=Knobs(output_error_rate=1.0)) as sim:
        p = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url)
        err = await failure(p, call(1))
    assert err.kind in ("server", "context_length")


# --- Gemini --------------------------------------------------------------------------------------


async def test_gemini_sends_schema_and_returns_strict_json() -> None:
    async with sim_server("gemini") as sim:
        p = GeminiProvider(settings(), base_url=sim.base_url)
        try:
            reply = await p.generate(call(3, max_tokens=5000))
        finally:
            await p.aclose()
        sent = body_of(sim.stats.requests[-1])
    cfg = sent.get("generationConfig") or sent.get("generation_config")
    assert cfg is not None
    assert (cfg.get("responseMimeType") or cfg.get("response_mime_type")) == "application/json"
    assert cfg.get("responseSchema") or cfg.get("response_schema") or cfg.get("responseJsonSchema")
    assert (cfg.get("maxOutputTokens") or cfg.get("max_output_tokens")) == 5000
    items, note = parse_items(reply.text, reply.finish_reason)
    assert note is None and len(validate_items(items, "mcq")[0]) == 3


@pytest.mark.parametrize(
    ("knobs", "kind", "status"),
    [
        ({"fail_next": [429], "retry_after_s": 3.0}, "rate_limited", 429),
        ({"fail_next": [500]}, "server", 500),
        ({"fail_next": [503]}, "server", 503),
        ({"fail_next": [400]}, "bad_request", 400),
        ({"expected_api_key": "other"}, "auth", None),
    ],
)
async def test_gemini_errors_translated(knobs: dict[str, Any], kind: str, status: int | None) -> None:
    async with sim_server("gemini", knobs=Knobs(**knobs)) as sim:
        p = GeminiProvider(settings(), base_url=sim.base_url)
        err = await failure(p, call(1))
        assert sim.stats.calls == 1, "SDK retries must stay off"
    assert err.kind == kind
    if status:
        assert err.status == status
    if kind == "rate_limited":
        assert err.retry_after == pytest.approx(3.0)


async def test_registry_simulated_names_and_real_config() -> None:
    sim = build_simulated(Settings(), {"runpod": "http://127.0.0.1:1/v1", "gemini": "http://127.0.0.1:2"})
    assert {k: v.name for k, v in sim.items()} == {"runpod": "runpod-simulator", "gemini": "gemini-simulator"}
    only_runpod = build_providers(Settings(runpod_base_url="http://127.0.0.1:1/v1", gemini_api_key=None))
    assert set(only_runpod) == {"runpod"} and only_runpod["runpod"].name == "runpod"
    for p in [*sim.values(), *only_runpod.values()]:
        await p.aclose()


def test_error_bodies_never_need_the_key() -> None:
    e = classify_status("runpod", 401, json.dumps({"error": {"message": "invalid key"}}))
    assert "invalid key" in str(e)
