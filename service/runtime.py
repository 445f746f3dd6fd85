"""Assemble a worker from settings: providers (real, or the loopback simulators when asked), generator, embedder."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from . import db, health, logs, simulation
from .embedding import Embedder
from .errors import ConfigError
from .generation import Generator
from .providers.base import Provider
from .providers.registry import build_providers, build_simulated
from .settings import Settings
from .worker import Worker

log = logging.getLogger(__name__)

SIMULATED_BANNER = (
    "SIMULATE MODE (--simulate / QGEN_SIMULATE=1): using the loopback SIMULATORS of RunPod and "
    "Gemini. Stored questions are synthetic and marked provider='runpod-simulator'/'gemini-simulator'."
)
NO_PROVIDER = (
    "no provider is configured: set RUNPOD_BASE_URL and/or GEMINI_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=true "
    "with GOOGLE_CLOUD_PROJECT), or run `qgen worker --simulate` (QGEN_SIMULATE=1) for the loopback simulators"
)


@contextlib.asynccontextmanager
async def providers_for(settings: Settings) -> AsyncIterator[dict[str, Provider]]:
    """The providers the settings ask for, closed on exit.

    Simulate mode starts the loopback simulators (and uses nothing else); otherwise real providers only,
    and none configured is a ``ConfigError``: a production worker never starts a simulator.
    """
    async with contextlib.AsyncExitStack() as stack:
        if settings.simulate:
            sims = simulation.load()  # a separate distribution (sim/), found through its entry point
            log.warning(SIMULATED_BANNER)
            vllm = await stack.enter_async_context(sims.server("vllm", model=settings.runpod_model))
            gemini = await stack.enter_async_context(sims.server("gemini", model=settings.gemini_model))
            providers = build_simulated(settings, {"runpod": vllm.base_url, "gemini": gemini.base_url})
        else:
            providers = build_providers(settings)
            if not providers:
                raise ConfigError(NO_PROVIDER)
        for p in providers.values():
            stack.push_async_callback(p.aclose)
        yield providers


async def check_providers(providers: dict[str, Provider], settings: Settings | None = None) -> None:
    """Ask each provider about its model before serving: a wrong configuration stops the start with one
    line; a window the server reports replaces the configured one; a transient fault is only logged.
    With ``settings``, a verifier model (QGEN_VERIFY_MODEL) is checked the same way on each verifying provider."""
    for key, p in providers.items():
        c = await p.check()
        if c.fatal:
            raise ConfigError(f"{key}: {c.detail}")
        if not c.ok:
            log.warning("%s: %s (starting anyway; calls will retry and fall back)", key, c.detail)
            continue
        learnt = p.profile.with_window(c.context_tokens)
        if learnt != p.profile:
            configured = p.profile.context_tokens
            log.info("%s: context window %s tokens (server-reported; configured %s)", key, c.context_tokens, configured)
            p.profile = learnt
        log.info("%s: %s", key, c.detail)
    if settings is not None and settings.verify_model:
        from .doctor import verify_plans  # the gate's plans, as `qgen doctor` reads them

        for key, model in verify_plans(settings, providers):
            p = providers[key]
            if model is None or model == p.model:
                continue
            c = await p.check(model)
            if c.fatal:
                raise ConfigError(f"{key}: {c.detail}")
            if not c.ok:
                log.warning("%s: %s (starting anyway)", key, c.detail)
            else:
                log.info("%s verifier: %s", key, c.detail)


@contextlib.asynccontextmanager
async def worker_runtime(
    settings: Settings, *, dsn: str | None = None, embedder: Embedder | None = None
) -> AsyncIterator[Worker]:
    """A ready ``Worker`` (providers checked, model loaded unless given); providers are closed on exit.

    /healthz, /readyz and /metrics (when QGEN_METRICS_PORT is set) are served from the start, each start-up
    stage named in /healthz, so that a liveness probe never meets a closed port while the model loads.
    """
    logs.use_format(settings.log_format)  # QGEN_LOG_FORMAT on the handlers logs.configure installed
    dsn = dsn or db.resolve_dsn(settings)
    async with health.serving(settings) as server:
        stage = server.begin if server is not None else (lambda _name: None)
        stage("checking providers")
        async with providers_for(settings) as providers:
            await check_providers(providers, settings)
            if embedder is None:
                stage("loading embedding model")
                embedder = await Embedder.load(settings)
            worker = Worker(settings, dsn=dsn, generator=Generator(settings, providers), embedder=embedder)
            if server is not None:
                server.attach(worker)
            yield worker
