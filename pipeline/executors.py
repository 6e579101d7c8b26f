"""The executor seam: per-document extraction run serially, on a local process pool, or on a Dask cluster.

Every engine runs the same task (`run_one`: one document in, one `Outcome` out) and the results are put
back in input order, so the combined tables are the same whatever the engine. Tasks take a path (or a
`RawDoc` of bytes), never a large object; an Outcome carries the report's frames as compressed pickle
(~15 KB). A failure inside a worker, including a worker process that dies, becomes a `failed` report
row for that document and never stops the batch. Only extraction runs here: fetching (scrapers/) stays
in one process with its per-host politeness.

Every engine extracts in supervised worker processes (pipeline.workers): a document gets a wall-clock
limit enforced from outside its worker (`failed`, "time limit: …") and an address-space limit
(`Limits`, from $OGI_TIME_LIMIT and $OGI_WORKER_MEMORY by default), and workers exit when the process
that started them dies.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import resource
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from pipeline import libwarnings
from pipeline.extraction import Report, _failed, extract_document, extract_path, path_report_id
from pipeline.libwarnings import Notice
from pipeline.readers import preload_modules
from pipeline.readers.guards import InputError, read_input
from pipeline.workers import MAX_TASKS_PER_CHILD, Limits, Supervisor

Engine = Literal["serial", "processes", "dask"]
ENGINES: tuple[str, ...] = get_args(Engine)  # the one list of engine names (CLI options, benchmarks)
MAX_WORKER_MEMORY = 4 * 2**30  # Dask: default memory_limit per worker (bytes), at most total / N
# imported once by the forkserver: the extractor and the light readers of the format registry (docformats)
_PRELOAD = ["pipeline.extraction", "pipeline.executors", *preload_modules()]


@dataclass(frozen=True)
class RawDoc:
    """A document with its provenance: given as bytes, or as a file (e.g. in the raw store) the worker reads.

    `name` guides format sniffing (a file name); `path`, when set, is read by the worker and recorded as
    source_path.
    """

    name: str
    data: bytes | None = None
    source_url: str | None = None
    fetched_at: str | None = None
    path: str | None = None
    pictures: tuple[tuple[str, str], ...] = ()  # (absolute URL, file) of the pictures a page shows

    def read(self) -> bytes:
        """The bytes; InputError (pipeline.readers.guards) when the file is not a readable document file."""
        return self.data if self.data is not None else read_input(str(self.path))

    def resources(self):
        """The page's pictures by <img src> (resolved against source_url), read from their files."""
        if not self.pictures:
            return None
        files = dict(self.pictures)

        def get(src: str) -> bytes | None:
            from urllib.parse import urljoin

            path = files.get(urljoin(self.source_url or "", src.strip()))
            try:
                return Path(path).read_bytes() if path else None
            except OSError:
                return None

        return get


Item = Path | RawDoc


@dataclass
class Outcome:
    """What a worker sends back for one document: its tables (plain columns) as zlib-compressed pickle, and a few
    numbers."""

    index: int
    report_id: str
    status: str
    payload: bytes | None = None
    seconds: float = 0.0
    worker_rss_mb: float = 0.0
    local: Report | None = field(default=None, repr=False)  # serial engine: the Report itself, not packed
    warnings: list[Notice] = field(default_factory=list)  # what libraries logged while reading it

    def report(self) -> Report:
        """The Report (unpacked once; the packed bytes are then dropped), with its library warnings."""
        if self.local is None:
            assert self.payload is not None
            self.local = Report(pickle.loads(zlib.decompress(self.payload)))
            self.payload = None
        self.local.library_warnings = self.warnings
        return self.local


Task = Callable[[int, Item], Outcome]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def item_name(item: Item) -> str:
    return str(item) if isinstance(item, Path) else item.name


def failed_report(item: Item, message: str) -> Report:
    """A `failed` report row for a document whose extraction did not return (keyed by its hash when readable)."""
    if isinstance(item, RawDoc):
        try:
            rid = hashlib.sha256(item.read()).hexdigest()
        except (InputError, MemoryError):
            rid = path_report_id(item.path)
        return _failed(rid, "failed", message, source_path=item.path or item.name, source_url=item.source_url,
                       fetched_at=item.fetched_at)
    try:
        rid = hashlib.sha256(read_input(item)).hexdigest()
    except (InputError, MemoryError):
        rid = path_report_id(item)
    return _failed(rid, "failed", message, source_path=str(item))


def pack(index: int, report: Report, seconds: float, local: bool = False) -> Outcome:
    """An Outcome of a report: compressed pickle of its tables (or the Report itself when local)."""
    out = Outcome(index, report.report_id, report.status, seconds=seconds, worker_rss_mb=_rss_mb())
    if local:
        out.local = report
    else:
        out.payload = zlib.compress(pickle.dumps(report.tables, protocol=5), 1)
    return out


def _extract(item: Item) -> Report:
    if isinstance(item, RawDoc):
        try:
            data = item.read()
        except InputError as exc:
            return _failed(path_report_id(item.path), "failed", str(exc), source_path=item.path or item.name,
                           source_url=item.source_url, fetched_at=item.fetched_at)
        return extract_document(data, name=item.name, source_url=item.source_url,
                                source_path=item.path or item.name, fetched_at=item.fetched_at,
                                resources=item.resources())
    return extract_path(item)


def run_one(index: int, item: Item, local: bool = False) -> Outcome:
    """The per-document task: extract one document; an exception becomes a failed report."""
    t0 = time.perf_counter()
    with libwarnings.caught() as notices:  # off the terminal: the command logs and counts them
        try:
            report = _extract(item)
        except Exception as exc:  # noqa: BLE001 - extract_document catches its own; this is the last net
            report = failed_report(item, f"worker error: {exc!r}")
    out = pack(index, report, time.perf_counter() - t0, local)
    out.warnings = notices
    return out


OnOutcome = Callable[[Outcome], None]


def failure(index: int, item: Item, message: str) -> Outcome:
    """The Outcome of a document whose worker returned none (time limit, a dead worker, an uncaught error)."""
    return pack(index, failed_report(item, message), 0.0)


class Executor(Protocol):
    """Runs `task(index, item)` for every item and hands each Outcome to `on_outcome` as it completes."""

    workers: int

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None: ...


class SerialExecutor:
    """One document after another, in one supervised worker process (time and memory limits, see
    pipeline.workers); with isolate=False in this process instead (no limit enforced from outside:
    for debugging and profiling)."""

    workers = 1

    def __init__(self, limits: Limits | None = None, isolate: bool = True) -> None:
        self.limits = limits or Limits.default(1)
        self._supervisor = Supervisor(1, self.limits, failure, preload=_PRELOAD) if isolate else None

    def start(self) -> None:
        """Start the worker process now (it starts at the first document otherwise)."""
        if self._supervisor is not None:
            self._supervisor.start()

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        if self._supervisor is not None:
            self._supervisor.run(items, on_outcome, task)
            return
        for i, item in enumerate(items):
            on_outcome(run_one(i, item, local=True) if task is run_one else task(i, item))

    def close(self) -> None:
        if self._supervisor is not None:
            self._supervisor.close()


class PoolExecutor:
    """A local pool of `workers` supervised processes (forkserver, pipeline modules preloaded; pipeline.workers).

    Each worker holds one document at a time: a document over the time limit has its worker killed and
    becomes a failed row, as does one whose worker dies (crash, memory limit); workers are replaced after
    `max_tasks_per_child` documents each, which bounds the memory one can accumulate, and exit when this
    process dies.
    """

    def __init__(self, workers: int, max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
                 limits: Limits | None = None) -> None:
        self.workers = workers
        self.max_tasks_per_child = max_tasks_per_child
        self.limits = limits or Limits.default(workers)
        self._supervisor = Supervisor(workers, self.limits, failure, max_tasks_per_child, _PRELOAD)

    def start(self) -> None:
        """Start the worker processes now (they start at the first documents otherwise)."""
        self._supervisor.start()

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        self._supervisor.run(items, on_outcome, task)

    def close(self) -> None:
        self._supervisor.close()


def default_memory_limit(workers: int) -> int:
    """Bytes per Dask worker: an equal share of this machine's memory, at most MAX_WORKER_MEMORY."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return min(total // max(workers, 1), MAX_WORKER_MEMORY)


_local = threading.local()


def isolated(index: int, item: Item, task: Task, limits: Limits) -> Outcome:
    """Run task(index, item) in a supervised child of this process (one per thread, kept for the next task):
    the Dask task, so that a Dask worker enforces the time and memory limits as the local engines do."""
    sup = getattr(_local, "supervisor", None)
    if sup is None or sup.limits != limits:
        if sup is not None:
            sup.close()
        sup = _local.supervisor = Supervisor(1, limits, failure, preload=_PRELOAD)
    got: list[Outcome] = []
    sup.run_indexed([(index, item)], got.append, task)
    return got[0]


class DaskExecutor:
    """A dask.distributed Client: of an existing cluster (`scheduler` address) or of a LocalCluster it starts.

    The LocalCluster has `workers` single-threaded worker processes with `memory_limit` each (the nanny
    restarts a worker that passes 95% of it); it listens on 127.0.0.1 only (no dashboard). Each task runs its
    document in a supervised child process of its Dask worker (`isolated`), which enforces `limits` and
    exits with its worker. A task whose worker dies `allowed-failures` times (Dask config) becomes a failed row.
    """

    def __init__(self, workers: int, scheduler: str | None = None, memory_limit: int | str | None = None,
                 cluster_kwargs: dict[str, Any] | None = None, limits: Limits | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            import logging

            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
                                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                        memory_limit=memory_limit or default_memory_limit(workers),
                                        **(cluster_kwargs or {}))
            self.client = Client(self.cluster)
        self.workers = self.threads()
        self.limits = limits or Limits.default(max(self.workers, 1))

    def threads(self) -> int:
        return sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values())

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        from dask.distributed import as_completed

        batch = uuid.uuid4().hex[:12]
        todo = deque(enumerate(items))
        limit = max(1024, 4 * self.workers)
        futures = {}
        remote = functools.partial(isolated, task=task, limits=self.limits)

        def submit(n: int) -> list[Any]:
            """One graph update for n tasks, so the scheduler sees them as a group and queues them."""
            batch_items = [todo.popleft() for _ in range(min(n, len(todo)))]
            futs = self.client.map(remote, [i for i, _ in batch_items], [it for _, it in batch_items],
                                   key=[f"ogi-extract-{batch}-{i}" for i, _ in batch_items], pure=False)
            futures.update({f.key: bi for f, bi in zip(futs, batch_items, strict=True)})
            return futs

        ac = as_completed(submit(limit), with_results=True, raise_errors=False)
        for fut, result in ac:
            index, item = futures.pop(fut.key)
            if fut.status == "finished" and isinstance(result, Outcome):
                on_outcome(result)
            else:  # KilledWorker (the worker died), an error the task did not catch, or cancelled
                error = fut.exception() if fut.status == "error" else result
                on_outcome(pack(index, failed_report(item, f"worker error: {error!r}"), 0.0))
            fut.release()
            if todo:
                ac.update(submit(1))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def check_engine(engine: str | None, scheduler: str | None = None) -> None:
    """ValueError unless `engine` is one of ENGINES (or None) and a scheduler address comes with dask."""
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if scheduler and engine not in (None, "dask"):
        raise ValueError("--scheduler needs --engine dask")


def resolve(engine: str | None, workers: int | None, n_items: int) -> tuple[str, int]:
    """The engine and worker count to use: by default a process pool of os.cpu_count(), serial for one file."""
    check_engine(engine)
    n = workers or os.cpu_count() or 1
    if engine is None:
        engine = "serial" if n_items <= 1 or n == 1 else "processes"
    if engine == "processes":
        n = max(1, min(n, n_items))
    return engine, (1 if engine == "serial" else n)


@contextmanager
def open_executor(engine: str, workers: int = 1, scheduler: str | None = None,
                  memory_limit: int | str | None = None,
                  max_tasks_per_child: int = MAX_TASKS_PER_CHILD, limits: Limits | None = None,
                  isolate: bool = True) -> Iterator[Executor]:
    """An executor for the engine, closed (workers stopped, LocalCluster closed) on exit, also on an exception,
    Ctrl-C or SIGTERM (see pipeline.workers.sigterm_exits).

    limits: time and address-space limits per document (default: Limits.default, from the environment);
    isolate=False runs the serial engine in this process (no limit enforced from outside).
    """
    check_engine(engine, scheduler)
    ex: SerialExecutor | PoolExecutor | DaskExecutor
    if engine == "serial":
        ex = SerialExecutor(limits, isolate=isolate)
    elif engine == "processes":
        ex = PoolExecutor(workers, max_tasks_per_child, limits)
    else:  # "dask"
        ex = DaskExecutor(workers, scheduler, memory_limit, limits=limits)
    try:
        yield ex
    finally:
        ex.close()


def run_items(executor: Executor, items: Sequence[Item], on_done: Callable[[Item, Report], None] | None = None,
              task: Task = run_one) -> list[Report]:
    """Reports of the items in input order; on_done(item, report) is called as each one completes."""
    outcomes: list[Outcome | None] = [None] * len(items)

    def collect(outcome: Outcome) -> None:
        outcomes[outcome.index] = outcome
        if on_done:
            on_done(items[outcome.index], outcome.report())

    executor.run(items, collect, task)
    missing = [i for i, o in enumerate(outcomes) if o is None]
    if missing:
        raise RuntimeError(f"{len(missing)} documents returned no result")
    return [o.report() for o in outcomes if o is not None]


def extract_files(files: Sequence[Item | str], engine: str | None = None, workers: int | None = None,
                  scheduler: str | None = None, on_done: Callable[[Item, Report], None] | None = None,
                  memory_limit: int | str | None = None, limits: Limits | None = None) -> list[Report]:
    """Extract documents (paths or RawDoc) on an engine; the Reports come back in input order.

    The one way to extract many documents: `ogi extract`, `ogi run` (pipeline.run.extract), the generated
    sample release (pipeline.analysis.sample) and the benchmarks call it.

    engine: one of ENGINES, "serial", "processes" (local pool, the default) or "dask"; workers: pool size or
    LocalCluster workers (default os.cpu_count()); scheduler: address of an existing Dask scheduler (implies
    dask); on_done(item, report) is called as each document completes; limits: per-document time and worker
    address-space limits (default: Limits.default()).
    """
    if scheduler and engine is None:
        engine = "dask"
    items = [Path(f) if isinstance(f, str) else f for f in files]
    engine, n = resolve(engine, workers, len(items))
    with open_executor(engine, n, scheduler, memory_limit, limits=limits) as ex:
        return run_items(ex, items, on_done)

