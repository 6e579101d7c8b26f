"""Anti-bot challenges recognised in a response (never solved, never retried): the signal names what was seen.

Signals (CMS_FAMILIES.md §9): 瑞数 HTTP 412 (or 202) with ``$_ts`` / ``<meta … r='m'>``; 加速乐 HTTP 521 with
``__jsluid``/``__jsl_clearance``; WZWS geo-fence 403 ``GeoBL``/``wzws``; generic WAF and captcha pages
(``Just a moment``, ``请稍候``, ``安全验证``, ``访问异常``, slider captchas). A 200 page counts only when it is
small and carries a fingerprint, since ordinary pages mention 验证码 in their forms. A near-empty 200 body is
judged by the crawler (only on a column page, after one retry), not here.
"""

from __future__ import annotations

import re

import httpx

_RUISHU = re.compile(rb"\$_ts\s*[=.\[]|<meta[^>]+\br=['\"]?m['\"]?", re.I)
_JSL = re.compile(rb"__jsluid|__jsl_clearance", re.I)
_WZWS = re.compile(rb"GeoBL|wzws_(?:sessionid|cid|reurl)|wzwschallenge|wzwstemplate", re.I)
_WAF_WORDS = ("Just a moment", "cf-chl", "请稍候", "安全验证", "访问异常", "访问受限", "访问被拒绝", "滑动验证", "拖动滑块",
              "人机验证", "请完成验证", "验证码", "captcha", "防火墙拦截", "非法访问", "您的访问请求可能对网站造成安全威胁")
_WAF = re.compile(b"|".join(sorted({re.escape(w.encode(c)) for w in _WAF_WORDS for c in ("utf-8", "gb18030")},
                                   key=len, reverse=True)), re.I)
_CHALLENGE_STATUS = {202, 403, 405, 412, 418, 429, 503, 521}
SMALL = 16_384  # bytes: challenge pages are short; a real list or article page is not


def _cookie_text(headers: httpx.Headers | None) -> bytes:
    if headers is None:
        return b""
    values = headers.get_list("set-cookie") + [headers.get("reason", ""), headers.get("server", "")]
    return " ".join(values).encode("latin-1", "replace")


def challenge(status: int | None, headers: httpx.Headers | None, body: bytes | None) -> str | None:
    """The anti-bot signal in a response, or None."""
    if status is None:
        return None
    body = body or b""
    head = body[:SMALL]
    cookies = _cookie_text(headers)
    if status in (412, 202) and (_RUISHU.search(head) or b"$_ts" in head):
        return f"HTTP {status} 瑞数 (Ruishu) JS challenge ($_ts)"
    if status == 521 and (_JSL.search(cookies) or _JSL.search(head)):
        return "HTTP 521 加速乐 (Jiasule) JS challenge (__jsluid)"
    if status == 403 and (_WZWS.search(head) or _WZWS.search(cookies)):
        return "HTTP 403 WZWS geo-fence (GeoBL)"
    small = len(body) <= SMALL
    if status in _CHALLENGE_STATUS and small:
        if _RUISHU.search(head):
            return f"HTTP {status} 瑞数 (Ruishu) JS challenge ($_ts)"
        if _JSL.search(head) or _JSL.search(cookies):
            return f"HTTP {status} 加速乐 (Jiasule) JS challenge (__jsluid)"
        if _WZWS.search(head) or _WZWS.search(cookies):
            return f"HTTP {status} WZWS WAF (wzws)"
        m = _WAF.search(head)
        if m and status != 429 and status != 503:
            return f"HTTP {status} WAF or captcha page ({_label(m.group(0))})"
    if status == 200 and len(body) <= 8192 and body.count(b"<a ") < 3:
        if _RUISHU.search(head):
            return "HTTP 200 瑞数 (Ruishu) JS challenge ($_ts)"
        if _JSL.search(head):
            return "HTTP 200 加速乐 (Jiasule) JS challenge (__jsluid)"
        m = _WAF.search(head)
        if m and (b"<script" in head.lower() or b"<form" in head.lower() or b"<img" in head.lower()):
            return f"HTTP 200 WAF or captcha page ({_label(m.group(0))})"
    return None


def _label(raw: bytes) -> str:
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")
