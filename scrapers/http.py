"""The one polite HTTP layer every source shares (httpx.AsyncClient underneath).

Per request: robots.txt check, per-host gate (concurrency and minimum interval), total deadline per
attempt, maximum body size, bounded manual redirects (each hop checked and throttled), retries with
exponential backoff and jitter on timeouts/429/5xx honouring Retry-After, conditional headers, and a
per-host circuit breaker. HTTP errors are returned, never raised.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

from .politeness import CircuitOpen, Gates, HostGate, Politeness, host_key
from .robots import RobotsCache

REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf,*/*;q=0.8"


class BodyTooLarge(Exception):
    """The body exceeded Politeness.max_body."""


@dataclass
class Exchange:
    """One HTTP request and its outcome: what the fetch log records."""

    url: str  # the URL the caller asked for
    request_url: str  # the URL of this hop
    status: int | None
    headers: httpx.Headers | None
    nbytes: int
    error: str | None
    conditional: bool
    attempt: int
    elapsed: float
    body: bytes | None = None


Observer = Callable[[Exchange], None]


@dataclass
class Response:
    """Outcome of a logical GET after redirects and retries."""

    url: str
    final_url: str
    status: int | None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    error: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    retryable: bool = False  # a timeout, 429 or 5xx worth another attempt
    retry_after: float | None = None  # seconds the server asked us to wait

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class PoliteClient:
    """Async polite client; use as ``async with PoliteClient(policy) as client``.

    ``trust_env`` is off by default so proxy variables never redirect traffic elsewhere.
    """

    def __init__(self, policy: Politeness | None = None, *, trust_env: bool = False) -> None:
        self.policy = policy or Politeness()
        self.gates = Gates(self.policy)
        self._trust_env = trust_env
        self._ssl = httpx.create_ssl_context()  # certificates verified, context built once
        self._clients: dict[str, httpx.AsyncClient] = {}  # one pool per host: a shared pool scans every connection
        self.robots = RobotsCache(self._robots_fetch, self.policy.user_agent)

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    def _client_for(self, url: str) -> httpx.AsyncClient:
        key = host_key(url)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = httpx.AsyncClient(
                follow_redirects=False,
                verify=self._ssl,
                trust_env=self._trust_env,
                timeout=httpx.Timeout(self.policy.deadline, connect=self.policy.connect_timeout, pool=None),
                limits=httpx.Limits(max_connections=self.policy.per_host_concurrency + 1,
                                    max_keepalive_connections=self.policy.per_host_concurrency),
                headers={"User-Agent": self.policy.user_agent, "Accept": ACCEPT,
                         "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            )
        return client

    async def _robots_fetch(self, url: str, observer: Observer | None) -> Response:
        return await self.get(url, robots=False, observer=observer)

    async def allowed(self, url: str, observer: Observer | None = None) -> bool:
        """Whether robots.txt lets us fetch ``url`` (always True when robots are not obeyed)."""
        if not self.policy.obey_robots:
            return True
        rules = await self.robots.rules(url, observer)
        delay = rules.crawl_delay(self.policy.user_agent)
        if delay:
            self.gates(url).interval = max(self.gates(url).interval, delay)
        return rules.allowed(url, self.policy.user_agent)

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_url: Callable[[str], bool] | None = None,
        observer: Observer | None = None,
        robots: bool = True,
    ) -> Response:
        """GET ``url``; a 304 comes back as status 304 with no body."""
        exchanges: list[Exchange] = []
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                return Response(url, current, None, error="unsupported URL scheme", exchanges=exchanges)
            if accept_url is not None and current != url and not accept_url(current):
                return Response(url, current, None, error="redirect to a host outside the source",
                                exchanges=exchanges)
            if robots and not await self.allowed(current, observer):
                return Response(url, current, None, error="disallowed by robots.txt", exchanges=exchanges)
            resp = await self._attempts(url, current, etag, last_modified, observer)
            exchanges.extend(resp.exchanges)
            resp.exchanges = exchanges
            location = resp.headers.get("location") if resp.status in REDIRECTS else None
            if not location:
                return resp
            current = urljoin(current, location.strip())
        return Response(url, current, None, error=f"more than {self.policy.max_redirects} redirects",
                        exchanges=exchanges)

    async def _attempts(self, url: str, current: str, etag: str | None, last_modified: str | None,
                        observer: Observer | None) -> Response:
        """One hop with retries (tenacity): exponential backoff with jitter, Retry-After honoured."""
        policy = self.policy
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        gate = self.gates(current)
        tried: list[Exchange] = []
        backoff = wait_exponential_jitter(multiplier=policy.backoff_base, max=policy.backoff_max,
                                          jitter=policy.backoff_base)

        def wait(state: RetryCallState) -> float:
            retry_after = state.outcome.result().retry_after if state.outcome else None
            if retry_after is not None:
                gate.defer(retry_after)  # the whole host waits, not only this request
                return max(backoff(state), retry_after)
            return backoff(state)

        retrying = AsyncRetrying(stop=stop_after_attempt(policy.max_retries + 1), wait=wait,
                                 retry=retry_if_result(lambda r: r.retryable),
                                 retry_error_callback=lambda state: state.outcome.result())
        return await retrying(self._attempt, url, current, headers, gate, tried, observer)

    async def _attempt(self, url: str, current: str, headers: dict[str, str], gate: HostGate,
                       tried: list[Exchange], observer: Observer | None) -> Response:
        """One gated request; the Response says whether it is worth retrying."""
        policy = self.policy
        try:
            gate.check_breaker()
        except CircuitOpen as exc:
            return Response(url, current, None, error=f"{host_key(current)}: {exc}", exchanges=tried)
        status: int | None = None
        resp_headers: httpx.Headers | None = None
        body: bytes | None = None
        error: str | None = None
        async with gate:
            started = time.monotonic()
            try:
                async with asyncio.timeout(policy.deadline):
                    status, resp_headers, body = await self._once(current, headers)
            except TimeoutError:
                error = f"deadline of {policy.deadline:g}s exceeded"
            except httpx.TimeoutException as exc:
                error = f"timeout: {type(exc).__name__}"
            except BodyTooLarge as exc:
                error = str(exc)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            elapsed = time.monotonic() - started
        exchange = Exchange(url, current, status, resp_headers, len(body or b""), error, bool(headers),
                            len(tried), elapsed, body)
        tried.append(exchange)
        result = Response(url, current, status, resp_headers or httpx.Headers(), body, error, tried)
        if status is not None and status >= 400:
            result.error = f"HTTP {status}"
        if observer is not None:
            observer(exchange)
        too_large = error is not None and error.startswith("body larger")
        result.retryable = not too_large and (error is not None or status == 429 or (status or 0) >= 500)
        gate.record(ok=not result.retryable)
        if result.retryable and status in (429, 503):
            ra = retry_after_seconds(result.headers.get("retry-after"))
            if ra is not None and ra > policy.max_retry_after:
                result.error = f"HTTP {status}, Retry-After {ra:.0f}s is beyond the limit"
                result.retryable = False
            else:
                result.retry_after = ra
        return result

    async def _once(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        client = self._client_for(url)
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
        try:
            length = response.headers.get("content-length")
            limit = self.policy.max_body
            if length and length.isdigit() and int(length) > limit:
                raise BodyTooLarge(f"body larger than {limit} bytes (Content-Length {length})")
            chunks: list[bytes] = []
            total = 0
            if response.status_code not in (204, 304) and not (300 <= response.status_code < 400):
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > limit:
                        raise BodyTooLarge(f"body larger than {limit} bytes")
                    chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)
        finally:
            await response.aclose()
