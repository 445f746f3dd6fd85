"""The statuses of a request, as the schema allows them (``question_requests_status_check``, migration
20261129000100_core.sql): one definition for the CLI, the waiters and the web-app client."""

from __future__ import annotations

from typing import Literal, get_args

RequestStatus = Literal["queued", "running", "succeeded", "partial", "failed", "rejected", "cancelled"]
REQUEST_STATUSES: tuple[str, ...] = get_args(RequestStatus)
# Finished: no worker will change the request again (only `qgen requeue` reopens a failed or partial one).
TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "partial", "failed", "rejected", "cancelled"})
