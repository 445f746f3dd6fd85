"""What qgen loads through the ``qgen.simulators`` entry point (sim/pyproject.toml).

qgen's side of the contract is ``service.simulation.Simulators``: ``server(kind, model=…)`` gives an async
context manager whose value has a ``base_url`` (``qgen worker --simulate``, ``qgen doctor --simulate``), and
``main(argv, prog)`` runs ``qgen simulate``.
"""

from __future__ import annotations

from .cli import main
from .server import SimulatorServer


def server(kind: str, *, model: str) -> SimulatorServer:
    """One loopback simulator (``vllm``, ``runpod`` or ``gemini``) with default knobs, serving ``model``."""
    return SimulatorServer(kind, model=model)


__all__ = ["main", "server"]
