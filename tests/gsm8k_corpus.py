"""GSM8K's test split (``tests/data/gsm8k``, MIT) as real distinct questions, and copies of them made by rule.

The 1 319 problems are distinct (docs/dedupe.md: no exact, number-masked or hand-confirmed repeats), so
a bank must keep them all. Copies a bank must refuse: ``reworded`` (synonyms, contractions, the ask
rephrased), ``reordered`` (two independent sentences swapped, or "If A, how many B?" turned into "How
many B, if A?"), ``reformatted`` (LaTeX math, thousands separators, number words <-> digits, trailing
zeros, whitespace) and, for the MCQ form (``as_mcq``: the gold answer plus three distractors),
``shuffled`` options. ``number_changed`` copies change every number and nothing else: variants.
Every generator is deterministic (seeded by the problem index) and returns None where it does not apply.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "gsm8k" / "test.jsonl"

# Repeats inside GSM8K's test split (index -> why it is left out of the bank), none found: no two problems
# share a normalised text (text_hash) or a number-masked key (variant_key), and the 7 pairs embedding
# at or above 0.80 (CLOSE_PAIRS) are different problems, read one by one (docs/dedupe.md).
TRUE_REPEATS: dict[int, str] = {}

# The problem pairs of GSM8K that embed at or above 0.80 (indexes into test.jsonl): one story, two
# problems (the inverse problem, or another unknown). Each states numbers the other does not.
CLOSE_PAIRS = ((418, 558), (33, 863), (339, 1317), (488, 761), (195, 387), (609, 1070), (235, 1318))


@dataclass(frozen=True)
class Problem:
    """One GSM8K problem: its line index, the question, the worked solution and the gold answer."""

    index: int
    question: str
    solution: str
    answer: float


def load() -> list[Problem]:
    out = []
    for i, line in enumerate(DATA.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        gold = row["answer"].rsplit("####", 1)[1].strip().replace(",", "")
        out.append(Problem(i, row["question"], row["answer"], float(gold)))
    return out


def numeric_item(p: Problem, text: str | None = None) -> dict[str, Any]:
    return {"question_text": text or p.question, "answer": p.answer, "unit": None, "solution": p.solution}


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.2f}".rstrip("0")


def as_mcq(p: Problem) -> dict[str, Any]:
    """The problem as an MCQ: the gold answer and three distractors (common slips), key at ``index % 4``."""
    g = p.answer
    wrong: list[str] = []
    for d in (g * 2, g + 10, g / 2 if g else 5.0, g - 1, g + 1, g * 3, g + 100):
        s = _fmt(d)
        if s != _fmt(g) and s not in wrong:
            wrong.append(s)
    opts = wrong[:3]
    key = p.index % 4
    opts.insert(key, _fmt(g))
    return {"question_text": p.question, "options": opts, "correct_option_index": key, "solution": p.solution}


def shuffled(item: dict[str, Any]) -> dict[str, Any]:
    """The MCQ with its options in another order (the key follows its option)."""
    opts = list(item["options"])
    new = [opts[2], opts[0], opts[3], opts[1]]
    return {**item, "options": new, "correct_option_index": new.index(opts[item["correct_option_index"]])}


# --- rewording ------------------------------------------------------------------------------------

# Whole-word swaps that keep the meaning in GSM8K's sentences (checked on the corpus: none of them is
# a number, a unit or a name, and none changes what is asked).
_SWAPS = {
    "buys": "purchases", "bought": "purchased", "buy": "purchase", "buying": "purchasing",
    "gives": "hands", "gave": "handed", "give": "hand",
    "wants": "would like", "needs": "requires", "needed": "required", "need": "require",
    "decides": "chooses", "decided": "chose", "starts": "begins", "started": "began", "start": "begin",
    "store": "shop", "kids": "children", "mom": "mother", "dad": "father", "house": "home",
    "earns": "makes", "earned": "made", "finishes": "completes", "finished": "completed",
    "large": "big", "big": "large", "small": "little", "also": "additionally", "later": "afterwards",
    "receives": "gets", "received": "got", "spends": "uses", "spent": "used", "price": "cost",
    "ate": "consumed", "eats": "consumes", "amount": "quantity", "quickly": "fast", "only": "just",
    "every day": "daily", "each day": "daily", "in total": "altogether", "altogether": "in total",
    "money": "cash", "friends": "pals", "friend": "pal", "town": "city", "travels": "journeys",
    "works": "labors", "worked": "labored", "paid": "spent", "pays": "spends", "rest": "remainder",
    "remaining": "left over", "collects": "gathers", "collected": "gathered", "picks": "selects",
    "does not": "doesn't", "doesn't": "does not", "did not": "didn't", "didn't": "did not",
    "is not": "isn't", "isn't": "is not", "can not": "cannot", "it's": "it is", "he's": "he is",
    "she's": "she is", "there's": "there is", "went": "headed", "students": "pupils", "student": "pupil",
    "teacher": "instructor", "combined": "together", "together": "combined", "company": "firm",
    "equally": "evenly", "currently": "presently", "additional": "extra", "extra": "additional",
    "enough": "sufficient", "different": "distinct", "children": "kids", "child": "kid", "found": "discovered",
    "trip": "journey", "speed": "pace", "receive": "get", "person": "individual", "whole": "entire",
    "a total of": "altogether", "total": "overall", "number of": "count of", "scored": "earned",
    "people": "persons", "decide": "choose", "purchased": "bought", "wanted": "wished",
}
_SWAP_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SWAPS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
_ASK_LEADS = ("Work out", "Determine", "Calculate", "Find")
_ASK_WORD = re.compile(r"\b(How|What|Which)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'$(])")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def _swap(m: re.Match[str]) -> str:
    word = m.group(0)
    new = _SWAPS[word.lower()]
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def reworded(p: Problem) -> str | None:
    """Synonyms and contractions swapped, the final ask led by "Work out/Determine/Calculate/Find"."""
    sents = _sentences(p.question)
    out = [_SWAP_RE.sub(_swap, s) for s in sents]
    last = out[-1]
    ask = _ASK_WORD.search(last) if last.endswith("?") else None
    if ask:
        lead = _ASK_LEADS[p.index % len(_ASK_LEADS)]
        if ask.start() == 0:
            lead = lead.capitalize()
        else:
            lead = lead.lower()
        out[-1] = f"{last[: ask.start()]}{lead} {ask.group(0).lower()}{last[ask.end() : -1]}."
    text = " ".join(out)
    return text if text.split() != p.question.split() else None


# --- reordering -----------------------------------------------------------------------------------

# A sentence starting with one of these refers back to what came before; moving it would change the story.
_ANAPHORA = re.compile(
    r"^(he|she|they|it|his|her|their|its|this|that|these|those|then|after|afterwards|later|so|but|and|also|"
    r"however|next|finally|meanwhile|each|the rest|the other|there|if|when|now|in the end|on the|at the|by the)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(he|she|they|him|her|them|his|hers|their|its|it)\b", re.IGNORECASE)
_IF_ASK = re.compile(r"^If (?P<cond>[^?]+?), (?P<ask>(?:how|what|which|who) [^?]+)\?$")


def reordered(p: Problem) -> str | None:
    """Two adjacent independent sentences of the set-up swapped, or the conditional ask turned around;
    None when neither keeps the meaning for sure."""
    sents = _sentences(p.question)
    for i in range(1, len(sents) - 2):
        a, b = sents[i], sents[i + 1]
        if not any(_ANAPHORA.match(s) or _PRONOUN.search(s) for s in (a, b)):
            return " ".join([*sents[:i], b, a, *sents[i + 2 :]])
    m = _IF_ASK.match(sents[-1]) if sents else None
    if m:
        ask = m["ask"]
        sents[-1] = f"{ask[0].upper()}{ask[1:]}, if {m['cond']}?"
        return " ".join(sents)
    return None


# --- formatting -----------------------------------------------------------------------------------

_WORDS = "zero one two three four five six seven eight nine ten".split()
_DIGIT_NUMBER = re.compile(r"(?<![\w.,$/{])(\$?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\w|,\d|\.\d|/\d)")
# a number word on its own: not part of "forty-two" or "one hundred"
_WORD_NUMBER = re.compile(
    r"(?<![\w-])(" + "|".join(_WORDS[1:]) + r")(?![\w-])(?!\s+(?:hundred|thousand|million))", re.IGNORECASE
)
_FRACTION = re.compile(r"(?<![\w.,/])(\d+)/(\d+)(?![\w/])")


def _reformat_number(m: re.Match[str]) -> str:
    dollar, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    if "," in whole:
        whole = whole.replace(",", "")
    elif len(whole) > 4:
        whole = f"{int(whole):,}"
    if frac:
        frac = frac.rstrip("0")
        frac = "" if frac == "." else frac
    return f"\\${whole}{frac}" if dollar else f"${whole}{frac}$"


def reformatted(p: Problem) -> str:
    """Numbers in LaTeX math ($16$, \\$2, $\\frac{1}{4}$), thousands separators toggled, trailing
    zeros dropped, number words as digits, % as \\%, spaces doubled: the same question, typeset."""
    t = _WORD_NUMBER.sub(lambda m: str(_WORDS.index(m.group(1).lower())), p.question)
    t = _FRACTION.sub(lambda m: f"$\\frac{{{m.group(1)}}}{{{m.group(2)}}}$", t)
    t = _DIGIT_NUMBER.sub(_reformat_number, t)
    t = t.replace("%", "\\%").replace(". ", ".  ").replace(", ", " , ")
    return "  " + t + " \n"


# --- variants -------------------------------------------------------------------------------------


def _shifted(n: int, k: int) -> int:
    return n + k if n < 10 else n + k * 10 ** (len(str(n)) - 1)


def number_changed(p: Problem, k: int = 1) -> str | None:
    """Every number changed (by ``k`` steps: n+k, or n+k*10^(digits-1) from 10 up), written as before
    (digits, words, separators); every other character kept. Other ``k``, other numbers."""

    def digits(m: re.Match[str]) -> str:
        dollar, whole, frac = m.group(1), m.group(2), m.group(3) or ""
        new = _shifted(int(whole.replace(",", "")), k)
        return f"{dollar}{new:,}{frac}" if "," in whole else f"{dollar}{new}{frac}"

    def words(m: re.Match[str]) -> str:
        return _case(m.group(1), _WORDS[(_WORDS.index(m.group(1).lower()) + k - 1) % 10 + 1])

    t = _WORD_NUMBER.sub(words, _DIGIT_NUMBER.sub(digits, p.question))
    return t if t != p.question else None


def _case(like: str, word: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def changed_words(a: str, b: str) -> float:
    """Share of words that differ between ``a`` and ``b`` (1 - difflib's ratio over word sequences)."""
    return 1 - difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
