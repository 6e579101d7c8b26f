"""Word reader: generated .docx/.doc fixtures with merged cells, and bad input."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.document import Paragraph, ReaderError, Table
from pipeline.readers.docx import read_doc, read_docx

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
ORDER = [
    "new_received", "carried_over", "granted", "partly_granted", "denied_state_secret", "denied_other_law",
    "denied_three_safeties", "denied_third_party", "denied_internal_affairs", "denied_process_info",
    "denied_enforcement_file", "denied_admin_query", "unavailable_not_held", "unavailable_needs_creation",
    "unavailable_unclear", "not_processed_complaint", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation", "other_no_correction", "other_unpaid_fee",
    "other_misc", "total_processed", "carried_forward",
]


@pytest.fixture(scope="module")
def values() -> dict:
    return json.loads((OFFICE / "report_2021.values.json").read_text())


def check_report(doc, values: dict) -> None:
    assert [t.index for t in doc.tables] == [0, 1, 2]
    t2, t3, t4 = doc.tables
    assert t3.caption == "三、收到和处理政府信息公开申请情况"
    assert all(len(r) == 10 for r in t3.rows) and len(t3.rows) == 28
    data = t3.rows[3:]
    assert [[int(c.text) for c in r[3:]] for r in data] == [values["requests"][k] for k in ORDER]
    # vMerge: the group label is copied into every covered slot, marked spanned
    assert [r[0].text for r in data[2:-1]] == ["三、本年度办理结果"] * 22
    assert [r[0].spanned for r in data[2:4]] == [False, True]
    group4 = [r for r in data if r[1].text == "（四）无法提供"]
    assert [r[1].spanned for r in group4] == [False, True, True]
    # gridSpan: 一、 spans three columns; header 申请人情况 spans seven
    assert [c.text for c in data[0][:3]] == ["一、本年新收政府信息公开申请数量"] * 3
    assert [c.spanned for c in data[0][:3]] == [False, True, True]
    assert [c.text for c in t3.rows[2][3:]] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert [int(c.text) for c in t4.rows[-1]] == values["reviews"]
    assert t4.rows[1][5].text == "未经复议直接起诉" and t4.rows[2][5].text == "结果维持"
    assert [c.text for c in t2.rows[2]] == ["规章", *map(str, values["proactive"]["rules"])]
    texts = [b.text if isinstance(b, Paragraph) else f"<table {b.index}>" for b in doc.blocks]
    assert texts.index("三、收到和处理政府信息公开申请情况") + 1 == texts.index("<table 1>")
    assert "本报告由示例市人民政府办公室根据《中华人民共和国政府信息公开条例》编制。" in texts  # radicals folded
    assert doc.title == "示例市人民政府2023年政府信息公开工作年度报告"


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
