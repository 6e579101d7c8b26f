"""Hypothesis strategies for synthetic reports and quirks (pipeline.synth): here under tests/, so that the
installed package never imports hypothesis (a dev-only dependency)."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from hypothesis import strategies as st

from pipeline.synth.render_html import HtmlQuirks
from pipeline.synth.render_text import LAYOUTS, TextQuirks
from pipeline.synth.values import SyntheticReport, generate
from pipeline.synth.web_text import FAMILIES, WebTextLayout

_chance = st.sampled_from((0.0, 0.0, 0.3, 1.0))


@st.composite
def reports(draw: st.DrawFn, consistent: bool | None = True, template: str | None = None, legacy: bool | None = None,
            single_other: bool | None = None, total_published: bool | None = None) -> SyntheticReport:
    """A generated report (any template, activity, single （六） row, blank 总计 column, units); a report of 2021 or
    later may still use the 2019 template, or print 第二十条第（一）项 with the 2019 labels. The keyword arguments
    force one of these choices (legacy labels and the single （六） row are 2021-template quirks)."""
    if legacy or single_other:
        template = "2021"
    year = draw(st.integers(2021 if template == "2021" else 2019, 2024))
    dept = draw(st.booleans())
    if template is None:
        template = "2019" if year < 2021 or draw(st.integers(0, 5)) == 0 else "2021"
    if legacy is None:
        legacy = template == "2021" and draw(st.integers(0, 4)) == 0
    return generate(
        random.Random(draw(st.integers(0, 2**32 - 1))), year=year, template=template,
        legacy=("20.1",) if legacy else (),
        agency="伊春市金林区财政局" if dept else "伊春市金林区人民政府", region="金林区",
        consistent=draw(st.booleans()) if consistent is None else consistent,
        single_other=(draw(st.booleans()) if single_other is None else single_other) if template == "2021" else False,
        total_published=draw(st.sampled_from((True, True, True, False))) if total_published is None
        else total_published,
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
    """Any way a web-to-text tool writes tables: every family, with or without row markers (opening or closing
    rows, or both), padding (also on the last row), indentation and lines of spaces, combined freely."""
    family = draw(st.sampled_from(FAMILIES))
    own = family in ("lines", "padded", "paragraphs")
    return WebTextLayout(family=family, marker=draw(st.booleans()), pad=draw(st.sampled_from((True, True, False))),
                         pad_last_row=draw(st.booleans()), indent=draw(st.sampled_from((0, 4, 7))) if own else 0,
                         gap_lines=own and draw(st.booleans()), title=draw(st.booleans()),
                         closer=draw(st.booleans()), close_last=draw(st.booleans()))


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

# ---- what a web-text case combines, as tags: the sweep's coverage matrix and the forced cases ----------------
LAYOUT_TAGS = ("marker", "closer", "pad", "pad_last_row", "gap_lines", "indent", "title", "unmarked")  # one table's layout
PAGE_TAGS = ("traditional", "word_styles", "split_table3", "split_inline", "misaligned_colspan", "wide_clause",
             "truncate_headers", "units", "clause_spaces")  # HtmlQuirks flags
CHANCE_TAGS = ("tall_rows", "blank_zero", "dash_zero", "thousands", "plus_sign", "fullwidth_digits", "label_typos",
               "split_cell_text", "nbsp_padding")  # HtmlQuirks chances, on when above 0
REPORT_TAGS = ("template=2019", "template=2021", "legacy_20.1", "single_other", "total_blank")
ENCODING_TAGS = ("enc=utf-8", "enc=gb", "enc=big5")  # the codecs of each family are drawn alike
TAGS = (*LAYOUT_TAGS, *PAGE_TAGS, *CHANCE_TAGS, *REPORT_TAGS, *ENCODING_TAGS)
WEB_LAYOUTS = (*FAMILIES, "mixed")  # a layout family, or tables of one document in different layouts
_OWN_LINES = ("lines", "paragraphs", "padded")  # families that put cells on lines of their own
# inline cells are neither indented nor separated by lines of spaces, and a row per line always marks rows
IMPOSSIBLE = frozenset((f, t) for f in ("inline", "markdown") for t in ("gap_lines", "indent", "unmarked"))


def combinations() -> list[tuple[str, str]]:
    """Every possible (layout, tag) combination."""
    return [(lay, t) for lay in WEB_LAYOUTS for t in TAGS if (lay, t) not in IMPOSSIBLE]


def _encoding_tag(codec: str) -> str:
    return "enc=utf-8" if codec == "utf-8" else "enc=big5" if codec in BIG5_ENCODINGS else "enc=gb"


def layout_tags(q: WebTextLayout) -> set[str]:
    """The options of one table's layout that are on (LAYOUT_TAGS)."""
    tags = {name for name in ("marker", "closer", "pad", "pad_last_row", "gap_lines", "title") if getattr(q, name)}
    if q.indent:
        tags.add("indent")
    if not q.marks_rows:
        tags.add("unmarked")
    return tags


def case_tags(case: WebTextCase) -> set[str]:
    """The layouts (`family=…`, `mixed`) and every tag (TAGS) that is on in a case."""
    tags = {f"family={q.family}" for q in case.layouts}
    for q in case.layouts:
        tags |= layout_tags(q)
    if len(set(case.layouts)) > 1:
        tags.add("mixed")
    tags |= {name for name in (*PAGE_TAGS, *CHANCE_TAGS) if getattr(case.quirks, name)}
    r = case.report
    tags |= {f"template={r.template}", _encoding_tag(case.encoding)}
    if r.legacy:
        tags.add("legacy_20.1")
    if r.single_other:
        tags.add("single_other")
    if any(v is None for v in r.requests.values()):
        tags.add("total_blank")
    return tags


def case_combinations(case: WebTextCase) -> set[tuple[str, str]]:
    """The (layout, tag) combinations a case exercises: each table's family with its own layout options and with
    the document's tags; `mixed` (layouts differing per table) with every tag of the case."""
    tags = case_tags(case)
    doc = {t for t in tags if t in TAGS and t not in LAYOUT_TAGS}
    out = {(q.family, t) for q in case.layouts for t in doc | layout_tags(q)}
    if "mixed" in tags:
        out |= {("mixed", t) for t in tags if t in TAGS}
    return out


def _with_family(q: WebTextLayout, family: str) -> WebTextLayout:
    own = family in _OWN_LINES
    return dataclasses.replace(q, family=family, indent=q.indent if own else 0, gap_lines=q.gap_lines and own)


def _force_layout(draw: st.DrawFn, q: WebTextLayout, tag: str) -> WebTextLayout:
    if tag in ("gap_lines", "indent", "unmarked") and q.family not in _OWN_LINES:
        q = _with_family(q, draw(st.sampled_from(_OWN_LINES)))
    changes: dict = {
        "marker": {"marker": True}, "pad": {"pad": True}, "pad_last_row": {"pad": True, "pad_last_row": True},
        "gap_lines": {"gap_lines": True}, "indent": {"indent": draw(st.sampled_from((4, 7)))}, "title": {"title": True},
        "unmarked": {"marker": False, "pad": False, "closer": False}, "closer": {"closer": True},
    }[tag]
    return dataclasses.replace(q, **changes)


@st.composite
def web_text_cases(draw: st.DrawFn, layout: str | None = None, tag: str | None = None) -> WebTextCase:
    """Any report page with any HTML quirks converted to text in any layout, or a mix of layouts per table, saved
    in any encoding its characters fit (traditional characters: Big5 and its variants too). `layout` (a family
    or "mixed") and `tag` (one of TAGS) force one combination on; everything else is drawn as usual."""
    if tag is not None and tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}")
    if (layout, tag) in IMPOSSIBLE:
        raise ValueError(f"{layout} tables cannot have {tag}")
    quirks = draw(html_quirks())
    if tag in PAGE_TAGS:
        quirks = dataclasses.replace(quirks, **{tag: True}, **({"split_table3": True} if tag == "split_inline" else {}))
    elif tag in CHANCE_TAGS:
        quirks = dataclasses.replace(quirks, **{tag: draw(st.sampled_from((0.1, 0.5, 1.0)))})
    elif tag == "enc=big5":
        quirks = dataclasses.replace(quirks, traditional=True)
    layouts = draw(st.lists(web_text_layouts(), min_size=2 if layout == "mixed" else 1, max_size=3))
    if layout in FAMILIES:
        layouts[0] = _with_family(layouts[0], layout)
    elif layout == "mixed" and len(set(layouts)) == 1:
        layouts[1] = dataclasses.replace(layouts[1], title=not layouts[1].title, marker=not layouts[1].marker)
        layouts[1] = _with_family(layouts[1], draw(st.sampled_from([f for f in FAMILIES if f != layouts[0].family])))
    if tag in LAYOUT_TAGS:
        layouts[0] = _force_layout(draw, layouts[0], tag)
        if layout == "mixed" and len(set(layouts)) == 1:
            layouts[1] = _with_family(layouts[1], draw(st.sampled_from([f for f in FAMILIES if f != layouts[0].family])))
    report = draw(reports(consistent=None, template=tag[9:] if tag and tag.startswith("template=") else None,
                          legacy=True if tag == "legacy_20.1" else None,
                          single_other=True if tag == "single_other" else None,
                          total_published=False if tag == "total_blank" else None))
    encodings = {"enc=utf-8": ("utf-8",), "enc=gb": TEXT_ENCODINGS[1:], "enc=big5": BIG5_ENCODINGS}.get(
        tag or "", TEXT_ENCODINGS + BIG5_ENCODINGS if quirks.traditional else TEXT_ENCODINGS)
    return WebTextCase(report, quirks, tuple(layouts), draw(st.sampled_from(encodings)))
