"""Word reader: .docx through python-docx (merged cells expanded), .doc/.wps converted by LibreOffice first."""

from __future__ import annotations

import heapq
import io
import zipfile

import docx
from docx.oxml.ns import qn

from pipeline import libreoffice
from pipeline.document import Block, Cell, Document, Paragraph, ReaderError, Table
from pipeline.readers.cjk_fold import clean_cell_text, clean_line, is_page_number
from pipeline.readers.guards import check_zip
from pipeline.readers.pdf import find_title
from pipeline.readers.pictures import MAX_PICTURE_BYTES, Found, insert_pictures

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_MEDIA_TYPE = "application/msword"
_MAX_SPAN = 200
MAX_TABLE_CELLS = 100_000  # slots of one expanded table: a report table has a few hundred


def read_docx(data: bytes) -> Document:
    """Read a .docx: paragraphs and tables in document order, gridSpan/vMerge expanded into every slot."""
    if not data:
        raise ReaderError("empty file: the .docx has 0 bytes")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReaderError("not a .docx: the file is not a zip package")
    check_zip(data)  # a zip bomb is refused before python-docx inflates anything
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ReaderError("not a .docx: the zip package has no word/document.xml (a renamed zip of something else)")
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError, lxml errors
        raise ReaderError(f"cannot open the .docx: {type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    images: list[tuple[int, str]] = []
    notes: list[str] = []
    _walk(document.element.body, blocks, notes, [0], images)
    title = find_title([b.text for b in blocks[:12] if isinstance(b, Paragraph)])
    core_title = (document.core_properties.title or "").strip()
    meta = {"docx_title": clean_line(core_title)} if core_title else {}
    doc = Document(blocks=blocks, media_type=DOCX_MEDIA_TYPE, title=title or clean_line(core_title), meta=meta,
                   notes=notes)
    return insert_pictures(doc, _pictures(document, images)) if images else doc


def _pictures(document, images: list[tuple[int, str]]) -> list[Found]:
    """Bytes of the pictures (a:blip r:embed) the body shows, by block position; linked ones are skipped."""
    parts = document.part.related_parts
    found = []
    for pos, rid in images:
        part = parts.get(rid)
        blob = getattr(part, "blob", None)
        if blob and len(blob) <= MAX_PICTURE_BYTES:
            found.append(Found(pos, blob))
    return found


_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _walk(parent, blocks: list[Block], notes: list[str], n_tables: list[int],
          images: list[tuple[int, str]] | None = None) -> None:
    """Body children in order; content controls (w:sdt) are opened; pictures' relationship ids collected.
    n_tables: [tables kept so far]."""
    for el in parent.iterchildren():
        if el.tag == qn("w:p") and images is not None:
            images += [(len(blocks), rid) for blip in el.iter(_BLIP) if (rid := blip.get(_EMBED))]
        if el.tag == qn("w:p"):
            for line in _paragraph_text(el).split("\n"):
                line = clean_line(line)
                if line and not is_page_number(line):
                    blocks.append(Paragraph(line))
        elif el.tag == qn("w:tbl"):
            caption = blocks[-1].text if blocks and isinstance(blocks[-1], Paragraph) else ""
            table = expand_table(el, n_tables[0], notes)
            table.caption = caption
            if table.rows:
                blocks.append(table)
                n_tables[0] += 1
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, blocks, notes, n_tables, images)


def _paragraph_text(p) -> str:
    """Text of a w:p: runs, tabs as spaces, breaks as newlines (deleted text and field codes skipped)."""
    parts: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    lines = [_paragraph_text(p) for p in tc.iter(qn("w:p"))]
    return clean_cell_text("\n".join(lines))


def _int_attr(el, name: str, default: int) -> int:
    if el is None:
        return default
    try:
        return min(max(int(el.get(qn(name))), 1 if default else 0), _MAX_SPAN)
    except (TypeError, ValueError):
        return default


def expand_table(tbl, index: int, notes: list[str] | None = None) -> Table:
    """Grid of a w:tbl with gridSpan copies and vMerge continuations filled in (marked spanned).

    A table that would expand to more than MAX_TABLE_CELLS slots is not read (a note says so): no report table
    is that large, and crafted spans would take minutes and gigabytes."""
    grid: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}  # slot → (text, slot of the merged cell's origin)
    width = 0
    rows = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(rows):
        tr_pr = tr.find(qn("w:trPr"))
        c = _int_attr(tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None, "w:val", 0)
        for tc in tr.findall(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = _int_attr(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, "w:val", 1)
            if len(rows) * max(width, c + span) > MAX_TABLE_CELLS:
                if notes is not None:
                    notes.append(f"Word table {index + 1} is larger than {MAX_TABLE_CELLS:,} cells ({len(rows):,} "
                                 f"rows, at least {max(width, c + span):,} columns): not read")
                return Table(rows=[], index=index)
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            above = grid.get((r - 1, c)) if continues else None
            text, origin = above if above is not None else (_cell_text(tc), (r, c))
            for dc in range(span):
                grid[(r, c + dc)] = (text, origin)
            c += span
        width = max(width, c)
    cols = _kept_columns(grid, len(rows), width)
    seen: set[tuple[int, int]] = set()
    out: list[list[Cell]] = []
    for r in range(len(rows)):
        row: list[Cell] = []
        for c in cols:
            text, origin = grid.get((r, c), ("", (r, c)))
            row.append(Cell(text, r, len(row), None, origin in seen))
            seen.add(origin)
        out.append(row)
    # blank rows are kept after the first row with text (a data row printed all blank: zeros left out)
    filled = [i for i, row in enumerate(out) if any(cell.text for cell in row)]
    keep = out[filled[0] :] if filled else []
    renumbered = [[Cell(c.text, i, c.col, None, c.spanned) for c in row] for i, row in enumerate(keep)]
    return Table(rows=renumbered, index=index)


def _kept_columns(grid: dict, n_rows: int, width: int) -> list[int]:
    """Grid columns left once columns no cell starts or ends in (e.g. a 1-twip grid column) are dropped, one at a
    time, always the rightmost such column first.

    Dropping a column changes only whether its two neighbours are redundant, so the redundant columns are kept
    in a max-heap (stale entries skipped) and only the neighbours are tested again: O(width × rows), where
    testing every column again after each drop took minutes on crafted gridSpans."""
    left = list(range(-1, width - 1))  # neighbours among the kept columns (-1 / width: none)
    right = list(range(1, width + 1))
    alive = [True] * width
    kept = width

    def redundant(col: int) -> bool:
        if n_rows == 0 or kept < 2:
            return False
        lc, rc = left[col], right[col]
        for r in range(n_rows):
            here = grid.get((r, col))
            lft = grid.get((r, lc)) if lc >= 0 else None
            rgt = grid.get((r, rc)) if rc < width else None
            if here is None or not ((lft is not None and lft[1] == here[1]) or (rgt is not None and rgt[1] == here[1])):
                return False
        return True

    heap = [-c for c in range(width) if redundant(c)]
    heapq.heapify(heap)
    while heap:
        col = -heapq.heappop(heap)
        if not alive[col] or not redundant(col):
            continue  # dropped already, or no longer redundant since a neighbour went
        alive[col] = False
        kept -= 1
        lc, rc = left[col], right[col]
        if lc >= 0:
            right[lc] = rc
        if rc < width:
            left[rc] = lc
        for n in (lc, rc):
            if 0 <= n < width and redundant(n):
                heapq.heappush(heap, -n)
    return [c for c in range(width) if alive[c]]


def read_doc(data: bytes, suffix: str = ".doc", *, timeout_s: float = 120.0) -> Document:
    """Read a .doc or .wps by converting it to .docx with LibreOffice (pipeline.libreoffice)."""
    if not data:
        raise ReaderError(f"empty file: the {suffix} has 0 bytes")
    if libreoffice.soffice_path() is None:
        raise ReaderError(f"reading {suffix} needs LibreOffice (soffice) to convert .doc/.wps to .docx; not installed")
    suffix = suffix if suffix.startswith(".") else "." + suffix
    try:
        (docx,) = libreoffice.convert_bytes([data], suffix, "docx:MS Word 2007 XML", timeout_s)
    except libreoffice.LibreOfficeError as exc:
        raise ReaderError(f"reading the {suffix}: {exc}") from exc
    document = read_docx(docx)
    document.media_type = DOC_MEDIA_TYPE
    document.meta["converted_by"] = "libreoffice"
    return document
