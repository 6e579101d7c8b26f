"""Template knowledge read from the data files in pipeline/templates/ (no template branches in code).

Each template version is a declaration, `templates/versions/<name>.toml` (years, the tables it prints, marker
and table words, identities, units), completed by the lines of the row/column CSVs that name it; adding a
version is a new declaration plus CSV lines and fixtures.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

from pipeline.text import core, fold, numbering

TEMPLATES_DIR = Path(__file__).parent / "templates"
VERSIONS_DIR = TEMPLATES_DIR / "versions"
UNKNOWN_TEMPLATE = "unknown"


def _read(name: str) -> list[dict[str, str]]:
    with (TEMPLATES_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _patterns(field: str) -> tuple[str, ...]:
    return tuple(core(p) for p in field.split(";") if p.strip())


@dataclass(frozen=True)
class Outcome:
    key: str
    top: int | None  # 一、… 四、 of table 三
    group: int | None  # （一）… （七） under 三、本年度办理结果
    number: int | None  # 1. 2. … inside a group
    templates: frozenset[str]
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Applicant:
    key: str
    position: int
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class ReviewCell:
    position: int
    proceeding: str
    outcome: str
    proceeding_label: str
    outcome_label: str


@dataclass(frozen=True)
class Item:
    item: str
    clause: str
    templates: frozenset[str]
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    template: str
    clause: str
    position: int
    metric: str
    label: str
    patterns: tuple[str, ...]
    unit: str | None


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    patterns: tuple[str, ...]


def _int(s: str) -> int | None:
    return int(s) if s.strip() else None


@cache
def outcomes() -> tuple[Outcome, ...]:
    return tuple(Outcome(r["key"], _int(r["top"]), _int(r["group"]), _int(r["number"]),
                         frozenset(r["templates"].split()), r["label"], _patterns(r["patterns"]))
                 for r in _read("requests_outcomes.csv"))


@cache
def applicants() -> tuple[Applicant, ...]:
    return tuple(Applicant(r["key"], int(r["position"]), r["label"], _patterns(r["patterns"]))
                 for r in _read("requests_applicants.csv"))


@cache
def review_cells() -> tuple[ReviewCell, ...]:
    return tuple(ReviewCell(int(r["position"]), r["proceeding"], r["outcome"], r["proceeding_label"],
                            r["outcome_label"]) for r in _read("reviews_cells.csv"))


@cache
def items() -> tuple[Item, ...]:
    return tuple(Item(r["item"], r["clause"], frozenset(r["templates"].split()), r["label"],
                      _patterns(r["patterns"])) for r in _read("proactive_items.csv"))


@cache
def metrics() -> tuple[Metric, ...]:
    return tuple(Metric(r["template"], r["clause"], int(r["position"]), r["metric"], r["label"],
                        _patterns(r["patterns"]), r["unit"] or None) for r in _read("proactive_metrics.csv"))


@cache
def clauses() -> dict[int, str]:
    """第二十条第（N）项 number → clause key ("20.1")."""
    return {int(r["number"]): r["clause"] for r in _read("clauses.csv")}


@dataclass(frozen=True)
class Identity:
    """An arithmetic identity a template states: lhs = rhs, one check per value of `each`.

    Keys name rows/columns of `table` (the other axis being `each`); `@leaves` stands for the leaf rows of
    table 三 as printed, `@parts` for its applicant columns but the total. By default every cell must be
    printed for the check to be evaluated; with `min_parts` the rhs sums the parts printed (at least that
    many), and `requires` / `excludes` name keys that must / must not be printed.
    """

    id: str  # e.g. "requests.balance.{applicant}"
    table: str
    each: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    severity: str = "error"
    min_parts: int | None = None
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    source: str | None = None  # legacy: only figures found in the table or in the prose

    def name(self, value: str) -> str:
        return self.id.replace("{" + self.each + "}", value)

    @property
    def family(self) -> str:
        """The id without its subject (`requests.balance` of `requests.balance.{applicant}`): checks.family."""
        return self.id.removesuffix(".{" + self.each + "}")


@dataclass(frozen=True)
class TemplateVersion:
    """One template version as declared in templates/versions/<name>.toml plus its rows in the CSVs."""

    name: str
    notice: str
    first_year: int
    last_year: int
    tables: tuple[str, ...]
    markers: tuple[str, ...]  # label cores
    table_words: tuple[str, ...]
    article_words: tuple[str, ...]
    identities: tuple[Identity, ...]
    series: tuple[str, ...] = ()
    default: bool = False
    amount_unit: str | None = None
    marker_rows: tuple[str, ...] = ()
    non_leaf_rows: tuple[str, ...] = ()
    alternatives: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    extra: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # version-specific sections

    @property
    def national(self) -> bool:
        """Prints the national tables 二/三/四."""
        return "requests" in self.tables

    def request_rows(self) -> tuple[str, ...]:
        """Outcome keys of table 三 that reports of this template may print, in template order."""
        return tuple(o.key for o in outcomes() if self.name in o.templates)

    def expected_requests(self, present: set[str]) -> set[str]:
        """Rows table 三 must print: a row or its sub-rows (alternatives), as the report chose."""
        keys = set(self.request_rows())
        for single, subrows in self.alternatives.items():
            keys -= set(subrows) if single in present else {single}
        return keys

    def leaf_rows(self, present: set[str]) -> list[str]:
        """Outcome rows that add up to the total: the sub-rows when printed, else the single row."""
        leaves = [k for k in self.request_rows() if k not in self.non_leaf_rows]
        for single, subrows in self.alternatives.items():
            drop = {single} if present & set(subrows) else set(subrows)
            leaves = [k for k in leaves if k not in drop]
        return leaves

    def expected_proactive(self) -> set[tuple[str, str]]:
        """(item, metric) cells of table 二."""
        its = [i for i in items() if self.name in i.templates]
        return {(i.item, m.metric) for i in its for m in metrics() if m.template == self.name and m.clause == i.clause}

    def amount_metrics(self) -> frozenset[str]:
        return frozenset(m.metric for m in metrics() if m.template == self.name and m.unit == self.amount_unit)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _identity(d: dict) -> Identity:
    if not d["id"].endswith(".{" + d["each"] + "}"):
        raise ValueError(f"identity {d['id']!r}: the id must end with .{{{d['each']}}} (check ids are <family>.<subject>)")
    return Identity(d["id"], d["table"], d["each"], tuple(d["lhs"]), tuple(d["rhs"]), d.get("severity", "error"),
                    d.get("min_parts"), tuple(d.get("requires", ())), tuple(d.get("excludes", ())), d.get("source"))


_KNOWN = {"name", "notice", "first_year", "last_year", "tables", "markers", "table_words", "article_words",
          "identities", "series", "default", "amount_unit", "requests"}


def _version(path: Path) -> TemplateVersion:
    with path.open("rb") as fh:
        d = tomllib.load(fh)
    req = d.get("requests", {})
    return TemplateVersion(
        name=d["name"], notice=d["notice"], first_year=int(d["first_year"]), last_year=int(d["last_year"]),
        tables=tuple(d["tables"]), markers=tuple(core(m) for m in d.get("markers", ())),
        table_words=tuple(d.get("table_words", ())), article_words=tuple(d.get("article_words", ())),
        identities=tuple(_identity(i) for i in d.get("identities", ())), series=tuple(d.get("series", ())),
        default=bool(d.get("default", False)), amount_unit=d.get("amount_unit"),
        marker_rows=tuple(req.get("marker_rows", ())), non_leaf_rows=tuple(req.get("non_leaf_rows", ())),
        alternatives=MappingProxyType({k: tuple(v) for k, v in req.get("alternatives", {}).items()}),
        extra=MappingProxyType({k: v for k, v in d.items() if k not in _KNOWN}),
    )


@cache
def versions() -> dict[str, TemplateVersion]:
    """Every declared template version by name, oldest first."""
    found = sorted((_version(p) for p in VERSIONS_DIR.glob("*.toml")), key=lambda v: v.first_year)
    return {v.name: v for v in found}


def version(name: str | None) -> TemplateVersion | None:
    return versions().get(name) if name else None


def national_versions() -> tuple[TemplateVersion, ...]:
    """Versions that print the national tables 二/三/四 (2019, 2021)."""
    return tuple(v for v in versions().values() if v.national)


def default_version() -> TemplateVersion:
    """The version a table is read with when neither its labels nor the report's year tell."""
    return next(v for v in versions().values() if v.default)


def template_names() -> tuple[str, ...]:
    """Values of the `template` field: every declared version, and 'unknown'."""
    return (*versions(), UNKNOWN_TEMPLATE)


def template_for_year(year: int | None) -> str | None:
    """The template in force for a reporting year."""
    if year is None:
        return None
    return next((v.name for v in versions().values() if v.covers(year)), None)


@cache
def markers() -> dict[str, tuple[str, ...]]:
    """Template → label cores whose presence marks it (versions with markers only)."""
    return {v.name: v.markers for v in versions().values() if v.markers}


@cache
def table_words() -> tuple[str, ...]:
    """Words printed in the tables of any version (PDF page selection, cut header rows)."""
    return tuple(dict.fromkeys(w for v in versions().values() for w in v.table_words))


@cache
def article_words() -> tuple[str, ...]:
    """Words of a data table that belongs to a report (HTML article detection)."""
    return tuple(dict.fromkeys(w for v in versions().values() for w in v.article_words))


def series_templates(check: str) -> tuple[str, ...]:
    """Versions for which a dataset-level check (e.g. in_force) applies."""
    return tuple(v.name for v in versions().values() if check in v.series)


@cache
def sections() -> tuple[Section, ...]:
    return tuple(Section(int(r["number"]), r["title"], _patterns(r["patterns"])) for r in _read("sections.csv"))


@cache
def table_cues() -> dict[str, tuple[str, ...]]:
    """Table kind → words whose presence in a table's labels marks it (squeezed text)."""
    out: dict[str, list[str]] = {}
    for r in _read("table_cues.csv"):
        out.setdefault(r["kind"], []).append(r["cue"])
    return {k: tuple(v) for k, v in out.items()}


def cue_score(squeezed: str) -> dict[str, int]:
    """How often each table kind's cues occur in a squeezed text."""
    return {k: sum(squeezed.count(c) for c in cues) for k, cues in table_cues().items()}


@cache
def amount_metrics() -> frozenset[str]:
    """Metrics whose value is an amount in the versions' amount unit (万元): 元 amounts are converted."""
    return frozenset().union(*(v.amount_metrics() for v in national_versions()))


_LEVELS = {"top": 0, "group": 1, "sub": 2}


@cache
def _row_openers() -> tuple[MappingProxyType, tuple[str, ...]]:
    """Header cells that open a row (row_openers.csv: label core → cores of the labels after which it does not)
    and the patterns of table 二's items."""
    heads = {core(r["label"]): frozenset(core(x) for x in (r.get("unless_after") or "").split("|") if x)
             for r in _read("row_openers.csv")}
    return MappingProxyType(heads), tuple(p for i in items() for p in i.patterns)


def opens_row(label: str, before: str | None = None) -> bool:
    """Whether a printed label starts a row of a national table even when it follows the label `before` with no
    cell between them (a table written one cell per line with nothing else marking its rows): a numbered row
    label (一、 （一） 1.) unless it goes one level down `before`'s numbering (三、本年度办理结果 → （一）予以公开,
    （三）不予公开 → 1.属于国家秘密: the same printed row), a 第二十条 clause line, an item of table 二, or the
    first cell of a header row (row_openers.csv; not after the labels its `unless_after` lists: table 四's
    second run of outcomes 结果维持 … follows the first run's 总计 in the same row)."""
    s = fold(label)
    kind, _, _ = numbering(s)
    if kind is not None:
        prev = numbering(fold(before))[0] if before else None
        return prev is None or _LEVELS[prev] >= _LEVELS[kind]
    if s.startswith("第二十条") and s.endswith("项"):
        return True
    c = core(label)
    heads, patterns = _row_openers()
    if c in heads:
        return before is None or core(before) not in heads[c]
    return len(c) <= 12 and any(p in c for p in patterns)


@cache
def _column_headers() -> frozenset[str]:
    return frozenset(core(t) for t in (*(a.label for a in applicants()), *(m.label for m in metrics()),
                                       *(c.outcome_label for c in review_cells()),
                                       *(c.proceeding_label for c in review_cells())))


def column_header(label: str) -> bool:
    """Whether a printed label is a column header of the national tables (自然人, 总计, 结果维持, 本年制发件数 …):
    values printed after it in a run of cells belong to a row of their own. Numbered labels are row labels
    (（七）总计 is a row, 总计 a column)."""
    return numbering(fold(label))[0] is None and core(label) in _column_headers()
