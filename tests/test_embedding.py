"""The embedder: same vectors as sentence-transformers, loading off the event loop, dimension check."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import numpy as np
import pytest

from service.embedding import Embedder, check_dimension, representation
from service.errors import ConfigError
from service.settings import Settings
from tests import dedupe_corpus as corpus


@pytest.fixture(scope="session")
async def embedder() -> Any:
    return await corpus.shared_embedder()


async def test_embed_equals_sentence_transformers_on_the_representation(embedder: Embedder) -> None:
    items = [corpus.multipart_mcq()[0], corpus.SHORT["Kinematics"][0][0], corpus.multipart_numeric()[1]]
    qs = [corpus.question(i) for i in items]
    got = await embedder.embed(qs)
    want = embedder.model.encode([representation(q) for q in qs], normalize_embeddings=True)
    assert got.dtype == np.float32 and got.shape == (3, 384) == (len(qs), embedder.dimension)
    assert np.allclose(got, want, atol=1e-5)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert (await embedder.embed_texts([])).shape == (0, 384)


async def test_the_distinguishing_ask_is_inside_the_model_window(embedder: Embedder) -> None:
    tok = embedder.model.tokenizer
    for item in corpus.multipart_numeric() + corpus.multipart_mcq():
        q = corpus.question(item)
        assert len(tok(q.question_text)["input_ids"]) > 300  # longer than the 256-piece window
        window = tok.decode(tok(representation(q))["input_ids"][:256])
        ask = representation(q).split("\n")[0]
        assert tok.decode(tok(ask, add_special_tokens=False)["input_ids"]) in window


async def test_loading_does_not_block_the_event_loop() -> None:
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    loaded = await Embedder.load(Settings())
    took = time.perf_counter() - started
    stop.set()
    await task
    loaded.close()
    assert loaded.dimension == 384
    # a load on the loop would show as one gap as long as the load itself
    assert len(gaps) >= 5 and max(gaps) < max(0.25, took / 2), (took, max(gaps))


async def test_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot load embedding model"):
        await Embedder.load(Settings(embedding_model="/nonexistent/model-dir"))


async def test_check_dimension(conn: asyncpg.Connection, embedder: Embedder) -> None:
    await check_dimension(conn, embedder)  # vector(384) matches
    await conn.execute("drop index questions_embedding_hnsw")
    await conn.execute("alter table questions alter column embedding type vector(768)")
    with pytest.raises(
        ConfigError, match=r"384-dimensional vectors but questions.embedding is vector\(768\)"
    ):
        await check_dimension(conn, embedder)
