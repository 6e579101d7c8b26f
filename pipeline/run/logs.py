"""A command's log file, OUT/logs/<command>-<UTC timestamp>.log (Python logging, INFO and above): `ogi run`'s
run-*.log, `ogi extract`'s extract-*.log."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOGGERS = ("ogi", "pipeline", "scrapers", "httpx")
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


@contextmanager
def run_log(out: Path, started: dt.datetime, command: str = "run") -> Iterator[Path]:
    """Send the project's loggers (and httpx's request lines) to a new log file for the command's duration."""
    folder = out / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{command}-{started:%Y%m%dT%H%M%SZ}.log"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{command}-{started:%Y%m%dT%H%M%SZ}-{n}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    try:
        yield path
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()
