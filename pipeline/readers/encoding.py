"""Decode web pages and text files: BOM, declared charset, UTF-8, then GB18030 or Big5 by comparing the two
decodings (`docformats.charset`, shared with the scrapers); GB2312/GBK read as GB18030."""

from __future__ import annotations

import re

from docformats import charset, looks_binary
from pipeline.document import ReaderError

_DECLARED_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK pages routinely use characters outside their declared set: GB18030 is the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "big5": "big5hkscs", "utf8": "utf-8"}



def _codec(name: str) -> str:
    name = name.lower().strip()
    return _SUPERSETS.get(name, name)


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises ReaderError for binary content."""
    if looks_binary(data):  # also bytes that merely start with a byte-order mark
        raise ReaderError("binary content, not a text or HTML document")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    candidates: list[str] = []
    if declared:
        candidates.append(_codec(declared))
    m = _DECLARED_RE.search(data[:8192])
    if m:
        candidates.append(_codec(m.group(1).decode("ascii", "ignore")))
    candidates.append("utf-8")
    for enc in dict.fromkeys(candidates):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc != "utf-8":  # a GB page declared Big5 (or the reverse) decodes without error all the same
            better = charset.check_declared(data, enc)
            if better != enc:
                return data.decode(better, "replace"), better
        return text, enc
    # Not UTF-8 and nothing declared that works: Chinese government pages are then GB18030 (GB2312, GBK) or
    # Big5 (traditional characters from big5 gateways). Both decode almost any bytes: compare the decodings.
    enc = charset.guess_cjk(data)
    return data.decode(enc, "replace"), enc
