"""Pure dedupe decisions: hash, representation, the shared-passage check, batch verdicts (no I/O, no model)."""

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


def test_text_check_on_every_corpus_pair() -> None:
    # duplicates and the pairs the embedding decides are never refused by the text check; of the
    # must-keep pairs, exactly the shared-passage ones are (the short same-topic ones are below the
    # threshold, which test_bank checks with the real model)
    for kind, a, b in corpus.duplicate_pairs() + corpus.embedding_decides_pairs():
        assert dedupe.same_question(facets(a), facets(b)), (
            kind,
            a["question_text"][-80:],
            b["question_text"][-80:],
        )
    for kind, a, b in corpus.distinct_pairs():
        refused = not dedupe.same_question(facets(a), facets(b))
        assert refused == kind.startswith("shared-passage"), (kind, a["question_text"][-80:])


def test_template_variants_are_not_refused_by_their_numbers() -> None:
    a, b = corpus.TEMPLATE_VARIANTS[0]
    assert a["question_text"] != b["question_text"]
    assert dedupe.same_question(facets(a), facets(b))
    d = dedupe.decide(
        [facets(b)], ["h"], ["s"], np.ones((1, 1)), [[dedupe.BankMatch(uuid.uuid4(), 0.89, facets(a))]], 0.8
    )
    assert (d[0].accepted, d[0].reason) == (False, "near_duplicate")


def test_long_questions_with_different_passages_are_duplicates() -> None:
    # the rewritten passage and reworded ask share too few terms for the old ask check to call them
    # the same; only the passage test tells them from another part of one passage
    a, b = corpus.multipart_numeric()[4], corpus.multipart_numeric_paraphrased()[0]
    fa, fb = facets(a), facets(b)
    assert fa.passage_dominates and fb.passage_dominates
    assert dedupe.overlap(fa.ask_terms, fb.ask_terms) < dedupe.ASK_MIN_OVERLAP
    assert dedupe.overlap(fa.passage_terms, fb.passage_terms) < dedupe.SHARED_PASSAGE_MIN_OVERLAP
    assert dedupe.same_question(fa, fb)
    # two unrelated passages with unrelated asks, should they ever embed above the threshold
    c = corpus.multipart_mcq()[0]
    assert dedupe.same_question(fa, facets(c))
    bank_id = uuid.uuid4()
    d = dedupe.decide([fb], ["h"], ["s"], np.ones((1, 1)), [[dedupe.BankMatch(bank_id, 0.87, fa)]], 0.8)
    assert (d[0].accepted, d[0].reason, d[0].matched_question_id) == (False, "near_duplicate", bank_id)


def test_shared_passage_needs_both_passages_long_and_alike() -> None:
    long_a, long_b = corpus.multipart_numeric()[0], corpus.multipart_numeric()[1]
    assert not dedupe.same_question(facets(long_a), facets(long_b))  # one passage, two asks: kept
    # the same ask with the passage cut short (under PASSAGE_DOMINATES_WORDS) is no longer exempt
    ask_b, passage = dedupe.split_ask(long_b["question_text"])
    short_b = " ".join(passage.split()[: dedupe.PASSAGE_DOMINATES_WORDS - 1]) + " " + ask_b
    assert not facets({"question_text": short_b}).passage_dominates
    assert dedupe.same_question(facets(long_a), facets({"question_text": short_b}))


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


def test_shared_passage_with_another_ask_is_kept_above_the_threshold() -> None:
    a, b = corpus.multipart_numeric()[0], corpus.multipart_numeric()[1]
    fa, fb = facets(a), facets(b)
    assert dedupe.overlap(fa.passage_terms, fb.passage_terms) >= dedupe.SHARED_PASSAGE_MIN_OVERLAP
    d = dedupe.decide([fb], ["h"], ["s"], np.ones((1, 1)), [[dedupe.BankMatch(uuid.uuid4(), 0.97, fa)]], 0.8)
    assert d[0].accepted
    # a reworded copy of the same part is not: same passage, same ask
    c = corpus.multipart_numeric_reworded()[1]
    d = dedupe.decide(
        [facets(c)], ["h"], ["s"], np.ones((1, 1)), [[dedupe.BankMatch(uuid.uuid4(), 0.94, fb)]], 0.8
    )
    assert d[0].reason == "near_duplicate"
    # other options under one stem on one passage are another part, too
    m0, m1 = corpus.multipart_mcq()[0], corpus.multipart_mcq()[1]
    same_ask = {**m1, "question_text": m0["question_text"]}
    assert not dedupe.same_question(facets(m0), facets(same_ask))


def test_short_summary_leads_with_the_ask() -> None:
    s = dedupe.short_summary(corpus.multipart_numeric()[1]["question_text"])
    assert s.startswith("What is the value of D? [on: Comprehension.") and len(s) <= 160
