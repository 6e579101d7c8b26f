"""Worker processes never outlive `ogi extract`: kill -9 or SIGTERM of the command takes every worker with it
(process pool and Dask LocalCluster), and SIGTERM stops the executor cleanly (exit 143, nothing left)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.workers import Limits, default_address_space, parse_bytes, parse_seconds

REPO = Path(__file__).resolve().parents[1]
PDF = REPO / "tests" / "fixtures" / "office" / "report_2021.pdf"


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def descendants(pid: int) -> set[int]:
    kids, out, todo = _children(), set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in out:
                out.add(k)
                todo.append(k)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = {p for p in pids if alive(p)}
        if not left:
            return set()
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 copies of a PDF report (each a distinct document): tens of seconds of work for two workers."""
    folder = tmp_path_factory.mktemp("slow")
    data = PDF.read_bytes()
    for i in range(40):
        (folder / f"r{i:02d}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    return folder


def start_extract(folder: Path, out: Path, *engine: str) -> tuple[subprocess.Popen, set[int]]:
    """`ogi extract` in a child process; returns it once `n` extraction workers run, with its descendants."""
    if shutil.which("ogi", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the ogi command is not installed in this environment")
    cmd = [str(Path(sys.executable).parent / "ogi"), "extract", str(folder), "--out", str(out), "--quiet", *engine]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    found: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        found = descendants(proc.pid)
        if len(found) >= 3 and any(_busy(p) for p in found):  # forkserver and workers (or a cluster) at work
            time.sleep(0.5)
            return proc, descendants(proc.pid)
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"no busy worker within 60 s (descendants {found}): {proc.stderr.read().decode()[-2000:]}")


def _busy(pid: int) -> bool:
    """True when the process has used CPU time (utime+stime over 0.3 s), i.e. it is extracting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[11]) + int(fields[12]) > 30  # clock ticks (100 per second)


@pytest.mark.parametrize("engine", [("--engine", "processes", "--workers", "2"), ("--engine", "serial")],
                         ids=["processes", "serial"])
def test_kill_9_of_ogi_extract_takes_the_workers_with_it(slow_folder, tmp_path, engine):
    proc, workers = start_extract(slow_folder, tmp_path / "out", *engine)
    assert workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_gone(workers, 10) == set()
    assert not (tmp_path / "out" / "reports.parquet").exists()


def test_sigterm_of_ogi_extract_stops_the_pool_cleanly(slow_folder, tmp_path):
    proc, workers = start_extract(slow_folder, tmp_path / "out", "--engine", "processes", "--workers", "2")
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    assert code == 128 + signal.SIGTERM, proc.stderr.read().decode()[-2000:]
    assert time.monotonic() - t0 < 10
    assert wait_gone(workers, 5) == set()
    assert "Traceback" not in proc.stderr.read().decode()


def test_kill_9_of_ogi_extract_on_a_local_dask_cluster(slow_folder, tmp_path):
    pytest.importorskip("dask.distributed")
    proc, workers = start_extract(slow_folder, tmp_path / "out", "--engine", "dask", "--workers", "1")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_gone(workers, 20) == set()


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("OGI_TIME_LIMIT", "2.5")
    monkeypatch.setenv("OGI_WORKER_MEMORY", "1500MB")
    assert Limits.default(2) == Limits(2.5, 1_500_000_000)
    monkeypatch.setenv("OGI_TIME_LIMIT", "0")
    monkeypatch.setenv("OGI_WORKER_MEMORY", "none")
    assert Limits.default(2) == Limits(None, None)
    monkeypatch.delenv("OGI_TIME_LIMIT")
    monkeypatch.delenv("OGI_WORKER_MEMORY")
    assert Limits.default(1) == Limits(300.0, default_address_space(1))
    assert 3 * 2**30 <= default_address_space(64) <= default_address_space(1) <= 8 * 2**30
    assert parse_bytes("4GiB") == 4 * 2**30 and parse_seconds("none") is None
    with pytest.raises(ValueError):
        parse_bytes("lots")
