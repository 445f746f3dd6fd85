"""The web app's path into qgen: insert and read ``question_requests`` through Supabase's REST API
(PostgREST) as the signed-in user, so Row Level Security applies exactly as it does for the app."""

from __future__ import annotations

import time
from typing import Any

import httpx
from postgrest import APIError
from supabase import Client, ClientOptions, create_client

from .errors import QgenError
from .statuses import TERMINAL_STATUSES

TABLE = "question_requests"
# What the app shows for a request; nothing the service owns is ever sent, only read.
COLUMNS = (
    "id",
    "status",
    "count",
    "produced",
    "error",
    "subject",
    "topic",
    "subtopic",
    "exam",
    "difficulty",
    "question_type",
    "created_at",
    "finished_at",
)


class WebAppError(QgenError):
    """PostgREST refused the call or could not be reached; ``code`` is PostgREST's or Postgres's code
    (``42501`` = a policy or grant said no, ``PGRST301`` = the JWT expired or is invalid)."""

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None) -> None:
        self.code = code
        self.hint = hint
        super().__init__(f"{message} ({code})" if code else message)


class WebAppClient:
    """A signed-in user of the web app. ``anon_key`` identifies the project (``apikey`` header);
    ``access_token`` is the user's JWT (``Authorization: Bearer``), which decides who they are."""

    def __init__(self, url: str, anon_key: str, access_token: str, *, timeout_s: float = 10.0) -> None:
        options = ClientOptions(
            headers={**ClientOptions().headers, "Authorization": f"Bearer {access_token}"},
            auto_refresh_token=False,  # the app owns the session; this client only borrows its token
            persist_session=False,
            postgrest_client_timeout=timeout_s,
        )
        self._client: Client = create_client(url, anon_key, options)

    def create_request(
        self,
        subject: str,
        topic: str,
        count: int,
        *,
        subtopic: str | None = None,
        exam: str | None = None,
        difficulty: str | None = None,
        question_type: str | None = None,
        instructions: str | None = None,
    ) -> dict[str, Any]:
        """Insert one request and return it as stored: status 'queued', or 'rejected' with ``error``
        saying why. Omitted options take the table defaults; requested_by comes from the JWT."""
        row: dict[str, Any] = {"subject": subject, "topic": topic, "count": count}
        optional = {
            "subtopic": subtopic,
            "exam": exam,
            "difficulty": difficulty,
            "question_type": question_type,
            "instructions": instructions,
        }
        row.update({k: v for k, v in optional.items() if v is not None})
        query = self._client.table(TABLE).insert(row).select(",".join(COLUMNS))
        data = self._execute(query).data
        if not data:
            raise WebAppError("the request was not returned; is the select policy in place?")
        return dict(data[0])

    def get_request(self, request_id: str) -> dict[str, Any]:
        """The request's current status, produced count and error; WebAppError if it is not visible."""
        query = self._client.table(TABLE).select(",".join(COLUMNS)).eq("id", str(request_id)).limit(1)
        data = self._execute(query).data
        if not data:
            raise WebAppError(f"request {request_id} not found (or not yours)", code="not_found")
        return dict(data[0])

    def cancel(self, request_id: str) -> dict[str, Any]:
        """Ask for an open request to stop; a finished one is returned unchanged."""
        query = self._client.table(TABLE).update({"status": "cancelled"}).eq("id", str(request_id))
        self._execute(query)
        return self.get_request(request_id)

    def wait(self, request_id: str, timeout: float = 600.0, *, poll_s: float = 2.0) -> dict[str, Any]:
        """Poll until the request is finished; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            row = self.get_request(request_id)
            if row["status"] in TERMINAL_STATUSES:
                return row
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(
                    f"request {request_id} still {row['status']} after {timeout:.0f}s "
                    f"({row['produced']} of {row['count']} produced)"
                )
            time.sleep(min(poll_s, left))

    def close(self) -> None:
        self._client.postgrest.session.close()

    def __enter__(self) -> WebAppClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _execute(query: Any) -> Any:
        try:
            return query.execute()
        except APIError as e:
            raise WebAppError(e.message or "PostgREST error", code=e.code, hint=e.hint) from e
        except httpx.HTTPError as e:
            raise WebAppError(f"cannot reach the Supabase API: {e}") from e
