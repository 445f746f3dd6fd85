"""The grammar bench figure runs on a small vocabulary, and without xgrammar it says so instead of failing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bench_grammar

LLGUIDANCE_KEYS = {"grammar_llguidance_compile_s_provider", "grammar_llguidance_mask_ms_provider"}
XGRAMMAR_KEYS = {"grammar_xgrammar_compile_s_provider", "grammar_xgrammar_compile_s_bounded",
                 "grammar_xgrammar_mask_ms_provider", "grammar_xgrammar_mask_ms_bounded"}


def test_without_xgrammar_its_figures_are_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xgrammar", None)  # import xgrammar raises ImportError
    sec = bench_grammar.run(repeats=1, bounded_repeats=1, vocab_size=2_000, corpus_bytes=300_000)
    figures = {f.key: f.value for f in sec.figures}
    assert set(figures) == LLGUIDANCE_KEYS and all(v > 0 for v in figures.values())
    assert "xgrammar is not importable" in sec.extra["skipped"]
    assert sec.extra["vocab_size"] == 2_000


def test_with_xgrammar_every_figure_is_reported() -> None:
    pytest.importorskip("xgrammar", reason="the bench extra (pip install -e .[bench] --no-deps) is not installed")
    sec = bench_grammar.run(repeats=1, bounded_repeats=1, vocab_size=2_000, corpus_bytes=300_000)
    figures = {f.key: f.value for f in sec.figures}
    assert set(figures) == LLGUIDANCE_KEYS | XGRAMMAR_KEYS and all(v > 0 for v in figures.values())
    assert "skipped" not in sec.extra
    # the bounded schema is the slow one in xgrammar 0.1.x, even on a 2 000-token vocabulary
    assert figures["grammar_xgrammar_compile_s_bounded"] > figures["grammar_xgrammar_compile_s_provider"]
