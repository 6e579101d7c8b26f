"""The fetch log (one row per HTTP request) and the documents manifest, in an embedded DuckDB file.

Writes are grouped into transactions committed at least every ``COMMIT_SECONDS`` (and on close), because
one commit per row costs milliseconds. A hard kill loses at most that last moment of log rows; their bodies
are already in the store and the resumed run simply asks for those URLs again.

A run that stops early (crash, kill, Ctrl-C) is left unfinished; the next run with the same targets
resumes it, reusing every body the unfinished run already logged instead of asking the server again.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, targets VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS fetches (
    run_id INTEGER, source VARCHAR, url VARCHAR, final_url VARCHAR, status INTEGER,
    content_type VARCHAR, bytes BIGINT, sha256 VARCHAR, etag VARCHAR, last_modified VARCHAR,
    fetched_at TIMESTAMPTZ, error VARCHAR, conditional BOOLEAN, attempt INTEGER, elapsed_ms DOUBLE
);
CREATE TABLE IF NOT EXISTS documents (
    sha256 VARCHAR, source VARCHAR, url VARCHAR, final_url VARCHAR, title VARCHAR, media_type VARCHAR,
    filename VARCHAR, published DATE, year INTEGER, kind VARCHAR, parent_url VARCHAR,
    fetched_at TIMESTAMPTZ, run_id INTEGER
);
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS method VARCHAR;
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS form VARCHAR;
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS reason VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS report_url VARCHAR;
CREATE TABLE IF NOT EXISTS source_runs (
    run_id INTEGER, source VARCHAR, status VARCHAR, families VARCHAR, reports INTEGER, years VARCHAR,
    first_year INTEGER, last_year INTEGER, missing VARCHAR, signal VARCHAR, flags VARCHAR,
    finished_at TIMESTAMPTZ
);
"""

FETCH_COLUMNS = ("run_id", "source", "url", "final_url", "status", "content_type", "bytes", "sha256", "etag",
                 "last_modified", "fetched_at", "error", "conditional", "attempt", "elapsed_ms", "method", "form",
                 "reason")
DOC_COLUMNS = ("sha256", "source", "url", "final_url", "title", "media_type", "filename", "published", "year",
               "kind", "parent_url", "fetched_at", "run_id", "report_url")
SOURCE_RUN_COLUMNS = ("run_id", "source", "status", "families", "reports", "years", "first_year", "last_year",
                      "missing", "signal", "flags", "finished_at")
_COLUMNS = {"fetches": FETCH_COLUMNS, "documents": DOC_COLUMNS, "source_runs": SOURCE_RUN_COLUMNS}


COMMIT_SECONDS = 0.25
COMMIT_ROWS = 500


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Validators:
    """What a previous successful fetch of a URL left for a conditional request."""

    sha256: str
    etag: str | None
    last_modified: str | None
    final_url: str | None
    content_type: str | None


class FetchLogError(OSError):
    """The fetch log cannot be opened: in use by another process, damaged, or not a file (the message says which)."""


def _open_problem(path: Path, exc: duckdb.Error) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    if "lock" in low:
        why = "is in use by another process (another ogi scrape or ogi run on the same --out?)"
    elif path.is_dir():
        why = "is a directory"
    elif "not a valid duckdb" in low or "corrupt" in low or "invalid" in low or "magic" in low:
        why = f"is damaged or not a DuckDB file ({text})"
    else:
        why = f"cannot be opened ({text})"
    return f"the fetch log {path} {why}"


class FetchLog:
    """Open (creating if needed) the log at ``path``; FetchLogError (an OSError) when it cannot be."""

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = Path(path)
        con = None
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
            if not read_only:
                con.execute(SCHEMA)
                con.begin()
        except duckdb.Error as exc:
            if con is not None:
                con.close()
            raise FetchLogError(_open_problem(self.path, exc)) from exc
        self.con = con
        self.read_only = read_only
        self._rows: dict[str, list[list[Any]]] = {"fetches": [], "documents": [], "source_runs": []}
        self._pending = 0
        self._doc_keys: set[tuple[str, str]] | None = None
        self._last_commit = time.monotonic()

    def _flush(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                marks = "(" + ", ".join("?" * len(rows[0])) + ")"
                names = ", ".join(_COLUMNS[table])
                for i in range(0, len(rows), 200):
                    chunk = rows[i:i + 200]
                    self.con.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))}",
                                     [v for row in chunk for v in row])
                rows.clear()

    def commit(self) -> None:
        if self.read_only:
            return
        self._flush()
        self.con.commit()
        self.con.begin()
        self._pending = 0
        self._last_commit = time.monotonic()

    def _wrote(self) -> None:
        self._pending += 1
        if self._pending >= COMMIT_ROWS or time.monotonic() - self._last_commit >= COMMIT_SECONDS:
            self.commit()

    def close(self) -> None:
        if not self.read_only:
            self._flush()
            self.con.commit()
        self.con.close()

    def __enter__(self) -> FetchLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # runs -------------------------------------------------------------------------------------------
    def begin_run(self, targets: str) -> tuple[int, bool]:
        """Start a run, or resume the last one if it never finished and had the same targets."""
        last = self.con.execute(
            "SELECT run_id, targets, finished_at FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if last and last[2] is None and last[1] == targets:
            return int(last[0]), True
        run_id = int(self.con.execute("SELECT nextval('run_ids')").fetchone()[0])  # type: ignore[index]
        self.con.execute("INSERT INTO runs VALUES (?, ?, ?, NULL)", [run_id, targets, now()])
        self.commit()
        return run_id, False

    def finish_run(self, run_id: int) -> None:
        self.con.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", [now(), run_id])
        self.commit()

    # fetches ----------------------------------------------------------------------------------------
    def log_fetch(self, **row: Any) -> None:
        row.setdefault("fetched_at", now())
        values = [row.get(c) for c in FETCH_COLUMNS]
        self._rows["fetches"].append(values)
        self._wrote()

    def all_validators(self) -> dict[str, Validators]:
        """The latest successful body per URL over all runs (loaded once per run)."""
        self._flush()
        rows = self.con.execute(
            """SELECT url, arg_max(sha256, fetched_at), arg_max(etag, fetched_at),
                      arg_max(last_modified, fetched_at), arg_max(final_url, fetched_at),
                      arg_max(content_type, fetched_at)
               FROM fetches WHERE status IN (200, 304) AND sha256 IS NOT NULL AND coalesce(method, 'GET') = 'GET'
               GROUP BY url""").fetchall()
        return {r[0]: Validators(*r[1:]) for r in rows}

    def document_keys(self) -> set[tuple[str, str]]:
        self._flush()
        return set(self.con.execute("SELECT source, sha256 FROM documents").fetchall())

    def validators(self, url: str) -> Validators | None:
        """The latest successful body logged for ``url`` (any run), for If-None-Match/If-Modified-Since."""
        self._flush()
        row = self.con.execute(
            """SELECT sha256, etag, last_modified, final_url, content_type FROM fetches
               WHERE url = ? AND status IN (200, 304) AND sha256 IS NOT NULL AND coalesce(method, 'GET') = 'GET'
               ORDER BY fetched_at DESC LIMIT 1""", [url]).fetchone()
        return Validators(*row) if row else None

    def completed(self, run_id: int) -> dict[str, Validators]:
        """URLs already fetched successfully in ``run_id`` (what a resumed run need not ask for again)."""
        self._flush()
        rows = self.con.execute(
            """SELECT url, arg_max(sha256, fetched_at), arg_max(etag, fetched_at),
                      arg_max(last_modified, fetched_at), arg_max(final_url, fetched_at),
                      arg_max(content_type, fetched_at)
               FROM fetches WHERE run_id = ? AND status IN (200, 304) AND sha256 IS NOT NULL
                 AND coalesce(method, 'GET') = 'GET'
               GROUP BY url""", [run_id]).fetchall()
        return {r[0]: Validators(*r[1:]) for r in rows}

    def _table_columns(self, table: str) -> set[str]:
        rows = self.con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                [table]).fetchall()
        return {r[0] for r in rows}

    def _select(self, table: str, columns: tuple[str, ...], where: str, value: Any, order: str) -> list[dict[str, Any]]:
        """Rows of a log table as dicts (after flushing what is buffered), optionally filtered on one column.
        Columns a log written by an older version lacks read as None (a read-only open cannot add them)."""
        self._flush()
        have = self._table_columns(table)
        if not have:
            return []
        picked = [c if c in have else f"NULL AS {c}" for c in columns]
        sql = f"SELECT {', '.join(picked)} FROM {table}"
        params: list[Any] = []
        if value is not None:
            sql += f" WHERE {where} = ?"
            params.append(value)
        cur = self.con.execute(f"{sql} ORDER BY {order}", params)
        return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]

    def fetches(self, run_id: int | None = None) -> list[dict[str, Any]]:
        return self._select("fetches", FETCH_COLUMNS, "run_id", run_id, "fetched_at")

    # documents --------------------------------------------------------------------------------------
    def add_document(self, **row: Any) -> bool:
        """Record a stored document once per (source, sha256); returns whether it was new. The log has one
        writer (DuckDB locks the file), so the keys are kept in memory."""
        if self._doc_keys is None:
            self._flush()
            self._doc_keys = set(self.con.execute("SELECT source, sha256 FROM documents").fetchall())
        key = (row["source"], row["sha256"])
        if key in self._doc_keys:
            return False
        self._doc_keys.add(key)
        row.setdefault("fetched_at", now())
        self._rows["documents"].append([row.get(c) for c in DOC_COLUMNS])
        self._wrote()
        return True

    def documents(self, source: str | None = None) -> list[dict[str, Any]]:
        return self._select("documents", DOC_COLUMNS, "source", source, "fetched_at, url")

    # per-source outcomes (the discovery audit compares a run with the previous one) ----------------------
    def add_source_run(self, **row: Any) -> None:
        row.setdefault("finished_at", now())
        self._rows["source_runs"].append([row.get(c) for c in SOURCE_RUN_COLUMNS])
        self._wrote()

    def source_runs(self, source: str | None = None) -> list[dict[str, Any]]:
        return self._select("source_runs", SOURCE_RUN_COLUMNS, "source", source, "finished_at, run_id")

    def last_source_run(self, source: str, before_run: int) -> dict[str, Any] | None:
        """The outcome of ``source`` in the latest run before ``before_run``."""
        self._flush()
        cur = self.con.execute(
            f"SELECT {', '.join(SOURCE_RUN_COLUMNS)} FROM source_runs WHERE source = ? AND run_id < ? "
            "ORDER BY run_id DESC, finished_at DESC LIMIT 1", [source, before_run])
        row = cur.fetchone()
        return dict(zip(SOURCE_RUN_COLUMNS, row, strict=True)) if row else None
