"""On topic or refused: is a generated question about its request's subject? (the decision is pure)

A question is compared (cosine, the embeddings the worker already computes for dedupe) with short texts
that describe subjects: the request's own (each chapter of its catalogue subject, and the request's own
subject and topic) and every other catalogue subject's chapters. It is off topic when some other subject
describes it better than its own by more than ``margin``:

    refuse  ⇔  max cos(q, other subjects' chapters) − max cos(q, own chapters) > margin

A relative rule, not an absolute floor: MiniLM puts a well-posed word problem only 0.1-0.3 from any
chapter description, and a floor low enough to keep real exam questions would pass almost anything;
whether *another* subject is nearer is what separates "a compound-interest question asked for
Astrology" from a plain one. The margin is calibrated in docs/topic.md (false refusals of real exam
questions against their own subjects; simulator items drawn from other subjects).

The subject is judged, not the chapter: a question for 'Chemical Kinetics' must be nearer some chemistry
text than any text of Physics or Biology, and may be nearer another chemistry chapter. Chapters of one
subject sit too close together in MiniLM's space: judged against its named chapter alone, half of the
simulators' same-subject items and a fifth of the other subjects' were refused (docs/topic.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .catalogue import Catalogue, Topic, subject_key


@dataclass(frozen=True)
class Reference:
    """Embedded descriptions for one request: its own subject's rows and every other subject's rows."""

    own: np.ndarray  # (k, d), L2-normalised
    others: np.ndarray  # (m, d), L2-normalised; m may be 0
    other_subjects: tuple[str, ...]  # the subject of each row of ``others``


@dataclass(frozen=True)
class TopicVerdict:
    on_topic: bool
    own: float  # best cosine with the request's own subject
    other: float  # best cosine with another subject (-1 when there is none)
    other_subject: str | None

    @property
    def margin(self) -> float:
        """How much better another subject describes the question (positive: better)."""
        return self.other - self.own


def chapter_text(t: Topic) -> str:
    return f"{t.subject}: {t.name}. {t.description}"


def reference_texts(catalogue: Catalogue, subject: str, topic: str) -> tuple[list[str], list[str], list[str]]:
    """(own texts, other texts, the subject of each other text) for a request on ``subject``/``topic``.

    Own: the request's subject and topic as written, and every chapter of its subject. Other: every
    chapter of every other catalogue subject. A subject outside the catalogue (an open catalogue) has only
    its own name and topic.
    """
    own = [f"{subject}: {topic}"]
    mine = catalogue.subject(subject)
    if mine is not None:
        own += [chapter_text(t) for t in mine.topics]
    others: list[str] = []
    owners: list[str] = []
    for s in catalogue.subjects.values():
        if mine is not None and s.name == mine.name:
            continue
        for t in s.topics:
            others.append(chapter_text(t))
            owners.append(s.name)
    return own, others, owners


def judge(embeddings: np.ndarray, ref: Reference, margin: float) -> list[TopicVerdict]:
    """One verdict per row of ``embeddings`` (L2-normalised): refused when another subject is nearer
    than the request's own by more than ``margin``."""
    if len(embeddings) == 0:
        return []
    q = np.asarray(embeddings, dtype=np.float32).reshape(len(embeddings), -1)
    own = (q @ ref.own.T).max(axis=1)
    if len(ref.others) == 0:
        return [TopicVerdict(True, float(o), -1.0, None) for o in own]
    sims = q @ ref.others.T
    best = sims.argmax(axis=1)
    out = []
    for i, o in enumerate(own):
        other = float(sims[i, best[i]])
        out.append(TopicVerdict(other - float(o) <= margin, float(o), other, ref.other_subjects[best[i]]))
    return out


EmbedTexts = Callable[[list[str]], Awaitable[np.ndarray]]


class Screen:
    """The worker's check. Every catalogue chapter is embedded once, on first use; a request's own line
    ("subject: topic") once per (subject, topic), kept (bounded). A worker meeting a new topic for each
    request thus embeds one text for it, not the whole catalogue again."""

    CACHE = 256

    def __init__(self, catalogue: Catalogue, embed: EmbedTexts, margin: float) -> None:
        self.catalogue = catalogue
        self.embed = embed
        self.margin = margin
        self._chapters: dict[str, np.ndarray] | None = None  # chapter text → its embedding
        self._refs: dict[tuple[str, str], Reference] = {}

    async def _chapter_vectors(self) -> dict[str, np.ndarray]:
        if self._chapters is None:
            texts = [chapter_text(t) for s in self.catalogue.subjects.values() for t in s.topics]
            self._chapters = dict(zip(texts, await self.embed(texts), strict=True)) if texts else {}
        return self._chapters

    async def reference(self, subject: str, topic: str) -> Reference:
        key = (subject_key(subject), " ".join(topic.split()).lower())
        ref = self._refs.get(key)
        if ref is None:
            own, others, owners = reference_texts(self.catalogue, subject, topic)
            chapters = await self._chapter_vectors()
            line = (await self.embed(own[:1]))[0]
            ref = Reference(
                np.vstack([line, *(chapters[t] for t in own[1:])]),
                np.vstack([chapters[t] for t in others]) if others else np.zeros((0, len(line)), dtype=np.float32),
                tuple(owners),
            )
            if len(self._refs) >= self.CACHE:
                self._refs.pop(next(iter(self._refs)))
            self._refs[key] = ref
        return ref

    async def judge(self, subject: str, topic: str, embeddings: Sequence[np.ndarray]) -> list[TopicVerdict]:
        if not embeddings:
            return []
        ref = await self.reference(subject, topic)
        return judge(np.vstack([np.asarray(e).reshape(1, -1) for e in embeddings]), ref, self.margin)
