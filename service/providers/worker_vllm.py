"""What a runpod-workers/worker-vllm job returns, in each shape its images have used (src/handler.py).

A job's ``output`` carries the completion, or an ``error`` inside a COMPLETED job.
"""

from __future__ import annotations

from typing import Any


def native_text(output: Any) -> tuple[str, str | None, int | None, int | None]:
    """Text, finish reason and token counts from a worker-vllm job output, in either shape it comes in.

    Current images (src/handler.py after the 2026 rewrite) run the request as a chat completion and
    yield it: a list of ``{"choices": [{"message": {"content"}, "finish_reason"}], "usage":
    {"prompt_tokens", "completion_tokens"}}``. Older images yield ``{"choices": [{"tokens": [...]}],
    "usage": {"input", "output"}}`` batches, aggregated into a list by /runsync.
    """
    batches = output if isinstance(output, list) else [output]
    parts: list[str] = []
    finish: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    for batch in batches:
        if isinstance(batch, str):
            parts.append(batch)
            continue
        if not isinstance(batch, dict):
            continue
        for choice in (batch.get("choices") or [])[:1]:
            if not isinstance(choice, dict):
                continue
            if isinstance(choice.get("tokens"), list):
                parts.extend(str(t) for t in choice["tokens"])
            elif isinstance(choice.get("message"), dict):
                parts.append(choice["message"].get("content") or "")
            elif isinstance(choice.get("text"), str):
                parts.append(choice["text"])
            finish = choice.get("finish_reason") or finish
        usage = batch.get("usage") or {}
        if isinstance(usage, dict):
            prompt_tokens = usage.get("prompt_tokens", usage.get("input", prompt_tokens))
            completion_tokens = usage.get("completion_tokens", usage.get("output", completion_tokens))
    return "".join(parts), finish, prompt_tokens, completion_tokens


def output_error(output: Any) -> str | None:
    """The error a worker reported inside its output (a COMPLETED job can carry one), or None."""
    items = output if isinstance(output, list) else [output]
    for item in items:
        if isinstance(item, dict) and item.get("error"):
            err = item["error"]
            if isinstance(err, dict):
                return str(err.get("message") or err)
            return str(err)
    return None
