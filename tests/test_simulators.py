"""The simulators driven by the real clients: httpx for vLLM/RunPod, google-genai for Gemini."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import random
import re
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from service.prompts import build_call, parse_request_block
from service.questions import MCQBatch, RequestSpec, normalise_text, provider_json_schema, validate_items
from simulators import Knobs, SimulatorServer, run_forever
from simulators.cli import add_simulate_arguments, knobs_from_args
from simulators.content import ContentSource, fmt, question_item, reword
from simulators.server import env_lines

MODEL = "PhysicsWallahAI/Aryabhata-1.0"
STOP = ["<|im_start|>", "<|im_end|>"]


def make_call(
    n: int = 4,
    qtype: str = "mcq",
    *,
    seed: int = 11,
    avoid: list[str] | None = None,
    max_tokens: int = 3000,
    subject: str = "Physics",
    topic: str = "Kinematics",
) -> Any:
    spec = RequestSpec(subject=subject, topic=topic, question_type=qtype, exam="JEE Main")
    plan = [f"idea {i} of {topic}" for i in range(n)]
    return build_call(
        spec,
        n,
        plan=plan,
        avoid=avoid or [],
        seed=seed,
        temperature=0.7,
        max_tokens=max_tokens,
        schema=provider_json_schema(qtype),
    )


def chat_body(
    call: Any, *, schema: bool = True, max_tokens: int | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [{"role": "system", "content": call.system}, {"role": "user", "content": call.prompt}],
        "temperature": call.temperature,
        "seed": call.seed,
        "stop": STOP,
        "max_tokens": max_tokens or call.max_tokens,
    }
    if schema:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "batch", "schema": call.schema},
        }
    body.update(extra)
    return body


def native_body(
    call: Any, *, schema: bool = True, max_tokens: int | None = 3000, **sp: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"temperature": call.temperature, "seed": call.seed, "stop": STOP, **sp}
    if max_tokens is not None:
        params["max_tokens"] = max_tokens
    if schema:
        params["structured_outputs"] = {"json": call.schema}
    return {
        "input": {
            "messages": [
                {"role": "system", "content": call.system},
                {"role": "user", "content": call.prompt},
            ],
            "sampling_params": params,
        }
    }


def questions_of(text: str) -> list[Any]:
    return list(json.loads(text)["questions"])


# --- vLLM ----------------------------------------------------------------------------------------------


async def test_vllm_schema_answer_is_valid_json_with_requested_count() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        call = make_call(5)
        r = await c.post("/chat/completions", json=chat_body(call))
        assert r.status_code == 200
        data = r.json()
        assert data["object"] == "chat.completion" and data["model"] == MODEL
        choice = data["choices"][0]
        assert choice["finish_reason"] == "stop"
        valid, problems = validate_items(questions_of(choice["message"]["content"]), "mcq")
        assert len(valid) == 5 and problems == []
        usage = data["usage"]
        assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
        sent = sim.stats.requests[-1]
        assert sent["response_format"]["json_schema"]["schema"] == call.schema and sent["stop"] == STOP
        assert sim.stats.items_returned == 5 and sim.stats.status_counts == {200: 1}
        models = (await c.get("/models")).json()
        assert models["data"][0]["id"] == MODEL and models["data"][0]["max_model_len"] == 4096
        assert (await c.get(f"{sim.origin}/health")).status_code == 200


async def test_vllm_numeric_items_and_structured_outputs_field() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        call = make_call(3, "numeric")
        body = chat_body(call, schema=False, structured_outputs={"json": call.schema})
        r = await c.post("/chat/completions", json=body)
        valid, problems = validate_items(
            questions_of(r.json()["choices"][0]["message"]["content"]), "numeric"
        )
        assert len(valid) == 3 and not problems


async def test_vllm_small_max_tokens_truncates_with_length() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        r = await c.post("/chat/completions", json=chat_body(make_call(6), max_tokens=150))
        choice = r.json()["choices"][0]
        assert choice["finish_reason"] == "length"
        assert r.json()["usage"]["completion_tokens"] <= 150
        with pytest.raises(json.JSONDecodeError):
            json.loads(choice["message"]["content"])


async def test_vllm_truncate_knob_cuts_mid_item() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(truncate=True)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        choice = (await c.post("/chat/completions", json=chat_body(make_call(4)))).json()["choices"][0]
        assert choice["finish_reason"] == "length"
        assert choice["message"]["content"].startswith('{"questions": [')
        with pytest.raises(json.JSONDecodeError):
            json.loads(choice["message"]["content"])


async def test_vllm_capacity_overflow_gives_500_and_records_concurrency() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(capacity=2, latency_s=0.3)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        body = chat_body(make_call(2))
        rs = await asyncio.gather(*(c.post("/chat/completions", json=body) for _ in range(6)))
        codes = sorted(r.status_code for r in rs)
        assert codes.count(200) >= 2 and 500 in codes
        err = next(r for r in rs if r.status_code == 500).json()
        assert err["object"] == "error" and err["code"] == 500
        assert sim.stats.max_in_flight >= 3
        assert sim.stats.status_counts[500] == codes.count(500)
        assert sim.stats.in_flight == 0


async def test_vllm_rate_limit_every_second_call_has_retry_after() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(rate_limit_every=2, retry_after_s=2)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        body = chat_body(make_call(1))
        first, second = [await c.post("/chat/completions", json=body) for _ in range(2)]
        assert first.status_code == 200 and second.status_code == 429
        assert second.headers["Retry-After"] == "2"


async def test_vllm_context_limit_gives_400_with_real_message() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(context_tokens=1024)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        r = await c.post("/chat/completions", json=chat_body(make_call(3), max_tokens=2048))
        assert r.status_code == 400
        err = r.json()
        assert err["type"] == "BadRequestError" and err["code"] == 400
        assert re.search(
            r"This model's maximum context length is 1024 tokens\. However, you requested 2048 "
            r"output tokens and your prompt contains at least \d+ input tokens",
            err["message"],
        )


async def test_vllm_chat_text_without_schema_and_pure_json_with_knob_off() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        body = chat_body(make_call(2), schema=False)
        text = (await c.post("/chat/completions", json=body)).json()["choices"][0]["message"]["content"]
        assert not text.lstrip().startswith("{")
        m = re.search(r"```json\n(.*)\n```", text, re.DOTALL)
        assert m is not None and len(questions_of(m.group(1))) == 2
        sim.knobs.chat_text_without_schema = False
        text = (await c.post("/chat/completions", json=body)).json()["choices"][0]["message"]["content"]
        assert len(questions_of(text)) == 2


async def test_vllm_guided_json_is_ignored_unless_knob() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        call = make_call(2)
        body = chat_body(call, schema=False, guided_json=call.schema)
        text = (await c.post("/chat/completions", json=body)).json()["choices"][0]["message"]["content"]
        assert text.startswith("Sure!")
        sim.knobs.accept_guided_json = True
        text = (await c.post("/chat/completions", json=body)).json()["choices"][0]["message"]["content"]
        assert len(questions_of(text)) == 2


async def test_vllm_unknown_model_auth_loading_and_fail_next() -> None:
    # auth is checked first, and a refused call still counts towards model_loading_calls
    knobs = Knobs(expected_api_key="sekret", model_loading_calls=2, fail_next=[524, 500])
    async with SimulatorServer("vllm", knobs=knobs) as sim, httpx.AsyncClient(base_url=sim.base_url) as c:
        body = chat_body(make_call(1))
        assert (await c.post("/chat/completions", json=body)).status_code == 401
        auth = {"Authorization": "Bearer sekret"}
        statuses = [
            (await c.post("/chat/completions", json=body, headers=auth)).status_code for _ in range(3)
        ]
        assert statuses == [502, 524, 500]
        assert (await c.post("/chat/completions", json=body, headers=auth)).status_code == 200
        r = await c.post("/chat/completions", json={**body, "model": "gpt-4"}, headers=auth)
        assert r.status_code == 404
        assert r.json() == {
            "object": "error",
            "message": "The model `gpt-4` does not exist.",
            "type": "NotFoundError",
            "param": None,
            "code": 404,
        }


async def test_vllm_special_token_stop_strings_never_match_stop_token_ids_do() -> None:
    """vLLM detokenises with skip_special_tokens=true by default, so '<|im_end|>' as a stop string never
    sees the token; only stop_token_ids (or skip_special_tokens=false) stop a model that will not stop."""
    async with (
        SimulatorServer("vllm", knobs=Knobs(ramble_without_stop=True, chat_text_without_schema=False)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        body = chat_body(make_call(2), schema=False)  # stop strings sent, no grammar to end the JSON
        choice = (await c.post("/chat/completions", json=body)).json()["choices"][0]
        assert choice["finish_reason"] == "length", "special-token stop strings must not match"
        text = choice["message"]["content"]
        assert "<|im_start|>" not in text and "\nuser\nNow write more questions" in text

        by_id = (await c.post("/chat/completions", json={**body, "stop_token_ids": [151645]})).json()["choices"][0]
        assert by_id["finish_reason"] == "stop" and questions_of(by_id["message"]["content"])

        kept = {**body, "skip_special_tokens": False}
        by_text = (await c.post("/chat/completions", json=kept)).json()["choices"][0]
        assert by_text["finish_reason"] == "stop" and questions_of(by_text["message"]["content"])

        # a grammar ends the output when the JSON closes
        constrained = (await c.post("/chat/completions", json=chat_body(make_call(2)))).json()["choices"][0]
        assert constrained["finish_reason"] == "stop"


async def test_vllm_hang_times_out_the_client_and_releases() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(hang=True)) as sim,
        httpx.AsyncClient(base_url=sim.base_url, timeout=0.3) as c,
    ):
        with pytest.raises(httpx.ReadTimeout):
            await c.post("/chat/completions", json=chat_body(make_call(1)))
        sim.knobs.hang = False
        assert (await c.post("/chat/completions", json=chat_body(make_call(1)))).status_code == 200


async def test_vllm_invalid_json_and_bad_items() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(invalid_json_rate=1.0)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        text = (await c.post("/chat/completions", json=chat_body(make_call(3)))).json()["choices"][0]
        with pytest.raises(json.JSONDecodeError):
            json.loads(text["message"]["content"])
        sim.knobs.invalid_json_rate, sim.knobs.bad_item_rate = 0.0, 1.0
        r = await c.post("/chat/completions", json=chat_body(make_call(3)))
        valid, problems = validate_items(questions_of(r.json()["choices"][0]["message"]["content"]), "mcq")
        assert valid == [] and len(problems) == 3
        assert sim.stats.bad_items_returned == 3


async def test_duplicate_heavy_mode_returns_near_copies() -> None:
    async with (
        SimulatorServer("vllm", knobs=Knobs(duplicate_rate=0.8, seed=3)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        avoid = ["A cart of mass 2 kg moves at 3 m/s on a level track. Find its kinetic energy."]
        r = await c.post("/chat/completions", json=chat_body(make_call(8, avoid=avoid, max_tokens=3400)))
        items = questions_of(r.json()["choices"][0]["message"]["content"])
        valid, problems = validate_items(items, "mcq")
        assert len(valid) == 8 and not problems  # copies are still valid questions
        assert sim.stats.duplicates_returned >= 3
        texts = [normalise_text(i["question_text"]) for i in items]
        near = sum(
            1
            for i, t in enumerate(texts)
            if any(
                difflib.SequenceMatcher(None, t, u).ratio() > 0.9
                for u in [*texts[:i], normalise_text(avoid[0])]
            )
        )
        assert near >= 3
        # a second call repeats items served earlier, as the old system did across batches
        r2 = await c.post("/chat/completions", json=chat_body(make_call(8, seed=99, max_tokens=3400)))
        second = [
            normalise_text(i["question_text"])
            for i in questions_of(r2.json()["choices"][0]["message"]["content"])
        ]
        assert any(difflib.SequenceMatcher(None, t, u).ratio() > 0.9 for t in second for u in texts)


# --- RunPod serverless ---------------------------------------------------------------------------------


async def test_runpod_runsync_output_shapes_of_both_worker_images() -> None:
    """worker-vllm's current handler answers with chat completions; older images with token batches."""
    async with (
        SimulatorServer("runpod", knobs=Knobs(expected_api_key="rp-key")) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers={"Authorization": "rp-key"}) as c,
    ):
        assert sim.base_url.endswith("/v2/sim-endpoint")
        r = await c.post("/runsync", json=native_body(make_call(4)))
        assert r.status_code == 200
        job = r.json()
        assert job["status"] == "COMPLETED" and {"id", "delayTime", "executionTime", "output"} <= set(job)
        out = job["output"][0]
        assert out["object"] == "chat.completion" and out["choices"][0]["finish_reason"] == "stop"
        valid, problems = validate_items(questions_of(out["choices"][0]["message"]["content"]), "mcq")
        assert len(valid) == 4 and not problems
        assert out["usage"]["prompt_tokens"] > 0 and out["usage"]["completion_tokens"] > 0
        assert sim.stats.requests[-1]["input"]["sampling_params"]["structured_outputs"]["json"]

        sim.knobs.worker_image = "legacy"
        legacy = (await c.post("/runsync", json=native_body(make_call(4)))).json()["output"][0]
        valid, problems = validate_items(questions_of(legacy["choices"][0]["tokens"][0]), "mcq")
        assert len(valid) == 4 and not problems
        assert legacy["usage"]["input"] > 0 and legacy["usage"]["output"] > 0

        bad = await c.post("/runsync", json=native_body(make_call(1)), headers={"Authorization": "wrong"})
        assert bad.status_code == 401


async def test_runpod_max_tokens_defaults_of_both_worker_images() -> None:
    """The legacy handler defaulted max_tokens to 100 (a cut reply); the current one leaves it to vLLM."""
    async with SimulatorServer("runpod", knobs=Knobs(worker_image="legacy")) as sim, httpx.AsyncClient(
        base_url=sim.base_url
    ) as c:
        job = (await c.post("/runsync", json=native_body(make_call(3), max_tokens=None))).json()
        text = job["output"][0]["choices"][0]["tokens"][0]
        assert job["output"][0]["usage"]["output"] <= 100
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
        sim.knobs.worker_image = "current"
        job = (await c.post("/runsync", json=native_body(make_call(3), max_tokens=None))).json()
        assert len(questions_of(job["output"][0]["choices"][0]["message"]["content"])) == 3


async def test_runpod_run_then_poll_status_and_runsync_in_progress() -> None:
    async with (
        SimulatorServer("runpod", knobs=Knobs(latency_s=0.3, runsync_wait_s=0.05)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        queued = (await c.post("/run", json=native_body(make_call(2)))).json()
        assert queued["status"] == "IN_QUEUE"
        pending = (await c.post("/runsync", json=native_body(make_call(2)))).json()
        assert pending["status"] in ("IN_QUEUE", "IN_PROGRESS") and "output" not in pending
        for job_id in (queued["id"], pending["id"]):
            for _ in range(100):
                st = (await c.get(f"/status/{job_id}")).json()
                if st["status"] not in ("IN_QUEUE", "IN_PROGRESS"):
                    break
                await asyncio.sleep(0.05)
            assert st["status"] == "COMPLETED"
            assert len(questions_of(st["output"][0]["choices"][0]["message"]["content"])) == 2
        assert (await c.get("/status/no-such-job")).status_code == 404
        assert sim.stats.max_in_flight == 2 and sim.stats.in_flight == 0
        # a finished job's result is kept for result_ttl_s only
        sim.knobs.result_ttl_s = 0.0
        await asyncio.sleep(0.01)
        assert (await c.get(f"/status/{pending['id']}")).status_code == 404


async def test_runpod_runsync_wait_parameter_and_cancel() -> None:
    """``?wait=`` (ms, clamped to 1 000-300 000) bounds how long /runsync holds the request."""
    async with (
        SimulatorServer("runpod", knobs=Knobs(latency_s=5.0)) as sim,
        httpx.AsyncClient(base_url=sim.base_url, timeout=30) as c,
    ):
        pending = (await c.post("/runsync", params={"wait": 1}, json=native_body(make_call(1)))).json()
        assert pending["status"] == "IN_PROGRESS" and pending["id"] and "output" not in pending
        cancelled = (await c.post(f"/cancel/{pending['id']}")).json()
        assert cancelled == {"id": pending["id"], "status": "CANCELLED"}
        assert (await c.get(f"/status/{pending['id']}")).json()["status"] == "CANCELLED"
        sim.knobs.latency_s = 0.0
        done = (await c.post("/runsync", params={"wait": 5000}, json=native_body(make_call(1)))).json()
        assert done["status"] == "COMPLETED"
        assert (await c.post("/runsync", params={"wait": "soon"}, json=native_body(make_call(1)))).status_code == 400


async def test_runpod_handler_errors_guided_json_and_rate_limit() -> None:
    """Handler errors end FAILED with the repr of the yielded error (runpod-python rp_job)."""
    async with (
        SimulatorServer("runpod", knobs=Knobs(context_tokens=2048)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as c,
    ):
        job = (await c.post("/runsync", json=native_body(make_call(2), max_tokens=3000))).json()
        assert job["status"] == "FAILED" and "vLLM returned HTTP 400" in job["error"]
        assert "maximum context length" in job["error"]
        call = make_call(2)
        body = native_body(call, schema=False, max_tokens=900, guided_json=call.schema)
        job = (await c.post("/runsync", json=body)).json()  # current image: ignored, unconstrained
        assert job["status"] == "COMPLETED" and job["output"][0]["choices"][0]["message"]["content"].startswith("Sure!")
        sim.knobs.worker_image = "legacy"
        job = (await c.post("/runsync", json=body)).json()
        assert job["status"] == "FAILED" and "unexpected keyword argument 'guided_json'" in job["error"]
        sim.knobs.worker_image = "current"
        sim.knobs.output_error_rate = 1.0
        job = (await c.post("/runsync", json=native_body(call, max_tokens=900))).json()
        assert (job["status"] == "FAILED" and job["error"]) or "error" in job["output"]
        sim.knobs.update({"output_error_rate": 0.0, "fail_next": [429]})
        r = await c.post("/run", json=native_body(call, max_tokens=900))
        assert r.status_code == 429 and float(r.headers["Retry-After"]) > 0


async def test_runpod_openai_route() -> None:
    async with SimulatorServer("runpod") as sim, httpx.AsyncClient(base_url=f"{sim.base_url}/openai/v1") as c:
        r = await c.post("/chat/completions", json=chat_body(make_call(3)))
        assert r.status_code == 200 and len(questions_of(r.json()["choices"][0]["message"]["content"])) == 3
        assert (await c.get("/models")).json()["data"][0]["id"] == MODEL


# --- Gemini --------------------------------------------------------------------------------------------


def gemini_config(call: Any, **kw: Any) -> types.GenerateContentConfig:
    base: dict[str, Any] = {
        "system_instruction": call.system,
        "temperature": call.temperature,
        "seed": call.seed,
        "response_mime_type": "application/json",
        # what Gemini can serve: the bound-free schema (a bounded one is refused: test_contact2_gemini.py)
        "response_json_schema": provider_json_schema("mcq"),
        "max_output_tokens": 8192,
    }
    base.update(kw)
    return types.GenerateContentConfig(**base)


async def test_gemini_sdk_end_to_end() -> None:
    async with SimulatorServer("gemini", knobs=Knobs(expected_api_key="g-key")) as sim:
        client = genai.Client(api_key="g-key", http_options=types.HttpOptions(base_url=sim.base_url))
        call = make_call(4, subject="Chemistry", topic="Mole concept")
        resp = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call)
        )
        assert len(MCQBatch.model_validate_json(resp.text or "").questions) == 4
        valid, problems = validate_items(questions_of(resp.text or ""), "mcq")
        assert len(valid) == 4 and not problems
        assert resp.candidates and resp.candidates[0].finish_reason == types.FinishReason.STOP
        assert resp.usage_metadata and resp.usage_metadata.prompt_token_count
        sent = sim.stats.requests[-1]
        assert "responseJsonSchema" in sent["generationConfig"] and sent["generationConfig"]["seed"] == call.seed
        assert parse_request_block(sent["contents"][0]["parts"][0]["text"])["count"] == 4

        bad = genai.Client(api_key="nope", http_options=types.HttpOptions(base_url=sim.base_url))
        with pytest.raises(genai_errors.ClientError) as e:
            await bad.aio.models.generate_content(
                model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call)
            )
        assert e.value.code == 400 and e.value.status == "INVALID_ARGUMENT"


async def test_gemini_errors_retired_model_rate_limit_server_error() -> None:
    async with SimulatorServer("gemini") as sim:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sim.base_url))
        call = make_call(1)
        for retired in ("gemini-1.5-flash", "gemini-2.5-flash"):
            with pytest.raises(genai_errors.ClientError) as e:
                await client.aio.models.generate_content(
                    model=retired, contents=call.prompt, config=gemini_config(call)
                )
            assert e.value.code == 404 and e.value.status == "NOT_FOUND"
            with pytest.raises(genai_errors.ClientError) as e:
                await client.aio.models.get(model=retired)
            assert e.value.code == 404
        got = await client.aio.models.get(model="gemini-3.5-flash")
        assert got.name == "models/gemini-3.5-flash" and got.input_token_limit and got.output_token_limit
        listed = [m.name async for m in await client.aio.models.list()]
        assert "models/gemini-3.5-flash" in listed and "models/gemini-2.5-flash" not in listed
        sim.knobs.fail_next = [429, 503, 500]
        with pytest.raises(genai_errors.ClientError) as e:
            await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt)
        assert e.value.code == 429 and e.value.status == "RESOURCE_EXHAUSTED"
        for code in (503, 500):
            with pytest.raises(genai_errors.ServerError) as se:
                await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt)
            assert se.value.code == code


async def test_gemini_max_tokens_and_chat_text_without_schema() -> None:
    async with SimulatorServer("gemini") as sim:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sim.base_url))
        call = make_call(5)
        resp = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call, max_output_tokens=100)
        )
        assert resp.candidates and resp.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
        assert resp.parsed is None
        plain = types.GenerateContentConfig(system_instruction=call.system)
        resp = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents=call.prompt, config=plain
        )
        assert (resp.text or "").startswith("Sure!") and "```json" in (resp.text or "")


async def test_gemini_empty_candidates_safety_recitation_thinking_and_blocked_prompt() -> None:
    """Replies with no text, as Gemini sends them: a finish reason, no parts; thinking spends the budget."""
    async with SimulatorServer("gemini") as sim:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=sim.base_url))
        call = make_call(2)
        sim.knobs.empty_next = ["SAFETY", "PROHIBITED_CONTENT", "RECITATION"]
        for reason in ("SAFETY", "PROHIBITED_CONTENT", "RECITATION"):
            resp = await client.aio.models.generate_content(
                model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call)
            )
            assert resp.candidates and resp.candidates[0].finish_reason == types.FinishReason(reason)
            assert resp.text is None
        sim.knobs.thinking_tokens = 500
        resp = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call, max_output_tokens=400)
        )
        assert resp.candidates and resp.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
        assert resp.text is None and resp.usage_metadata and resp.usage_metadata.thoughts_token_count == 400
        resp = await client.aio.models.generate_content(
            model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call, max_output_tokens=8192)
        )
        assert resp.usage_metadata and resp.usage_metadata.thoughts_token_count == 500
        assert len(questions_of(resp.text or "")) == 2
        sim.knobs.update({"thinking_tokens": 0, "block_prompt": "PROHIBITED_CONTENT"})
        resp = await client.aio.models.generate_content(model="gemini-3.5-flash", contents=call.prompt)
        assert not resp.candidates and resp.prompt_feedback
        assert resp.prompt_feedback.block_reason == types.BlockedReason.PROHIBITED_CONTENT


async def test_gemini_vertex_paths_express_and_project() -> None:
    """google-genai with vertexai=True: express mode (key) and project mode (OAuth token) reach the sim."""
    from google.oauth2.credentials import Credentials

    async with SimulatorServer("gemini", knobs=Knobs(expected_api_key="vx-key")) as sim:
        opts = types.HttpOptions(base_url=sim.base_url)
        express = genai.Client(vertexai=True, api_key="vx-key", http_options=opts)
        project = genai.Client(
            vertexai=True, project="proj", location="us-central1", credentials=Credentials(token="t"), http_options=opts
        )
        call = make_call(2)
        for client in (express, project):
            resp = await client.aio.models.generate_content(
                model="gemini-3.5-flash", contents=call.prompt, config=gemini_config(call)
            )
            assert len(questions_of(resp.text or "")) == 2
        # express mode serves generateContent and countTokens only; models.get is refused for an API key
        with pytest.raises(genai_errors.ClientError) as e:
            await express.aio.models.get(model="gemini-3.5-flash")
        assert e.value.code == 401 and "API keys are not supported by this API" in str(e.value)
        assert (await express.aio.models.count_tokens(model="gemini-3.5-flash", contents="ping")).total_tokens
        assert (await project.aio.models.get(model="gemini-3.5-flash")).name


# --- control endpoints, entry points, content ----------------------------------------------------------


async def test_control_endpoints_steer_a_running_server() -> None:
    async with SimulatorServer("vllm") as sim, httpx.AsyncClient(base_url=sim.origin) as c:
        r = await c.post("/_sim/knobs", json={"fail_next": [503], "latency_s": 0.01})
        assert r.status_code == 200 and r.json()["fail_next"] == [503]
        assert sim.knobs.latency_s == 0.01
        assert (await c.post("/_sim/knobs", json={"no_such_knob": 1})).status_code == 400
        assert (await c.post("/v1/chat/completions", json=chat_body(make_call(1)))).status_code == 503
        stats = (await c.get("/_sim/stats")).json()
        assert stats["calls"] == 1 and stats["status_counts"] == {"503": 1} and len(stats["requests"]) == 1
        assert (await c.get("/_sim/knobs")).json()["fail_next"] == []
        assert (await c.post("/_sim/reset")).json()["calls"] == 0
        assert sim.stats.calls == 0


async def test_run_forever_prints_env_lines_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(["vllm", "gemini"], knobs=Knobs(latency_s=0.0), stop=stop))
    for _ in range(100):
        out = capsys.readouterr().out
        if "GEMINI_BASE_URL" in out:
            break
        await asyncio.sleep(0.02)
    urls = dict(line.split("=", 1) for line in out.splitlines())
    assert urls["RUNPOD_BASE_URL"].endswith("/v1") and urls["GEMINI_BASE_URL"].startswith("http://127.0.0.1:")
    async with httpx.AsyncClient() as c:
        assert (await c.get(urls["RUNPOD_BASE_URL"] + "/models")).status_code == 200
    stop.set()
    await asyncio.wait_for(task, 5)
    only_serverless = env_lines([SimulatorServer("runpod", port=1234)])
    assert only_serverless == ["RUNPOD_BASE_URL=http://127.0.0.1:1234/v2/sim-endpoint", "RUNPOD_API=native"]


def test_cli_arguments_become_knobs() -> None:
    parser = argparse.ArgumentParser()
    add_simulate_arguments(parser)
    args = parser.parse_args(
        [
            "--vllm-port",
            "0",
            "--capacity",
            "3",
            "--error-rate",
            "0.2",
            "--duplicate-rate",
            "0.5",
            "--latency",
            "1.5",
            "--no-chat-text",
        ]
    )
    k = knobs_from_args(args)
    assert (k.capacity, k.error_rate, k.duplicate_rate, k.latency_s) == (3, 0.2, 0.5, 1.5)
    assert k.chat_text_without_schema is False and args.vllm_port == 0


def test_content_is_deterministic_and_consistent() -> None:
    block = parse_request_block(make_call(6, subject="Mathematics", topic="Algebra").prompt)
    assert block is not None
    assert question_item(block, 2) == question_item(block, 2)
    assert question_item(block, 2) != question_item({**block, "seed": 12}, 2)
    assert question_item(block, 2) != question_item(block, 3)
    for subject in ("Mathematics", "Physics", "Chemistry", "Biology"):
        for qtype in ("mcq", "numeric"):
            b = {**block, "subject": subject, "question_type": qtype}
            items = [question_item(b, i) for i in range(40)]
            valid, problems = validate_items(items, qtype)
            assert len(valid) == 40, problems
            for it in items:
                if qtype == "mcq":
                    # the solution ends at the marked option (answers are recomputed in test_simulator_content)
                    assert it["solution"].endswith(f"option {'ABCD'[it['correct_option_index']]}.")
                else:
                    assert fmt(it["answer"]) in it["solution"]


def test_reword_keeps_the_marked_answer() -> None:
    block = parse_request_block(make_call(3).prompt)
    assert block is not None
    item = question_item(block, 0)
    for s in range(20):
        copy = reword(item, random.Random(s))
        assert copy["options"][copy["correct_option_index"]] == item["options"][item["correct_option_index"]]
        assert (
            difflib.SequenceMatcher(
                None, normalise_text(copy["question_text"]), normalise_text(item["question_text"])
            ).ratio()
            > 0.9
        )
    src = ContentSource()
    res = src.batch(block, 3, bad_item_rate=1.0)
    assert res.bad == 3 and len(validate_items(res.items, "mcq")[1]) == 3 and not src.history
