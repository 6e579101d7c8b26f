"""Supervised worker processes: one document at a time each, limited from outside, gone with their parent.

A `Supervisor` runs per-document tasks in N child processes (forkserver, pipeline modules preloaded) and
talks to each over its own pipe, so it always knows which document a worker holds:

- a document that runs past its wall-clock limit (`Limits.time_s`) has its worker killed (with the worker's
  process group, so a LibreOffice conversion goes too) and becomes a `failed` row "time limit: …";
- every worker has an address-space limit (`Limits.address_space`, RLIMIT_AS): a document that needs more
  gets MemoryError (a `failed` row) or kills its worker (a `failed` row "worker process died …");
- a worker exits when the process that supervises it dies, even by kill -9: PR_SET_PDEATHSIG on Linux, and on
  every system a thread that waits for the end of a pipe only the supervisor holds open;
- workers are replaced after `max_tasks_per_child` documents, which bounds what one can accumulate.

Every engine of pipeline.executors runs its documents through one: serial (one worker), the process pool (N)
and Dask (each Dask worker thread supervises one child of its own).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

ENV_TIME_LIMIT = "OGI_TIME_LIMIT"  # seconds per document (0 or "none": no limit)
ENV_WORKER_MEMORY = "OGI_WORKER_MEMORY"  # address space per worker, e.g. "4GiB", "1500MB" (0 or "none": no limit)
DEFAULT_TIME_LIMIT = 300.0  # s; the PDF reader's own page-by-page deadline (120 s) gives a clearer message first
MIN_ADDRESS_SPACE = 3 * 2**30  # the workers reserve ~1.5 GiB of address space (allocator arenas) on real work
MAX_ADDRESS_SPACE = 8 * 2**30
MAX_TASKS_PER_CHILD = 200
STARTUP_TIMEOUT = 120.0  # s for a worker to start (the first one waits for the forkserver's imports)
PRELOAD = ["pipeline.extraction"]  # modules the forkserver imports once (pipeline.executors adds the readers)
_PR_SET_PDEATHSIG = 1
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30, "t": 10**12, "tb": 10**12, "tib": 2**40}


def parse_bytes(text: str | int) -> int | None:
    """'4GiB', '1500MB', '2g' or a number of bytes → bytes; '0' or 'none' → None (no limit)."""
    if isinstance(text, int):
        return text or None
    s = text.strip().lower().replace(" ", "")
    if s in ("", "0", "none", "off", "unlimited"):
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]*)", s)
    if not m or m.group(2) not in _UNITS:
        raise ValueError(f"not a size: {text!r} (e.g. 4GiB, 1500MB)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def parse_seconds(text: str | float | None) -> float | None:
    """'300', '2.5' → seconds; '0' or 'none' → None (no limit)."""
    if text is None or isinstance(text, (int, float)):
        return float(text) if text else None
    s = text.strip().lower()
    if s in ("", "0", "none", "off"):
        return None
    value = float(s.rstrip("s"))
    if value < 0:
        raise ValueError(f"not a time limit: {text!r}")
    return value or None


def default_address_space(workers: int = 1) -> int:
    """Address space per worker: this machine's memory shared among the workers, within 3–8 GiB.

    Address space, not resident memory: numpy, pyarrow and pdfium reserve far more than they touch (a worker
    reserves ~1.5 GiB on the real corpus while 150 MB are resident), so the floor stays well above that.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return MAX_ADDRESS_SPACE
    return max(MIN_ADDRESS_SPACE, min(MAX_ADDRESS_SPACE, total // max(workers, 1)))


@dataclass(frozen=True)
class Limits:
    """What one document may take: wall-clock seconds and the worker's address space (bytes); None = no limit."""

    time_s: float | None = DEFAULT_TIME_LIMIT
    address_space: int | None = None

    @classmethod
    def default(cls, workers: int = 1, time_s: float | None | str = "env",
                address_space: int | None | str = "env") -> Limits:
        """The limits for `workers` workers: the arguments, else $OGI_TIME_LIMIT / $OGI_WORKER_MEMORY, else defaults."""
        if time_s == "env":
            env = os.environ.get(ENV_TIME_LIMIT)
            time_s = parse_seconds(env) if env is not None else DEFAULT_TIME_LIMIT
        if address_space == "env":
            env = os.environ.get(ENV_WORKER_MEMORY)
            address_space = parse_bytes(env) if env is not None else default_address_space(workers)
        return cls(time_s, address_space)  # type: ignore[arg-type]


def describe_bytes(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


# ---- inside a worker ------------------------------------------------------------------------------------
def die_with_parent(alive: Connection | None = None) -> None:
    """Make this process exit when its parent does: PR_SET_PDEATHSIG (Linux), and a thread reading `alive`
    (a pipe whose only writer is the parent) that kills this process group at its end."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if alive is not None:
        threading.Thread(target=_watch_parent, args=(alive,), name="ogi-parent-watch", daemon=True).start()


def _watch_parent(alive: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        while True:
            alive.recv_bytes()  # the parent never writes: this returns only at EOF, i.e. when it is gone
    _kill_own_group()


def _kill_own_group() -> None:
    with contextlib.suppress(OSError):
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)


def limit_address_space(limit: int | None) -> None:
    """RLIMIT_AS of this process (never above a hard limit already set)."""
    if not limit:
        return
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    new = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (new, hard))


def _worker_main(conn: Connection, alive: Connection, address_space: int | None,
                 settings: dict[str, str] | None = None) -> None:
    """A worker: own process group, dies with its parent, limited address space; tasks until told to stop.

    settings: the supervisor's OGI_* environment variables (the forkserver forks workers with the environment
    it started with, which may be older)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # killing the group on a time limit also kills what the task started (LibreOffice)
    die_with_parent(alive)
    if settings is not None:
        for key in [k for k in os.environ if k.startswith("OGI_") and k not in settings]:
            del os.environ[key]
        os.environ.update(settings)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle: it stops the workers
    limit_address_space(address_space)
    try:
        conn.send(("ready", os.getpid()))
        while True:
            msg = conn.recv()
            if msg is None:
                return
            task, index, item = msg
            try:
                reply: tuple[str, Any] = ("done", task(index, item))
            except BaseException as exc:  # noqa: BLE001 - reported as this document's failure
                reply = ("raised", repr(exc))
            try:
                conn.send(reply)
            except (BrokenPipeError, ConnectionError, EOFError):
                return
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                conn.send(("raised", f"result could not be sent back: {exc!r}"))
    except (EOFError, BrokenPipeError, ConnectionError, KeyboardInterrupt):
        return


# ---- the supervisor -------------------------------------------------------------------------------------
class WorkersCannotStart(RuntimeError):
    """Worker processes die before they can take a document (broken environment, not a document's fault)."""


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    alive: Connection  # write end kept open by the supervisor; its end tells the worker to go
    ready: bool = False
    started: float = 0.0
    tasks: int = 0
    job: tuple[int, Any] | None = None
    job_started: float = 0.0

    @property
    def pid(self) -> int:
        return int(self.proc.pid)


Failure = Callable[[int, Any, str], Any]  # (index, item, message) → the Outcome of a failed document


class Supervisor:
    """Runs `task(index, item)` for items in `workers` supervised child processes (see the module docstring).

    `failure(index, item, message)` makes the Outcome of a document whose worker did not return one (killed on
    the time limit, died, or raised); `run` hands every Outcome to `on_outcome` as it completes.
    """

    def __init__(self, workers: int, limits: Limits, failure: Failure,
                 max_tasks_per_child: int = MAX_TASKS_PER_CHILD, preload: list[str] | None = None) -> None:
        self.workers = max(1, workers)
        self.limits = limits
        self.failure = failure
        self.max_tasks_per_child = max(1, max_tasks_per_child)
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD if preload is None else preload)
        self._pool: list[_Worker] = []
        self._startup_failures = 0
        self._ever_ready = False
        self.killed: list[int] = []  # pids killed on the time limit (for tests and logs)

    # workers ------------------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        alive_r, alive_w = self.ctx.Pipe(duplex=False)
        with _children_allowed():
            settings = {k: v for k, v in os.environ.items() if k.startswith("OGI_")}
            proc = self.ctx.Process(target=_worker_main, args=(child, alive_r, self.limits.address_space, settings),
                                    name="ogi-worker", daemon=True)
            proc.start()
        child.close()
        alive_r.close()
        w = _Worker(proc, parent, alive_w, started=time.monotonic())
        self._pool.append(w)
        return w

    def _idle(self) -> _Worker | None:
        for w in self._pool:
            if w.job is None:
                return w
        return self._spawn() if len(self._pool) < self.workers else None

    def _discard(self, w: _Worker, kill: bool) -> None:
        if w in self._pool:
            self._pool.remove(w)
        if kill:
            _kill_group(w.proc)
        else:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        for c in (w.conn, w.alive):
            with contextlib.suppress(OSError):
                c.close()
        w.proc.join(timeout=5 if kill else 2)
        if w.proc.is_alive():
            _kill_group(w.proc)
            w.proc.join(timeout=5)

    def start(self) -> None:
        """Start every worker now (they start when the first documents come otherwise)."""
        while len(self._pool) < self.workers:
            self._spawn()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones are killed."""
        for w in list(self._pool):
            self._discard(w, kill=w.job is not None)

    # running -------------------------------------------------------------------------------------------
    def run(self, items: Iterable[Any], on_outcome: Callable[[Any], None], task: Callable[[int, Any], Any]) -> None:
        """task(index, item) for every item (indexes 0, 1, …), each Outcome to on_outcome as it completes."""
        self.run_indexed(enumerate(items), on_outcome, task)

    def run_indexed(self, pairs: Iterable[tuple[int, Any]], on_outcome: Callable[[Any], None],
                    task: Callable[[int, Any], Any]) -> None:
        queue: deque[tuple[int, Any]] = deque(pairs)
        while queue or any(w.job is not None for w in self._pool):
            while queue:
                w = self._idle()
                if w is None:
                    break
                index, item = queue.popleft()
                try:
                    w.conn.send((task, index, item))
                except (BrokenPipeError, ConnectionError, OSError):
                    queue.appendleft((index, item))
                    self._startup_failure(w)
                    continue
                w.job, w.job_started = (index, item), time.monotonic()
            self._wait(queue, on_outcome)

    def _deadline(self, w: _Worker) -> float | None:
        if not w.ready:
            return w.started + STARTUP_TIMEOUT
        return w.job_started + self.limits.time_s if self.limits.time_s else None

    def _wait(self, queue: deque[tuple[int, Any]], on_outcome: Callable[[Any], None]) -> None:
        busy = [w for w in self._pool if w.job is not None]
        if not busy:
            return
        deadlines = [d for d in map(self._deadline, busy) if d is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
        now = time.monotonic()
        for w in busy:
            if w.conn in ready or w.proc.sentinel in ready:
                self._receive(w, queue, on_outcome)
            else:
                deadline = self._deadline(w)
                if deadline is not None and now >= deadline:
                    self._overdue(w, queue, on_outcome)

    def _receive(self, w: _Worker, queue: deque[tuple[int, Any]], on_outcome: Callable[[Any], None]) -> None:
        assert w.job is not None
        while True:
            try:
                if not w.conn.poll():
                    if w.proc.is_alive():
                        return  # woken by the sentinel of a worker that is still exiting: next round
                    raise EOFError
                kind, value = w.conn.recv()
            except (EOFError, OSError):
                self._died(w, queue, on_outcome)
                return
            if kind == "ready":
                w.ready, self._ever_ready = True, True
                self._startup_failures = 0
                w.job_started = time.monotonic()  # the clock of the first document starts when its worker is up
                continue
            index, item = w.job
            w.job = None
            w.tasks += 1
            outcome = value if kind == "done" else self.failure(index, item, f"worker error: {value}")
            if w.tasks >= self.max_tasks_per_child:
                self._discard(w, kill=False)
            on_outcome(outcome)
            return

    def _died(self, w: _Worker, queue: deque[tuple[int, Any]], on_outcome: Callable[[Any], None]) -> None:
        assert w.job is not None
        index, item = w.job
        w.proc.join(timeout=5)
        code = w.proc.exitcode
        self._discard(w, kill=True)
        if not w.ready:  # died before taking any document: the environment, not this document
            queue.appendleft((index, item))
            self._startup_failure(w, code)
            return
        on_outcome(self.failure(index, item, f"worker process died while extracting this document ({_why(code)})"))

    def _overdue(self, w: _Worker, queue: deque[tuple[int, Any]], on_outcome: Callable[[Any], None]) -> None:
        assert w.job is not None
        index, item = w.job
        self.killed.append(w.pid)
        self._discard(w, kill=True)
        if not w.ready:
            queue.appendleft((index, item))
            self._startup_failure(w, None)
            return
        limit = self.limits.time_s or 0
        on_outcome(self.failure(index, item, f"time limit: extraction did not finish within {limit:g} s "
                                             "(worker process killed)"))

    def _startup_failure(self, w: _Worker, code: int | None = None) -> None:
        if w in self._pool:
            self._discard(w, kill=True)
        self._startup_failures += 1
        if self._startup_failures >= 3 and not self._ever_ready:
            raise WorkersCannotStart(f"worker processes cannot start ({_why(code) if code is not None else 'no answer'})")


def _why(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = {"SIGKILL": "killed, e.g. out of memory", "SIGSEGV": "crash", "SIGABRT": "aborted, often out of "
                "memory", "SIGBUS": "crash"}.get(name)
        return f"{name}: {hint}" if hint else name
    return f"exit status {code}"


def _kill_group(proc: Any) -> None:
    """SIGKILL a worker and its process group (what it started, e.g. LibreOffice)."""
    pid = proc.pid
    if pid is None:
        return
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
            return
    except OSError:
        pass
    with contextlib.suppress(OSError, AttributeError):
        proc.kill()


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (a Dask worker) start worker processes.

    multiprocessing forbids children to daemonic processes because they would be orphaned when it is killed;
    ours die with their parent (PR_SET_PDEATHSIG and the parent pipe), so the rule's reason does not apply.
    """
    config = mp.current_process()._config  # noqa: SLF001 - the flag multiprocessing checks in start()
    was = config.get("daemon")
    if was:
        config["daemon"] = False
    try:
        yield
    finally:
        if was:
            config["daemon"] = was


# ---- the parent's side of signals ----------------------------------------------------------------------
class Terminated(SystemExit):
    """SIGTERM received: unwinds like Ctrl-C, so executors stop their workers and locks are released."""


@contextlib.contextmanager
def sigterm_exits() -> Iterator[None]:
    """While active (main thread only), SIGTERM raises Terminated (exit status 143) instead of killing at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
