"""Duplicate decisions, no I/O: the verdict rule over question facets (``facets``: what the text
compares; ``numbers``: how its numbers are read).

The rule: two questions in a scope whose embeddings have cosine similarity >= the threshold are
duplicates. The embedding decides, except for the one case it cannot see: the same passage with a
different ask. all-MiniLM-L6-v2 reads only the first 256 word pieces and mean-pools them, so when a
long passage is shared, the parts of a multi-part question ("…What is the value of λ²?" / "…What is
the value of D?") embed almost identically. ``same_question`` keeps such a pair only when

* both texts have a dominant passage (>= ``PASSAGE_DOMINATES_WORDS`` words before the final ask),
* the two passages are essentially the same (content-term overlap >= ``SHARED_PASSAGE_MIN_OVERLAP``),
* and the final asks differ (overlap < ``ASK_MIN_OVERLAP``: another unknown, another quantity), or for
  MCQs the options state other things (``same_statements``: fewer than half of them have a counterpart).

Numbers are the givens of a problem, and two checks read them (``Facets.numbers``, ``variant_key``):

* a **variant** differs only in its numbers: the number-masked text (``masked_text``: number words as
  digits, every number ``#``) and the options are the same, the numbers are not. It is found at any
  similarity, and ``VariantPolicy`` says whether it is refused or kept (up to N per original);
* at or above the threshold, two questions that each state a number the other does not and ask for
  different things (``another_problem``) are two problems on one story (GSM8K's "how big is Timothy's
  locker" / "how big is Peter's locker", 0.96), not a copy: a reworded, reordered or reformatted copy
  keeps every given.

Two short questions whose formulas differ (``another_formula``: the mathematics read with typesetting
and numbers set aside, ``formulas``) are two questions at any similarity: MiniLM reads LaTeX as word
pieces, and two expressions in the same letters embed alike.

Everything else at or above the threshold is a duplicate: a reworded copy, a short set-up with another
ask, two long questions with different passages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .facets import FUNCTIONS, Facets, overlap
from .formulas import formula_overlap, symbol_count

# Share of content terms two passages must have in common to be "the same passage". Copies of one
# passage, lightly edited, overlap 0.93-1.0 in the corpus; a passage rewritten sentence by sentence
# still overlaps 0.65 and must not shelter a reworded ask (docs/dedupe.md).
SHARED_PASSAGE_MIN_OVERLAP = 0.8
# Share of content terms two asks (and two option sets) must have in common to be "the same ask".
# Different asks on one passage overlap 0-0.17 in the hand corpus; a reworded ask 0.50-1.0 there and
# 0.25-0.43 on GSM8K, where synonyms replace the few terms of a short ask (docs/dedupe.md).
ASK_MIN_OVERLAP = 0.2
# An option "has a counterpart" in another option set when one of its options shares at least this share of
# its content terms. Two sets state the same things when at least half of the options have one. On AGIEval's
# reading sets, two questions on one passage have 0-1 such options of 4 (one LSAT pair 3, with other asks),
# reworded copies 3-4 (docs/dedupe.md). Whole option sets overlap 0.22-0.29 on one LSAT passage, as their
# statements are all about it: a pooled overlap cannot tell another set of statements from a copy.
OPTION_MATCH_OVERLAP = 0.5
# A formula says enough to compare when it holds at least this many symbols, numbers aside: "x", "f(x)"
# or a lone "sin" say too little about the problem (docs/dedupe.md).
FORMULA_MIN_SYMBOLS = 3
# Two formulas are other formulas below this overlap (``formulas.formula_overlap``). Reworded, reordered,
# reformatted and re-typeset copies in the corpora overlap 0.75-1.0, nearly all 1.0; different expressions
# to simplify or minimise in the same letters 0.43-0.65 (docs/dedupe.md). Nearer the copies on purpose:
# an error should be a refused distinct question, not a stored copy.
FORMULA_MAX_OVERLAP = 0.7


def same_question(a: Facets, b: Facets) -> bool:
    """Given a similarity >= threshold: a duplicate, unless one shared passage carries two different asks."""
    if not (a.passage_dominates and b.passage_dominates):
        return True  # a short text: the embedding sees all of it
    if overlap(a.passage_terms, b.passage_terms) < SHARED_PASSAGE_MIN_OVERLAP:
        return True  # different passages: the embedding decides
    if overlap(a.ask_terms, b.ask_terms) < ASK_MIN_OVERLAP:
        return False  # another part of a multi-part question
    if (a.option_sets or b.option_sets) and not same_statements(a, b):
        return False  # the same stem over other options: another part
    return True


def same_statements(a: Facets, b: Facets) -> bool:
    """The two option sets state the same things: at least half of the options of the smaller set have a
    counterpart in the other (term overlap >= ``OPTION_MATCH_OVERLAP``). Shuffled, reworded or relabelled
    options keep their counterparts; another question on the same passage offers other statements."""
    if not (a.option_sets and b.option_sets):
        return not (a.option_sets or b.option_sets)
    small, large = sorted((a.option_sets, b.option_sets), key=len)
    matched = sum(1 for o in small if any(overlap(o, p) >= OPTION_MATCH_OVERLAP for p in large))
    return 2 * matched >= len(small)


def _ask_words(f: Facets) -> frozenset[str]:
    return frozenset(t for t in f.ask_terms if not t[:1].isdigit())


def another_problem(a: Facets, b: Facets) -> bool:
    """Two problems on one story: each states a number the other does not (``different_givens``) and
    they ask for different things (the ask's content terms differ, numbers aside). The same ask over
    other numbers ("x = 3t^3 - 5t^2 + 8 ... acceleration at t = 1 s?" / "x = 4t^3 + 5t + 7 ...") is a
    template repeated, which the embedding judges."""
    return different_givens(a, b) and _ask_words(a) != _ask_words(b)


def another_unknown(a: Facets, b: Facets) -> bool:
    """Each ask names a symbol the other ask does not: another unknown of one problem ("… what is x?" /
    "… what is y?", where each text names both x and y) or another function ("tan 135°" / "sin 135°").

    A rewording keeps the symbols of its ask; one that renames a letter throughout names the new letter
    only, which the other text lacks, so it stays a copy.
    """

    def new(x: Facets, y: Facets) -> set[str]:
        return {s for s in x.ask_symbols - y.ask_symbols if s in FUNCTIONS or s in y.symbols}

    return bool(new(a, b) and new(b, a))


def another_formula(a: Facets, b: Facets) -> bool:
    """Two short questions whose formulas differ: each states at least ``FORMULA_MIN_SYMBOLS`` symbols
    and the two formulas overlap less than ``FORMULA_MAX_OVERLAP``, read with typesetting and numbers
    set aside (``formulas.runs``). MiniLM reads LaTeX as word pieces, so "Simplify sin x / cos x + cos x
    / (1 + sin x)" and "Simplify cos x / (1 - sin x) - cos x / (1 + sin x)" embed at 0.905; a re-typeset
    copy (``\\frac{a}{b}`` / ``a/b``, ``\\cdot`` / ``*``, spacing) reads as the same formula.

    Only short texts: over a long passage the formulas are the passage's, and a passage rewritten
    sentence by sentence restates them (the shared-stem rule reads those); ``Facets.formula`` is empty
    there, so the symbol count below leaves such a pair to the other rules.
    """
    if min(symbol_count(a.formula), symbol_count(b.formula)) < FORMULA_MIN_SYMBOLS:
        return False
    return formula_overlap(a.formula, b.formula) < FORMULA_MAX_OVERLAP


def different_givens(a: Facets, b: Facets) -> bool:
    """Each question states a number the other does not (compared as multisets): two problems, not a copy.

    A copy keeps every given, whatever its wording or formatting; a copy that adds one ("Take g = 10")
    or drops one states no number the original lacks, so it stays a copy. Questions without numbers
    are left to the embedding.
    """
    ga, gb = Counter(a.givens), Counter(b.givens)
    return bool(ga and gb and ga - gb and gb - ga)


Relation = Literal["duplicate", "variant"]


def relation(a: Facets, b: Facets, similarity: float, threshold: float) -> Relation | None:
    """What ``a`` is to ``b``: a duplicate, a variant (only the numbers differ), or neither (None).

    One number-masked key: a duplicate when the numbers are the same too (a reformatted copy), else a
    variant, whatever the similarity. Otherwise below the threshold: neither; at or above it, neither
    for two problems on one story (``another_problem``), another unknown or function in the ask
    (``another_unknown``), another formula (``another_formula``) or one passage with two asks
    (``same_question``), else a duplicate.
    """
    if a.variant_key and a.variant_key == b.variant_key:
        if (a.statements, a.option_numbers) == (b.statements, b.option_numbers):
            return "duplicate"  # reformatted, or two like sentences swapped
        return "variant"
    if similarity < threshold or another_problem(a, b) or another_unknown(a, b) or another_formula(a, b):
        return None
    return "duplicate" if same_question(a, b) else None


@dataclass(frozen=True)
class VariantPolicy:
    """``QGEN_VARIANT_POLICY``: refuse variants (``allow`` False), or keep up to ``per_original`` of each."""

    allow: bool = False
    per_original: int = 0


REJECT_VARIANTS = VariantPolicy()


@dataclass(frozen=True)
class BankMatch:
    """A bank row in the candidate's scope: same hash (``exact``), same number-masked key, or cosine
    similarity >= threshold. ``variant_of`` is the row's own original (None for an original);
    ``root_variants`` how many variants that original (the row itself when an original) already has."""

    question_id: Any
    similarity: float
    facets: Facets
    exact: bool = False
    variant_of: Any = None
    root_variants: int = 0


@dataclass(frozen=True)
class Decision:
    """Verdict for one candidate. ``matched_index`` points at an earlier candidate of the same batch.

    A refused variant has reason ``variant`` and its original in ``matched_question_id`` (a bank row) or
    ``matched_index`` (an earlier candidate); an allowed one is accepted with ``variant_of_id`` or
    ``variant_of_index`` set the same way.
    """

    accepted: bool
    reason: str | None = None
    matched_question_id: Any = None
    matched_index: int | None = None
    similarity: float | None = None
    variant_of_id: Any = None
    variant_of_index: int | None = None


def decide(
    facets: Sequence[Facets],
    hashes: Sequence[str],
    scopes: Sequence[str],
    batch_similarity: np.ndarray,
    bank_matches: Sequence[Sequence[BankMatch]],
    threshold: float,
    variants: VariantPolicy = REJECT_VARIANTS,
) -> list[Decision]:
    """Decide every candidate of a batch, in order.

    Refused as ``exact_duplicate`` (same hash in the bank), ``near_duplicate`` (a bank row ``relation``
    calls a duplicate), ``batch_duplicate`` (the same against an *accepted* earlier candidate in the
    same scope), or ``variant`` (a variant of a bank row or an accepted earlier candidate, and the policy
    refuses it or the original has its ``per_original`` variants already); otherwise accepted. Duplicates
    are looked for before variants: a copy of a variant is a duplicate.
    """
    out: list[Decision] = []
    accepted: list[int] = []
    originals = _Originals()
    for i, f in enumerate(facets):
        d = _decide_one(i, f, facets, hashes, scopes, batch_similarity, bank_matches[i], threshold, accepted)
        if d is None:
            same_scope = [j for j in accepted if scopes[j] == scopes[i]]
            d = originals.decide(i, facets, batch_similarity, bank_matches[i], threshold, same_scope, out, variants)
        out.append(d)
        if d.accepted:
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
) -> Decision | None:
    """A duplicate's refusal, an acceptance, or None for a variant (of a bank row or an earlier candidate)."""
    for m in matches:
        if m.exact:
            return Decision(False, "exact_duplicate", m.question_id, None, 1.0)
    variant = False
    for m in sorted(matches, key=lambda m: -m.similarity):
        rel = relation(f, m.facets, m.similarity, threshold)
        if rel == "duplicate":
            return Decision(False, "near_duplicate", m.question_id, None, round(float(m.similarity), 4))
        variant = variant or rel == "variant"
    for j in accepted:
        if scopes[j] != scopes[i]:
            continue
        s = float(sim[i, j])
        if hashes[j] == hashes[i]:
            return Decision(False, "batch_duplicate", None, j, 1.0)
        rel = relation(f, facets[j], s, threshold)
        if rel == "duplicate":
            return Decision(False, "batch_duplicate", None, j, round(s, 4))
        variant = variant or rel == "variant"
    return None if variant else Decision(True)


class _Originals:
    """Variants per original within one batch: what the bank had, what this batch took."""

    def __init__(self) -> None:
        # an original is ("bank", question id) or ("batch", candidate index)
        self.had: dict[tuple[str, Any], int] = {}
        self.taken: Counter[tuple[str, Any]] = Counter()

    def decide(
        self,
        i: int,
        facets: Sequence[Facets],
        sim: np.ndarray,
        matches: Sequence[BankMatch],
        threshold: float,
        accepted: Sequence[int],
        earlier: Sequence[Decision],
        policy: VariantPolicy,
    ) -> Decision:
        """Candidate ``i`` is a variant: of the closest such bank row's original, else of the closest
        accepted earlier candidate's in its scope (``accepted``). Refused, or kept while that original
        has fewer than ``per_original`` variants."""
        f = facets[i]
        root: tuple[str, Any]
        bank = [m for m in matches if relation(f, m.facets, m.similarity, threshold) == "variant"]
        if bank:
            m = max(bank, key=lambda m: m.similarity)
            root = ("bank", m.variant_of if m.variant_of is not None else m.question_id)
            self.had[root] = max(self.had.get(root, 0), m.root_variants)
            similarity = m.similarity
        else:
            j = max(
                (j for j in accepted if relation(f, facets[j], float(sim[i, j]), threshold) == "variant"),
                key=lambda j: float(sim[i, j]),
            )
            prior = earlier[j]
            if prior.variant_of_id is not None:
                root = ("bank", prior.variant_of_id)
            elif prior.variant_of_index is not None:
                root = ("batch", prior.variant_of_index)
            else:
                root = ("batch", j)
            similarity = float(sim[i, j])
        bank_id, index = (root[1], None) if root[0] == "bank" else (None, root[1])
        similarity = round(float(similarity), 4)
        if policy.allow and self.had.get(root, 0) + self.taken[root] < policy.per_original:
            self.taken[root] += 1
            return Decision(True, None, None, None, similarity, variant_of_id=bank_id, variant_of_index=index)
        return Decision(False, "variant", bank_id, index, similarity)


def similarity_matrix(embeddings: np.ndarray) -> np.ndarray:
    """Cosine similarities of L2-normalised rows."""
    e = np.asarray(embeddings, dtype=np.float32)
    return e @ e.T if len(e) else np.zeros((0, 0), dtype=np.float32)
