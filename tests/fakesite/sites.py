"""Synthetic portals: a TRS WCM site (GBK, JavaScript pager), a Hanweb site (dataproxy XML) and a plain
site (下一页 and ?page=N), with the faults real portals show. Each builder returns the Site and what a
correct crawl must store."""

from __future__ import annotations

from dataclasses import dataclass, field

from .server import Route, Site


@dataclass
class Expected:
    """What a correct crawl of a fixture site stores and must never fetch."""

    documents: dict[str, bytes] = field(default_factory=dict)  # label -> body
    report_titles: set[str] = field(default_factory=set)
    never_fetched: set[str] = field(default_factory=set)  # paths
    column: str = ""


def fake_pdf(label: str) -> bytes:
    text = f"BT /F1 12 Tf 72 720 Td ({label}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</Length " + str(len(text)).encode() + b">>stream\n" + text + b"\nendstream endobj\n%%EOF\n")


def _trs_list(items: list[str], pager: str, meta: str) -> str:
    lis = "\n".join(items)
    return f"""<!DOCTYPE html><html><head>{meta}<title>政府信息公开年报_某某区人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<ul class="list">
{lis}
</ul>
<div class="page"><script>{pager}</script></div></body></html>"""


def trs_site(n: int = 10, agency: str = "某某区人民政府") -> tuple[Site, Expected]:
    """TRS WCM column /xxgk/zfxxgknb/ in GBK: index.html, index_1.html, index_2.html via createPageHTML."""
    site = Site()
    exp = Expected(column="/xxgk/zfxxgknb/index.html")
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    items: list[str] = []
    for i in range(n):
        year = 2024 - i
        title = f"{agency}{year}年政府信息公开工作年度报告"
        stamp = f"{year + 1}03{(i % 27) + 1:02d}"
        page_path = f"/xxgk/zfxxgknb/{stamp[:6]}/t{stamp}_{1000 + i}.html"
        pdf_name = f"P0{stamp}{i:04d}.pdf"
        pdf_path = f"/xxgk/zfxxgknb/{stamp[:6]}/{pdf_name}"
        link_path = page_path
        pdf = fake_pdf(f"{title} attachment {i}")
        detail = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{year + 1}-03-{(i % 27) + 1:02d} 09:00">
<title>{title}_某某区人民政府</title></head><body><div class="xxgk_table">索引号：11350100MB1234/2023-0{i}
发布机构：{agency}办公室 主题分类：政府信息公开年报</div><h1>{title}</h1>
<p>本报告根据《中华人民共和国政府信息公开条例》编制。一、总体情况……（第{i}号）</p>
<p>附件：<a href="./{pdf_name}">{title}.pdf</a></p></body></html>""".encode("gbk")
        site.routes[page_path] = Route(detail, "text/html; charset=GBK")
        site.routes[pdf_path] = Route(pdf, "application/pdf")
        exp.documents[f"page{i}"] = detail
        exp.documents[f"pdf{i}"] = pdf
        exp.report_titles.add(title)
        if i == 2:  # 503 then 200
            site.routes[page_path].fail_first = [(503, {})]
        if i == 3:  # 429 with Retry-After on the attachment
            site.routes[pdf_path].fail_first = [(429, {"Retry-After": "1"})]
        if i == 4:  # the list links an old address that redirects
            link_path = f"/xxgk/zfxxgknb/old/t{1000 + i}.html"
            site.routes[link_path] = Route(redirect_to=page_path)
        if i == 5:  # wrong Content-Type on the PDF
            site.routes[pdf_path].content_type = "text/html; charset=utf-8"
        if i == 6:  # the first download trickles: the deadline must cut it, the retry succeeds
            site.routes[pdf_path].trickle_first = 1
            site.routes[pdf_path].trickle_delay = 0.02
        items.append(f'<li><a href="{link_path}" title="{title}" target="_blank">{title[:14]}…</a>'
                     f'<span class="date">{year + 1}-03-{(i % 27) + 1:02d}</span></li>')
    # the same report under a second URL (identical bytes): stored once
    dup = f"{next(p for p in site.routes if p.endswith('_1001.html'))}?from=list"
    site.routes[dup] = site.routes[next(p for p in site.routes if p.endswith("_1001.html"))]
    items.insert(5, f'<li><a href="{dup}" title="{agency}2023年政府信息公开工作年度报告">{agency}2023年…</a>'
                    '<span>2024-03-02</span></li>')
    # a 404 report link, a robots-disallowed report, a notice about reports, a news item
    items.insert(6, f'<li><a href="/xxgk/zfxxgknb/201501/t20150101_404.html" title="{agency}2014年政府信息公开'
                    '工作年度报告">2014年报</a><span>2015-01-01</span></li>')
    items.insert(7, f'<li><a href="/private/t20140101_1.html">{agency}2013年政府信息公开工作年度报告</a>'
                    '<span>2014-01-01</span></li>')
    items.insert(1, '<li><a href="/xxgk/tzgg/t1.html">关于做好2024年政府信息公开工作年度报告编制发布工作的通知</a>'
                    '<span>2025-01-05</span></li>')
    items.insert(2, '<li><a href="/xxgk/news/t2.html">区政府召开2024年政务公开工作会议</a><span>2025-01-06</span></li>')
    exp.never_fetched |= {"/private/t20140101_1.html", "/xxgk/tzgg/t1.html", "/xxgk/news/t2.html"}
    site.routes["/private/t20140101_1.html"] = Route(b"<html>secret</html>")
    chunks = [items[0:5], items[5:10], items[10:]]
    pager = 'var currentPage = {cur};//所在页从0开始\nvar countPage = 3//共多少页\n' \
            'createPageHTML(countPage, currentPage, "index", "html");'
    metas = ['<meta charset="gb2312">', "", ""]  # meta only; header only; neither (detection)
    ctypes = ["text/html", "text/html; charset=GBK", "text/html"]
    for k, chunk in enumerate(chunks):
        body = _trs_list(chunk, pager.format(cur=k), metas[k]).encode("gbk")
        name = "index.html" if k == 0 else f"index_{k}.html"
        site.routes[f"/xxgk/zfxxgknb/{name}"] = Route(body, ctypes[k])
    site.routes["/xxgk/zfxxgknb/"] = site.routes["/xxgk/zfxxgknb/index.html"]
    return site, exp


def hanweb_site(n: int = 8, perpage: int = 2, agency: str = "某某县人民政府") -> tuple[Site, Expected]:
    """Hanweb column /col/col5985/index.html: 3 records inline, the rest from dataproxy.jsp (XML)."""
    site = Site()
    exp = Expected(column="/col/col5985/index.html")
    records: list[str] = []
    for i in range(n):
        year = 2024 - i
        title = f"{agency}{year}年度政府信息公开工作年度报告"
        if i == n - 1:  # a report published as a bare PDF link in the list
            path = f"/picture/0/nb{year}.pdf"
            pdf = fake_pdf(title)
            site.routes[path] = Route(pdf, "application/pdf")
            exp.documents[f"direct{i}"] = pdf
        else:
            path = f"/art/{year + 1}/1/26/art_5985_{98000 + i}.html"
            fname = f"{title}.pdf"
            dl = f"/module/download/downfile.jsp?classid=0&filename=a{98000 + i}.pdf"
            detail = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="pubdate" content="{year + 1}-01-26"></head><body><h1>{title}</h1>
<table><tr><td>发布日期：{year + 1}-01-26</td></tr></table><p>一、总体情况 {i}</p>
<a href="{dl.replace('&', '&amp;')}">{fname}</a></body></html>""".encode()
            pdf = fake_pdf(f"{title} {i}")
            raw_name = fname.encode("gbk" if i % 2 else "utf-8").decode("latin-1")
            site.routes[path] = Route(detail, "text/html;charset=UTF-8")
            site.routes[dl] = Route(pdf, "application/octet-stream",
                                    headers={"Content-Disposition": f'attachment; filename="{raw_name}"'})
            exp.documents[f"page{i}"] = detail
            exp.documents[f"pdf{i}"] = pdf
        exp.report_titles.add(title)
        records.append(f'<li><a href="{path}" title="{title}" target="_blank">{title}</a>'
                       f'<span>{year + 1}-01-26</span></li>')

    def datastore(recs: list[str], total: int | None) -> str:
        inner = "".join(f"<record><![CDATA[{r}]]></record>" for r in recs)
        tot = f"<totalrecord>{total}</totalrecord>" if total is not None else ""
        return f"<datastore>{tot}<recordset>{inner}</recordset></datastore>"

    proxy = "/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=5985&unitid=30617"
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<div id="30617"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{proxy}"></a>]]></nextgroup>
{datastore(records[:3], None)[11:-12]}</datastore></script>
<script>$(document).ready(function(){{ $('#30617').jpage({{ dataStore: dataStore, perPage: {perpage},
totalRecord: {n}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3 }}); }});</script></div>
</body></html>"""
    site.routes["/col/col5985/index.html"] = Route(page.encode(), "text/html; charset=utf-8")

    def dataproxy(path: str):  # noqa: ANN202
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(path)
        if parts.path != "/module/web/jpage/dataproxy.jsp":
            return None
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if q.get("columnid") != "5985" or "startrecord" not in q:
            return Route(b"<datastore></datastore>", "text/xml")
        start, end = int(q["startrecord"]), int(q["endrecord"])
        xml = '<?xml version="1.0" encoding="UTF-8"?>' + datastore(records[start - 1:end], n)
        return Route(xml.encode(), "text/xml;charset=UTF-8")

    site.dynamic.append(dataproxy)
    return site, exp


def plain_site(n: int = 7, style: str = "next", per_page: int = 3) -> tuple[Site, Expected]:
    """UTF-8 column at /list; pages joined by 下一页 links (style='next') or ?page=N links (style='query')."""
    site = Site()
    exp = Expected(column="/list")
    items = []
    for i in range(n):
        title = f"某某乡人民政府{2024 - i}年政府信息公开工作年报"
        path = f"/doc/{i}.pdf"
        pdf = fake_pdf(title)
        site.routes[path] = Route(pdf, "application/pdf")
        exp.documents[f"pdf{i}"] = pdf
        exp.report_titles.add(title)
        items.append(f'<tr><td><a href="{path}">{title}</a></td><td>{2025 - i}年2月1日</td></tr>')
    pages = [items[k:k + per_page] for k in range(0, n, per_page)]
    for k, chunk in enumerate(pages):
        url = "/list" if k == 0 else (f"/list?page={k + 1}" if style == "query" else f"/list/p{k + 1}.html")
        nxt = "" if k == len(pages) - 1 else (
            f'<a href="/list?page={k + 2}">{k + 2}</a>' if style == "query" else f'<a href="/list/p{k + 2}.html">下一页</a>')
        body = f"<html><body><table>{''.join(chunk)}</table><div>{nxt}</div></body></html>"
        site.routes[url] = Route(body.encode(), "text/html; charset=utf-8")
    return site, exp
