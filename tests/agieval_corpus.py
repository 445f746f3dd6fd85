"""Real exam questions from AGIEval (``tests/data/agieval``, MIT / Apache-2.0) as bank items, and reworded
copies of the passage questions made by rule.

Five sets: ``sat-en`` (44 reading passages, up to 7 questions each), ``lsat-rc`` (40 passages, up to 8),
``sat-math`` (short items; 7 passages shared by 2-3 questions), ``math`` (competition mathematics,
free response) and ``aqua-rat`` (algebra word problems). A question as a student sees it is the passage,
then the question, then the options: ``question_text`` is the passage and the question, the options
lose their "(A)" labels. The bank's MCQ holds exactly four distinct options, so a five-option item
(LSAT, AQuA) keeps its key and the first three other distinct options. A MATH item is numeric: its answer when that is a
plain number, else 0 with the true answer in the solution (the dedupe rule reads only the text and the
options). Every question of a set is distinct: the tests check that a bank keeps them. ``printed``
gives an MCQ as a printed exam carries it, its labelled options at the end of the text.

``reworded`` copies (``sat-en``, ``lsat-rc``): the passage, the ask and the options with whole-word
synonyms swapped (``gsm8k_corpus``'s list and a few words of reading questions), the options in
another order. A bank must refuse each as a duplicate of its own original.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests import gsm8k_corpus

DATA = Path(__file__).parent / "data" / "agieval"
SETS = ("sat-en", "lsat-rc", "sat-math", "math", "aqua-rat")
PASSAGE_SETS = ("sat-en", "lsat-rc")
_LABEL = re.compile(r"^\s*\(([A-E])\)\s*")


@dataclass(frozen=True)
class Item:
    """One exam question: its set, its index in the set, its passage's index (or None) and the bank item."""

    corpus: str
    index: int
    passage: int | None
    item: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.item["question_text"])


def _text(passage: str | None, question: str) -> str:
    return f"{passage.strip()}\n\n{question.strip()}" if passage else question.strip()


def _options(options: list[str], label: str) -> tuple[list[str], int]:
    """Options without labels; five become four: the key and the first three others."""
    letters = [_LABEL.match(o).group(1) if _LABEL.match(o) else "" for o in options]  # type: ignore[union-attr]
    plain = [_LABEL.sub("", o).strip() for o in options]
    key = letters.index(label)
    keep, seen = [key], {plain[key].lower()}
    for i, o in enumerate(plain):  # AQuA repeats an option now and then ("8.75" twice): keep distinct ones
        if len(keep) < 4 and i != key and o.lower() not in seen:
            keep.append(i)
            seen.add(o.lower())
    keep.sort()
    return [plain[i] for i in keep], keep.index(key)


def _number(answer: str) -> float | None:
    try:
        return float(answer.replace(",", "").replace("\\!", ""))
    except ValueError:
        return None


@cache
def load(corpus: str) -> tuple[Item, ...]:
    """Every question of one set, in file order."""
    data = json.loads((DATA / f"{corpus}.json").read_text(encoding="utf-8"))
    passages: list[str] = data["passages"]
    out = []
    for i, row in enumerate(data["questions"]):
        p = row["passage"]
        text = _text(passages[p] if p is not None else None, row["question"])
        item: dict[str, Any]
        if row.get("options"):
            options, key = _options(row["options"], row["label"])
            item = {"question_text": text, "options": options, "correct_option_index": key,
                    "solution": f"Keyed answer: ({row['label']})."}
        else:
            value = _number(row["answer"])
            item = {"question_text": text, "answer": value if value is not None else 0.0, "unit": None,
                    "solution": f"Final answer: {row['answer']}."}
        out.append(Item(corpus, i, p, item))
    return tuple(out)


def printed(item: dict[str, Any]) -> dict[str, Any]:
    """An MCQ as a printed exam carries it: the labelled options at the end of the text, a numeric
    question whose answer is the keyed option's number (1 for "(A)"). A bank reads the options back
    out of the text (``facets.split_options``)."""
    if "options" not in item:
        return item
    labelled = "\n".join(f"({'ABCD'[k]}){o}" for k, o in enumerate(item["options"]))
    return {"question_text": f"{item['question_text']}\n{labelled}", "answer": float(item["correct_option_index"] + 1),
            "unit": None, "solution": item["solution"]}


# --- reworded copies ------------------------------------------------------------------------------

# Words of reading questions and passages, swapped as a person rewording them would (none of them is
# a name, a quoted word or a line number, none changes what is asked).
_READING_SWAPS = {
    "passage": "text", "author": "writer", "primarily": "mainly", "mainly": "chiefly", "suggests": "implies",
    "most nearly means": "is closest in meaning to", "best describes": "most accurately describes",
    "best supports": "most strongly supports", "which choice": "which option", "most likely": "most probably",
    "statement": "assertion", "claim": "assertion", "argument": "line of reasoning", "purpose": "aim",
    "describes": "depicts", "discussion": "account", "example": "instance", "important": "significant",
    "significant": "important", "shows": "demonstrates", "however": "yet", "because": "since",
    "often": "frequently", "many": "numerous", "several": "a number of", "begins": "opens", "believe": "think",
}
_SWAPS = {**gsm8k_corpus._SWAPS, **_READING_SWAPS}
_SWAP_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SWAPS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
# a line reference or a quotation is what the question points at: never reworded
_PROTECTED = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']*'|\blines? \d+(?:\s*[-–]\s*\d+)?")


def _swap(m: re.Match[str]) -> str:
    word = m.group(0)
    new = _SWAPS[word.lower()]
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def reword(text: str) -> str:
    """Synonyms swapped outside quotations and line references."""
    out, last = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_SWAP_RE.sub(_swap, text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_SWAP_RE.sub(_swap, text[last:]))
    return "".join(out)


def reworded(it: Item) -> dict[str, Any] | None:
    """The question with its passage, ask and options reworded and its options in another order; None when
    no word could be swapped."""
    item = dict(it.item)
    item["question_text"] = reword(it.text)
    if "options" in item:
        opts = [reword(o) for o in it.item["options"]]
        new = [opts[2], opts[0], opts[3], opts[1]]
        item["options"] = new
        item["correct_option_index"] = new.index(opts[it.item["correct_option_index"]])
    changed = item["question_text"] != it.text or item.get("options") != it.item.get("options")
    return item if changed else None


# --- what a bank refuses, read one by one ---------------------------------------------------------

# Repeats inside a set: (index -> (the index it repeats, why)). A bank keeps the first and refuses the rest.
TRUE_REPEATS: dict[str, dict[int, tuple[int, str]]] = {
    "sat-en": {101: (100, "the same passage, question and options as 100, with another key (a data error)")},
}

# Pairs at or above 0.80 in the short sets that state other formulas in the same letters (index, index):
# refused as duplicates before ``dedupe.another_formula``, two questions to a teacher, kept now.
OTHER_FORMULAS: dict[str, tuple[tuple[int, int], ...]] = {
    "sat-math": ((149, 45),),
    "math": ((158, 35), (304, 78), (687, 601), (752, 473)),
}
# Pairs kept apart as two problems (``dedupe.another_problem``) once a vector's entries are read with their
# signs: "the matrix of the reflection over (-1, 3)" / "the reflection of (-2, 3) over (2, 1)".
OTHER_GIVENS: dict[str, tuple[tuple[int, int], ...]] = {"math": ((137, 98),)}
# every pair a teacher calls two questions that the rules keep apart
KEPT_APART: dict[str, tuple[tuple[int, int], ...]] = {
    c: OTHER_FORMULAS.get(c, ()) + OTHER_GIVENS.get(c, ()) for c in {*OTHER_FORMULAS, *OTHER_GIVENS}
}

# Every refusal of a whole set imported into one scope: (index, "duplicate" or "variant", index of the
# question it is held to repeat) -> a teacher's judgement. Variants (other numbers only) are refused by the default policy.
# The test fails on a refusal that is not here; docs/dedupe.md prints the same list.
REFUSED: dict[str, dict[tuple[int, str, int], str]] = {
    "sat-en": {(101, "duplicate", 100): "right: a repeat in the data (TRUE_REPEATS)"},
    "lsat-rc": {},
    "aqua-rat": {},
    "sat-math": {
        (110, "duplicate", 79): "right: the linear f from a table of values, other values (a variant in another layout)",
        (178, "duplicate", 7): "right: one ratio manipulation, numbers moved (2a/b = 1/2 -> b/a; a/b = 2 -> 4b/a)",
    },
    "math": {
        # the formulas are one and two vectors, numbers only (too few symbols for another_formula); the
        # difference is in words, which no rule reads in a short question
        (143, "duplicate", 136): "right: the same probability (sum > product, numbers up to 5), with replacement / without",
        (449, "duplicate", 31): "right: det(AB) from det A and det B, other numbers (a variant with A and B swapped)",
        (724, "duplicate", 265): "right: the same parameterised line to y = mx + b, other numbers (signs moved)",
        (783, "duplicate", 86): "right: diagonals of a pentagon / a hexagon (other numbers only)",
        (828, "duplicate", 457): "right: numbers formed from 4 / 3 digits (other numbers only)",
        (982, "duplicate", 909): "right: interior angles of octagon - hexagon / decagon - pentagon (other numbers only)",
        (509, "variant", 212): "variant: a^2 - b^2 with other numbers",
        (536, "variant", 268): "variant: factor a cubic, other coefficients",
        (538, "variant", 305): "variant: simplify a square root, another radicand",
        (576, "variant", 255): "variant: a binomial coefficient, other numbers",
        (644, "variant", 356): "variant: tan of another angle",
        (685, "variant", 526): "variant: cos of another angle",
        (696, "variant", 305): "variant: simplify a square root, another radicand",
        (717, "variant", 193): "variant: a remainder, other numbers",
        (726, "variant", 255): "variant: a binomial coefficient, other numbers",
        (836, "variant", 305): "variant: simplify a square root, another radicand",
        (852, "variant", 720): "variant: a greatest common factor, other numbers",
        (857, "variant", 431): "variant: rectangles of area 8 / 3 on one grid",
        (898, "variant", 356): "variant: tan of another angle",
        (922, "variant", 255): "variant: a binomial coefficient, other numbers",
        (927, "variant", 367): "variant: sin of another angle",
        (962, "variant", 367): "variant: sin of another angle",
    },
}
