"""Dataset-level checks across an agency's years, appended to `checks`, and the quality summary per source and year.

Over current reports (not superseded, a usable status: ok or partial, agency and year known); each
row names the year-before report it compares with in `related_report_id` / `related_year`:
- `series.carried_over.<applicant>` (error): carried_over(y) = carried_forward(y-1), same agency;
- `series.in_force.<item>` (warning, both years of a template declaring it, i.e. 2021): in_force(y) =
  in_force(y-1) + issued(y) - repealed(y);
- `series.missing_year.<year>` (warning): a year without a report between an agency's first and last report
  (any status); the row is attached to the agency's next report;
- `series.legacy_cumulative.<key>` (warning, pre2019 statistics tables both years): cumulative(y-1) + year(y)
  = cumulative(y) for the 历年累计 columns (they restart: a failure flags, it never changes a value).
"""

from __future__ import annotations

import pandas as pd

from pipeline import labels, schema
from pipeline.checks import check_row
from pipeline.load.revisions import USABLE
from scrapers.audit import SourceAudit

_TOL = 1e-6


def _current(reports: pd.DataFrame, usable: bool = True) -> pd.DataFrame:
    ok = reports["superseded_by"].isna() & reports["agency_id"].notna() & reports["year"].notna()
    if usable:
        ok &= reports["status"].isin(USABLE)
    cur = reports.loc[ok, ["report_id", "agency_id", "year"]].copy()
    cur["year"] = cur["year"].astype(int)
    return cur


def _pairs(cur: pd.DataFrame) -> pd.DataFrame:
    """(report_id, prev_id) for current reports whose agency has a current report the year before."""
    prev = cur.assign(year=cur["year"] + 1).rename(columns={"report_id": "prev_id"})
    return cur.merge(prev, on=["agency_id", "year"])


def _rows(df: pd.DataFrame, family: str, subject: pd.Series, cells: pd.Series, severity: str) -> list[dict]:
    """Check rows of a frame of pairs (report_id, prev_id, year, lhs, rhs); subjects and cells given per row."""
    if not len(df):
        return []
    fam = schema.check_family(family)
    lhs, rhs = df["lhs"].astype(float), df["rhs"].astype(float)
    out = pd.DataFrame({"report_id": df["report_id"], "check": family + "." + subject, "lhs": lhs, "rhs": rhs,
                        "passed": (lhs - rhs).abs() <= _TOL, "cells": cells, "severity": severity,
                        "family": family, "kind": fam.kind, "scope": fam.scope, "subject": subject,
                        "related_report_id": df["prev_id"], "related_year": df["year"] - 1})
    return out.to_dict("records")


def _s(x: pd.Series) -> pd.Series:
    return x.astype(str)


def carried_over(pairs: pd.DataFrame, requests: pd.DataFrame) -> list[dict]:
    req = requests.loc[requests["outcome"].isin(("carried_over", "carried_forward")) & requests["value"].notna(),
                       ["report_id", "outcome", "applicant", "value"]].drop_duplicates(
                           ["report_id", "outcome", "applicant"])
    over = req[req["outcome"] == "carried_over"].drop(columns="outcome").rename(columns={"value": "lhs"})
    fwd = req[req["outcome"] == "carried_forward"].drop(columns="outcome").rename(
        columns={"value": "rhs", "report_id": "prev_id"})
    df = pairs.merge(over, on="report_id").merge(fwd, on=["prev_id", "applicant"])
    a, y = _s(df["applicant"]), df["year"]
    cells = ("requests.carried_over." + a + "@" + _s(y) + ", requests.carried_forward." + a + "@" + _s(y - 1)
             + " (" + _s(df["prev_id"]) + ")")
    return _rows(df, "series.carried_over", a, cells, "error")


def in_force(pairs: pd.DataFrame, proactive: pd.DataFrame) -> list[dict]:
    pro = proactive.loc[proactive["template"].isin(labels.series_templates("in_force")) & proactive["item"].ne("extra")
                        & proactive["metric"].isin(("issued", "repealed", "in_force")) & proactive["value"].notna(),
                        ["report_id", "item", "metric", "value"]].drop_duplicates(["report_id", "item", "metric"])
    if not len(pairs) or not len(pro):
        return []
    wide = pro.pivot(index=["report_id", "item"], columns="metric", values="value").reset_index()
    for m in ("issued", "repealed", "in_force"):
        if m not in wide:
            wide[m] = pd.NA
    prev = wide[["report_id", "item", "in_force"]].rename(columns={"report_id": "prev_id", "in_force": "prev_in_force"})
    df = pairs.merge(wide, on="report_id").merge(prev, on=["prev_id", "item"])
    df = df.dropna(subset=["in_force", "issued", "repealed", "prev_in_force"])
    df = df.assign(lhs=df["in_force"], rhs=df["prev_in_force"] + df["issued"] - df["repealed"])
    i, y = _s(df["item"]), df["year"]
    cells = ("proactive." + i + ".in_force@" + _s(y) + ", proactive." + i + ".in_force@" + _s(y - 1) + " ("
             + _s(df["prev_id"]) + "), proactive." + i + ".issued@" + _s(y) + ", proactive." + i + ".repealed@"
             + _s(y))
    return _rows(df, "series.in_force", i, cells, "warning")


def missing_years(reports: pd.DataFrame) -> list[dict]:
    cur = _current(reports, usable=False).sort_values(["agency_id", "year", "report_id"])
    cur = cur.drop_duplicates(["agency_id", "year"])
    g = cur.groupby("agency_id", sort=False)["year"]
    cur = cur.assign(prev=g.shift(1), first=g.transform("min"), last=g.transform("max"))
    rows = []
    for rid, aid, year, prev, first, last in cur[cur["year"] - cur["prev"] > 1][
            ["report_id", "agency_id", "year", "prev", "first", "last"]].itertuples(index=False):
        for gap in range(int(prev) + 1, int(year)):
            rows.append(check_row(rid, "series.missing_year", str(gap), None, None,
                                  f"agency_id={aid}: no report for {gap} between {first} and {last}", "warning",
                                  passed=False, related_year=gap))
    return rows


def legacy_cumulative(pairs: pd.DataFrame, reports: pd.DataFrame, legacy: pd.DataFrame) -> list[dict]:
    """cumulative(y-1) + year(y) = cumulative(y) per key, on the figures of the statistics tables."""
    if not len(pairs) or not len(legacy):
        return []
    versions = set(labels.series_templates("legacy_cumulative"))
    ok = set(reports.loc[reports["template"].isin(versions), "report_id"])
    fig = legacy.loc[(legacy["source"] == "table") & legacy["value"].notna() & legacy["qualifier"].isna()
                     & legacy["report_id"].isin(ok) & legacy["key"].ne("extra"),
                     ["report_id", "key", "period", "value"]].drop_duplicates(["report_id", "key", "period"])
    if not len(fig):
        return []
    wide = fig.pivot(index=["report_id", "key"], columns="period", values="value").reset_index()
    if "cumulative" not in wide or "year" not in wide:
        return []
    wide = wide.rename(columns={"cumulative": "cum", "year": "annual"})
    prev = wide[["report_id", "key", "cum"]].rename(columns={"report_id": "prev_id", "cum": "prev_cum"})
    df = pairs.merge(wide, on="report_id").merge(prev, on=["prev_id", "key"])
    df = df.dropna(subset=["cum", "annual", "prev_cum"])
    df = df.assign(lhs=df["prev_cum"] + df["annual"], rhs=df["cum"])
    k, y = _s(df["key"]), df["year"]
    cells = (k + ".cumulative@" + _s(y - 1) + " (" + _s(df["prev_id"]) + "), " + k + ".year@" + _s(y) + ", " + k
             + ".cumulative@" + _s(y))
    return _rows(df, "series.legacy_cumulative", k, cells, "warning")


def series_checks(reports: pd.DataFrame, requests: pd.DataFrame, proactive: pd.DataFrame,
                  legacy: pd.DataFrame | None = None) -> pd.DataFrame:
    """All dataset-level checks as rows of the `checks` table."""
    pairs = _pairs(_current(reports))
    rows = carried_over(pairs, requests) + in_force(pairs, proactive) + missing_years(reports)
    if legacy is not None:
        rows += legacy_cumulative(pairs, reports, legacy)
    return schema.conform(pd.DataFrame(rows, columns=schema.columns("checks")), "checks")


def quality(reports: pd.DataFrame, src: pd.DataFrame, checks: pd.DataFrame,
            audits: list[SourceAudit] | None = None) -> pd.DataFrame:
    """Reports, statuses, values and failed checks per source and reporting year (current reports), with the
    scraper's discovery audit: reports found per year, expected years, and expected years missing (a row of
    zeros for a year with no report at all)."""
    source = src.drop_duplicates("report_id").set_index("report_id")["source"] if len(src) else pd.Series(dtype=str)
    df = reports[["report_id", "year", "status", "n_values", "n_checks_failed", "superseded_by"]].copy()
    df["source"] = df["report_id"].map(source)
    failed = checks[checks["scope"].eq("series") & checks["passed"].eq(False)]
    df["n_series"] = df["report_id"].map(failed["report_id"].value_counts()).fillna(0).astype(int)
    df["current"] = df["superseded_by"].isna()
    by_source = {a.source: a for a in audits or []}
    rows = []
    seen: set[tuple[str | None, int | None]] = set()
    for (source_, year), g in df.groupby(["source", "year"], dropna=False, sort=True):
        cur = g[g["current"]]
        key = (None if pd.isna(source_) else source_, None if pd.isna(year) else int(year))
        seen.add(key)
        rows.append({"source": key[0], "year": key[1],
                     "n_reports": len(cur), **{f"n_{s}": int((cur["status"] == s).sum()) for s in schema.STATUSES},
                     "n_superseded": int((~g["current"]).sum()), "n_values": int(cur["n_values"].sum()),
                     "n_checks_failed": int(cur["n_checks_failed"].sum()),
                     "n_series_checks_failed": int(cur["n_series"].sum()), **_audit_cells(by_source, *key, len(cur))})
    zeros = {"n_reports": 0, **{f"n_{s}": 0 for s in schema.STATUSES}, "n_superseded": 0, "n_values": 0,
             "n_checks_failed": 0, "n_series_checks_failed": 0}
    for audit in by_source.values():
        for year in sorted(set(audit.expected) | set(audit.found)):
            if (audit.source, year) not in seen:
                rows.append({"source": audit.source, "year": year, **zeros,
                             **_audit_cells(by_source, audit.source, year, 0)})
    out = pd.DataFrame(rows, columns=schema.columns("quality")).sort_values(["source", "year"], na_position="last")
    return schema.conform(out.reset_index(drop=True), "quality")


def _audit_cells(by_source: dict[str, SourceAudit], source: str | None, year: int | None, n_reports: int) -> dict:
    audit = by_source.get(source or "")
    if audit is None or year is None:
        return {"n_found": None, "expected": None, "missing": None}
    found = audit.found.get(year, 0)
    expected = year in audit.expected
    return {"n_found": found, "expected": expected, "missing": expected and found == 0 and n_reports == 0}
