"""Measure cosine similarities of duplicate and distinct question pairs and choose QGEN_DEDUP_THRESHOLD.

Usage: python scripts/measure_threshold.py   (offline; uses the bundled all-MiniLM-L6-v2)

Prints, per pair kind, the similarity distribution of the embedded representations and the
length in word pieces, then for candidate thresholds how many pairs the full rule (embedding
similarity >= threshold, confirmed by ``dedupe.same_question``) gets wrong.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import dedupe
from service.embedding import Embedder, representation
from service.questions import validate_item
from service.settings import Settings
from tests import dedupe_corpus as corpus

MARGIN = 0.02


def _q(item: dict):  # type: ignore[no-untyped-def]
    return validate_item(item, "mcq" if "options" in item else "numeric")


async def main() -> int:
    embedder = await Embedder.load(Settings())
    tok = embedder.model.tokenizer
    dup = corpus.duplicate_pairs()
    dis = corpus.distinct_pairs()
    pairs = [(k, a, b, True) for k, a, b in dup] + [(k, a, b, False) for k, a, b in dis]
    qa = [_q(a) for _, a, _, _ in pairs]
    qb = [_q(b) for _, _, b, _ in pairs]
    ea = await embedder.embed(qa)
    eb = await embedder.embed(qb)
    sims = np.sum(ea * eb, axis=1)
    same = [
        dedupe.same_question(
            dedupe.Facets.of(x.question_text, dedupe.options_of(x)),
            dedupe.Facets.of(y.question_text, dedupe.options_of(y)),
        )
        for x, y in zip(qa, qb, strict=True)
    ]
    by_kind: dict[tuple[bool, str], list[float]] = defaultdict(list)
    for (kind, _, _, is_dup), s in zip(pairs, sims, strict=True):
        by_kind[(is_dup, kind)].append(float(s))
    longest = max(len(tok(representation(x))["input_ids"]) for x in qa)
    print(
        f"{len(dup)} duplicate pairs, {len(dis)} distinct pairs; "
        f"longest representation {longest} word pieces\n"
    )
    print(f"{'expected':9} {'kind':26} {'n':>3} {'min':>6} {'median':>6} {'max':>6}  second check says same")
    for (is_dup, kind), vals in sorted(by_kind.items(), key=lambda kv: (not kv[0][0], kv[0][1])):
        idx = [i for i, p in enumerate(pairs) if p[0] == kind and p[3] == is_dup]
        agree = sum(same[i] for i in idx)
        print(
            f"{'dup' if is_dup else 'distinct':9} {kind:26} {len(vals):3d} {min(vals):6.3f} "
            f"{float(np.median(vals)):6.3f} {max(vals):6.3f}  {agree}/{len(idx)}"
        )
    print(
        "\nthreshold  missed-dups  false-dups (embedding alone)  missed-dups  false-dups (with second check)"
    )
    errors = {}
    for t in np.arange(0.60, 0.991, 0.01):
        emb_missed = sum(1 for (_, _, _, d), s in zip(pairs, sims, strict=True) if d and s < t)
        emb_false = sum(1 for (_, _, _, d), s in zip(pairs, sims, strict=True) if not d and s >= t)
        missed = sum(
            1 for (_, _, _, d), s, ok in zip(pairs, sims, same, strict=True) if d and not (s >= t and ok)
        )
        false = sum(
            1 for (_, _, _, d), s, ok in zip(pairs, sims, same, strict=True) if not d and s >= t and ok
        )
        errors[round(float(t), 2)] = (missed, false)
        print(
            f"  {t:.2f}      {emb_missed:3d}          {emb_false:3d}"
            f"                          {missed:3d}          {false:3d}"
        )
    # Policy: a duplicate reaching students is worse than a distinct question being regenerated, so the
    # threshold sits MARGIN below the least similar measured duplicate (rewordings in the wild vary more).
    dup_min = min(s for (_, _, _, d), s in zip(pairs, sims, strict=True) if d)
    chosen = math.floor((dup_min - MARGIN) * 100) / 100
    missed, false = errors[round(chosen, 2)]
    print(f"\nleast similar duplicate {dup_min:.3f}; margin {MARGIN}")
    print(
        f"chosen QGEN_DEDUP_THRESHOLD = {chosen:.2f} "
        f"({missed} missed duplicates, {false} distinct pairs rejected)"
    )
    embedder.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
