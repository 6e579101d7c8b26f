"""`ogi run` end to end against generated government sites on 127.0.0.1: release, incremental extraction,
a document that fails, a run killed during load, an unwritable output folder, two runs at once."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import pipeline.load.release
import pipeline.run.extract
from pipeline.cli import app
from pipeline.demo import Corpus, build_corpus, write_registry
from pipeline.run import RunLock, report_groups, run_pipeline
from pipeline.synth import default_site, render_list_page
from pipeline.synth.render_html import ListEntry
from pipeline.synth.server import LocalServer, Site, serve
from scrapers.politeness import Politeness

REPO = Path(__file__).resolve().parents[1]
BROKEN = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntruncated in transfer"


def _broken_site() -> Site:
    """A column linking one report straight to a PDF that is cut short (no xref, no pages)."""
    synth = default_site("测试市某某区人民政府")
    site = Site(name=synth.name, key="broken")
    site.column_path = synth.column_path
    site.add("/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")
    entry = ListEntry("测试市某某区人民政府2023年政府信息公开工作年度报告", "./202401/P020240120_broken.pdf",
                      date(2024, 1, 20))
    site.add(synth.column_path + "index.htm", render_list_page([entry], site=synth))
    site.add(synth.column_path + "202401/P020240120_broken.pdf", BROKEN, "application/pdf")
    return site


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """Two districts and a department, 2019–2024, as HTML pages and text attachments (fast to extract)."""
    return build_corpus(7, districts=2, departments=1, formats=("html", "text", "html"), extras=())


@pytest.fixture(scope="module")
def sites(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory):
    """The corpus's sites running on 127.0.0.1; yields (servers, registry path)."""
    with serve(corpus.sites) as servers:
        registry = tmp_path_factory.mktemp("registry") / "sources.csv"
        write_registry(registry, corpus.sites, [s.base for s in servers])
        yield servers, registry


def _run(out: Path, registry: Path, targets: list[str] | None = None, engine: str = "serial", workers: int = 1):
    """A run on the demo sites; serial by default so a test can count extractions in this process."""
    return run_pipeline(targets or [], out, registry_path=registry, policy=Politeness.for_tests(),
                        show_progress=False, executor={"engine": engine, "workers": workers})


def _latest(out: Path) -> Path:
    return (out / "latest").resolve()


def _release_reports(release: Path) -> pd.DataFrame:
    with duckdb.connect(str(release / "ogi.duckdb"), read_only=True) as con:
        return con.execute("SELECT * FROM reports").df()


def test_run_end_to_end_then_incremental(sites, corpus: Corpus, tmp_path: Path, monkeypatch) -> None:
    servers, registry = sites
    calls: list[str] = []
    real = pipeline.run.extract.extract_files

    def counting(items, **kw: object):
        calls.extend(item.name for item in items)
        return real(items, **kw)

    monkeypatch.setattr(pipeline.run.extract, "extract_files", counting)  # the documents sent to the workers
    out = tmp_path / "extracted"
    first = _run(out, registry)
    assert first.exit_code == 0, first.message
    assert first.release is not None and first.release.is_dir()
    assert _latest(out) == first.release.resolve()
    reports = _release_reports(first.release)
    stored = {d.sha256 for d in first.documents if d.kind != "picture"}  # pictures: read with their page
    assert len(reports) == len(stored) == len(calls) == len(first.extracted) > 0
    # one report row for every served report, found through the URL it was served at
    groups = report_groups(first.documents, first.frames["reports"])
    served = {(f"demo_{r.site}", r.path) for r in corpus.reports}
    found = {(g.source, "/" + g.url.split("/", 3)[3]) for g in groups}
    assert found == served
    assert {g.status for g in groups} == {"ok"}, [(g.url, g.error) for g in groups if g.status != "ok"]
    assert reports["source_url"].str.startswith("http://127.0.0.1:").all()
    assert reports["fetched_at"].notna().all()
    seed = [g for g in groups if g.source == "demo_seed-jinlin"]
    assert len(seed) == 1 and seed[0].year == 2019
    # the run's public result, as `ogi demo` and the run report print it
    summary = first.summary()
    assert summary.reports == groups
    assert sorted(d.sha256 for d in summary.documents) == sorted(stored)
    # a page that only links its report file (gkmlpt serves a listed file from an article page) has no tables
    assert {d.status for d in summary.documents} <= {"ok", "no_tables"}
    assert all(d.format == "HTML" for d in summary.documents if d.status != "ok")
    assert sum(d.status == "ok" for d in summary.documents) >= len(groups)
    assert set(summary.documents_by_format()) == {"HTML", "text"}
    broken = {r.path for r in corpus.reports if not r.consistent}
    assert len(broken) == 2 and {"/" + c.document.split("/", 3)[3] for c in summary.failed_checks} == broken
    assert all(c.check == f"{c.family}.{c.subject}" and c.kind == "identity" for c in summary.failed_checks)
    assert len(summary.failing_reports()) == 2
    # run report (Markdown and HTML) in the release and in OUT, log file
    for folder in (out, first.release):
        md = (folder / "run-report.md").read_text(encoding="utf-8")
        assert "Reports found per source and year" in md and "demo_city" in md and "| 2024 |" in md
        assert "<table>" in (folder / "run-report.html").read_text(encoding="utf-8")
    assert first.log_path and "ogi run finished: exit 0" in first.log_path.read_text(encoding="utf-8")

    # second run: the sites answer 304, nothing is parsed again, a new release is built from the cache
    calls.clear()
    second = _run(out, registry)
    assert second.exit_code == 0, second.message
    assert calls == [] and second.extracted == []
    assert second.release != first.release and first.release.is_dir()
    assert _latest(out) == second.release.resolve()
    assert len(_release_reports(second.release)) == len(reports)
    assert sum(s.new for s in second.sources) == 0


def test_run_on_a_process_pool_builds_the_same_release(sites, tmp_path: Path) -> None:
    servers, registry = sites
    serial = _run(tmp_path / "serial", registry)
    pooled = _run(tmp_path / "pooled", registry, engine="processes", workers=2)
    assert pooled.exit_code == serial.exit_code == 0
    assert len(pooled.extracted) == len(serial.extracted) > 0
    cols = ["report_id", "status", "year", "template", "n_values", "n_checks_failed"]
    a = _release_reports(serial.release)[cols].sort_values("report_id").reset_index(drop=True)
    b = _release_reports(pooled.release)[cols].sort_values("report_id").reset_index(drop=True)
    assert a.equals(b)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failing_document_and_source(sites, tmp_path: Path) -> None:
    """A PDF that cannot be read and a site that is down: the others go through, the release builds."""
    servers, registry = sites
    with LocalServer(_broken_site()) as broken:
        extra = tmp_path / "sources.csv"
        text = registry.read_text(encoding="utf-8")
        dead = f"http://127.0.0.1:{_closed_port()}/zwgk/zfxxgknb/"
        extra.write_text(text + f"demo_broken,测试市某某区人民政府,,,county,{broken.column_url},cms=trs;non_gov=1;allow_local=1\n"
                         f"demo_down,测试市停机局,,,department,{dead},cms=trs;non_gov=1;allow_local=1\n", encoding="utf-8")
        result = _run(tmp_path / "out", extra, ["demo_broken", "demo_down", "demo_seed-jinlin"])
    assert result.exit_code == 1, result.message
    assert "1 source(s) failed: demo_down" in result.message
    assert "1 document(s) failed extraction" in result.message
    assert result.release is not None and result.release.is_dir()
    reports = _release_reports(result.release).set_index("source_url")
    bad = reports.loc[broken.column_url + "202401/P020240120_broken.pdf"]
    assert bad["status"] == "failed" and "pdf" in bad["error"].lower(), bad["error"]
    assert (reports["status"] == "ok").sum() == 1  # the seed report went through
    md = (tmp_path / "out" / "run-report.md").read_text(encoding="utf-8")
    assert "P020240120_broken.pdf" in md and "| failed |" in md
    failed_sources = md.split("## Failed, blocked and partial sources")[1].split("## Discovery audit")[0]
    assert "demo_down: failed" in failed_sources and dead in failed_sources


def test_run_failing_during_load_keeps_previous_release(sites, tmp_path: Path, monkeypatch) -> None:
    servers, registry = sites
    out = tmp_path / "out"
    first = _run(out, registry, ["demo_seed-jinlin"])
    assert first.exit_code == 0, first.message
    files = sorted(p.relative_to(first.release) for p in first.release.rglob("*"))

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "releases" / "x.parquet"))

    monkeypatch.setattr(pipeline.load.release.datasets, "write_parquet", full_disk)
    failed = _run(out, registry, ["demo_seed-jinlin"])
    assert failed.exit_code == 3 and failed.release is None
    assert "release not built" in failed.message and "disk is full" in failed.message
    assert _latest(out) == first.release.resolve()
    assert sorted(p.relative_to(first.release) for p in first.release.rglob("*")) == files
    assert "disk is full" in (out / "run-report.md").read_text(encoding="utf-8")
    assert not [p for p in (out / "releases").iterdir() if p.name.startswith(".tmp")]

    monkeypatch.undo()
    again = _run(out, registry, ["demo_seed-jinlin"])
    assert again.exit_code == 0 and _latest(out) == again.release.resolve() != first.release.resolve()


def test_run_killed_during_load(sites, tmp_path: Path) -> None:
    """SIGKILL in the middle of writing the release: the previous release and pointer stay, the lock frees."""
    servers, registry = sites
    out = tmp_path / "out"
    first = _run(out, registry, ["demo_seed-jinlin"])
    assert first.exit_code == 0
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        import pipeline.load.release as release
        from pipeline.run import run_pipeline
        from scrapers.politeness import Politeness

        def die(arrow, folder):
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / "half-written.csv").write_text("report_id\\n")
            os.kill(os.getpid(), signal.SIGKILL)

        release.datasets.write_csv = die
        print(os.getpid(), flush=True)
        run_pipeline(["demo_seed-jinlin"], Path({str(out)!r}), registry_path=Path({str(registry)!r}),
                     policy=Politeness.for_tests(), show_progress=False)
        sys.exit(99)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    pid = proc.stdout.decode().split()[0]
    assert (out / ".ogi-run.lock").read_text().startswith(pid)  # the dead holder's pid is still written there
    assert _latest(out) == first.release.resolve()
    assert (first.release / "ogi.duckdb").is_file()
    nxt = _run(out, registry, ["demo_seed-jinlin"])
    assert nxt.exit_code == 0, nxt.message
    assert _latest(out) == nxt.release.resolve() != first.release.resolve()


def test_output_folder_not_writable(sites, tmp_path: Path) -> None:
    servers, registry = sites
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["run", "demo_seed-jinlin", "--registry", str(registry),
                                      "--out", str(blocker / "extracted"), "--quiet"])
    assert result.exit_code == 3, result.output
    assert "cannot write to" in result.output and "Not a directory" in result.output


def test_unknown_source_is_a_usage_error(sites, tmp_path: Path) -> None:
    servers, registry = sites
    result = CliRunner().invoke(app, ["run", "no_such_source", "--registry", str(registry), "--out",
                                      str(tmp_path), "--quiet"])
    assert result.exit_code == 2 and "unknown source id" in result.output


def test_two_runs_at_once(sites, tmp_path: Path) -> None:
    """A run holding the lock (a real `ogi run` process, slowed down): the second exits 4 at once."""
    servers, registry = sites
    out = tmp_path / "out"
    ogi = Path(sys.executable).with_name("ogi")
    first = subprocess.Popen([str(ogi), "run", "--registry", str(registry), "--out", str(out),
                              "--min-interval", "0.15", "--quiet"], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "150"})
    try:
        lock = out / ".ogi-run.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().startswith(str(first.pid))):
            assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
            time.sleep(0.05)
        t0 = time.monotonic()
        second = CliRunner().invoke(app, ["run", "--registry", str(registry), "--out", str(out), "--quiet"])
        assert time.monotonic() - t0 < 5
        assert second.exit_code == 4, second.output
        assert f"another ogi run is in progress (pid {first.pid}" in " ".join(second.output.split())
        assert first.poll() is None  # the first is still running, undisturbed
        _stdout, stderr = first.communicate(timeout=60)
        assert first.returncode == 0, stderr.decode()[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
    with RunLock(out):  # free again
        pass


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    with RunLock(tmp_path) as held:
        assert (tmp_path / ".ogi-run.lock").read_text().startswith(f"{os.getpid()} since ")
        other = RunLock(tmp_path)
        with pytest.raises(Exception, match="another ogi run is in progress"):
            other.acquire()
        assert held is not None
    with RunLock(tmp_path):
        pass
