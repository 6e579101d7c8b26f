"""Render a SyntheticReport as a Word (.docx) report with real merged cells, and convert it to PDF with LibreOffice
(pipeline.libreoffice)."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline.libreoffice import LibreOfficeError, convert_bytes

from .grid import CellQuirks, Grid, report_grids
from .values import SyntheticReport

FONT = "Noto Sans CJK SC"
SPLIT_BEFORE = "unavailable_not_held"  # table 三's second Word table starts at （四）无法提供 1.
FILLER = (
    "本年度，本机关坚持以公开为常态、不公开为例外，围绕重点领域信息公开、政策解读和回应关切，"
    "持续完善政府信息公开制度，规范依申请公开办理流程，强化政府网站和政务新媒体的日常监管。"
)
_SECTION_TABLES = {2: "proactive", 3: "requests", 4: "reviews"}
# column widths in cm (16 cm text width) as offices lay the tables out; equal_columns=True uses equal widths
_WIDTHS = {"proactive": (4.6, 3.8, 3.8, 3.8), "requests": (1.3, 2.0, 3.6, *[1.3] * 7),
           "reviews": (1.07,) * 15}


SofficeError = LibreOfficeError  # a renderer (LibreOffice, chromium) is missing or failed


def _style_document(doc, font_pt: float) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(font_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)


def _paragraph(doc, text: str, *, size: float | None = None, center: bool = False):
    """A paragraph in the Normal style (one font: bold faces would double the embedded fonts in the PDF)."""
    p = doc.add_paragraph()
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _fill(cell, text: str) -> None:
    cell.text = text
    for p in cell.paragraphs:
        p.paragraph_format.space_after = Pt(0)


def _grid_table(doc, rows: list[list], width: int, *, ruled: bool, header_rows: int = 0,
                widths: tuple[float, ...] | None = None):
    """A Word table from grid cells (GCell rows, positions relative to rows[0]); spans become real merges."""
    base = rows[0][0].row if rows and rows[0] else 0
    table = doc.add_table(rows=len(rows), cols=width)
    if ruled:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        table.autofit = False
        for column, w in zip(table.columns, widths, strict=True):
            column.width = Cm(w)
            for cell in column.cells:
                cell.width = Cm(w)
    for row in rows:
        for c in row:
            r = c.row - base
            cell = table.cell(r, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(r + c.rowspan - 1, c.col + c.colspan - 1))
            _fill(cell, c.text)
    for tr in table.rows[:header_rows]:
        tr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def _proactive(doc, grid: Grid, *, ruled: bool, per_clause: bool, widths: tuple[float, ...] | None) -> None:
    """Table 二 as one table, or one small table per clause with the clause line as a paragraph before it."""
    if not per_clause:
        _grid_table(doc, grid.rows, grid.width, ruled=ruled, widths=widths)
        return
    chunks: list[list[list]] = []
    for row in grid.rows:
        if row[0].kind == "clause":
            chunks.append([row])
        else:
            chunks[-1].append(row)
    for chunk in chunks:
        _paragraph(doc, chunk[0][0].text)
        _grid_table(doc, chunk[1:], grid.width, ruled=ruled, widths=widths)


def render_docx(report: SyntheticReport, quirks: CellQuirks | None = None, *, split_table3: bool = False,
                one_table_per_clause: bool = False, repeat_header: bool = False, ruled: bool = True,
                equal_columns: bool = False, font_pt: float = 11, filler_before_table3: int = 0,
                table_images: bool = False) -> bytes:
    """The report as a .docx: title, 统计时限 sentence, sections 一–六 with prose and tables 二/三/四.

    split_table3: table 三 as two Word tables (second from （四）1., group labels repeated); one_table_per_clause:
    table 二 as one table per 第二十条第（N）项 paragraph; repeat_header: table 三's 3 header rows marked to
    repeat on each page; ruled=False: tables without borders; equal_columns: Word's default equal column widths
    (narrow label columns, text wrapped one or two characters a line); filler_before_table3 prose paragraphs (and font_pt)
    move table 三 down the page so that a page break lands inside it in the PDF; table_images: each table as a
    picture (render_scan.render_table_images) instead of a Word table.
    """
    q = quirks or CellQuirks()
    grids = report_grids(report, q, SPLIT_BEFORE if split_table3 else None)
    doc = Document()
    _style_document(doc, font_pt)
    doc.core_properties.title = report.title
    _paragraph(doc, report.title, size=font_pt + 7, center=True)
    _paragraph(doc, report.intro)
    for s in report.sections:
        _paragraph(doc, s.title)
        for line in s.text.split("\n"):
            if line:
                _paragraph(doc, line)
        if s.number == 2:
            for _ in range(filler_before_table3):
                _paragraph(doc, FILLER)
        name = _SECTION_TABLES.get(s.number)
        if table_images and name:  # the table pasted as a picture (a screenshot of the statistics)
            from .render_scan import render_table_images

            pictures = dict(zip(("proactive", "requests", "reviews"), render_table_images(report, cell_quirks=q),
                                strict=True))
            from PIL import Image

            with Image.open(io.BytesIO(pictures[name])) as im:
                tall = im.height / im.width * 16 > 23.5  # keep a tall table on one page: scale to its height
            doc.add_picture(io.BytesIO(pictures[name]), **({"height": Cm(23.5)} if tall else {"width": Cm(16)}))
            continue
        for g in (g for g in grids if g.name == name):
            widths = None if equal_columns else _WIDTHS[g.name]
            if name == "proactive":
                _proactive(doc, g, ruled=ruled, per_clause=one_table_per_clause, widths=widths)
            else:
                header = 3 if name == "requests" and repeat_header and g is grids[1] else 0
                _grid_table(doc, g.rows, g.width, ruled=ruled, header_rows=header, widths=widths)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_to_pdf(docx: bytes, timeout_s: float = 120) -> bytes:
    """PDF bytes of a .docx, exported by LibreOffice."""
    return convert_bytes([docx], ".docx", "pdf", timeout_s)[0]


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:(\d{14})")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
FIXED_ZIP_TIME = (2025, 3, 1, 9, 0, 0)


def stable_docx(data: bytes) -> bytes:
    """The same .docx with fixed timestamps in the zip entries, so equal content gives equal bytes (sha256)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def stable_pdf(data: bytes, key: bytes) -> bytes:
    """LibreOffice's PDF with its creation date, file ID and checksum replaced by values of the same length derived from
    `key` (the source), so a rerun serves the same bytes and the cache is not refilled with copies."""
    digest = hashlib.sha256(key).hexdigest().upper().encode()

    def date(m: re.Match[bytes]) -> bytes:
        return m.group(0)[: -14] + b"20250301090000"

    def ids(m: re.Match[bytes]) -> bytes:
        out = m.group(0)
        for part in (m.group(1), m.group(2)):
            out = out.replace(part, (digest * 4)[: len(part)], 1)
        return out

    def checksum(m: re.Match[bytes]) -> bytes:
        return m.group(0)[: -len(m.group(1))] + (digest * 2)[: len(m.group(1))]

    return _PDF_CHECKSUM.sub(checksum, _PDF_ID.sub(ids, _PDF_DATE.sub(date, data)))


def docx_to_pdfs(docs: list[bytes], timeout_s: float = 240) -> list[bytes]:
    """Export many .docx to PDF with one LibreOffice process, with stable bytes (stable_pdf)."""
    return [stable_pdf(pdf, docx) for pdf, docx in zip(convert_bytes(docs, ".docx", "pdf", timeout_s), docs,
                                                        strict=True)]


def _render_stable(job: tuple[SyntheticReport, dict[str, Any]]) -> bytes:
    return stable_docx(render_docx(job[0], **job[1]))


def render_many(jobs: list[tuple[SyntheticReport, dict[str, Any]]]) -> list[bytes]:
    """Word files (stable bytes) of (report, render_docx options) jobs, on every CPU (python-docx takes about a
    second per report)."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        return [_render_stable(j) for j in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_render_stable, jobs))


def _render_word(report: SyntheticReport, rng: random.Random) -> bytes:
    from .quirks import docx_options

    return stable_docx(render_docx(report, **docx_options(rng)))


RENDERS = {"docx": _render_word}  # pipeline.synth.formats: the formats this module writes


__all__ = ["SofficeError", "docx_to_pdf", "docx_to_pdfs", "render_docx", "render_many", "stable_docx", "stable_pdf"]
