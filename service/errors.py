"""One error tree for qgen; adapters translate library errors into it at their boundary."""

from __future__ import annotations


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

    ``kind`` is the failure class used by routing, retry and the circuit breaker:
    connect, timeout, server (5xx), rate_limited (429), context_length (400 prompt too long),
    bad_request (other 4xx), auth (401/403), invalid_json, too_few.
    """

    RETRYABLE_KINDS = frozenset({"connect", "timeout", "server", "rate_limited", "invalid_json", "too_few"})

    def __init__(
        self,
        provider: str,
        kind: str,
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
