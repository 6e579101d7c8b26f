"""Key figures of pre-2019 reports (pipeline.legacy): tables by header and label, flattened text rows, prose rules."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.document import Cell, Document, Paragraph, Table
from pipeline.legacy import extract_legacy, find_tables, prose, textrows, vocabulary
from pipeline.legacy.numbers import read_cell


def grid(rows: list[list[str]], index: int = 0) -> Table:
    return Table([[Cell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)], index)


def figures(doc: Document, year: int | None = 2015) -> dict[tuple[str, str, str], float | None]:
    found = find_tables(doc.tables)
    res = extract_legacy(doc, year, found, [t for t in doc.tables if t.index not in {x.table.index for x in found}])
    return {(f.key, f.period, f.source): f.value for f in res.figures if not f.qualifier}


FJ_PT = [
    ["指标名称", "计量单位", "2015年度", "历年累计"],
    ["主动公开文件数", "条", "2948", "85376"],
    ["其中：1、政府网站公开数", "条", "2948", "85376"],
    ["2、政府公报公开数", "条", "0", "0"],
    ["受理依申请公开信息总数", "条", "3", "11"],
    ["其中：1、当面申请数", "条", "1", "4"],
    ["2、网上申请数", "条", "2", "6"],
    ["3、信函、传真申请数", "条", "0", "1"],
    ["对申请的答复总数", "条", "3", "11"],
    ["其中：1、同意公开答复数", "条", "2", "8"],
    ["2、同意部分公开答复数", "条", "1", "2"],
    ["3、不予公开答复数", "条", "0", "1"],
    ["4、其他类型答复数", "条", "0", "0"],
    ["政府信息公开收费减免金额", "元", "120", "560"],
    ["接受行政诉讼、举报数", "件", "0", "0"],
    ["行政复议数", "件", "1", "2"],
    ["行政诉讼数", "件", "0", "0"],
]


def test_fj_table_year_and_cumulative_by_header():
    got = figures(Document([grid(FJ_PT)], "text/html"))
    assert got[("proactive.total", "year", "table")] == 2948
    assert got[("proactive.total", "cumulative", "table")] == 85376
    assert got[("requests.by_channel.letter_or_fax", "cumulative", "table")] == 1
    assert got[("replies.denied", "year", "table")] == 0
    assert got[("fees.waived", "cumulative", "table")] == 560
    assert got[("complaints.litigation_combined", "year", "table")] == 0
    assert got[("review.total", "year", "table")] == 1
    assert find_tables([grid(FJ_PT)])[0].family == "FJ-PT"


def test_columns_are_read_by_header_not_position():
    swapped = [[r[0], r[1], r[3], r[2]] for r in FJ_PT]  # 历年累计 printed before the year
    got = figures(Document([grid(swapped)], "text/html"))
    assert got[("proactive.total", "year", "table")] == 2948
    assert got[("proactive.total", "cumulative", "table")] == 85376


def test_split_year_header_and_two_header_rows():
    rows = [["指标名称", "计量单位", "201 5", "历年"], ["", "", "年度", "累计"], *FJ_PT[1:4]]
    lt = find_tables([grid(rows)])[0]
    assert [c.role for c in lt.columns] == ["label", "unit", "year", "cumulative"]
    assert lt.columns[2].year == 2015
    got = figures(Document([grid(rows)], "text/html"))
    assert got[("proactive.by_channel.gazette", "cumulative", "table")] == 0


GB_2014 = [
    ["统计指标", "单位", "统计数"],
    ["一、主动公开情况", "", ""],
    ["（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "1250"],
    ["其中：主动公开规范性文件数", "条", "36"],
    ["制发规范性文件总数", "件", "41"],
    ["（二）通过不同渠道和方式公开政府信息的情况", "", ""],
    ["1.政府公报公开政府信息数", "条", "12"],
    ["2.政府网站公开政府信息数", "条", "1250"],
    ["3.政务微博公开政府信息数", "条", "300"],
    ["4.政务微信公开政府信息数", "条", "280"],
    ["5.其他方式公开政府信息数", "条", "20"],
    ["二、回应解读情况", "", ""],
    ["（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "5"],
    ["（二）通过不同渠道和方式回应解读的情况", "", ""],
    ["1.参加或举办新闻发布会总次数", "次", "4"],
    ["其中：主要负责同志参加新闻发布会次数", "次", "1"],
    ["2.政府网站在线访谈次数", "次", "3"],
    ["其中：主要负责同志参加政府网站在线访谈次数", "次", "2"],
    ["3.政策解读稿件发布数", "篇", "18"],
    ["三、依申请公开情况", "", ""],
    ["（一）收到申请数", "件", "25"],
    ["1.当面申请数", "件", "10"],
    ["2.传真申请数", "件", "0"],
    ["3.网络申请数", "件", "12"],
    ["4.信函申请数", "件", "3"],
    ["（二）申请办结数", "件", "24"],
    ["1.按时办结数", "件", "23"],
    ["2.延期办结数", "件", "1"],
    ["（三）申请答复数", "件", "24"],
    ["1.属于已主动公开范围数", "件", "6"],
    ["2.同意公开答复数", "件", "9"],
    ["3.同意部分公开答复数", "件", "2"],
    ["4.不同意公开答复数", "件", "3"],
    ["其中：涉及国家秘密", "件", "1"],
    ["涉及商业秘密", "件", "0"],
    ["涉及个人隐私", "件", "1"],
    ["危及国家安全、公共安全、经济安全和社会稳定", "件", "0"],
    ["不是《条例》所指政府信息", "件", "1"],
    ["法律法规规定的其他情形", "件", "0"],
    ["5.不属于本行政机关公开", "件", "2"],
    ["6.申请信息不存在", "件", "1"],
    ["7.告知作出更改补充", "件", "1"],
    ["8.告知通过其他途径办理", "件", "0"],
    ["四、行政复议数量", "件", "2"],
    ["（一）维持具体行政行为数", "件", "1"],
    ["（二）被依法纠错数", "件", "1"],
    ["（三）其他情形数", "件", "0"],
    ["五、行政诉讼数量", "件", "1"],
    ["（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "0"],
    ["（二）被依法纠错数", "件", "0"],
    ["（三）其他情形数", "件", "1"],
    ["六、举报投诉数量", "件", "0"],
    ["七、依申请公开信息收取的费用", "万元", "0.01"],
    ["八、机构建设和保障经费情况", "", ""],
    ["（一）政府信息公开工作专门机构数", "个", "1"],
    ["（二）设置政府信息公开查阅点数", "个", "3"],
    ["（三）从事政府信息公开工作人员数", "人", "5"],
    ["1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "2"],
    ["2.兼职人员数", "人", "3"],
    ["（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", "8"],
    ["九、政府信息公开会议和培训情况", "", ""],
    ["（一）召开政府信息公开工作会议或专题会议数", "次", "2"],
    ["（二）举办各类培训班数", "次", "1"],
    ["（三）接受培训人员数", "人次", "60"],
]


def test_gb_2014_rows_by_label_in_their_context():
    got = figures(Document([grid(GB_2014)], "text/html"))
    want = {
        "proactive.total": 1250, "normative.published": 36, "normative.issued": 41,
        "proactive.by_channel.gazette": 12, "proactive.by_channel.website": 1250, "proactive.by_channel.weibo": 300,
        "proactive.by_channel.wechat": 280, "proactive.by_channel.other": 20, "response.hot_topics": 5,
        "response.press_conf": 4, "response.press_conf_heads": 1, "response.online_interviews": 3,
        "response.online_interviews_heads": 2, "response.interpretations": 18, "requests.received": 25,
        "requests.by_channel.in_person": 10, "requests.by_channel.fax": 0, "requests.by_channel.online": 12,
        "requests.by_channel.letter": 3, "requests.concluded": 24, "requests.concluded_on_time": 23,
        "requests.concluded_extended": 1, "replies.total": 24, "replies.already_public": 6, "replies.granted": 9,
        "replies.partly_granted": 2, "replies.denied": 3, "replies.denied.state_secret": 1,
        "replies.denied.commercial_secret": 0, "replies.denied.privacy": 1, "replies.denied.security_stability": 0,
        "replies.denied.not_gov_info": 1, "replies.denied.other_law": 0, "replies.not_this_agency": 2,
        "replies.not_exist": 1, "replies.unclear": 1, "replies.other_route": 0, "review.total": 2,
        "review.upheld": 1, "review.corrected": 1, "review.other": 0, "litigation.total": 1, "litigation.upheld": 0,
        "litigation.corrected": 0, "litigation.other": 1, "complaints.total": 0, "fees.collected": 0.01,
        "org.units": 1, "org.reading_points": 3, "org.staff_total": 5, "org.staff_fulltime": 2,
        "org.staff_parttime": 3, "org.budget": 8, "training.meetings": 2, "training.sessions": 1,
        "training.trainees": 60,
    }
    assert {k: got.get((k, "year", "table")) for k in want} == want
    assert not any(p == "cumulative" for _, p, _ in got)
    assert find_tables([grid(GB_2014)])[0].family == "GB-2014"


SH_2007 = [
    ["指标名称", "计量单位", "代码", "本期实际", "本年累计"],
    ["主动公开信息数", "条", "01", "35", "420"],
    ["其中：全文电子化的主动公开信息数", "条", "02", "35", "418"],
    ["新增的行政规范性文件数", "条", "03", "1", "9"],
    ["网站专栏页面访问量", "人次", "05", "1200", "15300"],
    ["现场接待人数", "人次", "06", "3", "41"],
    ["申请总数", "条", "10", "2", "17"],
    ["其中：当面申请数", "条", "11", "1", "9"],
    ["对申请的答复总数", "条", "20", "2", "16"],
    ["其中：同意公开答复数", "条", "21", "1", "10"],
    ["同意部分公开答复数", "条", "22", "0", "2"],
    ["否决公开答复总数", "条", "23", "1", "4"],
    ["其中：信息不存在", "条", "24", "1", "2"],
    ["非本部门掌握", "条", "25", "0", "1"],
    ["非《规定》所指", "条", "26", "0", "1"],
    ["行政复议数", "件", "40", "0", "1"],
    ["检索费", "元", "50", "0", "30"],
]


def test_sh_monthly_form_reads_the_year_to_date_column():
    doc = Document([grid(SH_2007)], "text/html")
    found = find_tables(doc.tables)
    assert found[0].family == "SH-2007"
    res = extract_legacy(doc, 2012, found, [])
    got = {(f.key, f.period): f.value for f in res.figures}
    assert got[("proactive.total", "year")] == 420  # 本年累计 of the December form = the year
    assert got[("replies.negative_all", "year")] == 4 and got[("replies.denied.not_gov_info", "year")] == 1
    assert got[("site.column_visits", "year")] == 15300
    assert ("extra", "year") in got  # 检索费: a row with numbers outside the vocabulary is kept as extra
    assert any("本期实际" in n for n in res.notes)
    assert not any(v == 35 for v in got.values())  # the month column is never read


def test_look_alike_labels_are_not_requests():
    rows = [["指标名称", "计量单位", "2012年度", "历年累计"], ["作为依申请公开信息数", "条", "12", "80"],
            ["不予公开信息数", "条", "3", "9"], ["受理依申请公开信息总数", "条", "4", "20"]]
    got = figures(Document([grid(rows)], "text/html"), 2012)
    assert got[("info.on_request_class", "year", "table")] == 12
    assert got[("info.exempt_class", "year", "table")] == 3
    assert got[("requests.received", "year", "table")] == 4


def test_legacy_tables_never_become_national_tables():
    rep = pipeline.extract_bytes(_page(GB_2014, 2015), "2015.html")
    assert rep.row["template"] == "pre2019" and rep.status == "ok"
    assert len(rep.proactive) == len(rep.requests) == len(rep.reviews) == 0
    assert set(rep.legacy["relation"]) <= {"=", "≈", "—"}
    ok = rep.legacy[rep.legacy["key"] == "replies.denied.state_secret"]
    assert list(ok["relation"]) == ["="] and list(ok["comparable_key"]) == ["requests.denied_state_secret"]


def _page(rows: list[list[str]], year: int, prose_lines: tuple[str, ...] = ()) -> bytes:
    cells = "".join("<tr>" + "".join(f"<td>{t}</td>" for t in r) + "</tr>" for r in rows)
    body = "".join(f"<p>{x}</p>" for x in prose_lines)
    return (f"<html><head><title>某某县{year}年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
            f"<p>某某县{year}年政府信息公开工作年度报告</p><p>本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"各部门依法做好政府信息公开工作。</p>{body}<table>{cells}</table></div></body></html>").encode()


@pytest.mark.parametrize("text,value,state,unit,approx", [
    ("2,949", 2949, "number", None, False), ("97402人次", 97402, "number", "人次", False),
    ("约4900", 4900, "number", None, True), ("3000多条", 3000, "number", "条", True), ("无", 0, "dash", None, False),
    ("—", 0, "dash", None, False), ("", 0, "blank", None, False), ("见附件", None, "text", None, False),
])
def test_cells(text, value, state, unit, approx):
    r = read_cell(text)
    assert (r.value, r.state, r.unit, r.approx) == (value, state, unit, approx)


# ---- prose ---------------------------------------------------------------------------------------------------
def read(*lines: str) -> list[tuple]:
    return [(f.key, f.qualifier, f.period, f.value, f.unit, f.approx) for f in prose.read_prose(list(lines))]


def test_prose_totals_units_and_channels():
    got = read("2013年全县共主动公开政府信息2949条，其中通过政府网站主动公开政府信息2800条。",
               "其中，县直各部门主动公开政府信息1509条，各乡镇主动公开政府信息613条。")
    assert got == [
        ("proactive.total", None, "year", 2949, "条", False),
        ("proactive.by_channel.website", None, "year", 2800, "条", False),
        ("proactive.by_unit", "县直各部门", "year", 1509, "条", False),
        ("proactive.by_unit", "各乡镇", "year", 613, "条", False),
    ]


def test_prose_absence_statements_are_zero():
    got = read("2014年，我局未收到公民、法人和其他组织提出的政府信息公开申请，暂不收费。",
               "全年没有发生因政府信息公开申请提起行政复议、行政诉讼的情况。")
    assert got == [("requests.received", None, "year", 0, None, False), ("fees.collected", None, "year", 0, None, False),
                   ("review.total", None, "year", 0, None, False), ("litigation.total", None, "year", 0, None, False)]


def test_prose_approximations_and_counts():
    got = read("全年受理政府信息公开申请约120件，接受群众咨询3000多人次。", "政府信息公开专栏访问量达1.2万余人次。",
               "共召开新闻发布会5场，举办政府信息公开业务培训班2期，参训人员150人次。")
    assert ("requests.received", None, "year", 120, "件", True) in got
    assert ("consult.total", None, "year", 3000, "人次", True) in got
    assert ("site.column_visits", None, "year", 1.2, "万人次", True) in got
    assert ("response.press_conf", None, "year", 5, "场", False) in got
    assert ("training.sessions", None, "year", 2, "期", False) in got
    assert ("training.trainees", None, "year", 150, "人次", False) in got


def test_prose_replies_and_reviews_with_numbers():
    got = read("全年共收到政府信息公开申请12件，其中同意公开8件，同意部分公开2件，不予公开1件，信息不存在1件。",
               "收到1份因政府信息公开申请提起的行政复议申请。")
    assert [g for g in got if g[0].startswith(("replies", "requests", "review"))] == [
        ("requests.received", None, "year", 12, "件", False), ("replies.partly_granted", None, "year", 2, "件", False),
        ("replies.denied", None, "year", 1, "件", False), ("replies.granted", None, "year", 8, "件", False),
        ("replies.not_exist", None, "year", 1, "件", False), ("review.total", None, "year", 1, "份", False)]


def test_prose_ignores_numbers_that_are_not_key_figures():
    assert read("2012年，在第十一届(2012)中国政府网站绩效评估中排名第四，较2011年前进三名。",
                "全年共发布征地信息32条，占全部信息的85%。", "截至目前，共收到15564件咨询投诉件。") == []


def test_prose_cumulative_and_heading_context():
    lines = ["二、主动公开政府信息情况", "截至2012年底，累计主动公开政府信息15000条。",
             "（四）开展政策解读工作情况", "2017年，共公开发布信息82条。"]
    assert read(*lines) == [("proactive.total", None, "cumulative", 15000, "条", False),
                            ("response.interpretations", None, "year", 82, "条", False)]


# ---- tables flattened into text --------------------------------------------------------------------------------
HEADER = "指标名称计量单位2017年度历年累计"


def text_figures(lines: list[str]) -> dict[tuple[str, str], float | None]:
    doc = Document([Paragraph(x) for x in lines], "text/plain")
    res = extract_legacy(doc, 2017, [], [])
    return {(f.key, f.period): f.value for f in res.figures if f.source == "table"}


def test_spaced_text_rows_read_as_they_stand():
    got = text_figures(["指标名称 计量单位 2011年度 历年累计", "主动公开信息数 条 425 1516",
                        "其中：1.政府网站 条 425 1516", "2.政府公报 条 0 0", "行政复议数 条 0 0"])
    assert got == {("proactive.total", "year"): 425, ("proactive.total", "cumulative"): 1516,
                   ("proactive.by_channel.website", "year"): 425, ("proactive.by_channel.website", "cumulative"): 1516,
                   ("proactive.by_channel.gazette", "year"): 0, ("proactive.by_channel.gazette", "cumulative"): 0,
                   ("review.total", "year"): 0, ("review.total", "cumulative"): 0}


FUSED = (HEADER + "主动公开文件数条212210037其中：1、政府网站公开数条2122100372、政府公报公开数条00"
         "受理政府信息依申请公开总数条36其中：1、当面申请数条002、网上申请数条003、电子邮件申请数条364、信函申请数条00"
         "行政复议数件00")


def test_fused_digits_split_only_when_one_split_is_left():
    got = text_figures([FUSED])
    assert got[("proactive.by_channel.gazette", "year")] == 0  # "00": the only split without a leading zero
    assert got[("requests.by_channel.email", "year")] == 3  # "364." = 3 | 6 + the next ordinal "4."
    assert got[("requests.by_channel.email", "cumulative")] == 6
    assert got[("requests.received", "year")] == 3 and got[("requests.received", "cumulative")] == 6
    # 212210037 could be 2122|10037, 21221|0037 …: null, never a guess
    assert got[("proactive.total", "year")] is None and got[("proactive.total", "cumulative")] is None
    doc = Document([Paragraph(FUSED)], "text/plain")
    res = extract_legacy(doc, 2017, [], [])
    assert any("ambiguous split" in (f.null_reason or "") for f in res.figures)


def test_fused_digits_decided_by_the_prose_and_the_sums():
    got = text_figures(["2017年全区主动公开政府信息2122条。", FUSED])
    assert got[("proactive.total", "year")] == 2122 and got[("proactive.total", "cumulative")] == 10037
    # website = total − gazette: the declared channel sum decides its split too
    assert got[("proactive.by_channel.website", "year")] == 2122
    assert got[("proactive.by_channel.website", "cumulative")] == 10037


def test_splits_without_leading_zeros():
    assert textrows._splits("00", 2) == [(0.0, 0.0)]
    assert textrows._splits("100", 2) == [(10.0, 0.0)]
    assert textrows._splits("000", 2) == []
    assert len(textrows._splits("346085376", 2)) == 7  # 346|085376 has a leading zero


# ---- statuses and checks -------------------------------------------------------------------------------------
def test_statuses_of_pre2019_reports():
    prose_only = _page([], 2012, ("2012年，全市共主动公开政府信息3245条。",))
    rep = pipeline.extract_bytes(prose_only, "2012.html")
    assert (rep.row["template"], rep.status) == ("pre2019", "partial")
    assert "from its prose" in rep.row["error"] and rep.row["n_legacy"] == 1
    nothing = _page([], 2012, ("2012年，全市政府信息公开工作有序推进。",))
    rep = pipeline.extract_bytes(nothing, "2012b.html")
    assert (rep.row["template"], rep.status, len(rep.legacy)) == ("pre2019", "no_tables", 0)


def test_checks_are_warnings_and_flag_what_does_not_add_up():
    rows = [r[:] for r in FJ_PT]
    rows[1][2] = "2950"  # total no longer the sum of its channels
    rep = pipeline.extract_bytes(_page(rows, 2015, ("2015年全区主动公开政府信息2948条。",)), "2015.html")
    checks = rep.checks.set_index("check")
    assert not checks.loc["legacy.proactive_channels_sum.year", "passed"]
    assert checks.loc["legacy.proactive_channels_sum.cumulative", "passed"]
    assert not checks.loc["legacy.prose_vs_table.proactive.total", "passed"]
    assert tuple(checks.loc["legacy.prose_vs_table.proactive.total", ["family", "subject", "kind"]]) == (
        "legacy.prose_vs_table", "proactive.total", "legacy")
    assert checks.loc["legacy.reply_types_sum.year", "passed"]
    assert set(rep.checks["severity"]) == {"warning"} and rep.row["n_checks_failed"] == 0
    assert rep.status == "ok"
    kept = rep.legacy[(rep.legacy["key"] == "proactive.total") & (rep.legacy["source"] == "table")]
    assert list(kept["value"]) == [2950, 85376]  # published numbers kept as printed


def test_vocabulary_is_data_with_relations():
    keys = vocabulary.by_key()
    assert len(keys) >= 75 and {k.relation for k in keys.values()} == {"=", "≈", "—"}
    assert keys["normative.issued"].relation == "="
    assert keys["requests.received"].comparable_key == "requests.new_received"
    measures = set(pd.read_csv(vocabulary.labels.TEMPLATES_DIR / "comparable_measures.csv")["measure"])
    assert {k.comparable_key for k in keys.values() if k.comparable_key} <= measures
    assert all((k.relation == "—") == (k.comparable_key is None) for k in keys.values())


def test_a_table_cut_in_two_keeps_its_columns():
    first, second = grid(FJ_PT[:8], 0), grid(FJ_PT[8:], 1)  # the second part repeats no header
    got = figures(Document([first, second], "text/html"))
    assert got[("replies.granted", "cumulative", "table")] == 8
    assert got[("review.total", "year", "table")] == 1


def test_prose_totals_and_units_of_city_summaries():
    got = read("2012年，全市各级行政机关共主动公开政府信息32456条，其中市政府各部门主动公开12345条，"
               "各县（市、区）主动公开20111条。", "我市各县区主动公开政府信息1200条。")
    assert got == [("proactive.total", None, "year", 32456, "条", False),
                   ("proactive.by_unit", "市政府各部门", "year", 12345, "条", False),
                   ("proactive.by_unit", "各县（市、区）", "year", 20111, "条", False),
                   ("proactive.by_unit", "我市各县区", "year", 1200, "条", False)]


def test_prose_of_the_older_fujian_reports():
    """Phrases of 2011–2015 reports: lists run over ；, 新增主动公开, counts before 咨询, look-alikes of requests."""
    got = read("（一）主动公开政府信息的数量各乡镇、县直各单位对政府信息进行了梳理和编目，2012年制作、获取政府信息总数3978条，"
               "其中主动公开政府信息2026条，作为依申请公开信息数46条，不予公开信息数1854。",
               "2012年，在管委会网站主动公开的2026条政府信息中，机构职能、主要职能、办事程序信息161条，占7.9%；"
               "政策、规范性文件类信息221条，占10.9%；其他应主动公开的信息60条。",
               "2013年新增主动公开政府信息45条。", "2013年有约4900人次通过各种方式向我局咨询涉税信息有关事务。",
               "建立窗口服务大厅，共受理申请136437件。", "其中办理下岗失业人员减免税共计91件，共计减免金额219062.78元。",
               "我局没有从事政府信息公开工作的全职人员，兼职人员1人。", "2013年产生的政府信息公开费用1万元。")
    assert set(got) == {
        ("info.produced", None, "year", 3978, "条", False), ("proactive.total", None, "year", 2026, "条", False),
        ("info.on_request_class", None, "year", 46, "条", False), ("info.exempt_class", None, "year", 1854, None, False),
        ("proactive.by_category", "机构职能、主要职能、办事程序", "year", 161, "条", False),
        ("proactive.by_category", "政策、规范性文件类", "year", 221, "条", False),
        ("proactive.by_category", "其他应主动公开的信息", "year", 60, "条", False),
        ("proactive.total", None, "year", 45, "条", False), ("consult.total", None, "year", 4900, "人次", True),
        ("org.staff_fulltime", None, "year", 0, None, False), ("org.staff_parttime", None, "year", 1, "人", False),
        ("org.expenditure", None, "year", 1, "万元", False)}
    assert len(got) == 12


def test_a_whole_text_copy_on_one_line_keeps_its_prose():
    """A saved page as one line: prose, then the table with a header split by spaces and a cell left blank."""
    line = ("2011年全区未收到有关政府信息公开的申请。2011年政府信息公开专栏访问量达11460人次。 附件1：统计表 "
            "指标名称 计量 单位 2011 年度 历年累计 主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 "
            "2.政府公报公开 条 7 行政复议数 条 0 0 附件下载")
    doc = Document([Paragraph(line)], "text/plain")
    res = extract_legacy(doc, 2011, [], [])
    got = {(f.key, f.period, f.source): f.value for f in res.figures}
    assert got[("proactive.total", "cumulative", "table")] == 1516
    assert got[("proactive.by_channel.website", "year", "table")] == 418
    assert got[("review.total", "cumulative", "table")] == 0
    assert got[("proactive.by_channel.gazette", "year", "table")] is None  # one value, two columns: no guess
    assert got[("site.column_visits", "year", "prose")] == 11460
    assert got[("requests.received", "year", "prose")] == 0


def test_statistics_form_with_a_column_index_row_and_quoted_labels():
    rows = [["指 标 名 称", "计量 单位", "代码", "本期实际", "本年累计"], ["甲", "乙", "丙", "1", "2"],
            ["主动公开信息数", "条", "01", "3", "45"], ["否决公开答复总数", "条", "20", "0", "4"],
            ["其中:(1)“非《规定》所指政府信息”数", "条", "21", "0", "1"], ["(2)“信息不存在”数", "条", "22", "0", "2"],
            ["(5)“免予公开范围1”数", "条", "25", "0", "1"], ["(8)“免予公开范围4”数", "条", "28", "0", "0"]]
    doc = Document([grid(rows)], "text/html")
    res = extract_legacy(doc, 2010, find_tables(doc.tables), [])
    got = {(f.key, f.period): f.value for f in res.figures if f.key != "extra"}
    assert got == {("proactive.total", "year"): 45, ("replies.negative_all", "year"): 4,
                   ("replies.denied.not_gov_info", "year"): 1, ("replies.not_exist", "year"): 2,
                   ("replies.denied.state_secret", "year"): 1}
    assert [f.row_label for f in res.figures if f.key == "extra"] == ["(8)“免予公开范围4”数"]


def test_prose_periods_and_classification_sentences():
    got = read("本区到年底累计主动公开政府信息5928条，全文电子化率达90.3%，其中，本年度新增主动公开政府信息2110条。",
               "2018年，共制作政府信息3021条，其中主动公开信息1027条，依申请公开信息459条，不予公开信息1535条。",
               "今年累计主动公开政府信息300条。", "全年共受理依申请公开信息12件。")
    assert set(got) == {
        ("proactive.total", None, "cumulative", 5928, "条", False), ("proactive.total", None, "year", 2110, "条", False),
        ("info.produced", None, "year", 3021, "条", False), ("proactive.total", None, "year", 1027, "条", False),
        ("info.on_request_class", None, "year", 459, "条", False), ("info.exempt_class", None, "year", 1535, "条", False),
        ("proactive.total", None, "year", 300, "条", False), ("requests.received", None, "year", 12, "件", False)}


TOKENS = ["指标名称", "计量单位", "2015年度", "历年累计", "统计指标", "统计数", "代码", "本年累计", "主动公开信息数", "条", "件",
          "其中：", "1、", "2.", "(3)", "行政复议数", "受理依申请公开信息总数", "同意公开答复数", "约", "多", "，", "。", "；",
          "未收到", "申请", "0", "7", "12", "305", "1,234", "3.5", " ", "\n", "（", "）", "万元", "人次", "主动公开政府信息"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_any_text_is_read_without_error(tokens: list[str]):
    lines = "".join(tokens).split("\n")
    doc = Document([Paragraph(x) for x in lines], "text/plain")
    res = extract_legacy(doc, 2015, [], [])
    for f in res.figures:
        assert f.period in ("year", "cumulative") and f.source in ("table", "prose")
        assert (f.value is None) == (f.null_reason is not None) or f.source == "prose"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_prose_rules_skip_only_sentences_they_cannot_match(data) -> None:
    """read_prose skips a rule on a sentence when ProseRule.may_match says no: every sentence the rule matches
    (drawn from its own pattern, inside other text) must pass, and one marked needs_digit never matches
    without its digits."""
    import re

    rule = data.draw(st.sampled_from(prose.rules()))
    match = data.draw(st.from_regex(rule.regex, fullmatch=True))
    sent = data.draw(st.text(alphabet="，。年度共计", max_size=4)) + match + data.draw(st.text(alphabet="，。；", max_size=3))
    assert rule.regex.search(sent) is None or rule.may_match(sent, re.search(r"\d", sent) is not None), \
        (rule.pattern, sent, rule.needs)
    if rule.needs_digit:
        assert rule.regex.search(re.sub(r"\d", "", match)) is None, (rule.pattern, match)


def test_prose_rules_need_a_digit_only_when_the_number_is_not_optional() -> None:
    import re

    num = prose._number_re()
    assert prose._needs_digit(re.compile(f"主动公开{num}条"))
    assert not prose._needs_digit(re.compile(f"主动公开(?:{num}条)?信息"))  # the number may be absent
    assert not prose._needs_digit(re.compile(f"未收到|收到{num}件"))  # one branch has no number
    assert not prose._needs_digit(re.compile("未收到申请"))  # no number at all
    marked = [r for r in prose.rules() if r.needs_digit]
    assert marked and all("{N}" in r.pattern for r in marked)


def test_prose_rules_need_the_strings_every_match_holds() -> None:
    import re

    needs = prose._needs(re.compile("(?:共|全年)(?:公开|发布)(?:各类)?信息(?P<n>\\d+)(?P<unit>条|件)"), keep=9)
    assert set(needs) == {frozenset({"信息"}), frozenset({"公开", "发布"}), frozenset({"共", "全年"}),
                          frozenset({"条", "件"})}
    assert needs[:2] == (frozenset({"信息"}), frozenset({"公开", "发布"}))  # the most selective first
    assert prose._needs(re.compile("(?:未|没有)?(?:收到)?申请|无申请")) == (frozenset({"申请"}),)
    assert prose._needs(re.compile("(?:a|)b?")) == ()  # nothing every match must hold
    assert prose._needs(re.compile("(?i)abc")) == ()  # case-folded: not read
    rule = next(r for r in prose.rules() if r.needs)
    assert not rule.may_match("本年度无相关情况。", True)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_prose_candidates_are_the_rules_that_may_match(data) -> None:
    """prose.candidates (one search, an index) picks exactly the rules ProseRule.may_match lets through."""
    import re

    others = [r for r in prose.rules() if r.resolver != "category_list"]
    parts = [data.draw(st.from_regex(r.regex, fullmatch=True)) for r in data.draw(st.lists(st.sampled_from(others),
                                                                                            max_size=3))]
    sent = "，".join(parts + [data.draw(st.text(alphabet="主动公开发布信息申请件条了共计0１。", max_size=12))])
    digits = re.search(r"\d", sent) is not None
    assert prose.candidates(sent) == [r for r in others if r.may_match(sent, digits)]
