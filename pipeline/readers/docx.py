"""Word reader: .docx through python-docx (merged cells expanded), .doc/.wps converted by LibreOffice first."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from pipeline import libreoffice
from pipeline.document import Block, Cell, Document, Paragraph, ReaderError, Table
from pipeline.readers.cjk_fold import clean_cell_text, clean_line, is_page_number
from pipeline.readers.pdf import find_title
from pipeline.readers.pictures import MAX_PICTURE_BYTES, Found, insert_pictures

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_MEDIA_TYPE = "application/msword"
_MAX_SPAN = 200


def read_docx(data: bytes) -> Document:
    """Read a .docx: paragraphs and tables in document order, gridSpan/vMerge expanded into every slot."""
    if not data:
        raise ReaderError("empty file: the .docx has 0 bytes")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReaderError("not a .docx: the file is not a zip package")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/document.xml" not in zf.namelist():
            raise ReaderError("not a .docx: the zip package has no word/document.xml (a renamed zip of something else)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError, lxml errors
        raise ReaderError(f"cannot open the .docx: {type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    images: list[tuple[int, str]] = []
    _walk(document.element.body, blocks, images)
    title = find_title([b.text for b in blocks[:12] if isinstance(b, Paragraph)])
    core_title = (document.core_properties.title or "").strip()
    meta = {"docx_title": clean_line(core_title)} if core_title else {}
    doc = Document(blocks=blocks, media_type=DOCX_MEDIA_TYPE, title=title or clean_line(core_title), meta=meta)
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


def _walk(parent, blocks: list[Block], images: list[tuple[int, str]] | None = None) -> None:
    """Body children in order; content controls (w:sdt) are opened; pictures' relationship ids collected."""
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
            index = sum(1 for b in blocks if isinstance(b, Table))
            table = expand_table(el, index)
            table.caption = caption
            if table.rows:
                blocks.append(table)
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, blocks, images)


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


def expand_table(tbl, index: int) -> Table:
    """Grid of a w:tbl with gridSpan copies and vMerge continuations filled in (marked spanned)."""
    grid: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}  # slot → (text, slot of the merged cell's origin)
    width = 0
    rows = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(rows):
        tr_pr = tr.find(qn("w:trPr"))
        c = _int_attr(tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None, "w:val", 0)
        for tc in tr.findall(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = _int_attr(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, "w:val", 1)
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            above = grid.get((r - 1, c)) if continues else None
            text, origin = above if above is not None else (_cell_text(tc), (r, c))
            for dc in range(span):
                grid[(r, c + dc)] = (text, origin)
            c += span
        width = max(width, c)
    cols = list(range(width))
    while True:  # drop columns no cell starts or ends in (e.g. a 1-twip grid column), one at a time
        extra = next((i for i in reversed(range(len(cols))) if _redundant_column(grid, len(rows), cols, i)), None)
        if extra is None:
            break
        del cols[extra]
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


def _redundant_column(grid: dict, n_rows: int, cols: list[int], i: int) -> bool:
    """True when every row's slot in cols[i] belongs to the merged cell of a neighbouring kept column."""
    if n_rows == 0 or len(cols) < 2:
        return False
    for r in range(n_rows):
        here = grid.get((r, cols[i]))
        left = grid.get((r, cols[i - 1])) if i > 0 else None
        right = grid.get((r, cols[i + 1])) if i + 1 < len(cols) else None
        if here is None or not (
            (left is not None and left[1] == here[1]) or (right is not None and right[1] == here[1])
        ):
            return False
    return True


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
