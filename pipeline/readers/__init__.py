"""Readers turn document bytes into a `Document`; `read` picks one from the format registry (docformats) by the
document's bytes, using the file name only where the bytes cannot tell (formats sharing the OLE container)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import docformats
from docformats import Format
from pipeline.document import Document, ReaderError
from pipeline.readers import guards


def sniff(data: bytes, name: str) -> str:
    """Key of a document's format in the registry (``pdf``, ``docx``, ``doc``, ``html``, ``text`` …);
    ``unknown`` for binary content of no known format."""
    fmt = docformats.sniff(data, name)
    return fmt.key if fmt else "unknown"


def reader_for(fmt: Format) -> Callable[..., Document]:
    """The reader function of a format, imported now (readers of optional extras load only when used)."""
    if fmt.reader is None:
        raise ReaderError(f"no reader for {fmt.name} documents")
    module, _, func = fmt.reader.partition(":")
    return getattr(importlib.import_module(module), func)


def preload_modules() -> list[str]:
    """Reader modules worth importing once in every worker process (light ones; OCR loads on use)."""
    return list(dict.fromkeys(f.reader.partition(":")[0] for f in docformats.FORMATS if f.reader and f.preload))


def read(data: bytes, name: str = "document", **context: Any) -> Document:
    """Read any supported document; raises ReaderError with a clear message for unreadable input.

    context: optional inputs some readers take (``resources``: an <img src> → its bytes, for pictures in
    web pages); a reader receives only those its registry row lists."""
    if data.startswith(b"PK\x03\x04"):
        guards.check_zip_directory(data)  # sniffing lists the members: not millions of them
    fmt = docformats.sniff(data, name)
    if fmt is None:
        named = docformats.by_extension(name)
        ext = "." + name.rsplit(".", 1)[-1].lower()
        claim = f"; named {ext}, but its bytes are not {named.name}" if named is not None else ""
        raise ReaderError(f"binary content of no supported format (not PDF, Word, Excel, an image, HTML or text){claim}")
    if not data and fmt.key not in ("html", "text"):
        raise ReaderError(f"empty {fmt.key} file")
    guards.check_size(fmt.key, len(data))
    if fmt.container == "zip" or data.startswith(b"PK\x03\x04"):  # before any reader inflates a member
        guards.check_zip(data)
    try:
        reader = reader_for(fmt)
    except ImportError as exc:  # a reader whose optional dependency is missing
        hint = f" (install the optional extra: pip install 'ogi-reports[{fmt.extra}]')" if fmt.extra else ""
        raise ReaderError(f"no {fmt.name} reader available: {exc}{hint}",
                          "needs_ocr" if fmt.extra == "ocr" else "failed") from exc
    try:
        extra = {k: v for k, v in context.items() if k in fmt.context and v is not None}
        return reader(data, **dict(fmt.reader_kwargs), **extra)
    except ImportError as exc:
        hint = f" (install the optional extra: pip install 'ogi-reports[{fmt.extra}]')" if fmt.extra else ""
        raise ReaderError(f"no {fmt.name} reader available: {exc}{hint}") from exc
