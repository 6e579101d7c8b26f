"""Report metadata: agency and region from titles and the 由…编制 sentence, reporting year."""

from __future__ import annotations

import pytest

from pipeline.metadata import find_agency_region, find_title, find_year, place_chain


@pytest.mark.parametrize("title,agency,region", [
    ("伊春市金林区人民政府2021年政府信息公开年度报告", "伊春市金林区人民政府", "金林区"),
    ("江苏省淮安市洪泽区人民政府2023年政府信息公开工作年度报告", "江苏省淮安市洪泽区人民政府", "洪泽区"),
    ("2019年金林区政府信息公开工作年度报告", "金林区人民政府", "金林区"),
    ("平潭综合实验区2019年度政府信息公开工作年度报告", "平潭综合实验区人民政府", "平潭综合实验区"),
    ("伊春市金林区住房和城乡建设局2022年政府信息公开工作年度报告", "伊春市金林区住房和城乡建设局", "金林区"),
    ("伊春市市场监督管理局2022年政府信息公开工作年度报告", "伊春市市场监督管理局", "伊春市"),
    ("舒兰市市场监督管理局2016年政务信息公开年度报告", "舒兰市市场监督管理局", "舒兰市"),
])
def test_agency_and_lowest_region_from_title(title, agency, region):
    assert find_agency_region(title, []) == (agency, region)


def test_place_chain_stops_at_the_body():
    assert place_chain("江苏省淮安市洪泽区人民政府") == ["江苏省", "淮安市", "洪泽区"]
    assert place_chain("国家税务总局") == []


def test_compiler_sentence_names_the_government():
    lines = ["本报告根据《中华人民共和国政府信息公开条例》规定,由金林区人民政府办公室编制而成。"]
    assert find_agency_region("2019年金林区政府信息公开工作年度报告", lines)[0] == "金林区人民政府"


def test_title_over_two_lines_and_year_sources():
    lines = ["平潭综合实验区2019年", "政府信息公开工作年度报告", "根据…"]
    assert find_title("", lines) == "平潭综合实验区2019年政府信息公开工作年度报告"
    assert find_year("政府信息公开工作年度报告", ["本报告中所列数据的统计时限自2020年1月1日至12月31日止。"], None) == 2020
    assert find_year("", [], "2022-01-30") == 2021  # publication year − 1 as the last resort


@pytest.mark.parametrize("title,agency,region", [
    # big5 gateways: the same agency as the simplified original (agency_id, adcode join across copies)
    ("伊春市金林區財政局2022年政府資訊公開工作年度報告", "伊春市金林区财政局", "金林区"),
    ("江蘇省淮安市洪澤區人民政府2023年政府資訊公開工作年度報告", "江苏省淮安市洪泽区人民政府", "洪泽区"),
    ("伊春市資訊中心2022年政府資訊公開工作年度報告", "伊春市信息中心", "伊春市"),  # gateway word 資訊 = 信息
    ("伊春市资讯中心2022年政府信息公开工作年度报告", "伊春市资讯中心", "伊春市"),  # printed simplified: kept
])
def test_agency_and_region_are_simplified_whatever_the_script(title, agency, region):
    assert find_agency_region(title, []) == (agency, region)


def test_traditional_page_keeps_its_title_but_names_the_agency_in_simplified():
    import random

    import pipeline
    from pipeline.synth import HtmlQuirks, generate, render_html_page

    report = generate(random.Random(4), year=2022, agency="伊春市金林区财政局", region="金林区")
    for encoding in ("utf-8", "big5"):
        page = render_html_page(report, HtmlQuirks(traditional=True, declare_charset=False), encoding=encoding)
        row = pipeline.extract_bytes(page, "report.html").row
        assert "財政局" in row["title"] and "資訊" in row["title"]
        assert row["agency"].endswith("金林区财政局") and row["region"] == "金林区"
