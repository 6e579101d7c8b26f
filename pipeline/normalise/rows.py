"""Split a grid row into its label cells (left) and value cells (right, mapped by position)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Cell
from pipeline.numbers import Parsed, parse
from pipeline.text import core, fold


@dataclass(slots=True)
class Row:
    labels: list[Cell]  # label cells, spanned copies of the same text collapsed
    values: list[Cell]  # value cells after the labels (spanned copies left out)
    parsed: list[Parsed]

    @property
    def own(self) -> str:
        """The row's most specific label (the rightmost), folded for matching."""
        return fold(self.labels[-1].text) if self.labels else ""

    @property
    def label_text(self) -> str:
        return " / ".join(c.text for c in self.labels)

    @property
    def has_numbers(self) -> bool:
        return any(p.state in ("number", "dash") for p in self.parsed)


def right_aligned_width(rows: list[list[Cell]], expected: int, header: dict[str, int] | None = None) -> int | None:
    """Table width when its values stand in the last `expected` columns with padding between labels and values.

    Only for rectangular tables. Evidence: a row with more cells after its labels than values, with a printed
    value among its last surplus cells, so the surplus can only be padding before the values (labels spanning
    columns, printed as empty cells), not padding after them; or column headers (`header`: label core →
    value position) standing exactly above the last `expected` columns; or a row as wide as the table whose
    first label comes after blank cells (labels printed at their grid column: every row is a row of the grid).
    """
    numbered = [r for r in rows if any(parse(c.text).state == "number" for c in r)]
    width = max((len(r) for r in numbered or rows), default=0)
    if any(len(r) != width for r in numbered):
        return None  # ragged rows (one cell per line, trimmed pipe rows): read each row from its labels
    above = sum(1 for cells in rows for c in cells
                if header and c.text and header.get(core(c.text)) == c.col - (width - expected))
    if above >= 2:
        return width
    for r in (r for r in rows if len(r) == width):  # a label after blank cells: labels at their grid column
        first_label = next((c.col for c in r if c.text and parse(c.text).state == "text"), 0)
        if 0 < first_label < width - expected and not any(c.text for c in r[:first_label]):
            return width
    for cells in rows:
        row = split_row(cells)
        surplus = len(row.values) - expected
        if surplus > 0 and row.has_numbers and any(p.state != "blank" for p in row.parsed[-surplus:]):
            return width
    return None


def split_row(cells: list[Cell], expected: int | None = None, width: int | None = None) -> Row:
    """Labels are the text cells before the first number; values follow the last label.

    With `width` (see right_aligned_width) the values are the last `expected` of `width` columns.
    """
    if width is not None and expected is not None and len(cells) <= width:
        cut = width - expected
        head, tail = cells[:cut], cells[cut:]
        if all(parse(c.text).state != "text" for c in tail):
            labels = [c for c in head if c.text and parse(c.text).state == "text"]
            pairs = [(c, parse(c.text)) for c in tail if not c.spanned]
            if labels and len(pairs) == len(tail):
                return Row(_dedupe(labels), [c for c, _ in pairs], [p for _, p in pairs])
    states = [parse(c.text) for c in cells]
    first_number = next((i for i, p in enumerate(states) if p.state == "number"), len(cells))
    last_label = max((i for i in range(first_number) if states[i].state == "text"), default=-1)
    labels = _dedupe(cells[: last_label + 1])
    pairs = [(c, p) for c, p in zip(cells[last_label + 1:], states[last_label + 1:], strict=True) if not c.spanned]
    if expected is not None:  # surplus blanks: trailing padding first, then label-span padding before the values
        while len(pairs) > expected and pairs[-1][1].state == "blank":
            pairs.pop()
        while len(pairs) > expected and pairs[0][1].state == "blank":
            pairs.pop(0)
    return Row(labels, [c for c, _ in pairs], [p for _, p in pairs])


def _dedupe(cells: list[Cell]) -> list[Cell]:
    """Label cells without empties and without the span copies of the label before."""
    labels: list[Cell] = []
    for c in cells:
        if not c.text or (c.spanned and labels and labels[-1].text == c.text):
            continue
        labels.append(c)
    return labels
