"""Legacy statistics tables (SH-2007, FJ-2009, FJ-PT, GB-2014): columns by header, rows by label, never by position.

A table is a legacy statistics table when its header names a label column and a value column (指标名称 |
计量单位 | 2015年度 | 历年累计, 统计指标 | 单位 | 统计数, 指标名称 | 代码 | 本期实际 | 本年累计) and at least two of
its rows carry vocabulary labels; or, without such a header, when its rows are vocabulary labels with one
value column. The year column and the cumulative column (历年累计) are told apart by their headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.document import Cell, Table
from pipeline.legacy import vocabulary
from pipeline.legacy.numbers import Reading, is_unit, read_cell
from pipeline.legacy.records import KeyFigure
from pipeline.text import clean
from pipeline.text import squeeze as _squeeze

squeeze = lru_cache(maxsize=8192)(_squeeze)  # cell texts repeat (0, 条, 件 …): memoised, it is pure

_YEAR_HEADER_RE = re.compile(r"((?:19|20)\d{2})年")
VALUE_ROLES = ("year", "month", "cumulative")
_MIN_ROWS = 2
_HEADER_CELL_MAX = 10  # a column name is short (指标名称, 2015年度, 历年累计); a longer cell is a row label


@dataclass(slots=True)
class Column:
    index: int
    role: str  # label | unit | code | number | note | year | month | cumulative | unknown
    header: str
    year: int | None = None


@dataclass(slots=True)
class LegacyTable:
    table: Table
    family: str
    columns: list[Column]
    header_rows: int
    notes: list[str] = field(default_factory=list)


def _texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


def _has_number(row: list[Cell]) -> bool:
    return any(read_cell(c.text).state == "number" for c in row)


def column_role(header: str) -> tuple[str, int | None]:
    """The role of a column from its header text (the longest role word found), and the year it names."""
    h = squeeze(header)
    m = _YEAR_HEADER_RE.search(h)
    if m and "累计" not in h.replace("本年累计", ""):
        return "year", int(m.group(1))
    best, role = 0, "unknown"
    for name, words in vocabulary.settings()["columns"].items():
        for w in words:
            if w in h and len(w) > best:
                best, role = len(w), name
    return role, None


def _header_rows(rows: list[list[Cell]]) -> int:
    """Leading rows (at most 3) that name columns (指标名称, 2015年度 …) or hold no number: the table's header."""
    n = 0
    for row in rows[:3]:
        if _column_index_row(row):
            n += 1
            continue
        words = any(column_role(c.text)[0] != "unknown" for c in row
                    if c.text and len(squeeze(c.text)) <= _HEADER_CELL_MAX and not _is_value_text(c.text))
        years = any(_YEAR_HEADER_RE.search(squeeze(c.text)) for c in row)
        if _has_number(row) and not (words and (years or n == 0 and _names_columns(row))):
            break
        n += 1
    return n


def _column_index_row(row: list[Cell]) -> bool:
    """A row numbering the columns of a statistics form: 甲 | 乙 | 丙 | 1 | 2."""
    texts = [squeeze(c.text) for c in row if c.text]
    return bool(texts) and "甲" in texts and all(len(t) <= 2 for t in texts)


def _names_columns(row: list[Cell]) -> bool:
    """A row of column names: its first cells are label and unit words (指标名称 | 计量单位 | 201 | 历年)."""
    return any(column_role(c.text)[0] == "label" for c in row[:2] if len(squeeze(c.text)) <= _HEADER_CELL_MAX)


def _columns(rows: list[list[Cell]], n_header: int) -> list[Column]:
    width = max((len(r) for r in rows), default=0)
    out = []
    for c in range(width):
        parts: list[str] = []
        for row in rows[:n_header]:
            if c < len(row) and row[c].text and (not parts or parts[-1] != row[c].text):
                parts.append(row[c].text)
        header = " ".join(parts)
        role, year = column_role(header) if header else ("unknown", None)
        out.append(Column(c, role, clean(header), year))
    return out


def table_family(header_text: str, labels: str) -> str | None:
    """The first declared family whose header words (and row words) a table shows."""
    for fam in vocabulary.settings()["families"]:
        if all(w in header_text for w in fam["header"]) and (
                not fam.get("rows") or any(w in labels for w in fam["rows"])):
            return str(fam["name"])
    return None


def _vocabulary_rows(rows: list[list[Cell]]) -> int:
    ctx = vocabulary.Context()
    n = 0
    for row in rows:
        label = next((c.text for c in row if c.text and read_cell(c.text).state == "text"), "")
        if label and vocabulary.resolve(label, ctx) is not None:
            n += 1
    return n


def recognise(table: Table, headerless: bool = False) -> LegacyTable | None:
    """The table as a legacy statistics table, or None. `headerless`: also tables without a header row."""
    rows = table.rows
    if not rows:
        return None
    n_header = _header_rows(rows)
    columns = _columns(rows, n_header)
    header_text = squeeze("".join(c.header for c in columns))
    roles = {c.role for c in columns}
    body = rows[n_header:]
    named = "label" in roles and bool(roles & set(VALUE_ROLES))
    if not named and not headerless:
        return None  # cheap test first: most tables of a 2019+ report stop here
    if _vocabulary_rows(body) < _MIN_ROWS:
        return None
    if named:
        labels_text = "".join(vocabulary.label_core(r[0].text) for r in body if r)
        return LegacyTable(table, table_family(header_text, labels_text) or "table", columns, n_header)
    # no header: the label is the first text cell, the value the one column that holds numbers
    value_cols = sorted({c.col for r in body for c in r if read_cell(c.text).state == "number"})
    if len(value_cols) != 1:
        return None
    cols = [Column(i, "year" if i == value_cols[0] else "label", "") for i in range(len(columns))]
    return LegacyTable(table, "table", cols, n_header)


def continuation(table: Table, before: LegacyTable) -> LegacyTable | None:
    """A table without a header that goes on with the previous legacy table's columns (same width, rows with
    vocabulary labels from the first one)."""
    rows = table.rows
    if not rows or _header_rows(rows) or max(len(r) for r in rows) != len(before.columns):
        return None
    if _vocabulary_rows(rows) < 1:
        return None
    return LegacyTable(table, before.family, before.columns, 0)


def _value_columns(lt: LegacyTable, report_year: int | None) -> list[tuple[Column, str]]:
    """(column, period) of the columns holding key figures; notes on the columns left out."""
    years = [c for c in lt.columns if c.role == "year"]
    months = [c for c in lt.columns if c.role == "month"]
    if len(years) > 1:  # several years printed side by side: the report's own, else the one without a year
        own = [c for c in years if c.year == report_year] or [c for c in years if c.year is None]
        for c in years:
            if c not in own[:1]:
                lt.notes.append(f"legacy table: column {c.header!r} is not the report's year: left out")
        years = own[:1]
    if years:
        for c in months:
            lt.notes.append(f"legacy table: column {c.header!r} is a month of a monthly form: left out "
                            f"({years[0].header!r} is the year)")
        chosen = [(c, "year") for c in years]
    else:
        chosen = [(c, "year") for c in months[:1]]
    cum = [c for c in lt.columns if c.role == "cumulative"]
    return chosen + [(c, "cumulative") for c in cum[:1]]


def _row_unit(row: list[Cell], lt: LegacyTable, label: str) -> str | None:
    for col in lt.columns:
        if col.role == "unit" and col.index < len(row) and row[col.index].text:
            return squeeze(row[col.index].text)
    return vocabulary.label_unit(label)


def read_table(lt: LegacyTable, report_year: int | None) -> tuple[list[KeyFigure], list[str]]:
    """Key figures of a recognised table: every labelled row with a value, year and cumulative apart."""
    out: list[KeyFigure] = []
    value_cols = _value_columns(lt, report_year)
    label_cols = [c.index for c in lt.columns if c.role in ("label", "unknown")]
    ctx = vocabulary.Context()
    seen: set[tuple[str, str]] = set()
    for row in lt.table.rows[lt.header_rows:]:
        label_cells = [row[i] for i in label_cols
                       if i < len(row) and row[i].text and not _is_value_text(row[i].text) and not is_unit(row[i].text)]
        label_cells = [c for k, c in enumerate(label_cells) if not k or c.text != label_cells[k - 1].text]
        if not label_cells:
            continue
        own = label_cells[-1].text
        label = " / ".join(c.text for c in label_cells)
        key = vocabulary.resolve(own, ctx)
        readings = [(col, period, read_cell(row[col.index].text) if col.index < len(row) else Reading.blank())
                    for col, period in value_cols]
        if not any(r.state in ("number", "dash") for _, _, r in readings):
            continue  # a group heading, or a row printed empty
        if key is None:
            key = vocabulary.EXTRA
        unit = _row_unit(row, lt, own)
        for col, period, r in readings:
            if key != vocabulary.EXTRA and (key, period) in seen:
                lt.notes.append(f"legacy table: {key} ({period}) printed twice ({label!r}): first kept")
                continue
            cell = row[col.index] if col.index < len(row) else Cell("", -1, col.index)
            out.append(KeyFigure(
                key=key, period=period, value=r.value, unit=r.unit or unit or _header_unit(col), source="table",
                row_label=label, raw=cell.text, family=lt.family, col_label=col.header or None, approx=r.approx,
                null_reason=r.reason, page=cell.page or lt.table.page, table_index=lt.table.index,
                grid_row=cell.row if cell.row >= 0 else None, grid_col=col.index))
        if key != vocabulary.EXTRA:
            seen.update((key, p) for _, p in value_cols)
    return out, lt.notes


def _header_unit(col: Column) -> str | None:
    return vocabulary.label_unit(col.header) if col.header else None


def _is_value_text(text: str) -> bool:
    return read_cell(text).state in ("number", "dash")
