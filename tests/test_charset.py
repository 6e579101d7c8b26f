"""Undeclared (or wrongly declared) Big5 and GB bytes are told apart by their decodings (docformats.charset),
alike in the pipeline's readers and in the scrapers."""

from __future__ import annotations

import random

import pytest

import pipeline
from docformats import charset
from pipeline.fold import to_simplified
from pipeline.readers.encoding import decode
from pipeline.synth import HtmlQuirks, generate, render_html_page, render_pipe_text
from pipeline.synth.render_html import gateway_traditional
from scrapers.encoding import decode_html, detect_charset
from tests.conftest import corpus_file

HAINAN = "2020_hainan-haishiju_pages-excerpt.txt"  # a big5 gateway's page, as UTF-8 text (../shared/corpus)
BIG5S = ("big5", "cp950", "big5hkscs")


def _report_text(seed: int = 3) -> str:
    return render_pipe_text(generate(random.Random(seed), year=2021, agency="海南海事局", region="海口市"))


@pytest.mark.parametrize("codec", BIG5S)
def test_undeclared_big5_text_decodes_as_big5(codec):
    text = gateway_traditional(_report_text())
    got, enc = decode(text.encode(codec))
    assert charset.family(enc) == "big5"
    assert got == text


@pytest.mark.parametrize("codec", ("gbk", "gb18030", "gb2312"))
def test_undeclared_gb_text_stays_gb18030(codec):
    text = _report_text()
    got, enc = decode(text.encode(codec))
    assert enc == "gb18030" and got == text


@pytest.mark.parametrize("codec", ("gbk", "gb18030"))
def test_traditional_text_saved_as_gb_is_read_as_gb(codec):
    """Traditional characters saved in GBK (they fit) are not taken for Big5: the choice is by the bytes' code
    table, not by the script."""
    text = gateway_traditional(_report_text())
    got, enc = decode(text.encode(codec))
    assert enc == "gb18030" and got == text


@pytest.mark.parametrize("line", ["海南海事局2020年政府資訊公開工作年度報告", "（一）予以公開", "本年新製作數量",
                                  "規範性文件", "第二十條第（一）項"])
def test_short_lines_are_told_apart(line):
    assert charset.family(charset.guess_cjk(line.encode("big5"))) == "big5"
    simplified = to_simplified(line)
    assert charset.guess_cjk(simplified.encode("gbk")) == "gb18030"


def test_a_page_declared_gb_that_is_big5_is_read_as_big5():
    report = generate(random.Random(5), year=2020, agency="伊春市金林区财政局", region="金林区")
    page = render_html_page(report, HtmlQuirks(traditional=True, declare_charset=False), encoding="big5")
    lying = page.replace(b"<head>", b'<head><meta charset="gb2312">', 1)
    for body in (page, lying):
        html, enc = decode_html(body)  # the scrapers, reading the page for links
        assert charset.family(enc) == "big5" and "政府資訊公開" in html
        rep = pipeline.extract_bytes(body, "report.html")
        assert rep.status == "ok" and rep.row["year"] == 2020 and rep.row["template"] == "2019"
        assert "資訊" in rep.row["title"]  # the title as printed


def test_scrapers_detect_big5_like_the_readers():
    text = gateway_traditional(_report_text(7))
    for codec in BIG5S:
        assert charset.family(detect_charset(text.encode(codec))) == "big5"
    assert detect_charset(_report_text(7).encode("gbk")) == "gb18030"


@pytest.mark.parametrize("codec", BIG5S)
def test_real_gateway_excerpt_saved_as_big5_scores_like_utf8(codec):
    text = corpus_file(HAINAN).read_text(encoding="utf-8")
    want = pipeline.extract_bytes(text.encode("utf-8"), HAINAN)
    got = pipeline.extract_bytes(text.encode(codec), HAINAN)
    assert got.row["template"] == want.row["template"] == "2019" and got.row["year"] == 2020
    assert list(got.proactive["value"]) == list(want.proactive["value"])
    assert len(got.proactive) == 6 and list(got.proactive["raw"]) == list(want.proactive["raw"])
