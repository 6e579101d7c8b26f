"""Where the crawler may connect: http(s) URLs without userinfo, to public addresses only.

``url_problem`` rejects a URL before any request (scheme, ``user:pass@``, no host). ``GuardedTransport`` is the
httpx transport every per-host client uses: its network backend resolves the host itself, refuses loopback,
private, link-local, reserved and other non-global addresses (unless local hosts are allowed for the request),
and connects to the very address it checked, so a DNS answer cannot change between check and connect. Every
redirect hop opens its connection through the same backend, so every hop is checked.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpcore
import httpx

ALLOW_LOCAL: contextvars.ContextVar[bool] = contextvars.ContextVar("ogi_allow_local", default=False)


class AddressRefused(Exception):
    """The host resolves to an address the crawler must not contact."""


class HostUnresolved(Exception):
    """The host name has no address."""


def split(url: str) -> SplitResult | None:
    """``urlsplit`` that returns None instead of raising (bad ports, bad IPv6 literals)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a non-numeric or out-of-range port
        return parts
    except ValueError:
        return None


def url_problem(url: str) -> str | None:
    """Why ``url`` must not be requested at all, or None: only http(s), a host, no ``user:pass@``."""
    parts = split(url)
    if parts is None:
        return "malformed URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "unsupported URL scheme"
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        return "URL with user:password@ (refused)"
    if not parts.hostname:
        return "URL without a host"
    return None


def host_and_port(url: str) -> tuple[str, int | None]:
    """The parsed host name (lower case, no trailing dot) and explicit port of a URL ('' when unparsable)."""
    parts = split(url)
    if parts is None or not parts.hostname:
        return "", None
    return parts.hostname.lower().rstrip("."), parts.port


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not loopback, private, link-local, reserved, multicast,
    unspecified, shared or documentation space). IPv4-mapped IPv6 addresses are judged as IPv4."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve, check every address, connect to a checked one.

    ``resolve`` maps host names to fixed addresses (like ``curl --resolve``): the tests and the demo name
    local servers this way; a mapped address is checked like any other.
    """

    def __init__(self, resolve: Mapping[str, str] | None = None) -> None:
        self.resolve = {k.lower(): v for k, v in (resolve or {}).items()}
        self._inner = httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int) -> list[str]:
        host = host.lower().rstrip(".")
        fixed = self.resolve.get(host) or _literal(host)
        if fixed:
            return [fixed]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise HostUnresolved(f"{host}: {exc}") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        found = await self.addresses(host, port)
        allowed = found if ALLOW_LOCAL.get() else [a for a in found if is_public(a)]
        if not allowed:
            raise AddressRefused(f"{host} resolves to {', '.join(found)}: not a public address "
                                 "(local hosts are allowed only when the source or the command line says so)")
        last: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are not used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connection pool connects through a ``GuardedBackend``."""

    def __init__(self, *, verify: Any, limits: httpx.Limits, resolve: Mapping[str, str] | None = None) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(resolve))
