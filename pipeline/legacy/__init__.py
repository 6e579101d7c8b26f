"""Key figures of the reports before the national template (pre2019): statistics tables and prose.

One step after reading, on the Document every reader yields (HTML, text, PDF, Word alike): legacy statistics
tables by header and label (tables.py), tables flattened into text lines (textrows.py), prose rules
(prose.py), checks as warnings (checks.py). The output is typed records (records.KeyFigure) that become the
`legacy` table; they never enter proactive / requests / reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.document import Document, Table
from pipeline.legacy import prose, tables, textrows
from pipeline.legacy.checks import legacy_checks, legacy_versions
from pipeline.legacy.records import KeyFigure, columns, frame
from pipeline.legacy.tables import LegacyTable

__all__ = ["KeyFigure", "LegacyResult", "LegacyTable", "columns", "extract_legacy", "find_tables", "frame",
           "legacy_checks", "legacy_versions"]


@dataclass(slots=True)
class LegacyResult:
    figures: list[KeyFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def from_table(self) -> bool:
        return any(f.source == "table" for f in self.figures)

    @property
    def nulls(self) -> list[KeyFigure]:
        return [f for f in self.figures if f.value is None]


def find_tables(doc_tables: list[Table]) -> list[LegacyTable]:
    """The document's legacy statistics tables recognised by their header (before the national tables are sought),
    and the tables that continue one without repeating its header (a page break, a table cut in two)."""
    out: list[LegacyTable] = []
    for t in doc_tables:
        lt = tables.recognise(t)
        if lt is None and out and out[-1].table.index == t.index - 1:
            lt = tables.continuation(t, out[-1])
        if lt is not None:
            out.append(lt)
    return out


def extract_legacy(doc: Document, year: int | None, found: list[LegacyTable], others: list[Table],
                   read_prose: bool = True) -> LegacyResult:
    """Key figures of a document: its legacy tables (`found`, and headerless ones among `others`), the tables
    flattened into its text lines and, with read_prose, its prose."""
    result = LegacyResult()
    for t in others:
        lt = tables.recognise(t, headerless=True)
        if lt is not None:
            found = [*found, lt]
    for lt in sorted(found, key=lambda x: x.table.index):
        figs, notes = tables.read_table(lt, year)
        result.figures += figs
        result.notes += notes
    if not read_prose:
        return result
    rows, periods, prose_lines, header = textrows.find_rows(doc.lines)
    prose_figs = prose.read_prose(prose_lines)
    if rows:
        textrows.resolve(rows, periods, prose_figs)
        result.figures += textrows.figures(rows, periods, header or "")
    _units_from_table(prose_figs, result.figures)
    result.figures += prose_figs
    result.notes += [f"legacy: {f.key} ({f.period}) null: {f.null_reason}" for f in result.nulls]
    return result


def _units_from_table(prose_figs: list[KeyFigure], table_figs: list[KeyFigure]) -> None:
    """A statement of absence (未收到…申请) carries no unit: the table's unit for the same key, when printed."""
    units = {f.key: f.unit for f in table_figs if f.unit}
    for f in prose_figs:
        if f.unit is None and f.key in units:
            f.unit = units[f.key]
