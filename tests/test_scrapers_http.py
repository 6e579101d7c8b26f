"""The polite HTTP layer against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

from pipeline.synth.server import LocalServer, Route, Site, assert_polite
from scrapers.http import PoliteClient
from scrapers.politeness import Politeness

INTERVAL = 0.05


def policy(**kw: object) -> Politeness:
    return Politeness.for_tests(min_interval=INTERVAL, **kw)


def pages(n: int) -> Site:
    return Site({f"/p{i}": Route(f"<html>{i}</html>".encode()) for i in range(n)})


async def _get_all(client: PoliteClient, urls: list[str]) -> list:
    return await asyncio.gather(*(client.get(u) for u in urls))


def test_per_host_rate_and_hosts_in_parallel() -> None:
    with LocalServer(pages(12)) as a, LocalServer(pages(12)) as b:
        async def go() -> float:
            async with PoliteClient(policy()) as client:
                t = time.monotonic()
                out = await _get_all(client, [a.url(f"/p{i}") for i in range(12)] + [b.url(f"/p{i}") for i in range(12)])
                assert all(r.ok for r in out)
                return time.monotonic() - t
        elapsed = asyncio.run(go())
        for server in (a, b):
            assert_polite(server.hits, INTERVAL)
            assert [h.path for h in server.hits][0] == "/robots.txt"
        # 13 requests a host at 0.05 s: about 0.6 s; hosts in series would take twice that
        assert elapsed < 1.0


def test_user_agent_is_honest_and_configurable() -> None:
    with LocalServer(pages(1)) as s:
        asyncio.run(_one(s.url("/p0"), policy(user_agent="ogi-test/1 (+https://example.org/contact)")))
        assert all(h.headers["user-agent"] == "ogi-test/1 (+https://example.org/contact)" for h in s.hits)
    assert "ogi-reports" in Politeness().user_agent and "http" in Politeness().user_agent


async def _one(url: str, pol: Politeness, **kw: object):
    async with PoliteClient(pol) as client:
        return await client.get(url, **kw)


def test_retry_503_then_200_and_429_retry_after() -> None:
    site = Site({"/a": Route(b"ok-a", fail_first=[(503, {}), (502, {})]),
                 "/b": Route(b"ok-b", fail_first=[(429, {"Retry-After": "1"})])})
    with LocalServer(site) as s:
        ra = asyncio.run(_one(s.url("/a"), policy()))
        assert ra.ok and ra.body == b"ok-a" and [e.status for e in ra.exchanges] == [503, 502, 200]
        rb = asyncio.run(_one(s.url("/b"), policy()))
        assert rb.ok and [e.status for e in rb.exchanges] == [429, 200]
        t429, t200 = [h.started for h in s.hits if h.path == "/b"]
        assert t200 - t429 >= 0.95  # Retry-After honoured


def test_retry_after_beyond_limit_gives_up() -> None:
    site = Site({"/b": Route(b"x", fail_first=[(429, {"Retry-After": "3600"})] * 5)})
    with LocalServer(site) as s:
        r = asyncio.run(_one(s.url("/b"), policy()))
        assert not r.ok and "Retry-After" in (r.error or "") and len(r.exchanges) == 1


def test_deadline_cuts_a_tarpit() -> None:
    site = Site({"/slow": Route(b"x" * 200, trickle_first=10, trickle_delay=0.05)})
    with LocalServer(site) as s:
        t = time.monotonic()
        r = asyncio.run(_one(s.url("/slow"), policy(deadline=0.3, max_retries=1, breaker_threshold=99)))
        assert not r.ok and "deadline" in (r.error or "") and len(r.exchanges) == 2
        assert time.monotonic() - t < 2.0  # not the 10 s the tarpit would take


def test_max_body_and_redirect_limits() -> None:
    site = Site({"/big": Route(b"y" * 5000), "/loop": Route(redirect_to="/loop2"), "/loop2": Route(redirect_to="/loop"),
                 "/moved": Route(redirect_to="/target"), "/target": Route(b"here")})
    with LocalServer(site) as s:
        r = asyncio.run(_one(s.url("/big"), policy(max_body=1000)))
        assert not r.ok and "larger" in (r.error or "") and len(r.exchanges) == 1
        r = asyncio.run(_one(s.url("/loop"), policy(max_redirects=3)))
        assert not r.ok and "redirects" in (r.error or "")
        assert sum(1 for p in s.paths() if p.startswith("/loop")) == 4
        r = asyncio.run(_one(s.url("/moved"), policy()))
        assert r.ok and r.final_url == s.url("/target") and r.body == b"here"


def test_robots_disallow_and_unavailable() -> None:
    site = Site({"/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
                 "/private/x": Route(b"no"), "/public/x": Route(b"yes"), "/go": Route(redirect_to="/private/x")})
    with LocalServer(site) as s:
        async def go() -> None:
            async with PoliteClient(policy()) as c:
                assert (await c.get(s.url("/public/x"))).ok
                assert "robots" in ((await c.get(s.url("/private/x"))).error or "")
                assert "robots" in ((await c.get(s.url("/go"))).error or "")  # redirect hops are checked too
        asyncio.run(go())
        assert "/private/x" not in s.paths() and s.paths().count("/robots.txt") == 1
    down = Site({"/robots.txt": Route(b"err", status=500, conditional=False), "/a": Route(b"a")})
    with LocalServer(down) as s:
        r = asyncio.run(_one(s.url("/a"), policy(max_retries=0)))
        assert not r.ok and "/a" not in s.paths()  # RFC 9309: robots.txt 5xx means disallow all


def test_conditional_request() -> None:
    with LocalServer(pages(1)) as s:
        first = asyncio.run(_one(s.url("/p0"), policy()))
        again = asyncio.run(_one(s.url("/p0"), policy(), etag=first.etag, last_modified=first.last_modified))
        assert again.status == 304 and again.body in (b"", None)
        assert s.hits[-1].headers["if-none-match"] == first.etag


def test_circuit_breaker_stops_hammering() -> None:
    site = Site({f"/e{i}": Route(b"x", status=500, conditional=False) for i in range(10)})
    with LocalServer(site) as s:
        async def go() -> list:
            async with PoliteClient(policy(max_retries=1, breaker_threshold=3, breaker_cooldown=60)) as c:
                return [await c.get(s.url(f"/e{i}")) for i in range(10)]
        results = asyncio.run(go())
        assert all(not r.ok for r in results)
        assert "circuit open" in (results[-1].error or "")
        assert len([p for p in s.paths() if p.startswith("/e")]) == 3
