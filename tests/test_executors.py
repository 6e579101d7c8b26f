"""The executor seam: serial, a process pool and Dask (a real LocalCluster) give the same tables.

One LocalCluster (2 worker processes) serves the whole module; a worker that crashes or raises turns into a
failed report row for its document only.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import schema
from pipeline.batch import combine, discover
from pipeline.executors import (
    ENGINES,
    Item,
    Outcome,
    RawDoc,
    check_engine,
    extract_files,
    item_name,
    open_executor,
    resolve,
    run_items,
    run_one,
)
from pipeline.extraction import TABLE_NAMES
from pipeline.synth import district_corpus, render_html_page, render_pipe_text
from pipeline.workers import Limits

OFFICE = Path(__file__).parent / "fixtures" / "office"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Generated text and HTML reports, a Word and a PDF fixture, and one broken file."""
    folder = tmp_path_factory.mktemp("mixed")
    reports = district_corpus(11, n_districts=2, n_departments=0)[:6]
    for i, rep in enumerate(reports):
        if i % 2:
            (folder / f"{rep.year}_{i}.txt").write_text(render_pipe_text(rep), encoding="utf-8")
        else:
            (folder / f"{rep.year}_{i}.html").write_bytes(render_html_page(rep))
    shutil.copy(OFFICE / "report_2021.docx", folder / "word.docx")
    shutil.copy(OFFICE / "report_2021.pdf", folder / "scan.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(3).randbytes(2000))
    return discover([folder])


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: 2 worker processes; a task whose worker dies fails at once (no retry)."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": 1.0}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None,
                                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as lc:
            yield lc


@pytest.fixture(scope="module")
def serial_tables(mixed: list[Path]) -> dict[str, pd.DataFrame]:
    return combine(extract_files(mixed, engine="serial"))


def sorted_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order (every column, report_id first), so completion order does not matter."""
    return df.sort_values(list(df.columns), na_position="first", kind="stable").reset_index(drop=True)


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert set(a) == set(b) == set(TABLE_NAMES)
    for t in TABLE_NAMES:
        pd.testing.assert_frame_equal(sorted_frame(a[t]), sorted_frame(b[t]), obj=t)


def test_the_corpus_is_mixed(serial_tables):
    reports = serial_tables["reports"]
    statuses = dict(zip(reports["source_path"].map(lambda s: Path(s).name), reports["status"], strict=True))
    assert statuses["broken.pdf"] == "failed"
    assert statuses["word.docx"] == statuses["scan.pdf"] == "ok"
    assert len(statuses) == 9 and list(statuses.values()).count("ok") == 8
    assert len(serial_tables["requests"]) > 8 * 100


def test_processes_and_dask_match_serial(mixed, cluster, serial_tables):
    processes = combine(extract_files(mixed, engine="processes", workers=2))
    on_cluster = combine(extract_files(mixed, engine="dask", scheduler=cluster.scheduler_address))
    assert_same_tables(serial_tables, processes)
    assert_same_tables(serial_tables, on_cluster)
    # the reports come back in input order, so the tables are equal even unsorted
    pd.testing.assert_frame_equal(serial_tables["requests"], on_cluster["requests"])


def cli(args: list[str]) -> None:
    """Run `ogi ARGS` in this process (imported here: workers that unpickle flaky_task skip the CLI)."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_pool_workers_are_recycled(mixed, serial_tables):
    with open_executor("processes", 2, max_tasks_per_child=2) as ex:  # a fresh pool every 4 documents
        reports = run_items(ex, mixed)
    assert_same_tables(serial_tables, combine(reports))


def test_cli_scheduler_uses_the_cluster(mixed, cluster, serial_tables, tmp_path):
    folder = mixed[0].parent
    cli(["extract", str(folder), "--out", str(tmp_path), "-q", "--scheduler", cluster.scheduler_address])
    written = {t: schema.conform(pd.read_parquet(tmp_path / f"{t}.parquet"), t) for t in TABLE_NAMES}
    assert_same_tables(serial_tables, written)
    assert "ogi-extract" in cluster.scheduler.task_prefixes  # the tasks ran on this cluster


def test_cli_dask_engine_starts_and_stops_its_own_cluster(mixed, serial_tables, tmp_path):
    pytest.importorskip("dask.distributed")
    cli(["extract", *map(str, mixed[:3]), "--out", str(tmp_path), "-q", "--engine", "dask", "--workers", "2"])
    reports = pd.read_parquet(tmp_path / "reports.parquet")
    expected = serial_tables["reports"]
    assert sorted(reports["report_id"]) == sorted(expected["report_id"][:3])


def flaky_task(index: int, item: Item) -> Outcome:
    """run_one, except that a document named *crash* kills its worker and one named *boom* raises."""
    name = Path(item_name(item)).name
    if "crash" in name:
        os._exit(7)
    if "boom" in name:
        raise RuntimeError("boom")
    return run_one(index, item)


@pytest.fixture()
def with_crashers(mixed: list[Path], tmp_path: Path) -> list[Path]:
    crash, boom = tmp_path / "crash.txt", tmp_path / "boom.txt"
    crash.write_text("crash", encoding="utf-8")
    boom.write_text("boom", encoding="utf-8")
    return [mixed[0], crash, mixed[1], boom, mixed[2]]


def check_crash_rows(files: list[Path], reports) -> None:
    by_name = {Path(item_name(f)).name: r for f, r in zip(files, reports, strict=True)}
    assert by_name["crash.txt"].status == "failed"
    assert "died" in by_name["crash.txt"].row["error"] or "KilledWorker" in by_name["crash.txt"].row["error"]
    assert by_name["boom.txt"].status == "failed" and "boom" in by_name["boom.txt"].row["error"]
    good = [r for f, r in zip(files, reports, strict=True) if f.name not in ("crash.txt", "boom.txt")]
    assert [r.status for r in good] == ["ok"] * 3
    assert_same_tables(combine(good), combine(extract_files([files[0], files[2], files[4]], engine="serial")))


def test_a_crashing_worker_becomes_a_failed_row_in_the_pool(with_crashers):
    with open_executor("processes", 2) as ex:
        reports = run_items(ex, with_crashers, task=flaky_task)
    check_crash_rows(with_crashers, reports)


def test_a_crashing_worker_becomes_a_failed_row_on_dask(with_crashers, cluster):
    with open_executor("dask", scheduler=cluster.scheduler_address) as ex:
        reports = run_items(ex, with_crashers, task=flaky_task)
    check_crash_rows(with_crashers, reports)


def test_raw_bytes_are_keyed_by_their_hash(mixed, cluster, serial_tables):
    docs = [RawDoc(p.name, p.read_bytes()) for p in mixed[:2]]
    reports = extract_files(docs, engine="dask", scheduler=cluster.scheduler_address)
    assert [r.report_id for r in reports] == list(serial_tables["reports"]["report_id"][:2])


def test_default_engine():
    cpus = os.cpu_count() or 1
    assert resolve(None, None, 1) == ("serial", 1)
    assert resolve(None, None, 50) == (("processes", cpus) if cpus > 1 else ("serial", 1))
    assert resolve("processes", 8, 3) == ("processes", 3)
    assert resolve("dask", 3, 1) == ("dask", 3)
    assert set(ENGINES) == {"serial", "processes", "dask"}
    with pytest.raises(ValueError):
        resolve("spark", None, 2)


# ---- limits enforced from outside the worker (pipeline.workers) -----------------------------------------
def hostile_task(index: int, item: Item) -> Outcome:
    """run_one, except that a document named *hang* runs a regular expression that backtracks for hours (in C,
    holding the GIL: nothing inside the worker can stop it) and one named *hog* asks for 3 GiB at once."""
    name = Path(item_name(item)).name
    if "hang" in name:
        re.match(r"(a|aa)+$", "a" * 64 + "b")
    if "hog" in name:
        bytearray(3 * 2**30)
    return run_one(index, item)


@pytest.fixture()
def with_hostile(mixed: list[Path], tmp_path: Path) -> list[Path]:
    hang, hog = tmp_path / "hang.txt", tmp_path / "hog.txt"
    hang.write_text("hang", encoding="utf-8")
    hog.write_text("hog", encoding="utf-8")
    return [mixed[0], hang, mixed[1], hog, mixed[2]]


@pytest.mark.parametrize("engine", ["serial", "processes", "dask"])
def test_a_document_over_the_time_limit_has_its_worker_killed(engine, with_hostile, request):
    scheduler = request.getfixturevalue("cluster").scheduler_address if engine == "dask" else None
    limits = Limits(time_s=8.0, address_space=2 * 2**30)  # room for a good document on a loaded machine
    t0 = time.monotonic()
    with open_executor(engine, 2, scheduler, limits=limits) as ex:
        reports = run_items(ex, with_hostile, task=hostile_task)
    assert time.monotonic() - t0 < 60  # the hanging document alone would run for hours
    by_name = {Path(item_name(f)).name: r for f, r in zip(with_hostile, reports, strict=True)}
    hang, hog = by_name.pop("hang.txt"), by_name.pop("hog.txt")
    assert hang.status == "failed" and hang.row["error"].startswith("time limit: ")
    assert hog.status == "failed" and "MemoryError" in hog.row["error"]  # the address-space limit
    assert [r.status for r in by_name.values()] == ["ok"] * 3, [r.row["error"] for r in by_name.values()]
    good = [f for f in with_hostile if f.name not in ("hang.txt", "hog.txt")]
    assert_same_tables(combine(by_name.values()), combine(extract_files(good, engine="serial")))


def test_serial_engine_in_process_has_the_same_tables(mixed, serial_tables):
    with open_executor("serial", isolate=False) as ex:
        assert_same_tables(serial_tables, combine(run_items(ex, mixed)))


def test_engine_names_are_known_in_one_place():
    """The executors' ENGINES is the vocabulary: the API, the CLI options and their errors read it."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    assert ENGINES == ("serial", "processes", "dask")
    for engine in ENGINES:
        check_engine(engine)
    with pytest.raises(ValueError, match="unknown engine 'threads': choose one of serial, processes, dask"):
        check_engine("threads")
    with pytest.raises(ValueError, match="--scheduler needs --engine dask"):
        check_engine("processes", "tcp://10.0.0.5:8786")
    result = CliRunner().invoke(app, ["extract", ".", "--engine", "threads"])
    assert result.exit_code == 2 and "unknown engine" in result.output
