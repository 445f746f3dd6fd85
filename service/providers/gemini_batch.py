"""Gemini Batch mode: one batch of inline GenerateContent requests, built exactly like the online calls.

Read from googleapis/python-genai: google/genai/batches.py (``AsyncBatches.create(model=…, src=[InlinedRequest…],
config=CreateBatchJobConfig(display_name=…))`` is ``POST /v1beta/models/{model}:batchGenerateContent``;
``get(name=…)`` is ``GET /v1beta/batches/{id}``; ``cancel(name=…)`` is ``POST /v1beta/batches/{id}:cancel``;
``_BatchJob_from_mldev`` reads the Operation's ``name`` and ``metadata.state`` and the inline responses from
``metadata.output.inlinedResponses.inlinedResponses``), google/genai/_transformers.py (``t_job_state`` maps
BATCH_STATE_* to JOB_STATE_*; ``t_batch_source`` refuses inline requests on a Vertex AI client, which takes
GCS or BigQuery sources only) and google/genai/types.py (``BatchJob``, ``JobState``, ``InlinedRequest``,
``InlinedResponse`` with ``response`` or ``error``). ``list(config=ListBatchJobsConfig(page_size=…))`` is
``GET /v1beta/batches?pageSize=…&pageToken=…``, answered as a ListOperationsResponse (``{"operations": [Operation…],
"nextPageToken"}``, ``_ListBatchJobsResponse_from_mldev``), each operation read by ``_BatchJob_from_mldev`` into a
``BatchJob`` with ``name``, ``display_name``, ``state`` and ``create_time`` (from ``metadata.displayName``,
``metadata.state``, ``metadata.createTime``); google/genai/pagers.py ``AsyncPager`` fetches the next page while
``next_page_token`` is set. The Gemini API takes no ``filter`` there (the SDK refuses one off Vertex AI), so a
listing reads every batch of the key, ended ones included (REST reference ai.google.dev/api/batch-api,
``batches.list``). Google's Batch API guide (ai.google.dev/gemini-api/docs/
batch-api): 50% of the online price, a 24-hour target (usually much quicker), inline requests while the whole
request stays under 20 MB, responses in the order of the requests, and a batch still pending or running after
48 hours expires; creating a batch is not idempotent (the same request sent twice makes two batches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from google.genai import types

from ..errors import ProviderError
from .base import ProviderCall, ProviderReply

if TYPE_CHECKING:
    from .gemini import GeminiProvider

PENDING, RUNNING = "JOB_STATE_PENDING", "JOB_STATE_RUNNING"
SUCCEEDED, FAILED, CANCELLED, EXPIRED = "JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"
WAITING = frozenset({PENDING, RUNNING, "JOB_STATE_QUEUED"})
# batches asked per listed page (``pageSize``, "the standard list page size": the REST reference names no
# maximum); one call per page, so a key holding many ended batches costs a call per hundred
LIST_PAGE_SIZE = 100
VERTEX_REFUSAL = (
    "Vertex AI batch prediction reads its requests from Cloud Storage or BigQuery, not inline: batch-mode "
    "requests run online under GOOGLE_GENAI_USE_VERTEXAI"
)


@dataclass
class BatchStatus:
    """A batch as the service last described it: its name, its ``JOB_STATE_*`` and, once it succeeded, one
    reply (or the ``ProviderError`` of that request) per inline request, in the order they were sent."""

    name: str
    state: str
    replies: list[ProviderReply | ProviderError] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.state in WAITING


@dataclass(frozen=True)
class ListedBatch:
    """One batch as ``batches.list`` describes it: its name, display name, ``JOB_STATE_*`` and creation time
    (None when the service gave none)."""

    name: str
    display_name: str
    state: str
    created: datetime | None


class GeminiBatches:
    """The Batch API of one ``GeminiProvider`` (its client, model and reply parsing)."""

    def __init__(self, provider: GeminiProvider) -> None:
        self.provider = provider
        # why this provider cannot take inline batches (Vertex AI and its express mode), or None
        self.refusal: str | None = VERTEX_REFUSAL if provider.mode != "api-key" else None

    def _error(self, e: BaseException) -> ProviderError:
        from .gemini_errors import translate_error

        return translate_error(self.provider.name, e, self.provider.timeout_s)

    async def submit(self, calls: list[ProviderCall], display_name: str) -> BatchStatus:
        """Create one batch holding ``calls`` (one inline request each, in order); its status, PENDING."""
        p = self.provider
        model = calls[0].model or p.model
        src = [
            types.InlinedRequest(contents=c.prompt, config=p.content_config(c, model), metadata={"request": str(i)})
            for i, c in enumerate(calls)
        ]
        try:
            job = await p._client.aio.batches.create(
                model=model, src=src, config=types.CreateBatchJobConfig(display_name=display_name)
            )
        except Exception as e:
            raise self._error(e) from e
        return self._status(job, [c.max_tokens for c in calls])

    async def get(self, name: str, budgets: list[int]) -> BatchStatus:
        """The batch's state now; with the replies once it succeeded (``budgets``: each request's
        max_tokens, named when a reply is empty because thinking spent it)."""
        try:
            job = await self.provider._client.aio.batches.get(name=name)
        except Exception as e:
            raise self._error(e) from e
        return self._status(job, budgets)

    async def cancel(self, name: str) -> None:
        """Cancel a pending or running batch (the service refuses one that has ended)."""
        try:
            await self.provider._client.aio.batches.cancel(name=name)
        except Exception as e:
            raise self._error(e) from e

    async def list_batches(self) -> list[ListedBatch]:
        """Every batch the key holds, page after page (``AsyncBatches.list`` and its ``AsyncPager``), ended ones
        included: the Gemini API filters nothing."""
        try:
            pager = await self.provider._client.aio.batches.list(
                config=types.ListBatchJobsConfig(page_size=LIST_PAGE_SIZE))
            return [ListedBatch(job.name, job.display_name or "", _state(job), _aware(job.create_time))
                    async for job in pager if job.name]
        except Exception as e:
            raise self._error(e) from e

    def _status(self, job: types.BatchJob, budgets: list[int]) -> BatchStatus:
        if not job.name:
            raise ProviderError(self.provider.name, "server", "the Batch API answered a batch without a name")
        state = _state(job)
        status = BatchStatus(job.name, state)
        if state == SUCCEEDED:
            inline = (job.dest.inlined_responses if job.dest else None) or []
            status.replies = [self._reply(r, budgets[i] if i < len(budgets) else 0) for i, r in enumerate(inline)]
        return status

    def _reply(self, r: types.InlinedResponse, max_tokens: int) -> ProviderReply | ProviderError:
        """One inline response through the online call's parsing: a reply, or why it has none."""
        name = self.provider.name
        if r.error is not None or r.response is None:
            code = r.error.code if r.error else None
            msg = (r.error.message if r.error else None) or "no response"
            return ProviderError(name, "server" if code in (None, 13, 14) or (code and code >= 500) else "bad_request",
                                 f"batch request failed: {msg}", status=code)
        try:
            return self.provider.reply_of(r.response, max_tokens)
        except ProviderError as e:
            return e


def _state(job: types.BatchJob) -> str:
    """The job's ``JOB_STATE_*`` (PENDING when the service named none)."""
    return str(getattr(job.state, "value", job.state) or PENDING)


def _aware(t: datetime | None) -> datetime | None:
    """An RFC 3339 time as an aware datetime (one without an offset read as UTC, as Google's are Z-normalised)."""
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t
