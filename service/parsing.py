"""Turn a provider's reply text into raw items (questions, or a batched solve's answers): strict JSON first,
salvage only as a last resort."""

from __future__ import annotations

import json
import re
from typing import Any

_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)(?:```|\Z)", re.DOTALL)
_MAX_CANDIDATES = 64  # start positions tried when digging JSON out of chat text

_decoder = json.JSONDecoder()


def _items_of(data: Any, array: str, lone: str) -> tuple[list[Any] | None, str | None]:
    """The item list (under ``array``) inside a decoded JSON value, or None if it has none; a lone object
    with the field ``lone`` is a list of one."""
    if isinstance(data, dict):
        qs = data.get(array)
        if isinstance(qs, list):
            return qs, None
        if lone in data:
            return [data], f"single {array.removesuffix('s')} object"
        return None, None
    if isinstance(data, list):
        return data, None
    return None, None


def strip_wrappers(text: str) -> tuple[str, list[str]]:
    """Remove <think> blocks and unwrap a code fence; say what was removed."""
    how: list[str] = []
    cleaned = text
    if "<think>" in cleaned.lower():
        cleaned = _THINK.sub("", cleaned)
        how.append("removed <think> block")
    fence = _FENCE.search(cleaned)
    if fence and fence.group(1).strip():
        chatter = (cleaned[: fence.start()] + cleaned[fence.end() :]).strip()
        cleaned = fence.group(1)
        how.append("unwrapped code fence" + (" from chat text" if chatter else ""))
    return cleaned, how


def _decode_array_prefix(s: str, start: int) -> tuple[list[Any], bool]:
    """Decode the array whose '[' is at ``start`` element by element; (complete items, array closed?)."""
    items: list[Any] = []
    i = start + 1
    n = len(s)
    while True:
        while i < n and s[i] in " \t\r\n":
            i += 1
        if i >= n:
            return items, False
        if s[i] == "]":
            return items, True
        try:
            obj, i = _decoder.raw_decode(s, i)
        except json.JSONDecodeError:
            return items, False
        items.append(obj)
        while i < n and s[i] in " \t\r\n":
            i += 1
        if i < n and s[i] == ",":
            i += 1
        elif i < n and s[i] == "]":
            return items, True
        else:
            return items, False


def _join(parts: list[str]) -> str | None:
    return "; ".join(parts) if parts else None


def parse_items(
    text: str, finish_reason: str | None, *, array: str = "questions", lone: str = "question_text"
) -> tuple[list[Any], str | None]:
    """Raw items from ``{"questions": [...]}`` (or a bare list) and a note on any salvage performed;
    ``array`` names another list (a batched solve's ``answers``), ``lone`` the field of a lone item.

    Strict ``json.loads`` first (note None). Otherwise: drop ``<think>`` blocks, unwrap code fences,
    skip leading/trailing chat text; on truncated output (finish_reason 'length' or an unterminated
    array) keep every complete item. An empty list means nothing usable; the note says why.
    """
    if not text or not text.strip():
        return [], "empty reply"
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        pass
    else:
        items, note = _items_of(data, array, lone)
        if items is None:
            return [], f"JSON without a {array} array"
        return items, note

    cleaned, how = strip_wrappers(text)
    stripped = cleaned.strip()

    # A whole JSON value somewhere in the text (chat text before or after it). Lone question objects
    # are kept aside: inside a truncated array each complete item would otherwise look like one.
    single: tuple[list[Any], str | None] | None = None
    tried = 0
    for m in re.finditer(r"[\[{]", cleaned):
        if tried >= _MAX_CANDIDATES:
            break
        tried += 1
        try:
            data, end = _decoder.raw_decode(cleaned, m.start())
        except json.JSONDecodeError:
            continue
        items, note = _items_of(data, array, lone)
        if items is None or (isinstance(data, list) and not all(isinstance(x, dict) for x in data)):
            continue
        extra = []
        if cleaned[: m.start()].strip() or cleaned[end:].strip():
            extra.append("extracted from chat text")
        if note:
            single = single or (items, _join([*how, *extra, note]))
            continue
        return items, _join(how + extra)

    # Truncated: recover the complete items of the unterminated array.
    qm = re.search(rf'"{re.escape(array)}"\s*:\s*\[', cleaned)
    start = qm.end() - 1 if qm else (cleaned.index(stripped[0]) if stripped.startswith("[") else -1)
    if start >= 0:
        items, _closed = _decode_array_prefix(cleaned, start)
        if items or finish_reason == "length":
            why = "length limit" if finish_reason == "length" else "unterminated array"
            return items, _join([*how, f"truncated ({why}): {len(items)} complete items"])
    if single is not None:
        return single
    return [], _join([*how, f"no JSON {array} found"])
