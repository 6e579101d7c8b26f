"""The fast PDF table path (pdfium_page.py, pdf_lattice.py) against pdfplumber, the reference.

Both paths read every PDF fixture and corpus PDF into the same Document; the re-implemented table finder and
text assembly give pdfplumber's own results on random rulings and characters; pages the fast path cannot read
the same way are declined, and pdfplumber reads them.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.table import TableFinder
from pdfplumber.utils import chars_to_textmap
from pdfplumber.utils import extract_text as plumber_text

from pipeline.document import Table
from pipeline.readers import pdf_lattice
from pipeline.readers.pdf import LATTICE, TEXT_GRID, read_pdf
from pipeline.readers.pdfium_page import Declined, PdfiumPage, read_page
from tests.conftest import corpus_file
from tests.pairwise import closing_rules_pairwise

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "tests" / "fixtures" / "office"
FIXTURES = sorted(p.name for p in OFFICE.glob("*.pdf") if p.name != "encrypted.pdf")
CORPUS_PDFS = ("2021_pingtan_browser.pdf", "2023_hongze-qu.pdf", "2024_hongze-qu.pdf", "2024_huaian-shizhengfu.pdf",
               "2024_pingtan_browser.pdf")


def dump(doc) -> list:
    return [("T", b.index, b.page, b.caption, [[(c.text, c.row, c.col, c.page, c.spanned) for c in r] for r in b.rows])
            if isinstance(b, Table) else ("P", b.page, b.text) for b in doc.blocks]


def both(data: bytes):
    fast, ref = read_pdf(data, fast=True), read_pdf(data, fast=False)
    assert dump(fast) == dump(ref)
    assert ref.meta["pdf_fast_pages"] == "" and fast.meta["pdf_table_pages"] == ref.meta["pdf_table_pages"]
    return fast


@pytest.mark.parametrize("name", FIXTURES)
def test_both_paths_read_each_fixture_the_same(name: str) -> None:
    fast = both((OFFICE / name).read_bytes())
    table_pages = fast.meta["pdf_table_pages"].split(",")
    # LibreOffice's exports, Kangxi radicals under /ActualText included, and tables without rules (pdfplumber's
    # text-position finder on pdfium's characters): every table page read fast
    assert fast.meta["pdf_fast_pages"].split(",") == table_pages and "pdf_declined" not in fast.meta


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_both_paths_read_each_corpus_pdf_the_same(name: str) -> None:
    path = corpus_file(name)
    fast = both(path.read_bytes())
    # WPS/Word: fonts with metrics, vertical-writing label columns (hongze) included; browser-printed: Skia's
    # Type 3 CJK glyphs, each under /ActualText, one em wide
    assert fast.meta["pdf_fast_pages"] == fast.meta["pdf_table_pages"] and "pdf_declined" not in fast.meta


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_both_paths_read_reportlab_reports_the_same(seed: int) -> None:
    """Another producer (reportlab, STSong-Light): random layouts, page breaks inside tables."""
    from pipeline.synth import CellQuirks, generate
    from pipeline.synth.render_pdf import render_pdf

    rng = random.Random(seed)
    report = generate(rng, year=rng.randint(2019, 2024))
    options = dict(split_table3=rng.random() < 0.5, one_table_per_clause=rng.random() < 0.5,
                   repeat_header=rng.random() < 0.5, equal_columns=rng.random() < 0.3,
                   font_pt=rng.choice((10.5, 12, 14)), filler_before_table3=rng.randint(0, 8))
    fast = both(render_pdf(report, CellQuirks(blank_zero=0.3, label_typos=0.3, seed=seed), **options))
    assert fast.meta["pdf_fast_pages"] == fast.meta["pdf_table_pages"]


# ---- pages the fast path declines ------------------------------------------------------------------------
def _pdf(draw, rotate: int = 0) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("STSong-Light", 11)
    c.drawString(60, 760, "三、收到和处理政府信息公开申请情况：申请人情况 自然人 予以公开 总计")
    for y in (740, 720, 700):
        c.line(60, y, 400, y)
    for x in (60, 300, 400):
        c.line(x, 740, x, 700)
    c.drawString(64, 725, "（一）予以公开")
    c.drawString(304, 725, "12")
    c.drawString(64, 705, "（七）总计")
    c.drawString(304, 705, "30")
    draw(c)
    if rotate:
        c.setPageRotation(rotate)
    c.showPage()
    c.save()
    return buf.getvalue()


def _fake_bold(c) -> None:
    c.drawString(64, 650, "信息公开")
    c.drawString(64.3, 650, "信息公开")  # drawn twice, shifted: pdfium keeps one, pdfminer both


def _rotated_text(c) -> None:
    c.saveState()
    c.translate(500, 600)
    c.rotate(90)
    c.drawString(0, 0, "竖排文字")
    c.restoreState()


@pytest.mark.parametrize(("draw", "rotate", "reason"), [
    (lambda c: None, 90, "rotated page"),
    (_rotated_text, 0, "rotated or mirrored text"),
    (_fake_bold, 0, "text pdfium merged"),
])
def test_declined_pages_are_read_by_pdfplumber(draw, rotate: int, reason: str) -> None:
    data = _pdf(draw, rotate)
    with pytest.raises(Declined, match=reason):
        read_page(pdfium.PdfDocument(data), 0)
    fast = both(data)
    assert reason in fast.meta["pdf_declined"]


def test_a_plain_ruled_page_is_read_fast() -> None:
    fast = both(_pdf(lambda c: None))
    assert fast.meta["pdf_fast_pages"] == "1"
    assert [[c.text for c in r] for r in fast.tables[0].rows] == [["（一）予以公开", "12"], ["（七）总计", "30"]]


# ---- the algorithms, against pdfplumber's own functions ----------------------------------------------------
def _ruling(rng: random.Random) -> PdfiumPage:
    """Random rulings: grids with jittered, gapped, doubled and stray rules, as lines, rects and curves."""
    lines, rects, curves = [], [], []
    for _ in range(rng.randint(1, 3)):
        x0, y0 = rng.uniform(20, 200), rng.uniform(20, 400)
        xs = sorted({round(x0 + rng.uniform(0, 300) * k / 5, rng.choice((0, 1, 2))) for k in range(rng.randint(2, 6))})
        ys = sorted({round(y0 + rng.uniform(0, 300) * k / 6, rng.choice((0, 1, 2))) for k in range(rng.randint(2, 7))})
        for y in ys:
            j = rng.choice((0, 0, 0.5, 2.9, 3.1))
            segs = [(xs[0], xs[-1])] if rng.random() < 0.7 else list(zip(xs, xs[1:], strict=False))
            for a, b in segs:
                if rng.random() < 0.1:
                    continue  # a missing rule
                lines.append(_line(a + rng.choice((0, -1, 2.5)), y + j, b, y + j))
        for x in xs:
            j = rng.choice((0, 0, 0.4, 3.0))
            lines.append(_line(x + j, ys[0], x + j, ys[-1] + rng.choice((0, 0, 4))))
        if rng.random() < 0.5:
            a, b = rng.choice(list(zip(xs, xs[1:], strict=False)) or [(xs[0], xs[0] + 10)])
            rects.append(_rect(a, ys[0], b, ys[0] + rng.choice((0.5, 3, 20))))
        if rng.random() < 0.3:
            curves.append({"object_type": "curve", "pts": [(xs[0], ys[-1]), (xs[-1], ys[-1]), (xs[-1], ys[-1] + 9)],
                           "x0": xs[0], "x1": xs[-1], "top": ys[-1], "bottom": ys[-1] + 9})
    chars = []
    for _ in range(rng.randint(0, 60)):
        x, top = rng.uniform(10, 520), rng.uniform(10, 720)
        size = rng.choice((9, 10.5, 12))
        chars.append(_char(rng.choice("一二三4 5，（）总计"), x, top, size))
    return PdfiumPage({"char": chars, "line": lines, "rect": rects, "curve": curves}, 595, 842)


def _line(x0, top, x1, bottom) -> dict:
    return {"object_type": "line", "x0": min(x0, x1), "x1": max(x0, x1), "top": min(top, bottom),
            "bottom": max(top, bottom), "width": abs(x1 - x0), "height": abs(bottom - top), "doctop": min(top, bottom)}


def _rect(x0, top, x1, bottom) -> dict:
    return {"object_type": "rect", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "y0": 842 - bottom, "y1": 842 - top, "doctop": top}


def _char(text: str, x: float, top: float, size: float) -> dict:
    return {"object_type": "char", "text": text, "x0": x, "x1": x + size * (0.5 if text.isascii() else 1),
            "top": top, "bottom": top + size, "doctop": top, "upright": True, "size": size}


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_table_finder_matches_pdfplumber(seed: int) -> None:
    page = _ruling(random.Random(seed))
    theirs = TableFinder(page, LATTICE).tables
    ours = pdf_lattice.find_tables(page)
    assert [sorted(t.cells) for t in ours] == [sorted(t.cells) for t in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a.bbox == b.bbox
        assert [r.cells for r in a.rows] == [r.cells for r in b.rows]
        assert a.extract(x_tolerance=1.5) == b.extract(x_tolerance=1.5)


def _text_grid_page(rng: random.Random) -> PdfiumPage:
    """Tables without rules: words in columns (some cells empty, some labels long), stray words, a rule or two."""
    chars = []
    for _ in range(rng.randint(1, 2)):
        xs = sorted(rng.sample(range(40, 520, 6), rng.randint(2, 5)))
        top = rng.uniform(20, 400)
        for _r in range(rng.randint(2, 9)):
            size = rng.choice((9, 10.5, 12))
            for x in xs:
                if rng.random() < 0.15:
                    continue  # an empty cell
                word = rng.choice(("一二", "总计", "12", "3", "（一）申请", "0", "-", "合计人次"))
                cx = x + rng.choice((0, 0, 0.5, 2.5, 4))
                for ch in word:
                    chars.append(_char(ch, cx, top + rng.choice((0, 0, 0.3)), size))
                    cx = chars[-1]["x1"] + rng.choice((0, 0, 0.4))
            top += size + rng.choice((2, 4, 9, 20))
    for _ in range(rng.randint(0, 8)):  # stray words
        chars.append(_char(rng.choice("说明5，"), rng.uniform(10, 560), rng.uniform(10, 800), 10.5))
    lines = [_line(40, y, 500, y) for y in rng.sample(range(30, 800, 5), rng.choice((0, 0, 1, 2)))]
    return PdfiumPage({"char": chars, "line": lines, "rect": [], "curve": []}, 595, 842)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_text_grid_finder_matches_pdfplumber(seed: int) -> None:
    """Tables without rules (pdf.TEXT_GRID): pdfplumber's edges, pdf_lattice's cells and tables."""
    page = _text_grid_page(random.Random(seed))
    theirs = TableFinder(page, TEXT_GRID).tables
    ours = page.find_tables(TEXT_GRID)
    assert [sorted(t.cells) for t in ours] == [sorted(t.cells) for t in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a.bbox == b.bbox
        assert [r.cells for r in a.rows] == [r.cells for r in b.rows]
        assert a.extract(x_tolerance=1.5) == b.extract(x_tolerance=1.5)


def _line_of_chars(rng: random.Random) -> list[dict]:
    chars, x, top = [], rng.uniform(10, 100), rng.uniform(10, 100)
    for _ in range(rng.randint(1, 40)):
        if rng.random() < 0.15:  # a new line, near or far
            x, top = rng.uniform(10, 100), top + rng.choice((1, 2.9, 3, 3.1, 8, 14))
        size = rng.choice((9, 12))
        text = rng.choice("一二三总计12 ，.ﬁ")
        chars.append(_char(text, x, top + rng.choice((0, 0, 0.5, 2.8)), size))
        x += (chars[-1]["x1"] - chars[-1]["x0"]) + rng.choice((0, 0, 0.5, 1.4, 1.6, 2.9, 3.1, 6))
    rng.shuffle(chars) if rng.random() < 0.2 else None
    return chars


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_text_assembly_matches_pdfplumber(seed: int) -> None:
    chars = _line_of_chars(random.Random(seed))
    assert pdf_lattice.extract_text(chars, 1.5) == plumber_text(chars, x_tolerance=1.5)
    theirs = chars_to_textmap(chars, layout_bbox=(0, 0, 595, 842), layout_width=595, layout_height=842)
    assert pdf_lattice.text_lines(chars) == theirs.extract_text_lines(return_chars=False)


def test_pdfium_objects_match_pdfminer_on_a_fixture() -> None:
    """Rules and characters of one page read both ways: same classes, same boxes (to float precision)."""
    data = (OFFICE / "report_2021.pdf").read_bytes()
    ours = read_page(pdfium.PdfDocument(data), 2)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        theirs = pdf.pages[2]
        for kind in ("line", "rect", "curve"):
            a, b = ours.objects.get(kind, []), theirs.objects.get(kind, [])
            assert len(a) == len(b), kind
            for x, y in zip(a, b, strict=True):
                assert all(abs(x[k] - y[k]) < 1e-3 for k in ("x0", "x1", "top", "bottom")), kind
        assert len(ours.chars) == len([c for c in theirs.chars if c["text"] != " "])


# ---- closing rules: linear grouping, the same rules as the pairwise scan ----------------------------------
def test_closing_rules_match_the_pairwise_grouping() -> None:
    from pipeline.readers.pdf import closing_rules

    rng = random.Random(14)
    for _ in range(800):
        step = rng.choice((1, 0.5, 3))

        def c(step: float = step) -> float:
            return round(rng.uniform(0, 60) / step) * step + rng.choice((0, 0, 0.3, -0.7, 1.0, 2.0, 2.5))

        h = [(x, x + abs(c()) + 1, c()) for x in (c() for _ in range(rng.randint(0, rng.choice((12, 40)))))]
        v = [(c(), t, t + abs(c()) + rng.choice((0, 1, 5))) for t in (c() for _ in range(rng.randint(0, 30)))]
        v += v[:rng.choice((0, 3))]  # duplicates
        assert closing_rules(h, v) == closing_rules_pairwise(h, v), (h, v)


@pytest.mark.parametrize("name", [*CORPUS_PDFS, *FIXTURES])
def test_closing_rules_of_real_pages_match_the_pairwise_grouping(name: str) -> None:
    from pipeline.readers.pdf import _page_rules, _visible_filter, closing_rules

    path = corpus_file(name) if name in CORPUS_PDFS else OFFICE / name
    doc = pdfium.PdfDocument(path.read_bytes())
    for i in range(len(doc)):
        try:
            page = read_page(doc, i)
        except Declined:
            continue
        h, v = _page_rules(page.filter(_visible_filter(page)))
        assert closing_rules(h, v) == closing_rules_pairwise(h, v), (name, i)
