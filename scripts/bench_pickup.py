"""Pickup latency: a real ``Worker`` idling on LISTEN in its own process; requests inserted one at a
time from another connection in this process.

Clock: CLOCK_MONOTONIC, which Linux keeps system-wide, so a timestamp taken in the worker process
and one taken here are on the same clock. t0 is read right after the INSERT returns (autocommit:
the commit, the trigger's pg_notify and the split into jobs are done); t1 is read in the worker the
moment ``service.queue.claim`` returns the job (claim UPDATE and mark-running both done). Jobs
are no-ops (the worker completes them at once) so one pickup never queues behind another.

Run as a script (``python scripts/bench_pickup.py worker DSN``) it is the worker side.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
from pathlib import Path
from typing import Any

import asyncpg
from bench_common import Cluster, Section, now, percentile

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------------- worker side
class _NoModel:
    """Stands in for the embedder: the pickup path never embeds, only checks the dimension."""

    name = "none"
    dimension = 384


async def _serve(dsn: str) -> None:
    from service import queue
    from service.settings import Settings
    from service.worker import JobState, Worker

    real_claim = queue.claim

    async def observed_claim(conn: asyncpg.Connection, worker_id: str, limit: int, lease_s: float) -> Any:
        jobs = await real_claim(conn, worker_id, limit, lease_s)
        t1 = now()
        for job in jobs:
            print(f"claimed {job.request_id} {t1:.9f}", flush=True)
        return jobs

    queue.claim = observed_claim  # type: ignore[assignment]

    class NoopWorker(Worker):
        async def _process(self, state: JobState) -> None:
            await self._finish(state, None)

    # A long poll interval: every pickup measured here comes through NOTIFY, never a poll.
    # No on-topic check: the no-op jobs generate nothing, and the stand-in embedder embeds nothing.
    settings = Settings(database_url=dsn, poll_interval_s=30.0, lease_s=30.0, topic_check=False)
    worker = NoopWorker(settings, dsn=dsn, generator=None, embedder=_NoModel())  # type: ignore[arg-type]
    worker.install_signal_handlers()
    print("ready", flush=True)
    await worker.run()


# ---------------------------------------------------------------------------------- client side
async def pickup_latencies(cluster: Cluster, dsn: str, samples: int) -> list[float]:
    """Milliseconds from INSERT commit to claim, one request at a time, ``samples`` times."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE / "bench_pickup.py"), "worker", dsn,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "QGEN_LOG_LEVEL": "WARNING"},
    )
    assert proc.stdout is not None
    claimed: dict[str, float] = {}
    seen = asyncio.Event()

    async def read() -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            parts = raw.decode().split()
            if parts and parts[0] == "claimed":
                claimed[parts[1]] = float(parts[2])
                seen.set()
            elif parts and parts[0] == "ready":
                seen.set()

    reader = asyncio.create_task(read())
    lat: list[float] = []
    conn = await asyncpg.connect(dsn)
    try:
        await asyncio.wait_for(seen.wait(), 60)
        await asyncio.sleep(1.0)  # the LISTEN connection is up once the first empty claim has run
        for i in range(samples + 3):
            seen.clear()
            rid = await conn.fetchval(
                "insert into question_requests (subject, topic, count)"
                " values ('Physics', $1, 1) returning id",
                f"Optics {i}",
            )
            t0 = now()
            await asyncio.wait_for(seen.wait(), 10)
            while str(rid) not in claimed:
                seen.clear()
                await asyncio.wait_for(seen.wait(), 10)
            if i >= 3:  # the first pickups warm up prepared statements and caches
                lat.append((claimed[str(rid)] - t0) * 1000)
            # let the worker finish the no-op job and go back to waiting on LISTEN
            await asyncio.sleep(0.02 + random.random() * 0.03)
    finally:
        await conn.close()
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), 30)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    return lat


async def run(cluster: Cluster, *, samples: int) -> Section:
    sec = Section("queue pickup")
    async with cluster.database("pickup") as dsn:
        lat = await pickup_latencies(cluster, dsn, samples)
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    sec.add("pickup_ms_p50", p50, reference="INSERT commit -> claim returned in an idle worker process",
            target="<= 5", ok=p50 <= 5, note=f"{len(lat)} requests one at a time; CLOCK_MONOTONIC both sides")
    sec.add("pickup_ms_p99", p99, reference=f"max {max(lat):.1f} ms", target="<= 50", ok=p99 <= 50)
    sec.extra["pickup_ms_max"] = max(lat)
    return sec


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        sys.path.insert(0, str(HERE.parent))
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(sys.argv[2]))
    else:
        print("usage: bench_pickup.py worker DSN", file=sys.stderr)
        sys.exit(2)
