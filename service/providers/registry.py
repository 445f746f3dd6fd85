"""Build the provider adapters from settings: one table of route keys, each with its adapter."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..errors import ConfigError
from ..routing import KNOWN_PROVIDERS
from ..settings import Settings
from .base import Provider
from .gemini import GeminiProvider
from .runpod import RunPodProvider

SIMULATED_GEMINI_KEY = "simulated-key-not-a-secret"
SIMULATED_SUFFIX = "-simulator"

# route key -> adapter factory (settings, recorded name, base URL override). A new vendor is one
# adapter and one row here; a second pod of a known kind is one row with its own settings.
ADAPTERS: dict[str, Callable[[Settings, str, str | None], Provider]] = {
    "runpod": lambda s, name, url: RunPodProvider(s, name=name, base_url=url),
    "gemini": lambda s, name, url: GeminiProvider(s, name=name, base_url=url),
}
assert set(ADAPTERS) == KNOWN_PROVIDERS, "routing.KNOWN_PROVIDERS and the adapter table must agree"


def build_providers(settings: Settings) -> dict[str, Provider]:
    """The providers real settings configure, keyed by route key (possibly none)."""
    return {key: ADAPTERS[key](settings, key, None) for key in settings.configured_providers()}


def build_simulated(settings: Settings, endpoints: Mapping[str, str]) -> dict[str, Provider]:
    """Every provider pointed at its loopback simulator in ``endpoints`` (route key -> base URL).

    Recorded as '<key>-simulator' so that stored rows never claim a real model; no real key is sent.
    """
    missing = sorted(KNOWN_PROVIDERS - set(endpoints))
    if missing:
        raise ConfigError(f"simulated providers need a simulator URL for: {', '.join(missing)}")
    sim = settings.model_copy(
        update={"gemini_api_key": SIMULATED_GEMINI_KEY, "runpod_api_key": None, "gemini_use_vertexai": False}
    )
    return {key: ADAPTERS[key](sim, key + SIMULATED_SUFFIX, endpoints[key]) for key in sorted(KNOWN_PROVIDERS)}
