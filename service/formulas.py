"""The mathematical expressions of a question text, no I/O: what a formula is once its typesetting and
its numbers are set aside, for the dedupe rule (``dedupe.another_formula``).

``runs`` reads the whole text, LaTeX or plain, as a student reads the mathematics in it: runs of
symbols between words. Typesetting goes (``$``, ``\\[ \\]``, ``\\left``/``\\right``, spacing,
brackets and braces, ``\\cdot``/``*``/``\\times``, font commands, ``\\dfrac``); ``\\frac{a}{b}`` is
``a / b``; numbers, with a sign that starts an operand, are ``#``; words end a run. The formula is
the multiset of its symbols (numbers aside) and of the adjacent pairs within each run, so that "the same
symbols in another arrangement" (``sin x / cos x + cos x / (1 + sin x)`` against ``cos x / (1 - sin x)
- cos x / (1 + sin x)``) reads as another formula while a re-typeset copy reads as the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

# Names of functions and operators read as one symbol, in mathematics and in words ("sin x", "\sin x").
_NAMES = frozenset(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln exp det lim gcd lcm min max mod".split()
)
# In words, "sec", "min", "max", "mod", "det" are units or words more often than functions.
_PROSE_NAMES = _NAMES - {"sec", "min", "max", "mod", "det"}
_NAME_OR_LETTER = re.compile("|".join(sorted(_NAMES, key=len, reverse=True)) + "|[a-z]")
# Typesetting only: dropped with nothing in their place.
_DROP = frozenset(
    r"\left \right \big \bigl \bigr \Big \Bigl \Bigr \bigg \biggl \biggr \displaystyle \textstyle \cdot \times "
    r"$ \ast \, \; \: \! \quad \qquad \hline \limits \nolimits \circ \% \$ \{ \} \lbrace \rbrace "
    r"\langle \rangle".split()
) | {"\\ "}
# Font and accent commands: their argument stays ("\mathbf{A}" is A, "\vec{v}" is v).
_FONT = frozenset(
    r"\mathbf \mathrm \mathit \mathsf \mathbb \mathcal \boldsymbol \bm \vec \overrightarrow \overline \hat "
    r"\bar \tilde \operatorname \mathop".split()
)
_TEXT = frozenset(r"\text \textrm \textbf \textit \mbox \mathtt \texttt".split())
_FRAC = frozenset(r"\frac \dfrac \tfrac \cfrac".split())
_SAME = {
    r"\leq": "≤", r"\le": "≤", r"\leqslant": "≤", r"\geq": "≥", r"\ge": "≥", r"\geqslant": "≥", r"\neq": "≠",
    r"\ne": "≠", r"\lt": "<", r"\gt": ">", r"\to": "→", r"\rightarrow": "→", r"\ldots": "…", r"\cdots": "…",
    r"\dots": "…", r"\prime": "'", r"\div": "/", r"\over": "/", r"\lvert": "|", r"\rvert": "|", r"\vert": "|",
    r"\mid": "|", "*": "", "×": "", "·": "", "÷": "/", "−": "-", "–": "-", "≦": "≤", "≧": "≥", "°": "", "%": "",
    "...": "…", "\\lambda": "\\lamda",  # unicodedata spells λ "lamda"
    r"\varepsilon": r"\epsilon", r"\vartheta": r"\theta", r"\varphi": r"\phi",
}
# the end of a run (a word, a comma, a sentence's end)
_END = "\n"
# brackets are dropped (a sign after an opening one starts an operand); commas, full stops, table cells end a run
_OPEN = frozenset("([")
_GROUPING = frozenset(")]}~")
_BREAK = frozenset(",.;:?\"&") | {"\\\\"}  # "&" and "\\" part the cells of a matrix or a table
_OPERATORS = frozenset("=+-/^_<>≤≥≠|→")
# operators that make the letters next to them symbols even in words ("xyz = 1"); not "-" nor "/",
# which join words too ("well-known", "and/or")
_BINDS = frozenset("=+^_<>≤≥")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]+|\.\.\.|\S")
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "¹": "^1", "⁴": "^4", "⁰": "^0", "⁻": "^-", "√": "\\sqrt "})
# delimited mathematics (a "$…$" that holds words is not: ``_is_currency``)
_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$|(?<!\\)\$(?P<d>.+?)(?<!\\)\$|\\\[(?P<b>.+?)\\\]|\\\((?P<p>.+?)\\\)"
    r"|\\begin\{(?P<env>equation|align|gather|eqnarray)\*?\}(?P<e>.+?)\\end\{(?P=env)\*?\}",
    re.DOTALL,
)
# "$...$" holding words is text between two currency signs ("$5 for a hat and $2", "200$ to use and
# 700$"): mathematics holds no word outside \text
_CURRENCY_WORD = re.compile(r"(?<=\s)[A-Za-z]{3,}")
_TEXT_GROUP = re.compile(r"\\(?:text|textrm|textbf|textit|mbox|mathrm|operatorname)\s*\{[^{}]*\}")
_DEGREE = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°")
_CONTRACTION = re.compile(r"(?<=[A-Za-z])['’][A-Za-z]+\b")
_GREEK = {
    unicodedata.lookup(f"GREEK SMALL LETTER {n.upper()}"): f"\\{n}"
    for n in "alpha beta gamma delta epsilon zeta eta theta iota kappa lamda mu nu xi pi rho sigma tau phi chi psi omega".split()
}
_GREEK_NAMES = frozenset(v[1:] for v in _GREEK.values())
# Two-letter words of English: a run of two letters that is none of them is a product of two symbols
# written in words ("kx", "AB"). "a" and "I" followed by a word are an article and a pronoun.
_SHORT_WORDS = frozenset(
    "of to in is it at on by be as an or if so no up we he me my us do go am ok oh vs ie eg".split()
)


def segments(text: str) -> list[tuple[bool, str]]:
    """``(is_math, text)`` pieces in order: delimited mathematics and the words around it."""
    out: list[tuple[bool, str]] = []
    pos = 0
    while m := _MATH.search(text, pos):
        body = next(g for k, g in m.groupdict().items() if g is not None and k != "env")
        if m.group("d") is not None and _is_currency(body):
            out.append((False, text[pos : m.start() + 1]))  # the first "$" is a currency sign
            pos = m.start() + 1
            continue
        out.append((False, text[pos : m.start()]))
        out.append((True, body))
        pos = m.end()
    out.append((False, text[pos:]))
    return [(is_math, t) for is_math, t in out if t.strip()]


def _is_currency(body: str) -> bool:
    words = _CURRENCY_WORD.findall(_TEXT_GROUP.sub(" ", body))
    return any(w.lower() not in _NAMES for w in words)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _arg(toks: list[str], i: int, math: bool) -> tuple[list[str], int]:
    """One argument of a command: a braced group or a single token."""
    if i < len(toks) and toks[i] == "{":
        return _read(toks, i + 1, math, until="}")
    return _read(toks[i : i + 1], 0, math)[0], i + 1


def _raw_arg(toks: list[str], i: int) -> tuple[str, int]:
    """A braced argument as written (an environment's name, a column layout)."""
    if i < len(toks) and toks[i] == "{" and "}" in toks[i:]:
        j = toks.index("}", i)
        return "".join(toks[i + 1 : j]), j + 1
    return "", i


def _read(
    toks: list[str], i: int, math: bool, until: str | None = None, stop: int | None = None
) -> tuple[list[str], int]:
    """Symbols (with ``_END`` for the end of a run) from ``toks[i:stop]`` up to the closing ``until``; the
    tokens from ``stop`` on are only looked at (what follows a piece of text)."""
    out: list[str] = []
    end = len(toks) if stop is None else stop
    while i < end:
        t = toks[i]
        i += 1
        if t.isalpha() and t.isascii():
            for s in _letters(t, math, toks[i - 2] if i > 1 else "", toks[i] if i < len(toks) else ""):
                if s != _END or not out or out[-1] != _END:  # one end between two runs
                    out.append(s)
            continue
        if t == until:
            return out, i
        t = _SAME.get(t, t)
        if t == "{":
            sub, i = _read(toks, i, math, until="}")
            out += sub
        elif t in _FRAC:
            num, i = _arg(toks, i, math)
            den, i = _arg(toks, i, math)
            out += [*num, "/", *den]
        elif t == r"\sqrt":
            if i < len(toks) and toks[i] == "[":
                j = toks.index("]", i) if "]" in toks[i:] else i
                out += ["sqrt", *_read(toks[i + 1 : j], 0, math)[0]]
                i = j + 1
            else:
                out.append("sqrt")
        elif t in (r"\begin", r"\end"):
            name, i = _raw_arg(toks, i)
            if t == r"\begin" and "matrix" in name:
                out.append("matrix")
            if t == r"\begin" and name in ("array", "tabular"):
                _, i = _raw_arg(toks, i)  # the column layout
            out.append(_END)
        elif t in _TEXT:
            _, i = _arg(toks, i, math)
            out.append(_END)
        elif t in _OPEN:
            out.append("(")  # a sign after it starts an operand
        elif t in _FONT or t in _DROP or t in _GROUPING or not t:
            continue
        elif t in _BREAK or (t == "-" and not math and i < len(toks) and _is_word(toks[i])):
            out.append(_END)  # a hyphen before a word ("3-month") joins words, not symbols
        elif t[0] == "\\":
            name = t[1:].lower()
            out.append(name if name in _NAMES else t.lower())
        elif t[0].isdigit():
            out.append("#")
        else:
            out.append(_GREEK.get(t.lower(), t))
    return out, i


def _letters(run: str, math: bool, before: str = "", after: str = "") -> list[str]:
    """A run of letters: in mathematics, names and single letters ("xy" is x y); in words, a name, a
    symbol ("x", "ABC", "PCl", "kx", "xyz" next to "=") or a word (the end of a run)."""
    if not math and len(run) > 2 and run[1:].islower() and before not in _BINDS and after not in _BINDS:
        return [run.lower()] if run.lower() in _PROSE_NAMES else [_END]  # a word, the common case
    low = run.lower()
    if math or before in _BINDS or after in _BINDS:
        return _NAME_OR_LETTER.findall(low)
    if low in _PROSE_NAMES:
        return [low]
    if len(run) == 1:
        return [_END] if _article(run, before, after) else [low]
    return [_END] if _is_word(run) else list(low)


def _article(letter: str, before: str, after: str) -> bool:
    """"a" before a word or a number, "A" so at the start of a sentence, "I" so: words, not symbols."""
    if not after[:1].isalnum():
        return False
    return letter in ("a", "I") or (letter == "A" and before in ("", ".", "?", "!", ":"))


def _is_word(run: str) -> bool:
    """A word of the text, not symbols written together: two or more letters, in lower case or
    capitalised, and not a two-letter product ("kx"); all capitals ("ABC", "TARGET") or mixed ("PCl")
    are symbols."""
    if not (run.isalpha() and run.isascii()) or len(run) < 2 or not run[1:].islower():
        return False
    return len(run) > 2 or run.lower() in _SHORT_WORDS


def _signless(symbols: list[str]) -> list[str]:
    """A sign that starts an operand ("= -3", "\\\\ -1", "(-2") is part of the number it masks."""
    out: list[str] = []
    for k, s in enumerate(symbols):
        nxt = symbols[k + 1] if k + 1 < len(symbols) else ""
        if s == "(":
            continue
        prev = symbols[k - 1] if k else _END
        if s in ("+", "-") and nxt == "#" and (prev in _OPERATORS or prev in (_END, "(", "matrix")):
            continue
        out.append(s)
    return out


def runs(text: str) -> tuple[tuple[str, ...], ...]:
    """The text's symbol runs: what stands between words, typesetting dropped, numbers masked. A run
    goes on across a delimiter ("$0.2$ kg" is "0.2 kg")."""
    text = _DEGREE.sub(" ", unicodedata.normalize("NFKC", text.translate(_SUPERSCRIPTS)))
    pieces = segments(text)
    symbols: list[str] = []
    for k, (is_math, piece) in enumerate(pieces):
        toks = _tokens(piece if is_math else _CONTRACTION.sub("", piece))
        first = _TOKEN.search(pieces[k + 1][1]) if k + 1 < len(pieces) else None  # what follows the piece
        follow = [first.group()] if first else []
        symbols += _read([*toks, *follow], 0, is_math, stop=len(toks))[0]
    out: list[list[str]] = [[]]
    for s in _signless(symbols):
        if s == _END:
            out.append([])
        else:
            out[-1].append(s)
    return tuple(tuple(r) for r in out if r)


def _renamed(run_list: Iterable[Iterable[str]]) -> list[list[str]]:
    """Letters renamed in order of first appearance (x, y -> v1, v2): a copy that renames its unknown
    ("t" for "x" throughout) keeps its formula."""
    names: dict[str, str] = {}
    return [[names.setdefault(s, f"v{len(names)}") if _is_letter(s) else s for s in run] for run in run_list]


def _is_letter(s: str) -> bool:
    return (len(s) == 1 and "a" <= s <= "z") or (s.startswith("\\") and s != "\\pi" and s[1:] in _GREEK_NAMES)


def _features(run_list: Iterable[Iterable[str]]) -> Counter[str]:
    """Symbols other than numbers, and each pair of adjacent symbols of a run ("x ^", "^ #")."""
    feats: Counter[str] = Counter()
    for run in map(list, run_list):
        feats.update(s for s in run if s != "#")
        feats.update(f"{x} {y}" for x, y in pairwise(run))
    return feats


def symbol_count(run_list: Iterable[Iterable[str]]) -> int:
    """How many symbols other than numbers the runs hold."""
    return sum(1 for run in run_list for s in run if s != "#")


def formula_overlap(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> float:
    """How alike two texts' formulas are: the multiset Jaccard overlap of their ``_features``, as
    written or with the letters renamed in order (``_renamed``), whichever is higher; 1.0 when neither
    states a symbol."""
    return max(_jaccard(_features(a), _features(b)), _jaccard(_features(_renamed(a)), _features(_renamed(b))))


def _jaccard(ca: Counter[str], cb: Counter[str]) -> float:
    union = sum((ca | cb).values())
    return sum((ca & cb).values()) / union if union else 1.0
