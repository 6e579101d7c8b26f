"""What the commands print: libraries' warnings in the log and counted, not on the terminal; without a terminal
(cron) plain lines and full-width tables; --quiet and --verbose alike on every command."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.demo import build_corpus, write_registry
from pipeline.synth import district_corpus, render_pipe_text
from pipeline.synth.server import serve
from scrapers.console import LOG_WIDTH
from tests.conftest import corpus_file

REPO = Path(__file__).resolve().parents[1]
OGI = Path(sys.executable).with_name("ogi")
LONG = "某某市某某区人民政府办公室关于公布二〇二三年度政府信息公开工作年度报告的通知附件一"  # a 40-character name


def _texts(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, rep in enumerate(district_corpus(11)[:n]):
        path = folder / (f"{LONG}_{i}.txt" if i == 0 else f"r{i}.txt")
        path.write_text(render_pipe_text(rep), encoding="utf-8")
        out.append(path)
    return out


def _ogi(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command as cron runs it: output to pipes (not a terminal), no COLUMNS in the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([str(OGI), *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env)


def _pdf_without_fontbbox(folder: Path) -> Path:
    """A generated PDF report whose font descriptor lacks /FontBBox (blanked out, offsets kept): pdfminer logs
    "Could not get FontBBox from font descriptor…" for it, as for Skia's fonts in browser-printed PDFs."""
    import random

    from pipeline.synth import generate
    from pipeline.synth.render_pdf import render_pdf

    data = render_pdf(generate(random.Random(3), year=2022))
    data = re.sub(rb"/FontBBox\s*\[[^\]]*\]", lambda m: b" " * len(m.group(0)), data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.pdf").write_bytes(data)
    return folder / "report.pdf"


def test_library_warnings_go_to_the_log_and_are_counted(tmp_path: Path) -> None:
    pdf = _pdf_without_fontbbox(tmp_path / "in")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([str(OGI), "extract", str(pdf), "--out", str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120, cwd=REPO, env={**env, "OGI_PDF_FAST": "0"})  # pdfminer reads
    assert proc.returncode == 0, proc.stderr
    assert "FontBBox" not in proc.stdout + proc.stderr
    found = re.search(r"library warnings: (\d+) \(pdfminer\.pdffont (\d+)\)", proc.stderr)
    assert found and int(found.group(1)) == int(found.group(2)) > 0
    log = next((tmp_path / "out" / "logs").glob("extract-*.log")).read_text(encoding="utf-8")
    assert "ogi.library: report.pdf: pdfminer.pdffont: Could not get FontBBox from font descriptor" in log
    assert "report.pdf: ok, " in log


def test_caught_collects_log_records_and_python_warnings() -> None:
    from pipeline import libwarnings

    with libwarnings.caught() as notices:
        for _ in range(3):
            logging.getLogger("fakelib.fonts").warning("glyph %s missing", "X")
        logging.getLogger("fakelib.fonts").info("not a warning")
        warnings.warn("widths guessed", UserWarning, stacklevel=1)
    assert sorted(notices) == [("UserWarning", "widths guessed", 1), ("fakelib.fonts", "glyph X missing", 3)]
    assert libwarnings.describe(libwarnings.count(notices)) == "4 (fakelib.fonts 3, UserWarning 1)"
    assert not logging.getLogger().handlers or all(
        type(h).__name__ != "_Collector" for h in logging.getLogger().handlers)  # removed again


def test_browser_pdf_fontbbox_lines_stay_off_the_terminal(tmp_path: Path) -> None:
    pdf = corpus_file("2024_pingtan_browser.pdf")
    fast = _ogi("extract", str(pdf), "--out", str(tmp_path / "fast"))
    assert fast.returncode == 0 and "library warnings: 0;" in fast.stderr  # pdfium reads it: pdfminer is not asked
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([str(OGI), "extract", str(pdf), "--out", str(tmp_path / "plumber")], capture_output=True,
                          text=True, timeout=120, cwd=REPO, env={**env, "OGI_PDF_FAST": "0"})
    assert proc.returncode == 0, proc.stderr
    assert "FontBBox" not in proc.stdout + proc.stderr
    assert re.search(r"library warnings: \d+ \(pdfminer\.pdffont \d+\)", proc.stderr)
    log = next((tmp_path / "plumber" / "logs").glob("extract-*.log")).read_text(encoding="utf-8")
    assert "Could not get FontBBox" in log


def test_extract_without_a_terminal_reads_well_in_a_log(tmp_path: Path) -> None:
    files = _texts(tmp_path / "in")
    proc = _ogi("extract", *map(str, files), "--out", str(tmp_path / "out"), "--engine", "serial")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert re.match(r"^\d\d:\d\d:\d\d extracting: 0/3 \(0%\)$", lines[0])  # progress as plain lines
    assert any(re.match(r"^\d\d:\d\d:\d\d .+: 3/3 \(100%\)$", line) for line in lines)
    table = "\n".join(lines)
    assert "…" not in table and f"{LONG}_0.txt" in table  # nothing squeezed: the long name whole, every header
    assert all(h in table for h in ("file", "year", "template", "status", "values", "failed checks", "message"))
    assert max(len(line) for line in lines if line[:1] in "┏┃┡│└") <= LOG_WIDTH  # the table fits the width
    assert "\x1b[" not in proc.stderr  # no terminal codes in a log


def test_quiet_and_verbose_on_extract(tmp_path: Path) -> None:
    files = _texts(tmp_path / "in")
    quiet = _ogi("extract", *map(str, files), "--out", str(tmp_path / "q"), "--engine", "serial", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert len(quiet.stderr.splitlines()) == 1 and quiet.stderr.startswith("3 files: ")
    verbose = _ogi("extract", *map(str, files), "--out", str(tmp_path / "v"), "--engine", "serial", "-v")
    for f in files:
        assert f"{f}: " in verbose.stderr  # a line per document
    both = _ogi("extract", *map(str, files), "--out", str(tmp_path / "b"), "-q", "-v")
    assert both.returncode == 2 and "--quiet and --verbose exclude each other" in both.stderr


@pytest.mark.parametrize("command", ["extract", "scrape", "run", "load", "demo", "sources list", "sources check"])
def test_every_command_takes_quiet_and_verbose(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert "--quiet" in result.output and "--verbose" in result.output


def test_sources_list_quiet_is_the_ids() -> None:
    result = CliRunner().invoke(app, ["sources", "list", "--quiet"])
    assert result.exit_code == 0 and result.output.split() and all(" " not in x for x in result.output.splitlines())


@pytest.fixture(scope="module")
def one_site(tmp_path_factory: pytest.TempPathFactory):
    corpus = build_corpus(5, districts=1, departments=0, formats=("html", "text"))
    with serve(corpus.sites[:1]) as servers:
        registry = tmp_path_factory.mktemp("registry") / "sources.csv"
        write_registry(registry, corpus.sites[:1], [s.base for s in servers])
        yield registry


def test_run_without_a_terminal_and_quiet(one_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "extracted"
    proc = _ogi("run", "--registry", str(one_site), "--out", str(out), "--min-interval", "0", "--engine", "serial")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(re.match(r"^\d\d:\d\d:\d\d scrape \S+: ok", line) for line in lines)  # the source, as it ends
    assert "…" not in proc.stderr and max(len(line) for line in lines if line[:1] in "┏┃┡│└") <= LOG_WIDTH
    assert all(h in proc.stderr for h in ("source", "status", "reports", "selected", "unchanged", "requests"))
    again = _ogi("run", "--registry", str(one_site), "--out", str(out), "--min-interval", "0", "--quiet")
    assert again.returncode == 0, again.stderr
    said = again.stderr.splitlines()
    assert [line.split(":")[0] for line in said] == ["documents stored", "release", "log", "exit 0"]
