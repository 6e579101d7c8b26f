"""Quirks drawn at random for a generated corpus (the demo's sites): each report gets its own mix.

The property tests draw every combination instead, through the hypothesis strategies in tests/strategies.py;
these draws keep to a plausible mix, for a demo corpus that reads like real sites.
"""

from __future__ import annotations

import random
from typing import Any

from .grid import CellQuirks
from .render_html import HtmlQuirks
from .render_text import TextQuirks


def cell_quirks(rng: random.Random) -> dict[str, Any]:
    """Keyword arguments of CellQuirks: units, blanks and dashes for zero, full-width digits, label typos,
    bracket styles, spaces in clause labels, cut headers."""
    return dict(units=rng.random() < 0.3, blank_zero=rng.choice((0.0, 0.0, 0.5)),
                dash_zero=rng.choice((0.0, 0.0, 0.3)), fullwidth_digits=rng.choice((0.0, 0.0, 0.1)),
                label_typos=rng.choice((0.0, 0.1)), brackets=rng.choice(("full", "half", "mixed")),
                clause_spaces=rng.random() < 0.2, truncate_headers=rng.random() < 0.2, seed=rng.randrange(1000))


def html_quirks(rng: random.Random) -> HtmlQuirks:
    """A government page's quirks: table 三 split in two, misaligned colspans, no declared charset."""
    return HtmlQuirks(split_table3=rng.random() < 0.3, misaligned_colspan=rng.random() < 0.3,
                      declare_charset=rng.random() < 0.8, **cell_quirks(rng))


def text_quirks(rng: random.Random) -> TextQuirks:
    """A text copy's layout (pipes, Markdown, one cell per line) and trailing empty cells."""
    return TextQuirks(layout=rng.choice(("pipe", "pipe", "markdown", "lines")), trailing_empty=rng.random() < 0.5,
                      **cell_quirks(rng))


def docx_options(rng: random.Random) -> dict[str, Any]:
    """Keyword arguments of render_docx (and render_pdf): cell quirks, table 三 split, one table per clause,
    repeated header rows, prose that moves table 三 down the pages."""
    return dict(quirks=CellQuirks(**cell_quirks(rng)), split_table3=rng.random() < 0.3,
                one_table_per_clause=rng.random() < 0.3, repeat_header=rng.random() < 0.5,
                filler_before_table3=rng.choice((0, 3, 6)))


__all__ = ["cell_quirks", "docx_options", "html_quirks", "text_quirks"]
