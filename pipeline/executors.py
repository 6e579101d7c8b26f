"""The executor seam: per-document extraction run serially, on a local process pool, or on a Dask cluster.

Every engine runs the same task (`run_one`: one document in, one `Outcome` out) and the results are put
back in input order, so the combined tables are the same whatever the engine. Tasks take a path (or a
`RawDoc` of bytes), never a large object; an Outcome carries the report's frames as compressed pickle
(~15 KB). A failure inside a worker, including a worker process that dies, becomes a `failed` report
row for that document and never stops the batch. Only extraction runs here: fetching (scrapers/) stays
in one process with its per-host politeness.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import pickle
import resource
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pipeline.extraction import Report, _failed, extract_document, extract_path
from pipeline.readers import preload_modules

Engine = Literal["serial", "processes", "dask"]
ENGINES: tuple[str, ...] = ("serial", "processes", "dask")
MAX_TASKS_PER_CHILD = 200  # process pool: workers are replaced after about this many documents each
MAX_WORKER_MEMORY = 4 * 2**30  # Dask: default memory_limit per worker (bytes), at most total / N
# imported once by the forkserver: the extractor and the light readers of the format registry (docformats)
_PRELOAD = ["pipeline.extraction", *preload_modules()]


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

    def read(self) -> bytes:
        return self.data if self.data is not None else Path(str(self.path)).read_bytes()


Item = Path | RawDoc


@dataclass
class Outcome:
    """What a worker sends back for one document: its frames as zlib-compressed pickle, and a few numbers."""

    index: int
    report_id: str
    status: str
    payload: bytes | None = None
    seconds: float = 0.0
    worker_rss_mb: float = 0.0
    local: Report | None = field(default=None, repr=False)  # serial engine: the Report itself, not packed

    def report(self) -> Report:
        """The Report (unpacked once; the packed bytes are then dropped)."""
        if self.local is None:
            assert self.payload is not None
            self.local = Report(**pickle.loads(zlib.decompress(self.payload)))
            self.payload = None
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
        except OSError:
            rid = hashlib.sha256(str(item.path).encode()).hexdigest()
        return _failed(rid, "failed", message, source_path=item.path or item.name, source_url=item.source_url,
                       fetched_at=item.fetched_at)
    try:
        rid = hashlib.sha256(item.read_bytes()).hexdigest()
    except OSError:
        rid = hashlib.sha256(str(item).encode()).hexdigest()
    return _failed(rid, "failed", message, source_path=str(item))


def pack(index: int, report: Report, seconds: float, local: bool = False) -> Outcome:
    """An Outcome of a report: compressed pickle of its frames (or the Report itself when local)."""
    out = Outcome(index, report.report_id, report.status, seconds=seconds, worker_rss_mb=_rss_mb())
    if local:
        out.local = report
    else:
        out.payload = zlib.compress(pickle.dumps(report.frames(), protocol=5), 1)
    return out


def _extract(item: Item) -> Report:
    if isinstance(item, RawDoc):
        return extract_document(item.read(), name=item.name, source_url=item.source_url,
                                source_path=item.path or item.name, fetched_at=item.fetched_at)
    return extract_path(item)


def run_one(index: int, item: Item, local: bool = False) -> Outcome:
    """The per-document task: extract one document; an exception becomes a failed report."""
    t0 = time.perf_counter()
    try:
        report = _extract(item)
    except Exception as exc:  # noqa: BLE001 - extract_document catches its own; this is the last net
        report = failed_report(item, f"worker error: {exc!r}")
    return pack(index, report, time.perf_counter() - t0, local)


OnOutcome = Callable[[Outcome], None]


class Executor(Protocol):
    """Runs `task(index, item)` for every item and hands each Outcome to `on_outcome` as it completes."""

    workers: int

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None: ...


class SerialExecutor:
    """In this process, one document after another."""

    workers = 1

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        for i, item in enumerate(items):
            on_outcome(run_one(i, item, local=True) if task is run_one else task(i, item))


class PoolExecutor:
    """A local process pool (forkserver, pipeline modules preloaded) whose workers are recycled.

    Recycling: after `workers × max_tasks_per_child` documents the pool retires (its processes finish the
    documents in flight, then exit) and a fresh one takes the next documents, which bounds the memory a
    worker can accumulate. (ProcessPoolExecutor's own max_tasks_per_child hangs on Python 3.11, gh-115634.)
    A worker that dies breaks its pool: the documents in flight are then retried one at a time in a fresh
    pool, so only the document that kills its worker again becomes a failed row.
    """

    def __init__(self, workers: int, max_tasks_per_child: int = MAX_TASKS_PER_CHILD) -> None:
        self.workers = workers
        self.max_tasks_per_child = max_tasks_per_child
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(_PRELOAD)
        self._pool: ProcessPoolExecutor | None = None
        self._submitted = 0  # documents given to the current pool
        self._retired: list[ProcessPoolExecutor] = []
        self._worked = False  # some task returned: the pool can start workers at all

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=self.ctx)

    def _current(self) -> ProcessPoolExecutor:
        """The pool to submit to, replaced once it has had its share of documents."""
        if self._pool is not None and self._submitted >= self.workers * self.max_tasks_per_child:
            self._pool.shutdown(wait=False)  # finishes what it holds, then its processes exit
            self._retired.append(self._pool)
            self._pool = None
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
            self._submitted = 0
        return self._pool

    def start(self) -> None:
        """Start the worker processes now (they start lazily otherwise)."""
        list(self._current().map(abs, range(self.workers)))

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        queue = deque(enumerate(items))
        while queue:
            suspects = self._run_until_broken(queue, on_outcome, task)
            for index, item in suspects:  # a crash: retry the documents in flight one by one
                on_outcome(self._isolated(index, item, task))

    def _run_until_broken(self, queue: deque[tuple[int, Item]], on_outcome: OnOutcome,
                          task: Task) -> list[tuple[int, Item]]:
        inflight: dict[Future[Outcome], tuple[int, Item]] = {}
        limit = 4 * self.workers
        broken = False
        while (queue or inflight) and not broken:
            while queue and len(inflight) < limit:
                index, item = queue.popleft()
                try:
                    inflight[self._current().submit(task, index, item)] = (index, item)
                    self._submitted += 1
                except BrokenProcessPool:
                    queue.appendleft((index, item))
                    broken = True
                    break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED) if inflight else (set(), set())
            for fut in done:
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                    index, item = inflight[fut]
                    outcome = pack(index, failed_report(item, f"worker error: {exc!r}"), 0.0)
                del inflight[fut]
                self._worked = True
                on_outcome(outcome)
        if broken:
            self.close()
        return sorted(inflight.values(), key=lambda x: x[0])

    def _isolated(self, index: int, item: Item, task: Task) -> Outcome:
        with self._new_pool(1) as pool:
            try:
                outcome = pool.submit(task, index, item).result()
                self._worked = True
                return outcome
            except BrokenProcessPool as exc:
                if not self._worked:
                    raise RuntimeError("the process pool cannot start its workers") from exc
                message = "worker process died while extracting this document (crash or out of memory)"
            except Exception as exc:  # noqa: BLE001
                message = f"worker error: {exc!r}"
        return pack(index, failed_report(item, message), 0.0)

    def close(self) -> None:
        for pool in [*self._retired, *([self._pool] if self._pool else [])]:
            pool.shutdown(wait=True, cancel_futures=True)
        self._retired, self._pool = [], None


def default_memory_limit(workers: int) -> int:
    """Bytes per Dask worker: an equal share of this machine's memory, at most MAX_WORKER_MEMORY."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return min(total // max(workers, 1), MAX_WORKER_MEMORY)


class DaskExecutor:
    """A dask.distributed Client: of an existing cluster (`scheduler` address) or of a LocalCluster it starts.

    The LocalCluster has `workers` single-threaded worker processes with `memory_limit` each (the nanny
    restarts a worker that passes 95% of it); it listens on 127.0.0.1 only (no dashboard). A task
    whose worker dies `allowed-failures` times (Dask config) becomes a failed row.
    """

    def __init__(self, workers: int, scheduler: str | None = None, memory_limit: int | str | None = None,
                 cluster_kwargs: dict[str, Any] | None = None) -> None:
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

    def threads(self) -> int:
        return sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values())

    def run(self, items: Sequence[Item], on_outcome: OnOutcome, task: Task = run_one) -> None:
        from dask.distributed import as_completed

        batch = uuid.uuid4().hex[:12]
        todo = deque(enumerate(items))
        limit = max(1024, 4 * self.workers)
        futures = {}

        def submit(n: int) -> list[Any]:
            """One graph update for n tasks, so the scheduler sees them as a group and queues them."""
            batch_items = [todo.popleft() for _ in range(min(n, len(todo)))]
            futs = self.client.map(task, [i for i, _ in batch_items], [it for _, it in batch_items],
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


def resolve(engine: str | None, workers: int | None, n_items: int) -> tuple[str, int]:
    """The engine and worker count to use: by default a process pool of os.cpu_count(), serial for one file."""
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    n = workers or os.cpu_count() or 1
    if engine is None:
        engine = "serial" if n_items <= 1 or n == 1 else "processes"
    if engine == "processes":
        n = max(1, min(n, n_items))
    return engine, (1 if engine == "serial" else n)


@contextmanager
def open_executor(engine: str, workers: int = 1, scheduler: str | None = None,
                  memory_limit: int | str | None = None,
                  max_tasks_per_child: int = MAX_TASKS_PER_CHILD) -> Iterator[Executor]:
    """An executor for the engine, closed (pool shut down, LocalCluster stopped) on exit."""
    if scheduler and engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    if engine == "serial":
        yield SerialExecutor()
        return
    ex: PoolExecutor | DaskExecutor
    if engine == "processes":
        ex = PoolExecutor(workers, max_tasks_per_child)
    elif engine == "dask":
        ex = DaskExecutor(workers, scheduler, memory_limit)
    else:
        raise ValueError(f"unknown engine {engine!r}")
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
                  memory_limit: int | str | None = None) -> list[Report]:
    """Extract documents (paths or RawDoc) on an engine; the Reports come back in input order.

    engine: "serial", "processes" (local pool, the default) or "dask"; workers: pool size or LocalCluster
    workers (default os.cpu_count()); scheduler: address of an existing Dask scheduler (implies dask).
    """
    if scheduler and engine is None:
        engine = "dask"
    items = [Path(f) if isinstance(f, str) else f for f in files]
    engine, n = resolve(engine, workers, len(items))
    with open_executor(engine, n, scheduler, memory_limit) as ex:
        return run_items(ex, items, on_done)

