"""The loader on generated reports: datasets, views, datapackage, duplicates, revisions, series checks, releases."""

from __future__ import annotations

import errno
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import schema
from pipeline.batch import combine
from pipeline.extraction import extract_document
from pipeline.load import ReleaseError, build_release, database, datasets, open_release, read_table
from pipeline.synth import district_corpus, generate, render_pipe_text
from scrapers.store import StoredDocument

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _extract(reports) -> list:
    return [extract_document(render_pipe_text(s).encode("utf-8"), name=f"{s.year}_{s.agency}.txt") for s in reports]


@pytest.fixture(scope="module")
def corpus():
    """A small city: 2 districts + 1 department, 2019–2022, extracted (both templates)."""
    synth = district_corpus(7, years=range(2019, 2023), n_districts=2, n_departments=1, broken=0)
    return synth, _extract(synth)


@pytest.fixture(scope="module")
def frames(corpus) -> dict[str, pd.DataFrame]:
    return combine(corpus[1])


@pytest.fixture(scope="module")
def release(frames, tmp_path_factory) -> Path:
    return build_release(frames, tmp_path_factory.mktemp("out"), now=T0)


def _frames_of(reports) -> dict[str, pd.DataFrame]:
    return combine(reports)


def _series(rel: Path, check_prefix: str) -> pd.DataFrame:
    with open_release(rel) as con:
        return con.execute("SELECT * FROM checks WHERE \"check\" LIKE ?", [check_prefix + "%"]).df()


def test_parquet_round_trip_keeps_registry_dtypes(release, frames):
    for table in datasets.RELEASE_TABLES:
        back = read_table(release, table)
        partition = ["year"] if table in datasets.YEAR_TABLES and table != "reports" else []
        assert back.drop(columns=partition).dtypes.equals(schema.empty(table).dtypes), table
    parts = sorted((release / "parquet" / "requests").glob("year=*/part-0.parquet"))
    assert [p.parent.name for p in parts] == ["year=2019", "year=2020", "year=2021", "year=2022"]
    assert pq.read_schema(parts[0]).equals(schema.arrow_schema("requests"), check_metadata=False)
    req = read_table(release, "requests")
    assert len(req) == len(frames["requests"]) and str(req["value"].dtype) == "Float64"
    assert str(req["year"].dtype) == "Int64" and set(req["year"].dropna()) == {2019, 2020, 2021, 2022}
    reports = read_table(release, "reports")
    assert str(reports["year"].dtype) == "Int64" and list(reports.columns) == schema.columns("reports")
    assert (release / "csv" / "requests.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_report_summary_has_one_row_per_report(release, frames):
    with open_release(release.parent.parent) as con:  # out_root: resolved through `latest`
        summary = con.execute("SELECT * FROM report_summary").df()
        n_reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert len(summary) == n_reports == len(frames["reports"])
    assert summary["report_id"].is_unique
    for col in ("agency_id", "adcode", "received_natural_person", "received_total", "granted", "partly_granted",
                "denied_state_secret", "unavailable_not_held", "not_processed_duplicate", "other_total",
                "carried_forward", "admin_review_upheld", "litigation_direct_total", "n_checks_failed",
                "n_series_errors"):
        assert col in summary.columns, col
    req = frames["requests"]
    one = req[(req.outcome == "granted") & (req.applicant == "total")].iloc[0]
    assert summary.set_index("report_id").loc[one.report_id, "granted"] == one.value


def test_datapackage_validates_with_frictionless(release):
    from frictionless import validate

    desc = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in desc["resources"]}
    assert set(fields) == set(schema.TABLES)
    assert all(f["description"] for t in fields.values() for f in t.values())
    assert "carried_forward" in fields["requests"]["outcome"]["constraints"]["enum"]
    assert "万元" in fields["proactive"]["value"]["unit"]
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_datapackage_validation_fails_on_a_bad_key(release, tmp_path):
    import shutil

    from frictionless import validate
    copy = tmp_path / "rel"
    shutil.copytree(release, copy)
    csv = copy / "csv" / "requests.csv"
    csv.write_text(csv.read_text(encoding="utf-8-sig").replace('"granted"', '"granted_partly"', 1), encoding="utf-8-sig")
    assert not validate(str(copy / "datapackage.json")).valid


def test_series_checks_pass_on_consistent_generated_series(release):
    carried = _series(release, "series.carried_over.")
    assert len(carried) > 0 and carried["passed"].all()
    assert (carried["severity"] == "error").all()
    in_force = _series(release, "series.in_force.")
    assert len(in_force) > 0 and in_force["passed"].all() and (in_force["severity"] == "warning").all()
    assert _series(release, "series.missing_year.").empty


def test_carried_over_break_is_detected(frames, tmp_path):
    reports = frames["reports"]
    target = reports[reports.year == 2021].iloc[0].report_id
    req = frames["requests"].copy()
    hit = (req.report_id == target) & (req.outcome == "carried_over") & (req.applicant == "natural_person")
    req.loc[hit, "value"] = req.loc[hit, "value"] + 5
    rel = build_release({**frames, "requests": req}, tmp_path, now=T0)
    failed = _series(rel, "series.carried_over.")
    failed = failed[~failed.passed.astype(bool)]
    assert list(zip(failed.report_id, failed.check, strict=True)) == [(target, "series.carried_over.natural_person")]
    row = failed.iloc[0]
    assert row.lhs == row.rhs + 5
    assert (row.family, row.subject, row.kind, row.scope, row.related_year) == (
        "series.carried_over", "natural_person", "identity", "series", 2020)
    with open_release(rel) as con:
        n = con.execute("SELECT n_series_errors FROM report_summary WHERE report_id = ?", [target]).fetchone()[0]
        prev = con.execute("""SELECT report_id FROM reports WHERE year = 2020 AND agency_id =
                              (SELECT agency_id FROM reports WHERE report_id = ?)""", [target]).fetchall()
    assert n == 1
    assert [row.related_report_id] == [p[0] for p in prev]  # the same agency's report of the year before


def test_in_force_stock_flow_break_is_a_warning(frames, tmp_path):
    reports = frames["reports"]
    target = reports[reports.year == 2022].iloc[0].report_id
    pro = frames["proactive"].copy()
    hit = (pro.report_id == target) & (pro.item == "normative_documents") & (pro.metric == "in_force")
    pro.loc[hit, "value"] = pro.loc[hit, "value"] + 3
    rel = build_release({**frames, "proactive": pro}, tmp_path, now=T0)
    failed = _series(rel, "series.in_force.")
    failed = failed[~failed.passed.astype(bool)]
    assert failed[["report_id", "check", "severity"]].values.tolist() == [
        [target, "series.in_force.normative_documents", "warning"]]


def test_missing_year_is_flagged(frames, tmp_path):
    reports = frames["reports"]
    agency = reports.agency.iloc[0]
    dropped = reports[(reports.year == 2020)]
    with open_release(build_release(frames, tmp_path / "a", now=T0)) as con:
        ids = dict(con.execute("SELECT report_id, agency_id FROM reports").fetchall())
    aid = ids[reports[reports.agency == agency].report_id.iloc[0]]
    gone = [r for r in dropped.report_id if ids[r] == aid]
    assert len(gone) == 1
    keep = {t: df[~df.report_id.isin(gone)] for t, df in frames.items()}
    rel = build_release(keep, tmp_path / "b", now=T0)
    missing = _series(rel, "series.missing_year.")
    assert missing["check"].tolist() == ["series.missing_year.2020"]
    assert missing[["family", "subject", "kind", "related_year"]].values.tolist() == [
        ["series.missing_year", "2020", "coverage", 2020]] and missing["related_report_id"].isna().all()
    assert ids[missing.report_id.iloc[0]] == aid and not missing.passed.iloc[0]
    with open_release(rel) as con:
        year = con.execute("SELECT year FROM reports WHERE report_id = ?", [missing.report_id.iloc[0]]).fetchone()[0]
    assert year == 2021


def test_same_document_under_two_urls_is_one_report(corpus, tmp_path):
    reports = corpus[1][:3]
    frames = _frames_of([*reports, reports[0]])  # the same bytes seen twice
    rid = reports[0].report_id
    docs = [
        StoredDocument(rid, "yl_gov", "http://a.gov.cn/1.html", final_url="http://a.gov.cn/1.html",
                       published=date(2020, 2, 1), fetched_at=datetime(2025, 1, 1, tzinfo=UTC), kind="page"),
        StoredDocument(rid, "yl_gov", "http://a.gov.cn/mirror/1.html", final_url=None,
                       published=date(2020, 2, 1), fetched_at=datetime(2025, 1, 2, tzinfo=UTC), kind="page"),
        StoredDocument("f" * 64, "yl_gov", "http://a.gov.cn/notyet.html"),  # not extracted yet
    ]
    rel = build_release(frames, tmp_path, documents=docs, now=T0)
    with open_release(rel) as con:
        assert con.execute("SELECT count(*) FROM reports WHERE report_id = ?", [rid]).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM report_summary").fetchone()[0] == 3
        urls = con.execute("SELECT url FROM sources WHERE report_id = ? ORDER BY fetched_at", [rid]).fetchall()
        row = con.execute("SELECT source_url, fetched_at, published_date FROM reports WHERE report_id = ?",
                          [rid]).fetchone()
        n_req = con.execute("SELECT count(*) FROM requests WHERE report_id = ?", [rid]).fetchone()[0]
        quality = con.execute("SELECT source, n_reports FROM quality WHERE source = 'yl_gov'").fetchall()
    assert [u for (u,) in urls] == ["http://a.gov.cn/1.html", "http://a.gov.cn/mirror/1.html"]
    assert row == ("http://a.gov.cn/1.html", "2025-01-01T00:00:00Z", "2020-02-01")
    assert n_req == len(reports[0].requests)
    assert quality == [("yl_gov", 1)]


def test_later_revision_supersedes_the_older_report(corpus, tmp_path):
    synth, extracted = corpus
    original = synth[1]
    revised = generate(random.Random(99), year=original.year, agency=original.agency, region=original.region,
                       title=original.title)
    new = _extract([revised])[0]
    assert new.report_id != extracted[1].report_id
    frames = _frames_of([*extracted, new])
    docs = [StoredDocument(extracted[1].report_id, url="http://x.gov.cn/old.html", published=date(2021, 2, 1)),
            StoredDocument(new.report_id, url="http://x.gov.cn/new.html", published=date(2021, 5, 9))]
    rel = build_release(frames, tmp_path, documents=docs, now=T0)
    with open_release(rel) as con:
        sup = dict(con.execute("SELECT report_id, superseded_by FROM reports").fetchall())
        current = dict(con.execute("SELECT report_id, current FROM report_summary").fetchall())
        in_views = {r for (r,) in con.execute("SELECT DISTINCT report_id FROM requests_crosswalk").fetchall()}
    assert sup[extracted[1].report_id] == new.report_id
    assert sup[new.report_id] is None
    assert sum(v is not None for v in sup.values()) == 1
    assert current[extracted[1].report_id] is False and current[new.report_id] is True
    assert extracted[1].report_id not in in_views and new.report_id in in_views


def test_failed_document_still_has_its_report_row(frames, tmp_path):
    bad = extract_document(b"%PDF-1.4 cut off", name="broken.pdf")
    assert bad.status == "failed"
    merged = {t: pd.concat([frames[t], bad.frames()[t]], ignore_index=True) for t in frames}
    rel = build_release(merged, tmp_path, now=T0)
    with open_release(rel) as con:
        row = con.execute("SELECT status, error FROM report_summary WHERE report_id = ?", [bad.report_id]).fetchone()
        n = con.execute("SELECT count(*) FROM report_summary").fetchone()[0]
    assert row[0] == "failed" and "truncated" in row[1]
    assert n == len(frames["reports"]) + 1
    assert json.loads((rel / "manifest.json").read_text())["statuses"]["failed"] == 1


def test_crosswalk_never_maps_different_measures(release):
    cw = {(r["table"], r["template"], r["key"]): r["measure"] for r in database.crosswalk()}
    assert cw[("proactive", "2019", "new_made")] == cw[("proactive", "2021", "issued")]
    assert cw[("proactive", "2019", "total_published")] != cw[("proactive", "2021", "in_force")]
    assert cw[("proactive", "2019", "prior_year_items")] != cw[("proactive", "2021", "fee_amount")]
    with open_release(release) as con:
        measures = con.execute("SELECT DISTINCT template, measure FROM proactive_crosswalk").fetchall()
        sub = con.execute("""SELECT sum(value) FROM requests q JOIN reports r USING (report_id)
                             WHERE q.outcome IN ('other_no_correction', 'other_unpaid_fee', 'other_misc')
                             AND q.applicant = 'total' AND r.year = 2022""").fetchone()[0]
        grouped = con.execute("""SELECT sum(value) FROM requests_crosswalk WHERE measure = 'other_total'
                                 AND applicant = 'total' AND year = 2022 AND template = '2021'
                                 AND outcomes <> 'other'""").fetchone()[0]
    assert ("2019", "issued") in measures and ("2021", "issued") in measures
    assert ("2019", "in_force") not in measures and ("2021", "total_published") not in measures
    assert grouped == sub


def test_failed_build_leaves_previous_release_intact(frames, tmp_path, monkeypatch):
    first = build_release(frames, tmp_path, now=T0)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    def boom(*a, **k):
        raise RuntimeError("killed during load")

    monkeypatch.setattr(database, "write_database", boom)
    with pytest.raises(RuntimeError, match="killed"):
        build_release(frames, tmp_path, now=T0 + timedelta(hours=1))
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # no half-written folder
    assert (tmp_path / "latest").resolve() == first.resolve()
    assert (tmp_path / "LATEST").read_text().strip() == first.name
    monkeypatch.undo()
    second = build_release(frames, tmp_path, now=T0 + timedelta(hours=2))  # the next run completes
    assert second.name == "2025-03-01T140000Z"
    assert (tmp_path / "latest").resolve() == second.resolve() and first.is_dir()
    with open_release(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM report_summary").fetchone()[0] == len(frames["reports"])


def test_disk_full_gives_a_release_error(frames, tmp_path, monkeypatch):
    first = build_release(frames, tmp_path, now=T0)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "csv/requests.csv")

    monkeypatch.setattr(datasets, "write_csv", full)
    with pytest.raises(ReleaseError, match="disk is full"):
        build_release(frames, tmp_path, now=T0 + timedelta(hours=1))
    assert (tmp_path / "latest").resolve() == first.resolve()
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [first.name]


def test_unwritable_output_gives_a_release_error(frames, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReleaseError, match="cannot write the release"):
        build_release(frames, blocker / "out", now=T0)


def test_manifest_lists_versions_counts_hashes_and_run_info(frames, tmp_path):
    rel = build_release(frames, tmp_path, run_info={"trigger": "test"}, now=T0)
    m = json.loads((rel / "manifest.json").read_text(encoding="utf-8"))
    assert m["release"] == rel.name == "2025-03-01T120000Z"
    assert m["row_counts"]["reports"] == len(frames["reports"]) and m["run_info"] == {"trigger": "test"}
    assert m["documents"] == sorted(frames["reports"]["report_id"])
    assert {"pandas", "pyarrow", "duckdb", "extractor_version"} <= set(m["versions"]) | set(m)
    assert m["timings_s"]["total"] > 0 and m["files"]["ogi.duckdb"] > 0


def test_ogi_load_command_builds_a_release_from_the_cache(corpus, tmp_path):
    import typer
    from typer.testing import CliRunner

    from pipeline.cache import ExtractionCache
    from pipeline.load.cli import register

    with ExtractionCache(tmp_path / "cache.duckdb") as cache:
        cache.put(corpus[1][:4])
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # keeps `load` a named subcommand
    result = CliRunner().invoke(app, ["load", str(tmp_path / "cache.duckdb"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "4 reports" in result.output and "report_summary" in result.output
    with open_release(tmp_path / "out") as con:
        assert con.execute("SELECT count(*) FROM report_summary").fetchone()[0] == 4


def test_temporary_folder_of_a_killed_build_is_removed_by_the_next(frames, tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    stale = tmp_path / "releases" / f".tmp-2020-01-01T000000Z-{dead.stdout.strip()}"
    (stale / "parquet").mkdir(parents=True)
    build_release(frames, tmp_path, now=T0)
    assert not stale.exists()
    assert [p.name for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")] == []


def test_page_linking_to_its_report_attachment_is_not_a_second_report(corpus, tmp_path):
    import pipeline

    landing_html = ("<html><head><title>2020年某区政府信息公开工作年度报告</title></head><body><div id='zoom'>"
                    "<p>2020年某区政府信息公开工作年度报告</p><p><a href='/a/report.pdf'>附件：年度报告.pdf</a></p>"
                    "</div></body></html>").encode()
    page = pipeline.extract_bytes(landing_html, "t1.html")
    assert page.status == "no_tables"
    report = corpus[1][0]
    frames = _frames_of([report, page])
    docs = [
        StoredDocument(page.report_id, "s", "http://a.gov.cn/t1.html", kind="page", report_url="http://a.gov.cn/t1.html"),
        StoredDocument(report.report_id, "s", "http://a.gov.cn/a/report.pdf", kind="attachment",
                       parent_url="http://a.gov.cn/t1.html", report_url="http://a.gov.cn/t1.html"),
    ]
    rel = build_release(frames, tmp_path, documents=docs, now=T0)
    with open_release(rel) as con:
        linked = con.execute("SELECT attachment_report_id FROM reports WHERE report_id = ?",
                             [page.report_id]).fetchone()[0]
        summary = [r for (r,) in con.execute("SELECT report_id FROM report_summary").fetchall()]
    assert linked == report.report_id
    assert summary == [report.report_id]
