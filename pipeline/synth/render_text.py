"""Render a SyntheticReport as plain text with `|`-delimited tables, as web pages converted to text look."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .grid import CellQuirks, GCell, Grid, report_grids
from .values import SyntheticReport

LAYOUTS = ("pipe", "markdown", "lines")
_SECTION_TABLES = {2: ("proactive",), 3: ("requests",), 4: ("reviews",)}


@dataclass(frozen=True)
class TextQuirks(CellQuirks):
    """Text-layout deviations on top of the cell quirks (defaults: the seed file's style)."""

    layout: str = "pipe"  # "pipe" (a | b), "markdown" (| a | b |), "lines" (one cell per line, no pipes)
    trailing_empty: bool = True  # pad rows with empty cells to the table's grid width (not in "lines")
    shift_labels: bool = False  # put labels at their grid column, spanned slots printed as empty cells
    brackets: str = "half"


def _cells(grid: Grid, row: list[GCell], q: TextQuirks) -> tuple[list[str], int | None]:
    """A row's printed cells (labels at their grid column with shift_labels) and its padding: the slots left
    to the table's width (`trailing_empty`, not in "lines"; None without padding)."""
    if q.shift_labels:
        out = [""] * grid.width
        for c in row:
            out[c.col] = c.text
        out = out[: max((c.col for c in row), default=-1) + 1]
    else:
        out = [c.text for c in row]
    pad = q.trailing_empty and q.layout != "lines"
    return out, grid.width - len(out) if pad else None


def format_row(cells: list[str], layout: str, pads: int | None = None) -> list[str]:
    """One table row as printed lines. pipe: every cell closed by `|` and the padding as bare `|`
    (`a | b | ||`, as web pages converted to text write it) or, without padding, cells between `|`
    (`a | b | c`); markdown: `| a | b |` (padding as empty cells); lines: one line per cell, no `|`."""
    if layout == "lines":
        return cells
    if layout == "markdown":
        return ["| " + " | ".join(cells + [""] * (pads or 0)) + " |"] if cells or pads else []
    if pads is not None:
        return [(" ".join(f"{c} |" for c in cells) + (" " if cells and pads else "") + "|" * pads).rstrip()]
    return [" | ".join(cells)] if cells else []


def table_rows(report: SyntheticReport, quirks: TextQuirks) -> list[tuple[str, list[list[str]]]]:
    """(table name, rows of printed cells) for every table, in document order."""
    return [(g.name, [_cells(g, r, quirks)[0] for r in g.rows]) for g in report_grids(report, quirks)]


def render_pipe_text(report: SyntheticReport, quirks: TextQuirks | None = None) -> str:
    """The whole report: title, 统计时限 sentence, sections 一–六 with prose and tables."""
    q = quirks or TextQuirks()
    grids = report_grids(report, q)
    lines = [report.title, report.intro]
    for s in report.sections:
        lines.append(s.title)
        lines += [t for t in s.text.split("\n") if t]
        for g in grids:
            if g.name in _SECTION_TABLES.get(s.number, ()):
                for row in g.rows:
                    cells, pads = _cells(g, row, q)
                    lines += format_row(cells, q.layout, pads)
    return "\n".join(lines) + "\n"


def _render_text(report: SyntheticReport, rng: random.Random) -> bytes:
    from .quirks import text_quirks

    return render_pipe_text(report, text_quirks(rng)).encode("utf-8")


RENDERS = {"text": _render_text}  # pipeline.synth.formats: the formats this module writes
