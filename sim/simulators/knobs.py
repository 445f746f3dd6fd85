"""Run-time behaviour switches (``Knobs``) and counters (``Stats``) shared by every simulator."""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass, field
from typing import Any

REQUESTS_KEPT = 50


@dataclass
class Knobs:
    """How a simulator behaves; mutable while it runs (directly or via ``POST /_sim/knobs``).

    Failure gates are checked per call in this order: auth, unknown model, ``model_loading_calls``,
    ``fail_next``, ``rate_limit_every``, ``error_rate``, ``capacity``, ``hang``, the latency sleep, the
    context length; then the content knobs shape the answer.
    """

    latency_s: float = 0.0  # per call
    latency_per_item_s: float = 0.0  # added per requested question
    capacity: int | None = None  # more than this many calls in flight -> 500 (the engine died)
    error_rate: float = 0.0  # probability of a random failure with error_status
    error_status: int = 500
    fail_next: list[int] = field(default_factory=list)  # statuses for the next calls, consumed in order
    rate_limit_every: int | None = None  # every Nth call -> 429 with Retry-After
    retry_after_s: float = 1.0
    chat_text_without_schema: bool = True  # no JSON schema sent -> prose wrapped around the JSON
    chat_text_always: bool = False
    invalid_json_rate: float = 0.0  # probability of broken JSON
    prose_rate: float = 0.0  # probability of a prose reply ending in a boxed answer, no JSON at all
    truncate: bool = False  # cut every answer mid-item with finish_reason "length"
    truncate_rate: float = 0.0
    duplicate_rate: float = 0.0  # per-item probability of a (lightly reworded) copy of an earlier item: cosine >= 0.9
    bad_item_rate: float = 0.0  # per-item probability of an item that fails validation
    # per-item probability of a wrong key (MCQ: another option marked; numeric: x1.5, or 7 for 0) with the
    # text, options and solution of the true answer, as a model that mis-keys writes it
    wrong_key_rate: float = 0.0
    # the first N items a server serves on topic are mis-keyed, whatever wrong_key_rate draws: a dispute
    # that does not depend on chance (make demo shows one on its first run)
    wrong_key_first: int = 0
    # per-item probability of an item not taught in the request's subject: half near-chapter drifts (kinetic
    # theory for Chemical Kinetics), half any other subject's problem (simulators.content.off_topic_shape);
    # what the worker's on-topic check must refuse
    off_topic_rate: float = 0.0
    # per-item probability of a variant: a problem this server served before, with new numbers only (what a
    # model out of ideas writes; the bank refuses it as a variant under QGEN_VARIANT_POLICY=reject)
    variant_rate: float = 0.0
    # blind-solve mode (a <solve> block in the prompt): probability that the verifier's answer is right
    solve_accuracy: float = 1.0
    # batched blind solves (a <solves> list): what a model may do to the shape of its reply even under a
    # schema, which fixes the fields but not the count or order of the answers: leave a question out (per
    # question), answer in another order, answer a question twice with two answers
    solve_skip_rate: float = 0.0
    solve_shuffle: bool = False
    solve_repeat: bool = False
    # vLLM/RunPod: Aryabhata does not stop on its own; without a grammar and without its end-of-turn id
    # in stop_token_ids it keeps writing the next chat turns past the JSON
    ramble_without_stop: bool = False
    context_tokens: int | None = None  # None -> 4096 for vLLM/RunPod, 1_048_576 for Gemini
    hang: bool = False  # never answer (until hang_max_s), for client timeouts
    hang_max_s: float = 3600.0
    model_loading_calls: int = 0  # the first N calls get 502, like a pod loading its model
    expected_api_key: str | None = None
    accept_guided_json: bool = False  # vLLM >= 0.12 ignores the removed guided_json field
    runsync_wait_s: float = 90.0  # RunPod: /runsync's wait when no ?wait= is given (RunPod's default: 90 s)
    result_ttl_s: float = 60.0  # RunPod: a /runsync job's result is kept this long after it finishes
    # RunPod native: which worker-vllm handler runs: 'current' (2026 rewrite: sampling_params flattened
    # into a chat completion, output [chat.completion]) or 'legacy' (SamplingParams(**sampling_params),
    # output [{"choices": [{"tokens": [...]}], "usage": {"input", "output"}}])
    worker_image: str = "current"
    output_error_rate: float = 0.0  # RunPod native: job ends with an error instead of output
    # RunPod serverless workers (runpod/docs serverless/workers/overview.mdx): active workers are ready from
    # the start; a queued job with no ready worker starts one, 'initializing' for cold_start_s; a flex
    # worker idle for idle_timeout_s stops (RunPod's default 5 s). Default: one warm worker.
    min_workers: int = 1
    max_workers: int = 3  # RunPod's default
    cold_start_s: float = 0.0
    idle_timeout_s: float = 5.0
    worker_concurrency: int = 300  # jobs per worker at once (worker-vllm DEFAULT_MAX_CONCURRENCY)
    drop_answers: int = 0  # the next N submissions are queued as jobs, then the connection closes unanswered
    # Gemini
    retired_models: list[str] = field(
        default_factory=lambda: ["gemini-1.5-flash", "gemini-1.5-pro", "gemini-2.0-flash", "gemini-2.5-flash",
                                 "gemini-2.5-flash-lite", "gemini-2.5-pro"]
    )  # 404 NOT_FOUND, as after Google's shutdown date
    empty_next: list[str] = field(default_factory=list)  # finish reasons of the next replies with no text
    block_prompt: str | None = None  # every prompt blocked with this promptFeedback.blockReason
    # output tokens a thinking model spends before answering; None: what the request's thinking level spends
    # (sim/simulators/lengths.py THINKING_PER_TASK per question; thinking is on by default, as on Gemini 3)
    thinking_tokens: int | None = None
    implicit_caching: bool = True  # Gemini: repeated prompt prefixes above the model's minimum are cached
    # Gemini Batch API (sim/simulators/gemini_batch.py): seconds a batch stays PENDING, then RUNNING; how it ends
    # ('succeeded', 'failed' or 'expired'); Google's target is 24 hours, unfinished batches expire at 48
    batch_pending_s: float = 0.0
    batch_running_s: float = 0.0
    batch_outcome: str = "succeeded"
    batch_list_page_max: int = 100  # batches.list: batches a page at most, whatever pageSize asks
    # vLLM pod capacity model (sim/simulators/vllm.py ``PodEngine``); off while max_num_seqs is None. On, a call's
    # latency comes from the model (latency_s and latency_per_item_s are not used) and the pod proxy's deadline applies.
    max_num_seqs: int | None = None  # sequences running at once (vLLM --max-num-seqs)
    max_num_batched_tokens: int = 2048  # tokens per engine step (vLLM's OpenAI-server default below 70 GB)
    kv_cache_tokens: int | None = None  # KV-cache budget in tokens; None: max_num_seqs full windows (no preemption)
    kv_block_size: int = 16  # tokens per KV block (vLLM's default block size)
    step_base_s: float = 0.010  # one decode step of a 7B model, any batch: weights read once per step
    step_per_seq_s: float = 0.00007  # added per running sequence: its KV cache read per step
    prefill_per_token_s: float = 0.0001  # per prompt token computed (a prefix-cache hit skips its tokens)
    prefix_caching: bool = True  # vLLM V1's automatic prefix caching (on by default)
    prompt_tokens_details: bool = True  # report usage.prompt_tokens_details.cached_tokens (--enable-prompt-tokens-details)
    proxy_timeout_s: float | None = 100.0  # the RunPod pod proxy answers 524 after this; None: served directly
    time_scale: float = 1.0  # wall seconds per simulated second (0.01 runs the pod 100x faster)
    seed: int = 0

    def update(self, values: dict[str, Any]) -> None:
        """Set the given fields; raises ``KeyError`` for unknown names, ``ValueError`` for bad values."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise KeyError(f"unknown knobs: {', '.join(unknown)}")
        for k, v in values.items():
            if k == "fail_next":
                if not isinstance(v, list) or not all(isinstance(s, int) for s in v):
                    raise ValueError("fail_next must be a list of HTTP statuses")
                v = list(v)
            if k in ("empty_next", "retired_models"):
                if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
                    raise ValueError(f"{k} must be a list of strings")
                v = list(v)
            if k == "batch_outcome" and v not in ("succeeded", "failed", "expired"):
                raise ValueError("batch_outcome must be 'succeeded', 'failed' or 'expired'")
            if k == "batch_list_page_max" and (not isinstance(v, int) or v < 1):
                raise ValueError("batch_list_page_max must be a positive integer")
            if k == "worker_image" and v not in ("current", "legacy"):
                raise ValueError("worker_image must be 'current' or 'legacy'")
            setattr(self, k, v)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Stats:
    """What a simulator saw. ``requests`` keeps the last bodies (parsed JSON) for assertions."""

    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    status_counts: dict[int, int] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0  # output tokens as billed (Gemini: thinking included)
    cached_tokens: int = 0  # prompt tokens reported as served from a cache (vLLM prefix cache, Gemini implicit)
    items_returned: int = 0
    duplicates_returned: int = 0
    bad_items_returned: int = 0
    wrong_keys_returned: int = 0
    off_topic_returned: int = 0
    off_topic_near_returned: int = 0  # of off_topic_returned: near-chapter drifts
    variants_returned: int = 0
    solves_returned: int = 0  # replies to <solve> blocks
    schemas_refused: int = 0  # Gemini: reply schemas refused as "too many states"
    batches_created: int = 0  # Gemini: batchGenerateContent calls that created a batch
    batches_cancelled: int = 0  # Gemini: batches cancelled while pending or running
    batch_list_pages: int = 0  # Gemini: pages of batches.list served
    requests: deque[Any] = field(default_factory=lambda: deque(maxlen=REQUESTS_KEPT))
    paths: deque[str] = field(default_factory=lambda: deque(maxlen=REQUESTS_KEPT))  # request paths, with query

    def count_status(self, status: int) -> None:
        self.status_counts[status] = self.status_counts.get(status, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["status_counts"] = {str(k): v for k, v in self.status_counts.items()}
        d["requests"] = list(self.requests)
        d["paths"] = list(self.paths)
        return d
