"""Estimated cost of provider calls from configured prices (pure).

``QGEN_PRICES`` is a JSON object: keys ``"<provider>/<model>"`` or ``"<provider>"`` (the route key,
'runpod' or 'gemini'), values ``[usd_per_million_prompt_tokens, usd_per_million_completion_tokens]``.
The most specific key wins; a call with no price has no cost (None), never a made-up one.
"""

from __future__ import annotations

import json

from .errors import ConfigError

Prices = dict[str, tuple[float, float]]


def parse_prices(spec: str) -> Prices:
    """``{"gemini/gemini-3.5-flash": [0.3, 2.5], "runpod": [0, 0]}`` → prices; ``ConfigError`` if malformed."""
    if not spec.strip():
        return {}
    try:
        raw = json.loads(spec)
    except json.JSONDecodeError as e:
        raise ConfigError(f"QGEN_PRICES: not JSON ({e.msg})") from e
    if not isinstance(raw, dict):
        raise ConfigError("QGEN_PRICES: expected a JSON object of \"provider[/model]\": [prompt, completion]")
    prices: Prices = {}
    for key, value in raw.items():
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and v >= 0 for v in value)
        ):
            raise ConfigError(
                f"QGEN_PRICES[{key!r}]: expected [usd per million prompt tokens, usd per million completion tokens]"
            )
        prices[str(key).strip().lower()] = (float(value[0]), float(value[1]))
    return prices


def price_for(prices: Prices, provider: str, model: str) -> tuple[float, float] | None:
    """The price of ``model`` at ``provider`` (route key): ``provider/model`` first, then ``provider``."""
    return prices.get(f"{provider}/{model}".lower()) or prices.get(provider.lower())


# A call answered through the Gemini Batch API costs this share of the online price (Google's Batch API guide:
# "50% of the standard cost"; ai.google.dev/gemini-api/docs/batch-api).
BATCH_PRICE_FACTOR = 0.5


def cost_usd(
    prices: Prices, provider: str, model: str, prompt_tokens: int, completion_tokens: int, *, batch: bool = False
) -> float | None:
    """Estimated USD for one call (``batch``: answered through a Batch API), or None when no price is configured."""
    price = price_for(prices, provider, model)
    if price is None:
        return None
    usd = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
    return usd * BATCH_PRICE_FACTOR if batch else usd
