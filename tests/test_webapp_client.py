"""The web-app client checked at the HTTP layer: a loopback server that records every request and
answers the way PostgREST does."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from service.webapp import COLUMNS, WebAppClient, WebAppError

ANON_KEY = "anon-key-for-tests"
USER_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQifQ.c2lnbmF0dXJl"
REQUEST_ID = str(uuid.UUID("11111111-2222-4333-8444-555555555555"))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakePostgrest:
    """Answers from a script: ``replies[(method, path)]`` is a list of (status, json) used in order,
    the last one repeating."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    replies: dict[tuple[str, str], list[tuple[int, Any]]] = field(default_factory=dict)

    def reply(self, method: str, path: str) -> tuple[int, Any]:
        script = self.replies[(method, path)]
        return script.pop(0) if len(script) > 1 else script[0]


def row(**overrides: Any) -> dict[str, Any]:
    base = {
        "id": REQUEST_ID,
        "status": "queued",
        "count": 5,
        "produced": 0,
        "error": None,
        "subject": "Physics",
        "topic": "Optics",
        "subtopic": None,
        "exam": None,
        "difficulty": "medium",
        "question_type": "mcq",
        "created_at": "2026-11-29T10:00:00+00:00",
        "finished_at": None,
    }
    return {**base, **overrides}


@pytest.fixture
def server() -> Iterator[FakePostgrest]:
    fake = FakePostgrest()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            fake.seen.append(
                Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
            )
            status, payload = fake.reply(self.command, parts.path)
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = _handle

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    httpd.shutdown()
    httpd.server_close()


def assert_user_headers(seen: Seen) -> None:
    assert seen.headers["apikey"] == ANON_KEY
    assert seen.headers["authorization"] == f"Bearer {USER_JWT}"  # the user's JWT, not the anon key


def test_create_request_posts_only_user_columns(server: FakePostgrest) -> None:
    server.replies[("POST", "/rest/v1/question_requests")] = [(201, [row(count=5, difficulty="hard")])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client:
        created = client.create_request(
            "Physics", "Optics", 5, difficulty="hard", exam="NEET", instructions="Use SI units"
        )
    assert created["id"] == REQUEST_ID and created["status"] == "queued" and created["difficulty"] == "hard"

    [seen] = server.seen
    assert (seen.method, seen.path) == ("POST", "/rest/v1/question_requests")
    assert seen.query == {"select": [",".join(COLUMNS)]}
    assert_user_headers(seen)
    assert "return=representation" in seen.headers["prefer"].split(",")
    assert seen.headers["content-type"].startswith("application/json")
    assert seen.body == {
        "subject": "Physics",
        "topic": "Optics",
        "count": 5,
        "difficulty": "hard",
        "exam": "NEET",
        "instructions": "Use SI units",
    }
    for owned in ("status", "produced", "requested_by", "error", "priority", "run_after", "id"):
        assert owned not in seen.body


def test_omitted_options_are_not_sent(server: FakePostgrest) -> None:
    server.replies[("POST", "/rest/v1/question_requests")] = [(201, [row()])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client:
        client.create_request("Physics", "Optics", 5)
    assert server.seen[0].body == {
        "subject": "Physics",
        "topic": "Optics",
        "count": 5,
    }  # table defaults apply


def test_get_request_reads_by_id(server: FakePostgrest) -> None:
    server.replies[("GET", "/rest/v1/question_requests")] = [(200, [row(status="running", produced=2)])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client:
        got = client.get_request(REQUEST_ID)
    assert (got["status"], got["produced"], got["error"]) == ("running", 2, None)
    [seen] = server.seen
    assert seen.method == "GET" and seen.path == "/rest/v1/question_requests"
    assert seen.query["id"] == [f"eq.{REQUEST_ID}"] and seen.query["select"] == [",".join(COLUMNS)]
    assert seen.query["limit"] == ["1"] and seen.body is None
    assert_user_headers(seen)


def test_unknown_or_foreign_request_is_not_found(server: FakePostgrest) -> None:
    # RLS hides other users' rows: PostgREST answers 200 with an empty array, not 403.
    server.replies[("GET", "/rest/v1/question_requests")] = [(200, [])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client, pytest.raises(WebAppError) as err:
        client.get_request(REQUEST_ID)
    assert err.value.code == "not_found" and REQUEST_ID in str(err.value)


def test_wait_polls_until_finished(server: FakePostgrest) -> None:
    server.replies[("GET", "/rest/v1/question_requests")] = [
        (200, [row()]),
        (200, [row(status="running", produced=2)]),
        (200, [row(status="partial", produced=4, error="4 of 5 questions stored: duplicate")]),
    ]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client:
        done = client.wait(REQUEST_ID, timeout=5, poll_s=0.01)
    assert (done["status"], done["produced"]) == ("partial", 4) and "duplicate" in done["error"]
    assert len(server.seen) == 3 and all(s.method == "GET" for s in server.seen)


def test_wait_times_out_with_progress_in_the_message(server: FakePostgrest) -> None:
    server.replies[("GET", "/rest/v1/question_requests")] = [(200, [row(status="running", produced=1)])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client, pytest.raises(TimeoutError) as err:
        client.wait(REQUEST_ID, timeout=0.2, poll_s=0.05)
    assert "still running" in str(err.value) and "1 of 5" in str(err.value)
    assert len(server.seen) >= 2


def test_cancel_patches_status_only(server: FakePostgrest) -> None:
    server.replies[("PATCH", "/rest/v1/question_requests")] = [(200, [])]
    server.replies[("GET", "/rest/v1/question_requests")] = [(200, [row(status="cancelled")])]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client:
        assert client.cancel(REQUEST_ID)["status"] == "cancelled"
    patch = server.seen[0]
    assert patch.method == "PATCH" and patch.query["id"] == [f"eq.{REQUEST_ID}"]
    assert patch.body == {"status": "cancelled"}
    assert_user_headers(patch)


@pytest.mark.parametrize(
    ("status", "payload", "code", "needle"),
    [
        (
            403,
            {
                "code": "42501",
                "message": 'new row violates row-level security policy for table "question_requests"',
                "details": None,
                "hint": None,
            },
            "42501",
            "row-level security",
        ),
        (
            401,
            {"code": "PGRST301", "message": "JWT expired", "details": None, "hint": None},
            "PGRST301",
            "JWT",
        ),
    ],
)
def test_postgrest_errors_become_web_app_errors(
    server: FakePostgrest, status: int, payload: dict[str, Any], code: str, needle: str
) -> None:
    server.replies[("POST", "/rest/v1/question_requests")] = [(status, payload)]
    with WebAppClient(server.url, ANON_KEY, USER_JWT) as client, pytest.raises(WebAppError) as err:
        client.create_request("Physics", "Optics", 5)
    assert err.value.code == code and needle in str(err.value)


def test_unreachable_api_is_a_web_app_error() -> None:
    with (
        WebAppClient("http://127.0.0.1:9", ANON_KEY, USER_JWT, timeout_s=2) as client,
        pytest.raises(WebAppError, match="cannot reach"),
    ):
        client.create_request("Physics", "Optics", 5)
