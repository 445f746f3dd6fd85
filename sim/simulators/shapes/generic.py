"""Generic (any other subject): quantitative aptitude that still reads like an exam question.

Registered when ``simulators.shapes`` first needs the family.
"""

from __future__ import annotations

import math

from .base import Problem, R, fmt, fraction, shape

G = "generic"


@shape(G, "aptitude", "easy")
def _successive_percent(r: R) -> Problem:
    a, b = r.choice([(20, 10), (10, 20), (25, 20), (50, 20), (30, 10)])
    v = (1 + a / 100) * (1 - b / 100) * 100 - 100
    return Problem(
        f"The price of an article is first raised by {a}% and then reduced by {b}%. What is the net percentage change?",
        f"Net factor $= {fmt(1 + a / 100)} \\times {fmt(1 - b / 100)} = {fmt((1 + a / 100) * (1 - b / 100))}$, a change of "
        f"{fmt(v)}%.",
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
        f"For two years the difference is $P\\left(\\frac{{r}}{{100}}\\right)^2$, so $P = {d} \\times "
        f"\\left(\\frac{{100}}{{{rate}}}\\right)^2 "
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
        f"Together they do $\\frac{{1}}{{{a}}} + \\frac{{1}}{{{b}}} = \\frac{{{a + b}}}{{{a * b}}}$ of the job a day: {fmt(v)} "
        "days.",
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
        f"Price factor $= {fmt(1 - a / 100)} \\times {fmt(1 - b / 100)}$, so the discount is $100 - "
        f"{fmt((100 - a) * (100 - b) / 100)} = {fmt(v)}\\%$.",
        v, "%", wrong=(float(a + b), a + b + a * b / 100, float(max(a, b))),
    )


def ratio_text(x: float) -> str:
    """A ratio in lowest terms: 2.0 -> '2 : 1', 0.4 -> '2 : 5'."""
    f = fraction(x)
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
        f"$F = {k}S$ and $F + {later} = {mult}(S + {later})$ give $({k} - {mult})S = {later * (mult - 1)}$, so $S = {fmt(v)}$ "
        "years.",
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
        f"Shares go as capital × time: ${a * ta} : {b * tb}$, so A gets ${profit} \\times "
        f"\\frac{{{a * ta}}}{{{a * ta + b * tb}}} = {fmt(v)}$ rupees.",
        v, "rupees",
        wrong=(profit * a / (a + b), profit / 2 if profit / 2 != v else profit / 3, profit - v if profit - v != v else v / 2),
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
    days = r.choice([45, 100, 61, 200, 365])
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    start = r.randrange(7)
    end = names[(start + days) % 7]
    return Problem(
        f"Today is {names[start]}. What day of the week will it be {days} days from today?",
        f"${days} = 7 \\times {days // 7} + {days % 7}$, so count {days % 7} day{'s' if days % 7 != 1 else ''} on from "
        f"{names[start]}: {end}.",
        answer=end, distractors=tuple(names[(start + days + k) % 7] for k in (1, -1, 2)),
    )
