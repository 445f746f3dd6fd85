"""Build the provider adapters the generator routes between ('runpod' and 'gemini')."""

from __future__ import annotations

from ..errors import ConfigError
from ..settings import Settings
from .base import Provider
from .gemini import GeminiProvider, vertex_mode
from .runpod import RunPodProvider

SIMULATED_GEMINI_KEY = "simulated-key-not-a-secret"


def build_providers(
    settings: Settings,
    *,
    runpod_url: str | None = None,
    gemini_url: str | None = None,
    simulated: bool = False,
) -> dict[str, Provider]:
    """Adapters keyed 'runpod' / 'gemini'; only configured providers are present.

    ``simulated``: both point at loopback simulators (``runpod_url``, ``gemini_url`` required), are
    named '<provider>-simulator' so stored rows never claim a real model, and Gemini gets a fake key.
    """
    providers: dict[str, Provider] = {}
    if simulated:
        if not runpod_url or not gemini_url:
            raise ConfigError("simulated providers need both simulator URLs")
        sim = settings.model_copy(update={"gemini_api_key": SIMULATED_GEMINI_KEY, "runpod_api_key": None})
        providers["runpod"] = RunPodProvider(sim, name="runpod-simulator", base_url=runpod_url)
        providers["gemini"] = GeminiProvider(sim, name="gemini-simulator", base_url=gemini_url)
        return providers
    if runpod_url or settings.runpod_base_url:
        providers["runpod"] = RunPodProvider(settings, base_url=runpod_url)
    if gemini_url or settings.gemini_api_key or vertex_mode():
        providers["gemini"] = GeminiProvider(settings, base_url=gemini_url)
    return providers
