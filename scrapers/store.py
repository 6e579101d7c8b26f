"""Content-addressed raw store: every body saved once under its sha256, atomically, never overwritten.

Layout of a store directory (``OUT/raw/`` for ``ogi scrape --out OUT``)::

    objects/ab/ab12…ef   one file per distinct body, named by its sha256 (never by URL or remote name)
    fetchlog.duckdb      the fetch log and the documents manifest (see ``scrapers.fetchlog``)
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

_HEX = re.compile(r"[0-9a-f]{64}")
LOG_NAME = "fetchlog.duckdb"


class RawStore:
    """Bodies by sha256 under ``root/objects``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)

    @property
    def log_path(self) -> Path:
        return self.root / LOG_NAME

    def path_for(self, sha256: str) -> Path:
        if not _HEX.fullmatch(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, body: bytes) -> tuple[str, bool]:
        """Store a body; returns (sha256, whether it was new). An existing file is never rewritten."""
        sha = hashlib.sha256(body).hexdigest()
        dest = self.path_for(sha)
        if dest.is_file():
            return sha, False
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, dest)  # fails if dest appeared meanwhile: never overwrite
            except FileExistsError:
                return sha, False
            except OSError:
                if dest.exists():
                    return sha, False
                os.replace(tmp, dest)  # filesystems without hard links
                return sha, True
            return sha, True
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


def resolve_store_dir(path: Path | str) -> Path:
    """Accept either the store directory itself or the scrape output directory that holds ``raw/``."""
    path = Path(path)
    if not (path / LOG_NAME).exists() and (path / "raw" / LOG_NAME).exists():
        return path / "raw"
    return path


def documents(store_dir: Path | str) -> list[dict[str, Any]]:
    """The documents manifest: one dict per stored document (sha256, source, url, final_url, title,
    media_type, filename, published, year, kind, parent_url, fetched_at, path), oldest first."""
    from .fetchlog import FetchLog

    root = resolve_store_dir(store_dir)
    if not (root / LOG_NAME).exists():
        return []
    store = RawStore(root)
    with FetchLog(root / LOG_NAME, read_only=True) as log:
        rows = log.documents()
    for row in rows:
        row["path"] = str(store.path_for(row["sha256"]))
    return rows
