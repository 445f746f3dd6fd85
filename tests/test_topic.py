"""The on-topic decision (pure) and its references: nearer another subject than its own by more than the
margin is refused; references come from the catalogue and are embedded once per subject and topic."""

from __future__ import annotations

import numpy as np
import pytest

from service import topic
from service.catalogue import Catalogue, Subject, Topic


def unit(*xs: float) -> np.ndarray:
    v = np.array([*xs, *([0.0] * (8 - len(xs)))], dtype=np.float32)
    return v / np.linalg.norm(v)


REF = topic.Reference(own=np.vstack([unit(1), unit(1, 0.2)]), others=np.vstack([unit(0, 1), unit(0, 0, 1)]),
                      other_subjects=("Physics", "Biology"))  # fmt: skip


def test_nearer_another_subject_by_more_than_the_margin_is_refused() -> None:
    qs = np.vstack([unit(1, 0.1), unit(0.1, 1), unit(0.2, 0, 1), unit(1, 1)])
    got = topic.judge(qs, REF, margin=0.05)
    assert [v.on_topic for v in got] == [True, False, False, True]
    assert [v.other_subject for v in got] == ["Physics", "Physics", "Biology", "Physics"]
    assert got[1].margin == pytest.approx(got[1].other - got[1].own) and got[1].margin > 0.05
    assert got[3].margin <= 0.05  # nearer its own second row (1, 0.2) than Physics: kept


def test_the_margin_decides_at_its_boundary() -> None:
    q = unit(1, 1.3)
    m = topic.judge(q.reshape(1, -1), REF, margin=0.0)[0].margin
    assert m > 0
    assert not topic.judge(q.reshape(1, -1), REF, margin=m - 1e-4)[0].on_topic
    assert topic.judge(q.reshape(1, -1), REF, margin=m + 1e-4)[0].on_topic


def test_without_other_subjects_everything_is_on_topic() -> None:
    ref = topic.Reference(own=unit(1).reshape(1, -1), others=np.zeros((0, 8), dtype=np.float32), other_subjects=())
    assert [v.on_topic for v in topic.judge(np.vstack([unit(0, 1), unit(1)]), ref, 0.0)] == [True, True]
    assert topic.judge(np.zeros((0, 8), dtype=np.float32), REF, 0.0) == []


MATHS = Subject("Mathematics", "runpod", "", ("maths",), (
    Topic("Mathematics", "Integral Calculus", "definite integrals"), Topic("Mathematics", "Trigonometry", "identities")))
BIO = Subject("Biology", "gemini", "", (), (Topic("Biology", "Ecology", "ecosystems"),))
CATALOGUE = Catalogue.of([MATHS, BIO])


def test_references_name_the_request_every_chapter_of_its_subject_and_the_other_subjects() -> None:
    own, others, owners = topic.reference_texts(CATALOGUE, "maths", "integral calculus")
    assert own == ["maths: integral calculus", "Mathematics: Integral Calculus. definite integrals",
                   "Mathematics: Trigonometry. identities"]  # fmt: skip
    assert (others, owners) == (["Biology: Ecology. ecosystems"], ["Biology"])
    # a subject outside the catalogue (an open catalogue): its own words only, every catalogue subject is another
    own, others, owners = topic.reference_texts(CATALOGUE, "Astrology/Horoscopes", "Sun signs")
    assert own == ["Astrology/Horoscopes: Sun signs"] and owners == ["Mathematics", "Mathematics", "Biology"]


async def test_the_screen_embeds_the_catalogue_once_and_each_request_line_once() -> None:
    calls: list[list[str]] = []

    async def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.vstack([unit(1) if t.lower().startswith("math") else unit(0, 1) for t in texts])

    screen = topic.Screen(CATALOGUE, embed, margin=0.05)
    first = await screen.judge("Maths", "Trigonometry", [unit(0, 1), unit(1)])
    again = await screen.judge(" maths ", "trigonometry", [unit(0, 1)])
    assert [v.on_topic for v in first] == [False, True] and [v.on_topic for v in again] == [False]
    assert [v.other_subject for v in first] == ["Biology", "Biology"]
    # the catalogue's 3 chapters once, then the request's own line once
    assert calls == [["Mathematics: Integral Calculus. definite integrals", "Mathematics: Trigonometry. identities",
                      "Biology: Ecology. ecosystems"], ["Maths: Trigonometry"]]  # fmt: skip
    # another topic of the same subject embeds only its own line: the chapters are not embedded again
    await screen.judge("Maths", "e2e topic 7", [unit(1)])
    assert calls[2:] == [["Maths: e2e topic 7"]]
