"""Pure dedupe decisions: hash, representation, second check, batch verdicts (no I/O, no model)."""

from __future__ import annotations

import uuid

import numpy as np

from service import dedupe
from tests import dedupe_corpus as corpus


def facets(item: dict) -> dedupe.Facets:  # type: ignore[type-arg]
    return dedupe.Facets.of(item["question_text"], item.get("options", []))


def test_hash_ignores_formatting_and_option_order_but_not_options() -> None:
    a = corpus.SHORT["Quadratic equations"][0][0]
    assert dedupe.text_hash(a["question_text"], a["options"]) == dedupe.text_hash(
        corpus.reformat(a)["question_text"], corpus.shuffled(a)["options"]
    )
    assert dedupe.text_hash(a["question_text"], a["options"]) != dedupe.text_hash(
        a["question_text"], ["1", "2", "3", "4"]
    )


def test_representation_puts_the_ask_and_sorted_options_first() -> None:
    item = corpus.multipart_mcq()[1]
    rep = dedupe.representation_text(item["question_text"], item["options"])
    assert rep.startswith(
        "Which of the following is the carboxylic acid U?\nOptions: Benzoic acid; Ethanoic acid;"
    )
    assert rep == dedupe.representation_text(
        corpus.reformat(item)["question_text"], corpus.shuffled(item)["options"]
    )
    ask, passage = dedupe.split_ask(corpus.multipart_numeric()[1]["question_text"])
    assert ask == "What is the value of $D$?" and passage.startswith("Comprehension.")


def test_trailing_note_does_not_hide_the_ask() -> None:
    ask, passage = dedupe.split_ask(
        "A ball is thrown up at 20 m/s. What is the maximum height? (Take g = 10 m/s^2.)"
    )
    assert ask.startswith("What is the maximum height?") and passage == "A ball is thrown up at 20 m/s."


def test_second_check_on_every_corpus_pair() -> None:
    for kind, a, b in corpus.duplicate_pairs():
        assert dedupe.same_question(facets(a), facets(b)), (
            kind,
            a["question_text"][-80:],
            b["question_text"][-80:],
        )
    for kind, a, b in corpus.distinct_pairs():
        if kind in ("shared-passage", "shared-passage-reworded", "template-numbers"):
            assert not dedupe.same_question(facets(a), facets(b)), (kind, a["question_text"][-80:])


def test_overlap() -> None:
    assert dedupe.overlap(frozenset(), frozenset()) == 1.0
    assert dedupe.overlap(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3


def _f(text: str) -> dedupe.Facets:
    return dedupe.Facets.of(text)


def test_decide_bank_exact_near_and_batch() -> None:
    texts = ["Find x if 2x = 4.", "Determine x when 2x = 4.", "Find y if 3y = 9.", "Find x if 2x = 4."]
    f = [_f(t) for t in texts]
    hashes = [dedupe.text_hash(t) for t in texts]
    scopes = ["s", "s", "s", "s"]
    sim = np.array(
        [[1, 0.95, 0.5, 1], [0.95, 1, 0.5, 0.95], [0.5, 0.5, 1, 0.5], [1, 0.95, 0.5, 1]], dtype=np.float32
    )
    bank_id = uuid.uuid4()
    none: list[list[dedupe.BankMatch]] = [[], [], [], []]
    d = dedupe.decide(f, hashes, scopes, sim, none, 0.8)
    assert [x.accepted for x in d] == [True, False, True, False]
    assert d[1].reason == "batch_duplicate" and d[1].matched_index == 0 and d[1].similarity == 0.95
    assert d[3].reason == "batch_duplicate" and d[3].similarity == 1.0
    # the bank already holds the first one: 0 is a near duplicate, 1 then compares only with accepted items
    matches = [
        [dedupe.BankMatch(bank_id, 0.97, f[0])],
        [],
        [],
        [dedupe.BankMatch(bank_id, 1.0, f[0], exact=True)],
    ]
    d = dedupe.decide(f, hashes, scopes, sim, matches, 0.8)
    assert (d[0].reason, d[0].matched_question_id) == ("near_duplicate", bank_id)
    assert d[1].accepted and d[2].accepted
    assert d[3].reason == "exact_duplicate"
    # another scope never collides; below the threshold never collides
    d = dedupe.decide(f, hashes, ["s", "t", "s", "u"], sim, none, 0.8)
    assert all(x.accepted for x in d)
    d = dedupe.decide(f[:2], hashes[:2], scopes[:2], sim[:2, :2], none[:2], 0.96)
    assert all(x.accepted for x in d)


def test_near_match_refused_by_second_check_is_kept() -> None:
    a, b = corpus.multipart_numeric()[0], corpus.multipart_numeric()[1]
    d = dedupe.decide(
        [facets(b)], ["h"], ["s"], np.ones((1, 1)), [[dedupe.BankMatch(uuid.uuid4(), 0.97, facets(a))]], 0.8
    )
    assert d[0].accepted


def test_short_summary_leads_with_the_ask() -> None:
    s = dedupe.short_summary(corpus.multipart_numeric()[1]["question_text"])
    assert s.startswith("What is the value of D? [on: Comprehension.") and len(s) <= 160
