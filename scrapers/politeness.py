"""Politeness settings and per-host gates: concurrency, minimum interval, Retry-After, circuit breaker."""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from .safety import host_and_port, split

PROJECT_URL = "https://github.com/ogi-reports/ogi-reports"
DEFAULT_USER_AGENT = f"ogi-reports/0.1 (research crawler for government annual reports; +{PROJECT_URL})"


@dataclass(frozen=True)
class Politeness:
    """How the shared HTTP layer behaves towards every host. Defaults are for real government sites."""

    user_agent: str = field(default_factory=lambda: os.environ.get("OGI_USER_AGENT", DEFAULT_USER_AGENT))
    min_interval: float = 1.0  # seconds between request starts on one host
    per_host_concurrency: int = 1
    max_retries: int = 3  # extra attempts after the first, on timeouts, 429 and 5xx
    backoff_base: float = 1.0  # first retry waits about this long, doubling each time, plus jitter
    backoff_max: float = 60.0
    max_retry_after: float = 600.0  # a longer Retry-After gives up the request instead of waiting
    deadline: float = 120.0  # total seconds for one attempt, body included
    connect_timeout: float = 15.0
    max_body: int = 100 * 2**20  # bytes
    max_redirects: int = 5
    breaker_threshold: int = 6  # consecutive failed attempts that open a host's circuit
    breaker_cooldown: float = 600.0  # seconds a host's circuit stays open
    obey_robots: bool = True
    allow_local: bool = False  # connect to loopback/private addresses (local test and demo servers only)
    resolve: Mapping[str, str] = field(default_factory=dict)  # host name -> fixed address (like curl --resolve)

    @classmethod
    def for_tests(cls, **overrides: object) -> Politeness:
        """Small delays for local fixture servers, which the tests allow explicitly (``allow_local``)."""
        base: dict[str, object] = dict(
            min_interval=0.05, backoff_base=0.05, backoff_max=0.5, deadline=1.0, connect_timeout=1.0,
            max_retries=2, breaker_cooldown=5.0, max_retry_after=5.0, allow_local=True,
        )
        base.update(overrides)
        return cls(**base)  # type: ignore[arg-type]


DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """The politeness unit: the parsed host name (lower case) and its port when not the scheme's default.
    Never the raw netloc, so ``user@host`` spellings or letter case cannot open a second gate."""
    host, port = host_and_port(url)
    parts = split(url)
    scheme = parts.scheme.lower() if parts is not None else ""
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


class CircuitOpen(Exception):
    """Raised when a host's circuit breaker is open."""


class HostGate:
    """One host's limits: at most N requests in flight, request starts at least ``min_interval`` apart."""

    def __init__(self, policy: Politeness) -> None:
        self.policy = policy
        self._slots = asyncio.Semaphore(policy.per_host_concurrency)
        self._lock = asyncio.Lock()
        self._next_start = 0.0
        self.interval = policy.min_interval  # raised by a robots.txt Crawl-delay
        self.failures = 0
        self.open_until = 0.0
        self.requests = 0
        self.blocked: str | None = None  # the anti-bot signal that stopped all requests to this host
        self.starts: deque[float] = deque(maxlen=10_000)  # loop times at which requests were let through

    def defer(self, seconds: float) -> None:
        """Push the next allowed start back (Retry-After)."""
        loop = asyncio.get_running_loop()
        self._next_start = max(self._next_start, loop.time() + seconds)

    def check_breaker(self) -> None:
        loop = asyncio.get_running_loop()
        if self.open_until and loop.time() < self.open_until:
            raise CircuitOpen("circuit open after repeated failures")
        if self.open_until:  # half-open: let one attempt through
            self.open_until = 0.0
            self.failures = max(0, self.policy.breaker_threshold - 1)

    def record(self, ok: bool) -> None:
        if ok:
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= self.policy.breaker_threshold:
            self.open_until = asyncio.get_running_loop().time() + self.policy.breaker_cooldown

    async def __aenter__(self) -> HostGate:
        await self._slots.acquire()
        try:
            async with self._lock:
                loop = asyncio.get_running_loop()
                while (wait := self._next_start - loop.time()) > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self.interval
                self.starts.append(loop.time())
                self.requests += 1
        except BaseException:
            self._slots.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()


class Gates:
    """HostGate per host key."""

    def __init__(self, policy: Politeness) -> None:
        self.policy = policy
        self._gates: dict[str, HostGate] = {}

    def items(self) -> list[tuple[str, HostGate]]:
        """(host key, gate) for every host seen."""
        return list(self._gates.items())

    def __call__(self, url: str) -> HostGate:
        key = host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = HostGate(self.policy)
        return gate
