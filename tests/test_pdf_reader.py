"""PDF reader: real corpus PDFs (truth files), generated fixtures, and bad input."""

from __future__ import annotations

import io
import json
import re
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline.document import Cell, Paragraph, ReaderError, Table
from pipeline.readers.cjk_fold import clean_cell_text, fold_cjk, is_page_number
from pipeline.readers.pdf import _append_continuation, _Grid, find_title, read_pdf, select_table_pages
from pipeline.synth.templates import APPLICANT_PARTS, PROCEEDINGS, request_row_keys
from pipeline.synth.templates import REVIEW_OUTCOMES as REVIEW_OUTCOME_KEYS
from tests.conftest import corpus_file

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "tests" / "fixtures" / "office"
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
REVIEW_KINDS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]
REVIEW_OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def corpus_pdf(name: str) -> tuple[bytes, dict]:
    path = corpus_file(name)
    return path.read_bytes(), json.loads(path.with_name(name + ".truth.json").read_text())


def table_with(doc, text: str) -> Table:
    hits = [t for t in doc.tables if any(c.text == text for r in t.rows for c in r)]
    assert len(hits) == 1, f"expected one table holding {text!r}, got {len(hits)}"
    return hits[0]


def data_rows(table: Table) -> list[list]:
    """Rows of table 三 after its header: those whose last 7 cells are numbers."""
    return [r for r in table.rows if len(r) == 10 and all(re.fullmatch(r"\d+(\.\d+)?", c.text) for c in r[3:])]


def truth_requests(truth: dict) -> list[tuple[str, list[float]]]:
    rows: dict[str, dict[str, float]] = {}
    for item in truth["requests"]:
        rows.setdefault(item["row"], {})[item["applicant"]] = item["value"]
    return [(label, [vals[a] for a in APPLICANTS]) for label, vals in rows.items()]


@pytest.fixture(scope="module")
def huaian():
    data, truth = corpus_pdf("2024_huaian-shizhengfu.pdf")
    return read_pdf(data), truth


@pytest.mark.parametrize("name", ["2024_huaian-shizhengfu.pdf", "2023_hongze-qu.pdf", "2024_hongze-qu.pdf"])
def test_corpus_table_3_matches_truth_row_by_row(name):
    data, truth = corpus_pdf(name)
    doc = read_pdf(data)
    t3 = table_with(doc, "申请人情况")
    expected = truth_requests(truth)
    rows = data_rows(t3)
    assert len(rows) == len(expected)  # one stitched table, no row lost at the page break
    assert len(t3.rows) == len(expected) + 3  # plus the three header rows
    for row, (label, values) in zip(rows, expected, strict=True):
        assert [float(c.text) for c in row[3:]] == values, label
        if label.startswith("三、"):
            group = re.match(r"三、(（.）[^-]*)", label).group(1)
            assert row[0].text == "三、本年度办理结果"
            assert row[1].text == group
            leaf = label.partition("-")[2]
            if leaf:  # "1、" printed for "1." in huaian; typos in hongze: compare the number
                assert row[2].text[0] == leaf[0]
        else:
            assert row[0].text == label
        assert all(c.page is not None for c in row)


def test_huaian_break_inside_group_4_keeps_label_and_pages(huaian):
    doc, _ = huaian
    t3 = table_with(doc, "申请人情况")
    group4 = [r for r in t3.rows if r[1].text == "（四）无法提供"]
    assert [r[2].text for r in group4] == [
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    ]
    assert [r[3].page for r in group4] == [4, 5, 5]
    assert t3.page == 4
    other = [r[2].text for r in t3.rows if r[1].text == "（六）其他处理"]
    assert other[0] == "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert not any("\n" in c.text for r in t3.rows for c in r)


def test_huaian_tables_2_and_4_and_prose(huaian):
    doc, truth = huaian
    assert len(doc.tables) == 3
    t2, t4 = doc.tables[0], doc.tables[2]
    assert (t2.page, t2.caption) == (3, "二、主动公开政府信息情况")  # pages 3–4 stitched
    by_item = {r[0].text: [c.text for c in r[1:] if not c.spanned] for r in t2.rows}
    for item in truth["proactive"]:
        assert float(item["value"]) in [float(x) for x in by_item[item["item"]]]
    reviews = {(x["kind"], x["outcome"]): x["value"] for x in truth["review_litigation"]}
    expected = [reviews[(k, o)] for k in REVIEW_KINDS for o in REVIEW_OUTCOMES]
    assert [int(c.text) for c in t4.rows[-1]] == expected
    assert t4.rows[0][0].text == "行政复议" and t4.rows[2][0].text == "结果维持"
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert ("三、收到和处理政府信息公开申请情况", 4) in [(p.text, p.page) for p in paragraphs]
    assert not any(is_page_number(p.text) for p in paragraphs)
    assert doc.title == "淮安市人民政府2024 年政府信息公开工作年度报告"
    assert doc.media_type == "application/pdf"


def test_hongze_white_line_backgrounds_are_not_tables():
    data, _ = corpus_pdf("2023_hongze-qu.pdf")
    doc = read_pdf(data)
    assert len(doc.tables) == 3
    assert "一、总体情况" in doc.lines
    t2 = doc.tables[0]
    # label read without its top rule; page 3's grid re-aligned on page 2's four columns (copies spanned)
    assert ["信息内容", "本年处理决定数量"] == [c.text for c in t2.rows[8] if not c.spanned]
    assert len(t2.rows[8]) == 4


def _two_font_line() -> bytes:
    """A ruled cell whose text mixes two fonts on one baseline: 1. in Helvetica, the words in STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(60, 720, "申请人情况：自然人 （四）无法提供")  # table words: the page is read for tables
    for y in (700, 680, 660):
        c.line(60, y, 400, y)
    for x in (60, 300, 400):
        c.line(x, 700, x, 660)
    t = c.beginText(64, 685)
    t.setFont("Helvetica", 12)
    t.textOut("1.")
    t.setFont("STSong-Light", 12)
    t.textOut("本机关不掌握相关政府信息")
    c.drawText(t)
    c.setFont("Helvetica", 12)
    c.drawString(304, 685, "22")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_chars_hang_from_their_baseline_whatever_the_font():
    """pdfminer offsets each font's boxes by its descriptor's Descent; on the baseline they line up."""
    import pdfplumber

    from pipeline.readers.pdf import on_baseline

    with pdfplumber.open(io.BytesIO(_two_font_line())) as pdf:
        page = pdf.pages[0]
        on_685 = [ch for ch in page.chars if ch["matrix"][5] == 685]
        assert len({round(ch["top"], 2) for ch in on_685}) == 2  # Helvetica and STSong tops differ
        chars = [ch for ch in on_baseline(page).chars if ch["matrix"][5] == 685]
        assert {round(ch["top"], 2) for ch in chars} == {842 - 685 - 12}
        assert {round(ch["bottom"] - ch["top"], 2) for ch in chars} == {12}
    cell = table_with(read_pdf(_two_font_line()), "22").rows[0][0]
    assert cell.text == "1.本机关不掌握相关政府信息"


def test_browser_pdf_digits_and_cjk_share_a_line():
    """Skia's Type 3 CJK glyphs (no Descent) beside DejaVu digits: one label, not 本机关不掌握相1.关政府信息."""
    data, _ = corpus_pdf("2021_pingtan_browser.pdf")
    labels = {c.text for t in read_pdf(data).tables for r in t.rows for c in r}
    assert {"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作"} <= labels


def test_page_selection_skips_prose_pages():
    pages = [["一、总体情况", "本年度我市公开信息 1136 条。"]] * 3 + [
        ["第二十条第（一）项", "信息内容 本年制发件数", "规章 1 0 11"], ["五、存在的主要问题"], ["六、其他"],
    ]
    assert select_table_pages(pages) == {4, 5}


# --- generated fixtures (scripts/make_office_fixtures.py) -------------------------------------------------


def fixture(name: str) -> bytes:
    return (OFFICE / name).read_bytes()


def expected(name: str) -> dict:
    """The fixture's expected.json: cells keyed (table, key1, key2), year, template, title."""
    doc = json.loads((OFFICE / f"{name}.expected.json").read_text())
    doc["cells"] = {tuple(k.split("|")): v for k, v in doc["cells"].items()}
    return doc


def expected_rows(exp: dict, single_other: bool = False) -> list[list[float]]:
    applicants = [*APPLICANT_PARTS, "total"]
    return [[exp["cells"][("requests", o, a)] for a in applicants]
            for o in request_row_keys(exp["template"], single_other)]


@pytest.mark.parametrize(("name", "pages", "single_other"),
                         [("report_2021", {2, 3, 4}, False), ("report_2021_repeat_header", {2, 3}, True)])
def test_fixture_pdf_table_3_split_across_pages_is_exact(name, pages, single_other):
    doc = read_pdf(fixture(f"{name}.pdf"))
    exp = expected(name)
    t3 = table_with(doc, "申请人情况")
    assert sum(1 for r in t3.rows if r[3].text == "申请人情况") == 1  # repeated header dropped
    rows = data_rows(t3)
    assert [[float(c.text) for c in r[3:]] for r in rows] == expected_rows(exp, single_other)
    assert {r[3].page for r in rows} == pages
    assert all(r[0].text == "三、本年度办理结果" for r in rows[2:-1])
    assert [r[1].text for r in rows[12:15]] == ["（四）无法提供"] * 3
    t4 = table_with(doc, "未经复议直接起诉")
    reviews = [exp["cells"][("reviews", p, o)] for p in PROCEEDINGS for o in REVIEW_OUTCOME_KEYS]
    assert [float(c.text) for c in t4.rows[-1]] == reviews
    rules = next(r for r in doc.tables[0].rows if r[0].text == "规章")
    assert [float(c.text) for c in rules[1:]] == [exp["cells"][("proactive", "rules", m)]
                                                  for m in ("issued", "repealed", "in_force")]


def test_fixture_pdf_radicals_folded_and_title():
    doc = read_pdf(fixture("report_2021.pdf"))
    text = "".join(doc.lines)
    assert "中华人民共和国政府信息公开条例" in text and not re.search(r"[\u2e80-\u2fdf]", text)
    assert doc.title.replace(" ", "") == expected("report_2021")["title"]  # "2023 年": a gap in the PDF text


def test_borderless_tables_use_word_position_fallback():
    """Rules-free tables come out of the word-position fallback; short rows are read right (not all rows)."""
    doc = read_pdf(fixture("borderless.pdf"))
    exp = expected("borderless")
    found = {next(c.text for c in r if c.text): [c.text for c in r[-7:]]
             for t in doc.tables for r in t.rows if len(r) == 10 and any(c.text for c in r)}
    for key, label in [("not_processed_duplicate", "2.重复申请"), ("other_misc", "3.其他"),
                       ("total_processed", "（七）总计")]:
        want = [exp["cells"][("requests", key, a)] for a in [*APPLICANT_PARTS, "total"]]
        assert [float(x) for x in found[label]] == want, label


# --- bad input ---------------------------------------------------------------------------------------------


def blank_pdf(n: int) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(n):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def scanned_pdf() -> bytes:
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (300, 400), (250, 250, 250))))
    image.set_matrix(pdfium.PdfMatrix().scale(500, 700).translate(40, 70))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_zero_byte_pdf():
    with pytest.raises(ReaderError, match="0 bytes") as err:
        read_pdf(b"")
    assert err.value.status == "failed"


def test_truncated_pdf():
    data = fixture("report_2021.pdf")
    with pytest.raises(ReaderError, match="truncated"):
        read_pdf(data[: len(data) // 2])


def test_html_saved_as_pdf():
    with pytest.raises(ReaderError, match="not a PDF"):
        read_pdf(b"<html><body>404 Not Found</body></html>")


def test_encrypted_pdf():
    with pytest.raises(ReaderError, match="encrypted") as err:
        read_pdf(fixture("encrypted.pdf"))
    assert err.value.status == "failed"


def test_scanned_pdf_needs_ocr_without_the_extra(monkeypatch):
    from pipeline.ocr import engine

    monkeypatch.setattr(engine, "_engine", None)
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # the optional extra is not installed
    with pytest.raises(ReaderError, match=r"OCR.*ogi-reports\[ocr\]") as err:
        read_pdf(scanned_pdf())
    assert err.value.status == "needs_ocr"


def test_blank_scan_read_by_ocr_has_no_tables():
    with pytest.raises(ReaderError, match="no table and no text") as err:
        read_pdf(scanned_pdf())
    assert err.value.status == "no_tables"


def test_500_blank_pages_hit_the_page_limit_then_read_fast_as_blank():
    data = blank_pdf(500)
    with pytest.raises(ReaderError, match="500 pages, more than the limit of 200"):
        read_pdf(data)
    start = time.monotonic()
    with pytest.raises(ReaderError, match="blank") as err:
        read_pdf(data, max_pages=1000)
    assert err.value.status == "failed"
    assert time.monotonic() - start < 10


def test_time_limit_becomes_reader_error():
    with pytest.raises(ReaderError, match="time limit of 0 s exceeded"):
        read_pdf(fixture("report_2021.pdf"), timeout_s=0)


# --- text helpers ------------------------------------------------------------------------------------------


def test_fold_radicals_and_merge_vertical_labels():
    assert fold_cjk("⼈⺠政府⻔户⽹站") == "人民政府门户网站"
    assert clean_cell_text("三\n、\n本\n年\n度\n办\n理\n结\n果") == "三、本年度办理结果"
    assert clean_cell_text("5.要求行政机关确认或重 新出具\n已获取信息") == "5.要求行政机关确认或重新出具已获取信息"
    assert clean_cell_text("3001") == "3001" and clean_cell_text("-4-") == ""
    assert [is_page_number(x) for x in ["- 4 -", "—12—", "第3页 共6页", "2024", "一、总体情况"]] == [
        True, True, True, False, False,
    ]


def test_find_title_joins_the_agency_line():
    assert find_title(["- 1 -", "淮安市人民政府", "2024 年政府信息公开工作年度报告", "本报告由…编制。"]) == (
        "淮安市人民政府2024 年政府信息公开工作年度报告"
    )
    assert find_title(["关于报送2024年度报告的通知，请各单位于3月底前报送。"]) == ""


# --- stitching at a page break: grid-level cases of the causes found by the Word → PDF sweep ----------------
def _grid(rows: list[list[str]], page: int, spans: dict | None = None) -> _Grid:
    cells = [[Cell(t, r, c, page) for c, t in enumerate(row)] for r, row in enumerate(rows)]
    own = {(r, c): (r, c) for r, row in enumerate(rows) for c in range(len(row))}
    return _Grid(cells, page, 0.0, len(rows[0]), own | (spans or {}))


def _stitched(t: _Grid, u: _Grid) -> list[list[str]]:
    _append_continuation(t, u)
    return [[c.text for c in row] for row in t.rows]


def test_header_row_ending_the_page_is_not_carried_into_blank_values():
    """A header row last on its page, then a row whose values are all blank: blanks stay blank."""
    t = _grid([["行政复议", "行政复议", "行政诉讼"], ["结果维持", "总计", "结果维持"]], 3,
              {(0, 1): (0, 0)})
    u = _grid([["", "", "1"]], 4)
    assert _stitched(t, u)[-1] == ["", "", "1"]
    t = _grid([["信息内容", "本年制发件数", "现行有效件数"]], 2)
    assert _stitched(t, _grid([["规章", "", ""]], 3))[-1] == ["规章", "", ""]


def test_group_label_still_carried_beside_a_row_label():
    t = _grid([["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "1"]], 2)
    u = _grid([["", "", "5.属于三类内部事务信息", ""]], 3)
    assert _stitched(t, u)[-1] == ["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息", ""]


def test_header_row_cut_by_the_page_break_is_joined():
    """结果 / 维持: a wrapped header row cut in two; the rest, on the next page, is no row of its own."""
    t = _grid([["行政复议", "行政复议", "行政复议"], ["结果", "尚未", "总计"]], 4, {(0, 1): (0, 0), (0, 2): (0, 0)})
    u = _grid([["维持", "审结", ""], ["", "", "3"]], 5)
    assert _stitched(t, u) == [["行政复议"] * 3, ["结果维持", "尚未审结", "总计"], ["", "", "3"]]


def test_header_row_below_a_header_row_is_not_joined():
    t = _grid([["行政复议", "行政诉讼", "行政诉讼"]], 4, {(0, 2): (0, 1)})
    u = _grid([["结果维持", "结果维持", "总计"], ["1", "", "1"]], 5)
    assert _stitched(t, u)[1] == ["结果维持", "结果维持", "总计"]


def test_numbered_row_with_blank_first_values_is_not_a_fragment():
    """A cut-row fragment has no numbered label; （五）… / 1、… starts a row even when its first cells are blank."""
    t = _grid([["三、本年度办理结果", "（四）无法提供", "3、补正后申请内容仍不明确", "", "/", "/"]], 4)
    u = _grid([["", "（五）不予处理", "1、信访举报投诉类申请", "", "—", "—"]], 5)
    rows = _stitched(t, u)
    assert rows[0][1:3] == ["（四）无法提供", "3、补正后申请内容仍不明确"]
    assert rows[1] == ["三、本年度办理结果", "（五）不予处理", "1、信访举报投诉类申请", "", "—", "—"]


def test_spaced_numbering_is_a_row_of_its_own():
    """（ 七）总计 (a space inside the brackets) after the cut （六）其他处理 row is a new row, not its rest."""
    t = _grid([["三、本年度办理结果", "（六）其他处理", "", "1"]], 5)
    u = _grid([["", "（ 七）总计", "", "８"]], 6)
    rows = _stitched(t, u)
    assert [r[1] for r in rows] == ["（六）其他处理", "（ 七）总计"]
