"""What a run produced, as typed records (`RunResult.summary()`): the documents it stored with their format and
extraction status, the reports they make up (a page and its attachments) and the checks those reports fail.
The run report and `ogi demo` print from these, not from the tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from docformats import display_name
from pipeline import schema
from scrapers.store import PICTURE

if TYPE_CHECKING:
    from scrapers.store import StoredDocument

NOT_EXTRACTED = "not extracted"  # a stored document the extraction cache holds no row for


def _clean(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else value


def by_rank(statuses: set[str] | list[str]) -> list[str]:
    """Statuses best first (the registry's rank; NOT_EXTRACTED and other names after them)."""
    return sorted(statuses, key=lambda s: (schema.status_rank(s), s))


@dataclass(frozen=True)
class DocumentOutcome:
    """One stored document (pictures aside: they are read with the page that shows them)."""

    sha256: str
    format: str  # display name of its format (docformats)
    status: str  # reports.status, or NOT_EXTRACTED


@dataclass
class ReportGroup:
    """One report as published: a page and its attachments, or a document linked straight from a list."""

    source: str
    url: str
    year: int | None
    agency: str
    status: str
    error: str
    formats: list[str] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FailedCheck:
    """A check a stored report fails, with the report it belongs to (checks.* columns, named alike)."""

    report_id: str
    check: str
    family: str
    subject: str
    kind: str
    severity: str
    lhs: float | None
    rhs: float | None
    agency: str  # "" when not read
    year: int | None
    document: str  # the report's source URL, else the first 12 digits of its report_id


def report_groups(documents: list[StoredDocument], reports: pd.DataFrame) -> list[ReportGroup]:
    """Group manifest documents into reports (the store's ``report_url``); a report's status is the best of
    its documents' statuses."""
    rows = {r["report_id"]: r for r in reports.to_dict("records")} if len(reports) else {}
    grouped: dict[tuple[str, str], list[StoredDocument]] = {}
    for d in documents:
        grouped.setdefault(d.report, []).append(d)
    out = []
    for (source, url), docs in grouped.items():
        found = [(rows.get(d.sha256), d) for d in docs]
        best_row, best_doc = min(found, key=lambda rd: schema.status_rank(rd[0]["status"] if rd[0] else None))
        row = best_row or {}
        year = _clean(row.get("year")) or _clean(best_doc.year)
        out.append(ReportGroup(
            source=source, url=url, year=int(year) if year else None, agency=_clean(row.get("agency")) or "",
            status=row.get("status", NOT_EXTRACTED), error=_clean(row.get("error")) or "",
            formats=sorted({display_name(d.media_type) for d in docs}),
            report_ids=[d.sha256 for d in docs]))
    return sorted(out, key=lambda g: (g.source, g.year or 0, g.url))


def failed_checks(checks: pd.DataFrame, reports: pd.DataFrame) -> list[FailedCheck]:
    """The failed rows of `checks`, in their order, with the agency, year and address of their report."""
    if not len(checks):
        return []
    failed = checks[~checks["passed"].astype("boolean").fillna(True)]
    meta = {r["report_id"]: r for r in reports.to_dict("records")} if len(reports) else {}
    out = []
    for c in failed.to_dict("records"):
        r = meta.get(c["report_id"], {})
        year = _clean(r.get("year"))
        out.append(FailedCheck(
            report_id=c["report_id"], check=c["check"], family=c["family"], subject=c["subject"], kind=c["kind"],
            severity=c["severity"], lhs=_clean(c["lhs"]), rhs=_clean(c["rhs"]), agency=_clean(r.get("agency")) or "",
            year=int(year) if year is not None else None,
            document=_clean(r.get("source_url")) or c["report_id"][:12]))
    return out


@dataclass
class RunSummary:
    """Documents, reports and failed checks of a run's store and cache."""

    documents: list[DocumentOutcome]
    reports: list[ReportGroup]
    failed_checks: list[FailedCheck]

    @classmethod
    def of(cls, documents: list[StoredDocument], frames: dict[str, pd.DataFrame]) -> RunSummary:
        reports = frames.get("reports", schema.empty("reports"))
        status = dict(zip(reports["report_id"], reports["status"], strict=True))
        seen: dict[str, DocumentOutcome] = {}
        for d in documents:
            if d.kind != PICTURE and d.sha256 not in seen:
                seen[d.sha256] = DocumentOutcome(d.sha256, display_name(d.media_type),
                                                 status.get(d.sha256, NOT_EXTRACTED))
        return cls(list(seen.values()), report_groups(documents, reports),
                   failed_checks(frames.get("checks", schema.empty("checks")), reports))

    def documents_by_format(self) -> dict[str, Counter[str]]:
        """Format → documents per status, formats in alphabetical order."""
        out: dict[str, Counter[str]] = {}
        for d in sorted(self.documents, key=lambda d: d.format):
            out.setdefault(d.format, Counter())[d.status] += 1
        return out

    def reports_by_status(self) -> Counter[str]:
        return Counter(g.status for g in self.reports)

    def failing_reports(self) -> dict[str, list[FailedCheck]]:
        """report_id → its failed checks, reports in the order of their first failure."""
        out: dict[str, list[FailedCheck]] = {}
        for c in self.failed_checks:
            out.setdefault(c.report_id, []).append(c)
        return out
