"""End-to-end crawls of fixture portals on 127.0.0.1: discovery, faults, politeness, reruns, resume."""

from __future__ import annotations

import asyncio
import hashlib
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

from scrapers.cli import scrape
from scrapers.crawl import Crawler
from scrapers.fetchlog import FetchLog
from scrapers.politeness import Politeness
from scrapers.registry import Source
from scrapers.store import RawStore, documents
from tests.fakesite import FakeServer, hanweb_site, plain_site, trs_site
from tests.fakesite.server import assert_client_polite, assert_polite

INTERVAL = 0.05
ROOT = Path(__file__).resolve().parents[1]


def policy() -> Politeness:
    return Politeness.for_tests(min_interval=INTERVAL, deadline=0.5)


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def check_complete(store: Path, source: str, expected: dict[str, bytes]) -> list[dict]:
    docs = [d for d in documents(store) if d["source"] == source]
    shas = [d["sha256"] for d in docs]
    assert len(shas) == len(set(shas)) == len(expected)
    assert set(shas) == {sha(b) for b in expected.values()}
    for d in docs:
        assert Path(d["path"]).read_bytes() == next(b for b in expected.values() if sha(b) == d["sha256"])
    return docs


@pytest.fixture
def sites():
    trs, trs_exp = trs_site()
    han, han_exp = hanweb_site()
    nxt, nxt_exp = plain_site(style="next")
    qry, qry_exp = plain_site(style="query")
    with FakeServer(trs) as a, FakeServer(han) as b, FakeServer(nxt) as c, FakeServer(qry) as d:
        yield [("trs", a, trs_exp), ("hanweb", b, han_exp), ("next", c, nxt_exp), ("query", d, qry_exp)]


def sources_for(sites) -> list[Source]:
    return [Source(name, start_urls=(server.url(exp.column),)) for name, server, exp in sites]


def test_crawl_finds_everything_once_politely_and_reruns_conditionally(sites, tmp_path: Path) -> None:
    store = tmp_path / "raw"
    crawler = Crawler(store, policy())
    results = asyncio.run(crawler.run(sources_for(sites)))
    assert_client_polite(crawler.client.gates.items(), INTERVAL)
    status = {r.source: r for r in results}
    assert status["trs"].status == "partial"  # the 404 link
    assert any("404" in e for e in status["trs"].errors) and status["trs"].skipped == 1
    assert all(status[n].status == "ok" for n in ("hanweb", "next", "query"))
    for name, server, exp in sites:
        docs = check_complete(store, name, exp.documents)
        assert exp.report_titles <= {d["title"] for d in docs}
        assert not exp.never_fetched & set(server.paths())
        assert_polite(server.hits, INTERVAL)
        assert all(h.headers["user-agent"].startswith("ogi-reports/") for h in server.hits)
    trs_docs = [d for d in documents(store) if d["source"] == "trs"]
    assert all(d["media_type"] == "application/pdf" for d in trs_docs if d["kind"] == "attachment")  # wrong type
    assert any(d["url"].endswith("/old/t1004.html") and d["final_url"].endswith("t20210305_1004.html")
               for d in trs_docs)
    assert all(d["published"] is not None and d["year"] for d in trs_docs)
    han_names = {d["filename"] for d in documents(store) if d["source"] == "hanweb" and d["kind"] == "attachment"}
    assert "某某县人民政府2024年度政府信息公开工作年度报告.pdf" in han_names  # UTF-8 Content-Disposition
    assert "某某县人民政府2023年度政府信息公开工作年度报告.pdf" in han_names  # GBK Content-Disposition
    with FetchLog(store / "fetchlog.duckdb", read_only=True) as log:
        rows = log.fetches()
    statuses = [r["status"] for r in rows]
    assert 503 in statuses and 429 in statuses and 301 in statuses and 404 in statuses
    assert any("deadline" in (r["error"] or "") for r in rows)
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
            if hit.path != "/robots.txt" and "_404" not in hit.path:
                assert "if-none-match" in hit.headers, hit.path
                assert hit.status in (301, 304), hit.path
        assert_polite(server.hits, INTERVAL)


def test_since_skips_older_reports(tmp_path: Path) -> None:
    site, exp = trs_site()
    with FakeServer(site) as server:
        asyncio.run(Crawler(tmp_path, policy(), since=2021).run([Source("trs", start_urls=(server.url(exp.column),))]))
        years = {d["year"] for d in documents(tmp_path)}
        assert years == {2021, 2022, 2023, 2024}
        assert not any("t2020" in p or "t2019" in p for p in server.paths())


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
        stored = {urlsplit(r["url"]) for r in log.fetches() if r["sha256"]}  # a body cut by the cancel is not
    first = {(u.port, u.path) for u in stored}
    assert first, "the first run stored nothing before it was cancelled"
    for _n, server, _e in sites[1:]:
        server.reset()
    crawler = Crawler(store, policy())
    asyncio.run(crawler.run(srcs))
    assert crawler.resumed
    second = {(s.port, h.path) for _n, s, _e in sites[1:] for h in s.hits}
    assert not {p for p in first & second if p[1] != "/robots.txt"}  # nothing fetched twice
    for name, _server, exp in sites[1:]:
        check_complete(store, name, exp.documents)


def test_killed_process_resumes(tmp_path: Path) -> None:
    han, han_exp = hanweb_site(n=30)
    out = tmp_path / "out"
    with FakeServer(han) as server:
        cmd = [sys.executable, "-m", "scrapers.cli", "scrape", server.url(han_exp.column), "--out", str(out),
               "--min-interval", "0.05"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while len(server.hits) < 30 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done_before = {h.path for h in server.hits if h.status == 200}
        assert len(done_before) >= 25
        server.reset()
        finished = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert finished.returncode == 0, finished.stderr
        assert "resumed" in finished.stderr
        again = (done_before - {"/robots.txt"}) & {h.path for h in server.hits}
        assert len(again) <= 10  # log rows of the last commit interval (0.25 s) may be lost to SIGKILL
    check_complete(out / "raw", f"url-127-0-0-1-{server.port}-col-col5985-index-html", han_exp.documents)


def test_cli_one_failing_site_does_not_stop_the_others(tmp_path: Path) -> None:
    site, exp = plain_site()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    console = Console(record=True, width=200, file=open(os.devnull, "w"))  # noqa: SIM115
    with FakeServer(site) as server:
        code = scrape([server.url("/list"), f"http://127.0.0.1:{dead_port}/list"], None, tmp_path,
                      policy=Politeness.for_tests(min_interval=INTERVAL), console=console, show_progress=False)
    text = console.export_text()
    assert code == 1
    assert "failed" in text and "ok" in text
    assert len(documents(tmp_path)) == len(exp.documents)  # documents() also accepts OUT
    assert RawStore(tmp_path / "raw").log_path.exists()
    assert scrape(["no_such_source"], None, tmp_path, console=console, show_progress=False) == 2
