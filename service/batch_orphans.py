"""Orphaned batches: batches submitted under a job's name that no ``qgen_batches`` row records, found by listing
the Batch API and cancelled.

``BatchSession._submit`` (service/batch.py) creates the batch upstream, then records it (``batch_insert``). A
worker stopped between the two, or a create that failed on the client (a timeout) after Google had made the
batch, leaves a batch nobody polls, reads or cancels, while Google works on it and bills it. The sweep of
recorded batches (``batch.cancel_abandoned``) cannot see it; this one lists what the key holds upstream.

The rule (``orphans``): a listed batch is cancelled when its display name is ``qgen-job-<id>`` (the name
``_submit`` gives; every batch qgen submits under that name must be recorded in ``qgen_batches``), it is still
pending or running, no ``qgen_batches`` row has its name, and it was created more than
``QGEN_BATCH_ORPHAN_GRACE_S`` before the listing began. The grace covers a live worker between its two steps:
its create may answer as late as ``GEMINI_TIMEOUT_S`` and its insert retries a lost connection
(``db.with_retry``), so the settings refuse a grace shorter than that timeout plus a minute. A worker whose
database stays out longer than that finds its batch cancelled when it polls it and generates online: nothing
is lost but the batch's discount. A batch whose creation time is unknown is left alone.

How often (``start``: a task of each worker): at start (a restart follows the stop that left orphans) and then every
``QGEN_BATCH_ORPHAN_CHECK_S``, not on every sweep tick (``QGEN_POLL_INTERVAL_S``, 2 s): the Gemini API lists
without a filter, so each listing reads every batch of the key, ended ones included, one call per page, to
find what only a worker stopped mid-submit leaves. Nothing is listed while no batch-mode job is queued or
running or ended within the last 48 hours plus the grace (``batch_mode_recent``): a batch pending or running
for 48 hours expires, so none of qgen's can still be waiting.

One key, one database: a batch named ``qgen-job-<id>`` by another deployment sharing the key has no row here
and would be cancelled; give each deployment its own key, or set ``QGEN_BATCH_ORPHAN_CHECK_S=0``.

Sources: googleapis/python-genai google/genai/batches.py (``AsyncBatches.list``, ``ListBatchJobsConfig``),
google/genai/pagers.py (``AsyncPager``), read through ``GeminiBatches.list_batches`` (providers/gemini_batch.py);
Google's Batch API guide (ai.google.dev/gemini-api/docs/batch-api: the JOB_STATE_* states, expiry after 48 hours
pending or running, creation not idempotent) and REST reference (ai.google.dev/api/batch-api, ``batches.list``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime

import asyncpg

from .batch import Db, batch_api, state_word
from .db import CONNECTION_ERRORS
from .errors import ProviderError, first_line
from .generation import Generator
from .providers.base import Provider
from .providers.gemini_batch import WAITING, GeminiBatches, ListedBatch
from .settings import Settings
from .sqlfiles import q

log = logging.getLogger(__name__)

# the display name BatchSession._submit gives a job's batch
JOB_NAME = re.compile(r"qgen-job-(\d+)")
# a batch still pending or running after 48 hours expires (the Batch API guide)
LIFETIME_S = 48 * 3600.0


def job_of(display_name: str) -> int | None:
    """The job id a batch's display name names (``qgen-job-42`` → 42), or None for a batch that is not qgen's."""
    m = JOB_NAME.fullmatch(display_name)
    return int(m.group(1)) if m else None


def orphans(listed: Iterable[ListedBatch], recorded: Collection[str], now: datetime,
            grace_s: float) -> list[ListedBatch]:
    """The listed batches to cancel: named after a qgen job, still waiting (pending or running), with no
    ``qgen_batches`` row (``recorded`` holds the names that have one), and created more than ``grace_s`` before
    ``now``."""
    return [
        b for b in listed
        if job_of(b.display_name) is not None and b.state in WAITING and b.name not in recorded
        and b.created is not None and (now - b.created).total_seconds() > grace_s
    ]


async def cancel_orphans(db: Db, providers: Mapping[str, Provider], grace_s: float) -> int:
    """List each Batch API's batches and cancel the orphans among them (``orphans``); returns how many were
    cancelled. A listing or cancel that fails is logged and tried again at the next check."""
    apis: dict[str, GeminiBatches] = {}
    for p in providers.values():
        if (api := batch_api(p)) is not None and api.refusal is None:
            apis.setdefault(api.provider.name, api)
    if not apis or not await db(lambda c: c.fetchval(q("batch_mode_recent"), LIFETIME_S + grace_s)):
        return 0
    cancelled = 0
    for pname, api in apis.items():
        # the clock before the listing: a batch recorded while the listing runs is still inside its grace
        now = datetime.now(UTC)
        try:
            listed = await api.list_batches()
        except ProviderError as e:
            log.warning("%s: listing batches failed (%s); orphaned batches are looked for at the next check", pname, e)
            continue
        named = [b.name for b in listed if job_of(b.display_name) is not None and b.state in WAITING]
        rows = await db(functools.partial(_recorded, names=named)) if named else []
        for b in orphans(listed, {r["name"] for r in rows}, now, grace_s):
            try:
                await api.cancel(b.name)
            except ProviderError as e:
                if e.retryable:
                    log.warning("%s: cancelling orphaned batch %s failed (%s); trying again at the next check",
                                pname, b.name, e)
                else:  # it ended meanwhile, or is gone: nothing left to cancel
                    log.info("%s: orphaned batch %s not cancelled (%s)", pname, b.name, e)
                continue
            age = (now - b.created).total_seconds() if b.created else 0.0
            log.warning("%s: batch %s (%s, %s for %.0fs) was submitted but never recorded: cancelled upstream",
                        pname, b.name, b.display_name, state_word(b.state), age)
            cancelled += 1
    return cancelled


def start(db: Db, generator: Generator | None, settings: Settings,
          counted: Callable[[float], None]) -> list[asyncio.Task[None]]:
    """The worker's orphan check as a task beside its claim loop (a listing takes a call per page, and claiming
    must not wait for it), or none: no generator, or ``QGEN_BATCH_ORPHAN_CHECK_S=0``. ``counted`` is told how
    many each check cancelled (the metric)."""
    if generator is None or settings.batch_orphan_check_s <= 0:
        return []
    return [asyncio.create_task(_check_every(db, generator, settings, counted), name="qgen-batch-orphans")]


async def _check_every(db: Db, generator: Generator, settings: Settings, counted: Callable[[float], None]) -> None:
    while True:
        try:
            counted(await cancel_orphans(db, generator.providers, settings.batch_orphan_grace_s))
        except CONNECTION_ERRORS as e:
            log.warning("looking for orphaned batches failed (%s); next check in %.0fs", first_line(e)[:500],
                        settings.batch_orphan_check_s)
        except Exception:  # housekeeping: a failure here must stop neither the worker nor its shutdown
            log.exception("looking for orphaned batches failed")
        await asyncio.sleep(settings.batch_orphan_check_s)


async def _recorded(conn: asyncpg.Connection, *, names: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch(q("batch_recorded"), names)
