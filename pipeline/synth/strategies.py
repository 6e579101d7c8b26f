"""Hypothesis strategies for synthetic reports and quirks (imports hypothesis: tests only)."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from .render_html import HtmlQuirks
from .render_text import LAYOUTS, TextQuirks
from .values import SyntheticReport, generate

_chance = st.sampled_from((0.0, 0.0, 0.3, 1.0))


@st.composite
def reports(draw: st.DrawFn, consistent: bool | None = True) -> SyntheticReport:
    """A generated report (any template, activity, single （六） row, blank 总计 column, units)."""
    year = draw(st.integers(2019, 2024))
    dept = draw(st.booleans())
    return generate(
        random.Random(draw(st.integers(0, 2**32 - 1))), year=year,
        agency="伊春市金林区财政局" if dept else "伊春市金林区人民政府", region="金林区",
        consistent=draw(st.booleans()) if consistent is None else consistent,
        single_other=draw(st.booleans()) if year >= 2021 else False,
        total_published=draw(st.sampled_from((True, True, True, False))),
        unit_prob=draw(_chance),
        activity=draw(st.sampled_from((None, "none", "small", "medium", "large"))),
    )


def _cell_kwargs(draw: st.DrawFn) -> dict:
    return dict(units=draw(st.booleans()), blank_zero=draw(_chance), dash_zero=draw(_chance),
                fullwidth_digits=draw(_chance), label_typos=draw(_chance),
                brackets=draw(st.sampled_from(("full", "half", "mixed"))), clause_spaces=draw(st.booleans()),
                truncate_headers=draw(st.booleans()), seed=draw(st.integers(0, 1000)))


@st.composite
def text_quirks(draw: st.DrawFn) -> TextQuirks:
    """Any combination of text quirks that real text shows.

    Labels shifted by empty cells come from pipe exports of spanned grids; text copied out of a web table one
    cell per line has one line per printed cell, so `lines` is never combined with shifted labels.
    """
    layout = draw(st.sampled_from(LAYOUTS))
    return TextQuirks(layout=layout, trailing_empty=draw(st.booleans()),
                      shift_labels=layout != "lines" and draw(st.booleans()), **_cell_kwargs(draw))


@st.composite
def html_quirks(draw: st.DrawFn) -> HtmlQuirks:
    """Any combination of HTML quirks."""
    return HtmlQuirks(meta_tags=draw(st.booleans()), declare_charset=draw(st.booleans()),
                      word_styles=draw(st.booleans()), split_cell_text=draw(_chance), nbsp_padding=draw(_chance),
                      split_table3=draw(st.booleans()), split_inline=draw(st.booleans()),
                      split_before=draw(st.sampled_from(("unavailable_not_held", "denied_third_party", "other_misc"))),
                      misaligned_colspan=draw(st.booleans()), chrome_links=draw(st.integers(0, 60)),
                      **_cell_kwargs(draw))
