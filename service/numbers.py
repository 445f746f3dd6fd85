"""Reading numbers out of question text, no I/O: one LaTeX-aware reader for the dedupe and the gate.

Two readings share one spelling of LaTeX: ``numbers_of`` gives every number a text states (the givens
the dedupe compares) and ``masked_text`` the text with each one masked (the variant key); ``number_of``
gives the single number a short answer stands for (the gate's cheap checks and blind-solve answers).
"""

from __future__ import annotations

import math
import re
import unicodedata

# a LaTeX fraction, \frac{a}{b} (or \dfrac, \tfrac)
FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")


# --- every number of a text: the givens of a problem, and its number-masked form ---------------------

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
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")
# a braced subscript is part of a name: p_{2} is p_2 (another unknown than p_{1}), not the number 2
_SUBSCRIPT = re.compile(r"_\{\s*(\d+)\s*\}")
# A number, but not the digits of a name: L_1, PCl_5, x2 are identifiers, not givens.
_NUMBER = re.compile(r"(?<![a-z_\d.])\d+(?:\.\d+)?")
# an ordinal's suffix is part of how the number is written: "the 6th second" / "the 3rd second" differ in
# their number only
_ORDINAL = re.compile(r"(?<![a-z_\d.])(\d+)(?:st|nd|rd|th)\b")
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


def number_text(text: str) -> str:
    """The text with one spelling per number (the form ``numbers_of`` and ``masked_text`` read)."""
    # One spelling per number: LaTeX spacing, $ (math or currency), \% and \frac go; thousands
    # separators go; number words become digits. Whitespace is kept, so "2019. 3 people" stays two numbers.
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\\[,;:! ]|\\quad|\\qquad|~", " ", t)
    t = _SUBSCRIPT.sub(r"_\1", t)
    t = FRAC.sub(r"\1/\2", t)
    t = t.replace("\\%", "%").replace("\\$", " ").replace("$", " ")
    t = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), t)
    t = _WORD_RUN.sub(lambda m: _parse_words(m.group(0)), t)
    t = _ORDINAL.sub(r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


# A given's sign: a minus no operand can precede, right after an opening bracket, '=', ',' or a matrix's
# '&' or row break (or at the start): "(-2, 4)", "a = -3", "x^{-2}", "\\begin{pmatrix} -1 \\\\ 3 \\end{pmatrix}".
# After anything else it may be a subtraction or a hyphen ("x -3", "3-5"), read as before: no sign. Only
# the givens read signs; the masked text (the variant key) keeps its '-' beside the '#'.
_MATRIX_BREAK = re.compile(r"\\begin\{[a-zA-Z]*matrix\}|\\\\")
_SIGNED = re.compile(r"(?:(?:^|[(\[{,=&])\s*(-)\s*)?(?<![a-z_\d.])(\d+(?:\.\d+)?)")


def numbers_of(text: str) -> tuple[float, ...]:
    """The numbers a text states, in order, however written ("3", "three", "$3.00", "3,000", "\\frac{3}{4}"),
    negative where a minus can only be a sign ("(-2, 4)", a vector's "-1"; not "x -1" or "3-5")."""
    # before number_text, which reads '\\ ' as LaTeX spacing; U+2212, the minus sign, is a minus
    t = number_text(_MATRIX_BREAK.sub(" , ", text.replace("\u2212", "-")))
    return tuple(float(f"{float(sign + x):.9g}") for sign, x in _SIGNED.findall(t))


def masked_text(text: str) -> str:
    """The text with every number replaced by ``#`` and formatting normalised: equal for variants."""
    return _MASKED_SPACE.sub(r"\1", _NUMBER.sub("#", number_text(text)))


# --- the one number of a short answer -------------------------------------------------------------

_SCI = re.compile(r"^(.+?)\s*(?:\\times|×|x|\*)\s*10\^\{?([+-]?\d+)\}?$")
_NUM = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# a unit after a number ('m/s^2', 'kg m²', 'J mol⁻¹', 'cm³'): letters, '/', '·', spaces, exponents only;
# never an operator, a bare digit or a function ('2x - 1', '3 ln 2' are expressions, not quantities)
_UNIT_TAIL = re.compile(r"^(.*?\d)\s*([a-zA-Zμ°Ω](?:[a-zA-Zμ°Ω/·\s]|\^\{?-?\d+\}?|[²³⁻¹])*)$")
_NOT_UNITS = frozenset({"x", "y", "z", "t", "n", "e", "i", "pi", "ln", "log", "sin", "cos", "tan", "sec", "cot", "csc",
                        "exp", "sqrt"})


def number_of(text: str | None, *, percent: bool = True) -> float | None:
    """The single number a short answer text stands for: '0.5', '1/2', '50%', '\\frac{1}{2}', '-3',
    '1.2 \\times 10^{3}', '2.5 m' (a trailing unit is ignored); None when it is not one number.

    ``percent``: '50%' is 0.5 (options compared with each other); False: 50 (a numeric answer in %)."""
    if text is None:
        return None
    t = text.strip().strip("$").strip()
    t = t.replace(",", "").replace("−", "-").replace("\\left", "").replace("\\right", "").replace("\\,", "")
    t = re.sub(r"\\(?:text|mathrm)\{[^{}]*\}", "", t).strip()
    is_percent = percent and (t.endswith("%") or t.endswith("\\%"))
    t = t.removesuffix("\\%").removesuffix("%").strip()
    sign = -1.0 if t.startswith("-\\") else 1.0  # '-\frac{9}{2}'
    t = t[1:] if sign < 0 else t
    value = _plain_number(t)
    if value is None and (unit := _UNIT_TAIL.match(t)) and not _NOT_UNITS & set(re.findall(r"[a-zA-Z]+", unit.group(2))):
        value = _plain_number(unit.group(1).strip())  # '2.5 m/s^2' -> 2.5
    if value is None or not math.isfinite(value):
        return None
    value *= sign
    return value / 100 if is_percent else value


def _plain_number(t: str) -> float | None:
    """A decimal, a fraction (a/b or \\frac), or a×10^n; None for anything else."""
    value: float | None = None
    if _NUM.match(t):
        value = float(t)
    elif m := FRAC.fullmatch(t):
        a, b = number_of(m.group(1)), number_of(m.group(2))
        value = a / b if a is not None and b not in (None, 0) else None
    elif re.fullmatch(r"[+-]?\d+\s*/\s*\d+", t):
        a_s, b_s = (x.strip() for x in t.split("/"))
        value = float(a_s) / float(b_s) if float(b_s) != 0 else None
    elif m := _SCI.match(t):
        mant = number_of(m.group(1))
        value = mant * 10 ** int(m.group(2)) if mant is not None else None
    return value
