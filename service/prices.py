"""What provider calls cost: the price table (data) and the arithmetic (pure).

The table is ``service/data/prices.toml`` (each entry with its source and the date it was read), or, when
``QGEN_PRICES`` is set, that JSON instead (your own contract's prices): keys ``"<provider>/<model>"`` or
``"<provider>"`` (the route key), values ``[usd_per_million_prompt, usd_per_million_completion]`` with an
optional third, the cached-prompt rate. The most specific key wins; a call with no price has no cost
(None), never a made-up one.

A call costs its uncached prompt tokens at the input rate, its cached ones (``cached_tokens``) at the cached
rate, and every output token (thinking included) at the output rate; a Batch API call costs
``batch_factor`` of that. A RunPod pod is paid by the hour, so its token price is the pod-hour spread over
the output tokens the pod serves in an hour (``pod_price``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .errors import ConfigError

MILLION = 1_000_000
TABLE_FILE = "prices.toml"


@dataclass(frozen=True)
class Price:
    """USD per million tokens: ``input`` (prompt), ``cached_input`` (prompt served from a cache), ``output``
    (thinking included); a batch call costs ``batch_factor`` of the online price."""

    input: float
    output: float
    cached_input: float
    batch_factor: float = 1.0


Prices = dict[str, Price]


def pod_price(usd_per_hour: float, output_tokens_per_second: float) -> Price:
    """A pod's price per million output tokens at that throughput (prompt tokens free: their prefill is in
    the throughput). ``ConfigError`` for a throughput that is not positive."""
    if output_tokens_per_second <= 0 or usd_per_hour < 0:
        raise ConfigError(f"pod price: {usd_per_hour} USD/h at {output_tokens_per_second} tokens/s is not a price")
    per_million = usd_per_hour / (3600 * output_tokens_per_second) * MILLION
    return Price(input=0.0, output=per_million, cached_input=0.0)


def measured_pod(usd_per_hour: float, output_tokens: int, busy_s: float) -> dict[str, float] | None:
    """What a pod's work cost at the throughput it showed: ``output_tokens`` served over ``busy_s`` seconds of
    pod time at ``usd_per_hour``; None when nothing was measured."""
    if output_tokens <= 0 or busy_s <= 0:
        return None
    tps = output_tokens / busy_s
    return {"output_tokens_per_second": tps, "usd_per_million_output": pod_price(usd_per_hour, tps).output,
            "usd": usd_per_hour * busy_s / 3600}


def call_cost(
    price: Price, prompt_tokens: int, completion_tokens: int, *, cached_tokens: int = 0, batch: bool = False
) -> float:
    """USD for one call: uncached prompt tokens at ``input``, cached ones at ``cached_input``, output at
    ``output``; times ``batch_factor`` for a batch call. Cached tokens beyond the prompt count as the prompt."""
    cached = max(0, min(cached_tokens, prompt_tokens))
    usd = ((prompt_tokens - cached) * price.input + cached * price.cached_input + completion_tokens * price.output) / MILLION
    return usd * (price.batch_factor if batch else 1.0)


def price_for(prices: Prices, provider: str, model: str) -> Price | None:
    """The price of ``model`` at ``provider`` (route key): ``provider/model`` first, then ``provider``."""
    return prices.get(f"{provider}/{model}".lower()) or prices.get(provider.lower())


def cost_usd(
    prices: Prices,
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    cached_tokens: int = 0,
    batch: bool = False,
) -> float | None:
    """Estimated USD for one call, or None when the table has no price for it."""
    price = price_for(prices, provider, model)
    if price is None:
        return None
    return call_cost(price, prompt_tokens, completion_tokens, cached_tokens=cached_tokens, batch=batch)


def parse_prices(spec: str) -> Prices:
    """QGEN_PRICES, ``{"gemini/gemini-3.5-flash": [0.3, 2.5, 0.03], "runpod": [0, 0]}``, as prices (a missing
    cached rate is the input rate: no discount assumed); ``ConfigError`` if malformed. Batch calls to a
    Gemini key cost half (Google's Batch API rate)."""
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
            or len(value) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            raise ConfigError(
                f"QGEN_PRICES[{key!r}]: expected [usd per million prompt tokens, usd per million completion tokens"
                ", optional usd per million cached prompt tokens]"
            )
        name = str(key).strip().lower()
        cached = float(value[2]) if len(value) == 3 else float(value[0])
        batch = 0.5 if name.split("/", 1)[0] == "gemini" else 1.0
        prices[name] = Price(input=float(value[0]), output=float(value[1]), cached_input=cached, batch_factor=batch)
    return prices


def table_prices(table: dict[str, Any]) -> Prices:
    """The price table's entries as prices (``service/data/prices.toml``'s shape); ``ConfigError`` when an
    entry lacks a rate or its source."""
    prices: Prices = {}
    for model, entry in (table.get("gemini") or {}).items():
        _sourced(f"gemini.{model}", entry)
        try:
            prices[f"gemini/{model}".lower()] = Price(
                input=float(entry["input"]), output=float(entry["output"]),
                cached_input=float(entry.get("cached_input", entry["input"])),
                batch_factor=float(entry.get("batch_factor", 1.0)),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"price table: gemini.{model} needs numeric input and output rates ({e})") from e
    pod = table.get("runpod")
    if pod:
        _sourced("runpod", pod)
        try:
            prices["runpod"] = pod_price(float(pod["usd_per_hour"]), float(pod["output_tokens_per_second"]))
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"price table: runpod needs usd_per_hour and output_tokens_per_second ({e})") from e
    return prices


def _sourced(name: str, entry: Any) -> None:
    if not isinstance(entry, dict) or not entry.get("source") or not entry.get("read"):
        raise ConfigError(f"price table: {name} must say where its prices come from (source) and when (read)")


def price_table() -> dict[str, Any]:
    """``service/data/prices.toml`` as read (sources and dates included)."""
    return tomllib.loads((resources.files("service") / "data" / TABLE_FILE).read_text(encoding="utf-8"))


def load_prices(spec: str) -> Prices:
    """The prices calls are costed at: QGEN_PRICES (``spec``) when set, else the shipped price table."""
    return parse_prices(spec) if spec.strip() else table_prices(price_table())
