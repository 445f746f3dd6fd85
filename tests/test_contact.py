"""First contact with the real services: each behaviour the upstream sources describe, driven through the
real clients (httpx, google-genai) against simulators that speak those services' wire formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from service import cli, prompts
from service.embedding import Embedder
from service.errors import ConfigError, JobRetry, ProviderError
from service.generation import Generator
from service.parsing import parse_items
from service.providers.gemini import GeminiProvider
from service.providers.runpod import RunPodProvider
from service.questions import RequestSpec, provider_json_schema, validate_items
from service.runtime import NO_PROVIDER, check_providers, providers_for, worker_runtime
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

from .helpers import FAKE_GEMINI_KEY, insert_request, running_worker, wait_terminal

MATHS = RequestSpec(subject="Mathematics", topic="Quadratic equations", exam="JEE Main")


def quiet(**kw: Any) -> Settings:
    """Settings with no provider configured unless given (the test environment sets none)."""
    base: dict[str, Any] = {"runpod_timeout_s": 10.0, "gemini_timeout_s": 10.0, "backoff_base_s": 0.01}
    return Settings(**{**base, **kw})


def one_call(p: Any, n: int = 2, spec: RequestSpec = MATHS) -> Any:
    return prompts.build_call(
        spec, n, plan=[], avoid=[], seed=3, temperature=0.2, max_tokens=1500, schema=provider_json_schema("mcq")
    )


def valid_count(text: str, finish: str | None) -> int:
    return len(validate_items(parse_items(text, finish)[0], "mcq")[0])


# --- 1. simulation is a mode someone chose; Vertex AI is a real provider ---------------------------------


async def test_no_provider_and_no_simulate_refuses_to_start() -> None:
    with pytest.raises(ConfigError) as e:
        async with providers_for(quiet()):
            pass
    assert str(e.value) == NO_PROVIDER and "--simulate" in str(e.value)


def test_cli_worker_without_provider_prints_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    for var in ("RUNPOD_BASE_URL", "GEMINI_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "QGEN_SIMULATE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")  # never reached
    monkeypatch.chdir(tmp_path)
    # in-process: keep the CLI from installing its log handler on this test's captured stderr
    monkeypatch.setattr(cli.logs, "configure", lambda *a, **k: None)
    assert cli.main(["worker", "--drain"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"qgen: {NO_PROVIDER}"]


async def test_simulate_mode_is_explicit_and_names_rows_as_simulators() -> None:
    async with providers_for(quiet(simulate=True)) as providers:
        assert {k: p.name for k, p in providers.items()} == {"runpod": "runpod-simulator", "gemini": "gemini-simulator"}
        reply = await providers["runpod"].generate(one_call(providers["runpod"]))
        assert valid_count(reply.text, reply.finish_reason) == 2


async def test_vertex_project_mode_never_starts_simulators_and_fails_start_with_a_clear_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The old worker took Vertex settings for 'nothing configured', started the simulators and sent its
    Vertex client to them. Now Vertex is a provider; without Google credentials the start stops, naming them."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("HOME", "/nonexistent")  # no gcloud application-default credentials either
    s = quiet(gemini_use_vertexai=True, google_cloud_project="exam-prep", google_cloud_location="asia-south1")
    async with providers_for(s) as providers:
        assert list(providers) == ["gemini"] and providers["gemini"].name == "gemini"
        assert isinstance(providers["gemini"], GeminiProvider) and providers["gemini"].vertex
        with pytest.raises(ConfigError) as e:
            await check_providers(providers)
    assert str(e.value).startswith("gemini: ") and "credentials" in str(e.value).lower()


async def test_vertex_express_mode_generates_through_the_vertex_path(
    db_dsn: str, settings: Settings, embedder: Embedder
) -> None:
    async with SimulatorServer("gemini", knobs=Knobs(expected_api_key="vx-key")) as gm:
        s = settings.model_copy(
            update={"gemini_use_vertexai": True, "gemini_api_key": "vx-key", "gemini_base_url": gm.base_url}
        )
        async with running_worker(s, db_dsn, embedder) as worker:
            import asyncpg

            conn = await asyncpg.connect(db_dsn)
            try:
                row = await insert_request(conn, subject="Chemistry", topic="Mole concept", count=3)
                done = await wait_terminal(conn, row["id"])
                providers = await conn.fetch("select distinct provider from questions where request_id = $1", row["id"])
            finally:
                await conn.close()
            assert worker.generator.providers["gemini"].name == "gemini"
    assert done["status"] == "succeeded" and done["produced"] == 3
    assert [r["provider"] for r in providers] == ["gemini"]
    assert any(p.startswith("/v1beta1/publishers/google/models/gemini-3.5-flash:generateContent") for p in gm.stats.paths)


# --- 2. the Gemini model: current by default, checked at start -------------------------------------------


async def test_default_gemini_model_is_served_and_a_retired_one_stops_the_start() -> None:
    assert Settings().gemini_model not in Knobs().retired_models
    async with SimulatorServer("gemini") as gm:
        good = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        old = GeminiProvider(quiet(gemini_api_key="k", gemini_model="gemini-2.5-flash"), base_url=gm.base_url)
        try:
            ok = await good.check()
            with pytest.raises(ConfigError) as e:
                await check_providers({"gemini": old})
        finally:
            await good.aclose()
            await old.aclose()
    assert ok.ok and "gemini-3.5-flash available" in ok.detail
    msg = str(e.value)
    assert msg.startswith("gemini: GEMINI_MODEL 'gemini-2.5-flash' does not exist or was retired")
    assert "Flash models this key can use: " in msg and "gemini-3.5-flash" in msg and "gemini-2.5" not in msg.split("use:")[1]
    assert len(msg.splitlines()) == 1


# --- 3. RunPod /run: job id learned at once, polled, cancelled ------------------------------------------


async def test_run_answers_the_id_then_polls_a_slow_job_to_completion() -> None:
    async with SimulatorServer("runpod", knobs=Knobs(latency_s=2.5)) as sim:
        p = RunPodProvider(quiet(runpod_api="native", runpod_timeout_s=30), base_url=sim.base_url, poll_interval_s=0.1)
        try:
            reply = await p.generate(one_call(p))
        finally:
            await p.aclose()
        jobs = list(sim.serverless.jobs.values())
        paths = list(sim.stats.paths)
    assert valid_count(reply.text, reply.finish_reason) == 2
    assert paths == ["/v2/sim-endpoint/run"], "one job submitted"
    assert [j.status for j in jobs] == ["COMPLETED"]


async def test_run_past_the_deadline_cancels_the_job_and_never_submits_twice() -> None:
    async with SimulatorServer("runpod", knobs=Knobs(latency_s=20.0)) as sim:
        p = RunPodProvider(quiet(runpod_api="native", runpod_timeout_s=1.5), base_url=sim.base_url, poll_interval_s=0.1)
        try:
            with pytest.raises(ProviderError) as e:
                await p.generate(one_call(p))
        finally:
            await p.aclose()
        jobs = list(sim.serverless.jobs.values())
    assert e.value.kind == "timeout" and "still IN_PROGRESS" in str(e.value)
    assert [j.status for j in jobs] == ["CANCELLED"], "the one job was cancelled, not left running"


# --- 5. Gemini replies with no text keep their cause ------------------------------------------------------


@pytest.mark.parametrize(
    ("knobs", "kind", "words"),
    [
        ({"empty_next": ["SAFETY"]}, "blocked", "finish SAFETY"),
        ({"empty_next": ["PROHIBITED_CONTENT"]}, "blocked", "finish PROHIBITED_CONTENT"),
        ({"empty_next": ["RECITATION"]}, "recitation", "finish RECITATION"),
        ({"thinking_tokens": 5000}, "out_of_tokens", "thinking spent 1500 of 1500"),
        ({"block_prompt": "PROHIBITED_CONTENT"}, "blocked", "prompt blocked (PROHIBITED_CONTENT)"),
    ],
)
async def test_gemini_empty_replies_carry_their_cause(knobs: dict[str, Any], kind: str, words: str) -> None:
    async with SimulatorServer("gemini", knobs=Knobs(**knobs)) as gm:
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        try:
            with pytest.raises(ProviderError) as e:
                await p.generate(one_call(p))
        finally:
            await p.aclose()
    assert e.value.kind == kind and words in str(e.value)


async def test_generation_gives_thinking_room_and_does_not_retry_a_refusal() -> None:
    # thinking past the medium level's headroom (16k): the first budget runs out, the retry doubles it
    async with SimulatorServer("gemini", knobs=Knobs(thinking_tokens=20_000)) as gm:
        p = GeminiProvider(quiet(gemini_api_key="k"), base_url=gm.base_url)
        g = Generator(quiet(), {"gemini": p})
        try:
            r = await g.generate(RequestSpec(subject="Chemistry", topic="Mole concept"), 3, plan=[], avoid=[], seed=1)
            budgets = [req["generationConfig"]["maxOutputTokens"] for req in gm.stats.requests]
            gm.knobs.update({"thinking_tokens": 0, "empty_next": ["SAFETY"] * 5})
            calls_before = gm.stats.calls
            with pytest.raises(JobRetry) as e:
                await g.generate(RequestSpec(subject="Chemistry", topic="Mole concept"), 3, plan=[], avoid=[], seed=2)
            refused_calls = gm.stats.calls - calls_before
        finally:
            await p.aclose()
    assert len(r.items) == 3 and len(budgets) == 2 and budgets[1] == 2 * budgets[0]
    assert any("out_of_tokens" in n for n in r.notes)
    assert refused_calls == 1 and "gemini blocked" in str(e.value)


# --- 6. stop token ids are what stops Aryabhata ----------------------------------------------------------


@pytest.mark.parametrize("api", ["openai", "native"])
async def test_end_of_turn_token_ids_are_sent_on_both_routes(api: str) -> None:
    kind = "vllm" if api == "openai" else "runpod"
    async with SimulatorServer(kind) as sim:
        p = RunPodProvider(quiet(runpod_api=api), base_url=sim.base_url)
        try:
            await p.generate(one_call(p))
        finally:
            await p.aclose()
        body = sim.stats.requests[-1]
    fields = body["input"]["sampling_params"] if api == "native" else body
    assert fields["stop_token_ids"] == [151645, 151643]  # <|im_end|>, <|endoftext|> in Qwen2.5's vocabulary


# --- 7. the context window comes from the server ----------------------------------------------------------


async def test_max_model_len_from_v1_models_sizes_the_calls(settings: Settings, embedder: Embedder) -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(context_tokens=2048)) as rp,
        SimulatorServer("gemini") as gm,
    ):
        s = settings.model_copy(update={"runpod_base_url": rp.base_url, "gemini_base_url": gm.base_url,
                                        "gemini_api_key": FAKE_GEMINI_KEY})
        async with worker_runtime(s, embedder=embedder) as worker:
            assert worker.generator.providers["runpod"].profile.context_tokens == 2048
            r = await worker.generator.generate(MATHS, 8, plan=[], avoid=[], seed=5)
    assert len(r.items) == 8 and {it.provider for it in r.items} == {"runpod"}
    assert 400 not in rp.stats.status_counts, "no call was sized for the assumed 4096 window"
    assert all(b["max_tokens"] < 2048 for b in rp.stats.requests)


# --- 8. the prompt shows the schema's fields in the schema's order ----------------------------------------


@pytest.mark.parametrize("qtype", ["mcq", "numeric"])
def test_prompt_lists_the_schema_fields_in_schema_order_without_an_example(qtype: str) -> None:
    item = provider_json_schema(qtype)
    props = next(iter(item["$defs"].values()))["properties"] if "$defs" in item else item["properties"]
    system = prompts.system_prompt(qtype)
    positions = [system.index(f"- {name} (") for name in props]
    assert positions == sorted(positions) and len(positions) == len(props)
    key = "correct_option_index" if qtype == "mcq" else "answer"
    assert system.index("- solution (") < system.index(f"- {key} (")
    user = prompts.user_prompt(RequestSpec("Mathematics", "Limits", difficulty="hard", question_type=qtype), 2, [], [], 1)
    assert "Example" not in user and "Vieta" not in system + user


# --- 9. guided_json is refused, not silently ignored -----------------------------------------------------


def test_guided_json_mode_is_refused_with_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValidationError, match=r"guided_json was removed in vLLM 0\.12"):
        Settings(runpod_json_mode="guided_json")
    monkeypatch.setenv("RUNPOD_JSON_MODE", "guided_json")
    monkeypatch.setattr(cli.logs, "configure", lambda *a, **k: None)
    assert cli.main(["schema"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "guided_json was removed in vLLM 0.12" in err[0]


# --- 10. worker-vllm's output in both shapes ---------------------------------------------------------------


@pytest.mark.parametrize("image", ["current", "legacy"])
async def test_native_route_reads_both_worker_images(image: str) -> None:
    async with SimulatorServer("runpod", knobs=Knobs(worker_image=image)) as sim:
        p = RunPodProvider(quiet(runpod_api="native"), base_url=sim.base_url)
        try:
            reply = await p.generate(one_call(p, 3))
            sim.knobs.context_tokens = 1024  # a handler error: FAILED with the repr of the error dict
            with pytest.raises(ProviderError) as e:
                await p.generate(one_call(p, 3))
        finally:
            await p.aclose()
    assert valid_count(reply.text, reply.finish_reason) == 3
    assert reply.prompt_tokens and reply.completion_tokens
    assert e.value.kind == "context_length"


async def test_pod_check_reads_max_model_len_and_names_a_model_not_served() -> None:
    async with SimulatorServer("vllm", knobs=Knobs(context_tokens=3000)) as sim:
        p = RunPodProvider(quiet(), base_url=sim.base_url)
        other = RunPodProvider(quiet(runpod_model="Qwen/Qwen2.5-Math-7B-Instruct"), base_url=sim.base_url)
        try:
            served, missing = await p.check(), await other.check()
        finally:
            await p.aclose()
            await other.aclose()
    assert served.ok and served.context_tokens == 3000 and "max_model_len 3000" in served.detail
    assert missing.fatal and "RUNPOD_MODEL 'Qwen/Qwen2.5-Math-7B-Instruct' is not served" in missing.detail
