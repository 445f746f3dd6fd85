"""The Gemini Batch API as google-genai calls it (Gemini API, not Vertex AI).

Read from googleapis/python-genai (google/genai/batches.py ``AsyncBatches.create/get/cancel`` and the
``_CreateBatchJobParameters_to_mldev``, ``_InlinedRequest_to_mldev``, ``_BatchJob_from_mldev`` and
``_InlinedResponse_from_mldev`` converters; google/genai/_transformers.py ``t_job_state``, ``t_batch_job_name``)
and from Google's Batch API guide (ai.google.dev/gemini-api/docs/batch-api) and REST reference
(ai.google.dev/api/batch-mode):

* ``POST /{version}/models/{model}:batchGenerateContent`` with ``{"batch": {"displayName", "inputConfig":
  {"requests": {"requests": [{"request": GenerateContentRequest, "metadata": {…}}]}}}}`` (displayName is
  required) answers an Operation: ``{"name": "batches/{id}", "metadata": {"@type": …GenerateContentBatch,
  "name", "model", "displayName", "state": "BATCH_STATE_PENDING", "batchStats", "createTime", …}}``.
* ``GET /{version}/batches/{id}`` answers the same Operation; once the batch ends it is ``done`` and
  ``metadata.output.inlinedResponses.inlinedResponses`` holds one ``{"response" | "error", "metadata"}`` per
  request, in the order of the requests.
* ``GET /{version}/batches?pageSize=…&pageToken=…`` (``batches.list``, "Lists operations that match the specified
  filter in the request") answers a ListOperationsResponse, ``{"operations": [Operation…], "nextPageToken"}``, the
  token absent on the last page (``AsyncBatches.list``, ``_ListBatchJobsResponse_from_mldev`` and
  google/genai/pagers.py ``AsyncPager``, which asks for the next page while a token comes back). Here: newest
  first, at most ``batch_list_page_max`` a page (the knob; the REST reference names no maximum), every batch
  listed, ended ones included; a page token it did not issue, a negative or non-numeric ``pageSize``, a
  ``filter`` (the SDK sends none to the Gemini API: ``_ListBatchJobsConfig_to_mldev`` refuses it) or an unknown
  parameter is 400 INVALID_ARGUMENT.
* ``POST /{version}/batches/{id}:cancel`` cancels a pending or running batch ("Only available for batch jobs
  that are running or pending", the SDK's docstring); an unknown batch is 404 NOT_FOUND.
* Inline requests are for batches whose whole request stays under 20 MB (the guide): a bigger one is 400.
* States: PENDING, then RUNNING, then SUCCEEDED, FAILED, CANCELLED or EXPIRED (the guide: a batch still
  pending or running after 48 hours expires); the target is 24 hours, usually much sooner. Here the two
  delays are knobs (``batch_pending_s``, ``batch_running_s``) and ``batch_outcome`` makes a batch FAIL or
  EXPIRE instead of succeeding.

Each inline request is answered exactly as ``generateContent`` answers it (``GeminiSim.answer``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import itertools
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .gemini import GeminiSim

INLINE_LIMIT_BYTES = 20 * 1024 * 1024  # "keep the total request size under 20MB" (the Batch API guide)
OPERATION_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch"
TERMINAL = frozenset({"BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"})
_ids = itertools.count(1)
VERSIONS = ("v1", "v1beta", "v1alpha", "v1beta1")
# what batches.list binds besides the API key (REST reference: filter, pageSize, pageToken, returnPartialSuccess)
LIST_PARAMS = frozenset({"pageSize", "pageToken", "key"})


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Batch:
    """One simulated batch: its requests, state and (once it ends) its inline responses."""

    def __init__(self, name: str, model: str, version: str, display_name: str, requests: list[dict[str, Any]]) -> None:
        self.name = name
        self.model = model
        self.version = version
        self.display_name = display_name
        self.requests = requests
        self.state = "BATCH_STATE_PENDING"
        self.created = self.updated = _now()
        self.responses: list[dict[str, Any]] = []
        self.error: dict[str, Any] | None = None
        self.task: asyncio.Task[None] | None = None

    def move(self, state: str) -> None:
        self.state = state
        self.updated = _now()

    def operation(self) -> dict[str, Any]:
        n = len(self.requests)
        done = len(self.responses)
        ok = sum(1 for r in self.responses if "response" in r)
        meta: dict[str, Any] = {
            "@type": OPERATION_TYPE,
            "name": self.name,
            "model": f"models/{self.model}",
            "displayName": self.display_name,
            "state": self.state,
            "createTime": self.created,
            "updateTime": self.updated,
            # int64 counts are strings in proto JSON
            "batchStats": {"requestCount": str(n), "successfulRequestCount": str(ok),
                           "failedRequestCount": str(done - ok), "pendingRequestCount": str(n - done)},
        }
        op: dict[str, Any] = {"name": self.name, "metadata": meta}
        if self.state in TERMINAL:
            op["done"] = True
            meta["endTime"] = self.updated
            if self.state == "BATCH_STATE_SUCCEEDED":
                meta["output"] = {"inlinedResponses": {"inlinedResponses": self.responses}}
                op["response"] = meta
            elif self.error is not None:
                op["error"] = self.error
        return op


class GeminiBatchSim:
    """``batches`` of the simulated Gemini API; requests are answered by ``gemini.answer``."""

    def __init__(self, gemini: GeminiSim) -> None:
        self.gemini = gemini
        self.core = gemini.core
        self.batches: dict[str, Batch] = {}

    async def create(self, request: web.Request, model: str, version: str) -> web.Response:
        from .gemini import google_error

        raw = await request.read()
        if len(raw) > INLINE_LIMIT_BYTES:
            return google_error(400, f"Request payload size exceeds the limit: {INLINE_LIMIT_BYTES} bytes.")
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            return google_error(400, "Invalid JSON payload received.")
        batch = body.get("batch") if isinstance(body, dict) else None
        if not isinstance(batch, dict):
            return google_error(400, "Invalid JSON payload received. Expected field 'batch'.")
        if not str(batch.get("displayName") or "").strip():
            return google_error(400, "* BatchGenerateContentRequest.batch.display_name: display_name is required")
        reqs = (((batch.get("inputConfig") or {}).get("requests")) or {}).get("requests")
        if not isinstance(reqs, list) or not reqs or not all(isinstance(r, dict) and isinstance(r.get("request"), dict)
                                                             for r in reqs):
            return google_error(400, "* BatchGenerateContentRequest.batch.input_config: requests are required")
        if not self.gemini._served(model):
            return self.gemini._not_found(model, version)
        name = f"batches/sim{next(_ids):06d}"
        b = Batch(name, model, version, str(batch["displayName"]), reqs)
        self.batches[name] = b
        self.core.stats.batches_created += 1
        self.core.record(body)
        b.task = asyncio.create_task(self._run(b), name=f"sim-{name}")
        return web.json_response(b.operation())

    async def _run(self, b: Batch) -> None:
        """PENDING for ``batch_pending_s``, RUNNING (answering every request) for ``batch_running_s``, then the
        outcome ``batch_outcome`` says: succeeded, failed or expired."""
        k = self.core.knobs
        await self._stay("batch_pending_s")
        b.move("BATCH_STATE_RUNNING")
        answers = []
        for item in b.requests:
            resp = await self.gemini.answer(b.model, b.version, item["request"])
            payload = json.loads(resp.body) if isinstance(resp.body, bytes | bytearray) else {}
            out: dict[str, Any] = {"metadata": item["metadata"]} if item.get("metadata") else {}
            if resp.status == 200:
                out["response"] = payload
            else:
                err = payload.get("error") or {}
                out["error"] = {"code": err.get("code", resp.status), "message": err.get("message", "")}
            answers.append(out)
        await self._stay("batch_running_s")
        if b.state != "BATCH_STATE_RUNNING":  # cancelled meanwhile
            return
        outcome = k.batch_outcome
        if outcome == "failed":
            b.error = {"code": 13, "message": "Batch failed: internal error."}
            b.move("BATCH_STATE_FAILED")
        elif outcome == "expired":
            b.move("BATCH_STATE_EXPIRED")
        else:
            b.responses = answers
            b.move("BATCH_STATE_SUCCEEDED")

    async def _stay(self, knob: str) -> None:
        """Wait until the knob's seconds have passed since now, reading it as it changes (a test can end a
        long wait by lowering it)."""
        started = time.monotonic()
        while time.monotonic() - started < float(getattr(self.core.knobs, knob)):
            await asyncio.sleep(0.02)

    def _find(self, request: web.Request) -> tuple[Batch | None, web.Response | None]:
        from .gemini import google_error

        name = "batches/" + request.match_info["batch_id"].partition(":")[0]
        b = self.batches.get(name)
        if b is None:
            return None, google_error(404, f"Batch {name} not found.")
        return b, None

    async def get(self, request: web.Request) -> web.Response:
        if (err := self.gemini._auth_error(request)) is not None:
            return err
        b, missing = self._find(request)
        if b is None:
            assert missing is not None
            return missing
        return web.json_response(b.operation())

    async def list_batches(self, request: web.Request) -> web.Response:
        """``batches.list``: one page of every batch, newest first, and the token of the next page."""
        from .gemini import google_error

        if (err := self.gemini._auth_error(request)) is not None:
            return err
        version = request.match_info["version"]
        if version not in VERSIONS:
            return google_error(404, f"Method list is not found for API version {version}.")
        query = request.query
        if "filter" in query or "returnPartialSuccess" in query:
            return google_error(400, "Filtering batches is not supported by the simulator (the SDK sends no filter"
                                     " to the Gemini API).")
        if unknown := sorted(set(query) - LIST_PARAMS):
            return google_error(400, f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot bind query'
                                     " parameter.")
        try:
            asked = int(query.get("pageSize", "0"))
        except ValueError:
            return google_error(400, f"Invalid value at 'page_size' (TYPE_INT32), \"{query['pageSize']}\"")
        if asked < 0:
            return google_error(400, "page_size must not be negative.")
        size = min(asked or self.core.knobs.batch_list_page_max, self.core.knobs.batch_list_page_max)
        newest = list(reversed(self.batches.values()))
        start = 0
        if "pageToken" in query:
            after = _token_name(query["pageToken"])
            names = [b.name for b in newest]
            if after not in names:
                return google_error(400, "Invalid page token.")
            start = names.index(after) + 1
        page = newest[start:start + size]
        self.core.stats.batch_list_pages += 1
        body: dict[str, Any] = {"operations": [b.operation() for b in page]}
        if start + size < len(newest):
            body["nextPageToken"] = _token(page[-1].name)
        return web.json_response(body)

    async def cancel(self, request: web.Request) -> web.Response:
        from .gemini import google_error

        if (err := self.gemini._auth_error(request)) is not None:
            return err
        if not request.match_info["batch_id"].endswith(":cancel"):
            return google_error(404, f"Method {request.match_info['batch_id'].partition(':')[2] or '(none)'} is not found.")
        b, missing = self._find(request)
        if b is None:
            assert missing is not None
            return missing
        if b.state in TERMINAL:
            return google_error(400, f"Batch {b.name} is in state {b.state} and cannot be cancelled.")
        b.move("BATCH_STATE_CANCELLED")
        self.core.stats.batches_cancelled += 1
        if b.task is not None:
            b.task.cancel()
        return web.json_response({})

    async def close(self) -> None:
        for b in self.batches.values():
            if b.task is not None:
                b.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await b.task

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/{version}/batches", self.list_batches)
        app.router.add_get("/{version}/batches/{batch_id}", self.get)
        app.router.add_post("/{version}/batches/{batch_id}", self.cancel)


def _token(name: str) -> str:
    """An opaque page token: the last batch of the page, so that batches created meanwhile shift nothing."""
    return base64.urlsafe_b64encode(f"after:{name}".encode()).decode()


def _token_name(token: str) -> str | None:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text.removeprefix("after:") if text.startswith("after:") else None
