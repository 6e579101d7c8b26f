"""The template's own arithmetic, evaluated per report. A failed check flags; it never changes a value."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pipeline import labels

_TOL = 1e-6
_LEAF_OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_misc")


def _check(report_id: str, name: str, lhs: float, rhs: float, cells: list[str],
           severity: str = "error") -> dict[str, Any]:
    return {"report_id": report_id, "check": name, "lhs": lhs, "rhs": rhs,
            "passed": math.isclose(lhs, rhs, abs_tol=_TOL), "cells": ",".join(cells), "severity": severity}


def _grid(df: pd.DataFrame, row: str, col: str) -> dict[tuple[str, str], float]:
    return {(r, c): v for r, c, v in zip(df[row], df[col], df["value"], strict=True) if pd.notna(v)}


def _leaf_rows(present: set[str]) -> list[str]:
    """Outcome rows that add up to （七）总计: the three （六） sub-rows when printed, else the single （六）."""
    leaves = [o.key for o in labels.outcomes() if o.top == 3 and o.group is not None and o.group < 7]
    if present & set(_LEAF_OTHER_SUBROWS):
        return [k for k in leaves if k != "other"]
    return [k for k in leaves if k not in _LEAF_OTHER_SUBROWS]


def _sum(grid: dict[tuple[str, str], float], keys: list[tuple[str, str]]) -> float | None:
    """Sum over cells, or None when any of them was not printed (a check then cannot be evaluated)."""
    if any(k not in grid for k in keys):
        return None
    return float(sum(grid[k] for k in keys))


def request_checks(report_id: str, requests: pd.DataFrame) -> list[dict[str, Any]]:
    grid = _grid(requests, "outcome", "applicant")
    present = set(requests["outcome"])
    applicants = [a.key for a in labels.applicants()]
    leaves = _leaf_rows(present)
    out = []
    for a in applicants:
        lhs = _sum(grid, [("new_received", a), ("carried_over", a)])
        rhs = _sum(grid, [("total_processed", a), ("carried_forward", a)])
        if lhs is not None and rhs is not None:
            out.append(_check(report_id, f"requests.balance.{a}", lhs, rhs,
                              [f"{k}.{a}" for k in ("new_received", "carried_over", "total_processed", "carried_forward")]))
        parts = _sum(grid, [(k, a) for k in leaves])
        total = grid.get(("total_processed", a))
        if parts is not None and total is not None:
            out.append(_check(report_id, f"requests.total_processed.{a}", total, parts,
                              [f"total_processed.{a}", *(f"{k}.{a}" for k in leaves)]))
    for o in [o.key for o in labels.outcomes() if o.key in present]:
        parts = _sum(grid, [(o, a) for a in applicants if a != "total"])
        total = grid.get((o, "total"))
        if parts is not None and total is not None:
            out.append(_check(report_id, f"requests.row_total.{o}", total, parts,
                              [f"{o}.{a}" for a in applicants]))
    return out


def review_checks(report_id: str, reviews: pd.DataFrame) -> list[dict[str, Any]]:
    grid = _grid(reviews, "proceeding", "outcome")
    out = []
    for p in dict.fromkeys(c.proceeding for c in labels.review_cells()):
        parts = _sum(grid, [(p, o) for o in ("upheld", "corrected", "other", "pending")])
        total = grid.get((p, "total"))
        if parts is not None and total is not None:
            out.append(_check(report_id, f"reviews.total.{p}", total, parts,
                              [f"{p}.{o}" for o in ("total", "upheld", "corrected", "other", "pending")]))
    return out


def report_checks(report_id: str, requests: pd.DataFrame, reviews: pd.DataFrame) -> list[dict[str, Any]]:
    """Every identity the template states, for one report."""
    return request_checks(report_id, requests) + review_checks(report_id, reviews)
