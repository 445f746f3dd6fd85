"""Question text as the dedupe reads it, no I/O: the exact-duplicate hash, the embedded text, and the
facets the duplicate rule compares (terms of the passage, the final ask and the options; the givens;
the symbols; the number-masked variant key). The rule itself is in ``dedupe``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .formulas import runs
from .numbers import masked_text, number_text, numbers_of
from .questions import normalise_text

# A passage "dominates" when the text before the final ask has at least this many words: at that
# length the ask is a small share of the 256 pooled word pieces.
PASSAGE_DOMINATES_WORDS = 40

# Function names: a rewording never swaps one for another, so another one in the ask asks for another
# quantity ("Compute tan 135°" / "Compute sin 135°").
FUNCTIONS = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln exp det lim gcd lcm".split()
)
# A symbol: a function name, a Greek letter, or a single letter with its subscript (p_{2}, p₂, m2) that is
# not a word on its own (a, A, I) nor the s of a possessive.
_SYMBOL = re.compile(
    r"\\?(" + "|".join(sorted(FUNCTIONS, key=len, reverse=True)) + r")(?![A-Za-z])"
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
# where a sentence ends, whatever starts the next one ("2 thirds of ..." after a reformatting)
_STATEMENT_END = re.compile(r"(?<=[.?!])\s+")
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
    numbers the question states (``givens``, in order) and those of its sorted options; ``variant_key``;
    the symbols and the formula."""

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
    # the mathematics of a short text (printed options included, separate ones not) as runs of symbols
    # (``formulas.runs``), for ``another_formula``; empty when the passage dominates
    formula: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, question_text: str, options: Sequence[str] = ()) -> Facets:
        # the hash, the number-masked key and the formula read the text as stored; the ask and the
        # options as a student does
        key, stored = variant_key(question_text, options), question_text
        if not options:
            question_text, options = split_options(question_text)
        ask, passage = split_ask(question_text)
        dominates = len(passage.split()) >= PASSAGE_DOMINATES_WORDS
        return cls(
            passage_terms=_terms(passage),
            ask_terms=_terms(ask),
            passage_dominates=dominates,
            givens=numbers_of(question_text),
            option_numbers=tuple(n for o in sorted(options, key=number_text) for n in numbers_of(o)),
            variant_key=key,
            statements=tuple(sorted(n for s in _STATEMENT_END.split(question_text) if (n := numbers_of(s)))),
            # every word of an option counts: "Sample A" and "Sample G" are two statements, not one
            option_sets=tuple(_terms(o, stop=frozenset()) for o in options),
            ask_symbols=symbols_of(ask),
            symbols=symbols_of(question_text),
            formula=() if dominates else runs(stored),  # only short texts compare formulas
        )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap; two empty sets are the same (1.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def short_summary(question_text: str, limit: int = 160) -> str:
    """A prompt-sized reminder of a question: the ask first, so long shared passages stay distinguishable."""
    ask, passage = split_ask(question_text)
    text = _display_clean(ask if not passage else f"{ask} [on: {passage}]", squeeze=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
