"""Tables printed as pictures inside a web page or a Word file: read by OCR and put where the picture stands.

The extractor is offline: a picture's bytes come from the document itself (a ``data:`` URI, a part of the
.docx package) or from the caller (``resources``: the raw store's copy of an ``<img>`` the crawler
downloaded with the page); nothing is fetched. Without the OCR extra, a document whose only tables are
pictures keeps status needs_ocr with a message naming the extra.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from pipeline.document import Block, Document, Paragraph, Table

MAX_PICTURE_BYTES = 30 * 2**20
_DATA_URI = re.compile(r"^data:(?P<type>[\w/+.-]*)(?P<params>(?:;[^,;]*)*?),(?P<data>.*)$", re.S | re.I)
Resources = Callable[[str], bytes | None]  # an <img src> as written → its bytes (or None)


@dataclass
class Found:
    """A picture in a document: the block position it stands at and its bytes."""

    position: int
    data: bytes


def data_uri(src: str) -> bytes | None:
    """Bytes of a ``data:`` URI (base64 or percent-encoded); None for anything else or a damaged one."""
    m = _DATA_URI.match(src.strip())
    if not m:
        return None
    try:
        if ";base64" in m.group("params").lower():
            return base64.b64decode(re.sub(r"\s+", "", m.group("data")), validate=False)
        return unquote_to_bytes(m.group("data"))
    except (binascii.Error, ValueError):
        return None


def picture_bytes(src: str | None, resources: Resources | None) -> bytes | None:
    if not src:
        return None
    data = data_uri(src) if src.strip().lower().startswith("data:") else (resources(src) if resources else None)
    return data if data and len(data) <= MAX_PICTURE_BYTES else None


def insert_pictures(doc: Document, found: list[Found]) -> Document:
    """The document with the tables (and captions) read from its pictures inserted in place; tables renumbered.

    Sets doc.meta["ocr_images"] (pictures that held text) and doc.refine; without the OCR extra, a document
    with no table of its own gets status needs_ocr.
    """
    if not found:
        return doc
    try:
        from pipeline.ocr import engine
        from pipeline.ocr.picture import Pictures, read_picture

        engine._load()
    except Exception as exc:  # noqa: BLE001 - ImportError of the extra, or OcrUnavailable
        message = str(exc) if "ocr" in str(exc).lower() else (
            f"pictures not read (OCR needed): install the OCR extra: pip install 'ogi-reports[ocr]' [{exc}]")
        doc.meta["ocr_missing"] = message
        if not doc.tables:
            doc.status, doc.error = "needs_ocr", f"{len(found)} pictures may hold the tables; {message}"
        return doc
    pictures = Pictures()
    inserted: list[tuple[int, list[Block]]] = []
    for f in found:
        try:
            blocks = read_picture(f.data, pictures)
        except Exception as exc:  # noqa: BLE001 - a damaged picture must not lose the page's own text
            doc.meta["ocr_errors"] = (doc.meta.get("ocr_errors", "") + f"{type(exc).__name__}: {exc}; ")[:500]
            continue
        if blocks:
            inserted.append((f.position, blocks))
    if not inserted:
        return doc
    out: list[Block] = []
    at = 0
    for position, blocks in sorted(inserted, key=lambda x: x[0]):
        out += doc.blocks[at:position] + blocks
        at = position
    out += doc.blocks[at:]
    index = 0
    for i, b in enumerate(out):
        if isinstance(b, Table):
            b.index = index
            index += 1
            if not b.caption and i and isinstance(out[i - 1], Paragraph):
                b.caption = out[i - 1].text
    doc.blocks = out
    doc.meta["ocr_images"] = str(pictures.read)
    doc.refine = pictures.refine
    return doc
