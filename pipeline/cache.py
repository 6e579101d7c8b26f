"""Extraction cache: the canonical rows of every extracted document, keyed by report_id and extractor version.

An embedded DuckDB file with one table per canonical table. `ogi run` extracts only documents whose
report_id is not cached for the current extractor version, and the loader builds releases from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import checks, schema
from pipeline.extraction import TABLE_NAMES, Report
from pipeline.version import EXTRACTOR_VERSION

_DUCK_TYPES = {"string": "VARCHAR", "float": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN"}


class ExtractionCache:
    """Single-writer store of extracted reports (open it from one process at a time)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = duckdb.connect(str(path))
        for table in TABLE_NAMES:
            empty = schema.empty(table)
            self.con.register("_empty", empty)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _empty WHERE false")
            self.con.unregister("_empty")
            self._add_new_columns(table)

    def _add_new_columns(self, table: str) -> None:
        """A cache written before the registry gained fields: add them (null for the rows already cached)."""
        have = {r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()}
        for f in schema.TABLES[table]:
            if f.name not in have:
                self.con.execute(f'ALTER TABLE {table} ADD COLUMN "{f.name}" {_DUCK_TYPES[f.dtype]}')
        if table == "checks" and "family" not in have:
            self._structure_old_checks()

    def _structure_old_checks(self) -> None:
        """Checks cached by an extractor before 0.3.0 had only their id: family, kind, scope and subject from
        the registered families (`ogi run` extracts such documents again; `ogi load` reads them as they are)."""
        ids = [r[0] for r in self.con.execute('SELECT DISTINCT "check" FROM checks').fetchall()]
        rows = []
        for check in ids:
            split = checks.split_id(check)
            if split is not None:
                fam = schema.check_family(split[0])
                rows.append({"check": check, "family": fam.name, "kind": fam.kind, "scope": fam.scope,
                             "subject": split[1]})
        if rows:
            self.con.register("_ids", pd.DataFrame(rows))
            self.con.execute('UPDATE checks SET family = i.family, kind = i.kind, scope = i.scope, subject = i.subject '
                             'FROM _ids i WHERE checks."check" = i."check"')
            self.con.unregister("_ids")

    def done(self, version: str = EXTRACTOR_VERSION) -> set[str]:
        """report_ids already extracted by this extractor version."""
        rows = self.con.execute("SELECT report_id FROM reports WHERE extractor_version = ?", [version]).fetchall()
        return {r[0] for r in rows}

    def put(self, reports: Iterable[Report]) -> int:
        """Store reports (replacing earlier rows of the same report_id) in one transaction; returns the count."""
        batch = list(reports)
        if not batch:
            return 0
        ids = pd.DataFrame({"report_id": [r.report_id for r in batch]})
        self.con.execute("BEGIN")
        try:
            self.con.register("_ids", ids)
            for table in TABLE_NAMES:
                self.con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM _ids)")
                frame = schema.arrow_table(table, [r.tables[table] for r in batch])
                if frame.num_rows:
                    self.con.register("_rows", frame)
                    self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
                    self.con.unregister("_rows")
            self.con.unregister("_ids")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return len(batch)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every cached table, conformed to the registry (columns in registry order)."""
        out = {}
        for t in TABLE_NAMES:
            cols = ", ".join(f'"{c}"' for c in schema.columns(t))
            out[t] = schema.conform(self.con.execute(f"SELECT {cols} FROM {t}").df(), t)
        return out

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
