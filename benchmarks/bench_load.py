"""Benchmark the loader on a generated corpus of N reports (tables only, no HTTP).

    .venv/bin/python benchmarks/bench_load.py [--reports 10000] [--seed-reports 252]

A few hundred reports are generated with pipeline.synth and extracted for real (district corpora of several
cities, both templates); their frames are then replicated with new report_ids and agency names (city k of
each copy) up to N reports, saved as Parquet, and loaded by a fresh subprocess so that its peak memory
(ru_maxrss; tracemalloc for Python objects; the Arrow pool) is the loader's. Prints the time per load stage
and output sizes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import schema  # noqa: E402
from pipeline.batch import combine  # noqa: E402
from pipeline.executors import RawDoc, extract_files  # noqa: E402
from pipeline.extraction import TABLE_NAMES  # noqa: E402
from pipeline.load import build_release  # noqa: E402
from pipeline.synth import district_corpus, render_pipe_text  # noqa: E402


def seed_frames(n: int) -> dict[str, pd.DataFrame]:
    reports, seed = [], 0
    while len(reports) < n:
        reports += district_corpus(seed, n_districts=4, n_departments=3)
        seed += 1
    extracted = extract_files([RawDoc(f"{s.year}_{s.agency}.txt", render_pipe_text(s).encode("utf-8"))
                               for s in reports[:n]])
    return combine(extracted)


def replicate(frames: dict[str, pd.DataFrame], n: int) -> dict[str, pd.DataFrame]:
    """Copies of the seed frames with new report_ids (sha256 of id + copy) and agencies (城k prefix)."""
    base = len(frames["reports"])
    copies = -(-n // base)
    out: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLE_NAMES}
    for k in range(copies):
        ids = {r: hashlib.sha256(f"{r}:{k}".encode()).hexdigest() for r in frames["reports"]["report_id"]}
        for t in TABLE_NAMES:
            df = frames[t].copy()
            df["report_id"] = df["report_id"].map(ids).astype("string")
            if t == "reports":
                df["agency"] = (f"城{k}" + df["agency"]).astype("string")
                df["region"] = (f"城{k}" + df["region"].fillna("")).astype("string")
            out[t].append(df)
    merged = {t: pd.concat(parts, ignore_index=True) for t, parts in out.items()}
    keep = set(merged["reports"]["report_id"].iloc[:n])
    return {t: df[df["report_id"].isin(keep)].reset_index(drop=True) for t, df in merged.items()}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_only(frames_dir: Path, out: Path) -> None:
    """In a fresh process: read the frames, build the release, report timings, sizes and peak memory."""
    frames = {t: pq.read_table(frames_dir / f"{t}.parquet").to_pandas(types_mapper=schema._PANDAS_TYPES.get)
              for t in TABLE_NAMES}
    rss_before = _rss_mb()
    tracemalloc.start()
    t = time.perf_counter()
    release = build_release(frames, out, run_info={"benchmark": True})
    wall = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    print(f"\nload of {len(frames['reports']):,} reports: {wall:.1f} s (wall, under tracemalloc)")
    for stage, s in manifest["timings_s"].items():
        print(f"  {stage:<12} {s:8.2f} s")
    print("\noutput sizes")
    for name in ("parquet", "csv"):
        print(f"  {name + '/':<16} {_size(release / name) / 1e6:8.1f} MB")
    for name in ("ogi.duckdb", "datapackage.json", "manifest.json"):
        print(f"  {name:<16} {(release / name).stat().st_size / 1e6:8.1f} MB")
    print(f"  {'total':<16} {manifest['bytes'] / 1e6:8.1f} MB")
    print("\nrow counts: " + ", ".join(f"{k} {v:,}" for k, v in manifest["row_counts"].items()))
    print(f"\npeak memory of the loading process: ru_maxrss {_rss_mb():.0f} MB ({rss_before:.0f} MB with the "
          f"input frames read, before the load); tracemalloc peak {peak / 1e6:.0f} MB (Python objects); "
          f"Arrow pool peak {pa.default_memory_pool().max_memory() / 1e6:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--seed-reports", type=int, default=252)
    ap.add_argument("--keep", type=Path, help="build the release here instead of a temporary folder")
    ap.add_argument("--load-from", type=Path, help=argparse.SUPPRESS)  # internal: the loading subprocess
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load_from:
        load_only(args.load_from, args.out)
        return

    work = Path(tempfile.mkdtemp(prefix="bench_load_"))
    try:
        t = time.perf_counter()
        seed = seed_frames(args.seed_reports)
        print(f"seed: {len(seed['reports'])} reports generated and extracted in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        frames = replicate(seed, args.reports)
        print(f"replicated to {len(frames['reports']):,} reports in {time.perf_counter() - t:.1f} s: "
              + ", ".join(f"{k} {len(v):,}" for k, v in frames.items()))
        (work / "frames").mkdir()
        for name, df in frames.items():
            pq.write_table(pa.Table.from_pandas(df, schema=schema.arrow_schema(name), preserve_index=False),
                           work / "frames" / f"{name}.parquet")
        del seed, frames
        out = args.keep or work / "out"
        subprocess.run([sys.executable, __file__, "--load-from", str(work / "frames"), "--out", str(out)],
                       check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
