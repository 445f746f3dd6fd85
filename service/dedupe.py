"""Duplicate decisions, no I/O: the exact-duplicate hash, question facets, and the verdict rule.

The rule: two questions in a scope whose embeddings have cosine similarity >= the threshold are
duplicates. The embedding decides, except for the one case it cannot see: the same passage with a
different ask. all-MiniLM-L6-v2 reads only the first 256 word pieces and mean-pools them, so when a
long passage is shared, the parts of a multi-part question ("…What is the value of λ²?" / "…What is
the value of D?") embed almost identically. ``same_question`` keeps such a pair only when

* both texts have a dominant passage (>= ``PASSAGE_DOMINATES_WORDS`` words before the final ask),
* the two passages are essentially the same (content-term overlap >= ``SHARED_PASSAGE_MIN_OVERLAP``),
* and the final asks, or for MCQs the option sets, differ (overlap < ``ASK_MIN_OVERLAP``).

Everything else at or above the threshold is a duplicate: a reworded copy, the same template with
other numbers, a short set-up with another ask, two long questions with different passages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .questions import normalise_text

# A passage "dominates" when the text before the final ask has at least this many words: at that
# length the ask is a small share of the 256 pooled word pieces.
PASSAGE_DOMINATES_WORDS = 40
# Share of content terms two passages must have in common to be "the same passage". Copies of one
# passage, lightly edited, overlap 0.93-1.0 in the corpus; a passage rewritten sentence by sentence
# still overlaps 0.65 and must not shelter a reworded ask (docs/dedupe.md).
SHARED_PASSAGE_MIN_OVERLAP = 0.8
# Share of content terms two asks (and two option sets) must have in common to be "the same ask".
ASK_MIN_OVERLAP = 0.5

_SENTENCE_SPLIT = re.compile(r"(?<=[.?!])\s+(?=[A-Z(\\$\"'])|\n\s*\n?")
_PUNCT_SPACE = re.compile(r"\s*([{}()\[\]^_=+\-*/,.;:?!<>|])\s*")
_TERM = re.compile(r"\\?[a-z]+|\d+(?:\.\d+)?|[^\x00-\x7f\s]")
_GREEK = {
    name: unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}")
    for name in (
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lamda mu nu xi omicron pi rho sigma tau "
        "upsilon phi chi psi omega"
    ).split()
}
_GREEK["lambda"] = _GREEK["lamda"]
# Words that carry no meaning of their own in an ask, including the interchangeable instruction verbs
# of a rewording ("Find" / "Determine" / "What is the value of").
_STOP = frozenset(
    """a an the of to in on at by for with from and or as is are was were be been being it its this that these
    those then than there their which what whose who whom how many much does do did has have had if into
    find determine calculate compute evaluate obtain estimate work out give state write show identify
    value values equal equals corresponding given following respectively required answer nearly approximately
    about correct option options among choose select will would can could shall should may might must
    expression quantity number magnitude one such so also only hence thus here per""".split()
)


def _display_clean(text: str, *, squeeze: bool = True) -> str:
    # LaTeX spacing and '$' carry no meaning; whitespace around punctuation neither (the tokenizer
    # splits it off anyway), so reformatted copies give the same text.
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\\[,;:! ]|\\quad|\\qquad|~", " ", t)
    t = t.replace("$", "")
    if squeeze:
        t = _PUNCT_SPACE.sub(r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


def options_of(q: Any) -> list[str]:
    """The options of an MCQ (a Question or a body dict), else []."""
    opts = q.get("options") if isinstance(q, dict) else getattr(q, "options", None)
    return [str(o) for o in opts] if opts else []


def text_hash(question_text: str, options: Sequence[str] = ()) -> str:
    """Exact-duplicate key: SHA-256 of the normalised text plus the *sorted* normalised options.

    Options are part of the key so that a generic stem ("Which of the following is correct?") with
    different options is not an exact duplicate; sorting them makes shuffled options hash alike.
    """
    parts = [normalise_text(question_text), *sorted(normalise_text(o) for o in options)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def split_ask(question_text: str) -> tuple[str, str]:
    """``(final ask, passage before it)``; a one-sentence question is all ask."""
    sentences = [s.strip() for s in _SENTENCE_SPLIT.split(question_text.strip()) if s and s.strip()]
    if len(sentences) <= 1:
        return question_text.strip(), ""
    # Prefer the last question sentence when a trailing note follows it ("… find v. (Take g = 10.)").
    idx = len(sentences) - 1
    if "?" not in sentences[idx] and "?" in sentences[idx - 1]:
        idx -= 1
    ask = " ".join(sentences[idx:])
    return ask, " ".join(sentences[:idx])


def representation_text(question_text: str, options: Sequence[str] = ()) -> str:
    """The text that is embedded: final ask, then sorted options, then the passage.

    The model truncates at 256 word pieces, so the parts that tell questions apart (the ask and the
    options) come first and only the tail of a long passage is ever cut. Options are sorted so that a
    shuffled copy embeds identically; LaTeX spacing and whitespace are normalised.
    """
    ask, passage = split_ask(question_text)
    parts = [_display_clean(ask)]
    if options:
        parts.append(
            "Options: " + "; ".join(sorted((_display_clean(o) for o in options), key=normalise_text))
        )
    if passage:
        parts.append(_display_clean(passage))
    return "\n".join(parts)


def _terms(text: str) -> frozenset[str]:
    out = set()
    for tok in _TERM.findall(normalise_text(text)):
        tok = tok.lstrip("\\")
        tok = _GREEK.get(tok, tok)
        if tok in _STOP or not tok.strip():
            continue
        if len(tok) > 3 and tok.isalpha() and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]  # crude plural folding: "roots" / "root"
        out.add(tok)
    return frozenset(out)


@dataclass(frozen=True)
class Facets:
    """What the text check compares: terms of the passage, of the final ask and of the options."""

    passage_terms: frozenset[str]
    ask_terms: frozenset[str]
    option_terms: frozenset[str]
    passage_dominates: bool

    @classmethod
    def of(cls, question_text: str, options: Sequence[str] = ()) -> Facets:
        ask, passage = split_ask(question_text)
        option_terms: frozenset[str] = (
            frozenset().union(*(_terms(o) for o in options)) if options else frozenset()
        )
        return cls(
            passage_terms=_terms(passage),
            ask_terms=_terms(ask),
            option_terms=option_terms,
            passage_dominates=len(passage.split()) >= PASSAGE_DOMINATES_WORDS,
        )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap; two empty sets are the same (1.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def same_question(a: Facets, b: Facets) -> bool:
    """Given a similarity >= threshold: a duplicate, unless one shared passage carries two different asks."""
    if not (a.passage_dominates and b.passage_dominates):
        return True  # a short text: the embedding sees all of it
    if overlap(a.passage_terms, b.passage_terms) < SHARED_PASSAGE_MIN_OVERLAP:
        return True  # different passages: the embedding decides
    if overlap(a.ask_terms, b.ask_terms) < ASK_MIN_OVERLAP:
        return False  # another part of a multi-part question
    if (a.option_terms or b.option_terms) and overlap(a.option_terms, b.option_terms) < ASK_MIN_OVERLAP:
        return False  # the same stem over other options: another part
    return True


@dataclass(frozen=True)
class BankMatch:
    """A bank row in the candidate's scope: same hash (``exact``) or cosine similarity >= threshold."""

    question_id: Any
    similarity: float
    facets: Facets
    exact: bool = False


@dataclass(frozen=True)
class Decision:
    """Verdict for one candidate. ``matched_index`` points at an earlier candidate of the same batch."""

    accepted: bool
    reason: str | None = None
    matched_question_id: Any = None
    matched_index: int | None = None
    similarity: float | None = None


def decide(
    facets: Sequence[Facets],
    hashes: Sequence[str],
    scopes: Sequence[str],
    batch_similarity: np.ndarray,
    bank_matches: Sequence[Sequence[BankMatch]],
    threshold: float,
) -> list[Decision]:
    """Decide every candidate of a batch, in order.

    A candidate is rejected as ``exact_duplicate`` (same hash in the bank), ``near_duplicate`` (bank
    row with similarity >= threshold that ``same_question`` confirms), or ``batch_duplicate`` (same
    against an *accepted* earlier candidate of the batch in the same scope); otherwise it is accepted.
    """
    out: list[Decision] = []
    accepted: list[int] = []
    for i, f in enumerate(facets):
        out.append(
            _decide_one(i, f, facets, hashes, scopes, batch_similarity, bank_matches[i], threshold, accepted)
        )
        if out[-1].accepted:
            accepted.append(i)
    return out


def _decide_one(
    i: int,
    f: Facets,
    facets: Sequence[Facets],
    hashes: Sequence[str],
    scopes: Sequence[str],
    sim: np.ndarray,
    matches: Sequence[BankMatch],
    threshold: float,
    accepted: list[int],
) -> Decision:
    for m in matches:
        if m.exact:
            return Decision(False, "exact_duplicate", m.question_id, None, 1.0)
    for m in sorted(matches, key=lambda m: -m.similarity):
        if m.similarity >= threshold and same_question(f, m.facets):
            return Decision(False, "near_duplicate", m.question_id, None, round(float(m.similarity), 4))
    for j in accepted:
        if scopes[j] != scopes[i]:
            continue
        if hashes[j] == hashes[i]:
            return Decision(False, "batch_duplicate", None, j, 1.0)
        s = float(sim[i, j])
        if s >= threshold and same_question(f, facets[j]):
            return Decision(False, "batch_duplicate", None, j, round(s, 4))
    return Decision(True)


def similarity_matrix(embeddings: np.ndarray) -> np.ndarray:
    """Cosine similarities of L2-normalised rows."""
    e = np.asarray(embeddings, dtype=np.float32)
    return e @ e.T if len(e) else np.zeros((0, 0), dtype=np.float32)


def short_summary(question_text: str, limit: int = 160) -> str:
    """A prompt-sized reminder of a question: the ask first, so long shared passages stay distinguishable."""
    ask, passage = split_ask(question_text)
    text = _display_clean(ask if not passage else f"{ask} [on: {passage}]", squeeze=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
