"""PDF reader: a fast pypdfium2 text pass picks the table pages, pdfplumber reads their grids, tables split
across pages are stitched back into one."""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import io
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils import extract_text

from pipeline.disjoint import DisjointSets
from pipeline.document import Block, Cell, Document, Paragraph, ReaderError, Table
from pipeline.labels import table_words
from pipeline.readers.cjk_fold import clean_cell_text, clean_line, is_page_number, join_lines
from pipeline.readers.rects import PointIndex, TooMuchWork, merge_overlapping, merge_pairwise

MEDIA_TYPE = "application/pdf"

# Words printed in the tables of every template version (templates/versions/*.toml `table_words`; whitespace
# removed before matching).
TABLE_MARKERS = table_words()
LATTICE = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
TEXT_GRID = {"vertical_strategy": "text", "horizontal_strategy": "text", "text_x_tolerance": 2}

_NUM_TOKEN_RE = re.compile(r"^[-+]?\d[\d,，]*([.．]\d+)?(万元|元|件|次|个|%)?$")
_DASH_TOKEN_RE = re.compile(r"^[-—－/／]$")  # a zero printed as a dash
_CLAUSE_LINE_RE = re.compile(r"^第二十条\s*第\s*[（(]")  # a table 二 clause row: 第二十条第（一）项
_VALUE_RE = re.compile(r"^([-+]?\d[\d,，]*([.．]\d+)?\s*(万元|元|件|次|个|项|%)?|[-—－/／]|无)$")
_NUMBERED_RE = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．])")
_CONT_GAP = 1.0  # points: tolerance when matching cell edges to grid lines
RULE_WORK = 2_000_000  # steps for the ruled regions of one page (a real page needs a few thousand)
PAIRWISE_WORK = 50_000  # comparisons of the pair-by-pair merge before the grid's (rects.merge_pairwise)
FEW_REGIONS = 8  # up to this many ruled regions a background is tested against each, without a grid
MAX_CROSSINGS = 5_000  # horizontal × vertical ruling lines of one page (a report's table page: under 1,000)


@dataclass(slots=True)
class _Grid:
    """A table grid from one page before stitching: rows of [text, spanned, page] slots."""

    rows: list[list[Cell]]
    page: int
    top: float
    width: int
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # slot → origin slot
    xs: list[float] | None = None  # x of the column rules (ruled tables), width + 1 values
    blank: bool = False  # ruled rows with no text: kept only as the continuation of a table (blank values)


@dataclass(slots=True)
class _PageText:
    lines: list[str]
    n_chars: int
    has_images: bool
    picture: tuple[float, float, float, float] | None = None  # a large image on a text page (left, bottom, right, top)


def read_pdf(data: bytes, *, max_pages: int = 200, timeout_s: float = 120.0, fast: bool | None = None) -> Document:
    """Read a text PDF into prose lines and stitched table grids; ReaderError for unreadable input.

    fast: table pages read through pdfium (pdfium_page.py), pdfplumber only for the pages that path declines;
    False reads every table page with pdfplumber. Default: on, unless the environment sets OGI_PDF_FAST=0.
    """
    if fast is None:
        fast = os.environ.get("OGI_PDF_FAST", "1") != "0"
    deadline = time.monotonic() + timeout_s
    if not data:
        raise ReaderError("empty file: the PDF has 0 bytes")
    if b"%PDF-" not in data[:1024]:
        raise ReaderError("not a PDF: no %PDF- header")
    if b"%%EOF" not in data:
        raise ReaderError("truncated PDF: no %%EOF marker (the download was probably cut off)")
    notes: list[str] = []  # pages the reader could not read (damaged) or read only in part
    doc = _open_pdfium(data) if fast else None
    kept: dict[int, tuple] = {}  # the fast path reads the table pages the text pass already loaded
    try:
        texts, meta = _text_pass(data, max_pages, deadline, timeout_s, notes, doc=doc, keep=kept if fast else None)
        if not any(t.n_chars or t.has_images for t in texts):
            raise ReaderError(f"PDF has no text and no images on any of its {len(texts)} pages (blank)")
        ocr_pages, refine = _ocr(data, texts, deadline, meta)  # pages without a text layer, read by OCR
        selected = select_table_pages([t.lines for t in texts])
        per_page: dict[int, list[tuple[float, Block | _Grid]]] = {}
        with _TablePages(data, fast, notes, doc, kept) as pages:
            for pno in range(1, len(texts) + 1):
                if pno in ocr_pages and not texts[pno - 1].n_chars:
                    per_page[pno] = ocr_pages[pno]
                    selected.add(pno)
                    continue
                if pno in ocr_pages:  # a text page with a table pasted as a picture: its text, then the picture's
                    selected.add(pno)
                if pno not in selected:
                    # a table that runs to the foot of the page goes on: its next page, even when it holds no
                    # marker or number to select it (rows of dashes, blank cells, numbers one per line)
                    prev = per_page.get(pno - 1)
                    if not prev or not isinstance(prev[-1][1], _Grid):
                        continue
                    selected.add(pno)
                _check_deadline(deadline, timeout_s, pno, len(texts))
                try:
                    per_page[pno] = pages.read(pno, texts[pno - 1].lines)
                except PageUnreadable as exc:  # a damaged page: its text (pdfium's) is kept as prose, with a note
                    notes.append(str(exc))
                if pno in ocr_pages:
                    per_page[pno] = sorted(per_page.get(pno, []) + ocr_pages[pno], key=lambda it: it[0])
        meta.update(pages.meta())
    finally:
        for page, textpage in kept.values():
            textpage.close()
            page.close()
        if doc is not None:
            doc.close()
    blocks: list[Block | _Grid] = []
    for pno, page_text in enumerate(texts, start=1):
        if pno in per_page:
            blocks.extend(b for _, b in per_page[pno])
        else:
            blocks.extend(Paragraph(line, pno) for line in _prose_lines(page_text.lines))
    doc_blocks = _stitch(blocks)
    title = find_title([b.text for b in doc_blocks if isinstance(b, Paragraph) and b.page == 1])
    if not re.search(r"(19|20)\d\d", title) and re.search(r"(19|20)\d\d", meta.get("pdf_title", "")):
        title = ""  # a browser's print: page 1 is site navigation (政府信息公开年报 …), its <title> names the report
    meta["pdf_pages"] = str(len(texts))
    meta["pdf_table_pages"] = ",".join(map(str, sorted(selected)))
    return Document(blocks=doc_blocks, media_type=MEDIA_TYPE, title=title or meta.get("pdf_title", ""), meta=meta,
                    refine=refine, notes=list(dict.fromkeys(notes)))


def _ocr(data: bytes, texts: list[_PageText], deadline: float, meta: dict[str, str]) -> tuple[dict[int, list], Any]:
    """Blocks of the pages without a text layer, read by OCR (pipeline.ocr); {} when there are none.

    Without the OCR extra a PDF with no text at all stays needs_ocr, with a message naming the extra.
    """
    scanned = [pno for pno, t in enumerate(texts, start=1) if not t.n_chars and t.has_images]
    pictured = {pno: t.picture for pno, t in enumerate(texts, start=1) if t.n_chars and t.picture}
    if not scanned and not pictured:
        return {}, None
    from pipeline.ocr.engine import OcrUnavailable

    try:
        from pipeline.ocr.pdf import read_pages, refiner
    except ImportError as exc:  # numpy/OpenCV of the extra missing
        unavailable: ReaderError = OcrUnavailable(f"{type(exc).__name__}: {exc}")
    else:
        try:
            title_page = 1 if 1 in scanned else None
            result = read_pages(data, sorted([*scanned, *pictured]), title_page=title_page, deadline=deadline,
                                regions=pictured)
        except OcrUnavailable as exc:
            unavailable = exc
        else:
            meta["ocr_pages"] = ",".join(map(str, result.read))
            meta["ocr_lines"] = str(result.lines)
            meta["ocr_refined"] = str(result.refined)
            pages = {pno: [(top, _from_ocr(item, pno)) for top, item in items] for pno, items in result.pages.items()}
            if len(scanned) == len(texts) and not any(pages.values()):
                raise ReaderError(f"scanned PDF read by OCR: no table and no text found on its {len(texts)} pages "
                                  "(blank or unreadable scan)", "no_tables")
            return pages, refiner(data, result.geometry)
    if len(scanned) == len(texts):
        raise ReaderError(f"scanned PDF: none of its {len(texts)} pages has a text layer; {unavailable}",
                          "needs_ocr")
    meta["ocr_missing"] = str(unavailable)
    return {}, None


def _from_ocr(item, pno: int) -> Block | _Grid:
    """A Paragraph or a _Grid (ready for stitching) from an OCR line or table."""
    from pipeline.ocr.page import OcrTable

    if not isinstance(item, OcrTable):
        return Paragraph(item.text, pno)
    scale = 72 / item.dpi
    return _Grid(item.rows, pno, item.top * scale, len(item.rows[0]) if item.rows else 0, dict(item.spans),
                 [x * scale for x in item.xs])


class PageUnreadable(Exception):
    """A page neither pdfium nor pdfminer can read as a table page (a damaged page); the message says which."""


class _TablePages:
    """Reads table pages: through pdfium when the fast path takes the page, else with pdfplumber (opened once,
    only when needed). Both go through the same page reader, _read_table_page."""

    def __init__(self, data: bytes, fast: bool, notes: list[str] | None = None, doc: pdfium.PdfDocument | None = None,
                 loaded: dict[int, tuple] | None = None) -> None:
        self.data, self.fast = data, fast
        self.notes = notes if notes is not None else []
        self._pdfium = doc  # owned by the caller
        self._loaded = loaded or {}  # pno → (page, textpage) the text pass kept open
        self._plumber: pdfplumber.PDF | None = None
        self.fast_pages: list[int] = []
        self.declined: dict[int, str] = {}

    def __enter__(self) -> _TablePages:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._plumber is not None:
            with contextlib.suppress(Exception):  # close() parses every page again: a damaged one raises
                self._plumber.close()

    def read(self, pno: int, pdfium_lines: list[str]) -> list[tuple[float, Block | _Grid]]:
        if self.fast:
            from pipeline.readers.pdfium_page import Declined, read_page

            try:
                if self._pdfium is None:
                    raise Declined("no pdfium document")
                items = _read_table_page(read_page(self._pdfium, pno - 1, self._loaded.get(pno)), pno, pdfium_lines,
                                         self.notes)
                self.fast_pages.append(pno)
                return items
            except Declined as exc:
                self.declined[pno] = str(exc)
            except Exception as exc:  # noqa: BLE001 - pdfium could not read the page: pdfplumber tries
                self.declined[pno] = f"pdfium failed: {type(exc).__name__}: {exc}"
        why = f" ({self.declined[pno]})" if pno in self.declined else ""
        try:
            if self._plumber is None:
                self._plumber = _open_plumber(self.data)
            page = self._plumber.pages[pno - 1]  # pdfminer parses the page's dictionary here
        except Exception as exc:  # noqa: BLE001 - damaged page trees and dictionaries: IndexError, TypeError, …
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise PageUnreadable(f"damaged PDF: page {pno} cannot be read by pdfminer ({detail}); the page was read "
                                 f"as text only{why}") from None
        try:
            return _read_table_page(page, pno, pdfium_lines, self.notes)
        except ReaderError:
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged content streams
            raise PageUnreadable(f"damaged PDF: the content of page {pno} cannot be parsed ({type(exc).__name__}: "
                                 f"{exc}); the page was read as text only{why}") from None
        finally:
            page.close()

    def meta(self) -> dict[str, str]:
        """pdf_fast_pages: table pages read through pdfium; pdf_declined: the others and why (page: reason)."""
        out = {"pdf_fast_pages": ",".join(map(str, self.fast_pages))}
        if self.declined:
            out["pdf_declined"] = "; ".join(f"{p}: {r}" for p, r in sorted(self.declined.items()))
        return out


def _check_deadline(deadline: float, timeout_s: float, pno: int, n_pages: int) -> None:
    if time.monotonic() > deadline:
        raise ReaderError(f"time limit of {timeout_s:g} s exceeded while reading page {pno} of {n_pages}")


def _open_pdfium(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReaderError("encrypted PDF: it needs a password to open") from exc
        raise ReaderError(f"damaged or truncated PDF: {msg}") from exc


def _open_plumber(data: bytes) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ReaderError(f"pdfplumber cannot open the PDF: {type(exc).__name__}: {exc}") from exc


def _text_pass(data: bytes, max_pages: int, deadline: float, timeout_s: float, notes: list[str] | None = None, *,
               doc: pdfium.PdfDocument | None = None, keep: dict[int, tuple] | None = None
               ) -> tuple[list[_PageText], dict]:
    """Text lines, character count and image presence of every page (pypdfium2, fast).

    notes: receives a note for each damaged page; doc: an open document (the caller closes it), else `data`
    is opened and closed here; keep: receives {pno: (page, textpage)} of the pages that may hold tables (and
    the page after each), left open for the table pass (the caller closes them).
    """
    own = doc is None
    if doc is None:
        doc = _open_pdfium(data)
    try:
        n = len(doc)
        if n == 0:
            raise ReaderError("PDF has no pages")
        if n > max_pages:
            raise ReaderError(f"PDF has {n} pages, more than the limit of {max_pages} pages per document")
        meta: dict[str, str] = {}
        title = (doc.get_metadata_dict().get("Title") or "").strip()
        if title:
            meta["pdf_title"] = clean_line(title)
        out: list[_PageText] = []
        hit = False  # the page before may hold a table: this one may go on with it
        for i in range(n):
            _check_deadline(deadline, timeout_s, i + 1, n)
            try:
                page = doc[i]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:  # a damaged page: no text from it, said in a note
                if notes is not None:
                    notes.append(f"damaged PDF: page {i + 1} cannot be loaded ({exc}); it was skipped")
                out.append(_PageText([], 0, False))
                hit = False
                continue
            kept = False
            try:
                n_chars = textpage.count_chars()
                raw = textpage.get_text_range() if n_chars else ""
                has_images, picture = False, None
                if not raw.strip():
                    has_images = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
                else:
                    picture = _large_image(page)
                lines = [x for x in (clean_line(x) for x in re.split(r"\r\n|\r|\n", raw)) if x]
                was_hit, hit = hit, _is_table_page(lines)
                if keep is not None and (hit or was_hit):
                    keep[i + 1] = (page, textpage)
                    kept = True
            finally:
                if not kept:
                    textpage.close()
                    page.close()
            out.append(_PageText(lines, len(raw.strip()), has_images, picture))
        empty = [str(i) for i, t in enumerate(out, start=1) if not t.n_chars]
        if empty:
            meta["pdf_pages_without_text"] = ",".join(empty)
        return out, meta
    finally:
        if own:
            doc.close()


def _large_image(page) -> tuple[float, float, float, float] | None:
    """Bounds of the largest image on a text page when it is big enough to be a table pasted as a picture.

    Images on the page and in its form XObjects one level down, through pdfium's C functions (pypdfium2's
    get_objects wraps every object of the page in a Python object first: 2 ms on a page of ruled cells).
    """
    best, area = None, 0.0
    page_w, page_h = page.get_width(), page.get_height()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    get_type, image, form = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM

    def objects():
        for k in range(max(pdfium_c.FPDFPage_CountObjects(page.raw), 0)):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
            kind = get_type(obj)
            yield obj, kind
            if kind == form:
                for j in range(max(pdfium_c.FPDFFormObj_CountObjects(obj), 0)):
                    inner = pdfium_c.FPDFFormObj_GetObject(obj, j)
                    yield inner, get_type(inner)

    for obj, kind in objects():
        if kind != image or not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            continue
        a = (right.value - left.value) * (top.value - bottom.value)
        if a > area and right.value - left.value >= 0.4 * page_w and a >= 0.08 * page_w * page_h:
            best, area = (left.value, bottom.value, right.value, top.value), a
    return best


def page_score(lines: list[str]) -> tuple[int, int]:
    """(distinct table markers, lines ending in ≥3 numbers) of one page's text."""
    flat = re.sub(r"\s+", "", "".join(lines))
    markers = sum(1 for m in TABLE_MARKERS if m in flat)
    return markers, sum(1 for line in lines if _ends_in_numbers(line))


def _ends_in_numbers(line: str, k: int = 3) -> bool:
    tokens = line.split()
    return len(tokens) >= k and all(_NUM_TOKEN_RE.match(t) or _DASH_TOKEN_RE.match(t) for t in tokens[-k:])


def select_table_pages(pages: list[list[str]]) -> set[int]:
    """1-based pages that may hold tables 二/三/四, each with the page after it (a possible continuation)."""
    hits = {pno for pno, lines in enumerate(pages, start=1) if _is_table_page(lines)}
    return {p for h in hits for p in (h, h + 1) if p <= len(pages)}


def _is_table_page(lines: list[str]) -> bool:
    """Whether a page's text holds what tables 二/三/四 print."""
    markers, numeric_rows = page_score(lines)
    # a table whose text comes out one cell per line (LibreOffice exports of narrow columns): bare numbers
    bare_numbers = sum(1 for line in lines if _NUM_TOKEN_RE.match(line.replace(" ", "")))
    clause_rows = sum(1 for line in lines if _CLAUSE_LINE_RE.match(line))
    return markers >= 3 or (markers >= 1 and (numeric_rows or clause_rows)) or numeric_rows >= 3 or bare_numbers >= 14


def _is_white_fill(obj: dict) -> bool:
    """A filled, unstroked white rectangle: WPS draws one behind every prose line and every table cell."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return False
    color = obj.get("non_stroking_color")
    if isinstance(color, (int, float)):
        color = (color,)
    if not color or not all(isinstance(v, (int, float)) for v in color):
        return False
    return all(v >= 0.99 for v in color) if len(color) in (1, 3) else all(v <= 0.01 for v in color)


def _ruled_regions(page) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of connected groups of visible rules (lines, curves, visible rectangles).

    Merged pair by pair while the merged boxes stay few (a report's rules merge into a box per table), else
    through a grid (rects.merge_overlapping): a page of ten thousand disjoint rules took minutes pair by pair.
    Past RULE_WORK steps (a crafted layout) the page's ruled region is the bounding box of all its rules."""
    boxes = [
        [o["x0"] - 1.5, o["top"] - 1.5, o["x1"] + 1.5, o["bottom"] + 1.5]
        for o in (*page.lines, *page.curves, *page.rects)
        if not _is_white_fill(o)
    ]
    merged = merge_pairwise(boxes, PAIRWISE_WORK)  # a report's page: its rules merge into a few boxes
    if merged is not None:
        return merged
    try:
        return merge_overlapping(boxes, budget=RULE_WORK - PAIRWISE_WORK)
    except TooMuchWork:
        return [_bounds(boxes)]


def _bounds(boxes: list) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _visible_filter(page):
    """Object filter dropping white backgrounds outside ruled regions (they would turn prose into tables)."""
    regions = _ruled_regions(page)
    if len(regions) <= FEW_REGIONS:  # a report's page: each background tested against each region

        def keep_few(obj: dict) -> bool:
            if not _is_white_fill(obj):
                return True
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in regions)

        return keep_few
    index = [PointIndex(regions, budget=RULE_WORK)]

    def keep(obj: dict) -> bool:
        if not _is_white_fill(obj):
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        try:
            return index[0].holds(cx, cy)
        except TooMuchWork:  # more lookups than the budget: one region around every rule from now on
            index[0] = PointIndex([_bounds(regions)])
            return index[0].holds(cx, cy)

    return keep


def _too_many_rules(page, pno: int) -> str | None:
    """A note when the page's ruling lines cross in more points than a table finder can afford (MAX_CROSSINGS);
    the number of crossings is bounded by (horizontal rules) × (vertical rules) after collinear ones are joined."""
    from pipeline.readers.pdf_lattice import table_edges

    edges = table_edges(page.edges)
    n_h = sum(1 for e in edges if e["orientation"] == "h")
    n_v = len(edges) - n_h
    if n_h * n_v <= MAX_CROSSINGS:
        return None
    return (f"page {pno}: {n_h} horizontal × {n_v} vertical ruling lines, more crossings than a report table has "
            f"(limit {MAX_CROSSINGS:,}): no ruled table looked for on this page")


def on_baseline(page):
    """The page with each upright character's box hung from its baseline: [baseline, baseline + size].

    pdfminer offsets a box by its font descriptor's Descent, which producers fill in unevenly (0 in
    LibreOffice's Type 1 fonts, absent from Skia's Type 3, real values from Word and WPS): digits and CJK
    printed on one baseline in two fonts then fell on two text lines (本机关不掌握相1.关…). From the baseline the
    box is the same whatever the font, and the same as pdfium reads it (pdfium_page.py). Vertical writing
    (a box centred on the glyph origin) keeps pdfminer's box.
    """
    if getattr(page, "chars_on_baseline", False):  # pdfium_page.PdfiumPage: built that way
        return page
    derived = page.filter(lambda obj: True)
    objects = dict(page.objects)
    height = page.height
    chars = []
    for ch in objects.get("char", []):
        a, b, c, d, e, f = ch["matrix"]
        if b == 0 and c == 0 and a > 0 and d > 0 and ch["x0"] == e:  # horizontal writing: the box starts at x
            size = ch["bottom"] - ch["top"]
            top = height - (f + size)
            ch = {**ch, "top": top, "bottom": top + size, "y0": f, "y1": f + size,
                  "doctop": ch["doctop"] + top - ch["top"]}
        chars.append(ch)
    objects["char"] = chars
    derived._objects = objects  # as pdfplumber's own Page.dedupe_chars derives a page
    return derived


def closing_rules(h_rules: list[tuple[float, float, float]], v_rules: list[tuple[float, float, float]],
                  min_columns: int = 2, budget: int | None = None) -> list[tuple[float, float, float]]:
    """Horizontal rules (x0, x1, y) that close ruled tables where a page break cut them open.

    Rules are (x0, x1, y) for horizontal and (x, top, bottom) for vertical ones. A browser printing a table
    across pages draws no rule along the cut: the row that continues at the top of the next page has no top
    border, and cells spanning rows (三、本年度办理结果, （三）不予公开) have no bottom border above the cut,
    so their text would be read row by row. The column rules of a table still reach the cut: a table's
    vertical rules (joined by a horizontal rule, or running from the same top to the same bottom) are grouped
    with the horizontal rules they touch, and each group gets a rule across its width at the top and at the
    bottom of its vertical rules (where the table's border already is, the rule adds nothing). Independent of
    how the rules were read from the page.

    A vertical rule joins the table of every earlier rule it shares a horizontal rule with (one that touches
    both) or whose top and bottom are within 2 points of its own: the tables are the connected groups of that
    relation, found with a union–find (rules sorted by x, each horizontal rule meets only the vertical rules
    in its x range; near tops and bottoms bucketed) instead of comparing every rule with every group. Past
    `budget` steps (a crafted page of thousands of rules) TooMuchWork is raised.
    """
    vs = sorted(v_rules)
    n = len(vs)
    sets = DisjointSets(n)
    union = sets.union
    work = [budget if budget is not None else float("inf")]

    def spend(k: int) -> None:
        work[0] -= k
        if work[0] < 0:
            raise TooMuchWork(f"{len(h_rules)} horizontal and {n} vertical rules")

    xs = [v[0] for v in vs]
    ruled = [False] * n  # the rule touches a horizontal rule: its table has one
    for x0, x1, y in h_rules:
        lo, hi = bisect.bisect_left(xs, x0 - 1), bisect.bisect_right(xs, x1 + 1)
        spend(hi - lo + 1)
        first = -1
        for i in range(lo, hi):
            if vs[i][1] - 1 <= y <= vs[i][2] + 1:
                ruled[i] = True
                if first < 0:
                    first = i
                else:
                    union(first, i)
    buckets: dict[tuple[int, int], list[int]] = {}  # tops and bottoms in cells of 2 points
    for i, (_x, top, bottom) in enumerate(vs):
        buckets.setdefault((int(top // 2), int(bottom // 2)), []).append(i)
    for (bt, bb), members in buckets.items():
        for j in members[1:]:  # within a cell, tops and bottoms differ by less than 2
            union(members[0], j)
        for dt, db in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each pair of neighbouring cells once
            other = buckets.get((bt + dt, bb + db))
            if not other:
                continue
            spend(len(members) * len(other))
            if any(abs(vs[i][1] - vs[j][1]) <= 2 and abs(vs[i][2] - vs[j][2]) <= 2 for i in members for j in other):
                union(members[0], other[0])
    out: list[tuple[float, float, float]] = []
    for members in sorted(sets.groups(), key=max):  # the order the groups were last joined in
        rules = [vs[i] for i in members]
        if len({round(v[0]) for v in rules}) < min_columns + 1 or not any(ruled[i] for i in members):
            continue
        x0, x1 = min(v[0] for v in rules), max(v[0] for v in rules)
        out += [(x0, x1, min(v[1] for v in rules)), (x0, x1, max(v[2] for v in rules))]
    return out


def _page_rules(fp) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """The page's visible horizontal (x0, x1, y) and vertical (x, top, bottom) rules, from its edges."""
    hs, vs = [], []
    for e in fp.edges:
        if e["orientation"] == "h" and e["x1"] - e["x0"] >= 3:
            hs.append((e["x0"], e["x1"], e["top"]))
        elif e["orientation"] == "v" and e["bottom"] - e["top"] >= 3:
            vs.append((e["x0"], e["top"], e["bottom"]))
    return hs, vs


def _read_table_page(page, pno: int, pdfium_lines: list[str],
                     notes: list[str] | None = None) -> list[tuple[float, Block | _Grid]]:
    """Blocks of one table page, sorted top to bottom: prose lines and table grids."""
    page = on_baseline(page)
    fp = page.filter(_visible_filter(page))
    crowded = _too_many_rules(fp, pno)  # no table finder (nor closing rules) on thousands of crossing rules
    if crowded and notes is not None:
        notes.append(crowded)
    found = []
    if not crowded:
        try:
            rules = closing_rules(*_page_rules(fp), budget=RULE_WORK)
        except TooMuchWork as exc:
            rules = []
            if notes is not None:
                notes.append(f"page {pno}: too many ruling lines ({exc}) to close tables cut by a page break")
        closing = [{"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0,
                    "height": 0} for x0, x1, y in rules]
        found = [t for t in fp.find_tables({**LATTICE, "explicit_horizontal_lines": closing}) if _grid_width(t) >= 2]
    if not found and page_score(pdfium_lines)[1] >= 2:
        found = [t for t in fp.find_tables(TEXT_GRID) if _grid_width(t) >= 2]
        grids = [g for g in (_text_grid(t, pno) for t in found) if g is not None]
    else:
        grids = [g for g in (_lattice_grid(t, pno) for t in found) if g is not None]
    # prose: the characters outside every table, by their centre as cells take theirs (a line that touches a
    # table's rule is not lost)
    boxes = [t.bbox for t in found]
    outside = fp.filter(lambda o: o["object_type"] != "char" or not any(_centred_in(o, b) for b in boxes))
    items: list[tuple[float, Block | _Grid]] = [(g.top, g) for g in grids]
    lines = outside.extract_text_lines(return_chars=False) if outside.chars else []
    texts = [clean_line(ln["text"]) for ln in lines]
    kept = set(_prose_lines(texts))
    for i, (ln, text) in enumerate(zip(lines, texts, strict=True)):
        if text in kept and not is_page_number(text, bare=i in (0, len(texts) - 1)):
            items.append((ln["top"], Paragraph(text, pno)))
    items.sort(key=lambda it: it[0])
    return items


def _centred_in(ch: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom


def _prose_lines(lines: list[str]) -> list[str]:
    """Drop page-number lines (a bare number only as the first or last line of the page)."""
    out = []
    for i, line in enumerate(lines):
        edge = i == 0 or i == len(lines) - 1
        if line and not is_page_number(line, bare=edge):
            out.append(line)
    return out


def _grid_width(table) -> int:
    return len({round(c[0], 1) for c in table.cells})


def _axis(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _CONT_GAP:
            out.append(v)
    return out


def _index(axis: list[float], v: float) -> int:
    """Index of the axis value nearest v (the first of two as near); axis ascending."""
    i = bisect.bisect_left(axis, v)
    if i == len(axis) or (i > 0 and abs(axis[i - 1] - v) <= abs(axis[i] - v)):
        return i - 1
    return i


def _lattice_grid(table, pno: int) -> _Grid | None:
    """Grid of a ruled table with row/column spans expanded (copies marked spanned)."""
    xs = _axis([c[0] for c in table.cells]) + [max(c[2] for c in table.cells)]
    ys = _axis([c[1] for c in table.cells]) + [max(c[3] for c in table.cells)]
    width, height = len(xs) - 1, len(ys) - 1
    texts = table.extract(x_tolerance=1.5)
    slots: dict[tuple[int, int], Cell] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for row, row_texts in zip(table.rows, texts, strict=True):
        for bbox, raw in zip(row.cells, row_texts, strict=True):
            if bbox is None:
                continue
            r0, c0 = _index(ys, bbox[1]), _index(xs, bbox[0])
            r1, c1 = max(_index(ys, bbox[3]), r0 + 1), max(_index(xs, bbox[2]), c0 + 1)
            text = clean_cell_text(raw)
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if (r, c) not in slots:
                        slots[(r, c)] = Cell(text, r, c, pno, (r, c) != (r0, c0))
                        spans[(r, c)] = (r0, c0)
    for r in range(height):
        for c in range(width):
            if (r, c) not in slots:  # no cell drawn there (a rule missing at a page break): read its chars
                text = _chars_text(table.page.chars, (xs[c], ys[r], xs[c + 1], ys[r + 1]))
                slots[(r, c)] = Cell(text, r, c, pno)
                spans[(r, c)] = (r, c)
    tall = {r for r in range(height) if ys[r + 1] - ys[r] >= 6}  # a ruled row left blank (all zeros unprinted)
    grid = _finish_grid(slots, spans, width, height, pno, table.bbox[1], tall)
    if grid is None and tall:  # a ruled row of blank values alone on the page after its table's header
        grid = _finish_grid(slots, spans, width, height, pno, table.bbox[1], tall, allow_blank=True)
    if grid is not None:
        grid.xs = xs
    return grid


def _chars_text(chars: list[dict], bbox: tuple[float, float, float, float]) -> str:
    x0, top, x1, bottom = bbox
    inside = [
        ch for ch in chars
        if x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom
    ]
    return clean_cell_text(extract_text(inside, x_tolerance=1.5)) if inside else ""


def _text_grid(table, pno: int) -> _Grid | None:
    """Grid of a table without rules (word positions); wrapped label lines merged into their row."""
    rows: list[list[str]] = []
    for raw in table.extract(x_tolerance=1.5):
        cells = [clean_cell_text(x) for x in raw]
        if not any(cells) or all(is_page_number(x, bare=True) for x in cells if x):
            continue
        has_value = any(_VALUE_RE.match(x) for x in cells[1:] if x)
        if rows and not has_value and not any(_NUMBERED_RE.match(x) for x in cells if x):
            rows[-1] = [join_lines([a, b]) for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    if len(rows) < 2:
        return None
    slots = {(r, c): Cell(t, r, c, pno) for r, row in enumerate(rows) for c, t in enumerate(row)}
    spans = {k: k for k in slots}
    return _finish_grid(slots, spans, len(rows[0]), len(rows), pno, table.bbox[1])


def _finish_grid(slots, spans, width: int, height: int, pno: int, top: float,
                 keep_blank: set[int] = frozenset(), allow_blank: bool = False) -> _Grid | None:
    rows = [[slots.get((r, c)) or Cell("", r, c, pno) for c in range(width)] for r in range(height)]
    blank = not any(cell.text for row in rows for cell in row)
    if blank and not allow_blank:
        return None
    keep = [r for r in range(height) if r in keep_blank or any(cell.text for cell in rows[r])]
    renum = {old: new for new, old in enumerate(keep)}
    out = [[replace(c, row=renum[r]) for c in rows[r]] for r in keep]
    new_spans = {
        (renum[r], c): (renum.get(o[0], renum[r]), o[1]) for (r, c), o in spans.items() if r in renum
    }
    return _Grid(out, pno, top, width, new_spans, blank=blank)


def _is_value(text: str) -> bool:
    return bool(_VALUE_RE.match(text.replace(" ", "")))


def _label_columns(row: list[Cell]) -> int:
    """Number of leading label columns (before the first value cell) in a row."""
    for c, cell in enumerate(row):
        if cell.text and _is_value(cell.text):
            return c
    return len(row)


def _stitch(blocks: list[Block | _Grid]) -> list[Block]:
    """Join a table that ends its page with the table that starts the next page; number the tables."""
    merged: list[Block | _Grid] = []
    for b in blocks:
        prev = merged[-1] if merged else None
        if isinstance(b, _Grid) and isinstance(prev, _Grid) and b.page == _last_page(prev) + 1:
            _append_continuation(prev, b)
        elif not (isinstance(b, _Grid) and b.blank):
            merged.append(b)
    out: list[Block] = []
    index = 0
    for b in merged:
        if isinstance(b, _Grid):
            caption = out[-1].text if out and isinstance(out[-1], Paragraph) else ""
            out.append(Table(rows=b.rows, index=index, page=b.page, caption=caption))
            index += 1
        else:
            out.append(b)
    return out


def _last_page(g: _Grid) -> int:
    return max(c.page or g.page for c in g.rows[-1])


def _append_continuation(t: _Grid, u: _Grid) -> None:
    """Append grid u (next page) to t: drop a repeated header, carry or join group labels split by the break."""
    if u.width < t.width:
        _align_columns(u, t)
    elif u.width > t.width:
        _align_columns(t, u)
    rows = u.rows
    k = min(len(t.rows), len(rows) - 1, 6)
    while k > 0 and [[c.text for c in r] for r in rows[:k]] != [[c.text for c in r] for r in t.rows[:k]]:
        k -= 1
    rows, u_spans = rows[k:], {(r - k, c): (o[0] - k, o[1]) for (r, c), o in u.spans.items() if r >= k}
    if t.width == u.width and rows:
        n = len(rows)
        rows = _continue_spans(t, rows, u_spans)
        if len(rows) < n:  # the first row was a fragment of t's last row and was merged into it
            u_spans = {(r - 1, c): (max(o[0] - 1, 0), o[1]) for (r, c), o in u_spans.items() if r >= 1}
    base = len(t.rows)
    for r, row in enumerate(rows):
        t.rows.append([replace(c, row=base + r) for c in row])
    for (r, c), o in u_spans.items():
        t.spans[(base + r, c)] = (base + o[0], o[1])


def _align_columns(u: _Grid, t: _Grid) -> None:
    """Re-grid u on t's column rules when both span the same x range but u lacks some rules.

    On a page whose rows of the table all span some columns (（七）总计 over two label columns, 一、/四、 over
    three), the rule between those columns is not drawn, so that page's grid has fewer columns than the table.
    """
    if not t.xs or not u.xs or abs(t.xs[0] - u.xs[0]) > 3 or abs(t.xs[-1] - u.xs[-1]) > 3:
        return
    cols = []
    for j in range(t.width):
        mid = (t.xs[j] + t.xs[j + 1]) / 2
        cols.append(next((i for i in range(u.width) if u.xs[i] <= mid < u.xs[i + 1]), u.width - 1))
    first = {ui: cols.index(ui) for ui in set(cols)}
    rows = [
        [replace(row[ui], row=r, col=j, spanned=row[ui].spanned or (j > 0 and cols[j - 1] == ui))
         for j, ui in enumerate(cols)]
        for r, row in enumerate(u.rows)
    ]
    spans = {}
    for r in range(len(u.rows)):
        for j, ui in enumerate(cols):
            o = u.spans.get((r, ui), (r, ui))
            spans[(r, j)] = (o[0], first.get(o[1], j))
    u.rows, u.width, u.spans, u.xs = rows, t.width, spans, list(t.xs)


def _continue_spans(t: _Grid, rows: list[list[Cell]], spans: dict) -> list[list[Cell]]:
    """Group-label cells cut by the page break: empty continuation → carry the label, fragment → join."""
    last, first = t.rows[-1], rows[0]
    if _is_header_fragment(last, first):
        _join_row_fragment(t, first)
        return rows[1:]
    fragment = _is_row_fragment(last, first)
    if fragment:  # join it, then let the rules below carry group labels past it
        _join_row_fragment(t, first)
        first = rows[0] = [Cell("", c.row, c.col, c.page, c.spanned) for c in first]
    n_labels = min(_label_columns(first), _label_columns(last))
    row_has_values = any(c.text and _is_value(c.text) for c in first)
    joined_all = True
    for c in range(min(n_labels, len(first))):
        above, below = last[c], first[c]
        group_col = c < n_labels - 1
        last_origin = t.spans.get((len(t.rows) - 1, c), (len(t.rows) - 1, c))
        if not above.text or last_origin[1] != c or spans.get((0, c), (0, c))[1] != c:
            joined_all = joined_all and not below.text
            continue
        slots_below = [rc for rc, o in spans.items() if o == spans.get((0, c), (0, c))]
        # a group label continues only beside a row label of its own (or the rest of a cut row): an empty
        # cell under a header row that ends the page is a blank value, not the header's continuation
        leaf_right = fragment or any(first[j].text and not _is_value(first[j].text) for j in range(c + 1, n_labels))
        if not below.text and group_col and leaf_right:
            new_text = above.text
            _set_slots(rows, slots_below, new_text, above.page)
        elif (
            below.text
            and not _NUMBERED_RE.match(below.text)
            and _NUMBERED_RE.match(above.text)
            and (group_col or not row_has_values)
        ):
            new_text = join_lines([above.text, below.text])
            _set_slots(t.rows, [rc for rc, o in t.spans.items() if o == last_origin] or [last_origin], new_text, None)
            _set_slots(rows, slots_below, new_text, above.page)
        else:
            joined_all = joined_all and not below.text
    if not row_has_values and joined_all and len(rows) > 1 and all(
        not first[c].text or c < n_labels for c in range(len(first))
    ):
        return rows[1:]  # the first row was only the rest of the cut row's labels
    return rows


def _is_row_fragment(last: list[Cell], first: list[Cell]) -> bool:
    """True when `first` (top of the next page) is the rest of `last`, a row the page break cut in two.

    Word and LibreOffice let a row break across pages: the lines of its wrapped cells that did not fit go on
    the next page in a row with no label of its own, with text only in columns where the cut row has text.
    Browsers (and LibreOffice printing HTML) move a tall cell's lines on whole: the next page then starts
    with a row of values in exactly the columns the cut row left blank.
    """
    filled = [c for c, cell in enumerate(first) if cell.text]
    n_labels = _label_columns(last)
    if not filled or n_labels == len(last):
        return False  # the cut row holds no values (a header or label row): handled by the label rules
    if any(_NUMBERED_RE.match(first[c].text) and not _is_value(first[c].text) for c in filled):
        return False  # a numbered label of its own (（五）…, 1、…): a new row, whatever its blank cells suggest
    if all(c >= n_labels and _is_value(first[c].text) and not last[c].text for c in filled):
        return True  # values only, each where the cut row is blank: a browser moved those cells' lines on
    if n_labels:
        leaf, cut = first[n_labels - 1].text, last[n_labels - 1].text
        if leaf and cut and _NUMBERED_RE.match(cut) and not _NUMBERED_RE.match(leaf):
            # the rest of a wrapped, numbered label (一、本年新收…申 / 请数量) with the rest of the values
            values = [first[c].text for c in filled if c >= n_labels]
            return bool(values) and all(_is_value(v) for v in values)  # label-only rests: the label rules
        if any(not last[c].text for c in filled):
            return False
        return not leaf and any(_is_value(first[c].text) for c in filled)
    if any(not last[c].text for c in filled):
        return False
    return len(filled) < sum(1 for c in last if c.text) and all(_is_value(first[c].text) for c in filled)


def _is_header_fragment(last: list[Cell], first: list[Cell]) -> bool:
    """True when `first` is the rest of `last`, a header row (no values) the page break cut in two.

    Narrow header cells wrap a word over several lines (结果 / 维持); when the break cuts the row, the next page
    starts with the remaining lines. Told from the header row below it by the words: the cut parts rejoined
    spell a table word that neither part holds (结果维持, 尚未审结), and nothing is numbered or a value.
    """
    filled = [c for c, cell in enumerate(first) if cell.text]
    if not filled or any(cell.text and _is_value(cell.text) for cell in (*last, *first)):
        return False
    if any(not last[c].text or _NUMBERED_RE.match(first[c].text) or _NUMBERED_RE.match(last[c].text)
           for c in filled):
        return False
    for c in filled:
        above, below = (re.sub(r"\s+", "", x) for x in (last[c].text, first[c].text))
        if any(m in above + below and m not in above and m not in below for m in TABLE_MARKERS):
            return True
    return False


def _join_row_fragment(t: _Grid, first: list[Cell]) -> None:
    """Append the fragment's texts to the cut row's cells (digits of a wrapped number joined without a space)."""
    r = len(t.rows) - 1
    done: set[tuple[int, int]] = set()
    for c, cell in enumerate(first):
        origin = t.spans.get((r, c), (r, c))
        if not cell.text or origin in done:
            continue
        done.add(origin)
        above = t.rows[r][c].text
        digits = above[-1:].isdigit() and cell.text[:1].isdigit()
        text = above + cell.text if digits else join_lines([above, cell.text])
        for rr, cc in [rc for rc, o in t.spans.items() if o == origin] or [origin]:
            old = t.rows[rr][cc]
            t.rows[rr][cc] = Cell(text, old.row, old.col, old.page, old.spanned)


def _set_slots(rows: list[list[Cell]], slots: list[tuple[int, int]], text: str, page: int | None) -> None:
    for r, c in slots:
        if 0 <= r < len(rows) and c < len(rows[r]):
            old = rows[r][c]
            rows[r][c] = Cell(text, old.row, old.col, old.page if page is None else page, old.spanned or r > 0)


_TITLE_STOP = ("。", "；", "：", ":")


def find_title(lines: list[str]) -> str:
    """The report title from the first lines of page 1: the line with 年度报告 and short lines just above it."""
    head = [ln for ln in lines[:12] if ln and not is_page_number(ln, bare=True)]
    for i, line in enumerate(head):
        if "年度报告" in line or "年报" in line:
            if len(line) > 60 or line.endswith(_TITLE_STOP[:2]):
                return ""
            j = i
            while j > 0 and i - j < 2 and len(head[j - 1]) <= 30 and not head[j - 1].endswith(_TITLE_STOP):
                j -= 1
            return join_lines(head[j : i + 1])
    return ""

