"""Hypothesis strategies for synthetic reports and quirks (imports hypothesis: tests only)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

from .render_html import HtmlQuirks
from .render_text import LAYOUTS, TextQuirks
from .values import SyntheticReport, generate
from .web_text import FAMILIES, WebTextLayout

_chance = st.sampled_from((0.0, 0.0, 0.3, 1.0))


@st.composite
def reports(draw: st.DrawFn, consistent: bool | None = True) -> SyntheticReport:
    """A generated report (any template, activity, single （六） row, blank 总计 column, units); a report of 2021 or
    later may still use the 2019 template, or print 第二十条第（一）项 with the 2019 labels."""
    year = draw(st.integers(2019, 2024))
    dept = draw(st.booleans())
    template = "2019" if year < 2021 or draw(st.integers(0, 5)) == 0 else "2021"
    return generate(
        random.Random(draw(st.integers(0, 2**32 - 1))), year=year, template=template,
        legacy=("20.1",) if template == "2021" and draw(st.integers(0, 4)) == 0 else (),
        agency="伊春市金林区财政局" if dept else "伊春市金林区人民政府", region="金林区",
        consistent=draw(st.booleans()) if consistent is None else consistent,
        single_other=draw(st.booleans()) if template == "2021" else False,
        total_published=draw(st.sampled_from((True, True, True, False))),
        unit_prob=draw(_chance),
        activity=draw(st.sampled_from((None, "none", "small", "medium", "large"))),
    )


def _cell_kwargs(draw: st.DrawFn) -> dict:
    return dict(units=draw(st.booleans()), blank_zero=draw(_chance), dash_zero=draw(_chance),
                fullwidth_digits=draw(_chance), label_typos=draw(_chance),
                brackets=draw(st.sampled_from(("full", "half", "mixed"))), clause_spaces=draw(st.booleans()),
                truncate_headers=draw(st.booleans()), plus_sign=draw(_chance), thousands=draw(_chance),
                tall_rows=draw(st.sampled_from((0.0, 0.0, 0.1, 0.5))), seed=draw(st.integers(0, 1000)))


@st.composite
def text_quirks(draw: st.DrawFn) -> TextQuirks:
    """Any combination of text quirks, one cell per line with labels shifted by empty cells included."""
    layout = draw(st.sampled_from(LAYOUTS))
    return TextQuirks(layout=layout, trailing_empty=draw(st.booleans()), shift_labels=draw(st.booleans()),
                      **_cell_kwargs(draw))


@st.composite
def html_quirks(draw: st.DrawFn) -> HtmlQuirks:
    """Any combination of HTML quirks."""
    return HtmlQuirks(meta_tags=draw(st.booleans()), declare_charset=draw(st.booleans()),
                      word_styles=draw(st.booleans()), split_cell_text=draw(_chance), nbsp_padding=draw(_chance),
                      split_table3=draw(st.booleans()), split_inline=draw(st.booleans()),
                      split_before=draw(st.sampled_from(("unavailable_not_held", "denied_third_party", "other_misc"))),
                      misaligned_colspan=draw(st.booleans()), chrome_links=draw(st.integers(0, 60)),
                      wide_clause=draw(st.booleans()), traditional=draw(st.integers(0, 3)) == 0,
                      **_cell_kwargs(draw))


@st.composite
def web_text_layouts(draw: st.DrawFn) -> WebTextLayout:
    """Any way a web-to-text tool writes tables: every family, with or without row markers, padding (also on
    the last row), indentation and lines of spaces, combined freely."""
    family = draw(st.sampled_from(FAMILIES))
    own = family in ("lines", "padded", "paragraphs")
    return WebTextLayout(family=family, marker=draw(st.booleans()), pad=draw(st.sampled_from((True, True, False))),
                         pad_last_row=draw(st.booleans()), indent=draw(st.sampled_from((0, 4, 7))) if own else 0,
                         gap_lines=own and draw(st.booleans()), title=draw(st.booleans()))


@dataclass(frozen=True)
class WebTextCase:
    """A report page (report + HTML quirks) converted to text with `layouts` (one per table, in turn), saved
    in `encoding`."""

    report: SyntheticReport
    quirks: HtmlQuirks
    layouts: tuple[WebTextLayout, ...]
    encoding: str = "utf-8"

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


TEXT_ENCODINGS = ("utf-8", "gbk", "gb18030")
BIG5_ENCODINGS = ("big5", "cp950", "big5hkscs")


@st.composite
def web_text_cases(draw: st.DrawFn) -> WebTextCase:
    """Any report page with any HTML quirks converted to text in any layout, or a mix of layouts per table, saved
    in any encoding its characters fit (traditional characters: Big5 and its variants too)."""
    quirks = draw(html_quirks())
    layouts = tuple(draw(st.lists(web_text_layouts(), min_size=1, max_size=3)))
    encodings = TEXT_ENCODINGS + BIG5_ENCODINGS if quirks.traditional else TEXT_ENCODINGS
    return WebTextCase(draw(reports(consistent=None)), quirks, layouts, draw(st.sampled_from(encodings)))
