"""Reply parsing: strict JSON first, salvage from chat text / fences / <think>, truncated recovery."""

from __future__ import annotations

import json

from service.parsing import parse_items

ITEM = {
    "question_text": "What is 2+2 in base ten?",
    "options": ["4", "5", "6", "7"],
    "correct_option_index": 0,
    "solution": "Add.",
}


def items(n: int) -> list[dict[str, object]]:
    return [{**ITEM, "question_text": f"Question number {i}: what is {i}+{i}?"} for i in range(n)]


def test_strict_object_and_bare_list() -> None:
    assert parse_items(json.dumps({"questions": items(3)}), "stop") == (items(3), None)
    assert parse_items(json.dumps(items(2)), None) == (items(2), None)


def test_empty_and_wrong_shapes() -> None:
    assert parse_items("", "stop")[0] == []
    assert parse_items("   ", "stop")[1] == "empty reply"
    got, note = parse_items('{"answer": 42}', "stop")
    assert got == [] and note and "questions" in note
    got, note = parse_items("I cannot help with that.", "stop")
    assert got == [] and note and "no JSON" in note


def test_extracted_from_chat_text() -> None:
    text = (
        "Sure! Here are your {fresh} questions:\n"
        + json.dumps({"questions": items(2)})
        + "\nHope this helps."
    )
    got, note = parse_items(text, "stop")
    assert got == items(2)
    assert note == "extracted from chat text"


def test_think_block_and_code_fence() -> None:
    text = (
        '<think>Let me plan {"questions": []} first.</think>\n```json\n'
        + json.dumps({"questions": items(3)})
        + "\n```"
    )
    got, note = parse_items(text, "stop")
    assert got == items(3)
    assert note is not None and "<think>" in note and "code fence" in note


def test_truncated_keeps_complete_items_only() -> None:
    full = json.dumps({"questions": items(4)})
    cut = full[: full.index("Question number 3") + 5]  # inside the 4th item
    got, note = parse_items(cut, "length")
    assert got == items(3)
    assert note == "truncated (length limit): 3 complete items"


def test_unterminated_array_without_finish_reason() -> None:
    full = json.dumps(items(3))
    got, note = parse_items(full[:-30], None)
    assert got == items(2)
    assert note is not None and note == "truncated (unterminated array): 2 complete items"


def test_truncated_inside_first_item_recovers_nothing() -> None:
    got, note = parse_items('{"questions": [{"question_text": "Wha', "length")
    assert got == []
    assert note is not None and "0 complete items" in note


def test_single_question_object_is_accepted_with_note() -> None:
    got, note = parse_items("Here: " + json.dumps(ITEM), "stop")
    assert got == [ITEM]
    assert note is not None and "single question object" in note
