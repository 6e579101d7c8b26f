"""Recognising annual reports, their attachments and their media types; which hosts a source may visit."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

import docformats

# Attachment extensions come from the format registry (docformats): a new format is recognised everywhere.
ATTACHMENT_EXTS = docformats.attachment_extensions()

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_REPORT = re.compile(r"信息公开.{0,16}?(?:年度报告|年报|年度工作报告)|政务公开.{0,8}?年度报告")
# Notices, rules and explainers *about* reports, not reports.
_NOT_REPORT = re.compile(
    r"通知|通报|解读|图解|制度|要点|办法|规定|考核|评估|评议|指南|征求意见|目录|工作方案|培训|督查"
    r"|关于.{0,20}?(?:做好|开展|编制|报送|发布|印发|公布|提交|规范|加强)"
)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")


def clean_title(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def title_year(title: str) -> int | None:
    """The (first) year written in a title, Arabic or Chinese numerals."""
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(title)
    if m:
        return int("".join(_CN_DIGITS[c] for c in m.group(1)))
    return None


def report_year(title: str | None) -> int | None:
    """The reporting year if ``title`` names an information-disclosure annual report, else None."""
    title = clean_title(title).replace(" ", "")
    if not title or not _REPORT.search(title) or _NOT_REPORT.search(title):
        return None
    year = title_year(title)
    return year if year is not None and 1990 <= year <= 2100 else None


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
    host = host.split(":")[0].lower().rstrip(".")
    return host.endswith(".gov.cn") or host == "gov.cn"


class HostPolicy:
    """Hosts a source may fetch from: its start hosts, hinted extra hosts, and other .gov.cn hosts when the
    source itself is on .gov.cn (attachments often live on a file server of the same government)."""

    def __init__(self, start_urls: list[str], extra_hosts: list[str] | None = None) -> None:
        self.hosts = {urlsplit(u).netloc.lower() for u in start_urls} | {h.lower() for h in extra_hosts or []}
        self.gov = any(is_gov_host(h) for h in self.hosts)

    def __call__(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        netloc = parts.netloc.lower()
        return netloc in self.hosts or (self.gov and is_gov_host(netloc))
