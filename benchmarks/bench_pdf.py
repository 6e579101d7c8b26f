"""Seconds per document and peak memory: page-filtered read_pdf vs pdfplumber extract_tables() on every page.

Runs on the corpus PDFs (../shared/corpus) and a generated ~40-page report (needs LibreOffice).
Usage: python benchmarks/bench_pdf.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.readers.pdf import read_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


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
    import make_office_fixtures as mk

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "long_report.docx"
        mk.build_docx(mk.make_values(7), src, prose_before_3=4, prose_pages=pages)
        pdf = mk.soffice_convert(src, "pdf", Path(tmp))
        data = pdf.read_bytes()
    import pypdfium2 as pdfium

    return f"generated ({len(pdfium.PdfDocument(data))} pages)", data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pages", type=int, default=24, help="about 1.6 PDF pages each (24 → ~40 pages)")
    args = ap.parse_args()
    docs = [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.pdf"))]
    try:
        docs.append(generated_report(args.pages))
    except (SystemExit, OSError) as exc:
        print(f"skipping the generated report: {exc}")
    print(f"{'document':36} {'filtered s':>10} {'every-page s':>12} {'speed-up':>8} {'peak MiB f/e':>14} tables f/e")
    for name, data in docs:
        f_s, f_mem, f_n = measure(filtered, data, args.repeat)
        e_s, e_mem, e_n = measure(every_page, data, args.repeat)
        print(f"{name:36} {f_s:10.3f} {e_s:12.3f} {e_s / f_s:7.1f}x {f_mem:6.1f}/{e_mem:<7.1f} {f_n}/{e_n}")


if __name__ == "__main__":
    main()
