"""`ogi demo`: a generated city corpus served on 127.0.0.1, scraped, extracted and released by `ogi run`."""

from __future__ import annotations

import csv
import datetime as dt
import re
import socket
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from typer.testing import CliRunner

import pipeline.demo
import pipeline.run
from pipeline.cli import app
from pipeline.run import report_groups
from pipeline.synth.render_docx import stable_docx, stable_pdf
from scrapers.store import documents

SMALL = partial(pipeline.demo.build_corpus, districts=2, departments=1)  # 19 reports: the test stays quick


def test_demo_builds_a_release_from_local_sites(tmp_path: Path, monkeypatch) -> None:
    corpus = SMALL(2019)
    monkeypatch.setattr(pipeline.demo, "build_corpus", lambda seed: corpus)
    out = tmp_path / "extracted"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())

    releases = [p for p in (out / "releases").iterdir() if not p.name.startswith(".")]
    assert len(releases) == 1
    release = releases[0]
    assert (out / "latest").resolve() == release.resolve()
    assert (release / "ogi.duckdb").is_file() and list((release / "csv").glob("*.csv"))
    for where in (str(release), "ogi.duckdb", "csv", "latest", "run-report.html"):
        assert where in result.output.replace("\n", ""), where

    docs = [d for d in documents(out / "raw") if d.kind != "picture"]  # pictures are read with their page
    with duckdb.connect(str(release / "ogi.duckdb"), read_only=True) as con:
        n_summary = con.execute("SELECT count(*) FROM report_summary").fetchone()[0]
        n_reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        n_landing = con.execute("SELECT count(*) FROM reports WHERE attachment_report_id IS NOT NULL").fetchone()[0]
        reports = con.execute("SELECT * FROM reports").df()
    assert n_reports == len({d.sha256 for d in docs}) > len(corpus.reports)  # one row per document

    # every served report was found, at the address it was served at, and extracted
    groups = report_groups(docs, reports)
    # report_summary has one row per report: a page that only links to its PDF/Word report is not a second one
    assert n_summary == n_reports - n_landing == len(groups)
    reports_with_attachments = {d.report for d in docs if d.kind == "attachment"}
    assert n_landing == len({d.sha256 for d in docs if d.kind == "page" and d.report in reports_with_attachments})
    assert {(f"demo_{r.site}", r.path) for r in corpus.reports} == {
        (g.source, urlsplit(g.url).path) for g in groups}
    assert {g.status for g in groups} <= {"ok", "partial"}
    assert sum(g.status == "ok" for g in groups) >= len(groups) - 1, [(g.url, g.error) for g in groups]
    formats = {f for g in groups for f in g.formats}
    expected = {"HTML", "text", "Word (.docx)", "PDF"}  # PDFs from LibreOffice, or drawn by reportlab
    assert expected <= formats
    assert "Excel (.xlsx)" in formats  # the spreadsheet attachment
    if pipeline.demo._can_scan():  # the scanned PDF and the page whose tables are pictures, read by OCR
        ocr = reports[reports["ocr"].astype(bool)]
        assert len(ocr) == 2 and set(ocr["status"]) == {"ok"}, ocr[["source_url", "status", "error"]]
        pictures = [d for d in documents(out / "raw") if d.kind == "picture"]
        assert len(pictures) == 3 and {d.media_type for d in pictures} == {"image/png"}
    assert set(reports["year"].dropna()) == set(range(2019, 2025))
    assert {"2019", "2021"} <= set(reports["template"])
    seed_path = next(r.path for r in corpus.reports if r.site == "seed-jinlin")
    seed = reports[reports["source_url"].str.endswith(seed_path)]
    assert len(seed) == 1 and seed["status"].iloc[0] == "ok"
    assert "failed checks: 2 reports" in text  # the generator breaks two reports' identities on purpose
    assert re.search(r"demo took \d+ s", text)
    md = (out / "run-report.md").read_text(encoding="utf-8")
    families = {f for row in md.split("## Sources")[1].split("##")[0].splitlines()[2:] if row.startswith("|")
                for f in row.split("|")[3].strip().split(",") if f}
    assert {"trs_classic", "hanweb_jpage", "gkmlpt"} <= families  # at least three CMS families served


def test_demo_summary_is_printed_from_the_runs_public_result(tmp_path: Path, monkeypatch) -> None:
    """The summary reads RunResult.summary() (typed records), nothing of the run's tables or the run report."""
    from rich.console import Console

    from pipeline.run import DocumentOutcome, FailedCheck, ReportGroup, RunResult, RunSummary

    a, b, c, d = (x * 64 for x in "abcd")
    summary = RunSummary(
        documents=[DocumentOutcome(a, "PDF", "ok"), DocumentOutcome(b, "HTML", "no_tables"),
                   DocumentOutcome(c, "HTML", "ok"), DocumentOutcome(d, "PDF", "not extracted")],
        reports=[ReportGroup("demo_city", "http://127.0.0.1:1/a.htm", 2023, "西山区人民政府", "ok", "", ["HTML", "PDF"],
                             [b, a]),
                 ReportGroup("demo_city", "http://127.0.0.1:1/c.htm", 2022, "西山区人民政府", "ok", "", ["HTML"], [c]),
                 ReportGroup("demo_city", "http://127.0.0.1:1/d.pdf", None, "", "not extracted", "", ["PDF"], [d])],
        failed_checks=[FailedCheck(a, f"requests.balance.{k}", "requests.balance", k, "identity", "error", 3.0, 4.0,
                                   "西山区人民政府", 2023, "http://127.0.0.1:1/a.pdf")
                       for k in ("natural_person", "legal_person", "total", "research", "other")])
    run = RunResult(out=tmp_path, targets=[], started_at=dt.datetime.now(dt.UTC))
    assert run.frames is None and run.documents == []  # nothing to print from but the summary
    monkeypatch.setattr(RunResult, "summary", lambda self: summary)
    console = Console(record=True, width=200)
    demo = pipeline.demo.DemoResult(pipeline.demo.Corpus([], []), run, {"generate": 1.0, "run": 2.0}, 5)
    pipeline.demo.print_summary(demo, console)
    out = console.export_text()
    header = next(line for line in out.splitlines() if "format" in line and "total" in line)
    assert re.findall(r"ok|no_tables|not extracted|total", header) == ["ok", "no_tables", "not extracted", "total"]
    rows = {line.split()[1]: re.findall(r"\b\d+\b", line) for line in out.splitlines()
            if re.search(r"\b(PDF|HTML)\b", line)}
    assert rows == {"HTML": ["1", "1", "0", "2"], "PDF": ["1", "0", "1", "2"]}
    assert "3 reports (a page and its attachment count once): 2 ok, 1 not extracted" in " ".join(out.split())
    assert "failed checks: 1 reports break template identities" in out
    assert ("西山区人民政府 2023: requests.balance.natural_person, requests.balance.legal_person, "
            "requests.balance.total, requests.balance.research (+1)") in out


def test_demo_servers_stop_even_when_the_run_fails(tmp_path: Path, monkeypatch) -> None:
    corpus = pipeline.demo.build_corpus(3, districts=1, departments=0, formats=("html",))
    monkeypatch.setattr(pipeline.demo, "build_corpus", lambda seed: corpus)
    ports: list[int] = []

    def crash(targets, out, *, registry_path, **kwargs):  # noqa: ANN001, ANN202
        with open(registry_path, encoding="utf-8") as fh:
            ports.extend(urlsplit(row["start_urls"]).port for row in csv.DictReader(fh))
        for port in ports:  # the servers are up while the run runs
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline.run, "run_pipeline", crash)
    with pytest.raises(RuntimeError, match="boom"):
        pipeline.demo.run_demo(tmp_path, show_progress=False)
    assert ports
    for port in ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_generated_office_files_are_byte_stable() -> None:
    """A rerun of the demo serves the same bytes (same sha256), so the cache is not refilled with copies."""
    import io
    import zipfile

    def docx(when: tuple[int, ...]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(zipfile.ZipInfo("word/document.xml", when), b"<w:document/>")
        return buf.getvalue()

    a, b = docx((2024, 1, 1, 0, 0, 0)), docx((2025, 6, 7, 8, 9, 10))
    assert a != b and stable_docx(a) == stable_docx(b)

    def pdf(date: bytes, ident: bytes, checksum: bytes) -> bytes:
        return (b"%PDF-1.4\n1 0 obj<</CreationDate(D:" + date + b"Z')>>endobj\ntrailer\n<</ID [ <" + ident
                + b">\n<" + ident + b"> ]\n/DocChecksum /" + checksum + b"\n>>\n%%EOF\n")

    p1 = pdf(b"20261128004835", b"BE3F6D4E395201AC05429100FF99894A", b"9E11D62A31FFEA708AB4AB0059DA4400")
    p2 = pdf(b"20270101010101", b"0123456789ABCDEF0123456789ABCDEF", b"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")
    s1, s2 = stable_pdf(p1, b"src"), stable_pdf(p2, b"src")
    assert s1 == s2 and len(s1) == len(p1)  # same length: the xref offsets stay valid
    assert stable_pdf(p1, b"other") != s1  # different documents keep different IDs


def test_demo_pdfs_without_libreoffice(monkeypatch) -> None:
    """No soffice on the machine: the reports meant as PDF are drawn by reportlab and extract exactly."""
    monkeypatch.setattr(pipeline.demo, "soffice_path", lambda: None)
    corpus = pipeline.demo.build_corpus(3, districts=1, departments=0, formats=("pdf",), extras=())
    assert any("drawn by reportlab" in n for n in corpus.notes)
    pdfs = [r for r in corpus.reports if r.fmt == "pdf"]
    assert len(pdfs) == 6  # 2019–2024
    site = next(s for s in corpus.sites if s.key == pdfs[0].site)
    attachments = [(path, res) for path, res in site.routes.items()  # not the download redirects to them
                   if path.endswith(".pdf") and res.body.startswith(b"%PDF")]
    assert len(attachments) == 6
    for path, res in attachments:
        rep = pipeline.extract_bytes(res.body, path.rsplit("/", 1)[1])
        assert rep.status == "ok", (path, rep.row["error"])
