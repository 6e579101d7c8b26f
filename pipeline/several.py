"""Several reports in one document (a site's archive of many years in one text, a merged PDF): found before the
normaliser runs, so their tables are never merged into one report's values.

An annual report prints its six numbered parts once, in order (一、总体情况 … 六、其他需要报告的事项). A
document where that sequence starts over — part 一 again after parts 二 and 三 — holds several reports. So
does one with tables 三 of its own under two or more different report titles (years or agencies). The scan
is one pass over the document's lines and table headers: linear in its size, whatever it holds.
"""

from __future__ import annotations

import re

from pipeline.document import Document, Paragraph, Table
from pipeline.metadata import is_report_title
from pipeline.sections import section_heading
from pipeline.text import squeeze

_TITLE_MAX = 60
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
_APPLICANT_WORDS = ("自然人", "商业企业")  # the applicant header of table 三, in every template


def report_runs(lines: list[str]) -> int:
    """How many times the report's numbered parts run from 一 on: part 一 followed by at least two later parts."""
    runs, seen = 0, set()
    for line in lines:
        if len(line) > 80:
            continue
        number = section_heading(line)
        if number is None:
            continue
        if number == 1:
            runs += len(seen) >= 3
            seen = set()
            seen.add(1)
        elif seen:
            seen.add(number)
    return runs + (len(seen) >= 3)


def _requests_header(table: Table) -> bool:
    head = "".join(c.text for row in table.rows[:4] for c in row).replace(" ", "")
    return all(w in head for w in _APPLICANT_WORDS)


def several_reports(doc: Document) -> str | None:
    """A message when the document holds several annual reports, else None."""
    runs = report_runs(doc.lines)
    titles: set[str] = set()
    tables = 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            if len(b.text) <= 2 * _TITLE_MAX and _YEAR_RE.search(b.text) and is_report_title(b.text):
                title = squeeze(b.text)
                if len(title) <= _TITLE_MAX:
                    titles.add(title)
        elif _requests_header(b):
            tables += 1
    if runs < 2 and not (len(titles) >= 2 and tables >= 2):
        return None
    found = [f"its numbered parts (一、总体情况 …) start over {runs} times"] if runs >= 2 else []
    if len(titles) >= 2 and tables >= 2:
        found.append(f"{len(titles)} different report titles and {tables} tables 三")
    return ("several reports in one document: " + "; ".join(found) + ". Nothing was extracted, so that values of "
            "different reports are never merged: split it into one file per report")
