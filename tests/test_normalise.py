"""Numbers, label cores and table normalisation rules of SCHEMA.md."""

from __future__ import annotations

import pytest

import pipeline
from pipeline.normalise.requests import Context, resolve
from pipeline.numbers import parse
from pipeline.text import clean, core, squeeze


@pytest.mark.parametrize("text,value,state,unit", [
    ("335次", 335, "number", "次"), ("3967万元", 3967, "number", "万元"), ("251000元", 251000, "number", "元"),
    ("１２", 12, "number", None), ("−3", -3, "number", None), ("+2", 2, "number", None),
    ("1,234", 1234, "number", None), ("\u00a07\u00a0", 7, "number", None),
    ("", 0, "blank", None), ("—", 0, "dash", None), ("/", 0, "dash", None), ("-", 0, "dash", None),
    ("无", None, "text", None), ("2.重复申请", None, "text", None),
])
def test_cell_numbers(text, value, state, unit):
    p = parse(text)
    assert (p.value, p.state, p.unit) == (value, state, unit)


def test_look_alike_radicals_fold():
    assert clean("⼈⺠政府") == "人民政府"  # Kangxi (NFKC) and CJK Radicals Supplement (table)
    assert squeeze("社会 公益\u00a0组织") == "社会公益组织"
    assert core("（三）不予公开") == "不予公开" and core("1、本机关不掌握") == "本机关不掌握"


@pytest.mark.parametrize("label,group,key", [
    ("1.属于国家秘密", 3, "denied_state_secret"),
    ("2.其他法律行政止公开", 3, "denied_other_law"),  # typo from a real report
    ("2、其他法律行政法规禁止公开", 3, "denied_other_law"),
    ("3.其他", 6, "other_misc"),
    ("（六）其他处理", None, "other"),
    ("(七)总计", 6, "total_processed"),
    ("四、结转下年度继续办理", 7, "carried_forward"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 6, "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 6, "other_unpaid_fee"),
    ("5.属于三类內部事务信息", 3, "denied_internal_affairs"),  # variant character 內
    ("7.", 3, None), ("4.", 5, None),
    ("8.属于行政査询事项", 3, "denied_admin_query"),  # 査 look-alike: pattern 查询事项 fails, position does not
])
def test_outcome_resolution(label, group, key):
    assert resolve(squeeze(label), Context(top=3, group=group)) == key


def test_positional_fallback_inside_group():
    assert resolve(squeeze("2.完全不同的措辞"), Context(top=3, group=5)) == "not_processed_duplicate"


PROACTIVE_2021 = """\
二、主动公开政府信息情况
第二十条第(一)项 | | |
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 2
行政规范性文件 | 12 | — | 95
第二十条第(五)项 | | |
信息内容 | 本年处理决定数量 | |
行政许可 | 1,024 | |
第二十条第(六)项 | | |
信息内容 | 本年处理决定数量 | |
行政处罚 | 88 | |
行政强制 |  | |
第二十条第(八)项 | | |
信息内容 | 本年收费金额(单位:万元) | |
行政事业性收费 | 251000元 | |
其他主动公开文件 | 37 | |
"""


def test_proactive_2021_items_metrics_units_and_extra_rows():
    rep = pipeline.extract_bytes(("2022年某区政府信息公开工作年度报告\n" + PROACTIVE_2021).encode(), "p.txt")
    pro = rep.proactive.set_index(["item", "metric"])
    assert pro.loc[("normative_documents", "in_force"), "value"] == 95
    assert pro.loc[("normative_documents", "repealed"), "cell_state"] == "dash"
    assert pro.loc[("normative_documents", "repealed"), "value"] == 0
    assert pro.loc[("licensing", "decisions"), "value"] == 1024
    assert pro.loc[("coercion", "decisions"), "cell_state"] == "blank"
    assert pro.loc[("fees", "fee_amount"), "value"] == pytest.approx(25.1)
    assert pro.loc[("fees", "fee_amount"), "unit"] == "元"
    extra = rep.proactive[rep.proactive["item"] == "extra"]
    assert list(extra["row_label"]) == ["其他主动公开文件"] and list(extra["value"]) == [37]
    assert rep.row["template"] == "2021" and set(rep.proactive["template"]) == {"2021"}


def test_header_order_is_followed_when_readable():
    swapped = PROACTIVE_2021.replace("本年制发件数 | 本年废止件数", "本年废止件数 | 本年制发件数")
    rep = pipeline.extract_bytes(("2022年某区年度报告\n" + swapped).encode(), "p.txt")
    pro = rep.proactive.set_index(["item", "metric"])["value"]
    assert pro[("normative_documents", "issued")] == 0 and pro[("normative_documents", "repealed")] == 12


def _reviews(cells: list[str]):
    table = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 | 行政诉讼\n"
             + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + "\n数量 | " + " | ".join(cells))
    return pipeline.extract_bytes(("2022年某局年度报告\n" + table).encode(), "r.txt").reviews


def test_all_dash_table_reads_zero():
    rev = _reviews(["—"] * 15)
    assert len(rev) == 15 and (rev["value"] == 0).all() and set(rev["cell_state"]) == {"dash"}


def test_all_blank_table_values_are_null_not_zero():
    rev = _reviews([""] * 14 + ["—"])
    assert rev.set_index(["proceeding", "outcome"]).loc[("admin_review", "total"), "value"] == 0
    rev = _reviews([" "] * 15)
    assert len(rev) == 15 and rev["value"].isna().all() and set(rev["cell_state"]) == {"blank"}


def test_whole_blank_total_column_is_not_published():
    from tests.test_text_reader import _report

    lines = []
    for line in _report().decode().splitlines():
        cells = line.split(" | ")
        if len(cells) >= 8 and cells[-1].strip().rstrip("|").strip().isdigit():
            cells[-1] = " |"
            line = " | ".join(cells)
        lines.append(line)
    rep = pipeline.extract_bytes("\n".join(lines).encode(), "r.txt")
    totals = rep.requests[rep.requests["applicant"] == "total"]
    assert len(totals) == 23 and totals["value"].isna().all()
    others = rep.requests[rep.requests["applicant"] == "natural_person"]
    assert others["value"].notna().all()
    assert not any(c.startswith("requests.row_total") for c in rep.checks["check"])
