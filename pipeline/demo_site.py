"""Government-style demo websites served on 127.0.0.1 (ephemeral ports), one HTTP server per site.

Each site is a table of paths → bodies (robots.txt, a TRS-style column index.htm/index_1.htm …, report pages,
attachments). Responses carry ETag/Last-Modified and answer conditional requests with 304, as real CMSs do.
The servers bind to the loopback interface only and stop when the context exits, even on error.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Mon, 03 Mar 2025 08:00:00 GMT"


@dataclass
class Resource:
    """One served path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)  # latin-1 header values
    status: int = 200


@dataclass
class DemoSite:
    """A website: its name, its report column's path and the resources by path (query included)."""

    key: str  # registry id suffix, e.g. "yunling-donghu"
    name: str  # the publishing government, e.g. 云岭市东湖区人民政府
    column_path: str
    resources: dict[str, Resource] = field(default_factory=dict)

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.resources[path] = Resource(body, content_type, dict(headers))


class SiteServer:
    """A threaded HTTP/1.1 server for one DemoSite on 127.0.0.1:<ephemeral port>; counts requests."""

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "TRS WCM"

            def log_message(self, *args: object) -> None:  # quiet: the crawler logs every request itself
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.requests += 1
                res = server.site.resources.get(self.path)
                if res is None and self.path.endswith("/"):
                    res = server.site.resources.get(self.path + "index.htm")
                if res is None:
                    self._send(404, {"Content-Type": "text/html; charset=utf-8"},
                               "<html><body><h1>404 页面不存在</h1></body></html>".encode())
                    return
                etag = '"' + hashlib.sha1(res.body).hexdigest()[:16] + '"'
                headers = {"Content-Type": res.content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED,
                           **res.headers}
                if res.status == 200 and (self.headers.get("If-None-Match") == etag or (
                        "If-None-Match" not in self.headers
                        and self.headers.get("If-Modified-Since") == LAST_MODIFIED)):
                    self._send(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b"")
                    return
                self._send(res.status, headers, res.body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=f"demo-site-{site.key}", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def column_url(self) -> str:
        return self.base + self.site.column_path

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve(sites: list[DemoSite]) -> Iterator[list[SiteServer]]:
    """Start one server per site; every server is stopped when the block exits (also on error)."""
    with ExitStack() as stack:
        servers = []
        for site in sites:
            server = SiteServer(site)
            stack.callback(server.httpd.server_close)
            servers.append(stack.enter_context(server))
        yield servers
