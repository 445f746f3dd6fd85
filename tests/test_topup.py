"""The top-up size decision and the shortfall reason (pure)."""

from service.topup import Tally, shortfall_reason, topup_ask


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


def test_the_ask_is_capped_whatever_the_losses() -> None:
    assert topup_ask(3, judged=20, lost=19) == 11  # 3x + 2: a loss rate like that is a fault to report
    assert topup_ask(1, judged=10, lost=10) == 5


def test_a_shortfall_counts_each_kind_of_refusal_apart() -> None:
    tally = Tally()
    tally.refused.update({"near_duplicate": 3, "variant": 1, "disputed": 2, "slot_filled": 4})
    assert tally.lost == 6
    why = shortfall_reason(1, 10, 3, ["runpod truncated 2/5"], tally, ["the verifier gemini/m disputed 18 of 20"])
    assert why == (
        "1 of 10 questions missing after 3 top-up rounds: runpod truncated 2/5; refused 3 near-duplicates, "
        "1 variant (only the numbers differ), 2 disputed by the answer-key gate; the verifier gemini/m disputed 18 of 20"
    )
