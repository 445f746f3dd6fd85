"""``qgen report``'s output: a ``Report`` as terminal tables, PNG charts and one HTML page.

``tables()`` renders it for the terminal, ``write()`` writes ``coverage.png``, ``providers.png``, ``fallbacks.png``,
``refusals.png``, ``tokens.png`` and a self-contained ``report.html`` (the charts embedded as base64,
no external assets). The HTML tables carry the same numbers as the terminal and ``--json`` output.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .report import COMBOS, Report
from .terminal import fit

CHARTS = ("coverage", "providers", "fallbacks", "refusals", "tokens")
MAX_HEATMAP_ROWS = 60


# ---------------------------------------------------------------------------------------- text
def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}%"


def _usd(x: Any, digits: int = 4, complete: bool = True) -> str:
    """A cost; ``≥`` marks a lower bound (some of its calls had no price)."""
    if x is None:
        return "no price configured"
    return f"{'' if complete else '≥ '}${float(x):,.{digits}f}"


def _num(x: Any) -> str:
    return "" if x is None else (f"{x:,}" if isinstance(x, int) else f"{float(x):,.1f}")


def sections(r: Report) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """The report as (key, title, headers, rows of strings): the single source of the terminal and HTML tables."""
    t = r.totals
    cov_rows = [[s, tp, *(str(n) for n in counts), str(total)] for s, tp, counts, total in r.coverage_pivot()]
    if cov_rows:
        col_totals = [sum(int(row[2 + i]) for row in cov_rows) for i in range(len(COMBOS) + 1)]
        cov_rows.append(["all", "", *(str(n) for n in col_totals)])
    return [
        ("totals", "Totals", ["questions", "generated", "imported", "requests", "refused", "disputed", "fallbacks",
                              "provider calls", "estimated cost"],
         [[_num(t["questions"]), _num(t["generated"]), _num(t["imported"]), _num(t["requests"]), _num(t["refused"]),
           _num(t["disputed"]), _num(t["fallbacks"]), _num(t["calls"]),
           _usd(t["cost_usd"], complete=t["priced_calls"] == t["calls"])]]),
        ("coverage", "Coverage (stored questions by subject, topic, difficulty and type)",
         ["subject", "topic", *(f"{d}\n{ty}" for d, ty in COMBOS), "total"], cov_rows),
        ("providers", "Provider mix", ["provider", "model", "questions", "share", "via fallback"],
         [[p["provider"], p["model"], _num(p["questions"]), _pct(p["share"]), _num(p["fallbacks"])] for p in r.providers]),
        ("fallbacks", "Fallback reasons", ["reason", "provider", "questions"],
         [[f["reason"], f["provider"], _num(f["questions"])] for f in r.fallbacks]),
        ("refusals", "Duplicates, variants and disputes (share of candidates)",
         ["group", "candidates", "stored", "duplicates", "variants", "disputed", "duplicate\nrate", "variant\nrate",
          "dispute\nrate", "refused by reason"],
         [[g["group"], _num(g["candidates"]), _num(g["stored"]), _num(g["duplicates"]), _num(g["variants"]),
           _num(g["disputed"]), _pct(g["duplicate_rate"]), _pct(g["variant_rate"]), _pct(g["dispute_rate"]),
           ", ".join(f"{k} {v}" for k, v in g["refused"].items())] for g in r.refusals]),
        ("tokens", "Provider calls and tokens", ["provider", "purpose", "calls", "failed", "prompt\ntokens",
                                                 "completion\ntokens", "estimated cost"],
         [[x["provider"], x["purpose"], _num(x["calls"]), _num(x["failed_calls"]), _num(x["prompt_tokens"]),
           _num(x["completion_tokens"]), _usd(x["cost_usd"], complete=x["priced_calls"] == x["calls"])]
          for x in r.tokens]),
        ("per_question", "Tokens and cost per stored question", ["provider", "purpose", "stored", "tokens",
                                                                  "tokens /\nquestion", "cost /\nquestion"],
         [[x["provider"], x["purpose"], _num(x["stored"]), _num(x["tokens"]), _num(x["tokens_per_question"]),
           _usd(x["cost_per_question_usd"], 6, x["cost_complete"])] for x in r.per_question]),
    ]


DROP_WHEN_NARROW = {"totals": ["provider calls", "imported", "generated"], "refusals": ["refused by reason", "candidates"],
                    "tokens": ["failed"], "per_question": ["tokens", "purpose"]}


def tables(r: Report, width: int = 120) -> list[Any]:
    """Rich tables, one per section, fitted to ``width`` (an empty section says so in its caption)."""
    text = {"subject": 16, "provider": 24, "model": 32, "reason": 48, "group": 16, "purpose": 10}
    out = []
    for key, title, headers, rows in sections(r):
        cols: list[tuple[str, dict[str, Any]]] = []
        for h in headers:
            if h == "refused by reason":
                cols.append((h, {"min_width": 24, "overflow": "fold"}))
            elif h == "topic":  # may wrap: coverage is the point of the report, every count column stays
                cols.append((h, {"max_width": 30}))
            elif h in text:
                cols.append((h, {"no_wrap": True, "max_width": text[h], "overflow": "ellipsis"}))
            else:
                cols.append((h, {"justify": "right", "no_wrap": True}))
        out.append(fit(width, title, cols, rows, drop=DROP_WHEN_NARROW.get(key, ()),
                       caption=None if rows else "none recorded"))
    return out


# ---------------------------------------------------------------------------------------- charts
def _figure(width: float, height: float) -> Any:
    # matplotlib logs its first-run font cache build at INFO: not news for whoever reads the report
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    from matplotlib.figure import Figure  # the Agg canvas, no pyplot global state
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # constrained layout with room at the edges: tick labels and titles end inside the image, not on its border
    return Figure(figsize=(width, height), dpi=110, layout=ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.12))


def _title(ax: Any, r: Report, text: str) -> None:
    """The chart's title, and under it the filters it was drawn with (if any)."""
    ax.set_title(text + (f"\n{r.filters.describe()}" if r.filters.describe() else ""), loc="left", fontsize=11)


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """``text`` on at most ``lines`` lines of ``width`` characters, the last ending in … when cut (tick labels
    that neither overlap their neighbours nor run off the figure)."""
    out = textwrap.wrap(text, width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return "\n".join(out)


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} recorded", ha="center", va="center", fontsize=12, color="#666666")
    ax.set_axis_off()


def chart_coverage(r: Report) -> Any:
    pivot = r.coverage_pivot()
    shown = pivot[:MAX_HEATMAP_ROWS]
    fig = _figure(9, max(2.5, 1.8 + 0.46 * len(shown)))  # a row holds a two-line label
    ax = fig.add_subplot()
    if not shown:
        _empty(ax, "questions")
        return fig
    import numpy as np

    data = np.array([counts for _s, _t, counts, _n in shown], dtype=float)
    ax.imshow(data, aspect="auto", cmap="Blues", vmin=0, vmax=max(float(data.max()), 1.0))
    ax.set_xticks(range(len(COMBOS)), [f"{d}\n{t}" for d, t in COMBOS])
    ax.set_yticks(range(len(shown)), [_wrap(f"{s} / {t}", 34) for s, t, _c, _n in shown], fontsize=9)
    ax.xaxis.tick_top()
    top = float(data.max()) or 1.0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = int(data[i, j])
            ax.text(j, i, str(v), ha="center", va="center", fontsize=9,
                    color="white" if v > top * 0.6 else ("#b00020" if v == 0 else "black"))
    more = f" (first {MAX_HEATMAP_ROWS} of {len(pivot)} topics)" if len(pivot) > len(shown) else ""
    _title(ax, r, f"Coverage: {r.totals['questions']:,} stored questions{more}; 0 = a gap")
    return fig


def chart_providers(r: Report) -> Any:
    fig = _figure(8, max(2.5, 1.4 + 0.45 * len(r.providers)))
    ax = fig.add_subplot()
    if not r.providers:
        _empty(ax, "questions")
        return fig
    labels = [f"{p['provider']}\n{p['model']}"[:60] for p in r.providers][::-1]
    routed = [p["questions"] - p["fallbacks"] for p in r.providers][::-1]
    fallback = [p["fallbacks"] for p in r.providers][::-1]
    ax.barh(labels, routed, color="#4c72b0", label="routed")
    ax.barh(labels, fallback, left=routed, color="#dd8452", label="via fallback")
    for i, (a, b) in enumerate(zip(routed, fallback, strict=True)):
        ax.text(a + b, i, f" {a + b:,}", va="center", fontsize=9)
    ax.set_xlim(0, max(a + b for a, b in zip(routed, fallback, strict=True)) * 1.12)
    ax.set_xlabel("stored questions")
    ax.legend(loc="lower right", fontsize=8)
    _title(ax, r, "Provider mix")
    return fig


def chart_fallbacks(r: Report) -> Any:
    by: dict[str, int] = {}
    for f in r.fallbacks:
        by[f["reason"]] = by.get(f["reason"], 0) + f["questions"]
    fig = _figure(8, max(2.5, 1.4 + 0.4 * len(by)))
    ax = fig.add_subplot()
    if not by:
        _empty(ax, "fallbacks")
        return fig
    items = sorted(by.items(), key=lambda kv: kv[1])
    ax.barh([k[:50] for k, _ in items], [v for _, v in items], color="#dd8452")
    for i, (_k, v) in enumerate(items):
        ax.text(v, i, f" {v:,}", va="center", fontsize=9)
    ax.set_xlim(0, max(v for _, v in items) * 1.12)
    ax.set_xlabel("questions stored through a fallback")
    _title(ax, r, "Fallback reasons")
    return fig


def chart_refusals(r: Report) -> Any:
    # Horizontal bars: a group's name (a subject, however long) sits on its own row, never over its neighbour's.
    groups = [g for g in r.refusals if g["candidates"]]
    fig = _figure(8, max(2.8, 1.7 + 0.7 * len(groups)))
    ax = fig.add_subplot()
    if not groups:
        _empty(ax, "candidates")
        return fig
    import numpy as np
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    y = np.arange(len(groups))
    h = 0.26
    top = 0.0
    for k, (key, label, color) in enumerate([("duplicate_rate", "duplicates", "#c44e52"),
                                             ("variant_rate", "variants", "#8172b2"),
                                             ("dispute_rate", "disputed", "#937860")]):
        vals = [100 * (g[key] or 0) for g in groups]
        top = max(top, *vals)
        bars = ax.barh(y + (k - 1) * h, vals, h, label=label, color=color)
        ax.bar_label(bars, fmt="%.0f%%", fontsize=8, padding=2)
    ax.set_yticks(y, [f"{_wrap(g['group'], 24)}\n({g['candidates']:,} candidate{'s' if g['candidates'] != 1 else ''})"
                      for g in groups], fontsize=9)
    ax.invert_yaxis()  # the first group on top
    # Rates are never negative; with none at all the axis still reads 0 to 10 %, not ±0.04.
    ax.set_xlim(0, max(top * 1.2, 10))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))  # whole percentages: 0, 5, 10, …
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("share of candidates")
    fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    _title(ax, r, "Refused as duplicates or variants, and disputed")
    return fig


def chart_tokens(r: Report) -> Any:
    rows = [x for x in r.per_question if x["tokens_per_question"] is not None]
    fig = _figure(8, max(2.5, 1.4 + 0.45 * len(rows)))
    ax = fig.add_subplot()
    if not rows:
        _empty(ax, "provider calls")
        return fig
    rows = rows[::-1]
    labels = [{"verify": "verification", "all": "all (generation\n+ verification)"}.get(x["purpose"], x["provider"])
              for x in rows]
    vals = [x["tokens_per_question"] for x in rows]
    ax.barh(labels, vals, color=["#55a868" if x["purpose"] == "all" else "#4c72b0" for x in rows])
    for i, x in enumerate(rows):
        cost = "" if x["cost_per_question_usd"] is None else "  " + _usd(x["cost_per_question_usd"], 5, x["cost_complete"])
        ax.text(x["tokens_per_question"], i, f" {x['tokens_per_question']:,.0f}{cost}", va="center", fontsize=9)
    ax.set_xlim(0, max(max(vals) * 1.3, 1))  # room for the labels; an axis even when every value is 0
    ax.set_xlabel("tokens per stored question (failed calls included)")
    _title(ax, r, "Tokens (and estimated cost) per stored question")
    return fig


CHART_FUNCS: dict[str, Callable[[Report], Any]] = {
    "coverage": chart_coverage, "providers": chart_providers, "fallbacks": chart_fallbacks,
    "refusals": chart_refusals, "tokens": chart_tokens,
}


def png_bytes(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# ---------------------------------------------------------------------------------------- files
def html_page(r: Report, images: dict[str, bytes]) -> str:
    """One self-contained page: every section's chart (base64 PNG) above its table; no external assets."""
    chart_for = {"coverage": "coverage", "providers": "providers", "fallbacks": "fallbacks", "refusals": "refusals",
                 "per_question": "tokens"}
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>qgen report</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 2em}th,td{border:1px solid #ccc;padding:.25em .6em;"
        "text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}"
        "img{max-width:100%;height:auto}p.empty{color:#666}</style>",
        "</head>", "<body>", "<h1>qgen question bank report</h1>",
        f"<p>Generated {html.escape(r.generated_at.isoformat())} from the database.</p>",
    ]
    if r.filters.describe():
        parts.append(f'<p id="filters">Filtered: {html.escape(r.filters.describe())}</p>')
    for key, title, headers, rows in sections(r):
        parts.append(f'<section id="{key}">')
        parts.append(f"<h2>{html.escape(title)}</h2>")
        chart = chart_for.get(key)
        if chart and chart in images:
            data = base64.b64encode(images[chart]).decode("ascii")
            parts.append(f'<img alt="{html.escape(title)} chart" src="data:image/png;base64,{data}">')
        if not rows:
            parts.append('<p class="empty">none recorded</p>')
        parts.append(f'<table id="{key}-table">')
        parts.append("<thead><tr>" + "".join(f"<th>{html.escape(' '.join(h.split()))}</th>" for h in headers)
                     + "</tr></thead>")
        parts.append("<tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(
                f'<td class="n">{html.escape(v)}</td>' if _looks_numeric(v) else f"<td>{html.escape(v)}</td>" for v in row
            ) + "</tr>")
        parts.append("</tbody></table></section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _looks_numeric(v: str) -> bool:
    return bool(v) and v.removeprefix("≥ ").replace(",", "").replace(".", "").replace("%", "").replace("$", "").isdigit()


def write(r: Report, out_dir: Path, *, on_step: Callable[[str], None] = lambda _s: None) -> dict[str, Path]:
    """Write the PNG charts and ``report.html`` into ``out_dir`` (created if missing); their paths by name.

    ``on_step(name)`` is called after each file (for a progress bar: ``len(CHARTS) + 1`` steps).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    images: dict[str, bytes] = {}
    paths: dict[str, Path] = {}
    for name in CHARTS:
        images[name] = png_bytes(CHART_FUNCS[name](r))
        path = out_dir / f"{name}.png"
        path.write_bytes(images[name])
        paths[name] = path
        on_step(name)
    page = out_dir / "report.html"
    page.write_text(html_page(r, images), encoding="utf-8")
    paths["html"] = page
    on_step("html")
    r.files = {k: str(v) for k, v in paths.items()}
    return paths
