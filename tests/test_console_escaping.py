"""Outside strings (URLs, titles, file names, error messages, media types) are printed as typed, never as rich
markup or emoji codes: `[/]` cannot crash a summary and `[bold]` cannot change what the user sees."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
from rich.console import Console
from typer.testing import CliRunner

import pipeline
from pipeline.cli import _summary, app
from pipeline.run.command import print_outcome
from pipeline.run.orchestrate import RunResult
from pipeline.synth import default_site, district_corpus, render_list_page, render_pipe_text
from pipeline.synth.render_html import ListEntry
from pipeline.synth.server import LocalServer, Site
from scrapers.cli import summary_table
from scrapers.console import esc, markup, text
from scrapers.crawl import SourceResult

HOSTILE = ("[/]", "[bold]loud[/bold]", "[/red]", ":warning:", "[link=http://evil.example]x[/link]", "\\[x]")


def rendered(*renderables) -> str:
    """What a console shows (wide, no colours): the renderables printed one after another."""
    console = Console(record=True, width=400, color_system=None, emoji=True)
    for r in renderables:
        console.print(r)
    return console.export_text()


def test_helpers_keep_the_text_as_typed():
    for s in HOSTILE:
        assert rendered(markup("[red]x:[/] {}", s)).rstrip("\n") == f"x: {s}"
        assert rendered(text(s)).rstrip("\n") == s
        assert rendered(esc(s)).rstrip("\n") == s.replace(":warning:", "⚠")  # esc: markup only (prefer markup())


def test_extract_summary_with_hostile_file_names_and_messages(tmp_path: Path):
    good = render_pipe_text(district_corpus(3, n_districts=1, n_departments=0)[0]).encode()
    names = ["[bold]loud[bold].txt", "x[red]y.txt", ":warning:.txt"]
    for n in names:
        (tmp_path / n).write_bytes(good + n.encode())  # distinct report_ids
    (tmp_path / "[link=x]bad.pdf").write_bytes(b"%PDF-1.4 [/] not really")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--out", str(tmp_path / "out"), "--engine", "serial"])
    assert result.exit_code == 0, result.output
    flat = re.sub(r"\s+", "", result.output)
    for n in [*names, "[link=x]bad.pdf"]:
        assert re.sub(r"\s+", "", n) in flat, n
    rep = pipeline.extract_bytes(b"", "[/]empty.pdf")
    rows = [(Path("[/]a.pdf"), rep), (Path("b.txt"), rep)]
    rep.tables["reports"]["error"][0] = "cannot parse [/] at [bold]x[/bold]"
    assert "cannot parse [/] at [bold]x[/bold]" in rendered(_summary(rows))


def test_scrape_summary_and_run_outcome_with_hostile_urls():
    res = SourceResult("src[/]", status="partial", errors=["http://h/a[/b]?q=[/]: HTTP 404", "[bold]x"])
    out = rendered(summary_table([res]))
    assert "src[/]" in out and "http://h/a[/b]?q=[/]: HTTP 404 (+1)" in out
    run = RunResult(out=Path("/tmp/o[/]"), targets=[], started_at=pd.Timestamp.now(tz="UTC").to_pydatetime(),
                    exit_code=1, message="1 source(s) failed: [/]x; [bold]y")
    run.log_path = Path("/tmp/[red]log")
    shown = rendered_outcome(run)
    assert "exit 1: 1 source(s) failed: [/]x; [bold]y" in shown and "log: /tmp/[red]log" in shown


def rendered_outcome(run: RunResult) -> str:
    console = Console(record=True, width=400, color_system=None)
    print_outcome(run, console)
    return console.export_text()


def _site(key: str, name: str, column_path: str) -> Site:
    site = Site(name=name, key=key)
    site.column_path = column_path
    return site


def test_ogi_run_with_hostile_urls_titles_and_file_names(tmp_path: Path):
    """A report served with a `[/]` file name and a `[bold]` title, and a dead link with `[/]` in its URL."""
    report = district_corpus(3, n_districts=1, n_departments=0)[0]
    synth = default_site("测试市某某区人民政府")
    site = _site("hostile", synth.name, "/c/")
    site.add("/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")
    entries = [ListEntry("[bold]测试市某某区人民政府2023年政府信息公开工作年度报告[/]", "./t1.txt", date(2024, 1, 20)),
               ListEntry("某某区2022年政府信息公开工作年度报告", "./g[/b].htm?x=[/]", date(2023, 1, 20))]
    site.add("/c/index.htm", render_list_page(entries, site=synth))
    site.add("/c/t1.txt", render_pipe_text(report).encode(), "text/plain; charset=utf-8",
             **{"Content-Disposition": 'attachment; filename="[/]r[bold].txt"'})
    with LocalServer(site) as srv:
        registry = tmp_path / "sources.csv"
        registry.write_text("id,agency,region,adcode,level,start_urls,hints\n"
                            f"demo_hostile,测试市某某区人民政府,,,county,{srv.column_url},cms=trs;non_gov=1;allow_local=1\n",
                            encoding="utf-8")
        result = CliRunner().invoke(app, ["run", "--registry", str(registry), "--out", str(tmp_path / "out"),
                                          "--min-interval", "0", "--engine", "serial"])
    md = (tmp_path / "out" / "run-report.md").read_text(encoding="utf-8")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert f"| exit status | {result.exit_code} (" in md  # what the terminal says is what the report says
    assert result.exit_code == 0, result.output
    assert "g[/b].htm?x=[/]: HTTP 404" in re.sub(r"\s*│\s*", "", result.output)


def test_run_report_says_no_release_when_none_was_built(tmp_path: Path):
    """Every report link dead: nothing stored, no release; the run report must not claim one."""
    synth = default_site("测试市某某区人民政府")
    site = _site("dead", synth.name, "/c/")
    site.add("/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")
    site.add("/c/index.htm", render_list_page([ListEntry("某某区2022年政府信息公开工作年度报告", "./gone.htm",
                                                         date(2023, 1, 20))], site=synth))
    with LocalServer(site) as srv:
        registry = tmp_path / "sources.csv"
        registry.write_text("id,agency,region,adcode,level,start_urls,hints\n"
                            f"demo_dead,测试市某某区人民政府,,,county,{srv.column_url},cms=trs;non_gov=1;allow_local=1\n",
                            encoding="utf-8")
        result = CliRunner().invoke(app, ["run", "--registry", str(registry), "--out", str(tmp_path / "out"),
                                          "--min-interval", "0", "--engine", "serial", "--quiet"])
    assert result.exit_code == 1, result.output
    md = (tmp_path / "out" / "run-report.md").read_text(encoding="utf-8")
    assert "release built" not in md.replace("no release built", "")
    assert "| release | none built |" in md and "no release built)" in md
