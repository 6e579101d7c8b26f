"""The format registry: every document format the project downloads and reads, in one table.

One row per format: its key, display name, file extensions, media types, how its bytes are recognised
(magic prefixes, or the container it lives in), and the reader that parses it (a ``module:function``
reference, imported only when a document of that format is read, so heavy optional readers such as OCR
cost nothing at start-up). Both sides read this table:

- ``scrapers`` (attachment links, media types of downloaded bodies), which must not import ``pipeline``;
- ``pipeline`` (``readers.read`` picks the reader by sniffing the bytes, the executors preload the light
  readers into worker processes, the run report names formats, ``ogi run`` names stored documents).

That is why the registry is a package of its own, pure data and standard library only: it imports neither
side and both may import it. A new format is one reader module, one row here and its fixtures.

Sniffing trusts bytes over names: magic numbers first (PDF, zip, OLE, images, RTF), then the members of
a zip package (Word, Excel, ODF); a file name's extension only tells apart the formats that share a
container (OLE holds .doc, .wps, .xls and .et alike) and, for text, HTML from plain text when the content
has no markup. HTML or text served as ``x.doc`` is read as HTML or text, never sent to a converter; binary
bytes with no known signature are no format at all, whatever their name (``x.doc`` of random bytes is not
handed to the .doc converter, ``x.pdf`` of them not to the PDF reader).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "FORMATS", "Format", "attachment_extensions", "by_extension", "by_key", "by_media_type", "display_name",
    "extension_for_media_type", "looks_binary", "sniff",
]


@dataclass(frozen=True)
class Format:
    """One document format. ``reader`` is ``"module:function"``, called as ``function(data, **reader_kwargs)``
    plus those of the caller's context arguments (such as ``resources``) that the format lists in ``context``."""

    key: str
    name: str  # shown to users (run report, demo summary)
    extensions: tuple[str, ...]  # lower case with the dot; the first is the canonical one
    media_types: tuple[str, ...]  # the first is the canonical one (reports.media_type)
    reader: str | None
    magic: tuple[bytes, ...] = ()  # prefixes at offset 0 that identify the format by themselves
    container: str | None = None  # "zip" or "ole": recognised inside that container (see sniff)
    attachment: bool = True  # a link to such a file on a report page is a report attachment
    preload: bool = True  # worker processes import the reader at start-up (False: heavy, import on use)
    extra: str | None = None  # the optional dependency extra its reader needs (pip install '.[extra]')
    reader_kwargs: tuple[tuple[str, Any], ...] = field(default=())
    markers: tuple[str, ...] = ()  # zip: member name prefixes; ole: stream names (UTF-16 in the directory)
    context: tuple[str, ...] = ()  # optional keyword arguments the reader takes (e.g. "resources")


_WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS: tuple[Format, ...] = (
    Format("pdf", "PDF", (".pdf",), ("application/pdf", "application/x-pdf"), "pipeline.readers.pdf:read_pdf",
           magic=(b"%PDF-",)),
    Format("docx", "Word (.docx)", (".docx", ".docm"), (_WORDML,), "pipeline.readers.docx:read_docx",
           container="zip", markers=("word/",)),
    Format("xlsx", "Excel (.xlsx)", (".xlsx", ".xlsm"), (_SHEETML,), "pipeline.readers.sheet:read_sheet",
           container="zip", markers=("xl/",)),
    Format("odt", "OpenDocument text (.odt)", (".odt",), ("application/vnd.oasis.opendocument.text",),
           "pipeline.readers.docx:read_doc", container="zip", markers=("mimetype:application/vnd.oasis.opendocument.text",),
           reader_kwargs=(("suffix", ".odt"),)),
    Format("ods", "OpenDocument spreadsheet (.ods)", (".ods",),
           ("application/vnd.oasis.opendocument.spreadsheet",), "pipeline.readers.sheet:read_sheet",
           container="zip", markers=("mimetype:application/vnd.oasis.opendocument.spreadsheet",)),
    Format("doc", "Word (.doc)", (".doc", ".dot"), ("application/msword",), "pipeline.readers.docx:read_doc",
           container="ole", markers=("WordDocument",), reader_kwargs=(("suffix", ".doc"),)),
    Format("wps", "WPS (.wps)", (".wps",), ("application/vnd.ms-works", "application/wps-office.wps"),
           "pipeline.readers.docx:read_doc", container="ole", reader_kwargs=(("suffix", ".wps"),)),
    Format("xls", "Excel (.xls)", (".xls",), ("application/vnd.ms-excel",), "pipeline.readers.sheet:read_sheet",
           container="ole", markers=("Workbook", "Book")),
    Format("et", "WPS spreadsheet (.et)", (".et",), ("application/wps-office.et", "application/x-et"),
           "pipeline.readers.sheet:read_sheet", container="ole"),
    Format("rtf", "RTF", (".rtf",), ("application/rtf", "text/rtf"), "pipeline.readers.docx:read_doc",
           magic=(b"{\\rtf",), reader_kwargs=(("suffix", ".rtf"),)),
    Format("jpeg", "image (JPEG)", (".jpg", ".jpeg"), ("image/jpeg",), "pipeline.readers.image:read_image",
           magic=(b"\xff\xd8\xff",), preload=False, extra="ocr"),
    Format("png", "image (PNG)", (".png",), ("image/png",), "pipeline.readers.image:read_image",
           magic=(b"\x89PNG\r\n\x1a\n",), preload=False, extra="ocr"),
    Format("tiff", "image (TIFF)", (".tif", ".tiff"), ("image/tiff",), "pipeline.readers.image:read_image",
           magic=(b"II*\x00", b"MM\x00*"), preload=False, extra="ocr"),
    Format("gif", "image (GIF)", (".gif",), ("image/gif",), "pipeline.readers.image:read_image",
           magic=(b"GIF87a", b"GIF89a"), preload=False, extra="ocr"),
    Format("html", "HTML", (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"),
           ("text/html", "application/xhtml+xml"), "pipeline.readers.html:read_html", attachment=False,
           context=("resources",)),
    Format("text", "text", (".txt", ".md", ".text"), ("text/plain", "text/markdown"),
           "pipeline.readers.text:read_text", attachment=False),
)

_OLE = b"\xd0\xcf\x11\xe0"  # the first half of the OLE2 signature (enough, and lenient)
_ZIP = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"
# Markup that makes text an HTML page (lower-cased, in the first 2 KB after a BOM and white space).
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body", b"<table", b"<div", b"<p>", b"<p ")

_BY_KEY = {f.key: f for f in FORMATS}
_BY_EXT = {ext: f for f in FORMATS for ext in f.extensions}
_BY_MEDIA = {mt: f for f in FORMATS for mt in f.media_types}


def by_key(key: str) -> Format:
    return _BY_KEY[key]


def by_extension(name_or_ext: str) -> Format | None:
    """The format a file name's extension (or the extension itself, ``.pdf``) names, if any."""
    ext = name_or_ext.lower() if name_or_ext.startswith(".") else PurePosixPath(name_or_ext.lower()).suffix
    return _BY_EXT.get(ext)


def by_media_type(media_type: str | None) -> Format | None:
    """The format of a media type (parameters such as ``; charset=`` ignored)."""
    return _BY_MEDIA.get((media_type or "").split(";")[0].strip().lower())


def display_name(media_type: str | None) -> str:
    fmt = by_media_type(media_type)
    return fmt.name if fmt else (media_type or "?")


def extension_for_media_type(media_type: str | None) -> str:
    fmt = by_media_type(media_type)
    return fmt.extensions[0] if fmt else ""


def attachment_extensions() -> tuple[str, ...]:
    """Extensions of the formats a report page links as attachments, longest first (.docx before .doc)."""
    return tuple(sorted({e for f in FORMATS if f.attachment for e in f.extensions}, key=lambda e: (-len(e), e)))


_CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NULs, many control bytes).

    A byte-order mark does not make bytes text: after a UTF-16 BOM the code units must decode to text
    (no lone surrogates, private-use, unassigned or control characters beyond a stray one), after a UTF-8 BOM
    the bytes are judged as without it. Random bytes that happen to start with a BOM are binary.
    """
    head = data[:8192]
    for bom, codec in _UTF16_BOMS:
        if head.startswith(bom):
            return not _utf16_text(head[len(bom):], codec)
    if head.startswith(_BOM):
        head = head[len(_BOM):]
    if b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))  # bytes < 9 or 13 < b < 32
    return ctrl > max(8, len(head) // 50)


def _utf16_text(body: bytes, codec: str) -> bool:
    """Whether UTF-16 code units read as text: at most 1% of the characters (and one at least) are not text."""
    import unicodedata

    text = body[: len(body) // 2 * 2].decode(codec, "surrogatepass")
    bad = sum(1 for ch in text if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"))
    return bad <= max(1, len(text) // 100)


def _zip_format(data: bytes, suffix_fmt: Format | None) -> Format | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError):
        # a damaged package: the name decides which reader reports the damage
        return suffix_fmt if suffix_fmt is not None and suffix_fmt.container == "zip" else None
    for fmt in FORMATS:
        if fmt.container != "zip":
            continue
        for marker in fmt.markers:
            if marker.startswith("mimetype:"):
                if mimetype == marker.split(":", 1)[1]:
                    return fmt
            elif any(n.startswith(marker) for n in names):
                return fmt
    return None


def _ole_format(data: bytes, suffix_fmt: Format | None) -> Format:
    if suffix_fmt is not None and suffix_fmt.container == "ole":
        return suffix_fmt  # .doc/.wps/.xls/.et share the container: the name tells them apart
    head = data[:1 << 20]
    for fmt in FORMATS:
        if fmt.container == "ole" and any(m.encode("utf-16-le") in head for m in fmt.markers):
            return fmt
    return _BY_KEY["doc"]


def sniff(data: bytes, name: str = "") -> Format | None:
    """The format of a document: by its bytes first, by ``name``'s extension only where bytes cannot tell.

    None for binary content of no known format (a zip of something else, an unknown binary).
    """
    suffix_fmt = by_extension(name) if name else None
    for fmt in FORMATS:
        if fmt.magic and data.startswith(fmt.magic):
            return fmt
    if b"%PDF-" in data[:1024]:  # junk (an HTTP header, a BOM) before the PDF header
        return _BY_KEY["pdf"]
    if data.startswith(_ZIP):
        return _zip_format(data, suffix_fmt)
    if data.startswith(_OLE):
        return _ole_format(data, suffix_fmt)
    if not data.strip():
        return suffix_fmt or _BY_KEY["text"]  # empty: the name's format says "empty <format>"
    if looks_binary(data):
        return None  # binary without any known signature: no reader is chosen by the name alone
    head = data[:4096].lstrip(_BOM + b" \t\r\n").lower()
    if any(m in head[:2048] for m in HTML_MARKERS):
        return _BY_KEY["html"]
    if head.startswith(b"{\\rtf"):
        return _BY_KEY["rtf"]
    if suffix_fmt is not None and suffix_fmt.key == "html":
        return suffix_fmt
    return _BY_KEY["text"]
