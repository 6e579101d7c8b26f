"""Pipe-delimited and one-cell-per-line text tables, read and normalised."""

from __future__ import annotations

import pipeline
from pipeline.readers.text import read_text

REQUESTS_2019 = """\
三、收到和处理政府信息公开申请情况
{p}(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | | | | | | |{s}
{p}自然人 | 法人或其他组织 | 总计 |{s}
{p}商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |{s}
{p}一、本年新收政府信息公开申请数量 | 12 | 3 | 0 | 0 | 1 | 0 | 16 |{s}
{p}二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |{s}
{p}三、本年度办理结果 | (一)予以公开 | 7 | 1 | 0 | 0 | 1 | 0 | 9 |{s}
{p}(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 2 | 0 | 0 | 0 | 0 | 0 | 2 |{s}
{p}(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}2.其他法律行政止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}4.保护第三方合法权益 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |{s}
{p}5.属于三类内部事务信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}6.属于四类过程性信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}(四)无法提供 | 1、本机关不掌握相关政府信息 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |{s}
{p}2、没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}3、补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}(五)不予处理 | 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}2.重复申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |{s}
{p}3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}(六)其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |{s}
{p}(七)总计 | 14 | 2 | 0 | 0 | 1 | 0 | 17 |{s}
{p}四、结转下年度继续办理 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |{s}
"""


def _report(p: str = "", s: str = "") -> bytes:
    return ("2020年某县政府信息公开工作年度报告\n" + REQUESTS_2019.format(p=p, s=s)).encode()


def _requests(data: bytes):
    rep = pipeline.extract_bytes(data, "r.txt")
    return rep, rep.requests.set_index(["outcome", "applicant"])["value"]


def test_plain_pipe_rows_with_trailing_empty_cells():
    rep, req = _requests(_report(s=" | |"))
    assert len(rep.requests) == 23 * 7
    assert req[("new_received", "natural_person")] == 12
    assert req[("new_received", "total")] == 16
    assert req[("denied_third_party", "natural_person")] == 1
    assert req[("carried_forward", "commercial")] == 1


def test_markdown_rows_give_the_same_values():
    plain = _requests(_report())[1]
    md = _requests(_report(p="| ", s=" "))[1]
    assert plain.equals(md)


def test_typo_and_other_numbering_styles_map_by_core_and_position():
    rep, req = _requests(_report())
    labels = dict(zip(rep.requests["outcome"], rep.requests["row_label"], strict=True))
    assert labels["denied_other_law"] == "2.其他法律行政止公开"
    assert req[("unavailable_not_held", "total")] == 4


def test_balance_and_total_checks_hold_for_consistent_table():
    rep, _ = _requests(_report())
    checks = rep.checks.set_index("check")["passed"]
    assert checks["requests.balance.natural_person"]
    assert checks["requests.total_processed.total"]
    assert checks["requests.row_total.new_received"]


def test_labels_shifted_right_by_empty_cells():
    text = _report().decode().replace("(二)部分公开", " | (二)部分公开").replace("2.重复申请", " |  | 2.重复申请")
    _, req = _requests(text.encode())
    assert req[("partly_granted", "natural_person")] == 2
    assert req[("not_processed_duplicate", "total")] == 1


def test_one_cell_per_line_table():
    lines = ["2021年某局政府信息公开工作年度报告", "四、政府信息公开行政复议、行政诉讼情况",
             "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
             "未经复议直接起诉", "复议后起诉"]
    lines += ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    lines += ["1", "0", "2", "0", "3", "4", "0", "0", "1", "5", "0", "0", "0", "0", "0",
              "五、存在的主要问题及改进情况", "无。"]
    doc = read_text("\n".join(lines).encode())
    assert len(doc.tables) == 1
    rep = pipeline.extract_bytes("\n".join(lines).encode(), "x.txt")
    rev = rep.reviews.set_index(["proceeding", "outcome"])["value"]
    assert rev[("admin_review", "total")] == 3
    assert rev[("litigation_direct", "pending")] == 1
    assert rev[("litigation_direct", "total")] == 5
    assert len(rep.reviews) == 15 and rep.checks["passed"].all()


def test_prose_lines_are_not_turned_into_tables():
    text = "2021年某局政府信息公开工作年度报告\n一、总体情况\n" + "我局共公开信息120条,其中政策文件3件。\n" * 5
    doc = read_text(text.encode())
    assert doc.tables == []
    assert doc.lines[1] == "一、总体情况"
