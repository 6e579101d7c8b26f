"""Word reader: generated .docx/.doc fixtures with merged cells, and bad input."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.document import Paragraph, ReaderError, Table
from pipeline.readers.docx import read_doc, read_docx
from pipeline.synth.templates import APPLICANT_PARTS, PROCEEDINGS, REVIEW_OUTCOMES, request_row_keys

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
ORDER = request_row_keys("2021")
APPLICANTS = [*APPLICANT_PARTS, "total"]


@pytest.fixture(scope="module")
def values() -> dict:
    """report_2021.expected.json with cells keyed (table, key1, key2)."""
    doc = json.loads((OFFICE / "report_2021.expected.json").read_text())
    doc["cells"] = {tuple(k.split("|")): v for k, v in doc["cells"].items()}
    return doc


def check_report(doc, values: dict) -> None:
    cells = values["cells"]
    assert [t.index for t in doc.tables] == [0, 1, 2]
    t2, t3, t4 = doc.tables
    assert t3.caption.startswith("三、收到和处理政府信息公开")
    assert all(len(r) == 10 for r in t3.rows) and len(t3.rows) == 28
    data = t3.rows[3:]
    assert [[float(c.text) for c in r[3:]] for r in data] == [[cells[("requests", k, a)] for a in APPLICANTS]
                                                               for k in ORDER]
    # vMerge: the group label is copied into every covered slot, marked spanned
    assert [r[0].text for r in data[2:-1]] == ["三、本年度办理结果"] * 22
    assert [r[0].spanned for r in data[2:4]] == [False, True]
    group4 = [r for r in data if r[1].text == "（四）无法提供"]
    assert [r[1].spanned for r in group4] == [False, True, True]
    # gridSpan: 一、 spans three columns; header 申请人情况 spans seven
    assert [c.text for c in data[0][:3]] == ["一、本年新收政府信息公开申请数量"] * 3
    assert [c.spanned for c in data[0][:3]] == [False, True, True]
    assert [c.text for c in t3.rows[2][3:]] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    reviews = [cells[("reviews", p, o)] for p in PROCEEDINGS for o in REVIEW_OUTCOMES]
    assert [float(c.text) for c in t4.rows[-1]] == reviews
    assert t4.rows[1][5].text == "未经复议直接起诉" and t4.rows[2][5].text == "结果维持"
    rules = [cells[("proactive", "rules", m)] for m in ("issued", "repealed", "in_force")]
    assert [c.text for c in t2.rows[2]] == ["规章", *(str(int(v)) for v in rules)]
    texts = [b.text if isinstance(b, Paragraph) else f"<table {b.index}>" for b in doc.blocks]
    assert texts.index(t3.caption) + 1 == texts.index("<table 1>")
    intro = next(t for t in texts if "政府信息公开条例" in t)  # written with ⼈⺠ radicals, read folded
    assert "中华人民共和国" in intro and not re.search(r"[\u2e80-\u2fdf]", intro)
    assert doc.title == values["title"]


def test_docx_merged_cells_expanded_in_document_order(values):
    doc = read_docx((OFFICE / "report_2021.docx").read_bytes())
    assert doc.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    check_report(doc, values)
    assert all(isinstance(b, Paragraph | Table) for b in doc.blocks)


def test_doc_converted_with_libreoffice(values):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    doc = read_doc((OFFICE / "report_2021.doc").read_bytes(), ".doc")
    assert doc.media_type == "application/msword"
    check_report(doc, values)


def test_doc_without_libreoffice_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReaderError, match=r"needs LibreOffice \(soffice\)") as err:
        read_doc((OFFICE / "report_2021.doc").read_bytes(), ".doc")
    assert err.value.status == "failed"


def test_docx_that_is_a_renamed_zip_of_something_else():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("report.csv", "a,b\n1,2\n")
    with pytest.raises(ReaderError, match="no word/document.xml") as err:
        read_docx(buf.getvalue())
    assert err.value.status == "failed"


def test_docx_broken_inside_and_empty():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document")
    with pytest.raises(ReaderError, match="cannot open the .docx"):
        read_docx(buf.getvalue())
    with pytest.raises(ReaderError, match="0 bytes"):
        read_docx(b"")
    with pytest.raises(ReaderError, match="not a zip"):
        read_docx(b"%PDF-1.7 not a word file")
