"""Table 二: clause blocks (第二十条第（N）项), items by label, metrics by header or template position."""

from __future__ import annotations

import re
from typing import Any

from pipeline import labels
from pipeline.normalise.cells import null_blanks_without_numbers, provenance
from pipeline.normalise.locate import LogicalTable
from pipeline.normalise.rows import split_row
from pipeline.text import cn_number, core

_CLAUSE_RE = re.compile(r"第二十条第?\(?([一二三四五六七八九十]+)\)?项")
_HEADER_UNIT_RE = re.compile(r"(万元|元)")


def _clause(texts: list[str]) -> str | None:
    for text in texts:
        m = _CLAUSE_RE.search(text.replace(" ", ""))
        if m:
            return labels.clauses().get(cn_number(m.group(1)))
    return None


def _item(label: str, clause: str | None, template: str) -> str | None:
    c = core(label)
    candidates = sorted(labels.items(), key=lambda i: (i.clause != clause, template not in i.templates))
    for item in candidates:
        if any(p in c for p in item.patterns):
            return item.item
    return None


def _metrics(clause: str, template: str) -> list[labels.Metric]:
    return sorted((m for m in labels.metrics() if m.clause == clause and m.template == template),
                  key=lambda m: m.position)


def _header_metrics(header: list[str], clause: str, template: str) -> tuple[list[labels.Metric], list[str]]:
    """Metrics in the printed header's order when every header cell is recognised, else the template's order."""
    default = _metrics(clause, template)
    mapped: list[labels.Metric] = []
    for text in header:
        c = core(text)
        hits = [m for m in default if any(p in c for p in m.patterns)]
        if len(hits) != 1:
            return default, header
        mapped.append(hits[0])
    if len(mapped) == len(default) and len(set(mapped)) == len(mapped):
        return mapped, header
    return default, header


def _to_wan(value: float | None, unit: str | None) -> float | None:
    return value / 10000.0 if value is not None and unit == "元" else value


def normalise_proactive(table: LogicalTable, report_id: str, template: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Value rows of table 二 and notes."""
    out: list[dict[str, Any]] = []
    notes: list[str] = []
    clause: str | None = None
    header: list[str] = []
    for part in table.parts:
        caption_clause = _clause([part.caption])  # tables printed one per clause, the clause line above each
        if caption_clause:
            clause, header = caption_clause, []
        for cells in part.rows:
            row = split_row(cells)
            if not row.labels:
                continue
            new_clause = _clause([c.text for c in row.labels])
            if new_clause:
                clause, header = new_clause, []
            item = _item(row.own, clause, template)
            if item is None:
                if not row.has_numbers:
                    texts = [c.text for c in row.labels]
                    if texts and core(texts[0]) == "信息内容":
                        texts = texts[1:]
                    if texts and not new_clause:
                        header = texts
                    continue
                item_clause = clause
            else:
                item_clause = next(i.clause for i in labels.items() if i.item == item)
            if item_clause is None:
                notes.append(f"table 二: row {row.label_text!r} outside any clause")
                continue
            metrics, printed = _header_metrics(header, item_clause, template)
            if item is None:
                metrics = []
            for pos, (cell, parsed) in enumerate(zip(row.values, row.parsed, strict=True)):
                if pos < len(metrics):
                    metric = metrics[pos]
                    col_label = printed[pos] if pos < len(printed) else metric.label
                    header_unit = _HEADER_UNIT_RE.search(col_label.replace(" ", ""))
                    unit = parsed.unit or (header_unit.group(1) if header_unit else metric.unit)
                    rec = provenance(report_id, row.label_text, col_label, cell, parsed, part.index)
                    amount = metric.metric in labels.amount_metrics()
                    value = _to_wan(parsed.value, unit) if amount else parsed.value
                    rec.update(clause=item_clause, item=item, metric=metric.metric, value=value,
                               unit=parsed.unit or (unit if amount else None))
                    out.append(rec)
                elif parsed.state != "blank":
                    col_label = printed[pos] if pos < len(printed) else f"column {pos + 1}"
                    rec = provenance(report_id, row.label_text, col_label, cell, parsed, part.index)
                    rec.update(clause=item_clause, item="extra", metric=f"column_{pos + 1}", unit=parsed.unit)
                    out.append(rec)
                    if item is not None:
                        notes.append(f"table 二: {item} has an extra value {cell.text!r}")
    null_blanks_without_numbers(out)
    return out, notes
