"""Duplicate decisions, no I/O: the exact-duplicate hash, question facets, and the verdict rule.

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

Everything else at or above the threshold is a duplicate: a reworded copy, a short set-up with another
ask, two long questions with different passages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

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
# Different asks on one passage overlap 0-0.17 in the hand corpus; a reworded ask 0.50-1.0 there and
# 0.25-0.43 on GSM8K, where synonyms replace the few terms of a short ask (docs/dedupe.md).
ASK_MIN_OVERLAP = 0.2
# An option "has a counterpart" in another option set when one of its options shares at least this share of
# its content terms. Two sets state the same things when at least half of the options have one. On AGIEval's
# reading sets, two questions on one passage have 0-1 such options of 4 (one LSAT pair 3, with other asks),
# reworded copies 3-4 (docs/dedupe.md). Whole option sets overlap 0.22-0.29 on one LSAT passage, as their
# statements are all about it: a pooled overlap cannot tell another set of statements from a copy.
OPTION_MATCH_OVERLAP = 0.5

# Function names: a rewording never swaps one for another, so another one in the ask asks for another
# quantity ("Compute tan 135°" / "Compute sin 135°").
_FUNCTIONS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln exp det lim gcd lcm".split()
)
# A symbol: a function name, a Greek letter, or a single letter with its subscript (p_{2}, p₂, m2) that is
# not a word on its own (a, A, I) nor the s of a possessive.
_SYMBOL = re.compile(
    r"\\?(" + "|".join(sorted(_FUNCTIONS, key=len, reverse=True)) + r")(?![A-Za-z])"
    r"|\\([a-z]+)"
    r"|(?<![A-Za-z\\'’])([B-HJ-Zb-z])(?:_\{?([A-Za-z0-9]+)\}?|(\d+))?(?![A-Za-z])"
)
# Drawing code that a figure is rendered from: hundreds of word pieces of coordinates, which would
# otherwise fill the 256 the model reads and make two figures' questions alike (MATH's geometry items).
_FIGURE_CODE = re.compile(r"\[asy\].*?\[/asy\]", re.DOTALL)
# an option's label: "(A)" anywhere but after a name (P(A) is a probability), or "A)" / "A." where a line starts
_OPTION_LABEL = re.compile(r"(?<![\w)\]])\((?P<paren>[A-H])\)|(?:^|\n)[ \t]*(?P<line>[A-H])[.)][ \t]", re.MULTILINE)
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
_GREEK_LETTERS = frozenset(_GREEK.values())
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


def split_options(question_text: str) -> tuple[str, list[str]]:
    """``(stem, options)`` of a question whose options are printed at the end of its text, labelled
    "(A) … (B) … (C) …" (or "A) …" / "A. …" at the start of lines), in order and at least three;
    else ``(question_text, [])``. Imports of printed exams carry them so."""
    labels = list(_OPTION_LABEL.finditer(question_text))
    for start in range(len(labels)):
        run = labels[start:]
        letters = [m.group("paren") or m.group("line") for m in run]
        if len(run) >= 3 and letters == list("ABCDEFGH"[: len(run)]) and run[0].start() > 0:
            bounds = [m.end() for m in run]
            ends = [m.start() for m in run[1:]] + [len(question_text)]
            options = [question_text[b:e].strip() for b, e in zip(bounds, ends, strict=True)]
            if all(options):
                return question_text[: run[0].start()].strip(), options
    return question_text, []


def split_ask(question_text: str) -> tuple[str, str]:
    """``(final ask, passage before it)``; a one-sentence question is all ask. A figure's drawing code
    (Asymptote's ``[asy] … [/asy]``) is a figure to the student, not words: it becomes ``[figure]``."""
    text = _FIGURE_CODE.sub(" [figure] ", question_text)
    sentences = [s.strip() for s in _SENTENCE_SPLIT.split(text.strip()) if s and s.strip()]
    if len(sentences) <= 1:
        return text.strip(), ""
    # Prefer the last question sentence when a trailing note follows it ("… find v. (Take g = 10.)").
    idx = len(sentences) - 1
    # (only a sentence that ends as a question: a passage's quoted "Yes?" is not the ask)
    if "?" not in sentences[idx] and sentences[idx - 1].endswith("?"):
        idx -= 1
    ask = " ".join(sentences[idx:])
    return ask, " ".join(sentences[:idx])


def representation_text(question_text: str, options: Sequence[str] = ()) -> str:
    """The text that is embedded: final ask, then sorted options, then the passage.

    The model truncates at 256 word pieces, so the parts that tell questions apart (the ask and the
    options) come first and only the tail of a long passage is ever cut. Options are sorted so that a
    shuffled copy embeds identically; LaTeX spacing and whitespace are normalised.
    """
    if not options:
        question_text, options = split_options(question_text)
    ask, passage = split_ask(question_text)
    parts = [_display_clean(ask)]
    if options:
        parts.append(
            "Options: " + "; ".join(sorted((_display_clean(o) for o in options), key=normalise_text))
        )
    if passage:
        parts.append(_display_clean(passage))
    return "\n".join(parts)


# --- numbers: the givens of a problem, and its number-masked form ----------------------------------

_UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_WORD_VALUE = {w: i for i, w in enumerate(_UNIT_WORDS)} | {
    w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_NUMBER_WORD = "|".join(sorted([*_WORD_VALUE, *_SCALE], key=len, reverse=True))
# a run of number words holding one number ("one hundred and twenty-five") or several ("days one and
# two"); _parse_words splits it
_WORD_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")
# a braced subscript is part of a name: p_{2} is p_2 (another unknown than p_{1}), not the number 2
_SUBSCRIPT = re.compile(r"_\{\s*(\d+)\s*\}")
# A number, but not the digits of a name: L_1, PCl_5, x2 are identifiers, not givens.
_NUMBER = re.compile(r"(?<![a-z_\d.])\d+(?:\.\d+)?")
# an ordinal's suffix is part of how the number is written: "the 6th second" / "the 3rd second" differ in
# their number only
_ORDINAL = re.compile(r"(?<![a-z_\d.])(\d+)(?:st|nd|rd|th)\b")
# where a sentence ends, whatever starts the next one ("2 thirds of ..." after a reformatting)
_STATEMENT_END = re.compile(r"(?<=[.?!])\s+")
# whitespace next to anything but a letter or digit (punctuation, #, €, quotes) is formatting
_MASKED_SPACE = re.compile(r"\s*([^\w\s])\s*")
# which word may continue a number after a word of each kind: "twenty" + "five", "hundred" + "and"...
_NEXT = {
    "unit": {"hundred", "scale"},
    "teen": {"hundred", "scale"},
    "tens": {"unit", "hundred", "scale"},
    "hundred": {"unit", "teen", "tens", "and", "scale"},
    "scale": {"unit", "teen", "tens", "and"},
    "and": {"unit", "teen", "tens"},
}


def _kind(word: str) -> str:
    if word == "and" or word == "hundred":
        return word
    if word in _SCALE:
        return "scale"
    value = _WORD_VALUE[word]
    return "unit" if value < 10 else "teen" if value < 20 else "tens"


def _parse_words(run: str) -> str:
    """A run of number words as digits: "forty-two" -> "42", "one hundred and five" -> "105", "one and
    two" -> "1 and 2" (a word that cannot continue the number so far starts the next one)."""
    parts = re.split(r"([\s-]+)", run)
    out: list[str] = []
    total = current = 0
    last, held = "", ""  # held: an "and" not yet known to be part of the number
    for word, sep in zip(parts[0::2], ["", *parts[1::2]], strict=True):
        kind = _kind(word)
        if last and kind in _NEXT[last]:
            held = sep + word if kind == "and" else ""
        else:
            if last:  # close the number so far
                out.append(f"{total + current}{held}")
                total = current = 0
                held = ""
            out.append(sep)
            if kind == "and":
                out.append(word)
                last = ""
                continue
        if kind == "hundred":
            current = max(current, 1) * 100
        elif kind == "scale":
            total += max(current, 1) * _SCALE[word]
            current = 0
        elif kind != "and":
            current += _WORD_VALUE[word]
        last = kind
    if last:
        out.append(f"{total + current}{held}")
    return "".join(out)


def _number_text(text: str) -> str:
    # One spelling per number: LaTeX spacing, $ (math or currency), \% and \frac go; thousands
    # separators go; number words become digits. Whitespace is kept, so "2019. 3 people" stays two numbers.
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\\[,;:! ]|\\quad|\\qquad|~", " ", t)
    t = _SUBSCRIPT.sub(r"_\1", t)
    t = _FRAC.sub(r"\1/\2", t)
    t = t.replace("\\%", "%").replace("\\$", " ").replace("$", " ")
    t = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), t)
    t = _WORD_RUN.sub(lambda m: _parse_words(m.group(0)), t)
    t = _ORDINAL.sub(r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


def numbers_of(text: str) -> tuple[float, ...]:
    """The numbers a text states, in order, however written ("3", "three", "$3.00", "3,000", "\\frac{3}{4}")."""
    return tuple(float(f"{float(x):.9g}") for x in _NUMBER.findall(_number_text(text)))


def masked_text(text: str) -> str:
    """The text with every number replaced by ``#`` and formatting normalised: equal for variants."""
    return _MASKED_SPACE.sub(r"\1", _NUMBER.sub("#", _number_text(text)))


def variant_key(question_text: str, options: Sequence[str] = ()) -> str:
    """Number-masked key (stored in ``questions.variant_key``): SHA-256 of the masked text plus the
    sorted masked options. Two questions with one key differ at most in their numbers."""
    parts = [masked_text(question_text), *sorted(masked_text(o) for o in options)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def symbols_of(text: str) -> frozenset[str]:
    """The mathematical symbols a text names: function names, Greek letters, single-letter names with
    their subscripts (``x``, ``p_2``, ``m_2``)."""
    out = set()
    for m in _SYMBOL.finditer(unicodedata.normalize("NFKC", text)):
        func, command, letter, sub, digits = m.groups()
        if func:
            out.add(func)
        elif command:
            if command in _GREEK:
                out.add(_GREEK[command])
        else:
            out.add(letter + (f"_{sub or digits}" if (sub or digits) else ""))
    out.update(ch for ch in text if ch in _GREEK_LETTERS)
    return frozenset(out)


def _terms(text: str, *, stop: frozenset[str] = _STOP) -> frozenset[str]:
    out = set()
    for tok in _TERM.findall(normalise_text(text)):
        tok = tok.lstrip("\\")
        tok = _GREEK.get(tok, tok)
        if tok in stop or not tok.strip():
            continue
        if len(tok) > 3 and tok.isalpha() and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]  # crude plural folding: "roots" / "root"
        out.add(tok)
    return frozenset(out)


@dataclass(frozen=True)
class Facets:
    """What the text checks compare: terms of the passage, of the final ask and of the options; the
    numbers the question states (``givens``, in order) and those of its sorted options; ``variant_key``."""

    passage_terms: frozenset[str]
    ask_terms: frozenset[str]
    passage_dominates: bool
    givens: tuple[float, ...] = ()
    option_numbers: tuple[float, ...] = ()
    variant_key: str = ""
    # the givens of each sentence that states any, in sorted order: two sentences swapped keep them
    statements: tuple[tuple[float, ...], ...] = ()
    # the content terms of each option, for ``same_statements``
    option_sets: tuple[frozenset[str], ...] = ()
    # the symbols the final ask names and those of the whole text, for ``another_unknown``
    ask_symbols: frozenset[str] = frozenset()
    symbols: frozenset[str] = frozenset()

    @classmethod
    def of(cls, question_text: str, options: Sequence[str] = ()) -> Facets:
        # the hash and the number-masked key read the text as stored; the ask and the options as a student does
        key = variant_key(question_text, options)
        if not options:
            question_text, options = split_options(question_text)
        ask, passage = split_ask(question_text)
        return cls(
            passage_terms=_terms(passage),
            ask_terms=_terms(ask),
            passage_dominates=len(passage.split()) >= PASSAGE_DOMINATES_WORDS,
            givens=numbers_of(question_text),
            option_numbers=tuple(n for o in sorted(options, key=_number_text) for n in numbers_of(o)),
            variant_key=key,
            statements=tuple(sorted(n for s in _STATEMENT_END.split(question_text) if (n := numbers_of(s)))),
            # every word of an option counts: "Sample A" and "Sample G" are two statements, not one
            option_sets=tuple(_terms(o, stop=frozenset()) for o in options),
            ask_symbols=symbols_of(ask),
            symbols=symbols_of(question_text),
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
        return {s for s in x.ask_symbols - y.ask_symbols if s in _FUNCTIONS or s in y.symbols}

    return bool(new(a, b) and new(b, a))


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
    (``another_unknown``) or one passage with two asks (``same_question``), else a duplicate.
    """
    if a.variant_key and a.variant_key == b.variant_key:
        if (a.statements, a.option_numbers) == (b.statements, b.option_numbers):
            return "duplicate"  # reformatted, or two like sentences swapped
        return "variant"
    if similarity < threshold or another_problem(a, b) or another_unknown(a, b):
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


def short_summary(question_text: str, limit: int = 160) -> str:
    """A prompt-sized reminder of a question: the ask first, so long shared passages stay distinguishable."""
    ask, passage = split_ask(question_text)
    text = _display_clean(ask if not passage else f"{ask} [on: {passage}]", squeeze=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
