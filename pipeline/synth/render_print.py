"""A report page printed to PDF the way a browser prints it ("打印" / save as PDF): paged, site chrome included.

Renderers, by preference: headless Chromium (`chromium`, `chromium-browser` or `google-chrome` on PATH: what the
corpus's browser-printed PDFs were made with), else LibreOffice (`soffice`) importing the page as HTML. A
table longer than the space left on a page breaks inside its spanning label columns; `filler` paragraphs
before table 三 move the break to other rows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.libreoffice import convert, soffice_path

from .render_docx import SofficeError

_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FILLER = ("<p>本年度，本机关坚持以公开为常态、不公开为例外，围绕重点领域信息公开、政策解读和回应关切，持续完善政府信息公开"
           "制度，规范依申请公开办理流程，强化政府网站和政务新媒体的日常监管，不断提升政务公开质量和实效。</p>")
_FORM_RE = re.compile(r"<form\b.*?</form>", re.S | re.I)


def chromium_path() -> str | None:
    """The first headless-capable Chromium on PATH, or None."""
    return next((p for p in map(shutil.which, _CHROMIUMS) if p), None)


def renderers() -> list[str]:
    """The print renderers available here: "chromium", "soffice"."""
    out = ["chromium"] if chromium_path() else []
    if soffice_path():
        out.append("soffice")
    return out


def with_filler(page: bytes, filler: int, encoding: str = "utf-8") -> bytes:
    """The page with `filler` prose paragraphs before the heading of part 三 (moves table 三 down the pages)."""
    if not filler:
        return page
    text = page.decode(encoding)
    i = text.find("三、收到和处理")
    i = text.rfind("<p", 0, i) if i >= 0 else -1
    if i < 0:
        return page
    return (text[:i] + _FILLER * filler + text[i:]).encode(encoding, errors="xmlcharrefreplace")


def print_page(page: bytes, *, renderer: str | None = None, filler: int = 0, encoding: str = "utf-8",
               timeout_s: float = 120) -> bytes:
    """PDF bytes of an HTML page as printed by `renderer` ("chromium" or "soffice"; default: the first found)."""
    renderer = renderer or next(iter(renderers()), None)
    if renderer is None:
        raise SofficeError("no renderer to print HTML to PDF: install chromium or LibreOffice (soffice)")
    page = with_filler(page, filler, encoding)
    with tempfile.TemporaryDirectory(prefix="ogi-print-") as tmp:
        src = Path(tmp) / "page.html"
        if renderer == "soffice":  # LibreOffice does not import pages holding form controls
            src.write_bytes(_FORM_RE.sub("", page.decode(encoding)).encode(encoding, errors="xmlcharrefreplace"))
            return convert([src], "pdf", Path(tmp), timeout_s)[0].read_bytes()
        src.write_bytes(page)
        exe = chromium_path()
        if exe is None:
            raise SofficeError("chromium is not installed")
        out = Path(tmp) / "page.pdf"
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}", src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise SofficeError(f"chromium did not print the page within {timeout_s:g} s") from exc
        if not out.exists():
            raise SofficeError(f"chromium could not print the page: {proc.stderr.decode('utf-8', 'replace')[-300:]}")
        return out.read_bytes()


__all__ = ["chromium_path", "print_page", "renderers", "with_filler"]
