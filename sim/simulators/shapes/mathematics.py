"""Mathematics: the mathematics family's problem shapes (JEE Main/Advanced style).

Registered when ``simulators.shapes`` first needs the family.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .base import (
    Problem,
    R,
    as_exp,
    as_frac,
    as_over_pi,
    as_pi,
    as_surd,
    facts_from_data,
    fmt,
    named,
    num,
    ordinal,
    poly,
    shape,
    tex_frac,
)

M = "mathematics"


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
        f"The {ordinal(p)} term of an arithmetic progression is {tp} and its {ordinal(q)} term is {tq}. What is its {ordinal(k)} "
        "term?",
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
        f"$\\sum_{{k=1}}^{{{n}}} \\frac{{k(k+1)}}{{2}} = \\frac{{n(n+1)(n+2)}}{{6}} = \\frac{{{n} \\cdot {n + 1} \\cdot "
        f"{n + 2}}}{{6}} = {v}$.",
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
        "A card is drawn at random from a well-shuffled pack of 52. What is the probability that it is "
        f"{'an' if rank[0] in 'aeiou' else 'a'} {rank} "
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
        f"Near 0, $e^{{kx}} - 1 \\approx kx$ and $\\sin {b}x \\approx {b}x$, so the limit is $k/{b}$; $k/{b} = {target}$ gives "
        f"$k = {v}$.",
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
        show=lambda x: named(x, {math.log(a / b): f"$\\ln\\frac{{{a}}}{{{b}}}$", math.log(a * b): f"$\\ln {a * b}$",
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
        ("\\int_0^{\\pi/2} x \\sin x\\,dx", 1.0, "$[-x\\cos x]_0^{\\pi/2} + \\int_0^{\\pi/2} \\cos x\\,dx = 0 + 1 = 1$",
         (math.pi / 2, 0.0 + 2, math.pi / 2 - 1)),
        ("\\int_0^{\\pi} x \\sin x\\,dx", math.pi, "$[-x\\cos x]_0^{\\pi} + \\int_0^{\\pi} \\cos x\\,dx = \\pi + 0 = \\pi$",
         (2.0, math.pi / 2, 2 * math.pi)),
        ("\\int_0^{1} x e^{x}\\,dx", 1.0, "$[x e^x]_0^1 - \\int_0^1 e^x\\,dx = e - (e - 1) = 1$", (math.e, math.e - 1, 2.0)),
        ("\\int_1^{e} \\ln x\\,dx", 1.0, "$[x \\ln x]_1^e - \\int_1^e 1\\,dx = e - (e - 1) = 1$", (math.e, math.e - 1, 0.5)),
        ("\\int_0^{\\pi/2} x \\cos x\\,dx", math.pi / 2 - 1, "$[x\\sin x]_0^{\\pi/2} - \\int_0^{\\pi/2} \\sin x\\,dx = "
                                                             "\\frac{\\pi}{2} - 1$", (math.pi / 2, 1.0, math.pi / 2 + 1)),
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
        show=lambda x: named(x, {math.log(m): f"$\\ln {m}$" for m in range(2, 21)}
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
        "$\\tan\\theta = \\left|\\frac{m_1 - m_2}{1 + m_1 m_2}\\right| = "
        f"\\left|\\frac{{{m1 - m2}}}{{{1 + m1 * m2}}}\\right| "
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
    fa = " + ".join(f"{c}{u}" for c, u in zip(a, "ijk", strict=True) if c)
    fa = fa.replace("1i", "\\hat i").replace("1j", "\\hat j").replace("1k", "\\hat k")
    fb = " + ".join(f"{c}{u}" for c, u in zip(b, "ijk", strict=True) if c).replace("+ -1j", "- \\hat j")
    fb = fb.replace("1i", "\\hat i").replace("1j", "\\hat j").replace("1k", "\\hat k")
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return Problem(
        f"What is the angle between the vectors $\\vec a = {fa}$ and $\\vec b = {fb}$?",
        f"$\\cos\\theta = \\frac{{\\vec a \\cdot \\vec b}}{{|\\vec a||\\vec b|}} = \\frac{{{dot}}}{{{as_surd(na).strip('$')} "
        "\\cdot "
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
        ("\\cos 20° \\cos 40° \\cos 80°", 1 / 8, "$\\cos\\theta\\cos(60°-\\theta)\\cos(60°+\\theta) = \\frac14\\cos 3\\theta$ "
                                                 "with $\\theta = 20°$: $\\frac14 \\cos 60° = \\frac18$"),
        ("\\sin 20° \\sin 40° \\sin 80°", math.sqrt(3) / 8, "$\\sin\\theta\\sin(60°-\\theta)\\sin(60°+\\theta) = \\frac14\\sin "
                                                            "3\\theta$ with $\\theta = 20°$: $\\frac14 \\cdot \\frac{\\sqrt3}{2} "
                                                            "= \\frac{\\sqrt3}{8}$"),
        ("\\tan 20° \\tan 40° \\tan 80°", math.sqrt(3), "$\\tan\\theta\\tan(60°-\\theta)\\tan(60°+\\theta) = \\tan 3\\theta$ "
                                                        "with $\\theta = 20°$: $\\tan 60° = \\sqrt3$"),
        ("\\cos 36° - \\cos 72°", 1 / 2, "$\\cos 36° = \\frac{\\sqrt5+1}{4}$ and $\\cos 72° = \\frac{\\sqrt5-1}{4}$, difference "
                                         "$\\frac12$"),
    ]
    expr, v, work = r.choice(cases)
    return Problem(
        f"Without tables, find the exact value of ${expr}$.",
        work + ".",
        v,
        wrong=tuple(w for w in (1 / 8, math.sqrt(3) / 8, math.sqrt(3), 1 / 2, 1 / 4, 1 / 16) if not math.isclose(w, v))[:3],
        show=as_surd,
    )


facts_from_data(M)  # the conceptual and short-answer questions: data/mathematics_facts.json
