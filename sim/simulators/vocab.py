# ruff: noqa: E501 -- the bank is exam prose and LaTeX; a formula split across lines reads worse than a long one
"""The simulators' problem bank: JEE/NEET-style problems, each one a ``Shape`` with seeded numbers.

Ours, not an upstream behaviour. A shape is one kind of problem (a concept, a set-up and an ask);
``make(r)`` draws its numbers, computes the answer from them and writes the working that reaches it,
with the mistakes students typically make as distractors. Conceptual problems (no number to compute)
carry their answer and three wrong statements. Shapes are grouped by family (subject) and topic;
``TOPIC_KEYWORDS`` says which request topics a topic answers (regex fragments matched at word starts).

Distinct shapes must embed as distinct questions (cosine < 0.8 with all-MiniLM-L6-v2 on
``service.embedding.representation``): each has its own set-up and its own final ask, never a shared
template with the nouns swapped.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

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


def _fraction(x: float) -> Fraction:
    return Fraction(x).limit_denominator(2000)


def tex_frac(x: float) -> str:
    """``x`` as an exact fraction in LaTeX (no dollars): ``\\frac{3}{4}``, ``-\\frac{1}{2}``, ``5``."""
    f = _fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    sign = "-" if f < 0 else ""
    return f"{sign}\\frac{{{abs(f.numerator)}}}{{{f.denominator}}}"


def as_frac(x: float) -> str:
    return f"${tex_frac(x)}$"


def as_pi(x: float) -> str:
    """``x`` as a rational multiple of pi: ``$\\frac{3\\pi}{4}$``."""
    f = _fraction(x / math.pi)
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
    sq = _fraction(x * x)
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
    f = _fraction(x * math.pi)
    top = f.numerator
    return f"$\\frac{{{top}}}{{\\pi}}$" if f.denominator == 1 else f"$\\frac{{{top}}}{{{f.denominator}\\pi}}$"


def _named(x: float, names: dict[float, str]) -> str:
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


SHAPES: list[Shape] = []


def _numeric_answer(value: float | None) -> bool:
    """Whether a problem can be asked as a numeric-answer question: JEE's numerical type wants a plain
    integer or decimal, so answers like 6.022 × 10²³ stay multiple choice."""
    return value is not None and (value == 0 or 1e-3 <= abs(value) < 1e6)


def shape(family: str, topic: str, level: str = "medium") -> Callable[[Callable[[R], Problem]], Callable[[R], Problem]]:
    """Register ``fn`` as the shape ``{topic}.{fn name}``."""

    def deco(fn: Callable[[R], Problem]) -> Callable[[R], Problem]:
        probe = fn(random.Random(0))
        SHAPES.append(Shape(f"{topic}.{fn.__name__.strip('_')}", family, topic, fn, level, _numeric_answer(probe.value)))
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

    SHAPES.append(Shape(f"{topic}.{name}", family, topic, make, level, _numeric_answer(value)))


def pick(r: R, *options: str) -> str:
    return r.choice(options)


# =============================================================================================================
# Mathematics
# =============================================================================================================

M = "mathematics"


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


@shape(M, "algebra")
def _roots_square_sum(r: R) -> Problem:
    a = r.choice([1, 2, 3])
    p, q = r.choice([(1, 4), (2, 5), (-3, 2), (1, -6), (3, 4), (-2, -5), (4, -1)])
    b, c = -a * (p + q), a * p * q
    s, prod = p + q, p * q
    v = s * s - 2 * prod
    return Problem(
        f"If $\\alpha$ and $\\beta$ are the roots of ${poly([a, b, c])} = 0$, find the value of "
        "$\\alpha^2 + \\beta^2$.",
        f"$\\alpha + \\beta = -b/a = {s}$ and $\\alpha\\beta = c/a = {prod}$, so "
        f"$\\alpha^2 + \\beta^2 = (\\alpha+\\beta)^2 - 2\\alpha\\beta = {s * s} - ({2 * prod}) = {v}$.",
        v,
        wrong=(s * s + 2 * prod, s * s - prod, s * s),
        shortcut="Use (α+β)² − 2αβ; never solve for the roots.",
    )


@shape(M, "algebra", "easy")
def _parabola_touches_axis(r: R) -> Problem:
    m = r.randint(2, 9)
    c = m * m
    v = 2 * m
    return Problem(
        f"For what positive value of $k$ does the parabola $y = x^2 - kx + {c}$ just touch the x-axis?",
        f"Touching the axis means a repeated root, so the discriminant vanishes: $k^2 - 4 \\cdot {c} = 0$, "
        f"$k^2 = {4 * c}$ and $k = {v}$.",
        v,
        wrong=(m, c, 4 * m),
        shortcut="Tangent to the x-axis ⇔ D = 0 ⇔ k = 2√c.",
    )


@shape(M, "algebra")
def _root_twice_other(r: R) -> Problem:
    t = r.randint(1, 6)
    s = 3 * t
    v = 2 * t * t
    return Problem(
        f"One root of $x^2 - {s}x + k = 0$ is twice the other. What is the value of $k$?",
        f"Let the roots be $t$ and $2t$. Their sum $3t = {s}$ gives $t = {t}$, and their product is "
        f"$k = 2t^2 = {v}$.",
        v,
        wrong=(t * t, 3 * t * t, 4 * t * t),
    )


@shape(M, "algebra", "easy")
def _quadratic_minimum(r: R) -> Problem:
    h = r.randint(1, 8)
    c = r.randint(h * h - 10, h * h + 20)
    v = c - h * h
    return Problem(
        f"What is the least value of $f(x) = {poly([1, -2 * h, c])}$ as $x$ ranges over the real numbers?",
        f"Complete the square: $f(x) = (x - {h})^2 + {c} - {h * h}$, so the minimum, at $x = {h}$, is {v}.",
        v,
        wrong=(c, c + h * h, -h * h),
        shortcut="Minimum of x² + bx + c is c − b²/4.",
    )


@shape(M, "algebra")
def _log_equation(r: R) -> Problem:
    b, m = r.choice([(2, 4), (2, 6), (3, 2), (3, 4), (2, 2), (5, 2)])
    total = Fraction(3 * m, 2)
    v = b**m
    return Problem(
        f"Solve for $x$: $\\log_{{{b}}} x + \\log_{{{b * b}}} x = {tex_frac(float(total))}$.",
        f"$\\log_{{{b * b}}} x = \\frac{{1}}{{2}}\\log_{{{b}}} x$, so $\\frac{{3}}{{2}}\\log_{{{b}}} x = "
        f"{tex_frac(float(total))}$, giving $\\log_{{{b}}} x = {m}$ and $x = {b}^{{{m}}} = {v}$.",
        v,
        wrong=(b ** (m + 1), b ** (m - 1) if m > 1 else b + 1, m * b),
    )


@shape(M, "algebra", "easy")
def _integers_in_modulus(r: R) -> Problem:
    a, k = r.randint(-6, 9), r.randint(3, 12)
    v = 2 * k - 1
    return Problem(
        f"How many integers $x$ satisfy the inequality $|x - {a}| < {k}$?" if a >= 0 else
        f"How many integers $x$ satisfy the inequality $|x + {-a}| < {k}$?",
        f"$|x - ({a})| < {k}$ means ${a - k} < x < {a + k}$, whose integers are ${a - k + 1}, \\dots, {a + k - 1}$: "
        f"that is $2 \\cdot {k} - 1 = {v}$ integers.",
        v,
        wrong=(2 * k + 1, 2 * k, k),
    )


@shape(M, "algebra")
def _am_gm_minimum(r: R) -> Problem:
    a, b = r.choice([(4, 9), (2, 8), (3, 12), (1, 16), (9, 4), (5, 20), (6, 24), (2, 18)])
    v = 2 * math.sqrt(a * b)
    return Problem(
        f"For positive real $x$, what is the smallest value that ${a}x + \\frac{{{b}}}{{x}}$ can take?",
        f"By AM ≥ GM, ${a}x + \\frac{{{b}}}{{x}} \\ge 2\\sqrt{{{a} \\cdot {b}}} = 2\\sqrt{{{a * b}}} = {fmt(v)}$, "
        f"with equality at $x = \\sqrt{{{b}/{a}}}$.",
        v,
        wrong=(a + b, math.sqrt(a * b), 4 * math.sqrt(a * b)),
        shortcut="px + q/x ≥ 2√(pq).",
    )


@shape(M, "algebra", "easy")
def _remainder_theorem(r: R) -> Problem:
    a, b, c, k = r.randint(-4, 4), r.randint(-6, 6), r.randint(-9, 9), r.choice([-2, -1, 1, 2, 3])
    v = k**3 + a * k * k + b * k + c
    div = f"x - {k}" if k > 0 else f"x + {-k}"
    return Problem(
        f"What remainder is left when $p(x) = {poly([1, a, b, c])}$ is divided by $({div})$?",
        f"By the remainder theorem the remainder is $p({k}) = {k**3} + ({a * k * k}) + ({b * k}) + ({c}) = {v}$.",
        v,
        wrong=(-k**3 + a * k * k - b * k + c, c, v + 2 * k),
        shortcut="Remainder on division by (x − k) is p(k).",
    )


@shape(M, "complex")
def _complex_modulus_quotient(r: R) -> Problem:
    (a, b), (c, d) = r.sample([(3, 4), (5, 12), (6, 8), (8, 15)], 2)
    v = math.hypot(a, b) / math.hypot(c, d)
    return Problem(
        f"Find the modulus of the complex number $z = \\dfrac{{{a} + {b}i}}{{{c} - {d}i}}$.",
        f"$|z| = \\frac{{|{a} + {b}i|}}{{|{c} - {d}i|}} = \\frac{{\\sqrt{{{a * a + b * b}}}}}"
        f"{{\\sqrt{{{c * c + d * d}}}}} = {tex_frac(v)}$.",
        v,
        wrong=(math.hypot(c, d) / math.hypot(a, b), (a + b) / (c + d), (a * a + b * b) / (c * c + d * d)),
        show=as_frac,
        shortcut="|z₁/z₂| = |z₁|/|z₂|.",
    )


@shape(M, "complex", "easy")
def _one_plus_i_power(r: R) -> Problem:
    n = r.choice([2, 4, 6, 8])
    v = (2**n) * [1, 0, -1, 0][n % 4]
    return Problem(
        f"Evaluate $(1 + i)^{{{2 * n}}}$, where $i = \\sqrt{{-1}}$.",
        f"$(1 + i)^2 = 2i$, so $(1+i)^{{{2 * n}}} = (2i)^{{{n}}} = {2**n} \\cdot i^{{{n}}} = {v}$.",
        v,
        wrong=(-v, 2 ** (2 * n), 2**n * 2),
        shortcut="(1 + i)² = 2i.",
    )


@shape(M, "complex")
def _cube_root_unity(r: R) -> Problem:
    n = r.choice([3, 6, 9])
    minus = r.random() < 0.5
    expr = "1 - \\omega + \\omega^2" if minus else "1 + \\omega - \\omega^2"
    step = "-2\\omega" if minus else "-2\\omega^2"
    v = (-2) ** n
    return Problem(
        f"If $\\omega$ is a non-real cube root of unity, what is the value of $({expr})^{{{n}}}$?",
        f"Since $1 + \\omega + \\omega^2 = 0$, ${expr} = {step}$. Its {ordinal(n)} power is $(-2)^{{{n}}}$ times a "
        f"power of $\\omega^3 = 1$, i.e. ${v}$.",
        v,
        wrong=(2**n, (-2) ** (n - 1), 0),
    )


@shape(M, "complex")
def _complex_argument(r: R) -> Problem:
    cases = [
        ("1 + i\\sqrt{3}", math.pi / 3),
        ("-1 + i\\sqrt{3}", 2 * math.pi / 3),
        ("-1 - i\\sqrt{3}", -2 * math.pi / 3),
        ("\\sqrt{3} - i", -math.pi / 6),
        ("-\\sqrt{3} + i", 5 * math.pi / 6),
        ("-1 + i", 3 * math.pi / 4),
    ]
    z, v = r.choice(cases)
    return Problem(
        f"What is the principal argument of the complex number $z = {z}$?",
        f"Locate $z$ in its quadrant from the signs of its real and imaginary parts and measure the angle "
        f"from the positive real axis within $(-\\pi, \\pi]$: $\\arg z = {as_pi(v).strip('$')}$.",
        v,
        wrong=(-v, math.pi - v if v > 0 else -math.pi - v, v / 2),
        show=as_pi,
    )


@shape(M, "sequences", "easy")
def _ap_term_from_two(r: R) -> Problem:
    a, d = r.randint(-5, 12), r.randint(2, 7)
    p, q = r.choice([(3, 8), (5, 12), (4, 10), (2, 9), (6, 11)])
    k = r.choice([15, 20, 25, 30])
    tp, tq = a + (p - 1) * d, a + (q - 1) * d
    v = a + (k - 1) * d
    return Problem(
        f"The {ordinal(p)} term of an arithmetic progression is {tp} and its {ordinal(q)} term is {tq}. What is its {ordinal(k)} term?",
        f"$({q} - {p})d = {tq} - {tp}$ gives $d = {d}$, then $a = {tp} - {p - 1} \\cdot {d} = {a}$ and "
        f"$a_{{{k}}} = a + {k - 1}d = {v}$.",
        v,
        wrong=(a + k * d, a + (k - 2) * d, tq + (k - q + 1) * d),
    )


@shape(M, "sequences")
def _ap_terms_for_sum(r: R) -> Problem:
    a, d, n = r.randint(1, 9), r.randint(2, 6), r.randint(8, 20)
    s = n * (2 * a + (n - 1) * d) // 2
    seq = f"{a}, {a + d}, {a + 2 * d}, \\dots"
    return Problem(
        f"How many terms of the arithmetic progression ${seq}$ must be added to get a sum of {s}?",
        f"$\\frac{{n}}{{2}}[2 \\cdot {a} + (n - 1) {d}] = {s}$ is a quadratic in $n$ whose positive root is "
        f"$n = {n}$.",
        n,
        wrong=(n + 1, n - 1, n + 2),
    )


@shape(M, "sequences")
def _infinite_gp_ratio(r: R) -> Problem:
    a, ratio = r.choice([(5, Fraction(3, 4)), (6, Fraction(1, 2)), (8, Fraction(1, 3)), (9, Fraction(2, 5)),
                         (12, Fraction(1, 4)), (4, Fraction(2, 3))])
    s = a / (1 - ratio)
    v = float(ratio)
    return Problem(
        f"An infinite geometric series has first term {a} and sum ${tex_frac(float(s))}$. What is its common ratio?",
        f"$S = \\frac{{a}}{{1 - r}}$ gives $1 - r = \\frac{{{a}}}{{{tex_frac(float(s))}}}$, so "
        f"$r = {tex_frac(v)}$.",
        v,
        wrong=(1 - v, v / 2, min(0.99, v + 0.25)),
        show=as_frac,
    )


@shape(M, "sequences", "easy")
def _gp_first_term(r: R) -> Problem:
    a, q = r.choice([(3, 2), (2, 3), (5, 2), (1, 4), (4, 3), (7, 2)])
    m, k = r.choice([(3, 6), (2, 5), (4, 7)])
    tm, tk = a * q ** (m - 1), a * q ** (k - 1)
    return Problem(
        f"In a geometric progression the {ordinal(m)} term is {tm} and the {ordinal(k)} term is {tk}. Find the first term.",
        f"$r^{{{k - m}}} = {tk}/{tm} = {q ** (k - m)}$ so $r = {q}$; then $a = {tm}/{q}^{{{m - 1}}} = {a}$.",
        a,
        wrong=(a * q, tm // q if tm // q != a else a + 1, q),
    )


@shape(M, "sequences")
def _am_gm_numbers(r: R) -> Problem:
    am, gm = r.choice([(5, 4), (10, 8), (13, 12), (25, 24), (17, 15), (10, 6), (25, 20)])
    d = math.isqrt(am * am - gm * gm)
    v = am + d
    return Problem(
        f"The arithmetic mean of two positive numbers is {am} and their geometric mean is {gm}. "
        "What is the larger of the two numbers?",
        f"The numbers are the roots of $x^2 - {2 * am}x + {gm * gm} = 0$: $x = {am} \\pm \\sqrt{{{am * am} - "
        f"{gm * gm}}} = {am} \\pm {d}$. The larger is {v}.",
        v,
        wrong=(am - d, 2 * am, am + gm),
    )


@shape(M, "sequences", "easy")
def _sum_of_squares(r: R) -> Problem:
    n = r.randint(8, 30)
    v = n * (n + 1) * (2 * n + 1) // 6
    return Problem(
        f"Evaluate $1^2 + 2^2 + 3^2 + \\dots + {n}^2$.",
        f"$\\sum k^2 = \\frac{{n(n+1)(2n+1)}}{{6}} = \\frac{{{n} \\cdot {n + 1} \\cdot {2 * n + 1}}}{{6}} = {v}$.",
        v,
        wrong=((n * (n + 1) // 2) ** 2, n * (n + 1) * (2 * n + 1) // 3, v - n * n),
    )


@shape(M, "sequences")
def _orange_pyramid(r: R) -> Problem:
    n = r.randint(5, 15)
    v = n * (n + 1) * (n + 2) // 6
    return Problem(
        f"Oranges are stacked in a pyramid with a triangular base: the top layer has 1 orange, the next 3, then 6, "
        f"and so on (the k-th layer holds k(k+1)/2). How many oranges are there in a pyramid of {n} layers?",
        f"$\\sum_{{k=1}}^{{{n}}} \\frac{{k(k+1)}}{{2}} = \\frac{{n(n+1)(n+2)}}{{6}} = \\frac{{{n} \\cdot {n + 1} \\cdot {n + 2}}}{{6}} = {v}$.",
        v,
        wrong=(n * (n + 1) * (n + 2) // 3, n * (n + 1) // 2 * n, n * (n + 1) * (2 * n + 1) // 6),
    )


@shape(M, "sequences")
def _two_digit_multiples(r: R) -> Problem:
    k = r.choice([3, 4, 6, 7, 8, 9])
    first = ((10 + k - 1) // k) * k
    last = (99 // k) * k
    n = (last - first) // k + 1
    v = n * (first + last) // 2
    return Problem(
        f"What is the sum of all two-digit natural numbers that are divisible by {k}?",
        f"They form an AP from {first} to {last} with difference {k}: $n = ({last} - {first})/{k} + 1 = {n}$ terms, "
        f"sum $= \\frac{{{n}}}{{2}}({first} + {last}) = {v}$.",
        v,
        wrong=(v + last, v - first, (n + 1) * (first + last) // 2),
    )


@shape(M, "sequences", "easy")
def _telescoping(r: R) -> Problem:
    n = r.choice([9, 19, 24, 49, 99, 15])
    v = n / (n + 1)
    return Problem(
        f"Find the sum $\\dfrac{{1}}{{1 \\cdot 2}} + \\dfrac{{1}}{{2 \\cdot 3}} + \\dots + \\dfrac{{1}}{{{n} \\cdot {n + 1}}}$.",
        f"$\\frac{{1}}{{k(k+1)}} = \\frac{{1}}{{k}} - \\frac{{1}}{{k+1}}$ telescopes to "
        f"$1 - \\frac{{1}}{{{n + 1}}} = {tex_frac(v)}$.",
        v,
        wrong=((n - 1) / n, 1 / (n + 1), (n + 1) / (n + 2)),
        show=as_frac,
        shortcut="Partial fractions, then only the first and last terms survive.",
    )


@shape(M, "sequences", "easy")
def _recurring_decimal(r: R) -> Problem:
    d = r.choice([12, 18, 27, 36, 45, 54, 63, 72, 81])
    v = d / 99
    return Problem(
        f"Express the recurring decimal $0.\\overline{{{d:02d}}}$ as a fraction in lowest terms.",
        f"$0.\\overline{{{d:02d}}} = \\frac{{{d}}}{{100}} + \\frac{{{d}}}{{100^2}} + \\dots = \\frac{{{d}}}{{99}} = "
        f"{tex_frac(v)}$ (an infinite GP with ratio 1/100).",
        v,
        wrong=(d / 100, d / 90, (d + 1) / 99),
        show=as_frac,
    )


@shape(M, "permutations", "easy")
def _word_arrangements(r: R) -> Problem:
    word = r.choice(["BANANA", "LETTER", "BALLOON", "SUCCESS", "ARRANGE", "ASSASSIN", "COMMITTEE", "PEPPER"])
    counts: dict[str, int] = {}
    for ch in word:
        counts[ch] = counts.get(ch, 0) + 1
    v = math.factorial(len(word))
    den = 1
    for c in counts.values():
        den *= math.factorial(c)
    v //= den
    reps = ", ".join(f"{ch} ×{c}" for ch, c in counts.items() if c > 1)
    return Problem(
        f"In how many distinct ways can all the letters of the word {word} be arranged?",
        f"{len(word)} letters with repeats ({reps}): $\\frac{{{len(word)}!}}{{{den}}} = {v}$ "
        "(dividing by the factorial of each repeat count).",
        v,
        wrong=(math.factorial(len(word)), v * 2, v // 2 if v % 2 == 0 else v + 2),
    )


@shape(M, "permutations")
def _committee_at_least_one(r: R) -> Problem:
    men, women, k = r.randint(5, 8), r.randint(3, 6), r.choice([3, 4])
    v = math.comb(men + women, k) - math.comb(men, k)
    return Problem(
        f"A committee of {k} is to be chosen from {men} men and {women} women. In how many ways can this be done "
        "if the committee must include at least one woman?",
        f"All committees minus those with no woman: $\\binom{{{men + women}}}{{{k}}} - \\binom{{{men}}}{{{k}}} = "
        f"{math.comb(men + women, k)} - {math.comb(men, k)} = {v}$.",
        v,
        wrong=(women * math.comb(men + women - 1, k - 1), math.comb(men + women, k), math.comb(women, 1) * math.comb(men, k - 1)),
        shortcut="'At least one' = total − none.",
    )


@shape(M, "permutations", "easy")
def _polygon_diagonals(r: R) -> Problem:
    n = r.randint(7, 20)
    v = n * (n - 3) // 2
    return Problem(
        f"How many diagonals does a convex polygon with {n} sides have?",
        f"Lines through two vertices: $\\binom{{{n}}}{{2}} = {n * (n - 1) // 2}$; removing the {n} sides leaves "
        f"${v}$ diagonals.",
        v,
        wrong=(n * (n - 1) // 2, n * (n - 3), n * (n - 2) // 2),
    )


@shape(M, "permutations")
def _round_table_together(r: R) -> Problem:
    n = r.randint(5, 9)
    v = 2 * math.factorial(n - 2)
    return Problem(
        f"In how many ways can {n} people sit around a round table if two particular people must sit next to "
        "each other?",
        f"Tie the pair into one unit: ${n - 1}$ units around a table in $({n - 2})!$ ways, and the pair can swap: "
        f"$2 \\cdot {n - 2}! = {v}$.",
        v,
        wrong=(math.factorial(n - 1), 2 * math.factorial(n - 1), math.factorial(n - 2)),
    )


@shape(M, "permutations")
def _distinct_digit_numbers(r: R) -> Problem:
    top, k = r.choice([(7, 4), (9, 3), (8, 4), (6, 3), (9, 4)])
    v = math.perm(top, k)
    return Problem(
        f"How many {k}-digit numbers can be formed from the digits 1 to {top} if no digit may be repeated?",
        f"Choose the digits in order: ${top} \\times {top - 1} \\times \\dots$ ({k} factors) $= {{}}^{{{top}}}P_{{{k}}} = {v}$.",
        v,
        wrong=(math.comb(top, k), top**k, math.perm(top, k - 1)),
    )


@shape(M, "permutations")
def _nonnegative_solutions(r: R) -> Problem:
    n, k = r.randint(5, 15), r.choice([3, 4])
    v = math.comb(n + k - 1, k - 1)
    vars_ = " + ".join("xyzw"[:k])
    return Problem(
        f"How many solutions in non-negative integers does the equation ${vars_} = {n}$ have?",
        f"Stars and bars: $\\binom{{{n} + {k} - 1}}{{{k} - 1}} = \\binom{{{n + k - 1}}}{{{k - 1}}} = {v}$.",
        v,
        wrong=(math.comb(n - 1, k - 1), math.comb(n + k, k), math.comb(n + k - 1, k)),
    )


@shape(M, "permutations")
def _triangles_from_points(r: R) -> Problem:
    n, c = r.randint(10, 16), r.randint(3, 6)
    v = math.comb(n, 3) - math.comb(c, 3)
    return Problem(
        f"There are {n} points in a plane, of which exactly {c} lie on one straight line and no other three are "
        "collinear. How many triangles have their vertices among these points?",
        f"$\\binom{{{n}}}{{3}} - \\binom{{{c}}}{{3}} = {math.comb(n, 3)} - {math.comb(c, 3)} = {v}$ "
        "(three collinear points give no triangle).",
        v,
        wrong=(math.comb(n, 3), math.comb(n - c, 3), v - 1),
    )


@shape(M, "binomial")
def _binomial_coefficient(r: R) -> Problem:
    a, b, n = r.choice([2, 3]), r.choice([1, 2, 3]), r.randint(5, 8)
    k = r.randint(2, n - 2)
    v = math.comb(n, k) * a**k * b ** (n - k)
    return Problem(
        f"What is the coefficient of $x^{{{k}}}$ in the expansion of $({a}x + {b})^{{{n}}}$?",
        f"$T_{{r+1}} = \\binom{{{n}}}{{r}} ({a}x)^r ({b})^{{{n}-r}}$; $r = {k}$ gives "
        f"$\\binom{{{n}}}{{{k}}} \\cdot {a}^{{{k}}} \\cdot {b}^{{{n - k}}} = {v}$.",
        v,
        wrong=(math.comb(n, k), math.comb(n, k) * a ** (n - k) * b**k, math.comb(n, k) * a**k),
    )


@shape(M, "binomial", "hard")
def _binomial_constant_term(r: R) -> Problem:
    n, a = r.choice([3, 6, 9]), r.choice([1, 2, 3])
    k = 2 * n // 3
    v = math.comb(n, k) * a**k
    return Problem(
        f"Find the term independent of $x$ in the expansion of $\\left(x^2 + \\dfrac{{{a}}}{{x}}\\right)^{{{n}}}$.",
        f"$T_{{r+1}} = \\binom{{{n}}}{{r}} x^{{2({n}-r)}} ({a})^r x^{{-r}}$; the power ${2 * n} - 3r = 0$ at $r = {k}$, "
        f"so the term is $\\binom{{{n}}}{{{k}}} \\cdot {a}^{{{k}}} = {v}$.",
        v,
        wrong=(math.comb(n, k), math.comb(n, k - 1) * a ** (k - 1), v * a + 1),
    )


@shape(M, "binomial")
def _equal_binomial_coefficients(r: R) -> Problem:
    p, q = r.choice([(5, 9), (4, 10), (3, 12), (6, 10), (7, 13)])
    v = p + q - 2
    return Problem(
        f"In the expansion of $(1 + x)^n$, the coefficients of the {ordinal(p)} and the {ordinal(q)} terms are equal. "
        "What is n?",
        f"$T_{{r+1}}$ has coefficient $\\binom{{n}}{{r}}$, so $\\binom{{n}}{{{p - 1}}} = \\binom{{n}}{{{q - 1}}}$. Since "
        f"${p - 1} \\ne {q - 1}$ this needs ${p - 1} + {q - 1} = n$, i.e. $n = {v}$.",
        v,
        wrong=(p + q, q - p, p + q - 1),
        shortcut="C(n, a) = C(n, b) with a ≠ b ⇒ n = a + b.",
    )


@shape(M, "probability", "easy")
def _two_dice_sum(r: R) -> Problem:
    s = r.choice([4, 5, 6, 7, 8, 9, 10])
    ways = 6 - abs(7 - s)
    v = ways / 36
    return Problem(
        f"Two fair dice are thrown together. What is the probability that the numbers shown add up to {s}?",
        f"Of the 36 equally likely outcomes, {ways} give a total of {s}, so $P = {ways}/36 = {tex_frac(v)}$.",
        v,
        wrong=(ways / 11, (ways + 1) / 36, 1 / 6 if v != 1 / 6 else 5 / 36),
        show=as_frac,
    )


@shape(M, "probability")
def _card_union(r: R) -> Problem:
    rank, suit = r.choice(["king", "queen", "ace", "jack", "ten"]), r.choice(["heart", "spade", "diamond", "club"])
    v = 16 / 52
    return Problem(
        f"A card is drawn at random from a well-shuffled pack of 52. What is the probability that it is {'an' if rank[0] in 'aeiou' else 'a'} {rank} "
        f"or a {suit}?",
        f"$P(\\text{{{rank}}}) + P(\\text{{{suit}}}) - P(\\text{{{rank} of {suit}s}}) = \\frac{{4}}{{52}} + "
        f"\\frac{{13}}{{52}} - \\frac{{1}}{{52}} = \\frac{{16}}{{52}} = {tex_frac(v)}$.",
        v,
        wrong=(17 / 52, 1 / 52, 13 / 52),
        show=as_frac,
        shortcut="Add, then subtract the overlap once.",
    )


@shape(M, "probability", "easy")
def _at_least_one_head(r: R) -> Problem:
    n = r.randint(3, 7)
    v = 1 - 1 / 2**n
    return Problem(
        f"A fair coin is tossed {n} times. What is the probability of getting at least one head?",
        f"$P(\\text{{no head}}) = (1/2)^{{{n}}} = 1/{2**n}$, so $P(\\text{{at least one}}) = 1 - 1/{2**n} = "
        f"{tex_frac(v)}$.",
        v,
        wrong=(1 / 2**n, n / 2**n, 0.5),
        show=as_frac,
    )


@shape(M, "probability", "hard")
def _bayes_two_bags(r: R) -> Problem:
    a, b, c, d = r.randint(2, 6), r.randint(2, 6), r.randint(2, 6), r.randint(2, 6)
    p1, p2 = Fraction(a, a + b), Fraction(c, c + d)
    v = float(p1 / (p1 + p2))
    return Problem(
        f"Bag I contains {a} red and {b} black balls; bag II contains {c} red and {d} black balls. A bag is chosen "
        "at random and a ball drawn from it turns out to be red. What is the probability that it came from bag I?",
        f"By Bayes' theorem, $P(I\\mid R) = \\frac{{\\frac12 \\cdot \\frac{{{a}}}{{{a + b}}}}}{{\\frac12 \\cdot "
        f"\\frac{{{a}}}{{{a + b}}} + \\frac12 \\cdot \\frac{{{c}}}{{{c + d}}}}} = {tex_frac(v)}$.",
        v,
        wrong=(float(p1), float(p2 / (p1 + p2)), 0.5 if v != 0.5 else float(p1) / 2),
        show=as_frac,
    )


@shape(M, "probability")
def _conditional(r: R) -> Problem:
    pb, pab = r.choice([(Fraction(1, 2), Fraction(1, 5)), (Fraction(2, 5), Fraction(1, 10)), (Fraction(3, 4), Fraction(1, 4)),
                        (Fraction(3, 5), Fraction(1, 5)), (Fraction(1, 3), Fraction(1, 12))])
    pa = pab + Fraction(1, 5)
    v = float(pab / pb)
    return Problem(
        f"For two events, $P(A) = {tex_frac(float(pa))}$, $P(B) = {tex_frac(float(pb))}$ and "
        f"$P(A \\cap B) = {tex_frac(float(pab))}$. What is $P(A \\mid B)$?",
        f"$P(A \\mid B) = \\frac{{P(A \\cap B)}}{{P(B)}} = \\frac{{{tex_frac(float(pab))}}}{{{tex_frac(float(pb))}}} "
        f"= {tex_frac(v)}$.",
        v,
        wrong=(float(pab / pa), float(pab), float(pab * pb)),
        show=as_frac,
    )


@shape(M, "probability")
def _binomial_distribution(r: R) -> Problem:
    n, k = r.choice([(4, 2), (5, 2), (5, 3), (6, 3), (6, 2), (4, 1)])
    p = r.choice([Fraction(1, 2), Fraction(1, 3)])
    v = float(math.comb(n, k) * p**k * (1 - p) ** (n - k))
    return Problem(
        f"A marksman hits a target with probability ${tex_frac(float(p))}$ on each shot, independently. What is "
        f"the probability that he hits it exactly {k} times in {n} shots?",
        f"$P(X = {k}) = \\binom{{{n}}}{{{k}}} p^{{{k}}} (1-p)^{{{n - k}}} = {math.comb(n, k)} \\cdot "
        f"({tex_frac(float(p))})^{{{k}}} ({tex_frac(float(1 - p))})^{{{n - k}}} = {tex_frac(v)}$.",
        v,
        wrong=(float(p**k * (1 - p) ** (n - k)), float(math.comb(n, k) * p**n), k / n),
        show=as_frac,
    )


@shape(M, "probability")
def _variance_heads(r: R) -> Problem:
    n = r.choice([4, 6, 8, 10, 12, 16])
    v = n / 4
    return Problem(
        f"A fair coin is tossed {n} times and $X$ is the number of heads. What is the variance of $X$?",
        f"$X$ is binomial with $n = {n}$, $p = 1/2$: $\\operatorname{{Var}}(X) = np(1-p) = {n} \\cdot \\frac14 = {fmt(v)}$.",
        v,
        wrong=(n / 2, math.sqrt(n) / 2, n / 8),
    )


@shape(M, "probability")
def _exactly_one_event(r: R) -> Problem:
    p, q = r.choice([(Fraction(1, 2), Fraction(1, 3)), (Fraction(2, 3), Fraction(3, 4)), (Fraction(1, 4), Fraction(2, 5)),
                     (Fraction(3, 5), Fraction(1, 2))])
    v = float(p * (1 - q) + q * (1 - p))
    return Problem(
        f"A and B try to solve a puzzle independently, with probabilities of success ${tex_frac(float(p))}$ and "
        f"${tex_frac(float(q))}$. What is the probability that exactly one of them solves it?",
        f"$P = p(1-q) + q(1-p) = {tex_frac(float(p * (1 - q)))} + {tex_frac(float(q * (1 - p)))} = {tex_frac(v)}$.",
        v,
        wrong=(float(p * q), float(1 - (1 - p) * (1 - q)), float(p + q) if p + q < 1 else float((p + q) / 2)),
        show=as_frac,
    )


@shape(M, "limits", "easy")
def _limit_sin_ratio(r: R) -> Problem:
    a, b = r.choice([(3, 5), (2, 7), (5, 2), (4, 3), (6, 5), (7, 4)])
    v = a / b
    return Problem(
        f"Evaluate $\\displaystyle\\lim_{{x \\to 0}} \\frac{{\\sin {a}x}}{{\\tan {b}x}}$.",
        f"$\\frac{{\\sin {a}x}}{{\\tan {b}x}} = \\frac{{\\sin {a}x}}{{{a}x}} \\cdot \\frac{{{b}x}}{{\\tan {b}x}} \\cdot "
        f"\\frac{{{a}}}{{{b}}} \\to {tex_frac(v)}$.",
        v,
        wrong=(b / a, a * b, 1),
        show=as_frac,
        shortcut="sin kx ≈ tan kx ≈ kx near 0.",
    )


@shape(M, "limits")
def _limit_one_minus_cos(r: R) -> Problem:
    a = r.randint(2, 8)
    v = a * a / 2
    return Problem(
        f"What is $\\displaystyle\\lim_{{x \\to 0}} \\frac{{1 - \\cos {a}x}}{{x^2}}$?",
        f"$1 - \\cos {a}x = 2\\sin^2 \\frac{{{a}x}}{{2}}$, so the limit is "
        f"$2 \\cdot \\left(\\frac{{{a}}}{{2}}\\right)^2 = {tex_frac(v)}$.",
        v,
        wrong=(a * a, a / 2, a * a / 4),
        show=as_frac,
    )


@shape(M, "limits", "easy")
def _limit_power_difference(r: R) -> Problem:
    n, a = r.choice([(3, 2), (4, 2), (5, 1), (3, 3), (4, 3), (6, 1), (5, 2)])
    v = n * a ** (n - 1)
    return Problem(
        f"Find $\\displaystyle\\lim_{{x \\to {a}}} \\frac{{x^{{{n}}} - {a**n}}}{{x - {a}}}$.",
        f"This is the derivative of $x^{{{n}}}$ at $x = {a}$ (or factor the numerator): "
        f"${n} \\cdot {a}^{{{n - 1}}} = {v}$.",
        v,
        wrong=(a**n, n * a**n, (n - 1) * a ** (n - 1)),
    )


@shape(M, "limits")
def _limit_find_k(r: R) -> Problem:
    b, target = r.choice([(3, 2), (2, 5), (4, 3), (5, 2), (3, 4)])
    v = b * target
    return Problem(
        f"For which value of $k$ does $\\displaystyle\\lim_{{x \\to 0}} \\frac{{e^{{kx}} - 1}}{{\\sin {b}x}}$ equal {target}?",
        f"Near 0, $e^{{kx}} - 1 \\approx kx$ and $\\sin {b}x \\approx {b}x$, so the limit is $k/{b}$; $k/{b} = {target}$ gives $k = {v}$.",
        v, wrong=(target / b, float(target), b + target),
    )


@shape(M, "limits", "hard")
def _limit_one_to_infinity(r: R) -> Problem:
    a, b = r.choice([(2, 3), (1, 4), (3, 2), (2, 5), (4, 1)])
    v = math.exp(a * b)
    return Problem(
        f"Evaluate $\\displaystyle\\lim_{{x \\to \\infty}} \\left(1 + \\frac{{{a}}}{{x}}\\right)^{{{b}x}}$.",
        f"A $1^\\infty$ form: the limit is $e^{{\\lim {b}x \\cdot {a}/x}} = e^{{{a * b}}}$.",
        v,
        wrong=(math.exp(a), math.exp(b), math.exp(a + b) if a + b != a * b else math.exp(a * b + 1)),
        show=as_exp,
        shortcut="(1 + a/x)^(bx) → e^(ab).",
    )


@shape(M, "limits", "easy")
def _limit_rational_infinity(r: R) -> Problem:
    a, b, c, d, e = r.randint(2, 9), r.randint(-9, 9), r.randint(-9, 9), r.randint(2, 9), r.randint(1, 9)
    v = a / d
    return Problem(
        f"Find $\\displaystyle\\lim_{{x \\to \\infty}} \\frac{{{poly([a, b, c])}}}{{{poly([d, 0, e])}}}$.",
        f"Divide numerator and denominator by $x^2$: the limit is the ratio of leading coefficients, "
        f"${tex_frac(v)}$.",
        v,
        wrong=(d / a, (a + b + c) / (d + e) if (a + b + c) and (a + b + c) / (d + e) != v else a, 0),
        show=as_frac,
    )


@shape(M, "limits", "hard")
def _limit_x_minus_sin(r: R) -> Problem:
    a = r.randint(1, 4)
    v = a**3 / 6
    return Problem(
        f"Using L'Hôpital's rule (or series), evaluate $\\displaystyle\\lim_{{x \\to 0}} \\frac{{{a if a > 1 else ''}x - "
        f"\\sin {a if a > 1 else ''}x}}{{x^3}}$.",
        f"$\\sin t = t - t^3/6 + \\dots$ with $t = {a}x$ gives a numerator of ${a**3}x^3/6 + \\dots$, so the "
        f"limit is ${tex_frac(v)}$ (three applications of L'Hôpital's rule agree).",
        v,
        wrong=(a**3 / 3, a / 6, a**3 / 2),
        show=as_frac,
    )


@shape(M, "limits", "hard")
def _limit_exponential_difference(r: R) -> Problem:
    a, b = r.choice([(3, 2), (5, 2), (4, 3), (6, 5), (10, 3)])
    v = math.log(a / b)
    return Problem(
        f"Evaluate $\\displaystyle\\lim_{{x \\to 0}} \\frac{{{a}^x - {b}^x}}{{x}}$.",
        f"$\\frac{{{a}^x - 1}}{{x}} \\to \\ln {a}$ and $\\frac{{{b}^x - 1}}{{x}} \\to \\ln {b}$, so the limit is "
        f"$\\ln {a} - \\ln {b} = \\ln\\frac{{{a}}}{{{b}}}$.",
        v,
        wrong=(math.log(a * b), math.log(b / a), float(a - b)),
        show=lambda x: _named(x, {math.log(a / b): f"$\\ln\\frac{{{a}}}{{{b}}}$", math.log(a * b): f"$\\ln {a * b}$",
                                  math.log(b / a): f"$\\ln\\frac{{{b}}}{{{a}}}$"}),
    )


@shape(M, "limits", "easy")
def _continuity_removable(r: R) -> Problem:
    a = r.randint(2, 9)
    v = 2 * a
    return Problem(
        f"The function $f(x) = \\dfrac{{x^2 - {a * a}}}{{x - {a}}}$ for $x \\ne {a}$, $f({a}) = k$, is continuous at "
        f"$x = {a}$. What is $k$?",
        f"For $x \\ne {a}$, $f(x) = x + {a}$, so continuity needs $k = \\lim_{{x \\to {a}}} (x + {a}) = {v}$.",
        v,
        wrong=(a, 0, a * a),
    )


@shape(M, "limits")
def _limit_root_difference(r: R) -> Problem:
    a = r.choice([2, 4, 6, 8, 10, 3, 5])
    v = a / 2
    return Problem(
        f"Evaluate $\\displaystyle\\lim_{{x \\to \\infty}} \\left(\\sqrt{{x^2 + {a}x}} - x\\right)$.",
        f"Rationalise: $\\frac{{{a}x}}{{\\sqrt{{x^2 + {a}x}} + x}} = \\frac{{{a}}}{{\\sqrt{{1 + {a}/x}} + 1}} \\to "
        f"{tex_frac(v)}$.",
        v,
        wrong=(a, 0, a / 4),
        show=as_frac,
    )


@shape(M, "limits", "hard")
def _differentiable_piecewise(r: R) -> Problem:
    k, c = r.randint(1, 4), r.randint(-3, 5)
    a = 2 * k
    b = k * k + c - a * k
    return Problem(
        f"The function $f(x) = ax + b$ for $x < {k}$ and $f(x) = x^2 + {c}$ for $x \\ge {k}$ is differentiable at "
        f"$x = {k}$. Find $b$.".replace("+ -", "- "),
        f"Equal slopes: $a = 2 \\cdot {k} = {a}$. Continuity: ${a} \\cdot {k} + b = {k * k + c}$, so $b = {b}$.",
        b,
        wrong=(k * k + c, -b if b else 1, b + a),
    )


@shape(M, "derivatives", "easy")
def _derivative_at_point(r: R) -> Problem:
    p, q, s, x = r.randint(1, 5), r.randint(-6, 6), r.randint(-9, 9), r.choice([-2, -1, 1, 2, 3])
    v = 3 * p * x * x + 2 * q * x + s
    return Problem(
        f"If $f(x) = {poly([p, q, s, r.randint(1, 9)])}$, what is $f'({x})$?",
        f"$f'(x) = {poly([3 * p, 2 * q, s])}$, so $f'({x}) = {3 * p * x * x} + ({2 * q * x}) + ({s}) = {v}$.",
        v,
        wrong=(p * x**3 + q * x * x + s * x, 3 * p * x + 2 * q + s, v - s),
    )


@shape(M, "derivatives")
def _chain_rule_power(r: R) -> Problem:
    n, k = r.randint(3, 6), r.choice([1, 2])
    v = n * (k * k + 1) ** (n - 1) * 2 * k
    return Problem(
        f"If $y = (x^2 + 1)^{{{n}}}$, find $\\dfrac{{dy}}{{dx}}$ at $x = {k}$.",
        f"$\\frac{{dy}}{{dx}} = {n}(x^2 + 1)^{{{n - 1}}} \\cdot 2x$; at $x = {k}$ this is "
        f"${n} \\cdot {k * k + 1}^{{{n - 1}}} \\cdot {2 * k} = {v}$.",
        v,
        wrong=(n * (k * k + 1) ** (n - 1), (k * k + 1) ** n, v // 2),
    )


@shape(M, "derivatives")
def _tangent_y_intercept(r: R) -> Problem:
    b, c, k = r.randint(-5, 5), r.randint(-6, 8), r.randint(1, 4)
    v = c - k * k
    return Problem(
        f"The tangent to the parabola $y = {poly([1, b, c])}$ at the point where $x = {k}$ meets the $y$-axis at "
        "$(0, m)$. Find $m$.",
        f"Slope $y'({k}) = {2 * k + b}$, point $({k}, {k * k + b * k + c})$; at $x = 0$ the tangent gives "
        f"$m = {k * k + b * k + c} - {k}({2 * k + b}) = {v}$.",
        v,
        wrong=(c, c + k * k, v + b),
    )


@shape(M, "derivatives", "easy")
def _fence_along_river(r: R) -> Problem:
    length = r.choice([40, 60, 80, 100, 120, 200])
    v = length * length / 8
    return Problem(
        f"A farmer has {length} m of fencing to enclose a rectangular plot beside a straight river; no fence is "
        "needed along the river. What is the largest area he can enclose?",
        f"With sides $x$ (two of them) and ${length} - 2x$: $A = x({length} - 2x)$, $A' = 0$ at $x = {length // 4}$, "
        f"giving $A = {length // 4} \\cdot {length // 2} = {fmt(v)}$ m².",
        v,
        "m²",
        wrong=(length * length / 16, length * length / 4, length * length / 9),
    )


@shape(M, "derivatives")
def _open_box(r: R) -> Problem:
    a = r.choice([6, 12, 18, 24, 30])
    x = a / 6
    v = (a - 2 * x) ** 2 * x
    return Problem(
        f"Equal squares are cut from the corners of a square sheet of side {a} cm and the flaps are folded up "
        "to make an open box. What is the largest possible volume of the box?",
        f"$V(x) = ({a} - 2x)^2 x$; $V'(x) = ({a} - 2x)({a} - 6x) = 0$ gives $x = {fmt(x)}$ cm, and "
        f"$V = {fmt(a - 2 * x)}^2 \\cdot {fmt(x)} = {fmt(v)}$ cm³.",
        v,
        "cm³",
        wrong=((a - x) ** 2 * x, (a / 2) ** 2 * (a / 4), a**3 / 16),
        shortcut="Cut side a/6 for the largest box.",
    )


@shape(M, "derivatives")
def _circle_area_rate(r: R) -> Problem:
    rate, radius = r.choice([2, 3, 4, 0.5]), r.choice([3, 5, 6, 8, 10])
    v = 2 * math.pi * radius * rate
    return Problem(
        f"The radius of a circular ink blot grows at {fmt(rate)} cm/s. How fast is its area increasing when the "
        f"radius is {radius} cm?",
        f"$\\frac{{dA}}{{dt}} = 2\\pi r \\frac{{dr}}{{dt}} = 2\\pi \\cdot {radius} \\cdot {fmt(rate)} = "
        f"{as_pi(v).strip('$')}$ cm²/s.",
        v,
        "cm²/s",
        wrong=(math.pi * radius * rate, math.pi * radius * radius * rate, 4 * math.pi * radius * rate),
        show=as_pi,
    )


@shape(M, "derivatives", "hard")
def _balloon_radius_rate(r: R) -> Problem:
    dv, radius = r.choice([(100, 5), (36, 3), (64, 4), (200, 10), (72, 6)])
    v = dv / (4 * math.pi * radius * radius)
    return Problem(
        f"Gas is pumped into a spherical balloon at {dv} cm³/s. At what rate is its radius increasing when the "
        f"radius is {radius} cm?",
        f"$\\frac{{dV}}{{dt}} = 4\\pi r^2 \\frac{{dr}}{{dt}}$, so $\\frac{{dr}}{{dt}} = \\frac{{{dv}}}{{4\\pi \\cdot "
        f"{radius * radius}}} = \\frac{{{tex_frac(dv / (4 * radius * radius))}}}{{\\pi}}$ cm/s.",
        v,
        "cm/s",
        wrong=(dv / (4 * math.pi * radius), dv / (math.pi * radius * radius), dv / (4 / 3 * math.pi * radius**3)),
        show=as_over_pi,
    )


@shape(M, "derivatives")
def _second_derivative_at_zero(r: R) -> Problem:
    a = r.randint(2, 9)
    v = 2 * a
    return Problem(
        f"If $y = x e^{{{a}x}}$, what is the value of $\\dfrac{{d^2y}}{{dx^2}}$ at $x = 0$?",
        f"$y' = e^{{{a}x}}(1 + {a}x)$, $y'' = e^{{{a}x}}({2 * a} + {a * a}x)$; at $x = 0$, $y'' = {v}$.",
        v,
        wrong=(a, a * a, a * a + a),
    )


@shape(M, "derivatives")
def _local_minimum_value(r: R) -> Problem:
    k, c = r.randint(1, 3), r.randint(-5, 20)
    v = c - 2 * k**3
    return Problem(
        f"What is the local minimum value of $f(x) = {poly([1, 0, -3 * k * k, c])}$?",
        f"$f'(x) = 3x^2 - {3 * k * k} = 0$ at $x = \\pm {k}$; $f''({k}) = {6 * k} > 0$, so the local minimum is "
        f"$f({k}) = {k**3} - {3 * k**3} + {c} = {v}$.".replace("+ -", "- "),
        v,
        wrong=(c + 2 * k**3, c, c - k**3),
    )


@shape(M, "derivatives")
def _decreasing_interval(r: R) -> Problem:
    a = r.randint(1, 5)
    return Problem(
        f"On which interval is the function $f(x) = x^3 - {3 * a * a}x + 7$ strictly decreasing?",
        f"$f'(x) = 3(x^2 - {a * a}) < 0$ exactly when $-{a} < x < {a}$.",
        answer=f"$(-{a}, {a})$",
        distractors=(f"$({a}, \\infty)$", f"$(-\\infty, -{a})$", f"$(0, {3 * a * a})$"),
    )


@shape(M, "derivatives")
def _rolle_value(r: R) -> Problem:
    a, b = r.choice([(1, 5), (2, 6), (-1, 3), (0, 4), (-3, 1), (2, 8)])
    v = (a + b) / 2
    return Problem(
        f"Rolle's theorem is applied to $f(x) = (x - {a})(x - {b})$ on $[{a}, {b}]$. At what value of $c$ is "
        "$f'(c) = 0$?".replace("- -", "+ ").replace("(x - 0)", "x"),
        f"$f'(x) = 2x - ({a + b})$ vanishes at $c = {tex_frac(v)}$, which lies in $({a}, {b})$.",
        v,
        wrong=(b - a, a + b, (b - a) / 2 if (b - a) / 2 != v else v + 1),
        show=as_frac,
    )


@shape(M, "integrals", "easy")
def _polynomial_integral(r: R) -> Problem:
    p, q, a = r.randint(1, 6), r.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6]), r.randint(1, 4)
    v = p * a**3 / 3 + q * a * a / 2
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{a}}} ({poly([p, q, 0])})\\,dx$.",
        f"$\\left[\\frac{{{p}x^3}}{{3}} + \\frac{{{q}x^2}}{{2}}\\right]_0^{{{a}}} = {tex_frac(p * a**3 / 3)} + "
        f"{tex_frac(q * a * a / 2)} = {tex_frac(v)}$.".replace("+ -", "- "),
        v,
        wrong=(p * a**3 + q * a * a, p * a * a + q * a, p * a**3 / 3),
        show=as_frac,
    )


@shape(M, "integrals")
def _wallis(r: R) -> Problem:
    n, fn = r.choice([("2", "\\sin"), ("3", "\\sin"), ("4", "\\cos"), ("5", "\\cos"), ("4", "\\sin"), ("3", "\\cos")])
    k = int(n)
    vals = {2: math.pi / 4, 3: 2 / 3, 4: 3 * math.pi / 16, 5: 8 / 15}
    v = vals[k]
    show = as_pi if k % 2 == 0 else as_frac
    steps = {2: "\\frac{1}{2} \\cdot \\frac{\\pi}{2}", 3: "\\frac{2}{3} \\cdot 1",
             4: "\\frac{3}{4} \\cdot \\frac{1}{2} \\cdot \\frac{\\pi}{2}", 5: "\\frac{4}{5} \\cdot \\frac{2}{3} \\cdot 1"}
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{\\pi/2}} {fn}^{{{k}}} x\\,dx$.",
        f"By the reduction formula $I_n = \\frac{{n-1}}{{n}} I_{{n-2}}$: $I_{{{k}}} = {steps[k]} = "
        f"{show(v).strip('$')}$.",
        v,
        wrong={2: (math.pi / 2, math.pi / 8, 3 * math.pi / 16), 3: (1 / 3, 4 / 3, 3 / 4),
               4: (math.pi / 4, 3 * math.pi / 8, math.pi / 16), 5: (2 / 3, 4 / 15, 16 / 15)}[k],
        show=show,
        shortcut="Wallis: multiply (n−1)/n, (n−3)/(n−2), … and π/2 for even n.",
    )


@shape(M, "integrals", "hard")
def _kings_property(r: R) -> Problem:
    a, b = r.choice([(2, 7), (1, 5), (3, 9), (2, 10), (1, 8)])
    v = (b - a) / 2
    return Problem(
        f"Evaluate $\\displaystyle\\int_{{{a}}}^{{{b}}} \\frac{{\\sqrt{{x}}}}{{\\sqrt{{x}} + \\sqrt{{{a + b} - x}}}}\\,dx$.",
        f"Replacing $x$ by ${a + b} - x$ gives the complementary integrand; adding the two forms, $2I = "
        f"\\int_{{{a}}}^{{{b}}} 1\\,dx = {b - a}$, so $I = {tex_frac(v)}$.",
        v,
        wrong=(b - a, (a + b) / 2, (b - a) / 4),
        show=as_frac,
        shortcut="∫ f/(f + f(a+b−x)) over [a, b] is (b − a)/2.",
    )


@shape(M, "integrals", "easy")
def _odd_function_integral(r: R) -> Problem:
    a, k = r.randint(1, 5), r.randint(2, 9)
    v = 2 * a * k
    return Problem(
        f"Evaluate $\\displaystyle\\int_{{-{a}}}^{{{a}}} \\left(x^3 \\cos x + {k}\\right) dx$.",
        f"$x^3\\cos x$ is odd, so it integrates to 0 over $[-{a}, {a}]$; the constant gives ${k} \\cdot {2 * a} = {v}$.",
        v,
        wrong=(a * k, 0, 4 * a * k),
        shortcut="Odd integrand over a symmetric interval contributes 0.",
    )


@shape(M, "integrals")
def _by_parts(r: R) -> Problem:
    cases = [
        ("\\int_0^{\\pi/2} x \\sin x\\,dx", 1.0, "$[-x\\cos x]_0^{\\pi/2} + \\int_0^{\\pi/2} \\cos x\\,dx = 0 + 1 = 1$", (math.pi / 2, 0.0 + 2, math.pi / 2 - 1)),
        ("\\int_0^{\\pi} x \\sin x\\,dx", math.pi, "$[-x\\cos x]_0^{\\pi} + \\int_0^{\\pi} \\cos x\\,dx = \\pi + 0 = \\pi$", (2.0, math.pi / 2, 2 * math.pi)),
        ("\\int_0^{1} x e^{x}\\,dx", 1.0, "$[x e^x]_0^1 - \\int_0^1 e^x\\,dx = e - (e - 1) = 1$", (math.e, math.e - 1, 2.0)),
        ("\\int_1^{e} \\ln x\\,dx", 1.0, "$[x \\ln x]_1^e - \\int_1^e 1\\,dx = e - (e - 1) = 1$", (math.e, math.e - 1, 0.5)),
        ("\\int_0^{\\pi/2} x \\cos x\\,dx", math.pi / 2 - 1, "$[x\\sin x]_0^{\\pi/2} - \\int_0^{\\pi/2} \\sin x\\,dx = \\frac{\\pi}{2} - 1$", (math.pi / 2, 1.0, math.pi / 2 + 1)),
    ]
    integral, v, steps, wrong = r.choice(cases)

    def show(x: float) -> str:
        named = {1.0: "1", 2.0: "2", 0.5: "$\\frac{1}{2}$", math.pi: "$\\pi$", math.pi / 2: "$\\frac{\\pi}{2}$",
                 2 * math.pi: "$2\\pi$", math.e: "$e$", math.e - 1: "$e - 1$", math.pi / 2 - 1: "$\\frac{\\pi}{2} - 1$",
                 math.pi / 2 + 1: "$\\frac{\\pi}{2} + 1$"}
        return next((t for k, t in named.items() if math.isclose(k, x)), num(x))

    return Problem(
        f"Using integration by parts, evaluate $\\displaystyle{integral}$.",
        f"By parts: {steps}.",
        v,
        wrong=wrong,
        show=show,
    )


@shape(M, "integrals", "easy")
def _area_parabola_line(r: R) -> Problem:
    k = r.randint(1, 6)
    v = k**3 / 6
    return Problem(
        f"Find the area of the region enclosed by the parabola $y = x^2$ and the line $y = {k if k > 1 else ''}x$.",
        f"They meet at $x = 0$ and $x = {k}$; area $= \\int_0^{{{k}}} ({k if k > 1 else ''}x - x^2)\\,dx = "
        f"\\frac{{{k}^3}}{{2}} - \\frac{{{k}^3}}{{3}} = {tex_frac(v)}$ square units.",
        v,
        wrong=(k**3 / 3, k**3 / 2, k * k / 6),
        show=as_frac,
    )


@shape(M, "integrals")
def _area_latus_rectum(r: R) -> Problem:
    a = r.randint(1, 4)
    v = 8 * a * a / 3
    return Problem(
        f"What is the area of the region bounded by the parabola $y^2 = {4 * a}x$ and its latus rectum?",
        f"The latus rectum is $x = {a}$. Area $= 2\\int_0^{{{a}}} \\sqrt{{{4 * a}x}}\\,dx = 2 \\cdot "
        f"2\\sqrt{{{a}}} \\cdot \\frac{{2}}{{3}} {a}^{{3/2}} = {tex_frac(v)}$ square units.",
        v,
        wrong=(4 * a * a / 3, 16 * a * a / 3, 2 * a * a),
        show=as_frac,
    )


@shape(M, "integrals", "easy")
def _modulus_integral(r: R) -> Problem:
    a, b = r.choice([(1, 3), (2, 5), (1, 4), (3, 4), (2, 6)])
    v = a * a / 2 + (b - a) ** 2 / 2
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{b}}} |x - {a}|\\,dx$.",
        f"Split at $x = {a}$: two triangles of areas $\\frac{{{a}^2}}{{2}}$ and $\\frac{{{b - a}^2}}{{2}}$, "
        f"total ${tex_frac(v)}$.",
        v,
        wrong=(b * b / 2 - a * b, (b - a) ** 2 / 2, b * b / 2),
        show=as_frac,
    )


@shape(M, "integrals", "easy")
def _quarter_circle(r: R) -> Problem:
    a = r.randint(2, 6)
    v = math.pi * a * a / 4
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{a}}} \\sqrt{{{a * a} - x^2}}\\,dx$.",
        f"The integrand traces a quarter of the circle $x^2 + y^2 = {a * a}$, so the integral is "
        f"$\\frac{{\\pi \\cdot {a * a}}}{{4}} = {as_pi(v).strip('$')}$.",
        v,
        wrong=(math.pi * a * a / 2, math.pi * a / 4, math.pi * a * a),
        show=as_pi,
    )


@shape(M, "integrals")
def _greatest_integer_integral(r: R) -> Problem:
    n = r.randint(3, 9)
    v = n * (n - 1) / 2
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{n}}} [x]\\,dx$, where $[x]$ is the greatest integer not exceeding $x$.",
        f"On $[k, k+1)$ the integrand is $k$: $0 + 1 + \\dots + {n - 1} = {fmt(v)}$.",
        v,
        wrong=(n * (n + 1) / 2, n * n / 2, (n - 1) * (n - 1)),
    )


@shape(M, "integrals")
def _log_substitution(r: R) -> Problem:
    k = r.choice([1, 2, 3])
    v = math.log(1 + k * k)
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{k}}} \\frac{{2x}}{{1 + x^2}}\\,dx$.",
        f"With $u = 1 + x^2$, $du = 2x\\,dx$: $[\\ln(1 + x^2)]_0^{{{k}}} = \\ln {1 + k * k}$.",
        v,
        wrong=(math.log(1 + k), 2 * math.log(1 + k * k), math.atan(k)),
        show=lambda x: _named(x, {math.log(m): f"$\\ln {m}$" for m in range(2, 21)}
                              | {2 * math.log(m): f"$2\\ln {m}$" for m in range(2, 21)}
                              | {math.atan(k): f"$\\tan^{{-1}} {k}$"}),
    )


@shape(M, "integrals")
def _inverse_tan_integral(r: R) -> Problem:
    a = r.randint(2, 6)
    v = math.pi / (4 * a)
    return Problem(
        f"Evaluate $\\displaystyle\\int_0^{{{a}}} \\frac{{dx}}{{x^2 + {a * a}}}$.",
        f"$\\int \\frac{{dx}}{{x^2 + a^2}} = \\frac{{1}}{{a}}\\tan^{{-1}}\\frac{{x}}{{a}}$, so the value is "
        f"$\\frac{{1}}{{{a}}} \\cdot \\frac{{\\pi}}{{4}} = {as_pi(v).strip('$')}$.",
        v,
        wrong=(math.pi / 4, math.pi / (2 * a), math.pi / (4 * a * a)),
        show=as_pi,
    )


@shape(M, "integrals", "hard")
def _leibniz_rule(r: R) -> Problem:
    k = r.randint(1, 4)
    v = 2 * k * (k * k + 1)
    return Problem(
        f"If $F(x) = \\displaystyle\\int_0^{{x^2}} (t + 1)\\,dt$, what is $F'({k})$?",
        f"By the Leibniz rule $F'(x) = (x^2 + 1) \\cdot 2x$; at $x = {k}$, $F' = {k * k + 1} \\cdot {2 * k} = {v}$.",
        v,
        wrong=(k * k + 1, k + 1, v // 2),
    )


@shape(M, "coordinate", "easy")
def _point_line_distance(r: R) -> Problem:
    (a, b, h) = r.choice([(3, 4, 5), (5, 12, 13), (6, 8, 10), (8, 15, 17), (12, 5, 13)])
    x0, y0, c = r.randint(-5, 6), r.randint(-5, 6), r.randint(-20, 20)
    d = abs(a * x0 + b * y0 + c) / h
    if d == 0:
        c += h
        d = abs(a * x0 + b * y0 + c) / h
    return Problem(
        f"How far is the point $({x0}, {y0})$ from the line ${a}x + {b}y {'+' if c >= 0 else '-'} {abs(c)} = 0$?",
        f"$d = \\frac{{|{a}({x0}) + {b}({y0}) + ({c})|}}{{\\sqrt{{{a}^2 + {b}^2}}}} = \\frac{{{abs(a * x0 + b * y0 + c)}}}"
        f"{{{h}}}$.",
        d,
        wrong=(abs(a * x0 + b * y0 + c), abs(a * x0 + b * y0) / h, abs(a * x0 + b * y0 + c) / (a + b)),
        show=as_frac,
    )


@shape(M, "coordinate", "easy")
def _triangle_area(r: R) -> Problem:
    pts = [(r.randint(-5, 5), r.randint(-5, 5)) for _ in range(3)]
    (x1, y1), (x2, y2), (x3, y3) = pts
    twice = x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2)
    if twice == 0:
        x3 += 3
        twice = x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2)
    v = abs(twice) / 2
    return Problem(
        f"Find the area of the triangle with vertices $({x1}, {y1})$, $({x2}, {y2})$ and $({x3}, {y3})$.",
        f"$\\frac{{1}}{{2}}|x_1(y_2 - y_3) + x_2(y_3 - y_1) + x_3(y_1 - y_2)| = \\frac{{1}}{{2}}|{twice}| = {fmt(v)}$ "
        "square units.",
        v,
        wrong=(abs(twice), v + 1, v / 2 if v > 1 else v + 2),
    )


@shape(M, "coordinate", "easy")
def _circle_radius(r: R) -> Problem:
    g, f, rad = r.choice([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]), r.choice([-4, -3, -2, -1, 1, 2, 3, 4]), r.randint(2, 9)
    c = g * g + f * f - rad * rad
    eq = f"x^2 + y^2 {'+' if 2 * g >= 0 else '-'} {abs(2 * g)}x {'+' if 2 * f >= 0 else '-'} {abs(2 * f)}y " \
         f"{'+' if c >= 0 else '-'} {abs(c)} = 0"
    return Problem(
        f"What is the radius of the circle ${eq}$?",
        f"Centre $({-g}, {-f})$; $r = \\sqrt{{g^2 + f^2 - c}} = \\sqrt{{{g * g} + {f * f} - ({c})}} = {rad}$.",
        rad,
        wrong=(math.isqrt(abs(c)) if math.isqrt(abs(c)) not in (0, rad) else rad + 2, rad * rad, rad + 1),
    )


@shape(M, "coordinate", "easy")
def _section_formula(r: R) -> Problem:
    x1, y1, x2, y2 = r.randint(-6, 4), r.randint(-6, 4), r.randint(5, 12), r.randint(5, 12)
    m, n = r.choice([(1, 2), (2, 1), (1, 3), (3, 2), (2, 3)])
    x = (m * x2 + n * x1) / (m + n)
    y = (m * y2 + n * y1) / (m + n)
    v = x + y
    return Problem(
        f"The point P divides the segment joining A$({x1}, {y1})$ and B$({x2}, {y2})$ internally in the ratio "
        f"{m} : {n}. What is the sum of the coordinates of P?",
        f"$P = \\left(\\frac{{{m} \\cdot {x2} + {n} \\cdot ({x1})}}{{{m + n}}}, \\frac{{{m} \\cdot {y2} + {n} \\cdot ({y1})}}"
        f"{{{m + n}}}\\right) = ({tex_frac(x)}, {tex_frac(y)})$, so the sum is ${tex_frac(v)}$.",
        v,
        wrong=((n * x2 + m * x1 + n * y2 + m * y1) / (m + n), (x1 + x2 + y1 + y2) / 2, v + 1),
        show=as_frac,
    )


@shape(M, "coordinate")
def _parabola_focal_distance(r: R) -> Problem:
    a = r.randint(1, 5)
    t = r.randint(1, 4)
    x0, y0 = a * t * t, 2 * a * t
    v = x0 + a
    return Problem(
        f"The point $({x0}, {y0})$ lies on the parabola $y^2 = {4 * a}x$. How far is it from the focus?",
        f"Focus $({a}, 0)$ and directrix $x = -{a}$; the focal distance equals the distance to the directrix, "
        f"$x_0 + a = {x0} + {a} = {v}$.",
        v,
        wrong=(x0, x0 - a, 4 * a),
        shortcut="Focal distance of (x, y) on y² = 4ax is x + a.",
    )


@shape(M, "coordinate")
def _ellipse_eccentricity(r: R) -> Problem:
    a, b = r.choice([(5, 3), (5, 4), (13, 12), (13, 5), (25, 7), (25, 24), (17, 8)])
    c = math.isqrt(a * a - b * b)
    v = c / a
    return Problem(
        f"What is the eccentricity of the ellipse $\\dfrac{{x^2}}{{{a * a}}} + \\dfrac{{y^2}}{{{b * b}}} = 1$?",
        f"$e = \\sqrt{{1 - b^2/a^2}} = \\sqrt{{1 - {b * b}/{a * a}}} = {c}/{a}$.",
        v,
        wrong=(b / a, c / b if c < b else b / c, (a - b) / a),
        show=as_frac,
    )


@shape(M, "coordinate")
def _hyperbola_foci(r: R) -> Problem:
    a, b = r.choice([(3, 4), (5, 12), (6, 8), (4, 3), (8, 15), (12, 5)])
    c = math.isqrt(a * a + b * b)
    v = 2 * c
    return Problem(
        f"Find the distance between the foci of the hyperbola $\\dfrac{{x^2}}{{{a * a}}} - \\dfrac{{y^2}}{{{b * b}}} = 1$.",
        f"$c = \\sqrt{{a^2 + b^2}} = \\sqrt{{{a * a} + {b * b}}} = {c}$; the foci are $(\\pm {c}, 0)$, {v} apart.",
        v,
        wrong=(c, 2 * a, 2 * math.isqrt(abs(a * a - b * b)) or 2 * b),
    )


@shape(M, "coordinate")
def _angle_between_lines(r: R) -> Problem:
    m1, m2 = r.choice([(2, 3), (1, 3), (3, -2), (1, -3), (2, -1), (4, 1)])
    v = abs((m1 - m2) / (1 + m1 * m2))
    return Problem(
        f"Two lines have slopes {m1} and {m2}. What is the tangent of the acute angle between them?",
        f"$\\tan\\theta = \\left|\\frac{{m_1 - m_2}}{{1 + m_1 m_2}}\\right| = \\left|\\frac{{{m1 - m2}}}{{{1 + m1 * m2}}}\\right| "
        f"= {tex_frac(v)}$.",
        v,
        wrong=(abs((m1 + m2) / (1 - m1 * m2)) if 1 - m1 * m2 else 2 * v, abs(m1 - m2), 1 / v),
        show=as_frac,
    )


@shape(M, "coordinate")
def _tangent_length(r: R) -> Problem:
    rad = r.randint(2, 6)
    x0, y0 = r.randint(rad + 1, rad + 6), r.randint(-3, 6)
    s1 = x0 * x0 + y0 * y0 - rad * rad
    v = math.sqrt(s1)
    return Problem(
        f"Find the length of the tangent drawn from the point $({x0}, {y0})$ to the circle $x^2 + y^2 = {rad * rad}$.",
        f"Tangent length $= \\sqrt{{S_1}} = \\sqrt{{{x0}^2 + {y0}^2 - {rad * rad}}} = \\sqrt{{{s1}}}$.",
        v,
        wrong=(math.sqrt(x0 * x0 + y0 * y0), math.sqrt(s1 + 2 * rad * rad), s1),
        show=as_surd,
    )


@shape(M, "coordinate", "easy")
def _equal_intercepts(r: R) -> Problem:
    a, b = r.randint(1, 9), r.randint(1, 9)
    v = a + b
    return Problem(
        f"A line passes through $({a}, {b})$ and cuts off equal positive intercepts on the two axes. What is "
        "the intercept?",
        f"The line is $x + y = c$; substituting $({a}, {b})$ gives $c = {v}$.",
        v,
        wrong=(abs(a - b) or 1, a * b, (a + b) * 2),
    )


@shape(M, "matrices", "easy")
def _det_3x3(r: R) -> Problem:
    m = [[r.randint(-3, 4) for _ in range(3)] for _ in range(3)]
    (a, b, c), (d, e, f), (g, h, i) = m
    v = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    rows = " \\\\ ".join(" & ".join(str(x) for x in row) for row in m)
    return Problem(
        f"Evaluate the determinant $\\begin{{vmatrix}} {rows} \\end{{vmatrix}}$.",
        f"Expanding along the first row: ${a}({e * i - f * h}) - ({b})({d * i - f * g}) + ({c})({d * h - e * g}) = {v}$.",
        v,
        wrong=(-v if v else 1, a * e * i + b * f * g + c * d * h, v + 2 * a),
    )


@shape(M, "matrices", "easy")
def _singular_matrix(r: R) -> Problem:
    a, b, d = r.choice([2, 3, 4]), r.randint(2, 7), r.randint(2, 9)
    # [[a, k], [b, a*d]] singular when a*a*d = k*b -> choose k so it is an integer
    c = b
    k = Fraction(a * a * d, c)
    v = float(k)
    return Problem(
        f"For what value of $k$ is the matrix $\\begin{{pmatrix}} {a} & k \\\\ {c} & {a * d} \\end{{pmatrix}}$ singular?",
        f"Singular means determinant zero: ${a} \\cdot {a * d} - {c}k = 0$, so $k = {tex_frac(v)}$.",
        v,
        wrong=(a * d / c, -v, c / (a * a * d) if c != a * a * d else v + 1),
        show=as_frac,
    )


@shape(M, "matrices")
def _det_adjoint_scalar(r: R) -> Problem:
    d, k = r.choice([2, 3, 4, 5, -2]), r.choice([2, 3])
    ask_adj = r.random() < 0.5
    if ask_adj:
        v = d * d
        text = (f"$A$ is a $3 \\times 3$ matrix with $|A| = {d}$. What is $|\\operatorname{{adj}} A|$?")
        work = f"For an $n \\times n$ matrix $|\\operatorname{{adj}} A| = |A|^{{n-1}} = {d}^2 = {v}$."
        wrong: tuple[float, ...] = (d, d**3, 3 * d)
    else:
        v = k**3 * d
        text = f"$A$ is a $3 \\times 3$ matrix with $|A| = {d}$. What is the determinant of ${k}A$?"
        work = f"Each of the 3 rows is scaled by {k}: $|{k}A| = {k}^3 |A| = {v}$."
        wrong = (k * d, k * k * d, k**3 + d)
    return Problem(text, work, v, wrong=wrong)


@shape(M, "matrices")
def _matrix_power(r: R) -> Problem:
    a, n = r.randint(2, 6), r.randint(5, 20)
    v = n * a
    return Problem(
        f"If $A = \\begin{{pmatrix}} 1 & {a} \\\\ 0 & 1 \\end{{pmatrix}}$, what is the top-right entry of $A^{{{n}}}$?",
        f"$A = I + N$ with $N^2 = 0$, so $A^{{{n}}} = I + {n}N$ and the entry is ${n} \\cdot {a} = {v}$.",
        v,
        wrong=(a + n, (n - 1) * a, n * a + 1),
    )


@shape(M, "matrices")
def _cramer(r: R) -> Problem:
    x, y = r.randint(-4, 6), r.randint(-4, 6)
    a, b, c, d = r.randint(1, 5), r.randint(1, 5), r.randint(1, 5), r.randint(-5, -1)
    e, f = a * x + b * y, c * x + d * y
    return Problem(
        f"Solve the system ${a}x + {b}y = {e}$, ${c}x - {-d}y = {f}$ by Cramer's rule. What is $x$?",
        f"$D = {a}({d}) - {b} \\cdot {c} = {a * d - b * c}$, $D_x = {e}({d}) - {b} \\cdot {f} = {e * d - b * f}$, "
        f"$x = D_x/D = {x}$.",
        x,
        wrong=(y if y != x else x + 1, -x if x else 2, x + 2),
    )


def vec(t: tuple[int, ...]) -> str:
    """Integer components as LaTeX: (2, 0, -1) -> 2\\hat i - \\hat k."""
    out = ""
    for c, u in zip(t, ("\\hat i", "\\hat j", "\\hat k"), strict=False):
        if c == 0:
            continue
        body = u if abs(c) == 1 else f"{abs(c)}{u}"
        out += (("-" if c < 0 else "") + body) if not out else (f" - {body}" if c < 0 else f" + {body}")
    return out or "\\vec 0"


@shape(M, "vectors", "easy")
def _vector_angle(r: R) -> Problem:
    cases = [((1, 1, 0), (0, 1, 1), 60), ((1, 0, 1), (1, 1, 0), 60), ((1, 1, 0), (1, -1, 0), 90),
             ((1, 0, 0), (1, 1, 0), 45), ((2, 2, 1), (1, 2, 2), math.degrees(math.acos(8 / 9)))]
    (a, b, v) = r.choice(cases[:4])
    na, nb = (math.sqrt(sum(x * x for x in t)) for t in (a, b))
    fa = " + ".join(f"{c}{u}" for c, u in zip(a, "ijk", strict=True) if c).replace("1i", "\\hat i").replace("1j", "\\hat j").replace("1k", "\\hat k")
    fb = " + ".join(f"{c}{u}" for c, u in zip(b, "ijk", strict=True) if c).replace("+ -1j", "- \\hat j").replace("1i", "\\hat i").replace("1j", "\\hat j").replace("1k", "\\hat k")
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return Problem(
        f"What is the angle between the vectors $\\vec a = {fa}$ and $\\vec b = {fb}$?",
        f"$\\cos\\theta = \\frac{{\\vec a \\cdot \\vec b}}{{|\\vec a||\\vec b|}} = \\frac{{{dot}}}{{{as_surd(na).strip('$')} \\cdot "
        f"{as_surd(nb).strip('$')}}}$, "
        f"so $\\theta = {fmt(v)}°$.",
        v,
        "degrees",
        wrong=tuple(w for w in (30.0, 45.0, 60.0, 90.0, 120.0) if w != v),
        show=lambda x: fmt(x),
    )


@shape(M, "vectors")
def _projection(r: R) -> Problem:
    b = r.choice([(2, 1, 2), (1, 2, 2), (2, 3, 6), (3, 4, 0), (1, 4, 8)])
    nb = math.isqrt(sum(x * x for x in b))
    a = (r.randint(-3, 5), r.randint(-3, 5), r.randint(1, 5))
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    if dot == 0:
        a = (a[0] + 1, a[1], a[2])
        dot = sum(x * y for x, y in zip(a, b, strict=True))
    v = dot / nb

    return Problem(
        f"Find the scalar projection of $\\vec a = {vec(a)}$ on $\\vec b = {vec(b)}$.",
        f"$\\frac{{\\vec a \\cdot \\vec b}}{{|\\vec b|}} = \\frac{{{dot}}}{{{nb}}} = {tex_frac(v)}$.",
        v,
        wrong=(float(dot), dot / (nb * nb), (dot + nb) / nb),
        show=as_frac,
    )


@shape(M, "vectors")
def _parallelogram_area(r: R) -> Problem:
    a = (r.randint(1, 4), r.randint(-2, 3), 0)
    b = (r.randint(-2, 3), r.randint(1, 4), 0)
    z = a[0] * b[1] - a[1] * b[0]
    if z == 0:
        b = (b[0] + 1, b[1], 0)
        z = a[0] * b[1] - a[1] * b[0]
    v = abs(z)
    return Problem(
        f"Find the area of the parallelogram whose adjacent sides are $\\vec a = {vec(a)}$ and $\\vec b = {vec(b)}$.",
        f"$\\vec a \\times \\vec b = ({a[0]} \\cdot {b[1]} - {a[1]} \\cdot {b[0]})\\hat k = {z}\\hat k$, so the area is {v}.",
        v,
        wrong=(v / 2, abs(a[0] * b[0] + a[1] * b[1]) or v + 1, v + 2),
    )


@shape(M, "vectors", "hard")
def _coplanar_lambda(r: R) -> Problem:
    p, q = r.randint(1, 3), r.randint(1, 3)
    a, b = (1, 2, r.randint(1, 4)), (2, r.randint(-1, 3), 1)
    c3 = p * a[2] + q * b[2]
    return Problem(
        f"For what value of $\\lambda$ are the vectors ${vec(a)}$, ${vec(b)}$ and "
        f"${vec((p + 2 * q, 2 * p + q * b[1], 0))} + \\lambda\\hat k$ coplanar?",
        f"Coplanar means the scalar triple product vanishes; the third vector must be ${p}\\vec a + {q}\\vec b$, "
        f"which forces $\\lambda = {p} \\cdot {a[2]} + {q} \\cdot 1 = {c3}$.",
        c3,
        wrong=(c3 + 1, c3 - 1 if c3 > 1 else c3 + 2, 2 * c3),
    )


@shape(M, "trigonometry", "easy")
def _trig_from_tangent(r: R) -> Problem:
    p, q, h = r.choice([(3, 4, 5), (5, 12, 13), (8, 15, 17), (4, 3, 5), (7, 24, 25)])
    third = r.random() < 0.5
    if third:  # angle in the third quadrant: sin and cos both negative
        v = -(p + q) / h
        where = "$\\pi < \\theta < \\frac{3\\pi}{2}$"
    else:
        v = (p + q) / h
        where = "$0 < \\theta < \\frac{\\pi}{2}$"
    return Problem(
        f"If $\\tan\\theta = \\frac{{{p}}}{{{q}}}$ and {where}, find $\\sin\\theta + \\cos\\theta$.",
        f"The hypotenuse is $\\sqrt{{{p}^2 + {q}^2}} = {h}$, so $|\\sin\\theta| = {p}/{h}$, $|\\cos\\theta| = {q}/{h}$; "
        f"with the quadrant's signs the sum is ${tex_frac(v)}$.",
        v,
        wrong=(-v, (q - p) / h, (p + q) / (p * q)),
        show=as_frac,
    )


@shape(M, "trigonometry", "easy")
def _max_a_sin_b_cos(r: R) -> Problem:
    a, b = r.choice([(3, 4), (5, 12), (6, 8), (8, 15), (7, 24), (12, 5)])
    c = r.choice([-5, -3, -2, 2, 3, 4, 5, 7])
    v = math.hypot(a, b) + c
    return Problem(
        f"What is the maximum value of ${a}\\sin x + {b}\\cos x {'+' if c >= 0 else '-'} {abs(c)}$?",
        f"$a\\sin x + b\\cos x$ ranges over $[-\\sqrt{{a^2+b^2}}, \\sqrt{{a^2+b^2}}]$; "
        f"$\\sqrt{{{a * a} + {b * b}}} = {fmt(math.hypot(a, b))}$, plus {c}: {fmt(v)}.",
        v,
        wrong=(a + b + c, math.hypot(a, b), max(a, b) + c),
    )


@shape(M, "trigonometry")
def _solutions_count(r: R) -> Problem:
    m = r.randint(1, 4)
    v = 2 * m
    return Problem(
        f"How many solutions does the equation $2\\sin x = 1$ have in the interval $[0, {2 * m}\\pi]$?",
        f"$\\sin x = \\frac12$ at $x = \\frac{{\\pi}}{{6}}$ and $\\frac{{5\\pi}}{{6}}$ in every period of $2\\pi$; "
        f"{m} periods give {v} solutions.",
        v,
        wrong=(m, 2 * m + 1, 4 * m),
    )


@shape(M, "trigonometry")
def _tower_two_angles(r: R) -> Problem:
    d = r.choice([20, 30, 40, 50, 60])
    v = d * math.sqrt(3) / 2
    return Problem(
        f"From a point on level ground the angle of elevation of the top of a tower is 30°. After walking {d} m "
        "towards the tower it becomes 60°. How tall is the tower?",
        f"With height $h$ and final distance $x$: $h = x\\sqrt{{3}}$ and $h = (x + {d})/\\sqrt{{3}}$, so $3x = x + {d}$, "
        f"$x = {d // 2}$ and $h = {d // 2}\\sqrt{{3}} \\approx {fmt(v)}$ m.",
        v,
        "m",
        wrong=(d * math.sqrt(3), d / math.sqrt(3), d / 2),
        show=as_surd,
    )


@shape(M, "trigonometry")
def _cosine_rule(r: R) -> Problem:
    a, b, c = r.choice([(3, 8, 7), (5, 8, 7), (7, 15, 13), (5, 21, 19), (8, 15, 13)])
    return Problem(
        f"Two sides of a triangle are {a} cm and {b} cm and the angle between them is 60°. How long is the "
        "third side?",
        f"$c^2 = a^2 + b^2 - 2ab\\cos 60° = {a * a} + {b * b} - {a * b} = {c * c}$, so $c = {c}$ cm.",
        c,
        "cm",
        wrong=(math.isqrt(a * a + b * b + a * b), round(math.hypot(a, b)), b - a + 2),
    )


@shape(M, "trigonometry")
def _product_of_cosines(r: R) -> Problem:
    cases = [
        ("\\cos 20° \\cos 40° \\cos 80°", 1 / 8, "$\\cos\\theta\\cos(60°-\\theta)\\cos(60°+\\theta) = \\frac14\\cos 3\\theta$ with $\\theta = 20°$: $\\frac14 \\cos 60° = \\frac18$"),
        ("\\sin 20° \\sin 40° \\sin 80°", math.sqrt(3) / 8, "$\\sin\\theta\\sin(60°-\\theta)\\sin(60°+\\theta) = \\frac14\\sin 3\\theta$ with $\\theta = 20°$: $\\frac14 \\cdot \\frac{\\sqrt3}{2} = \\frac{\\sqrt3}{8}$"),
        ("\\tan 20° \\tan 40° \\tan 80°", math.sqrt(3), "$\\tan\\theta\\tan(60°-\\theta)\\tan(60°+\\theta) = \\tan 3\\theta$ with $\\theta = 20°$: $\\tan 60° = \\sqrt3$"),
        ("\\cos 36° - \\cos 72°", 1 / 2, "$\\cos 36° = \\frac{\\sqrt5+1}{4}$ and $\\cos 72° = \\frac{\\sqrt5-1}{4}$, difference $\\frac12$"),
    ]
    expr, v, work = r.choice(cases)
    return Problem(
        f"Without tables, find the exact value of ${expr}$.",
        work + ".",
        v,
        wrong=tuple(w for w in (1 / 8, math.sqrt(3) / 8, math.sqrt(3), 1 / 2, 1 / 4, 1 / 16) if not math.isclose(w, v))[:3],
        show=as_surd,
    )


# =============================================================================================================
# Physics (g = 10 m/s² unless a problem says otherwise)
# =============================================================================================================

P = "physics"


@shape(P, "kinematics", "easy")
def _car_from_rest(r: R) -> Problem:
    a, t = r.choice([1.5, 2, 2.5, 3, 4]), r.randint(4, 12)
    v = a * t * t / 2
    return Problem(
        f"A car starts from rest at a traffic signal and accelerates uniformly at {fmt(a)} m/s² for {t} s. "
        "How far does it travel in this time?",
        f"$s = \\frac{{1}}{{2}}at^2 = \\frac{{1}}{{2}} \\cdot {fmt(a)} \\cdot {t}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(a * t * t, a * t, a * t * t / 4),
    )


@shape(P, "kinematics")
def _runway_length(r: R) -> Problem:
    v0, a = r.choice([60, 70, 80, 90, 100]), r.choice([2, 2.5, 4, 5])
    v = v0 * v0 / (2 * a)
    return Problem(
        f"An aircraft needs a speed of {v0} m/s to take off, and its engines give it a uniform acceleration of "
        f"{fmt(a)} m/s² along the runway. What is the minimum length of runway it needs?",
        f"From $v^2 = u^2 + 2as$ with $u = 0$: $s = \\frac{{v^2}}{{2a}} = \\frac{{{v0}^2}}{{2 \\cdot {fmt(a)}}} = {fmt(v)}$ m.",
        v, "m", wrong=(v0 * v0 / a, v0 / a, v0 * v0 / (4 * a)),
    )


@shape(P, "kinematics", "easy")
def _truck_braking(r: R) -> Problem:
    kmh, dec = r.choice([36, 54, 72, 90, 108]), r.choice([2, 2.5, 4, 5])
    u = kmh / 3.6
    v = u * u / (2 * dec)
    return Problem(
        f"A truck moving at {kmh} km/h brakes with a uniform retardation of {fmt(dec)} m/s². How far does it go "
        "before coming to rest?",
        f"$u = {kmh} \\times \\frac{{5}}{{18}} = {fmt(u)}$ m/s; $s = \\frac{{u^2}}{{2a}} = \\frac{{{fmt(u)}^2}}{{2 \\cdot {fmt(dec)}}} "
        f"= {fmt(v)}$ m.",
        v, "m", wrong=(kmh * kmh / (2 * dec), u * u / dec, u / dec),
        shortcut="Convert km/h to m/s first (× 5/18).",
    )


@shape(P, "kinematics", "easy")
def _scooter_speeding_up(r: R) -> Problem:
    u, a, t = r.choice([8, 10, 12, 15]), r.choice([1, 2, 3]), r.randint(3, 8)
    v = u * t + a * t * t / 2
    return Problem(
        f"A scooter moving at {u} m/s speeds up with a constant acceleration of {a} m/s² for {t} s. What distance "
        "does it cover during these seconds?",
        f"$s = ut + \\frac{{1}}{{2}}at^2 = {u} \\cdot {t} + \\frac{{1}}{{2}} \\cdot {a} \\cdot {t}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(u * t + a * t * t, u * t, a * t * t / 2),
    )


@shape(P, "kinematics", "easy")
def _stone_from_tower(r: R) -> Problem:
    h = r.choice([20, 45, 80, 125, 180, 245])
    v = math.sqrt(2 * h / 10)
    return Problem(
        f"A stone is dropped from the top of a tower {h} m high. Taking g = 10 m/s², how long does it take to reach "
        "the ground?",
        f"$h = \\frac{{1}}{{2}}gt^2$ gives $t = \\sqrt{{2h/g}} = \\sqrt{{2 \\cdot {h}/10}} = {fmt(v)}$ s.",
        v, "s", wrong=(2 * h / 10, math.sqrt(h / 10), h / 10),
    )


@shape(P, "kinematics", "easy")
def _coconut_fall_height(r: R) -> Problem:
    t = r.choice([1, 1.2, 1.5, 2, 2.5])
    v = 5 * t * t
    return Problem(
        f"A coconut breaks off a tall palm and lands {fmt(t)} s later. Ignoring air resistance and taking "
        "g = 10 m/s², from what height did it fall?",
        f"$h = \\frac{{1}}{{2}}gt^2 = 5 \\cdot {fmt(t)}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(10 * t * t, 10 * t, 5 * t),
    )


@shape(P, "kinematics")
def _packet_from_helicopter(r: R) -> Problem:
    u, h, t = r.choice([(5, 30, 3), (10, 40, 4), (5, 60, 4), (15, 20, 4), (20, 105, 7), (10, 15, 3)])
    return Problem(
        f"A helicopter rising vertically at {u} m/s releases a relief packet when it is {h} m above the ground. "
        "With g = 10 m/s², after how many seconds does the packet land?",
        f"The packet starts with {u} m/s upwards: $-{h} = {u}t - 5t^2$, i.e. $5t^2 - {u}t - {h} = 0$, whose positive "
        f"root is $t = {t}$ s.",
        t, "s", wrong=(math.sqrt(2 * h / 10), t - 1, t + 1),
        shortcut="Released objects keep the carrier's velocity.",
    )


@shape(P, "kinematics", "easy")
def _vertical_throw_height(r: R) -> Problem:
    u = r.choice([10, 15, 20, 25, 30, 40])
    v = u * u / 20
    return Problem(
        f"A ball is thrown vertically upwards with a speed of {u} m/s. What maximum height does it reach? "
        "(g = 10 m/s²)",
        f"At the top $v = 0$: $H = \\frac{{u^2}}{{2g}} = \\frac{{{u}^2}}{{20}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / 10, u / 10, u * u / 40),
    )


@shape(P, "kinematics", "easy")
def _catch_after_time(r: R) -> Problem:
    t = r.choice([2, 3, 4, 5, 6])
    v = 10 * t / 2
    return Problem(
        f"A fielder tosses a cricket ball straight up and catches it at the same height {t} s later. With what "
        "speed did the ball leave his hand? (g = 10 m/s²)",
        f"Time up = time down = {fmt(t / 2)} s, so $u = g \\cdot \\frac{{T}}{{2}} = 10 \\cdot {fmt(t / 2)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(10 * t, 5 * t * t, 10 * t / 4),
    )


@shape(P, "kinematics")
def _nth_second_distance(r: R) -> Problem:
    u, a, n = r.randint(0, 10), r.choice([2, 3, 4, 6]), r.randint(3, 10)
    v = u + a * (n - 0.5)
    return Problem(
        f"A body starts with velocity {u} m/s and has a uniform acceleration of {a} m/s². What distance does it "
        f"cover during the {ordinal(n)} second of its motion?",
        f"$s_n = u + \\frac{{a}}{{2}}(2n - 1) = {u} + \\frac{{{a}}}{{2}}({2 * n - 1}) = {fmt(v)}$ m.",
        v, "m", wrong=(u * n + a * n * n / 2, u + a * n, u + a * (n - 1)),
        shortcut="Distance in the nth second: u + a(2n − 1)/2.",
    )


@shape(P, "kinematics", "hard")
def _initial_speed_from_two_seconds(r: R) -> Problem:
    u, a = r.randint(1, 12), r.choice([2, 4, 6])
    p, q = r.choice([(3, 5), (2, 6), (4, 7), (3, 8)])
    sp, sq = u + a * (p - 0.5), u + a * (q - 0.5)
    return Problem(
        f"A uniformly accelerated body covers {fmt(sp)} m in the {ordinal(p)} second and {fmt(sq)} m in the {ordinal(q)} second "
        "of its motion. What was its initial velocity?",
        f"$s_n = u + a(n - \\tfrac12)$: subtracting, ${q - p}a = {fmt(sq - sp)}$ so $a = {a}$ m/s²; then "
        f"$u = {fmt(sp)} - {a}({p} - 0.5) = {u}$ m/s.",
        u, "m/s", wrong=(u + a, sp - a * p, u + a / 2),
    )


@shape(P, "kinematics")
def _acceleration_from_position(r: R) -> Problem:
    p, q, t = r.randint(1, 4), r.randint(-6, 6), r.randint(1, 4)
    v = 6 * p * t + 2 * q
    return Problem(
        f"The position of a particle moving along the x-axis is $x = {poly([p, q, r.randint(-5, 5), r.randint(0, 9)], 't')}$ "
        f"(x in metres, t in seconds). What is its acceleration at t = {t} s?",
        f"$a = \\frac{{d^2x}}{{dt^2}} = {6 * p}t + {2 * q}$; at $t = {t}$ s, $a = {v}$ m/s².".replace("+ -", "- "),
        v, "m/s²", wrong=(3 * p * t * t + 2 * q * t, 6 * p * t, 6 * p + 2 * q if 6 * p + 2 * q != v else v + 2),
    )


@shape(P, "kinematics")
def _displacement_from_velocity(r: R) -> Problem:
    a, b, t = r.randint(1, 4), r.randint(1, 6), r.randint(2, 5)
    v = a * t**3 / 3 + b * t
    return Problem(
        f"The velocity of a particle is $v = {a if a > 1 else ''}t^2 + {b}$ m/s. How far does it move between t = 0 "
        f"and t = {t} s?",
        f"$s = \\int_0^{{{t}}} ({a if a > 1 else ''}t^2 + {b})\\,dt = \\frac{{{a} \\cdot {t}^3}}{{3}} + {b} \\cdot {t} = {fmt(v)}$ m.",
        v, "m", wrong=(a * t * t + b, 2 * a * t, a * t**3 + b * t),
    )


@shape(P, "kinematics")
def _projectile_range(r: R) -> Problem:
    u, th = r.choice([20, 30, 40, 50]), r.choice([15, 30, 45])
    v = u * u * sind(2 * th) / 10
    return Problem(
        f"A football is kicked at {u} m/s at {th}° above the horizontal. How far away does it land on level ground? "
        "(g = 10 m/s²)",
        f"$R = \\frac{{u^2 \\sin 2\\theta}}{{g}} = \\frac{{{u}^2 \\sin {2 * th}°}}{{10}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / 10, v / 2, u * u * sind(th) / 10),
    )


@shape(P, "kinematics")
def _projectile_max_height(r: R) -> Problem:
    u, th = r.choice([20, 30, 40, 60]), r.choice([30, 45, 60])
    s = sind(th)
    v = u * u * s * s / 20
    return Problem(
        f"A shell is fired from a mortar at {u} m/s, {th}° above the horizontal. To what greatest height does it "
        "rise? (g = 10 m/s²)",
        f"$H = \\frac{{u^2 \\sin^2\\theta}}{{2g}} = \\frac{{{u}^2 \\sin^2 {th}°}}{{20}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u * s / 20, u * u / 20, u * u * s * s / 10),
    )


@shape(P, "kinematics", "easy")
def _time_of_flight(r: R) -> Problem:
    u, th = r.choice([10, 20, 30, 40, 50]), r.choice([30, 60])
    s = sind(th)
    v = 2 * u * s / 10
    return Problem(
        f"A javelin is launched at {u} m/s at an angle of {th}° to the ground. For how long is it in the air before "
        "it returns to the launch height? (g = 10 m/s²)",
        f"$T = \\frac{{2u\\sin\\theta}}{{g}} = \\frac{{2 \\cdot {u} \\cdot \\sin {th}°}}{{10}} = {fmt(v)}$ s.",
        v, "s", wrong=(u * s / 10, 2 * u / 10, 2 * u * cosd(th) / 10),
    )


@shape(P, "kinematics")
def _ball_off_table(r: R) -> Problem:
    h, u = r.choice([0.8, 1.25, 1.8, 3.2, 5]), r.choice([2, 3, 4, 5])
    v = u * math.sqrt(2 * h / 10)
    return Problem(
        f"A marble rolls off the edge of a table {fmt(h)} m high with a horizontal speed of {u} m/s. How far from "
        "the foot of the table does it hit the floor? (g = 10 m/s²)",
        f"Fall time $t = \\sqrt{{2h/g}} = {fmt(math.sqrt(2 * h / 10))}$ s; horizontal distance $= ut = {fmt(v)}$ m.",
        v, "m", wrong=(u * 2 * h / 10, u * math.sqrt(h / 10), u * h),
    )


@shape(P, "kinematics")
def _cliff_throw_impact_speed(r: R) -> Problem:
    h, u = r.choice([(20, 15), (45, 40), (80, 30), (5, 10), (125, 0)])
    if u == 0:
        u = 20
    v = math.sqrt(u * u + 20 * h)
    return Problem(
        f"A stone is thrown horizontally at {u} m/s from the top of a cliff {h} m high. With what speed does it "
        "strike the sea below? (g = 10 m/s²)",
        f"Vertical speed at impact $v_y = \\sqrt{{2gh}} = {fmt(math.sqrt(20 * h))}$ m/s; "
        f"$v = \\sqrt{{{u}^2 + {fmt(20 * h)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(u + math.sqrt(20 * h), math.sqrt(20 * h), u * u / 10 + h),
        shortcut="Energy: v² = u² + 2gh, whatever the direction of throw.",
    )


@shape(P, "kinematics", "easy")
def _complementary_angles(r: R) -> Problem:
    th = r.choice([15, 20, 25, 35, 40, 10])
    v = 90 - th
    return Problem(
        f"A gardener's hose throws water to the same horizontal distance at two different angles of projection. "
        f"If one angle is {th}°, what is the other?",
        f"$R \\propto \\sin 2\\theta$ and $\\sin 2\\theta = \\sin(180° - 2\\theta)$, so the other angle is "
        f"$90° - {th}° = {v}°$.",
        v, "degrees", wrong=(180 - th, 2 * th, 45 + th / 2),
    )


@shape(P, "kinematics")
def _max_throw_distance(r: R) -> Problem:
    hmax = r.choice([10, 15, 20, 25, 30])
    v = 2 * hmax
    return Problem(
        f"A boy can throw a ball vertically up to a height of {hmax} m. What is the greatest horizontal distance "
        "he can throw the same ball, with the same speed?",
        f"$u^2 = 2gH$ and the largest range is $\\frac{{u^2}}{{g}} = 2H = {v}$ m (at 45°).",
        v, "m", wrong=(hmax, 4 * hmax, hmax * math.sqrt(2)),
    )


@shape(P, "kinematics")
def _trains_crossing(r: R) -> Problem:
    l1, l2 = r.choice([(120, 80), (150, 100), (200, 160), (90, 110)])
    v1, v2 = r.choice([(54, 36), (72, 36), (90, 54), (45, 63)])
    t = (l1 + l2) / ((v1 + v2) / 3.6)
    return Problem(
        f"Two trains, {l1} m and {l2} m long, run on parallel tracks in opposite directions at {v1} km/h and {v2} km/h. "
        "How long do they take to cross each other completely?",
        f"Relative speed $= ({v1} + {v2})$ km/h $= {fmt((v1 + v2) / 3.6)}$ m/s; the distance to clear is "
        f"${l1} + {l2} = {l1 + l2}$ m, so $t = {fmt(t)}$ s.",
        t, "s", wrong=((l1 + l2) / ((v1 - v2) / 3.6) if v1 != v2 else 2 * t, l1 / ((v1 + v2) / 3.6), (l1 + l2) / (v1 + v2)),
    )


@shape(P, "kinematics")
def _overtaking_time(r: R) -> Problem:
    l1, l2 = r.choice([(100, 150), (200, 100), (120, 180)])
    v1, v2 = r.choice([(72, 54), (90, 72), (108, 72)])
    t = (l1 + l2) / ((v1 - v2) / 3.6)
    return Problem(
        f"An express train {l1} m long overtakes a goods train {l2} m long on a parallel track. Their speeds are "
        f"{v1} km/h and {v2} km/h in the same direction. How long does the overtaking take?",
        f"Relative speed $= {v1} - {v2} = {v1 - v2}$ km/h $= {fmt((v1 - v2) / 3.6)}$ m/s; "
        f"$t = \\frac{{{l1 + l2}}}{{{fmt((v1 - v2) / 3.6)}}} = {fmt(t)}$ s.",
        t, "s", wrong=((l1 + l2) / ((v1 + v2) / 3.6), l1 / ((v1 - v2) / 3.6), (l1 + l2) / (v1 - v2)),
    )


@shape(P, "kinematics")
def _river_drift(r: R) -> Problem:
    w, vb, vr = r.choice([(400, 4, 3), (200, 5, 2), (300, 3, 1.5), (500, 5, 4), (240, 4, 1)])
    v = w * vr / vb
    return Problem(
        f"A swimmer who swims at {vb} m/s in still water heads straight across a river {w} m wide flowing at "
        f"{fmt(vr)} m/s. How far downstream of the starting point does she land?",
        f"Crossing time $= {w}/{vb} = {fmt(w / vb)}$ s; drift $= {fmt(vr)} \\times {fmt(w / vb)} = {fmt(v)}$ m.",
        v, "m", wrong=(w * vb / vr, w / vr, w * vr / math.sqrt(vb * vb + vr * vr)),
    )


@shape(P, "kinematics", "hard")
def _river_shortest_path(r: R) -> Problem:
    w, vb, vr = r.choice([(300, 5, 3), (400, 5, 4), (600, 10, 6), (120, 5, 3), (260, 13, 5)])
    v = w / math.sqrt(vb * vb - vr * vr)
    return Problem(
        f"A ferry that moves at {vb} m/s relative to the water must reach the point directly opposite on the other "
        f"bank of a {w} m wide river whose current is {vr} m/s. How long does the crossing take?",
        f"Heading upstream so that the drift cancels, the cross-stream speed is $\\sqrt{{{vb}^2 - {vr}^2}} = "
        f"{fmt(math.sqrt(vb * vb - vr * vr))}$ m/s, so $t = {w}/{fmt(math.sqrt(vb * vb - vr * vr))} = {fmt(v)}$ s.",
        v, "s", wrong=(w / vb, w / (vb - vr), w / math.hypot(vb, vr)),
    )


@shape(P, "kinematics")
def _rain_umbrella(r: R) -> Problem:
    vr, vm = r.choice([(12, 5), (8, 6), (15, 8), (4, 3), (24, 7)])
    v = vm / vr
    return Problem(
        f"Rain falls vertically at {vr} m/s. A cyclist rides at {vm} m/s. At what angle θ to the vertical should he "
        "hold his umbrella? Give tan θ.",
        f"Relative to him the rain has a horizontal component {vm} m/s (towards him) and a vertical one {vr} m/s, "
        f"so $\\tan\\theta = {vm}/{vr} = {tex_frac(v)}$, tilted forwards.",
        v, wrong=(vr / vm, vm / math.hypot(vr, vm), (vr - vm) / vr), show=as_frac,
    )


@shape(P, "kinematics", "easy")
def _average_speed_halves(r: R) -> Problem:
    v1, v2 = r.choice([(30, 60), (40, 60), (20, 30), (60, 90), (36, 54), (10, 15)])
    v = 2 * v1 * v2 / (v1 + v2)
    return Problem(
        f"A bus covers the first half of a journey at {v1} km/h and the second half of the same distance at "
        f"{v2} km/h. What is its average speed for the whole journey?",
        f"$v_{{av}} = \\frac{{2v_1v_2}}{{v_1 + v_2}} = \\frac{{2 \\cdot {v1} \\cdot {v2}}}{{{v1 + v2}}} = {fmt(v)}$ km/h.",
        v, "km/h", wrong=((v1 + v2) / 2, math.sqrt(v1 * v2), v2 - v1),
        shortcut="Equal distances: harmonic mean, not the plain average.",
    )


@shape(P, "kinematics")
def _police_chase(r: R) -> Problem:
    vt, a = r.choice([(20, 2), (15, 3), (25, 5), (30, 4), (12, 2)])
    v = 2 * vt * vt / a
    return Problem(
        f"A speeding motorist passes a parked police jeep at a steady {vt} m/s. At that instant the jeep starts "
        f"from rest and accelerates at {a} m/s². How far does the jeep travel before it catches the motorist?",
        f"Equal distances: $\\frac{{1}}{{2}} \\cdot {a} t^2 = {vt}t$ gives $t = {fmt(2 * vt / a)}$ s, and the distance "
        f"is ${vt} \\times {fmt(2 * vt / a)} = {fmt(v)}$ m.",
        v, "m", wrong=(vt * vt / a, 4 * vt * vt / a, vt * vt / (2 * a)),
    )


@shape(P, "kinematics")
def _velocity_time_trapezium(r: R) -> Problem:
    vmax, t1, t2, t3 = r.choice([10, 15, 20, 25]), r.randint(4, 10), r.randint(10, 30), r.randint(4, 10)
    v = vmax * (t1 / 2 + t2 + t3 / 2)
    return Problem(
        f"A metro train accelerates uniformly from rest to {vmax} m/s in {t1} s, runs at that speed for {t2} s, and "
        f"then slows uniformly to rest in {t3} s. How far apart are the two stations?",
        f"The distance is the area under the v–t graph (a trapezium): ${vmax}\\left(\\frac{{{t1}}}{{2}} + {t2} + "
        f"\\frac{{{t3}}}{{2}}\\right) = {fmt(v)}$ m.",
        v, "m", wrong=(vmax * (t1 + t2 + t3), vmax * t2, vmax * (t1 + t2 + t3) / 2),
    )


@shape(P, "kinematics", "easy")
def _centripetal_acceleration(r: R) -> Problem:
    kmh, rad = r.choice([36, 54, 72, 90]), r.choice([25, 50, 100, 125, 200])
    u = kmh / 3.6
    v = u * u / rad
    return Problem(
        f"A car takes a flat circular turn of radius {rad} m at a steady {kmh} km/h. What is the magnitude of its "
        "acceleration?",
        f"Speed $= {fmt(u)}$ m/s; centripetal acceleration $\\frac{{v^2}}{{r}} = \\frac{{{fmt(u)}^2}}{{{rad}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(u / rad, kmh * kmh / rad, u * u / (2 * rad)),
    )


@shape(P, "kinematics", "easy")
def _revolutions_to_speed(r: R) -> Problem:
    rpm, rad = r.choice([30, 60, 120, 300]), r.choice([0.1, 0.2, 0.5, 0.7])
    v = 2 * math.pi * rad * rpm / 60
    return Problem(
        f"A stone tied to a string is whirled in a horizontal circle of radius {fmt(rad)} m, making {rpm} revolutions "
        "per minute. What is its linear speed?",
        f"$\\omega = 2\\pi \\cdot \\frac{{{rpm}}}{{60}}$ rad/s and $v = \\omega r = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(rad * rpm / 60, 2 * math.pi * rad * rpm, math.pi * rad * rpm / 60),
    )


@shape(P, "kinematics")
def _two_balls_meet(r: R) -> Problem:
    h, u = r.choice([(100, 25), (60, 20), (80, 40), (90, 30), (120, 40)])
    t = h / u
    return Problem(
        f"A ball is dropped from the top of a {h} m building at the same instant that another is thrown straight up "
        f"from the ground below it at {u} m/s. After how long do they meet?",
        f"Relative to each other the balls do not accelerate (both fall at g), and they close at {u} m/s, so "
        f"$t = {h}/{u} = {fmt(t)}$ s.",
        t, "s", wrong=(h / (2 * u), 2 * h / u, math.sqrt(2 * h / 10)),
        shortcut="In the falling frame both move uniformly.",
    )


@shape(P, "kinematics")
def _landing_speed_from_roof(r: R) -> Problem:
    u, t = r.choice([(10, 4), (20, 6), (15, 5), (5, 3), (25, 7)])
    v = 10 * t - u
    return Problem(
        f"A boy on a third-floor balcony tosses a ball straight up at {u} m/s. It rises, falls past him and strikes the "
        f"courtyard below {t} s after the toss. How fast is it travelling at impact? (g = 10 m/s²)",
        f"Taking up as positive, $v = u - gt = {u} - 10 \\cdot {t} = {u - 10 * t}$ m/s: it lands at {v} m/s, moving downwards.",
        v, "m/s", wrong=(float(10 * t + u), 10.0 * t, float(u)),
    )


@shape(P, "kinematics")
def _stopping_retardation(r: R) -> Problem:
    kmh, s = r.choice([(54, 45), (72, 40), (36, 25), (90, 125), (108, 90)])
    u = kmh / 3.6
    v = u * u / (2 * s)
    return Problem(
        f"The driver of a train entering a station at {kmh} km/h must bring it to a halt at the platform's end, "
        f"{s} m ahead. What minimum uniform deceleration is needed?",
        f"$u = {fmt(u)}$ m/s; $a = \\frac{{u^2}}{{2s}} = \\frac{{{fmt(u)}^2}}{{{2 * s}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(u * u / s, u / s, kmh * kmh / (2 * s)),
    )


@shape(P, "laws_of_motion")
def _atwood_acceleration(r: R) -> Problem:
    m1, m2 = r.choice([(3, 2), (5, 3), (4, 1), (6, 4), (7, 3)])
    v = (m1 - m2) * 10 / (m1 + m2)
    return Problem(
        f"Blocks of {m1} kg and {m2} kg hang from the two ends of a light string over a frictionless pulley. What "
        "is the acceleration of the blocks once released? (g = 10 m/s²)",
        f"$a = \\frac{{(m_1 - m_2)g}}{{m_1 + m_2}} = \\frac{{{m1 - m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=((m1 - m2) * 10 / m1, (m1 + m2) * 10 / (m1 - m2), m2 * 10 / (m1 + m2)),
    )


@shape(P, "laws_of_motion")
def _atwood_tension(r: R) -> Problem:
    m1, m2 = r.choice([(3, 2), (4, 1), (6, 3), (5, 1), (8, 2)])
    v = 2 * m1 * m2 * 10 / (m1 + m2)
    return Problem(
        f"In an Atwood machine, masses of {m1} kg and {m2} kg are connected by a light inextensible string over "
        "a smooth pulley. What is the tension in the string while they move? (g = 10 m/s²)",
        f"$T = \\frac{{2m_1m_2 g}}{{m_1 + m_2}} = \\frac{{2 \\cdot {m1} \\cdot {m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(v)}$ N.",
        v, "N", wrong=(m1 * m2 * 10 / (m1 + m2), (m1 + m2) * 10, abs(m1 - m2) * 10 or 5),
    )


@shape(P, "laws_of_motion")
def _rough_incline_acceleration(r: R) -> Problem:
    mu = r.choice([0.1, 0.2, 0.25, 0.5])
    v = 10 * (0.6 - 0.8 * mu)
    return Problem(
        f"A crate slides down a ramp inclined at 37° to the horizontal; the coefficient of kinetic friction is "
        f"{fmt(mu)}. What is its acceleration? (sin 37° = 0.6, g = 10 m/s²)",
        f"$a = g(\\sin\\theta - \\mu\\cos\\theta) = 10(0.6 - {fmt(mu)} \\times 0.8) = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(6.0, 10 * (0.6 + 0.8 * mu), 10 * (0.8 - 0.6 * mu)),
    )


@shape(P, "laws_of_motion", "easy")
def _lift_apparent_weight(r: R) -> Problem:
    m, a = r.choice([50, 60, 70, 80]), r.choice([1, 2, 2.5, 3])
    up = r.random() < 0.5
    v = m * (10 + a) if up else m * (10 - a)
    return Problem(
        f"{a_(m).capitalize()} {m} kg student stands on a weighing scale in a lift that is accelerating {'upwards' if up else 'downwards'} "
        f"at {fmt(a)} m/s². What force does the scale read? (g = 10 m/s²)",
        f"$N = m(g {'+' if up else '-'} a) = {m}(10 {'+' if up else '-'} {fmt(a)}) = {fmt(v)}$ N.",
        v, "N", wrong=(m * 10, m * (10 - a) if up else m * (10 + a), m * a),
    )


@shape(P, "laws_of_motion", "easy")
def _push_on_rough_floor(r: R) -> Problem:
    m, f, mu = r.choice([5, 10, 20]), r.choice([40, 60, 80, 100]), r.choice([0.2, 0.25, 0.3])
    v = (f - mu * m * 10) / m
    if v <= 0:
        f = int(mu * m * 10) + 30
        v = (f - mu * m * 10) / m
    return Problem(
        f"A horizontal push of {f} N acts on {a_(m)} {m} kg box resting on a floor with coefficient of kinetic friction "
        f"{fmt(mu)}. What acceleration does the box get? (g = 10 m/s²)",
        f"Friction $= \\mu mg = {fmt(mu * m * 10)}$ N; $a = \\frac{{{f} - {fmt(mu * m * 10)}}}{{{m}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(f / m, (f + mu * m * 10) / m, (f - mu * m) / m),
    )


@shape(P, "laws_of_motion")
def _contact_force(r: R) -> Problem:
    m1, m2, f = r.choice([2, 3, 4]), r.choice([1, 2, 6]), r.choice([12, 18, 24, 30])
    v = m2 * f / (m1 + m2)
    return Problem(
        f"Two blocks of {m1} kg and {m2} kg are in contact on a smooth table. A horizontal force of {f} N pushes "
        f"the {m1} kg block. What force does the {m1} kg block exert on the {m2} kg block?",
        f"Common acceleration $a = \\frac{{{f}}}{{{m1 + m2}}}$; the front block needs $m_2 a = {fmt(v)}$ N.",
        v, "N", wrong=(m1 * f / (m1 + m2), f, f / 2 if f / 2 != v else f / 3),
    )


@shape(P, "laws_of_motion")
def _average_force_rebound(r: R) -> Problem:
    m, v1, v2, ms = r.choice([0.15, 0.2, 0.4, 0.5]), r.choice([10, 12, 20]), r.choice([5, 8, 10]), r.choice([10, 20, 50])
    v = m * (v1 + v2) / (ms / 1000)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg ball hits a wall at {v1} m/s and rebounds along the same line at {v2} m/s. The contact lasts "
        f"{ms} ms. What average force does the wall exert?",
        f"$\\Delta p = m(v_1 + v_2) = {fmt(m * (v1 + v2))}$ kg m/s; $F = \\Delta p/\\Delta t = {fmt(m * (v1 + v2))}/{fmt(ms / 1000)} = "
        f"{fmt(v)}$ N.",
        v, "N", wrong=(m * abs(v1 - v2) / (ms / 1000), m * (v1 + v2) / ms, m * v1 / (ms / 1000)),
        shortcut="A rebound adds the speeds in Δp.",
    )


@shape(P, "laws_of_motion")
def _machine_gun_force(r: R) -> Problem:
    n, m, u = r.choice([5, 10, 20]), r.choice([20, 40, 50]), r.choice([400, 500, 800])
    v = n * m / 1000 * u
    return Problem(
        f"A machine gun fires {n} bullets per second, each of mass {m} g, at {u} m/s. What average force must the "
        "gunner apply to hold the gun in place?",
        f"Momentum delivered per second: $F = n m v = {n} \\times {fmt(m / 1000)} \\times {u} = {fmt(v)}$ N.",
        v, "N", wrong=(m / 1000 * u, n * m * u, v / 2),
    )


@shape(P, "laws_of_motion")
def _banking_angle(r: R) -> Problem:
    rad, kmh = r.choice([(100, 72), (200, 72), (50, 36), (400, 108), (250, 90)])
    u = kmh / 3.6
    v = u * u / (rad * 10)
    return Problem(
        f"A railway line curves with radius {rad} m, and trains run round it at {kmh} km/h. For the track to need no "
        "side thrust from the rails, what should the tangent of its banking angle be? (g = 10 m/s²)",
        f"$\\tan\\theta = \\frac{{v^2}}{{rg}}$ with $v = {fmt(u)}$ m/s: $\\tan\\theta = \\frac{{{fmt(u * u)}}}{{{rad * 10}}} = {fmt(v)}$.",
        v, wrong=(u / (rad * 10) * 10, kmh * kmh / (rad * 10), v * 2),
    )


@shape(P, "laws_of_motion")
def _flat_curve_friction(r: R) -> Problem:
    mu, rad = r.choice([(0.4, 40), (0.5, 50), (0.25, 100), (0.6, 60), (0.9, 90)])
    v = math.sqrt(mu * rad * 10)
    return Problem(
        f"The coefficient of static friction between a motorcycle's tyres and a flat road is {fmt(mu)}. What is "
        f"the greatest speed at which it can round a curve of radius {rad} m without skidding? (g = 10 m/s²)",
        f"Friction supplies the centripetal force: $\\frac{{mv^2}}{{r}} \\le \\mu mg$, so "
        f"$v_{{max}} = \\sqrt{{\\mu r g}} = \\sqrt{{{fmt(mu * rad * 10)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(mu * rad * 10, math.sqrt(rad * 10), math.sqrt(mu * rad)),
    )


@shape(P, "laws_of_motion", "easy")
def _angle_of_repose(r: R) -> Problem:
    th, mu = r.choice([(37, 0.75), (53, 4 / 3), (45, 1.0), (30, 1 / math.sqrt(3))])
    return Problem(
        f"A wooden block just begins to slide when the plank it rests on is tilted to {th}° with the horizontal. "
        "What is the coefficient of static friction?",
        f"At the limit $mg\\sin\\theta = \\mu mg\\cos\\theta$, so $\\mu = \\tan {th}° = {fmt(mu)}$.",
        mu, wrong=(sind(th), cosd(th), 1 / mu if mu != 1 else 0.5),
        show=lambda x: fmt(x) if abs(x - 1 / math.sqrt(3)) > 1e-6 else "$\\frac{1}{\\sqrt{3}}$",
    )


@shape(P, "laws_of_motion")
def _vertical_circle_tension(r: R) -> Problem:
    m, rad, u = r.choice([0.5, 1, 2]), r.choice([0.5, 1, 2]), r.choice([4, 5, 6, 8])
    v = m * 10 + m * u * u / rad
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg bucket of water is swung in a vertical circle of radius {fmt(rad)} m. At the lowest point its "
        f"speed is {u} m/s. What is the tension in the rope there? (g = 10 m/s²)",
        f"$T - mg = \\frac{{mv^2}}{{r}}$: $T = {fmt(m * 10)} + \\frac{{{fmt(m)} \\cdot {u}^2}}{{{fmt(rad)}}} = {fmt(v)}$ N.",
        v, "N", wrong=(m * u * u / rad, m * u * u / rad - m * 10 if m * u * u / rad > m * 10 else v + m * 10, m * 10),
    )


@shape(P, "laws_of_motion")
def _loop_minimum_speed(r: R) -> Problem:
    rad = r.choice([1.6, 2.5, 4.9, 6.4, 10])
    v = math.sqrt(5 * 10 * rad)
    return Problem(
        f"A toy car runs on a vertical loop-the-loop track of radius {fmt(rad)} m. What is the least speed it must "
        "have at the bottom of the loop to go round without losing contact? (g = 10 m/s²)",
        f"At the top it needs $v_t^2 \\ge gr$; energy conservation then gives $v_b^2 = v_t^2 + 4gr = 5gr$, so "
        f"$v_b = \\sqrt{{5 \\cdot 10 \\cdot {fmt(rad)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(10 * rad), math.sqrt(4 * 10 * rad), math.sqrt(2 * 10 * rad)),
    )


@shape(P, "laws_of_motion")
def _trolley_and_hanger(r: R) -> Problem:
    (m1, m2), d = r.choice([(4, 1), (3, 2), (8, 2), (7, 3)]), r.choice([0.5, 1, 1.6])
    a = m2 * 10 / (m1 + m2)
    v = math.sqrt(2 * d / a)
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg trolley rests on a smooth laboratory bench, {fmt(d)} m from a pulley clamped at the edge. A string "
        f"from the trolley runs over the pulley to {a_(m2)} {m2} kg hanger. Released from rest, how long does the trolley take "
        "to reach the pulley? (g = 10 m/s²)",
        f"The hanger's weight accelerates both bodies: $a = \\frac{{{m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(a)}$ m/s²; then "
        f"$t = \\sqrt{{2d/a}} = {fmt(v)}$ s.",
        v, "s", wrong=(math.sqrt(2 * d / 10), math.sqrt(d / a), math.sqrt(2 * d / (m2 * 10 / m1))),
    )


@shape(P, "laws_of_motion", "easy")
def _gun_recoil(r: R) -> Problem:
    mg, mb, u = r.choice([2, 4, 5]), r.choice([10, 20, 50]), r.choice([200, 400, 500])
    v = mb / 1000 * u / mg
    return Problem(
        f"A rifle of mass {mg} kg fires a {mb} g bullet with a muzzle speed of {u} m/s. With what speed does the "
        "rifle recoil?",
        f"Total momentum stays zero: $V = \\frac{{m v}}{{M}} = \\frac{{{fmt(mb / 1000)} \\times {u}}}{{{mg}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(mb * u / mg, mg * u / mb, v * 2),
    )


@shape(P, "work_energy", "easy")
def _variable_force_work(r: R) -> Problem:
    a, b, x = r.randint(2, 10), r.randint(1, 6), r.randint(2, 6)
    v = a * x + b * x * x / 2
    return Problem(
        f"A force $F = ({a} + {b}x)$ N acts on a body along the x-axis. How much work does it do as the body "
        f"moves from x = 0 to x = {x} m?",
        f"$W = \\int_0^{{{x}}} ({a} + {b}x)\\,dx = {a} \\cdot {x} + \\frac{{{b}}}{{2}} \\cdot {x}^2 = {fmt(v)}$ J.",
        v, "J", wrong=((a + b * x) * x, a * x + b * x * x, a + b * x),
    )


@shape(P, "work_energy")
def _pump_power(r: R) -> Problem:
    vol, h, t = r.choice([500, 1000, 2000]), r.choice([10, 15, 20, 30]), r.choice([50, 100, 200])
    v = vol * 10 * h / t
    return Problem(
        f"A motor lifts {vol} litres of water into an overhead tank {h} m above the ground in {t} s. What useful "
        "power does it deliver? (g = 10 m/s², 1 litre of water has a mass of 1 kg)",
        f"$P = \\frac{{mgh}}{{t}} = \\frac{{{vol} \\cdot 10 \\cdot {h}}}{{{t}}} = {fmt(v)}$ W.",
        v, "W", wrong=(vol * h / t, vol * 10 * h, vol * 10 * h / (2 * t)),
    )


@shape(P, "work_energy")
def _elastic_collision(r: R) -> Problem:
    (m1, m2), u = r.choice([(1, 2), (2, 3), (3, 1), (1, 4), (2, 1)]), r.choice([6, 9, 12])
    v = 2 * m1 * u / (m1 + m2)
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg ball moving at {u} m/s collides head-on and elastically with {a_(m2)} {m2} kg ball at rest. With what "
        "speed does the second ball move off?",
        f"Momentum and kinetic energy are both conserved: $v_2 = \\frac{{2m_1 u}}{{m_1 + m_2}} = "
        f"\\frac{{2 \\cdot {m1} \\cdot {u}}}{{{m1 + m2}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(m1 * u / (m1 + m2), abs(m1 - m2) * u / (m1 + m2) or u / 2, u),
    )


@shape(P, "work_energy")
def _inelastic_energy_loss(r: R) -> Problem:
    m1, m2, u = r.choice([1, 2, 3]), r.choice([1, 2, 3]), r.choice([4, 6, 10])
    vc = m1 * u / (m1 + m2)
    v = 0.5 * m1 * u * u - 0.5 * (m1 + m2) * vc * vc
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg trolley moving at {u} m/s runs into a stationary {m2} kg trolley and the two couple together. "
        "How much kinetic energy is lost in the collision?",
        f"Common velocity $= \\frac{{{m1} \\cdot {u}}}{{{m1 + m2}}} = {fmt(vc)}$ m/s; loss $= \\frac{{1}}{{2}}{m1}({u})^2 - "
        f"\\frac{{1}}{{2}}{m1 + m2}({fmt(vc)})^2 = {fmt(v)}$ J.",
        v, "J", wrong=(0.5 * m1 * u * u, 0.5 * (m1 + m2) * vc * vc, v / 2),
    )


@shape(P, "work_energy")
def _spring_compression(r: R) -> Problem:
    m, u, k = r.choice([0.5, 1, 2]), r.choice([2, 3, 4, 5]), r.choice([50, 200, 800])
    v = u * math.sqrt(m / k)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg block sliding at {u} m/s on a smooth floor runs into a light spring of force constant "
        f"{k} N/m. What is the maximum compression of the spring?",
        f"$\\frac{{1}}{{2}}mu^2 = \\frac{{1}}{{2}}kx^2$, so $x = u\\sqrt{{m/k}} = {u}\\sqrt{{{fmt(m)}/{k}}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * m / k, m * u * u / k, v * math.sqrt(2)),
    )


@shape(P, "work_energy", "easy")
def _pendulum_bob_speed(r: R) -> Problem:
    length = r.choice([0.4, 0.9, 1.6, 2.5, 3.6])
    v = math.sqrt(10 * length)
    return Problem(
        f"A simple pendulum of length {fmt(length)} m is pulled aside until the string makes 60° with the vertical "
        "and released. How fast is the bob moving at the lowest point? (g = 10 m/s²)",
        f"The bob falls $h = L(1 - \\cos 60°) = {fmt(length / 2)}$ m, so $v = \\sqrt{{2gh}} = \\sqrt{{gL}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(20 * length), math.sqrt(5 * length), 10 * length / 2),
    )


@shape(P, "work_energy", "easy")
def _engine_power_speed(r: R) -> Problem:
    f, kmh = r.choice([500, 800, 1200, 2000]), r.choice([36, 54, 72, 90])
    v = f * kmh / 3.6 / 1000
    return Problem(
        f"Air drag and road friction on a car add up to {f} N when it cruises at a steady {kmh} km/h. What power "
        "must the engine deliver?",
        f"At constant speed the engine force balances the resistance: $P = Fv = {f} \\times {fmt(kmh / 3.6)} = "
        f"{fmt(v * 1000)}$ W $= {fmt(v)}$ kW.",
        v, "kW", wrong=(f * kmh / 1000, v / 2, f / (kmh / 3.6) / 1000 * 100),
    )


@shape(P, "work_energy", "easy")
def _stopping_on_rough_floor(r: R) -> Problem:
    u, mu = r.choice([4, 5, 6, 8, 10]), r.choice([0.1, 0.2, 0.25, 0.4, 0.5])
    v = u * u / (2 * mu * 10)
    return Problem(
        f"A hockey puck is given a speed of {u} m/s on a rough surface where the coefficient of friction is "
        f"{fmt(mu)}. How far does it slide before stopping? (g = 10 m/s²)",
        f"Work–energy: $\\mu m g d = \\frac{{1}}{{2}}mu^2$, so $d = \\frac{{u^2}}{{2\\mu g}} = \\frac{{{u * u}}}{{{fmt(2 * mu * 10)}}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / (mu * 10), u / (mu * 10), u * u * mu / 20),
    )


@shape(P, "work_energy", "hard")
def _bullet_in_plank(r: R) -> Problem:
    d, n = r.choice([2, 3, 4, 6]), r.choice([2, 3])
    left = (1 - 1 / n) ** 2
    v = d * left / (1 - left)
    return Problem(
        f"A bullet loses 1/{n} of its speed in passing through {d} cm of a thick plank. Assuming a constant "
        "resisting force, how much further will it penetrate before stopping?",
        f"Kinetic energy falls to ${tex_frac(left)}$ of its value over {d} cm, using up ${tex_frac(1 - left)}$ of it; "
        f"the remaining ${tex_frac(left)}$ needs $x = {d} \\cdot \\frac{{{tex_frac(left)}}}{{{tex_frac(1 - left)}}} = {fmt(v)}$ cm.",
        v, "cm", wrong=(d / n, d * (1 - 1 / n), d * 1.0),
    )


@shape(P, "work_energy", "easy")
def _bounce_height(r: R) -> Problem:
    h, e = r.choice([5, 10, 20, 40]), r.choice([0.5, 0.6, 0.8, 0.9])
    v = h * e**4
    return Problem(
        f"A ball dropped from {h} m bounces on a hard floor with coefficient of restitution {fmt(e)}. How high does "
        "it rise after the second bounce?",
        f"Each bounce multiplies the height by $e^2$: $h_2 = {h} \\cdot {fmt(e)}^4 = {fmt(v)}$ m.",
        v, "m", wrong=(h * e * e, h * e * e / 2, h * e**3),
    )


@shape(P, "work_energy")
def _hanging_chain_work(r: R) -> Problem:
    m, length, n = r.choice([2, 3, 4, 6]), r.choice([1, 2, 3]), r.choice([2, 3, 4])
    v = m * 10 * length / (2 * n * n)
    return Problem(
        f"A uniform chain of mass {m} kg and length {length} m lies on a smooth table with 1/{n} of its length "
        "hanging over the edge. How much work is needed to pull the hanging part back onto the table? (g = 10 m/s²)",
        f"The hanging mass is $m/{n}$ with its centre $L/{2 * n}$ below the edge: "
        f"$W = \\frac{{m}}{{{n}}} g \\frac{{L}}{{{2 * n}}} = {fmt(v)}$ J.",
        v, "J", wrong=(m * 10 * length / n, m * 10 * length / (2 * n), m * 10 * length / (n * n)),
    )


@shape(P, "work_energy", "easy")
def _equal_momenta_energy_ratio(r: R) -> Problem:
    m1, m2 = r.choice([(2, 8), (1, 4), (3, 12), (5, 20), (1, 9)])
    v = m2 / m1
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg ball and {a_(m2)} {m2} kg ball move with equal momenta. What is the ratio of the kinetic energy of the "
        "lighter ball to that of the heavier one?",
        f"$K = \\frac{{p^2}}{{2m}}$, so at equal $p$ the energies go inversely as the masses: ${m2}/{m1} = {fmt(v)}$.",
        v, wrong=(m1 / m2, math.sqrt(m2 / m1), (m2 / m1) ** 2),
    )


@shape(P, "rotation", "easy")
def _rod_about_end(r: R) -> Problem:
    m, length = r.choice([0.6, 1.2, 2, 3, 4.5]), r.choice([0.5, 1, 1.5, 2])
    v = m * length * length / 3
    return Problem(
        f"What is the moment of inertia of a thin uniform rod of mass {fmt(m)} kg and length {fmt(length)} m about "
        "an axis through one end, perpendicular to the rod?",
        f"$I = \\frac{{ML^2}}{{12}} + M\\left(\\frac{{L}}{{2}}\\right)^2 = \\frac{{ML^2}}{{3}} = \\frac{{{fmt(m)} \\cdot {fmt(length)}^2}}{{3}} "
        f"= {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(m * length * length / 12, m * length * length / 2, m * length * length),
        shortcut="Parallel-axis theorem from ML²/12.",
    )


@shape(P, "rotation")
def _hoop_on_nail(r: R) -> Problem:
    m, rad = r.choice([0.5, 1, 2, 4]), r.choice([0.1, 0.2, 0.5])
    v = 2 * m * rad * rad
    return Problem(
        f"A thin metal hoop of mass {fmt(m)} kg and radius {fmt(rad)} m hangs on a nail driven into a wall and swings in "
        "its own plane. What is its moment of inertia about the nail?",
        f"The axis is perpendicular to the hoop through a point of its rim: $I = MR^2 + MR^2 = 2MR^2 = {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(m * rad * rad, 1.5 * m * rad * rad, 0.5 * m * rad * rad),
    )


@shape(P, "rotation")
def _disc_tangent(r: R) -> Problem:
    m, rad = r.choice([2, 4, 5, 8]), r.choice([0.1, 0.2, 0.4, 0.5])
    v = 1.25 * m * rad * rad
    return Problem(
        f"A flat circular steel plate (a uniform disc) of mass {m} kg and radius {fmt(rad)} m is mounted to swing about an "
        "axis that touches its rim and lies in the plate's own plane. Find its moment of inertia about that axis.",
        f"About a diameter $I = \\frac{{MR^2}}{{4}}$; shifting by $R$: $I = \\frac{{MR^2}}{{4}} + MR^2 = \\frac{{5}}{{4}}MR^2 "
        f"= {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(1.5 * m * rad * rad, 0.25 * m * rad * rad, 0.5 * m * rad * rad),
    )


@shape(P, "rotation")
def _rolling_rotational_fraction(r: R) -> Problem:
    body, k2, ans = r.choice([("solid sphere", 0.4, 2 / 7), ("hollow sphere", 2 / 3, 2 / 5), ("disc", 0.5, 1 / 3), ("ring", 1.0, 1 / 2)])
    return Problem(
        f"A {body} rolls without slipping on a level floor. What fraction of its total kinetic energy is rotational?",
        f"Rolling without slipping, $K = \\frac{{1}}{{2}}mv^2(1 + k^2/R^2)$ and $K_{{rot}}/K = \\frac{{k^2/R^2}}{{1 + k^2/R^2}}$; "
        f"for a {body} $k^2/R^2 = {tex_frac(k2)}$, so the fraction is ${tex_frac(ans)}$.",
        ans, wrong=tuple(x for x in (2 / 7, 2 / 5, 1 / 3, 1 / 2, 2 / 3) if not math.isclose(x, ans))[:3], show=as_frac,
    )


@shape(P, "rotation", "easy")
def _beads_rotational_energy(r: R) -> Problem:
    ms = r.sample([1, 2, 3, 4, 5], 3)
    w = r.choice([2, 4, 5, 10])
    inertia = ms[1] * 0.25 + ms[2] * 1.0
    v = 0.5 * inertia * w * w
    return Problem(
        f"Three beads of {ms[0]} kg, {ms[1]} kg and {ms[2]} kg are fixed at 0 m, 0.5 m and 1 m along a light wire, which "
        f"spins at {w} rad/s about a perpendicular axis through the first bead. How much rotational kinetic energy does "
        "the system have?",
        f"$I = \\sum m r^2 = {ms[1]}(0.5)^2 + {ms[2]}(1)^2 = {fmt(inertia)}$ kg m²; $K = \\frac{{1}}{{2}}I\\omega^2 = {fmt(v)}$ J.",
        v, "J", wrong=(inertia * w * w, 0.5 * inertia * w, 0.5 * (ms[1] * 0.5 + ms[2]) * w * w),
    )


@shape(P, "rotation")
def _radius_of_gyration(r: R) -> Problem:
    rad = r.choice([10, 20, 30, 40])
    v = rad / math.sqrt(2)
    return Problem(
        f"What is the radius of gyration of a uniform disc of radius {rad} cm about its central axis, "
        "perpendicular to its plane?",
        f"$I = \\frac{{MR^2}}{{2}} = Mk^2$ gives $k = \\frac{{R}}{{\\sqrt{{2}}}} = {fmt(v)}$ cm.",
        v, "cm", wrong=(rad / 2, rad * 1.0, rad * math.sqrt(2)), show=as_surd,
    )


@shape(P, "rotation", "easy")
def _flywheel_spin_up(r: R) -> Problem:
    inertia, tau, t = r.choice([2, 4, 5, 10]), r.choice([10, 20, 40]), r.choice([3, 5, 10])
    v = tau / inertia * t
    return Problem(
        f"A flywheel with moment of inertia {inertia} kg m² starts from rest under a constant torque of {tau} N m. "
        f"What angular velocity does it reach after {t} s?",
        f"$\\alpha = \\tau/I = {fmt(tau / inertia)}$ rad/s², so $\\omega = \\alpha t = {fmt(v)}$ rad/s.",
        v, "rad/s", wrong=(tau * inertia * t, tau / inertia, tau * t),
    )


@shape(P, "rotation")
def _rolling_wheel_point_speed(r: R) -> Problem:
    u = r.choice([3, 4, 5, 6, 8])
    top = r.random() < 0.5
    v = 2 * u if top else u * math.sqrt(2)
    where = "the topmost point of a wheel" if top else "a point on the rim of a wheel level with the axle"
    return Problem(
        f"A cyclist rides at a steady {u} m/s and the wheels roll without slipping. How fast is {where} moving "
        "relative to the road?",
        "Rolling = translation at $v$ plus rotation with rim speed $v$: "
        + ("at the top the two add, $2v$" if top else "at the axle's level they are perpendicular, $\\sqrt{2}v$")
        + f" $= {fmt(v)}$ m/s.",
        v, "m/s", wrong=(float(u), 2 * u if not top else u * math.sqrt(2), 0.5 * u),
    )


@shape(P, "rotation")
def _rolling_down_incline(r: R) -> Problem:
    body, k2 = r.choice([("solid sphere", 0.4), ("ring", 1.0), ("disc", 0.5), ("solid cylinder", 0.5)])
    h = r.choice([1.4, 2.8, 4.2, 7])
    v = math.sqrt(2 * 10 * h / (1 + k2))
    return Problem(
        f"A {body} rolls without slipping from rest down a slope, descending a vertical height of {fmt(h)} m. What "
        "is its speed at the bottom? (g = 10 m/s²)",
        f"$mgh = \\frac{{1}}{{2}}mv^2(1 + k^2/R^2)$ with $k^2/R^2 = {fmt(k2)}$: $v = \\sqrt{{\\frac{{2gh}}{{{fmt(1 + k2)}}}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(2 * 10 * h), math.sqrt(10 * h), math.sqrt(2 * 10 * h / (1 + 2 * k2))),
    )


@shape(P, "rotation")
def _skater_pulls_arms(r: R) -> Problem:
    (i1, i2), w1 = r.choice([(6, 2), (5, 2), (4, 1), (9, 3), (8, 5)]), r.choice([2, 3, 4])
    v = i1 * w1 / i2
    return Problem(
        f"An ice dancer spins at {w1} rev/s with her arms outstretched, when her moment of inertia is {i1} kg m². "
        f"She pulls her arms in, reducing it to {i2} kg m². How fast does she spin now?",
        f"No external torque, so $I_1\\omega_1 = I_2\\omega_2$: $\\omega_2 = \\frac{{{i1} \\times {w1}}}{{{i2}}} = {fmt(v)}$ rev/s.",
        v, "rev/s", wrong=(i2 * w1 / i1, w1 * math.sqrt(i1 / i2), w1 * (i1 / i2) ** 2),
    )


@shape(P, "rotation")
def _flywheel_energy(r: R) -> Problem:
    inertia, rpm = r.choice([0.5, 1, 2, 4]), r.choice([60, 120, 300, 600])
    w = 2 * math.pi * rpm / 60
    v = 0.5 * inertia * w * w
    return Problem(
        f"A potter's wheel of moment of inertia {fmt(inertia)} kg m² turns at {rpm} revolutions per minute. How much "
        "rotational kinetic energy does it store?",
        f"$\\omega = 2\\pi \\cdot {rpm}/60 = {fmt(w)}$ rad/s; $K = \\frac{{1}}{{2}}I\\omega^2 = {fmt(v)}$ J.",
        v, "J", wrong=(0.5 * inertia * rpm * rpm, inertia * w * w, 0.5 * inertia * (rpm / 60) ** 2),
    )


@shape(P, "rotation", "hard")
def _pulley_with_mass(r: R) -> Problem:
    m, big = r.choice([1, 2, 3]), r.choice([2, 4, 6])
    v = m * 10 / (m + big / 2)
    return Problem(
        f"A rope wound on a uniform solid cylinder of mass {big} kg, free to turn about its fixed horizontal axis, "
        f"carries {a_(m)} {m} kg bucket. With what acceleration does the bucket descend? (g = 10 m/s²)",
        f"$mg - T = ma$ and $TR = \\frac{{MR^2}}{{2}}\\cdot\\frac{{a}}{{R}}$ give $a = \\frac{{mg}}{{m + M/2}} = "
        f"\\frac{{{m * 10}}}{{{fmt(m + big / 2)}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(m * 10 / (m + big), 10.0, m * 10 / (m + big / 4)),
    )


@shape(P, "rotation", "easy")
def _centre_of_mass_two(r: R) -> Problem:
    m1, m2, d = r.choice([2, 3, 4]), r.choice([1, 5, 6]), r.choice([0.6, 0.9, 1.2, 1.5])
    v = m2 * d / (m1 + m2)
    return Problem(
        f"A dumb-bell has {a_(m1)} {m1} kg sphere and {a_(m2)} {m2} kg sphere whose centres are {fmt(d)} m apart on a light bar. How "
        f"far from the centre of the {m1} kg sphere is the centre of mass?",
        f"$x = \\frac{{m_2 d}}{{m_1 + m_2}} = \\frac{{{m2} \\times {fmt(d)}}}{{{m1 + m2}}} = {fmt(v)}$ m.",
        v, "m", wrong=(m1 * d / (m1 + m2), d / 2, m2 * d / m1),
    )


@shape(P, "rotation")
def _torque_cross_product(r: R) -> Problem:
    x, y, fx, fy = r.randint(1, 5), r.randint(-3, 4), r.randint(-4, 5), r.randint(1, 6)
    v = x * fy - y * fx
    if v == 0:
        fy += 1
        v = x * fy - y * fx
    return Problem(
        f"A force $\\vec F = ({fx}\\hat i + {fy}\\hat j)$ N acts at the point $\\vec r = ({x}\\hat i + {y}\\hat j)$ m. "
        "What is the z-component of its torque about the origin?".replace("+ -", "- "),
        f"$\\tau_z = xF_y - yF_x = {x}({fy}) - ({y})({fx}) = {v}$ N m.",
        v, "N m", wrong=(x * fx + y * fy, y * fx - x * fy, x * fy + y * fx),
    )


@shape(P, "rotation")
def _wheel_revolutions(r: R) -> Problem:
    alpha, t = r.choice([2, 4, 2 * math.pi, math.pi]), r.choice([5, 10, 12])
    theta = alpha * t * t / 2
    v = theta / (2 * math.pi)
    a_txt = "2\\pi" if alpha == 2 * math.pi else ("\\pi" if alpha == math.pi else fmt(alpha))
    return Problem(
        f"A grinding wheel starts from rest with a constant angular acceleration of ${a_txt}$ rad/s². How many "
        f"revolutions does it make in the first {t} s?",
        f"$\\theta = \\frac{{1}}{{2}}\\alpha t^2 = {fmt(theta)}$ rad, i.e. $\\theta/2\\pi = {fmt(v)}$ revolutions.",
        v, wrong=(theta, v * 2, alpha * t / (2 * math.pi)),
    )


@shape(P, "gravitation")
def _g_at_height(r: R) -> Problem:
    frac, label = r.choice([(1, "R"), (0.5, "R/2"), (2, "2R"), (3, "3R")])
    v = 9.8 / (1 + frac) ** 2
    return Problem(
        f"At what value does the acceleration due to gravity stand at a height {label} above the Earth's surface, R "
        "being the Earth's radius? (g = 9.8 m/s² at the surface)",
        f"$g_h = g\\left(\\frac{{R}}{{R + h}}\\right)^2 = \\frac{{9.8}}{{{fmt((1 + frac) ** 2)}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(9.8 / (1 + frac), 9.8 * (1 - 2 * frac) if frac < 0.5 else 9.8 / (2 + frac), 9.8 / frac**2 if frac != 1 else 9.8 / 2),
    )


@shape(P, "gravitation", "easy")
def _depth_for_reduced_g(r: R) -> Problem:
    pct = r.choice([75, 80, 90, 50])
    v = 6400 * (1 - pct / 100)
    return Problem(
        f"How far below the Earth's surface must a miner go for the acceleration due to gravity to fall to {pct}% of its "
        "surface value? (Earth's radius 6400 km)",
        f"$g_d = g(1 - d/R)$, so $1 - d/R = {fmt(pct / 100)}$ and $d = {fmt(1 - pct / 100)} \\times 6400 = {fmt(v)}$ km.",
        v, "km", wrong=(6400 * pct / 100, 6400 * (1 - math.sqrt(pct / 100)), v / 2),
    )


@shape(P, "gravitation")
def _escape_velocity_planet(r: R) -> Problem:
    km, kr = r.choice([(8, 2), (4, 4), (9, 1), (2, 8), (16, 4)])
    v = 11.2 * math.sqrt(km / kr)
    return Problem(
        f"A planet has {km} times the mass and {kr} times the radius of the Earth. What is the escape speed from its "
        "surface? (11.2 km/s for the Earth)",
        f"$v_e = \\sqrt{{2GM/R}} \\propto \\sqrt{{M/R}}$: $11.2 \\times \\sqrt{{{km}/{kr}}} = {fmt(v)}$ km/s.",
        v, "km/s", wrong=(11.2 * km / kr, 11.2 * math.sqrt(km * kr), 11.2 * math.sqrt(kr / km)),
    )


@shape(P, "gravitation")
def _kepler_period(r: R) -> Problem:
    ratio, t1 = r.choice([4, 9, 16, 0.25]), r.choice([1, 2, 5, 8])
    v = t1 * ratio**1.5
    return Problem(
        f"A satellite takes {t1} days to orbit a planet. Another satellite orbits the same planet at {fmt(ratio)} "
        "times the orbital radius. What is its orbital period?",
        f"Kepler's third law, $T^2 \\propto r^3$: $T = {t1} \\times {fmt(ratio)}^{{3/2}} = {fmt(v)}$ days.",
        v, "days", wrong=(t1 * ratio, t1 * ratio * ratio, t1 * math.sqrt(ratio)),
    )


@shape(P, "gravitation")
def _orbital_speed_height(r: R) -> Problem:
    frac = r.choice([1, 3, 0.5])
    v = 7.9 / math.sqrt(1 + frac)
    label = {1: "equal to the Earth's radius", 3: "three times the Earth's radius", 0.5: "half the Earth's radius"}[frac]
    return Problem(
        f"A satellite circles the Earth at a height {label} above the surface. What is its orbital speed, if a "
        "satellite skimming the surface would move at 7.9 km/s?",
        f"$v = \\sqrt{{GM/r}} \\propto 1/\\sqrt{{r}}$: $7.9/\\sqrt{{{fmt(1 + frac)}}} = {fmt(v)}$ km/s.",
        v, "km/s", wrong=(7.9 / (1 + frac), 7.9 * math.sqrt(1 + frac), 11.2 / math.sqrt(1 + frac)),
    )


@shape(P, "gravitation", "easy")
def _weight_on_planet(r: R) -> Problem:
    w, km, kr = r.choice([600, 500, 700]), r.choice([2, 4, 0.5]), r.choice([2, 0.5, 1])
    v = w * km / kr**2
    return Problem(
        f"An astronaut weighs {w} N on Earth. What would she weigh on a planet with {fmt(km)} times the Earth's mass "
        f"and {fmt(kr)} times its radius?",
        f"$g \\propto M/R^2$: $W' = {w} \\times \\frac{{{fmt(km)}}}{{{fmt(kr)}^2}} = {fmt(v)}$ N.",
        v, "N", wrong=(w * km / kr, w * km * kr**2, w / km),
    )


@shape(P, "gravitation", "easy")
def _gravitational_force(r: R) -> Problem:
    m1, m2, d = r.choice([50, 100, 200]), r.choice([50, 60, 80]), r.choice([0.5, 1, 2])
    v = 6.67e-11 * m1 * m2 / d**2
    return Problem(
        f"Two lead spheres of masses {m1} kg and {m2} kg have their centres {fmt(d)} m apart. What gravitational force "
        "does each exert on the other? (G = 6.67 × 10⁻¹¹ N m² kg⁻²)",
        f"$F = \\frac{{Gm_1m_2}}{{d^2}} = \\frac{{6.67 \\times 10^{{-11}} \\cdot {m1} \\cdot {m2}}}{{{fmt(d)}^2}} = {fmt(v)}$ N.",
        v, "N", wrong=(6.67e-11 * m1 * m2 / d, v * 10, v / 4),
    )


@shape(P, "gravitation", "hard")
def _orbit_raising_energy(r: R) -> Problem:
    a, b = r.choice([(2, 3), (2, 4), (3, 4), (3, 6), (4, 5)])
    v = 0.5 * (1 / a - 1 / b)
    return Problem(
        f"How much energy is needed to move a satellite of mass m from a circular orbit of radius {a}R to one of "
        f"radius {b}R around the Earth (radius R, mass M)? Give it as a multiple of GMm/R.",
        f"Orbital energy is $-\\frac{{GMm}}{{2r}}$: $\\Delta E = \\frac{{GMm}}{{2R}}\\left(\\frac{{1}}{{{a}}} - \\frac{{1}}{{{b}}}\\right) = "
        f"{tex_frac(v)}\\frac{{GMm}}{{R}}$.",
        v, wrong=(2 * v, 1 / a - 1 / b + 0.5 / b, v / 2), show=lambda x: f"${tex_frac(x)}\\,\\frac{{GMm}}{{R}}$",
    )


@shape(P, "shm_waves", "easy")
def _pendulum_period(r: R) -> Problem:
    length = r.choice([0.25, 1, 2.25, 4, 6.25])
    v = 2 * math.sqrt(length)
    return Problem(
        f"What is the time period of a simple pendulum {fmt(length)} m long at a place where g = π² m/s²?",
        f"$T = 2\\pi\\sqrt{{L/g}} = 2\\pi\\sqrt{{{fmt(length)}/\\pi^2}} = 2\\sqrt{{{fmt(length)}}} = {fmt(v)}$ s.",
        v, "s", wrong=(math.sqrt(length), 4 * math.sqrt(length), 2 * length),
    )


@shape(P, "shm_waves", "easy")
def _spring_mass_frequency(r: R) -> Problem:
    m, k = r.choice([(1, 100), (0.5, 200), (2, 50), (0.25, 400), (4, 400)])
    w = math.sqrt(k / m)
    v = w / (2 * math.pi)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg mass on a spring of force constant {k} N/m oscillates horizontally on a smooth surface. What "
        "is its frequency of oscillation?",
        f"$\\omega = \\sqrt{{k/m}} = {fmt(w)}$ rad/s, so $f = \\frac{{\\omega}}{{2\\pi}} = {as_over_pi(v).strip('$')} "
        f"\\approx {fmt(v)}$ Hz.",
        v, "Hz", wrong=(w / math.pi, w / (4 * math.pi), 2 * w / math.pi),
        show=as_over_pi,
    )


@shape(P, "shm_waves")
def _shm_max_speed(r: R) -> Problem:
    amp, period = r.choice([2, 4, 5, 10]), r.choice([0.2, 0.5, 1, 2])
    v = amp * 2 * math.pi / period
    return Problem(
        f"A particle executes simple harmonic motion with amplitude {amp} cm and period {fmt(period)} s. What is its "
        "greatest speed?",
        f"$v_{{max}} = A\\omega = {amp} \\cdot \\frac{{2\\pi}}{{{fmt(period)}}} = {as_pi(v).strip('$')}$ cm/s.",
        v, "cm/s", wrong=(amp * math.pi / period, 4 * amp * math.pi / period, 2 * math.pi * amp * period),
        show=as_pi,
    )


@shape(P, "shm_waves")
def _shm_speed_at_displacement(r: R) -> Problem:
    (amp, x), w = r.choice([(5, 3), (5, 4), (10, 6), (13, 5), (10, 8)]), r.choice([2, 3, 4])
    v = w * math.sqrt(amp * amp - x * x)
    return Problem(
        f"A body oscillates in SHM with amplitude {amp} cm and angular frequency {w} rad/s. How fast is it moving "
        f"when it is {x} cm from the mean position?",
        f"$v = \\omega\\sqrt{{A^2 - x^2}} = {w}\\sqrt{{{amp * amp} - {x * x}}} = {fmt(v)}$ cm/s.",
        v, "cm/s", wrong=(w * (amp - x), w * amp, w * x),
    )


@shape(P, "shm_waves")
def _springs_series_period(r: R) -> Problem:
    k = r.choice([100, 200, 400])
    series = r.random() < 0.5
    v = math.sqrt(2) if series else 1 / math.sqrt(2)
    how = "in series" if series else "side by side (in parallel)"
    return Problem(
        f"A block hangs from a spring of constant {k} N/m. The spring is replaced by two such springs joined {how}. "
        "By what factor does the period of oscillation change?",
        f"{'Series' if series else 'Parallel'}: $k_{{eff}} = {'k/2' if series else '2k'}$, and $T \\propto 1/\\sqrt{{k}}$, so the "
        f"period is multiplied by {as_surd(v)}.",
        v, wrong=(2.0, 0.5, 1 / v if not math.isclose(1 / v, v) else 1.0), show=as_surd,
    )


@shape(P, "shm_waves")
def _string_fundamental(r: R) -> Problem:
    length, tension, mu = r.choice([0.5, 1, 2]), r.choice([100, 400, 900]), r.choice([0.01, 0.04, 0.001])
    v = math.sqrt(tension / mu) / (2 * length)
    return Problem(
        f"A sitar string {fmt(length)} m long has a mass of {fmt(mu * 1000)} g per metre and is stretched with a tension "
        f"of {tension} N. What is its fundamental frequency?",
        f"Wave speed $\\sqrt{{T/\\mu}} = {fmt(math.sqrt(tension / mu))}$ m/s; $f = \\frac{{v}}{{2L}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(math.sqrt(tension / mu) / length, math.sqrt(tension / mu) / (4 * length), tension / mu / (2 * length)),
    )


@shape(P, "shm_waves", "easy")
def _closed_pipe(r: R) -> Problem:
    length, c = r.choice([0.25, 0.5, 0.85, 0.17]), r.choice([340, 330])
    v = c / (4 * length)
    return Problem(
        f"An organ pipe {fmt(length)} m long is closed at one end. What is its fundamental frequency if sound travels "
        f"at {c} m/s?",
        f"A closed pipe has a node at the closed end and an antinode at the open end: $f = \\frac{{v}}{{4L}} = "
        f"\\frac{{{c}}}{{{fmt(4 * length)}}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(c / (2 * length), c / length, 3 * c / (4 * length)),
    )


@shape(P, "shm_waves")
def _beats_unknown_fork(r: R) -> Problem:
    f, b = r.choice([256, 288, 320, 384, 512]), r.choice([4, 5, 6, 8])
    v = f + b
    return Problem(
        f"A tuning fork of unknown frequency gives {b} beats per second with {a_(f)} {f} Hz fork. When the unknown fork is "
        "loaded with a little wax, the beat frequency decreases. What was its original frequency?",
        f"It is {f} ± {b} Hz. Wax lowers its frequency; the beats drop only if it was above {f} Hz, so it is {v} Hz.",
        v, "Hz", wrong=(f - b, f + 2 * b, f),
    )


@shape(P, "shm_waves")
def _doppler_approaching(r: R) -> Problem:
    f, vs = r.choice([500, 640, 800, 1000]), r.choice([20, 34, 40, 68])
    v = f * 340 / (340 - vs)
    return Problem(
        f"An ambulance siren emits {f} Hz while the ambulance drives straight towards a stationary listener at "
        f"{vs} m/s. What frequency does the listener hear? (speed of sound 340 m/s)",
        f"$f' = f\\frac{{v}}{{v - v_s}} = {f} \\times \\frac{{340}}{{{340 - vs}}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(f * 340 / (340 + vs), f * (340 + vs) / 340, f * (340 - vs) / 340),
    )


@shape(P, "shm_waves")
def _decibel_change(r: R) -> Problem:
    k = r.choice([10, 100, 1000, 2, 4])
    v = 10 * math.log10(k)
    return Problem(
        f"By how many decibels does the sound level rise when the intensity of a sound becomes {k} times larger?",
        f"$\\Delta L = 10\\log_{{10}}\\frac{{I_2}}{{I_1}} = 10\\log_{{10}} {k} = {fmt(v)}$ dB.",
        v, "dB", wrong=(10.0 * k, math.log10(k), 20 * math.log10(k)),
    )


@shape(P, "shm_waves", "easy")
def _wave_speed_from_equation(r: R) -> Problem:
    a, w, k = r.choice([0.02, 0.05, 0.1]), r.choice([100, 200, 314, 600]), r.choice([0.5, 2, 4, 5])
    v = w / k
    return Problem(
        f"A transverse wave on a rope is described by $y = {fmt(a)}\\sin({w}t - {fmt(k)}x)$ in SI units. With what "
        "speed does the wave travel?",
        f"Comparing with $y = A\\sin(\\omega t - kx)$: $v = \\omega/k = {w}/{fmt(k)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(w * k, k / w, w / (2 * math.pi * k)),
    )


@shape(P, "shm_waves")
def _shm_kinetic_fraction(r: R) -> Problem:
    amp, x = r.choice([(10, 5), (4, 2), (6, 3), (8, 4), (10, 6)])
    v = 1 - (x / amp) ** 2
    return Problem(
        f"A mass on a spring oscillates with amplitude {amp} cm. What fraction of its total energy is kinetic when "
        f"its displacement is {x} cm?",
        f"$\\frac{{K}}{{E}} = \\frac{{A^2 - x^2}}{{A^2}} = 1 - \\left(\\frac{{{x}}}{{{amp}}}\\right)^2 = {tex_frac(v)}$.",
        v, wrong=(1 - x / amp, (x / amp) ** 2, x / amp), show=as_frac,
    )


@shape(P, "shm_waves")
def _resonance_tube(r: R) -> Problem:
    (f, gap), l1 = r.choice([(500, 34), (512, 33), (480, 35), (340, 50)]), r.choice([16, 17, 18])
    l2 = l1 + gap
    v = 2 * f * (l2 - l1) / 100
    return Problem(
        f"In a resonance-tube experiment with {a_(f)} {f} Hz tuning fork, the first two resonances occur at air-column "
        f"lengths of {l1} cm and {l2} cm. What speed of sound does this give?",
        f"Successive resonances are half a wavelength apart: $\\lambda = 2({l2} - {l1})$ cm, so "
        f"$v = f\\lambda = {f} \\times {fmt(2 * (l2 - l1) / 100)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(4 * f * l1 / 100, f * (l2 - l1) / 100, 4 * f * (l2 - l1) / 100),
        shortcut="The end correction cancels in the difference.",
    )


@shape(P, "fluids", "easy")
def _hydraulic_lift(r: R) -> Problem:
    f, d1, d2 = r.choice([50, 100, 200]), r.choice([2, 4, 5]), r.choice([20, 40, 50])
    v = f * (d2 / d1) ** 2
    return Problem(
        f"In a hydraulic car lift the small piston is {d1} cm across and the large one {d2} cm across. What load can "
        f"a {f} N push on the small piston support?",
        f"Equal pressure: $F_2 = F_1\\left(\\frac{{d_2}}{{d_1}}\\right)^2 = {f} \\times {fmt((d2 / d1) ** 2)} = {fmt(v)}$ N.",
        v, "N", wrong=(f * d2 / d1, f * (d1 / d2) ** 2, f * (d2 / d1) ** 3),
        shortcut="Areas go as diameter squared.",
    )


@shape(P, "fluids", "easy")
def _pressure_at_depth(r: R) -> Problem:
    h = r.choice([5, 10, 20, 30, 50])
    v = 100 + 1000 * 10 * h / 1000
    return Problem(
        f"A diver is {h} m below the surface of a freshwater lake. What is the total pressure on her? "
        "(atmospheric pressure 100 kPa, water density 1000 kg/m³, g = 10 m/s²)",
        f"$P = P_0 + \\rho g h = 100 + \\frac{{1000 \\cdot 10 \\cdot {h}}}{{1000}} = {fmt(v)}$ kPa.",
        v, "kPa", wrong=(v - 100, 100 + h, 100 + 1000 * 10 * h / 100),
    )


@shape(P, "fluids", "easy")
def _floating_fraction(r: R) -> Problem:
    body, rho, liquid, rl = r.choice([("An iceberg", 900, "sea water", 1030), ("A wooden log", 600, "fresh water", 1000),
                                      ("A block of wax", 800, "fresh water", 1000), ("A cork", 250, "fresh water", 1000)])
    v = 100 * rho / rl
    return Problem(
        f"{body} of density {rho} kg/m³ floats in {liquid} of density {rl} kg/m³. What percentage of its volume lies "
        "below the surface?",
        f"Weight = buoyancy: $\\rho V g = \\rho_l V_{{in}} g$, so $V_{{in}}/V = {rho}/{rl} = {fmt(v)}\\%$.",
        v, "%", wrong=(100 - v, 100 * rl / rho if rl / rho < 1 else 100 * (1 - rho / rl) / 2, v / 2),
    )


@shape(P, "fluids")
def _relative_density(r: R) -> Problem:
    w_air, w_water = r.choice([(60, 40), (50, 45), (27, 17), (80, 70), (33, 30)])
    v = w_air / (w_air - w_water)
    return Problem(
        f"A metal ornament weighs {w_air} g-wt in air and {w_water} g-wt when fully immersed in water. What is the "
        "relative density of the metal?",
        f"Loss of weight = weight of water displaced $= {w_air - w_water}$ g-wt; relative density "
        f"$= \\frac{{{w_air}}}{{{w_air - w_water}}} = {fmt(v)}$.",
        v, wrong=(w_water / (w_air - w_water), w_air / w_water, (w_air - w_water) / w_air),
    )


@shape(P, "fluids")
def _continuity_narrow_pipe(r: R) -> Problem:
    v1, d1, d2 = r.choice([1, 2, 0.5]), r.choice([4, 6, 10]), r.choice([2, 3, 5])
    v = v1 * (d1 / d2) ** 2
    return Problem(
        f"Water flows at {fmt(v1)} m/s through a hose of internal diameter {d1} cm that narrows to a nozzle of "
        f"diameter {d2} cm. How fast does the water leave the nozzle?",
        f"$A_1v_1 = A_2v_2$: $v_2 = {fmt(v1)}\\left(\\frac{{{d1}}}{{{d2}}}\\right)^2 = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(v1 * d1 / d2, v1 * (d2 / d1) ** 2, v1 * (d1 / d2) ** 3),
    )


@shape(P, "fluids", "hard")
def _terminal_velocity(r: R) -> Problem:
    rad_mm, eta = r.choice([0.1, 0.2, 0.5]), r.choice([0.5, 1, 2])
    rad = rad_mm / 1000
    v = 2 * rad * rad * (8000 - 1000) * 10 / (9 * eta)
    return Problem(
        f"A steel ball bearing of radius {fmt(rad_mm)} mm (density 8000 kg/m³) falls through glycerine-like oil of "
        f"density 1000 kg/m³ and viscosity {fmt(eta)} Pa s. What is its terminal velocity? (g = 10 m/s²)",
        f"Stokes' law: $v_t = \\frac{{2r^2(\\rho - \\sigma)g}}{{9\\eta}} = \\frac{{2 ({fmt(rad)})^2 \\cdot 7000 \\cdot 10}}"
        f"{{9 \\cdot {fmt(eta)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(2 * rad * rad * 8000 * 10 / (9 * eta), v * 2, 2 * rad * (8000 - 1000) * 10 / (9 * eta) / 1000),
    )


@shape(P, "fluids")
def _capillary_rise(r: R) -> Problem:
    rad_mm = r.choice([0.1, 0.2, 0.25, 0.5])
    v = 2 * 0.07 / (rad_mm / 1000 * 1000 * 10) * 100
    return Problem(
        f"To what height does water rise in a clean glass capillary of radius {fmt(rad_mm)} mm? (surface tension "
        "0.07 N/m, contact angle 0°, density 1000 kg/m³, g = 10 m/s²)",
        f"$h = \\frac{{2T\\cos\\theta}}{{r\\rho g}} = \\frac{{2 \\cdot 0.07}}{{{fmt(rad_mm / 1000)} \\cdot 1000 \\cdot 10}} = {fmt(v / 100)}$ m "
        f"$= {fmt(v)}$ cm.",
        v, "cm", wrong=(v / 2, v * 2, v / 10),
    )


@shape(P, "fluids")
def _wire_extension(r: R) -> Problem:
    f, length, area_mm2, y = r.choice([100, 200, 500]), r.choice([1, 2, 3]), r.choice([1, 2, 0.5]), r.choice([2, 1])
    v = f * length / (area_mm2 * 1e-6 * y * 1e11) * 1000
    return Problem(
        f"A wire {length} m long with cross-section {fmt(area_mm2)} mm² is made of a metal with Young's modulus "
        f"${y} \\times 10^{{11}}$ N/m². By how much does it stretch under a load of {f} N?",
        f"$\\Delta L = \\frac{{FL}}{{AY}} = \\frac{{{f} \\cdot {length}}}{{{fmt(area_mm2 * 1e-6)} \\cdot {y} \\times 10^{{11}}}} = "
        f"{fmt(v / 1000)}$ m $= {fmt(v)}$ mm.",
        v, "mm", wrong=(v * 10, v / 10, v * 2),
    )


@shape(P, "fluids")
def _jet_from_tank(r: R) -> Problem:
    hh, h = r.choice([(10, 5), (8, 2), (9, 5), (12, 3), (20, 4)])
    v = 2 * math.sqrt(h * (hh - h))
    return Problem(
        f"A tall water tank stands on the ground, filled to a height of {hh} m. A small hole is made in its side "
        f"{h} m below the water surface. How far from the base of the tank does the jet strike the ground?",
        f"Efflux speed $\\sqrt{{2gh}}$ from height ${hh - h}$ m: range $= 2\\sqrt{{h(H - h)}} = 2\\sqrt{{{h} \\cdot {hh - h}}} = {fmt(v)}$ m.",
        v, "m", wrong=(math.sqrt(h * (hh - h)), 2 * math.sqrt(h * hh), math.sqrt(2 * 10 * h)),
        shortcut="Torricelli: v = √(2gh).",
    )


@shape(P, "fluids")
def _soap_bubble_pressure(r: R) -> Problem:
    rad_cm, t = r.choice([0.5, 1, 2, 4]), r.choice([0.025, 0.03, 0.04])
    v = 4 * t / (rad_cm / 100)
    return Problem(
        f"What is the excess pressure inside a soap bubble of radius {fmt(rad_cm)} cm, if the soap solution has "
        f"surface tension {fmt(t)} N/m?",
        f"A bubble has two surfaces: $\\Delta P = \\frac{{4T}}{{r}} = \\frac{{4 \\cdot {fmt(t)}}}{{{fmt(rad_cm / 100)}}} = {fmt(v)}$ Pa.",
        v, "Pa", wrong=(v / 2, v / 4, v * 2),
    )


@shape(P, "thermal", "easy")
def _mixing_water(r: R) -> Problem:
    m1, t1, m2, t2 = r.choice([100, 200, 300]), r.choice([20, 25, 30]), r.choice([100, 200, 400]), r.choice([80, 90, 60])
    v = (m1 * t1 + m2 * t2) / (m1 + m2)
    return Problem(
        f"{m1} g of water at {t1} °C is mixed with {m2} g of water at {t2} °C in a perfectly insulated flask. What "
        "is the final temperature of the mixture?",
        f"Heat lost = heat gained: $T = \\frac{{{m1} \\cdot {t1} + {m2} \\cdot {t2}}}{{{m1 + m2}}} = {fmt(v)}$ °C.",
        v, "°C", wrong=((t1 + t2) / 2 if (t1 + t2) / 2 != v else v + 5, (m1 * t2 + m2 * t1) / (m1 + m2), t2 - t1),
    )


@shape(P, "thermal", "easy")
def _melting_ice(r: R) -> Problem:
    m, t = r.choice([10, 20, 50, 100]), r.choice([10, 20, 40])
    v = m * (80 + t)
    return Problem(
        f"How much heat turns {m} g of ice at 0 °C into water at {t} °C? (latent heat of fusion 80 cal/g, specific "
        "heat of water 1 cal/(g °C))",
        f"Melting: ${m} \\times 80 = {80 * m}$ cal; warming: ${m} \\times 1 \\times {t} = {m * t}$ cal; total {v} cal.",
        v, "cal", wrong=(m * 80, m * t, m * (80 - t)),
    )


@shape(P, "thermal")
def _isothermal_work(r: R) -> Problem:
    n, t, k = r.choice([1, 2]), r.choice([300, 400, 500]), r.choice([2, 4, 8])
    v = n * 8.314 * t * math.log(k)
    return Problem(
        f"{n} mol of an ideal gas at {t} K expands isothermally and reversibly to {k} times its volume. How much work "
        "does the gas do? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$W = nRT\\ln\\frac{{V_2}}{{V_1}} = {n} \\cdot 8.314 \\cdot {t} \\cdot \\ln {k} = {fmt(v)}$ J.",
        v, "J", wrong=(n * 8.314 * t * k, n * 8.314 * t * math.log10(k), n * 8.314 * t * (k - 1)),
    )


@shape(P, "thermal", "hard")
def _adiabatic_pressure(r: R) -> Problem:
    gas, gamma, c = r.choice([("monatomic", Fraction(5, 3), 8), ("monatomic", Fraction(5, 3), 27), ("diatomic", Fraction(7, 5), 32),
                              ("polyatomic", Fraction(4, 3), 8), ("polyatomic", Fraction(4, 3), 27)])
    v = c ** float(gamma)
    return Problem(
        f"A {gas} ideal gas (γ = {gamma.numerator}/{gamma.denominator}) is compressed "
        f"adiabatically to 1/{c} of its volume. By what factor does its pressure increase?",
        f"$PV^\\gamma$ is constant, so $\\frac{{P_2}}{{P_1}} = {c}^{{{tex_frac(float(gamma))}}} = {fmt(v)}$.",
        v, wrong=(float(c), c * float(gamma), c ** (float(gamma) - 1)),
    )


@shape(P, "thermal", "easy")
def _carnot_efficiency(r: R) -> Problem:
    t1, t2 = r.choice([(500, 300), (600, 300), (400, 300), (800, 400), (1000, 300)])
    v = 100 * (1 - t2 / t1)
    return Problem(
        f"A heat engine works between a boiler at {t1} K and a condenser at {t2} K. What is the highest efficiency "
        "it could possibly have?",
        f"Carnot: $\\eta = 1 - \\frac{{T_2}}{{T_1}} = 1 - \\frac{{{t2}}}{{{t1}}} = {fmt(v)}\\%$.",
        v, "%", wrong=(100 * t2 / t1, 100 * (t1 - t2) / t2 if t1 - t2 < t2 else 100 * t2 / (t1 + t2), v / 2),
    )


@shape(P, "thermal")
def _refrigerator_cop(r: R) -> Problem:
    tc, th = r.choice([(-23, 27), (-3, 27), (7, 47), (-13, 27)])
    v = (tc + 273) / (th - tc)
    return Problem(
        f"An ideal refrigerator keeps its freezer at {tc} °C in a kitchen at {th} °C. What is its coefficient of "
        "performance?",
        f"In kelvin: $T_c = {tc + 273}$ K, $T_h = {th + 273}$ K; $COP = \\frac{{T_c}}{{T_h - T_c}} = \\frac{{{tc + 273}}}{{{th - tc}}} = {fmt(v)}$.",
        v, wrong=((th + 273) / (th - tc), abs(tc) / (th - tc) if tc else 1.0, (tc + 273) / (th + 273)),
    )


@shape(P, "thermal", "easy")
def _first_law(r: R) -> Problem:
    q, w = r.choice([500, 800, 1200, 2000]), r.choice([200, 300, 450, 700])
    v = q - w
    return Problem(
        f"A gas in a cylinder absorbs {q} J of heat and pushes the piston out, doing {w} J of work. What is the change "
        "in its internal energy?",
        f"First law: $\\Delta U = Q - W = {q} - {w} = {v}$ J.",
        v, "J", wrong=(q + w, w - q if w != q else 1, q),
    )


@shape(P, "thermal")
def _rms_speed_temperature(r: R) -> Problem:
    t1, t2, c = r.choice([(27, 927, 400), (-73, 527, 300), (27, 1227, 500), (127, 1327, 600)])
    v = c * math.sqrt((t2 + 273) / (t1 + 273))
    return Problem(
        f"The rms speed of nitrogen molecules at {t1} °C is {c} m/s. What is it at {t2} °C?",
        f"$v_{{rms}} \\propto \\sqrt{{T}}$: ${c}\\sqrt{{\\frac{{{t2 + 273}}}{{{t1 + 273}}}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(c * (t2 + 273) / (t1 + 273), c * math.sqrt(t2 / t1) if t1 > 0 else c * 3, c * 2 if v != c * 2 else c * 4),
    )


@shape(P, "thermal")
def _stefan_power(r: R) -> Problem:
    k = r.choice([2, 3, 1.5])
    v = k**4
    return Problem(
        f"The absolute temperature of a blackbody radiator is raised to {fmt(k)} times its value. By what factor does "
        "the power it radiates increase?",
        f"Stefan–Boltzmann: $P \\propto T^4$, so the factor is ${fmt(k)}^4 = {fmt(v)}$.",
        v, wrong=(k * k, k, k**3),
    )


@shape(P, "thermal")
def _wien_wavelength(r: R) -> Problem:
    t = r.choice([2900, 5800, 6000, 3000, 10000])
    v = 2.9e-3 / t * 1e9
    return Problem(
        f"The surface of a star is at about {t} K. At what wavelength does its emission peak? "
        "(Wien's constant 2.9 × 10⁻³ m K)",
        f"$\\lambda_m = b/T = 2.9 \\times 10^{{-3}}/{t} = {fmt(v)}$ nm.",
        v, "nm", wrong=(v * 2, v / 2, 2.9e-3 * t),
    )


@shape(P, "thermal", "hard")
def _newton_cooling(r: R) -> Problem:
    t0, a, b, c, t1 = r.choice([(25, 65, 55, 45, 10), (20, 80, 70, 60, 5), (30, 70, 60, 50, 6), (20, 60, 50, 40, 8)])
    # rate ∝ (mean temperature - surroundings)
    v = t1 * ((a + b) / 2 - t0) / ((b + c) / 2 - t0)
    return Problem(
        f"A cup of tea cools from {a} °C to {b} °C in {t1} minutes in a room at {t0} °C. Using Newton's law of cooling "
        f"with average temperatures, how long will it take to cool from {b} °C to {c} °C?",
        f"Rate $\\propto (\\bar T - T_0)$: first interval mean {fmt((a + b) / 2)} °C, second {fmt((b + c) / 2)} °C; "
        f"$t = {t1} \\times \\frac{{{fmt((a + b) / 2 - t0)}}}{{{fmt((b + c) / 2 - t0)}}} = {fmt(v)}$ min.",
        v, "min", wrong=(float(t1), t1 * ((b + c) / 2 - t0) / ((a + b) / 2 - t0), 2.0 * t1),
    )


@shape(P, "thermal")
def _slabs_in_series(r: R) -> Problem:
    k1, k2, th, tc = r.choice([(1, 2), (2, 3), (1, 4), (3, 1)]) + r.choice([(100, 0), (80, 20), (90, 30)])
    # equal thickness: interface temperature
    v = (k1 * th + k2 * tc) / (k1 + k2)
    return Problem(
        f"Two slabs of equal thickness, with thermal conductivities in the ratio {k1} : {k2}, are pressed together. "
        f"The free face of the first is at {th} °C and that of the second at {tc} °C. What is the temperature of the "
        "junction in the steady state?",
        f"Equal heat current: ${k1}(T_1 - T) = {k2}(T - T_2)$, so $T = \\frac{{{k1} \\cdot {th} + {k2} \\cdot {tc}}}{{{k1 + k2}}} = "
        f"{fmt(v)}$ °C.",
        v, "°C", wrong=((th + tc) / 2 if (th + tc) / 2 != v else v + 10, (k2 * th + k1 * tc) / (k1 + k2), th - (th - tc) / (k1 + k2)),
    )


@shape(P, "thermal", "easy")
def _rail_expansion(r: R) -> Problem:
    length, dt = r.choice([10, 12, 25, 50]), r.choice([20, 30, 40, 50])
    v = 1.2e-5 * length * dt * 1000
    return Problem(
        f"A steel rail is {length} m long on a winter morning. By how much does it lengthen when its temperature rises "
        f"by {dt} °C? (α = 1.2 × 10⁻⁵ per °C)",
        f"$\\Delta L = \\alpha L\\Delta T = 1.2 \\times 10^{{-5}} \\cdot {length} \\cdot {dt} = {fmt(v / 1000)}$ m $= {fmt(v)}$ mm.",
        v, "mm", wrong=(v * 10, v / 10, v * 3),
    )


@shape(P, "thermal")
def _isobaric_heat(r: R) -> Problem:
    n, dt = r.choice([1, 2, 3]), r.choice([50, 100, 200])
    gas, cp = r.choice([("helium", 2.5), ("argon", 2.5), ("nitrogen", 3.5), ("oxygen", 3.5)])
    v = n * cp * 8.314 * dt
    return Problem(
        f"How much heat must be supplied to {n} mol of {gas} to warm it by {dt} K while it expands freely at constant "
        "pressure? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$Q = nC_p\\Delta T$ with $C_p = {tex_frac(cp)}R$ for {gas}: $Q = {n} \\times {fmt(cp)} \\times 8.314 \\times {dt} = {fmt(v)}$ J.",
        v, "J", wrong=(n * (cp - 1) * 8.314 * dt, n * 8.314 * dt, n * (cp + 1) * 8.314 * dt),
    )


@shape(P, "thermal")
def _internal_energy_diatomic(r: R) -> Problem:
    n, t = r.choice([1, 2, 0.5]), r.choice([300, 400, 600])
    gas, f = r.choice([("helium", 3), ("oxygen", 5), ("nitrogen", 5)])
    v = f / 2 * n * 8.314 * t
    return Problem(
        f"What is the internal energy of {fmt(n)} mol of {gas} gas at {t} K, treating it as ideal and ignoring "
        "vibration? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"{gas.capitalize()} has {f} degrees of freedom: $U = \\frac{{{f}}}{{2}}nRT = {fmt(v)}$ J.",
        v, "J", wrong=(1.5 * n * 8.314 * t if f == 5 else 2.5 * n * 8.314 * t, n * 8.314 * t, 3 * n * 8.314 * t),
    )


@shape(P, "electrostatics", "easy")
def _coulomb_force(r: R) -> Problem:
    q1, q2, d = r.choice([1, 2, 3, 5]), r.choice([2, 4, 6]), r.choice([0.1, 0.2, 0.3, 0.5])
    v = 9e9 * q1 * 1e-6 * q2 * 1e-6 / d**2
    return Problem(
        f"Point charges of {q1} μC and {q2} μC are held {fmt(d * 100)} cm apart in air. What force does each exert on "
        "the other? (k = 9 × 10⁹ N m² C⁻²)",
        f"$F = \\frac{{kq_1q_2}}{{r^2}} = \\frac{{9 \\times 10^9 \\cdot {q1} \\times 10^{{-6}} \\cdot {q2} \\times 10^{{-6}}}}{{{fmt(d)}^2}} "
        f"= {fmt(v)}$ N.",
        v, "N", wrong=(9e9 * q1 * q2 * 1e-12 / d, v * 100, v / 2),
    )


@shape(P, "electrostatics")
def _touch_and_separate(r: R) -> Problem:
    q1, q2 = r.choice([(6, -2), (5, 1), (8, -4), (3, 1), (10, -2)])
    v = ((q1 + q2) / 2) ** 2 / (q1 * abs(q2))
    return Problem(
        f"Two identical small metal spheres carry charges of {q1} μC and {q2} μC and attract or repel each other with "
        "a force F. The spheres are touched together and put back at the same separation. What is the new force, as "
        "a multiple of F?",
        f"Touching shares the total charge equally between identical spheres: each ends with "
        f"$\\frac{{{q1} + ({q2})}}{{2}} = {fmt((q1 + q2) / 2)}$ μC; $F'/F = \\frac{{{fmt((q1 + q2) / 2)}^2}}{{{q1} \\cdot {abs(q2)}}} = "
        f"{tex_frac(v)}$.",
        v, wrong=(1.0, ((q1 - q2) / 2) ** 2 / (q1 * abs(q2)), v * 2), show=as_frac,
    )


@shape(P, "electrostatics")
def _field_midpoint(r: R) -> Problem:
    q1, q2, d = r.choice([2, 4, 5]), r.choice([1, 3, 8]), r.choice([0.2, 0.4, 0.6])
    e = 9e9 * 1e-6 / (d / 2) ** 2
    v = e * abs(q1 - q2)
    return Problem(
        f"Charges of +{q1} μC and +{q2} μC are placed {fmt(d * 100)} cm apart. What is the magnitude of the electric "
        "field at the midpoint between them?",
        f"The two fields point in opposite directions: $E = \\frac{{k|q_1 - q_2|}}{{(d/2)^2}} = \\frac{{9 \\times 10^9 \\cdot {abs(q1 - q2)} "
        f"\\times 10^{{-6}}}}{{{fmt(d / 2)}^2}} = {fmt(v)}$ N/C.",
        v, "N/C", wrong=(e * (q1 + q2), v / 4, e * abs(q1 - q2) * 2) if q1 != q2 else (e * 2, e, e / 2),
    )


@shape(P, "electrostatics")
def _potential_square_centre(r: R) -> Problem:
    q, a = r.choice([1, 2, 5]), r.choice([0.1, 0.2, 0.3])
    v = 4 * 9e9 * q * 1e-6 / (a / math.sqrt(2))
    return Problem(
        f"Equal charges of {q} μC sit at the four corners of a square of side {fmt(a * 100)} cm. What is the electric "
        "potential at the centre of the square?",
        f"Each corner is $a/\\sqrt{{2}}$ from the centre, and potentials add as scalars: "
        f"$V = 4 \\cdot \\frac{{kq}}{{a/\\sqrt{{2}}}} = {fmt(v)}$ V.",
        v, "V", wrong=(4 * 9e9 * q * 1e-6 / a, v / 4, 0.0 + v * math.sqrt(2)),
    )


@shape(P, "electrostatics", "easy")
def _parallel_plate_dielectric(r: R) -> Problem:
    area, d_mm, k = r.choice([0.01, 0.02, 0.05]), r.choice([1, 2, 5]), r.choice([2, 4, 5])
    v = k * 8.85e-12 * area / (d_mm / 1000) * 1e12
    return Problem(
        f"A parallel-plate capacitor has plates of area {fmt(area * 1e4)} cm² separated by {d_mm} mm, and the gap is "
        f"filled with a dielectric of constant {k}. What is its capacitance? (ε₀ = 8.85 × 10⁻¹² F/m)",
        f"$C = \\frac{{K\\varepsilon_0 A}}{{d}} = \\frac{{{k} \\cdot 8.85 \\times 10^{{-12}} \\cdot {fmt(area)}}}{{{fmt(d_mm / 1000)}}} = "
        f"{fmt(v)}$ pF.",
        v, "pF", wrong=(v / k, v * 10, v / 2),
    )


@shape(P, "electrostatics", "easy")
def _capacitor_network(r: R) -> Problem:
    c1, c2, c3 = r.choice([(2, 3, 6), (3, 6, 4), (4, 4, 2), (6, 3, 1), (2, 2, 5)])
    ser = 1 / (1 / c1 + 1 / c2)
    v = ser + c3
    return Problem(
        f"Capacitors of {c1} μF and {c2} μF are joined in series, and the pair is connected in parallel with a "
        f"{c3} μF capacitor. What is the equivalent capacitance?",
        f"Series: $\\frac{{{c1} \\cdot {c2}}}{{{c1 + c2}}} = {fmt(ser)}$ μF; adding the parallel {c3} μF gives {fmt(v)} μF.",
        v, "μF", wrong=(c1 + c2 + c3, 1 / (1 / c1 + 1 / c2 + 1 / c3), (c1 + c2) * c3 / (c1 + c2 + c3)),
    )


@shape(P, "electrostatics", "easy")
def _capacitor_energy(r: R) -> Problem:
    c, volts = r.choice([2, 5, 10, 20]), r.choice([50, 100, 200])
    v = 0.5 * c * 1e-6 * volts * volts * 1000
    return Problem(
        f"A camera flash unit charges its {c} μF capacitor to {volts} V. How much energy does the capacitor store?",
        f"$U = \\frac{{1}}{{2}}CV^2 = \\frac{{1}}{{2}} \\cdot {c} \\times 10^{{-6}} \\cdot {volts}^2 = {fmt(v / 1000)}$ J "
        f"$= {fmt(v)}$ mJ.",
        v, "mJ", wrong=(2 * v, c * volts / 1000, v / 2),
    )


@shape(P, "electrostatics")
def _charge_sharing_loss(r: R) -> Problem:
    c1, v1, c2 = r.choice([2, 4, 6]), r.choice([100, 200, 300]), r.choice([2, 4, 3])
    loss = c1 * c2 * v1 * v1 / (2 * (c1 + c2)) * 1e-6 * 1000
    return Problem(
        f"{a_(c1).capitalize()} {c1} μF capacitor charged to {v1} V is connected across an uncharged {c2} μF capacitor. How much energy "
        "is lost as heat when the charge redistributes?",
        f"$\\Delta U = \\frac{{C_1C_2}}{{2(C_1 + C_2)}}V^2 = \\frac{{{c1} \\cdot {c2}}}{{2 \\cdot {c1 + c2}}} \\times 10^{{-6}} \\cdot {v1}^2 "
        f"= {fmt(loss)}$ mJ.",
        loss, "mJ", wrong=(0.5 * c1 * v1 * v1 * 1e-3, loss * 2, 0.5 * (c1 + c2) * (c1 * v1 / (c1 + c2)) ** 2 * 1e-3),
    )


@shape(P, "electrostatics", "easy")
def _work_moving_charge(r: R) -> Problem:
    q, va, vb = r.choice([2, 5, 10]), r.choice([100, 50, -20]), r.choice([300, 250, 80])
    v = q * 1e-6 * (vb - va) * 1e6
    return Problem(
        f"How much work must an external agent do to carry a {q} μC charge slowly from a point at potential {va} V to "
        f"a point at {vb} V?",
        f"$W = q(V_B - V_A) = {q} \\times 10^{{-6}} \\times ({vb} - ({va})) = {fmt(v)}$ μJ.",
        v, "μJ", wrong=(q * (vb + va), q * vb, q * (vb - va) / 2),
    )


@shape(P, "electrostatics")
def _flux_through_cube_face(r: R) -> Problem:
    q = r.choice([3, 6, 12, 18])
    v = q / 6
    return Problem(
        f"A point charge of {q} μC sits at the centre of a closed cubical box. What electric flux passes through one "
        "face of the box, in units of μC/ε₀?",
        f"Gauss's law gives a total of $q/\\varepsilon_0$ through the closed surface, shared equally by 6 faces: "
        f"${q}/6 = {fmt(v)}$ μC/ε₀.",
        v, "μC/ε₀", wrong=(float(q), q / 3, q / 8),
    )


@shape(P, "electrostatics")
def _dipole_torque(r: R) -> Problem:
    q, d, e, th = r.choice([1, 2, 5]), r.choice([1, 2, 4]), r.choice([1e4, 2e4, 5e4]), r.choice([30, 90, 60])
    p = q * 1e-6 * d * 1e-2
    v = p * e * sind(th) * 1000
    return Problem(
        f"An electric dipole made of charges ±{q} μC, {d} cm apart, is placed in a uniform field of {fmt(e)} N/C at "
        f"{th}° to the field. What torque acts on it?",
        f"$p = qd = {fmt(p)}$ C m; $\\tau = pE\\sin\\theta = {fmt(p)} \\cdot {fmt(e)} \\cdot \\sin {th}° = {fmt(v)}$ mN m.",
        v, "mN m", wrong=(p * e * 1000, p * e * cosd(th) * 1000 or v * 2, v * 2),
    )


@shape(P, "electrostatics")
def _electron_accelerated(r: R) -> Problem:
    volts = r.choice([100, 400, 900, 2500])
    v = math.sqrt(2 * 1.6e-19 * volts / 9.1e-31)
    return Problem(
        f"An electron starts from rest and is accelerated through a potential difference of {volts} V in a cathode-ray "
        "tube. What speed does it reach? (e = 1.6 × 10⁻¹⁹ C, m = 9.1 × 10⁻³¹ kg)",
        f"$eV = \\frac{{1}}{{2}}mv^2$: $v = \\sqrt{{2eV/m}} = \\sqrt{{\\frac{{2 \\cdot 1.6 \\times 10^{{-19}} \\cdot {volts}}}{{9.1 \\times 10^{{-31}}}}}} "
        f"= {fmt(v)}$ m/s.",
        v, "m/s", wrong=(v * math.sqrt(2), v / math.sqrt(2), 2 * 1.6e-19 * volts / 9.1e-31 / 1e7),
    )


@shape(P, "electrostatics", "hard")
def _triangle_charges_energy(r: R) -> Problem:
    q, a = r.choice([1, 2, 3]), r.choice([0.1, 0.3, 0.9])
    v = 3 * 9e9 * (q * 1e-6) ** 2 / a
    return Problem(
        f"Three equal charges of {q} μC are brought from far apart to the corners of an equilateral triangle of "
        f"side {fmt(a * 100)} cm. How much work is needed?",
        f"Three pairs, each $\\frac{{kq^2}}{{a}}$: $U = 3 \\cdot \\frac{{9 \\times 10^9 ({q} \\times 10^{{-6}})^2}}{{{fmt(a)}}} = {fmt(v)}$ J.",
        v, "J", wrong=(v / 3, 2 * v / 3, v * 2),
    )


@shape(P, "electrostatics")
def _line_charge_field(r: R) -> Problem:
    lam, d = r.choice([1, 2, 5]), r.choice([0.1, 0.2, 0.5])
    v = 2 * 9e9 * lam * 1e-6 / d
    return Problem(
        f"A long straight wire carries a uniform charge of {lam} μC per metre. What is the electric field {fmt(d * 100)} cm "
        "from it?",
        f"Gauss's law with a cylinder: $E = \\frac{{\\lambda}}{{2\\pi\\varepsilon_0 r}} = \\frac{{2k\\lambda}}{{r}} = {fmt(v)}$ N/C.",
        v, "N/C", wrong=(v / 2, 9e9 * lam * 1e-6 / d**2, v * 2),
    )


@shape(P, "current", "easy")
def _resistor_network(r: R) -> Problem:
    a, b, c = r.choice([(6, 3, 4), (12, 6, 2), (4, 4, 3), (10, 15, 4), (20, 5, 6)])
    par = a * b / (a + b)
    v = par + c
    return Problem(
        f"Resistors of {a} Ω and {b} Ω are connected in parallel, and the combination is in series with {a_(c)} {c} Ω "
        "resistor. What is the total resistance?",
        f"Parallel: $\\frac{{{a} \\cdot {b}}}{{{a + b}}} = {fmt(par)}$ Ω; plus {c} Ω in series: {fmt(v)} Ω.",
        v, "Ω", wrong=(a + b + c, 1 / (1 / a + 1 / b + 1 / c), (a + c) * b / (a + b + c)),
    )


@shape(P, "current", "hard")
def _drift_velocity(r: R) -> Problem:
    i, area_mm2 = r.choice([1, 2, 3, 5]), r.choice([1, 2, 2.5])
    n = 8.5e28
    v = i / (n * 1.6e-19 * area_mm2 * 1e-6) * 1000
    return Problem(
        f"A copper wire of cross-section {fmt(area_mm2)} mm² carries a current of {i} A. Copper has "
        "8.5 × 10²⁸ free electrons per m³. What is the drift speed of the electrons?",
        f"$v_d = \\frac{{I}}{{neA}} = \\frac{{{i}}}{{8.5 \\times 10^{{28}} \\cdot 1.6 \\times 10^{{-19}} \\cdot {fmt(area_mm2 * 1e-6)}}} = "
        f"{fmt(v / 1000)}$ m/s $= {fmt(v)}$ mm/s.",
        v, "mm/s", wrong=(v * 10, v / 10, v * 1000),
    )


@shape(P, "current", "easy")
def _stretched_wire(r: R) -> Problem:
    res, n = r.choice([2, 4, 5, 10]), r.choice([2, 3, 4])
    v = res * n * n
    return Problem(
        f"A wire of resistance {res} Ω is drawn out uniformly to {n} times its original length. What is its new "
        "resistance?",
        f"Volume stays the same, so the area falls by {n}: $R' = R \\cdot {n} \\cdot {n} = {v}$ Ω.",
        v, "Ω", wrong=(res * n, res * n**3, res / n),
        shortcut="Stretching n times multiplies R by n².",
    )


@shape(P, "current", "easy")
def _terminal_voltage(r: R) -> Problem:
    e, rin, rext = r.choice([1.5, 2, 6, 12]), r.choice([0.5, 1, 2]), r.choice([2, 4, 5, 10])
    i = e / (rext + rin)
    v = i * rext
    return Problem(
        f"A cell of emf {fmt(e)} V and internal resistance {fmt(rin)} Ω drives current through a {rext} Ω lamp. What "
        "is the potential difference across the cell's terminals?",
        f"$I = \\frac{{E}}{{R + r}} = {fmt(i)}$ A; terminal voltage $= IR = {fmt(v)}$ V (or $E - Ir$).",
        v, "V", wrong=(e, i * rin, e - i * rext if e - i * rext > 0 else e / 2),
    )


@shape(P, "current", "easy")
def _meter_bridge(r: R) -> Problem:
    res, null = r.choice([2, 4, 5, 10]), r.choice([20, 25, 40, 60, 75])
    v = res * (100 - null) / null
    return Problem(
        f"In a metre-bridge experiment a {res} Ω standard resistor is in the left gap and the unknown in the right. "
        f"The null point is {null} cm from the left end. What is the unknown resistance?",
        f"$\\frac{{R}}{{X}} = \\frac{{l}}{{100 - l}}$: $X = {res} \\times \\frac{{{100 - null}}}{{{null}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(res * null / (100 - null), res * (100 - null) / 100, res * 100 / null),
    )


@shape(P, "current")
def _potentiometer_internal_resistance(r: R) -> Problem:
    (l1, l2), res = r.choice([(80, 60), (75, 60), (90, 72), (100, 80)]), r.choice([2, 5, 10])
    v = res * (l1 - l2) / l2
    return Problem(
        f"With a potentiometer, a cell balances at {l1} cm on open circuit and at {l2} cm when shunted by a {res} Ω "
        "resistor. What is the cell's internal resistance?",
        f"$r = R\\frac{{l_1 - l_2}}{{l_2}} = {res} \\times \\frac{{{l1 - l2}}}{{{l2}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(res * (l1 - l2) / l1, res * l2 / l1, res * l1 / l2),
    )


@shape(P, "current")
def _bulbs_in_series(r: R) -> Problem:
    (p1, p2), volts = r.choice([(100, 60), (100, 25), (60, 40), (100, 40)]), 220
    r1, r2 = volts**2 / p1, volts**2 / p2
    v = volts**2 / (r1 + r2)
    return Problem(
        f"{a_(p1).capitalize()} {p1} W and {a_(p2)} {p2} W bulb, both rated for {volts} V, are connected in series across the {volts} V mains. "
        "What total power do they draw?",
        f"$R = V^2/P$: {fmt(r1)} Ω and {fmt(r2)} Ω; in series $P = \\frac{{{volts}^2}}{{{fmt(r1 + r2)}}} = {fmt(v)}$ W.",
        v, "W", wrong=(float(p1 + p2), (p1 + p2) / 2, float(min(p1, p2))),
        shortcut="Series: 1/P = 1/P₁ + 1/P₂.",
    )


@shape(P, "current", "easy")
def _electricity_bill(r: R) -> Problem:
    power, hours, days, rate = r.choice([1000, 1500, 2000]), r.choice([1, 2, 3]), 30, r.choice([5, 6, 8])
    v = power / 1000 * hours * days * rate
    return Problem(
        f"An electric geyser rated {power} W runs for {hours} h every day. What does it cost to run for {days} days at "
        f"₹{rate} per kWh?",
        f"Energy $= {fmt(power / 1000)} \\text{{ kW}} \\times {hours * days} \\text{{ h}} = {fmt(power / 1000 * hours * days)}$ kWh; "
        f"cost $= {fmt(power / 1000 * hours * days)} \\times {rate} = {fmt(v)}$ rupees.",
        v, "rupees", wrong=(v / days, v * 2, power * hours * days * rate / 100),
    )


@shape(P, "current")
def _ammeter_shunt(r: R) -> Problem:
    g, ig_ma, i = r.choice([20, 50, 100]), r.choice([1, 5, 10]), r.choice([1, 2, 5])
    ig = ig_ma / 1000
    v = ig * g / (i - ig)
    return Problem(
        f"A galvanometer of resistance {g} Ω gives full-scale deflection at {ig_ma} mA. What shunt converts it into an "
        f"ammeter reading up to {i} A?",
        f"$S = \\frac{{I_g G}}{{I - I_g}} = \\frac{{{fmt(ig)} \\cdot {g}}}{{{fmt(i - ig)}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(ig * g / i * 10, g * (i - ig) / ig, i / ig),
    )


@shape(P, "current")
def _voltmeter_series(r: R) -> Problem:
    g, ig_ma, volts = r.choice([20, 50, 100]), r.choice([1, 2, 5]), r.choice([5, 10, 50])
    v = volts / (ig_ma / 1000) - g
    return Problem(
        f"A moving-coil galvanometer of resistance {g} Ω reads full scale at {ig_ma} mA. What resistance must be put "
        f"in series with it to make a voltmeter of range {volts} V?",
        f"$R = \\frac{{V}}{{I_g}} - G = \\frac{{{volts}}}{{{fmt(ig_ma / 1000)}}} - {g} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(volts / (ig_ma / 1000), v + 2 * g, volts / (ig_ma / 1000) / 10),
    )


@shape(P, "current")
def _resistance_temperature(r: R) -> Problem:
    r0, alpha, t = r.choice([10, 20, 50]), r.choice([0.004, 0.0039, 0.005]), r.choice([50, 100, 150])
    v = r0 * (1 + alpha * t)
    return Problem(
        f"A platinum resistance thermometer reads {r0} Ω at 0 °C. The metal's temperature coefficient of resistance "
        f"is {fmt(alpha)} per °C. What is its resistance at {t} °C?",
        f"$R_t = R_0(1 + \\alpha t) = {r0}(1 + {fmt(alpha)} \\cdot {t}) = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(r0 * alpha * t, r0 * (1 - alpha * t), r0 + alpha * t),
    )


@shape(P, "current", "hard")
def _parallel_cells(r: R) -> Problem:
    e1, r1, e2, r2, rl = r.choice([(2, 1, 2, 1, 1), (6, 2, 3, 1, 4), (12, 2, 6, 2, 2), (4, 1, 2, 1, 1.5)])
    eeq = (e1 / r1 + e2 / r2) / (1 / r1 + 1 / r2)
    req = 1 / (1 / r1 + 1 / r2)
    v = eeq / (req + rl)
    return Problem(
        f"Two cells, of emf {e1} V (internal resistance {r1} Ω) and {e2} V (internal resistance {r2} Ω), are connected in "
        f"parallel with like terminals together and supply {a_(fmt(rl))} {fmt(rl)} Ω resistor. What current flows in the resistor?",
        f"Equivalent cell: $E = \\frac{{E_1/r_1 + E_2/r_2}}{{1/r_1 + 1/r_2}} = {fmt(eeq)}$ V, $r = {fmt(req)}$ Ω; "
        f"$I = \\frac{{{fmt(eeq)}}}{{{fmt(req)} + {fmt(rl)}}} = {fmt(v)}$ A.",
        v, "A", wrong=((e1 + e2) / (r1 + r2 + rl), e1 / (r1 + rl), (e1 + e2) / rl),
    )


@shape(P, "current")
def _rc_half_charge(r: R) -> Problem:
    res_k, c = r.choice([10, 20, 50, 100]), r.choice([10, 20, 50])
    tau = res_k * 1e3 * c * 1e-6
    v = tau * math.log(2)
    return Problem(
        f"{a_(c).capitalize()} {c} μF capacitor is charged through a {res_k} kΩ resistor from a battery. How long does it take to reach half "
        "of its final charge?",
        f"$q = q_0(1 - e^{{-t/RC}})$; $q = q_0/2$ at $t = RC\\ln 2 = {fmt(tau)} \\times 0.693 = {fmt(v)}$ s.",
        v, "s", wrong=(tau, tau / 2, 2 * tau),
    )


@shape(P, "magnetism")
def _loop_centre_field(r: R) -> Problem:
    n, i, rad = r.choice([1, 10, 50, 100]), r.choice([1, 2, 5]), r.choice([0.05, 0.1, 0.2])
    v = 4 * math.pi * 1e-7 * n * i / (2 * rad)
    return Problem(
        f"A flat circular coil of {n} turn{'s' if n > 1 else ''} and radius {fmt(rad * 100)} cm carries {i} A. What is the "
        "magnetic field at its centre? (μ₀ = 4π × 10⁻⁷ T m/A)",
        f"$B = \\frac{{\\mu_0 N I}}{{2R}} = \\frac{{4\\pi \\times 10^{{-7}} \\cdot {n} \\cdot {i}}}{{{fmt(2 * rad)}}} = {fmt(v)}$ T.",
        v, "T", wrong=(v * 2, v / math.pi, v / 2),
    )


@shape(P, "magnetism", "easy")
def _straight_wire_field(r: R) -> Problem:
    i, d = r.choice([5, 10, 20, 50]), r.choice([0.02, 0.05, 0.1, 0.2])
    v = 2e-7 * i / d
    return Problem(
        f"A long straight power cable carries {i} A. What magnetic field does it produce at a point {fmt(d * 100)} cm away? "
        "(μ₀ = 4π × 10⁻⁷ T m/A)",
        f"$B = \\frac{{\\mu_0 I}}{{2\\pi r}} = \\frac{{2 \\times 10^{{-7}} \\cdot {i}}}{{{fmt(d)}}} = {fmt(v)}$ T.",
        v, "T", wrong=(v * 2 * math.pi, 2e-7 * i / d**2, v / 2),
    )


@shape(P, "magnetism", "easy")
def _solenoid_field(r: R) -> Problem:
    n_per_cm, i = r.choice([5, 10, 20]), r.choice([1, 2, 4])
    v = 4 * math.pi * 1e-7 * n_per_cm * 100 * i * 1000
    return Problem(
        f"A long solenoid is wound with {n_per_cm} turns per centimetre and carries {i} A. What is the magnetic field "
        "inside it, well away from the ends?",
        f"$B = \\mu_0 n I = 4\\pi \\times 10^{{-7}} \\cdot {n_per_cm * 100} \\cdot {i} = {fmt(v / 1000)}$ T $= {fmt(v)}$ mT.",
        v, "mT", wrong=(v / 2, v / 100, v * 2),
    )


@shape(P, "magnetism")
def _proton_circle_radius(r: R) -> Problem:
    speed, b = r.choice([1e5, 2e6, 4e6]), r.choice([0.1, 0.2, 0.5])
    v = 1.67e-27 * speed / (1.6e-19 * b) * 100
    return Problem(
        f"A proton moving at {num(speed)} m/s enters a uniform magnetic field of {fmt(b)} T at right angles. What is the "
        "radius of its circular path? (m = 1.67 × 10⁻²⁷ kg, e = 1.6 × 10⁻¹⁹ C)",
        f"$r = \\frac{{mv}}{{qB}} = \\frac{{1.67 \\times 10^{{-27}} \\cdot {fmt(speed)}}}{{1.6 \\times 10^{{-19}} \\cdot {fmt(b)}}} = {fmt(v / 100)}$ m "
        f"$= {fmt(v)}$ cm.",
        v, "cm", wrong=(v * 2, v / 2, v * 10),
    )


@shape(P, "magnetism")
def _parallel_wires_force(r: R) -> Problem:
    i1, i2, d = r.choice([5, 10, 20]), r.choice([5, 10, 15]), r.choice([0.05, 0.1, 0.2])
    v = 2e-7 * i1 * i2 / d * 1e6
    return Problem(
        f"Two long parallel wires {fmt(d * 100)} cm apart carry currents of {i1} A and {i2} A in the same direction. "
        "What force acts on each metre of either wire?",
        f"$\\frac{{F}}{{L}} = \\frac{{\\mu_0 I_1 I_2}}{{2\\pi d}} = \\frac{{2 \\times 10^{{-7}} \\cdot {i1} \\cdot {i2}}}{{{fmt(d)}}} = "
        f"{fmt(v)}$ μN/m (attractive).",
        v, "μN/m", wrong=(v * 2, v / 2, v * math.pi),
    )


@shape(P, "magnetism", "easy")
def _force_on_wire(r: R) -> Problem:
    b, i, length, th = r.choice([0.2, 0.5, 1.5]), r.choice([2, 4, 10]), r.choice([0.1, 0.2, 0.5]), r.choice([30, 90, 60])
    v = b * i * length * sind(th)
    return Problem(
        f"{a_(fmt(length * 100)).capitalize()} {fmt(length * 100)} cm straight conductor carrying {i} A lies at {th}° to a uniform magnetic field of {fmt(b)} T. "
        "What force does the field exert on it?",
        f"$F = BIL\\sin\\theta = {fmt(b)} \\cdot {i} \\cdot {fmt(length)} \\cdot \\sin {th}° = {fmt(v)}$ N.",
        v, "N", wrong=(b * i * length, b * i * length * cosd(th) or v * 2, v / 2),
    )


@shape(P, "magnetism", "easy")
def _motional_emf(r: R) -> Problem:
    b, length, speed = r.choice([0.2, 0.5, 1]), r.choice([0.5, 1, 2]), r.choice([2, 5, 10])
    v = b * length * speed
    return Problem(
        f"A metal rod {fmt(length)} m long slides at {speed} m/s along a pair of rails, at right angles to a {fmt(b)} T "
        "magnetic field. What emf is induced between its ends?",
        f"$\\varepsilon = BLv = {fmt(b)} \\cdot {fmt(length)} \\cdot {speed} = {fmt(v)}$ V.",
        v, "V", wrong=(b * speed / length, v / 2, b * length * speed * speed),
    )


@shape(P, "magnetism")
def _coil_flux_change(r: R) -> Problem:
    n, phi1, phi2, t = r.choice([50, 100, 200]), r.choice([0.02, 0.05]), 0.0, r.choice([0.1, 0.2, 0.5])
    v = n * (phi1 - phi2) / t
    return Problem(
        f"The magnetic flux through each turn of a {n}-turn coil falls steadily from {fmt(phi1)} Wb to zero in {fmt(t)} s. "
        "What average emf is induced in the coil?",
        f"Faraday: $\\varepsilon = N\\frac{{\\Delta\\Phi}}{{\\Delta t}} = {n} \\cdot \\frac{{{fmt(phi1)}}}{{{fmt(t)}}} = {fmt(v)}$ V.",
        v, "V", wrong=(phi1 / t, n * phi1 * t, v / 2),
    )


@shape(P, "magnetism", "easy")
def _inductor_energy(r: R) -> Problem:
    ind, i = r.choice([0.1, 0.5, 2, 5]), r.choice([2, 4, 10])
    v = 0.5 * ind * i * i
    return Problem(
        f"{a_(fmt(ind)).capitalize()} {fmt(ind)} H inductor carries a steady current of {i} A. How much energy is stored in its magnetic field?",
        f"$U = \\frac{{1}}{{2}}LI^2 = \\frac{{1}}{{2}} \\cdot {fmt(ind)} \\cdot {i}^2 = {fmt(v)}$ J.",
        v, "J", wrong=(ind * i * i, ind * i / 2, ind * i),
    )


@shape(P, "magnetism", "easy")
def _transformer(r: R) -> Problem:
    vp, np_, ns = r.choice([220, 230, 110]), r.choice([500, 1000, 2000]), r.choice([50, 100, 4000])
    v = vp * ns / np_
    return Problem(
        f"An ideal transformer has {np_} turns on its primary and {ns} on its secondary. The primary is connected to "
        f"{vp} V AC mains. What is the secondary voltage?",
        f"$\\frac{{V_s}}{{V_p}} = \\frac{{N_s}}{{N_p}}$: $V_s = {vp} \\times \\frac{{{ns}}}{{{np_}}} = {fmt(v)}$ V.",
        v, "V", wrong=(vp * np_ / ns, vp * (ns / np_) ** 2, float(vp)),
    )


@shape(P, "magnetism")
def _lc_resonance(r: R) -> Problem:
    ind_mh, c_uf = r.choice([(10, 100), (100, 10), (40, 25), (10, 25), (25, 10), (100, 40)])
    w = 1 / math.sqrt(ind_mh * 1e-3 * c_uf * 1e-6)
    v = w / (2 * math.pi)
    return Problem(
        f"An LC circuit has a {ind_mh} mH inductor and a {c_uf} μF capacitor. At what frequency does it resonate?",
        f"$\\omega_0 = \\frac{{1}}{{\\sqrt{{LC}}}} = {fmt(w)}$ rad/s, so $f_0 = \\frac{{\\omega_0}}{{2\\pi}} = {as_over_pi(v).strip('$')} \\approx "
        f"{fmt(v)}$ Hz.",
        v, "Hz", wrong=(w / math.pi, w / (4 * math.pi), w / (8 * math.pi)), show=as_over_pi,
    )


@shape(P, "magnetism")
def _lcr_impedance(r: R) -> Problem:
    res, xl, xc = r.choice([(30, 60, 20), (40, 50, 80), (60, 100, 20), (80, 20, 80), (5, 24, 12)])
    v = math.hypot(res, xl - xc)
    return Problem(
        f"A series LCR circuit has resistance {res} Ω, inductive reactance {xl} Ω and capacitive reactance {xc} Ω at "
        "the supply frequency. What is its impedance?",
        f"$Z = \\sqrt{{R^2 + (X_L - X_C)^2}} = \\sqrt{{{res}^2 + ({xl - xc})^2}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(float(res + xl + xc), math.hypot(res, xl + xc), float(res + abs(xl - xc))),
    )


@shape(P, "magnetism")
def _generator_peak_emf(r: R) -> Problem:
    n, area, b, rpm = r.choice([50, 100, 200]), r.choice([0.01, 0.02, 0.05]), r.choice([0.1, 0.2, 0.5]), r.choice([300, 600, 3000])
    w = 2 * math.pi * rpm / 60
    v = n * b * area * w
    return Problem(
        f"A rectangular coil of {n} turns, each of area {fmt(area * 1e4)} cm², spins at {rpm} rpm in a uniform {fmt(b)} T "
        "magnetic field about an axis perpendicular to the field. What is the peak emf?",
        f"$\\omega = 2\\pi \\cdot {rpm}/60 = {fmt(w)}$ rad/s; $\\varepsilon_0 = NBA\\omega = {fmt(v)}$ V.",
        v, "V", wrong=(n * b * area * rpm / 60, v / math.sqrt(2), n * b * area * rpm),
    )


@shape(P, "magnetism", "easy")
def _rms_from_peak(r: R) -> Problem:
    peak = r.choice([100, 141.4, 311, 200])
    v = peak / math.sqrt(2)
    return Problem(
        f"An AC supply has a peak voltage of {fmt(peak)} V. What reading would an AC voltmeter (which shows rms "
        "values) give?",
        f"$V_{{rms}} = V_0/\\sqrt{{2}} = {fmt(peak)}/1.414 = {fmt(v)}$ V.",
        v, "V", wrong=(peak * math.sqrt(2), peak / 2, 2 * peak / math.pi),
    )


@shape(P, "optics", "easy")
def _concave_mirror_image(r: R) -> Problem:
    f, u = r.choice([(10, 15), (10, 30), (15, 20), (20, 30), (12, 18), (20, 60)])
    v = u * f / (u - f)
    return Problem(
        f"An object stands {u} cm in front of a concave mirror of focal length {f} cm. How far from the mirror is its "
        "image formed?",
        f"$\\frac{{1}}{{v}} + \\frac{{1}}{{u}} = \\frac{{1}}{{f}}$ with $u = -{u}$, $f = -{f}$: $v = -{fmt(v)}$ cm, a real image "
        f"{fmt(v)} cm in front of the mirror.",
        v, "cm", wrong=(u * f / (u + f), float(u - f), float(u + f)),
    )


@shape(P, "optics", "easy")
def _convex_lens_image(r: R) -> Problem:
    f, u = r.choice([(10, 15), (20, 30), (15, 60), (10, 40), (25, 50)])
    v = u * f / (u - f)
    return Problem(
        f"A candle is placed {u} cm from a convex lens of focal length {f} cm. At what distance behind the lens should a "
        "screen be placed to get a sharp image?",
        f"Lens formula $\\frac{{1}}{{v}} - \\frac{{1}}{{u}} = \\frac{{1}}{{f}}$ with $u = -{u}$: $\\frac{{1}}{{v}} = \\frac{{1}}{{{f}}} - "
        f"\\frac{{1}}{{{u}}}$, $v = {fmt(v)}$ cm.",
        v, "cm", wrong=(u * f / (u + f), float(u - f), float(u + f)),
    )


@shape(P, "optics")
def _image_height_lens(r: R) -> Problem:
    f, u, h = r.choice([(10, 30, 6), (20, 30, 2), (15, 20, 3), (12, 36, 4)])
    vimg = u * f / (u - f)
    v = h * vimg / u
    return Problem(
        f"{a_(h).capitalize()} {h} cm tall arrow stands upright {u} cm in front of a converging lens of focal length {f} cm. How tall is "
        "its image?",
        f"$v = \\frac{{uf}}{{u - f}} = {fmt(vimg)}$ cm; magnification $m = v/u = {fmt(vimg / u)}$; image height "
        f"$= {h} \\times {fmt(vimg / u)} = {fmt(v)}$ cm (inverted).",
        v, "cm", wrong=(h * u / vimg, float(h), h * f / u),
    )


@shape(P, "optics")
def _lens_maker(r: R) -> Problem:
    rad, mu = r.choice([10, 20, 30, 40]), r.choice([1.5, 1.6, 1.25])
    v = 1 / ((mu - 1) * 2 / rad)
    return Problem(
        f"A symmetric biconvex lens is ground from glass of refractive index {fmt(mu)}, with both faces of radius of "
        f"curvature {rad} cm. What is its focal length in air?",
        f"$\\frac{{1}}{{f}} = (\\mu - 1)\\left(\\frac{{1}}{{R_1}} - \\frac{{1}}{{R_2}}\\right) = {fmt(mu - 1)} \\cdot \\frac{{2}}{{{rad}}}$, "
        f"$f = {fmt(v)}$ cm.",
        v, "cm", wrong=(rad / (mu - 1), float(rad), rad / 2),
    )


@shape(P, "optics", "easy")
def _lens_combination_power(r: R) -> Problem:
    f1, f2 = r.choice([(25, -50), (20, 40), (50, -20), (10, -25), (40, 40)])
    v = 100 / f1 + 100 / f2
    return Problem(
        f"A lens of focal length {'+' if f1 > 0 else ''}{f1} cm is placed in contact with one of focal length "
        f"{'+' if f2 > 0 else ''}{f2} cm. What is the power of the combination?",
        f"$P = \\frac{{100}}{{f_1}} + \\frac{{100}}{{f_2}} = {fmt(100 / f1)} + ({fmt(100 / f2)}) = {fmt(v)}$ D.",
        v, "D", wrong=(1 / f1 + 1 / f2, 100 / (f1 + f2), 100 / f1 - 100 / f2),
    )


@shape(P, "optics", "easy")
def _apparent_depth(r: R) -> Problem:
    depth, mu, liquid = r.choice([(120, 4 / 3, "water"), (60, 4 / 3, "water"), (30, 1.5, "glass"), (90, 1.5, "oil")])
    v = depth / mu
    return Problem(
        f"A coin lies at the bottom of a tank filled with {liquid} to a depth of {depth} cm "
        f"(refractive index {'4/3' if mu == 4 / 3 else fmt(mu)}). Looking straight down, how deep does the coin appear?",
        f"Apparent depth $= \\frac{{\\text{{real depth}}}}{{\\mu}} = {depth}/{'(4/3)' if mu == 4 / 3 else fmt(mu)} = {fmt(v)}$ cm.",
        v, "cm", wrong=(depth * mu, depth - v, depth / 2),
    )


@shape(P, "optics")
def _critical_angle(r: R) -> Problem:
    mu, th = r.choice([(math.sqrt(2), 45), (2.0, 30), (2 / math.sqrt(3), 60)])
    mu_txt = {45: "√2", 30: "2", 60: "2/√3"}[th]
    return Problem(
        f"Light travels inside a transparent block of refractive index {mu_txt} towards its boundary with air. "
        "Above what angle of incidence is it totally internally reflected?",
        f"$\\sin C = 1/\\mu = {fmt(1 / mu)}$, so $C = {th}°$.",
        th, "degrees", wrong=tuple(float(x) for x in (30, 45, 60, 90) if x != th),
    )


@shape(P, "optics", "hard")
def _prism_minimum_deviation(r: R) -> Problem:
    a, d = r.choice([(60, 30), (60, 60)])
    v = sind((a + d) / 2) / sind(a / 2)
    return Problem(
        f"An equilateral glass prism (angle 60°) produces a minimum deviation of {d}°. What is the refractive index of "
        "the glass?",
        f"$\\mu = \\frac{{\\sin\\frac{{A + \\delta_m}}{{2}}}}{{\\sin\\frac{{A}}{{2}}}} = \\frac{{\\sin {fmt((a + d) / 2)}°}}{{\\sin 30°}} = "
        f"{as_surd(v).strip('$')}$.",
        v, wrong=(1.5, math.sqrt(2) if not math.isclose(v, math.sqrt(2)) else math.sqrt(3) / 2 + 1, 2.0), show=as_surd,
    )


@shape(P, "optics")
def _ydse_fringe_width(r: R) -> Problem:
    lam, d_mm, dist = r.choice([500, 600, 589, 450]), r.choice([0.5, 1, 2]), r.choice([1, 1.5, 2])
    v = lam * 1e-9 * dist / (d_mm * 1e-3) * 1000
    return Problem(
        f"In Young's double-slit experiment the slits are {fmt(d_mm)} mm apart and the screen is {fmt(dist)} m away. "
        f"Light of wavelength {lam} nm is used. What is the fringe width?",
        f"$\\beta = \\frac{{\\lambda D}}{{d}} = \\frac{{{lam} \\times 10^{{-9}} \\cdot {fmt(dist)}}}{{{fmt(d_mm)} \\times 10^{{-3}}}} = {fmt(v)}$ mm.",
        v, "mm", wrong=(v * 2, v / 2, v * 10),
    )


@shape(P, "optics")
def _single_slit_angular_width(r: R) -> Problem:
    lam, a_mm = r.choice([500, 600, 400]), r.choice([0.1, 0.2, 0.5])
    v = 2 * lam * 1e-9 / (a_mm * 1e-3) * 1000
    return Problem(
        f"Monochromatic light of wavelength {lam} nm passes through a narrow slit {fmt(a_mm)} mm wide. What is the angular "
        "width of the central diffraction maximum, in milliradians?",
        f"The first minima lie at $\\sin\\theta \\approx \\theta = \\pm\\lambda/a$, so the angular width is "
        f"$\\frac{{2\\lambda}}{{a}} = {fmt(v / 1000)}$ rad $= {fmt(v)}$ mrad.",
        v, "mrad", wrong=(v / 2, v * 2, v / 4),
    )


@shape(P, "optics", "easy")
def _brewster_angle(r: R) -> Problem:
    ip, v, note = r.choice([(60, math.sqrt(3), ""), (53, 4 / 3, " (tan 53° = 4/3)"), (45, 1.0, "")][:2])
    return Problem(
        f"Light reflected from the surface of a transparent liquid is found to be completely plane-polarised when the "
        f"angle of incidence is {ip}°{note}. What is the refractive index of the liquid?",
        f"Brewster's law: $\\mu = \\tan i_p = \\tan {ip}° = {as_surd(v).strip('$')}$.",
        v, wrong=(sind(ip), 1 / v, cosd(ip) * 2), show=lambda x: as_surd(x) if abs(x * x - round(x * x)) < 1e-9 else as_frac(x),
    )


@shape(P, "optics")
def _telescope_normal_adjustment(r: R) -> Problem:
    fo, fe = r.choice([(100, 5), (150, 5), (120, 4), (200, 10), (90, 3)])
    tube = r.random() < 0.5
    v = float(fo + fe) if tube else fo / fe
    return Problem(
        f"An astronomical telescope has an objective of focal length {fo} cm and an eyepiece of focal length {fe} cm. "
        + ("How long is the tube in normal adjustment?" if tube else "What is its magnifying power in normal adjustment?"),
        (f"In normal adjustment the foci coincide: $L = f_o + f_e = {fo} + {fe} = {fo + fe}$ cm." if tube else
         f"$M = f_o/f_e = {fo}/{fe} = {fmt(v)}$."),
        v, "cm" if tube else None,
        wrong=(float(fo - fe), fo / fe + fe, float(fo)) if tube else (fe / fo * 100, fo / fe + 1, float(fo * fe)),
    )


@shape(P, "optics", "easy")
def _malus_law(r: R) -> Problem:
    i0, th = r.choice([40, 64, 80, 100]), r.choice([30, 45, 60])
    v = i0 * cosd(th) ** 2
    return Problem(
        f"Plane-polarised light of intensity {i0} W/m² passes through a polaroid whose axis is at {th}° to the plane of "
        "polarisation. What intensity emerges?",
        f"Malus' law: $I = I_0\\cos^2\\theta = {i0}\\cos^2 {th}° = {fmt(v)}$ W/m².",
        v, "W/m²", wrong=(i0 * cosd(th), i0 / 2 if i0 / 2 != v else i0 / 4, i0 * sind(th) ** 2 or 1),
    )


@shape(P, "optics")
def _glass_slab_shift(r: R) -> Problem:
    t, mu = r.choice([3, 6, 9, 4.5]), r.choice([1.5, 1.5])
    v = t * (1 - 1 / mu)
    return Problem(
        f"A glass slab {fmt(t)} cm thick (refractive index {fmt(mu)}) is placed over a printed letter. By how much does "
        "the letter appear to be raised?",
        f"Normal shift $= t\\left(1 - \\frac{{1}}{{\\mu}}\\right) = {fmt(t)}\\left(1 - \\frac{{1}}{{{fmt(mu)}}}\\right) = {fmt(v)}$ cm.",
        v, "cm", wrong=(t / mu, t * (mu - 1), t * mu),
    )


@shape(P, "optics", "easy")
def _myopia_lens(r: R) -> Problem:
    far = r.choice([50, 80, 100, 200, 40])
    v = -100 / far
    return Problem(
        f"A short-sighted student cannot see clearly beyond {far} cm. What is the power of the spectacle lens that "
        "lets her see distant objects?",
        f"The lens must image infinity at her far point: $f = -{far}$ cm, so $P = \\frac{{100}}{{f}} = {fmt(v)}$ D (concave).",
        v, "D", wrong=(-v, -1 / far, -200 / far),
    )


@shape(P, "optics")
def _light_in_medium(r: R) -> Problem:
    lam, mu = r.choice([600, 589, 450, 720]), r.choice([1.5, 4 / 3, 1.6])
    v = lam / mu
    return Problem(
        f"Yellow-orange light of wavelength {lam} nm in air enters a medium of refractive index "
        f"{'4/3' if mu == 4 / 3 else fmt(mu)}. What is its wavelength inside the medium?",
        f"The frequency is unchanged, so $\\lambda' = \\lambda/\\mu = {fmt(v)}$ nm.",
        v, "nm", wrong=(lam * mu, float(lam), lam / mu**2),
    )


@shape(P, "modern", "easy")
def _photoelectric_kmax(r: R) -> Problem:
    lam, phi = r.choice([(248, 2.0), (310, 2.3), (200, 4.2), (413, 2.0), (124, 6.0)])
    e = 1240 / lam
    v = e - phi
    return Problem(
        f"Ultraviolet light of wavelength {lam} nm falls on a metal whose work function is {fmt(phi)} eV. What is the "
        "maximum kinetic energy of the emitted photoelectrons? (hc = 1240 eV nm)",
        f"Photon energy $= 1240/{lam} = {fmt(e)}$ eV; $K_{{max}} = {fmt(e)} - {fmt(phi)} = {fmt(v)}$ eV.",
        v, "eV", wrong=(e, e + phi, phi),
    )


@shape(P, "modern", "easy")
def _stopping_potential(r: R) -> Problem:
    e, phi = r.choice([(5, 2.3), (6.2, 4.2), (4, 2), (3.5, 1.9)])
    v = e - phi
    return Problem(
        f"Photons of energy {fmt(e)} eV eject electrons from a surface with work function {fmt(phi)} eV. What stopping "
        "potential is needed to halt the fastest of them?",
        f"$eV_0 = h\\nu - \\phi = {fmt(e)} - {fmt(phi)} = {fmt(v)}$ eV, so $V_0 = {fmt(v)}$ V.",
        v, "V", wrong=(float(e), e + phi, float(phi)),
    )


@shape(P, "modern")
def _electron_de_broglie(r: R) -> Problem:
    volts = r.choice([100, 150, 400, 10000, 54])
    v = 1.227 / math.sqrt(volts)
    return Problem(
        f"Electrons are accelerated from rest through {volts} V in an electron-diffraction tube. What is their de "
        "Broglie wavelength?",
        f"$\\lambda = \\frac{{h}}{{\\sqrt{{2meV}}}} = \\frac{{1.227}}{{\\sqrt{{V}}}}$ nm $= \\frac{{1.227}}{{\\sqrt{{{volts}}}}} = {fmt(v)}$ nm.",
        v, "nm", wrong=(1.227 / volts, v * 2, 12.27 / math.sqrt(volts)),
    )


@shape(P, "modern", "easy")
def _hydrogen_transition(r: R) -> Problem:
    n1, n2 = r.choice([(2, 1), (3, 2), (3, 1), (4, 2), (4, 1)])
    v = 13.6 * (1 / n2**2 - 1 / n1**2)
    return Problem(
        f"A hydrogen atom makes a transition from the n = {n1} level to the n = {n2} level. What is the energy of the "
        "emitted photon?",
        f"$E = 13.6\\left(\\frac{{1}}{{{n2}^2}} - \\frac{{1}}{{{n1}^2}}\\right) = {fmt(v)}$ eV.",
        v, "eV", wrong=(13.6 / n1**2, 13.6 / n2**2, 13.6 * (1 / n2 - 1 / n1)),
    )


@shape(P, "modern", "easy")
def _bohr_radius(r: R) -> Problem:
    n, z, ion = r.choice([(2, 1, "a hydrogen atom"), (3, 1, "a hydrogen atom"), (2, 2, "a He⁺ ion"), (3, 3, "a Li²⁺ ion")])
    v = 0.529 * n * n / z
    return Problem(
        f"What is the radius of the n = {n} Bohr orbit of the electron in {ion}?",
        f"$r_n = 0.529\\frac{{n^2}}{{Z}}$ Å $= 0.529 \\times \\frac{{{n * n}}}{{{z}}} = {fmt(v)}$ Å.",
        v, "Å", wrong=(0.529 * n / z, 0.529 * n * n, 0.529 * z / n**2),
    )


@shape(P, "modern", "easy")
def _radioactive_remaining(r: R) -> Problem:
    (t_half, t), n0 = r.choice([(5, 15), (2, 8), (10, 30), (3, 12), (6, 24)]), r.choice([800, 1600, 640])
    v = n0 / 2 ** (t / t_half)
    return Problem(
        f"A radioactive isotope has a half-life of {t_half} days. Of {n0} mg in a hospital's sample, how much is left "
        f"after {t} days?",
        f"${t}/{t_half} = {fmt(t / t_half)}$ half-lives: $N = {n0}/2^{{{fmt(t / t_half)}}} = {fmt(v)}$ mg.",
        v, "mg", wrong=(n0 * (1 - t / t_half / 4), n0 / (t / t_half), n0 / 2 ** (t / t_half - 1)),
    )


@shape(P, "modern")
def _binding_energy(r: R) -> Problem:
    name, dm = r.choice([("deuterium", 0.00239), ("helium-4", 0.0304), ("lithium-7", 0.0421)])
    v = dm * 931.5
    return Problem(
        f"The mass defect of a {name} nucleus is {fmt(dm)} u. What is its binding energy? (1 u ≡ 931.5 MeV)",
        f"$E_B = \\Delta m \\times 931.5 = {fmt(dm)} \\times 931.5 = {fmt(v)}$ MeV.",
        v, "MeV", wrong=(v / 2, v * 10, v / 4),
    )


@shape(P, "modern", "easy")
def _spectral_lines(r: R) -> Problem:
    n = r.randint(3, 7)
    v = n * (n - 1) // 2
    return Problem(
        f"Hydrogen atoms are excited to the n = {n} level. How many different spectral lines can they emit while "
        "returning to the ground state?",
        f"Any pair of the {n} levels gives a line: $\\frac{{n(n-1)}}{{2}} = {v}$.",
        v, wrong=(n - 1, n * (n + 1) // 2, n),
    )


@shape(P, "modern")
def _mean_life(r: R) -> Problem:
    t_half = r.choice([693, 1386, 69.3, 3465])
    v = t_half / 0.693
    return Problem(
        f"A radioactive nuclide has a half-life of {fmt(t_half)} s. What is its mean life?",
        f"$\\lambda = 0.693/T_{{1/2}}$ and $\\tau = 1/\\lambda = T_{{1/2}}/0.693 = {fmt(v)}$ s.",
        v, "s", wrong=(t_half * 0.693, t_half / 2, t_half * 2),
    )


@shape(P, "modern")
def _photons_per_second(r: R) -> Problem:
    p, lam = r.choice([1, 10, 100]), r.choice([500, 620, 663])
    v = p * lam * 1e-9 / (6.63e-34 * 3e8)
    return Problem(
        f"{a_(p).capitalize()} {p} W laser emits light of wavelength {lam} nm. How many photons does it emit each second? "
        "(h = 6.63 × 10⁻³⁴ J s, c = 3 × 10⁸ m/s)",
        f"Photon energy $hc/\\lambda = {fmt(6.63e-34 * 3e8 / (lam * 1e-9))}$ J; $N = P/E = {fmt(v)}$ per second.",
        v, wrong=(v * 10, v / 10, v * 2),
    )


@shape(P, "modern")
def _xray_cutoff(r: R) -> Problem:
    kv = r.choice([10, 20, 31, 40, 62])
    v = 1240 / (kv * 1000) * 10
    return Problem(
        f"An X-ray tube operates at {kv} kV. What is the shortest wavelength in the X-rays it produces? (hc = 1240 eV nm)",
        f"All of an electron's energy goes into one photon: $\\lambda_{{min}} = \\frac{{hc}}{{eV}} = \\frac{{1240}}{{{kv * 1000}}}$ nm "
        f"$= {fmt(v)}$ Å.",
        v, "Å", wrong=(v * 10, v / 2, v * 2),
    )


@shape(P, "modern", "easy")
def _transistor_gain(r: R) -> Problem:
    ib, ic = r.choice([(20, 2), (50, 5), (40, 6), (25, 4)])
    v = ic * 1000 / ib
    return Problem(
        f"In a common-emitter amplifier a base current of {ib} μA gives a collector current of {ic} mA. What is the "
        "current gain β?",
        f"$\\beta = I_C/I_B = \\frac{{{ic} \\times 10^{{-3}}}}{{{ib} \\times 10^{{-6}}}} = {fmt(v)}$.",
        v, wrong=(ic / ib, v / 10, v + 1),
    )


@shape(P, "modern")
def _lyman_balmer_ratio(r: R) -> Problem:
    return Problem(
        "What is the ratio of the wavelength of the first line of the Lyman series to that of the first line of the "
        "Balmer series in hydrogen?",
        "$\\frac{1}{\\lambda_L} \\propto 1 - \\frac14 = \\frac34$ and $\\frac{1}{\\lambda_B} \\propto \\frac14 - \\frac19 = \\frac{5}{36}$, "
        "so $\\frac{\\lambda_L}{\\lambda_B} = \\frac{5/36}{3/4} = \\frac{5}{27}$.",
        5 / 27, wrong=(27 / 5, 3 / 4, 5 / 36), show=as_frac,
    )


# =============================================================================================================
# Chemistry (atomic masses: H 1, C 12, N 14, O 16, Na 23, Mg 24, Al 27, S 32, Cl 35.5, K 39, Ca 40, Fe 56)
# =============================================================================================================

C = "chemistry"
N_A = 6.022e23


@shape(C, "mole", "easy")
def _moles_from_mass(r: R) -> Problem:
    name, formula, mm = r.choice([("glucose", "C_6H_{12}O_6", 180), ("calcium carbonate", "CaCO_3", 100),
                                  ("sodium hydroxide", "NaOH", 40), ("sulphuric acid", "H_2SO_4", 98), ("urea", "CO(NH_2)_2", 60)])
    moles = r.choice([0.25, 0.5, 1.5, 2, 0.2])
    mass = moles * mm
    return Problem(
        f"How many moles of {name} (${formula}$) are present in {fmt(mass)} g of it?",
        f"Molar mass of ${formula}$ = {mm} g/mol, so $n = {fmt(mass)}/{mm} = {fmt(moles)}$ mol.",
        moles, "mol", wrong=(mass * mm / 1000, moles * 2, mm / mass),
    )


@shape(C, "mole", "easy")
def _atoms_in_sample(r: R) -> Problem:
    el, m_at, mass = r.choice([("helium", 4, 8), ("sodium", 23, 46), ("carbon", 12, 6), ("calcium", 40, 20), ("iron", 56, 28)])
    v = mass / m_at * N_A
    return Problem(
        f"How many atoms are there in {mass} g of {el}? (N_A = 6.022 × 10²³ mol⁻¹)",
        f"$n = {mass}/{m_at} = {fmt(mass / m_at)}$ mol, so $N = nN_A = {fmt(v)}$ atoms.",
        v, wrong=(mass * N_A, v * 2, N_A / (mass / m_at) if mass / m_at != 1 else v / 2),
    )


@shape(C, "mole")
def _ammonia_limiting(r: R) -> Problem:
    n2, h2 = r.choice([(28, 12), (56, 6), (14, 9), (28, 3), (42, 6)])
    mol_n2, mol_h2 = n2 / 28, h2 / 2
    nh3 = min(2 * mol_n2, 2 * mol_h2 / 3)
    limiting = "N₂" if 2 * mol_n2 <= 2 * mol_h2 / 3 else "H₂"
    v = nh3 * 17
    return Problem(
        f"{n2} g of nitrogen and {h2} g of hydrogen are allowed to react completely: $N_2 + 3H_2 \\rightarrow 2NH_3$. "
        "What mass of ammonia is formed?",
        f"$n(N_2) = {fmt(mol_n2)}$ mol needs ${fmt(3 * mol_n2)}$ mol $H_2$; $n(H_2) = {fmt(mol_h2)}$ mol. The limiting "
        f"reagent is {limiting}, giving ${fmt(nh3)}$ mol $NH_3$ $= {fmt(v)}$ g.",
        v, "g", wrong=(2 * mol_n2 * 17, n2 + h2, 2 * mol_h2 / 3 * 17 if limiting == "N₂" else 2 * mol_n2 * 17 / 2),
        shortcut="Compare moles available / stoichiometric coefficient.",
    )


@shape(C, "mole")
def _water_limiting(r: R) -> Problem:
    h2, o2 = r.choice([(4, 16), (2, 32), (10, 64), (6, 32), (1, 16)])
    mh, mo = h2 / 2, o2 / 32
    water = min(mh, 2 * mo)
    v = water * 18
    lim = "hydrogen" if mh <= 2 * mo else "oxygen"
    return Problem(
        f"A mixture of {h2} g of hydrogen and {o2} g of oxygen is sparked: $2H_2 + O_2 \\rightarrow 2H_2O$. How much water "
        "is formed, at most?",
        f"$n(H_2) = {fmt(mh)}$, $n(O_2) = {fmt(mo)}$; {lim} is limiting, so $n(H_2O) = {fmt(water)}$ mol $= {fmt(v)}$ g.",
        v, "g", wrong=(float(h2 + o2), max(mh, 2 * mo) * 18, water * 9),
    )


@shape(C, "mole")
def _co2_from_marble(r: R) -> Problem:
    mass, hcl = r.choice([(10, 0.1), (20, 0.2), (5, 0.2), (25, 0.4), (50, 0.5)])
    caco3 = mass / 100
    co2 = min(caco3, hcl / 2)
    v = co2 * 22.4
    return Problem(
        f"{mass} g of marble chips (pure CaCO₃) is treated with {fmt(hcl)} mol of HCl: "
        "$CaCO_3 + 2HCl \\rightarrow CaCl_2 + H_2O + CO_2$. What volume of CO₂ at STP is released?",
        f"$n(CaCO_3) = {fmt(caco3)}$ mol needs ${fmt(2 * caco3)}$ mol HCl; "
        f"{'HCl' if hcl / 2 < caco3 else 'CaCO₃'} is the limiting reagent, giving ${fmt(co2)}$ mol CO₂ $= {fmt(v)}$ L at STP.",
        v, "L", wrong=(caco3 * 22.4 if caco3 != co2 else hcl * 22.4, hcl * 22.4 if hcl != co2 else co2 * 11.2, v * 2),
    )


@shape(C, "mole")
def _empirical_formula(r: R) -> Problem:
    pcts, ans, wrong, work = r.choice([
        ("C 40%, H 6.67%, O 53.3%", "$CH_2O$", ("$CHO$", "$C_2H_4O$", "$CH_4O$"), "C : H : O = 3.33 : 6.67 : 3.33 = 1 : 2 : 1"),
        ("C 92.3%, H 7.7%", "$CH$", ("$CH_2$", "$C_2H_3$", "$CH_3$"), "C : H = 7.69 : 7.7 = 1 : 1"),
        ("C 85.7%, H 14.3%", "$CH_2$", ("$CH$", "$CH_3$", "$C_2H_5$"), "C : H = 7.14 : 14.3 = 1 : 2"),
        ("Na 43.4%, C 11.3%, O 45.3%", "$Na_2CO_3$", ("$NaCO_3$", "$NaHCO_3$", "$Na_2CO_2$"), "Na : C : O = 1.89 : 0.94 : 2.83 = 2 : 1 : 3"),
        ("N 30.4%, O 69.6%", "$NO_2$", ("$NO$", "$N_2O$", "$N_2O_5$"), "N : O = 2.17 : 4.35 = 1 : 2"),
    ])
    return Problem(
        f"A compound contains {pcts} by mass. What is its empirical formula?",
        f"Divide each percentage by the atomic mass and scale to whole numbers: {work}.",
        answer=ans, distractors=wrong,
    )


@shape(C, "mole", "easy")
def _mass_percent(r: R) -> Problem:
    el, formula, part, whole = r.choice([("carbon", "CO_2", 12, 44), ("nitrogen", "NH_4NO_3", 28, 80),
                                         ("calcium", "CaCO_3", 40, 100), ("nitrogen", "CO(NH_2)_2", 28, 60),
                                         ("sulphur", "H_2SO_4", 32, 98), ("iron", "Fe_2O_3", 112, 160)])
    v = 100 * part / whole
    return Problem(
        f"A fertiliser bag holds pure ${formula}$. What is the percentage by mass of {el} in it?",
        f"Molar mass {whole} g/mol contains {part} g of {el}: ${part}/{whole} \\times 100 = {fmt(v)}\\%$.",
        v, "%", wrong=(100 - v, 100 * part / 2 / whole, 100 * whole / part / 10),
    )


@shape(C, "mole", "easy")
def _molarity(r: R) -> Problem:
    solute, mm = r.choice([("NaOH", 40), ("glucose", 180), ("NaCl", 58.5), ("KOH", 56)])
    mol, vol_ml = r.choice([0.1, 0.2, 0.5]), r.choice([250, 500, 200])
    mass = mol * mm
    v = mol / (vol_ml / 1000)
    return Problem(
        f"{fmt(mass)} g of {solute} is dissolved in water and the solution made up to {vol_ml} mL. What is its molarity?",
        f"$n = {fmt(mass)}/{fmt(mm)} = {fmt(mol)}$ mol; $M = n/V = {fmt(mol)}/{fmt(vol_ml / 1000)} = {fmt(v)}$ M.",
        v, "M", wrong=(mol * vol_ml / 1000, mass / (vol_ml / 1000), v / 2),
    )


@shape(C, "mole")
def _antifreeze_molality(r: R) -> Problem:
    solute, mm = r.choice([("ethylene glycol", 62), ("propylene glycol", 76), ("glycerol", 92)])
    mol, kg = r.choice([0.5, 1, 2]), r.choice([0.2, 0.25, 0.5])
    mass = mol * mm
    v = mol / kg
    return Problem(
        f"An antifreeze for a car radiator is prepared by mixing {fmt(mass)} g of {solute} (molar mass {mm} g/mol) into "
        f"{fmt(kg * 1000)} g of water. What is the molality of the coolant?",
        f"Molality counts moles per kilogram of solvent: $\\frac{{{fmt(mol)}}}{{{fmt(kg)}}} = {fmt(v)}$ mol/kg.",
        v, "mol/kg", wrong=(mol * kg, mass / kg / 100, v / 2),
    )


@shape(C, "mole")
def _mole_fraction(r: R) -> Problem:
    solute, mm, mass_s, mass_w = r.choice([("ethanol", 46, 46, 36), ("methanol", 32, 32, 72), ("glucose", 180, 90, 90)])
    ns, nw = mass_s / mm, mass_w / 18
    v = ns / (ns + nw)
    return Problem(
        f"A solution is made by mixing {mass_s} g of {solute} with {mass_w} g of water. What is the mole fraction of "
        f"{solute}?",
        f"$n = {fmt(ns)}$ mol {solute}, ${fmt(nw)}$ mol water; $x = \\frac{{{fmt(ns)}}}{{{fmt(ns + nw)}}} = {fmt(v)}$.",
        v, wrong=(ns / nw, mass_s / (mass_s + mass_w), 1 - v),
    )


@shape(C, "mole", "easy")
def _dilution(r: R) -> Problem:
    m1, v1, m2 = r.choice([(12, 10, 0.5), (6, 25, 1.5), (18, 10, 2), (10, 20, 0.4), (5, 50, 1)])
    v = m1 * v1 / m2
    return Problem(
        f"A lab technician dilutes {v1} mL of {m1} M hydrochloric acid with water to make it {fmt(m2)} M. What final "
        "volume should she make it up to?",
        f"Moles are conserved: $M_1V_1 = M_2V_2$, $V_2 = \\frac{{{m1} \\cdot {v1}}}{{{fmt(m2)}}} = {fmt(v)}$ mL.",
        v, "mL", wrong=(v - v1, m2 * v1 / m1, m1 * m2 * v1),
    )


@shape(C, "mole")
def _percentage_yield(r: R) -> Problem:
    mass_caco3, got = r.choice([(50, 22.4), (100, 50.4), (20, 10.08), (25, 11.2)])
    theo = mass_caco3 / 100 * 56
    v = 100 * got / theo
    return Problem(
        f"Heating {mass_caco3} g of limestone (pure CaCO₃) gives {fmt(got)} g of quicklime: "
        "$CaCO_3 \\rightarrow CaO + CO_2$. What is the percentage yield?",
        f"Theoretical CaO $= {fmt(mass_caco3 / 100)}$ mol $\\times 56 = {fmt(theo)}$ g; yield $= {fmt(got)}/{fmt(theo)} \\times 100 = {fmt(v)}\\%$.",
        v, "%", wrong=(100 * got / mass_caco3, 100 * theo / got if theo < got else 100 - v, v / 2),
    )


@shape(C, "mole")
def _topping_up_solution(r: R) -> Problem:
    v1, m1, m2, mf = r.choice([(100, 0.5, 2, 1), (200, 0.1, 1, 0.4), (150, 0.2, 0.8, 0.5), (50, 1, 3, 2)])
    v = v1 * (mf - m1) / (m2 - mf)
    return Problem(
        f"A student has {v1} mL of {fmt(m1)} M sodium chloride solution and a stock bottle of {fmt(m2)} M solution. What "
        f"volume of the stock must she add to bring her solution up to {fmt(mf)} M?",
        f"Moles balance: ${fmt(m1)} \\cdot {v1} + {fmt(m2)}V = {fmt(mf)}({v1} + V)$, so "
        f"$V = \\frac{{{v1}({fmt(mf)} - {fmt(m1)})}}{{{fmt(m2)} - {fmt(mf)}}} = {fmt(v)}$ mL.",
        v, "mL", wrong=(v1 * (mf - m1) / m2, v1 * mf / m2, v * 2),
    )


@shape(C, "mole", "easy")
def _gas_volume_stp(r: R) -> Problem:
    gas, mm, mass = r.choice([("oxygen", 32, 8), ("carbon dioxide", 44, 22), ("nitrogen", 28, 7), ("methane", 16, 4), ("ammonia", 17, 34)])
    v = mass / mm * 22.4
    return Problem(
        f"What volume does {mass} g of {gas} gas occupy at STP? (molar volume 22.4 L)",
        f"$n = {mass}/{mm} = {fmt(mass / mm)}$ mol; $V = n \\times 22.4 = {fmt(v)}$ L.",
        v, "L", wrong=(mass * 22.4, mm / mass * 22.4, v / 2),
    )


@shape(C, "mole")
def _normality(r: R) -> Problem:
    acid, nf, mm = r.choice([("sulphuric acid", 2, 98), ("anhydrous oxalic acid", 2, 90), ("phosphoric acid", 3, 98)])
    mass, vol = r.choice([4.9, 9.8, 19.6]), r.choice([500, 1000, 250])
    v = mass / mm * nf / (vol / 1000)
    return Problem(
        f"{fmt(mass)} g of {acid} (molar mass {mm} g/mol, basicity {nf}) is dissolved to make {vol} mL of solution. "
        "What is its normality?",
        f"Equivalents $= \\frac{{{fmt(mass)}}}{{{mm}/{nf}}} = {fmt(mass / mm * nf)}$; $N = {fmt(mass / mm * nf)}/{fmt(vol / 1000)} = {fmt(v)}$ N.",
        v, "N", wrong=(mass / mm / (vol / 1000), v * nf, v / 2 / nf),
    )


@shape(C, "gases", "easy")
def _ideal_gas_moles(r: R) -> Problem:
    p, vol, t = r.choice([1, 2, 3]), r.choice([8.21, 16.42, 24.63]), r.choice([300, 400, 500])
    v = p * vol / (0.0821 * t)
    return Problem(
        f"A steel cylinder of volume {fmt(vol)} L holds a gas at {p} atm and {t} K. How many moles of gas are inside? "
        "(R = 0.0821 L atm mol⁻¹ K⁻¹)",
        f"$n = \\frac{{PV}}{{RT}} = \\frac{{{p} \\cdot {fmt(vol)}}}{{0.0821 \\cdot {t}}} = {fmt(v)}$ mol.",
        v, "mol", wrong=(p * vol * 0.0821 * t, p * vol / t, v * 2),
    )


@shape(C, "gases", "easy")
def _boyle(r: R) -> Problem:
    p1, v1, p2 = r.choice([(1, 6, 3), (2, 5, 1), (760, 500, 380), (1.5, 4, 2), (4, 3, 6)])
    v = p1 * v1 / p2
    return Problem(
        f"A gas occupies {v1} L at {fmt(p1)} {'mm Hg' if p1 > 100 else 'atm'}. At the same temperature, what volume does it "
        f"occupy at {fmt(p2)} {'mm Hg' if p2 > 100 else 'atm'}?",
        f"Boyle's law: $V_2 = \\frac{{P_1V_1}}{{P_2}} = \\frac{{{fmt(p1)} \\cdot {v1}}}{{{fmt(p2)}}} = {fmt(v)}$ L.",
        v, "L", wrong=(p2 * v1 / p1, v1 * p1 * p2, float(v1)),
    )


@shape(C, "gases", "easy")
def _charles(r: R) -> Problem:
    v1, t1, t2 = r.choice([(300, 27, 127), (600, 27, 77), (500, 227, 27), (400, 127, 327)])
    v = v1 * (t2 + 273) / (t1 + 273)
    return Problem(
        f"A balloon holds {v1} mL of air at {t1} °C. At constant pressure, what will its volume be at {t2} °C?",
        f"Charles' law with kelvin temperatures: $V_2 = {v1} \\times \\frac{{{t2 + 273}}}{{{t1 + 273}}} = {fmt(v)}$ mL.",
        v, "mL", wrong=(v1 * t2 / t1, v1 * (t1 + 273) / (t2 + 273), float(v1)),
        shortcut="Always convert °C to K first.",
    )


@shape(C, "gases")
def _partial_pressure(r: R) -> Problem:
    a, b, mma, mmb, pt = r.choice([(8, 28, 32, 28, 3), (4, 14, 2, 28, 4), (16, 22, 32, 44, 1.5), (2, 32, 2, 32, 2)])
    na, nb = a / mma, b / mmb
    v = pt * na / (na + nb)
    gases = {32: "oxygen", 28: "nitrogen", 2: "hydrogen", 44: "carbon dioxide"}
    return Problem(
        f"A vessel contains {a} g of {gases[mma]} and {b} g of {gases[mmb]} at a total pressure of {fmt(pt)} atm. "
        f"What is the partial pressure of {gases[mma]}?",
        f"$n = {fmt(na)}$ and ${fmt(nb)}$ mol; $p = x P = \\frac{{{fmt(na)}}}{{{fmt(na + nb)}}} \\times {fmt(pt)} = {fmt(v)}$ atm.",
        v, "atm", wrong=(pt * a / (a + b), pt / 2 if pt / 2 != v else pt / 3, pt * nb / (na + nb) if na != nb else pt),
    )


@shape(C, "gases")
def _graham_effusion(r: R) -> Problem:
    g1, m1, g2, m2, t1 = r.choice([("hydrogen", 2, "oxygen", 32, 10), ("helium", 4, "methane", 16, 20), ("methane", 16, "sulphur dioxide", 64, 15)])
    v = t1 * math.sqrt(m2 / m1)
    return Problem(
        f"A certain volume of {g1} effuses through a pinhole in {t1} s. Under the same conditions, how long does the same "
        f"volume of {g2} take?",
        f"Graham's law: $t \\propto \\sqrt{{M}}$, so $t = {t1}\\sqrt{{{m2}/{m1}}} = {fmt(v)}$ s.",
        v, "s", wrong=(t1 * m2 / m1, t1 * math.sqrt(m1 / m2), t1 * (m2 / m1) ** 2),
    )


@shape(C, "gases")
def _gas_density(r: R) -> Problem:
    gas, mm, p, t = r.choice([("carbon dioxide", 44, 1, 273), ("oxygen", 32, 2, 300), ("nitrogen", 28, 1, 350), ("ammonia", 17, 3, 400)])
    v = p * mm / (0.0821 * t)
    return Problem(
        f"What is the density of {gas} at {p} atm and {t} K, treating it as ideal? (R = 0.0821 L atm mol⁻¹ K⁻¹)",
        f"$d = \\frac{{PM}}{{RT}} = \\frac{{{p} \\cdot {mm}}}{{0.0821 \\cdot {t}}} = {fmt(v)}$ g/L.",
        v, "g/L", wrong=(mm / 22.4, p * mm * 0.0821 * t / 1000, v / p if p > 1 else v * 2),
    )


@shape(C, "kinetics", "easy")
def _first_order_half_life(r: R) -> Problem:
    k, unit = r.choice([(0.0693, "min"), (6.93e-3, "s"), (0.0231, "min"), (0.01, "s"), (0.1386, "h")])
    v = 0.693 / k
    return Problem(
        f"The decomposition of a compound follows first-order kinetics with rate constant {num(k)} {unit}⁻¹. What is its "
        "half-life?",
        f"$t_{{1/2}} = \\frac{{0.693}}{{k}} = \\frac{{0.693}}{{{fmt(k)}}} = {fmt(v)}$ {unit}.",
        v, unit, wrong=(1 / k, 2.303 / k, k / 0.693),
    )


@shape(C, "kinetics")
def _first_order_completion(r: R) -> Problem:
    t_half, pct = r.choice([10, 15, 20, 30]), r.choice([75, 87.5, 93.75])
    halves = {75: 2, 87.5: 3, 93.75: 4}[pct]
    v = t_half * halves
    return Problem(
        f"A first-order reaction has a half-life of {t_half} minutes. How long does it take to go {fmt(pct)}% to "
        "completion?",
        f"{fmt(100 - pct)}% remaining is $(1/2)^{{{halves}}}$, i.e. {halves} half-lives: ${halves} \\times {t_half} = {v}$ min.",
        v, "min", wrong=(t_half * pct / 50, t_half * (halves - 1), t_half * pct / 100),
    )


@shape(C, "kinetics")
def _zero_order_half_life(r: R) -> Problem:
    a0, k = r.choice([(0.8, 0.02), (1, 0.05), (0.5, 0.01), (2, 0.1)])
    v = a0 / (2 * k)
    return Problem(
        f"Ammonia decomposes on a hot platinum surface at a constant rate of {fmt(k)} mol L⁻¹ min⁻¹, independent of its "
        f"concentration (zero order). Starting from {fmt(a0)} mol/L, after how many minutes is half of it gone?",
        f"For zero order $[A] = [A]_0 - kt$, so $t_{{1/2}} = \\frac{{[A]_0}}{{2k}} = \\frac{{{fmt(a0)}}}{{{fmt(2 * k)}}} = {fmt(v)}$ min.",
        v, "min", wrong=(0.693 / k, a0 / k, 2 * a0 * k),
    )


@shape(C, "kinetics")
def _order_from_data(r: R) -> Problem:
    factor, order = r.choice([(2, 2), (3, 2), (2, 1), (4, 0.5), (2, 3), (3, 1)])
    rate_change = factor**order
    return Problem(
        f"When the concentration of a reactant is multiplied by {factor}, the initial rate of the reaction increases by "
        f"a factor of {fmt(rate_change)}. What is the order of the reaction with respect to this reactant?",
        f"Rate $\\propto [A]^n$: ${factor}^n = {fmt(rate_change)}$ gives $n = {fmt(order)}$.",
        order, wrong=tuple(float(x) for x in (0, 1, 2, 3, 0.5) if x != order)[:3],
    )


@shape(C, "kinetics", "easy")
def _temperature_coefficient(r: R) -> Problem:
    rise, mu = r.choice([30, 40, 50, 20]), r.choice([2, 3])
    v = mu ** (rise / 10)
    return Problem(
        f"The rate of a reaction becomes {mu} times larger for every 10 °C rise in temperature. By what factor does it "
        f"increase when the temperature rises by {rise} °C?",
        f"{rise // 10} steps of 10 °C: ${mu}^{{{rise // 10}}} = {fmt(v)}$.",
        v, wrong=(mu * rise / 10, float(mu + rise // 10), mu ** (rise / 10 - 1)),
    )


@shape(C, "kinetics", "hard")
def _activation_energy(r: R) -> Problem:
    t1, t2, ratio = r.choice([(300, 310, 2), (300, 320, 4), (298, 308, 2), (400, 500, 10)])
    ea = 2.303 * 8.314 * math.log10(ratio) * t1 * t2 / (t2 - t1) / 1000
    return Problem(
        f"The rate constant of a reaction increases {ratio}-fold when the temperature rises from {t1} K to {t2} K. What "
        "is its activation energy? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$\\log\\frac{{k_2}}{{k_1}} = \\frac{{E_a}}{{2.303R}}\\cdot\\frac{{T_2 - T_1}}{{T_1T_2}}$: $E_a = 2.303 \\cdot 8.314 \\cdot "
        f"\\log {ratio} \\cdot \\frac{{{t1} \\cdot {t2}}}{{{t2 - t1}}} = {fmt(ea)}$ kJ/mol.",
        ea, "kJ/mol", wrong=(ea / 2.303, ea * 2, 8.314 * math.log10(ratio) * t1 * t2 / (t2 - t1) / 1000),
    )


@shape(C, "kinetics", "easy")
def _rate_of_formation(r: R) -> Problem:
    rate = r.choice([0.02, 0.05, 0.1, 0.4])
    v = 2 * rate
    return Problem(
        f"For $2N_2O_5 \\rightarrow 4NO_2 + O_2$, dinitrogen pentoxide disappears at {fmt(rate)} mol L⁻¹ s⁻¹. At what "
        "rate is NO₂ being formed?",
        f"$-\\frac{{1}}{{2}}\\frac{{d[N_2O_5]}}{{dt}} = \\frac{{1}}{{4}}\\frac{{d[NO_2]}}{{dt}}$, so $\\frac{{d[NO_2]}}{{dt}} = 2 \\times {fmt(rate)} = {fmt(v)}$ mol L⁻¹ s⁻¹.",
        v, "mol L⁻¹ s⁻¹", wrong=(rate / 2, 4 * rate, rate),
    )


@shape(C, "kinetics")
def _fraction_left(r: R) -> Problem:
    t_half, t = r.choice([(20, 60), (10, 40), (15, 45), (30, 150)])
    n = t // t_half
    v = 1 / 2**n
    return Problem(
        f"A first-order reaction has a half-life of {t_half} min. What fraction of the reactant is left after {t} min?",
        f"${t}/{t_half} = {n}$ half-lives: $(1/2)^{{{n}}} = {tex_frac(v)}$.",
        v, wrong=(1 / n, 1 - v, 1 / 2 ** (n - 1)), show=as_frac,
    )


@shape(C, "kinetics", "hard")
def _first_order_rate_constant(r: R) -> Problem:
    c0, c, t = r.choice([(0.8, 0.1, 30), (0.4, 0.1, 20), (1.6, 0.1, 40), (0.9, 0.1, 46.06)])
    v = math.log(c0 / c) / t
    return Problem(
        f"The concentration of a reactant that decomposes by first-order kinetics falls from {fmt(c0)} M to {fmt(c)} M "
        f"in {fmt(t)} minutes. What is the rate constant?",
        f"$k = \\frac{{2.303}}{{t}}\\log\\frac{{[A]_0}}{{[A]}} = \\frac{{2.303}}{{{fmt(t)}}}\\log {fmt(c0 / c)} = {fmt(v)}$ min⁻¹.",
        v, "min⁻¹", wrong=((c0 - c) / t, math.log10(c0 / c) / t, v * 2),
    )


@shape(C, "equilibrium", "easy")
def _strong_acid_ph(r: R) -> Problem:
    acid, conc, h = r.choice([("HCl", 0.01, 0.01), ("HNO₃", 0.001, 0.001), ("H₂SO₄", 0.005, 0.01), ("HCl", 0.0001, 0.0001), ("H₂SO₄", 0.05, 0.1)])
    v = -math.log10(h)
    return Problem(
        f"What is the pH of a {fmt(conc)} M aqueous solution of {acid}, assuming complete ionisation?",
        f"$[H^+] = {fmt(h)}$ M, so $pH = -\\log {fmt(h)} = {fmt(v)}$.",
        v, wrong=(14 - v, -math.log10(conc) if h != conc else v + 1, v + 0.3),
    )


@shape(C, "equilibrium", "easy")
def _strong_base_ph(r: R) -> Problem:
    base, conc, oh = r.choice([("NaOH", 0.01, 0.01), ("KOH", 0.001, 0.001), ("Ba(OH)₂", 0.005, 0.01), ("NaOH", 0.1, 0.1)])
    v = 14 + math.log10(oh)
    return Problem(
        f"What is the pH of a {fmt(conc)} M solution of {base} at 25 °C?",
        f"$[OH^-] = {fmt(oh)}$ M, $pOH = {fmt(-math.log10(oh))}$, and $pH = 14 - pOH = {fmt(v)}$.",
        v, wrong=(14 - v, 14 + math.log10(conc) if oh != conc else v - 1, v - 2),
    )


@shape(C, "equilibrium")
def _weak_acid_ph(r: R) -> Problem:
    ka, c = r.choice([(1e-5, 0.1), (1e-6, 0.01), (1e-4, 0.01), (1e-5, 0.001), (4e-10, 0.1)])
    h = math.sqrt(ka * c)
    v = -math.log10(h)
    return Problem(
        f"A weak monobasic acid has $K_a = {fmt(ka)}$. What is the pH of its {fmt(c)} M solution?",
        f"$[H^+] = \\sqrt{{K_a c}} = \\sqrt{{{fmt(ka)} \\times {fmt(c)}}} = {fmt(h)}$ M, so $pH = {fmt(v)}$.",
        v, wrong=(-math.log10(c), -math.log10(ka), 2 * v),
    )


@shape(C, "equilibrium", "easy")
def _buffer_ph(r: R) -> Problem:
    pka, ratio = r.choice([4.74, 4.76, 9.25, 3.75]), r.choice([10, 0.1, 1, 100])
    v = pka + math.log10(ratio)
    return Problem(
        f"A buffer is made from a weak acid of pKa {fmt(pka)} and its sodium salt, with [salt]/[acid] = {fmt(ratio)}. "
        "What is the pH of the buffer?",
        f"Henderson equation: $pH = pK_a + \\log\\frac{{[salt]}}{{[acid]}} = {fmt(pka)} + \\log {fmt(ratio)} = {fmt(v)}$.",
        v, wrong=(pka - math.log10(ratio) if ratio != 1 else pka + 1, pka * ratio if ratio < 2 else pka + ratio / 10, 14 - v),
    )


@shape(C, "equilibrium")
def _kc_hydrogen_iodide(r: R) -> Problem:
    h2, i2, x = r.choice([(1, 1, 0.8), (2, 1, 0.9), (1, 3, 0.9), (2, 2, 1.6)])
    hi = 2 * x
    v = hi * hi / ((h2 - x) * (i2 - x))
    return Problem(
        f"{h2} mol of H₂ and {i2} mol of I₂ are heated in a closed 1 L flask until equilibrium is reached: "
        f"$H_2 + I_2 \\rightleftharpoons 2HI$. At equilibrium {fmt(hi)} mol of HI is present. What is $K_c$?",
        f"{fmt(x)} mol of each reactant was used: $[H_2] = {fmt(h2 - x)}$, $[I_2] = {fmt(i2 - x)}$, $[HI] = {fmt(hi)}$; "
        f"$K_c = \\frac{{{fmt(hi)}^2}}{{{fmt(h2 - x)} \\cdot {fmt(i2 - x)}}} = {fmt(v)}$.",
        v, wrong=(hi / ((h2 - x) * (i2 - x)), x * x / ((h2 - x) * (i2 - x)), hi * hi / (h2 * i2)),
    )


@shape(C, "equilibrium")
def _kp_from_kc(r: R) -> Problem:
    kc, t = r.choice([(0.5, 400), (2, 500), (10, 300), (0.04, 600)])
    dn = r.choice([1, -1, -2])
    rxn = {1: "PCl_5(g) \\rightleftharpoons PCl_3(g) + Cl_2(g)", -1: "2SO_2(g) + O_2(g) \\rightleftharpoons 2SO_3(g)",
           -2: "N_2(g) + 3H_2(g) \\rightleftharpoons 2NH_3(g)"}[dn]
    v = kc * (0.0821 * t) ** dn
    return Problem(
        f"For ${rxn}$, $K_c = {fmt(kc)}$ at {t} K. What is $K_p$ (in atm units)? (R = 0.0821 L atm mol⁻¹ K⁻¹)",
        f"$\\Delta n_g = {dn}$, so $K_p = K_c(RT)^{{\\Delta n}} = {fmt(kc)} \\times ({fmt(0.0821 * t)})^{{{dn}}} = {fmt(v)}$.",
        v, wrong=(kc * (0.0821 * t) ** (-dn), kc, kc * (0.0821 * t) ** (dn * 2) if dn != 0 else kc * 2),
    )


@shape(C, "equilibrium")
def _solubility_from_ksp(r: R) -> Problem:
    salt, ksp, kind = r.choice([("AgCl", 1.6e-10, 1), ("BaSO₄", 1.1e-10, 1), ("CaF₂", 3.2e-11, 2), ("Mg(OH)₂", 4e-12, 2), ("AgBr", 4.9e-13, 1)])
    v = math.sqrt(ksp) if kind == 1 else (ksp / 4) ** (1 / 3)
    form = "K_{sp} = s^2" if kind == 1 else "K_{sp} = s(2s)^2 = 4s^3"
    return Problem(
        f"The solubility product of {salt} at 25 °C is {num(ksp)}. What is its molar solubility in pure water?",
        f"${form}$, so $s = {fmt(v)}$ mol/L.",
        v, "mol/L", wrong=(ksp, math.sqrt(ksp) if kind == 2 else (ksp / 4) ** (1 / 3), v * 2),
    )


@shape(C, "equilibrium")
def _common_ion(r: R) -> Problem:
    ksp, c = r.choice([(1.6e-10, 0.1), (1.8e-10, 0.01), (5e-13, 0.05)])
    v = ksp / c
    return Problem(
        f"Silver chloride has $K_{{sp}} = {fmt(ksp)}$. What is its solubility in a {fmt(c)} M sodium chloride solution?",
        f"$[Cl^-] \\approx {fmt(c)}$ M from NaCl, so $s = K_{{sp}}/[Cl^-] = {fmt(v)}$ mol/L.",
        v, "mol/L", wrong=(math.sqrt(ksp), ksp * c, v * 10),
        shortcut="A common ion suppresses solubility: s = Ksp / [common ion].",
    )


@shape(C, "equilibrium")
def _degree_of_dissociation(r: R) -> Problem:
    ka, c = r.choice([(1.8e-5, 0.1), (1e-5, 0.001), (4e-4, 0.01), (1.8e-5, 0.02)])
    v = math.sqrt(ka / c) * 100
    return Problem(
        f"Acetic-type acid with $K_a = {fmt(ka)}$ is dissolved to give a {fmt(c)} M solution. What percentage of the acid "
        "is dissociated?",
        f"Ostwald's dilution law: $\\alpha = \\sqrt{{K_a/c}} = \\sqrt{{{fmt(ka)}/{fmt(c)}}} = {fmt(v / 100)}$, i.e. {fmt(v)}%.",
        v, "%", wrong=(math.sqrt(ka * c) * 100, ka / c * 100, v * 2),
    )


@shape(C, "equilibrium", "easy")
def _mixing_acid_base(r: R) -> Problem:
    va, ma, vb, mb = r.choice([(50, 0.2, 50, 0.1), (100, 0.1, 50, 0.1), (40, 0.1, 60, 0.1), (25, 0.4, 75, 0.1)])
    na, nb = va * ma, vb * mb
    excess = abs(na - nb) / (va + vb)
    v = -math.log10(excess) if na > nb else 14 + math.log10(excess)
    return Problem(
        f"{va} mL of {fmt(ma)} M HCl is mixed with {vb} mL of {fmt(mb)} M NaOH. What is the pH of the resulting solution?",
        f"mmol H⁺ = {fmt(na)}, mmol OH⁻ = {fmt(nb)}; the excess {fmt(abs(na - nb))} mmol of "
        f"{'H⁺' if na > nb else 'OH⁻'} in {va + vb} mL gives {fmt(excess)} M, so $pH = {fmt(v)}$.",
        v, wrong=(14 - v, 7.0, -math.log10(abs(na - nb) / 1000)),
    )


@shape(C, "equilibrium")
def _le_chatelier(r: R) -> Problem:
    change, ans, wrong = r.choice([
        ("the total pressure is increased", "The equilibrium shifts towards ammonia",
         ("The equilibrium shifts towards nitrogen and hydrogen", "The equilibrium does not shift", "K_c increases")),
        ("the temperature is raised (the forward reaction is exothermic)", "The equilibrium shifts towards nitrogen and hydrogen and K decreases",
         ("The equilibrium shifts towards ammonia and K increases", "Only the rate changes; the position does not", "K increases but the position stays")),
        ("an iron catalyst is added", "Equilibrium is reached faster; its position does not change",
         ("The yield of ammonia increases", "The equilibrium shifts towards nitrogen", "K increases")),
        ("argon is added at constant volume", "The equilibrium does not shift",
         ("The equilibrium shifts towards ammonia", "The equilibrium shifts towards nitrogen and hydrogen", "K decreases")),
    ])
    return Problem(
        f"For $N_2(g) + 3H_2(g) \\rightleftharpoons 2NH_3(g)$ at equilibrium, what happens when {change}?",
        "Le Chatelier's principle: the system opposes the change where it can; a catalyst and an inert gas at constant "
        "volume leave every partial pressure, and hence the position, unchanged.",
        answer=ans, distractors=wrong,
    )


@shape(C, "thermochem", "easy")
def _gibbs_energy(r: R) -> Problem:
    dh, ds, t = r.choice([(-92, -199, 298), (178, 160, 298), (-286, -163, 298), (44, 118, 298), (131, 134, 1000)])
    v = dh - t * ds / 1000
    return Problem(
        f"For a reaction ΔH = {dh} kJ/mol and ΔS = {ds} J mol⁻¹ K⁻¹. What is ΔG at {t} K?",
        f"$\\Delta G = \\Delta H - T\\Delta S = {dh} - {t} \\times ({fmt(ds / 1000)}) = {fmt(v)}$ kJ/mol.",
        v, "kJ/mol", wrong=(dh - t * ds, dh + t * ds / 1000, -v),
        shortcut="Put ΔS in kJ before multiplying by T.",
    )


@shape(C, "thermochem")
def _spontaneity_temperature(r: R) -> Problem:
    dh, ds = r.choice([(178, 160), (44, 118), (131, 134), (30, 100), (57, 176)])
    v = dh * 1000 / ds
    return Problem(
        f"A reaction has ΔH = +{dh} kJ/mol and ΔS = +{ds} J mol⁻¹ K⁻¹, both roughly constant. Above what temperature "
        "does it become spontaneous?",
        f"$\\Delta G < 0$ when $T > \\frac{{\\Delta H}}{{\\Delta S}} = \\frac{{{dh * 1000}}}{{{ds}}} = {fmt(v)}$ K.",
        v, "K", wrong=(dh / ds, ds / dh * 1000, v - 273),
    )


@shape(C, "thermochem")
def _bond_enthalpy_hcl(r: R) -> Problem:
    hh, xx, hx, name, x = r.choice([(436, 242, 431, "HCl", "Cl"), (436, 193, 366, "HBr", "Br"), (436, 158, 568, "HF", "F")])
    v = hh + xx - 2 * hx
    return Problem(
        f"Using bond enthalpies H–H = {hh}, {x}–{x} = {xx} and H–{x} = {hx} kJ/mol, find ΔH for "
        f"$H_2(g) + {x}_2(g) \\rightarrow 2{name}(g)$.",
        f"$\\Delta H = \\sum(\\text{{broken}}) - \\sum(\\text{{formed}}) = ({hh} + {xx}) - 2({hx}) = {v}$ kJ.",
        v, "kJ", wrong=(hh + xx - hx, 2 * hx - hh - xx, (hh + xx - 2 * hx) / 2),
    )


@shape(C, "thermochem", "easy")
def _neutralisation_heat(r: R) -> Problem:
    vol, m = r.choice([100, 200, 250, 500]), r.choice([0.1, 0.2, 0.5, 1])
    n = vol / 1000 * m
    v = n * 57.1
    return Problem(
        f"{vol} mL of {fmt(m)} M HCl is mixed with {vol} mL of {fmt(m)} M NaOH. How much heat is released? "
        "(heat of neutralisation of a strong acid by a strong base: 57.1 kJ/mol)",
        f"Water formed $= {fmt(n)}$ mol, so $q = {fmt(n)} \\times 57.1 = {fmt(v)}$ kJ.",
        v, "kJ", wrong=(2 * v, 57.1 * m, v / 2),
    )


@shape(C, "thermochem")
def _dh_du_difference(r: R) -> Problem:
    rxn, dn, t = r.choice([("N_2(g) + 3H_2(g) \\rightarrow 2NH_3(g)", -2, 298), ("C(s) + O_2(g) \\rightarrow CO_2(g)", 0, 298),
                           ("CaCO_3(s) \\rightarrow CaO(s) + CO_2(g)", 1, 1000), ("2H_2(g) + O_2(g) \\rightarrow 2H_2O(l)", -3, 298)])
    v = dn * 8.314 * t / 1000
    return Problem(
        f"For ${rxn}$ at {t} K, what is $\\Delta H - \\Delta U$? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$\\Delta H - \\Delta U = \\Delta n_g RT$ with $\\Delta n_g = {dn}$: ${dn} \\times 8.314 \\times {t} = {fmt(v)}$ kJ.",
        v, "kJ", wrong=(dn * 8.314 * t, -v, (dn + 1) * 8.314 * t / 1000) if dn else (2.478, -2.478, 4.956),
    )


@shape(C, "thermochem", "easy")
def _expansion_work(r: R) -> Problem:
    p, v1, v2 = r.choice([1, 2, 3]), r.choice([2, 5, 10]), r.choice([12, 15, 20])
    v = -p * (v2 - v1) * 101.3
    return Problem(
        f"A gas expands from {v1} L to {v2} L against a constant external pressure of {p} atm. What is the work done on "
        "the gas? (1 L atm = 101.3 J)",
        f"$w = -P_{{ext}}\\Delta V = -{p} \\times {v2 - v1}$ L atm $= {fmt(v)}$ J.",
        v, "J", wrong=(-v, -p * (v2 - v1), -p * v2 * 101.3),
    )


@shape(C, "thermochem")
def _hess_law_formation(r: R) -> Problem:
    c, h, ch4 = 393.5, 285.8, r.choice([890.3, 890.4, 891])
    v = -c - 2 * h + ch4
    return Problem(
        f"The enthalpies of combustion of graphite, hydrogen and methane are −393.5, −285.8 and −{fmt(ch4)} kJ/mol. What "
        "is the standard enthalpy of formation of methane?",
        f"$C + 2H_2 \\rightarrow CH_4$: $\\Delta H_f = -393.5 + 2(-285.8) - (-{fmt(ch4)}) = {fmt(v)}$ kJ/mol.",
        v, "kJ/mol", wrong=(-c - h + ch4, c + 2 * h - ch4, -c - 2 * h - ch4),
    )


@shape(C, "thermochem", "hard")
def _gibbs_from_k(r: R) -> Problem:
    k_exp, t = r.choice([2, 3, 5, 10]), 298
    v = -2.303 * 8.314 * t * k_exp / 1000
    return Problem(
        f"The equilibrium constant of a reaction at {t} K is $10^{{{k_exp}}}$. What is its standard Gibbs energy change? "
        "(R = 8.314 J mol⁻¹ K⁻¹)",
        f"$\\Delta G^\\circ = -2.303RT\\log K = -2.303 \\times 8.314 \\times {t} \\times {k_exp} = {fmt(v)}$ kJ/mol.",
        v, "kJ/mol", wrong=(-v, v / 2.303, v * 2),
    )


@shape(C, "electrochem", "easy")
def _cell_emf(r: R) -> Problem:
    (a, ea), (c, ec) = r.choice([(("Zn²⁺/Zn", -0.76), ("Cu²⁺/Cu", 0.34)), (("Mg²⁺/Mg", -2.37), ("Ag⁺/Ag", 0.80)),
                                 (("Fe²⁺/Fe", -0.44), ("Cu²⁺/Cu", 0.34)), (("Zn²⁺/Zn", -0.76), ("Ag⁺/Ag", 0.80)),
                                 (("Ni²⁺/Ni", -0.25), ("Ag⁺/Ag", 0.80))])
    v = ec - ea
    return Problem(
        f"What is the standard emf of a galvanic cell made from the {a} and {c} electrodes? "
        f"(E° = {fmt(ea)} V and {fmt(ec)} V respectively)",
        f"The electrode with the higher reduction potential ({c}) is the cathode: $E^\\circ_{{cell}} = {fmt(ec)} - ({fmt(ea)}) = {fmt(v)}$ V.",
        v, "V", wrong=(ec + ea if ec + ea > 0 else abs(ec + ea) + 0.5, abs(ea), ec),
    )


@shape(C, "electrochem")
def _faraday_deposit(r: R) -> Problem:
    metal, mm, n = r.choice([("copper", 63.5, 2), ("silver", 108, 1), ("aluminium", 27, 3), ("zinc", 65, 2)])
    i, minutes = r.choice([2, 5, 10]), r.choice([16, 32, 965 / 60 * 10])
    q = i * minutes * 60
    v = q / 96500 / n * mm
    return Problem(
        f"A current of {i} A is passed for {fmt(minutes)} minutes through a solution of a {metal} salt. What mass of {metal} "
        f"is deposited at the cathode? (F = 96 500 C/mol)",
        f"$Q = It = {fmt(q)}$ C; moles of {metal} $= \\frac{{Q}}{{{n}F}} = {fmt(q / 96500 / n)}$, mass $= {fmt(v)}$ g.",
        v, "g", wrong=(q / 96500 * mm, v * n if n > 1 else v / 2, q / 96500 / n * mm / 2),
    )


@shape(C, "electrochem")
def _nernst(r: R) -> Problem:
    e0, n, q = r.choice([(1.10, 2, 100), (1.10, 2, 0.01), (0.46, 2, 10), (0.80, 1, 0.1)])
    v = e0 - 0.059 / n * math.log10(q)
    return Problem(
        f"A cell has $E^\\circ = {fmt(e0)}$ V and its reaction transfers {n} electron{'s' if n > 1 else ''}. What is its emf at "
        f"25 °C when the reaction quotient Q is {fmt(q)}?",
        f"$E = E^\\circ - \\frac{{0.059}}{{n}}\\log Q = {fmt(e0)} - \\frac{{0.059}}{{{n}}}\\log {fmt(q)} = {fmt(v)}$ V.",
        v, "V", wrong=(e0 + 0.059 / n * math.log10(q), e0, e0 - 0.059 * math.log10(q)),
    )


@shape(C, "electrochem", "easy")
def _gibbs_from_emf(r: R) -> Problem:
    n, e = r.choice([(2, 1.10), (2, 0.46), (1, 0.80), (6, 1.2)])
    v = -n * 96500 * e / 1000
    return Problem(
        f"A Daniell-type cell transfers {n} mol of electrons per mole of reaction and has a standard emf of {fmt(e)} V. What "
        "is ΔG° for the reaction?",
        f"$\\Delta G^\\circ = -nFE^\\circ = -{n} \\times 96\\,500 \\times {fmt(e)} = {fmt(v * 1000)}$ J $= {fmt(v)}$ kJ/mol.",
        v, "kJ/mol", wrong=(-v, v / n, -96500 * e / 1000 if n != 1 else v * 2),
    )


@shape(C, "electrochem")
def _molar_conductivity(r: R) -> Problem:
    kappa, c = r.choice([(0.0129, 0.1), (0.00141, 0.01), (0.0248, 0.2), (1.4e-4, 0.001)])
    v = kappa * 1000 / c
    return Problem(
        f"The conductivity of a {fmt(c)} M KCl solution is {num(kappa)} S/cm. What is its molar conductivity?",
        f"$\\Lambda_m = \\frac{{\\kappa \\times 1000}}{{M}} = \\frac{{{fmt(kappa)} \\times 1000}}{{{fmt(c)}}} = {fmt(v)}$ S cm² mol⁻¹.",
        v, "S cm² mol⁻¹", wrong=(kappa / c, kappa * 1000 * c, v * 10),
    )


@shape(C, "electrochem", "easy")
def _charge_for_metal(r: R) -> Problem:
    ion, n, mm, mass = r.choice([("Al³⁺", 3, 27, 9), ("Ca²⁺", 2, 40, 20), ("Na⁺", 1, 23, 46), ("Mg²⁺", 2, 24, 12)])
    v = mass / mm * n
    return Problem(
        f"How many faradays of charge are needed to deposit {mass} g of metal from molten salt containing {ion} ions?",
        f"$n = {mass}/{mm} = {fmt(mass / mm)}$ mol, each needing {n} electrons: ${fmt(v)}$ F.",
        v, "F", wrong=(mass / mm, v * 2, mass / mm / n),
    )


@shape(C, "solutions", "easy")
def _raoult_mixture(r: R) -> Problem:
    pa, pb, xa = r.choice([(75, 22, 0.4), (120, 40, 0.5), (200, 60, 0.25), (300, 100, 0.6)])
    v = pa * xa + pb * (1 - xa)
    return Problem(
        f"Liquids A and B form an ideal solution. Their vapour pressures when pure are {pa} and {pb} mm Hg. What is the "
        f"vapour pressure of a solution in which the mole fraction of A is {fmt(xa)}?",
        f"Raoult's law: $P = p_A^\\circ x_A + p_B^\\circ x_B = {pa} \\cdot {fmt(xa)} + {pb} \\cdot {fmt(1 - xa)} = {fmt(v)}$ mm Hg.",
        v, "mm Hg", wrong=((pa + pb) / 2, pa * xa, pa * (1 - xa) + pb * xa),
    )


@shape(C, "solutions")
def _relative_lowering(r: R) -> Problem:
    n_solute, water_g = r.choice([(0.1, 180), (0.5, 90), (0.2, 36), (1, 162)])
    nw = water_g / 18
    v = n_solute / (n_solute + nw)
    return Problem(
        f"{fmt(n_solute)} mol of a non-volatile solute is dissolved in {water_g} g of water. What is the relative lowering "
        "of the vapour pressure of water?",
        f"$\\frac{{\\Delta p}}{{p^\\circ}} = x_{{solute}} = \\frac{{{fmt(n_solute)}}}{{{fmt(n_solute)} + {fmt(nw)}}} = {fmt(v)}$.",
        v, wrong=(n_solute / nw, 1 - v, n_solute / water_g),
    )


@shape(C, "solutions", "easy")
def _boiling_elevation(r: R) -> Problem:
    mass, mm, solvent_g = r.choice([(18, 180, 500), (6, 60, 250), (12, 60, 500), (36, 180, 250)])
    kb = 0.52
    m = mass / mm / (solvent_g / 1000)
    v = kb * m
    return Problem(
        f"{mass} g of a non-electrolyte of molar mass {mm} g/mol is dissolved in {solvent_g} g of water. By how much is the "
        "boiling point raised? (K_b = 0.52 K kg/mol)",
        f"Molality $= \\frac{{{mass}/{mm}}}{{{fmt(solvent_g / 1000)}}} = {fmt(m)}$ mol/kg; $\\Delta T_b = K_b m = {fmt(v)}$ K.",
        v, "K", wrong=(kb * mass / mm, v * 2, kb / m),
    )


@shape(C, "solutions")
def _freezing_salt(r: R) -> Problem:
    salt, i, mm, mass = r.choice([("NaCl", 2, 58.5, 5.85), ("CaCl₂", 3, 111, 11.1), ("KCl", 2, 74.5, 7.45), ("MgCl₂", 3, 95, 9.5)])
    kg, kf = 0.5, 1.86
    m = mass / mm / kg
    v = i * kf * m
    return Problem(
        f"{fmt(mass)} g of {salt} is dissolved in 500 g of water. Assuming complete dissociation, by how much is the "
        "freezing point lowered? (K_f = 1.86 K kg/mol)",
        f"$m = {fmt(m)}$ mol/kg and $i = {i}$: $\\Delta T_f = iK_fm = {i} \\times 1.86 \\times {fmt(m)} = {fmt(v)}$ K.",
        v, "K", wrong=(kf * m, v / i * (i + 1), kf * m * 2 if i == 3 else kf * m * 3),
    )


@shape(C, "solutions", "easy")
def _osmotic_pressure(r: R) -> Problem:
    c, t = r.choice([0.1, 0.2, 0.05, 0.01]), r.choice([300, 310, 273])
    v = c * 0.0821 * t
    return Problem(
        f"What is the osmotic pressure of a {fmt(c)} M aqueous glucose solution at {t} K? (R = 0.0821 L atm mol⁻¹ K⁻¹)",
        f"$\\pi = CRT = {fmt(c)} \\times 0.0821 \\times {t} = {fmt(v)}$ atm.",
        v, "atm", wrong=(c * 8.314 * t, c * 0.0821 * (t - 273) if t != 273 else v * 2, v * 2),
    )


@shape(C, "solutions")
def _molar_mass_from_freezing(r: R) -> Problem:
    mass, mm, kg = r.choice([(2, 128, 0.1), (5, 250, 0.2), (1.5, 60, 0.05), (3, 150, 0.1)])
    kf = 5.12
    dt = kf * mass / mm / kg
    return Problem(
        f"{fmt(mass)} g of a non-volatile solute dissolved in {fmt(kg * 1000)} g of benzene lowers its freezing point by "
        f"{fmt(dt)} K. What is the molar mass of the solute? (K_f of benzene = 5.12 K kg/mol)",
        f"$M = \\frac{{K_f \\cdot w}}{{\\Delta T_f \\cdot W}} = \\frac{{5.12 \\times {fmt(mass)}}}{{{fmt(dt)} \\times {fmt(kg)}}} = {fmt(mm)}$ g/mol.",
        float(mm), "g/mol", wrong=(mm / 2, mm * 2, kf * mass / dt),
    )


@shape(C, "atomic", "easy")
def _photon_energy(r: R) -> Problem:
    lam = r.choice([300, 400, 500, 600, 662])
    v = 6.626e-34 * 3e8 / (lam * 1e-9)
    return Problem(
        f"What is the energy of one photon of light of wavelength {lam} nm? (h = 6.626 × 10⁻³⁴ J s, c = 3 × 10⁸ m/s)",
        f"$E = \\frac{{hc}}{{\\lambda}} = \\frac{{6.626 \\times 10^{{-34}} \\times 3 \\times 10^8}}{{{lam} \\times 10^{{-9}}}} = {fmt(v)}$ J.",
        v, "J", wrong=(v * 10, v / 10, 6.626e-34 * 3e8 / lam),
    )


@shape(C, "atomic", "easy")
def _radial_nodes(r: R) -> Problem:
    orb, n, az = r.choice([("3s", 3, 0), ("4p", 4, 1), ("5d", 5, 2), ("3p", 3, 1), ("4s", 4, 0), ("4f", 4, 3)])
    v = n - az - 1
    return Problem(
        f"How many radial nodes does a {orb} orbital have?",
        f"Radial nodes $= n - l - 1 = {n} - {az} - 1 = {v}$ (and it has {az} angular node{'' if az == 1 else 's'}).",
        v, wrong=(az, n - 1, n - az),
    )


@shape(C, "atomic")
def _magnetic_moment(r: R) -> Problem:
    ion, unpaired = r.choice([("Fe³⁺", 5), ("Mn²⁺", 5), ("Cr³⁺", 3), ("Cu²⁺", 1), ("Ni²⁺", 2), ("Fe²⁺", 4), ("Ti³⁺", 1)])
    v = math.sqrt(unpaired * (unpaired + 2))
    return Problem(
        f"What is the spin-only magnetic moment of the {ion} ion?",
        f"{ion} has {unpaired} unpaired d electron{'s' if unpaired > 1 else ''}: $\\mu = \\sqrt{{n(n+2)}} = \\sqrt{{{unpaired * (unpaired + 2)}}} = "
        f"{fmt(v)}$ BM.",
        v, "BM", wrong=(math.sqrt((unpaired + 1) * (unpaired + 3)), float(unpaired), math.sqrt((unpaired - 1) * (unpaired + 1)) if unpaired > 1 else math.sqrt(24)),
    )


@shape(C, "atomic")
def _uncertainty_velocity(r: R) -> Problem:
    dx_nm = r.choice([0.1, 1, 10])
    v = 6.626e-34 / (4 * math.pi * 9.1e-31 * dx_nm * 1e-9)
    return Problem(
        f"The position of an electron is known to within {fmt(dx_nm)} nm. What is the minimum uncertainty in its "
        "velocity? (h = 6.626 × 10⁻³⁴ J s, m = 9.1 × 10⁻³¹ kg)",
        f"$\\Delta v \\ge \\frac{{h}}{{4\\pi m\\Delta x}} = \\frac{{6.626 \\times 10^{{-34}}}}{{4\\pi \\cdot 9.1 \\times 10^{{-31}} \\cdot {fmt(dx_nm * 1e-9)}}} "
        f"= {fmt(v)}$ m/s.",
        v, "m/s", wrong=(v * 4 * math.pi, v * 10, v / 10),
    )


@shape(C, "atomic", "easy")
def _electrons_in_shell(r: R) -> Problem:
    n = r.randint(2, 5)
    v = 2 * n * n
    return Problem(
        f"What is the maximum number of electrons that can occupy the shell with principal quantum number n = {n}?",
        f"It holds $n^2 = {n * n}$ orbitals with two electrons each: $2n^2 = {v}$.",
        v, wrong=(n * n, 2 * n, 2 * (2 * n - 1)),
    )


@shape(C, "atomic")
def _quantum_numbers(r: R) -> Problem:
    return Problem(
        "Which set of quantum numbers (n, l, m_l, m_s) is not allowed for an electron in an atom?",
        "l must be less than n, and |m_l| ≤ l; for n = 2 the value l = 2 is impossible.",
        answer="(2, 2, 1, +1/2)", distractors=("(3, 2, −2, +1/2)", "(2, 1, 0, −1/2)", "(4, 0, 0, +1/2)"),
    )


@shape(C, "atomic")
def _hydrogen_line_wavelength(r: R) -> Problem:
    n1, n2 = r.choice([(3, 2), (4, 2), (2, 1), (5, 2)])
    inv = 1.097e7 * (1 / n2**2 - 1 / n1**2)
    v = 1 / inv * 1e9
    return Problem(
        f"What is the wavelength of the light emitted when the electron in a hydrogen atom falls from n = {n1} to "
        f"n = {n2}? (Rydberg constant 1.097 × 10⁷ m⁻¹)",
        f"$\\frac{{1}}{{\\lambda}} = R\\left(\\frac{{1}}{{{n2}^2}} - \\frac{{1}}{{{n1}^2}}\\right) = {fmt(inv)}$ m⁻¹, so $\\lambda = {fmt(v)}$ nm.",
        v, "nm", wrong=(v / 2, v * 1.5, 1 / (1.097e7 / n1**2) * 1e9),
    )


@shape(C, "bonding")
def _hybridisation(r: R) -> Problem:
    mol, ans = r.choice([("SF₆", "sp³d²"), ("PCl₅", "sp³d"), ("XeF₄", "sp³d²"), ("BF₃", "sp²"), ("BeCl₂", "sp"),
                         ("ClF₃", "sp³d"), ("NH₃", "sp³"), ("XeF₂", "sp³d"), ("SF₄", "sp³d")])
    opts = ["sp", "sp²", "sp³", "sp³d", "sp³d²"]
    return Problem(
        f"What is the hybridisation of the central atom in {mol}?",
        f"Count σ bonds plus lone pairs on the central atom (steric number) and match: {mol} is {ans}.",
        answer=ans, distractors=tuple(o for o in opts if o != ans)[:3],
    )


@shape(C, "bonding")
def _molecular_shape(r: R) -> Problem:
    mol, ans, wrong = r.choice([
        ("XeF₄", "square planar", ("tetrahedral", "see-saw", "octahedral")),
        ("SF₄", "see-saw", ("tetrahedral", "square planar", "trigonal pyramidal")),
        ("ClF₃", "T-shaped", ("trigonal planar", "trigonal pyramidal", "see-saw")),
        ("NH₃", "trigonal pyramidal", ("trigonal planar", "tetrahedral", "T-shaped")),
        ("XeF₂", "linear", ("bent", "T-shaped", "trigonal planar")),
        ("H₂O", "bent", ("linear", "tetrahedral", "trigonal pyramidal")),
    ])
    return Problem(
        f"According to VSEPR theory, what is the shape of the {mol} molecule?",
        f"Place bond pairs and lone pairs around the central atom to minimise repulsion (lone pairs take the roomiest "
        f"positions); the atoms of {mol} then form a {ans} arrangement.",
        answer=ans, distractors=wrong,
    )


@shape(C, "bonding")
def _bond_order(r: R) -> Problem:
    sp, v = r.choice([("O₂", 2.0), ("O₂⁺", 2.5), ("O₂⁻", 1.5), ("O₂²⁻", 1.0), ("N₂", 3.0), ("N₂⁺", 2.5), ("C₂", 2.0)])
    return Problem(
        f"According to molecular orbital theory, what is the bond order of {sp}?",
        f"Bond order $= \\frac{{N_b - N_a}}{{2}}$ from the MO filling of {sp}: {fmt(v)}.",
        v, wrong=tuple(x for x in (1.0, 1.5, 2.0, 2.5, 3.0) if x != v)[:3],
    )


@shape(C, "bonding", "easy")
def _lone_pairs(r: R) -> Problem:
    mol, v = r.choice([("XeF₄", 2), ("XeF₂", 3), ("ClF₃", 2), ("SF₄", 1), ("NH₃", 1), ("H₂O", 2), ("XeF₆", 1)])
    return Problem(
        f"How many lone pairs of electrons are on the central atom of {mol}?",
        f"Valence electrons of the central atom minus those used in bonds, halved: {v}.",
        v, wrong=tuple(x for x in (0, 1, 2, 3) if x != v),
    )


@shape(C, "bonding")
def _zero_dipole(r: R) -> Problem:
    return Problem(
        "Which of these molecules has zero dipole moment?",
        "In BF₃ the three B–F bond dipoles lie at 120° in a plane and cancel; NH₃, H₂O and CHCl₃ are not symmetric.",
        answer="BF₃", distractors=("NH₃", "H₂O", "CHCl₃"),
    )


@shape(C, "bonding")
def _sigma_pi_count(r: R) -> Problem:
    name, formula, sigma, pi = r.choice([("ethyne", "HC≡CH", 3, 2), ("benzene", "C₆H₆", 12, 3), ("ethene", "H₂C=CH₂", 5, 1),
                                         ("acrylonitrile", "CH₂=CH–C≡N", 6, 3), ("but-2-yne", "CH₃C≡CCH₃", 9, 2)])
    return Problem(
        f"How many σ bonds are there in a molecule of {name} ({formula})?",
        f"Every single bond is one σ; a double bond is σ + π and a triple σ + 2π: {name} has {sigma} σ and {pi} π bonds.",
        sigma, wrong=(sigma + pi, sigma - 1, pi),
    )


@shape(C, "organic", "easy")
def _isomer_count(r: R) -> Problem:
    formula, desc, v = r.choice([("C₅H₁₂", "structural isomers (alkanes)", 3), ("C₆H₁₄", "structural isomers (alkanes)", 5),
                                 ("C₄H₁₀O", "isomeric alcohols (structural only)", 4), ("C₃H₈O", "structural isomers (alcohols and ethers)", 3),
                                 ("C₄H₉Cl", "structural isomers", 4)])
    return Problem(
        f"How many {desc} have the formula {formula}?",
        f"Draw every carbon skeleton and every position of the functional group without repeats: {v}.",
        v, wrong=(v + 1, v - 1, v + 2),
    )


@shape(C, "organic")
def _degree_of_unsaturation(r: R) -> Problem:
    c, h, n = r.choice([(6, 6, 0), (7, 8, 0), (4, 5, 1), (8, 10, 0), (5, 5, 1), (10, 8, 0)])
    v = (2 * c + 2 + n - h) // 2
    formula = f"C{c}H{h}" + ("N" if n else "")
    return Problem(
        f"What is the degree of unsaturation (rings plus π bonds) of a compound with molecular formula {formula}?",
        f"$DU = \\frac{{2C + 2 + N - H}}{{2}} = \\frac{{{2 * c} + 2 + {n} - {h}}}{{2}} = {v}$.",
        v, wrong=(v + 1, v - 1, (2 * c + 2 - h) // 2 if n else v + 2),
    )


@shape(C, "organic")
def _reagent_for_conversion(r: R) -> Problem:
    conv, ans, wrong = r.choice([
        ("a primary alcohol into an aldehyde without over-oxidation", "PCC (pyridinium chlorochromate)",
         ("acidified KMnO₄", "LiAlH₄", "Zn–Hg/HCl")),
        ("a ketone into an alkane", "Zn–Hg and concentrated HCl (Clemmensen reduction)",
         ("PCC", "NaBH₄", "Tollens' reagent")),
        ("benzene into acetophenone", "CH₃COCl with anhydrous AlCl₃", ("CH₃Cl with anhydrous AlCl₃", "CH₃COOH and H₂SO₄", "Br₂ in water")),
        ("an alkyl halide into an alkene", "alcoholic KOH", ("aqueous KOH", "Na in dry ether", "H₂/Ni")),
        ("propene into propan-1-ol", "B₂H₆, then H₂O₂/NaOH (hydroboration–oxidation)",
         ("dilute H₂SO₄ (acid-catalysed hydration)", "HBr with peroxide", "O₃ then Zn/H₂O")),
    ])
    return Problem(
        f"Which reagent converts {conv}?",
        "The named reagent does exactly this conversion; the others over-react, do something else or need another substrate.",
        answer=ans, distractors=wrong,
    )


@shape(C, "organic")
def _acidity_order(r: R) -> Problem:
    return Problem(
        "Which of the following is the strongest acid?",
        "Electron-withdrawing groups stabilise the carboxylate; three chlorines on the α-carbon withdraw most, so "
        "trichloroacetic acid is the strongest.",
        answer="CCl₃COOH", distractors=("CH₃COOH", "ClCH₂COOH", "phenol"),
    )


@shape(C, "organic", "easy")
def _kjeldahl_nitrogen(r: R) -> Problem:
    w, vol, normal = r.choice([(0.5, 10, 1), (0.25, 20, 0.5), (1, 30, 0.5), (0.4, 16, 0.5)])
    v = 1.4 * normal * vol / w
    return Problem(
        f"In a Kjeldahl estimation, the ammonia from {fmt(w)} g of an organic compound neutralises {vol} mL of {fmt(normal)} N "
        "sulphuric acid. What is the percentage of nitrogen in the compound?",
        f"$\\%N = \\frac{{1.4 \\times N \\times V}}{{w}} = \\frac{{1.4 \\times {fmt(normal)} \\times {vol}}}{{{fmt(w)}}} = {fmt(v)}\\%$.",
        v, "%", wrong=(v / 2, v * 2, 14 * normal * vol / w / 100),
    )


@shape(C, "organic")
def _stereoisomers(r: R) -> Problem:
    name, centres = r.choice([("2,3-dibromobutane", 2), ("glucose (open chain)", 4), ("2-chlorobutane", 1), ("tartaric acid", 2)])
    meso = name in ("2,3-dibromobutane", "tartaric acid")
    v = 3 if meso else 2**centres
    return Problem(
        f"How many stereoisomers does {name} have?",
        f"It has {centres} chiral centre{'s' if centres > 1 else ''}, giving at most $2^{{{centres}}}$; "
        + ("its symmetry makes one of them a meso form, so there are 3." if meso else f"all {v} are distinct."),
        v, wrong=(2**centres if meso else v // 2 or 1, centres, v + 2),
    )


# =============================================================================================================
# Biology (NCERT facts; numerical problems from genetics, physiology and ecology)
# =============================================================================================================

B = "biology"


@shape(B, "genetics")
def _hardy_weinberg_dominant(r: R) -> Problem:
    q = r.choice([0.1, 0.2, 0.3, 0.4, 0.6])
    org = r.choice(["a population of wild rabbits", "a village population", "a herd of cattle", "a population of moths"])
    v = 1 - q
    return Problem(
        f"In {org} in Hardy–Weinberg equilibrium, {fmt(q * q * 100)}% of individuals show a recessive trait. What is the "
        "frequency of the dominant allele?",
        f"$q^2 = {fmt(q * q)}$ so $q = {fmt(q)}$ and $p = 1 - q = {fmt(v)}$.",
        v, wrong=(q, 1 - q * q, 2 * q * (1 - q)),
    )


@shape(B, "genetics")
def _hardy_weinberg_carriers(r: R) -> Problem:
    q = r.choice([0.1, 0.2, 0.3, 0.05])
    v = 100 * 2 * q * (1 - q)
    return Problem(
        f"The frequency of a recessive disease allele in a population at Hardy–Weinberg equilibrium is {fmt(q)}. What "
        "percentage of the population are heterozygous carriers?",
        f"$2pq = 2 \\times {fmt(1 - q)} \\times {fmt(q)} = {fmt(v / 100)}$, i.e. {fmt(v)}%.",
        v, "%", wrong=(100 * q * q, 100 * q * (1 - q), 100 * (1 - q) ** 2),
    )


@shape(B, "genetics", "easy")
def _dihybrid_fraction(r: R) -> Problem:
    ask, v, work = r.choice([
        ("are homozygous recessive for both genes (aabb)", 1 / 16, "$\\frac14 \\times \\frac14 = \\frac{1}{16}$"),
        ("show both dominant traits", 9 / 16, "$\\frac34 \\times \\frac34 = \\frac{9}{16}$"),
        ("are heterozygous for both genes (AaBb)", 4 / 16, "$\\frac12 \\times \\frac12 = \\frac14$"),
        ("show the dominant trait for gene A and the recessive trait for gene B", 3 / 16, "$\\frac34 \\times \\frac14 = \\frac{3}{16}$"),
        ("are true-breeding (homozygous) for both genes", 4 / 16, "$\\frac12 \\times \\frac12 = \\frac14$"),
    ])
    return Problem(
        f"Two pea plants heterozygous for two independently assorting genes (AaBb × AaBb) are crossed. What fraction of "
        f"the offspring {ask}?",
        f"Treat each gene separately and multiply: {work}.",
        v, wrong=tuple(x for x in (1 / 16, 3 / 16, 9 / 16, 1 / 4, 1 / 8) if not math.isclose(x, v))[:3], show=as_frac,
    )


@shape(B, "genetics", "easy")
def _monohybrid_count(r: R) -> Problem:
    total = r.choice([400, 800, 1000, 1200, 1600])
    trait = r.choice(["tall", "round-seeded", "violet-flowered", "green-podded"])
    v = total * 3 // 4
    return Problem(
        f"A cross between two heterozygous {trait} pea plants gives {total} offspring. How many of them are expected "
        f"to be {trait}?",
        f"Tt × Tt gives 3 dominant : 1 recessive, so $\\frac34 \\times {total} = {v}$ show the dominant {trait} phenotype.",
        v, wrong=(total // 4, total // 2, total * 2 // 3),
    )


@shape(B, "genetics", "easy")
def _gamete_types(r: R) -> Problem:
    genotype, k = r.choice([("AaBbCc", 3), ("AaBBCc", 2), ("AaBbCcDd", 4), ("AABbCcDD", 2), ("AaBbccDdEe", 4)])
    v = 2**k
    return Problem(
        f"How many genetically different gametes can an individual of genotype {genotype} produce, if the genes assort "
        "independently?",
        f"Only heterozygous loci double the count: {k} of them give $2^{{{k}}} = {v}$ kinds of gamete.",
        v, wrong=(2 * k, 2 ** (len(genotype) // 2), k),
    )


@shape(B, "genetics")
def _blood_group_cross(r: R) -> Problem:
    p1, p2, ask, v = r.choice([
        ("I^A i", "I^B i", "blood group O", 1 / 4), ("I^A i", "I^B i", "blood group AB", 1 / 4),
        ("I^A I^A", "I^B i", "blood group AB", 1 / 2), ("I^A i", "I^A i", "blood group A", 3 / 4), ("I^A I^B", "i i", "blood group A", 1 / 2),
    ])
    return Problem(
        f"A man of genotype ${p1}$ marries a woman of genotype ${p2}$. What is the probability that their child has {ask}?",
        "List the parents' gametes and combine them in a Punnett square; $I^A$ and $I^B$ are codominant and $i$ is recessive "
        f"to both, so the probability is ${tex_frac(v)}$.",
        v, wrong=tuple(x for x in (0.25, 0.5, 0.75, 0.0) if not math.isclose(x, v))[:3], show=as_frac,
    )


@shape(B, "genetics")
def _colour_blind_son(r: R) -> Problem:
    ask, v = r.choice([("a son of theirs is colour-blind", 1 / 2), ("a child of theirs is a colour-blind son", 1 / 4),
                       ("a daughter of theirs is colour-blind", 0.0), ("a daughter of theirs is a carrier", 1 / 2)])
    return Problem(
        f"A woman who is a carrier of colour blindness marries a man with normal vision. What is the probability that {ask}?",
        "Mother $X^cX$, father $XY$: sons get the mother's $X^c$ half the time; daughters always get the father's normal X, "
        "so none is colour-blind and half are carriers.",
        v, wrong=tuple(x for x in (0.0, 0.25, 0.5, 1.0) if not math.isclose(x, v))[:3], show=as_frac,
    )


@shape(B, "genetics", "easy")
def _chargaff(r: R) -> Problem:
    a = r.choice([15, 18, 20, 22, 30, 35])
    v = 50 - a
    return Problem(
        f"A double-stranded DNA sample contains {a}% adenine. What percentage of its bases are cytosine?",
        f"Chargaff's rule: A = T = {a}%, so G + C = {100 - 2 * a}% and C = {v}%.",
        v, "%", wrong=(float(a), 100.0 - a, 100.0 - 2 * a),
    )


@shape(B, "genetics")
def _dna_length(r: R) -> Problem:
    bp = r.choice([3000, 5000, 10000, 48502])
    v = bp * 0.34 / 1000
    return Problem(
        f"A stretch of B-DNA is {bp} base pairs long. What is its length, given 0.34 nm between adjacent base pairs?",
        f"$L = {bp} \\times 0.34$ nm $= {fmt(bp * 0.34)}$ nm $= {fmt(v)}$ μm.",
        v, "μm", wrong=(bp * 3.4 / 1000, v * 2, bp / 10 / 1000),
    )


@shape(B, "genetics", "easy")
def _helical_turns(r: R) -> Problem:
    bp = r.choice([200, 500, 1500, 4000])
    v = bp / 10
    return Problem(
        f"How many complete turns of the double helix are there in a {bp} bp segment of B-DNA?",
        f"One turn of B-DNA holds 10 base pairs (3.4 nm pitch): {bp}/10 = {fmt(v)} turns.",
        v, wrong=(bp / 20, bp * 0.34, bp / 3.4),
    )


@shape(B, "genetics")
def _amino_acids_from_mrna(r: R) -> Problem:
    codons = r.choice([100, 150, 301, 500])
    nt = codons * 3 + 3
    v = codons
    return Problem(
        f"A mature mRNA has a coding region of {nt} nucleotides from the start codon AUG up to and including the stop "
        "codon. How many amino acids does the polypeptide contain?",
        f"{nt}/3 = {codons + 1} codons, of which the last is a stop codon that codes for no amino acid: {v}.",
        v, wrong=(codons + 1, nt, codons * 3),
    )


@shape(B, "cell", "easy")
def _chromosome_count(r: R) -> Problem:
    n2 = r.choice([14, 16, 20, 24, 46, 48])
    cell, v, why = r.choice([
        ("a cell of the endosperm", 3 * n2 // 2, "the endosperm is triploid (3n)"),
        ("a pollen grain's generative cell", n2 // 2, "it is haploid (n)"),
        ("a meiocyte at the start of meiosis I", n2, "it is diploid (2n)"),
        ("each daughter cell after meiosis II", n2 // 2, "meiosis halves the number (n)"),
    ])
    return Problem(
        f"A flowering plant has {n2} chromosomes in its leaf cells. How many chromosomes are there in {cell}?",
        f"Leaf cells are 2n = {n2}, so n = {n2 // 2}; {why}: {v}.",
        v, wrong=tuple(x for x in (n2 // 2, n2, 3 * n2 // 2, 2 * n2) if x != v)[:3],
    )


@shape(B, "cell")
def _meiosis_divisions(r: R) -> Problem:
    seeds = r.choice([100, 200, 400])
    v = seeds + seeds // 4
    return Problem(
        f"How many meiotic divisions are needed to form {seeds} seeds in an angiosperm (one ovule and one pollen grain "
        "per seed)?",
        f"Each megaspore mother cell gives one functional megaspore: {seeds} divisions; each microspore mother cell gives "
        f"four pollen grains: {seeds // 4} divisions. Total {v}.",
        v, wrong=(seeds // 4, seeds, seeds * 2),
    )


@shape(B, "human_phys", "easy")
def _cardiac_output(r: R) -> Problem:
    hr, sv = r.choice([72, 70, 75, 80]), r.choice([70, 75, 80])
    v = hr * sv / 1000
    return Problem(
        f"A healthy adult's heart beats {hr} times a minute with a stroke volume of {sv} mL. What is the cardiac output?",
        f"Cardiac output = heart rate × stroke volume = ${hr} \\times {sv}$ mL/min = {fmt(v)} L/min.",
        v, "L/min", wrong=(hr * sv / 100, (hr + sv) / 10, hr / sv * 10),
    )


@shape(B, "human_phys")
def _minute_ventilation(r: R) -> Problem:
    tv, rate = r.choice([500, 450, 600]), r.choice([12, 14, 16])
    v = tv * rate / 1000
    return Problem(
        f"A person breathes {rate} times a minute at rest with a tidal volume of {tv} mL. How much air moves in and out of "
        "the lungs each minute?",
        f"Pulmonary ventilation = tidal volume × breathing rate = ${tv} \\times {rate}$ mL = {fmt(v)} L/min.",
        v, "L/min", wrong=(tv * rate / 100, tv / rate, (tv - 150) * rate / 1000),
    )


@shape(B, "human_phys")
def _vital_capacity(r: R) -> Problem:
    tv, irv, erv = r.choice([(500, 2500, 1000), (500, 3000, 1100), (450, 2800, 1200)])
    v = tv + irv + erv
    return Problem(
        f"A spirometer gives tidal volume {tv} mL, inspiratory reserve volume {irv} mL and expiratory reserve volume "
        f"{erv} mL. What is the vital capacity?",
        f"Vital capacity = TV + IRV + ERV = {tv} + {irv} + {erv} = {v} mL.",
        v, "mL", wrong=(tv + irv, irv + erv, v + 1200),
    )


@shape(B, "ecology", "easy")
def _ten_percent_law(r: R) -> Problem:
    e0, level = r.choice([10000, 20000, 50000]), r.choice([3, 4])
    v = e0 / 10 ** (level - 1)
    names = {3: "secondary consumers", 4: "tertiary consumers"}
    return Problem(
        f"Producers in a grassland fix {e0} J of energy. Following Lindeman's 10 per cent law, how much energy reaches "
        f"the {names[level]}?",
        f"Each step passes on 10%: {e0} → {e0 // 10} → {e0 // 100}" + (f" → {e0 // 1000}" if level == 4 else "") + f" J, so {fmt(v)} J.",
        v, "J", wrong=(v * 10, v / 10, e0 * 0.1),
    )


@shape(B, "ecology")
def _population_growth(r: R) -> Problem:
    n, births, deaths = r.choice([(1000, 80, 30), (500, 40, 15), (2000, 100, 60), (800, 50, 10)])
    v = (births - deaths) / n
    return Problem(
        f"A pond has {n} frogs at the start of a year. During the year {births} are born and {deaths} die, with no "
        "migration. What is the per capita growth rate r for the year?",
        f"$r = b - d = \\frac{{{births} - {deaths}}}{{{n}}} = {fmt(v)}$ per frog per year.",
        v, wrong=(births / n, (births + deaths) / n, float(births - deaths)),
    )


@shape(B, "ecology")
def _population_density_quadrat(r: R) -> Problem:
    counts, area = r.choice([((12, 8, 10, 14, 6), 1), ((5, 7, 3, 9, 6), 0.5), ((20, 16, 24, 18, 22), 2)])
    v = sum(counts) / len(counts) / area
    return Problem(
        f"Five quadrats, each {fmt(area)} m², placed at random in a meadow contain {', '.join(map(str, counts))} "
        "plants of a species. What is its population density?",
        f"Mean per quadrat $= {sum(counts)}/5 = {fmt(sum(counts) / 5)}$; density $= {fmt(sum(counts) / 5)}/{fmt(area)} = {fmt(v)}$ per m².",
        v, "per m²", wrong=(float(sum(counts)), sum(counts) / len(counts) * area if area != 1 else v * 2, v / 5),
    )


@shape(B, "plant_phys")
def _calvin_cycle_count(r: R) -> Problem:
    glucose = r.choice([1, 2, 3])
    ask, per, why = r.choice([("ATP", 18, "3 ATP per CO₂ fixed"), ("NADPH", 12, "2 NADPH per CO₂ fixed"),
                              ("turns of the Calvin cycle", 6, "one turn fixes one CO₂")])
    v = per * glucose
    return Problem(
        f"How many {ask} are needed in the Calvin cycle to make {glucose} molecule{'s' if glucose > 1 else ''} of glucose?",
        f"Each glucose needs 6 CO₂ fixed, and {why}: ${per} \\times {glucose} = {v}$.",
        v, wrong=tuple(x * glucose for x in (6, 12, 18, 24, 30) if x != per)[:3],
    )


@shape(B, "human_phys")
def _microscope_magnification(r: R) -> Problem:
    obj, eye = r.choice([10, 40, 100]), r.choice([5, 10, 15])
    v = obj * eye
    return Problem(
        f"A student examines a blood smear with a {eye}× eyepiece and a {obj}× objective. What is the total "
        "magnification?",
        f"Total magnification = eyepiece × objective = {eye} × {obj} = {v}.",
        v, wrong=(obj + eye, obj * eye / 2, obj * eye * 10),
    )


def _bio_facts() -> None:
    rows: list[tuple[str, str, str, str, tuple[str, str, str], str]] = [
        ("cell", "site_of_krebs", "Where in a eukaryotic cell does the Krebs cycle take place?", "Mitochondrial matrix",
         ("Cytoplasm", "Inner mitochondrial membrane", "Stroma of the chloroplast"),
         "Glycolysis is cytoplasmic; pyruvate enters the mitochondrion and the TCA cycle runs in the matrix."),
        ("cell", "ribosome_70s", "Which ribosomes are found in prokaryotic cells?", "70S", ("80S", "60S", "90S"),
         "Prokaryotes have 70S ribosomes (50S + 30S); eukaryotic cytoplasmic ribosomes are 80S."),
        ("cell", "crossing_over_stage", "In which stage of prophase I does crossing over take place?", "Pachytene",
         ("Leptotene", "Zygotene", "Diakinesis"),
         "Synapsis forms in zygotene; exchange between non-sister chromatids happens in pachytene."),
        ("cell", "golgi_function", "Which organelle is the main site of packaging and glycosylation of proteins for "
         "secretion?", "Golgi apparatus", ("Lysosome", "Smooth endoplasmic reticulum", "Peroxisome"),
         "Proteins from the RER are modified, packaged and dispatched by the Golgi complex."),
        ("cell", "lipid_membrane", "According to the fluid mosaic model, what forms the basic framework of the plasma "
         "membrane?", "A lipid bilayer with proteins embedded in it", ("A protein bilayer coated with lipids",
                                                                       "A single layer of cellulose", "A carbohydrate lattice"),
         "Singer and Nicolson (1972): a quasi-fluid phospholipid bilayer with peripheral and integral proteins."),
        ("human_phys", "pepsin_activation", "Which of the following converts inactive pepsinogen into pepsin in the "
         "stomach?", "Hydrochloric acid", ("Bile salts", "Enterokinase", "Trypsin"),
         "HCl from the oxyntic cells gives the acidic pH that activates pepsinogen."),
        ("human_phys", "pacemaker", "Which part of the human heart is called the pacemaker?", "Sino-atrial node",
         ("Atrio-ventricular node", "Bundle of His", "Purkinje fibres"),
         "The SA node, in the right atrium, generates the maximum number of action potentials per minute."),
        ("human_phys", "loop_of_henle", "Which part of the nephron is mainly responsible for the counter-current "
         "concentration of urine?", "Loop of Henle", ("Bowman's capsule", "Proximal convoluted tubule", "Collecting duct"),
         "The hairpin loop of Henle and the vasa recta maintain the medullary osmotic gradient."),
        ("human_phys", "oxygen_transport", "About what percentage of the oxygen carried by the blood is transported by "
         "haemoglobin in red blood cells?", "About 97 per cent", ("About 3 per cent", "About 70 per cent", "About 20 per cent"),
         "About 97% of O₂ is carried as oxyhaemoglobin; only about 3% is dissolved in plasma."),
        ("human_phys", "sarcomere_band", "During contraction of a skeletal muscle fibre, which band of the sarcomere keeps "
         "its length?", "A band", ("I band", "H zone", "The whole sarcomere"),
         "Thin filaments slide over the thick ones: the I band and H zone shorten while the A band stays constant."),
        ("human_phys", "adh_source", "Antidiuretic hormone (vasopressin) is released into the blood from which gland?",
         "Posterior pituitary", ("Anterior pituitary", "Adrenal cortex", "Thyroid"),
         "ADH is made in the hypothalamus and stored in and released from the neurohypophysis."),
        ("human_phys", "insulin_cells", "Which cells of the pancreas secrete insulin?", "β-cells of the islets of Langerhans",
         ("α-cells of the islets of Langerhans", "Acinar cells", "δ-cells of the islets of Langerhans"),
         "β-cells secrete insulin, α-cells glucagon; acinar cells make digestive enzymes."),
        ("human_phys", "resting_potential", "During the resting state of a neuron, the axonal membrane is:",
         "more permeable to K⁺ than to Na⁺, with the inside negative", ("more permeable to Na⁺, with the inside positive",
                                                                       "equally permeable to Na⁺ and K⁺", "impermeable to all ions"),
         "The Na⁺/K⁺ pump and the higher K⁺ permeability keep the inside negative (polarised)."),
        ("plant_phys", "light_reaction_site", "Where do the light reactions of photosynthesis take place?",
         "Thylakoid membranes of the chloroplast", ("Stroma of the chloroplast", "Mitochondrial matrix", "Cytoplasm"),
         "Photosystems and the electron transport chain sit in the thylakoid membranes; the Calvin cycle runs in the stroma."),
        ("plant_phys", "c4_first_product", "What is the first stable product of CO₂ fixation in C₄ plants?",
         "Oxaloacetic acid", ("3-phosphoglyceric acid", "Pyruvic acid", "Malic acid"),
         "PEP carboxylase in mesophyll cells fixes CO₂ into the 4-carbon oxaloacetic acid (OAA)."),
        ("plant_phys", "stomata_opening", "Which ion moves into the guard cells and drives the opening of stomata?",
         "K⁺", ("Ca²⁺", "Na⁺", "Mg²⁺"),
         "K⁺ influx lowers the guard cells' water potential; water enters and the cells become turgid."),
        ("plant_phys", "ethylene_ripening", "Which plant hormone promotes the ripening of fruits?", "Ethylene",
         ("Gibberellin", "Cytokinin", "Abscisic acid"),
         "Ethylene is a gaseous hormone that enhances respiration and ripening (the climacteric)."),
        ("plant_phys", "nitrogenase_metal", "Which element is a component of the nitrogenase enzyme of nitrogen-fixing "
         "bacteria?", "Molybdenum", ("Manganese", "Zinc", "Copper"),
         "Nitrogenase contains molybdenum and iron (the Mo–Fe protein)."),
        ("plant_phys", "photorespiration", "In which plants is photorespiration practically absent?", "C₄ plants",
         ("C₃ plants", "All plants equally", "Shade plants only"),
         "C₄ plants concentrate CO₂ at RuBisCO in the bundle-sheath cells, so its oxygenase activity is minimal."),
        ("ecology", "pyramid_of_energy", "Which ecological pyramid is always upright?", "Pyramid of energy",
         ("Pyramid of numbers", "Pyramid of biomass", "None of them"),
         "Energy is lost at every transfer, so each trophic level holds less energy than the one below."),
        ("ecology", "mutualism_example", "Which of these is an example of mutualism?", "Lichen (fungus and alga)",
         ("Cuscuta on a host plant", "Tapeworm in the human gut", "Orchid growing on a mango branch"),
         "In a lichen the fungus gives water and minerals and the alga gives food: both benefit. An epiphytic orchid is commensalism."),
        ("ecology", "hotspots_india", "Which of these regions of India is a biodiversity hotspot?", "Western Ghats and Sri Lanka",
         ("Thar Desert", "Indo-Gangetic plain", "Deccan plateau"),
         "India shares three hotspots: the Western Ghats–Sri Lanka, the Himalaya and Indo-Burma."),
        ("ecology", "ozone_depletion", "Which substances are chiefly responsible for the depletion of stratospheric ozone?",
         "Chlorofluorocarbons", ("Carbon dioxide", "Methane", "Sulphur dioxide"),
         "UV splits CFCs to release Cl atoms, which destroy ozone catalytically."),
        ("ecology", "biomagnification", "The increase in concentration of a toxic substance such as DDT at successive "
         "trophic levels is called:", "Biomagnification", ("Eutrophication", "Bioremediation", "Biodegradation"),
         "DDT is not metabolised or excreted and accumulates up the food chain."),
        ("reproduction", "fertilisation_site", "Where does fertilisation normally occur in the human female?",
         "Ampullary region of the fallopian tube", ("Uterus", "Cervix", "Ovary"),
         "The ovum and sperm meet in the ampulla of the oviduct; the zygote then moves to the uterus."),
        ("reproduction", "lh_surge", "The release of the ovum (ovulation) is triggered by a surge of which hormone?",
         "Luteinising hormone", ("Progesterone", "Prolactin", "Oxytocin"),
         "The mid-cycle LH surge induces the rupture of the Graafian follicle."),
        ("reproduction", "double_fertilisation", "In angiosperms, the fusion of a male gamete with the two polar nuclei "
         "produces:", "the primary endosperm nucleus (3n)", ("the zygote (2n)", "the embryo sac", "the synergids"),
         "Double fertilisation: syngamy gives the zygote; triple fusion gives the triploid primary endosperm nucleus."),
        ("reproduction", "sertoli_function", "Which cells of the testis provide nutrition to the developing sperm?",
         "Sertoli cells", ("Leydig cells", "Spermatogonia", "Interstitial cells"),
         "Sertoli (sustentacular) cells nourish germ cells; Leydig cells secrete androgens."),
        ("evolution", "homologous_organs", "Which pair are homologous organs?", "Forelimbs of a whale and a bat",
         ("Wings of a butterfly and a bird", "Eye of an octopus and of a mammal", "Sweet potato and potato"),
         "Homologous organs share an origin but differ in function (divergent evolution)."),
        ("evolution", "miller_experiment", "In Miller's 1953 experiment, which molecules formed from CH₄, NH₃, H₂ and water "
         "vapour under electric discharge?", "Amino acids", ("Nucleic acids", "Proteins", "Lipid bilayers"),
         "Miller simulated the early atmosphere and obtained simple organic molecules such as amino acids."),
        ("evolution", "industrial_melanism", "The increase of dark-winged moths in industrial England is an example of:",
         "natural selection", ("genetic drift", "use and disuse of organs", "mutation pressure alone"),
         "Soot-darkened tree trunks made dark moths less visible to predators, so they were selected."),
        ("biotech", "ecori_site", "EcoRI cuts DNA at which recognition sequence?", "5′-GAATTC-3′",
         ("5′-GGATCC-3′", "5′-AAGCTT-3′", "5′-CTGCAG-3′"),
         "EcoRI recognises the palindrome GAATTC and cuts between G and A, leaving sticky ends."),
        ("biotech", "taq_polymerase", "Why is Taq polymerase used in the polymerase chain reaction?",
         "It stays active at the high temperatures used to denature DNA", ("It needs no primers",
                                                                          "It copies RNA into DNA", "It joins DNA fragments"),
         "Taq polymerase, from Thermus aquaticus, survives the ~94 °C denaturation step of every cycle."),
        ("biotech", "bt_toxin", "The Bt toxin of Bacillus thuringiensis kills insects because:",
         "the inactive protoxin is activated by the alkaline pH of the insect gut", ("it is active inside the bacterium",
                                                                                    "it acts on the plant's cells", "it is an RNA molecule"),
         "The protoxin crystals become active in the alkaline gut and damage the midgut epithelium."),
        ("biotech", "gel_electrophoresis", "In agarose gel electrophoresis, DNA fragments move towards:",
         "the anode, the smaller fragments moving farther", ("the cathode, the larger fragments moving farther",
                                                             "the anode, the larger fragments moving farther", "neither electrode"),
         "DNA is negatively charged; the gel sieves the fragments by size."),
        ("health", "malaria_infective", "Which stage of Plasmodium is injected into the human body by the female "
         "Anopheles mosquito?", "Sporozoite", ("Gametocyte", "Merozoite", "Trophozoite"),
         "Sporozoites from the mosquito's salivary glands enter the blood and then the liver."),
        ("health", "hiv_target", "Which cells of the immune system does HIV primarily attack?", "Helper T lymphocytes",
         ("B lymphocytes", "Neutrophils", "Red blood cells"),
         "HIV infects CD4⁺ helper T cells (and macrophages), reducing their number over time."),
        ("health", "antibody_ige", "Which class of antibody is chiefly involved in allergic reactions?", "IgE",
         ("IgG", "IgA", "IgM"),
         "Allergens trigger IgE, which makes mast cells release histamine and serotonin."),
        ("health", "typhoid_test", "Which test confirms typhoid fever?", "Widal test", ("ELISA", "Mantoux test", "Schick test"),
         "The Widal test detects antibodies against Salmonella typhi antigens."),
    ]
    for topic, name, text, answer, distractors, why in rows:
        fact(B, topic, name, text, answer, distractors, why)


_bio_facts()


# =============================================================================================================
# Generic (any other subject): quantitative aptitude that still reads like an exam question
# =============================================================================================================

G = "generic"


@shape(G, "aptitude", "easy")
def _successive_percent(r: R) -> Problem:
    a, b = r.choice([(20, 10), (10, 20), (25, 20), (50, 20), (30, 10)])
    v = (1 + a / 100) * (1 - b / 100) * 100 - 100
    return Problem(
        f"The price of an article is first raised by {a}% and then reduced by {b}%. What is the net percentage change?",
        f"Net factor $= {fmt(1 + a / 100)} \\times {fmt(1 - b / 100)} = {fmt((1 + a / 100) * (1 - b / 100))}$, a change of {fmt(v)}%.",
        v, "%", wrong=(float(a - b), a - b + a * b / 100, -v if v else 1.0),
    )


@shape(G, "aptitude", "easy")
def _simple_interest(r: R) -> Problem:
    p, rate, t = r.choice([5000, 8000, 12000]), r.choice([5, 8, 10, 12]), r.choice([2, 3, 5])
    v = p * rate * t / 100
    return Problem(
        f"What simple interest does ₹{p} earn in {t} years at {rate}% per annum?",
        f"$SI = \\frac{{PRT}}{{100}} = \\frac{{{p} \\times {rate} \\times {t}}}{{100}} = {fmt(v)}$ rupees.",
        v, "rupees", wrong=(p * rate / 100, v + p, p * ((1 + rate / 100) ** t - 1)),
    )


@shape(G, "aptitude")
def _ci_si_difference(r: R) -> Problem:
    rate, d = r.choice([(10, 50), (5, 25), (10, 80), (20, 200), (8, 32)])
    v = d * (100 / rate) ** 2
    return Problem(
        f"On a certain sum, the compound interest for 2 years at {rate}% per annum (compounded yearly) exceeds the simple "
        f"interest for the same period by ₹{d}. What is the sum?",
        f"For two years the difference is $P\\left(\\frac{{r}}{{100}}\\right)^2$, so $P = {d} \\times \\left(\\frac{{100}}{{{rate}}}\\right)^2 "
        f"= {fmt(v)}$ rupees.",
        v, "rupees", wrong=(d * 100 / rate, v / 2, v * 2),
    )


@shape(G, "aptitude", "easy")
def _ratio_share(r: R) -> Problem:
    (a, b, c), total = r.choice([(2, 3, 5), (1, 2, 3), (3, 4, 5)]), r.choice([1200, 3600, 6000])
    v = total * c / (a + b + c)
    return Problem(
        f"₹{total} is divided among three friends in the ratio {a} : {b} : {c}. How much does the third friend get?",
        f"Total parts {a + b + c}; third share $= {total} \\times \\frac{{{c}}}{{{a + b + c}}} = {fmt(v)}$ rupees.",
        v, "rupees", wrong=(total * a / (a + b + c), total / 3, total * c / (a + b)),
    )


@shape(G, "aptitude", "easy")
def _average_new_member(r: R) -> Problem:
    n, avg, new_avg = r.choice([(10, 40, 42), (20, 35, 36), (15, 50, 51), (24, 12, 13)])
    v = new_avg * (n + 1) - avg * n
    return Problem(
        f"The average age of {n} members of a club is {avg} years. When one new member joins, the average becomes "
        f"{new_avg} years. How old is the new member?",
        f"New total $- $ old total $= {new_avg} \\times {n + 1} - {avg} \\times {n} = {v}$ years.",
        v, "years", wrong=(float(new_avg), new_avg + (new_avg - avg) * n / 2, float(avg + n)),
    )


@shape(G, "aptitude", "easy")
def _work_together(r: R) -> Problem:
    a, b = r.choice([(10, 15), (12, 24), (20, 30), (6, 12), (18, 9)])
    v = a * b / (a + b)
    return Problem(
        f"A can finish a job in {a} days and B can finish it in {b} days. Working together, how many days do they take?",
        f"Together they do $\\frac{{1}}{{{a}}} + \\frac{{1}}{{{b}}} = \\frac{{{a + b}}}{{{a * b}}}$ of the job a day: {fmt(v)} days.",
        v, "days", wrong=((a + b) / 2, float(a + b), float(abs(a - b))),
    )


@shape(G, "aptitude")
def _pipes_cistern(r: R) -> Problem:
    fill, empty = r.choice([(4, 6), (6, 12), (3, 4), (10, 15)])
    v = fill * empty / (empty - fill)
    return Problem(
        f"One pipe fills a tank in {fill} hours and another empties the full tank in {empty} hours. If both are opened "
        "together on an empty tank, how long does it take to fill?",
        f"Net rate $= \\frac{{1}}{{{fill}}} - \\frac{{1}}{{{empty}}}$ of the tank per hour, so it fills in {fmt(v)} hours.",
        v, "hours", wrong=(fill * empty / (empty + fill), float(empty - fill), float(fill + empty)),
    )


@shape(G, "aptitude", "easy")
def _profit_percent(r: R) -> Problem:
    cp, sp = r.choice([(400, 500), (250, 300), (800, 920), (1200, 1500)])
    v = (sp - cp) / cp * 100
    return Problem(
        f"A shopkeeper buys a lamp for ₹{cp} and sells it for ₹{sp}. What is his profit percentage?",
        f"Profit $= {sp - cp}$; profit % $= \\frac{{{sp - cp}}}{{{cp}}} \\times 100 = {fmt(v)}\\%$.",
        v, "%", wrong=((sp - cp) / sp * 100, float(sp - cp), v * 2),
    )


@shape(G, "aptitude")
def _successive_discount(r: R) -> Problem:
    a, b = r.choice([(20, 10), (10, 10), (25, 20), (30, 20)])
    v = 100 - (100 - a) * (100 - b) / 100
    return Problem(
        f"A shop offers a discount of {a}% followed by a further {b}% on the reduced price. What single discount is "
        "equivalent?",
        f"Price factor $= {fmt(1 - a / 100)} \\times {fmt(1 - b / 100)}$, so the discount is $100 - {fmt((100 - a) * (100 - b) / 100)} = {fmt(v)}\\%$.",
        v, "%", wrong=(float(a + b), a + b + a * b / 100, float(max(a, b))),
    )


def ratio_text(x: float) -> str:
    """A ratio in lowest terms: 2.0 -> '2 : 1', 0.4 -> '2 : 5'."""
    f = _fraction(x)
    return f"{f.numerator} : {f.denominator}"


@shape(G, "aptitude")
def _alligation(r: R) -> Problem:
    p1, p2, pm = r.choice([(40, 60, 50), (30, 45, 40), (20, 50, 30), (60, 90, 70)])
    v = (p2 - pm) / (pm - p1)
    return Problem(
        f"Rice at ₹{p1} per kg is mixed with rice at ₹{p2} per kg so that the mixture is worth ₹{pm} per kg. In what "
        "ratio (cheaper : dearer) are they mixed?",
        f"Alligation: cheaper : dearer $= ({p2} - {pm}) : ({pm} - {p1}) = {p2 - pm} : {pm - p1}$, i.e. {ratio_text(v)}.",
        v, wrong=(1 / v, 2 * v, v / 2 if v / 2 != 1 / v else 3 * v), show=ratio_text,
    )


@shape(G, "aptitude", "easy")
def _ages(r: R) -> Problem:
    k, later, mult = r.choice([(3, 10, 2), (4, 5, 3), (3, 12, 2), (5, 8, 3)])
    # father = k * son now; in `later` years father = mult * son
    son = later * (mult - 1) / (k - mult)
    v = son
    return Problem(
        f"A father is now {k} times as old as his son. In {later} years he will be {mult} times as old as his son. How old "
        "is the son now?",
        f"$F = {k}S$ and $F + {later} = {mult}(S + {later})$ give $({k} - {mult})S = {later * (mult - 1)}$, so $S = {fmt(v)}$ years.",
        v, "years", wrong=(v * k, v + later, later / (k - mult)),
    )


@shape(G, "aptitude")
def _clock_angle(r: R) -> Problem:
    h, m = r.choice([(3, 40), (4, 20), (7, 30), (9, 15), (2, 30), (10, 10)])
    raw = abs(30 * h - 5.5 * m)
    v = min(raw, 360 - raw)
    return Problem(
        f"What is the smaller angle between the hour and minute hands of a clock at {h}:{m:02d}?",
        f"$|30H - 5.5M| = |{30 * h} - {fmt(5.5 * m)}| = {fmt(raw)}°$; the smaller angle is {fmt(v)}°.",
        v, "degrees", wrong=(abs(30 * h - 6 * m) % 360 or 10.0, 360 - v, v + 5),
    )


@shape(G, "aptitude", "easy")
def _bells_together(r: R) -> Problem:
    a, b, c = r.choice([(6, 8, 12), (4, 6, 10), (5, 10, 15), (9, 12, 15)])
    v = math.lcm(a, b, c)
    return Problem(
        f"Three bells toll at intervals of {a}, {b} and {c} minutes. They toll together at noon. After how many minutes "
        "do they next toll together?",
        f"The least common multiple of {a}, {b} and {c} is {v}.",
        v, "minutes", wrong=(a * b * c, math.gcd(a, math.gcd(b, c)) * 10, a + b + c),
    )


@shape(G, "aptitude")
def _partnership(r: R) -> Problem:
    a, ta, b, tb, profit = r.choice([(20000, 12, 30000, 8, 10000), (50000, 6, 25000, 12, 9000), (40000, 12, 60000, 6, 14000)])
    v = profit * a * ta / (a * ta + b * tb)
    return Problem(
        f"A invests ₹{a} for {ta} months and B invests ₹{b} for {tb} months in a business. Out of a profit of ₹{profit}, "
        "what is A's share?",
        f"Shares go as capital × time: ${a * ta} : {b * tb}$, so A gets ${profit} \\times \\frac{{{a * ta}}}{{{a * ta + b * tb}}} = {fmt(v)}$ rupees.",
        v, "rupees", wrong=(profit * a / (a + b), profit / 2 if profit / 2 != v else profit / 3, profit - v if profit - v != v else v / 2),
    )


@shape(G, "aptitude", "easy")
def _train_pole(r: R) -> Problem:
    length, kmh = r.choice([(150, 54), (200, 72), (120, 36), (250, 90)])
    v = length / (kmh / 3.6)
    return Problem(
        f"A train {length} m long runs at {kmh} km/h. How long does it take to pass a signal post?",
        f"Speed $= {kmh} \\times \\frac{{5}}{{18}} = {fmt(kmh / 3.6)}$ m/s; time $= {length}/{fmt(kmh / 3.6)} = {fmt(v)}$ s.",
        v, "s", wrong=(length / kmh, v * 2, length * 3.6 / kmh / 2),
    )


@shape(G, "aptitude")
def _day_of_week(r: R) -> Problem:
    days, names = r.choice([45, 100, 61, 200, 365]), ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    start = r.randrange(7)
    end = names[(start + days) % 7]
    return Problem(
        f"Today is {names[start]}. What day of the week will it be {days} days from today?",
        f"${days} = 7 \\times {days // 7} + {days % 7}$, so count {days % 7} day{'s' if days % 7 != 1 else ''} on from {names[start]}: {end}.",
        answer=end, distractors=tuple(names[(start + days + k) % 7] for k in (1, -1, 2)),
    )


# =============================================================================================================
# Topics
# =============================================================================================================

# Keywords are regex fragments matched at a word start in the request's topic and subtopic (lower case).
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    # mathematics
    "algebra": ("algebra", "quadratic", "equation", "root", "polynomial", "logarithm", "inequalit", "modulus"),
    "complex": ("complex", "imaginary", "argand", "cube roots? of unity"),
    "sequences": ("sequence", "series", "progression", "a\\.?p\\b", "g\\.?p\\b", "arithmetic mean", "geometric mean"),
    "permutations": ("permutation", "combination", "counting", "arrangement", "selection"),
    "binomial": ("binomial",),
    "probability": ("probabilit", "bayes", "random variable", "statistics"),
    "limits": ("limit", "continu", "l'h", "hopital", "hôpital", "differentiab"),
    "derivatives": ("derivative", "differentiation", "differential calculus", "maxima", "minima", "tangent",
                    "application of derivatives", "rate of change", "rolle", "mean value", "monoton", "calculus"),
    "integrals": ("integra", "area under", "area between", "antiderivative", "calculus"),
    "coordinate": ("coordinate", "straight line", "circle", "parabola", "ellipse", "hyperbola", "conic", "locus"),
    "matrices": ("matri", "determinant"),
    "vectors": ("vector", "three.dimensional", "3d geometry", "scalar product", "cross product"),
    "trigonometry": ("trigonometr", "height", "heights and distances", "sine rule", "cosine rule", "properties of triangle"),
    # physics
    "kinematics": ("kinematic", "motion in a", "projectile", "free fall", "relative velocity", "velocity", "acceleration",
                   "motion in one", "motion in two", "circular motion", "rectilinear"),
    "laws_of_motion": ("laws? of motion", "newton", "friction", "force", "pulley", "atwood", "banking"),
    "work_energy": ("work", "energy", "power", "collision", "momentum", "conservation"),
    "rotation": ("rotation", "rotational", "moment of inertia", "torque", "angular momentum", "rolling", "rigid body",
                 "centre of mass", "center of mass", "system of particles"),
    "gravitation": ("gravitation", "gravity", "satellite", "orbit", "escape", "kepler"),
    "shm_waves": ("oscillation", "simple harmonic", "shm", "pendulum", "spring", "wave", "sound", "doppler", "beats",
                  "string", "organ pipe", "resonance"),
    "fluids": ("fluid", "pressure", "buoyan", "viscosity", "surface tension", "bernoulli", "hydrostatic",
               "properties of matter", "elasticity", "young's modulus", "mechanical properties"),
    "thermal": ("thermo", "heat", "calorimetry", "kinetic theory", "temperature", "carnot", "thermal", "radiation",
                "conduction", "ideal gas"),
    "electrostatics": ("electrostatic", "coulomb", "electric field", "electric charge", "charges", "capacit",
                       "electric potential", "gauss", "dipole"),
    "current": ("current electricity", "electric current", "resist", "circuit", "ohm", "kirchhoff", "cells?\\b",
                "potentiometer", "wheatstone", "meter bridge", "galvanometer"),
    "magnetism": ("magnet", "induction", "faraday", "inductor", "inductance", "alternating", "\\bac\\b", "transformer",
                  "lcr", "biot", "ampere", "solenoid", "moving charges"),
    "optics": ("optic", "lens", "mirror", "refraction", "reflection", "prism", "interference", "young", "diffraction",
               "light", "polari", "ray", "wave optics", "microscope", "telescope"),
    "modern": ("modern", "photoelectric", "atoms?\\b", "nucle", "radioactiv", "de broglie", "bohr", "semiconductor",
               "dual nature", "x-ray", "electronic devices", "transistor"),
    # chemistry
    "mole": ("mole concept", "moles?\\b", "stoichiom", "limiting", "concentration", "molarity", "molality",
             "some basic concepts", "empirical formula", "percentage composition", "yield"),
    "gases": ("gas", "gaseous", "states of matter", "boyle", "charles", "dalton", "graham"),
    "kinetics": ("kinetic", "rate", "half-life", "half life", "order of reaction", "arrhenius", "activation"),
    "equilibrium": ("equilibri", "ph\\b", "acid", "base", "buffer", "solubility", "le chatelier", "ionic", "ionization",
                    "ionisation"),
    "thermochem": ("thermochem", "thermodynamic", "enthalpy", "entropy", "gibbs", "hess", "heat of", "bond energy"),
    "electrochem": ("electrochem", "galvanic", "nernst", "electrolysis", "faraday", "conductance", "conductivity",
                    "redox", "electrode"),
    "solutions": ("solution", "colligative", "osmotic", "raoult", "boiling", "freezing", "vapour pressure",
                  "vapor pressure"),
    "atomic": ("atomic structure", "structure of atom", "atom", "quantum", "bohr", "orbital", "electronic configuration",
               "d-block", "d and f block", "coordination"),
    "bonding": ("bond", "hybridi", "vsepr", "molecular structure", "molecular orbital", "shape of", "geometry of"),
    "organic": ("organic", "hydrocarbon", "isomer", "iupac", "reaction mechanism", "alcohol", "aldehyde", "ketone",
                "carboxylic", "amine", "haloalkane", "haloarene", "stereo", "chiral"),
    # biology
    "genetics": ("genetic", "inheritance", "mendel", "cross", "allele", "hardy", "heredity", "molecular basis", "dna",
                 "rna", "gene", "variation", "chromosom"),
    "cell": ("cell", "mitosis", "meiosis", "organelle", "biomolecule", "cell cycle"),
    "human_phys": ("physiology", "human", "digestion", "breathing", "respirat", "circulation", "heart", "blood",
                   "excretion", "kidney", "neural", "nervous", "hormone", "endocrine", "muscle", "locomotion",
                   "body fluids", "chemical coordination"),
    "plant_phys": ("plant", "photosynthesis", "transpiration", "mineral nutrition", "plant growth", "transport in plants"),
    "ecology": ("ecolog", "ecosystem", "population", "environment", "biodiversity", "food chain", "organisms and",
                "pollution"),
    "reproduction": ("reproduction", "reproductive", "flower", "pollination", "embryo", "menstrual", "fertili",
                     "gamet"),
    "evolution": ("evolution", "origin of life", "darwin", "natural selection"),
    "biotech": ("biotechnology", "recombinant", "pcr", "restriction", "plasmid", "genetic engineering", "cloning"),
    "health": ("health", "disease", "immun", "pathogen", "vaccine", "microbes in human"),
    # generic
    "aptitude": ("aptitude", "arithmetic", "percentage", "interest", "ratio", "average", "profit"),
}

FAMILIES: dict[str, tuple[str, ...]] = {}
for _s in SHAPES:
    if _s.topic not in FAMILIES.get(_s.family, ()):
        FAMILIES[_s.family] = (*FAMILIES.get(_s.family, ()), _s.topic)
assert set(TOPIC_KEYWORDS) == {t for ts in FAMILIES.values() for t in ts}, "every topic needs keywords"
assert len({s.key for s in SHAPES}) == len(SHAPES), "shape keys must be unique"
