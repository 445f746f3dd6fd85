"""What the simulators write: exam-style questions, worked and keyed, for a request block.

This behaviour is ours, not an upstream one: no real service is imitated here. The problems come
from the bank in ``simulators.shapes`` (one ``Shape`` per kind of problem: a concept, a set-up and an
ask, with seeded numbers), so an item reads like a JEE/NEET question and its key is computed, not
guessed. Variety comes from the problems themselves: distinct slots get distinct shapes, and distinct
shapes embed below the bank's dedupe threshold (``tests/test_simulator_content.py`` measures it).

* ``slot_shapes`` orders the candidate shapes for a request: fresh ones first (not yet served by this
  server, not named by an ``avoid`` entry), then the request's topic before the rest of its subject,
  shapes about the subtopic's words first, the requested difficulty first. Slot i takes the i-th. Only
  when every shape is used does a slot repeat one, with new numbers (a variant, as a model out of
  ideas writes; a conceptual question repeats word for word). The served memory spans every request
  this server answers, so the family's stock (``simulators.shapes``) bounds one subject's distinct
  questions across requests, whatever their topics.
* ``question_item`` renders one slot statelessly (``plan[i]`` and the seeds choose its numbers); the
  solution shows the working and ends at the boxed key (``\\boxed{}``, as Aryabhata writes it).
* ``ContentSource`` is a server's stateful source: it remembers what it served and adds the failure
  modes the knobs ask for: copies of earlier items (``duplicate_rate``, near-copies at cosine >= 0.9),
  items that fail validation (``bad_item_rate``) and mis-keyed items (``wrong_key_rate``).
* ``variant_rate`` serves a problem this server served before with new numbers only (a variant).
* ``off_topic_rate`` swaps an item for one that is not taught in the request's subject (``off_topic_shape``),
  of two kinds a model produces: a near-chapter drift (half of them: the bordering chapter of another
  subject, ``NEAR_CHAPTERS``: kinetic theory for Chemical Kinetics, heat engines for Chemical
  Thermodynamics) or any other subject's problem. Every such text is kept in a process-wide registry
  (``is_off_topic``) with the subjects that teach it (``TAUGHT_ALSO``: where the public syllabi overlap,
  a Bohr orbit is Chemistry's Atomic Structure as much as Physics), so a test counts what was stored by
  this truth, never by the check under test.
* The answer registry (``remember``/``truth_of``) is process-wide: every question a content source in
  this process emitted (normalised text) maps to its TRUE answer, whatever the key says, so that
  ``solve`` (the blind-solve mode) can answer a verifier. Simulators serving one test process share it;
  a simulator in another process does not know this process's questions (``solve`` then answers
  "could not solve").
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
import random
import re
import threading
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.facets import short_summary
from service.questions import normalise_text

from .shapes import FAMILIES, TOPIC_KEYWORDS, Problem, Shape, by_key, fmt, num, of_family

__all__ = [
    "BatchResult",
    "ContentSource",
    "Truth",
    "bad_item",
    "fmt",
    "is_off_topic",
    "off_topic_shape",
    "question_item",
    "remember",
    "reword",
    "shape_item",
    "slot_shapes",
    "solve",
    "subject_family",
    "truth_of",
]

Item = dict[str, Any]

# --- the answer registry -----------------------------------------------------------------------------

REGISTRY_SIZE = 100_000
COULD_NOT_SOLVE = "could not solve"  # the working of a solve for a question this process never wrote


@dataclass(frozen=True)
class Truth:
    """The true answer of an emitted question: the correct option's text (MCQ) and/or the value."""

    option: str | None
    value: float | None


_TRUTHS: OrderedDict[str, Truth] = OrderedDict()
_TRUTHS_LOCK = threading.Lock()  # simulators may serve from several threads (benchmarks)


def remember(item: Item, value: float | None = None) -> None:
    """Record the true answer of ``item`` as emitted (before any mis-keying): the correct option's text
    and/or ``value`` (default: the item's own ``answer``). Bounded; the oldest entries go first."""
    text = item.get("question_text")
    if not isinstance(text, str):
        return
    option = None
    opts, idx = item.get("options"), item.get("correct_option_index")
    if isinstance(opts, list) and isinstance(idx, int) and 0 <= idx < len(opts):
        option = str(opts[idx])
    if value is None and isinstance(item.get("answer"), int | float):
        value = float(item["answer"])
    key = normalise_text(text)
    with _TRUTHS_LOCK:
        old = _TRUTHS.pop(key, None)
        if old is not None:  # the same text asked as MCQ and as numeric: keep both halves
            option, value = option or old.option, value if value is not None else old.value
        _TRUTHS[key] = Truth(option, value)
        while len(_TRUTHS) > REGISTRY_SIZE:
            _TRUTHS.popitem(last=False)


def truth_of(question_text: str) -> Truth | None:
    """The true answer of a question this process emitted, or None."""
    with _TRUTHS_LOCK:
        return _TRUTHS.get(normalise_text(question_text))


_OFF_TOPIC: OrderedDict[str, frozenset[str]] = OrderedDict()  # text served off topic -> families teaching it


def _remember_off_topic(text: str, shape: Shape) -> None:
    with _TRUTHS_LOCK:
        _OFF_TOPIC[normalise_text(text)] = taught_in(shape)
        while len(_OFF_TOPIC) > REGISTRY_SIZE:
            _OFF_TOPIC.popitem(last=False)


def is_off_topic(question_text: str, subject: str | None = None) -> bool:
    """Whether a content source in this process served this text as an off-topic item; with ``subject``,
    whether it is off topic *there*: not taught in that subject (a problem without numbers to vary is
    served with the same text to its own subject's requests too)."""
    with _TRUTHS_LOCK:
        families = _OFF_TOPIC.get(normalise_text(question_text))
    return families is not None and (subject is None or subject_family(subject) not in families)


def clearly_wrong(value: float) -> float:
    """A number no careful solver would give: x1.5 (or +7 for zero)."""
    return value * 1.5 if value else 7.0


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _leading_number(text: str) -> float | None:
    m = _NUMBER.search(text.replace(",", ""))
    return float(m.group()) if m else None


def solve(block: Mapping[str, Any], *, accurate: bool, rng: random.Random) -> dict[str, Any]:
    """The verifier's reply to a ``<solve>`` block: MCQ ``{"working", "choice", "on_topic"}`` (0-based, into
    the options as given), numeric ``{"working", "answer", "on_topic"}``. ``accurate`` false: another option
    (uniform) or a clearly wrong number. Unknown question: choice 0 / answer 0.0, working "could not solve".
    ``on_topic``: false for an item this process served off topic to the block's ``subject``
    (``is_off_topic``: which subjects teach it, as a model that knows the syllabi says), else true."""
    reply = _solve(block, accurate=accurate, rng=rng)
    subject = block.get("subject")
    reply["on_topic"] = not (isinstance(subject, str) and is_off_topic(str(block.get("question_text") or ""), subject))
    return reply


def _solve(block: Mapping[str, Any], *, accurate: bool, rng: random.Random) -> dict[str, Any]:
    qtype = "numeric" if block.get("question_type") == "numeric" else "mcq"
    truth = truth_of(str(block.get("question_text") or ""))
    if qtype == "mcq":
        options = [str(o) for o in block.get("options") or []]
        idx = None
        if truth is not None and truth.option is not None:
            want = normalise_text(truth.option)
            idx = next((i for i, o in enumerate(options) if normalise_text(o) == want), None)
        if idx is None and truth is not None and truth.value is not None:
            # the options were rewritten: pick the one that states the true value
            for i, o in enumerate(options):
                n = _leading_number(o)
                if n is not None and math.isclose(n, truth.value, rel_tol=1e-3, abs_tol=1e-9):
                    idx = i
                    break
        if idx is None:
            return {"working": COULD_NOT_SOLVE, "choice": 0}
        if accurate or len(options) < 2:
            return {"working": f"Solving the problem gives {options[idx]}.", "choice": idx}
        other = rng.choice([i for i in range(len(options)) if i != idx])
        return {"working": f"Solving the problem gives {options[other]}.", "choice": other}
    value = truth.value if truth is not None else None
    if value is None and truth is not None and truth.option is not None:
        value = _leading_number(truth.option)
    if value is None:
        return {"working": COULD_NOT_SOLVE, "answer": 0.0}
    if not accurate:
        value = clearly_wrong(value)
    return {"working": f"Working the problem through gives {fmt(value)}.", "answer": value}


# --- which shape each slot gets ------------------------------------------------------------------------


def subject_family(subject: str | None) -> str:
    """The bank family of a free-text subject: mathematics, physics, chemistry, biology or generic."""
    s = (subject or "").lower()
    for key, family in (
        ("math", "mathematics"),
        ("phys", "physics"),
        ("chem", "chemistry"),
        ("bio", "biology"),
        ("botany", "biology"),
        ("zoology", "biology"),
    ):
        if key in s:
            return family
    return "generic"


# Shapes taught in another subject as well as their own, read from the catalogue's chapter descriptions
# (sql/migrations/20261204000300_subjects.sql: the JEE (Main) 2024 and NEET (UG) 2024 syllabi). Chemistry's
# Atomic Structure lists the photoelectric effect, the hydrogen spectrum, the Bohr model, dual nature and
# the uncertainty principle; its Chemical Thermodynamics the first law, internal energy and work; Physics'
# Kinetic Theory the equation of state of a perfect gas; Chemistry's Biomolecules the nucleic acids.
# Served to a request of such a subject, the item is on topic whatever family wrote it.
TAUGHT_ALSO: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        """modern.photoelectric_kmax modern.stopping_potential modern.electron_de_broglie modern.hydrogen_transition
        modern.bohr_radius modern.spectral_lines modern.lyman_balmer_ratio modern.photons_per_second
        thermal.isothermal_work thermal.first_law thermal.internal_energy_diatomic thermal.isobaric_heat
        thermal.adiabatic_pressure genetics.chargaff""".split(),
        frozenset({"chemistry"}),
    ),
    **dict.fromkeys(
        """atomic.photon_energy atomic.hydrogen_line_wavelength atomic.uncertainty_velocity thermochem.expansion_work
        thermochem.dh_du_difference gases.ideal_gas_moles gases.boyle gases.charles gases.partial_pressure
        gases.graham_effusion gases.gas_density""".split(),
        frozenset({"physics"}),
    ),
}

# The bordering chapters of other subjects, where a model asked for one drifts into the other: a shared
# word (kinetics, thermodynamics, cell) or a shared method (rate of change, probability of a cross).
NEAR_CHAPTERS: dict[str, tuple[str, ...]] = {
    "kinetics": ("modern", "thermal"), "atomic": ("modern",), "thermochem": ("thermal",), "gases": ("thermal",),
    "electrochem": ("current",), "solutions": ("fluids",), "equilibrium": ("human_phys",), "mole": ("gases",),
    "bonding": ("electrostatics",), "organic": ("cell",),
    "kinematics": ("derivatives", "vectors"), "laws_of_motion": ("vectors",), "work_energy": ("integrals",),
    "rotation": ("integrals",), "shm_waves": ("trigonometry",), "fluids": ("solutions",), "thermal": ("thermochem", "gases"),
    "current": ("electrochem",), "modern": ("atomic", "kinetics"), "electrostatics": ("bonding", "vectors"),
    "magnetism": ("vectors",), "optics": ("coordinate",), "gravitation": ("kinematics",),
    "derivatives": ("kinematics",), "integrals": ("work_energy",), "limits": ("kinematics",), "vectors": ("kinematics",),
    "trigonometry": ("shm_waves", "kinematics"), "coordinate": ("optics",), "probability": ("genetics",),
    "sequences": ("ecology",), "algebra": ("mole",), "permutations": ("genetics",),
    "genetics": ("probability", "organic"), "cell": ("organic",), "plant_phys": ("equilibrium",),
    "human_phys": ("gases", "fluids"), "ecology": ("sequences",), "evolution": ("probability",),
    "biotech": ("organic",), "health": ("equilibrium",), "reproduction": ("probability",),
}  # fmt: skip


def taught_in(shape: Shape) -> frozenset[str]:
    """The families whose syllabus teaches this shape: its own, and any in ``TAUGHT_ALSO``."""
    return frozenset({shape.family}) | TAUGHT_ALSO.get(shape.key, frozenset())


def off_topic_shape(block: Mapping[str, Any], r: random.Random, near: bool) -> Shape:
    """A shape not taught in the block's subject (any of the four families for a subject outside them):
    with ``near``, from a chapter bordering the block's topic (``NEAR_CHAPTERS``) when there is one."""
    family = subject_family(block.get("subject"))
    numeric = block.get("question_type") == "numeric"
    # every family but generic is loaded here: the first off-topic item of a server imports them all
    pool = [s for f in FAMILIES if f != "generic" for s in of_family(f)
            if family not in taught_in(s) and (s.numeric or not numeric)]
    if near and family != "generic":
        bordering = {t for s in topic_tiers(block)[0] for t in NEAR_CHAPTERS.get(s.topic, ())}
        pool = [s for s in pool if s.topic in bordering] or pool
    return r.choice(pool)


def _hits(topic: str, text: str) -> int:
    return sum(1 for kw in TOPIC_KEYWORDS[topic] if re.search(r"\b" + kw, text))


def topic_tiers(block: Mapping[str, Any]) -> list[list[Shape]]:
    """The block's shapes, best topic match first: [best-matching topics], [other matches], [rest].

    A subject outside the four families takes the topics of any family that match (a "Science" request
    on optics gets optics); with no match at all it gets the generic problems.
    """
    family = subject_family(block.get("subject"))
    topic = str(block.get("topic") or "").lower()
    sub = str(block.get("subtopic") or "").lower()
    families = [family] if family != "generic" else [f for f in FAMILIES if f != "generic"]
    scores = {
        t: 2 * _hits(t, sub) + _hits(t, topic) for f in families for t in FAMILIES[f]
    }
    best = max(scores.values(), default=0)
    if family == "generic" and best == 0:
        families = ["generic"]
    pool = [s for f in families for s in of_family(f)]
    if best == 0:
        return [pool]
    top = [s for s in pool if scores.get(s.topic, 0) == best]
    other = [s for s in pool if 0 < scores.get(s.topic, 0) < best]
    rest = [s for s in pool if scores.get(s.topic, 0) == 0] if family != "generic" else []
    return [t for t in (top, other, rest) if t]


_WORD = re.compile(r"[a-z]{3,}")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+")
_STOP = frozenset(
    """the and for with from that this what which when where find value given its into are was has have
    will then than also each after before between about how many much take taking use using evaluate
    determine calculate work out does did can its their there""".split()
)


def _terms(text: str) -> frozenset[str]:
    """Content words of a text, LaTeX commands (\\frac, \\displaystyle) left out."""
    return frozenset(w for w in _WORD.findall(_LATEX_COMMAND.sub(" ", text).lower()) if w not in _STOP)


def _close_to_avoid(text: str, avoid_terms: Sequence[frozenset[str]]) -> bool:
    """True when most content words of some avoid entry occur in ``text``: the same problem again.

    Containment, not Jaccard: avoid entries are capped (160 characters) and summarised ask-first. The
    in-process index (``_avoided_shapes``) decides first; this is the fallback for texts from elsewhere."""
    terms = _terms(text)
    return any(len(a) >= 4 and len(a & terms) / len(a) >= 0.8 for a in avoid_terms)


# Which shape wrote a text, by the forms an avoid entry takes (the text capped at 160 characters, or its
# ask-first summary): lets a server steer clear of shapes the bank already holds. Process-wide, bounded.
_SHAPE_OF: OrderedDict[str, str] = OrderedDict()


def _avoid_keys(question_text: str) -> list[str]:
    """The forms the worker puts in avoid (``service.bank.avoid_list``, ``prompts.request_block``)."""
    capped = " ".join(question_text.split())[:160]
    return [normalise_text(capped), normalise_text(short_summary(question_text))]


def _index_shape(question_text: str, key: str) -> None:
    with _TRUTHS_LOCK:
        for k in _avoid_keys(question_text):
            _SHAPE_OF[k] = key
            _SHAPE_OF.move_to_end(k)
        while len(_SHAPE_OF) > 2 * REGISTRY_SIZE:
            _SHAPE_OF.popitem(last=False)


def _avoided_shapes(avoid: Sequence[str]) -> set[str]:
    with _TRUTHS_LOCK:
        return {key for a in avoid if (key := _SHAPE_OF.get(normalise_text(" ".join(a.split())))) is not None}


def item_seed(block: Mapping[str, Any], index: int, seed: int = 0) -> int:
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
            plan[index] if 0 <= index < len(plan) else None,
        ],
        ensure_ascii=False,
        default=str,
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def slot_shapes(
    block: Mapping[str, Any], n: int, seed: int = 0, served: Mapping[str, int] | None = None
) -> list[Shape]:
    """One shape per slot, distinct while the pool lasts (see the module docstring for the order)."""
    if n <= 0:
        return []
    served = served or {}
    numeric = block.get("question_type") == "numeric"
    level = block.get("difficulty") or "medium"
    r = random.Random(item_seed(block, -1, seed))
    avoid = [a for a in (block.get("avoid") or []) if isinstance(a, str) and len(a.strip()) >= 10]
    known = _avoided_shapes(avoid)
    avoid_terms = [_terms(a) for a in avoid]
    focus = _terms(_plain(f"{block.get('subtopic') or ''} {block.get('topic') or ''}"))
    ranked: list[tuple[tuple[int, int, int, bool], Shape]] = []
    for t, tier in enumerate(topic_tiers(block)):
        shapes = [s for s in tier if s.numeric or not numeric]
        r.shuffle(shapes)
        for s in shapes:
            used = served.get(s.key, 0)
            if s.key in known or (avoid_terms and _close_to_avoid(_probe_text(s.key), avoid_terms)):
                used += 1  # the bank already holds it (or something very like it)
            ranked.append(((used, t, -len(focus & _shape_terms(s.key)), s.level != level), s))
    ranked.sort(key=lambda x: x[0])  # stable: the seeded shuffle breaks ties
    order = [s for _, s in ranked]
    if not order:
        return []
    return [order[i % len(order)] for i in range(n)]


def _plain(text: str) -> str:
    """Lower case without accents or apostrophes: "L'Hôpital's" -> "lhopitals"."""
    t = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c)).replace("'", "").replace("’", "")


@functools.cache
def _shape_terms(key: str) -> frozenset[str]:
    """The words a shape is about (its name, text and working), for matching a subtopic to it."""
    p = by_key(key).make(random.Random(0))
    words = _terms(_plain(f"{key.replace('_', ' ').replace('.', ' ')} {p.text} {p.working}"))
    return words | {w.rstrip("s") for w in words}


@functools.cache
def _probe_text(key: str) -> str:
    """One rendering of a shape, for comparing it with avoid entries (numbers do not matter there)."""
    return by_key(key).make(random.Random(0)).text



# --- rendering -----------------------------------------------------------------------------------------

_TIME = {"easy": 60, "medium": 120, "hard": 180}


def _option_texts(p: Problem, r: random.Random) -> tuple[list[str], int]:
    """Four distinct options and the index of the correct one.

    Numeric problems: the value and three typical mistakes (the shape's own first, then scaled or
    shifted values), in ascending order as exam papers print them. Conceptual problems: the answer and
    three distractors, shuffled."""
    if p.answer is not None:
        correct = p.answer
        wrong = [d for d in p.distractors if normalise_text(d) != normalise_text(correct)]
        wrong = list(dict.fromkeys(wrong))[:3]
        opts = [correct, *wrong]
        r.shuffle(opts)
        return opts, opts.index(correct)
    assert p.value is not None
    v = p.value
    correct = p.option(v)
    seen = {normalise_text(correct)}
    picked: list[tuple[float, str]] = [(v, correct)]
    integer = float(v).is_integer() and all(float(w).is_integer() for w in p.wrong)
    # a probability, fraction or ratio below one: distractors stay in (0, 1] too
    unit = 0 < v <= 1 and all(0 < w <= 1 for w in p.wrong)
    if integer and abs(v) >= 20:  # large counts: off-by-one distractors would give the answer away
        generic = [g for g in (v * 2, v / 2, v * 3, v * 1.5, v / 4, v * 4, v + 10, v - 10) if float(g).is_integer()]
    elif integer:
        generic = [v + 1, v - 1, v * 2, v + 2, v - 2, v * 3, v + 3, v + 4]
    else:
        generic = [v * f for f in (2, 0.5, 1.5, 4, 0.25, 3, 1 / 3, 10, 0.1)]
    if unit:
        generic += [1 - v, v / 2, v / 3, (1 + v) / 2]
    step = (abs(v) or 1) / 8
    fallback = [v * (1 - k / 16) if unit else v + k * step for k in range(1, 16)]  # the last resort
    for c in [*p.wrong, *generic, *(v + d for d in (1, -1, 2, 5, 10)), *fallback]:
        if not math.isfinite(c) or (v > 0 and c <= 0) or (v < 0 and c >= 0) or (unit and c > 1):
            continue
        s = p.option(c)
        key = normalise_text(s)
        if key in seen:
            continue
        seen.add(key)
        picked.append((c, s))
        if len(picked) == 4:
            break
    picked.sort(key=lambda t: t[0])
    opts = [s for _, s in picked]
    return opts, opts.index(correct)


def answer_value(v: float) -> float:
    """The numeric key as written: exact for integers below a million, else four significant figures
    (``fmt`` prints both the same way, so the solution shows exactly this number)."""
    return float(v) if float(v).is_integer() and abs(v) < 1e6 else float(f"{v:.4g}")


def _solution(p: Problem, option: str | None, index: int | None) -> str:
    """The working, then the final answer boxed (as Aryabhata writes it; the gate reads the last
    ``\\boxed{}``), then for an MCQ the option it is."""
    unit = f" {p.unit}" if p.unit else ""
    if p.value is not None:
        shown = p.option(p.value)
        plain = fmt(answer_value(p.value))
        if option is None and plain not in shown:  # symbolic form, then its decimal value
            final = f"{shown}, i.e. $\\boxed{{{plain}}}${unit}"
        else:
            tex = (p.show(p.value) if p.show else num(p.value)).strip("$") if option is not None else plain
            final = f"$\\boxed{{{tex}}}${unit}"
        text = f"{p.working} The answer is {final}"
    else:
        text = f"{p.working} The answer is {option}"
    return f"{text}, option {'ABCD'[index]}." if index is not None else f"{text}."


def render(shape: Shape, block: Mapping[str, Any], r: random.Random) -> tuple[Item, Problem]:
    """One item of ``shape`` with numbers drawn from ``r``: valid for ``MCQQuestion``/``NumericQuestion``."""
    p = shape.make(r)
    qtype = "numeric" if block.get("question_type") == "numeric" else "mcq"
    difficulty = block.get("difficulty") or shape.level
    tags = [shape.topic.replace("_", " "), shape.key.split(".", 1)[1].replace("_", " "), shape.family]
    if block.get("topic"):
        tags.append(str(block["topic"])[:100])
    item: Item = {"question_text": p.text}
    if qtype == "mcq":
        opts, idx = _option_texts(p, r)
        item["options"] = opts
    item["diagram_required"] = False
    item["diagram_description"] = None
    item["solution"] = _solution(p, opts[idx] if qtype == "mcq" else None, idx if qtype == "mcq" else None)
    item["shortcut"] = p.shortcut
    if qtype == "mcq":
        item["correct_option_index"] = idx
    else:
        assert p.value is not None
        item["answer"] = answer_value(p.value)
        item["unit"] = p.unit
    item["time_target_seconds"] = _TIME.get(str(difficulty), 120) + r.randint(-15, 15)
    item["tags"] = tags
    return item, p


def question_item(block: Mapping[str, Any], index: int, seed: int = 0) -> Item:
    """Slot ``index`` of this request block (stateless: no served-shape memory, no registry)."""
    shape = slot_shapes(block, index + 1, seed)[index]
    return render(shape, block, random.Random(item_seed(block, index, seed)))[0]


def shape_item(key: str, question_type: str = "mcq", seed: int = 0, difficulty: str = "medium") -> Item:
    """An item of one named shape (for tests and for reading the bank)."""
    block = {"question_type": question_type, "difficulty": difficulty, "seed": seed}
    return render(by_key(key), block, random.Random(item_seed(block, 0, seed)))[0]


# --- failure modes ---------------------------------------------------------------------------------------

_REWORDS = (
    ("Find ", "Determine "),
    ("Calculate ", "Work out "),
    ("What is ", "What will be "),
    ("How many ", "What is the number of "),
    ("Which ", "Identify which "),
)


def reword(item: Item, r: random.Random) -> Item:
    """A near-copy of ``item`` (cosine >= 0.9 with all-MiniLM-L6-v2): one instruction verb swapped,
    LaTeX and punctuation spacing changed, options shuffled with the key following the correct one."""
    out = copy.deepcopy(item)
    t: str = out["question_text"]
    if r.random() < 0.7:
        for a, b in _REWORDS:
            if a in t:
                t = t.replace(a, b, 1)
                break
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


def miskey(item: Item, r: random.Random) -> Item:
    """``item`` with a wrong key, text, options and solution unchanged (a model that mis-keys)."""
    out = copy.deepcopy(item)
    if "options" in out:
        idx = out["correct_option_index"]
        out["correct_option_index"] = r.choice([i for i in range(len(out["options"])) if i != idx])
    else:
        out["answer"] = clearly_wrong(float(out["answer"]))
    return out


@dataclass
class BatchResult:
    items: list[Item]
    duplicates: int = 0
    bad: int = 0
    wrong_keys: int = 0
    off_topic: int = 0
    off_topic_near: int = 0  # of ``off_topic``: near-chapter drifts
    variants: int = 0


@dataclass
class ContentSource:
    """Items for one server: fresh shapes from the bank, plus the duplicate, bad-item and wrong-key modes.

    ``served`` counts the shapes this server handed out, so that it prefers fresh problems, as a model
    asked for new ideas would: repeats come from ``duplicate_rate``, not from chance. ``history``
    (bounded) keeps earlier items for duplicate mode, which copies one of them (or the item an
    ``avoid`` entry names) with light rewording.
    """

    seed: int = 0
    history: deque[Item] = field(default_factory=lambda: deque(maxlen=500))
    served: dict[str, int] = field(default_factory=dict)
    shape_log: deque[str] = field(default_factory=lambda: deque(maxlen=500))  # shapes served, oldest first
    miskeyed_first: int = 0  # items mis-keyed so far under ``wrong_key_first``

    def batch(
        self,
        block: Mapping[str, Any],
        n: int,
        *,
        duplicate_rate: float = 0.0,
        bad_item_rate: float = 0.0,
        wrong_key_rate: float = 0.0,
        wrong_key_first: int = 0,
        off_topic_rate: float = 0.0,
        variant_rate: float = 0.0,
        rng: random.Random | None = None,
    ) -> BatchResult:
        r = rng or random.Random(item_seed(block, -1, self.seed))
        qtype = "numeric" if block.get("question_type") == "numeric" else "mcq"
        avoid_terms = [
            _terms(a) for a in (block.get("avoid") or []) if isinstance(a, str) and len(a.strip()) >= 10
        ]
        result = BatchResult(items=[])
        good: list[Item] = []
        shapes = slot_shapes(block, n, self.seed, self.served)
        family = shapes[0].family if shapes else None
        for i, shape in enumerate(shapes):
            numbers = random.Random(item_seed(block, i, self.seed))
            earlier = [k for k in self.shape_log if by_key(k).family == family
                       and (by_key(k).numeric or qtype == "mcq")]
            if variant_rate > 0 and earlier and r.random() < variant_rate:
                shape = by_key(r.choice(earlier))
                numbers = random.Random(r.getrandbits(64))  # the same problem, other numbers
                result.variants += 1
            off_topic = off_topic_rate > 0 and r.random() < off_topic_rate
            if off_topic:
                near = r.random() < 0.5
                shape = off_topic_shape(block, r, near)
                result.off_topic += 1
                result.off_topic_near += near
            self.served[shape.key] = self.served.get(shape.key, 0) + 1
            self.shape_log.append(shape.key)
            item, problem = render(shape, block, numbers)
            if off_topic:
                _remember_off_topic(item["question_text"], shape)
            _index_shape(item["question_text"], shape.key)
            # the value as an honest item keys it (what "answer" holds), so a stored key compares exactly
            value = answer_value(problem.value) if problem.value is not None else None
            if duplicate_rate > 0 and r.random() < duplicate_rate:
                src = self._duplicate_source(good, qtype, avoid_terms, r)
                if src is not None:
                    item = reword(src, r) if r.random() < 0.6 else copy.deepcopy(src)
                    known = truth_of(src["question_text"])
                    value = known.value if known else None
                    result.duplicates += 1
            if bad_item_rate > 0 and r.random() < bad_item_rate:
                item = bad_item(item, r, qtype)
                result.bad += 1
            else:
                remember(item, value)
                good.append(item)
                self.history.append(item)
                first = not off_topic and self.miskeyed_first < wrong_key_first
                if first or (wrong_key_rate > 0 and r.random() < wrong_key_rate):
                    item = miskey(item, r)
                    result.wrong_keys += 1
                    self.miskeyed_first += first
            result.items.append(item)
        return result

    def _duplicate_source(
        self, good: list[Item], qtype: str, avoid_terms: list[frozenset[str]], r: random.Random
    ) -> Item | None:
        """An earlier item to copy: from this batch, this server's history, or one an avoid entry names."""
        same_type = [h for h in self.history if ("options" in h) == (qtype == "mcq")]
        pools = [p for p in (good, same_type) if p]
        named = [h for h in same_type if avoid_terms and _close_to_avoid(h["question_text"], avoid_terms)]
        if named:
            pools.append(named)
        if not pools:
            return None
        return dict(r.choice(r.choice(pools)))
