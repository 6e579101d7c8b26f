"""The two national table layouts (国办公开办函〔2019〕60号, 〔2021〕30号) as data, keyed as in SCHEMA.md."""

from __future__ import annotations

from typing import NamedTuple

TEMPLATES = ("2019", "2021")

# ---- table 三: applicants (columns) -------------------------------------------------------------------
APPLICANT_PARTS = ("natural_person", "commercial", "research", "social_org", "legal_services", "other_org")
APPLICANTS = (*APPLICANT_PARTS, "total")
APPLICANT_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# ---- table 三: outcome rows, each with its label path (group, subgroup, leaf) ---------------------------
_G3 = "三、本年度办理结果"
_D, _U, _N, _O = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"
REQUEST_ROWS: dict[str, tuple[str, ...]] = {
    "new_received": ("一、本年新收政府信息公开申请数量",),
    "carried_over": ("二、上年结转政府信息公开申请数量",),
    "granted": (_G3, "（一）予以公开"),
    "partly_granted": (_G3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "denied_state_secret": (_G3, _D, "1.属于国家秘密"),
    "denied_other_law": (_G3, _D, "2.其他法律行政法规禁止公开"),
    "denied_three_safeties": (_G3, _D, "3.危及“三安全一稳定”"),
    "denied_third_party": (_G3, _D, "4.保护第三方合法权益"),
    "denied_internal_affairs": (_G3, _D, "5.属于三类内部事务信息"),
    "denied_process_info": (_G3, _D, "6.属于四类过程性信息"),
    "denied_enforcement_file": (_G3, _D, "7.属于行政执法案卷"),
    "denied_admin_query": (_G3, _D, "8.属于行政查询事项"),
    "unavailable_not_held": (_G3, _U, "1.本机关不掌握相关政府信息"),
    "unavailable_needs_creation": (_G3, _U, "2.没有现成信息需要另行制作"),
    "unavailable_unclear": (_G3, _U, "3.补正后申请内容仍不明确"),
    "not_processed_complaint": (_G3, _N, "1.信访举报投诉类申请"),
    "not_processed_duplicate": (_G3, _N, "2.重复申请"),
    "not_processed_publication": (_G3, _N, "3.要求提供公开出版物"),
    "not_processed_excessive": (_G3, _N, "4.无正当理由大量反复申请"),
    "not_processed_confirmation": (_G3, _N, "5.要求行政机关确认或重新出具已获取信息"),
    "other": (_G3, _O),
    "other_no_correction": (_G3, _O, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_unpaid_fee": (_G3, _O, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_misc": (_G3, _O, "3.其他"),
    "total_processed": (_G3, "（七）总计"),
    "carried_forward": ("四、结转下年度继续办理",),
}
OTHER_2021 = ("other_no_correction", "other_unpaid_fee", "other_misc")
NON_LEAF = ("new_received", "carried_over", "total_processed", "carried_forward")


def request_row_keys(template: str, single_other: bool = False) -> tuple[str, ...]:
    """Outcome keys of table 三 in printed order (2019: 23 rows; 2021: 25; 2021 + single （六） row: 23)."""
    drop = OTHER_2021 if template == "2019" or single_other else ("other",)
    return tuple(k for k in REQUEST_ROWS if k not in drop)


def leaf_keys(template: str, single_other: bool = False) -> tuple[str, ...]:
    """Outcome rows that sum to total_processed."""
    return tuple(k for k in request_row_keys(template, single_other) if k not in NON_LEAF)


# ---- table 二 ------------------------------------------------------------------------------------------
class Clause(NamedTuple):
    clause: str  # "20.1"
    label: str  # 第二十条第（一）项
    metrics: tuple[tuple[str, str], ...]  # (key, header label)
    items: tuple[tuple[str, str], ...]  # (key, row label)


_M19 = (("prior_year_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))
_M21 = (("decisions", "本年处理决定数量"),)
PROACTIVE_LAYOUT: dict[str, tuple[Clause, ...]] = {
    "2019": (
        Clause("20.1", "第二十条第（一）项",
               (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                ("total_published", "对外公开总数量")),
               (("rules", "规章"), ("normative_documents", "规范性文件"))),
        Clause("20.5", "第二十条第（五）项", _M19, (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
        Clause("20.6", "第二十条第（六）项", _M19, (("penalty", "行政处罚"), ("coercion", "行政强制"))),
        Clause("20.8", "第二十条第（八）项", _M19[:2], (("fees", "行政事业性收费"),)),
        Clause("20.9", "第二十条第（九）项",
               (("procurement_count", "采购项目数量"), ("procurement_amount", "采购总金额")),
               (("procurement", "政府集中采购"),)),
    ),
    "2021": (
        Clause("20.1", "第二十条第（一）项",
               (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
               (("rules", "规章"), ("normative_documents", "行政规范性文件"))),
        Clause("20.5", "第二十条第（五）项", _M21, (("licensing", "行政许可"),)),
        Clause("20.6", "第二十条第（六）项", _M21, (("penalty", "行政处罚"), ("coercion", "行政强制"))),
        Clause("20.8", "第二十条第（八）项", (("fee_amount", "本年收费金额（单位：万元）"),), (("fees", "行政事业性收费"),)),
    ),
}
AMOUNT_METRICS = ("fee_amount", "procurement_amount")  # canonical value in 万元


def proactive_layout(template: str, legacy: tuple[str, ...] = ()) -> tuple[Clause, ...]:
    """Table 二's clauses; `legacy`: clauses a 2021 report still prints with the 2019 labels and metrics
    (第二十条第（一）项 with 本年新制作数量 | 本年新公开数量 | 对外公开总数量)."""
    old = {c.clause: c for c in PROACTIVE_LAYOUT["2019"]}
    return tuple(old[c.clause] if c.clause in legacy and c.clause in old else c for c in PROACTIVE_LAYOUT[template])


def proactive_keys(template: str, legacy: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """(item, metric) keys of table 二 in printed order."""
    return tuple((i, m) for c in proactive_layout(template, legacy) for i, _ in c.items for m, _ in c.metrics)


def clause_of(template: str, item: str) -> str:
    """The clause ("20.1" …) an item belongs to."""
    return next(c.clause for c in PROACTIVE_LAYOUT[template] if item in dict(c.items))


# ---- table 四 ------------------------------------------------------------------------------------------
PROCEEDINGS = ("admin_review", "litigation_direct", "litigation_after_review")
REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
REVIEW_OUTCOME_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
                         "total": "总计"}
REVIEW_HEADERS = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")

# ---- section headings ----------------------------------------------------------------------------------
SECTION_TITLES: dict[int, tuple[str, ...]] = {
    1: ("一、总体情况",),
    2: ("二、主动公开政府信息情况",),
    3: ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开的申请情况"),
    4: ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    5: ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    6: ("六、其他需要报告的事项",),
}
