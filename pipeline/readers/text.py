"""Plain-text reader: prose lines and tables, `|`-delimited (any layout, see pipe_grid) or one cell per line."""

from __future__ import annotations

import re

from pipeline.document import Cell, Document, Paragraph, ReaderError, Table
from pipeline.labels import cue_score
from pipeline.numbers import is_value
from pipeline.readers import pipe_grid
from pipeline.readers.encoding import decode
from pipeline.readers.pipe_grid import MD_RULE_RE as _MD_RULE_RE
from pipeline.sections import section_heading
from pipeline.text import clean, fold

MEDIA_TYPE = "text/plain"
_STREAM_MAX_LEN = 80  # a line longer than this is prose, never a one-cell-per-line table cell
_STREAM_MIN_VALUES = 6
_BLANK_TABLE_CUES = 3  # a run of labels and blank lines is a table printed blank when its labels say so
_CLAUSE_LINE_RE = re.compile(r"^第二十[条條]\s*第?\s*[（(]?[一二三四五六七八九十]+[)）]?\s*[项項]$")
_SENTENCE_ENDS = ("。",)


def _caption(blocks: list[Paragraph | Table], lookback: int = 64) -> str:
    """The prose line before a table (looked for among the last `lookback` blocks only: thousands of tables in
    a row would otherwise make reading quadratic)."""
    for b in blocks[:-lookback - 1:-1]:
        if isinstance(b, Paragraph):
            return b.text
    return ""


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
    return pipe_grid.rectangular(rows, lambda t: t)


def _flush_stream(run: list[str], blocks: list[Paragraph | Table], n_tables: int) -> int:
    """Turn a run of short lines into a table when it holds enough values, else into paragraphs."""
    values = [t for t in run if is_value(t)]  # blank lines count: inside such a table they are blank cells
    printed_blank = not any(values) and max(cue_score(fold("".join(run))).values()) >= _BLANK_TABLE_CUES
    if len(values) >= _STREAM_MIN_VALUES and (any(values) or printed_blank):
        caption = _caption(blocks)
        blocks.append(_grid(_stream_rows(run), n_tables, caption))
        return n_tables + 1
    blocks.extend(Paragraph(t) for t in run if t)
    return n_tables


def _is_table_line(raw: str) -> bool:
    return "|" in raw


def _continues(lines: list[str], i: int) -> bool:
    """A pipe-less line inside a table block: a clause row, or (at most 3 lines of) text wrapped from the cell
    whose `|` ends a later line. Never a section heading or a sentence of prose."""
    for j in range(i, min(i + 4, len(lines))):
        raw = lines[j]
        if _is_table_line(raw):
            return j > i and not raw.lstrip().startswith("|")
        line = clean(raw)
        if not line:
            return False
        if _CLAUSE_LINE_RE.match(line):
            return True
        if len(line) > _STREAM_MAX_LEN or section_heading(line) is not None or line.endswith(_SENTENCE_ENDS):
            return False
    return False


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t\u3000"))


def _wrapped_start(run: list[str], first: str, before: list[str]) -> list[str]:
    """The last short lines before a table's first `|` line that are the start of its first cell, wrapped
    (`(本` / `列数据的勾稽关系为… |`): at most 3 lines of at most 30 characters, no heading, no sentence; longer
    lines where one leaves a bracket open or where the cell's text is indented (`       之和)  |`) and the lines
    just before it are indented alike (`before`: the raw lines before the table's first line)."""
    if first.lstrip().startswith("|"):
        return []
    indent = _indent(first)
    k = len(run)
    while k > 0 and len(run) - k < 3:
        line = run[k - 1]
        raw = before[len(before) - (len(run) - k) - 1] if len(run) - k < len(before) else ""
        alike = indent >= 2 and _indent(raw) == indent and clean(raw) == line
        if not line or section_heading(line) is not None or line.endswith(_SENTENCE_ENDS):
            break
        unclosed = line.count("(") > line.count(")")  # a bracket the cell's next line closes: no paragraph
        if len(line) > (_STREAM_MAX_LEN if alike or unclosed else 30):
            break
        k -= 1
    return run[k:]


def _block_end(lines: list[str], i: int) -> int:
    """Index after the last line of the table block that starts at line i."""
    end = i + 1
    j = i + 1
    while j < len(lines):
        raw = lines[j]
        if _is_table_line(raw):
            j += 1
            end = j
            continue
        if not raw.strip():
            j += 1
            continue
        if _continues(lines, j):
            j += 1
            continue
        break
    return end


def _starts_table(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if _is_table_line(line):
        return not _MD_RULE_RE.match(line)
    nxt = next((ln for ln in lines[i + 1:i + 3] if ln.strip()), "")
    return bool(_CLAUSE_LINE_RE.match(clean(line))) and _is_table_line(nxt)


def _table_block(block: list[str], n_tables: int, caption: str, cut: bool) -> Table | None:
    """A table from a block of lines, or None when it holds fewer than two rows (a stray `|` in prose)."""
    own = {k for k, ln in enumerate(block) if "|" not in ln and _CLAUSE_LINE_RE.match(clean(ln))}
    term = pipe_grid.terminated(block, cut)
    rows = pipe_grid.token_rows(pipe_grid.tokenize(block, term=term, own_rows=own, cut=cut), term)
    if len(rows) < 2:
        return None
    return Table(pipe_grid.cells_of(rows), n_tables, None, caption)


def blocks_of(text: str) -> list[Paragraph | Table]:
    """Split text into paragraphs and tables in reading order."""
    blocks: list[Paragraph | Table] = []
    run: list[str] = []
    n_tables = 0
    lines = text.splitlines()
    cut = bool(text) and not text.endswith(("\n", "\r"))  # an excerpt that stops mid-line

    def flush_run() -> None:
        nonlocal n_tables
        if run:
            n_tables = _flush_stream(list(run), blocks, n_tables)
            run.clear()

    i = 0
    while i < len(lines):
        raw = lines[i]
        if _starts_table(lines, i):
            wrapped = _wrapped_start(run, lines[i], lines[:i])
            del run[len(run) - len(wrapped):]
            flush_run()
            end = _block_end(lines, i)
            caption = _caption(blocks)
            table = _table_block(wrapped + lines[i:end], n_tables, caption, cut and end == len(lines))
            if table is not None:
                blocks.append(table)
                n_tables += 1
            else:
                blocks.extend(Paragraph(t) for t in (clean(x.replace("|", " ")) for x in wrapped + lines[i:end]) if t)
            i = end
            continue
        i += 1
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
