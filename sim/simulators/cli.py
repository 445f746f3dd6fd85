"""``qgen simulate``: serve the loopback simulators until SIGINT/SIGTERM.

qgen hands everything after ``simulate`` to ``main`` (through the ``qgen.simulators`` entry point,
``simulators.plugin``): the options are parsed here, so that qgen's own parser never loads this package.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import NoReturn

from .knobs import Knobs
from .server import run_forever


class _Parser(argparse.ArgumentParser):
    """A usage error is one line (``qgen simulate: error: …``) and exit status 2, as in qgen's own parser."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    """Ports choose which simulators run (none given: vLLM and Gemini on free ports); the rest are knobs."""
    parser.add_argument("--host", default="127.0.0.1", help="bind address (loopback by default)")
    parser.add_argument(
        "--vllm-port", type=int, help="serve the vLLM (RunPod pod) simulator on this port (0 = free)"
    )
    parser.add_argument("--runpod-port", type=int, help="serve the RunPod serverless simulator on this port")
    parser.add_argument("--gemini-port", type=int, help="serve the Gemini simulator on this port (0 = free)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    parser.add_argument(
        "--latency-per-item", type=float, default=0.0, help="extra seconds per requested question"
    )
    parser.add_argument("--capacity", type=int, help="calls in flight above this get HTTP 500")
    parser.add_argument("--error-rate", type=float, default=0.0, help="probability of a random failure")
    parser.add_argument("--error-status", type=int, default=500, help="HTTP status of random failures")
    parser.add_argument("--rate-limit-every", type=int, help="every Nth call gets 429")
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds on 429")
    parser.add_argument(
        "--duplicate-rate", type=float, default=0.0, help="probability an item repeats an earlier one"
    )
    parser.add_argument(
        "--bad-item-rate", type=float, default=0.0, help="probability an item fails validation"
    )
    parser.add_argument("--invalid-json-rate", type=float, default=0.0, help="probability of broken JSON")
    parser.add_argument("--prose-rate", type=float, default=0.0, help="probability of a prose answer with no JSON")
    parser.add_argument("--truncate-rate", type=float, default=0.0, help="probability of a cut answer")
    parser.add_argument("--context-tokens", type=int, help="context window (default 4096 vLLM/RunPod)")
    parser.add_argument("--model-loading-calls", type=int, default=0, help="first N calls get 502")
    parser.add_argument(
        "--api-key", help="require this key (Bearer for vLLM/RunPod, x-goog-api-key for Gemini)"
    )
    parser.add_argument(
        "--no-chat-text", action="store_true", help="answer pure JSON even when no schema is sent"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulators' random choices")
    parser.add_argument(
        "--max-num-seqs", type=int, help="vLLM pod capacity model: sequences running at once (off when not given)"
    )
    parser.add_argument("--kv-cache-tokens", type=int, help="capacity model: KV-cache budget in tokens")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="capacity model: wall seconds per simulated second"
    )


def knobs_from_args(args: argparse.Namespace) -> Knobs:
    return Knobs(
        latency_s=args.latency,
        latency_per_item_s=args.latency_per_item,
        capacity=args.capacity,
        error_rate=args.error_rate,
        error_status=args.error_status,
        rate_limit_every=args.rate_limit_every,
        retry_after_s=args.retry_after,
        duplicate_rate=args.duplicate_rate,
        bad_item_rate=args.bad_item_rate,
        invalid_json_rate=args.invalid_json_rate,
        prose_rate=args.prose_rate,
        truncate_rate=args.truncate_rate,
        context_tokens=args.context_tokens,
        model_loading_calls=args.model_loading_calls,
        expected_api_key=args.api_key,
        chat_text_without_schema=not args.no_chat_text,
        seed=args.seed,
        max_num_seqs=args.max_num_seqs,
        kv_cache_tokens=args.kv_cache_tokens,
        time_scale=args.time_scale,
    )


def main(argv: list[str], prog: str = "qgen simulate") -> int:
    """Parse ``argv`` (the words after ``qgen simulate``) and serve until interrupted; a usage error exits 2."""
    parser = _Parser(prog=prog, description="Serve the RunPod/vLLM and Gemini simulators on loopback.")
    add_simulate_arguments(parser)
    return simulate_command(parser.parse_args(argv))


def simulate_command(args: argparse.Namespace) -> int:
    """Run until interrupted; prints ``RUNPOD_BASE_URL=…`` / ``GEMINI_BASE_URL=…`` lines first. Returns 0."""
    ports = {
        k: p
        for k, p in (("vllm", args.vllm_port), ("runpod", args.runpod_port), ("gemini", args.gemini_port))
        if p is not None
    }
    if not ports:
        ports = {"vllm": 0, "gemini": 0}
    try:
        asyncio.run(run_forever(list(ports), host=args.host, ports=ports, knobs=knobs_from_args(args)))
    except KeyboardInterrupt:
        pass
    return 0
