"""Plain-text reader: prose lines, `|`-delimited tables (plain or Markdown) and one-cell-per-line tables."""

from __future__ import annotations

import re

from pipeline.document import Cell, Document, Paragraph, ReaderError, Table
from pipeline.numbers import is_value
from pipeline.readers.encoding import decode
from pipeline.sections import section_heading
from pipeline.text import clean

MEDIA_TYPE = "text/plain"
_MD_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STREAM_MAX_LEN = 80  # a line longer than this is prose, never a one-cell-per-line table cell
_STREAM_MIN_VALUES = 6


def _split_pipe(line: str) -> list[str]:
    cells = line.split("|")
    if line.lstrip().startswith("|"):
        cells = cells[1:]
    if line.rstrip().endswith("|"):
        cells = cells[:-1]
    return [clean(c) for c in cells]


def _grid(rows: list[list[str]], index: int, caption: str) -> Table:
    return Table([[Cell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)], index, None, caption)


def _stream_rows(lines: list[str]) -> list[list[str]]:
    """Cells given one per line: a row is its label lines followed by its value lines."""
    rows: list[list[str]] = []
    current: list[str] = []
    seen_value = False
    for line in lines:
        value = is_value(line)
        if not value and seen_value:
            rows.append(current)
            current, seen_value = [], False
        current.append(line)
        seen_value = seen_value or value
    if current:
        rows.append(current)
    return rows


def _flush_stream(run: list[str], blocks: list[Paragraph | Table], n_tables: int) -> int:
    """Turn a run of short lines into a table when it holds enough values, else into paragraphs."""
    if sum(1 for t in run if is_value(t) and t) >= _STREAM_MIN_VALUES:
        caption = next((b.text for b in reversed(blocks) if isinstance(b, Paragraph)), "")
        blocks.append(_grid(_stream_rows(run), n_tables, caption))
        return n_tables + 1
    blocks.extend(Paragraph(t) for t in run)
    return n_tables


def blocks_of(text: str) -> list[Paragraph | Table]:
    """Split text into paragraphs and tables in reading order."""
    blocks: list[Paragraph | Table] = []
    pipe_rows: list[list[str]] = []
    run: list[str] = []
    n_tables = 0

    def flush_pipe() -> None:
        nonlocal n_tables
        if pipe_rows:
            caption = next((b.text for b in reversed(blocks) if isinstance(b, Paragraph)), "")
            blocks.append(_grid(list(pipe_rows), n_tables, caption))
            n_tables += 1
            pipe_rows.clear()

    def flush_run() -> None:
        nonlocal n_tables
        if run:
            n_tables = _flush_stream(list(run), blocks, n_tables)
            run.clear()

    for raw in text.splitlines():
        if "|" in raw:
            flush_run()
            if not _MD_RULE_RE.match(raw):
                pipe_rows.append(_split_pipe(raw))
            continue
        flush_pipe()
        line = clean(raw)
        if not line:
            continue
        if len(line) > _STREAM_MAX_LEN or section_heading(line) is not None:
            flush_run()
            blocks.append(Paragraph(line))
        else:
            run.append(line)
    flush_pipe()
    flush_run()
    return blocks


def read_text(data: bytes) -> Document:
    """Read a plain-text report (any common encoding)."""
    if not data.strip():
        raise ReaderError("empty file")
    text, _ = decode(data)
    blocks = blocks_of(text)
    title = next((b.text for b in blocks if isinstance(b, Paragraph)), "")
    return Document(blocks=blocks, media_type=MEDIA_TYPE, title=title)
