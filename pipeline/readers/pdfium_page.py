"""The fast PDF table path: a page's characters and rules read through pdfium, tables found without pdfminer.

pdfplumber spends 30–270 ms per page building pdfminer's layout objects in Python; pdfium reads the same
page in a few milliseconds. `PdfiumPage` holds what pdf.py's page reader (`_read_table_page`) uses of a
pdfplumber page — characters, lines, rectangles and curves as pdfplumber-style dicts, `filter`,
`find_tables`, `extract_words`, `outside_bbox`, `extract_text_lines` — built from pdfium's text page and
page objects, with the ruled tables found by pdf_lattice.py (pdfplumber's algorithm, re-implemented) and
tables without rules by pdfplumber's own text-position finder run on these characters. pdf.py runs the same
page reader on either page, so the grids, stitching and everything downstream are shared.

The geometry follows pdfminer: a character box runs from its origin to origin + advance, hung from the
baseline (see pdf.on_baseline); paths are split into subpaths and classified as pdfminer does (a segment →
line, a closed axis-aligned quadrilateral → rect, anything else → curve). Type 3 glyphs under a
one-character /ActualText (Skia's CJK in browser prints) read as that character. A page the fast path cannot
read the same way raises `Declined` and pdfplumber reads it: rotated or mirrored text, vertical writing with
glyph-specific metrics, fonts without metrics in pdfium or without a Unicode mapping, /ActualText over
several characters, text pdfium merged (a duplicate text object, e.g. fake bold), a rotated or offset page
box.
"""

from __future__ import annotations

import ctypes
import unicodedata
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.readers import pdf_lattice
from pipeline.text import RADICALS_SUPPLEMENT

Obj = dict[str, Any]
_LINES = ("lines", "lines")


class Declined(Exception):
    """The fast path does not read this page as pdfplumber would; the message says why."""


def _matrix(obj: Any) -> tuple[float, float, float, float, float, float]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        raise Declined("a page object without a transformation matrix")
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """inner then outer (PDF row-vector convention, as pdfminer's mult_matrix(inner, outer))."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class PdfiumPage:
    """One page read through pdfium, with the subset of pdfplumber's Page API that pdf.py uses."""

    chars_on_baseline = True  # pdf.on_baseline has nothing to do

    def __init__(self, objects: dict[str, list[Obj]], width: float, height: float) -> None:
        self.objects = objects
        self.width = width
        self.height = height
        self.bbox = (0.0, 0.0, width, height)

    # -- the pdfplumber Page surface ------------------------------------------------------------------
    @property
    def chars(self) -> list[Obj]:
        return self.objects.get("char", [])

    @property
    def lines(self) -> list[Obj]:
        return self.objects.get("line", [])

    @property
    def rects(self) -> list[Obj]:
        return self.objects.get("rect", [])

    @property
    def curves(self) -> list[Obj]:
        return self.objects.get("curve", [])

    @property
    def edges(self) -> list[Obj]:
        return pdf_lattice.page_edges(self.lines, self.rects, self.curves)

    def filter(self, keep: Any) -> PdfiumPage:
        return PdfiumPage({k: [o for o in v if keep(o)] for k, v in self.objects.items()}, self.width, self.height)

    def outside_bbox(self, bbox: tuple[float, float, float, float], relative: bool = False,
                     strict: bool = True) -> PdfiumPage:
        return self.filter(lambda o: not pdf_lattice.overlaps((o["x0"], o["top"], o["x1"], o["bottom"]), bbox))

    def find_tables(self, table_settings: dict[str, Any]) -> list[Any]:
        explicit = table_settings.get("explicit_horizontal_lines") or []
        if (table_settings.get("vertical_strategy"), table_settings.get("horizontal_strategy")) == _LINES and \
                not set(table_settings) - {"vertical_strategy", "horizontal_strategy", "explicit_horizontal_lines"} \
                and all(isinstance(e, dict) for e in explicit):
            return pdf_lattice.find_tables(self, explicit)
        # any other strategy (the text-position grid of a table without rules): pdfplumber's own edges from
        # these characters and rules, then its intersections, cells and tables as pdf_lattice computes them
        # (the same results; pdfplumber's pairwise cell search costs 100 ms or more on a text-grid page)
        from pdfplumber.table import TableFinder, TableSettings

        settings = TableSettings.resolve(table_settings)
        if settings.intersection_x_tolerance != pdf_lattice.INTERSECTION or \
                settings.intersection_y_tolerance != pdf_lattice.INTERSECTION:
            return TableFinder(self, settings).tables
        finder = TableFinder.__new__(TableFinder)  # its get_edges alone
        finder.page, finder.settings = self, settings
        points = pdf_lattice.intersections(finder.get_edges())
        return [pdf_lattice.LatticeTable(self, group) for group in pdf_lattice.tables_of(pdf_lattice.cells(points))]

    def extract_words(self, **kwargs: Any) -> list[Obj]:
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **kwargs)

    def extract_text_lines(self, return_chars: bool = True, **kwargs: Any) -> list[Obj]:
        return pdf_lattice.text_lines(self.chars)


def read_page(doc: pdfium.PdfDocument, index: int, loaded: tuple | None = None) -> PdfiumPage:
    """Page `index` (0-based) of an open document, or Declined. loaded: (page, textpage) already open (left
    open: their owner closes them)."""
    page, textpage = loaded if loaded is not None else (doc[index], None)
    try:
        if page.get_rotation() % 360:
            raise Declined("a rotated page (/Rotate)")
        x0, y0, x1, y1 = page.get_mediabox()
        if x0 != 0 or y0 != 0:
            raise Declined("a page box that does not start at 0,0")
        height = y1 - y0
        shapes: dict[str, list[Obj]] = {"line": [], "rect": [], "curve": []}
        text_objects: list[Any] = []
        _walk(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, None, height, shapes,
              text_objects)
        chars = _chars(page, textpage, height, text_objects)
        return PdfiumPage({"char": chars, **shapes}, x1 - x0, height)
    finally:
        if loaded is None:
            page.close()


# ---- characters ----------------------------------------------------------------------------------------
def _chars(page: pdfium.PdfPage, loaded: pdfium.PdfTextPage | None, height: float,
           text_objects: list[Any]) -> list[Obj]:
    """Every character pdfium reads (not the spaces and line breaks it generates) as a pdfplumber char.

    pdfium reads a text object marked with /ActualText as that text, placed by dividing the object's box, where
    pdfminer reads the glyphs: LibreOffice marks each Kangxi-radical glyph (⼈) with its ideograph (人), Skia
    (browsers printing to PDF) each Type 3 CJK glyph. One glyph read as one character is put back as pdfminer
    reads it: the code point the font maps, or, when the font maps several forms of it with one advance (a
    Type 3 font maps none: all read one em), the /ActualText character, which folds as the glyph's does
    (cjk_fold); anything longer is declined.
    """
    textpage = loaded if loaded is not None else page.get_textpage()
    try:
        tp = textpage.raw
        n = pdfium_c.FPDFText_CountChars(tp)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        box = pdfium_c.FS_RECTF()
        m = pdfium_c.FS_MATRIX()
        pox, poy, pbox, pm = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(box), ctypes.byref(m)
        is_generated, map_error = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_HasUnicodeMapError
        get_matrix, get_unicode, get_origin = pdfium_c.FPDFText_GetMatrix, pdfium_c.FPDFText_GetUnicode, \
            pdfium_c.FPDFText_GetCharOrigin
        get_box, get_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
        last_x: dict[int, float] = {}  # text object → origin x of its last character
        fonts: dict[int, bool] = {}  # font → vertical writing
        chars: list[Obj] = []
        obj_now = None  # the text object of the characters before, and what pdfium gives per object:
        ma = md = font_size = 0.0  # its matrix (text and form matrices composed), font size,
        vertical = False  # and its font's writing mode
        for i in range(n):
            if is_generated(tp, i) == 1:
                continue
            if map_error(tp, i) == 1:
                raise Declined("a font without a Unicode mapping")
            obj = _text_object(tp, i)
            code = get_unicode(tp, i)
            if obj != obj_now or obj is None:
                obj_now = obj
                get_matrix(tp, i, pm)
                if m.b or m.c or m.a <= 0 or m.d <= 0:
                    raise Declined("rotated or mirrored text")
                ma, md = m.a, m.d
                font_size = get_size(tp, i)
                font = _font_of(obj)
                vertical = fonts.get(font)
                if vertical is None:
                    vertical = fonts[font] = _vertical(font, code)
            get_origin(tp, i, pox, poy)
            get_box(tp, i, pbox)
            x, y = ox.value, oy.value
            text = chr(code)
            if last_x.get(obj) == x:  # pieces of /ActualText all sit at the object's position
                raise Declined("/ActualText of more than one character")
            last_x[obj] = x
            if vertical:  # pdfminer's box is one em square from the origin pdfium gives, with default metrics
                if abs(box.left - x) > 0.01 or abs(abs(box.top - box.bottom) - font_size) > 0.01:
                    raise Declined("vertical writing with glyph-specific metrics")
                x1, d = x + font_size * ma, md
            elif abs(box.left - x) <= 0.01:  # the metric box: origin to origin + advance
                x1, d = box.right, md
            elif _actual_text(_typed(obj, pdfium_c.FPDF_PAGEOBJECT)):
                x, y, a, d = _object_origin(obj, x, y)
                text, advance = _original(font, text, font_size)
                x1 = x + advance * a
            else:
                raise Declined("a character without its advance in pdfium")
            size = font_size * d
            top = height - (y + size)
            chars.append({"object_type": "char", "text": text, "x0": x, "x1": x1, "top": top,
                          "bottom": top + size, "doctop": top, "y0": y, "y1": y + size, "upright": True,
                          "size": x1 - x if vertical else size, "matrix": (ma, 0.0, 0.0, md, x, y)})
    finally:
        if loaded is None:
            textpage.close()
    for obj in text_objects:  # pdfium drops characters that repeat one just drawn there (fake bold)
        if _address(obj) not in last_x and _has_area(obj):
            raise Declined("text pdfium merged (a text object drawn over another, e.g. fake bold)")
    return chars


def _address(pointer: Any) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _prototype(name: str, restype: Any, *argtypes: Any) -> Any:
    """A pdfium function with other ctypes types (addresses as ints: cheaper to hash and compare per char)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(_address(getattr(pdfium_c, name)))


_text_object = _prototype("FPDFText_GetTextObject", ctypes.c_void_p, pdfium_c.FPDF_TEXTPAGE, ctypes.c_int)
_font_of = _prototype("FPDFTextObj_GetFont", ctypes.c_void_p, ctypes.c_void_p)


def _typed(address: int, kind: Any) -> Any:
    return ctypes.cast(ctypes.c_void_p(address), kind)


def _object_origin(address: int, x: float, y: float) -> tuple[float, float, float, float]:
    """(x, y, a, d) of a one-glyph text object from its own matrix, which must be where pdfium put the piece."""
    m = _matrix(_typed(address, pdfium_c.FPDF_PAGEOBJECT))
    if m[1] or m[2] or m[0] <= 0 or m[3] <= 0 or abs(m[4] - x) > 0.01 or abs(m[5] - y) > 0.01:
        raise Declined("/ActualText text placed by a transformation")
    return m[4], m[5], m[0], m[3]


def _vertical(address: int | None, code: int) -> bool:
    """Whether the font writes vertically; Declined when pdfium has no metrics for it."""
    if not address:
        raise Declined("a character without a font")
    font = _typed(address, pdfium_c.FPDF_FONT)
    ascent, descent, width = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium_c.FPDFFont_GetAscent(font, ctypes.c_float(1000), ascent) or \
            not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000), descent) or ascent.value == descent.value:
        raise Declined("a font without metrics in pdfium (Type 3)")
    # a vertical font's glyph width is its vertical advance, negative
    return bool(pdfium_c.FPDFFont_GetGlyphWidth(font, code, ctypes.c_float(1000), width)) and width.value < 0


_DENORMALISED: dict[str, list[str]] | None = None


def _original(address: int, text: str, font_size: float) -> tuple[str, float]:
    """(the code point the font maps, its advance): `text` or the one compatibility form of it the font holds."""
    global _DENORMALISED
    if _DENORMALISED is None:
        _DENORMALISED = {}
        for cp in range(0x10000):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded != chr(cp):
                _DENORMALISED.setdefault(folded, []).append(chr(cp))
        for radical, ideograph in RADICALS_SUPPLEMENT.items():
            _DENORMALISED.setdefault(ideograph, []).append(radical)
    font = _typed(address, pdfium_c.FPDF_FONT)
    width = ctypes.c_float()
    found = [(c, width.value) for c in (text, *_DENORMALISED.get(text, ()))
             if pdfium_c.FPDFFont_GetGlyphWidth(font, ord(c), ctypes.c_float(font_size), width) and width.value > 0]
    if len(found) == 1:
        return found[0]
    if found and len({w for _c, w in found}) == 1:  # forms of one character, one advance: the /ActualText's
        return text, found[0][1]
    raise Declined(f"/ActualText {text} over a glyph whose code point cannot be told")


def _has_area(obj: Any) -> bool:
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return False
    return right.value - left.value > 0.5 and top.value - bottom.value > 0.5


# ---- rules ---------------------------------------------------------------------------------------------
def _walk(parent: Any, count: Any, get: Any, outer: tuple | None, height: float, shapes: dict[str, list[Obj]],
          text_objects: list[Any]) -> None:
    """Page objects in content order, into form XObjects, with their matrices composed."""
    for k in range(count(parent)):
        obj = get(parent, k)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            text_objects.append(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            m = _matrix(obj)
            _path(obj, m if outer is None else _compose(m, outer), height, shapes)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            m = _matrix(obj)
            _walk(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                  m if outer is None else _compose(m, outer), height, shapes, text_objects)


def _actual_text(obj: Any) -> bool:
    key = (ctypes.c_ushort * 32)()
    size = ctypes.c_ulong()
    for k in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, k)
        for j in range(max(pdfium_c.FPDFPageObjMark_CountParams(mark), 0)):
            if pdfium_c.FPDFPageObjMark_GetParamKey(mark, j, key, ctypes.sizeof(key), size) and \
                    bytes(key)[:size.value].decode("utf-16-le", "replace").rstrip("\0") == "ActualText":
                return True
    return False


_X, _Y = ctypes.c_float(), ctypes.c_float()
_PX, _PY = ctypes.byref(_X), ctypes.byref(_Y)
_FILLMODE, _STROKE = ctypes.c_int(), ctypes.c_int()
_PFILLMODE, _PSTROKE = ctypes.byref(_FILLMODE), ctypes.byref(_STROKE)


def _path(obj: Any, m: tuple, height: float, shapes: dict[str, list[Obj]]) -> None:
    if not pdfium_c.FPDFPath_GetDrawMode(obj, _PFILLMODE, _PSTROKE):
        raise Declined("a path without a drawing mode")
    fill, stroke = _FILLMODE.value != pdfium_c.FPDF_FILLMODE_NONE, bool(_STROKE.value)
    if not fill and not stroke:
        return  # not painted (pdfminer never sees it)
    a, b, c, d, e, f = m
    get_segment, get_type, get_point, get_close = (pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetType,
                                                   pdfium_c.FPDFPathSegment_GetPoint, pdfium_c.FPDFPathSegment_GetClose)
    subpaths: list[tuple[str, list[tuple[float, float]]]] = []
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for j in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, j)
        kind = get_type(seg)
        get_point(seg, _PX, _PY)
        x, y = _X.value, _Y.value
        pt = (a * x + c * y + e, b * x + d * y + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if ops:
                subpaths.append(("".join(ops), pts))
            ops, pts, bezier = ["m"], [pt], 0
            continue
        if not ops:
            raise Declined("a path that does not start with a move")
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1  # two control points, then the end point: pdfminer keeps only the end point
            if bezier < 3:
                continue
            bezier = 0
            ops.append("c")
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            ops.append("l")
        else:
            raise Declined("a path segment of unknown type")
        pts.append(pt)
        if get_close(seg):  # h: back to the subpath's start
            ops.append("h")
            pts.append(pts[0])
    if ops:
        subpaths.append(("".join(ops), pts))
    for shape, points in subpaths:
        _paint(shape, points, stroke, fill, obj, height, shapes)


def _fill_color(obj: Any) -> tuple[float, ...] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _paint(shape: str, pts: list[tuple[float, float]], stroke: bool, fill: bool, obj: Any, height: float,
           shapes: dict[str, list[Obj]]) -> None:
    """pdfminer's PDFLayoutAnalyzer.paint_path for one subpath: a line, a rect or a curve."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant "l" back to the start before "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        kind, corners = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            kind, corners = "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
        else:
            kind, corners = "curve", pts
    else:
        kind, corners = "curve", pts
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    bx0, by0, bx1, by1 = min(xs), min(ys), max(xs), max(ys)
    top = height - by1
    # the fill colour matters only to tell white backgrounds (pdf._is_white_fill: unstroked rects)
    color = _fill_color(obj) if kind == "rect" and not stroke else None
    shapes[kind].append({
        "object_type": kind, "x0": bx0, "y0": by0, "x1": bx1, "y1": by1, "width": bx1 - bx0, "height": by1 - by0,
        "top": top, "bottom": height - by0, "doctop": top, "stroke": stroke, "fill": fill,
        "non_stroking_color": color, "pts": [(px, height - py) for px, py in corners]})
