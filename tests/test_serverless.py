"""RunPod serverless calls that always have a job id, through httpx against the RunPod simulator.

Each test counts what the simulated endpoint saw (jobs submitted, their routes and end states) instead
of timing anything: cold starts are long (minutes) and released by the test when the adapter has shown
what it does while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

import httpx
import pytest

from service import prompts
from service.errors import JobRetry, ProviderError
from service.generation import Generator
from service.parsing import parse_items
from service.providers.http import sent_unanswered
from service.providers.runpod import RunPodProvider
from service.providers.runpod_serverless import EndpointHealth, NoWorker, SubmissionUnknown, job_policy, parse_health
from service.questions import RequestSpec, provider_json_schema, validate_items
from service.settings import Settings
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

MATHS = RequestSpec(subject="Mathematics", topic="Quadratic equations", exam="JEE Main")
COLD = 600.0  # a cold start no test waits out: the test ends it with finish_cold_starts()


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = {
        "runpod_timeout_s": 10.0,
        "runpod_cold_start_wait_s": 60.0,
        "backoff_base_s": 0.01,
        "fallback_enabled": False,
        "call_attempts": 3,
    }
    return Settings(**{**base, **kw})


def one_call(n: int = 2) -> Any:
    return prompts.build_call(
        MATHS, n, plan=[], avoid=[], seed=3, temperature=0.2, max_tokens=1500, schema=provider_json_schema("mcq")
    )


def valid_count(text: str, finish: str | None) -> int:
    return len(validate_items(parse_items(text, finish)[0], "mcq")[0])


def routes(sim: SimulatorServer) -> Counter[str]:
    """Jobs the endpoint was sent (each billed), by the route they came by."""
    return Counter(route for (route, _), n in sim.serverless.ledger().items() for _ in range(n))


def recording_client(seen: list[tuple[str, Any]], on_answer: Any = None) -> httpx.AsyncClient:
    """A real httpx client that records each answer's path and JSON body (and may act on it)."""

    async def hook(resp: httpx.Response) -> None:
        await resp.aread()
        try:
            body = resp.json()
        except ValueError:
            body = None
        seen.append((resp.request.url.path, body))
        if on_answer is not None:
            on_answer(resp.request.url.path, body)

    return httpx.AsyncClient(timeout=httpx.Timeout(10.0), event_hooks={"response": [hook]})


# --- native route: /run, /status, /cancel ---------------------------------------------------------------


async def test_run_job_goes_in_queue_in_progress_completed_with_one_submission(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A cold endpoint: the job waits IN_QUEUE while a worker starts (logged), runs, completes; one job."""
    caplog.set_level(logging.INFO, logger="service.providers.runpod")
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD, hang=True)) as sim:
        statuses: list[str] = []

        def steer(path: str, body: Any) -> None:
            if "/status/" not in path or not isinstance(body, dict):
                return
            statuses.append(body["status"])
            if body["status"] == "IN_QUEUE" and statuses.count("IN_QUEUE") == 3:
                sim.serverless.finish_cold_starts()
            if body["status"] == "IN_PROGRESS" and statuses.count("IN_PROGRESS") == 3:
                sim.knobs.hang = False

        seen: list[tuple[str, Any]] = []
        client = recording_client(seen, steer)
        p = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url, client=client, poll_interval_s=0.02)
        try:
            reply = await p.generate(one_call())
        finally:
            await client.aclose()
        sent = sim.stats.requests[-1]
        ledger = sim.serverless.ledger()
    assert valid_count(reply.text, reply.finish_reason) == 2
    assert list(sim.stats.paths) == ["/v2/sim-endpoint/run"], "one job submitted, by /run"
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        "IN_QUEUE", "IN_PROGRESS", "COMPLETED"
    ]
    assert ledger == {("run", "COMPLETED"): 1}
    assert reply.extra["job_id"] == seen[0][1]["id"]
    waited = f"runpod: job {reply.extra['job_id']} waiting for a RunPod worker: 0 idle, 1 initializing, 1 job in queue"
    assert waited in [r.getMessage() for r in caplog.records]
    # RunPod ends the job itself past our deadlines (plus a margin): queue wait + run, and run alone
    assert sent["policy"] == {"ttl": (60 + 10 + 30) * 1000, "executionTimeout": (10 + 30) * 1000}


async def test_a_job_no_worker_takes_is_cancelled_at_the_queue_deadline() -> None:
    """The queue wait is bounded by RUNPOD_COLD_START_WAIT_S; at the deadline the job is cancelled, and the
    call is not retried (a retry would only wait as long again)."""
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD)) as sim:
        s = settings(runpod_api="native", runpod_cold_start_wait_s=0.3)
        p = RunPodProvider(s, base_url=sim.base_url, poll_interval_s=0.02)
        gen = Generator(s, {"runpod": p})
        try:
            with pytest.raises(JobRetry) as e:
                await gen.generate(MATHS, 2, plan=[], avoid=[], seed=1)
            with pytest.raises(NoWorker) as direct:
                await p.generate(one_call())
        finally:
            await p.aclose()
        ledger = sim.serverless.ledger()
        queued = len(sim.serverless.queue)
    assert "runpod timeout" in str(e.value)
    assert direct.value.kind == "timeout" and not direct.value.retryable
    assert "still IN_QUEUE after 0.3s: no RunPod worker took it" in str(direct.value)
    assert ledger == {("run", "CANCELLED"): 2}, "one job per logical call, each cancelled (the simulator saw it)"
    assert queued == 0


async def test_a_job_past_the_run_deadline_is_cancelled_after_waiting_out_the_cold_start() -> None:
    """The run deadline starts when a worker takes the job: a cold start longer than it is not a timeout."""
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD, hang=True)) as sim:
        polls: list[str] = []

        def steer(path: str, body: Any) -> None:
            if "/status/" in path and isinstance(body, dict):
                polls.append(body["status"])
                if polls.count("IN_QUEUE") == 30:  # queued ~0.6 s, longer than the whole run deadline
                    sim.serverless.finish_cold_starts()

        client = recording_client([], steer)
        p = RunPodProvider(
            settings(runpod_api="native", runpod_timeout_s=0.3), base_url=sim.base_url, client=client,
            poll_interval_s=0.02,
        )
        try:
            with pytest.raises(ProviderError) as e:
                await p.generate(one_call())
        finally:
            await client.aclose()
        ledger = sim.serverless.ledger()
    assert polls.count("IN_QUEUE") >= 30 and "IN_PROGRESS" in polls
    assert e.value.kind == "timeout" and "still IN_PROGRESS after 0.3s" in str(e.value)
    assert ledger == {("run", "CANCELLED"): 1}


async def test_a_dropped_run_answer_is_not_resubmitted() -> None:
    """/run reached RunPod but its answer was lost: one job exists, and no retry pays for a second."""
    async with SimulatorServer("runpod", knobs=Knobs(drop_answers=2)) as sim:
        p = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url, poll_interval_s=0.02)
        gen = Generator(settings(runpod_api="native"), {"runpod": p})
        try:
            with pytest.raises(JobRetry):
                await gen.generate(MATHS, 2, plan=[], avoid=[], seed=1)
            with pytest.raises(SubmissionUnknown) as e:
                await p.generate(one_call())  # the same seen directly: one more logical call, one more job
        finally:
            await p.aclose()
        submitted = sim.serverless.submitted
        runs = [path for path in sim.stats.paths if path.endswith("/run")]
        jobs = list(sim.serverless.jobs.values())
    assert submitted == 2 and len(runs) == 2, "one job per logical call, the generator's retries included"
    assert not e.value.retryable and e.value.kind == "server"
    assert "the /run job was sent but no answer came back" in str(e.value) and "not sent again" in str(e.value)
    assert all(j.ttl_s == 100.0 and j.execution_timeout_s == 40.0 for j in jobs), "orphans end at our deadlines"


# --- the OpenAI route of a serverless endpoint ------------------------------------------------------------


async def test_openai_route_waits_out_a_cold_start_and_submits_once(caplog: pytest.LogCaptureFixture) -> None:
    """Scaled to zero: one 1-token wake-up job, /health polled (and logged) until a worker is ready, then
    the one chat completion; a request timeout shorter than the cold start costs no second job."""
    caplog.set_level(logging.INFO, logger="service.providers.runpod")
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD)) as sim:
        healths: list[dict[str, Any]] = []

        def steer(path: str, body: Any) -> None:
            if path.endswith("/health") and isinstance(body, dict):
                healths.append(body)
                if sum(1 for h in healths if h["workers"]["initializing"]) == 3:
                    sim.serverless.finish_cold_starts()

        client = recording_client([], steer)
        s = settings(runpod_timeout_s=2.0)  # far shorter than the cold start
        p = RunPodProvider(s, base_url=f"{sim.base_url}/openai/v1", client=client, poll_interval_s=0.02)
        gen = Generator(s, {"runpod": p})
        try:
            result = await gen.generate(MATHS, 2, plan=[], avoid=[], seed=1)
        finally:
            await client.aclose()
        jobs = routes(sim)
        wake = [r for r in sim.stats.requests if "input" in r]
    assert len(result.items) == 2 and result.calls == 1
    assert jobs == {"/v1/chat/completions": 1, "run": 1}
    assert wake[0]["input"]["sampling_params"] == {"max_tokens": 1}, "the wake-up job is one token"
    assert healths[0]["workers"] == {
        "idle": 0, "initializing": 0, "ready": 0, "running": 0, "throttled": 0, "unhealthy": 0
    }
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("runpod: endpoint scaled to zero; wake-up job ") for m in logged)
    assert "runpod: chat completion waiting for a RunPod worker: 0 idle, 1 initializing, 1 job in queue" in logged


async def test_concurrent_calls_on_a_sleeping_endpoint_share_one_wake_up_job() -> None:
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD)) as sim:
        polls = 0

        def steer(path: str, body: Any) -> None:
            nonlocal polls
            if path.endswith("/health") and isinstance(body, dict) and body["workers"]["initializing"]:
                polls += 1
                if polls == 9:
                    sim.serverless.finish_cold_starts()

        client = recording_client([], steer)
        p = RunPodProvider(settings(), base_url=f"{sim.base_url}/openai/v1", client=client, poll_interval_s=0.02)
        try:
            replies = await asyncio.gather(*(p.generate(one_call()) for _ in range(3)))
        finally:
            await client.aclose()
        jobs = routes(sim)
    assert all(valid_count(r.text, r.finish_reason) == 2 for r in replies)
    assert jobs == {"/v1/chat/completions": 3, "run": 1}


async def test_openai_route_with_a_worker_starting_waits_without_submitting(caplog: pytest.LogCaptureFixture) -> None:
    """A worker already initializing (another job woke it): no wake-up job, nothing sent until it is ready."""
    caplog.set_level(logging.INFO, logger="service.providers.runpod")
    async with (
        SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD)) as sim,
        httpx.AsyncClient(base_url=sim.base_url) as other,
    ):
        first = (await other.post("/run", json={"input": {"prompt": "someone else's job"}})).json()
        waits = 0

        def steer(path: str, body: Any) -> None:
            nonlocal waits
            if path.endswith("/health") and isinstance(body, dict) and body["workers"]["initializing"]:
                waits += 1
                if waits == 3:
                    sim.serverless.finish_cold_starts()

        client = recording_client([], steer)
        p = RunPodProvider(settings(runpod_timeout_s=5.0), base_url=f"{sim.base_url}/openai/v1", client=client,
                           poll_interval_s=0.02)
        try:
            reply = await p.generate(one_call())
        finally:
            await client.aclose()
        jobs = routes(sim)
    assert first["status"] == "IN_QUEUE" and waits == 3
    assert valid_count(reply.text, reply.finish_reason) == 2
    assert jobs == {"/v1/chat/completions": 1, "run": 1}, "someone else's job, ours, and no wake-up job"
    assert "runpod: chat completion waiting for a RunPod worker: 0 idle, 1 initializing, 1 job in queue" in [
        r.getMessage() for r in caplog.records
    ]


async def test_openai_route_timeout_after_sending_is_not_retried() -> None:
    """A warm worker that does not answer in time: the job runs on at RunPod, so no retry pays for another."""
    async with SimulatorServer("runpod", knobs=Knobs(hang=True)) as sim:
        s = settings(runpod_timeout_s=0.3)
        p = RunPodProvider(s, base_url=f"{sim.base_url}/openai/v1", poll_interval_s=0.02)
        gen = Generator(s, {"runpod": p})
        try:
            with pytest.raises(JobRetry):
                await gen.generate(MATHS, 2, plan=[], avoid=[], seed=1)
        finally:
            await p.aclose()
        submitted = sim.serverless.submitted
        sim.knobs.hang = False
    assert submitted == 1


async def test_a_pod_url_has_no_serverless_health_and_is_called_directly() -> None:
    """Pods and plain vLLM servers serve no /health of that shape: the call goes straight out."""
    async with SimulatorServer("vllm") as pod:
        p = RunPodProvider(settings(), base_url=pod.base_url)
        try:
            reply = await p.generate(one_call())
        finally:
            await p.aclose()
        paths = list(pod.stats.paths)
    assert not p.serverless_openai and valid_count(reply.text, reply.finish_reason) == 2
    assert paths == ["/v1/chat/completions"]


async def test_check_on_a_cold_endpoint_reports_it_and_submits_nothing() -> None:
    """The model listing is a job on a serverless endpoint: asked only of a ready worker."""
    async with SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD)) as sim:
        native = RunPodProvider(settings(runpod_api="native"), base_url=sim.base_url)
        openai = RunPodProvider(settings(), base_url=f"{sim.base_url}/openai/v1")
        try:
            cold = [await native.check(), await openai.check()]
            sim.knobs.min_workers = 1
            sim.serverless.finish_cold_starts()
            warm = await openai.check()
        finally:
            await native.aclose()
            await openai.aclose()
        jobs = routes(sim)
    for c in cold:
        assert not c.ok and not c.fatal
        assert c.detail == "model not checked: no RunPod worker ready (0 idle, 0 initializing, 0 jobs in queue)"
    assert warm.ok and warm.context_tokens == 4096
    assert jobs == {"/v1/models": 1}, "only the warm check listed the models"


# --- the simulator is at least as strict as RunPod ---------------------------------------------------------


async def test_simulator_endpoint_contract() -> None:
    """Unknown ids answer 404, a policy out of the documented bounds 400, /health needs the key; cancel
    frees a queued job; /purge-queue empties the queue."""
    async with (
        SimulatorServer("runpod", knobs=Knobs(min_workers=0, cold_start_s=COLD, expected_api_key="k")) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers={"Authorization": "Bearer k"}) as c,
    ):
        job = {"input": {"prompt": "x"}}
        assert (await c.get("/status/no-such-job")).json() == {"error": "request does not exist"}
        assert (await c.get("/status/no-such-job")).status_code == 404
        assert (await c.post("/cancel/no-such-job")).status_code == 404
        for policy in ({"ttl": 5000}, {"executionTimeout": 5000}, {"ttl": "1h"}, {"retries": 2}):
            assert (await c.post("/run", json={**job, "policy": policy})).status_code == 400, policy
        assert (await httpx.AsyncClient().get(f"{sim.base_url}/health")).status_code == 401
        a = (await c.post("/run", json=job)).json()
        b = (await c.post("/run", json=job)).json()
        health = (await c.get("/health")).json()
        assert health["jobs"]["inQueue"] == 2 and health["workers"]["initializing"] == 1
        assert (await c.post(f"/cancel/{a['id']}")).json() == {"id": a["id"], "status": "CANCELLED"}
        assert (await c.post("/purge-queue")).json() == {"removed": 1, "status": "completed"}
        assert (await c.get(f"/status/{b['id']}")).json()["status"] == "CANCELLED"
        assert sim.serverless.submitted == 2, "both were billed from submission"


# --- pure parts -------------------------------------------------------------------------------------------


def test_health_states_and_wording() -> None:
    asleep = parse_health({"jobs": {"inQueue": 0}, "workers": {"idle": 0, "running": 0}})
    starting = parse_health({"jobs": {"inQueue": 2}, "workers": {"idle": 0, "initializing": 1}})
    ready = parse_health({"jobs": {}, "workers": {"idle": 1, "running": 0}})
    assert asleep is not None and starting is not None and ready is not None
    assert (asleep.state, starting.state, ready.state) == ("asleep", "starting", "ready")
    assert starting.describe() == "0 idle, 1 initializing, 2 jobs in queue"
    assert EndpointHealth(ready=1).state == "ready"  # newer APIs report ready workers by that name
    assert parse_health("ok") is None and parse_health({"status": "ok"}) is None


def test_job_policy_stays_within_runpods_bounds() -> None:
    assert job_policy(300, 90) == {"ttl": 420_000, "executionTimeout": 120_000}
    assert job_policy(0, 0) == {"ttl": 30_000, "executionTimeout": 30_000}


def test_only_an_unanswered_request_counts_as_maybe_submitted() -> None:
    req = httpx.Request("POST", "http://x/run")
    assert not sent_unanswered(httpx.ConnectError("refused", request=req))
    assert not sent_unanswered(httpx.ConnectTimeout("slow", request=req))
    assert sent_unanswered(httpx.ReadTimeout("no answer", request=req))
    assert sent_unanswered(httpx.RemoteProtocolError("Server disconnected", request=req))
