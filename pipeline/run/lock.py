"""An OS-level lock on the output folder so two scheduled runs never overlap.

`fcntl.flock` on ``OUT/.ogi-run.lock``: the kernel releases it when the holder exits, even on SIGKILL, so
a stale file never blocks the next run. The file holds the holder's pid and start time, for the message.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".ogi-run.lock"


class LockHeld(RuntimeError):
    """Another process holds the lock; `holder` is what it wrote into the file (pid and start time)."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        who = f"pid {holder}" if holder else "another process"
        super().__init__(f"another ogi run is in progress ({who}) and holds {path}; this run exits without "
                         "doing anything")


class RunLock:
    """Exclusive, non-blocking lock on ``folder/.ogi-run.lock``; use as a context manager."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise LockHeld at once; OSError when the file cannot be created."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} since {started}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
