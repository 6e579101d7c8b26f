"""Government-CMS-style HTML pages: a report page, a notice about reports, and a 政府信息公开年报 list page."""

from __future__ import annotations

import base64
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape

from .grid import CellQuirks, GCell, Grid, report_grids
from .values import SyntheticReport


@dataclass(frozen=True)
class HtmlQuirks(CellQuirks):
    """Page- and markup-level deviations on top of the cell quirks (defaults: a typical Word-exported page)."""

    meta_tags: bool = True  # the national <meta name="SiteName"…> tags
    declare_charset: bool = True  # a <meta charset> / http-equiv Content-Type declaration
    word_styles: bool = True  # MsoNormalTable, <p class="MsoNormal"><span style=…> in cells and prose
    split_cell_text: float = 0.3  # chance a label/header cell's text is split across <p>, <br/> or <span>
    nbsp_padding: float = 0.3  # chance a cell gets &nbsp; padding (labels: between parts, "社会&nbsp;公益")
    split_table3: bool = False  # table 三 as two <table>s, group labels repeated at the top of the second
    split_inline: bool = False  # with split_table3: both parts in one <table> (labels repeated mid-table)
    split_before: str = "unavailable_not_held"  # the outcome row that starts the second part
    misaligned_colspan: bool = False  # table 三 header colspans that do not line up with the data rows
    chrome_links: int = 40  # extra navigation/news links around the article
    table_images: str = ""  # "data": tables printed as pictures in data: URIs; "files": <img src="tjbN.png">
    wide_clause: bool = False  # table 二 clause cells span one column more than the table (a hidden column)
    traditional: bool = False  # served by a big5 gateway: traditional characters, 信息 printed as 資訊


@dataclass(frozen=True)
class Site:
    """The government website a page belongs to."""

    name: str  # SiteName, e.g. 伊春市金林区人民政府
    domain: str  # e.g. www.jinlin.gov.cn
    id_code: str  # 网站标识码, 10 digits
    icp: str  # 黑ICP备05001234号
    column: str = "政府信息公开年报"
    column_path: str = "/zwgk/zfxxgk/zfxxgknb/"

    @property
    def column_url(self) -> str:
        return f"https://{self.domain}{self.column_path}"


@dataclass(frozen=True)
class Notice:
    """A page about annual reports (a notice, an interpretation) that is not a report: no table 三."""

    title: str
    agency: str
    published: date
    paragraphs: tuple[str, ...]
    figures: tuple[tuple[str, str], ...] = ()  # an optional key-figures table (指标, 数量)

    @property
    def doc_id(self) -> int:
        return 10000 + zlib.crc32(f"{self.title}|{self.published}".encode()) % 90000


@dataclass(frozen=True)
class ListEntry:
    """One line of a column list page."""

    title: str
    href: str  # relative to the column, e.g. ./202302/t20230220_80629.htm
    published: date


# ---- sites and addresses -------------------------------------------------------------------------------
_PROVINCE_ICP = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"


def default_site(agency: str, city: str = "", region: str = "") -> Site:
    """A deterministic fictional site for an agency (a department publishes on its government's site)."""
    if agency.endswith("人民政府") and not region:
        owner = agency
    elif region and region != city:
        owner = f"{city}{region}人民政府"
    else:
        owner = f"{city or region or agency}人民政府"
    h = zlib.crc32(owner.encode())
    return Site(name=owner, domain=f"www.gov{h % 100000:05d}.gov.cn", id_code=f"{230000 + h % 600000:06d}{h % 10000:04d}",
                icp=f"{_PROVINCE_ICP[h % len(_PROVINCE_ICP)]}ICP备{h % 90000000 + 10000000:08d}号")


def doc_href(doc: SyntheticReport | Notice) -> str:
    """The TRS-style address of a page relative to its column: ./YYYYMM/tYYYYMMDD_ID.htm."""
    d = doc.published
    return f"./{d:%Y%m}/t{d:%Y%m%d}_{doc.doc_id}.htm"


def doc_url(doc: SyntheticReport | Notice, site: Site) -> str:
    return site.column_url + doc_href(doc)[2:]


def list_entry(doc: SyntheticReport | Notice) -> ListEntry:
    return ListEntry(doc.title, doc_href(doc), doc.published)


def list_page_name(page: int) -> str:
    """TRS pagination: index.htm, index_1.htm, index_2.htm …"""
    return "index.htm" if page == 0 else f"index_{page}.htm"


# ---- markup helpers ------------------------------------------------------------------------------------
_P = '<p class="MsoNormal" align="center" style="text-align:center;line-height:20.0pt;mso-line-height-rule:exactly">'
_SPAN = '<span style="font-family:仿宋_GB2312;font-size:10.5pt;mso-hansi-font-family:宋体">'
_TD = ('style="width:{w:.4f}pt;padding:0.0000pt 5.4000pt 0.0000pt 5.4000pt;border:1.0000pt solid windowtext;'
       'mso-border-alt:0.5000pt solid windowtext;"')
_TABLE_WORD = ('<table class="MsoNormalTable" border="1" cellspacing="0" style="border-collapse:collapse;width:434.9500pt;'
               'border:none;mso-border-left-alt:0.5000pt solid windowtext;mso-border-top-alt:0.5000pt solid windowtext;'
               'mso-padding-alt:0.0000pt 5.4000pt 0.0000pt 5.4000pt;">')
_PROSE_P = ('<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly">'
            '<span style="font-size:16.0pt;font-family:仿宋_GB2312">{}</span></p>')


def _pieces(c: GCell, q: HtmlQuirks, rng: random.Random) -> list[str]:
    """A cell's text as escaped segments, each later wrapped in its own <p>/<span> or joined by <br/>."""
    text = escape(c.text, quote=False)
    if c.kind == "value":
        if text and rng.random() < q.nbsp_padding:
            return ["&nbsp;", text, "&nbsp;"] if rng.random() < 0.5 else [text + "&nbsp;"]
        return [text or ("&nbsp;" if q.word_styles else "")]
    if c.kind == "clause":
        return [text + "&nbsp;" if rng.random() < q.nbsp_padding else text]
    if len(c.text) >= 4 and rng.random() < q.nbsp_padding:
        cuts = sorted(rng.sample(range(1, len(c.text)), min(2, len(c.text) - 1)))
        text = "&nbsp;".join(escape(c.text[a:b], quote=False) for a, b in zip([0, *cuts], [*cuts, None], strict=True))
    if len(c.text) >= 2 and rng.random() < q.split_cell_text and "&" not in text:
        if c.kind == "header" and len(c.text) <= 4:
            return list(text)  # vertical header: one character per line
        i = rng.randint(1, len(c.text) - 1)
        return [text[:i], text[i:]]
    return [text]


def _cell_html(c: GCell, q: HtmlQuirks, rng: random.Random, width: int) -> str:
    colspan = c.colspan + 1 if q.wide_clause and c.kind == "clause" else c.colspan
    spans = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    parts = _pieces(c, q, rng)
    if not q.word_styles:
        return f"<td{spans}>" + "<br/>".join(parts) + "</td>"
    w = 434.95 * c.colspan / width
    if len(parts) > 1 and rng.random() < 0.3:  # split by spans inside one paragraph
        inner = _P + "".join(f"{_SPAN}{s}</span>" for s in parts) + "</p>"
    else:
        inner = "".join(f"{_P}{_SPAN}{s}</span></p>" for s in parts)
    return f'<td width="{round(w / 0.75)}" valign="center"{spans} {_TD.format(w=w)}>{inner}</td>'


def _table_html(grids: Sequence[Grid], q: HtmlQuirks, rng: random.Random) -> str:
    head = _TABLE_WORD if q.word_styles else '<table border="1" cellspacing="0" cellpadding="0" width="100%">'
    tr = '<tr style="height:28.9500pt;">' if q.word_styles else "<tr>"
    rows = "".join(tr + "".join(_cell_html(c, q, rng, g.width) for c in r) + "</tr>" for g in grids for r in g.rows)
    return f"{head}<tbody>{rows}</tbody></table>"


def _prose(text: str, q: HtmlQuirks) -> str:
    return _PROSE_P.format(escape(text, quote=False)) if q.word_styles else f"<p>{escape(text, quote=False)}</p>"


def table_image_files(report: SyntheticReport, q: HtmlQuirks) -> dict[str, bytes]:
    """The pictures of tables 二/三/四 a page with table_images shows, by file name (tjb1.png …)."""
    from .render_scan import render_table_images

    return {f"tjb{i}.png": png for i, png in enumerate(render_table_images(report, cell_quirks=q), start=1)}


def _article_body(report: SyntheticReport, q: HtmlQuirks, rng: random.Random) -> str:
    if q.table_images:  # a 统计表 picture in each section instead of a table
        files = table_image_files(report, q)
        srcs = [f"data:image/png;base64,{base64.b64encode(b).decode()}" if q.table_images == "data" else name
                for name, b in files.items()]
        by_img = {2 + i: [f'<p style="text-align:center"><img src="{src}" width="600" alt="统计表"/></p>']
                  for i, src in enumerate(srcs)}
        out = [_prose(report.intro, q)]
        for s in report.sections:
            out.append(_prose(s.title, q))
            out += [_prose(t, q) for t in s.text.split("\n") if t]
            out += by_img.get(s.number, [])
        return "\n".join(out)
    grids = report_grids(report, q, q.split_before if q.split_table3 else None, q.misaligned_colspan)
    by_section: dict[int, list[str]] = {2: [], 3: [], 4: []}
    req = [g for g in grids if g.name == "requests"]
    by_section[2].append(_table_html([grids[0]], q, rng))
    if q.split_inline:
        by_section[3].append(_table_html(req, q, rng))
    else:
        by_section[3] += [_table_html([g], q, rng) for g in req]
    by_section[4].append(_table_html([grids[-1]], q, rng))
    out = [_prose(report.intro, q)]
    for s in report.sections:
        out.append(_prose(s.title, q).replace("<span ", '<span class="bt" ', 1) if q.word_styles
                   else f"<p><strong>{escape(s.title)}</strong></p>")
        out += [_prose(t, q) for t in s.text.split("\n") if t]
        out += by_section.get(s.number, [])
    return "\n".join(out)


# ---- page chrome ---------------------------------------------------------------------------------------
_NEWS = ("召开全区政务公开工作推进会", "关于开展政务公开专项检查的通知", "政府常务会议研究部署重点工作",
         "优化营商环境工作新闻发布会", "关于公布行政规范性文件清理结果的通知", "防汛抗旱工作部署会召开",
         "关于印发政务公开工作要点的通知", "政务服务“一网通办”改革持续推进", "第一季度经济运行情况",
         "关于征求意见的公告", "财政预算执行情况", "重点项目建设观摩活动举行")
_COLUMNS = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开",
            "机构职能", "政策文件", "规划计划", "财政资金", "政府会议")


def _chrome_links(rng: random.Random, n: int, year: int) -> str:
    items = []
    for _ in range(n):
        d, t = date(year, rng.randint(1, 12), rng.randint(1, 28)), rng.choice(_NEWS)
        items.append(f'<li><a href="../../xwzx/{d:%Y%m}/t{d:%Y%m%d}_{rng.randint(10000, 99999)}.htm" target="_blank"'
                     f' title="{t}">{t}</a><span>{d:%Y-%m-%d}</span></li>')
    return "\n".join(items)


def _page(site: Site, q: HtmlQuirks, encoding: str, rng: random.Random, *, title: str, body: str,
          meta: dict[str, str], crumbs: Sequence[tuple[str, str]], year: int) -> bytes:
    enc = encoding.lower()
    charset = ""
    if q.declare_charset:
        name = "big5" if enc in ("cp950", "big5hkscs") else encoding  # pages declare Big5 whatever the variant
        charset = ('<meta charset="utf-8" />' if enc in ("utf-8", "utf8")
                   else f'<meta http-equiv="Content-Type" content="text/html; charset={name}" />')
    metas = "\n".join(f'<meta name="{k}" content="{escape(v)}" />' for k, v in meta.items()) if q.meta_tags else ""
    nav = "".join(f'<li><a href="https://{site.domain}/{p}/">{t}</a></li>' for t, p in
                  (("首页", ""), ("政务公开", "zwgk"), ("政务服务", "zwfw"), ("互动交流", "hdjl"), ("走进本地", "zjbd")))
    on = ' class="on"'
    side = "".join(f'<li{on if c == site.column else ""}><a href="../{zlib.crc32(c.encode()) % 9999}/">{c}</a></li>'
                   for c in _COLUMNS)
    crumb = " &gt; ".join(f'<a href="{h}">{t}</a>' for t, h in crumbs)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset}
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
{metas}
<title>{escape(title)}_{escape(site.column)}_{escape(site.name)}</title>
<link rel="stylesheet" type="text/css" href="/images/common.css" />
<script type="text/javascript" src="/images/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问{escape(site.name)}网站</span>
<a href="https://www.gov.cn/" target="_blank">中国政府网</a> <a href="javascript:;">无障碍浏览</a> <a href="javascript:;">长者模式</a></div></div>
<div class="header"><div class="w1200"><a class="logo" href="https://{site.domain}/"><img src="/images/logo.png" alt="{escape(site.name)}" /></a>
<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键字" /><button>搜索</button></form></div></div>
<div class="nav"><ul class="w1200">{nav}</ul></div>
<div class="main w1200">
<div class="breadcrumb">当前位置：{crumb}</div>
<div class="sidebar"><h3>政府信息公开</h3><ul class="side-menu">{side}</ul>
<div class="side-news"><h4>工作动态</h4><ul>{_chrome_links(rng, q.chrome_links // 2, year)}</ul></div></div>
<div class="content">
{body}
</div>
<div class="related"><h4>相关阅读</h4><ul>{_chrome_links(rng, q.chrome_links - q.chrome_links // 2, year)}</ul></div>
</div>
<div class="footer"><div class="w1200">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sybz/">使用帮助</a></p>
<p>主办单位：{escape(site.name)}办公室　承办单位：{escape(site.name)}电子政务中心</p>
<p><span>网站标识码：{site.id_code}</span>　<span><a href="https://beian.miit.gov.cn" target="_blank">{site.icp}</a></span>
　<span><a href="http://www.beian.gov.cn/" target="_blank">公网安备 {site.id_code[:6]}02000{site.id_code[-4:]}号</a></span></p>
<p><a href="https://bszs.conac.cn/" target="_blank"><img src="/images/dzjg.png" alt="党政机关" /></a>
<a href="https://zfwzgl.www.gov.cn/" target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错" /></a></p>
</div></div>
</body>
</html>
"""
    if q.traditional:
        page = gateway_traditional(page)
    return page.encode(encoding, errors="xmlcharrefreplace")


def gateway_traditional(text: str) -> str:
    """Text as a big5 gateway serves a page: simplified → traditional characters in Taiwan's standard forms
    (OpenCC s2tw: 為 not 爲, every character one Big5 holds), 信息 → 資訊."""
    return _s2tw().convert(text).replace("信息", "資訊")


@cache
def _s2tw():
    import opencc

    return opencc.OpenCC("s2tw")


def _meta(site: Site, title: str, published: date, source: str, url: str) -> dict[str, str]:
    return {"SiteName": site.name, "SiteDomain": site.domain, "SiteIDCode": site.id_code,
            "ColumnName": site.column, "ColumnType": site.column, "ArticleTitle": title,
            "PubDate": f"{published:%Y-%m-%d} 09:{zlib.crc32(title.encode()) % 60:02d}", "ContentSource": source,
            "Keywords": "政府信息公开,年度报告", "Url": url}


def _article(title: str, published: date, source: str, content: str) -> str:
    return (f'<div class="article"><h1 class="article-title">{escape(title)}</h1>\n'
            f'<div class="article-info"><span>发布时间：{published:%Y-%m-%d}</span> <span>来源：{escape(source)}</span>'
            f' <span>字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a></span></div>\n'
            f'<div class="article-content TRS_Editor" id="zoom">\n{content}\n</div>\n'
            f'<div class="article-tools"><a href="javascript:window.print();">打印本页</a> <a href="javascript:window.close();">关闭窗口</a></div></div>')


def _crumbs(site: Site) -> list[tuple[str, str]]:
    return [("首页", f"https://{site.domain}/"), ("政务公开", "../../../"), ("政府信息公开", "../../"),
            (site.column, "../")]


# ---- public renderers ----------------------------------------------------------------------------------
def render_html_page(report: SyntheticReport, quirks: HtmlQuirks | None = None, encoding: str = "utf-8",
                     site: Site | None = None) -> bytes:
    """A full report page: head with the government-site <meta> tags, chrome, and the article with its tables."""
    q = quirks or HtmlQuirks()
    site = site or default_site(report.agency, report.city, report.region)
    rng = random.Random(f"html|{q.seed}|{report.agency}|{report.year}")
    body = _article(report.title, report.published, report.office, _article_body(report, q, rng))
    return _page(site, q, encoding, rng, title=report.title, body=body, year=report.year + 1,
                 meta=_meta(site, report.title, report.published, report.office, doc_url(report, site)),
                 crumbs=_crumbs(site))


_NOTICE_FORMS = (
    ("{agency}办公室关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知", "notice"),
    ("关于报送{year}年政府信息公开工作年度报告的通知", "notice"),
    ("{agency}{year}年政府信息公开工作年度报告解读", "figures"),
    ("图解：{region}{year}年度政府信息公开工作年度报告", "figures"),
    ("关于{region}{year}年政府信息公开工作年度报告发布情况的公示", "notice"),
)


def make_notice(rng: random.Random, *, year: int, agency: str, region: str = "", kind: str | None = None) -> Notice:
    """A notice or interpretation whose title contains 年度报告 for `year` (it is not itself a report)."""
    forms = [f for f in _NOTICE_FORMS if kind is None or f[1] == kind]
    form, k = rng.choice(forms)
    title = form.format(agency=agency, year=year, region=region or agency)
    paras = (
        f"各乡镇人民政府、街道办事处，各有关部门：根据《中华人民共和国政府信息公开条例》规定，现就做好{year}年度"
        "政府信息公开工作年度报告编制和发布工作有关事项通知如下。",
        f"一、各单位应于{year + 1}年1月31日前在本单位门户网站或政府信息公开专栏发布年度报告，并同步报送电子版。",
        "二、年度报告应严格按照国务院办公厅政府信息公开办公室印发的格式模板编制，数据应准确、完整。",
        f"三、联系人：{rng.choice('王李张刘陈杨赵黄')}同志，联系电话：0{rng.randint(300, 999)}-{rng.randint(2000000, 8999999)}。",
    )
    figures: tuple[tuple[str, str], ...] = ()
    if k == "figures":
        paras = (f"{year}年，{region or agency}政府信息公开工作坚持以人民为中心，主要数据解读如下。",
                 "一是主动公开力度持续加大；二是依申请公开办理更加规范；三是平台建设不断加强。")
        figures = (("主动公开政府信息", f"{rng.randint(100, 9000)}条"), ("新收政府信息公开申请", f"{rng.randint(0, 300)}件"),
                   ("按期答复率", "100%"), ("政府信息公开行政复议", f"{rng.randint(0, 5)}件"))
    return Notice(title=title, agency=agency, published=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
                  paragraphs=paras, figures=figures)


def render_notice_page(notice: Notice, quirks: HtmlQuirks | None = None, encoding: str = "utf-8",
                       site: Site | None = None) -> bytes:
    """A page about annual reports (notice or interpretation): 年度报告 in the title, no table 三."""
    q = quirks or HtmlQuirks()
    site = site or default_site(notice.agency)
    rng = random.Random(f"notice|{q.seed}|{notice.title}")
    content = "\n".join(_prose(t, q) for t in notice.paragraphs)
    if notice.figures:
        g = Grid("figures", 2)
        g.add(("指标", "header", 0, 1, 1), ("数量", "header", 1, 1, 1))
        for k, v in notice.figures:
            g.add((k, "label", 0, 1, 1), (v, "label", 1, 1, 1))
        content += "\n" + _table_html([g], q, rng)
    body = _article(notice.title, notice.published, notice.agency, content)
    return _page(site, q, encoding, rng, title=notice.title, body=body, year=notice.published.year,
                 meta=_meta(site, notice.title, notice.published, notice.agency, doc_url(notice, site)),
                 crumbs=_crumbs(site))


def render_list_page(entries: Sequence[ListEntry], *, site: Site, page: int = 0, n_pages: int = 1,
                     quirks: HtmlQuirks | None = None, encoding: str = "utf-8") -> bytes:
    """A 政府信息公开年报 column list page: titles, dates and relative links, with TRS-style pagination."""
    q = quirks or HtmlQuirks()
    rng = random.Random(f"list|{q.seed}|{site.domain}|{page}")
    rows = "\n".join(
        f'<li><a href="{escape(e.href)}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a>'
        f'<span class="date">{e.published:%Y-%m-%d}</span></li>' for e in entries)
    pager = [f'<a href="{list_page_name(0)}">首页</a>']
    if page > 0:
        pager.append(f'<a href="{list_page_name(page - 1)}">上一页</a>')
    if page + 1 < n_pages:
        pager.append(f'<a href="{list_page_name(page + 1)}">下一页</a>')
    pager.append(f'<a href="{list_page_name(n_pages - 1)}">尾页</a>')
    body = (f'<div class="list-box"><div class="list-title">{escape(site.column)}</div>\n<ul class="list">\n{rows}\n</ul>\n'
            f'<div class="page">共{n_pages}页 当前第{page + 1}页 {" ".join(pager)}</div>\n'
            f'<script type="text/javascript">var countPage = {n_pages}; var currentPage = {page};'
            f' createPageHTML(countPage, currentPage, "index", "htm");</script></div>')
    year = max((e.published.year for e in entries), default=2024)
    meta = {"SiteName": site.name, "SiteDomain": site.domain, "SiteIDCode": site.id_code, "ColumnName": site.column,
            "ColumnType": site.column}
    return _page(site, q, encoding, rng, title=site.column, body=body, year=year, meta=meta,
                 crumbs=_crumbs(site)[:-1] + [(site.column, "./")])


def _render_page(report: SyntheticReport, rng: random.Random) -> bytes:
    from .quirks import html_quirks

    encoding = rng.choice(("utf-8", "gbk"))
    return render_html_page(report, html_quirks(rng), encoding=encoding)


RENDERS = {"html": _render_page}  # pipeline.synth.formats: the formats this module writes


__all__ = ["HtmlQuirks", "ListEntry", "Notice", "Site", "default_site", "doc_href", "doc_url", "list_entry",
           "list_page_name", "make_notice", "render_html_page", "render_list_page", "render_notice_page"]
