#!/usr/bin/env python3
"""The benchmark suite (`make bench`): extraction throughput per format, engine and worker count.

Builds the workload of bench_engines.py in a temporary folder, measures the baselines and every engine
configuration (serial; process pool and Dask LocalCluster with 1 and 2 workers), each in its own process,
then the reader benchmark (bench_extract.py), the OCR benchmark (bench_ocr.py) and the hostile-input
benchmark (bench_hostile.py). Prints Markdown and writes it to benchmarks/results.md: documents per second
and peak memory beside the baselines, the scaling from 1 to 2 workers, and a
projection of the wall time for 100,000 reports.
Usage: python benchmarks/run_all.py [--scale 1.0] [--no-readers] [--no-ocr] [--no-hostile] [--out benchmarks/results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ENGINES_PY = HERE / "bench_engines.py"
CONFIGS = (("serial", 1), ("processes", 1), ("processes", 2), ("dask", 1), ("dask", 2))
FORMATS = ("html", "text", "word", "pdf")
LABEL = {"html": "HTML pages", "text": "pipe text", "word": "Word (.docx)", "pdf": "PDF"}
MIX = {"pdf": 0.60, "html": 0.25, "word": 0.10, "text": 0.05}  # assumed national mix for the projection
PROJECT_N = (1, 2, 8, 32, 128)
N_REPORTS = 100_000


def run_json(*args: str) -> Any:
    """Run bench_engines.py with args in a fresh interpreter; its last stdout line is JSON."""
    proc = subprocess.run([sys.executable, str(ENGINES_PY), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench_engines.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rate(m: dict[str, Any]) -> float:
    return m["docs"] / m["seconds"] if m["seconds"] else float("nan")


def totals(run: dict[str, Any], with_startup: bool = False) -> tuple[int, float]:
    docs = sum(m["docs"] for m in run["formats"].values())
    secs = sum(m["seconds"] + (m["startup"] if with_startup else 0.0) for m in run["formats"].values())
    return docs, secs


def throughput_table(sizes: dict[str, Any], runs: dict[tuple[str, int], Any], base: dict[str, Any]) -> list[str]:
    heads = [f"{e} ×{n}" for e, n in CONFIGS]
    out = ["| format | docs | KB/doc | " + " | ".join(heads) + " | baseline (1 process) |",
           "|---|---:|---:|" + "---:|" * len(heads) + "---|"]
    for fmt in FORMATS:
        cells = []
        for cfg in CONFIGS:
            m = runs[cfg]["formats"][fmt]
            cells.append(f"**{rate(m):.1f}** · {m['worker_peak_mb']:.0f} MB")
        b = base.get(fmt)
        bcell = (f"{b['tool']}: **{b['docs'] / b['seconds']:.1f}** docs/s on {b['docs']} docs"
                 + (f" ({b['failed']} unreadable)" if b["failed"] else "")) if b else "—"
        out.append(f"| {LABEL[fmt]} | {sizes[fmt]['docs']} | {sizes[fmt]['kb']:.0f} | " + " | ".join(cells)
                   + f" | {bcell} |")
    cells = []
    for cfg in CONFIGS:
        docs, secs = totals(runs[cfg])
        cells.append(f"**{docs / secs:.1f}** · main {runs[cfg]['main_peak_mb']:.0f} MB")
    out.append(f"| **all (mixed)** | {sum(s['docs'] for s in sizes.values())} | | " + " | ".join(cells)
               + f" | baselines' process peak {base['peak_mb']:.0f} MB |")
    starts = [f"{sum(m['startup'] for m in runs[c]['formats'].values()) / len(FORMATS):.2f} s" for c in CONFIGS]
    out.append("| start-up (mean per executor) | | | " + " | ".join(starts) + " | |")
    return out


def scaling_lines(runs: dict[tuple[str, int], Any]) -> tuple[list[str], dict[str, float]]:
    out = ["| engine | " + " | ".join(LABEL[f] for f in FORMATS) + " | **mixed, excl. start-up** | mixed, incl. start-up |",
           "|---|" + "---:|" * (len(FORMATS) + 2)]
    speedups: dict[str, float] = {}
    for engine in ("processes", "dask"):
        one, two = runs[(engine, 1)], runs[(engine, 2)]
        cells = [f"{rate(two['formats'][f]) / rate(one['formats'][f]):.2f}×" for f in FORMATS]
        d1, s1 = totals(one)
        d2, s2 = totals(two)
        speedups[engine] = (d2 / s2) / (d1 / s1)
        d1s, s1s = totals(one, True)
        d2s, s2s = totals(two, True)
        incl = (d2s / s2s) / (d1s / s1s)
        out.append(f"| {engine} | " + " | ".join(cells) + f" | **{speedups[engine]:.2f}×** "
                   f"(efficiency {speedups[engine] / 2:.0%}) | {incl:.2f}× |")
    return out, speedups


def projection_lines(runs: dict[tuple[str, int], Any], speedup: float) -> list[str]:
    one = runs[("processes", 1)]["formats"]
    per_doc = sum(MIX[f] * one[f]["seconds"] / one[f]["docs"] for f in FORMATS)
    two = runs[("processes", 2)]["formats"]
    client = sum(MIX[f] * two[f]["client_seconds"] / two[f]["docs"] for f in FORMATS)
    eff = speedup / 2
    out = ["Mix assumed: " + ", ".join(f"{MIX[f]:.0%} {LABEL[f]}" for f in ("pdf", "html", "word", "text"))
           + f"; per-format seconds per document from `processes ×1` → {per_doc * 1000:.0f} ms per report on one "
           f"worker. N workers at the measured 1→2 efficiency ({eff:.0%}) per added worker, start-up (seconds) "
           f"excluded, and never faster than the calling process can decode the results ({client * 1000:.1f} ms "
           f"per report measured, i.e. at most {1 / client:.0f} reports/s):", "",
           "| workers | " + " | ".join(str(n) for n in PROJECT_N) + " |",
           "|---|" + "---:|" * len(PROJECT_N)]
    cells = []
    for n in PROJECT_N:
        secs = max(N_REPORTS * per_doc / (1 if n == 1 else n * eff), N_REPORTS * client)
        cells.append(f"{secs / 3600:.1f} h" if secs >= 3600 else f"{secs / 60:.0f} min")
    out.append(f"| wall time for {N_REPORTS:,} reports | " + " | ".join(cells) + " |")
    return out


def reader_benchmark() -> list[str]:
    """bench_extract.py's table (reader and full extraction vs BeautifulSoup/pandas, one core), shortened runs."""
    proc = subprocess.run([sys.executable, str(HERE / "bench_extract.py"), "--min-time", "0.2", "--max-runs", "20"],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return [f"bench_extract.py failed: {proc.stderr[-500:]}"]
    return proc.stdout.strip().splitlines()


def ocr_benchmark() -> list[str]:
    """bench_ocr.py's table: seconds per scanned page and peak memory beside full-page OCR (needs the extra)."""
    proc = subprocess.run([sys.executable, str(HERE / "bench_ocr.py")], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return [f"bench_ocr.py failed (is the OCR extra installed?): {proc.stderr[-500:]}"]
    return proc.stdout.strip().splitlines()


def hostile_benchmark() -> list[str]:
    """bench_hostile.py: a batch of hostile documents beside good ones, the isolation cost, the hot spots."""
    proc = subprocess.run([sys.executable, str(HERE / "bench_hostile.py")], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        return [f"bench_hostile.py failed: {proc.stderr[-500:]}"]
    return proc.stdout.strip().splitlines()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the workload's document counts")
    ap.add_argument("--no-readers", action="store_true", help="skip bench_extract.py")
    ap.add_argument("--no-ocr", action="store_true", help="skip bench_ocr.py")
    ap.add_argument("--no-hostile", action="store_true", help="skip bench_hostile.py")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    args = ap.parse_args()
    t0 = time.perf_counter()
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ogi-bench-") as tmp:
        workload = Path(tmp) / "workload"
        sizes = run_json("--build", str(workload), "--scale", str(args.scale))
        print(f"workload: {sizes}", file=sys.stderr)
        base = run_json("--workload", str(workload), "--baselines")
        runs: dict[tuple[str, int], Any] = {}
        for engine, n in CONFIGS:
            print(f"measuring {engine} ×{n} …", file=sys.stderr)
            runs[(engine, n)] = run_json("--workload", str(workload), "--engine", engine, "--workers", str(n))
    load1 = os.getloadavg()
    scaling, speedups = scaling_lines(runs)
    lines = ["# Benchmarks (`make bench`)", "",
             f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
             f"load average {load0[0]:.1f} before and {load1[0]:.1f} after the engine runs (other jobs on this "
             "machine share the cores: a load above the CPU count lowers the 2-worker figures).", "",
             "## Extraction throughput", "",
             "Documents per second (**bold**) and peak RSS of any one worker process (MB: for serial, the whole "
             "process) for each engine × worker count. Each format runs on a fresh executor; start-up is timed "
             "apart and excluded; the clock stops when the last Report is decoded in the calling process. "
             "Baselines run in one process on the same files (at most 40 per format) and only find tables; "
             "extraction also normalises and checks them.", ""]
    lines += throughput_table(sizes, runs, base)
    lines += ["", "## Scaling from 1 to 2 workers", "", "Speed-up of 2 workers over 1 (same engine, same documents):", ""]
    lines += scaling
    lines += ["", "## Projection: 100,000 reports", ""]
    lines += projection_lines(runs, speedups["processes"])
    lines += ["", "The workload's PDFs have 4–6 pages (three real reports of ../shared/corpus and the generated "
              "fixtures); longer reports cost more per document, as the reader opens more pages, so the PDF share "
              "dominates real runs. Scanned PDFs are not in this workload: their OCR is measured below."]
    if not args.no_readers:
        lines += ["", "## Reader benchmark (bench_extract.py, one core)", ""] + reader_benchmark()
    if not args.no_ocr:
        lines += ["", "## OCR of scanned reports (bench_ocr.py, one core)", ""] + ocr_benchmark()
    if not args.no_hostile:
        lines += ["", "## Hostile input (bench_hostile.py)", ""] + hostile_benchmark()
    lines += ["", f"Total benchmark time {time.perf_counter() - t0:.0f} s."]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
