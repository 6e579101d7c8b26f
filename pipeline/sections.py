"""The six numbered prose parts of a report (一、总体情况 … 六、其他需要报告的事项)."""

from __future__ import annotations

import re

import pandas as pd

from pipeline import labels
from pipeline.text import cn_number, core

_HEADING_RE = re.compile(r"^([一二三四五六])\s*[、.,]\s*(.{2,60})$")


def section_heading(line: str) -> int | None:
    """Section number (1–6) when the line is a section heading of the report, else None."""
    m = _HEADING_RE.match(line.strip())
    if not m:
        return None
    number = cn_number(m.group(1))
    title = core(m.group(2))
    section = labels.sections()[number - 1]
    return number if any(p in title for p in section.patterns) else None


def split_sections(lines: list[str]) -> list[tuple[int, str, str]]:
    """(number, title, text) for each section heading found in order; text is the prose up to the next one."""
    found: list[tuple[int, str, list[str]]] = []
    expected = 1
    for line in lines:
        number = section_heading(line)
        if number is not None and number >= expected:
            found.append((number, line.strip(), []))
            expected = number + 1
        elif found:
            found[-1][2].append(line)
    return [(n, t, "\n".join(body)) for n, t, body in found]


def section_rows(report_id: str, lines: list[str]) -> list[dict[str, object]]:
    """The `sections` rows of a report's prose lines."""
    return [{"report_id": report_id, "number": n, "title": t, "text": x} for n, t, x in split_sections(lines)]


def sections_frame(report_id: str, lines: list[str]) -> pd.DataFrame:
    return pd.DataFrame(section_rows(report_id, lines), columns=["report_id", "number", "title", "text"])
