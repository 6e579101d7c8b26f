"""Write the canonical tables: Parquet with the registry's schemas and CSV (UTF-8 with BOM), atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schema


def _atomic(path: Path, write) -> None:  # noqa: ANN001 - write(tmp_path) callback
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(df: pd.DataFrame, table: str, path: Path) -> None:
    arrow = pa.Table.from_pandas(schema.conform(df, table), schema=schema.arrow_schema(table), preserve_index=False)
    _atomic(path, lambda tmp: pq.write_table(arrow, tmp))


def write_csv(df: pd.DataFrame, table: str, path: Path) -> None:
    frame = schema.conform(df, table)
    _atomic(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))


def concat(frames: Iterable[pd.DataFrame], table: str) -> pd.DataFrame:
    parts = [f for f in frames if len(f)]
    if not parts:
        return schema.empty(table)
    return schema.conform(pd.concat(parts, ignore_index=True), table)


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write every table as OUT/<table>.parquet and OUT/<table>.csv; returns the paths written."""
    written = []
    for name, df in tables.items():
        for suffix, writer in ((".parquet", write_parquet), (".csv", write_csv)):
            path = out / f"{name}{suffix}"
            writer(df, name, path)
            written.append(path)
    return written
