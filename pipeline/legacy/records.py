"""Typed records of the legacy extraction: one KeyFigure per key figure found."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from pipeline import schema
from pipeline.legacy import vocabulary


@dataclass(slots=True)
class KeyFigure:
    """A key figure of a pre-2019 report, as printed (no unit conversion)."""

    key: str
    period: str  # year | cumulative
    value: float | None
    unit: str | None
    source: str  # table | prose
    row_label: str  # the row label as printed, or the sentence
    raw: str  # the cell text, or the phrase holding the number
    family: str  # SH-2007 | FJ-2009 | FJ-PT | GB-2014 | table | text | prose
    qualifier: str | None = None
    col_label: str | None = None
    approx: bool = False
    null_reason: str | None = None
    page: int | None = None
    table_index: int | None = None
    grid_row: int | None = None
    grid_col: int | None = None

    @property
    def relation(self) -> str:
        k = vocabulary.by_key().get(self.key)
        return k.relation if k else "—"

    @property
    def comparable_key(self) -> str | None:
        k = vocabulary.by_key().get(self.key)
        return k.comparable_key if k else None


def columns(report_id: str, figures: list[KeyFigure]) -> schema.Columns:
    """The `legacy` rows of one report as checked columns (schema.to_columns)."""
    names = [f.name for f in fields(KeyFigure)]  # asdict would deep-copy every value
    rows = [{**{n: getattr(f, n) for n in names}, "report_id": report_id, "relation": f.relation,
             "comparable_key": f.comparable_key} for f in figures]
    return schema.to_columns("legacy", rows)


def frame(report_id: str, figures: list[KeyFigure]) -> pd.DataFrame:
    """The `legacy` rows of one report, conforming to the registry."""
    return schema.frame("legacy", [columns(report_id, figures)])
