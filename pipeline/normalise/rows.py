"""Split a grid row into its label cells (left) and value cells (right, mapped by position)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Cell
from pipeline.numbers import Parsed, parse
from pipeline.text import numbering, squeeze


@dataclass(slots=True)
class Row:
    labels: list[Cell]  # label cells, spanned copies of the same text collapsed
    values: list[Cell]  # value cells after the labels (spanned copies left out)
    parsed: list[Parsed]

    @property
    def own(self) -> str:
        """The row's most specific label (the rightmost), squeezed."""
        return squeeze(self.labels[-1].text) if self.labels else ""

    @property
    def label_text(self) -> str:
        return " / ".join(c.text for c in self.labels)

    @property
    def has_numbers(self) -> bool:
        return any(p.state in ("number", "dash") for p in self.parsed)


def split_row(cells: list[Cell], expected: int | None = None) -> Row:
    """Labels are the text cells before the first number; values follow the last label."""
    states = [parse(c.text) for c in cells]
    first_number = next((i for i, p in enumerate(states) if p.state == "number"), len(cells))
    last_label = max((i for i in range(first_number) if states[i].state == "text"), default=-1)
    labels: list[Cell] = []
    for c in cells[: last_label + 1]:
        if not c.text or (c.spanned and labels and labels[-1].text == c.text):
            continue
        labels.append(c)
    pairs = [(c, p) for c, p in zip(cells[last_label + 1:], states[last_label + 1:], strict=True) if not c.spanned]
    if expected is not None:
        while len(pairs) > expected and pairs[-1][1].state == "blank":
            pairs.pop()
    return Row(labels, [c for c, _ in pairs], [p for _, p in pairs])


def label_numbering(cell: Cell) -> tuple[str | None, int | None, str]:
    return numbering(squeeze(cell.text))
