"""Chemistry: the chemistry family's problem shapes.

Atomic masses: H 1, C 12, N 14, O 16, Na 23, Mg 24, Al 27, S 32, Cl 35.5, K 39, Ca 40, Fe 56.

Registered when ``simulators.shapes`` first needs the family.
"""

from __future__ import annotations

import math

from .base import Problem, R, as_frac, facts_from_data, fmt, num, shape, tex_frac

C = "chemistry"
N_A = 6.022e23


@shape(C, "mole", "easy")
def _moles_from_mass(r: R) -> Problem:
    name, formula, mm = r.choice([("glucose", "C_6H_{12}O_6", 180), ("calcium carbonate", "CaCO_3", 100),
                                  ("sodium hydroxide", "NaOH", 40), ("sulphuric acid", "H_2SO_4", 98),
                                  ("urea", "CO(NH_2)_2", 60)])
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
        ("Na 43.4%, C 11.3%, O 45.3%", "$Na_2CO_3$", ("$NaCO_3$", "$NaHCO_3$", "$Na_2CO_2$"), "Na : C : O = 1.89 : 0.94 : 2.83 = "
                                                                                              "2 : 1 : 3"),
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
        f"Theoretical CaO $= {fmt(mass_caco3 / 100)}$ mol $\\times 56 = {fmt(theo)}$ g; yield $= {fmt(got)}/{fmt(theo)} \\times "
        f"100 = {fmt(v)}\\%$.",
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
    gas, mm, mass = r.choice([("oxygen", 32, 8), ("carbon dioxide", 44, 22), ("nitrogen", 28, 7), ("methane", 16, 4),
                              ("ammonia", 17, 34)])
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
        f"Equivalents $= \\frac{{{fmt(mass)}}}{{{mm}/{nf}}} = {fmt(mass / mm * nf)}$; $N = "
        f"{fmt(mass / mm * nf)}/{fmt(vol / 1000)} = {fmt(v)}$ N.",
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
        f"$n = {fmt(na)}$ and ${fmt(nb)}$ mol; $p = x P = \\frac{{{fmt(na)}}}{{{fmt(na + nb)}}} \\times {fmt(pt)} = {fmt(v)}$ "
        "atm.",
        v, "atm", wrong=(pt * a / (a + b), pt / 2 if pt / 2 != v else pt / 3, pt * nb / (na + nb) if na != nb else pt),
    )


@shape(C, "gases")
def _graham_effusion(r: R) -> Problem:
    g1, m1, g2, m2, t1 = r.choice([("hydrogen", 2, "oxygen", 32, 10), ("helium", 4, "methane", 16, 20),
                                   ("methane", 16, "sulphur dioxide", 64, 15)])
    v = t1 * math.sqrt(m2 / m1)
    return Problem(
        f"A certain volume of {g1} effuses through a pinhole in {t1} s. Under the same conditions, how long does the same "
        f"volume of {g2} take?",
        f"Graham's law: $t \\propto \\sqrt{{M}}$, so $t = {t1}\\sqrt{{{m2}/{m1}}} = {fmt(v)}$ s.",
        v, "s", wrong=(t1 * m2 / m1, t1 * math.sqrt(m1 / m2), t1 * (m2 / m1) ** 2),
    )


@shape(C, "gases")
def _gas_density(r: R) -> Problem:
    gas, mm, p, t = r.choice([("carbon dioxide", 44, 1, 273), ("oxygen", 32, 2, 300), ("nitrogen", 28, 1, 350),
                              ("ammonia", 17, 3, 400)])
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
        f"For zero order $[A] = [A]_0 - kt$, so $t_{{1/2}} = \\frac{{[A]_0}}{{2k}} = \\frac{{{fmt(a0)}}}{{{fmt(2 * k)}}} = "
        f"{fmt(v)}$ min.",
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
        "$\\log\\frac{k_2}{k_1} = \\frac{E_a}{2.303R}\\cdot\\frac{T_2 - T_1}{T_1T_2}$: $E_a = 2.303 \\cdot 8.314 "
        "\\cdot "
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
        "$-\\frac{1}{2}\\frac{d[N_2O_5]}{dt} = \\frac{1}{4}\\frac{d[NO_2]}{dt}$, so $\\frac{d[NO_2]}{dt} = "
        f"2 \\times {fmt(rate)} = {fmt(v)}$ mol L⁻¹ s⁻¹.",
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
        f"$k = \\frac{{2.303}}{{t}}\\log\\frac{{[A]_0}}{{[A]}} = \\frac{{2.303}}{{{fmt(t)}}}\\log {fmt(c0 / c)} = {fmt(v)}$ "
        "min⁻¹.",
        v, "min⁻¹", wrong=((c0 - c) / t, math.log10(c0 / c) / t, v * 2),
    )


@shape(C, "equilibrium", "easy")
def _strong_acid_ph(r: R) -> Problem:
    acid, conc, h = r.choice([("HCl", 0.01, 0.01), ("HNO₃", 0.001, 0.001), ("H₂SO₄", 0.005, 0.01), ("HCl", 0.0001, 0.0001),
                              ("H₂SO₄", 0.05, 0.1)])
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
    salt, ksp, kind = r.choice([("AgCl", 1.6e-10, 1), ("BaSO₄", 1.1e-10, 1), ("CaF₂", 3.2e-11, 2), ("Mg(OH)₂", 4e-12, 2),
                                ("AgBr", 4.9e-13, 1)])
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
        ("the temperature is raised (the forward reaction is exothermic)", "The equilibrium shifts towards nitrogen and hydrogen "
                                                                           "and K decreases",
         ("The equilibrium shifts towards ammonia and K increases", "Only the rate changes; the position does not",
          "K increases but the position stays")),
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
                           ("CaCO_3(s) \\rightarrow CaO(s) + CO_2(g)", 1, 1000),
                           ("2H_2(g) + O_2(g) \\rightarrow 2H_2O(l)", -3, 298)])
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
        f"The electrode with the higher reduction potential ({c}) is the cathode: $E^\\circ_{{cell}} = {fmt(ec)} - ({fmt(ea)}) = "
        f"{fmt(v)}$ V.",
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
        f"$\\Lambda_m = \\frac{{\\kappa \\times 1000}}{{M}} = \\frac{{{fmt(kappa)} \\times 1000}}{{{fmt(c)}}} = {fmt(v)}$ S cm² "
        "mol⁻¹.",
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
        f"Raoult's law: $P = p_A^\\circ x_A + p_B^\\circ x_B = {pa} \\cdot {fmt(xa)} + {pb} \\cdot {fmt(1 - xa)} = {fmt(v)}$ mm "
        "Hg.",
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
        f"$\\frac{{\\Delta p}}{{p^\\circ}} = x_{{solute}} = \\frac{{{fmt(n_solute)}}}{{{fmt(n_solute)} + {fmt(nw)}}}"
        f" = {fmt(v)}$.",
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
    salt, i, mm, mass = r.choice([("NaCl", 2, 58.5, 5.85), ("CaCl₂", 3, 111, 11.1), ("KCl", 2, 74.5, 7.45),
                                  ("MgCl₂", 3, 95, 9.5)])
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
        f"$M = \\frac{{K_f \\cdot w}}{{\\Delta T_f \\cdot W}} = \\frac{{5.12 \\times {fmt(mass)}}}{{{fmt(dt)} \\times "
        f"{fmt(kg)}}} = {fmt(mm)}$ g/mol.",
        float(mm), "g/mol", wrong=(mm / 2, mm * 2, kf * mass / dt),
    )


@shape(C, "atomic", "easy")
def _photon_energy(r: R) -> Problem:
    lam = r.choice([300, 400, 500, 600, 662])
    v = 6.626e-34 * 3e8 / (lam * 1e-9)
    return Problem(
        f"What is the energy of one photon of light of wavelength {lam} nm? (h = 6.626 × 10⁻³⁴ J s, c = 3 × 10⁸ m/s)",
        f"$E = \\frac{{hc}}{{\\lambda}} = \\frac{{6.626 \\times 10^{{-34}} \\times 3 \\times 10^8}}{{{lam} \\times 10^{{-9}}}} = "
        f"{fmt(v)}$ J.",
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
        f"{ion} has {unpaired} unpaired d electron{'s' if unpaired > 1 else ''}: $\\mu = \\sqrt{{n(n+2)}} = "
        f"\\sqrt{{{unpaired * (unpaired + 2)}}} = "
        f"{fmt(v)}$ BM.",
        v, "BM",
        wrong=(math.sqrt((unpaired + 1) * (unpaired + 3)), float(unpaired),
               math.sqrt((unpaired - 1) * (unpaired + 1)) if unpaired > 1 else math.sqrt(24)),
    )


@shape(C, "atomic")
def _uncertainty_velocity(r: R) -> Problem:
    dx_nm = r.choice([0.1, 1, 10])
    v = 6.626e-34 / (4 * math.pi * 9.1e-31 * dx_nm * 1e-9)
    return Problem(
        f"The position of an electron is known to within {fmt(dx_nm)} nm. What is the minimum uncertainty in its "
        "velocity? (h = 6.626 × 10⁻³⁴ J s, m = 9.1 × 10⁻³¹ kg)",
        "$\\Delta v \\ge \\frac{h}{4\\pi m\\Delta x} = \\frac{6.626 \\times 10^{-34}}{4\\pi \\cdot 9.1 \\times "
        f"10^{{-31}} \\cdot {fmt(dx_nm * 1e-9)}}} "
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
        f"$\\frac{{1}}{{\\lambda}} = R\\left(\\frac{{1}}{{{n2}^2}} - \\frac{{1}}{{{n1}^2}}\\right) = {fmt(inv)}$ m⁻¹, so "
        f"$\\lambda = {fmt(v)}$ nm.",
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
                                 ("C₄H₁₀O", "isomeric alcohols (structural only)", 4), ("C₃H₈O", "structural isomers (alcohols "
                                                                                                 "and ethers)", 3),
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
        ("benzene into acetophenone", "CH₃COCl with anhydrous AlCl₃",
         ("CH₃Cl with anhydrous AlCl₃", "CH₃COOH and H₂SO₄", "Br₂ in water")),
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
        f"$\\%N = \\frac{{1.4 \\times N \\times V}}{{w}} = \\frac{{1.4 \\times {fmt(normal)} \\times {vol}}}{{{fmt(w)}}} = "
        f"{fmt(v)}\\%$.",
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


# --- more computed problems: one set-up and one ask each ----------------------------------------------------


@shape(C, "mole")
def _oxygen_to_burn_methane(r: R) -> Problem:
    mass = r.choice([8, 16, 32, 4, 24])
    v = mass / 16 * 2 * 22.4
    return Problem(
        f"What volume of oxygen at STP is needed to burn {mass} g of methane completely to CO₂ and water?",
        f"$CH_4 + 2O_2 \\to CO_2 + 2H_2O$: {fmt(mass / 16)} mol of CH₄ needs {fmt(mass / 8)} mol of O₂, "
        f"i.e. ${fmt(mass / 8)} \\times 22.4 = {fmt(v)}$ L.",
        v, "L", wrong=(v / 2, mass / 16 * 22.4, v * 2),
    )


@shape(C, "mole")
def _chlorate_oxygen(r: R) -> Problem:
    litres = r.choice([6.72, 13.44, 3.36, 33.6])
    mol_o2 = litres / 22.4
    v = mol_o2 * 2 / 3 * 122.5
    return Problem(
        f"Potassium chlorate decomposes on heating: 2KClO₃ → 2KCl + 3O₂. What mass of KClO₃ gives {fmt(litres)} L "
        "of oxygen at STP? (KClO₃ = 122.5 g/mol)",
        f"$n(O_2) = {fmt(litres)}/22.4 = {fmt(mol_o2)}$ mol, so $n(KClO_3) = \\frac{{2}}{{3}} \\times {fmt(mol_o2)} = "
        f"{fmt(mol_o2 * 2 / 3)}$ mol and the mass is ${fmt(v)}$ g.",
        v, "g", wrong=(mol_o2 * 122.5, mol_o2 * 1.5 * 122.5, v / 2),
    )


@shape(C, "mole", "easy")
def _titration_volume(r: R) -> Problem:
    vacid, macid, mbase = r.choice([(25, 0.1, 0.1), (20, 0.2, 0.1), (10, 0.5, 0.25), (50, 0.05, 0.1)])
    v = 2 * macid * vacid / mbase
    return Problem(
        f"What volume of {fmt(mbase)} M NaOH is needed to neutralise {vacid} mL of {fmt(macid)} M H₂SO₄ completely?",
        f"H₂SO₄ is dibasic: $2 \\times {fmt(macid)} \\times {vacid} = {fmt(mbase)} \\times V$, so $V = {fmt(v)}$ mL.",
        v, "mL", wrong=(v / 2, v * 2, macid * vacid / mbase / 2),
    )


@shape(C, "mole", "easy")
def _mass_for_solution(r: R) -> Problem:
    solute, mm = r.choice([("sodium chloride", 58.5), ("potassium hydroxide", 56), ("sodium carbonate", 106),
                           ("oxalic acid dihydrate", 126)])
    vol, conc = r.choice([(250, 0.1), (500, 0.2), (100, 0.5), (200, 0.25)])
    v = conc * vol / 1000 * mm
    return Problem(
        f"What mass of {solute} is needed to prepare {vol} mL of a {fmt(conc)} M solution? (molar mass {fmt(mm)} g/mol)",
        f"$n = MV = {fmt(conc)} \\times {fmt(vol / 1000)} = {fmt(conc * vol / 1000)}$ mol; mass $= n \\times {fmt(mm)} = "
        f"{fmt(v)}$ g.",
        v, "g", wrong=(conc * vol * mm, v * 2, conc * mm),
    )


@shape(C, "mole", "easy")
def _ppm_hardness(r: R) -> Problem:
    mg, kg = r.choice([(0.5, 2), (0.12, 1.5), (0.3, 5), (0.02, 0.5)])
    v = mg / 1000 / (kg * 1000) * 1e6
    return Problem(
        f"A {fmt(kg)} kg sample of ground water contains {fmt(mg)} g of dissolved calcium carbonate. What is its "
        "concentration in parts per million by mass?",
        f"ppm $= \\frac{{{fmt(mg)}}}{{{fmt(kg * 1000)}}} \\times 10^6 = {fmt(v)}$.",
        v, "ppm", wrong=(v * 1000, v / 1000, v * 10),
    )


@shape(C, "gases")
def _rms_speed(r: R) -> Problem:
    gas, mm, t = r.choice([("nitrogen", 28, 300), ("oxygen", 32, 400), ("helium", 4, 300), ("hydrogen", 2, 250)])
    v = math.sqrt(3 * 8.314 * t / (mm / 1000))
    return Problem(
        f"Find the root mean square speed of {gas} molecules at {t} K. (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$u_{{rms}} = \\sqrt{{3RT/M}} = \\sqrt{{3 \\times 8.314 \\times {t} / {fmt(mm / 1000)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(2 * 8.314 * t / (mm / 1000)), math.sqrt(3 * 8.314 * t / mm), v / math.sqrt(2)),
    )


@shape(C, "gases", "easy")
def _kinetic_energy_per_mole(r: R) -> Problem:
    t = r.choice([300, 400, 500, 250, 600])
    v = 1.5 * 8.314 * t / 1000
    return Problem(
        f"What is the total translational kinetic energy of one mole of an ideal gas at {t} K? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$E = \\frac{{3}}{{2}}RT = 1.5 \\times 8.314 \\times {t} = {fmt(v * 1000)}$ J $= {fmt(v)}$ kJ.",
        v, "kJ", wrong=(8.314 * t / 1000, 2.5 * 8.314 * t / 1000, 3 * 8.314 * t / 1000),
    )


@shape(C, "gases", "easy")
def _sealed_cylinder_pressure(r: R) -> Problem:
    p1, t1, t2 = r.choice([(2, 300, 450), (3, 250, 500), (1.5, 300, 400), (4, 400, 300)])
    v = p1 * t2 / t1
    return Problem(
        f"A sealed steel cylinder holds a gas at {fmt(p1)} atm and {t1} K. At what pressure will the gas be if the "
        f"cylinder is brought to {t2} K?",
        f"At constant volume $P \\propto T$: $P_2 = {fmt(p1)} \\times {t2}/{t1} = {fmt(v)}$ atm.",
        v, "atm", wrong=(p1 * t1 / t2, p1 * (t2 - t1) / t1, p1 + (t2 - t1) / 100),
    )


@shape(C, "gases")
def _combined_gas_law(r: R) -> Problem:
    v1, p1, t1, p2, t2 = r.choice([(500, 1, 300, 2, 400), (2, 1.5, 273, 0.5, 546), (10, 2, 250, 4, 500),
                                   (300, 0.8, 320, 1.6, 400)])
    v = v1 * p1 / p2 * t2 / t1
    unit = "mL" if v1 >= 100 else "L"
    return Problem(
        f"A balloon holds {v1} {unit} of gas at {fmt(p1)} atm and {t1} K. What volume does the gas occupy at "
        f"{fmt(p2)} atm and {t2} K?",
        f"$\\frac{{P_1V_1}}{{T_1}} = \\frac{{P_2V_2}}{{T_2}}$: $V_2 = {v1} \\times \\frac{{{fmt(p1)}}}{{{fmt(p2)}}} \\times "
        f"\\frac{{{t2}}}{{{t1}}} = {fmt(v)}$ {unit}.",
        v, unit, wrong=(v1 * p2 / p1 * t2 / t1, v1 * p1 / p2 * t1 / t2, v1 * t2 / t1),
    )


@shape(C, "kinetics", "easy")
def _rate_on_doubling(r: R) -> Problem:
    order, factor = r.choice([(2, 2), (2, 3), (3, 2), (0.5, 4), (1.5, 4)])
    v = factor**order
    return Problem(
        f"The rate law of a reaction is rate = k[A]^{{{fmt(order)}}}. By what factor does the rate change when the "
        f"concentration of A is made {factor} times larger?",
        f"Rate $\\propto [A]^{{{fmt(order)}}}$, so the factor is ${factor}^{{{fmt(order)}}} = {fmt(v)}$.",
        v, wrong=(factor * order, float(factor), factor ** (order + 1)),
    )


@shape(C, "equilibrium")
def _weak_base_ph(r: R) -> Problem:
    c, kb = r.choice([(0.1, 1.8e-5), (0.01, 1.8e-5), (0.2, 4.5e-4), (0.05, 2.0e-6)])
    oh = math.sqrt(kb * c)
    v = 14 + math.log10(oh)
    return Problem(
        f"What is the pH of a {fmt(c)} M solution of a weak base B with $K_b = {fmt(kb)}$ at 25 °C?",
        f"$[OH^-] = \\sqrt{{K_b C}} = {fmt(oh)}$ M, so pOH $= {fmt(-math.log10(oh))}$ and pH $= 14 - $ pOH $= {fmt(v)}$.",
        v, wrong=(-math.log10(oh), 14 + math.log10(c), v - 1),
    )


@shape(C, "equilibrium")
def _n2o4_kc(r: R) -> Problem:
    n2o4, no2 = r.choice([(0.2, 0.1), (0.5, 0.3), (0.04, 0.02), (0.1, 0.4)])
    v = no2 * no2 / n2o4
    return Problem(
        f"At equilibrium in N₂O₄(g) ⇌ 2NO₂(g) at a fixed temperature, [N₂O₄] = {fmt(n2o4)} M and [NO₂] = {fmt(no2)} M. "
        "Calculate $K_c$.",
        f"$K_c = \\frac{{[NO_2]^2}}{{[N_2O_4]}} = \\frac{{{fmt(no2)}^2}}{{{fmt(n2o4)}}} = {fmt(v)}$.",
        v, wrong=(no2 / n2o4, n2o4 / no2**2, 2 * no2 / n2o4),
    )


@shape(C, "thermochem", "easy")
def _heat_to_warm_water(r: R) -> Problem:
    m, dt = r.choice([(100, 20), (250, 40), (500, 10), (200, 75)])
    v = m * 4.18 * dt / 1000
    return Problem(
        f"How much heat is needed to warm {m} g of water by {dt} °C? (specific heat of water 4.18 J g⁻¹ K⁻¹)",
        f"$q = mc\\Delta T = {m} \\times 4.18 \\times {dt} = {fmt(v * 1000)}$ J $= {fmt(v)}$ kJ.",
        v, "kJ", wrong=(m * dt / 1000, v * 4.18, m * 4.18 / dt / 1000),
    )


@shape(C, "thermochem")
def _entropy_of_vaporisation(r: R) -> Problem:
    liquid, dh, tb = r.choice([("water", 40.7, 373), ("ethanol", 38.6, 351), ("benzene", 30.8, 353),
                               ("acetone", 29.1, 329)])
    v = dh * 1000 / tb
    return Problem(
        f"The enthalpy of vaporisation of {liquid} is {fmt(dh)} kJ mol⁻¹ at its boiling point of {tb} K. What is its "
        "molar entropy of vaporisation?",
        f"$\\Delta S = \\frac{{\\Delta H}}{{T}} = \\frac{{{fmt(dh * 1000)}}}{{{tb}}} = {fmt(v)}$ J K⁻¹ mol⁻¹.",
        v, "J K⁻¹ mol⁻¹", wrong=(dh / tb, v / 2, dh * tb / 1000),
    )


@shape(C, "thermochem", "easy")
def _heat_from_burning_fuel(r: R) -> Problem:
    fuel, mm, dch, mass = r.choice([("methane", 16, 890, 8), ("ethanol", 46, 1367, 23), ("propane", 44, 2220, 11),
                                    ("glucose", 180, 2808, 45)])
    v = mass / mm * dch
    return Problem(
        f"The standard enthalpy of combustion of {fuel} is −{dch} kJ mol⁻¹. How much heat is released when {mass} g "
        f"of {fuel} burns completely? (molar mass {mm} g/mol)",
        f"$n = {mass}/{mm} = {fmt(mass / mm)}$ mol, so heat released $= {fmt(mass / mm)} \\times {dch} = {fmt(v)}$ kJ.",
        v, "kJ", wrong=(dch * mass, dch / mass, v * 2),
    )


@shape(C, "electrochem")
def _hydrogen_at_cathode(r: R) -> Problem:
    current, minutes = r.choice([(2, 80.4), (5, 64.3), (1, 160.8), (10, 16.08)])
    q = current * minutes * 60
    v = q / 96500 / 2 * 22.4 * 1000
    return Problem(
        f"A current of {current} A is passed through acidified water for {fmt(minutes)} minutes. What volume of hydrogen "
        "at STP is liberated at the cathode? (F = 96500 C mol⁻¹)",
        f"$Q = {current} \\times {fmt(minutes * 60)} = {fmt(q)}$ C $= {fmt(q / 96500)}$ F; 2 F give one mole of H₂, so "
        f"$V = {fmt(q / 96500 / 2)} \\times 22.4$ L $= {fmt(v)}$ mL.",
        v, "mL", wrong=(v * 2, v / 2, q / 96500 * 22.4 * 1000 * 2),
    )


@shape(C, "electrochem")
def _k_from_cell_potential(r: R) -> Problem:
    n, e = r.choice([(2, 0.059), (1, 0.118), (2, 0.118), (1, 0.177), (3, 0.0591)])
    logk = n * e / 0.059
    v = logk
    return Problem(
        f"A cell reaction involving the transfer of {n} electron{'s' if n > 1 else ''} has $E^\\circ_{{cell}} = {fmt(e)}$ V "
        "at 298 K. What is $\\log K$ for the reaction? (take 2.303RT/F = 0.059 V)",
        f"$\\log K = \\frac{{nE^\\circ}}{{0.059}} = \\frac{{{n} \\times {fmt(e)}}}{{0.059}} = {fmt(v)}$.",
        v, wrong=(e / 0.059, n * e, v * 2.303),
    )


@shape(C, "electrochem", "easy")
def _resistance_from_cell_constant(r: R) -> Problem:
    g, kappa = r.choice([(1.2, 0.012), (0.5, 0.0025), (2.0, 0.04), (1.5, 0.003)])
    v = g / kappa
    return Problem(
        f"A conductivity cell has a cell constant of {fmt(g)} cm⁻¹. Filled with a solution of conductivity {fmt(kappa)} "
        "S cm⁻¹, what resistance does it show?",
        f"$\\kappa = G^* / R$, so $R = {fmt(g)}/{fmt(kappa)} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(g * kappa, kappa / g, v / 10),
    )


@shape(C, "solutions", "easy")
def _solute_for_molality(r: R) -> Problem:
    solute, mm, m, kg = r.choice([("urea", 60, 0.5, 0.5), ("glucose", 180, 0.2, 0.25), ("sucrose", 342, 0.1, 0.5),
                                  ("ethylene glycol", 62, 1, 0.2)])
    v = m * kg * mm
    return Problem(
        f"What mass of {solute} (molar mass {mm} g/mol) must be dissolved in {fmt(kg * 1000)} g of water to make a "
        f"{fmt(m)} molal solution?",
        f"$n = m \\times W = {fmt(m)} \\times {fmt(kg)} = {fmt(m * kg)}$ mol, i.e. ${fmt(m * kg)} \\times {mm} = {fmt(v)}$ g.",
        v, "g", wrong=(m * mm, v * 2, m * kg * 1000 * mm / 100),
    )


@shape(C, "solutions")
def _vant_hoff_factor(r: R) -> Problem:
    salt, m, observed = r.choice([("KCl", 0.1, 0.35), ("MgCl₂", 0.05, 0.26), ("K₂SO₄", 0.02, 0.1),
                                  ("NaCl", 0.2, 0.7)])
    v = observed / (1.86 * m)
    return Problem(
        f"A {fmt(m)} molal aqueous solution of {salt} freezes at −{fmt(observed)} °C. What is the van 't Hoff factor of "
        "the salt in this solution? ($K_f$ = 1.86 K kg mol⁻¹)",
        f"$i = \\frac{{\\Delta T_f}}{{K_f m}} = \\frac{{{fmt(observed)}}}{{1.86 \\times {fmt(m)}}} = {fmt(v)}$.",
        v, wrong=(1.86 * m / observed, observed / m, v + 1),
    )


@shape(C, "atomic")
def _electron_wavelength(r: R) -> Problem:
    speed = r.choice([1e6, 2e6, 5e5, 4e6, 2.5e6])
    v = 6.626e-34 / (9.1e-31 * speed) * 1e9
    return Problem(
        f"What is the de Broglie wavelength of an electron moving at {num(speed)} m/s? (h = 6.626 × 10⁻³⁴ J s, "
        "m = 9.1 × 10⁻³¹ kg)",
        f"$\\lambda = \\frac{{h}}{{mv}} = \\frac{{6.626 \\times 10^{{-34}}}}{{9.1 \\times 10^{{-31}} \\times {fmt(speed)}}} = "
        f"{fmt(v * 1e-9)}$ m $= {fmt(v)}$ nm.",
        v, "nm", wrong=(v * 10, v / 10, v * 2),
    )


@shape(C, "atomic")
def _photons_from_lamp(r: R) -> Problem:
    power, lam = r.choice([(100, 662), (25, 497), (60, 331), (10, 663)])
    e = 6.626e-34 * 3e8 / (lam * 1e-9)
    v = power / e
    return Problem(
        f"A {power} W sodium-vapour lamp emits monochromatic light of wavelength {lam} nm. How many photons does it emit "
        "per second? (h = 6.626 × 10⁻³⁴ J s, c = 3 × 10⁸ m/s)",
        f"Each photon carries $hc/\\lambda = {fmt(e)}$ J, so the number per second is ${power}/{fmt(e)} = {fmt(v)}$.",
        v, wrong=(v / 10, v * 10, e * power),
    )


@shape(C, "atomic", "easy")
def _bohr_orbit_energy(r: R) -> Problem:
    n = r.choice([2, 3, 4, 5])
    v = -13.6 / (n * n)
    return Problem(
        f"According to Bohr's model, what is the energy of the electron in the n = {n} orbit of a hydrogen atom?",
        f"$E_n = -\\frac{{13.6}}{{n^2}}$ eV $= -\\frac{{13.6}}{{{n * n}}} = {fmt(v)}$ eV.",
        v, "eV", wrong=(-13.6 / n, 13.6 / (n * n), -13.6 * n * n),
    )


@shape(C, "atomic", "easy")
def _bohr_orbit_radius(r: R) -> Problem:
    n, z, ion = r.choice([(2, 1, "a hydrogen atom"), (3, 1, "a hydrogen atom"), (2, 2, "a He⁺ ion"), (3, 3, "a Li²⁺ ion")])
    v = 52.9 * n * n / z
    return Problem(
        f"What is the radius of the n = {n} Bohr orbit of {ion}? (radius of the first orbit of hydrogen 52.9 pm)",
        f"$r_n = 52.9 \\frac{{n^2}}{{Z}}$ pm $= 52.9 \\times \\frac{{{n * n}}}{{{z}}} = {fmt(v)}$ pm.",
        v, "pm", wrong=(52.9 * n / z, 52.9 * n * n * z, 52.9 * n * n),
    )


@shape(C, "atomic", "easy")
def _spectral_line_count(r: R) -> Problem:
    n = r.choice([4, 5, 6, 7])
    v = n * (n - 1) / 2
    return Problem(
        f"Electrons of hydrogen atoms excited to the n = {n} level fall back to the ground state by every possible "
        "route. How many different spectral lines can appear?",
        f"The number of lines is $\\frac{{n(n-1)}}{{2}} = \\frac{{{n} \\times {n - 1}}}{{2}} = {fmt(v)}$.",
        v, wrong=(float(n - 1), float(n), float(n * (n - 1))),
    )


@shape(C, "bonding")
def _percent_ionic_character(r: R) -> Problem:
    mol, mu, d = r.choice([("HCl", 1.03, 127), ("HBr", 0.79, 141), ("HF", 1.91, 92), ("HI", 0.38, 161)])
    ideal = 4.8 * d / 100
    v = mu / ideal * 100
    return Problem(
        f"The dipole moment of {mol} is {fmt(mu)} D and its bond length is {d} pm. What is the percentage ionic "
        "character of the bond? (charge of an electron × 1 Å = 4.8 D)",
        f"A fully ionic bond would have $\\mu = 4.8 \\times {fmt(d / 100)} = {fmt(ideal)}$ D, so the ionic character is "
        f"${fmt(mu)}/{fmt(ideal)} \\times 100 = {fmt(v)}$%.",
        v, "%", wrong=(mu / 4.8 * 100, v / 2, 100 - v),
    )


@shape(C, "organic")
def _carbon_by_combustion(r: R) -> Problem:
    sample, co2 = r.choice([(0.2, 0.44), (0.3, 0.66), (0.25, 0.55), (0.45, 0.88)])
    c = co2 * 12 / 44
    v = c / sample * 100
    return Problem(
        f"On complete combustion, {fmt(sample)} g of an organic compound gave {fmt(co2)} g of carbon dioxide. What is the "
        "percentage of carbon in the compound?",
        f"Carbon in the CO₂ $= \\frac{{12}}{{44}} \\times {fmt(co2)} = {fmt(c)}$ g, i.e. "
        f"$\\frac{{{fmt(c)}}}{{{fmt(sample)}}} \\times 100 = {fmt(v)}$%.",
        v, "%", wrong=(co2 / sample * 100, v / 2, 100 - v),
    )


@shape(C, "organic")
def _bromine_by_carius(r: R) -> Problem:
    sample, agbr = r.choice([(0.15, 0.12), (0.3, 0.376), (0.25, 0.188), (0.2, 0.282)])
    br = agbr * 80 / 188
    v = br / sample * 100
    return Problem(
        f"In a Carius estimation, {fmt(sample)} g of an organic compound gave {fmt(agbr)} g of silver bromide. What is "
        "the percentage of bromine in the compound? (Ag = 108, Br = 80)",
        f"Bromine in the AgBr $= \\frac{{80}}{{188}} \\times {fmt(agbr)} = {fmt(br)}$ g, i.e. "
        f"$\\frac{{{fmt(br)}}}{{{fmt(sample)}}} \\times 100 = {fmt(v)}$%.",
        v, "%", wrong=(agbr / sample * 100, v * 108 / 80, 100 - v),
    )


facts_from_data(C)  # the conceptual questions: data/chemistry_facts.json
