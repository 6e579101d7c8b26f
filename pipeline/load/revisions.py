"""Duplicates and revisions: one report per document, every URL kept, later revisions supersede earlier ones.

- The same bytes under two URLs have one report_id (sha256): one report row, one `sources` row per URL.
- Two different documents of the same agency and year (both with tables, status ok or partial): the one
  published later (published_date, then fetched_at, then report_id) is current; the older gets
  `superseded_by` = the current report_id. Both stay in the raw store and in the release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline import schema

if TYPE_CHECKING:
    from scrapers.store import StoredDocument

USABLE = schema.USABLE_STATUSES  # statuses whose numbers are used (ok, partial)


def _iso(v: Any) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        return v.isoformat(timespec="seconds") + "Z"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def sources(documents: Iterable[StoredDocument] | None, report_ids: set[str]) -> pd.DataFrame:
    """One row per (report, URL) from the scraper's manifest; documents without a report are skipped."""
    rows, seen = [], set()
    for d in documents or []:
        rid, url = d.sha256, d.url or d.final_url
        if rid not in report_ids or not url or (rid, url) in seen:
            continue
        seen.add((rid, url))
        rows.append({"report_id": rid, "url": url, "final_url": d.final_url, "source": d.source or None,
                     "title": d.title, "published_date": _iso(d.published), "fetched_at": _iso(d.fetched_at),
                     "kind": d.kind, "parent_url": d.parent_url, "report_url": d.report_url or d.location})
    df = pd.DataFrame(rows, columns=schema.columns("sources"))
    return schema.conform(df.sort_values(["report_id", "fetched_at", "url"], na_position="last"), "sources")


def fill_from_sources(reports: pd.DataFrame, src: pd.DataFrame) -> pd.DataFrame:
    """source_url, fetched_at and published_date of reports, from the earliest fetch when not already known."""
    if not len(src):
        return reports
    first = src.drop_duplicates("report_id").set_index("report_id")
    out = reports.copy()
    rid = out["report_id"]
    for col, from_col in (("source_url", "url"), ("fetched_at", "fetched_at"), ("published_date", "published_date")):
        out[col] = out[col].fillna(rid.map(first[from_col]))
    return out


def dedupe(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Drop repeated report rows (same report_id) and their repeated value rows; keeps the first occurrence."""
    reports = frames["reports"]
    if not reports["report_id"].duplicated().any():
        return frames
    out = dict(frames)
    out["reports"] = reports.drop_duplicates("report_id").reset_index(drop=True)
    for name, df in frames.items():
        if name != "reports" and len(df):
            out[name] = df.drop_duplicates().reset_index(drop=True)
    return out


def supersede(reports: pd.DataFrame) -> pd.Series:
    """superseded_by per report: the current report_id of the same agency and year, for older revisions."""
    out = pd.Series(pd.NA, index=reports.index, dtype="string")
    usable = reports[reports["status"].isin(USABLE) & reports["agency_id"].notna() & reports["year"].notna()]
    usable = usable.sort_values(["agency_id", "year", "published_date", "fetched_at", "report_id"],
                                na_position="first")
    current = usable.groupby(["agency_id", "year"], sort=False)["report_id"].transform("last")
    older = current != usable["report_id"]
    out.loc[older[older].index] = current[older]
    return out


def landing_pages(reports: pd.DataFrame, src: pd.DataFrame) -> pd.Series:
    """attachment_report_id per report: a page without tables whose report (the store's ``report_url``, shared
    by a page and its attachments) holds an attachment with tables."""
    out = pd.Series(pd.NA, index=reports.index, dtype="string")
    if not len(src):
        return out
    kind = src["kind"].fillna("")
    key = list(zip(src["source"].fillna(""), src["report_url"].fillna(src["url"]), strict=True))
    page_of: dict[tuple[str, str], str] = {}
    for k, rid, is_page in zip(key, src["report_id"], kind == "page", strict=True):
        if is_page:
            page_of.setdefault(k, rid)
    with_tables = set(reports.loc[reports["status"].isin(USABLE), "report_id"])
    holder: dict[str, str] = {}
    for k, rid, is_att in zip(key, src["report_id"], kind == "attachment", strict=True):
        page = page_of.get(k)
        if is_att and rid in with_tables and page is not None and page != rid:
            holder.setdefault(page, rid)
    linked = reports["report_id"].map(holder)
    return out.where(linked.isna() | (reports["status"] != "no_tables"), linked)
