"""Where the crawler may go (issue 12 items 2–5, 10, 12): parsed hosts, no userinfo, list proxies checked,
robots.txt redirects within the policy, no private addresses after DNS unless allowed, and clear CLI exits.
Every server is on 127.0.0.1; host names map to it through ``Politeness.resolve``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import scrapers.safety
from pipeline.cli import app
from pipeline.synth.portals import generic, hanweb_jpage
from pipeline.synth.server import LocalServer, Route, Site
from scrapers.cli import scrape
from scrapers.crawl import Crawler
from scrapers.http import PoliteClient, Reason
from scrapers.politeness import Politeness, host_key
from scrapers.registry import Source
from scrapers.safety import is_public, url_problem
from scrapers.store import documents
from tests.portals import docs, sha

INTERVAL = 0.02


def pol(**kw: object) -> Politeness:
    return Politeness.for_tests(min_interval=INTERVAL, **kw)


def _pdf_site(n: int = 1) -> Site:
    return Site({"/report.pdf": Route(b"%PDF-1.4 secret", "application/pdf")})


@pytest.mark.parametrize("address,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False), ("::1", False),
    ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False), ("240.0.0.1", False),
    ("8.8.8.8", True), ("202.96.134.133", True), ("2001:4860:4860::8888", True),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_userinfo_urls_are_refused_and_hosts_are_parsed() -> None:
    assert url_problem("http://www.gov.cn:x@127.0.0.1/a") and url_problem("http://user@www.x.gov.cn/")
    assert url_problem("ftp://www.x.gov.cn/a") and url_problem("http:///nohost") and url_problem("http://a.gov.cn:99999/")
    assert url_problem("http://www.x.gov.cn/a") is None
    # one politeness gate per parsed host and port, whatever the spelling
    assert host_key("HTTP://WWW.X.GOV.CN:80/a") == host_key("http://www.x.gov.cn/b") == "www.x.gov.cn"
    assert host_key("https://www.x.gov.cn:443/") == "www.x.gov.cn" != host_key("http://www.x.gov.cn:8080/")
    target = LocalServer(_pdf_site())
    with target:
        url = f"http://www.gov.cn:x@127.0.0.1:{target.port}/report.pdf"

        async def go() -> tuple:
            async with PoliteClient(pol()) as client:
                r = await client.get(url)
                a = await client.get(f"http://127.0.0.1:{target.port}/report.pdf")
                b = await client.get(f"HTTP://127.0.0.1:{target.port}/report.pdf")
                return r, a, b, client.gates.items()

        refused, a, b, gates = asyncio.run(go())
        assert refused.reason is Reason.BAD_URL and "user:password" in (refused.error or "")
        assert a.ok and b.ok and len(gates) == 1  # two spellings, one gate
        assert "/report.pdf" in target.paths() and len([p for p in target.paths() if p.startswith("/report")]) == 2


def test_a_userinfo_link_on_a_gov_page_is_not_followed(tmp_path: Path) -> None:
    other = LocalServer(_pdf_site())
    with other:
        site = Site({"/list": Route(
            f'<html><body><a href="http://www.x.gov.cn:x@127.0.0.1:{other.port}/report.pdf">某县2023年政府信息公开工作'
            f'年度报告</a><a href="/r.pdf">某县2022年政府信息公开工作年度报告</a></body></html>'.encode()),
            "/r.pdf": Route(b"%PDF-1.4 ok", "application/pdf")})
        with LocalServer(site) as server:
            src = Source("gov", start_urls=(f"http://www.x.gov.cn:{server.port}/list",), hints={"allow_local": "1"})
            asyncio.run(Crawler(tmp_path, pol(allow_local=False, resolve={"www.x.gov.cn": "127.0.0.1"})).run([src]))
        assert other.hits == []  # never connected to the host hidden behind user:pass@
        assert [d.sha256 for d in documents(tmp_path)] == [sha(b"%PDF-1.4 ok")]


def test_hanweb_proxy_endpoint_is_host_checked(tmp_path: Path) -> None:
    """A page naming a dataproxy.jsp on another host (a metadata service) must not make the crawler ask it."""
    metadata = LocalServer(Site())
    with metadata:
        portal = hanweb_jpage.build(docs(3, agencies=1, years=range(2015, 2025), notices=0, news=0), perpage=2)
        page = portal.site.routes[portal.column_path]
        for evil in (f"//127.0.0.1:{metadata.port}", "//169.254.169.254"):
            page.body = page.body.replace(b"/module/web/jpage/dataproxy.jsp", f"{evil}/module/web/jpage/dataproxy.jsp"
                                          .encode(), 2)
            with LocalServer(portal.site) as server:
                crawler = Crawler(tmp_path / evil[-3:], pol())
                (result,) = asyncio.run(crawler.run([Source("h", start_urls=(server.url(portal.column_path),))]))
            assert metadata.hits == []
            assert any("outside the source" in n for n in result.notes)
            assert result.found  # the inline group is still read
            page.body = portal.site.routes[portal.column_path].body.replace(
                f"{evil}/module/web/jpage/dataproxy.jsp".encode(), b"/module/web/jpage/dataproxy.jsp")


def test_robots_txt_redirects_only_within_the_policy(tmp_path: Path) -> None:
    elsewhere = LocalServer(Site({"/robots.txt": Route(b"User-agent: *\nDisallow: /\n", "text/plain")}))
    with elsewhere:
        portal = generic.build(docs(4, agencies=1, years=range(2020, 2025), notices=0, news=0))
        portal.site.routes["/robots.txt"] = Route(redirect_to=f"http://127.0.0.1:{elsewhere.port}/robots.txt",
                                                  redirect_status=302)
        with LocalServer(portal.site) as server:
            (result,) = asyncio.run(Crawler(tmp_path, pol()).run(
                [Source("p", start_urls=(server.url("/list"),))]))
        assert elsewhere.hits == []  # the redirect target is another host: not asked
        assert result.status == "ok" and len(documents(tmp_path)) == len(portal.expected.documents)


def test_private_addresses_are_refused_after_dns_unless_allowed(tmp_path: Path) -> None:
    portal = generic.build(docs(5, agencies=1, years=range(2021, 2025), notices=0, news=0))
    with LocalServer(portal.site) as server:
        src = Source("evil", start_urls=(f"http://www.evil.gov.cn:{server.port}/list",))
        policy = pol(allow_local=False, resolve={"www.evil.gov.cn": "127.0.0.1"})
        (refused,) = asyncio.run(Crawler(tmp_path / "a", policy).run([src]))
        assert server.hits == []  # not even robots.txt
        assert refused.status == "failed" and any("not a public address" in e for e in refused.errors)
        # allowed explicitly by the source (the demo and the tests do) …
        allowed = Source("evil", start_urls=src.start_urls, hints={"allow_local": "1"})
        (ok,) = asyncio.run(Crawler(tmp_path / "b", policy).run([allowed]))
        assert ok.status == "ok" and server.hits
        # … or by the command line
        (ok2,) = asyncio.run(Crawler(tmp_path / "c", pol(allow_local=True, resolve=policy.resolve)).run([src]))
        assert ok2.status == "ok"


def test_every_redirect_hop_is_checked(monkeypatch) -> None:
    """A public first hop that redirects into private space: the second connection is refused."""
    monkeypatch.setattr(scrapers.safety, "is_public", lambda a: a == "127.0.0.1")  # 127.0.0.1 plays a public host
    site = Site({"/go": Route(redirect_to="http://inner.gov.cn:{port}/secret", redirect_status=302)})
    with LocalServer(site) as server:
        site.routes["/go"].redirect_to = f"http://inner.gov.cn:{server.port}/secret"
        policy = pol(allow_local=False, resolve={"www.pub.gov.cn": "127.0.0.1", "inner.gov.cn": "127.0.0.2"})

        async def go():  # noqa: ANN202
            async with PoliteClient(policy) as client:
                return await client.get(f"http://www.pub.gov.cn:{server.port}/go", robots=False)

        resp = asyncio.run(go())
    assert [e.status for e in resp.exchanges][:1] == [302]
    assert resp.reason is Reason.UNSAFE_ADDRESS and "127.0.0.2" in (resp.error or "")
    assert resp.final_url.startswith("http://inner.gov.cn")


def test_scrape_to_an_unwritable_folder_exits_3(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["scrape", "http://127.0.0.1:9/list", "--out", str(blocker / "out"),
                                      "--allow-local-hosts"])
    assert result.exit_code == 3, result.output
    assert "cannot write to" in result.output and "Traceback" not in result.output


def _out_file(out: Path) -> None:
    out.write_text("a file where the output folder should be")


def _objects_file(out: Path) -> None:
    (out / "raw").mkdir(parents=True)
    (out / "raw" / "objects").write_text("not a folder")


def _log_folder(out: Path) -> None:
    (out / "raw" / "fetchlog.duckdb").mkdir(parents=True)


def _log_damaged(out: Path) -> None:
    (out / "raw").mkdir(parents=True)
    (out / "raw" / "fetchlog.duckdb").write_bytes(bytes(range(256)) * 40)


@pytest.mark.parametrize("spoil,message", [
    (_out_file, "Not a directory"), (_objects_file, "File exists"), (_log_folder, "fetchlog.duckdb is a directory"),
    (_log_damaged, "is damaged or not a DuckDB file"),
])
def test_scrape_into_a_store_it_cannot_write_exits_3(tmp_path: Path, spoil, message: str) -> None:
    """Item 10, beyond an unwritable folder: the store's parts in the way (a file for a folder, a damaged or
    misplaced fetch log) give the same clear exit 3, never a traceback."""
    out = tmp_path / "out"
    spoil(out)
    result = CliRunner().invoke(app, ["scrape", "http://127.0.0.1:9/list", "--out", str(out), "--allow-local-hosts"])
    assert result.exit_code == 3, result.output
    flat = "".join(result.output.split())  # the console wraps long paths anywhere
    assert "cannotwriteto" in flat and "".join(message.split()) in flat
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_scrape_while_another_process_holds_the_fetch_log_exits_3(tmp_path: Path) -> None:
    """Two `ogi scrape` (or `ogi run`) on one --out: the second is told the log is in use, exit 3 (real processes)."""
    log = tmp_path / "out" / "raw" / "fetchlog.duckdb"
    log.parent.mkdir(parents=True)
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(log)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        ogi = Path(sys.executable).parent / "ogi"
        run = subprocess.run([str(ogi), "scrape", "http://127.0.0.1:9/list", "--out", str(tmp_path / "out"),
                              "--allow-local-hosts"], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "COLUMNS": "300"})
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 3, run.stdout + run.stderr
    said = "".join((run.stdout + run.stderr).split())
    assert "fetchlog.duckdbisinusebyanotherprocess" in said and "Traceback" not in said


def test_robots_disallowed_source_has_its_error_column_filled(tmp_path: Path) -> None:
    portal = generic.build(docs(6, agencies=1, years=range(2022, 2025), notices=0, news=0))
    portal.site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /list\n", "text/plain")
    console = Console(record=True, width=240, file=open(os.devnull, "w"))  # noqa: SIM115
    with LocalServer(portal.site) as server:
        code = scrape([server.url("/list")], None, tmp_path, policy=pol(), console=console, show_progress=False)
        assert server.paths() == ["/robots.txt"]
    text = console.export_text()
    assert code == 1 and "failed" in text and "disallowed by robots.txt" in text
