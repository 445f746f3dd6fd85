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


def test_cost_prices_every_call_and_the_batch_rate_only_for_calls_the_batch_api_answered() -> None:
    import bench_cost

    from service.prices import load_prices, price_for

    prices = load_prices("")
    gen = bench_cost.Call("gemini", "gemini-3.5-flash", "generate", 1000, 2000, cached_tokens=0)
    ver = bench_cost.Call("gemini", "gemini-3.5-flash", "verify", 1000, 2000)
    pod = bench_cost.Call("runpod", "PhysicsWallahAI/Aryabhata-1.0", "generate", 1000, 2000, cached_tokens=900)
    flash = price_for(prices, "gemini", "gemini-3.5-flash")
    assert flash is not None
    online = (1000 * flash.input + 2000 * flash.output) / 1e6
    assert bench_cost.cost([gen, ver], prices) == pytest.approx(2 * online)
    batched = bench_cost.Call("gemini", "gemini-3.5-flash", "generate", 1000, 2000, batch=True)
    assert bench_cost.cost([batched, ver], prices) == pytest.approx(online * (1 + flash.batch_factor))
    assert bench_cost.cost([pod], prices) > 0
    with pytest.raises(ValueError, match="no price"):
        bench_cost.cost([bench_cost.Call("gemini", "gemini-0-unknown", "generate", 1, 1)], prices)


async def test_cost_figures_smallest(admin_dsn: str, tmp_path: Path, embedder: Any) -> None:
    import bench_cost

    cluster = bench_common.Cluster(admin_dsn=admin_dsn, workdir=tmp_path)
    await cluster.make_template()
    sec = await bench_cost.run(cluster, embedder, questions=12)
    keys = {f.key: f.value for f in sec.figures}
    for key in ("tokens_per_verified_question_ratio_vs_seed_style", "cost_per_verified_question_ratio_vs_seed_style",
                "cost_per_verified_question_ratio_vs_seed_style_online"):
        assert keys[key] > 0, key
    assert 0 <= keys["cached_prompt_share"] < 1 and 0 <= keys["discarded_candidates_ratio"] <= 1
    ours, seed = sec.extra["cost_ours"], sec.extra["cost_seed"]
    assert ours["verified"] > 0 and seed["verified"] > 0
    # the seed's RunPod calls ramble to their 2048-token budget: it sends no stop token id and no grammar
    runpod = seed["calls"]["runpod/generate"]
    assert runpod["completion"] == 2048 * runpod["calls"]
