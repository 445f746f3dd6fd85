"""The top-up size decision (pure)."""

from service.worker import topup_size


def test_no_rejections_asks_for_exactly_the_missing() -> None:
    assert topup_size(4, generated=10, rejected=0) == 4
    assert topup_size(4, generated=0, rejected=0) == 4


def test_rejections_scale_the_ask_up_to_three_times() -> None:
    assert topup_size(4, generated=10, rejected=5) == 8  # half were kept: ask for twice as many
    assert topup_size(3, generated=10, rejected=9) == 9  # capped at 3x
    assert topup_size(1, generated=10, rejected=2) == 2
