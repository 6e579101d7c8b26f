"""Blocked and changed sites: anti-bot challenges recognised after a handful of requests, reported ``blocked``
with the signal seen, never retried into a ban, never solved; plain cookies kept per host; a source that
finds fewer reports than its previous run, or none, is flagged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.synth.portals import antibot, trs_classic
from pipeline.synth.server import LocalServer
from scrapers.store import documents
from tests.portals import check_complete, crawl, docs, policy, source


@pytest.mark.parametrize("kind", ["ruishu", "ruishu_202", "jiasule", "geofence", "near_empty", "captcha"])
@pytest.mark.parametrize("robots_too", [False, True])
def test_challenges_block_the_source_after_a_handful_of_requests(kind: str, robots_too: bool,
                                                                  tmp_path: Path) -> None:
    portal = antibot.build(kind, docs(1, agencies=1, years=range(2019, 2025)), robots_too=robots_too)
    with LocalServer(portal.site) as server:
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal], max_retries=3))
    assert result.status == "blocked"
    assert portal.expected.blocked in (result.signal or ""), result.signal
    assert len(server.hits) <= 3  # robots.txt, the column (twice for a near-empty body), nothing more
    assert max(Counter(h.path for h in server.hits).values()) <= 2  # never retried into a ban
    assert documents(tmp_path) == []
    assert "no reports found" not in result.flags  # blocked, not empty: nothing to compare


def test_a_challenge_on_one_source_does_not_stop_the_others(tmp_path: Path) -> None:
    walled = antibot.build("ruishu", docs(1, agencies=1, years=range(2019, 2025)))
    open_portal = trs_classic.build(docs(2, agencies=1, years=range(2019, 2025)), per_page=4)
    with LocalServer(walled.site) as a, LocalServer(open_portal.site) as b:
        _c, results = crawl(tmp_path, [source(walled, a, "walled"), source(open_portal, b, "open")],
                            policy([walled, open_portal]))
        status = {r.source: r.status for r in results}
        assert status == {"walled": "blocked", "open": "ok"}
        check_complete(tmp_path, "open", open_portal, b)


def test_a_302_to_itself_with_a_cookie_is_replayed_and_works(tmp_path: Path) -> None:
    portal = antibot.build("cookie", docs(3, agencies=1, years=range(2018, 2025)))
    with LocalServer(portal.site) as server:
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal]))
        assert result.status == "ok", result.errors
        check_complete(tmp_path, "src", portal, server)
        first, second = server.hits[1], server.hits[2]  # after robots.txt: 302 with Set-Cookie, then the page
    assert first.status == 302 and "cookie" not in first.headers
    assert second.path == first.path and "CT6T=" in second.headers.get("cookie", "")
    assert all("CT6T=" in h.headers.get("cookie", "") for h in server.hits[2:])  # kept for the host


def test_fewer_reports_than_the_last_run_or_none_are_flagged(tmp_path: Path) -> None:
    published = docs(4, agencies=1, years=range(2016, 2025), notices=0, news=0)
    portal = trs_classic.build(published, per_page=4)
    store = tmp_path / "raw"
    with LocalServer(portal.site) as server:
        _c, (first,) = crawl(store, [source(portal, server)], policy([portal]))
        assert first.status == "ok" and not [f for f in first.flags if "fewer" in f]
        shrunk = trs_classic.build(published[:4], per_page=4)  # the site changed: most rows are gone
        server.site = shrunk.site
        _c, (second,) = crawl(store, [source(portal, server)], policy([portal]))
        assert any(f.startswith("fewer reports than the last run") for f in second.flags), second.flags
        server.site = trs_classic.build([d for d in published if not d.is_report], per_page=4).site
        _c, (third,) = crawl(store, [source(portal, server)], policy([portal]))
    assert third.status == "failed" and "no reports found" in third.flags


def test_a_near_empty_article_is_asked_once_more_and_never_stored_empty(tmp_path: Path) -> None:
    published = docs(5, agencies=1, years=range(2020, 2025), notices=0, news=0, deleted=0, attachments=0, direct=0)
    portal = trs_classic.build(published, per_page=10)
    pages = sorted(p for p in portal.expected.reports)
    portal.site.routes[pages[0]].fail_first = [(200, {})]  # a WAF blip: a 4-byte 200, then the page
    portal.site.routes[pages[1]].body = b"<html><body></body></html>"  # an empty shell every time
    portal.site.routes[pages[1]].conditional = False
    with LocalServer(portal.site) as server:
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal]))
        assert [h.path for h in server.hits].count(pages[0]) == 2
        assert [h.path for h in server.hits].count(pages[1]) == 2
    stored = {d.url.split(":", 2)[-1].split("/", 1)[-1] for d in documents(tmp_path)}
    assert pages[0].lstrip("/") in stored and pages[1].lstrip("/") not in stored
    assert result.status == "partial" and any("near-empty" in e for e in result.errors)


@pytest.mark.parametrize("kind", ["captcha", "ruishu"])
def test_a_challenge_deep_in_a_list_blocks_the_source_at_once(kind: str, tmp_path: Path) -> None:
    """Dongguan asks for a captcha from page 4 on: the walk stops at the first challenge, never asks again."""
    portal = trs_classic.build(docs(6, agencies=2, years=range(2011, 2025)), per_page=4)
    deep = {p for p in portal.expected.list_paths if p.rsplit("/", 1)[-1] not in ("index.html", "index_1.html")}
    assert deep
    portal.site.guards.append(lambda req: antibot.challenge(kind) if req.route in deep else None)
    with LocalServer(portal.site) as server:
        _crawler, (result,) = crawl(tmp_path, [source(portal, server)], policy([portal]))
    assert result.status == "blocked" and antibot.SIGNALS[kind] in (result.signal or "")
    challenged = [h for h in server.hits if h.path in deep]
    assert len(challenged) == 1  # the first challenge stops the source: nothing retried, nothing more asked
    assert server.hits[-1].path in deep
