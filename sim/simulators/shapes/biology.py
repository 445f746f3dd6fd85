"""Biology: the biology family's problem shapes (NCERT facts; numerical problems from genetics, physiology
and ecology). The facts are data: ``data/biology_facts.json``.

Registered when ``simulators.shapes`` first needs the family.
"""

from __future__ import annotations

import math

from .base import Problem, R, as_frac, facts_from_data, fmt, shape, tex_frac

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
        ("show the dominant trait for gene A and the recessive trait for gene B", 3 / 16, "$\\frac34 \\times \\frac14 = "
                                                                                          "\\frac{3}{16}$"),
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
        ("I^A I^A", "I^B i", "blood group AB", 1 / 2), ("I^A i", "I^A i", "blood group A", 3 / 4),
        ("I^A I^B", "i i", "blood group A", 1 / 2),
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
        f"Each step passes on 10%: {e0} → {e0 // 10} → {e0 // 100}" + (f" → {e0 // 1000}" if level == 4 else "")
        + f" J, so {fmt(v)} J.",
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
        f"Mean per quadrat $= {sum(counts)}/5 = {fmt(sum(counts) / 5)}$; density $= {fmt(sum(counts) / 5)}/{fmt(area)} = "
        f"{fmt(v)}$ per m².",
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


facts_from_data(B)
