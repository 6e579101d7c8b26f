"""The one polite HTTP layer every source shares (httpx.AsyncClient underneath).

Per request: URL safety (http(s) only, no ``user:pass@``, public addresses after DNS unless local hosts are
allowed), the caller's host policy on every hop, robots.txt, the per-host gate (concurrency and minimum
interval), a total deadline per attempt, a maximum body size, bounded manual redirects (each hop checked and
throttled), retries with exponential backoff and jitter on timeouts/429/5xx honouring Retry-After,
conditional headers, a per-host circuit breaker, and anti-bot challenges recognised (the host is then left
alone for the run). GET and POST (list proxies); a cookie jar per host. HTTP errors are returned, never
raised; every outcome carries a typed ``Reason``.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode, urljoin

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

from .antibot import challenge
from .politeness import CircuitOpen, Gates, HostGate, Politeness, host_key
from .robots import RobotsCache
from .safety import ALLOW_LOCAL, AddressRefused, GuardedTransport, HostUnresolved, url_problem

REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf,*/*;q=0.8"


class Reason(StrEnum):
    """Why a request was skipped or failed (what callers branch on, instead of error-message text)."""

    BAD_URL = "bad_url"  # not http(s), user:pass@, malformed
    OFF_SOURCE = "off_source"  # host outside the source's policy (also on a redirect hop)
    ROBOTS = "robots"  # disallowed by robots.txt (or robots.txt unavailable: RFC 9309 disallow all)
    UNSAFE_ADDRESS = "unsafe_address"  # resolves to loopback/private/link-local/reserved space
    DNS = "dns"  # host name not resolved
    CHALLENGE = "challenge"  # an anti-bot challenge answered this request
    BLOCKED = "blocked"  # the host answered a challenge earlier in the run: not asked again
    CIRCUIT_OPEN = "circuit_open"  # too many consecutive failures on the host
    REDIRECTS = "redirects"  # too many redirects
    TOO_LARGE = "too_large"  # body above Politeness.max_body
    DEADLINE = "deadline"  # attempt deadline or timeout
    CONNECTION = "connection"  # connection refused/reset, protocol errors
    RETRY_AFTER = "retry_after"  # Retry-After beyond the limit
    HTTP_STATUS = "http_status"  # 4xx/5xx answer

    @property
    def skip(self) -> bool:
        """A deliberate skip (policy), not a failure of the site."""
        return self in (Reason.OFF_SOURCE, Reason.ROBOTS)


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
    method: str = "GET"
    form: str | None = None  # urlencoded POST body
    reason: Reason | None = None


Observer = Callable[[Exchange], None]


@dataclass
class Response:
    """Outcome of a logical request after redirects and retries."""

    url: str
    final_url: str
    status: int | None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    error: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    retryable: bool = False  # a timeout, 429 or 5xx worth another attempt
    retry_after: float | None = None  # seconds the server asked us to wait
    reason: Reason | None = None
    signal: str | None = None  # the anti-bot challenge seen (reason CHALLENGE or BLOCKED)

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


def _refused(url: str, current: str, reason: Reason, error: str, exchanges: list[Exchange],
             signal: str | None = None) -> Response:
    return Response(url, current, None, error=error, exchanges=exchanges, reason=reason, signal=signal)


class PoliteClient:
    """Async polite client; use as ``async with PoliteClient(policy) as client``.

    ``trust_env`` is off so proxy variables never redirect traffic elsewhere. One httpx client (connection
    pool and cookie jar) per host.
    """

    def __init__(self, policy: Politeness | None = None) -> None:
        self.policy = policy or Politeness()
        self.gates = Gates(self.policy)
        self._ssl = httpx.create_ssl_context()  # certificates verified, context built once
        self._clients: dict[str, httpx.AsyncClient] = {}  # one pool per host: a shared pool scans every connection
        self.robots = RobotsCache(self.policy.user_agent)

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
            limits = httpx.Limits(max_connections=self.policy.per_host_concurrency + 1,
                                  max_keepalive_connections=self.policy.per_host_concurrency)
            client = self._clients[key] = httpx.AsyncClient(
                follow_redirects=False,
                transport=GuardedTransport(verify=self._ssl, limits=limits, resolve=self.policy.resolve),
                trust_env=False,
                timeout=httpx.Timeout(self.policy.deadline, connect=self.policy.connect_timeout, pool=None),
                headers={"User-Agent": self.policy.user_agent, "Accept": ACCEPT,
                         "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            )
        return client

    async def robots_verdict(self, url: str, observer: Observer | None = None,
                             accept_url: Callable[[str], bool] | None = None,
                             allow_local: bool = False) -> tuple[Reason, str] | None:
        """None when robots.txt lets us fetch ``url``, else why not (always None when robots are not obeyed).
        robots.txt redirects are followed only within ``accept_url`` (the host itself when none is given)."""
        if not self.policy.obey_robots:
            return None
        key = host_key(url)

        async def fetch(robots_url: str) -> Response:
            policy = accept_url or (lambda u: host_key(u) == key)
            return await self.request("GET", robots_url, robots=False, observer=observer, accept_url=policy,
                                      allow_local=allow_local)

        rules = await self.robots.rules(url, fetch)
        delay = rules.crawl_delay(self.policy.user_agent)
        if delay:
            self.gates(url).interval = max(self.gates(url).interval, delay)
        if rules.allowed(url, self.policy.user_agent):
            return None
        if rules.refusal is not None:  # robots.txt itself could not be asked: say why
            return rules.refusal, rules.reason
        return Reason.ROBOTS, "disallowed by robots.txt" + (f" ({rules.reason})" if rules.reason else "")

    async def allowed(self, url: str, observer: Observer | None = None) -> bool:
        """Whether robots.txt lets us fetch ``url``."""
        return await self.robots_verdict(url, observer, allow_local=self.policy.allow_local) is None

    async def get(self, url: str, **kwargs: object) -> Response:
        """GET ``url``; a 304 comes back as status 304 with no body."""
        return await self.request("GET", url, **kwargs)  # type: ignore[arg-type]

    async def post(self, url: str, data: Mapping[str, str], **kwargs: object) -> Response:
        """POST a form (list proxies and search endpoints)."""
        return await self.request("POST", url, data=data, **kwargs)  # type: ignore[arg-type]

    async def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        referer: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_url: Callable[[str], bool] | None = None,
        observer: Observer | None = None,
        robots: bool = True,
        allow_local: bool | None = None,
    ) -> Response:
        """One logical request: every hop is checked (URL, host policy, robots, block) before it is sent."""
        exchanges: list[Exchange] = []
        local = self.policy.allow_local or bool(allow_local)
        current, method = url, method.upper()
        form = urlencode(list(data.items())) if data is not None and method == "POST" else None
        for _hop in range(self.policy.max_redirects + 1):
            problem = url_problem(current)
            if problem:
                return _refused(url, current, Reason.BAD_URL, problem, exchanges)
            if accept_url is not None and not accept_url(current):
                where = "redirect to a host" if current != url else "host"
                return _refused(url, current, Reason.OFF_SOURCE, f"{where} outside the source", exchanges)
            if robots:
                verdict = await self.robots_verdict(current, observer, accept_url, local)
                if verdict is not None:
                    return _refused(url, current, verdict[0], verdict[1], exchanges, self.gates(current).blocked)
            gate = self.gates(current)
            if gate.blocked:
                return _refused(url, current, Reason.BLOCKED, f"host blocked by an anti-bot challenge: {gate.blocked}",
                                exchanges, gate.blocked)
            headers: dict[str, str] = {}
            if method == "GET":
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
            if referer:
                headers["Referer"] = referer
            resp = await self._attempts(url, current, method, form, headers, gate, observer, local)
            exchanges.extend(resp.exchanges)
            resp.exchanges = exchanges
            location = resp.headers.get("location") if resp.status in REDIRECTS else None
            if not location:
                return resp
            if resp.status in (301, 302, 303) and method == "POST":
                method, form = "GET", None
            current = urljoin(current, location.strip())
        return _refused(url, current, Reason.REDIRECTS, f"more than {self.policy.max_redirects} redirects",
                        exchanges)

    async def _attempts(self, url: str, current: str, method: str, form: str | None, headers: dict[str, str],
                        gate: HostGate, observer: Observer | None, local: bool) -> Response:
        """One hop with retries (tenacity): exponential backoff with jitter, Retry-After honoured."""
        policy = self.policy
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
        return await retrying(self._attempt, url, current, method, form, headers, gate, tried, observer, local)

    async def _attempt(self, url: str, current: str, method: str, form: str | None, headers: dict[str, str],
                       gate: HostGate, tried: list[Exchange], observer: Observer | None, local: bool) -> Response:
        """One gated request; the Response says whether it is worth retrying."""
        policy = self.policy
        try:
            gate.check_breaker()
        except CircuitOpen as exc:
            return _refused(url, current, Reason.CIRCUIT_OPEN, f"{host_key(current)}: {exc}", tried)
        if gate.blocked:
            return _refused(url, current, Reason.BLOCKED, f"host blocked by an anti-bot challenge: {gate.blocked}",
                            tried, gate.blocked)
        status: int | None = None
        resp_headers: httpx.Headers | None = None
        body: bytes | None = None
        error: str | None = None
        reason: Reason | None = None
        async with gate:
            started = time.monotonic()
            try:
                async with asyncio.timeout(policy.deadline):
                    status, resp_headers, body = await self._once(current, method, form, headers, local)
            except TimeoutError:
                error, reason = f"deadline of {policy.deadline:g}s exceeded", Reason.DEADLINE
            except httpx.TimeoutException as exc:
                error, reason = f"timeout: {type(exc).__name__}", Reason.DEADLINE
            except BodyTooLarge as exc:
                error, reason = str(exc), Reason.TOO_LARGE
            except AddressRefused as exc:
                error, reason = str(exc), Reason.UNSAFE_ADDRESS
            except HostUnresolved as exc:
                error, reason = f"host not resolved: {exc}", Reason.DNS
            except httpx.HTTPError as exc:
                error, reason = f"{type(exc).__name__}: {exc}"[:500], Reason.CONNECTION
            elapsed = time.monotonic() - started
        signal = challenge(status, resp_headers, body) if error is None else None
        if signal:
            error, reason = f"anti-bot challenge: {signal}", Reason.CHALLENGE
            gate.blocked = signal
        elif status is not None and status >= 400:
            error, reason = f"HTTP {status}", Reason.HTTP_STATUS
        exchange = Exchange(url, current, status, resp_headers, len(body or b""), error, "If-None-Match" in headers
                            or "If-Modified-Since" in headers, len(tried), elapsed, body, method, form, reason)
        tried.append(exchange)
        result = Response(url, current, status, resp_headers or httpx.Headers(), body, error, tried, reason=reason,
                          signal=signal)
        if observer is not None:
            observer(exchange)
        transient = reason in (Reason.DEADLINE, Reason.CONNECTION) or (
            reason is Reason.HTTP_STATUS and (status == 429 or (status or 0) >= 500))
        result.retryable = transient
        if reason not in (Reason.UNSAFE_ADDRESS, Reason.DNS, Reason.CHALLENGE):
            gate.record(ok=not transient)
        if result.retryable and status in (429, 503):
            ra = retry_after_seconds(result.headers.get("retry-after"))
            if ra is not None and ra > policy.max_retry_after:
                result.error = f"HTTP {status}, Retry-After {ra:.0f}s is beyond the limit"
                result.reason = Reason.RETRY_AFTER
                result.retryable = False
            else:
                result.retry_after = ra
        return result

    async def _once(self, url: str, method: str, form: str | None, headers: dict[str, str],
                    local: bool) -> tuple[int, httpx.Headers, bytes]:
        client = self._client_for(url)
        if form is not None:
            headers = {**headers, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        request = client.build_request(method, url, headers=headers, content=form.encode() if form else None)
        token = ALLOW_LOCAL.set(local)
        try:
            response = await client.send(request, stream=True)
        finally:
            ALLOW_LOCAL.reset(token)
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


Fetch = Callable[[str], Awaitable[Response]]
