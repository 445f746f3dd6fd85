"""The terminal side of the CLI (Rich): where output goes, tables, the wait progress bar, spinners.

Results go to stdout; failures are one line on stderr (``cli.main``). Live displays (bars, spinners) are
drawn only when stdout is a terminal and neither ``--json`` nor ``--quiet`` was asked for; piped output
gets plain lines instead, and ``--json`` exactly one JSON document. Every value from the database is
rendered as ``Text`` (never as Rich markup), so a topic like ``[bold]`` prints as typed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .watch import Snapshot

PIPE_WIDTH = 120  # tables written to a pipe or file: wide enough for a topic, unless COLUMNS says otherwise
STATUS_STYLE = {"queued": "yellow", "running": "cyan", "succeeded": "green", "partial": "magenta", "failed": "red",
                "rejected": "red", "cancelled": "dim", "done": "green"}


class Output:
    """One command's output mode: ``json`` (one JSON document), ``quiet`` (ids/paths only), or people."""

    def __init__(self, *, json_mode: bool = False, quiet: bool = False, out: Console | None = None,
                 err: Console | None = None) -> None:
        self.json = json_mode
        self.quiet = quiet
        self.out = out or _console(stderr=False)
        self.err = err or _console(stderr=True)

    @property
    def people(self) -> bool:
        """Neither ``--json`` nor ``--quiet``: tables and sentences."""
        return not (self.json or self.quiet)

    @property
    def live(self) -> bool:
        """Draw live displays (bars, spinners): a person at a terminal."""
        return self.people and self.out.is_terminal and not self.out.is_dumb_terminal

    def print(self, *items: RenderableType) -> None:
        """For people only (not with --json or --quiet)."""
        if self.people:
            self.out.print(*items)

    def line(self, text: str) -> None:
        """A plain line for people, printed as is (no markup, no highlighting)."""
        if self.people:
            self.out.print(Text(text), highlight=False, soft_wrap=True)

    def essential(self, text: str) -> None:
        """What ``--quiet`` keeps (an id, a path); nothing with --json."""
        if not self.json:
            self.out.print(Text(text), highlight=False, soft_wrap=True)

    def emit_json(self, obj: Any) -> None:
        """The one JSON document of ``--json`` (plain print: no wrapping, no colour)."""
        if self.json:
            print(json.dumps(obj, indent=2, ensure_ascii=False))

    def notice(self, text: str) -> None:
        """Something a waiting person must know: in the output stream for people, on stderr otherwise."""
        if self.people:
            self.out.print(Text(text, style="bold yellow"), highlight=False)
        else:
            self.err.print(Text(f"qgen: {text}"), highlight=False, soft_wrap=True)

    @contextlib.contextmanager
    def spinner(self, message: str) -> Iterator[None]:
        """A spinner while a long step runs (a terminal only; silent elsewhere)."""
        if not self.live:
            yield
            return
        with self.out.status(Text(message), spinner="dots"):
            yield

    @contextlib.contextmanager
    def bar(self, description: str, total: int) -> Iterator[Callable[..., None]]:
        """A progress bar (a terminal only); yields ``advance_to(completed, total=None)``."""
        if not self.live or total <= 0:
            yield lambda _n, total=None: None
            return
        with _progress(self.out) as p:
            task = p.add_task(description, total=total, status="")

            def advance_to(n: int, total: int | None = None) -> None:
                p.update(task, completed=n, total=total)  # total None: unchanged

            yield advance_to


def _console(*, stderr: bool) -> Console:
    con = Console(stderr=stderr)
    if not con.is_terminal and not os.environ.get("COLUMNS"):
        con = Console(stderr=stderr, width=PIPE_WIDTH)
    return con


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
    )


class WaitView:
    """``enqueue --wait`` progress: a live bar on a terminal, one line per change when piped, nothing for scripts."""

    def __init__(self, output: Output, label: str, total: int) -> None:
        self.output = output
        self.label = label
        self.total = total
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self.completed = 0
        self.status = "queued"

    def __enter__(self) -> WaitView:
        if self.output.live:
            self._progress = _progress(self.output.out)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total, status="queued")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, s: Snapshot) -> None:
        """Show a new snapshot (called on every change the watcher reports)."""
        self.completed, self.status, self.total = s.produced, s.status, s.count or self.total
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=s.produced, total=self.total, status=s.status)
        else:
            self.output.line(f"  {s.status}: {s.produced}/{s.count}")

    def notice(self, text: str) -> None:
        """A one-off message above the bar (or a line when piped; stderr for scripts)."""
        if self._progress is not None:
            self._progress.console.print(Text(text, style="bold yellow"), highlight=False)
        else:
            self.output.notice(text)


# ---------------------------------------------------------------------------------------- renderers
def cell(value: Any, style: str = "") -> Text:
    """A table cell from any value: None is blank, numbers get thousands separators, text is literal."""
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text("yes" if value else "no", style=style)
    if isinstance(value, int):
        return Text(f"{value:,}", style=style)
    if isinstance(value, float):
        return Text(f"{value:,.2f}", style=style)
    return Text(" ".join(str(value).split()), style=style)


def status_cell(status: str | None, batch_state: str | None = None) -> Text:
    """The status in its colour; a batch request's batch state after it ('running · batch pending')."""
    cell = Text(status or "", style=STATUS_STYLE.get(status or "", ""))
    if batch_state:
        cell.append(f" · batch {batch_state}", style="dim")
    return cell


def when(value: str | None) -> str:
    """An ISO timestamp as local ``MM-DD HH:MM:SS`` (blank for None)."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone().strftime("%m-%d %H:%M:%S")


def output_for(args: Any) -> Output:
    """The ``Output`` a parsed command line asks for with ``--json`` / ``--quiet``."""
    return Output(json_mode=bool(getattr(args, "json", False)), quiet=bool(getattr(args, "quiet", False)))


def counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def table(title: str | None, columns: list[tuple[str, dict[str, Any]]], rows: list[list[Any]], *,
          caption: str | None = None) -> Table:
    """A Rich table with ``columns`` = [(header, Column kwargs)] and rows of values or Text."""
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption=caption, caption_justify="left",
              show_edge=False, pad_edge=False)
    for header, kw in columns:
        t.add_column(header, **kw)
    for row in rows:
        t.add_row(*(v if isinstance(v, Text) else cell(v) for v in row))
    return t


def fit(width: int, title: str | None, columns: list[tuple[str, dict[str, Any]]], rows: list[list[Any]], *,
        drop: Sequence[str] = (), caption: str | None = None) -> Table:
    """``table()`` without as many of the ``drop`` columns (in that order) as it takes to fit ``width``.

    Rich squeezes a table that is too wide until whole columns vanish (status and counts first, as likely
    as any); leaving out the least useful ones keeps the rest readable on an 80-column terminal.
    """
    gone: set[str] = set()
    pending = [d for d in drop if any(h == d for h, _ in columns)]
    while True:
        keep = [i for i, (h, _) in enumerate(columns) if h not in gone]
        cols = [columns[i] for i in keep]
        body = [[row[i] for i in keep] for row in rows]
        if not pending or _natural_width(cols, body) <= width:
            return table(title, cols, body, caption=caption)
        gone.add(pending.pop(0))


def _natural_width(columns: list[tuple[str, dict[str, Any]]], rows: list[list[Any]]) -> int:
    """The width ``table()`` needs without squeezing: each column's widest cell (up to its max_width)."""
    total = 0
    for i, (header, kw) in enumerate(columns):
        widest = max([len(line) for line in header.split("\n")] + [cell_text(r[i]).cell_len for r in rows])
        total += min(widest, kw.get("max_width") or widest)
    return total + 3 * max(len(columns) - 1, 0)  # between columns: padding 1 + divider 1 + padding 1


def cell_text(value: Any) -> Text:
    return value if isinstance(value, Text) else cell(value)


def requests_table(requests: list[dict[str, Any]], title: str, width: int) -> Table:
    rows = [
        [r["short_id"], when(r["created_at"]), status_cell(r["status"], r.get("batch_state")),
         f"{r['produced']}/{r['count'] or 0}",
         r["subject"], r["topic"], f"{r['difficulty'] or ''} {r['question_type'] or ''}".strip(),
         counts_line(r["jobs"]) if r["jobs"] else "", r["error"]]
        for r in requests
    ]
    text = {"no_wrap": True, "overflow": "ellipsis"}
    return fit(width, title, [
        ("id", {"no_wrap": True}), ("created", {"no_wrap": True}), ("status", {"no_wrap": True}),
        ("stored", {"justify": "right", "no_wrap": True}), ("subject", {**text, "max_width": 14}),
        ("topic", {**text, "max_width": 30}), ("level", {"no_wrap": True}), ("jobs", {"no_wrap": True}),
        ("error", {**text, "max_width": max(20, width - 100)}),
    ], rows, drop=["error", "jobs", "level", "created", "subject"])


def jobs_table(jobs: list[dict[str, Any]], title: str, width: int, *, with_request: bool = True) -> Table:
    rows = []
    for j in jobs:
        if j["status"] == "running":
            note = f"lease until {when(j['lease_expires_at'])}"
        elif j["status"] == "queued":
            note = f"due {when(j['run_after'])}"
        else:
            note = when(j["finished_at"])
        rows.append([
            j["id"], j["request_id"][:8], f"{j['slot_start']}-{j['slot_start'] + j['slot_count'] - 1}",
            status_cell(j["status"]), f"{j['produced']}/{j['slot_count']}", f"{j['attempts']}/{j['max_attempts']}",
            j["worker"], note, j["last_error"],
        ])
    text = {"no_wrap": True, "overflow": "ellipsis"}
    columns: list[tuple[str, dict[str, Any]]] = [
        ("job", {"justify": "right", "no_wrap": True}), ("request", {"no_wrap": True}), ("slots", {"no_wrap": True}),
        ("status", {"no_wrap": True}), ("stored", {"justify": "right", "no_wrap": True}),
        ("attempts", {"justify": "right", "no_wrap": True}), ("worker", {**text, "max_width": 28}),
        ("when", {"no_wrap": True}), ("last error", {**text, "max_width": max(20, width - 90)}),
    ]
    if not with_request:  # one request's own jobs
        columns.pop(1)
        rows = [[r[0], *r[2:]] for r in rows]
    return fit(width, title, columns, rows, drop=["last error", "worker", "when", "attempts", "request"])


def questions_table(questions: list[dict[str, Any]], title: str, width: int) -> Table:
    rows = [[x["slot"], x["provider"], x["fallback_reason"], x["verification"], x["question_text"]] for x in questions]
    return fit(width, title, [
        ("slot", {"justify": "right", "no_wrap": True}), ("provider", {"no_wrap": True}),
        ("fallback", {"no_wrap": True, "overflow": "ellipsis", "max_width": 24}), ("verification", {"no_wrap": True}),
        ("question", {"no_wrap": True, "overflow": "ellipsis", "max_width": max(24, width - 56)}),
    ], rows, drop=["fallback", "verification"])


def summary_grid(s: dict[str, Any]) -> Group:
    """The end-of-request summary, one labelled line each: stored, refused, disputed, fallbacks, tokens, cost."""
    ref, dis, fb = s["refused"], s["disputed"], s["fallbacks"]
    by = ", ".join(f"{k} {v}" for k, v in ref["by_reason"].items())
    why = "; ".join(f"{k}: {v}" for k, v in fb["by_reason"].items())
    gen, ver = s["tokens"]["generation"], s["tokens"]["verification"]
    cost = s["cost_usd"]
    rows = [
        ("stored", f"{s['stored']} of {s['count'] if s['count'] is not None else '?'}"),
        ("refused", f"{ref['duplicates']} as duplicates, {ref['variants']} as variants" + (f" ({by})" if by else "")),
        ("disputed", f"{dis['total']}" + (f" ({dis['stored']} kept in the bank, marked)" if dis["stored"] else "")),
        ("fallbacks", f"{fb['total']}" + (f" ({why})" if why else "")),
        ("tokens", f"generation {gen['prompt']:,} prompt + {gen['completion']:,} completion; "
                   f"verification {ver['prompt']:,} + {ver['completion']:,}; of which {s['tokens']['cached']:,} "
                   f"cached, {s['tokens']['thinking']:,} thinking"),
        ("est. cost", "no price for these models (service/data/prices.toml, QGEN_PRICES)" if cost is None else
         f"${cost:,.4f}" + (f" (${s['cost_per_verified_usd']:,.5f} per verified question)"
                            if s["cost_per_verified_usd"] is not None else "")),
    ]
    return Group(*(Text.assemble((label.ljust(11), "bold"), value) for label, value in rows))
