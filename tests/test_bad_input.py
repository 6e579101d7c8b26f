"""Bad input: a clear status and message per document, and the batch goes on."""

from __future__ import annotations

import os
import random

import pandas as pd
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from tests.test_text_reader import _report

NOTICE = """<html><head><meta charset="utf-8"><title>关于报送2023年政府信息公开工作年度报告的通知</title></head>
<body><div class="nav"><a href="/">首页</a></div><div id="zoom">
<p>各乡镇人民政府、县政府各部门：</p>
<p>根据《中华人民共和国政府信息公开条例》规定，请于2024年1月15日前报送2023年政府信息公开工作年度报告。</p>
<p>联系电话：0451-12345678</p></div></body></html>"""


def test_empty_file(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"")
    rep = pipeline.extract(tmp_path / "empty.html")
    assert rep.status == "failed" and "empty" in rep.row["error"]


def _garbage(n: int, seed: int) -> bytes:
    """Random bytes, the same on every run (a flaky test is no test)."""
    return random.Random(seed).randbytes(n)


def test_binary_garbage_named_html():
    rep = pipeline.extract_bytes(_garbage(4096, 1) + b"\x00" * 64, "report.html")
    assert rep.status == "failed"
    assert "binary" in rep.row["error"]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"], ids=["utf16le", "utf16be", "utf8"])
@pytest.mark.parametrize("name", ["report.html", "report.txt", "report"])
def test_binary_garbage_behind_a_byte_order_mark(bom, name):
    """Random bytes that start with a BOM are binary, not a text report (one in 32768 random files starts so)."""
    for seed in range(3):
        rep = pipeline.extract_bytes(bom + _garbage(2048, seed), name)
        assert rep.status == "failed" and "binary" in rep.row["error"], (seed, rep.status, rep.row["error"])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_with_its_byte_order_mark_is_read(codec):
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    rep = pipeline.extract_bytes(bom + _report().decode().encode(codec), "report.txt")
    assert rep.status == "partial" and len(rep.requests) == 23 * 7


def test_gbk_page_without_charset_declaration():
    page = _report().decode().replace("\n", "</p>\n<p>").replace(" | ", "</td><td>")
    html = "<html><body><div><p>" + page + "</p></div></body></html>"
    assert "charset" not in html
    data = html.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = pipeline.extract_bytes(data, "page.html")
    assert doc.row["year"] == 2020
    assert doc.row["title"] == "2020年某县政府信息公开工作年度报告"


def test_gbk_report_table_decodes_to_values():
    rows = [r for r in _report().decode().splitlines() if "|" in r]
    table = "".join("<tr>" + "".join(f"<td>{c.strip()}</td>" for c in r.split("|")) + "</tr>" for r in rows)
    html = ("<html><head><title>2020年某县政府信息公开工作年度报告</title></head><body>"
            "<p>三、收到和处理政府信息公开申请情况</p><table>" + table + "</table></body></html>")
    rep = pipeline.extract_bytes(html.encode("gb18030"), "page.htm")
    req = rep.requests.set_index(["outcome", "applicant"])["value"]
    assert req[("new_received", "total")] == 16 and req[("granted", "commercial")] == 1


def test_html_page_with_no_tables():
    html = "<html><body><h1>2021年某局政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年度无。</p></body></html>"
    rep = pipeline.extract_bytes(html.encode(), "p.html")
    assert rep.status == "no_tables" and rep.row["year"] == 2021
    assert len(rep.requests) == 0


def test_notice_about_annual_reports_is_not_a_report():
    rep = pipeline.extract_bytes(NOTICE.encode(), "notice.html")
    assert rep.status == "no_tables"
    assert rep.row["n_values"] == 0


def test_table_three_with_only_some_rows_is_partial():
    text = "\n".join(line for line in _report().decode().splitlines() if "不予" not in line and "1.属于" not in line)
    rep = pipeline.extract_bytes(text.encode(), "partial.txt")
    assert rep.status == "partial"
    outcomes = set(rep.requests["outcome"])
    assert not {"denied_state_secret", "not_processed_complaint"} & outcomes
    assert {"denied_other_law", "not_processed_duplicate"} <= outcomes  # group heading lost, words still map
    assert rep.requests.set_index(["outcome", "applicant"])["value"][("granted", "total")] == 9
    assert "lacks rows" in rep.row["error"]


def test_broken_identities_keep_values_and_fail_checks():
    text = _report().decode().replace("(七)总计 | 14 |", "(七)总计 | 15 |")
    rep = pipeline.extract_bytes(text.encode(), "broken.txt")
    req = rep.requests.set_index(["outcome", "applicant"])["value"]
    assert req[("total_processed", "natural_person")] == 15  # kept as published
    failed = set(rep.checks.loc[~rep.checks["passed"].astype(bool), "check"])
    assert {"requests.balance.natural_person", "requests.total_processed.natural_person",
            "requests.row_total.total_processed"} <= failed
    assert rep.row["n_checks_failed"] == len(failed)
    assert rep.status == "partial" and "table 二 (proactive) not found" in rep.row["error"]  # not for the checks


def test_five_megabyte_page():
    chrome = "".join(f"<li><a href='/n/{i}.html'>新闻标题第{i}条 政务动态</a></li>" for i in range(60000))
    rows = [r for r in _report().decode().splitlines() if "|" in r]
    table = "".join("<tr>" + "".join(f"<td>{c.strip()}</td>" for c in r.split("|")) + "</tr>" for r in rows)
    html = (f"<html><head><meta charset='utf-8'><title>2020年某县政府信息公开工作年度报告</title></head><body>"
            f"<ul>{chrome}</ul><div id='zoom'><p>一、总体情况</p><p>{'本年度工作情况良好。' * 50}</p>"
            f"<p>三、收到和处理政府信息公开申请情况</p><table>{table}</table></div><ul>{chrome}</ul></body></html>")
    data = html.encode()
    assert len(data) > 5_000_000
    rep = pipeline.extract_bytes(data, "big.html")
    assert rep.requests.set_index(["outcome", "applicant"])["value"][("new_received", "total")] == 16


def test_batch_goes_on_past_bad_files(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_garbage.html").write_bytes(_garbage(2048, 2) + b"\x00")
    (tmp_path / "b_garbage_bom.html").write_bytes(b"\xff\xfe" + _garbage(2048, 3))
    (tmp_path / "c_good.txt").write_bytes(_report())
    (tmp_path / "d_notice.html").write_text(NOTICE, encoding="utf-8")
    unreadable = tmp_path / "e_locked.txt"
    unreadable.write_bytes(_report())
    unreadable.chmod(0)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    reports = pd.read_parquet(out / "reports.parquet")
    by_file = dict(zip(reports["source_path"].map(lambda p: p.rsplit("/", 1)[-1]), reports["status"], strict=True))
    assert by_file["a_empty.txt"] == "failed" and by_file["b_garbage.html"] == "failed"
    assert by_file["b_garbage_bom.html"] == "failed"
    assert by_file["c_good.txt"] == "partial" and by_file["d_notice.html"] == "no_tables"
    if os.geteuid() != 0:  # root reads a chmod-0 file anyway
        assert by_file["e_locked.txt"] == "failed"
    assert len(pd.read_parquet(out / "requests.parquet")) == 23 * 7


def test_exit_status_nonzero_only_when_nothing_could_be_processed(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "x.pdf"), "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 1
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
