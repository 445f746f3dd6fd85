"""Measure the near-duplicate rule on the hand corpus and on GSM8K, and choose QGEN_DEDUP_THRESHOLD.

Usage: python scripts/measure_threshold.py [--skip-gsm8k] [--skip-agieval]   (offline; uses the bundled all-MiniLM-L6-v2)

Hand corpus (tests/dedupe_corpus.py): per pair kind, the similarity distribution of the embedded
representations, what the text check (``dedupe.same_question``) and the full rule (``dedupe.relation``)
say, then for candidate thresholds how many pairs the rule gets wrong: duplicates missed, must-keep pairs
refused, and how many of the pairs the embedding decides are refused.

GSM8K (tests/data/gsm8k, 1 319 real distinct problems, copies made by tests/gsm8k_corpus.py): per copy
kind the similarity to its original, then per threshold how many originals one scope keeps (each judged
against the earlier ones, as a batch) and how many copies are refused as duplicates of their own
original, or labelled variants of it. Copies are judged against the bank rows the probe would return:
the same hash, the same number-masked key, and the 5 nearest originals at or above the threshold.
Takes about two minutes on two cores (embedding about 7 000 texts).

AGIEval (tests/data/agieval, real exam sets): per set and threshold, the distinct questions one scope
keeps and, on the two reading sets, the reworded copies refused as duplicates of their own original; and
on those sets the cosine of two questions on one passage against that of a reworded copy under three
views of a long stem (first 256 word pieces, last 256, ask and options alone).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import dedupe
from service.embedding import Embedder, representation
from service.facets import Facets, options_of, representation_text, split_ask, text_hash
from service.questions import validate_item
from service.settings import Settings
from tests import agieval_corpus as agieval
from tests import dedupe_corpus as corpus
from tests import gsm8k_corpus as gsm8k

MARGIN = 0.02
# The only kinds the text check may keep at or above the threshold: one passage, another ask.
SHARED = frozenset({"shared-passage", "shared-passage-reworded"})
THRESHOLDS = [round(float(t), 2) for t in np.arange(0.60, 0.991, 0.01)]


def _q(item: dict[str, Any]) -> Any:
    return validate_item(item, "mcq" if "options" in item else "numeric")


def _facets(x: Any) -> Facets:
    return Facets.of(x.question_text, options_of(x))


async def hand_corpus(embedder: Embedder) -> tuple[dict[float, tuple[int, int, int]], float]:
    """Print the hand corpus figures; return {threshold: (missed dups, must-keep refused, embedding-decided
    refused)} and the similarity of the least similar duplicate."""
    tok = embedder.model.tokenizer
    groups = (
        ("dup", corpus.duplicate_pairs()),
        ("keep", corpus.distinct_pairs()),
        ("embedding", corpus.embedding_decides_pairs()),
    )
    pairs = [(k, a, b, g) for g, ps in groups for k, a, b in ps]
    qa = [_q(a) for _, a, _, _ in pairs]
    qb = [_q(b) for _, _, b, _ in pairs]
    ea = await embedder.embed(qa)
    eb = await embedder.embed(qb)
    sims = [float(s) for s in np.sum(ea * eb, axis=1)]
    fa, fb = [_facets(x) for x in qa], [_facets(y) for y in qb]
    same = [dedupe.same_question(x, y) for x, y in zip(fa, fb, strict=True)]
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (kind, _, _, g) in enumerate(pairs):
        by_kind[(g, kind)].append(i)
    longest = max(len(tok(representation(x))["input_ids"]) for x in qa)
    print(", ".join(f"{len(ps)} {g} pairs" for g, ps in groups) + f"; longest representation {longest} word pieces\n")
    print(f"{'expected':9} {'kind':30} {'n':>3} {'min':>6} {'median':>6} {'max':>6}  text check says same  variants")
    order = {"dup": 0, "keep": 1, "embedding": 2}
    for (g, kind), idx in sorted(by_kind.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        vals = [sims[i] for i in idx]
        variants = sum(dedupe.relation(fb[i], fa[i], sims[i], 0.8) == "variant" for i in idx)
        print(
            f"{g:9} {kind:30} {len(idx):3d} {min(vals):6.3f} {float(np.median(vals)):6.3f} "
            f"{max(vals):6.3f}  {sum(same[i] for i in idx):>9}/{len(idx):<10} {variants}/{len(idx)}"
        )
    print("\nthreshold  missed-dups  kept-refused  embedding-decides-refused  (embedding alone: missed / kept-refused)")
    errors = {}
    n_emb = len(corpus.embedding_decides_pairs())
    for t in THRESHOLDS:
        refused = [dedupe.relation(y, x, s, t) is not None for x, y, s in zip(fa, fb, sims, strict=True)]
        missed = sum(1 for p, r in zip(pairs, refused, strict=True) if p[3] == "dup" and not r)
        false = sum(1 for p, r in zip(pairs, refused, strict=True) if p[3] == "keep" and r)
        emb = sum(1 for p, r in zip(pairs, refused, strict=True) if p[3] == "embedding" and r)
        emb_missed = sum(1 for p, s in zip(pairs, sims, strict=True) if p[3] == "dup" and s < t)
        emb_false = sum(1 for p, s in zip(pairs, sims, strict=True) if p[3] == "keep" and s >= t)
        # the acceptance criterion: every pair the text check keeps at or above t is the shared-passage exemption
        leaks = [p[0] for p, s, ok in zip(pairs, sims, same, strict=True) if s >= t and not ok and p[0] not in SHARED]
        assert not leaks, (t, leaks)
        errors[t] = (missed, false, emb)
        print(f"  {t:.2f}      {missed:3d}          {false:3d}            {emb:3d}/{n_emb}", end="")
        print(f"                       {emb_missed:3d} / {emb_false:3d}")
    dup_min = min(s for p, s in zip(pairs, sims, strict=True) if p[3] == "dup")
    print(f"\nleast similar duplicate {dup_min:.3f}")
    return errors, dup_min


async def gsm8k_figures(embedder: Embedder) -> dict[float, dict[str, tuple[int, int]]]:
    """Print the GSM8K figures; return {threshold: {what: (right, n)}}."""
    problems = [p for p in gsm8k.load() if p.index not in gsm8k.TRUE_REPEATS]
    make = {
        "reworded": gsm8k.reworded,
        "reordered": gsm8k.reordered,
        "reformatted": gsm8k.reformatted,
        "number-changed": gsm8k.number_changed,
    }
    texts = {"original": [(p.index, p.question) for p in problems]}
    texts |= {kind: [(p.index, t) for p in problems if (t := f(p))] for kind, f in make.items()}
    started = time.monotonic()
    emb = {kind: await embedder.embed_texts([representation_text(t) for _, t in rows]) for kind, rows in texts.items()}
    n_texts = sum(len(rows) for rows in texts.values())
    took = time.monotonic() - started
    print(f"\nGSM8K: {len(problems)} problems; {n_texts} texts embedded in {took:.0f} s ({n_texts / took:.0f}/s)")
    row_of = {i: k for k, (i, _) in enumerate(texts["original"])}
    orig = emb["original"]
    facets = {kind: [Facets.of(t) for _, t in rows] for kind, rows in texts.items()}
    hashes = {kind: [text_hash(t) for _, t in rows] for kind, rows in texts.items()}
    by_key: dict[str, list[int]] = defaultdict(list)
    for k, f in enumerate(facets["original"]):
        by_key[f.variant_key].append(k)
    by_hash = {h: k for k, h in enumerate(hashes["original"])}
    sim_orig = orig @ orig.T
    print(f"{'copy kind':15} {'n':>5} {'min':>6} {'1%':>6} {'5%':>6} {'median':>6}   similarity to its own original")
    sims = {}
    for kind in make:
        s = np.array([float(orig[row_of[i]] @ emb[kind][k]) for k, (i, _) in enumerate(texts[kind])])
        sims[kind] = emb[kind] @ orig.T
        print(f"{kind:15} {len(s):5d} {s.min():6.3f} {np.quantile(s, 0.01):6.3f} {np.quantile(s, 0.05):6.3f} {np.median(s):6.3f}")
    out: dict[float, dict[str, tuple[int, int]]] = {}
    for t in THRESHOLDS:
        n = len(problems)
        d = dedupe.decide(facets["original"], hashes["original"], ["s"] * n, sim_orig, [[] for _ in range(n)], t)
        row = {"originals kept": (sum(x.accepted for x in d), n)}
        for kind in make:
            right = 0
            for k, (i, _) in enumerate(texts[kind]):
                s = sims[kind][k]
                near = [j for j in np.argsort(-s)[:5] if s[j] >= t]
                found = set(near) | set(by_key.get(facets[kind][k].variant_key, []))
                matches = [dedupe.BankMatch(j, float(s[j]), facets["original"][j]) for j in found]
                if hashes[kind][k] in by_hash:
                    j = by_hash[hashes[kind][k]]
                    matches.append(dedupe.BankMatch(j, 1.0, facets["original"][j], exact=True))
                v = dedupe.decide([facets[kind][k]], [hashes[kind][k]], ["s"], np.ones((1, 1)), [matches], t)[0]
                wanted = ("variant",) if kind == "number-changed" else ("near_duplicate", "exact_duplicate")
                right += v.reason in wanted and v.matched_question_id == row_of[i]
            row[kind] = (right, len(texts[kind]))
        out[t] = row
    kinds = list(out[THRESHOLDS[0]])
    print("\nthreshold  " + "  ".join(f"{k:>16}" for k in kinds))
    for t in THRESHOLDS:
        print(f"  {t:.2f}    " + "  ".join(f"{r:>10}/{n:<5}" for r, n in out[t].values()))
    return out


def _item_facets(item: dict[str, Any]) -> Facets:
    return Facets.of(item["question_text"], item.get("options") or [])


async def agieval_figures(embedder: Embedder) -> dict[float, dict[str, tuple[int, int]]]:
    """Print the AGIEval figures (tests/data/agieval): per set, per threshold, the distinct questions one
    scope keeps (judged as one batch, like ``qgen import`` of the whole set) and, for the reading sets,
    the reworded copies refused as duplicates of their own original. Then, for the reading sets, how the
    three ways of seeing a long stem separate two questions on one passage from a reworded copy."""
    out: dict[float, dict[str, tuple[int, int]]] = {t: {} for t in THRESHOLDS}
    tok = embedder.model.tokenizer
    for name in agieval.SETS:
        items = list(agieval.load(name))
        repeats = agieval.TRUE_REPEATS.get(name, {})
        started = time.monotonic()
        emb = await embedder.embed([_q(it.item) for it in items])
        facets = [_item_facets(it.item) for it in items]
        hashes = [text_hash(it.text, options_of(it.item)) for it in items]
        sim = emb @ emb.T
        copies = [(k, c) for k, it in enumerate(items) if name in agieval.PASSAGE_SETS and (c := agieval.reworded(it))]
        cemb = await embedder.embed([_q(c) for _, c in copies]) if copies else np.zeros((0, emb.shape[1]))
        cfacets = [_item_facets(c) for _, c in copies]
        chashes = [text_hash(c["question_text"], c.get("options") or []) for _, c in copies]
        csim = cemb @ emb.T
        print(f"\nAGIEval {name}: {len(items)} questions ({len(repeats)} repeats in the data), {len(copies)} reworded"
              f" copies; embedded in {time.monotonic() - started:.0f} s")
        for t in THRESHOLDS:
            n = len(items)
            d = dedupe.decide(facets, hashes, ["s"] * n, sim, [[] for _ in range(n)], t)
            kept = sum(x.accepted for k, x in enumerate(d) if k not in repeats)
            out[t][f"{name} kept"] = (kept, n - len(repeats))
            if not copies:
                continue
            right = 0
            for c, (k, _) in enumerate(copies):
                s = csim[c]
                near = [j for j in np.argsort(-s)[:5] if s[j] >= t and j not in repeats]
                matches = [dedupe.BankMatch(j, float(s[j]), facets[j], exact=hashes[j] == chashes[c]) for j in near]
                v = dedupe.decide([cfacets[c]], [chashes[c]], ["s"], np.ones((1, 1)), [matches], t)[0]
                right += v.reason in ("near_duplicate", "exact_duplicate") and v.matched_question_id == k
            out[t][f"{name} reworded refused"] = (right, len(copies))
        if name not in agieval.PASSAGE_SETS:
            continue
        # The long-stem options, by the cosine each gives two questions on one passage and a reworded copy:
        # the stored representation (ask, options, then the passage: the first 256 word pieces), the last
        # 256 word pieces of the text as printed (passage, question, options), and the ask and options alone
        # (the stem embedded apart). The text rule needs none of them: its figures are the rows above.
        async def views(rows: list[dict[str, Any]], stored: np.ndarray) -> dict[str, np.ndarray]:
            printed = [r["question_text"] + "\n" + "\n".join(r.get("options") or []) for r in rows]
            tails = [tok.decode(tok(p, add_special_tokens=False)["input_ids"][-254:]) for p in printed]
            asks = [representation_text(split_ask(r["question_text"])[0], r.get("options") or []) for r in rows]
            return {
                "first 256 (stored)": stored,
                "last 256": await embedder.embed_texts(tails),
                "ask + options": await embedder.embed_texts(asks),
            }

        views_o = await views([it.item for it in items], emb)
        views_c = await views([c for _, c in copies], cemb)
        pairs = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items))
                 if items[i].passage == items[j].passage and j not in repeats and i not in repeats]
        print(f"{'view':20} {'same passage, other question':>30} {'reworded copy':>22}   (cosine: median / max; median / min)")
        for view, e in views_o.items():
            other = np.array([float(e[i] @ e[j]) for i, j in pairs])
            own = np.array([float(views_c[view][c] @ e[k]) for c, (k, _) in enumerate(copies)])
            print(f"{view:20} {np.median(other):>21.3f} / {other.max():.3f} {np.median(own):>13.3f} / {own.min():.3f}")
    names = list(out[THRESHOLDS[0]])
    print("\nthreshold  " + "  ".join(f"{k:>22}" for k in names))
    for t in THRESHOLDS:
        print(f"  {t:.2f}    " + "  ".join(f"{r:>16}/{n:<5}" for r, n in out[t].values()))
    return out


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-gsm8k", action="store_true", help="leave GSM8K out (minutes)")
    parser.add_argument("--skip-agieval", action="store_true", help="leave AGIEval out (minutes)")
    args = parser.parse_args()
    embedder = await Embedder.load(Settings())
    errors, dup_min = await hand_corpus(embedder)
    good = {t for t, (missed, false, _) in errors.items() if missed == 0 and false == 0}
    if not args.skip_gsm8k:
        figures = await gsm8k_figures(embedder)
        # the acceptance bar of tests/test_gsm8k_dedupe.py
        bar = {"originals kept": 0.999, "number-changed": 0.95}
        good &= {
            t
            for t, row in figures.items()
            if all(r >= bar.get(kind, 0.99) * n for kind, (r, n) in row.items())
        }
    if not args.skip_agieval:
        figures_ag = await agieval_figures(embedder)
        # the acceptance bar of tests/test_agieval_dedupe.py on the reading sets
        good &= {
            t
            for t, row in figures_ag.items()
            if all(r >= (0.995 if kind.endswith("kept") else 0.99) * n
                   for kind, (r, n) in row.items() if kind.split()[0] in agieval.PASSAGE_SETS)
        }
    # Policy: a duplicate reaching students is worse than a distinct question being regenerated, so the
    # threshold sits MARGIN below the least similar measured duplicate of the hand corpus (rewordings in
    # the wild vary more than ours), and must make no error on either corpus.
    where = "the hand corpus" + ("" if args.skip_gsm8k else ", at GSM8K's bar")
    where += "" if args.skip_agieval else " and at AGIEval's reading-set bar"
    print(f"\nthresholds with no error on {where}: {min(good):.2f}-{max(good):.2f}" if good else "\nno threshold passes")
    chosen = math.floor((dup_min - MARGIN) * 100) / 100
    print(f"chosen QGEN_DEDUP_THRESHOLD = {chosen:.2f} (in range: {chosen in good})")
    embedder.close()
    return 0 if chosen in good else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
