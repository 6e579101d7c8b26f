"""The metadata registry: every table and field of the canonical model, defined once.

Parquet schemas (pyarrow), frame validation and the data dictionary are all derived from here;
key vocabularies come from the template label maps in pipeline/templates/.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

import pandas as pd
import pyarrow as pa

from pipeline import labels

_ARROW = {"string": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
_PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype(), pa.int64(): pd.Int64Dtype(),
                 pa.bool_(): pd.BooleanDtype()}


class SchemaError(ValueError):
    """A frame that does not match the registry: unknown or missing columns, bad keys."""


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # string | float | int | bool
    description: str
    unit: str | None = None
    allowed: Callable[[], tuple[str, ...]] | None = None
    required: bool = False  # never null

    def allowed_values(self) -> tuple[str, ...] | None:
        return self.allowed() if self.allowed else None


def _keys(fn: Callable[[], tuple], attr: str) -> Callable[[], tuple[str, ...]]:
    return lambda: tuple(dict.fromkeys(getattr(x, attr) for x in fn()))


def _fixed(*values: str) -> Callable[[], tuple[str, ...]]:
    return lambda: values


def _legacy_keys() -> tuple[str, ...]:
    from pipeline.legacy.vocabulary import key_names  # the vocabulary reads the pre2019 declaration

    return key_names()


CELL_STATES = ("number", "blank", "dash", "text")


@dataclass(frozen=True)
class Status:
    """One value of `reports.status`, with everything that is decided by it."""

    name: str
    rank: int  # best first: a report published as several documents (a page, its attachment) takes the best
    usable: bool  # its numbers feed the dataset-level checks (series.*)
    style: str  # rich style on the command line
    color: str  # fill colour in figures
    description: str


# The status vocabulary, in the order of the quality table's n_<status> columns.
STATUS_REGISTRY: tuple[Status, ...] = (
    Status("ok", 0, True, "green", "#8ce99a", "every table read (a pre2019 report: its statistics table read, every "
           "key figure a number)"),
    Status("partial", 1, True, "yellow", "#ffe066", "tables, rows or cells missing (a pre2019 report: key figures "
           "from its prose only, or some of them unreadable: see error and the legacy table)"),
    Status("no_tables", 3, False, "blue", "#ffa8a8", "no table recognised (a pre2019 report: no key figure found in "
           "its tables or prose either)"),
    Status("needs_ocr", 2, False, "magenta", "#ffa8a8", "a scan without text"),
    Status("failed", 4, False, "red", "#e03131", "unreadable"),
)
STATUSES = tuple(s.name for s in STATUS_REGISTRY)
USABLE_STATUSES = tuple(s.name for s in STATUS_REGISTRY if s.usable)


def status(name: str) -> Status:
    """The registry entry of a status; SchemaError for a name outside the vocabulary."""
    for s in STATUS_REGISTRY:
        if s.name == name:
            return s
    raise SchemaError(f"unknown status {name!r} (the vocabulary: {', '.join(STATUSES)})")


def status_rank(name: str | None) -> int:
    """Sort key of statuses, best first; a name outside the vocabulary (e.g. "not extracted") sorts after them."""
    return next((s.rank for s in STATUS_REGISTRY if s.name == name), len(STATUS_REGISTRY))


@dataclass(frozen=True)
class CheckFamily:
    """A family of checks: each check's id is `<family>.<subject>`, one check per subject evaluated."""

    name: str  # e.g. requests.balance
    kind: str  # CHECK_KINDS
    scope: str  # CHECK_SCOPES
    subject: str  # what the subject names: applicant, outcome, proceeding, period, key, table, item, year
    description: str


CHECK_KINDS = ("identity", "legacy", "ocr", "coverage")
CHECK_SCOPES = ("report", "series")
# Families not declared by a template version (those are its `identities`, see check_families).
_FIXED_FAMILIES = (
    CheckFamily("legacy.prose_vs_table", "legacy", "report", "key",
                "a key figure the prose states (lhs) against the same figure in the statistics table (rhs)"),
    CheckFamily("ocr.confidence", "ocr", "report", "table",
                "values of the table read by OCR below the confidence threshold (lhs: the lowest confidence, rhs: "
                "the threshold; cells: the doubtful values)"),
    CheckFamily("series.carried_over", "identity", "series", "applicant",
                "二、上年结转 (y) = 四、结转下年度 (y−1) of the same agency"),
    CheckFamily("series.in_force", "identity", "series", "item",
                "in_force (y) = in_force (y−1) + issued (y) − repealed (y), both years of a template declaring it"),
    CheckFamily("series.missing_year", "coverage", "series", "year",
                "no report for a year between an agency's first and last report (on the agency's next report)"),
    CheckFamily("series.legacy_cumulative", "legacy", "series", "key",
                "历年累计 (y−1) + year (y) = 历年累计 (y) on pre-2019 statistics tables (such columns restart)"),
)


@cache
def check_families() -> dict[str, CheckFamily]:
    """Every check family by name: the identities the template versions declare, then the fixed ones."""
    found: dict[str, list[tuple[labels.Identity, str]]] = {}
    for v in labels.versions().values():
        for ident in v.identities:
            found.setdefault(ident.family, []).append((ident, v.name))
    out: dict[str, CheckFamily] = {}
    for name, idents in found.items():
        shapes = {(i.table, i.each) for i, _v in idents}
        if len(shapes) > 1:
            raise SchemaError(f"check family {name}: declared on different tables or axes: {sorted(shapes)}")
        table, each = shapes.pop()
        sums = dict.fromkeys(f"{_terms(i.lhs)} = {_terms(i.rhs)}" for i, _v in idents)
        versions = list(dict.fromkeys(v for _i, v in idents))
        out[name] = CheckFamily(name, "legacy" if table == "legacy" else "identity", "report", each,
                                f"{' or '.join(sums)}, per {each} (template{'s' if len(versions) > 1 else ''} "
                                f"{', '.join(versions)})")
    for fam in _FIXED_FAMILIES:
        if fam.name in out:
            raise SchemaError(f"check family {fam.name}: declared by a template version and fixed")
        out[fam.name] = fam
    order = sorted(out.values(), key=lambda f: (CHECK_SCOPES.index(f.scope), CHECK_KINDS.index(f.kind)))
    return {f.name: f for f in order}


_TERMS = {"@leaves": "the outcome rows printed (leaves)", "@parts": "the applicant columns"}


def _terms(keys: tuple[str, ...]) -> str:
    return " + ".join(_TERMS.get(k, k) for k in keys)


def check_family(name: str) -> CheckFamily:
    try:
        return check_families()[name]
    except KeyError:
        raise SchemaError(f"unknown check family {name!r}: declare it as an identity of a template version "
                          "(pipeline/templates/versions/) or in schema._FIXED_FAMILIES") from None

_REPORT_ID = Field("report_id", "string", "sha256 of the document bytes (hex): the report's identity", required=True)
_PROVENANCE = (
    Field("row_label", "string", "the row's label cells as printed (NFKC), joined by ' / '"),
    Field("col_label", "string", "the column's header as printed, or the template's label when unreadable"),
    Field("raw", "string", "the cell text as printed (NFKC, whitespace folded)"),
    Field("cell_state", "string", "how the cell was printed", allowed=_fixed(*CELL_STATES), required=True),
    Field("page", "int", "PDF page of the cell, 1-based; null for other formats"),
    Field("table_index", "int", "0-based index of the source table in the document", required=True),
    Field("grid_row", "int", "0-based row of the cell in its source table grid"),
    Field("grid_col", "int", "0-based column of the cell in its source table grid (spans expanded)"),
    Field("template", "string", "template this table follows (detected per table)", allowed=labels.template_names),
    Field("ocr_confidence", "float", "when the cell was read by OCR: the lowest recognition probability among "
          "its characters (0–1), after the finer second pass; null for cells read from text"),
)
_VALUE = Field("value", "float", "the number printed; blank or dash cells read 0 in a table with numbers; "
               "null when not printed or not a number")

TABLES: dict[str, tuple[Field, ...]] = {
    "reports": (
        _REPORT_ID,
        Field("source_url", "string", "URL the document was fetched from, when known"),
        Field("source_path", "string", "path of the document file as extracted"),
        Field("media_type", "string", "IANA media type of the document"),
        Field("title", "string", "title of the report as published (traditional characters kept as printed)"),
        Field("agency", "string", "publishing agency (发布机关), e.g. 伊春市金林区人民政府; always in simplified "
              "characters: a report served in traditional characters (a big5 gateway's copy) names the same agency "
              "as its original (金林区财政局, not 金林區財政局), so agency_id and adcode join across copies "
              "and years"),
        Field("region", "string", "administrative area the report covers, e.g. 金林区; simplified characters, like "
              "agency (the GB/T 2260 names)"),
        Field("adcode", "string", "6-digit GB/T 2260 administrative code, where known"),
        Field("year", "int", "reporting year (not the publication year)"),
        Field("template", "string", "template version the report follows (pipeline/templates/versions/): 2019 "
              "and 2021 national layouts, pre2019 (before them: key figures in `legacy`), unknown",
              allowed=labels.template_names,
              required=True),
        Field("published_date", "string", "publication date (ISO 8601) when printed or in page metadata"),
        Field("fetched_at", "string", "when the document was downloaded (ISO 8601 UTC), when known"),
        Field("extractor_version", "string", "version of the extractor that produced these rows", required=True),
        Field("status", "string", "extraction status. " + "; ".join(f"{s.name}: {s.description}"
                                                                     for s in STATUS_REGISTRY),
              allowed=_fixed(*STATUSES), required=True),
        Field("error", "string", "why the status is not ok"),
        Field("n_values", "int", "value cells extracted (proactive + requests + reviews)", required=True),
        Field("n_legacy", "int", "key figures of a pre-2019 report in the legacy table (non-null values)"),
        Field("n_checks_failed", "int", "template identities that the published numbers break (error severity; "
              "the warnings on legacy key figures are not counted)", required=True),
        Field("warnings", "string", "what the extractor noticed but could not map (one per line)"),
        Field("ocr", "bool", "true when some of the document was read by OCR (a scanned page, or a table "
              "printed as an image); its values carry ocr_confidence"),
        Field("ocr_min_confidence", "float", "lowest ocr_confidence among the report's values; below 0.9 a "
              "value is doubtful and an ocr.confidence check flags it"),
        Field("site_name", "string", "SiteName <meta> tag of a government web page"),
        Field("site_id_code", "string", "SiteIDCode <meta> tag (national government website code)"),
        Field("column_name", "string", "ColumnName <meta> tag (site column the page is in)"),
        Field("agency_id", "string", "stable id of the agency across years (loader: hash of agency_key, see the "
              "agencies table)"),
        Field("superseded_by", "string", "report_id of the later-published report of the same agency and year "
              "that replaces this one (loader); null for the current report"),
        Field("attachment_report_id", "string", "for a web page that only links to its report: report_id of the "
              "attached document that holds the tables (loader); such pages are not counted as reports"),
    ),
    "proactive": (
        _REPORT_ID,
        Field("clause", "string", "第二十条 clause of the regulation", allowed=lambda: tuple(labels.clauses().values()),
              required=True),
        Field("item", "string", "row of the table; 'extra' for off-template rows",
              allowed=lambda: (*_keys(labels.items, "item")(), "extra"), required=True),
        Field("metric", "string", "column of the table (off-template columns: column_N)", required=True),
        _VALUE,
        Field("unit", "string", "unit printed in the cell or its header (元, 万元, 次); amounts are in 万元 in value"),
        *_PROVENANCE,
    ),
    "requests": (
        _REPORT_ID,
        Field("outcome", "string", "row of table 三", allowed=_keys(labels.outcomes, "key"), required=True),
        Field("applicant", "string", "column of table 三", allowed=_keys(labels.applicants, "key"), required=True),
        _VALUE,
        *_PROVENANCE,
    ),
    "reviews": (
        _REPORT_ID,
        Field("proceeding", "string", "administrative review or litigation",
              allowed=_keys(labels.review_cells, "proceeding"), required=True),
        Field("outcome", "string", "result of the proceedings", allowed=_keys(labels.review_cells, "outcome"),
              required=True),
        _VALUE,
        *_PROVENANCE,
    ),
    "checks": (
        _REPORT_ID,
        Field("check", "string", "stable id of the identity, e.g. requests.balance.natural_person; legacy.* on the "
              "key figures of pre2019 reports (sums, prose_vs_table); dataset-level checks added by the loader "
              "start with series. (carried_over, in_force, missing_year, legacy_cumulative)", required=True),
        Field("lhs", "float", "left-hand side as published"),
        Field("rhs", "float", "right-hand side as published"),
        Field("passed", "bool", "whether the identity holds"),
        Field("cells", "string", "the keys of the cells involved, comma-separated"),
        Field("severity", "string", "error (the template states it) or warning", allowed=_fixed("error", "warning")),
        Field("family", "string", "the check's family: its id without the subject (requests.balance, "
              "series.carried_over, …; see Check families below)", allowed=lambda: tuple(check_families()),
              required=True),
        Field("kind", "string", "what is checked. identity: arithmetic the national template states (within a "
              "report, or across an agency's years); legacy: the key figures of a pre-2019 report (sums, prose "
              "against table, 历年累计 across years); ocr: values read by OCR with a low confidence; coverage: a "
              "year missing from an agency's series", allowed=_fixed(*CHECK_KINDS), required=True),
        Field("scope", "string", "report: evaluated on one report's tables (by the extractor); series: across an "
              "agency's years (by the loader, in a release)", allowed=_fixed(*CHECK_SCOPES), required=True),
        Field("subject", "string", "what the family was evaluated on (the id after the family): an applicant "
              "column, an outcome row or a proceeding (identities), a period (legacy sums), a legacy key, a table "
              "(ocr), a proactive item (in_force), the missing year (missing_year)", required=True),
        Field("related_report_id", "string", "series checks: the agency's report of related_year that this one is "
              "compared with; null within a report and for series.missing_year (that year has no report)"),
        Field("related_year", "int", "series checks: the other reporting year involved, the year before "
              "(carried_over, in_force, legacy_cumulative) or the missing year (missing_year)"),
    ),
    "legacy": (
        _REPORT_ID,
        Field("key", "string", "key figure of the legacy vocabulary (pipeline/templates/legacy_keys.csv, LEGACY.md §3); "
              "'extra' for a statistics-table row with numbers whose label is not in it",
              allowed=_legacy_keys, required=True),
        Field("qualifier", "string", "the category or unit as printed, for proactive.by_category / "
              "proactive.by_unit; null otherwise"),
        Field("period", "string", "year: the reporting year (a YYYY年度 / 本年 / 统计数 column, or the prose); "
              "cumulative: a 历年累计 column (unreliable: such columns restart)", allowed=_fixed("year", "cumulative"),
              required=True),
        Field("value", "float", "the number as printed, no unit conversion; a statement of absence (未收到…申请, "
              "暂不收费) is 0; a blank or dash cell in a table with numbers is 0; null when it cannot be read "
              "without a guess (see null_reason)"),
        Field("unit", "string", "the unit as printed: the 计量单位 column, the cell, the header or the words after "
              "the number (条, 件, 人次, 元, 万元 …)"),
        Field("source", "string", "table: a statistics table (or its rows flattened into text); prose: a sentence",
              allowed=_fixed("table", "prose"), required=True),
        Field("row_label", "string", "the row's label as printed (table), or the sentence holding the number (prose)"),
        Field("col_label", "string", "the column header as printed (table); null for prose"),
        Field("raw", "string", "the cell text, or the phrase holding the number, as printed"),
        Field("approx", "bool", "the text says the number is approximate (约4900, 3000多, 近1000, 70余)"),
        Field("relation", "string", "how the key relates to the 2019+ keys: '=' same meaning, '≈' comparable with a "
              "series break, '—' no 2019+ counterpart", allowed=_fixed("=", "≈", "—"), required=True),
        Field("comparable_key", "string", "the 2019+ measure it lines up with (pipeline/templates/"
              "comparable_measures.csv), for relation = and ≈"),
        Field("null_reason", "string", "why value is null (e.g. ambiguous split of fused digits)"),
        Field("family", "string", "where it was read: a statistics-table family (SH-2007, FJ-2009, FJ-PT, GB-2014; "
              "table: a table of no known family; text: such a table flattened into prose lines) or prose",
              allowed=_fixed("SH-2007", "FJ-2009", "FJ-PT", "GB-2014", "table", "text", "prose")),
        Field("page", "int", "PDF page, 1-based; null for other formats and for prose"),
        Field("table_index", "int", "0-based index of the source table in the document (source = table)"),
        Field("grid_row", "int", "0-based row of the cell in its table grid"),
        Field("grid_col", "int", "0-based column of the cell in its table grid"),
    ),
    "sections": (
        _REPORT_ID,
        Field("number", "int", "section number 1–6", required=True),
        Field("title", "string", "section heading as printed"),
        Field("text", "string", "the section's prose"),
    ),
    "sources": (
        _REPORT_ID,
        Field("url", "string", "URL the document was listed under (one row per URL: the same bytes under two "
              "URLs are one report)", required=True),
        Field("final_url", "string", "URL after redirects"),
        Field("source", "string", "scraper source slug ({region}_{agency})"),
        Field("title", "string", "title of the link or page the document was found under"),
        Field("published_date", "string", "publication date given by the listing (ISO 8601)"),
        Field("fetched_at", "string", "when this URL was downloaded (ISO 8601 UTC)"),
        Field("kind", "string", "how the document was found: page or attachment"),
        Field("parent_url", "string", "list or page URL that linked to the document"),
        Field("report_url", "string", "the report the document belongs to, as the scraper's store decides: a page "
              "and the attachments it links share one report_url"),
    ),
    "agencies": (
        Field("agency_id", "string", "stable id: first 12 hex digits of sha1(agency_key)", required=True),
        Field("agency_key", "string", "normalised identity: adcode (or place names) | agency body, e.g. "
              "230751|人民政府", required=True),
        Field("agency", "string", "the agency name of its latest report (reports.agency: simplified characters)"),
        Field("names", "string", "every agency name of its reports (reports.agency), ' | '-separated"),
        Field("place", "string", "the lowest administrative area in the agency's name, e.g. 金林区"),
        Field("adcode", "string", "6-digit GB/T 2260 code of the place, where resolved"),
        Field("first_year", "int", "first reporting year in the dataset"),
        Field("last_year", "int", "last reporting year in the dataset"),
        Field("n_reports", "int", "reports of the agency in the dataset, superseded ones included", required=True),
    ),
    "quality": (
        Field("source", "string", "scraper source slug; null for documents not from the scraper"),
        Field("year", "int", "reporting year"),
        Field("n_reports", "int", "reports (current ones: superseded revisions not counted)", required=True),
        Field("n_ok", "int", "reports with status ok", required=True),
        Field("n_partial", "int", "reports with status partial", required=True),
        Field("n_no_tables", "int", "reports with status no_tables", required=True),
        Field("n_needs_ocr", "int", "reports with status needs_ocr", required=True),
        Field("n_failed", "int", "reports with status failed", required=True),
        Field("n_superseded", "int", "older revisions replaced by a later report", required=True),
        Field("n_values", "int", "value cells extracted", required=True),
        Field("n_checks_failed", "int", "failed template identities (error severity, within reports)",
              required=True),
        Field("n_series_checks_failed", "int", "failed dataset-level checks (series.*) of these reports",
              required=True),
        Field("n_found", "int", "reports the source's latest scrape found for this year (its discovery audit); "
              "null when the source was not audited"),
        Field("expected", "bool", "the year lies between the source's first year and the last complete "
              "reporting year (reports are due by 31 January of the next year)"),
        Field("missing", "bool", "an expected year for which neither the latest scrape nor the dataset has a "
              "report of the source"),
    ),
}
# Only value tables carry the metric's unit; the data dictionary states units of metrics here.
METRIC_UNITS = {"fee_amount": "万元", "procurement_amount": "万元"}


def columns(table: str) -> list[str]:
    return [f.name for f in TABLES[table]]


@cache
def arrow_schema(table: str) -> pa.Schema:
    """Explicit Parquet schema of a table, with descriptions as field metadata."""
    return pa.schema([pa.field(f.name, _ARROW[f.dtype], nullable=not f.required,
                               metadata={"description": f.description, **({"unit": f.unit} if f.unit else {})})
                      for f in TABLES[table]])


def empty(table: str) -> pd.DataFrame:
    return conform(pd.DataFrame(columns=columns(table)), table)


def _null(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _column(values: list, dtype: str) -> pa.Array:
    if dtype == "string":
        values = [None if _null(v) else str(v) for v in values]
    else:
        values = [None if _null(v) else v for v in values]
    return pa.array(values, type=_ARROW[dtype])


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in registry order with registry dtypes; unknown columns, missing columns and bad keys raise."""
    fields = TABLES[table]
    names = [f.name for f in fields]
    unknown = sorted(set(df.columns) - set(names))
    if unknown:
        raise SchemaError(f"{table}: columns not in the registry: {unknown}")
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise SchemaError(f"{table}: missing columns: {missing}")
    arrays = []
    for f in fields:
        try:
            arr = _column(df[f.name].tolist(), f.dtype)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise SchemaError(f"{table}.{f.name}: not {f.dtype}: {exc}") from exc
        allowed = f.allowed_values()
        if allowed is not None:
            bad = sorted(set(arr.drop_null().to_pylist()) - set(allowed))
            if bad:
                raise SchemaError(f"{table}.{f.name}: values not allowed: {bad[:10]}")
        if f.required and arr.null_count:
            raise SchemaError(f"{table}.{f.name}: null in a required field")
        arrays.append(arr)
    out = pa.Table.from_arrays(arrays, names=names).to_pandas(types_mapper=_PANDAS_TYPES.get)
    return out


# ---- rows as plain columns: built per document, made into frames once per batch --------------------------
Columns = dict[str, list]  # one table's rows column by column, in registry order

_PY_TYPE_SETS = {"string": {str}, "float": {float, int}, "int": {int}, "bool": {bool}}


@cache
def _allowed(table: str, name: str) -> frozenset[str | None] | None:
    f = next(f for f in TABLES[table] if f.name == name)
    allowed = f.allowed_values()
    return frozenset((*allowed, None)) if allowed is not None else None


def to_columns(table: str, rows: list[dict], defaults: dict[str, object] | None = None,
               **constants: object) -> Columns:
    """A table's rows (dicts; keys outside the registry ignored, missing ones null) as checked columns.

    `constants` fill a column with one value; `defaults` give a column's value where a row has none. Raises
    SchemaError as conform does, per document, so that one document with bad rows fails alone and a batch can
    make its frames without checking again.
    """
    names = columns(table)
    taken = [n for n in names if n not in constants]
    try:  # rows holding every field: one C-level getter per row
        values = list(zip(*map(itemgetter(*taken), rows), strict=True)) if rows and len(taken) > 1 else None
    except KeyError:
        values = None
    if values is not None:
        got = dict(zip(taken, map(list, values), strict=True))
    else:
        got = {n: [r.get(n) for r in rows] for n in taken}
    for name, fill in (defaults or {}).items():
        if name in got:
            got[name] = [fill if _null(v) else v for v in got[name]]
    cols: Columns = {n: got[n] if n in got else [constants[n]] * len(rows) for n in names}
    check_columns(table, cols)
    return cols


def check_columns(table: str, cols: Columns) -> None:
    """Registry columns with values of the field's type (ints as floats where floats go; NaN as null when the
    frames are made), allowed keys, no null where required; values of other types are converted as conform
    converts them."""
    names = columns(table)
    if list(cols) != names:
        unknown, missing = sorted(set(cols) - set(names)), [n for n in names if n not in cols]
        raise SchemaError(f"{table}: columns not in the registry: {unknown}" if unknown
                          else f"{table}: missing columns: {missing}" if missing else f"{table}: columns out of order")
    if not cols[names[0]]:
        return  # no rows
    for f in TABLES[table]:
        values = cols[f.name]
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if not kinds <= _PY_TYPE_SETS[f.dtype]:
            values = cols[f.name] = _converted(table, f, values)
        allowed = _allowed(table, f.name)
        if allowed is not None and not allowed.issuperset(values):
            bad = sorted(set(values) - allowed - {None})
            if bad:
                raise SchemaError(f"{table}.{f.name}: values not allowed: {bad[:10]}")
        if f.required and None in values:
            raise SchemaError(f"{table}.{f.name}: null in a required field")


def _converted(table: str, f: Field, values: list) -> list:
    try:
        return _column(values, f.dtype).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise SchemaError(f"{table}.{f.name}: not {f.dtype}: {exc}") from exc


def arrow_table(table: str, parts: list[Columns]) -> pa.Table:
    """One Arrow table (the registry's schema) of checked columns (to_columns) of many documents."""
    fields = TABLES[table]
    if len(parts) == 1:
        joined = parts[0]
    else:
        joined = {f.name: [v for part in parts for v in part[f.name]] for f in fields}
    return pa.Table.from_arrays([pa.array(joined[f.name], type=_ARROW[f.dtype], from_pandas=True) for f in fields],
                                schema=arrow_schema(table))


def frame(table: str, parts: list[Columns]) -> pd.DataFrame:
    """The conformed pandas frame of checked columns of one or many documents (see arrow_table)."""
    return arrow_table(table, parts).to_pandas(types_mapper=_PANDAS_TYPES.get)


def data_dictionary() -> pd.DataFrame:
    """One row per field: table, field, type, unit, description, allowed values."""
    rows = []
    for table, fields in TABLES.items():
        for f in fields:
            allowed = f.allowed_values()
            rows.append({"table": table, "field": f.name, "type": f.dtype, "required": f.required,
                         "unit": f.unit or "", "description": f.description,
                         "allowed_values": ", ".join(allowed) if allowed else ""})
    return pd.DataFrame(rows)


def data_dictionary_markdown() -> str:
    lines = ["# Data dictionary", "", "Generated from `pipeline/schema.py` (`ogi dictionary`). Amounts "
             "(`fee_amount`, `procurement_amount`) are in 万元 in `value`.", "", *_PRE2019_NOTE, ""]
    for table, group in data_dictionary().groupby("table", sort=False):
        lines += [f"## `{table}`", "", "| field | type | description | allowed values |", "|---|---|---|---|"]
        for r in group.itertuples():
            req = " (required)" if r.required else ""
            lines.append(f"| `{r.field}` | {r.type}{req} | {r.description} | {r.allowed_values} |")
        lines.append("")
    return "\n".join(lines + _check_families_markdown() + _legacy_vocabulary_markdown())


def _check_families_markdown() -> list[str]:
    out = ["## Check families (`checks.family`)", "",
           "A check's id is `<family>.<subject>`. Identities come from the template versions' declarations "
           "(`pipeline/templates/versions/*.toml`); `scope = series` checks are added by the loader.", "",
           "| family | kind | scope | subject | what it checks |", "|---|---|---|---|---|"]
    for f in check_families().values():
        out.append(f"| `{f.name}` | {f.kind} | {f.scope} | {f.subject} | {f.description} |")
    return [*out, ""]


_PRE2019_NOTE = (
    "Reports of the years before the national template (`template = pre2019`, reporting years up to 2018) "
    "have no tables 二/三/四: their key figures (statistics tables of the SH-2007, FJ-2009, FJ-PT and GB-2014 "
    "families, and sentences of the prose) are rows of `legacy`, never of `proactive`, `requests` or "
    "`reviews`. Their `status`: `ok` when a statistics table was read and every key figure is a number; "
    "`partial` when the figures come from the prose only, or some could not be read without a guess "
    "(`legacy.null_reason`, e.g. digits fused in a text copy); `no_tables` when neither a table nor a "
    "sentence gave a key figure. Their checks (channel and reply sums, prose against table, `legacy.*`; "
    "across years `series.legacy_cumulative.*`) have severity `warning` and are not counted in "
    "`n_checks_failed`.",
)


def _legacy_vocabulary_markdown() -> list[str]:
    from pipeline.legacy.vocabulary import keys

    out = ["## Legacy vocabulary (`legacy.key`)", "",
           "From `pipeline/templates/legacy_keys.csv` (LEGACY.md §3). `relation`: `=` same meaning as the 2019+ "
           "measure, `≈` comparable with a series break, `—` no 2019+ counterpart; measures are defined in "
           "`pipeline/templates/comparable_measures.csv`. Values are as printed: units vary (条 or 件, 元 or 万元).",
           "", "| key | labels seen | units | relation | comparable measure | note |", "|---|---|---|---|---|---|"]
    for k in keys():
        out.append(f"| `{k.key}` | {'; '.join(k.patterns[:4])} | {' '.join(k.units)} | {k.relation} | "
                   f"{k.comparable_key or ''} | {k.note} |")
    return [*out, ""]
