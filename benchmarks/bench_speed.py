#!/usr/bin/env python3
"""Where the time goes, per document and in CPU time: PDF, HTML and the fixed cost of a small document.

Parts (one per run; prints one JSON line):
- `--part build --workload DIR`: writes the generated PDFs (reportlab: 4–6-page reports and one long report;
  LibreOffice: a long report, when soffice is installed) and the synthetic 300 KB report page into DIR;
- `--part pdf --workload DIR`: per PDF (the corpus's text PDFs, the office fixtures, DIR's), CPU seconds of
  `pipeline.extract_bytes` beside pdfplumber's extract_tables() + extract_text() on every page, alternated;
  with the fast path's pages and what it declined;
- `--part html --workload DIR`: per HTML page (the corpus's and DIR's synthetic 300 KB page), CPU ms of `pipeline.extract_bytes`
  beside a whole-page BeautifulSoup parse (lxml) with find_all("table") and pandas.read_html (lxml);
- `--part overhead`: per small text (the corpus's 2 KB excerpts, or a generated one), CPU ms of extraction
  minus reading: what a document costs outside its reader.

CPU time (time.process_time), the median of --repeat runs: the machine is shared, and CPU time is what a
worker spends. OGI_BENCH_CODE=DIR imports the pipeline from another checkout (run_all.py --against REV
measures the code before a change in the same run); the baselines do not depend on it.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = Path(os.environ.get("OGI_BENCH_CODE") or ROOT)
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(ROOT / "benchmarks"))

CORPUS = ROOT.parent / "shared" / "corpus"
OFFICE = ROOT / "tests" / "fixtures" / "office"
EXCERPTS = ("*_pages-excerpt.txt", "*_pages-excerpt.md")


def cpu(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `repeat` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def n_pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


# ---- the generated PDFs -----------------------------------------------------------------------------------
def build(folder: Path, long_pages: int) -> dict[str, Any]:
    """Generated reports as PDFs: reportlab 4–6-page reports of varied layouts, a long one (about long_pages
    pages of prose before table 三), and the same long report through Word and LibreOffice when installed."""
    import random
    import shutil

    from pipeline.synth import CellQuirks, generate, render_docx
    from pipeline.synth.render_pdf import render_pdf

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14)
    made = {}
    for i in range(6):
        report = generate(rng, year=rng.randint(2019, 2024))
        options = dict(split_table3=i % 3 == 1, one_table_per_clause=i % 2 == 1, repeat_header=i % 2 == 0,
                       font_pt=rng.choice((10.5, 11, 12)), filler_before_table3=rng.randint(4, 14))
        data = render_pdf(report, CellQuirks(blank_zero=0.3, seed=i), **options)
        (folder / f"reportlab_{i}.pdf").write_bytes(data)
        made[f"reportlab_{i}.pdf"] = n_pages(data)
    from bench_extract import SYNTH_NAME, synthetic_page  # made here, by this checkout: the html part may
    (folder / SYNTH_NAME).write_bytes(synthetic_page())  # measure another one's pipeline (OGI_BENCH_CODE)
    long_report = generate(random.Random(7), year=2023, activity="medium")
    data = render_pdf(long_report, filler_before_table3=long_pages * 12)
    (folder / "long_reportlab.pdf").write_bytes(data)
    made["long_reportlab.pdf"] = n_pages(data)
    if shutil.which("soffice"):
        from pipeline.synth import docx_to_pdf

        try:
            data = docx_to_pdf(render_docx(long_report, filler_before_table3=long_pages * 11))
            (folder / "long_libreoffice.pdf").write_bytes(data)
            made["long_libreoffice.pdf"] = n_pages(data)
        except (RuntimeError, OSError) as exc:  # LibreOffice failing: the reportlab long report stays
            made["long_libreoffice.pdf"] = f"not made: {exc}"
    return made


def pdf_files(workload: Path) -> list[tuple[str, str, Path]]:
    """(group, name, path): 4–6-page reports (corpus, fixtures, generated), browser-printed, long."""
    out = []
    if CORPUS.is_dir():
        for p in sorted(CORPUS.glob("*.pdf")):
            if "_scan" not in p.name:
                out.append(("browser" if "browser" in p.name else "corpus", p.name, p))
    for p in sorted(OFFICE.glob("*.pdf")):
        if p.name != "encrypted.pdf":
            out.append(("fixtures", p.name, p))
    for p in sorted(workload.glob("*.pdf")):
        out.append(("long" if p.name.startswith("long") else "generated", p.name, p))
    return out


def every_page(data: bytes) -> int:
    """The baseline: pdfplumber's table finder and text on every page."""
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_tables())
            page.extract_text()
            page.close()
    return n


def measure_pdf(workload: Path, repeat: int) -> list[dict[str, Any]]:
    import pipeline

    rows = []
    for group, name, path in pdf_files(workload):
        data = path.read_bytes()
        runs = 1 if group == "long" else repeat
        ours: list[float] = []
        base: list[float] = []
        for _ in range(runs):  # alternated, so that a busy moment of the machine hits both
            ours.append(cpu(partial(pipeline.extract_bytes, data, name), 1))
            base.append(cpu(partial(every_page, data), 1))
        meta: dict[str, str] = {}
        try:
            from pipeline.readers.pdf import read_pdf

            meta = read_pdf(data).meta
        except Exception:  # noqa: BLE001 - a document the reader refuses is still timed above
            pass
        rep = pipeline.extract_bytes(data, name)
        rows.append({"group": group, "name": name, "pages": n_pages(data), "ours_s": statistics.median(ours),
                     "pdfplumber_s": statistics.median(base), "status": rep.status,
                     "fast_pages": meta.get("pdf_fast_pages"), "table_pages": meta.get("pdf_table_pages"),
                     "declined": meta.get("pdf_declined", "")})
    return rows


# ---- HTML -------------------------------------------------------------------------------------------------
def measure_html(workload: Path, repeat: int) -> list[dict[str, Any]]:
    import pandas as pd
    from bs4 import BeautifulSoup

    import pipeline
    from pipeline.readers.encoding import decode

    pages = [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.html"))] if CORPUS.is_dir() else []
    pages += [(p.name, p.read_bytes()) for p in sorted(workload.glob("*.html"))]  # the synthetic 300 KB page
    rows = []
    def tables(data: bytes) -> object:
        try:
            return pd.read_html(io.StringIO(decode(data)[0]), flavor="lxml")
        except ValueError:  # no tables
            return []

    def soup(data: bytes) -> object:
        return BeautifulSoup(decode(data)[0], "lxml").find_all("table")

    for name, data in pages:
        rows.append({"name": name, "kb": len(data) / 1024,
                     "ours_ms": 1000 * cpu(partial(pipeline.extract_bytes, data, name), repeat),
                     "bs4_ms": 1000 * cpu(partial(soup, data), repeat),
                     "pandas_ms": 1000 * cpu(partial(tables, data), repeat),
                     "status": pipeline.extract_bytes(data, name).status})
    return rows


# ---- the fixed cost of a document ---------------------------------------------------------------------------
def measure_overhead(repeat: int) -> list[dict[str, Any]]:
    import pipeline
    from pipeline.readers import read

    files = [(p.name, p.read_bytes()) for pat in EXCERPTS for p in sorted(CORPUS.glob(pat))] if CORPUS.is_dir() \
        else []
    if not files:  # a 2 KB text of the generator's prose
        from pipeline.synth import district_corpus

        prose = "\n".join(s.text for s in district_corpus(3)[0].sections)
        files = [("generated_2k.txt", prose.encode("utf-8")[:2048].decode("utf-8", "ignore").encode("utf-8"))]
    rows = []
    for name, data in files:
        extract = cpu(partial(pipeline.extract_bytes, data, name), repeat)
        reading = cpu(partial(read, data, name), repeat)
        rows.append({"name": name, "kb": len(data) / 1024, "extract_ms": 1000 * extract, "read_ms": 1000 * reading,
                     "overhead_ms": 1000 * (extract - reading), "status": pipeline.extract_bytes(data, name).status})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("build", "pdf", "html", "overhead"), required=True)
    ap.add_argument("--workload", type=Path, help="folder of the generated PDFs (build writes it)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--long-pages", type=int, default=40)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)  # pdfminer's font notices: not what is measured
    if args.part == "build":
        result: Any = build(args.workload, args.long_pages)
    elif args.part == "pdf":
        result = measure_pdf(args.workload, max(1, args.repeat // 2))
    elif args.part == "html":
        result = measure_html(args.workload, args.repeat * 4)
    else:
        result = measure_overhead(args.repeat * 40)
    print(json.dumps({"code": str(CODE), "part": args.part, "result": result}, ensure_ascii=False))


if __name__ == "__main__":
    main()
