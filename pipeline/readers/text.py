"""Plain-text reader: prose lines, `|`-delimited tables (plain or Markdown) and one-cell-per-line tables."""

from __future__ import annotations

import re

from pipeline.document import Cell, Document, Paragraph, ReaderError, Table
from pipeline.labels import cue_score
from pipeline.numbers import is_value
from pipeline.readers.encoding import decode
from pipeline.sections import section_heading
from pipeline.text import clean, squeeze

MEDIA_TYPE = "text/plain"
_MD_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STREAM_MAX_LEN = 80  # a line longer than this is prose, never a one-cell-per-line table cell
_STREAM_MIN_VALUES = 6
_BLANK_TABLE_CUES = 3  # a run of labels and blank lines is a table printed blank when its labels say so
_CLAUSE_LINE_RE = re.compile(r"^第二十条\s*第?\s*[（(]?[一二三四五六七八九十]+[)）]?\s*项$")


def _is_markdown(lines: list[str]) -> bool:
    """Markdown tables have outer pipes on every row; plain pipe text may start or end a row with an empty cell."""
    return all(x.lstrip().startswith("|") and x.rstrip().endswith("|") for x in lines)


def _split_pipe(line: str, markdown: bool) -> list[str]:
    cells = line.split("|")
    if markdown:
        cells = cells[1:-1]
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
    values = [t for t in run if is_value(t)]  # blank lines count: inside such a table they are blank cells
    printed_blank = not any(values) and max(cue_score(squeeze("".join(run))).values()) >= _BLANK_TABLE_CUES
    if len(values) >= _STREAM_MIN_VALUES and (any(values) or printed_blank):
        caption = next((b.text for b in reversed(blocks) if isinstance(b, Paragraph)), "")
        blocks.append(_grid(_stream_rows(run), n_tables, caption))
        return n_tables + 1
    blocks.extend(Paragraph(t) for t in run if t)
    return n_tables


def blocks_of(text: str) -> list[Paragraph | Table]:
    """Split text into paragraphs and tables in reading order."""
    blocks: list[Paragraph | Table] = []
    pipe_rows: list[str] = []
    run: list[str] = []
    n_tables = 0

    def flush_pipe() -> None:
        nonlocal n_tables
        if pipe_rows:
            caption = next((b.text for b in reversed(blocks) if isinstance(b, Paragraph)), "")
            markdown = _is_markdown(pipe_rows)
            blocks.append(_grid([_split_pipe(x, markdown) for x in pipe_rows], n_tables, caption))
            n_tables += 1
            pipe_rows.clear()

    def flush_run() -> None:
        nonlocal n_tables
        if run:
            n_tables = _flush_stream(list(run), blocks, n_tables)
            run.clear()

    raw_lines = text.splitlines()
    for i, raw in enumerate(raw_lines):
        if _CLAUSE_LINE_RE.match(raw.strip()) and (pipe_rows or (i + 1 < len(raw_lines) and "|" in raw_lines[i + 1])):
            raw = raw.strip() + " |"  # a clause line between pipe rows is a row of table 二, printed without pipes
        if "|" in raw:
            flush_run()
            if not _MD_RULE_RE.match(raw):
                pipe_rows.append(raw)
            continue
        flush_pipe()
        line = clean(raw)
        if not line:
            if run:
                run.append("")  # inside a one-cell-per-line table an empty line is a blank cell
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
