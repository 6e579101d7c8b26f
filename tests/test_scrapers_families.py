"""Every CMS family against its generated portal on 127.0.0.1 (pipeline.synth.portals): every report found
and stored once, list pages never stored, nothing fetched that must not be, politeness kept; then the same
with randomised portals (page sizes, counts, prefixes, encodings, pitfalls)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.synth.portals import PORTALS, hanweb_jpage, trs_fujian, vsb
from pipeline.synth.server import assert_client_polite, assert_polite
from scrapers.fetchlog import FetchLog
from scrapers.pages import Page
from scrapers.platforms import BY_NAME, FAMILIES, by_name, family_for
from tests.portals import INTERVAL, check_complete, crawl, docs, policy, served, source

# every generated portal (pipeline.synth.portals.PORTALS) in each of its fixed variants
CASES = [(family, module.build, kwargs) for family, module in PORTALS.items() for kwargs in module.CASES]


def test_every_family_has_its_portal_and_cases() -> None:
    """A family is one module in scrapers/platforms and one in pipeline/synth/portals, found by both registries."""
    assert set(PORTALS) == set(BY_NAME)
    assert all(module.CASES for module in PORTALS.values())
    assert [f.name for f in FAMILIES][-1] == "generic"
    api = [f.api for f in FAMILIES]
    assert api == sorted(api, reverse=True)  # API families are tried before static dialects


@pytest.mark.parametrize("family,build,kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_family_portal_is_crawled_completely(family: str, build, kwargs: dict, tmp_path: Path) -> None:  # noqa: ANN001
    published = docs(seed=len(str(kwargs)), agencies=2, years=range(2011, 2026, 3), deleted=1)
    with served(build, published, seed=3, **kwargs) as (portal, server):
        pol = policy([portal])
        crawler, (result,) = crawl(tmp_path, [source(portal, server)], pol)
        assert result.status == "ok", (result.errors, result.notes)
        assert result.families == [family]
        stored = check_complete(tmp_path, "src", portal, server)
        assert portal.expected.report_titles <= {d.title for d in stored}  # full titles, never cut text
        assert {d.year for d in stored} == portal.expected.years
        for host in {h.host for h in server.hits}:
            if len(server.hits_for(host)) >= 5:  # server-side timing needs a few arrivals to mean anything
                assert_polite(server.hits_for(host), INTERVAL)
        assert_client_polite(crawler.client.gates.items(), INTERVAL)
        assert not [h for h in server.hits if h.status in (501, 405) and h.method == "GET"
                    and "fjdzapp" not in h.path and "dataproxy" not in h.path]
    if kwargs.get("referer"):
        assert all(h.headers.get("referer") for h in server.hits if h.path.endswith(".pdf"))
    if kwargs.get("variant") == "encrypted":
        assert any("returned nothing" in n for n in result.notes)


def test_hanweb_column_asks_the_proxy_by_post_with_the_form(tmp_path: Path) -> None:
    with served(hanweb_jpage.build, docs(2, agencies=2), seed=1, perpage=3, variant="post_only") as (portal, server):
        crawl(tmp_path, [source(portal, server)], policy([portal]))
        posts = [h for h in server.hits if h.method == "POST"]
        assert posts and all("startrecord=" in h.path and b"columnid=5985" in h.body and b"unitid=30617" in h.body
                             for h in posts)
        assert not [h for h in server.hits if h.method == "GET" and "dataproxy" in h.path]


def test_column_page_with_query_is_the_same_page_and_not_stored(tmp_path: Path) -> None:
    """``?uid=&pageNum=`` on a Hanweb column returns the column again: never a report, never a new page."""
    with served(hanweb_jpage.build, docs(4, agencies=1), seed=1, perpage=3) as (portal, server):
        src = source(portal, server)
        src = type(src)("src", start_urls=(src.start_urls[0] + "?uid=30617&pageNum=3",), hints=src.hints)
        crawl(tmp_path, [src], policy([portal]))
        check_complete(tmp_path, "src", portal, server)


def test_hanweb_static_column_is_read_from_the_page_alone(tmp_path: Path) -> None:
    """Shandong: every row is in the column page itself (the proxy answers nothing): no proxy call, no note."""
    with served(hanweb_jpage.build, docs(4, agencies=2), seed=1, perpage=3, variant="static") as (portal, server):
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal]))
        check_complete(tmp_path, "src", portal, server)
    assert result.status == "ok" and not result.notes, result.notes
    assert not [h for h in server.hits if "dataproxy" in h.path]


def test_attachments_on_another_host_of_the_same_government(tmp_path: Path) -> None:
    with served(hanweb_jpage.build, docs(5, agencies=1), seed=2, perpage=4, port=True,
                host="www.hz.gov.cn") as (portal, server):
        crawl(tmp_path, [source(portal, server)], policy([portal]))
        stored = check_complete(tmp_path, "src", portal, server)
    oss = [d for d in stored if d.final_url and "cloud.zj.gov.cn" in d.final_url]
    assert oss and all(d.kind == "attachment" and d.report_url != d.final_url for d in oss)
    # one linked straight to the OSS host, others through downfile.jsp redirecting there or to /attach/
    assert [d for d in oss if "cloud.zj.gov.cn" in d.url]
    redirected = [d for d in stored if "downfile.jsp" in d.url]
    assert {"oss" if "cloud.zj.gov.cn" in (d.final_url or "") else "/attach/0/" in (d.final_url or "")
            for d in redirected} == {"oss", True}


def test_vsb_names_come_from_content_disposition(tmp_path: Path) -> None:
    """The link text is cut (``某某区2023年政府…``): only the header names the file, as RFC 5987 ``filename*``,
    raw GBK bytes or raw UTF-8 bytes."""
    published = docs(6, agencies=2, attachments=1.0, direct=0.0)
    with served(vsb.build, published, seed=1, per_page=5, cut_names=True) as (portal, server):
        crawl(tmp_path, [source(portal, server)], policy([portal]))
        stored = check_complete(tmp_path, "src", portal, server)
        styles = {route.headers["Content-Disposition"].split(";")[1].strip()[:9]
                  for path, route in portal.site.routes.items() if "download.jsp" in path}
    assert len(styles) >= 2  # filename*=UTF-8'' and filename="<raw bytes>"
    names = {d.filename for d in stored if "download.jsp" in d.url}
    published_names = {a.name for d in published if not d.deleted for a in d.attachments}
    assert names and names <= published_names


def test_fujian_search_is_posted_and_script_attachments_are_found(tmp_path: Path) -> None:
    with served(trs_fujian.build, docs(7, agencies=2), seed=1, static_rows=6, get_fails=True) as (portal, server):
        crawl(tmp_path, [source(portal, server)], policy([portal]))
        check_complete(tmp_path, "src", portal, server)
        posts = [h for h in server.hits if h.method == "POST" and h.path == "/fjdzapp/search"]
        assert posts and all(b"channelid=200210" in h.body and b"chnlid%3D1813" in h.body for h in posts)
    with FetchLog(tmp_path / "fetchlog.duckdb", read_only=True) as log:
        assert any(r["method"] == "POST" and r["form"] and "page=" in r["form"] for r in log.fetches())


def test_cms_hint_dispatches_and_detection_decides_otherwise(tmp_path: Path) -> None:
    assert by_name("trs") is BY_NAME["trs_classic"] and by_name("hanweb") is BY_NAME["hanweb_jpage"]
    assert by_name("other (Shanghai nwN/…)") is None
    with served(vsb.build, docs(8, agencies=1), seed=1) as (portal, server):
        page = Page(server.url(portal.column_path), portal.site.routes[portal.column_path].body.decode())
        assert family_for(page, None).name == "vsb"
        assert family_for(page, "generic").name == "generic"  # the hint dispatches
        _crawler, (result,) = crawl(tmp_path, [source(portal, server, cms="vsb")], policy([portal]))
        assert result.families == ["vsb"]


def test_real_pingtan_column_is_read_as_fujian(corpus: Path) -> None:
    html = (corpus / "pingtan_zfxxgknb_list.html").read_text(encoding="utf-8")
    page = Page("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", html)
    family = family_for(page, "trs")
    assert family.name == "trs_fujian"
    from scrapers.platforms.trs_fujian import list_args

    assert list_args(page, {}) == {"channelid": "200210", "classsql": "chnlid=1813",
                                   "sortfield": "-docorderpri,-docreltime"}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_portals_are_crawled_completely(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    family = data.draw(st.sampled_from(sorted(f for f, m in PORTALS.items() if m.SPACE)))
    build = PORTALS[family].build
    kwargs = {key: data.draw(st.sampled_from(values)) for key, values in PORTALS[family].SPACE.items()}
    seed = data.draw(st.integers(0, 10**6))
    published = docs(seed=seed, agencies=data.draw(st.integers(1, 4)),
                     years=range(data.draw(st.integers(2011, 2020)), 2026), deleted=data.draw(st.integers(0, 2)),
                     notices=data.draw(st.integers(0, 3)), pinned=data.draw(st.integers(0, 2)),
                     no_title_attr=data.draw(st.integers(0, 3)))
    store = tmp_path_factory.mktemp(family)
    with served(build, published, seed=seed, **kwargs) as (portal, server):
        _crawler, (result,) = crawl(store, [source(portal, server)], policy([portal], min_interval=0.002))
        assert result.status == "ok", (family, kwargs, result.errors)
        check_complete(store, "src", portal, server)


@pytest.mark.parametrize("perpage,variant,agencies", [(6, "by_group", 2), (5, "encrypted", 2), (7, "post_only", 4),
                                                      (4, "proxy_only", 2)])
def test_hanweb_paging_past_the_inline_group(perpage: int, variant: str, agencies: int, tmp_path: Path) -> None:
    """Columns longer than one group, whatever the proxy honours (startrecord, page=N, POST only)."""
    published = docs(seed=1000, agencies=agencies, years=range(2011, 2026))
    with served(hanweb_jpage.build, published, seed=1000, perpage=perpage, variant=variant) as (portal, server):
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal], min_interval=0.002))
        assert result.status == "ok", result.errors
        check_complete(tmp_path, "src", portal, server)
