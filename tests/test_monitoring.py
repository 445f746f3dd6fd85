"""The example alert rules (deploy/prometheus/alerts.yml) and Grafana dashboard (deploy/grafana/qgen.json) name
only series a worker exports, with label names those series carry. promtool is not on the package registries
this project installs from, so the rules are checked by parsing: YAML structure, then every PromQL expression's
metric names and label matchers against a worker's own /metrics exposition (prometheus_client's parser)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from service.bank import Candidate, Verdict
from service.concurrency import AdaptiveLimiter, LimitPolicy
from service.managed import CallRecord
from service.metrics import WorkerMetrics
from service.prices import parse_prices
from service.resilience import CircuitBreaker

ROOT = Path(__file__).resolve().parent.parent
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "qgen.json"
# Series Prometheus writes itself for every target (not the worker's): `up`, with the target labels.
SCRAPE_SERIES = {"up": frozenset()}
TARGET_LABELS = frozenset({"job", "instance"})

KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                      "bool", "offset", "inf", "nan"})
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*\"")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_RANGE = re.compile(r"\[[^\]]*\]")
_IDENT = re.compile(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")
_AGGREGATION = re.compile(r"\b(sum|min|max|avg|count|stddev|stdvar|topk|bottomk|quantile)\b\s*(\bby\b|\(|\bwithout\b)")


def exported() -> dict[str, frozenset[str]]:
    """Every series name a worker exports, with its label names: a ``WorkerMetrics`` fed one of everything,
    rendered as /metrics is, and parsed back."""
    m = WorkerMetrics(prices=parse_prices('{"gemini": [0.3, 2.5]}'))
    m.on_call(CallRecord("gemini", "gemini", "g", "generate", "ok", 1.0, prompt_tokens=10, completion_tokens=5))
    cand = Candidate(None, None, "gemini", "g", "runpod server 500", None, verification="verified")  # type: ignore[arg-type]
    m.round_stored([Verdict(cand, True, None, None, None, None), Verdict(cand, False, None, "near_duplicate", None, None)])
    m.refresh_breakers({"runpod": CircuitBreaker(1, 30)}, 0.0)
    m.refresh_limits({"runpod": AdaptiveLimiter(LimitPolicy(ceiling=256))})
    m.verifier_windows({"gemini": (1, 20)})
    out: dict[str, set[str]] = {}
    families = list(text_string_to_metric_families(m.render().decode()))
    for family in families:
        assert family.samples, f"{family.name} has no sample: feed it above so its labels are known"
        for s in family.samples:
            out.setdefault(s.name, set()).update(s.labels)
    return {name: frozenset(labels) for name, labels in out.items()}


def problems(expr: str, series: dict[str, frozenset[str]]) -> list[str]:
    """What in ``expr`` is not exported: unknown metric names, and matchers on labels a series lacks."""
    found: list[str] = []
    for m in _SELECTOR.finditer(_STRING.sub('""', expr)):  # values emptied: a '}' inside one cannot end a selector
        name, labels = m.group(1), set(_MATCHER.findall(m.group(2)))
        if name and name in series:
            extra = labels - series[name] - TARGET_LABELS
            if extra:
                found.append(f"{name} has no label {sorted(extra)}")
    found += [f"unknown series {name}" for name in sorted(metric_names(expr)) if name not in series]
    return found


def metric_names(expr: str) -> set[str]:
    """The series names in ``expr``: identifiers left once strings, matchers, ranges and groupings are gone,
    other than functions and aggregations (followed by a parenthesis) and keywords."""
    text = _GROUPING.sub(" ", _RANGE.sub(" ", re.sub(r"\{[^}]*\}", " ", _STRING.sub(" ", expr))))
    return {m.group(1) for m in _IDENT.finditer(text) if not m.group(2) and m.group(1).lower() not in KEYWORDS}


def test_the_checker_catches_what_it_should() -> None:
    series = {**exported(), **SCRAPE_SERIES}
    ok = 'sum by (provider) (rate(qgen_provider_call_duration_seconds_count{outcome!="ok", provider=~"run.*"}[5m]))'
    assert problems(ok, series) == []
    assert metric_names(ok) == {"qgen_provider_call_duration_seconds_count"}
    assert problems("rate(qgen_jobs_claimed[5m])", series) == ["unknown series qgen_jobs_claimed"]  # _total missing
    assert problems('qgen_queued_jobs{provider="x"} > 0', series) == ["qgen_queued_jobs has no label ['provider']"]
    assert problems('up{job="qgen"} == 0', series) == []
    assert problems("histogram_quantile(0.95, sum by (le) (rate(qgen_embedding_duration_seconds_bucket[$__rate_interval])))",
                    series) == []


def _rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and set(doc) == {"groups"}
    rules = [r for g in doc["groups"] for r in g["rules"]]
    assert all(g["name"] and g["rules"] for g in doc["groups"])
    return rules


def test_alert_rules_name_only_exported_series() -> None:
    series = {**exported(), **SCRAPE_SERIES}
    rules = _rules()
    assert len(rules) >= 5
    names = [r["alert"] for r in rules]
    assert len(set(names)) == len(names), "alert names repeat"
    used: set[str] = set()
    for r in rules:
        assert set(r) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}, r["alert"]
        assert re.fullmatch(r"Qgen[A-Za-z]+", r["alert"])
        assert r["labels"]["severity"] in {"page", "ticket"}, r["alert"]
        assert r["annotations"]["summary"], r["alert"]
        if "for" in r:
            assert re.fullmatch(r"\d+[smh]", r["for"]), r["alert"]
        assert problems(r["expr"], series) == [], r["alert"]
        used |= metric_names(r["expr"])
        # a label an annotation names must survive the expression's aggregation
        referenced = set(re.findall(r"\$labels\.([a-zA-Z_]+)", json.dumps(r["annotations"])))
        if _AGGREGATION.search(r["expr"]):
            kept = {x.strip() for m in _GROUPING.finditer(r["expr"]) if m.group(1) == "by" for x in m.group(2).split(",")}
            assert referenced <= kept, (r["alert"], referenced - kept)
    # the alerts an operator most needs are there
    for needed in ("qgen_oldest_queued_job_age_seconds", "qgen_breaker_state", "qgen_cost_usd_total",
                   "qgen_jobs_failed_total", "up"):
        assert needed in used, needed


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed (not on PyPI or npm)")
def test_alert_rules_pass_promtool() -> None:
    run = subprocess.run(["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_dashboard_queries_name_only_exported_series() -> None:
    series = {**exported(), **SCRAPE_SERIES}
    dash = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dash["uid"] and dash["title"] and isinstance(dash["schemaVersion"], int)
    assert [i["name"] for i in dash["__inputs"]] == ["DS_PROMETHEUS"]
    panels = [p for p in dash["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in dash["panels"]}) == len(dash["panels"]), "panel ids repeat"
    used: set[str] = set()
    for p in panels:
        assert p["datasource"]["uid"] == "${DS_PROMETHEUS}", p["title"]
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert problems(t["expr"], series) == [], (p["title"], t["expr"])
            used |= metric_names(t["expr"])
    # every metric the worker exports is on the dashboard (a histogram through any of its series)
    def family(name: str) -> str:
        base = re.sub(r"_(bucket|count|sum)$", "", name)
        return base if base + "_bucket" in series else name

    assert {family(n) for n in series} - {family(n) for n in used} == set()
