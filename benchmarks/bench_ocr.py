"""Seconds per scanned page on one core: the OCR reader (only table pages and the title area, text lines found
from the ink, values packed into shared recogniser calls) beside full-page OCR of the same pages (RapidOCR's
detection + recognition on every page, rendered at the same resolution), and peak memory (RSS) of each.

Runs on the corpus scans (../shared/corpus/*_scan.pdf) and a generated report as degraded scans (pipeline.synth):
ruled and upright, pages turned and skewed beyond 6°, tables printed without rules.
Each measurement runs in a fresh process pinned to one CPU, with onnxruntime on one thread.
Usage: python benchmarks/bench_ocr.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.devdata import corpus_files  # noqa: E402  (light: the OCR modules are imported after _one_core)


def _one_core() -> None:
    os.environ["OGI_OCR_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def ours(path: Path, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from pipeline.ocr import engine
    from pipeline.readers.pdf import read_pdf

    engine._load()
    data = path.read_bytes()
    best, doc = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        doc = read_pdf(data)
        best = min(best, time.perf_counter() - t0)
    assert doc is not None
    return {"seconds": best, "pages": int(doc.meta["pdf_pages"]), "ocr_pages": doc.meta.get("ocr_pages", ""),
            "tables": len(doc.tables)}


def full_page(path: Path, repeat: int) -> dict:
    """The baseline: every page rendered at the scan's resolution and OCR'd in full (detection + recognition)."""
    import pypdfium2 as pdfium
    from rapidocr import RapidOCR

    sys.path.insert(0, str(ROOT))
    from pipeline.ocr.pdf import _native_dpi, _render

    ocr = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                           "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                           "EngineConfig.onnxruntime.inter_op_num_threads": 1})
    doc = pdfium.PdfDocument(path.read_bytes())
    best, n_lines = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        n_lines = 0
        for page in doc:
            out = ocr(_render(page, _native_dpi(page)))
            n_lines += len(out.txts or ())
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "pages": len(doc), "lines": n_lines}


def measure(method: str, path: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", method, str(path), "--repeat", str(repeat)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{method} on {path.name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def generated_scans(folder: Path) -> list[Path]:
    """A generated report as degraded scans: ruled and upright; pages turned by quarter turns and skewed beyond
    6°; tables printed without rules."""
    sys.path.insert(0, str(ROOT))
    try:
        from pipeline.synth import generate
        from pipeline.synth.render_scan import FontMissing, ScanQuirks, render_scan_pdf

        base = ScanQuirks(seed=4, filler_paragraphs=3)
        cases = {"": base, "_turned_skewed": replace(base, turns=(0, 1, 2), min_angle=6.0, max_angle=12.0),
                 "_borderless": replace(base, rules="none")}
        out = []
        for name, q in cases.items():
            path = folder / f"generated_2022{name}_scan.pdf"
            path.write_bytes(render_scan_pdf(generate(random.Random(4), year=2022), q))
            out.append(path)
    except FontMissing:
        return []
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--one", nargs=2, metavar=("METHOD", "PDF"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one_core()
        method, path = args.one
        result = (ours if method == "ours" else full_page)(Path(path), args.repeat)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="ogi-bench-ocr-") as tmp:
        files = corpus_files("*_scan.pdf")
        files += generated_scans(Path(tmp))
        if not files:
            print("no scans to measure (no ../shared/corpus and no CJK font for a generated one)")
            return
        rows, tot = [], {"ours": 0.0, "full": 0.0, "pages": 0}
        for f in files:
            a = measure("ours", f, args.repeat)
            b = measure("full", f, args.repeat)
            tot["ours"] += a["seconds"]
            tot["full"] += b["seconds"]
            tot["pages"] += a["pages"]
            rows.append(f"| {f.name} | {a['pages']} | {a['ocr_pages'] or '-'} | **{a['seconds'] / a['pages']:.2f}** | "
                        f"{b['seconds'] / b['pages']:.2f} | {b['seconds'] / a['seconds']:.1f}× | "
                        f"{a['peak_rss_mb']:.0f} | {b['peak_rss_mb']:.0f} |")
    print("| scanned PDF | pages | pages read | OCR reader s/page | full-page OCR s/page (baseline) | speed-up | "
          "peak RSS MB | baseline peak RSS MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(f"| **all** | {tot['pages']} | | **{tot['ours'] / tot['pages']:.2f}** | {tot['full'] / tot['pages']:.2f} | "
          f"{tot['full'] / tot['ours']:.1f}× | | |")
    print()
    print(f"One core (pinned, onnxruntime 1 thread), best of {args.repeat}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs. The OCR reader's time includes rendering, deskewing, grid recovery, the finer "
          "pass and stitching; the baseline only renders and runs detection + recognition on every page.")


if __name__ == "__main__":
    main()
