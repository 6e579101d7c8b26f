"""One document in, the canonical tables out: read → locate → normalise → check → report row."""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import labels, schema
from pipeline.checks import report_checks
from pipeline.document import Document, ReaderError
from pipeline.labels import template_for_year
from pipeline.legacy import LegacyResult, extract_legacy, find_tables, legacy_checks, legacy_versions
from pipeline.legacy import columns as legacy_columns
from pipeline.metadata import Metadata, read_metadata
from pipeline.normalise.locate import LogicalTable, detect_template, locate
from pipeline.normalise.proactive import majority, normalise_proactive
from pipeline.normalise.requests import normalise_requests
from pipeline.normalise.reviews import normalise_reviews
from pipeline.readers import read
from pipeline.readers.guards import InputError, read_input
from pipeline.sections import section_rows
from pipeline.several import several_reports
from pipeline.version import EXTRACTOR_VERSION

VALUE_TABLES = ("proactive", "requests", "reviews")
TABLE_NAMES = ("reports", *VALUE_TABLES, "checks", "sections", "legacy")
_TABLE_TITLES = {"proactive": "二", "requests": "三", "reviews": "四"}


class Report:
    """The canonical tables of one document, as checked columns (schema.to_columns); each table is made into a
    pandas frame conforming to pipeline.schema on first use (`report.requests`, `report.frames()`), so that a
    batch makes one frame per table for all its documents (batch.combine) instead of several per document.
    The columns are the report: a frame is a copy made from them."""

    __slots__ = ("tables", "_frames", "library_warnings")

    def __init__(self, tables: dict[str, schema.Columns]) -> None:
        self.tables = tables
        self._frames: dict[str, pd.DataFrame] = {}
        # what libraries logged or warned while the document was read (pipeline.libwarnings), when an executor
        # task extracted it; not part of the tables
        self.library_warnings: list[tuple[str, str, int]] = []

    def frame(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            self._frames[table] = schema.frame(table, [self.tables[table]])
        return self._frames[table]

    @property
    def row(self) -> dict[str, Any]:
        """The report's `reports` row (None where null)."""
        return {k: v[0] for k, v in self.tables["reports"].items()}

    @property
    def status(self) -> str:
        return str(self.tables["reports"]["status"][0])

    @property
    def report_id(self) -> str:
        return str(self.tables["reports"]["report_id"][0])

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: self.frame(name) for name in TABLE_NAMES}

    def __getstate__(self) -> dict[str, schema.Columns]:
        return self.tables

    def __setstate__(self, tables: dict[str, schema.Columns]) -> None:
        self.tables, self._frames, self.library_warnings = tables, {}, []


for _table in TABLE_NAMES:  # report.reports, report.requests, ...: that table's frame
    setattr(Report, _table, property(lambda self, _t=_table: self.frame(_t), doc=f"the {_table} rows as a frame"))


def _empty(table: str) -> schema.Columns:
    return {name: [] for name in schema.columns(table)}


def _report_row(report_id: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(schema.columns("reports"))
    row.update(report_id=report_id, extractor_version=EXTRACTOR_VERSION, n_values=0, n_legacy=0, n_checks_failed=0,
               template="unknown", ocr=False)
    row.update(kw)
    return row


def _failed(report_id: str, status: str, error: str, **kw: Any) -> Report:
    row = _report_row(report_id, status=status, error=error, **kw)
    return Report({"reports": schema.to_columns("reports", [row]), **{t: _empty(t) for t in TABLE_NAMES[1:]}})


def _table_template(kind: str, table: LogicalTable, rows: list[dict[str, Any]]) -> str | None:
    """The version a table follows: by its marker labels, else (table 三) by rows only one version prints."""
    found = detect_template(table.text())
    if found or kind != "requests":
        return found
    keys = {r["outcome"] for r in rows}
    for v in reversed(labels.national_versions()):  # newest first: its own rows are the stronger evidence
        if keys & set(v.marker_rows):
            return v.name
    return None


def _expected_proactive(version: labels.TemplateVersion, shown: dict[str, str]) -> set[tuple[str, str]]:
    """Cells of table 二: per clause, those of the version its printed header shows (else the report's)."""
    clause_of = {i.item: i.clause for i in labels.items()}
    out = {c for c in version.expected_proactive() if clause_of.get(c[0]) not in shown}
    for clause, name in shown.items():
        other = labels.version(name) or version
        out |= {c for c in other.expected_proactive() if clause_of.get(c[0]) == clause}
    return out


def _status(found: dict[str, LogicalTable], tables: dict[str, schema.Columns], template: str,
            notes: list[str], shown: dict[str, str]) -> tuple[str, str | None]:
    if not found:
        return "no_tables", "no statistical tables found: not an annual report of the national template, " \
            "or its tables were not recognised"
    missing = [f"table {_TABLE_TITLES[k]} ({k}) not found" for k in VALUE_TABLES if k not in found]
    version = labels.version(template)
    if version is not None and version.national:
        req = tables["requests"]
        present = set(req["outcome"])
        lost = sorted(version.expected_requests(present) - present)
        if lost:
            missing.append(f"table 三 lacks rows: {', '.join(lost)}")
        width = len(labels.applicants())
        if len(req["outcome"]) < width * len(present):
            missing.append(f"table 三 has {len(req['outcome'])} of {width * len(present)} cells in its rows")
        pro = tables["proactive"]
        if "proactive" in found:
            got = set(zip(pro["item"], pro["metric"], strict=True))
            lost_cells = sorted(_expected_proactive(version, shown) - got)
            if lost_cells:
                missing.append(f"table 二 lacks cells: {', '.join('.'.join(c) for c in lost_cells)}")
        n_reviews = len(labels.review_cells())
        if "reviews" in found and len(tables["reviews"]["outcome"]) < n_reviews:
            missing.append(f"table 四 has {len(tables['reviews']['outcome'])} of {n_reviews} cells")
    if missing:
        return "partial", "; ".join(missing)
    return "ok", None


def _legacy_status(result: LegacyResult) -> tuple[str, str | None]:
    """Status of a report of a version without national tables (pre2019), from the key figures found."""
    n = sum(1 for f in result.figures if f.value is not None)
    if not result.figures:
        return "no_tables", "pre-2019 report: no statistics table and no key figure in its prose"
    if result.nulls:
        reasons = "; ".join(dict.fromkeys(f"{f.key}: {f.null_reason}" for f in result.nulls))
        return "partial", f"pre-2019 report: {len(result.nulls)} key figures unreadable ({reasons}); {n} read"
    if not result.from_table:
        return "partial", f"pre-2019 report without a statistics table: {n} key figures from its prose (see legacy)"
    return "ok", None


def normalise(doc: Document, report_id: str, md: Metadata) -> tuple[dict[str, schema.Columns], dict[str, Any]]:
    """Canonical tables (checked columns) of a parsed document and the report-level fields they determine."""
    legacy_tables = find_tables(doc.tables)  # recognised by header: never read as tables 二/三/四
    legacy_ids = {lt.table.index for lt in legacy_tables}
    national = [t for t in doc.tables if t.index not in legacy_ids]
    found = locate(national)
    notes: list[str] = []
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in VALUE_TABLES}
    if "requests" in found:
        rows["requests"], n = normalise_requests(found["requests"], report_id)
        notes += n
    if "reviews" in found:
        rows["reviews"], n = normalise_reviews(found["reviews"], report_id)
        notes += n
    templates = {k: _table_template(k, t, rows[k]) for k, t in found.items() if k != "proactive"}
    shown: dict[str, str] = {}
    if "proactive" in found:
        marked = detect_template(found["proactive"].text())
        fallback = marked or templates.get("requests") or templates.get("reviews") or template_for_year(md.year)
        read_as = labels.version(fallback)
        fallback = fallback if read_as is not None and read_as.national else labels.default_version().name
        rows["proactive"], n, shown = normalise_proactive(found["proactive"], report_id, fallback)
        notes += n
        templates["proactive"] = majority(shown) or marked or fallback
    template = templates.get("proactive") or templates.get("requests") or templates.get("reviews")
    if found:
        template = template or template_for_year(md.year) or labels.UNKNOWN_TEMPLATE
    else:  # no national table: a version without them (pre2019) when the year or a legacy table says so
        in_force = labels.version(template_for_year(md.year))
        if in_force is not None and not in_force.national:
            template = in_force.name
        elif legacy_tables and (in_force is None or md.year is None):
            template = legacy_versions()[0]
        else:
            template = labels.UNKNOWN_TEMPLATE
    tables: dict[str, schema.Columns] = {}
    for k in VALUE_TABLES:  # 二: a template per clause, the report's where a row has none
        tables[k] = schema.to_columns(k, rows[k], defaults={"template": templates.get(k) or template})
    check_rows = report_checks(report_id, tables["requests"], tables["reviews"])
    # the key figures of a report before the national tables: a separate step with its own table
    pre = template in legacy_versions()
    legacy = extract_legacy(doc, md.year, legacy_tables, [] if found else national, read_prose=pre) \
        if pre or legacy_tables else LegacyResult()
    tables["legacy"] = legacy_columns(report_id, legacy.figures)
    check_rows += legacy_checks(report_id, legacy.figures)
    notes += legacy.notes
    tables["checks"] = checks = schema.to_columns("checks", check_rows)
    status, error = _legacy_status(legacy) if pre and not found else _status(found, tables, template, notes, shown)
    if doc.status:
        status, error = doc.status, doc.error or error
    if doc.notes:  # what the reader could not read explains what is missing
        notes = [*doc.notes, *notes]
        if status != "ok":
            error = "; ".join([*doc.notes, *([error] if error else [])])
    fields = {"template": template, "status": status, "error": error,
              "n_values": sum(len(tables[k]["report_id"]) for k in VALUE_TABLES),
              "n_legacy": sum(v is not None for v in tables["legacy"]["value"]),
              "n_checks_failed": sum(not passed and severity == "error"
                                     for passed, severity in zip(checks["passed"], checks["severity"], strict=True)),
              "warnings": "\n".join(notes) or None}
    return tables, fields


def extract_document(data: bytes, name: str = "document", source_url: str | None = None,
                     source_path: str | None = None, fetched_at: str | None = None,
                     resources: Callable[[str], bytes | None] | None = None) -> Report:
    """Extract one document; any failure becomes a report row with a status and a message (never raises for
    bad input: the wrong type, too large, unreadable, several reports in one file, out of memory).

    resources: the bytes of a picture a web page shows (<img src> as written → bytes or None), e.g. from
    the raw store; the extractor never fetches."""
    name = name if isinstance(name, str) else str(name)
    base = {"source_url": source_url, "source_path": source_path or name, "fetched_at": fetched_at}
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        rid = hashlib.sha256(f"{type(data).__name__}:{name}".encode("utf-8", "surrogatepass")).hexdigest()
        return _failed(rid, "failed", f"not a document: expected bytes, got {type(data).__name__}", **base)
    report_id = hashlib.sha256(data).hexdigest()
    try:
        doc = read(data, name, resources=resources)
    except ReaderError as exc:
        return _failed(report_id, exc.status, str(exc), **base)
    except MemoryError:
        return _failed(report_id, "failed", _OUT_OF_MEMORY, **base)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        return _failed(report_id, "failed", f"reader crashed: {exc!r} ({_where(exc)})", **base)
    several = several_reports(doc)
    if several:
        return _failed(report_id, "failed", several, **base, media_type=doc.media_type)
    try:
        md = read_metadata(doc.title, doc.lines, doc.meta)
        tables, fields = normalise(doc, report_id, md)
        ocr = bool(doc.meta.get("ocr_pages")) or doc.meta.get("ocr_images", "0") != "0"
        if ocr:  # checked OCR: a finer pass for failed identities, doubtful values flagged
            from pipeline.ocr.verify import recheck

            tables, fields = recheck(doc, report_id, lambda: normalise(doc, report_id, md), (tables, fields))
        fields["ocr"] = ocr
        row = _report_row(report_id, **base, media_type=doc.media_type, title=md.title or None, agency=md.agency,
                          region=md.region, year=md.year, published_date=md.published_date,
                          site_name=doc.meta.get("SiteName"), site_id_code=doc.meta.get("SiteIDCode"),
                          column_name=doc.meta.get("ColumnName"), **fields)
        tables["reports"] = schema.to_columns("reports", [row])
        tables["sections"] = schema.to_columns("sections", section_rows(report_id, doc.lines))
    except MemoryError:
        return _failed(report_id, "failed", _OUT_OF_MEMORY, **base, media_type=doc.media_type)
    except Exception as exc:  # noqa: BLE001
        return _failed(report_id, "failed", f"normaliser crashed: {exc!r} ({_where(exc)})", **base,
                       media_type=doc.media_type)
    return Report({t: tables[t] for t in TABLE_NAMES})


_OUT_OF_MEMORY = ("out of memory: the document needs more memory than the worker may use (OGI_WORKER_MEMORY); "
                  "not extracted")


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    return f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"


def path_report_id(path: Any) -> str:
    """report_id of a document that could not be read: the sha256 of its path."""
    return hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()


def extract_path(path: str | Path) -> Report:
    """Extract a file; what cannot be read (a directory, a FIFO, a device, a NUL byte in the name, a file too
    large, no permission) becomes a failed report with the reason, never an exception."""
    try:
        data = read_input(path)
    except InputError as exc:
        return _failed(path_report_id(path), "failed", str(exc), source_path=str(path))
    except MemoryError:
        return _failed(path_report_id(path), "failed", _OUT_OF_MEMORY, source_path=str(path))
    p = Path(os.fsdecode(path))
    return extract_document(data, name=p.name, source_path=str(p))
