"""Assemble a worker from settings: providers (real or the loopback simulators), generator, embedder."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from . import db
from .embedding import Embedder
from .generation import Generator
from .providers.registry import build_providers
from .settings import Settings
from .worker import Worker

log = logging.getLogger(__name__)

SIMULATED_BANNER = (
    "NO RUNPOD_BASE_URL AND NO GEMINI_API_KEY: using the built-in loopback SIMULATORS of RunPod and Gemini. "
    "Stored questions are synthetic and marked provider='runpod-simulator'/'gemini-simulator'."
)


@contextlib.asynccontextmanager
async def simulated_endpoints(settings: Settings) -> AsyncIterator[tuple[str | None, str | None]]:
    """Start the vLLM and Gemini simulators when no real provider is configured; yield their URLs."""
    if not settings.simulated:
        yield None, None
        return
    from simulators.server import SimulatorServer

    log.warning(SIMULATED_BANNER)
    async with (
        SimulatorServer("vllm", model=settings.runpod_model) as vllm,
        SimulatorServer("gemini", model=settings.gemini_model) as gemini,
    ):
        yield vllm.base_url, gemini.base_url


@contextlib.asynccontextmanager
async def worker_runtime(
    settings: Settings, *, dsn: str | None = None, embedder: Embedder | None = None
) -> AsyncIterator[Worker]:
    """A ready ``Worker`` (model loaded unless given, providers built); providers are closed on exit."""
    dsn = dsn or db.resolve_dsn(settings)
    async with simulated_endpoints(settings) as (runpod_url, gemini_url):
        providers = build_providers(
            settings, runpod_url=runpod_url, gemini_url=gemini_url, simulated=settings.simulated
        )
        try:
            embedder = embedder or await Embedder.load(settings)
            yield Worker(settings, dsn=dsn, generator=Generator(settings, providers), embedder=embedder)
        finally:
            for p in providers.values():
                with contextlib.suppress(Exception):
                    await p.aclose()
