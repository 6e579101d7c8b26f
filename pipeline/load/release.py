"""Dated releases built atomically, and the `latest` pointer.

    OUT/releases/2025-03-01T120000Z/   parquet/, csv/, ogi.duckdb, datapackage.json, manifest.json
    OUT/latest -> releases/2025-03-01T120000Z   (symlink, replaced atomically via os.replace)
    OUT/LATEST                                 the release's name, for platforms without symlinks

A release is built in OUT/releases/.tmp-<name>-<pid>/ and renamed into place when complete; only then does
the pointer move. Any failure removes the temporary folder and leaves the previous release and pointer as
they were. OS errors (disk full, permission denied) become a ReleaseError with a readable message.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from pipeline.load import database, datapackage, datasets
from pipeline.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from scrapers.audit import SourceAudit
    from scrapers.store import StoredDocument

DB_NAME = "ogi.duckdb"
PACKAGES = ("pandas", "pyarrow", "duckdb", "cpca", "frictionless")


class ReleaseError(RuntimeError):
    """A release could not be written; the previous release and the latest pointer are unchanged."""


def _name(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "ogi-reports extractor": EXTRACTOR_VERSION}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def _manifest(name: str, created: str, tables: dict[str, pd.DataFrame], folder: Path, timings: dict[str, float],
              run_info: dict | None) -> dict[str, Any]:
    reports = tables["reports"]
    files = {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}
    return {
        "release": name, "created": created, "extractor_version": EXTRACTOR_VERSION, "versions": _versions(),
        "row_counts": {t: len(df) for t, df in tables.items()},
        "statuses": {str(k): int(v) for k, v in reports["status"].value_counts().sort_index().items()},
        "documents": sorted(reports["report_id"].tolist()),
        "superseded": int(reports["superseded_by"].notna().sum()),
        "files": files, "bytes": sum(files.values()), "timings_s": timings, "run_info": run_info or {},
    }


def _unique_dir(releases: Path, name: str) -> tuple[str, Path]:
    final, n = releases / name, 1
    while final.exists():
        n += 1
        final = releases / f"{name}-{n}"
    return final.name, final


def _point_latest(out_root: Path, name: str) -> None:
    """Move OUT/latest (symlink) and OUT/LATEST (text) to the release, each by an atomic os.replace."""
    latest = out_root / "latest"
    if latest.exists() and not latest.is_symlink():
        raise ReleaseError(f"{latest} exists and is not a symlink: move it away so the pointer can be updated")
    tmp = out_root / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(Path("releases") / name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except (NotImplementedError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        if not _no_symlinks(exc):
            raise
    text = out_root / f".LATEST-{os.getpid()}"
    text.write_text(name + "\n", encoding="utf-8")
    os.replace(text, out_root / "LATEST")


def _no_symlinks(exc: BaseException) -> bool:
    return isinstance(exc, NotImplementedError) or (getattr(exc, "errno", None) in (errno.EPERM, errno.ENOTSUP)
        and sys.platform == "win32")


def _readable(exc: OSError, where: Path) -> str:
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
              errno.EROFS: "the file system is read-only"}.get(exc.errno or 0, exc.strerror or str(exc))
    target = exc.filename or where
    return f"cannot write the release under {where}: {reason} ({target}); the previous release is unchanged"


def _remove_abandoned(releases: Path) -> None:
    """Temporary folders of builds whose process is gone (killed mid-build) are removed."""
    for tmp in releases.glob(".tmp-*-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except PermissionError:
            pass  # alive, another user's


def build_release(frames: dict[str, pd.DataFrame], out_root: Path, *, documents: list[StoredDocument] | None = None,
                  run_info: dict | None = None, now: datetime | None = None,
                  audits: list[SourceAudit] | None = None) -> Path:
    """Build a dated release folder under out_root atomically and point out_root/'latest' at it; returns its path."""
    out_root = Path(out_root)
    now = now or datetime.now(UTC)
    created = now.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    releases = out_root / "releases"
    tmp: Path | None = None
    try:
        releases.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(releases)
        name, final = _unique_dir(releases, _name(now))
        tmp = releases / f".tmp-{name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        timings: dict[str, float] = {}
        tick = datasets.timed(timings)
        start = time.perf_counter()
        tables = datasets.prepare(frames, documents, tick, audits)
        arrow = {t: datasets.to_arrow(df, t) for t, df in tables.items()}
        tick("arrow")
        datasets.write_parquet(arrow, tmp / "parquet")
        tick("parquet")
        datasets.write_csv(arrow, tmp / "csv")
        tick("csv")
        database.write_database(arrow, tmp / DB_NAME)
        tick("duckdb")
        _write_json(tmp / "datapackage.json", datapackage.descriptor(name, created))
        tick("datapackage")
        timings["total"] = round(time.perf_counter() - start, 3)
        _write_json(tmp / "manifest.json", _manifest(name, created, tables, tmp, timings, run_info))
        os.rename(tmp, final)
        tmp = None
        _point_latest(out_root, name)
        return final
    except OSError as exc:
        raise ReleaseError(_readable(exc, out_root)) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def resolve(out_root_or_release: Path) -> Path:
    """The release folder: the path itself when it is one, else the release OUT/latest (or OUT/LATEST) names."""
    p = Path(out_root_or_release)
    if (p / "manifest.json").is_file():
        return p
    if (p / "latest" / "manifest.json").is_file():
        return (p / "latest").resolve()
    if (p / "LATEST").is_file():
        rel = p / "releases" / (p / "LATEST").read_text(encoding="utf-8").strip()
        if (rel / "manifest.json").is_file():
            return rel
    raise ReleaseError(f"no release found at {p}")


def open_release(out_root_or_release: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the release's DuckDB database."""
    return duckdb.connect(str(resolve(out_root_or_release) / DB_NAME), read_only=True)
