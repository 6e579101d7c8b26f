#!/usr/bin/env python3
"""The benchmark suite (`make bench`): where the time goes per document, and throughput per engine.

First the per-document measures (bench_speed.py, CPU time, each beside its baseline measured in the same
process): PDF documents per second against pdfplumber on every page, HTML pages against a whole-page
BeautifulSoup parse and pandas.read_html, the fixed cost of a 2 KB document. Then the workload of
bench_engines.py: the baselines and every engine configuration (serial; process pool and Dask LocalCluster
with 1 and 2 workers), each in its own process, the reader benchmark (bench_extract.py), the OCR benchmark
(bench_ocr.py) and the hostile-input benchmark (bench_hostile.py). With --against REV the same measures run
on that commit's pipeline (git archive into a temporary folder) in the same run, so before and after share
the machine's load. Prints Markdown and writes benchmarks/results.md: documents per second and peak memory
beside the baselines, the scaling from 1 to 2 workers, and a projection of the wall time for 100,000 reports.
Usage: python benchmarks/run_all.py [--against REV] [--scale 1.0] [--no-readers] [--no-ocr] [--no-hostile]
[--out benchmarks/results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
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


SPEED_PY = HERE / "bench_speed.py"
ISSUE_MIXED = 25.9  # mixed docs/s on one worker when issue 14 was filed (serial ×1 of this workload then)


def run_json(*args: str, script: Path = ENGINES_PY, code: Path | None = None) -> Any:
    """Run a benchmark script with args in a fresh interpreter (the pipeline of checkout `code` when given);
    its last stdout line is JSON."""
    env = {**os.environ, "OGI_BENCH_CODE": str(code)} if code else None
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False,
                          env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{script.name} {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def checkout(rev: str, folder: Path) -> Path:
    """The files of commit `rev` in folder (git archive): the code measured as 'before'."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


# ---- per-document measures (bench_speed.py) -----------------------------------------------------------------
PDF_GROUPS = (("4–6-page reports: corpus (WPS/Word)", ("corpus",)), ("4–6-page reports: office fixtures "
              "(LibreOffice)", ("fixtures",)), ("4–6-page reports: generated (reportlab, STSong-Light)", ("generated",)),
              ("browser-printed (corpus, 8–9 pages)", ("browser",)), ("generated long reports (40+ pages)", ("long",)))


def _rate(rows: list[dict[str, Any]], key: str) -> float:
    secs = sum(r[key] for r in rows)
    return len(rows) / secs if secs else float("nan")


def speed_lines(now: dict[str, Any], before: dict[str, Any] | None, rev: str | None,
                mixed_now: float, mixed_before: float | None) -> list[str]:
    """The issue-14 targets, then the details per document."""
    b = f"before ({rev}, same run)" if rev else "before"
    out = ["CPU time per document (time.process_time, median of repeated runs, one process): the machine is "
           "shared, so each measure sits beside its baseline measured in the same process, alternated, and "
           + (f"beside the pipeline of {rev} (the code before issue 14) run in the same `make bench`."
              if rev else "`--against REV` adds the code of another commit."), "",
           f"| measure | now | baseline, same run | now vs baseline | target | {b} |",
           "|---|---:|---|---:|---|---:|"]
    pdf_now, pdf_before = now["pdf"], (before or {}).get("pdf")
    four_to_six = [r for r in pdf_now if r["group"] in ("corpus", "fixtures", "generated")]
    groups = [("PDF, all 4–6-page reports", ("corpus", "fixtures", "generated"))] + list(PDF_GROUPS)
    for label, keys in groups:
        rows = [r for r in pdf_now if r["group"] in keys]
        if not rows:
            continue
        ours, base = _rate(rows, "ours_s"), _rate(rows, "pdfplumber_s")
        prev = [r for r in pdf_before or [] if r["group"] in keys]
        target = "≥ 3×" if keys == ("corpus", "fixtures", "generated") else ""
        out.append(f"| {label}, docs/s ({len(rows)} docs) | **{ours:.1f}** | pdfplumber on every page: {base:.1f} "
                   f"| **{ours / base:.1f}×** | {target} | {_rate(prev, 'ours_s'):.1f} |" if prev else
                   f"| {label}, docs/s ({len(rows)} docs) | **{ours:.1f}** | pdfplumber on every page: {base:.1f} "
                   f"| **{ours / base:.1f}×** | {target} | — |")
    html = now["html"]
    ours, bs4, pdm = (sum(r[k] for r in html) / len(html) for k in ("ours_ms", "bs4_ms", "pandas_ms"))
    prev_html = (before or {}).get("html")
    prev = f"{sum(r['ours_ms'] for r in prev_html) / len(prev_html):.2f}" if prev_html else "—"
    out.append(f"| HTML end to end, ms per page ({len(html)} pages) | **{ours:.2f}** | whole-page BeautifulSoup: "
               f"{bs4:.2f}; pandas.read_html: {pdm:.2f} | **{ours / bs4:.2f}** of bs4; {ours / pdm:.2f}× pandas "
               f"| ≤ 1/3 of bs4 | {prev} |")
    over = now["overhead"]
    med = statistics.median(r["overhead_ms"] for r in over)
    prev_over = (before or {}).get("overhead")
    prev = f"{statistics.median(r['overhead_ms'] for r in prev_over):.2f}" if prev_over else "—"
    out.append(f"| per-document overhead on a 2 KB text, ms (extract − read; median of {len(over)}) | **{med:.2f}** "
               f"| reading alone: {statistics.median(r['read_ms'] for r in over):.2f} | | ≤ 1 ms | {prev} |")
    prev = f"{mixed_before:.1f}" if mixed_before else "—"
    ratio = f"{mixed_now / mixed_before:.2f}× before" if mixed_before else f"{mixed_now / ISSUE_MIXED:.2f}× 25.9"
    out.append(f"| mixed docs/s per worker (serial ×1, wall time, the engines' workload) | **{mixed_now:.1f}** | "
               f"issue 14's today: {ISSUE_MIXED} | **{ratio}** | ≥ 2× | {prev} |")
    out += ["", f"PDF: the 4–6-page reports as a whole run **{_rate(four_to_six, 'ours_s') / _rate(four_to_six, 'pdfplumber_s'):.1f}×** "
            "pdfplumber on every page. Per document (ms of CPU; fast pages: table pages read through pdfium; "
            "declined: the pages pdfplumber read, and why):", "",
            "| document | group | pages | ms now | ms pdfplumber | × | " + (f"ms {rev} | " if pdf_before else "")
            + "status | fast pages | declined |", "|---|---|---:|---:|---:|---:|" + ("---:|" if pdf_before else "")
            + "---|---|---|"]
    prev_by = {r["name"]: r for r in pdf_before or []}
    for r in pdf_now:
        p = prev_by.get(r["name"])
        out.append(f"| {r['name']} | {r['group']} | {r['pages']} | {1000 * r['ours_s']:.0f} | "
                   f"{1000 * r['pdfplumber_s']:.0f} | {r['pdfplumber_s'] / r['ours_s']:.1f} | "
                   + (f"{1000 * p['ours_s']:.0f} | " if pdf_before and p else "— | " if pdf_before else "")
                   + f"{r['status']} | {r['fast_pages'] or ''} | {r['declined'][:120]} |")
    out += ["", "HTML pages (ms of CPU):", "", "| page | KB | ms now | bs4 | pandas.read_html | now ÷ bs4 | "
            + (f"ms {rev} | " if prev_html else "") + "status |", "|---|---:|---:|---:|---:|---:|"
            + ("---:|" if prev_html else "") + "---|"]
    prev_by = {r["name"]: r for r in prev_html or []}
    for r in html:
        p = prev_by.get(r["name"])
        out.append(f"| {r['name']} | {r['kb']:.0f} | {r['ours_ms']:.2f} | {r['bs4_ms']:.2f} | {r['pandas_ms']:.2f} | "
                   f"{r['ours_ms'] / r['bs4_ms']:.2f} | " + (f"{p['ours_ms']:.2f} | " if p else "— | " if prev_html
                                                             else "") + f"{r['status']} |")
    out += ["", "Small texts (ms of CPU): what a document costs outside its reader (metadata, tables, checks, "
            "sections, the report's columns):", "", "| text | KB | extract | read | overhead | "
            + (f"overhead {rev} | " if prev_over else "") + "status |",
            "|---|---:|---:|---:|---:|" + ("---:|" if prev_over else "") + "---|"]
    prev_by = {r["name"]: r for r in prev_over or []}
    for r in over:
        p = prev_by.get(r["name"])
        out.append(f"| {r['name']} | {r['kb']:.1f} | {r['extract_ms']:.2f} | {r['read_ms']:.2f} | "
                   f"{r['overhead_ms']:.2f} | " + (f"{p['overhead_ms']:.2f} | " if p else "— | " if prev_over else "")
                   + f"{r['status']} |")
    return out


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
    ap.add_argument("--against", metavar="REV", help="also measure the pipeline of this commit (same run)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the workload's document counts")
    ap.add_argument("--no-readers", action="store_true", help="skip bench_extract.py")
    ap.add_argument("--no-ocr", action="store_true", help="skip bench_ocr.py")
    ap.add_argument("--no-hostile", action="store_true", help="skip bench_hostile.py")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    args = ap.parse_args()
    t0 = time.perf_counter()
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ogi-bench-") as tmp:
        old = checkout(args.against, Path(tmp) / "before") if args.against else None
        generated = Path(tmp) / "generated"
        made = run_json("--part", "build", "--workload", str(generated), script=SPEED_PY)["result"]
        print(f"generated PDFs: {made}", file=sys.stderr)
        speed: dict[str, Any] = {}
        before: dict[str, Any] | None = {} if old else None
        for part in ("pdf", "html", "overhead"):
            print(f"measuring {part} …", file=sys.stderr)
            speed[part] = run_json("--part", part, "--workload", str(generated), script=SPEED_PY)["result"]
            if old and before is not None:
                before[part] = run_json("--part", part, "--workload", str(generated), script=SPEED_PY,
                                        code=old)["result"]
        workload = Path(tmp) / "workload"
        sizes = run_json("--build", str(workload), "--scale", str(args.scale))
        print(f"workload: {sizes}", file=sys.stderr)
        base = run_json("--workload", str(workload), "--baselines")
        runs: dict[tuple[str, int], Any] = {}
        for engine, n in CONFIGS:
            print(f"measuring {engine} ×{n} …", file=sys.stderr)
            runs[(engine, n)] = run_json("--workload", str(workload), "--engine", engine, "--workers", str(n))
        mixed_before = None
        if old:
            print(f"measuring serial ×1 on {args.against} …", file=sys.stderr)
            docs, secs = totals(run_json("--workload", str(workload), "--engine", "serial", "--workers", "1",
                                         code=old))
            mixed_before = docs / secs
    load1 = os.getloadavg()
    docs, secs = totals(runs[("serial", 1)])
    scaling, speedups = scaling_lines(runs)
    lines = ["# Benchmarks (`make bench`)", "",
             f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
             f"load average {load0[0]:.1f} before and {load1[0]:.1f} after the runs (other jobs on this "
             "machine share the cores: a load above the CPU count lowers the 2-worker figures).", "",
             "## Where the time goes (issue 14 targets)", ""]
    lines += speed_lines(speed, before, args.against, docs / secs, mixed_before)
    lines += ["", "## Extraction throughput", "",
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
