"""Seconds per document and peak memory: page-filtered read_pdf vs pdfplumber extract_tables() on every page.

Runs on the corpus PDFs (../shared/corpus) and a generated ~40-page report (needs LibreOffice).
Usage: python benchmarks/bench_pdf.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.devdata import corpus_files  # noqa: E402
from pipeline.readers.pdf import read_pdf  # noqa: E402


def every_page(data: bytes) -> int:
    """The baseline: pdfplumber's table finder and text on every page."""
    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_tables())
            page.extract_text()
            page.close()
    return n


def filtered(data: bytes) -> int:
    return len(read_pdf(data).tables)


def measure(fn: Callable[[bytes], int], data: bytes, repeat: int) -> tuple[float, float, int]:
    """(best seconds, peak MiB under tracemalloc, tables found)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        n = fn(data)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn(data)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak, n


def generated_report(pages: int) -> tuple[str, bytes]:
    """A generated report padded with prose to about `pages` × 1.6 PDF pages (render_docx + LibreOffice)."""
    import random

    import pypdfium2 as pdfium

    from pipeline.synth import docx_to_pdf, generate, render_docx

    report = generate(random.Random(7), year=2023, activity="medium")
    data = docx_to_pdf(render_docx(report, filler_before_table3=pages * 11))
    return f"generated ({len(pdfium.PdfDocument(data))} pages)", data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pages", type=int, default=33, help="11 prose paragraphs each, ~1.2 PDF pages (33 → ~40 pages)")
    args = ap.parse_args()
    docs = [(p.name, p.read_bytes()) for p in corpus_files("*.pdf")]
    try:
        docs.append(generated_report(args.pages))
    except (RuntimeError, OSError) as exc:  # SofficeError: LibreOffice missing or failing
        print(f"skipping the generated report: {exc}")
    print(f"{'document':36} {'filtered s':>10} {'every-page s':>12} {'speed-up':>8} {'peak MiB f/e':>14} tables f/e")
    for name, data in docs:
        f_s, f_mem, f_n = measure(filtered, data, args.repeat)
        e_s, e_mem, e_n = measure(every_page, data, args.repeat)
        print(f"{name:36} {f_s:10.3f} {e_s:12.3f} {e_s / f_s:7.1f}x {f_mem:6.1f}/{e_mem:<7.1f} {f_n}/{e_n}")


if __name__ == "__main__":
    main()
