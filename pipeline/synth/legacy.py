"""Synthetic reports of the years before the national template (2008–2018): the statistics-table families of
LEGACY.md (SH-2007 monthly form with codes, FJ-2009 附表, FJ-PT, GB-2014 统计表) and prose-only reports.

An independent oracle for pipeline.legacy: the layouts below are spelled out here (row labels as printed and
the key each one shows), not read from pipeline/templates. Each report knows the key figures a reader must
find (`figures`). Pitfalls: 历年累计 columns that restart, prose contradicting the table, look-alike rows
(作为依申请公开信息数, 依申请公开信息目录数), rows outside the vocabulary (检索费, 提供服务类信息数), units
条/件/元/万元/人次, approximations in the prose (约, 多), and (renderers) split year headers and fused digits.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date

FAMILIES = ("SH-2007", "FJ-2009", "FJ-PT", "GB-2014", "prose")
EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class LRow:
    """One printed row of a legacy table: label as printed, 计量单位, the key it shows (EXTRA: outside the
    vocabulary; None: a heading without values) and the SH-2007 code."""

    label: str
    unit: str
    key: str | None
    code: str = ""


# ---- the families' layouts -------------------------------------------------------------------------------
FJ_2009 = (
    LRow("主动公开信息数", "条", "proactive.total"),
    LRow("其中：1.政府网站", "条", "proactive.by_channel.website"),
    LRow("2.政府公报", "条", "proactive.by_channel.gazette"),
    LRow("作为依申请公开信息数", "条", "info.on_request_class"),
    LRow("受理依申请公开信息总数", "条", "requests.received"),
    LRow("其中：1.当面申请数", "条", "requests.by_channel.in_person"),
    LRow("2.传真申请数", "条", "requests.by_channel.fax"),
    LRow("3.电子邮件申请数", "条", "requests.by_channel.email"),
    LRow("4.网上申请数", "条", "requests.by_channel.online"),
    LRow("5.信函申请数", "条", "requests.by_channel.letter"),
    LRow("6.其它形式申请数", "条", "requests.by_channel.other"),
    LRow("本年度对申请的答复总数", "条", "replies.total"),
    LRow("其中：1.同意公开答复数", "条", "replies.granted"),
    LRow("2.同意部分公开答复数", "条", "replies.partly_granted"),
    LRow("3.否决公开答复总数", "条", "replies.negative_all"),
    LRow("行政复议数", "条", "review.total"),
    LRow("行政诉讼数", "条", "litigation.total"),
    LRow("行政申诉数", "条", "complaints.total"),
)
FJ_PT = (
    LRow("主动公开文件数", "条", "proactive.total"),
    LRow("其中：1、政府网站公开数", "条", "proactive.by_channel.website"),
    LRow("2、政府公报公开数", "条", "proactive.by_channel.gazette"),
    LRow("受理政府信息依申请公开总数", "条", "requests.received"),
    LRow("其中：1、当面申请数", "条", "requests.by_channel.in_person"),
    LRow("2、网上申请数", "条", "requests.by_channel.online"),
    LRow("3、信函、传真申请数", "条", "requests.by_channel.letter_or_fax"),
    LRow("对申请的答复总数", "条", "replies.total"),
    LRow("其中：1、同意公开答复数", "条", "replies.granted"),
    LRow("2、同意部分公开答复数", "条", "replies.partly_granted"),
    LRow("3、不予公开答复数", "条", "replies.denied"),
    LRow("4、其他类型答复数", "条", "replies.other_type"),
    LRow("政府信息公开收费减免金额", "元", "fees.waived"),  # 2014–2016 only
    LRow("接受行政诉讼、举报数", "件", "complaints.litigation_combined"),
    LRow("行政复议数", "件", "review.total"),
    LRow("行政诉讼数", "件", "litigation.total"),
)
GB_2014 = (
    LRow("一、主动公开情况", "", None),
    LRow("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "proactive.total"),
    LRow("其中：主动公开规范性文件数", "条", "normative.published"),
    LRow("制发规范性文件总数", "件", "normative.issued"),
    LRow("（二）通过不同渠道和方式公开政府信息的情况", "", None),
    LRow("1.政府公报公开政府信息数", "条", "proactive.by_channel.gazette"),
    LRow("2.政府网站公开政府信息数", "条", "proactive.by_channel.website"),
    LRow("3.政务微博公开政府信息数", "条", "proactive.by_channel.weibo"),
    LRow("4.政务微信公开政府信息数", "条", "proactive.by_channel.wechat"),
    LRow("5.其他方式公开政府信息数", "条", "proactive.by_channel.other"),
    LRow("二、回应解读情况", "", None),
    LRow("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "response.hot_topics"),
    LRow("（二）通过不同渠道和方式回应解读的情况", "", None),
    LRow("1.参加或举办新闻发布会总次数", "次", "response.press_conf"),
    LRow("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conf_heads"),
    LRow("2.政府网站在线访谈次数", "次", "response.online_interviews"),
    LRow("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews_heads"),
    LRow("3.政策解读稿件发布数", "篇", "response.interpretations"),
    LRow("4.微博微信回应事件数", "次", "response.weibo_wechat"),
    LRow("5.其他方式回应事件数", "次", "response.other"),
    LRow("三、依申请公开情况", "", None),
    LRow("（一）收到申请数", "件", "requests.received"),
    LRow("1.当面申请数", "件", "requests.by_channel.in_person"),
    LRow("2.传真申请数", "件", "requests.by_channel.fax"),
    LRow("3.网络申请数", "件", "requests.by_channel.online"),
    LRow("4.信函申请数", "件", "requests.by_channel.letter"),
    LRow("（二）申请办结数", "件", "requests.concluded"),
    LRow("1.按时办结数", "件", "requests.concluded_on_time"),
    LRow("2.延期办结数", "件", "requests.concluded_extended"),
    LRow("（三）申请答复数", "件", "replies.total"),
    LRow("1.属于已主动公开范围数", "件", "replies.already_public"),
    LRow("2.同意公开答复数", "件", "replies.granted"),
    LRow("3.同意部分公开答复数", "件", "replies.partly_granted"),
    LRow("4.不同意公开答复数", "件", "replies.denied"),
    LRow("其中：涉及国家秘密", "件", "replies.denied.state_secret"),
    LRow("涉及商业秘密", "件", "replies.denied.commercial_secret"),
    LRow("涉及个人隐私", "件", "replies.denied.privacy"),
    LRow("危及国家安全、公共安全、经济安全和社会稳定", "件", "replies.denied.security_stability"),
    LRow("不是《条例》所指政府信息", "件", "replies.denied.not_gov_info"),
    LRow("法律法规规定的其他情形", "件", "replies.denied.other_law"),
    LRow("5.不属于本行政机关公开", "件", "replies.not_this_agency"),
    LRow("6.申请信息不存在", "件", "replies.not_exist"),
    LRow("7.告知作出更改补充", "件", "replies.unclear"),
    LRow("8.告知通过其他途径办理", "件", "replies.other_route"),
    LRow("四、行政复议数量", "件", "review.total"),
    LRow("（一）维持具体行政行为数", "件", "review.upheld"),
    LRow("（二）被依法纠错数", "件", "review.corrected"),
    LRow("（三）其他情形数", "件", "review.other"),
    LRow("五、行政诉讼数量", "件", "litigation.total"),
    LRow("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
    LRow("（二）被依法纠错数", "件", "litigation.corrected"),
    LRow("（三）其他情形数", "件", "litigation.other"),
    LRow("六、举报投诉数量", "件", "complaints.total"),
    LRow("七、依申请公开信息收取的费用", "万元", "fees.collected"),
    LRow("八、机构建设和保障经费情况", "", None),
    LRow("（一）政府信息公开工作专门机构数", "个", "org.units"),
    LRow("（二）设置政府信息公开查阅点数", "个", "org.reading_points"),
    LRow("（三）从事政府信息公开工作人员数", "人", "org.staff_total"),
    LRow("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "org.staff_fulltime"),
    LRow("2.兼职人员数", "人", "org.staff_parttime"),
    LRow("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", "org.budget"),
    LRow("九、政府信息公开会议和培训情况", "", None),
    LRow("（一）召开政府信息公开工作会议或专题会议数", "次", "training.meetings"),
    LRow("（二）举办各类培训班数", "次", "training.sessions"),
    LRow("（三）接受培训人员数", "人次", "training.trainees"),
)
SH_2007 = (
    LRow("主动公开信息数", "条", "proactive.total", "01"),
    LRow("其中：全文电子化的主动公开信息数", "条", "proactive.fulltext_electronic", "02"),
    LRow("新增的行政规范性文件数", "条", "normative.published", "03"),
    LRow("提供服务类信息数", "条", EXTRA, "04"),
    LRow("网站专栏页面访问量", "人次", "site.column_visits", "05"),
    LRow("现场接待人数", "人次", "consult.onsite", "06"),
    LRow("网上咨询数", "人次", "consult.online", "07"),
    LRow("咨询电话接听数", "人次", "consult.phone", "08"),
    LRow("依申请公开信息目录数", "条", "info.on_request_class", "09"),
    LRow("申请总数", "条", "requests.received", "10"),
    LRow("其中：当面申请数", "条", "requests.by_channel.in_person", "11"),
    LRow("传真申请数", "条", "requests.by_channel.fax", "12"),
    LRow("电子邮件申请数", "条", "requests.by_channel.email", "13"),
    LRow("网上申请数", "条", "requests.by_channel.online", "14"),
    LRow("信函申请数", "条", "requests.by_channel.letter", "15"),
    LRow("其它形式申请数", "条", "requests.by_channel.other", "16"),
    LRow("对申请的答复总数", "条", "replies.total", "20"),
    LRow("其中：同意公开答复数", "条", "replies.granted", "21"),
    LRow("同意部分公开答复数", "条", "replies.partly_granted", "22"),
    LRow("否决公开答复总数", "条", "replies.negative_all", "23"),
    LRow("其中：信息不存在", "条", "replies.not_exist", "24"),
    LRow("非本部门掌握", "条", "replies.not_this_agency", "25"),
    LRow("申请内容不明确", "条", "replies.unclear", "26"),
    LRow("免于公开范围1", "条", "replies.denied.state_secret", "27"),
    LRow("非《规定》所指", "条", "replies.denied.not_gov_info", "28"),
    LRow("其他原因", "条", "replies.other_type", "29"),
    LRow("行政复议数", "件", "review.total", "40"),
    LRow("行政诉讼数", "件", "litigation.total", "41"),
    LRow("行政申诉数", "件", "complaints.total", "42"),
    LRow("检索费", "元", EXTRA, "50"),
    LRow("复制费", "元", EXTRA, "51"),
    LRow("收取费用总数", "元", "fees.collected", "52"),
    LRow("全职人员", "人", "org.staff_fulltime", "60"),
    LRow("兼职人员", "人", "org.staff_parttime", "61"),
    LRow("专项经费", "万元", "org.budget", "62"),
    LRow("实际支出", "万元", "org.expenditure", "63"),
    LRow("与诉讼有关的总费用", "万元", "org.litigation_costs", "64"),
)
LAYOUTS = {"SH-2007": SH_2007, "FJ-2009": FJ_2009, "FJ-PT": FJ_PT, "GB-2014": GB_2014}
# printed column headers (the year one formatted with the report's year)
HEADERS = {
    "SH-2007": ("指标名称", "计量单位", "代码", "本期实际", "本年累计"),
    "FJ-2009": ("指标名称", "计量单位", "{year}年度", "历年累计"),
    "FJ-PT": ("指标名称", "计量单位", "{year}年度", "历年累计"),
    "GB-2014": ("统计指标", "单位", "统计数"),
}
# column of each printed value: period of the key figure it shows (None: not a key figure, e.g. a month)
VALUE_COLUMNS = {"SH-2007": (None, "year"), "FJ-2009": ("year", "cumulative"), "FJ-PT": ("year", "cumulative"),
                 "GB-2014": ("year",)}


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure a reader must find."""

    key: str
    period: str  # year | cumulative
    source: str  # table | prose
    value: float
    qualifier: str | None = None
    approx: bool = False


@dataclass(slots=True)
class LegacyReport:
    year: int
    agency: str
    region: str
    city: str
    family: str
    title: str
    intro: str
    published: date
    paragraphs: list[str]  # the prose in order (headings included); tables go after the paragraph `table_after`
    rows: list[tuple[LRow, tuple[str, ...]]] = field(default_factory=list)  # printed value cells per row
    header: tuple[str, ...] = ()
    figures: list[Figure] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # the year's true numbers by key
    cumulative: dict[str, float] = field(default_factory=dict)
    table_after: int = -1
    office: str = ""

    @property
    def doc_id(self) -> int:
        return 10000 + zlib.crc32(f"{self.agency}|{self.year}|legacy".encode()) % 90000

    def table_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.source == "table"]

    def prose_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.source == "prose"]


# ---- values ------------------------------------------------------------------------------------------------
def _skewed(rng: random.Random, hi: float, p_zero: float = 0.4) -> int:
    return 0 if rng.random() < p_zero or hi < 1 else int(round(hi ** rng.random()))


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """total cut into n non-negative parts."""
    cuts = sorted(rng.randint(0, total) for _ in range(n - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def year_values(rng: random.Random, dept: bool) -> dict[str, float]:
    """Every key figure of one report-year, consistent: channel and reply sums hold."""
    s = 0.25 if dept else 1.0
    v: dict[str, float] = {}
    total = max(1, _skewed(rng, 6000 * s, 0.0))
    gazette = rng.randint(0, total // 10)
    v.update({"proactive.total": total, "proactive.by_channel.gazette": gazette,
              "proactive.by_channel.website": total - gazette, "proactive.fulltext_electronic": total,
              "normative.published": _skewed(rng, 60 * s), "normative.issued": _skewed(rng, 60 * s),
              "proactive.by_channel.weibo": _skewed(rng, 800 * s), "proactive.by_channel.wechat": _skewed(rng, 800 * s),
              "proactive.by_channel.other": _skewed(rng, 50 * s), "info.on_request_class": _skewed(rng, 200 * s),
              "site.column_visits": _skewed(rng, 200000 * s, 0.1), "consult.onsite": _skewed(rng, 300 * s),
              "consult.online": _skewed(rng, 300 * s), "consult.phone": _skewed(rng, 500 * s)})
    received = _skewed(rng, 120 * s, 0.45)
    ch = _split(rng, received, 6)
    v.update({"requests.received": received, "requests.by_channel.in_person": ch[0], "requests.by_channel.fax": ch[1],
              "requests.by_channel.email": ch[2], "requests.by_channel.online": ch[3],
              "requests.by_channel.letter": ch[4], "requests.by_channel.other": ch[5],
              "requests.by_channel.letter_or_fax": ch[1] + ch[4] + ch[5]})
    replies = received - (rng.randint(0, received // 5) if received else 0)
    parts = _split(rng, replies, 8)
    denied = _split(rng, parts[3], 6)
    v.update({"replies.total": replies, "replies.already_public": parts[0], "replies.granted": parts[1],
              "replies.partly_granted": parts[2], "replies.denied": parts[3],
              "replies.denied.state_secret": denied[0], "replies.denied.commercial_secret": denied[1],
              "replies.denied.privacy": denied[2], "replies.denied.security_stability": denied[3],
              "replies.denied.not_gov_info": denied[4], "replies.denied.other_law": denied[5],
              "replies.not_this_agency": parts[4], "replies.not_exist": parts[5], "replies.unclear": parts[6],
              "replies.other_route": parts[7], "replies.other_type": parts[4] + parts[5] + parts[6] + parts[7],
              "replies.negative_all": parts[3] + parts[4] + parts[5] + parts[6] + parts[7],
              "requests.concluded": replies})
    late = rng.randint(0, replies // 4) if replies else 0
    v.update({"requests.concluded_on_time": replies - late, "requests.concluded_extended": late})
    for p in ("review", "litigation"):
        n = _skewed(rng, 4, 0.75)
        up, cor, oth = _split(rng, n, 3)
        v.update({f"{p}.total": n, f"{p}.upheld": up, f"{p}.corrected": cor, f"{p}.other": oth})
    v.update({"complaints.total": _skewed(rng, 5, 0.7), "complaints.litigation_combined": v["litigation.total"],
              "fees.waived": _skewed(rng, 800, 0.6), "response.hot_topics": _skewed(rng, 30 * s),
              "response.press_conf": _skewed(rng, 12 * s), "response.online_interviews": _skewed(rng, 10 * s),
              "response.interpretations": _skewed(rng, 60 * s), "response.weibo_wechat": _skewed(rng, 40 * s),
              "response.other": _skewed(rng, 10 * s), "org.units": 1, "org.reading_points": rng.randint(1, 6),
              "org.staff_fulltime": rng.randint(0, 4), "org.staff_parttime": rng.randint(1, 8),
              "training.meetings": rng.randint(0, 6), "training.sessions": rng.randint(0, 5),
              "training.trainees": _skewed(rng, 400 * s, 0.2), "org.expenditure": round(rng.uniform(0, 40), 1),
              "org.litigation_costs": 0})
    v["response.press_conf_heads"] = rng.randint(0, int(v["response.press_conf"]))
    v["response.online_interviews_heads"] = rng.randint(0, int(v["response.online_interviews"]))
    v["org.staff_total"] = v["org.staff_fulltime"] + v["org.staff_parttime"]
    v["org.budget"] = rng.choice((0, 2, 5, 8, 10, 20, 1.5))
    v["fees.collected"] = 0 if rng.random() < 0.8 else round(rng.uniform(0.01, 2), 2)
    return v


# ---- prose -----------------------------------------------------------------------------------------------------
_CATEGORIES = ("机构职能类", "政策、规范性文件类", "规划计划类", "财政预决算类", "行政许可类", "重大建设项目",
               "应急管理类", "环保、公共卫生、安全生产、食品药品、产品质量类")


def _prose(rng: random.Random, r: LegacyReport, v: dict[str, float], *, contradict: bool, approx: bool,
           table: bool) -> tuple[list[str], list[Figure], int]:
    """Paragraphs (with section headings) and the figures their sentences state; the index after which the
    statistics table is printed."""
    who = "我" + (r.region[-1] if r.agency.endswith("人民政府") and r.region[-1:] in "区县市" else "局")
    whole = "全" + r.region[-1] if r.agency.endswith("人民政府") and r.region[-1:] in "区县市" else who
    paras = ["一、概述", f"{r.year}年，{who}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。",
             "二、主动公开政府信息情况"]
    figs: list[Figure] = []
    total = int(v["proactive.total"])
    stated = total + rng.randint(5, 90) if contradict else total
    if approx and stated >= 100:
        shown = stated // 100 * 100
        paras.append(rng.choice((f"{r.year}年，{whole}共主动公开政府信息约{shown}条。",
                                 f"全年{whole}主动公开政府信息{shown}多条。")))
        figs.append(Figure("proactive.total", "year", "prose", shown, approx=True))
    elif rng.random() < 0.25:  # the older Fujian form: items made, then how they were classed
        on_request, exempt = rng.randint(0, 200), rng.randint(0, 2000)
        made = stated + on_request + exempt
        paras.append(f"各乡镇、县直各单位对政府信息进行了梳理和编目，{r.year}年制作、获取政府信息总数{made}条，其中主动公开"
                     f"政府信息{stated}条，作为依申请公开信息数{on_request}条，不予公开信息数{exempt}条。")
        figs += [Figure("info.produced", "year", "prose", made), Figure("proactive.total", "year", "prose", stated),
                 Figure("info.on_request_class", "year", "prose", on_request),
                 Figure("info.exempt_class", "year", "prose", exempt)]
    else:
        paras.append(rng.choice((f"{r.year}年{whole}主动公开政府信息{stated}条。",
                                 f"{r.year}年，{whole}共主动公开政府信息{stated}条。",
                                 f"{r.year}年新增主动公开政府信息{stated}条。",
                                 f"全年累计主动公开政府信息{stated}条。")))
        figs.append(Figure("proactive.total", "year", "prose", stated))
    if r.agency.endswith("人民政府") and not contradict and total >= 2:
        a = rng.randint(1, total - 1)
        unit_a, unit_b = rng.choice((("区直各部门", "各乡镇"), ("县直各部门", "各乡镇（街道）"), ("市直各单位", "各县（市、区）")))
        paras.append(f"其中，{unit_a}主动公开政府信息{a}条，{unit_b}主动公开政府信息{total - a}条。")
        figs += [Figure("proactive.by_unit", "year", "prose", a, unit_a),
                 Figure("proactive.by_unit", "year", "prose", total - a, unit_b)]
    if rng.random() < 0.6 and not contradict and total >= 8:
        cats = rng.sample(_CATEGORIES, 3)
        counts = _split(rng, total, 4)
        items = [f"{c}信息{n}条" for c, n in zip(cats, counts, strict=False)] + [f"其他信息{counts[3]}条"]
        if rng.random() < 0.5:
            paras.append(f"{r.year}年，{who}主动公开政府信息的主要类别有：" + "，".join(items) + "。")
        else:  # items with their shares, run over ；
            shares = [f"{it}，占{100 * n / total:.1f}%" for it, n in zip(items, counts, strict=True)]
            paras.append(f"{r.year}年，在门户网站主动公开的{total}条政府信息中，" + "；".join(shares) + "。")
        figs += [Figure("proactive.by_category", "year", "prose", n, c)
                 for c, n in zip([*cats, "其他信息"], counts, strict=True)]
    if rng.random() < 0.5:
        visits = int(v["site.column_visits"])
        paras.append(f"{r.year}年政府信息公开专栏访问量达{visits}人次。")
        figs.append(Figure("site.column_visits", "year", "prose", visits))
    paras.append(rng.choice(("三、政府信息依申请公开工作情况", "三、依申请公开政府信息情况")))
    received = int(v["requests.received"])
    if received == 0:
        paras.append(rng.choice((f"{r.year}年未收到有关政府信息公开申请。",
                                 f"{r.year}年，{who}没有收到公民、法人和其他组织提出的政府信息公开申请。")))
        figs.append(Figure("requests.received", "year", "prose", 0))
    else:
        paras.append(f"{r.year}年，{who}共受理政府信息公开申请{received}件，对申请已答复{int(v['replies.total'])}件，"
                     f"其中同意公开{int(v['replies.granted'])}件，同意部分公开{int(v['replies.partly_granted'])}件。")
        figs += [Figure("requests.received", "year", "prose", received),
                 Figure("replies.total", "year", "prose", v["replies.total"]),
                 Figure("replies.granted", "year", "prose", v["replies.granted"]),
                 Figure("replies.partly_granted", "year", "prose", v["replies.partly_granted"])]
    if rng.random() < 0.5:
        consult = int(v["consult.onsite"] + v["consult.online"] + v["consult.phone"])
        if consult >= 100 and approx:
            paras.append(rng.choice((f"全年接受群众咨询{consult // 100 * 100}多人次。",
                                     f"{r.year}年有约{consult // 100 * 100}人次通过各种方式向{who}咨询政府信息公开有关事务。")))
            figs.append(Figure("consult.total", "year", "prose", consult // 100 * 100, approx=True))
        else:
            paras.append(f"全年接受群众咨询{consult}人次。")
            figs.append(Figure("consult.total", "year", "prose", consult))
    paras.append(rng.choice(("四、因政府信息公开申请行政复议、提起行政诉讼的情况", "四、政府信息公开行政复议和行政诉讼情况")))
    rev, lit = int(v["review.total"]), int(v["litigation.total"])
    if rev == 0 and lit == 0:
        paras.append(rng.choice((f"{r.year}年未收到有关政府信息公开行政复议、提起行政诉讼的申请。",
                                 f"{r.year}年未发生因政府信息公开申请提起行政复议、行政诉讼的情况。")))
        figs += [Figure("review.total", "year", "prose", 0), Figure("litigation.total", "year", "prose", 0)]
    else:
        paras.append(f"全年共发生政府信息公开行政复议{rev}件，行政诉讼{lit}件。")
        figs += [Figure("review.total", "year", "prose", rev), Figure("litigation.total", "year", "prose", lit)]
    if rng.random() < 0.5:
        paras.append(rng.choice(("五、政府信息公开的收费及减免情况", "五、收费及减免情况")))
        paras.append(rng.choice((f"{r.year}年，{who}暂不收费。", "依申请提供政府信息，未收取任何费用。")))
        figs.append(Figure("fees.collected", "year", "prose", 0))
    if rng.random() < 0.5:
        s, t = int(v["training.sessions"]), int(v["training.trainees"])
        if s:
            paras.append(f"全年举办政府信息公开业务培训班{s}期，参训人员{t}人次。")
            figs += [Figure("training.sessions", "year", "prose", s), Figure("training.trainees", "year", "prose", t)]
    paras.append(rng.choice(("六、存在的主要问题及改进措施", "五、政府信息公开工作存在的主要问题及改进措施")))
    paras.append("一是公开内容的深度和广度有待拓展；二是工作人员业务水平有待提高。下一步将进一步加强培训，规范公开内容。")
    table_after = len(paras)
    if table:
        paras.append(rng.choice(("七、政府信息公开情况统计表", "附表：政府信息公开工作情况统计表", "六、政府信息公开情况统计表")))
        table_after = len(paras)
    return paras, figs, table_after


# ---- the generator -----------------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def generate_legacy(rng: random.Random, *, year: int = 2015, family: str | None = None,
                    agency: str = "云岭市东湖区人民政府", region: str = "东湖区", city: str = "云岭市",
                    previous: LegacyReport | None = None, contradict: bool | None = None,
                    approx: bool | None = None, restart: bool | None = None) -> LegacyReport:
    """One pre-2019 report. family: one of FAMILIES (random by year when None: GB-2014 from 2014, FJ-PT for
    2014–2018, FJ-2009 and SH-2007 before); previous (same agency, year - 1, same family) chains the 历年累计
    column, which restarts now and then (restart=True forces it)."""
    if family is None:
        family = rng.choice(("GB-2014", "FJ-PT", "prose") if year >= 2014 else ("FJ-2009", "SH-2007", "prose"))
    dept = not agency.endswith("人民政府")
    v = year_values(rng, dept)
    contradict = rng.random() < 0.15 if contradict is None else contradict
    approx = rng.random() < 0.3 if approx is None else approx
    title = rng.choice((f"{agency}{year}年政府信息公开工作年度报告", f"{agency}{year}年度政府信息公开工作年度报告",
                        f"{city}{region}{year}年政府信息公开工作年度报告"))
    office = agency if dept else f"{region}人民政府办公室"
    intro = (f"本报告根据《中华人民共和国政府信息公开条例》要求，由{office}编制。本报告所列数据的统计期限自{year}年1月1日"
             f"起至{year}年12月31日止。")
    r = LegacyReport(year, agency, region, city, family, title, intro, date(year + 1, rng.randint(1, 3),
                     rng.randint(1, 28)), [], office=office, values=v)
    table = family != "prose"
    r.paragraphs, prose_figs, r.table_after = _prose(rng, r, v, contradict=contradict, approx=approx, table=table)
    r.figures = list(prose_figs)
    if not table:
        return r
    layout = [row for row in LAYOUTS[family] if not (row.key == "fees.waived" and year > 2016)]
    r.header = tuple(h.format(year=year) for h in HEADERS[family])
    periods = VALUE_COLUMNS[family]
    prev_cum = previous.cumulative if previous is not None and previous.family == family else {}
    restart = rng.random() < 0.15 if restart is None else restart
    for row in layout:
        if row.key is None:
            r.rows.append((row, ("",) * len(periods)))
            continue
        value = v.get(row.key, rng.randint(0, 40)) if row.key != EXTRA else rng.randint(0, 400)
        cells = []
        for period in periods:
            if period is None:  # SH-2007 本期实际: the December month alone
                cells.append(_fmt(round(value * rng.uniform(0, 0.2))) if isinstance(value, int) else "0")
            elif period == "cumulative":
                base = 0 if restart or row.key not in prev_cum else prev_cum[row.key]
                cum = base + value if prev_cum or restart else value + rng.randint(0, 5) * (value > 0) * 10
                r.cumulative[row.key] = cum
                cells.append(_fmt(cum))
            else:
                cells.append(_fmt(value))
        r.rows.append((row, tuple(cells)))
        for period, text in zip(periods, cells, strict=True):
            if period is not None:
                r.figures.append(Figure(row.key, period, "table", float(text)))
    return r


def legacy_corpus(seed: int, agencies: list[tuple[str, str, str]], years: range = range(2008, 2019),
                  families: dict[str, tuple[str, str]] | None = None) -> list[LegacyReport]:
    """Pre-2019 reports of several agencies ((agency, region, city)), one per year. Each agency keeps one
    statistics-table family up to 2013 and one from 2014 (families: agency → (before, from 2014); random by
    default, prose-only possible), so a long series crosses a family change as real ones do."""
    rng = random.Random(f"legacy|{seed}")
    out: list[LegacyReport] = []
    for agency, region, city in agencies:
        before, after = (families or {}).get(agency) or (rng.choice(("FJ-2009", "SH-2007", "prose")),
                                                         rng.choice(("GB-2014", "FJ-PT", "prose")))
        prev = None
        for y in years:
            prev = generate_legacy(rng, year=y, family=before if y < 2014 else after, agency=agency, region=region,
                                   city=city, previous=prev)
            out.append(prev)
    return out
