"""Measure the on-topic check (service/topic.py) and choose QGEN_TOPIC_MARGIN.

Usage: python scripts/measure_topic.py [set ...]   (default: every set and the simulators)
(offline; the bundled all-MiniLM-L6-v2; an embedded PostgreSQL in
QGEN_HOME, or DATABASE_URL, migrated for the subject catalogue it reads)

Real corpora, each question against its own subject (a refusal here is a false refusal):
  GSM8K (tests/data/gsm8k), AGIEval SAT math, MATH (by its type), AQuA-RAT as Mathematics; AGIEval SAT
  reading and LSAT reading comprehension as 'English' / 'Reading comprehension', a subject outside the
  catalogue (the catalogue opened for it), judged against the four catalogue subjects.
Simulators (sim/simulators/shapes/): every shape of each family as a question of its own subject (false
refusals) and of each subject that does not teach it (what the off-topic knob serves: each one must be
refused).
Prints, per margin, the share refused of each. Takes about two minutes on two cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import catalogue as cat
from service import db, topic
from service.embedding import Embedder
from service.facets import representation_text
from service.migrations import migrate
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
AGIEVAL = Path(os.environ.get("QGEN_AGIEVAL", ROOT.parent.parent / "shared" / "data" / "agieval"))
MARGINS = (-0.05, 0.0, 0.02, 0.05, 0.08, 0.10, 0.15, 0.20)
FAMILY_SUBJECT = {"mathematics": "Mathematics", "physics": "Physics", "chemistry": "Chemistry", "biology": "Biology"}


def agieval(name: str) -> list[tuple[str, list[str], dict[str, object]]]:
    """(full question text, options, record) of an AGIEval file: passage, then question, as a student reads it."""
    out = []
    for line in (AGIEVAL / name).read_text().splitlines():
        r = json.loads(line)
        text = "\n\n".join(x for x in (r.get("passage") or "", r["question"]) if x.strip())
        out.append((text, [str(o) for o in r.get("options") or []], r))
    return out


def corpora() -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """name -> [(subject, topic, question text, options)]."""
    sets: dict[str, list[tuple[str, str, str, list[str]]]] = {}
    gsm = [json.loads(x) for x in (ROOT / "tests" / "data" / "gsm8k" / "test.jsonl").read_text().splitlines()]
    sets["gsm8k"] = [("Mathematics", "Arithmetic word problems", r["question"], []) for r in gsm]
    if AGIEVAL.is_dir():
        sets["sat-math"] = [("Mathematics", "SAT math", t, o) for t, o, _ in agieval("sat-math.jsonl")]
        sets["math"] = [("Mathematics", str((r.get("other") or {}).get("type") or "Mathematics"), t, o)  # type: ignore[union-attr]
                        for t, o, r in agieval("math.jsonl")]
        sets["aqua-rat"] = [("Mathematics", "Algebra word problems", t, o) for t, o, _ in agieval("aqua-rat.jsonl")]
        sets["sat-en"] = [("English", "Reading comprehension", t, o) for t, o, _ in agieval("sat-en.jsonl")]
        sets["lsat-rc"] = [("English", "Reading comprehension", t, o) for t, o, _ in agieval("lsat-rc.jsonl")]
    return sets


def simulator_items() -> tuple[list[tuple[str, str, str, list[str]]], list[frozenset[str]]]:
    """(family subject, shape topic, text, options) for every shape of the four families, and the subjects
    that teach each (simulators.content.taught_in: where the syllabi overlap, more than one)."""
    from simulators.content import shape_item, taught_in
    from simulators.shapes import all_shapes

    out, taught = [], []
    for s in all_shapes():
        if s.family in FAMILY_SUBJECT:
            item = shape_item(s.key, seed=random.Random(s.key).randrange(1000))
            out.append((FAMILY_SUBJECT[s.family], s.topic.replace("_", " "), item["question_text"], item.get("options") or []))
            taught.append(frozenset(FAMILY_SUBJECT[f] for f in taught_in(s)))
    return out, taught


async def margins(
    screen: topic.Screen, embedder: Embedder, rows: list[tuple[str, str, str, list[str]]], vecs: np.ndarray | None = None
) -> np.ndarray:
    """other − own for each row (the quantity the check compares with the margin)."""
    if vecs is None:
        vecs = await embedder.embed_texts([representation_text(t, o) for _, _, t, o in rows])
    out = np.zeros(len(rows), dtype=np.float32)
    by_request: dict[tuple[str, str], list[int]] = {}
    for i, (s, tp, _, _) in enumerate(rows):
        by_request.setdefault((s, tp), []).append(i)
    for (s, tp), idx in by_request.items():
        verdicts = await screen.judge(s, tp, [vecs[i] for i in idx])
        for i, v in zip(idx, verdicts, strict=True):
            out[i] = v.margin
    return out


def line(name: str, m: np.ndarray, refuse_is_right: bool) -> str:
    cells = []
    for t in MARGINS:
        refused = float((m > t).mean()) if len(m) else 0.0
        cells.append(f"{refused:7.2%}")
    kind = "refused (should be 100%)" if refuse_is_right else "refused (false refusals)"
    return f"| {name:<34} | {len(m):>5} | " + " | ".join(cells) + f" | {kind}"


async def main() -> None:
    settings = Settings()
    async with db.connection(settings, vector=False) as conn:
        await migrate(conn)
        catalogue = await cat.load(conn)
    embedder = await Embedder.load(settings)
    screen = topic.Screen(catalogue, embedder.embed_texts, margin=0.0)
    print("| set | items | " + " | ".join(f"margin {t:+.2f}" for t in MARGINS) + " |")
    print("|---|---|" + "---|" * len(MARGINS))
    only = set(sys.argv[1:])
    for name, rows in corpora().items():
        if only and name not in only:
            continue
        m = await margins(screen, embedder, rows)
        print(line(name, m, False))
        worst = np.argsort(-m)[:3]
        for i in worst:
            print(f"|   worst: {m[i]:+.3f} {' '.join(rows[i][2].split())[:90]!r}")
    if only and "simulators" not in only:
        embedder.close()
        return
    sim, taught = simulator_items()
    sim_vecs = await embedder.embed_texts([representation_text(t, o) for _, _, t, o in sim])
    m_own = await margins(screen, embedder, sim, sim_vecs)
    print(line("simulators, own subject", m_own, False))
    pairs = [(i, other) for i in range(len(sim)) for other in FAMILY_SUBJECT.values() if other not in taught[i]]
    crossed = [(other, sim[i][1], sim[i][2], sim[i][3]) for i, other in pairs]
    m_off = await margins(screen, embedder, [(other, "any", t, o) for other, _tp, t, o in crossed],
                          np.vstack([sim_vecs[i] for i, _ in pairs]))
    print(line("simulators, another subject's request", m_off, True))
    for t in MARGINS:
        missed = [crossed[i] for i in np.where(m_off <= t)[0]]
        print(f"margin {t:+.2f}: {len(missed)} off-topic simulator items kept, e.g. "
              + "; ".join(f"{x[0]} <- {' '.join(x[2].split())[:60]!r}" for x in missed[:2]))
    embedder.close()


if __name__ == "__main__":
    asyncio.run(main())
