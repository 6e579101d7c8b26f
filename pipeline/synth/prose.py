"""Prose for synthetic reports: titles, the 统计时限 sentence and section texts, from phrase banks."""

from __future__ import annotations

import random
import re

TITLE_FORMS_GOV = (
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{year}年{region}政府信息公开工作年度报告",
    "{city}{region}{year}年政府信息公开工作年度报告",
    "{city}{region}{year}年度政府信息公开工作年度报告",
    "{region}{year}年政府信息公开工作年度报告",
    "{agency}{year}年政府信息公开年度报告",
    "{year}年度{agency}政府信息公开工作年度报告",
)
TITLE_FORMS_DEPT = (
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{short}{year}年政府信息公开工作年度报告",
    "{year}年{short}政府信息公开工作年度报告",
    "{agency}{year}年政府信息公开年度报告",
    "{agency} {year}年政府信息公开工作年度报告",
)


def make_title(rng: random.Random, *, year: int, agency: str, region: str, city: str) -> str:
    """A report title in one of the forms seen on government sites."""
    dept = not agency.endswith("人民政府")
    forms = TITLE_FORMS_DEPT if dept else TITLE_FORMS_GOV
    if not city:
        forms = tuple(f for f in forms if "{city}" not in f)
    rest = agency[len(city):] if city and agency.startswith(city) else ""
    short = rest if re.match(r"^.{1,4}[区县旗]", rest) else agency  # 金林区财政局, not 财政局
    return rng.choice(forms).format(year=year, agency=agency, region=region, city=city, short=short)


def make_intro(rng: random.Random, *, year: int, office: str, site: str) -> str:
    """The opening 本报告… sentence with the 统计时限."""
    first = rng.choice((
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，由{office}编制而成。",
        "本报告是根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{office}编制。",
        "本报告由{office}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。",
    )).format(office=office)
    span = rng.choice(("本报告中所列数据的统计时限自{y}年1月1日至12月31日。",
                       "本报告所列数据统计时限自{y}年1月1日起至{y}年12月31日止。",
                       "报告中所列数据的统计时限为{y}年1月1日至{y}年12月31日。")).format(y=year)
    where = rng.choice(("本报告电子版可在“{site}”政府信息公开专栏查阅或下载。",
                        "如对本报告有疑问，请与{office}联系。",
                        ""))
    return first + span + where.format(site=site, office=office)


_OVERVIEW_HEADS = (("（一）主动公开", "（一）主动公开情况", "（一）主动公开政府信息情况"),
                   ("（二）依申请公开", "（二）依申请公开情况"),
                   ("（三）政府信息管理", "（三）政府信息管理情况"),
                   ("（四）平台建设", "（四）政府信息公开平台建设情况"),
                   ("（五）监督保障", "（五）监督保障情况"))
_OVERVIEW_BODIES = (
    ("{year}年，{who}坚持以公开为常态、不公开为例外，通过政府网站主动公开政府信息{n_pub}条，"
     "其中政策文件{n_doc}件，及时更新机构职能、规划计划、财政预决算等信息。",
     "全年累计发布各类政府信息{n_pub}条，围绕重点领域信息公开，持续做好财政资金、重大建设项目、公共资源配置等信息发布。"),
    ("{year}年，{who}共收到政府信息公开申请{n_req}件，均在法定期限内予以答复。",
     "进一步规范依申请公开受理、审核、答复流程，全年新收政府信息公开申请{n_req}件，按期答复率100%。"),
    ("严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，对拟公开的信息进行审核把关。",
     "动态调整政府信息公开目录，及时清理规范性文件，确保公开信息准确、规范。"),
    ("持续优化政府门户网站栏目设置，加强政务新媒体管理，发挥政务服务大厅、档案馆等公开查阅场所作用。",
     "依托政府网站和政务新媒体，拓宽公开渠道，提升网站检索和互动功能。"),
    ("将政务公开工作纳入年度绩效考核，定期开展督查，{year}年未发生因政府信息公开工作引发的责任追究情况。",
     "明确分管领导和专职工作人员，组织开展业务培训{n_train}次，全年未收到有关政府信息公开工作的举报。"),
)
_PROBLEMS = (
    "{year}年，{who}政府信息公开工作取得了一定成效，但仍存在一些不足：一是公开内容的深度和广度有待拓展；"
    "二是政策解读形式较为单一；三是工作人员业务水平有待提高。",
    "工作中仍存在信息更新不够及时、部分栏目内容不够丰富、依申请公开答复规范性有待加强等问题。",
)
_IMPROVE = (
    "下一步，我们将进一步加强组织领导，规范公开内容，丰富解读形式，加强业务培训，不断提升政府信息公开工作质量。",
    "针对上述问题，{who}将从健全工作机制、强化平台建设、加强监督考核等方面抓好整改落实。",
)
_OTHER = (
    "{year}年，{who}未收取信息处理费。",
    "本年度未发生收取信息处理费的情况。",
    "无。",
    "{year}年，{who}认真落实上级政务公开工作要点，人大代表建议和政协提案办理结果均已按要求公开。",
)


def make_sections(rng: random.Random, *, year: int, who: str, n_req: int, dept: bool) -> dict[int, str]:
    """Texts of sections 一, 五 and 六 (paragraphs joined by newlines); sections 二–四 are tables."""
    fill = {"year": year, "who": who, "n_req": n_req, "n_pub": rng.randint(20, 3000),
            "n_doc": rng.randint(0, 60), "n_train": rng.randint(1, 6)}
    heads = _OVERVIEW_HEADS[:2] if dept and rng.random() < 0.5 else _OVERVIEW_HEADS
    overview = [rng.choice((f"{year}年，{who}深入贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。",
                            f"{year}年，在上级政务公开主管部门的指导下，{who}认真做好政府信息公开各项工作。"))]
    for i, h in enumerate(heads):
        overview += [rng.choice(h), rng.choice(_OVERVIEW_BODIES[i]).format(**fill)]
    return {
        1: "\n".join(overview),
        5: "\n".join((rng.choice(_PROBLEMS).format(**fill), rng.choice(_IMPROVE).format(**fill))),
        6: rng.choice(_OTHER).format(**fill),
    }
