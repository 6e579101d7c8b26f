"""Readers turn document bytes into a `Document`; `read` picks one by content, then by file name."""

from __future__ import annotations

from pathlib import PurePath

from pipeline.document import Document, ReaderError

_HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body", b"<table", b"<div", b"<p>", b"<p ")
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
_DOC_SUFFIXES = {".doc", ".wps"}


def sniff(data: bytes, name: str) -> str:
    """Format of a document: pdf, docx, doc, html or text."""
    suffix = PurePath(name).suffix.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf") or suffix == ".pdf":
        return "pdf"
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix in _DOC_SUFFIXES:
        return "doc"
    if suffix in _HTML_SUFFIXES or any(s in head[:2048] for s in _HTML_SNIFF):
        return "html"
    return "text"


def read(data: bytes, name: str = "document") -> Document:
    """Read any supported document; raises ReaderError with a clear message for unreadable input."""
    kind = sniff(data, name)
    if kind == "html":
        from pipeline.readers.html import read_html

        return read_html(data)
    if kind == "text":
        from pipeline.readers.text import read_text

        return read_text(data)
    if not data:
        raise ReaderError(f"empty {kind} file")
    try:
        if kind == "pdf":
            from pipeline.readers.pdf import read_pdf

            return read_pdf(data)
        if kind == "docx":
            from pipeline.readers.docx import read_docx

            return read_docx(data)
        from pipeline.readers.docx import read_doc

        return read_doc(data, PurePath(name).suffix.lower() or ".doc")
    except ImportError as exc:  # a reader whose optional dependency is missing
        raise ReaderError(f"no {kind} reader available: {exc}") from exc
