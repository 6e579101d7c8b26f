"""Find tables 二 (proactive), 三 (requests) and 四 (reviews) by caption and content; stitch split tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import labels
from pipeline.document import Cell, Table
from pipeline.numbers import parse
from pipeline.sections import section_heading
from pipeline.text import core, fold

KINDS = ("proactive", "requests", "reviews")
_SECTION_KIND = {2: "proactive", 3: "requests", 4: "reviews"}


_BLANK_TABLE_CUES = 4


@dataclass(slots=True)
class LogicalTable:
    """One of the three tables, possibly stitched from several source tables."""

    kind: str
    parts: list[Table] = field(default_factory=list)

    @property
    def rows(self) -> list[list[Cell]]:
        return [row for part in self.parts for row in part.rows]

    def text(self) -> str:
        return fold("".join(c.text for row in self.rows for c in row if not c.spanned))


def table_kind(table: Table) -> str | None:
    """The kind a table's content shows, or None."""
    cells = [c.text for row in table.rows for c in row if not c.spanned]
    text = fold("".join(cells))
    scores = labels.cue_score(text)
    if not any(parse(t).state in ("number", "dash") for t in cells) and max(scores.values()) < _BLANK_TABLE_CUES:
        return None  # no values: a layout table, unless its labels say plainly it is one of ours
    # 总计 / 其他 appear in all three; a requests table is the one with outcomes, reviews the one with 结果维持.
    if scores["requests"] >= 2 and scores["requests"] >= scores["reviews"]:
        return "requests"
    if scores["reviews"] >= 2:
        return "reviews"
    if scores["proactive"] >= 2:
        return "proactive"
    caption_kind = "proactive" if "第二十条" in fold(table.caption) else _SECTION_KIND.get(
        section_heading(table.caption) or 0)
    return caption_kind if caption_kind and max(scores.values()) else None


def _continues_requests(table: Table) -> bool:
    """Rows labelled with table 三's outcome labels (at least two of them)."""
    text = core("".join(c.text for row in table.rows for c in row if not c.spanned))
    hits = {o.key for o in labels.outcomes() for p in o.patterns if len(p) > 2 and p in text}
    return len(hits) >= 2


def locate(tables: list[Table]) -> dict[str, LogicalTable]:
    """Logical tables by kind: consecutive source tables of the same kind are stitched (a split table 三)."""
    found: dict[str, LogicalTable] = {}
    previous: str | None = None
    for table in tables:
        kind = table_kind(table)
        if kind is None and previous == "proactive" and "第二十条" in fold(table.caption):
            kind = "proactive"  # a clause printed as its own table, all blank
        if kind is None and previous == "requests" and _continues_requests(table):
            kind = "requests"  # the tail of a split table 三 printed without a single number
        if kind is None:
            previous = None
            continue
        if kind in found and previous == kind:
            found[kind].parts.append(table)
        elif kind not in found:
            found[kind] = LogicalTable(kind, [table])
        previous = kind
    return found


def detect_template(text: str) -> str | None:
    """The version whose marker labels a squeezed text shows most (2019, 2021), or None when none or a tie."""
    text = core(text)
    counts = {t: sum(1 for m in ms if m in text) for t, ms in labels.markers().items()}
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    if counts[best] == 0 or list(counts.values()).count(counts[best]) > 1:
        return None
    return best
