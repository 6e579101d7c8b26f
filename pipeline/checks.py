"""The template's own arithmetic, evaluated per report. A failed check flags; it never changes a value.

The identities are data: each template version declares them (templates/versions/<name>.toml); a table is
checked with the identities of the version it follows (the default version when that is unknown).
Every producer of `checks` rows (here, pipeline.legacy.checks, pipeline.ocr.verify, pipeline.load.dataset_checks)
makes them with `check_row`: the id `<family>.<subject>` and the structured columns from one call.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pipeline import labels, schema

_TOL = 1e-6
# a table's rows: a frame, or columns as extraction builds them (schema.Columns)
Table = pd.DataFrame | dict[str, list]
# (row key column, column key column) of the national value tables
AXES = {"requests": ("outcome", "applicant"), "reviews": ("proceeding", "outcome")}


def check_row(report_id: str, family: str, subject: str, lhs: float | None, rhs: float | None,
              cells: list[str] | str, severity: str, *, passed: bool | None = None, related_report_id: str | None = None,
              related_year: int | None = None) -> dict[str, Any]:
    """One row of the `checks` table; `kind` and `scope` come from the family's registry entry
    (schema.check_families), `passed` by default from lhs = rhs."""
    fam = schema.check_family(family)
    if passed is None:
        passed = lhs is not None and rhs is not None and math.isclose(lhs, rhs, abs_tol=_TOL)
    return {"report_id": report_id, "check": f"{family}.{subject}", "lhs": lhs, "rhs": rhs, "passed": passed,
            "cells": cells if isinstance(cells, str) else ",".join(cells), "severity": severity, "family": family, "kind": fam.kind, "scope": fam.scope,
            "subject": subject, "related_report_id": related_report_id, "related_year": related_year}


def split_id(check: str) -> tuple[str, str] | None:
    """(family, subject) of a check id by the registered families (the longest that fits); for rows written
    before checks carried their family (pipeline.cache), never for reading a check's meaning."""
    for family in sorted(schema.check_families(), key=len, reverse=True):
        if check.startswith(family + ".") and len(check) > len(family) + 1:
            return family, check[len(family) + 1:]
    return None


def _grid(df: Table, row: str, col: str) -> dict[tuple[str, str], float]:
    return {(r, c): v for r, c, v in zip(df[row], df[col], df["value"], strict=True)
            if v is not None and v is not pd.NA and v == v}  # printed: not null, not NaN


def _sum(grid: dict[tuple[str, str], float], keys: list[tuple[str, str]]) -> float | None:
    """Sum over cells, or None when any of them was not printed (a check then cannot be evaluated)."""
    if any(k not in grid for k in keys):
        return None
    return float(sum(grid[k] for k in keys))


def _axis_values(table: str, axis: str, present_rows: set[str]) -> list[str]:
    """Keys of one axis of a table in template order (rows: only those printed)."""
    if table == "requests":
        if axis == "applicant":
            return [a.key for a in labels.applicants()]
        return [o.key for o in labels.outcomes() if o.key in present_rows]
    cells = labels.review_cells()
    return list(dict.fromkeys(c.proceeding if axis == "proceeding" else c.outcome for c in cells))


def _expand(keys: tuple[str, ...], version: labels.TemplateVersion, present_rows: set[str]) -> list[str]:
    out: list[str] = []
    for k in keys:
        if k == "@leaves":
            out += version.leaf_rows(present_rows)
        elif k == "@parts":
            out += [a.key for a in labels.applicants() if a.key != "total"]
        else:
            out.append(k)
    return out


def _version_of(df: Table) -> labels.TemplateVersion:
    names = [t for t in df["template"] if isinstance(t, str)] if "template" in df else []
    v = labels.version(names[0]) if names else None
    return v if v is not None and v.national else labels.default_version()


def table_checks(report_id: str, table: str, df: Table) -> list[dict[str, Any]]:
    """The declared identities of one national value table (requests or reviews) of one report."""
    row, col = AXES[table]
    grid = _grid(df, row, col)
    present = set(df[row])
    version = _version_of(df)
    out = []
    for ident in version.identities:
        if ident.table != table:
            continue
        lhs_keys, rhs_keys = _expand(ident.lhs, version, present), _expand(ident.rhs, version, present)
        by_column = ident.each == col  # one check per column: the keys are rows
        for each in _axis_values(table, ident.each, present):
            lhs_cells = [(k, each) if by_column else (each, k) for k in lhs_keys]
            rhs_cells = [(k, each) if by_column else (each, k) for k in rhs_keys]
            lhs, rhs = _sum(grid, lhs_cells), _sum(grid, rhs_cells)
            if lhs is not None and rhs is not None:
                out.append(check_row(report_id, ident.family, each, lhs, rhs,
                                     [".".join(c) for c in (*lhs_cells, *rhs_cells)], ident.severity))
    return out


def request_checks(report_id: str, requests: Table) -> list[dict[str, Any]]:
    return table_checks(report_id, "requests", requests)


def review_checks(report_id: str, reviews: Table) -> list[dict[str, Any]]:
    return table_checks(report_id, "reviews", reviews)


def report_checks(report_id: str, requests: Table, reviews: Table) -> list[dict[str, Any]]:
    """Every identity the template states, for one report."""
    return request_checks(report_id, requests) + review_checks(report_id, reviews)
