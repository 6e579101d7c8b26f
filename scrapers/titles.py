"""Reading list rows like a person: full titles, years, 年报 columns, year and agency labels, notices.

A row is a report when its title names an information-disclosure annual report; inside a 年报 column a
shorter title (``2023年度``, ``区教育局2023年度报告``) is one too, its meaning coming from the column. Notices,
rules and explainers about reports are not reports. Link text cut with ``…`` gives way to the ``title=``
attribute (or, when there is none, the detail page's ``ArticleTitle``).
"""

from __future__ import annotations

import re

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_REPORT = re.compile(r"信息公开.{0,16}?(?:年度报告|年报|年度工作报告)|政务公开.{0,8}?年度报告|公开工作年度报告")
_LOOSE_REPORT = re.compile(r"年度报告|年报|年度工作报告|工作报告|公开报告")
# Notices, rules and explainers *about* reports, not reports.
NOT_REPORT = re.compile(
    r"通知|通报|解读|图解|制度|要点|办法|规定|考核|评估|评议|指南|征求意见|目录|工作方案|培训|督查|一图读懂|问答"
    r"|关于.{0,20}?(?:做好|开展|编制|报送|发布|印发|公布|提交|规范|加强)"
)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
ELLIPSES = ("...", "…", "..", "。。。", "．．．", "⋯")
_MARKERS = re.compile(r"^(?:\[置顶\]|【置顶】|置顶|\[new\]|【new】|new|·|•|■|□|●|○|>|》)\s*", re.I)
_YEAR_LABEL = re.compile(r"^(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年?度?\s*(?:政府信息公开)?(?:工作)?(?:年报|年度报告)?$")
_ANNUAL = re.compile(r"年报|年度报告|xxgknb|gknb|ndbg|annual", re.I)
_GROUP = re.compile(r"(?:部门|单位|乡镇|街道|镇街|镇（街道）|乡（镇）|区县|县区|市直|区直|县直|市级|区级|县级|本级|政府|办事处"
                    r"|局|委员会|委|办公室|办|院|中心|镇|乡|管委会|所|署|厅|公司)(?:年报|年度报告)?$")
_NAVIGATION = re.compile(r"首页|信息公开|政务公开|政府公开|公开指南|公开制度|公开目录|概况|新闻|动态|通知|公告|政策|解读|互动"
                         r"|服务|办事(?!处)|专题|更多|上一页|下一页|尾页|末页|返回|English|无障碍|登录|注册")


def clean_title(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def strip_markers(text: str) -> str:
    """Row markers that are not part of a title: [置顶], NEW, bullets."""
    prev = None
    while prev != text:
        prev, text = text, _MARKERS.sub("", text).strip()
    return text


def is_cut(text: str) -> bool:
    """Whether link text was shortened by the CMS (ends with an ellipsis)."""
    return clean_title(text).endswith(ELLIPSES)


def uncut(text: str) -> str:
    text = clean_title(text)
    while text.endswith(ELLIPSES):
        for e in ELLIPSES:
            if text.endswith(e):
                text = text[: -len(e)].rstrip()
    return text


def best_title(text: str | None, title_attr: str | None) -> tuple[str, bool]:
    """(the fullest title of a link, whether it may still be cut). The ``title=`` attribute wins when the
    text is cut or is a prefix of it; cut text never wins over a complete attribute, whatever its length."""
    text, attr = strip_markers(clean_title(text)), strip_markers(clean_title(title_attr))
    if attr and attr.lower() in ("点击查看", "查看详情", "详细", "more", "更多", "null", "undefined"):
        attr = ""
    if not attr:
        return text, is_cut(text)
    if not text:
        return attr, is_cut(attr)
    if is_cut(text) and not is_cut(attr):
        return attr, False
    if is_cut(attr) and not is_cut(text):
        return text, False
    if is_cut(text) and is_cut(attr):
        longer = max(uncut(text), uncut(attr), key=len)
        return longer, True
    if report_year(attr) and not report_year(text):
        return attr, False
    if report_year(text) and not report_year(attr):
        return text, False
    return (attr if len(attr) >= len(text) else text), False


def title_year(title: str) -> int | None:
    """The (first) year written in a title, Arabic or Chinese numerals."""
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(title)
    if m:
        return int("".join(_CN_DIGITS[c] for c in m.group(1)))
    return None


def _plausible(year: int | None) -> int | None:
    return year if year is not None and 1990 <= year <= 2100 else None


def report_year(title: str | None) -> int | None:
    """The reporting year if ``title`` names an information-disclosure annual report, else None."""
    title = clean_title(title).replace(" ", "")
    if not title or not _REPORT.search(title) or NOT_REPORT.search(title):
        return None
    return _plausible(title_year(title))


def year_label(text: str | None) -> int | None:
    """The year of a bare year label (``2023``, ``2023年``, ``2023年度``, ``二〇二三年度年报``), else None."""
    text = clean_title(text).replace(" ", "")
    if not text or not _YEAR_LABEL.match(text):
        return None
    return _plausible(title_year(text if "年" in text else text + "年"))


def annual_name(text: str | None) -> bool:
    """Whether a column name (or path) says it holds annual reports."""
    return bool(text and _ANNUAL.search(text))


def group_label(text: str | None) -> bool:
    """Whether link text names a group of publishers or one agency (a per-agency sub-column of a 年报 column):
    ``部门年报``, ``乡镇（街道）``, ``区教育局``. Navigation labels are not."""
    text = clean_title(text).replace(" ", "")
    if not text or len(text) > 24 or _NAVIGATION.search(text) or NOT_REPORT.search(text):
        return False
    return bool(_GROUP.search(text)) or ("年报" in text and len(text) <= 12)


def column_report_year(title: str, column_year: int | None = None, annual: bool = False) -> int | None:
    """The reporting year of a row. Outside a 年报 column only a full report title counts; inside one, a
    title with a year and 报告/年报 (``区教育局2023年度报告``), a bare year label (``2023年度``), or, in a year
    sub-column, any row that is not a notice."""
    strict = report_year(title)
    if strict or not annual:
        return strict
    text = clean_title(title).replace(" ", "")
    if not text or NOT_REPORT.search(text):
        return None
    label = year_label(text)
    if label:
        return label
    year = _plausible(title_year(text))
    if year and _LOOSE_REPORT.search(text):
        return year
    if year is None and column_year and (group_label(text) or _LOOSE_REPORT.search(text)):
        return column_year
    return None


def maybe_report(title: str, annual: bool = False) -> bool:
    """A cut title that could name a report once complete (decided on the detail page)."""
    text = uncut(title).replace(" ", "")
    if not text or NOT_REPORT.search(text):
        return False
    if annual:
        return True
    return bool(re.search(r"信息公开|政务公开|年报|年度报|年度|工作年", text))
