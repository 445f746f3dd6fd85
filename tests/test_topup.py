"""The top-up size decision and the shortfall reason (pure)."""

from service.bank import Candidate, Verdict, is_refusal
from service.topup import Tally, round_confidence, shortfall_reason, topup_ask


def test_nothing_missing_asks_for_nothing() -> None:
    assert topup_ask(0, judged=10, lost=3) == 0


def test_no_losses_yet_still_allows_for_the_expected_ones() -> None:
    # the prior (15% lost) alone: one missing slot is asked for twice, so one loss does not end the job short
    assert topup_ask(1, judged=0, lost=0) == 2
    assert topup_ask(4, judged=0, lost=0) == 6


def test_the_ask_grows_with_the_loss_rate_seen() -> None:
    clean = topup_ask(4, judged=100, lost=0)
    lossy = topup_ask(4, judged=100, lost=30)
    assert 4 <= clean < lossy
    assert clean == 4  # 1.4% lost: all four survive with probability 0.95, no spare needed


def test_a_top_up_is_surer_the_fewer_rounds_are_left() -> None:
    assert [round_confidence(k, 3) for k in (1, 2, 3)] == [0.5, 0.9, 0.99]
    assert [round_confidence(k, 2) for k in (1, 2)] == [0.5, 0.99] and round_confidence(1, 1) == 0.99
    # one slot missing at the prior's loss rate: the first top-up asks for it alone, the last one for spares
    first, last = (topup_ask(1, judged=0, lost=0, confidence=round_confidence(k, 3)) for k in (1, 3))
    assert first == 1 and last == 3
    assert topup_ask(4, judged=0, lost=0, confidence=0.5) < topup_ask(4, judged=0, lost=0, confidence=0.99)


def test_the_ask_is_capped_whatever_the_losses() -> None:
    assert topup_ask(3, judged=20, lost=19) == 11  # 3x + 2: a loss rate like that is a fault to report
    assert topup_ask(1, judged=10, lost=10) == 5


def test_a_shortfall_counts_each_kind_of_refusal_apart() -> None:
    tally = Tally()
    tally.losses.update({"near_duplicate": 3, "variant": 1, "disputed": 2})
    assert tally.lost == 6 and tally.refused == 4  # a dispute is a loss, not a refusal
    why = shortfall_reason(1, 10, 3, ["runpod truncated 2/5"], tally, ["the verifier gemini/m disputed 18 of 20"])
    assert why == (
        "1 of 10 questions missing after 3 top-up rounds: runpod truncated 2/5; refused 3 near-duplicates, "
        "1 variant (only the numbers differ), 2 disputed by the answer-key gate; the verifier gemini/m disputed 18 of 20"
    )


def test_bookkeeping_verdicts_are_no_losses() -> None:
    """surplus (beyond the free slots) and slot_filled (stored by an earlier run) are counted nowhere."""
    cand = Candidate(None, None, "gemini", "g", None, None)  # type: ignore[arg-type]
    verdicts = [Verdict(cand, False, None, reason, None, None)
                for reason in ("surplus", "slot_filled", "variant", None, "off_topic")]
    verdicts.append(Verdict(cand, True, None, None, None, None))
    assert [is_refusal(v) for v in verdicts] == [False, False, True, True, True, False]
    tally = Tally()
    tally.count(verdicts)
    assert tally.losses == {"variant": 1, "near_duplicate": 1, "off_topic": 1}
    assert tally.with_refusals(verdicts).lost == 6 and tally.lost == 3 and tally.refused == 3

