"""A batch of hostile documents beside good ones through `ogi extract` (a real process pool): every file gets a
row, the good ones are ok, none hits the time limit, the workers' memory stays bounded, and what was not read
(a FIFO, a symbolic link out of the folder) is listed. benchmarks/bench_hostile.py times the same batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.synth.hostile import hostile_batch

REPO = Path(__file__).resolve().parents[1]
OFFICE = REPO / "tests" / "fixtures" / "office"
# runs a command and prints the peak RSS (KiB) of all its descendants: ru_maxrss of the waited-for children
PEAK = ("import json, resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(json.dumps({'code': p.returncode, 'stderr': p.stderr, "
        "'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")


def good_documents() -> dict[str, bytes]:
    from pipeline.synth.hostile import good_documents as generated

    return generated(OFFICE, districts=2, departments=0, n=4)


def test_hostile_batch_beside_good_documents(tmp_path):
    ogi = Path(sys.executable).parent / "ogi"
    if not ogi.exists():
        pytest.skip("the ogi command is not installed in this environment")
    folder, out = tmp_path / "batch", tmp_path / "out"
    good = good_documents()
    hostile = hostile_batch(folder, good, (OFFICE / "report_2021.pdf").read_bytes(), outside=tmp_path / "outside")
    cmd = [sys.executable, "-c", PEAK, str(ogi), "extract", str(folder), "--out", str(out), "--quiet",
           "--engine", "processes", "--workers", "2", "--time-limit", "30"]
    run = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600).stdout)
    assert run["code"] == 0, run["stderr"][-3000:]
    reports = pd.read_parquet(out / "reports.parquet")
    errors = reports["error"].astype(object).where(reports["error"].notna(), "")
    names = reports["source_path"].map(lambda p: Path(p).name)
    rows = dict(zip(names, zip(reports["status"], errors, strict=True), strict=True))
    assert set(rows) == set(good) | set(hostile)  # every file a row; the FIFO and the link are not read
    assert {name: rows[name][0] for name in good} == dict.fromkeys(good, "ok")
    assert not [name for name, (_status, err) in rows.items() if err.startswith("time limit")]
    assert rows["bomb.docx"][1].startswith("zip bomb") and rows["bomb.xlsx"][1].startswith("zip bomb")
    assert rows["archive.txt"][1].startswith("several reports in one document")
    assert rows["empty.pdf"][0] == rows["garbage.html"][0] == rows["truncated.pdf"][0] == "failed"
    assert rows["garbage.doc"][1].startswith("binary content of no supported format")
    assert "escape.txt: symbolic link" in run["stderr"] and "pipe.txt: not a regular file" in run["stderr"]
    assert "secret" not in " ".join(reports["source_path"])
    assert run["peak_kib"] < 2 * 2**20, f"peak RSS {run['peak_kib'] / 2**20:.1f} GiB"  # any one process
