"""Loopback LLM simulators that speak the real wire formats (vLLM, RunPod serverless, Gemini).

Tests, the demo and benchmarks point the real clients (httpx, google-genai) at these servers; the
content they return is deterministic, schema-valid and semantically varied, and the ``Knobs`` inject
the failures the real services show (5xx under load, 429, truncation, chat text, duplicates...).
"""

from .knobs import Knobs, Stats
from .server import SimulatorServer, run_forever

__all__ = ["Knobs", "SimulatorServer", "Stats", "run_forever"]
