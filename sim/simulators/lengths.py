"""How long the simulated models write: a blind solve's working, and a thinking model's thoughts.

Every token figure the bench publishes is only as real as these lengths, so each one names what it
follows. Google and PhysicsWallah publish no per-question token counts, so the numbers are our reading of
what they do publish, written down here and nowhere else:

- Aryabhata-1.0 (the vLLM and RunPod simulators): the model card (huggingface.co/PhysicsWallahAI/Aryabhata-1.0)
  and its paper (arXiv 2508.08665, "Aryabhata: An exam-focused language model for JEE Math") describe a
  model trained on verified chain-of-thought traces that answers with its step-by-step working and a
  ``\\boxed{}`` answer; it has no separate thinking phase (no ``reasoning_content`` in vLLM's reply), so the
  working is its output. The paper presents it as token-efficient next to long-thinking reasoning models; we
  take a JEE Main blind solve to write 350-900 tokens of working (``SOLVE_WORKING``), which stays inside the
  gate's 1200-token solve budget as the real model usually does.
- Gemini 3 (the Gemini simulator): thinking comes first and is billed as output
  (``usageMetadata.thoughtsTokenCount``; google-genai types.py ``GenerateContentResponseUsageMetadata
  .thoughts_token_count``); the visible working is the short write-up after it (120-300 tokens). Google gives
  the levels no token counts ("relative guidelines for reasoning rather than strict token guarantees", Gemini
  API blog on Gemini 3) and 2.5's thinking-budget docs cap Flash at 24,576 tokens; the per-task figures in
  ``THINKING_PER_TASK`` are ours: a level spends about that much per question it writes or solves, a
  few times more at each step up, so a 10-question call thinks ten times what one solve does.

Every draw comes from the caller's random source, so a seeded simulator repeats itself.
"""

from __future__ import annotations

import random

CHARS_PER_TOKEN = 3.5  # the inverse of prompts.estimate_tokens
# (low, high) tokens of visible working in a blind solve, by simulator kind
SOLVE_WORKING: dict[str, tuple[int, int]] = {"vllm": (350, 900), "runpod": (350, 900), "gemini": (120, 300)}
# thinking tokens per question written or solved, by Gemini thinking level (before the per-call spread)
THINKING_PER_TASK: dict[str, int] = {"MINIMAL": 48, "LOW": 512, "MEDIUM": 1024, "HIGH": 2048}
THINKING_SPREAD = 0.3  # each call spends within +-30% of its level's figure
# A shallower level errs more often. ``solve_accuracy`` is a solver's accuracy at its deepest thinking (HIGH,
# or a model without levels); each step down doubles the error rate (ours: Google publishes no accuracy by
# level, only that higher levels reason more deeply). Doubling errs on the strict side for a gate that
# solves first at a shallower level: it can only make that first solve look worse than it may be.
SOLVE_ERROR_FACTOR: dict[str, float] = {"MINIMAL": 8.0, "LOW": 4.0, "MEDIUM": 2.0, "HIGH": 1.0}
# A solver asked for its answer alone that has no thinking phase either (Aryabhata, or Gemini at 'minimal')
# reasons nowhere: it errs as at 'minimal' (ours; it can only make such a solve look worse than it may be).
UNREASONED = "MINIMAL"


def solve_accuracy(accuracy: float, level: str | None) -> float:
    """The accuracy of a solve at thinking ``level`` (None: no level, the model's own) for a solver
    ``accuracy``-accurate at its deepest."""
    factor = SOLVE_ERROR_FACTOR.get(level.upper(), 1.0) if level else 1.0
    return max(0.0, 1 - (1 - accuracy) * factor)

_STEPS = (
    "List what the question gives and what it asks for, with their units.",
    "Recall the relation that connects the given quantities and check that it applies here.",
    "Write the relation for this situation and substitute the given values symbol by symbol.",
    "Simplify step by step, keeping the units alongside so that a slip shows up at once.",
    "Check the intermediate result against the limiting cases: it must vanish or grow as expected.",
    "Carry the simplified expression through to the quantity that was asked for.",
    "Compare the result with each option, or with the expected order of magnitude.",
    "Recheck the arithmetic of the last two steps independently before stating the answer.",
)


def working_tokens(kind: str, rng: random.Random) -> int:
    """Tokens of visible working a ``kind`` simulator writes for one blind solve."""
    low, high = SOLVE_WORKING.get(kind, SOLVE_WORKING["vllm"])
    return rng.randint(low, high)


def working(conclusion: str, tokens: int) -> str:
    """A step-by-step working of about ``tokens`` tokens that ends at ``conclusion`` (the solver's own line,
    which states the answer it chose). Steps only: no second answer for a reader to find."""
    want = max(0, int(tokens * CHARS_PER_TOKEN) - len(conclusion) - 1)
    parts: list[str] = []
    size = 0
    i = 0
    while size < want:
        step = f"Step {i + 1}: {_STEPS[i % len(_STEPS)]}"
        parts.append(step)
        size += len(step) + 1
        i += 1
    text = " ".join(parts)[:want].rstrip()
    return f"{text} {conclusion}".strip() if text else conclusion


def thinking_tokens(level: str, tasks: int, rng: random.Random) -> int:
    """Thinking tokens a Gemini call at ``level`` spends on ``tasks`` questions (written or solved)."""
    per_task = THINKING_PER_TASK.get(level.upper(), THINKING_PER_TASK["MEDIUM"])
    spread = 1 + rng.uniform(-THINKING_SPREAD, THINKING_SPREAD)
    return max(1, round(per_task * max(1, tasks) * spread))
