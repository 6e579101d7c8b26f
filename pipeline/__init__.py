"""ogi-reports pipeline: read annual reports offline and normalise them into the canonical tables.

`pipeline.extract(path)` reads one document and returns a `Report` holding its tables as pandas frames.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.extraction import Report

__all__ = ["extract", "extract_bytes", "Report"]


def extract(path: Any) -> Report:
    """Extract one document (file path) into a Report; never raises for bad documents (see Report.status)."""
    from pipeline.extraction import extract_path

    return extract_path(path)


def extract_bytes(data: bytes, name: str = "document", source_url: str | None = None,
                  resources: Callable[[str], bytes | None] | None = None) -> Report:
    """Extract a document given as bytes; `name` (a file name) guides the format when the bytes do not.

    resources: for a web page, the bytes of a picture it shows (<img src> as written → bytes or None)."""
    from pipeline.extraction import extract_document

    return extract_document(data, name=name, source_url=source_url, resources=resources)


def __getattr__(name: str) -> Any:
    if name == "Report":
        from pipeline.extraction import Report

        return Report
    raise AttributeError(name)
