"""[Dedupe] Another formula is another question (``dedupe.another_formula`` over ``formulas.runs``): two
short questions whose mathematics differs are kept, a re-typeset, reworded, reordered or reformatted copy
is still refused, a variant is still a variant. Pure: no model, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from service import dedupe
from service.facets import Facets
from service.formulas import formula_overlap, runs, segments, symbol_count
from tests import agieval_corpus, dedupe_corpus, gsm8k_corpus

# Pairs of AGIEval's short sets that embed at or above 0.80 and state other expressions in the same
# letters: (set, index, index, cosine with all-MiniLM-L6-v2, docs/dedupe.md).
DIFFERENT_FORMULAS = (
    ("sat-math", 149, 45, 0.861),  # (x^2 - 3) - (-3x^2 + 5) / 2x(x^2 - 3x), each rewritten
    ("math", 158, 35, 0.926),  # the parity of f(x) g(x) / of f(f(g(f(g(f(x))))))
    ("math", 304, 78, 0.905),  # sin x/cos x + cos x/(1 + sin x) / cos x/(1 - sin x) - cos x/(1 + sin x)
    ("math", 687, 601, 0.814),  # two minimisations in a, b, c
    ("math", 752, 473, 0.919),  # rational roots of 2x^4 + ... + 1 / of 2x^3 + ... - 4
)

# The same question with its formula typeset another way.
RETYPESET = (
    (r"Simplify $\frac{\sin x}{\cos x} + \frac{\cos x}{1 + \sin x}$.", r"Simplify $\sin x/\cos x+\cos x/(1+\sin x)$."),
    (r"Find $\dfrac{a+b}{c}$ if $a = 2$.", r"Find $\frac{a + b}{c}$ if $a=2$."),
    (r"Expand $\left(x^{2}-3\right)\left(x+1\right)$.", r"Expand $(x^2 - 3)(x + 1)$."),
    (r"Compute $2 \cdot x \cdot y$ when $x = 3$.", r"Compute $2*x*y$ when $x = 3$."),
    (r"Evaluate $x^{2} + 3x$ at $x = 1$.", "Evaluate $x² + 3x$ at $x = 1$."),
    (r"Find $\cos 30^\circ \cos 60^{\circ}$.", "Find $\\cos 30° \\cos 60°$."),
    (r"Solve $1 \le 2x - 1 \le 5$ for $x$.", r"Solve $1 \leq 2x-1 \leqslant 5$ for $x$."),
    (r"If $\det \mathbf{A} = 4$, find $\det (\mathbf{A}^2)$.", r"If $\det \boldsymbol{A} = 4$, find $\det(A^2)$."),
    (r"Solve \[x^2 - 5x + 6 = 0.\]", r"Solve $$x^2-5x+6=0.$$"),
    (r"Solve \(x^2 - 5x + 6 = 0\).", r"Solve $x^2\,-\,5x\;+\;6=0$."),
    (r"Find $x$ if $2x + 3 = 7$ and $y = x^2$.", "Find x if 2x + 3 = 7 and y = x^2."),  # no delimiters
    (r"Solve $x^2 - 5x + 6 = 0$ for $x$.", r"Solve $t^2 - 5t + 6 = 0$ for $t$."),  # the unknown renamed
)


def _facets(item: dict) -> Facets:  # type: ignore[type-arg]
    return Facets.of(item["question_text"], item.get("options", []))


def test_different_formulas_in_the_same_letters_are_not_duplicates() -> None:
    assert {(c, i, j) for c, i, j, _ in DIFFERENT_FORMULAS} == {
        (c, i, j) for c, pairs in agieval_corpus.OTHER_FORMULAS.items() for i, j in pairs
    }
    for corpus, i, j, cosine in DIFFERENT_FORMULAS:
        items = agieval_corpus.load(corpus)
        a, b = _facets(items[i].item), _facets(items[j].item)
        assert formula_overlap(a.formula, b.formula) < dedupe.FORMULA_MAX_OVERLAP, (corpus, i, j)
        assert dedupe.another_formula(a, b) and dedupe.another_formula(b, a), (corpus, i, j)
        assert dedupe.relation(a, b, cosine, 0.80) is None, (corpus, i, j)


def test_a_retypeset_formula_is_the_same_formula() -> None:
    for a, b in RETYPESET:
        assert runs(a) and formula_overlap(runs(a), runs(b)) == 1.0, (a, b, runs(a), runs(b))
        fa, fb = Facets.of(a), Facets.of(b)
        assert not dedupe.another_formula(fa, fb), (a, b)
        assert dedupe.relation(fa, fb, 0.90, 0.80) == "duplicate", (a, b)


def test_the_formula_as_read() -> None:
    assert runs(r"Simplify $\frac{\sin x}{\cos x}$.") == (("sin", "x", "/", "cos", "x"),)
    # numbers are masked, and so is a sign that starts an operand: these two vectors read alike
    assert runs(r"$\begin{pmatrix} 8 \\ -1 \end{pmatrix}$") == runs(r"$\begin{bmatrix} -3 \\ 4 \end{bmatrix}$")
    assert runs("x - 1") != runs("x + 1")  # a sign between operands stays
    # a run goes on across a delimiter, and a word ends it
    assert runs("It weighs $0.2$ kg.") == runs("It weighs 0.2 kg.") == (("#", "k", "g"),)
    # dollars around words are currency signs, not mathematics
    text = "He pays $5 for a hat and $2 for a cap, and 200$ to use and 700$ for rent."
    assert not any(is_math for is_math, _ in segments(text)) and symbol_count(runs(text)) == 0
    # articles are words; a letter next to an operator, capitals and two-letter products are symbols
    assert runs("A body moves at a speed of 5 m/s.") == (("#", "m", "/", "s"),)
    assert runs("In triangle ABC, find kx when xyz = 1.") == (("a", "b", "c"), ("k", "x"), ("x", "y", "z", "=", "#"))


def test_renamed_letters_and_other_arrangements() -> None:
    # the same symbols in another arrangement are another formula; the same formula in other letters is not
    a = runs(r"$\frac{\sin x}{\cos x} + \frac{\cos x}{1 + \sin x}$")
    b = runs(r"$\frac{\cos x}{1 - \sin x} - \frac{\cos x}{1 + \sin x}$")
    assert sorted(s for r in a for s in r if s.isalpha()) == sorted(s for r in b for s in r if s.isalpha())
    assert formula_overlap(a, b) < dedupe.FORMULA_MAX_OVERLAP
    assert formula_overlap(runs("$a^2 + b^2 = c^2$"), runs("$p^2 + q^2 = r^2$")) == 1.0
    assert formula_overlap((), ()) == 1.0


def test_short_formulas_and_long_passages_are_left_to_the_embedding() -> None:
    # too few symbols to compare ("sin" / "tan"): rule 4 reads another function in the ask
    a, b = Facets.of(r"Compute $\sin 135^\circ$."), Facets.of(r"Compute $\tan 135^\circ$.")
    assert symbol_count(a.formula) < dedupe.FORMULA_MIN_SYMBOLS and not dedupe.another_formula(a, b)
    # a passage rewritten sentence by sentence restates its formulas: the guard keeps it a copy
    pairs = list(zip(dedupe_corpus.multipart_numeric()[4:], dedupe_corpus.multipart_numeric_paraphrased(), strict=True))
    for original, rewritten in pairs:
        fa, fb = _facets(original), _facets(rewritten)
        assert fa.passage_dominates and fb.passage_dominates and fa.formula == fb.formula == ()
        assert not dedupe.another_formula(fa, fb)
    lowest = min(formula_overlap(runs(o["question_text"]), runs(r["question_text"])) for o, r in pairs)
    assert lowest < dedupe.FORMULA_MAX_OVERLAP  # without the guard one would be kept


def test_variants_stay_variants() -> None:
    a = Facets.of(r"Simplify $\frac{3x}{x + 1} + \frac{2}{x}$.")
    b = Facets.of(r"Simplify $\frac{5x}{x + 4} + \frac{7}{x}$.")
    assert dedupe.relation(a, b, 0.95, 0.80) == "variant" and dedupe.relation(a, b, 0.5, 0.80) == "variant"


# --- every copy in the corpora ---------------------------------------------------------------------

_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_INLINE = re.compile(r"(?<!\\)\$(?!\$)(.+?)(?<!\\)\$", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_MATH_SPAN = re.compile(r"\$\$.+?\$\$|(?<!\\)\$.+?(?<!\\)\$|\\\[.+?\\\]", re.DOTALL)
_CURRENCY = re.compile(r"[\d.,]+\s+[A-Za-z]{3}")


def _in_math(text: str, change: Callable[[str], str]) -> str:
    return _MATH_SPAN.sub(lambda m: m.group(0) if _CURRENCY.match(m.group(0)[1:]) else change(m.group(0)), text)


def _operand(x: str) -> str:
    return x if re.fullmatch(r"\\?\w+", x.strip()) else f"({x})"


def retypeset(text: str, style: int) -> str:
    """The same formulas typeset another way: 0 fractions as a/b, no \\left/\\right, * for \\cdot, \\leq,
    x^2 for x^{2}, spaces around = + < >; 1 \\dfrac, \\boldsymbol, \\left( \\right), 2 \\cdot x, x^{2},
    30° for 30^\\circ, \\[ \\] for $$ $$, doubled spaces; 2 \\( \\) and \\[ \\] for $ $ and $$ $$, no LaTeX
    spacing, no spaces around operators, \\cdot for \\times, \\frac for \\dfrac; 3 no delimiters at all."""
    t = text
    if style == 0:
        t = _FRAC.sub(lambda m: f"{_operand(m.group(1))}/{_operand(m.group(2))}", t)
        t = re.sub(r"\\(?:left|right)(?![a-z])", "", t)
        t = re.sub(r"\\cdot(?![a-z])", "*", t)
        t = re.sub(r"\\le(?![a-z])", r"\\leq", t)
        t = re.sub(r"\^\{(\w)\}", r"^\1", t)
        return _in_math(t, lambda m: re.sub(r"\s*([=+<>])\s*", r" \1 ", m))
    if style == 1:
        t = re.sub(r"\\frac(?![a-z])", r"\\dfrac", t).replace("\\mathbf", "\\boldsymbol")

        def display(m: str) -> str:
            m = re.sub(r"(?<![\\\w{])\((?![A-H]\))", r"\\left(", m)  # not an option's label "(A)"
            m = re.sub(r"(?<![{(][A-H])\)(?!})", r"\\right)", m)
            return re.sub(r"(?<![\\\w.])(\d)\s*([a-z])(?![a-z])", r"\1 \\cdot \2", m)

        t = _in_math(t, display)
        t = re.sub(r"\^(\w)", r"^{\1}", t)
        t = re.sub(r"\^\{?\\circ\}?", "°", t).replace(" ", "  ")
        return _DISPLAY.sub(r"\\[\1\\]", t)
    if style == 2:
        t = _DISPLAY.sub(r"\\[\1\\]", t)
        t = _INLINE.sub(lambda m: m.group(0) if _CURRENCY.match(m.group(1)) else f"\\({m.group(1)}\\)", t)
        t = re.sub(r"\\[,;!]", "", t)
        t = re.sub(r"\\\((.+?)\\\)", lambda m: "\\(" + re.sub(r"\s*([-+=/^_])\s*", r"\1", m.group(1)) + "\\)", t, flags=re.DOTALL)
        return re.sub(r"\\times(?![a-z])", r"\\cdot", t).replace("\\dfrac", "\\frac")
    return re.sub(r"(?<!\\)\$\$?", " ", t).replace("\\[", " ").replace("\\]", " ")


def _copies() -> Iterator[tuple[str, dict, dict]]:  # type: ignore[type-arg]
    for kind, a, b in dedupe_corpus.duplicate_pairs():
        yield f"hand {kind}", a, b
        for style in range(4):
            yield f"hand retypeset {style}", a, {**a, "question_text": retypeset(a["question_text"], style)}
    for p in gsm8k_corpus.load():
        for kind in ("reworded", "reordered", "reformatted"):
            if text := getattr(gsm8k_corpus, kind)(p):
                yield f"GSM8K {kind}", gsm8k_corpus.numeric_item(p), gsm8k_corpus.numeric_item(p, text)
    for corpus in agieval_corpus.PASSAGE_SETS:
        for it in agieval_corpus.load(corpus):
            if copy := agieval_corpus.reworded(it):
                yield f"{corpus} reworded", it.item, copy
    for corpus in agieval_corpus.SETS:
        for it in agieval_corpus.load(corpus):
            for style in range(4):
                yield f"{corpus} retypeset {style}", it.item, {**it.item, "question_text": retypeset(it.text, style)}


def test_no_copy_in_the_corpora_reads_as_another_formula() -> None:
    """Every copy of the hand corpus, GSM8K and AGIEval, and every AGIEval and hand question re-typeset four
    ways, keeps its formula: ``another_formula`` never keeps one. (The formulas are compared first, and
    the facets made only for the pairs whose formulas differ: the whole check then takes seconds.)"""
    kept, compared, lowest = [], 0, 1.0
    for kind, a, b in _copies():
        ra, rb = runs(a["question_text"]), runs(b["question_text"])
        if min(symbol_count(ra), symbol_count(rb)) < dedupe.FORMULA_MIN_SYMBOLS:
            continue
        compared += 1
        if (o := formula_overlap(ra, rb)) >= dedupe.FORMULA_MAX_OVERLAP:
            lowest = min(lowest, o)
            continue
        if dedupe.another_formula(_facets(a), _facets(b)):
            kept.append((kind, a["question_text"][:100]))
    assert kept == []
    assert compared > 3000 and lowest < 1.0  # the copies do state formulas, not all of them alike
