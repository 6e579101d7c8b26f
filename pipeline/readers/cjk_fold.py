"""Text clean-up shared by the PDF and Word readers: look-alike CJK code points, wrapped cell text, page numbers."""

from __future__ import annotations

import re

from pipeline.text import fold_cjk

_CJK = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    r"\U00020000-\U0002ffff“”‘’"
)
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}])")
_PAGE_NO_RES = (
    re.compile(r"^[-—–－‐―~〜]\s*\d{1,4}\s*[-—–－‐―~〜]$"),
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),
)
_BARE_PAGE_NO_RES = (
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(page\s*)?\d{1,4}(\s*of\s*\d{1,4})?$", re.I),
)


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph, radical or full-width/ideographic punctuation character."""
    return bool(re.match(rf"[{_CJK}]", ch))


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no separator where either side is CJK, a space between two Latin/digit ends."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])) and not out.endswith("-"):
            out += " "
        out += line
    return out


def clean_cell_text(text: str | None) -> str:
    """Cell text as one line: radicals folded, wrapped and one-character-per-line text joined, CJK gaps closed."""
    if not text:
        return ""
    text = fold_cjk(text).replace("\u200b", "").replace("\ufeff", "")
    lines = [ln for ln in re.split(r"[\r\n\v\f\u2028\u2029]+", text) if not is_page_number(ln)]
    return _CJK_GAP_RE.sub("", join_lines(lines)).strip()


def clean_line(text: str) -> str:
    """A prose line: radicals folded, zero-width characters dropped, outer whitespace trimmed."""
    return fold_cjk(text).replace("\u200b", "").replace("\ufeff", "").strip()


def is_page_number(line: str, *, bare: bool = False) -> bool:
    """True for a page-number line such as "-4-", "— 12 —", "第3页 共6页"; with bare=True also "3/6" or "12"."""
    s = line.strip()
    regexes = _PAGE_NO_RES + _BARE_PAGE_NO_RES if bare else _PAGE_NO_RES
    return bool(s) and any(rx.match(s) for rx in regexes)
