"""Scanned reports and tables printed as pictures, read by OCR (the optional extra `ocr`) and checked.

The real scans of the corpus score 100%; the generator's own reports, rendered as degraded scans (150 dpi,
rotation, speckle, JPEG, a red seal, a page break inside table 三, labels one character per line; and the
families draw_quirks varies: pages turned by quarter turns, skew beyond 6°, heavy noise) and as pictures in
web pages and Word files, extract exactly. Kept few: OCR takes seconds per page.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import pipeline
from pipeline.document import Cell, Document, Table
from pipeline.synth import HtmlQuirks, expected_cells, generate, render_docx, render_html_page
from pipeline.synth.render_html import table_image_files
from pipeline.synth.render_scan import (
    FontMissing,
    ScanQuirks,
    draw_quirks,
    font_file,
    render_scan_pages,
    render_scan_pdf,
)
from tests.conftest import SCORER
from tests.test_office_roundtrip import assert_exact

pytest.importorskip("rapidocr", reason="the OCR extra is not installed: pip install -e '.[ocr]'")
SCANS = ["2023_hongze-qu_scan.pdf", "2024_hongze-qu_scan.pdf", "2024_huaian-shizhengfu_scan.pdf"]


@pytest.fixture(scope="module")
def cjk_font():
    try:
        return font_file()
    except FontMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def scans_out(corpus_extracted):
    return corpus_extracted


def test_corpus_scans_score_fully(corpus, scans_out):
    proc = subprocess.run([sys.executable, str(SCORER), str(scans_out), str(corpus), "--files", ",".join(SCANS)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "perfect files 3/3" in proc.stdout and "metadata errors 0" in proc.stdout, proc.stdout
    reports = pd.read_parquet(scans_out / "reports.parquet")
    scans = reports[reports["source_path"].str.endswith("_scan.pdf")]
    assert len(scans) == 3 and set(scans["status"]) == {"ok"}
    assert scans["ocr"].all() and (scans["ocr_min_confidence"] >= 0.9).all()
    assert not reports.loc[~reports["source_path"].str.endswith("_scan.pdf"), "ocr"].any()
    requests = pd.read_parquet(scans_out / "requests.parquet")
    ocr = requests[requests["report_id"].isin(scans["report_id"])]
    assert ocr["ocr_confidence"].notna().all() and ocr["page"].notna().all()
    for name in SCANS:  # as many cells as the text PDF the scan was made from
        ids = [reports.loc[reports["source_path"].str.endswith(n), "report_id"].iloc[0]
               for n in (name, name.replace("_scan", ""))]
        assert (requests["report_id"] == ids[0]).sum() == (requests["report_id"] == ids[1]).sum() > 0
    assert requests.loc[~requests["report_id"].isin(scans["report_id"]), "ocr_confidence"].isna().all()


def test_scan_keeps_published_identity_breaks(scans_out):
    """The finer pass re-reads the cells of failed identities; the published break stays, flagged."""
    reports = pd.read_parquet(scans_out / "reports.parquet")
    checks = pd.read_parquet(scans_out / "checks.parquet")
    rid = reports.loc[reports["source_path"].str.endswith("2023_hongze-qu_scan.pdf"), "report_id"].iloc[0]
    failed = set(checks.loc[(checks["report_id"] == rid) & ~checks["passed"].astype(bool), "check"])
    assert failed == {"reviews.total.admin_review", "reviews.total.litigation_after_review"}


@pytest.mark.parametrize(("seed", "year", "quirks"), [
    (4, 2022, ScanQuirks(seed=4, filler_paragraphs=3, max_angle=1.5, rule_px=1)),
    (9, 2020, ScanQuirks(seed=9, serif=True, rule_px=3, shade_clause_rows=True, jpeg_quality=40, speckle=0.001)),
])
def test_generated_scan_round_trip(cjk_font, seed, year, quirks):
    report = generate(random.Random(seed), year=year)
    rep = pipeline.extract_bytes(render_scan_pdf(report, quirks), "scan.pdf")
    assert_exact(rep, expected_cells(report), year=year, template=report.template, failures=[])
    assert rep.row["year"] == year and rep.row["ocr"]


@pytest.mark.parametrize(("families", "seed"), [
    (("rotation",), 3),  # pages turned by 90°, 180° and 270° in one document
    (("skew",), 5),  # 6-15° either way
    (("noise",), 8),  # faded toner, blur, tinted paper, uneven lighting, speckle, strong JPEG
    (("rotation", "skew", "noise"), 11),  # three pages at 270°, 270°, 90°, skewed 6-9°, on grey paper
    (("borderless",), 21),  # tables printed without rules: cells aligned by position only
    (("borderless", "rotation", "skew"), 32),
])
def test_generated_scan_families_round_trip(cjk_font, families, seed):
    """Scan damage drawn per family by the generator (draw_quirks) on a generated report: read exactly."""
    rng = random.Random(seed)
    quirks = draw_quirks(rng, families)
    year = rng.choice([2020, 2021, 2022, 2023, 2024])
    report = generate(random.Random(seed), year=year)
    rep = pipeline.extract_bytes(render_scan_pdf(report, quirks), "scan.pdf")
    assert_exact(rep, expected_cells(report), year=year, template=report.template, failures=[])
    assert rep.row["ocr"]


def test_pages_turned_and_skewed_are_stood_upright(cjk_font):
    """Each quarter turn and a skew far beyond 6° are found and undone: the straightened page is the upright one."""
    import cv2
    import numpy as np
    from PIL import Image

    from pipeline.ocr.image import drop_colour
    from pipeline.ocr.orient import straighten

    report = generate(random.Random(2), year=2023)
    page = render_scan_pages(report, ScanQuirks(seed=2, max_angle=0, seal=False, speckle=0))[0]
    for turns, skew in [(0, 0.0), (1, 11.0), (2, -8.5), (3, 14.0)]:
        img = page.rotate(skew, resample=Image.BICUBIC, fillcolor="white", expand=True).rotate(90 * turns, expand=True)
        bgr = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)
        got = straighten(drop_colour(bgr), 150)
        assert (got.turns + turns) % 4 == 0, (turns, skew, got.turns)
        assert got.angle == pytest.approx(-skew, abs=0.3)
        assert got.gray.shape[0] > got.gray.shape[1]  # portrait again


def test_unruled_grid_from_read_blocks():
    """A table printed without rules, from its read blocks alone: value columns from the values' centres, a label
    column from the labels' left edges, a group label over several rows spans them, a clause line alone in its
    row spans the table, a header's single value column reaches over the columns its rows leave empty, and a
    section heading standing alone cuts the region in two."""
    from pipeline.ocr.page import OcrTable
    from pipeline.ocr.unruled import Block, tables_of

    g = 20.0

    def block(x0, y0, text, lines=1, width=None):
        w = width if width is not None else round(len(text) * g)
        box = (x0, y0, x0 + w, y0 + round(g * (1.4 * lines - 0.4)))
        bands = [(x0, y0 + round(1.4 * g * k), x0 + w, y0 + round(1.4 * g * k + g)) for k in range(lines)]
        return Block(box, bands, text, 0.99, [text] if lines == 1 else [text[k::lines] for k in range(lines)])

    xs = [300, 380, 460]  # value column centres
    blocks = [block(250, 100, "第二十条第（一）项"), block(100, 150, "信息内容"),
              *[block(x - 40, 150, "本年新增", width=80) for x in xs]]
    for r, label in enumerate(["规章", "行政规范性文件"]):
        blocks += [block(100, 200 + 50 * r, label), *[block(x - 5, 200 + 50 * r, str(r + k), width=10) for k in range(3)
                                                      for x in xs[k:k + 1]]]
    blocks += [block(100, 320, "信息内容"), block(340, 320, "本年处理决定数量", width=160),
               block(100, 370, "行政许可"), block(375, 370, "7", width=10)]
    blocks += [block(100, 440, "三、收到和处理政府信息公开申请情况")]
    blocks += [block(40, 500, "三、办理结果", lines=3, width=20)]
    for r in range(3):
        blocks += [block(100, 490 + 40 * r, f"{r + 1}.属于国家秘密"), *[block(x - 5, 490 + 40 * r, "0", width=10) for x in xs]]
    found = tables_of(blocks, g, 1, 1, 150.0)
    kinds = [type(item).__name__ for _top, item, _c in found]
    assert kinds == ["OcrTable", "str", "OcrTable"], kinds
    first, heading, second = (item for _top, item, _c in found)
    assert heading == "三、收到和处理政府信息公开申请情况"
    rows = [[c.text for c in row] for row in first.rows]
    assert rows[0] == ["第二十条第（一）项"] * 4  # alone in its row: across the table
    assert rows[2] == ["规章", "0", "1", "2"] and rows[3] == ["行政规范性文件", "1", "2", "3"]
    assert rows[4] == ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"]
    assert rows[5] == ["行政许可", "7", "7", "7"] and [c.spanned for c in first.rows[5]] == [False, False, True, True]
    assert isinstance(second, OcrTable)
    group = [row[0] for row in second.rows]
    assert [c.text for c in group] == ["三、办理结果"] * 3 and [c.spanned for c in group] == [False, True, True]
    assert [[c.text for c in row][1:] for row in second.rows] == [[f"{r + 1}.属于国家秘密", "0", "0", "0"]
                                                               for r in range(3)]


def test_marks_along_the_scan_edge_are_not_text():
    """A broken, slanted line along the image edge (the paper's edge, its shadow) does not join the text lines
    beside it into one band; lines longer than any glyph are dropped too."""
    import cv2
    import numpy as np

    from pipeline.ocr.page import _text_mask, text_bands

    ink = np.zeros((600, 900), np.uint8)
    for k in range(4):  # four lines of glyph-like blobs
        y = 100 + 60 * k
        for x in range(150, 700, 26):
            cv2.rectangle(ink, (x, y), (x + 18, y + 22), 255, 2)
    for y in range(80, 400, 14):  # the paper's edge: dashes slanting away from the border
        x = 10 + (y - 80) // 60
        cv2.line(ink, (x, y), (x, y + 9), 255, 2)
    cv2.line(ink, (150, 480), (800, 480), 255, 2)  # a long stray line
    text = _text_mask(ink, np.zeros_like(ink), 150)
    bands = text_bands(text, 22.0)
    assert len(bands) == 4 and all(b[0] >= 140 for b in bands), bands


def test_picture_tables_in_a_web_page(cjk_font):
    report = generate(random.Random(21), year=2023)
    rep = pipeline.extract_bytes(render_html_page(report, HtmlQuirks(table_images="data", seed=1)), "p.html")
    assert_exact(rep, expected_cells(report), year=2023, template=report.template, failures=[])
    assert rep.row["ocr"] and rep.requests["page"].isna().all()
    # an <img src> outside the page: only what the caller hands over (the raw store) is read, nothing fetched
    q = HtmlQuirks(table_images="files", seed=2)
    page, files = render_html_page(report, q), table_image_files(report, q)
    alone = pipeline.extract_bytes(page, "p.html")
    assert alone.status == "no_tables" and not alone.row["ocr"]
    given = pipeline.extract_bytes(page, "p.html", resources=files.get)
    assert given.status == "ok" and len(given.requests) == len(rep.requests)


def test_picture_tables_in_a_word_file(cjk_font):
    report = generate(random.Random(22), year=2020)
    rep = pipeline.extract_bytes(render_docx(report, table_images=True), "r.docx")
    assert_exact(rep, expected_cells(report), year=2020, template=report.template, failures=[])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH: no PDF export")
def test_picture_tables_on_text_pages_of_a_pdf(cjk_font):
    from pipeline.synth import docx_to_pdf

    report = generate(random.Random(31), year=2021)
    rep = pipeline.extract_bytes(docx_to_pdf(render_docx(report, table_images=True)), "r.pdf")
    assert_exact(rep, expected_cells(report), year=2021, template=report.template, failures=[])
    assert rep.row["ocr"]


def test_standalone_picture_of_a_page(cjk_font):
    import io

    report = generate(random.Random(5), year=2024)
    pages = render_scan_pages(report, ScanQuirks(seed=5, seal=True))
    buf = io.BytesIO()
    pages[0].save(buf, "JPEG", quality=70)
    rep = pipeline.extract_bytes(buf.getvalue(), "IMG_0012.jpg")
    assert rep.row["media_type"] == "image/jpeg" and rep.row["ocr"]
    assert rep.row["year"] == 2024  # the title read from the picture
    assert rep.status in ("ok", "partial", "no_tables")


def test_without_the_extra_pictures_leave_needs_ocr(monkeypatch):
    from pipeline.ocr import engine

    report = generate(random.Random(21), year=2023)
    page = render_html_page(report, HtmlQuirks(table_images="data", seed=1)) if _font() else None
    monkeypatch.setattr(engine, "_engine", None)
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    rep = pipeline.extract_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "table.png")
    assert rep.status == "needs_ocr" and "ogi-reports[ocr]" in rep.row["error"]
    if page is not None:
        rep = pipeline.extract_bytes(page, "p.html")
        assert rep.status == "needs_ocr" and "ogi-reports[ocr]" in rep.row["error"]


def _font() -> bool:
    try:
        font_file()
    except FontMissing:
        return False
    return True


def test_ocr_never_reaches_the_network(tmp_path, cjk_font):
    """The models ship in the wheel: a fresh process with every socket refused still reads a scan."""
    report = generate(random.Random(9), year=2020)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(render_scan_pdf(report, ScanQuirks(seed=9)))
    code = textwrap.dedent(f"""
        import socket
        def refuse(*a, **k):
            raise OSError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        import pipeline
        rep = pipeline.extract({str(pdf)!r})
        print(rep.status, len(rep.requests))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["ok", str(23 * 7)], out.stdout + out.stderr[-2000:]


def _doc(values: list[tuple[str, float]], refine=None) -> Document:
    """A one-row table 四 read by OCR: the cells' texts with their confidences."""
    head = ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9]
    sub = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    rows = [[Cell(t, 0, c) for c, t in enumerate(head)], [Cell(t, 1, c) for c, t in enumerate(sub)],
            [Cell(t, 2, c, 1, False, conf, (1, c, 2, c + 1, 3)) for c, (t, conf) in enumerate(values)]]
    return Document([Table(rows, 0, 1, "四、政府信息公开行政复议、行政诉讼情况")], "application/pdf",
                    meta={"ocr_pages": "1"}, refine=refine)


def _framed(tables) -> dict:
    """normalise/recheck give each table as checked columns: frames for the assertions."""
    from pipeline import schema

    return {name: schema.frame(name, [cols]) for name, cols in tables.items()}


def test_doubtful_values_are_flagged_never_guessed():
    from pipeline.extraction import normalise
    from pipeline.metadata import read_metadata
    from pipeline.ocr.verify import recheck

    values = [("1", 0.99), ("0", 0.99), ("0", 0.99), ("0", 0.99), ("1", 0.99)] + [("0", 0.99)] * 9 + [("3", 0.42)]
    doc = _doc(values)
    md = read_metadata("", [], {})
    frames, fields = recheck(doc, "r1", lambda: normalise(doc, "r1", md), normalise(doc, "r1", md))
    frames = _framed(frames)
    flag = frames["checks"][frames["checks"]["check"] == "ocr.confidence.reviews"]
    assert len(flag) == 1 and not flag["passed"].iloc[0]
    assert flag["cells"].iloc[0] == "litigation_after_review.total" and flag["lhs"].iloc[0] == pytest.approx(0.42)
    assert flag[["family", "subject", "kind", "scope"]].values.tolist() == [["ocr.confidence", "reviews", "ocr", "report"]]
    rv = frames["reviews"].set_index(["proceeding", "outcome"])
    assert rv.loc[("litigation_after_review", "total"), "value"] == 3  # kept as read, flagged
    assert fields["ocr_min_confidence"] == pytest.approx(0.42) and fields["n_checks_failed"] >= 1


def test_failed_identity_triggers_the_finer_pass():
    from pipeline.extraction import normalise
    from pipeline.metadata import read_metadata
    from pipeline.ocr.verify import recheck

    asked: list[Cell] = []

    def refine(cells):  # the finer reading sees 8 where the first pass read 3
        asked.extend(cells)
        return {c.box: ("8", 0.99) for c in cells if c.text == "3"}

    values = [("5", 0.95), ("3", 0.95), ("0", 0.99), ("0", 0.99), ("13", 0.99)] + [("0", 0.99)] * 10
    doc = _doc(values, refine)
    md = read_metadata("", [], {})
    frames, fields = recheck(doc, "r2", lambda: normalise(doc, "r2", md), normalise(doc, "r2", md))
    frames = _framed(frames)
    assert {c.col for c in asked} == {0, 1, 2, 3, 4}  # the cells of reviews.total.admin_review
    checks = frames["checks"].set_index("check")
    assert checks.loc["reviews.total.admin_review", "passed"]  # 5 + 8 + 0 + 0 = 13 once read again
    rv = frames["reviews"].set_index(["proceeding", "outcome"])
    assert rv.loc[("admin_review", "corrected"), "value"] == 8
    assert "read again" in fields["warnings"]


def test_a_single_ruled_row_after_a_table_page_is_read():
    """The probe that picks table pages: a lone ruled row (the last row of a table cut by a page break) is a table
    page only right after one."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from pipeline.ocr.pdf import has_ruled_table

    img = Image.new("RGB", (1240, 1754), "white")
    d = ImageDraw.Draw(img)
    xs = [150, 600, 680, 760, 840, 920, 1000, 1090]
    d.rectangle((xs[0], 150, xs[-1], 200), outline="black", width=2)
    for x in xs[1:-1]:
        d.line((x, 150, x, 200), fill="black", width=2)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150.0)
    page = pdfium.PdfDocument(buf.getvalue())[0]
    assert not has_ruled_table(page) and has_ruled_table(page, min_rows=2)
