"""The OpenAI-compatible API of vLLM >= 0.12: chat completions, model list, health.

Read from vllm-project/vllm (0.27): vllm/entrypoints/openai/chat_completion/protocol.py (request fields:
``response_format`` json_schema, ``structured_outputs.json``, ``stop``, ``stop_token_ids``,
``skip_special_tokens`` default true; unknown fields such as the removed ``guided_json`` are ignored,
``extra="allow"``), engine/protocol.py (``ModelCard.max_model_len`` on ``/v1/models``), and the error
body ``{"object": "error", "message", "type", "param", "code"}``.

Capacity (``PodEngine``, on when ``Knobs.max_num_seqs`` is set), read from vllm/v1/core/sched/scheduler.py
(``Scheduler.schedule``) and vllm/v1/core/kv_cache_manager.py (``allocate_slots``, ``get_computed_blocks``):
- continuous batching: each engine step first gives every running request its next tokens (one for a
  decode, a chunk for an unfinished prefill), then admits waiting requests first come first served while
  fewer than ``max_num_seqs`` run, the step's token budget (``max_num_batched_tokens``) lasts and the KV
  cache has blocks for them; the rest wait in the server's queue (vLLM queues, it does not answer 429);
- preemption by recompute: when a running request needs a KV block and none is free, the request admitted
  last is preempted (``self.running.pop()``), its blocks freed and its progress reset, and it goes back to
  the head of the queue; no request is admitted in a step that preempted. Latency rises before anything fails;
- automatic prefix caching: a prompt's leading full blocks that an earlier prompt already computed are
  not computed again (at least the last token always is), and the reply says how many in
  ``usage.prompt_tokens_details.cached_tokens`` (vllm/entrypoints/openai/chat_completion/serving.py reports
  it when the server runs with ``--enable-prompt-tokens-details``: ``Knobs.prompt_tokens_details``);
- cost model: a step takes ``step_base_s + step_per_seq_s * running + prefill_per_token_s * prefill tokens``.
  The defaults are a roofline estimate for a 7B model in 16-bit weights on one A100-class GPU: a decode step
  reads all weights once (about 15 GB at about 1.5 TB/s achieved: 10 ms) and each sequence's KV cache
  (Qwen2.5-7B: 28 layers x 4 KV heads x 128 x 2 x 2 bytes = 57 KB per token, about 2 000 tokens: 0.07 ms);
  a prefill is compute-bound (2 x 7.6 GFLOP per token at about half of 312 TFLOPS: 0.1 ms per token);
- the pod proxy: RunPod's ``https://{pod}-{port}.proxy.runpod.net`` answers 524 after 100 s
  (``proxy_timeout_s``) while the request goes on in the engine behind it; a client that hangs up before
  aborts it, as vLLM aborts a request whose client disconnected (vllm/entrypoints/utils.py ``with_cancellation``).
- ``/metrics``: the scheduler's gauges ``vllm:num_requests_running`` and ``vllm:num_requests_waiting``
  (vllm/v1/metrics/loggers.py ``PrometheusStatLogger``), read from the engine; a pod's proxy passes the path.
The engine runs in simulated seconds (``PodEngine.advance``, no clock); ``Pod`` drives it from the event loop
at ``Knobs.time_scale`` wall seconds per simulated second, so tests and benches stay short.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens

from .core import CHARS_PER_TOKEN, Generation, SimCore, SimError, messages_text, requested_count, tracked
from .knobs import Knobs

_TYPES = {
    400: "BadRequestError",
    401: "Unauthorized",
    404: "NotFoundError",
    429: "RateLimitError",
    500: "InternalServerError",
}


def vllm_error(status: int, message: str, *, retry_after: float | None = None) -> web.Response:
    """vLLM's error body: ``{"object": "error", "message", "type", "param", "code"}``."""
    body = {
        "object": "error",
        "message": message,
        "type": _TYPES.get(status, "InternalServerError"),
        "param": None,
        "code": status,
    }
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return web.json_response(body, status=status, headers=headers)


def render_error(e: SimError) -> web.Response:
    """Errors that come from the pod proxy (502 while loading, 524 timeout) are not vLLM JSON."""
    if e.status in (502, 503, 524) and e.kind in ("loading", "injected", "proxy"):
        text = {502: "Bad Gateway", 503: "Service Unavailable", 524: "A timeout occurred"}[e.status]
        return web.Response(status=e.status, text=f"error code: {e.status} {text}", content_type="text/html")
    return vllm_error(e.status, e.message, retry_after=e.retry_after)


def check_bearer(request: web.Request, core: SimCore, *, raw_ok: bool = False) -> bool:
    """``Authorization: Bearer <key>`` (RunPod also takes the raw key) when a key is expected."""
    want = core.knobs.expected_api_key
    if want is None:
        return True
    got = request.headers.get("Authorization", "")
    return got == f"Bearer {want}" or (raw_ok and got == want)


def json_schema_of(body: dict[str, Any], core: SimCore) -> dict[str, Any] | None:
    """The JSON schema a chat request asks for, as vLLM >= 0.12 reads it (``guided_json`` only by knob)."""
    rf = body.get("response_format")
    if isinstance(rf, dict) and rf.get("type") == "json_schema":
        js = rf.get("json_schema") or {}
        schema = js.get("schema") if isinstance(js, dict) else None
        if isinstance(schema, dict):
            return schema
    so = body.get("structured_outputs")
    if isinstance(so, dict) and isinstance(so.get("json"), dict | str):
        return so["json"] if isinstance(so["json"], dict) else json.loads(so["json"])
    if core.knobs.accept_guided_json and isinstance(body.get("guided_json"), dict):
        return body["guided_json"]
    return None


def stop_fields(body: dict[str, Any]) -> dict[str, Any]:
    """``stop``, ``stop_token_ids`` and ``skip_special_tokens`` of a request, with vLLM's defaults."""
    stop = body.get("stop")
    ids = body.get("stop_token_ids")
    return {
        "stop": [stop] if isinstance(stop, str) else list(stop or []),
        "stop_token_ids": [int(i) for i in ids] if isinstance(ids, list) else [],
        "skip_special_tokens": body.get("skip_special_tokens", True) is not False,
    }


def context_error_message(limit: int, prompt_tokens: int, max_tokens: int) -> str:
    return (
        f"This model's maximum context length is {limit} tokens. However, you requested {max_tokens} output "
        f"tokens and your prompt contains at least {prompt_tokens} input tokens, for a total of at least "
        f"{prompt_tokens + max_tokens} tokens. Please reduce the length of the input prompt or the number of "
        f"requested output tokens. (parameter=input_tokens, value={prompt_tokens})"
    )


async def chat_completions(request: web.Request, core: SimCore, pod: Pod | None = None) -> web.Response:
    """``POST /v1/chat/completions`` (non-streaming); with the capacity model on, served by ``pod``."""
    if not check_bearer(request, core, raw_ok=core.kind == "runpod"):
        return web.json_response({"error": "Unauthorized"}, status=401)
    try:
        body = await request.json()
    except json.JSONDecodeError:
        return vllm_error(400, "Invalid JSON body")
    if not isinstance(body, dict):
        return vllm_error(400, "Request body must be a JSON object")
    core.record(body)
    return await answer_chat(body, core, pod)


async def answer_chat(body: dict[str, Any], core: SimCore, pod: Pod | None = None) -> web.Response:
    """The answer to a parsed chat-completions body (also run as a RunPod OpenAI-route job); with the capacity
    model on, ``pod`` serves it."""
    model = body.get("model") or core.model
    if model != core.model:
        return vllm_error(404, f"The model `{model}` does not exist.")
    if body.get("stream"):
        return vllm_error(400, "stream=true is not supported by this simulator")
    prompt = messages_text(body.get("messages"))
    p_tokens = estimate_tokens(prompt)
    limit = core.context_limit
    max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
    try:
        started = await core.gate()
    except SimError as e:
        return render_error(e)
    if max_tokens is None:
        max_tokens = max(1, limit - p_tokens)
    if p_tokens + int(max_tokens) > limit:
        return vllm_error(400, context_error_message(limit, p_tokens, int(max_tokens)))
    gen = core.generate(
        prompt,
        schema=json_schema_of(body, core),
        max_tokens=int(max_tokens),
        prompt_tokens=p_tokens,
        temperature=body.get("temperature"),
        **stop_fields(body),
    )
    if pod is not None and pod.on:
        try:
            seq = await pod.serve(prompt, p_tokens, gen.completion_tokens)
        except SimError as e:
            return render_error(e)
        cached = seq.cached_tokens if core.knobs.prompt_tokens_details else 0
        core.stats.cached_tokens += cached
        return web.json_response(completion_body(core.model, gen, cached_tokens=cached))
    await core.finish_latency(requested_count(prompt), started)
    cached = served_from_prefix_cache(core, prompt, p_tokens)
    return web.json_response(completion_body(core.model, gen, cached_tokens=cached))


PREFIX_CACHE_BLOCKS = 200_000  # blocks kept without the capacity model (no KV pool to size the cache by)


def served_from_prefix_cache(core: SimCore, prompt_text: str, prompt_tokens: int) -> int:
    """Without the capacity model, vLLM V1's automatic prefix caching still skips a prompt's leading full
    blocks seen before: the cached tokens reported (0 unless ``prefix_caching`` and ``prompt_tokens_details``
    are on; at least the last prompt token is always computed, as ``PodEngine._cached_start`` does)."""
    k = core.knobs
    if not (k.prefix_caching and k.prompt_tokens_details):
        return 0
    if core.prefix_cache is None:
        core.prefix_cache = PrefixCache(PREFIX_CACHE_BLOCKS)
    cache = core.prefix_cache
    hashes = block_hashes(prompt_text, k.kv_block_size)
    hit = cache.hit(hashes) * k.kv_block_size
    cache.add(hashes)
    cached = max(0, min(hit, (prompt_tokens - 1) // k.kv_block_size * k.kv_block_size))
    core.stats.cached_tokens += cached
    return cached


def completion_body(model: str, gen: Generation, *, cached_tokens: int = 0) -> dict[str, Any]:
    """A non-streaming ``chat.completion`` as vLLM returns it (``prompt_tokens_details`` only with a cache hit)."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": gen.text, "tool_calls": [], "reasoning_content": None},
                "logprobs": None,
                "finish_reason": gen.finish_reason,
                "stop_reason": None,
            }
        ],
        "usage": {
            "prompt_tokens": gen.prompt_tokens,
            "completion_tokens": gen.completion_tokens,
            "total_tokens": gen.prompt_tokens + gen.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens} if cached_tokens else None,
        },
        "prompt_logprobs": None,
    }


async def models(request: web.Request, core: SimCore) -> web.Response:
    """``GET /v1/models``."""
    if not check_bearer(request, core, raw_ok=core.kind == "runpod"):
        return web.json_response({"error": "Unauthorized"}, status=401)
    return models_response(core)


def models_response(core: SimCore) -> web.Response:
    """The ``/v1/models`` list: the one served model with its ``max_model_len``."""
    return web.json_response(
        {
            "object": "list",
            "data": [
                {
                    "id": core.model,
                    "object": "model",
                    "created": int(core.started),
                    "owned_by": "vllm",
                    "root": core.model,
                    "parent": None,
                    "max_model_len": core.context_limit,
                    "permission": [],
                }
            ],
        }
    )


async def health(request: web.Request) -> web.Response:
    return web.Response(status=200)


def metrics_text(core: SimCore, pod: Pod | None) -> str:
    """The scheduler gauges of vLLM's ``/metrics`` (Prometheus text; vllm/v1/metrics/loggers.py
    ``PrometheusStatLogger``: ``vllm:num_requests_running`` and ``vllm:num_requests_waiting``, labelled by
    ``model_name`` and ``engine``). With the capacity model on they are the engine's; off, every call runs."""
    running, waiting = (pod.load() if pod is not None and pod.on else (core.stats.in_flight, 0))
    labels = f'{{engine="0",model_name="{core.model}"}}'
    return (
        "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
        "# TYPE vllm:num_requests_running gauge\n"
        f"vllm:num_requests_running{labels} {float(running)}\n"
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
        "# TYPE vllm:num_requests_waiting gauge\n"
        f"vllm:num_requests_waiting{labels} {float(waiting)}\n"
    )


def add_routes(app: web.Application, core: SimCore, prefix: str = "", pod: Pod | None = None) -> None:
    """vLLM routes under ``prefix`` (``""`` for a pod, ``/v2/{endpoint_id}/openai`` for RunPod serverless);
    ``pod`` serves the chat calls when the capacity knobs are on."""

    async def _chat(request: web.Request) -> web.Response:
        return await chat_completions(request, core, pod)

    async def _models(request: web.Request) -> web.Response:
        return await models(request, core)

    async def _metrics(request: web.Request) -> web.Response:
        return web.Response(text=metrics_text(core, pod), content_type="text/plain")

    app.router.add_post(f"{prefix}/v1/chat/completions", tracked(core, _chat))
    app.router.add_get(f"{prefix}/v1/models", _models)
    if not prefix:  # a pod's own server; RunPod's serverless OpenAI route has no /metrics
        app.router.add_get("/metrics", _metrics)


# --------------------------------------------------------------------------------- capacity model
@dataclass(frozen=True)
class PodConfig:
    """A pod's size and speed, from the knobs (see the module docstring for the numbers)."""

    max_num_seqs: int
    max_num_batched_tokens: int
    kv_blocks: int
    block_size: int
    step_base_s: float
    step_per_seq_s: float
    prefill_per_token_s: float

    @classmethod
    def from_knobs(cls, k: Knobs, context_tokens: int) -> PodConfig:
        seqs = max(1, k.max_num_seqs or 1)
        bs = max(1, k.kv_block_size)
        # vLLM refuses to start when the cache cannot hold one request of max_model_len
        kv_tokens = max(k.kv_cache_tokens or seqs * context_tokens, context_tokens)
        return cls(seqs, max(1, k.max_num_batched_tokens), kv_tokens // bs, bs, k.step_base_s, k.step_per_seq_s,
                   k.prefill_per_token_s)

    def step_s(self, seqs: int, prefill_tokens: int) -> float:
        """Seconds of one engine step over ``seqs`` sequences computing ``prefill_tokens`` prompt tokens."""
        return self.step_base_s + self.step_per_seq_s * seqs + self.prefill_per_token_s * prefill_tokens


@dataclass
class Seq:
    """One request in the engine, by its token counts (the reply text is built before it is queued)."""

    id: int
    prompt_tokens: int
    output_tokens: int  # what it generates before it stops (at least 1)
    block_hashes: tuple[bytes, ...] = ()  # the prompt's full blocks, chained (prefix caching)
    arrival: float = 0.0
    cached_tokens: int = 0  # prompt tokens found in the prefix cache when first admitted
    computed: int = 0  # tokens whose KV is computed (the prompt, then the generated ones)
    generated: int = 0
    blocks: int = 0
    preemptions: int = 0
    admitted_at: float | None = None
    finished_at: float | None = None

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.generated


class PrefixCache:
    """Block hashes whose KV the pod holds, least recently used first out (at most the pool's blocks)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._blocks: OrderedDict[bytes, None] = OrderedDict()

    def hit(self, hashes: Iterable[bytes]) -> int:
        """Leading blocks of ``hashes`` found (each found one becomes most recently used)."""
        n = 0
        for h in hashes:
            if h not in self._blocks:
                break
            self._blocks.move_to_end(h)
            n += 1
        return n

    def add(self, hashes: Iterable[bytes]) -> None:
        for h in hashes:
            self._blocks[h] = None
            self._blocks.move_to_end(h)
        while len(self._blocks) > self.capacity:
            self._blocks.popitem(last=False)


def block_hashes(text: str, block_size: int) -> tuple[bytes, ...]:
    """Chained hashes of the full token blocks of ``text`` (a block: ``block_size`` tokens of 3.5 chars),
    as vLLM hashes a block with its parent's hash so that a block matches only after the same prefix."""
    width = max(1, int(block_size * CHARS_PER_TOKEN))
    out: list[bytes] = []
    parent = b""
    for start in range(0, len(text) - width + 1, width):
        parent = hashlib.blake2b(parent + text[start : start + width].encode(), digest_size=8).digest()
        out.append(parent)
    return tuple(out)


class PodEngine:
    """vLLM's scheduler loop in simulated seconds: ``add`` requests, ``advance`` the clock, read ``finished``.

    Pure: no clock and no I/O, so tests and the bench's ideal run it as fast as the CPU goes.
    """

    def __init__(self, config: PodConfig, *, prefix_caching: bool = True) -> None:
        self.config = config
        self.now = 0.0
        self.waiting: deque[Seq] = deque()
        self.running: list[Seq] = []
        self.free_blocks = config.kv_blocks
        self.cache = PrefixCache(config.kv_blocks) if prefix_caching else None
        self.finished: list[Seq] = []  # in finishing order; the caller drains it
        self.steps = 0
        self.busy_s = 0.0
        self.preemptions = 0
        self.max_running = 0
        self.max_waiting = 0

    @property
    def busy(self) -> bool:
        return bool(self.running or self.waiting)

    def reconfigure(self, config: PodConfig) -> None:
        """New knobs while requests run: the speed changes at once, the pool by the difference."""
        self.free_blocks += config.kv_blocks - self.config.kv_blocks
        self.config = config

    def add(self, seq: Seq) -> None:
        if not self.busy:
            self.now = max(self.now, seq.arrival)
        self.waiting.append(seq)
        self.max_waiting = max(self.max_waiting, len(self.waiting))

    def abort(self, seq: Seq) -> None:
        """The client went away: vLLM aborts the request and frees its blocks."""
        if seq in self.running:
            self.running.remove(seq)
        elif seq in self.waiting:
            self.waiting.remove(seq)
        self.free_blocks += seq.blocks
        seq.blocks = 0

    def advance(self, until: float) -> None:
        """Run the steps that start before ``until`` (the last may end after it); idle time passes too."""
        while self.now < until:
            if not self.busy:
                if math.isfinite(until):
                    self.now = until
                return
            step = self._step()
            if step is None:  # nothing can run: wait for the next arrival
                return
            duration, stable = step
            if stable and self.running:
                self._repeat(duration, until)

    def run_to_completion(self) -> float:
        """Advance until every request has finished; the time the last one did."""
        self.advance(math.inf)
        return self.now

    # --- one step (Scheduler.schedule, then the model runs, then update_from_output) --------------
    def _blocks_for(self, tokens: int) -> int:
        return -(-tokens // self.config.block_size)

    def _allocate(self, seq: Seq, tokens: int) -> bool:
        need = self._blocks_for(tokens) - seq.blocks
        if need > self.free_blocks:
            return False
        self.free_blocks -= max(0, need)
        seq.blocks += max(0, need)
        return True

    def _preempt(self, seq: Seq) -> None:
        """Preemption by recompute: blocks freed, progress reset (generated tokens are kept as prompt)."""
        self.free_blocks += seq.blocks
        seq.blocks = 0
        seq.computed = 0
        seq.preemptions += 1
        self.preemptions += 1
        self.waiting.appendleft(seq)

    def _step(self) -> tuple[float, bool] | None:
        """One step; (its duration, whether the next steps repeat it until something finishes)."""
        c = self.config
        budget = c.max_num_batched_tokens
        scheduled: list[tuple[Seq, int]] = []
        preempted = False
        i = 0
        while i < len(self.running) and budget > 0:
            seq = self.running[i]
            new = min(seq.total - seq.computed, budget)
            victim: Seq | None = None
            while victim is not seq and not self._allocate(seq, seq.computed + new):
                victim = self.running.pop()  # FCFS: the request admitted last
                self._preempt(victim)
                preempted = True
            if victim is seq:
                break  # it preempted itself: nothing after it runs either
            scheduled.append((seq, new))
            budget -= new
            i += 1
        admitted = False
        if not preempted:
            while self.waiting and budget > 0 and len(self.running) < c.max_num_seqs:
                seq = self.waiting[0]
                start = self._cached_start(seq)
                new = min(seq.total - start, budget)
                if not self._allocate(seq, start + new):
                    break
                self.waiting.popleft()
                if self.cache is not None:
                    self.cache.add(seq.block_hashes)
                if seq.admitted_at is None:
                    seq.admitted_at = self.now
                    seq.cached_tokens = start
                seq.computed = start
                self.running.append(seq)
                scheduled.append((seq, new))
                budget -= new
                admitted = True
        if not scheduled:
            return None
        self.max_running = max(self.max_running, len(self.running))
        prefill = sum(new for _, new in scheduled if new > 1)  # a decode computes one token
        duration = c.step_s(len(scheduled), prefill)
        self.now += duration
        self.busy_s += duration
        self.steps += 1
        finished = False
        for seq, new in scheduled:
            seq.computed += new
            if seq.computed >= seq.total:  # caught up: the step samples its next token
                seq.generated += 1
                if seq.generated >= seq.output_tokens:
                    self._finish(seq)
                    finished = True
        stable = not (preempted or admitted or finished or prefill)
        return duration, stable

    def _cached_start(self, seq: Seq) -> int:
        """Where computing starts on admission: after the cached full blocks, never past the last token."""
        if seq.computed or self.cache is None:
            return seq.computed
        hit = self.cache.hit(seq.block_hashes) * self.config.block_size
        return max(0, min(hit, (seq.total - 1) // self.config.block_size * self.config.block_size))

    def _finish(self, seq: Seq) -> None:
        self.running.remove(seq)
        self.free_blocks += seq.blocks
        seq.blocks = 0
        seq.finished_at = self.now
        self.finished.append(seq)

    def _repeat(self, duration: float, until: float) -> None:
        """A decode-only step with nothing admitted repeats unchanged until a request finishes, the pool
        runs short or ``until`` passes: take those steps at once."""
        k = min(seq.output_tokens - seq.generated for seq in self.running)
        if math.isfinite(until):
            k = min(k, max(0, math.ceil((until - self.now) / duration)))
        bs = self.config.block_size
        while k > 0 and sum(-(-(s.computed + k) // bs) - s.blocks for s in self.running) > self.free_blocks:
            k //= 2
        if k <= 0:
            return
        for seq in self.running:
            seq.computed += k
            seq.generated += k
            self._allocate(seq, seq.computed)
        self.now += k * duration
        self.busy_s += k * duration
        self.steps += k
        for seq in [s for s in self.running if s.generated >= s.output_tokens]:
            self._finish(seq)


@dataclass
class Served:
    """A request the pod finished: its token counts and simulated times (for the bench's ideal)."""

    prompt_tokens: int
    cached_tokens: int
    output_tokens: int
    arrival: float
    admitted: float
    finished: float
    preemptions: int
    answered: bool  # False: the proxy had already answered 524


@dataclass
class PodStats:
    served: list[Served] = field(default_factory=list)
    proxy_timeouts: int = 0
    aborted: int = 0

    def to_dict(self, engine: PodEngine | None) -> dict[str, Any]:
        return {
            "served": len(self.served),
            "proxy_timeouts": self.proxy_timeouts,
            "aborted": self.aborted,
            "preemptions": engine.preemptions if engine else 0,
            "max_running": engine.max_running if engine else 0,
            "max_waiting": engine.max_waiting if engine else 0,
            "busy_s": engine.busy_s if engine else 0.0,
            "now_s": engine.now if engine else 0.0,
            # per finished request: prompt, cached and output tokens, and whether its reply was sent (not 524)
            "requests": [[s.prompt_tokens, s.cached_tokens, s.output_tokens, s.answered] for s in self.served],
            "config": dataclasses.asdict(engine.config) if engine else None,
        }


class Pod:
    """One simulator's ``PodEngine`` on the event loop: simulated time runs ``1 / time_scale`` times as fast
    as the wall clock, and each call waits for its request to finish (or for the proxy's deadline)."""

    TICK_S = 0.005  # wall seconds between engine catch-ups while requests run

    def __init__(self, core: SimCore) -> None:
        self.core = core
        self.engine: PodEngine | None = None
        self.stats = PodStats()
        self._ids = itertools.count(1)
        self._futures: dict[int, asyncio.Future[Seq]] = {}
        self._cut: set[int] = set()  # requests the proxy answered 524 while they ran on
        self._wall0 = time.monotonic()
        self._sim0 = 0.0
        self._scale = core.knobs.time_scale
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def on(self) -> bool:
        return self.core.knobs.max_num_seqs is not None

    def sim_now(self) -> float:
        scale = max(self.core.knobs.time_scale, 1e-6)
        wall = time.monotonic()
        if scale != self._scale:  # rebase, so that a new scale does not move the past
            self._sim0 += (wall - self._wall0) / max(self._scale, 1e-6)
            self._wall0, self._scale = wall, scale
        return self._sim0 + (wall - self._wall0) / scale

    def _engine(self) -> PodEngine:
        config = PodConfig.from_knobs(self.core.knobs, self.core.context_limit)
        if self.engine is None:
            self.engine = PodEngine(config, prefix_caching=self.core.knobs.prefix_caching)
            self.engine.now = self.sim_now()
        elif self.engine.config != config:
            self.engine.reconfigure(config)
        return self.engine

    def stats_dict(self) -> dict[str, Any]:
        return self.stats.to_dict(self.engine)

    def load(self) -> tuple[int, int]:
        """(requests running, requests waiting) in the engine now."""
        if self.engine is None:
            return 0, 0
        self.engine.advance(self.sim_now())
        return len(self.engine.running), len(self.engine.waiting)

    def reset_stats(self) -> None:
        """Zero the counters; an idle engine is replaced (a new pod: empty prefix cache, its clock at now)."""
        self.stats = PodStats()
        if self.engine is not None and not self.engine.busy:
            self.engine = None
        elif self.engine is not None:
            e = self.engine
            e.preemptions, e.busy_s, e.max_running, e.max_waiting = 0, 0.0, len(e.running), len(e.waiting)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def serve(self, prompt_text: str, prompt_tokens: int, output_tokens: int) -> Seq:
        """Queue one request and wait until it finishes; ``SimError`` 524 when the proxy's deadline passes
        first (the request goes on in the engine). A cancelled caller aborts the request."""
        engine = self._engine()
        engine.advance(self.sim_now())
        seq = Seq(
            next(self._ids),
            prompt_tokens,
            max(1, output_tokens),
            block_hashes(prompt_text, engine.config.block_size) if self.core.knobs.prefix_caching else (),
            arrival=self.sim_now(),
        )
        fut: asyncio.Future[Seq] = asyncio.get_running_loop().create_future()
        self._futures[seq.id] = fut
        engine.add(seq)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        self._wake.set()
        k = self.core.knobs
        limit = k.proxy_timeout_s * k.time_scale if k.proxy_timeout_s is not None else None
        try:
            done = await asyncio.wait_for(asyncio.shield(fut), limit)
        except TimeoutError:
            self.stats.proxy_timeouts += 1
            self._cut.add(seq.id)
            raise SimError(524, "A timeout occurred", kind="proxy") from None
        except asyncio.CancelledError:
            if not fut.done():
                engine.abort(seq)
                self._futures.pop(seq.id, None)
                self.stats.aborted += 1
            raise
        return done

    async def _run(self) -> None:
        """Catch the engine up with the wall clock; resolve each request once the wall clock reaches its end."""
        pending: list[Seq] = []
        while True:
            engine = self.engine
            if engine is None or (not engine.busy and not pending):
                self._wake.clear()
                await self._wake.wait()
                continue
            now = self.sim_now()
            engine.advance(now)
            pending += engine.finished
            engine.finished.clear()
            due = [s for s in pending if (s.finished_at or 0) <= now]
            for seq in due:
                pending.remove(seq)
                fut = self._futures.pop(seq.id, None)
                self.stats.served.append(Served(
                    seq.prompt_tokens, seq.cached_tokens, seq.output_tokens, seq.arrival,
                    seq.admitted_at or seq.arrival, seq.finished_at or now, seq.preemptions,
                    answered=seq.id not in self._cut,
                ))
                self._cut.discard(seq.id)
                if fut is not None and not fut.done():
                    fut.set_result(seq)
            nxt = min((s.finished_at or now for s in pending), default=now)
            wait = (nxt - now) * self.core.knobs.time_scale if nxt > now else self.TICK_S
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.001, min(wait, self.TICK_S)))
