"""URL shapes of government CMSs: article (detail) pages, column (list) pages, download servlets.

From CMS_FAMILIES.md: TRS ``…/YYYYMM/tYYYYMMDD_N.html``, page_div ``/c<chan>/c<id>/content.shtml``, Hanweb
``/art/Y/M/D/art_C_N.html`` and ``art_<hex|uuid>.html``, gkmlpt and NFCMS ``post_N.html``, the Anhui platform
``/public/<org>/<id>.html``, VSB ``/info/<tree>/<id>.htm``, and the other dialects of real_sources.md.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

DETAIL_PATTERNS = [
    r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",  # TRS
    r"/t\d{5,}\.s?html?$",  # TRS without date
    r"/c\d+/content\.s?html?$", r"/content_\d+\.s?html?$", r"/content/(?:m?post)_\d+\.html$",
    r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", r"/art/\d{4}/art_[0-9a-f\-]{32,36}\.html$",
    r"/art_[0-9a-f\-]{32,36}\.html$",
    r"/post_\d+\.html$", r"/public/\d+/\d+\.html$", r"/public/content/\d+", r"/XxgkAnnualReport/show/\d+",
    r"/openness/detail/", r"/info/\d+/\d+\.htm$", r"[?&]wbnewsid=\d+",
    r"/\d{8}/[0-9a-f]{32}\.s?html?$", r"/\d{6}/[0-9a-f]{32}\.s?html?$", r"/\d{6}/c01_\d+\.shtml$",
    r"/\d{6}/\d{5,}\.s?html?$", r"/\d{15,19}\.html$", r"\.jhtml$", r"/\d{4}-\d{2}-\d{2}/[\w\-]+\.html$",
    r"/columns/[0-9a-f\-]{36}/\d{6}/\d{2}/[0-9a-f\-]{36}\.html$", r"/\d{4}/\d{1,2}/\d{1,2}/[0-9a-f]{32}\.shtml$",
    r"/html/\d+/\d+\.html$", r"/contents/\d+/\d+\.html$", r"/single/\d+/\d+\.html$", r"/gi_news/\d+$",
    r"/(?:article|detail|show|view|content)[_/\-]?\d+\.s?html?$", r"xxgkAnnualReport\.jsp", r"/\d{6,}\.s?html?$",
]
_DETAIL = re.compile("|".join(f"(?:{p})" for p in DETAIL_PATTERNS), re.I)
_COLUMN = re.compile(
    r"(?:/|/index(?:_\d+)?\.s?html?|/list(?:_\d+)?\.s?html?|/default(?:_\d+)?\.s?html?|/common_list(?:_\d+)?\.s?html?"
    r"|/\w+_list(?:_\d+)?\.s?html?|/col/col\d+(?:/index\.html?)?|/gkmlpt/index|/public/column/\d+"
    r"|/zfxxgklby_nb\.shtml|/\w*(?:nb|gknb|ndbg)\w*\.s?html?|/\d{1,2}\.html?)$", re.I)
SERVLETS = re.compile(r"downfile\.jsp|download\.jsp|/download(?:\.do|\.action)?\b|DownloadAttachUrl|wbfileid="
                      r"|/attach/|/attachment/|/group\d+/M\d+/|/jcms_files/|getfile|fileDownload|downloadFile"
                      r"|/module/download/", re.I)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def looks_like_detail(url: str) -> bool:
    """An article page by its URL shape (any family)."""
    return bool(_DETAIL.search(path_of(url)))


def looks_like_column(url: str) -> bool:
    """A column (list) page by its URL shape: a folder, index/list pages, Hanweb /col/, gkmlpt, the Anhui
    platform's /public/column/."""
    parts = urlsplit(url)
    if looks_like_detail(url):
        return False
    if parts.path.startswith("/public/column/") or "/public/column/" in parts.path:
        return True
    return bool(_COLUMN.search(parts.path or "/"))


def query(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def folder(url: str) -> str:
    """The URL of the folder holding ``url`` (with a trailing slash)."""
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_servlet(url: str) -> bool:
    """A download servlet or attachment store link (downfile.jsp, VSB download.jsp, /attach/, FastDFS …)."""
    return bool(SERVLETS.search(url))
