"""Cost figures: tokens and dollars per stored, verified question, ours against the seed's pipeline, in one run.

Both pipelines fill the same requests (four subjects: Mathematics and Physics routed to RunPod, Chemistry and
Biology to Gemini) against simulators with the same knobs: 10% wrong keys at the source, a 95%-accurate
verifier, and Aryabhata rambling past its JSON when nothing stops it (``ramble_without_stop``: the model
"does not stop on its own without stop strings"). Each pipeline gets simulators of its own, so neither sees
the other's history.

* Ours: a worker with the answer-key gate on; every call it made is in ``provider_calls`` (failed ones, blind
  solves and candidates it did not keep included), the verified questions in ``questions``.
* The seed's (docs: the system this project replaces): one question per call, JSON asked for in the prompt
  (no schema, no grammar), its stop strings ('<|im_start|>', '<|im_end|>', which never match while vLLM skips
  special tokens), max_tokens 2048 and temperature 0.7 on RunPod; any RunPod failure or unparseable reply
  sends the whole call to Gemini (JSON mode, maxOutputTokens 8192, three tries); an item is kept when it is
  valid, not an exact duplicate (their SHA-256 of the normalised text) and a blind solve by Gemini (JSON asked
  for in the prompt, one solve per question) reaches its key; otherwise the question is generated again.
  Every call is counted, failed ones included.

Prices: the shipped table (service/data/prices.toml); RunPod's pod-hour is spread over the throughput the table
assumes, the same for both pipelines. The cost ratio with Batch mode comes from a second run of ours on the
same requests with ``mode = 'batch'``: each call is priced at the rate it was billed at (``provider_calls.batch``
marks the ones the Batch API answered).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from bench_common import Cluster, Section
from bench_verify import key_is_wrong
from bench_worker import SUBJECTS, _sim_settings, _wait_terminal
from google import genai
from google.genai import types

from service import db, prompts
from service.answers import agrees
from service.parsing import strip_wrappers
from service.prices import Prices, call_cost, load_prices, price_for
from service.providers.base import ProviderReply
from service.questions import Question, RequestSpec, normalise_text, validate_items
from service.runtime import worker_runtime
from service.solve import SOLVE_SYSTEM, parse_solve, solve_call
from simulators.knobs import Knobs
from simulators.server import SimulatorServer

REQUEST_SIZE = 10  # questions per request: the same requests for both pipelines
SEED_TRIES = 6  # the seed generates a question again at most this often before giving up on it
RUNPOD_MODEL = "PhysicsWallahAI/Aryabhata-1.0"
GEMINI_MODEL = "gemini-3.5-flash"
# the seed's edge functions: "You are a strict JSON-only API…" plus a one-shot example
SEED_SYSTEM = (
    "You are a strict JSON-only API. You write exam questions for Indian competitive exams. Respond with JSON "
    "only, no explanations. Each question has question_text, options (exactly 4), correct_option_index, "
    "fastest_method, solution, pattern_tag, difficulty, time_target_seconds, diagram_required.\n"
    "Example:\n"
    + json.dumps({"questions": [{
        "question_text": "If the roots of $x^2 - 5x + 6 = 0$ are $\\alpha$ and $\\beta$, find $\\alpha^2 + \\beta^2$.",
        "options": ["13", "11", "25", "7"], "correct_option_index": 0,
        "fastest_method": "Use $(\\alpha+\\beta)^2 - 2\\alpha\\beta = 25 - 12$.",
        "solution": "By Vieta, $\\alpha+\\beta = 5$ and $\\alpha\\beta = 6$, so $\\alpha^2+\\beta^2 = 25 - 12 = 13$.",
        "pattern_tag": "symmetric functions of roots", "difficulty": "Easy", "time_target_seconds": 60,
        "diagram_required": False,
    }]})
)
SEED_STOP = ["<|im_start|>", "<|im_end|>"]
_JSON = re.compile(r"\{[\s\S]*\}")


def _knobs() -> tuple[Knobs, Knobs]:
    """The simulators of both pipelines: wrong keys, a 95% verifier, Aryabhata not stopping by itself."""
    return (Knobs(wrong_key_rate=0.1, solve_accuracy=0.95, ramble_without_stop=True, seed=41),
            Knobs(wrong_key_rate=0.1, solve_accuracy=0.95, seed=42))


def _requests(questions: int) -> list[tuple[RequestSpec, int]]:
    out = []
    for i, start in enumerate(range(0, questions, REQUEST_SIZE)):
        spec = RequestSpec(subject=SUBJECTS[i % len(SUBJECTS)], topic=f"cost topic {i}", exam="JEE Main",
                           question_type="numeric" if i % 3 == 2 else "mcq")
        out.append((spec, min(REQUEST_SIZE, questions - start)))
    return out


# --- accounting (pure) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One provider call as the bench prices it."""

    provider: str  # route key: runpod | gemini
    model: str
    purpose: str  # generate | verify
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    thinking_tokens: int = 0
    batch: bool = False


@dataclass
class Spend:
    """What a pipeline spent and kept."""

    calls: list[Call] = field(default_factory=list)
    verified: int = 0
    generated: int = 0
    discarded: int = 0
    wrong: int = 0  # of the verified, keys the simulators' answer registry knows to be wrong

    @property
    def tokens(self) -> int:
        return sum(c.prompt_tokens + c.completion_tokens for c in self.calls)


def cost(calls: Iterable[Call], prices: Prices) -> float:
    """USD of ``calls`` at ``prices``: cached prompt tokens at the cached rate, a call the Batch API answered
    (``Call.batch``) at the batch rate."""
    usd = 0.0
    for c in calls:
        price = price_for(prices, c.provider, c.model)
        if price is None:
            raise ValueError(f"no price for {c.provider}/{c.model}: the bench prices every call")
        usd += call_cost(price, c.prompt_tokens, c.completion_tokens, cached_tokens=c.cached_tokens, batch=c.batch)
    return usd


# --- ours ------------------------------------------------------------------------------------------------------


# the gate's cheaper settings, measured beside the defaults: one self-check solve instead of two, and Gemini's
# first solves at `low` instead of its default `medium` (each a trade against the gate's quality)
ECONOMY = {"verify_self_solves": 1, "gemini_verify_thinking_level": "low"}


async def _ours(cluster: Cluster, embedder: Any, requests: list[tuple[RequestSpec, int]], mode: str = "online",
                label: str = "", **more: Any) -> Spend:
    """Our worker filling ``requests`` in ``mode`` ('batch': Gemini's generation and first blind solves through
    the Batch API, polled every 0.2 s instead of QGEN_BATCH_POLL_S's 30 s, which only sets how soon a finished
    batch is read); ``more``: settings that differ from the defaults."""
    runpod, gemini = _knobs()
    async with cluster.database(f"cost_ours_{mode}{label}") as dsn, SimulatorServer("vllm", knobs=runpod) as vllm, \
            SimulatorServer("gemini", knobs=gemini) as gem:
        settings = _sim_settings(cluster, dsn, vllm, gem, verify="on", batch_poll_s=0.2, batch_poll_max_s=0.5,
                                 **more)
        conn = await db.connect(dsn, settings)
        try:
            async with worker_runtime(settings, dsn=dsn, embedder=embedder) as worker:
                task = asyncio.create_task(worker.run())
                try:
                    ids = [await conn.fetchval(
                        "insert into question_requests (subject, topic, exam, question_type, count, mode)"
                        " values ($1, $2, $3, $4, $5, $6) returning id",
                        spec.subject, spec.topic, spec.exam, spec.question_type, n, mode) for spec, n in requests]
                    await _wait_terminal(conn, ids, 1800)
                finally:
                    worker.stop()
                    await asyncio.wait_for(task, 60)
            return await _collect(conn, ids, worker.stats.work.generated, worker.stats.work.discarded)
        finally:
            await conn.close()


async def _collect(conn: asyncpg.Connection, ids: list[Any], generated: int, discarded: int) -> Spend:
    rows = await conn.fetch(
        "select provider, model, purpose, prompt_tokens, completion_tokens, cached_tokens, thinking_tokens, batch"
        " from provider_calls where request_id = any($1::uuid[])", ids)
    calls = [Call(r["provider"].removesuffix("-simulator"), r["model"], r["purpose"], r["prompt_tokens"],
                  r["completion_tokens"], r["cached_tokens"], r["thinking_tokens"], r["batch"]) for r in rows]
    verified = await conn.fetch(
        "select question_type, body from questions where request_id = any($1::uuid[]) and verification = 'verified'",
        ids)
    wrong = sum(key_is_wrong(r["question_type"], json.loads(r["body"])) is True for r in verified)
    return Spend(calls, len(verified), generated, discarded, wrong)


# --- the seed's pipeline ------------------------------------------------------------------------------------


class SeedPipeline:
    """The seed's generate-batch as its edge functions ran it, against the simulators' wire formats."""

    def __init__(self, runpod_url: str, gemini_url: str) -> None:
        self.runpod_url = runpod_url
        self.http = httpx.AsyncClient(timeout=25.0)  # the seed's 25 s abort
        self.gemini = genai.Client(api_key="bench", http_options=types.HttpOptions(base_url=gemini_url))
        self.spend = Spend()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def fill(self, spec: RequestSpec, n: int, seed: int) -> int:
        """Stored questions for one request, one question per call, each blind-solved once."""
        seen: set[str] = set()
        stored = 0
        for slot in range(n):
            for attempt in range(SEED_TRIES):
                item = await self._generate(spec, slot, seed * 1000 + slot * 10 + attempt)
                self.spend.generated += item is not None
                valid = validate_items([item], spec.question_type)[0] if item is not None else []
                if not valid:
                    continue
                q = valid[0]
                digest = hashlib.sha256(normalise_text(q.question_text).encode()).hexdigest()
                if digest in seen:  # their only dedupe: an exact hash of the normalised text
                    continue
                if await self._solves_to_key(q, seed * 1000 + slot * 10 + attempt):
                    seen.add(digest)
                    stored += 1
                    self.spend.wrong += key_is_wrong(spec.question_type, q.model_dump()) is True
                    break
        self.spend.verified += stored
        return stored

    def _prompt(self, spec: RequestSpec, slot: int, seed: int) -> str:
        plan = [f"a distinct idea within {spec.topic} (#{slot + 1})"]
        # the request block is the simulators' contract; the seed had no avoid list
        return (f"Generate 1 {spec.difficulty} {spec.question_type} question for {spec.exam} as JSON.\n"
                + prompts.user_prompt(spec, 1, plan, [], seed))

    async def _generate(self, spec: RequestSpec, slot: int, seed: int) -> Any:
        """One question: RunPod for maths and physics (by keyword), Gemini otherwise and on any RunPod failure."""
        prompt = self._prompt(spec, slot, seed)
        text = " ".join(x for x in (spec.subject, spec.topic) if x).lower()
        if "math" in text or "physics" in text:
            item = await self._runpod(prompt)
            if item is not None:
                return item
        return await self._gemini_item(prompt)

    async def _runpod(self, prompt: str) -> Any:
        body = {"model": RUNPOD_MODEL, "temperature": 0.7, "max_tokens": 2048, "stop": SEED_STOP,
                "messages": [{"role": "system", "content": SEED_SYSTEM}, {"role": "user", "content": prompt}]}
        try:
            resp = await self.http.post(f"{self.runpod_url}/chat/completions", json=body)
        except httpx.HTTPError:
            self.spend.calls.append(Call("runpod", RUNPOD_MODEL, "generate"))
            return None
        data = resp.json() if resp.status_code == 200 else {}
        usage = data.get("usage") or {}
        details = usage.get("prompt_tokens_details") or {}
        self.spend.calls.append(Call("runpod", RUNPOD_MODEL, "generate", usage.get("prompt_tokens", 0),
                                     usage.get("completion_tokens", 0), details.get("cached_tokens") or 0))
        if resp.status_code != 200:
            return None
        return _first_item(data["choices"][0]["message"].get("content") or "")

    async def _gemini_call(self, system: str, prompt: str, purpose: str) -> str | None:
        """Three tries (1/2/4 s apart on errors); every attempt counted."""
        config = types.GenerateContentConfig(system_instruction=system, temperature=0.7,
                                             response_mime_type="application/json", max_output_tokens=8192)
        for attempt in range(3):
            try:
                resp = await self.gemini.aio.models.generate_content(model=GEMINI_MODEL, contents=prompt, config=config)
            except Exception:
                self.spend.calls.append(Call("gemini", GEMINI_MODEL, purpose))
                await asyncio.sleep(2 ** attempt)
                continue
            u = resp.usage_metadata
            thoughts = (u.thoughts_token_count or 0) if u else 0
            self.spend.calls.append(Call(
                "gemini", GEMINI_MODEL, purpose, (u.prompt_token_count or 0) if u else 0,
                ((u.candidates_token_count or 0) + thoughts) if u else 0,
                (u.cached_content_token_count or 0) if u else 0, thoughts))
            return resp.text
        return None

    async def _gemini_item(self, prompt: str) -> Any:
        text = await self._gemini_call(SEED_SYSTEM, prompt, "generate")
        return _first_item(text) if text else None

    async def _solves_to_key(self, q: Question, seed: int) -> bool:
        """One blind solve by Gemini, JSON asked for in the prompt; an unusable answer keeps nothing."""
        call = solve_call(q, seed=seed, temperature=0.7)
        text = await self._gemini_call(SOLVE_SYSTEM, call.prompt, "verify")
        if text is None:
            return False
        try:
            answer = parse_solve("gemini", ProviderReply(text=text, model=GEMINI_MODEL), call)
        except Exception:
            return False
        return agrees(q, answer, 1e-3)[0]


def _first_item(text: str) -> Any:
    """The seed's extraction: the outermost braces, JSON.parse; a {"questions": [...]} wrapper unwrapped."""
    m = _JSON.search(strip_wrappers(text)[0])
    if not m:
        return None
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        return data["questions"][0] if data["questions"] else None
    return data


async def _seed(requests: list[tuple[RequestSpec, int]]) -> Spend:
    runpod, gemini = _knobs()
    async with SimulatorServer("vllm", knobs=runpod) as vllm, SimulatorServer("gemini", knobs=gemini) as gem:
        seed = SeedPipeline(vllm.base_url, gem.base_url)
        try:
            # each request on its own, as separate edge-function invocations ran; requests side by side
            await asyncio.gather(*(seed.fill(spec, n, i) for i, (spec, n) in enumerate(requests)))
        finally:
            await seed.aclose()
    return seed.spend


# --- the figures ----------------------------------------------------------------------------------------------


async def run(cluster: Cluster, embedder: Any, *, questions: int) -> Section:
    sec = Section("cost")
    requests = _requests(questions)
    prices = load_prices("")
    ours = await _ours(cluster, embedder, requests)
    batched = await _ours(cluster, embedder, requests, mode="batch")
    economy = await _ours(cluster, embedder, requests, mode="batch", label="_economy", **ECONOMY)
    seed = await _seed(requests)
    if not ours.verified or not seed.verified:
        raise RuntimeError(f"nothing verified (ours {ours.verified}, seed-style {seed.verified})")

    tok_ours, tok_seed = ours.tokens / ours.verified, seed.tokens / seed.verified
    ratio = tok_ours / tok_seed
    sec.add("tokens_per_verified_question_ratio_vs_seed_style", ratio, target="<= 0.6", ok=ratio <= 0.6,
            reference=f"seed style {tok_seed:,.0f} tokens per verified question = 1.0 (same run, same simulators)",
            note=f"ours {tok_ours:,.0f}; every call counted (failed, blind solves, unkept candidates); "
                 f"{ours.verified} and {seed.verified} verified of {questions} asked")

    # where the tokens go: the same calls split by purpose (writing questions, blind solves)
    for purpose, label in (("generate", "generation"), ("verify", "verification")):
        mine = sum(c.prompt_tokens + c.completion_tokens for c in ours.calls if c.purpose == purpose) / ours.verified
        theirs = sum(c.prompt_tokens + c.completion_tokens for c in seed.calls if c.purpose == purpose) / seed.verified
        thinking = sum(c.thinking_tokens for c in ours.calls if c.purpose == purpose) / ours.verified
        sec.add(f"{label}_tokens_per_verified_question_ratio_vs_seed_style", mine / theirs,
                reference=f"seed style {theirs:,.0f} {label} tokens per verified question = 1.0",
                note=f"ours {mine:,.0f}, of which {thinking:,.0f} thinking")

    if not batched.verified or not economy.verified:
        raise RuntimeError("nothing verified by the Batch-mode requests")
    sent = sum(1 for c in batched.calls if c.batch)
    usd_seed = cost(seed.calls, prices) / seed.verified
    usd_online = cost(ours.calls, prices) / ours.verified
    usd_batch = cost(batched.calls, prices) / batched.verified  # each call at the rate it was billed at
    online_ratio, batch_ratio = usd_online / usd_seed, usd_batch / usd_seed
    sec.add("cost_per_verified_question_ratio_vs_seed_style", batch_ratio, target="<= 0.4", ok=batch_ratio <= 0.4,
            reference=f"seed style ${usd_seed:.5f} per verified question = 1.0 (same run, same prices)",
            note=f"the same requests with mode 'batch' and caching: {sent} of {len(batched.calls)} calls through "
                 f"Gemini's Batch API (provider_calls.batch), the rest online; ours ${usd_batch:.5f}, "
                 f"{batched.verified} verified, {batched.wrong} of them with a wrong key (seed style {seed.wrong} of "
                 f"{seed.verified}); prices: service/data/prices.toml")
    sec.add("cost_per_verified_question_ratio_vs_seed_style_online", online_ratio,
            reference=f"seed style ${usd_seed:.5f} per verified question = 1.0",
            note=f"ours online (caching, no Batch mode) ${usd_online:.5f} per verified question")

    usd_economy = cost(economy.calls, prices) / economy.verified
    tok_economy = economy.tokens / economy.verified / tok_seed
    sec.add("cost_per_verified_question_ratio_vs_seed_style_economy", usd_economy / usd_seed,
            reference=f"seed style ${usd_seed:.5f} per verified question = 1.0; {seed.wrong} of {seed.verified} "
                      "verified with a wrong key",
            note=f"Batch mode with QGEN_VERIFY_SELF_SOLVES=1 and GEMINI_VERIFY_THINKING_LEVEL=low: ${usd_economy:.5f}, "
                 f"tokens {tok_economy:.2f} of the seed's; {economy.wrong} of {economy.verified} verified with a wrong "
                 f"key (defaults: {batched.wrong} of {batched.verified})")

    prompt = sum(c.prompt_tokens for c in ours.calls)
    cached = sum(c.cached_tokens for c in ours.calls)
    runpod_prompt = sum(c.prompt_tokens for c in ours.calls if c.provider == "runpod")
    runpod_cached = sum(c.cached_tokens for c in ours.calls if c.provider == "runpod")
    sec.add("cached_prompt_share", cached / prompt if prompt else 0.0,
            reference=f"{cached:,} of {prompt:,} prompt tokens served from a prompt cache",
            note=f"RunPod (vLLM prefix cache) {runpod_cached / max(1, runpod_prompt):.2f}; Gemini's implicit cache "
                 "needs a 4,096-token shared prefix, longer than our static part")

    share = ours.discarded / ours.generated if ours.generated else float("nan")
    sec.add("discarded_candidates_ratio", share, target="<= 0.05", ok=share <= 0.05,
            reference=f"{ours.discarded} spares discarded of {ours.generated} generated candidates",
            note="10% wrong keys, 95% verifier; discarded: valid candidates generated and never stored or judged")
    sec.extra.update(
        cost_ours=_summary(ours), cost_ours_batch=_summary(batched), cost_ours_economy=_summary(economy),
        cost_seed=_summary(seed),
        cost_usd_per_verified={"seed": usd_seed, "ours_online": usd_online, "ours_batch": usd_batch,
                               "ours_economy": usd_economy},
        wrong_keys_verified={"seed": [seed.wrong, seed.verified], "ours_online": [ours.wrong, ours.verified],
                             "ours_batch": [batched.wrong, batched.verified],
                             "ours_economy": [economy.wrong, economy.verified]},
    )
    return sec


def _summary(s: Spend) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = {}
    for c in s.calls:
        d = by.setdefault(f"{c.provider}/{c.purpose}", {"calls": 0, "prompt": 0, "cached": 0, "completion": 0,
                                                        "thinking": 0})
        d["calls"] += 1
        d["prompt"] += c.prompt_tokens
        d["cached"] += c.cached_tokens
        d["completion"] += c.completion_tokens
        d["thinking"] += c.thinking_tokens
    return {"verified": s.verified, "wrong": s.wrong, "generated": s.generated, "discarded": s.discarded, "calls": by}
