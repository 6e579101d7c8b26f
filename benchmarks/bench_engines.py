#!/usr/bin/env python3
"""Documents per second of extraction per format on each engine and worker count, and the baselines.

Workload (--build DIR): generated pipe-text and government-CMS HTML reports, the Word and PDF fixtures
(tests/fixtures/office, generated), and the real HTML pages and text PDFs of ../shared/corpus when present
(not its scans). OGI_BENCH_CODE=DIR measures the pipeline of another checkout on the same workload. Copies of the same document get a trailing comment (PDF, HTML) or an extra
zip member (Word) so that every file has its own report_id.

One configuration (--workload DIR --engine E --workers N) runs each format on a fresh executor: start-up
is timed apart, then the documents of that format are timed from the first submit to the last Report in
this process (decoded, as `ogi extract` receives them). Prints JSON. --baselines times pandas.read_html
(HTML), pdfplumber extract_tables() and text on every page (PDF) and python-docx reading every cell (Word)
on the same files, one process. run_all.py runs each configuration in its own process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# OGI_BENCH_CODE: measure the pipeline of another checkout on the same workload (run_all.py --against REV)
sys.path.insert(0, str(Path(os.environ.get("OGI_BENCH_CODE") or ROOT)))
sys.path.insert(1, str(ROOT / "benchmarks"))

from pipeline.executors import ENGINES, Outcome, open_executor  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
OFFICE = ROOT / "tests" / "fixtures" / "office"
FORMATS = ("html", "text", "word", "pdf")
COUNTS = {"html": 300, "text": 300, "word": 120, "pdf": 60}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the workload --------------------------------------------------------------------------------------
def _reports(n: int) -> list[Any]:
    from pipeline.synth import district_corpus

    out: list[Any] = []
    seed = 100
    while len(out) < n:
        out.extend(district_corpus(seed))
        seed += 1
    return out[:n]


def _distinct_docx(data: bytes, i: int) -> bytes:
    """The same Word document with an extra zip member, so that its bytes (and report_id) differ."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("customXml/ogi-bench.txt", str(i))
    return buf.getvalue()


def build_workload(folder: Path, counts: dict[str, int] = COUNTS, seed: int = 7) -> dict[str, list[Path]]:
    """Write the benchmark documents into folder/<format>/; returns them by format."""
    from pipeline.synth import HtmlQuirks, TextQuirks, render_html_page, render_pipe_text

    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    dirs = {f: folder / f for f in FORMATS}
    for d in dirs.values():
        d.mkdir(parents=True)
    reports = _reports(counts["html"] + counts["text"])
    real_html = [p.read_bytes() for p in sorted(CORPUS.glob("*_page.html"))] if CORPUS.is_dir() else []
    for i in range(counts["html"]):
        if real_html and i % 5 == 4:  # one page in five is a real government page
            data = real_html[i % len(real_html)] + f"\n<!-- ogi-bench {i} -->\n".encode()
        else:
            quirks = HtmlQuirks(split_table3=rng.random() < 0.3, blank_zero=rng.choice((0.0, 0.5)), seed=i)
            data = render_html_page(reports[i], quirks, encoding=rng.choice(("utf-8", "gbk")))
        (dirs["html"] / f"{i:04d}.html").write_bytes(data)
    for i in range(counts["text"]):
        rep = reports[counts["html"] + i]
        quirks = TextQuirks(layout=rng.choice(("pipe", "markdown", "lines")), dash_zero=rng.choice((0.0, 0.3)), seed=i)
        (dirs["text"] / f"{i:04d}.txt").write_text(render_pipe_text(rep, quirks), encoding="utf-8")
    word = [p.read_bytes() for p in sorted(OFFICE.glob("*.docx"))]
    for i in range(counts["word"]):
        (dirs["word"] / f"{i:04d}.docx").write_bytes(_distinct_docx(word[i % len(word)], i))
    # the corpus's text PDFs (its scans are OCR work, another measure)
    pdfs = [p.read_bytes() for p in sorted(CORPUS.glob("*.pdf")) if "_scan" not in p.name] if CORPUS.is_dir() else []
    pdfs += [p.read_bytes() for p in sorted(OFFICE.glob("*.pdf")) if "encrypted" not in p.name]
    for i in range(counts["pdf"]):
        (dirs["pdf"] / f"{i:04d}.pdf").write_bytes(pdfs[i % len(pdfs)] + f"\n%ogi-bench {i}\n".encode())
    return load_workload(folder)


def load_workload(folder: Path) -> dict[str, list[Path]]:
    return {f: sorted((folder / f).iterdir()) for f in FORMATS}


def describe(workload: dict[str, list[Path]]) -> dict[str, dict[str, float]]:
    """Files and mean KB per format."""
    return {f: {"docs": len(ps), "kb": sum(p.stat().st_size for p in ps) / 1024 / max(len(ps), 1)}
            for f, ps in workload.items()}


# ---- engines -------------------------------------------------------------------------------------------
def measure_engine(engine: str, workers: int, workload: dict[str, list[Path]]) -> dict[str, Any]:
    """Per format: start-up seconds, run seconds, statuses and the peak RSS of any worker (MB)."""
    result: dict[str, Any] = {"engine": engine, "workers": workers, "formats": {}}
    for fmt in FORMATS:
        files = workload[fmt]
        t0 = time.perf_counter()
        with open_executor(engine, workers) as ex:
            if hasattr(ex, "start"):
                ex.start()  # the pool's workers now, not at the first document
            startup = time.perf_counter() - t0
            outcomes: list[Outcome] = []
            client = [0.0]  # seconds this process spends decoding results

            def collect(o: Outcome, outcomes: list[Outcome] = outcomes, client: list[float] = client) -> None:
                t = time.perf_counter()
                o.report()  # decoded here, as the CLI does
                client[0] += time.perf_counter() - t
                outcomes.append(o)

            t1 = time.perf_counter()
            ex.run(files, collect)
            seconds = time.perf_counter() - t1
        statuses: dict[str, int] = {}
        for o in outcomes:
            statuses[o.status] = statuses.get(o.status, 0) + 1
        result["formats"][fmt] = {"docs": len(outcomes), "seconds": seconds, "startup": startup,
                                  "worker_peak_mb": max(o.worker_rss_mb for o in outcomes),
                                  "cpu_seconds": sum(o.seconds for o in outcomes), "client_seconds": client[0],
                                  "statuses": statuses}
    result["main_peak_mb"] = rss_mb()
    return result


# ---- baselines -----------------------------------------------------------------------------------------
def word_cells(data: bytes) -> int:
    """python-docx: every cell of every table."""
    import docx

    return sum(len(c.text) for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells)


def measure_baselines(workload: dict[str, list[Path]], limit: int = 40) -> dict[str, Any]:
    """docs/s of the baselines on (at most `limit` of) each format's files, in this process."""
    from bench_extract import pandas_baseline
    from bench_pdf import every_page

    tools = {"html": ("pandas.read_html (lxml)", lambda d: pandas_baseline(d)()),
             "pdf": ("pdfplumber extract_tables() + text, every page", every_page),
             "word": ("python-docx, every cell", word_cells)}
    out: dict[str, Any] = {}
    for fmt, (name, fn) in tools.items():
        files = workload[fmt][:limit]
        t0 = time.perf_counter()
        failed = 0
        for p in files:
            try:
                fn(p.read_bytes())
            except Exception:  # noqa: BLE001 - a baseline that cannot read a file still spent the time
                failed += 1
        seconds = time.perf_counter() - t0
        out[fmt] = {"tool": name, "docs": len(files), "seconds": seconds, "failed": failed}
    out["peak_mb"] = rss_mb()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, help="write the workload into this folder")
    ap.add_argument("--workload", type=Path, help="the workload folder to measure")
    ap.add_argument("--engine", choices=ENGINES)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--baselines", action="store_true", help="measure the baselines instead of an engine")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the document counts (build)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if args.build:
        counts = {f: max(2, round(n * args.scale)) for f, n in COUNTS.items()}
        print(json.dumps(describe(build_workload(args.build, counts))))
    elif args.workload and args.baselines:
        print(json.dumps(measure_baselines(load_workload(args.workload))))
    elif args.workload and args.engine:
        print(json.dumps(measure_engine(args.engine, args.workers, load_workload(args.workload))))
    else:
        ap.error("--build DIR, or --workload DIR with --engine or --baselines")


if __name__ == "__main__":
    main()
