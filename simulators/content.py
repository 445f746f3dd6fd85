"""Deterministic, schema-valid, semantically varied question content for the simulators.

``question_item(block, index, seed)`` turns the request block (``prompts.parse_request_block``) and an
item index into one MCQ or numeric question dict. Each item is a seeded random *scenario* (who, doing
what, where, when, an aside) wrapped around a small calculation whose answer the solution computes
and the marked option holds. ``ContentSource`` adds the failure modes: near-copies of earlier items
(duplicate-heavy mode) and items that fail validation.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import vocab

Item = dict[str, Any]


@dataclass(frozen=True)
class Calc:
    """One small calculation: the data sentence, what to find, the answer and typical wrong answers."""

    statement: str
    quantity: str
    value: float
    unit: str | None
    steps: str
    shortcut: str
    tag: str
    mistakes: tuple[float, ...] = ()


def fmt(x: float) -> str:
    """Four significant figures, integers without a decimal point, powers of ten in LaTeX."""
    if x == 0:
        return "0"
    if abs(x) >= 1e6 or abs(x) < 1e-3:
        exp = math.floor(math.log10(abs(x)))
        mant = x / 10**exp
        return f"{mant:.4g} \\times 10^{{{exp}}}"
    r = float(f"{x:.4g}")
    return str(int(r)) if r == int(r) else f"{r:.4g}"


def _round4(x: float) -> float:
    return float(f"{x:.4g}")


def _with_unit(x: float, unit: str | None) -> str:
    return f"{fmt(x)} {unit}" if unit else fmt(x)


def _v(r: random.Random, *alternatives: str) -> str:
    """One phrasing of several: the same calculation told in different words."""
    return r.choice(alternatives)


# --- calculations per subject ------------------------------------------------------------------------

CalcFn = Callable[[random.Random], Calc]


def _quadratic(r: random.Random) -> Calc:
    a = r.randint(1, 4)
    r1, r2 = r.randint(-9, 9), r.randint(-9, 9)
    b, c = -a * (r1 + r2), a * r1 * r2
    eq = f"${a}x^2 {'+' if b >= 0 else '-'} {abs(b)}x {'+' if c >= 0 else '-'} {abs(c)} = 0$"
    if r.random() < 0.5:
        v = -b / a
        return Calc(
            _v(
                r,
                f"the quadratic equation {eq} is written down",
                f"a trajectory is modelled by the roots of {eq}",
                f"the break-even points of a small business satisfy {eq}",
            ),
            "the sum of the roots of this equation",
            v,
            None,
            f"By Vieta's relation the sum of roots is $-b/a = {-b}/{a} = {fmt(v)}$.",
            "Sum of roots = -b/a.",
            "vieta",
            (b / a, c / a, -c / a),
        )
    v = c / a
    return Calc(
        _v(
            r,
            f"the equation {eq} appears in a calculation",
            f"a garden's dimensions are tied to the roots of {eq}",
            f"a coding contest asks about the solutions of {eq}",
        ),
        "the product of the roots",
        v,
        None,
        f"By Vieta's relation the product of roots is $c/a = {c}/{a} = {fmt(v)}$.",
        "Product of roots = c/a.",
        "vieta",
        (-c / a, -b / a, b / a),
    )


def _ap(r: random.Random) -> Calc:
    a, d, n = r.randint(-20, 40), r.randint(2, 15), r.randint(8, 60)
    v = a + (n - 1) * d
    return Calc(
        _v(
            r,
            f"a sequence of numbers starts at {a} and grows by {d} at every step",
            f"a savings jar holds {a} rupees on day one and gains {d} rupees each day",
            f"seats in a stadium row begin at {a} and each later row has {d} more",
        ),
        f"term number {n} of this arithmetic progression",
        v,
        None,
        f"$a_n = a + (n-1)d = {a} + {n - 1} \\cdot {d} = {fmt(v)}$.",
        "a_n = a + (n-1)d.",
        "arithmetic-progression",
        (a + n * d, a + (n - 2) * d, n * d),
    )


def _gp_sum(r: random.Random) -> Calc:
    a, q, n = r.randint(1, 9), r.randint(2, 4), r.randint(3, 8)
    v = a * (q**n - 1) / (q - 1)
    return Calc(
        _v(
            r,
            f"a pattern begins with {a} items and every stage multiplies the count by {q}",
            f"a rumour reaches {a} people at first and each round of retelling multiplies the number by {q}",
            f"a chain letter starts with {a} copies and every generation sends out {q} times as many",
        ),
        f"the total over the first {n} stages",
        v,
        None,
        f"$S_n = a(r^n - 1)/(r - 1) = {a}({q}^{n} - 1)/{q - 1} = {fmt(v)}$.",
        "Geometric series sum formula.",
        "geometric-progression",
        (a * q**n, a * q ** (n - 1), v - a),
    )


def _derivative(r: random.Random) -> Calc:
    p, q, s, x = r.randint(1, 6), r.randint(-8, 8), r.randint(-10, 10), r.randint(-4, 5)
    v = 3 * p * x * x + 2 * q * x + s
    return Calc(
        _v(
            r,
            f"the function $f(x) = {p}x^3 + ({q})x^2 + ({s})x$ models a curve",
            f"the height of a roller-coaster track follows $f(x) = {p}x^3 + ({q})x^2 + ({s})x$",
            f"profit as a function of output is $f(x) = {p}x^3 + ({q})x^2 + ({s})x$",
        ),
        f"$f'({x})$",
        v,
        None,
        f"$f'(x) = {3 * p}x^2 + {2 * q}x + {s}$, so $f'({x}) = {fmt(v)}$.",
        "Differentiate term by term.",
        "derivative",
        (p * x**3 + q * x * x + s * x, 3 * p * x + 2 * q + s, v + s),
    )


def _integral(r: random.Random) -> Calc:
    k, m = r.randint(2, 12), r.randint(2, 9)
    v = k * m * m / 2
    return Calc(
        _v(
            r,
            f"a rate grows linearly as ${k}t$ between $t = 0$ and $t = {m}$",
            f"water flows into a tank at ${k}t$ litres per minute from $t = 0$ to $t = {m}$",
            f"the area under the straight line $y = {k}t$ from $t = 0$ to $t = {m}$ is needed",
        ),
        f"the integral $\\int_0^{{{m}}} {k}t\\,dt$",
        v,
        None,
        f"$\\int_0^{{{m}}} {k}t\\,dt = {k} \\cdot {m}^2/2 = {fmt(v)}$.",
        "Area of a triangle under a line.",
        "definite-integral",
        (k * m * m, k * m, v / 2),
    )


def _ncr(r: random.Random) -> Calc:
    n = r.randint(5, 14)
    k = r.randint(2, min(5, n - 2))
    obj = r.choice(vocab.MATH_OBJECTS)
    v = math.comb(n, k)
    return Calc(
        _v(
            r,
            f"{n} different {obj} are available and {k} of them must be chosen, order not mattering",
            f"a committee of {k} must be formed from {n} volunteers",
            f"a hand of {k} {obj} is picked from a pile of {n} distinct ones",
        ),
        "the number of possible selections",
        v,
        None,
        f"$\\binom{{{n}}}{{{k}}} = {fmt(v)}$.",
        "nCr = n!/(r!(n-r)!).",
        "combinations",
        (math.perm(n, k), n * k, math.comb(n, k - 1)),
    )


def _probability(r: random.Random) -> Calc:
    red, blue = r.randint(2, 15), r.randint(2, 15)
    obj = r.choice(vocab.MATH_OBJECTS)
    v = red / (red + blue)
    return Calc(
        _v(
            r,
            f"a bag holds {red} red {obj} and {blue} blue {obj}, and one is drawn at random",
            f"a lucky draw has {red} winning and {blue} losing {obj}, and one is picked blindly",
            f"a box of {red} red and {blue} blue {obj} is shaken and one falls out",
        ),
        "the probability that it is red",
        v,
        None,
        f"$P = {red}/({red}+{blue}) = {fmt(v)}$.",
        "Favourable over total.",
        "probability",
        (blue / (red + blue), red / blue, 1 / (red + blue)),
    )


def _distance(r: random.Random) -> Calc:
    x1, y1 = r.randint(-9, 9), r.randint(-9, 9)
    dx, dy = r.choice([(3, 4), (5, 12), (6, 8), (8, 15), (7, 24), (9, 12)])
    x2, y2 = x1 + dx, y1 + dy
    v = math.hypot(dx, dy)
    return Calc(
        _v(
            r,
            f"two markers sit at the points $({x1}, {y1})$ and $({x2}, {y2})$ on a grid",
            f"a treasure map places a well at $({x1}, {y1})$ and a banyan tree at $({x2}, {y2})$",
            f"two mobile towers stand at $({x1}, {y1})$ and $({x2}, {y2})$ in kilometre coordinates",
        ),
        "the distance between the markers",
        v,
        None,
        f"$d = \\sqrt{{{dx}^2 + {dy}^2}} = {fmt(v)}$.",
        "Spot the Pythagorean triple.",
        "distance-formula",
        (dx + dy, dx * dy / 2, abs(dx - dy)),
    )


def _det(r: random.Random) -> Calc:
    a, b, c, d = (r.randint(-9, 9) for _ in range(4))
    v = a * d - b * c
    return Calc(
        _v(
            r,
            f"a $2 \\times 2$ matrix has rows $({a}, {b})$ and $({c}, {d})$",
            f"a linear map of the plane sends the basis vectors to the columns $({a}, {c})$ and $({b}, {d})$",
            f"a system of two equations has coefficient rows $({a}, {b})$ and $({c}, {d})$",
        ),
        "the determinant of the matrix",
        v,
        None,
        f"$ad - bc = {a * d} - ({b * c}) = {fmt(v)}$.",
        "ad - bc.",
        "determinant",
        (a * d + b * c, a * b - c * d, a + d),
    )


def _kinematics(r: random.Random) -> Calc:
    obj = r.choice(vocab.PHYSICS_OBJECTS)
    u, a, t = r.randint(0, 20), r.randint(1, 9), r.randint(2, 12)
    v = u * t + a * t * t / 2
    return Calc(
        _v(
            r,
            f"a {obj} moving at {u} m/s speeds up uniformly at {a} m/s^2 for {t} s",
            f"a {obj} with an initial speed of {u} m/s gains speed at a steady {a} m/s^2 for {t} seconds",
        ),
        f"the distance covered by the {obj} in that time",
        v,
        "m",
        f"$s = ut + \\frac{{1}}{{2}}at^2 = {u} \\cdot {t} + "
        f"\\frac{{1}}{{2}} \\cdot {a} \\cdot {t}^2 = {fmt(v)}$ m.",
        "s = ut + at^2/2.",
        "kinematics",
        (u * t + a * t * t, u + a * t, a * t * t / 2),
    )


def _final_velocity(r: random.Random) -> Calc:
    obj = r.choice(vocab.PHYSICS_OBJECTS)
    u, a, t = r.randint(0, 30), r.randint(1, 12), r.randint(2, 15)
    v = u + a * t
    return Calc(
        _v(
            r,
            f"a {obj} starts at {u} m/s and accelerates at {a} m/s^2 for {t} s",
            f"an engine pushes a {obj} from {u} m/s with constant acceleration {a} m/s^2 lasting {t} s",
        ),
        f"the final speed of the {obj}",
        v,
        "m/s",
        f"$v = u + at = {u} + {a} \\cdot {t} = {fmt(v)}$ m/s.",
        "v = u + at.",
        "kinematics",
        (a * t, u * t + a, u + a * t / 2),
    )


def _kinetic(r: random.Random) -> Calc:
    obj = r.choice(vocab.PHYSICS_OBJECTS)
    m, vel = r.choice([0.5, 1, 2, 4, 5, 10, 25, 80]), r.randint(2, 30)
    v = m * vel * vel / 2
    return Calc(
        _v(
            r,
            f"a {obj} of mass {fmt(m)} kg travels at {vel} m/s",
            f"a {fmt(m)} kg {obj} whizzes past at {vel} m/s",
        ),
        f"the kinetic energy of the {obj}",
        v,
        "J",
        f"$K = \\frac{{1}}{{2}}mv^2 = \\frac{{1}}{{2}} \\cdot {fmt(m)} \\cdot {vel}^2 = {fmt(v)}$ J.",
        "K = mv^2/2.",
        "kinetic-energy",
        (m * vel * vel, m * vel / 2, m * vel),
    )


def _ohm(r: random.Random) -> Calc:
    volts, ohms = r.choice([1.5, 3, 6, 9, 12, 24, 220, 230]), r.choice([2, 4, 5, 8, 10, 20, 50, 100])
    v = volts / ohms
    return Calc(
        _v(
            r,
            f"a {fmt(volts)} V source drives current through a {ohms} ohm resistor",
            f"a torch bulb of resistance {ohms} ohm is connected to a {fmt(volts)} V supply",
            f"a {ohms} ohm wire is placed across the {fmt(volts)} V terminals of a battery pack",
        ),
        "the current in the resistor",
        v,
        "A",
        f"$I = V/R = {fmt(volts)}/{ohms} = {fmt(v)}$ A.",
        "I = V/R.",
        "ohms-law",
        (volts * ohms, ohms / volts, volts / ohms / 2),
    )


def _power(r: random.Random) -> Calc:
    volts, ohms = r.choice([6, 12, 24, 110, 220]), r.choice([2, 4, 10, 22, 44, 100])
    v = volts * volts / ohms
    return Calc(
        _v(
            r,
            f"a heater coil of resistance {ohms} ohm is connected across {volts} V",
            f"an immersion rod with {ohms} ohm resistance runs from a {volts} V line",
        ),
        "the power dissipated in the coil",
        v,
        "W",
        f"$P = V^2/R = {volts}^2/{ohms} = {fmt(v)}$ W.",
        "P = V^2/R.",
        "electric-power",
        (volts / ohms, volts * ohms, volts * volts * ohms),
    )


def _momentum(r: random.Random) -> Calc:
    obj = r.choice(vocab.PHYSICS_OBJECTS)
    m, vel = r.choice([0.2, 0.5, 2, 3, 7, 15, 60]), r.randint(2, 40)
    v = m * vel
    return Calc(
        _v(
            r,
            f"a {obj} of mass {fmt(m)} kg moves with velocity {vel} m/s",
            f"a {fmt(m)} kg {obj} slides along at {vel} m/s",
        ),
        f"the momentum of the {obj}",
        v,
        "kg m/s",
        f"$p = mv = {fmt(m)} \\cdot {vel} = {fmt(v)}$ kg m/s.",
        "p = mv.",
        "momentum",
        (m * vel * vel / 2, m / vel, vel / m),
    )


def _wave(r: random.Random) -> Calc:
    f, lam = r.choice([50, 110, 256, 440, 512, 1000]), r.choice([0.25, 0.5, 0.8, 1.2, 2, 3.4])
    v = f * lam
    return Calc(
        _v(
            r,
            f"a wave of frequency {f} Hz has a wavelength of {fmt(lam)} m",
            f"a tuning fork vibrating at {f} Hz sets up sound waves {fmt(lam)} m long",
            f"ripples on a pond repeat every {fmt(lam)} m and pass a reed {f} times a second",
        ),
        "the speed of the wave",
        v,
        "m/s",
        f"$v = f\\lambda = {f} \\cdot {fmt(lam)} = {fmt(v)}$ m/s.",
        "v = f lambda.",
        "waves",
        (f / lam, lam / f, f + lam),
    )


def _heat(r: random.Random) -> Calc:
    m, c, dt = r.choice([0.2, 0.5, 1, 2, 5]), r.choice([4200, 900, 390, 2100, 130]), r.randint(5, 60)
    v = m * c * dt
    return Calc(
        _v(
            r,
            f"{fmt(m)} kg of a material with specific heat {c} J/(kg K) is warmed by {dt} K",
            f"a {fmt(m)} kg pot (specific heat {c} J/(kg K)) on a stove gets {dt} K hotter",
        ),
        "the heat absorbed",
        v,
        "J",
        f"$Q = mc\\Delta T = {fmt(m)} \\cdot {c} \\cdot {dt} = {fmt(v)}$ J.",
        "Q = mc dT.",
        "calorimetry",
        (c * dt, m * c, v / 2),
    )


def _pressure(r: random.Random) -> Calc:
    force, area = r.choice([20, 50, 120, 600, 1500, 9000]), r.choice([0.01, 0.02, 0.05, 0.2, 0.5, 2])
    v = force / area
    return Calc(
        _v(
            r,
            f"a force of {force} N acts evenly on an area of {fmt(area)} m^2",
            f"an elephant's foot or a stiletto heel: a load of {force} N rests on {fmt(area)} m^2",
        ),
        "the pressure exerted",
        v,
        "Pa",
        f"$P = F/A = {force}/{fmt(area)} = {fmt(v)}$ Pa.",
        "P = F/A.",
        "pressure",
        (force * area, area / force, force / area / 10),
    )


def _potential(r: random.Random) -> Calc:
    obj = r.choice(vocab.PHYSICS_OBJECTS)
    m, h = r.choice([0.5, 1, 2, 5, 12, 40]), r.randint(2, 80)
    v = m * 10 * h
    return Calc(
        _v(
            r,
            f"a {obj} of mass {fmt(m)} kg is raised through {h} m (take g = 10 m/s^2)",
            f"a crane lifts a {fmt(m)} kg {obj} {h} m up a building site (g = 10 m/s^2)",
        ),
        f"the gain in potential energy of the {obj}",
        v,
        "J",
        f"$U = mgh = {fmt(m)} \\cdot 10 \\cdot {h} = {fmt(v)}$ J.",
        "U = mgh.",
        "potential-energy",
        (m * h, m * 9.8 * h * 2, v / 10 + 1),
    )


def _spring(r: random.Random) -> Calc:
    k, x = r.choice([50, 100, 200, 400, 800]), r.choice([0.02, 0.05, 0.1, 0.2, 0.3])
    v = k * x * x / 2
    return Calc(
        _v(
            r,
            f"a spring of stiffness {k} N/m is compressed by {fmt(x)} m",
            f"a toy launcher's spring, constant {k} N/m, is pushed in {fmt(x)} m",
        ),
        "the elastic energy stored",
        v,
        "J",
        f"$E = \\frac{{1}}{{2}}kx^2 = \\frac{{1}}{{2}} \\cdot {k} \\cdot {fmt(x)}^2 = {fmt(v)}$ J.",
        "E = kx^2/2.",
        "springs",
        (k * x, k * x * x, k * x / 2),
    )


def _moles(r: random.Random) -> Calc:
    name, formula, mm = r.choice(vocab.COMPOUNDS)
    mass = r.choice([2, 4.5, 9, 11, 17, 25, 36, 50, 88, 100, 150, 250])
    v = mass / mm
    return Calc(
        _v(
            r,
            f"a sample contains {fmt(mass)} g of {name} (${formula}$, molar mass {fmt(mm)} g/mol)",
            f"{fmt(mass)} g of ${formula}$ ({name}, M = {fmt(mm)} g/mol) is weighed on a balance",
            f"a reagent bottle label says {fmt(mass)} g of {name}, whose molar mass is {fmt(mm)} g/mol",
        ),
        "the amount of substance in moles",
        v,
        "mol",
        f"$n = m/M = {fmt(mass)}/{fmt(mm)} = {fmt(v)}$ mol.",
        "n = m/M.",
        "mole-concept",
        (mass * mm, mm / mass, v * 2),
    )


def _molarity(r: random.Random) -> Calc:
    name, _formula, _mm = r.choice(vocab.COMPOUNDS)
    n, vol = r.choice([0.05, 0.1, 0.2, 0.25, 0.5, 1, 2]), r.choice([0.1, 0.25, 0.5, 1, 2])
    v = n / vol
    return Calc(
        _v(
            r,
            f"{fmt(n)} mol of {name} is dissolved to make {fmt(vol)} L of solution",
            f"a volumetric flask is filled to {fmt(vol)} L after adding {fmt(n)} mol of {name}",
        ),
        "the molarity of the solution",
        v,
        "mol/L",
        f"$M = n/V = {fmt(n)}/{fmt(vol)} = {fmt(v)}$ mol/L.",
        "M = n/V(L).",
        "molarity",
        (n * vol, vol / n, n / (vol * 1000)),
    )


def _dilution(r: random.Random) -> Calc:
    m1, v1, v2 = r.choice([0.5, 1, 2, 6, 12]), r.choice([10, 25, 50, 100]), r.choice([250, 500, 1000])
    v = m1 * v1 / v2
    return Calc(
        _v(
            r,
            f"{v1} mL of a {fmt(m1)} M stock solution is diluted to {v2} mL",
            f"water is added to {v1} mL of {fmt(m1)} M acid until the volume reaches {v2} mL",
        ),
        "the molarity after dilution",
        v,
        "M",
        f"$M_2 = M_1V_1/V_2 = {fmt(m1)} \\cdot {v1}/{v2} = {fmt(v)}$ M.",
        "M1V1 = M2V2.",
        "dilution",
        (m1 * v2 / v1, m1 * v1, m1 / v2),
    )


def _ideal_gas(r: random.Random) -> Calc:
    p, vol, t = r.choice([1, 2, 3, 5]), r.choice([4.1, 8.2, 16.4, 24.6]), r.choice([273, 300, 350, 400])
    v = p * vol / (0.0821 * t)
    return Calc(
        _v(
            r,
            f"a gas occupies {fmt(vol)} L at {p} atm and {t} K (R = 0.0821 L atm/(mol K))",
            f"a cylinder of {fmt(vol)} L holds gas at {p} atm and {t} K (R = 0.0821 L atm/(mol K))",
        ),
        "the number of moles of gas",
        v,
        "mol",
        f"$n = PV/RT = {p} \\cdot {fmt(vol)}/(0.0821 \\cdot {t}) = {fmt(v)}$ mol.",
        "n = PV/RT.",
        "gas-laws",
        (p * vol * 0.0821 * t, p * vol / t, v * 2),
    )


def _ph(r: random.Random) -> Calc:
    k = r.randint(1, 13)
    return Calc(
        _v(
            r,
            f"the hydrogen ion concentration of a solution is $10^{{-{k}}}$ mol/L",
            f"a sample of rainwater has $[H^+] = 10^{{-{k}}}$ M",
            f"a soil extract is found to contain $10^{{-{k}}}$ mol of hydronium ions per litre",
        ),
        "the pH of the solution",
        k,
        None,
        f"$pH = -\\log[H^+] = {k}$.",
        "pH is minus the exponent.",
        "ph",
        (14 - k, -k, k + 1),
    )


def _mass_percent(r: random.Random) -> Calc:
    cases = [
        ("carbon", "CO_2", 12, 44),
        ("oxygen", "H_2O", 16, 18),
        ("sodium", "NaCl", 23, 58.5),
        ("calcium", "CaCO_3", 40, 100),
        ("nitrogen", "NH_3", 14, 17),
        ("hydrogen", "CH_4", 4, 16),
        ("magnesium", "MgO", 24, 40),
        ("sulphur", "H_2SO_4", 32, 98),
    ]
    el, formula, part, whole = r.choice(cases)
    v = 100 * part / whole
    return Calc(
        _v(
            r,
            f"a pure sample of ${formula}$ is analysed for its {el} content",
            f"a combustion analysis of ${formula}$ tracks how much of its mass is {el}",
        ),
        f"the mass percentage of {el}",
        v,
        "%",
        f"$\\%{el} = {part}/{fmt(whole)} \\times 100 = {fmt(v)}$%.",
        "Part over molar mass.",
        "percent-composition",
        (100 - v, part / whole, v / 2),
    )


def _molecules(r: random.Random) -> Calc:
    name, formula, _mm = r.choice(vocab.COMPOUNDS)
    n = r.choice([0.1, 0.25, 0.5, 1.5, 2, 3])
    v = n * 6.022e23
    return Calc(
        _v(
            r,
            f"a container holds {fmt(n)} mol of {name} (${formula}$)",
            f"a sealed jar has {fmt(n)} mol of ${formula}$ in it",
        ),
        "the number of molecules present",
        v,
        None,
        f"$N = nN_A = {fmt(n)} \\times 6.022 \\times 10^{{23}} = {fmt(v)}$.",
        "N = n N_A.",
        "avogadro",
        (v * 10, v / 2, n * 6.022e22),
    )


def _half_life(r: random.Random) -> Calc:
    k = r.choice([0.001, 0.005, 0.01, 0.0231, 0.0693, 0.1, 0.35])
    v = 0.693 / k
    return Calc(
        _v(
            r,
            f"a first-order reaction has rate constant {fmt(k)} per second",
            f"a drug decomposes by first-order kinetics with $k = {fmt(k)}$ s$^{{-1}}$",
        ),
        "its half-life",
        v,
        "s",
        f"$t_{{1/2}} = 0.693/k = 0.693/{fmt(k)} = {fmt(v)}$ s.",
        "t1/2 = 0.693/k.",
        "chemical-kinetics",
        (k / 0.693, 2.303 / k, v * 2),
    )


def _stp_volume(r: random.Random) -> Calc:
    name, _formula, _mm = r.choice(vocab.COMPOUNDS[:6])
    n = r.choice([0.25, 0.5, 2, 3, 4.5])
    v = n * 22.4
    return Calc(
        _v(
            r,
            f"{fmt(n)} mol of gaseous {name} is collected at STP",
            f"a balloon is filled with {fmt(n)} mol of {name} at standard temperature and pressure",
        ),
        "the volume occupied",
        v,
        "L",
        f"$V = n \\times 22.4 = {fmt(n)} \\times 22.4 = {fmt(v)}$ L.",
        "22.4 L per mole at STP.",
        "molar-volume",
        (n * 11.2, 22.4 / n, n * 24.8),
    )


def _hardy_weinberg(r: random.Random) -> Calc:
    q = r.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    org = r.choice(vocab.BIO_ORGANISMS)
    v = 1 - q
    return Calc(
        _v(
            r,
            f"in a population of {org} the recessive homozygote frequency is {fmt(q * q)}",
            f"a survey of {org} finds a fraction {fmt(q * q)} showing the recessive trait",
        ),
        "the frequency of the dominant allele",
        v,
        None,
        f"$q = \\sqrt{{{fmt(q * q)}}} = {fmt(q)}$, so $p = 1 - q = {fmt(v)}$.",
        "p = 1 - sqrt(q^2).",
        "hardy-weinberg",
        (q, q * q, 2 * q * (1 - q)),
    )


def _doubling(r: random.Random) -> Calc:
    org = r.choice(vocab.BIO_ORGANISMS)
    n0, gens = r.choice([10, 50, 100, 250]), r.randint(3, 10)
    v = n0 * 2**gens
    return Calc(
        _v(
            r,
            f"a culture starts with {n0} {org} that double every generation",
            f"{n0} {org} are placed in a fresh dish where their number doubles each generation",
        ),
        f"the count after {gens} generations",
        v,
        None,
        f"$N = N_0 2^n = {n0} \\cdot 2^{{{gens}}} = {fmt(v)}$.",
        "N = N0 2^n.",
        "population-growth",
        (n0 * 2 * gens, n0 * 2 ** (gens - 1), n0 + 2**gens),
    )


def _magnification(r: random.Random) -> Calc:
    obj, eye = r.choice([4, 10, 40, 100]), r.choice([5, 10, 15])
    v = obj * eye
    return Calc(
        _v(
            r,
            f"a microscope uses a {obj}x objective with a {eye}x eyepiece",
            f"an onion-peel slide is viewed through a {eye}x eyepiece and a {obj}x objective lens",
        ),
        "the total magnification",
        v,
        None,
        f"$M = {obj} \\times {eye} = {fmt(v)}$.",
        "Multiply the two powers.",
        "microscopy",
        (obj + eye, obj / eye * 10, obj * eye / 2),
    )


CALCS: dict[str, tuple[CalcFn, ...]] = {
    "mathematics": (_quadratic, _ap, _gp_sum, _derivative, _integral, _ncr, _probability, _distance, _det),
    "physics": (
        _kinematics,
        _final_velocity,
        _kinetic,
        _ohm,
        _power,
        _momentum,
        _wave,
        _heat,
        _pressure,
        _potential,
        _spring,
    ),
    "chemistry": (
        _moles,
        _molarity,
        _dilution,
        _ideal_gas,
        _ph,
        _mass_percent,
        _molecules,
        _half_life,
        _stp_volume,
    ),
    "biology": (_hardy_weinberg, _doubling, _magnification, _probability),
}


def subject_family(subject: str | None) -> str:
    """Map a free-text subject to one of the calculation families (mathematics by default)."""
    s = (subject or "").lower()
    for key, family in (
        ("phys", "physics"),
        ("chem", "chemistry"),
        ("bio", "biology"),
        ("botany", "biology"),
        ("zoology", "biology"),
    ):
        if key in s:
            return family
    return "mathematics"


# --- items ---------------------------------------------------------------------------------------------


def item_seed(block: dict[str, Any], index: int, seed: int = 0) -> int:
    """A stable 64-bit seed for (request, index, seed); the same inputs always give the same item."""
    plan = block.get("plan") or []
    key = json.dumps(
        [
            seed,
            block.get("seed"),
            index,
            block.get("subject"),
            block.get("topic"),
            block.get("subtopic"),
            block.get("exam"),
            block.get("difficulty"),
            block.get("question_type"),
            plan[index] if index < len(plan) else None,
        ],
        ensure_ascii=False,
        default=str,
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _options(r: random.Random, calc: Calc) -> tuple[list[str], int]:
    from service.questions import normalise_text

    correct = _with_unit(_round4(calc.value), calc.unit)
    seen = {normalise_text(correct)}
    wrong: list[str] = []
    candidates = [*calc.mistakes, *(calc.value * f for f in (2, 0.5, 1.5, 3, 0.25, 10, 0.1, -1))]
    candidates += [calc.value + d for d in (1, -1, 2, 5, 10, 100)]
    for c in candidates:
        if not math.isfinite(c):
            continue
        s = _with_unit(_round4(c), calc.unit)
        if normalise_text(s) not in seen:
            seen.add(normalise_text(s))
            wrong.append(s)
        if len(wrong) == 3:
            break
    idx = r.randrange(4)
    opts = wrong[:3]
    opts.insert(idx, correct)
    return opts, idx


def question_item(block: dict[str, Any], index: int, seed: int = 0) -> Item:
    """Question ``index`` for this request block: a dict valid for ``MCQQuestion``/``NumericQuestion``."""
    r = random.Random(item_seed(block, index, seed))
    family = subject_family(block.get("subject"))
    calc = r.choice(CALCS[family])(r)
    plan = block.get("plan") or []
    plan_entry = plan[index] if index < len(plan) and isinstance(plan[index], str) else None
    person, place, time = r.choice(vocab.PEOPLE), r.choice(vocab.PLACES), r.choice(vocab.TIMES)
    # The topic goes into the tags, not the text: a phrase shared by every item pulls them together.
    focus_subject = plan_entry
    focus = (" " + r.choice(vocab.FOCUS).format(plan=focus_subject)) if focus_subject else ""
    activity = r.choice(vocab.ACTIVITIES)
    text = r.choice(vocab.SKELETONS).format(
        person=person,
        Person=_cap(person),
        activity=activity,
        activity_noun=activity,
        place=place,
        Place_cap=_cap(place),
        time=time,
        Time_cap=_cap(time),
        statement=calc.statement,
        Statement=_cap(calc.statement),
        lead=r.choice(vocab.LEADS),
        Lead=r.choice(vocab.LEADS),
        ask=r.choice(vocab.ASKS).format(q=calc.quantity),
        focus=focus,
    )
    # One or two asides, before or after the scene, widen the spread of meanings further.
    asides = [
        r.choice(vocab.ASIDES),
        f"{r.choice(vocab.ASIDE_SUBJECTS)} {r.choice(vocab.ASIDE_PREDICATES)}.",
        f"Nearby, {r.choice(vocab.PEOPLE)} is {r.choice(vocab.ACTIVITIES)}.",
    ]
    r.shuffle(asides)
    text = (
        " ".join([*asides, text] if r.random() < 0.5 else [text, *asides])
        if r.random() < 0.5
        else (text.replace(". ", f". {' '.join(asides)} ", 1))
    )
    text = " ".join(text.split())
    difficulty = block.get("difficulty") or "medium"
    base = {"easy": 45, "medium": 90, "hard": 150}.get(difficulty, 90)
    tags = [calc.tag, family]
    if block.get("topic"):
        tags.append(str(block["topic"])[:100])
    answer = _with_unit(_round4(calc.value), calc.unit)
    item: Item = {
        "question_text": text,
        "solution": f"{calc.steps} The answer is {answer}.",
        "shortcut": f"{r.choice(vocab.SHORTCUT_LEADS)} {calc.shortcut}",
        "time_target_seconds": base + r.randint(-15, 15),
        "tags": tags,
        "diagram_required": False,
        "diagram_description": None,
    }
    if block.get("question_type") == "numeric":
        item["answer"] = _round4(calc.value)
        item["unit"] = calc.unit
    else:
        opts, idx = _options(r, calc)
        item["options"] = opts
        item["correct_option_index"] = idx
        item["solution"] += f" This is option {'ABCD'[idx]}."
    return item


# --- failure modes ---------------------------------------------------------------------------------------


def reword(item: Item, r: random.Random) -> Item:
    """A near-copy of ``item``: whitespace/LaTeX spacing changed, "Find" → "Determine", options shuffled."""
    out = copy.deepcopy(item)
    t: str = out["question_text"]
    if r.random() < 0.7:
        t = t.replace("Find", "Determine", 1) if "Find" in t else t.replace("What is", "Find", 1)
    if r.random() < 0.5:
        t = t.replace(" = ", "=").replace("$", "$ ")
    if r.random() < 0.5:
        t = t.replace(". ", ".  ").replace(", ", " , ")
    out["question_text"] = t
    if "options" in out and r.random() < 0.7:
        opts = list(out["options"])
        idx = out.get("correct_option_index")
        correct = opts[idx] if isinstance(idx, int) and 0 <= idx < len(opts) else None
        r.shuffle(opts)
        out["options"] = opts
        if correct is not None:
            out["correct_option_index"] = opts.index(correct)
    return out


def bad_item(item: Item, r: random.Random, question_type: str) -> Item:
    """A copy of ``item`` that fails validation in one realistic way."""
    out = copy.deepcopy(item)
    if question_type == "numeric":
        kind = r.choice(["nan", "missing", "text"])
        if kind == "nan":
            out["answer"] = "NaN"
        elif kind == "missing":
            out.pop("answer", None)
        else:
            out["answer"] = "approximately " + str(out.get("answer"))
        return out
    kind = r.choice(["three", "index", "same", "short"])
    if kind == "three":
        out["options"] = out["options"][:3]
    elif kind == "index":
        out["correct_option_index"] = 7
    elif kind == "same":
        out["options"] = [out["options"][0]] * 4
    else:
        out["question_text"] = "Find x."
    return out


@dataclass
class BatchResult:
    items: list[Item]
    duplicates: int = 0
    bad: int = 0


@dataclass
class ContentSource:
    """Items for a server: fresh ones from ``question_item``, plus the duplicate and bad-item modes.

    ``history`` (bounded) remembers items this server produced, so duplicate-heavy mode can repeat an
    item from an earlier call, as the old system did.
    """

    seed: int = 0
    history: deque[Item] = field(default_factory=lambda: deque(maxlen=500))

    def batch(
        self,
        block: dict[str, Any],
        n: int,
        *,
        duplicate_rate: float = 0.0,
        bad_item_rate: float = 0.0,
        rng: random.Random | None = None,
    ) -> BatchResult:
        r = rng or random.Random(item_seed(block, -1, self.seed))
        qtype = "numeric" if block.get("question_type") == "numeric" else "mcq"
        avoid = [a for a in (block.get("avoid") or []) if isinstance(a, str) and len(a.strip()) >= 10]
        result = BatchResult(items=[])
        good: list[Item] = []
        for i in range(n):
            item = question_item(block, i, self.seed)
            if duplicate_rate > 0 and r.random() < duplicate_rate:
                pools: list[list[Item]] = []
                same_type = [h for h in self.history if ("options" in h) == (qtype == "mcq")]
                for pool in (good, same_type):
                    if pool:
                        pools.append(list(pool))
                if avoid:
                    pools.append([{**item, "question_text": a} for a in avoid])
                if pools:
                    src = r.choice(r.choice(pools))
                    item = reword(src, r) if r.random() < 0.6 else copy.deepcopy(src)
                    result.duplicates += 1
            if bad_item_rate > 0 and r.random() < bad_item_rate:
                item = bad_item(item, r, qtype)
                result.bad += 1
            else:
                good.append(item)
                self.history.append(item)
            result.items.append(item)
        return result
