"""One error tree for qgen; adapters translate library errors into it at their boundary."""

from __future__ import annotations

from typing import Literal, get_args

# Why a provider call failed; routing, retry, the circuit breaker and the stored fallback reasons use it.
FailureKind = Literal[
    "connect",  # no connection (refused, DNS, TLS)
    "timeout",  # no answer in time (client limit, 408, a RunPod job past its deadline)
    "server",  # 5xx, a dropped connection, an unexpected reply shape: the engine or proxy is unwell
    "rate_limited",  # 429
    "context_length",  # 400: prompt plus output budget exceed the model's window
    "bad_request",  # another 4xx: our request is wrong and a retry would repeat it
    # 400: the service cannot serve our reply schema (Gemini: "too many states for serving"): a configuration
    # error, the same on every call; not retried, not a breaker failure, named by `qgen doctor`
    "schema_refused",
    "auth",  # 401/403, or Gemini's 400 API_KEY_INVALID
    "not_found",  # the model does not exist for this key (retired, misspelt)
    "blocked",  # the provider refused to answer (SAFETY, PROHIBITED_CONTENT, a blocked prompt)
    "recitation",  # Gemini stopped with RECITATION: a new seed may get through
    "out_of_tokens",  # the output budget ran out before any text (thinking models spend it first)
    "invalid_json",  # a reply with no JSON items in it
    "too_few",  # a reply whose items all failed validation
    "circuit_open",  # not attempted: the provider's circuit breaker is open
]
FAILURE_KINDS: frozenset[str] = frozenset(get_args(FailureKind))


def first_line(e: BaseException) -> str:
    """The first line of an exception's message, or its type name when the message is empty."""
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


class QgenError(Exception):
    """Base of every error qgen raises on purpose; ``str(e)`` is one readable line."""


class ConfigError(QgenError):
    """A setting is missing, malformed or inconsistent with the database."""


class InputError(QgenError):
    """User input (CLI argument, import line, request row) is invalid."""


class DatabaseError(QgenError):
    """The database is unreachable or not in the expected shape."""


class ProviderError(QgenError):
    """A call to an LLM provider failed.

    ``kind`` (a ``FailureKind``) is the failure class used by routing, retry and the circuit breaker.
    """

    RETRYABLE_KINDS: frozenset[FailureKind] = frozenset(
        {"connect", "timeout", "server", "rate_limited", "invalid_json", "too_few", "recitation", "out_of_tokens"}
    )

    def __init__(
        self,
        provider: str,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        body: str | None = None,
    ) -> None:
        self.provider = provider
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.body = body[:2000] if body else body
        self.message = message
        super().__init__(f"{provider}: {kind}{f' (HTTP {status})' if status else ''}: {message}")

    @property
    def retryable(self) -> bool:
        return self.kind in self.RETRYABLE_KINDS


class CircuitOpenError(ProviderError):
    """The provider's circuit breaker is open; the call was not attempted."""

    def __init__(self, provider: str, retry_in: float) -> None:
        super().__init__(provider, "circuit_open", f"circuit open, next probe in {retry_in:.1f}s")
        self.retry_in = retry_in


class JobRetry(QgenError):
    """The job could not finish now (every provider failed); retry it later with backoff."""


class JobCancelled(QgenError):
    """The request was cancelled while the job ran."""


class LeaseLost(QgenError):
    """Another worker owns the job now (our lease expired); drop our work without writing."""


class BatchPending(QgenError):
    """The job's generation or blind solves wait for a batch (Batch mode): give the job back for ``wait_s``
    seconds without counting the attempt; whoever claims it next polls the same batch (``service/batch.py``,
    ``service/batch_verify.py``)."""

    def __init__(self, message: str, wait_s: float) -> None:
        super().__init__(message)
        self.wait_s = wait_s


class SolveDeferred(QgenError):
    """A blind solve was put into a batch instead of being made now (``service/batch_verify.py``): its item's
    check waits for the batch's answer."""
