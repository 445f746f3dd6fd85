"""The benchmark modules import and their smallest configurations produce every key, positive."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench_common  # noqa: E402
import bench_generation  # noqa: E402
import bench_queue  # noqa: E402


def test_percentile_nearest_rank() -> None:
    xs = [float(i) for i in range(1, 101)]
    assert bench_common.percentile(xs, 50) == 50.0
    assert bench_common.percentile(xs, 99) == 99.0
    assert bench_common.percentile([3.0], 99) == 3.0


async def test_tokens_figure_smallest() -> None:
    sec = await bench_generation.tokens(questions=20)
    keys = {f.key: f.value for f in sec.figures}
    assert keys["prompt_tokens_per_question_ratio_vs_single"] > 0
    assert keys["completion_tokens_per_question_ratio_vs_single"] > 0


async def test_queue_throughput_smallest(admin_dsn: str, tmp_path: Path) -> None:
    cluster = bench_common.Cluster(admin_dsn=admin_dsn, workdir=tmp_path)
    await cluster.make_template()
    sec = await bench_queue.throughput(cluster, jobs=50, repeats=1)
    keys = {f.key: f.value for f in sec.figures}
    for key in ("queue_jobs_per_s", "pgqueuer_jobs_per_s", "queue_throughput_ratio_vs_pgqueuer"):
        assert keys[key] > 0, key
    assert "queue_deadlocks" in keys


@pytest.fixture(autouse=True)
def _quiet_pgqueuer(caplog: Any) -> None:
    caplog.set_level("WARNING", logger="pgqueuer")
