"""End-to-end crawls of generated portals on 127.0.0.1: discovery, faults, politeness, reruns, resume."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rich.console import Console

from pipeline.synth.portals import generic, hanweb_jpage, trs_classic
from pipeline.synth.server import LocalServer, assert_client_polite, assert_polite
from scrapers.cli import scrape
from scrapers.crawl import Crawler
from scrapers.fetchlog import FetchLog
from scrapers.politeness import Politeness
from scrapers.registry import Source
from scrapers.store import RawStore, documents
from tests.portals import check_complete, docs, sha

INTERVAL = 0.05
ROOT = Path(__file__).resolve().parents[1]


def policy() -> Politeness:
    return Politeness.for_tests(min_interval=INTERVAL, deadline=0.5)


def _serve(portal) -> LocalServer:  # noqa: ANN001
    server = LocalServer(portal.site, portal.hosts)
    return server


@pytest.fixture
def sites():
    trs = trs_classic.build(docs(2, agencies=1, years=range(2014, 2025)), seed=2, per_page=5, encoding="gbk",
                            faults=True, commented=True)
    han = hanweb_jpage.build(docs(3, agencies=1, years=range(2016, 2025)), seed=3, perpage=2)
    nxt = generic.build(docs(4, agencies=1, years=range(2018, 2025), notices=0, news=0), style="next")
    qry = generic.build(docs(5, agencies=1, years=range(2018, 2025), notices=0, news=0), style="query")
    with _serve(trs) as a, _serve(han) as b, _serve(nxt) as c, _serve(qry) as d:
        yield [("trs", a, trs), ("hanweb", b, han), ("next", c, nxt), ("query", d, qry)]


def sources_for(sites) -> list[Source]:
    return [Source(name, start_urls=(server.url(p.column_path),), hints=p.hints) for name, server, p in sites]


def test_crawl_finds_everything_once_politely_and_reruns_conditionally(sites, tmp_path: Path) -> None:
    store = tmp_path / "raw"
    crawler = Crawler(store, policy())
    results = asyncio.run(crawler.run(sources_for(sites)))
    assert_client_polite(crawler.client.gates.items(), INTERVAL)
    status = {r.source: r for r in results}
    assert status["trs"].status == "partial"  # the 404 link
    assert any("404" in e for e in status["trs"].errors) and status["trs"].skipped == 1  # robots-disallowed
    assert all(status[n].status == "ok" for n in ("hanweb", "next", "query")), [status[n].errors for n in status]
    for name, server, portal in sites:
        got = check_complete(store, name, portal, server)
        assert portal.expected.report_titles <= {d.title for d in got}
        assert_polite(server.hits, INTERVAL)
        assert all(h.headers["user-agent"].startswith("ogi-reports/") for h in server.hits)
    trs_docs = [d for d in documents(store) if d.source == "trs"]
    assert all(d.media_type == "application/pdf" for d in trs_docs if d.kind == "attachment")  # wrong type
    assert any(d.url.endswith("/old/t" + d.final_url.rsplit("_", 1)[-1]) for d in trs_docs)  # redirected
    assert all(d.published is not None and d.year for d in trs_docs)
    with FetchLog(store / "fetchlog.duckdb", read_only=True) as log:
        rows = log.fetches()
    statuses = [r["status"] for r in rows]
    assert 503 in statuses and 429 in statuses and 301 in statuses and 404 in statuses
    assert any("deadline" in (r["error"] or "") for r in rows)
    assert any(r["method"] == "POST" for r in rows)  # the Hanweb proxy is asked the usual way
    requests = [r for r in rows if r["status"] is not None or "deadline" in (r["error"] or "")]
    assert len(requests) == sum(len(server.hits) for _n, server, _e in sites)  # one row per request
    objects = sorted(p.name for p in (store / "objects").rglob("*") if p.is_file())

    # second run: conditional requests only, nothing new downloaded
    for _n, server, _e in sites:
        server.reset()
    crawler = Crawler(store, policy())
    again = asyncio.run(crawler.run(sources_for(sites)))
    assert_client_polite(crawler.client.gates.items(), INTERVAL)
    assert all(r.new == 0 for r in again)
    assert sorted(p.name for p in (store / "objects").rglob("*") if p.is_file()) == objects
    for _name, server, _exp in sites:
        for hit in server.hits:
            if hit.path != "/robots.txt" and "_404" not in hit.path and hit.method == "GET" \
                    and "dataproxy" not in hit.path:
                assert "if-none-match" in hit.headers, hit.path
                assert hit.status in (301, 302, 304), hit.path
        assert_polite(server.hits, INTERVAL)


def test_since_skips_older_reports(tmp_path: Path) -> None:
    portal = trs_classic.build(docs(2, agencies=1, years=range(2014, 2025)), seed=2, per_page=4)
    with LocalServer(portal.site) as server:
        asyncio.run(Crawler(tmp_path, policy(), since=2021).run(
            [Source("trs", start_urls=(server.url(portal.column_path),))]))
        years = {d.year for d in documents(tmp_path)}
        assert years == {2021, 2022, 2023, 2024}
        assert not any("/t2016" in p or "/t2017" in p for p in server.paths())
        last = max(p for p in portal.expected.list_paths if "index_" in p)
        assert last not in server.paths()  # lists run newest first: the oldest page is not walked


def test_cancelled_run_resumes_without_loss(sites, tmp_path: Path) -> None:
    store = tmp_path / "raw"
    srcs = sources_for(sites[1:])  # hanweb, next, query

    async def crash_after(n: int) -> None:
        crawler = Crawler(store, policy())
        seen = 0

        def hook(_ex: object) -> None:
            nonlocal seen
            seen += 1
            if seen == n:
                task.cancel()

        crawler.on_request = hook
        task = asyncio.ensure_future(crawler.run(srcs))
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(crash_after(18))
    with FetchLog(store / "fetchlog.duckdb", read_only=True) as log:  # what the first run stored completely;
        stored = {urlsplit(r["url"]) for r in log.fetches() if r["sha256"] and r["method"] == "GET"}
    first = {(u.port, u.path) for u in stored}
    assert first, "the first run stored nothing before it was cancelled"
    for _n, server, _e in sites[1:]:
        server.reset()
    crawler = Crawler(store, policy())
    asyncio.run(crawler.run(srcs))
    assert crawler.resumed
    second = {(s.port, h.path.split("?")[0]) for _n, s, _e in sites[1:] for h in s.hits if h.method == "GET"}
    assert not {p for p in first & second if p[1] != "/robots.txt"}  # nothing fetched twice
    for name, server, portal in sites[1:]:
        check_complete(store, name, portal, server)


def test_killed_process_resumes(tmp_path: Path) -> None:
    portal = hanweb_jpage.build(docs(6, agencies=2, years=range(2011, 2026), notices=0, news=0), seed=6, perpage=3)
    out = tmp_path / "out"
    with LocalServer(portal.site) as server:
        cmd = [sys.executable, "-m", "scrapers.cli", "scrape", server.url(portal.column_path), "--out", str(out),
               "--min-interval", "0.05", "--allow-local-hosts"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while len(server.hits) < 45 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done_before = {h.path for h in server.hits if h.status == 200 and h.method == "GET"}
        assert len(done_before) >= 25
        server.reset()
        finished = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert finished.returncode == 0, finished.stderr
        assert "resumed" in finished.stderr
        again = (done_before - {"/robots.txt"}) & {h.path for h in server.hits if h.method == "GET"}
        assert len(again) <= 10  # log rows of the last commit interval (0.25 s) may be lost to SIGKILL
        check_complete(out / "raw", f"url-127-0-0-1-{server.port}-col-col5985-index-html", portal, server)


def test_cli_one_failing_site_does_not_stop_the_others(tmp_path: Path) -> None:
    portal = generic.build(docs(7, agencies=1, years=range(2019, 2025), notices=0, news=0))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    console = Console(record=True, width=200, file=open(os.devnull, "w"))  # noqa: SIM115
    with LocalServer(portal.site) as server:
        code = scrape([server.url("/list"), f"http://127.0.0.1:{dead_port}/list"], None, tmp_path,
                      policy=Politeness.for_tests(min_interval=INTERVAL), console=console, show_progress=False)
    text = console.export_text()
    assert code == 1
    assert "failed" in text and "ok" in text
    assert len(documents(tmp_path)) == len(portal.expected.documents)  # documents() also accepts OUT
    assert {d.sha256 for d in documents(tmp_path)} == {sha(b) for b in portal.expected.documents.values()}
    assert RawStore(tmp_path / "raw").log_path.exists()
    assert scrape(["no_such_source"], None, tmp_path, console=console, show_progress=False) == 2


def test_a_report_page_given_as_the_start_url_is_stored_with_its_attachment(tmp_path: Path) -> None:
    """A report page (no ArticleTitle) whose sidebar links other years' reports: still one report, not a list."""
    from pipeline.synth.server import Route, Site

    side = "".join(f'<li><a href="/art/{y}/1/2/art_1_{y}.html">某县{y}年政府信息公开工作年度报告</a></li>'
                   for y in (2019, 2020, 2021))
    page = (f"<html><head><title>某县2022年政府信息公开工作年度报告</title></head><body><h1>某县2022年政府信息公开工作"
            f"年度报告</h1><p>一、总体情况</p><a href='./P0.pdf'>附件：年度报告.pdf</a><ul class='related'>{side}</ul>"
            "</body></html>").encode()
    site = Site({"/art/2023/1/5/art_1_2022.html": Route(page), "/art/2023/1/5/P0.pdf": Route(b"%PDF-1.4 r", "application/pdf")})
    with LocalServer(site) as server:
        url = server.url("/art/2023/1/5/art_1_2022.html")
        (result,) = asyncio.run(Crawler(tmp_path, policy()).run([Source("one", start_urls=(url,),
                                                                         hints={"start": "report"})]))
        assert not [p for p in server.paths() if "art_1_2019" in p]  # the sidebar is not crawled
    docs = documents(tmp_path)
    assert result.status == "ok" and {d.kind for d in docs} == {"page", "attachment"}
    assert len({d.report for d in docs}) == 1 and docs[0].year == 2022
