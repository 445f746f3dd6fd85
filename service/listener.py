"""The worker's wake-ups: one LISTEN connection on the jobs channel, kept alive (reconnecting with jittered
backoff); each notification, and each reconnection, sets the claimer's ``wake`` event. Under the
transaction pooler there is no LISTEN (Supabase's port 6543): the claimer polls instead."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from . import db
from .db import CONNECTION_ERRORS, CONNECTION_OR_TIMEOUT
from .errors import QgenError, first_line
from .resilience import jittered
from .settings import Settings
from .sqlfiles import q

log = logging.getLogger("service.worker")  # the worker's lines, whichever module writes them

CHANNEL = "qgen_jobs"


class Listener:
    """Sets ``wake`` on every NOTIFY of ``CHANNEL`` until ``stopping`` is set; ``run()`` is the task."""

    def __init__(self, dsn: str, settings: Settings, wake: asyncio.Event, stopping: asyncio.Event) -> None:
        self.dsn = dsn
        self.settings = settings
        self.wake = wake
        self.stopping = stopping
        self.conn: asyncpg.Connection | None = None

    async def run(self) -> None:
        """Keep one LISTEN connection alive (reconnecting with backoff); notifications wake the claimer."""
        if self.settings.pooler_mode == "transaction":
            log.info("transaction pooler mode: LISTEN unavailable, polling every %.1fs", self.settings.poll_interval_s)
            return
        attempt = 0
        while not self.stopping.is_set():
            try:
                self.conn = await db.connect(self.dsn, self.settings, vector=False)
                lost = asyncio.Event()
                self.conn.add_termination_listener(lambda _c, ev=lost: ev.set())
                await self.conn.add_listener(CHANNEL, lambda *_a: self.wake.set())
                attempt = 0
                self.wake.set()  # anything notified while we were away is picked up now
                while not lost.is_set() and not self.stopping.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=max(self.settings.poll_interval_s, 1.0))
                    if not lost.is_set() and not self.conn.is_closed():
                        # a cheap round trip notices a half-dead socket that never reported termination
                        try:
                            await asyncio.wait_for(self.conn.execute(q("ping")), timeout=5)
                        except CONNECTION_OR_TIMEOUT:
                            lost.set()
                if not self.stopping.is_set():
                    log.warning("LISTEN connection lost; reconnecting")
            except asyncio.CancelledError:
                raise
            except (QgenError, *CONNECTION_ERRORS) as e:  # type: ignore[misc]
                attempt += 1
                delay = jittered(attempt, 0.2, 5.0)
                log.warning("LISTEN connection failed (%s); retrying in %.1fs", first_line(e)[:500], delay)
                await self.sleep(delay)
            finally:
                await self.close()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the worker is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=max(seconds, 0))

    async def close(self) -> None:
        if self.conn is not None and not self.conn.is_closed():
            with contextlib.suppress(Exception):
                await self.conn.close()
