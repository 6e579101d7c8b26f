"""Value rows with provenance, shared by the three table normalisers."""

from __future__ import annotations

from typing import Any

from pipeline.document import Cell
from pipeline.numbers import Parsed


def provenance(report_id: str, row_label: str, col_label: str, cell: Cell, parsed: Parsed,
               table_index: int) -> dict[str, Any]:
    """The provenance columns every value table carries, plus the value itself."""
    return {
        "report_id": report_id,
        "value": parsed.value,
        "row_label": row_label,
        "col_label": col_label,
        "raw": cell.text,
        "cell_state": parsed.state,
        "page": cell.page,
        "table_index": table_index,
        "grid_row": cell.row,
        "grid_col": cell.col,
        "ocr_confidence": cell.confidence,
    }


def null_blanks_without_numbers(rows: list[dict[str, Any]]) -> None:
    """Blank cells mean 0 only in a table that prints numbers or dashes; in an all-blank table they stay null.

    A dash is a printed mark ("none") and always reads 0.
    """
    if not any(r["cell_state"] in ("number", "dash") for r in rows):
        for r in rows:
            r["value"] = None
