"""What a job's rounds lost, and how many candidates a top-up asks for, no I/O.

A job counts each lost item once, by reason (``Tally``); a top-up asks for the missing count grown by the
loss rate seen so far (``topup_ask``), surer the fewer rounds are left (``round_confidence``); a job that
ends short says why (``shortfall_reason``).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from . import bank

# Why a generated item did not become a stored question, counted once each (``Tally``): a refusal, by its
# reason, or a dispute (docs/glossary.md: both are *losses*; a dispute is no refusal). Bookkeeping verdicts
# (``bank.BOOKKEEPING``) are neither.
Loss = Literal[bank.Refusal, "disputed"]
_LOSS_TEXT: dict[str, tuple[str, str]] = {
    "exact_duplicate": ("exact duplicate", "exact duplicates"),
    "near_duplicate": ("near-duplicate", "near-duplicates"),
    "batch_duplicate": ("duplicate within a round", "duplicates within a round"),
    "variant": ("variant (only the numbers differ)", "variants (only the numbers differ)"),
    "off_topic": ("off topic (about another subject)", "off topic (about another subject)"),
    "disputed": ("disputed by the answer-key gate", "disputed by the answer-key gate"),
}

# Top-ups: the loss rate assumed before a job has seen any (the gate's design case loses about 14%:
# ~10% wrong keys caught, ~5% false disputes of the rest), worth this many observed items.
PRIOR_LOSS = 0.15
PRIOR_WEIGHT = 10.0
TOPUP_CONFIDENCE = 0.9  # a top-up between the first and the last (``round_confidence``)
FIRST_TOPUP_CONFIDENCE = 0.5  # the first top-up, when later rounds remain
LAST_TOPUP_CONFIDENCE = 0.99  # the last top-up: what it leaves missing ends the job short


def round_confidence(topup: int, rounds: int) -> float:
    """How sure top-up ``topup`` (1 … ``rounds``) must be to fill every missing slot. The last one is nearly
    sure (0.99): nothing comes after it. An earlier one asks for about what the loss rate says will fill
    the slots (0.5 for the first, 0.9 after), since a later round tops up again at the price of one call,
    while every candidate asked for beyond the slots is paid for and, once the job is full, discarded
    unjudged. Against a flat 0.9, a model of 10-item jobs losing 10-14% of their items (i.i.d.) discards
    1.1-2.0% of what it generates instead of 5.5-6.6%, with no job short in 40 000 and 4-6% more calls."""
    if topup >= rounds:
        return LAST_TOPUP_CONFIDENCE
    return FIRST_TOPUP_CONFIDENCE if topup == 1 else TOPUP_CONFIDENCE


@dataclass
class Tally:
    """What one job's rounds produced and lost: ``losses`` counts each lost item once, by its ``Loss``."""

    generated: int = 0
    stored: int = 0
    disputed: int = 0  # every dispute, also those stored under QGEN_STORE_DISPUTED
    discarded: int = 0  # spares the job ended with: generated, accepted by the dry run, never needed
    losses: Counter[str] = field(default_factory=Counter)  # by Loss

    def with_refusals(self, verdicts: list[bank.Verdict]) -> Tally:
        """A copy that also counts the refusals among ``verdicts`` (a store's, not yet counted)."""
        copy = dataclasses.replace(self, losses=Counter(self.losses))
        copy.count(verdicts)
        return copy

    def add(self, other: Tally) -> None:
        """Add ``other``'s counts to these (a worker's totals over its jobs' attempts)."""
        self.generated += other.generated
        self.stored += other.stored
        self.disputed += other.disputed
        self.discarded += other.discarded
        self.losses.update(other.losses)

    def count(self, verdicts: list[bank.Verdict]) -> None:
        """Count the refusals among ``verdicts``, once each."""
        self.losses.update(refusal(v) for v in verdicts if bank.is_refusal(v))

    @property
    def lost(self) -> int:
        """Items lost: refused or (held back as) disputed; what a top-up makes up for."""
        return sum(self.losses.values())

    @property
    def refused(self) -> int:
        """Items the bank refused (losses other than disputes)."""
        return self.lost - self.losses["disputed"]

    def describe(self) -> str:
        """'3 near-duplicates, 1 variant (only the numbers differ), 2 disputed by the answer-key gate'."""
        parts = []
        for reason, (one, many) in _LOSS_TEXT.items():
            n = self.losses.get(reason, 0)
            if n:
                parts.append(f"{n} {one if n == 1 else many}")
        return ", ".join(parts)


def topup_ask(
    missing: int,
    *,
    judged: int,
    lost: int,
    confidence: float = TOPUP_CONFIDENCE,
    prior_loss: float = PRIOR_LOSS,
    prior_weight: float = PRIOR_WEIGHT,
) -> int:
    """How many new candidates a top-up asks for: the fewest ``n`` of which at least ``missing`` survive with
    probability ``confidence``, at the loss rate seen so far (``lost`` of ``judged``, with a prior of
    ``prior_loss`` worth ``prior_weight`` items so that a few early losses do not swing it). Never more than
    three times the missing count plus two: a loss rate that high is a fault to report, not to pay for."""
    if missing <= 0:
        return 0
    loss = (lost + prior_loss * prior_weight) / (judged + prior_weight)
    keep = min(max(1.0 - loss, 1e-6), 1.0)
    ceiling = 3 * missing + 2
    for n in range(missing, ceiling + 1):
        if _at_least(missing, n, keep) >= confidence:
            return n
    return ceiling


def _at_least(k: int, n: int, p: float) -> float:
    """P(Binomial(n, p) >= k)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def shortfall_reason(left: int, slot_count: int, rounds: int, generator_reasons: list[str], tally: Tally,
                     warnings: list[str]) -> str:
    """The job's readable reason when it ends short: what the generator could not do, then each kind of
    refusal counted separately, then any verifier that disputes implausibly often."""
    why = list(dict.fromkeys(generator_reasons))
    if tally.lost:
        why.append(f"refused {tally.describe()}")
    why += warnings
    text = "; ".join(why) or "the provider returned too few valid questions"
    return f"{left} of {slot_count} questions missing after {rounds} top-up round{'' if rounds == 1 else 's'}: {text}"


def refusal(v: bank.Verdict) -> str:
    """A refused verdict's ``Refusal`` (a verdict without a reason is a near-duplicate)."""
    return v.reason or "near_duplicate"
