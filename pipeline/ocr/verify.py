"""Checked OCR: values that break the template's identities are read again, finer, cell by cell; values that
stay doubtful are flagged by an ``ocr.confidence.<table>`` check. Nothing is guessed or corrected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from pipeline.checks import check_row
from pipeline.document import Cell, Document

LOW_CONFIDENCE = 0.9
_KEYS = {"proactive": ("item", "metric"), "requests": ("outcome", "applicant"), "reviews": ("proceeding", "outcome")}
Normalised = tuple[dict[str, dict[str, list]], dict[str, Any]]  # (tables as checked columns, report fields)


def _frames(tables: dict[str, dict[str, list]]) -> dict[str, pd.DataFrame]:
    from pipeline import schema

    return {k: schema.frame(k, [tables[k]]) for k in ("checks", *_KEYS)}


def _records(cols: dict[str, list]) -> list[dict[str, Any]]:
    return [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _cells_of_failed_checks(doc: Document, frames: dict[str, pd.DataFrame]) -> list[Cell]:
    checks = frames["checks"]
    failed = checks[~checks["passed"].astype(bool)]
    keys = {k for cells in failed["cells"].dropna() for k in str(cells).split(",") if k}
    if not keys:
        return []
    tables = {t.index: t for t in doc.tables}
    out: list[Cell] = []
    for kind in ("requests", "reviews"):
        df = frames[kind]
        a, b = _KEYS[kind]
        for rec in df.to_dict("records"):
            if f"{rec[a]}.{rec[b]}" not in keys or pd.isna(rec["ocr_confidence"]):
                continue
            table = tables.get(int(rec["table_index"]))
            if table is None or pd.isna(rec["grid_row"]) or pd.isna(rec["grid_col"]):
                continue
            cell = table.rows[int(rec["grid_row"])][int(rec["grid_col"])]
            if cell.box is not None:
                out.append(cell)
    return out


def apply_readings(doc: Document, readings: dict[tuple[int, ...], tuple[str, float]]) -> int:
    """Put new readings (by cell box: source, x0, y0, x1, y1) into every slot of those cells; returns the
    number of slots whose text changed."""
    changed = 0
    for table in doc.tables:
        for row in table.rows:
            for i, cell in enumerate(row):
                new = readings.get(cell.box) if cell.box is not None else None
                if new is not None and (new[0], new[1]) != (cell.text, cell.confidence):
                    changed += new[0] != cell.text
                    row[i] = Cell(new[0], cell.row, cell.col, cell.page, cell.spanned, new[1], cell.box)
    return changed


def recheck(doc: Document, report_id: str, normalise: Callable[[], Normalised], first: Normalised) -> Normalised:
    """The second, finer pass for cells in failed identities, then the confidence flags (tables in and out as
    extraction.normalise gives them: checked columns)."""
    tables, fields = first
    frames = _frames(tables)
    if doc.refine is not None:
        cells = _cells_of_failed_checks(doc, frames)
        if cells:
            readings = doc.refine(cells)
            if apply_readings(doc, readings):
                tables, fields = normalise()
                frames = _frames(tables)
                fields["warnings"] = "\n".join(filter(None, [fields.get("warnings"),
                                                             f"OCR: {len(cells)} cells of failed identities read again"]))
    flags = []
    low_min: float | None = None
    for kind, (a, b) in _KEYS.items():
        df = frames[kind]
        if not len(df) or df["ocr_confidence"].isna().all():
            continue
        conf = df["ocr_confidence"].astype(float)
        low_min = float(conf.min()) if low_min is None else min(low_min, float(conf.min()))
        low = df[conf < LOW_CONFIDENCE]
        if len(low):
            cells = [f"{x}.{y}" for x, y in zip(low[a], low[b], strict=True)]
            flags.append(check_row(report_id, "ocr.confidence", kind, float(low["ocr_confidence"].min()),
                                   LOW_CONFIDENCE, cells, "error", passed=False))
    if flags:
        from pipeline import schema

        tables["checks"] = checks = schema.to_columns("checks", [*_records(tables["checks"]), *flags])
        fields["n_checks_failed"] = sum(not passed and severity == "error"
                                        for passed, severity in zip(checks["passed"], checks["severity"], strict=True))
        doubt = sum(len(str(f["cells"]).split(",")) for f in flags)
        fields["warnings"] = "\n".join(filter(None, [fields.get("warnings"),
                                                     f"OCR: {doubt} values stay doubtful (confidence < {LOW_CONFIDENCE})"]))
    fields["ocr_min_confidence"] = low_min
    return tables, fields
