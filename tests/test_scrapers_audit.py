"""The discovery audit (expected against found years, in the run report and the ``quality`` table) and the
registry maintainer's commands ``ogi sources list`` and ``ogi sources check`` (a dry run that stores nothing)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import run_pipeline
from pipeline.synth.portals import antibot, gkmlpt, trs_classic
from pipeline.synth.server import LocalServer
from scrapers.audit import audit, compact, last_complete_year
from scrapers.politeness import Politeness
from tests.portals import docs, served


def test_last_complete_year_follows_the_31_january_deadline() -> None:
    assert last_complete_year(dt.date(2026, 1, 31)) == 2024
    assert last_complete_year(dt.date(2026, 2, 1)) == 2025
    a = audit("s", {2019: 1, 2021: 2}, 2017, today=dt.date(2023, 3, 1), previous=5)
    assert a.expected == [2017, 2018, 2019, 2020, 2021, 2022] and a.missing == [2017, 2018, 2020, 2022]
    assert a.flags() == ["fewer reports than the last run (3 < 5)", "missing years: 2017-2018, 2020, 2022"]
    assert audit("s", {2019: 1}, 2019, today=dt.date(2023, 3, 1), last_year=2019).missing == []  # stopped in 2019
    assert audit("s", {2020: 1}, None, today=dt.date(2023, 3, 1), since=2021).missing == [2021, 2022]
    assert compact([2011, 2012, 2013, 2016, 2018, 2019]) == "2011-2013, 2016, 2018-2019"


def _registry(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["id,agency,region,adcode,level,start_urls,hints"]
    lines += [f"{sid},测试,,,county,{url},{hints};non_gov=1;allow_local=1" for sid, url, hints in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_missing_years_reach_the_run_report_and_the_quality_table(tmp_path: Path) -> None:
    last = last_complete_year(dt.date.today())
    published = [d for d in docs(9, agencies=1, years=range(2015, last + 1), notices=0, news=0, deleted=0)
                 if d.year != 2018]
    portal = trs_classic.build(published, per_page=6)
    with LocalServer(portal.site) as server:
        registry = _registry(tmp_path / "sources.csv", [("gaps", server.url(portal.column_path), "cms=trs;first_year=2013")])
        result = run_pipeline([], tmp_path / "out", registry_path=registry, policy=Politeness.for_tests(),
                              show_progress=False, executor={"engine": "serial", "workers": 1})
    (src,) = result.sources
    assert src.audit is not None and src.audit.missing == [2013, 2014, 2018]
    assert "missing years: 2013-2014, 2018" in src.flags
    md = (tmp_path / "out" / "run-report.md").read_text(encoding="utf-8")
    audit_part = md.split("## Discovery audit")[1]
    assert f"| gaps | {src.status} | {len(published)} | 2013–{last} | 2013-2014, 2018 |" in audit_part
    assert "### Missing years" in audit_part and "- gaps: 2013-2014, 2018" in audit_part
    assert result.release is not None
    with duckdb.connect(str(result.release / "ogi.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT year, n_reports, n_found, expected, missing FROM quality WHERE source = 'gaps' "
                           "ORDER BY year").fetchall()
    by_year = {r[0]: r[1:] for r in rows}
    assert by_year[2013] == (0, 0, True, True) and by_year[2018] == (0, 0, True, True)
    assert by_year[2016][1:] == (1, True, False) and by_year[2016][0] >= 1


def test_sources_list_and_check_are_a_dry_run(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["sources", "list"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0 and "central_mva" in listed.output and "sources" in listed.output
    cwd = os.getcwd()
    with served(gkmlpt.build, docs(3, agencies=2, years=range(2019, 2025)), page_size=5) as (portal, server):
        url = server.url(portal.column_path)
        os.chdir(tmp_path)
        try:
            checked = runner.invoke(app, ["sources", "check", url, "--allow-local-hosts", "--min-interval", "0.01"],
                                    env={"COLUMNS": "250"})
        finally:
            os.chdir(cwd)
        pdfs_fetched = [h for h in server.hits if h.path.startswith("/attachment/")]
    out = checked.output
    assert checked.exit_code == 0, out
    assert "family: gkmlpt" in out and "reports found: 12" in out
    assert "/gkmlpt/api/all/" not in out.split("reports found")[1]  # list calls are not reports
    assert "/attachment/" in out  # each report with its attachments …
    assert pdfs_fetched == []  # … which are listed, not downloaded
    assert list(tmp_path.iterdir()) == []  # nothing stored anywhere
    refused = runner.invoke(app, ["sources", "check", url])  # local hosts are refused unless allowed
    assert refused.exit_code == 1 and "not a public address" in refused.output
    assert runner.invoke(app, ["sources", "check", "no_such_source"]).exit_code == 2


def test_sources_check_reports_a_blocked_portal(tmp_path: Path) -> None:
    portal = antibot.build("jiasule", docs(1, agencies=1, years=range(2020, 2025)))
    with LocalServer(portal.site) as server:
        result = CliRunner().invoke(app, ["sources", "check", server.url(portal.column_path), "--allow-local-hosts",
                                          "--min-interval", "0.01"])
    assert result.exit_code == 1 and "blocked" in result.output and "Jiasule" in result.output
