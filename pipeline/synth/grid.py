"""Tables 二/三/四 of a report as span-annotated cell grids with the printed texts; shared by the renderers."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .templates import (
    APPLICANT_LABELS,
    APPLICANT_PARTS,
    APPLICANTS,
    PROCEEDINGS,
    REQUEST_ROWS,
    REQUESTS_NOTE,
    REVIEW_HEADERS,
    REVIEW_OUTCOME_LABELS,
    REVIEW_OUTCOMES,
    proactive_layout,
)
from .values import SyntheticReport

DASHES = ("-", "—", "/")
_LEADING_INT_RE = re.compile(r"^([+-]?)(\d{4,})")


def group_thousands(text: str) -> str:
    """The integer part of a printed number with thousands separators: 24252.31万元 → 24,252.31万元."""
    return _LEADING_INT_RE.sub(lambda m: m.group(1) + f"{int(m.group(2)):,}", text, count=1)
_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
_HALF_BRACKETS = str.maketrans("（）", "()")
# real-world label variants (SCHEMA.md "Pitfalls"): (pattern, replacement)
LABEL_VARIANTS: tuple[tuple[str, str], ...] = (
    (r"其他法律行政法规禁止公开", "其他法律行政止公开"),
    (r"^行政复议$", "行政法复议"),
    (r"^社会公益组织$", "社会 公益 组织"),
    (r"^法律服务机构$", "法律 服 务 机构"),
    (r"^(\d)\.", r"\1、"),
)


@dataclass(frozen=True)
class CellQuirks:
    """Cell-level deviations shared by the text and HTML renderers; chances are per cell."""

    units: bool = True  # print table 二 cells as generated (ProactiveValue.raw, units included); else bare 万元/counts
    blank_zero: float = 0.0  # chance a 0 is printed as an empty cell
    dash_zero: float = 0.0  # chance a 0 is printed as "-", "—" or "/"
    fullwidth_digits: float = 0.0  # chance a value uses full-width digits (１２．５)
    label_typos: float = 0.0  # chance a label gets a variant: typo, "1、", stray space
    brackets: str = "full"  # "full" （一） | "half" (一) | "mixed"
    clause_spaces: bool = False  # "第二十条  第（五）项"
    truncate_headers: bool = False  # 本年… header cells cut to 3 characters ("本年新 | 本年新")
    plus_sign: float = 0.0  # chance a positive 本年增/减 is printed with its sign ("+2")
    thousands: float = 0.0  # chance a value of 1,000 or more is printed with thousands separators ("1,234")
    tall_rows: float = 0.0  # chance a row of table 三 is printed as two sub-rows (label and values span both)
    seed: int = 0  # drives the per-cell chances


@dataclass(slots=True)
class GCell:
    """One printed cell at grid position (row, col) with its spans; `key` names the value it shows."""

    text: str
    kind: str  # "clause" | "header" | "label" | "note" | "value"
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, str, str] | None = None


@dataclass(slots=True)
class Grid:
    """A table (or one part of a split table) as rows of cells; spanned slots are not repeated."""

    name: str  # "proactive" | "requests" | "reviews"
    width: int
    rows: list[list[GCell]] = field(default_factory=list)

    def add(self, *cells: tuple[str, str, int, int, int] | GCell) -> None:
        """Append a row; tuples are (text, kind, col, rowspan, colspan)."""
        r = len(self.rows)
        self.rows.append([c if isinstance(c, GCell) else GCell(c[0], c[1], r, c[2], c[3], c[4]) for c in cells])

    def full_rows(self) -> list[list[str]]:
        """Rows as complete grids: every slot present, slots covered by a span empty."""
        out = [[""] * self.width for _ in self.rows]
        for row in self.rows:
            for c in row:
                out[c.row][c.col] = c.text
        return out


class Printer:
    """Turns labels and values into printed text under a CellQuirks, deterministically per report."""

    def __init__(self, report: SyntheticReport, quirks: CellQuirks) -> None:
        self.q = quirks
        self.rng = random.Random(f"{quirks.seed}|{report.agency}|{report.year}|{report.template}")

    def label(self, text: str, kind: str = "label") -> str:
        q, rng = self.q, self.rng
        if kind == "clause" and q.clause_spaces:
            text = text.replace("条第", "条  第")
        if kind == "header" and q.truncate_headers and text.startswith("本年"):  # "caption": never truncated
            text = text[:3]
        elif kind != "clause" and rng.random() < q.label_typos:
            options = [(p, r) for p, r in LABEL_VARIANTS if re.search(p, text)]
            if options:
                text = re.sub(*rng.choice(options), text, count=1)
            elif len(text) >= 4:
                i = rng.randint(1, len(text) - 1)
                text = text[:i] + " " + text[i:]
        if q.brackets == "half" or (q.brackets == "mixed" and rng.random() < 0.5):
            text = text.translate(_HALF_BRACKETS)
        return text

    def value(self, v: float | None, raw: str | None = None, signed: bool = False) -> str:
        q, rng = self.q, self.rng
        if v is None:
            return ""
        if v == 0:
            if rng.random() < q.blank_zero:
                return ""
            if rng.random() < q.dash_zero:
                return rng.choice(DASHES)
        text = raw if raw is not None else (str(int(v)) if float(v).is_integer() else repr(float(v)))
        if signed and v > 0 and rng.random() < q.plus_sign:
            text = "+" + text
        if q.thousands and rng.random() < q.thousands:
            text = group_thousands(text)
        return text.translate(_FULLWIDTH) if rng.random() < q.fullwidth_digits else text


def proactive_grid(report: SyntheticReport, p: Printer) -> Grid:
    """Table 二: per clause a clause row, a header row and item rows, 4 columns."""
    g = Grid("proactive", 4)
    for clause in proactive_layout(report.template, report.legacy):
        g.add((p.label(clause.label, "clause"), "clause", 0, 1, 4))
        last = len(clause.metrics)  # the last metric column spans what is left of the 3 value columns
        g.add(("信息内容", "header", 0, 1, 1),
              *((p.label(h, "header"), "header", j, 1, 4 - j if j == last else 1)
                for j, (_, h) in enumerate(clause.metrics, 1)))
        for item, label in clause.items:
            cells: list = [(p.label(label), "label", 0, 1, 1)]
            for j, (metric, _) in enumerate(clause.metrics, 1):
                pv = report.proactive[(item, metric)]
                text = p.value(pv.value, pv.raw if p.q.units else None, signed=metric == "change")
                cells.append((text, "value", j, 1, 4 - j if j == last else 1))
            g.add(*cells)
            for c, (metric, _) in zip(g.rows[-1][1:], clause.metrics, strict=True):
                c.key = ("proactive", item, metric)
    return g


def requests_grids(report: SyntheticReport, p: Printer, split_before: str | None = None,
                   misaligned: bool = False) -> list[Grid]:
    """Table 三 (10 columns: 3 label + 7 applicant), optionally split in two parts before an outcome row.

    Label cells span their group's rows within each part, so a split repeats the group labels at the top of
    the second part. misaligned: the header note spans 2 columns and 申请人情况 8 (data rows keep 3 + 7).
    """
    outcomes = report.outcomes
    cut = outcomes.index(split_before) if split_before in outcomes else len(outcomes)
    head = Grid("requests", 10)
    nc = 2 if misaligned else 3
    head.add((p.label(REQUESTS_NOTE, "note"), "note", 0, 3, nc), ("申请人情况", "header", nc, 1, 10 - nc))
    head.add((p.label("自然人", "header"), "header", 3, 2, 1), ("法人或其他组织", "header", 4, 1, 5),
             ("总计", "header", 9, 2, 1))
    head.add(*((p.label(APPLICANT_LABELS[a], "header"), "header", 4 + i, 1, 1)
               for i, a in enumerate(APPLICANT_PARTS[1:])))
    grids = [head]
    for n, part in enumerate((outcomes[:cut], outcomes[cut:])):
        if not part:
            continue
        g = head if n == 0 else Grid("requests", 10)
        if n:
            grids.append(g)
        paths = [REQUEST_ROWS[o] for o in part]
        # a tall row: two printed sub-rows, its label (and, or not, its values) spanning both
        tall = [p.rng.random() < p.q.tall_rows for _ in part] if p.q.tall_rows else [False] * len(part)
        merged = [p.rng.random() < 0.5 for _ in part] if p.q.tall_rows else tall
        heights = [2 if t else 1 for t in tall]
        for r, (o, path) in enumerate(zip(part, paths, strict=True)):
            cells: list = []
            for lvl, text in enumerate(path):
                if r and paths[r - 1][: lvl + 1] == path[: lvl + 1]:
                    continue  # covered by the rowspan of the label above
                last = lvl == len(path) - 1
                end = next((k for k in range(r, len(part)) if paths[k][: lvl + 1] != path[: lvl + 1]), len(part))
                span = heights[r] if last else sum(heights[r:end])
                cells.append((p.label(text), "label", lvl, span, 3 - lvl if last else 1))
            vspan = heights[r] if merged[r] else 1
            cells += [(p.value(report.requests[(o, a)]), "value", 3 + j, vspan, 1) for j, a in enumerate(APPLICANTS)]
            g.add(*cells)
            for c, a in zip(g.rows[-1][-7:], APPLICANTS, strict=True):
                c.key = ("requests", o, a)
            if tall[r]:  # the second sub-row: nothing of its own, or blank value cells
                g.add(*([] if merged[r] else [("", "value", 3 + j, 1, 1) for j in range(7)]))
    return grids


def reviews_grid(report: SyntheticReport, p: Printer) -> Grid:
    """Table 四: two header levels over 15 columns and one data row."""
    g = Grid("reviews", 15)
    h = [p.label(t, "caption") for t in REVIEW_HEADERS]
    outs = [p.label(REVIEW_OUTCOME_LABELS[o], "caption") for o in REVIEW_OUTCOMES]
    g.add((h[0], "header", 0, 1, 5), (h[1], "header", 5, 1, 10))
    g.add(*((t, "header", i, 2, 1) for i, t in enumerate(outs)), (h[2], "header", 5, 1, 5), (h[3], "header", 10, 1, 5))
    g.add(*((p.label(REVIEW_OUTCOME_LABELS[o], "caption"), "header", 5 + i, 1, 1)
            for i, o in enumerate(REVIEW_OUTCOMES * 2)))
    keys = [(pr, o) for pr in PROCEEDINGS for o in REVIEW_OUTCOMES]
    g.add(*((p.value(report.reviews[k]), "value", i, 1, 1) for i, k in enumerate(keys)))
    for c, k in zip(g.rows[-1], keys, strict=True):
        c.key = ("reviews", *k)
    return g


def report_grids(report: SyntheticReport, quirks: CellQuirks, split_before: str | None = None,
                 misaligned: bool = False) -> list[Grid]:
    """All tables of a report in printed order (table 三 possibly in two parts)."""
    p = Printer(report, quirks)
    return [proactive_grid(report, p), *requests_grids(report, p, split_before, misaligned), reviews_grid(report, p)]
