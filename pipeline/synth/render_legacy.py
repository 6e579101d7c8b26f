"""Render synthetic pre-2019 reports (pipeline.synth.legacy) as government web pages, text copies and Word files.

Text layouts: "pipe" (cells between |), "spaced" (one row a line, cells apart by spaces: 主动公开信息数 条 425
1516) and "fused" (a saved text copy of the page: the whole table on one line, cells run together:
主动公开文件数条212210037其中：1、政府网站公开数条2122100372、…). HTML quirks (Word-exported pages): the year
header split across spans ("201" + "5年度") or paragraphs ("2015" / "年度"), zero-width and ideographic spaces in
labels, leaked <!--[if …]--> comments, and a page without any known CMS content container.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from html import escape

from .legacy import LegacyReport
from .render_docx import _style_document
from .render_html import HtmlQuirks, _crumbs, _meta, _page, default_site, doc_url

TEXT_LAYOUTS = ("pipe", "spaced", "fused")
_SPAN = '<span style="mso-spacerun:\'yes\';font-family:仿宋_GB2312;font-size:16.0000pt;">{}</span>'
_P = '<p class="MsoNormal" style="text-indent:32.0000pt;line-height:28.0000pt;">{}</p>'
_CELL_P = '<p class="MsoNormal" align="center" style="text-align:center;">{}</p>'


@dataclass(frozen=True)
class LegacyHtmlQuirks:
    split_year: str = "spans"  # "none" | "spans" ("201" + "5年度") | "paragraphs" ("2015" / "年度")
    odd_spaces: float = 0.3  # chance a label gets a U+200B or U+3000 inside
    leaked_comments: bool = True  # <!--[if !supportLists]--> … <!--[endif]--> around ordinals
    cms_container: bool = False  # the article in a known CMS container (id="zoom"); else a plain div
    seed: int = 0


def _cells(r: LegacyReport) -> list[list[str]]:
    """The table as printed rows: header, then label | unit | [code] | values."""
    rows = [list(r.header)]
    code = r.family == "SH-2007"
    for row, values in r.rows:
        rows.append([row.label, row.unit, *([row.code] if code else []), *values])
    return rows


def _spans(text: str, rng: random.Random, q: LegacyHtmlQuirks) -> str:
    """Prose as Word spans: a paragraph cut into two or three runs."""
    if len(text) < 8:
        return _SPAN.format(escape(text))
    cuts = sorted(rng.sample(range(1, len(text)), 2))
    return "".join(_SPAN.format(escape(text[a:b])) for a, b in zip([0, *cuts], [*cuts, None], strict=True))


def _label(text: str, rng: random.Random, q: LegacyHtmlQuirks) -> str:
    if len(text) > 4 and rng.random() < q.odd_spaces:
        i = rng.randint(1, len(text) - 1)
        text = text[:i] + rng.choice(("\u200b", "\u3000")) + text[i:]
    out = escape(text)
    if q.leaked_comments and text[:1].isdigit() and rng.random() < 0.5:
        out = "<!--[if !supportLists]-->" + out[:2] + "<!--[endif]-->" + out[2:]
    return out


def _header_cell(text: str, q: LegacyHtmlQuirks) -> str:
    if text[:4].isdigit() and text.endswith(("年度", "年")):
        if q.split_year == "spans":
            return _CELL_P.format(_SPAN.format(escape(text[:3])) + _SPAN.format(escape(text[3:])))
        if q.split_year == "paragraphs":
            return _CELL_P.format(escape(text[:4])) + _CELL_P.format(escape(text[4:]))
    return _CELL_P.format(_SPAN.format(escape(text)))


def legacy_table_html(r: LegacyReport, q: LegacyHtmlQuirks, rng: random.Random) -> str:
    rows = _cells(r)
    out = ['<table class="MsoNormalTable" border="1" cellspacing="0" style="border-collapse:collapse;">']
    for i, row in enumerate(rows):
        tds = []
        for j, text in enumerate(row):
            inner = _header_cell(text, q) if i == 0 else _CELL_P.format(
                _SPAN.format(_label(text, rng, q) if j == 0 else escape(text)))
            tds.append(f'<td valign="center" style="border:1.0000pt solid windowtext;">{inner}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "".join(out)


def render_legacy_html(r: LegacyReport, quirks: LegacyHtmlQuirks | None = None, encoding: str = "utf-8") -> bytes:
    """The report as its portal served it: chrome, <meta> tags, Word-exported prose and the statistics table."""
    q = quirks or LegacyHtmlQuirks()
    rng = random.Random(f"legacy-html|{q.seed}|{r.agency}|{r.year}")
    parts = [_P.format(_spans(r.title, rng, q)), _P.format(_spans(r.intro, rng, q))]
    for i, text in enumerate(r.paragraphs):
        parts.append(_P.format(_spans(text, rng, q)))
        if i + 1 == r.table_after and r.rows:
            parts.append(legacy_table_html(r, q, rng))
    content = "\n".join(parts)
    if q.cms_container:
        content = f'<div class="article-content TRS_Editor" id="zoom">{content}</div>'
    else:  # the portal's own markup: no container the reader knows
        content = (f'<div class="article_area"><div class="article_content article_content_01">{content}</div>'
                   '<div class="share">扫一扫在手机上查看当前页面</div></div>')
    site = default_site(r.agency, r.city, r.region)
    body = (f'<div class="article"><h1>{escape(r.title)}</h1><div class="info">发布时间：{r.published:%Y-%m-%d}</div>'
            f"{content}</div>")
    return _page(site, HtmlQuirks(chrome_links=20), encoding, rng, title=r.title, body=body, year=r.year + 1,
                 meta=_meta(site, r.title, r.published, r.office, doc_url(r, site)), crumbs=_crumbs(site))


def render_legacy_text(r: LegacyReport, layout: str = "pipe") -> str:
    """A text copy of the report: title, intro, paragraphs and the table in one of TEXT_LAYOUTS."""
    if layout not in TEXT_LAYOUTS:
        raise ValueError(f"layout {layout!r} not one of {TEXT_LAYOUTS}")
    rows = _cells(r)
    if layout == "pipe":
        table = [" | ".join(row) for row in rows]
    elif layout == "spaced":
        table = [" ".join(c for c in row if c) for row in rows]
    else:
        table = ["".join("".join(row) for row in rows)]
    lines = [r.title, r.intro]
    for i, text in enumerate(r.paragraphs):
        lines.append(text)
        if i + 1 == r.table_after and r.rows:
            lines += table
    return "\n".join(lines) + "\n"


def render_legacy_docx(r: LegacyReport) -> bytes:
    """The report as a Word file: paragraphs and the statistics table (a ruled Word table)."""
    from docx import Document

    doc = Document()
    _style_document(doc, 11)  # a CJK font, A4: the PDF export (docx_to_pdf) prints the Chinese text
    doc.core_properties.title = r.title
    doc.add_paragraph(r.title)
    doc.add_paragraph(r.intro)
    for i, text in enumerate(r.paragraphs):
        doc.add_paragraph(text)
        if i + 1 == r.table_after and r.rows:
            rows = _cells(r)
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for tr, row in zip(table.rows, rows, strict=True):
                for cell, text_ in zip(tr.cells, row, strict=True):
                    cell.text = text_
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["TEXT_LAYOUTS", "LegacyHtmlQuirks", "legacy_table_html", "render_legacy_docx", "render_legacy_html",
           "render_legacy_text"]
