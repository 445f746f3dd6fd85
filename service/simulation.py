"""The loopback simulators, found at run time through the ``qgen.simulators`` entry point.

They are a distribution of their own (``sim/``, ``qgen-simulators``) that ``service`` never imports: only
``qgen simulate``, ``qgen worker --simulate`` and ``qgen doctor --simulate`` (QGEN_SIMULATE=1) need them,
and a production install has none. Missing, they are one ``ConfigError`` line naming what to install.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from importlib.metadata import entry_points
from typing import Protocol, cast

from .errors import ConfigError

GROUP = "qgen.simulators"
MISSING = "the loopback simulators are not installed: pip install -e ./sim (in a checkout: make install)"


class Served(Protocol):
    """A running simulator: the base URL its provider adapter is pointed at."""

    @property
    def base_url(self) -> str: ...


class Simulators(Protocol):
    """What the entry point's object offers (``simulators.plugin``)."""

    def server(self, kind: str, *, model: str) -> AbstractAsyncContextManager[Served]: ...

    def main(self, argv: list[str], prog: str = ...) -> int: ...


def load() -> Simulators:
    """The installed simulators; ``ConfigError(MISSING)`` when no entry point is found or it cannot load."""
    found = sorted(entry_points(group=GROUP), key=lambda ep: ep.name)
    if not found:
        raise ConfigError(MISSING)
    try:
        return cast(Simulators, found[0].load())
    except ImportError as e:  # metadata left behind by an uninstalled or broken install
        raise ConfigError(f"{MISSING} ({found[0].value}: {e})") from e
