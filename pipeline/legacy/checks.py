"""Checks on the key figures of one report (warnings): the sums declared in the pre2019 version, prose
against table. Published numbers are never changed, only flagged."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline import labels
from pipeline.checks import check_row
from pipeline.legacy import vocabulary
from pipeline.legacy.records import KeyFigure

PERIODS = ("year", "cumulative")


def _values(figures: list[KeyFigure], period: str, source: str | None) -> dict[str, list[KeyFigure]]:
    """Figures by key, one per key and qualifier (the first printed), non-null, exact numbers only."""
    out: dict[str, list[KeyFigure]] = defaultdict(list)
    seen: set[tuple[str, str | None]] = set()
    for f in figures:
        if f.period != period or f.value is None or f.approx or (source and f.source != source):
            continue
        if f.key == vocabulary.EXTRA or (f.key, f.qualifier) in seen:
            continue
        seen.add((f.key, f.qualifier))
        out[f.key].append(f)
    return out


def identity_checks(report_id: str, figures: list[KeyFigure]) -> list[dict[str, Any]]:
    out = []
    for ident in vocabulary.version().identities:
        if ident.table != "legacy":
            continue
        for period in PERIODS:
            vals = _values(figures, period, ident.source)
            if any(k not in vals for k in (*ident.lhs, *ident.requires)) or any(k in vals for k in ident.excludes):
                continue
            parts = [f for k in ident.rhs for f in vals.get(k, [])]
            if len(parts) < (ident.min_parts or len(ident.rhs)):
                continue
            lhs = sum(vals[k][0].value or 0.0 for k in ident.lhs)
            rhs = sum(f.value or 0.0 for f in parts)
            cells = [*ident.lhs, *dict.fromkeys(f.key + (f"[{f.qualifier}]" if f.qualifier else "") for f in parts)]
            out.append(check_row(report_id, ident.family, period, lhs, rhs, cells, ident.severity))
    return out


def prose_vs_table(report_id: str, figures: list[KeyFigure]) -> list[dict[str, Any]]:
    """legacy.prose_vs_table.<key>: a figure the prose states against the same figure in the table."""
    table, prose = _values(figures, "year", "table"), _values(figures, "year", "prose")
    out = []
    for key in table:
        if key in prose and not table[key][0].qualifier:
            out.append(check_row(report_id, "legacy.prose_vs_table", key, prose[key][0].value or 0.0,
                                 table[key][0].value or 0.0, [key], "warning"))
    return out


def legacy_checks(report_id: str, figures: list[KeyFigure]) -> list[dict[str, Any]]:
    """Every check on one report's key figures, as rows of the `checks` table."""
    return identity_checks(report_id, figures) + prose_vs_table(report_id, figures)


def legacy_versions() -> tuple[str, ...]:
    """Template versions whose reports carry key figures instead of the national tables."""
    return tuple(v.name for v in labels.versions().values() if "legacy" in v.tables)
