# ruff: noqa: E501  (question data reads better unwrapped)
"""Hand-built JEE-style questions for the dedupe tests and ``scripts/measure_threshold.py``.

Duplicates: reworded, reformatted (whitespace, LaTeX spacing) and option-shuffled copies, and a long
question whose passage was rewritten sentence by sentence with its ask reworded.
Distinct (must be kept): different questions on the same topic, and different final asks on one long
shared passage (multi-part comprehension).
Decided by the embedding (a duplicate exactly when the cosine is at or above the threshold): the same
template with different numbers, a short set-up with another ask, and a part of a rewritten passage
against another part of the original.
"""

from __future__ import annotations

import re
from typing import Any

# --- long shared passages (each well over 256 word pieces) with several different final asks ----

LOCUS_PASSAGE = (
    "Comprehension. Consider the lines $L_1: x\\sqrt{2} + y - 1 = 0$ and $L_2: x\\sqrt{2} - y + 1 = 0$ "
    "drawn in the Cartesian plane with the usual orientation of the coordinate axes. For a fixed positive "
    "constant $\\lambda$, let $C$ be the locus of a point $P(x, y)$ such that the product of the "
    "perpendicular distance of $P$ from $L_1$ and the perpendicular distance of $P$ from $L_2$ is equal to "
    "$\\lambda^2$. It is known that this locus is a conic whose equation can be written in the form "
    "$|2x^2 - (y - 1)^2| = 3\\lambda^2$, and that the relevant branch for this problem is the one for which "
    "$2x^2 - (y-1)^2 = -3\\lambda^2$. The straight line $y = 2x + 1$ meets the curve $C$ at two distinct "
    "points $R$ and $S$, and the distance between the points $R$ and $S$ is given to be $\\sqrt{270}$. "
    "Let the perpendicular bisector of the chord $RS$ meet the curve $C$ at two distinct points $R'$ and "
    "$S'$, and let $D$ denote the square of the distance between $R'$ and $S'$. Throughout, assume all "
    "quantities are real, that the points are labelled so that $R$ lies to the left of $S$, and that the "
    "midpoint of $RS$ lies on the line $x = 0$. The students are expected to use the parametric form of "
    "the chord, the formula for the length of a chord intercepted by a conic, and the condition for a "
    "line to intersect a hyperbola in two real points. Answers must be given correct to two decimal "
    "places wherever they are not integers."
)
LOCUS_ASKS = [
    "What is the value of $\\lambda^2$?",
    "What is the value of $D$?",
    "What is the slope of the perpendicular bisector of $RS$?",
    "What is the eccentricity of the conic $C$?",
]
LOCUS_REWORDED_PASSAGE = (
    LOCUS_PASSAGE.replace("Consider the lines", "Take the lines")
    .replace("meets the curve", "intersects the curve")
    .replace("is given to be", "equals")
    .replace("The students are expected to use", "One should use")
    .replace("  ", " ")
    .replace("= 0$", "=0$")
)
LOCUS_REWORDED_ASKS = [
    "Find the value of $\\lambda ^{2}$.",
    "Determine $D$.",
    "Find the slope of the perpendicular bisector of $RS$.",
    "Find the eccentricity of the conic $C$.",
]

CIRCUIT_PASSAGE = (
    "Passage. A parallel plate capacitor of plate area $A = 0.02\\,m^2$ and plate separation "
    "$d = 1.0\\,mm$ is connected in series with a resistor of resistance $R = 500\\,\\Omega$ and an ideal "
    "battery of emf $E = 12\\,V$ through a switch $S$. Initially the capacitor is uncharged and the switch "
    "is open. At time $t = 0$ the switch is closed and the capacitor begins to charge. After a long time, "
    "when the current in the circuit has become negligible, the battery is disconnected without any loss "
    "of charge, and a dielectric slab of dielectric constant $K = 4$ and thickness $d/2$ is slowly "
    "inserted between the plates, parallel to them, so that it fills half of the gap. The slab is held by "
    "an external agent so that it moves without acceleration, and the edges of the plates are ignored "
    "(fringing fields are negligible). Take the permittivity of free space to be "
    "$\\varepsilon_0 = 8.85 \\times 10^{-12}\\,F\\,m^{-1}$ and treat the battery, the wires and the switch "
    "as ideal. The energy stored in the capacitor, the charge on its plates and the potential difference "
    "across it change during the two stages of the experiment, and the work done by the external agent "
    "can be found from the change in the stored energy. The time constant of the charging stage is the "
    "product of the resistance and the capacitance of the empty capacitor. All answers are to be given "
    "in SI units, rounded to three significant figures."
)
CIRCUIT_ASKS = [
    "What is the time constant of the charging stage in nanoseconds?",
    "What is the potential difference across the capacitor after the slab is inserted?",
    "What is the work done by the external agent while inserting the slab?",
]
CIRCUIT_REWORDED_PASSAGE = (
    CIRCUIT_PASSAGE.replace("Passage.", "Read the passage.")
    .replace("begins to charge", "starts charging")
    .replace("is slowly inserted", "is inserted slowly")
    .replace("\\,", " ")
)
CIRCUIT_REWORDED_ASKS = [
    "Find the time constant of the charging stage, in nanoseconds.",
    "Determine the potential difference across the capacitor once the slab has been inserted.",
    "Calculate the work done by the external agent during the insertion of the slab.",
]

# The circuit passage with half of its sentences rewritten, and asks reworded past term overlap: the
# same questions, which the text check must not mistake for other parts of one shared passage.
CIRCUIT_PARAPHRASED_PASSAGE = (
    CIRCUIT_PASSAGE.replace(
        "Passage. A parallel plate capacitor of plate area $A = 0.02\\,m^2$ and plate separation "
        "$d = 1.0\\,mm$ is connected in series with a resistor of resistance $R = 500\\,\\Omega$ and an "
        "ideal battery of emf $E = 12\\,V$ through a switch $S$.",
        "Read the passage below. An ideal $12\\,V$ cell, a $500\\,\\Omega$ resistor, a switch $S$ and an "
        "air-filled parallel plate capacitor (plates of area $0.02\\,m^2$, $1.0\\,mm$ apart) are joined "
        "in one series loop.",
    )
    .replace(
        "Initially the capacitor is uncharged and the switch is open. At time $t = 0$ the switch is "
        "closed and the capacitor begins to charge.",
        "The capacitor carries no charge to begin with and $S$ is open; $S$ is shut at $t = 0$ and the "
        "capacitor charges up through the resistor.",
    )
    .replace(
        "After a long time, when the current in the circuit has become negligible, the battery is "
        "disconnected without any loss of charge,",
        "Once the current has died away, the cell is removed from the loop so that no charge can leave "
        "the plates,",
    )
    .replace("(fringing fields are negligible)", "(edge effects are neglected)")
    .replace(
        "All answers are to be given in SI units, rounded to three significant figures.",
        "Report every result in SI units to three significant figures.",
    )
)
CIRCUIT_PARAPHRASED_ASKS = [
    "How long is the RC time constant while the capacitor charges, in ns?",
    "Once the slab is fully in place, what voltage is there between the plates?",
    "How much work does the agent do in pushing the slab in?",
]

ORGANIC_PASSAGE = (
    "Read the following paragraph and answer the question that follows. Compound $P$ with molecular "
    "formula $C_8H_{10}O$ is optically active and gives a positive iodoform test. On heating with "
    "concentrated sulphuric acid, $P$ undergoes dehydration to give an alkene $Q$ with molecular formula "
    "$C_8H_8$, which decolourises bromine water and on ozonolysis followed by work-up with zinc and water "
    "gives benzaldehyde and formaldehyde. When $P$ is treated with acidified potassium dichromate it is "
    "oxidised to a ketone $R$ with molecular formula $C_8H_8O$, which does not reduce Tollens' reagent but "
    "gives a yellow precipitate with iodine and sodium hydroxide. The ketone $R$, on treatment with "
    "hydroxylamine, forms an oxime $S$, and the oxime $S$ on heating with concentrated sulphuric acid "
    "undergoes a rearrangement to give an amide $T$. Hydrolysis of $T$ in aqueous acid gives aniline and "
    "a carboxylic acid $U$. Separately, compound $Q$ on treatment with HBr in the presence of a peroxide "
    "gives a bromide $V$, which on treatment with alcoholic KCN followed by acidic hydrolysis gives an "
    "acid $W$ containing one carbon atom more than $V$. Assume that every step proceeds with complete "
    "conversion, that no side products are formed, and that the usual conventions of organic chemistry "
    "nomenclature apply throughout this question."
)
ORGANIC_ASKS = [
    "Which of the following is the structure of compound $T$?",
    "Which of the following is the carboxylic acid $U$?",
    "Which of the following is the IUPAC name of compound $W$?",
]
ORGANIC_OPTIONS = [
    ["N-phenylethanamide", "N-methylbenzamide", "Benzamide", "Phenylacetamide"],
    ["Ethanoic acid", "Methanoic acid", "Benzoic acid", "Propanoic acid"],
    ["3-Phenylpropanoic acid", "2-Phenylpropanoic acid", "Phenylacetic acid", "4-Phenylbutanoic acid"],
]
ORGANIC_REWORDED_PASSAGE = (
    ORGANIC_PASSAGE.replace(
        "Read the following paragraph and answer the question that follows.", "Paragraph."
    )
    .replace("undergoes dehydration to give", "is dehydrated to")
    .replace("Separately,", "In a separate experiment,")
)
ORGANIC_REWORDED_ASKS = [
    "Identify the structure of compound $T$ from the options below?",
    "Identify the carboxylic acid $U$ from the options?",
    "What is the IUPAC name of compound $W$?",
]


def passage_question(passage: str, ask: str) -> str:
    return f"{passage} {ask}"


def multipart_numeric() -> list[dict[str, Any]]:
    """Numeric questions sharing a long passage, each with its own final ask."""
    out = []
    for passage, asks in ((LOCUS_PASSAGE, LOCUS_ASKS), (CIRCUIT_PASSAGE, CIRCUIT_ASKS)):
        for k, ask in enumerate(asks):
            out.append(numeric(passage_question(passage, ask), answer=float(k + 1)))
    return out


def multipart_numeric_reworded() -> list[dict[str, Any]]:
    out = []
    for passage, asks in (
        (LOCUS_REWORDED_PASSAGE, LOCUS_REWORDED_ASKS),
        (CIRCUIT_REWORDED_PASSAGE, CIRCUIT_REWORDED_ASKS),
    ):
        for k, ask in enumerate(asks):
            out.append(numeric(passage_question(passage, ask), answer=float(k + 1)))
    return out


def multipart_numeric_paraphrased() -> list[dict[str, Any]]:
    """The circuit parts (``multipart_numeric()[4:]``) with the passage rewritten and the asks reworded."""
    return [
        numeric(passage_question(CIRCUIT_PARAPHRASED_PASSAGE, ask), answer=float(k + 1))
        for k, ask in enumerate(CIRCUIT_PARAPHRASED_ASKS)
    ]


def multipart_mcq() -> list[dict[str, Any]]:
    return [
        mcq(passage_question(ORGANIC_PASSAGE, a), o)
        for a, o in zip(ORGANIC_ASKS, ORGANIC_OPTIONS, strict=True)
    ]


def multipart_mcq_reworded() -> list[dict[str, Any]]:
    # reworded passage and ask, options shuffled
    return [
        mcq(passage_question(ORGANIC_REWORDED_PASSAGE, a), [o[2], o[0], o[3], o[1]], correct=1)
        for a, o in zip(ORGANIC_REWORDED_ASKS, ORGANIC_OPTIONS, strict=True)
    ]


# --- short questions: (original, manual rewording) pairs on a few topics -------------------------

SHORT: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}


def mcq(text: str, options: list[str], correct: int = 0) -> dict[str, Any]:
    return {
        "question_text": text,
        "options": options,
        "correct_option_index": correct,
        "solution": "See the worked solution.",
    }


def numeric(text: str, answer: float = 1.0, unit: str | None = None) -> dict[str, Any]:
    return {"question_text": text, "answer": answer, "unit": unit, "solution": "See the worked solution."}


SHORT["Kinematics"] = [
    (
        numeric(
            "A body starts from rest with a uniform acceleration of $2\\,m/s^2$. How far does it travel in 5 s?",
            25,
            "m",
        ),
        numeric(
            "Starting from rest, a body moves with constant acceleration $2 m/s^2$. Find the distance it covers in 5 s.",
            25,
            "m",
        ),
    ),
    (
        numeric(
            "A ball is thrown vertically upward with a speed of 20 m/s. Find the maximum height reached. (Take g = 10 m/s^2.)",
            20,
            "m",
        ),
        numeric(
            "A ball is projected straight up at 20 m/s. What is the greatest height it attains? Take g = 10 m/s^2.",
            20,
            "m",
        ),
    ),
    (
        numeric(
            "A projectile is fired at 30 degrees to the horizontal with speed 40 m/s. Find its horizontal range (g = 10 m/s^2).",
            138.6,
            "m",
        ),
        numeric(
            "Determine the horizontal range of a projectile launched with speed 40 m/s at an angle of 30 degrees above the horizontal (g = 10 m/s^2).",
            138.6,
            "m",
        ),
    ),
    (
        mcq(
            "The velocity of a particle is $v = 3t^2 - 2t$ m/s. What is its acceleration at t = 2 s?",
            ["10 m/s^2", "8 m/s^2", "12 m/s^2", "14 m/s^2"],
        ),
        mcq(
            "If the velocity of a particle is given by $v = 3t^2-2t$ m/s, find the acceleration at t = 2 s.",
            ["8 m/s^2", "10 m/s^2", "14 m/s^2", "12 m/s^2"],
            1,
        ),
    ),
    (
        mcq(
            "Two trains of lengths 100 m and 150 m move in opposite directions at 10 m/s and 15 m/s. How long do they take to cross each other?",
            ["10 s", "12 s", "8 s", "25 s"],
        ),
        mcq(
            "Trains of length 100 m and 150 m travel towards each other with speeds 10 m/s and 15 m/s. Find the time taken to cross each other.",
            ["12 s", "25 s", "10 s", "8 s"],
            2,
        ),
    ),
]

SHORT["Quadratic equations"] = [
    (
        mcq("If $x^2 - 5x + 6 = 0$, what is the sum of the roots?", ["5", "6", "-5", "1"]),
        mcq("Find the sum of the roots of the equation $x^2-5x+6=0$.", ["6", "5", "1", "-5"], 1),
    ),
    (
        mcq("For what value of k does $x^2 + kx + 9 = 0$ have equal roots (k > 0)?", ["6", "3", "9", "4"]),
        mcq(
            "Determine the positive value of k for which the roots of $x^2 + kx + 9 = 0$ are equal.",
            ["3", "4", "6", "9"],
            2,
        ),
    ),
    (
        numeric(
            "If $\\alpha$ and $\\beta$ are the roots of $x^2 - 7x + 12 = 0$, find $\\alpha^2 + \\beta^2$.", 25
        ),
        numeric(
            "Let $\\alpha, \\beta$ be the roots of $x^2 - 7x + 12 = 0$. What is the value of $\\alpha^2+\\beta^2$?",
            25,
        ),
    ),
    (
        numeric("How many real roots does the equation $|x|^2 - 3|x| + 2 = 0$ have?", 4),
        numeric("Find the number of real roots of the equation $|x|^2 - 3|x| + 2 = 0$.", 4),
    ),
    (
        mcq("The roots of $2x^2 - 3x - 2 = 0$ are:", ["2 and -1/2", "-2 and 1/2", "1 and -2", "2 and 1/2"]),
        mcq(
            "Which of these are the roots of $2x^2-3x-2=0$?",
            ["-2 and 1/2", "2 and 1/2", "2 and -1/2", "1 and -2"],
            2,
        ),
    ),
]

SHORT["Chemical equilibrium"] = [
    (
        mcq(
            "For the reaction $N_2 + 3H_2 \\rightleftharpoons 2NH_3$, what is the effect of increasing pressure on the equilibrium?",
            ["Shifts forward", "Shifts backward", "No effect", "Reaction stops"],
        ),
        mcq(
            "What happens to the equilibrium $N_2 + 3H_2 \\rightleftharpoons 2NH_3$ when the pressure is raised?",
            ["No effect", "Shifts forward", "Reaction stops", "Shifts backward"],
            1,
        ),
    ),
    (
        numeric(
            "At 500 K, $K_p$ for a reaction is 0.25 atm. If $\\Delta n_g = 1$, find $K_c$ (R = 0.082 L atm/mol K).",
            0.0061,
        ),
        numeric(
            "$K_p$ of a reaction is 0.25 atm at 500 K and $\\Delta n_g = 1$. Calculate $K_c$, taking R = 0.082 L atm/mol K.",
            0.0061,
        ),
    ),
    (
        mcq(
            "Which of the following increases the value of the equilibrium constant of an exothermic reaction?",
            ["Decreasing temperature", "Increasing temperature", "Adding a catalyst", "Increasing pressure"],
        ),
        mcq(
            "The equilibrium constant of an exothermic reaction increases when:",
            ["Adding a catalyst", "Decreasing temperature", "Increasing pressure", "Increasing temperature"],
            1,
        ),
    ),
    (
        numeric(
            "The degree of dissociation of $PCl_5$ at equilibrium is 0.4 at a total pressure of 1 atm. Find $K_p$.",
            0.19,
        ),
        numeric(
            "$PCl_5$ dissociates to an extent of 0.4 at equilibrium when the total pressure is 1 atm. What is $K_p$?",
            0.19,
        ),
    ),
]

# Same template, different numbers: a repeat for the student when the embedding says so (cosine at or
# above the threshold), another question otherwise; the diversity plan makes the generator vary the idea.
TEMPLATE_VARIANTS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        numeric(
            "A body starts from rest with a uniform acceleration of $2\\,m/s^2$. How far does it travel in 5 s?",
            25,
            "m",
        ),
        numeric(
            "A body starts from rest with a uniform acceleration of $3\\,m/s^2$. How far does it travel in 4 s?",
            24,
            "m",
        ),
    ),
    (
        mcq("If $x^2 - 5x + 6 = 0$, what is the sum of the roots?", ["5", "6", "-5", "1"]),
        mcq("If $x^2 - 7x + 10 = 0$, what is the sum of the roots?", ["7", "10", "-7", "3"]),
    ),
    (
        numeric(
            "A ball is thrown vertically upward with a speed of 20 m/s. Find the maximum height reached. (Take g = 10 m/s^2.)",
            20,
            "m",
        ),
        numeric(
            "A ball is thrown vertically upward with a speed of 30 m/s. Find the maximum height reached. (Take g = 10 m/s^2.)",
            45,
            "m",
        ),
    ),
    (
        numeric(
            "The degree of dissociation of $PCl_5$ at equilibrium is 0.4 at a total pressure of 1 atm. Find $K_p$.",
            0.19,
        ),
        numeric(
            "The degree of dissociation of $PCl_5$ at equilibrium is 0.5 at a total pressure of 2 atm. Find $K_p$.",
            0.67,
        ),
    ),
]

# Same short set-up, different ask (same numbers): the passage exemption needs a long passage, so the
# embedding decides (see docs/dedupe.md).
SAME_SETUP: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        numeric(
            "A ball is thrown vertically upward with a speed of 20 m/s. Find the maximum height reached. (Take g = 10 m/s^2.)",
            20,
            "m",
        ),
        numeric(
            "A ball is thrown vertically upward with a speed of 20 m/s. Find the time taken to return to the thrower. (Take g = 10 m/s^2.)",
            4,
            "s",
        ),
    ),
    (
        mcq("If $x^2 - 5x + 6 = 0$, what is the sum of the roots?", ["5", "6", "-5", "1"]),
        mcq("If $x^2 - 5x + 6 = 0$, what is the product of the roots?", ["6", "5", "-6", "1"]),
    ),
    (
        numeric(
            "A projectile is fired at 30 degrees to the horizontal with speed 40 m/s. Find its horizontal range (g = 10 m/s^2).",
            138.6,
            "m",
        ),
        numeric(
            "A projectile is fired at 30 degrees to the horizontal with speed 40 m/s. Find its time of flight (g = 10 m/s^2).",
            4,
            "s",
        ),
    ),
    (
        numeric(
            "The degree of dissociation of $PCl_5$ at equilibrium is 0.4 at a total pressure of 1 atm. Find $K_p$.",
            0.19,
        ),
        numeric(
            "The degree of dissociation of $PCl_5$ at equilibrium is 0.4 at a total pressure of 1 atm. Find the mole fraction of $Cl_2$.",
            0.29,
        ),
    ),
]


def reformat(item: dict[str, Any]) -> dict[str, Any]:
    """Whitespace and LaTeX-spacing changes only (and options shuffled for MCQs)."""
    out = dict(item)
    t = item["question_text"]
    t = re.sub(r" ", "  ", t, count=3)
    t = t.replace("=", " = ").replace("$", " $ ").replace("\\,", "\\; ")
    out["question_text"] = "  " + t + " \n"
    if "options" in item:
        opts = list(item["options"])
        out["options"] = opts[1:] + opts[:1]
        out["correct_option_index"] = (item["correct_option_index"] - 1) % 4
    return out


def shuffled(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    opts = list(item["options"])
    out["options"] = [opts[3], opts[2], opts[0], opts[1]]
    out["correct_option_index"] = out["options"].index(opts[item["correct_option_index"]])
    return out


def duplicate_pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(kind, original, copy) pairs that must be rejected as duplicates."""
    pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for items in SHORT.values():
        for a, b in items:
            pairs.append(("reworded", a, b))
            pairs.append(("reformatted", a, reformat(a)))
            if "options" in a:
                pairs.append(("shuffled", a, shuffled(a)))
    for a, b in zip(multipart_numeric(), multipart_numeric_reworded(), strict=True):
        pairs.append(("reworded-passage", a, b))
    for a, b in zip(multipart_mcq(), multipart_mcq_reworded(), strict=True):
        pairs.append(("reworded-passage", a, b))
    for a, b in zip(multipart_numeric()[4:], multipart_numeric_paraphrased(), strict=True):
        pairs.append(("paraphrased-passage", a, b))
    return pairs


def distinct_pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(kind, a, b) pairs that must both be kept."""
    pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for items in SHORT.values():
        originals = [a for a, _ in items]
        for i in range(len(originals)):
            for j in range(i + 1, len(originals)):
                pairs.append(("same-topic", originals[i], originals[j]))
    for group in (multipart_numeric()[:4], multipart_numeric()[4:], multipart_mcq()):
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                pairs.append(("shared-passage", group[i], group[j]))
    # a reworded part against the *other* parts of its passage
    rew = multipart_numeric_reworded()[:4]
    orig = multipart_numeric()[:4]
    for i in range(4):
        for j in range(4):
            if i != j:
                pairs.append(("shared-passage-reworded", orig[i], rew[j]))
    return pairs


def embedding_decides_pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(kind, a, b) pairs that are duplicates exactly when their cosine is at or above the threshold."""
    pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for a, b in TEMPLATE_VARIANTS:
        pairs.append(("template-numbers", a, b))
    for a, b in SAME_SETUP:
        pairs.append(("same-setup-other-ask", a, b))
    # a part of the rewritten passage against the *other* parts of the original: not the same passage
    para = multipart_numeric_paraphrased()
    orig = multipart_numeric()[4:]
    for i in range(3):
        for j in range(3):
            if i != j:
                pairs.append(("paraphrased-passage-other-ask", orig[i], para[j]))
    return pairs


# --- helpers shared by the dedupe, bank, embedding and import tests ------------------------------

_embedder: Any = None


async def shared_embedder() -> Any:
    """The real model, loaded once per test session (a few seconds) and shared by every test file."""
    global _embedder
    if _embedder is None:
        from service.embedding import Embedder
        from service.settings import Settings

        _embedder = await Embedder.load(Settings())
    return _embedder


# representation text -> its embedding by the shared model, for ``embed``
_vectors: dict[str, Any] = {}


async def embed(embedder: Any, questions: list[Any]) -> Any:
    """``embedder.embed(questions)``, each distinct text encoded once per test session.

    The corpus tests meet the same texts again: a subset and then the whole set, an MCQ and its
    option-shuffled copy (the embedded text sorts the options). The model's output for a text does not
    depend on which test asks, so it is encoded once (in one batched call, as ``embed`` does) and reused.
    """
    import numpy as np

    from service.embedding import representation

    texts = [representation(q) for q in questions]
    new = list(dict.fromkeys(t for t in texts if t not in _vectors))
    if new:
        assert embedder is _embedder, "the cache holds the shared model's vectors only"
        _vectors.update(zip(new, await embedder.embed_texts(new), strict=True))
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.vstack([_vectors[t] for t in texts])


def question(item: dict[str, Any]) -> Any:
    from service.questions import validate_item

    return validate_item(item, "mcq" if "options" in item else "numeric")


async def store_batches(conn: Any, cands: list[Any], settings: Any) -> list[Any]:
    """bank.store in import-sized batches (as ``qgen import`` does), each committed."""
    from service import bank

    out: list[Any] = []
    for k in range(0, len(cands), 256):
        async with conn.transaction():
            out += await bank.store(conn, cands[k : k + 256], settings=settings)
    return out


async def judge(conn: Any, cands: list[Any], settings: Any) -> list[Any]:
    """Verdicts on copies, rolled back afterwards: each kind is judged against the originals alone."""
    tr = conn.transaction()
    await tr.start()
    try:
        return await store_batches(conn, cands, settings)
    finally:
        await tr.rollback()
