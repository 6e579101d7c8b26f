"""Table 三: rows mapped by label (numbering, patterns, group context), applicant columns by position."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pipeline import labels
from pipeline.normalise.cells import null_blanks_without_numbers, provenance
from pipeline.normalise.locate import LogicalTable
from pipeline.normalise.rows import Row, right_aligned_width, split_row
from pipeline.text import core, fold, numbering

N_COLUMNS = len(labels.applicants())  # 7: six applicant types and the total
_FUZZY_MIN = 0.72


@dataclass(slots=True)
class Context:
    top: int | None = None
    group: int | None = None


def _applicant_header(row: Row) -> bool:
    """A header row: its own label is an applicant name (自然人, 商业企业 …) and it prints no numbers."""
    own = row.own
    kind, _, _ = numbering(own)
    if kind is not None or row.has_numbers:
        return False
    c = core(own)
    return any(c == p or (len(p) > 2 and p in c) for a in labels.applicants() for p in a.patterns)


def _compatible(o: labels.Outcome, ctx: Context, kind: str | None, number: int | None) -> bool:
    if kind == "top":
        return o.top == number and o.group is None
    if kind == "group":
        return o.group == number and o.number is None
    if kind == "sub":
        return o.number == number and (ctx.group is None or o.group == ctx.group)
    if o.number is not None and ctx.group is not None:
        return o.group == ctx.group
    return True


def resolve(own: str, ctx: Context) -> str | None:
    """The outcome key of a row's own label in its context, or None."""
    kind, number, _ = numbering(own)
    c = core(own)
    if not c:
        return None
    outcomes = labels.outcomes()
    # 1. a pattern that fits the numbering and the group we are in; 2. a pattern alone (numbering lost or odd)
    for strict in (True, False):
        for o in outcomes:
            if o.key == "other_misc" and not (ctx.group == 6 and kind == "sub"):
                continue  # "其他" alone only means 三（六）3 inside group （六）
            if any(p in c for p in o.patterns) and (not strict or _compatible(o, ctx, kind, number)):
                return o.key
    # 3. position inside the group: （三）2. is denied_other_law whatever its words
    if kind == "sub" and ctx.group is not None:
        for o in outcomes:
            if o.group == ctx.group and o.number == number:
                return o.key
    # 4. a close spelling of a template label
    best, score = None, 0.0
    for o in outcomes:
        r = difflib.SequenceMatcher(None, c, core(o.label)).ratio()
        if r > score:
            best, score = o.key, r
    return best if score >= _FUZZY_MIN else None


def _update_context(row: Row, ctx: Context) -> None:
    for cell in row.labels:
        kind, number, _ = numbering(fold(cell.text))
        if kind == "top":
            ctx.top, ctx.group = number, None
        elif kind == "group":
            ctx.group = number


def normalise_requests(table: LogicalTable, report_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Value rows of table 三 and notes on what could not be mapped."""
    applicants = sorted(labels.applicants(), key=lambda a: a.position)
    out: list[dict[str, Any]] = []
    notes: list[str] = []
    ctx = Context()
    seen: set[str] = set()
    for part in table.parts:
        width = right_aligned_width(part.rows, N_COLUMNS, {core(a.label): a.position for a in applicants})
        for cells in part.rows:
            row = split_row(cells, N_COLUMNS, width)
            if not row.labels or _applicant_header(row):
                continue
            _update_context(row, ctx)
            key = resolve(row.own, ctx)
            if key is None:
                if row.has_numbers:
                    notes.append(f"table 三: unmapped row {row.label_text!r}")
                continue
            if key in seen:
                notes.append(f"table 三: row {key} printed twice ({row.label_text!r}); first kept")
                continue
            if not row.values:
                continue
            seen.add(key)
            if len(row.values) != N_COLUMNS:
                notes.append(f"table 三: row {key} has {len(row.values)} value cells, expected {N_COLUMNS}")
            for applicant, cell, parsed in zip(applicants, row.values, row.parsed, strict=False):
                rec = provenance(report_id, row.label_text, applicant.label, cell, parsed, part.index)
                rec.update(outcome=key, applicant=applicant.key)
                out.append(rec)
    _drop_blank_single_other(out)
    _null_unpublished_total(out)
    null_blanks_without_numbers(out)
    return out, notes


def _drop_blank_single_other(out: list[dict[str, Any]]) -> None:
    """A value-less （六）其他处理 heading row above its three sub-rows is a heading, not a row."""
    keys = {r["outcome"] for r in out}
    if "other" in keys and keys & {"other_no_correction", "other_unpaid_fee", "other_misc"}:
        if all(r["cell_state"] == "blank" for r in out if r["outcome"] == "other"):
            out[:] = [r for r in out if r["outcome"] != "other"]


def _null_unpublished_total(out: list[dict[str, Any]]) -> None:
    """A 总计 column left blank in every row was not published: null, not 0."""
    totals = [r for r in out if r["applicant"] == "total"]
    if totals and all(r["cell_state"] == "blank" for r in totals):
        for r in totals:
            r["value"] = None
