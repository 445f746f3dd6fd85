"""What every simulator does per call, independent of the wire format.

``SimCore.gate`` applies the failure knobs (raising ``SimError``, which each protocol renders in its
own error shape), ``SimCore.generate`` builds the answer text from the request block and applies the
output knobs (chat text, broken JSON, truncation, ``max_tokens``, stop strings).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from service.prompts import estimate_tokens, parse_request_block

from . import content, lengths
from .content import ContentSource
from .knobs import Knobs, Stats

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DEFAULT_CONTEXT = {"vllm": 4096, "runpod": 4096, "gemini": 1_048_576}
CHARS_PER_TOKEN = 3.5  # the inverse of prompts.estimate_tokens

# What Aryabhata produced when it did not stop: the chat template's next turn, over and over.
_RAMBLE = (
    "<|im_end|>\n<|im_start|>user\nNow write more questions on the same topic.<|im_end|>\n"
    "<|im_start|>assistant\n"
)
# Qwen2.5 special tokens (Aryabhata-1.0's tokenizer): <|endoftext|> 151643, <|im_start|> 151644,
# <|im_end|> 151645 (Qwen2.5-Math tokenizer_config / generation_config, eos_token_id [151645, 151643]).
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
END_OF_TURN_ID = 151645


class SimError(Exception):
    """A failure to send instead of an answer; ``kind`` lets each protocol pick its wording."""

    def __init__(
        self, status: int, message: str, *, kind: str = "error", retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.retry_after = retry_after


@dataclass
class Generation:
    """One answer: the text, why it ended ('stop' | 'length') and token counts."""

    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    items: int


class SimCore:
    """State shared by the routes of one simulator: knobs, stats, content history, random source."""

    def __init__(self, kind: str, knobs: Knobs, model: str) -> None:
        self.kind = kind
        self.knobs = knobs
        self.model = model
        self.stats = Stats()
        self.content = ContentSource(seed=knobs.seed)
        self.rng = random.Random(knobs.seed)
        self.started = time.time()
        self.prefix_cache: Any = None  # vLLM without the capacity model: its PrefixCache, made on first use

    @property
    def context_limit(self) -> int:
        return self.knobs.context_tokens or DEFAULT_CONTEXT[self.kind]

    def reset_stats(self) -> None:
        """Zero the counters; keeps ``in_flight`` (calls still running) and the content history."""
        in_flight = self.stats.in_flight
        self.stats = Stats(in_flight=in_flight, max_in_flight=in_flight)

    def record(self, body: Any) -> None:
        self.stats.requests.append(body)

    def begin(self) -> None:
        """A call arrives: count it and its concurrency (before any gate, so capacity sees it)."""
        s = self.stats
        s.calls += 1
        s.in_flight += 1
        s.max_in_flight = max(s.max_in_flight, s.in_flight)

    def end(self, status: int) -> None:
        self.stats.in_flight -= 1
        self.stats.count_status(status)

    def check_failures(self) -> None:
        """The failure knobs, in the order documented on ``Knobs``; raises ``SimError``."""
        k, s = self.knobs, self.stats
        if s.calls <= k.model_loading_calls:
            raise SimError(502, "model is loading", kind="loading")
        if k.fail_next:
            status = k.fail_next.pop(0)
            raise SimError(
                status,
                f"injected failure {status}",
                kind="injected",
                retry_after=k.retry_after_s if status == 429 else None,
            )
        if k.rate_limit_every and s.calls % k.rate_limit_every == 0:
            raise SimError(429, "rate limit exceeded", kind="rate_limited", retry_after=k.retry_after_s)
        if k.error_rate > 0 and self.rng.random() < k.error_rate:
            raise SimError(
                k.error_status,
                f"random failure {k.error_status}",
                kind="injected",
                retry_after=k.retry_after_s if k.error_status == 429 else None,
            )
        if k.capacity is not None and s.in_flight > k.capacity:
            raise SimError(
                500,
                "EngineCore encountered an issue. See stack trace (above) for the root cause.",
                kind="capacity",
            )

    async def hang_if_asked(self) -> None:
        """``hang``: no answer at all (bounded by ``hang_max_s``)."""
        deadline = time.monotonic() + self.knobs.hang_max_s
        # Polling (not one long sleep) so that switching the knob off releases waiting calls.
        while self.knobs.hang and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def gate(self) -> float:
        """``check_failures`` then ``hang``; returns the time the call's service starts."""
        self.check_failures()
        await self.hang_if_asked()
        return time.monotonic()

    async def finish_latency(self, n_items: int, started: float) -> None:
        """Answer ``latency_s + latency_per_item_s * n`` after ``started``: the time spent building
        the answer counts towards it, so the configured latency is the call's whole service time."""
        k = self.knobs
        d = k.latency_s + k.latency_per_item_s * max(0, n_items) - (time.monotonic() - started)
        if d > 0:
            await asyncio.sleep(d)

    def generate(
        self,
        prompt_text: str,
        *,
        schema: bool | dict[str, Any] | None,
        max_tokens: int,
        stop: list[str] | None = None,
        stop_token_ids: list[int] | None = None,
        skip_special_tokens: bool = True,
        prompt_tokens: int | None = None,
        temperature: float | None = None,
        thinking: str | None = None,
    ) -> Generation:
        """The answer to ``prompt_text``: a verifier's answer for its ``<solve>`` block (``content.solve``,
        right with probability ``solve_accuracy``, less at a shallow ``thinking`` level), one answer per
        question of a ``<solves>`` list under its
        id (``{"answers": [...]}``; the ``solve_skip_rate``, ``solve_shuffle`` and ``solve_repeat`` knobs
        break the count and order as a model may: the schema fixes the fields, not the length or order of
        the list), questions for its request block; without either, an
        instance of the JSON ``schema`` when one constrains the output (as a grammar would), else a short
        chat reply. A solve reply follows the schema, chat-text and length knobs, not the item knobs
        (broken JSON, prose, truncation, duplicates, bad items, wrong keys).

        Stopping follows vLLM (vllm/v1/engine/detokenizer.py): stop strings are matched on the
        detokenised text, which leaves special tokens out while ``skip_special_tokens`` is true (the
        default), so '<|im_end|>' as a stop string never matches; ``stop_token_ids`` holding the
        end-of-turn id stops generation at the token. A grammar ends the output when the JSON closes.

        Temperature 0 is greedy decoding (vllm/sampling_params.py: "Zero means greedy sampling"; the seed
        only seeds a random sampler, and greedy has none): the same prompt gets the same solve whatever the
        seed, so a model re-solving at temperature 0 repeats its own mistakes."""
        k, s = self.knobs, self.stats
        constrained = schema is not None and schema is not False
        solves_blocks = parse_solves_block(prompt_text)
        solve_block = parse_solve_block(prompt_text) if solves_blocks is None else None
        block = find_block(prompt_text) if solve_block is None and solves_blocks is None else None
        p_tokens = prompt_tokens if prompt_tokens is not None else estimate_tokens(prompt_text)
        n_items = 0
        if solves_blocks is not None:
            item = answer_schema(schema) if constrained else None
            worked = _asks_working(item)
            answers = [
                fit_schema({"id": b["id"], **self._solve(b, temperature, thinking, worked)}, item) for b in solves_blocks
            ]
            answers = [a for a in answers if not (k.solve_skip_rate > 0 and self.rng.random() < k.solve_skip_rate)]
            if k.solve_shuffle:
                self.rng.shuffle(answers)
            if k.solve_repeat and answers:  # the first question answered again, with another option or value
                first = answers[0]
                other = {"choice": (first["choice"] + 1) % 4} if "choice" in first else {"answer": first["answer"] + 1}
                answers.append({**first, **other})
            text = json.dumps(fit_schema({"answers": answers}, schema), ensure_ascii=False)
            s.solves_returned += len(answers)
            if k.chat_text_always or (not constrained and k.chat_text_without_schema):
                text = f"Let me work them out.\n\n```json\n{text}\n```"
        elif solve_block is not None:
            worked = _asks_working(schema if constrained else None)
            text = json.dumps(
                fit_schema(self._solve(solve_block, temperature, thinking, worked), schema), ensure_ascii=False
            )
            s.solves_returned += 1
            if k.chat_text_always or (not constrained and k.chat_text_without_schema):
                text = f"Let me work it out.\n\n```json\n{text}\n```"
        elif block is None and isinstance(schema, dict):
            text = json.dumps(schema_instance(schema))
        elif block is None:
            text = "Hello! I am ready to write exam questions. Send a request block to get started."
        else:
            n = int(block.get("count") or 1)
            res = self.content.batch(
                block,
                max(0, min(n, 500)),
                duplicate_rate=k.duplicate_rate,
                bad_item_rate=k.bad_item_rate,
                wrong_key_rate=k.wrong_key_rate,
                wrong_key_first=k.wrong_key_first,
                off_topic_rate=k.off_topic_rate,
                variant_rate=k.variant_rate,
                rng=random.Random(self.rng.random()),
            )
            s.duplicates_returned += res.duplicates
            s.off_topic_returned += res.off_topic
            s.off_topic_near_returned += res.off_topic_near
            s.variants_returned += res.variants
            s.bad_items_returned += res.bad
            s.wrong_keys_returned += res.wrong_keys
            n_items = len(res.items)
            text = json.dumps({"questions": res.items}, ensure_ascii=False)
            if k.invalid_json_rate > 0 and self.rng.random() < k.invalid_json_rate:
                text = _break_json(text, self.rng)
            if k.prose_rate > 0 and self.rng.random() < k.prose_rate:
                # what Aryabhata does without a grammar: solve something, in prose, no JSON at all
                text = (
                    "Let us think step by step. Using the given relation, the required value simplifies to "
                    f"$\\frac{{{n + 1}}}{{2}}$, hence the answer is \\boxed{{{n + 1}/2}}."
                )
            if k.chat_text_always or (not constrained and k.chat_text_without_schema):
                text = (
                    f"Sure! Here are {n_items} {block.get('difficulty') or ''} questions on "
                    f"{block.get('topic') or 'the topic'}:\n\n```json\n{text}\n```\n\n"
                    "Each question has one correct answer. Let me know if you need more!"
                )
        finish = "stop"
        if block is not None and (
            k.truncate or (k.truncate_rate > 0 and self.rng.random() < k.truncate_rate)
        ):
            text, finish = text[: max(1, int(len(text) * 0.6))], "length"
        stopped_by_token = END_OF_TURN_ID in (stop_token_ids or [])
        if finish == "stop" and k.ramble_without_stop and not constrained and not stopped_by_token and self.kind != "gemini":
            turn = _RAMBLE
            if skip_special_tokens:  # the tokens are generated but left out of the text
                for tok in SPECIAL_TOKENS:
                    turn = turn.replace(tok, "")
            text += turn * (int(max_tokens * CHARS_PER_TOKEN) // len(turn) + 1)
        if stop and finish == "stop":
            cuts = [text.find(x) for x in stop if x and x in text]
            if cuts:
                text = text[: min(cuts)]
        if estimate_tokens(text) > max_tokens:
            text, finish = text[: int(max_tokens * CHARS_PER_TOKEN)], "length"
        c_tokens = estimate_tokens(text) if text else 0
        s.prompt_tokens += p_tokens
        s.completion_tokens += c_tokens
        if finish == "stop":
            s.items_returned += n_items
        return Generation(text, finish, p_tokens, c_tokens, n_items)

    def _solve(
        self, block: dict[str, Any], temperature: float | None, thinking: str | None = None, worked: bool = True
    ) -> dict[str, Any]:
        """A verifier's answer to one question block (``content.solve``), right with probability
        ``solve_accuracy`` at the deepest thinking, less at a shallower ``thinking`` level
        (``lengths.solve_accuracy``), and less again when the solver neither thinks (``self.kind`` has no
        thinking phase, or the level is minimal) nor writes its working (``worked``: the reply schema asks for
        it, ``lengths.UNREASONED``); at temperature 0 the same question always gets the same answer (greedy)."""
        k = self.knobs
        draw = self.rng
        if temperature == 0:  # greedy: one answer per question, drawn once
            draw = random.Random(f"{k.seed}:{block.get('question_text')}:{block.get('options')}")
        thinks = self.kind == "gemini" and (thinking or "").upper() != "MINIMAL"
        accuracy = lengths.solve_accuracy(k.solve_accuracy, thinking if thinks or worked else lengths.UNREASONED)
        accurate = accuracy >= 1 or draw.random() < accuracy
        reply = content.solve(block, accurate=accurate, rng=random.Random(draw.random()))
        if reply["working"] != content.COULD_NOT_SOLVE:
            # a real solver writes its working out (simulators/lengths.py); the length is drawn per question,
            # apart from the answer's draws, so that a seeded run picks the same answers as before
            size = random.Random(f"{k.seed}:{self.kind}:{block.get('question_text')}")
            reply["working"] = lengths.working(reply["working"], lengths.working_tokens(self.kind, size))
        return reply


def answer_schema(schema: Any) -> dict[str, Any] | None:
    """The schema of one answer of a batched solve's ``answers`` list (a ``$ref`` into ``$defs`` resolved), or
    None when ``schema`` does not describe one."""
    if not isinstance(schema, dict):
        return None
    answers = (schema.get("properties") or {}).get("answers")
    items = answers.get("items") if isinstance(answers, dict) else None
    if isinstance(items, dict) and isinstance(ref := items.get("$ref"), str) and ref.startswith("#/$defs/"):
        items = (schema.get("$defs") or {}).get(ref.removeprefix("#/$defs/"))
    return items if isinstance(items, dict) else None


def _asks_working(schema: Any) -> bool:
    """Whether a solve reply written to ``schema`` carries the working: yes unless the schema lists its
    properties and 'working' is not one of them (no schema: the model writes what the prompt asks, working
    included)."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    return not isinstance(props, dict) or not props or "working" in props


def fit_schema(value: dict[str, Any], schema: Any) -> dict[str, Any]:
    """``value`` shaped to an object ``schema`` as a grammar would force it: in the schema's property
    order, keys it does not list dropped, required keys it lacks filled with ``schema_instance``.
    No schema (or one without properties): ``value`` unchanged."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict) or not props:
        return value
    required = schema.get("required") or []
    return {
        name: value[name] if name in value else schema_instance(sub)
        for name, sub in props.items()
        if name in value or name in required
    }


def schema_instance(schema: Any) -> Any:
    """The smallest value a grammar for ``schema`` would let through: required properties only, first
    enum value, empty arrays and strings, zero, true (OpenAPI-style upper-case types accepted)."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "any_of"):
        if schema.get(key):
            return schema_instance(schema[key][0])
    kind = schema.get("type")
    kind = (kind[0] if isinstance(kind, list) and kind else kind or "object").lower()
    if kind == "object":
        props = schema.get("properties") or {}
        return {name: schema_instance(props.get(name)) for name in schema.get("required") or []}
    return {"array": [], "string": "", "boolean": True, "integer": 0, "number": 0}.get(kind)


def _break_json(text: str, r: random.Random) -> str:
    """Broken JSON the way models break it: a missing comma, a trailing comma or a lost bracket."""
    how = r.randrange(3)
    if how == 0 and '", "' in text:
        return text.replace('", "', '" "', 1)
    if how == 1:
        return text[:-2] + ",]}"
    return text[:-1]


def tracked(core: SimCore, handler: Handler) -> Handler:
    """Wrap an API handler so that every call is counted, with its concurrency and final status."""

    async def run(request: web.Request) -> web.StreamResponse:
        core.begin()
        core.stats.paths.append(request.path_qs)
        status = 499  # client went away before an answer
        try:
            resp = await handler(request)
            status = resp.status
            return resp
        finally:
            core.end(status)

    return run


def find_block(text: str) -> dict[str, Any] | None:
    """The request block in a whole conversation. The system prompt mentions ``<request>`` in prose,
    so the parse starts at each occurrence, the last first."""
    pos = len(text)
    for _ in range(100):  # bounded: a prompt has a handful of occurrences
        pos = text.rfind("<request>", 0, pos)
        if pos < 0:
            return None
        block = parse_request_block(text[pos:])
        if block is not None:
            return block
    return None


def parse_solve_block(prompt: str) -> dict[str, Any] | None:
    """The ``<solve>{...}</solve>`` block of a verifier's prompt (the last one that parses), or None.

    Its JSON: ``question_type`` ("mcq" | "numeric"), ``question_text``, ``options`` (4 strings, MCQ
    only), ``unit`` (numeric only), ``subject`` (the subject it was asked for, when the gate knows it). The
    contract is the answer-verification gate's; this helper only reads it."""
    for data in _tagged_json(prompt, "solve"):
        if _question_block(data):
            return dict(data)
    return None


def parse_solves_block(prompt: str) -> list[dict[str, Any]] | None:
    """The ``<solves>[...]</solves>`` list of a batched blind solve (the last one that parses), or None: question
    blocks as ``parse_solve_block`` reads them, each with an ``id`` string, ids distinct. The contract is the
    gate's (``service.solve.solves_call``); a malformed list is no batch at all, as a model would be lost."""
    for data in _tagged_json(prompt, "solves"):
        if not isinstance(data, list) or not data or not all(_question_block(b) for b in data):
            continue
        ids = [b.get("id") for b in data]
        if all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
            return [dict(b) for b in data]
    return None


def _tagged_json(prompt: str, tag: str) -> list[Any]:
    """The JSON values between ``<tag>`` and ``</tag>``, the last first. The system prompt may name the tag
    in prose, so every occurrence is a candidate start."""
    out: list[Any] = []
    starts = [m.start() for m in re.finditer(f"<{tag}>", prompt)]
    for start in reversed(starts[-100:]):
        end = prompt.find(f"</{tag}>", start)
        if end < 0:
            continue
        try:
            out.append(json.loads(prompt[start + len(tag) + 2 : end]))
        except json.JSONDecodeError:
            continue
    return out


def _question_block(data: Any) -> bool:
    """Whether ``data`` is one question as the verifier is shown it."""
    if not isinstance(data, dict) or not isinstance(data.get("question_text"), str):
        return False
    if data.get("question_type") not in ("mcq", "numeric"):
        return False
    return data["question_type"] != "mcq" or (
        isinstance(data.get("options"), list) and all(isinstance(o, str) for o in data["options"])
    )


def requested_count(prompt_text: str) -> int:
    """The block's ``count`` (0 without a block): used for per-item latency before generating."""
    block = find_block(prompt_text)
    try:
        return int(block.get("count") or 0) if block else 0
    except (TypeError, ValueError):
        return 0


def messages_text(messages: Any) -> str:
    """All message contents joined (string contents or OpenAI content parts)."""
    out: list[str] = []
    for m in messages if isinstance(messages, list) else []:
        c = m.get("content") if isinstance(m, dict) else None
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list):
            out.extend(p.get("text", "") for p in c if isinstance(p, dict))
    return "\n".join(out)
