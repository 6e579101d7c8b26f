"""Portals behind anti-bot walls (CMS_FAMILIES.md §9 and (b) 8), so the crawler learns to give up cleanly.

Each wraps an ordinary TRS column with a guard answering every request (robots.txt too, for some):
``ruishu`` HTTP 412 (``ruishu_202``: 202) with ``$_ts`` and ``<meta r='m'>``; ``jiasule`` HTTP 521 with a ``__jsluid`` cookie;
``geofence`` HTTP 403 ``reason: GeoBL`` (WZWS); ``near_empty`` HTTP 200 with a 150-byte body; ``captcha`` a
small 200 page asking to drag a slider. ``cookie`` is not a block: every page answers 302 to itself with a
Set-Cookie until the cookie is replayed (as MOJ's openresty does), then the list works.
"""

from __future__ import annotations

from pipeline.synth.server import Request, Route

from . import trs_classic
from .base import Doc, Expected, Portal

SIGNALS = {"ruishu": "Ruishu", "ruishu_202": "Ruishu", "jiasule": "Jiasule", "geofence": "GeoBL", "near_empty": "near-empty",
           "captcha": "captcha"}


def challenge(kind: str) -> Route:
    if kind in ("ruishu", "ruishu_202"):
        body = (b"<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
                b"<meta id='9DhefwqGPrzGxEp9hPaoag' content='aXzB1xqD.sNKtQ' r='m'><script type='text/javascript'>"
                b"$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=61432;$_ts.cd='qnqDrrAlWGWV';</script>"
                b"<script type='text/javascript' charset='utf-8' src='/4QbVtADbnLVIc/c.FxJzG50F.3a4e39a.js' r='m'>"
                b"</script></head><body></body></html>")
        return Route(body, status=202 if kind == "ruishu_202" else 412, conditional=False,
                     methods=("GET", "POST", "HEAD"))
    if kind == "jiasule":
        body = (b"<html><body><script>document.cookie=('_')+('_')+('jsl_clearance_s=1700000000.123|0|'"
                b"+(function(){return 'abc'})()+';max-age=3600;path=/';location.href=location.pathname"
                b"+location.search</script></body></html>")
        return Route(body, status=521, headers={"Set-Cookie": "__jsluid_h=4b2c1e0f9d8a7b6c5d4e3f2a1b0c9d8e; path=/"},
                     conditional=False, methods=("GET", "POST", "HEAD"))
    if kind == "geofence":
        body = b"<html><head><title>403</title></head><body>reason:GeoBL <br>wzws_cid error</body></html>"
        return Route(body, status=403, headers={"Set-Cookie": "wzws_sessionid=gWQxYjE2; path=/"},
                     conditional=False, methods=("GET", "POST", "HEAD"))
    if kind == "near_empty":
        return Route(b"<html><head><script src='/x.js'></script></head><body>" + b" " * 80 + b"</body></html>",
                     conditional=False)
    if kind == "captcha":
        body = ("<html><head><title>安全验证</title><script src='/nwaf/slider.js'></script></head><body>"
                "<div class='nwaf-box'><p>请拖动滑块完成验证</p><div id='slider'></div></div></body></html>").encode()
        return Route(body, conditional=False)
    raise ValueError(kind)


def build(kind: str, docs: list[Doc], *, seed: int = 0, robots_too: bool = False, host: str | None = None,
          name: str = "示例市公安局") -> Portal:
    """A TRS column behind ``kind``'s wall (``robots_too``: robots.txt is challenged as well)."""
    portal = trs_classic.build(docs, seed=seed, host=host, name=name, per_page=10)
    portal.family = f"antibot_{kind}"
    site = portal.site
    if kind == "cookie":
        cookie = "CT6T=1a2b3c4d5e6f"
        for route in site.routes.values():
            route.require_cookie = cookie
        site.routes["/robots.txt"].require_cookie = None
        return portal

    def guard(req: Request) -> Route | None:
        if req.route == "/robots.txt" and not robots_too:
            return None
        return challenge(kind)

    site.guards.append(guard)
    portal.expected = Expected(blocked=SIGNALS[kind])
    return portal
