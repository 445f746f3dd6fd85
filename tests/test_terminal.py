"""The terminal helpers: output modes (people, --json, --quiet), bars only on a terminal, tables that fit the
width by leaving out their least useful columns, and database text printed literally (never as Rich markup)."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from service.terminal import Output, fit, requests_table


def console(*, terminal: bool, width: int = 100) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=terminal, width=width, color_system=None), buf


@pytest.mark.parametrize(("json_mode", "quiet"), [(False, False), (True, False), (False, True)])
def test_each_mode_prints_only_its_own_kind_of_output(json_mode: bool, quiet: bool, capsys: pytest.CaptureFixture[str]) -> None:
    out_con, out = console(terminal=False)
    err_con, err = console(terminal=False)
    o = Output(json_mode=json_mode, quiet=quiet, out=out_con, err=err_con)
    o.line("a sentence for people")
    o.essential("6f1c6b1e-3c2d-4a5b-8c7d-0e1f2a3b4c5d")
    o.emit_json({"id": 1})
    o.notice("no worker has claimed this request")
    printed = out.getvalue()
    if json_mode:  # one JSON document on stdout, nothing else there; the notice goes to stderr
        assert printed == "" and json.loads(capsys.readouterr().out) == {"id": 1}
        assert err.getvalue() == "qgen: no worker has claimed this request\n"
    elif quiet:
        assert printed == "6f1c6b1e-3c2d-4a5b-8c7d-0e1f2a3b4c5d\n" and capsys.readouterr().out == ""
        assert err.getvalue() == "qgen: no worker has claimed this request\n"
    else:
        assert printed.splitlines() == ["a sentence for people", "6f1c6b1e-3c2d-4a5b-8c7d-0e1f2a3b4c5d",
                                        "no worker has claimed this request"]
        assert err.getvalue() == ""


def test_bars_and_spinners_only_on_a_terminal() -> None:
    for terminal in (True, False):
        con, buf = console(terminal=terminal)
        o = Output(out=con, err=console(terminal=False)[0])
        with o.spinner("loading embedding model"), o.bar("importing bank.jsonl", 300) as advance:
            advance(256)
            advance(300, 300)
        text = buf.getvalue()
        if terminal:
            assert "importing bank.jsonl" in text and "300/300" in text
        else:
            assert text == ""


def test_fit_leaves_out_the_least_useful_columns_first() -> None:
    cols = [("id", {"no_wrap": True}), ("status", {"no_wrap": True}), ("topic", {"no_wrap": True}),
            ("error", {"no_wrap": True})]
    rows = [["6f1c6b1e", "failed", "Rotational motion", "every provider failed: connect refused"]]
    wide = fit(200, None, cols, rows, drop=["error", "topic"])
    assert [c.header for c in wide.columns] == ["id", "status", "topic", "error"]
    narrow = fit(40, None, cols, rows, drop=["error", "topic"])
    assert [c.header for c in narrow.columns] == ["id", "status", "topic"]
    con, buf = console(terminal=False, width=40)
    con.print(narrow)
    assert "Rotational motion" in buf.getvalue() and "failed" in buf.getvalue()


def test_database_text_is_printed_as_typed_not_as_markup() -> None:
    req = {"short_id": "6f1c6b1e", "created_at": "2026-11-30T08:00:00+00:00", "status": "queued", "produced": 0,
           "count": 2, "subject": "[b]Phys[/b]", "topic": "[red]Optics", "difficulty": "easy",
           "question_type": "mcq", "jobs": {"queued": 1}, "error": None}
    con, buf = console(terminal=False, width=160)
    con.print(requests_table([req], "Requests", 160))
    assert "[b]Phys[/b]" in buf.getvalue() and "[red]Optics" in buf.getvalue()
