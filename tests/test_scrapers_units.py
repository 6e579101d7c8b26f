"""Offline units: encodings, report titles, pagers, page objects, registry, raw store, fetch log."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers import registry
from scrapers.discovery import HostPolicy, attachment_ext, media_type, report_year
from scrapers.encoding import decode_html, filename_from_disposition
from scrapers.fetchlog import FetchLog
from scrapers.pagers import link_pages, page_count, pager_call, parse_datastore
from scrapers.pages import DetailPage, ListPage, Page, redirect_target
from scrapers.platforms.hanweb_jpage import find_jpage
from scrapers.store import RawStore
from scrapers.titles import group_label
from tests.conftest import corpus_file

TEXT = "平潭综合实验区2022年度政府信息公开工作年度报告"


@pytest.mark.parametrize("codec,ctype,meta", [
    ("gbk", "text/html; charset=GBK", ""),
    ("gb2312", "text/html", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
    ("gb18030", None, ""),
    ("utf-8", "text/html; charset=utf-8", ""),
    ("gbk", "text/html; charset=utf-8", ""),  # a lying header: the bytes win
])
def test_decode_html(codec: str, ctype: str | None, meta: str) -> None:
    body = f"<html><head>{meta}</head><body><p>{TEXT}，一、总体情况。依申请公开。</p></body></html>".encode(codec)
    text, _used = decode_html(body, ctype)
    assert TEXT in text


@pytest.mark.parametrize("header", [
    'attachment; filename="' + "2022年报.pdf".encode("gbk").decode("latin-1") + '"',
    'attachment; filename="' + "2022年报.pdf".encode().decode("latin-1") + '"',
    "attachment; filename*=UTF-8''2022%E5%B9%B4%E6%8A%A5.pdf",
    "attachment; filename=2022%C4%EA%B1%A8.pdf",  # percent-encoded GBK
])
def test_content_disposition_names(header: str) -> None:
    assert filename_from_disposition(header) == "2022年报.pdf"


def test_content_disposition_never_a_path() -> None:
    assert filename_from_disposition('attachment; filename="../../etc/passwd"') == "passwd"
    assert filename_from_disposition('attachment; filename="..\\..\\x.pdf"') == "x.pdf"


@pytest.mark.parametrize("title,year", [
    (TEXT, 2022),
    ("一图读懂某某县2023年政府信息公开工作年度报告图解", None),
    ("XX市教育局2021年度信息公开工作年度报告", 2021),
    ("某某镇2020年政府信息公开年报", 2020),
    ("二〇二二年度政府信息公开工作年度报告", 2022),
    ("关于做好2022年政府信息公开工作年度报告编制发布工作的通知", None),
    ("2022年政府信息公开工作年度报告解读", None),
    ("政府信息公开工作年度报告", None),
    ("2022年政府工作报告", None),
])
def test_report_titles(title: str, year: int | None) -> None:
    assert report_year(title) == year


@pytest.mark.parametrize("label,group", [
    ("某某街道办事处", True), ("区教育局", True), ("部门年报", True), ("乡镇（街道）", True), ("某某镇人民政府", True),
    ("网上办事", False), ("办事服务", False), ("政务公开", False), ("下一页", False), ("通知公告", False),
])
def test_agency_and_group_sub_column_labels(label: str, group: bool) -> None:
    assert group_label(label) is group


@pytest.mark.parametrize("html,target", [
    ('<meta http-equiv="refresh" content="0; url=/xxgk/zfxxgknb/">', "http://a.gov.cn/xxgk/zfxxgknb/"),
    ("<script>window.location.href = './c100028/common_list.shtml';</script>",
     "http://a.gov.cn/col/col1053/c100028/common_list.shtml"),
    ('<script>location.replace("/col/col5985/index.html")</script>', "http://a.gov.cn/col/col5985/index.html"),
    ('<meta http-equiv="refresh" content="0;URL=../">', None),  # a removed page falls back to its parent
    ('<meta http-equiv="refresh" content="0;URL=/">', None),  # …or to the home page
    ("<script>location.href=location.pathname+location.search</script>", None),  # a JS challenge, not a shell
])
def test_redirect_shells(html: str, target: str | None) -> None:
    page = Page("http://a.gov.cn/col/col1053/index.html", f"<html><head>{html}</head><body></body></html>")
    assert redirect_target(page, len(page.html)) == target


def test_attachments_and_media_types() -> None:
    assert attachment_ext("http://a.gov.cn/P020230301.pdf") == ".pdf"
    assert attachment_ext("http://a.gov.cn/module/download/downfile.jsp?filename=ab.docx") == ".docx"
    assert attachment_ext("http://a.gov.cn/down?id=3", "附件：2022年报.wps") == ".wps"
    assert attachment_ext("http://a.gov.cn/t1.html") is None
    assert media_type(b"%PDF-1.7 ...", "text/html") == "application/pdf"
    assert media_type(b"<!DOCTYPE html><html>", "application/octet-stream") == "text/html"
    assert media_type(b"\xd0\xcf\x11\xe0rest", "application/octet-stream", ".xls") == "application/vnd.ms-excel"


def test_host_policy_rejects_mirrors() -> None:
    ok = HostPolicy(["https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"])
    assert ok("https://www.pingtan.gov.cn/a.pdf") and ok("http://files.fujian.gov.cn/x.pdf")
    assert not ok("http://ptshed.com/zfxxgk/zfxxgknb/1.html")
    local = HostPolicy(["http://127.0.0.1:8080/list"])
    assert local("http://127.0.0.1:8080/x") and not local("http://127.0.0.1:8081/x")
    # hosts are parsed, never split by hand: user:pass@ URLs are refused outright
    assert not ok("http://www.pingtan.gov.cn:x@127.0.0.1/a") and not ok("http://www.gov.cn@evil.example/")
    assert ok("HTTPS://WWW.PINGTAN.GOV.CN:443/a")


@pytest.mark.parametrize("script,here,expected", [
    # (A) classic: page 2 is index_1
    ('createPageHTML(4, 0, "index", "html");', "", ["index.html", "index_1.html", "index_2.html", "index_3.html"]),
    ("var currentPage = 1;//所在页\nvar countPage = 2//共多少页\ncreatePageHTML(countPage, currentPage, 'index', "
     "'shtml');", "index_1.shtml", ["index.shtml", "index_1.shtml"]),
    # (B) Beijing: total records first, the page count second
    ('createPageHTML(57, 3, 0, "index", "html");', "", ["index.html", "index_1.html", "index_2.html"]),
    # (C) page_div: 1-based, page 2 is common_list_2
    ("createPageHTML('page_div', 3, 1, 'common_list', 'shtml', 45);", "common_list.shtml",
     ["common_list.shtml", "common_list_2.shtml", "common_list_3.shtml"]),
    # a page_div call whose first page says current 0 is 0-based
    ("createPageHTML('page_div', 3, 0, 'index', 'htm', 45);", "", ["index.htm", "index_1.htm", "index_2.htm"]),
    # variables from an object, a prefix other than index
    ("var pager = {countPage: 3, cur: 1};\ncreatePageHTML('page_div', pager.countPage, pager.cur, 'fg', 'shtml', 30);",
     "fg.shtml", ["fg.shtml", "fg_2.shtml", "fg_3.shtml"]),
])
def test_trs_pager_signatures(script: str, here: str, expected: list[str]) -> None:
    base = "http://x.gov.cn/xxgk/zfxxgknb/"
    call = pager_call(f"<script>{script}</script>", base + here)
    assert call is not None and call.urls(base + here) == [base + e for e in expected]


def test_page_count_in_script_or_text() -> None:
    assert page_count("<script>var countPage = 7//共多少页</script>") == 7
    assert page_count("<div>共 12 页 当前第1页</div>") == 12
    assert page_count("<script>$('#page').pagination({pageCount:5, current:1})</script>") == 5
    assert page_count("<p>no pager</p>") is None


def test_link_pagers() -> None:
    url = "http://x.gov.cn/list"
    links = [("http://x.gov.cn/list?page=2", "2"), ("http://x.gov.cn/list/p9.html", "下一页"),
             ("http://x.gov.cn/other", "政务公开"), ("http://y.gov.cn/list?page=3", "3")]
    assert link_pages(links, url) == ["http://x.gov.cn/list?page=2", "http://x.gov.cn/list/p9.html"]


def test_hanweb_jpage_and_datastore() -> None:
    html = ('<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?'
            'page=1&webid=1&path=/&columnid=5985&unitid=30617"></a>]]></nextgroup><recordset><record><![CDATA['
            '<li><a href="/art/2024/1/26/art_5985_1.html">某县2023年政府信息公开工作年度报告</a></li>]]></record>'
            "</recordset></datastore></script><script>$('#30617').jpage({perPage: 15, totalRecord: 31})</script>")
    jpage = find_jpage(Page("http://www.hbkc.gov.cn/col/col5985/index.html", html))
    assert jpage is not None and jpage.perpage == 15 and jpage.total == 31 and jpage.batch == 45
    batch = jpage.query_url(46, 90)
    assert batch.startswith("http://www.hbkc.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90")
    form = jpage.form()
    assert form["columnid"] == "5985" and form["unitid"] == "30617" and form["col"] == "1"
    assert "page=7" in jpage.page_url(7) and "columnid=5985" in jpage.page_url(7)
    records, total = parse_datastore("<datastore><totalrecord>2</totalrecord><recordset><record><![CDATA[<li>a</li>]]>"
                                     "</record><record><![CDATA[<li>b</li>]]></record></recordset></datastore>")
    assert records == ["<li>a</li>", "<li>b</li>"] and total == 2
    items = ListPage("http://www.hbkc.gov.cn/col/col5985/index.html", html).items()
    assert [i.url for i in items] == ["http://www.hbkc.gov.cn/art/2024/1/26/art_5985_1.html"]


def test_real_pingtan_list_page() -> None:
    html = corpus_file("pingtan_zfxxgknb_list.html").read_text(encoding="utf-8")
    items = ListPage("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", html).items()
    assert [i.year for i in items] == list(range(2025, 2015, -1))
    assert items[1].url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
    assert str(items[1].published) == "2025-03-10"


def test_real_pingtan_detail_page() -> None:
    text, _ = decode_html(corpus_file("2019_pingtan_page.html").read_bytes())
    page = DetailPage("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202001/t20200120_80576.htm", text)
    assert page.title == "平潭综合实验区2019年度政府信息公开工作年度报告" and page.year == 2019
    assert str(page.published) == "2020-01-20" and page.is_report


def test_shipped_registry() -> None:
    sources = registry.load()
    assert len(sources) >= 150
    for src in sources.values():
        for url in src.start_urls:
            assert url.split("/")[2].split(":")[0].endswith(".gov.cn") or src.hints.get("disabled") == "1"
    assert all(s.hints.get("disabled") != "1" for s in registry.resolve([], sources))
    hanweb = [s for s in sources.values() if s.hints.get("pager") == "hanweb"]
    assert hanweb and all(s.hints.get("columnid") for s in hanweb)
    assert any(s.adcode == "310000" for s in sources.values())


def test_registry_rules(tmp_path: Path) -> None:
    bad = tmp_path / "s.csv"
    bad.write_text("id,agency,region,adcode,level,start_urls,hints\n"
                   "x_mirror,,,,county,http://bwm8.com/szsrmzf/szszfxxgknb/,\n", encoding="utf-8")
    with pytest.raises(registry.RegistryError):
        registry.load(bad)
    with pytest.raises(registry.RegistryError):
        registry.resolve(["no_such_source"], {})
    (src,) = registry.resolve(["http://127.0.0.1:9/list"], {})
    assert src.start_urls == ("http://127.0.0.1:9/list",) and src.id.startswith("url-")


def test_raw_store_is_content_addressed(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    sha, new = store.put(b"abc")
    assert new and store.get(sha) == b"abc"
    path = store.path_for(sha)
    mtime = path.stat().st_mtime_ns
    assert store.put(b"abc") == (sha, False) and path.stat().st_mtime_ns == mtime
    assert path.name == sha and not list(tmp_path.rglob(".tmp-*"))
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


def test_fetchlog_runs_resume(tmp_path: Path) -> None:
    with FetchLog(tmp_path / "log.duckdb") as log:
        run, resumed = log.begin_run("a b")
        assert not resumed
        log.log_fetch(run_id=run, source="a", url="http://x/1", final_url="http://x/1", status=200,
                      sha256="0" * 64, etag='"e"', bytes=3)
    with FetchLog(tmp_path / "log.duckdb") as log:
        again, resumed = log.begin_run("a b")
        assert (again, resumed) == (run, True)
        assert log.completed(run)["http://x/1"].etag == '"e"'
        log.finish_run(run)
        assert log.begin_run("a b") == (run + 1, False)
        assert log.validators("http://x/1").sha256 == "0" * 64  # type: ignore[union-attr]


@pytest.mark.parametrize(("label", "group"), [
    ("某某街道办事处", True), ("城关街道办事处", True), ("区教育局", True), ("乡镇（街道）", True), ("部门年报", True),
    ("网上办事", False), ("办事服务", False), ("政务公开", False), ("下一页", False),
])
def test_group_labels_of_sub_columns(label: str, group: bool) -> None:
    """A per-agency sub-column of a 年报 column is a group; a 街道办事处 is an agency, 办事 (services) navigation."""
    assert group_label(label) is group
