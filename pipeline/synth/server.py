"""The one local web server of the synthetic world: tests, the demo and the benchmarks serve generated
government portals with it, on 127.0.0.1 only (ephemeral ports), and it records every request.

A ``Site`` maps paths (query included) to ``Route``s and may add ``dynamic`` handlers that see the whole
request (method, query, form body, headers, cookies): list proxies that answer POST, JSON APIs, challenges.
A server holds one site, or several virtual hosts on one port (``hosts={"oss.x.gov.cn": site}``, chosen by
the Host header), e.g. an attachment host of the same government. Routes can fail first (503, 429 with
Retry-After), redirect, trickle their body, require a Referer (501 without, as Qingdao's attachments do),
require a cookie (302 to themselves with Set-Cookie until it is replayed) and answer conditional requests
with 304 (ETag/Last-Modified), as real CMSs do. Every request is a ``Hit`` (host, method, path, headers,
body, start/end times, status) for the politeness assertions.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LAST_MODIFIED = "Mon, 03 Mar 2025 08:00:00 GMT"
NOT_FOUND = "<html><head><title>404</title></head><body><h1>404 页面不存在</h1></body></html>".encode()


@dataclass
class Route:
    """What one path serves, with optional faults."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # values are latin-1 strings (raw bytes)
    fail_first: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) per hit
    redirect_to: str | None = None
    redirect_status: int = 301
    trickle_first: int = 0  # the first N hits trickle the body one byte at a time
    trickle_delay: float = 0.05
    conditional: bool = True
    methods: tuple[str, ...] = ("GET", "HEAD")  # others get 405
    require_referer: str | None = None  # a Referer containing this (the article's path), or 501
    require_cookie: str | None = None  # "name=value": without it, 302 to itself with Set-Cookie
    hits: int = 0


@dataclass(frozen=True)
class Request:
    """A request as dynamic handlers see it."""

    method: str
    host: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    @property
    def form(self) -> dict[str, str]:
        if "application/x-www-form-urlencoded" not in self.headers.get("content-type", ""):
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    @property
    def params(self) -> dict[str, str]:
        """Query and form fields together (form wins)."""
        return {**self.query, **self.form}

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed header is no cookie
            return {}
        return {k: m.value for k, m in jar.items()}


Handler = Callable[[Request], "Route | None"]


class Site:
    """Routes by path (with query); ``dynamic`` handlers answer what the table lacks."""

    def __init__(self, routes: dict[str, Route] | None = None, *, name: str = "", key: str = "") -> None:
        self.routes: dict[str, Route] = routes or {}
        self.guards: list[Handler] = []  # asked before the routes (anti-bot challenges, cookie walls)
        self.dynamic: list[Handler] = []
        self.name = name  # the publishing government, e.g. 云岭市东湖区人民政府
        self.key = key  # a slug, e.g. "district-1"
        self.column_path = ""  # the report column's path, when the site has one

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Route:
        route = self.routes[path] = Route(body, content_type, headers=dict(headers))
        return route

    def route(self, request: Request) -> Route | None:
        for guard in self.guards:
            got = guard(request)
            if got is not None:
                return got
        found = self.routes.get(request.path)
        if found is None and request.path.endswith("/"):
            found = self.routes.get(request.path + "index.html") or self.routes.get(request.path + "index.htm")
        if found is not None:
            return found
        for handler in self.dynamic:
            got = handler(request)
            if got is not None:
                return got
        return None


@dataclass
class Hit:
    """One request as the server saw it."""

    port: int
    host: str
    method: str
    path: str
    headers: dict[str, str]
    started: float
    body: bytes = b""
    ended: float = 0.0
    status: int = 0


class LocalServer:
    """Serve a site (or virtual hosts) on 127.0.0.1:<ephemeral port> in a background thread."""

    def __init__(self, site: Site, hosts: dict[str, Site] | None = None, server_version: str = "TRS WCM") -> None:
        self.site = site
        self.hosts = {k.lower(): v for k, v in (hosts or {}).items()}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet: the crawler logs every request itself
                pass

            def version_string(self) -> str:
                return server_version

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

            def do_HEAD(self) -> None:  # noqa: N802
                self._handle("HEAD")

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
                headers = {k.lower(): v for k, v in self.headers.items()}
                hit = Hit(server.port, host, method, self.path, headers, time.monotonic(), body)
                with server.lock:
                    server.hits.append(hit)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    site = server.hosts.get(host, server.site)
                    hit.status = self._serve(site, Request(method, host, self.path, headers, body))
                except (BrokenPipeError, ConnectionResetError):
                    hit.status = -1
                finally:
                    hit.ended = time.monotonic()
                    with server.lock:
                        server.in_flight -= 1

            def _send(self, status: int, headers: dict[str, str], body: bytes, method: str = "GET") -> int:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)
                return status

            def _serve(self, site: Site, req: Request) -> int:
                route = site.route(req)
                if route is None:
                    return self._send(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND, req.method)
                if req.method not in route.methods:
                    return self._send(405, {"Content-Type": "text/html", "Allow": ", ".join(route.methods)},
                                      b"<html><body>405 Method Not Allowed</body></html>", req.method)
                with server.lock:
                    route.hits += 1
                    n = route.hits
                if n <= len(route.fail_first):
                    status, headers = route.fail_first[n - 1]
                    return self._send(status, {"Content-Type": "text/html", **headers}, b"busy", req.method)
                if route.require_cookie:
                    name, _, value = route.require_cookie.partition("=")
                    if req.cookies.get(name) != value:
                        return self._send(302, {"Location": req.path, "Set-Cookie": f"{name}={value}; Path=/"},
                                          b"", req.method)
                if route.require_referer and route.require_referer not in req.headers.get("referer", ""):
                    return self._send(501, {"Content-Type": "text/html"}, b"<html><body>501</body></html>",
                                      req.method)
                if route.redirect_to:
                    return self._send(route.redirect_status, {"Location": route.redirect_to}, b"", req.method)
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.conditional and route.status == 200 and req.method == "GET":
                    etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                    if req.headers.get("if-none-match") == etag or (
                            "if-none-match" not in req.headers
                            and req.headers.get("if-modified-since") == LAST_MODIFIED):
                        return self._send(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b"", req.method)
                if n <= route.trickle_first:
                    self.send_response(route.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(route.trickle_delay)
                    return route.status
                return self._send(route.status, headers, route.body, req.method)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"ogi-site-{self.port}", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, host: str | None = None) -> str:
        """An absolute URL on this server (under a virtual host name when given)."""
        return (f"http://{host}:{self.port}" if host else self.base) + path

    @property
    def column_url(self) -> str:
        return self.url(self.site.column_path)

    @property
    def requests(self) -> int:
        with self.lock:
            return len(self.hits)

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def paths(self, host: str | None = None) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits if host is None or h.host == host]

    def hits_for(self, host: str | None = None) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if host is None or h.host == host]

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self.max_in_flight = 0


@contextmanager
def serve(sites: list[Site]) -> Iterator[list[LocalServer]]:
    """Start one server per site; every server is stopped when the block exits (also on error)."""
    with ExitStack() as stack:
        servers = []
        for site in sites:
            server = LocalServer(site)
            stack.callback(server.httpd.server_close)
            servers.append(stack.enter_context(server))
        yield servers


def path_of(url: str) -> str:
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


def max_in_window(hits: list[Hit], window: float) -> int:
    """Most request arrivals inside any half-open window [t, t + ``window``)."""
    starts = sorted(h.started for h in hits)
    best, j = 0, 0
    for i, t in enumerate(starts):
        while starts[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def max_concurrency(hits: list[Hit]) -> int:
    """Most requests in progress at once, ignoring those the client abandoned (deadline)."""
    events = sorted([(h.started, 1) for h in hits if h.status != -1] + [(h.ended, -1) for h in hits if h.status != -1],
                    key=lambda e: (e[0], e[1]))
    cur = best = 0
    for _t, d in events:
        cur += d
        best = max(best, cur)
    return best


def assert_polite(hits: list[Hit], interval: float) -> None:
    """The per-host limit as the server saw it: one at a time, and no burst above 1/interval."""
    assert max_concurrency(hits) <= 1
    for window in (interval * 4, interval * 10):
        assert max_in_window(hits, window) <= round(window / interval) + 1, f"more than the limit in {window}s"
    starts = sorted(h.started for h in hits)
    gaps = sorted(b - a for a, b in zip(starts, starts[1:], strict=False))
    if gaps:
        # Arrival times carry the server's own scheduling jitter (accept, thread start, GIL, a loaded machine),
        # so the exact floor is asserted on the client's send times (assert_client_polite), the spread here.
        assert gaps[len(gaps) // 2] >= interval * 0.95  # median gap


def assert_client_polite(gates: list, interval: float) -> None:
    """Every host gate let requests start at least `interval` apart (the client-side guarantee, exactly)."""
    assert gates, "no host was contacted"
    for host, gate in gates:
        starts = list(gate.starts)
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert not gaps or min(gaps) >= interval - 1e-6, f"{host}: two requests {min(gaps):.4f}s apart"
