"""Table 四: its cells (3 proceedings × 5 outcomes) read by position from the value row(s)."""

from __future__ import annotations

from typing import Any

from pipeline import labels
from pipeline.normalise.cells import null_blanks_without_numbers, provenance
from pipeline.normalise.locate import LogicalTable
from pipeline.normalise.rows import split_row

N_CELLS = len(labels.review_cells())  # 15: 3 proceedings × 5 outcomes


def normalise_reviews(table: LogicalTable, report_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Value rows of table 四 and notes."""
    cells = sorted(labels.review_cells(), key=lambda c: c.position)
    values: list[tuple[Any, Any, int, str]] = []
    last_wide = None  # a table printed all blank: its last row wide enough to hold the 15 cells
    for part in table.parts:
        for grid_row in part.rows:
            row = split_row(grid_row, N_CELLS)
            if row.has_numbers:
                values.extend((c, p, part.index, row.label_text) for c, p in zip(row.values, row.parsed, strict=True))
            elif len(row.values) == N_CELLS and all(p.state == "blank" for p in row.parsed):
                last_wide = [(c, p, part.index, row.label_text) for c, p in zip(row.values, row.parsed, strict=True)]
    if not values and last_wide:
        values = last_wide
    notes: list[str] = []
    if len(values) != N_CELLS:
        notes.append(f"table 四: {len(values)} value cells, expected {N_CELLS}")
    out: list[dict[str, Any]] = []
    for spec, (cell, parsed, index, row_label) in zip(cells, values, strict=False):
        rec = provenance(report_id, row_label, f"{spec.proceeding_label}/{spec.outcome_label}", cell, parsed, index)
        rec.update(proceeding=spec.proceeding, outcome=spec.outcome)
        out.append(rec)
    null_blanks_without_numbers(out)
    return out, notes
