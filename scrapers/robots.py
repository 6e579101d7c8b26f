"""robots.txt per host (protego), fetched once per run through the polite client itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlunsplit

from protego import Protego

from .politeness import host_key
from .safety import split

if TYPE_CHECKING:
    from .http import Response

MAX_CRAWL_DELAY = 60.0


class HostRobots:
    """Rules for one host. RFC 9309: 4xx means no rules, 5xx or unreachable means disallow all.

    ``refusal`` is the typed reason when robots.txt could not even be asked (unsafe address, unresolved host,
    an anti-bot challenge): the host's pages are then refused for that same reason. A robots.txt that redirects
    outside the policy is not followed and counts as absent (the site answered; the target is not asked).
    """

    def __init__(self, parser: Protego | None, allow_all: bool, reason: str = "", refusal: Any = None) -> None:
        self.parser = parser
        self.allow_all = allow_all
        self.reason = reason
        self.refusal = refusal

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None


def robots_url(url: str) -> str:
    p = split(url)
    assert p is not None
    return urlunsplit((p.scheme, p.netloc, "/robots.txt", "", ""))


class RobotsCache:
    """Fetches and caches each host's robots.txt; concurrent callers for one host wait for one fetch."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent
        self._hosts: dict[str, HostRobots] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, url: str, fetch: Callable[[str], Awaitable[Response]]) -> HostRobots:
        key = host_key(url)
        if key in self._hosts:
            return self._hosts[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._hosts:
                self._hosts[key] = await self._load(robots_url(url), fetch)
        return self._hosts[key]

    async def _load(self, url: str, fetch: Callable[[str], Awaitable[Response]]) -> HostRobots:
        from .http import Reason

        resp = await fetch(url)
        if resp.status == 200 and resp.body is not None:
            text = resp.body[:500_000].decode("utf-8", errors="replace")
            return HostRobots(Protego.parse(text), allow_all=True)
        if resp.reason is Reason.OFF_SOURCE:  # the site answered with a redirect we do not follow: no rules
            return HostRobots(None, allow_all=True, reason=f"robots.txt redirects outside the policy ({resp.final_url})")
        if resp.reason in (Reason.UNSAFE_ADDRESS, Reason.CHALLENGE, Reason.BLOCKED, Reason.DNS, Reason.BAD_URL):
            return HostRobots(None, allow_all=False, reason=resp.error or "", refusal=resp.reason)
        if resp.status is not None and 400 <= resp.status < 500:
            return HostRobots(None, allow_all=True, reason=f"robots.txt {resp.status}")
        return HostRobots(None, allow_all=False, reason=f"robots.txt unavailable: {resp.error or resp.status}")
