"""Render a SyntheticReport as a PDF with reportlab: no LibreOffice, no font file.

The layout follows render_docx (the same options): title, prose sections and tables 二/三/四 as ruled tables
with real merged cells (the rowspan label columns of table 三, the colspan headers of table 四), page breaks
inside tables with the split rows' labels where a table engine leaves them, table 三's header rows repeated on
every page it spans (repeat_header), split or per-clause tables. The CJK text is set in reportlab's built-in
CID font STSong-Light (Adobe-GB1, not embedded: every PDF reader maps it), wrapped in the cell widths the way
Word wraps it. Another PDF producer family for the round-trip tests, and the demo's PDFs on any machine.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .grid import CellQuirks, GCell, Grid, report_grids
from .render_docx import _SECTION_TABLES, _WIDTHS, FILLER, SPLIT_BEFORE
from .values import SyntheticReport

FONT = "STSong-Light"
TEXT_WIDTH_CM = 16.0


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles(font_pt: float) -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=font_pt, leading=font_pt * 1.5, wordWrap="CJK",
                          firstLineIndent=2 * font_pt, spaceAfter=font_pt * 0.3)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=font_pt + 7, leading=(font_pt + 7) * 1.4,
                                alignment=TA_CENTER, firstLineIndent=0, spaceAfter=font_pt),
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, firstLineIndent=0),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=font_pt * 0.9, leading=font_pt * 1.15,
                               wordWrap="CJK", alignment=TA_CENTER),
    }


def _table(rows: list[list[GCell]], width: int, *, ruled: bool, header_rows: int, widths: tuple[float, ...] | None,
           cell_style: ParagraphStyle) -> Table:
    """A reportlab Table from grid cells (positions relative to rows[0]).

    A merged cell is drawn, as Word draws it, as one box: rules around it and none inside. Its text sits in its
    first row (reportlab's SPAN joins the columns of that row), so the table splits between any two rows at a
    page break, inside a rowspan label column too; the box is closed at the foot of the page and opened again
    on the next, where the label is not repeated.
    """
    base = rows[0][0].row if rows and rows[0] else 0
    data: list[list[object]] = [[""] * width for _ in rows]
    style: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                          ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    line = (0.5, colors.black)
    for row in rows:
        for c in row:
            r0, r1, c0, c1 = c.row - base, c.row - base + c.rowspan - 1, c.col, c.col + c.colspan - 1
            data[r0][c0] = Paragraph(escape(c.text), cell_style) if c.text else ""
            if c1 > c0:
                style.append(("SPAN", (c0, r0), (c1, r0)))
            if c.rowspan > 1:
                style.append(("VALIGN", (c0, r0), (c1, r0), "TOP"))
            if ruled:
                style += [("LINEABOVE", (c0, r0), (c1, r0), *line), ("LINEBELOW", (c0, r1), (c1, r1), *line),
                          ("LINEBEFORE", (c0, r0), (c0, r1), *line), ("LINEAFTER", (c1, r0), (c1, r1), *line)]
    if ruled:  # a page break closes the boxes it cuts and opens them again on the next page
        style += [("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), *line),
                  ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), *line)]
    col_widths = [w * cm for w in widths] if widths else [TEXT_WIDTH_CM * cm / width] * width
    return Table(data, colWidths=col_widths, style=TableStyle(style), repeatRows=header_rows, splitByRow=1)


def render_pdf(report: SyntheticReport, quirks: CellQuirks | None = None, *, split_table3: bool = False,
               one_table_per_clause: bool = False, repeat_header: bool = False, ruled: bool = True,
               equal_columns: bool = False, font_pt: float = 11, filler_before_table3: int = 0) -> bytes:
    """The report as a PDF (A4, 2.5 cm margins); the options are render_docx's: split_table3 (table 三 as two
    tables from （四）1.), one_table_per_clause (table 二 per 第二十条第（N）项), repeat_header (table 三's three
    header rows on every page it spans), ruled=False (no rules), equal_columns (narrow label columns, wrapped
    labels), font_pt and filler_before_table3 (prose that moves table 三 so a page break lands inside it)."""
    q = quirks or CellQuirks()
    grids = report_grids(report, q, SPLIT_BEFORE if split_table3 else None)
    st = _styles(font_pt)
    story: list[object] = [Paragraph(escape(report.title), st["title"]), Paragraph(escape(report.intro), st["body"])]
    for s in report.sections:
        story.append(Paragraph(escape(s.title), st["heading"]))
        story += [Paragraph(escape(line), st["body"]) for line in s.text.split("\n") if line]
        if s.number == 2:
            story += [Paragraph(FILLER, st["body"]) for _ in range(filler_before_table3)]
        name = _SECTION_TABLES.get(s.number)
        for g in (g for g in grids if g.name == name):
            widths = None if equal_columns else _WIDTHS[g.name]
            if name == "proactive":
                story += _proactive(g, ruled=ruled, per_clause=one_table_per_clause, widths=widths, st=st)
            else:
                header = 3 if name == "requests" and repeat_header and g is grids[1] else 0
                story.append(_table(g.rows, g.width, ruled=ruled, header_rows=header, widths=widths,
                                    cell_style=st["cell"]))
            story.append(Spacer(1, font_pt * 0.5))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.5 * cm,
                            bottomMargin=2.5 * cm, title=report.title, author=report.office or report.agency,
                            creator="ogi-reports synth (reportlab)", invariant=1)
    doc.build(story)
    return buf.getvalue()


def _proactive(grid: Grid, *, ruled: bool, per_clause: bool, widths: tuple[float, ...] | None,
               st: dict[str, ParagraphStyle]) -> list[object]:
    """Table 二 as one table, or one small table per clause with the clause line as a paragraph before it."""
    if not per_clause:
        return [_table(grid.rows, grid.width, ruled=ruled, header_rows=0, widths=widths, cell_style=st["cell"])]
    chunks: list[list[list[GCell]]] = []
    for row in grid.rows:
        if row[0].kind == "clause":
            chunks.append([row])
        else:
            chunks[-1].append(row)
    out: list[object] = []
    for chunk in chunks:
        out.append(Paragraph(escape(chunk[0][0].text), st["heading"]))
        out.append(_table(chunk[1:], grid.width, ruled=ruled, header_rows=0, widths=widths, cell_style=st["cell"]))
    return out


__all__ = ["render_pdf"]
