"""Report metadata from the title, the 统计时限 and 由…编制 sentences, and government-site <meta> tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.fold import fold_name
from pipeline.labels import template_for_year  # noqa: F401 - re-exported: the template in force for a year
from pipeline.text import fold, squeeze

_YEAR = r"((?:19|20)\d{2})"
_TITLE_YEAR_RE = re.compile(_YEAR + r"\s*年")
_PERIOD_RE = re.compile(r"(?:统计|时限|期限|时间)[^。]{0,20}?" + _YEAR + r"年\s*1\s*月\s*1\s*日")
_REPORT_TITLE_RE = re.compile(r"(政府)?信息公开(工作)?(年度)?(报告|年报)")
_COMPILER_RE = re.compile(r"由([^,，。()（）]{2,40}?)(?:负责)?(?:编制|编写|起草)")
_NAME_TAIL_RE = re.compile(r"(关于)?(\d{4}年度?|[（(]?\d{4}[)）]?)?(年度)?(政府|政务)?(信息公开)?(工作)?(年度)?(报告|年报)$")
# One administrative unit of a place chain (江苏省 / 淮安市 / 洪泽区); 城乡 in department names is not a 乡.
_UNIT_RE = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:省|自治区|特别行政区|自治州|实验区|开发区|新区|地区|市|州|盟|区|县|旗|街道|镇|"
                      r"(?<!城)乡)")
_AGENCY_SUFFIXES = ("政府", "局", "委员会", "委", "办公室", "办", "厅", "院", "部", "署", "中心", "管委会",
                    "管理委员会", "公司", "所", "站", "队", "会", "处", "馆")
_TITLE_MAX = 60
_NOT_TITLE = ("本报告", "根据", "按照", "依据")
_PUBDATE_RE = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")


@dataclass(slots=True)
class Metadata:
    title: str = ""
    year: int | None = None
    agency: str | None = None
    region: str | None = None
    published_date: str | None = None


def is_report_title(text: str) -> bool:
    return bool(_REPORT_TITLE_RE.search(fold(text)))


def find_title(doc_title: str, lines: list[str]) -> str:
    """The report title: the reader's title when it names a report, else the first lines that do."""
    for part in [doc_title, *re.split(r"\s*[_|｜]\s*|\s+-\s+", doc_title or "")]:  # "title_column_site"
        if part and is_report_title(part) and len(squeeze(part)) <= _TITLE_MAX:
            return squeeze(part)
    head = [squeeze(x) for x in lines[:6]]
    for i, line in enumerate(head):
        if is_report_title(line) and len(line) <= _TITLE_MAX and not line.startswith(_NOT_TITLE):
            prev = head[i - 1] if i else ""
            # a title broken over two lines ("平潭综合实验区2019年" / "政府信息公开工作年度报告")
            if prev and len(prev) <= 30 and not is_report_title(prev) and _TITLE_YEAR_RE.search(prev + line):
                return prev + line
            return line
    return ""


def find_year(title: str, lines: list[str], pub_date: str | None) -> int | None:
    """Reporting year: title, then the 统计时限 sentence, then the first lines, then the publication year − 1."""
    m = _TITLE_YEAR_RE.search(title)
    if m:
        return int(m.group(1))
    text = "".join(fold(x) for x in lines[:40])
    m = _PERIOD_RE.search(text)
    if m:
        return int(m.group(1))
    for line in lines[:3]:
        m = _TITLE_YEAR_RE.search(squeeze(line))
        if m:
            return int(m.group(1))
    if pub_date:
        return int(pub_date[:4]) - 1
    return None


def _name_from_title(title: str) -> str:
    name = _NAME_TAIL_RE.sub("", title)
    name = re.sub(r"\d{4}年度?", "", name)
    return name.strip("《》“”\" ")


def place_chain(name: str) -> list[str]:
    """The administrative units a name starts with: 江苏省淮安市洪泽区人民政府 → [江苏省, 淮安市, 洪泽区]."""
    units: list[str] = []
    pos = 0
    while m := _UNIT_RE.match(name, pos):
        units.append(m.group(0))
        pos = m.end()
    return units


def find_agency_region(title: str, lines: list[str], author: str | None = None) -> tuple[str | None, str | None]:
    """(agency, region) from the title's name part and the 由…编制 sentence, in simplified characters (one
    agency's name is the same whether a report was served in traditional characters or not: `fold_name`)."""
    name = _name_from_title(fold_name(squeeze(title)))
    compiler = None
    for line in lines[:15]:
        m = _COMPILER_RE.search(fold_name(squeeze(line)))
        if m:
            compiler = m.group(1)
            break
    chain = place_chain(name)
    region = chain[-1] if chain else None
    if name and name.endswith(_AGENCY_SUFFIXES):
        agency = name
    elif compiler and compiler.endswith("人民政府办公室"):
        agency = compiler[: -len("办公室")]
    elif chain and name == "".join(chain):
        agency = name + "人民政府" if name.endswith(("省", "市", "区", "县", "旗", "州")) else name
    else:
        agency = name or compiler or author
    if agency and region is None:
        chain = place_chain(agency)
        region = chain[-1] if chain else None
    return agency or None, region


def published_date(meta: dict[str, str]) -> str | None:
    m = _PUBDATE_RE.search(meta.get("PubDate", "") or meta.get("pubdate", ""))
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def read_metadata(doc_title: str, lines: list[str], meta: dict[str, str]) -> Metadata:
    title = find_title(meta.get("ArticleTitle") or doc_title, lines)
    pub = published_date(meta)
    year = find_year(title, lines, pub)
    agency, region = find_agency_region(title, lines, meta.get("Author"))
    return Metadata(title=title, year=year, agency=agency, region=region, published_date=pub)
