"""Table 二: clause blocks (第二十条第（N）项), items by label, metrics by header or template position."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pipeline import labels
from pipeline.normalise.cells import null_blanks_without_numbers, provenance
from pipeline.normalise.locate import LogicalTable
from pipeline.normalise.rows import split_row
from pipeline.text import cn_number, core, fold

_CLAUSE_RE = re.compile(r"第二十条第?\(?([一二三四五六七八九十]+)\)?项")
_HEADER_UNIT_RE = re.compile(r"(万元|元)")


def _clause(texts: list[str]) -> str | None:
    for text in texts:
        m = _CLAUSE_RE.search(fold(text))
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


def _names(text: str, metric: labels.Metric) -> bool:
    """True when a printed header cell names the metric: one of its patterns, or the start of its label when
    the cell is cut short ("本年新 | 本年新", "本年处")."""
    c = core(text)
    return any(p in c for p in metric.patterns) or (len(c) >= 3 and core(metric.label).startswith(c))


def _templates() -> list[str]:
    return sorted({m.template for m in labels.metrics()})


def _header_metrics(header: list[str], clause: str, template: str) -> tuple[list[labels.Metric], str | None]:
    """A clause's metrics read from its printed header, and the template that header prints (None: no evidence).

    The printed labels keep their meaning: every header cell recognised → the metrics in the printed order, of
    the template they belong to (a 2021 table may print a clause with the 2019 labels); some recognised → the
    order of the template with the most of them; none → `template`'s order.
    """
    partial: list[tuple[int, str, list[labels.Metric]]] = []
    for t in sorted(_templates(), key=lambda x: x != template):
        default = _metrics(clause, t)
        if not default:
            continue
        hits = [[m for m in default if _names(text, m)] for text in header]
        unique = [h[0] for h in hits if len(h) == 1]
        if len(unique) == len(header) == len(default) and len(set(unique)) == len(unique):
            return unique, t
        partial.append((sum(1 for h in hits if h), t, default))
    best = max(partial, key=lambda p: p[0], default=None)
    if best is None or best[0] == 0:
        return _metrics(clause, template), None
    return best[2], best[1]


def _header_band(texts: list[str], own_row: bool) -> list[str] | None:
    """The header cells after 信息内容 in a row's labels (the header band, also when a text without row marks
    runs it into the clause line or the first item row: `own_row`, the last label is the row's own)."""
    cores = [core(t) for t in texts]
    if "信息内容" not in cores:
        return None
    band = texts[cores.index("信息内容") + 1:]
    return band[:-1] if own_row else band


def _to_wan(value: float | None, unit: str | None) -> float | None:
    return value / 10000.0 if value is not None and unit == "元" else value


def majority(shown: dict[str, str]) -> str | None:
    """The template most clause headers of table 二 print (None on a tie or without any)."""
    counts = Counter(shown.values()).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def normalise_proactive(table: LogicalTable, report_id: str,
                        template: str) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    """Value rows of table 二 (each with the template its clause's header prints), notes, and the template each
    clause's header shows (clauses printed without a recognisable header are left out). A clause whose header
    shows no template follows the one most clause headers show, else `template`."""
    out, notes, shown = _normalise(table, report_id, template)
    most = majority(shown)
    if most and most != template:
        out, notes, shown = _normalise(table, report_id, most)
    return out, notes, shown


def _normalise(table: LogicalTable, report_id: str,
               template: str) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    out: list[dict[str, Any]] = []
    shown: dict[str, str] = {}
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
            texts = [c.text for c in row.labels]
            new_clause = _clause(texts)
            if new_clause:
                clause, header = new_clause, []
            item = _item(row.own, clause, template)
            band = _header_band(texts, item is not None or row.has_numbers)
            if band is None and item is None and not row.has_numbers and not new_clause:
                band = texts
            if band:
                header = band
                if clause and clause not in shown:
                    seen = _header_metrics(header, clause, template)[1]
                    if seen:
                        shown[clause] = seen
            if item is None:
                if not row.has_numbers:
                    continue
                item_clause = clause
            else:
                item_clause = next(i.clause for i in labels.items() if i.item == item)
            if item_clause is None:
                notes.append(f"table 二: row {row.label_text!r} outside any clause")
                continue
            metrics, clause_template = _header_metrics(header, item_clause, template)
            clause_template = clause_template or template
            printed = header
            if item is None:
                metrics = []
            for pos, (cell, parsed) in enumerate(zip(row.values, row.parsed, strict=True)):
                if pos < len(metrics):
                    metric = metrics[pos]
                    col_label = printed[pos] if pos < len(printed) else metric.label
                    header_unit = _HEADER_UNIT_RE.search(fold(col_label))
                    unit = parsed.unit or (header_unit.group(1) if header_unit else metric.unit)
                    rec = provenance(report_id, row.label_text, col_label, cell, parsed, part.index)
                    amount = metric.metric in labels.amount_metrics()
                    value = _to_wan(parsed.value, unit) if amount else parsed.value
                    rec.update(clause=item_clause, item=item, metric=metric.metric, value=value, template=clause_template,
                               unit=parsed.unit or (unit if amount else None))
                    out.append(rec)
                elif parsed.state != "blank":
                    col_label = printed[pos] if pos < len(printed) else f"column {pos + 1}"
                    rec = provenance(report_id, row.label_text, col_label, cell, parsed, part.index)
                    rec.update(clause=item_clause, item="extra", metric=f"column_{pos + 1}", unit=parsed.unit,
                               template=clause_template)
                    out.append(rec)
                    if item is not None:
                        notes.append(f"table 二: {item} has an extra value {cell.text!r}")
    null_blanks_without_numbers(out)
    return out, notes, shown
