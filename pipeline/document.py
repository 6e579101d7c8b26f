"""What every reader yields: a document as blocks of prose lines and table grids with provenance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table grid, as printed (spans already expanded into every covered slot)."""

    text: str
    row: int
    col: int
    page: int | None = None  # PDF page, 1-based
    spanned: bool = False  # True for the copies a rowspan/colspan expansion put in covered slots
    confidence: float | None = None  # OCR: lowest probability among the cell's characters; None when not OCR'd
    box: tuple[int, ...] | None = None  # OCR: (page or image number, x0, y0, x1, y1) of the cell's pixels


@dataclass(slots=True)
class Table:
    """A table as a grid of rows; rows may differ in length (pipe text)."""

    rows: list[list[Cell]]
    index: int  # 0-based position of the source table in the document
    page: int | None = None  # first page for PDFs
    caption: str = ""  # the prose line(s) just before the table, often its section title

    def texts(self) -> list[list[str]]:
        return [[c.text for c in r] for r in self.rows]


@dataclass(slots=True)
class Paragraph:
    """One line of prose (a heading, a sentence, a note) in reading order."""

    text: str
    page: int | None = None


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    """A parsed document: blocks in reading order plus metadata found by the reader."""

    blocks: list[Block]
    media_type: str
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # e.g. the <meta> tags of government sites
    status: str | None = None  # a reader may decide the status itself (e.g. needs_ocr)
    error: str | None = None
    # OCR readers: read the given cells again, finer; returns {cell box: (text, confidence)}
    refine: Callable[[list[Cell]], dict[Any, tuple[str, float]]] | None = None
    notes: list[str] = field(default_factory=list)  # what the reader skipped or could not read (page 3 damaged …)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def lines(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]


class ReaderError(Exception):
    """A document that a reader cannot read; the message is shown to the user and stored."""

    def __init__(self, message: str, status: str = "failed") -> None:
        super().__init__(message)
        self.status = status
