"""Follow one request until it finishes: LISTEN on its progress notifications, poll only when LISTEN cannot work.

The trigger of migration 20261130000600 sends ``{"id", "status", "produced", "count"}`` on the channel
``qgen_requests`` whenever a request's status or produced count changes. The waiter reads the request once,
then only when a notification for it arrives (or a deadline of its own comes due). Without LISTEN (the
Supabase transaction pooler, ``QGEN_POOLER_MODE=transaction``) or without the trigger (a database not
migrated yet) it reads every ``POLL_S`` seconds instead, and says which it is doing in ``Watch.mode``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import asyncpg

from .errors import DatabaseError, QgenError
from .settings import Settings
from .sqlfiles import q
from .statuses import TERMINAL_STATUSES

CHANNEL = "qgen_requests"
POLL_S = 2.0  # the slow poll when LISTEN is unavailable: one single-row read every 2 s
UNCLAIMED = "no worker has claimed this request: is `qgen worker` running?"

Source = Literal["start", "notify", "poll", "timer"]


@dataclass(frozen=True)
class Snapshot:
    """The request as last read, and what caused the read."""

    status: str
    produced: int
    count: int
    error: str | None
    running_jobs: int
    source: Source

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES


class WaitTimeout(QgenError):
    """The request did not finish before the deadline."""


@dataclass
class Watch:
    """How a wait went: the mode used, how many notifications and reads it took, whether it warned."""

    mode: Literal["listen", "poll"]
    why_poll: str | None = None
    notifications: int = 0
    reads: int = 0
    warned_unclaimed: bool = False


async def _listen_mode(conn: asyncpg.Connection, settings: Settings) -> tuple[Literal["listen", "poll"], str | None]:
    if settings.pooler_mode == "transaction":
        return "poll", "LISTEN is unavailable through the transaction pooler (QGEN_POOLER_MODE=transaction)"
    if not await conn.fetchval(q("progress_notify_installed")):
        return "poll", "the progress trigger is missing: run `qgen migrate`"
    return "listen", None


async def wait_for_request(
    conn: asyncpg.Connection,
    request_id: uuid.UUID,
    settings: Settings,
    *,
    timeout: float,
    unclaimed_after: float = 5.0,
    on_update: Callable[[Snapshot], None] = lambda _s: None,
    on_unclaimed: Callable[[Snapshot], None] = lambda _s: None,
    watch: Watch | None = None,
) -> Snapshot:
    """Wait until ``request_id`` is terminal and return its last snapshot.

    ``on_update`` gets every snapshot whose status or produced count differs from the previous one (the
    first included). ``on_unclaimed`` is called once if, ``unclaimed_after`` seconds in, the request is
    still queued with none of its jobs running. Raises ``WaitTimeout`` after ``timeout`` seconds and
    ``DatabaseError`` if the connection is lost. ``watch`` (optional) receives the statistics.
    """
    mode, why = await _listen_mode(conn, settings)
    w = watch if watch is not None else Watch(mode)
    w.mode, w.why_poll = mode, why
    wake = asyncio.Event()
    lost = asyncio.Event()
    key = str(request_id)

    def heard(_c: object, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            if json.loads(payload).get("id") == key:
                w.notifications += 1
                wake.set()

    def closed(_c: object) -> None:
        lost.set()
        wake.set()

    conn.add_termination_listener(closed)
    if mode == "listen":
        try:
            await conn.add_listener(CHANNEL, heard)  # before the first read: nothing between is missed
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as e:
            mode, w.why_poll = "poll", f"LISTEN failed ({e})"
            w.mode = mode
    start = time.monotonic()
    deadline = start + timeout
    unclaimed_at = start + unclaimed_after
    source: Source = "start"
    last: tuple[str, int] | None = None
    try:
        while True:
            # cleared before the read: a notification that arrives during it wakes the next wait at once
            wake.clear()
            snap = await _read(conn, request_id, source)
            w.reads += 1
            if (snap.status, snap.produced) != last:
                last = (snap.status, snap.produced)
                on_update(snap)
            if snap.done:
                return snap
            now = time.monotonic()
            if not w.warned_unclaimed and now >= unclaimed_at and snap.status == "queued" and snap.running_jobs == 0:
                w.warned_unclaimed = True
                on_unclaimed(snap)
            if now >= deadline:
                raise WaitTimeout(f"timed out after {timeout:g}s waiting for request {request_id} ({snap.status}, "
                                  f"{snap.produced}/{snap.count})")
            # Sleep until a notification, the unclaimed check, the deadline, or (polling) the next read.
            until = deadline
            if not w.warned_unclaimed and snap.status == "queued":
                until = min(until, max(unclaimed_at, now))
            if mode == "poll":
                until = min(until, now + POLL_S)
            try:
                await asyncio.wait_for(wake.wait(), timeout=max(until - now, 0.001))
                source = "notify"
            except TimeoutError:
                source = "poll" if mode == "poll" else "timer"
            if lost.is_set():
                raise DatabaseError(f"lost the database connection while waiting for request {request_id}")
    finally:
        conn.remove_termination_listener(closed)
        if mode == "listen" and not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.remove_listener(CHANNEL, heard)


async def _read(conn: asyncpg.Connection, request_id: uuid.UUID, source: Source) -> Snapshot:
    row = await conn.fetchrow(q("request_watch"), request_id)
    if row is None:
        raise DatabaseError(f"request {request_id} no longer exists")
    return Snapshot(
        row["status"], row["produced"], row["count"] or 0, row["error"], row["running_jobs"], source
    )
