"""A threaded HTTP/1.1 server bound to 127.0.0.1 that serves a ``Site`` and records every request."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

LAST_MODIFIED = "Wed, 01 Mar 2023 08:00:00 GMT"


@dataclass
class Route:
    """What one path serves, with optional faults."""

    body: bytes = b""
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # values are latin-1 strings (raw bytes)
    fail_first: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) per hit
    redirect_to: str | None = None
    trickle_first: int = 0  # the first N hits trickle the body one byte at a time
    trickle_delay: float = 0.05
    conditional: bool = True
    hits: int = 0


@dataclass
class Hit:
    """One request as the server saw it."""

    port: int
    path: str
    headers: dict[str, str]
    started: float
    ended: float = 0.0
    status: int = 0


class Site:
    """Routes by path (with query); ``dynamic`` handles anything the table lacks."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = routes or {}
        self.dynamic: list = []  # callables (path) -> Route | None

    def route(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        for handler in self.dynamic:
            found = handler(path)
            if found is not None:
                return found
        return None


class FakeServer:
    """Serve a site on 127.0.0.1:<ephemeral port> in a background thread."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                hit = Hit(server.port, self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server.lock:
                    server.hits.append(hit)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    hit.status = self._serve()
                except (BrokenPipeError, ConnectionResetError):
                    hit.status = -1
                finally:
                    hit.ended = time.monotonic()
                    with server.lock:
                        server.in_flight -= 1

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> int:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return status

            def _serve(self) -> int:
                route = server.site.route(self.path)
                if route is None:
                    return self._send(404, {"Content-Type": "text/html"}, b"<html><body>404</body></html>")
                with server.lock:
                    route.hits += 1
                    n = route.hits
                if n <= len(route.fail_first):
                    status, headers = route.fail_first[n - 1]
                    return self._send(status, {"Content-Type": "text/html", **headers}, b"busy")
                if route.redirect_to:
                    return self._send(301, {"Location": route.redirect_to}, b"")
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.conditional and route.status == 200:
                    etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                    if self.headers.get("If-None-Match") == etag or (
                            "If-None-Match" not in self.headers
                            and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                        return self._send(304, {"ETag": etag}, b"")
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
                return self._send(route.status, headers, route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits]

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self.max_in_flight = 0

    def min_gap(self) -> float:
        """Smallest interval between two request arrivals (inf with fewer than two)."""
        starts = sorted(h.started for h in self.hits)
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        return min(gaps) if gaps else float("inf")


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


def assert_client_polite(gates, interval: float) -> None:
    """Every host gate let requests start at least `interval` apart (the client-side guarantee, exactly)."""
    assert gates, "no host was contacted"
    for host, gate in gates:
        starts = list(gate.starts)
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert not gaps or min(gaps) >= interval - 1e-6, f"{host}: two requests {min(gaps):.4f}s apart"
