"""What every family module of the problem bank builds on: numbers as an exam paper prints them, the
``Problem`` and ``Shape`` records, and ``shape``/``fact``, which register a family's shapes in ``REGISTRY``
when its module is imported (``simulators.shapes`` imports a family on its first use).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources

R = random.Random

# --- numbers as an exam paper prints them ------------------------------------------------------------------


def fmt(x: float) -> str:
    """Four significant figures, integers without a decimal point, powers of ten in LaTeX."""
    if float(x).is_integer() and abs(x) < 1e6:
        return str(int(x))  # counts and exact integers are never rounded
    x = float(f"{x:.4g}")  # round once, so that a stored answer prints as its working does
    if x == 0:
        return "0"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        exp = math.floor(math.log10(abs(x)))
        mant = float(f"{x / 10**exp:.4g}")
        if abs(mant) >= 10:
            mant, exp = mant / 10, exp + 1
        m = str(int(mant)) if mant == int(mant) else f"{mant:.4g}"
        return f"10^{{{exp}}}" if m == "1" else f"{m} \\times 10^{{{exp}}}"
    r = float(f"{x:.4g}")
    return str(int(r)) if r == int(r) else f"{r:.4g}"


def num(x: float) -> str:
    """``fmt`` for running text: powers of ten inside ``$...$``."""
    s = fmt(x)
    return f"${s}$" if "\\" in s or "^" in s else s


def fraction(x: float) -> Fraction:
    return Fraction(x).limit_denominator(2000)


def tex_frac(x: float) -> str:
    """``x`` as an exact fraction in LaTeX (no dollars): ``\\frac{3}{4}``, ``-\\frac{1}{2}``, ``5``."""
    f = fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    sign = "-" if f < 0 else ""
    return f"{sign}\\frac{{{abs(f.numerator)}}}{{{f.denominator}}}"


def as_frac(x: float) -> str:
    return f"${tex_frac(x)}$"


def as_pi(x: float) -> str:
    """``x`` as a rational multiple of pi: ``$\\frac{3\\pi}{4}$``."""
    f = fraction(x / math.pi)
    if f == 0:
        return "0"
    sign = "-" if f < 0 else ""
    n, d = abs(f.numerator), f.denominator
    top = "\\pi" if n == 1 else f"{n}\\pi"
    return f"${sign}{top}$" if d == 1 else f"${sign}\\frac{{{top}}}{{{d}}}$"


def _surd_parts(q: int) -> tuple[int, int]:
    """sqrt(q) = a * sqrt(b) with b square-free."""
    a, b = 1, q
    k = 2
    while k * k <= b:
        while b % (k * k) == 0:
            a, b = a * k, b // (k * k)
        k += 1
    return a, b


def as_surd(x: float) -> str:
    """``x`` written with one square root when ``x**2`` is rational: ``$2\\sqrt{3}$``, ``$\\frac{\\sqrt{3}}{2}$``."""
    sq = fraction(x * x)
    sign = "-" if x < 0 else ""
    a, b = _surd_parts(sq.numerator)
    c, d = _surd_parts(sq.denominator)
    # sqrt(n/m) = a sqrt(b) / (c sqrt(d)) = a sqrt(b d) / (c d)
    coef = Fraction(a, c * d)
    rad = b * d
    if rad == 1:
        return f"${sign}{tex_frac(float(coef))}$"
    root = f"\\sqrt{{{rad}}}"
    if coef.denominator == 1:
        top = root if coef.numerator == 1 else f"{coef.numerator}{root}"
        return f"${sign}{top}$"
    top = root if coef.numerator == 1 else f"{coef.numerator}{root}"
    return f"${sign}\\frac{{{top}}}{{{coef.denominator}}}$"


def as_exp(x: float) -> str:
    """``x`` as a power of e: ``$e^{6}$``."""
    return f"$e^{{{tex_frac(math.log(x))}}}$"


def as_over_pi(x: float) -> str:
    """``x`` as a fraction over pi: ``$\\frac{1}{2\\pi}$``."""
    f = fraction(x * math.pi)
    top = f.numerator
    return f"$\\frac{{{top}}}{{\\pi}}$" if f.denominator == 1 else f"$\\frac{{{top}}}{{{f.denominator}\\pi}}$"


def named(x: float, names: dict[float, str]) -> str:
    """The name of a special value (``$\\ln 5$``), else the decimal."""
    return next((t for k, t in names.items() if math.isclose(k, x)), num(x))


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 22nd..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def a_(x: float | str) -> str:
    """The article before a number read aloud: 'an 80 kg block', 'a 60 kg block'."""
    t = x if isinstance(x, str) else fmt(x)
    return "an" if t.startswith("8") or t.split(".")[0] in ("11", "18") else "a"


def sind(deg: float) -> float:
    """sin of an angle in degrees, exact zeros kept (cos 90° is 0, not 6e-17)."""
    return round(math.sin(math.radians(deg)), 12)


def cosd(deg: float) -> float:
    return round(math.cos(math.radians(deg)), 12)


def poly(coeffs: list[int], var: str = "x") -> str:
    """Integer coefficients, highest power first, as LaTeX: [1, -5, 6] -> x^2 - 5x + 6."""
    deg = len(coeffs) - 1
    out = ""
    for i, c in enumerate(coeffs):
        p = deg - i
        if c == 0:
            continue
        sign = "-" if c < 0 else "+"
        a = abs(c)
        body = (str(a) if a != 1 or p == 0 else "") + (var if p >= 1 else "") + (f"^{p}" if p >= 2 else "")
        out += (("-" if c < 0 else "") + body) if not out else f" {sign} {body}"
    return out or "0"


# --- problems and shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One stated problem with its worked answer.

    Numeric: ``value`` (in ``unit``), ``wrong`` the values of typical mistakes, ``show`` how an option
    prints a value (decimal by default; fractions, multiples of pi, surds). Conceptual: ``answer`` and
    ``distractors`` are option texts; ``value`` may still be set when the answer is a number.
    """

    text: str
    working: str
    value: float | None = None
    unit: str | None = None
    wrong: tuple[float, ...] = ()
    answer: str | None = None
    distractors: tuple[str, ...] = ()
    shortcut: str | None = None
    show: Callable[[float], str] | None = None

    def option(self, v: float) -> str:
        """An option's text for the value ``v`` (with the unit)."""
        s = self.show(v) if self.show else num(v)
        return f"{s} {self.unit}" if self.unit else s


@dataclass(frozen=True)
class Shape:
    """One kind of problem: ``make(r)`` draws numbers and returns the worked ``Problem``."""

    key: str
    family: str
    topic: str
    make: Callable[[random.Random], Problem]
    level: str = "medium"
    numeric: bool = True  # can be asked as a numeric-answer question


# family -> its shapes, in the order its module registers them
REGISTRY: dict[str, list[Shape]] = {}


def _numeric_answer(value: float | None) -> bool:
    """Whether a problem can be asked as a numeric-answer question: JEE's numerical type wants a plain
    integer or decimal, so answers like 6.022 × 10²³ stay multiple choice."""
    return value is not None and (value == 0 or 1e-3 <= abs(value) < 1e6)


def shape(family: str, topic: str, level: str = "medium") -> Callable[[Callable[[R], Problem]], Callable[[R], Problem]]:
    """Register ``fn`` as the shape ``{topic}.{fn name}``."""

    def deco(fn: Callable[[R], Problem]) -> Callable[[R], Problem]:
        probe = fn(random.Random(0))
        key = f"{topic}.{fn.__name__.strip('_')}"
        REGISTRY.setdefault(family, []).append(Shape(key, family, topic, fn, level, _numeric_answer(probe.value)))
        return fn

    return deco


def fact(
    family: str,
    topic: str,
    name: str,
    text: str,
    answer: str,
    distractors: tuple[str, str, str],
    why: str,
    value: float | None = None,
    level: str = "medium",
) -> None:
    """Register a conceptual question (fixed text) as the shape ``{topic}.{name}``."""

    def make(_r: R) -> Problem:
        return Problem(text, why, value=value, answer=answer, distractors=distractors)

    REGISTRY.setdefault(family, []).append(Shape(f"{topic}.{name}", family, topic, make, level, _numeric_answer(value)))


def pick(r: R, *options: str) -> str:
    """One of ``options``, drawn with ``r``."""
    return r.choice(options)


def facts_from_data(family: str) -> None:
    """Register the conceptual questions of ``data/{family}_facts.json`` (topic, name, text, answer, three
    distractors, why; ``value`` when the answer is a number, which makes it a numeric question too), after the
    family's computed shapes so that the topic order stays the module's."""
    rows = json.loads(resources.files(__package__).joinpath(f"data/{family}_facts.json").read_text("utf-8"))
    for row in rows:
        fact(family, row["topic"], row["name"], row["text"], row["answer"], tuple(row["distractors"]), row["why"],
             value=row.get("value"))
