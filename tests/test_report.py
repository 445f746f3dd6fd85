"""``qgen report``: from a demo-sized bank written row by row, the terminal tables, ``--json``, the PNG charts
and the self-contained HTML page all carry the numbers SQL counts in the database."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service import report, report_render

from .helpers import insert_request
from .test_cli import qgen

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# (subject, topic, difficulty, type, provider, model, fallback reason, how many)
BANK = [
    ("Mathematics", "Limits", "medium", "mcq", "runpod", "aryabhata", None, 5),
    ("Mathematics", "Limits", "hard", "numeric", "runpod", "aryabhata", None, 2),
    ("Mathematics", "Limits", "hard", "numeric", "gemini", "gemini-3.5-flash", "runpod: timeout", 2),
    ("Mathematics", "Definite integrals", "easy", "mcq", "gemini", "gemini-3.5-flash", "runpod: server", 1),
    ("Physics", "Optics", "medium", "mcq", "runpod", "aryabhata", None, 4),
    ("Physics", "Optics", "easy", "numeric", "gemini", "gemini-3.5-flash", "runpod: timeout", 1),
    ("Chemistry", "Mole concept", "easy", "mcq", "gemini", "gemini-3.5-flash", None, 6),
    ("Chemistry", "Kinetics", "medium", "numeric", "gemini", "gemini-3.5-flash", None, 3),
]
IMPORTED = [("Physics", "Kinematics", "easy", "mcq", 2)]
# (subject of the request, reason, how many)
REJECTS = [("Mathematics", "near_duplicate", 3), ("Mathematics", "variant", 2), ("Physics", "exact_duplicate", 1),
           ("Chemistry", "batch_duplicate", 2)]
# (subject, stored?, how many)
DISPUTES = [("Mathematics", False, 2), ("Chemistry", True, 1)]
# (request subject, provider, purpose, outcome, prompt, completion, cost or None, how many)
CALLS = [
    ("Mathematics", "runpod", "generate", "ok", 900, 1400, None, 3),
    ("Mathematics", "runpod", "generate", "timeout", 900, 0, None, 2),
    ("Mathematics", "gemini", "generate", "ok", 800, 1200, 0.0033, 2),
    ("Physics", "runpod", "generate", "ok", 850, 1300, None, 2),
    ("Physics", "gemini", "generate", "ok", 700, 500, 0.0014, 1),
    ("Chemistry", "gemini", "generate", "ok", 1000, 2500, 0.0065, 3),
    ("Chemistry", "gemini", "verify", "ok", 400, 60, 0.0003, 4),
]


def _vector(n: int) -> str:
    """A distinct 384-dimensional unit-ish vector per question number (the report never compares them)."""
    v = [0.0] * 384
    v[n % 384] = 1.0
    v[(n * 7 + 3) % 384] += 0.5
    return "[" + ",".join(str(x) for x in v) + "]"


async def build_demo_bank(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    """Requests, questions (some through a fallback, some imported), rejects, disputes and provider calls."""
    requests: dict[str, uuid.UUID] = {}
    for subject in ("Mathematics", "Physics", "Chemistry"):
        requests[subject] = (await insert_request(conn, subject=subject, topic="Mixed", count=30))["id"]
    n = 0
    for subject, topic, difficulty, qtype, provider, model, fallback, k in BANK:
        for _ in range(k):
            await conn.execute(
                """insert into questions (request_id, slot, subject, topic, difficulty, question_type, question_text,
                                          body, text_hash, scope_key, embedding, provider, model, fallback_reason)
                   values ($1, $2, $3, $4, $5, $6, $7, '{}', md5($7), 'subject:' || lower($3), $8::text::vector,
                           $9, $10, $11)""",
                requests[subject], n, subject, topic, difficulty, qtype, f"question {n} about {topic}", _vector(n),
                provider, model, fallback,
            )
            n += 1
    for subject, topic, difficulty, qtype, k in IMPORTED:
        for _ in range(k):
            await conn.execute(
                """insert into questions (subject, topic, difficulty, question_type, question_text, body, text_hash,
                                          scope_key, embedding, provider, model)
                   values ($1, $2, $3, $4, $5, '{}', md5($5), 'subject:' || lower($1), $6::text::vector,
                           'import', 'import')""",
                subject, topic, difficulty, qtype, f"imported question {n}", _vector(n),
            )
            n += 1
    for subject, reason, k in REJECTS:
        for i in range(k):
            await conn.execute(
                "insert into question_rejects (request_id, question_text, reason, provider, similarity)"
                " values ($1, $2, $3, 'gemini', 0.9)",
                requests[subject], f"refused {reason} {i}", reason,
            )
    stored_one = await conn.fetchval("select id from questions where subject = 'Chemistry' limit 1")
    for subject, stored, k in DISPUTES:
        for i in range(k):
            await conn.execute(
                """insert into question_disputes (request_id, subject, topic, question_type, question_text, body,
                                                  provider, model, verifier_provider, verifier_model, verifier_answer,
                                                  reason, stored_question_id)
                   values ($1, $2, 'Mixed', 'mcq', $3, '{}', 'gemini', 'gemini-3.5-flash', 'gemini', 'verifier',
                           '{"choice": 1}', 'verifier chose option 1, key says 0', $4)""",
                requests[subject], subject, f"disputed {subject} {i}", stored_one if stored else None,
            )
    for subject, provider, purpose, outcome, prompt, completion, cost, k in CALLS:
        calls = [{"provider": provider, "model": "m", "purpose": purpose, "outcome": outcome, "latency_ms": 100,
                  "prompt_tokens": prompt, "completion_tokens": completion, "cost_usd": cost}] * k
        await conn.execute("select qgen_record_calls($1, null, $2::jsonb)", requests[subject], json.dumps(calls))
    return requests


class Page(HTMLParser):
    """Tables (by id: rows of cell texts), image sources and every URL-bearing attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(str(a[key]))
        if tag == "img":
            self.images.append(str(a.get("src")))
        elif tag == "table":
            self._table = str(a.get("id"))
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


def body_rows(rows: list[list[str]]) -> list[list[str]]:
    return rows[1:]  # the header row first


async def sql_counts(conn: asyncpg.Connection) -> dict[str, Any]:
    """The figures the report must show, counted here independently of sql/queries/report.sql."""
    coverage = {(r["subject"], r["topic"], r["difficulty"], r["question_type"]): r["n"] for r in await conn.fetch(
        "select subject, topic, difficulty, question_type, count(*)::int n from questions group by 1, 2, 3, 4")}
    providers = {(r["provider"], r["model"]): (r["n"], r["f"]) for r in await conn.fetch(
        "select provider, model, count(*)::int n, count(fallback_reason)::int f from questions group by 1, 2")}
    fallbacks = {(r["fallback_reason"], r["provider"]): r["n"] for r in await conn.fetch(
        "select fallback_reason, provider, count(*)::int n from questions where fallback_reason is not null"
        " group by 1, 2")}
    rejects = {(r["subject"], r["reason"]): r["n"] for r in await conn.fetch(
        "select r.subject, x.reason, count(*)::int n from question_rejects x join question_requests r"
        " on r.id = x.request_id group by 1, 2")}
    calls = {(r["provider"], r["purpose"]): (r["n"], r["failed"], r["p"], r["c"]) for r in await conn.fetch(
        "select provider, purpose, count(*)::int n, count(*) filter (where outcome <> 'ok')::int failed,"
        " sum(prompt_tokens)::bigint p, sum(completion_tokens)::bigint c from provider_calls group by 1, 2")}
    return {
        "questions": await conn.fetchval("select count(*) from questions"),
        "imported": await conn.fetchval("select count(*) from questions where provider = 'import'"),
        "refused": await conn.fetchval("select count(*) from question_rejects"),
        "disputed": await conn.fetchval("select count(*) from question_disputes"),
        "fallback_total": await conn.fetchval("select count(*) from questions where fallback_reason is not null"),
        "cost": float(await conn.fetchval("select sum(cost_usd) from provider_calls")),
        "coverage": coverage, "providers": providers, "fallbacks": fallbacks, "rejects": rejects, "calls": calls,
    }


async def test_report_files_and_numbers_match_the_database(conn: asyncpg.Connection, db_dsn: str, tmp_path: Path) -> None:
    await build_demo_bank(conn)
    want = await sql_counts(conn)
    out = tmp_path / "report"
    p = await qgen("report", "--out", str(out), dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == "", p.stderr

    # the files: five valid PNG charts and one page
    names = {f.name for f in out.iterdir()}
    assert names == {f"{c}.png" for c in report_render.CHARTS} | {"report.html"}
    import matplotlib.image

    for chart in report_render.CHARTS:
        data = (out / f"{chart}.png").read_bytes()
        assert data.startswith(PNG_MAGIC), chart
        img = matplotlib.image.imread(io.BytesIO(data), format="png")
        assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100, (chart, img.shape)
        assert float(img.std()) > 0, f"{chart}.png is blank"
    pil = pytest.importorskip("PIL.Image")
    with pil.open(out / "coverage.png") as im:
        im.verify()

    page = Page()
    page.feed((out / "report.html").read_text(encoding="utf-8"))
    page.close()
    assert page.tags[0] == "html" and "script" not in page.tags and "link" not in page.tags
    assert page.urls and all(u.startswith("data:image/png;base64,") for u in page.urls), page.urls  # nothing external
    embedded = {base64.b64decode(u.split(",", 1)[1]) for u in page.images}
    assert embedded == {(out / f"{c}.png").read_bytes() for c in report_render.CHARTS}

    # the numbers in the page are the database's
    totals = dict(zip(page.tables["totals-table"][0], page.tables["totals-table"][1], strict=True))
    assert as_int(totals["questions"]) == want["questions"] == sum(b[-1] for b in BANK) + sum(i[-1] for i in IMPORTED)
    assert as_int(totals["imported"]) == want["imported"]
    assert as_int(totals["refused"]) == want["refused"] and as_int(totals["disputed"]) == want["disputed"]
    assert as_int(totals["fallbacks"]) == want["fallback_total"]
    assert totals["estimated cost"] == f"≥ ${want['cost']:,.4f}"  # a lower bound: the runpod calls had no price

    header, *rows = page.tables["coverage-table"]
    combos = header[2:-1]
    got_cov = {}
    for subject, topic, *cells in rows:
        if subject == "all":
            assert as_int(cells[-1]) == want["questions"]
            continue
        for combo, value in zip(combos, cells[:-1], strict=True):
            difficulty, qtype = combo.split()
            if as_int(value):
                got_cov[(subject, topic, difficulty, qtype)] = as_int(value)
        assert as_int(cells[-1]) == sum(n for k, n in want["coverage"].items() if k[:2] == (subject, topic))
    assert got_cov == want["coverage"]

    got_prov = {(r[0], r[1]): (as_int(r[2]), as_int(r[4])) for r in body_rows(page.tables["providers-table"])}
    assert got_prov == want["providers"]
    got_fb = {(r[0], r[1]): as_int(r[2]) for r in body_rows(page.tables["fallbacks-table"])}
    assert got_fb == want["fallbacks"]

    header, *rows = page.tables["refusals-table"]
    by_group = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    for subject in ("Mathematics", "Physics", "Chemistry"):
        mine = {reason: n for (s, reason), n in want["rejects"].items() if s == subject}
        variants = mine.get("variant", 0)
        assert as_int(by_group[subject]["duplicates"]) == sum(mine.values()) - variants
        assert as_int(by_group[subject]["variants"]) == variants
    maths = by_group["Mathematics"]
    stored = await conn.fetchval("select count(*) from questions where subject = 'Mathematics'")
    candidates = stored + 3 + 2 + 2  # stored + refused + disputed and held back
    assert as_int(maths["candidates"]) == candidates
    assert maths["variant rate"] == f"{100 * 2 / candidates:.1f}%"
    assert maths["dispute rate"] == f"{100 * 2 / candidates:.1f}%"
    assert by_group["(import)"]["stored"] == str(want["imported"])

    got_calls = {(r[0], r[1]): (as_int(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]))
                 for r in body_rows(page.tables["tokens-table"])}
    assert got_calls == want["calls"]
    per_q = {r[0]: r for r in body_rows(page.tables["per_question-table"])}
    runpod_tokens = sum(p + c for (prov, purpose), (_n, _f, p, c) in want["calls"].items() if prov == "runpod")
    runpod_stored = sum(n for (prov, _m), (n, _f) in want["providers"].items() if prov == "runpod")
    assert per_q["runpod"][4] == f"{runpod_tokens / runpod_stored:,.1f}"
    assert per_q["runpod"][5] == "no price configured"  # runpod calls had no price

    # the terminal tables show the same rows
    for (provider, model), (n, fallbacks) in want["providers"].items():
        assert re.search(rf"^\s*{provider}\s+{re.escape(model)}\s+{n}\s+[\d.]+%\s+{fallbacks}\s*$", p.stdout, re.M), p.stdout
    assert re.search(rf"^\s*all\s+(\d+\s+){{6}}{want['questions']}\s*$", p.stdout, re.M), p.stdout
    assert f"wrote {out / 'report.html'}" in p.stdout


async def test_report_json_shape_and_empty_bank(conn: asyncpg.Connection, db_dsn: str, tmp_path: Path) -> None:
    empty = await qgen("report", "--json", "--out", str(tmp_path / "empty"), dsn=db_dsn, cwd=tmp_path)
    assert empty.returncode == 0, empty.stderr
    doc = json.loads(empty.stdout)
    assert doc["totals"]["questions"] == 0 and doc["coverage"] == [] and doc["totals"]["cost_usd"] is None
    for chart in report_render.CHARTS:  # an empty bank still gets every chart, saying "none recorded"
        assert (tmp_path / "empty" / f"{chart}.png").read_bytes().startswith(PNG_MAGIC)

    await build_demo_bank(conn)
    p = await qgen("--json", "report", dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert set(doc) == {"generated_at", "totals", "coverage", "providers", "fallbacks", "refusals", "tokens",
                        "per_question", "pod", "filters", "files"}
    pod = doc["pod"]  # RunPod's measured throughput, priced by the pod-hour
    assert pod["calls"] == await conn.fetchval(
        "select count(*) from provider_calls where provider like 'runpod%' and outcome = 'ok'")
    if pod["output_tokens"] and pod["busy_s"]:
        assert pod["output_tokens_per_second"] == pytest.approx(pod["output_tokens"] / pod["busy_s"])
        assert pod["usd"] == pytest.approx(pod["usd_per_hour"] * pod["busy_s"] / 3600)
    assert doc["files"] == {}
    assert doc["filters"] == {"since": None, "until": None, "subject": None, "user": None}
    assert sum(c["questions"] for c in doc["coverage"]) == doc["totals"]["questions"] == await conn.fetchval(
        "select count(*) from questions")
    assert set(doc["coverage"][0]) == {"subject", "topic", "difficulty", "question_type", "questions"}
    assert set(doc["providers"][0]) == {"provider", "model", "questions", "fallbacks", "share"}
    assert set(doc["refusals"][0]) >= {"group", "candidates", "stored", "duplicates", "variants", "disputed",
                                       "duplicate_rate", "variant_rate", "dispute_rate", "refused"}
    allrow = next(x for x in doc["per_question"] if x["provider"] == "(all)")
    assert allrow["cost_complete"] is False  # the runpod calls had no price: the cost is a lower bound
    assert allrow["stored"] == await conn.fetchval("select count(*) from questions where provider <> 'import'")
    assert allrow["cost_usd"] == pytest.approx(float(await conn.fetchval("select sum(cost_usd) from provider_calls")))

    quiet = await qgen("report", "-q", "--out", str(tmp_path / "q"), dsn=db_dsn, cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout.strip() == str(tmp_path / "q" / "report.html"), quiet.stdout


# ---------------------------------------------------------------------------------------- filters
USER_A = uuid.UUID("00000000-0000-4000-8000-00000000000a")
USER_B = uuid.UUID("00000000-0000-4000-8000-00000000000b")


async def age_and_assign(conn: asyncpg.Connection, requests: dict[str, uuid.UUID]) -> None:
    """Mathematics is user A's, Physics user B's; everything about Chemistry happened ten days ago."""
    await conn.execute("update question_requests set requested_by = $2 where id = $1", requests["Mathematics"], USER_A)
    await conn.execute("update question_requests set requested_by = $2 where id = $1", requests["Physics"], USER_B)
    old = requests["Chemistry"]
    await conn.execute("update question_requests set created_at = now() - interval '10 days' where id = $1", old)
    for table in ("questions", "question_rejects", "question_disputes", "provider_calls"):
        await conn.execute(f"update {table} set created_at = now() - interval '10 days' where request_id = $1", old)


async def expected(conn: asyncpg.Connection, where_q: str, where_req: str) -> dict[str, Any]:
    """Totals and coverage counted here, independently of report.sql: ``where_q`` over questions q (its
    request r left-joined), ``where_req`` over a request r (rejects, disputes and calls go by their request)."""
    q_from = f"from questions q left join question_requests r on r.id = q.request_id where {where_q}"
    by_req = "join question_requests r on r.id = t.request_id where " + where_req
    return {
        "questions": await conn.fetchval(f"select count(*)::int {q_from}"),
        "refused": await conn.fetchval(f"select count(*)::int from question_rejects t {by_req}"),
        "disputed": await conn.fetchval(f"select count(*)::int from question_disputes t {by_req}"),
        "calls": await conn.fetchval(f"select count(*)::int from provider_calls t {by_req}"),
        "subjects": {r[0] for r in await conn.fetch(f"select distinct q.subject {q_from}")},
    }


def seen(doc: dict[str, Any]) -> dict[str, Any]:
    t = doc["totals"]
    return {"questions": t["questions"], "refused": t["refused"], "disputed": t["disputed"], "calls": t["calls"],
            "subjects": {c["subject"] for c in doc["coverage"]}}


async def test_report_filters_narrow_every_section(conn: asyncpg.Connection, db_dsn: str, tmp_path: Path) -> None:
    requests = await build_demo_bank(conn)
    await age_and_assign(conn, requests)
    cases = [
        (("--user", str(USER_A)), f"r.requested_by = '{USER_A}'", f"r.requested_by = '{USER_A}'"),
        (("--subject", "phys"), "lower(q.subject) like 'phys%'", "lower(r.subject) like 'phys%'"),
        (("--since", "7d"), "q.created_at >= now() - interval '7 days'", "r.subject <> 'Chemistry'"),
        (("--until", "7d"), "q.created_at < now() - interval '7 days'", "r.subject = 'Chemistry'"),
        (("--since", "30d", "--until", "7d", "--subject", "CHEM"), "q.subject = 'Chemistry'", "r.subject = 'Chemistry'"),
    ]
    docs = await asyncio.gather(*(qgen("--json", "report", *args, dsn=db_dsn, cwd=tmp_path) for args, _q, _r in cases))
    for (args, where_q, where_req), p in zip(cases, docs, strict=True):
        assert p.returncode == 0, (args, p.stderr)
        doc = json.loads(p.stdout)
        want = await expected(conn, where_q, where_req)
        assert seen(doc) == want, args
        assert 0 < want["questions"] < await conn.fetchval("select count(*) from questions"), args  # a real narrowing
        assert sum(x["calls"] for x in doc["tokens"]) == want["calls"], args
        assert sum(g["stored"] for g in doc["refusals"]) == want["questions"], args
    # the user filter leaves out imported questions (they belong to nobody)
    by_user = json.loads(docs[0].stdout)
    assert by_user["filters"]["user"] == str(USER_A) and by_user["totals"]["imported"] == 0
    assert {g["group"] for g in by_user["refusals"]} == {"Mathematics"}

    # the terminal, the HTML page and the charts say what they were filtered by
    out = tmp_path / "phys"
    p = await qgen("report", "--subject", "phys", "--out", str(out), dsn=db_dsn, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Filtered: subject phys…" in p.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<p id="filters">Filtered: subject phys…</p>' in page
    r = await report.build(conn, report.Filters.parse(subject="phys"))
    for name in report_render.CHARTS:
        fig = report_render.CHART_FUNCS[name](r)
        assert "subject phys…" in fig.axes[0].get_title(loc="left"), name


@pytest.mark.parametrize(("args", "needle"), [
    (("--user", "bob"), "qgen: --user 'bob': not a user id"),
    (("--since", "1d", "--until", "2d"), "qgen: --since '1d' is not before --until '2d'"),
    (("--until", "yesterday"), "qgen: --until 'yesterday': give a duration"),
    (("--since", "yesterday"), "qgen: --since 'yesterday': give a duration"),
])
async def test_report_filter_mistakes_are_one_line(args: tuple[str, ...], needle: str, db_dsn: str, tmp_path: Path) -> None:
    from .test_cli import assert_one_line_failure

    assert_one_line_failure(await qgen("report", *args, dsn=db_dsn, cwd=tmp_path), 1, needle)


# ---------------------------------------------------------------------------------------- chart layout
LONG = "Physical Chemistry and Thermodynamics of Electrochemical Cells"


def synthetic_report(subjects: list[str], refused: bool) -> report.Report:
    """A report built in memory: one stored question per subject, and duplicates only when ``refused``."""
    coverage = [{"subject": s, "topic": f"{s} topic with a long name as well", "difficulty": "easy",
                 "question_type": "mcq", "questions": 3} for s in subjects]
    rows = [{"grp": s, "kind": "stored", "reason": None, "n": 3} for s in subjects]
    if refused:
        rows += [{"grp": s, "kind": "refused", "reason": "near_duplicate", "n": 1} for s in subjects]
    totals = {"questions": 3 * len(subjects)}
    return report.Report(generated_at=report.datetime.now(report.UTC), totals=totals, coverage=coverage, providers=[],
                         fallbacks=[], refusals=report._refusal_rows(rows), tokens=[], per_question=[])


def label_boxes(fig: Any, axis: str) -> tuple[list[Any], Any]:
    """The drawn extents of ``axis``'s tick labels (non-empty ones), and the figure's."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    labels = (ax.get_yticklabels() if axis == "y" else ax.get_xticklabels())
    return [t.get_window_extent(renderer) for t in labels if t.get_text()], fig.bbox


def overlapping(boxes: list[Any]) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def inside(boxes: list[Any], frame: Any) -> bool:
    return all(b.x0 >= frame.x0 and b.y0 >= frame.y0 and b.x1 <= frame.x1 and b.y1 <= frame.y1 for b in boxes)


def test_refusals_axis_starts_at_zero_even_with_nothing_refused() -> None:
    none = report_render.chart_refusals(synthetic_report(["Mathematics", "Physics"], refused=False)).axes[0]
    low, high = none.get_xlim()
    assert low == 0 and high >= 10  # 0 to 10 %, never -0.04 to 0.04
    some = report_render.chart_refusals(synthetic_report(["Mathematics", "Physics"], refused=True)).axes[0]
    low, high = some.get_xlim()
    assert low == 0 and high > 25  # 1 of 4 candidates: 25 %, with room for its label


def test_long_subject_labels_neither_overlap_nor_leave_the_image() -> None:
    subjects = [LONG, LONG.replace("Physical", "Organic"), "Mathematics", LONG.replace("Chemistry", "Biology")]
    r = synthetic_report(subjects, refused=True)
    for name, axis in (("refusals", "y"), ("coverage", "y"), ("coverage", "x")):
        boxes, frame = label_boxes(report_render.CHART_FUNCS[name](r), axis)
        assert len(boxes) >= len(COMBOS_OR_SUBJECTS[axis](subjects)), name
        assert not overlapping(boxes), f"{name}: {axis} labels overlap"
        assert inside(boxes, frame), f"{name}: {axis} labels run off the image"
    # coverage labels wrap, and end in … only when cut: never a word broken off silently
    ax = report_render.chart_coverage(r).axes[0]
    for label, subject in zip(ax.get_yticklabels(), subjects, strict=True):
        text = label.get_text()
        assert text.replace("\n", " ").startswith(subject[:20]) and ("…" in text or text.endswith("as well"))

    # the checks can fail: the old layout (vertical bars, labels side by side) overlaps
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.bar(range(len(subjects)), [1] * len(subjects))
    ax.set_xticks(range(len(subjects)), subjects)
    boxes, frame = label_boxes(fig, "x")
    assert overlapping(boxes) or not inside(boxes, frame)


COMBOS_OR_SUBJECTS = {"y": lambda subjects: subjects, "x": lambda _subjects: report.COMBOS}
