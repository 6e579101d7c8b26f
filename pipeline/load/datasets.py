"""The release's tables: canonical frames in, enriched and checked frames out; Parquet (hive, by year) and CSV.

Layout inside a release folder::

    parquet/<table>/year=2021/part-0.parquet   registry columns (reports without `year`: it is the partition)
    parquet/<table>/year=__HIVE_DEFAULT_PARTITION__/part-0.parquet   reports whose year is unknown
    csv/<table>.csv                              every registry column, UTF-8 with BOM
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline import schema
from pipeline.extraction import TABLE_NAMES
from pipeline.load import dataset_checks, identity, revisions

if TYPE_CHECKING:
    from scrapers.audit import SourceAudit
    from scrapers.store import StoredDocument

RELEASE_TABLES = (*TABLE_NAMES, "sources", "agencies", "quality")
YEAR_TABLES = (*TABLE_NAMES, "sources")  # partitioned by the report's year; the others are one file
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
Timer = Callable[[str], None]


def _conformed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """The frame with registry columns and dtypes: cheap when it already conforms, else schema.conform."""
    want = schema.empty(table)
    missing = [c for c in want.columns if c not in df.columns]
    if missing and set(df.columns) <= set(want.columns):  # frames from before the loader added fields
        df = df.assign(**dict.fromkeys(missing, None))
    if list(df.columns) == list(want.columns) and df.dtypes.equals(want.dtypes):
        return df.reset_index(drop=True)
    return schema.conform(df, table)


def prepare(frames: dict[str, pd.DataFrame], documents: list[StoredDocument] | None = None,
            timer: Timer | None = None, audits: list[SourceAudit] | None = None) -> dict[str, pd.DataFrame]:
    """Every release table: identities, sources, revisions, dataset-level checks and the quality summary."""
    tick = timer or (lambda _: None)
    frames = revisions.dedupe({t: _conformed(frames.get(t, schema.empty(t)), t) for t in TABLE_NAMES})
    reports = frames["reports"].copy()
    src = revisions.sources(documents, set(reports["report_id"]))
    reports = revisions.fill_from_sources(reports, src)
    tick("sources")
    ids, agencies = identity.assign(reports)
    reports["agency_id"] = ids["agency_id"]
    reports["adcode"] = reports["adcode"].fillna(ids["adcode"])
    reports["superseded_by"] = revisions.supersede(reports)
    reports["attachment_report_id"] = revisions.landing_pages(reports, src)
    reports = schema.conform(reports, "reports")
    tick("identity")
    series = dataset_checks.series_checks(reports, frames["requests"], frames["proactive"], frames["legacy"])
    checks = pd.concat([frames["checks"], series], ignore_index=True) if len(series) else frames["checks"]
    checks = _conformed(checks, "checks")
    out = {**frames, "reports": reports, "checks": checks, "sources": src,
           "agencies": schema.conform(agencies, "agencies")}
    out["quality"] = dataset_checks.quality(reports, src, checks, audits)
    tick("checks")
    return {t: out[t] for t in RELEASE_TABLES}


def to_arrow(df: pd.DataFrame, table: str) -> pa.Table:
    return pa.Table.from_pandas(df, schema=schema.arrow_schema(table), preserve_index=False)


def _years(arrow: pa.Table, table: str, report_years: pa.Table) -> pa.Array:
    if table == "reports":
        return arrow.column("year")
    idx = pc.index_in(arrow.column("report_id"), value_set=report_years.column("report_id").combine_chunks())
    return pc.take(report_years.column("year"), idx)


def write_parquet(tables: dict[str, pa.Table], folder: Path) -> list[Path]:
    """Hive-partitioned Parquet per table (by the report's year) with the registry's schemas."""
    written: list[Path] = []
    years = tables["reports"].select(["report_id", "year"])
    for table, arrow in tables.items():
        root = folder / table
        if table not in YEAR_TABLES:
            root.mkdir(parents=True, exist_ok=True)
            pq.write_table(arrow, root / "part-0.parquet")
            written.append(root / "part-0.parquet")
            continue
        year = _years(arrow, table, years)
        data = arrow.drop_columns(["year"]) if table == "reports" else arrow
        for y in pc.unique(year).to_pylist() or [None]:
            mask = pc.is_null(year) if y is None else pc.fill_null(pc.equal(year, y), False)
            part = root / f"year={NULL_PARTITION if y is None else y}" / "part-0.parquet"
            part.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(data.filter(mask) if len(data) else data, part)
            written.append(part)
    return written


def write_csv(tables: dict[str, pa.Table], folder: Path) -> list[Path]:
    """One CSV per table, UTF-8 with BOM (Excel), booleans as true/false, nulls empty."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, arrow in tables.items():
        path = folder / f"{table}.csv"
        with path.open("wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            pacsv.write_csv(arrow, fh, pacsv.WriteOptions(quoting_style="needed"))
        written.append(path)
    return written


def read_schema(table: str) -> pa.Schema:
    """Schema of a table's Parquet dataset as read back: the registry's, plus `year` (int64) as partition."""
    s = schema.arrow_schema(table)
    return s if "year" in s.names or table not in YEAR_TABLES else s.append(pa.field("year", pa.int64()))


def read_table(release: Path, table: str) -> pd.DataFrame:
    """A release table from its Parquet files, with the registry's pandas dtypes."""
    root = Path(release) / "parquet" / table
    part = ds.partitioning(pa.schema([("year", pa.int64())]), flavor="hive") if table in YEAR_TABLES else None
    arrow = ds.dataset(root, format="parquet", partitioning=part, schema=read_schema(table)).to_table()
    return arrow.select(read_schema(table).names).to_pandas(types_mapper=schema._PANDAS_TYPES.get)


def timed(timings: dict[str, float]) -> Timer:
    """A timer callback recording seconds since the previous tick under each stage name."""
    last = [time.perf_counter()]

    def tick(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = round(now - last[0], 3)
        last[0] = now

    return tick
