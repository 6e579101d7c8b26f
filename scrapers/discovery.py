"""Attachments and their media types, and which hosts a source may visit (report titles: ``scrapers.titles``)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

import docformats

from .politeness import host_key
from .safety import host_and_port, url_problem
from .titles import clean_title, report_year, title_year

__all__ = ["ATTACHMENT_EXTS", "HostPolicy", "attachment_ext", "clean_title", "is_gov_host", "media_type",
           "report_year", "title_year"]

# Attachment extensions come from the format registry (docformats): a new format is recognised everywhere.
ATTACHMENT_EXTS = docformats.attachment_extensions()


def attachment_ext(url: str, text: str = "") -> str | None:
    """The attachment extension of a link (path, a ``filename=`` style query value, or the link text)."""
    parts = urlsplit(url)
    candidates = [unquote(parts.path)]
    candidates += [unquote(v) for _k, v in parse_qsl(parts.query)]
    candidates.append(clean_title(text))
    for cand in candidates:
        low = cand.lower().rstrip()
        for ext in ATTACHMENT_EXTS:
            if low.endswith(ext):
                return ext
    return None


_GENERIC_TYPES = ("application/octet-stream", "application/x-download", "application/force-download",
                  "binary/octet-stream", "application/download", "application/unknown")


def media_type(body: bytes, content_type: str | None, ext: str | None = None) -> str:
    """What the body is, trusting its bytes over the (often wrong) Content-Type header.

    The format registry sniffs the bytes (``docformats.sniff``); the link's extension only tells apart the
    formats sharing the OLE container (.doc/.wps/.xls/.et). Hanweb datastores and other XML stay XML.
    """
    low = body[:512].lstrip().lower()
    if low.startswith((b"<?xml", b"<datastore")) and not any(
            m in low for m in (b"<!doctype html", b"<html", b"<body", b"<head")):
        return "application/xml"
    declared = (content_type or "").split(";")[0].strip().lower()
    specific = declared if declared and declared not in _GENERIC_TYPES else ""
    fmt = docformats.sniff(body, f"link{ext}" if ext else "")
    if fmt is None:  # binary of no registered format
        return "application/zip" if body.startswith(b"PK\x03\x04") else specific or "application/octet-stream"
    if fmt.key == "text":  # text without markup: a declared text-like type (json, csv …) is kept
        named = docformats.by_media_type(specific)
        return specific if specific and (named is None or named.key in ("text", "html")) else "text/plain"
    return fmt.media_types[0]


def is_gov_host(host: str) -> bool:
    """Whether a host name (parsed, not a raw netloc) is under .gov.cn."""
    host = host.lower().rstrip(".")
    return host.endswith(".gov.cn") or host == "gov.cn"


class HostPolicy:
    """Hosts a source may fetch from: its start hosts, hinted extra hosts, and other .gov.cn hosts when the
    source itself is on .gov.cn (attachments often live on a file server of the same government).

    Hosts are compared as parsed host names and ports (``politeness.host_key``), never as raw netlocs; URLs
    with ``user:pass@``, other schemes or no host are refused."""

    def __init__(self, start_urls: list[str], extra_hosts: list[str] | None = None) -> None:
        self.hosts = {host_key(u) for u in start_urls if not url_problem(u)}
        self.hosts |= {host_key(f"http://{h.strip()}/") for h in extra_hosts or [] if h.strip()}
        self.hosts.discard("")
        self.gov = any(is_gov_host(host_and_port(f"http://{h}/")[0]) for h in self.hosts)

    def __call__(self, url: str) -> bool:
        if url_problem(url):
            return False
        if host_key(url) in self.hosts:
            return True
        return self.gov and is_gov_host(host_and_port(url)[0])
