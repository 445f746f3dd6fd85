"""The schema sent to LLMs: no costly bounds, fields in writing order, and llguidance (vLLM's
``guidance`` backend) compiles it fast into a grammar that still holds the reply's shape."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from service.questions import MODELS, provider_json_schema, validate_item, validation_json_schema

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bench_grammar

DROPPED = {"minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum",
           "exclusiveMaximum", "multipleOf", "pattern", "format", "uniqueItems"}

ORDER = {
    "mcq": ["question_text", "options", "diagram_required", "diagram_description", "solution", "shortcut",
            "correct_option_index", "time_target_seconds", "tags"],
    "numeric": ["question_text", "diagram_required", "diagram_description", "solution", "shortcut", "answer",
                "unit", "time_target_seconds", "tags"],
}

VALID = {
    "mcq": {
        "question_text": "If $x^2 - 5x + 6 = 0$, what is the sum of the roots?",
        "options": ["5", "6", "-5", "1"],
        "diagram_required": False,
        "diagram_description": None,
        "solution": "By Vieta, the sum of the roots is $-b/a = 5$.",
        "shortcut": "Sum of roots = -b/a.",
        "correct_option_index": 0,
        "time_target_seconds": 45,
        "tags": ["vieta"],
    },
    "numeric": {
        "question_text": "A body starts from rest with acceleration 2 m/s^2. How far does it go in 5 s?",
        "diagram_required": False,
        "diagram_description": None,
        "solution": "$s = \\frac{1}{2} a t^2 = 25$ m.",
        "shortcut": None,
        "answer": 25,
        "unit": "m",
        "time_target_seconds": 40,
        "tags": ["kinematics"],
    },
}


def _item_schema(question_type: str) -> dict[str, Any]:
    return provider_json_schema(question_type)["$defs"][MODELS[question_type].__name__]


def _nodes(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node (dict) with its path; property names are walked as names, not keywords."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from _nodes(sub, f"{path}/{key}/{name}")
            elif isinstance(value, dict | list):
                yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _nodes(sub, f"{path}/{i}")


@pytest.mark.parametrize("question_type", ["mcq", "numeric"])
def test_provider_schema_has_no_costly_bounds(question_type: str) -> None:
    schema = provider_json_schema(question_type)
    kept = {(path, key) for path, node in _nodes(schema) for key in node if key in DROPPED}
    # the one bound kept on purpose: exactly 4 options (cheap in both engines, see BENCHMARKS.md)
    allowed = {("/$defs/MCQQuestion/properties/options", "minItems"), ("/$defs/MCQQuestion/properties/options",
                                                                        "maxItems")}
    assert kept <= allowed
    assert kept == (allowed if question_type == "mcq" else set())
    assert not any("title" in node for _, node in _nodes(schema))
    objects = [node for _, node in _nodes(schema) if "properties" in node]
    assert len(objects) == 2 and all(node["additionalProperties"] is False for node in objects)
    # the strict schema still has every bound, so the two are not the same object
    strict = json.dumps(validation_json_schema(question_type))
    assert '"maxLength"' in strict and '"minLength"' in strict


@pytest.mark.parametrize("question_type", ["mcq", "numeric"])
def test_fields_come_in_writing_order_with_descriptions(question_type: str) -> None:
    item = _item_schema(question_type)
    assert list(item["properties"]) == ORDER[question_type]
    required = {"mcq": ["question_text", "options", "solution", "correct_option_index"],
                "numeric": ["question_text", "solution", "answer"]}[question_type]
    assert item["required"] == required
    for name, prop in item["properties"].items():
        assert prop["description"] and "\n" not in prop["description"], name
    key = "correct_option_index" if question_type == "mcq" else "answer"
    assert ORDER[question_type].index("solution") < ORDER[question_type].index(key)
    assert "after the solution" in item["properties"][key]["description"]


@pytest.fixture(scope="module")
def ll_tokenizer() -> Any:
    # a small byte-level BPE (4 000 tokens, about 0.3 s to train): compile speed here is about the
    # grammar; bench_grammar measures the same path with a Qwen2-sized vocabulary
    return bench_grammar.llguidance_tokenizer(bench_grammar.byte_level_tokenizer(4_000, corpus_bytes=400_000))


def _reply(item: dict[str, Any]) -> str:
    return json.dumps({"questions": [item]}, indent=2)


def _accepts(ll_tok: Any, question_type: str, text: str) -> bool:
    matcher = bench_grammar.llguidance_matcher(ll_tok, provider_json_schema(question_type))
    return matcher.consume_tokens(ll_tok.tokenize_str(text)) and matcher.is_accepting()


@pytest.mark.parametrize("question_type", ["mcq", "numeric"])
def test_llguidance_compiles_the_provider_schema_under_a_second(ll_tokenizer: Any, question_type: str) -> None:
    schema = provider_json_schema(question_type)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        bench_grammar.llguidance_matcher(ll_tokenizer, schema)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 1.0, times


@pytest.mark.parametrize("question_type", ["mcq", "numeric"])
def test_the_grammar_accepts_a_valid_reply_and_refuses_wrong_shapes(ll_tokenizer: Any, question_type: str) -> None:
    good = VALID[question_type]
    validate_item(good, question_type)  # the example is valid for pydantic too
    assert _accepts(ll_tokenizer, question_type, _reply(good))

    key = "correct_option_index" if question_type == "mcq" else "answer"
    key_first = {"question_text": good["question_text"], key: good[key]} | good
    assert list(key_first)[1] == key
    assert not _accepts(ll_tokenizer, question_type, _reply(key_first)), "the key before the working"
    assert not _accepts(ll_tokenizer, question_type, _reply(good | {"confidence": 0.9})), "an unknown field"
    assert not _accepts(ll_tokenizer, question_type, _reply({k: v for k, v in good.items() if k != "solution"}))
    assert not _accepts(ll_tokenizer, question_type, _reply(good | {key: "zero"})), "a string key"
    if question_type == "mcq":
        assert not _accepts(ll_tokenizer, question_type, _reply(good | {"options": ["5", "6", "-5"]}))
        assert not _accepts(ll_tokenizer, question_type, _reply(good | {"options": ["5", "6", "-5", "1", "2"]}))


def test_bounds_left_out_of_the_grammar_are_still_enforced_by_pydantic(ll_tokenizer: Any) -> None:
    short = VALID["mcq"] | {"question_text": "Sum?", "correct_option_index": 7, "tags": ["t"] * 21}
    assert _accepts(ll_tokenizer, "mcq", _reply(short))
    with pytest.raises(ValidationError) as e:
        validate_item(short, "mcq")
    assert {err["loc"][0] for err in e.value.errors()} == {"question_text", "correct_option_index", "tags"}
